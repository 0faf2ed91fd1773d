// The lake connector's metastore: table definitions and registered partitions in SQLite (a file shared by
// every lake catalog of the data directory, rows keyed by catalog; or an in-memory database). Schema and
// table names are stored lower-cased for case-insensitive lookups; definitions keep the spelling.
// The connection is opened in WAL mode with a busy timeout; one mutex serializes all calls.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace fedq {

class LakeMetastore {
  public:
    static constexpr int kSchemaVersion = 1;

    LakeMetastore(std::string path, std::string catalog);  // "" = in memory
    ~LakeMetastore();
    LakeMetastore(const LakeMetastore&) = delete;
    LakeMetastore& operator=(const LakeMetastore&) = delete;

    std::optional<std::string> get_table(const std::string& schema, const std::string& name);
    // False when the table exists and `replace` is false. Replacing drops its partitions.
    bool put_table(const std::string& schema, const std::string& name, const std::string& definition,
                   bool replace);
    void update_table(const std::string& schema, const std::string& name, const std::string& definition);
    bool delete_table(const std::string& schema, const std::string& name);  // with its partitions
    std::vector<std::string> list_schemas();
    std::vector<std::string> list_tables(const std::string& schema);  // definitions

    // (values JSON, location)
    std::vector<std::pair<std::string, std::string>> list_partitions(const std::string& schema,
                                                                     const std::string& table);
    bool add_partition(const std::string& schema, const std::string& table, const std::string& values,
                       const std::string& location);  // false when present
    bool drop_partition(const std::string& schema, const std::string& table, const std::string& values);

  private:
    void exec(const char* sql);
    std::string catalog_;
    sqlite3* db_ = nullptr;
    std::mutex mutex_;
};

}  // namespace fedq
