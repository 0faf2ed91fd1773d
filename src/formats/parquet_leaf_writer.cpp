// Value encoders of the Parquet writer's leaf columns (see parquet_leaf_writer.h), the schema mapping of fedq
// types to Parquet physical/logical types, and page compression.
#include "formats/parquet_leaf_writer.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "common/error.h"
#include "types/decimal.h"

namespace fedq {

using parquet::append_u32_le;
using parquet::bit_width_of;
using parquet::Codec;
using parquet::Dictionary;
using parquet::Encoding;
using parquet::LeafShape;
using parquet::LeafSource;
using parquet::LeafSpec;
using parquet::PhysicalType;
using parquet::rle_encode;

// ------------------------------------------------------------------------------------------- compression

ParquetWriter::PageCompressor::PageCompressor(Codec codec, int level) : codec_(codec), level_(level) {
    if (codec_ == Codec::kZstd) zstd_ = ZSTD_createCCtx();
}

ParquetWriter::PageCompressor::~PageCompressor() {
    if (zstd_) ZSTD_freeCCtx(zstd_);
}

std::string_view ParquetWriter::PageCompressor::compress(std::string_view in) {
    switch (codec_) {
        case Codec::kUncompressed:
            return in;
        case Codec::kSnappy: {
            size_t length = snappy_max_compressed_length(in.size());
            buffer_.resize(length);
            if (snappy_compress(in.data(), in.size(), buffer_.data(), &length) != SNAPPY_OK)
                raise(ErrorCode::kInternal, "snappy compression failed");
            return {buffer_.data(), length};
        }
        case Codec::kZstd: {
            buffer_.resize(ZSTD_compressBound(in.size()));
            size_t n = ZSTD_compressCCtx(zstd_, buffer_.data(), buffer_.size(), in.data(), in.size(),
                                         level_ ? level_ : 3);
            if (ZSTD_isError(n))
                raise(ErrorCode::kInternal, "zstd compression failed: {}", ZSTD_getErrorName(n));
            return {buffer_.data(), n};
        }
        case Codec::kGzip: {
            z_stream z{};
            if (deflateInit2(&z, level_ ? level_ : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                             Z_DEFAULT_STRATEGY) != Z_OK)
                raise(ErrorCode::kInternal, "gzip compression failed to start");
            buffer_.resize(deflateBound(&z, in.size()) + 32);
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
            z.avail_in = static_cast<uInt>(in.size());
            z.next_out = reinterpret_cast<Bytef*>(buffer_.data());
            z.avail_out = static_cast<uInt>(buffer_.size());
            int rc = deflate(&z, Z_FINISH);
            size_t n = z.total_out;
            deflateEnd(&z);
            if (rc != Z_STREAM_END) raise(ErrorCode::kInternal, "gzip compression failed");
            return {buffer_.data(), n};
        }
        default:
            raise(ErrorCode::kNotSupported, "Parquet writer: compression codec {} is not supported",
                  static_cast<int>(codec_));
    }
}

namespace parquet {

namespace {

// Smallest byte count holding every DECIMAL(precision) unscaled value in two's complement.
int32_t decimal_bytes(int precision) {
    int128_t max = decimal_max(precision);
    for (int32_t n = 1; n < 16; ++n) {
        if (max < (static_cast<int128_t>(1) << (8 * n - 1))) return n;
    }
    return 16;
}

LeafSpec leaf_spec(PhysicalType physical, int32_t type_length, LeafSource source) {
    LeafSpec spec;
    spec.physical = physical;
    spec.type_length = type_length;
    spec.source = source;
    return spec;
}

}  // namespace

std::optional<LeafSpec> primitive_spec(const Type& type, SchemaElement& e) {
    LeafSpec spec;
    LogicalType& lt = e.logical;
    auto integer = [&](int bits) {
        lt.kind = LogicalKind::kInteger;
        lt.bit_width = bits;
        lt.is_signed = true;
    };
    switch (type.id()) {
        case TypeId::kNull:
            spec = leaf_spec(PhysicalType::kInt32, 0, LeafSource::kNull);
            break;
        case TypeId::kBoolean:
            spec = leaf_spec(PhysicalType::kBoolean, 0, LeafSource::kBool);
            break;
        case TypeId::kTinyInt:
            spec = leaf_spec(PhysicalType::kInt32, 0, LeafSource::kI8);
            integer(8);
            break;
        case TypeId::kSmallInt:
            spec = leaf_spec(PhysicalType::kInt32, 0, LeafSource::kI16);
            integer(16);
            break;
        case TypeId::kInteger:
            spec = leaf_spec(PhysicalType::kInt32, 0, LeafSource::kI32);
            break;
        case TypeId::kBigInt:
            spec = leaf_spec(PhysicalType::kInt64, 0, LeafSource::kI64);
            break;
        case TypeId::kReal:
            spec = leaf_spec(PhysicalType::kFloat, 0, LeafSource::kF32);
            break;
        case TypeId::kDouble:
            spec = leaf_spec(PhysicalType::kDouble, 0, LeafSource::kF64);
            break;
        case TypeId::kDecimal:
            lt.kind = LogicalKind::kDecimal;
            lt.precision = type.precision();
            lt.scale = type.scale();
            if (type.precision() <= 9) {
                spec = leaf_spec(PhysicalType::kInt32, 0, LeafSource::kI128);
            } else if (type.precision() <= 18) {
                spec = leaf_spec(PhysicalType::kInt64, 0, LeafSource::kI128);
            } else {
                spec = leaf_spec(PhysicalType::kFixedLenByteArray, decimal_bytes(type.precision()),
                                 LeafSource::kI128);
            }
            break;
        case TypeId::kVarchar:
            spec = leaf_spec(PhysicalType::kByteArray, 0, LeafSource::kString);
            lt.kind = LogicalKind::kString;
            break;
        case TypeId::kJson:
            spec = leaf_spec(PhysicalType::kByteArray, 0, LeafSource::kString);
            lt.kind = LogicalKind::kJson;
            break;
        case TypeId::kVarbinary:
            spec = leaf_spec(PhysicalType::kByteArray, 0, LeafSource::kString);
            break;
        case TypeId::kDate:
            spec = leaf_spec(PhysicalType::kInt32, 0, LeafSource::kI32);
            lt.kind = LogicalKind::kDate;
            break;
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
            spec = leaf_spec(PhysicalType::kInt64, 0, LeafSource::kI64);
            lt.kind = LogicalKind::kTimestamp;
            lt.unit = TimeUnit::kMicros;
            lt.adjusted_to_utc = type.id() == TypeId::kTimestampTz;
            break;
        default:
            return std::nullopt;
    }
    e.type = spec.physical;
    e.type_length = spec.type_length;
    e.repetition = Repetition::kOptional;
    return spec;
}

}  // namespace parquet

// ------------------------------------------------------------------------------------------- value encoders

namespace {

using LeafWriterBase = ParquetWriter::LeafWriter;
using PageCompressor = ParquetWriter::PageCompressor;

// BOOLEAN: PLAIN (bit-packed), no dictionary.
class BoolLeafWriter final : public LeafWriterBase {
  public:
    using LeafWriterBase::LeafWriterBase;

  protected:
    void add_values(const Column& leaf, const uint32_t* rows, size_t begin, size_t count) override {
        const uint8_t* src = leaf.values<uint8_t>();
        for (size_t k = 0; k < count; ++k) {
            uint8_t v = src[rows ? rows[k] : begin + k] ? 1 : 0;
            values_.push_back(v);
            seen_[v] = true;
        }
    }
    size_t value_bytes() const override { return values_.size() / 8; }
    Encoding encode_values(std::string& out) override {
        size_t start = out.size();
        out.resize(start + (values_.size() + 7) / 8, '\0');
        for (size_t i = 0; i < values_.size(); ++i)
            out[start + i / 8] = static_cast<char>(out[start + i / 8] | (values_[i] << (i % 8)));
        values_.clear();
        return Encoding::kPlain;
    }
    void statistics(parquet::Statistics& stats) const override {
        if (!seen_[0] && !seen_[1]) return;
        stats.min = std::string(1, seen_[0] ? '\0' : '\1');
        stats.max = std::string(1, seen_[1] ? '\1' : '\0');
    }
    void reset_chunk() override { seen_[0] = seen_[1] = false; }

  private:
    std::vector<uint8_t> values_;
    bool seen_[2] = {false, false};
};

// Values of physical type T (int32_t, int64_t, float, double, int128_t for FIXED_LEN_BYTE_ARRAY decimals,
// std::string_view for BYTE_ARRAY), dictionary-encoded until the dictionary grows too large.
template <typename T>
class TypedLeafWriter final : public LeafWriterBase {
  public:
    TypedLeafWriter(LeafSpec spec, const ParquetWriterOptions& options, PageCompressor& compressor)
        : LeafWriterBase(std::move(spec), options, compressor) {
        reset_chunk();
    }

  protected:
    void add_values(const Column& leaf, const uint32_t* rows, size_t begin, size_t count) override {
        if (count == 0) return;
        if constexpr (std::is_same_v<T, std::string_view>) {
            for (size_t k = 0; k < count; ++k) put(leaf.string_at(rows ? rows[k] : begin + k));
            return;
        } else {
            add_numeric(leaf, rows, begin, count);
        }
    }

    void add_numeric(const Column& leaf, const uint32_t* rows, size_t begin, size_t count) {
        switch (spec_.source) {
            case LeafSource::kI8:
                add_typed(leaf.values<int8_t>(), rows, begin, count);
                break;
            case LeafSource::kI16:
                add_typed(leaf.values<int16_t>(), rows, begin, count);
                break;
            case LeafSource::kI32:
                add_typed(leaf.values<int32_t>(), rows, begin, count);
                break;
            case LeafSource::kI64:
                add_typed(leaf.values<int64_t>(), rows, begin, count);
                break;
            case LeafSource::kI128:
                add_typed(leaf.values<int128_t>(), rows, begin, count);
                break;
            case LeafSource::kF32:
                add_typed(leaf.values<float>(), rows, begin, count);
                break;
            case LeafSource::kF64:
                add_typed(leaf.values<double>(), rows, begin, count);
                break;
            default:
                break;
        }
    }

    void after_values() override {
        if (!dictionary_mode_) return;
        // Fall back when the dictionary is too large, or when it is not paying off (nearly every value is
        // distinct). The pages so far stay dictionary-encoded; the rest of the chunk is PLAIN.
        constexpr size_t kRatioCheckValues = 32768;
        bool too_large = dictionary_.bytes() > options_.dictionary_bytes;
        bool too_distinct =
            dictionary_values_ >= kRatioCheckValues && dictionary_.size() * 10 > dictionary_values_ * 9;
        if (too_large || too_distinct) {
            flush_page();
            dictionary_mode_ = false;
        }
    }

    size_t value_bytes() const override {
        if (!dictionary_mode_) return plain_.size();
        return indices_.size() * bit_width_of(std::max<size_t>(dictionary_.size(), 2) - 1) / 8;
    }
    size_t dictionary_bytes() const override { return dictionary_.bytes(); }

    Encoding encode_values(std::string& out) override {
        if (!indices_.empty() || (dictionary_mode_ && plain_.empty())) {
            uint32_t width =
                std::max<uint32_t>(1, bit_width_of(dictionary_.size() ? dictionary_.size() - 1 : 0));
            out += static_cast<char>(width);
            rle_encode(indices_.data(), indices_.size(), width, out);
            indices_.clear();
            return Encoding::kPlainDictionary;
        }
        out += plain_;
        plain_.clear();
        return Encoding::kPlain;
    }

    uint32_t encode_dictionary(std::string& out) override {
        for (size_t i = 0; i < dictionary_.size(); ++i) append_plain(dictionary_.at(i), out);
        return static_cast<uint32_t>(dictionary_.size());
    }

    void statistics(parquet::Statistics& stats) const override {
        if (!has_min_max_ || too_long_) return;
        std::string min, max;
        if constexpr (std::is_same_v<T, std::string_view>) {
            min = min_string_;
            max = max_string_;
        } else {
            append_statistic(min_, true, min);
            append_statistic(max_, false, max);
        }
        stats.min = std::move(min);
        stats.max = std::move(max);
    }

    void reset_chunk() override {
        dictionary_.clear();
        indices_.clear();
        plain_.clear();
        dictionary_mode_ = options_.dictionary;
        dictionary_values_ = 0;
        has_min_max_ = false;
        too_long_ = false;
    }

  private:
    template <typename S>
    void add_typed(const S* src, const uint32_t* rows, size_t begin, size_t count) {
        if (rows) {
            for (size_t k = 0; k < count; ++k) put(static_cast<T>(src[rows[k]]));
        } else {
            for (size_t k = 0; k < count; ++k) put(static_cast<T>(src[begin + k]));
        }
    }

    void put(T v) {
        update_statistics(v);
        if (dictionary_mode_) {
            indices_.push_back(dictionary_.insert(v));
            ++dictionary_values_;
        } else {
            append_plain(v, plain_);
        }
    }

    void update_statistics(const T& v) {
        if constexpr (std::is_same_v<T, std::string_view>) {
            if (too_long_) return;
            if (v.size() > options_.max_statistics_string) {
                too_long_ = true;
                return;
            }
            if (!has_min_max_) {
                min_string_.assign(v);
                max_string_.assign(v);
                has_min_max_ = true;
            } else if (v < std::string_view(min_string_)) {
                min_string_.assign(v);
            } else if (v > std::string_view(max_string_)) {
                max_string_.assign(v);
            }
        } else {
            if constexpr (std::is_floating_point_v<T>) {
                if (std::isnan(v)) return;
            }
            if (!has_min_max_) {
                min_ = max_ = v;
                has_min_max_ = true;
            } else {
                if (v < min_) min_ = v;
                if (v > max_) max_ = v;
            }
        }
    }

    void append_statistic(T v, bool is_min, std::string& out) const {
        if constexpr (std::is_floating_point_v<T>) {
            // Zero bounds are written as -0.0 (min) and +0.0 (max) so that either zero lies within them.
            if (v == 0) v = is_min ? -T(0) : T(0);
        }
        append_plain_raw(v, out);
    }

    void append_plain(const T& v, std::string& out) const {
        if constexpr (std::is_same_v<T, std::string_view>) {
            append_u32_le(out, static_cast<uint32_t>(v.size()));
            out.append(v);
        } else {
            append_plain_raw(v, out);
        }
    }

    void append_plain_raw(const T& v, std::string& out) const {
        if constexpr (std::is_same_v<T, std::string_view>) {
            out.append(v);
        } else if constexpr (std::is_same_v<T, int128_t>) {
            // FIXED_LEN_BYTE_ARRAY: big-endian two's complement, type_length bytes.
            char bytes[16];
            auto u = static_cast<unsigned __int128>(v);
            for (int i = 15; i >= 0; --i) {
                bytes[i] = static_cast<char>(u & 0xFF);
                u >>= 8;
            }
            out.append(bytes + 16 - spec_.type_length, static_cast<size_t>(spec_.type_length));
        } else {
            out.append(reinterpret_cast<const char*>(&v), sizeof(T));
        }
    }

    Dictionary<T> dictionary_;
    std::vector<uint32_t> indices_;
    std::string plain_;
    bool dictionary_mode_ = true;
    size_t dictionary_values_ = 0;  // values dictionary-encoded in this chunk
    bool has_min_max_ = false, too_long_ = false;
    T min_{}, max_{};
    std::string min_string_, max_string_;
};

}  // namespace

std::unique_ptr<LeafWriterBase> make_leaf_writer(LeafSpec spec, const ParquetWriterOptions& options,
                                                 PageCompressor& compressor) {
    switch (spec.physical) {
        case PhysicalType::kBoolean:
            return std::make_unique<BoolLeafWriter>(std::move(spec), options, compressor);
        case PhysicalType::kInt32:
            return std::make_unique<TypedLeafWriter<int32_t>>(std::move(spec), options, compressor);
        case PhysicalType::kInt64:
            return std::make_unique<TypedLeafWriter<int64_t>>(std::move(spec), options, compressor);
        case PhysicalType::kFloat:
            return std::make_unique<TypedLeafWriter<float>>(std::move(spec), options, compressor);
        case PhysicalType::kDouble:
            return std::make_unique<TypedLeafWriter<double>>(std::move(spec), options, compressor);
        case PhysicalType::kFixedLenByteArray:
            return std::make_unique<TypedLeafWriter<int128_t>>(std::move(spec), options, compressor);
        default:
            return std::make_unique<TypedLeafWriter<std::string_view>>(std::move(spec), options, compressor);
    }
}

}  // namespace fedq
