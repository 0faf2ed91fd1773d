// Parquet writer: fedq Batches to a Parquet file (format 1.0 layout readable by every reader: data page v1,
// RLE definition/repetition levels, dictionary encoding with PLAIN fallback, snappy/zstd/gzip/none).
//
// Columns are buffered per row group: each leaf column encodes its pages (~page_bytes each) as batches
// arrive, straight from the column buffers (no per-value allocation; the dictionary is an open-addressing
// table over reused storage). A row group is flushed when it reaches row_group_rows rows or about
// row_group_bytes encoded bytes. Every column is OPTIONAL. Types: BOOLEAN, TINYINT/SMALLINT/INTEGER (INT32
// with INT(8/16) annotations), BIGINT, REAL, DOUBLE, DECIMAL (INT32/INT64/FIXED_LEN_BYTE_ARRAY by
// precision), VARCHAR (STRING), JSON, VARBINARY, DATE, TIMESTAMP (micros, local), TIMESTAMP WITH TIME ZONE
// (micros, UTC); ARRAY of a primitive (3-level LIST) and ROW of primitives (one level). INTERVAL and deeper
// nesting raise kNotSupported naming the column (at construction).
//
// The writer appends to a WritableFile and never commits it: the caller commits after finish() (or aborts).
// Not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "formats/parquet_metadata.h"
#include "io/file_system.h"
#include "vector/column.h"

namespace fedq {

struct ParquetWriterOptions {
    parquet::Codec compression = parquet::Codec::kSnappy;  // kUncompressed, kSnappy, kGzip, kZstd
    int compression_level = 0;                             // 0 = the codec's default
    size_t row_group_rows = 122880 * 8;
    size_t row_group_bytes = size_t(128) << 20;
    size_t page_bytes = size_t(1) << 20;
    bool dictionary = true;
    // A chunk falls back to PLAIN when its dictionary grows beyond this, or when over 90% of its first 32768+
    // values are distinct.
    size_t dictionary_bytes = size_t(1) << 20;
    bool statistics = true;
    size_t max_statistics_string = 64;  // string/binary columns with a longer value get no min/max
};

// "snappy", "zstd", "gzip", "none"/"uncompressed" (any case) -> codec; kInvalidParameter otherwise.
parquet::Codec parse_parquet_compression(const std::string& name);

class ParquetWriter {
  public:
    ParquetWriter(WritableFile& out, std::vector<std::string> names, std::vector<Type> types,
                  ParquetWriterOptions options = {});
    ~ParquetWriter();
    ParquetWriter(const ParquetWriter&) = delete;
    ParquetWriter& operator=(const ParquetWriter&) = delete;

    // Appends the batch's rows (columns in schema order, of the schema's types).
    void write(const Batch& batch);
    // Flushes the last row group and writes the footer and the trailing "PAR1". Does not commit `out`.
    void finish();

    uint64_t rows_written() const { return rows_; }

    class LeafWriter;      // one per Parquet leaf column (parquet_writer.cpp)
    class PageCompressor;  // shared by the leaves

  private:
    void flush_row_group();
    size_t buffered_bytes() const;

    WritableFile& out_;
    std::vector<std::string> names_;
    std::vector<Type> types_;
    ParquetWriterOptions options_;
    parquet::FileMetaData metadata_;
    std::unique_ptr<PageCompressor> compressor_;
    // Leaf writers in schema order; top-level column c owns leaves [leaf_begin_[c], leaf_begin_[c + 1]).
    std::vector<std::unique_ptr<LeafWriter>> leaves_;
    std::vector<size_t> leaf_begin_;
    uint64_t offset_ = 0;  // bytes written to out_
    uint64_t rows_ = 0;
    size_t row_group_rows_ = 0;
    bool finished_ = false;
};

}  // namespace fedq
