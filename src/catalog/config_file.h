// fedq.toml: catalogs declared in a file instead of the metastore, for reproducible deployments.
//
//   [catalogs.shop]
//   type = "postgres"
//   host = "127.0.0.1"
//   port = 5432
//   password = { env = "SHOP_PG_PASSWORD" }   # or password = "x" (the file is then the secret's home)
//
// Values are strings, integers, floats or booleans, or { env = "VAR" }. Keys are case-insensitive.
// Other top-level tables are ignored (room for later sections). Errors name the file, line and column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_definition.h"

namespace fedq {

// Parses the text of a config file; `path` is used in errors and as each definition's origin.
std::vector<CatalogDefinition> parse_config_text(std::string_view text, const std::string& path);
// Reads and parses a config file. Raises kIo when it cannot be read.
std::vector<CatalogDefinition> read_config_file(const std::string& path);

}  // namespace fedq
