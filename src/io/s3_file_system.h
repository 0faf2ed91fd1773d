// S3 as a FileSystem (scheme "s3", also "s3a"): open() HEADs the object and returns a RandomAccessFile
// doing ranged GETs (large reads are split into concurrent ranged GETs); glob() lists with the pattern's
// literal prefix (ListObjectsV2, paginated) and matches keys with the same rules as local globs; exists()
// HEADs. Paths are "s3://bucket/key".
#pragma once

#include <memory>

#include "io/file_system.h"
#include "io/s3_client.h"

namespace fedq {

class S3FileSystem final : public FileSystem {
  public:
    explicit S3FileSystem(S3Config config);
    std::string scheme() const override { return "s3"; }
    std::unique_ptr<RandomAccessFile> open(const std::string& path) override;
    std::vector<FileInfo> glob(const std::string& pattern) override;
    bool exists(const std::string& path) override;
    S3Client& client() { return *client_; }

    // Reads larger than this are split into concurrent ranged GETs of this size.
    static constexpr size_t kParallelChunk = 8u << 20;

  private:
    std::shared_ptr<S3Client> client_;
};

// True if `key` matches the glob `pattern` (segments split on '/', `**` = any number of segments).
bool s3_glob_match(std::string_view pattern, std::string_view key);

}  // namespace fedq
