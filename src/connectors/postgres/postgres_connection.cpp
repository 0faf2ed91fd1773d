#include "connectors/postgres/postgres_connection.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace fedq {

// ---- settings -------------------------------------------------------------------------------------

const std::vector<std::string>& PgSettings::known_options() {
    static const std::vector<std::string> known = {
        "host",           "port",     "database",        "user",        "password",
        "sslmode",        "connect_timeout", "statement_timeout", "pool_size", "split_rows",
        "application_name"};
    return known;
}

PgSettings PgSettings::from_config(const ConnectorConfig& config) {
    config.check_known(known_options());
    PgSettings s;
    s.catalog = config.catalog;
    s.host = config.get("host").value_or("localhost");
    int64_t port = config.get_int("port", 5432);
    if (port < 1 || port > 65535) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option 'port' must be between 1 and 65535, not {}", s.catalog,
              port);
    }
    s.port = std::to_string(port);
    s.database = config.require("database");
    s.user = config.require("user");
    s.password = config.get("password").value_or("");
    s.sslmode = config.get("sslmode").value_or("");
    static const std::vector<std::string> ssl_modes = {"disable", "allow", "prefer", "require", "verify-ca",
                                                       "verify-full"};
    if (!s.sslmode.empty() && std::find(ssl_modes.begin(), ssl_modes.end(), s.sslmode) == ssl_modes.end()) {
        raise(ErrorCode::kInvalidParameter,
              "catalog {}: option 'sslmode' must be one of disable, allow, prefer, require, verify-ca, verify-full, "
              "not '{}'",
              s.catalog, s.sslmode);
    }
    s.application_name = config.get("application_name").value_or("fedq");
    double connect_timeout = config.get_seconds("connect_timeout", 10);
    // libpq counts whole seconds, and treats 1 as 2.
    s.connect_timeout_seconds = std::max(2, static_cast<int>(std::ceil(connect_timeout)));
    s.statement_timeout_ms = static_cast<int64_t>(std::llround(config.get_seconds("statement_timeout", 0) * 1000));
    int64_t pool_size = config.get_int("pool_size", 8);
    if (pool_size < 1 || pool_size > 1000) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option 'pool_size' must be between 1 and 1000, not {}",
              s.catalog, pool_size);
    }
    s.pool_size = static_cast<size_t>(pool_size);
    s.split_rows = config.get_int("split_rows", 1'000'000);
    if (s.split_rows < 1) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option 'split_rows' must be positive, not {}", s.catalog,
              s.split_rows);
    }
    return s;
}

std::string PgSettings::where() const { return host + ":" + port + "/" + database; }

std::string redact(const PgSettings& settings, std::string message) {
    if (settings.password.size() >= 1) {
        size_t at = 0;
        while ((at = message.find(settings.password, at)) != std::string::npos) {
            message.replace(at, settings.password.size(), "***");
            at += 3;
        }
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
}

// ---- errors ---------------------------------------------------------------------------------------

namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

void raise_pg_error(const PgSettings& settings, PGconn* connection, const PGresult* result, std::string_view context,
                    bool cancelled) {
    std::string where = context.empty() ? std::string() : fmt::format(" ({})", context);
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message;
    if (result) {
        const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        message = primary ? primary : PQresultErrorMessage(result);
        const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
        if (detail && *detail) message += fmt::format(" ({})", detail);
    }
    if (message.empty() && connection) message = PQerrorMessage(connection);
    message = redact(settings, message);
    const std::string code = state ? state : "";
    const std::string& catalog = settings.catalog;
    if (code.empty() && (!connection || PQstatus(connection) == CONNECTION_BAD)) {
        throw Error(ErrorCode::kConnection,
                    fmt::format("catalog {}: connection to PostgreSQL at {} lost{}: {}", catalog, settings.where(),
                                where, message.empty() ? "no response" : message));
    }
    if (code == "57014") {
        if (cancelled) throw Error(ErrorCode::kCancelled, fmt::format("catalog {}: query cancelled{}", catalog, where));
        throw Error(ErrorCode::kQueryTimeout,
                    fmt::format("catalog {}: PostgreSQL statement timeout{} (statement_timeout = {}ms): {}", catalog,
                                where, settings.statement_timeout_ms, message));
    }
    std::string text = fmt::format("catalog {}: PostgreSQL error{}: {}", catalog, where, message);
    if (code == "42P01") throw Error::with_sqlstate(ErrorCode::kUndefinedTable, code, text);
    if (code == "42703") throw Error::with_sqlstate(ErrorCode::kUndefinedColumn, code, text);
    if (code == "42501") throw Error::with_sqlstate(ErrorCode::kInsufficientPrivilege, code, text);
    if (code == "22003") throw Error::with_sqlstate(ErrorCode::kNumericOverflow, code, text);
    if (code == "22012") throw Error::with_sqlstate(ErrorCode::kDivisionByZero, code, text);
    if (code == "42601") throw Error::with_sqlstate(ErrorCode::kSyntax, code, text);
    if (code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0) {
        throw Error(ErrorCode::kConnection, fmt::format("catalog {}: connection to PostgreSQL at {} lost{}: {}", catalog,
                                                        settings.where(), where, message));
    }
    if (code.rfind("28", 0) == 0) throw Error::with_sqlstate(ErrorCode::kInvalidPassword, code, text);
    throw Error::with_sqlstate(ErrorCode::kRemote, code, text);
}

// ---- connection -----------------------------------------------------------------------------------

PgConnection::PgConnection(PGconn* connection, const PgSettings* settings)
    : connection_(connection), settings_(settings) {
    cancel_ = PQgetCancel(connection_);
}

PgConnection::~PgConnection() {
    if (cancel_) PQfreeCancel(cancel_);
    if (connection_) PQfinish(connection_);
}

std::unique_ptr<PgConnection> PgConnection::open(const PgSettings& settings) {
    std::string options = "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 "
                          "-c default_transaction_read_only=on";
    options += " -c statement_timeout=" + std::to_string(settings.statement_timeout_ms);
    std::string timeout = std::to_string(settings.connect_timeout_seconds);
    std::vector<const char*> keys = {"host", "port", "dbname", "user", "connect_timeout", "application_name",
                                     "client_encoding", "options"};
    std::vector<const char*> values = {settings.host.c_str(), settings.port.c_str(), settings.database.c_str(),
                                       settings.user.c_str(), timeout.c_str(), settings.application_name.c_str(),
                                       "UTF8", options.c_str()};
    if (!settings.password.empty()) {
        keys.push_back("password");
        values.push_back(settings.password.c_str());
    }
    if (!settings.sslmode.empty()) {
        keys.push_back("sslmode");
        values.push_back(settings.sslmode.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* connection = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!connection) {
        raise(ErrorCode::kOutOfMemory, "catalog {}: cannot allocate a PostgreSQL connection", settings.catalog);
    }
    if (PQstatus(connection) != CONNECTION_OK) {
        std::string message = redact(settings, PQerrorMessage(connection));
        bool needs_password = PQconnectionNeedsPassword(connection);
        PQfinish(connection);
        std::string text = fmt::format("catalog {}: cannot connect to PostgreSQL at {} as user {}: {}", settings.catalog,
                                       settings.where(), settings.user, message);
        if (contains(message, "password authentication failed") || contains(message, "no password supplied") ||
            contains(message, "authentication failed") || needs_password) {
            throw Error::with_sqlstate(ErrorCode::kInvalidPassword, "28P01", text);
        }
        if (contains(message, "role \"") && contains(message, "does not exist")) {
            throw Error::with_sqlstate(ErrorCode::kInvalidPassword, "28000", text);
        }
        if (contains(message, "database \"") && contains(message, "does not exist")) {
            throw Error::with_sqlstate(ErrorCode::kConnectionFailure, "3D000", text);
        }
        throw Error(ErrorCode::kConnectionFailure, text);
    }
    return std::unique_ptr<PgConnection>(new PgConnection(connection, &settings));
}

bool PgConnection::healthy() const {
    return PQstatus(connection_) == CONNECTION_OK && PQtransactionStatus(connection_) == PQTRANS_IDLE;
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                            std::string_view context) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PgResult result(PQexecParams(connection_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0));
    ExecStatusType status = result.get() ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        raise_pg_error(*settings_, connection_, result.get(), context);
    }
    return result;
}

void PgConnection::cancel() {
    std::lock_guard lock(cancel_mutex_);
    if (!cancel_) return;
    char buffer[256];
    PQcancel(cancel_, buffer, sizeof(buffer));  // best effort: the statement may have just finished
}

// ---- pool -----------------------------------------------------------------------------------------

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        connection_ = std::move(other.connection_);
    }
    return *this;
}

PooledConnection::~PooledConnection() { release(); }

void PooledConnection::release() {
    if (connection_ && pool_) {
        bool reusable = connection_->healthy();
        pool_->give_back(std::move(connection_), reusable);
    }
    connection_.reset();
}

void PooledConnection::discard() {
    if (connection_ && pool_) pool_->give_back(std::move(connection_), false);
    connection_.reset();
}

PooledConnection PgConnectionPool::acquire() {
    std::unique_lock lock(mutex_);
    // A query waits for a connection at most this long; a wait that long means the pool is too small for
    // the scans that hold connections (pool_size vs. parallel splits) rather than a slow query.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::max(60, settings_.connect_timeout_seconds));
    while (true) {
        while (!idle_.empty()) {
            std::unique_ptr<PgConnection> connection = std::move(idle_.back());
            idle_.pop_back();
            if (connection->healthy()) return PooledConnection(shared_from_this(), std::move(connection));
            --open_;
        }
        if (open_ < settings_.pool_size) {
            ++open_;
            lock.unlock();
            try {
                auto connection = PgConnection::open(settings_);
                return PooledConnection(shared_from_this(), std::move(connection));
            } catch (...) {
                lock.lock();
                --open_;
                available_.notify_one();
                throw;
            }
        }
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout) {
            raise(ErrorCode::kConnectionFailure,
                  "catalog {}: all {} pooled PostgreSQL connections stayed busy; raise the catalog option pool_size",
                  settings_.catalog, settings_.pool_size);
        }
    }
}

void PgConnectionPool::give_back(std::unique_ptr<PgConnection> connection, bool reusable) {
    std::unique_ptr<PgConnection> closing;
    {
        std::lock_guard lock(mutex_);
        if (reusable) {
            idle_.push_back(std::move(connection));
        } else {
            closing = std::move(connection);
            --open_;
        }
    }
    available_.notify_one();
    // `closing` is finished outside the lock (PQfinish may wait for the socket).
}

void PgConnectionPool::close() {
    std::vector<std::unique_ptr<PgConnection>> closing;
    {
        std::lock_guard lock(mutex_);
        closing.swap(idle_);
        open_ -= closing.size();
        ++generation_;
    }
    available_.notify_all();
}

size_t PgConnectionPool::open_count() const {
    std::lock_guard lock(mutex_);
    return open_;
}

size_t PgConnectionPool::idle_count() const {
    std::lock_guard lock(mutex_);
    return idle_.size();
}

}  // namespace fedq
