#include "connectors/files/domain_filter.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "types/decimal.h"

namespace fedq {
namespace {

// keep[] after DomainFilter::apply must equal Domain::contains(value) row by row (the reference).
void expect_same_as_domain(const Domain& domain, const Column& column, const std::vector<uint8_t>& initial = {}) {
    std::vector<uint8_t> keep = initial.empty() ? std::vector<uint8_t>(column.size(), 1) : initial;
    DomainFilter(domain, column.type()).apply(column, keep.data());
    for (size_t r = 0; r < column.size(); ++r) {
        const bool expected = (initial.empty() || initial[r]) && domain.contains(column.value_at(r));
        ASSERT_EQ(keep[r], expected ? 1 : 0)
            << "row " << r << " value " << column.value_at(r).to_string() << " domain " << domain.to_string();
    }
}

Range make_range(std::optional<Value> low, bool low_inc, std::optional<Value> high, bool high_inc) {
    return Range{{std::move(low), low_inc}, {std::move(high), high_inc}};
}

// Every combination of bound presence/inclusiveness, with and without NULL allowed.
std::vector<Domain> domains_for(const Type& type, const Value& a, const Value& b) {
    std::vector<Domain> out;
    for (int mask = 0; mask < 16; ++mask) {
        const bool has_low = mask & 1, has_high = mask & 2, low_inc = mask & 4, high_inc = mask & 8;
        if (!has_low && !has_high) continue;
        Domain d = Domain::range(type, make_range(has_low ? std::optional<Value>(a) : std::nullopt, low_inc,
                                                  has_high ? std::optional<Value>(b) : std::nullopt, high_inc));
        out.push_back(d);
        out.push_back(d.union_with(Domain::only_null(type)));
    }
    out.push_back(Domain::values(type, {a, b}));
    return out;
}

TEST(DomainFilter, IntegerRangesMatchDomain) {
    auto column = Column::make(Type::integer());
    for (int32_t v = -20; v <= 20; ++v) {
        if (v % 7 == 0)
            column->append_null();
        else
            column->append<int32_t>(v);
    }
    column->append<int32_t>(std::numeric_limits<int32_t>::min());
    column->append<int32_t>(std::numeric_limits<int32_t>::max());
    for (const auto& d : domains_for(Type::integer(), Value::integer(-5), Value::integer(9)))
        expect_same_as_domain(d, *column);
    // Bounds at the type's extremes (exclusive bounds must not wrap around).
    for (const auto& d : domains_for(Type::integer(), Value::integer(std::numeric_limits<int32_t>::min()),
                                     Value::integer(std::numeric_limits<int32_t>::max())))
        expect_same_as_domain(d, *column);
}

TEST(DomainFilter, BigintExtremesDoNotWrap) {
    auto column = Column::make(Type::bigint());
    const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
    for (int64_t v : {lo, lo + 1, int64_t{-1}, int64_t{0}, int64_t{1}, hi - 1, hi}) column->append<int64_t>(v);
    for (const auto& d : domains_for(Type::bigint(), Value::bigint(lo), Value::bigint(hi)))
        expect_same_as_domain(d, *column);
    for (const auto& d : domains_for(Type::bigint(), Value::bigint(0), Value::bigint(0)))
        expect_same_as_domain(d, *column);
}

TEST(DomainFilter, DecimalRangesMatchDomain) {
    const Type type = Type::decimal(15, 2);
    auto column = Column::make(type);
    std::mt19937 rng(7);
    for (int i = 0; i < 3000; ++i) {
        if (i % 11 == 0)
            column->append_null();
        else
            column->append<int128_t>(static_cast<int128_t>(static_cast<int>(rng() % 1200)) - 100);
    }
    // TPC-H Q6 shape: l_discount between 0.05 and 0.07, l_quantity < 24 (bounds at the column's scale).
    for (const auto& d : domains_for(type, Value::decimal(5, 15, 2), Value::decimal(7, 15, 2)))
        expect_same_as_domain(d, *column);
    // Bounds at a smaller scale are rescaled (24 -> 24.00).
    for (const auto& d : domains_for(type, Value::decimal(3, 15, 0), Value::decimal(24, 15, 0)))
        expect_same_as_domain(d, *column);
    // Only the rows still kept are touched.
    std::vector<uint8_t> initial(column->size());
    for (size_t r = 0; r < initial.size(); ++r) initial[r] = r % 3 != 0;
    expect_same_as_domain(Domain::range(type, make_range(Value::decimal(100, 15, 2), false, std::nullopt, false)),
                          *column, initial);
}

TEST(DomainFilter, DecimalExtremes) {
    const Type type = Type::decimal(38, 0);
    const int128_t max = decimal_max(38);
    auto column = Column::make(type);
    for (int128_t v : {-max, -max + 1, int128_t{-1}, int128_t{0}, int128_t{1}, max - 1, max})
        column->append<int128_t>(v);
    for (const auto& d : domains_for(type, Value::decimal(-max, 38, 0), Value::decimal(max, 38, 0)))
        expect_same_as_domain(d, *column);
    for (const auto& d : domains_for(type, Value::decimal(0, 38, 0), Value::decimal(1, 38, 0)))
        expect_same_as_domain(d, *column);
}

TEST(DomainFilter, DoubleAndDateRanges) {
    auto doubles = Column::make(Type::double_());
    for (int i = -30; i <= 30; ++i) {
        if (i % 9 == 0)
            doubles->append_null();
        else
            doubles->append<double>(i * 0.25);
    }
    for (const auto& d : domains_for(Type::double_(), Value::double_(-1.0), Value::double_(2.5)))
        expect_same_as_domain(d, *doubles);
    auto dates = Column::make(Type::date());
    for (int32_t v = 8700; v < 9200; v += 3) dates->append<int32_t>(v);
    for (const auto& d : domains_for(Type::date(), Value::date(8766), Value::date(9131)))
        expect_same_as_domain(d, *dates);
}

TEST(DomainFilter, ManyRangesAndNone) {
    auto column = Column::make(Type::integer());
    for (int32_t v = 0; v < 200; ++v) column->append<int32_t>(v);
    column->append_null();
    std::vector<Value> values;
    for (int32_t v = 0; v < 200; v += 13) values.push_back(Value::integer(v));
    expect_same_as_domain(Domain::values(Type::integer(), values), *column);  // more than 8 ranges
    expect_same_as_domain(Domain::none(Type::integer()), *column);
    expect_same_as_domain(Domain::not_null(Type::integer()), *column);
    expect_same_as_domain(Domain::only_null(Type::integer()), *column);
}

TEST(DomainFilter, StringRanges) {
    auto column = Column::make(Type::varchar());
    for (const char* s : {"", "A", "AIR", "MAIL", "REG AIR", "SHIP", "TRUCK", "zzz"}) column->append_string(s);
    column->append_null();
    for (const auto& d : domains_for(Type::varchar(), Value::varchar("AIR"), Value::varchar("SHIP")))
        expect_same_as_domain(d, *column);
}

}  // namespace
}  // namespace fedq
