#include "optimizer/optimizer.h"

namespace fedq {

void refresh_outputs(LogicalNode& node) {
    switch (node.kind) {
        case LogicalKind::kFilter:
        case LogicalKind::kSort:
        case LogicalKind::kLimit: node.outputs = node.children[0]->outputs; break;
        case LogicalKind::kJoin: {
            std::vector<OutputColumn> outputs = node.children[0]->outputs;
            if (node.join_type == LogicalJoinType::kMark) {
                outputs.push_back({node.mark_column, "(exists)", Type::boolean()});
            } else if (node.join_type != LogicalJoinType::kSemi && node.join_type != LogicalJoinType::kAnti) {
                outputs.insert(outputs.end(), node.children[1]->outputs.begin(), node.children[1]->outputs.end());
            }
            node.outputs = std::move(outputs);
            break;
        }
        case LogicalKind::kUnnest: {
            std::vector<OutputColumn> outputs = node.children[0]->outputs;
            outputs.insert(outputs.end(), node.unnest_outputs.begin(), node.unnest_outputs.end());
            node.outputs = std::move(outputs);
            break;
        }
        case LogicalKind::kWindow: {
            std::vector<OutputColumn> outputs = node.children[0]->outputs;
            for (const auto& w : node.windows) outputs.push_back({w.output, w.name, w.type});
            node.outputs = std::move(outputs);
            break;
        }
        default: break;
    }
}

std::optional<double> estimate_distinct(const LogicalNode& node, ColumnId id) {
    switch (node.kind) {
        case LogicalKind::kScan: {
            for (size_t i = 0; i < node.outputs.size(); ++i) {
                if (node.outputs[i].id != id) continue;
                const auto& stats = node.table.statistics.columns;
                auto it = stats.find(node.table.columns[node.scan_columns[i]].name);
                if (it == stats.end() || !it->second.distinct_count) return std::nullopt;
                return std::min(*it->second.distinct_count, estimate_rows(node));
            }
            return std::nullopt;
        }
        case LogicalKind::kProject:
            for (size_t i = 0; i < node.outputs.size(); ++i) {
                if (node.outputs[i].id == id && node.expressions[i]->kind == BoundExprKind::kColumn) {
                    return estimate_distinct(*node.children[0], node.expressions[i]->column_id);
                }
            }
            return std::nullopt;
        case LogicalKind::kFilter:
        case LogicalKind::kSort:
        case LogicalKind::kLimit:
        case LogicalKind::kJoin:
        case LogicalKind::kAggregate:
            for (const auto& c : node.children) {
                if (c->find_output(id)) {
                    auto d = estimate_distinct(*c, id);
                    if (d) return std::min(*d, estimate_rows(node));
                    return d;
                }
            }
            return std::nullopt;
        default: return std::nullopt;
    }
}

double estimate_rows(const LogicalNode& node) {
    switch (node.kind) {
        case LogicalKind::kScan: {
            double rows = 1000;
            if (node.table.statistics.row_count) rows = *node.table.statistics.row_count;
            else if (node.table.statistics.total_bytes) rows = *node.table.statistics.total_bytes / 100.0;
            for (const auto& f : node.filters) {
                bool equality = f->kind == BoundExprKind::kFunction && f->function->name == "$eq";
                double selectivity = equality ? 0.05 : 0.3;
                // col = constant with a known distinct count: one value's share of the rows.
                if (equality && f->children.size() == 2 && f->children[0]->kind == BoundExprKind::kColumn &&
                    f->children[1]->is_constant()) {
                    for (size_t i = 0; i < node.outputs.size(); ++i) {
                        if (node.outputs[i].id != f->children[0]->column_id) continue;
                        auto it = node.table.statistics.columns.find(node.table.columns[node.scan_columns[i]].name);
                        if (it != node.table.statistics.columns.end() && it->second.distinct_count &&
                            *it->second.distinct_count >= 1) {
                            selectivity = 1.0 / *it->second.distinct_count;
                        }
                    }
                }
                rows *= selectivity;
            }
            return std::max(rows, 1.0);
        }
        case LogicalKind::kFilter: return std::max(estimate_rows(*node.children[0]) * 0.3, 1.0);
        case LogicalKind::kAggregate:
            return node.groups.empty() ? 1.0 : std::max(estimate_rows(*node.children[0]) * 0.3, 1.0);
        case LogicalKind::kJoin: {
            double left = estimate_rows(*node.children[0]);
            double right = estimate_rows(*node.children[1]);
            if (node.join_type == LogicalJoinType::kCross) return left * right;
            if (node.join_type == LogicalJoinType::kSemi || node.join_type == LogicalJoinType::kAnti ||
                node.join_type == LogicalJoinType::kMark) {
                return left;
            }
            // With column statistics (SQL sources): |L| * |R| / max(ndv(left key), ndv(right key)) for the
            // most selective key; without them, a key join is assumed to be a foreign key (max of both sides).
            std::optional<double> estimate;
            for (const auto& [l, r] : node.equi_keys) {
                if (l->kind != BoundExprKind::kColumn || r->kind != BoundExprKind::kColumn) continue;
                auto dl = estimate_distinct(*node.children[0], l->column_id);
                auto dr = estimate_distinct(*node.children[1], r->column_id);
                if (!dl && !dr) continue;
                double ndv = std::max({dl.value_or(1.0), dr.value_or(1.0), 1.0});
                double rows = left * right / ndv;
                estimate = estimate ? std::min(*estimate, rows) : rows;
            }
            double rows = estimate ? *estimate : std::max(left, right);
            if (node.join_type == LogicalJoinType::kLeft) rows = std::max(rows, left);
            if (node.join_type == LogicalJoinType::kRight) rows = std::max(rows, right);
            if (node.join_type == LogicalJoinType::kFull) rows = std::max({rows, left, right});
            return std::max(rows, 1.0);
        }
        case LogicalKind::kLimit:
            return node.limit ? std::min<double>(static_cast<double>(*node.limit), estimate_rows(*node.children[0]))
                              : estimate_rows(*node.children[0]);
        case LogicalKind::kValues: return static_cast<double>(node.rows.size());
        case LogicalKind::kUnnest: return estimate_rows(*node.children[0]) * 10;
        case LogicalKind::kUnionAll: {
            double total = 0;
            for (const auto& c : node.children) total += estimate_rows(*c);
            return total;
        }
        default: return node.children.empty() ? 1.0 : estimate_rows(*node.children[0]);
    }
}

LogicalPtr optimize(LogicalPtr plan, const OptimizerContext& context) {
    if (context.enabled("filter_pushdown")) plan = push_down_filters(std::move(plan), context);
    if (context.enabled("join_reorder")) {
        plan = reorder_joins(std::move(plan), context);
        if (context.enabled("filter_pushdown")) plan = push_down_filters(std::move(plan), context);
    }
    if (context.enabled("semi_join_pushdown")) plan = push_down_semi_joins(std::move(plan));
    extract_join_keys(*plan);
    if (context.enabled("projection_pruning")) prune_columns(*plan);
    if (context.enabled("limit_pushdown")) plan = push_down_limits(std::move(plan));
    if (context.enabled("source_pushdown")) plan = push_down_to_sources(std::move(plan), context);
    plan_scans(*plan, context);
    return plan;
}

}  // namespace fedq
