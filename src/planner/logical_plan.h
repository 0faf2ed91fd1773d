// Logical plan nodes. Every node lists its output columns (query-wide ColumnIds with names and types);
// expressions refer to the ids of the columns their child produces.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connector/connector.h"
#include "expression/bound_expr.h"

namespace fedq {

struct OutputColumn {
    ColumnId id;
    std::string name;
    Type type;
};

enum class LogicalKind : uint8_t {
    kScan, kFilter, kProject, kAggregate, kJoin, kSort, kLimit, kUnionAll, kValues, kWindow, kDistinct, kUnnest,
    kRecursiveUnion,  // WITH RECURSIVE: children = base, recursive term (reads the work table)
    kWorkTable,       // the rows the previous iteration of a recursive CTE produced
};

enum class LogicalJoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti, kMark };

struct SortKey {
    BoundExprPtr expr;
    bool descending = false;
    bool nulls_first = false;
    SortKey clone() const { return {expr->clone(), descending, nulls_first}; }
};

struct AggregateCall {
    std::shared_ptr<const BoundAggregateFunction> function;
    std::vector<BoundExprPtr> args;
    bool distinct = false;
    BoundExprPtr filter;  // FILTER (WHERE ...)
    std::vector<SortKey> order_by;  // for order-sensitive aggregates
    ColumnId output;
    std::string name;
};

enum class WindowFunctionKind : uint8_t {
    kAggregate, kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile, kLag, kLead, kFirstValue,
    kLastValue, kNthValue,
};

struct WindowFrameSpec {
    bool rows = false;  // ROWS (true) or RANGE (false)
    // offsets: nullopt = unbounded; 0 = current row; negative = preceding; positive = following
    std::optional<int64_t> start = std::nullopt;
    std::optional<int64_t> end = 0;
    bool start_unbounded = true;
    bool end_unbounded = false;
    // RANGE frames with `n PRECEDING` / `n FOLLOWING`: the offset n (numeric, or INTERVAL for date and
    // timestamp keys); `start` / `end` then only carry the direction (negative = preceding). NULL when
    // the bound is not a RANGE offset.
    Value start_range_offset;
    Value end_range_offset;
};

struct WindowCall {
    WindowFunctionKind kind = WindowFunctionKind::kAggregate;
    std::shared_ptr<const BoundAggregateFunction> aggregate;  // for kAggregate
    std::vector<BoundExprPtr> args;
    std::vector<BoundExprPtr> partition_by;
    std::vector<SortKey> order_by;
    WindowFrameSpec frame;
    bool ignore_nulls = false;
    ColumnId output;
    Type type;
    std::string name;
};

// What was pushed into a connector for one scan (filled by the optimizer).
struct ScanPushdown {
    Constraint constraint;                 // offered to the connector
    std::optional<uint64_t> limit;
    ScanRequest request;                   // exactly what was sent to plan_scan (reused by read_split)
    ScanPlan plan;                         // the connector's answer
    bool planned = false;
    // Set by source pushdown: `request` already holds the columns, filters, aggregation and order the
    // connector accepted; scan planning only adds the Constraint and the limit.
    bool prebuilt = false;
};

struct LogicalNode;
using LogicalPtr = std::unique_ptr<LogicalNode>;

struct LogicalNode {
    explicit LogicalNode(LogicalKind k) : kind(k) {}
    LogicalKind kind;
    std::vector<LogicalPtr> children;
    std::vector<OutputColumn> outputs;

    // kScan
    std::shared_ptr<Connector> connector;
    std::string catalog_name;
    TableInfo table;
    std::vector<size_t> scan_columns;        // indexes into table.columns, parallel to outputs
    std::vector<BoundExprPtr> filters;       // kScan: residual filters evaluated by the engine after the scan
    ScanPushdown pushdown;

    // kFilter
    BoundExprPtr predicate;

    // kProject: expressions parallel to outputs
    std::vector<BoundExprPtr> expressions;

    // kAggregate: outputs = group columns then aggregate outputs
    std::vector<BoundExprPtr> groups;
    std::vector<AggregateCall> aggregates;
    // ROLLUP/CUBE: the number of the grouping set without keys (the grand total, whose one row exists
    // even over an empty input; its number is the last grouping key), or -1
    int grand_total_set = -1;

    // kJoin: outputs = left outputs + right outputs (semi/anti: left only; mark: left + mark column)
    LogicalJoinType join_type = LogicalJoinType::kInner;
    std::vector<std::pair<BoundExprPtr, BoundExprPtr>> equi_keys;  // left key, right key
    BoundExprPtr join_condition;  // residual (may reference both sides)
    bool null_aware = false;      // NOT IN semantics for anti joins
    ColumnId mark_column = 0;

    // kSort
    std::vector<SortKey> sort_keys;
    // kLimit (and kSort as top-N when limit is set)
    std::optional<uint64_t> limit;
    uint64_t offset = 0;

    // kValues
    std::vector<std::vector<BoundExprPtr>> rows;

    // kWindow: outputs = child outputs + one per call
    std::vector<WindowCall> windows;

    // kUnnest: expressions = the arrays; outputs = child outputs + unnest_outputs (elements, then the
    // ordinality column when with_ordinality)
    std::vector<OutputColumn> unnest_outputs;
    bool with_ordinality = false;
    bool unnest_outer = false;  // LEFT JOIN UNNEST(...) ON true: a row with an empty array is kept once

    // kRecursiveUnion / kWorkTable: which recursion a work table belongs to; union_all keeps duplicates
    int recursion = 0;
    bool union_all = true;

    std::vector<ColumnId> output_ids() const;
    std::set<ColumnId> output_id_set() const;
    const OutputColumn* find_output(ColumnId id) const;
};

// EXPLAIN text for a (logical, optimized) plan. With analyze, `annotate(node)` supplies runtime figures.
std::string explain_plan(const LogicalNode& root, const std::function<std::string(const LogicalNode&)>& annotate = {});

}  // namespace fedq
