#include "formats/parquet_reader.h"

#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <span>
#include <string_view>
#include <tuple>

#include "common/error.h"
#include "formats/parquet_encoding.h"

namespace fedq {

using namespace parquet;

namespace {

// Sanity limits against corrupt headers (real pages are about 1 MB and well under a million values).
constexpr size_t kMaxPageBytes = size_t(1) << 28;
constexpr size_t kMaxPageValues = size_t(1) << 26;
// Readable slack after page buffers, column chunk bytes and dictionary strings, so short strings can be
// copied in whole 32-byte blocks.
constexpr size_t kCopyPad = 32;

// Copies `len` bytes in 32-byte blocks: both sides must have kCopyPad bytes of slack after the range.
inline void copy_padded(uint8_t* dst, const void* src, size_t len) {
    const auto* s = static_cast<const uint8_t*>(src);
    for (size_t k = 0; k < len; k += 32) std::memcpy(dst + k, s + k, 32);
}

[[noreturn]] void bad(const std::string& file, std::string_view what) { bad_data(file, what); }

uint32_t bit_width_of(uint32_t max) {
    uint32_t w = 0;
    while (max) {
        ++w;
        max >>= 1;
    }
    return w;
}

uint32_t load_be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void decompress(Codec codec, const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size,
                const std::string& file) {
    switch (codec) {
        case Codec::kUncompressed:
            if (in_size != out_size) bad(file, "uncompressed page size mismatch");
            std::memcpy(out, in, in_size);
            return;
        case Codec::kSnappy: {
            size_t n = out_size;
            if (snappy_uncompress(reinterpret_cast<const char*>(in), in_size, reinterpret_cast<char*>(out),
                                  &n) != SNAPPY_OK ||
                n != out_size)
                bad(file, "corrupt snappy page");
            return;
        }
        case Codec::kGzip: {
            z_stream zs{};
            if (inflateInit2(&zs, 15 + 32) != Z_OK) bad(file, "zlib init failed");
            zs.next_in = const_cast<uint8_t*>(in);
            zs.avail_in = static_cast<uInt>(in_size);
            zs.next_out = out;
            zs.avail_out = static_cast<uInt>(out_size);
            int rc = inflate(&zs, Z_FINISH);
            size_t produced = zs.total_out;
            inflateEnd(&zs);
            if ((rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR) || produced != out_size)
                bad(file, "corrupt gzip page");
            return;
        }
        case Codec::kZstd: {
            size_t n = ZSTD_decompress(out, out_size, in, in_size);
            if (ZSTD_isError(n) || n != out_size) bad(file, "corrupt zstd page");
            return;
        }
        case Codec::kLz4Raw: {
            int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                                        static_cast<int>(in_size), static_cast<int>(out_size));
            if (n < 0 || static_cast<size_t>(n) != out_size) bad(file, "corrupt lz4 page");
            return;
        }
        case Codec::kLz4: {
            // Hadoop framing: [be32 uncompressed][be32 compressed][block]...; some writers use raw LZ4.
            size_t ip = 0, op = 0;
            bool ok = true;
            while (ip < in_size && ok) {
                if (in_size - ip < 8) {
                    ok = false;
                    break;
                }
                uint32_t ulen = load_be32(in + ip), clen = load_be32(in + ip + 4);
                ip += 8;
                if (clen > in_size - ip || ulen > out_size - op) {
                    ok = false;
                    break;
                }
                int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in + ip),
                                            reinterpret_cast<char*>(out + op), static_cast<int>(clen),
                                            static_cast<int>(ulen));
                if (n < 0 || static_cast<uint32_t>(n) != ulen) {
                    ok = false;
                    break;
                }
                ip += clen;
                op += ulen;
            }
            if (ok && op == out_size) return;
            int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                                        static_cast<int>(in_size), static_cast<int>(out_size));
            if (n < 0 || static_cast<size_t>(n) != out_size) bad(file, "corrupt lz4 page");
            return;
        }
        default:
            raise(ErrorCode::kNotSupported, "Parquet file '{}': compression codec {} is not supported", file,
                  static_cast<int>(codec));
    }
}

// Decoded values of one page (non-null values only) in physical form. Fixed-width values point into the
// (decompressed) page where the encoding allows it (PLAIN), else into `storage`; dictionary-encoded pages
// hold the indexes only (the dictionary is kept converted to the column type).
struct PhysicalValues {
    const uint8_t* fixed = nullptr;        // fixed-width physical values (BOOLEAN as one byte each)
    std::vector<uint8_t> storage;          // owner of `fixed` when decoded (not PLAIN)
    std::vector<std::string_view> binary;  // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY
    std::vector<uint32_t> indexes;         // dictionary-encoded page: indexes into the dictionary
    bool dictionary = false;
    bool padded = false;  // `binary` points into a buffer with kCopyPad bytes of slack after every value
    size_t count = 0;
};

struct ColumnDecoder {
    const std::string& file;
    PhysicalType ptype;
    int32_t type_length;
    size_t width;  // fixed physical width (0 for binary)

    void decode_plain(const uint8_t* p, size_t size, size_t n, PhysicalValues& out) const {
        out.count = n;
        out.dictionary = false;
        out.padded = false;
        if (ptype == PhysicalType::kBoolean) {
            if ((n + 7) / 8 > size) bad(file, "truncated PLAIN boolean values");
            out.storage.resize(n);
            for (size_t i = 0; i < n; ++i) out.storage[i] = (p[i >> 3] >> (i & 7)) & 1;
            out.fixed = out.storage.data();
        } else if (ptype == PhysicalType::kByteArray) {
            out.binary.resize(n);
            std::string_view* dst = out.binary.data();
            size_t pos = 0;
            for (size_t i = 0; i < n; ++i) {
                if (size - pos < 4) bad(file, "truncated PLAIN byte array");
                uint32_t len;
                std::memcpy(&len, p + pos, 4);
                pos += 4;
                if (len > size - pos) bad(file, "truncated PLAIN byte array");
                dst[i] = {reinterpret_cast<const char*>(p + pos), len};
                pos += len;
            }
        } else if (ptype == PhysicalType::kFixedLenByteArray) {
            size_t len = static_cast<size_t>(type_length);
            if (len && n > size / len) bad(file, "truncated PLAIN fixed-length values");
            out.binary.resize(n);
            for (size_t i = 0; i < n; ++i) out.binary[i] = {reinterpret_cast<const char*>(p + i * len), len};
        } else {
            if (n > size / width) bad(file, "truncated PLAIN values");
            out.fixed = p;  // no copy: the page outlives the values
        }
    }

    // Fills out.storage with n * width bytes and points out.fixed at it.
    uint8_t* fixed_storage(PhysicalValues& out, size_t bytes) const {
        out.storage.resize(bytes);
        out.fixed = out.storage.data();
        return out.storage.data();
    }

    // padded_input: `p` has kCopyPad readable bytes after `size`.
    void decode(Encoding enc, const uint8_t* p, size_t size, size_t n, size_t dictionary_size,
                PhysicalValues& out, std::deque<std::string>& arena, bool padded_input = false) const {
        out.dictionary = false;
        out.padded = false;
        switch (enc) {
            case Encoding::kPlain:
                decode_plain(p, size, n, out);
                out.padded = padded_input;
                return;
            case Encoding::kPlainDictionary:
            case Encoding::kRleDictionary: {
                if (dictionary_size == SIZE_MAX) bad(file, "dictionary-encoded page without a dictionary page");
                out.dictionary = true;
                out.count = n;
                if (n == 0) return;
                if (size < 1) bad(file, "truncated dictionary indexes");
                RleBitPackedDecoder dec(p + 1, size - 1, p[0], file);
                out.indexes.resize(n);
                uint32_t max = dec.decode_max(out.indexes.data(), n);
                if (max >= dictionary_size) bad(file, "dictionary index out of range");
                return;
            }
            case Encoding::kRle: {
                if (ptype != PhysicalType::kBoolean) bad(file, "RLE encoding on a non-boolean column");
                if (size < 4) bad(file, "truncated RLE boolean values");
                uint32_t len;
                std::memcpy(&len, p, 4);
                if (len > size - 4) bad(file, "truncated RLE boolean values");
                RleBitPackedDecoder dec(p + 4, len, 1, file);
                std::vector<uint32_t> v(n);
                dec.decode(v.data(), n);
                out.count = n;
                uint8_t* dst = fixed_storage(out, n);
                for (size_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(v[i] != 0);
                return;
            }
            case Encoding::kDeltaBinaryPacked: {
                if (ptype != PhysicalType::kInt32 && ptype != PhysicalType::kInt64)
                    bad(file, "DELTA_BINARY_PACKED on a non-integer column");
                std::vector<int64_t> v;
                decode_delta_binary_packed(p, size, v, file, n);
                if (v.size() < n) bad(file, "too few DELTA_BINARY_PACKED values");
                out.count = n;
                uint8_t* dst = fixed_storage(out, n * width);
                if (width == 4) {
                    for (size_t i = 0; i < n; ++i) {
                        int32_t x = static_cast<int32_t>(v[i]);
                        std::memcpy(dst + i * 4, &x, 4);
                    }
                } else {
                    if (n) std::memcpy(dst, v.data(), n * 8);
                }
                return;
            }
            case Encoding::kDeltaLengthByteArray: {
                if (ptype != PhysicalType::kByteArray)
                    bad(file, "DELTA_LENGTH_BYTE_ARRAY on a non-binary column");
                std::vector<int64_t> lens;
                size_t used = decode_delta_binary_packed(p, size, lens, file, n);
                if (lens.size() < n) bad(file, "too few DELTA_LENGTH_BYTE_ARRAY values");
                out.count = n;
                out.binary.resize(n);
                out.padded = padded_input;
                size_t pos = used;
                for (size_t i = 0; i < n; ++i) {
                    if (lens[i] < 0 || static_cast<uint64_t>(lens[i]) > size - pos)
                        bad(file, "truncated DELTA_LENGTH_BYTE_ARRAY data");
                    out.binary[i] = {reinterpret_cast<const char*>(p + pos), static_cast<size_t>(lens[i])};
                    pos += lens[i];
                }
                return;
            }
            case Encoding::kDeltaByteArray: {
                if (width) bad(file, "DELTA_BYTE_ARRAY on a fixed-width column");
                std::vector<int64_t> prefix, lens;
                size_t used = decode_delta_binary_packed(p, size, prefix, file, n);
                used += decode_delta_binary_packed(p + used, size - used, lens, file, n);
                if (prefix.size() < n || lens.size() < n) bad(file, "too few DELTA_BYTE_ARRAY values");
                out.count = n;
                out.binary.resize(n);
                size_t pos = used;
                std::string_view previous;
                for (size_t i = 0; i < n; ++i) {
                    if (lens[i] < 0 || static_cast<uint64_t>(lens[i]) > size - pos || prefix[i] < 0 ||
                        static_cast<uint64_t>(prefix[i]) > previous.size())
                        bad(file, "bad DELTA_BYTE_ARRAY data");
                    std::string& s = arena.emplace_back(previous.substr(0, prefix[i]));
                    s.append(reinterpret_cast<const char*>(p + pos), lens[i]);
                    pos += lens[i];
                    out.binary[i] = s;
                    previous = s;
                }
                return;
            }
            case Encoding::kByteStreamSplit: {
                size_t w = width ? width : static_cast<size_t>(type_length);
                if (ptype == PhysicalType::kByteArray || ptype == PhysicalType::kBoolean || w == 0)
                    bad(file, "BYTE_STREAM_SPLIT on an unsupported column type");
                if (n > size / w) bad(file, "truncated BYTE_STREAM_SPLIT data");
                size_t streams = size / w;  // values in the page (may exceed n only in malformed files)
                std::vector<uint8_t> buf(n * w);
                for (size_t k = 0; k < w; ++k)
                    for (size_t i = 0; i < n; ++i) buf[i * w + k] = p[k * streams + i];
                out.count = n;
                if (width) {
                    out.storage = std::move(buf);
                    out.fixed = out.storage.data();
                } else {
                    std::string& s =
                        arena.emplace_back(reinterpret_cast<const char*>(buf.data()), buf.size());
                    out.binary.resize(n);
                    for (size_t i = 0; i < n; ++i) out.binary[i] = std::string_view(s).substr(i * w, w);
                }
                return;
            }
            default:
                raise(ErrorCode::kNotSupported, "Parquet file '{}': encoding {} is not supported", file,
                      static_cast<int>(enc));
        }
    }
};

size_t physical_width(PhysicalType t) {
    switch (t) {
        case PhysicalType::kBoolean:
            return 1;
        case PhysicalType::kInt32:
        case PhysicalType::kFloat:
            return 4;
        case PhysicalType::kInt64:
        case PhysicalType::kDouble:
            return 8;
        case PhysicalType::kInt96:
            return 12;
        default:
            return 0;
    }
}

int128_t big_endian_int128(std::string_view s) {
    int128_t v = (!s.empty() && (static_cast<uint8_t>(s[0]) & 0x80)) ? -1 : 0;
    for (unsigned char c : s) v = static_cast<int128_t>((static_cast<unsigned __int128>(v) << 8) | c);
    return v;
}

std::string format_uuid(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (size_t i = 0; i < s.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        uint8_t b = static_cast<uint8_t>(s[i]);
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
    }
    return out;
}

// How physical values become the fedq type.
enum class Conv : uint8_t {
    kBool,
    kI32ToI8,
    kI32ToI16,
    kI32,
    kU32ToI64,
    kI32ToI64,
    kI64,
    kFloat,
    kDouble,
    kI32Decimal,
    kI64Decimal,
    kU64Decimal,
    kBinaryDecimal,
    kString,
    kUuid,
    kMillis,
    kMicros,
    kNanos,
    kInt96
};

struct ColumnPlan {
    Type type;
    Conv conv = Conv::kI64;
};

std::optional<ColumnPlan> plan_for(const SchemaElement& e, std::string& reason) {
    const LogicalType& lt = e.logical;
    PhysicalType pt = *e.type;
    auto decimal_type = [&](Conv conv) -> std::optional<ColumnPlan> {
        int precision = lt.precision, scale = lt.scale;
        if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
            reason = fmt::format("DECIMAL({},{}) is out of the supported range", precision, scale);
            return std::nullopt;
        }
        return ColumnPlan{Type::decimal(precision, scale), conv};
    };
    switch (pt) {
        case PhysicalType::kBoolean:
            return ColumnPlan{Type::boolean(), Conv::kBool};
        case PhysicalType::kInt32:
            if (lt.kind == LogicalKind::kDecimal) return decimal_type(Conv::kI32Decimal);
            if (lt.kind == LogicalKind::kDate) return ColumnPlan{Type::date(), Conv::kI32};
            if (lt.kind == LogicalKind::kInteger) {
                if (lt.is_signed && lt.bit_width == 8) return ColumnPlan{Type::tinyint(), Conv::kI32ToI8};
                if (lt.is_signed && lt.bit_width == 16) return ColumnPlan{Type::smallint(), Conv::kI32ToI16};
                if (!lt.is_signed && lt.bit_width == 8) return ColumnPlan{Type::smallint(), Conv::kI32ToI16};
                if (!lt.is_signed && lt.bit_width == 16) return ColumnPlan{Type::integer(), Conv::kI32};
                if (!lt.is_signed) return ColumnPlan{Type::bigint(), Conv::kU32ToI64};
            }
            if (lt.kind == LogicalKind::kTime) {
                reason = "TIME is not supported";
                return std::nullopt;
            }
            return ColumnPlan{Type::integer(), Conv::kI32};
        case PhysicalType::kInt64:
            if (lt.kind == LogicalKind::kDecimal) return decimal_type(Conv::kI64Decimal);
            if (lt.kind == LogicalKind::kTimestamp) {
                Type t = lt.adjusted_to_utc ? Type::timestamp_tz() : Type::timestamp();
                Conv c = lt.unit == TimeUnit::kMillis  ? Conv::kMillis
                         : lt.unit == TimeUnit::kNanos ? Conv::kNanos
                                                       : Conv::kMicros;
                return ColumnPlan{t, c};
            }
            if (lt.kind == LogicalKind::kInteger && !lt.is_signed)
                return ColumnPlan{Type::decimal(20, 0), Conv::kU64Decimal};
            if (lt.kind == LogicalKind::kTime) {
                reason = "TIME is not supported";
                return std::nullopt;
            }
            return ColumnPlan{Type::bigint(), Conv::kI64};
        case PhysicalType::kInt96:
            return ColumnPlan{Type::timestamp(), Conv::kInt96};
        case PhysicalType::kFloat:
            return ColumnPlan{Type::real(), Conv::kFloat};
        case PhysicalType::kDouble:
            return ColumnPlan{Type::double_(), Conv::kDouble};
        case PhysicalType::kByteArray:
        case PhysicalType::kFixedLenByteArray:
            if (lt.kind == LogicalKind::kDecimal) return decimal_type(Conv::kBinaryDecimal);
            if (lt.kind == LogicalKind::kUuid && pt == PhysicalType::kFixedLenByteArray &&
                e.type_length == 16)
                return ColumnPlan{Type::varchar(), Conv::kUuid};
            if (lt.kind == LogicalKind::kString || lt.kind == LogicalKind::kEnum)
                return ColumnPlan{Type::varchar(), Conv::kString};
            if (lt.kind == LogicalKind::kJson) return ColumnPlan{Type::json(), Conv::kString};
            if (lt.kind == LogicalKind::kFloat16) {
                reason = "FLOAT16 is not supported";
                return std::nullopt;
            }
            return ColumnPlan{Type::varbinary(), Conv::kString};
    }
    reason = "unknown physical type";
    return std::nullopt;
}

// Out-of-range timestamps (only in corrupt or exotic files) raise instead of overflowing.
int64_t millis_to_micros(int64_t v, const std::string& file) {
    int64_t r;
    if (__builtin_mul_overflow(v, int64_t(1000), &r)) bad(file, "timestamp out of range");
    return r;
}

int64_t int96_to_micros(const uint8_t* p, const std::string& file) {
    int64_t nanos;
    int32_t julian;
    std::memcpy(&nanos, p, 8);
    std::memcpy(&julian, p + 8, 4);
    int64_t days, r;
    if (__builtin_mul_overflow(static_cast<int64_t>(julian) - 2440588, int64_t(86400000000LL), &days) ||
        __builtin_add_overflow(days, nanos / 1000, &r))
        bad(file, "INT96 timestamp out of range");
    return r;
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

// Writes `rows` rows to dst: get(v) for the v-th present row, a zero value for NULL rows. Without
// definition levels (or when none is NULL) the loop has no branch and vectorizes.
template <typename T, typename Get>
void fill_rows(T* dst, const uint32_t* defs, uint32_t max_def, size_t rows, Get&& get) {
    if (!defs) {
        for (size_t r = 0; r < rows; ++r) dst[r] = get(r);
        return;
    }
    size_t v = 0;
    for (size_t r = 0; r < rows; ++r) {
        if (defs[r] >= max_def)
            dst[r] = get(v++);
        else
            dst[r] = T{};
    }
}

// Dictionary gather of a fixed-width column: dst[r] = dict[idx[v]] for the present rows.
template <typename T>
void gather_fixed(Column& out, size_t base, const Column& dict, const uint32_t* idx, const uint32_t* defs,
                  uint32_t max_def, size_t rows) {
    T* dst = out.values<T>() + base;
    const T* src = dict.values<T>();
    fill_rows(dst, defs, max_def, rows, [&](size_t v) { return src[idx[v]]; });
}

// Appends `rows` rows: row r is NULL if defs && defs[r] < max_def, else the next value of `vals` (starting
// at value `first`). A dictionary-encoded page gathers from `dictionary` (the dictionary page converted to
// the column type). Returns the number of values used.
size_t append_values(Column& out, const ColumnPlan& plan, const PhysicalValues& vals, size_t first,
                     const uint32_t* defs, uint32_t max_def, size_t rows, const std::string& file,
                     const Column* dictionary = nullptr) {
    size_t base = out.size();
    size_t nonnull = rows;
    if (defs) {
        nonnull = 0;
        for (size_t r = 0; r < rows; ++r) nonnull += defs[r] >= max_def;
        if (nonnull == rows) defs = nullptr;  // no NULL here: take the branch-free paths
    }
    if (first > vals.count || nonnull > vals.count - first) bad(file, "fewer values than non-null rows in a page");
    auto set_validity = [&]() {
        if (!defs) return;
        uint8_t* valid = out.mutable_validity();
        for (size_t r = 0; r < rows; ++r) valid[base + r] = defs[r] >= max_def;
    };
    if (vals.dictionary) {
        if (!dictionary) bad(file, "internal: dictionary page missing");
        const uint32_t* idx = vals.indexes.data() + first;
        if (plan.type.is_variable_width()) {
            const int32_t* doff = dictionary->offsets();
            const uint8_t* dchars = dictionary->chars().data();
            size_t bytes = 0;
            for (size_t v = 0; v < nonnull; ++v) bytes += static_cast<size_t>(doff[idx[v] + 1] - doff[idx[v]]);
            Buffer& chars = out.chars();
            size_t at = chars.size();
            if (at + bytes > static_cast<size_t>(INT32_MAX))
                raise(ErrorCode::kNotSupported, "Parquet file '{}': string column chunk above 2 GiB", file);
            chars.reserve(at + bytes + kCopyPad);
            chars.resize(at + bytes);
            out.data().resize((base + rows + 1) * 4);
            int32_t* off = out.offsets();
            if (base == 0) off[0] = 0;
            uint8_t* dst = chars.data();
            // The dictionary column's chars carry kCopyPad bytes of slack (see decode_leaf).
            if (!defs) {
                for (size_t r = 0; r < rows; ++r) {
                    uint32_t k = idx[r];
                    size_t len = static_cast<size_t>(doff[k + 1] - doff[k]);
                    copy_padded(dst + at, dchars + doff[k], len);
                    at += len;
                    off[base + r + 1] = static_cast<int32_t>(at);
                }
            } else {
                size_t v = 0;
                for (size_t r = 0; r < rows; ++r) {
                    if (defs[r] >= max_def) {
                        uint32_t k = idx[v++];
                        size_t len = static_cast<size_t>(doff[k + 1] - doff[k]);
                        copy_padded(dst + at, dchars + doff[k], len);
                        at += len;
                    }
                    off[base + r + 1] = static_cast<int32_t>(at);
                }
            }
            out.set_size(base + rows);
            set_validity();
            return nonnull;
        }
        out.resize(base + rows);
        switch (plan.type.fixed_width()) {
            case 1:
                gather_fixed<uint8_t>(out, base, *dictionary, idx, defs, max_def, rows);
                break;
            case 2:
                gather_fixed<uint16_t>(out, base, *dictionary, idx, defs, max_def, rows);
                break;
            case 4:
                gather_fixed<uint32_t>(out, base, *dictionary, idx, defs, max_def, rows);
                break;
            case 8:
                gather_fixed<uint64_t>(out, base, *dictionary, idx, defs, max_def, rows);
                break;
            case 16:
                gather_fixed<int128_t>(out, base, *dictionary, idx, defs, max_def, rows);
                break;
            default:
                bad(file, "internal: unexpected dictionary value width");
        }
        set_validity();
        return nonnull;
    }
    if (plan.type.is_variable_width()) {
        const std::string_view* src = vals.binary.data() + first;
        Buffer& chars = out.chars();
        out.data().resize((base + rows + 1) * 4);
        int32_t* off = out.offsets();
        if (base == 0) off[0] = 0;
        if (plan.conv == Conv::kUuid) {
            size_t v = 0;
            for (size_t r = 0; r < rows; ++r) {
                if (!defs || defs[r] >= max_def) {
                    std::string tmp = format_uuid(src[v++]);
                    chars.append(tmp.data(), tmp.size());
                }
                off[base + r + 1] = static_cast<int32_t>(chars.size());
            }
        } else {
            size_t bytes = 0;
            for (size_t v = 0; v < nonnull; ++v) bytes += src[v].size();
            size_t at = chars.size();
            if (at + bytes > static_cast<size_t>(INT32_MAX))
                raise(ErrorCode::kNotSupported, "Parquet file '{}': string column chunk above 2 GiB", file);
            chars.reserve(at + bytes + kCopyPad);
            chars.resize(at + bytes);
            uint8_t* dst = chars.data();
            size_t v = 0;
            if (vals.padded && !defs) {
                for (size_t r = 0; r < rows; ++r) {
                    std::string_view s = src[r];
                    copy_padded(dst + at, s.data(), s.size());
                    at += s.size();
                    off[base + r + 1] = static_cast<int32_t>(at);
                }
            } else {
                for (size_t r = 0; r < rows; ++r) {
                    if (!defs || defs[r] >= max_def) {
                        std::string_view s = src[v++];
                        if (!s.empty()) std::memcpy(dst + at, s.data(), s.size());
                        at += s.size();
                    }
                    off[base + r + 1] = static_cast<int32_t>(at);
                }
            }
        }
        out.set_size(base + rows);
        set_validity();
        return nonnull;
    }
    out.resize(base + rows);
    const uint8_t* f = vals.fixed;
    auto load = [&]<typename T>(size_t i) {
        T x;
        std::memcpy(&x, f + i * sizeof(T), sizeof(T));
        return x;
    };
    auto i32 = [&](size_t i) { return load.template operator()<int32_t>(first + i); };
    auto i64 = [&](size_t i) { return load.template operator()<int64_t>(first + i); };
    switch (plan.conv) {
        case Conv::kBool:
            fill_rows(out.values<uint8_t>() + base, defs, max_def, rows, [&](size_t i) { return f[first + i]; });
            break;
        case Conv::kI32ToI8:
            fill_rows(out.values<int8_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int8_t>(i32(i)); });
            break;
        case Conv::kI32ToI16:
            fill_rows(out.values<int16_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int16_t>(i32(i)); });
            break;
        case Conv::kI32:
        case Conv::kFloat:
            if (!defs) {
                if (rows) std::memcpy(out.values<uint8_t>() + base * 4, f + first * 4, rows * 4);
            } else {
                fill_rows(out.values<int32_t>() + base, defs, max_def, rows, i32);
            }
            break;
        case Conv::kU32ToI64:
            fill_rows(out.values<int64_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int64_t>(static_cast<uint32_t>(i32(i))); });
            break;
        case Conv::kI32ToI64:
            fill_rows(out.values<int64_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int64_t>(i32(i)); });
            break;
        case Conv::kI64:
        case Conv::kMicros:
        case Conv::kDouble:
            if (!defs) {
                if (rows) std::memcpy(out.values<uint8_t>() + base * 8, f + first * 8, rows * 8);
            } else {
                fill_rows(out.values<int64_t>() + base, defs, max_def, rows, i64);
            }
            break;
        case Conv::kMillis:
            fill_rows(out.values<int64_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return millis_to_micros(i64(i), file); });
            break;
        case Conv::kNanos:
            fill_rows(out.values<int64_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return floor_div(i64(i), 1000); });
            break;
        case Conv::kInt96:
            fill_rows(out.values<int64_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return int96_to_micros(f + (first + i) * 12, file); });
            break;
        case Conv::kI32Decimal:
            fill_rows(out.values<int128_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int128_t>(i32(i)); });
            break;
        case Conv::kI64Decimal:
            fill_rows(out.values<int128_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int128_t>(i64(i)); });
            break;
        case Conv::kU64Decimal:
            fill_rows(out.values<int128_t>() + base, defs, max_def, rows,
                      [&](size_t i) { return static_cast<int128_t>(static_cast<uint64_t>(i64(i))); });
            break;
        case Conv::kBinaryDecimal:
            fill_rows(out.values<int128_t>() + base, defs, max_def, rows, [&](size_t i) {
                std::string_view s = vals.binary[first + i];
                if (s.size() > 16) bad(file, "decimal value wider than 16 bytes");
                return big_endian_int128(s);
            });
            break;
        default:
            bad(file, "internal: bad conversion");
    }
    set_validity();
    return nonnull;
}

std::vector<uint8_t> read_range(RandomAccessFile& file, uint64_t offset, uint64_t length) {
    if (offset > file.size() || length > file.size() - offset)
        bad(file.path(), fmt::format("column chunk [{}, +{}) is past the end of the file", offset, length));
    std::vector<uint8_t> buf(length);
    if (file.read_at(offset, length, buf.data()) != length) bad(file.path(), "short read");
    return buf;
}

// A column chunk's bytes without zero-filling them first.
struct ChunkBytes {
    std::unique_ptr<uint8_t[]> data;
    size_t size = 0;
};

ChunkBytes read_chunk(RandomAccessFile& file, uint64_t offset, uint64_t length) {
    if (offset > file.size() || length > file.size() - offset)
        bad(file.path(), fmt::format("column chunk [{}, +{}) is past the end of the file", offset, length));
    ChunkBytes out{std::unique_ptr<uint8_t[]>(new uint8_t[length + kCopyPad]), length};
    if (file.read_at(offset, length, out.data.get()) != length) bad(file.path(), "short read");
    return out;
}

std::optional<Value> stat_value(const ColumnPlan& plan, const SchemaElement& e, const std::string& bytes) {
    auto need = [&](size_t n) { return bytes.size() == n; };
    auto i32 = [&]() {
        int32_t x;
        std::memcpy(&x, bytes.data(), 4);
        return x;
    };
    auto i64 = [&]() {
        int64_t x;
        std::memcpy(&x, bytes.data(), 8);
        return x;
    };
    switch (plan.conv) {
        case Conv::kBool:
            if (!need(1)) return std::nullopt;
            return Value::boolean(bytes[0] != 0);
        case Conv::kI32ToI8:
            if (!need(4)) return std::nullopt;
            return Value::tinyint(static_cast<int8_t>(i32()));
        case Conv::kI32ToI16:
            if (!need(4)) return std::nullopt;
            return Value::smallint(static_cast<int16_t>(i32()));
        case Conv::kI32:
            if (!need(4)) return std::nullopt;
            return plan.type.id() == TypeId::kDate ? Value::date(i32()) : Value::integer(i32());
        case Conv::kI64:
            if (!need(8)) return std::nullopt;
            return Value::bigint(i64());
        case Conv::kFloat: {
            if (!need(4)) return std::nullopt;
            float x;
            std::memcpy(&x, bytes.data(), 4);
            return Value::real(x);
        }
        case Conv::kDouble: {
            if (!need(8)) return std::nullopt;
            double x;
            std::memcpy(&x, bytes.data(), 8);
            return Value::double_(x);
        }
        case Conv::kMillis:
        case Conv::kMicros:
        case Conv::kNanos: {
            if (!need(8)) return std::nullopt;
            int64_t v = i64();
            if (plan.conv == Conv::kMillis && __builtin_mul_overflow(v, int64_t(1000), &v))
                return std::nullopt;
            if (plan.conv == Conv::kNanos) v = floor_div(v, 1000);
            return plan.type.id() == TypeId::kTimestampTz ? Value::timestamp_tz(v) : Value::timestamp(v);
        }
        case Conv::kI32Decimal:
            if (!need(4)) return std::nullopt;
            return Value::decimal(i32(), plan.type.precision(), plan.type.scale());
        case Conv::kI64Decimal:
            if (!need(8)) return std::nullopt;
            return Value::decimal(i64(), plan.type.precision(), plan.type.scale());
        case Conv::kBinaryDecimal:
            if (bytes.empty() || bytes.size() > 16) return std::nullopt;
            return Value::decimal(big_endian_int128(bytes), plan.type.precision(), plan.type.scale());
        case Conv::kString:
            if (plan.type.id() == TypeId::kVarbinary) return Value::varbinary(bytes);
            if (plan.type.id() == TypeId::kJson) return Value::json(bytes);
            return Value::varchar(bytes);
        default:
            (void)e;
            return std::nullopt;
    }
}

}  // namespace

std::unique_ptr<ParquetReader> ParquetReader::open(const std::string& path) {
    std::shared_ptr<RandomAccessFile> file = get_file_system(path).open(path);
    return std::make_unique<ParquetReader>(std::move(file));
}

ParquetReader::ParquetReader(std::shared_ptr<RandomAccessFile> file)
    : file_(std::move(file)), path_(file_->path()) {
    uint64_t size = file_->size();
    if (size < 12) bad(path_, "file too small to be Parquet (missing 'PAR1' footer)");
    // One read of the file's last 64 KiB holds the footer of most files (one request instead of two on
    // object storage).
    const uint64_t tail_size = std::min<uint64_t>(size, 64 * 1024);
    std::vector<uint8_t> tail = read_range(*file_, size - tail_size, tail_size);
    const uint8_t* end = tail.data() + tail.size();
    if (std::memcmp(end - 4, "PAR1", 4) != 0) bad(path_, "missing 'PAR1' magic at the end of the file");
    uint32_t len;
    std::memcpy(&len, end - 8, 4);
    if (len == 0 || static_cast<uint64_t>(len) > size - 12)
        bad(path_, fmt::format("footer length {} does not fit in a file of {} bytes", len, size));
    uint8_t head[4];
    if (tail_size == size) {
        std::memcpy(head, tail.data(), 4);
    } else if (file_->read_at(0, 4, head) != 4) {
        bad(path_, "missing 'PAR1' magic at the start of the file");
    }
    if (std::memcmp(head, "PAR1", 4) != 0) bad(path_, "missing 'PAR1' magic at the start of the file");
    if (static_cast<uint64_t>(len) + 8 <= tail_size) {
        metadata_ = parse_file_metadata(end - 8 - len, len, path_);
    } else {
        std::vector<uint8_t> footer = read_range(*file_, size - 8 - len, len);
        metadata_ = parse_file_metadata(footer.data(), footer.size(), path_);
    }
    build_schema();
}

void ParquetReader::build_schema() {
    const auto& schema = metadata_.schema;
    // Walk the tree: schema[0] is the root with num_children top-level fields.
    size_t pos = 1;
    int leaf = 0;
    std::function<int(size_t&)> count_leaves = [&](size_t& p) -> int {
        if (p >= schema.size()) bad(path_, "schema tree is truncated");
        const SchemaElement& e = schema[p++];
        if (e.num_children == 0) return 1;
        int n = 0;
        for (int i = 0; i < e.num_children; ++i) n += count_leaves(p);
        return n;
    };
    for (int i = 0; i < schema[0].num_children; ++i) {
        if (pos >= schema.size()) bad(path_, "schema tree is truncated");
        const SchemaElement& e = schema[pos];
        ParquetColumn c;
        c.name = e.name;
        c.schema_index = static_cast<int>(pos);
        c.leaf = leaf;
        size_t p = pos;
        int leaves = count_leaves(p);
        pos = p;
        leaf += leaves;
        auto leaf_plan = [&](const SchemaElement& le, std::string& why) -> std::optional<Type> {
            if (le.num_children > 0 || !le.type) {
                why = "nested columns deeper than one level are not supported";
                return std::nullopt;
            }
            auto p = plan_for(le, why);
            if (!p) return std::nullopt;
            return p->type;
        };
        int opt = e.repetition == Repetition::kOptional ? 1 : 0;
        c.max_definition_level = opt;
        std::string reason;
        if (e.num_children > 0 || !e.type) {
            c.supported = false;
            c.type = Type::varchar();
            const SchemaElement* child = e.num_children > 0 ? &schema[c.schema_index + 1] : nullptr;
            if (e.logical.kind == LogicalKind::kList && e.num_children == 1 && child &&
                child->repetition == Repetition::kRepeated && e.repetition != Repetition::kRepeated) {
                // 3-level: repeated group with one primitive child; legacy 2-level: repeated primitive.
                int element = -1;
                if (child->num_children == 1 && !child->type)
                    element = c.schema_index + 2;
                else if (child->num_children == 0 && child->type)
                    element = c.schema_index + 1;
                if (element >= 0 && static_cast<size_t>(element) < schema.size()) {
                    const SchemaElement& le = schema[element];
                    auto t = le.repetition == Repetition::kRepeated && element == c.schema_index + 2
                                 ? std::optional<Type>()
                                 : leaf_plan(le, reason);
                    if (t) {
                        int element_opt =
                            (element == c.schema_index + 2 && le.repetition == Repetition::kOptional) ? 1 : 0;
                        c.shape = ParquetColumn::Shape::kList;
                        c.child_schema = {element};
                        c.child_max_def = {opt + 1 + element_opt};
                        c.type = Type::array(*t);
                        c.supported = true;
                    }
                } else {
                    reason = "unsupported LIST layout";
                }
            } else if (e.logical.kind == LogicalKind::kNone && e.repetition != Repetition::kRepeated &&
                       leaves == e.num_children) {
                std::vector<std::string> names;
                std::vector<Type> types;
                bool ok = true;
                for (int k = 0; k < e.num_children && ok; ++k) {
                    const SchemaElement& le = schema[c.schema_index + 1 + k];
                    if (le.repetition == Repetition::kRepeated) {
                        ok = false;
                        reason = "repeated struct fields are not supported";
                        break;
                    }
                    auto t = leaf_plan(le, reason);
                    if (!t) {
                        ok = false;
                        break;
                    }
                    names.push_back(le.name);
                    types.push_back(*t);
                    c.child_schema.push_back(c.schema_index + 1 + k);
                    c.child_max_def.push_back(opt + (le.repetition == Repetition::kOptional ? 1 : 0));
                }
                if (ok) {
                    c.shape = ParquetColumn::Shape::kStruct;
                    c.type = Type::row(std::move(names), std::move(types));
                    c.supported = true;
                } else {
                    c.child_schema.clear();
                    c.child_max_def.clear();
                }
            } else {
                reason = "MAP and nested columns of this shape are not supported";
            }
            if (!c.supported) c.unsupported_reason = reason.empty() ? "unsupported nested column" : reason;
        } else if (e.repetition == Repetition::kRepeated) {
            c.supported = false;
            c.unsupported_reason = "repeated columns are not supported yet";
            c.type = Type::varchar();
        } else {
            auto plan = plan_for(e, reason);
            if (plan) {
                c.type = plan->type;
            } else {
                c.supported = false;
                c.unsupported_reason = reason;
                c.type = Type::varbinary();
            }
        }
        columns_.push_back(std::move(c));
    }
    for (const auto& rg : metadata_.row_groups) {
        if (rg.columns.size() != static_cast<size_t>(leaf))
            bad(path_, fmt::format("row group has {} column chunks, schema has {} leaf columns",
                                   rg.columns.size(), leaf));
    }
}

ParquetColumnStats ParquetReader::statistics(size_t row_group, size_t column) const {
    ParquetColumnStats out;
    const ParquetColumn& c = columns_.at(column);
    if (!c.supported || c.shape != ParquetColumn::Shape::kFlat) return out;
    const ColumnChunk& chunk = metadata_.row_groups.at(row_group).columns.at(c.leaf);
    if (!chunk.meta || !chunk.meta->statistics) return out;
    const Statistics& s = *chunk.meta->statistics;
    out.null_count = s.null_count;
    const SchemaElement& e = metadata_.schema[c.schema_index];
    std::string reason;
    auto plan = plan_for(e, reason);
    if (!plan) return out;
    // Legacy min/max used signed byte order for binary: only trust them for numeric columns.
    if (s.legacy && (plan->conv == Conv::kString || plan->conv == Conv::kBinaryDecimal)) return out;
    if (plan->conv == Conv::kU32ToI64 || plan->conv == Conv::kU64Decimal || plan->conv == Conv::kUuid ||
        plan->conv == Conv::kInt96)
        return out;
    if (s.min) out.min = stat_value(*plan, e, *s.min);
    if (s.max) out.max = stat_value(*plan, e, *s.max);
    return out;
}

std::optional<std::vector<Value>> ParquetReader::dictionary_values(size_t row_group, size_t column,
                                                                   size_t max_values) const {
    const ParquetColumn& c = columns_.at(column);
    if (!c.supported || c.shape != ParquetColumn::Shape::kFlat) return std::nullopt;
    const ColumnChunk& chunk = metadata_.row_groups.at(row_group).columns.at(c.leaf);
    if (!chunk.meta || !chunk.file_path.empty()) return std::nullopt;
    const ColumnMetaData& meta = *chunk.meta;
    auto is_dict = [](Encoding e) {
        return e == Encoding::kPlainDictionary || e == Encoding::kRleDictionary;
    };
    if (!meta.encoding_stats.empty()) {
        for (const auto& [page, encoding] : meta.encoding_stats)
            if ((page == PageType::kDataPage || page == PageType::kDataPageV2) && !is_dict(encoding))
                return std::nullopt;
    } else {
        for (Encoding e : meta.encodings)
            if (!is_dict(e) && e != Encoding::kRle && e != Encoding::kBitPacked) return std::nullopt;
    }
    const SchemaElement& e = metadata_.schema[c.schema_index];
    if (meta.type != *e.type) bad(path_, "column chunk type differs from the schema");
    int64_t start = meta.data_page_offset;
    int64_t length = meta.total_compressed_size;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
        *meta.dictionary_page_offset < start) {
        start = *meta.dictionary_page_offset;
        length = std::min<int64_t>(length, meta.data_page_offset - start);
    }
    if (start < 0 || length <= 0) bad(path_, "bad column chunk offsets");
    std::vector<uint8_t> bytes =
        read_range(*file_, static_cast<uint64_t>(start), static_cast<uint64_t>(length));
    size_t header_size = 0;
    PageHeader h = parse_page_header(bytes.data(), bytes.size(), path_, header_size);
    if (h.type != PageType::kDictionaryPage || !h.dictionary) return std::nullopt;
    size_t csize = static_cast<size_t>(h.compressed_page_size);
    size_t usize = static_cast<size_t>(h.uncompressed_page_size);
    if (csize > bytes.size() - header_size) bad(path_, "dictionary page extends past the column chunk");
    if (usize > kMaxPageBytes) bad(path_, "page too large");
    if (h.dictionary->num_values < 0) bad(path_, "negative dictionary size");
    size_t n = static_cast<size_t>(h.dictionary->num_values);
    if (n > max_values) return std::nullopt;
    std::vector<uint8_t> page(usize);
    decompress(meta.codec, bytes.data() + header_size, csize, page.data(), usize, path_);
    if (meta.type == PhysicalType::kFixedLenByteArray && e.type_length <= 0)
        bad(path_, "bad FIXED_LEN_BYTE_ARRAY length");
    ColumnDecoder decoder{path_, meta.type, e.type_length, physical_width(meta.type)};
    PhysicalValues dict;
    decoder.decode_plain(page.data(), usize, n, dict);
    std::string reason;
    ColumnPlan plan = *plan_for(e, reason);
    auto col = Column::make(plan.type, n);
    if (plan.type.is_variable_width()) {
        col->data().resize(4);
        col->offsets()[0] = 0;
    }
    append_values(*col, plan, dict, 0, nullptr, 0, n, path_);
    std::vector<Value> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(col->value_at(i));
    return out;
}

namespace {

// Decodes one leaf column chunk page by page straight into columns of at most `batch_rows` entries (one
// entry per level entry, NULL where def < max_def); levels optionally returned. The chunk is fetched with
// one ranged read; only the current page and the dictionary (converted to the column type once) stay in
// memory besides the output.
// `prefetched`: the chunk's bytes when the caller read them already (with kCopyPad bytes of slack).
std::vector<ColumnPtr> decode_leaf(RandomAccessFile& file, const std::string& path, const FileMetaData& metadata,
                                   size_t row_group, int leaf, int schema_index, uint32_t max_def,
                                   uint32_t max_rep, std::vector<uint32_t>* all_defs,
                                   std::vector<uint32_t>* all_reps, size_t batch_rows,
                                   const uint8_t* prefetched = nullptr) {
    const RowGroup& rg = metadata.row_groups.at(row_group);
    const ColumnChunk& chunk = rg.columns.at(static_cast<size_t>(leaf));
    if (!chunk.meta) bad(path, "column chunk without metadata");
    if (!chunk.file_path.empty())
        raise(ErrorCode::kNotSupported, "Parquet file '{}': column chunks in other files are not supported",
              path);
    const ColumnMetaData& meta = *chunk.meta;
    const SchemaElement& e = metadata.schema.at(static_cast<size_t>(schema_index));
    if (meta.type != *e.type) bad(path, "column chunk type differs from the schema");
    std::string reason;
    ColumnPlan plan = *plan_for(e, reason);
    size_t rows = static_cast<size_t>(rg.num_rows);
    if (meta.num_values < 0 || (max_rep == 0 && meta.num_values != rg.num_rows))
        bad(path, fmt::format("column '{}' has {} values in a row group of {} rows", e.name, meta.num_values,
                              rows));
    size_t entries = static_cast<size_t>(meta.num_values);
    if (batch_rows == 0) batch_rows = entries;
    std::vector<ColumnPtr> outs;
    ColumnPtr out = Column::make(plan.type, std::min<size_t>({entries, batch_rows, size_t(1) << 20}));
    if (entries == 0) {
        outs.push_back(std::move(out));
        return outs;
    }

    int64_t start = meta.data_page_offset;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
        *meta.dictionary_page_offset < start)
        start = *meta.dictionary_page_offset;
    if (start < 0 || meta.total_compressed_size <= 0) bad(path, "bad column chunk offsets");
    ChunkBytes chunk_bytes;
    if (!prefetched) {
        chunk_bytes =
            read_chunk(file, static_cast<uint64_t>(start), static_cast<uint64_t>(meta.total_compressed_size));
        prefetched = chunk_bytes.data.get();
    }
    const std::span<const uint8_t> bytes(prefetched, static_cast<size_t>(meta.total_compressed_size));

    ColumnDecoder decoder{path, meta.type, e.type_length, physical_width(meta.type)};
    if (meta.type == PhysicalType::kFixedLenByteArray && e.type_length <= 0)
        bad(path, "bad FIXED_LEN_BYTE_ARRAY length");
    std::unique_ptr<uint8_t[]> page_buffer;  // decompressed current page (reused)
    size_t page_capacity = 0;
    auto page_space = [&](size_t size) {
        if (size > page_capacity) {
            page_capacity = std::max(size, page_capacity * 2);
            page_buffer.reset(new uint8_t[page_capacity + kCopyPad]);
        }
        return page_buffer.get();
    };
    std::deque<std::string> arena;
    ColumnPtr dictionary;  // the dictionary page as a column of the output type
    PhysicalValues values;
    std::vector<uint32_t> defs, reps;
    size_t done = 0;
    size_t pos = 0;
    // Decodes `n` levels of width bit_width_of(max) from an RLE run into `levels` (appending to `all`).
    auto levels = [&](const uint8_t* p, size_t len, uint32_t max, size_t n, std::vector<uint32_t>& dst,
                      std::vector<uint32_t>* all) {
        dst.resize(n);
        RleBitPackedDecoder dec(p, len, bit_width_of(max), path);
        if (dec.decode_max(dst.data(), n) > max) bad(path, "level above the maximum");
        if (all) all->insert(all->end(), dst.begin(), dst.end());
    };
    while (done < entries) {
        if (pos >= bytes.size())
            bad(path, fmt::format("column '{}' ends after {} of {} values", e.name, done, entries));
        size_t header_size = 0;
        PageHeader h = parse_page_header(bytes.data() + pos, bytes.size() - pos, path, header_size);
        pos += header_size;
        size_t csize = static_cast<size_t>(h.compressed_page_size);
        size_t usize = static_cast<size_t>(h.uncompressed_page_size);
        if (csize > bytes.size() - pos) bad(path, "page extends past the column chunk");
        const uint8_t* page = bytes.data() + pos;
        pos += csize;
        if (usize > kMaxPageBytes) bad(path, "page too large");
        if (h.type == PageType::kDictionaryPage) {
            if (!h.dictionary) bad(path, "dictionary page without header");
            const uint8_t* data = page;
            if (meta.codec != Codec::kUncompressed) {
                data = page_space(usize);
                decompress(meta.codec, page, csize, page_buffer.get(), usize, path);
            } else if (csize != usize) {
                bad(path, "uncompressed page size mismatch");
            }
            if (h.dictionary->num_values < 0) bad(path, "negative dictionary size");
            size_t n = static_cast<size_t>(h.dictionary->num_values);
            if (n > kMaxPageValues) bad(path, "dictionary page has too many values");
            PhysicalValues dict;
            decoder.decode_plain(data, usize, n, dict);
            dictionary = Column::make(plan.type, n);
            append_values(*dictionary, plan, dict, 0, nullptr, 0, n, path);
            if (plan.type.is_variable_width()) dictionary->chars().reserve(dictionary->chars().size() + kCopyPad);
            continue;
        }
        const uint32_t* def_ptr = nullptr;
        size_t n = 0;
        Encoding encoding = Encoding::kPlain;
        const uint8_t* vp = nullptr;
        size_t vsize = 0;
        if (h.type == PageType::kDataPage) {
            if (!h.data) bad(path, "data page without header");
            const uint8_t* data = page;
            if (meta.codec != Codec::kUncompressed) {
                data = page_space(usize);
                decompress(meta.codec, page, csize, page_buffer.get(), usize, path);
            } else if (csize != usize) {
                bad(path, "uncompressed page size mismatch");
            }
            if (h.data->num_values < 0) bad(path, "negative value count");
            n = static_cast<size_t>(h.data->num_values);
            if (n > entries - done) bad(path, "more values in pages than in the column chunk");
            if (n > kMaxPageValues) bad(path, "page has too many values");
            const uint8_t* p = data;
            size_t left = usize;
            auto level_block = [&](uint32_t max, std::vector<uint32_t>& dst, std::vector<uint32_t>* all) {
                if (left < 4) bad(path, "truncated levels");
                uint32_t len;
                std::memcpy(&len, p, 4);
                if (len > left - 4) bad(path, "truncated levels");
                levels(p + 4, len, max, n, dst, all);
                p += 4 + len;
                left -= 4 + len;
            };
            if (max_rep > 0) level_block(max_rep, reps, all_reps);
            if (max_def > 0) {
                level_block(max_def, defs, all_defs);
                def_ptr = defs.data();
            }
            encoding = h.data->encoding;
            vp = p;
            vsize = left;
        } else if (h.type == PageType::kDataPageV2) {
            if (!h.data_v2) bad(path, "data page v2 without header");
            const DataPageHeaderV2& d = *h.data_v2;
            if (d.num_values < 0 || d.definition_levels_byte_length < 0 ||
                d.repetition_levels_byte_length < 0)
                bad(path, "bad data page v2 header");
            size_t rep_len = static_cast<size_t>(d.repetition_levels_byte_length);
            size_t def_len = static_cast<size_t>(d.definition_levels_byte_length);
            size_t level_bytes = rep_len + def_len;
            if (level_bytes > csize || level_bytes > usize) bad(path, "data page v2 levels past the page");
            n = static_cast<size_t>(d.num_values);
            if (n > entries - done) bad(path, "more values in pages than in the column chunk");
            if (n > kMaxPageValues) bad(path, "page has too many values");
            if (max_rep > 0) levels(page, rep_len, max_rep, n, reps, all_reps);
            if (max_def > 0) {
                levels(page + rep_len, def_len, max_def, n, defs, all_defs);
                def_ptr = defs.data();
            }
            vp = page + level_bytes;
            vsize = csize - level_bytes;
            if (d.is_compressed && meta.codec != Codec::kUncompressed) {
                uint8_t* buf = page_space(usize - level_bytes);
                decompress(meta.codec, vp, vsize, buf, usize - level_bytes, path);
                vp = buf;
                vsize = usize - level_bytes;
            }
            encoding = d.encoding;
        } else {
            continue;  // index pages and unknown page types are skipped
        }
        size_t nonnull = n;
        if (def_ptr) {
            nonnull = 0;
            for (size_t i = 0; i < n; ++i) nonnull += defs[i] >= max_def;
            if (nonnull == n) def_ptr = nullptr;  // no NULL in this page
        }
        arena.clear();
        // Page buffers and chunk bytes have kCopyPad bytes of slack.
        decoder.decode(encoding, vp, vsize, nonnull, dictionary ? dictionary->size() : SIZE_MAX, values, arena,
                       true);
        // Cut the page's rows at batch boundaries.
        size_t row = 0, value = 0;
        while (row < n) {
            if (out->size() >= batch_rows) {
                out->compact_validity();
                outs.push_back(std::move(out));
                out = Column::make(plan.type, std::min(batch_rows, entries - done - row));
            }
            size_t take = std::min(n - row, batch_rows - out->size());
            value += append_values(*out, plan, values, value, def_ptr ? def_ptr + row : nullptr, max_def, take,
                                   path, dictionary.get());
            row += take;
        }
        done += n;
    }
    if (max_def > 0 && all_defs && all_defs->size() != entries) bad(path, "definition level count mismatch");
    out->compact_validity();
    outs.push_back(std::move(out));
    return outs;
}

// Byte range [start, start + length) of a leaf column chunk (dictionary page included).
std::optional<std::pair<uint64_t, uint64_t>> chunk_range(const RowGroup& rg, int leaf) {
    if (leaf < 0 || static_cast<size_t>(leaf) >= rg.columns.size()) return std::nullopt;
    const ColumnChunk& chunk = rg.columns[static_cast<size_t>(leaf)];
    if (!chunk.meta || !chunk.file_path.empty()) return std::nullopt;
    const ColumnMetaData& meta = *chunk.meta;
    int64_t start = meta.data_page_offset;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 && *meta.dictionary_page_offset < start)
        start = *meta.dictionary_page_offset;
    if (start < 0 || meta.total_compressed_size <= 0) return std::nullopt;
    return std::make_pair(static_cast<uint64_t>(start), static_cast<uint64_t>(meta.total_compressed_size));
}

bool is_object_storage(const std::string& path) {
    return path.starts_with("s3://") || path.starts_with("s3a://");
}

// Column chunks on object storage closer than this are fetched in one ranged read (a request costs about
// as much as transferring this many bytes).
constexpr uint64_t kCoalesceGap = uint64_t(1) << 20;

}  // namespace

ColumnPtr ParquetReader::read_leaf(size_t row_group, int leaf, int schema_index, uint32_t max_def,
                                   uint32_t max_rep, std::vector<uint32_t>* all_defs,
                                   std::vector<uint32_t>* all_reps) const {
    auto columns = decode_leaf(*file_, path_, metadata_, row_group, leaf, schema_index, max_def, max_rep,
                               all_defs, all_reps, SIZE_MAX);
    return std::move(columns.front());
}

ColumnPtr ParquetReader::read_column(size_t row_group, size_t column) const {
    const ParquetColumn& c = columns_.at(column);
    if (!c.supported)
        raise(ErrorCode::kNotSupported, "Parquet file '{}': column '{}': {}", path_, c.name,
              c.unsupported_reason);
    size_t rows = static_cast<size_t>(metadata_.row_groups.at(row_group).num_rows);
    if (c.shape == ParquetColumn::Shape::kFlat)
        return read_leaf(row_group, c.leaf, c.schema_index, static_cast<uint32_t>(c.max_definition_level), 0,
                         nullptr, nullptr);
    if (c.shape == ParquetColumn::Shape::kStruct) {
        auto out = Column::make(c.type);
        std::vector<uint32_t> first_defs;
        for (size_t k = 0; k < c.child_schema.size(); ++k) {
            std::vector<uint32_t> defs;
            uint32_t max_def = static_cast<uint32_t>(c.child_max_def[k]);
            ColumnPtr child = read_leaf(row_group, c.leaf + static_cast<int>(k), c.child_schema[k], max_def,
                                        0, max_def ? &defs : nullptr, nullptr);
            if (child->size() != rows) bad(path_, "struct field length differs from the row count");
            out->children()[k] = std::move(*child);
            if (k == 0) first_defs = std::move(defs);
        }
        out->set_size(rows);
        if (c.max_definition_level > 0 && !first_defs.empty()) {
            uint32_t level = static_cast<uint32_t>(c.max_definition_level);
            uint8_t* valid = out->mutable_validity();
            for (size_t r = 0; r < rows; ++r) valid[r] = first_defs[r] >= level;
            out->compact_validity();
        }
        return out;
    }
    // LIST: levels L0 = list optional, L1 = L0 + 1 (repeated), max = L1 + element optional.
    std::vector<uint32_t> defs, reps;
    uint32_t l0 = static_cast<uint32_t>(c.max_definition_level);
    uint32_t l1 = l0 + 1;
    uint32_t max_def = static_cast<uint32_t>(c.child_max_def[0]);
    ColumnPtr entries = read_leaf(row_group, c.leaf, c.child_schema[0], max_def, 1, &defs, &reps);
    size_t n = entries->size();
    if (defs.size() != n || reps.size() != n) bad(path_, "level count mismatch in a list column");
    std::vector<uint32_t> elements;
    elements.reserve(n);
    auto out = Column::make(c.type);
    Buffer& offsets = out->data();
    offsets.resize(4);
    offsets.as<int32_t>()[0] = 0;
    std::vector<uint8_t> valid;
    valid.reserve(std::min(rows, n));  // every row has at least one level entry; `rows` may be corrupt
    bool any_null = false;
    size_t row = 0;
    for (size_t i = 0; i < n; ++i) {
        if (reps[i] == 0) {
            if (row > 0) offsets.push<int32_t>(static_cast<int32_t>(elements.size()));
            ++row;
            if (row > rows) bad(path_, "list column has more rows than the row group");
            bool is_null = defs[i] < l0;
            valid.push_back(!is_null);
            any_null |= is_null;
            if (defs[i] >= l1) elements.push_back(static_cast<uint32_t>(i));
        } else {
            if (row == 0 || defs[i] < l1) bad(path_, "bad repetition levels in a list column");
            elements.push_back(static_cast<uint32_t>(i));
        }
    }
    if (row > 0) offsets.push<int32_t>(static_cast<int32_t>(elements.size()));
    if (row != rows)
        bad(path_, fmt::format("list column '{}' has {} rows in a row group of {}", c.name, row, rows));
    out->children()[0].append_gather(*entries, elements.data(), elements.size());
    out->set_size(rows);
    if (any_null) std::memcpy(out->mutable_validity(), valid.data(), rows);
    return out;
}

std::vector<Batch> ParquetReader::read_row_group(size_t row_group, const std::vector<size_t>& projection,
                                                 size_t batch_rows) const {
    if (row_group >= metadata_.row_groups.size())
        raise(ErrorCode::kInvalidParameter, "Parquet file '{}' has no row group {}", path_, row_group);
    for (size_t col : projection)
        if (col >= columns_.size())
            raise(ErrorCode::kInvalidParameter, "Parquet file '{}' has no column {}", path_, col);
    if (batch_rows == 0) batch_rows = kDefaultBatchRows;
    size_t rows = static_cast<size_t>(metadata_.row_groups[row_group].num_rows);
    if (rows == 0) {
        for (size_t col : projection) (void)read_column(row_group, col);  // still validate the chunks
        return {};
    }
    // On object storage, fetch the projected flat chunks with as few ranged reads as possible (one per run
    // of chunks with gaps below kCoalesceGap); local files read each chunk with its own pread.
    std::vector<std::unique_ptr<uint8_t[]>> fetched;
    std::vector<const uint8_t*> prefetched(projection.size(), nullptr);
    if (is_object_storage(path_)) {
        const RowGroup& rg = metadata_.row_groups[row_group];
        std::vector<std::tuple<uint64_t, uint64_t, size_t>> ranges;  // start, length, projection slot
        for (size_t i = 0; i < projection.size(); ++i) {
            const ParquetColumn& c = columns_[projection[i]];
            if (!c.supported || c.shape != ParquetColumn::Shape::kFlat) continue;
            auto range = chunk_range(rg, c.leaf);
            if (!range || range->first > file_->size() || range->second > file_->size() - range->first) continue;
            ranges.emplace_back(range->first, range->second, i);
        }
        std::sort(ranges.begin(), ranges.end());
        for (size_t i = 0; i < ranges.size();) {
            uint64_t begin = std::get<0>(ranges[i]);
            uint64_t end = begin + std::get<1>(ranges[i]);
            size_t j = i + 1;
            while (j < ranges.size() && std::get<0>(ranges[j]) <= end + kCoalesceGap) {
                end = std::max(end, std::get<0>(ranges[j]) + std::get<1>(ranges[j]));
                ++j;
            }
            ChunkBytes bytes = read_chunk(*file_, begin, end - begin);
            for (size_t k = i; k < j; ++k)
                prefetched[std::get<2>(ranges[k])] = bytes.data.get() + (std::get<0>(ranges[k]) - begin);
            fetched.push_back(std::move(bytes.data));
            i = j;
        }
    }
    // Decode every column first (that validates the row count against the data), then assemble batches.
    std::vector<std::vector<ColumnPtr>> columns;
    columns.reserve(projection.size());
    for (size_t slot = 0; slot < projection.size(); ++slot) {
        size_t col = projection[slot];
        const ParquetColumn& c = columns_[col];
        std::vector<ColumnPtr> pieces;
        if (c.supported && c.shape == ParquetColumn::Shape::kFlat) {
            // Flat columns decode straight into batch-sized columns.
            pieces = decode_leaf(*file_, path_, metadata_, row_group, c.leaf, c.schema_index,
                                 static_cast<uint32_t>(c.max_definition_level), 0, nullptr, nullptr, batch_rows,
                                 prefetched[slot]);
        } else {
            ColumnPtr whole = read_column(row_group, col);
            if (whole->size() != rows) bad(path_, "column length differs from the row count");
            for (size_t off = 0; off < rows; off += batch_rows) {
                size_t n = std::min(batch_rows, rows - off);
                if (off == 0 && n == rows) {
                    pieces.push_back(whole);
                    break;
                }
                auto piece = Column::make(whole->type(), n);
                piece->append_range(*whole, off, n);
                pieces.push_back(std::move(piece));
            }
        }
        size_t total = 0;
        for (const auto& piece : pieces) total += piece->size();
        if (total != rows) bad(path_, "column length differs from the row count");
        columns.push_back(std::move(pieces));
    }
    std::vector<Batch> out;
    if (projection.empty()) {
        Batch whole(rows, {});
        for (size_t off = 0; off < rows; off += batch_rows) out.push_back(whole.slice(off, std::min(batch_rows, rows - off)));
        return out;
    }
    size_t batches = columns[0].size();
    out.resize(batches);
    for (size_t b = 0; b < batches; ++b) {
        out[b].num_rows = columns[0][b]->size();
        out[b].columns.reserve(projection.size());
        for (auto& pieces : columns) {
            if (pieces.size() != batches || pieces[b]->size() != out[b].num_rows)
                bad(path_, "column length differs from the row count");
            out[b].columns.push_back(std::move(pieces[b]));
        }
    }
    return out;
}

}  // namespace fedq
