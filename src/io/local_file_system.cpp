#include "io/local_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "common/error.h"

namespace fedq {

namespace {

class LocalFile final : public RandomAccessFile {
  public:
    LocalFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
    ~LocalFile() override { ::close(fd_); }
    const std::string& path() const override { return path_; }
    uint64_t size() const override { return size_; }

    size_t read_at(uint64_t offset, size_t length, void* dest) override {
        size_t done = 0;
        auto* out = static_cast<char*>(dest);
        while (done < length) {
            ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                raise(ErrorCode::kIo, "cannot read '{}': {}", path_, std::strerror(errno));
            }
            if (n == 0) break;
            done += static_cast<size_t>(n);
        }
        return done;
    }

  private:
    std::string path_;
    int fd_;
    uint64_t size_;
};

// Hidden temporary file next to the target; renamed over it by commit(). Small appends are buffered.
class LocalWritableFile final : public WritableFile {
  public:
    static constexpr size_t kBufferSize = 1u << 20;

    LocalWritableFile(std::string path, std::string target, std::string temp, int fd, bool sync)
        : path_(std::move(path)), target_(std::move(target)), temp_(std::move(temp)), fd_(fd), sync_(sync) {}
    ~LocalWritableFile() override { abort(); }

    const std::string& path() const override { return path_; }
    uint64_t bytes_written() const override { return bytes_written_; }

    void append(const void* data, size_t length) override {
        check_open("append to");
        if (length == 0) return;
        const char* bytes = static_cast<const char*>(data);
        if (buffer_.size() + length > kBufferSize) {
            flush();
            if (length >= kBufferSize) {
                write_fully(bytes, length);
                bytes_written_ += length;
                return;
            }
        }
        if (buffer_.capacity() < kBufferSize) buffer_.reserve(kBufferSize);
        buffer_.insert(buffer_.end(), bytes, bytes + length);
        bytes_written_ += length;
    }

    void commit() override {
        check_open("commit");
        try {
            flush();
            if (sync_ && ::fsync(fd_) != 0)
                raise(ErrorCode::kIo, "cannot write '{}': fsync failed: {}", path_, std::strerror(errno));
            int fd = fd_;
            fd_ = -1;
            if (::close(fd) != 0)
                raise(ErrorCode::kIo, "cannot write '{}': {}", path_, std::strerror(errno));
            if (::rename(temp_.c_str(), target_.c_str()) != 0)
                raise(ErrorCode::kIo, "cannot write '{}': rename of the temporary file failed: {}", path_,
                      std::strerror(errno));
        } catch (...) {
            abort();
            throw;
        }
        state_ = State::kCommitted;
        buffer_ = {};
        if (sync_) sync_directory();
    }

    void abort() noexcept override {
        if (state_ != State::kOpen) return;
        state_ = State::kAborted;
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        ::unlink(temp_.c_str());
        buffer_ = {};
    }

  private:
    enum class State { kOpen, kCommitted, kAborted };

    void check_open(const char* what) const {
        if (state_ == State::kCommitted)
            raise(ErrorCode::kInternal, "cannot {} '{}': the file was already committed", what, path_);
        if (state_ == State::kAborted)
            raise(ErrorCode::kInternal, "cannot {} '{}': the write was aborted", what, path_);
    }

    void flush() {
        if (buffer_.empty()) return;
        write_fully(buffer_.data(), buffer_.size());
        buffer_.clear();
    }

    void write_fully(const char* data, size_t length) {
        while (length > 0) {
            ssize_t n = ::write(fd_, data, length);
            if (n < 0) {
                if (errno == EINTR) continue;
                raise(ErrorCode::kIo, "cannot write '{}': {}", path_, std::strerror(errno));
            }
            data += n;
            length -= static_cast<size_t>(n);
        }
    }

    void sync_directory() noexcept {
        std::string dir = std::filesystem::path(target_).parent_path().string();
        int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
    }

    std::string path_;    // as given (may be file://)
    std::string target_;  // local path
    std::string temp_;
    int fd_;
    bool sync_;
    State state_ = State::kOpen;
    uint64_t bytes_written_ = 0;
    std::vector<char> buffer_;
};

std::string random_suffix() {
    static thread_local std::mt19937_64 rng(std::random_device{}() ^
                                            (static_cast<uint64_t>(::getpid()) << 32));
    static const char* hex = "0123456789abcdef";
    uint64_t value = rng();
    std::string out(16, '0');
    for (int i = 0; i < 16; ++i) out[static_cast<size_t>(i)] = hex[(value >> (i * 4)) & 15];
    return out;
}

struct StatResult {
    bool exists = false;
    bool is_file = false;
    bool is_directory = false;
    uint64_t size = 0;
};

StatResult stat_path(const std::string& path) {
    struct stat st;
    StatResult result;
    if (::stat(path.empty() ? "." : path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return result;
        raise(ErrorCode::kIo, "cannot access '{}': {}", path, std::strerror(errno));
    }
    result.exists = true;
    result.is_file = S_ISREG(st.st_mode);
    result.is_directory = S_ISDIR(st.st_mode);
    result.size = static_cast<uint64_t>(st.st_size);
    return result;
}

std::vector<std::string> split_segments(const std::string& path) {
    std::vector<std::string> segments;
    size_t start = 0;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (slash > start) segments.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

// Lists the entries of a directory (names only). `prefix` is the directory as it appears in output paths
// ("" for the current directory, otherwise ending in '/').
std::vector<std::string> list_directory(const std::string& prefix) {
    std::vector<std::string> names;
    std::error_code error;
    std::filesystem::directory_iterator it(prefix.empty() ? "." : prefix, error);
    if (error) {
        if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory)
            return names;
        raise(ErrorCode::kIo, "cannot list directory '{}': {}", prefix, error.message());
    }
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (error) raise(ErrorCode::kIo, "cannot list directory '{}': {}", prefix, error.message());
        names.push_back(it->path().filename().string());
    }
    return names;
}

class GlobWalker {
  public:
    explicit GlobWalker(std::vector<std::string> segments) : segments_(std::move(segments)) {}

    void walk(const std::string& prefix, size_t index) {
        if (index >= segments_.size()) return;
        const std::string& segment = segments_[index];
        const bool last = index + 1 == segments_.size();
        if (segment == "**") {
            if (last) {
                walk_all(prefix);
                return;
            }
            walk(prefix, index + 1);  // zero directories
            for (const auto& name : list_directory(prefix)) {
                if (name[0] == '.') continue;
                std::string child = prefix + name;
                if (stat_path(child).is_directory) walk(child + "/", index);
            }
            return;
        }
        if (!has_glob_characters(segment)) {
            std::string child = prefix + segment;
            StatResult st = stat_path(child);
            if (last && st.is_file)
                results_.push_back({child, st.size});
            else if (!last && st.is_directory)
                walk(child + "/", index + 1);
            return;
        }
        for (const auto& name : list_directory(prefix)) {
            if (!glob_match_segment(segment, name)) continue;
            std::string child = prefix + name;
            StatResult st = stat_path(child);
            if (last && st.is_file)
                results_.push_back({child, st.size});
            else if (!last && st.is_directory)
                walk(child + "/", index + 1);
        }
    }

    // Every regular file below `prefix` (hidden and '_'-prefixed names skipped, as Hive/Spark do).
    void walk_all(const std::string& prefix) {
        for (const auto& name : list_directory(prefix)) {
            if (name[0] == '.' || name[0] == '_') continue;
            std::string child = prefix + name;
            StatResult st = stat_path(child);
            if (st.is_file)
                results_.push_back({child, st.size});
            else if (st.is_directory)
                walk_all(child + "/");
        }
    }

    std::vector<FileInfo>& results() { return results_; }

  private:
    std::vector<std::string> segments_;
    std::vector<FileInfo> results_;
};

}  // namespace

std::string LocalFileSystem::strip_scheme(const std::string& path) {
    if (path.rfind("file://", 0) == 0) return path.substr(7);
    return path;
}

std::unique_ptr<RandomAccessFile> LocalFileSystem::open(const std::string& path) {
    std::string local = strip_scheme(path);
    int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) raise(ErrorCode::kIo, "cannot open '{}': {}", path, std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        int saved = errno;
        ::close(fd);
        raise(ErrorCode::kIo, "cannot open '{}': {}", path, std::strerror(saved));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        raise(ErrorCode::kIo, "cannot open '{}': Is a directory", path);
    }
    return std::make_unique<LocalFile>(path, fd, static_cast<uint64_t>(st.st_size));
}

bool LocalFileSystem::exists(const std::string& path) { return stat_path(strip_scheme(path)).exists; }

std::unique_ptr<WritableFile> LocalFileSystem::create(const std::string& path) {
    std::string local = strip_scheme(path);
    std::filesystem::path target(local);
    std::string name = target.filename().string();
    if (local.empty() || local.back() == '/' || name.empty() || name == "." || name == "..")
        raise(ErrorCode::kIo, "cannot write '{}': not a file name", path);
    std::filesystem::path dir = target.parent_path();
    if (!dir.empty()) {
        std::error_code error;
        std::filesystem::create_directories(dir, error);
        if (error)
            raise(ErrorCode::kIo, "cannot write '{}': cannot create directory '{}': {}", path, dir.string(),
                  error.message());
    }
    if (stat_path(local).is_directory) raise(ErrorCode::kIo, "cannot write '{}': Is a directory", path);
    std::string prefix = (dir.empty() ? std::string() : dir.string() + "/") + "." + name + ".fedq-tmp-";
    for (int attempt = 0;; ++attempt) {
        std::string temp = prefix + random_suffix();
        int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return std::make_unique<LocalWritableFile>(path, local, temp, fd, sync_on_commit_);
        if (errno == EEXIST && attempt < 8) continue;
        raise(ErrorCode::kIo, "cannot write '{}': {}", path, std::strerror(errno));
    }
}

bool LocalFileSystem::remove(const std::string& path) {
    std::string local = strip_scheme(path);
    if (::unlink(local.c_str()) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    raise(ErrorCode::kIo, "cannot delete '{}': {}", path, std::strerror(errno));
}

std::vector<FileInfo> LocalFileSystem::glob(const std::string& pattern) {
    std::string path = strip_scheme(pattern);
    std::vector<FileInfo> results;
    if (!has_glob_characters(path)) {
        StatResult st = stat_path(path);
        if (st.is_file) {
            results.push_back({path, st.size});
        } else if (st.is_directory) {
            std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
            GlobWalker walker({});
            walker.walk_all(prefix);
            results = std::move(walker.results());
        }
    } else {
        std::vector<std::string> segments = split_segments(path);
        // The literal directory prefix is walked directly; wildcards start below it.
        std::string prefix = path[0] == '/' ? "/" : "";
        size_t first_wild = 0;
        while (first_wild < segments.size() && !has_glob_characters(segments[first_wild]) &&
               first_wild + 1 < segments.size()) {
            prefix += segments[first_wild] + "/";
            ++first_wild;
        }
        GlobWalker walker(
            std::vector<std::string>(segments.begin() + static_cast<long>(first_wild), segments.end()));
        walker.walk(prefix, 0);
        results = std::move(walker.results());
    }
    if (results.empty()) raise(ErrorCode::kUndefinedTable, "no files match '{}'", pattern);
    std::sort(results.begin(), results.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    results.erase(std::unique(results.begin(), results.end()), results.end());
    return results;
}

}  // namespace fedq
