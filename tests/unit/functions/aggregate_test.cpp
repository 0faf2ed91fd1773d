#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

#include "common/error.h"
#include "functions/function.h"
#include "functions/hyperloglog.h"
#include "types/decimal.h"

namespace fedq {
namespace {

ColumnPtr column_of(const Type& type, const std::vector<Value>& values) {
    auto column = Column::make(type);
    for (const auto& v : values) column->append_value(v);
    return column;
}

// Converts a test input column to the type the binder asked for (only the cases the tests use).
ColumnPtr coerce(const ColumnPtr& column, const Type& type) {
    if (column->type() == type) return column;
    auto out = Column::make(type);
    for (size_t r = 0; r < column->size(); ++r) {
        Value v = column->value_at(r);
        if (v.is_null()) out->append_null();
        else if (type.id() == TypeId::kDouble && v.type().is_integer()) out->append<double>(static_cast<double>(v.as_int()));
        else if (type.id() == TypeId::kDouble && v.type().is_floating()) out->append<double>(v.as_double());
        else out->append_value(v);
    }
    return out;
}

// Drives an aggregate like the engine does: rows are fed in small batches (3 rows) alternately into two
// partial state sets (two "threads"), which are then combined and finalized, one result per group.
class Harness {
public:
    Harness(const std::string& name, std::vector<ColumnPtr> args, bool distinct = false, ConstantArgs constants = {}) {
        std::vector<Type> types;
        for (const auto& a : args) types.push_back(a->type());
        constants.resize(types.size());
        function_ = FunctionRegistry::instance().bind_aggregate(name, types, constants, distinct);
        for (size_t i = 0; i < args.size(); ++i) args_.push_back(coerce(args[i], function_.arg_types[i]));
        rows_ = args_.empty() ? 0 : args_[0]->size();
    }
    Harness& rows(size_t n) {
        rows_ = n;
        return *this;
    }

    const BoundAggregateFunction& function() const { return function_; }

    // groups[r] = group of row r (default: all in group 0).
    ColumnPtr run(std::vector<uint32_t> groups = {}, size_t num_groups = 1, size_t batch_rows = 3) {
        if (groups.empty()) groups.assign(rows_, 0);
        size_t stride = (function_.state_size + function_.state_align - 1) / function_.state_align * function_.state_align;
        size_t total = stride * num_groups * 2;
        auto deleter = [align = function_.state_align](uint8_t* p) { ::operator delete(p, std::align_val_t(align)); };
        std::unique_ptr<uint8_t, decltype(deleter)> memory(
            static_cast<uint8_t*>(::operator new(std::max<size_t>(total, 1), std::align_val_t(function_.state_align))),
            deleter);
        auto state = [&](size_t partial, size_t group) { return memory.get() + (partial * num_groups + group) * stride; };
        for (size_t p = 0; p < 2; ++p)
            for (size_t g = 0; g < num_groups; ++g) function_.init(state(p, g));
        size_t batch_index = 0;
        for (size_t offset = 0; offset < rows_; offset += batch_rows, ++batch_index) {
            size_t count = std::min(batch_rows, rows_ - offset);
            std::vector<ColumnPtr> slices;
            std::vector<const Column*> pointers;
            for (const auto& a : args_) {
                auto slice = Column::make(a->type());
                slice->append_range(*a, offset, count);
                slices.push_back(slice);
                pointers.push_back(slice.get());
            }
            std::vector<uint8_t*> states(count);
            for (size_t r = 0; r < count; ++r) states[r] = state(batch_index % 2, groups[offset + r]);
            function_.update(states.data(), pointers, count);
        }
        auto out = Column::make(function_.return_type);
        try {
            for (size_t g = 0; g < num_groups; ++g) {
                function_.combine(state(0, g), state(1, g));
                function_.finalize(state(0, g), *out);
            }
        } catch (...) {
            destroy(state, num_groups);
            throw;
        }
        destroy(state, num_groups);
        return out;
    }

    Value single() { return run()->value_at(0); }

private:
    template <typename StateAt>
    void destroy(StateAt& state, size_t num_groups) {
        if (!function_.destroy) return;
        for (size_t p = 0; p < 2; ++p)
            for (size_t g = 0; g < num_groups; ++g) function_.destroy(state(p, g));
    }

    BoundAggregateFunction function_;
    std::vector<ColumnPtr> args_;
    size_t rows_ = 0;
};

Value aggregate(const std::string& name, std::vector<ColumnPtr> args, bool distinct = false,
                ConstantArgs constants = {}) {
    return Harness(name, std::move(args), distinct, std::move(constants)).single();
}

ColumnPtr ints(const std::vector<std::optional<int64_t>>& values, Type type = Type::bigint()) {
    auto column = Column::make(type);
    for (const auto& v : values) {
        if (!v) column->append_null();
        else column->append_value(Value::bigint(*v));
    }
    return column;
}

ColumnPtr int32s(const std::vector<std::optional<int32_t>>& values) {
    auto column = Column::make(Type::integer());
    for (const auto& v : values) {
        if (v) column->append<int32_t>(*v);
        else column->append_null();
    }
    return column;
}

ColumnPtr doubles(const std::vector<std::optional<double>>& values) {
    auto column = Column::make(Type::double_());
    for (const auto& v : values) {
        if (v) column->append<double>(*v);
        else column->append_null();
    }
    return column;
}

ColumnPtr strings(const std::vector<std::optional<std::string>>& values) {
    auto column = Column::make(Type::varchar());
    for (const auto& v : values) {
        if (v) column->append_string(*v);
        else column->append_null();
    }
    return column;
}

ColumnPtr bools(const std::vector<std::optional<bool>>& values) {
    auto column = Column::make(Type::boolean());
    for (const auto& v : values) {
        if (v) column->append<uint8_t>(*v);
        else column->append_null();
    }
    return column;
}

ColumnPtr decimals(const std::vector<std::optional<int128_t>>& values, int precision, int scale) {
    auto column = Column::make(Type::decimal(precision, scale));
    for (const auto& v : values) {
        if (v) column->append<int128_t>(*v);
        else column->append_null();
    }
    return column;
}

ColumnPtr empty(const Type& type) { return Column::make(type); }

void expect_error(ErrorCode code, const std::function<void()>& body) {
    try {
        body();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.message();
    }
}

// ---------------------------------------------------------------- count

TEST(AggregateCount, StarCountsEveryRowPerGroup) {
    Harness h("count", {});
    h.rows(7);
    auto out = h.run({0, 1, 0, 0, 1, 0, 0}, 3);
    ASSERT_EQ(out->size(), 3u);
    EXPECT_EQ(out->type(), Type::bigint());
    EXPECT_EQ(out->value_at(0).as_int(), 5);
    EXPECT_EQ(out->value_at(1).as_int(), 2);
    EXPECT_EQ(out->value_at(2).as_int(), 0);  // empty group counts 0, not NULL
}

TEST(AggregateCount, SkipsNulls) {
    EXPECT_EQ(aggregate("count", {ints({1, std::nullopt, 3, std::nullopt, 5})}).as_int(), 3);
    EXPECT_EQ(aggregate("count", {strings({"a", std::nullopt})}).as_int(), 1);
    EXPECT_EQ(aggregate("count", {empty(Type::bigint())}).as_int(), 0);
    EXPECT_EQ(aggregate("count", {Column::constant(Value(), 4)}).as_int(), 0);
}

TEST(AggregateCount, Distinct) {
    EXPECT_EQ(aggregate("count", {ints({1, 2, 1, std::nullopt, 2, 3, 1})}, true).as_int(), 3);
    EXPECT_EQ(aggregate("count", {strings({"x", "y", "x", std::nullopt, "", ""})}, true).as_int(), 3);
    EXPECT_EQ(aggregate("count", {doubles({0.0, -0.0, NAN, NAN, 1.5})}, true).as_int(), 3);
    EXPECT_EQ(aggregate("count", {empty(Type::varchar())}, true).as_int(), 0);
}

TEST(AggregateCount, DistinctPerGroup) {
    Harness h("count", {ints({1, 1, 2, 2, 2, 3, 1})}, true);
    auto out = h.run({0, 0, 0, 1, 1, 1, 1}, 2);
    EXPECT_EQ(out->value_at(0).as_int(), 2);
    EXPECT_EQ(out->value_at(1).as_int(), 3);
}

TEST(AggregateCount, CountIf) {
    EXPECT_EQ(aggregate("count_if", {bools({true, false, std::nullopt, true, true})}).as_int(), 3);
    EXPECT_EQ(aggregate("count_if", {empty(Type::boolean())}).as_int(), 0);
    expect_error(ErrorCode::kUndefinedFunction, [] { aggregate("count_if", {ints({1})}); });
}

// ---------------------------------------------------------------- sum / avg

TEST(AggregateSum, Integers) {
    Value v = aggregate("sum", {int32s({1, 2, std::nullopt, 4})});
    EXPECT_EQ(v.type(), Type::bigint());
    EXPECT_EQ(v.as_int(), 7);
    auto tiny = Column::make(Type::tinyint());
    for (int i = 0; i < 100; ++i) tiny->append<int8_t>(100);
    EXPECT_EQ(aggregate("sum", {tiny}).as_int(), 10000);  // no TINYINT overflow
    EXPECT_TRUE(aggregate("sum", {int32s({std::nullopt, std::nullopt})}).is_null());
    EXPECT_TRUE(aggregate("sum", {empty(Type::bigint())}).is_null());
}

TEST(AggregateSum, BigintOverflowRaises) {
    expect_error(ErrorCode::kNumericOverflow, [] { aggregate("sum", {ints({INT64_MAX, 1})}); });
    expect_error(ErrorCode::kNumericOverflow, [] { aggregate("sum", {ints({INT64_MIN, -1})}); });
    // Intermediate overflow that cancels out is fine (128-bit accumulation).
    EXPECT_EQ(aggregate("sum", {ints({INT64_MAX, 1, -2})}).as_int(), INT64_MAX - 1);
}

TEST(AggregateSum, Doubles) {
    Value v = aggregate("sum", {doubles({1.5, std::nullopt, 2.25})});
    EXPECT_EQ(v.type(), Type::double_());
    EXPECT_DOUBLE_EQ(v.as_double(), 3.75);
    auto reals = Column::make(Type::real());
    reals->append<float>(0.5f);
    reals->append<float>(0.25f);
    EXPECT_DOUBLE_EQ(aggregate("sum", {reals}).as_double(), 0.75);
}

TEST(AggregateSum, Decimal) {
    Value v = aggregate("sum", {decimals({1050, -25, std::nullopt, 1}, 10, 2)});
    EXPECT_EQ(v.type(), Type::decimal(38, 2));
    EXPECT_EQ(v.as_decimal(), 1026);
    EXPECT_EQ(v.to_string(), "10.26");
    int128_t big = decimal_max(38);
    expect_error(ErrorCode::kNumericOverflow, [&] { aggregate("sum", {decimals({big, big, big}, 38, 0)}); });
    expect_error(ErrorCode::kNumericOverflow, [&] { aggregate("sum", {decimals({big, 1}, 38, 0)}); });
}

TEST(AggregateSum, Interval) {
    auto column = Column::make(Type::interval());
    column->append<Interval>({1, 2, 3000000});
    column->append_null();
    column->append<Interval>({0, 1, 500000});
    Value v = aggregate("sum", {column});
    EXPECT_EQ(v.as_interval(), (Interval{1, 3, 3500000}));
}

TEST(AggregateSum, DistinctAndGroups) {
    EXPECT_EQ(aggregate("sum", {ints({5, 5, 1, std::nullopt, 1, 2})}, true).as_int(), 8);
    Harness h("sum", {int32s({1, 2, 3, 4, 5, 6})});
    auto out = h.run({0, 1, 0, 1, 0, 2}, 4);
    EXPECT_EQ(out->value_at(0).as_int(), 9);
    EXPECT_EQ(out->value_at(1).as_int(), 6);
    EXPECT_EQ(out->value_at(2).as_int(), 6);
    EXPECT_TRUE(out->value_at(3).is_null());
}

TEST(AggregateSum, RejectsStrings) {
    expect_error(ErrorCode::kUndefinedFunction, [] { aggregate("sum", {strings({"a"})}); });
}

TEST(AggregateAvg, IntegersAndDoubles) {
    Value v = aggregate("avg", {int32s({1, 2, std::nullopt, 4})});
    EXPECT_EQ(v.type(), Type::double_());
    EXPECT_DOUBLE_EQ(v.as_double(), 7.0 / 3);
    EXPECT_DOUBLE_EQ(aggregate("avg", {ints({INT64_MAX, INT64_MAX})}).as_double(), static_cast<double>(INT64_MAX));
    EXPECT_DOUBLE_EQ(aggregate("avg", {doubles({1, 2, 3, 4})}).as_double(), 2.5);
    EXPECT_TRUE(aggregate("avg", {doubles({std::nullopt})}).is_null());
    EXPECT_TRUE(aggregate("avg", {empty(Type::integer())}).is_null());
}

TEST(AggregateAvg, DecimalRoundsHalfUp) {
    Value v = aggregate("avg", {decimals({100, 200, 200}, 5, 2)});  // 5.00 / 3 = 1.666..
    EXPECT_EQ(v.type(), Type::decimal(5, 2));
    EXPECT_EQ(v.as_decimal(), 167);
    EXPECT_EQ(aggregate("avg", {decimals({-100, -200, -200}, 5, 2)}).as_decimal(), -167);
    EXPECT_EQ(aggregate("avg", {decimals({1, 2}, 5, 2)}).as_decimal(), 2);     // 0.015 -> 0.02
    EXPECT_EQ(aggregate("avg", {decimals({-1, -2}, 5, 2)}).as_decimal(), -2);  // -0.015 -> -0.02
    EXPECT_EQ(aggregate("avg", {decimals({1, 1, 2, std::nullopt}, 5, 2)}).as_decimal(), 1);
}

TEST(AggregateAvg, Interval) {
    auto column = Column::make(Type::interval());
    column->append<Interval>({0, 1, 0});
    column->append<Interval>({0, 0, 0});
    Value v = aggregate("avg", {column});
    EXPECT_EQ(v.as_interval(), (Interval{0, 0, 43200LL * 1000000}));
}

// ---------------------------------------------------------------- min / max

TEST(AggregateMinMax, Integers) {
    auto c = int32s({5, std::nullopt, -3, 9, 0});
    EXPECT_EQ(aggregate("min", {c}).as_int(), -3);
    EXPECT_EQ(aggregate("max", {c}).as_int(), 9);
    EXPECT_EQ(aggregate("max", {c}).type(), Type::integer());
    EXPECT_TRUE(aggregate("min", {int32s({std::nullopt})}).is_null());
    EXPECT_TRUE(aggregate("max", {empty(Type::bigint())}).is_null());
    Harness h("max", {int32s({1, 7, 3, 2})});
    auto out = h.run({1, 1, 0, 0}, 3);
    EXPECT_EQ(out->value_at(0).as_int(), 3);
    EXPECT_EQ(out->value_at(1).as_int(), 7);
    EXPECT_TRUE(out->value_at(2).is_null());
}

TEST(AggregateMinMax, DoublesWithNaN) {
    auto c = doubles({1.5, NAN, -2.0, std::nullopt});
    EXPECT_DOUBLE_EQ(aggregate("min", {c}).as_double(), -2.0);
    EXPECT_TRUE(std::isnan(aggregate("max", {c}).as_double()));  // NaN sorts last
}

TEST(AggregateMinMax, Strings) {
    auto c = strings({"pear", std::nullopt, "apple", "zebra", "Zebra", "äpfel"});
    EXPECT_EQ(aggregate("min", {c}).as_string(), "Zebra");
    EXPECT_EQ(aggregate("max", {c}).as_string(), "äpfel");  // UTF-8 byte order = code point order
    EXPECT_EQ(aggregate("max", {strings({"", std::nullopt})}).as_string(), "");
    EXPECT_TRUE(aggregate("max", {strings({std::nullopt})}).is_null());
}

TEST(AggregateMinMax, TemporalDecimalBooleanInterval) {
    auto dates = column_of(Type::date(), {Value::date(19000), Value::date(18000), Value::null(Type::date())});
    EXPECT_EQ(aggregate("min", {dates}), Value::date(18000));
    EXPECT_EQ(aggregate("max", {dates}).type(), Type::date());
    auto ts = column_of(Type::timestamp(), {Value::timestamp(5), Value::timestamp(-5)});
    EXPECT_EQ(aggregate("max", {ts}).as_int(), 5);
    auto dec = decimals({-150, 275, 3}, 6, 2);
    EXPECT_EQ(aggregate("max", {dec}).to_string(), "2.75");
    EXPECT_EQ(aggregate("min", {dec}).type(), Type::decimal(6, 2));
    EXPECT_EQ(aggregate("min", {bools({true, false, std::nullopt})}).as_bool(), false);
    EXPECT_EQ(aggregate("max", {bools({true, false})}).as_bool(), true);
    auto intervals = Column::make(Type::interval());
    intervals->append<Interval>({0, 1, 0});
    intervals->append<Interval>({0, 0, 25LL * 3600 * 1000000});
    EXPECT_EQ(aggregate("max", {intervals}).as_interval(), (Interval{0, 0, 25LL * 3600 * 1000000}));
}

TEST(AggregateMinMax, Arrays) {
    Type type = Type::array(Type::integer());
    auto arrays = column_of(type, {Value::nested(type, {Value::integer(1), Value::integer(5)}),
                                   Value::nested(type, {Value::integer(1), Value::integer(2), Value::integer(9)}),
                                   Value::null(type)});
    EXPECT_EQ(aggregate("min", {arrays}).to_string(), "[1, 2, 9]");
    EXPECT_EQ(aggregate("max", {arrays}).to_string(), "[1, 5]");
}

TEST(AggregateMinMax, DistinctIsIgnored) {
    EXPECT_EQ(aggregate("max", {ints({1, 3, 3})}, true).as_int(), 3);
}

TEST(AggregateMinMax, MaxByMinBy) {
    auto x = strings({"a", "b", std::nullopt, "d", "e"});
    auto y = int32s({3, 9, 10, std::nullopt, -1});
    EXPECT_TRUE(aggregate("max_by", {x, y}).is_null());  // x at y = 10 is NULL
    EXPECT_EQ(aggregate("min_by", {x, y}).as_string(), "e");
    auto y2 = int32s({3, 9, 1, std::nullopt, 9});
    EXPECT_EQ(aggregate("max_by", {x, y2}).as_string(), "b");  // ties keep the first
    auto keys = strings({"m", "z", "a", std::nullopt, "q"});
    auto values = int32s({1, 2, 3, 4, 5});
    EXPECT_EQ(aggregate("max_by", {values, keys}).as_int(), 2);
    EXPECT_EQ(aggregate("min_by", {values, keys}).as_int(), 3);
    EXPECT_TRUE(aggregate("max_by", {empty(Type::integer()), empty(Type::varchar())}).is_null());
    Harness h("max_by", {values, doubles({1, 2, 3, 4, 5})});
    auto out = h.run({0, 0, 1, 1, 0}, 2);
    EXPECT_EQ(out->value_at(0).as_int(), 5);
    EXPECT_EQ(out->value_at(1).as_int(), 4);
}

// ---------------------------------------------------------------- statistics

TEST(AggregateVariance, KnownValues) {
    auto c = int32s({2, 4, 4, 4, 5, 5, 7, 9, std::nullopt});
    EXPECT_DOUBLE_EQ(aggregate("var_pop", {c}).as_double(), 4.0);
    EXPECT_DOUBLE_EQ(aggregate("stddev_pop", {c}).as_double(), 2.0);
    EXPECT_DOUBLE_EQ(aggregate("var_samp", {c}).as_double(), 32.0 / 7);
    EXPECT_DOUBLE_EQ(aggregate("variance", {c}).as_double(), 32.0 / 7);
    EXPECT_DOUBLE_EQ(aggregate("stddev", {c}).as_double(), std::sqrt(32.0 / 7));
    EXPECT_DOUBLE_EQ(aggregate("stddev_samp", {c}).as_double(), std::sqrt(32.0 / 7));
}

TEST(AggregateVariance, TooFewRows) {
    auto one = doubles({3.5});
    EXPECT_TRUE(aggregate("var_samp", {one}).is_null());
    EXPECT_TRUE(aggregate("stddev", {one}).is_null());
    EXPECT_DOUBLE_EQ(aggregate("var_pop", {one}).as_double(), 0.0);
    EXPECT_TRUE(aggregate("var_pop", {empty(Type::double_())}).is_null());
}

TEST(AggregateVariance, DecimalInput) {
    auto c = decimals({150, 250}, 5, 2);  // 1.50, 2.50
    EXPECT_DOUBLE_EQ(aggregate("var_pop", {c}).as_double(), 0.25);
}

TEST(AggregateVariance, LargeOffsetIsStable) {
    std::vector<std::optional<double>> values;
    for (int i = 0; i < 1000; ++i) values.push_back(1e9 + (i % 2));
    EXPECT_NEAR(aggregate("var_pop", {doubles(values)}).as_double(), 0.25, 1e-6);
}

TEST(AggregateStatistics, GeometricMean) {
    EXPECT_NEAR(aggregate("geometric_mean", {int32s({1, 2, 4, std::nullopt})}).as_double(), 2.0, 1e-12);
    EXPECT_TRUE(aggregate("geometric_mean", {empty(Type::double_())}).is_null());
}

TEST(AggregateStatistics, Bivariate) {
    // y = 2x + 1
    auto y = doubles({3, 5, 7, 9, std::nullopt, 100});
    auto x = doubles({1, 2, 3, 4, 5, std::nullopt});
    EXPECT_NEAR(aggregate("corr", {y, x}).as_double(), 1.0, 1e-12);
    EXPECT_NEAR(aggregate("regr_slope", {y, x}).as_double(), 2.0, 1e-12);
    EXPECT_NEAR(aggregate("regr_intercept", {y, x}).as_double(), 1.0, 1e-12);
    EXPECT_NEAR(aggregate("covar_pop", {y, x}).as_double(), 2.5, 1e-12);
    EXPECT_NEAR(aggregate("covar_samp", {y, x}).as_double(), 10.0 / 3, 1e-12);
    EXPECT_NEAR(aggregate("corr", {int32s({1, 2, 3}), int32s({3, 2, 1})}).as_double(), -1.0, 1e-12);
    EXPECT_TRUE(aggregate("corr", {doubles({1, 1}), doubles({1, 2})}).is_null());  // zero variance
    EXPECT_TRUE(aggregate("covar_samp", {doubles({1}), doubles({1})}).is_null());
}

// ---------------------------------------------------------------- boolean, arbitrary

TEST(AggregateBoolean, AndOr) {
    EXPECT_EQ(aggregate("bool_and", {bools({true, std::nullopt, true})}).as_bool(), true);
    EXPECT_EQ(aggregate("bool_and", {bools({true, false, true})}).as_bool(), false);
    EXPECT_EQ(aggregate("every", {bools({true, false})}).as_bool(), false);
    EXPECT_EQ(aggregate("bool_or", {bools({false, std::nullopt, true})}).as_bool(), true);
    EXPECT_EQ(aggregate("bool_or", {bools({false, false})}).as_bool(), false);
    EXPECT_TRUE(aggregate("bool_or", {bools({std::nullopt})}).is_null());
    EXPECT_TRUE(aggregate("bool_and", {empty(Type::boolean())}).is_null());
}

TEST(AggregateArbitrary, FirstNonNull) {
    EXPECT_EQ(aggregate("arbitrary", {strings({std::nullopt, "x", "y"})}).as_string(), "x");
    EXPECT_EQ(aggregate("any_value", {int32s({std::nullopt, 4})}).as_int(), 4);
    EXPECT_TRUE(aggregate("arbitrary", {int32s({std::nullopt})}).is_null());
}

// ---------------------------------------------------------------- collecting

TEST(AggregateCollect, ArrayAggKeepsNullsAndOrder) {
    Harness h("array_agg", {int32s({1, std::nullopt, 3, 4, 5})});
    EXPECT_TRUE(h.function().order_sensitive);
    EXPECT_EQ(h.function().return_type, Type::array(Type::integer()));
    auto out = h.run({0, 0, 0, 0, 0}, 2, 100);  // one batch, one partial: order preserved
    EXPECT_EQ(out->value_at(0).to_string(), "[1, NULL, 3, 4, 5]");
    EXPECT_TRUE(out->value_at(1).is_null());  // empty group
}

TEST(AggregateCollect, ArrayAggStringsAcrossPartials) {
    Harness h("array_agg", {strings({"a", "b", std::nullopt, "d"})});
    auto out = h.run({0, 0, 1, 1}, 2, 1);  // batches alternate partials; combine appends partial 1
    EXPECT_EQ(out->value_at(0).children().size(), 2u);
    Value second = out->value_at(1);
    ASSERT_EQ(second.children().size(), 2u);
    // Row 2 (NULL) went to partial 0, row 3 ("d") to partial 1.
    EXPECT_TRUE(second.children()[0].is_null());
    EXPECT_EQ(second.children()[1].as_string(), "d");
}

TEST(AggregateCollect, ArrayAggNestedAndDistinct) {
    Type type = Type::array(Type::varchar());
    auto arrays = column_of(type, {Value::nested(type, {Value::varchar("x")}), Value::nested(type, {})});
    EXPECT_EQ(aggregate("array_agg", {arrays}).to_string(), "[[x], []]");
    Value d = aggregate("array_agg", {int32s({3, 1, 3, std::nullopt, 1, std::nullopt})}, true);
    EXPECT_EQ(d.children().size(), 3u);  // 3, 1, NULL
}

TEST(AggregateCollect, StringAgg) {
    auto sep = Value::varchar(", ");
    auto x = strings({"a", std::nullopt, "b", "c"});
    auto seps = Column::constant(sep, 4);
    Harness h("string_agg", {x, seps}, false, {std::nullopt, sep});
    EXPECT_TRUE(h.function().order_sensitive);
    EXPECT_EQ(h.run({}, 1, 100)->value_at(0).as_string(), "a, b, c");
    EXPECT_EQ(Harness("listagg", {x, seps}, false, {std::nullopt, Value::varchar("")}).run({}, 1, 100)->value_at(0).as_string(),
              "abc");
    EXPECT_TRUE(aggregate("string_agg", {strings({std::nullopt}), Column::constant(sep, 1)}, false, {std::nullopt, sep})
                    .is_null());
    // Across partials every piece is still separated exactly once.
    std::string combined = Harness("string_agg", {x, seps}, false, {std::nullopt, sep}).run({}, 1, 1)->value_at(0).as_string();
    EXPECT_EQ(combined.size(), std::string("a, b, c").size());
    expect_error(ErrorCode::kInvalidParameter, [&] { aggregate("string_agg", {x, strings({",", ",", ",", ","})}); });
}

TEST(AggregateCollect, StringAggDistinct) {
    auto sep = Value::varchar("|");
    Value v = aggregate("string_agg", {strings({"a", "b", "a", "b"}), Column::constant(sep, 4)}, true,
                        {std::nullopt, sep});
    EXPECT_EQ(v.as_string().size(), 3u);
}

// ---------------------------------------------------------------- approx_distinct

TEST(AggregateApproxDistinct, SmallSetsAreExact) {
    EXPECT_EQ(aggregate("approx_distinct", {ints({1, 2, 2, 3, std::nullopt, 1})}).as_int(), 3);
    EXPECT_EQ(aggregate("approx_distinct", {strings({"a", "b", "a"})}).as_int(), 2);
    EXPECT_EQ(aggregate("approx_distinct", {empty(Type::bigint())}).as_int(), 0);
    EXPECT_EQ(aggregate("approx_distinct", {int32s({std::nullopt})}).as_int(), 0);
    EXPECT_EQ(aggregate("approx_distinct", {doubles({0.0, -0.0})}).as_int(), 1);
}

TEST(AggregateApproxDistinct, LargeSetsWithinError) {
    for (int64_t n : {150, 400, 1000, 5000, 20000, 200000}) {
        std::vector<std::optional<int64_t>> values;
        for (int64_t i = 0; i < n; ++i) values.push_back(i * 7919 % 1000003);
        for (int64_t i = 0; i < n / 2; ++i) values.push_back(i * 7919 % 1000003);  // duplicates
        Harness h("approx_distinct", {ints(values)});
        double estimate = static_cast<double>(h.run({}, 1, 4096)->value_at(0).as_int());
        EXPECT_NEAR(estimate / static_cast<double>(n), 1.0, 0.07) << n;
    }
}

TEST(AggregateApproxDistinct, StringsPerGroupAndMaxError) {
    std::vector<std::optional<std::string>> values;
    std::vector<uint32_t> groups;
    for (int i = 0; i < 30000; ++i) {
        values.push_back("user-" + std::to_string(i % 10000));
        groups.push_back(i % 2);
    }
    Harness h("approx_distinct", {strings(values)});
    auto out = h.run(groups, 2, 1000);
    EXPECT_NEAR(out->value_at(0).as_int() / 5000.0, 1.0, 0.07);
    EXPECT_NEAR(out->value_at(1).as_int() / 5000.0, 1.0, 0.07);
    auto errors = Column::constant(Value::double_(0.01), values.size());
    Harness precise("approx_distinct", {strings(values), errors}, false, {std::nullopt, Value::double_(0.01)});
    EXPECT_NEAR(precise.run({}, 1, 1000)->value_at(0).as_int() / 10000.0, 1.0, 0.03);
    expect_error(ErrorCode::kInvalidParameter, [&] {
        aggregate("approx_distinct", {strings({"a"}), doubles({0.5})}, false, {std::nullopt, Value::double_(0.5)});
    });
    // A DECIMAL literal (0.05) is accepted as the error bound too.
    Value error = Value::decimal(5, 3, 2);
    EXPECT_EQ(aggregate("approx_distinct", {strings({"a", "b"}), Column::constant(error, 2)}, false, {std::nullopt, error})
                  .as_int(),
              2);
}

TEST(AggregateApproxDistinct, HyperLogLogMerge) {
    HyperLogLog a, b;
    std::mt19937_64 random(42);
    for (int i = 0; i < 50000; ++i) a.add_hash(random());
    for (int i = 0; i < 50; ++i) b.add_hash(random());
    EXPECT_TRUE(b.is_sparse());
    EXPECT_EQ(b.estimate(), 50u);
    a.merge(b);
    EXPECT_NEAR(a.estimate() / 50050.0, 1.0, 0.07);
    b.merge(a);
    EXPECT_EQ(a.estimate(), b.estimate());
    EXPECT_EQ(HyperLogLog::precision_for_error(0.023), 11);
}

// ---------------------------------------------------------------- binding

TEST(AggregateBinding, Errors) {
    expect_error(ErrorCode::kUndefinedFunction, [] { aggregate("no_such_aggregate", {ints({1})}); });
    expect_error(ErrorCode::kUndefinedFunction, [] { aggregate("avg", {strings({"a"})}); });
    expect_error(ErrorCode::kUndefinedFunction, [] { aggregate("min", {column_of(Type::json(), {})}); });
    expect_error(ErrorCode::kUndefinedFunction, [] { aggregate("count", {ints({1}), ints({1})}); });
    EXPECT_TRUE(FunctionRegistry::instance().has_aggregate("listagg"));
    EXPECT_TRUE(FunctionRegistry::instance().has_aggregate("every"));
}

TEST(AggregateBinding, NullLiteralArguments) {
    auto nulls = Column::constant(Value(), 3);
    EXPECT_TRUE(aggregate("sum", {nulls}).is_null());
    EXPECT_TRUE(aggregate("max", {nulls}).is_null());
    EXPECT_EQ(aggregate("count", {nulls}, true).as_int(), 0);
}

}  // namespace
}  // namespace fedq
