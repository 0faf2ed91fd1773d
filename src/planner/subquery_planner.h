// Plans subqueries bound inside expressions: uncorrelated scalar subqueries become a cross join with a
// one-row aggregate ($single_value, which fails on a second row); correlated ones are decorrelated —
// correlated conjuncts are pulled out of the subquery's plan (through filters, projections, inner joins
// and aggregates, where `outer = inner` equalities become grouping keys) and turned into the condition
// of a semi, anti, mark or left join. Forms that cannot be decorrelated raise kNotSupported.
#pragma once

#include <set>

#include "planner/expression_binder.h"

namespace fedq {

class SubqueryPlanner {
public:
    SubqueryPlanner(Binder& binder, const FunctionContext& context) : binder_(binder), context_(context) {}

    // `outer WHERE [NOT] EXISTS (...)` / `outer WHERE x [NOT] IN (...)`.
    LogicalPtr plan_semi_join(LogicalPtr outer, PendingSubquery& subquery, bool negated);
    // Any other position: produces the subquery's result column (scalar value or BOOLEAN mark).
    LogicalPtr plan_value(LogicalPtr outer, PendingSubquery& subquery);

private:
    std::set<ColumnId> outer_references(const LogicalNode& plan) const;
    BoundExprPtr in_condition(const PendingSubquery& subquery) const;
    std::vector<BoundExprPtr> decorrelate(LogicalNode& node, const std::set<ColumnId>& outer, bool& global_aggregate_grouped);
    LogicalPtr plan_global_aggregate_per_row(LogicalPtr outer, PendingSubquery& subquery, const std::set<ColumnId>& outer_ids);
    LogicalPtr aggregate_per_outer_row(LogicalPtr outer, LogicalPtr inner, std::vector<BoundExprPtr> conditions,
                                       std::vector<AggregateCall> calls, std::vector<OutputColumn> call_outputs,
                                       BoundExprPtr result, ColumnId result_id);
    std::vector<BoundExprPtr> take_correlated(LogicalNode& root, const std::set<ColumnId>& outer, bool& grouped);

    Binder& binder_;
    const FunctionContext& context_;
};

void collect_referenced_ids(const LogicalNode& node, std::set<ColumnId>& out);
void collect_produced_ids(const LogicalNode& node, std::set<ColumnId>& out);

}  // namespace fedq
