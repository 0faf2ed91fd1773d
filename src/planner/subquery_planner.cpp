#include "planner/subquery_planner.h"

#include <algorithm>

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

bool references_only(const BoundExpr& e, const std::set<ColumnId>& ids) {
    std::vector<ColumnId> used;
    e.collect_columns(used);
    return std::all_of(used.begin(), used.end(), [&](ColumnId id) { return ids.count(id) > 0; });
}

std::set<ColumnId> output_set(const LogicalNode& node) {
    std::set<ColumnId> out;
    for (const auto& o : node.outputs) out.insert(o.id);
    return out;
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
            const std::set<ColumnId> child_ids = output_set(*node.children[0]);
            for (auto& c : below) {
                // outer_expr = inner_expr  ->  group by inner_expr
                bool ok = c->kind == BoundExprKind::kFunction && c->function->name == "$eq";
                int inner_side = -1;
                if (ok) {
                    for (int side = 0; side < 2; ++side) {
                        const auto& a = *c->children[side];
                        const auto& b = *c->children[1 - side];
                        if (references_only(a, child_ids) && !references_any(a, outer) && references_only(b, outer)) inner_side = side;
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

LogicalPtr SubqueryPlanner::plan_semi_join(LogicalPtr outer, PendingSubquery& subquery, bool negated) {
    std::set<ColumnId> outer_ids = outer_references(*subquery.plan);
    bool grouped = false;
    std::vector<BoundExprPtr> conditions = take_correlated(*subquery.plan, outer_ids, grouped);
    auto join = std::make_unique<LogicalNode>(LogicalKind::kJoin);
    join->join_type = negated ? LogicalJoinType::kAnti : LogicalJoinType::kSemi;
    if (subquery.kind == PendingSubquery::Kind::kIn) {
        const auto& value = subquery.plan->outputs[0];
        conditions.push_back(make_comparison("$eq", subquery.operand->clone(),
                                             make_cast(BoundExpr::column(value.id, value.type, value.name), subquery.value_type),
                                             &context_));
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
    bool grouped = false;
    std::vector<BoundExprPtr> conditions = take_correlated(*subquery.plan, outer_ids, grouped);
    auto join = std::make_unique<LogicalNode>(LogicalKind::kJoin);
    if (subquery.kind != PendingSubquery::Kind::kScalar) {
        join->join_type = LogicalJoinType::kMark;
        join->mark_column = subquery.result;
        if (subquery.kind == PendingSubquery::Kind::kIn) {
            const auto& value = subquery.plan->outputs[0];
            conditions.push_back(make_comparison("$eq", subquery.operand->clone(),
                                                 make_cast(BoundExpr::column(value.id, value.type, value.name), subquery.value_type),
                                                 &context_));
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
    const std::set<ColumnId> inner_ids = output_set(*inner);
    for (auto& c : conditions) {
        bool ok = c->kind == BoundExprKind::kFunction && c->function->name == "$eq";
        int inner_side = -1;
        if (ok) {
            for (int side = 0; side < 2; ++side) {
                if (references_only(*c->children[side], inner_ids) && references_only(*c->children[1 - side], outer_ids)) inner_side = side;
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

}  // namespace fedq
