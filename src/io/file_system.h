// Filesystem abstraction: every format reader and the files connector read through it, so local files
// and (later) S3 objects look the same. A FileSystem is chosen by the path's scheme (get_file_system);
// it opens RandomAccessFiles (positional reads, safe to call from several threads) and expands glob
// patterns into a sorted list of files.
// Thread-safety: FileSystem instances are shared process-wide and must be stateless or internally
// synchronized; a RandomAccessFile may be read concurrently (read_at has no shared cursor).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/aws_credentials.h"

namespace fedq {

struct FileInfo {
    std::string path;
    uint64_t size = 0;
    bool operator==(const FileInfo&) const = default;
};

class RandomAccessFile {
  public:
    virtual ~RandomAccessFile() = default;
    virtual const std::string& path() const = 0;
    virtual uint64_t size() const = 0;
    // Reads up to `length` bytes at `offset` into `dest`; returns the bytes read (fewer only at the end of
    // the file). Throws kIo on failure.
    virtual size_t read_at(uint64_t offset, size_t length, void* dest) = 0;
};

// A file being written. Bytes appended are invisible to readers until commit() succeeds: a local file is
// written under a hidden temporary name in the target directory and renamed by commit(); an S3 object is
// a multipart upload whose parts go up while appending and which CompleteMultipartUpload makes visible at
// commit() (a small object is one PUT at commit()). abort() (also run by the destructor when neither was
// called) discards everything written. Not thread-safe: one writer at a time.
class WritableFile {
  public:
    virtual ~WritableFile() = default;
    virtual const std::string& path() const = 0;
    virtual void append(const void* data, size_t length) = 0;
    void append(std::string_view text) { append(text.data(), text.size()); }
    virtual uint64_t bytes_written() const = 0;
    // Makes the file visible at path() (replacing an existing one). Throws kIo on failure.
    virtual void commit() = 0;
    // Discards the file. Never throws.
    virtual void abort() noexcept = 0;
};

class FileSystem {
  public:
    virtual ~FileSystem() = default;
    virtual std::string scheme() const = 0;  // "file", "s3"
    // Throws kIo (naming the path and the system's reason) if the file cannot be opened.
    virtual std::unique_ptr<RandomAccessFile> open(const std::string& path) = 0;
    // Expands `*` (within one path segment), `?`, `[abc]` / `[a-z]` / `[!abc]` and `**` (any number of
    // directories). A pattern without wildcards names one file; a directory means every file below it.
    // Result sorted by path. No match -> kUndefinedTable "no files match 'pattern'".
    virtual std::vector<FileInfo> glob(const std::string& pattern) = 0;
    virtual bool exists(const std::string& path) = 0;

    // Starts writing `path` (local: missing parent directories are created). See WritableFile.
    // (Default: kNotSupported, for read-only file systems.)
    virtual std::unique_ptr<WritableFile> create(const std::string& path);
    // Deletes a file; false when it did not exist. Throws kIo on other failures. (Default: kNotSupported.)
    virtual bool remove(const std::string& path);
};

// The filesystem for a path's scheme: plain paths and file:// are local; s3:// (and s3a://) is S3
// configured from the environment on first use; an unknown scheme is kInvalidParameter. Lives forever.
FileSystem& get_file_system(const std::string& path);

// Per-catalog S3 settings. register_s3_profile stores a named S3 configuration for the life of the process
// (re-registering a name replaces it for later lookups; file systems and files obtained before keep working
// with the old configuration). The name "" is reserved for the environment-configured default
// (kInvalidParameter).
void register_s3_profile(const std::string& name, S3Config config);
// Like get_file_system(path), but s3:// paths use the named profile's configuration ("" = the
// environment-configured default). Non-S3 paths ignore the profile. Unknown profile -> kInternal.
FileSystem& get_file_system(const std::string& path, const std::string& s3_profile);

// True if the text contains glob metacharacters (* ? [).
bool has_glob_characters(std::string_view text);
// Matches one path segment (no '/') against a segment pattern with * ? [..].
bool glob_match_segment(std::string_view pattern, std::string_view name);

}  // namespace fedq
