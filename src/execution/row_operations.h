// Row-wise operations over columns that hash tables and sorting need: hashing keys of many rows at
// once, comparing one row's keys with another's, and ordering rows by sort keys. Per-type code is
// chosen once per column (function pointers), not per row.
#pragma once

#include <cstdint>
#include <vector>

#include "vector/column.h"

namespace fedq {

// hashes[i] = combined hash of rows i of `columns` (NULL hashes to a fixed value).
void hash_rows(const std::vector<const Column*>& columns, size_t rows, uint64_t* hashes);

// Equality of one row of `a` with one row of `b` (same types). nulls_equal: NULL = NULL (grouping).
using RowEqualFn = bool (*)(const Column& a, size_t ra, const Column& b, size_t rb);
RowEqualFn row_equal_function(const Type& type);

// Three-way comparison for sorting (NULL handled by the caller).
using RowCompareFn = int (*)(const Column& a, size_t ra, const Column& b, size_t rb);
RowCompareFn row_compare_function(const Type& type);

struct SortColumn {
    const Column* column;
    RowCompareFn compare;
    bool descending;
    bool nulls_first;
};

// Sorts `indices` by the keys (stable). With limit, only the first `limit` positions are ordered.
void sort_rows(std::vector<uint32_t>& indices, const std::vector<SortColumn>& keys, size_t limit = SIZE_MAX);
int compare_rows(const std::vector<SortColumn>& keys, uint32_t a, uint32_t b);

// Concatenates batches (same layout) into one batch.
Batch concatenate(const std::vector<Batch>& batches, const std::vector<Type>& types);

}  // namespace fedq
