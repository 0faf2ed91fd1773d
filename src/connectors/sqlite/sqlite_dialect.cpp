#include "connectors/sqlite/sqlite_dialect.h"

#include <cmath>

#include <fmt/format.h>

#include "types/decimal.h"

namespace fedq {

namespace {

// The largest DECIMAL precision whose values SQLite stores as REAL without loss (it keeps text otherwise,
// and text compares greater than every number).
constexpr int kExactDecimalDigits = 15;

bool is_constant(const ConnectorExpr& e) { return e.kind == ConnectorExprKind::kConstant; }

bool is_comparison_name(const std::string& f) {
    return f == "$eq" || f == "$ne" || f == "$lt" || f == "$le" || f == "$gt" || f == "$ge" || f == "$in" ||
           f == "$is_distinct" || f == "$is_not_distinct";
}

}  // namespace

std::optional<std::string> like_to_glob(std::string_view pattern, std::optional<char> escape) {
    std::string out;
    out.reserve(pattern.size() + 8);
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (escape && c == *escape) {
            if (i + 1 >= pattern.size()) return std::nullopt;
            c = pattern[++i];
            if (c == '*' || c == '?' || c == '[') out += std::string("[") + c + "]";
            else out += c;
            continue;
        }
        switch (c) {
            case '%': out += '*'; break;
            case '_': out += '?'; break;
            case '*': out += "[*]"; break;
            case '?': out += "[?]"; break;
            case '[': out += "[[]"; break;
            default: out += c;
        }
    }
    return out;
}

std::optional<std::string> SqliteDialect::literal(const Value& value) const {
    if (value.is_null()) return std::nullopt;
    switch (value.type().id()) {
        case TypeId::kBoolean: return value.as_bool() ? "1" : "0";
        case TypeId::kReal:
        case TypeId::kDouble: {
            double d = value.as_double();
            if (!std::isfinite(d)) return std::nullopt;
            std::string text = fmt::format("{:.17g}", d);
            // Keep it a REAL literal: "1" would be an INTEGER (the same in comparisons, not in arithmetic).
            if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
            return text;
        }
        case TypeId::kDecimal:
            if (value.type().precision() > kExactDecimalDigits) return std::nullopt;
            return format_decimal(value.as_decimal(), value.type().scale());
        case TypeId::kVarchar: {
            const std::string& s = value.as_string();
            if (s.find('\0') != std::string::npos) return std::nullopt;  // SQLite text stops at NUL
            return quote_string(s);
        }
        case TypeId::kVarbinary: {
            const std::string& s = value.as_string();
            std::string out = "X'";
            static const char* digits = "0123456789ABCDEF";
            for (unsigned char c : s) {
                out += digits[c >> 4];
                out += digits[c & 15];
            }
            return out + "'";
        }
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return std::nullopt;  // stored as text in varying formats
        default: return SqlDialect::literal(value);
    }
}

bool SqliteDialect::comparable(const Type& type) const {
    switch (type.id()) {
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kReal:
        case TypeId::kDouble:
        case TypeId::kVarchar: return true;
        case TypeId::kDecimal: return type.precision() <= kExactDecimalDigits;
        default: return false;
    }
}

std::optional<std::string> SqliteDialect::call(const ConnectorExpr& call, const std::vector<std::string>& args) const {
    const std::string& f = call.name;
    if (is_comparison_name(f) || f == "$and" || f == "$or" || f == "$not" || f == "$is_null" ||
        f == "$is_not_null") {
        return SqlDialect::call(call, args);
    }
    const Type& result = call.type;
    if ((f == "$add" || f == "$sub" || f == "$mul") && args.size() == 2) {
        if (result.id() != TypeId::kDouble || call.args[0].type != result || call.args[1].type != result) {
            return std::nullopt;
        }
        const char* op = f == "$add" ? " + " : f == "$sub" ? " - " : " * ";
        return "(" + args[0] + op + args[1] + ")";
    }
    if (f == "$neg" && args.size() == 1) {
        if (result.id() != TypeId::kDouble || call.args[0].type != result) return std::nullopt;
        return "(- " + args[0] + ")";
    }
    if ((f == "$div" || f == "$mod") && args.size() == 2) {
        const ConnectorExpr& divisor = call.args[1];
        if (result.id() != TypeId::kBigInt || call.args[0].type != result || divisor.type != result) return std::nullopt;
        if (!is_constant(divisor) || divisor.value.is_null()) return std::nullopt;
        int64_t d = divisor.value.as_int();
        if (d == 0 || d == -1) return std::nullopt;
        return "(" + args[0] + (f == "$div" ? " / " : " % ") + args[1] + ")";
    }
    if (f == "$cast" && args.size() == 1) {
        const Type& from = call.args[0].type;
        if (from == result) return args[0];
        if (from.is_integer() && result.id() == TypeId::kDouble) return "CAST(" + args[0] + " AS REAL)";
        if (from.is_integer() && result.id() == TypeId::kBigInt) return args[0];
        // Widening a DECIMAL at the same scale changes nothing in SQLite (the stored value is used as is).
        if (from.id() == TypeId::kDecimal && result.id() == TypeId::kDecimal && from.scale() == result.scale() &&
            from.precision() <= result.precision()) {
            return args[0];
        }
        return std::nullopt;
    }
    if (f == "$like" && (args.size() == 2 || args.size() == 3)) {
        if (call.args[0].type.id() != TypeId::kVarchar || !is_constant(call.args[1]) || call.args[1].value.is_null()) {
            return std::nullopt;
        }
        std::optional<char> escape;
        if (args.size() == 3) {
            if (!is_constant(call.args[2]) || call.args[2].value.is_null()) return std::nullopt;
            const std::string& e = call.args[2].value.as_string();
            if (e.size() != 1) return std::nullopt;
            escape = e[0];
        }
        auto glob = like_to_glob(call.args[1].value.as_string(), escape);
        if (!glob) return std::nullopt;
        auto pattern = literal(Value::varchar(*glob));
        if (!pattern) return std::nullopt;
        return "(" + args[0] + " GLOB " + *pattern + ")";
    }
    if (f == "$concat" && args.size() >= 2) {
        if (result.id() != TypeId::kVarchar) return std::nullopt;
        std::string out = "(";
        for (size_t i = 0; i < args.size(); ++i) {
            if (call.args[i].type.id() != TypeId::kVarchar) return std::nullopt;
            out += (i ? " || " : "") + args[i];
        }
        return out + ")";
    }
    if (f == "abs" && args.size() == 1) {
        // abs(-9223372036854775808) is an "integer overflow" error in SQLite, as in the engine.
        if ((result.id() != TypeId::kBigInt && result.id() != TypeId::kDouble) || call.args[0].type != result) {
            return std::nullopt;
        }
        return "abs(" + args[0] + ")";
    }
    if (f == "coalesce" && !args.empty()) {
        for (const auto& a : call.args) {
            if (a.type != result) return std::nullopt;
        }
        if (result.id() != TypeId::kBigInt && result.id() != TypeId::kDouble && result.id() != TypeId::kVarchar) {
            return std::nullopt;
        }
        if (args.size() == 1) return args[0];
        std::string out = "coalesce(";
        for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
        return out + ")";
    }
    return std::nullopt;
}

std::optional<std::string> SqliteDialect::aggregate(const PushedAggregate& aggregate,
                                                    const std::vector<std::string>& args) const {
    const std::string& f = aggregate.function;
    if (f == "sum" || f == "avg") {
        if (args.size() != 1) return std::nullopt;
        const Type& t = aggregate.args[0].type;
        if (t.id() != TypeId::kBigInt && t.id() != TypeId::kDouble) return std::nullopt;
        if (f == "sum" && aggregate.type != t) return std::nullopt;
        if (f == "avg" && aggregate.type.id() != TypeId::kDouble) return std::nullopt;
        if (aggregate.distinct && !comparable(t)) return std::nullopt;
        return f + "(" + (aggregate.distinct ? "DISTINCT " : "") + args[0] + ")";
    }
    if ((f == "min" || f == "max") && aggregate.distinct) {
        PushedAggregate plain = aggregate;
        plain.distinct = false;
        return SqlDialect::aggregate(plain, args);
    }
    return SqlDialect::aggregate(aggregate, args);
}

std::optional<std::string> SqliteDialect::order_item(const std::string& sql, const Type& type, bool descending,
                                                     bool nulls_first) const {
    // NULLS FIRST / LAST exist since SQLite 3.30.
    return SqlDialect::order_item(sql, type, descending, nulls_first);
}

}  // namespace fedq
