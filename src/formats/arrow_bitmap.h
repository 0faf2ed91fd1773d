// Conversion between fedq's byte-per-row validity / BOOLEAN layout and Arrow's LSB-first bitmaps, eight rows
// per step (no per-row branches).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace fedq::arrow_bitmap {

inline size_t bitmap_bytes(size_t rows) { return (rows + 7) / 8; }

// Packs `rows` bytes (each 0 or 1) into bitmap_bytes(rows) bytes; the unused high bits of the last byte are 0.
// Returns the number of 0 bytes (NULLs when packing a validity buffer).
inline size_t pack(const uint8_t* bytes, size_t rows, uint8_t* bits) {
    size_t ones = 0;
    size_t full = rows / 8;
    for (size_t i = 0; i < full; ++i) {
        uint64_t word;
        std::memcpy(&word, bytes + i * 8, 8);
        word &= 0x0101010101010101ULL;  // bytes are 0/1; a stray nonzero byte counts by its low bit
        // the multiply gathers byte k's low bit into bit k of the top byte (no carries: distinct powers of 2)
        bits[i] = static_cast<uint8_t>((word * 0x0102040810204080ULL) >> 56);
        ones += static_cast<size_t>(__builtin_popcountll(word));
    }
    size_t rest = rows - full * 8;
    if (rest) {
        uint8_t last = 0;
        for (size_t k = 0; k < rest; ++k) {
            uint8_t bit = bytes[full * 8 + k] & 1;
            last |= static_cast<uint8_t>(bit << k);
            ones += bit;
        }
        bits[full] = last;
    }
    return rows - ones;
}

// 256 entries of 8 bytes: entry b has byte k = bit k of b.
inline const std::array<uint64_t, 256>& unpack_table() {
    static const std::array<uint64_t, 256> table = [] {
        std::array<uint64_t, 256> t{};
        for (unsigned b = 0; b < 256; ++b) {
            uint64_t v = 0;
            for (unsigned k = 0; k < 8; ++k) v |= static_cast<uint64_t>((b >> k) & 1) << (8 * k);
            t[b] = v;
        }
        return t;
    }();
    return table;
}

// Unpacks `rows` bits into `rows` bytes (0 or 1).
inline void unpack(const uint8_t* bits, size_t rows, uint8_t* bytes) {
    const auto& table = unpack_table();
    size_t full = rows / 8;
    for (size_t i = 0; i < full; ++i) std::memcpy(bytes + i * 8, &table[bits[i]], 8);
    size_t rest = rows - full * 8;
    for (size_t k = 0; k < rest; ++k) bytes[full * 8 + k] = (bits[full] >> k) & 1;
}

}  // namespace fedq::arrow_bitmap
