// S3 as a FileSystem (scheme "s3", also "s3a"): open() HEADs the object and returns a RandomAccessFile
// doing ranged GETs (large reads are split into concurrent ranged GETs); glob() lists with the pattern's
// literal prefix (ListObjectsV2, paginated) and matches keys with the same rules as local globs; exists()
// HEADs. Paths are "s3://bucket/key".
// create() buffers kWritePartSize bytes; the first full buffer starts a multipart upload and every full
// buffer goes up as a part (up to kMaxPartsInFlight concurrently, in background threads) while the caller
// keeps appending; commit() uploads the last part and completes the upload, or sends one PUT when the
// object never reached kWritePartSize. abort() aborts the multipart upload. remove() = HEAD + DeleteObject.
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
    std::unique_ptr<WritableFile> create(const std::string& path) override;
    bool remove(const std::string& path) override;
    S3Client& client() { return *client_; }

    // Reads larger than this are split into concurrent ranged GETs of this size.
    static constexpr size_t kParallelChunk = 8u << 20;
    // Part size of uploads by create() (S3 needs >= 5 MiB for every part but the last).
    static constexpr size_t kWritePartSize = 8u << 20;
    static constexpr size_t kMaxPartsInFlight = 4;

  private:
    std::shared_ptr<S3Client> client_;
};

// True if `key` matches the glob `pattern` (segments split on '/', `**` = any number of segments).
bool s3_glob_match(std::string_view pattern, std::string_view key);

}  // namespace fedq
