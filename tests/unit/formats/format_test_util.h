#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vector/column.h"

namespace fedq::test {

inline std::string data_dir() {
    return (std::filesystem::path(__FILE__).parent_path() / "../../data/files").lexically_normal().string();
}
inline std::string data_file(const std::string& name) { return data_dir() + "/" + name; }

// Row-major text rendering of batches ("NULL" for nulls), for compact assertions.
inline void append_rows(const Batch& batch, std::vector<std::vector<std::string>>& rows) {
    for (size_t r = 0; r < batch.num_rows; ++r) {
        std::vector<std::string> row;
        for (const auto& column : batch.columns) row.push_back(column->value_at(r).to_string());
        rows.push_back(std::move(row));
    }
}

}  // namespace fedq::test
