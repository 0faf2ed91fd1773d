// libFuzzer target for the Parquet reader: the input bytes are a whole Parquet file (served from memory).
// Opening it, reading statistics and dictionaries, and reading every column of every row group must either
// work or throw fedq::Error — never crash, hang, allocate without bound or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.h"
#include "formats/parquet_reader.h"
#include "io/file_system.h"

namespace {

class MemoryFile final : public fedq::RandomAccessFile {
  public:
    MemoryFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    const std::string& path() const override { return path_; }
    uint64_t size() const override { return size_; }
    size_t read_at(uint64_t offset, size_t length, void* dest) override {
        if (offset >= size_) return 0;
        size_t n = static_cast<size_t>(std::min<uint64_t>(length, size_ - offset));
        std::memcpy(dest, data_ + offset, n);
        return n;
    }

  private:
    const uint8_t* data_;
    size_t size_;
    std::string path_ = "fuzz.parquet";
};

}  // namespace

// The reader's open(path) goes through the filesystem layer, which the fuzzer does not link (S3, curl):
// stubs for the symbols it references (FileSystem's key function carries its vtable and typeinfo).
fedq::FileSystem& fedq::get_file_system(const std::string&) { __builtin_trap(); }
std::unique_ptr<fedq::WritableFile> fedq::FileSystem::create(const std::string&) { __builtin_trap(); }
bool fedq::FileSystem::remove(const std::string&) { __builtin_trap(); }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        fedq::ParquetReader reader(std::make_shared<MemoryFile>(data, size));
        const auto& columns = reader.columns();
        // Guard against files claiming huge row counts that would make the fuzzer allocate gigabytes
        // legitimately (the reader trusts num_values only up to the page data it can decode).
        for (size_t rg = 0; rg < reader.num_row_groups() && rg < 16; ++rg) {
            for (size_t c = 0; c < columns.size() && c < 64; ++c) {
                try {
                    (void)reader.statistics(rg, c);
                    (void)reader.dictionary_values(rg, c, 1000);
                    if (!columns[c].supported) continue;
                    auto column = reader.read_column(rg, c);
                    for (size_t row = 0; row < column->size() && row < 64; ++row) (void)column->value_at(row);
                } catch (const fedq::Error&) {
                }
            }
            try {
                std::vector<size_t> projection;
                for (size_t c = 0; c < columns.size() && c < 64; ++c)
                    if (columns[c].supported) projection.push_back(c);
                (void)reader.read_row_group(rg, projection, 100);
            } catch (const fedq::Error&) {
            }
        }
    } catch (const fedq::Error&) {
    }
    return 0;
}
