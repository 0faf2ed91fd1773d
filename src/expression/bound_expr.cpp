#include "expression/bound_expr.h"

#include <algorithm>

#include <fmt/format.h>

namespace fedq {

BoundExprPtr BoundExpr::column(ColumnId id, Type type, std::string name) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundExprKind::kColumn;
    e->column_id = id;
    e->type = std::move(type);
    e->name = std::move(name);
    return e;
}

BoundExprPtr BoundExpr::constant_value(Value v) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundExprKind::kConstant;
    e->type = v.type();
    e->constant = std::move(v);
    return e;
}

BoundExprPtr BoundExpr::make(BoundExprKind kind, Type type, std::vector<BoundExprPtr> children) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = kind;
    e->type = std::move(type);
    e->children = std::move(children);
    return e;
}

BoundExprPtr BoundExpr::clone() const {
    auto e = std::make_unique<BoundExpr>();
    e->kind = kind;
    e->type = type;
    e->column_id = column_id;
    e->column_index = column_index;
    e->constant = constant;
    e->function = function;
    e->try_cast = try_cast;
    e->negated = negated;
    e->has_else = has_else;
    e->name = name;
    e->aggregate_index = aggregate_index;
    e->lambda_slot = lambda_slot;
    e->children.reserve(children.size());
    for (const auto& c : children) e->children.push_back(c->clone());
    return e;
}

bool BoundExpr::equals(const BoundExpr& other) const {
    if (kind != other.kind || type != other.type || children.size() != other.children.size()) return false;
    if (negated != other.negated || try_cast != other.try_cast || has_else != other.has_else) return false;
    switch (kind) {
        case BoundExprKind::kColumn:
            if (column_id != other.column_id) return false;
            break;
        case BoundExprKind::kConstant:
            if (constant.is_null() != other.constant.is_null()) return false;
            if (!constant.is_null() && constant.compare(other.constant) != 0) return false;
            break;
        case BoundExprKind::kFunction:
            if (function->name != other.function->name || !function->deterministic) return false;
            break;
        case BoundExprKind::kAggregate:
        case BoundExprKind::kWindow:
        case BoundExprKind::kSubquery:
            if (aggregate_index != other.aggregate_index) return false;
            break;
        case BoundExprKind::kLambdaCall:
            if (name != other.name) return false;
            break;
        case BoundExprKind::kLambda:
        case BoundExprKind::kLambdaParameter:
            if (lambda_slot != other.lambda_slot) return false;
            break;
        default: break;
    }
    for (size_t i = 0; i < children.size(); ++i) {
        if (!children[i]->equals(*other.children[i])) return false;
    }
    return true;
}

bool BoundExpr::is_deterministic() const {
    if (kind == BoundExprKind::kFunction && !function->deterministic) return false;
    return std::all_of(children.begin(), children.end(), [](const auto& c) { return c->is_deterministic(); });
}

std::string BoundExpr::to_string() const {
    auto join = [&](const char* sep, size_t from = 0) {
        std::string out;
        for (size_t i = from; i < children.size(); ++i) {
            if (i > from) out += sep;
            out += children[i]->to_string();
        }
        return out;
    };
    switch (kind) {
        case BoundExprKind::kColumn: return name.empty() ? fmt::format("#{}", column_id) : name;
        case BoundExprKind::kConstant: return constant.to_sql();
        case BoundExprKind::kFunction: {
            static const std::pair<const char*, const char*> kOperators[] = {
                {"$add", " + "}, {"$subtract", " - "}, {"$multiply", " * "}, {"$divide", " / "},
                {"$modulo", " % "}, {"$concat", " || "}, {"$eq", " = "}, {"$ne", " <> "}, {"$lt", " < "},
                {"$le", " <= "}, {"$gt", " > "}, {"$ge", " >= "}};
            for (const auto& [fn, op] : kOperators) {
                if (function->name == fn && children.size() == 2) return "(" + join(op) + ")";
            }
            if (function->name == "$negate") return "-" + children[0]->to_string();
            return function->name + "(" + join(", ") + ")";
        }
        case BoundExprKind::kCast:
            return fmt::format("{}({} AS {})", try_cast ? "TRY_CAST" : "CAST", children[0]->to_string(), type.to_string());
        case BoundExprKind::kAnd: return "(" + join(" AND ") + ")";
        case BoundExprKind::kOr: return "(" + join(" OR ") + ")";
        case BoundExprKind::kNot: return "(NOT " + children[0]->to_string() + ")";
        case BoundExprKind::kIsNull: return "(" + children[0]->to_string() + (negated ? " IS NOT NULL)" : " IS NULL)");
        case BoundExprKind::kIsDistinct:
            return "(" + children[0]->to_string() + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") +
                   children[1]->to_string() + ")";
        case BoundExprKind::kCase: {
            std::string out = "CASE";
            size_t pairs = (children.size() - (has_else ? 1 : 0)) / 2;
            for (size_t i = 0; i < pairs; ++i) {
                out += " WHEN " + children[2 * i]->to_string() + " THEN " + children[2 * i + 1]->to_string();
            }
            if (has_else) out += " ELSE " + children.back()->to_string();
            return out + " END";
        }
        case BoundExprKind::kInList:
            return "(" + children[0]->to_string() + (negated ? " NOT IN (" : " IN (") + join(", ", 1) + "))";
        case BoundExprKind::kAggregate:
        case BoundExprKind::kWindow: return name + "(" + join(", ") + ")";
        case BoundExprKind::kSubquery: return "(subquery)";
        case BoundExprKind::kLambdaCall: return name + "(" + join(", ") + ")";
        case BoundExprKind::kLambda: return name + " -> " + children[0]->to_string();
        case BoundExprKind::kLambdaParameter: return name;
    }
    return "?";
}

void BoundExpr::collect_columns(std::vector<ColumnId>& out) const {
    if (kind == BoundExprKind::kColumn) out.push_back(column_id);
    for (const auto& c : children) c->collect_columns(out);
}

bool BoundExpr::references_only(const std::vector<ColumnId>& ids) const {
    std::vector<ColumnId> used;
    collect_columns(used);
    return std::all_of(used.begin(), used.end(),
                       [&](ColumnId id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); });
}

bool BoundExpr::references_only(const std::set<ColumnId>& ids) const {
    std::vector<ColumnId> used;
    collect_columns(used);
    return std::all_of(used.begin(), used.end(), [&](ColumnId id) { return ids.count(id) > 0; });
}

void split_conjuncts(BoundExprPtr predicate, std::vector<BoundExprPtr>& out) {
    if (!predicate) return;
    if (predicate->kind == BoundExprKind::kAnd) {
        for (auto& c : predicate->children) split_conjuncts(std::move(c), out);
        return;
    }
    out.push_back(std::move(predicate));
}

BoundExprPtr make_conjunction(std::vector<BoundExprPtr> parts) {
    if (parts.empty()) return nullptr;
    if (parts.size() == 1) return std::move(parts[0]);
    return BoundExpr::make(BoundExprKind::kAnd, Type::boolean(), std::move(parts));
}

}  // namespace fedq
