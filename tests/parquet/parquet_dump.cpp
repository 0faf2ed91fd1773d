// parquet_dump FILE [--batch N] [--stats] [--dict] [--count]: reads every row group of a Parquet file with fedq's
// reader and prints a header line "name<TAB>TYPE..." then one line per row, fields separated by TAB, NULL as
// \N, in a canonical text form compared by check_parquet.mjs with DuckDB's answers: integers and decimals in
// decimal notation, DATE as days since 1970-01-01, timestamps as epoch microseconds, floats in shortest
// round-trip form, VARBINARY as lowercase hex, strings with \ TAB and newline escaped.
// Errors are printed as "ERROR <sqlstate>: message" with exit status 1.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/error.h"
#include "formats/parquet_reader.h"

using namespace fedq;

namespace {

std::string escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else
            out.push_back(c);
    }
    return out;
}

std::string decimal_text(int128_t v, int scale) {
    bool neg = v < 0;
    unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    } while (u);
    if (scale > 0) {
        while (digits.size() <= static_cast<size_t>(scale)) digits.insert(digits.begin(), '0');
        digits.insert(digits.end() - scale, '.');
    }
    return neg ? "-" + digits : digits;
}

std::string cell(const Column& c, size_t r);

std::string cell(const Column& c, size_t r) {
    if (c.is_null(r)) return "\\N";
    switch (c.type().id()) {
        case TypeId::kBoolean:
            return c.values<uint8_t>()[r] ? "true" : "false";
        case TypeId::kTinyInt:
            return fmt::format("{}", c.values<int8_t>()[r]);
        case TypeId::kSmallInt:
            return fmt::format("{}", c.values<int16_t>()[r]);
        case TypeId::kInteger:
        case TypeId::kDate:
            return fmt::format("{}", c.values<int32_t>()[r]);
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
            return fmt::format("{}", c.values<int64_t>()[r]);
        case TypeId::kReal:
            return fmt::format("{}", c.values<float>()[r]);
        case TypeId::kDouble:
            return fmt::format("{}", c.values<double>()[r]);
        case TypeId::kDecimal:
            return decimal_text(c.values<int128_t>()[r], c.type().scale());
        case TypeId::kVarchar:
        case TypeId::kJson:
            return escape(c.string_at(r));
        case TypeId::kVarbinary: {
            std::string out;
            for (unsigned char b : c.string_at(r)) out += fmt::format("{:02x}", b);
            return out;
        }
        case TypeId::kArray: {
            // DuckDB's VARCHAR form: [1, NULL, 3]
            const int32_t* off = c.offsets();
            std::string out = "[";
            for (int32_t i = off[r]; i < off[r + 1]; ++i) {
                if (i > off[r]) out += ", ";
                const Column& e = c.children()[0];
                out += e.is_null(i) ? "NULL" : cell(e, i);
            }
            return out + "]";
        }
        case TypeId::kRow: {
            // DuckDB's VARCHAR form: {'a': 1, 'b': NULL}
            std::string out = "{";
            for (size_t k = 0; k < c.children().size(); ++k) {
                if (k) out += ", ";
                const Column& f = c.children()[k];
                out += "'" + c.type().field_names()[k] + "': " + (f.is_null(r) ? "NULL" : cell(f, r));
            }
            return out + "}";
        }
        default:
            return c.value_at(r).to_string();
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: parquet_dump FILE [--batch N] [--stats]\n");
        return 2;
    }
    size_t batch_rows = kDefaultBatchRows;
    bool stats = false;
    bool dict = false;
    bool count_only = false;  // --count: decode everything, print only the row count (for timing)
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--batch") && i + 1 < argc)
            batch_rows = std::stoul(argv[++i]);
        else if (!std::strcmp(argv[i], "--stats"))
            stats = true;
        else if (!std::strcmp(argv[i], "--dict"))
            dict = true;
        else if (!std::strcmp(argv[i], "--count"))
            count_only = true;
    }
    try {
        auto reader = ParquetReader::open(argv[1]);
        const auto& columns = reader->columns();
        std::vector<size_t> projection;
        std::string header;
        for (size_t i = 0; i < columns.size(); ++i) {
            if (!columns[i].supported) continue;
            projection.push_back(i);
            if (!header.empty()) header += '\t';
            header += columns[i].name + ":" + columns[i].type.to_string();
        }
        std::fputs((header + "\n").c_str(), stdout);
        size_t total_rows = 0;
        for (size_t g = 0; g < reader->num_row_groups(); ++g) {
            if (stats) {
                for (size_t i : projection) {
                    auto s = reader->statistics(g, i);
                    std::printf("#stats rg=%zu %s min=%s max=%s nulls=%lld\n", g, columns[i].name.c_str(),
                                s.min ? s.min->to_string().c_str() : "-",
                                s.max ? s.max->to_string().c_str() : "-",
                                static_cast<long long>(s.null_count.value_or(-1)));
                }
            }
            if (dict) {
                for (size_t i : projection) {
                    auto values = reader->dictionary_values(g, i);
                    std::string text = values ? "" : "-";
                    if (values) {
                        std::vector<std::string> parts;
                        for (const auto& v : *values) parts.push_back(v.is_null() ? "NULL" : v.to_string());
                        std::sort(parts.begin(), parts.end());
                        for (size_t k = 0; k < parts.size(); ++k) text += (k ? "," : "") + parts[k];
                    }
                    std::printf("#dict rg=%zu %s %s\n", g, columns[i].name.c_str(), text.c_str());
                }
            }
            for (const Batch& batch : reader->read_row_group(g, projection, batch_rows)) {
                if (count_only) {
                    total_rows += batch.num_rows;
                    continue;
                }
                std::string out;
                for (size_t r = 0; r < batch.num_rows; ++r) {
                    for (size_t c = 0; c < batch.num_columns(); ++c) {
                        if (c) out += '\t';
                        out += cell(batch.column(c), r);
                    }
                    out += '\n';
                }
                std::fwrite(out.data(), 1, out.size(), stdout);
            }
        }
        if (count_only) std::printf("%zu rows\n", total_rows);
    } catch (const Error& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "ERROR %s: %s\n", std::string(e.sqlstate()).c_str(), e.message().c_str());
        return 1;
    }
    return 0;
}
