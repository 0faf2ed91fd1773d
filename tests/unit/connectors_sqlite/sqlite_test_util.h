// Helpers for the SQLite connector tests: a scratch database file built with the SQLite API, and
// running a ScanRequest through plan_scan + read_split into rows of Values.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "connector/connector.h"
#include "connectors/sqlite/sqlite_connector.h"

namespace fedq::testing {

inline std::string scratch_path(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("fedq_sqlite_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

inline void exec_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

inline std::shared_ptr<Connector> open_catalog(const std::string& path,
                                               std::map<std::string, std::string> options = {}) {
    ConnectorConfig config;
    config.catalog = "lite";
    config.type = "sqlite";
    config.options = std::move(options);
    config.options["path"] = path;
    return make_sqlite_connector(config);
}

inline ScanRequest request_for(Connector& connector, const std::string& table, std::vector<std::string> columns = {},
                               const std::string& schema = "main") {
    auto info = connector.get_table(schema, table);
    EXPECT_TRUE(info.has_value()) << table;
    ScanRequest request;
    request.table = info->handle;
    if (columns.empty()) {
        for (const auto& c : info->columns) columns.push_back(c.name);
    }
    request.columns = std::move(columns);
    return request;
}

using Rows = std::vector<std::vector<Value>>;

struct ScanResult {
    ScanPlan plan;
    Rows rows;
    size_t batches = 0;
    uint64_t rows_read = 0;
};

inline ScanResult scan(Connector& connector, const ScanRequest& request, const std::atomic<bool>* cancelled = nullptr) {
    ScanResult result;
    result.plan = connector.plan_scan(request);
    ScanMetrics metrics;
    ReadContext context{cancelled, &metrics};
    for (const auto& split : result.plan.splits) {
        auto reader = connector.read_split(request, split, context);
        Batch batch;
        while (reader->next(batch)) {
            ++result.batches;
            for (size_t r = 0; r < batch.num_rows; ++r) {
                std::vector<Value> row;
                for (size_t c = 0; c < batch.num_columns(); ++c) row.push_back(batch.column(c).value_at(r));
                result.rows.push_back(std::move(row));
            }
        }
    }
    result.rows_read = metrics.rows_read.load();
    return result;
}

inline std::string row_text(const std::vector<Value>& row) {
    std::string out;
    for (const auto& v : row) out += (out.empty() ? "" : "|") + v.to_string();
    return out;
}

inline std::vector<std::string> texts(const Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(row_text(r));
    return out;
}

template <typename Body>
ErrorCode error_code_of(Body&& body, std::string* message = nullptr) {
    try {
        body();
    } catch (const Error& e) {
        if (message) *message = e.message();
        return e.code();
    }
    ADD_FAILURE() << "no error raised";
    return ErrorCode::kInternal;
}

}  // namespace fedq::testing
