// Deeper pushdown for sources that run queries themselves (SQL databases): expressions, aggregation,
// ordering and joins, in a form a connector can translate to its own query language.
//
// ConnectorExpr is a scalar expression over the columns of the scanned table. Function names are the
// engine's (the connector translates the ones it knows and refuses the others):
//   $eq $ne $lt $le $gt $ge          comparisons (both arguments of the same type)
//   $and $or (n args) $not           three-valued logic
//   $is_null $is_not_null            one argument
//   $is_distinct $is_not_distinct    two arguments
//   $in                              args[0] IN (args[1..]); the list items are constants
//   $add $sub $mul $div $mod $neg    arithmetic with the engine's result type (`type`); integer division
//                                    truncates toward zero
//   $cast                            args[0] cast to `type`
//   $like $ilike                     value, pattern[, escape]
//   $concat                          `||`
//   any registry function by name:   lower, upper, length, substr, trim, abs, round, coalesce, ...
// Types are the engine's types; a connector must refuse what its source computes differently (collation,
// overflow, rounding, time zones): "when in doubt the engine evaluates it".
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "types/type.h"
#include "types/value.h"

namespace fedq {

enum class ConnectorExprKind : uint8_t { kColumn, kConstant, kCall };

struct ConnectorExpr {
    ConnectorExprKind kind = ConnectorExprKind::kConstant;
    Type type;                          // result type
    std::string name;                   // kColumn: the table's column name; kCall: the function name
    Value value;                        // kConstant
    std::vector<ConnectorExpr> args;    // kCall

    static ConnectorExpr column(std::string name, Type type);
    static ConnectorExpr constant(Value value, Type type);
    static ConnectorExpr call(std::string function, Type type, std::vector<ConnectorExpr> args);

    std::string to_string() const;  // for EXPLAIN and errors
    nlohmann::json to_json() const;
    static ConnectorExpr from_json(const nlohmann::json& j);
};

// One aggregate of a pushed GROUP BY. function: count_star (no argument), count, sum, min, max, avg.
// `type` is the engine's result type; the connector must return exactly that type.
struct PushedAggregate {
    std::string function;
    std::vector<ConnectorExpr> args;
    bool distinct = false;
    Type type;
    std::string name;  // output name (for EXPLAIN / remote aliases)
};

// GROUP BY pushed into the source: the scan's output is the group keys, then the aggregates.
struct PushedAggregation {
    std::vector<ConnectorExpr> groups;
    std::vector<PushedAggregate> aggregates;
};

// ORDER BY pushed with a limit (top-N): `output` indexes the scan's output columns.
struct PushedSortKey {
    size_t output = 0;
    bool descending = false;
    bool nulls_first = false;
};

enum class PushedJoinType : uint8_t { kInner, kLeft, kRight, kFull };

// The options of a configured catalog (CREATE CATALOG name USING type WITH (...), or fedq.toml), with
// env('...') references and stored secrets already resolved. Keys are lower case.
struct ConnectorConfig {
    std::string catalog;
    std::string type;
    std::map<std::string, std::string> options;
    std::string home;  // the data directory ($FEDQ_HOME), for relative paths

    std::optional<std::string> get(const std::string& key) const;
    // Raise kInvalidParameter naming the catalog when missing or malformed.
    std::string require(const std::string& key) const;
    int64_t get_int(const std::string& key, int64_t fallback) const;
    double get_seconds(const std::string& key, double fallback) const;  // "30", "30s", "500ms", "2m"
    bool get_bool(const std::string& key, bool fallback) const;
    // Raise kInvalidParameter for an option not in `known` (catches typos like `hots`).
    void check_known(const std::vector<std::string>& known) const;
};

}  // namespace fedq
