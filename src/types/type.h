// Logical SQL types. A Type is a small value: an id plus parameters (decimal precision/scale) and, for
// nested types, child types and field names. Physical layout of each type in a Column is described in
// vector/column.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fedq {

enum class TypeId : uint8_t {
    kNull,          // type of the NULL literal before coercion
    kBoolean,
    kTinyInt,
    kSmallInt,
    kInteger,
    kBigInt,
    kReal,
    kDouble,
    kDecimal,       // precision 1..38, scale 0..precision; stored as __int128 unscaled
    kVarchar,
    kVarbinary,
    kDate,          // int32 days since 1970-01-01
    kTimestamp,     // int64 microseconds since epoch, no zone
    kTimestampTz,   // int64 microseconds since epoch, UTC instant
    kInterval,      // Interval {months, days, micros}
    kJson,          // text (validated JSON), stored like VARCHAR
    kArray,         // children[0] = element type
    kRow,           // children = field types, field_names
};

class Type {
public:
    Type() : id_(TypeId::kNull) {}
    explicit Type(TypeId id) : id_(id) {}

    static Type null() { return Type(TypeId::kNull); }
    static Type boolean() { return Type(TypeId::kBoolean); }
    static Type tinyint() { return Type(TypeId::kTinyInt); }
    static Type smallint() { return Type(TypeId::kSmallInt); }
    static Type integer() { return Type(TypeId::kInteger); }
    static Type bigint() { return Type(TypeId::kBigInt); }
    static Type real() { return Type(TypeId::kReal); }
    static Type double_() { return Type(TypeId::kDouble); }
    static Type decimal(int precision, int scale);
    static Type varchar() { return Type(TypeId::kVarchar); }
    static Type varbinary() { return Type(TypeId::kVarbinary); }
    static Type date() { return Type(TypeId::kDate); }
    static Type timestamp() { return Type(TypeId::kTimestamp); }
    static Type timestamp_tz() { return Type(TypeId::kTimestampTz); }
    static Type interval() { return Type(TypeId::kInterval); }
    static Type json() { return Type(TypeId::kJson); }
    static Type array(Type element);
    static Type row(std::vector<std::string> names, std::vector<Type> types);

    TypeId id() const { return id_; }
    int precision() const { return precision_; }
    int scale() const { return scale_; }
    const std::vector<Type>& children() const;
    const std::vector<std::string>& field_names() const;
    const Type& element() const { return children()[0]; }

    bool is_integer() const {
        return id_ == TypeId::kTinyInt || id_ == TypeId::kSmallInt || id_ == TypeId::kInteger ||
               id_ == TypeId::kBigInt;
    }
    bool is_floating() const { return id_ == TypeId::kReal || id_ == TypeId::kDouble; }
    bool is_numeric() const { return is_integer() || is_floating() || id_ == TypeId::kDecimal; }
    bool is_string() const { return id_ == TypeId::kVarchar || id_ == TypeId::kJson; }
    // Values stored as offsets + bytes.
    bool is_variable_width() const {
        return id_ == TypeId::kVarchar || id_ == TypeId::kVarbinary || id_ == TypeId::kJson;
    }
    bool is_temporal() const {
        return id_ == TypeId::kDate || id_ == TypeId::kTimestamp || id_ == TypeId::kTimestampTz;
    }
    bool is_nested() const { return id_ == TypeId::kArray || id_ == TypeId::kRow; }
    // Bytes per value in the values buffer (0 for variable-width and nested types).
    size_t fixed_width() const;

    std::string to_string() const;  // SQL spelling: "DECIMAL(12,2)", "ARRAY(VARCHAR)", ...

    bool operator==(const Type& other) const;
    bool operator!=(const Type& other) const { return !(*this == other); }

private:
    struct Nested {
        std::vector<Type> children;
        std::vector<std::string> names;
    };
    TypeId id_;
    uint8_t precision_ = 0;
    uint8_t scale_ = 0;
    std::shared_ptr<const Nested> nested_;  // immutable, shared between copies
};

// INTERVAL value: Trino has year-month and day-time intervals; we keep both parts.
struct Interval {
    int32_t months = 0;
    int32_t days = 0;
    int64_t micros = 0;
    bool operator==(const Interval&) const = default;
};

using int128_t = __int128;

// Parses a type name as written in SQL or connector options ("bigint", "decimal(10,2)", "varchar(20)",
// "array(varchar)", "row(a int, b varchar)", "timestamp with time zone"). Throws kSyntax on bad input.
Type parse_type(const std::string& text);

}  // namespace fedq
