// Parquet value encodings: RLE / bit-packed hybrid (levels and dictionary indexes) and DELTA_BINARY_PACKED.
// Decoders work on a byte range and raise kBadFile (naming `file`) on malformed or truncated input.
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace fedq::parquet {

[[noreturn]] inline void bad_data(std::string_view file, std::string_view what) {
    raise(ErrorCode::kBadFile, "invalid Parquet file '{}': {}", file, what);
}

// Unpacks `count` values of `bit_width` bits (LSB first) starting at bit 0 of `in` (which holds at least
// ceil(count * bit_width / 8) bytes).
inline void unpack_bits(const uint8_t* in, uint32_t bit_width, uint32_t* out, size_t count) {
    if (bit_width == 0) {
        std::memset(out, 0, count * sizeof(uint32_t));
        return;
    }
    uint64_t mask = (uint64_t(1) << bit_width) - 1;
    size_t bit = 0;
    for (size_t i = 0; i < count; ++i, bit += bit_width) {
        size_t byte = bit >> 3;
        uint32_t shift = bit & 7;
        uint64_t word = 0;
        size_t need = (shift + bit_width + 7) >> 3;
        std::memcpy(&word, in + byte, need);
        out[i] = static_cast<uint32_t>((word >> shift) & mask);
    }
}

// Unpacks values [first, first + count) of a bit-packed run of `bit_width` bits (1..32). Every 8-byte load
// must stay inside the buffer: the caller guarantees `in` is readable up to byte
// ceil((first + count) * bit_width / 8) + 7.
inline void unpack_bits_padded(const uint8_t* in, uint32_t bit_width, size_t first, uint32_t* out,
                               size_t count) {
    const uint64_t mask = (uint64_t(1) << bit_width) - 1;
    size_t bit = first * bit_width;
    size_t i = 0;
    // Groups of 8 values start on a byte boundary (8 * bit_width bits): unroll so the shifts are constants
    // for the compiler after the bit width is fixed per call site.
    if ((bit & 7) == 0) {
        for (; i + 8 <= count; i += 8, bit += 8 * bit_width) {
            const uint8_t* base = in + (bit >> 3);
            for (uint32_t k = 0; k < 8; ++k) {
                uint32_t b = k * bit_width;
                uint64_t word;
                std::memcpy(&word, base + (b >> 3), 8);
                out[i + k] = static_cast<uint32_t>((word >> (b & 7)) & mask);
            }
        }
    }
    for (; i < count; ++i, bit += bit_width) {
        uint64_t word;
        std::memcpy(&word, in + (bit >> 3), 8);
        out[i] = static_cast<uint32_t>((word >> (bit & 7)) & mask);
    }
}

class RleBitPackedDecoder {
  public:
    RleBitPackedDecoder() = default;
    RleBitPackedDecoder(const uint8_t* data, size_t size, uint32_t bit_width, std::string_view file)
        : pos_(data), end_(data + size), bit_width_(bit_width), file_(file) {
        if (bit_width > 32) bad_data(file, "bit width above 32");
    }

    // Decodes exactly `count` values; raises if the data ends first.
    void decode(uint32_t* out, size_t count) {
        while (count > 0) {
            if (run_left_ == 0) next_run();
            size_t n = std::min<size_t>(count, run_left_);
            if (rle_) {
                std::fill(out, out + n, rle_value_);
            } else if (bit_width_ == 0) {
                std::memset(out, 0, n * sizeof(uint32_t));
                packed_pos_ += n;
            } else {
                unpack_bits_padded(packed_, bit_width_, packed_pos_, out, n);
                packed_pos_ += n;
            }
            out += n;
            count -= n;
            run_left_ -= n;
        }
    }

    // Decodes `count` values and returns the largest (0 if count is 0); for dictionary index checks.
    uint32_t decode_max(uint32_t* out, size_t count) {
        decode(out, count);
        uint32_t m = 0;
        for (size_t i = 0; i < count; ++i) m = std::max(m, out[i]);
        return m;
    }

  private:
    void next_run() {
        uint64_t header = 0;
        for (int shift = 0;; shift += 7) {
            if (pos_ >= end_ || shift > 35) bad_data(file_, "truncated RLE/bit-packed data");
            uint8_t b = *pos_++;
            header |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        if (header & 1) {
            uint64_t groups = header >> 1;
            uint64_t values = groups * 8;
            uint64_t bytes = groups * bit_width_;
            if (values == 0) bad_data(file_, "empty bit-packed run");
            // The last run may be cut short by the end of the data (writers pad to whole groups, but be
            // lenient).
            uint64_t avail = static_cast<uint64_t>(end_ - pos_);
            if (bytes > avail) {
                if (bit_width_ == 0) bad_data(file_, "bad bit-packed run");
                values = avail * 8 / bit_width_;
                bytes = avail;
                if (values == 0) bad_data(file_, "truncated bit-packed run");
            }
            // Unpack straight from the input when 8-byte loads stay inside it; else from a padded copy.
            if (avail - bytes >= 8) {
                packed_ = pos_;
            } else {
                scratch_.assign(pos_, pos_ + bytes);
                scratch_.resize(bytes + 8, 0);
                packed_ = scratch_.data();
            }
            pos_ += bytes;
            packed_pos_ = 0;
            run_left_ = values;
            rle_ = false;
        } else {
            run_left_ = header >> 1;
            if (run_left_ == 0) bad_data(file_, "empty RLE run");
            uint32_t bytes = (bit_width_ + 7) / 8;
            if (static_cast<size_t>(end_ - pos_) < bytes) bad_data(file_, "truncated RLE run");
            uint32_t v = 0;
            std::memcpy(&v, pos_, bytes);
            pos_ += bytes;
            rle_value_ = v;
            rle_ = true;
        }
    }

    const uint8_t* pos_ = nullptr;
    const uint8_t* end_ = nullptr;
    uint32_t bit_width_ = 0;
    std::string_view file_;
    size_t run_left_ = 0;
    bool rle_ = true;
    uint32_t rle_value_ = 0;
    const uint8_t* packed_ = nullptr;  // the current bit-packed run (in the input or in scratch_)
    std::vector<uint8_t> scratch_;
    size_t packed_pos_ = 0;
};

// DELTA_BINARY_PACKED: decodes all values of a page (int32 or int64 as int64). Returns the bytes consumed.
// A header announcing more than `max_values` values (the page's count) is malformed: the count is checked
// before anything is allocated.
inline size_t decode_delta_binary_packed(const uint8_t* data, size_t size, std::vector<int64_t>& out,
                                         std::string_view file, uint64_t max_values) {
    const uint8_t* pos = data;
    const uint8_t* end = data + size;
    auto varint = [&]() -> uint64_t {
        uint64_t r = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) bad_data(file, "truncated DELTA_BINARY_PACKED data");
            uint8_t b = *pos++;
            r |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return r;
        }
        bad_data(file, "bad varint in DELTA_BINARY_PACKED data");
    };
    auto zigzag = [&]() {
        uint64_t v = varint();
        return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    };
    uint64_t block_size = varint();
    uint64_t miniblocks = varint();
    uint64_t total = varint();
    int64_t value = zigzag();
    if (miniblocks == 0 || block_size == 0 || block_size % miniblocks || (block_size / miniblocks) % 8 ||
        block_size > (1u << 20) || total > (1ull << 32))
        bad_data(file, "bad DELTA_BINARY_PACKED header");
    if (total > max_values) bad_data(file, "DELTA_BINARY_PACKED header announces more values than the page holds");
    uint64_t per_mini = block_size / miniblocks;
    out.clear();
    out.reserve(total);
    if (total == 0) return static_cast<size_t>(pos - data);
    out.push_back(value);
    std::vector<uint64_t> deltas(per_mini);
    std::vector<uint8_t> widths(miniblocks);
    while (out.size() < total) {
        int64_t min_delta = zigzag();
        if (static_cast<uint64_t>(end - pos) < miniblocks)
            bad_data(file, "truncated DELTA_BINARY_PACKED block");
        std::memcpy(widths.data(), pos, miniblocks);
        pos += miniblocks;
        for (uint64_t m = 0; m < miniblocks && out.size() < total; ++m) {
            uint32_t w = widths[m];
            if (w > 64) bad_data(file, "bad DELTA_BINARY_PACKED bit width");
            size_t bytes = per_mini * w / 8;
            if (static_cast<size_t>(end - pos) < bytes)
                bad_data(file, "truncated DELTA_BINARY_PACKED miniblock");
            size_t bit = 0;
            size_t avail = static_cast<size_t>(end - pos);
            uint64_t mask = w == 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
            for (uint64_t i = 0; i < per_mini; ++i, bit += w) {
                uint64_t v = 0;
                size_t byte = bit >> 3;
                if (w == 0) {
                    v = 0;
                } else if (w <= 56 && byte + 8 <= avail) {
                    std::memcpy(&v, pos + byte, 8);
                    v = (v >> (bit & 7)) & mask;
                } else {
                    for (uint32_t b = 0; b < w; ++b) {
                        size_t bb = bit + b;
                        v |= static_cast<uint64_t>((pos[bb >> 3] >> (bb & 7)) & 1) << b;
                    }
                }
                deltas[i] = v;
            }
            pos += bytes;
            for (uint64_t i = 0; i < per_mini && out.size() < total; ++i) {
                value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(min_delta) +
                                             deltas[i]);
                out.push_back(value);
            }
        }
    }
    return static_cast<size_t>(pos - data);
}

}  // namespace fedq::parquet
