// A configured catalog: a name, a connector type and options, as written by CREATE CATALOG or declared in
// fedq.toml. Option values are text, an env('VAR') reference (read when the catalog is opened), and
// secrets (see catalog/secrets.h) may be held sealed. resolve_config turns a definition into the
// ConnectorConfig a connector factory receives; create_statement renders it for SHOW CREATE CATALOG
// with every secret shown as '****'.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "connector/pushdown.h"

namespace fedq {

class SecretBox;

struct CatalogOptionValue {
    enum class Kind : uint8_t {
        kString,   // 'text'
        kNumber,   // 5432, 1.5 (kept as written)
        kBoolean,  // true / false
        kEnv,      // env('VAR'): `text` is the variable name
    };
    Kind kind = Kind::kString;
    std::string text;
    bool secret = false;  // is_secret_option(key): never shown, stored encrypted
    bool sealed = false;  // `text` is encrypted (SecretBox::seal), as loaded from the metastore

    static CatalogOptionValue string(std::string text) { return {Kind::kString, std::move(text)}; }
    static CatalogOptionValue env(std::string variable) { return {Kind::kEnv, std::move(variable)}; }
};

enum class CatalogSource : uint8_t { kBuiltin, kMetastore, kConfigFile };

struct CatalogDefinition {
    std::string name;  // lower case
    std::string type;  // lower case, as written (may be an alias such as mariadb)
    std::map<std::string, CatalogOptionValue> options;  // keys lower case
    CatalogSource source = CatalogSource::kMetastore;
    std::string origin;  // kConfigFile: the file that declared it
    std::string created_at;  // kMetastore: UTC timestamps 'YYYY-MM-DD HH:MM:SS'
    std::string updated_at;
    int64_t revision = 0;  // kMetastore: bumped by every change

    // Sets `secret` on every option from its key. Call after filling `options`.
    void mark_secrets();
    // CREATE CATALOG name USING type WITH (key = value, ...) with secret values as '****' and env
    // references as env('VAR'). Keys and values are quoted/escaped so the text parses back.
    std::string create_statement() const;
};

// Resolves env() references (a missing variable raises kInvalidParameter naming the catalog, option and
// variable) and unseals secrets with `secrets` (required only when a value is sealed).
ConnectorConfig resolve_config(const CatalogDefinition& definition, SecretBox* secrets, const std::string& home);

// 'text' with quotes doubled.
std::string sql_string_literal(std::string_view text);
// The identifier as is when it is a plain lower-case word, else "double-quoted".
std::string sql_identifier(std::string_view name);

const char* catalog_source_name(CatalogSource source);

}  // namespace fedq
