#include "formats/arrow_ipc.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/error.h"
#include "formats/arrow_bitmap.h"

namespace fedq {
namespace {

std::string write_stream(const std::vector<std::string>& names, const std::vector<Type>& types,
                         const std::vector<Batch>& batches, uint64_t* written = nullptr) {
    std::string out;
    ArrowStreamWriter writer([&](std::string_view chunk) { out.append(chunk); }, names, types);
    for (const auto& batch : batches) writer.write(batch);
    writer.finish();
    if (written) *written = writer.bytes_written();
    return out;
}

// A source over a string, handing out at most `chunk` bytes per call.
std::function<size_t(void*, size_t)> string_source(const std::string& data, size_t chunk = 1 << 30) {
    auto position = std::make_shared<size_t>(0);
    return [&data, position, chunk](void* dest, size_t capacity) {
        size_t n = std::min({capacity, chunk, data.size() - *position});
        std::memcpy(dest, data.data() + *position, n);
        *position += n;
        return n;
    };
}

std::vector<std::vector<std::string>> rows_of(const std::vector<Batch>& batches) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& batch : batches) {
        for (size_t r = 0; r < batch.num_rows; ++r) {
            std::vector<std::string> row;
            for (const auto& column : batch.columns) row.push_back(column->value_at(r).to_string());
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

std::vector<Batch> read_all(const std::string& data, std::vector<Type>* types = nullptr,
                            std::vector<std::string>* names = nullptr, size_t chunk = 1 << 30) {
    ArrowStreamReader reader(string_source(data, chunk), "test.arrows");
    if (types) *types = reader.types();
    if (names) *names = reader.names();
    std::vector<Batch> batches;
    Batch batch;
    while (reader.next(batch)) batches.push_back(batch);
    EXPECT_EQ(reader.bytes_read(), data.size());
    Batch after;
    EXPECT_FALSE(reader.next(after));
    return batches;
}

Batch make_batch(const std::vector<Type>& types, const std::vector<std::vector<Value>>& rows) {
    std::vector<ColumnPtr> columns;
    for (const auto& type : types) columns.push_back(Column::make(type));
    for (const auto& row : rows) {
        for (size_t c = 0; c < types.size(); ++c) columns[c]->append_value(row[c]);
    }
    return Batch(rows.size(), std::move(columns));
}

Type row_type() { return Type::row({"x", "y"}, {Type::integer(), Type::varchar()}); }

std::vector<Type> all_types() {
    return {Type::boolean(), Type::tinyint(), Type::smallint(), Type::integer(), Type::bigint(), Type::real(),
            Type::double_(), Type::decimal(12, 2), Type::decimal(38, 10), Type::varchar(), Type::varbinary(),
            Type::json(), Type::date(), Type::timestamp(), Type::timestamp_tz(), Type::interval(),
            Type::array(Type::bigint()), row_type(), Type::array(Type::array(Type::varchar())), Type::null()};
}

std::vector<Value> all_values(int i) {
    int128_t big = static_cast<int128_t>(1234567890123456789LL) * 1000000000000LL + i;
    Type rt = row_type();
    Type nested = Type::array(Type::varchar());
    return {Value::boolean(i % 2 == 0),
            Value::tinyint(static_cast<int8_t>(-128 + i)),
            Value::smallint(static_cast<int16_t>(-32768 + i)),
            Value::integer(2147483647 - i),
            Value::bigint(-9223372036854775807LL + i),
            Value::real(1.5f * i),
            Value::double_(-2.25 * i),
            Value::decimal(-12345 + i, 12, 2),
            Value::decimal(-big, 38, 10),
            Value::varchar(i % 3 == 0 ? "" : "héllo " + std::to_string(i)),
            Value::varbinary(std::string("\0\xff", 2) + std::to_string(i)),
            Value::json("{\"a\": " + std::to_string(i) + "}"),
            Value::date(-719162 + i * 1000),
            Value::timestamp(1700000000123456LL + i),
            Value::timestamp_tz(-1234567LL * i),
            Value::interval(Interval{i, -i, 86400000000LL + i}),
            Value::nested(Type::array(Type::bigint()),
                          i % 4 == 1 ? std::vector<Value>{} : std::vector<Value>{Value::bigint(i), Value::null(Type::bigint())}),
            Value::nested(rt, {Value::integer(i), i % 2 ? Value::null(Type::varchar()) : Value::varchar("r")}),
            Value::nested(Type::array(nested), {Value::nested(nested, {Value::varchar("a"), Value::varchar("")}),
                                                Value::null(nested)}),
            Value::null(Type::null())};
}

std::vector<std::string> names_for(size_t count) {
    std::vector<std::string> names;
    for (size_t i = 0; i < count; ++i) names.push_back("c" + std::to_string(i));
    return names;
}

TEST(ArrowBitmap, PackAndUnpack) {
    std::vector<uint8_t> bytes(37);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = (i * 7 % 3) != 0;
    std::vector<uint8_t> bits(arrow_bitmap::bitmap_bytes(bytes.size()), 0xAA);
    size_t zeros = arrow_bitmap::pack(bytes.data(), bytes.size(), bits.data());
    size_t expected_zeros = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        EXPECT_EQ((bits[i / 8] >> (i % 8)) & 1, bytes[i]) << i;
        expected_zeros += !bytes[i];
    }
    EXPECT_EQ(zeros, expected_zeros);
    EXPECT_EQ(bits.back() >> 5, 0);  // unused bits are zero
    std::vector<uint8_t> back(bytes.size());
    arrow_bitmap::unpack(bits.data(), bytes.size(), back.data());
    EXPECT_EQ(back, bytes);
}

TEST(ArrowIpc, RoundTripEveryTypeWithNulls) {
    auto types = all_types();
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 23; ++i) {
        auto row = all_values(i);
        if (i % 5 == 2) {
            for (size_t c = 0; c < row.size(); ++c) {
                if ((c + i) % 2 == 0) row[c] = Value::null(types[c]);
            }
        }
        rows.push_back(row);
    }
    std::vector<Batch> batches = {make_batch(types, rows), make_batch(types, {}),
                                  make_batch(types, {all_values(100)})};
    auto names = names_for(types.size());
    uint64_t written = 0;
    std::string data = write_stream(names, types, batches, &written);
    EXPECT_EQ(written, data.size());
    EXPECT_EQ(data.size() % 8, 0u);
    EXPECT_EQ(data.substr(data.size() - 8), std::string("\xff\xff\xff\xff\0\0\0\0", 8));

    for (size_t chunk : {size_t(1) << 30, size_t(3)}) {
        std::vector<Type> read_types;
        std::vector<std::string> read_names;
        auto read = read_all(data, &read_types, &read_names, chunk);
        EXPECT_EQ(read_types, types);
        EXPECT_EQ(read_names, names);
        ASSERT_EQ(read.size(), 3u);
        EXPECT_EQ(read[1].num_rows, 0u);
        EXPECT_EQ(rows_of(read), rows_of(batches));
        // NULLs survive as NULLs (not just as equal text)
        EXPECT_TRUE(read[0].column(0).is_null(2));
        EXPECT_TRUE(read[0].column(19).is_null(0));
    }
}

TEST(ArrowIpc, NoBatchesWritesSchemaOnly) {
    std::vector<Type> types = {Type::integer(), Type::json()};
    std::string data = write_stream({"a", "j"}, types, {});
    std::vector<Type> read_types;
    std::vector<std::string> names;
    auto batches = read_all(data, &read_types, &names);
    EXPECT_TRUE(batches.empty());
    EXPECT_EQ(read_types, types);
    EXPECT_EQ(names, (std::vector<std::string>{"a", "j"}));
}

TEST(ArrowIpc, ZeroColumnsAndAllValid) {
    std::string data = write_stream({}, {}, {Batch(5, {})});
    auto read = read_all(data);
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(read[0].num_rows, 5u);

    auto batch = make_batch({Type::bigint()}, {{Value::bigint(1)}, {Value::bigint(2)}});
    auto back = read_all(write_stream({"x"}, {Type::bigint()}, {batch}));
    EXPECT_FALSE(back[0].column(0).has_nulls());
    EXPECT_EQ(back[0].column(0).values<int64_t>()[1], 2);
}

TEST(ArrowIpc, LargeBatchBooleanAndValidityBitmaps) {
    auto column = Column::make(Type::boolean());
    for (size_t i = 0; i < 10007; ++i) {
        if (i % 13 == 0) column->append_null();
        else column->append<uint8_t>(i % 3 == 0);
    }
    Batch batch(10007, {column});
    auto read = read_all(write_stream({"b"}, {Type::boolean()}, {batch}));
    ASSERT_EQ(read.size(), 1u);
    const Column& back = read[0].column(0);
    for (size_t i = 0; i < 10007; ++i) {
        ASSERT_EQ(back.is_null(i), i % 13 == 0) << i;
        if (i % 13) {
            ASSERT_EQ(back.values<uint8_t>()[i], i % 3 == 0) << i;
        }
    }
}

TEST(ArrowIpc, WriterRejectsMismatchedBatches) {
    std::string out;
    ArrowStreamWriter writer([&](std::string_view chunk) { out.append(chunk); }, {"a"}, {Type::integer()});
    EXPECT_THROW(writer.write(make_batch({Type::bigint()}, {{Value::bigint(1)}})), Error);
    EXPECT_THROW(writer.write(Batch(0, {})), Error);
    EXPECT_THROW(ArrowStreamWriter([](std::string_view) {}, {"a", "b"}, {Type::integer()}), Error);
    writer.finish();
    writer.finish();
    EXPECT_THROW(writer.write(make_batch({Type::integer()}, {})), Error);
}

TEST(ArrowIpc, IntervalOverflowIsAnError) {
    auto batch = make_batch({Type::interval()}, {{Value::interval(Interval{0, 0, INT64_MAX / 10})}});
    try {
        write_stream({"i"}, {Type::interval()}, {batch});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNumericOverflow);
    }
}

void expect_bad(const std::string& data, ErrorCode code = ErrorCode::kBadFile, const char* contains = nullptr) {
    try {
        read_all(data);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.message();
        EXPECT_NE(e.message().find("test.arrows"), std::string::npos) << e.message();
        if (contains) {
            EXPECT_NE(e.message().find(contains), std::string::npos) << e.message();
        }
    }
}

std::string sample_stream() {
    auto types = all_types();
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 9; ++i) {
        auto row = all_values(i);
        if (i == 4) row[3] = Value::null(Type::integer());
        rows.push_back(row);
    }
    return write_stream(names_for(types.size()), types, {make_batch(types, rows)});
}

TEST(ArrowIpcMalformed, EveryTruncationIsBadFile) {
    std::string data = sample_stream();
    for (size_t size = 0; size < data.size(); ++size) {
        try {
            read_all(data.substr(0, size));
            FAIL() << "prefix of " << size << " bytes was accepted";
        } catch (const Error& e) {
            ASSERT_EQ(e.code(), ErrorCode::kBadFile) << size << ": " << e.message();
        }
    }
    expect_bad("", ErrorCode::kBadFile, "truncated");
}

TEST(ArrowIpcMalformed, RandomCorruptionNeverCrashes) {
    std::string data = sample_stream();
    std::mt19937 random(42);
    int errors = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string copy = data;
        int flips = 1 + round % 4;
        for (int f = 0; f < flips; ++f) {
            size_t at = random() % copy.size();
            copy[at] = static_cast<char>(round % 3 == 0 ? random() : copy[at] ^ (1 << (random() % 8)));
        }
        try {
            read_all(copy);
        } catch (const Error&) {
            ++errors;
        }
    }
    EXPECT_GT(errors, 0);
}

TEST(ArrowIpcMalformed, BadLengthsAndOffsets) {
    std::string data = sample_stream();
    {
        std::string copy = data;
        int32_t huge = 0x7FFFFFF0;
        std::memcpy(&copy[4], &huge, 4);
        expect_bad(copy, ErrorCode::kBadFile, "metadata length");
    }
    {
        std::string copy = data;
        int32_t negative = -16;
        std::memcpy(&copy[4], &negative, 4);
        expect_bad(copy);
    }
    {
        // garbage metadata
        std::string copy = data;
        for (size_t i = 8; i < 40; ++i) copy[i] = static_cast<char>(0x5A);
        expect_bad(copy);
    }
    // A VARCHAR column whose last offset points past its data.
    auto batch = make_batch({Type::varchar()}, {{Value::varchar("a")}, {Value::varchar("bcd")}});
    std::string strings = write_stream({"s"}, {Type::varchar()}, {batch});
    const int32_t offsets[3] = {0, 1, 4};
    auto at = strings.find(std::string(reinterpret_cast<const char*>(offsets), 12));
    ASSERT_NE(at, std::string::npos);
    {
        std::string copy = strings;
        int32_t past = 1000;
        std::memcpy(&copy[at + 8], &past, 4);
        expect_bad(copy, ErrorCode::kBadFile, "offsets");
    }
    {
        std::string copy = strings;
        int32_t backwards[3] = {0, 3, 2};
        std::memcpy(&copy[at], backwards, 12);
        expect_bad(copy, ErrorCode::kBadFile, "offsets");
    }
    {
        std::string copy = strings;
        int32_t negative = -1;
        std::memcpy(&copy[at], &negative, 4);
        expect_bad(copy, ErrorCode::kBadFile, "offsets");
    }
    // Missing end-of-stream marker.
    expect_bad(strings.substr(0, strings.size() - 8), ErrorCode::kBadFile, "truncated");
    // A second schema instead of a batch.
    std::string schema_only = write_stream({"s"}, {Type::varchar()}, {});
    std::string twice = schema_only.substr(0, schema_only.size() - 8) + schema_only;
    expect_bad(twice, ErrorCode::kBadFile, "Schema");
}

// Written by apache-arrow 18 (node): tableToIPC(new Table({tag: vectorFromArray(['x', 'yy', 'x', null],
// new Dictionary(new Utf8(), new Int8(), 3))}), 'stream'): a DictionaryBatch, then a batch of int8 indices.
const char* const kDictionaryStreamHex =
    "ffffffffa80000001000000000000a0010000e00070008000a00000000000001100000000000040008000800000004000800"
    "000004000000010000001400000010001c0008000f0017001800040010001000000034000000140000000000000114000000"
    "0000000514000000030000007461670000000000040004000400000008001400080004000800000018000000030000000000"
    "00000000000008000c0008000700080000000000000108000000ffffffffb800000014000000000000000c001c001a001300"
    "140004000c000000180000000000000000000000000000021000000000000400080012000800040008000000180000000300"
    "00000000000000000a0018000c00080004000a00000014000000480000000200000000000000000000000300000000000000"
    "0000000000000000000000000000000000000000100000000000000010000000000000000800000000000000000000000100"
    "000002000000000000000000000000000000000000000100000003000000000000007879790000000000ffffffff88000000"
    "14000000000000000c00160014000f00100004000c0000004800000000000000000000031000000004000a0018000c000800"
    "04000a0000001400000038000000040000000000000000000000020000000000000000000000400000000000000040000000"
    "0000000008000000000000000000000001000000040000000000000001000000000000000700000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0001000000000000ffffffff00000000";

std::string from_hex(std::string_view hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

TEST(ArrowIpc, ReadsDictionaryEncodedColumns) {
    std::string data = from_hex(kDictionaryStreamHex);
    std::vector<Type> types;
    auto batches = read_all(data, &types);
    EXPECT_EQ(types, std::vector<Type>{Type::varchar()});
    EXPECT_EQ(rows_of(batches), (std::vector<std::vector<std::string>>{{"x"}, {"yy"}, {"x"}, {"NULL"}}));
    EXPECT_TRUE(batches[0].column(0).is_null(3));

    // an index past the end of the dictionary (the indices are the last 8 body bytes before the end marker)
    std::string copy = data;
    ASSERT_EQ(copy[copy.size() - 16 + 1], 1);
    copy[copy.size() - 16 + 1] = 5;
    expect_bad(copy, ErrorCode::kBadFile, "dictionary index out of range");
    // the record batch without its dictionary batch
    size_t record_batch = data.find(std::string("\xff\xff\xff\xff\x88", 5));
    size_t dictionary_batch = data.find(std::string("\xff\xff\xff\xff\xb8", 5));
    ASSERT_NE(record_batch, std::string::npos);
    ASSERT_NE(dictionary_batch, std::string::npos);
    expect_bad(data.substr(0, dictionary_batch) + data.substr(record_batch), ErrorCode::kBadFile, "no dictionary batch");
}

// Inputs the fuzzer (tests/fuzz/arrow_fuzz.cpp) found crashing, kept in tests/fuzz/crashes-arrow/: each must now
// read cleanly or fail with fedq::Error.
TEST(ArrowIpcMalformed, FuzzerFindings) {
    auto dir = std::filesystem::path(__FILE__).parent_path() / "../../fuzz/crashes-arrow";
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        try {
            read_all(content.str());
        } catch (const Error&) {
        }
        ++count;
    }
    EXPECT_GE(count, 1u);
}

TEST(ArrowIpcMalformed, ErrorsRepeatAfterTheFirst) {
    std::string data = sample_stream();
    std::string cut = data.substr(0, data.size() / 2);
    ArrowStreamReader reader(string_source(cut), "test.arrows");
    EXPECT_EQ(reader.types().size(), all_types().size());
    Batch batch;
    std::string first;
    try {
        reader.next(batch);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        first = e.message();
    }
    try {
        reader.next(batch);
        FAIL() << "expected the error again";
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), first);
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    }
    EXPECT_THROW(reader.names(), Error);
}

TEST(ArrowTypeNames, FedqToArrowAndBack) {
    for (const Type& type : all_types()) {
        std::string name = arrow_type_name(type);
        EXPECT_EQ(fedq_type_of_arrow(name), type) << name;
    }
    EXPECT_EQ(arrow_type_name(Type::decimal(12, 2)), "Decimal128(12, 2)");
    EXPECT_EQ(arrow_type_name(row_type()), "Struct<x: Int32, y: Utf8>");
    EXPECT_EQ(arrow_type_name(Type::timestamp_tz()), "Timestamp(MICROSECOND, UTC)");
    EXPECT_EQ(arrow_type_name(Type::json()), "Utf8[arrow.json]");
    EXPECT_EQ(fedq_type_of_arrow("UInt64"), Type::decimal(20, 0));
    EXPECT_EQ(fedq_type_of_arrow("UInt8"), Type::smallint());
    EXPECT_EQ(fedq_type_of_arrow("Timestamp(NANOSECOND, Europe/Paris)"), Type::timestamp_tz());
    EXPECT_EQ(fedq_type_of_arrow("Timestamp(SECOND)"), Type::timestamp());
    EXPECT_EQ(fedq_type_of_arrow("LargeList<LargeUtf8>"), Type::array(Type::varchar()));
    EXPECT_EQ(fedq_type_of_arrow("FixedSizeBinary(16)"), Type::varbinary());
    EXPECT_EQ(fedq_type_of_arrow("Map<Utf8, Int64>"),
              Type::array(Type::row({"key", "value"}, {Type::varchar(), Type::bigint()})));
    for (const char* bad : {"Time32(MILLISECOND)", "Decimal256(50, 2)", "Utf8View", "Union<a: Int32>"}) {
        try {
            fedq_type_of_arrow(bad);
            FAIL() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kNotSupported) << bad;
            EXPECT_NE(e.message().find(std::string(bad).substr(0, 4)), std::string::npos) << e.message();
        }
    }
    for (const char* bad : {"", "Int65", "List<Int32", "Struct<a Int32>", "Utf8 x"}) {
        EXPECT_THROW(fedq_type_of_arrow(bad), Error) << bad;
    }
}

}  // namespace
}  // namespace fedq
