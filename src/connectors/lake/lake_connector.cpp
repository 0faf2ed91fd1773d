#include "connectors/lake/lake_connector.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.h"
#include "connectors/files/domain_filter.h"
#include "connectors/files/files_connector.h"
#include "connectors/lake/lake_metastore.h"
#include "connectors/lake/lake_projection.h"
#include "formats/parquet_reader.h"
#include "functions/cast.h"
#include "io/aws_credentials.h"
#include "io/file_system.h"

namespace fedq {

namespace {

using json = nlohmann::json;

constexpr const char* kHiveNull = "__HIVE_DEFAULT_PARTITION__";

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool iequals(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

std::string with_slash(std::string s) {
    if (!s.empty() && s.back() != '/') s += '/';
    return s;
}

std::string qualified(const std::string& catalog, const std::string& schema, const std::string& name) {
    return fmt::format("{}.{}.{}", catalog.empty() ? "lake" : catalog, schema, name);
}

json column_to_json(const LakeColumn& c) {
    json j = {{"name", c.name}, {"type", type_to_json(c.type)}};
    if (!c.comment.empty()) j["comment"] = c.comment;
    return j;
}

LakeColumn column_from_json(const json& j) {
    return LakeColumn{j.at("name").get<std::string>(), type_from_json(j.at("type")),
                      j.value("comment", std::string())};
}

// The folder text of a partition value (unescaped).
std::string partition_text(const Value& v) {
    if (v.is_null()) return kHiveNull;
    if (v.type().is_string()) return v.as_string();
    return v.to_string();
}

// Parses a folder's value text to the partition column's type; nullopt when it does not parse.
std::optional<Value> parse_partition_text(const std::string& text, const Type& type) {
    if (text == kHiveNull) return Value::null(type);
    if (type.is_string()) return Value::varchar(text);
    Value v = cast_value(Value::varchar(text), type, true);
    if (v.is_null()) return std::nullopt;
    return v;
}

std::string values_key(const std::vector<Value>& values) {
    json j = json::array();
    for (const auto& v : values) j.push_back(value_to_json(v));
    return j.dump();
}

std::vector<Value> values_from_key(const std::string& key) {
    std::vector<Value> out;
    for (const auto& v : json::parse(key)) out.push_back(value_from_json(v));
    return out;
}

bool values_less(const std::vector<Value>& a, const std::vector<Value>& b) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i].is_null() != b[i].is_null()) return a[i].is_null();  // NULL first
        if (a[i].is_null()) continue;
        int c = a[i].compare(b[i]);
        if (c != 0) return c < 0;
    }
    return a.size() < b.size();
}

// Whether a Parquet column of type `from` can be read as the table's `to` without losing values.
bool safe_widening(const Type& from, const Type& to) {
    if (from == to) return true;
    auto int_width = [](const Type& t) {
        switch (t.id()) {
            case TypeId::kTinyInt:
                return 1;
            case TypeId::kSmallInt:
                return 2;
            case TypeId::kInteger:
                return 4;
            case TypeId::kBigInt:
                return 8;
            default:
                return 0;
        }
    };
    if (from.is_integer() && to.is_integer()) return int_width(from) <= int_width(to);
    if (from.is_integer() && to.id() == TypeId::kDouble) return int_width(from) <= 4;
    if (from.is_integer() && to.id() == TypeId::kReal) return int_width(from) <= 2;
    if (from.id() == TypeId::kReal && to.id() == TypeId::kDouble) return true;
    if (from.is_integer() && to.id() == TypeId::kDecimal) {
        int digits = int_width(from) == 1 ? 3 : int_width(from) == 2 ? 5 : int_width(from) == 4 ? 10 : 19;
        return to.precision() - to.scale() >= digits;
    }
    if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal)
        return to.scale() >= from.scale() && to.precision() - to.scale() >= from.precision() - from.scale();
    if (from.id() == TypeId::kDate && to.id() == TypeId::kTimestamp) return true;
    if (from.is_string() && to.is_string()) return true;
    return false;
}

// A Domain found by column name, case-insensitively.
const Domain* find_domain(const Constraint& constraint, const std::string& column) {
    if (const Domain* d = constraint.find(column)) return d;
    for (const auto& [name, domain] : constraint.domains()) {
        if (iequals(name, column)) return &domain;
    }
    return nullptr;
}

// Hidden file or folder (a segment of `relative` starting with '.' or '_').
bool is_hidden(const std::string& relative) {
    size_t start = 0;
    while (start <= relative.size()) {
        size_t slash = relative.find('/', start);
        std::string_view segment(relative.data() + start,
                                 (slash == std::string::npos ? relative.size() : slash) - start);
        if (!segment.empty() && (segment[0] == '.' || segment[0] == '_')) return true;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return false;
}

// Path of `file` relative to the folder `location` (glob results may drop a file:// prefix).
std::optional<std::string> relative_to(const std::string& location, const std::string& file) {
    if (file.compare(0, location.size(), location) == 0) return file.substr(location.size());
    std::string bare = location;
    if (bare.rfind("file://", 0) == 0) bare = bare.substr(7);
    if (file.compare(0, bare.size(), bare) == 0) return file.substr(bare.size());
    std::string bare_file = file.rfind("file://", 0) == 0 ? file.substr(7) : file;
    if (bare_file.compare(0, bare.size(), bare) == 0) return bare_file.substr(bare.size());
    return std::nullopt;
}

void check_char_property(const std::string& key, const std::string& value) {
    if (value.size() == 1 || value == "\\t") return;
    raise(ErrorCode::kInvalidParameter, "table property '{}' expects a single character, got '{}'", key,
          value);
}

char property_char(const std::string& value) { return value == "\\t" ? '\t' : value[0]; }

const std::string* find_property(const LakeTable& t, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        auto it = t.properties.find(key);
        if (it != t.properties.end()) return &it->second;
    }
    return nullptr;
}

void validate_properties(const LakeTable& t) {
    for (const char* key : {"field.delim", "delimiter", "separatorchar", "quotechar", "quote.char",
                            "escapechar", "escape.char"}) {
        auto it = t.properties.find(key);
        if (it != t.properties.end()) check_char_property(key, it->second);
    }
    if (auto it = t.properties.find("skip.header.line.count"); it != t.properties.end()) {
        bool ok = !it->second.empty() && it->second.size() < 10 &&
                  std::all_of(it->second.begin(), it->second.end(),
                              [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        if (!ok)
            raise(ErrorCode::kInvalidParameter,
                  "table property 'skip.header.line.count' expects a non-negative integer, got '{}'",
                  it->second);
    }
    if (auto it = t.properties.find("compression"); it != t.properties.end()) {
        try {
            parse_compression(it->second);
        } catch (const Error& e) {
            raise(ErrorCode::kInvalidParameter, "table property 'compression': {}", e.message());
        }
    }
    for (const char* key : {"write.compression", "parquet.compression"}) {
        auto it = t.properties.find(key);
        if (it == t.properties.end()) continue;
        std::string v = lower(it->second);
        if (v != "snappy" && v != "gzip" && v != "zstd" && v != "none" && v != "uncompressed" && v != "lz4")
            raise(ErrorCode::kInvalidParameter,
                  "table property '{}' expects snappy, gzip, zstd, lz4 or none, got '{}'", key, it->second);
    }
    if (projection_enabled(t)) {
        if (t.partition_columns.empty())
            raise(ErrorCode::kInvalidParameter,
                  "table property 'projection.enabled': the table has no partition columns");
        parse_projection(t);
    }
}

// The files connector's description of one file of the table.
FileTableSpec base_spec(const LakeTable& t, const std::string& s3_profile) {
    FileTableSpec spec;
    spec.format = t.format == "csv"    ? FileFormat::kCsv
                  : t.format == "json" ? FileFormat::kJson
                                       : FileFormat::kParquet;
    spec.s3_profile = s3_profile;
    if (auto it = t.properties.find("compression");
        it != t.properties.end() && spec.format != FileFormat::kParquet)
        spec.compression = parse_compression(it->second);
    if (spec.format == FileFormat::kCsv) {
        if (const std::string* d = find_property(t, {"field.delim", "delimiter", "separatorchar"}))
            spec.csv.delimiter = property_char(*d);
        if (const std::string* q = find_property(t, {"quotechar", "quote.char"}))
            spec.csv.quote = property_char(*q);
        if (const std::string* e = find_property(t, {"escapechar", "escape.char"}))
            spec.csv.escape = property_char(*e);
        spec.csv.header = false;
        if (auto it = t.properties.find("skip.header.line.count"); it != t.properties.end())
            spec.csv.skip = static_cast<size_t>(std::stoull(it->second));
        if (auto it = t.properties.find("serialization.null.format"); it != t.properties.end()) {
            spec.csv.has_null_string = true;
            spec.csv.null_string = it->second;
        }
    }
    if (spec.format != FileFormat::kParquet) {
        for (const auto& c : t.columns) {
            spec.names.push_back(c.name);
            spec.types.push_back(c.type);
        }
    }
    return spec;
}

// Runs f(0..n-1) on up to kPlanThreads threads; the first exception is rethrown after all stopped.
constexpr size_t kPlanThreads = 8;
template <typename F>
void parallel_for(size_t n, F&& f) {
    if (n <= 1) {
        for (size_t i = 0; i < n; ++i) f(i);
        return;
    }
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
        for (size_t i = next++; i < n && !failed.load(); i = next++) {
            try {
                f(i);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> threads;
    const size_t count = std::min(n, kPlanThreads) - 1;
    for (size_t i = 0; i < count; ++i) threads.emplace_back(work);
    work();
    for (auto& thread : threads) thread.join();
    if (error) std::rethrow_exception(error);
}

int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Reads one file split through the files connector and shapes the result: table columns in the requested
// order, partition values as constants, missing columns as NULL, widened types cast, and the constraints the
// files connector could not apply (on cast columns) evaluated here.
class LakeSplitReader final : public BatchReader {
  public:
    struct Output {
        int inner = -1;    // slot in the inner batch, or -1 for a constant
        Value constant;    // partition value or NULL
        ColumnPtr cached;  // constant column of the last batch size
    };
    struct CastSlot {
        size_t slot;
        Type to;
        std::string column;
    };

    LakeSplitReader(std::unique_ptr<BatchReader> inner, std::vector<Output> outputs,
                    std::vector<CastSlot> casts, std::vector<std::pair<size_t, DomainFilter>> filters,
                    std::optional<uint64_t> limit, std::string path)
        : inner_(std::move(inner)),
          outputs_(std::move(outputs)),
          casts_(std::move(casts)),
          filters_(std::move(filters)),
          limit_(limit),
          path_(std::move(path)) {}

    bool next(Batch& batch) override {
        while (true) {
            if (limit_ && emitted_ >= *limit_) return false;
            Batch raw;
            if (!inner_ || !inner_->next(raw)) return false;
            if (raw.num_rows == 0) continue;
            for (const auto& cast : casts_) {
                ColumnPtr out = Column::make(cast.to, raw.num_rows);
                try {
                    cast_column(*raw.columns[cast.slot], cast.to, *out, false);
                } catch (const Error& e) {
                    raise(ErrorCode::kDatatypeMismatch, "lake file '{}' column '{}': {}", path_, cast.column,
                          e.message());
                }
                raw.columns[cast.slot] = std::move(out);
            }
            if (!filters_.empty()) {
                keep_.assign(raw.num_rows, 1);
                for (const auto& [slot, filter] : filters_) filter.apply(*raw.columns[slot], keep_.data());
                selection_.clear();
                for (size_t i = 0; i < raw.num_rows; ++i) {
                    if (keep_[i]) selection_.push_back(static_cast<uint32_t>(i));
                }
                if (selection_.empty()) continue;
                if (selection_.size() < raw.num_rows) {
                    size_t rows = selection_.size();
                    raw = raw.gather(selection_.data(), rows);
                    raw.num_rows = rows;
                }
            }
            size_t rows = raw.num_rows;
            if (limit_ && emitted_ + rows > *limit_) rows = static_cast<size_t>(*limit_ - emitted_);
            Batch out;
            out.num_rows = rows;
            out.columns.reserve(outputs_.size());
            for (auto& o : outputs_) {
                if (o.inner >= 0) {
                    ColumnPtr c = raw.columns[static_cast<size_t>(o.inner)];
                    if (rows < raw.num_rows) {
                        ColumnPtr sliced = Column::make(c->type(), rows);
                        sliced->append_range(*c, 0, rows);
                        c = std::move(sliced);
                    }
                    out.columns.push_back(std::move(c));
                } else {
                    if (!o.cached || o.cached->size() != rows) o.cached = Column::constant(o.constant, rows);
                    out.columns.push_back(o.cached);
                }
            }
            emitted_ += rows;
            batch = std::move(out);
            return true;
        }
    }

  private:
    std::unique_ptr<BatchReader> inner_;
    std::vector<Output> outputs_;
    std::vector<CastSlot> casts_;
    std::vector<std::pair<size_t, DomainFilter>> filters_;
    std::optional<uint64_t> limit_;
    std::string path_;
    uint64_t emitted_ = 0;
    std::vector<uint8_t> keep_;
    std::vector<uint32_t> selection_;
};

}  // namespace

std::string escape_partition_value(const std::string& text) {
    static const std::string special = "\"#%'*/:=?\\{[]^";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7F || special.find(static_cast<char>(c)) != std::string::npos) {
            out += fmt::format("%{:02X}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string unescape_partition_value(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() + 0 &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

json lake_table_to_json(const LakeTable& t) {
    json j;
    j["schema"] = t.schema;
    j["name"] = t.name;
    j["columns"] = json::array();
    for (const auto& c : t.columns) j["columns"].push_back(column_to_json(c));
    j["partition_columns"] = json::array();
    for (const auto& c : t.partition_columns) j["partition_columns"].push_back(column_to_json(c));
    j["format"] = t.format;
    j["location"] = t.location;
    j["properties"] = t.properties;
    j["external"] = t.external;
    j["comment"] = t.comment;
    return j;
}

LakeTable lake_table_from_json(const json& j) {
    LakeTable t;
    t.schema = j.at("schema").get<std::string>();
    t.name = j.at("name").get<std::string>();
    for (const auto& c : j.at("columns")) t.columns.push_back(column_from_json(c));
    for (const auto& c : j.at("partition_columns")) t.partition_columns.push_back(column_from_json(c));
    t.format = j.at("format").get<std::string>();
    t.location = j.at("location").get<std::string>();
    t.properties = j.value("properties", std::map<std::string, std::string>());
    t.external = j.value("external", true);
    t.comment = j.value("comment", std::string());
    return t;
}

std::shared_ptr<Connector> make_lake_connector(const ConnectorConfig& config) {
    return std::make_shared<LakeConnector>(config);
}

LakeConnector::LakeConnector(const ConnectorConfig& config) : catalog_(config.catalog) {
    config.check_known({"metastore", "warehouse", "s3_endpoint", "s3_region", "s3_access_key_id",
                        "s3_secret_access_key", "s3_session_token", "s3_url_style", "s3_profile"});
    std::string home = config.home;
    std::string metastore =
        config.get("metastore").value_or(home.empty() ? "" : with_slash(home) + "lake.db");
    if (metastore == ":memory:") metastore.clear();
    warehouse_ = config.get("warehouse").value_or(home.empty() ? "" : with_slash(home) + "warehouse/");
    warehouse_ = with_slash(warehouse_);
    std::map<std::string, std::string> s3;
    for (const char* key : {"endpoint", "region", "access_key_id", "secret_access_key", "session_token",
                            "url_style", "profile"}) {
        if (auto v = config.get(std::string("s3_") + key)) s3[key] = *v;
    }
    if (!s3.empty()) {
        S3Config cfg;
        try {
            cfg = resolve_s3_config(s3);
        } catch (const Error& e) {
            raise(ErrorCode::kInvalidParameter, "catalog {}: {}", config.catalog, e.message());
        }
        s3_profile_ = "lake:" + config.catalog;
        register_s3_profile(s3_profile_, std::move(cfg));
    }
    metastore_ = std::make_unique<LakeMetastore>(metastore, config.catalog);
}

LakeConnector::~LakeConnector() = default;

Capabilities LakeConnector::capabilities() const {
    return Capabilities()
        .add(Capability::kConstraint)
        .add(Capability::kLimit)
        .add(Capability::kParallelSplits);
}

std::string LakeConnector::default_location(const std::string& schema, const std::string& name) const {
    if (warehouse_.empty())
        raise(ErrorCode::kInvalidParameter,
              "catalog {}: a managed table needs a warehouse location (set the 'warehouse' option)",
              catalog_);
    return warehouse_ + lower(schema) + "/" + lower(name) + "/";
}

std::string LakeConnector::partition_location(const LakeTable& table,
                                              const std::vector<Value>& values) const {
    if (values.size() != table.partition_columns.size())
        raise(ErrorCode::kInvalidParameter, "{} partition values given, table {} has {} partition columns",
              values.size(), qualified(catalog_, table.schema, table.name), table.partition_columns.size());
    std::string location = with_slash(table.location);
    for (size_t i = 0; i < values.size(); ++i) {
        std::string text = partition_text(values[i]);
        location += table.partition_columns[i].name + "=" +
                    (values[i].is_null() ? text : escape_partition_value(text)) + "/";
    }
    return location;
}

void LakeConnector::create_table(const LakeTable& input, bool if_not_exists, bool or_replace) {
    LakeTable t = validated(input);
    if (!metastore_->put_table(t.schema, t.name, lake_table_to_json(t).dump(), or_replace)) {
        if (if_not_exists) return;
        raise(ErrorCode::kDuplicateObject, "table {} already exists", qualified(catalog_, t.schema, t.name));
    }
}

LakeTable LakeConnector::validated(const LakeTable& input) const {
    LakeTable t = input;
    const std::string full = qualified(catalog_, t.schema, t.name);
    if (t.schema.empty() || t.name.empty())
        raise(ErrorCode::kInvalidParameter, "lake table needs a schema and a name");
    t.format = lower(t.format);
    if (t.format == "jsonl" || t.format == "ndjson" || t.format == "textfile")
        t.format = t.format == "textfile" ? "csv" : "json";
    if (t.format != "parquet" && t.format != "csv" && t.format != "json")
        raise(ErrorCode::kInvalidParameter,
              "lake table {}: unknown format '{}' (expected parquet, csv or json)", full, input.format);
    if (t.columns.empty())
        raise(ErrorCode::kInvalidParameter, "lake table {} needs at least one data column", full);
    std::set<std::string> seen;
    for (const auto* list : {&t.columns, &t.partition_columns}) {
        for (const auto& c : *list) {
            if (c.name.empty()) raise(ErrorCode::kInvalidParameter, "lake table {}: empty column name", full);
            if (!seen.insert(lower(c.name)).second)
                raise(ErrorCode::kDuplicateObject, "lake table {}: column '{}' is declared twice", full,
                      c.name);
            if (c.type.id() == TypeId::kNull)
                raise(ErrorCode::kInvalidParameter, "lake table {}: column '{}' has no type", full, c.name);
        }
    }
    for (const auto& c : t.partition_columns) {
        if (c.type.is_nested() || c.type.id() == TypeId::kVarbinary || c.type.id() == TypeId::kInterval ||
            c.type.id() == TypeId::kJson)
            raise(ErrorCode::kInvalidParameter, "lake table {}: partition column '{}' cannot be of type {}",
                  full, c.name, c.type.to_string());
    }
    if (t.format == "csv") {
        for (const auto& c : t.columns) {
            if (c.type.is_nested())
                raise(ErrorCode::kNotSupported, "lake table {}: CSV cannot hold column '{}' of type {} (use JSON or PARQUET)",
                      full, c.name, c.type.to_string());
        }
    }
    std::map<std::string, std::string> properties;
    for (const auto& [k, v] : t.properties) properties[lower(k)] = v;
    t.properties = std::move(properties);
    if (t.location.empty()) {
        if (t.external) raise(ErrorCode::kInvalidParameter, "external lake table {} needs a LOCATION", full);
        t.location = default_location(t.schema, t.name);
    }
    t.location = with_slash(t.location);
    get_file_system(t.location, s3_profile_);  // validates the scheme
    validate_properties(t);
    return t;
}

std::optional<LakeTable> LakeConnector::find_table(const std::string& schema, const std::string& name) {
    auto definition = metastore_->get_table(schema, name);
    if (!definition) return std::nullopt;
    return lake_table_from_json(json::parse(*definition));
}

LakeTable LakeConnector::require_table(const std::string& schema, const std::string& name) {
    auto t = find_table(schema, name);
    if (!t) raise(ErrorCode::kUndefinedTable, "table {} does not exist", qualified(catalog_, schema, name));
    return std::move(*t);
}

void LakeConnector::store_table(const LakeTable& table, bool) {
    metastore_->update_table(table.schema, table.name, lake_table_to_json(table).dump());
}

bool LakeConnector::drop_table(const std::string& schema, const std::string& name) {
    auto t = find_table(schema, name);
    if (!t) return false;
    bool dropped = metastore_->delete_table(schema, name);
    if (dropped && !t->external) {
        FileSystem& fs = get_file_system(t->location, s3_profile_);
        std::vector<FileInfo> files;
        try {
            files = fs.glob(t->location + "**");
        } catch (const Error& e) {
            if (e.code() != ErrorCode::kUndefinedTable) throw;
        }
        for (const auto& f : files) fs.remove(f.path);
    }
    return dropped;
}

void LakeConnector::alter_properties(const std::string& schema, const std::string& name,
                                     const std::map<std::string, std::string>& set) {
    LakeTable t = require_table(schema, name);
    for (const auto& [k, v] : set) t.properties[lower(k)] = v;
    validate_properties(t);
    store_table(t, true);
}

void LakeConnector::add_columns(const std::string& schema, const std::string& name,
                                const std::vector<LakeColumn>& columns) {
    LakeTable t = require_table(schema, name);
    for (const auto& c : columns) {
        for (const auto* list : {&t.columns, &t.partition_columns}) {
            for (const auto& existing : *list) {
                if (iequals(existing.name, c.name))
                    raise(ErrorCode::kDuplicateObject, "column '{}' already exists in {}", c.name,
                          qualified(catalog_, t.schema, t.name));
            }
        }
        if (c.name.empty() || c.type.id() == TypeId::kNull)
            raise(ErrorCode::kInvalidParameter, "column needs a name and a type");
        t.columns.push_back(c);
    }
    store_table(t, true);
}

std::vector<LakePartition> LakeConnector::list_partitions(const std::string& schema,
                                                          const std::string& name) {
    LakeTable t = require_table(schema, name);
    std::vector<LakePartition> out;
    for (auto& [key, location] : metastore_->list_partitions(t.schema, t.name))
        out.push_back(LakePartition{values_from_key(key), location});
    std::sort(out.begin(), out.end(),
              [](const LakePartition& a, const LakePartition& b) { return values_less(a.values, b.values); });
    return out;
}

size_t LakeConnector::add_partitions(const std::string& schema, const std::string& name,
                                     const std::vector<LakePartition>& partitions, bool if_not_exists) {
    LakeTable t = require_table(schema, name);
    const std::string full = qualified(catalog_, t.schema, t.name);
    if (t.partition_columns.empty()) raise(ErrorCode::kInvalidParameter, "table {} is not partitioned", full);
    // Validate all first, so a bad one adds nothing.
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& p : partitions) {
        if (p.values.size() != t.partition_columns.size())
            raise(ErrorCode::kInvalidParameter, "table {} has {} partition columns, {} values given", full,
                  t.partition_columns.size(), p.values.size());
        std::vector<Value> typed;
        for (size_t i = 0; i < p.values.size(); ++i) {
            const Type& type = t.partition_columns[i].type;
            if (p.values[i].is_null())
                typed.push_back(Value::null(type));
            else
                typed.push_back(p.values[i].type() == type ? p.values[i] : cast_value(p.values[i], type));
        }
        std::string location = p.location.empty() ? partition_location(t, typed) : with_slash(p.location);
        get_file_system(location, s3_profile_);
        rows.emplace_back(values_key(typed), location);
    }
    size_t added = 0;
    for (const auto& [key, location] : rows) {
        if (metastore_->add_partition(t.schema, t.name, key, location)) {
            ++added;
        } else if (!if_not_exists) {
            raise(ErrorCode::kDuplicateObject, "partition {} of table {} already exists", key, full);
        }
    }
    return added;
}

size_t LakeConnector::drop_partitions(const std::string& schema, const std::string& name,
                                      const std::vector<std::vector<Value>>& values, bool if_exists) {
    LakeTable t = require_table(schema, name);
    const std::string full = qualified(catalog_, t.schema, t.name);
    size_t dropped = 0;
    for (const auto& v : values) {
        if (v.size() != t.partition_columns.size())
            raise(ErrorCode::kInvalidParameter, "table {} has {} partition columns, {} values given", full,
                  t.partition_columns.size(), v.size());
        std::vector<Value> typed;
        for (size_t i = 0; i < v.size(); ++i) {
            const Type& type = t.partition_columns[i].type;
            typed.push_back(v[i].is_null()        ? Value::null(type)
                            : v[i].type() == type ? v[i]
                                                  : cast_value(v[i], type));
        }
        if (metastore_->drop_partition(t.schema, t.name, values_key(typed))) {
            ++dropped;
        } else if (!if_exists) {
            raise(ErrorCode::kUndefinedObject, "partition {} of table {} does not exist", values_key(typed),
                  full);
        }
    }
    return dropped;
}

RepairResult LakeConnector::repair_table(const std::string& schema, const std::string& name) {
    LakeTable t = require_table(schema, name);
    RepairResult result;
    if (t.partition_columns.empty()) return result;
    FileSystem& fs = get_file_system(t.location, s3_profile_);
    std::vector<FileInfo> files;
    try {
        files = fs.glob(t.location + "**");
    } catch (const Error& e) {
        if (e.code() != ErrorCode::kUndefinedTable) throw;
    }
    const size_t k = t.partition_columns.size();
    std::map<std::string, std::string> found;  // values key -> location
    for (const auto& f : files) {
        auto relative = relative_to(t.location, f.path);
        if (!relative || is_hidden(*relative)) continue;
        std::vector<std::string> segments;
        size_t start = 0;
        for (size_t slash = relative->find('/'); slash != std::string::npos;
             slash = relative->find('/', start)) {
            segments.push_back(relative->substr(start, slash - start));
            start = slash + 1;
        }
        if (segments.size() < k) continue;
        std::vector<Value> values;
        std::string folder = t.location;
        bool ok = true;
        for (size_t i = 0; i < k && ok; ++i) {
            size_t eq = segments[i].find('=');
            if (eq == std::string::npos || !iequals(segments[i].substr(0, eq), t.partition_columns[i].name)) {
                ok = false;
                break;
            }
            auto v = parse_partition_text(unescape_partition_value(segments[i].substr(eq + 1)),
                                          t.partition_columns[i].type);
            if (!v)
                ok = false;
            else
                values.push_back(std::move(*v));
            folder += segments[i] + "/";
        }
        if (ok) found.emplace(values_key(values), folder);
    }
    auto registered = metastore_->list_partitions(t.schema, t.name);
    std::set<std::string> registered_keys;
    for (const auto& [key, location] : registered) {
        registered_keys.insert(key);
        if (found.count(key)) continue;
        // Not seen under the table location: a partition elsewhere may still have files.
        bool under = location.compare(0, t.location.size(), t.location) == 0;
        bool has_files = false;
        if (!under) {
            try {
                for (const auto& f : get_file_system(location, s3_profile_).glob(location + "**")) {
                    auto relative = relative_to(location, f.path);
                    if (relative && !is_hidden(*relative)) has_files = true;
                }
            } catch (const Error& e) {
                if (e.code() != ErrorCode::kUndefinedTable) throw;
            }
        }
        if (!has_files && metastore_->drop_partition(t.schema, t.name, key)) ++result.removed;
    }
    for (const auto& [key, location] : found) {
        if (registered_keys.count(key)) continue;
        if (metastore_->add_partition(t.schema, t.name, key, location)) ++result.added;
    }
    return result;
}

namespace {

std::string quote_identifier(const std::string& name) {
    bool simple = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) {
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '_'))
            simple = false;
    }
    if (simple) return name;
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string quote_literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string column_list(const std::vector<LakeColumn>& columns) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) {
        out += fmt::format("  {} {}", quote_identifier(columns[i].name), columns[i].type.to_string());
        if (!columns[i].comment.empty()) out += " COMMENT " + quote_literal(columns[i].comment);
        out += i + 1 < columns.size() ? ",\n" : "\n";
    }
    return out;
}

}  // namespace

std::string LakeConnector::show_create_table(const std::string& schema, const std::string& name) {
    LakeTable t = require_table(schema, name);
    std::string out = fmt::format("CREATE {}TABLE {}.{} (\n", t.external ? "EXTERNAL " : "",
                                  quote_identifier(t.schema), quote_identifier(t.name));
    out += column_list(t.columns) + ")\n";
    if (!t.comment.empty()) out += "COMMENT " + quote_literal(t.comment) + "\n";
    if (!t.partition_columns.empty()) out += "PARTITIONED BY (\n" + column_list(t.partition_columns) + ")\n";
    std::string format = t.format;
    for (auto& c : format) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += "STORED AS " + format + "\n";
    out += "LOCATION " + quote_literal(t.location);
    if (!t.properties.empty()) {
        out += "\nTBLPROPERTIES (\n";
        size_t i = 0;
        for (const auto& [k, v] : t.properties) {
            out += "  " + quote_literal(k) + " = " + quote_literal(v) +
                   (++i < t.properties.size() ? ",\n" : "\n");
        }
        out += ")";
    }
    return out;
}

std::vector<std::string> LakeConnector::list_schemas() {
    std::vector<std::string> schemas = metastore_->list_schemas();
    if (std::find(schemas.begin(), schemas.end(), "default") == schemas.end()) schemas.push_back("default");
    std::sort(schemas.begin(), schemas.end());
    return schemas;
}

TablePage LakeConnector::list_tables(const std::string& schema, const std::string&) {
    TablePage page;
    for (const auto& definition : metastore_->list_tables(schema))
        page.tables.push_back(json::parse(definition).at("name").get<std::string>());
    return page;
}

std::optional<TableInfo> LakeConnector::get_table(const std::string& schema, const std::string& name) {
    auto t = find_table(schema, name);
    if (!t) return std::nullopt;
    TableInfo info;
    info.handle.schema = t->schema;
    info.handle.table = t->name;
    info.handle.properties = {
        {"definition", lake_table_to_json(*t)}, {"catalog", catalog_}, {"s3_profile", s3_profile_}};
    for (const auto& c : t->columns) info.columns.push_back(ColumnInfo{c.name, c.type, true, c.comment});
    // DESCRIBE tells partition columns apart (as Hive's "# Partition Information" does).
    for (const auto& c : t->partition_columns) {
        info.columns.push_back(
            ColumnInfo{c.name, c.type, true, c.comment.empty() ? "partition key" : c.comment + " (partition key)"});
    }
    return info;
}

ScanPlan LakeConnector::plan_scan(const ScanRequest& request) {
    const json& props = request.table.properties;
    if (!props.is_object() || !props.contains("definition"))
        raise(ErrorCode::kInternal, "lake connector: table handle '{}' has no definition",
              request.table.table);
    const LakeTable t = lake_table_from_json(props.at("definition"));
    const std::string profile = props.value("s3_profile", s3_profile_);
    ScanPlan plan;

    auto find_data = [&](const std::string& name) -> const LakeColumn* {
        for (const auto& c : t.columns) {
            if (iequals(c.name, name)) return &c;
        }
        return nullptr;
    };
    auto is_partition = [&](const std::string& name) {
        return std::any_of(t.partition_columns.begin(), t.partition_columns.end(),
                           [&](const LakeColumn& c) { return iequals(c.name, name); });
    };
    for (const auto& [column, domain] : request.constraint.domains()) {
        plan.constraint_accepted[column] =
            is_partition(column) || find_data(column) ? PushdownKind::kExact : PushdownKind::kUnsupported;
    }
    plan.limit_accepted = request.limit.has_value();
    if (request.constraint.is_none()) {
        plan.description = fmt::format("lake {} {}: nothing can match", t.format, t.name);
        return plan;
    }

    // 1. Partitions allowed by the constraint.
    std::vector<const Domain*> partition_domains;
    for (const auto& c : t.partition_columns)
        partition_domains.push_back(find_domain(request.constraint, c.name));
    struct Part {
        std::vector<Value> values;
        std::string location;
    };
    std::vector<Part> parts;
    size_t candidates = 0;
    if (t.partition_columns.empty()) {
        parts.push_back({{}, t.location});
        candidates = 1;
    } else if (projection_enabled(t)) {
        for (auto& p : project_partitions(t, parse_projection(t), partition_domains, now_micros()))
            parts.push_back({std::move(p.values), std::move(p.location)});
        candidates = parts.size();
    } else {
        for (auto& [key, location] : metastore_->list_partitions(t.schema, t.name)) {
            ++candidates;
            std::vector<Value> values = values_from_key(key);
            bool ok = values.size() == t.partition_columns.size();
            for (size_t i = 0; ok && i < values.size(); ++i) {
                if (partition_domains[i] && !partition_domains[i]->contains(values[i])) ok = false;
            }
            if (ok) parts.push_back({std::move(values), location});
        }
        std::sort(parts.begin(), parts.end(),
                  [](const Part& a, const Part& b) { return values_less(a.values, b.values); });
    }

    // Data-column constraint for the files connector (CSV/JSON: every column has the table's type).
    Constraint data_constraint;
    for (const auto& [column, domain] : request.constraint.domains()) {
        if (const LakeColumn* c = find_data(column)) data_constraint.add(c->name, domain);
    }

    // 2. List the surviving folders (concurrently: on S3 each listing is a round trip).
    std::vector<std::vector<FileInfo>> listed(parts.size());
    parallel_for(parts.size(), [&](size_t p) {
        const std::string& folder = parts[p].location;
        try {
            for (auto& file : get_file_system(folder, profile).glob(folder + "**")) {
                auto relative = relative_to(folder, file.path);
                if (relative && !is_hidden(*relative)) listed[p].push_back(std::move(file));
            }
        } catch (const Error& e) {
            if (e.code() != ErrorCode::kUndefinedTable) throw;  // no such folder: an empty partition
        }
    });
    struct FileTask {
        size_t part;
        FileInfo file;
    };
    std::vector<FileTask> tasks;
    double total_bytes = 0;
    for (size_t p = 0; p < parts.size(); ++p) {
        for (auto& file : listed[p]) {
            total_bytes += static_cast<double>(file.size);
            tasks.push_back({p, std::move(file)});
        }
    }
    std::vector<json> partition_json(parts.size(), json::array());
    std::vector<std::string> prefixes(parts.size());
    for (size_t p = 0; p < parts.size(); ++p) {
        for (size_t i = 0; i < parts[p].values.size(); ++i) {
            partition_json[p].push_back(value_to_json(parts[p].values[i]));
            prefixes[p] +=
                (i ? "/" : "") + t.partition_columns[i].name + "=" + partition_text(parts[p].values[i]);
        }
        if (!prefixes[p].empty()) prefixes[p] += " ";
    }

    // 3. Every file becomes splits (Parquet footers are read concurrently).
    std::vector<std::vector<Split>> file_splits(tasks.size());
    std::atomic<size_t> pruned_row_groups{0};
    parallel_for(tasks.size(), [&](size_t task) {
        const FileInfo& file = tasks[task].file;
        const size_t part = tasks[task].part;
        FileTableSpec spec = base_spec(t, profile);
        spec.files = {file};
        std::vector<Split> inner;
        TableHandle handle;
        if (spec.format == FileFormat::kParquet) {
            std::shared_ptr<RandomAccessFile> opened = get_file_system(file.path, profile).open(file.path);
            ParquetReader reader(opened);
            Constraint pruning;
            for (const auto& c : t.columns) {
                std::optional<size_t> index;
                for (size_t i = 0; i < reader.columns().size(); ++i) {
                    if (!iequals(reader.columns()[i].name, c.name)) continue;
                    if (!reader.columns()[i].supported)
                        raise(
                            ErrorCode::kNotSupported,
                            "lake table {}: file '{}' column '{}' has a Parquet type that cannot be read yet",
                            qualified(catalog_, t.schema, t.name), file.path, c.name);
                    index = i;
                    break;
                }
                const Domain* domain = find_domain(request.constraint, c.name);
                if (!index) {
                    if (domain && !domain->contains(Value::null(c.type))) return;  // all NULL here: no match
                    continue;
                }
                const Type& file_type = reader.columns()[*index].type;
                if (!safe_widening(file_type, c.type))
                    raise(ErrorCode::kDatatypeMismatch,
                          "lake table {}: file '{}' has column '{}' of type {}, which cannot be read as the "
                          "declared {}",
                          qualified(catalog_, t.schema, t.name), file.path, c.name, file_type.to_string(),
                          c.type.to_string());
                spec.names.push_back(c.name);
                spec.types.push_back(file_type);
                spec.parquet_columns.push_back(*index);
                if (domain && file_type == c.type) pruning.add(c.name, *domain);
            }
            handle = FilesConnector::make_handle(spec, t.name);
            pruned_row_groups += FilesConnector::plan_parquet_file(handle, 0, reader, pruning, inner);
        } else {
            ScanRequest r;
            r.table = FilesConnector::make_handle(spec, t.name);
            r.constraint = data_constraint;
            r.target_splits = request.target_splits;
            inner = FilesConnector().plan_scan(r).splits;
            handle = std::move(r.table);
        }
        for (auto& s : inner) {
            Split split;
            split.payload = {{"handle", handle.properties},
                             {"inner", std::move(s.payload)},
                             {"partition", partition_json[part]}};
            split.description = prefixes[part] + s.description;
            split.estimated_rows = s.estimated_rows;
            file_splits[task].push_back(std::move(split));
        }
    });
    for (auto& splits : file_splits) {
        for (auto& split : splits) plan.splits.push_back(std::move(split));
    }
    const size_t file_count = tasks.size();
    plan.description = fmt::format(
        "lake {} {}.{}: {}{} file{}, {} bytes, {} split{}{}", t.format, t.schema, t.name,
        t.partition_columns.empty() ? "" : fmt::format("{} of {} partitions, ", parts.size(), candidates),
        file_count, file_count == 1 ? "" : "s", static_cast<uint64_t>(total_bytes), plan.splits.size(),
        plan.splits.size() == 1 ? "" : "s",
        pruned_row_groups ? fmt::format(", {} row groups pruned by statistics", pruned_row_groups.load())
                          : "");
    return plan;
}

std::unique_ptr<BatchReader> LakeConnector::read_split(const ScanRequest& request, const Split& split,
                                                       ReadContext& context) {
    const LakeTable t = lake_table_from_json(request.table.properties.at("definition"));
    TableHandle inner_handle;
    inner_handle.schema = t.schema;
    inner_handle.table = t.name;
    inner_handle.properties = split.payload.at("handle");
    Split inner_split;
    inner_split.payload = split.payload.at("inner");
    std::vector<Value> partition;
    for (const auto& v : split.payload.at("partition")) partition.push_back(value_from_json(v));
    const std::string path = inner_split.payload.value("path", std::string());

    std::vector<std::string> inner_names;
    std::vector<Type> inner_types;
    for (const auto& c : inner_handle.properties.at("columns")) {
        inner_names.push_back(c.at("name").get<std::string>());
        inner_types.push_back(type_from_json(c.at("type")));
    }
    auto find_inner = [&](const std::string& name) -> std::optional<size_t> {
        for (size_t i = 0; i < inner_names.size(); ++i) {
            if (iequals(inner_names[i], name)) return i;
        }
        return std::nullopt;
    };

    ScanRequest inner_request;
    inner_request.table = inner_handle;
    inner_request.batch_rows = request.batch_rows;
    std::vector<LakeSplitReader::CastSlot> casts;
    auto slot_of = [&](size_t inner_column, const Type& table_type) {
        const std::string& name = inner_names[inner_column];
        auto it = std::find(inner_request.columns.begin(), inner_request.columns.end(), name);
        if (it != inner_request.columns.end()) return static_cast<size_t>(it - inner_request.columns.begin());
        inner_request.columns.push_back(name);
        size_t slot = inner_request.columns.size() - 1;
        if (inner_types[inner_column] != table_type) casts.push_back({slot, table_type, name});
        return slot;
    };

    std::vector<LakeSplitReader::Output> outputs;
    for (const auto& name : request.columns) {
        LakeSplitReader::Output o;
        bool found = false;
        for (size_t i = 0; i < t.partition_columns.size() && !found; ++i) {
            if (iequals(t.partition_columns[i].name, name)) {
                o.constant = i < partition.size() ? partition[i] : Value::null(t.partition_columns[i].type);
                found = true;
            }
        }
        for (size_t i = 0; i < t.columns.size() && !found; ++i) {
            if (!iequals(t.columns[i].name, name)) continue;
            found = true;
            if (auto inner = find_inner(name)) {
                o.inner = static_cast<int>(slot_of(*inner, t.columns[i].type));
            } else {
                o.constant = Value::null(t.columns[i].type);
            }
        }
        if (!found)
            raise(ErrorCode::kUndefinedColumn, "column '{}' does not exist in {}", name,
                  qualified(catalog_, t.schema, t.name));
        outputs.push_back(std::move(o));
    }

    bool empty = false;
    std::vector<std::pair<size_t, DomainFilter>> filters;
    for (const auto& [name, domain] : request.constraint.domains()) {
        if (domain.is_all()) continue;
        const LakeColumn* column = nullptr;
        for (const auto& c : t.columns) {
            if (iequals(c.name, name)) column = &c;
        }
        if (!column) continue;  // partition columns were applied by plan_scan; unknown ones are not accepted
        auto inner = find_inner(name);
        if (!inner) {
            if (!domain.contains(Value::null(column->type))) empty = true;
            continue;
        }
        if (inner_types[*inner] == column->type) {
            inner_request.constraint.add(inner_names[*inner], domain);
        } else {
            size_t slot = slot_of(*inner, column->type);
            filters.emplace_back(slot, DomainFilter(domain, column->type));
        }
    }
    if (request.constraint.is_none()) empty = true;
    if (filters.empty()) inner_request.limit = request.limit;

    std::unique_ptr<BatchReader> inner;
    if (!empty) {
        FilesConnector files;
        inner = files.read_split(inner_request, inner_split, context);
    }
    return std::make_unique<LakeSplitReader>(std::move(inner), std::move(outputs), std::move(casts),
                                             std::move(filters), request.limit, path);
}

}  // namespace fedq
