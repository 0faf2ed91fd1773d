// Comparison operators over every type, with super-type coercion, IEEE NaN semantics and NULL rows.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
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

const FunctionRegistry& registry() {
    static const FunctionRegistry r = [] {
        FunctionRegistry fresh;
        register_comparison_functions(fresh);
        return fresh;
    }();
    return r;
}

Texts eval(const std::string& name, const ColumnPtr& a, const ColumnPtr& b, std::vector<Type>* arg_types = nullptr) {
    BoundScalarFunction bound = registry().bind_scalar(name, {a->type(), b->type()}, ConstantArgs(2));
    EXPECT_EQ(bound.return_type, Type::boolean());
    if (arg_types) *arg_types = bound.arg_types;
    std::vector<ColumnPtr> inputs{a, b}, keep;
    ScalarArgs args;
    args.rows = a->size();
    for (size_t i = 0; i < 2; ++i) {
        if (inputs[i]->type() == bound.arg_types[i]) {
            args.columns.push_back(inputs[i].get());
        } else {
            auto casted = Column::make(bound.arg_types[i]);
            cast_column(*inputs[i], bound.arg_types[i], *casted, false);
            keep.push_back(casted);
            args.columns.push_back(casted.get());
        }
    }
    Column out(Type::boolean());
    bound.kernel(args, out);
    Texts texts;
    for (size_t r = 0; r < args.rows; ++r) {
        bool null = args.columns[0]->is_null(r) || args.columns[1]->is_null(r);
        texts.push_back(null ? "NULL" : (out.values<uint8_t>()[r] ? "t" : "f"));
    }
    return texts;
}

// All six operators for each row pair: "eq ne lt le gt ge" as t/f letters.
std::vector<std::string> all_ops(const ColumnPtr& a, const ColumnPtr& b) {
    std::vector<Texts> per_op;
    for (const char* op : {"$eq", "$ne", "$lt", "$le", "$gt", "$ge"}) per_op.push_back(eval(op, a, b));
    std::vector<std::string> rows;
    for (size_t r = 0; r < a->size(); ++r) {
        std::string s;
        for (const auto& texts : per_op) s += texts[r] == "NULL" ? "N" : texts[r];
        rows.push_back(s);
    }
    return rows;
}

TEST(Comparison, Integers) {
    auto a = column(Type::integer(), {Value::integer(1), Value::integer(2), Value::integer(3), Value::null(Type::integer())});
    auto b = column(Type::integer(), {Value::integer(2), Value::integer(2), Value::integer(1), Value::integer(1)});
    EXPECT_EQ(all_ops(a, b), (Texts{"ftttff", "tfftft", "ftfftt", "NNNNNN"}));
}

TEST(Comparison, MixedTypesUseSuperType) {
    std::vector<Type> arg_types;
    auto a = column(Type::integer(), {Value::integer(1), Value::integer(2)});
    auto b = column(Type::double_(), {Value::double_(1.0), Value::double_(1.5)});
    EXPECT_EQ(eval("$eq", a, b, &arg_types), (Texts{"t", "f"}));
    EXPECT_EQ(arg_types, (std::vector<Type>{Type::double_(), Type::double_()}));
    auto d = column(Type::decimal(5, 2), {Value::decimal(100, 5, 2), Value::decimal(250, 5, 2)});
    EXPECT_EQ(eval("$lt", a, d, &arg_types), (Texts{"f", "t"}));
    EXPECT_EQ(arg_types[0], Type::decimal(12, 2));
    auto date = column(Type::date(), {Value::date(*parse_date("2024-01-01"))});
    auto ts = column(Type::timestamp(), {Value::timestamp(*parse_timestamp("2024-01-01 00:00:01"))});
    EXPECT_EQ(eval("$lt", date, ts), (Texts{"t"}));
}

TEST(Comparison, DoubleNanAndSignedZero) {
    const double nan = std::nan("");
    auto a = column(Type::double_(), {Value::double_(nan), Value::double_(nan), Value::double_(-0.0), Value::double_(1)});
    auto b = column(Type::double_(), {Value::double_(nan), Value::double_(INFINITY), Value::double_(0.0), Value::double_(nan)});
    // IEEE 754: every comparison with NaN is false except <>.
    EXPECT_EQ(all_ops(a, b), (Texts{"ftffff", "ftffff", "tfftft", "ftffff"}));
    auto r1 = column(Type::real(), {Value::real(std::nanf(""))});
    auto r2 = column(Type::real(), {Value::real(1.0f)});
    EXPECT_EQ(all_ops(r1, r2), (Texts{"ftffff"}));
}

TEST(Comparison, Strings) {
    auto a = column(Type::varchar(), {Value::varchar("abc"), Value::varchar("ab"), Value::varchar(""), Value::varchar("\xc3\xa9")});
    auto b = column(Type::varchar(), {Value::varchar("abc"), Value::varchar("abc"), Value::varchar(""), Value::varchar("z")});
    EXPECT_EQ(all_ops(a, b), (Texts{"tfftft", "ftttff", "tfftft", "ftfftt"}));
    auto j1 = column(Type::json(), {Value::json("[1]")});
    auto j2 = column(Type::json(), {Value::json("[1]")});
    EXPECT_EQ(eval("$eq", j1, j2), (Texts{"t"}));
    auto v1 = column(Type::varbinary(), {Value::varbinary(std::string("\x00\x01", 2))});
    auto v2 = column(Type::varbinary(), {Value::varbinary(std::string("\x00\x02", 2))});
    EXPECT_EQ(eval("$lt", v1, v2), (Texts{"t"}));
}

TEST(Comparison, BooleanDecimalTemporalInterval) {
    auto t = column(Type::boolean(), {Value::boolean(false)});
    auto u = column(Type::boolean(), {Value::boolean(true)});
    EXPECT_EQ(all_ops(t, u), (Texts{"ftttff"}));
    auto d1 = column(Type::decimal(38, 2), {Value::decimal(-decimal_max(38), 38, 2)});
    auto d2 = column(Type::decimal(38, 2), {Value::decimal(decimal_max(38), 38, 2)});
    EXPECT_EQ(all_ops(d1, d2), (Texts{"ftttff"}));
    auto ts1 = column(Type::timestamp_tz(), {Value::timestamp_tz(5)});
    auto ts2 = column(Type::timestamp_tz(), {Value::timestamp_tz(5)});
    EXPECT_EQ(all_ops(ts1, ts2), (Texts{"tfftft"}));
    auto i1 = column(Type::interval(), {Value::interval({0, 1, 0}), Value::interval({1, 0, 0})});
    auto i2 = column(Type::interval(), {Value::interval({0, 0, 86400LL * kMicrosPerSecond}), Value::interval({0, 40, 0})});
    EXPECT_EQ(all_ops(i1, i2), (Texts{"tfftft", "ftfftt"}));
}

TEST(Comparison, ArraysAndRows) {
    Type array = Type::array(Type::integer());
    auto a = column(array, {Value::nested(array, {Value::integer(1), Value::integer(2)}),
                            Value::nested(array, {Value::integer(1)})});
    auto b = column(array, {Value::nested(array, {Value::integer(1), Value::integer(2)}),
                            Value::nested(array, {Value::integer(1), Value::integer(0)})});
    EXPECT_EQ(all_ops(a, b), (Texts{"tfftft", "ftttff"}));
    Type row = Type::row({"x", "y"}, {Type::integer(), Type::varchar()});
    auto r1 = column(row, {Value::nested(row, {Value::integer(1), Value::varchar("b")})});
    auto r2 = column(row, {Value::nested(row, {Value::integer(1), Value::varchar("a")})});
    EXPECT_EQ(eval("$gt", r1, r2), (Texts{"t"}));
}

TEST(Comparison, RejectsIncomparableTypes) {
    auto s = column(Type::varchar(), {Value::varchar("1")});
    auto i = column(Type::integer(), {Value::integer(1)});
    try {
        eval("$eq", s, i);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUndefinedFunction);
        EXPECT_NE(e.message().find("unexpected parameters"), std::string::npos);
    }
    EXPECT_THROW(eval("$lt", column(Type::date(), {Value::date(0)}), column(Type::boolean(), {Value::boolean(true)})), Error);
}

TEST(Comparison, NullTypeArguments) {
    auto n = column(Type::null(), {Value()});
    auto i = column(Type::integer(), {Value::integer(1)});
    EXPECT_EQ(eval("$eq", n, i), (Texts{"NULL"}));
    EXPECT_EQ(eval("$eq", n, n), (Texts{"NULL"}));
}

TEST(Comparison, LargeBatch) {
    auto a = Column::make(Type::varchar());
    auto b = Column::make(Type::varchar());
    for (int i = 0; i < 5000; ++i) {
        a->append_string(std::to_string(i));
        b->append_string(std::to_string(i % 2 ? i : i + 1));
    }
    Texts r = eval("$eq", a, b);
    EXPECT_EQ(r[0], "f");
    EXPECT_EQ(r[1], "t");
    EXPECT_EQ(std::count(r.begin(), r.end(), "t"), 2500);
}

}  // namespace
}  // namespace fedq
