#include "connectors/postgres/postgres_dialect.h"

#include "connectors/postgres/postgres_types.h"
#include "types/datetime.h"

namespace fedq {

namespace {

bool is_ordering_comparison(const std::string& name) {
    return name == "$lt" || name == "$le" || name == "$gt" || name == "$ge";
}

// Dates outside years 1..9999 have no ISO literal PostgreSQL reads back the same way.
bool plain_year(int32_t days) {
    CivilDate civil = civil_from_days(days);
    return civil.year >= 1 && civil.year <= 9999;
}

std::string cast_to(const std::string& sql, const Type& type) {
    auto name = pg_cast_type(type);
    return "CAST(" + sql + " AS " + *name + ")";
}

}  // namespace

std::string PostgresDialect::column_reference(std::string_view name, const Type& type) const {
    std::string quoted = quote_identifier(name);
    if (type.id() == TypeId::kVarchar && text_columns.count(std::string(name))) return "(" + quoted + "::text)";
    return quoted;
}

std::optional<std::string> PostgresDialect::literal(const Value& value) const {
    if (value.is_null()) return std::nullopt;
    const Type& t = value.type();
    switch (t.id()) {
        case TypeId::kVarchar: {
            const std::string& s = value.as_string();
            if (s.find('\0') != std::string::npos) return std::nullopt;  // PostgreSQL text cannot hold NUL
            return "(" + quote_string(s) + " COLLATE \"C\")";
        }
        case TypeId::kVarbinary: {
            static const char* hex = "0123456789abcdef";
            std::string out = "'\\x";
            for (unsigned char c : value.as_string()) {
                out += hex[c >> 4];
                out += hex[c & 15];
            }
            return out + "'::bytea";
        }
        case TypeId::kDate: {
            int32_t days = static_cast<int32_t>(value.as_int());
            if (!plain_year(days)) return std::nullopt;
            return "DATE " + quote_string(format_date(days));
        }
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            int64_t micros = value.as_int();
            if (!plain_year(static_cast<int32_t>(floor_div(micros, 86'400'000'000LL)))) return std::nullopt;
            if (t.id() == TypeId::kTimestamp) return "TIMESTAMP " + quote_string(format_timestamp(micros));
            return "TIMESTAMPTZ " + quote_string(format_timestamp(micros) + "+00");
        }
        case TypeId::kDecimal: {
            auto text = SqlDialect::literal(value);
            if (!text) return std::nullopt;
            return "CAST(" + *text + " AS numeric(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) +
                   "))";
        }
        case TypeId::kReal:
        case TypeId::kDouble: return std::nullopt;
        default: return SqlDialect::literal(value);
    }
}

bool PostgresDialect::comparable(const Type& type) const {
    switch (type.id()) {
        case TypeId::kBoolean:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kDecimal:
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
        case TypeId::kVarchar:
        case TypeId::kVarbinary: return true;
        default: return false;
    }
}

bool PostgresDialect::orderable(const Type& type) const { return comparable(type); }

std::optional<std::string> PostgresDialect::call(const ConnectorExpr& call, const std::vector<std::string>& args) const {
    const std::string& f = call.name;
    auto same_types = [&] {
        for (const auto& a : call.args) {
            if (a.type != call.args[0].type) return false;
        }
        return !call.args.empty();
    };
    if (is_ordering_comparison(f) && args.size() == 2 && call.args[0].type.id() == TypeId::kVarchar) {
        // Byte order under the "C" collation is code point order, as in the engine.
        auto base = SqlDialect::call(call, {"(" + args[0] + " COLLATE \"C\")", args[1]});
        return base;
    }
    if ((f == "$add" || f == "$sub" || f == "$mul" || f == "$div" || f == "$mod") && args.size() == 2) {
        if (!call.type.is_integer() && call.type.id() != TypeId::kDecimal) return std::nullopt;
        if (call.type.id() == TypeId::kTinyInt) return std::nullopt;
        if (call.type.id() == TypeId::kDecimal && (f == "$div" || f == "$mod")) return std::nullopt;
        for (const auto& a : call.args) {
            if (call.type.is_integer() ? a.type != call.type : !(a.type.is_integer() || a.type.id() == TypeId::kDecimal)) {
                return std::nullopt;
            }
        }
        const char* op = f == "$add" ? " + " : f == "$sub" ? " - " : f == "$mul" ? " * " : f == "$div" ? " / " : " % ";
        // Both operands at the result width (integers), and the result at the engine's type, so overflow
        // raises where the engine would raise and integer division truncates toward zero as in the engine.
        if (call.type.is_integer()) return "(" + cast_to(args[0], call.type) + op + cast_to(args[1], call.type) + ")";
        return cast_to("(" + args[0] + op + args[1] + ")", call.type);
    }
    if (f == "$neg" && args.size() == 1) {
        if (!call.type.is_integer() && call.type.id() != TypeId::kDecimal) return std::nullopt;
        if (call.type.id() == TypeId::kTinyInt || call.args[0].type != call.type) return std::nullopt;
        return cast_to("(- " + args[0] + ")", call.type);
    }
    if (f == "$cast" && args.size() == 1) {
        const Type& from = call.args[0].type;
        if (from == call.type) return args[0];
        if (from.is_integer() && call.type.is_integer() && call.type.id() != TypeId::kTinyInt) {
            return cast_to(args[0], call.type);  // narrowing raises on overflow in both
        }
        if (from.is_integer() && call.type.id() == TypeId::kDecimal) return cast_to(args[0], call.type);
        return std::nullopt;
    }
    if ((f == "$like") && (args.size() == 2 || args.size() == 3)) {
        for (const auto& a : call.args) {
            if (a.type.id() != TypeId::kVarchar) return std::nullopt;
        }
        std::string escape = args.size() == 3 ? args[2] : std::string("''");
        return "(" + args[0] + " LIKE " + args[1] + " ESCAPE " + escape + ")";
    }
    if (f == "$concat" && args.size() >= 2) {
        for (const auto& a : call.args) {
            if (a.type.id() != TypeId::kVarchar) return std::nullopt;
        }
        std::string out = "(";
        for (size_t i = 0; i < args.size(); ++i) out += (i ? " || " : "") + args[i];
        return out + ")";
    }
    if (f == "length" && args.size() == 1 && call.args[0].type.id() == TypeId::kVarchar && call.type.is_integer()) {
        return cast_to("char_length(" + args[0] + ")", call.type);
    }
    if (f == "abs" && args.size() == 1 && call.args[0].type == call.type &&
        (call.type.id() == TypeId::kSmallInt || call.type.id() == TypeId::kInteger ||
         call.type.id() == TypeId::kBigInt || call.type.id() == TypeId::kDecimal)) {
        return cast_to("abs(" + args[0] + ")", call.type);
    }
    if (f == "coalesce" && !args.empty() && same_types() && call.args[0].type == call.type && comparable(call.type)) {
        std::string out = "COALESCE(";
        for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
        return out + ")";
    }
    return SqlDialect::call(call, args);
}

std::optional<std::string> PostgresDialect::aggregate(const PushedAggregate& aggregate,
                                                      const std::vector<std::string>& args) const {
    const std::string& f = aggregate.function;
    const std::string distinct = aggregate.distinct ? "DISTINCT " : "";
    if (args.size() == 1) {
        const Type& t = aggregate.args[0].type;
        // PostgreSQL has no min/max(bytea) (it compares bytea, but has no such aggregate).
        if ((f == "min" || f == "max") && t.id() == TypeId::kVarbinary) return std::nullopt;
        if ((f == "min" || f == "max") && t.id() == TypeId::kVarchar && aggregate.type == t) {
            return f + "(" + args[0] + " COLLATE \"C\")";
        }
        if (f == "sum" && (t.is_integer() || t.id() == TypeId::kDecimal) &&
            (aggregate.type.id() == TypeId::kBigInt || aggregate.type.id() == TypeId::kDecimal)) {
            // PostgreSQL sums exactly (numeric for bigint); the scan casts to the engine's type, which
            // raises on overflow as the engine does.
            if (aggregate.distinct && !comparable(t)) return std::nullopt;
            return cast_to("sum(" + distinct + args[0] + ")", aggregate.type);
        }
        if (f == "avg" && t.is_integer() && aggregate.type.id() == TypeId::kDouble) {
            return cast_to("avg(" + distinct + args[0] + ")", aggregate.type);
        }
    }
    return SqlDialect::aggregate(aggregate, args);
}

std::optional<std::string> PostgresDialect::order_item(const std::string& sql, const Type& type, bool descending,
                                                       bool nulls_first) const {
    if (!orderable(type)) return std::nullopt;
    std::string key = type.id() == TypeId::kVarchar ? "(" + sql + ") COLLATE \"C\"" : sql;
    return key + (descending ? " DESC" : " ASC") + (nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

}  // namespace fedq
