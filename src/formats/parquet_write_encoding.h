// Encoders for the Parquet writer (parquet_writer.cpp): the RLE / bit-packed hybrid (levels and dictionary
// indexes) and the dictionary builder, an insertion-ordered open-addressing hash set over reused storage
// (values are not allocated one by one; strings are copied into one arena).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace fedq::parquet {

inline void append_u32_le(std::string& out, uint32_t v) {
    char bytes[4];
    std::memcpy(bytes, &v, 4);  // x86/ARM little-endian, like the reader
    out.append(bytes, 4);
}

inline void append_varint(std::string& out, uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

inline uint32_t bit_width_of(uint64_t max_value) {
    uint32_t width = 0;
    while (max_value) {
        ++width;
        max_value >>= 1;
    }
    return width;
}

// RLE / bit-packed hybrid: runs of >= 8 equal values become RLE runs, the rest bit-packed groups of 8
// (the last group zero-padded; readers take the count from the page). Literal runs hold at most 63 groups so
// that their header is one byte, written once the group count is known.
template <typename V>
inline void rle_encode(const V* values, size_t count, uint32_t bit_width, std::string& out) {
    const size_t value_bytes = (bit_width + 7) / 8;
    size_t i = 0;
    while (i < count) {
        size_t run = 1;
        while (i + run < count && values[i + run] == values[i]) ++run;
        if (run >= 8) {
            append_varint(out, static_cast<uint64_t>(run) << 1);
            uint32_t v = static_cast<uint32_t>(values[i]);
            out.append(reinterpret_cast<const char*>(&v), value_bytes);
            i += run;
            continue;
        }
        size_t header = out.size();
        out += '\0';
        size_t groups = 0;
        while (i < count && groups < 63) {
            if (groups > 0) {
                size_t r = 1;
                while (i + r < count && r < 8 && values[i + r] == values[i]) ++r;
                if (r >= 8) break;
            }
            uint64_t acc = 0;
            uint32_t bits = 0;
            size_t take = std::min<size_t>(8, count - i);
            for (size_t k = 0; k < 8; ++k) {
                uint64_t v = k < take ? static_cast<uint64_t>(values[i + k]) : 0;
                acc |= v << bits;
                bits += bit_width;
                while (bits >= 8) {
                    out += static_cast<char>(acc & 0xFF);
                    acc >>= 8;
                    bits -= 8;
                }
            }
            i += take;
            ++groups;
        }
        out[header] = static_cast<char>((groups << 1) | 1);
    }
}

inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

inline uint64_t hash_bytes(const char* data, size_t size) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (size * 0xC2B2AE3D27D4EB4FULL);
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t word;
        std::memcpy(&word, data + i, 8);
        h = (h ^ mix64(word)) * 0x9E3779B97F4A7C15ULL;
    }
    if (i < size) {
        uint64_t word = 0;
        std::memcpy(&word, data + i, size - i);
        h = (h ^ mix64(word)) * 0x9E3779B97F4A7C15ULL;
    }
    return mix64(h);
}

template <typename T>
inline uint64_t hash_value(const T& v) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return hash_bytes(v.data(), v.size());
    } else if constexpr (sizeof(T) <= 8) {
        uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof(T));
        return mix64(bits);
    } else {
        uint64_t parts[2];
        std::memcpy(parts, &v, 16);
        return mix64(parts[0] ^ mix64(parts[1]));
    }
}

// Bitwise equality (NaN payloads and -0.0 are distinct dictionary entries, like other writers).
template <typename T>
inline bool same_value(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return a == b;
    } else {
        return std::memcmp(&a, &b, sizeof(T)) == 0;
    }
}

// Insertion-ordered set of values with open addressing; strings are copied into one arena.
template <typename T>
class Dictionary {
  public:
    size_t size() const { return hashes_.size(); }
    size_t bytes() const { return bytes_; }
    T at(size_t i) const {
        if constexpr (std::is_same_v<T, std::string_view>) {
            return std::string_view(arena_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
        } else {
            return values_[i];
        }
    }
    void clear() {
        hashes_.clear();
        values_.clear();
        arena_.clear();
        offsets_.assign(1, 0);
        std::fill(slots_.begin(), slots_.end(), 0u);
        bytes_ = 0;
    }
    uint32_t insert(T v) {
        if ((hashes_.size() + 1) * 2 > slots_.size()) grow();
        uint64_t h = hash_value(v);
        size_t mask = slots_.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            uint32_t slot = slots_[i];
            if (slot == 0) {
                uint32_t index = static_cast<uint32_t>(hashes_.size());
                hashes_.push_back(h);
                if constexpr (std::is_same_v<T, std::string_view>) {
                    arena_.append(v);
                    offsets_.push_back(static_cast<uint32_t>(arena_.size()));
                    bytes_ += v.size() + 4;
                } else {
                    values_.push_back(v);
                    bytes_ += sizeof(T);
                }
                slots_[i] = index + 1;
                return index;
            }
            if (hashes_[slot - 1] == h && same_value(at(slot - 1), v)) return slot - 1;
        }
    }

  private:
    void grow() {
        size_t capacity = std::max<size_t>(1024, slots_.size() * 2);
        slots_.assign(capacity, 0);
        size_t mask = capacity - 1;
        for (size_t index = 0; index < hashes_.size(); ++index) {
            size_t i = hashes_[index] & mask;
            while (slots_[i]) i = (i + 1) & mask;
            slots_[i] = static_cast<uint32_t>(index + 1);
        }
    }

    std::vector<uint32_t> slots_;  // entry index + 1, 0 = empty
    std::vector<uint64_t> hashes_;
    std::vector<T> values_;
    std::string arena_;
    std::vector<uint32_t> offsets_{0};
    size_t bytes_ = 0;
};

}  // namespace fedq::parquet
