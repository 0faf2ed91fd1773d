// CAST / TRY_CAST kernels and the coercion rules.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "functions/cast.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {
namespace {

using Texts = std::vector<std::string>;

ColumnPtr column(const Type& type, const std::vector<Value>& values) {
    auto c = Column::make(type);
    for (const Value& v : values) c->append_value(v);
    return c;
}

ColumnPtr strings(const std::vector<const char*>& values) {
    auto c = Column::make(Type::varchar());
    for (const char* v : values) {
        if (v) c->append_string(v);
        else c->append_null();
    }
    return c;
}

Texts cast_texts(const ColumnPtr& input, const Type& to, bool try_cast = false) {
    Column out(to);
    cast_column(*input, to, out, try_cast);
    EXPECT_EQ(out.size(), input->size());
    Texts texts;
    for (size_t i = 0; i < out.size(); ++i) texts.push_back(out.value_at(i).to_string());
    return texts;
}

ErrorCode cast_error(const ColumnPtr& input, const Type& to, std::string* message = nullptr) {
    try {
        Column out(to);
        cast_column(*input, to, out, false);
    } catch (const Error& e) {
        if (message) *message = e.message();
        return e.code();
    }
    ADD_FAILURE() << "cast to " << to.to_string() << " did not raise";
    return ErrorCode::kInternal;
}

Value dec(const char* text, int p, int s) { return Value::decimal(*parse_decimal(text, p, s), p, s); }

TEST(Cast, IntegerNarrowingChecksRange) {
    auto c = column(Type::integer(), {Value::integer(100), Value::integer(-128), Value::null(Type::integer())});
    EXPECT_EQ(cast_texts(c, Type::tinyint()), (Texts{"100", "-128", "NULL"}));
    std::string message;
    EXPECT_EQ(cast_error(column(Type::integer(), {Value::integer(300)}), Type::tinyint(), &message),
              ErrorCode::kNumericOverflow);
    EXPECT_EQ(message, "cannot cast 300 to TINYINT: out of range");
    EXPECT_EQ(cast_texts(column(Type::integer(), {Value::integer(300), Value::integer(5)}), Type::tinyint(), true),
              (Texts{"NULL", "5"}));
}

TEST(Cast, OutOfRangeInNullRowIsIgnored) {
    auto c = column(Type::integer(), {Value::integer(300)});
    c->set_null(0);
    EXPECT_EQ(cast_texts(c, Type::tinyint()), (Texts{"NULL"}));
}

TEST(Cast, DoubleToIntegerRoundsHalfAwayFromZero) {
    auto c = column(Type::double_(), {Value::double_(2.5), Value::double_(-2.5), Value::double_(1.4), Value::double_(-0.5)});
    EXPECT_EQ(cast_texts(c, Type::bigint()), (Texts{"3", "-3", "1", "-1"}));
    EXPECT_EQ(cast_error(column(Type::double_(), {Value::double_(1e20)}), Type::bigint()), ErrorCode::kNumericOverflow);
    EXPECT_EQ(cast_error(column(Type::double_(), {Value::double_(std::nan(""))}), Type::integer()), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(column(Type::real(), {Value::real(127.4f)}), Type::tinyint()), (Texts{"127"}));
}

TEST(Cast, NumericToDecimal) {
    EXPECT_EQ(cast_texts(column(Type::integer(), {Value::integer(12)}), Type::decimal(5, 2)), (Texts{"12.00"}));
    EXPECT_EQ(cast_error(column(Type::integer(), {Value::integer(1000)}), Type::decimal(5, 2)), ErrorCode::kNumericOverflow);
    EXPECT_EQ(cast_texts(column(Type::double_(), {Value::double_(0.1), Value::double_(2.675), Value::double_(-1.005)}),
                         Type::decimal(10, 2)),
              (Texts{"0.10", "2.68", "-1.01"}));
    EXPECT_EQ(cast_error(column(Type::double_(), {Value::double_(INFINITY)}), Type::decimal(10, 2)), ErrorCode::kInvalidCast);
}

TEST(Cast, DecimalRescale) {
    auto c = column(Type::decimal(6, 3), {dec("1.235", 6, 3), dec("-1.235", 6, 3), dec("999.999", 6, 3)});
    EXPECT_EQ(cast_texts(c, Type::decimal(6, 2)), (Texts{"1.24", "-1.24", "1000.00"}));
    EXPECT_EQ(cast_texts(c, Type::decimal(5, 2), true), (Texts{"1.24", "-1.24", "NULL"}));
    EXPECT_EQ(cast_error(c, Type::decimal(5, 2)), ErrorCode::kNumericOverflow);
    EXPECT_EQ(cast_texts(c, Type::decimal(10, 5)), (Texts{"1.23500", "-1.23500", "999.99900"}));
    EXPECT_EQ(cast_texts(c, Type::integer()), (Texts{"1", "-1", "1000"}));
    EXPECT_EQ(cast_texts(c, Type::double_()), (Texts{"1.235", "-1.235", "999.999"}));
}

TEST(Cast, VarcharToNumbers) {
    EXPECT_EQ(cast_texts(strings({" 12 ", "-7", "+3", nullptr}), Type::integer()), (Texts{"12", "-7", "3", "NULL"}));
    std::string message;
    EXPECT_EQ(cast_error(strings({"abc"}), Type::integer(), &message), ErrorCode::kInvalidCast);
    EXPECT_EQ(message, "cannot cast 'abc' to INTEGER");
    EXPECT_EQ(cast_error(strings({"1.5"}), Type::bigint()), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_error(strings({"300"}), Type::tinyint()), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(strings({"abc", "5", ""}), Type::integer(), true), (Texts{"NULL", "5", "NULL"}));
    EXPECT_EQ(cast_texts(strings({"1e3", " 2.5", "NaN", "-Infinity", ".5"}), Type::double_()),
              (Texts{"1000", "2.5", "NaN", "-Infinity", "0.5"}));
    EXPECT_EQ(cast_error(strings({"1.2.3"}), Type::double_()), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(strings({"12.345", "-0.005"}), Type::decimal(5, 2)), (Texts{"12.35", "-0.01"}));
    EXPECT_EQ(cast_error(strings({"12345"}), Type::decimal(5, 2)), ErrorCode::kInvalidCast);
    Column real(Type::real());
    cast_column(*strings({"0.1"}), Type::real(), real, false);
    EXPECT_EQ(real.values<float>()[0], 0.1f);
}

TEST(Cast, VarcharToBoolean) {
    EXPECT_EQ(cast_texts(strings({"true", "FALSE", "t", "F", "1", "0", " True "}), Type::boolean()),
              (Texts{"true", "false", "true", "false", "true", "false", "true"}));
    EXPECT_EQ(cast_error(strings({"yes"}), Type::boolean()), ErrorCode::kInvalidCast);
}

TEST(Cast, BooleanAndNumbers) {
    auto b = column(Type::boolean(), {Value::boolean(true), Value::boolean(false)});
    EXPECT_EQ(cast_texts(b, Type::integer()), (Texts{"1", "0"}));
    EXPECT_EQ(cast_texts(b, Type::double_()), (Texts{"1", "0"}));
    EXPECT_EQ(cast_texts(b, Type::decimal(3, 1)), (Texts{"1.0", "0.0"}));
    EXPECT_EQ(cast_texts(column(Type::bigint(), {Value::bigint(-3), Value::bigint(0)}), Type::boolean()),
              (Texts{"true", "false"}));
}

TEST(Cast, ToVarchar) {
    EXPECT_EQ(cast_texts(column(Type::bigint(), {Value::bigint(-42), Value::null(Type::bigint())}), Type::varchar()),
              (Texts{"-42", "NULL"}));
    EXPECT_EQ(cast_texts(column(Type::double_(), {Value::double_(1.5), Value::double_(1e20), Value::double_(0.1),
                                                  Value::double_(std::nan("")), Value::double_(-INFINITY)}),
                         Type::varchar()),
              (Texts{"1.5", "1e+20", "0.1", "NaN", "-Infinity"}));
    EXPECT_EQ(cast_texts(column(Type::real(), {Value::real(0.1f)}), Type::varchar()), (Texts{"0.1"}));
    EXPECT_EQ(cast_texts(column(Type::decimal(5, 2), {dec("-0.50", 5, 2)}), Type::varchar()), (Texts{"-0.50"}));
    EXPECT_EQ(cast_texts(column(Type::boolean(), {Value::boolean(true)}), Type::varchar()), (Texts{"true"}));
    EXPECT_EQ(cast_texts(column(Type::date(), {Value::date(*parse_date("2024-01-05"))}), Type::varchar()),
              (Texts{"2024-01-05"}));
    EXPECT_EQ(cast_texts(column(Type::timestamp(), {Value::timestamp(*parse_timestamp("2024-01-05 10:11:12.5"))}),
                         Type::varchar()),
              (Texts{"2024-01-05 10:11:12.500"}));
    EXPECT_EQ(cast_texts(column(Type::interval(), {Value::interval({0, 1, 0})}), Type::varchar()), (Texts{"1 day"}));
    Type array = Type::array(Type::integer());
    EXPECT_EQ(cast_texts(column(array, {Value::nested(array, {Value::integer(1), Value::integer(2)})}), Type::varchar()),
              (Texts{"[1, 2]"}));
}

TEST(Cast, DatesAndTimestamps) {
    EXPECT_EQ(cast_texts(strings({"2024-02-29", " 2023-01-01 ", nullptr}), Type::date()),
              (Texts{"2024-02-29", "2023-01-01", "NULL"}));
    EXPECT_EQ(cast_error(strings({"2023-02-29"}), Type::date()), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(strings({"2023-02-29", "x"}), Type::date(), true), (Texts{"NULL", "NULL"}));
    EXPECT_EQ(cast_texts(strings({"2024-01-05 10:11:12", "2024-01-05T10:11:12+02:00"}), Type::timestamp()),
              (Texts{"2024-01-05 10:11:12", "2024-01-05 08:11:12"}));
    EXPECT_EQ(cast_texts(strings({"2024-01-05 10:11:12"}), Type::timestamp_tz()), (Texts{"2024-01-05 10:11:12 UTC"}));
    auto ts = column(Type::timestamp(), {Value::timestamp(*parse_timestamp("1969-12-31 23:00:00"))});
    EXPECT_EQ(cast_texts(ts, Type::date()), (Texts{"1969-12-31"}));
    EXPECT_EQ(cast_texts(ts, Type::timestamp_tz()), (Texts{"1969-12-31 23:00:00 UTC"}));
    auto d = column(Type::date(), {Value::date(*parse_date("2024-01-05"))});
    EXPECT_EQ(cast_texts(d, Type::timestamp()), (Texts{"2024-01-05 00:00:00"}));
}

TEST(Cast, JsonCasts) {
    EXPECT_EQ(cast_texts(strings({"{\"a\": 1}", " [1,2] "}), Type::json()), (Texts{"{\"a\": 1}", "[1,2]"}));
    EXPECT_EQ(cast_error(strings({"{bad"}), Type::json()), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(strings({"{bad"}), Type::json(), true), (Texts{"NULL"}));
    auto json = column(Type::json(), {Value::json("12"), Value::json("\"x\""), Value::json("null"), Value::json("true"),
                                      Value::json("[1]")});
    EXPECT_EQ(cast_texts(json, Type::varchar()), (Texts{"12", "x", "NULL", "true", "[1]"}));
    auto numbers = column(Type::json(), {Value::json("12"), Value::json("2.5"), Value::json("\"7\""), Value::json("null")});
    EXPECT_EQ(cast_texts(numbers, Type::bigint()), (Texts{"12", "3", "7", "NULL"}));
    EXPECT_EQ(cast_texts(numbers, Type::double_()), (Texts{"12", "2.5", "7", "NULL"}));
    EXPECT_EQ(cast_texts(column(Type::json(), {Value::json("true")}), Type::boolean()), (Texts{"true"}));
    EXPECT_EQ(cast_error(column(Type::json(), {Value::json("[1]")}), Type::bigint()), ErrorCode::kInvalidCast);
    Type row = Type::row({"a", "b"}, {Type::integer(), Type::varchar()});
    auto rows = column(row, {Value::nested(row, {Value::integer(1), Value::varchar("q\"")})});
    EXPECT_EQ(cast_texts(rows, Type::json()), (Texts{"{\"a\":1,\"b\":\"q\\\"\"}"}));
    Type array = Type::array(Type::double_());
    auto arrays = column(array, {Value::nested(array, {Value::double_(1.5), Value::null(Type::double_())})});
    EXPECT_EQ(cast_texts(arrays, Type::json()), (Texts{"[1.5,null]"}));
}

TEST(Cast, JsonToArrayAndRow) {
    auto json = column(Type::json(), {Value::json("[1, 2.6, null, \"4\"]"), Value::json("null"), Value::json("[]")});
    EXPECT_EQ(cast_texts(json, Type::array(Type::bigint())), (Texts{"[1, 3, NULL, 4]", "NULL", "[]"}));
    EXPECT_EQ(cast_texts(column(Type::json(), {Value::json("[1, \"a\", true]")}), Type::array(Type::varchar())),
              (Texts{"[1, a, true]"}));
    EXPECT_EQ(cast_texts(column(Type::json(), {Value::json("[{\"a\": 1}]")}), Type::array(Type::json())),
              (Texts{"[{\"a\":1}]"}));
    Type row = Type::row({"a", "b"}, {Type::integer(), Type::varchar()});
    auto objects = column(Type::json(), {Value::json("{\"B\": \"x\", \"a\": 5, \"c\": 0}"), Value::json("[7, \"y\"]"),
                                         Value::json("{}")});
    EXPECT_EQ(cast_texts(objects, row), (Texts{"{a=5, b=x}", "{a=7, b=y}", "{a=NULL, b=NULL}"}));
    EXPECT_EQ(cast_error(column(Type::json(), {Value::json("{\"a\": 1}")}), Type::array(Type::integer())),
              ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(column(Type::json(), {Value::json("[\"x\"]"), Value::json("[3]")}), Type::array(Type::integer()), true),
              (Texts{"[NULL]", "[3]"}));
    EXPECT_TRUE(can_cast(Type::json(), Type::array(Type::array(Type::double_()))));
}

TEST(Cast, VarbinaryAndVarchar) {
    Column bin(Type::varbinary());
    cast_column(*strings({"ab", nullptr}), Type::varbinary(), bin, false);
    EXPECT_EQ(bin.value_at(0).to_string(), "\\x6162");
    EXPECT_TRUE(bin.is_null(1));
    Column back(Type::varchar());
    cast_column(bin, Type::varchar(), back, false);
    EXPECT_EQ(back.value_at(0).as_string(), "ab");
}

TEST(Cast, ArrayElementwise) {
    Type from = Type::array(Type::varchar());
    auto c = column(from, {Value::nested(from, {Value::varchar("1"), Value::varchar(" 2")}), Value::null(from),
                           Value::nested(from, {Value::varchar("x")})});
    std::string message;
    EXPECT_EQ(cast_error(c, Type::array(Type::integer()), &message), ErrorCode::kInvalidCast);
    EXPECT_EQ(cast_texts(c, Type::array(Type::integer()), true), (Texts{"[1, 2]", "NULL", "[NULL]"}));
    // Sliced input (offsets not starting at 0).
    Column slice(from);
    slice.append_range(*c, 1, 2);
    EXPECT_EQ(cast_texts(std::make_shared<Column>(slice), Type::array(Type::varchar())), (Texts{"NULL", "[x]"}));
    Column widened(Type::array(Type::bigint()));
    Type ints = Type::array(Type::integer());
    cast_column(*column(ints, {Value::nested(ints, {Value::integer(7)})}), Type::array(Type::bigint()), widened, false);
    EXPECT_EQ(widened.value_at(0).to_string(), "[7]");
}

TEST(Cast, RowFieldwise) {
    Type from = Type::row({"a", "b"}, {Type::integer(), Type::varchar()});
    Type to = Type::row({"a", "b"}, {Type::double_(), Type::bigint()});
    auto c = column(from, {Value::nested(from, {Value::integer(1), Value::varchar("5")}), Value::null(from)});
    EXPECT_EQ(cast_texts(c, to), (Texts{"{a=1, b=5}", "NULL"}));
}

TEST(Cast, NullTypeCastsToAnything) {
    auto c = column(Type::null(), {Value(), Value()});
    EXPECT_EQ(cast_texts(c, Type::bigint()), (Texts{"NULL", "NULL"}));
    EXPECT_EQ(cast_texts(c, Type::varchar()), (Texts{"NULL", "NULL"}));
    EXPECT_EQ(cast_texts(c, Type::array(Type::integer())), (Texts{"NULL", "NULL"}));
}

TEST(Cast, CastValue) {
    EXPECT_EQ(cast_value(Value::varchar("42"), Type::bigint()).as_int(), 42);
    EXPECT_TRUE(cast_value(Value::varchar("x"), Type::bigint(), true).is_null());
    EXPECT_THROW(cast_value(Value::varchar("x"), Type::bigint()), Error);
    EXPECT_TRUE(cast_value(Value(), Type::date()).is_null());
    EXPECT_EQ(cast_value(Value::double_(2.5), Type::varchar()).as_string(), "2.5");
    EXPECT_EQ(cast_value(Value::integer(7), Type::decimal(4, 1)).to_string(), "7.0");
}

TEST(Cast, DisallowedCasts) {
    EXPECT_FALSE(can_cast(Type::date(), Type::integer()));
    EXPECT_FALSE(can_cast(Type::interval(), Type::bigint()));
    EXPECT_FALSE(can_cast(Type::array(Type::integer()), Type::integer()));
    EXPECT_TRUE(can_cast(Type::varchar(), Type::date()));
    EXPECT_TRUE(can_cast(Type::array(Type::varchar()), Type::array(Type::integer())));
    EXPECT_EQ(cast_error(column(Type::date(), {Value::date(1)}), Type::integer()), ErrorCode::kInvalidCast);
}

TEST(Cast, Coercions) {
    EXPECT_TRUE(can_coerce(Type::integer(), Type::bigint()));
    EXPECT_FALSE(can_coerce(Type::bigint(), Type::integer()));
    EXPECT_TRUE(can_coerce(Type::bigint(), Type::double_()));
    EXPECT_TRUE(can_coerce(Type::integer(), Type::decimal(10, 0)));
    EXPECT_FALSE(can_coerce(Type::integer(), Type::decimal(9, 0)));
    EXPECT_TRUE(can_coerce(Type::decimal(5, 2), Type::decimal(7, 3)));
    EXPECT_FALSE(can_coerce(Type::decimal(5, 2), Type::decimal(5, 3)));
    EXPECT_TRUE(can_coerce(Type::decimal(5, 2), Type::double_()));
    EXPECT_TRUE(can_coerce(Type::date(), Type::timestamp()));
    EXPECT_FALSE(can_coerce(Type::timestamp(), Type::date()));
    EXPECT_FALSE(can_coerce(Type::varchar(), Type::integer()));
    EXPECT_TRUE(can_coerce(Type::null(), Type::varchar()));
    EXPECT_TRUE(can_coerce(Type::array(Type::integer()), Type::array(Type::bigint())));
}

TEST(Cast, CommonSuperType) {
    EXPECT_EQ(*common_super_type(Type::integer(), Type::bigint()), Type::bigint());
    EXPECT_EQ(*common_super_type(Type::bigint(), Type::double_()), Type::double_());
    EXPECT_EQ(*common_super_type(Type::decimal(10, 2), Type::decimal(5, 4)), Type::decimal(12, 4));
    EXPECT_EQ(*common_super_type(Type::integer(), Type::decimal(5, 2)), Type::decimal(12, 2));
    EXPECT_EQ(*common_super_type(Type::bigint(), Type::decimal(38, 2)), Type::decimal(38, 2));
    EXPECT_EQ(*common_super_type(Type::decimal(5, 2), Type::double_()), Type::double_());
    EXPECT_EQ(*common_super_type(Type::real(), Type::double_()), Type::double_());
    EXPECT_EQ(*common_super_type(Type::date(), Type::timestamp()), Type::timestamp());
    EXPECT_EQ(*common_super_type(Type::null(), Type::varchar()), Type::varchar());
    EXPECT_EQ(*common_super_type(Type::array(Type::integer()), Type::array(Type::double_())), Type::array(Type::double_()));
    EXPECT_FALSE(common_super_type(Type::varchar(), Type::integer()).has_value());
    EXPECT_FALSE(common_super_type(Type::date(), Type::boolean()).has_value());
}

TEST(Cast, LargeColumnRoundTrip) {
    auto c = Column::make(Type::bigint());
    for (int64_t i = -3000; i < 3000; ++i) c->append<int64_t>(i * 7919);
    Column text(Type::varchar());
    cast_column(*c, Type::varchar(), text, false);
    Column back(Type::bigint());
    cast_column(text, Type::bigint(), back, false);
    for (size_t i = 0; i < c->size(); ++i) ASSERT_EQ(back.values<int64_t>()[i], c->values<int64_t>()[i]);
}

}  // namespace
}  // namespace fedq
