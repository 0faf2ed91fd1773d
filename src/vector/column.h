// Column and Batch: the columnar data that flows between operators and out of connectors.
//
// Physical layout per type (Arrow-compatible buffers, with two deliberate differences documented in
// docs/architecture.md: validity and BOOLEAN use one byte per row instead of a bit):
//   validity      empty = all rows valid; otherwise `size` bytes, 1 = valid, 0 = NULL
//   fixed-width   data = size values of the physical type (see physical type below)
//   VARCHAR, VARBINARY, JSON
//                 data = size+1 int32 offsets, chars = the bytes; value i is chars[off[i], off[i+1])
//   ARRAY         data = size+1 int32 offsets into children[0] (the elements)
//   ROW           children = one column per field, each `size` rows; data empty
// Physical types: BOOLEAN uint8_t (0/1), TINYINT int8_t, SMALLINT int16_t, INTEGER/DATE int32_t,
// BIGINT/TIMESTAMP/TIMESTAMP WITH TIME ZONE int64_t (micros), REAL float, DOUBLE double,
// DECIMAL int128_t (unscaled), INTERVAL fedq::Interval, NULL type uint8_t (always invalid).
// The value slot of a NULL row holds arbitrary (but initialized) bytes; kernels may compute on it.
#pragma once

#include <cassert>
#include <memory>
#include <string_view>
#include <vector>

#include "types/type.h"
#include "types/value.h"
#include "vector/buffer.h"

namespace fedq {

class Column;
using ColumnPtr = std::shared_ptr<Column>;

class Column {
public:
    Column() = default;
    explicit Column(Type type);

    // An empty column ready for appends, with room for `capacity` rows.
    static ColumnPtr make(const Type& type, size_t capacity = 0);
    // A column of `rows` copies of one value.
    static ColumnPtr constant(const Value& value, size_t rows);

    const Type& type() const { return type_; }
    size_t size() const { return size_; }

    // ---- validity
    bool has_nulls() const { return !validity_.empty(); }
    bool is_valid(size_t row) const { return validity_.empty() || validity_.data()[row]; }
    bool is_null(size_t row) const { return !is_valid(row); }
    const uint8_t* validity() const { return validity_.empty() ? nullptr : validity_.data(); }
    // Materializes the validity buffer (all valid) so it can be written.
    uint8_t* mutable_validity();
    void set_null(size_t row) { mutable_validity()[row] = 0; }
    // Drops the validity buffer if every row is valid (cheap check for later kernels).
    void compact_validity();
    size_t null_count() const;

    // ---- fixed-width values
    template <typename T>
    T* values() { return data_.as<T>(); }
    template <typename T>
    const T* values() const { return data_.as<T>(); }

    // Sets the size of a fixed-width column (values uninitialized, validity extended as valid).
    void resize(size_t rows);

    // ---- variable-width values
    std::string_view string_at(size_t row) const {
        const int32_t* offsets = data_.as<int32_t>();
        return {reinterpret_cast<const char*>(chars_.data()) + offsets[row],
                static_cast<size_t>(offsets[row + 1] - offsets[row])};
    }
    const int32_t* offsets() const { return data_.as<int32_t>(); }
    int32_t* offsets() { return data_.as<int32_t>(); }
    Buffer& chars() { return chars_; }
    const Buffer& chars() const { return chars_; }

    // ---- appending (works for every type; for fixed width also see resize + values)
    template <typename T>
    void append(T value) {
        data_.push(value);
        if (!validity_.empty()) validity_.push<uint8_t>(1);
        ++size_;
    }
    void append_string(std::string_view s);  // VARCHAR / VARBINARY / JSON
    void append_null();
    void append_value(const Value& value);   // any type, slow path
    // Appends row `row` of `source` (same type). Slow path for nested types.
    void append_from(const Column& source, size_t row);
    // Appends rows `indices[0..count)` of `source` (same type). Used by filter, join, sort.
    void append_gather(const Column& source, const uint32_t* indices, size_t count);
    // Appends rows [offset, offset + count) of `source`.
    void append_range(const Column& source, size_t offset, size_t count);

    Value value_at(size_t row) const;  // slow path

    // ---- nested
    std::vector<Column>& children() { return children_; }
    const std::vector<Column>& children() const { return children_; }

    void reserve(size_t rows);
    size_t memory_bytes() const;

    // Raw access for formats and IPC.
    Buffer& data() { return data_; }
    const Buffer& data() const { return data_; }
    void set_size(size_t rows) { size_ = rows; }

private:
    Type type_;
    size_t size_ = 0;
    Buffer validity_;
    Buffer data_;
    Buffer chars_;
    std::vector<Column> children_;
};

// A set of equally long columns. Batches hold about kBatchRows rows (configurable per query).
struct Batch {
    size_t num_rows = 0;
    std::vector<ColumnPtr> columns;

    Batch() = default;
    Batch(size_t rows, std::vector<ColumnPtr> cols) : num_rows(rows), columns(std::move(cols)) {}
    size_t num_columns() const { return columns.size(); }
    const Column& column(size_t i) const { return *columns[i]; }
    size_t memory_bytes() const;
    // Rows `indices[0..count)` as a new batch.
    Batch gather(const uint32_t* indices, size_t count) const;
    Batch slice(size_t offset, size_t count) const;
};

inline constexpr size_t kDefaultBatchRows = 4096;

}  // namespace fedq
