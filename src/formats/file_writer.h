// File writers: a query result written as CSV, JSON lines or Parquet into a WritableFile (the sink behind
// CREATE TABLE AS / INSERT into files and the CLI's file output).
//
//   csv      RFC 4180: a field is quoted when it holds the delimiter, a quote, CR or LF, starts or ends with
//            a space, is empty, or equals the NULL text; quotes inside are doubled. NULL is an empty unquoted
//            field (or the `null` option's text), so an empty string ("") stays distinct from NULL. Values
//            render as the CLI prints them (formats/value_text.h). Options: header=true|false (default
//            true), delimiter=',' (one character, or "tab"), null='', compression=none|gzip|zstd (default:
//            from the file name, e.g. ".csv.gz").
//   json     JSON lines: one object per row, typed (numbers as numbers, strings escaped, NULL as null, nested
//            values as arrays/objects). Options: compression (as for csv).
//   parquet  formats/parquet_writer.h. Options: compression=snappy|zstd|gzip|none (default snappy),
//            row_group_size=<rows>, page_size=<bytes>, dictionary=true|false.
// Option names are case-insensitive; an unknown option or value raises kInvalidParameter.
//
// finish() flushes everything (compression trailer, Parquet footer) but does not commit the file: the
// caller commits it (or aborts it on error). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/file_system.h"
#include "vector/column.h"

namespace fedq {

enum class FileFormat : uint8_t { kCsv, kJson, kParquet };

// "csv", "json" (also "jsonl", "ndjson"), "parquet" (any case); kInvalidParameter otherwise.
FileFormat parse_file_format(std::string_view name);
// The usual file extension: ".csv", ".json", ".parquet".
const char* file_format_extension(FileFormat format);

class FileWriter {
  public:
    virtual ~FileWriter() = default;
    // Appends the batch's rows (columns in the writer's schema order and types).
    virtual void write(const Batch& batch) = 0;
    // Writes what is buffered and the format's trailer. Call once; does not commit the file.
    virtual void finish() = 0;
    uint64_t rows_written() const { return rows_; }

  protected:
    uint64_t rows_ = 0;
};

std::unique_ptr<FileWriter> make_file_writer(FileFormat format,
                                             const std::map<std::string, std::string>& options,
                                             const std::vector<std::string>& names,
                                             const std::vector<Type>& types, WritableFile& out);
std::unique_ptr<FileWriter> make_file_writer(const std::string& format,
                                             const std::map<std::string, std::string>& options,
                                             const std::vector<std::string>& names,
                                             const std::vector<Type>& types, WritableFile& out);

}  // namespace fedq
