#include "connectors/mysql/mysql_connection.h"

#include <chrono>
#include <cmath>

#include <errmsg.h>
#include <mysqld_error.h>

namespace fedq {

namespace {

// The statement timeout of MySQL 8 (milliseconds, SELECT only) and MariaDB (seconds) differ in name.
std::string session_setup_sql(const MySqlSettings& settings, bool mariadb) {
    // A known sql_mode: backslash escapes on (MySqlDialect::quote_string escapes them), || is OR (the dialect
    // writes CONCAT), no ONLY_FULL_GROUP_BY (a string group key is grouped by BINARY col but selected as col).
    std::string sql =
        "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', "
        "net_write_timeout = 3600, group_concat_max_len = 1048576";
    if (settings.statement_timeout && *settings.statement_timeout > 0) {
        if (mariadb) {
            sql += fmt::format(", max_statement_time = {:.3f}", *settings.statement_timeout);
        } else {
            sql += fmt::format(", max_execution_time = {}",
                               static_cast<int64_t>(std::ceil(*settings.statement_timeout * 1000)));
        }
    }
    return sql;
}

}  // namespace

bool is_connection_lost(unsigned int error_number) {
    return error_number == CR_SERVER_GONE_ERROR || error_number == CR_SERVER_LOST ||
           error_number == 2027 /* CR_MALFORMED_PACKET */ || error_number == 2055 /* lost at 'reading...' */;
}

void raise_mysql_error(MYSQL* mysql, const std::string& catalog, const std::string& what) {
    unsigned int number = mysql_errno(mysql);
    std::string message = mysql_error(mysql);
    std::string state = mysql_sqlstate(mysql);
    std::string text = fmt::format("catalog {}: {}: {} (MySQL error {})", catalog, what, message, number);
    switch (number) {
        case CR_CONNECTION_ERROR:
        case CR_CONN_HOST_ERROR:
        case CR_UNKNOWN_HOST:
        case 2013 /* lost during connect is reported as CR_SERVER_LOST */:
            if (what.rfind("cannot connect", 0) == 0) throw Error(ErrorCode::kConnectionFailure, text);
            throw Error(ErrorCode::kConnection, text);
        case CR_SERVER_GONE_ERROR:
        case 2055:
            throw Error(ErrorCode::kConnection, text);
        case ER_ACCESS_DENIED_ERROR: throw Error(ErrorCode::kInvalidPassword, text);
        case ER_DBACCESS_DENIED_ERROR:
        case ER_TABLEACCESS_DENIED_ERROR:
        case 1143 /* ER_COLUMNACCESS_DENIED_ERROR */:
        case 1227 /* ER_SPECIFIC_ACCESS_DENIED_ERROR */: throw Error(ErrorCode::kInsufficientPrivilege, text);
        case ER_NO_SUCH_TABLE: throw Error(ErrorCode::kUndefinedTable, text);
        case ER_BAD_DB_ERROR: throw Error(ErrorCode::kUndefinedObject, text);
        case ER_STATEMENT_TIMEOUT:
        case 3024 /* MySQL ER_QUERY_TIMEOUT */: throw Error(ErrorCode::kQueryTimeout, text);
        case ER_QUERY_INTERRUPTED: throw Error(ErrorCode::kCancelled, text);
        case 1064 /* ER_PARSE_ERROR */: throw Error::with_sqlstate(ErrorCode::kSyntax, state, text);
        default:
            if (state.size() == 5 && state != "HY000") throw Error::with_sqlstate(ErrorCode::kRemote, state, text);
            throw Error(ErrorCode::kRemote, text);
    }
}

// ---- MySqlSession -------------------------------------------------------------------------------------

MySqlSession::~MySqlSession() { pool_->release(mysql_, broken_); }

const std::string& MySqlSession::catalog() const { return pool_->settings().catalog; }

void MySqlSession::execute(const std::string& sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
        if (is_connection_lost(mysql_errno(mysql_))) discard();
        raise_mysql_error(mysql_, catalog(), "statement failed");
    }
    // Statements like SET may still produce (empty) results; consume them so the session stays usable.
    do {
        if (MYSQL_RES* result = mysql_store_result(mysql_)) mysql_free_result(result);
    } while (mysql_next_result(mysql_) == 0);
}

std::vector<std::vector<std::optional<std::string>>> MySqlSession::query_rows(const std::string& sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
        if (is_connection_lost(mysql_errno(mysql_))) discard();
        raise_mysql_error(mysql_, catalog(), "metadata query failed");
    }
    MYSQL_RES* result = mysql_store_result(mysql_);
    std::vector<std::vector<std::optional<std::string>>> rows;
    if (!result) {
        if (mysql_field_count(mysql_) != 0) {
            discard();
            raise_mysql_error(mysql_, catalog(), "reading a metadata result failed");
        }
        return rows;
    }
    unsigned int fields = mysql_num_fields(result);
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
        unsigned long* lengths = mysql_fetch_lengths(result);
        std::vector<std::optional<std::string>> out(fields);
        for (unsigned int i = 0; i < fields; ++i) {
            if (row[i]) out[i] = std::string(row[i], lengths[i]);
        }
        rows.push_back(std::move(out));
    }
    mysql_free_result(result);
    return rows;
}

// ---- MySqlPool ------------------------------------------------------------------------------------------

MySqlPool::~MySqlPool() { clear(); }

void MySqlPool::clear() {
    std::vector<MYSQL*> idle;
    {
        std::lock_guard lock(mutex_);
        idle.swap(idle_);
        open_ -= idle.size();
    }
    for (MYSQL* m : idle) mysql_close(m);
    available_.notify_all();
}

MYSQL* MySqlPool::connect_raw() {
    MYSQL* mysql = mysql_init(nullptr);
    if (!mysql) raise(ErrorCode::kOutOfMemory, "catalog {}: cannot allocate a MySQL session", settings_.catalog);
    unsigned int timeout = static_cast<unsigned int>(std::max(1.0, std::ceil(settings_.connect_timeout)));
    mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (settings_.ssl) {
        my_bool enforce = 1;
        mysql_ssl_set(mysql, nullptr, nullptr, nullptr, nullptr, nullptr);
        mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce);
    }
    const char* database = settings_.database.empty() ? nullptr : settings_.database.c_str();
    if (!mysql_real_connect(mysql, settings_.host.c_str(), settings_.user.c_str(), settings_.password.c_str(), database,
                            static_cast<unsigned int>(settings_.port), nullptr, 0)) {
        std::string where = fmt::format("cannot connect to MySQL at {}:{} as user '{}'", settings_.host, settings_.port,
                                        settings_.user);
        try {
            raise_mysql_error(mysql, settings_.catalog, where);
        } catch (...) {
            mysql_close(mysql);
            throw;
        }
    }
    bool mariadb = std::string(mysql_get_server_info(mysql)).find("MariaDB") != std::string::npos;
    {
        std::lock_guard lock(mutex_);
        mariadb_ = mariadb;
    }
    std::string setup = session_setup_sql(settings_, mariadb);
    if (mysql_real_query(mysql, setup.data(), setup.size()) != 0) {
        try {
            raise_mysql_error(mysql, settings_.catalog, "setting up the session failed");
        } catch (...) {
            mysql_close(mysql);
            throw;
        }
    }
    return mysql;
}

bool MySqlPool::is_mariadb() {
    {
        std::lock_guard lock(mutex_);
        if (mariadb_) return *mariadb_;
    }
    acquire();  // connects once and records the server flavour
    std::lock_guard lock(mutex_);
    return mariadb_.value_or(false);
}

std::unique_ptr<MySqlSession> MySqlPool::acquire() {
    std::unique_lock lock(mutex_);
    auto wait_limit = std::chrono::duration<double>(std::max(30.0, settings_.connect_timeout * 3));
    if (!available_.wait_for(lock, wait_limit, [&] { return !idle_.empty() || open_ < settings_.pool_size; })) {
        raise(ErrorCode::kConnectionFailure, "catalog {}: all {} pooled MySQL connections stay busy (pool_size)",
              settings_.catalog, settings_.pool_size);
    }
    if (!idle_.empty()) {
        MYSQL* mysql = idle_.back();
        idle_.pop_back();
        lock.unlock();
        // A session idle past wait_timeout is gone: mysql_ping notices; replace it.
        if (mysql_ping(mysql) == 0) return std::make_unique<MySqlSession>(this, mysql);
        mysql_close(mysql);
        lock.lock();
        --open_;
    }
    ++open_;
    lock.unlock();
    try {
        return std::make_unique<MySqlSession>(this, connect_raw());
    } catch (...) {
        lock.lock();
        --open_;
        lock.unlock();
        available_.notify_one();
        throw;
    }
}

void MySqlPool::release(MYSQL* mysql, bool broken) {
    {
        std::lock_guard lock(mutex_);
        if (broken) {
            --open_;
        } else {
            idle_.push_back(mysql);
            mysql = nullptr;
        }
    }
    if (mysql) mysql_close(mysql);
    available_.notify_one();
}

void MySqlPool::kill_query(unsigned long thread_id) {
    try {
        MYSQL* mysql = connect_raw();
        std::string sql = fmt::format("KILL QUERY {}", thread_id);
        mysql_real_query(mysql, sql.data(), sql.size());
        mysql_close(mysql);
    } catch (const Error&) {
        // Best effort: the session is discarded by its reader anyway.
    }
}

}  // namespace fedq
