#include "io/s3_file_system.h"

#include <algorithm>

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
            client_->list_objects(location.bucket, "", 1);
            return true;
        } catch (const Error& e) {
            if (e.code() == ErrorCode::kUndefinedTable) return false;
            throw;
        }
    }
    return client_->head_object(location.bucket, location.key).has_value();
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
