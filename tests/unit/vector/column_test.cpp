// Unit tests for the vector module: Buffer, Column and Batch.
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include <gtest/gtest.h>

#include "types/datetime.h"
#include "types/decimal.h"
#include "vector/buffer.h"
#include "vector/column.h"

namespace fedq {
namespace {

Type int_array() { return Type::array(Type::integer()); }
Type pair_row() { return Type::row({"a", "b"}, {Type::bigint(), Type::varchar()}); }

Value arr(std::vector<Value> items) { return Value::nested(int_array(), std::move(items)); }
Value pair(int64_t a, std::string b) { return Value::nested(pair_row(), {Value::bigint(a), Value::varchar(std::move(b))}); }

// One sample (non-null) value per type, plus a second distinct one.
std::vector<std::pair<Value, Value>> samples() {
    return {
        {Value::boolean(true), Value::boolean(false)},
        {Value::tinyint(-7), Value::tinyint(127)},
        {Value::smallint(-300), Value::smallint(32767)},
        {Value::integer(-70000), Value::integer(42)},
        {Value::bigint(int64_t(1) << 40), Value::bigint(-1)},
        {Value::real(1.5f), Value::real(-2.25f)},
        {Value::double_(3.25), Value::double_(-1e300)},
        {Value::decimal(-123456, 10, 2), Value::decimal(-decimal_max(10), 10, 2)},
        {Value::varchar("hello"), Value::varchar("")},
        {Value::varbinary(std::string("\0\x01\xff", 3)), Value::varbinary("x")},
        {Value::json("{\"a\":1}"), Value::json("[]")},
        {Value::date(19727), Value::date(-1)},
        {Value::timestamp(1704449472123456), Value::timestamp(-1)},
        {Value::timestamp_tz(0), Value::timestamp_tz(86400000000)},
        {Value::interval({1, 2, 3}), Value::interval({-1, 0, 5})},
        {arr({Value::integer(1), Value::null(Type::integer()), Value::integer(3)}), arr({})},
        {pair(1, "one"), Value::nested(pair_row(), {Value::null(Type::bigint()), Value::varchar("x")})},
        {Value::nested(Type::array(Type::varchar()), {Value::varchar("a"), Value::varchar("bc")}),
         Value::nested(Type::array(Type::varchar()), {Value::null(Type::varchar())})},
    };
}

void expect_value(const Column& c, size_t row, const Value& expected) {
    Value got = c.value_at(row);
    if (expected.is_null()) {
        EXPECT_TRUE(got.is_null()) << "row " << row << " got " << got.to_string();
        EXPECT_TRUE(c.is_null(row));
        return;
    }
    EXPECT_FALSE(c.is_null(row)) << "row " << row;
    EXPECT_EQ(got.type(), expected.type()) << got.type().to_string();
    EXPECT_TRUE(got == expected) << "row " << row << ": " << got.to_string() << " vs " << expected.to_string();
    EXPECT_EQ(got.to_string(), expected.to_string());
}

TEST(BufferTest, GrowthKeepsContentsAndAlignment) {
    Buffer b;
    EXPECT_TRUE(b.empty());
    EXPECT_EQ(b.capacity(), 0u);
    for (int32_t i = 0; i < 10000; ++i) b.push<int32_t>(i);
    EXPECT_EQ(b.size(), 40000u);
    EXPECT_GE(b.capacity(), 40000u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
    for (int32_t i = 0; i < 10000; ++i) ASSERT_EQ(b.as<int32_t>()[i], i);
    // Pushing a reference to its own last element while growing must be safe.
    Buffer c;
    c.push<int32_t>(7);
    for (int i = 0; i < 100; ++i) c.push<int32_t>(c.as<int32_t>()[c.size() / 4 - 1] + 1);
    EXPECT_EQ(c.as<int32_t>()[100], 107);
}

TEST(BufferTest, CopyMoveResize) {
    Buffer a;
    a.append("abcdef", 6);
    Buffer copy(a);
    EXPECT_EQ(copy.size(), 6u);
    EXPECT_EQ(std::memcmp(copy.data(), "abcdef", 6), 0);
    EXPECT_NE(copy.data(), a.data());
    Buffer assigned;
    assigned.append("zz", 2);
    assigned = a;
    EXPECT_EQ(assigned.size(), 6u);
    assigned = assigned;  // self-assignment
    EXPECT_EQ(assigned.size(), 6u);
    Buffer moved(std::move(copy));
    EXPECT_EQ(moved.size(), 6u);
    EXPECT_EQ(copy.size(), 0u);
    EXPECT_EQ(copy.data(), nullptr);
    moved.resize_fill(10, 0xAB);
    EXPECT_EQ(moved.data()[5], 'f');
    EXPECT_EQ(moved.data()[9], 0xAB);
    moved.resize_fill(3, 0);
    EXPECT_EQ(moved.size(), 3u);
    moved.clear();
    EXPECT_TRUE(moved.empty());
    EXPECT_GE(moved.capacity(), 10u);
    a.append(nullptr, 0);
    EXPECT_EQ(a.size(), 6u);
}

TEST(ColumnTest, AppendValueEveryTypeWithNulls) {
    for (const auto& [v1, v2] : samples()) {
        SCOPED_TRACE(v1.type().to_string());
        auto c = Column::make(v1.type());
        c->append_value(v1);
        c->append_value(Value::null(v1.type()));
        c->append_value(v2);
        c->append_null();
        ASSERT_EQ(c->size(), 4u);
        EXPECT_EQ(c->null_count(), 2u);
        EXPECT_TRUE(c->has_nulls());
        expect_value(*c, 0, v1);
        expect_value(*c, 1, Value::null(v1.type()));
        expect_value(*c, 2, v2);
        expect_value(*c, 3, Value::null(v1.type()));
    }
}

TEST(ColumnTest, AppendWithoutNullsHasNoValidity) {
    auto c = Column::make(Type::bigint());
    for (int64_t i = 0; i < 100; ++i) c->append<int64_t>(i);
    EXPECT_FALSE(c->has_nulls());
    EXPECT_EQ(c->validity(), nullptr);
    EXPECT_EQ(c->null_count(), 0u);
    EXPECT_EQ(c->values<int64_t>()[99], 99);
    c->append_null();
    c->append<int64_t>(5);
    EXPECT_TRUE(c->is_valid(0));
    EXPECT_TRUE(c->is_null(100));
    EXPECT_TRUE(c->is_valid(101));
    EXPECT_EQ(c->null_count(), 1u);
}

TEST(ColumnTest, Strings) {
    auto c = Column::make(Type::varchar());
    c->append_string("abc");
    c->append_string("");
    c->append_null();
    c->append_string(std::string(1000, 'x'));
    ASSERT_EQ(c->size(), 4u);
    EXPECT_EQ(c->string_at(0), "abc");
    EXPECT_EQ(c->string_at(1), "");
    EXPECT_EQ(c->string_at(2), "");  // NULL slot is empty
    EXPECT_EQ(c->string_at(3).size(), 1000u);
    EXPECT_EQ(c->offsets()[0], 0);
    EXPECT_EQ(c->offsets()[4], 1003);
    EXPECT_TRUE(c->is_null(2));
}

TEST(ColumnTest, ArraysAndRowsLayout) {
    auto a = Column::make(int_array());
    a->append_value(arr({Value::integer(1), Value::integer(2)}));
    a->append_null();
    a->append_value(arr({}));
    a->append_value(arr({Value::integer(3)}));
    ASSERT_EQ(a->size(), 4u);
    ASSERT_EQ(a->children().size(), 1u);
    EXPECT_EQ(a->children()[0].size(), 3u);
    EXPECT_EQ(a->offsets()[0], 0);
    EXPECT_EQ(a->offsets()[1], 2);
    EXPECT_EQ(a->offsets()[2], 2);
    EXPECT_EQ(a->offsets()[3], 2);
    EXPECT_EQ(a->offsets()[4], 3);

    auto r = Column::make(pair_row());
    r->append_value(pair(1, "x"));
    r->append_null();
    r->append_value(pair(3, "zzz"));
    ASSERT_EQ(r->children().size(), 2u);
    EXPECT_EQ(r->children()[0].size(), 3u);
    EXPECT_EQ(r->children()[1].size(), 3u);
    EXPECT_EQ(r->children()[1].string_at(2), "zzz");
    EXPECT_TRUE(r->is_null(1));
    expect_value(*r, 2, pair(3, "zzz"));
}

// Builds a column of `n` rows cycling through v1, v2 and (if with_nulls) NULL.
ColumnPtr build(const Value& v1, const Value& v2, size_t n, bool with_nulls) {
    auto c = Column::make(v1.type());
    for (size_t i = 0; i < n; ++i) {
        size_t k = i % (with_nulls ? 3 : 2);
        if (k == 0) c->append_value(v1);
        else if (k == 1) c->append_value(v2);
        else c->append_null();
    }
    return c;
}

Value expected_at(const Value& v1, const Value& v2, size_t i, bool with_nulls) {
    size_t k = i % (with_nulls ? 3 : 2);
    return k == 0 ? v1 : k == 1 ? v2 : Value::null(v1.type());
}

TEST(ColumnTest, AppendGatherRangeFromAllCombinations) {
    for (const auto& [v1, v2] : samples()) {
        for (bool source_nulls : {false, true}) {
            for (bool target_nulls : {false, true}) {
                SCOPED_TRACE(v1.type().to_string() + (source_nulls ? " src-nulls" : "") +
                             (target_nulls ? " dst-nulls" : ""));
                auto src = build(v1, v2, 9, source_nulls);
                EXPECT_EQ(src->has_nulls(), source_nulls);
                // Target starts with one row (NULL or v2) so appends must keep offsets / validity right.
                auto prefix = [&] {
                    auto t = Column::make(v1.type());
                    if (target_nulls) t->append_null();
                    else t->append_value(v2);
                    return t;
                };
                Value first = target_nulls ? Value::null(v1.type()) : v2;

                auto g = prefix();
                std::vector<uint32_t> idx = {8, 0, 2, 2, 4};
                g->append_gather(*src, idx.data(), idx.size());
                ASSERT_EQ(g->size(), 6u);
                expect_value(*g, 0, first);
                for (size_t k = 0; k < idx.size(); ++k) expect_value(*g, k + 1, expected_at(v1, v2, idx[k], source_nulls));

                auto r = prefix();
                r->append_range(*src, 2, 5);
                ASSERT_EQ(r->size(), 6u);
                expect_value(*r, 0, first);
                for (size_t k = 0; k < 5; ++k) expect_value(*r, k + 1, expected_at(v1, v2, 2 + k, source_nulls));

                auto f = prefix();
                for (size_t k : {5u, 1u, 0u}) f->append_from(*src, k);
                ASSERT_EQ(f->size(), 4u);
                expect_value(*f, 0, first);
                expect_value(*f, 1, expected_at(v1, v2, 5, source_nulls));
                expect_value(*f, 2, expected_at(v1, v2, 1, source_nulls));
                expect_value(*f, 3, expected_at(v1, v2, 0, source_nulls));

                // Empty gather / range are no-ops.
                auto e = prefix();
                e->append_gather(*src, idx.data(), 0);
                e->append_range(*src, 3, 0);
                EXPECT_EQ(e->size(), 1u);
            }
        }
    }
}

TEST(ColumnTest, ConstantEveryType) {
    for (const auto& [v1, v2] : samples()) {
        SCOPED_TRACE(v1.type().to_string());
        auto c = Column::constant(v1, 5);
        ASSERT_EQ(c->size(), 5u);
        EXPECT_EQ(c->type(), v1.type());
        EXPECT_EQ(c->null_count(), 0u);
        for (size_t i = 0; i < 5; ++i) expect_value(*c, i, v1);
        auto n = Column::constant(Value::null(v1.type()), 4);
        ASSERT_EQ(n->size(), 4u);
        EXPECT_EQ(n->type(), v1.type());
        EXPECT_EQ(n->null_count(), 4u);
        for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(n->value_at(i).is_null());
        // A NULL constant can take further appends of real values.
        n->append_value(v2);
        expect_value(*n, 4, v2);
        auto empty = Column::constant(v1, 0);
        EXPECT_EQ(empty->size(), 0u);
    }
}

TEST(ColumnTest, ConstantNullVarcharArrayRowLayout) {
    auto s = Column::constant(Value::null(Type::varchar()), 3);
    EXPECT_EQ(s->offsets()[3], 0);
    EXPECT_EQ(s->string_at(1), "");
    auto a = Column::constant(Value::null(int_array()), 3);
    EXPECT_EQ(a->offsets()[3], 0);
    ASSERT_EQ(a->children().size(), 1u);
    EXPECT_EQ(a->children()[0].size(), 0u);
    auto r = Column::constant(Value::null(pair_row()), 3);
    ASSERT_EQ(r->children().size(), 2u);
    EXPECT_EQ(r->children()[0].size(), 3u);
    EXPECT_EQ(r->children()[1].size(), 3u);
    auto untyped = Column::constant(Value(), 2);
    EXPECT_EQ(untyped->size(), 2u);
    EXPECT_EQ(untyped->null_count(), 2u);
}

TEST(ColumnTest, ValueAtRoundTripsDoubleSpecials) {
    auto c = Column::make(Type::double_());
    c->append_value(Value::double_(-0.0));
    c->append_value(Value::double_(std::numeric_limits<double>::infinity()));
    c->append_value(Value::double_(std::numeric_limits<double>::quiet_NaN()));
    EXPECT_TRUE(std::signbit(c->value_at(0).as_double()));
    EXPECT_TRUE(std::isinf(c->value_at(1).as_double()));
    EXPECT_TRUE(std::isnan(c->value_at(2).as_double()));
}

TEST(ColumnTest, CompactValidityAndNullCount) {
    auto c = Column::make(Type::integer());
    c->append<int32_t>(1);
    c->append<int32_t>(2);
    uint8_t* v = c->mutable_validity();
    ASSERT_NE(v, nullptr);
    EXPECT_TRUE(c->has_nulls());
    EXPECT_EQ(c->null_count(), 0u);
    c->compact_validity();
    EXPECT_FALSE(c->has_nulls());
    EXPECT_EQ(c->validity(), nullptr);
    c->set_null(1);
    EXPECT_EQ(c->null_count(), 1u);
    c->compact_validity();
    EXPECT_TRUE(c->has_nulls());
    EXPECT_TRUE(c->is_null(1));
    EXPECT_TRUE(c->is_valid(0));
    auto empty = Column::make(Type::varchar());
    EXPECT_EQ(empty->null_count(), 0u);
    empty->compact_validity();
    EXPECT_EQ(empty->size(), 0u);
}

TEST(ColumnTest, ResizeFixedWidth) {
    auto c = Column::make(Type::bigint());
    c->append_null();
    c->resize(4);
    ASSERT_EQ(c->size(), 4u);
    EXPECT_TRUE(c->is_null(0));
    EXPECT_TRUE(c->is_valid(1));
    EXPECT_TRUE(c->is_valid(3));
    c->values<int64_t>()[3] = 9;
    EXPECT_EQ(c->value_at(3).as_int(), 9);
}

Batch make_batch(size_t n) {
    auto ids = Column::make(Type::bigint());
    auto names = Column::make(Type::varchar());
    auto arrays = Column::make(int_array());
    for (size_t i = 0; i < n; ++i) {
        ids->append<int64_t>(static_cast<int64_t>(i));
        if (i % 4 == 3) names->append_null();
        else names->append_string("n" + std::to_string(i));
        arrays->append_value(arr(std::vector<Value>(i % 3, Value::integer(static_cast<int32_t>(i)))));
    }
    return Batch(n, {ids, names, arrays});
}

TEST(BatchTest, GatherAndSlice) {
    Batch b = make_batch(10);
    EXPECT_EQ(b.num_columns(), 3u);
    EXPECT_GT(b.memory_bytes(), 0u);
    std::vector<uint32_t> idx = {9, 3, 3, 0};
    Batch g = b.gather(idx.data(), idx.size());
    ASSERT_EQ(g.num_rows, 4u);
    ASSERT_EQ(g.num_columns(), 3u);
    for (size_t k = 0; k < idx.size(); ++k) {
        for (size_t c = 0; c < 3; ++c) {
            Value want = b.column(c).value_at(idx[k]);
            Value got = g.column(c).value_at(k);
            EXPECT_EQ(got.is_null(), want.is_null());
            EXPECT_EQ(got.to_string(), want.to_string()) << "col " << c << " row " << k;
        }
    }
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(g.column(c).size(), 4u);
    Batch s = b.slice(3, 5);
    ASSERT_EQ(s.num_rows, 5u);
    for (size_t k = 0; k < 5; ++k) {
        for (size_t c = 0; c < 3; ++c) {
            EXPECT_EQ(s.column(c).value_at(k).to_string(), b.column(c).value_at(3 + k).to_string());
        }
    }
    Batch empty = b.slice(10, 0);
    EXPECT_EQ(empty.num_rows, 0u);
    Batch none = b.gather(idx.data(), 0);
    EXPECT_EQ(none.num_rows, 0u);
    EXPECT_EQ(none.num_columns(), 3u);
}

}  // namespace
}  // namespace fedq
