#include "types/datetime.h"

#include <fmt/format.h>

namespace fedq {

int32_t days_from_civil(int32_t y, uint32_t m, uint32_t d) {
    y -= m <= 2;
    const int32_t era = (y >= 0 ? y : y - 399) / 400;
    const uint32_t yoe = static_cast<uint32_t>(y - era * 400);
    const uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

CivilDate civil_from_days(int32_t z) {
    z += 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const uint32_t doe = static_cast<uint32_t>(z - era * 146097);
    const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int32_t y = static_cast<int32_t>(yoe) + era * 400;
    const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const uint32_t mp = (5 * doy + 2) / 153;
    const uint32_t d = doy - (153 * mp + 2) / 5 + 1;
    const uint32_t m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

uint32_t days_in_month(int32_t year, uint32_t month) {
    static const uint32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return kDays[month - 1];
}

bool is_valid_civil(int32_t year, uint32_t month, uint32_t day) {
    return year >= -9999 && year <= 99999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

namespace {

bool digits(std::string_view s, size_t pos, size_t count, int64_t& out) {
    if (pos + count > s.size()) return false;
    out = 0;
    for (size_t i = 0; i < count; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Parses the date part; returns chars consumed or 0.
size_t parse_date_prefix(std::string_view s, int32_t& days) {
    size_t pos = 0;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        pos = 1;
    }
    size_t year_start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    size_t year_len = pos - year_start;
    if (year_len < 4 || year_len > 5) return 0;
    int64_t year, month, day;
    digits(s, year_start, year_len, year);
    if (negative) year = -year;
    if (pos >= s.size() || s[pos] != '-') return 0;
    ++pos;
    size_t month_len = (pos + 1 < s.size() && s[pos + 1] >= '0' && s[pos + 1] <= '9') ? 2 : 1;
    if (!digits(s, pos, month_len, month)) return 0;
    pos += month_len;
    if (pos >= s.size() || s[pos] != '-') return 0;
    ++pos;
    size_t day_len = (pos + 1 < s.size() && s[pos + 1] >= '0' && s[pos + 1] <= '9') ? 2 : 1;
    if (!digits(s, pos, day_len, day)) return 0;
    pos += day_len;
    if (!is_valid_civil(static_cast<int32_t>(year), static_cast<uint32_t>(month), static_cast<uint32_t>(day))) return 0;
    days = days_from_civil(static_cast<int32_t>(year), static_cast<uint32_t>(month), static_cast<uint32_t>(day));
    return pos;
}

}  // namespace

std::optional<int32_t> parse_date(std::string_view text) {
    text = trim(text);
    int32_t days;
    size_t used = parse_date_prefix(text, days);
    if (used == 0 || used != text.size()) return std::nullopt;
    return days;
}

std::optional<int64_t> parse_timestamp(std::string_view text, bool* had_zone) {
    text = trim(text);
    if (had_zone) *had_zone = false;
    int32_t days;
    size_t pos = parse_date_prefix(text, days);
    if (pos == 0) return std::nullopt;
    int64_t micros = static_cast<int64_t>(days) * kMicrosPerDay;
    if (pos == text.size()) return micros;
    if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
    ++pos;
    int64_t hour, minute, second = 0, fraction = 0;
    if (!digits(text, pos, 2, hour)) return std::nullopt;
    pos += 2;
    if (pos >= text.size() || text[pos] != ':') return std::nullopt;
    ++pos;
    if (!digits(text, pos, 2, minute)) return std::nullopt;
    pos += 2;
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!digits(text, pos, 2, second)) return std::nullopt;
        pos += 2;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            int scale = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (scale < 6) {
                    fraction = fraction * 10 + (text[pos] - '0');
                    ++scale;
                }
                ++pos;
            }
            if (scale == 0) return std::nullopt;
            while (scale < 6) {
                fraction *= 10;
                ++scale;
            }
        }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    micros += ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + fraction;
    std::string_view rest = trim(text.substr(pos));
    if (rest.empty()) return micros;
    if (had_zone) *had_zone = true;
    if (rest == "Z" || rest == "UTC" || rest == "GMT" || rest == "+00" || rest == "+00:00") return micros;
    if (rest[0] == '+' || rest[0] == '-') {
        int sign = rest[0] == '-' ? -1 : 1;
        int64_t zh, zm = 0;
        if (!digits(rest, 1, 2, zh)) return std::nullopt;
        size_t p = 3;
        if (p < rest.size() && rest[p] == ':') ++p;
        if (p < rest.size()) {
            if (!digits(rest, p, 2, zm)) return std::nullopt;
            p += 2;
        }
        if (p != rest.size() || zh > 18 || zm > 59) return std::nullopt;
        return micros - sign * (zh * 3600 + zm * 60) * kMicrosPerSecond;
    }
    return std::nullopt;
}

std::string format_date(int32_t days) {
    CivilDate c = civil_from_days(days);
    if (c.year < 0) return fmt::format("-{:04d}-{:02d}-{:02d}", -c.year, c.month, c.day);
    return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
}

std::string format_timestamp(int64_t micros) {
    int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t rest = micros - days * kMicrosPerDay;
    int64_t seconds = rest / kMicrosPerSecond;
    int64_t fraction = rest % kMicrosPerSecond;
    std::string out = format_date(static_cast<int32_t>(days));
    out += fmt::format(" {:02d}:{:02d}:{:02d}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    if (fraction) {
        if (fraction % 1000 == 0) out += fmt::format(".{:03d}", fraction / 1000);
        else out += fmt::format(".{:06d}", fraction);
    }
    return out;
}

std::string format_timestamp_tz(int64_t micros) { return format_timestamp(micros) + " UTC"; }

int32_t add_months_to_days(int32_t days, int32_t months) {
    CivilDate c = civil_from_days(days);
    int64_t total = static_cast<int64_t>(c.year) * 12 + (c.month - 1) + months;
    int32_t year = static_cast<int32_t>(floor_div(total, 12));
    uint32_t month = static_cast<uint32_t>(floor_mod(total, 12)) + 1;
    uint32_t day = std::min(c.day, days_in_month(year, month));
    return days_from_civil(year, month, day);
}

}  // namespace fedq
