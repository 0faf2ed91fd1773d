#include "formats/csv_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <numeric>
#include <random>

#include "common/error.h"
#include "format_test_util.h"
#include "formats/text_conversion.h"
#include "io/input_stream.h"

namespace fedq {
namespace {

using test::data_file;
using Rows = std::vector<std::vector<std::string>>;

struct ReadResult {
    CsvSchema schema;
    Rows rows;
    std::vector<size_t> batch_sizes;
};

ReadResult read_csv(const std::string& path, const CsvOptions& options = {}, size_t batch_rows = 1024,
                    std::vector<size_t> projection = {}) {
    ReadResult result;
    {
        auto in = open_input_stream(path);
        result.schema = sniff_csv(*in, options);
    }
    if (projection.empty()) {
        projection.resize(result.schema.names.size());
        std::iota(projection.begin(), projection.end(), 0);
    }
    CsvReader reader(open_input_stream(path), result.schema, projection, batch_rows);
    Batch batch;
    while (reader.next(batch)) {
        result.batch_sizes.push_back(batch.num_rows);
        test::append_rows(batch, result.rows);
    }
    return result;
}

std::string temp_file(const std::string& name, const std::string& content) {
    std::string path = std::filesystem::temp_directory_path().string() + "/fedq_csv_" +
                       std::to_string(::getpid()) + "_" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

template <typename F>
Error capture_error(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected a fedq::Error";
    return Error(ErrorCode::kInternal, "none");
}

TEST(TextConversion, Parsers) {
    int64_t i;
    EXPECT_TRUE(parse_int64_text("-123", i));
    EXPECT_EQ(i, -123);
    EXPECT_TRUE(parse_int64_text(" +42 ", i));
    EXPECT_EQ(i, 42);
    EXPECT_TRUE(parse_int64_text("9223372036854775807", i));
    EXPECT_EQ(i, INT64_MAX);
    EXPECT_FALSE(parse_int64_text("9223372036854775808", i));
    EXPECT_FALSE(parse_int64_text("12a", i));
    EXPECT_FALSE(parse_int64_text("", i));
    EXPECT_FALSE(parse_int64_text("-", i));
    int8_t small;
    EXPECT_FALSE(parse_integer_text("200", small));
    EXPECT_TRUE(parse_integer_text("-128", small));
    double d;
    EXPECT_TRUE(parse_double_text("1e3", d));
    EXPECT_EQ(d, 1000.0);
    EXPECT_TRUE(parse_double_text("-0.25", d));
    EXPECT_FALSE(parse_double_text("1.2.3", d));
    int32_t day;
    EXPECT_TRUE(parse_date_text("1970-01-02", day));
    EXPECT_EQ(day, 1);
    EXPECT_FALSE(parse_date_text("2023-02-29", day));
    EXPECT_TRUE(parse_date_text("2024-2-9", day));
    int64_t ts;
    EXPECT_TRUE(parse_timestamp_text("1970-01-01T00:00:01.5", false, ts));
    EXPECT_EQ(ts, 1500000);
    EXPECT_FALSE(parse_timestamp_text("1970-01-01 00:00:01+02:00", false, ts));
    int128_t dec;
    EXPECT_TRUE(parse_decimal_text("12.5", 10, 2, dec));
    EXPECT_EQ(dec, 1250);
    EXPECT_TRUE(parse_decimal_text("-0.01", 10, 2, dec));
    EXPECT_EQ(dec, -1);
    EXPECT_TRUE(parse_decimal_text("1.005", 10, 2, dec));  // rounds half away from zero
    EXPECT_EQ(dec, 101);
    EXPECT_FALSE(parse_decimal_text("123456789.5", 10, 2, dec));
    EXPECT_FALSE(parse_decimal_text("x", 10, 2, dec));
    uint8_t b;
    EXPECT_TRUE(parse_boolean_text("TRUE", false, b));
    EXPECT_EQ(b, 1);
    EXPECT_FALSE(parse_boolean_text("1", false, b));
    EXPECT_TRUE(parse_boolean_text("1", true, b));
}

TEST(CsvReader, BasicInferenceQuotesNullsUnicode) {
    ReadResult r = read_csv(data_file("basic.csv"));
    const CsvSchema& s = r.schema;
    EXPECT_EQ(s.dialect.delimiter, ',');
    EXPECT_TRUE(s.dialect.header);
    EXPECT_TRUE(s.multiline_fields);
    ASSERT_EQ(s.names, (std::vector<std::string>{"id", "name", "price", "active", "day", "ts"}));
    EXPECT_EQ(s.types[0], Type::bigint());
    EXPECT_EQ(s.types[1], Type::varchar());
    EXPECT_EQ(s.types[2], Type::double_());
    EXPECT_EQ(s.types[3], Type::boolean());
    EXPECT_EQ(s.types[4], Type::date());
    EXPECT_EQ(s.types[5], Type::timestamp());
    ASSERT_EQ(r.rows.size(), 6u);
    EXPECT_EQ(r.rows[0], (std::vector<std::string>{"1", "Smith, John", "12.5", "true", "2024-01-05",
                                                   "2024-01-05 10:11:12"}));
    EXPECT_EQ(r.rows[1][1], "multi\nline");
    EXPECT_EQ(r.rows[1][5], "2024-02-29 23:59:59.500");
    EXPECT_EQ(r.rows[2], (std::vector<std::string>{"3", "NULL", "NULL", "NULL", "NULL", "NULL"}));
    EXPECT_EQ(r.rows[3][1], "say \"hi\"");
    EXPECT_EQ(r.rows[3][2], "-7.25");
    EXPECT_EQ(r.rows[4][1], "");  // quoted empty string is not NULL
    EXPECT_EQ(r.rows[5][1], "Zürich 東京");
    EXPECT_EQ(r.rows[5][2], "1000");
}

TEST(CsvReader, TinyBatchesGiveSameRows) {
    ReadResult all = read_csv(data_file("basic.csv"));
    ReadResult small = read_csv(data_file("basic.csv"), {}, 3);
    EXPECT_EQ(small.rows, all.rows);
    EXPECT_EQ(small.batch_sizes, (std::vector<size_t>{3, 3}));
    ReadResult one = read_csv(data_file("basic.csv"), {}, 1);
    EXPECT_EQ(one.rows, all.rows);
}

TEST(CsvReader, Projection) {
    ReadResult r = read_csv(data_file("basic.csv"), {}, 4, {5, 0});
    ASSERT_EQ(r.rows.size(), 6u);
    EXPECT_EQ(r.rows[0], (std::vector<std::string>{"2024-01-05 10:11:12", "1"}));
    EXPECT_EQ(r.rows[2], (std::vector<std::string>{"NULL", "3"}));
}

TEST(CsvReader, BomCrlfPipeNoFinalNewline) {
    ReadResult r = read_csv(data_file("bom_crlf_pipe.csv"));
    EXPECT_EQ(r.schema.dialect.delimiter, '|');
    EXPECT_TRUE(r.schema.dialect.header);
    EXPECT_EQ(r.schema.names, (std::vector<std::string>{"code", "label", "qty"}));
    EXPECT_EQ(r.schema.types[2], Type::bigint());
    Rows expected = {
        {"A", "first", "10"}, {"B", "with | pipe", "20"}, {"C", "NULL", "NULL"}, {"D", "last", "40"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(CsvReader, NoHeaderTab) {
    ReadResult r = read_csv(data_file("no_header.tsv"));
    EXPECT_EQ(r.schema.dialect.delimiter, '\t');
    EXPECT_FALSE(r.schema.dialect.header);
    EXPECT_EQ(r.schema.names, (std::vector<std::string>{"column0", "column1", "column2"}));
    EXPECT_EQ(r.schema.types[0], Type::bigint());
    EXPECT_EQ(r.schema.types[1], Type::double_());
    EXPECT_EQ(r.schema.types[2], Type::varchar());
    Rows expected = {{"1", "2.5", "hello"}, {"2", "-1", "world"}, {"3", "NULL", "NULL"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(CsvReader, ExplicitHeaderFalseKeepsFirstRow) {
    CsvOptions options;
    options.header = false;
    ReadResult r = read_csv(data_file("strings_header.csv"), options);
    EXPECT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.rows[0][0], "name");
    ReadResult detected = read_csv(data_file("strings_header.csv"));
    EXPECT_TRUE(detected.schema.dialect.header);
    EXPECT_EQ(detected.schema.names, (std::vector<std::string>{"name", "city"}));
    EXPECT_EQ(detected.rows.size(), 2u);
}

TEST(CsvReader, CommentsSemicolonBlankLines) {
    CsvOptions options;
    options.comment = '#';
    ReadResult r = read_csv(data_file("comments_semicolon.csv"), options);
    EXPECT_EQ(r.schema.dialect.delimiter, ';');
    EXPECT_EQ(r.schema.names, (std::vector<std::string>{"name", "score"}));
    EXPECT_EQ(r.schema.types[1], Type::double_());
    Rows expected = {{"ann", "1.5"}, {"bob", "2"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(CsvReader, SkipLines) {
    CsvOptions options;
    options.skip = 2;
    options.header = false;
    ReadResult r = read_csv(data_file("bad_value.csv"), options);
    Rows expected = {{"3", "4"}, {"5", "abc"}, {"7", "8"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(CsvReader, DuplicateAndEmptyHeaderNames) {
    CsvOptions options;
    options.header = true;
    ReadResult r = read_csv(data_file("dup_names.csv"), options);
    EXPECT_EQ(r.schema.names, (std::vector<std::string>{"x", "x_1", "column2", "y"}));
}

TEST(CsvReader, BackslashEscape) {
    CsvOptions options;
    options.escape = '\\';
    ReadResult r = read_csv(data_file("backslash_escape.csv"), options);
    EXPECT_EQ(r.schema.names, (std::vector<std::string>{"id", "note"}));
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0][1], "a \"quoted\" word");
}

TEST(CsvReader, ExplicitColumnsTypesAllVarchar) {
    CsvOptions options;
    options.columns = {{"k", Type::integer()}, {"n", Type::varchar()}, {"p", Type::decimal(10, 2)},
                       {"a", Type::boolean()}, {"d", Type::date()},    {"t", Type::timestamp()}};
    ReadResult r = read_csv(data_file("basic.csv"), options);
    EXPECT_TRUE(r.schema.dialect.header);
    EXPECT_EQ(r.schema.names[2], "p");
    ASSERT_EQ(r.rows.size(), 6u);
    EXPECT_EQ(r.rows[0][2], "12.50");
    EXPECT_EQ(r.rows[5][2], "1000.00");

    CsvOptions overrides;
    overrides.types = {{"price", Type::decimal(10, 2)}, {"ID", Type::varchar()}};
    ReadResult o = read_csv(data_file("basic.csv"), overrides);
    EXPECT_EQ(o.schema.types[0], Type::varchar());
    EXPECT_EQ(o.schema.types[2], Type::decimal(10, 2));
    EXPECT_EQ(o.rows[3][2], "-7.25");

    CsvOptions bad;
    bad.types = {{"nope", Type::integer()}};
    EXPECT_THROW(read_csv(data_file("basic.csv"), bad), Error);

    CsvOptions varchar;
    varchar.all_varchar = true;
    ReadResult v = read_csv(data_file("basic.csv"), varchar);
    for (const auto& t : v.schema.types) EXPECT_EQ(t, Type::varchar());
    EXPECT_EQ(v.rows[0][2], "12.50");
}

TEST(CsvReader, NullString) {
    std::string path = temp_file("nullstr.csv", "a,b\n1,NA\nNA,x\n,\"NA\"\n");
    CsvOptions options;
    options.null_string = "NA";
    ReadResult r = read_csv(path, options);
    EXPECT_EQ(r.schema.types[0], Type::bigint());
    Rows expected = {{"1", "NULL"}, {"NULL", "x"}, {"NULL", "NA"}};
    EXPECT_EQ(r.rows, expected);
    std::remove(path.c_str());
}

TEST(CsvReader, BadValueNamesFileLineColumn) {
    CsvOptions options;
    options.types = {{"b", Type::bigint()}};
    Error e = capture_error([&] { read_csv(data_file("bad_value.csv"), options); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message(),
              "file " + data_file("bad_value.csv") + " line 4, column 'b': cannot parse 'abc' as BIGINT");
    // Also when the bad row is in a later chunk than the first batch.
    Error e3 = capture_error([&] { read_csv(data_file("bad_value.csv"), options, 1); });
    EXPECT_EQ(e3.message(), e.message());

    options.ignore_errors = true;
    ReadResult r = read_csv(data_file("bad_value.csv"), options, 2);
    Rows expected = {{"1", "2"}, {"3", "4"}, {"7", "8"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(CsvReader, InferenceSampleSizeThenBadValue) {
    CsvOptions options;
    options.sample_size = 2;
    Error e = capture_error([&] { read_csv(data_file("bad_value.csv"), options); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_NE(e.message().find("line 4, column 'b': cannot parse 'abc' as BIGINT"), std::string::npos);
}

TEST(CsvReader, WrongFieldCount) {
    Error e = capture_error([&] { read_csv(data_file("bad_fields.csv")); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message(), "file " + data_file("bad_fields.csv") + " line 3: expected 3 fields but found 2");
    CsvOptions options;
    options.ignore_errors = true;
    ReadResult r = read_csv(data_file("bad_fields.csv"), options, 3);
    Rows expected = {{"1", "2", "3"}, {"6", "7", "8"}, {"13", "14", "15"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(CsvReader, UnterminatedQuote) {
    Error e = capture_error([&] { read_csv(data_file("unterminated.csv")); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_NE(e.message().find("line 2: unterminated quoted field"), std::string::npos) << e.message();
}

TEST(CsvReader, EmptyFile) {
    std::string path = temp_file("empty.csv", "");
    EXPECT_THROW(read_csv(path), Error);
    std::string header_only = temp_file("header_only.csv", "a,b,c\n");
    ReadResult r = read_csv(header_only);
    EXPECT_EQ(r.schema.names, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(r.rows.empty());
    std::remove(path.c_str());
    std::remove(header_only.c_str());
}

std::string big_csv(size_t rows) {
    std::string text = "id,name,value,flag\n";
    for (size_t i = 0; i < rows; ++i) {
        text += std::to_string(i) + ",";
        if (i % 7 == 0)
            text += "\"quoted, " + std::to_string(i) + "\"";
        else if (i % 11 == 0)
            text += "";
        else
            text += "name" + std::to_string(i);
        text += "," + std::to_string(i * 0.5) + "," + (i % 2 ? "true" : "false") + "\n";
    }
    return text;
}

TEST(CsvReader, LargeFileCrossesBufferBoundaries) {
    std::string text = big_csv(300000);  // > 8 MB block
    ASSERT_GT(text.size(), 9u << 20);
    std::string path = temp_file("big.csv", text);
    ReadResult r = read_csv(path, {}, 4096, {0, 1, 3});
    ASSERT_EQ(r.rows.size(), 300000u);
    for (size_t i : {0ul, 1ul, 7ul, 11ul, 77ul, 150001ul, 299999ul}) {
        EXPECT_EQ(r.rows[i][0], std::to_string(i));
        if (i % 7 == 0)
            EXPECT_EQ(r.rows[i][1], "quoted, " + std::to_string(i));
        else if (i % 11 == 0)
            EXPECT_EQ(r.rows[i][1], "NULL");
        else
            EXPECT_EQ(r.rows[i][1], "name" + std::to_string(i));
        EXPECT_EQ(r.rows[i][2], i % 2 ? "true" : "false");
    }
    std::remove(path.c_str());
}

TEST(CsvReader, ByteRangesMatchWholeFile) {
    std::string text = big_csv(5000);
    std::string path = temp_file("ranges.csv", text);
    CsvSchema schema = sniff_csv(*open_input_stream(path), {});
    std::vector<size_t> projection = {0, 1, 2, 3};
    Rows whole;
    {
        CsvReader reader(open_input_stream(path), schema, projection, 3);
        Batch b;
        while (reader.next(b)) test::append_rows(b, whole);
    }
    ASSERT_EQ(whole.size(), 5000u);
    for (uint64_t piece : {1000ull, 4096ull, 33333ull}) {
        Rows joined;
        uint64_t size = text.size();
        for (uint64_t begin = 0; begin < size; begin += piece) {
            uint64_t end = std::min(size, begin + piece);
            auto file = get_file_system(path).open(path);
            auto in = std::make_unique<FileInputStream>(std::move(file), begin > 0 ? begin - 1 : 0);
            CsvReader reader(std::move(in), schema, projection, 3, {begin, end});
            Batch b;
            while (reader.next(b)) test::append_rows(b, joined);
        }
        EXPECT_EQ(joined, whole) << "piece " << piece;
    }
    std::remove(path.c_str());
}

TEST(CsvReader, RangeErrorReportsPhysicalLine) {
    std::string text = "a,b\n";
    for (int i = 0; i < 100; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
    text += "x,1\n";  // line 102
    std::string path = temp_file("range_err.csv", text);
    CsvSchema schema = sniff_csv(*open_input_stream(path), {});
    EXPECT_EQ(schema.types[0], Type::varchar());  // the sample saw 'x'
    schema.types[0] = Type::bigint();
    uint64_t begin = text.size() / 2;
    auto in = std::make_unique<FileInputStream>(get_file_system(path).open(path), begin - 1);
    auto locator = [&](uint64_t offset) {
        return static_cast<uint64_t>(
            std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
    };
    CsvReader reader(std::move(in), schema, {0, 1}, 3, {begin, text.size()}, locator);
    Batch b;
    Error e = capture_error([&] {
        while (reader.next(b)) {
        }
    });
    EXPECT_NE(e.message().find("line 102, column 'a': cannot parse 'x' as BIGINT"), std::string::npos)
        << e.message();
    std::remove(path.c_str());
}

TEST(CsvReader, GzipInput) {
    std::string text = big_csv(2000);
    std::string gz(compressBound(text.size()) + 100, '\0');
    z_stream s{};
    deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    s.next_in = reinterpret_cast<Bytef*>(text.data());
    s.avail_in = static_cast<uInt>(text.size());
    s.next_out = reinterpret_cast<Bytef*>(gz.data());
    s.avail_out = static_cast<uInt>(gz.size());
    deflate(&s, Z_FINISH);
    gz.resize(s.total_out);
    deflateEnd(&s);
    std::string path = temp_file("zipped.csv.gz", gz);
    std::string plain = temp_file("plain.csv", text);
    ReadResult a = read_csv(path, {}, 3);
    ReadResult b = read_csv(plain);
    EXPECT_EQ(a.rows.size(), 2000u);
    EXPECT_EQ(a.rows, b.rows);
    std::remove(path.c_str());
    std::remove(plain.c_str());
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

TEST(CsvReader, QuoteInsideUnquotedFieldIsData) {
    std::string path = temp_file("inner_quote.csv", "a,b,c\n1,ab\"c,2\n3,x\"\"y,4\n");
    ReadResult r = read_csv(path);
    Rows expected = {{"1", "ab\"c", "2"}, {"3", "x\"\"y", "4"}};
    EXPECT_EQ(r.rows, expected);
    std::remove(path.c_str());
}

// Random bytes and mutated CSV must give rows or a fedq::Error, never a crash or a hang.
TEST(CsvReader, GarbageInputNeverCrashes) {
    std::mt19937 rng(7);
    const std::string alphabet = "ab1,\"\n\r;|\t.-: \\#";
    for (int round = 0; round < 300; ++round) {
        std::string text;
        size_t length = rng() % 400;
        for (size_t i = 0; i < length; ++i) {
            text += round % 3 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        }
        std::string path = temp_file("garbage.csv", text);
        for (bool ignore : {false, true}) {
            CsvOptions options;
            options.ignore_errors = ignore;
            try {
                read_csv(path, options, 1 + rng() % 5);
            } catch (const Error&) {
            }
        }
        std::remove(path.c_str());
    }
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

TEST(CsvReader, NanAndInfAloneAreText) {
    std::string path = temp_file("nan.csv", "name,v\nnan,1.5\ninf,nan\n");
    ReadResult r = read_csv(path);
    EXPECT_EQ(r.schema.types[0], Type::varchar());
    EXPECT_EQ(r.schema.types[1], Type::varchar());  // 1.5 and nan: nan alone is not a number
    CsvOptions options;
    options.types = {{"v", Type::double_()}};
    ReadResult typed = read_csv(path, options);
    EXPECT_EQ(typed.rows[1][1], "NaN");  // explicitly DOUBLE: NaN parses
    std::remove(path.c_str());
}

}  // namespace
}  // namespace fedq
