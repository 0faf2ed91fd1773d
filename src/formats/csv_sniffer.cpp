// sniff_csv: dialect, header and type detection from a sample at the start of a file.
#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"
#include "formats/csv_reader.h"
#include "formats/csv_scanner.h"
#include "formats/text_conversion.h"

namespace fedq {

namespace {

constexpr size_t kMaxSampleBytes = 32u << 20;

struct SampleField {
    size_t start;
    size_t length;
    bool quoted;
};

struct SampleRow {
    size_t first_field;
    size_t fields;
};

struct SampleSink {
    std::vector<SampleField>* fields;
    std::vector<size_t>* escaped;
    void field(size_t, size_t start, size_t length, bool quoted, bool is_escaped) {
        if (is_escaped) escaped->push_back(fields->size());
        fields->push_back({start, length, quoted});
    }
};

struct CountSink {
    void field(size_t, size_t, size_t, bool, bool) {}
};

// Candidate types, in inference priority order.
enum TypeBits : uint32_t {
    kBoolBit = 1,
    kBigIntBit = 2,
    kDoubleBit = 4,
    kDateBit = 8,
    kTimestampBit = 16,
    kAllBits = 31,
};

uint32_t candidate_types(std::string_view text, uint32_t mask) {
    uint32_t out = 0;
    if (mask & kBoolBit) {
        uint8_t b;
        if (parse_boolean_text(text, false, b)) out |= kBoolBit;
    }
    if (mask & (kBigIntBit | kDoubleBit)) {
        int64_t i;
        double d;
        if ((mask & kBigIntBit) && parse_int64_text(text, i))
            out |= kBigIntBit | kDoubleBit;
        else if ((mask & kDoubleBit) && text.find_first_of("0123456789") != std::string_view::npos &&
                 parse_double_text(text, d)) {
            out |= kDoubleBit;  // "nan" / "inf" alone are text, not numbers, when inferring
        }
    }
    if (mask & (kDateBit | kTimestampBit)) {
        int32_t day;
        int64_t micros;
        if ((mask & kDateBit) && parse_date_text(text, day))
            out |= kDateBit | kTimestampBit;
        else if ((mask & kTimestampBit) && parse_timestamp_text(text, false, micros))
            out |= kTimestampBit;
    }
    return out & mask;
}

Type type_from_bits(uint32_t mask, bool any_value) {
    if (!any_value) return Type::varchar();
    if (mask & kBoolBit) return Type::boolean();
    if (mask & kBigIntBit) return Type::bigint();
    if (mask & kDoubleBit) return Type::double_();
    if (mask & kDateBit) return Type::date();
    if (mask & kTimestampBit) return Type::timestamp();
    return Type::varchar();
}

bool parses_as(std::string_view text, const Type& type) {
    uint8_t b;
    int64_t i;
    double d;
    int32_t day;
    int128_t dec;
    switch (type.id()) {
        case TypeId::kBoolean:
            return parse_boolean_text(text, false, b);
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
            return parse_int64_text(text, i);
        case TypeId::kReal:
        case TypeId::kDouble:
            return parse_double_text(text, d);
        case TypeId::kDecimal:
            return parse_decimal_text(text, type.precision(), type.scale(), dec);
        case TypeId::kDate:
            return parse_date_text(text, day);
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
            return parse_timestamp_text(text, true, i);
        default:
            return true;
    }
}

// Skips `lines` physical lines; returns the position after them (or end).
size_t skip_lines(const char* buf, size_t p, size_t end, size_t lines) {
    for (size_t i = 0; i < lines && p < end; ++i) {
        const void* hit = std::memchr(buf + p, '\n', end - p);
        p = hit ? static_cast<size_t>(static_cast<const char*>(hit) - buf) + 1 : end;
    }
    return p;
}

struct DelimiterScore {
    bool consistent_multi = false;
    size_t consistent_rows = 0;
    size_t fields = 0;
    bool operator>(const DelimiterScore& o) const {
        if ((fields > 1) != (o.fields > 1)) return fields > 1;
        if (consistent_multi != o.consistent_multi) return consistent_multi;
        if (consistent_rows != o.consistent_rows) return consistent_rows > o.consistent_rows;
        return fields > o.fields;
    }
};

DelimiterScore score_delimiter(const char* buf, size_t p, size_t end, bool eof, CsvDialect dialect) {
    std::map<size_t, size_t> counts;
    CountSink sink;
    size_t rows = 0;
    while (rows < 64) {
        CsvScanResult r = scan_csv_row(buf, p, end, eof, dialect, sink);
        if (r.status == CsvScanResult::kNeedMore || r.status == CsvScanResult::kEnd) break;
        if (r.status == CsvScanResult::kMalformed) break;
        p = r.next;
        if (r.status == CsvScanResult::kBlank) continue;
        ++counts[r.fields];
        ++rows;
    }
    DelimiterScore score;
    for (auto [fields, n] : counts) {
        if (n > score.consistent_rows || (n == score.consistent_rows && fields > score.fields)) {
            score.consistent_rows = n;
            score.fields = fields;
        }
    }
    score.consistent_multi = score.fields > 1 && score.consistent_rows == rows;
    return score;
}

std::string lower_copy(const std::string& s) {
    std::string out = s;
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

CsvSchema sniff_csv(InputStream& input, const CsvOptions& options) {
    const std::string& file = input.path();
    // Read the sample: enough bytes for sample_size rows (bounded).
    std::vector<char> sample;
    size_t size = 0;
    bool eof = false;
    size_t chunk = 1 << 20;
    while (size < kMaxSampleBytes) {
        sample.resize(size + chunk + kCsvPadding);
        size_t n = input.read_fully(sample.data() + size, chunk);
        size += n;
        if (n < chunk) {
            eof = true;
            break;
        }
        // Stop once the sample holds enough lines.
        if (csv_count_newlines(sample.data(), 0, size) > options.sample_size + options.skip + 1) break;
        chunk = std::min<size_t>(chunk * 2, kMaxSampleBytes - size);
        if (chunk == 0) break;
    }
    sample.resize(size + kCsvPadding);
    std::memset(sample.data() + size, 0, kCsvPadding);
    char* buf = sample.data();
    size_t p = 0;
    if (size >= 3 && static_cast<uint8_t>(buf[0]) == 0xEF && static_cast<uint8_t>(buf[1]) == 0xBB &&
        static_cast<uint8_t>(buf[2]) == 0xBF) {
        p = 3;
    }
    p = skip_lines(buf, p, size, options.skip);

    CsvSchema schema;
    CsvDialect& dialect = schema.dialect;
    dialect.quote = options.quote;
    dialect.escape = options.escape.value_or(options.quote);
    dialect.comment = options.comment.value_or(0);
    dialect.skip = options.skip;
    dialect.has_null_string = options.null_string.has_value();
    dialect.null_string = options.null_string.value_or("");
    dialect.ignore_errors = options.ignore_errors;
    if (options.delimiter) {
        dialect.delimiter = *options.delimiter;
    } else {
        DelimiterScore best;
        dialect.delimiter = ',';
        bool first = true;
        for (char candidate : {',', '|', ';', '\t'}) {
            CsvDialect trial = dialect;
            trial.delimiter = candidate;
            DelimiterScore score = score_delimiter(buf, p, size, eof, trial);
            if (first || score > best) {
                best = score;
                dialect.delimiter = candidate;
                first = false;
            }
        }
    }

    // Tokenize the sample rows.
    std::vector<SampleField> fields;
    std::vector<size_t> escaped;
    std::vector<SampleRow> rows;
    SampleSink sink{&fields, &escaped};
    while (rows.size() < options.sample_size + 1) {
        size_t before = fields.size();
        escaped.clear();
        CsvScanResult r = scan_csv_row(buf, p, size, eof, dialect, sink);
        if (r.status == CsvScanResult::kNeedMore || r.status == CsvScanResult::kEnd) {
            fields.resize(before);
            break;
        }
        p = r.next;
        if (r.status != CsvScanResult::kRow) {
            fields.resize(before);
            continue;
        }
        for (size_t index : escaped) {
            SampleField& f = fields[index];
            f.length = csv_unescape(buf + f.start, f.length, dialect.quote, dialect.escape);
        }
        if (r.newlines > 1) schema.multiline_fields = true;
        rows.push_back({before, fields.size() - before});
    }

    auto text = [&](const SampleField& f) { return std::string_view(buf + f.start, f.length); };
    auto is_null = [&](const SampleField& f) {
        if (f.length == 0) return true;
        return !f.quoted && dialect.has_null_string && text(f) == dialect.null_string;
    };

    size_t num_columns = 0;
    if (!options.columns.empty())
        num_columns = options.columns.size();
    else if (!rows.empty())
        num_columns = rows[0].fields;
    if (num_columns == 0) raise(ErrorCode::kBadFile, "file {}: no rows to detect the CSV columns from", file);

    // Candidate types of the rows after the first, and of the first row alone.
    std::vector<uint32_t> masks(num_columns, kAllBits);
    std::vector<bool> any_value(num_columns, false);
    for (size_t r = 1; r < rows.size(); ++r) {
        if (rows[r].fields != num_columns) continue;
        for (size_t c = 0; c < num_columns; ++c) {
            const SampleField& f = fields[rows[r].first_field + c];
            if (is_null(f)) continue;
            any_value[c] = true;
            if (masks[c]) masks[c] = candidate_types(text(f), masks[c]);
        }
    }
    std::vector<Type> rest_types(num_columns);
    for (size_t c = 0; c < num_columns; ++c) rest_types[c] = type_from_bits(masks[c], any_value[c]);

    const bool have_first = !rows.empty() && rows[0].fields == num_columns;
    bool header = false;
    if (options.header) {
        header = *options.header;
    } else if (have_first) {
        // Like DuckDB: the first row is a header if none of its values fits its column's type (as
        // inferred from the other rows, or as declared). With only string columns, a first row of
        // distinct non-empty values is taken as a header.
        bool all_strings = true, any_mismatch = false, fits = true;
        std::set<std::string_view> seen;
        bool distinct = true;
        for (size_t c = 0; c < num_columns; ++c) {
            const SampleField& f = fields[rows[0].first_field + c];
            Type type = options.columns.empty() ? rest_types[c] : options.columns[c].second;
            if (is_null(f)) {
                fits = false;
                break;
            }
            if (!seen.insert(text(f)).second) distinct = false;
            if (type.is_string() || type.id() == TypeId::kVarbinary) continue;
            all_strings = false;
            if (parses_as(text(f), type)) {
                fits = false;
                break;
            }
            any_mismatch = true;
        }
        header = fits && (any_mismatch || (all_strings && distinct));
        if (rows.size() == 1 && options.columns.empty()) {
            // A single row: a header only if no value looks like anything but text.
            header = fits && distinct;
            for (size_t c = 0; c < num_columns && header; ++c) {
                if (candidate_types(text(fields[rows[0].first_field + c]), kAllBits)) header = false;
            }
        }
    }
    dialect.header = header;

    if (!options.columns.empty()) {
        for (const auto& [name, type] : options.columns) {
            schema.names.push_back(name);
            schema.types.push_back(type);
        }
    } else {
        for (size_t c = 0; c < num_columns; ++c) {
            std::string name;
            if (header && have_first) name = std::string(text(fields[rows[0].first_field + c]));
            if (name.empty()) name = "column" + std::to_string(c);
            schema.names.push_back(name);
            Type type;
            if (header) {
                type = rest_types[c];
            } else {
                uint32_t mask = masks[c];
                bool any = any_value[c];
                if (have_first) {
                    const SampleField& f = fields[rows[0].first_field + c];
                    if (!is_null(f)) {
                        any = true;
                        mask = candidate_types(text(f), mask);
                    }
                }
                type = type_from_bits(mask, any);
            }
            schema.types.push_back(options.all_varchar ? Type::varchar() : type);
        }
        // Duplicate names get _1, _2 ... suffixes (case-insensitively, as SQL resolves them).
        std::set<std::string> used;
        for (auto& name : schema.names) {
            if (used.insert(lower_copy(name)).second) continue;
            for (int suffix = 1;; ++suffix) {
                std::string candidate = name + "_" + std::to_string(suffix);
                if (used.insert(lower_copy(candidate)).second) {
                    name = candidate;
                    break;
                }
            }
        }
    }
    for (const auto& [name, type] : options.types) {
        bool found = false;
        for (size_t c = 0; c < schema.names.size(); ++c) {
            if (lower_copy(schema.names[c]) == lower_copy(name)) {
                schema.types[c] = type;
                found = true;
            }
        }
        if (!found)
            raise(ErrorCode::kUndefinedColumn, "types option names unknown column '{}' in {}", name, file);
    }
    for (const auto& type : schema.types) {
        if (type.is_nested() || type.id() == TypeId::kInterval || type.id() == TypeId::kNull) {
            raise(ErrorCode::kNotSupported, "CSV columns of type {} are not supported", type.to_string());
        }
    }
    return schema;
}

}  // namespace fedq
