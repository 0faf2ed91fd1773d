// ParquetWriter round trips through fedq's ParquetReader: every type, NULLs, nested columns, compressions,
// row groups, page splits, dictionary fallback, statistics and errors.
#include "formats/parquet_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>

#include "common/error.h"
#include "formats/parquet_encoding.h"
#include "formats/parquet_reader.h"
#include "formats/parquet_write_encoding.h"
#include "types/decimal.h"

namespace fedq {
namespace {

// In-memory WritableFile / RandomAccessFile pair.
class StringWritableFile final : public WritableFile {
  public:
    const std::string& path() const override { return path_; }
    void append(const void* data, size_t length) override {
        bytes_.append(static_cast<const char*>(data), length);
    }
    using WritableFile::append;
    uint64_t bytes_written() const override { return bytes_.size(); }
    void commit() override { committed_ = true; }
    void abort() noexcept override { bytes_.clear(); }
    const std::string& bytes() const { return bytes_; }
    bool committed() const { return committed_; }

  private:
    std::string path_ = "memory.parquet";
    std::string bytes_;
    bool committed_ = false;
};

class StringFile final : public RandomAccessFile {
  public:
    explicit StringFile(std::string bytes) : bytes_(std::move(bytes)) {}
    const std::string& path() const override { return path_; }
    uint64_t size() const override { return bytes_.size(); }
    size_t read_at(uint64_t offset, size_t length, void* dest) override {
        if (offset >= bytes_.size()) return 0;
        size_t n = std::min<size_t>(length, bytes_.size() - offset);
        std::memcpy(dest, bytes_.data() + offset, n);
        return n;
    }

  private:
    std::string path_ = "memory.parquet";
    std::string bytes_;
};

struct Table {
    std::vector<std::string> names;
    std::vector<Type> types;
    std::vector<std::vector<Value>> rows;  // row-major
};

Batch make_batch(const Table& table, size_t begin, size_t end) {
    std::vector<ColumnPtr> columns;
    for (size_t c = 0; c < table.types.size(); ++c) {
        auto column = Column::make(table.types[c]);
        for (size_t r = begin; r < end; ++r) column->append_value(table.rows[r][c]);
        columns.push_back(column);
    }
    return Batch(end - begin, std::move(columns));
}

std::string write_table(const Table& table, ParquetWriterOptions options = {}, size_t batch_rows = 1000) {
    StringWritableFile out;
    ParquetWriter writer(out, table.names, table.types, options);
    for (size_t begin = 0; begin < table.rows.size(); begin += batch_rows)
        writer.write(make_batch(table, begin, std::min(table.rows.size(), begin + batch_rows)));
    writer.finish();
    EXPECT_FALSE(out.committed());
    EXPECT_EQ(writer.rows_written(), table.rows.size());
    return out.bytes();
}

std::unique_ptr<ParquetReader> open_bytes(std::string bytes) {
    return std::make_unique<ParquetReader>(std::make_shared<StringFile>(std::move(bytes)));
}

std::vector<std::vector<Value>> read_all(const ParquetReader& reader) {
    std::vector<size_t> projection;
    for (size_t c = 0; c < reader.columns().size(); ++c) projection.push_back(c);
    std::vector<std::vector<Value>> rows;
    for (size_t rg = 0; rg < reader.num_row_groups(); ++rg) {
        for (const Batch& batch : reader.read_row_group(rg, projection, 777)) {
            for (size_t r = 0; r < batch.num_rows; ++r) {
                std::vector<Value> row;
                for (const auto& column : batch.columns) row.push_back(column->value_at(r));
                rows.push_back(std::move(row));
            }
        }
    }
    return rows;
}

void expect_round_trip(const Table& table, const ParquetWriterOptions& options = {},
                       size_t batch_rows = 1000) {
    auto reader = open_bytes(write_table(table, options, batch_rows));
    ASSERT_EQ(reader->columns().size(), table.names.size());
    for (size_t c = 0; c < table.names.size(); ++c) {
        EXPECT_EQ(reader->columns()[c].name, table.names[c]);
        EXPECT_EQ(reader->columns()[c].type, table.types[c]) << table.names[c];
    }
    EXPECT_EQ(reader->num_rows(), static_cast<int64_t>(table.rows.size()));
    auto rows = read_all(*reader);
    ASSERT_EQ(rows.size(), table.rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        for (size_t c = 0; c < table.names.size(); ++c) {
            const Value& want = table.rows[r][c];
            const Value& got = rows[r][c];
            ASSERT_EQ(got.is_null(), want.is_null()) << "row " << r << " column " << table.names[c];
            ASSERT_EQ(got.to_string(), want.to_string()) << "row " << r << " column " << table.names[c];
        }
    }
}

Table all_types_table(size_t n) {
    Table t;
    t.names = {"b",     "i8",    "i16", "i32", "i64", "f",  "d",  "dec4",
               "dec18", "dec38", "s",   "bin", "js",  "dt", "ts", "tstz"};
    t.types = {Type::boolean(),      Type::tinyint(),       Type::smallint(),  Type::integer(),
               Type::bigint(),       Type::real(),          Type::double_(),   Type::decimal(4, 2),
               Type::decimal(18, 3), Type::decimal(38, 10), Type::varchar(),   Type::varbinary(),
               Type::json(),         Type::date(),          Type::timestamp(), Type::timestamp_tz()};
    for (size_t i = 0; i < n; ++i) {
        auto null_if = [&](size_t m, size_t k, Value v, const Type& type) {
            return i % m == k ? Value::null(type) : std::move(v);
        };
        int64_t s = static_cast<int64_t>(i);
        std::vector<Value> row;
        row.push_back(null_if(7, 0, Value::boolean(i % 3 == 0), Type::boolean()));
        row.push_back(null_if(5, 1, Value::tinyint(static_cast<int8_t>(i % 256 - 128)), Type::tinyint()));
        row.push_back(Value::smallint(static_cast<int16_t>(i * 37 % 65536 - 32768)));
        row.push_back(null_if(
            11, 3, Value::integer(static_cast<int32_t>(s * 2654435761LL % 4294967296LL - 2147483648LL)),
            Type::integer()));
        row.push_back(Value::bigint(s * 1000000007LL * (i % 2 ? 1 : -1)));
        row.push_back(null_if(9, 2, Value::real(static_cast<float>(i) / 7.0f - 100), Type::real()));
        row.push_back(null_if(13, 4, Value::double_(i * 1.5e10 / 3.3 - 7.25), Type::double_()));
        row.push_back(null_if(6, 5, Value::decimal(s % 19999 - 9999, 4, 2), Type::decimal(4, 2)));
        row.push_back(Value::decimal(s * 12345678901LL - 5000000, 18, 3));
        int128_t big =
            static_cast<int128_t>(s) * static_cast<int128_t>(98765432109876123LL) * 1000000000 - 77;
        if (i == 1) big = decimal_max(38);
        if (i == 2) big = -decimal_max(38);
        row.push_back(null_if(4, 0, Value::decimal(big, 38, 10), Type::decimal(38, 10)));
        std::string text =
            i % 10 == 0 ? "" : "row " + std::to_string(i) + std::string(i % 17, 'x') + "\t|,\"é😀";
        row.push_back(null_if(8, 7, Value::varchar(text), Type::varchar()));
        row.push_back(
            null_if(3, 1, Value::varbinary(std::string("\0\xFF", 2) + std::to_string(i)), Type::varbinary()));
        row.push_back(null_if(5, 2, Value::json("{\"a\":" + std::to_string(i) + "}"), Type::json()));
        row.push_back(
            null_if(10, 9, Value::date(static_cast<int32_t>((i * 3) % 40000) - 5000), Type::date()));
        row.push_back(Value::timestamp(-315619200000000LL + s * 123456789LL));
        row.push_back(
            null_if(6, 0, Value::timestamp_tz(946684799000000LL + s * 3601000000LL), Type::timestamp_tz()));
        t.rows.push_back(std::move(row));
    }
    return t;
}

// The RLE / bit-packed encoder against the reader's decoder: runs, literals, mixed, every bit width.
TEST(ParquetWriteEncoding, RleRoundTrip) {
    std::vector<std::vector<uint32_t>> inputs = {{},
                                                 {5},
                                                 {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                                 {0, 1, 0, 1, 1, 0, 1},
                                                 {3, 3, 3, 3, 3, 3, 3, 3, 1, 2, 3, 4, 4, 4}};
    std::vector<uint32_t> mixed;
    for (uint32_t i = 0; i < 5000; ++i) mixed.push_back((i / 37) % 3 == 0 ? 7 : (i * 2654435761u) % 13);
    inputs.push_back(mixed);
    std::vector<uint32_t> literals(2000);  // more than 63 groups of literals in a row
    for (uint32_t i = 0; i < literals.size(); ++i) literals[i] = i % 2;
    inputs.push_back(literals);
    for (const auto& input : inputs) {
        uint32_t max = input.empty() ? 0 : *std::max_element(input.begin(), input.end());
        for (uint32_t width = std::max<uint32_t>(1, parquet::bit_width_of(max)); width <= 32; width += 5) {
            std::string encoded;
            parquet::rle_encode(input.data(), input.size(), width, encoded);
            std::vector<uint32_t> decoded(input.size());
            parquet::RleBitPackedDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()),
                                                 encoded.size(), width, "test");
            decoder.decode(decoded.data(), decoded.size());
            EXPECT_EQ(decoded, input) << "width " << width;
        }
    }
}

TEST(ParquetWriteEncoding, Dictionary) {
    parquet::Dictionary<std::string_view> strings;
    std::vector<std::string> values;
    for (int i = 0; i < 5000; ++i) values.push_back("v" + std::to_string(i % 1234));
    for (int i = 0; i < 5000; ++i) EXPECT_EQ(strings.insert(values[i]), static_cast<uint32_t>(i % 1234));
    EXPECT_EQ(strings.size(), 1234u);
    EXPECT_EQ(strings.at(17), "v17");
    EXPECT_EQ(strings.insert(""), 1234u);
    EXPECT_EQ(strings.insert(std::string_view()), 1234u);
    strings.clear();
    EXPECT_EQ(strings.size(), 0u);
    EXPECT_EQ(strings.insert("v5"), 0u);
    parquet::Dictionary<double> doubles;
    EXPECT_EQ(doubles.insert(std::nan("")), 0u);
    EXPECT_EQ(doubles.insert(std::nan("")), 0u);  // bitwise: the same NaN is one entry
    EXPECT_EQ(doubles.insert(0.0), 1u);
    EXPECT_EQ(doubles.insert(-0.0), 2u);
    parquet::Dictionary<int128_t> wide;
    EXPECT_EQ(wide.insert(static_cast<int128_t>(1) << 100), 0u);
    EXPECT_EQ(wide.insert(1), 1u);
    EXPECT_EQ(wide.insert(static_cast<int128_t>(1) << 100), 0u);
}

TEST(ParquetWriter, AllTypesRoundTrip) { expect_round_trip(all_types_table(5000)); }

TEST(ParquetWriter, EveryCompression) {
    Table t = all_types_table(1500);
    for (auto codec : {parquet::Codec::kUncompressed, parquet::Codec::kSnappy, parquet::Codec::kGzip,
                       parquet::Codec::kZstd}) {
        SCOPED_TRACE(static_cast<int>(codec));
        ParquetWriterOptions options;
        options.compression = codec;
        expect_round_trip(t, options);
        auto reader = open_bytes(write_table(t, options));
        EXPECT_EQ(reader->metadata().row_groups[0].columns[0].meta->codec, codec);
    }
}

TEST(ParquetWriter, ParseCompression) {
    EXPECT_EQ(parse_parquet_compression("SNAPPY"), parquet::Codec::kSnappy);
    EXPECT_EQ(parse_parquet_compression("zstd"), parquet::Codec::kZstd);
    EXPECT_EQ(parse_parquet_compression("gzip"), parquet::Codec::kGzip);
    EXPECT_EQ(parse_parquet_compression("none"), parquet::Codec::kUncompressed);
    EXPECT_EQ(parse_parquet_compression("uncompressed"), parquet::Codec::kUncompressed);
    try {
        parse_parquet_compression("brotli2");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    }
}

TEST(ParquetWriter, NoDictionaryAndSmallPages) {
    ParquetWriterOptions options;
    options.dictionary = false;
    options.page_bytes = 2000;
    expect_round_trip(all_types_table(3000), options, 333);
    options.dictionary = true;
    expect_round_trip(all_types_table(3000), options, 333);
}

TEST(ParquetWriter, MultipleRowGroupsAndStatistics) {
    Table t;
    t.names = {"id", "s", "d"};
    t.types = {Type::bigint(), Type::varchar(), Type::double_()};
    for (int64_t i = 0; i < 3500; ++i) {
        t.rows.push_back(
            {i % 100 == 5 ? Value::null(Type::bigint()) : Value::bigint(i),
             Value::varchar("k" + std::to_string(10000 + i)),
             i == 1200 ? Value::double_(std::nan("")) : Value::double_(i == 1300 ? -0.0 : i * 0.5)});
    }
    ParquetWriterOptions options;
    options.row_group_rows = 1000;
    expect_round_trip(t, options, 700);
    auto reader = open_bytes(write_table(t, options, 700));
    ASSERT_EQ(reader->num_row_groups(), 4u);
    EXPECT_EQ(reader->row_group_rows(0), 1000);
    EXPECT_EQ(reader->row_group_rows(3), 500);
    auto stats = reader->statistics(1, 0);
    ASSERT_TRUE(stats.min && stats.max);
    EXPECT_EQ(stats.min->to_string(), "1000");
    EXPECT_EQ(stats.max->to_string(), "1999");
    EXPECT_EQ(stats.null_count, 10);
    auto s = reader->statistics(3, 1);
    ASSERT_TRUE(s.min && s.max);
    EXPECT_EQ(s.min->to_string(), "k13000");
    EXPECT_EQ(s.max->to_string(), "k13499");
    EXPECT_EQ(s.null_count, 0);
    auto d = reader->statistics(1, 2);  // NaN at 1200 is skipped; -0.0 at 1300 does not change the range
    ASSERT_TRUE(d.min && d.max);
    EXPECT_EQ(d.min->to_string(), "-0");  // the -0.0 written as the lower bound
    EXPECT_EQ(d.max->to_string(), "999.5");
    // Dictionary pages of the row group list every value.
    auto dict = reader->dictionary_values(0, 1);
    ASSERT_TRUE(dict.has_value());
    EXPECT_EQ(dict->size(), 1000u);
}

TEST(ParquetWriter, LongStringsHaveNoMinMax) {
    Table t;
    t.names = {"s"};
    t.types = {Type::varchar()};
    t.rows = {{Value::varchar("a")}, {Value::varchar(std::string(65, 'z'))}, {Value::null(Type::varchar())}};
    auto reader = open_bytes(write_table(t));
    auto stats = reader->statistics(0, 0);
    EXPECT_FALSE(stats.min.has_value());
    EXPECT_FALSE(stats.max.has_value());
    EXPECT_EQ(stats.null_count, 1);
    expect_round_trip(t);
}

TEST(ParquetWriter, DictionaryFallsBackToPlain) {
    Table t;
    t.names = {"s", "i"};
    t.types = {Type::varchar(), Type::integer()};
    for (int i = 0; i < 20000; ++i)
        t.rows.push_back(
            {Value::varchar("value-" + std::to_string(i * 7919 % 20000)), Value::integer(i % 3 ? i : 5)});
    ParquetWriterOptions options;
    options.dictionary_bytes = 10000;
    options.page_bytes = 8000;
    expect_round_trip(t, options);
    auto reader = open_bytes(write_table(t, options));
    const auto& meta = *reader->metadata().row_groups[0].columns[0].meta;
    auto has = [&](parquet::Encoding e) {
        return std::find(meta.encodings.begin(), meta.encodings.end(), e) != meta.encodings.end();
    };
    EXPECT_TRUE(has(parquet::Encoding::kPlainDictionary));
    EXPECT_TRUE(has(parquet::Encoding::kPlain));
    EXPECT_TRUE(meta.dictionary_page_offset.has_value());
    // Not fully dictionary-encoded: no dictionary-based pruning.
    EXPECT_FALSE(reader->dictionary_values(0, 0).has_value());
}

TEST(ParquetWriter, UniqueValuesFallBackToPlain) {
    Table t;
    t.names = {"u", "low"};
    t.types = {Type::bigint(), Type::varchar()};
    for (int64_t i = 0; i < 50000; ++i)
        t.rows.push_back({Value::bigint(i * 7), Value::varchar(i % 3 ? "a" : "b")});
    expect_round_trip(t, {}, 4096);
    auto reader = open_bytes(write_table(t, {}, 4096));
    const auto& unique = reader->metadata().row_groups[0].columns[0].meta->encodings;
    EXPECT_NE(std::find(unique.begin(), unique.end(), parquet::Encoding::kPlain), unique.end());
    const auto& low = reader->metadata().row_groups[0].columns[1].meta->encodings;
    EXPECT_EQ(std::find(low.begin(), low.end(), parquet::Encoding::kPlain), low.end());
    EXPECT_TRUE(reader->dictionary_values(0, 1).has_value());
}

TEST(ParquetWriter, ZeroRows) {
    Table t = all_types_table(0);
    auto bytes = write_table(t);
    EXPECT_EQ(bytes.substr(0, 4), "PAR1");
    EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
    auto reader = open_bytes(bytes);
    EXPECT_EQ(reader->num_row_groups(), 0u);
    EXPECT_EQ(reader->num_rows(), 0);
    expect_round_trip(t);
}

TEST(ParquetWriter, AllNullAndConstantColumns) {
    Table t;
    t.names = {"n", "b", "c"};
    t.types = {Type::varchar(), Type::boolean(), Type::bigint()};
    for (int i = 0; i < 100; ++i)
        t.rows.push_back({Value::null(Type::varchar()), Value::boolean(true), Value::bigint(42)});
    expect_round_trip(t);
    auto reader = open_bytes(write_table(t));
    auto stats = reader->statistics(0, 0);
    EXPECT_FALSE(stats.min.has_value());
    EXPECT_EQ(stats.null_count, 100);
    auto b = reader->statistics(0, 1);
    ASSERT_TRUE(b.min && b.max);
    EXPECT_EQ(b.min->to_string(), "true");
    EXPECT_EQ(b.max->to_string(), "true");
}

TEST(ParquetWriter, ListsAndStructs) {
    Table t;
    Type row_type = Type::row({"a", "b", "c"}, {Type::bigint(), Type::varchar(), Type::date()});
    t.names = {"id", "li", "ls", "ld", "st"};
    t.types = {Type::integer(), Type::array(Type::integer()), Type::array(Type::varchar()),
               Type::array(Type::decimal(10, 2)), row_type};
    for (int i = 0; i < 3000; ++i) {
        std::vector<Value> row{Value::integer(i)};
        if (i % 5 == 0) {
            row.push_back(Value::null(t.types[1]));
        } else if (i % 5 == 1) {
            row.push_back(Value::nested(t.types[1], {}));
        } else {
            row.push_back(Value::nested(
                t.types[1], {Value::integer(i), Value::null(Type::integer()), Value::integer(i * 2)}));
        }
        if (i % 3 == 0) {
            row.push_back(Value::null(t.types[2]));
        } else {
            std::vector<Value> items;
            for (int k = 0; k < i % 4; ++k) items.push_back(Value::varchar("s" + std::to_string(k + i)));
            row.push_back(Value::nested(t.types[2], std::move(items)));
        }
        row.push_back(i % 7 == 0 ? Value::nested(t.types[3], {Value::null(Type::decimal(10, 2))})
                                 : Value::nested(t.types[3], {Value::decimal(i * 25, 10, 2),
                                                              Value::decimal(-i * 12, 10, 2)}));
        if (i % 4 == 0) {
            row.push_back(Value::null(row_type));
        } else {
            row.push_back(Value::nested(row_type, {Value::bigint(i),
                                                   i % 3 == 0 ? Value::null(Type::varchar())
                                                              : Value::varchar("x" + std::to_string(i)),
                                                   Value::date(10957 + i % 1000)}));
        }
        t.rows.push_back(std::move(row));
    }
    expect_round_trip(t, {}, 1000);
    ParquetWriterOptions options;
    options.row_group_rows = 700;
    options.page_bytes = 500;
    options.compression = parquet::Codec::kZstd;
    expect_round_trip(t, options, 333);
}

TEST(ParquetWriter, UnsupportedTypesNameTheColumn) {
    StringWritableFile out;
    try {
        ParquetWriter writer(out, {"ok", "iv"}, {Type::integer(), Type::interval()});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotSupported);
        EXPECT_NE(std::string(e.what()).find("'iv'"), std::string::npos) << e.what();
    }
    try {
        ParquetWriter writer(out, {"nested"}, {Type::array(Type::array(Type::integer()))});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotSupported);
        EXPECT_NE(std::string(e.what()).find("'nested'"), std::string::npos) << e.what();
    }
}

TEST(ParquetWriter, BatchMustMatchSchema) {
    StringWritableFile out;
    ParquetWriter writer(out, {"a"}, {Type::integer()});
    auto column = Column::make(Type::bigint());
    column->append<int64_t>(1);
    try {
        writer.write(Batch(1, {column}));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    }
    try {
        writer.write(Batch(1, {column, column}));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    }
    EXPECT_THROW(ParquetWriter(out, {"a", "b"}, {Type::integer()}), Error);
    EXPECT_THROW(ParquetWriter(out, {}, {}), Error);
    ParquetWriterOptions lz4;
    lz4.compression = parquet::Codec::kLz4;
    EXPECT_THROW(ParquetWriter(out, {"a"}, {Type::integer()}, lz4), Error);
}

TEST(ParquetWriter, NullTypeColumnIsAllNull) {
    StringWritableFile out;
    ParquetWriter writer(out, {"n"}, {Type::null()});
    auto column = Column::make(Type::null());
    for (int i = 0; i < 3; ++i) column->append_null();
    writer.write(Batch(3, {column}));
    writer.finish();
    auto reader = open_bytes(out.bytes());
    auto read = reader->read_column(0, 0);
    ASSERT_EQ(read->size(), 3u);
    for (size_t r = 0; r < 3; ++r) EXPECT_TRUE(read->is_null(r));
}

TEST(ParquetWriter, SlicedBatchesAndManyRowGroups) {
    // A batch with more rows than a row group, and batch boundaries that straddle row groups.
    Table t;
    t.names = {"v"};
    t.types = {Type::smallint()};
    for (int i = 0; i < 10000; ++i) t.rows.push_back({Value::smallint(static_cast<int16_t>(i % 300))});
    ParquetWriterOptions options;
    options.row_group_rows = 999;
    expect_round_trip(t, options, 10000);
    auto reader = open_bytes(write_table(t, options, 10000));
    EXPECT_EQ(reader->num_row_groups(), 11u);
}

// Through the filesystem layer: a local file and an S3 object (the test server of scripts/test-services.sh;
// skipped when it is not running), committed after finish() and read back with ParquetReader::open.
TEST(ParquetWriter, WritesThroughFileSystems) {
    auto env_or = [](const char* name, const char* fallback) {
        const char* value = std::getenv(name);
        return std::string(value && *value ? value : fallback);
    };
    ::setenv("AWS_ENDPOINT_URL_S3", env_or("FEDQ_S3_ENDPOINT", "http://127.0.0.1:54569").c_str(), 1);
    ::setenv("AWS_ACCESS_KEY_ID", env_or("FEDQ_S3_ACCESS_KEY_ID", "S3RVER").c_str(), 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", env_or("FEDQ_S3_SECRET_ACCESS_KEY", "S3RVER").c_str(), 1);
    ::setenv("AWS_REGION", "us-east-1", 1);
    Table t = all_types_table(2500);
    std::string dir =
        (std::filesystem::temp_directory_path() / ("fedq-pw-" + std::to_string(::getpid()))).string();
    std::string bucket = env_or("FEDQ_S3_BUCKET", "fedq-test");
    for (const std::string& path :
         {dir + "/sub/all_types.parquet",
          "s3://" + bucket + "/unit-pw-" + std::to_string(::getpid()) + "/all.parquet"}) {
        SCOPED_TRACE(path);
        bool s3 = path.rfind("s3://", 0) == 0;
        try {
            FileSystem& fs = get_file_system(path);
            auto file = fs.create(path);
            ParquetWriterOptions options;
            options.row_group_rows = 1000;
            ParquetWriter writer(*file, t.names, t.types, options);
            for (size_t begin = 0; begin < t.rows.size(); begin += 999)
                writer.write(make_batch(t, begin, std::min(t.rows.size(), begin + 999)));
            writer.finish();
            EXPECT_FALSE(fs.exists(path));  // invisible until commit
            file->commit();
            auto reader = ParquetReader::open(path);
            EXPECT_EQ(reader->num_row_groups(), 3u);
            auto rows = read_all(*reader);
            ASSERT_EQ(rows.size(), t.rows.size());
            for (size_t r = 0; r < rows.size(); r += 97)
                for (size_t c = 0; c < t.names.size(); ++c)
                    EXPECT_EQ(rows[r][c].to_string(), t.rows[r][c].to_string());
            EXPECT_TRUE(fs.remove(path));
        } catch (const Error& e) {
            if (s3 && (e.code() == ErrorCode::kConnectionFailure || e.code() == ErrorCode::kConnection))
                GTEST_SKIP() << "S3 test server not running: " << e.what();
            throw;
        }
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fedq
