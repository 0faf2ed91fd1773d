// A single SQL value: literal constants, scalar subquery results, Constraint bounds and aggregate
// states that need one. Never used per row in hot loops (those work on Columns).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "types/type.h"

namespace fedq {

class Value {
public:
    Value() = default;  // NULL of unknown type
    static Value null(Type type) { Value v; v.type_ = std::move(type); return v; }
    static Value boolean(bool b) { return Value(Type::boolean(), Storage(static_cast<int64_t>(b))); }
    static Value tinyint(int8_t v) { return Value(Type::tinyint(), Storage(static_cast<int64_t>(v))); }
    static Value smallint(int16_t v) { return Value(Type::smallint(), Storage(static_cast<int64_t>(v))); }
    static Value integer(int32_t v) { return Value(Type::integer(), Storage(static_cast<int64_t>(v))); }
    static Value bigint(int64_t v) { return Value(Type::bigint(), Storage(v)); }
    static Value real(float v) { return Value(Type::real(), Storage(static_cast<double>(v))); }
    static Value double_(double v) { return Value(Type::double_(), Storage(v)); }
    static Value decimal(int128_t unscaled, int precision, int scale) {
        return Value(Type::decimal(precision, scale), Storage(unscaled));
    }
    static Value varchar(std::string s) { return Value(Type::varchar(), Storage(std::move(s))); }
    static Value varbinary(std::string s) { return Value(Type::varbinary(), Storage(std::move(s))); }
    static Value json(std::string s) { return Value(Type::json(), Storage(std::move(s))); }
    static Value date(int32_t days) { return Value(Type::date(), Storage(static_cast<int64_t>(days))); }
    static Value timestamp(int64_t micros) { return Value(Type::timestamp(), Storage(micros)); }
    static Value timestamp_tz(int64_t micros) { return Value(Type::timestamp_tz(), Storage(micros)); }
    static Value interval(Interval i) { return Value(Type::interval(), Storage(i)); }
    // ARRAY: elements; ROW: fields in order.
    static Value nested(Type type, std::vector<Value> children) {
        return Value(std::move(type), Storage(std::move(children)));
    }

    const Type& type() const { return type_; }
    bool is_null() const { return std::holds_alternative<std::monostate>(storage_); }

    // Accessors; the caller knows the type. Integers, booleans, dates and timestamps are int64.
    bool as_bool() const { return std::get<int64_t>(storage_) != 0; }
    int64_t as_int() const { return std::get<int64_t>(storage_); }
    double as_double() const { return std::get<double>(storage_); }
    int128_t as_decimal() const { return std::get<int128_t>(storage_); }
    const std::string& as_string() const { return std::get<std::string>(storage_); }
    const Interval& as_interval() const { return std::get<Interval>(storage_); }
    const std::vector<Value>& children() const { return std::get<std::vector<Value>>(storage_); }

    // Total order used for sorting and Constraint ranges: NULL first, then by value. Both values must
    // have the same type id (numeric values of different ids are compared numerically).
    int compare(const Value& other) const;
    bool operator==(const Value& other) const { return compare(other) == 0 && is_null() == other.is_null(); }
    bool operator<(const Value& other) const { return compare(other) < 0; }

    // Human-readable text as the CLI prints it ("NULL" for null), e.g. 2024-01-05, 12.50, [1, 2].
    std::string to_string() const;
    // SQL literal that re-parses to the same value: 'it''s', DATE '2024-01-05', DECIMAL '12.50',
    // BIGINT '7', CAST(NULL AS VARCHAR).
    std::string to_sql() const;

private:
    using Storage = std::variant<std::monostate, int64_t, double, int128_t, std::string, Interval, std::vector<Value>>;
    Value(Type type, Storage storage) : type_(std::move(type)), storage_(std::move(storage)) {}

    Type type_;
    Storage storage_;
};

}  // namespace fedq
