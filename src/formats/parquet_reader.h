// Parquet reader: footer + Thrift metadata (parquet_metadata.h), column chunks read by ranged reads of only
// the projected columns, pages decompressed (snappy, gzip, zstd, lz4, lz4_raw) and decoded (PLAIN,
// dictionary, RLE/bit-packed levels, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
// BYTE_STREAM_SPLIT; data page v1 and v2) straight into fedq Columns.
//
// Scope: top-level primitive columns (required or optional), one-level STRUCTs of primitive fields and LISTs
// of primitive elements (3-level and legacy 2-level layouts). Other shapes (MAP, deeper nesting) are listed
// in the schema with `supported = false` and raise kNotSupported if read. Row groups are independent splits:
// read_row_group() is const and may be called from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/parquet_metadata.h"
#include "io/file_system.h"
#include "types/value.h"
#include "vector/column.h"

namespace fedq {

struct ParquetColumn {
    std::string name;
    Type type;
    bool supported = true;  // false: nested or unsupported physical/logical type (reading it raises)
    std::string unsupported_reason;
    int leaf = -1;          // index of the (first) column chunk in each row group
    int schema_index = -1;  // index in FileMetaData::schema
    // Flat: definition level of a present value; STRUCT/LIST: 1 if the group itself is optional, else 0.
    int max_definition_level = 0;
    enum class Shape : uint8_t { kFlat, kStruct, kList };
    Shape shape = Shape::kFlat;
    std::vector<int> child_schema;   // STRUCT: field leaves; LIST: the element leaf (schema indexes)
    std::vector<int> child_max_def;  // their maximum definition levels
};

struct ParquetColumnStats {
    std::optional<Value> min, max;  // absent when the file has no usable statistics
    std::optional<int64_t> null_count;
};

class ParquetReader {
  public:
    // Opens `path` through the filesystem layer and reads the footer. kIo if it cannot be opened, kBadFile
    // (naming the file) if the footer is malformed.
    static std::unique_ptr<ParquetReader> open(const std::string& path);
    explicit ParquetReader(std::shared_ptr<RandomAccessFile> file);

    const std::string& path() const { return path_; }
    const std::vector<ParquetColumn>& columns() const { return columns_; }
    const parquet::FileMetaData& metadata() const { return metadata_; }
    size_t num_row_groups() const { return metadata_.row_groups.size(); }
    int64_t row_group_rows(size_t row_group) const { return metadata_.row_groups.at(row_group).num_rows; }
    int64_t num_rows() const { return metadata_.num_rows; }

    // min/max statistics of one column in one row group as fedq Values of the column's type.
    ParquetColumnStats statistics(size_t row_group, size_t column) const;
    // Dictionary values of a column chunk if every data page of it is dictionary-encoded (so the set of
    // values in the chunk is within the dictionary); nullopt otherwise (or if the dictionary holds more than
    // `max_values` entries). Used to prune row groups by equality constraints. Reads only the dictionary
    // page.
    std::optional<std::vector<Value>> dictionary_values(size_t row_group, size_t column,
                                                        size_t max_values = 100000) const;

    // Reads the projected columns (indexes into columns()) of one row group as batches of at most
    // `batch_rows` rows. Thread-safe.
    std::vector<Batch> read_row_group(size_t row_group, const std::vector<size_t>& projection,
                                      size_t batch_rows = kDefaultBatchRows) const;
    // Reads one column of one row group as a single Column.
    ColumnPtr read_column(size_t row_group, size_t column) const;

  private:
    void build_schema();
    // Decodes one leaf column chunk: one entry per level entry (NULL where def < max_def); levels optionally
    // returned.
    ColumnPtr read_leaf(size_t row_group, int leaf, int schema_index, uint32_t max_def, uint32_t max_rep,
                        std::vector<uint32_t>* all_defs, std::vector<uint32_t>* all_reps) const;

    std::shared_ptr<RandomAccessFile> file_;
    std::string path_;
    parquet::FileMetaData metadata_;
    std::vector<ParquetColumn> columns_;
};

}  // namespace fedq
