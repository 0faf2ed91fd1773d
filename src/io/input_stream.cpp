#include "io/input_stream.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace fedq {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size()) return false;
    for (size_t i = 0; i < suffix.size(); ++i) {
        char c = text[text.size() - suffix.size() + i];
        if (std::tolower(static_cast<unsigned char>(c)) != suffix[i]) return false;
    }
    return true;
}

constexpr size_t kCompressedBlock = 1 << 20;

// Shared plumbing for decompressors: a compressed input buffer refilled from the file.
class CompressedSource {
  public:
    explicit CompressedSource(std::unique_ptr<RandomAccessFile> file) : file_(std::move(file)) {
        buffer_.resize(kCompressedBlock);
    }
    // Refills when empty; returns false at the end of the file.
    bool fill() {
        if (position_ < size_) return true;
        size_ = file_->read_at(file_offset_, buffer_.size(), buffer_.data());
        file_offset_ += size_;
        position_ = 0;
        return size_ > 0;
    }
    const uint8_t* data() const { return buffer_.data() + position_; }
    size_t available() const { return size_ - position_; }
    void consume(size_t n) { position_ += n; }
    bool at_file_end() const { return file_offset_ >= file_->size(); }
    uint64_t bytes_read() const { return file_offset_; }
    const std::string& path() const { return file_->path(); }

  private:
    std::unique_ptr<RandomAccessFile> file_;
    std::vector<uint8_t> buffer_;
    size_t position_ = 0;
    size_t size_ = 0;
    uint64_t file_offset_ = 0;
};

class GzipInputStream final : public InputStream {
  public:
    explicit GzipInputStream(std::unique_ptr<RandomAccessFile> file) : source_(std::move(file)) {
        std::memset(&stream_, 0, sizeof(stream_));
        if (inflateInit2(&stream_, 15 + 32) != Z_OK) raise(ErrorCode::kOutOfMemory, "cannot initialize zlib");
    }
    ~GzipInputStream() override { inflateEnd(&stream_); }

    size_t read(void* dest, size_t length) override {
        if (finished_ || length == 0) return 0;
        stream_.next_out = static_cast<Bytef*>(dest);
        stream_.avail_out = static_cast<uInt>(std::min<size_t>(length, 1u << 30));
        while (stream_.avail_out > 0) {
            if (!source_.fill()) {
                if (in_member_) raise(ErrorCode::kBadFile, "file {}: truncated gzip data", source_.path());
                finished_ = true;
                break;
            }
            stream_.next_in = const_cast<Bytef*>(source_.data());
            stream_.avail_in = static_cast<uInt>(source_.available());
            size_t before = stream_.avail_in;
            int rc = inflate(&stream_, Z_NO_FLUSH);
            source_.consume(before - stream_.avail_in);
            in_member_ = true;
            if (rc == Z_STREAM_END) {
                in_member_ = false;
                // Multi-member gzip: another member may follow.
                if (source_.available() == 0 && !source_.fill()) {
                    finished_ = true;
                    break;
                }
                if (inflateReset(&stream_) != Z_OK) raise(ErrorCode::kInternal, "inflateReset failed");
                continue;
            }
            if (rc == Z_BUF_ERROR && before == 0) continue;
            if (rc != Z_OK && rc != Z_BUF_ERROR) {
                raise(ErrorCode::kBadFile, "file {}: corrupt gzip data ({})", source_.path(),
                      stream_.msg ? stream_.msg : "inflate error");
            }
        }
        return length - stream_.avail_out;
    }
    uint64_t source_bytes_read() const override { return source_.bytes_read(); }
    const std::string& path() const override { return source_.path(); }

  private:
    CompressedSource source_;
    z_stream stream_;
    bool in_member_ = false;
    bool finished_ = false;
};

class ZstdInputStream final : public InputStream {
  public:
    explicit ZstdInputStream(std::unique_ptr<RandomAccessFile> file) : source_(std::move(file)) {
        stream_ = ZSTD_createDStream();
        if (!stream_) raise(ErrorCode::kOutOfMemory, "cannot initialize zstd");
        ZSTD_initDStream(stream_);
    }
    ~ZstdInputStream() override { ZSTD_freeDStream(stream_); }

    size_t read(void* dest, size_t length) override {
        if (finished_ || length == 0) return 0;
        ZSTD_outBuffer out{dest, length, 0};
        while (out.pos < out.size) {
            if (!source_.fill()) {
                // Flush whatever the decoder still holds.
                ZSTD_inBuffer empty{nullptr, 0, 0};
                size_t rc = ZSTD_decompressStream(stream_, &out, &empty);
                if (ZSTD_isError(rc)) fail(rc);
                if (out.pos < out.size) {
                    if (frame_open_)
                        raise(ErrorCode::kBadFile, "file {}: truncated zstd data", source_.path());
                    finished_ = true;
                }
                break;
            }
            ZSTD_inBuffer in{source_.data(), source_.available(), 0};
            size_t rc = ZSTD_decompressStream(stream_, &out, &in);
            source_.consume(in.pos);
            if (ZSTD_isError(rc)) fail(rc);
            frame_open_ = rc != 0;
        }
        return out.pos;
    }
    uint64_t source_bytes_read() const override { return source_.bytes_read(); }
    const std::string& path() const override { return source_.path(); }

  private:
    [[noreturn]] void fail(size_t rc) {
        raise(ErrorCode::kBadFile, "file {}: corrupt zstd data ({})", source_.path(), ZSTD_getErrorName(rc));
    }
    CompressedSource source_;
    ZSTD_DStream* stream_;
    bool frame_open_ = false;
    bool finished_ = false;
};

}  // namespace

Compression parse_compression(std::string_view text) {
    std::string lower(text);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "auto" || lower.empty()) return Compression::kAuto;
    if (lower == "none" || lower == "uncompressed") return Compression::kNone;
    if (lower == "gzip" || lower == "gz") return Compression::kGzip;
    if (lower == "zstd" || lower == "zst") return Compression::kZstd;
    raise(ErrorCode::kInvalidParameter, "unknown compression '{}' (expected auto, none, gzip or zstd)", text);
}

Compression compression_from_path(std::string_view path) {
    if (ends_with(path, ".gz") || ends_with(path, ".gzip")) return Compression::kGzip;
    if (ends_with(path, ".zst") || ends_with(path, ".zstd")) return Compression::kZstd;
    return Compression::kNone;
}

Compression resolve_compression(Compression requested, std::string_view path) {
    return requested == Compression::kAuto ? compression_from_path(path) : requested;
}

std::string_view strip_compression_extension(std::string_view path) {
    for (std::string_view ext : {".gz", ".gzip", ".zst", ".zstd"}) {
        if (ends_with(path, ext)) return path.substr(0, path.size() - ext.size());
    }
    return path;
}

const char* compression_name(Compression compression) {
    switch (compression) {
        case Compression::kAuto:
            return "auto";
        case Compression::kNone:
            return "none";
        case Compression::kGzip:
            return "gzip";
        case Compression::kZstd:
            return "zstd";
    }
    return "?";
}

size_t InputStream::read_fully(void* dest, size_t length) {
    size_t done = 0;
    auto* out = static_cast<char*>(dest);
    while (done < length) {
        size_t n = read(out + done, length - done);
        if (n == 0) break;
        done += n;
    }
    return done;
}

FileInputStream::FileInputStream(std::unique_ptr<RandomAccessFile> file, uint64_t begin, uint64_t end)
    : file_(std::move(file)), begin_(begin), position_(begin) {
    uint64_t size = file_->size();
    end_ = end == 0 || end > size ? size : end;
    if (position_ > end_) position_ = end_;
}

size_t FileInputStream::read(void* dest, size_t length) {
    uint64_t remaining = end_ - position_;
    if (remaining == 0) return 0;
    size_t n = file_->read_at(position_, static_cast<size_t>(std::min<uint64_t>(length, remaining)), dest);
    position_ += n;
    return n;
}

std::unique_ptr<InputStream> open_input_stream(std::unique_ptr<RandomAccessFile> file,
                                               Compression compression) {
    switch (resolve_compression(compression, file->path())) {
        case Compression::kGzip:
            return std::make_unique<GzipInputStream>(std::move(file));
        case Compression::kZstd:
            return std::make_unique<ZstdInputStream>(std::move(file));
        default:
            return std::make_unique<FileInputStream>(std::move(file));
    }
}

std::unique_ptr<InputStream> open_input_stream(const std::string& path, Compression compression) {
    return open_input_stream(get_file_system(path).open(path), compression);
}

}  // namespace fedq
