#include "cli/output_format.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

namespace fedq {
namespace {

// id INTEGER, name VARCHAR, price DECIMAL(10,2), ok BOOLEAN, score DOUBLE: 3 rows with NULLs and tricky text.
QueryResult sample_result() {
    QueryResult result;
    result.column_names = {"id", "name", "price", "ok", "score"};
    result.column_types = {Type::integer(), Type::varchar(), Type::decimal(10, 2), Type::boolean(),
                           Type::double_()};
    std::vector<ColumnPtr> columns;
    for (const Type& type : result.column_types) columns.push_back(Column::make(type));
    columns[0]->append<int32_t>(1);
    columns[0]->append<int32_t>(-22);
    columns[0]->append_null();
    columns[1]->append_string("plain");
    columns[1]->append_string("a,\"quoted\"\nline");
    columns[1]->append_string("");
    columns[2]->append<int128_t>(1250);
    columns[2]->append_null();
    columns[2]->append<int128_t>(-5);
    columns[3]->append<uint8_t>(1);
    columns[3]->append<uint8_t>(0);
    columns[3]->append_null();
    columns[4]->append<double>(0.5);
    columns[4]->append<double>(std::numeric_limits<double>::quiet_NaN());
    columns[4]->append<double>(1e20);
    result.batches.emplace_back(3, std::move(columns));
    result.row_count = 3;
    return result;
}

std::string render(const QueryResult& result, OutputFormat format, size_t max_rows = 0) {
    FormatOptions options;
    options.format = format;
    options.max_rows = max_rows;
    std::ostringstream out;
    write_result(result, options, out);
    return out.str();
}

TEST(OutputFormat, ParsesNames) {
    EXPECT_EQ(parse_output_format("CSV"), OutputFormat::kCsv);
    EXPECT_EQ(parse_output_format("markdown"), OutputFormat::kMarkdown);
    EXPECT_EQ(parse_output_format("ndjson"), OutputFormat::kNdjson);
    EXPECT_FALSE(parse_output_format("xml").has_value());
    EXPECT_EQ(output_format_name(OutputFormat::kTsv), "tsv");
}

TEST(OutputFormat, CellTextFollowsValueToString) {
    QueryResult result = sample_result();
    const Batch& batch = result.batches[0];
    for (size_t c = 0; c < batch.num_columns(); ++c) {
        for (size_t row = 0; row < batch.num_rows; ++row) {
            EXPECT_EQ(cell_text(batch.column(c), row), batch.column(c).value_at(row).to_string())
                << "column " << c << " row " << row;
        }
    }
    EXPECT_EQ(cell_text(batch.column(2), 2), "-0.05");
    EXPECT_EQ(cell_text(batch.column(4), 1), "NaN");
}

TEST(OutputFormat, CsvQuotesAndNulls) {
    EXPECT_EQ(render(sample_result(), OutputFormat::kCsv),
              "id,name,price,ok,score\n"
              "1,plain,12.50,true,0.5\n"
              "-22,\"a,\"\"quoted\"\"\nline\",,false,NaN\n"
              ",\"\",-0.05,,1e+20\n");
}

TEST(OutputFormat, TsvEscapes) {
    EXPECT_EQ(render(sample_result(), OutputFormat::kTsv),
              "id\tname\tprice\tok\tscore\n"
              "1\tplain\t12.50\ttrue\t0.5\n"
              "-22\ta,\"quoted\"\\nline\t\tfalse\tNaN\n"
              "\t\t-0.05\t\t1e+20\n");
}

TEST(OutputFormat, JsonArrayWithTypedValues) {
    EXPECT_EQ(
        render(sample_result(), OutputFormat::kJson),
        "[{\"id\":1,\"name\":\"plain\",\"price\":12.50,\"ok\":true,\"score\":0.5},\n"
        "{\"id\":-22,\"name\":\"a,\\\"quoted\\\"\\nline\",\"price\":null,\"ok\":false,\"score\":\"NaN\"},\n"
        "{\"id\":null,\"name\":\"\",\"price\":-0.05,\"ok\":null,\"score\":1e+20}]\n");
}

TEST(OutputFormat, NdjsonOneObjectPerLine) {
    std::string out = render(sample_result(), OutputFormat::kNdjson);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
    EXPECT_EQ(out.substr(0, out.find('\n')),
              "{\"id\":1,\"name\":\"plain\",\"price\":12.50,\"ok\":true,\"score\":0.5}");
}

TEST(OutputFormat, JsonEmptyResultIsEmptyArray) {
    QueryResult result;
    result.column_names = {"x"};
    result.column_types = {Type::integer()};
    EXPECT_EQ(render(result, OutputFormat::kJson), "[]\n");
    EXPECT_EQ(render(result, OutputFormat::kCsv), "x\n");
    EXPECT_EQ(render(result, OutputFormat::kNdjson), "");
}

TEST(OutputFormat, JsonNestedValues) {
    QueryResult result;
    Type array_type = Type::array(Type::integer());
    Type row_type = Type::row({"a", "b"}, {Type::varchar(), Type::boolean()});
    result.column_names = {"arr", "rec"};
    result.column_types = {array_type, row_type};
    auto arr = Column::make(array_type);
    arr->append_value(
        Value::nested(array_type, {Value::integer(1), Value::null(Type::integer()), Value::integer(3)}));
    auto rec = Column::make(row_type);
    rec->append_value(Value::nested(row_type, {Value::varchar("x\"y"), Value::boolean(true)}));
    result.batches.emplace_back(1, std::vector<ColumnPtr>{arr, rec});
    result.row_count = 1;
    EXPECT_EQ(render(result, OutputFormat::kJson),
              "[{\"arr\":[1,null,3],\"rec\":{\"a\":\"x\\\"y\",\"b\":true}}]\n");
}

TEST(OutputFormat, MarkdownTable) {
    EXPECT_EQ(render(sample_result(), OutputFormat::kMarkdown),
              "| id | name | price | ok | score |\n"
              "| ---: | --- | ---: | --- | ---: |\n"
              "| 1 | plain | 12.50 | true | 0.5 |\n"
              "| -22 | a,\"quoted\"<br>line | NULL | false | NaN |\n"
              "| NULL |  | -0.05 | NULL | 1e+20 |\n");
}

TEST(OutputFormat, TableAlignsAndShowsTypes) {
    QueryResult result;
    result.column_names = {"n", "s"};
    result.column_types = {Type::bigint(), Type::varchar()};
    auto n = Column::make(Type::bigint());
    auto s = Column::make(Type::varchar());
    n->append<int64_t>(5);
    n->append<int64_t>(12345);
    s->append_string("héllo");
    s->append_null();
    result.batches.emplace_back(2, std::vector<ColumnPtr>{n, s});
    result.row_count = 2;
    FormatOptions options;
    options.unicode = false;
    std::ostringstream out;
    write_result(result, options, out);
    EXPECT_EQ(out.str(),
              "+--------+---------+\n"
              "|      n | s       |\n"
              "| BIGINT | VARCHAR |\n"
              "+--------+---------+\n"
              "|      5 | héllo   |\n"
              "|  12345 | NULL    |\n"
              "+--------+---------+\n"
              "(2 rows)\n");
}

TEST(OutputFormat, TableTruncatesRowsAndWideValues) {
    QueryResult result;
    result.column_names = {"s"};
    result.column_types = {Type::varchar()};
    auto s = Column::make(Type::varchar());
    for (int i = 0; i < 5; ++i) s->append_string(std::string(50, 'x'));
    result.batches.emplace_back(5, std::vector<ColumnPtr>{s});
    result.row_count = 5;
    FormatOptions options;
    options.unicode = false;
    options.max_rows = 2;
    options.max_width = 10;
    std::ostringstream out;
    write_result(result, options, out);
    EXPECT_EQ(out.str(),
              "+------------+\n"
              "| s          |\n"
              "| VARCHAR    |\n"
              "+------------+\n"
              "| xxxxxxxxx… |\n"
              "| xxxxxxxxx… |\n"
              "+------------+\n"
              "(5 rows, 2 shown)\n");
}

TEST(OutputFormat, TableEscapesControlCharactersAndSingularFooter) {
    QueryResult result;
    result.column_names = {"s"};
    result.column_types = {Type::varchar()};
    auto s = Column::make(Type::varchar());
    s->append_string("a\tb\nc");
    result.batches.emplace_back(1, std::vector<ColumnPtr>{s});
    result.row_count = 1;
    std::string out = render(result, OutputFormat::kTable);
    EXPECT_NE(out.find("a\\tb\\nc"), std::string::npos);
    EXPECT_NE(out.find("┌"), std::string::npos);
    EXPECT_NE(out.find("(1 row)\n"), std::string::npos);
}

TEST(OutputFormat, MessageForStatementsWithoutRows) {
    QueryResult result;
    result.has_rows = false;
    result.message = "SET";
    EXPECT_EQ(render(result, OutputFormat::kTable), "SET\n");
    EXPECT_EQ(render(result, OutputFormat::kCsv), "");
}

TEST(OutputFormat, CsvFromSeveralBatchesAndDates) {
    QueryResult result;
    result.column_names = {"d", "ts"};
    result.column_types = {Type::date(), Type::timestamp()};
    for (int b = 0; b < 2; ++b) {
        auto d = Column::make(Type::date());
        auto ts = Column::make(Type::timestamp());
        d->append<int32_t>(19727 + b);  // 2024-01-05
        ts->append<int64_t>(0);
        result.batches.emplace_back(1, std::vector<ColumnPtr>{d, ts});
    }
    result.row_count = 2;
    std::string out = render(result, OutputFormat::kCsv);
    EXPECT_EQ(out, "d,ts\n2024-01-05," + Value::timestamp(0).to_string() + "\n2024-01-06," +
                       Value::timestamp(0).to_string() + "\n");
}

TEST(OutputFormat, BytesAndStatsLine) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(999), "999 B");
    EXPECT_EQ(format_bytes(12300000), "12.3 MB");
    EXPECT_EQ(format_bytes(1500000000), "1.5 GB");
    QueryStats stats;
    stats.elapsed_seconds = 0.1234;
    stats.bytes_scanned = 12300000;
    EXPECT_EQ(format_stats_line(3, stats, true), "(3 rows, 0.123 s, 12.3 MB scanned)");
    EXPECT_EQ(format_stats_line(1, stats, false), "(1 row, 12.3 MB scanned)");
    // One source: no breakdown; several: bytes per source in the order they were read.
    stats.bytes_by_source = {{"lake", 12300000}};
    EXPECT_EQ(format_stats_line(1, stats, false), "(1 row, 12.3 MB scanned)");
    stats.bytes_by_source = {{"lake", 12000000}, {"pg", 300000}};
    EXPECT_EQ(format_stats_line(1, stats, false), "(1 row, 12.3 MB scanned: lake 12.0 MB, pg 300.0 KB)");
}

}  // namespace
}  // namespace fedq
