#include "connectors/files/domain_filter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <optional>
#include <string_view>

namespace fedq {

namespace {

// Can a bound of type `bound` be compared with the column's physical int64 values as they are?
bool same_integer_unit(const Type& column, const Type& bound) {
    if (column.is_integer() || column.id() == TypeId::kBoolean)
        return bound.is_integer() || bound.id() == TypeId::kBoolean;
    if (column.id() == TypeId::kDate) return bound.id() == TypeId::kDate;
    if (column.id() == TypeId::kTimestamp || column.id() == TypeId::kTimestampTz) {
        return bound.id() == TypeId::kTimestamp || bound.id() == TypeId::kTimestampTz;
    }
    return false;
}

bool bounds_all(const Domain& domain, bool (*predicate)(const Type&, const Type&), const Type& column) {
    for (const auto& range : domain.ranges()) {
        for (const Bound* bound : {&range.low, &range.high}) {
            if (bound->value && (bound->value->is_null() || !predicate(column, bound->value->type())))
                return false;
        }
    }
    return true;
}

bool numeric_bound(const Type&, const Type& bound) { return bound.is_integer() || bound.is_floating(); }
bool string_bound(const Type&, const Type& bound) { return bound.is_string(); }
// DECIMAL bounds at a scale the column's unscaled values can be compared with after an exact rescale.
bool decimal_bound(const Type& column, const Type& bound) {
    return bound.id() == TypeId::kDecimal && bound.scale() <= column.scale() &&
           column.scale() - bound.scale() <= 18;
}

// The bound's unscaled value at `scale`, or nullopt if it does not fit.
std::optional<int128_t> rescale_decimal(const Value& v, int scale) {
    int128_t x = v.as_decimal();
    for (int s = v.type().scale(); s < scale; ++s) {
        if (__builtin_mul_overflow(x, int128_t(10), &x)) return std::nullopt;
    }
    return x;
}

double bound_as_double(const Value& v) {
    return v.type().is_floating() ? v.as_double() : static_cast<double>(v.as_int());
}

}  // namespace

DomainFilter::DomainFilter(const Domain& domain, const Type& column_type)
    : domain_(domain), column_type_(column_type), null_allowed_(domain.null_allowed()) {
    if (domain.is_all()) {
        mode_ = Mode::kAll;
        return;
    }
    if (domain.ranges().empty()) {
        mode_ = Mode::kNone;  // only NULL (or nothing) may pass
        return;
    }
    const TypeId id = column_type.id();
    const bool integer_like = column_type.is_integer() || id == TypeId::kBoolean || column_type.is_temporal();
    if (integer_like && bounds_all(domain, same_integer_unit, column_type)) {
        mode_ = Mode::kInteger;
        for (const auto& range : domain.ranges()) {
            TypedRange<int64_t> r;
            if (range.low.value) {
                r.has_low = true;
                r.low = range.low.value->as_int();
                r.low_inclusive = range.low.inclusive;
            }
            if (range.high.value) {
                r.has_high = true;
                r.high = range.high.value->as_int();
                r.high_inclusive = range.high.inclusive;
            }
            integer_ranges_.push_back(r);
        }
    } else if ((column_type.is_integer() || column_type.is_floating()) &&
               bounds_all(domain, numeric_bound, column_type)) {
        mode_ = Mode::kDouble;
        for (const auto& range : domain.ranges()) {
            TypedRange<double> r;
            if (range.low.value) {
                r.has_low = true;
                r.low = bound_as_double(*range.low.value);
                r.low_inclusive = range.low.inclusive;
            }
            if (range.high.value) {
                r.has_high = true;
                r.high = bound_as_double(*range.high.value);
                r.high_inclusive = range.high.inclusive;
            }
            if ((r.has_low && std::isnan(r.low)) || (r.has_high && std::isnan(r.high))) {
                mode_ = Mode::kGeneric;
                break;
            }
            double_ranges_.push_back(r);
        }
    } else if (id == TypeId::kDecimal && bounds_all(domain, decimal_bound, column_type)) {
        mode_ = Mode::kDecimal;
        for (const auto& range : domain.ranges()) {
            TypedRange<int128_t> r;
            std::optional<int128_t> low, high;
            if (range.low.value && !(low = rescale_decimal(*range.low.value, column_type.scale()))) {
                mode_ = Mode::kGeneric;
                break;
            }
            if (range.high.value && !(high = rescale_decimal(*range.high.value, column_type.scale()))) {
                mode_ = Mode::kGeneric;
                break;
            }
            if (low) {
                r.has_low = true;
                r.low = *low;
                r.low_inclusive = range.low.inclusive;
            }
            if (high) {
                r.has_high = true;
                r.high = *high;
                r.high_inclusive = range.high.inclusive;
            }
            decimal_ranges_.push_back(r);
        }
        if (mode_ != Mode::kDecimal) decimal_ranges_.clear();
    } else if (column_type.is_string() && bounds_all(domain, string_bound, column_type)) {
        mode_ = Mode::kString;
        for (const auto& range : domain.ranges()) {
            TypedRange<std::string> r;
            if (range.low.value) {
                r.has_low = true;
                r.low = range.low.value->as_string();
                r.low_inclusive = range.low.inclusive;
            }
            if (range.high.value) {
                r.has_high = true;
                r.high = range.high.value->as_string();
                r.high_inclusive = range.high.inclusive;
            }
            string_ranges_.push_back(r);
        }
    }
}

template <typename T>
struct UnsignedOf {
    using type = std::make_unsigned_t<T>;
};
template <>
struct UnsignedOf<int128_t> {
    using type = unsigned __int128;
};

template <typename T, typename Get>
void DomainFilter::apply_typed(const Column& column, uint8_t* keep, const std::vector<TypedRange<T>>& ranges,
                               Get get) const {
    const size_t rows = column.size();
    const uint8_t* validity = column.validity();
    const size_t count = ranges.size();
    if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, int128_t>) {
        if (count >= 1 && count <= 8) {
            // Branch-free: every range is tested on every row (NULL slots hold initialized bytes), the
            // result is ANDed into keep. Rows already dropped are recomputed, which is cheaper than a branch.
            const uint8_t null_keep = null_allowed_ ? 1 : 0;
            constexpr size_t kChunk = 1024;
            uint8_t hit[kChunk];
            for (size_t begin = 0; begin < rows; begin += kChunk) {
                const size_t n = std::min(kChunk, rows - begin);
                std::memset(hit, 0, n);
                for (const auto& range : ranges) {
                    const T low = range.low, high = range.high;
                    const bool no_low = !range.has_low, no_high = !range.has_high;
                    const bool low_inc = range.low_inclusive, high_inc = range.high_inclusive;
                    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, int128_t>) {
                        // Integers: one unsigned compare, v in [lo, hi] <=> (v - lo) <= (hi - lo) (mod 2^N).
                        using U = typename UnsignedOf<T>::type;
                        constexpr T kMin = std::is_same_v<T, int128_t> ? static_cast<T>(U(1) << 127)
                                                                       : std::numeric_limits<T>::min();
                        constexpr T kMax = static_cast<T>(~static_cast<U>(kMin));
                        T lo = no_low ? kMin : low, hi = no_high ? kMax : high;
                        bool empty = false;
                        if (!no_low && !low_inc) {
                            if (lo == kMax) empty = true;
                            else ++lo;
                        }
                        if (!no_high && !high_inc) {
                            if (hi == kMin) empty = true;
                            else --hi;
                        }
                        if (empty || hi < lo) continue;
                        const U ulo = static_cast<U>(lo), span = static_cast<U>(hi) - ulo;
                        for (size_t i = 0; i < n; ++i) {
                            const U v = static_cast<U>(static_cast<T>(get(begin + i)));
                            hit[i] |= static_cast<uint8_t>(v - ulo <= span);
                        }
                    } else if (range.has_low && range.has_high && low_inc && high_inc) {
                        for (size_t i = 0; i < n; ++i) {
                            const T v = get(begin + i);
                            hit[i] |= static_cast<uint8_t>(!(v < low)) & static_cast<uint8_t>(!(high < v));
                        }
                    } else {
                        for (size_t i = 0; i < n; ++i) {
                            const T v = get(begin + i);
                            const uint8_t above = no_low | (low < v) | (low_inc & (v == low));
                            const uint8_t below = no_high | (v < high) | (high_inc & (v == high));
                            hit[i] |= above & below;
                        }
                    }
                }
                uint8_t* k = keep + begin;
                if (validity) {
                    const uint8_t* valid = validity + begin;
                    for (size_t i = 0; i < n; ++i) {
                        const uint8_t ok = valid[i] ? hit[i] : null_keep;
                        k[i] &= ok;
                    }
                } else {
                    for (size_t i = 0; i < n; ++i) k[i] &= hit[i];
                }
            }
            return;
        }
    }
    for (size_t r = 0; r < rows; ++r) {
        if (!keep[r]) continue;
        if (validity && !validity[r]) {
            if (!null_allowed_) keep[r] = 0;
            continue;
        }
        auto v = get(r);
        bool in = false;
        if (count <= 8) {
            for (size_t i = 0; i < count && !in; ++i) in = ranges[i].contains(v);
        } else {
            // Sorted, disjoint ranges: the candidate is the last one whose low bound is <= v.
            size_t lo = 0, hi = count;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                const auto& m = ranges[mid];
                if (!m.has_low || !(v < m.low))
                    lo = mid + 1;
                else
                    hi = mid;
            }
            in = lo > 0 && ranges[lo - 1].contains(v);
        }
        if (!in) keep[r] = 0;
    }
}

void DomainFilter::apply(const Column& column, uint8_t* keep) const {
    const size_t rows = column.size();
    const uint8_t* validity = column.validity();
    switch (mode_) {
        case Mode::kAll:
            return;
        case Mode::kNone:
            for (size_t r = 0; r < rows; ++r) {
                if (!null_allowed_ || (!validity || validity[r])) keep[r] = 0;
            }
            return;
        case Mode::kInteger: {
            switch (column_type_.id()) {
                case TypeId::kBoolean: {
                    const uint8_t* v = column.values<uint8_t>();
                    apply_typed(column, keep, integer_ranges_,
                                [v](size_t r) { return static_cast<int64_t>(v[r]); });
                    return;
                }
                case TypeId::kTinyInt: {
                    const int8_t* v = column.values<int8_t>();
                    apply_typed(column, keep, integer_ranges_,
                                [v](size_t r) { return static_cast<int64_t>(v[r]); });
                    return;
                }
                case TypeId::kSmallInt: {
                    const int16_t* v = column.values<int16_t>();
                    apply_typed(column, keep, integer_ranges_,
                                [v](size_t r) { return static_cast<int64_t>(v[r]); });
                    return;
                }
                case TypeId::kInteger:
                case TypeId::kDate: {
                    const int32_t* v = column.values<int32_t>();
                    apply_typed(column, keep, integer_ranges_,
                                [v](size_t r) { return static_cast<int64_t>(v[r]); });
                    return;
                }
                default: {
                    const int64_t* v = column.values<int64_t>();
                    apply_typed(column, keep, integer_ranges_, [v](size_t r) { return v[r]; });
                    return;
                }
            }
        }
        case Mode::kDouble: {
            const TypeId id = column_type_.id();
            if (id == TypeId::kDouble || id == TypeId::kReal) {
                // NaN orders differently in Value::compare: those rows take the generic path.
                bool has_nan = false;
                if (id == TypeId::kDouble) {
                    const double* v = column.values<double>();
                    for (size_t r = 0; r < rows && !has_nan; ++r)
                        has_nan = std::isnan(v[r]) && column.is_valid(r);
                    if (!has_nan) {
                        apply_typed(column, keep, double_ranges_, [v](size_t r) { return v[r]; });
                        return;
                    }
                } else {
                    const float* v = column.values<float>();
                    for (size_t r = 0; r < rows && !has_nan; ++r)
                        has_nan = std::isnan(v[r]) && column.is_valid(r);
                    if (!has_nan) {
                        apply_typed(column, keep, double_ranges_,
                                    [v](size_t r) { return static_cast<double>(v[r]); });
                        return;
                    }
                }
                break;  // generic
            }
            if (id == TypeId::kBigInt) {
                const int64_t* v = column.values<int64_t>();
                apply_typed(column, keep, double_ranges_,
                            [v](size_t r) { return static_cast<double>(v[r]); });
                return;
            }
            break;
        }
        case Mode::kDecimal: {
            const int128_t* v = column.values<int128_t>();
            apply_typed(column, keep, decimal_ranges_, [v](size_t r) { return v[r]; });
            return;
        }
        case Mode::kString: {
            apply_typed(column, keep, string_ranges_, [&column](size_t r) { return column.string_at(r); });
            return;
        }
        case Mode::kGeneric:
            break;
    }
    for (size_t r = 0; r < rows; ++r) {
        if (keep[r] && !domain_.contains(column.value_at(r))) keep[r] = 0;
    }
}

}  // namespace fedq
