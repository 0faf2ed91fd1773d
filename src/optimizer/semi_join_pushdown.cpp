// Rule: semi join pushdown. A semi or anti join (EXISTS / IN / NOT EXISTS / NOT IN) filters its left
// input; when that input is an inner join and the condition only uses columns of one of its sides, the
// semi join moves onto that side, so it shrinks the input before the larger join instead of after it
// (TPC-H Q18: the 69 qualifying orders are found before joining lineitem).
#include <algorithm>
#include <set>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

LogicalPtr push(LogicalPtr node) {
    for (auto& c : node->children) c = push(std::move(c));
    bool filtering = node->kind == LogicalKind::kJoin &&
                     (node->join_type == LogicalJoinType::kSemi || node->join_type == LogicalJoinType::kAnti);
    if (!filtering || !node->join_condition) return node;
    LogicalNode& input = *node->children[0];
    if (input.kind != LogicalKind::kJoin ||
        (input.join_type != LogicalJoinType::kInner && input.join_type != LogicalJoinType::kCross)) {
        return node;
    }
    // Columns of the left input the semi join's condition uses.
    std::set<ColumnId> right_ids = node->children[1]->output_id_set();
    std::vector<ColumnId> used;
    node->join_condition->collect_columns(used);
    std::set<ColumnId> left_used;
    for (ColumnId id : used) {
        if (!right_ids.count(id)) left_used.insert(id);
    }
    for (size_t side = 0; side < 2; ++side) {
        std::set<ColumnId> side_ids = input.children[side]->output_id_set();
        bool contained = std::all_of(left_used.begin(), left_used.end(), [&](ColumnId id) { return side_ids.count(id) > 0; });
        if (!contained) continue;
        // semi(inner(a, b), s)  ->  inner(semi(a, s), b)
        LogicalPtr inner = std::move(node->children[0]);
        node->children[0] = std::move(inner->children[side]);
        refresh_outputs(*node);
        inner->children[side] = push(std::move(node));
        refresh_outputs(*inner);
        return inner;
    }
    return node;
}

}  // namespace

LogicalPtr push_down_semi_joins(LogicalPtr plan) { return push(std::move(plan)); }

}  // namespace fedq
