#include "execution/row_operations.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

#include <xxhash.h>

#include "common/error.h"

namespace fedq {

namespace {

inline uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

constexpr uint64_t kNullHash = 0x9e3779b97f4a7c15ULL;

template <typename T>
void hash_fixed(const Column& c, size_t rows, uint64_t* hashes, bool first) {
    const T* v = c.values<T>();
    for (size_t i = 0; i < rows; ++i) {
        uint64_t bits = 0;
        if constexpr (sizeof(T) <= 8) {
            if constexpr (std::is_floating_point_v<T>) {
                // -0 == 0, and every NaN is one value (equal_fixed treats them as equal).
                T x = v[i] == T(0) ? T(0) : (v[i] != v[i] ? std::numeric_limits<T>::quiet_NaN() : v[i]);
                std::memcpy(&bits, &x, sizeof(T));
            } else {
                bits = static_cast<uint64_t>(v[i]);
            }
        } else {
            bits = XXH3_64bits(&v[i], sizeof(T));
        }
        uint64_t h = mix(bits);
        hashes[i] = first ? h : mix(hashes[i] * 31 + h);
    }
}

void hash_column(const Column& c, size_t rows, uint64_t* hashes, bool first) {
    const Type& t = c.type();
    if (t.is_variable_width()) {
        for (size_t i = 0; i < rows; ++i) {
            std::string_view s = c.string_at(i);
            uint64_t h = XXH3_64bits(s.data(), s.size());
            hashes[i] = first ? h : mix(hashes[i] * 31 + h);
        }
    } else if (t.is_nested()) {
        for (size_t i = 0; i < rows; ++i) {
            std::string s = c.value_at(i).to_string();
            uint64_t h = XXH3_64bits(s.data(), s.size());
            hashes[i] = first ? h : mix(hashes[i] * 31 + h);
        }
    } else {
        switch (t.fixed_width()) {
            case 1: hash_fixed<uint8_t>(c, rows, hashes, first); break;
            case 2: hash_fixed<int16_t>(c, rows, hashes, first); break;
            case 4:
                if (t.id() == TypeId::kReal) hash_fixed<float>(c, rows, hashes, first);
                else hash_fixed<int32_t>(c, rows, hashes, first);
                break;
            case 8:
                if (t.id() == TypeId::kDouble) hash_fixed<double>(c, rows, hashes, first);
                else hash_fixed<int64_t>(c, rows, hashes, first);
                break;
            default: hash_fixed<int128_t>(c, rows, hashes, first); break;
        }
    }
    if (c.has_nulls()) {
        for (size_t i = 0; i < rows; ++i) {
            if (c.is_null(i)) hashes[i] = first ? kNullHash : mix(hashes[i] * 31 + kNullHash);
        }
    }
}

template <typename T>
bool equal_fixed(const Column& a, size_t ra, const Column& b, size_t rb) {
    bool an = a.is_null(ra), bn = b.is_null(rb);
    if (an || bn) return an && bn;
    if constexpr (std::is_floating_point_v<T>) {
        T x = a.values<T>()[ra], y = b.values<T>()[rb];
        return x == y || (x != x && y != y);
    } else {
        return a.values<T>()[ra] == b.values<T>()[rb];
    }
}

bool equal_string(const Column& a, size_t ra, const Column& b, size_t rb) {
    bool an = a.is_null(ra), bn = b.is_null(rb);
    if (an || bn) return an && bn;
    return a.string_at(ra) == b.string_at(rb);
}

bool equal_interval(const Column& a, size_t ra, const Column& b, size_t rb) {
    bool an = a.is_null(ra), bn = b.is_null(rb);
    if (an || bn) return an && bn;
    return a.values<Interval>()[ra] == b.values<Interval>()[rb];
}

bool equal_value(const Column& a, size_t ra, const Column& b, size_t rb) {
    bool an = a.is_null(ra), bn = b.is_null(rb);
    if (an || bn) return an && bn;
    return a.value_at(ra).compare(b.value_at(rb)) == 0;
}

template <typename T>
int compare_fixed(const Column& a, size_t ra, const Column& b, size_t rb) {
    T x = a.values<T>()[ra], y = b.values<T>()[rb];
    if constexpr (std::is_floating_point_v<T>) {
        bool xn = x != x, yn = y != y;
        if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
    }
    return x < y ? -1 : (y < x ? 1 : 0);
}

int compare_string(const Column& a, size_t ra, const Column& b, size_t rb) {
    int c = a.string_at(ra).compare(b.string_at(rb));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compare_value(const Column& a, size_t ra, const Column& b, size_t rb) {
    return a.value_at(ra).compare(b.value_at(rb));
}

}  // namespace

void hash_rows(const std::vector<const Column*>& columns, size_t rows, uint64_t* hashes) {
    if (columns.empty()) {
        std::fill(hashes, hashes + rows, 0);
        return;
    }
    for (size_t c = 0; c < columns.size(); ++c) hash_column(*columns[c], rows, hashes, c == 0);
}

RowEqualFn row_equal_function(const Type& type) {
    if (type.is_variable_width()) return equal_string;
    switch (type.id()) {
        case TypeId::kNull:
        case TypeId::kBoolean:
        case TypeId::kTinyInt: return equal_fixed<uint8_t>;
        case TypeId::kSmallInt: return equal_fixed<int16_t>;
        case TypeId::kInteger:
        case TypeId::kDate: return equal_fixed<int32_t>;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return equal_fixed<int64_t>;
        case TypeId::kReal: return equal_fixed<float>;
        case TypeId::kDouble: return equal_fixed<double>;
        case TypeId::kDecimal: return equal_fixed<int128_t>;
        case TypeId::kInterval: return equal_interval;
        default: return equal_value;
    }
}

RowCompareFn row_compare_function(const Type& type) {
    if (type.is_variable_width()) return compare_string;
    switch (type.id()) {
        case TypeId::kNull:
        case TypeId::kBoolean: return compare_fixed<uint8_t>;
        case TypeId::kTinyInt: return compare_fixed<int8_t>;
        case TypeId::kSmallInt: return compare_fixed<int16_t>;
        case TypeId::kInteger:
        case TypeId::kDate: return compare_fixed<int32_t>;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return compare_fixed<int64_t>;
        case TypeId::kReal: return compare_fixed<float>;
        case TypeId::kDouble: return compare_fixed<double>;
        case TypeId::kDecimal: return compare_fixed<int128_t>;
        default: return compare_value;
    }
}

int compare_rows(const std::vector<SortColumn>& keys, uint32_t a, uint32_t b) {
    for (const auto& k : keys) {
        bool an = k.column->is_null(a), bn = k.column->is_null(b);
        if (an || bn) {
            if (an && bn) continue;
            // NULLS FIRST/LAST is independent of ASC/DESC.
            return an ? (k.nulls_first ? -1 : 1) : (k.nulls_first ? 1 : -1);
        }
        int c = k.compare(*k.column, a, *k.column, b);
        if (c) return k.descending ? -c : c;
    }
    return 0;
}

void sort_rows(std::vector<uint32_t>& indices, const std::vector<SortColumn>& keys, size_t limit) {
    auto less = [&](uint32_t a, uint32_t b) {
        int c = compare_rows(keys, a, b);
        return c < 0 || (c == 0 && a < b);
    };
    if (limit < indices.size()) {
        std::partial_sort(indices.begin(), indices.begin() + static_cast<long>(limit), indices.end(), less);
        indices.resize(limit);
    } else {
        std::sort(indices.begin(), indices.end(), less);
    }
}

Batch concatenate(const std::vector<Batch>& batches, const std::vector<Type>& types) {
    Batch out;
    size_t rows = 0;
    for (const auto& b : batches) rows += b.num_rows;
    out.num_rows = rows;
    for (size_t c = 0; c < types.size(); ++c) {
        auto column = Column::make(types[c], rows);
        for (const auto& b : batches) {
            if (b.num_rows) column->append_range(*b.columns[c], 0, b.num_rows);
        }
        out.columns.push_back(std::move(column));
    }
    return out;
}

}  // namespace fedq
