#include "engine/catalog_statements.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "catalog/config_file.h"
#include "catalog/connector_registry.h"
#include "catalog/metastore.h"
#include "catalog/secrets.h"
#include "common/error.h"
#include "engine/builtin_connectors.h"
#include "engine/engine.h"

namespace fedq {

namespace {

namespace fs = std::filesystem;

CatalogOptionValue option_value(const ast::CatalogOption& option) {
    CatalogOptionValue value;
    switch (option.kind) {
        case ast::CatalogOption::Kind::kString: value.kind = CatalogOptionValue::Kind::kString; break;
        case ast::CatalogOption::Kind::kNumber: value.kind = CatalogOptionValue::Kind::kNumber; break;
        case ast::CatalogOption::Kind::kBoolean: value.kind = CatalogOptionValue::Kind::kBoolean; break;
        case ast::CatalogOption::Kind::kEnv: value.kind = CatalogOptionValue::Kind::kEnv; break;
    }
    value.text = option.value;
    value.secret = is_secret_option(option.key);
    return value;
}

std::map<std::string, CatalogOptionValue> option_map(const std::string& catalog,
                                                     const std::vector<ast::CatalogOption>& options) {
    std::map<std::string, CatalogOptionValue> out;
    for (const auto& option : options) {
        if (!out.emplace(option.key, option_value(option)).second) {
            throw Error(ErrorCode::kInvalidParameter,
                        fmt::format("catalog {}: option '{}' is given twice", catalog, option.key), option.position);
        }
    }
    return out;
}

void create_home(const std::string& home) {
    std::error_code error;
    if (fs::exists(home, error)) return;
    fs::create_directories(home, error);
    if (error) raise(ErrorCode::kIo, "cannot create the data directory {}: {}", home, error.message());
    ::chmod(home.c_str(), 0700);  // it holds the master key and the metastore
}

// Appends the catalogs of `path`; a name declared twice (in one or several files) is an error.
void add_config_file(const std::string& path, std::vector<CatalogDefinition>& catalogs) {
    for (auto& definition : read_config_file(path)) {
        for (const auto& existing : catalogs) {
            if (existing.name == definition.name) {
                raise(ErrorCode::kDuplicateObject, "catalog {} is declared in both {} and {}", definition.name,
                      existing.origin, definition.origin);
            }
        }
        catalogs.push_back(std::move(definition));
    }
}

}  // namespace

CatalogSetup load_catalog_setup(const EngineOptions& options) {
    CatalogSetup setup;
    setup.home = options.home;
    if (options.connectors) {
        setup.registry = options.connectors;
    } else {
        auto registry = std::make_shared<ConnectorRegistry>();
        register_builtin_connectors(*registry);
        setup.registry = std::move(registry);
    }
    if (!options.home.empty()) create_home(options.home);
    setup.secrets = std::make_unique<SecretBox>(options.home);
    setup.metastore = std::make_unique<Metastore>(options.home.empty() ? ":memory:" : options.home + "/metastore.db",
                                                  *setup.secrets);
    std::vector<std::string> paths;
    if (!options.home.empty()) {
        std::string home_config = options.home + "/fedq.toml";
        std::error_code error;
        if (fs::exists(home_config, error)) paths.push_back(home_config);
    }
    if (const char* env = std::getenv("FEDQ_CONFIG"); env && *env) paths.push_back(env);
    if (!options.config_file.empty()) paths.push_back(options.config_file);
    std::vector<std::string> seen;
    for (const auto& path : paths) {
        std::error_code error;
        std::string canonical = fs::weakly_canonical(path, error).string();
        if (error) canonical = path;
        if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
        seen.push_back(canonical);
        add_config_file(path, setup.config_catalogs);
    }
    return setup;
}

CatalogDefinition catalog_definition_from_ast(const ast::CreateCatalogStatement& statement) {
    CatalogDefinition definition;
    definition.name = to_lower(statement.name.name);
    definition.type = to_lower(statement.type.name);
    definition.options = option_map(definition.name, statement.options);
    definition.mark_secrets();
    return definition;
}

std::string execute_catalog_ddl(CatalogManager& catalogs, const ast::Statement& statement) {
    switch (statement.kind) {
        case ast::StatementKind::kCreateCatalog: {
            const auto& create = static_cast<const ast::CreateCatalogStatement&>(statement);
            auto mode = create.or_replace      ? CatalogManager::CreateMode::kReplace
                        : create.if_not_exists ? CatalogManager::CreateMode::kIfNotExists
                                               : CatalogManager::CreateMode::kCreate;
            catalogs.create_catalog(catalog_definition_from_ast(create), mode);
            return "CREATE CATALOG";
        }
        case ast::StatementKind::kDropCatalog: {
            const auto& drop = static_cast<const ast::DropCatalogStatement&>(statement);
            catalogs.drop_catalog(drop.name.name, drop.if_exists);
            return "DROP CATALOG";
        }
        case ast::StatementKind::kAlterCatalog: {
            const auto& alter = static_cast<const ast::AlterCatalogStatement&>(statement);
            std::string name = to_lower(alter.name.name);
            catalogs.alter_catalog(name, option_map(name, alter.set), alter.reset);
            return "ALTER CATALOG";
        }
        default: break;
    }
    raise(ErrorCode::kInternal, "not a catalog statement");
}

}  // namespace fedq
