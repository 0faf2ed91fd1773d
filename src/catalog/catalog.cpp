#include "catalog/catalog.h"

#include <algorithm>
#include <cctype>

#include "catalog/connector_registry.h"
#include "catalog/metastore.h"
#include "catalog/secrets.h"
#include "common/error.h"
#include "connectors/files/files_connector.h"

namespace fedq {

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

namespace {

// Names reserved for built-in catalogs even when not registered as a catalog (paths in FROM are served by
// the files connector).
bool is_reserved_name(const std::string& name) { return name == "files"; }

void close_quietly(const std::shared_ptr<Connector>& connector) {
    if (!connector) return;
    try {
        connector->close();
    } catch (...) {
        // Closing is best effort: the catalog is going away either way.
    }
}

}  // namespace

CatalogSetup::CatalogSetup() = default;
CatalogSetup::~CatalogSetup() = default;
CatalogSetup::CatalogSetup(CatalogSetup&&) noexcept = default;
CatalogSetup& CatalogSetup::operator=(CatalogSetup&&) noexcept = default;

CatalogManager::CatalogManager() : files_(std::make_shared<FilesConnector>()) {}

CatalogManager::~CatalogManager() {
    for (auto& [_, open] : opened_) close_quietly(open.connector);
    opened_.clear();
    metastore_.reset();
}

void CatalogManager::add(const std::string& name, std::shared_ptr<Connector> connector) {
    std::lock_guard lock(mutex_);
    catalogs_[to_lower(name)] = std::move(connector);
}

void CatalogManager::configure(CatalogSetup setup) {
    std::lock_guard lock(mutex_);
    for (auto& [_, open] : opened_) close_quietly(open.connector);
    opened_.clear();
    metastore_.reset();
    registry_ = std::move(setup.registry);
    secrets_ = std::move(setup.secrets);
    metastore_ = std::move(setup.metastore);
    config_catalogs_ = std::move(setup.config_catalogs);
    home_ = std::move(setup.home);
}

bool CatalogManager::configured() const {
    std::lock_guard lock(mutex_);
    return registry_ != nullptr;
}

const ConnectorRegistry* CatalogManager::registry() const {
    std::lock_guard lock(mutex_);
    return registry_.get();
}

std::optional<CatalogDefinition> CatalogManager::find_definition_locked(const std::string& name) const {
    for (const auto& definition : config_catalogs_) {
        if (definition.name == name) return definition;
    }
    if (metastore_) return metastore_->find_catalog(name);
    return std::nullopt;
}

std::shared_ptr<Connector> CatalogManager::open_locked(const CatalogDefinition& definition) const {
    if (!registry_) raise(ErrorCode::kInternal, "catalog {}: no connector registry", definition.name);
    ConnectorConfig config = resolve_config(definition, secrets_.get(), home_);
    return registry_->create(config);
}

std::shared_ptr<Connector> CatalogManager::find(const std::string& raw_name) const {
    std::string name = to_lower(raw_name);
    std::lock_guard lock(mutex_);
    if (auto it = catalogs_.find(name); it != catalogs_.end()) return it->second;
    if (auto it = opened_.find(name); it != opened_.end()) {
        // A metastore catalog may have been altered or dropped by another process sharing the home.
        if (it->second.revision == 0 || !metastore_ || metastore_->catalog_revision(name) == it->second.revision) {
            return it->second.connector;
        }
        close_quietly(it->second.connector);
        opened_.erase(it);
    }
    auto definition = find_definition_locked(name);
    if (!definition) return nullptr;
    auto connector = open_locked(*definition);
    int64_t revision = definition->source == CatalogSource::kMetastore ? definition->revision : 0;
    opened_[name] = {connector, revision};
    return connector;
}

std::vector<CatalogEntry> CatalogManager::list() const {
    std::lock_guard lock(mutex_);
    std::map<std::string, CatalogEntry> entries;
    if (metastore_) {
        for (const auto& definition : metastore_->list_catalogs()) {
            entries[definition.name] = {definition.name, definition.type, CatalogSource::kMetastore, ""};
        }
    }
    for (const auto& definition : config_catalogs_) {
        entries[definition.name] = {definition.name, definition.type, CatalogSource::kConfigFile, definition.origin};
    }
    for (const auto& [name, connector] : catalogs_) {
        entries[name] = {name, connector->type_name(), CatalogSource::kBuiltin, ""};
    }
    std::vector<CatalogEntry> out;
    for (auto& [_, entry] : entries) out.push_back(std::move(entry));
    return out;
}

std::vector<std::string> CatalogManager::names() const {
    std::vector<std::string> out;
    for (const auto& entry : list()) out.push_back(entry.name);
    return out;
}

std::shared_ptr<Connector> CatalogManager::files_connector() const { return files_; }

std::optional<CatalogDefinition> CatalogManager::definition(const std::string& raw_name) const {
    std::lock_guard lock(mutex_);
    return find_definition_locked(to_lower(raw_name));
}

void CatalogManager::check_mutable_locked(const std::string& name, const char* action) const {
    if (catalogs_.count(name) || is_reserved_name(name)) {
        raise(ErrorCode::kInsufficientPrivilege, "cannot {} the built-in catalog \"{}\"", action, name);
    }
    for (const auto& definition : config_catalogs_) {
        if (definition.name == name) {
            raise(ErrorCode::kNotSupported, "cannot {} catalog \"{}\": it is declared in {}; edit that file instead",
                  action, name, definition.origin);
        }
    }
    if (!metastore_) raise(ErrorCode::kNotSupported, "cannot {} catalog \"{}\": this engine has no metastore", action, name);
}

void CatalogManager::replace_cached_locked(const std::string& name, std::shared_ptr<Connector> connector,
                                           int64_t revision) const {
    auto it = opened_.find(name);
    if (it != opened_.end()) {
        close_quietly(it->second.connector);
        opened_.erase(it);
    }
    if (connector) opened_[name] = {std::move(connector), revision};
}

bool CatalogManager::create_catalog(CatalogDefinition definition, CreateMode mode) {
    definition.name = to_lower(definition.name);
    definition.type = to_lower(definition.type);
    definition.source = CatalogSource::kMetastore;
    definition.mark_secrets();
    const std::string& name = definition.name;
    if (name.empty()) raise(ErrorCode::kInvalidParameter, "a catalog name must not be empty");
    std::lock_guard lock(mutex_);
    bool taken_by_builtin = catalogs_.count(name) || is_reserved_name(name);
    const CatalogDefinition* from_file = nullptr;
    for (const auto& d : config_catalogs_) {
        if (d.name == name) from_file = &d;
    }
    if (taken_by_builtin || from_file) {
        if (mode == CreateMode::kIfNotExists) return false;
        if (taken_by_builtin) raise(ErrorCode::kDuplicateObject, "catalog \"{}\" is built in and cannot be replaced", name);
        raise(ErrorCode::kDuplicateObject, "catalog \"{}\" already exists (declared in {})", name, from_file->origin);
    }
    if (!metastore_ || !registry_) raise(ErrorCode::kNotSupported, "cannot create catalog \"{}\": this engine has no metastore", name);
    if (mode != CreateMode::kReplace && metastore_->find_catalog(name)) {
        if (mode == CreateMode::kIfNotExists) return false;
        raise(ErrorCode::kDuplicateObject, "catalog \"{}\" already exists", name);
    }
    // Validate by building the connector; nothing is stored when that fails.
    auto connector = open_locked(definition);
    int64_t revision = 0;
    try {
        revision = metastore_->save_catalog(definition, mode == CreateMode::kReplace ? Metastore::SaveMode::kReplace
                                                                                       : Metastore::SaveMode::kCreate);
    } catch (const Error& error) {
        close_quietly(connector);
        // Another process created it between the check and the write.
        if (error.code() == ErrorCode::kDuplicateObject && mode == CreateMode::kIfNotExists) return false;
        throw;
    }
    replace_cached_locked(name, std::move(connector), revision);
    return true;
}

bool CatalogManager::drop_catalog(const std::string& raw_name, bool if_exists) {
    std::string name = to_lower(raw_name);
    std::lock_guard lock(mutex_);
    check_mutable_locked(name, "drop");
    bool dropped = metastore_->drop_catalog(name);
    replace_cached_locked(name, nullptr);
    if (!dropped && !if_exists) raise(ErrorCode::kUndefinedObject, "catalog \"{}\" does not exist", name);
    return dropped;
}

void CatalogManager::alter_catalog(const std::string& raw_name, const std::map<std::string, CatalogOptionValue>& set,
                                   const std::vector<std::string>& reset) {
    std::string name = to_lower(raw_name);
    std::lock_guard lock(mutex_);
    check_mutable_locked(name, "alter");
    auto definition = metastore_->find_catalog(name);
    if (!definition) raise(ErrorCode::kUndefinedObject, "catalog \"{}\" does not exist", name);
    for (const auto& raw_key : reset) {
        std::string key = to_lower(raw_key);
        if (!definition->options.erase(key)) {
            raise(ErrorCode::kUndefinedObject, "catalog \"{}\" has no option '{}' to reset", name, key);
        }
    }
    for (const auto& [raw_key, value] : set) {
        std::string key = to_lower(raw_key);
        CatalogOptionValue v = value;
        v.secret = is_secret_option(key);
        v.sealed = false;
        definition->options[key] = std::move(v);
    }
    auto connector = open_locked(*definition);
    int64_t revision = 0;
    try {
        revision = metastore_->save_catalog(*definition, Metastore::SaveMode::kUpdate);
    } catch (...) {
        close_quietly(connector);
        throw;
    }
    replace_cached_locked(name, std::move(connector), revision);
}

}  // namespace fedq
