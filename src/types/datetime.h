// Calendar arithmetic for DATE (days since 1970-01-01) and TIMESTAMP (microseconds since epoch),
// proleptic Gregorian, no time zone database needed for UTC. Used by casts, functions and formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fedq {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;

struct CivilDate {
    int32_t year;
    uint32_t month;  // 1..12
    uint32_t day;    // 1..31
};

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t days_from_civil(int32_t year, uint32_t month, uint32_t day);
CivilDate civil_from_days(int32_t days);
bool is_valid_civil(int32_t year, uint32_t month, uint32_t day);
uint32_t days_in_month(int32_t year, uint32_t month);

// Floor division helpers for negative timestamps.
inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
inline int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// Strict ISO parsing: "YYYY-MM-DD"; timestamps "YYYY-MM-DD[ T]HH:MM[:SS[.fff...]]" (digits past the
// sixth, i.e. below a microsecond, are dropped) with an optional
// zone suffix ("Z", "+02:00", "+0200", " UTC") which, when present, is applied (result is UTC).
std::optional<int32_t> parse_date(std::string_view text);
std::optional<int64_t> parse_timestamp(std::string_view text, bool* had_zone = nullptr);

std::string format_date(int32_t days);                  // 2024-01-05
std::string format_timestamp(int64_t micros);           // 2024-01-05 10:11:12[.123456] (trailing zeros trimmed to ms/us)
std::string format_timestamp_tz(int64_t micros);        // 2024-01-05 10:11:12 UTC

// Adds months to a date, clamping the day to the month's end (Trino semantics).
int32_t add_months_to_days(int32_t days, int32_t months);

}  // namespace fedq
