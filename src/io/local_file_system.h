// Local disk: pread-based RandomAccessFile and directory-walking glob. Paths may be plain or file://.
#pragma once

#include "io/file_system.h"

namespace fedq {

class LocalFileSystem final : public FileSystem {
  public:
    std::string scheme() const override { return "file"; }
    std::unique_ptr<RandomAccessFile> open(const std::string& path) override;
    std::vector<FileInfo> glob(const std::string& pattern) override;
    bool exists(const std::string& path) override;

    // "file:///a/b" -> "/a/b"; other paths unchanged.
    static std::string strip_scheme(const std::string& path);
};

}  // namespace fedq
