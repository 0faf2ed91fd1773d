// PostgreSQL metadata: schemas, tables, columns with type mapping, statistics (pg_class, pg_stats), and the
// description of a passthrough query (PQprepare + PQdescribePrepared).
//
// Names are case-sensitive in PostgreSQL while the engine lower-cases unquoted identifiers: a lookup takes
// the exact name first, then the unique case-insensitive match.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connector/connector.h"
#include "connectors/postgres/postgres_connection.h"

namespace fedq {

inline constexpr size_t kPgTablePageSize = 1000;

std::vector<std::string> pg_list_schemas(PgConnection& connection);
TablePage pg_list_tables(PgConnection& connection, const std::string& schema, const std::string& page_token);
std::optional<TableInfo> pg_get_table(PgConnection& connection, const std::string& schema, const std::string& table);
// A native query as a table: relation "(<sql>) AS q(<column names>)", columns typed by the server.
TableInfo pg_describe_query(PgConnection& connection, const std::string& sql);

}  // namespace fedq
