#include "planner/subquery_planner.h"

#include <algorithm>
#include <functional>

#include "common/error.h"

namespace fedq {

namespace {

void collect_expr(const BoundExpr* e, std::set<ColumnId>& out) {
    if (!e) return;
    std::vector<ColumnId> ids;
    e->collect_columns(ids);
    out.insert(ids.begin(), ids.end());
}

bool references_any(const BoundExpr& e, const std::set<ColumnId>& ids) {
    std::vector<ColumnId> used;
    e.collect_columns(used);
    return std::any_of(used.begin(), used.end(), [&](ColumnId id) { return ids.count(id) > 0; });
}

bool subtree_references(const LogicalNode& node, const std::set<ColumnId>& outer) {
    std::set<ColumnId> referenced;
    collect_referenced_ids(node, referenced);
    return std::any_of(referenced.begin(), referenced.end(), [&](ColumnId id) { return outer.count(id) > 0; });
}

void recompute_join_outputs(LogicalNode& node) {
    std::vector<OutputColumn> outputs = node.children[0]->outputs;
    if (node.join_type != LogicalJoinType::kSemi && node.join_type != LogicalJoinType::kAnti) {
        if (node.join_type == LogicalJoinType::kMark) {
            for (const auto& o : node.outputs) {
                if (o.id == node.mark_column) outputs.push_back(o);
            }
        } else {
            outputs.insert(outputs.end(), node.children[1]->outputs.begin(), node.children[1]->outputs.end());
        }
    }
    node.outputs = std::move(outputs);
}

bool is_count_like(const std::string& name) { return name == "count" || name == "count_if" || name == "approx_distinct"; }

// `outer_expr = inner_expr` (either order): the correlations that decorrelate into grouping keys.
bool is_outer_inner_equality(const BoundExpr& c, const std::set<ColumnId>& outer) {
    if (c.kind != BoundExprKind::kFunction || c.function->name != "$eq") return false;
    for (int side = 0; side < 2; ++side) {
        const auto& a = *c.children[side];
        const auto& b = *c.children[1 - side];
        if (!references_any(a, outer) && b.references_only(outer)) {
            std::vector<ColumnId> used;
            a.collect_columns(used);
            if (!used.empty()) return true;
        }
    }
    return false;
}

// True if a correlated conjunct of a filter in `node`'s subtree (where decorrelation would pull it
// from) is not an `outer = inner` equality.
bool has_non_equality_correlation(const LogicalNode& node, const std::set<ColumnId>& outer) {
    if (node.kind == LogicalKind::kFilter && node.predicate) {
        std::vector<const BoundExpr*> parts;
        std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
            if (e.kind == BoundExprKind::kAnd) {
                for (const auto& c : e.children) split(*c);
            } else {
                parts.push_back(&e);
            }
        };
        split(*node.predicate);
        for (const BoundExpr* part : parts) {
            if (references_any(*part, outer) && !is_outer_inner_equality(*part, outer)) return true;
        }
    }
    for (const auto& child : node.children) {
        if (has_non_equality_correlation(*child, outer)) return true;
    }
    return false;
}

}  // namespace

void collect_referenced_ids(const LogicalNode& node, std::set<ColumnId>& out) {
    collect_expr(node.predicate.get(), out);
    collect_expr(node.join_condition.get(), out);
    for (const auto& e : node.expressions) collect_expr(e.get(), out);
    for (const auto& e : node.groups) collect_expr(e.get(), out);
    for (const auto& e : node.filters) collect_expr(e.get(), out);
    for (const auto& a : node.aggregates) {
        for (const auto& e : a.args) collect_expr(e.get(), out);
        collect_expr(a.filter.get(), out);
        for (const auto& k : a.order_by) collect_expr(k.expr.get(), out);
    }
    for (const auto& [l, r] : node.equi_keys) {
        collect_expr(l.get(), out);
        collect_expr(r.get(), out);
    }
    for (const auto& k : node.sort_keys) collect_expr(k.expr.get(), out);
    for (const auto& row : node.rows) {
        for (const auto& e : row) collect_expr(e.get(), out);
    }
    for (const auto& w : node.windows) {
        for (const auto& e : w.args) collect_expr(e.get(), out);
        for (const auto& e : w.partition_by) collect_expr(e.get(), out);
        for (const auto& k : w.order_by) collect_expr(k.expr.get(), out);
    }
    for (const auto& c : node.children) collect_referenced_ids(*c, out);
}

void collect_produced_ids(const LogicalNode& node, std::set<ColumnId>& out) {
    for (const auto& o : node.outputs) out.insert(o.id);
    for (const auto& c : node.children) collect_produced_ids(*c, out);
}

std::set<ColumnId> SubqueryPlanner::outer_references(const LogicalNode& plan) const {
    std::set<ColumnId> referenced, produced, outer;
    collect_referenced_ids(plan, referenced);
    collect_produced_ids(plan, produced);
    for (ColumnId id : referenced) {
        if (!produced.count(id)) outer.insert(id);
    }
    return outer;
}

std::vector<BoundExprPtr> SubqueryPlanner::decorrelate(LogicalNode& node, const std::set<ColumnId>& outer, bool& grouped) {
    std::vector<BoundExprPtr> pulled;
    auto ensure_outputs = [&](LogicalNode& n) {
        // Every inner column a pulled conjunct uses must be an output of `n`.
        if (n.kind != LogicalKind::kProject) return;
        const auto& child_outputs = n.children[0]->outputs;
        for (const auto& conjunct : pulled) {
            std::vector<ColumnId> used;
            conjunct->collect_columns(used);
            for (ColumnId id : used) {
                if (outer.count(id)) continue;
                if (n.find_output(id)) continue;
                for (const auto& o : child_outputs) {
                    if (o.id == id) {
                        n.expressions.push_back(BoundExpr::column(o.id, o.type, o.name));
                        n.outputs.push_back(o);
                    }
                }
            }
        }
    };
    switch (node.kind) {
        case LogicalKind::kFilter: {
            pulled = decorrelate(*node.children[0], outer, grouped);
            std::vector<BoundExprPtr> conjuncts, kept;
            split_conjuncts(std::move(node.predicate), conjuncts);
            for (auto& c : conjuncts) {
                if (references_any(*c, outer)) pulled.push_back(std::move(c));
                else kept.push_back(std::move(c));
            }
            node.predicate = kept.empty() ? BoundExpr::constant_value(Value::boolean(true)) : make_conjunction(std::move(kept));
            node.outputs = node.children[0]->outputs;
            return pulled;
        }
        case LogicalKind::kProject: {
            pulled = decorrelate(*node.children[0], outer, grouped);
            ensure_outputs(node);
            return pulled;
        }
        case LogicalKind::kSort: {
            pulled = decorrelate(*node.children[0], outer, grouped);
            node.outputs = node.children[0]->outputs;
            return pulled;
        }
        case LogicalKind::kJoin: {
            if (node.join_type == LogicalJoinType::kInner || node.join_type == LogicalJoinType::kCross) {
                for (auto& child : node.children) {
                    auto part = decorrelate(*child, outer, grouped);
                    for (auto& p : part) pulled.push_back(std::move(p));
                }
            } else {
                if (subtree_references(*node.children[1], outer)) {
                    raise(ErrorCode::kNotSupported, "correlated references inside an outer join's inner side are not supported");
                }
                pulled = decorrelate(*node.children[0], outer, grouped);
            }
            if (node.join_condition && references_any(*node.join_condition, outer)) {
                raise(ErrorCode::kNotSupported, "correlated references in a JOIN ON condition are not supported");
            }
            recompute_join_outputs(node);
            return pulled;
        }
        case LogicalKind::kAggregate: {
            auto below = decorrelate(*node.children[0], outer, grouped);
            const std::set<ColumnId> child_ids = node.children[0]->output_id_set();
            for (auto& c : below) {
                // outer_expr = inner_expr  ->  group by inner_expr
                bool ok = c->kind == BoundExprKind::kFunction && c->function->name == "$eq";
                int inner_side = -1;
                if (ok) {
                    for (int side = 0; side < 2; ++side) {
                        const auto& a = *c->children[side];
                        const auto& b = *c->children[1 - side];
                        if (a.references_only(child_ids) && !references_any(a, outer) && b.references_only(outer)) inner_side = side;
                    }
                }
                if (inner_side < 0) {
                    raise(ErrorCode::kNotSupported,
                          "correlated subquery with a non-equality correlation below an aggregation is not supported: {}",
                          c->to_string());
                }
                if (node.groups.empty()) grouped = true;
                BoundExprPtr inner_expr = std::move(c->children[inner_side]);
                ColumnId id = binder_.next_column_id();
                OutputColumn out{id, inner_expr->to_string(), inner_expr->type};
                node.outputs.insert(node.outputs.begin() + static_cast<long>(node.groups.size()), out);
                node.groups.push_back(std::move(inner_expr));
                c->children[inner_side] = BoundExpr::column(id, out.type, out.name);
                pulled.push_back(std::move(c));
            }
            return pulled;
        }
        default:
            if (subtree_references(node, outer)) {
                raise(ErrorCode::kNotSupported, "this form of correlated subquery is not supported (correlation below LIMIT, "
                                                "window or set operation)");
            }
            return pulled;
    }
}

std::vector<BoundExprPtr> SubqueryPlanner::take_correlated(LogicalNode& root, const std::set<ColumnId>& outer, bool& grouped) {
    if (outer.empty()) return {};
    auto pulled = decorrelate(root, outer, grouped);
    std::set<ColumnId> still = outer_references(root);
    // References that remain (e.g. in the select list of the subquery) are not supported.
    for (ColumnId id : still) {
        if (outer.count(id)) {
            raise(ErrorCode::kNotSupported, "correlated column references outside the WHERE clause of a subquery are not supported");
        }
    }
    return pulled;
}

// `operand = subquery value` (in the common type): the condition of IN.
BoundExprPtr SubqueryPlanner::in_condition(const PendingSubquery& subquery) const {
    const auto& value = subquery.plan->outputs[0];
    return make_comparison("$eq", subquery.operand->clone(),
                           make_cast(BoundExpr::column(value.id, value.type, value.name), subquery.value_type), &context_);
}

LogicalPtr SubqueryPlanner::plan_semi_join(LogicalPtr outer, PendingSubquery& subquery, bool negated) {
    std::set<ColumnId> outer_ids = outer_references(*subquery.plan);
    bool grouped = false;
    std::vector<BoundExprPtr> conditions = take_correlated(*subquery.plan, outer_ids, grouped);
    auto join = std::make_unique<LogicalNode>(LogicalKind::kJoin);
    join->join_type = negated ? LogicalJoinType::kAnti : LogicalJoinType::kSemi;
    if (subquery.kind == PendingSubquery::Kind::kIn) {
        conditions.push_back(in_condition(subquery));
        join->null_aware = negated;
    }
    join->join_condition = make_conjunction(std::move(conditions));
    join->outputs = outer->outputs;
    join->children.push_back(std::move(outer));
    join->children.push_back(std::move(subquery.plan));
    subquery.planned = true;
    return join;
}

LogicalPtr SubqueryPlanner::plan_value(LogicalPtr outer, PendingSubquery& subquery) {
    subquery.planned = true;
    std::set<ColumnId> outer_ids = outer_references(*subquery.plan);
    LogicalNode& top = *subquery.plan;
    if (subquery.kind == PendingSubquery::Kind::kScalar && !outer_ids.empty() && top.kind == LogicalKind::kProject &&
        top.children[0]->kind == LogicalKind::kAggregate && top.children[0]->groups.empty() &&
        has_non_equality_correlation(*top.children[0]->children[0], outer_ids)) {
        return plan_global_aggregate_per_row(std::move(outer), subquery, outer_ids);
    }
    bool grouped = false;
    std::vector<BoundExprPtr> conditions = take_correlated(*subquery.plan, outer_ids, grouped);
    auto join = std::make_unique<LogicalNode>(LogicalKind::kJoin);
    if (subquery.kind != PendingSubquery::Kind::kScalar) {
        join->join_type = LogicalJoinType::kMark;
        join->mark_column = subquery.result;
        if (subquery.kind == PendingSubquery::Kind::kIn) {
            conditions.push_back(in_condition(subquery));
            join->null_aware = true;
        }
        join->join_condition = make_conjunction(std::move(conditions));
        join->outputs = outer->outputs;
        join->outputs.push_back({subquery.result, "(exists)", Type::boolean()});
        join->children.push_back(std::move(outer));
        join->children.push_back(std::move(subquery.plan));
        return join;
    }

    LogicalPtr inner = std::move(subquery.plan);
    const OutputColumn value = inner->outputs[0];
    if (!conditions.empty() && !grouped &&
        std::any_of(conditions.begin(), conditions.end(), [&](const auto& c) { return !is_outer_inner_equality(*c, outer_ids); })) {
        // At most one row per outer row, but not by an equality key: $single_value per outer row.
        AggregateCall call;
        call.name = "$single_value";
        call.function = std::make_shared<BoundAggregateFunction>(
            FunctionRegistry::instance().bind_aggregate("$single_value", {value.type}, {std::nullopt}, false));
        call.args.push_back(BoundExpr::column(value.id, value.type, value.name));
        call.output = binder_.next_column_id();
        std::vector<AggregateCall> calls;
        calls.push_back(std::move(call));
        std::vector<OutputColumn> call_outputs{{calls[0].output, "(subquery)", value.type}};
        BoundExprPtr result = BoundExpr::column(calls[0].output, value.type, "(subquery)");
        return aggregate_per_outer_row(std::move(outer), std::move(inner), std::move(conditions), std::move(calls),
                                       std::move(call_outputs), std::move(result), subquery.result);
    }
    if (grouped && inner->kind == LogicalKind::kProject && inner->children[0]->kind == LogicalKind::kAggregate) {
        // Was a global aggregate: LEFT JOIN the grouped aggregate, then compute the projection above the
        // join with count-like results defaulting to 0 for outer rows without a match.
        LogicalPtr aggregate = std::move(inner->children[0]);
        BoundExprPtr result = std::move(inner->expressions[0]);
        std::function<BoundExprPtr(BoundExprPtr)> patch = [&](BoundExprPtr e) -> BoundExprPtr {
            if (e->kind == BoundExprKind::kColumn) {
                for (const auto& a : aggregate->aggregates) {
                    if (a.output == e->column_id && is_count_like(a.name)) {
                        std::vector<BoundExprPtr> args;
                        args.push_back(std::move(e));
                        args.push_back(BoundExpr::constant_value(Value::bigint(0)));
                        return make_function_call("coalesce", std::move(args), &context_);
                    }
                }
                return e;
            }
            for (auto& c : e->children) c = patch(std::move(c));
            return e;
        };
        result = patch(std::move(result));
        join->join_type = LogicalJoinType::kLeft;
        join->join_condition = make_conjunction(std::move(conditions));
        join->outputs = outer->outputs;
        join->outputs.insert(join->outputs.end(), aggregate->outputs.begin(), aggregate->outputs.end());
        auto outer_outputs = outer->outputs;
        join->children.push_back(std::move(outer));
        join->children.push_back(std::move(aggregate));
        auto project = std::make_unique<LogicalNode>(LogicalKind::kProject);
        for (const auto& o : outer_outputs) {
            project->expressions.push_back(BoundExpr::column(o.id, o.type, o.name));
            project->outputs.push_back(o);
        }
        project->outputs.push_back({subquery.result, "(subquery)", result->type});
        project->expressions.push_back(std::move(result));
        project->children.push_back(std::move(join));
        return project;
    }

    // Otherwise: at most one row per correlation key, enforced by $single_value grouped by the keys.
    auto aggregate = std::make_unique<LogicalNode>(LogicalKind::kAggregate);
    const std::set<ColumnId> inner_ids = inner->output_id_set();
    for (auto& c : conditions) {
        bool ok = c->kind == BoundExprKind::kFunction && c->function->name == "$eq";
        int inner_side = -1;
        if (ok) {
            for (int side = 0; side < 2; ++side) {
                if (c->children[side]->references_only(inner_ids) && c->children[1 - side]->references_only(outer_ids)) inner_side = side;
            }
        }
        if (inner_side < 0) {
            raise(ErrorCode::kNotSupported, "correlated scalar subquery with a non-equality correlation is not supported: {}", c->to_string());
        }
        ColumnId id = binder_.next_column_id();
        OutputColumn out{id, c->children[inner_side]->to_string(), c->children[inner_side]->type};
        aggregate->groups.push_back(std::move(c->children[inner_side]));
        aggregate->outputs.push_back(out);
        c->children[inner_side] = BoundExpr::column(id, out.type, out.name);
    }
    AggregateCall call;
    call.name = "$single_value";
    call.function = std::make_shared<BoundAggregateFunction>(
        FunctionRegistry::instance().bind_aggregate("$single_value", {value.type}, {std::nullopt}, false));
    call.args.push_back(BoundExpr::column(value.id, value.type, value.name));
    call.output = subquery.result;
    aggregate->outputs.push_back({subquery.result, "(subquery)", value.type});
    aggregate->aggregates.push_back(std::move(call));
    aggregate->children.push_back(std::move(inner));
    join->join_type = conditions.empty() ? LogicalJoinType::kCross : LogicalJoinType::kLeft;
    join->join_condition = make_conjunction(std::move(conditions));
    join->outputs = outer->outputs;
    join->outputs.insert(join->outputs.end(), aggregate->outputs.begin(), aggregate->outputs.end());
    join->children.push_back(std::move(outer));
    join->children.push_back(std::move(aggregate));
    return join;
}

// `(SELECT agg(...) FROM ... WHERE <correlation that is not outer = inner>)`: the subquery's input is
// LEFT JOINed to every outer row (numbered, so equal outer rows stay apart) on the correlation, then
// aggregated per outer row. Aggregates only see matched rows (FILTER on a match marker), so count()
// over no match is 0 and sum() is NULL -- the count bug cannot occur.
LogicalPtr SubqueryPlanner::plan_global_aggregate_per_row(LogicalPtr outer, PendingSubquery& subquery,
                                                          const std::set<ColumnId>& outer_ids) {
    LogicalPtr project = std::move(subquery.plan);
    LogicalPtr aggregate = std::move(project->children[0]);
    bool grouped = false;
    std::vector<BoundExprPtr> conditions = decorrelate(*aggregate->children[0], outer_ids, grouped);
    std::set<ColumnId> referenced;
    for (const auto& e : project->expressions) collect_expr(e.get(), referenced);
    for (const auto& a : aggregate->aggregates) {
        for (const auto& e : a.args) collect_expr(e.get(), referenced);
        collect_expr(a.filter.get(), referenced);
    }
    collect_referenced_ids(*aggregate->children[0], referenced);
    for (ColumnId id : referenced) {
        if (outer_ids.count(id)) {
            raise(ErrorCode::kNotSupported, "correlated column references outside the WHERE clause of a subquery are not supported");
        }
    }
    std::vector<OutputColumn> call_outputs = aggregate->outputs;
    BoundExprPtr result = std::move(project->expressions[0]);
    return aggregate_per_outer_row(std::move(outer), std::move(aggregate->children[0]), std::move(conditions),
                                   std::move(aggregate->aggregates), std::move(call_outputs), std::move(result),
                                   subquery.result);
}

LogicalPtr SubqueryPlanner::aggregate_per_outer_row(LogicalPtr outer, LogicalPtr inner, std::vector<BoundExprPtr> conditions,
                                                    std::vector<AggregateCall> calls, std::vector<OutputColumn> call_outputs,
                                                    BoundExprPtr result, ColumnId result_id) {
    const std::vector<OutputColumn> outer_outputs = outer->outputs;
    // Number the outer rows.
    auto numbered = std::make_unique<LogicalNode>(LogicalKind::kWindow);
    WindowCall number;
    number.kind = WindowFunctionKind::kRowNumber;
    number.name = "row_number";
    number.type = Type::bigint();
    number.frame.end_unbounded = true;
    number.frame.end = std::nullopt;
    number.output = binder_.next_column_id();
    const OutputColumn row_number{number.output, "$outer_row", Type::bigint()};
    numbered->outputs = outer_outputs;
    numbered->outputs.push_back(row_number);
    numbered->windows.push_back(std::move(number));
    numbered->children.push_back(std::move(outer));
    // Mark the inner rows, so aggregates can skip the NULL row of an outer row without a match.
    auto marked = std::make_unique<LogicalNode>(LogicalKind::kProject);
    for (const auto& o : inner->outputs) {
        marked->expressions.push_back(BoundExpr::column(o.id, o.type, o.name));
        marked->outputs.push_back(o);
    }
    const OutputColumn marker{binder_.next_column_id(), "$matched", Type::boolean()};
    marked->expressions.push_back(BoundExpr::constant_value(Value::boolean(true)));
    marked->outputs.push_back(marker);
    marked->children.push_back(std::move(inner));
    auto join = std::make_unique<LogicalNode>(LogicalKind::kJoin);
    join->join_type = LogicalJoinType::kLeft;
    join->join_condition = make_conjunction(std::move(conditions));
    join->outputs = numbered->outputs;
    join->outputs.insert(join->outputs.end(), marked->outputs.begin(), marked->outputs.end());
    join->children.push_back(std::move(numbered));
    join->children.push_back(std::move(marked));
    // Aggregate per outer row: the subquery's aggregates (matched rows only) and the outer columns.
    auto aggregate = std::make_unique<LogicalNode>(LogicalKind::kAggregate);
    aggregate->groups.push_back(BoundExpr::column(row_number.id, row_number.type, row_number.name));
    aggregate->outputs.push_back({binder_.next_column_id(), row_number.name, row_number.type});
    for (auto& call : calls) {
        auto matched = BoundExpr::make(BoundExprKind::kIsNull, Type::boolean(), {});
        matched->children.push_back(BoundExpr::column(marker.id, marker.type, marker.name));
        matched->negated = true;
        std::vector<BoundExprPtr> parts;
        parts.push_back(std::move(matched));
        if (call.filter) parts.push_back(std::move(call.filter));
        call.filter = make_conjunction(std::move(parts));
        aggregate->aggregates.push_back(std::move(call));
    }
    aggregate->outputs.insert(aggregate->outputs.end(), call_outputs.begin(), call_outputs.end());
    auto final_project = std::make_unique<LogicalNode>(LogicalKind::kProject);
    for (const auto& o : outer_outputs) {
        AggregateCall carry;
        carry.name = "arbitrary";
        carry.function = std::make_shared<BoundAggregateFunction>(
            FunctionRegistry::instance().bind_aggregate("arbitrary", {o.type}, {std::nullopt}, false));
        carry.args.push_back(BoundExpr::column(o.id, o.type, o.name));
        carry.output = binder_.next_column_id();
        aggregate->outputs.push_back({carry.output, o.name, o.type});
        final_project->expressions.push_back(BoundExpr::column(carry.output, o.type, o.name));
        final_project->outputs.push_back(o);
        aggregate->aggregates.push_back(std::move(carry));
    }
    aggregate->children.push_back(std::move(join));
    final_project->outputs.push_back({result_id, "(subquery)", result->type});
    final_project->expressions.push_back(std::move(result));
    final_project->children.push_back(std::move(aggregate));
    return final_project;
}

}  // namespace fedq
