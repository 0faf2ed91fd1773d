// Sequential byte streams over a RandomAccessFile, with transparent decompression. Format readers
// consume an InputStream so plain, gzip (multi-member) and zstd files read the same way.
// Corrupt or truncated compressed data -> kBadFile naming the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/file_system.h"

namespace fedq {

enum class Compression : uint8_t { kAuto, kNone, kGzip, kZstd };

// From an option value: "auto", "none"/"uncompressed", "gzip"/"gz", "zstd"/"zst". kInvalidParameter else.
Compression parse_compression(std::string_view text);
// From the file name: .gz -> gzip, .zst/.zstd -> zstd, otherwise none.
Compression compression_from_path(std::string_view path);
// kAuto resolved by the path; anything else returned as is.
Compression resolve_compression(Compression requested, std::string_view path);
// The path without a compression extension ("a.csv.gz" -> "a.csv").
std::string_view strip_compression_extension(std::string_view path);
const char* compression_name(Compression compression);

class InputStream {
  public:
    virtual ~InputStream() = default;
    // Reads up to `length` bytes; returns 0 only at the end of the stream.
    virtual size_t read(void* dest, size_t length) = 0;
    // Bytes consumed from the underlying file so far (compressed bytes for compressed streams).
    virtual uint64_t source_bytes_read() const = 0;
    virtual const std::string& path() const = 0;

    // Reads until `length` bytes or the end; returns the bytes read.
    size_t read_fully(void* dest, size_t length);
};

// Reads file bytes [begin, end) sequentially (end = the file size if 0).
class FileInputStream final : public InputStream {
  public:
    FileInputStream(std::unique_ptr<RandomAccessFile> file, uint64_t begin = 0, uint64_t end = 0);
    size_t read(void* dest, size_t length) override;
    uint64_t source_bytes_read() const override { return position_ - begin_; }
    const std::string& path() const override { return file_->path(); }
    uint64_t position() const { return position_; }

  private:
    std::unique_ptr<RandomAccessFile> file_;
    uint64_t begin_;
    uint64_t position_;
    uint64_t end_;
};

// Opens a decompressing (or plain) stream over the whole file.
std::unique_ptr<InputStream> open_input_stream(std::unique_ptr<RandomAccessFile> file,
                                               Compression compression);
// Convenience: open `path` on its file system.
std::unique_ptr<InputStream> open_input_stream(const std::string& path,
                                               Compression compression = Compression::kAuto);

}  // namespace fedq
