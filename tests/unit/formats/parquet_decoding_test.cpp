// Parquet building blocks on hand-built bytes: Thrift compact protocol, footer metadata, page headers,
// RLE / bit-packed hybrid and DELTA_BINARY_PACKED decoding, and errors on malformed input.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "common/error.h"
#include "formats/parquet_encoding.h"
#include "formats/parquet_metadata.h"
#include "formats/parquet_reader.h"

using namespace fedq;
using namespace fedq::parquet;

namespace {

// A tiny Thrift compact-protocol writer for building test metadata.
struct Writer {
    std::vector<uint8_t> out;
    std::vector<int16_t> stack;
    int16_t last = 0;
    void varint(uint64_t v) {
        while (v >= 0x80) {
            out.push_back(static_cast<uint8_t>(v | 0x80));
            v >>= 7;
        }
        out.push_back(static_cast<uint8_t>(v));
    }
    void zigzag(int64_t v) { varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
    void field(int16_t id, uint8_t type) {
        if (id > last && id - last <= 15)
            out.push_back(static_cast<uint8_t>(((id - last) << 4) | type));
        else {
            out.push_back(type);
            zigzag(id);
        }
        last = id;
    }
    void i32(int16_t id, int32_t v) {
        field(id, 5);
        zigzag(v);
    }
    void i64(int16_t id, int64_t v) {
        field(id, 6);
        zigzag(v);
    }
    void str(int16_t id, const std::string& s) {
        field(id, 8);
        varint(s.size());
        out.insert(out.end(), s.begin(), s.end());
    }
    void boolean(int16_t id, bool v) { field(id, v ? 1 : 2); }
    void begin(int16_t id) {
        field(id, 12);
        stack.push_back(last);
        last = 0;
    }
    void begin_element() {
        stack.push_back(last);
        last = 0;
    }
    void end() {
        out.push_back(0);
        last = stack.back();
        stack.pop_back();
    }
    void list(int16_t id, uint8_t elem_type, size_t n) {
        field(id, 9);
        if (n < 15)
            out.push_back(static_cast<uint8_t>((n << 4) | elem_type));
        else {
            out.push_back(static_cast<uint8_t>(0xf0 | elem_type));
            varint(n);
        }
    }
};

void schema_element(Writer& w, const std::string& name, int type, int repetition, int children,
                    int converted = -1) {
    w.begin_element();
    if (type >= 0) w.i32(1, type);
    if (repetition >= 0) w.i32(3, repetition);
    w.str(4, name);
    if (children) w.i32(5, children);
    if (converted >= 0) w.i32(6, converted);
    w.end();
}

std::vector<uint8_t> sample_footer() {
    Writer w;
    w.begin_element();
    w.i32(1, 2);
    w.list(2, 12, 4);
    schema_element(w, "schema", -1, -1, 3);
    schema_element(w, "id", 2, 0, 0);
    schema_element(w, "name", 6, 1, 0, 0);
    // A timestamp with a LogicalType union (field 10) and an unknown field 99 that must be skipped.
    w.begin_element();
    w.i32(1, 2);
    w.i32(3, 1);
    w.str(4, "ts");
    w.begin(10);
    w.begin(8);
    w.boolean(1, true);
    w.begin(2);
    w.begin(3);  // NANOS
    w.end();
    w.end();
    w.end();
    w.end();
    w.field(99, 8);
    w.varint(3);
    w.out.insert(w.out.end(), {'x', 'y', 'z'});
    w.end();
    w.i64(3, 10);
    w.list(4, 12, 1);
    w.begin_element();
    w.list(1, 12, 1);
    w.begin_element();
    w.i64(2, 4);
    w.begin(3);
    w.i32(1, 2);
    w.list(2, 5, 2);
    w.zigzag(0);
    w.zigzag(8);
    w.list(3, 8, 1);
    w.varint(2);
    w.out.insert(w.out.end(), {'i', 'd'});
    w.i32(4, 6);
    w.i64(5, 10);
    w.i64(7, 123);
    w.i64(9, 4);
    w.begin(12);
    w.i64(3, 1);
    w.str(5, std::string("\x09\0\0\0\0\0\0\0", 8));
    w.str(6, std::string("\x01\0\0\0\0\0\0\0", 8));
    w.end();
    w.end();
    w.end();
    w.i64(3, 10);
    w.end();
    w.str(6, "hand-built");
    w.end();
    return w.out;
}

}  // namespace

TEST(ParquetThrift, DecodesFileMetadata) {
    auto bytes = sample_footer();
    FileMetaData md = parse_file_metadata(bytes.data(), bytes.size(), "f.parquet");
    EXPECT_EQ(md.version, 2);
    EXPECT_EQ(md.num_rows, 10);
    EXPECT_EQ(md.created_by, "hand-built");
    ASSERT_EQ(md.schema.size(), 4u);
    EXPECT_EQ(md.schema[0].num_children, 3);
    EXPECT_FALSE(md.schema[0].type.has_value());
    EXPECT_EQ(md.schema[1].name, "id");
    EXPECT_EQ(*md.schema[1].type, PhysicalType::kInt64);
    EXPECT_EQ(*md.schema[1].repetition, Repetition::kRequired);
    EXPECT_EQ(md.schema[2].logical.kind, LogicalKind::kString);  // from converted type UTF8
    EXPECT_EQ(md.schema[3].logical.kind, LogicalKind::kTimestamp);
    EXPECT_TRUE(md.schema[3].logical.adjusted_to_utc);
    EXPECT_EQ(md.schema[3].logical.unit, TimeUnit::kNanos);
    ASSERT_EQ(md.row_groups.size(), 1u);
    const RowGroup& rg = md.row_groups[0];
    EXPECT_EQ(rg.num_rows, 10);
    ASSERT_EQ(rg.columns.size(), 1u);
    ASSERT_TRUE(rg.columns[0].meta.has_value());
    const ColumnMetaData& m = *rg.columns[0].meta;
    EXPECT_EQ(m.type, PhysicalType::kInt64);
    EXPECT_EQ(m.encodings, (std::vector<Encoding>{Encoding::kPlain, Encoding::kRleDictionary}));
    EXPECT_EQ(m.path, std::vector<std::string>{"id"});
    EXPECT_EQ(m.codec, Codec::kZstd);
    EXPECT_EQ(m.total_compressed_size, 123);
    EXPECT_EQ(m.data_page_offset, 4);
    ASSERT_TRUE(m.statistics.has_value());
    EXPECT_EQ(*m.statistics->null_count, 1);
    EXPECT_EQ(m.statistics->min->at(0), 1);
    EXPECT_EQ(m.statistics->max->at(0), 9);
    EXPECT_FALSE(m.statistics->legacy);
}

TEST(ParquetThrift, TruncatedMetadataIsBadFile) {
    auto bytes = sample_footer();
    for (size_t n = 0; n < bytes.size(); ++n) {
        try {
            parse_file_metadata(bytes.data(), n, "cut.parquet");
            ADD_FAILURE() << "no error at length " << n;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kBadFile);
            EXPECT_NE(e.message().find("cut.parquet"), std::string::npos);
        }
    }
}

TEST(ParquetThrift, GarbageNeverCrashes) {
    uint32_t seed = 7;
    auto bytes = sample_footer();
    for (int iter = 0; iter < 2000; ++iter) {
        auto copy = bytes;
        for (int k = 0; k < 3; ++k) {
            seed = seed * 1103515245 + 12345;
            copy[(seed >> 8) % copy.size()] = static_cast<uint8_t>(seed >> 24);
        }
        try {
            parse_file_metadata(copy.data(), copy.size(), "g.parquet");
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        }
    }
}

TEST(ParquetThrift, PageHeaders) {
    Writer w;
    w.begin_element();
    w.i32(1, 3);  // DATA_PAGE_V2
    w.i32(2, 100);
    w.i32(3, 60);
    w.begin(8);
    w.i32(1, 10);
    w.i32(2, 2);
    w.i32(3, 10);
    w.i32(4, 8);
    w.i32(5, 3);
    w.i32(6, 0);
    w.boolean(7, false);
    w.end();
    w.end();
    size_t header_size = 0;
    w.out.push_back(0xAB);  // page data after the header
    PageHeader h = parse_page_header(w.out.data(), w.out.size(), "p.parquet", header_size);
    EXPECT_EQ(header_size, w.out.size() - 1);
    EXPECT_EQ(h.type, PageType::kDataPageV2);
    EXPECT_EQ(h.uncompressed_page_size, 100);
    EXPECT_EQ(h.compressed_page_size, 60);
    ASSERT_TRUE(h.data_v2.has_value());
    EXPECT_EQ(h.data_v2->num_values, 10);
    EXPECT_EQ(h.data_v2->num_nulls, 2);
    EXPECT_EQ(h.data_v2->encoding, Encoding::kRleDictionary);
    EXPECT_EQ(h.data_v2->definition_levels_byte_length, 3);
    EXPECT_FALSE(h.data_v2->is_compressed);
}

TEST(ParquetEncoding, UnpackBits) {
    // Values 0..7 with bit width 3 (the example from the Parquet spec): 10001000 11000110 11111010.
    uint8_t in[] = {0x88, 0xC6, 0xFA, 0, 0, 0, 0, 0};
    uint32_t out[8];
    unpack_bits(in, 3, out, 8);
    for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);
}

TEST(ParquetEncoding, RleAndBitPackedRuns) {
    // RLE run of 5 x value 3 (width 2), then one bit-packed group of 8 values 0..3,0..3.
    std::vector<uint8_t> data = {5 << 1, 3, (1 << 1) | 1, 0xE4, 0xE4};
    RleBitPackedDecoder dec(data.data(), data.size(), 2, "r.parquet");
    std::vector<uint32_t> out(13);
    dec.decode(out.data(), 13);
    EXPECT_EQ(out, (std::vector<uint32_t>{3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3}));
}

TEST(ParquetEncoding, RleWideValueAndZeroWidth) {
    std::vector<uint8_t> data = {4 << 1, 0x34, 0x12};  // width 16: value 0x1234 x4
    RleBitPackedDecoder dec(data.data(), data.size(), 16, "r.parquet");
    std::vector<uint32_t> out(4);
    dec.decode(out.data(), 4);
    EXPECT_EQ(out, (std::vector<uint32_t>(4, 0x1234)));
    std::vector<uint8_t> zero = {10 << 1};
    RleBitPackedDecoder dz(zero.data(), zero.size(), 0, "r.parquet");
    std::vector<uint32_t> z(10, 9);
    dz.decode(z.data(), 10);
    EXPECT_EQ(z, std::vector<uint32_t>(10, 0));
}

TEST(ParquetEncoding, RleTruncatedIsBadFile) {
    std::vector<uint8_t> data = {2 << 1, 7};
    RleBitPackedDecoder dec(data.data(), data.size(), 3, "t.parquet");
    std::vector<uint32_t> out(5);
    try {
        dec.decode(out.data(), 5);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        EXPECT_NE(e.message().find("t.parquet"), std::string::npos);
    }
    EXPECT_THROW(RleBitPackedDecoder(data.data(), data.size(), 40, "t.parquet"), Error);
}

TEST(ParquetEncoding, DeltaBinaryPacked) {
    // Spec example: 1 2 3 4 5 -> block 128, 4 miniblocks, 5 values, first 1, min delta 1, widths 0.
    std::vector<uint8_t> data = {0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0};
    std::vector<int64_t> out;
    size_t used = decode_delta_binary_packed(data.data(), data.size(), out, "d.parquet", 5);
    EXPECT_EQ(out, (std::vector<int64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(used, data.size());
    // 7 5 3 1 2 3 4 5: deltas -2 -2 -2 1 1 1 1, min -2 -> 0 0 0 3 3 3 3 (width 2, 32 values per miniblock).
    std::vector<uint8_t> d2 = {0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0};
    std::vector<uint8_t> mini(8, 0);
    mini[0] = 0xC0;         // values 0,0,0,3
    mini[1] = 0xFF & 0x3F;  // 3,3,3,0
    d2.insert(d2.end(), mini.begin(), mini.end());
    decode_delta_binary_packed(d2.data(), d2.size(), out, "d.parquet", 8);
    EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
    // Truncated miniblock.
    std::vector<uint8_t> cut(d2.begin(), d2.begin() + 12);
    EXPECT_THROW(decode_delta_binary_packed(cut.data(), cut.size(), out, "d.parquet", 8), Error);
    // A header announcing more values than the page holds is refused before allocating.
    EXPECT_THROW(decode_delta_binary_packed(d2.data(), d2.size(), out, "d.parquet", 7), Error);
}

namespace fedq {
namespace {

// Inputs the Parquet fuzzer found (tests/fuzz/crashes-parquet/): each must end in a fedq::Error or a clean
// read, within bounded memory, never a crash.
TEST(ParquetFuzzFindings, MalformedFilesFailCleanly) {
    std::filesystem::path dir = std::filesystem::path(FEDQ_SOURCE_DIR) / "tests/fuzz/crashes-parquet";
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".parquet") continue;
        ++files;
        SCOPED_TRACE(entry.path().string());
        try {
            auto reader = ParquetReader::open(entry.path().string());
            std::vector<size_t> all;
            for (size_t c = 0; c < reader->columns().size(); ++c)
                if (reader->columns()[c].supported) all.push_back(c);
            for (size_t rg = 0; rg < reader->num_row_groups(); ++rg) reader->read_row_group(rg, all, 1024);
        } catch (const Error&) {
        }
    }
    EXPECT_GE(files, 5u);
}

}  // namespace
}  // namespace fedq
