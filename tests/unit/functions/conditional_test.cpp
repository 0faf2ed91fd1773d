// coalesce, nullif, if, greatest, least: super-type coercion and NULL handling.
#include <gtest/gtest.h>

#include <cmath>

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

struct Result {
    Type type;
    Texts text;
};

Result eval(const std::string& name, const std::vector<ColumnPtr>& inputs) {
    std::vector<Type> types;
    for (const auto& c : inputs) types.push_back(c->type());
    BoundScalarFunction bound = FunctionRegistry::instance().bind_scalar(name, types, ConstantArgs(inputs.size()));
    EXPECT_FALSE(bound.propagates_nulls) << name;
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
    for (size_t r = 0; r < out.size(); ++r) result.text.push_back(out.value_at(r).to_string());
    return result;
}

Value null_int() { return Value::null(Type::integer()); }

TEST(Conditional, Coalesce) {
    auto a = column(Type::integer(), {null_int(), Value::integer(1), null_int(), null_int()});
    auto b = column(Type::bigint(), {Value::bigint(20), Value::bigint(21), Value::null(Type::bigint()), Value::null(Type::bigint())});
    auto c = column(Type::integer(), {Value::integer(300), Value::integer(301), Value::integer(302), null_int()});
    Result r = eval("coalesce", {a, b, c});
    EXPECT_EQ(r.type, Type::bigint());
    EXPECT_EQ(r.text, (Texts{"20", "1", "302", "NULL"}));
}

TEST(Conditional, CoalesceStringsAndDecimals) {
    auto a = column(Type::varchar(), {Value::null(Type::varchar()), Value::varchar("x")});
    auto b = column(Type::varchar(), {Value::varchar("fallback"), Value::varchar("y")});
    EXPECT_EQ(eval("coalesce", {a, b}).text, (Texts{"fallback", "x"}));
    auto d = column(Type::decimal(5, 2), {Value::null(Type::decimal(5, 2)), Value::decimal(125, 5, 2)});
    auto i = column(Type::integer(), {Value::integer(7), Value::integer(8)});
    Result r = eval("coalesce", {d, i});
    EXPECT_EQ(r.type, Type::decimal(12, 2));
    EXPECT_EQ(r.text, (Texts{"7.00", "1.25"}));
    auto n = column(Type::null(), {Value(), Value()});
    EXPECT_EQ(eval("coalesce", {n, a}).text, (Texts{"NULL", "x"}));
    EXPECT_THROW(eval("coalesce", {a, i}), Error);
}

TEST(Conditional, CoalesceArrays) {
    Type array = Type::array(Type::integer());
    auto a = column(array, {Value::null(array), Value::nested(array, {Value::integer(1)})});
    auto b = column(array, {Value::nested(array, {Value::integer(2), Value::integer(3)}), Value::null(array)});
    EXPECT_EQ(eval("coalesce", {a, b}).text, (Texts{"[2, 3]", "[1]"}));
}

TEST(Conditional, Nullif) {
    auto a = column(Type::integer(), {Value::integer(1), Value::integer(2), null_int(), Value::integer(4)});
    auto b = column(Type::integer(), {Value::integer(1), Value::integer(3), Value::integer(3), null_int()});
    Result r = eval("nullif", {a, b});
    EXPECT_EQ(r.type, Type::integer());
    EXPECT_EQ(r.text, (Texts{"NULL", "2", "NULL", "4"}));
    // Compared in the super type, result keeps the first argument's type.
    auto d = column(Type::double_(), {Value::double_(1.0), Value::double_(2.5), Value::double_(0), Value::double_(0)});
    Result mixed = eval("nullif", {a, d});
    EXPECT_EQ(mixed.type, Type::integer());
    EXPECT_EQ(mixed.text, (Texts{"NULL", "2", "NULL", "4"}));
    auto s = column(Type::varchar(), {Value::varchar("a"), Value::varchar("b"), Value::varchar(""), Value::varchar("")});
    auto t = column(Type::varchar(), {Value::varchar("a"), Value::varchar("c"), Value::varchar(""), Value::varchar("x")});
    EXPECT_EQ(eval("nullif", {s, t}).text, (Texts{"NULL", "b", "NULL", ""}));
}

TEST(Conditional, If) {
    auto cond = column(Type::boolean(), {Value::boolean(true), Value::boolean(false), Value::null(Type::boolean())});
    auto a = column(Type::integer(), {Value::integer(1), Value::integer(2), Value::integer(3)});
    auto b = column(Type::double_(), {Value::double_(0.5), Value::double_(1.5), Value::double_(2.5)});
    Result r = eval("if", {cond, a, b});
    EXPECT_EQ(r.type, Type::double_());
    EXPECT_EQ(r.text, (Texts{"1", "1.5", "2.5"}));
    EXPECT_EQ(eval("if", {cond, a}).text, (Texts{"1", "NULL", "NULL"}));
    auto s = column(Type::varchar(), {Value::varchar("yes"), Value::null(Type::varchar()), Value::varchar("z")});
    auto t = column(Type::varchar(), {Value::varchar("no"), Value::varchar("no"), Value::varchar("no")});
    EXPECT_EQ(eval("if", {cond, s, t}).text, (Texts{"yes", "no", "no"}));
    EXPECT_EQ(eval("if", {cond, t, s}).text, (Texts{"no", "NULL", "z"}));
    EXPECT_THROW(eval("if", {a, a, a}), Error);  // condition must be BOOLEAN
}

TEST(Conditional, GreatestLeast) {
    auto a = column(Type::integer(), {Value::integer(1), Value::integer(9), Value::integer(5)});
    auto b = column(Type::bigint(), {Value::bigint(7), Value::bigint(2), Value::null(Type::bigint())});
    auto c = column(Type::integer(), {Value::integer(3), Value::integer(4), Value::integer(6)});
    Result g = eval("greatest", {a, b, c});
    EXPECT_EQ(g.type, Type::bigint());
    EXPECT_EQ(g.text, (Texts{"7", "9", "NULL"}));
    EXPECT_EQ(eval("least", {a, b, c}).text, (Texts{"1", "2", "NULL"}));
}

TEST(Conditional, GreatestLeastOtherTypes) {
    auto s = column(Type::varchar(), {Value::varchar("apple"), Value::varchar("b")});
    auto t = column(Type::varchar(), {Value::varchar("banana"), Value::varchar("a")});
    EXPECT_EQ(eval("greatest", {s, t}).text, (Texts{"banana", "b"}));
    EXPECT_EQ(eval("least", {s, t}).text, (Texts{"apple", "a"}));
    auto d1 = column(Type::double_(), {Value::double_(1.0), Value::double_(std::nan(""))});
    auto d2 = column(Type::double_(), {Value::double_(2.0), Value::double_(5.0)});
    EXPECT_EQ(eval("greatest", {d1, d2}).text, (Texts{"2", "NaN"}));
    EXPECT_EQ(eval("least", {d1, d2}).text, (Texts{"1", "5"}));
    auto dec = column(Type::decimal(4, 2), {Value::decimal(150, 4, 2), Value::decimal(-150, 4, 2)});
    auto i = column(Type::integer(), {Value::integer(1), Value::integer(-1)});
    EXPECT_EQ(eval("greatest", {dec, i}).text, (Texts{"1.50", "-1.00"}));
    auto iv1 = column(Type::interval(), {Value::interval({0, 1, 0})});
    auto iv2 = column(Type::interval(), {Value::interval({0, 0, 5})});
    EXPECT_EQ(eval("greatest", {iv1, iv2}).text, (Texts{"1 day"}));
    EXPECT_THROW(eval("greatest", {s, i}), Error);
}

}  // namespace
}  // namespace fedq
