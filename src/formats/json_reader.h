// JSON: newline-delimited objects (one per line) or one top-level array of objects. sniff_json infers
// the columns (union of keys in order of first appearance) and their types from a sample; JsonReader
// parses with simdjson straight into Columns (nested objects -> ROW, arrays -> ARRAY, values whose
// types conflict -> JSON text). Newline-delimited files can be read in byte ranges like CSV (a JSON
// line cannot contain a raw newline); array files are read whole.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "formats/csv_reader.h"  // ByteRange
#include "io/input_stream.h"
#include "vector/column.h"

namespace fedq {

enum class JsonFormat : uint8_t { kAuto, kNewlineDelimited, kArray };

JsonFormat parse_json_format(std::string_view text);  // auto | newline_delimited (ndjson) | array
const char* json_format_name(JsonFormat format);

struct JsonOptions {
    JsonFormat format = JsonFormat::kAuto;
    size_t sample_size = 20480;
    bool ignore_errors = false;
    std::vector<std::pair<std::string, Type>> columns;  // explicit schema: only these keys are read
    std::vector<std::pair<std::string, Type>> types;    // type overrides by key
};

struct JsonSchema {
    JsonFormat format = JsonFormat::kNewlineDelimited;  // resolved (never kAuto)
    std::vector<std::string> names;
    std::vector<Type> types;
    bool ignore_errors = false;
};

JsonSchema sniff_json(InputStream& input, const JsonOptions& options);

class JsonReader {
  public:
    using LineLocator = std::function<uint64_t(uint64_t offset)>;  // newlines before `offset`

    // Same input/range contract as CsvReader (ranges only for newline-delimited files).
    JsonReader(std::unique_ptr<InputStream> input, JsonSchema schema, std::vector<size_t> projection,
               size_t batch_rows, ByteRange range = {}, LineLocator line_locator = nullptr);
    ~JsonReader();

    bool next(Batch& batch);
    uint64_t rows_read() const;
    uint64_t source_bytes_read() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace fedq
