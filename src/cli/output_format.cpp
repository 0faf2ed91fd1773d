#include "cli/output_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

void flush_if_large(std::string& buffer, std::ostream& out) {
    if (buffer.size() >= kFlushBytes) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
    }
}

void flush(std::string& buffer, std::ostream& out) {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
}


bool is_right_aligned(const Type& type) { return type.is_numeric(); }

// ---------------------------------------------------------------------------------------- display width

// Decodes one UTF-8 code point at s[i], advancing i. Invalid bytes decode as themselves (width 1).
uint32_t decode_utf8(std::string_view s, size_t& i) {
    auto c = static_cast<unsigned char>(s[i]);
    int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + length > s.size()) length = 1;
    uint32_t cp = length == 1 ? c : length == 2 ? (c & 0x1F) : length == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < length; ++k) {
        auto next = static_cast<unsigned char>(s[i + k]);
        if ((next & 0xC0) != 0x80) {
            length = 1;
            cp = c;
            break;
        }
        cp = (cp << 6) | (next & 0x3F);
    }
    i += length;
    return cp;
}

int codepoint_width(uint32_t cp) {
    if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F)) return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
        return 2;
    }
    return 1;
}

size_t display_width(std::string_view s) {
    size_t width = 0;
    for (size_t i = 0; i < s.size();) width += codepoint_width(decode_utf8(s, i));
    return width;
}

// Makes a value printable on one table line (control characters escaped) and at most `max_width` wide.
std::string table_cell(std::string text, size_t max_width) {
    bool needs_escape = std::any_of(text.begin(), text.end(),
                                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
    if (needs_escape) {
        std::string escaped;
        for (char c : text) {
            if (c == '\n') {
                escaped += "\\n";
            } else if (c == '\r') {
                escaped += "\\r";
            } else if (c == '\t') {
                escaped += "\\t";
            } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                escaped += '?';
            } else {
                escaped += c;
            }
        }
        text = std::move(escaped);
    }
    if (max_width == 0 || text.size() <= max_width) return text;  // bytes >= width
    if (display_width(text) <= max_width) return text;
    // Keep code points while they fit in max_width - 1, then add an ellipsis.
    size_t width = 0, i = 0;
    while (i < text.size()) {
        size_t start = i;
        int w = codepoint_width(decode_utf8(text, i));
        if (width + w > max_width - 1) {
            i = start;
            break;
        }
        width += w;
    }
    text.resize(i);
    text += "…";
    return text;
}

void pad(std::string& out, size_t count) { out.append(count, ' '); }

// ---------------------------------------------------------------------------------------- formats

void append_csv_field(std::string& out, std::string_view text, char delimiter) {
    bool quote = text.find_first_of(delimiter) != std::string_view::npos ||
                 text.find_first_of("\"\r\n") != std::string_view::npos;
    if (!quote) {
        out += text;
        return;
    }
    out += '"';
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void append_tsv_field(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                out += c;
        }
    }
}

void csv_header(const std::vector<std::string>& names, std::string& buffer) {
    for (size_t c = 0; c < names.size(); ++c) {
        if (c) buffer += ',';
        append_csv_field(buffer, names[c], ',');
    }
    buffer += '\n';
}

void csv_rows(const Batch& batch, std::string& buffer, std::string& scratch, std::ostream& out) {
    for (size_t row = 0; row < batch.num_rows; ++row) {
        for (size_t c = 0; c < batch.num_columns(); ++c) {
            if (c) buffer += ',';
            const Column& column = batch.column(c);
            if (column.is_null(row)) continue;
            if (column.type().is_variable_width() || column.type().is_nested() ||
                column.type().id() == TypeId::kInterval || column.type().id() == TypeId::kTimestampTz) {
                scratch.clear();
                append_cell_text(column, row, scratch);
                if (scratch.empty()) {
                    buffer += "\"\"";  // empty string, distinct from NULL
                } else {
                    append_csv_field(buffer, scratch, ',');
                }
            } else {
                append_cell_text(column, row, buffer);
            }
        }
        buffer += '\n';
        flush_if_large(buffer, out);
    }
}

void tsv_header(const std::vector<std::string>& names, std::string& buffer) {
    for (size_t c = 0; c < names.size(); ++c) {
        if (c) buffer += '\t';
        append_tsv_field(buffer, names[c]);
    }
    buffer += '\n';
}

void tsv_rows(const Batch& batch, std::string& buffer, std::string& scratch, std::ostream& out) {
    for (size_t row = 0; row < batch.num_rows; ++row) {
        for (size_t c = 0; c < batch.num_columns(); ++c) {
            if (c) buffer += '\t';
            const Column& column = batch.column(c);
            if (column.is_null(row)) continue;
            if (column.type().is_numeric() || column.type().id() == TypeId::kBoolean ||
                column.type().id() == TypeId::kDate || column.type().id() == TypeId::kTimestamp) {
                append_cell_text(column, row, buffer);
            } else {
                scratch.clear();
                append_cell_text(column, row, scratch);
                append_tsv_field(buffer, scratch);
            }
        }
        buffer += '\n';
        flush_if_large(buffer, out);
    }
}

std::vector<std::string> json_keys(const std::vector<std::string>& names) {
    std::vector<std::string> keys;
    for (const auto& name : names) {
        std::string key;
        append_json_string(key, name);
        key += ':';
        keys.push_back(std::move(key));
    }
    return keys;
}

// Objects of the batch's rows: comma-separated for a JSON array (`first` tracks the very first row), one
// per line for NDJSON.
void json_rows(const Batch& batch, const std::vector<std::string>& keys, bool array, bool& first, std::string& buffer,
               std::ostream& out) {
    for (size_t row = 0; row < batch.num_rows; ++row) {
        if (array && !first) buffer += ",\n";
        first = false;
        buffer += '{';
        for (size_t c = 0; c < batch.num_columns(); ++c) {
            if (c) buffer += ',';
            buffer += c < keys.size() ? keys[c] : fmt::format("\"column{}\":", c);
            append_cell_json(batch.column(c), row, buffer);
        }
        buffer += '}';
        if (!array) buffer += '\n';
        flush_if_large(buffer, out);
    }
}

// One JSON array of objects (NDJSON goes through StreamingWriter).
void write_json_rows(const QueryResult& result, std::ostream& out) {
    std::vector<std::string> keys = json_keys(result.column_names);
    std::string buffer = "[";
    bool first = true;
    for (const Batch& batch : result.batches) json_rows(batch, keys, true, first, buffer, out);
    buffer += "]\n";
    flush(buffer, out);
}

// Cell texts of the first `limit` rows, column-major.
std::vector<std::vector<std::string>> collect_cells(const QueryResult& result, size_t limit,
                                                    size_t max_width) {
    std::vector<std::vector<std::string>> cells(result.column_names.size());
    size_t taken = 0;
    for (const Batch& batch : result.batches) {
        if (taken >= limit) break;
        size_t rows = std::min(batch.num_rows, limit - taken);
        for (size_t c = 0; c < batch.num_columns() && c < cells.size(); ++c) {
            const Column& column = batch.column(c);
            for (size_t row = 0; row < rows; ++row)
                cells[c].push_back(table_cell(cell_text(column, row), max_width));
        }
        taken += rows;
    }
    return cells;
}

std::string row_count_text(uint64_t rows) { return fmt::format("{} row{}", rows, rows == 1 ? "" : "s"); }

uint64_t total_rows(const QueryResult& result) {
    uint64_t rows = 0;
    for (const Batch& batch : result.batches) rows += batch.num_rows;
    return std::max<uint64_t>(rows, result.row_count);
}

struct BoxChars {
    const char* horizontal;
    const char* vertical;
    const char* top[3];  // left, middle, right
    const char* middle[3];
    const char* bottom[3];
};

constexpr BoxChars kUnicodeBox = {"─", "│", {"┌", "┬", "┐"}, {"├", "┼", "┤"}, {"└", "┴", "┘"}};
constexpr BoxChars kAsciiBox = {"-", "|", {"+", "+", "+"}, {"+", "+", "+"}, {"+", "+", "+"}};

void write_table(const QueryResult& result, const FormatOptions& options, std::ostream& out) {
    uint64_t rows = total_rows(result);
    size_t limit = options.max_rows ? std::min<uint64_t>(rows, options.max_rows) : rows;
    size_t columns = result.column_names.size();
    std::string buffer;
    if (columns > 0) {
        auto cells = collect_cells(result, limit, options.max_width);
        std::vector<std::string> names, types;
        std::vector<size_t> widths(columns, 1);
        std::vector<bool> right(columns, false);
        for (size_t c = 0; c < columns; ++c) {
            names.push_back(table_cell(result.column_names[c], options.max_width));
            Type type = c < result.column_types.size() ? result.column_types[c] : Type::null();
            types.push_back(table_cell(type.to_string(), options.max_width));
            right[c] = is_right_aligned(type);
            widths[c] = std::max({widths[c], display_width(names[c]), display_width(types[c])});
            for (const auto& cell : cells[c]) widths[c] = std::max(widths[c], display_width(cell));
        }
        const BoxChars& box = options.unicode ? kUnicodeBox : kAsciiBox;
        auto rule = [&](const char* const* corners) {
            buffer += corners[0];
            for (size_t c = 0; c < columns; ++c) {
                if (c) buffer += corners[1];
                for (size_t i = 0; i < widths[c] + 2; ++i) buffer += box.horizontal;
            }
            buffer += corners[2];
            buffer += '\n';
        };
        auto line = [&](auto&& text_of) {
            buffer += box.vertical;
            for (size_t c = 0; c < columns; ++c) {
                const std::string& text = text_of(c);
                size_t gap = widths[c] - display_width(text);
                buffer += ' ';
                if (right[c]) pad(buffer, gap);
                buffer += text;
                if (!right[c]) pad(buffer, gap);
                buffer += ' ';
                buffer += box.vertical;
            }
            buffer += '\n';
        };
        rule(box.top);
        line([&](size_t c) -> const std::string& { return names[c]; });
        line([&](size_t c) -> const std::string& { return types[c]; });
        rule(box.middle);
        for (size_t row = 0; row < limit; ++row) {
            line([&](size_t c) -> const std::string& { return cells[c][row]; });
            flush_if_large(buffer, out);
        }
        rule(box.bottom);
    }
    if (options.footer || limit < rows) {
        if (limit < rows) {
            buffer += fmt::format("({}, {} shown)\n", row_count_text(rows), limit);
        } else {
            buffer += fmt::format("({})\n", row_count_text(rows));
        }
    }
    flush(buffer, out);
}

std::string markdown_cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += "<br>";
        } else if (c != '\r') {
            out += c;
        }
    }
    return out;
}

void write_markdown(const QueryResult& result, const FormatOptions& options, std::ostream& out) {
    uint64_t rows = total_rows(result);
    size_t limit = options.max_rows ? std::min<uint64_t>(rows, options.max_rows) : rows;
    size_t columns = result.column_names.size();
    if (columns == 0) return;
    std::string buffer = "|";
    for (const auto& name : result.column_names) buffer += " " + markdown_cell(name) + " |";
    buffer += "\n|";
    for (size_t c = 0; c < columns; ++c) {
        bool right = c < result.column_types.size() && is_right_aligned(result.column_types[c]);
        buffer += right ? " ---: |" : " --- |";
    }
    buffer += '\n';
    size_t taken = 0;
    for (const Batch& batch : result.batches) {
        for (size_t row = 0; row < batch.num_rows && taken < limit; ++row, ++taken) {
            buffer += '|';
            for (size_t c = 0; c < batch.num_columns(); ++c) {
                buffer += ' ';
                buffer += markdown_cell(cell_text(batch.column(c), row));
                buffer += " |";
            }
            buffer += '\n';
            flush_if_large(buffer, out);
        }
    }
    if (limit < rows) buffer += fmt::format("\n({}, {} shown)\n", row_count_text(rows), limit);
    flush(buffer, out);
}

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower == "table" || lower == "box" || lower == "ascii") return OutputFormat::kTable;
    if (lower == "csv") return OutputFormat::kCsv;
    if (lower == "tsv") return OutputFormat::kTsv;
    if (lower == "json") return OutputFormat::kJson;
    if (lower == "ndjson" || lower == "jsonl") return OutputFormat::kNdjson;
    if (lower == "markdown" || lower == "md") return OutputFormat::kMarkdown;
    return std::nullopt;
}

std::string_view output_format_name(OutputFormat format) {
    switch (format) {
        case OutputFormat::kTable:
            return "table";
        case OutputFormat::kCsv:
            return "csv";
        case OutputFormat::kTsv:
            return "tsv";
        case OutputFormat::kJson:
            return "json";
        case OutputFormat::kNdjson:
            return "ndjson";
        case OutputFormat::kMarkdown:
            return "markdown";
    }
    return "table";
}

std::string format_bytes(uint64_t bytes) {
    if (bytes < 1000) return fmt::format("{} B", bytes);
    static const char* kUnits[] = {"KB", "MB", "GB", "TB", "PB"};
    double value = static_cast<double>(bytes) / 1000;
    size_t unit = 0;
    while (value >= 999.95 && unit + 1 < std::size(kUnits)) {
        value /= 1000;
        ++unit;
    }
    return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string format_stats_line(uint64_t rows, const QueryStats& stats, bool with_timing) {
    std::string out = "(" + row_count_text(rows);
    if (with_timing) out += fmt::format(", {:.3f} s", stats.elapsed_seconds);
    out += ", " + format_bytes(stats.bytes_scanned) + " scanned";
    // Per source when the query read more than one (what each source was billed for).
    if (stats.bytes_by_source.size() > 1) {
        std::string sep = ": ";
        for (const auto& [source, bytes] : stats.bytes_by_source) {
            out += sep + source + " " + format_bytes(bytes);
            sep = ", ";
        }
    }
    out += ")";
    return out;
}

void write_result(const QueryResult& result, const FormatOptions& options, std::ostream& out) {
    if (!result.has_rows) {
        if (!result.message.empty() &&
            (options.format == OutputFormat::kTable || options.format == OutputFormat::kMarkdown)) {
            out << result.message << '\n';
        }
        return;
    }
    switch (options.format) {
        case OutputFormat::kTable:
            write_table(result, options, out);
            break;
        case OutputFormat::kCsv:
        case OutputFormat::kTsv:
        case OutputFormat::kNdjson: {
            StreamingWriter writer(options.format, out);
            writer.begin(result.column_names, result.column_types);
            for (const Batch& batch : result.batches) writer.write_rows(batch);
            writer.finish();
            break;
        }
        case OutputFormat::kJson:
            write_json_rows(result, out);
            break;
        case OutputFormat::kMarkdown:
            write_markdown(result, options, out);
            break;
    }
    out.flush();
}

bool StreamingWriter::supports(OutputFormat format) {
    return format == OutputFormat::kCsv || format == OutputFormat::kTsv || format == OutputFormat::kNdjson;
}

void StreamingWriter::begin(const std::vector<std::string>& names, const std::vector<Type>&) {
    began_ = true;
    if (format_ == OutputFormat::kCsv) csv_header(names, buffer_);
    else if (format_ == OutputFormat::kTsv) tsv_header(names, buffer_);
    else keys_ = json_keys(names);
}

void StreamingWriter::write(Batch&& batch) { write_rows(batch); }

void StreamingWriter::write_rows(const Batch& batch) {
    if (format_ == OutputFormat::kCsv) {
        csv_rows(batch, buffer_, scratch_, out_);
    } else if (format_ == OutputFormat::kTsv) {
        tsv_rows(batch, buffer_, scratch_, out_);
    } else {
        bool first = false;
        json_rows(batch, keys_, false, first, buffer_, out_);
    }
    if (!out_) throw std::runtime_error("the output stream failed");
}

void StreamingWriter::finish() {
    flush(buffer_, out_);
    out_.flush();
}

}  // namespace fedq
