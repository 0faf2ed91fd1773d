#include "io/s3_file_system.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>

#include "common/error.h"

namespace fedq {

namespace {

class S3File final : public RandomAccessFile {
  public:
    S3File(std::shared_ptr<S3Client> client, std::string path, S3Location location, uint64_t size)
        : client_(std::move(client)), path_(std::move(path)), location_(std::move(location)), size_(size) {}
    const std::string& path() const override { return path_; }
    uint64_t size() const override { return size_; }

    size_t read_at(uint64_t offset, size_t length, void* dest) override {
        if (offset >= size_ || length == 0) return 0;
        length = static_cast<size_t>(std::min<uint64_t>(length, size_ - offset));
        if (length <= S3FileSystem::kParallelChunk)
            return client_->get_range(location_.bucket, location_.key, offset, length, dest);
        std::vector<S3Range> ranges;
        for (size_t done = 0; done < length; done += S3FileSystem::kParallelChunk) {
            size_t n = std::min(S3FileSystem::kParallelChunk, length - done);
            ranges.push_back({offset + done, n, static_cast<char*>(dest) + done, 0});
        }
        client_->get_ranges(location_.bucket, location_.key, ranges);
        size_t total = 0;
        for (const auto& r : ranges) {
            total += r.bytes_read;
            if (r.bytes_read < r.length) break;  // object shrank: stop at the first short range
        }
        return total;
    }

  private:
    std::shared_ptr<S3Client> client_;
    std::string path_;
    S3Location location_;
    uint64_t size_;
};

// Buffers one part; full parts go up in background threads while the caller keeps appending.
class S3WritableFile final : public WritableFile {
  public:
    S3WritableFile(std::shared_ptr<S3Client> client, std::string path, S3Location location)
        : client_(std::move(client)), path_(std::move(path)), location_(std::move(location)) {}
    ~S3WritableFile() override { abort(); }

    const std::string& path() const override { return path_; }
    uint64_t bytes_written() const override { return bytes_written_; }

    void append(const void* data, size_t length) override {
        check_open("append to");
        const char* bytes = static_cast<const char*>(data);
        try {
            while (length > 0) {
                // A full buffer goes up only when more data follows: the last part is never empty, and an
                // object of exactly one part size is still a single PUT.
                if (buffer_.size() == kPartSize) send_part();
                size_t take = std::min(length, kPartSize - buffer_.size());
                buffer_.append(bytes, take);
                bytes += take;
                length -= take;
                bytes_written_ += take;
            }
        } catch (...) {
            abort();
            throw;
        }
    }

    void commit() override {
        check_open("commit");
        try {
            if (upload_id_.empty()) {
                client_->put_object(location_.bucket, location_.key, buffer_);
            } else {
                send_part();
                while (!in_flight_.empty()) wait_oldest();
                complete();
            }
        } catch (...) {
            abort();
            throw;
        }
        state_ = State::kCommitted;
        buffer_ = std::string();
    }

    void abort() noexcept override {
        if (state_ != State::kOpen) return;
        state_ = State::kAborted;
        for (auto& part : in_flight_) {
            try {
                part.get();
            } catch (...) {
            }
        }
        in_flight_.clear();
        if (!upload_id_.empty()) {
            try {
                client_->abort_multipart_upload(location_.bucket, location_.key, upload_id_);
            } catch (...) {
                // Best effort: a bucket lifecycle rule is the backstop for leftover parts.
            }
        }
        buffer_ = std::string();
    }

  private:
    enum class State { kOpen, kCommitted, kAborted };
    static constexpr size_t kPartSize = S3FileSystem::kWritePartSize;

    void check_open(const char* what) const {
        if (state_ == State::kCommitted)
            raise(ErrorCode::kInternal, "cannot {} '{}': the file was already committed", what, path_);
        if (state_ == State::kAborted)
            raise(ErrorCode::kInternal, "cannot {} '{}': the write was aborted", what, path_);
    }

    void send_part() {
        if (upload_id_.empty()) upload_id_ = client_->create_multipart_upload(location_.bucket, location_.key);
        // Collect the parts already done (a failed one surfaces here, early), then wait for a free slot.
        while (!in_flight_.empty() &&
               in_flight_.front().wait_for(std::chrono::seconds(0)) == std::future_status::ready)
            wait_oldest();
        while (in_flight_.size() >= S3FileSystem::kMaxPartsInFlight) wait_oldest();
        int part_number = ++parts_sent_;
        in_flight_.push_back(std::async(
            std::launch::async, [client = client_, location = location_, upload_id = upload_id_, part_number,
                                 data = std::move(buffer_)] {
                return client->upload_part(location.bucket, location.key, upload_id, part_number, data);
            }));
        buffer_ = std::string();
        buffer_.reserve(kPartSize);
    }

    void wait_oldest() {
        std::future<std::string> part = std::move(in_flight_.front());
        in_flight_.pop_front();
        etags_.push_back(part.get());
    }

    void complete() {
        try {
            client_->complete_multipart_upload(location_.bucket, location_.key, upload_id_, etags_);
        } catch (const Error& e) {
            // A retried CompleteMultipartUpload whose first attempt succeeded (but whose answer was lost)
            // finds the upload gone: the object is there when it has the size written.
            if (e.message().find("NoSuchUpload") == std::string::npos) throw;
            auto size = client_->head_object(location_.bucket, location_.key);
            if (!size || *size != bytes_written_) throw;
        }
    }

    std::shared_ptr<S3Client> client_;
    std::string path_;
    S3Location location_;
    State state_ = State::kOpen;
    uint64_t bytes_written_ = 0;
    std::string buffer_;
    std::string upload_id_;
    int parts_sent_ = 0;
    std::deque<std::future<std::string>> in_flight_;  // in part-number order
    std::vector<std::string> etags_;                  // of the parts done, in part-number order
};

S3Location object_location(const std::string& path, const char* what) {
    S3Location location = parse_s3_url(path);
    if (location.key.empty() || location.key.back() == '/')
        raise(ErrorCode::kIo, "cannot {} '{}': not an object key", what, path);
    return location;
}

std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= text.size()) {
        size_t slash = text.find('/', start);
        if (slash == std::string_view::npos) slash = text.size();
        parts.push_back(text.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

bool match_segments(const std::vector<std::string_view>& pattern, size_t p,
                    const std::vector<std::string_view>& key, size_t k) {
    while (p < pattern.size()) {
        if (pattern[p] == "**") {
            if (p + 1 == pattern.size()) {
                // Any remaining (non-hidden) segments, at least one.
                if (k >= key.size()) return false;
                for (size_t i = k; i < key.size(); ++i)
                    if (!key[i].empty() && (key[i][0] == '.' || key[i][0] == '_')) return false;
                return true;
            }
            for (size_t skip = k; skip < key.size(); ++skip) {
                if (match_segments(pattern, p + 1, key, skip)) return true;
                if (!key[skip].empty() && key[skip][0] == '.') return false;
            }
            return false;
        }
        if (k >= key.size()) return false;
        if (!glob_match_segment(pattern[p], key[k])) return false;
        ++p;
        ++k;
    }
    return k == key.size();
}

std::string scheme_prefix(const std::string& path) {
    size_t pos = path.find("://");
    return pos == std::string::npos ? "s3://" : path.substr(0, pos + 3);
}

}  // namespace

bool s3_glob_match(std::string_view pattern, std::string_view key) {
    return match_segments(split(pattern), 0, split(key), 0);
}

S3FileSystem::S3FileSystem(S3Config config) : client_(std::make_shared<S3Client>(std::move(config))) {}

std::unique_ptr<RandomAccessFile> S3FileSystem::open(const std::string& path) {
    S3Location location = parse_s3_url(path);
    if (location.key.empty() || location.key.back() == '/')
        raise(ErrorCode::kIo, "cannot open '{}': not an object key", path);
    auto size = client_->head_object(location.bucket, location.key);
    if (!size) raise(ErrorCode::kUndefinedTable, "cannot open '{}': no such S3 object (or bucket)", path);
    return std::make_unique<S3File>(client_, path, std::move(location), *size);
}

bool S3FileSystem::exists(const std::string& path) {
    S3Location location = parse_s3_url(path);
    if (location.key.empty()) {
        try {
            client_->list_objects(location.bucket, "", 1, 1);  // one request, not a walk of the bucket
            return true;
        } catch (const Error& e) {
            if (e.code() == ErrorCode::kUndefinedTable) return false;
            throw;
        }
    }
    return client_->head_object(location.bucket, location.key).has_value();
}

std::unique_ptr<WritableFile> S3FileSystem::create(const std::string& path) {
    return std::make_unique<S3WritableFile>(client_, path, object_location(path, "write"));
}

bool S3FileSystem::remove(const std::string& path) {
    S3Location location = object_location(path, "delete");
    if (!client_->head_object(location.bucket, location.key)) return false;
    client_->delete_object(location.bucket, location.key);
    return true;
}

std::vector<FileInfo> S3FileSystem::glob(const std::string& pattern) {
    S3Location location = parse_s3_url(pattern);
    const std::string base = scheme_prefix(pattern) + location.bucket + "/";
    std::vector<FileInfo> results;
    const std::string& key = location.key;
    auto visible = [](std::string_view relative) {
        for (std::string_view part : split(relative))
            if (!part.empty() && (part[0] == '.' || part[0] == '_')) return false;
        return true;
    };
    if (!has_glob_characters(key)) {
        if (!key.empty() && key.back() != '/') {
            if (auto size = client_->head_object(location.bucket, key)) results.push_back({base + key, *size});
        }
        if (results.empty()) {
            // A "directory": every object below it.
            std::string prefix = key.empty() || key.back() == '/' ? key : key + "/";
            for (auto& object : client_->list_objects(location.bucket, prefix)) {
                if (object.key.back() == '/') continue;  // folder marker
                if (!visible(std::string_view(object.key).substr(prefix.size()))) continue;
                results.push_back({base + object.key, object.size});
            }
        }
    } else {
        size_t wild = key.find_first_of("*?[");
        std::string prefix = key.substr(0, wild);
        for (auto& object : client_->list_objects(location.bucket, prefix)) {
            if (object.key.back() == '/') continue;
            if (s3_glob_match(key, object.key)) results.push_back({base + object.key, object.size});
        }
    }
    if (results.empty()) raise(ErrorCode::kUndefinedTable, "no files match '{}'", pattern);
    std::sort(results.begin(), results.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    results.erase(std::unique(results.begin(), results.end()), results.end());
    return results;
}

}  // namespace fedq
