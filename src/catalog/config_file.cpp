#include "catalog/config_file.h"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "catalog/catalog.h"
#include "common/error.h"

namespace fedq {

namespace {

std::string where(const std::string& path, const toml::source_region& region) {
    return fmt::format("{}:{}:{}", path, region.begin.line, region.begin.column);
}

[[noreturn]] void fail_at(const std::string& path, const toml::node& node, const std::string& message) {
    raise(ErrorCode::kInvalidParameter, "{}: {}", where(path, node.source()), message);
}

bool valid_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
    }
    return true;
}

CatalogOptionValue option_value(const std::string& path, const std::string& catalog, const std::string& key,
                                const toml::node& node) {
    CatalogOptionValue value;
    if (auto s = node.as_string()) {
        value.kind = CatalogOptionValue::Kind::kString;
        value.text = s->get();
    } else if (auto i = node.as_integer()) {
        value.kind = CatalogOptionValue::Kind::kNumber;
        value.text = std::to_string(i->get());
    } else if (auto f = node.as_floating_point()) {
        value.kind = CatalogOptionValue::Kind::kNumber;
        value.text = fmt::format("{}", f->get());
    } else if (auto b = node.as_boolean()) {
        value.kind = CatalogOptionValue::Kind::kBoolean;
        value.text = b->get() ? "true" : "false";
    } else if (auto table = node.as_table()) {
        const toml::node* env = table->get("env");
        if (!env || table->size() != 1 || !env->as_string() || env->as_string()->get().empty()) {
            fail_at(path, node,
                    fmt::format("catalog {}: option '{}' must be a string, number, boolean or {{ env = \"VAR\" }}", catalog,
                                key));
        }
        value.kind = CatalogOptionValue::Kind::kEnv;
        value.text = env->as_string()->get();
    } else {
        fail_at(path, node,
                fmt::format("catalog {}: option '{}' must be a string, number, boolean or {{ env = \"VAR\" }}", catalog, key));
    }
    return value;
}

}  // namespace

std::vector<CatalogDefinition> parse_config_text(std::string_view text, const std::string& path) {
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& error) {
        // The parser's description never contains values, only what was expected where.
        raise(ErrorCode::kInvalidParameter, "{}: {}", where(path, error.source()), std::string(error.description()));
    }
    std::vector<CatalogDefinition> out;
    const toml::node* catalogs_node = root.get("catalogs");
    if (!catalogs_node) return out;
    const toml::table* catalogs = catalogs_node->as_table();
    if (!catalogs) fail_at(path, *catalogs_node, "'catalogs' must be a table of [catalogs.NAME] sections");
    for (const auto& [raw_name, node] : *catalogs) {
        std::string name = to_lower(raw_name.str());
        const toml::table* table = node.as_table();
        if (!table) fail_at(path, node, fmt::format("catalog {}: expected a [catalogs.{}] table", name, name));
        if (!valid_name(name)) fail_at(path, node, "invalid catalog name");
        CatalogDefinition definition;
        definition.name = name;
        definition.source = CatalogSource::kConfigFile;
        definition.origin = path;
        const toml::node* type = table->get("type");
        if (!type || !type->as_string() || type->as_string()->get().empty()) {
            fail_at(path, type ? *type : node, fmt::format("catalog {}: 'type' (the connector type, a string) is required", name));
        }
        definition.type = to_lower(type->as_string()->get());
        for (const auto& [raw_key, value_node] : *table) {
            std::string key = to_lower(raw_key.str());
            if (key == "type") continue;
            if (definition.options.count(key)) {
                fail_at(path, value_node, fmt::format("catalog {}: option '{}' is given twice", name, key));
            }
            definition.options[key] = option_value(path, name, key, value_node);
        }
        definition.mark_secrets();
        for (const auto& existing : out) {
            if (existing.name == name) fail_at(path, node, fmt::format("catalog {} is declared twice", name));
        }
        out.push_back(std::move(definition));
    }
    return out;
}

std::vector<CatalogDefinition> read_config_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) raise(ErrorCode::kIo, "cannot read the config file {}", path);
    std::stringstream buffer;
    buffer << file.rdbuf();
    return parse_config_text(buffer.str(), path);
}

}  // namespace fedq
