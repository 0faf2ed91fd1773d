// Rule: filter pushdown. Moves each conjunct of a filter as close to the data as it can go: through
// projections (substituting the projected expressions), through aggregates when it only uses grouping
// keys, into the matching side of joins (turning cross joins with a connecting predicate into inner
// joins), and finally into scans, where plan_scans offers it to the connector.
#include <algorithm>
#include <set>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

// Replaces column refs to `ids[i]` by copies of `exprs[i]`.
BoundExprPtr substitute(BoundExprPtr e, const std::vector<ColumnId>& ids, const std::vector<const BoundExpr*>& exprs) {
    if (e->kind == BoundExprKind::kColumn) {
        for (size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == e->column_id) return exprs[i]->clone();
        }
        return e;
    }
    for (auto& c : e->children) c = substitute(std::move(c), ids, exprs);
    return e;
}

LogicalPtr wrap_filter(LogicalPtr node, std::vector<BoundExprPtr> predicates) {
    if (predicates.empty()) return node;
    auto filter = std::make_unique<LogicalNode>(LogicalKind::kFilter);
    filter->predicate = make_conjunction(std::move(predicates));
    filter->outputs = node->outputs;
    filter->children.push_back(std::move(node));
    return filter;
}

bool is_true_constant(const BoundExpr& e) {
    return e.kind == BoundExprKind::kConstant && !e.constant.is_null() && e.type.id() == TypeId::kBoolean && e.constant.as_bool();
}

LogicalPtr push(LogicalPtr node, std::vector<BoundExprPtr> predicates);

void push_children(LogicalNode& node) {
    for (auto& c : node.children) c = push(std::move(c), {});
}

// (a AND b) OR (a AND c)  ->  a AND (b OR c): the common part of every branch of a disjunction can be
// pushed (TPC-H Q19's join condition sits inside each OR branch).
void factor_disjunctions(std::vector<BoundExprPtr>& predicates) {
    std::vector<BoundExprPtr> out;
    for (auto& p : predicates) {
        if (p->kind != BoundExprKind::kOr) {
            out.push_back(std::move(p));
            continue;
        }
        std::vector<std::vector<BoundExprPtr>> branches;
        for (auto& branch : p->children) {
            branches.emplace_back();
            split_conjuncts(std::move(branch), branches.back());
        }
        std::vector<BoundExprPtr> common;
        for (auto& candidate : branches[0]) {
            if (!candidate || !candidate->is_deterministic()) continue;
            bool everywhere = true;
            for (size_t b = 1; b < branches.size() && everywhere; ++b) {
                everywhere = std::any_of(branches[b].begin(), branches[b].end(),
                                         [&](const BoundExprPtr& e) { return e && e->equals(*candidate); });
            }
            if (!everywhere) continue;
            for (size_t b = 1; b < branches.size(); ++b) {
                for (auto& e : branches[b]) {
                    if (e && e->equals(*candidate)) {
                        e.reset();
                        break;
                    }
                }
            }
            common.push_back(std::move(candidate));
        }
        bool some_branch_empty = false;
        std::vector<BoundExprPtr> rebuilt;
        for (auto& branch : branches) {
            std::vector<BoundExprPtr> rest;
            for (auto& e : branch) {
                if (e) rest.push_back(std::move(e));
            }
            if (rest.empty()) some_branch_empty = true;
            else rebuilt.push_back(make_conjunction(std::move(rest)));
        }
        for (auto& c : common) out.push_back(std::move(c));
        // A branch that was only common parts is TRUE: the whole OR is then implied by them.
        if (!some_branch_empty) {
            if (rebuilt.size() == 1) out.push_back(std::move(rebuilt[0]));
            else out.push_back(BoundExpr::make(BoundExprKind::kOr, Type::boolean(), std::move(rebuilt)));
        }
    }
    predicates = std::move(out);
}

LogicalPtr push(LogicalPtr node, std::vector<BoundExprPtr> predicates) {
    factor_disjunctions(predicates);
    // Drop trivially true conjuncts.
    predicates.erase(std::remove_if(predicates.begin(), predicates.end(), [](const BoundExprPtr& p) { return is_true_constant(*p); }),
                     predicates.end());
    std::vector<BoundExprPtr> kept;
    switch (node->kind) {
        case LogicalKind::kFilter: {
            split_conjuncts(std::move(node->predicate), predicates);
            return push(std::move(node->children[0]), std::move(predicates));
        }
        case LogicalKind::kProject: {
            std::vector<ColumnId> ids;
            std::vector<const BoundExpr*> exprs;
            for (size_t i = 0; i < node->outputs.size(); ++i) {
                ids.push_back(node->outputs[i].id);
                exprs.push_back(node->expressions[i].get());
            }
            std::set<ColumnId> outputs(ids.begin(), ids.end());
            std::vector<BoundExprPtr> below;
            for (auto& p : predicates) {
                bool deterministic = p->is_deterministic();
                std::vector<ColumnId> used;
                p->collect_columns(used);
                bool substitutable = deterministic;
                for (ColumnId id : used) {
                    for (size_t i = 0; i < ids.size(); ++i) {
                        if (ids[i] == id && !exprs[i]->is_deterministic()) substitutable = false;
                    }
                }
                if (substitutable) below.push_back(substitute(std::move(p), ids, exprs));
                else kept.push_back(std::move(p));
            }
            node->children[0] = push(std::move(node->children[0]), std::move(below));
            return wrap_filter(std::move(node), std::move(kept));
        }
        case LogicalKind::kAggregate: {
            std::vector<ColumnId> ids;
            std::vector<const BoundExpr*> exprs;
            for (size_t i = 0; i < node->groups.size(); ++i) {
                ids.push_back(node->outputs[i].id);
                exprs.push_back(node->groups[i].get());
            }
            std::set<ColumnId> group_ids(ids.begin(), ids.end());
            std::vector<BoundExprPtr> below;
            for (auto& p : predicates) {
                // Not below ROLLUP/CUBE: their grand-total row exists even when no input row passes.
                if (!node->groups.empty() && node->grand_total_set < 0 && p->references_only(group_ids) && p->is_deterministic()) {
                    below.push_back(substitute(std::move(p), ids, exprs));
                } else {
                    kept.push_back(std::move(p));
                }
            }
            node->children[0] = push(std::move(node->children[0]), std::move(below));
            return wrap_filter(std::move(node), std::move(kept));
        }
        case LogicalKind::kSort: {
            if (node->limit) break;
            node->children[0] = push(std::move(node->children[0]), std::move(predicates));
            return node;
        }
        case LogicalKind::kJoin: {
            auto& join = *node;
            std::set<ColumnId> left_ids = join.children[0]->output_id_set();
            std::set<ColumnId> right_ids = join.children[1]->output_id_set();
            std::vector<BoundExprPtr> left_preds, right_preds, condition;
            split_conjuncts(std::move(join.join_condition), condition);
            const LogicalJoinType type = join.join_type;
            const bool inner = type == LogicalJoinType::kInner || type == LogicalJoinType::kCross;
            // Predicates from above.
            for (auto& p : predicates) {
                bool deterministic = p->is_deterministic();
                if (deterministic && p->references_only(left_ids) &&
                    (inner || type == LogicalJoinType::kLeft || type == LogicalJoinType::kSemi ||
                     type == LogicalJoinType::kAnti || type == LogicalJoinType::kMark)) {
                    left_preds.push_back(std::move(p));
                } else if (deterministic && inner && p->references_only(right_ids)) {
                    right_preds.push_back(std::move(p));
                } else if (deterministic && inner) {
                    condition.push_back(std::move(p));
                } else {
                    kept.push_back(std::move(p));
                }
            }
            // Conjuncts of the join condition that use one side only.
            std::vector<BoundExprPtr> remaining;
            for (auto& c : condition) {
                if (is_true_constant(*c)) continue;
                bool deterministic = c->is_deterministic();
                // Null-aware joins (NOT IN) must see the build rows a key comparison would reject: a NULL
                // among them changes the result, so their conditions stay in the join.
                if (deterministic && c->references_only(right_ids) && type != LogicalJoinType::kFull && !join.null_aware) {
                    if (inner || type == LogicalJoinType::kLeft || type == LogicalJoinType::kSemi ||
                        type == LogicalJoinType::kAnti || type == LogicalJoinType::kMark) {
                        right_preds.push_back(std::move(c));
                        continue;
                    }
                }
                if (deterministic && c->references_only(left_ids) && (inner || type == LogicalJoinType::kSemi)) {
                    left_preds.push_back(std::move(c));
                    continue;
                }
                remaining.push_back(std::move(c));
            }
            if (type == LogicalJoinType::kCross && !remaining.empty()) join.join_type = LogicalJoinType::kInner;
            join.join_condition = make_conjunction(std::move(remaining));
            join.children[0] = push(std::move(join.children[0]), std::move(left_preds));
            join.children[1] = push(std::move(join.children[1]), std::move(right_preds));
            refresh_outputs(join);
            return wrap_filter(std::move(node), std::move(kept));
        }
        case LogicalKind::kScan: {
            for (auto& p : predicates) {
                if (p->is_deterministic()) node->filters.push_back(std::move(p));
                else kept.push_back(std::move(p));
            }
            return wrap_filter(std::move(node), std::move(kept));
        }
        default: break;
    }
    push_children(*node);
    refresh_outputs(*node);
    for (auto& p : predicates) kept.push_back(std::move(p));
    return wrap_filter(std::move(node), std::move(kept));
}

}  // namespace

LogicalPtr push_down_filters(LogicalPtr plan, const OptimizerContext&) { return push(std::move(plan), {}); }

}  // namespace fedq
