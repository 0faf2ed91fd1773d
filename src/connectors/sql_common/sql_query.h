// What the SQL connectors (postgres, mysql, sqlite) share: translating a ScanRequest into the source's
// own SELECT — projection, Constraint, filter expressions, GROUP BY with aggregates, ORDER BY + LIMIT —
// and a join of two such requests into one remote query. A SqlDialect says how the source quotes
// identifiers and literals and which functions, aggregates and orderings it computes exactly like the
// engine; everything it refuses stays in the engine ("when in doubt the engine evaluates it").
//
// Every identifier goes through quote_identifier and every value through literal(): nothing from the
// query or the data is pasted into remote SQL unquoted.
//
// Table handles of SQL connectors carry, in TableHandle::properties:
//   "relation": the FROM item, already quoted: "\"public\".\"orders\"" or "(SELECT ...) AS q"
//   "columns":  [{"name": s, "type": Type JSON, "source_type": s}]  (what get_table/query_table found)
// so a scan needs no metadata lookup, and a pushed join or passthrough query is just another relation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connector/connector.h"

namespace fedq {

class SqlDialect {
public:
    virtual ~SqlDialect() = default;

    // "name" with embedded quotes doubled (MySQL overrides: `name`).
    virtual std::string quote_identifier(std::string_view name) const;
    // How a table column is referenced in filters, constraints, groupings and orderings (not in the select
    // list). Default: quote_identifier(name). A dialect may read a column through an expression that gives
    // the engine's semantics (PostgreSQL: char(n) as text).
    virtual std::string column_reference(std::string_view name, const Type& type) const;
    // 'text' with embedded quotes doubled (MySQL overrides to escape backslashes too).
    virtual std::string quote_string(std::string_view text) const;
    // A literal of the value's type, or nullopt when the source cannot express it exactly. The default
    // handles BOOLEAN, integers, DECIMAL, DOUBLE (finite), VARCHAR, DATE, TIMESTAMP as standard SQL.
    virtual std::optional<std::string> literal(const Value& value) const;
    // A scalar call (see connector/pushdown.h for the names) over already-rendered arguments, or
    // nullopt. The default renders comparisons, AND/OR/NOT, IS [NOT] NULL, IN and + - * on integers
    // and DECIMAL; everything else is refused.
    virtual std::optional<std::string> call(const ConnectorExpr& call, const std::vector<std::string>& args) const;
    // An aggregate over rendered arguments, or nullopt. The default accepts count_star, count, min,
    // max on comparable types; sum/avg are refused (result types differ between sources).
    virtual std::optional<std::string> aggregate(const PushedAggregate& aggregate, const std::vector<std::string>& args) const;
    // Whether the source compares and orders values of this type exactly as the engine does (strings:
    // by code point, case-sensitively). Filters, join keys, GROUP BY keys and ORDER BY keys of other types stay in the engine.
    virtual bool comparable(const Type& type) const;
    // Whether <, <=, >, >=, BETWEEN-style ranges, MIN/MAX and ORDER BY on this type match the engine's
    // order. Default: comparable(type).
    virtual bool orderable(const Type& type) const;
    // An ORDER BY item with the engine's NULL placement; nullopt when not possible.
    virtual std::optional<std::string> order_item(const std::string& sql, const Type& type, bool descending,
                                                  bool nulls_first) const;
    virtual std::string limit_clause(uint64_t limit) const;
};

// The capabilities every SQL connector has (Constraint, limit, parallel splits, expressions, joins).
Capabilities sql_source_capabilities();
// $eq $ne $lt $le $gt $ge, and their SQL operator.
bool is_comparison(const std::string& function);
const char* comparison_operator(const std::string& function);

// Renders one expression; nullopt when any part is refused by the dialect.
std::optional<std::string> render_expression(const ConnectorExpr& expr, const SqlDialect& dialect);
// Renders a Constraint domain for `column_sql`; nullopt when a bound has no literal.
std::optional<std::string> render_domain(const std::string& column_sql, const Domain& domain, const SqlDialect& dialect);

// The parts of a remote SELECT built from a ScanRequest.
struct SqlSelect {
    std::vector<std::string> select_items;  // one per output column, in order
    std::string from;                       // the relation
    std::vector<std::string> where;         // ANDed
    std::vector<std::string> group_by;
    std::vector<std::string> order_by;
    std::optional<uint64_t> limit;
    bool grouped = false;                   // GROUP BY / aggregates present (even with no keys)

    // The SELECT text; `extra_where` (e.g. a split's key range) is ANDed in.
    std::string sql(const SqlDialect& dialect, const std::string& extra_where = "") const;
};

struct SqlTranslation {
    SqlSelect select;
    ScanPlan plan;  // acceptance filled in: constraint_accepted, filters_accepted, aggregation_accepted,
                    // order_accepted, limit_accepted (no splits, no description)
};

// Translates what the dialect allows. Aggregation, ORDER BY and LIMIT are only applied when every filter
// and constraint column is accepted Exact (and, for ORDER BY/LIMIT, the aggregation too when present).
// Columns are rendered as quote_identifier(name) (relation columns are named as in "columns").
SqlTranslation translate_scan(const ScanRequest& request, const SqlDialect& dialect);

// The engine types of the request's output columns, from the handle's "columns" property and the
// aggregation. Raises kInternal when a column is unknown.
std::vector<Type> output_types(const ScanRequest& request);

// Handle helpers.
nlohmann::json columns_property(const std::vector<ColumnInfo>& columns, const std::vector<std::string>& source_types);
std::vector<ColumnInfo> columns_from_property(const nlohmann::json& properties);

// A join of two translated requests as a new relation "(SELECT l.. AS c0, r.. AS c1 FROM (...) l JOIN
// (...) r ON ...) AS j": returns nullopt when the join keys are not comparable. The new table's columns
// are c0, c1, ... in the order left.columns then right.columns, with the source types copied.
std::optional<TableInfo> join_relation(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                       const std::vector<std::pair<std::string, std::string>>& keys,
                                       const SqlDialect& dialect);

}  // namespace fedq
