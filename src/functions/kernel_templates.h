// Building blocks for vectorized scalar kernels: tight loops over the raw value arrays of argument
// columns, instantiated per physical type, so hot kernels have no per-row type branches or virtual
// calls.
//
// Error contract (CONVENTIONS.md: hot loops do not throw per value): a checked operation returns
// `true` when it failed for a row (overflow, division by zero). The loop only ORs the flags; if any row
// failed, a second pass finds the first failing row whose arguments are all non-NULL and raises there.
// Rows that are NULL in some argument hold zeros, so failures on them are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "functions/function.h"
#include "vector/column.h"

namespace fedq::kernel {

// Grows a fixed-width column by `rows` slots and returns a pointer to the first new slot.
template <typename T>
T* append_slots(Column& out, size_t rows) {
    size_t base = out.size();
    out.resize(base + rows);
    return out.values<T>() + base;
}

// True if row `row` is non-NULL in every argument.
inline bool row_valid(const ScalarArgs& args, size_t row) {
    for (const Column* column : args.columns) {
        if (column->is_null(row)) return false;
    }
    return true;
}

// Copies the NULLs of `input` into rows [base, base + input.size()) of `out`.
inline void copy_validity(const Column& input, Column& out, size_t base) {
    if (!input.has_nulls()) return;
    uint8_t* validity = out.mutable_validity();
    std::memcpy(validity + base, input.validity(), input.size());
}

// Marks rows of `out` (starting at base) NULL where any of `columns` is NULL.
inline void merge_validity(const std::vector<const Column*>& columns, Column& out, size_t base, size_t rows) {
    for (const Column* column : columns) {
        if (!column->has_nulls()) continue;
        uint8_t* validity = out.mutable_validity() + base;
        const uint8_t* input = column->validity();
        for (size_t i = 0; i < rows; ++i) validity[i] &= input[i];
    }
}

template <typename A, typename Out, typename Op>
void unary(const Column& a, Column& out, Op op) {
    const size_t rows = a.size();
    const A* x = a.values<A>();
    Out* o = append_slots<Out>(out, rows);
    for (size_t i = 0; i < rows; ++i) o[i] = op(x[i]);
}

template <typename A, typename B, typename Out, typename Op>
void binary(const Column& a, const Column& b, Column& out, Op op) {
    const size_t rows = a.size();
    const A* x = a.values<A>();
    const B* y = b.values<B>();
    Out* o = append_slots<Out>(out, rows);
    for (size_t i = 0; i < rows; ++i) o[i] = op(x[i], y[i]);
}

// `op(x, result&) -> bool failed`; `fail(row)` must throw.
template <typename A, typename Out, typename Op, typename Fail>
void unary_checked(const ScalarArgs& args, Column& out, Op op, Fail fail) {
    const size_t rows = args.rows;
    const A* x = args.columns[0]->values<A>();
    Out* o = append_slots<Out>(out, rows);
    bool any_failed = false;
    for (size_t i = 0; i < rows; ++i) any_failed |= op(x[i], o[i]);
    if (!any_failed) return;
    for (size_t i = 0; i < rows; ++i) {
        Out scratch;
        if (op(x[i], scratch) && row_valid(args, i)) fail(i);
    }
}

// `op(x, y, result&) -> bool failed`; `fail(row)` must throw.
template <typename A, typename B, typename Out, typename Op, typename Fail>
void binary_checked(const ScalarArgs& args, Column& out, Op op, Fail fail) {
    const size_t rows = args.rows;
    const A* x = args.columns[0]->values<A>();
    const B* y = args.columns[1]->values<B>();
    Out* o = append_slots<Out>(out, rows);
    bool any_failed = false;
    for (size_t i = 0; i < rows; ++i) any_failed |= op(x[i], y[i], o[i]);
    if (!any_failed) return;
    for (size_t i = 0; i < rows; ++i) {
        Out scratch;
        if (op(x[i], y[i], scratch) && row_valid(args, i)) fail(i);
    }
}

// Byte-wise three-way comparison of two strings (VARCHAR / VARBINARY / JSON order).
inline int compare_bytes(std::string_view a, std::string_view b) {
    size_t common = a.size() < b.size() ? a.size() : b.size();
    int c = common ? std::memcmp(a.data(), b.data(), common) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Calls `visit(tag)` with a value of the C++ physical type of a fixed-width numeric type id, e.g.
// `dispatch_numeric(id, [&](auto tag) { using T = decltype(tag); ... })`.
template <typename Visit>
decltype(auto) dispatch_integer(TypeId id, Visit&& visit) {
    switch (id) {
        case TypeId::kTinyInt: return visit(int8_t{});
        case TypeId::kSmallInt: return visit(int16_t{});
        case TypeId::kInteger: return visit(int32_t{});
        default: return visit(int64_t{});
    }
}

}  // namespace fedq::kernel
