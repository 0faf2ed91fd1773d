// Allocation-free conversion of text fields (CSV fields, JSON strings) to fedq physical values. Each
// function returns false when the text is not a valid value of the type; callers decide whether that
// is an error, a NULL or (during type inference) a reason to widen the type.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "types/type.h"

namespace fedq {

// Strips ASCII spaces and tabs at both ends.
inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "true"/"false" (any case). With `lenient`, also t/f, yes/no, y/n, 1/0 (explicitly typed columns).
bool parse_boolean_text(std::string_view s, bool lenient, uint8_t& out);
bool parse_int64_text(std::string_view s, int64_t& out);
// Integer of a narrower width: checks the range of T.
template <typename T>
bool parse_integer_text(std::string_view s, T& out) {
    int64_t v;
    if (!parse_int64_text(s, v)) return false;
    if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
        return false;
    }
    out = static_cast<T>(v);
    return true;
}
bool parse_double_text(std::string_view s, double& out);
bool parse_date_text(std::string_view s, int32_t& out);
// TIMESTAMP: "YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]" or a bare date. A zone suffix is accepted only with
// `allow_zone` (then the value is converted to UTC).
bool parse_timestamp_text(std::string_view s, bool allow_zone, int64_t& out);
bool parse_decimal_text(std::string_view s, int precision, int scale, int128_t& out);
// "\x0aff..." (how VARBINARY values are written as text) -> the bytes; false (out untouched) for other text.
bool decode_hex_bytes(std::string_view s, std::string& out);

}  // namespace fedq
