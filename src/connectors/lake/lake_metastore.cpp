#include "connectors/lake/lake_metastore.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"

namespace fedq {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A prepared statement, finalized on scope exit.
class Statement {
  public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            raise(ErrorCode::kIo, "lake metastore: {}", sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement& bind(int index, const std::string& text) {
        sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return *this;
    }
    // True while there is a row.
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        raise(ErrorCode::kIo, "lake metastore: {}", sqlite3_errmsg(db_));
    }
    std::string text(int column) {
        const unsigned char* t = sqlite3_column_text(stmt_, column);
        return t ? std::string(reinterpret_cast<const char*>(t),
                               static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
    }
    int64_t changes() const { return sqlite3_changes(db_); }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

LakeMetastore::LakeMetastore(std::string path, std::string catalog) : catalog_(std::move(catalog)) {
    const std::string target = path.empty() ? ":memory:" : path;
    if (!path.empty()) {
        std::error_code ignored;  // a missing data directory is created; failures surface in sqlite3_open
        std::filesystem::path parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(target.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        raise(ErrorCode::kIo, "lake metastore: cannot open '{}': {}", target, message);
    }
    sqlite3_busy_timeout(db_, 10000);
    try {
        if (!path.empty()) exec("PRAGMA journal_mode=WAL");
        exec("CREATE TABLE IF NOT EXISTS lake_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        exec(
            "CREATE TABLE IF NOT EXISTS lake_tables (catalog TEXT NOT NULL, schema_name TEXT NOT NULL, "
            "name TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (catalog, schema_name, name))");
        exec(
            "CREATE TABLE IF NOT EXISTS lake_partitions (catalog TEXT NOT NULL, schema_name TEXT NOT NULL, "
            "table_name TEXT NOT NULL, partition_values TEXT NOT NULL, location TEXT NOT NULL, "
            "PRIMARY KEY (catalog, schema_name, table_name, partition_values))");
        Statement version(db_, "SELECT value FROM lake_meta WHERE key = 'schema_version'");
        if (version.step()) {
            std::string v = version.text(0);
            if (v != std::to_string(kSchemaVersion))
                raise(ErrorCode::kIo,
                      "lake metastore '{}' has schema version {}, this build reads version {}", target, v,
                      kSchemaVersion);
        } else {
            exec("INSERT OR IGNORE INTO lake_meta (key, value) VALUES ('schema_version', '1')");
        }
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

LakeMetastore::~LakeMetastore() { sqlite3_close(db_); }

void LakeMetastore::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        raise(ErrorCode::kIo, "lake metastore: {}", text);
    }
}

std::optional<std::string> LakeMetastore::get_table(const std::string& schema, const std::string& name) {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT definition FROM lake_tables WHERE catalog = ? AND schema_name = ? AND name = ?");
    s.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(name));
    if (s.step()) return s.text(0);
    return std::nullopt;
}

bool LakeMetastore::put_table(const std::string& schema, const std::string& name,
                              const std::string& definition, bool replace) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        Statement exists(db_, "SELECT 1 FROM lake_tables WHERE catalog = ? AND schema_name = ? AND name = ?");
        exists.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(name));
        if (exists.step()) {
            if (!replace) {
                exec("ROLLBACK");
                return false;
            }
            Statement drop(
                db_, "DELETE FROM lake_partitions WHERE catalog = ? AND schema_name = ? AND table_name = ?");
            drop.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(name));
            drop.step();
        }
        Statement put(db_,
                      "INSERT OR REPLACE INTO lake_tables (catalog, schema_name, name, definition) "
                      "VALUES (?, ?, ?, ?)");
        put.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(name)).bind(4, definition);
        put.step();
        exec("COMMIT");
        return true;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void LakeMetastore::update_table(const std::string& schema, const std::string& name,
                                 const std::string& definition) {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                "UPDATE lake_tables SET definition = ? WHERE catalog = ? AND schema_name = ? AND name = ?");
    s.bind(1, definition).bind(2, catalog_).bind(3, lower(schema)).bind(4, lower(name));
    s.step();
}

bool LakeMetastore::delete_table(const std::string& schema, const std::string& name) {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        Statement parts(
            db_, "DELETE FROM lake_partitions WHERE catalog = ? AND schema_name = ? AND table_name = ?");
        parts.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(name));
        parts.step();
        Statement s(db_, "DELETE FROM lake_tables WHERE catalog = ? AND schema_name = ? AND name = ?");
        s.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(name));
        s.step();
        bool deleted = s.changes() > 0;
        exec("COMMIT");
        return deleted;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<std::string> LakeMetastore::list_schemas() {
    std::lock_guard lock(mutex_);
    Statement s(db_, "SELECT DISTINCT schema_name FROM lake_tables WHERE catalog = ? ORDER BY schema_name");
    s.bind(1, catalog_);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

std::vector<std::string> LakeMetastore::list_tables(const std::string& schema) {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                "SELECT definition FROM lake_tables WHERE catalog = ? AND schema_name = ? ORDER BY name");
    s.bind(1, catalog_).bind(2, lower(schema));
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

std::vector<std::pair<std::string, std::string>> LakeMetastore::list_partitions(const std::string& schema,
                                                                                const std::string& table) {
    std::lock_guard lock(mutex_);
    Statement s(
        db_,
        "SELECT partition_values, location FROM lake_partitions WHERE catalog = ? AND schema_name = ? "
        "AND table_name = ?");
    s.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(table));
    std::vector<std::pair<std::string, std::string>> out;
    while (s.step()) out.emplace_back(s.text(0), s.text(1));
    return out;
}

bool LakeMetastore::add_partition(const std::string& schema, const std::string& table,
                                  const std::string& values, const std::string& location) {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                "INSERT OR IGNORE INTO lake_partitions (catalog, schema_name, table_name, partition_values, "
                "location) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(table)).bind(4, values).bind(5, location);
    s.step();
    return s.changes() > 0;
}

bool LakeMetastore::drop_partition(const std::string& schema, const std::string& table,
                                   const std::string& values) {
    std::lock_guard lock(mutex_);
    Statement s(db_,
                "DELETE FROM lake_partitions WHERE catalog = ? AND schema_name = ? AND table_name = ? AND "
                "partition_values = ?");
    s.bind(1, catalog_).bind(2, lower(schema)).bind(3, lower(table)).bind(4, values);
    s.step();
    return s.changes() > 0;
}

}  // namespace fedq
