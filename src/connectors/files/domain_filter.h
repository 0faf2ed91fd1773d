// Evaluates a Constraint Domain on a parsed column, so the files connector can answer Exact for every
// constrained column. The domain's ranges are compiled once per scan into a typed form (int64, double,
// DECIMAL unscaled int128 at the column's scale, or string bounds) and evaluated in a tight loop (numeric
// ranges branch-free, one unsigned compare per integer range); anything else (nested types, mixed bound
// types, DOUBLE columns holding NaN) falls back to Domain::contains per row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connector/constraint.h"
#include "vector/column.h"

namespace fedq {

class DomainFilter {
  public:
    DomainFilter(const Domain& domain, const Type& column_type);

    // Clears keep[row] for each row of `column` whose value is not in the domain.
    void apply(const Column& column, uint8_t* keep) const;

  private:
    enum class Mode : uint8_t { kAll, kNone, kInteger, kDouble, kDecimal, kString, kGeneric };
    template <typename T>
    struct TypedRange {
        T low{};
        T high{};
        bool has_low = false, has_high = false, low_inclusive = true, high_inclusive = true;
        template <typename V>
        bool contains(const V& v) const {
            if (has_low && (v < low || (!low_inclusive && !(low < v)))) return false;
            if (has_high && (high < v || (!high_inclusive && !(v < high)))) return false;
            return true;
        }
    };
    template <typename T, typename Get>
    void apply_typed(const Column& column, uint8_t* keep, const std::vector<TypedRange<T>>& ranges,
                     Get get) const;

    Domain domain_;
    Type column_type_;
    Mode mode_ = Mode::kGeneric;
    bool null_allowed_ = true;
    std::vector<TypedRange<int64_t>> integer_ranges_;
    std::vector<TypedRange<double>> double_ranges_;
    std::vector<TypedRange<int128_t>> decimal_ranges_;  // unscaled, at the column's scale
    std::vector<TypedRange<std::string>> string_ranges_;
};

}  // namespace fedq
