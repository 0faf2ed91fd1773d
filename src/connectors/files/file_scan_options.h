// Option parsing for the files connector: the user's read_csv/read_json style options (a map of SQL
// values) into typed CsvOptions/JsonOptions, and the JSON encoding of a detected schema and dialect
// that travels in TableHandle::properties.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "formats/csv_reader.h"
#include "formats/json_reader.h"
#include "io/input_stream.h"

namespace fedq {

enum class FileFormat : uint8_t { kCsv, kJson, kParquet };

struct FileScanOptions {
    FileFormat format = FileFormat::kCsv;
    Compression compression = Compression::kAuto;
    CsvOptions csv;
    JsonOptions json;
};

// "csv" / "json" / "" (detect from `path`'s extension). kInvalidParameter if unknown or undetectable.
FileFormat resolve_file_format(const std::string& format, const std::string& path);
// Parses the options map; unknown options and bad values -> kInvalidParameter.
FileScanOptions parse_file_scan_options(FileFormat format, const std::map<std::string, Value>& options);
// "id INTEGER, name VARCHAR, price DECIMAL(10,2)" -> [(id, INTEGER), ...]
std::vector<std::pair<std::string, Type>> parse_column_list(const std::string& text);

nlohmann::json csv_dialect_to_json(const CsvDialect& dialect);
CsvDialect csv_dialect_from_json(const nlohmann::json& j);

}  // namespace fedq
