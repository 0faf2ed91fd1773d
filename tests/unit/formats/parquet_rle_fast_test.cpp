// The RLE / bit-packed decoder's fast unpacking (8-byte loads straight from the input, or from a padded copy
// near the end of the data) against the byte-exact reference unpack_bits, for every bit width, runs read in
// odd-sized pieces, mixed RLE and bit-packed runs, and the index maximum used to check dictionary indexes.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/error.h"
#include "formats/parquet_encoding.h"

using namespace fedq;
using namespace fedq::parquet;

namespace {

void put_varint(std::vector<uint8_t>& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<uint8_t>(v));
}

// Appends a bit-packed run of `values` (a multiple of 8) at `width` bits.
void put_packed(std::vector<uint8_t>& out, const std::vector<uint32_t>& values, uint32_t width) {
    put_varint(out, (values.size() / 8) << 1 | 1);
    size_t start = out.size();
    out.resize(start + values.size() * width / 8, 0);
    size_t bit = 0;
    for (uint32_t v : values) {
        for (uint32_t b = 0; b < width; ++b, ++bit)
            if ((v >> b) & 1) out[start + bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
    }
}

void put_rle(std::vector<uint8_t>& out, uint32_t value, size_t count, uint32_t width) {
    put_varint(out, count << 1);
    for (uint32_t b = 0; b < (width + 7) / 8; ++b) out.push_back(static_cast<uint8_t>(value >> (8 * b)));
}

}  // namespace

TEST(ParquetRleFast, EveryWidthMatchesReference) {
    std::mt19937 rng(7);
    for (uint32_t width = 1; width <= 32; ++width) {
        uint64_t mask = width == 32 ? 0xffffffffull : (uint64_t(1) << width) - 1;
        for (bool padded : {false, true}) {
            std::vector<uint32_t> expected;
            std::vector<uint8_t> data;
            // packed 64, RLE 37, packed 24, RLE 5, packed 8: the last run sits at the very end of the data
            // unless padded (then the unpacker reads it in place).
            for (size_t run : {64, 37, 24, 5, 8}) {
                if (run % 8 == 0) {
                    std::vector<uint32_t> v(run);
                    for (auto& x : v) x = static_cast<uint32_t>(rng() & mask);
                    put_packed(data, v, width);
                    expected.insert(expected.end(), v.begin(), v.end());
                } else {
                    uint32_t value = static_cast<uint32_t>(rng() & mask);
                    put_rle(data, value, run, width);
                    expected.insert(expected.end(), run, value);
                }
            }
            size_t size = data.size();
            if (padded) data.resize(size + 16, 0xAB);
            RleBitPackedDecoder dec(data.data(), size, width, "t.parquet");
            std::vector<uint32_t> got(expected.size());
            size_t done = 0;
            for (size_t piece : {3, 13, 1, 40, 7, 8, 30, 200}) {
                size_t n = std::min(piece, expected.size() - done);
                dec.decode(got.data() + done, n);
                done += n;
                if (done == expected.size()) break;
            }
            ASSERT_EQ(done, expected.size());
            EXPECT_EQ(got, expected) << "width " << width << (padded ? " padded" : "");
        }
    }
}

TEST(ParquetRleFast, UnpackPaddedMatchesUnpackBits) {
    std::mt19937 rng(11);
    for (uint32_t width = 1; width <= 32; ++width) {
        std::vector<uint8_t> in(width * 64 + 8);
        for (auto& b : in) b = static_cast<uint8_t>(rng());
        std::vector<uint32_t> all(512), part(512);
        unpack_bits(in.data(), width, all.data(), 512);
        for (size_t first : {0, 1, 5, 8, 77}) {
            size_t count = 512 - first - 3;
            unpack_bits_padded(in.data(), width, first, part.data(), count);
            for (size_t i = 0; i < count; ++i) ASSERT_EQ(part[i], all[first + i]) << width << " " << first << " " << i;
        }
    }
}

TEST(ParquetRleFast, DecodeMaxAndZeroWidth) {
    std::vector<uint8_t> data;
    put_packed(data, {3, 9, 1, 0, 15, 2, 2, 7}, 4);
    put_rle(data, 12, 10, 4);
    RleBitPackedDecoder dec(data.data(), data.size(), 4, "t.parquet");
    std::vector<uint32_t> out(18);
    EXPECT_EQ(dec.decode_max(out.data(), 4), 9u);
    EXPECT_EQ(dec.decode_max(out.data() + 4, 14), 15u);
    EXPECT_EQ(out[17], 12u);

    // Width 0 (a dictionary of one value): bit-packed runs carry no bytes.
    std::vector<uint8_t> zero;
    put_varint(zero, (2 << 1) | 1);
    RleBitPackedDecoder z(zero.data(), zero.size(), 0, "t.parquet");
    std::vector<uint32_t> zs(16, 99);
    z.decode(zs.data(), 16);
    for (uint32_t v : zs) EXPECT_EQ(v, 0u);
}

TEST(ParquetRleFast, TruncatedRunsAreBadFile) {
    std::vector<uint8_t> data;
    put_packed(data, {1, 2, 3, 4, 5, 6, 7, 0}, 8);
    data.resize(data.size() - 3);  // cut into the packed run: 5 of 8 values remain
    RleBitPackedDecoder dec(data.data(), data.size(), 8, "t.parquet");
    std::vector<uint32_t> out(8);
    dec.decode(out.data(), 5);
    EXPECT_EQ(out[4], 5u);
    try {
        dec.decode(out.data(), 3);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        EXPECT_NE(std::string(e.what()).find("t.parquet"), std::string::npos);
    }
    EXPECT_THROW(RleBitPackedDecoder(data.data(), data.size(), 33, "t.parquet"), Error);
}
