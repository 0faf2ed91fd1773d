// Typed row gather for the hot paths (hash join output, filtered scans): the same result as
// Column::append_gather, with a width-specialized loop for every fixed width (DECIMAL's 16 bytes included,
// no per-row memcpy call) and short strings copied without a library call. Header-only, in vector/ so that
// connectors and operators share it.
#pragma once

#include <cstdint>
#include <cstring>

#include "vector/column.h"

namespace fedq {

namespace gather_detail {

template <typename T>
inline void gather_fixed(Column& out, const Column& source, const uint32_t* indices, size_t count,
                         size_t base) {
    T* dst = out.values<T>() + base;
    const T* src = source.values<T>();
    for (size_t i = 0; i < count; ++i) dst[i] = src[indices[i]];
}

}  // namespace gather_detail

// Appends rows indices[0..count) of `source` to `out` (same type).
inline void fast_append_gather(Column& out, const Column& source, const uint32_t* indices, size_t count) {
    if (count == 0) return;
    const Type& type = out.type();
    const size_t base = out.size();
    const bool flat_fixed =
        !type.is_variable_width() && type.id() != TypeId::kArray && type.id() != TypeId::kRow;
    if (flat_fixed) {
        const size_t width = type.fixed_width();
        out.resize(base + count);  // validity (if any) extended as valid
        switch (width) {
            case 1:
                gather_detail::gather_fixed<uint8_t>(out, source, indices, count, base);
                break;
            case 2:
                gather_detail::gather_fixed<uint16_t>(out, source, indices, count, base);
                break;
            case 4:
                gather_detail::gather_fixed<uint32_t>(out, source, indices, count, base);
                break;
            case 8:
                gather_detail::gather_fixed<uint64_t>(out, source, indices, count, base);
                break;
            case 16:
                gather_detail::gather_fixed<int128_t>(out, source, indices, count, base);
                break;
            default: {
                uint8_t* dst = out.data().data() + base * width;
                const uint8_t* src = source.data().data();
                for (size_t i = 0; i < count; ++i)
                    std::memcpy(dst + i * width, src + indices[i] * width, width);
            }
        }
    } else if (type.is_variable_width()) {
        const int32_t* so = source.offsets();
        size_t bytes = 0;
        for (size_t i = 0; i < count; ++i) bytes += static_cast<size_t>(so[indices[i] + 1] - so[indices[i]]);
        Buffer& chars = out.chars();
        size_t at = chars.size();
        if (at + bytes > static_cast<size_t>(INT32_MAX)) {
            out.append_gather(source, indices, count);  // let the generic path report the overflow
            return;
        }
        chars.resize(at + bytes);
        out.data().resize((base + count + 1) * sizeof(int32_t));
        int32_t* off = out.offsets();
        if (base == 0) off[0] = 0;
        uint8_t* dst = chars.data();
        const uint8_t* src = source.chars().data();
        for (size_t i = 0; i < count; ++i) {
            const int32_t start = so[indices[i]];
            const size_t len = static_cast<size_t>(so[indices[i] + 1] - start);
            if (len <= 16) {
                for (size_t b = 0; b < len; ++b) dst[at + b] = src[start + b];
            } else {
                std::memcpy(dst + at, src + start, len);
            }
            at += len;
            off[base + i + 1] = static_cast<int32_t>(at);
        }
        out.set_size(base + count);
        // set_size does not extend validity: mutable_validity marks the new rows valid (overwritten below if
        // the source has NULLs).
        if (out.has_nulls()) out.mutable_validity();
    } else {
        out.append_gather(source, indices, count);
        return;
    }
    // Validity.
    if (source.has_nulls()) {
        uint8_t* valid = out.mutable_validity();
        const uint8_t* sv = source.validity();
        for (size_t i = 0; i < count; ++i) valid[base + i] = sv[indices[i]];
    }
}

// Rows indices[0..count) of `batch` as a new batch (like Batch::gather).
inline Batch fast_gather(const Batch& batch, const uint32_t* indices, size_t count) {
    Batch out;
    out.num_rows = count;
    out.columns.reserve(batch.columns.size());
    for (const auto& column : batch.columns) {
        auto fresh = Column::make(column->type(), count);
        fast_append_gather(*fresh, *column, indices, count);
        out.columns.push_back(std::move(fresh));
    }
    return out;
}

}  // namespace fedq
