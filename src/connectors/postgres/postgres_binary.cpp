#include "connectors/postgres/postgres_binary.h"

#include <cstring>

#include "common/error.h"
#include "types/decimal.h"

namespace fedq {

namespace {

inline uint16_t load16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return __builtin_bswap16(v);
}
inline uint32_t load32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
inline uint64_t load64(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
constexpr int32_t kDaysFrom1970To2000 = 10957;
constexpr int64_t kMicrosFrom1970To2000 = 946684800000000LL;

constexpr int32_t kPow10[5] = {1, 10, 100, 1000, 10000};

}  // namespace

PgBinaryDecoder::PgBinaryDecoder(std::vector<Type> types, std::vector<std::string> names, std::string context)
    : types_(std::move(types)), names_(std::move(names)), context_(std::move(context)) {
    names_.resize(types_.size());
}

void PgBinaryDecoder::start_batch(size_t capacity) {
    columns_.clear();
    columns_.reserve(types_.size());
    for (const auto& type : types_) columns_.push_back(Column::make(type, capacity));
    rows_ = 0;
}

Batch PgBinaryDecoder::take_batch() {
    Batch batch(rows_, std::move(columns_));
    columns_.clear();
    rows_ = 0;
    return batch;
}

void PgBinaryDecoder::fail(size_t column_index, const std::string& what, ErrorCode code) const {
    const std::string& name = column_index < names_.size() ? names_[column_index] : std::string("?");
    raise(code, "{}: column {}: {}", context_, name, what);
}

size_t PgBinaryDecoder::feed(const uint8_t* data, size_t size, size_t max_rows) {
    size_t pos = 0;
    if (!header_done_) {
        if (size < 19) return 0;
        if (std::memcmp(data, kSignature, sizeof(kSignature)) != 0) {
            raise(ErrorCode::kRemote, "{}: the server did not send a binary COPY stream", context_);
        }
        uint32_t extension = load32(data + 15);
        if (size < 19 + static_cast<size_t>(extension)) return 0;
        pos = 19 + extension;
        header_done_ = true;
    }
    const size_t width = types_.size();
    while (rows_ < max_rows && !finished_) {
        if (size - pos < 2) break;
        int16_t count = static_cast<int16_t>(load16(data + pos));
        if (count == -1) {
            finished_ = true;
            pos += 2;
            break;
        }
        if (static_cast<size_t>(count) != width) {
            raise(ErrorCode::kRemote, "{}: the server sent {} columns, expected {}", context_, count, width);
        }
        // First pass: is the whole tuple here?
        size_t p = pos + 2;
        bool complete = true;
        for (size_t i = 0; i < width; ++i) {
            if (size - p < 4) { complete = false; break; }
            int32_t length = static_cast<int32_t>(load32(data + p));
            p += 4;
            if (length < -1) fail(i, "malformed binary COPY data (negative length)");
            if (length > 0) {
                if (size - p < static_cast<size_t>(length)) { complete = false; break; }
                p += static_cast<size_t>(length);
            }
        }
        if (!complete) break;
        // Second pass: decode.
        p = pos + 2;
        for (size_t i = 0; i < width; ++i) {
            int32_t length = static_cast<int32_t>(load32(data + p));
            p += 4;
            if (length == -1) {
                columns_[i]->append_null();
            } else {
                decode_field(*columns_[i], types_[i], data + p, length, i);
                p += static_cast<size_t>(length);
            }
        }
        ++rows_;
        pos = p;
    }
    return pos;
}

void PgBinaryDecoder::decode_field(Column& column, const Type& type, const uint8_t* data, int32_t length,
                                   size_t column_index) {
    auto expect = [&](int32_t want) {
        if (length != want) {
            fail(column_index, fmt::format("malformed binary {} value ({} bytes)", type.to_string(), length));
        }
    };
    switch (type.id()) {
        case TypeId::kBoolean: expect(1); column.append<uint8_t>(data[0] != 0); return;
        case TypeId::kSmallInt: expect(2); column.append<int16_t>(static_cast<int16_t>(load16(data))); return;
        case TypeId::kInteger: expect(4); column.append<int32_t>(static_cast<int32_t>(load32(data))); return;
        case TypeId::kBigInt: expect(8); column.append<int64_t>(static_cast<int64_t>(load64(data))); return;
        case TypeId::kReal: {
            expect(4);
            uint32_t bits = load32(data);
            float v;
            std::memcpy(&v, &bits, 4);
            column.append<float>(v);
            return;
        }
        case TypeId::kDouble: {
            expect(8);
            uint64_t bits = load64(data);
            double v;
            std::memcpy(&v, &bits, 8);
            column.append<double>(v);
            return;
        }
        case TypeId::kDecimal: {
            int128_t v = 0;
            const char* special = nullptr;
            if (!decode_numeric(data, length, type.precision(), type.scale(), &v, &special)) {
                if (special) {
                    fail(column_index,
                         fmt::format("numeric value {} cannot be read as {}", special, type.to_string()),
                         ErrorCode::kNumericOverflow);
                }
                throw Error(ErrorCode::kNumericOverflow,
                            fmt::format("{}: column {}: numeric value does not fit {}", context_,
                                        column_index < names_.size() ? names_[column_index] : "?", type.to_string()));
            }
            column.append<int128_t>(v);
            return;
        }
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
            column.append_string({reinterpret_cast<const char*>(data), static_cast<size_t>(length)});
            return;
        case TypeId::kJson:
            // jsonb's binary form is a version byte (1) then the text; JSON text never starts with \x01.
            if (length > 0 && data[0] == 1) {
                ++data;
                --length;
            }
            column.append_string({reinterpret_cast<const char*>(data), static_cast<size_t>(length)});
            return;
        case TypeId::kDate: {
            expect(4);
            int32_t days = static_cast<int32_t>(load32(data));
            if (days == INT32_MAX || days == INT32_MIN) {
                fail(column_index, fmt::format("date {}infinity cannot be represented", days < 0 ? "-" : ""),
                     ErrorCode::kInvalidDatetime);
            }
            column.append<int32_t>(days + kDaysFrom1970To2000);
            return;
        }
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            expect(8);
            int64_t micros = static_cast<int64_t>(load64(data));
            if (micros == INT64_MAX || micros == INT64_MIN) {
                fail(column_index, fmt::format("timestamp {}infinity cannot be represented", micros < 0 ? "-" : ""),
                     ErrorCode::kInvalidDatetime);
            }
            column.append<int64_t>(micros + kMicrosFrom1970To2000);
            return;
        }
        case TypeId::kInterval: {
            expect(16);
            Interval v;
            v.micros = static_cast<int64_t>(load64(data));
            v.days = static_cast<int32_t>(load32(data + 8));
            v.months = static_cast<int32_t>(load32(data + 12));
            column.append<Interval>(v);
            return;
        }
        case TypeId::kArray: decode_array(column, type, data, length, column_index); return;
        default: fail(column_index, "type " + type.to_string() + " cannot be read from PostgreSQL");
    }
}

void PgBinaryDecoder::decode_array(Column& column, const Type& type, const uint8_t* data, int32_t length,
                                   size_t column_index) {
    if (length < 12) fail(column_index, "malformed binary array");
    const int32_t dimensions = static_cast<int32_t>(load32(data));
    Column& elements = column.children()[0];
    if (dimensions > 1) fail(column_index, "multi-dimensional array values are not supported");
    if (dimensions == 1) {
        if (length < 20) fail(column_index, "malformed binary array");
        const int32_t count = static_cast<int32_t>(load32(data + 12));
        if (count < 0) fail(column_index, "malformed binary array");
        size_t p = 20;
        const size_t end = static_cast<size_t>(length);
        for (int32_t k = 0; k < count; ++k) {
            if (end - p < 4) fail(column_index, "malformed binary array");
            int32_t element_length = static_cast<int32_t>(load32(data + p));
            p += 4;
            if (element_length == -1) {
                elements.append_null();
                continue;
            }
            if (element_length < 0 || end - p < static_cast<size_t>(element_length)) {
                fail(column_index, "malformed binary array");
            }
            decode_field(elements, type.element(), data + p, element_length, column_index);
            p += static_cast<size_t>(element_length);
        }
    }
    column.data().push<int32_t>(static_cast<int32_t>(elements.size()));
    column.set_size(column.size() + 1);
    if (column.has_nulls()) column.mutable_validity();  // extends the validity with "valid"
}

bool PgBinaryDecoder::decode_numeric(const uint8_t* data, int32_t length, int precision, int scale, int128_t* out,
                                     const char** special) {
    *special = nullptr;
    if (length < 8) {
        *special = "(malformed)";
        return false;
    }
    const int ndigits = static_cast<int16_t>(load16(data));
    const int weight = static_cast<int16_t>(load16(data + 2));
    const uint16_t sign = load16(data + 4);
    if (sign == 0xC000) { *special = "NaN"; return false; }
    if (sign == 0xD000) { *special = "Infinity"; return false; }
    if (sign == 0xF000) { *special = "-Infinity"; return false; }
    if (ndigits < 0 || length != 8 + 2 * ndigits || (sign != 0 && sign != 0x4000)) {
        *special = "(malformed)";
        return false;
    }
    int128_t acc = 0;
    int unit = 0;  // decimal exponent of acc's last digit
    int round_digit = 0;
    for (int i = 0; i < ndigits; ++i) {
        const int d = load16(data + 8 + 2 * i);
        if (d > 9999) { *special = "(malformed)"; return false; }
        const int exponent = 4 * (weight - i);
        if (exponent >= -scale) {
            if (__builtin_mul_overflow(acc, int128_t(10000), &acc) || __builtin_add_overflow(acc, int128_t(d), &acc)) {
                return false;
            }
            unit = exponent;
            continue;
        }
        // This group holds the digits around 10^-scale: keep those at or above it, round on the next one.
        const int keep = exponent + 4 + scale;
        if (keep > 0) {
            if (__builtin_mul_overflow(acc, int128_t(kPow10[keep]), &acc) ||
                __builtin_add_overflow(acc, int128_t(d / kPow10[4 - keep]), &acc)) {
                return false;
            }
            round_digit = (d / kPow10[3 - keep]) % 10;
            unit = -scale;
        } else if (keep == 0) {
            round_digit = d / 1000;
            unit = -scale;
        }
        break;
    }
    if (acc != 0 && unit > -scale) {
        int shift = unit + scale;
        if (shift > 38) return false;
        if (__builtin_mul_overflow(acc, pow10_i128(shift), &acc)) return false;
    }
    if (round_digit >= 5) ++acc;
    if (sign == 0x4000) acc = -acc;
    if (!decimal_fits(acc, precision)) return false;
    *out = acc;
    return true;
}

}  // namespace fedq
