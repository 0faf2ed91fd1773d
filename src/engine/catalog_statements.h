// Configured catalogs in the engine: loading the metastore and fedq.toml at startup, and executing
// CREATE / DROP / ALTER CATALOG.
#pragma once

#include <string>

#include "catalog/catalog.h"
#include "sql/ast.h"

namespace fedq {

struct EngineOptions;

// The registry (options.connectors or the built-in types), the secret box and metastore for
// options.home ("" = in memory), and the catalogs of $home/fedq.toml, $FEDQ_CONFIG and
// options.config_file. Raises on a malformed config file or an unreadable metastore.
CatalogSetup load_catalog_setup(const EngineOptions& options);

CatalogDefinition catalog_definition_from_ast(const ast::CreateCatalogStatement& statement);

// Runs a kCreateCatalog, kDropCatalog or kAlterCatalog statement; returns the completion message.
std::string execute_catalog_ddl(CatalogManager& catalogs, const ast::Statement& statement);

}  // namespace fedq
