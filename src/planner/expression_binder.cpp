#include "planner/expression_binder.h"

#include <charconv>

#include "common/error.h"
#include "expression/evaluator.h"
#include "functions/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

Type require_boolean(const BoundExpr& e, SqlPosition position, const char* what) {
    if (e.type.id() != TypeId::kBoolean && e.type.id() != TypeId::kNull) {
        fail_at(ErrorCode::kDatatypeMismatch, position,
                fmt::format("{} must be of type BOOLEAN, not {}", what, e.type.to_string()));
    }
    return Type::boolean();
}

}  // namespace

bool name_matches(const std::string& candidate, const ast::Identifier& id) {
    if (id.quoted) return candidate == id.name;
    return to_lower(candidate) == to_lower(id.name);
}

void fail_at(ErrorCode code, SqlPosition position, const std::string& message) { throw Error(code, message, position); }

BoundExprPtr make_cast(BoundExprPtr expr, const Type& type, bool try_cast) {
    if (expr->type == type) return expr;
    if (!can_cast(expr->type, type)) {
        raise(ErrorCode::kDatatypeMismatch, "cannot cast {} to {}", expr->type.to_string(), type.to_string());
    }
    if (expr->kind == BoundExprKind::kConstant) {
        return BoundExpr::constant_value(cast_value(expr->constant.is_null() ? Value::null(expr->type) : expr->constant,
                                                    type, try_cast));
    }
    auto cast = BoundExpr::make(BoundExprKind::kCast, type, {});
    cast->try_cast = try_cast;
    cast->children.push_back(std::move(expr));
    return cast;
}

BoundExprPtr fold_constant(BoundExprPtr expr, const FunctionContext* context) {
    if (expr->kind == BoundExprKind::kConstant || expr->kind == BoundExprKind::kColumn) return expr;
    std::vector<ColumnId> used;
    expr->collect_columns(used);
    if (!used.empty() || !expr->is_deterministic()) return expr;
    for (const auto& c : expr->children) {
        if (c->kind != BoundExprKind::kConstant) return expr;
    }
    if (expr->kind == BoundExprKind::kAggregate || expr->kind == BoundExprKind::kWindow ||
        expr->kind == BoundExprKind::kSubquery) {
        return expr;
    }
    Value v = evaluate_constant(*expr, context);
    return BoundExpr::constant_value(v.is_null() ? Value::null(expr->type) : v);
}

BoundExprPtr make_function_call(const std::string& name, std::vector<BoundExprPtr> args,
                                const FunctionContext* context) {
    std::vector<Type> types;
    ConstantArgs constants;
    for (const auto& a : args) {
        types.push_back(a->type);
        constants.push_back(a->is_constant() ? std::optional<Value>(a->constant) : std::nullopt);
    }
    BoundScalarFunction bound = FunctionRegistry::instance().bind_scalar(name, types, constants);
    auto call = BoundExpr::make(BoundExprKind::kFunction, bound.return_type, {});
    for (size_t i = 0; i < args.size(); ++i) {
        const Type& want = i < bound.arg_types.size() ? bound.arg_types[i] : args[i]->type;
        call->children.push_back(make_cast(std::move(args[i]), want));
    }
    call->name = name;
    call->function = std::make_shared<BoundScalarFunction>(std::move(bound));
    return fold_constant(std::move(call), context);
}

BoundExprPtr make_comparison(const std::string& op, BoundExprPtr left, BoundExprPtr right,
                             const FunctionContext* context) {
    // Friendly coercion of string constants to the other side's type: o_orderdate >= '1995-01-01'.
    auto adapt = [](BoundExprPtr& constant_side, const BoundExprPtr& other) {
        if (constant_side->kind == BoundExprKind::kConstant && constant_side->type.is_string() && other->type.is_temporal()) {
            constant_side = make_cast(std::move(constant_side), other->type);
        }
    };
    adapt(right, left);
    adapt(left, right);
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(left));
    args.push_back(std::move(right));
    return make_function_call(op, std::move(args), context);
}

BoundExprPtr make_not(BoundExprPtr expr) {
    if (expr->kind == BoundExprKind::kConstant) {
        if (expr->constant.is_null()) return expr;
        return BoundExpr::constant_value(Value::boolean(!expr->constant.as_bool()));
    }
    std::vector<BoundExprPtr> children;
    children.push_back(std::move(expr));
    return BoundExpr::make(BoundExprKind::kNot, Type::boolean(), std::move(children));
}

Value interval_literal(const std::string& text, const std::string& from, const std::string& to) {
    std::string body = text;
    while (!body.empty() && body.front() == ' ') body.erase(body.begin());
    while (!body.empty() && body.back() == ' ') body.pop_back();
    Interval iv;
    auto parse_number = [&](std::string_view s) -> std::optional<double> {
        double v;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
        return v;
    };
    auto add_unit = [&](const std::string& unit_raw, double amount) -> bool {
        std::string unit = to_lower(unit_raw);
        if (!unit.empty() && unit.back() == 's' && unit != "s") unit.pop_back();
        if (unit == "year" || unit == "y") iv.months += static_cast<int32_t>(amount * 12);
        else if (unit == "month" || unit == "mon") iv.months += static_cast<int32_t>(amount);
        else if (unit == "week" || unit == "w") iv.days += static_cast<int32_t>(amount * 7);
        else if (unit == "day" || unit == "d") iv.days += static_cast<int32_t>(amount);
        else if (unit == "hour" || unit == "h") iv.micros += static_cast<int64_t>(amount * 3600 * kMicrosPerSecond);
        else if (unit == "minute" || unit == "min" || unit == "m") iv.micros += static_cast<int64_t>(amount * 60 * kMicrosPerSecond);
        else if (unit == "second" || unit == "sec" || unit == "s") iv.micros += static_cast<int64_t>(amount * kMicrosPerSecond);
        else if (unit == "millisecond" || unit == "ms") iv.micros += static_cast<int64_t>(amount * 1000);
        else return false;
        return true;
    };
    auto bad = [&]() -> Value { raise(ErrorCode::kInvalidDatetime, "invalid interval literal '{}'", text); };
    if (from.empty()) {
        // '2 days 3 hours'
        size_t pos = 0;
        bool any = false;
        while (pos < body.size()) {
            while (pos < body.size() && body[pos] == ' ') ++pos;
            size_t start = pos;
            while (pos < body.size() && body[pos] != ' ') ++pos;
            std::string number = body.substr(start, pos - start);
            while (pos < body.size() && body[pos] == ' ') ++pos;
            start = pos;
            while (pos < body.size() && body[pos] != ' ') ++pos;
            std::string unit = body.substr(start, pos - start);
            auto amount = parse_number(number);
            if (!amount || !add_unit(unit, *amount)) return bad();
            any = true;
        }
        if (!any) return bad();
        return Value::interval(iv);
    }
    std::string f = to_lower(from), t = to_lower(to);
    bool negative = !body.empty() && body[0] == '-';
    if (negative || (!body.empty() && body[0] == '+')) body.erase(body.begin());
    if (t.empty()) {
        auto amount = parse_number(body);
        if (!amount || !add_unit(f, negative ? -*amount : *amount)) return bad();
        return Value::interval(iv);
    }
    if (f == "year" && t == "month") {
        size_t dash = body.find('-');
        if (dash == std::string::npos) return bad();
        auto y = parse_number(body.substr(0, dash));
        auto m = parse_number(body.substr(dash + 1));
        if (!y || !m) return bad();
        iv.months = static_cast<int32_t>(*y * 12 + *m) * (negative ? -1 : 1);
        return Value::interval(iv);
    }
    if (f == "day") {
        // 'D HH:MM:SS'
        size_t space = body.find(' ');
        auto d = parse_number(body.substr(0, space));
        if (!d) return bad();
        iv.days = static_cast<int32_t>(*d);
        if (space != std::string::npos) {
            int64_t h = 0, m = 0;
            double s = 0;
            if (std::sscanf(body.c_str() + space + 1, "%ld:%ld:%lf", &h, &m, &s) < 1) return bad();
            iv.micros = (h * 3600 + m * 60) * kMicrosPerSecond + static_cast<int64_t>(s * kMicrosPerSecond);
        }
        if (negative) {
            iv.days = -iv.days;
            iv.micros = -iv.micros;
        }
        return Value::interval(iv);
    }
    return bad();
}

BoundExprPtr ExpressionBinder::bind_boolean(const ast::Expr& expr) {
    BoundExprPtr bound = bind(expr);
    require_boolean(*bound, expr.position, clause);
    return make_cast(std::move(bound), Type::boolean());
}

BoundExprPtr ExpressionBinder::bind_literal(const ast::LiteralExpr& e) {
    switch (e.literal_kind) {
        case ast::LiteralKind::kNull: return BoundExpr::constant_value(Value::null(Type::null()));
        case ast::LiteralKind::kBoolean: return BoundExpr::constant_value(Value::boolean(to_lower(e.text) == "true"));
        case ast::LiteralKind::kInteger: {
            int64_t v;
            auto [p, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), v);
            if (ec == std::errc() && p == e.text.data() + e.text.size()) {
                if (v >= INT32_MIN && v <= INT32_MAX) return BoundExpr::constant_value(Value::integer(static_cast<int32_t>(v)));
                return BoundExpr::constant_value(Value::bigint(v));
            }
            auto shape = decimal_literal_shape(e.text);
            if (!shape) fail_at(ErrorCode::kNumericOverflow, e.position, fmt::format("integer literal {} is too large", e.text));
            return BoundExpr::constant_value(Value::decimal(*parse_decimal(e.text, shape->first, 0), shape->first, 0));
        }
        case ast::LiteralKind::kDecimal: {
            auto shape = decimal_literal_shape(e.text);
            if (!shape) {
                double d = std::strtod(e.text.c_str(), nullptr);
                return BoundExpr::constant_value(Value::double_(d));
            }
            auto v = parse_decimal(e.text, shape->first, shape->second);
            return BoundExpr::constant_value(Value::decimal(*v, shape->first, shape->second));
        }
        case ast::LiteralKind::kDouble: return BoundExpr::constant_value(Value::double_(std::strtod(e.text.c_str(), nullptr)));
        case ast::LiteralKind::kString: return BoundExpr::constant_value(Value::varchar(e.text));
        case ast::LiteralKind::kTyped: {
            std::string type_name = to_lower(e.type_name);
            if (type_name == "varbinary") {
                std::string bytes;
                if (e.text.size() % 2) fail_at(ErrorCode::kSyntax, e.position, "binary literal must have an even number of hex digits");
                for (size_t i = 0; i < e.text.size(); i += 2) {
                    unsigned int byte;
                    if (std::sscanf(e.text.substr(i, 2).c_str(), "%2x", &byte) != 1) {
                        fail_at(ErrorCode::kSyntax, e.position, "invalid binary literal");
                    }
                    bytes.push_back(static_cast<char>(byte));
                }
                return BoundExpr::constant_value(Value::varbinary(bytes));
            }
            Type type;
            try {
                type = parse_type(type_name);
            } catch (Error& error) {
                error.set_position(e.position);
                throw;
            }
            if (type.id() == TypeId::kDate) {
                auto d = parse_date(e.text);
                if (!d) fail_at(ErrorCode::kInvalidDatetime, e.position, fmt::format("invalid DATE literal '{}'", e.text));
                return BoundExpr::constant_value(Value::date(*d));
            }
            if (type.id() == TypeId::kTimestamp || type.id() == TypeId::kTimestampTz) {
                bool zone = false;
                auto t = parse_timestamp(e.text, &zone);
                if (!t) fail_at(ErrorCode::kInvalidDatetime, e.position, fmt::format("invalid TIMESTAMP literal '{}'", e.text));
                if (zone || type.id() == TypeId::kTimestampTz) return BoundExpr::constant_value(Value::timestamp_tz(*t));
                return BoundExpr::constant_value(Value::timestamp(*t));
            }
            if (type.id() == TypeId::kDecimal && type_name == "decimal") {
                auto shape = decimal_literal_shape(e.text);
                if (shape) return BoundExpr::constant_value(Value::decimal(*parse_decimal(e.text, shape->first, shape->second), shape->first, shape->second));
            }
            try {
                return BoundExpr::constant_value(cast_value(Value::varchar(e.text), type));
            } catch (Error& error) {
                error.set_position(e.position);
                throw;
            }
        }
        case ast::LiteralKind::kInterval: {
            try {
                return BoundExpr::constant_value(interval_literal(e.text, e.interval_from, e.interval_to));
            } catch (Error& error) {
                error.set_position(e.position);
                throw;
            }
        }
    }
    fail_at(ErrorCode::kInternal, e.position, "unknown literal");
}

namespace {

// ROW field access: row_expr.field.
BoundExprPtr make_field_access(BoundExprPtr row, const ast::Identifier& field, SqlPosition position) {
    if (row->type.id() != TypeId::kRow) {
        fail_at(ErrorCode::kDatatypeMismatch, position, fmt::format("cannot access field \"{}\" of a {} value", field.name, row->type.to_string()));
    }
    const auto& names = row->type.field_names();
    size_t index = names.size();
    for (size_t i = 0; i < names.size(); ++i) {
        if (field.quoted ? names[i] == field.name : to_lower(names[i]) == to_lower(field.name)) index = i;
    }
    if (index == names.size()) {
        fail_at(ErrorCode::kUndefinedColumn, position, fmt::format("ROW has no field \"{}\"", field.name));
    }
    auto function = std::make_shared<BoundScalarFunction>();
    function->name = "$field";
    function->arg_types = {row->type};
    function->return_type = row->type.children()[index];
    function->kernel = [index](const ScalarArgs& args, Column& out) {
        out.append_range(args.columns[0]->children()[index], 0, args.rows);
    };
    auto call = BoundExpr::make(BoundExprKind::kFunction, function->return_type, {});
    call->name = row->name + "." + names[index];
    call->function = std::move(function);
    call->children.push_back(std::move(row));
    return call;
}

// ROW(a, b) / (a, b): an anonymous ROW with fields field0, field1, ... (Trino's anonymous rows). The
// result is never NULL itself; NULL fields stay NULL inside it.
BoundExprPtr make_row_constructor(std::vector<BoundExprPtr> fields, const FunctionContext* context) {
    std::vector<std::string> names;
    std::vector<Type> types;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i]->type.id() == TypeId::kNull) fields[i] = make_cast(std::move(fields[i]), Type::boolean());
        names.push_back("field" + std::to_string(i));
        types.push_back(fields[i]->type);
    }
    Type row_type = Type::row(std::move(names), types);
    auto function = std::make_shared<BoundScalarFunction>();
    function->name = "row";
    function->arg_types = types;
    function->return_type = row_type;
    function->propagates_nulls = false;
    function->kernel = [row_type](const ScalarArgs& args, Column& out) {
        auto fill = [&](Column& target) {
            for (size_t c = 0; c < args.columns.size(); ++c) {
                target.children()[c].append_range(*args.columns[c], 0, args.rows);
            }
            target.set_size(target.size() + args.rows);
        };
        if (out.size() == 0 && !out.has_nulls()) {
            fill(out);
            return;
        }
        Column staged(row_type);
        fill(staged);
        out.append_range(staged, 0, args.rows);
    };
    auto call = BoundExpr::make(BoundExprKind::kFunction, row_type, std::move(fields));
    call->name = "row";
    call->function = std::move(function);
    return fold_constant(std::move(call), context);
}

}  // namespace

BoundExprPtr ExpressionBinder::bind_column(const ast::ColumnRefExpr& e) {
    if (!lambda_parameters_.empty()) {
        if (BoundExprPtr parameter = bind_lambda_parameter(e)) return parameter;
    }
    try {
        return bind_column_exact(e);
    } catch (const Error& error) {
        if (error.code() != ErrorCode::kUndefinedColumn || e.name.parts.size() < 2) throw;
        // a.b.c may be column a (or table.column a.b) followed by ROW field accesses.
        for (size_t prefix = e.name.parts.size() - 1; prefix >= 1; --prefix) {
            ast::ColumnRefExpr head;
            head.position = e.position;
            head.name.parts.assign(e.name.parts.begin(), e.name.parts.begin() + static_cast<long>(prefix));
            BoundExprPtr base;
            try {
                base = bind_column_exact(head);
            } catch (const Error& inner) {
                if (inner.code() != ErrorCode::kUndefinedColumn) throw;
                continue;
            }
            if (base->type.id() != TypeId::kRow) continue;
            for (size_t i = prefix; i < e.name.parts.size(); ++i) base = make_field_access(std::move(base), e.name.parts[i], e.position);
            return base;
        }
        throw;
    }
}

BoundExprPtr ExpressionBinder::bind_column_exact(const ast::ColumnRefExpr& e) {
    const auto& parts = e.name.parts;
    // Try qualified forms: column; table.column; schema.table.column; catalog.schema.table.column.
    for (const Scope* scope = &scope_; scope; scope = scope->parent) {
        const ScopeColumn* found = nullptr;
        const ast::Identifier& column_name = parts.back();
        const ast::Identifier* table_name = parts.size() >= 2 ? &parts[parts.size() - 2] : nullptr;
        for (const auto& column : scope->columns) {
            if (!name_matches(column.name, column_name)) continue;
            if (table_name) {
                if (!name_matches(column.table, *table_name)) continue;
            } else if (column.hidden_unqualified) {
                continue;
            }
            if (found && found->id != column.id) {
                fail_at(ErrorCode::kAmbiguousColumn, e.position,
                        fmt::format("column reference \"{}\" is ambiguous", e.name.to_string()));
            }
            found = &column;
        }
        if (found) {
            std::string display = found->table.empty() ? found->name : found->table + "." + found->name;
            return BoundExpr::column(found->id, found->type, display);
        }
    }
    fail_at(ErrorCode::kUndefinedColumn, e.position, fmt::format("column \"{}\" does not exist", e.name.to_string()));
}

BoundExprPtr ExpressionBinder::bind_binary(const ast::BinaryExpr& e) {
    const FunctionContext* ctx = &binder_.session_.function_context;
    if (e.op == ast::BinaryOp::kAnd || e.op == ast::BinaryOp::kOr) {
        std::vector<BoundExprPtr> children;
        children.push_back(bind_boolean(*e.left));
        children.push_back(bind_boolean(*e.right));
        BoundExprKind kind = e.op == ast::BinaryOp::kAnd ? BoundExprKind::kAnd : BoundExprKind::kOr;
        // Flatten nested ANDs/ORs.
        std::vector<BoundExprPtr> flat;
        for (auto& c : children) {
            if (c->kind == kind) {
                for (auto& g : c->children) flat.push_back(std::move(g));
            } else {
                flat.push_back(std::move(c));
            }
        }
        return fold_constant(BoundExpr::make(kind, Type::boolean(), std::move(flat)), ctx);
    }
    BoundExprPtr left = bind(*e.left);
    BoundExprPtr right = bind(*e.right);
    const char* name = nullptr;
    switch (e.op) {
        case ast::BinaryOp::kAdd: name = "$add"; break;
        case ast::BinaryOp::kSubtract: name = "$subtract"; break;
        case ast::BinaryOp::kMultiply: name = "$multiply"; break;
        case ast::BinaryOp::kDivide: name = "$divide"; break;
        case ast::BinaryOp::kModulo: name = "$modulo"; break;
        case ast::BinaryOp::kConcat: name = "$concat"; break;
        case ast::BinaryOp::kEqual: name = "$eq"; break;
        case ast::BinaryOp::kNotEqual: name = "$ne"; break;
        case ast::BinaryOp::kLess: name = "$lt"; break;
        case ast::BinaryOp::kLessEqual: name = "$le"; break;
        case ast::BinaryOp::kGreater: name = "$gt"; break;
        case ast::BinaryOp::kGreaterEqual: name = "$ge"; break;
        default: break;
    }
    try {
        bool comparison = e.op >= ast::BinaryOp::kEqual && e.op <= ast::BinaryOp::kGreaterEqual;
        if (comparison) return make_comparison(name, std::move(left), std::move(right), ctx);
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(left));
        args.push_back(std::move(right));
        return make_function_call(name, std::move(args), ctx);
    } catch (Error& error) {
        if (error.position().line == 0) error.set_position(e.position);
        throw;
    }
}

BoundExprPtr ExpressionBinder::bind_like(const ast::LikeExpr& e) {
    std::vector<BoundExprPtr> args;
    args.push_back(bind(*e.operand));
    args.push_back(bind(*e.pattern));
    if (e.escape) args.push_back(bind(*e.escape));
    for (auto& a : args) {
        if (a->type.id() == TypeId::kNull) a = make_cast(std::move(a), Type::varchar());
    }
    BoundExprPtr call;
    try {
        call = make_function_call(e.case_insensitive ? "ilike" : "like", std::move(args), &binder_.session_.function_context);
    } catch (Error& error) {
        if (error.position().line == 0) error.set_position(e.position);
        throw;
    }
    return e.negated ? make_not(std::move(call)) : std::move(call);
}

BoundExprPtr ExpressionBinder::bind_case(const ast::CaseExpr& e) {
    const FunctionContext* ctx = &binder_.session_.function_context;
    std::vector<BoundExprPtr> conditions, results;
    BoundExprPtr operand = e.operand ? bind(*e.operand) : nullptr;
    for (const auto& when : e.whens) {
        if (operand) {
            conditions.push_back(make_comparison("$eq", operand->clone(), bind(*when.condition), ctx));
        } else {
            conditions.push_back(bind_boolean(*when.condition));
        }
        results.push_back(bind(*when.result));
    }
    BoundExprPtr else_result = e.else_result ? bind(*e.else_result) : nullptr;
    Type type = Type::null();
    auto unify = [&](const Type& t) {
        auto common = common_super_type(type, t);
        if (!common) {
            fail_at(ErrorCode::kDatatypeMismatch, e.position,
                    fmt::format("CASE branches have incompatible types {} and {}", type.to_string(), t.to_string()));
        }
        type = *common;
    };
    for (const auto& r : results) unify(r->type);
    if (else_result) unify(else_result->type);
    auto out = BoundExpr::make(BoundExprKind::kCase, type, {});
    for (size_t i = 0; i < results.size(); ++i) {
        out->children.push_back(make_cast(std::move(conditions[i]), Type::boolean()));
        out->children.push_back(make_cast(std::move(results[i]), type));
    }
    if (else_result) {
        out->children.push_back(make_cast(std::move(else_result), type));
        out->has_else = true;
    }
    return out;
}

BoundExprPtr ExpressionBinder::bind_in_list(const ast::InListExpr& e) {
    const FunctionContext* ctx = &binder_.session_.function_context;
    BoundExprPtr operand = bind(*e.operand);
    std::vector<BoundExprPtr> items;
    for (const auto& item : e.list) {
        BoundExprPtr b = bind(*item);
        if (b->kind == BoundExprKind::kConstant && b->type.is_string() && operand->type.is_temporal()) {
            b = make_cast(std::move(b), operand->type);
        }
        items.push_back(std::move(b));
    }
    Type type = operand->type;
    for (const auto& item : items) {
        auto common = common_super_type(type, item->type);
        if (!common) {
            fail_at(ErrorCode::kDatatypeMismatch, item->type.id() == TypeId::kNull ? e.position : e.position,
                    fmt::format("IN list value of type {} does not match {}", item->type.to_string(), type.to_string()));
        }
        type = *common;
    }
    if (type.id() == TypeId::kNull) type = Type::boolean();
    auto out = BoundExpr::make(BoundExprKind::kInList, Type::boolean(), {});
    out->children.push_back(make_cast(std::move(operand), type));
    for (auto& item : items) out->children.push_back(make_cast(std::move(item), type));
    out->negated = e.negated;
    out->function = std::make_shared<BoundScalarFunction>(
        FunctionRegistry::instance().bind_scalar("$eq", {type, type}, {std::nullopt, std::nullopt}));
    return fold_constant(std::move(out), ctx);
}

BoundExprPtr ExpressionBinder::bind(const ast::Expr& expr) {
    const FunctionContext* ctx = &binder_.session_.function_context;
    switch (expr.kind) {
        case ast::ExprKind::kLiteral: return bind_literal(static_cast<const ast::LiteralExpr&>(expr));
        case ast::ExprKind::kColumnRef: return bind_column(static_cast<const ast::ColumnRefExpr&>(expr));
        case ast::ExprKind::kStar: fail_at(ErrorCode::kSyntax, expr.position, "* is not allowed here");
        case ast::ExprKind::kUnary: {
            const auto& e = static_cast<const ast::UnaryExpr&>(expr);
            if (e.op == ast::UnaryOp::kNot) return make_not(bind_boolean(*e.operand));
            BoundExprPtr operand = bind(*e.operand);
            if (e.op == ast::UnaryOp::kPlus) return operand;
            std::vector<BoundExprPtr> args;
            args.push_back(std::move(operand));
            try {
                return make_function_call("$negate", std::move(args), ctx);
            } catch (Error& error) {
                if (error.position().line == 0) error.set_position(e.position);
                throw;
            }
        }
        case ast::ExprKind::kBinary: return bind_binary(static_cast<const ast::BinaryExpr&>(expr));
        case ast::ExprKind::kFunction: return bind_function(static_cast<const ast::FunctionExpr&>(expr));
        case ast::ExprKind::kCast: {
            const auto& e = static_cast<const ast::CastExpr&>(expr);
            BoundExprPtr operand = bind(*e.operand);
            Type type;
            try {
                type = parse_type(e.type_name);
                return make_cast(std::move(operand), type, e.is_try);
            } catch (Error& error) {
                if (error.position().line == 0) error.set_position(e.position);
                throw;
            }
        }
        case ast::ExprKind::kCase: return bind_case(static_cast<const ast::CaseExpr&>(expr));
        case ast::ExprKind::kBetween: {
            const auto& e = static_cast<const ast::BetweenExpr&>(expr);
            BoundExprPtr operand = bind(*e.operand);
            BoundExprPtr low = make_comparison("$ge", operand->clone(), bind(*e.low), ctx);
            BoundExprPtr high = make_comparison("$le", std::move(operand), bind(*e.high), ctx);
            std::vector<BoundExprPtr> parts;
            parts.push_back(std::move(low));
            parts.push_back(std::move(high));
            BoundExprPtr both = fold_constant(BoundExpr::make(BoundExprKind::kAnd, Type::boolean(), std::move(parts)), ctx);
            return e.negated ? make_not(std::move(both)) : std::move(both);
        }
        case ast::ExprKind::kInList: return bind_in_list(static_cast<const ast::InListExpr&>(expr));
        case ast::ExprKind::kInSubquery: {
            const auto& e = static_cast<const ast::InSubqueryExpr&>(expr);
            BoundExprPtr placeholder = bind_subquery(*e.query, PendingSubquery::Kind::kIn, bind(*e.operand), e.position);
            return e.negated ? make_not(std::move(placeholder)) : std::move(placeholder);
        }
        case ast::ExprKind::kExists: {
            const auto& e = static_cast<const ast::ExistsExpr&>(expr);
            BoundExprPtr placeholder = bind_subquery(*e.query, PendingSubquery::Kind::kExists, nullptr, e.position);
            return e.negated ? make_not(std::move(placeholder)) : std::move(placeholder);
        }
        case ast::ExprKind::kScalarSubquery: {
            const auto& e = static_cast<const ast::ScalarSubqueryExpr&>(expr);
            return bind_subquery(*e.query, PendingSubquery::Kind::kScalar, nullptr, e.position);
        }
        case ast::ExprKind::kIsNull: {
            const auto& e = static_cast<const ast::IsNullExpr&>(expr);
            BoundExprPtr operand = bind(*e.operand);
            auto out = BoundExpr::make(BoundExprKind::kIsNull, Type::boolean(), {});
            out->children.push_back(std::move(operand));
            out->negated = e.negated;
            return fold_constant(std::move(out), ctx);
        }
        case ast::ExprKind::kIsDistinctFrom: {
            const auto& e = static_cast<const ast::IsDistinctFromExpr&>(expr);
            BoundExprPtr left = bind(*e.left), right = bind(*e.right);
            auto common = common_super_type(left->type, right->type);
            if (!common) {
                fail_at(ErrorCode::kDatatypeMismatch, e.position,
                        fmt::format("cannot compare {} with {}", left->type.to_string(), right->type.to_string()));
            }
            Type type = common->id() == TypeId::kNull ? Type::boolean() : *common;
            auto out = BoundExpr::make(BoundExprKind::kIsDistinct, Type::boolean(), {});
            out->children.push_back(make_cast(std::move(left), type));
            out->children.push_back(make_cast(std::move(right), type));
            out->negated = e.negated;
            out->function = std::make_shared<BoundScalarFunction>(
                FunctionRegistry::instance().bind_scalar("$eq", {type, type}, {std::nullopt, std::nullopt}));
            return fold_constant(std::move(out), ctx);
        }
        case ast::ExprKind::kLike: return bind_like(static_cast<const ast::LikeExpr&>(expr));
        case ast::ExprKind::kArray: {
            const auto& e = static_cast<const ast::ArrayExpr&>(expr);
            std::vector<Value> values;
            Type element = Type::null();
            std::vector<BoundExprPtr> items;
            for (const auto& item : e.elements) {
                items.push_back(bind(*item));
                auto common = common_super_type(element, items.back()->type);
                if (!common) fail_at(ErrorCode::kDatatypeMismatch, item->position, "ARRAY elements have incompatible types");
                element = *common;
            }
            for (auto& item : items) {
                item = make_cast(std::move(item), element);
                if (!item->is_constant()) fail_at(ErrorCode::kNotSupported, e.position, "ARRAY[...] with non-constant elements is not supported yet");
                values.push_back(item->constant);
            }
            return BoundExpr::constant_value(Value::nested(Type::array(element), std::move(values)));
        }
        case ast::ExprKind::kSubscript: {
            const auto& e = static_cast<const ast::SubscriptExpr&>(expr);
            std::vector<BoundExprPtr> args;
            args.push_back(bind(*e.base));
            if (args[0]->type.id() == TypeId::kRow && e.index->kind == ast::ExprKind::kLiteral) {
                // (expr).field arrives as expr['field']; row[1] is the first field (1-based).
                const auto& literal = static_cast<const ast::LiteralExpr&>(*e.index);
                ast::Identifier field;
                field.name = literal.text;
                if (literal.literal_kind == ast::LiteralKind::kInteger) {
                    size_t index = std::strtoull(literal.text.c_str(), nullptr, 10);
                    if (index < 1 || index > args[0]->type.children().size()) {
                        fail_at(ErrorCode::kInvalidParameter, e.position,
                                fmt::format("ROW index {} is out of range 1..{}", literal.text, args[0]->type.children().size()));
                    }
                    field.name = args[0]->type.field_names()[index - 1];
                    field.quoted = true;
                }
                if (literal.literal_kind == ast::LiteralKind::kString || literal.literal_kind == ast::LiteralKind::kInteger) {
                    return fold_constant(make_field_access(std::move(args[0]), field, e.position), ctx);
                }
            }
            args.push_back(bind(*e.index));
            try {
                return make_function_call("$subscript", std::move(args), ctx);
            } catch (Error& error) {
                if (error.position().line == 0) error.set_position(e.position);
                throw;
            }
        }
        case ast::ExprKind::kQuantifiedComparison:
            return bind_quantified(static_cast<const ast::QuantifiedComparisonExpr&>(expr));
        case ast::ExprKind::kRowConstructor: {
            const auto& e = static_cast<const ast::RowConstructorExpr&>(expr);
            std::vector<BoundExprPtr> fields;
            for (const auto& field : e.fields) fields.push_back(bind(*field));
            return make_row_constructor(std::move(fields), ctx);
        }
        case ast::ExprKind::kLambda:
            fail_at(ErrorCode::kSyntax, expr.position, "a lambda expression is only allowed as an argument of an array function");
    }
    fail_at(ErrorCode::kInternal, expr.position, "unknown expression");
}

BoundExprPtr ExpressionBinder::bind_function(const ast::FunctionExpr& e) {
    const FunctionContext* ctx = &binder_.session_.function_context;
    std::string name = e.name.parts.empty() ? "" : to_lower(e.name.parts.back().name);
    if (e.name.parts.size() == 1 && e.name.parts[0].quoted) name = e.name.parts[0].name;
    const auto& registry = FunctionRegistry::instance();
    if (e.over) return bind_window(e);
    for (const auto& a : e.args) {
        if (a->kind == ast::ExprKind::kLambda) return bind_lambda_call(e, name);
    }
    if (registry.has_aggregate(name)) return bind_aggregate(e);
    if (registry.is_window_function(name)) {
        fail_at(ErrorCode::kSyntax, e.position, fmt::format("window function {} requires an OVER clause", name));
    }
    if (e.distinct || e.filter || e.is_star) {
        fail_at(ErrorCode::kSyntax, e.position, fmt::format("{} is not an aggregate function", name));
    }
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args) args.push_back(bind(*a));
    // NULL-typed arguments: let binders see them as-is; most accept via coercion.
    try {
        return make_function_call(name, std::move(args), ctx);
    } catch (Error& error) {
        if (error.position().line == 0) error.set_position(e.position);
        throw;
    }
}

BoundExprPtr ExpressionBinder::bind_aggregate(const ast::FunctionExpr& e) {
    std::string name = to_lower(e.name.parts.back().name);
    if (!aggregates) {
        fail_at(ErrorCode::kGrouping, e.position, fmt::format("aggregate function {} is not allowed in {}", name, clause));
    }
    // Arguments are bound without aggregates allowed (no nesting).
    ExpressionBinder inner(binder_, scope_);
    inner.clause = "aggregate function arguments";
    inner.subqueries = subqueries;
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args) args.push_back(inner.bind(*a));
    std::vector<Type> types;
    ConstantArgs constants;
    for (auto& a : args) {
        if (a->type.id() == TypeId::kNull && name != "count") a = make_cast(std::move(a), Type::varchar());
        types.push_back(a->type);
        constants.push_back(a->is_constant() ? std::optional<Value>(a->constant) : std::nullopt);
    }
    BoundAggregateFunction bound;
    try {
        bound = FunctionRegistry::instance().bind_aggregate(name, types, constants, e.distinct);
    } catch (Error& error) {
        if (error.position().line == 0) error.set_position(e.position);
        throw;
    }
    AggregateCall call;
    for (size_t i = 0; i < args.size(); ++i) {
        const Type& want = i < bound.arg_types.size() ? bound.arg_types[i] : args[i]->type;
        call.args.push_back(make_cast(std::move(args[i]), want));
    }
    call.distinct = e.distinct;
    if (e.filter) call.filter = inner.bind_boolean(*e.filter);
    for (const auto& item : e.order_by) {
        SortKey key;
        key.expr = inner.bind(*item.expr);
        key.descending = item.descending;
        key.nulls_first = item.nulls_first.value_or(false);
        call.order_by.push_back(std::move(key));
    }
    call.name = name;
    Type result_type = bound.return_type;
    call.function = std::make_shared<BoundAggregateFunction>(std::move(bound));
    // Reuse an identical aggregate (sum(x) in SELECT and HAVING).
    for (const auto& existing : *aggregates) {
        if (existing.name != call.name || existing.distinct != call.distinct ||
            existing.args.size() != call.args.size() || !!existing.filter != !!call.filter ||
            !existing.order_by.empty() || !call.order_by.empty()) {
            continue;
        }
        bool same = existing.function->return_type == result_type;
        for (size_t i = 0; same && i < call.args.size(); ++i) same = existing.args[i]->equals(*call.args[i]);
        if (same && call.filter) same = existing.filter->equals(*call.filter);
        if (same) return BoundExpr::column(existing.output, result_type, existing.name);
    }
    call.output = binder_.next_column_id();
    std::string display = name + "(" + (e.distinct ? "DISTINCT " : "");
    for (size_t i = 0; i < call.args.size(); ++i) display += (i ? ", " : "") + call.args[i]->to_string();
    if (e.is_star) display += "*";
    display += ")";
    auto ref = BoundExpr::column(call.output, result_type, display);
    aggregates->push_back(std::move(call));
    return ref;
}

namespace {

// Checks a `RANGE n PRECEDING|FOLLOWING` offset against the (single) ORDER BY key and stores it in
// `range_offset`; returns 1 (the direction is applied by the caller).
int64_t bind_range_offset(const WindowCall& call, BoundExprPtr offset, Value& range_offset, SqlPosition position) {
    if (call.order_by.size() != 1) {
        fail_at(ErrorCode::kSyntax, position, "a RANGE frame with an offset requires exactly one ORDER BY key");
    }
    const Type& key = call.order_by[0].expr->type;
    if (!offset->is_constant() || offset->constant.is_null()) {
        fail_at(ErrorCode::kNotSupported, position, "window frame offsets must be constants");
    }
    if (key.is_numeric() && offset->type.is_numeric()) {
        Value as_double = cast_value(offset->constant, Type::double_());
        if (!(as_double.as_double() >= 0)) fail_at(ErrorCode::kInvalidParameter, position, "window frame offset must not be negative");
        range_offset = offset->constant;
        return 1;
    }
    if ((key.id() == TypeId::kDate || key.id() == TypeId::kTimestamp || key.id() == TypeId::kTimestampTz) &&
        offset->type.id() == TypeId::kInterval) {
        const Interval& iv = offset->constant.as_interval();
        if (iv.months < 0 || iv.days < 0 || iv.micros < 0) {
            fail_at(ErrorCode::kInvalidParameter, position, "window frame offset must not be negative");
        }
        range_offset = offset->constant;
        return 1;
    }
    fail_at(ErrorCode::kDatatypeMismatch, position,
            fmt::format("RANGE frame offset of type {} does not match the ORDER BY key of type {}",
                        offset->type.to_string(), key.to_string()));
}

}  // namespace

BoundExprPtr ExpressionBinder::bind_window(const ast::FunctionExpr& e) {
    std::string name = to_lower(e.name.parts.back().name);
    if (!windows) fail_at(ErrorCode::kSyntax, e.position, fmt::format("window function {} is not allowed in {}", name, clause));
    ExpressionBinder inner(binder_, scope_);
    inner.clause = "window function arguments";
    inner.aggregates = aggregates;  // rank() OVER (ORDER BY sum(x)) in an aggregate query
    inner.subqueries = subqueries;
    WindowCall call;
    call.name = name;
    call.ignore_nulls = e.ignore_nulls;
    for (const auto& a : e.args) call.args.push_back(inner.bind(*a));
    for (const auto& p : e.over->partition_by) call.partition_by.push_back(inner.bind(*p));
    for (const auto& item : e.over->order_by) {
        SortKey key;
        key.expr = inner.bind(*item.expr);
        key.descending = item.descending;
        key.nulls_first = item.nulls_first.value_or(false);
        call.order_by.push_back(std::move(key));
    }
    static const std::pair<const char*, WindowFunctionKind> kKinds[] = {
        {"row_number", WindowFunctionKind::kRowNumber}, {"rank", WindowFunctionKind::kRank},
        {"dense_rank", WindowFunctionKind::kDenseRank}, {"percent_rank", WindowFunctionKind::kPercentRank},
        {"cume_dist", WindowFunctionKind::kCumeDist}, {"ntile", WindowFunctionKind::kNtile},
        {"lag", WindowFunctionKind::kLag}, {"lead", WindowFunctionKind::kLead},
        {"first_value", WindowFunctionKind::kFirstValue}, {"last_value", WindowFunctionKind::kLastValue},
        {"nth_value", WindowFunctionKind::kNthValue}};
    bool found = false;
    for (const auto& [n, k] : kKinds) {
        if (name == n) {
            call.kind = k;
            found = true;
        }
    }
    if (!found) {
        std::vector<Type> types;
        ConstantArgs constants;
        for (auto& a : call.args) {
            types.push_back(a->type);
            constants.push_back(a->is_constant() ? std::optional<Value>(a->constant) : std::nullopt);
        }
        BoundAggregateFunction bound = FunctionRegistry::instance().bind_aggregate(name, types, constants, e.distinct);
        for (size_t i = 0; i < call.args.size(); ++i) call.args[i] = make_cast(std::move(call.args[i]), bound.arg_types[i]);
        call.type = bound.return_type;
        call.aggregate = std::make_shared<BoundAggregateFunction>(std::move(bound));
        call.kind = WindowFunctionKind::kAggregate;
    } else {
        switch (call.kind) {
            case WindowFunctionKind::kRowNumber:
            case WindowFunctionKind::kRank:
            case WindowFunctionKind::kDenseRank:
            case WindowFunctionKind::kNtile: call.type = Type::bigint(); break;
            case WindowFunctionKind::kPercentRank:
            case WindowFunctionKind::kCumeDist: call.type = Type::double_(); break;
            default:
                if (call.args.empty()) fail_at(ErrorCode::kSyntax, e.position, fmt::format("{} requires an argument", name));
                call.type = call.args[0]->type;
        }
        if (call.kind == WindowFunctionKind::kNtile &&
            (call.args.size() != 1 || !call.args[0]->is_constant() || !call.args[0]->type.is_integer())) {
            fail_at(ErrorCode::kSyntax, e.position, "ntile requires a constant integer argument");
        }
        if ((call.kind == WindowFunctionKind::kLag || call.kind == WindowFunctionKind::kLead) && call.args.size() > 1) {
            if (!call.args[1]->is_constant() || !call.args[1]->type.is_integer()) {
                fail_at(ErrorCode::kSyntax, e.position, fmt::format("{} offset must be a constant integer", name));
            }
            if (call.args.size() > 2) call.args[2] = make_cast(std::move(call.args[2]), call.type);
        }
    }
    // Frame.
    if (e.over->frame) {
        const auto& frame = *e.over->frame;
        call.frame.rows = frame.type == ast::FrameType::kRows;
        auto bound_offset = [&](const ast::FrameBound& b, bool& unbounded, Value& range_offset) -> std::optional<int64_t> {
            unbounded = false;
            switch (b.kind) {
                case ast::FrameBoundKind::kUnboundedPreceding:
                case ast::FrameBoundKind::kUnboundedFollowing: unbounded = true; return std::nullopt;
                case ast::FrameBoundKind::kCurrentRow: return 0;
                default: {
                    BoundExprPtr offset = inner.bind(*b.offset);
                    const int64_t sign = b.kind == ast::FrameBoundKind::kPreceding ? -1 : 1;
                    if (!call.frame.rows) return sign * bind_range_offset(call, std::move(offset), range_offset, e.position);
                    if (!offset->is_constant() || !offset->type.is_integer() || offset->constant.is_null() ||
                        offset->constant.as_int() < 0) {
                        fail_at(ErrorCode::kNotSupported, e.position, "window frame offsets must be non-negative integer constants");
                    }
                    return sign * offset->constant.as_int();
                }
            }
        };
        call.frame.start = bound_offset(frame.start, call.frame.start_unbounded, call.frame.start_range_offset);
        call.frame.end = bound_offset(frame.end, call.frame.end_unbounded, call.frame.end_range_offset);
        if (frame.start.kind == ast::FrameBoundKind::kUnboundedFollowing ||
            frame.end.kind == ast::FrameBoundKind::kUnboundedPreceding) {
            fail_at(ErrorCode::kSyntax, e.position, "invalid window frame");
        }
    } else if (call.order_by.empty()) {
        call.frame.start_unbounded = true;
        call.frame.end_unbounded = true;
        call.frame.end = std::nullopt;
    }
    call.output = binder_.next_column_id();
    auto ref = BoundExpr::column(call.output, call.type, name + "(...) OVER (...)");
    windows->push_back(std::move(call));
    return ref;
}

BoundExprPtr ExpressionBinder::bind_subquery(const ast::Query& query, PendingSubquery::Kind kind, BoundExprPtr operand,
                                             SqlPosition position) {
    if (!subqueries) fail_at(ErrorCode::kNotSupported, position, fmt::format("subqueries are not allowed in {}", clause));
    BoundQuery bound = binder_.bind_query_in(query, &scope_);
    PendingSubquery pending;
    pending.kind = kind;
    if (kind != PendingSubquery::Kind::kExists) {
        if (bound.plan->outputs.size() != 1) {
            fail_at(ErrorCode::kSyntax, position,
                    fmt::format("subquery must return exactly one column, not {}", bound.plan->outputs.size()));
        }
    }
    Type result_type = Type::boolean();
    if (kind == PendingSubquery::Kind::kIn) {
        Type inner = bound.plan->outputs[0].type;
        auto common = common_super_type(operand->type, inner);
        if (!common) {
            fail_at(ErrorCode::kDatatypeMismatch, position,
                    fmt::format("IN subquery type {} does not match {}", inner.to_string(), operand->type.to_string()));
        }
        pending.value_type = *common;
        pending.operand = make_cast(std::move(operand), *common);
    } else if (kind == PendingSubquery::Kind::kScalar) {
        result_type = bound.plan->outputs[0].type;
        pending.value_type = result_type;
    }
    pending.plan = std::move(bound.plan);
    pending.result = binder_.next_column_id();
    auto ref = BoundExpr::column(pending.result, result_type, kind == PendingSubquery::Kind::kScalar ? "(subquery)" : "(exists)");
    subqueries->push_back(std::move(pending));
    return ref;
}

}  // namespace fedq

namespace fedq {

// x op ALL|ANY (subquery) for op in < <= > >= = <> (= ANY and <> ALL arrive as [NOT] IN). The subquery
// is reduced to one row (min, max, count(*), count(value)) -- a scalar subquery returning a ROW, so
// correlated forms decorrelate like any global aggregate (with count() defaulting to 0) -- and the
// result follows SQL's three-valued rules:
//   x > ALL S:  TRUE if S is empty; NULL if x is NULL; FALSE if x <= max(S); NULL if S has a NULL; TRUE.
//   x > ANY S:  FALSE if S is empty; NULL if x is NULL; TRUE if x > min(S); NULL if S has a NULL; FALSE.
// (< and <= mirror with min/max swapped; = ALL is "min = x AND max = x", <> ANY its negation.)
BoundExprPtr ExpressionBinder::bind_quantified(const ast::QuantifiedComparisonExpr& e) {
    const FunctionContext* ctx = &binder_.session_.function_context;
    if (!subqueries) fail_at(ErrorCode::kNotSupported, e.position, fmt::format("subqueries are not allowed in {}", clause));
    BoundExprPtr operand = bind(*e.operand);
    BoundQuery bound = binder_.bind_query_in(*e.query, &scope_);
    if (bound.plan->outputs.size() != 1) {
        fail_at(ErrorCode::kSyntax, e.position,
                fmt::format("subquery must return exactly one column, not {}", bound.plan->outputs.size()));
    }
    const OutputColumn value = bound.plan->outputs[0];
    auto common = common_super_type(operand->type, value.type);
    if (!common) {
        fail_at(ErrorCode::kDatatypeMismatch, e.position,
                fmt::format("cannot compare {} with {}", operand->type.to_string(), value.type.to_string()));
    }
    Type type = common->id() == TypeId::kNull ? Type::boolean() : *common;
    operand = make_cast(std::move(operand), type);

    // Aggregate(min, max, count(*), count(value)) -> Project(ROW(...)).
    auto aggregate = std::make_unique<LogicalNode>(LogicalKind::kAggregate);
    auto add_aggregate = [&](const std::string& name, bool with_argument) -> BoundExprPtr {
        AggregateCall call;
        std::vector<Type> types;
        if (with_argument) {
            call.args.push_back(make_cast(BoundExpr::column(value.id, value.type, value.name), type));
            types.push_back(type);
        }
        BoundAggregateFunction function = FunctionRegistry::instance().bind_aggregate(
            name, types, ConstantArgs(types.size()), false);
        for (size_t i = 0; i < call.args.size(); ++i) call.args[i] = make_cast(std::move(call.args[i]), function.arg_types[i]);
        Type result = function.return_type;
        call.function = std::make_shared<BoundAggregateFunction>(std::move(function));
        call.name = name;
        call.output = binder_.next_column_id();
        aggregate->outputs.push_back({call.output, name, result});
        auto ref = BoundExpr::column(call.output, result, name);
        aggregate->aggregates.push_back(std::move(call));
        return ref;
    };
    std::vector<BoundExprPtr> fields;
    fields.push_back(add_aggregate("min", true));
    fields.push_back(add_aggregate("max", true));
    fields.push_back(add_aggregate("count", false));
    fields.push_back(add_aggregate("count", true));
    aggregate->children.push_back(std::move(bound.plan));
    BoundExprPtr row = make_row_constructor(std::move(fields), ctx);
    auto project = std::make_unique<LogicalNode>(LogicalKind::kProject);
    const Type row_type = row->type;
    project->outputs.push_back({binder_.next_column_id(), "(quantified)", row_type});
    project->expressions.push_back(std::move(row));
    project->children.push_back(std::move(aggregate));

    PendingSubquery pending;
    pending.kind = PendingSubquery::Kind::kScalar;
    pending.value_type = row_type;
    pending.plan = std::move(project);
    pending.result = binder_.next_column_id();
    const ColumnId result = pending.result;
    subqueries->push_back(std::move(pending));

    auto field = [&](size_t index) {
        ast::Identifier name;
        name.name = row_type.field_names()[index];
        name.quoted = true;
        return make_field_access(BoundExpr::column(result, row_type, "(subquery)"), name, e.position);
    };
    auto compare = [&](const char* op, BoundExprPtr left, BoundExprPtr right) {
        return make_comparison(op, std::move(left), std::move(right), ctx);
    };
    const char* op = nullptr;
    bool use_max = false;  // which aggregate decides
    switch (e.op) {
        case ast::BinaryOp::kLess: op = "$lt"; use_max = !e.all; break;
        case ast::BinaryOp::kLessEqual: op = "$le"; use_max = !e.all; break;
        case ast::BinaryOp::kGreater: op = "$gt"; use_max = e.all; break;
        case ast::BinaryOp::kGreaterEqual: op = "$ge"; use_max = e.all; break;
        case ast::BinaryOp::kEqual:
        case ast::BinaryOp::kNotEqual: break;
        default: fail_at(ErrorCode::kSyntax, e.position, "ANY/ALL requires a comparison operator");
    }
    // `decides`: the condition under which a non-NULL element settles the answer (ALL: to FALSE, ANY:
    // to TRUE).
    BoundExprPtr decides;
    if (op) {
        decides = compare(op, operand->clone(), field(use_max ? 1 : 0));
        if (e.all) decides = make_not(std::move(decides));
    } else {
        std::vector<BoundExprPtr> parts;
        parts.push_back(compare("$ne", operand->clone(), field(0)));
        parts.push_back(compare("$ne", operand->clone(), field(1)));
        decides = BoundExpr::make(BoundExprKind::kOr, Type::boolean(), std::move(parts));
    }
    const bool if_empty = e.all;
    auto out = BoundExpr::make(BoundExprKind::kCase, Type::boolean(), {});
    out->children.push_back(compare("$eq", field(2), BoundExpr::constant_value(Value::bigint(0))));
    out->children.push_back(BoundExpr::constant_value(Value::boolean(if_empty)));
    auto is_null = BoundExpr::make(BoundExprKind::kIsNull, Type::boolean(), {});
    is_null->children.push_back(operand->clone());
    out->children.push_back(std::move(is_null));
    out->children.push_back(BoundExpr::constant_value(Value::null(Type::boolean())));
    out->children.push_back(make_cast(std::move(decides), Type::boolean()));
    out->children.push_back(BoundExpr::constant_value(Value::boolean(!e.all)));
    out->children.push_back(compare("$lt", field(3), field(2)));
    out->children.push_back(BoundExpr::constant_value(Value::null(Type::boolean())));
    out->children.push_back(BoundExpr::constant_value(Value::boolean(e.all)));
    out->has_else = true;
    return out;
}

}  // namespace fedq

namespace fedq {

BoundExprPtr ExpressionBinder::bind_lambda_parameter(const ast::ColumnRefExpr& e) {
    const auto& parts = e.name.parts;
    for (auto it = lambda_parameters_.rbegin(); it != lambda_parameters_.rend(); ++it) {
        if (!name_matches(it->name, parts[0])) continue;
        auto parameter = BoundExpr::make(BoundExprKind::kLambdaParameter, it->type, {});
        parameter->lambda_slot = it->slot;
        parameter->name = it->name;
        for (size_t i = 1; i < parts.size(); ++i) parameter = make_field_access(std::move(parameter), parts[i], e.position);
        return parameter;
    }
    return nullptr;
}

BoundExprPtr ExpressionBinder::bind_lambda(const ast::Expr& expr, const std::vector<Type>& parameter_types) {
    if (expr.kind != ast::ExprKind::kLambda) {
        fail_at(ErrorCode::kDatatypeMismatch, expr.position, "expected a lambda expression here");
    }
    const auto& lambda = static_cast<const ast::LambdaExpr&>(expr);
    if (lambda.parameters.size() != parameter_types.size()) {
        fail_at(ErrorCode::kDatatypeMismatch, expr.position,
                fmt::format("expected a lambda with {} parameter(s), not {}", parameter_types.size(), lambda.parameters.size()));
    }
    ExpressionBinder body(binder_, scope_);
    body.clause = "a lambda expression";
    body.lambda_parameters_ = lambda_parameters_;
    const int first_slot = static_cast<int>(lambda_parameters_.size());
    std::string names;
    for (size_t i = 0; i < parameter_types.size(); ++i) {
        body.lambda_parameters_.push_back({lambda.parameters[i].name, parameter_types[i], first_slot + static_cast<int>(i)});
        names += (i ? ", " : "") + lambda.parameters[i].name;
    }
    BoundExprPtr bound = body.bind(*lambda.body);
    auto out = BoundExpr::make(BoundExprKind::kLambda, bound->type, {});
    out->lambda_slot = first_slot;
    out->name = "(" + names + ")";
    out->children.push_back(std::move(bound));
    return out;
}

namespace {

// The lambda's body cast to `type` (the kLambda node takes the new type).
void cast_lambda(BoundExpr& lambda, const Type& type) {
    lambda.children[0] = make_cast(std::move(lambda.children[0]), type);
    lambda.type = type;
}

}  // namespace

BoundExprPtr ExpressionBinder::bind_lambda_call(const ast::FunctionExpr& e, const std::string& name) {
    struct Shape {
        const char* name;
        size_t arrays;       // leading ARRAY arguments
        size_t values;       // then plain value arguments (reduce's initial state)
        size_t lambdas;
    };
    static const Shape kShapes[] = {{"transform", 1, 0, 1}, {"filter", 1, 0, 1},    {"any_match", 1, 0, 1},
                                    {"all_match", 1, 0, 1}, {"none_match", 1, 0, 1}, {"reduce", 1, 1, 2},
                                    {"zip_with", 2, 0, 1}};
    const Shape* shape = nullptr;
    for (const auto& s : kShapes) {
        if (name == s.name) shape = &s;
    }
    if (!shape) fail_at(ErrorCode::kUndefinedFunction, e.position, fmt::format("function {} does not take a lambda argument", name));
    if (e.distinct || e.filter || e.is_star) fail_at(ErrorCode::kSyntax, e.position, fmt::format("{} is not an aggregate function", name));
    if (e.args.size() != shape->arrays + shape->values + shape->lambdas) {
        fail_at(ErrorCode::kDatatypeMismatch, e.position,
                fmt::format("{} expects {} arguments, not {}", name, shape->arrays + shape->values + shape->lambdas, e.args.size()));
    }
    auto call = BoundExpr::make(BoundExprKind::kLambdaCall, Type::null(), {});
    call->name = name;
    std::vector<Type> elements;
    for (size_t i = 0; i < shape->arrays; ++i) {
        BoundExprPtr array = bind(*e.args[i]);
        if (array->type.id() == TypeId::kNull) array = make_cast(std::move(array), Type::array(Type::null()));
        if (array->type.id() != TypeId::kArray) {
            fail_at(ErrorCode::kDatatypeMismatch, e.args[i]->position,
                    fmt::format("{} expects an ARRAY argument, not {}", name, array->type.to_string()));
        }
        elements.push_back(array->type.element());  // UNKNOWN for ARRAY[]: coerces to whatever the body needs
        call->children.push_back(std::move(array));
    }
    const size_t first_lambda = shape->arrays + shape->values;
    auto require_boolean_body = [&](BoundExpr& lambda, const ast::Expr& at) {
        if (lambda.type.id() != TypeId::kBoolean && lambda.type.id() != TypeId::kNull) {
            fail_at(ErrorCode::kDatatypeMismatch, at.position,
                    fmt::format("{} expects a lambda returning BOOLEAN, not {}", name, lambda.type.to_string()));
        }
        cast_lambda(lambda, Type::boolean());
    };
    if (name == "reduce") {
        // The state type: the initial value's type, widened once if the combining lambda returns a
        // wider type (reduce(bigints, 0, (s, x) -> s + x, ...)).
        BoundExprPtr initial = bind(*e.args[1]);
        Type state = initial->type.id() == TypeId::kNull ? elements[0] : initial->type;
        BoundExprPtr combine = bind_lambda(*e.args[first_lambda], {state, elements[0]});
        if (combine->type != state) {
            auto common = common_super_type(state, combine->type);
            if (!common) {
                fail_at(ErrorCode::kDatatypeMismatch, e.args[first_lambda]->position,
                        fmt::format("reduce: the lambda returns {} for a state of type {}", combine->type.to_string(), state.to_string()));
            }
            state = *common;
            combine = bind_lambda(*e.args[first_lambda], {state, elements[0]});
            if (!can_cast(combine->type, state)) {
                fail_at(ErrorCode::kDatatypeMismatch, e.args[first_lambda]->position,
                        fmt::format("reduce: the lambda returns {} for a state of type {}", combine->type.to_string(), state.to_string()));
            }
        }
        cast_lambda(*combine, state);
        BoundExprPtr output = bind_lambda(*e.args[first_lambda + 1], {state});
        if (output->type.id() == TypeId::kNull) cast_lambda(*output, state);
        call->type = output->type;
        call->children.push_back(make_cast(std::move(initial), state));
        call->children.push_back(std::move(combine));
        call->children.push_back(std::move(output));
        return call;
    }
    BoundExprPtr lambda = bind_lambda(*e.args[first_lambda], elements);
    if (name == "transform" || name == "zip_with") {
        if (lambda->type.id() == TypeId::kNull) cast_lambda(*lambda, Type::boolean());
        call->type = Type::array(lambda->type);
    } else if (name == "filter") {
        require_boolean_body(*lambda, *e.args[first_lambda]);
        call->type = call->children[0]->type;
    } else {
        require_boolean_body(*lambda, *e.args[first_lambda]);
        call->type = Type::boolean();
    }
    call->children.push_back(std::move(lambda));
    return call;
}

}  // namespace fedq
