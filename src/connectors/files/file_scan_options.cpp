#include "connectors/files/file_scan_options.h"

#include <algorithm>

#include "common/error.h"

namespace fedq {

namespace {

std::string lower_copy(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string option_string(const std::string& name, const Value& v) {
    if (v.is_null()) raise(ErrorCode::kInvalidParameter, "option '{}' must not be NULL", name);
    if (v.type().is_string()) return v.as_string();
    return v.to_string();
}

bool option_bool(const std::string& name, const Value& v) {
    if (!v.is_null() && v.type().id() == TypeId::kBoolean) return v.as_bool();
    if (!v.is_null() && v.type().is_integer()) return v.as_int() != 0;
    std::string s = lower_copy(option_string(name, v));
    if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "0" || s == "no" || s == "off") return false;
    raise(ErrorCode::kInvalidParameter, "option '{}' expects a boolean, got '{}'", name, s);
}

int64_t option_int(const std::string& name, const Value& v) {
    if (!v.is_null() && v.type().is_integer()) return v.as_int();
    std::string s = option_string(name, v);
    try {
        size_t used = 0;
        long long n = std::stoll(s, &used);
        if (used == s.size()) return n;
    } catch (...) {
    }
    raise(ErrorCode::kInvalidParameter, "option '{}' expects an integer, got '{}'", name, s);
}

// One character; accepts "\t", "tab" and "" (only where allowed).
char option_char(const std::string& name, const Value& v, bool allow_empty = false) {
    std::string s = option_string(name, v);
    if (s == "\\t" || lower_copy(s) == "tab") return '\t';
    if (s.empty() && allow_empty) return 0;
    if (s.size() != 1)
        raise(ErrorCode::kInvalidParameter, "option '{}' expects a single character, got '{}'", name, s);
    return s[0];
}

}  // namespace

FileFormat resolve_file_format(const std::string& format, const std::string& path) {
    std::string f = lower_copy(format);
    if (f == "csv" || f == "tsv") return FileFormat::kCsv;
    if (f == "json" || f == "jsonl" || f == "ndjson") return FileFormat::kJson;
    if (f == "parquet") return FileFormat::kParquet;
    if (!f.empty())
        raise(ErrorCode::kInvalidParameter, "unknown file format '{}' (expected csv, json or parquet)", format);
    std::string base = lower_copy(strip_compression_extension(path));
    for (const char* ext : {".csv", ".tsv", ".txt", ".tbl"}) {
        if (ends_with(base, ext)) return FileFormat::kCsv;
    }
    for (const char* ext : {".json", ".jsonl", ".ndjson"}) {
        if (ends_with(base, ext)) return FileFormat::kJson;
    }
    if (ends_with(base, ".parquet") || ends_with(base, ".pq")) return FileFormat::kParquet;
    raise(ErrorCode::kInvalidParameter, "cannot tell the file format of '{}'; give format => 'csv', 'json' or 'parquet'",
          path);
}

std::vector<std::pair<std::string, Type>> parse_column_list(const std::string& text) {
    std::vector<std::pair<std::string, Type>> columns;
    size_t i = 0;
    auto skip_space = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    while (true) {
        skip_space();
        if (i >= text.size()) break;
        std::string name;
        if (text[i] == '"') {
            size_t close = text.find('"', i + 1);
            if (close == std::string::npos)
                raise(ErrorCode::kInvalidParameter, "unterminated quoted name in '{}'", text);
            name = text.substr(i + 1, close - i - 1);
            i = close + 1;
        } else {
            size_t start = i;
            while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != ',')
                ++i;
            name = text.substr(start, i - start);
        }
        // The type runs to the next comma outside parentheses.
        size_t start = i;
        int depth = 0;
        while (i < text.size() && (depth > 0 || text[i] != ',')) {
            if (text[i] == '(' || text[i] == '<') ++depth;
            if (text[i] == ')' || text[i] == '>') --depth;
            ++i;
        }
        std::string type_text = text.substr(start, i - start);
        if (name.empty() || type_text.find_first_not_of(" \t\r\n") == std::string::npos) {
            raise(ErrorCode::kInvalidParameter, "expected 'name TYPE, ...' in column list '{}'", text);
        }
        Type type;
        try {
            type = parse_type(type_text);
        } catch (const Error& e) {
            raise(ErrorCode::kInvalidParameter, "column '{}': {}", name, e.message());
        }
        columns.emplace_back(name, type);
        if (i < text.size()) ++i;  // ','
    }
    if (columns.empty()) raise(ErrorCode::kInvalidParameter, "empty column list");
    return columns;
}

FileScanOptions parse_file_scan_options(FileFormat format, const std::map<std::string, Value>& options) {
    FileScanOptions out;
    out.format = format;
    for (const auto& [raw_name, value] : options) {
        std::string name = lower_copy(raw_name);
        if (name == "compression" || name == "codec") {
            out.compression = parse_compression(option_string(name, value));
        } else if (name == "columns") {
            auto columns = parse_column_list(option_string(name, value));
            out.csv.columns = columns;
            out.json.columns = columns;
        } else if (name == "types" || name == "column_types" || name == "dtypes") {
            auto types = parse_column_list(option_string(name, value));
            out.csv.types = types;
            out.json.types = types;
        } else if (name == "sample_size") {
            int64_t n = option_int(name, value);
            size_t size =
                n < 0 ? SIZE_MAX / 4 : static_cast<size_t>(std::max<int64_t>(n, 1));  // -1: everything
            out.csv.sample_size = size;
            out.json.sample_size = size;
        } else if (name == "ignore_errors") {
            out.csv.ignore_errors = out.json.ignore_errors = option_bool(name, value);
        } else if (format == FileFormat::kCsv && (name == "delim" || name == "delimiter" || name == "sep")) {
            out.csv.delimiter = option_char(name, value);
        } else if (format == FileFormat::kCsv && name == "quote") {
            out.csv.quote = option_char(name, value);
        } else if (format == FileFormat::kCsv && name == "escape") {
            out.csv.escape = option_char(name, value);
        } else if (format == FileFormat::kCsv && name == "header") {
            out.csv.header = option_bool(name, value);
        } else if (format == FileFormat::kCsv &&
                   (name == "nullstr" || name == "null" || name == "null_string")) {
            out.csv.null_string = option_string(name, value);
        } else if (format == FileFormat::kCsv && (name == "skip" || name == "skip_rows")) {
            int64_t n = option_int(name, value);
            if (n < 0) raise(ErrorCode::kInvalidParameter, "option 'skip' must not be negative");
            out.csv.skip = static_cast<size_t>(n);
        } else if (format == FileFormat::kCsv && name == "comment") {
            char c = option_char(name, value, true);
            if (c) out.csv.comment = c;
        } else if (format == FileFormat::kCsv && name == "all_varchar") {
            out.csv.all_varchar = option_bool(name, value);
        } else if (format == FileFormat::kJson && (name == "format" || name == "json_format")) {
            out.json.format = parse_json_format(option_string(name, value));
        } else {
            raise(ErrorCode::kInvalidParameter, "unknown option '{}' for {} files", raw_name,
                  format == FileFormat::kCsv ? "CSV" : "JSON");
        }
    }
    if (out.csv.delimiter && *out.csv.delimiter == out.csv.quote) {
        raise(ErrorCode::kInvalidParameter, "the CSV delimiter and quote must differ");
    }
    return out;
}

nlohmann::json csv_dialect_to_json(const CsvDialect& d) {
    nlohmann::json j;
    j["delimiter"] = std::string(1, d.delimiter);
    j["quote"] = std::string(1, d.quote);
    j["escape"] = std::string(1, d.escape);
    j["comment"] = d.comment ? std::string(1, d.comment) : std::string();
    j["header"] = d.header;
    j["skip"] = d.skip;
    j["null_string"] = d.has_null_string ? nlohmann::json(d.null_string) : nlohmann::json(nullptr);
    j["ignore_errors"] = d.ignore_errors;
    return j;
}

CsvDialect csv_dialect_from_json(const nlohmann::json& j) {
    CsvDialect d;
    auto one = [](const nlohmann::json& v) {
        std::string s = v.get<std::string>();
        return s.empty() ? '\0' : s[0];
    };
    d.delimiter = one(j.at("delimiter"));
    d.quote = one(j.at("quote"));
    d.escape = one(j.at("escape"));
    d.comment = one(j.at("comment"));
    d.header = j.at("header").get<bool>();
    d.skip = j.at("skip").get<size_t>();
    d.has_null_string = !j.at("null_string").is_null();
    if (d.has_null_string) d.null_string = j.at("null_string").get<std::string>();
    d.ignore_errors = j.at("ignore_errors").get<bool>();
    return d;
}

}  // namespace fedq
