// Parallel chunked table writing for fedq-tpchgen (see table_writer.h).
#include "tpchgen/table_writer.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

namespace fedq::tpchgen {
namespace {

class TableFiles {
  public:
    TableFiles(const std::filesystem::path& directory, const std::vector<std::string>& names,
               const std::vector<std::string>& headers) {
        for (size_t i = 0; i < names.size(); ++i) {
            final_paths_.push_back(directory / (names[i] + ".csv"));
            temp_paths_.push_back(directory / (names[i] + ".csv.tmp"));
            FILE* file = std::fopen(temp_paths_.back().c_str(), "wb");
            if (file == nullptr) throw std::runtime_error("cannot open " + temp_paths_.back().string());
            files_.push_back(file);
            write(i, headers[i]);
        }
    }

    // Without commit() (an error happened) the partial .tmp files are removed.
    ~TableFiles() {
        for (size_t i = 0; i < files_.size(); ++i) {
            if (files_[i] == nullptr) continue;
            std::fclose(files_[i]);
            std::error_code ignored;
            std::filesystem::remove(temp_paths_[i], ignored);
        }
    }

    void write(size_t index, std::string_view data) {
        if (std::fwrite(data.data(), 1, data.size(), files_[index]) != data.size()) {
            throw std::runtime_error("write failed: " + temp_paths_[index].string());
        }
    }

    void commit() {
        for (size_t i = 0; i < files_.size(); ++i) {
            if (std::fclose(files_[i]) != 0)
                throw std::runtime_error("close failed: " + temp_paths_[i].string());
            files_[i] = nullptr;
            std::filesystem::rename(temp_paths_[i], final_paths_[i]);
        }
    }

  private:
    std::vector<std::filesystem::path> final_paths_;
    std::vector<std::filesystem::path> temp_paths_;
    std::vector<FILE*> files_;
};

}  // namespace

void generate_tables(const std::filesystem::path& directory, const std::vector<std::string>& names,
                     const std::vector<std::string>& headers, int64_t rows, int64_t chunk_rows, int threads,
                     const ChunkGenerator& generate) {
    TableFiles files(directory, names, headers);
    const int64_t chunk_count = (rows + chunk_rows - 1) / chunk_rows;
    const int64_t window = std::max<int64_t>(2, 2 * threads);  // chunks in flight, bounds memory

    std::mutex mutex;
    std::condition_variable changed;
    std::map<int64_t, std::vector<CsvBuffer>> done;
    int64_t next_chunk = 0;
    int64_t written = 0;
    std::exception_ptr failure;

    auto worker = [&] {
        for (;;) {
            int64_t chunk;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] {
                    return failure || next_chunk >= chunk_count || next_chunk < written + window;
                });
                if (failure || next_chunk >= chunk_count) return;
                chunk = next_chunk++;
            }
            std::vector<CsvBuffer> outputs(names.size());
            try {
                const int64_t begin = chunk * chunk_rows;
                generate(begin, std::min(rows, begin + chunk_rows), outputs);
            } catch (...) {
                std::lock_guard lock(mutex);
                failure = std::current_exception();
                changed.notify_all();
                return;
            }
            std::lock_guard lock(mutex);
            done.emplace(chunk, std::move(outputs));
            changed.notify_all();
        }
    };

    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i) workers.emplace_back(worker);
    try {
        while (written < chunk_count) {
            std::vector<CsvBuffer> outputs;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return failure || done.count(written) > 0; });
                if (failure) break;
                outputs = std::move(done[written]);
                done.erase(written);
            }
            for (size_t i = 0; i < outputs.size(); ++i) files.write(i, outputs[i].data());
            std::lock_guard lock(mutex);
            ++written;
            changed.notify_all();
        }
    } catch (...) {
        std::lock_guard lock(mutex);
        failure = std::current_exception();
        changed.notify_all();
    }
    for (auto& thread : workers) thread.join();
    if (failure) std::rethrow_exception(failure);
    files.commit();
}

}  // namespace fedq::tpchgen
