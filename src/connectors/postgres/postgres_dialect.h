// The PostgreSQL SQL dialect for pushdown (see connectors/sql_common/sql_query.h).
//
// What differs from the defaults, and why:
//  - Strings compare and order by code point in the engine; PostgreSQL uses the column's collation (often a
//    linguistic one). String literals carry COLLATE "C" and ordering comparisons, ORDER BY keys and
//    min/max of strings are written with COLLATE "C" (byte order of UTF-8 = code point order). Equality
//    and grouping need nothing: PostgreSQL's deterministic collations compare equal only identical bytes.
//  - LIKE gets ESCAPE '' unless an escape is given (PostgreSQL's default escape is a backslash).
//  - Integer arithmetic is cast to the engine's result type, so overflow happens at the same width.
//  - char(n) columns (blank-padded, read with trailing spaces removed) are referenced as "c"::text in
//    predicates, groupings and orderings, so they compare like the engine's trimmed strings.
//  - Floating point is never compared remotely (PostgreSQL orders NaN above every number and NaN = NaN).
//  - TIMESTAMP WITH TIME ZONE literals are UTC instants (sessions run with TimeZone=UTC).
//  - sum (integers, DECIMAL) and avg (integers -> DOUBLE) are pushed: the scan casts every output to the
//    PostgreSQL counterpart of the engine's result type.
#pragma once

#include <set>
#include <string>

#include "connectors/sql_common/sql_query.h"

namespace fedq {

class PostgresDialect final : public SqlDialect {
public:
    // char(n) columns of the tables being translated (see column_reference).
    std::set<std::string> text_columns;

    std::string column_reference(std::string_view name, const Type& type) const override;
    std::optional<std::string> literal(const Value& value) const override;
    std::optional<std::string> call(const ConnectorExpr& call, const std::vector<std::string>& args) const override;
    std::optional<std::string> aggregate(const PushedAggregate& aggregate,
                                         const std::vector<std::string>& args) const override;
    bool comparable(const Type& type) const override;
    bool orderable(const Type& type) const override;
    std::optional<std::string> order_item(const std::string& sql, const Type& type, bool descending,
                                          bool nulls_first) const override;
};

}  // namespace fedq
