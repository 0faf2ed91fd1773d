// Rule: scan planning (always on). Converts each scan's engine filters into a Constraint (per-column
// Domains from comparisons with constants, IN lists and IS [NOT] NULL), asks the connector to plan the
// scan, and removes the filters on columns the connector accepted exactly. A limit is only offered when
// no filter remains in the engine for that scan.
#include <algorithm>
#include <cmath>

#include "optimizer/optimizer.h"

namespace fedq {

namespace {

struct Converted {
    std::string column;
    Domain domain;
};

const OutputColumn* scan_column(const LogicalNode& scan, const BoundExpr& e, size_t* table_index) {
    if (e.kind != BoundExprKind::kColumn) return nullptr;
    for (size_t i = 0; i < scan.outputs.size(); ++i) {
        if (scan.outputs[i].id == e.column_id) {
            *table_index = scan.scan_columns[i];
            return &scan.outputs[i];
        }
    }
    return nullptr;
}

std::optional<Converted> convert(const LogicalNode& scan, const BoundExpr& e) {
    size_t index = 0;
    if (e.kind == BoundExprKind::kIsNull) {
        const OutputColumn* column = scan_column(scan, *e.children[0], &index);
        if (!column) return std::nullopt;
        return Converted{scan.table.columns[index].name, e.negated ? Domain::not_null(column->type) : Domain::only_null(column->type)};
    }
    if (e.kind == BoundExprKind::kInList && !e.negated) {
        const OutputColumn* column = scan_column(scan, *e.children[0], &index);
        if (!column) return std::nullopt;
        std::vector<Value> values;
        for (size_t i = 1; i < e.children.size(); ++i) {
            const auto& item = *e.children[i];
            if (!item.is_constant() || item.type != column->type) return std::nullopt;
            if (!item.constant.is_null()) values.push_back(item.constant);
        }
        return Converted{scan.table.columns[index].name, Domain::values(column->type, std::move(values))};
    }
    if (e.kind != BoundExprKind::kFunction || e.children.size() != 2) return std::nullopt;
    std::string op = e.function->name;
    if (op != "$eq" && op != "$ne" && op != "$lt" && op != "$le" && op != "$gt" && op != "$ge") return std::nullopt;
    const BoundExpr* column_side = e.children[0].get();
    const BoundExpr* constant_side = e.children[1].get();
    if (!constant_side->is_constant()) {
        std::swap(column_side, constant_side);
        if (op == "$lt") op = "$gt";
        else if (op == "$le") op = "$ge";
        else if (op == "$gt") op = "$lt";
        else if (op == "$ge") op = "$le";
    }
    const OutputColumn* column = scan_column(scan, *column_side, &index);
    if (!column || !constant_side->is_constant() || constant_side->constant.is_null()) return std::nullopt;
    if (constant_side->type != column->type) return std::nullopt;
    // NaN compares unlike an ordinary value: keep such predicates in the engine.
    if (column->type.is_floating() && std::isnan(constant_side->constant.as_double())) return std::nullopt;
    const Value& v = constant_side->constant;
    const Type& t = column->type;
    // Domains order NaN above +Infinity, but `x > 1` is false for NaN: bound floating ranges above by
    // +Infinity so NaN stays outside.
    Bound unbounded_high{std::nullopt, false};
    if (t.is_floating()) {
        unbounded_high = Bound{t.id() == TypeId::kReal ? Value::real(INFINITY) : Value::double_(INFINITY), true};
    }
    Domain domain = Domain::all(t);
    if (op == "$eq") domain = Domain::values(t, {v});
    else if (op == "$lt") domain = Domain::range(t, Range{{std::nullopt, false}, {v, false}});
    else if (op == "$le") domain = Domain::range(t, Range{{std::nullopt, false}, {v, true}});
    else if (op == "$gt") domain = Domain::range(t, Range{{v, false}, unbounded_high});
    else if (op == "$ge") domain = Domain::range(t, Range{{v, true}, unbounded_high});
    else {
        domain = Domain::range(t, Range{{std::nullopt, false}, {v, false}})
                     .union_with(Domain::range(t, Range{{v, false}, unbounded_high}));
    }
    return Converted{scan.table.columns[index].name, std::move(domain)};
}

void plan_scan(LogicalNode& scan, const OptimizerContext& context) {
    std::vector<std::optional<Converted>> converted;
    Constraint constraint;
    const bool offer = context.enabled("constraint_pushdown");
    for (const auto& f : scan.filters) {
        converted.push_back(offer ? convert(scan, *f) : std::nullopt);
        if (converted.back()) constraint.add(converted.back()->column, converted.back()->domain);
    }
    ScanRequest request;
    if (scan.pushdown.prebuilt) {
        request = scan.pushdown.request;
    } else {
        request.table = scan.table.handle;
        for (size_t index : scan.scan_columns) request.columns.push_back(scan.table.columns[index].name);
        if (request.columns.empty() && !scan.table.columns.empty()) request.columns.push_back(scan.table.columns[0].name);
    }
    request.constraint = constraint;
    if (scan.filters.empty() && scan.pushdown.limit && context.enabled("limit_pushdown")) request.limit = scan.pushdown.limit;
    else scan.pushdown.limit.reset();
    request.batch_rows = context.batch_rows;
    request.target_splits = context.target_splits;
    scan.pushdown.constraint = constraint;
    scan.pushdown.plan = scan.connector->plan_scan(request);
    scan.pushdown.request = request;
    scan.pushdown.planned = true;
    // Drop filters whose column the connector applies exactly.
    std::vector<BoundExprPtr> remaining;
    for (size_t i = 0; i < scan.filters.size(); ++i) {
        if (converted[i]) {
            auto it = scan.pushdown.plan.constraint_accepted.find(converted[i]->column);
            if (it != scan.pushdown.plan.constraint_accepted.end() && it->second == PushdownKind::kExact) continue;
        }
        remaining.push_back(std::move(scan.filters[i]));
    }
    scan.filters = std::move(remaining);
}

}  // namespace

void plan_scans(LogicalNode& plan, const OptimizerContext& context) {
    for (auto& c : plan.children) plan_scans(*c, context);
    if (plan.kind == LogicalKind::kScan) plan_scan(plan, context);
}

}  // namespace fedq
