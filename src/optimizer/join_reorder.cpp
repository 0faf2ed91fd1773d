// Rule: join reordering. A tree of inner/cross joins is flattened into its relations and predicates
// and rebuilt left-deep: it starts from the largest relation (it stays the streaming probe side) and
// repeatedly joins the smallest relation connected to what is joined so far by a predicate (it becomes
// the hash table), so no cross product is formed while a connecting predicate exists. When the sources
// report column statistics (distinct counts), "smallest" is the estimated join result instead.
#include <algorithm>
#include <set>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

bool is_reorderable(const LogicalNode& node) {
    return node.kind == LogicalKind::kJoin &&
           (node.join_type == LogicalJoinType::kInner || node.join_type == LogicalJoinType::kCross);
}

void flatten(LogicalPtr node, std::vector<LogicalPtr>& relations, std::vector<BoundExprPtr>& predicates) {
    if (is_reorderable(*node)) {
        split_conjuncts(std::move(node->join_condition), predicates);
        flatten(std::move(node->children[0]), relations, predicates);
        flatten(std::move(node->children[1]), relations, predicates);
        return;
    }
    relations.push_back(std::move(node));
}

// An equality with one side from each relation: a hash join key.
bool equi_connects(const BoundExpr& e, const std::set<ColumnId>& a, const std::set<ColumnId>& b) {
    if (e.kind != BoundExprKind::kFunction || e.function->name != "$eq" || e.children.size() != 2) return false;
    auto side_in = [](const BoundExpr& side, const std::set<ColumnId>& ids) {
        std::vector<ColumnId> used;
        side.collect_columns(used);
        return !used.empty() && std::all_of(used.begin(), used.end(), [&](ColumnId id) { return ids.count(id) > 0; });
    };
    return (side_in(*e.children[0], a) && side_in(*e.children[1], b)) ||
           (side_in(*e.children[0], b) && side_in(*e.children[1], a));
}

bool connects(const BoundExpr& e, const std::set<ColumnId>& a, const std::set<ColumnId>& b) {
    std::vector<ColumnId> used;
    e.collect_columns(used);
    bool in_a = false, in_b = false;
    for (ColumnId id : used) {
        in_a |= a.count(id) > 0;
        in_b |= b.count(id) > 0;
    }
    std::set<ColumnId> both = a;
    both.insert(b.begin(), b.end());
    return in_a && in_b && e.references_only(both);
}

LogicalPtr reorder(LogicalPtr node, const OptimizerContext& context);

// With column statistics (SQL sources): the estimated size of joining `relation` to `current` through
// the equality predicates that connect them, |current| * |relation| / max(ndv); nullopt without statistics.
std::optional<double> join_size(const LogicalNode& current, const LogicalNode& relation, double relation_rows,
                                const std::vector<BoundExprPtr>& predicates, const std::set<ColumnId>& current_ids,
                                const std::set<ColumnId>& ids) {
    std::optional<double> best;
    for (const auto& p : predicates) {
        if (!p || !equi_connects(*p, current_ids, ids)) continue;
        const BoundExpr& a = *p->children[0];
        const BoundExpr& b = *p->children[1];
        if (a.kind != BoundExprKind::kColumn || b.kind != BoundExprKind::kColumn) continue;
        bool a_current = current_ids.count(a.column_id) > 0;
        ColumnId current_key = a_current ? a.column_id : b.column_id;
        ColumnId relation_key = a_current ? b.column_id : a.column_id;
        auto dc = estimate_distinct(current, current_key);
        auto dr = estimate_distinct(relation, relation_key);
        if (!dc && !dr) continue;
        double size = estimate_rows(current) * relation_rows / std::max({dc.value_or(1.0), dr.value_or(1.0), 1.0});
        best = best ? std::min(*best, size) : size;
    }
    return best;
}

LogicalPtr rebuild(std::vector<LogicalPtr> relations, std::vector<BoundExprPtr> predicates, const OptimizerContext& context) {
    for (auto& r : relations) r = reorder(std::move(r), context);
    std::vector<double> sizes;
    for (const auto& r : relations) sizes.push_back(estimate_rows(*r));
    std::vector<bool> used(relations.size(), false);
    size_t start = 0;
    for (size_t i = 1; i < relations.size(); ++i) {
        if (sizes[i] > sizes[start]) start = i;
    }
    used[start] = true;
    LogicalPtr current = std::move(relations[start]);
    std::set<ColumnId> current_ids = current->output_id_set();
    for (size_t step = 1; step < relations.size(); ++step) {
        // Preference: joined by a hash key (2) over joined by any predicate (1) over a cross product (0);
        // then the smallest relation.
        // Within a rank, the smallest estimated join result when column statistics are known, else the
        // smallest relation.
        int best = -1;
        int best_rank = -1;
        double best_score = 0;
        const double current_rows = estimate_rows(*current);
        for (size_t i = 0; i < relations.size(); ++i) {
            if (used[i]) continue;
            std::set<ColumnId> ids = relations[i]->output_id_set();
            int rank = 0;
            for (const auto& p : predicates) {
                if (!p) continue;
                if (equi_connects(*p, current_ids, ids)) rank = 2;
                else if (rank == 0 && connects(*p, current_ids, ids)) rank = 1;
            }
            // Without statistics a key join is taken for a foreign-key join: max of both sides (ties then go
            // to the smaller relation).
            double score = std::max(current_rows, sizes[i]);
            if (rank == 2) {
                if (auto size = join_size(*current, *relations[i], sizes[i], predicates, current_ids, ids)) score = *size;
            }
            if (best < 0 || rank > best_rank ||
                (rank == best_rank && (score < best_score || (score == best_score && sizes[i] < sizes[best])))) {
                best = static_cast<int>(i);
                best_rank = rank;
                best_score = score;
            }
        }
        used[best] = true;
        auto join = std::make_unique<LogicalNode>(LogicalKind::kJoin);
        std::set<ColumnId> right_ids = relations[best]->output_id_set();
        std::set<ColumnId> all_ids = current_ids;
        all_ids.insert(right_ids.begin(), right_ids.end());
        std::vector<BoundExprPtr> conditions;
        for (auto& p : predicates) {
            if (p && p->references_only(all_ids)) conditions.push_back(std::move(p));
        }
        join->join_type = conditions.empty() ? LogicalJoinType::kCross : LogicalJoinType::kInner;
        join->join_condition = make_conjunction(std::move(conditions));
        join->children.push_back(std::move(current));
        join->children.push_back(std::move(relations[best]));
        refresh_outputs(*join);
        current = std::move(join);
        current_ids = std::move(all_ids);
    }
    // Predicates that matched nothing (e.g. constants) go on top.
    std::vector<BoundExprPtr> rest;
    for (auto& p : predicates) {
        if (p) rest.push_back(std::move(p));
    }
    if (!rest.empty()) {
        auto filter = std::make_unique<LogicalNode>(LogicalKind::kFilter);
        filter->predicate = make_conjunction(std::move(rest));
        filter->outputs = current->outputs;
        filter->children.push_back(std::move(current));
        current = std::move(filter);
    }
    return current;
}

LogicalPtr reorder(LogicalPtr node, const OptimizerContext& context) {
    if (is_reorderable(*node)) {
        std::vector<LogicalPtr> relations;
        std::vector<BoundExprPtr> predicates;
        std::vector<OutputColumn> outputs = node->outputs;
        flatten(std::move(node), relations, predicates);
        return rebuild(std::move(relations), std::move(predicates), context);
    }
    for (auto& c : node->children) c = reorder(std::move(c), context);
    return node;
}

}  // namespace

LogicalPtr reorder_joins(LogicalPtr plan, const OptimizerContext& context) {
    return reorder(std::move(plan), context);
}

}  // namespace fedq
