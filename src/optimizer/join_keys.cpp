// Rule: join key extraction and build side (always on). Splits each join condition into hash keys —
// conjuncts `left_expr = right_expr` where each side uses only one input — and a residual condition
// evaluated on candidate pairs. The executor builds its hash table on the right input and streams the
// left one, so outer joins are normalized: RIGHT joins become LEFT joins with swapped inputs, and a LEFT
// join whose preserved (left) input is much smaller than the other is turned around into a RIGHT join
// (preserved side = build side, its unmatched rows emitted after the probe).
#include <algorithm>
#include <set>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

// `allow_constant`: a side without columns (a constant) may serve as a probe key: `3 IN (SELECT y ...)`.
bool uses_only(const BoundExpr& e, const std::set<ColumnId>& ids, bool allow_constant = false) {
    std::vector<ColumnId> used;
    e.collect_columns(used);
    if (used.empty()) return allow_constant && e.is_deterministic();
    return std::all_of(used.begin(), used.end(), [&](ColumnId id) { return ids.count(id) > 0; });
}

}  // namespace

void extract_join_keys(LogicalNode& node) {
    for (auto& c : node.children) extract_join_keys(*c);
    if (node.kind != LogicalKind::kJoin) return;
    if (node.join_type == LogicalJoinType::kRight) {
        std::swap(node.children[0], node.children[1]);
        node.join_type = LogicalJoinType::kLeft;
        refresh_outputs(node);
    }
    if (!node.join_condition) return;
    std::set<ColumnId> left = node.children[0]->output_id_set();
    std::set<ColumnId> right = node.children[1]->output_id_set();
    std::vector<BoundExprPtr> conjuncts, residual;
    split_conjuncts(std::move(node.join_condition), conjuncts);
    for (auto& c : conjuncts) {
        if (c->kind == BoundExprKind::kFunction && c->function->name == "$eq" && c->children.size() == 2) {
            auto& a = c->children[0];
            auto& b = c->children[1];
            if (uses_only(*a, left, true) && uses_only(*b, right)) {
                node.equi_keys.emplace_back(std::move(a), std::move(b));
                continue;
            }
            if (uses_only(*a, right) && uses_only(*b, left, true)) {
                node.equi_keys.emplace_back(std::move(b), std::move(a));
                continue;
            }
        }
        residual.push_back(std::move(c));
    }
    node.join_condition = make_conjunction(std::move(residual));
    if (node.join_type == LogicalJoinType::kCross && !node.equi_keys.empty()) node.join_type = LogicalJoinType::kInner;
    if (node.join_type == LogicalJoinType::kLeft && !node.equi_keys.empty() &&
        estimate_rows(*node.children[1]) > 2 * estimate_rows(*node.children[0])) {
        std::swap(node.children[0], node.children[1]);
        for (auto& [probe, build] : node.equi_keys) std::swap(probe, build);
        node.join_type = LogicalJoinType::kRight;
        refresh_outputs(node);
    }
}

}  // namespace fedq
