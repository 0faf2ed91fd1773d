#include "functions/datetime_format.h"

#include <fmt/format.h>

#include <cstring>

#include "common/error.h"
#include "types/datetime.h"

namespace fedq {

const char* const kMonthNames[12] = {"January", "February", "March", "April", "May", "June", "July",
                                     "August", "September", "October", "November", "December"};
const char* const kDayNames[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

CivilDateTime civil_from_micros(int64_t micros) {
    CivilDateTime out;
    const int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t rest = micros - days * kMicrosPerDay;
    out.days = static_cast<int32_t>(days);
    CivilDate date = civil_from_days(out.days);
    out.year = date.year;
    out.month = date.month;
    out.day = date.day;
    out.micros = static_cast<int32_t>(rest % kMicrosPerSecond);
    int64_t seconds = rest / kMicrosPerSecond;
    out.hour = static_cast<uint32_t>(seconds / 3600);
    out.minute = static_cast<uint32_t>(seconds / 60 % 60);
    out.second = static_cast<uint32_t>(seconds % 60);
    out.day_of_week = static_cast<uint32_t>(floor_mod(days + 3, 7)) + 1;
    out.day_of_year = static_cast<uint32_t>(days - days_from_civil(date.year, 1, 1)) + 1;
    return out;
}

void iso_week(int32_t days, int32_t& week_year, uint32_t& week) {
    const int64_t day_of_week = floor_mod(static_cast<int64_t>(days) + 3, 7) + 1;
    const int32_t thursday = static_cast<int32_t>(days - (day_of_week - 1) + 3);
    week_year = civil_from_days(thursday).year;
    week = static_cast<uint32_t>((thursday - days_from_civil(week_year, 1, 1)) / 7 + 1);
}

namespace {

using Kind = DateTimeFormat::Kind;
using Token = DateTimeFormat::Token;

void add_literal(std::vector<Token>& tokens, std::string_view text) {
    if (tokens.empty() || tokens.back().kind != Kind::kLiteral) tokens.push_back({Kind::kLiteral, 1, {}});
    tokens.back().literal.append(text);
}

bool is_numeric(Kind kind) {
    switch (kind) {
        case Kind::kYear: case Kind::kYearTwoDigits: case Kind::kWeekYear: case Kind::kWeekOfYear:
        case Kind::kMonth: case Kind::kDay: case Kind::kDayOfYear: case Kind::kDayOfWeekNumber:
        case Kind::kHour24: case Kind::kHour24From1: case Kind::kHour12: case Kind::kHour12From0:
        case Kind::kMinute: case Kind::kSecond: case Kind::kFraction:
            return true;
        default:
            return false;
    }
}

int max_digits(Kind kind) {
    switch (kind) {
        case Kind::kYear: case Kind::kWeekYear: return 9;
        case Kind::kDayOfYear: return 3;
        case Kind::kFraction: return 9;
        case Kind::kDayOfWeekNumber: return 1;
        default: return 2;
    }
}

void append_number(std::string& out, int64_t value, int width) {
    if (value < 0) {
        out.push_back('-');
        value = -value;
    }
    char buffer[24];
    int length = 0;
    do {
        buffer[length++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value);
    for (int i = length; i < width; ++i) out.push_back('0');
    while (length) out.push_back(buffer[--length]);
}

// Case-insensitive match of `name` (or its first three letters when `abbreviated`) at text[pos].
bool match_name(std::string_view text, size_t& pos, const char* name, bool abbreviated) {
    size_t length = abbreviated ? 3 : std::strlen(name);
    if (pos + length > text.size()) return false;
    for (size_t i = 0; i < length; ++i) {
        if (std::tolower(static_cast<unsigned char>(text[pos + i])) != std::tolower(static_cast<unsigned char>(name[i]))) {
            return false;
        }
    }
    pos += length;
    return true;
}

// Matches one of the 12 month / 7 day names (full names first, then abbreviations); returns its index.
int match_names(std::string_view text, size_t& pos, const char* const* names, int count) {
    for (bool abbreviated : {false, true}) {
        for (int i = 0; i < count; ++i) {
            if (match_name(text, pos, names[i], abbreviated)) return i;
        }
    }
    return -1;
}

}  // namespace

DateTimeFormat DateTimeFormat::joda(std::string_view pattern) {
    DateTimeFormat result;
    auto& tokens = result.tokens_;
    size_t pos = 0;
    while (pos < pattern.size()) {
        const char c = pattern[pos];
        if (c == '\'') {
            size_t end = pos + 1;
            std::string text;
            if (end < pattern.size() && pattern[end] == '\'') {  // '' is a quote
                add_literal(tokens, "'");
                pos = end + 1;
                continue;
            }
            while (end < pattern.size()) {
                if (pattern[end] == '\'') {
                    if (end + 1 < pattern.size() && pattern[end + 1] == '\'') {
                        text.push_back('\'');
                        end += 2;
                        continue;
                    }
                    break;
                }
                text.push_back(pattern[end++]);
            }
            if (end >= pattern.size()) raise(ErrorCode::kInvalidParameter, "Unterminated quote in format '{}'", pattern);
            add_literal(tokens, text);
            pos = end + 1;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            add_literal(tokens, pattern.substr(pos, 1));
            ++pos;
            continue;
        }
        size_t end = pos;
        while (end < pattern.size() && pattern[end] == c) ++end;
        const int count = static_cast<int>(end - pos);
        Token token{Kind::kLiteral, count, {}};
        switch (c) {
            case 'G': token.kind = Kind::kEra; break;
            case 'y': case 'Y': case 'u': token.kind = count == 2 ? Kind::kYearTwoDigits : Kind::kYear; break;
            case 'x': token.kind = Kind::kWeekYear; break;
            case 'w': token.kind = Kind::kWeekOfYear; break;
            case 'e': token.kind = Kind::kDayOfWeekNumber; break;
            case 'E': token.kind = count >= 4 ? Kind::kDayOfWeekLong : Kind::kDayOfWeekShort; break;
            case 'D': token.kind = Kind::kDayOfYear; break;
            case 'M':
                token.kind = count >= 4 ? Kind::kMonthLong : count == 3 ? Kind::kMonthShort : Kind::kMonth;
                break;
            case 'd': token.kind = Kind::kDay; break;
            case 'a': token.kind = Kind::kAmPm; break;
            case 'K': token.kind = Kind::kHour12From0; break;
            case 'h': token.kind = Kind::kHour12; break;
            case 'H': token.kind = Kind::kHour24; break;
            case 'k': token.kind = Kind::kHour24From1; break;
            case 'm': token.kind = Kind::kMinute; break;
            case 's': token.kind = Kind::kSecond; break;
            case 'S': token.kind = Kind::kFraction; break;
            case 'z': token.kind = Kind::kZoneId; break;
            case 'Z':
                token.kind = count >= 3 ? Kind::kZoneId : count == 2 ? Kind::kZoneOffsetColon : Kind::kZoneOffset;
                break;
            default:
                raise(ErrorCode::kInvalidParameter, "Illegal pattern component '{}' in format '{}'", c, pattern);
        }
        tokens.push_back(std::move(token));
        pos = end;
    }
    return result;
}

DateTimeFormat DateTimeFormat::mysql(std::string_view pattern) {
    DateTimeFormat result;
    auto& tokens = result.tokens_;
    for (size_t pos = 0; pos < pattern.size(); ++pos) {
        if (pattern[pos] != '%' || pos + 1 == pattern.size()) {
            add_literal(tokens, pattern.substr(pos, 1));
            continue;
        }
        const char c = pattern[++pos];
        auto add = [&](Kind kind, int width) { tokens.push_back({kind, width, {}}); };
        switch (c) {
            case 'a': add(Kind::kDayOfWeekShort, 1); break;
            case 'b': add(Kind::kMonthShort, 1); break;
            case 'c': add(Kind::kMonth, 1); break;
            case 'd': add(Kind::kDay, 2); break;
            case 'e': add(Kind::kDay, 1); break;
            case 'f': add(Kind::kFraction, 6); break;
            case 'H': add(Kind::kHour24, 2); break;
            case 'h': case 'I': add(Kind::kHour12, 2); break;
            case 'i': add(Kind::kMinute, 2); break;
            case 'j': add(Kind::kDayOfYear, 3); break;
            case 'k': add(Kind::kHour24, 1); break;
            case 'l': add(Kind::kHour12, 1); break;
            case 'M': add(Kind::kMonthLong, 1); break;
            case 'm': add(Kind::kMonth, 2); break;
            case 'p': add(Kind::kAmPm, 1); break;
            case 'r':
                add(Kind::kHour12, 2); add_literal(tokens, ":"); add(Kind::kMinute, 2); add_literal(tokens, ":");
                add(Kind::kSecond, 2); add_literal(tokens, " "); add(Kind::kAmPm, 1);
                break;
            case 'S': case 's': add(Kind::kSecond, 2); break;
            case 'T':
                add(Kind::kHour24, 2); add_literal(tokens, ":"); add(Kind::kMinute, 2); add_literal(tokens, ":");
                add(Kind::kSecond, 2);
                break;
            case 'v': add(Kind::kWeekOfYear, 2); break;
            case 'W': add(Kind::kDayOfWeekLong, 1); break;
            case 'x': add(Kind::kWeekYear, 4); break;
            case 'Y': add(Kind::kYear, 4); break;
            case 'y': add(Kind::kYearTwoDigits, 2); break;
            case '%': add_literal(tokens, "%"); break;
            default:
                raise(ErrorCode::kInvalidParameter, "%{} not supported in date format string '{}'", c, pattern);
        }
    }
    return result;
}

void DateTimeFormat::format(int64_t micros, std::string& out) const {
    const CivilDateTime t = civil_from_micros(micros);
    for (const Token& token : tokens_) {
        switch (token.kind) {
            case Kind::kLiteral: out.append(token.literal); break;
            case Kind::kEra: out.append(t.year > 0 ? "AD" : "BC"); break;
            case Kind::kYear: append_number(out, t.year, token.width); break;
            case Kind::kYearTwoDigits: append_number(out, floor_mod(t.year, 100), 2); break;
            case Kind::kWeekYear:
            case Kind::kWeekOfYear: {
                int32_t week_year;
                uint32_t week;
                iso_week(t.days, week_year, week);
                append_number(out, token.kind == Kind::kWeekYear ? week_year : week, token.width);
                break;
            }
            case Kind::kMonth: append_number(out, t.month, token.width); break;
            case Kind::kMonthShort: out.append(kMonthNames[t.month - 1], 3); break;
            case Kind::kMonthLong: out.append(kMonthNames[t.month - 1]); break;
            case Kind::kDay: append_number(out, t.day, token.width); break;
            case Kind::kDayOfYear: append_number(out, t.day_of_year, token.width); break;
            case Kind::kDayOfWeekNumber: append_number(out, t.day_of_week, token.width); break;
            case Kind::kDayOfWeekShort: out.append(kDayNames[t.day_of_week - 1], 3); break;
            case Kind::kDayOfWeekLong: out.append(kDayNames[t.day_of_week - 1]); break;
            case Kind::kHour24: append_number(out, t.hour, token.width); break;
            case Kind::kHour24From1: append_number(out, t.hour == 0 ? 24 : t.hour, token.width); break;
            case Kind::kHour12: append_number(out, t.hour % 12 == 0 ? 12 : t.hour % 12, token.width); break;
            case Kind::kHour12From0: append_number(out, t.hour % 12, token.width); break;
            case Kind::kMinute: append_number(out, t.minute, token.width); break;
            case Kind::kSecond: append_number(out, t.second, token.width); break;
            case Kind::kFraction: {
                char digits[7];
                fmt::format_to_n(digits, 6, "{:06d}", t.micros);
                for (int i = 0; i < token.width; ++i) out.push_back(i < 6 ? digits[i] : '0');
                break;
            }
            case Kind::kAmPm: out.append(t.hour < 12 ? "AM" : "PM"); break;
            case Kind::kZoneId: out.append("UTC"); break;
            case Kind::kZoneOffset: out.append("+0000"); break;
            case Kind::kZoneOffsetColon: out.append("+00:00"); break;
        }
    }
}

std::optional<int64_t> DateTimeFormat::parse(std::string_view text) const {
    int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0, day_of_year = 0;
    int64_t offset_seconds = 0;
    int pm = -1;  // -1 unknown, 0 AM, 1 PM
    bool twelve_hour = false;
    size_t pos = 0;
    for (size_t i = 0; i < tokens_.size(); ++i) {
        const Token& token = tokens_[i];
        if (token.kind == Kind::kLiteral) {
            if (text.substr(pos, token.literal.size()) != token.literal) return std::nullopt;
            pos += token.literal.size();
            continue;
        }
        if (is_numeric(token.kind)) {
            // Adjacent numeric fields (yyyyMMdd) take exactly their width; otherwise up to the maximum.
            const bool adjacent = i + 1 < tokens_.size() && is_numeric(tokens_[i + 1].kind);
            int limit = adjacent ? token.width : std::max(token.width, max_digits(token.kind));
            if (token.kind == Kind::kYearTwoDigits) limit = 2;
            bool negative = false;
            if ((token.kind == Kind::kYear) && pos < text.size() && text[pos] == '-') {
                negative = true;
                ++pos;
            }
            size_t start = pos;
            int64_t value = 0;
            int digits = 0;
            while (pos < text.size() && digits < limit && text[pos] >= '0' && text[pos] <= '9') {
                value = value * 10 + (text[pos] - '0');
                ++pos;
                ++digits;
            }
            if (pos == start) return std::nullopt;
            if (negative) value = -value;
            switch (token.kind) {
                case Kind::kYear: case Kind::kWeekYear: year = value; break;
                case Kind::kYearTwoDigits: year = value < 70 ? 2000 + value : 1900 + value; break;
                case Kind::kMonth: month = value; break;
                case Kind::kDay: day = value; break;
                case Kind::kDayOfYear: day_of_year = value; break;
                case Kind::kHour24: hour = value; break;
                case Kind::kHour24From1: hour = value == 24 ? 0 : value; break;
                case Kind::kHour12: case Kind::kHour12From0:
                    hour = value;
                    twelve_hour = true;
                    if (value > 12) return std::nullopt;
                    break;
                case Kind::kMinute: minute = value; break;
                case Kind::kSecond: second = value; break;
                case Kind::kFraction: {
                    int64_t scaled = value;
                    for (int d = digits; d < 6; ++d) scaled *= 10;
                    for (int d = 6; d < digits; ++d) scaled /= 10;
                    fraction = scaled;
                    break;
                }
                default: break;  // week numbers and day-of-week numbers are accepted but not used
            }
            continue;
        }
        switch (token.kind) {
            case Kind::kMonthShort: case Kind::kMonthLong: {
                int index = match_names(text, pos, kMonthNames, 12);
                if (index < 0) return std::nullopt;
                month = index + 1;
                break;
            }
            case Kind::kDayOfWeekShort: case Kind::kDayOfWeekLong:
                if (match_names(text, pos, kDayNames, 7) < 0) return std::nullopt;
                break;
            case Kind::kAmPm:
                if (match_name(text, pos, "AM", false)) pm = 0;
                else if (match_name(text, pos, "PM", false)) pm = 1;
                else return std::nullopt;
                break;
            case Kind::kEra:
                if (!match_name(text, pos, "AD", false) && !match_name(text, pos, "CE", false)) return std::nullopt;
                break;
            case Kind::kZoneId:
                if (!match_name(text, pos, "UTC", false) && !match_name(text, pos, "GMT", false) &&
                    !match_name(text, pos, "Z", false)) {
                    return std::nullopt;
                }
                break;
            case Kind::kZoneOffset: case Kind::kZoneOffsetColon: {
                if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
                    ++pos;
                    break;
                }
                if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
                const int sign = text[pos] == '-' ? -1 : 1;
                ++pos;
                auto two = [&](int64_t& v) {
                    if (pos + 2 > text.size() || !isdigit(static_cast<unsigned char>(text[pos])) ||
                        !isdigit(static_cast<unsigned char>(text[pos + 1]))) {
                        return false;
                    }
                    v = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
                    pos += 2;
                    return true;
                };
                int64_t hours, minutes = 0;
                if (!two(hours)) return std::nullopt;
                if (pos < text.size() && text[pos] == ':') ++pos;
                if (pos < text.size() && isdigit(static_cast<unsigned char>(text[pos])) && !two(minutes)) {
                    return std::nullopt;
                }
                if (hours > 18 || minutes > 59) return std::nullopt;
                offset_seconds = sign * (hours * 3600 + minutes * 60);
                break;
            }
            default: return std::nullopt;
        }
    }
    if (pos != text.size()) return std::nullopt;
    if (twelve_hour || pm >= 0) {
        if (hour == 12) hour = 0;
        if (pm == 1) hour += 12;
    }
    if (year < -9999 || year > 99999 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    int64_t days;
    if (day_of_year > 0) {
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (day_of_year > (leap ? 366 : 365)) return std::nullopt;
        days = days_from_civil(static_cast<int32_t>(year), 1, 1) + day_of_year - 1;
    } else {
        if (!is_valid_civil(static_cast<int32_t>(year), static_cast<uint32_t>(month), static_cast<uint32_t>(day))) {
            return std::nullopt;
        }
        days = days_from_civil(static_cast<int32_t>(year), static_cast<uint32_t>(month), static_cast<uint32_t>(day));
    }
    return days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second - offset_seconds) * kMicrosPerSecond + fraction;
}

}  // namespace fedq
