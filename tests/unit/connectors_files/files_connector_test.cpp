#include "connectors/files/files_connector.h"

#include <cstdlib>

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "connectors/files/file_scan_options.h"

namespace fedq {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

std::string data_file(const std::string& name) {
    return (fs::path(__FILE__).parent_path() / "../../data/files" / name).lexically_normal().string();
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

class FilesConnectorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("fedq_files_test_" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    void TearDown() override { fs::remove_all(root_); }

    std::string write(const std::string& name, const std::string& content) {
        fs::path p = root_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    std::string path(const std::string& name) const { return (root_ / name).string(); }

    static std::string gzip(const std::string& data) {
        z_stream s{};
        deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        std::string out(deflateBound(&s, data.size()) + 64, '\0');
        s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        s.avail_in = static_cast<uInt>(data.size());
        s.next_out = reinterpret_cast<Bytef*>(out.data());
        s.avail_out = static_cast<uInt>(out.size());
        deflate(&s, Z_FINISH);
        out.resize(s.total_out);
        deflateEnd(&s);
        return out;
    }
    static std::string zstd(const std::string& data) {
        std::string out(ZSTD_compressBound(data.size()), '\0');
        out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
        return out;
    }

    struct ScanResult {
        ScanPlan plan;
        Rows rows;
        std::vector<size_t> batch_sizes;
    };

    ScanResult scan(const TableInfo& table, std::vector<std::string> columns, Constraint constraint = {},
                    std::optional<uint64_t> limit = std::nullopt, size_t batch_rows = 3,
                    size_t target_splits = 1, ScanMetrics* metrics = nullptr) {
        ScanRequest request;
        request.table = table.handle;
        request.columns = std::move(columns);
        request.constraint = std::move(constraint);
        request.limit = limit;
        request.batch_rows = batch_rows;
        request.target_splits = target_splits;
        ScanResult result;
        result.plan = connector_.plan_scan(request);
        ReadContext context;
        context.metrics = metrics;
        for (const auto& split : result.plan.splits) {
            auto reader = connector_.read_split(request, split, context);
            Batch batch;
            while (reader->next(batch)) {
                result.batch_sizes.push_back(batch.num_rows);
                EXPECT_EQ(batch.num_columns(), request.columns.size());
                for (size_t r = 0; r < batch.num_rows; ++r) {
                    std::vector<std::string> row;
                    for (const auto& c : batch.columns) row.push_back(c->value_at(r).to_string());
                    result.rows.push_back(std::move(row));
                }
            }
        }
        return result;
    }

    static std::string big_csv(size_t rows, bool with_bad_row_at = false, size_t bad_row = 0) {
        std::string text = "id,name,amount,day\n";
        for (size_t i = 0; i < rows; ++i) {
            if (with_bad_row_at && i == bad_row) {
                text += "oops,x,1.0,2024-01-01\n";
                continue;
            }
            text += std::to_string(i) + ",name_" + std::to_string(i % 1000) + "," + std::to_string(i % 997) +
                    ".25," + "2024-01-" + (i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1) + "\n";
        }
        return text;
    }

    fs::path root_;
    FilesConnector connector_;
};

TEST_F(FilesConnectorTest, Metadata) {
    EXPECT_EQ(connector_.type_name(), "files");
    EXPECT_TRUE(connector_.capabilities().has(Capability::kConstraint));
    EXPECT_TRUE(connector_.capabilities().has(Capability::kLimit));
    EXPECT_TRUE(connector_.list_schemas().empty());
    EXPECT_TRUE(connector_.list_tables("x").tables.empty());
    EXPECT_FALSE(connector_.get_table("x", "y").has_value());
}

TEST_F(FilesConnectorTest, ResolveGlobAndReadWithTinyBatches) {
    write("d/a.csv", "id,name\n1,one\n2,two\n3,three\n4,four\n");
    write("d/b.csv", "id,name\n5,five\n");
    write("d/c.csv", "id,name\n6,\"six, 6\"\n7,seven\n");
    write("d/ignored.txt", "nope");
    TableInfo table = connector_.resolve(path("d/*.csv"), "", {});
    ASSERT_EQ(table.columns.size(), 2u);
    EXPECT_EQ(table.columns[0].name, "id");
    EXPECT_EQ(table.columns[0].type, Type::bigint());
    EXPECT_EQ(table.columns[1].type, Type::varchar());
    EXPECT_EQ(table.handle.properties["files"].size(), 3u);
    double expected_bytes = 0;
    for (auto name : {"d/a.csv", "d/b.csv", "d/c.csv"})
        expected_bytes += static_cast<double>(fs::file_size(path(name)));
    EXPECT_EQ(*table.statistics.total_bytes, expected_bytes);

    ScanResult r = scan(table, {"name", "id"});
    EXPECT_EQ(r.plan.splits.size(), 3u);
    EXPECT_EQ(r.plan.description,
              fmt::format("csv 3 files, {} bytes, 3 splits", static_cast<int>(expected_bytes)));
    Rows expected = {{"one", "1"},  {"two", "2"},    {"three", "3"}, {"four", "4"},
                     {"five", "5"}, {"six, 6", "6"}, {"seven", "7"}};
    EXPECT_EQ(r.rows, expected);
    EXPECT_EQ(r.batch_sizes, (std::vector<size_t>{3, 1, 1, 2}));  // per split: 4 rows, 1 row, 2 rows
}

TEST_F(FilesConnectorTest, FormatDetectionAndOptions) {
    write("t.tsv", "a\tb\n1\t2\n");
    TableInfo t = connector_.resolve(path("t.tsv"), "", {});
    EXPECT_EQ(t.handle.properties["csv"]["delimiter"], "\t");
    write("x.data", "a;b\n1;2\n");
    EXPECT_EQ(capture_error([&] { connector_.resolve(path("x.data"), "", {}); }).code(),
              ErrorCode::kInvalidParameter);
    TableInfo forced = connector_.resolve(
        path("x.data"), "csv", {{"delim", Value::varchar(";")}, {"header", Value::boolean(false)}});
    EXPECT_EQ(forced.columns[0].name, "column0");
    ScanResult r = scan(forced, {"column0", "column1"});
    Rows expected = {{"a", "b"}, {"1", "2"}};
    EXPECT_EQ(r.rows, expected);

    Error unknown = capture_error([&] {
        connector_.resolve(path("t.tsv"), "", {{"bogus", Value::bigint(1)}});
    });
    EXPECT_EQ(unknown.code(), ErrorCode::kInvalidParameter);
    EXPECT_NE(unknown.message().find("bogus"), std::string::npos);

    TableInfo typed = connector_.resolve(path("t.tsv"), "",
                                         {{"columns", Value::varchar("x INTEGER, \"y z\" DECIMAL(10,2)")}});
    ASSERT_EQ(typed.columns.size(), 2u);
    EXPECT_EQ(typed.columns[0].type, Type::integer());
    EXPECT_EQ(typed.columns[1].name, "y z");
    EXPECT_EQ(typed.columns[1].type, Type::decimal(10, 2));
    ScanResult tr = scan(typed, {"y z"});
    EXPECT_EQ(tr.rows, (Rows{{"2.00"}}));
}

TEST_F(FilesConnectorTest, ColumnListParsing) {
    auto columns =
        parse_column_list("id INTEGER, price DECIMAL(10,2), tags ARRAY(VARCHAR), r ROW(a INT, b VARCHAR)");
    ASSERT_EQ(columns.size(), 4u);
    EXPECT_EQ(columns[1].second, Type::decimal(10, 2));
    EXPECT_EQ(columns[3].second, Type::row({"a", "b"}, {Type::integer(), Type::varchar()}));
    EXPECT_THROW(parse_column_list("id"), Error);
    EXPECT_THROW(parse_column_list("id NOTATYPE"), Error);
}

TEST_F(FilesConnectorTest, ErrorsForMissingFilesAndS3) {
    Error none = capture_error([&] { connector_.resolve(path("nothing/*.csv"), "", {}); });
    EXPECT_EQ(none.code(), ErrorCode::kUndefinedTable);
    EXPECT_EQ(none.message(), "no files match '" + path("nothing/*.csv") + "'");
    // s3:// goes to the S3 client: with an endpoint nothing listens on, a connection error naming the path.
    // (The S3 filesystem reads its configuration once per process; nothing else here uses it.)
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1", 1);
    setenv("AWS_ACCESS_KEY_ID", "test", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "test", 1);
    Error s3 = capture_error([&] { connector_.resolve("s3://bucket/x.csv", "", {}); });
    EXPECT_EQ(s3.code(), ErrorCode::kConnectionFailure) << s3.message();
    EXPECT_NE(s3.message().find("s3://bucket"), std::string::npos) << s3.message();
}

TEST_F(FilesConnectorTest, ByteRangeSplitsGiveSameRowsAsOneSplit) {
    std::string text = big_csv(120000);  // ~4.5 MB
    ASSERT_GT(text.size(), 3u << 20);
    write("big.csv", text);
    TableInfo table = connector_.resolve(path("big.csv"), "", {});
    ScanResult one = scan(table, {"id", "name", "amount", "day"}, {}, std::nullopt, 3, 1);
    EXPECT_EQ(one.plan.splits.size(), 1u);  // one target split: one piece (the file is below 64 MB)
    ScanResult many = scan(table, {"id", "name", "amount", "day"}, {}, std::nullopt, 3, 16);
    EXPECT_EQ(many.plan.splits.size(),
              (text.size() + (2u << 20) - 1) / (2u << 20));  // pieces never below 2 MB
    ASSERT_EQ(one.rows.size(), 120000u);
    EXPECT_EQ(many.rows, one.rows);
    for (size_t i = 0; i < one.rows.size(); i += 9973) EXPECT_EQ(one.rows[i][0], std::to_string(i));
    for (size_t b = 0; b + 1 < one.batch_sizes.size(); ++b) EXPECT_LE(one.batch_sizes[b], 3u);
    EXPECT_EQ(many.plan.splits[1].description.rfind("big.csv bytes 2097152-", 0), 0u)
        << many.plan.splits[1].description;

    // The same file compressed is one split per file with the same rows.
    write("big.csv.gz", gzip(text));
    write("big2.csv.zst", zstd(text));
    TableInfo gz = connector_.resolve(path("big.csv.gz"), "", {});
    ScanResult gz_rows = scan(gz, {"id", "name", "amount", "day"}, {}, std::nullopt, 1000);
    EXPECT_EQ(gz_rows.plan.splits.size(), 1u);
    EXPECT_EQ(gz_rows.rows, one.rows);
    TableInfo zst = connector_.resolve(path("big2.csv.zst"), "", {});
    ScanResult zst_rows = scan(zst, {"id", "name", "amount", "day"}, {}, std::nullopt, 4096);
    EXPECT_EQ(zst_rows.rows, one.rows);
}

TEST_F(FilesConnectorTest, MultilineCsvIsNotSplit) {
    std::string text = "id,note\n";
    for (int i = 0; i < 80000; ++i)
        text += std::to_string(i) + ",\"line one\nline two of " + std::to_string(i) + "\"\n";
    ASSERT_GT(text.size(), 2u << 20);
    write("multi.csv", text);
    TableInfo table = connector_.resolve(path("multi.csv"), "", {});
    ScanResult r = scan(table, {"id", "note"}, {}, std::nullopt, 1000, 8);
    EXPECT_EQ(r.plan.splits.size(), 1u);
    ASSERT_EQ(r.rows.size(), 80000u);
    EXPECT_EQ(r.rows[79999][1], "line one\nline two of 79999");
}

TEST_F(FilesConnectorTest, BadValueInLaterSplitReportsPhysicalLine) {
    std::string text = big_csv(120000, true, 100000);  // data row 100000 is physical line 100002
    write("bad.csv", text);
    TableInfo table = connector_.resolve(path("bad.csv"), "", {{"types", Value::varchar("id BIGINT")}});
    Error e = capture_error([&] { scan(table, {"id"}, {}, std::nullopt, 3, 4); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message(),
              "file " + path("bad.csv") + " line 100002, column 'id': cannot parse 'oops' as BIGINT");
    TableInfo lenient =
        connector_.resolve(path("bad.csv"), "",
                           {{"types", Value::varchar("id BIGINT")}, {"ignore_errors", Value::boolean(true)}});
    ScanResult r = scan(lenient, {"id"}, {}, std::nullopt, 3, 4);
    EXPECT_EQ(r.rows.size(), 119999u);
}

TEST_F(FilesConnectorTest, MalformedFileFromData) {
    TableInfo table = connector_.resolve(data_file("bad_fields.csv"), "", {{"header", Value::boolean(true)}});
    Error e = capture_error([&] { scan(table, {"a"}); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message(), "file " + data_file("bad_fields.csv") + " line 3: expected 3 fields but found 2");
}

TEST_F(FilesConnectorTest, ConstraintFiltering) {
    TableInfo table = connector_.resolve(data_file("basic.csv"), "", {});
    // id in [2, 5) and price not null, requesting only name: both constrained columns are read and dropped.
    Constraint c;
    c.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(2), true}, {Value::bigint(5), false}}));
    c.add("price", Domain::not_null(Type::double_()));
    ScanResult r = scan(table, {"name"}, c);
    EXPECT_EQ(r.plan.constraint_accepted.at("id"), PushdownKind::kExact);
    EXPECT_EQ(r.plan.constraint_accepted.at("price"), PushdownKind::kExact);
    Rows expected = {{"multi\nline"}, {"say \"hi\""}};
    EXPECT_EQ(r.rows, expected);

    Constraint names;
    names.add("name", Domain::values(Type::varchar(), {Value::varchar("Smith, John"), Value::varchar("")}));
    EXPECT_EQ(scan(table, {"id"}, names).rows, (Rows{{"1"}, {"5"}}));

    Constraint nulls;
    nulls.add("day", Domain::only_null(Type::date()));
    EXPECT_EQ(scan(table, {"id"}, nulls).rows, (Rows{{"3"}}));

    Constraint dates;
    dates.add("day", Domain::range(Type::date(), Range{{Value::date(10957), true},
                                                       {std::nullopt, false}}));  // >= 2000-01-01
    EXPECT_EQ(scan(table, {"id", "day"}, dates).rows.size(), 4u);

    Constraint doubles;
    doubles.add("price",
                Domain::range(Type::double_(), Range{{std::nullopt, false}, {Value::bigint(3), true}}));
    EXPECT_EQ(scan(table, {"id"}, doubles).rows, (Rows{{"2"}, {"4"}, {"5"}}));

    Constraint booleans;
    booleans.add("active", Domain::values(Type::boolean(), {Value::boolean(true)}));
    EXPECT_EQ(scan(table, {"id"}, booleans).rows, (Rows{{"1"}, {"4"}, {"6"}}));

    Constraint timestamps;
    timestamps.add("ts", Domain::range(Type::timestamp(), Range{{Value::timestamp(1704412800000000), false},
                                                                {std::nullopt, false}}));
    EXPECT_EQ(scan(table, {"id"}, timestamps).rows, (Rows{{"1"}, {"2"}, {"6"}}));  // after 2024-01-05 00:00

    Constraint none;
    none.add("id", Domain::none(Type::bigint()));
    ScanResult empty = scan(table, {"id"}, none);
    EXPECT_TRUE(empty.rows.empty());
}

TEST_F(FilesConnectorTest, ConstraintWithManyValuesAndDecimal) {
    std::string text = "k,v\n";
    for (int i = 0; i < 100; ++i) text += std::to_string(i) + "," + std::to_string(i) + ".5\n";
    write("k.csv", text);
    TableInfo table = connector_.resolve(path("k.csv"), "", {{"types", Value::varchar("v DECIMAL(6,1)")}});
    std::vector<Value> wanted;
    for (int i = 0; i < 100; i += 7) wanted.push_back(Value::bigint(i));
    Constraint c;
    c.add("k", Domain::values(Type::bigint(), wanted));
    c.add("v", Domain::range(Type::decimal(6, 1),
                             Range{{Value::decimal(205, 6, 1), true}, {std::nullopt, false}}));
    ScanResult r = scan(table, {"k", "v"}, c);
    Rows expected;
    for (int i = 21; i < 100; i += 7) expected.push_back({std::to_string(i), std::to_string(i) + ".5"});
    EXPECT_EQ(r.rows, expected);
}

TEST_F(FilesConnectorTest, LimitPerSplit) {
    TableInfo table = connector_.resolve(data_file("basic.csv"), "", {});
    ScanResult r = scan(table, {"id"}, {}, 4);
    EXPECT_TRUE(r.plan.limit_accepted);
    EXPECT_EQ(r.rows, (Rows{{"1"}, {"2"}, {"3"}, {"4"}}));
    EXPECT_EQ(r.batch_sizes, (std::vector<size_t>{3, 1}));
    Constraint c;
    c.add("active", Domain::values(Type::boolean(), {Value::boolean(false)}));
    EXPECT_EQ(scan(table, {"id"}, c, 2).rows, (Rows{{"2"}, {"5"}}));
    EXPECT_TRUE(scan(table, {"id"}, {}, 0).rows.empty());
}

TEST_F(FilesConnectorTest, ExactBatchSizesAfterFiltering) {
    std::string text = "n\n";
    for (int i = 0; i < 100; ++i) text += std::to_string(i) + "\n";
    write("n.csv", text);
    TableInfo table = connector_.resolve(path("n.csv"), "", {});
    Constraint even;
    std::vector<Value> values;
    for (int i = 0; i < 100; i += 2) values.push_back(Value::bigint(i));
    even.add("n", Domain::values(Type::bigint(), values));
    ScanResult r = scan(table, {"n", "n"}, even, std::nullopt, 7);
    ASSERT_EQ(r.rows.size(), 50u);
    EXPECT_EQ(r.rows[49], (std::vector<std::string>{"98", "98"}));
    for (size_t b = 0; b + 1 < r.batch_sizes.size(); ++b) EXPECT_EQ(r.batch_sizes[b], 7u);
    EXPECT_EQ(r.batch_sizes.back(), 1u);
}

TEST_F(FilesConnectorTest, JsonNestedThroughConnector) {
    TableInfo table = connector_.resolve(data_file("nested.jsonl"), "", {});
    EXPECT_EQ(table.handle.properties["format"], "json");
    ASSERT_EQ(table.columns.size(), 9u);
    EXPECT_EQ(table.columns[5].type, Type::row({"city", "zip"}, {Type::varchar(), Type::bigint()}));
    Constraint c;
    c.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(2), true}, {std::nullopt, false}}));
    ScanResult r = scan(table, {"name", "tags"}, c);
    ASSERT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.rows[0][0], "bob");
    EXPECT_EQ(r.rows[1][1], "NULL");

    TableInfo array =
        connector_.resolve(data_file("array.json"), "json", {{"format", Value::varchar("array")}});
    ScanResult a = scan(array, {"a"});
    EXPECT_EQ(a.rows, (Rows{{"1"}, {"2"}, {"3"}}));
}

TEST_F(FilesConnectorTest, JsonLinesSplit) {
    std::string text;
    for (int i = 0; i < 60000; ++i)
        text += "{\"id\": " + std::to_string(i) + ", \"s\": \"value number " + std::to_string(i) + "\"}\n";
    ASSERT_GT(text.size(), 2u << 20);
    write("big.jsonl", text);
    TableInfo table = connector_.resolve(path("big.jsonl"), "", {});
    ScanResult r = scan(table, {"id", "s"}, {}, std::nullopt, 3, 8);
    EXPECT_GT(r.plan.splits.size(), 1u);
    ASSERT_EQ(r.rows.size(), 60000u);
    for (int i = 0; i < 60000; i += 1237) EXPECT_EQ(r.rows[static_cast<size_t>(i)][0], std::to_string(i));

    write("bad.jsonl", "{\"a\": 1}\n{\"a\": \n");
    TableInfo bad = connector_.resolve(path("bad.jsonl"), "", {{"sample_size", Value::bigint(1)}});
    Error e = capture_error([&] { scan(bad, {"a"}); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message().rfind("file " + path("bad.jsonl") + " line 2: ", 0), 0u) << e.message();
}

TEST_F(FilesConnectorTest, MetricsAndCancellation) {
    TableInfo table = connector_.resolve(data_file("basic.csv"), "", {});
    ScanMetrics metrics;
    ScanResult r = scan(table, {"id"}, {}, std::nullopt, 3, 1, &metrics);
    EXPECT_EQ(metrics.rows_read.load(), 6u);
    EXPECT_EQ(metrics.bytes_read.load(), fs::file_size(data_file("basic.csv")));

    ScanRequest request;
    request.table = table.handle;
    request.columns = {"id"};
    ScanPlan plan = connector_.plan_scan(request);
    std::atomic<bool> cancelled{true};
    ReadContext context;
    context.cancelled = &cancelled;
    auto reader = connector_.read_split(request, plan.splits[0], context);
    Batch b;
    EXPECT_EQ(capture_error([&] { reader->next(b); }).code(), ErrorCode::kCancelled);
}

TEST_F(FilesConnectorTest, NoColumnsRequestedCountsRows) {
    TableInfo csv = connector_.resolve(data_file("basic.csv"), "", {});
    ScanResult r = scan(csv, {});
    EXPECT_EQ(r.rows.size(), 6u);
    EXPECT_EQ(r.batch_sizes, (std::vector<size_t>{3, 3}));
    Constraint c;
    c.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(5), true}, {std::nullopt, false}}));
    EXPECT_EQ(scan(csv, {}, c).rows.size(), 2u);
    TableInfo json = connector_.resolve(data_file("nested.jsonl"), "", {});
    EXPECT_EQ(scan(json, {}).rows.size(), 4u);
}

TEST_F(FilesConnectorTest, UnknownRequestedColumn) {
    TableInfo table = connector_.resolve(data_file("basic.csv"), "", {});
    EXPECT_EQ(capture_error([&] { scan(table, {"nope"}); }).code(), ErrorCode::kUndefinedColumn);
    // Column names resolve case-insensitively when there is no exact match.
    EXPECT_EQ(scan(table, {"ID"}).rows.size(), 6u);
}

TEST_F(FilesConnectorTest, SplitsSurviveJsonRoundTrip) {
    TableInfo table = connector_.resolve(data_file("basic.csv"), "", {});
    ScanRequest request;
    request.table = table.handle;
    request.columns = {"id", "name"};
    request.batch_rows = 2;
    ScanRequest remote_request = ScanRequest::from_json(request.to_json());
    ScanPlan plan = ScanPlan::from_json(connector_.plan_scan(remote_request).to_json());
    ASSERT_EQ(plan.splits.size(), 1u);
    ReadContext context;
    auto reader = connector_.read_split(remote_request, plan.splits[0], context);
    Batch b;
    size_t rows = 0;
    while (reader->next(b)) rows += b.num_rows;
    EXPECT_EQ(rows, 6u);
}

}  // namespace
}  // namespace fedq
