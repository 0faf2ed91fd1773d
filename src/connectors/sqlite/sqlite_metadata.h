// Metadata of a SQLite database read through one connection: schemas (main + attached), tables and views
// from sqlite_master, column types (sqlite_types.h), statistics (sqlite_stat1, else the rowid range, else
// an exact count for small tables) and the relation a scan reads (sql_common "relation" property).
//
// The relation is the table itself, or a flattenable subquery over it when some column needs help to
// compare like the engine: text columns with a non-BINARY collation (NOCASE, RTRIM) are read as
// `"c" COLLATE BINARY`, columns without a text affinity that the engine sees as VARCHAR as
// `CAST("c" AS TEXT)`. SQLite flattens the subquery, so indexes still serve rowid ranges.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connector/connector.h"
#include "connectors/sqlite/sqlite_connection.h"
#include "connectors/sqlite/sqlite_types.h"

namespace fedq {

class SqlDialect;

// Handle property "sqlite" (connector-private):
//   {"kind": "table"|"view"|"query"|"join", "base": "\"main\".\"t\"",
//    "split_key": the rowid as the relation exposes it ("rowid" or "\"__fedq_rowid\"", "" = no splits),
//    "rowid": the rowid alias in the base table}
inline constexpr const char* kSqliteProperty = "sqlite";

std::vector<std::string> sqlite_schemas(SqliteConnection& connection);
// Exact name first, then the unique case-insensitive match; nullopt when none; raises when ambiguous.
std::optional<std::string> resolve_sqlite_name(const std::vector<std::string>& names, const std::string& wanted,
                                               const std::string& catalog, std::string_view what);
std::vector<std::string> sqlite_tables(SqliteConnection& connection, const std::string& schema);
std::optional<TableInfo> sqlite_table_info(SqliteConnection& connection, const SqlDialect& dialect,
                                           const std::string& schema, const std::string& table);
// A native query as a table (TABLE(cat.system.query(query => '...'))).
TableInfo sqlite_query_info(SqliteConnection& connection, const SqlDialect& dialect, const std::string& query);

// One output column of a wrapped relation: its name and how the subquery reads it ("" = as is).
struct RelationColumn {
    std::string name;
    std::string read_sql;
};
// `inner` wrapped as "(SELECT ... FROM inner) AS alias" when any column has a read_sql or a rowid must be
// exposed; otherwise `inner` itself when `inner_is_table`.
std::string sqlite_relation(const SqlDialect& dialect, const std::string& inner, bool inner_is_table,
                            const std::vector<RelationColumn>& columns, const std::string& rowid_alias,
                            const std::string& alias);

}  // namespace fedq
