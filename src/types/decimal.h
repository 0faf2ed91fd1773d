// DECIMAL(p,s) helpers over the unscaled 128-bit representation.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "types/type.h"

namespace fedq {

// 10^n for n in 0..38.
int128_t pow10_i128(int n);
// Largest absolute unscaled value for a precision (10^p - 1).
inline int128_t decimal_max(int precision) { return pow10_i128(precision) - 1; }
inline bool decimal_fits(int128_t v, int precision) {
    int128_t max = decimal_max(precision);
    return v <= max && v >= -max;
}
// "-12.50" for unscaled -1250 at scale 2.
std::string format_decimal(int128_t unscaled, int scale);
std::string format_int128(int128_t v);
// Parses "12.5", "-0.001", "1e3" (exponent allowed) into an unscaled value at `scale`, rounding half
// away from zero. Returns nullopt if the text is not a number or does not fit `precision`.
std::optional<int128_t> parse_decimal(std::string_view text, int precision, int scale);
// Smallest (precision, scale) that holds the literal text exactly ("12.50" -> (4,2)).
std::optional<std::pair<int, int>> decimal_literal_shape(std::string_view text);
// Rescales (multiplies or divides by a power of ten, rounding half away from zero).
int128_t rescale_decimal(int128_t v, int from_scale, int to_scale);
double decimal_to_double(int128_t v, int scale);

}  // namespace fedq
