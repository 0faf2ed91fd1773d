// Unit tests for the types module: Type, Value, datetime and decimal helpers.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "common/error.h"
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/type.h"
#include "types/value.h"

namespace fedq {
namespace {

template <typename F>
ErrorCode error_code_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "expected a fedq::Error";
    return ErrorCode::kInternal;
}

// ---------------------------------------------------------------- Type

TEST(TypeTest, ParseScalarTypes) {
    EXPECT_EQ(parse_type("bigint"), Type::bigint());
    EXPECT_EQ(parse_type("BIGINT"), Type::bigint());
    EXPECT_EQ(parse_type("int"), Type::integer());
    EXPECT_EQ(parse_type("integer"), Type::integer());
    EXPECT_EQ(parse_type("smallint"), Type::smallint());
    EXPECT_EQ(parse_type("tinyint"), Type::tinyint());
    EXPECT_EQ(parse_type("boolean"), Type::boolean());
    EXPECT_EQ(parse_type("real"), Type::real());
    EXPECT_EQ(parse_type("double"), Type::double_());
    EXPECT_EQ(parse_type("varchar"), Type::varchar());
    EXPECT_EQ(parse_type("varchar(20)"), Type::varchar());
    EXPECT_EQ(parse_type("varbinary"), Type::varbinary());
    EXPECT_EQ(parse_type("date"), Type::date());
    EXPECT_EQ(parse_type("timestamp"), Type::timestamp());
    EXPECT_EQ(parse_type("timestamp with time zone"), Type::timestamp_tz());
    EXPECT_EQ(parse_type("json"), Type::json());
}

TEST(TypeTest, ParseDecimal) {
    Type t = parse_type("decimal(10,2)");
    EXPECT_EQ(t.id(), TypeId::kDecimal);
    EXPECT_EQ(t.precision(), 10);
    EXPECT_EQ(t.scale(), 2);
    EXPECT_EQ(parse_type("DECIMAL(38, 0)"), Type::decimal(38, 0));
    EXPECT_NE(parse_type("decimal(10,2)"), Type::decimal(10, 3));
    EXPECT_NE(parse_type("decimal(10,2)"), Type::decimal(11, 2));
}

TEST(TypeTest, ParseNested) {
    Type a = parse_type("array(varchar)");
    EXPECT_EQ(a.id(), TypeId::kArray);
    EXPECT_EQ(a.element(), Type::varchar());
    Type r = parse_type("row(a int, b varchar)");
    ASSERT_EQ(r.id(), TypeId::kRow);
    ASSERT_EQ(r.children().size(), 2u);
    EXPECT_EQ(r.children()[0], Type::integer());
    EXPECT_EQ(r.children()[1], Type::varchar());
    EXPECT_EQ(r.field_names()[0], "a");
    EXPECT_EQ(r.field_names()[1], "b");
    Type deep = parse_type("array(row(x bigint, y array(decimal(5,2))))");
    ASSERT_EQ(deep.id(), TypeId::kArray);
    ASSERT_EQ(deep.element().id(), TypeId::kRow);
    EXPECT_EQ(deep.element().children()[1], Type::array(Type::decimal(5, 2)));
    EXPECT_EQ(deep, Type::array(Type::row({"x", "y"}, {Type::bigint(), Type::array(Type::decimal(5, 2))})));
}

TEST(TypeTest, ParseErrors) {
    EXPECT_EQ(error_code_of([] { parse_type("notatype"); }), ErrorCode::kSyntax);
    EXPECT_EQ(error_code_of([] { parse_type(""); }), ErrorCode::kSyntax);
    EXPECT_EQ(error_code_of([] { parse_type("array(varchar"); }), ErrorCode::kSyntax);
    EXPECT_EQ(error_code_of([] { parse_type("decimal(10,"); }), ErrorCode::kSyntax);
    EXPECT_EQ(error_code_of([] { parse_type("row(a int,)"); }), ErrorCode::kSyntax);
}

TEST(TypeTest, ToStringRoundTrips) {
    std::vector<Type> types = {
        Type::boolean(), Type::tinyint(), Type::smallint(), Type::integer(), Type::bigint(), Type::real(),
        Type::double_(), Type::decimal(12, 2), Type::varchar(), Type::varbinary(), Type::date(),
        Type::timestamp(), Type::timestamp_tz(), Type::json(), Type::array(Type::varchar()),
        Type::array(Type::array(Type::bigint())),
        Type::row({"a", "b"}, {Type::integer(), Type::array(Type::decimal(5, 1))}),
    };
    for (const Type& t : types) {
        SCOPED_TRACE(t.to_string());
        EXPECT_EQ(parse_type(t.to_string()), t);
    }
    EXPECT_EQ(Type::decimal(12, 2).to_string(), "DECIMAL(12,2)");
    EXPECT_EQ(Type::array(Type::varchar()).to_string(), "ARRAY(VARCHAR)");
    EXPECT_EQ(Type::bigint().to_string(), "BIGINT");
}

TEST(TypeTest, EqualityOfNested) {
    EXPECT_EQ(Type::array(Type::integer()), Type::array(Type::integer()));
    EXPECT_NE(Type::array(Type::integer()), Type::array(Type::bigint()));
    EXPECT_NE(Type::array(Type::integer()), Type::integer());
    Type r1 = Type::row({"a", "b"}, {Type::integer(), Type::varchar()});
    Type r2 = Type::row({"a", "b"}, {Type::integer(), Type::varchar()});
    Type r3 = Type::row({"a", "c"}, {Type::integer(), Type::varchar()});
    Type r4 = Type::row({"a", "b"}, {Type::integer(), Type::bigint()});
    Type r5 = Type::row({"a"}, {Type::integer()});
    EXPECT_EQ(r1, r2);
    EXPECT_NE(r1, r4);
    EXPECT_NE(r1, r5);
    EXPECT_NE(r1, r3);
    Type copy = r1;
    EXPECT_EQ(copy, r1);
}

TEST(TypeTest, Properties) {
    EXPECT_TRUE(Type::bigint().is_integer());
    EXPECT_FALSE(Type::double_().is_integer());
    EXPECT_TRUE(Type::decimal(5, 2).is_numeric());
    EXPECT_TRUE(Type::json().is_variable_width());
    EXPECT_TRUE(Type::varbinary().is_variable_width());
    EXPECT_FALSE(Type::array(Type::varchar()).is_variable_width());
    EXPECT_TRUE(Type::row({"a"}, {Type::integer()}).is_nested());
    EXPECT_EQ(Type::boolean().fixed_width(), 1u);
    EXPECT_EQ(Type::smallint().fixed_width(), 2u);
    EXPECT_EQ(Type::integer().fixed_width(), 4u);
    EXPECT_EQ(Type::date().fixed_width(), 4u);
    EXPECT_EQ(Type::timestamp().fixed_width(), 8u);
    EXPECT_EQ(Type::real().fixed_width(), 4u);
    EXPECT_EQ(Type::decimal(38, 2).fixed_width(), 16u);
    EXPECT_EQ(Type::interval().fixed_width(), sizeof(Interval));
    EXPECT_EQ(Type::varchar().fixed_width(), 0u);
    EXPECT_EQ(Type::array(Type::integer()).fixed_width(), 0u);
}

// ---------------------------------------------------------------- Value

TEST(ValueTest, NullSortsFirst) {
    EXPECT_LT(Value::null(Type::bigint()).compare(Value::bigint(std::numeric_limits<int64_t>::min())), 0);
    EXPECT_GT(Value::bigint(-5).compare(Value::null(Type::bigint())), 0);
    EXPECT_EQ(Value::null(Type::bigint()).compare(Value::null(Type::bigint())), 0);
    EXPECT_LT(Value::null(Type::varchar()).compare(Value::varchar("")), 0);
    EXPECT_TRUE(Value::null(Type::integer()) == Value::null(Type::integer()));
    EXPECT_FALSE(Value::null(Type::integer()) == Value::integer(0));
}

TEST(ValueTest, NumericCrossType) {
    EXPECT_EQ(Value::integer(3).compare(Value::bigint(3)), 0);
    EXPECT_LT(Value::tinyint(2).compare(Value::bigint(3)), 0);
    EXPECT_EQ(Value::bigint(2).compare(Value::double_(2.0)), 0);
    EXPECT_LT(Value::bigint(2).compare(Value::double_(2.5)), 0);
    EXPECT_GT(Value::double_(2.5).compare(Value::integer(2)), 0);
    // 2.50 as DECIMAL(3,2) equals 2.5 double and 25 tenths.
    EXPECT_EQ(Value::decimal(250, 3, 2).compare(Value::double_(2.5)), 0);
    EXPECT_EQ(Value::decimal(250, 3, 2).compare(Value::decimal(25, 2, 1)), 0);
    EXPECT_LT(Value::decimal(249, 3, 2).compare(Value::decimal(25, 2, 1)), 0);
    EXPECT_GT(Value::decimal(300, 3, 2).compare(Value::integer(2)), 0);
    EXPECT_EQ(Value::decimal(300, 3, 2).compare(Value::integer(3)), 0);
    EXPECT_LT(Value::decimal(-100, 5, 2).compare(Value::decimal(1, 5, 0)), 0);
}

TEST(ValueTest, NanSortsLast) {
    double nan = std::numeric_limits<double>::quiet_NaN();
    double inf = std::numeric_limits<double>::infinity();
    EXPECT_GT(Value::double_(nan).compare(Value::double_(inf)), 0);
    EXPECT_LT(Value::double_(inf).compare(Value::double_(nan)), 0);
    EXPECT_EQ(Value::double_(nan).compare(Value::double_(nan)), 0);
    EXPECT_LT(Value::null(Type::double_()).compare(Value::double_(nan)), 0);
    EXPECT_LT(Value::double_(-inf).compare(Value::double_(-1e308)), 0);
    EXPECT_EQ(Value::double_(-0.0).compare(Value::double_(0.0)), 0);
}

TEST(ValueTest, StringsAndOthers) {
    EXPECT_LT(Value::varchar("a").compare(Value::varchar("b")), 0);
    EXPECT_LT(Value::varchar("a").compare(Value::varchar("ab")), 0);
    EXPECT_EQ(Value::varchar("abc").compare(Value::varchar("abc")), 0);
    // Byte order, not locale: uppercase before lowercase.
    EXPECT_LT(Value::varchar("Z").compare(Value::varchar("a")), 0);
    EXPECT_LT(Value::boolean(false).compare(Value::boolean(true)), 0);
    EXPECT_LT(Value::date(-1).compare(Value::date(0)), 0);
    EXPECT_LT(Value::timestamp(-1).compare(Value::timestamp(0)), 0);
    Type arr = Type::array(Type::integer());
    Value a12 = Value::nested(arr, {Value::integer(1), Value::integer(2)});
    Value a13 = Value::nested(arr, {Value::integer(1), Value::integer(3)});
    Value a1 = Value::nested(arr, {Value::integer(1)});
    EXPECT_LT(a12.compare(a13), 0);
    EXPECT_LT(a1.compare(a12), 0);
    EXPECT_EQ(a12.compare(Value::nested(arr, {Value::integer(1), Value::integer(2)})), 0);
}

TEST(ValueTest, ToString) {
    EXPECT_EQ(Value::null(Type::bigint()).to_string(), "NULL");
    EXPECT_EQ(Value().to_string(), "NULL");
    EXPECT_EQ(Value::bigint(-42).to_string(), "-42");
    EXPECT_EQ(Value::boolean(true).to_string(), "true");
    EXPECT_EQ(Value::boolean(false).to_string(), "false");
    EXPECT_EQ(Value::varchar("it's").to_string(), "it's");
    EXPECT_EQ(Value::decimal(1250, 4, 2).to_string(), "12.50");
    EXPECT_EQ(Value::decimal(-5, 4, 2).to_string(), "-0.05");
    EXPECT_EQ(Value::date(days_from_civil(2024, 1, 5)).to_string(), "2024-01-05");
    EXPECT_EQ(Value::timestamp(int64_t(days_from_civil(2024, 1, 5)) * kMicrosPerDay + 3600 * kMicrosPerSecond)
                  .to_string(),
              "2024-01-05 01:00:00");
    Type arr = Type::array(Type::integer());
    EXPECT_EQ(Value::nested(arr, {Value::integer(1), Value::integer(2)}).to_string(), "[1, 2]");
    EXPECT_EQ(Value::nested(arr, {}).to_string(), "[]");
    EXPECT_EQ(Value::nested(arr, {Value::integer(1), Value::null(Type::integer())}).to_string(), "[1, NULL]");
    EXPECT_EQ(Value::double_(1.5).to_string(), "1.5");
}

TEST(ValueTest, ToSql) {
    // Typed literals so that the value re-parses with the same type.
    EXPECT_EQ(Value::null(Type::varchar()).to_sql(), "CAST(NULL AS VARCHAR)");
    EXPECT_EQ(Value::varchar("it's").to_sql(), "'it''s'");
    EXPECT_EQ(Value::varchar("").to_sql(), "''");
    EXPECT_EQ(Value::date(days_from_civil(2024, 1, 5)).to_sql(), "DATE '2024-01-05'");
    EXPECT_EQ(Value::decimal(1250, 4, 2).to_sql(), "DECIMAL '12.50'");
    EXPECT_EQ(Value::bigint(7).to_sql(), "BIGINT '7'");
    std::string b = Value::boolean(true).to_sql();
    EXPECT_TRUE(b == "true" || b == "TRUE") << b;
    std::string ts = Value::timestamp(0).to_sql();
    EXPECT_NE(ts.find("TIMESTAMP '1970-01-01 00:00:00"), std::string::npos) << ts;
}

// ---------------------------------------------------------------- datetime

TEST(DatetimeTest, ParseDate) {
    EXPECT_EQ(parse_date("1970-01-01"), 0);
    EXPECT_EQ(parse_date("1970-01-02"), 1);
    EXPECT_EQ(parse_date("1969-12-31"), -1);
    EXPECT_EQ(parse_date("2000-02-29"), days_from_civil(2000, 2, 29));
    EXPECT_EQ(parse_date("2024-01-05"), 19727);
}

TEST(DatetimeTest, ParseDateInvalid) {
    EXPECT_FALSE(parse_date(""));
    EXPECT_FALSE(parse_date("2024"));
    EXPECT_FALSE(parse_date("2024-13-01"));
    EXPECT_FALSE(parse_date("2024-00-10"));
    EXPECT_FALSE(parse_date("2024-02-30"));
    EXPECT_FALSE(parse_date("2023-02-29"));
    EXPECT_FALSE(parse_date("1900-02-29"));
    EXPECT_FALSE(parse_date("2024-01-32"));
    EXPECT_FALSE(parse_date("2024-01-05x"));
    EXPECT_FALSE(parse_date("abcd-ef-gh"));
    EXPECT_FALSE(parse_date("2024/01/05"));
}

TEST(DatetimeTest, ParseDateNegativeYear) {
    auto d = parse_date("-0001-01-01");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, days_from_civil(-1, 1, 1));
    EXPECT_EQ(format_date(*d), "-0001-01-01");
}

TEST(DatetimeTest, ParseTimestamp) {
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00"), 0);
    EXPECT_EQ(parse_timestamp("1970-01-01T00:00:01"), kMicrosPerSecond);
    EXPECT_EQ(parse_timestamp("1970-01-01 00:01"), 60 * kMicrosPerSecond);
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.5"), 500000);
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.123456"), 123456);
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.000001"), 1);
    EXPECT_EQ(parse_timestamp("1969-12-31 23:59:59.999999"), -1);
    EXPECT_EQ(parse_timestamp("2024-01-05 10:11:12"),
              int64_t(19727) * kMicrosPerDay + (10 * 3600 + 11 * 60 + 12) * kMicrosPerSecond);
}

TEST(DatetimeTest, ParseTimestampZones) {
    bool had_zone = true;
    EXPECT_EQ(parse_timestamp("1970-01-01 02:00:00", &had_zone), 2 * 3600 * kMicrosPerSecond);
    EXPECT_FALSE(had_zone);
    had_zone = false;
    EXPECT_EQ(parse_timestamp("1970-01-01 02:00:00Z", &had_zone), 2 * 3600 * kMicrosPerSecond);
    EXPECT_TRUE(had_zone);
    had_zone = false;
    EXPECT_EQ(parse_timestamp("1970-01-01 02:00:00+02:00", &had_zone), 0);
    EXPECT_TRUE(had_zone);
    EXPECT_EQ(parse_timestamp("1970-01-01 02:00:00+0200"), 0);
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00-01:30"), 90 * 60 * kMicrosPerSecond);
    had_zone = false;
    EXPECT_EQ(parse_timestamp("1970-01-01 02:00:00 UTC", &had_zone), 2 * 3600 * kMicrosPerSecond);
    EXPECT_TRUE(had_zone);
    EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00.250Z"), 250000);
}

TEST(DatetimeTest, ParseTimestampExtraFractionDigitsTruncated) {
    // More than 6 fraction digits are accepted; digits beyond microseconds are dropped.
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.1234567"), 123456);
    EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.000000999"), 0);
}

TEST(DatetimeTest, ParseTimestampInvalid) {
    EXPECT_FALSE(parse_timestamp(""));
    EXPECT_FALSE(parse_timestamp("1970-01-01 25:00:00"));
    EXPECT_FALSE(parse_timestamp("1970-01-01 23:60:00"));
    EXPECT_FALSE(parse_timestamp("1970-01-01 23:59:61"));
    EXPECT_FALSE(parse_timestamp("1970-02-30 00:00:00"));
    EXPECT_FALSE(parse_timestamp("1970-01-01 00:00:00."));
    EXPECT_FALSE(parse_timestamp("1970-01-01 00:00:00+25:00"));
    EXPECT_FALSE(parse_timestamp("1970-01-01 00:00:00 garbage"));
    EXPECT_FALSE(parse_timestamp("1970-01-01x00:00:00"));
    EXPECT_FALSE(parse_timestamp("1970-01-01 0:0"));
}

TEST(DatetimeTest, Format) {
    EXPECT_EQ(format_date(0), "1970-01-01");
    EXPECT_EQ(format_date(-1), "1969-12-31");
    EXPECT_EQ(format_date(19727), "2024-01-05");
    EXPECT_EQ(format_timestamp(0), "1970-01-01 00:00:00");
    EXPECT_EQ(format_timestamp(-1), "1969-12-31 23:59:59.999999");
    EXPECT_EQ(format_timestamp(123000), "1970-01-01 00:00:00.123");
    EXPECT_EQ(format_timestamp(123456), "1970-01-01 00:00:00.123456");
    EXPECT_EQ(format_timestamp(500000), "1970-01-01 00:00:00.500");
    EXPECT_EQ(format_timestamp_tz(0), "1970-01-01 00:00:00 UTC");
    EXPECT_EQ(format_timestamp(-kMicrosPerDay), "1969-12-31 00:00:00");
}

TEST(DatetimeTest, FormatParseRoundTrip) {
    for (int64_t micros : {int64_t(0), int64_t(-1), int64_t(1), int64_t(1704449472123456), int64_t(-62135596800000000),
                           int64_t(253402300799999999), int64_t(-123456789012345)}) {
        SCOPED_TRACE(micros);
        EXPECT_EQ(parse_timestamp(format_timestamp(micros)), micros);
    }
}

TEST(DatetimeTest, AddMonthsClamps) {
    auto d = [](int y, unsigned m, unsigned dd) { return days_from_civil(y, m, dd); };
    EXPECT_EQ(add_months_to_days(d(2024, 1, 31), 1), d(2024, 2, 29));
    EXPECT_EQ(add_months_to_days(d(2023, 1, 31), 1), d(2023, 2, 28));
    EXPECT_EQ(add_months_to_days(d(2024, 3, 31), -1), d(2024, 2, 29));
    EXPECT_EQ(add_months_to_days(d(2024, 5, 31), 1), d(2024, 6, 30));
    EXPECT_EQ(add_months_to_days(d(2024, 1, 15), 12), d(2025, 1, 15));
    EXPECT_EQ(add_months_to_days(d(2024, 1, 15), -13), d(2022, 12, 15));
    EXPECT_EQ(add_months_to_days(d(2024, 2, 29), 12), d(2025, 2, 28));
    EXPECT_EQ(add_months_to_days(d(2024, 12, 31), 0), d(2024, 12, 31));
    EXPECT_EQ(add_months_to_days(d(1, 1, 31), -1), d(0, 12, 31));
}

TEST(DatetimeTest, CivilHelpers) {
    EXPECT_EQ(days_in_month(2024, 2), 29u);
    EXPECT_EQ(days_in_month(2023, 2), 28u);
    EXPECT_EQ(days_in_month(2000, 2), 29u);
    EXPECT_EQ(days_in_month(1900, 2), 28u);
    EXPECT_EQ(days_in_month(2023, 4), 30u);
    EXPECT_EQ(days_in_month(2023, 12), 31u);
    EXPECT_TRUE(is_valid_civil(2024, 2, 29));
    EXPECT_FALSE(is_valid_civil(2023, 2, 29));
    EXPECT_FALSE(is_valid_civil(2023, 0, 1));
    EXPECT_FALSE(is_valid_civil(2023, 13, 1));
    EXPECT_FALSE(is_valid_civil(2023, 1, 0));
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(floor_div(-1, kMicrosPerDay), -1);
    EXPECT_EQ(floor_mod(-1, kMicrosPerDay), kMicrosPerDay - 1);
    EXPECT_EQ(floor_div(7, 2), 3);
    EXPECT_EQ(floor_div(-7, 2), -4);
    EXPECT_EQ(floor_mod(-7, 2), 1);
}

TEST(DatetimeTest, CivilRoundTripWideRange) {
    // About +-5500 years around the epoch: every day round-trips and days are consecutive.
    CivilDate prev = civil_from_days(-2000001);
    for (int32_t days = -2000000; days <= 2000000; ++days) {
        CivilDate c = civil_from_days(days);
        ASSERT_EQ(days_from_civil(c.year, c.month, c.day), days);
        ASSERT_TRUE(is_valid_civil(c.year, c.month, c.day));
        bool next_day = c.year == prev.year && c.month == prev.month && c.day == prev.day + 1;
        bool next_month = c.year == prev.year && c.month == prev.month + 1 && c.day == 1 &&
                          prev.day == days_in_month(prev.year, prev.month);
        bool next_year = c.year == prev.year + 1 && c.month == 1 && c.day == 1 && prev.month == 12 && prev.day == 31;
        ASSERT_TRUE(next_day || next_month || next_year) << days;
        prev = c;
    }
}

// ---------------------------------------------------------------- decimal

TEST(DecimalTest, Pow10) {
    EXPECT_EQ(pow10_i128(0), 1);
    EXPECT_EQ(pow10_i128(1), 10);
    EXPECT_EQ(format_int128(pow10_i128(38)), "100000000000000000000000000000000000000");
    EXPECT_EQ(format_int128(decimal_max(38)), "99999999999999999999999999999999999999");
    EXPECT_TRUE(decimal_fits(999, 3));
    EXPECT_TRUE(decimal_fits(-999, 3));
    EXPECT_FALSE(decimal_fits(1000, 3));
    EXPECT_FALSE(decimal_fits(-1000, 3));
}

TEST(DecimalTest, Parse) {
    EXPECT_EQ(parse_decimal("12.5", 10, 2), 1250);
    EXPECT_EQ(parse_decimal("-0.001", 10, 3), -1);
    EXPECT_EQ(parse_decimal("0", 1, 0), 0);
    EXPECT_EQ(parse_decimal("+7", 3, 1), 70);
    EXPECT_EQ(parse_decimal(".5", 3, 1), 5);
    EXPECT_EQ(parse_decimal("5.", 3, 1), 50);
}

TEST(DecimalTest, ParseRoundsHalfAwayFromZero) {
    EXPECT_EQ(parse_decimal("1.25", 10, 1), 13);
    EXPECT_EQ(parse_decimal("1.24", 10, 1), 12);
    EXPECT_EQ(parse_decimal("-1.25", 10, 1), -13);
    EXPECT_EQ(parse_decimal("-1.24", 10, 1), -12);
    EXPECT_EQ(parse_decimal("0.5", 10, 0), 1);
    EXPECT_EQ(parse_decimal("-0.5", 10, 0), -1);
    EXPECT_EQ(parse_decimal("0.4999", 10, 0), 0);
    EXPECT_EQ(parse_decimal("2.675", 10, 2), 268);
}

TEST(DecimalTest, ParseExponent) {
    EXPECT_EQ(parse_decimal("1e3", 10, 0), 1000);
    EXPECT_EQ(parse_decimal("1E3", 10, 2), 100000);
    EXPECT_EQ(parse_decimal("1.5e-1", 10, 2), 15);
    EXPECT_EQ(parse_decimal("-2.5e+2", 10, 0), -250);
    EXPECT_EQ(parse_decimal("15e-2", 10, 1), 2);  // 0.15 -> 0.2
}

TEST(DecimalTest, ParseOverflowAndInvalid) {
    EXPECT_FALSE(parse_decimal("1000", 3, 0));
    EXPECT_TRUE(parse_decimal("999", 3, 0));
    EXPECT_TRUE(parse_decimal("10.00", 4, 2));
    EXPECT_FALSE(parse_decimal("100.00", 4, 2));
    EXPECT_FALSE(parse_decimal("9.995", 3, 2));  // rounds to 10.00: does not fit
    EXPECT_FALSE(parse_decimal("1e40", 38, 0));
    EXPECT_FALSE(parse_decimal("", 10, 2));
    EXPECT_FALSE(parse_decimal("abc", 10, 2));
    EXPECT_FALSE(parse_decimal("1.2.3", 10, 2));
    EXPECT_FALSE(parse_decimal("-", 10, 2));
    EXPECT_FALSE(parse_decimal("1e", 10, 2));
    EXPECT_FALSE(parse_decimal(".", 10, 2));
    EXPECT_FALSE(parse_decimal("123456789012345678901234567890123456789", 38, 0));
    auto big = parse_decimal("99999999999999999999999999999999999999", 38, 0);
    ASSERT_TRUE(big);
    EXPECT_EQ(*big, decimal_max(38));
}

TEST(DecimalTest, Format) {
    EXPECT_EQ(format_decimal(1250, 2), "12.50");
    EXPECT_EQ(format_decimal(-1250, 2), "-12.50");
    EXPECT_EQ(format_decimal(5, 2), "0.05");
    EXPECT_EQ(format_decimal(-5, 2), "-0.05");
    EXPECT_EQ(format_decimal(0, 2), "0.00");
    EXPECT_EQ(format_decimal(123, 0), "123");
    EXPECT_EQ(format_decimal(-decimal_max(38), 0), "-99999999999999999999999999999999999999");
    EXPECT_EQ(format_decimal(1, 38), "0.00000000000000000000000000000000000001");
    EXPECT_EQ(format_int128(0), "0");
    EXPECT_EQ(format_int128(-123), "-123");
}

TEST(DecimalTest, Rescale) {
    EXPECT_EQ(rescale_decimal(125, 2, 1), 13);
    EXPECT_EQ(rescale_decimal(124, 2, 1), 12);
    EXPECT_EQ(rescale_decimal(-125, 2, 1), -13);
    EXPECT_EQ(rescale_decimal(-124, 2, 1), -12);
    EXPECT_EQ(rescale_decimal(15, 1, 0), 2);
    EXPECT_EQ(rescale_decimal(-15, 1, 0), -2);
    EXPECT_EQ(rescale_decimal(14999, 4, 0), 1);
    EXPECT_EQ(rescale_decimal(12, 1, 3), 1200);
    EXPECT_EQ(rescale_decimal(-12, 1, 3), -1200);
    EXPECT_EQ(rescale_decimal(77, 2, 2), 77);
    EXPECT_EQ(rescale_decimal(5, 1, 0), 1);
    EXPECT_EQ(rescale_decimal(4, 1, 0), 0);
}

TEST(DecimalTest, LiteralShape) {
    using P = std::pair<int, int>;
    EXPECT_EQ(decimal_literal_shape("12.50"), P(4, 2));
    EXPECT_EQ(decimal_literal_shape("12"), P(2, 0));
    EXPECT_EQ(decimal_literal_shape("-12.5"), P(3, 1));
    EXPECT_EQ(decimal_literal_shape("0.001"), P(3, 3));
    EXPECT_EQ(decimal_literal_shape("0"), P(1, 0));
    EXPECT_EQ(decimal_literal_shape("007.50"), P(3, 2));
    EXPECT_FALSE(decimal_literal_shape("abc"));
    EXPECT_FALSE(decimal_literal_shape("1.2.3"));
    EXPECT_FALSE(decimal_literal_shape("123456789012345678901234567890123456789"));
}

// BUG (types/decimal.cpp decimal_literal_shape): text with no digits at all ("", "-", ".") is
// accepted as a literal of shape (1, 0) instead of returning nullopt.
TEST(DecimalTest, LiteralShapeRejectsTextWithoutDigits) {
    EXPECT_FALSE(decimal_literal_shape(""));
    EXPECT_FALSE(decimal_literal_shape("-"));
    EXPECT_FALSE(decimal_literal_shape("."));
}

TEST(DecimalTest, ToDouble) {
    EXPECT_DOUBLE_EQ(decimal_to_double(1250, 2), 12.5);
    EXPECT_DOUBLE_EQ(decimal_to_double(-1, 3), -0.001);
    EXPECT_DOUBLE_EQ(decimal_to_double(0, 5), 0.0);
}

}  // namespace
}  // namespace fedq
