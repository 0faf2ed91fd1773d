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

double estimate_rows(const LogicalNode& node) {
    switch (node.kind) {
        case LogicalKind::kScan: {
            double rows = 1000;
            if (node.table.statistics.row_count) rows = *node.table.statistics.row_count;
            else if (node.table.statistics.total_bytes) rows = *node.table.statistics.total_bytes / 100.0;
            for (const auto& f : node.filters) {
                bool equality = f->kind == BoundExprKind::kFunction && f->function->name == "$eq";
                rows *= equality ? 0.05 : 0.3;
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
            return std::max(left, right);
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
    plan_scans(*plan, context);
    return plan;
}

}  // namespace fedq
