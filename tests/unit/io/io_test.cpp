#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/error.h"
#include "io/file_system.h"
#include "io/input_stream.h"
#include "io/local_file_system.h"

namespace fedq {
namespace {

namespace fs = std::filesystem;

class IoTest : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("fedq_io_test_" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    void TearDown() override { fs::remove_all(root_); }

    std::string write(const std::string& relative, const std::string& content) {
        fs::path p = root_ / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    std::string path(const std::string& relative) const { return (root_ / relative).string(); }

    static std::string read_all(InputStream& in, size_t chunk = 7) {
        std::string out;
        std::vector<char> buf(chunk);
        while (size_t n = in.read(buf.data(), buf.size())) out.append(buf.data(), n);
        return out;
    }

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

    fs::path root_;
};

TEST_F(IoTest, ReadAtAndSize) {
    std::string p = write("a.txt", "hello world");
    auto file = get_file_system(p).open(p);
    EXPECT_EQ(file->size(), 11u);
    char buf[16];
    EXPECT_EQ(file->read_at(6, 5, buf), 5u);
    EXPECT_EQ(std::string(buf, 5), "world");
    EXPECT_EQ(file->read_at(8, 10, buf), 3u);  // short read at the end
    EXPECT_EQ(file->read_at(20, 10, buf), 0u);
}

TEST_F(IoTest, FileSchemeAndExists) {
    std::string p = write("b.txt", "x");
    auto& fs = get_file_system("file://" + p);
    EXPECT_EQ(fs.scheme(), "file");
    EXPECT_TRUE(fs.exists("file://" + p));
    EXPECT_FALSE(fs.exists(p + ".missing"));
    EXPECT_EQ(fs.open("file://" + p)->size(), 1u);
}

TEST_F(IoTest, S3SchemeAndUnknownScheme) {
    EXPECT_EQ(get_file_system("s3://bucket/key.csv").scheme(), "s3");  // S3 itself: s3_*_test.cpp
    EXPECT_EQ(&get_file_system("S3A://bucket/key.csv"), &get_file_system("s3://b/k"));
    EXPECT_THROW(get_file_system("ftp://x/y"), Error);
}

TEST_F(IoTest, OpenMissingIsIoErrorWithPathAndReason) {
    try {
        get_file_system("x").open(path("missing.csv"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kIo);
        EXPECT_NE(e.message().find("missing.csv"), std::string::npos);
        EXPECT_NE(e.message().find("No such file"), std::string::npos);
    }
}

TEST_F(IoTest, UnreadableFileIsIoError) {
    if (::geteuid() == 0) GTEST_SKIP() << "root can read everything";
    std::string p = write("secret.csv", "x");
    ::chmod(p.c_str(), 0);
    try {
        get_file_system(p).open(p);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kIo);
        EXPECT_NE(e.message().find("Permission denied"), std::string::npos);
    }
}

TEST_F(IoTest, OpenDirectoryIsIoError) {
    write("dir/x.csv", "1");
    try {
        get_file_system("x").open(path("dir"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kIo);
        EXPECT_NE(e.message().find(path("dir")), std::string::npos);
    }
}

TEST(GlobMatch, Segments) {
    EXPECT_TRUE(glob_match_segment("*.csv", "a.csv"));
    EXPECT_FALSE(glob_match_segment("*.csv", "a.csv.gz"));
    EXPECT_TRUE(glob_match_segment("*.csv*", "a.csv.gz"));
    EXPECT_TRUE(glob_match_segment("a?c", "abc"));
    EXPECT_FALSE(glob_match_segment("a?c", "ac"));
    EXPECT_TRUE(glob_match_segment("[abc]1", "b1"));
    EXPECT_FALSE(glob_match_segment("[abc]1", "d1"));
    EXPECT_TRUE(glob_match_segment("[a-c]1", "c1"));
    EXPECT_TRUE(glob_match_segment("[!a-c]1", "d1"));
    EXPECT_FALSE(glob_match_segment("[!a-c]1", "a1"));
    EXPECT_TRUE(glob_match_segment("*", "anything"));
    EXPECT_FALSE(glob_match_segment("*", ".hidden"));
    EXPECT_TRUE(glob_match_segment(".*", ".hidden"));
    EXPECT_TRUE(glob_match_segment("a*b*c", "aXXbYYc"));
    EXPECT_FALSE(glob_match_segment("a*b*c", "aXXbYY"));
}

TEST_F(IoTest, GlobPatterns) {
    write("data/a1.csv", "1");
    write("data/a2.csv", "22");
    write("data/b1.csv", "333");
    write("data/notes.txt", "x");
    write("data/sub/a3.csv", "4444");
    write("data/sub/deeper/a4.csv", "55555");
    auto& fs = get_file_system(path(""));

    auto files = fs.glob(path("data/*.csv"));
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0].path, path("data/a1.csv"));
    EXPECT_EQ(files[0].size, 1u);
    EXPECT_EQ(files[2].path, path("data/b1.csv"));

    EXPECT_EQ(fs.glob(path("data/a?.csv")).size(), 2u);
    EXPECT_EQ(fs.glob(path("data/[b]*.csv")).size(), 1u);

    files = fs.glob(path("data/**/*.csv"));
    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[0].path, path("data/a1.csv"));
    EXPECT_EQ(files[3].path, path("data/sub/a3.csv"));
    EXPECT_EQ(files[4].path, path("data/sub/deeper/a4.csv"));
    EXPECT_EQ(files[4].size, 5u);

    files = fs.glob(path("data/*/a*.csv"));
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].path, path("data/sub/a3.csv"));

    files = fs.glob("file://" + path("data/a1.csv"));
    ASSERT_EQ(files.size(), 1u);
    // A directory means every file below it.
    EXPECT_EQ(fs.glob(path("data")).size(), 6u);
}

TEST_F(IoTest, GlobRelativePath) {
    write("rel/x.csv", "1");
    auto old = fs::current_path();
    fs::current_path(root_);
    auto files = get_file_system("rel/*.csv").glob("rel/*.csv");
    fs::current_path(old);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].path, "rel/x.csv");
}

TEST_F(IoTest, GlobNoMatch) {
    try {
        get_file_system("x").glob(path("nothing/*.csv"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
        EXPECT_EQ(e.message(), "no files match '" + path("nothing/*.csv") + "'");
    }
    EXPECT_THROW(get_file_system("x").glob(path("missing.csv")), Error);
}

TEST_F(IoTest, CompressionByExtensionAndOption) {
    EXPECT_EQ(compression_from_path("a.csv.gz"), Compression::kGzip);
    EXPECT_EQ(compression_from_path("a.csv.ZST"), Compression::kZstd);
    EXPECT_EQ(compression_from_path("a.csv.zstd"), Compression::kZstd);
    EXPECT_EQ(compression_from_path("a.csv"), Compression::kNone);
    EXPECT_EQ(parse_compression("GZIP"), Compression::kGzip);
    EXPECT_EQ(parse_compression("none"), Compression::kNone);
    EXPECT_THROW(parse_compression("lzma"), Error);
    EXPECT_EQ(strip_compression_extension("x/a.jsonl.zst"), "x/a.jsonl");
}

std::string sample_text(size_t bytes) {
    std::string out;
    std::mt19937 rng(42);
    while (out.size() < bytes) out += std::to_string(rng()) + ",hello,world\n";
    return out;
}

TEST_F(IoTest, PlainStream) {
    std::string text = sample_text(5000);
    std::string p = write("plain.csv", text);
    auto in = open_input_stream(p);
    EXPECT_EQ(read_all(*in), text);
    EXPECT_EQ(in->source_bytes_read(), text.size());
}

TEST_F(IoTest, GzipStreamMultiMember) {
    std::string a = sample_text(300000), b = sample_text(1000);
    std::string p = write("m.csv.gz", gzip(a) + gzip(b));
    auto in = open_input_stream(p);
    EXPECT_EQ(read_all(*in, 65536), a + b);
    // Explicit option overrides the extension.
    std::string q = write("m.data", gzip(a));
    auto in2 = open_input_stream(q, Compression::kGzip);
    EXPECT_EQ(read_all(*in2, 1000), a);
}

TEST_F(IoTest, ZstdStream) {
    std::string a = sample_text(2000000);
    std::string p = write("z.csv.zst", zstd(a) + zstd("tail\n"));
    auto in = open_input_stream(p);
    EXPECT_EQ(read_all(*in, 1 << 20), a + "tail\n");
}

TEST_F(IoTest, CorruptGzipIsBadFile) {
    std::string data = gzip(sample_text(100000));
    data[data.size() / 2] ^= 0x55;
    data[data.size() / 2 + 1] ^= 0x55;
    std::string p = write("bad.csv.gz", data);
    try {
        auto in = open_input_stream(p);
        read_all(*in, 4096);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        EXPECT_NE(e.message().find("bad.csv.gz"), std::string::npos);
    }
    std::string garbage = write("garbage.gz", "this is not gzip at all");
    EXPECT_THROW(read_all(*open_input_stream(garbage)), Error);
    std::string truncated = write("trunc.gz", gzip(sample_text(100000)).substr(0, 500));
    EXPECT_THROW(read_all(*open_input_stream(truncated)), Error);
}

TEST_F(IoTest, CorruptZstdIsBadFile) {
    std::string garbage = write("g.zst", "definitely not zstd");
    try {
        read_all(*open_input_stream(garbage));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        EXPECT_NE(e.message().find("g.zst"), std::string::npos);
    }
    std::string truncated = write("t.zst", zstd(sample_text(100000)).substr(0, 300));
    EXPECT_THROW(read_all(*open_input_stream(truncated)), Error);
}

TEST_F(IoTest, FileInputStreamRange) {
    std::string p = write("r.txt", "0123456789");
    FileInputStream in(get_file_system(p).open(p), 3, 7);
    EXPECT_EQ(read_all(in, 3), "3456");
}

}  // namespace
}  // namespace fedq
