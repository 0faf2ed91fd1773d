// Date/time patterns for format_datetime / parse_datetime (Joda-Time letters, as Trino) and
// date_format / date_parse (MySQL % specifiers). A pattern is compiled once into tokens; format()
// and parse() then run without allocating (format appends to a caller-owned string).
//
// Supported Joda letters: G y Y u x w e E D M d a K h H k m s S z Z and 'quoted text'.
// Supported MySQL specifiers: %a %b %c %d %e %f %H %h %I %i %j %k %l %M %m %p %r %S %s %T %v %W %x %Y
// %y %%. Unsupported letters raise kInvalidParameter naming the pattern when it is compiled.
// All values are UTC (the session zone); a zone in parsed text (Z, +hh:mm) is applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fedq {

struct CivilDateTime {
    int32_t year = 1970;
    uint32_t month = 1, day = 1;
    uint32_t hour = 0, minute = 0, second = 0;
    int32_t micros = 0;
    int32_t days = 0;         // days since epoch
    uint32_t day_of_week = 4; // ISO: Monday = 1 .. Sunday = 7
    uint32_t day_of_year = 1;
};

CivilDateTime civil_from_micros(int64_t micros);
// ISO-8601 week number and week-based year.
void iso_week(int32_t days, int32_t& week_year, uint32_t& week);

extern const char* const kMonthNames[12];
extern const char* const kDayNames[7];  // Monday first

class DateTimeFormat {
public:
    static DateTimeFormat joda(std::string_view pattern);
    static DateTimeFormat mysql(std::string_view pattern);

    void format(int64_t micros, std::string& out) const;
    // Parses the whole text; nullopt if it does not match the pattern or names an invalid date.
    std::optional<int64_t> parse(std::string_view text) const;

    enum class Kind : uint8_t {
        kLiteral, kEra, kYear, kYearTwoDigits, kWeekYear, kWeekOfYear, kMonth, kMonthShort, kMonthLong,
        kDay, kDayOfYear, kDayOfWeekNumber, kDayOfWeekShort, kDayOfWeekLong, kHour24, kHour24From1,
        kHour12, kHour12From0, kMinute, kSecond, kFraction, kAmPm, kZoneId, kZoneOffset, kZoneOffsetColon,
    };
    struct Token {
        Kind kind;
        int width = 1;         // minimum digits (or fraction digits)
        std::string literal;
    };

private:
    std::vector<Token> tokens_;
};

}  // namespace fedq
