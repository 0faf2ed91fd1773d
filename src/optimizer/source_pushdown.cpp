// Rule: source pushdown, for connectors that run queries themselves (Capability::kExpressions: the SQL
// connectors). Bottom-up, it offers each such scan
//   - its filters as ConnectorExprs (the connector takes each one exactly or not at all);
//   - then, when the scan has no filter left in the engine, the operator directly above it:
//       an Aggregate (GROUP BY with count/sum/min/max/avg) -> the scan returns the groups;
//       an inner/outer equi-Join with another scan of the same catalog (Capability::kJoins) -> one scan
//         of the joined relation;
//       a top-N (ORDER BY ... LIMIT, through a projection of plain columns) or a LIMIT -> the source sorts
//         and stops early (the engine's top-N stays, over at most N rows).
// Whatever the connector refuses stays in the engine, so answers never depend on what was pushed.
// The result is a scan with `pushdown.prebuilt` set: its ScanRequest is final except for the
// Constraint and limit that scan planning adds.
#include <algorithm>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

bool pushes_expressions(const LogicalNode& node) {
    return node.kind == LogicalKind::kScan && node.connector &&
           node.connector->capabilities().has(Capability::kExpressions);
}

// The table column name behind a scan output.
const std::string* column_name(const LogicalNode& scan, ColumnId id) {
    for (size_t i = 0; i < scan.outputs.size(); ++i) {
        if (scan.outputs[i].id == id) return &scan.table.columns[scan.scan_columns[i]].name;
    }
    return nullptr;
}

std::string connector_function_name(const std::string& name) {
    static const std::map<std::string, std::string> names = {
        {"$subtract", "$sub"}, {"$multiply", "$mul"}, {"$divide", "$div"}, {"$modulo", "$mod"},
        {"$negate", "$neg"},   {"like", "$like"},     {"ilike", "$ilike"},
    };
    auto it = names.find(name);
    return it == names.end() ? name : it->second;
}

std::optional<ConnectorExpr> to_connector(const LogicalNode& scan, const BoundExpr& e) {
    std::vector<ConnectorExpr> args;
    auto convert_children = [&]() {
        for (const auto& c : e.children) {
            auto converted = to_connector(scan, *c);
            if (!converted) return false;
            args.push_back(std::move(*converted));
        }
        return true;
    };
    switch (e.kind) {
        case BoundExprKind::kColumn: {
            const std::string* name = column_name(scan, e.column_id);
            if (!name) return std::nullopt;
            return ConnectorExpr::column(*name, e.type);
        }
        case BoundExprKind::kConstant: return ConnectorExpr::constant(e.constant, e.type);
        case BoundExprKind::kFunction:
            if (!e.function || !e.function->deterministic || e.function->name.rfind("$field", 0) == 0) return std::nullopt;
            if (!convert_children()) return std::nullopt;
            return ConnectorExpr::call(connector_function_name(e.function->name), e.type, std::move(args));
        case BoundExprKind::kCast:
            if (e.try_cast || !convert_children()) return std::nullopt;
            return ConnectorExpr::call("$cast", e.type, std::move(args));
        case BoundExprKind::kAnd:
        case BoundExprKind::kOr:
            if (!convert_children()) return std::nullopt;
            return ConnectorExpr::call(e.kind == BoundExprKind::kAnd ? "$and" : "$or", e.type, std::move(args));
        case BoundExprKind::kNot:
            if (!convert_children()) return std::nullopt;
            return ConnectorExpr::call("$not", e.type, std::move(args));
        case BoundExprKind::kIsNull:
            if (!convert_children()) return std::nullopt;
            return ConnectorExpr::call(e.negated ? "$is_not_null" : "$is_null", e.type, std::move(args));
        case BoundExprKind::kIsDistinct:
            if (!convert_children()) return std::nullopt;
            return ConnectorExpr::call(e.negated ? "$is_not_distinct" : "$is_distinct", e.type, std::move(args));
        case BoundExprKind::kInList: {
            for (size_t i = 1; i < e.children.size(); ++i) {
                if (!e.children[i]->is_constant()) return std::nullopt;
            }
            if (!convert_children()) return std::nullopt;
            ConnectorExpr in = ConnectorExpr::call("$in", e.type, std::move(args));
            if (!e.negated) return in;
            std::vector<ConnectorExpr> negated;
            negated.push_back(std::move(in));
            return ConnectorExpr::call("$not", e.type, std::move(negated));
        }
        default: return std::nullopt;
    }
}

// The request a prebuilt scan sends so far (without Constraint and limit).
ScanRequest base_request(const LogicalNode& scan, const OptimizerContext& context) {
    ScanRequest request;
    request.table = scan.table.handle;
    for (size_t index : scan.scan_columns) request.columns.push_back(scan.table.columns[index].name);
    if (request.columns.empty() && !scan.table.columns.empty()) request.columns.push_back(scan.table.columns[0].name);
    request.batch_rows = context.batch_rows;
    request.target_splits = context.target_splits;
    return request;
}

void push_filters(LogicalNode& scan, const OptimizerContext& context) {
    ScanRequest request = base_request(scan, context);
    std::vector<size_t> offered;  // filter index per request filter
    for (size_t i = 0; i < scan.filters.size(); ++i) {
        if (auto converted = to_connector(scan, *scan.filters[i])) {
            request.filters.push_back(std::move(*converted));
            offered.push_back(i);
        }
    }
    std::vector<ConnectorExpr> accepted;
    std::vector<bool> pushed(scan.filters.size(), false);
    if (!request.filters.empty()) {
        ScanPlan plan = scan.connector->negotiate(request);
        for (size_t k = 0; k < offered.size(); ++k) {
            if (k < plan.filters_accepted.size() && plan.filters_accepted[k] == PushdownKind::kExact) {
                accepted.push_back(std::move(request.filters[k]));
                pushed[offered[k]] = true;
            }
        }
    }
    std::vector<BoundExprPtr> remaining;
    for (size_t i = 0; i < scan.filters.size(); ++i) {
        if (!pushed[i]) remaining.push_back(std::move(scan.filters[i]));
    }
    scan.filters = std::move(remaining);
    request.filters = std::move(accepted);
    scan.pushdown.request = std::move(request);
    scan.pushdown.prebuilt = true;
}

// A prebuilt scan the engine adds nothing to (no residual filter, nothing pushed on top yet).
bool plain_prebuilt(const LogicalNode& node) {
    return node.kind == LogicalKind::kScan && node.pushdown.prebuilt && node.filters.empty() &&
           !node.pushdown.request.aggregation && node.pushdown.request.order_by.empty() && !node.pushdown.limit;
}

// Replaces the scan's table by the scan's own outputs (after the source computes new columns).
void reshape_scan(LogicalNode& scan, std::vector<OutputColumn> outputs, double rows) {
    scan.outputs = std::move(outputs);
    std::vector<ColumnInfo> columns;
    scan.scan_columns.clear();
    for (size_t i = 0; i < scan.outputs.size(); ++i) {
        columns.push_back({scan.outputs[i].name, scan.outputs[i].type, true, ""});
        scan.scan_columns.push_back(i);
    }
    scan.table.columns = std::move(columns);
    scan.table.statistics.row_count = rows;
    scan.table.statistics.columns.clear();
}

LogicalPtr push_aggregate(LogicalPtr node) {
    LogicalNode& scan = *node->children[0];
    if (node->grand_total_set != -1) return node;
    PushedAggregation aggregation;
    for (const auto& g : node->groups) {
        auto converted = to_connector(scan, *g);
        if (!converted) return node;
        aggregation.groups.push_back(std::move(*converted));
    }
    for (const auto& a : node->aggregates) {
        if (a.filter || !a.order_by.empty() || !a.function) return node;
        PushedAggregate pushed;
        const std::string& name = a.function->name;
        if (name == "count" && a.args.empty()) pushed.function = "count_star";
        else if (name == "count" || name == "sum" || name == "min" || name == "max" || name == "avg") pushed.function = name;
        else return node;
        for (const auto& arg : a.args) {
            auto converted = to_connector(scan, *arg);
            if (!converted) return node;
            pushed.args.push_back(std::move(*converted));
        }
        pushed.distinct = a.distinct;
        pushed.type = a.function->return_type;
        pushed.name = a.name;
        aggregation.aggregates.push_back(std::move(pushed));
    }
    ScanRequest request = scan.pushdown.request;
    request.aggregation = std::move(aggregation);
    ScanPlan plan = scan.connector->negotiate(request);
    if (!plan.aggregation_accepted) return node;
    double rows = estimate_rows(*node);
    LogicalPtr pushed = std::move(node->children[0]);
    pushed->pushdown.request = std::move(request);
    reshape_scan(*pushed, node->outputs, rows);
    return pushed;
}

std::optional<PushedJoinType> join_type_of(LogicalJoinType type) {
    switch (type) {
        case LogicalJoinType::kInner: return PushedJoinType::kInner;
        case LogicalJoinType::kLeft: return PushedJoinType::kLeft;
        case LogicalJoinType::kRight: return PushedJoinType::kRight;
        case LogicalJoinType::kFull: return PushedJoinType::kFull;
        default: return std::nullopt;
    }
}

LogicalPtr push_join(LogicalPtr node) {
    LogicalNode& left = *node->children[0];
    LogicalNode& right = *node->children[1];
    auto type = join_type_of(node->join_type);
    if (!type || node->join_condition || node->equi_keys.empty() || left.connector != right.connector ||
        !left.connector->capabilities().has(Capability::kJoins)) {
        return node;
    }
    std::vector<std::pair<std::string, std::string>> keys;
    for (const auto& [l, r] : node->equi_keys) {
        if (l->kind != BoundExprKind::kColumn || r->kind != BoundExprKind::kColumn) return node;
        const std::string* a = column_name(left, l->column_id);
        const std::string* b = column_name(right, r->column_id);
        if (!a || !b) return node;
        keys.emplace_back(*a, *b);
    }
    auto joined = left.connector->apply_join(*type, left.pushdown.request, right.pushdown.request, keys);
    if (!joined || joined->columns.size() != node->outputs.size()) return node;
    double rows = estimate_rows(*node);
    LogicalPtr scan = std::move(node->children[0]);
    scan->table = std::move(*joined);
    scan->outputs = node->outputs;
    scan->scan_columns.clear();
    for (size_t i = 0; i < scan->outputs.size(); ++i) scan->scan_columns.push_back(i);
    scan->table.statistics.row_count = rows;
    scan->pushdown.request.table = scan->table.handle;
    scan->pushdown.request.columns.clear();
    for (const auto& c : scan->table.columns) scan->pushdown.request.columns.push_back(c.name);
    scan->pushdown.request.filters.clear();
    return scan;
}

// ORDER BY ... LIMIT over a prebuilt scan, possibly through a projection of plain columns.
void push_top_n(LogicalNode& sort) {
    LogicalNode* below = sort.children[0].get();
    const LogicalNode* project = nullptr;
    if (below->kind == LogicalKind::kProject) {
        project = below;
        below = below->children[0].get();
    }
    if (below->kind != LogicalKind::kScan || !below->pushdown.prebuilt || !below->filters.empty() ||
        !below->pushdown.request.order_by.empty() || below->pushdown.limit) {
        return;
    }
    LogicalNode& scan = *below;
    std::vector<PushedSortKey> keys;
    for (const auto& key : sort.sort_keys) {
        const BoundExpr* e = key.expr.get();
        if (e->kind != BoundExprKind::kColumn) return;
        ColumnId id = e->column_id;
        if (project) {
            const BoundExpr* source = nullptr;
            for (size_t i = 0; i < project->outputs.size(); ++i) {
                if (project->outputs[i].id == id) source = project->expressions[i].get();
            }
            if (!source || source->kind != BoundExprKind::kColumn) return;
            id = source->column_id;
        }
        auto it = std::find_if(scan.outputs.begin(), scan.outputs.end(), [&](const OutputColumn& o) { return o.id == id; });
        if (it == scan.outputs.end()) return;
        keys.push_back({static_cast<size_t>(it - scan.outputs.begin()), key.descending, key.nulls_first});
    }
    uint64_t limit = *sort.limit + sort.offset;
    ScanRequest request = scan.pushdown.request;
    // The scan's outputs are its request's outputs in order (prebuilt scans keep them aligned).
    if (request.output_count() != scan.outputs.size()) return;
    request.order_by = keys;
    request.limit = limit;
    ScanPlan plan = scan.connector->negotiate(request);
    if (!plan.order_accepted || !plan.limit_accepted) return;
    request.limit.reset();  // scan planning offers the limit again
    scan.pushdown.request = std::move(request);
    scan.pushdown.limit = limit;
}

void offer_limit(LogicalNode& node, uint64_t limit) {
    if (node.kind == LogicalKind::kProject) {
        offer_limit(*node.children[0], limit);
    } else if (node.kind == LogicalKind::kScan && node.pushdown.prebuilt && !node.pushdown.limit) {
        node.pushdown.limit = limit;
    }
}

}  // namespace

LogicalPtr push_down_to_sources(LogicalPtr node, const OptimizerContext& context) {
    for (auto& c : node->children) c = push_down_to_sources(std::move(c), context);
    switch (node->kind) {
        case LogicalKind::kScan:
            if (pushes_expressions(*node) && !node->pushdown.prebuilt) push_filters(*node, context);
            return node;
        case LogicalKind::kAggregate:
            if (plain_prebuilt(*node->children[0])) return push_aggregate(std::move(node));
            return node;
        case LogicalKind::kJoin:
            if (plain_prebuilt(*node->children[0]) && plain_prebuilt(*node->children[1])) return push_join(std::move(node));
            return node;
        case LogicalKind::kSort:
            if (node->limit) push_top_n(*node);
            return node;
        case LogicalKind::kLimit:
            if (node->limit) offer_limit(*node->children[0], *node->limit + node->offset);
            return node;
        default: return node;
    }
}

}  // namespace fedq
