// The metastore: a SQLite database holding the configured catalogs and their options, at
// `$FEDQ_HOME/metastore.db` (or ":memory:" for an engine without a home).
//
// Schema-versioned: `schema_version` holds the version and kMigrations (metastore.cpp) lists the steps;
// opening applies the missing ones in one transaction and refuses a database written by a newer fedq.
// Secret options are sealed with the SecretBox before they are written, so the file never holds a
// secret in clear. Several processes may share one file: writes run in IMMEDIATE transactions, readers
// wait on a busy timeout, and file databases use WAL journaling. Thread-safe (one connection, locked).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_definition.h"

struct sqlite3;

namespace fedq {

class SecretBox;

class Metastore {
public:
    // `path` is a file (its directory must exist) or ":memory:". `secrets` must outlive the metastore.
    Metastore(const std::string& path, SecretBox& secrets);
    ~Metastore();
    Metastore(const Metastore&) = delete;
    Metastore& operator=(const Metastore&) = delete;

    static int latest_schema_version();
    int schema_version();
    const std::string& path() const { return path_; }

    // Definitions as stored: secret values are sealed (CatalogOptionValue::sealed).
    std::vector<CatalogDefinition> list_catalogs();
    std::optional<CatalogDefinition> find_catalog(const std::string& name);
    std::vector<std::string> catalog_names();
    // The catalog's revision (incremented by every save), nullopt when it does not exist. One indexed read.
    std::optional<int64_t> catalog_revision(const std::string& name);

    enum class SaveMode { kCreate, kReplace, kUpdate };
    // kCreate raises kDuplicateObject when the name exists; kUpdate raises kUndefinedObject when it does
    // not; kReplace does either. Secrets not yet sealed are sealed here. Atomic. Returns the new revision.
    int64_t save_catalog(const CatalogDefinition& definition, SaveMode mode);
    // False when there was no such catalog.
    bool drop_catalog(const std::string& name);

private:
    void execute(const char* sql);
    void migrate();

    std::string path_;
    SecretBox& secrets_;
    sqlite3* db_ = nullptr;
    std::mutex mutex_;
};

}  // namespace fedq
