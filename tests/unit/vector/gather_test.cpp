#include "vector/gather.h"

#include <gtest/gtest.h>

#include <string>

namespace fedq {
namespace {

void expect_equal_columns(const Column& a, const Column& b) {
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.type(), b.type());
    for (size_t r = 0; r < a.size(); ++r) {
        ASSERT_EQ(a.is_null(r), b.is_null(r)) << "row " << r;
        if (a.is_valid(r)) {
            ASSERT_EQ(a.value_at(r).to_string(), b.value_at(r).to_string()) << "row " << r;
        }
    }
}

Batch sample_batch(bool with_nulls) {
    std::vector<ColumnPtr> columns;
    const std::vector<Type> types = {Type::boolean(),     Type::smallint(), Type::integer(), Type::bigint(),
                                     Type::double_(),     Type::date(),     Type::decimal(15, 2),
                                     Type::decimal(38, 4), Type::varchar(), Type::interval()};
    const size_t rows = 300;
    for (const auto& type : types) {
        auto c = Column::make(type);
        for (size_t r = 0; r < rows; ++r) {
            if (with_nulls && r % 5 == 2) {
                c->append_null();
                continue;
            }
            switch (type.id()) {
                case TypeId::kBoolean: c->append<uint8_t>(r % 2); break;
                case TypeId::kSmallInt: c->append<int16_t>(static_cast<int16_t>(r * 3)); break;
                case TypeId::kInteger:
                case TypeId::kDate: c->append<int32_t>(static_cast<int32_t>(r * 7 - 100)); break;
                case TypeId::kBigInt: c->append<int64_t>(static_cast<int64_t>(r) << 40); break;
                case TypeId::kDouble: c->append<double>(r * 0.5); break;
                case TypeId::kDecimal: c->append<int128_t>((static_cast<int128_t>(r) << 70) - 12345); break;
                case TypeId::kVarchar: c->append_string(std::string(r % 40, static_cast<char>('a' + r % 26))); break;
                case TypeId::kInterval: c->append<Interval>(Interval{static_cast<int32_t>(r), 2, 3}); break;
                default: ADD_FAILURE() << type.to_string(); c->append_null();
            }
        }
        columns.push_back(c);
    }
    return Batch(rows, std::move(columns));
}

TEST(FastGather, SameAsBatchGather) {
    for (bool nulls : {false, true}) {
        Batch batch = sample_batch(nulls);
        std::vector<uint32_t> indices;
        for (uint32_t r = 0; r < batch.num_rows; r += 3) indices.push_back(r);
        indices.push_back(7);  // repeated and out of order
        indices.push_back(0);
        Batch expected = batch.gather(indices.data(), indices.size());
        Batch got = fast_gather(batch, indices.data(), indices.size());
        ASSERT_EQ(got.num_rows, expected.num_rows);
        for (size_t c = 0; c < batch.num_columns(); ++c) expect_equal_columns(*got.columns[c], *expected.columns[c]);
    }
}

TEST(FastGather, AppendsToNonEmptyColumns) {
    Batch with = sample_batch(true), without = sample_batch(false);
    std::vector<uint32_t> first = {1, 2, 3, 4}, second = {10, 12, 299, 0};
    for (size_t c = 0; c < with.num_columns(); ++c) {
        // Valid rows after NULL rows, and NULL rows after a column without validity.
        auto got = Column::make(with.columns[c]->type());
        auto expected = Column::make(with.columns[c]->type());
        fast_append_gather(*got, *with.columns[c], first.data(), first.size());
        fast_append_gather(*got, *without.columns[c], second.data(), second.size());
        fast_append_gather(*got, *with.columns[c], second.data(), second.size());
        expected->append_gather(*with.columns[c], first.data(), first.size());
        expected->append_gather(*without.columns[c], second.data(), second.size());
        expected->append_gather(*with.columns[c], second.data(), second.size());
        expect_equal_columns(*got, *expected);
    }
}

TEST(FastGather, EmptySelectionAndNestedFallback) {
    Batch batch = sample_batch(true);
    Batch none = fast_gather(batch, nullptr, 0);
    EXPECT_EQ(none.num_rows, 0u);
    for (const auto& c : none.columns) EXPECT_EQ(c->size(), 0u);
    // ARRAY takes the generic path.
    auto arrays = Column::make(Type::array(Type::integer()));
    arrays->append_value(Value::nested(Type::array(Type::integer()), {Value::integer(1), Value::integer(2)}));
    arrays->append_null();
    arrays->append_value(Value::nested(Type::array(Type::integer()), {Value::integer(3)}));
    std::vector<uint32_t> idx = {2, 1, 0};
    auto got = Column::make(arrays->type());
    fast_append_gather(*got, *arrays, idx.data(), idx.size());
    auto expected = Column::make(arrays->type());
    expected->append_gather(*arrays, idx.data(), idx.size());
    expect_equal_columns(*got, *expected);
}

}  // namespace
}  // namespace fedq
