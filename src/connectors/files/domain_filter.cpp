#include "connectors/files/domain_filter.h"

#include <cmath>
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

template <typename T, typename Get>
void DomainFilter::apply_typed(const Column& column, uint8_t* keep, const std::vector<TypedRange<T>>& ranges,
                               Get get) const {
    const size_t rows = column.size();
    const uint8_t* validity = column.validity();
    const size_t count = ranges.size();
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
