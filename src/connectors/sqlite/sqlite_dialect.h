// SQLite's SQL dialect for pushdown (see connectors/sql_common/sql_query.h). What SQLite computes exactly
// like the engine, given how the connector exposes tables (every string column is read through BINARY
// collation, dynamically typed columns through CAST(... AS TEXT); see sqlite_connector.cpp):
//  - comparisons / IN / IS [NOT] DISTINCT FROM / ORDER BY / MIN / MAX on BIGINT, DOUBLE, VARCHAR (byte
//    order = code point order) and DECIMAL up to 15 digits (stored as REAL, exact at that size);
//    not on DATE/TIMESTAMP (stored as text in any of several formats), BOOLEAN or VARBINARY.
//  - LIKE as GLOB (SQLite's LIKE ignores ASCII case; GLOB is case-sensitive) with a constant pattern.
//  - + - * and unary minus on DOUBLE only: SQLite silently turns an overflowing integer result into a
//    REAL where the engine raises an error. Integer / and % only by a constant other than 0 and -1
//    (SQLite gives NULL for x/0; both truncate toward zero).
//  - abs, coalesce; CAST(BIGINT AS DOUBLE).
//  - count, count(DISTINCT), min, max, sum (BIGINT -> BIGINT: SQLite raises "integer overflow" too;
//    DOUBLE -> DOUBLE), avg (BIGINT/DOUBLE -> DOUBLE). Not on DECIMAL (SQLite adds REALs).
#pragma once

#include "connectors/sql_common/sql_query.h"

namespace fedq {

class SqliteDialect : public SqlDialect {
public:
    std::optional<std::string> literal(const Value& value) const override;
    std::optional<std::string> call(const ConnectorExpr& call, const std::vector<std::string>& args) const override;
    std::optional<std::string> aggregate(const PushedAggregate& aggregate,
                                         const std::vector<std::string>& args) const override;
    bool comparable(const Type& type) const override;
    std::optional<std::string> order_item(const std::string& sql, const Type& type, bool descending,
                                          bool nulls_first) const override;
};

// Translates a LIKE pattern (with an optional escape character) into an equivalent GLOB pattern, or
// nullopt when the pattern is malformed (a dangling escape).
std::optional<std::string> like_to_glob(std::string_view pattern, std::optional<char> escape);

}  // namespace fedq
