#include "connectors/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <filesystem>

#include "common/error.h"

namespace fedq {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

// A "file:" URI for an attached database, opened read-only when the catalog is.
std::string attach_uri(const std::string& path, bool read_only) {
    if (starts_with(path, "file:")) return path;
    std::string uri = "file:";
    for (char c : path) {
        if (c == '?' || c == '#' || c == '%') uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        else uri += c;
    }
    return uri + (read_only ? "?mode=ro" : "?mode=rw");
}

}  // namespace

void raise_sqlite(const std::string& catalog, sqlite3* db, int rc, std::string_view context) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message = fmt::format("catalog {}: {}: {}", catalog, context, detail);
    switch (rc & 0xff) {
        case SQLITE_CANTOPEN:
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
        case SQLITE_IOERR:
        case SQLITE_FULL: throw Error(ErrorCode::kIo, message);
        case SQLITE_PERM:
        case SQLITE_AUTH:
        case SQLITE_READONLY: throw Error(ErrorCode::kInsufficientPrivilege, message);
        case SQLITE_BUSY:
        case SQLITE_LOCKED: throw Error::with_sqlstate(ErrorCode::kRemote, "55P03", message);
        case SQLITE_NOMEM: throw Error(ErrorCode::kOutOfMemory, message);
        case SQLITE_INTERRUPT: throw Error(ErrorCode::kCancelled, message);
        default: break;
    }
    if (starts_with(detail, "no such table")) throw Error(ErrorCode::kUndefinedTable, message);
    if (starts_with(detail, "no such column")) throw Error(ErrorCode::kUndefinedColumn, message);
    if (starts_with(detail, "no such function")) throw Error(ErrorCode::kUndefinedFunction, message);
    if (detail == "integer overflow") throw Error(ErrorCode::kNumericOverflow, message);
    if (detail.find("syntax error") != std::string::npos || starts_with(detail, "near \"")) {
        throw Error::with_sqlstate(ErrorCode::kRemote, "42601", message);
    }
    throw Error(ErrorCode::kRemote, message);
}

// ---- SqliteConnection

SqliteConnection::SqliteConnection(sqlite3* db, const SqliteSettings& settings)
    : db_(db), catalog_(settings.catalog), timeout_seconds_(settings.statement_timeout_seconds) {
    sqlite3_progress_handler(db_, 4000, &SqliteConnection::progress, this);
}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

void SqliteConnection::arm(const std::atomic<bool>* cancelled, std::optional<double> timeout_seconds) {
    cancelled_ = cancelled;
    timed_out_ = false;
    was_cancelled_ = false;
    std::optional<double> timeout = timeout_seconds ? timeout_seconds : timeout_seconds_;
    has_deadline_ = timeout.has_value();
    if (has_deadline_) {
        deadline_ = std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<int64_t>(*timeout * 1e6));
    }
}

void SqliteConnection::disarm() {
    cancelled_ = nullptr;
    has_deadline_ = false;
}

int SqliteConnection::progress(void* self) {
    auto* connection = static_cast<SqliteConnection*>(self);
    if (connection->cancelled_ && connection->cancelled_->load(std::memory_order_relaxed)) {
        connection->was_cancelled_ = true;
        return 1;
    }
    if (connection->has_deadline_ && std::chrono::steady_clock::now() > connection->deadline_) {
        connection->timed_out_ = true;
        return 1;
    }
    return 0;
}

void SqliteConnection::raise_if_interrupted(std::string_view context) const {
    if (was_cancelled_) raise(ErrorCode::kCancelled, "catalog {}: {}: query cancelled", catalog_, context);
    if (timed_out_) {
        raise(ErrorCode::kQueryTimeout, "catalog {}: {}: statement timeout ({}s) exceeded", catalog_, context,
              timeout_seconds_.value_or(0));
    }
}

// ---- SqliteStatement

SqliteStatement::SqliteStatement(SqliteConnection& connection, std::string_view sql, std::string_view context)
    : connection_(connection), context_(context) {
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(connection.db(), sql.data(), static_cast<int>(sql.size()), &stmt_, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
        raise_sqlite(connection.catalog(), connection.db(), rc, context_);
    }
    if (tail) tail_.assign(tail, sql.data() + sql.size() - tail);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int index, std::string_view text) {
    int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) raise_sqlite(connection_.catalog(), connection_.db(), rc, context_);
}

bool SqliteStatement::step() {
    if (!stmt_) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if ((rc & 0xff) == SQLITE_INTERRUPT) connection_.raise_if_interrupted(context_);
    raise_sqlite(connection_.catalog(), connection_.db(), rc, context_);
}

// ---- SqlitePool

SqlitePool::SqlitePool(SqliteSettings settings) : settings_(std::move(settings)) {}

SqlitePool::~SqlitePool() = default;

void SqlitePool::Lease::release() {
    if (pool_ && connection_) pool_->give_back(std::move(connection_), discard_);
    pool_.reset();
    connection_.reset();
}

std::unique_ptr<SqliteConnection> SqlitePool::open() {
    const std::string& path = settings_.path;
    const bool uri = starts_with(path, "file:");
    if (!uri && path != ":memory:") {
        std::error_code ec;
        auto status = std::filesystem::status(path, ec);
        if (ec || !std::filesystem::exists(status)) {
            raise(ErrorCode::kIo, "catalog {}: SQLite database file '{}' does not exist", settings_.catalog, path);
        }
        if (std::filesystem::is_directory(status)) {
            raise(ErrorCode::kIo, "catalog {}: SQLite database path '{}' is a directory", settings_.catalog, path);
        }
    }
    // Never SQLITE_OPEN_CREATE: a catalog reads an existing database.
    int flags = (settings_.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_URI |
                SQLITE_OPEN_NOMUTEX;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        raise(ErrorCode::kIo, "catalog {}: cannot open SQLite database '{}': {}", settings_.catalog, path, detail);
    }
    auto connection = std::make_unique<SqliteConnection>(db, settings_);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, settings_.busy_timeout_ms);
    auto run = [&](const std::string& sql, std::string_view context) {
        SqliteStatement statement(*connection, sql, context);
        while (statement.step()) {
        }
    };
    // Touch the schema now so that "not a database" / corruption is reported at connect time.
    try {
        run("SELECT count(*) FROM main.sqlite_master", "opening the database");
    } catch (const Error& e) {
        raise(ErrorCode::kIo, "catalog {}: '{}' is not a readable SQLite database ({})", settings_.catalog, path,
              e.message());
    }
    if (settings_.read_only) run("PRAGMA query_only = 1", "opening the database");
    for (const auto& [schema, attached] : settings_.attach) {
        if (!starts_with(attached, "file:") && !std::filesystem::exists(attached)) {
            raise(ErrorCode::kIo, "catalog {}: attached SQLite database file '{}' (schema {}) does not exist",
                  settings_.catalog, attached, schema);
        }
        SqliteStatement statement(*connection, "ATTACH DATABASE ?1 AS ?2", "attaching " + schema);
        statement.bind(1, attach_uri(attached, settings_.read_only));
        statement.bind(2, schema);
        while (statement.step()) {
        }
    }
    return connection;
}

SqlitePool::Lease SqlitePool::acquire() {
    std::unique_lock lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<int64_t>(settings_.acquire_timeout_seconds * 1e6));
    while (idle_.empty() && leased_ >= settings_.pool_size) {
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            leased_ >= settings_.pool_size) {
            raise(ErrorCode::kConnectionFailure,
                  "catalog {}: no free SQLite connection after {}s (pool_size = {} connections, all in use)",
                  settings_.catalog, settings_.acquire_timeout_seconds, settings_.pool_size);
        }
    }
    ++leased_;
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(shared_from_this(), std::move(connection));
    }
    uint64_t generation = generation_;
    lock.unlock();
    try {
        auto connection = open();
        connection->generation = generation;
        return Lease(shared_from_this(), std::move(connection));
    } catch (...) {
        lock.lock();
        --leased_;
        available_.notify_one();
        throw;
    }
}

void SqlitePool::give_back(std::unique_ptr<SqliteConnection> connection, bool discard) {
    connection->disarm();
    std::unique_ptr<SqliteConnection> to_close;
    {
        std::lock_guard lock(mutex_);
        --leased_;
        if (discard || connection->generation != generation_) to_close = std::move(connection);
        else idle_.push_back(std::move(connection));
    }
    available_.notify_one();
}

void SqlitePool::close() {
    std::vector<std::unique_ptr<SqliteConnection>> closing;
    {
        std::lock_guard lock(mutex_);
        closing.swap(idle_);
        ++generation_;
    }
}

}  // namespace fedq
