#include "types/decimal.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace fedq {

int128_t pow10_i128(int n) {
    static const auto kTable = [] {
        std::array<int128_t, 39> t{};
        t[0] = 1;
        for (int i = 1; i < 39; ++i) t[i] = t[i - 1] * 10;
        return t;
    }();
    return kTable[std::clamp(n, 0, 38)];
}

std::string format_int128(int128_t v) {
    if (v == 0) return "0";
    bool negative = v < 0;
    unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
    std::string out;
    while (u) {
        out.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    }
    if (negative) out.push_back('-');
    std::reverse(out.begin(), out.end());
    return out;
}

std::string format_decimal(int128_t unscaled, int scale) {
    if (scale == 0) return format_int128(unscaled);
    bool negative = unscaled < 0;
    unsigned __int128 u = negative ? -static_cast<unsigned __int128>(unscaled) : static_cast<unsigned __int128>(unscaled);
    std::string digits = format_int128(static_cast<int128_t>(u));
    if (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, 1, '.');
    if (negative) digits.insert(0, 1, '-');
    return digits;
}

std::optional<std::pair<int, int>> decimal_literal_shape(std::string_view text) {
    size_t pos = 0;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
    int integer_digits = 0, fraction_digits = 0;
    bool leading = true;
    bool any_digit = false;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
        any_digit = true;
        if (leading && text[pos] == '0') continue;
        leading = false;
        ++integer_digits;
    }
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) ++fraction_digits;
    }
    if (pos != text.size() || (!any_digit && fraction_digits == 0)) return std::nullopt;
    int precision = std::max(1, integer_digits + fraction_digits);
    if (precision > 38) return std::nullopt;
    return std::make_pair(precision, fraction_digits);
}

std::optional<int128_t> parse_decimal(std::string_view text, int precision, int scale) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
    // Collect digits and the decimal exponent.
    unsigned __int128 mantissa = 0;
    int exponent = 0;  // value = mantissa * 10^exponent
    int significant = 0;
    bool any = false;
    bool dropped_nonzero = false;
    int first_dropped = -1;
    auto add_digit = [&](int d, bool fraction) {
        any = true;
        if (significant < 38) {
            if (mantissa || d) ++significant;
            mantissa = mantissa * 10 + d;
            if (fraction) --exponent;
        } else {
            if (first_dropped < 0) first_dropped = d;
            else if (d) dropped_nonzero = true;
            if (!fraction) ++exponent;
        }
    };
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) add_digit(text[pos] - '0', false);
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) add_digit(text[pos] - '0', true);
    }
    if (!any) return std::nullopt;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        bool exp_negative = false;
        if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) exp_negative = text[pos++] == '-';
        int e = 0;
        size_t start = pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) e = std::min(e * 10 + (text[pos] - '0'), 10000);
        if (start == pos) return std::nullopt;
        exponent += exp_negative ? -e : e;
    }
    if (pos != text.size()) return std::nullopt;
    (void)dropped_nonzero;
    // Bring to the target scale.
    int shift = exponent + scale;
    unsigned __int128 result = mantissa;
    if (shift >= 0) {
        if (shift > 38) {
            if (mantissa == 0) return 0;
            return std::nullopt;
        }
        unsigned __int128 factor = static_cast<unsigned __int128>(pow10_i128(shift));
        if (mantissa && result > static_cast<unsigned __int128>(decimal_max(38)) / factor) return std::nullopt;
        result = mantissa * factor;
    } else {
        int drop = -shift;
        if (drop > 38) {
            result = 0;
        } else {
            unsigned __int128 factor = static_cast<unsigned __int128>(pow10_i128(drop));
            unsigned __int128 remainder = mantissa % factor;
            result = mantissa / factor;
            if (remainder * 2 >= factor) ++result;
        }
    }
    int128_t signed_result = static_cast<int128_t>(result);
    if (negative) signed_result = -signed_result;
    if (!decimal_fits(signed_result, precision)) return std::nullopt;
    return signed_result;
}

int128_t rescale_decimal(int128_t v, int from_scale, int to_scale) {
    if (to_scale == from_scale) return v;
    if (to_scale > from_scale) return v * pow10_i128(to_scale - from_scale);
    int128_t factor = pow10_i128(from_scale - to_scale);
    int128_t q = v / factor;
    int128_t r = v % factor;
    if (r < 0) r = -r;
    if (r * 2 >= factor) q += v < 0 ? -1 : 1;
    return q;
}

double decimal_to_double(int128_t v, int scale) {
    return static_cast<double>(v) / std::pow(10.0, scale);
}

}  // namespace fedq
