#include <gtest/gtest.h>

#include "functions/datetime_format.h"
#include "text_test_harness.h"

namespace fedq {
namespace {

using namespace fedq::testing;

Value D(const char* text) { return Value::date(*parse_date(text)); }
Value TS(const char* text) { return Value::timestamp(*parse_timestamp(text)); }
Value TZ(const char* text) { return Value::timestamp_tz(*parse_timestamp(text)); }
std::string S(const std::string& name, const std::vector<Value>& args) { return text(call_both(name, args)); }

TEST(DatetimeFunctionsTest, Now) {
    const int64_t now = 1700000000LL * 1000000 + 123;  // 2023-11-14 22:13:20.000123 UTC
    auto run = [&](const char* name) { return evaluate_rows(name, {}, {{}}, {}, now); };
    EXPECT_EQ(text(run("current_date").results[0]), "2023-11-14");
    EXPECT_EQ(text(run("now").results[0]), "2023-11-14 22:13:20.000123 UTC");
    EXPECT_EQ(run("current_timestamp").bound.return_type, Type::timestamp_tz());
    EXPECT_FALSE(run("current_timestamp").bound.deterministic);
    EXPECT_EQ(text(run("localtimestamp").results[0]), "2023-11-14 22:13:20.000123");
    EXPECT_EQ(text(run("current_timezone").results[0]), "UTC");
}

TEST(DatetimeFunctionsTest, Fields) {
    const Value ts = TS("2024-02-29 13:45:07.123456");
    EXPECT_EQ(S("year", {ts}), "2024");
    EXPECT_EQ(S("quarter", {ts}), "1");
    EXPECT_EQ(S("month", {ts}), "2");
    EXPECT_EQ(S("day", {ts}), "29");
    EXPECT_EQ(S("day_of_week", {ts}), "4");  // Thursday
    EXPECT_EQ(S("dow", {D("2024-03-03")}), "7");  // Sunday
    EXPECT_EQ(S("day_of_year", {ts}), "60");
    EXPECT_EQ(S("hour", {ts}), "13");
    EXPECT_EQ(S("minute", {ts}), "45");
    EXPECT_EQ(S("second", {ts}), "7");
    EXPECT_EQ(S("millisecond", {ts}), "123");
    EXPECT_EQ(S("week", {D("2021-01-03")}), "53");  // ISO week of 2020
    EXPECT_EQ(S("year_of_week", {D("2021-01-03")}), "2020");
    EXPECT_EQ(S("week", {D("2024-12-30")}), "1");
    EXPECT_EQ(S("year", {D("1969-12-31")}), "1969");
    EXPECT_EQ(S("hour", {TS("1969-12-31 23:00:00")}), "23");  // negative micros
    EXPECT_EQ(S("year", {TZ("2024-01-01 00:30:00+01:00")}), "2023");  // UTC
    EXPECT_TRUE(call_both("year", {NullOf(Type::date())}).is_null());
}

TEST(DatetimeFunctionsTest, Extract) {
    EXPECT_EQ(S("extract", {V("year"), D("2024-05-06")}), "2024");
    EXPECT_EQ(S("extract", {V("DOW"), D("2024-05-06")}), "1");
    EXPECT_EQ(S("extract", {V("doy"), D("2024-05-06")}), "127");
    EXPECT_EQ(S("extract", {V("second"), TS("2024-05-06 01:02:03")}), "3");
    EXPECT_EQ(S("extract", {V("quarter"), TS("2024-05-06 01:02:03")}), "2");
    EXPECT_EQ(text(call("extract", {V("epoch"), TS("1970-01-01 00:00:01.5")})), "1.5");
    EXPECT_ERROR_CODE(call("extract", {V("hour"), D("2024-05-06")}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("extract", {V("fortnight"), TS("2024-05-06 00:00:00")}), ErrorCode::kInvalidParameter);
}

TEST(DatetimeFunctionsTest, DateTrunc) {
    const Value ts = TS("2024-08-17 13:45:07.123");
    EXPECT_EQ(S("date_trunc", {V("second"), ts}), "2024-08-17 13:45:07");
    EXPECT_EQ(S("date_trunc", {V("minute"), ts}), "2024-08-17 13:45:00");
    EXPECT_EQ(S("date_trunc", {V("hour"), ts}), "2024-08-17 13:00:00");
    EXPECT_EQ(S("date_trunc", {V("day"), ts}), "2024-08-17 00:00:00");
    EXPECT_EQ(S("date_trunc", {V("week"), ts}), "2024-08-12 00:00:00");  // Monday
    EXPECT_EQ(S("date_trunc", {V("month"), ts}), "2024-08-01 00:00:00");
    EXPECT_EQ(S("date_trunc", {V("quarter"), ts}), "2024-07-01 00:00:00");
    EXPECT_EQ(S("date_trunc", {V("YEAR"), ts}), "2024-01-01 00:00:00");
    EXPECT_EQ(S("date_trunc", {V("month"), D("2024-08-17")}), "2024-08-01");
    EXPECT_EQ(call("date_trunc", {V("month"), D("2024-08-17")}).type(), Type::date());
    EXPECT_EQ(S("date_trunc", {V("day"), TS("1969-12-31 23:59:59")}), "1969-12-31 00:00:00");
    EXPECT_EQ(S("date_trunc", {V("hour"), TZ("2024-08-17 13:45:07")}), "2024-08-17 13:00:00 UTC");
    EXPECT_ERROR_CODE(call("date_trunc", {V("hour"), D("2024-08-17")}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("date_trunc", {V("decade"), ts}), ErrorCode::kInvalidParameter);
}

TEST(DatetimeFunctionsTest, DateAdd) {
    EXPECT_EQ(S("date_add", {V("day"), I(3), D("2024-02-27")}), "2024-03-01");
    EXPECT_EQ(S("date_add", {V("month"), I(1), D("2024-01-31")}), "2024-02-29");
    EXPECT_EQ(S("date_add", {V("year"), I(-1), D("2024-02-29")}), "2023-02-28");
    EXPECT_EQ(S("date_add", {V("quarter"), I(1), D("2024-11-30")}), "2025-02-28");
    EXPECT_EQ(S("date_add", {V("week"), I(2), D("2024-01-01")}), "2024-01-15");
    EXPECT_EQ(S("date_add", {V("hour"), I(25), TS("2024-01-01 00:00:00")}), "2024-01-02 01:00:00");
    EXPECT_EQ(S("date_add", {V("millisecond"), I(1500), TS("2024-01-01 00:00:00")}), "2024-01-01 00:00:01.500");
    EXPECT_EQ(S("date_add", {V("month"), I(1), TS("2024-01-31 10:00:00")}), "2024-02-29 10:00:00");
    EXPECT_ERROR_CODE(call("date_add", {V("hour"), I(1), D("2024-01-01")}), ErrorCode::kInvalidParameter);
    EXPECT_TRUE(call_both("date_add", {V("day"), NullOf(Type::bigint()), D("2024-01-01")}).is_null());
}

TEST(DatetimeFunctionsTest, DateDiff) {
    EXPECT_EQ(S("date_diff", {V("day"), D("2024-01-01"), D("2024-03-01")}), "60");
    EXPECT_EQ(S("date_diff", {V("day"), D("2024-03-01"), D("2024-01-01")}), "-60");
    EXPECT_EQ(S("date_diff", {V("week"), D("2024-01-01"), D("2024-01-14")}), "1");
    EXPECT_EQ(S("date_diff", {V("month"), D("2024-01-31"), D("2024-02-29")}), "1");
    EXPECT_EQ(S("date_diff", {V("month"), D("2024-01-15"), D("2024-02-14")}), "0");
    EXPECT_EQ(S("date_diff", {V("month"), D("2024-02-14"), D("2024-01-15")}), "0");
    EXPECT_EQ(S("date_diff", {V("month"), D("2024-03-15"), D("2024-01-15")}), "-2");
    EXPECT_EQ(S("date_diff", {V("year"), D("2020-06-01"), D("2024-05-31")}), "3");
    EXPECT_EQ(S("date_diff", {V("quarter"), D("2024-01-01"), D("2024-12-31")}), "3");
    EXPECT_EQ(S("date_diff", {V("hour"), TS("2024-01-01 00:00:00"), TS("2024-01-01 05:59:59")}), "5");
    EXPECT_EQ(S("date_diff", {V("second"), TS("2024-01-01 00:00:00"), TS("2023-12-31 23:59:58.5")}), "-1");
    EXPECT_EQ(S("date_diff", {V("month"), TS("2024-01-31 12:00:00"), TS("2024-02-29 11:00:00")}), "0");
}

TEST(DatetimeFunctionsTest, UnixTime) {
    EXPECT_EQ(S("from_unixtime", {Value::double_(0)}), "1970-01-01 00:00:00 UTC");
    EXPECT_EQ(S("from_unixtime", {Value::double_(1.5)}), "1970-01-01 00:00:01.500 UTC");
    EXPECT_EQ(S("from_unixtime", {I(-86400)}), "1969-12-31 00:00:00 UTC");
    EXPECT_EQ(S("to_unixtime", {TZ("1970-01-02 00:00:00.25")}), "86400.25");
    EXPECT_ERROR_CODE(call("from_unixtime", {Value::double_(1e300)}), ErrorCode::kNumericOverflow);
}

TEST(DatetimeFunctionsTest, Iso8601) {
    EXPECT_EQ(S("from_iso8601_timestamp", {V("2020-05-11T11:15:05.055+01:00")}), "2020-05-11 10:15:05.055 UTC");
    EXPECT_EQ(S("from_iso8601_timestamp", {V("2020-05-11")}), "2020-05-11 00:00:00 UTC");
    EXPECT_EQ(S("from_iso8601_date", {V("2020-05-11")}), "2020-05-11");
    EXPECT_ERROR_CODE(call("from_iso8601_date", {V("2020-13-11")}), ErrorCode::kInvalidDatetime);
    EXPECT_ERROR_CODE(call("from_iso8601_timestamp", {V("yesterday")}), ErrorCode::kInvalidDatetime);
    EXPECT_EQ(S("to_iso8601", {D("2024-01-05")}), "2024-01-05");
    EXPECT_EQ(S("to_iso8601", {TS("2024-01-05 10:11:12.5")}), "2024-01-05T10:11:12.500");
    EXPECT_EQ(S("to_iso8601", {TZ("2024-01-05 10:11:12")}), "2024-01-05T10:11:12Z");
}

TEST(DatetimeFunctionsTest, FormatDatetimeJoda) {
    const Value ts = TS("2024-03-05 14:07:09.123456");
    EXPECT_EQ(S("format_datetime", {ts, V("yyyy-MM-dd HH:mm:ss.SSS")}), "2024-03-05 14:07:09.123");
    EXPECT_EQ(S("format_datetime", {ts, V("EEE, d MMM yy h:mm a")}), "Tue, 5 Mar 24 2:07 PM");
    EXPECT_EQ(S("format_datetime", {ts, V("EEEE MMMM dd 'at' HH'h' '''ok'''")}), "Tuesday March 05 at 14h 'ok'");
    EXPECT_EQ(S("format_datetime", {ts, V("D e Z ZZ z")}), "65 2 +0000 +00:00 UTC");
    EXPECT_EQ(S("format_datetime", {D("2024-03-05"), V("yyyyMMdd")}), "20240305");
    EXPECT_ERROR_CODE(call("format_datetime", {ts, V("yyyy-QQ")}), ErrorCode::kInvalidParameter);
}

TEST(DatetimeFunctionsTest, DateFormatMysql) {
    const Value ts = TS("2024-03-05 14:07:09.123456");
    EXPECT_EQ(S("date_format", {ts, V("%Y-%m-%d %H:%i:%s")}), "2024-03-05 14:07:09");
    EXPECT_EQ(S("date_format", {ts, V("%y %c %e %f %j")}), "24 3 5 123456 065");
    EXPECT_EQ(S("date_format", {ts, V("%a %W %b %M %p %T %r %%")}),
              "Tue Tuesday Mar March PM 14:07:09 02:07:09 PM %");
    EXPECT_EQ(S("date_format", {TZ("2024-01-01 00:00:00"), V("%h %l %k")}), "12 12 0");
    EXPECT_ERROR_CODE(call("date_format", {ts, V("%Q")}), ErrorCode::kInvalidParameter);
}

TEST(DatetimeFunctionsTest, Parse) {
    EXPECT_EQ(S("date_parse", {V("2024-03-05 14:07:09"), V("%Y-%m-%d %H:%i:%s")}), "2024-03-05 14:07:09");
    EXPECT_EQ(S("date_parse", {V("05/03/2024"), V("%d/%m/%Y")}), "2024-03-05 00:00:00");
    EXPECT_EQ(S("date_parse", {V("20240305"), V("%Y%m%d")}), "2024-03-05 00:00:00");
    EXPECT_EQ(S("date_parse", {V("Mar 5 2024 2:07 PM"), V("%b %e %Y %l:%i %p")}), "2024-03-05 14:07:00");
    EXPECT_EQ(S("date_parse", {V("12:00:00.5 AM"), V("%h:%i:%s.%f %p")}), "1970-01-01 00:00:00.500");
    EXPECT_ERROR_CODE(call("date_parse", {V("2024-02-30"), V("%Y-%m-%d")}), ErrorCode::kInvalidDatetime);
    EXPECT_ERROR_CODE(call("date_parse", {V("2024-03-05x"), V("%Y-%m-%d")}), ErrorCode::kInvalidDatetime);
    EXPECT_ERROR_CODE(call("date_parse", {V("hello"), V("%Y")}), ErrorCode::kInvalidDatetime);
    EXPECT_EQ(S("parse_datetime", {V("2024-03-05 14:07 +0100"), V("yyyy-MM-dd HH:mm Z")}), "2024-03-05 13:07:00 UTC");
    EXPECT_EQ(S("parse_datetime", {V("05-Mar-2024"), V("dd-MMM-yyyy")}), "2024-03-05 00:00:00 UTC");
    EXPECT_TRUE(call_both("date_parse", {NullOf(Type::varchar()), V("%Y")}).is_null());
}

TEST(DatetimeFunctionsTest, FormatRoundTrip) {
    DateTimeFormat format = DateTimeFormat::joda("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
    for (int64_t micros : {int64_t(0), int64_t(-1), int64_t(1700000000123456), int64_t(-62135596800000000)}) {
        std::string text;
        format.format(micros, text);
        EXPECT_EQ(format.parse(text), micros) << text;
    }
}

TEST(DatetimeFunctionsTest, Misc) {
    EXPECT_EQ(S("date", {V("2024-01-05")}), "2024-01-05");
    EXPECT_EQ(S("date", {TS("2024-01-05 23:59:59")}), "2024-01-05");
    EXPECT_EQ(S("date", {TS("1969-12-31 23:59:59")}), "1969-12-31");
    EXPECT_ERROR_CODE(call("date", {V("nope")}), ErrorCode::kInvalidCast);
    EXPECT_EQ(S("last_day_of_month", {D("2024-02-10")}), "2024-02-29");
    EXPECT_EQ(S("last_day_of_month", {TS("2023-02-10 10:00:00")}), "2023-02-28");
    EXPECT_EQ(S("day_name", {D("2024-03-05")}), "Tuesday");
    EXPECT_EQ(S("monthname", {D("2024-03-05")}), "March");
    EXPECT_EQ(S("make_date", {I(2024), I(2), I(29)}), "2024-02-29");
    EXPECT_ERROR_CODE(call("make_date", {I(2023), I(2), I(29)}), ErrorCode::kInvalidDatetime);
    EXPECT_TRUE(call_both("make_date", {I(2023), NullOf(Type::bigint()), I(29)}).is_null());
}

}  // namespace
}  // namespace fedq
