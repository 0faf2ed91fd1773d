#include "planner/logical_plan.h"

#include <fmt/format.h>

namespace fedq {

std::vector<ColumnId> LogicalNode::output_ids() const {
    std::vector<ColumnId> ids;
    for (const auto& o : outputs) ids.push_back(o.id);
    return ids;
}

std::set<ColumnId> LogicalNode::output_id_set() const {
    std::set<ColumnId> ids;
    for (const auto& o : outputs) ids.insert(o.id);
    return ids;
}

const OutputColumn* LogicalNode::find_output(ColumnId id) const {
    for (const auto& o : outputs) {
        if (o.id == id) return &o;
    }
    return nullptr;
}

namespace {

const char* join_name(LogicalJoinType t) {
    switch (t) {
        case LogicalJoinType::kInner: return "INNER";
        case LogicalJoinType::kLeft: return "LEFT";
        case LogicalJoinType::kRight: return "RIGHT";
        case LogicalJoinType::kFull: return "FULL";
        case LogicalJoinType::kCross: return "CROSS";
        case LogicalJoinType::kSemi: return "SEMI";
        case LogicalJoinType::kAnti: return "ANTI";
        case LogicalJoinType::kMark: return "MARK";
    }
    return "?";
}

const char* pushdown_name(PushdownKind k) {
    switch (k) {
        case PushdownKind::kExact: return "exact";
        case PushdownKind::kInexact: return "inexact";
        case PushdownKind::kUnsupported: return "not accepted";
    }
    return "?";
}

std::string sort_keys_text(const std::vector<SortKey>& keys) {
    std::string out;
    for (size_t i = 0; i < keys.size(); ++i) {
        if (i) out += ", ";
        out += keys[i].expr->to_string() + (keys[i].descending ? " DESC" : " ASC") +
               (keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
    return out;
}

void explain_node(const LogicalNode& node, int depth, std::string& out,
                  const std::function<std::string(const LogicalNode&)>& annotate) {
    std::string indent(depth * 2, ' ');
    std::string detail_indent = indent + "    ";
    std::string line;
    std::vector<std::string> details;
    switch (node.kind) {
        case LogicalKind::kScan: {
            line = "Scan " + node.catalog_name + (node.table.handle.schema.empty() ? "" : "." + node.table.handle.schema) +
                   "." + node.table.handle.table;
            std::string columns;
            for (size_t i = 0; i < node.outputs.size(); ++i) columns += (i ? ", " : "") + node.outputs[i].name;
            details.push_back("columns: [" + columns + "]");
            if (node.pushdown.planned) {
                if (!node.pushdown.constraint.is_all()) {
                    std::string accepted;
                    for (const auto& [column, domain] : node.pushdown.constraint.domains()) {
                        auto it = node.pushdown.plan.constraint_accepted.find(column);
                        PushdownKind kind = it == node.pushdown.plan.constraint_accepted.end() ? PushdownKind::kUnsupported : it->second;
                        accepted += fmt::format("{}{} {} ({})", accepted.empty() ? "" : "; ", column, domain.to_string(), pushdown_name(kind));
                    }
                    details.push_back("pushed constraint: " + accepted);
                }
                if (node.pushdown.limit) {
                    details.push_back(fmt::format("pushed limit: {} ({})", *node.pushdown.limit,
                                                  node.pushdown.plan.limit_accepted ? "accepted" : "not accepted"));
                }
                const ScanRequest& request = node.pushdown.request;
                if (!request.filters.empty()) {
                    std::string filters;
                    for (const auto& f : request.filters) filters += (filters.empty() ? "" : " AND ") + f.to_string();
                    details.push_back("pushed filters: " + filters);
                }
                if (request.aggregation) {
                    std::string text;
                    for (const auto& g : request.aggregation->groups) text += (text.empty() ? "" : ", ") + g.to_string();
                    text = "group by [" + text + "], aggregates [";
                    for (size_t i = 0; i < request.aggregation->aggregates.size(); ++i) {
                        const auto& a = request.aggregation->aggregates[i];
                        text += (i ? ", " : "") + a.function + "(" + (a.distinct ? "DISTINCT " : "");
                        for (size_t k = 0; k < a.args.size(); ++k) text += (k ? ", " : "") + a.args[k].to_string();
                        text += ")";
                    }
                    details.push_back("pushed aggregation: " + text + "]");
                }
                if (!request.order_by.empty()) {
                    std::string text;
                    for (const auto& k : request.order_by) {
                        text += fmt::format("{}{}{}{}", text.empty() ? "" : ", ", k.output < node.outputs.size() ? node.outputs[k.output].name : "?",
                                            k.descending ? " DESC" : "", k.nulls_first ? " NULLS FIRST" : " NULLS LAST");
                    }
                    details.push_back(fmt::format("pushed order: [{}] ({})", text, node.pushdown.plan.order_accepted ? "accepted" : "not accepted"));
                }
                if (!node.pushdown.plan.description.empty()) details.push_back("connector: " + node.pushdown.plan.description);
                details.push_back(fmt::format("splits: {}", node.pushdown.plan.splits.size()));
                // Sources that run queries show the exact remote query of each split.
                if (node.connector && node.connector->capabilities().has(Capability::kExpressions)) {
                    for (size_t i = 0; i < node.pushdown.plan.splits.size(); ++i) {
                        details.push_back(fmt::format("split {}: {}", i + 1, node.pushdown.plan.splits[i].description));
                    }
                }
            }
            if (!node.filters.empty()) {
                std::string filters;
                for (size_t i = 0; i < node.filters.size(); ++i) filters += (i ? " AND " : "") + node.filters[i]->to_string();
                details.push_back("engine filter: " + filters);
            }
            break;
        }
        case LogicalKind::kFilter: line = "Filter " + node.predicate->to_string(); break;
        case LogicalKind::kProject: {
            line = "Project";
            std::string exprs;
            for (size_t i = 0; i < node.expressions.size(); ++i) {
                exprs += (i ? ", " : "") + node.expressions[i]->to_string();
                if (node.expressions[i]->kind != BoundExprKind::kColumn || node.expressions[i]->name != node.outputs[i].name) {
                    exprs += " AS " + node.outputs[i].name;
                }
            }
            details.push_back("[" + exprs + "]");
            break;
        }
        case LogicalKind::kAggregate: {
            line = node.aggregates.empty() ? "Distinct" : "Aggregate";
            std::string groups, aggregates;
            for (size_t i = 0; i < node.groups.size(); ++i) groups += (i ? ", " : "") + node.groups[i]->to_string();
            for (size_t i = 0; i < node.aggregates.size(); ++i) {
                const auto& a = node.aggregates[i];
                aggregates += (i ? ", " : "") + a.name + "(" + (a.distinct ? "DISTINCT " : "");
                for (size_t j = 0; j < a.args.size(); ++j) aggregates += (j ? ", " : "") + a.args[j]->to_string();
                if (a.args.empty() && a.name == "count") aggregates += "*";
                aggregates += ")";
            }
            if (!groups.empty()) details.push_back("group by: [" + groups + "]");
            if (!aggregates.empty()) details.push_back("aggregates: [" + aggregates + "]");
            break;
        }
        case LogicalKind::kJoin: {
            line = std::string(join_name(node.join_type)) + " Join";
            if (node.null_aware) line += " (null-aware)";
            std::string keys;
            for (size_t i = 0; i < node.equi_keys.size(); ++i) {
                keys += (i ? " AND " : "") + node.equi_keys[i].first->to_string() + " = " + node.equi_keys[i].second->to_string();
            }
            if (!keys.empty()) details.push_back("hash keys: " + keys);
            if (node.join_condition) details.push_back("condition: " + node.join_condition->to_string());
            break;
        }
        case LogicalKind::kSort:
            line = node.limit ? fmt::format("TopN {}", *node.limit) : "Sort";
            details.push_back("[" + sort_keys_text(node.sort_keys) + "]");
            break;
        case LogicalKind::kLimit:
            line = node.limit ? fmt::format("Limit {}", *node.limit) : "Limit ALL";
            if (node.offset) line += fmt::format(" OFFSET {}", node.offset);
            break;
        case LogicalKind::kUnionAll: line = "UnionAll"; break;
        case LogicalKind::kValues: line = fmt::format("Values ({} rows)", node.rows.size()); break;
        case LogicalKind::kDistinct: line = "Distinct"; break;
        case LogicalKind::kRecursiveUnion:
            line = fmt::format("RecursiveUnion{} #{}", node.union_all ? " ALL" : "", node.recursion);
            break;
        case LogicalKind::kWorkTable: line = fmt::format("WorkTable #{}", node.recursion); break;
        case LogicalKind::kUnnest: {
            line = node.with_ordinality ? "Unnest WITH ORDINALITY" : "Unnest";
            if (node.unnest_outer) line = "Left" + line;
            std::string exprs;
            for (size_t i = 0; i < node.expressions.size(); ++i) exprs += (i ? ", " : "") + node.expressions[i]->to_string();
            details.push_back("[" + exprs + "]");
            break;
        }
        case LogicalKind::kWindow: {
            line = "Window";
            for (const auto& w : node.windows) {
                std::string text = w.name + "(";
                for (size_t j = 0; j < w.args.size(); ++j) text += (j ? ", " : "") + w.args[j]->to_string();
                text += ") OVER (";
                if (!w.partition_by.empty()) {
                    text += "PARTITION BY ";
                    for (size_t j = 0; j < w.partition_by.size(); ++j) text += (j ? ", " : "") + w.partition_by[j]->to_string();
                }
                if (!w.order_by.empty()) text += (w.partition_by.empty() ? "" : " ") + std::string("ORDER BY ") + sort_keys_text(w.order_by);
                details.push_back(text + ")");
            }
            break;
        }
    }
    out += indent + "- " + line;
    if (annotate) {
        std::string extra = annotate(node);
        if (!extra.empty()) out += "  [" + extra + "]";
    }
    out += "\n";
    for (const auto& d : details) out += detail_indent + d + "\n";
    for (const auto& c : node.children) explain_node(*c, depth + 1, out, annotate);
}

}  // namespace

std::string explain_plan(const LogicalNode& root, const std::function<std::string(const LogicalNode&)>& annotate) {
    std::string out;
    explain_node(root, 0, out, annotate);
    return out;
}

}  // namespace fedq
