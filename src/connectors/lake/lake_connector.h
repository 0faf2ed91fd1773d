// The lake connector: EXTERNAL TABLE definitions (Glue Data Catalog / Hive metastore style) kept in a
// SQLite metastore, over folders of CSV, JSON-lines or Parquet files on any FileSystem (local paths,
// file://, s3://). Tables may be partitioned Hive-style (LOCATION/dt=2024-01-01/region=eu/...): the
// partitions are either registered (ADD PARTITION, MSCK REPAIR TABLE) or projected from TBLPROPERTIES
// ('projection.enabled' = 'true', Athena's partition projection).
//
// Scans: the partition-column domains of the request's Constraint select the partitions before anything
// is listed (registered ones from the metastore, projected ones enumerated from the projection rules);
// only the surviving folders are listed. Every file becomes one or more splits through the files
// connector's machinery (CSV/JSON byte ranges, Parquet row groups pruned by statistics); partition values
// are added to each batch as constant columns. Parquet columns are matched to table columns by name
// (missing -> NULL, safely widened types are cast). All constraints on table columns are applied Exactly.
//
// Metastore tables: lake_tables (catalog, schema, name, definition JSON) and lake_partitions (catalog,
// schema, table, values JSON, location), schema version in lake_meta. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector/connector.h"

namespace fedq {

struct LakeColumn {
    std::string name;
    Type type;
    std::string comment;
};

struct LakeTable {
    std::string schema, name;
    std::vector<LakeColumn> columns;                // data columns (in file order for CSV)
    std::vector<LakeColumn> partition_columns;      // Hive-style key=value folders, in order
    std::string format;                             // "parquet" | "csv" | "json"
    std::string location;                           // folder URL, always ends with '/'
    std::map<std::string, std::string> properties;  // TBLPROPERTIES (keys lower-cased)
    bool external = true;                           // false: managed (created by CTAS without LOCATION)
    std::string comment;
};

struct LakePartition {
    std::vector<Value> values;  // typed as the table's partition_columns
    std::string location;
};

struct RepairResult {
    size_t added = 0;
    size_t removed = 0;
};

class LakeMetastore;

std::shared_ptr<Connector> make_lake_connector(const ConnectorConfig& config);  // registered as type "lake"

class LakeConnector final : public Connector {
  public:
    // Options: metastore (SQLite path; default <home>/lake.db, in-memory when home is empty), warehouse
    // (root of managed tables; default <home>/warehouse/), s3_endpoint, s3_region, s3_access_key_id,
    // s3_secret_access_key, s3_session_token, s3_url_style, s3_profile.
    explicit LakeConnector(const ConnectorConfig& config);
    ~LakeConnector() override;

    std::string type_name() const override { return "lake"; }
    Capabilities capabilities() const override;

    // Validates names, types, format, location and properties; kDuplicateObject when the table exists
    // (unless if_not_exists: nothing happens, or or_replace: the definition and partitions are replaced).
    void create_table(const LakeTable& table, bool if_not_exists, bool or_replace);
    // The checks of create_table without storing anything; returns the normalized definition (format
    // name, lower-case property keys, location with '/'). CTAS validates before it writes a file.
    LakeTable validated(const LakeTable& table) const;
    std::optional<LakeTable> find_table(const std::string& schema,
                                        const std::string& name);  // case-insensitive
    // Removes the definition and partitions; a managed table's files are deleted too. False when absent.
    bool drop_table(const std::string& schema, const std::string& name);
    void alter_properties(const std::string& schema, const std::string& name,
                          const std::map<std::string, std::string>& set);
    void add_columns(const std::string& schema, const std::string& name,
                     const std::vector<LakeColumn>& columns);
    // MSCK REPAIR TABLE: registers the key=value folders found under the location (unparsable ones are
    // skipped) and unregisters partitions whose folder has no files any more.
    RepairResult repair_table(const std::string& schema, const std::string& name);
    size_t add_partitions(const std::string& schema, const std::string& name,
                          const std::vector<LakePartition>& partitions, bool if_not_exists);
    size_t drop_partitions(const std::string& schema, const std::string& name,
                           const std::vector<std::vector<Value>>& values, bool if_exists);
    std::vector<LakePartition> list_partitions(const std::string& schema, const std::string& name);  // sorted
    std::string show_create_table(const std::string& schema, const std::string& name);
    // table.location + "col=value/..." (values escaped Hive-style; NULL = __HIVE_DEFAULT_PARTITION__).
    std::string partition_location(const LakeTable& table, const std::vector<Value>& values) const;
    std::string default_location(const std::string& schema, const std::string& name) const;
    std::string s3_profile() const { return s3_profile_; }
    const std::string& catalog() const { return catalog_; }

    std::vector<std::string> list_schemas() override;
    TablePage list_tables(const std::string& schema, const std::string& page_token = "") override;
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override;
    ScanPlan plan_scan(const ScanRequest& request) override;
    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override;

  private:
    LakeTable require_table(const std::string& schema, const std::string& name);
    void store_table(const LakeTable& table, bool replace);

    std::string catalog_;
    std::string warehouse_;
    std::string s3_profile_;
    std::unique_ptr<LakeMetastore> metastore_;
};

// Hive-style escaping of a partition value in a folder name ('/' -> %2F, '=' -> %3D, ...) and back.
std::string escape_partition_value(const std::string& text);
std::string unescape_partition_value(const std::string& text);

// JSON encoding of a table definition (the metastore's `definition` column; also travels in handles).
nlohmann::json lake_table_to_json(const LakeTable& table);
LakeTable lake_table_from_json(const nlohmann::json& j);

}  // namespace fedq
