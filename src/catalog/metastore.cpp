#include "catalog/metastore.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/secrets.h"
#include "common/error.h"

namespace fedq {

namespace {

struct Migration {
    int version;
    const char* sql;
};

// Append only: never edit a released step; add a new one.
const Migration kMigrations[] = {
    {1,
     "CREATE TABLE catalogs ("
     "  name TEXT PRIMARY KEY NOT NULL,"
     "  type TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  revision INTEGER NOT NULL DEFAULT 1);"  // bumped by every change: lets other processes notice
     "CREATE TABLE catalog_properties ("
     "  catalog TEXT NOT NULL REFERENCES catalogs(name) ON DELETE CASCADE,"
     "  key TEXT NOT NULL,"
     "  value TEXT NOT NULL,"
     "  value_kind TEXT NOT NULL,"  // string | number | boolean | env
     "  is_secret INTEGER NOT NULL,"
     "  is_env INTEGER NOT NULL,"
     "  PRIMARY KEY (catalog, key));"},
};

const char* kind_name(CatalogOptionValue::Kind kind) {
    switch (kind) {
        case CatalogOptionValue::Kind::kString: return "string";
        case CatalogOptionValue::Kind::kNumber: return "number";
        case CatalogOptionValue::Kind::kBoolean: return "boolean";
        case CatalogOptionValue::Kind::kEnv: return "env";
    }
    return "string";
}

CatalogOptionValue::Kind kind_from_name(std::string_view name) {
    if (name == "number") return CatalogOptionValue::Kind::kNumber;
    if (name == "boolean") return CatalogOptionValue::Kind::kBoolean;
    if (name == "env") return CatalogOptionValue::Kind::kEnv;
    return CatalogOptionValue::Kind::kString;
}

// One prepared statement; finalized on scope exit.
class Statement {
public:
    Statement(sqlite3* db, const char* sql, const std::string& path) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
            raise(ErrorCode::kIo, "metastore {}: {}", path, sqlite3_errmsg(db));
        }
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, const std::string& text) {
        sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int index, int64_t value) {
        sqlite3_bind_int64(statement_, index, value);
        return *this;
    }
    // True while there is a row; raises on error.
    bool step(const std::string& path) {
        int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        raise(ErrorCode::kIo, "metastore {}: {}", path, sqlite3_errmsg(db_));
    }
    std::string text(int column) const {
        const unsigned char* value = sqlite3_column_text(statement_, column);
        return value ? std::string(reinterpret_cast<const char*>(value), static_cast<size_t>(sqlite3_column_bytes(statement_, column)))
                     : std::string();
    }
    int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

}  // namespace

Metastore::Metastore(const std::string& path, SecretBox& secrets) : path_(path), secrets_(secrets) {
    bool is_new = path != ":memory:" && ::access(path.c_str(), F_OK) != 0;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        raise(ErrorCode::kIo, "cannot open the metastore {}: {}", path, message);
    }
    sqlite3_busy_timeout(db_, 10000);
    sqlite3_extended_result_codes(db_, 1);
    try {
        execute("PRAGMA foreign_keys = ON");
        if (path != ":memory:") {
            // WAL lets readers in other processes proceed while one writes.
            execute("PRAGMA journal_mode = WAL");
            execute("PRAGMA synchronous = NORMAL");
        }
        migrate();
        if (is_new) ::chmod(path.c_str(), 0600);  // holds (encrypted) credentials
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

Metastore::~Metastore() {
    if (db_) sqlite3_close(db_);
}

void Metastore::execute(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        raise(ErrorCode::kIo, "metastore {}: {}", path_, text);
    }
}

int Metastore::latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

int Metastore::schema_version() {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT max(version) FROM schema_version", path_);
    return select.step(path_) ? static_cast<int>(select.integer(0)) : 0;
}

void Metastore::migrate() {
    // Fast path without a write lock: already at the latest version (every start after the first).
    {
        Statement exists(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", path_);
        if (exists.step(path_)) {
            Statement select(db_, "SELECT coalesce(max(version), 0) FROM schema_version", path_);
            if (select.step(path_) && select.integer(0) == latest_schema_version()) return;
        }
    }
    execute("BEGIN IMMEDIATE");
    try {
        execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        int current = 0;
        {
            Statement select(db_, "SELECT coalesce(max(version), 0) FROM schema_version", path_);
            if (select.step(path_)) current = static_cast<int>(select.integer(0));
        }
        if (current > latest_schema_version()) {
            raise(ErrorCode::kNotSupported,
                  "the metastore {} has schema version {}, newer than this fedq supports ({}); upgrade fedq", path_,
                  current, latest_schema_version());
        }
        for (const auto& migration : kMigrations) {
            if (migration.version <= current) continue;
            execute(migration.sql);
            Statement update(db_, "INSERT INTO schema_version (version) VALUES (?)", path_);
            update.bind(1, int64_t{migration.version}).step(path_);
        }
        execute("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::optional<int64_t> Metastore::catalog_revision(const std::string& name) {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT revision FROM catalogs WHERE name = ?", path_);
    if (!select.bind(1, name).step(path_)) return std::nullopt;
    return select.integer(0);
}

std::vector<std::string> Metastore::catalog_names() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    Statement select(db_, "SELECT name FROM catalogs ORDER BY name", path_);
    while (select.step(path_)) out.push_back(select.text(0));
    return out;
}

std::vector<CatalogDefinition> Metastore::list_catalogs() {
    std::lock_guard lock(mutex_);
    execute("BEGIN");
    try {
        std::vector<CatalogDefinition> out;
        Statement catalogs(db_, "SELECT name, type, created_at, updated_at, revision FROM catalogs ORDER BY name",
                           path_);
        while (catalogs.step(path_)) {
            CatalogDefinition definition;
            definition.name = catalogs.text(0);
            definition.type = catalogs.text(1);
            definition.created_at = catalogs.text(2);
            definition.updated_at = catalogs.text(3);
            definition.revision = catalogs.integer(4);
            definition.source = CatalogSource::kMetastore;
            out.push_back(std::move(definition));
        }
        Statement properties(db_,
                             "SELECT catalog, key, value, value_kind, is_secret, is_env FROM catalog_properties "
                             "ORDER BY catalog, key",
                             path_);
        size_t index = 0;
        while (properties.step(path_)) {
            std::string catalog = properties.text(0);
            while (index < out.size() && out[index].name < catalog) ++index;
            if (index == out.size() || out[index].name != catalog) continue;
            CatalogOptionValue value;
            value.text = properties.text(2);
            value.kind = properties.integer(5) ? CatalogOptionValue::Kind::kEnv : kind_from_name(properties.text(3));
            value.secret = properties.integer(4) != 0;
            value.sealed = value.secret && value.kind != CatalogOptionValue::Kind::kEnv;
            out[index].options[properties.text(1)] = std::move(value);
        }
        execute("COMMIT");
        return out;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::optional<CatalogDefinition> Metastore::find_catalog(const std::string& name) {
    // Small tables: reading everything keeps one code path for decoding rows.
    for (auto& definition : list_catalogs()) {
        if (definition.name == name) return std::move(definition);
    }
    return std::nullopt;
}

int64_t Metastore::save_catalog(const CatalogDefinition& definition, SaveMode mode) {
    // Seal before taking the lock and the write transaction (sealing may create the key file).
    std::map<std::string, CatalogOptionValue> options = definition.options;
    for (auto& [key, value] : options) {
        value.secret = value.secret || is_secret_option(key);
        if (value.secret && !value.sealed && value.kind != CatalogOptionValue::Kind::kEnv) {
            value.text = secrets_.seal(value.text);
            value.sealed = true;
        }
    }
    std::lock_guard lock(mutex_);
    execute("BEGIN IMMEDIATE");
    try {
        bool exists = false;
        {
            Statement select(db_, "SELECT 1 FROM catalogs WHERE name = ?", path_);
            exists = select.bind(1, definition.name).step(path_);
        }
        if (exists && mode == SaveMode::kCreate) {
            raise(ErrorCode::kDuplicateObject, "catalog \"{}\" already exists", definition.name);
        }
        if (!exists && mode == SaveMode::kUpdate) {
            raise(ErrorCode::kUndefinedObject, "catalog \"{}\" does not exist", definition.name);
        }
        if (exists) {
            Statement remove(db_, "DELETE FROM catalog_properties WHERE catalog = ?", path_);
            remove.bind(1, definition.name).step(path_);
            Statement update(db_, "UPDATE catalogs SET type = ?, updated_at = datetime('now'), revision = revision + 1 WHERE name = ?", path_);
            update.bind(1, definition.type).bind(2, definition.name).step(path_);
        } else {
            Statement insert(db_,
                             "INSERT INTO catalogs (name, type, created_at, updated_at) "
                             "VALUES (?, ?, datetime('now'), datetime('now'))",
                             path_);
            insert.bind(1, definition.name).bind(2, definition.type).step(path_);
        }
        for (const auto& [key, value] : options) {
            Statement insert(db_,
                             "INSERT INTO catalog_properties (catalog, key, value, value_kind, is_secret, is_env) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             path_);
            insert.bind(1, definition.name)
                .bind(2, key)
                .bind(3, value.text)
                .bind(4, std::string(kind_name(value.kind)))
                .bind(5, int64_t{value.secret})
                .bind(6, int64_t{value.kind == CatalogOptionValue::Kind::kEnv})
                .step(path_);
        }
        int64_t revision = 0;
        {
            Statement select(db_, "SELECT revision FROM catalogs WHERE name = ?", path_);
            if (select.bind(1, definition.name).step(path_)) revision = select.integer(0);
        }
        execute("COMMIT");
        return revision;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

bool Metastore::drop_catalog(const std::string& name) {
    std::lock_guard lock(mutex_);
    execute("BEGIN IMMEDIATE");
    try {
        Statement remove_properties(db_, "DELETE FROM catalog_properties WHERE catalog = ?", path_);
        remove_properties.bind(1, name).step(path_);
        Statement remove(db_, "DELETE FROM catalogs WHERE name = ?", path_);
        remove.bind(1, name).step(path_);
        bool dropped = sqlite3_changes(db_) > 0;
        execute("COMMIT");
        return dropped;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

}  // namespace fedq
