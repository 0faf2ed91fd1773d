#include "connectors/files/files_connector.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "connectors/files/domain_filter.h"
#include "connectors/files/file_scan_options.h"
#include "vector/gather.h"
#include "formats/csv_reader.h"
#include "formats/json_reader.h"
#include "formats/parquet_reader.h"
#include "io/file_system.h"
#include "io/input_stream.h"

namespace fedq {

namespace {

using json = nlohmann::json;

std::string format_bytes(double bytes) {
    if (bytes < 1024) return fmt::format("{} bytes", static_cast<uint64_t>(bytes));
    if (bytes < 1024.0 * 1024) return fmt::format("{:.0f} KB", bytes / 1024);
    if (bytes < 1024.0 * 1024 * 1024) return fmt::format("{:.0f} MB", bytes / (1024.0 * 1024));
    return fmt::format("{:.1f} GB", bytes / (1024.0 * 1024 * 1024));
}

std::string base_name(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Everything a scan needs, decoded from TableHandle::properties.
struct ScanTable {
    FileFormat format = FileFormat::kCsv;
    Compression compression = Compression::kAuto;
    std::vector<FileInfo> files;
    std::vector<std::string> names;
    std::vector<Type> types;
    CsvDialect dialect;
    bool multiline = false;
    JsonFormat json_format = JsonFormat::kNewlineDelimited;
    bool ignore_errors = false;
    std::vector<size_t> parquet_columns;  // Parquet: the reader's column index of each table column
    std::string s3_profile;               // S3 settings to read s3:// files with ("" = the environment's)

    static ScanTable from(const TableHandle& handle) {
        const json& p = handle.properties;
        if (!p.is_object() || !p.contains("files")) {
            raise(ErrorCode::kInternal, "files connector: table handle '{}' has no file list", handle.table);
        }
        ScanTable t;
        const std::string format = p.at("format").get<std::string>();
        t.format = format == "json" ? FileFormat::kJson : format == "parquet" ? FileFormat::kParquet : FileFormat::kCsv;
        t.compression = parse_compression(p.at("compression").get<std::string>());
        t.s3_profile = p.value("s3_profile", std::string());
        for (const auto& f : p.at("files"))
            t.files.push_back({f.at("path").get<std::string>(), f.at("size").get<uint64_t>()});
        for (const auto& c : p.at("columns")) {
            t.names.push_back(c.at("name").get<std::string>());
            t.types.push_back(type_from_json(c.at("type")));
        }
        if (t.format == FileFormat::kParquet) {
            for (const auto& index : p.at("parquet_columns")) t.parquet_columns.push_back(index.get<size_t>());
        } else if (t.format == FileFormat::kCsv) {
            t.dialect = csv_dialect_from_json(p.at("csv"));
            t.multiline = p.at("csv").value("multiline", false);
            t.ignore_errors = t.dialect.ignore_errors;
        } else {
            t.json_format = parse_json_format(p.at("json").at("format").get<std::string>());
            t.ignore_errors = p.at("json").value("ignore_errors", false);
        }
        return t;
    }

    // Column index by name: exact match first, then case-insensitive.
    std::optional<size_t> find(const std::string& name) const {
        for (size_t i = 0; i < names.size(); ++i) {
            if (names[i] == name) return i;
        }
        auto lower = [](std::string s) {
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        std::string wanted = lower(name);
        for (size_t i = 0; i < names.size(); ++i) {
            if (lower(names[i]) == wanted) return i;
        }
        return std::nullopt;
    }

    bool splittable(const FileInfo& file) const {
        if (format == FileFormat::kParquet) return false;  // split by row groups instead
        if (resolve_compression(compression, file.path) != Compression::kNone) return false;
        if (format == FileFormat::kCsv) return !multiline;
        return json_format == JsonFormat::kNewlineDelimited;
    }
};

// Newlines before `offset` in a file (only called to report an error's physical line).
uint64_t count_newlines_before(const std::string& path, const std::string& s3_profile, uint64_t offset) {
    auto file = get_file_system(path, s3_profile).open(path);
    std::vector<char> block(1 << 20);
    uint64_t count = 0, position = 0;
    while (position < offset) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(block.size(), offset - position));
        size_t n = file->read_at(position, want, block.data());
        if (n == 0) break;
        count += static_cast<uint64_t>(std::count(block.data(), block.data() + n, '\n'));
        position += n;
    }
    return count;
}

std::unique_ptr<ParquetReader> open_parquet(const std::string& path, const std::string& s3_profile) {
    std::shared_ptr<RandomAccessFile> file = get_file_system(path, s3_profile).open(path);
    return std::make_unique<ParquetReader>(std::move(file));
}

// The format reader behind a split (CSV or JSON), behind one virtual call per batch.
class FormatReader {
  public:
    virtual ~FormatReader() = default;
    virtual bool next(Batch& batch) = 0;
    virtual uint64_t source_bytes_read() const = 0;
};

template <typename Reader>
class FormatReaderOf final : public FormatReader {
  public:
    explicit FormatReaderOf(std::unique_ptr<Reader> reader) : reader_(std::move(reader)) {}
    bool next(Batch& batch) override { return reader_->next(batch); }
    uint64_t source_bytes_read() const override { return reader_->source_bytes_read(); }

  private:
    std::unique_ptr<Reader> reader_;
};

// One row group of a Parquet file (the projected column chunks only).
class ParquetRowGroupReader final : public FormatReader {
  public:
    ParquetRowGroupReader(std::unique_ptr<ParquetReader> reader, size_t row_group, std::vector<size_t> projection,
                          size_t batch_rows)
        : reader_(std::move(reader)), row_group_(row_group), projection_(std::move(projection)), batch_rows_(batch_rows) {}
    bool next(Batch& batch) override {
        if (!loaded_) {
            loaded_ = true;
            if (projection_.empty()) {
                // No column wanted (count(*)): rows without columns.
                int64_t rows = reader_->row_group_rows(row_group_);
                for (int64_t done = 0; done < rows; done += static_cast<int64_t>(batch_rows_)) {
                    Batch b;
                    b.num_rows = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(batch_rows_), rows - done));
                    batches_.push_back(std::move(b));
                }
            } else {
                batches_ = reader_->read_row_group(row_group_, projection_, batch_rows_);
            }
            const auto& chunks = reader_->metadata().row_groups.at(row_group_).columns;
            for (size_t column : projection_) {
                int leaf = reader_->columns().at(column).leaf;
                if (leaf >= 0 && static_cast<size_t>(leaf) < chunks.size() && chunks[leaf].meta) {
                    bytes_ += static_cast<uint64_t>(std::max<int64_t>(chunks[leaf].meta->total_compressed_size, 0));
                }
            }
        }
        if (next_ >= batches_.size()) return false;
        batch = std::move(batches_[next_++]);
        return true;
    }
    uint64_t source_bytes_read() const override { return bytes_; }

  private:
    std::unique_ptr<ParquetReader> reader_;
    size_t row_group_;
    std::vector<size_t> projection_;
    size_t batch_rows_;
    bool loaded_ = false;
    std::vector<Batch> batches_;
    size_t next_ = 0;
    uint64_t bytes_ = 0;
};

// Whether a row group may hold rows the constraint accepts, from its min/max statistics and, for
// equality / IN constraints, its dictionary.
bool row_group_may_match(const ParquetReader& reader, size_t row_group, const ScanTable& table,
                         const Constraint& constraint) {
    for (const auto& [name, domain] : constraint.domains()) {
        auto column = table.find(name);
        if (!column || domain.is_all()) continue;
        const Type& type = table.types[*column];
        if (type.is_floating() || type.is_nested()) continue;  // NaN ordering; no statistics for nested
        ParquetColumnStats stats = reader.statistics(row_group, table.parquet_columns[*column]);
        if (!stats.min || !stats.max || stats.min->type() != type || stats.max->type() != type) continue;
        bool may_have_nulls = !stats.null_count || *stats.null_count > 0;
        Domain present = Domain::range(type, Range{{*stats.min, true}, {*stats.max, true}});
        if (may_have_nulls) present = present.union_with(Domain::only_null(type));
        if (present.intersect(domain).is_none()) return false;
        // Equality / IN: a dictionary-encoded chunk holds only its dictionary's values.
        if (auto wanted = domain.discrete_values(); wanted && !(domain.null_allowed() && may_have_nulls)) {
            auto dictionary = reader.dictionary_values(row_group, table.parquet_columns[*column], 10000);
            if (dictionary) {
                bool any = false;
                for (const Value& v : *dictionary) {
                    if (v.type() == type && domain.contains(v)) {
                        any = true;
                        break;
                    }
                }
                if (!any) return false;
            }
        }
    }
    return true;
}

size_t parquet_file_splits(const ScanTable& table, size_t i, const ParquetReader& reader,
                           const Constraint& constraint, std::vector<Split>& splits) {
    size_t pruned = 0;
    for (size_t g = 0; g < reader.num_row_groups(); ++g) {
        if (!row_group_may_match(reader, g, table, constraint)) {
            ++pruned;
            continue;
        }
        Split split;
        split.payload = {{"file", i}, {"path", table.files[i].path}, {"row_group", g}};
        split.description = fmt::format("{} row group {}", base_name(table.files[i].path), g);
        split.estimated_rows = static_cast<double>(reader.row_group_rows(g));
        splits.push_back(std::move(split));
    }
    return pruned;
}

// Reads nothing (a Constraint that no row can satisfy).
class EmptyReader final : public FormatReader {
  public:
    bool next(Batch&) override { return false; }
    uint64_t source_bytes_read() const override { return 0; }
};

// Wraps a format reader: evaluates the constraint, projects, applies the split's limit and re-chunks the
// result into batches of exactly batch_rows rows (the last one may be shorter).
class FileScanReader final : public BatchReader {
  public:
    FileScanReader(std::unique_ptr<FormatReader> reader, std::vector<std::pair<size_t, DomainFilter>> filters,
                   std::vector<size_t> output_columns, size_t batch_rows, std::optional<uint64_t> limit,
                   ReadContext& context)
        : reader_(std::move(reader)),
          filters_(std::move(filters)),
          output_columns_(std::move(output_columns)),
          batch_rows_(std::max<size_t>(batch_rows, 1)),
          limit_(limit),
          context_(context) {}

    bool next(Batch& out) override {
        std::vector<ColumnPtr> building;
        size_t filled = 0;
        for (;;) {
            if (limit_ && emitted_ + filled >= *limit_) break;
            if (source_offset_ >= source_rows_) {
                if (done_ || !pull()) break;
                continue;
            }
            size_t want = batch_rows_ - filled;
            if (limit_) want = std::min<uint64_t>(want, *limit_ - emitted_ - filled);
            size_t take = std::min(want, source_rows_ - source_offset_);
            if (filled == 0 && source_offset_ == 0 && take == source_rows_ && all_) {
                // Whole unfiltered batch fits: hand it over without copying.
                building = source_.columns;
                filled = take;
                source_offset_ = source_rows_;
            } else {
                if (building.empty()) {
                    for (const auto& column : source_.columns)
                        building.push_back(Column::make(column->type(), batch_rows_));
                } else if (std::any_of(building.begin(), building.end(),
                                       [](const ColumnPtr& c) { return c.use_count() > 1; })) {
                    // `building` still shares columns (a column requested twice, or the source batch): copy
                    // before appending.
                    std::vector<ColumnPtr> copy;
                    for (const auto& column : building) {
                        auto fresh = Column::make(column->type(), batch_rows_);
                        fresh->append_range(*column, 0, filled);
                        copy.push_back(fresh);
                    }
                    building = std::move(copy);
                }
                // Filtered: the selected rows are gathered straight into the output (one copy).
                for (size_t c = 0; c < building.size(); ++c) {
                    if (all_)
                        building[c]->append_range(*source_.columns[c], source_offset_, take);
                    else
                        fast_append_gather(*building[c], *source_.columns[c], selection_.data() + source_offset_,
                                           take);
                }
                filled += take;
                source_offset_ += take;
            }
            if (filled == batch_rows_) break;
        }
        if (filled == 0) return false;
        emitted_ += filled;
        out = Batch(filled, std::move(building));
        return true;
    }

  private:
    // Reads and filters the next batch from the file into source_ (the projected columns, unfiltered) and
    // selection_ (the passing rows, unless all_). Returns false at the end.
    bool pull() {
        for (;;) {
            if (context_.is_cancelled()) raise(ErrorCode::kCancelled, "query cancelled");
            Batch raw;
            if (!reader_->next(raw)) {
                done_ = true;
                report();
                return false;
            }
            rows_parsed_ += raw.num_rows;
            report();
            selection_.clear();
            all_ = true;
            if (!filters_.empty()) {
                keep_.assign(raw.num_rows, 1);
                for (const auto& [column, filter] : filters_)
                    filter.apply(*raw.columns[column], keep_.data());
                selection_.resize(raw.num_rows);
                uint32_t* sel = selection_.data();
                size_t count = 0;
                const uint8_t* keep = keep_.data();
                for (uint32_t r = 0; r < raw.num_rows; ++r) {
                    sel[count] = r;
                    count += keep[r];
                }
                selection_.resize(count);
                all_ = count == raw.num_rows;
                if (count == 0) continue;
            }
            source_.num_rows = raw.num_rows;
            source_.columns.clear();
            for (size_t column : output_columns_) source_.columns.push_back(raw.columns[column]);
            source_rows_ = all_ ? raw.num_rows : selection_.size();
            source_offset_ = 0;
            if (source_rows_ > 0) return true;
        }
    }

    void report() {
        if (!context_.metrics) return;
        uint64_t bytes = reader_->source_bytes_read();
        context_.metrics->bytes_read.fetch_add(bytes - bytes_reported_, std::memory_order_relaxed);
        context_.metrics->rows_read.fetch_add(rows_parsed_ - rows_reported_, std::memory_order_relaxed);
        bytes_reported_ = bytes;
        rows_reported_ = rows_parsed_;
    }

    std::unique_ptr<FormatReader> reader_;
    std::vector<std::pair<size_t, DomainFilter>> filters_;
    std::vector<size_t> output_columns_;
    size_t batch_rows_;
    std::optional<uint64_t> limit_;
    ReadContext& context_;
    Batch source_;
    size_t source_rows_ = 0;  // rows of source_ to emit (selection_.size() when filtered)
    std::vector<uint32_t> selection_;
    bool all_ = true;
    size_t source_offset_ = 0;
    bool done_ = false;
    uint64_t emitted_ = 0;
    std::vector<uint8_t> keep_;
    uint64_t rows_parsed_ = 0, rows_reported_ = 0, bytes_reported_ = 0;
};

}  // namespace

Capabilities FilesConnector::capabilities() const {
    return Capabilities()
        .add(Capability::kConstraint)
        .add(Capability::kLimit)
        .add(Capability::kParallelSplits);
}

TableInfo FilesConnector::resolve(const std::string& path, const std::string& format,
                                  const std::map<std::string, Value>& options) {
    FileSystem& fs = get_file_system(path);
    std::vector<FileInfo> files = fs.glob(path);
    FileFormat file_format = resolve_file_format(format, files[0].path);
    FileScanOptions scan = parse_file_scan_options(file_format, options);

    json properties = json::object();
    properties["format"] = file_format == FileFormat::kCsv ? "csv" : "json";
    properties["compression"] = compression_name(scan.compression);
    json file_list = json::array();
    double total_bytes = 0;
    for (const auto& f : files) {
        file_list.push_back({{"path", f.path}, {"size", f.size}});
        total_bytes += static_cast<double>(f.size);
    }
    properties["files"] = std::move(file_list);

    std::vector<std::string> names;
    std::vector<Type> types;
    if (file_format == FileFormat::kParquet) {
        properties["format"] = "parquet";
        auto reader = ParquetReader::open(files[0].path);
        json indexes = json::array();
        for (size_t i = 0; i < reader->columns().size(); ++i) {
            const ParquetColumn& c = reader->columns()[i];
            if (!c.supported) continue;  // MAP, deeper nesting, ...: not offered as a column yet
            names.push_back(c.name);
            types.push_back(c.type);
            indexes.push_back(i);
        }
        properties["parquet_columns"] = std::move(indexes);
    } else if (auto input = open_input_stream(fs.open(files[0].path), scan.compression);
               file_format == FileFormat::kCsv) {
        CsvSchema schema = sniff_csv(*input, scan.csv);
        json csv = csv_dialect_to_json(schema.dialect);
        csv["multiline"] = schema.multiline_fields;
        properties["csv"] = std::move(csv);
        names = std::move(schema.names);
        types = std::move(schema.types);
    } else {
        JsonSchema schema = sniff_json(*input, scan.json);
        properties["json"] = {{"format", json_format_name(schema.format)},
                              {"ignore_errors", schema.ignore_errors}};
        names = std::move(schema.names);
        types = std::move(schema.types);
    }
    TableInfo info;
    info.handle.schema = "";
    info.handle.table = path;
    json columns = json::array();
    for (size_t i = 0; i < names.size(); ++i) {
        columns.push_back({{"name", names[i]}, {"type", type_to_json(types[i])}});
        info.columns.push_back(ColumnInfo{names[i], types[i], true, ""});
    }
    properties["columns"] = std::move(columns);
    info.handle.properties = std::move(properties);
    info.statistics.total_bytes = total_bytes;
    return info;
}

TableHandle FilesConnector::make_handle(const FileTableSpec& spec, const std::string& table_name) {
    if (spec.names.size() != spec.types.size())
        raise(ErrorCode::kInternal, "files connector: {} column names for {} types", spec.names.size(),
              spec.types.size());
    json properties = json::object();
    properties["format"] =
        spec.format == FileFormat::kCsv ? "csv" : spec.format == FileFormat::kJson ? "json" : "parquet";
    properties["compression"] = compression_name(spec.compression);
    json file_list = json::array();
    for (const auto& f : spec.files) file_list.push_back({{"path", f.path}, {"size", f.size}});
    properties["files"] = std::move(file_list);
    json columns = json::array();
    for (size_t i = 0; i < spec.names.size(); ++i)
        columns.push_back({{"name", spec.names[i]}, {"type", type_to_json(spec.types[i])}});
    properties["columns"] = std::move(columns);
    if (spec.format == FileFormat::kParquet) {
        if (spec.parquet_columns.size() != spec.names.size())
            raise(ErrorCode::kInternal, "files connector: parquet column mapping does not match the columns");
        properties["parquet_columns"] = spec.parquet_columns;
    } else if (spec.format == FileFormat::kCsv) {
        json csv = csv_dialect_to_json(spec.csv);
        csv["ignore_errors"] = spec.ignore_errors || spec.csv.ignore_errors;
        csv["multiline"] = spec.csv_multiline;
        properties["csv"] = std::move(csv);
    } else {
        properties["json"] = {{"format", json_format_name(spec.json_format)},
                              {"ignore_errors", spec.ignore_errors}};
    }
    if (!spec.s3_profile.empty()) properties["s3_profile"] = spec.s3_profile;
    TableHandle handle;
    handle.table = table_name;
    handle.properties = std::move(properties);
    return handle;
}

size_t FilesConnector::plan_parquet_file(const TableHandle& handle, size_t file_index,
                                         const ParquetReader& reader, const Constraint& constraint,
                                         std::vector<Split>& splits) {
    ScanTable table = ScanTable::from(handle);
    if (table.format != FileFormat::kParquet || file_index >= table.files.size())
        raise(ErrorCode::kInternal, "files connector: plan_parquet_file needs a Parquet handle");
    return parquet_file_splits(table, file_index, reader, constraint, splits);
}

ScanPlan FilesConnector::plan_scan(const ScanRequest& request) {
    ScanTable table = ScanTable::from(request.table);
    ScanPlan plan;
    for (const auto& [column, domain] : request.constraint.domains()) {
        plan.constraint_accepted[column] =
            table.find(column) ? PushdownKind::kExact : PushdownKind::kUnsupported;
    }
    plan.limit_accepted = request.limit.has_value();
    double total = 0;
    for (const auto& f : table.files) total += static_cast<double>(f.size);
    if (table.format == FileFormat::kParquet && !request.constraint.is_none()) {
        // One split per row group; row groups whose statistics exclude the constraint are skipped.
        size_t pruned = 0;
        for (size_t i = 0; i < table.files.size(); ++i) {
            auto reader = open_parquet(table.files[i].path, table.s3_profile);
            pruned += parquet_file_splits(table, i, *reader, request.constraint, plan.splits);
        }
        plan.description = fmt::format("parquet {} file{}, {}, {} row group split{}{}", table.files.size(),
                                       table.files.size() == 1 ? "" : "s", format_bytes(total), plan.splits.size(),
                                       plan.splits.size() == 1 ? "" : "s",
                                       pruned ? fmt::format(", {} row groups pruned by statistics", pruned) : "");
        return plan;
    }
    if (!request.constraint.is_none()) {
        uint64_t target = std::max<uint64_t>(request.target_splits, 1);
        uint64_t piece = std::max<uint64_t>(kMinSplitBytes, static_cast<uint64_t>(total) / target);
        piece = std::min(piece, kMaxSplitBytes);
        for (size_t i = 0; i < table.files.size(); ++i) {
            const FileInfo& f = table.files[i];
            if (f.size > kMinSplitBytes && table.splittable(f)) {
                for (uint64_t begin = 0; begin < f.size; begin += piece) {
                    uint64_t end = std::min(f.size, begin + piece);
                    Split split;
                    split.payload = {{"file", i}, {"path", f.path}, {"begin", begin}, {"end", end}};
                    split.description = fmt::format("{} bytes {}-{}", base_name(f.path), begin, end);
                    plan.splits.push_back(std::move(split));
                }
            } else {
                Split split;
                split.payload = {{"file", i}, {"path", f.path}, {"begin", 0}, {"end", 0}};
                split.description = base_name(f.path);
                plan.splits.push_back(std::move(split));
            }
        }
    }
    plan.description =
        fmt::format("{} {} file{}, {}, {} split{}", table.format == FileFormat::kCsv ? "csv" : "json",
                    table.files.size(), table.files.size() == 1 ? "" : "s", format_bytes(total),
                    plan.splits.size(), plan.splits.size() == 1 ? "" : "s");
    return plan;
}

std::unique_ptr<BatchReader> FilesConnector::read_split(const ScanRequest& request, const Split& split,
                                                        ReadContext& context) {
    ScanTable table = ScanTable::from(request.table);
    const std::string path = split.payload.at("path").get<std::string>();
    const uint64_t begin = split.payload.value("begin", uint64_t{0});
    const uint64_t end = split.payload.value("end", uint64_t{0});

    // Columns the format reader produces: the requested ones, then constrained ones not requested.
    std::vector<size_t> read_columns;
    auto slot_of = [&](size_t file_column) {
        auto it = std::find(read_columns.begin(), read_columns.end(), file_column);
        if (it != read_columns.end()) return static_cast<size_t>(it - read_columns.begin());
        read_columns.push_back(file_column);
        return read_columns.size() - 1;
    };
    std::vector<size_t> output_columns;
    for (const auto& name : request.columns) {
        auto column = table.find(name);
        if (!column)
            raise(ErrorCode::kUndefinedColumn, "column '{}' does not exist in {}", name, request.table.table);
        output_columns.push_back(slot_of(*column));
    }
    std::vector<std::pair<size_t, DomainFilter>> filters;
    for (const auto& [name, domain] : request.constraint.domains()) {
        auto column = table.find(name);
        if (!column || domain.is_all()) continue;
        filters.emplace_back(slot_of(*column), DomainFilter(domain, table.types[*column]));
    }

    if (table.format == FileFormat::kParquet) {
        std::unique_ptr<FormatReader> reader;
        if (request.constraint.is_none()) {
            reader = std::make_unique<EmptyReader>();
        } else {
            std::vector<size_t> projection;
            for (size_t column : read_columns) projection.push_back(table.parquet_columns.at(column));
            reader = std::make_unique<ParquetRowGroupReader>(open_parquet(path, table.s3_profile),
                                                             split.payload.at("row_group").get<size_t>(),
                                                             std::move(projection), request.batch_rows);
        }
        return std::make_unique<FileScanReader>(std::move(reader), std::move(filters), std::move(output_columns),
                                                request.batch_rows, request.limit, context);
    }
    FileSystem& fs = get_file_system(path, table.s3_profile);
    const bool ranged = end > 0;
    std::unique_ptr<InputStream> input;
    ByteRange range;
    if (ranged) {
        input = std::make_unique<FileInputStream>(fs.open(path), begin > 0 ? begin - 1 : 0);
        range = ByteRange{begin, end};
    } else {
        input = open_input_stream(fs.open(path), table.compression);
    }
    auto locator = [path, profile = table.s3_profile](uint64_t offset) {
        return count_newlines_before(path, profile, offset);
    };
    std::unique_ptr<FormatReader> reader;
    if (request.constraint.is_none()) {
        reader = std::make_unique<EmptyReader>();
    } else if (table.format == FileFormat::kCsv) {
        CsvSchema schema;
        schema.dialect = table.dialect;
        schema.names = table.names;
        schema.types = table.types;
        schema.multiline_fields = table.multiline;
        reader = std::make_unique<FormatReaderOf<CsvReader>>(std::make_unique<CsvReader>(
            std::move(input), std::move(schema), read_columns, request.batch_rows, range, locator));
    } else {
        JsonSchema schema;
        schema.format = table.json_format;
        schema.names = table.names;
        schema.types = table.types;
        schema.ignore_errors = table.ignore_errors;
        reader = std::make_unique<FormatReaderOf<JsonReader>>(std::make_unique<JsonReader>(
            std::move(input), std::move(schema), read_columns, request.batch_rows, range, locator));
    }
    return std::make_unique<FileScanReader>(std::move(reader), std::move(filters), std::move(output_columns),
                                            request.batch_rows, request.limit, context);
}

}  // namespace fedq
