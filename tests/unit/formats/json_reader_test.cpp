#include "formats/json_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <numeric>
#include <random>

#include "common/error.h"
#include "format_test_util.h"
#include "io/input_stream.h"

namespace fedq {
namespace {

using test::data_file;
using Rows = std::vector<std::vector<std::string>>;

struct ReadResult {
    JsonSchema schema;
    Rows rows;
};

ReadResult read_json(const std::string& path, const JsonOptions& options = {}, size_t batch_rows = 1024,
                     std::vector<size_t> projection = {}) {
    ReadResult result;
    result.schema = sniff_json(*open_input_stream(path), options);
    if (projection.empty()) {
        projection.resize(result.schema.names.size());
        std::iota(projection.begin(), projection.end(), 0);
    }
    JsonReader reader(open_input_stream(path), result.schema, projection, batch_rows);
    Batch batch;
    while (reader.next(batch)) {
        EXPECT_LE(batch.num_rows, batch_rows);
        test::append_rows(batch, result.rows);
    }
    return result;
}

std::string temp_file(const std::string& name, const std::string& content) {
    std::string path = std::filesystem::temp_directory_path().string() + "/fedq_json_" +
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

TEST(JsonReader, NestedInference) {
    ReadResult r = read_json(data_file("nested.jsonl"));
    EXPECT_EQ(r.schema.format, JsonFormat::kNewlineDelimited);
    ASSERT_EQ(r.schema.names, (std::vector<std::string>{"id", "name", "score", "ok", "day", "user", "tags",
                                                        "mixed", "extra"}));
    EXPECT_EQ(r.schema.types[0], Type::bigint());
    EXPECT_EQ(r.schema.types[1], Type::varchar());
    EXPECT_EQ(r.schema.types[2], Type::double_());
    EXPECT_EQ(r.schema.types[3], Type::boolean());
    EXPECT_EQ(r.schema.types[4], Type::date());
    EXPECT_EQ(r.schema.types[5], Type::row({"city", "zip"}, {Type::varchar(), Type::bigint()}));
    EXPECT_EQ(r.schema.types[6], Type::array(Type::varchar()));
    EXPECT_EQ(r.schema.types[7], Type::json());
    EXPECT_EQ(r.schema.types[8], Type::varchar());
    ASSERT_EQ(r.rows.size(), 4u);
    const auto& row0 = r.rows[0];
    EXPECT_EQ(row0[0], "1");
    EXPECT_EQ(row0[2], "1.5");
    EXPECT_EQ(row0[3], "true");
    EXPECT_EQ(row0[4], "2024-01-05");
    EXPECT_EQ(row0[7], "1");
    EXPECT_EQ(row0[8], "NULL");  // missing key
    EXPECT_EQ(r.rows[1][7], "\"two\"");
    EXPECT_EQ(r.rows[2][1], "NULL");
    EXPECT_EQ(r.rows[2][2], "NULL");
    EXPECT_EQ(r.rows[2][5], "NULL");
    EXPECT_EQ(r.rows[2][7], "{\"x\":1}");
    EXPECT_EQ(r.rows[3][1], "déjà \"vu\"");
    EXPECT_EQ(r.rows[3][2], "-3");

    // Check nested values structurally.
    auto path = data_file("nested.jsonl");
    JsonReader reader(open_input_stream(path), r.schema, {5, 6}, 10);
    Batch b;
    ASSERT_TRUE(reader.next(b));
    ASSERT_EQ(b.num_rows, 4u);
    Value user0 = b.column(0).value_at(0);
    ASSERT_EQ(user0.children().size(), 2u);
    EXPECT_EQ(user0.children()[0].as_string(), "Paris");
    EXPECT_EQ(user0.children()[1].as_int(), 75001);
    Value user1 = b.column(0).value_at(1);
    EXPECT_TRUE(user1.children()[1].is_null());
    EXPECT_TRUE(b.column(0).is_null(2));
    Value user3 = b.column(0).value_at(3);  // keys in another order
    EXPECT_EQ(user3.children()[0].as_string(), "Berlin");
    EXPECT_EQ(user3.children()[1].as_int(), 10115);
    Value tags0 = b.column(1).value_at(0);
    ASSERT_EQ(tags0.children().size(), 2u);
    EXPECT_EQ(tags0.children()[1].as_string(), "b");
    EXPECT_TRUE(b.column(1).value_at(1).children().empty());
    EXPECT_TRUE(b.column(1).is_null(2));
    EXPECT_EQ(b.column(1).value_at(3).children()[0].as_string(), "c");
    EXPECT_FALSE(reader.next(b));
}

TEST(JsonReader, SmallBatchesSameRows) {
    ReadResult all = read_json(data_file("nested.jsonl"));
    ReadResult small = read_json(data_file("nested.jsonl"), {}, 3);
    EXPECT_EQ(small.rows, all.rows);
}

TEST(JsonReader, ArrayFormat) {
    ReadResult r = read_json(data_file("array.json"), {}, 2);
    EXPECT_EQ(r.schema.format, JsonFormat::kArray);
    ASSERT_EQ(r.schema.names, (std::vector<std::string>{"a", "b", "ts", "pts"}));
    EXPECT_EQ(r.schema.types[2], Type::timestamp());
    EXPECT_EQ(r.schema.types[3], Type::array(Type::row({"x", "y"}, {Type::bigint(), Type::bigint()})));
    ASSERT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.rows[0][2], "2024-01-05 10:11:12");
    EXPECT_EQ(r.rows[2][1], "NULL");
    EXPECT_EQ(r.rows[2][2], "2024-01-07 01:02:03.500");
    JsonReader reader(open_input_stream(data_file("array.json")), r.schema, {3}, 10);
    Batch b;
    ASSERT_TRUE(reader.next(b));
    Value pts = b.column(0).value_at(0);
    ASSERT_EQ(pts.children().size(), 2u);
    EXPECT_EQ(pts.children()[1].children()[0].as_int(), 3);
    EXPECT_TRUE(pts.children()[1].children()[1].is_null());

    JsonOptions forced;
    forced.format = JsonFormat::kNewlineDelimited;
    EXPECT_THROW(read_json(data_file("array.json"), forced), Error);
}

TEST(JsonReader, ExplicitColumnsAndTypes) {
    JsonOptions options;
    options.columns = {{"id", Type::integer()},
                       {"name", Type::varchar()},
                       {"score", Type::decimal(6, 2)},
                       {"user", Type::json()},
                       {"missing", Type::bigint()}};
    ReadResult r = read_json(data_file("nested.jsonl"), options);
    ASSERT_EQ(r.rows.size(), 4u);
    EXPECT_EQ(r.rows[0],
              (std::vector<std::string>{"1", "ann", "1.50", "{\"city\":\"Paris\",\"zip\":75001}", "NULL"}));
    EXPECT_EQ(r.rows[3][2], "-3.00");

    JsonOptions types;
    types.types = {{"score", Type::varchar()}};
    ReadResult t = read_json(data_file("nested.jsonl"), types);
    EXPECT_EQ(t.rows[0][2], "1.5");
}

TEST(JsonReader, MalformedLineNamesFileAndLine) {
    Error e = capture_error([&] { read_json(data_file("bad.jsonl")); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message().rfind("file " + data_file("bad.jsonl") + " line 3: ", 0), 0u) << e.message();

    JsonOptions options;
    options.ignore_errors = true;
    ReadResult r = read_json(data_file("bad.jsonl"), options, 3);
    Rows expected = {{"1", "x"}, {"2", "y"}, {"4", "z"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(JsonReader, ConversionErrorNamesColumn) {
    JsonOptions options;
    options.columns = {{"a", Type::bigint()}};
    Error e = capture_error([&] { read_json(data_file("bad_value.jsonl"), options); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    EXPECT_EQ(e.message(), "file " + data_file("bad_value.jsonl") +
                               " line 2, column 'a': cannot convert \"not a number\" to BIGINT");
    options.ignore_errors = true;
    ReadResult r = read_json(data_file("bad_value.jsonl"), options);
    Rows expected = {{"1"}, {"3"}};
    EXPECT_EQ(r.rows, expected);
}

TEST(JsonReader, NotAnObject) {
    std::string path = temp_file("scalar.jsonl", "{\"a\":1}\n42\n");
    Error e = capture_error([&] { read_json(path); });
    EXPECT_NE(e.message().find("line 2: expected a JSON object"), std::string::npos) << e.message();
    std::remove(path.c_str());
}

TEST(JsonReader, MixedIntDoubleAndBigNumbers) {
    std::string path = temp_file(
        "nums.jsonl", "{\"v\": 1, \"w\": true}\n{\"v\": 2.5, \"w\": 1}\n{\"v\": 18446744073709551615}\n");
    ReadResult r = read_json(path);
    EXPECT_EQ(r.schema.types[0], Type::double_());
    EXPECT_EQ(r.schema.types[1], Type::json());
    EXPECT_EQ(r.rows[0][0], "1");
    EXPECT_EQ(r.rows[1][0], "2.5");
    EXPECT_EQ(r.rows[1][1], "1");
    std::remove(path.c_str());
}

TEST(JsonReader, ByteRangesMatchWholeFile) {
    std::string text;
    for (int i = 0; i < 3000; ++i) {
        text += "{\"id\": " + std::to_string(i) + ", \"s\": \"v" + std::to_string(i * 7) +
                "\", \"n\": {\"k\": " + std::to_string(i % 5) + "}}\n";
        if (i % 100 == 0) text += "\n";
    }
    std::string path = temp_file("ranges.jsonl", text);
    JsonSchema schema = sniff_json(*open_input_stream(path), {});
    std::vector<size_t> projection = {0, 1, 2};
    Rows whole;
    {
        JsonReader reader(open_input_stream(path), schema, projection, 3);
        Batch b;
        while (reader.next(b)) test::append_rows(b, whole);
    }
    ASSERT_EQ(whole.size(), 3000u);
    for (uint64_t piece : {777ull, 10000ull}) {
        Rows joined;
        for (uint64_t begin = 0; begin < text.size(); begin += piece) {
            uint64_t end = std::min<uint64_t>(text.size(), begin + piece);
            auto in = std::make_unique<FileInputStream>(get_file_system(path).open(path),
                                                        begin > 0 ? begin - 1 : 0);
            JsonReader reader(std::move(in), schema, projection, 3, {begin, end});
            Batch b;
            while (reader.next(b)) test::append_rows(b, joined);
        }
        EXPECT_EQ(joined, whole) << piece;
    }
    std::remove(path.c_str());
}

TEST(JsonReader, FormatOption) {
    EXPECT_EQ(parse_json_format("ARRAY"), JsonFormat::kArray);
    EXPECT_EQ(parse_json_format("newline_delimited"), JsonFormat::kNewlineDelimited);
    EXPECT_THROW(parse_json_format("xml"), Error);
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

TEST(JsonReader, GarbageInputNeverCrashes) {
    std::mt19937 rng(11);
    const std::string alphabet = "{}[]\":,1a.e-\n tfnul";
    for (int round = 0; round < 300; ++round) {
        std::string text = round % 2 ? "{\"a\": 1, \"b\": [1, {\"c\": \"x\"}]}\n" : "";
        size_t length = rng() % 300;
        for (size_t i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
        std::string path = temp_file("garbage.jsonl", text);
        for (bool ignore : {false, true}) {
            JsonOptions options;
            options.ignore_errors = ignore;
            try {
                read_json(path, options, 1 + rng() % 4);
            } catch (const Error&) {
            }
        }
        std::remove(path.c_str());
    }
}

}  // namespace
}  // namespace fedq
