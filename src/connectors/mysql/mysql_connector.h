// The MySQL/MariaDB connector (catalog type "mysql", alias "mariadb"): databases are the catalog's schemas,
// tables and views its tables. Scans stream text-protocol result sets (mysql_use_result) straight into
// Columns; filters, GROUP BY, ORDER BY ... LIMIT and joins in the same catalog are pushed down through
// MySqlDialect (see mysql_dialect.h for what stays in the engine and why); large tables with an integer
// primary key are read in parallel key-range splits, each on its own pooled session.
// Options: host, port (3306), database, user, password, ssl, connect_timeout (10s), statement_timeout,
// pool_size (8), split_rows (100000). See docs/connectors/mysql.md.
#pragma once

#include <memory>

#include "connector/connector.h"

namespace fedq {

// Validates the options; connects lazily on first use.
std::shared_ptr<Connector> make_mysql_connector(const ConnectorConfig& config);

}  // namespace fedq
