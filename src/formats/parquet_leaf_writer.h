// Internal to the Parquet writer (parquet_writer.cpp, parquet_leaf_writer.cpp): one LeafWriter per Parquet
// leaf column buffers the current row group — level entries and values of the open page, and the encoded,
// compressed pages of the column chunk — and writes the chunk (dictionary page first) when the row group is
// flushed. Subclasses (parquet_leaf_writer.cpp) encode the values of one physical type; the shape (flat,
// STRUCT field, LIST element) is handled here, once per batch slice, never per value through a virtual call.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet_metadata.h"
#include "formats/parquet_thrift_writer.h"
#include "formats/parquet_write_encoding.h"
#include "formats/parquet_writer.h"

typedef struct ZSTD_CCtx_s ZSTD_CCtx;

namespace fedq {

namespace parquet {

// How the values of a leaf are read from the fedq column.
enum class LeafSource : uint8_t { kNull, kBool, kI8, kI16, kI32, kI64, kI128, kF32, kF64, kString };
enum class LeafShape : uint8_t { kFlat, kStruct, kList };

struct LeafSpec {
    PhysicalType physical = PhysicalType::kInt32;
    int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY
    LeafSource source = LeafSource::kI32;
    LeafShape shape = LeafShape::kFlat;
    size_t field = 0;  // STRUCT: child index
    uint32_t max_def = 1, max_rep = 0;
    std::vector<std::string> path;
};

// Physical type, logical annotation and value source of a primitive fedq type (and fills the leaf's schema
// element); nullopt if the type cannot be written.
std::optional<LeafSpec> primitive_spec(const Type& type, SchemaElement& element);

}  // namespace parquet

// Page compression (one per writer, shared by its leaves).
class ParquetWriter::PageCompressor {
  public:
    PageCompressor(parquet::Codec codec, int level);
    ~PageCompressor();
    PageCompressor(const PageCompressor&) = delete;
    PageCompressor& operator=(const PageCompressor&) = delete;
    // The compressed bytes of `in` (a view of `in` itself when uncompressed; valid until the next call).
    std::string_view compress(std::string_view in);

  private:
    parquet::Codec codec_;
    int level_;
    ZSTD_CCtx* zstd_ = nullptr;
    std::string buffer_;
};

// Buffers one leaf column of the current row group: level entries and values of the open page, and the
// encoded (compressed) pages of the chunk. Subclasses encode values of one physical type.
class ParquetWriter::LeafWriter {
  public:
    LeafWriter(parquet::LeafSpec spec, const ParquetWriterOptions& options, PageCompressor& compressor)
        : spec_(std::move(spec)), options_(options), compressor_(compressor) {}
    virtual ~LeafWriter() = default;

    // Adds rows [begin, end) of the top-level column this leaf belongs to.
    void add_rows(const Column& top, size_t begin, size_t end) {
        rows_.clear();
        switch (spec_.shape) {
            case parquet::LeafShape::kFlat: {
                if (spec_.source == parquet::LeafSource::kNull) {
                    defs_.insert(defs_.end(), end - begin, 0);
                    null_count_ += end - begin;
                    break;
                }
                const uint8_t* valid = top.validity();
                if (!valid) {
                    defs_.insert(defs_.end(), end - begin, 1);
                    add_values(top, nullptr, begin, end - begin);
                    break;
                }
                for (size_t r = begin; r < end; ++r) {
                    defs_.push_back(valid[r] ? 1 : 0);
                    if (valid[r]) rows_.push_back(static_cast<uint32_t>(r));
                }
                null_count_ += (end - begin) - rows_.size();
                add_values(top, rows_.data(), 0, rows_.size());
                break;
            }
            case parquet::LeafShape::kStruct: {
                const Column& child = top.children()[spec_.field];
                for (size_t r = begin; r < end; ++r) {
                    if (top.is_null(r)) {
                        defs_.push_back(0);
                    } else if (spec_.source == parquet::LeafSource::kNull || child.is_null(r)) {
                        defs_.push_back(1);
                    } else {
                        defs_.push_back(2);
                        rows_.push_back(static_cast<uint32_t>(r));
                    }
                }
                null_count_ += (end - begin) - rows_.size();
                add_values(child, rows_.data(), 0, rows_.size());
                break;
            }
            case parquet::LeafShape::kList: {
                const Column& elements = top.children()[0];
                const int32_t* offsets = top.offsets();
                size_t entries = 0;
                for (size_t r = begin; r < end; ++r) {
                    if (top.is_null(r)) {
                        defs_.push_back(0);
                        reps_.push_back(0);
                        ++entries;
                        continue;
                    }
                    int32_t first = offsets[r], last = offsets[r + 1];
                    if (last <= first) {
                        defs_.push_back(1);
                        reps_.push_back(0);
                        ++entries;
                        continue;
                    }
                    for (int32_t k = first; k < last; ++k) {
                        reps_.push_back(k == first ? 0 : 1);
                        ++entries;
                        if (spec_.source == parquet::LeafSource::kNull || elements.is_null(k)) {
                            defs_.push_back(2);
                        } else {
                            defs_.push_back(3);
                            rows_.push_back(static_cast<uint32_t>(k));
                        }
                    }
                }
                null_count_ += entries - rows_.size();
                add_values(elements, rows_.data(), 0, rows_.size());
                break;
            }
        }
        after_values();
        if (page_bytes() >= options_.page_bytes) flush_page();
    }

    // Bytes buffered for the row group so far (encoded pages plus the open page and dictionary).
    size_t buffered_bytes() const { return chunk_.size() + page_bytes() + dictionary_bytes(); }

    // Writes the chunk (dictionary page first) to `out` at `offset` and returns its metadata; resets the
    // writer for the next row group.
    parquet::ColumnChunk finish_chunk(WritableFile& out, uint64_t& offset) {
        flush_page();
        parquet::ColumnChunk chunk;
        chunk.file_offset = static_cast<int64_t>(offset);
        parquet::ColumnMetaData meta;
        meta.type = spec_.physical;
        meta.path = spec_.path;
        meta.codec = options_.compression;
        meta.num_values = chunk_values_;
        int64_t uncompressed = chunk_uncompressed_;
        if (dictionary_pages_ > 0) {
            page_.clear();
            uint32_t count = encode_dictionary(page_);
            std::string_view compressed = compressor_.compress(page_);
            parquet::PageHeader header;
            header.type = parquet::PageType::kDictionaryPage;
            header.uncompressed_page_size = static_cast<int32_t>(page_.size());
            header.compressed_page_size = static_cast<int32_t>(compressed.size());
            header.dictionary = parquet::DictionaryPageHeader{static_cast<int32_t>(count),
                                                              parquet::Encoding::kPlainDictionary};
            header_.clear();
            parquet::write_page_header(header, header_);
            out.append(header_);
            out.append(compressed);
            meta.dictionary_page_offset = static_cast<int64_t>(offset);
            meta.encoding_stats.emplace_back(parquet::PageType::kDictionaryPage,
                                             parquet::Encoding::kPlainDictionary);
            uint64_t size = header_.size() + compressed.size();
            offset += size;
            uncompressed += static_cast<int64_t>(header_.size() + page_.size());
            meta.total_compressed_size += static_cast<int64_t>(size);
        }
        meta.data_page_offset = static_cast<int64_t>(offset);
        out.append(chunk_);
        offset += chunk_.size();
        meta.total_compressed_size += static_cast<int64_t>(chunk_.size());
        meta.total_uncompressed_size = uncompressed;
        meta.encodings.push_back(parquet::Encoding::kRle);
        if (dictionary_pages_ > 0) {
            meta.encodings.push_back(parquet::Encoding::kPlainDictionary);
            meta.encoding_stats.emplace_back(parquet::PageType::kDataPage,
                                             parquet::Encoding::kPlainDictionary);
        }
        if (plain_pages_ > 0 || dictionary_pages_ == 0) {
            meta.encodings.push_back(parquet::Encoding::kPlain);
            meta.encoding_stats.emplace_back(parquet::PageType::kDataPage, parquet::Encoding::kPlain);
        }
        if (options_.statistics) {
            parquet::Statistics stats;
            stats.null_count = static_cast<int64_t>(null_count_);
            statistics(stats);
            meta.statistics = std::move(stats);
        }
        chunk.meta = std::move(meta);
        // Reset for the next row group.
        chunk_.clear();
        chunk_values_ = 0;
        chunk_uncompressed_ = 0;
        dictionary_pages_ = plain_pages_ = 0;
        null_count_ = 0;
        reset_chunk();
        return chunk;
    }

  protected:
    // Appends the values of leaf rows (rows ? rows[0..count) : [begin, begin + count)) of `leaf`.
    virtual void add_values(const Column& leaf, const uint32_t* rows, size_t begin, size_t count) = 0;
    // Called after each add_rows (dictionary size check).
    virtual void after_values() {}
    virtual size_t value_bytes() const = 0;
    virtual size_t dictionary_bytes() const { return 0; }
    // Appends the page's encoded values, clears them, and returns the encoding used.
    virtual parquet::Encoding encode_values(std::string& out) = 0;
    // Dictionary page payload (PLAIN values); returns the entry count.
    virtual uint32_t encode_dictionary(std::string& out) { return 0; }
    virtual void statistics(parquet::Statistics& stats) const {}
    virtual void reset_chunk() = 0;

    size_t page_bytes() const { return defs_.size() / 4 + reps_.size() / 4 + value_bytes(); }

    void flush_page() {
        if (defs_.empty()) return;
        page_.clear();
        if (spec_.max_rep > 0) append_levels(reps_.data(), reps_.size(), spec_.max_rep);
        if (spec_.max_def > 0) append_levels(defs_.data(), defs_.size(), spec_.max_def);
        parquet::Encoding encoding = encode_values(page_);
        if (encoding == parquet::Encoding::kPlainDictionary) {
            ++dictionary_pages_;
        } else {
            ++plain_pages_;
        }
        std::string_view compressed = compressor_.compress(page_);
        parquet::PageHeader header;
        header.type = parquet::PageType::kDataPage;
        header.uncompressed_page_size = static_cast<int32_t>(page_.size());
        header.compressed_page_size = static_cast<int32_t>(compressed.size());
        header.data = parquet::DataPageHeader{static_cast<int32_t>(defs_.size()), encoding,
                                              parquet::Encoding::kRle, parquet::Encoding::kRle};
        size_t before = chunk_.size();
        parquet::write_page_header(header, chunk_);
        chunk_uncompressed_ += static_cast<int64_t>(chunk_.size() - before + page_.size());
        chunk_.append(compressed);
        chunk_values_ += static_cast<int64_t>(defs_.size());
        defs_.clear();
        reps_.clear();
    }

    parquet::LeafSpec spec_;
    const ParquetWriterOptions& options_;

  private:
    void append_levels(const uint8_t* levels, size_t count, uint32_t max_level) {
        size_t length_at = page_.size();
        parquet::append_u32_le(page_, 0);
        parquet::rle_encode(levels, count, parquet::bit_width_of(max_level), page_);
        uint32_t length = static_cast<uint32_t>(page_.size() - length_at - 4);
        std::memcpy(page_.data() + length_at, &length, 4);
    }

    PageCompressor& compressor_;
    std::vector<uint8_t> defs_, reps_;  // level entries of the open page
    std::vector<uint32_t> rows_;        // scratch: leaf rows holding values
    std::string page_, header_;         // scratch
    std::string chunk_;                 // encoded data pages of the row group
    int64_t chunk_values_ = 0, chunk_uncompressed_ = 0;
    size_t dictionary_pages_ = 0, plain_pages_ = 0;
    uint64_t null_count_ = 0;
};

std::unique_ptr<ParquetWriter::LeafWriter> make_leaf_writer(parquet::LeafSpec spec,
                                                            const ParquetWriterOptions& options,
                                                            ParquetWriter::PageCompressor& compressor);

}  // namespace fedq
