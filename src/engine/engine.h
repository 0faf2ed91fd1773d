// The embedded engine: the one entry point the CLI, tests and (later) servers use. An Engine owns the
// catalogs and a session (current catalog/schema, settings). execute() runs one SQL statement from
// text to a materialized result. Not thread-safe for concurrent execute() calls on one Engine; cancel()
// and progress() may be called from another thread while a statement runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "types/type.h"
#include "vector/column.h"

namespace fedq {

struct QueryStats {
    double elapsed_seconds = 0;
    uint64_t rows = 0;
    uint64_t bytes_scanned = 0;
    // bytes_scanned per source (catalog name; "files" for paths in FROM), in the order sources were first read.
    std::vector<std::pair<std::string, uint64_t>> bytes_by_source;
};

struct QueryResult {
    std::vector<std::string> column_names;
    std::vector<Type> column_types;
    std::vector<Batch> batches;
    uint64_t row_count = 0;
    bool has_rows = true;      // false for USE, SET, ...: then `message` says what happened
    std::string message;
    QueryStats stats;
};

struct Progress {
    bool running = false;
    double elapsed_seconds = 0;
    uint64_t rows_read = 0;
    uint64_t bytes_read = 0;
    uint64_t splits_done = 0;
    uint64_t splits_total = 0;
};

class ConnectorRegistry;

struct EngineOptions {
    // The data directory ($FEDQ_HOME, resolved by the caller; the CLI defaults it to ~/.fedq): it holds
    // metastore.db, master.key and fedq.toml. Empty = no data directory: an in-memory metastore that
    // forgets its catalogs with the engine (tests).
    std::string home;
    // An extra fedq.toml (CLI --config), read after $home/fedq.toml and $FEDQ_CONFIG.
    std::string config_file;
    // The connector types CREATE CATALOG may use; null = the built-in ones (engine/builtin_connectors.h).
    std::shared_ptr<ConnectorRegistry> connectors;
};

class EngineImpl;

// Receives a query's result as it is produced (Engine::execute with a sink): `begin` once with the
// columns, then `write` for each batch (one call at a time, from the engine's worker threads).
class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void begin(const std::vector<std::string>& names, const std::vector<Type>& types) = 0;
    virtual void write(Batch&& batch) = 0;
};

class Engine {
public:
    explicit Engine(EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Runs one statement. Throws fedq::Error on any failure (position relative to `sql`).
    QueryResult execute(std::string_view sql);
    // The same, but a query's rows go to `sink` as they are produced instead of into QueryResult::batches
    // (which stays empty; row_count and stats are filled): results of any size stream through. Other
    // statements (SHOW, EXPLAIN, SET, ...) return their result as usual.
    QueryResult execute(std::string_view sql, ResultSink& sink);
    // Runs every ';'-separated statement in order, stopping at the first error (rethrown).
    std::vector<QueryResult> execute_script(std::string_view sql);

    void cancel();
    Progress progress() const;

    // Session settings (SET name = value); values as text.
    void set_setting(const std::string& name, const std::string& value);
    std::string setting(const std::string& name) const;

private:
    std::unique_ptr<EngineImpl> impl_;
};

}  // namespace fedq
