#include "connectors/mysql/mysql_dialect.h"

#include <cmath>

#include <fmt/format.h>

#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

bool is_text(const Type& t) { return t.id() == TypeId::kVarchar || t.id() == TypeId::kJson; }

// A string operand compared byte-wise: literals already are (BINARY 'x'); anything else gets BINARY.
std::string binary_operand(const ConnectorExpr& expr, const std::string& sql) {
    if (expr.kind == ConnectorExprKind::kConstant) return sql;
    return "BINARY " + sql;
}

bool nonzero_small_constant(const ConnectorExpr& e) {
    if (e.kind != ConnectorExprKind::kConstant || e.value.is_null() || !e.type.is_integer()) return false;
    int64_t v = e.value.as_int();
    return v != 0 && v != -1;
}

}  // namespace

std::string MySqlDialect::column_reference(std::string_view name, const Type& type) const {
    std::string column = quote_identifier(name);
    if (type.id() != TypeId::kDate && type.id() != TypeId::kTimestamp && type.id() != TypeId::kTimestampTz) return column;
    return "(CASE WHEN MONTH(" + column + ") = 0 OR DAYOFMONTH(" + column + ") = 0 THEN NULL ELSE " + column + " END)";
}

std::string MySqlDialect::quote_identifier(std::string_view name) const {
    std::string out = "`";
    for (char c : name) {
        if (c == '`') out += '`';
        out += c;
    }
    return out + "`";
}

std::string MySqlDialect::quote_string(std::string_view text) const {
    std::string out = "'";
    out.reserve(text.size() + 2);
    for (char c : text) {
        switch (c) {
            case '\'': out += "''"; break;
            case '\\': out += "\\\\"; break;
            case '\0': out += "\\0"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\x1a': out += "\\Z"; break;
            default: out += c;
        }
    }
    return out + "'";
}

std::optional<std::string> MySqlDialect::literal(const Value& value) const {
    if (value.is_null()) return std::nullopt;
    const Type& t = value.type();
    switch (t.id()) {
        case TypeId::kReal:
        case TypeId::kDouble: {
            double d = value.as_double();
            if (!std::isfinite(d)) return std::nullopt;
            std::string text = fmt::format("{:.17g}", d);
            if (text.find_first_of("eE") == std::string::npos) text += "e0";  // a DOUBLE literal, not DECIMAL
            return text;
        }
        case TypeId::kVarchar:
            // _utf8mb4 pins the literal's character set; BINARY makes the comparison byte-wise.
            return "BINARY _utf8mb4" + quote_string(value.as_string());
        case TypeId::kVarbinary: {
            static const char* kHex = "0123456789ABCDEF";
            std::string out = "X'";
            for (unsigned char c : value.as_string()) {
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
            return out + "'";
        }
        case TypeId::kTimestamp: return "TIMESTAMP" + quote_string(format_timestamp(value.as_int()));
        case TypeId::kTimestampTz: {
            // Sessions run with time_zone '+00:00': TIMESTAMP columns compare as UTC.
            std::string text = format_timestamp(value.as_int());
            return "TIMESTAMP" + quote_string(text);
        }
        case TypeId::kDate: return "DATE" + quote_string(format_date(static_cast<int32_t>(value.as_int())));
        default: return SqlDialect::literal(value);
    }
}

bool MySqlDialect::comparable(const Type& type) const {
    switch (type.id()) {
        case TypeId::kReal:
        case TypeId::kDouble:  // MySQL stores no NaN; the engine orders NaN, so none arrives from MySQL
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kTimestampTz: return true;
        default: return SqlDialect::comparable(type);
    }
}

std::optional<std::string> MySqlDialect::call(const ConnectorExpr& call, const std::vector<std::string>& args) const {
    const std::string& f = call.name;
    if (is_comparison(f) && args.size() == 2 && is_text(call.args[0].type)) {
        if (call.args[0].type != call.args[1].type || call.args[0].type.id() == TypeId::kJson) return std::nullopt;
        bool both_columns = call.args[0].kind != ConnectorExprKind::kConstant &&
                            call.args[1].kind != ConnectorExprKind::kConstant;
        std::string left = both_columns ? "BINARY " + args[0] : args[0];
        return "(" + left + " " + comparison_operator(f) + " " + args[1] + ")";
    }
    if ((f == "$is_distinct" || f == "$is_not_distinct") && args.size() == 2) {
        const Type& t = call.args[0].type;
        if (t != call.args[1].type || !comparable(t) || t.id() == TypeId::kJson) return std::nullopt;
        std::string left = is_text(t) ? binary_operand(call.args[0], args[0]) : args[0];
        std::string same = "(" + left + " <=> " + args[1] + ")";
        return f == "$is_distinct" ? "(NOT " + same + ")" : same;
    }
    if (f == "$in" && args.size() >= 2 && is_text(call.args[0].type)) {
        for (size_t i = 0; i < call.args.size(); ++i) {
            if (call.args[i].type != call.args[0].type) return std::nullopt;
            if (i > 0 && call.args[i].kind != ConnectorExprKind::kConstant) return std::nullopt;
        }
        if (call.args[0].type.id() == TypeId::kJson) return std::nullopt;
        std::string out = "(" + args[0] + " IN (";
        for (size_t i = 1; i < args.size(); ++i) out += (i > 1 ? ", " : "") + args[i];
        return out + "))";
    }
    if ((f == "$add" || f == "$sub" || f == "$mul") && args.size() == 2 && call.type.is_integer()) {
        // MySQL computes integers as BIGINT: only the engine's BIGINT arithmetic overflows at the same point.
        if (call.type.id() != TypeId::kBigInt) return std::nullopt;
        return SqlDialect::call(call, args);
    }
    if ((f == "$add" || f == "$sub" || f == "$mul") && args.size() == 2 && call.type.id() == TypeId::kDecimal &&
        call.type.precision() >= 38) {
        // The engine's DECIMAL result is capped at 38 digits and raises on overflow; MySQL computes with up
        // to 65 digits and would return rows where the engine raises.
        return std::nullopt;
    }
    if ((f == "$div" || f == "$mod") && args.size() == 2) {
        if (call.type.id() != TypeId::kBigInt || call.args[0].type != call.type || call.args[1].type != call.type ||
            !nonzero_small_constant(call.args[1])) {
            return std::nullopt;
        }
        return "(" + args[0] + (f == "$div" ? " DIV " : " % ") + args[1] + ")";
    }
    if (f == "$neg" && args.size() == 1 && call.type.is_integer() && call.type.id() != TypeId::kBigInt) {
        return std::nullopt;
    }
    if (f == "$like" && (args.size() == 2 || args.size() == 3)) {
        // The engine's LIKE has no escape character unless one is given; MySQL's default is backslash.
        const ConnectorExpr& pattern = call.args[1];
        if (call.args[0].type.id() != TypeId::kVarchar || pattern.kind != ConnectorExprKind::kConstant ||
            pattern.value.is_null()) {
            return std::nullopt;
        }
        std::string sql = "(" + args[0] + " LIKE _utf8mb4" + quote_string(pattern.value.as_string()) +
                          " COLLATE utf8mb4_bin";
        if (args.size() == 3) {
            const ConnectorExpr& escape = call.args[2];
            if (escape.kind != ConnectorExprKind::kConstant || escape.value.is_null() ||
                escape.value.as_string().size() != 1) {
                return std::nullopt;
            }
            sql += " ESCAPE " + quote_string(escape.value.as_string());
        } else if (pattern.value.as_string().find('\\') != std::string::npos) {
            return std::nullopt;
        }
        return sql + ")";
    }
    if (f == "$concat" && args.size() >= 2) {
        for (const auto& a : call.args) {
            if (a.type.id() != TypeId::kVarchar) return std::nullopt;
        }
        std::string out = "CONCAT(";
        for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
        return out + ")";
    }
    if (f == "length" && args.size() == 1 && call.args[0].type.id() == TypeId::kVarchar &&
        call.type.id() == TypeId::kBigInt) {
        return "CHAR_LENGTH(" + args[0] + ")";
    }
    if (f == "abs" && args.size() == 1 && call.type == call.args[0].type &&
        (call.type.id() == TypeId::kBigInt || call.type.id() == TypeId::kDecimal || call.type.is_floating())) {
        return "ABS(" + args[0] + ")";
    }
    if (f == "coalesce" && args.size() >= 1) {
        for (const auto& a : call.args) {
            if (a.type != call.type) return std::nullopt;
        }
        std::string out = "COALESCE(";
        for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
        return out + ")";
    }
    if (f == "$ilike") return std::nullopt;
    return SqlDialect::call(call, args);
}

std::optional<std::string> MySqlDialect::aggregate(const PushedAggregate& aggregate,
                                                   const std::vector<std::string>& args) const {
    const std::string& f = aggregate.function;
    if (f == "count_star" && args.empty()) return "count(*)";
    if (args.size() != 1 || aggregate.args.size() != 1) return std::nullopt;
    const Type& t = aggregate.args[0].type;
    if (f == "count") {
        if (!aggregate.distinct) return "count(" + args[0] + ")";
        if (!comparable(t) || t.id() == TypeId::kJson) return std::nullopt;
        return "count(DISTINCT " + (is_text(t) ? binary_operand(aggregate.args[0], args[0]) : args[0]) + ")";
    }
    if (aggregate.distinct) return std::nullopt;
    if (f == "min" || f == "max") {
        if (!comparable(t) || aggregate.type != t || t.id() == TypeId::kJson) return std::nullopt;
        return f + "(" + (is_text(t) ? binary_operand(aggregate.args[0], args[0]) : args[0]) + ")";
    }
    if (f == "sum") {
        // SUM of integers / DECIMAL is exact in MySQL (a DECIMAL); the reader converts to the engine's type.
        if ((t.is_integer() && aggregate.type.id() == TypeId::kBigInt) ||
            (t.id() == TypeId::kDecimal && aggregate.type.id() == TypeId::kDecimal &&
             aggregate.type.scale() == t.scale())) {
            return "sum(" + args[0] + ")";
        }
        return std::nullopt;
    }
    if (f == "avg") {
        // The engine: exact integer sum converted to double, divided by the count as double.
        if (t.is_integer() && aggregate.type.id() == TypeId::kDouble) {
            return "((sum(" + args[0] + ") + 0e0) / count(" + args[0] + "))";
        }
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> MySqlDialect::order_item(const std::string& sql, const Type& type, bool descending,
                                                    bool nulls_first) const {
    if (!comparable(type) || type.id() == TypeId::kJson) return std::nullopt;
    std::string key = is_text(type) ? "BINARY " + sql : sql;
    // MySQL sorts NULL as the smallest value: first ascending, last descending.
    std::string out;
    if (nulls_first == descending) out = "(" + sql + " IS NULL)" + (nulls_first ? " DESC" : " ASC") + ", ";
    return out + key + (descending ? " DESC" : " ASC");
}

SqlTranslation translate_mysql_scan(const ScanRequest& request, const MySqlDialect& dialect) {
    SqlTranslation t = translate_scan(request, dialect);
    if (t.plan.aggregation_accepted && request.aggregation) {
        const auto& groups = request.aggregation->groups;
        for (size_t i = 0; i < groups.size() && i < t.select.group_by.size(); ++i) {
            if (groups[i].type.id() == TypeId::kJson) {
                // Not reached: JSON is not comparable. Kept as a guard for future types.
                continue;
            }
            if (is_text(groups[i].type)) t.select.group_by[i] = "BINARY " + t.select.group_by[i];
        }
    }
    return t;
}

}  // namespace fedq
