// Connections to one SQLite database file: a bounded pool (pool_size), RAII statements, the mapping of
// SQLite result codes to fedq errors, and cancellation / statement timeouts through SQLite's progress
// handler (checked every few thousand VM instructions, so even a long aggregate stops promptly).
//
// Thread-safety: the pool is shared by all queries; a leased connection is used by one thread at a time
// (connections are opened with SQLITE_OPEN_NOMUTEX). Read-only connections read in parallel.
#pragma once

#include <atomic>
#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace fedq {

struct SqliteSettings {
    std::string catalog;
    std::string path;  // absolute file path, or a "file:" URI
    bool read_only = true;
    int busy_timeout_ms = 5000;
    size_t pool_size = 8;
    double acquire_timeout_seconds = 10;           // waiting for a free pooled connection
    std::optional<double> statement_timeout_seconds;
    std::vector<std::pair<std::string, std::string>> attach;  // (schema, absolute path)
};

// Raises the fedq error for SQLite result code `rc` on `db` ("catalog c: <context>: <sqlite message>").
[[noreturn]] void raise_sqlite(const std::string& catalog, sqlite3* db, int rc, std::string_view context);

class SqliteConnection {
public:
    SqliteConnection(sqlite3* db, const SqliteSettings& settings);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    sqlite3* db() const { return db_; }
    const std::string& catalog() const { return catalog_; }
    uint64_t generation = 0;  // the pool generation it was opened in

    // Arms the progress handler for the statement about to run: it interrupts when `cancelled` becomes
    // true or the statement timeout passes. disarm() when the statement is done.
    // `timeout_seconds` overrides the statement timeout (type inference from a first row uses a short budget).
    void arm(const std::atomic<bool>* cancelled, std::optional<double> timeout_seconds = std::nullopt);
    void disarm();
    // After SQLITE_INTERRUPT: raises kCancelled or kQueryTimeout; otherwise returns.
    void raise_if_interrupted(std::string_view context) const;
    bool timed_out() const { return timed_out_; }

private:
    static int progress(void* self);

    sqlite3* db_;
    std::string catalog_;
    std::optional<double> timeout_seconds_;
    const std::atomic<bool>* cancelled_ = nullptr;
    std::chrono::steady_clock::time_point deadline_{};
    bool has_deadline_ = false;
    bool timed_out_ = false;
    bool was_cancelled_ = false;
};

class SqliteStatement {
public:
    SqliteStatement(SqliteConnection& connection, std::string_view sql, std::string_view context);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    sqlite3_stmt* get() const { return stmt_; }
    // Trailing text after the first statement (non-empty when the SQL held more than one).
    const std::string& tail() const { return tail_; }
    void bind(int index, std::string_view text);
    // True when a row is available, false when done; raises on error (naming `context`).
    bool step();

private:
    SqliteConnection& connection_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string context_;
    std::string tail_;
};

class SqlitePool : public std::enable_shared_from_this<SqlitePool> {
public:
    explicit SqlitePool(SqliteSettings settings);
    ~SqlitePool();

    // A connection borrowed from the pool; returned on destruction (closed instead when discard()ed).
    class Lease {
    public:
        Lease() = default;
        Lease(std::shared_ptr<SqlitePool> pool, std::unique_ptr<SqliteConnection> connection)
            : pool_(std::move(pool)), connection_(std::move(connection)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&& other) noexcept {
            release();
            pool_ = std::move(other.pool_);
            connection_ = std::move(other.connection_);
            return *this;
        }
        ~Lease() { release(); }
        SqliteConnection& operator*() const { return *connection_; }
        SqliteConnection* operator->() const { return connection_.get(); }
        void discard() { discard_ = true; }

    private:
        void release();
        std::shared_ptr<SqlitePool> pool_;
        std::unique_ptr<SqliteConnection> connection_;
        bool discard_ = false;
    };

    // Waits up to acquire_timeout_seconds for a free slot; opens a connection lazily.
    Lease acquire();
    // Closes idle connections (leased ones are closed when returned).
    void close();
    const SqliteSettings& settings() const { return settings_; }

private:
    std::unique_ptr<SqliteConnection> open();
    void give_back(std::unique_ptr<SqliteConnection> connection, bool discard);

    SqliteSettings settings_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<SqliteConnection>> idle_;
    size_t leased_ = 0;
    uint64_t generation_ = 0;  // bumped by close(): connections leased before are not kept
};

}  // namespace fedq
