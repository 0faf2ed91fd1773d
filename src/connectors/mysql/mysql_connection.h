// Connections to a MySQL/MariaDB server for one catalog: a bounded pool of sessions configured alike
// (utf8mb4, time_zone '+00:00' so TIMESTAMP values travel in UTC, a known sql_mode, the statement timeout),
// error translation into fedq errors naming the catalog (never the password), and KILL QUERY for
// cancellation from a separate session.
// Thread-safety: MySqlPool is shared by all readers of a catalog; a MySqlSession is used by one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <mysql.h>

#include "common/error.h"

namespace fedq {

struct MySqlSettings {
    std::string catalog;
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string database;
    std::string user;
    std::string password;
    bool ssl = false;
    double connect_timeout = 10;               // seconds
    std::optional<double> statement_timeout;   // seconds
    size_t pool_size = 8;
};

// Raises the fedq error for the session's last error (`what` says what was being done).
[[noreturn]] void raise_mysql_error(MYSQL* mysql, const std::string& catalog, const std::string& what);
// Whether the client error means the connection itself is gone (server lost / gone away).
bool is_connection_lost(unsigned int error_number);

class MySqlPool;

// One open session. Returned to its pool when destroyed unless marked broken.
class MySqlSession {
public:
    MySqlSession(MySqlPool* pool, MYSQL* mysql) : pool_(pool), mysql_(mysql) {}
    ~MySqlSession();
    MySqlSession(const MySqlSession&) = delete;
    MySqlSession& operator=(const MySqlSession&) = delete;

    MYSQL* get() const { return mysql_; }
    unsigned long thread_id() const { return mysql_thread_id(mysql_); }
    // The session must not be reused (lost, killed, or a result left unread): it is closed, not pooled.
    void discard() { broken_ = true; }
    const std::string& catalog() const;

    // Runs a statement without a result.
    void execute(const std::string& sql);
    // Runs a query and buffers its (small) result: metadata queries only.
    std::vector<std::vector<std::optional<std::string>>> query_rows(const std::string& sql);

private:
    MySqlPool* pool_;
    MYSQL* mysql_;
    bool broken_ = false;
};

class MySqlPool {
public:
    explicit MySqlPool(MySqlSettings settings) : settings_(std::move(settings)) {}
    ~MySqlPool();

    // A session from the pool, or a new one (connected lazily); waits while pool_size sessions are in use.
    std::unique_ptr<MySqlSession> acquire();
    // A new session outside the pool's accounting (KILL QUERY must not wait for a busy pool).
    MYSQL* connect_raw();
    // Asks the server to stop the statement running on session `thread_id` (best effort).
    void kill_query(unsigned long thread_id);
    // Closes the idle sessions (close() of the connector).
    void clear();

    const MySqlSettings& settings() const { return settings_; }
    bool is_mariadb();

private:
    friend class MySqlSession;
    void release(MYSQL* mysql, bool broken);

    MySqlSettings settings_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<MYSQL*> idle_;
    size_t open_ = 0;  // sessions handed out or idle
    std::optional<bool> mariadb_;
};

}  // namespace fedq
