// Arithmetic operators: integer overflow, division semantics, DECIMAL result types, IEEE doubles,
// date/time/interval arithmetic, NULL rows.
#include <gtest/gtest.h>

#include <limits>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {
namespace {

ColumnPtr column(const Type& type, const std::vector<Value>& values) {
    auto c = Column::make(type);
    for (const Value& v : values) c->append_value(v);
    return c;
}

const FunctionRegistry& registry() {
    static const FunctionRegistry r = [] {
        FunctionRegistry fresh;
        register_arithmetic_functions(fresh);
        return fresh;
    }();
    return r;
}

struct Result {
    Type type;
    std::vector<std::string> text;
};

// Binds, casts the inputs to the bound argument types, runs the kernel, applies NULL propagation.
Result eval(const std::string& name, const std::vector<ColumnPtr>& inputs) {
    std::vector<Type> types;
    for (const auto& c : inputs) types.push_back(c->type());
    BoundScalarFunction bound = registry().bind_scalar(name, types, ConstantArgs(inputs.size()));
    ScalarArgs args;
    args.rows = inputs.at(0)->size();
    std::vector<ColumnPtr> keep;
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i]->type() == bound.arg_types[i]) {
            args.columns.push_back(inputs[i].get());
        } else {
            auto casted = Column::make(bound.arg_types[i]);
            cast_column(*inputs[i], bound.arg_types[i], *casted, false);
            keep.push_back(casted);
            args.columns.push_back(casted.get());
        }
    }
    Column out(bound.return_type);
    bound.kernel(args, out);
    EXPECT_EQ(out.size(), args.rows);
    Result result{bound.return_type, {}};
    for (size_t r = 0; r < args.rows; ++r) {
        bool any_null = false;
        for (const Column* c : args.columns) any_null |= c->is_null(r);
        result.text.push_back(bound.propagates_nulls && any_null ? "NULL" : out.value_at(r).to_string());
    }
    return result;
}

using Texts = std::vector<std::string>;

ErrorCode error_of(const std::string& name, const std::vector<ColumnPtr>& inputs) {
    try {
        eval(name, inputs);
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << name << " did not raise";
    return ErrorCode::kInternal;
}

Value dec(const char* text, int p, int s) { return Value::decimal(*parse_decimal(text, p, s), p, s); }

TEST(Arithmetic, IntegerAddWithNulls) {
    auto a = column(Type::integer(), {Value::integer(1), Value::integer(-5), Value::null(Type::integer())});
    auto b = column(Type::integer(), {Value::integer(10), Value::integer(2), Value::integer(3)});
    Result r = eval("$add", {a, b});
    EXPECT_EQ(r.type, Type::integer());
    EXPECT_EQ(r.text, (Texts{"11", "-3", "NULL"}));
}

TEST(Arithmetic, MixedIntegerWidthsUseWiderType) {
    auto a = column(Type::smallint(), {Value::smallint(30000)});
    auto b = column(Type::bigint(), {Value::bigint(5000000000LL)});
    Result r = eval("$multiply", {a, b});
    EXPECT_EQ(r.type, Type::bigint());
    EXPECT_EQ(r.text, (Texts{"150000000000000"}));
}

TEST(Arithmetic, IntegerOverflowRaises) {
    auto a = column(Type::bigint(), {Value::bigint(std::numeric_limits<int64_t>::max())});
    auto b = column(Type::bigint(), {Value::bigint(1)});
    try {
        eval("$add", {a, b});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNumericOverflow);
        EXPECT_NE(e.message().find("bigint addition overflow"), std::string::npos) << e.message();
    }
    auto t = column(Type::tinyint(), {Value::tinyint(100)});
    EXPECT_EQ(error_of("$add", {t, t}), ErrorCode::kNumericOverflow);
    EXPECT_EQ(error_of("$multiply", {column(Type::integer(), {Value::integer(65536)}),
                                     column(Type::integer(), {Value::integer(65536)})}),
              ErrorCode::kNumericOverflow);
    EXPECT_EQ(error_of("$subtract", {column(Type::integer(), {Value::integer(std::numeric_limits<int32_t>::min())}),
                                     column(Type::integer(), {Value::integer(1)})}),
              ErrorCode::kNumericOverflow);
}

TEST(Arithmetic, OverflowInNullRowIsIgnored) {
    auto a = column(Type::bigint(), {Value::bigint(std::numeric_limits<int64_t>::max()), Value::bigint(1)});
    a->set_null(0);
    auto b = column(Type::bigint(), {Value::bigint(1), Value::bigint(2)});
    EXPECT_EQ(eval("$add", {a, b}).text, (Texts{"NULL", "3"}));
}

TEST(Arithmetic, IntegerDivisionTruncatesAndChecksZero) {
    auto a = column(Type::integer(), {Value::integer(7), Value::integer(-7), Value::integer(7), Value::integer(-7)});
    auto b = column(Type::integer(), {Value::integer(2), Value::integer(2), Value::integer(-2), Value::integer(-2)});
    EXPECT_EQ(eval("$divide", {a, b}).text, (Texts{"3", "-3", "-3", "3"}));
    EXPECT_EQ(eval("$modulo", {a, b}).text, (Texts{"1", "-1", "1", "-1"}));
    auto zero = column(Type::integer(), {Value::integer(0), Value::integer(0), Value::integer(0), Value::integer(0)});
    EXPECT_EQ(error_of("$divide", {a, zero}), ErrorCode::kDivisionByZero);
    EXPECT_EQ(error_of("$modulo", {a, zero}), ErrorCode::kDivisionByZero);
    // 1 / 0 in a NULL row does not raise.
    auto n = column(Type::integer(), {Value::null(Type::integer()), Value::integer(8)});
    auto d = column(Type::integer(), {Value::integer(0), Value::integer(4)});
    EXPECT_EQ(eval("$divide", {n, d}).text, (Texts{"NULL", "2"}));
}

TEST(Arithmetic, MinDividedByMinusOne) {
    auto a = column(Type::bigint(), {Value::bigint(std::numeric_limits<int64_t>::min())});
    auto b = column(Type::bigint(), {Value::bigint(-1)});
    EXPECT_EQ(error_of("$divide", {a, b}), ErrorCode::kNumericOverflow);
    EXPECT_EQ(eval("$modulo", {a, b}).text, (Texts{"0"}));
    EXPECT_EQ(error_of("$negate", {a}), ErrorCode::kNumericOverflow);
}

TEST(Arithmetic, DoubleFollowsIeee) {
    auto a = column(Type::double_(), {Value::double_(1.0), Value::double_(0.0), Value::double_(-1.0), Value::double_(7.5)});
    auto b = column(Type::double_(), {Value::double_(0.0), Value::double_(0.0), Value::double_(0.0), Value::double_(2.0)});
    EXPECT_EQ(eval("$divide", {a, b}).text, (Texts{"Infinity", "NaN", "-Infinity", "3.75"}));
    EXPECT_EQ(eval("$modulo", {a, b}).text[3], "1.5");
}

TEST(Arithmetic, MixedNumericTypes) {
    auto i = column(Type::integer(), {Value::integer(2)});
    auto d = column(Type::double_(), {Value::double_(0.5)});
    auto r = column(Type::real(), {Value::real(0.25f)});
    Result id = eval("$add", {i, d});
    EXPECT_EQ(id.type, Type::double_());
    EXPECT_EQ(id.text, (Texts{"2.5"}));
    Result ir = eval("$add", {i, r});
    EXPECT_EQ(ir.type, Type::real());
    EXPECT_EQ(ir.text, (Texts{"2.25"}));
    Result dd = eval("$multiply", {column(Type::decimal(5, 2), {dec("1.50", 5, 2)}), d});
    EXPECT_EQ(dd.type, Type::double_());
    EXPECT_EQ(dd.text, (Texts{"0.75"}));
}

TEST(Arithmetic, DecimalAddScales) {
    auto a = column(Type::decimal(10, 2), {dec("1.25", 10, 2), dec("-3.10", 10, 2), Value::null(Type::decimal(10, 2))});
    auto b = column(Type::decimal(5, 4), {dec("0.0001", 5, 4), dec("1.0000", 5, 4), dec("1", 5, 4)});
    Result r = eval("$add", {a, b});
    EXPECT_EQ(r.type, Type::decimal(13, 4));
    EXPECT_EQ(r.text, (Texts{"1.2501", "-2.1000", "NULL"}));
    Result s = eval("$subtract", {a, b});
    EXPECT_EQ(s.text, (Texts{"1.2499", "-4.1000", "NULL"}));
}

TEST(Arithmetic, DecimalMultiplyAndDivide) {
    auto a = column(Type::decimal(10, 2), {dec("1.25", 10, 2), dec("2.00", 10, 2), dec("-2.00", 10, 2)});
    auto b = column(Type::decimal(3, 1), {dec("0.5", 3, 1), dec("3.0", 3, 1), dec("3.0", 3, 1)});
    Result m = eval("$multiply", {a, b});
    EXPECT_EQ(m.type, Type::decimal(13, 3));
    EXPECT_EQ(m.text, (Texts{"0.625", "6.000", "-6.000"}));
    Result d = eval("$divide", {a, b});
    EXPECT_EQ(d.type, Type::decimal(11, 2));
    EXPECT_EQ(d.text, (Texts{"2.50", "0.67", "-0.67"}));
    auto zero = column(Type::decimal(3, 1), {dec("0", 3, 1), dec("1", 3, 1), dec("1", 3, 1)});
    EXPECT_EQ(error_of("$divide", {a, zero}), ErrorCode::kDivisionByZero);
    EXPECT_EQ(error_of("$modulo", {a, zero}), ErrorCode::kDivisionByZero);
    Result mod = eval("$modulo", {column(Type::decimal(5, 2), {dec("7.50", 5, 2)}), column(Type::decimal(3, 1), {dec("2.0", 3, 1)})});
    EXPECT_EQ(mod.text, (Texts{"1.50"}));
}

TEST(Arithmetic, DecimalWideDivisionUses256Bits) {
    auto a = column(Type::decimal(20, 0), {dec("10000000000000000000", 20, 0)});
    auto b = column(Type::decimal(20, 18), {dec("2", 20, 18)});
    Result r = eval("$divide", {a, b});
    EXPECT_EQ(r.type, Type::decimal(38, 18));
    EXPECT_EQ(r.text, (Texts{"5000000000000000000.000000000000000000"}));
}

TEST(Arithmetic, IntegerWithDecimal) {
    auto i = column(Type::integer(), {Value::integer(1)});
    auto d = column(Type::decimal(3, 1), {dec("0.5", 3, 1)});
    Result r = eval("$add", {i, d});
    EXPECT_EQ(r.type, Type::decimal(12, 1));
    EXPECT_EQ(r.text, (Texts{"1.5"}));
    Result b = eval("$multiply", {column(Type::bigint(), {Value::bigint(3)}), d});
    EXPECT_EQ(b.type, Type::decimal(22, 1));
    EXPECT_EQ(b.text, (Texts{"1.5"}));
}

TEST(Arithmetic, DecimalOverflow) {
    Value max = Value::decimal(decimal_max(38), 38, 0);
    auto a = column(Type::decimal(38, 0), {max});
    auto one = column(Type::decimal(38, 0), {Value::decimal(1, 38, 0)});
    EXPECT_EQ(error_of("$add", {a, one}), ErrorCode::kNumericOverflow);
    EXPECT_EQ(error_of("$multiply", {a, a}), ErrorCode::kNumericOverflow);
}

TEST(Arithmetic, DateAndTimestampWithIntervals) {
    auto date = column(Type::date(), {Value::date(*parse_date("2024-01-31")), Value::date(*parse_date("2023-03-01"))});
    auto month = column(Type::interval(), {Value::interval({1, 0, 0}), Value::interval({0, -1, 0})});
    Result r = eval("$add", {date, month});
    EXPECT_EQ(r.type, Type::date());
    EXPECT_EQ(r.text, (Texts{"2024-02-29", "2023-02-28"}));
    EXPECT_EQ(eval("$add", {month, date}).text, (Texts{"2024-02-29", "2023-02-28"}));
    EXPECT_EQ(eval("$subtract", {date, month}).text, (Texts{"2023-12-31", "2023-03-02"}));

    auto ts = column(Type::timestamp(), {Value::timestamp(*parse_timestamp("2024-01-31 10:00:00"))});
    auto iv = column(Type::interval(), {Value::interval({1, 1, 3600 * kMicrosPerSecond})});
    EXPECT_EQ(eval("$add", {ts, iv}).text, (Texts{"2024-03-01 11:00:00"}));
    EXPECT_EQ(eval("$subtract", {ts, iv}).text, (Texts{"2023-12-30 09:00:00"}));
    auto tz = column(Type::timestamp_tz(), {Value::timestamp_tz(*parse_timestamp("2024-01-01 00:00:00"))});
    auto hour = column(Type::interval(), {Value::interval({0, 0, 90 * 60 * kMicrosPerSecond})});
    EXPECT_EQ(eval("$add", {tz, hour}).text, (Texts{"2024-01-01 01:30:00 UTC"}));
}

TEST(Arithmetic, TemporalDifferences) {
    auto a = column(Type::date(), {Value::date(*parse_date("2024-03-01"))});
    auto b = column(Type::date(), {Value::date(*parse_date("2024-02-01"))});
    Result days = eval("$subtract", {a, b});
    EXPECT_EQ(days.type, Type::bigint());
    EXPECT_EQ(days.text, (Texts{"29"}));
    auto t1 = column(Type::timestamp(), {Value::timestamp(*parse_timestamp("2024-01-02 01:00:00"))});
    auto t2 = column(Type::timestamp(), {Value::timestamp(*parse_timestamp("2024-01-01 00:00:00"))});
    Result diff = eval("$subtract", {t1, t2});
    EXPECT_EQ(diff.type, Type::interval());
    EXPECT_EQ(diff.text, (Texts{"1 day 01:00:00"}));
    EXPECT_EQ(eval("$subtract", {t2, t1}).text, (Texts{"-1 day -01:00:00"}));
}

TEST(Arithmetic, IntervalArithmetic) {
    auto a = column(Type::interval(), {Value::interval({1, 2, kMicrosPerSecond})});
    auto b = column(Type::interval(), {Value::interval({0, 1, 0})});
    EXPECT_EQ(eval("$add", {a, b}).text, (Texts{"1 mon 3 days 00:00:01"}));
    EXPECT_EQ(eval("$subtract", {a, b}).text, (Texts{"1 mon 1 day 00:00:01"}));
    EXPECT_EQ(eval("$multiply", {a, column(Type::integer(), {Value::integer(3)})}).text, (Texts{"3 mons 6 days 00:00:03"}));
    EXPECT_EQ(eval("$multiply", {column(Type::bigint(), {Value::bigint(2)}), a}).text, (Texts{"2 mons 4 days 00:00:02"}));
    EXPECT_EQ(eval("$multiply", {b, column(Type::double_(), {Value::double_(1.5)})}).text, (Texts{"1 day 12:00:00"}));
    EXPECT_EQ(eval("$divide", {b, column(Type::double_(), {Value::double_(2)})}).text, (Texts{"12:00:00"}));
    EXPECT_EQ(eval("$negate", {a}).text, (Texts{"-1 mon -2 days -00:00:01"}));
    EXPECT_EQ(error_of("$divide", {b, column(Type::double_(), {Value::double_(0)})}), ErrorCode::kDivisionByZero);
}

TEST(Arithmetic, Negate) {
    EXPECT_EQ(eval("$negate", {column(Type::integer(), {Value::integer(5), Value::null(Type::integer())})}).text,
              (Texts{"-5", "NULL"}));
    EXPECT_EQ(eval("$negate", {column(Type::double_(), {Value::double_(2.5)})}).text, (Texts{"-2.5"}));
    Result d = eval("$negate", {column(Type::decimal(4, 2), {dec("1.25", 4, 2)})});
    EXPECT_EQ(d.type, Type::decimal(4, 2));
    EXPECT_EQ(d.text, (Texts{"-1.25"}));
}

TEST(Arithmetic, NullTypeArguments) {
    auto n = column(Type::null(), {Value()});
    auto i = column(Type::integer(), {Value::integer(1)});
    Result r = eval("$add", {n, i});
    EXPECT_EQ(r.type, Type::integer());
    EXPECT_EQ(r.text, (Texts{"NULL"}));
}

TEST(Arithmetic, RejectsStrings) {
    auto s = column(Type::varchar(), {Value::varchar("1")});
    auto i = column(Type::integer(), {Value::integer(1)});
    EXPECT_EQ(error_of("$add", {s, i}), ErrorCode::kUndefinedFunction);
    EXPECT_EQ(error_of("$add", {column(Type::date(), {Value::date(0)}), i}), ErrorCode::kUndefinedFunction);
}

TEST(Arithmetic, ModFunction) {
    auto a = column(Type::bigint(), {Value::bigint(10), Value::bigint(-10)});
    auto b = column(Type::integer(), {Value::integer(3), Value::integer(3)});
    EXPECT_EQ(eval("mod", {a, b}).text, (Texts{"1", "-1"}));
    auto z = column(Type::integer(), {Value::integer(0), Value::integer(0)});
    EXPECT_EQ(error_of("mod", {a, z}), ErrorCode::kDivisionByZero);
}

TEST(Arithmetic, LargeBatchTightLoop) {
    auto a = Column::make(Type::bigint());
    auto b = Column::make(Type::bigint());
    for (int64_t i = 0; i < 5000; ++i) {
        a->append<int64_t>(i);
        b->append<int64_t>(i * 2);
    }
    Result r = eval("$add", {a, b});
    EXPECT_EQ(r.text[0], "0");
    EXPECT_EQ(r.text[4999], "14997");
}

}  // namespace
}  // namespace fedq
