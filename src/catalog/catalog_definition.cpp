#include "catalog/catalog_definition.h"

#include <cstdlib>

#include "catalog/secrets.h"
#include "common/error.h"

namespace fedq {

void CatalogDefinition::mark_secrets() {
    for (auto& [key, value] : options) value.secret = is_secret_option(key);
}

std::string sql_string_literal(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    out += '\'';
    return out;
}

std::string sql_identifier(std::string_view name) {
    bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
    }
    if (plain) return std::string(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

const char* catalog_source_name(CatalogSource source) {
    switch (source) {
        case CatalogSource::kBuiltin: return "built-in";
        case CatalogSource::kMetastore: return "metastore";
        case CatalogSource::kConfigFile: return "config file";
    }
    return "";
}

std::string CatalogDefinition::create_statement() const {
    std::string out = "CREATE CATALOG " + sql_identifier(name) + " USING " + sql_identifier(type);
    if (options.empty()) return out;
    out += " WITH (";
    bool first = true;
    for (const auto& [key, value] : options) {
        if (!first) out += ", ";
        first = false;
        out += sql_identifier(key) + " = ";
        switch (value.kind) {
            case CatalogOptionValue::Kind::kEnv: out += "env(" + sql_string_literal(value.text) + ")"; break;
            case CatalogOptionValue::Kind::kNumber:
            case CatalogOptionValue::Kind::kBoolean:
                out += value.secret ? "'****'" : value.text;
                break;
            case CatalogOptionValue::Kind::kString:
                out += value.secret ? "'****'" : sql_string_literal(value.text);
                break;
        }
    }
    out += ")";
    return out;
}

ConnectorConfig resolve_config(const CatalogDefinition& definition, SecretBox* secrets, const std::string& home) {
    ConnectorConfig config;
    config.catalog = definition.name;
    config.type = definition.type;
    config.home = home;
    for (const auto& [key, value] : definition.options) {
        if (value.kind == CatalogOptionValue::Kind::kEnv) {
            const char* env = std::getenv(value.text.c_str());
            if (!env) {
                raise(ErrorCode::kInvalidParameter,
                      "catalog {}: option '{}' reads the environment variable {}, which is not set", definition.name,
                      key, value.text);
            }
            config.options[key] = env;
        } else if (value.sealed) {
            if (!secrets) raise(ErrorCode::kInternal, "catalog {}: no secret box to decrypt option '{}'", definition.name, key);
            config.options[key] = secrets->open(value.text, "catalog " + definition.name + ", option " + key);
        } else {
            config.options[key] = value.text;
        }
    }
    return config;
}

}  // namespace fedq
