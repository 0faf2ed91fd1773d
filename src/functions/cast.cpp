// CAST and the implicit coercion rules (Trino's). The vectorized cast kernel converts a whole column
// per (source, target) physical type pair; per-row failures are collected and handled after the loop
// (raise once, or NULL under TRY_CAST).
#include "functions/cast.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"
#include "functions/kernel_templates.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

// ---------------------------------------------------------------- type rules

int integer_rank(TypeId id) {
    switch (id) {
        case TypeId::kTinyInt: return 1;
        case TypeId::kSmallInt: return 2;
        case TypeId::kInteger: return 3;
        case TypeId::kBigInt: return 4;
        default: return 0;
    }
}

// Trino maps integer types to the smallest decimal holding every value.
int integer_decimal_digits(TypeId id) {
    switch (id) {
        case TypeId::kTinyInt: return 3;
        case TypeId::kSmallInt: return 5;
        case TypeId::kInteger: return 10;
        default: return 19;
    }
}

Type as_decimal_type(const Type& t) {
    if (t.id() == TypeId::kDecimal) return t;
    return Type::decimal(integer_decimal_digits(t.id()), 0);
}

int temporal_rank(TypeId id) {
    switch (id) {
        case TypeId::kDate: return 1;
        case TypeId::kTimestamp: return 2;
        case TypeId::kTimestampTz: return 3;
        default: return 0;
    }
}

// ---------------------------------------------------------------- text helpers

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

bool parse_int64(std::string_view s, int64_t& out) {
    s = trim_spaces(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (!s.empty() && s.front() == '-') return false;
    }
    if (s.empty()) return false;
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
    return error == std::errc() && end == s.data() + s.size();
}

template <typename F>
bool parse_floating(std::string_view s, F& out) {
    s = trim_spaces(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (!s.empty() && s.front() == '-') return false;
    }
    if (s.empty()) return false;
    // Java / Trino spellings.
    bool negative = s.front() == '-';
    std::string_view body = negative ? s.substr(1) : s;
    if (body == "Infinity") {
        out = negative ? -std::numeric_limits<F>::infinity() : std::numeric_limits<F>::infinity();
        return true;
    }
    if (body == "NaN") {
        out = std::numeric_limits<F>::quiet_NaN();
        return true;
    }
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (error == std::errc::result_out_of_range) {
        // Overflow to infinity / underflow to zero as Java does.
        double approx = std::strtod(std::string(s).c_str(), nullptr);
        out = static_cast<F>(approx);
        return true;
    }
    return error == std::errc() && end == s.data() + s.size();
}

bool parse_boolean(std::string_view s, uint8_t& out) {
    s = trim_spaces(s);
    if (s.size() > 5) return false;
    char lower[6] = {};
    for (size_t i = 0; i < s.size(); ++i) lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    std::string_view l(lower, s.size());
    if (l == "true" || l == "t" || l == "1") {
        out = 1;
        return true;
    }
    if (l == "false" || l == "f" || l == "0") {
        out = 0;
        return true;
    }
    return false;
}

std::string format_double_text(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return fmt::format("{}", d);
}

std::string format_real_text(float f) {
    if (std::isnan(f)) return "NaN";
    if (std::isinf(f)) return f > 0 ? "Infinity" : "-Infinity";
    return fmt::format("{}", f);
}

void append_json_string(std::string_view s, std::string& out) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<int>(c));
                else out += c;
        }
    }
    out += '"';
}

// JSON text of a value (CAST(x AS JSON) for scalars, arrays and rows).
void append_json(const Value& v, std::string& out) {
    if (v.is_null()) {
        out += "null";
        return;
    }
    switch (v.type().id()) {
        case TypeId::kBoolean:
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kDecimal: out += v.to_string(); break;
        case TypeId::kReal:
        case TypeId::kDouble: {
            double d = v.as_double();
            std::string text = v.type().id() == TypeId::kReal ? format_real_text(static_cast<float>(d))
                                                               : format_double_text(d);
            if (std::isfinite(d)) out += text;
            else append_json_string(text, out);
            break;
        }
        case TypeId::kJson: out += v.as_string(); break;
        case TypeId::kArray: {
            out += '[';
            for (size_t i = 0; i < v.children().size(); ++i) {
                if (i) out += ',';
                append_json(v.children()[i], out);
            }
            out += ']';
            break;
        }
        case TypeId::kRow: {
            const auto& names = v.type().field_names();
            bool named = !names.empty() && std::all_of(names.begin(), names.end(), [](auto& n) { return !n.empty(); });
            out += named ? '{' : '[';
            for (size_t i = 0; i < v.children().size(); ++i) {
                if (i) out += ',';
                if (named) {
                    append_json_string(names[i], out);
                    out += ':';
                }
                append_json(v.children()[i], out);
            }
            out += named ? '}' : ']';
            break;
        }
        default: append_json_string(v.to_string(), out);
    }
}

// ---------------------------------------------------------------- failures

[[noreturn]] void raise_cast_failure(const Column& input, size_t row, const Type& to) {
    const Type& from = input.type();
    if (from.is_variable_width()) {
        raise(ErrorCode::kInvalidCast, "cannot cast '{}' to {}", input.string_at(row), to.to_string());
    }
    Value v = input.value_at(row);
    if (from.is_floating() && !std::isfinite(v.as_double())) {
        raise(ErrorCode::kInvalidCast, "cannot cast {} to {}", v.to_string(), to.to_string());
    }
    raise(ErrorCode::kNumericOverflow, "cannot cast {} to {}: out of range", v.to_string(), to.to_string());
}

// Converts every row of `input` with `convert(row, Out& result) -> bool ok` into a fixed-width output.
// The main loop only collects whether anything failed; failures are resolved in a second pass.
template <typename Out, typename Convert>
void convert_fixed(const Column& input, const Type& to, Column& out, bool try_cast, Convert convert) {
    const size_t rows = input.size();
    const size_t base = out.size();
    Out* o = kernel::append_slots<Out>(out, rows);
    kernel::copy_validity(input, out, base);
    bool all_ok = true;
    for (size_t i = 0; i < rows; ++i) all_ok &= convert(i, o[i]);
    if (all_ok) return;
    for (size_t i = 0; i < rows; ++i) {
        Out scratch;
        if (input.is_null(i)) {
            o[i] = Out{};
        } else if (!convert(i, scratch)) {
            if (!try_cast) raise_cast_failure(input, i, to);
            o[i] = Out{};
            out.set_null(base + i);
        }
    }
}

// Converts every row into text with `convert(row, std::string& text) -> bool ok`.
template <typename Convert>
void convert_to_text(const Column& input, const Type& to, Column& out, bool try_cast, Convert convert) {
    const size_t rows = input.size();
    const size_t base = out.size();
    out.reserve(base + rows);
    std::string text;
    std::vector<size_t> failed;
    for (size_t i = 0; i < rows; ++i) {
        text.clear();
        if (input.is_valid(i) && !convert(i, text)) {
            if (!try_cast) raise_cast_failure(input, i, to);
            text.clear();
            failed.push_back(i);
        }
        out.append_string(text);
    }
    kernel::copy_validity(input, out, base);
    for (size_t i : failed) out.set_null(base + i);
}

// ---------------------------------------------------------------- numeric conversion

struct NumericTarget {
    TypeId id;
    int precision = 0;
    int scale = 0;
    int128_t factor = 1;  // 10^scale for decimals
    int128_t max = 0;     // largest unscaled decimal

    explicit NumericTarget(const Type& t) : id(t.id()) {
        if (id == TypeId::kDecimal) {
            precision = t.precision();
            scale = t.scale();
            factor = pow10_i128(scale);
            max = decimal_max(precision);
        }
    }
};

template <typename To>
bool from_int128(int128_t v, To& r) {
    if (v < static_cast<int128_t>(std::numeric_limits<To>::min()) ||
        v > static_cast<int128_t>(std::numeric_limits<To>::max())) {
        return false;
    }
    r = static_cast<To>(v);
    return true;
}

template <typename To>
bool from_integer(int64_t v, const NumericTarget& t, To& r) {
    if constexpr (std::is_same_v<To, uint8_t>) {
        r = v != 0;
        return true;
    } else if constexpr (std::is_floating_point_v<To>) {
        r = static_cast<To>(v);
        return true;
    } else if constexpr (std::is_same_v<To, int128_t>) {
        int128_t scaled;
        if (__builtin_mul_overflow(static_cast<int128_t>(v), t.factor, &scaled)) return false;
        r = scaled;
        return scaled <= t.max && scaled >= -t.max;
    } else {
        r = static_cast<To>(v);
        return v >= std::numeric_limits<To>::min() && v <= std::numeric_limits<To>::max();
    }
}

template <typename To, typename F>
bool from_floating(F v, const NumericTarget& t, To& r) {
    if constexpr (std::is_same_v<To, uint8_t>) {
        r = v != 0;
        return true;
    } else if constexpr (std::is_same_v<To, double>) {
        r = v;
        return true;
    } else if constexpr (std::is_same_v<To, float>) {
        r = static_cast<float>(v);
        return std::isfinite(r) || !std::isfinite(v);
    } else if constexpr (std::is_same_v<To, int128_t>) {
        if (!std::isfinite(v)) return false;
        // Via the shortest round-trip text, so 0.1 becomes exactly 0.1 (as Trino's BigDecimal.valueOf).
        char buffer[64];
        auto end = fmt::format_to_n(buffer, sizeof(buffer), "{}", v).out;
        auto parsed = parse_decimal(std::string_view(buffer, end - buffer), t.precision, t.scale);
        if (!parsed) return false;
        r = *parsed;
        return true;
    } else {
        double rounded = std::round(static_cast<double>(v));  // half away from zero
        constexpr double kLimit = static_cast<double>(std::numeric_limits<To>::max()) + 1.0;
        r = 0;
        if (!(rounded >= -kLimit && rounded < kLimit)) return false;  // also rejects NaN
        r = static_cast<To>(rounded);
        return true;
    }
}

double decimal_as_double(int128_t v, int scale) {
    constexpr int128_t kExact = int128_t(1) << 53;
    static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (v < kExact && v > -kExact && scale <= 22) return static_cast<double>(static_cast<int64_t>(v)) / kPow10[scale];
    return std::strtod(format_decimal(v, scale).c_str(), nullptr);
}

template <typename To>
bool from_decimal(int128_t v, int scale, const NumericTarget& t, To& r) {
    if constexpr (std::is_same_v<To, uint8_t>) {
        r = v != 0;
        return true;
    } else if constexpr (std::is_floating_point_v<To>) {
        r = static_cast<To>(decimal_as_double(v, scale));
        return true;
    } else if constexpr (std::is_same_v<To, int128_t>) {
        int128_t scaled;
        if (t.scale >= scale) {
            if (__builtin_mul_overflow(v, pow10_i128(t.scale - scale), &scaled)) return false;
        } else {
            scaled = rescale_decimal(v, scale, t.scale);
        }
        r = scaled;
        return scaled <= t.max && scaled >= -t.max;
    } else {
        r = 0;
        return from_int128<To>(rescale_decimal(v, scale, 0), r);
    }
}

template <typename To>
bool from_text(std::string_view s, const NumericTarget& t, To& r) {
    if constexpr (std::is_same_v<To, uint8_t>) {
        return parse_boolean(s, r);
    } else if constexpr (std::is_floating_point_v<To>) {
        return parse_floating<To>(s, r);
    } else if constexpr (std::is_same_v<To, int128_t>) {
        auto parsed = parse_decimal(trim_spaces(s), t.precision, t.scale);
        if (!parsed) return false;
        r = *parsed;
        return true;
    } else {
        int64_t v;
        if (!parse_int64(s, v)) return false;
        return from_integer<To>(v, t, r);
    }
}

Value json_scalar(std::string_view text, bool* ok);

template <typename To>
void cast_to_numeric(const Column& input, const Type& to, Column& out, bool try_cast) {
    const NumericTarget target(to);
    const Type& from = input.type();
    auto run_integer = [&](auto tag) {
        using From = decltype(tag);
        const From* x = input.values<From>();
        convert_fixed<To>(input, to, out, try_cast,
                          [&](size_t i, To& r) { return from_integer<To>(static_cast<int64_t>(x[i]), target, r); });
    };
    switch (from.id()) {
        case TypeId::kBoolean: run_integer(uint8_t{}); return;
        case TypeId::kTinyInt: run_integer(int8_t{}); return;
        case TypeId::kSmallInt: run_integer(int16_t{}); return;
        case TypeId::kInteger: run_integer(int32_t{}); return;
        case TypeId::kBigInt: run_integer(int64_t{}); return;
        case TypeId::kReal: {
            const float* x = input.values<float>();
            convert_fixed<To>(input, to, out, try_cast, [&](size_t i, To& r) { return from_floating<To>(x[i], target, r); });
            return;
        }
        case TypeId::kDouble: {
            const double* x = input.values<double>();
            convert_fixed<To>(input, to, out, try_cast, [&](size_t i, To& r) { return from_floating<To>(x[i], target, r); });
            return;
        }
        case TypeId::kDecimal: {
            const int128_t* x = input.values<int128_t>();
            const int scale = from.scale();
            convert_fixed<To>(input, to, out, try_cast,
                              [&](size_t i, To& r) { return from_decimal<To>(x[i], scale, target, r); });
            return;
        }
        case TypeId::kVarchar:
            convert_fixed<To>(input, to, out, try_cast,
                              [&](size_t i, To& r) { return from_text<To>(input.string_at(i), target, r); });
            return;
        default: break;
    }
    raise(ErrorCode::kInvalidCast, "cannot cast {} to {}", from.to_string(), to.to_string());
}

// ---------------------------------------------------------------- text targets

void cast_to_varchar(const Column& input, const Type& to, Column& out, bool try_cast) {
    const Type& from = input.type();
    char buffer[64];
    auto integer_text = [&](auto tag) {
        using From = decltype(tag);
        const From* x = input.values<From>();
        convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
            auto end = std::to_chars(buffer, buffer + sizeof(buffer), static_cast<int64_t>(x[i])).ptr;
            text.append(buffer, end - buffer);
            return true;
        });
    };
    switch (from.id()) {
        case TypeId::kTinyInt: integer_text(int8_t{}); return;
        case TypeId::kSmallInt: integer_text(int16_t{}); return;
        case TypeId::kInteger: integer_text(int32_t{}); return;
        case TypeId::kBigInt: integer_text(int64_t{}); return;
        case TypeId::kBoolean: {
            const uint8_t* x = input.values<uint8_t>();
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                text += x[i] ? "true" : "false";
                return true;
            });
            return;
        }
        case TypeId::kDouble: {
            const double* x = input.values<double>();
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                if (std::isfinite(x[i])) fmt::format_to(std::back_inserter(text), "{}", x[i]);
                else text += format_double_text(x[i]);
                return true;
            });
            return;
        }
        case TypeId::kReal: {
            const float* x = input.values<float>();
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                if (std::isfinite(x[i])) fmt::format_to(std::back_inserter(text), "{}", x[i]);
                else text += format_real_text(x[i]);
                return true;
            });
            return;
        }
        case TypeId::kDecimal: {
            const int128_t* x = input.values<int128_t>();
            const int scale = from.scale();
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                text += format_decimal(x[i], scale);
                return true;
            });
            return;
        }
        case TypeId::kDate: {
            const int32_t* x = input.values<int32_t>();
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                text += format_date(x[i]);
                return true;
            });
            return;
        }
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            const int64_t* x = input.values<int64_t>();
            const bool zone = from.id() == TypeId::kTimestampTz;
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                text += zone ? format_timestamp_tz(x[i]) : format_timestamp(x[i]);
                return true;
            });
            return;
        }
        case TypeId::kVarbinary: out.append_range(input, 0, input.size()); return;
        case TypeId::kJson: {
            // A JSON string becomes its content, JSON null NULL, other documents their JSON text.
            const size_t base = out.size();
            std::vector<size_t> nulls;
            for (size_t i = 0; i < input.size(); ++i) {
                std::string_view text = input.string_at(i);
                bool ok = true;
                Value scalar = input.is_valid(i) ? json_scalar(text, &ok) : Value::null(Type::varchar());
                if (ok && scalar.is_null()) {
                    nulls.push_back(i);
                    out.append_string({});
                } else if (ok && scalar.type().id() == TypeId::kVarchar) {
                    out.append_string(scalar.as_string());
                } else {
                    out.append_string(trim_spaces(text));
                }
            }
            for (size_t i : nulls) out.set_null(base + i);
            return;
        }
        default:
            convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
                text += input.value_at(i).to_string();
                return true;
            });
            return;
    }
}

bool json_valid(std::string_view text) {
    static thread_local simdjson::dom::parser parser;
    return !parser.parse(text.data(), text.size(), true).error();
}

void cast_to_json(const Column& input, const Type& to, Column& out, bool try_cast) {
    const Type& from = input.type();
    if (from.id() == TypeId::kVarchar) {
        convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
            std::string_view s = input.string_at(i);
            if (!json_valid(s)) return false;
            text += trim_spaces(s);
            return true;
        });
        return;
    }
    convert_to_text(input, to, out, try_cast, [&](size_t i, std::string& text) {
        append_json(input.value_at(i), text);
        return true;
    });
}

// A scalar JSON document as a Value (BIGINT, DOUBLE, BOOLEAN, VARCHAR or NULL). *ok = false for
// arrays, objects and malformed text.
Value json_scalar(std::string_view text, bool* ok) {
    static thread_local simdjson::dom::parser parser;
    *ok = false;
    simdjson::dom::element element;
    if (parser.parse(text.data(), text.size(), true).get(element)) return Value();
    *ok = true;
    switch (element.type()) {
        case simdjson::dom::element_type::INT64: return Value::bigint(int64_t(element));
        case simdjson::dom::element_type::UINT64: return Value::double_(static_cast<double>(uint64_t(element)));
        case simdjson::dom::element_type::DOUBLE: return Value::double_(double(element));
        case simdjson::dom::element_type::BOOL: return Value::boolean(bool(element));
        case simdjson::dom::element_type::STRING: return Value::varchar(std::string(std::string_view(element)));
        case simdjson::dom::element_type::NULL_VALUE: return Value::null(Type::varchar());
        default: *ok = false; return Value();
    }
}

// A JSON element as a Value of type `to` (Trino's CAST(json AS ARRAY/ROW/scalar)). *ok = false when the
// element's shape does not fit the type.
Value json_element_value(simdjson::dom::element element, const Type& to, bool try_cast, bool* ok) {
    using simdjson::dom::element_type;
    const element_type kind = element.type();
    if (kind == element_type::NULL_VALUE) return Value::null(to);
    switch (to.id()) {
        case TypeId::kJson: return Value::json(simdjson::minify(element));
        case TypeId::kArray: {
            if (kind != element_type::ARRAY) break;
            std::vector<Value> elements;
            for (simdjson::dom::element child : simdjson::dom::array(element)) {
                elements.push_back(json_element_value(child, to.element(), try_cast, ok));
                if (!*ok) return Value();
            }
            return Value::nested(to, std::move(elements));
        }
        case TypeId::kRow: {
            const auto& types = to.children();
            std::vector<Value> fields(types.size());
            for (size_t f = 0; f < types.size(); ++f) fields[f] = Value::null(types[f]);
            if (kind == element_type::ARRAY) {
                simdjson::dom::array array(element);
                if (array.size() != types.size()) break;
                size_t f = 0;
                for (simdjson::dom::element child : array) {
                    fields[f] = json_element_value(child, types[f], try_cast, ok);
                    if (!*ok) return Value();
                    ++f;
                }
                return Value::nested(to, std::move(fields));
            }
            if (kind != element_type::OBJECT) break;
            for (auto field : simdjson::dom::object(element)) {
                for (size_t f = 0; f < types.size(); ++f) {
                    const std::string& name = to.field_names()[f];
                    if (name.size() != field.key.size() ||
                        !std::equal(name.begin(), name.end(), field.key.begin(), [](char a, char b) {
                            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                        })) {
                        continue;
                    }
                    fields[f] = json_element_value(field.value, types[f], try_cast, ok);
                    if (!*ok) return Value();
                }
            }
            return Value::nested(to, std::move(fields));
        }
        default: {
            Value scalar;
            switch (kind) {
                case element_type::INT64: scalar = Value::bigint(int64_t(element)); break;
                case element_type::UINT64: scalar = Value::double_(static_cast<double>(uint64_t(element))); break;
                case element_type::DOUBLE: scalar = Value::double_(double(element)); break;
                case element_type::BOOL: scalar = Value::boolean(bool(element)); break;
                case element_type::STRING: scalar = Value::varchar(std::string(std::string_view(element))); break;
                default: *ok = false; return Value();
            }
            if (to.id() == TypeId::kVarchar && kind != element_type::STRING) {
                return Value::varchar(simdjson::minify(element));
            }
            if (!can_cast(scalar.type(), to)) break;
            return cast_value(scalar, to, try_cast);
        }
    }
    *ok = false;
    return Value();
}

void cast_from_json(const Column& input, const Type& to, Column& out, bool try_cast) {
    static thread_local simdjson::dom::parser parser;
    const size_t rows = input.size();
    for (size_t i = 0; i < rows; ++i) {
        if (input.is_null(i)) {
            out.append_null();
            continue;
        }
        const std::string_view text = input.string_at(i);
        simdjson::dom::element element;
        bool ok = !parser.parse(text.data(), text.size(), true).get(element);
        Value value;
        if (ok) {
            const bool scalar = element.type() != simdjson::dom::element_type::ARRAY &&
                                element.type() != simdjson::dom::element_type::OBJECT;
            ok = scalar || to.is_nested();
            if (ok) value = json_element_value(element, to, try_cast, &ok);
        }
        if (!ok) {
            if (!try_cast) raise_cast_failure(input, i, to);
            out.append_null();
            continue;
        }
        out.append_value(value);
    }
}

// ---------------------------------------------------------------- temporal targets

void cast_to_temporal(const Column& input, const Type& to, Column& out, bool try_cast) {
    const TypeId from = input.type().id();
    const TypeId target = to.id();
    if (from == TypeId::kVarchar) {
        if (target == TypeId::kDate) {
            convert_fixed<int32_t>(input, to, out, try_cast, [&](size_t i, int32_t& r) {
                auto parsed = parse_date(input.string_at(i));
                r = parsed.value_or(0);
                return parsed.has_value();
            });
        } else {
            convert_fixed<int64_t>(input, to, out, try_cast, [&](size_t i, int64_t& r) {
                auto parsed = parse_timestamp(input.string_at(i));
                r = parsed.value_or(0);
                return parsed.has_value();
            });
        }
        return;
    }
    if (from == TypeId::kDate) {
        kernel::unary<int32_t, int64_t>(input, out, [](int32_t d) { return static_cast<int64_t>(d) * kMicrosPerDay; });
        kernel::copy_validity(input, out, out.size() - input.size());
        return;
    }
    if (from == TypeId::kTimestamp || from == TypeId::kTimestampTz) {
        if (target == TypeId::kDate) {
            kernel::unary<int64_t, int32_t>(input, out, [](int64_t t) {
                return static_cast<int32_t>(floor_div(t, kMicrosPerDay));
            });
        } else {
            kernel::unary<int64_t, int64_t>(input, out, [](int64_t t) { return t; });
        }
        kernel::copy_validity(input, out, out.size() - input.size());
        return;
    }
    raise(ErrorCode::kInvalidCast, "cannot cast {} to {}", input.type().to_string(), to.to_string());
}

// ---------------------------------------------------------------- nested targets

void cast_array(const Column& input, const Type& to, Column& out, bool try_cast, const FunctionContext* context) {
    const size_t rows = input.size();
    const size_t base = out.size();
    const int32_t* offsets = input.offsets();
    const Column& elements = input.children()[0];
    Column& out_elements = out.children()[0];
    const int32_t start = rows ? offsets[0] : 0, end = rows ? offsets[rows] : 0;
    const int32_t out_base = static_cast<int32_t>(out_elements.size());
    if (start == 0 && static_cast<size_t>(end) == elements.size()) {
        cast_column(elements, to.element(), out_elements, try_cast, context);
    } else {
        Column slice(elements.type());
        slice.append_range(elements, start, end - start);
        cast_column(slice, to.element(), out_elements, try_cast, context);
    }
    out.data().reserve((base + rows + 1) * sizeof(int32_t));
    for (size_t i = 1; i <= rows; ++i) out.data().push<int32_t>(out_base + offsets[i] - start);
    out.set_size(base + rows);
    kernel::copy_validity(input, out, base);
}

void cast_row(const Column& input, const Type& to, Column& out, bool try_cast, const FunctionContext* context) {
    const size_t base = out.size();
    for (size_t f = 0; f < to.children().size(); ++f) {
        cast_column(input.children()[f], to.children()[f], out.children()[f], try_cast, context);
    }
    out.set_size(base + input.size());
    if (input.has_nulls()) {
        out.mutable_validity();
        kernel::copy_validity(input, out, base);
    } else if (out.has_nulls()) {
        std::memset(out.mutable_validity() + base, 1, input.size());
    }
}

}  // namespace

// ---------------------------------------------------------------- public rules

bool can_coerce(const Type& from, const Type& to) {
    if (from == to || from.id() == TypeId::kNull) return true;
    const TypeId f = from.id(), t = to.id();
    if (from.is_integer()) {
        if (to.is_integer()) return integer_rank(f) <= integer_rank(t);
        if (to.is_floating()) return true;
        if (t == TypeId::kDecimal) return to.precision() - to.scale() >= integer_decimal_digits(f);
        return false;
    }
    if (f == TypeId::kDecimal) {
        if (t == TypeId::kDecimal) {
            return to.scale() >= from.scale() && to.precision() - to.scale() >= from.precision() - from.scale();
        }
        return to.is_floating();
    }
    if (f == TypeId::kReal) return t == TypeId::kDouble;
    if (from.is_temporal()) return to.is_temporal() && temporal_rank(f) <= temporal_rank(t);
    if (f == TypeId::kArray && t == TypeId::kArray) return can_coerce(from.element(), to.element());
    if (f == TypeId::kRow && t == TypeId::kRow) {
        if (from.children().size() != to.children().size()) return false;
        for (size_t i = 0; i < from.children().size(); ++i) {
            if (!can_coerce(from.children()[i], to.children()[i])) return false;
        }
        return true;
    }
    return false;
}

std::optional<Type> common_super_type(const Type& a, const Type& b) {
    if (a == b) return a;
    if (a.id() == TypeId::kNull) return b;
    if (b.id() == TypeId::kNull) return a;
    if (a.is_numeric() && b.is_numeric()) {
        if (a.is_integer() && b.is_integer()) return integer_rank(a.id()) >= integer_rank(b.id()) ? a : b;
        if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return Type::double_();
        if (a.id() == TypeId::kReal || b.id() == TypeId::kReal) return Type::real();
        Type x = as_decimal_type(a), y = as_decimal_type(b);
        int scale = std::max(x.scale(), y.scale());
        int integer_digits = std::max(x.precision() - x.scale(), y.precision() - y.scale());
        return Type::decimal(std::min(38, integer_digits + scale), std::min(scale, 38));
    }
    if (a.is_temporal() && b.is_temporal()) return temporal_rank(a.id()) >= temporal_rank(b.id()) ? a : b;
    if (a.id() == TypeId::kArray && b.id() == TypeId::kArray) {
        auto element = common_super_type(a.element(), b.element());
        if (!element) return std::nullopt;
        return Type::array(*element);
    }
    if (a.id() == TypeId::kRow && b.id() == TypeId::kRow && a.children().size() == b.children().size()) {
        std::vector<Type> fields;
        for (size_t i = 0; i < a.children().size(); ++i) {
            auto field = common_super_type(a.children()[i], b.children()[i]);
            if (!field) return std::nullopt;
            fields.push_back(*field);
        }
        return Type::row(a.field_names(), std::move(fields));
    }
    return std::nullopt;
}

bool can_cast(const Type& from, const Type& to) {
    if (from == to || from.id() == TypeId::kNull) return true;
    const TypeId f = from.id(), t = to.id();
    const bool from_scalar_number = from.is_numeric() || f == TypeId::kBoolean;
    const bool to_scalar_number = to.is_numeric() || t == TypeId::kBoolean;
    if (from_scalar_number && to_scalar_number) return true;
    if (t == TypeId::kVarchar) return true;
    if (f == TypeId::kVarchar) {
        return to_scalar_number || to.is_temporal() || t == TypeId::kVarbinary || t == TypeId::kJson;
    }
    if (f == TypeId::kJson) {
        if (t == TypeId::kArray) return can_cast(from, to.element());
        if (t == TypeId::kRow) {
            return std::all_of(to.children().begin(), to.children().end(), [&](const Type& c) { return can_cast(from, c); });
        }
        return to_scalar_number || to.is_temporal();
    }
    if (t == TypeId::kJson) return from_scalar_number || from.is_nested() || from.is_temporal();
    if (from.is_temporal() && to.is_temporal()) return true;
    if (f == TypeId::kArray && t == TypeId::kArray) return can_cast(from.element(), to.element());
    if (f == TypeId::kRow && t == TypeId::kRow) {
        if (from.children().size() != to.children().size()) return false;
        for (size_t i = 0; i < from.children().size(); ++i) {
            if (!can_cast(from.children()[i], to.children()[i])) return false;
        }
        return true;
    }
    return false;
}

void cast_column(const Column& input, const Type& to, Column& out, bool try_cast, const FunctionContext* context) {
    const Type& from = input.type();
    if (from == to) {
        out.append_range(input, 0, input.size());
        return;
    }
    if (from.id() == TypeId::kNull) {
        for (size_t i = 0; i < input.size(); ++i) out.append_null();
        return;
    }
    if (!can_cast(from, to)) {
        raise(ErrorCode::kInvalidCast, "cannot cast {} to {}", from.to_string(), to.to_string());
    }
    if (from.id() == TypeId::kJson && to.id() != TypeId::kVarchar) {
        cast_from_json(input, to, out, try_cast);
        return;
    }
    switch (to.id()) {
        case TypeId::kBoolean: cast_to_numeric<uint8_t>(input, to, out, try_cast); return;
        case TypeId::kTinyInt: cast_to_numeric<int8_t>(input, to, out, try_cast); return;
        case TypeId::kSmallInt: cast_to_numeric<int16_t>(input, to, out, try_cast); return;
        case TypeId::kInteger: cast_to_numeric<int32_t>(input, to, out, try_cast); return;
        case TypeId::kBigInt: cast_to_numeric<int64_t>(input, to, out, try_cast); return;
        case TypeId::kReal: cast_to_numeric<float>(input, to, out, try_cast); return;
        case TypeId::kDouble: cast_to_numeric<double>(input, to, out, try_cast); return;
        case TypeId::kDecimal: cast_to_numeric<int128_t>(input, to, out, try_cast); return;
        case TypeId::kVarchar: cast_to_varchar(input, to, out, try_cast); return;
        case TypeId::kJson: cast_to_json(input, to, out, try_cast); return;
        case TypeId::kVarbinary: out.append_range(input, 0, input.size()); return;
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: cast_to_temporal(input, to, out, try_cast); return;
        case TypeId::kArray: cast_array(input, to, out, try_cast, context); return;
        case TypeId::kRow: cast_row(input, to, out, try_cast, context); return;
        default: break;
    }
    raise(ErrorCode::kInvalidCast, "cannot cast {} to {}", from.to_string(), to.to_string());
}

Value cast_value(const Value& value, const Type& to, bool try_cast) {
    if (value.is_null()) return Value::null(to);
    if (value.type() == to) return value;
    ColumnPtr input = Column::constant(value, 1);
    Column out(to);
    cast_column(*input, to, out, try_cast);
    return out.value_at(0);
}

}  // namespace fedq
