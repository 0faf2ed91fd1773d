#include "connectors/postgres/postgres_types.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// numeric's typmod packs ((precision << 16) | scale) + 4; scale may be negative or exceed the precision
// since PostgreSQL 15.
PgMappedType map_numeric(const PgTypeInfo& info) {
    if (info.base_typmod < 4) {
        return {Type::decimal(38, kUnconstrainedNumericScale),
                fmt::format("numeric (unconstrained: read as DECIMAL(38,{}), rounded)", kUnconstrainedNumericScale)};
    }
    int32_t packed = info.base_typmod - 4;
    int precision = (packed >> 16) & 0xffff;
    int scale = static_cast<int16_t>(packed & 0xffff);  // sign-extended 11-bit field in practice
    if (scale < 0) {
        precision -= scale;
        scale = 0;
    }
    if (scale > precision) precision = scale;
    if (precision > 38) {
        int kept = std::min(scale, kUnconstrainedNumericScale);
        return {Type::decimal(38, kept), fmt::format("{} (read as DECIMAL(38,{}); larger values raise an error)",
                                                     info.display, kept)};
    }
    return {Type::decimal(std::max(precision, 1), scale), ""};
}

// The mapping of a base (non-array) type; nullopt when it is read as text.
std::optional<Type> map_scalar(uint32_t oid, char typtype) {
    if (typtype != 'b') return std::nullopt;
    switch (oid) {
        case pg_oid::kBool: return Type::boolean();
        case pg_oid::kBytea: return Type::varbinary();
        case pg_oid::kName:
        case pg_oid::kText:
        case pg_oid::kBpchar:
        case pg_oid::kVarchar: return Type::varchar();
        case pg_oid::kInt2: return Type::smallint();
        case pg_oid::kInt4: return Type::integer();
        case pg_oid::kInt8:
        case pg_oid::kOid: return Type::bigint();
        case pg_oid::kFloat4: return Type::real();
        case pg_oid::kFloat8: return Type::double_();
        case pg_oid::kJson:
        case pg_oid::kJsonb: return Type::json();
        case pg_oid::kDate: return Type::date();
        case pg_oid::kTimestamp: return Type::timestamp();
        case pg_oid::kTimestampTz: return Type::timestamp_tz();
        case pg_oid::kInterval: return Type::interval();
        case pg_oid::kUuid: return Type::varchar();
        default: return std::nullopt;
    }
}

}  // namespace

PgMappedType map_pg_type(const PgTypeInfo& info) {
    auto as_text = [&] { return PgMappedType{Type::varchar(), info.display + " (read as text)"}; };
    if (info.is_array) {
        PgTypeInfo element;
        element.base_oid = info.element_oid;
        element.base_typmod = info.base_typmod;
        element.base_typtype = info.element_typtype;
        element.display = info.display.size() > 2 ? info.display.substr(0, info.display.size() - 2) : info.display;
        if (info.element_typtype == 'e') {
            return {Type::array(Type::varchar()), info.display + " (elements read as text)"};
        }
        if (info.element_oid == pg_oid::kNumeric) {
            PgMappedType mapped = map_numeric(element);
            return {Type::array(mapped.type), mapped.note};
        }
        auto scalar = map_scalar(info.element_oid, info.element_typtype);
        if (!scalar) return as_text();
        std::string note;
        if (info.element_oid == pg_oid::kUuid) note = info.display + " (elements read as text)";
        if (info.element_oid == pg_oid::kBpchar) note = info.display + " (trailing spaces removed)";
        return {Type::array(*scalar), note};
    }
    if (info.base_typtype == 'e') return {Type::varchar(), info.display + " (enum, read as text)"};
    if (info.base_oid == pg_oid::kNumeric && info.base_typtype == 'b') return map_numeric(info);
    auto scalar = map_scalar(info.base_oid, info.base_typtype);
    if (!scalar) return as_text();
    if (info.base_oid == pg_oid::kUuid) return {*scalar, info.display + " (read as text)"};
    if (info.base_oid == pg_oid::kBpchar) return {*scalar, info.display + " (trailing spaces removed)"};
    return {*scalar, ""};
}

std::optional<std::string> pg_cast_type(const Type& type) {
    switch (type.id()) {
        case TypeId::kBoolean: return "bool";
        case TypeId::kSmallInt: return "int2";
        case TypeId::kInteger: return "int4";
        case TypeId::kBigInt: return "int8";
        case TypeId::kReal: return "float4";
        case TypeId::kDouble: return "float8";
        case TypeId::kDecimal: return fmt::format("numeric({},{})", type.precision(), type.scale());
        case TypeId::kVarchar: return "text";
        case TypeId::kVarbinary: return "bytea";
        case TypeId::kJson: return "json";
        case TypeId::kDate: return "date";
        case TypeId::kTimestamp: return "timestamp";
        case TypeId::kTimestampTz: return "timestamptz";
        case TypeId::kInterval: return "interval";
        case TypeId::kArray: {
            if (type.element().id() == TypeId::kArray) return std::nullopt;
            auto element = pg_cast_type(type.element());
            if (!element) return std::nullopt;
            return *element + "[]";
        }
        default: return std::nullopt;
    }
}

bool pg_is_char_type(std::string_view source_type) {
    return source_type == "character" || (starts_with(source_type, "character(") && source_type.back() == ')');
}

bool pg_column_pushable(const std::string& source_type, const Type& type) {
    const std::string_view s = source_type;
    switch (type.id()) {
        case TypeId::kVarchar:
            // char(n) is compared through "c"::text (PostgresDialect::column_reference).
            return s == "text" || s == "name" || starts_with(s, "character varying") || pg_is_char_type(s);
        case TypeId::kBoolean: return s == "boolean";
        case TypeId::kSmallInt: return s == "smallint";
        case TypeId::kInteger: return s == "integer";
        case TypeId::kBigInt: return s == "bigint";
        case TypeId::kDecimal: {
            // Exact only when the declared numeric fits the DECIMAL (no rounding on read).
            if (!starts_with(s, "numeric(")) return false;
            int precision = 0;
            std::from_chars(s.data() + 8, s.data() + s.size(), precision);
            return precision >= 1 && precision <= 38 && s.find(",-") == std::string_view::npos;
        }
        case TypeId::kDate: return s == "date";
        case TypeId::kTimestamp: return starts_with(s, "timestamp") && s.find("without time zone") != std::string_view::npos;
        case TypeId::kTimestampTz: return starts_with(s, "timestamp") && s.find("with time zone") != std::string_view::npos &&
                                          s.find("without") == std::string_view::npos;
        case TypeId::kVarbinary: return s == "bytea";
        default: return false;  // floats (NaN order), JSON, INTERVAL (normalized comparison), arrays
    }
}

std::optional<std::vector<std::optional<std::string>>> parse_pg_array_text(std::string_view text) {
    if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::nullopt;
    std::vector<std::optional<std::string>> out;
    size_t i = 1;
    const size_t end = text.size() - 1;
    if (i == end) return out;
    while (i <= end) {
        std::string item;
        bool quoted = false;
        if (i < end && text[i] == '{') return std::nullopt;  // multi-dimensional
        if (i < end && text[i] == '"') {
            quoted = true;
            ++i;
            while (i < end && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < end) ++i;
                item += text[i++];
            }
            if (i >= end) return std::nullopt;
            ++i;  // closing quote
        } else {
            while (i < end && text[i] != ',') item += text[i++];
        }
        if (!quoted && item == "NULL") out.emplace_back(std::nullopt);
        else out.emplace_back(std::move(item));
        if (i == end) break;
        if (text[i] != ',') return std::nullopt;
        ++i;
    }
    return out;
}

Value parse_pg_text_value(std::string_view text, const Type& type) {
    switch (type.id()) {
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt: {
            int64_t v = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc() || end != text.data() + text.size()) return Value::null(type);
            if (type.id() == TypeId::kSmallInt) return Value::smallint(static_cast<int16_t>(v));
            if (type.id() == TypeId::kInteger) return Value::integer(static_cast<int32_t>(v));
            return Value::bigint(v);
        }
        case TypeId::kDecimal: {
            auto v = parse_decimal(text, type.precision(), type.scale());
            if (!v) return Value::null(type);
            return Value::decimal(*v, type.precision(), type.scale());
        }
        case TypeId::kDate: {
            auto v = parse_date(text);
            return v ? Value::date(*v) : Value::null(type);
        }
        case TypeId::kTimestamp: {
            bool zone = false;
            auto v = parse_timestamp(text, &zone);
            return v && !zone ? Value::timestamp(*v) : Value::null(type);
        }
        default: return Value::null(type);
    }
}

}  // namespace fedq
