// Date/time functions (Trino names and semantics). DATE is int32 days, TIMESTAMP and TIMESTAMP WITH
// TIME ZONE are int64 microseconds (the latter a UTC instant); the session zone is UTC, so fields of
// both timestamp kinds are read in UTC. Unit and field names ('day', 'month', ...) are resolved once
// at bind time when constant, otherwise per row with a one-entry cache.
#include <cmath>
#include <memory>
#include <string>

#include "common/error.h"
#include "functions/datetime_format.h"
#include "functions/signature.h"
#include "types/datetime.h"

namespace fedq {

namespace {

const Type kVarchar = Type::varchar();
const Type kBigint = Type::bigint();
const Type kDate = Type::date();
const Type kTimestamp = Type::timestamp();
const Type kTimestampTz = Type::timestamp_tz();

bool row_valid(const ScalarArgs& args, size_t row) {
    for (const Column* column : args.columns) {
        if (column->is_null(row)) return false;
    }
    return true;
}

// Micros of row `row` of a DATE / TIMESTAMP / TIMESTAMP WITH TIME ZONE column.
inline int64_t micros_at(const Column& column, size_t row) {
    if (column.type().id() == TypeId::kDate) return int64_t(column.values<int32_t>()[row]) * kMicrosPerDay;
    return column.values<int64_t>()[row];
}

// Writes micros back in the representation of `type`.
inline void append_temporal(Column& out, int64_t micros) {
    if (out.type().id() == TypeId::kDate) out.append<int32_t>(static_cast<int32_t>(floor_div(micros, kMicrosPerDay)));
    else out.append<int64_t>(micros);
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// ---------------------------------------------------------------------------------------- fields

enum class Field {
    kYear, kQuarter, kMonth, kWeek, kDay, kDayOfWeek, kDayOfYear, kYearOfWeek, kHour, kMinute, kSecond,
    kMillisecond, kMicrosecond, kEpoch, kTimezoneHour, kTimezoneMinute,
};

std::optional<Field> parse_field(std::string_view name) {
    const std::string n = lower_ascii(name);
    if (n == "year" || n == "years") return Field::kYear;
    if (n == "quarter") return Field::kQuarter;
    if (n == "month" || n == "months") return Field::kMonth;
    if (n == "week" || n == "week_of_year") return Field::kWeek;
    if (n == "day" || n == "day_of_month" || n == "days") return Field::kDay;
    if (n == "day_of_week" || n == "dow" || n == "isodow") return Field::kDayOfWeek;
    if (n == "day_of_year" || n == "doy") return Field::kDayOfYear;
    if (n == "year_of_week" || n == "yow" || n == "isoyear") return Field::kYearOfWeek;
    if (n == "hour" || n == "hours") return Field::kHour;
    if (n == "minute" || n == "minutes") return Field::kMinute;
    if (n == "second" || n == "seconds") return Field::kSecond;
    if (n == "millisecond" || n == "milliseconds") return Field::kMillisecond;
    if (n == "microsecond" || n == "microseconds") return Field::kMicrosecond;
    if (n == "epoch") return Field::kEpoch;
    if (n == "timezone_hour") return Field::kTimezoneHour;
    if (n == "timezone_minute") return Field::kTimezoneMinute;
    return std::nullopt;
}

bool is_time_field(Field field) {
    return field == Field::kHour || field == Field::kMinute || field == Field::kSecond ||
           field == Field::kMillisecond || field == Field::kMicrosecond || field == Field::kTimezoneHour ||
           field == Field::kTimezoneMinute;
}

int64_t extract_field(Field field, int64_t micros) {
    const int64_t days = floor_div(micros, kMicrosPerDay);
    const int64_t time = micros - days * kMicrosPerDay;
    switch (field) {
        case Field::kHour: return time / (3600 * kMicrosPerSecond);
        case Field::kMinute: return time / (60 * kMicrosPerSecond) % 60;
        case Field::kSecond: return time / kMicrosPerSecond % 60;
        case Field::kMillisecond: return time / 1000 % 1000;
        case Field::kMicrosecond: return time % kMicrosPerSecond;
        case Field::kEpoch: return floor_div(micros, kMicrosPerSecond);
        case Field::kTimezoneHour: case Field::kTimezoneMinute: return 0;
        case Field::kDayOfWeek: return floor_mod(days + 3, 7) + 1;
        default: break;
    }
    const CivilDate date = civil_from_days(static_cast<int32_t>(days));
    switch (field) {
        case Field::kYear: return date.year;
        case Field::kQuarter: return (date.month - 1) / 3 + 1;
        case Field::kMonth: return date.month;
        case Field::kDay: return date.day;
        case Field::kDayOfYear: return days - days_from_civil(date.year, 1, 1) + 1;
        case Field::kWeek: case Field::kYearOfWeek: {
            int32_t week_year;
            uint32_t week;
            iso_week(static_cast<int32_t>(days), week_year, week);
            return field == Field::kWeek ? week : week_year;
        }
        default: return 0;
    }
}

ScalarKernel field_kernel(Field field) {
    return [field](const ScalarArgs& args, Column& out) {
        const Column& input = *args.columns[0];
        if (input.type().id() == TypeId::kDate && field != Field::kDayOfWeek) {
            const int32_t* days = input.values<int32_t>();
            fill_rows<int64_t>(out, args.rows, [&](size_t r) { return extract_field(field, days[r] * kMicrosPerDay); });
            return;
        }
        fill_rows<int64_t>(out, args.rows, [&](size_t r) { return extract_field(field, micros_at(input, r)); });
    };
}

void register_field_function(FunctionRegistry& registry, const char* name, Field field) {
    for (const Type& type : {kDate, kTimestamp, kTimestampTz}) {
        if (type == kDate && is_time_field(field)) continue;
        registry.add_scalar(name, fixed_signature({type}, kBigint, field_kernel(field)));
    }
}

std::optional<BoundScalarFunction> bind_extract(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (types.size() != 2 || !accepts(kVarchar, types[0]) || !types[1].is_temporal()) return std::nullopt;
    if (const std::string* name = constant_string(constants, 0)) {
        std::optional<Field> field = parse_field(*name);
        if (!field || (types[1].id() == TypeId::kDate && is_time_field(*field))) {
            raise(ErrorCode::kInvalidParameter, "Invalid EXTRACT field '{}' for {}", *name, types[1].to_string());
        }
        if (*field == Field::kEpoch) {  // fractional seconds since the epoch
            return make_bound({kVarchar, types[1]}, Type::double_(), [](const ScalarArgs& args, Column& out) {
                const Column& input = *args.columns[1];
                fill_rows<double>(out, args.rows, [&](size_t r) { return double(micros_at(input, r)) / 1e6; });
            });
        }
        return make_bound({kVarchar, types[1]}, kBigint, [kernel = field_kernel(*field)](const ScalarArgs& args,
                                                                                         Column& out) {
            ScalarArgs shifted = args;
            shifted.columns.erase(shifted.columns.begin());
            kernel(shifted, out);
        });
    }
    return make_bound({kVarchar, types[1]}, kBigint, [](const ScalarArgs& args, Column& out) {
        const Column& input = *args.columns[1];
        std::string last;
        Field field = Field::kYear;
        fill_rows<int64_t>(out, args.rows, [&](size_t r) -> int64_t {
            if (!row_valid(args, r)) return 0;
            std::string_view name = args.columns[0]->string_at(r);
            if (name != last || r == 0) {
                std::optional<Field> parsed = parse_field(name);
                if (!parsed) raise(ErrorCode::kInvalidParameter, "Invalid EXTRACT field '{}'", name);
                field = *parsed;
                last.assign(name);
            }
            return extract_field(field, micros_at(input, r));
        });
    });
}

// ---------------------------------------------------------------------------------------- units

enum class Unit { kMicrosecond, kMillisecond, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

Unit parse_unit(std::string_view name, bool date_only) {
    const std::string n = lower_ascii(name);
    std::optional<Unit> unit;
    if (n == "microsecond") unit = Unit::kMicrosecond;
    else if (n == "millisecond") unit = Unit::kMillisecond;
    else if (n == "second") unit = Unit::kSecond;
    else if (n == "minute") unit = Unit::kMinute;
    else if (n == "hour") unit = Unit::kHour;
    else if (n == "day") unit = Unit::kDay;
    else if (n == "week") unit = Unit::kWeek;
    else if (n == "month") unit = Unit::kMonth;
    else if (n == "quarter") unit = Unit::kQuarter;
    else if (n == "year") unit = Unit::kYear;
    if (!unit || (date_only && *unit < Unit::kDay)) {
        raise(ErrorCode::kInvalidParameter, "'{}' is not a valid {} field", name, date_only ? "DATE" : "TIMESTAMP");
    }
    return *unit;
}

int64_t unit_micros(Unit unit) {
    switch (unit) {
        case Unit::kMicrosecond: return 1;
        case Unit::kMillisecond: return 1000;
        case Unit::kSecond: return kMicrosPerSecond;
        case Unit::kMinute: return 60 * kMicrosPerSecond;
        case Unit::kHour: return 3600 * kMicrosPerSecond;
        case Unit::kDay: return kMicrosPerDay;
        case Unit::kWeek: return 7 * kMicrosPerDay;
        default: return 0;
    }
}

int64_t unit_months(Unit unit) { return unit == Unit::kMonth ? 1 : unit == Unit::kQuarter ? 3 : 12; }

int64_t truncate(Unit unit, int64_t micros) {
    if (unit == Unit::kWeek) {  // weeks start on Monday
        int64_t days = floor_div(micros, kMicrosPerDay);
        return (days - floor_mod(days + 3, 7)) * kMicrosPerDay;
    }
    if (unit_micros(unit)) return floor_div(micros, unit_micros(unit)) * unit_micros(unit);
    CivilDate date = civil_from_days(static_cast<int32_t>(floor_div(micros, kMicrosPerDay)));
    uint32_t month = unit == Unit::kMonth ? date.month : unit == Unit::kQuarter ? (date.month - 1) / 3 * 3 + 1 : 1;
    return int64_t(days_from_civil(date.year, month, 1)) * kMicrosPerDay;
}

int64_t add_units(Unit unit, int64_t amount, int64_t micros) {
    if (unit_micros(unit)) return micros + amount * unit_micros(unit);
    const int64_t days = floor_div(micros, kMicrosPerDay);
    const int64_t time = micros - days * kMicrosPerDay;
    const int64_t months = amount * unit_months(unit);
    if (months > INT32_MAX || months < INT32_MIN) raise(ErrorCode::kNumericOverflow, "date_add overflow");
    return int64_t(add_months_to_days(static_cast<int32_t>(days), static_cast<int32_t>(months))) * kMicrosPerDay +
           time;
}

// Whole units from a to b (Trino/Joda semantics: month-based units count complete months).
int64_t diff_units(Unit unit, int64_t a, int64_t b) {
    if (unit_micros(unit)) return (b - a) / unit_micros(unit);
    const CivilDate x = civil_from_days(static_cast<int32_t>(floor_div(a, kMicrosPerDay)));
    const CivilDate y = civil_from_days(static_cast<int32_t>(floor_div(b, kMicrosPerDay)));
    int64_t months = (int64_t(y.year) - x.year) * 12 + (int64_t(y.month) - x.month);
    const int64_t moved = add_units(Unit::kMonth, months, a);
    if (months > 0 && moved > b) --months;
    if (months < 0 && moved < b) ++months;
    return months / unit_months(unit);
}

// A kernel over a (unit, ...) call: resolves the unit once when constant, else per row.
template <typename Body>
ScalarKernel unit_kernel(const ConstantArgs& constants, bool date_only, Body body) {
    std::optional<Unit> fixed;
    if (const std::string* name = constant_string(constants, 0)) fixed = parse_unit(*name, date_only);
    return [fixed, date_only, body](const ScalarArgs& args, Column& out) {
        std::optional<Unit> unit = fixed;
        std::string last;
        for (size_t row = 0; row < args.rows; ++row) {
            if (!fixed) {
                if (!row_valid(args, row)) {
                    out.append_null();
                    continue;
                }
                std::string_view name = args.columns[0]->string_at(row);
                if (!unit || name != last) {
                    unit = parse_unit(name, date_only);
                    last.assign(name);
                }
            }
            body(*unit, args, row, out);
        }
    };
}

std::optional<BoundScalarFunction> bind_date_trunc(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (types.size() != 2 || !accepts(kVarchar, types[0]) || !types[1].is_temporal()) return std::nullopt;
    const bool is_date = types[1].id() == TypeId::kDate;
    return make_bound({kVarchar, types[1]}, types[1], unit_kernel(constants, is_date,
        [](Unit unit, const ScalarArgs& args, size_t row, Column& out) {
            append_temporal(out, truncate(unit, micros_at(*args.columns[1], row)));
        }));
}

std::optional<BoundScalarFunction> bind_date_add(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (types.size() != 3 || !accepts(kVarchar, types[0]) || !accepts(kBigint, types[1]) || !types[2].is_temporal()) {
        return std::nullopt;
    }
    const bool is_date = types[2].id() == TypeId::kDate;
    return make_bound({kVarchar, kBigint, types[2]}, types[2], unit_kernel(constants, is_date,
        [](Unit unit, const ScalarArgs& args, size_t row, Column& out) {
            append_temporal(out, add_units(unit, args.columns[1]->values<int64_t>()[row],
                                           micros_at(*args.columns[2], row)));
        }));
}

std::optional<BoundScalarFunction> bind_date_diff(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (types.size() != 3 || !accepts(kVarchar, types[0]) || !types[1].is_temporal() || !types[2].is_temporal()) {
        return std::nullopt;
    }
    Type common = types[1] == types[2] ? types[1] : types[1].id() == TypeId::kTimestampTz ||
                                                    types[2].id() == TypeId::kTimestampTz ? kTimestampTz : kTimestamp;
    if (types[1].id() == TypeId::kNull) common = types[2];
    const bool is_date = common.id() == TypeId::kDate;
    return make_bound({kVarchar, common, common}, kBigint, unit_kernel(constants, is_date,
        [](Unit unit, const ScalarArgs& args, size_t row, Column& out) {
            out.append<int64_t>(diff_units(unit, micros_at(*args.columns[1], row), micros_at(*args.columns[2], row)));
        }));
}

// ---------------------------------------------------------------------------------------- formats

enum class PatternStyle { kJoda, kMysql };

DateTimeFormat compile(PatternStyle style, std::string_view pattern) {
    return style == PatternStyle::kJoda ? DateTimeFormat::joda(pattern) : DateTimeFormat::mysql(pattern);
}

// format_datetime / date_format: (temporal, pattern) -> VARCHAR.
std::optional<BoundScalarFunction> bind_format(PatternStyle style, const std::vector<Type>& types,
                                               const ConstantArgs& constants) {
    if (types.size() != 2 || !types[0].is_temporal() || !accepts(kVarchar, types[1])) return std::nullopt;
    std::shared_ptr<const DateTimeFormat> fixed;
    if (const std::string* pattern = constant_string(constants, 1)) {
        fixed = std::make_shared<const DateTimeFormat>(compile(style, *pattern));
    }
    return make_bound({types[0], kVarchar}, kVarchar, [fixed, style](const ScalarArgs& args, Column& out) {
        std::optional<DateTimeFormat> current;
        std::string last, scratch;
        for (size_t row = 0; row < args.rows; ++row) {
            const DateTimeFormat* format = fixed.get();
            if (!format) {
                if (!row_valid(args, row)) {
                    out.append_null();
                    continue;
                }
                std::string_view pattern = args.columns[1]->string_at(row);
                if (!current || pattern != last) {
                    current = compile(style, pattern);
                    last.assign(pattern);
                }
                format = &*current;
            }
            scratch.clear();
            format->format(micros_at(*args.columns[0], row), scratch);
            out.append_string(scratch);
        }
    });
}

// date_parse / parse_datetime: (VARCHAR, pattern) -> TIMESTAMP / TIMESTAMP WITH TIME ZONE.
std::optional<BoundScalarFunction> bind_parse(PatternStyle style, const Type& result, const std::vector<Type>& types,
                                              const ConstantArgs& constants) {
    if (!matches(types, {kVarchar, kVarchar})) return std::nullopt;
    std::shared_ptr<const DateTimeFormat> fixed;
    if (const std::string* pattern = constant_string(constants, 1)) {
        fixed = std::make_shared<const DateTimeFormat>(compile(style, *pattern));
    }
    return make_bound({kVarchar, kVarchar}, result, [fixed, style](const ScalarArgs& args, Column& out) {
        std::optional<DateTimeFormat> current;
        std::string last;
        for (size_t row = 0; row < args.rows; ++row) {
            if (!row_valid(args, row)) {
                out.append_null();
                continue;
            }
            const DateTimeFormat* format = fixed.get();
            std::string_view pattern = args.columns[1]->string_at(row);
            if (!format) {
                if (!current || pattern != last) {
                    current = compile(style, pattern);
                    last.assign(pattern);
                }
                format = &*current;
            }
            std::string_view text = args.columns[0]->string_at(row);
            std::optional<int64_t> micros = format->parse(text);
            if (!micros) raise(ErrorCode::kInvalidDatetime, "Invalid format: '{}' does not match '{}'", text, pattern);
            out.append<int64_t>(*micros);
        }
    });
}

std::string iso8601(const Type& type, int64_t value) {
    if (type.id() == TypeId::kDate) return format_date(static_cast<int32_t>(value));
    std::string text = format_timestamp(value);
    text[text.find(' ')] = 'T';
    if (type.id() == TypeId::kTimestampTz) text += 'Z';
    return text;
}

// ---------------------------------------------------------------------------------------- misc kernels

template <typename F>
void register_temporal_unary(FunctionRegistry& registry, const char* name, const Type& result, F body,
                             bool include_date = true, const char* description = "") {
    for (const Type& type : {kDate, kTimestamp, kTimestampTz}) {
        if (type == kDate && !include_date) continue;
        registry.add_scalar(name, fixed_signature({type}, result, [body](const ScalarArgs& args, Column& out) {
            const Column& input = *args.columns[0];
            for (size_t row = 0; row < args.rows; ++row) body(micros_at(input, row), out);
        }), description);
    }
}

ScalarKernel now_kernel(const Type& type) {
    return [type](const ScalarArgs& args, Column& out) {
        const int64_t now = args.context ? args.context->query_start_micros : 0;
        if (type.id() == TypeId::kDate) {
            const int32_t today = static_cast<int32_t>(floor_div(now, kMicrosPerDay));
            fill_rows<int32_t>(out, args.rows, [&](size_t) { return today; });
        } else {
            fill_rows<int64_t>(out, args.rows, [&](size_t) { return now; });
        }
    };
}

void register_now(FunctionRegistry& registry, const char* name, const Type& type, const char* description) {
    registry.add_scalar(name, [type](const std::vector<Type>& types,
                                     const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (!types.empty()) return std::nullopt;
        return make_bound({}, type, now_kernel(type), true, false);
    }, description);
}

}  // namespace

void register_datetime_functions(FunctionRegistry& registry) {
    const Type V = kVarchar, B = kBigint, D = Type::double_();

    register_now(registry, "current_date", kDate, "the current date (UTC) at query start");
    register_now(registry, "current_timestamp", kTimestampTz, "the query start time");
    register_now(registry, "now", kTimestampTz, "the query start time");
    register_now(registry, "localtimestamp", kTimestamp, "the query start time in the session zone");
    registry.add_scalar("current_timezone", [](const std::vector<Type>& types,
                                               const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (!types.empty()) return std::nullopt;
        return make_bound({}, kVarchar, [](const ScalarArgs& args, Column& out) {
            const std::string zone = args.context ? args.context->time_zone : "UTC";
            for (size_t row = 0; row < args.rows; ++row) out.append_string(zone);
        }, true, false);
    }, "the session time zone");

    registry.add_scalar("date_trunc", bind_date_trunc, "truncates to a unit (second .. year)");
    registry.add_scalar("date_add", bind_date_add, "adds n units to a date or timestamp");
    registry.add_scalar("date_diff", bind_date_diff, "whole units between two dates or timestamps");
    registry.add_scalar("extract", bind_extract, "a field of a date or timestamp");

    const std::pair<const char*, Field> fields[] = {
        {"year", Field::kYear}, {"quarter", Field::kQuarter}, {"month", Field::kMonth}, {"week", Field::kWeek},
        {"week_of_year", Field::kWeek}, {"day", Field::kDay}, {"day_of_month", Field::kDay},
        {"day_of_week", Field::kDayOfWeek}, {"dow", Field::kDayOfWeek}, {"day_of_year", Field::kDayOfYear},
        {"doy", Field::kDayOfYear}, {"year_of_week", Field::kYearOfWeek}, {"yow", Field::kYearOfWeek},
        {"hour", Field::kHour}, {"minute", Field::kMinute}, {"second", Field::kSecond},
        {"millisecond", Field::kMillisecond}, {"timezone_hour", Field::kTimezoneHour},
        {"timezone_minute", Field::kTimezoneMinute},
    };
    for (const auto& [name, field] : fields) register_field_function(registry, name, field);

    registry.add_scalar("from_unixtime", fixed_signature({D}, kTimestampTz, [](const ScalarArgs& args, Column& out) {
        const double* seconds = args.columns[0]->values<double>();
        fill_rows<int64_t>(out, args.rows, [&](size_t r) -> int64_t {
            double micros = std::round(seconds[r] * 1e6);
            if (!(std::fabs(micros) < 9.2e18)) {
                if (args.columns[0]->is_valid(r)) raise(ErrorCode::kNumericOverflow, "from_unixtime out of range: {}", seconds[r]);
                return 0;
            }
            return static_cast<int64_t>(micros);
        });
    }), "TIMESTAMP WITH TIME ZONE from seconds since the epoch");
    for (const Type& type : {kDate, kTimestamp, kTimestampTz}) {
        registry.add_scalar("to_unixtime", fixed_signature({type}, D, [](const ScalarArgs& args, Column& out) {
            fill_rows<double>(out, args.rows, [&](size_t r) { return double(micros_at(*args.columns[0], r)) / 1e6; });
        }), "seconds since the epoch");
        registry.add_scalar("to_iso8601", fixed_signature({type}, V, [type](const ScalarArgs& args, Column& out) {
            const Column& input = *args.columns[0];
            for (size_t row = 0; row < args.rows; ++row) {
                int64_t value = type.id() == TypeId::kDate ? input.values<int32_t>()[row] : input.values<int64_t>()[row];
                out.append_string(iso8601(type, value));
            }
        }), "ISO 8601 text");
    }
    registry.add_scalar("from_iso8601_timestamp", fixed_signature({V}, kTimestampTz, [](const ScalarArgs& args,
                                                                                       Column& out) {
        const Column& input = *args.columns[0];
        fill_rows<int64_t>(out, args.rows, [&](size_t r) -> int64_t {
            if (input.is_null(r)) return 0;
            std::optional<int64_t> micros = parse_timestamp(input.string_at(r));
            if (!micros) {
                std::optional<int32_t> days = parse_date(input.string_at(r));
                if (!days) raise(ErrorCode::kInvalidDatetime, "Invalid ISO 8601 timestamp: '{}'", input.string_at(r));
                return int64_t(*days) * kMicrosPerDay;
            }
            return *micros;
        });
    }), "parses an ISO 8601 timestamp");
    registry.add_scalar("from_iso8601_date", fixed_signature({V}, kDate, [](const ScalarArgs& args, Column& out) {
        const Column& input = *args.columns[0];
        fill_rows<int32_t>(out, args.rows, [&](size_t r) -> int32_t {
            if (input.is_null(r)) return 0;
            std::optional<int32_t> days = parse_date(input.string_at(r));
            if (!days) raise(ErrorCode::kInvalidDatetime, "Invalid ISO 8601 date: '{}'", input.string_at(r));
            return *days;
        });
    }), "parses an ISO 8601 date");

    registry.add_scalar("format_datetime", [](const std::vector<Type>& t, const ConstantArgs& c) {
        return bind_format(PatternStyle::kJoda, t, c);
    }, "formats with a Joda-Time pattern (yyyy-MM-dd HH:mm:ss)");
    registry.add_scalar("date_format", [](const std::vector<Type>& t, const ConstantArgs& c) {
        return bind_format(PatternStyle::kMysql, t, c);
    }, "formats with a MySQL pattern (%Y-%m-%d %H:%i:%s)");
    registry.add_scalar("date_parse", [](const std::vector<Type>& t, const ConstantArgs& c) {
        return bind_parse(PatternStyle::kMysql, kTimestamp, t, c);
    }, "parses with a MySQL pattern into a TIMESTAMP");
    registry.add_scalar("parse_datetime", [](const std::vector<Type>& t, const ConstantArgs& c) {
        return bind_parse(PatternStyle::kJoda, kTimestampTz, t, c);
    }, "parses with a Joda-Time pattern into a TIMESTAMP WITH TIME ZONE");

    registry.add_scalar("date", fixed_signature({V}, kDate, [](const ScalarArgs& args, Column& out) {
        const Column& input = *args.columns[0];
        fill_rows<int32_t>(out, args.rows, [&](size_t r) -> int32_t {
            if (input.is_null(r)) return 0;
            std::optional<int32_t> days = parse_date(input.string_at(r));
            if (!days) raise(ErrorCode::kInvalidCast, "Value cannot be cast to date: {}", input.string_at(r));
            return *days;
        });
    }), "converts to a DATE");
    register_temporal_unary(registry, "date", kDate, [](int64_t micros, Column& out) {
        out.append<int32_t>(static_cast<int32_t>(floor_div(micros, kMicrosPerDay)));
    });
    register_temporal_unary(registry, "last_day_of_month", kDate, [](int64_t micros, Column& out) {
        CivilDate date = civil_from_days(static_cast<int32_t>(floor_div(micros, kMicrosPerDay)));
        out.append<int32_t>(days_from_civil(date.year, date.month, days_in_month(date.year, date.month)));
    }, true, "the last day of the month");
    auto day_name = [](int64_t micros, Column& out) {
        out.append_string(kDayNames[extract_field(Field::kDayOfWeek, micros) - 1]);
    };
    auto month_name = [](int64_t micros, Column& out) {
        out.append_string(kMonthNames[extract_field(Field::kMonth, micros) - 1]);
    };
    register_temporal_unary(registry, "day_name", V, day_name, true, "English name of the weekday");
    register_temporal_unary(registry, "month_name", V, month_name, true, "English name of the month");
    registry.add_alias("dayname", "day_name");
    registry.add_alias("monthname", "month_name");

    registry.add_scalar("make_date", fixed_signature({B, B, B}, kDate, [](const ScalarArgs& args, Column& out) {
        fill_rows<int32_t>(out, args.rows, [&](size_t r) -> int32_t {
            if (!row_valid(args, r)) return 0;
            const int64_t y = args.columns[0]->values<int64_t>()[r], m = args.columns[1]->values<int64_t>()[r],
                          d = args.columns[2]->values<int64_t>()[r];
            if (y < -9999 || y > 99999 || m < 1 || m > 12 || d < 1 || d > 31 ||
                !is_valid_civil(int32_t(y), uint32_t(m), uint32_t(d))) {
                raise(ErrorCode::kInvalidDatetime, "Invalid date: {}-{}-{}", y, m, d);
            }
            return days_from_civil(int32_t(y), uint32_t(m), uint32_t(d));
        });
    }), "the DATE for year, month, day");
}

}  // namespace fedq
