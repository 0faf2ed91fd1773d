// The SQLite connector: a catalog over one SQLite database file (plus databases attached with the
// `attach` option), read in process through libsqlite3. Options (docs/connectors/sqlite.md):
//   path               the database file; a relative path is resolved against the current directory
//                      when the catalog is created; "file:" URIs are passed to SQLite unchanged
//   read_only          default true: opened SQLITE_OPEN_READONLY + PRAGMA query_only (never created)
//   busy_timeout       how long to wait on a locked database (default 5s)
//   statement_timeout  interrupts a remote statement running longer (default none)
//   connect_timeout    how long to wait for a free pooled connection (default 10s)
//   pool_size          connections kept per catalog (default 8)
//   attach             "schema=path[,schema=path...]": more databases, visible as schemas
//   split_min_rows     rowid-range splits for tables estimated to hold at least this many rows
//                      (default 100000)
// Schemas are "main" and the attached databases; tables and views come from sqlite_master. Filters,
// aggregation, top-N, joins and passthrough queries are pushed through connectors/sql_common with the
// SQLite dialect (sqlite_dialect.h).
#pragma once

#include <memory>

#include "connector/connector.h"

namespace fedq {

std::shared_ptr<Connector> make_sqlite_connector(const ConnectorConfig& config);

}  // namespace fedq
