// The files connector: CSV and JSON (newline-delimited or array) files on any FileSystem, addressed by
// path or glob ('data/*.csv', 'logs/**/*.jsonl.gz'). There is no catalog of tables: the binder calls
// resolve() for a path (table function or quoted path in FROM), which expands the glob, detects the
// format options and schema from the first file and packs everything a scan needs into
// TableHandle::properties, so plan_scan/read_split (possibly in another process) need no lookups.
//
// Scans: one split per file; uncompressed files above 2 MB are cut into byte ranges (CSV files whose
// sample had quoted newlines, and JSON array files, are never cut). Constraints are evaluated exactly
// on the parsed values (PushdownKind::kExact); a limit is applied per split.
// Thread-safety: stateless; all methods may be called concurrently.
#pragma once

#include <map>
#include <string>

#include "connector/connector.h"
#include "connectors/files/file_scan_options.h"
#include "io/file_system.h"

namespace fedq {

class ParquetReader;

// A table over an explicit file list with a known schema and format options (no globbing, no inference):
// what the lake connector builds for each file it scans. FilesConnector::make_handle packs it into a
// TableHandle that plan_scan / read_split accept like one from resolve().
struct FileTableSpec {
    FileFormat format = FileFormat::kCsv;
    Compression compression = Compression::kAuto;
    std::vector<FileInfo> files;
    std::vector<std::string> names;
    std::vector<Type> types;
    CsvDialect csv;                 // CSV: the dialect (header/skip, delimiter, null string, ...)
    bool csv_multiline = false;     // CSV: quoted newlines possible (files are then never cut in ranges)
    JsonFormat json_format = JsonFormat::kNewlineDelimited;
    bool ignore_errors = false;
    std::vector<size_t> parquet_columns;  // Parquet: the reader's column index of each column
    std::string s3_profile;         // s3:// files are read with this registered S3 profile ("" = default)
};

class FilesConnector final : public Connector {
  public:
    std::string type_name() const override { return "files"; }
    Capabilities capabilities() const override;

    std::vector<std::string> list_schemas() override { return {}; }
    TablePage list_tables(const std::string& schema, const std::string& page_token = "") override {
        return {};
    }
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override {
        return std::nullopt;
    }

    // `format`: "csv", "json" or "" (by extension: .csv .tsv .txt -> csv; .json .jsonl .ndjson -> json;
    // each optionally followed by .gz/.zst). Options (read_csv / read_json style): compression, columns,
    // types, sample_size, ignore_errors; CSV: delim (delimiter, sep), quote, escape, header, nullstr
    // (null, null_string), skip, comment, all_varchar; JSON: format ('auto'|'newline_delimited'|'array').
    TableInfo resolve(const std::string& path, const std::string& format,
                      const std::map<std::string, Value>& options);

    // Packs an explicit table (see FileTableSpec) into a handle for plan_scan / read_split.
    static TableHandle make_handle(const FileTableSpec& spec, const std::string& table_name);
    // Appends to `splits` one split per row group of Parquet file `file_index` of `handle` (opened as
    // `reader`) that the constraint's domains on the handle's columns may match (min/max statistics and
    // dictionaries). Returns the number of row groups pruned.
    static size_t plan_parquet_file(const TableHandle& handle, size_t file_index, const ParquetReader& reader,
                                    const Constraint& constraint, std::vector<Split>& splits);

    ScanPlan plan_scan(const ScanRequest& request) override;
    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override;

    // Splitting parameters (bytes).
    static constexpr uint64_t kMinSplitBytes = 2ull << 20;
    static constexpr uint64_t kMaxSplitBytes = 64ull << 20;
};

}  // namespace fedq
