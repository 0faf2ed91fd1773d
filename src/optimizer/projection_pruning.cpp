// Rule: projection pruning. Works top-down with the set of columns each node's parent needs, so scans
// read (and the files connector parses) only the columns the query uses.
#include <algorithm>
#include <set>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

void add_refs(const BoundExpr* e, std::set<ColumnId>& out) {
    if (!e) return;
    std::vector<ColumnId> used;
    e->collect_columns(used);
    out.insert(used.begin(), used.end());
}

void prune(LogicalNode& node, std::set<ColumnId> required) {
    switch (node.kind) {
        case LogicalKind::kScan: {
            for (const auto& f : node.filters) add_refs(f.get(), required);
            std::vector<OutputColumn> outputs;
            std::vector<size_t> columns;
            for (size_t i = 0; i < node.outputs.size(); ++i) {
                if (required.count(node.outputs[i].id)) {
                    outputs.push_back(node.outputs[i]);
                    columns.push_back(node.scan_columns[i]);
                }
            }
            node.outputs = std::move(outputs);
            node.scan_columns = std::move(columns);
            return;
        }
        case LogicalKind::kProject: {
            std::vector<OutputColumn> outputs;
            std::vector<BoundExprPtr> expressions;
            std::set<ColumnId> child_required;
            for (size_t i = 0; i < node.outputs.size(); ++i) {
                if (!required.count(node.outputs[i].id)) continue;
                outputs.push_back(node.outputs[i]);
                add_refs(node.expressions[i].get(), child_required);
                expressions.push_back(std::move(node.expressions[i]));
            }
            node.outputs = std::move(outputs);
            node.expressions = std::move(expressions);
            prune(*node.children[0], std::move(child_required));
            return;
        }
        case LogicalKind::kFilter:
            add_refs(node.predicate.get(), required);
            prune(*node.children[0], std::move(required));
            refresh_outputs(node);
            return;
        case LogicalKind::kSort:
            for (const auto& k : node.sort_keys) add_refs(k.expr.get(), required);
            prune(*node.children[0], std::move(required));
            refresh_outputs(node);
            return;
        case LogicalKind::kLimit:
            prune(*node.children[0], std::move(required));
            refresh_outputs(node);
            return;
        case LogicalKind::kAggregate: {
            std::set<ColumnId> child_required;
            for (const auto& g : node.groups) add_refs(g.get(), child_required);
            std::vector<AggregateCall> aggregates;
            std::vector<OutputColumn> outputs(node.outputs.begin(), node.outputs.begin() + static_cast<long>(node.groups.size()));
            for (auto& a : node.aggregates) {
                // Keep every aggregate of a global aggregation with none required (it must produce one row).
                if (!required.count(a.output) && !(node.groups.empty() && aggregates.empty() && &a == &node.aggregates.back())) continue;
                for (const auto& arg : a.args) add_refs(arg.get(), child_required);
                add_refs(a.filter.get(), child_required);
                for (const auto& k : a.order_by) add_refs(k.expr.get(), child_required);
                outputs.push_back({a.output, a.name, a.function->return_type});
                aggregates.push_back(std::move(a));
            }
            node.aggregates = std::move(aggregates);
            node.outputs = std::move(outputs);
            prune(*node.children[0], std::move(child_required));
            return;
        }
        case LogicalKind::kJoin: {
            add_refs(node.join_condition.get(), required);
            for (const auto& [l, r] : node.equi_keys) {
                add_refs(l.get(), required);
                add_refs(r.get(), required);
            }
            prune(*node.children[0], required);
            prune(*node.children[1], required);
            refresh_outputs(node);
            return;
        }
        case LogicalKind::kUnnest: {
            for (const auto& e : node.expressions) add_refs(e.get(), required);
            prune(*node.children[0], std::move(required));
            refresh_outputs(node);
            return;
        }
        case LogicalKind::kWindow: {
            for (const auto& w : node.windows) {
                for (const auto& a : w.args) add_refs(a.get(), required);
                for (const auto& p : w.partition_by) add_refs(p.get(), required);
                for (const auto& k : w.order_by) add_refs(k.expr.get(), required);
            }
            prune(*node.children[0], std::move(required));
            refresh_outputs(node);
            return;
        }
        default: {
            // UnionAll and Values are positional: keep everything below.
            for (auto& c : node.children) {
                std::set<ColumnId> all;
                for (const auto& o : c->outputs) all.insert(o.id);
                prune(*c, std::move(all));
            }
            return;
        }
    }
}

}  // namespace

void prune_columns(LogicalNode& plan) {
    std::set<ColumnId> required;
    for (const auto& o : plan.outputs) required.insert(o.id);
    prune(plan, std::move(required));
}

}  // namespace fedq
