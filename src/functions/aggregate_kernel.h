// Building blocks shared by the aggregate function families (aggregate_*.cpp): state lifecycle
// helpers, physical-type dispatch and the tight per-row update loops.
//
// An aggregate state is a plain struct placement-constructed into engine-owned memory. update() gets one
// state pointer per row; the loops below are templates over the physical value type and the per-row
// operation, so the compiler inlines everything: no virtual call or allocation per row, NULLs skipped by
// reading the validity bytes.
#pragma once

#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

#include "common/error.h"
#include "functions/function.h"

namespace fedq {

// Registration of each aggregate family (called from register_aggregate_functions).
void register_basic_aggregates(FunctionRegistry& registry);    // count, count_if, bool_*, arbitrary
void register_min_max_aggregates(FunctionRegistry& registry);  // min, max, min_by, max_by
void register_numeric_aggregates(FunctionRegistry& registry);  // sum, avg, variance family, corr ...
void register_collect_aggregates(FunctionRegistry& registry);  // array_agg, string_agg, listagg
void register_approx_aggregates(FunctionRegistry& registry);   // approx_distinct

// Wraps `inner` so it sees each distinct argument tuple once (aggregate(DISTINCT x)).
BoundAggregateFunction make_distinct(BoundAggregateFunction inner);

// A binder that does not care about DISTINCT; add_aggregate_family applies it: by wrapping with
// make_distinct, or by ignoring it for duplicate-insensitive aggregates (min, max, bool_and, ...).
using PlainAggregateBinder =
    std::function<std::optional<BoundAggregateFunction>(const std::vector<Type>& arg_types,
                                                        const ConstantArgs& constants)>;
void add_aggregate_family(FunctionRegistry& registry, const std::string& name, PlainAggregateBinder binder,
                          std::string description, bool duplicate_insensitive = false);

// Fills the lifecycle callbacks (size, alignment, init, destroy) for a state struct.
template <typename State>
void set_state_lifecycle(BoundAggregateFunction& function) {
    function.state_size = sizeof(State);
    function.state_align = alignof(State);
    function.init = [](uint8_t* state) { new (state) State(); };
    if constexpr (!std::is_trivially_destructible_v<State>) {
        function.destroy = [](uint8_t* state) { std::launder(reinterpret_cast<State*>(state))->~State(); };
    } else {
        function.destroy = nullptr;
    }
}

template <typename State>
inline State& state_at(uint8_t* state) {
    return *std::launder(reinterpret_cast<State*>(state));
}
template <typename State>
inline const State& state_at(const uint8_t* state) {
    return *std::launder(reinterpret_cast<const State*>(state));
}

// Calls op(state, value, row) for every non-NULL row of a fixed-width column.
template <typename T, typename State, typename Op>
inline void for_each_valid(uint8_t** states, const Column& column, size_t rows, Op&& op) {
    const T* values = column.values<T>();
    const uint8_t* validity = column.validity();
    if (!validity) {
        for (size_t r = 0; r < rows; ++r) op(state_at<State>(states[r]), values[r], r);
    } else {
        for (size_t r = 0; r < rows; ++r) {
            if (validity[r]) op(state_at<State>(states[r]), values[r], r);
        }
    }
}

// Same for VARCHAR / VARBINARY / JSON columns (value passed as string_view).
template <typename State, typename Op>
inline void for_each_valid_string(uint8_t** states, const Column& column, size_t rows, Op&& op) {
    const int32_t* offsets = column.offsets();
    const char* chars = reinterpret_cast<const char*>(column.chars().data());
    const uint8_t* validity = column.validity();
    for (size_t r = 0; r < rows; ++r) {
        if (validity && !validity[r]) continue;
        std::string_view value(chars + offsets[r], static_cast<size_t>(offsets[r + 1] - offsets[r]));
        op(state_at<State>(states[r]), value, r);
    }
}

// Physical type of the fixed-width types, for dispatch: visit_fixed(type, [&]<typename T>() {...}).
// Returns false (without calling) for variable-width and nested types.
template <typename Visitor>
bool visit_fixed(const Type& type, Visitor&& visitor) {
    switch (type.id()) {
        case TypeId::kNull:
        case TypeId::kBoolean: visitor.template operator()<uint8_t>(); return true;
        case TypeId::kTinyInt: visitor.template operator()<int8_t>(); return true;
        case TypeId::kSmallInt: visitor.template operator()<int16_t>(); return true;
        case TypeId::kInteger:
        case TypeId::kDate: visitor.template operator()<int32_t>(); return true;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: visitor.template operator()<int64_t>(); return true;
        case TypeId::kReal: visitor.template operator()<float>(); return true;
        case TypeId::kDouble: visitor.template operator()<double>(); return true;
        case TypeId::kDecimal: visitor.template operator()<int128_t>(); return true;
        case TypeId::kInterval: visitor.template operator()<Interval>(); return true;
        default: return false;
    }
}

// Numeric types only (integers, floating, DECIMAL as its unscaled int128).
template <typename Visitor>
bool visit_numeric(const Type& type, Visitor&& visitor) {
    switch (type.id()) {
        case TypeId::kTinyInt: visitor.template operator()<int8_t>(); return true;
        case TypeId::kSmallInt: visitor.template operator()<int16_t>(); return true;
        case TypeId::kInteger: visitor.template operator()<int32_t>(); return true;
        case TypeId::kBigInt: visitor.template operator()<int64_t>(); return true;
        case TypeId::kReal: visitor.template operator()<float>(); return true;
        case TypeId::kDouble: visitor.template operator()<double>(); return true;
        case TypeId::kDecimal: visitor.template operator()<int128_t>(); return true;
        default: return false;
    }
}

// Total order on physical values matching Value::compare: NaN sorts after every number, intervals by
// months then by day-time length.
template <typename T>
inline bool value_less(const T& a, const T& b) {
    if constexpr (std::is_floating_point_v<T>) {
        return a < b || (std::isnan(b) && !std::isnan(a));
    } else if constexpr (std::is_same_v<T, Interval>) {
        if (a.months != b.months) return a.months < b.months;
        constexpr int64_t kDay = 86400LL * 1000000;
        return static_cast<int128_t>(a.days) * kDay + a.micros < static_cast<int128_t>(b.days) * kDay + b.micros;
    } else {
        return a < b;
    }
}

// Appends a byte encoding of column[row] to `key`; two values encode equally iff they are equal in SQL
// (-0.0 = 0.0, every NaN alike, '1 day' = '24 hours'). Used for DISTINCT sets and hashing.
void append_value_key(const Column& column, size_t row, std::string& key);

// Appends an array row holding elements [0, elements.size()) of `elements` to ARRAY column `out`.
void append_array_row(Column& out, const Column& elements);

// Value's numeric content as a double (for numeric kernels working on any input type).
template <typename T>
inline double to_double(const T& value, double decimal_scale_factor) {
    if constexpr (std::is_same_v<T, int128_t>) {
        return static_cast<double>(value) / decimal_scale_factor;
    } else {
        return static_cast<double>(value);
    }
}

inline bool is_orderable(const Type& type) {
    switch (type.id()) {
        case TypeId::kJson: return false;
        case TypeId::kArray: return is_orderable(type.element());
        case TypeId::kRow:
            for (const auto& child : type.children()) {
                if (!is_orderable(child)) return false;
            }
            return true;
        default: return true;
    }
}

}  // namespace fedq
