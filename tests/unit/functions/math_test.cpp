// Mathematical functions: exact types keep their type, DOUBLE functions, rounding, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "types/decimal.h"

namespace fedq {
namespace {

using Texts = std::vector<std::string>;

ColumnPtr column(const Type& type, const std::vector<Value>& values) {
    auto c = Column::make(type);
    for (const Value& v : values) c->append_value(v);
    return c;
}

const FunctionRegistry& registry() {
    static const FunctionRegistry r = [] {
        FunctionRegistry fresh;
        register_math_functions(fresh);
        register_arithmetic_functions(fresh);
        return fresh;
    }();
    return r;
}

struct Result {
    Type type;
    Texts text;
    bool deterministic = true;
    Column out;
};

Result eval(const std::string& name, const std::vector<ColumnPtr>& inputs, size_t rows = 0) {
    std::vector<Type> types;
    for (const auto& c : inputs) types.push_back(c->type());
    BoundScalarFunction bound = registry().bind_scalar(name, types, ConstantArgs(inputs.size()));
    ScalarArgs args;
    args.rows = inputs.empty() ? rows : inputs[0]->size();
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
    Result result{bound.return_type, {}, bound.deterministic, Column(bound.return_type)};
    bound.kernel(args, result.out);
    EXPECT_EQ(result.out.size(), args.rows);
    for (size_t r = 0; r < args.rows; ++r) {
        bool any_null = false;
        for (const Column* c : args.columns) any_null |= c->is_null(r);
        result.text.push_back(bound.propagates_nulls && any_null ? "NULL" : result.out.value_at(r).to_string());
    }
    return result;
}

ErrorCode error_of(const std::string& name, const std::vector<ColumnPtr>& inputs) {
    try {
        eval(name, inputs);
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << name << " did not raise";
    return ErrorCode::kInternal;
}

ColumnPtr doubles(std::vector<double> values) {
    auto c = Column::make(Type::double_());
    for (double v : values) c->append<double>(v);
    return c;
}

ColumnPtr ints(std::vector<int32_t> values) {
    auto c = Column::make(Type::integer());
    for (int32_t v : values) c->append<int32_t>(v);
    return c;
}

Value dec(const char* text, int p, int s) { return Value::decimal(*parse_decimal(text, p, s), p, s); }

TEST(Math, AbsAndSign) {
    Result a = eval("abs", {column(Type::integer(), {Value::integer(-5), Value::integer(3), Value::null(Type::integer())})});
    EXPECT_EQ(a.type, Type::integer());
    EXPECT_EQ(a.text, (Texts{"5", "3", "NULL"}));
    EXPECT_EQ(error_of("abs", {column(Type::tinyint(), {Value::tinyint(-128)})}), ErrorCode::kNumericOverflow);
    EXPECT_EQ(eval("abs", {doubles({-2.5})}).text, (Texts{"2.5"}));
    Result d = eval("abs", {column(Type::decimal(5, 2), {dec("-1.25", 5, 2)})});
    EXPECT_EQ(d.type, Type::decimal(5, 2));
    EXPECT_EQ(d.text, (Texts{"1.25"}));
    EXPECT_EQ(eval("sign", {ints({-7, 0, 9})}).text, (Texts{"-1", "0", "1"}));
    EXPECT_EQ(eval("sign", {doubles({-0.5, std::nan("")})}).text, (Texts{"-1", "NaN"}));
    Result sd = eval("sign", {column(Type::decimal(5, 2), {dec("-1.25", 5, 2)})});
    EXPECT_EQ(sd.type, Type::decimal(1, 0));
    EXPECT_EQ(sd.text, (Texts{"-1"}));
}

TEST(Math, CeilFloorRoundTruncate) {
    auto x = doubles({1.5, -1.5, 2.5, -0.4});
    EXPECT_EQ(eval("ceil", {x}).text, (Texts{"2", "-1", "3", "-0"}));
    EXPECT_EQ(eval("ceiling", {x}).text, (Texts{"2", "-1", "3", "-0"}));
    EXPECT_EQ(eval("floor", {x}).text, (Texts{"1", "-2", "2", "-1"}));
    EXPECT_EQ(eval("round", {x}).text, (Texts{"2", "-2", "3", "-0"}));
    EXPECT_EQ(eval("truncate", {x}).text, (Texts{"1", "-1", "2", "-0"}));
    EXPECT_EQ(eval("round", {ints({5})}).text, (Texts{"5"}));
    auto d = column(Type::decimal(5, 2), {dec("1.50", 5, 2), dec("-1.50", 5, 2), dec("-1.49", 5, 2)});
    Result c = eval("ceil", {d});
    EXPECT_EQ(c.type, Type::decimal(4, 0));
    EXPECT_EQ(c.text, (Texts{"2", "-1", "-1"}));
    EXPECT_EQ(eval("floor", {d}).text, (Texts{"1", "-2", "-2"}));
    EXPECT_EQ(eval("round", {d}).text, (Texts{"2", "-2", "-1"}));
    Result t = eval("truncate", {d});
    EXPECT_EQ(t.type, Type::decimal(3, 0));
    EXPECT_EQ(t.text, (Texts{"1", "-1", "-1"}));
}

TEST(Math, RoundWithDigits) {
    EXPECT_EQ(eval("round", {doubles({3.14159, -2.5, 1234.5}), ints({2, 0, -2})}).text, (Texts{"3.14", "-3", "1200"}));
    EXPECT_EQ(eval("truncate", {doubles({3.14159, -3.14159}), ints({3, 1})}).text, (Texts{"3.141", "-3.1"}));
    EXPECT_EQ(eval("round", {doubles({std::nan(""), 1e300}), ints({2, 2})}).text, (Texts{"NaN", "1e+300"}));
    Result i = eval("round", {ints({1234, -1250, 7}), ints({-2, -2, 1})});
    EXPECT_EQ(i.type, Type::integer());
    EXPECT_EQ(i.text, (Texts{"1200", "-1300", "7"}));
    EXPECT_EQ(error_of("round", {column(Type::tinyint(), {Value::tinyint(127)}), ints({-1})}), ErrorCode::kNumericOverflow);
    auto d = column(Type::decimal(5, 3), {dec("12.345", 5, 3), dec("-12.345", 5, 3), dec("99.999", 5, 3)});
    Result r = eval("round", {d, ints({2, 1, 2})});
    EXPECT_EQ(r.type, Type::decimal(6, 3));
    EXPECT_EQ(r.text, (Texts{"12.350", "-12.300", "100.000"}));
    Result tr = eval("truncate", {d, ints({1, 0, -1})});
    EXPECT_EQ(tr.type, Type::decimal(5, 3));
    EXPECT_EQ(tr.text, (Texts{"12.300", "-12.000", "90.000"}));
}

TEST(Math, DoubleFunctions) {
    EXPECT_EQ(eval("sqrt", {ints({16})}).text, (Texts{"4"}));
    EXPECT_EQ(eval("sqrt", {doubles({-1})}).text, (Texts{"NaN"}));
    EXPECT_EQ(eval("cbrt", {doubles({27})}).text, (Texts{"3"}));
    EXPECT_EQ(eval("power", {ints({2}), ints({10})}).text, (Texts{"1024"}));
    EXPECT_EQ(eval("pow", {doubles({4}), doubles({0.5})}).text, (Texts{"2"}));
    EXPECT_EQ(eval("exp", {doubles({0})}).text, (Texts{"1"}));
    EXPECT_EQ(eval("ln", {doubles({1})}).text, (Texts{"0"}));
    EXPECT_EQ(eval("ln", {doubles({0})}).text, (Texts{"-Infinity"}));
    EXPECT_EQ(eval("log2", {doubles({8})}).text, (Texts{"3"}));
    EXPECT_EQ(eval("log10", {doubles({1000})}).text, (Texts{"3"}));
    EXPECT_EQ(eval("log", {doubles({2}), doubles({1024})}).text, (Texts{"10"}));
    EXPECT_EQ(eval("degrees", {doubles({M_PI})}).text, (Texts{"180"}));
    EXPECT_EQ(eval("radians", {doubles({180})}).text, (Texts{"3.141592653589793"}));
    EXPECT_EQ(eval("sin", {doubles({0})}).text, (Texts{"0"}));
    EXPECT_EQ(eval("cos", {doubles({0})}).text, (Texts{"1"}));
    EXPECT_EQ(eval("atan2", {doubles({1}), doubles({1})}).text, (Texts{"0.7853981633974483"}));
    EXPECT_EQ(eval("tanh", {doubles({0})}).text, (Texts{"0"}));
    EXPECT_EQ(eval("sqrt", {column(Type::decimal(4, 2), {dec("6.25", 4, 2)})}).text, (Texts{"2.5"}));
    EXPECT_THROW(eval("sqrt", {column(Type::varchar(), {Value::varchar("4")})}), Error);
}

TEST(Math, Constants) {
    EXPECT_EQ(eval("pi", {}, 2).text, (Texts{"3.141592653589793", "3.141592653589793"}));
    EXPECT_EQ(eval("e", {}, 1).text, (Texts{"2.718281828459045"}));
    EXPECT_EQ(eval("nan", {}, 1).text, (Texts{"NaN"}));
    EXPECT_EQ(eval("infinity", {}, 1).text, (Texts{"Infinity"}));
}

TEST(Math, FloatingPredicates) {
    auto x = doubles({std::nan(""), INFINITY, 1.0});
    EXPECT_EQ(eval("is_nan", {x}).text, (Texts{"true", "false", "false"}));
    EXPECT_EQ(eval("is_finite", {x}).text, (Texts{"false", "false", "true"}));
    EXPECT_EQ(eval("is_infinite", {x}).text, (Texts{"false", "true", "false"}));
}

TEST(Math, Random) {
    Result r = eval("random", {}, 100);
    EXPECT_FALSE(r.deterministic);
    EXPECT_EQ(r.type, Type::double_());
    for (size_t i = 0; i < 100; ++i) {
        double v = r.out.values<double>()[i];
        EXPECT_TRUE(v >= 0 && v < 1);
    }
    EXPECT_EQ(eval("rand", {}, 1).type, Type::double_());
    Result n = eval("random", {ints({10, 10, 10, 1})});
    EXPECT_EQ(n.type, Type::integer());
    for (size_t i = 0; i < 4; ++i) {
        int32_t v = n.out.values<int32_t>()[i];
        EXPECT_TRUE(v >= 0 && v < 10);
    }
    EXPECT_EQ(n.out.values<int32_t>()[3], 0);
    EXPECT_EQ(error_of("random", {ints({0})}), ErrorCode::kInvalidParameter);
    Result m = eval("random", {ints({5}), ints({6})});
    EXPECT_EQ(m.text, (Texts{"5"}));
}

TEST(Math, Bitwise) {
    auto a = column(Type::bigint(), {Value::bigint(12)});
    auto b = column(Type::integer(), {Value::integer(10)});
    EXPECT_EQ(eval("bitwise_and", {a, b}).text, (Texts{"8"}));
    EXPECT_EQ(eval("bitwise_or", {a, b}).text, (Texts{"14"}));
    EXPECT_EQ(eval("bitwise_xor", {a, b}).text, (Texts{"6"}));
    EXPECT_EQ(eval("bitwise_not", {a}).text, (Texts{"-13"}));
}

TEST(Math, WidthBucket) {
    auto x = doubles({-1, 0, 5, 9.99, 10, 3.3});
    auto lo = doubles({0, 0, 0, 0, 0, 0});
    auto hi = doubles({10, 10, 10, 10, 10, 10});
    auto n = column(Type::bigint(), {Value::bigint(5), Value::bigint(5), Value::bigint(5), Value::bigint(5),
                                     Value::bigint(5), Value::bigint(5)});
    EXPECT_EQ(eval("width_bucket", {x, lo, hi, n}).text, (Texts{"0", "1", "3", "5", "6", "2"}));
    // Reversed bounds.
    EXPECT_EQ(eval("width_bucket", {doubles({9}), doubles({10}), doubles({0}), column(Type::bigint(), {Value::bigint(5)})}).text,
              (Texts{"1"}));
    EXPECT_EQ(error_of("width_bucket", {doubles({1}), doubles({0}), doubles({10}), column(Type::bigint(), {Value::bigint(0)})}),
              ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of("width_bucket", {doubles({1}), doubles({3}), doubles({3}), column(Type::bigint(), {Value::bigint(2)})}),
              ErrorCode::kInvalidParameter);
    // Bad arguments in a NULL row do not raise.
    auto null_count = column(Type::bigint(), {Value::null(Type::bigint())});
    EXPECT_EQ(eval("width_bucket", {doubles({1}), doubles({3}), doubles({3}), null_count}).text, (Texts{"NULL"}));
}

TEST(Math, ModFromMath) {
    EXPECT_EQ(eval("mod", {doubles({7.5}), doubles({2})}).text, (Texts{"1.5"}));
    EXPECT_EQ(eval("mod", {column(Type::decimal(4, 1), {dec("-7.5", 4, 1)}), ints({2})}).text, (Texts{"-1.5"}));
}

}  // namespace
}  // namespace fedq
