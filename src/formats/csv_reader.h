// CSV: dialect and schema detection (sniff_csv) and a fast reader that parses straight into Columns.
//
// Reading model: the input is consumed in large blocks; each row is tokenized once (SIMD search for the
// delimiter/newline, quoted fields handled in place) into a column-major table of field slices for a
// chunk of rows; then each wanted column is converted by one type-specific loop over the chunk. Values
// go directly into the column buffers (no std::string per field, no per-value virtual calls).
//
// Byte ranges: an uncompressed file can be read as several ranges. A range reader that does not start
// at 0 skips to the first line start after its begin offset and reads every row that *starts* before
// its end offset (so the row crossing the end is read by exactly one range). Files whose quoted fields
// contain newlines must not be split (CsvSchema::multiline_fields tells).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/input_stream.h"
#include "vector/column.h"

namespace fedq {

struct CsvOptions {
    std::optional<char> delimiter;  // nullopt: detect among , | ; TAB
    char quote = '"';
    std::optional<char> escape;              // nullopt: same as quote ("" inside quotes)
    std::optional<bool> header;              // nullopt: detect
    std::optional<std::string> null_string;  // nullopt: an empty unquoted field is NULL
    size_t skip = 0;                         // physical lines skipped at the start of every file
    std::optional<char> comment;             // lines starting with it are skipped
    size_t sample_size = 20480;              // rows sampled for type inference
    bool all_varchar = false;
    bool ignore_errors = false;                         // skip bad rows instead of failing
    std::vector<std::pair<std::string, Type>> columns;  // explicit names and types (all columns)
    std::vector<std::pair<std::string, Type>> types;    // type overrides by column name
};

struct CsvDialect {
    char delimiter = ',';
    char quote = '"';
    char escape = '"';
    char comment = 0;  // 0 = none
    bool header = false;
    size_t skip = 0;
    bool has_null_string = false;
    std::string null_string;
    bool ignore_errors = false;
};

struct CsvSchema {
    CsvDialect dialect;
    std::vector<std::string> names;
    std::vector<Type> types;
    bool multiline_fields = false;  // quoted fields with embedded newlines were seen in the sample
};

// Detects the dialect (unless given), whether there is a header and the column types, from the first
// `options.sample_size` rows of `input`. `file_name` is used in error messages.
CsvSchema sniff_csv(InputStream& input, const CsvOptions& options);

// A byte range of a file to read (see the top comment).
struct ByteRange {
    uint64_t begin = 0;
    uint64_t end = std::numeric_limits<uint64_t>::max();  // rows starting at or after it are not read
};

class CsvReader {
  public:
    using Range = ByteRange;
    // Number of newlines in the stream before `offset`; used only to report physical line numbers of
    // errors in ranges that start in the middle of a file (without it, lines count from the range).
    using LineLocator = std::function<uint64_t(uint64_t offset)>;

    // `input` must start at stream offset 0, or for range.begin > 0 at range.begin - 1 (an uncompressed
    // FileInputStream over [begin - 1, file end)). `projection` lists the file column indexes to produce, in
    // output order.
    CsvReader(std::unique_ptr<InputStream> input, CsvSchema schema, std::vector<size_t> projection,
              size_t batch_rows, Range range = {}, LineLocator line_locator = nullptr);
    ~CsvReader();

    // Next batch of at most batch_rows rows (fewer only at the end, or when ignore_errors dropped rows).
    bool next(Batch& batch);

    uint64_t rows_read() const { return rows_read_; }
    uint64_t source_bytes_read() const { return input_->source_bytes_read(); }

  private:
    struct Field {
        uint32_t start;
        uint32_t length;  // high bit: the field was quoted
    };
    static constexpr uint32_t kQuotedBit = 0x80000000u;
    enum class RowStatus { kRow, kSkipped, kNeedMore, kEnd };

    bool refill();
    void start_stream();
    RowStatus scan_row();
    void flush_chunk();
    void convert_column(size_t file_column, Column& out);
    [[noreturn]] void fail_row(uint64_t relative_line, const std::string& what);
    [[noreturn]] void fail_value(size_t chunk_row, size_t file_column, std::string_view text);
    bool row_error(uint64_t relative_line, const std::string& what);  // false if ignored
    uint64_t physical_line(uint64_t relative_line);

    std::unique_ptr<InputStream> input_;
    CsvSchema schema_;
    CsvDialect dialect_;
    std::vector<size_t> projection_;
    size_t batch_rows_;
    Range range_;
    LineLocator line_locator_;
    size_t num_columns_;

    std::vector<char> buffer_;
    size_t position_ = 0;         // next unread byte in buffer_
    size_t end_ = 0;              // valid bytes in buffer_
    uint64_t buffer_offset_ = 0;  // stream offset of buffer_[0]
    bool eof_ = false;
    bool last_read_filled_ = false;
    bool started_ = false;
    bool finished_ = false;
    uint64_t line_ = 0;  // newlines consumed since the reader's start
    uint64_t first_row_offset_ = 0;

    // The chunk of tokenized rows not yet converted (column-major: fields_[column * batch_rows_ + row]).
    std::vector<Field> fields_;
    std::vector<uint64_t> chunk_lines_;
    std::vector<uint8_t> escaped_;  // per column of the current row: needs unescaping
    size_t chunk_rows_ = 0;
    std::vector<ColumnPtr> outputs_;
    std::vector<int> output_of_column_;  // file column -> output index or -1
    std::vector<uint8_t> bad_rows_;      // per chunk row (ignore_errors)
    std::vector<uint32_t> dropped_;      // batch rows dropped by ignore_errors
    size_t batch_filled_ = 0;
    uint64_t rows_read_ = 0;
};

}  // namespace fedq
