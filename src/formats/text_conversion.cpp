#include "formats/text_conversion.h"

#include <fast_float/fast_float.h>

#include <charconv>
#include <limits>

#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool equals_ignore_case(std::string_view s, std::string_view word) {
    if (s.size() != word.size()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        if (lower(s[i]) != word[i]) return false;
    }
    return true;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool parse_boolean_text(std::string_view s, bool lenient, uint8_t& out) {
    s = trim_blanks(s);
    if (equals_ignore_case(s, "true")) {
        out = 1;
        return true;
    }
    if (equals_ignore_case(s, "false")) {
        out = 0;
        return true;
    }
    if (!lenient) return false;
    if (equals_ignore_case(s, "t") || equals_ignore_case(s, "yes") || equals_ignore_case(s, "y") ||
        s == "1") {
        out = 1;
        return true;
    }
    if (equals_ignore_case(s, "f") || equals_ignore_case(s, "no") || equals_ignore_case(s, "n") || s == "0") {
        out = 0;
        return true;
    }
    return false;
}

bool parse_int64_text(std::string_view s, int64_t& out) {
    const char* p = s.data();
    const char* end = p + s.size();
    // Fast path: plain digits with an optional '-' (the common case in data files).
    if (s.size() > 0 && s.size() <= 18) {
        const char* q = p;
        bool negative = false;
        if (*q == '-') {
            negative = true;
            ++q;
        }
        if (q < end) {
            int64_t v = 0;
            const char* r = q;
            while (r < end && is_digit(*r)) v = v * 10 + (*r++ - '0');
            if (r == end) {
                out = negative ? -v : v;
                return true;
            }
        }
    }
    s = trim_blanks(s);
    if (s.empty()) return false;
    p = s.data();
    end = p + s.size();
    if (*p == '+') ++p;
    if (p == end || (!is_digit(*p) && *p != '-')) return false;
    auto result = std::from_chars(p, end, out);
    return result.ec == std::errc() && result.ptr == end;
}

bool parse_double_text(std::string_view s, double& out) {
    s = trim_blanks(s);
    if (s.empty()) return false;
    const char* p = s.data();
    const char* end = p + s.size();
    if (*p == '+') ++p;
    if (p == end) return false;
    auto result = fast_float::from_chars(p, end, out);
    return result.ec == std::errc() && result.ptr == end;
}

bool parse_date_text(std::string_view s, int32_t& out) {
    // Fast path: exactly YYYY-MM-DD.
    if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
        const char* c = s.data();
        if (is_digit(c[0]) && is_digit(c[1]) && is_digit(c[2]) && is_digit(c[3]) && is_digit(c[5]) &&
            is_digit(c[6]) && is_digit(c[8]) && is_digit(c[9])) {
            int32_t year = (c[0] - '0') * 1000 + (c[1] - '0') * 100 + (c[2] - '0') * 10 + (c[3] - '0');
            uint32_t month = static_cast<uint32_t>((c[5] - '0') * 10 + (c[6] - '0'));
            uint32_t day = static_cast<uint32_t>((c[8] - '0') * 10 + (c[9] - '0'));
            if (!is_valid_civil(year, month, day)) return false;
            out = days_from_civil(year, month, day);
            return true;
        }
        return false;
    }
    auto parsed = parse_date(s);
    if (!parsed) return false;
    out = *parsed;
    return true;
}

bool parse_timestamp_text(std::string_view s, bool allow_zone, int64_t& out) {
    bool had_zone = false;
    auto parsed = parse_timestamp(s, &had_zone);
    if (!parsed || (had_zone && !allow_zone)) return false;
    out = *parsed;
    return true;
}

bool parse_decimal_text(std::string_view s, int precision, int scale, int128_t& out) {
    // Fast path: [-]digits[.digits] with at most `scale` fraction digits and <= 18 digits in all.
    const char* p = s.data();
    const char* end = p + s.size();
    bool negative = false;
    if (p < end && *p == '-') {
        negative = true;
        ++p;
    }
    int64_t v = 0;
    int digits = 0, fraction_digits = 0;
    bool ok = p < end;
    const char* start = p;
    while (p < end && is_digit(*p)) {
        v = v * 10 + (*p++ - '0');
        ++digits;
    }
    if (p < end && *p == '.') {
        ++p;
        while (p < end && is_digit(*p) && fraction_digits <= scale) {
            v = v * 10 + (*p++ - '0');
            ++digits;
            ++fraction_digits;
        }
    }
    if (ok && p == end && p > start && digits <= 18 && fraction_digits <= scale && digits > 0) {
        int128_t value = static_cast<int128_t>(v) * pow10_i128(scale - fraction_digits);
        if (negative) value = -value;
        if (!decimal_fits(value, precision)) return false;
        out = value;
        return true;
    }
    auto parsed = parse_decimal(trim_blanks(s), precision, scale);
    if (!parsed) return false;
    out = *parsed;
    return true;
}

bool decode_hex_bytes(std::string_view s, std::string& out) {
    if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || s.size() % 2 != 0) return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string bytes;
    bytes.reserve((s.size() - 2) / 2);
    for (size_t i = 2; i < s.size(); i += 2) {
        int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) return false;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
    }
    out = std::move(bytes);
    return true;
}

}  // namespace fedq
