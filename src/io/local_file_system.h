// Local disk: pread-based RandomAccessFile and directory-walking glob. Paths may be plain or file://.
// Writes go to a hidden temporary file next to the target (`<dir>/.<name>.fedq-tmp-<random>`, skipped by
// globs) which commit() renames over the target (atomic within one file system).
#pragma once

#include "io/file_system.h"

namespace fedq {

class LocalFileSystem final : public FileSystem {
  public:
    std::string scheme() const override { return "file"; }
    std::unique_ptr<RandomAccessFile> open(const std::string& path) override;
    std::vector<FileInfo> glob(const std::string& pattern) override;
    bool exists(const std::string& path) override;
    std::unique_ptr<WritableFile> create(const std::string& path) override;
    bool remove(const std::string& path) override;

    // When set, commit() fsyncs the file before the rename and the directory after it (durability
    // across power loss); off by default.
    void set_sync_on_commit(bool sync) { sync_on_commit_ = sync; }

    // "file:///a/b" -> "/a/b"; other paths unchanged.
    static std::string strip_scheme(const std::string& path);

  private:
    bool sync_on_commit_ = false;
};

}  // namespace fedq
