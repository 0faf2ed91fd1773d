// Connections to one PostgreSQL catalog: settings parsed from the catalog options, a libpq connection
// wrapper whose errors become fedq::Errors naming the catalog (never the password), and a bounded pool.
//
// Every connection starts with TimeZone=UTC (so timestamptz values and literals are UTC instants),
// DateStyle=ISO, IntervalStyle=postgres, client_encoding=UTF8, default_transaction_read_only=on and the
// catalog's statement_timeout.
// Thread-safety: PgConnectionPool is thread-safe; a PgConnection is used by one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "common/error.h"
#include "connector/pushdown.h"

namespace fedq {

struct PgSettings {
    std::string catalog;
    std::string host = "localhost";
    std::string port = "5432";
    std::string database;
    std::string user;
    std::string password;
    std::string sslmode;
    std::string application_name = "fedq";
    int connect_timeout_seconds = 10;
    int64_t statement_timeout_ms = 0;  // 0 = none
    size_t pool_size = 8;
    int64_t split_rows = 1'000'000;

    static const std::vector<std::string>& known_options();
    // Validates the options (raises kInvalidParameter naming the catalog).
    static PgSettings from_config(const ConnectorConfig& config);
    // "host:port/database" for messages (no user, no password).
    std::string where() const;
};

// Owns a PGresult.
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(PGresult* result) : result_(result) {}
    PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
    PgResult& operator=(PgResult&& other) noexcept {
        if (this != &other) {
            if (result_) PQclear(result_);
            result_ = std::exchange(other.result_, nullptr);
        }
        return *this;
    }
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    ~PgResult() { if (result_) PQclear(result_); }

    PGresult* get() const { return result_; }
    int rows() const { return result_ ? PQntuples(result_) : 0; }
    int columns() const { return result_ ? PQnfields(result_) : 0; }
    bool is_null(int row, int column) const { return PQgetisnull(result_, row, column); }
    std::string_view text(int row, int column) const {
        return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
    }
    std::string string(int row, int column) const { return std::string(text(row, column)); }
    std::optional<std::string> optional(int row, int column) const {
        if (is_null(row, column)) return std::nullopt;
        return string(row, column);
    }

private:
    PGresult* result_ = nullptr;
};

class PgConnection {
public:
    // Connects (blocking, bounded by connect_timeout). Raises kConnectionFailure (08001) or
    // kInvalidPassword (28P01 / 28000).
    static std::unique_ptr<PgConnection> open(const PgSettings& settings);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    PGconn* raw() const { return connection_; }
    const PgSettings& settings() const { return *settings_; }
    bool healthy() const;

    // A statement with text parameters and text results. Raises a mapped error (`context` names what was
    // being done, e.g. "table public.orders").
    PgResult exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {},
                  std::string_view context = {});

    // Asks the server to cancel the running statement (PQcancel). Safe from any thread.
    void cancel();

private:
    PgConnection(PGconn* connection, const PgSettings* settings);
    PGconn* connection_;
    const PgSettings* settings_;
    PGcancel* cancel_ = nullptr;
    std::mutex cancel_mutex_;
};

// Raises the fedq::Error for a failed result (or connection failure when `result` is null): SQLSTATE mapped
// to an ErrorCode (42P01 kUndefinedTable, 42501 kInsufficientPrivilege, 57014 kQueryTimeout or kCancelled,
// 08xxx kConnection, ...), other states passed through as kRemote.
[[noreturn]] void raise_pg_error(const PgSettings& settings, PGconn* connection, const PGresult* result,
                                 std::string_view context, bool cancelled = false);
// Removes the password from a message (belt and braces: libpq messages do not contain it).
std::string redact(const PgSettings& settings, std::string message);

class PgConnectionPool;

// A connection borrowed from the pool: returned on destruction, unless discarded (broken or mid-statement).
class PooledConnection {
public:
    PooledConnection() = default;
    PooledConnection(std::shared_ptr<PgConnectionPool> pool, std::unique_ptr<PgConnection> connection)
        : pool_(std::move(pool)), connection_(std::move(connection)) {}
    PooledConnection(PooledConnection&&) noexcept = default;
    PooledConnection& operator=(PooledConnection&& other) noexcept;
    ~PooledConnection();

    PgConnection* operator->() const { return connection_.get(); }
    PgConnection& operator*() const { return *connection_; }
    explicit operator bool() const { return connection_ != nullptr; }
    // Closes the connection instead of returning it to the pool.
    void discard();
    void release();

private:
    std::shared_ptr<PgConnectionPool> pool_;
    std::unique_ptr<PgConnection> connection_;
};

class PgConnectionPool : public std::enable_shared_from_this<PgConnectionPool> {
public:
    explicit PgConnectionPool(PgSettings settings) : settings_(std::move(settings)) {}
    // Borrows an idle connection or opens one; waits while pool_size connections are in use (raising
    // kConnectionFailure after a while, which signals a pool too small for the query's parallelism).
    PooledConnection acquire();
    // Closes idle connections; connections in use are closed when returned.
    void close();
    const PgSettings& settings() const { return settings_; }
    size_t open_count() const;
    size_t idle_count() const;

private:
    friend class PooledConnection;
    void give_back(std::unique_ptr<PgConnection> connection, bool reusable);

    PgSettings settings_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
    size_t open_ = 0;
    uint64_t generation_ = 0;  // bumped by close(): connections of older generations are not reused
};

}  // namespace fedq
