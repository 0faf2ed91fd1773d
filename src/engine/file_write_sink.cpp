#include "engine/file_write_sink.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>

#include "common/error.h"
#include "formats/file_writer.h"
#include "io/file_system.h"

namespace fedq {

namespace {

std::string extension_of(const std::string& format) {
    if (format == "parquet") return ".parquet";
    if (format == "json") return ".json";
    return ".csv";
}

}  // namespace

std::string unique_file_prefix() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    static std::mutex mutex;
    static std::mt19937_64 random(std::random_device{}());
    uint64_t bits;
    {
        std::lock_guard lock(mutex);
        bits = random() & 0xffffffffffffull;
    }
    return fmt::format("{:04}{:02}{:02}_{:02}{:02}{:02}_{:012x}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, bits);
}

struct FileWriteSink::Output {
    std::vector<Value> values;
    std::unique_ptr<WritableFile> file;
    std::unique_ptr<FileWriter> writer;
    uint64_t rows = 0;
};

FileWriteSink::FileWriteSink(FileWriteTarget target) : target_(std::move(target)) {
    if (!target_.location.empty() && target_.location.back() != '/') target_.location += '/';
    if (target_.file_prefix.empty()) target_.file_prefix = unique_file_prefix();
    if (!target_.partition_columns.empty() && !target_.partition_path) {
        raise(ErrorCode::kInternal, "file write sink: partition columns without a partition_path");
    }
}

FileWriteSink::~FileWriteSink() { abort(); }

void FileWriteSink::begin(const std::vector<std::string>& names, const std::vector<Type>& types) {
    auto find = [&](const std::string& wanted) -> std::optional<size_t> {
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i] == wanted) return i;
        auto lower = [](std::string s) {
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        for (size_t i = 0; i < names.size(); ++i)
            if (lower(names[i]) == lower(wanted)) return i;
        return std::nullopt;
    };
    began_ = true;
    partition_index_.clear();
    for (const auto& p : target_.partition_columns) {
        auto index = find(p);
        if (!index) raise(ErrorCode::kUndefinedColumn, "partition column \"{}\" is not a column of the query", p);
        partition_index_.push_back(*index);
        partition_types_.push_back(types[*index]);
    }
    for (size_t i = 0; i < names.size(); ++i) {
        if (std::find(partition_index_.begin(), partition_index_.end(), i) != partition_index_.end()) continue;
        data_index_.push_back(i);
        data_names_.push_back(names[i]);
        data_types_.push_back(types[i]);
    }
    if (data_index_.empty()) {
        raise(ErrorCode::kInvalidParameter, "the table needs at least one column that is not a partition column");
    }
}

FileWriteSink::Output& FileWriteSink::output_for(const std::vector<Value>& values) {
    std::string key;
    for (const auto& v : values) {
        key += v.is_null() ? std::string("\x01") : v.to_string();
        key += '\x02';
    }
    auto it = outputs_.find(key);
    if (it != outputs_.end()) return *it->second;
    if (outputs_.size() >= target_.max_open_partitions) {
        raise(ErrorCode::kNotSupported, "the query writes more than {} partitions at once (the limit of one statement)",
              target_.max_open_partitions);
    }
    auto output = std::make_unique<Output>();
    output->values = values;
    std::string folder = target_.location;
    if (!partition_index_.empty()) {
        folder += target_.partition_path(values);
    }
    std::string path = folder + (!target_.file_name.empty() && partition_index_.empty()
                                     ? target_.file_name
                                     : fmt::format("{}_{}{}", target_.file_prefix, files_++, extension_of(target_.format)));
    output->file = get_file_system(path, target_.s3_profile).create(path);
    output->writer = make_file_writer(target_.format, target_.format_options, data_names_, data_types_, *output->file);
    return *outputs_.emplace(std::move(key), std::move(output)).first->second;
}

Batch FileWriteSink::data_columns(Batch& batch) const {
    if (partition_index_.empty()) return std::move(batch);
    Batch out;
    out.num_rows = batch.num_rows;
    for (size_t i : data_index_) out.columns.push_back(batch.columns[i]);
    return out;
}

void FileWriteSink::write(Batch&& batch) {
    if (batch.num_rows == 0) return;
    if (partition_index_.empty()) {
        Output& output = output_for({});
        output.writer->write(batch);
        output.rows += batch.num_rows;
        return;
    }
    // Group the rows by their partition values.
    std::unordered_map<std::string, std::pair<std::vector<Value>, std::vector<uint32_t>>> groups;
    std::vector<std::string> order;
    std::string key;
    std::vector<Value> values(partition_index_.size());
    for (size_t row = 0; row < batch.num_rows; ++row) {
        key.clear();
        for (size_t p = 0; p < partition_index_.size(); ++p) {
            values[p] = batch.column(partition_index_[p]).value_at(row);
            key += values[p].is_null() ? std::string("\x01") : values[p].to_string();
            key += '\x02';
        }
        auto [it, inserted] = groups.try_emplace(key);
        if (inserted) {
            it->second.first = values;
            order.push_back(key);
        }
        it->second.second.push_back(static_cast<uint32_t>(row));
    }
    Batch data = data_columns(batch);
    for (const auto& k : order) {
        auto& [group_values, rows] = groups[k];
        Output& output = output_for(group_values);
        if (rows.size() == data.num_rows) {
            output.writer->write(data);
        } else {
            output.writer->write(data.gather(rows.data(), rows.size()));
        }
        output.rows += rows.size();
    }
}

std::vector<WrittenFile> FileWriteSink::commit(bool skip_empty) {
    if (done_) raise(ErrorCode::kInternal, "file write sink committed twice");
    if (outputs_.empty() && partition_index_.empty() && !skip_empty) output_for({});
    std::vector<WrittenFile> written;
    try {
        for (auto& [key, output] : outputs_) output->writer->finish();
        for (auto& [key, output] : outputs_) {
            output->file->commit();
            written.push_back({output->file->path(), output->values, output->rows, output->file->bytes_written()});
        }
    } catch (...) {
        for (const auto& file : written) {
            try {
                get_file_system(file.path, target_.s3_profile).remove(file.path);
            } catch (...) {
            }
        }
        abort();
        throw;
    }
    done_ = true;
    outputs_.clear();
    return written;
}

void FileWriteSink::abort() noexcept {
    for (auto& [key, output] : outputs_) {
        if (output->file) output->file->abort();
    }
    outputs_.clear();
    done_ = true;
}

}  // namespace fedq
