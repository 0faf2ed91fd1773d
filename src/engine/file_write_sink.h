// Writing a query result into files: the sink behind CREATE TABLE AS, INSERT INTO lake tables and the
// CLI's --output. Rows go to one file per partition (Hive-style key=value folders below the target
// location; the partition columns are not stored in the files) in CSV, JSON lines or Parquet.
//
// Atomicity: every file is a WritableFile, invisible until commit() (local: hidden temporary name renamed
// at commit; S3: multipart upload completed at commit). A query that fails part-way calls abort() (or
// destroys the sink) and leaves no file visible. commit() finishes and commits every file; if one commit
// fails, the files already committed are removed again before the error is rethrown.
// Thread-safety: ResultSink calls come one at a time (Engine's contract); not otherwise thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "types/value.h"

namespace fedq {

class FileWriter;
class WritableFile;

struct FileWriteTarget {
    std::string location;  // folder; "/" is appended when missing
    // The file name when the result is one file and `location` is its folder ("" = generated).
    std::string file_name;
    std::string format = "csv";  // csv | json | parquet
    std::map<std::string, std::string> format_options;
    // Names of the result columns that partition the output (in folder order); they are left out of the
    // files.
    std::vector<std::string> partition_columns;
    // Folder of one partition relative to `location` ("dt=2024-06-01/region=eu/"); required with
    // partition_columns (the lake connector's partition_location names the folders).
    std::function<std::string(const std::vector<Value>&)> partition_path;
    std::string file_prefix;  // unique per statement; files are <prefix>_<n>.<ext>
    std::string s3_profile;   // get_file_system(path, s3_profile)
    size_t max_open_partitions = 1000;
};

struct WrittenFile {
    std::string path;
    std::vector<Value> partition_values;  // empty when unpartitioned
    uint64_t rows = 0;
    uint64_t bytes = 0;
};

// A name no other statement uses (UTC time + 48 random bits): 20261125_140301_3f2a9c01b2d4.
std::string unique_file_prefix();

class FileWriteSink final : public ResultSink {
public:
    explicit FileWriteSink(FileWriteTarget target);
    ~FileWriteSink() override;

    void begin(const std::vector<std::string>& names, const std::vector<Type>& types) override;
    void write(Batch&& batch) override;

    // Finishes and publishes every file (see the header comment). An empty unpartitioned result still
    // writes one file (with a header for CSV) unless `skip_empty`.
    std::vector<WrittenFile> commit(bool skip_empty = false);
    void abort() noexcept;
    bool began() const { return began_; }

    // The data (non-partition) columns as written to the files.
    const std::vector<std::string>& data_names() const { return data_names_; }
    const std::vector<Type>& data_types() const { return data_types_; }
    const std::vector<Type>& partition_types() const { return partition_types_; }

private:
    struct Output;
    Output& output_for(const std::vector<Value>& values);
    Batch data_columns(Batch& batch) const;

    FileWriteTarget target_;
    std::vector<size_t> partition_index_;  // result column of each partition column
    std::vector<size_t> data_index_;       // result columns written to the files
    std::vector<std::string> data_names_;
    std::vector<Type> data_types_;
    std::vector<Type> partition_types_;
    std::map<std::string, std::unique_ptr<Output>> outputs_;  // by partition key
    size_t files_ = 0;
    bool done_ = false;
    bool began_ = false;
};

}  // namespace fedq
