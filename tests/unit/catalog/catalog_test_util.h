// Helpers shared by the catalog module tests: a temporary directory, a fake connector type that records
// the options it was built with, and error capture.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "catalog/connector_registry.h"
#include "common/error.h"

namespace fedq::catalog_test {

template <typename F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected a fedq::Error";
    return Error(ErrorCode::kInternal, "no error");
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "fedq-catalog-test-XXXXXX").string();
        path_ = mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Every byte of every file under `dir`.
inline std::string all_bytes(const std::string& dir) {
    std::string out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream file(entry.path(), std::ios::binary);
        std::stringstream buffer;
        buffer << file.rdbuf();
        out += buffer.str();
    }
    return out;
}

class FakeConnector final : public Connector {
public:
    explicit FakeConnector(ConnectorConfig config) : config(std::move(config)) {}
    std::string type_name() const override { return "fake"; }
    Capabilities capabilities() const override { return Capabilities(); }
    std::vector<std::string> list_schemas() override { return {"main"}; }
    TablePage list_tables(const std::string&, const std::string&) override { return {}; }
    std::optional<TableInfo> get_table(const std::string&, const std::string&) override { return std::nullopt; }
    ScanPlan plan_scan(const ScanRequest&) override { return {}; }
    std::unique_ptr<BatchReader> read_split(const ScanRequest&, const Split&, ReadContext&) override { return nullptr; }
    void close() override { ++closed; }

    ConnectorConfig config;
    std::atomic<int> closed{0};
};

// Type "fake" (alias "phony"): options host (required), port (integer), password, token, ssl. Counts
// the connectors it built.
inline std::shared_ptr<ConnectorRegistry> fake_registry(std::shared_ptr<std::atomic<int>> built = nullptr) {
    auto registry = std::make_shared<ConnectorRegistry>();
    registry->add({"fake",
                   [built](const ConnectorConfig& config) -> std::shared_ptr<Connector> {
                       config.require("host");
                       config.get_int("port", 0);
                       if (built) ++*built;
                       return std::make_shared<FakeConnector>(config);
                   },
                   {"host", "port", "password", "token", "ssl", "user"},
                   "test connector",
                   {"phony"}});
    return registry;
}

}  // namespace fedq::catalog_test
