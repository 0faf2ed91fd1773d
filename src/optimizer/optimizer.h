// The optimizer: rewrite rules over the logical plan, one file per rule, each of which can be switched
// off (SET optimizer_disabled_rules = 'join_reorder,...'). Order: filter pushdown, join reordering,
// filter pushdown again, semi join pushdown, join key extraction, projection pruning, limit/top-N pushdown, source pushdown (filters, aggregates, joins and top-N into
// SQL sources), and finally scan planning (the Constraint/limit negotiation with each connector).
#pragma once

#include <set>
#include <string>

#include "planner/logical_plan.h"

namespace fedq {

struct OptimizerContext {
    std::set<std::string> disabled_rules;
    size_t target_splits = 1;
    size_t batch_rows = kDefaultBatchRows;
    const FunctionContext* function_context = nullptr;
    bool enabled(const std::string& rule) const { return !disabled_rules.count(rule); }
};

LogicalPtr optimize(LogicalPtr plan, const OptimizerContext& context);

// Rules.
LogicalPtr push_down_filters(LogicalPtr plan, const OptimizerContext& context);
LogicalPtr reorder_joins(LogicalPtr plan, const OptimizerContext& context);
LogicalPtr push_down_semi_joins(LogicalPtr plan);
void extract_join_keys(LogicalNode& plan);
void prune_columns(LogicalNode& plan);
LogicalPtr push_down_limits(LogicalPtr plan);
LogicalPtr push_down_to_sources(LogicalPtr plan, const OptimizerContext& context);
void plan_scans(LogicalNode& plan, const OptimizerContext& context);

// Rough cardinality estimate used for join ordering and build-side choice.
double estimate_rows(const LogicalNode& node);
// Distinct values of a column, from the connectors' column statistics (nullopt when unknown).
std::optional<double> estimate_distinct(const LogicalNode& node, ColumnId id);
// Recomputes the outputs of pass-through nodes (Filter, Sort, Limit, Join, Window) from their children.
void refresh_outputs(LogicalNode& node);

}  // namespace fedq
