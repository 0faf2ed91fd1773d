// The connector SPI: how the engine talks to every source, in process or (later) over the connector
// protocol. Modelled on Athena's metadata/record handlers and Trino's SPI:
//  - metadata: list_schemas, list_tables, get_table
//  - plan_scan(ScanRequest) -> ScanPlan: the request carries the wanted columns, a Constraint and a
//    limit; the plan says, per constrained column, whether the connector applies it Exactly, Inexactly
//    (may return extra rows: the engine re-checks) or not at all, whether it applied the limit, and
//    lists the splits. The engine always evaluates whatever was not accepted as Exact, so a connector
//    that accepts nothing still gives correct answers.
//  - read_split(request, split) -> BatchReader streaming Batches; honours cancellation.
// ScanRequest, ScanPlan and Split serialize to JSON so connectors can run out of process.
// Thread-safety: a Connector is shared by all queries and threads; plan_scan and read_split may be
// called concurrently. A BatchReader is used by one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/constraint.h"
#include "connector/pushdown.h"
#include "vector/column.h"

namespace fedq {

struct ColumnInfo {
    std::string name;
    Type type;
    bool nullable = true;
    std::string comment;
};

struct ColumnStatistics {
    std::optional<double> distinct_count;  // number of distinct non-null values
    std::optional<double> null_fraction;   // 0..1
    Value min;                             // NULL when unknown
    Value max;
};

struct TableStatistics {
    std::optional<double> row_count;
    std::optional<double> total_bytes;
    std::map<std::string, ColumnStatistics> columns;  // by column name; absent = unknown
};

// Identifies a table to its connector. `properties` carries connector-private state (for files: paths,
// format, options, the inferred schema) so a table found by get_table or a table function can be
// scanned without looking it up again.
struct TableHandle {
    std::string schema;
    std::string table;
    nlohmann::json properties = nlohmann::json::object();
};

struct TableInfo {
    TableHandle handle;
    std::vector<ColumnInfo> columns;
    TableStatistics statistics;
    std::string kind = "BASE TABLE";  // or "VIEW"
};

struct TablePage {
    std::vector<std::string> tables;
    std::string next_token;  // empty = last page
};

enum class PushdownKind : uint8_t {
    kUnsupported,  // the connector ignores this part; the engine evaluates it
    kInexact,      // applied, but rows that do not match may still come back; the engine re-checks
    kExact,        // applied exactly; the engine need not re-check
};

enum class Capability : uint8_t {
    kConstraint = 1 << 0,  // understands Constraint domains
    kLimit = 1 << 1,
    kParallelSplits = 1 << 2,
    kExpressions = 1 << 3,  // negotiate() judges ScanRequest::filters / aggregation / order_by
    kJoins = 1 << 4,        // apply_join
};

class Capabilities {
public:
    Capabilities() = default;
    Capabilities& add(Capability c) { bits_ |= static_cast<uint32_t>(c); return *this; }
    bool has(Capability c) const { return bits_ & static_cast<uint32_t>(c); }
    uint32_t bits() const { return bits_; }

private:
    uint32_t bits_ = 0;
};

struct ScanRequest {
    TableHandle table;
    std::vector<std::string> columns;  // wanted columns, in the order batches must have them
    Constraint constraint;
    std::optional<uint64_t> limit;     // only sent when every filter is pushed Exact
    size_t batch_rows = kDefaultBatchRows;
    size_t target_splits = 1;          // how many parallel splits the engine would like

    // Deeper pushdown (only for connectors with Capability::kExpressions; see connector/pushdown.h).
    // filters: conjuncts over the table's columns, applied with the constraint.
    // aggregation: when set, each output row is a group: the batches have the group keys, then the
    //   aggregates (`columns` is then ignored).
    // order_by + limit: top-N over the output columns.
    std::vector<ConnectorExpr> filters;
    std::optional<PushedAggregation> aggregation;
    std::vector<PushedSortKey> order_by;

    // The output column count (columns, or groups + aggregates).
    size_t output_count() const;

    nlohmann::json to_json() const;
    static ScanRequest from_json(const nlohmann::json& j);
};

struct Split {
    nlohmann::json payload = nlohmann::json::object();  // connector-private
    std::string description;  // for EXPLAIN: "orders.csv bytes 0-1048576"
    std::optional<double> estimated_rows;
};

struct ScanPlan {
    std::map<std::string, PushdownKind> constraint_accepted;  // per constrained column
    bool limit_accepted = false;
    std::vector<PushdownKind> filters_accepted;  // parallel to ScanRequest::filters
    bool aggregation_accepted = false;           // the source groups and aggregates exactly
    bool order_accepted = false;                 // the source orders (and limits) exactly
    std::vector<Split> splits;
    std::string description;  // one line for EXPLAIN (what the connector will do)

    nlohmann::json to_json() const;
    static ScanPlan from_json(const nlohmann::json& j);
};

// Runtime counters a reader reports (EXPLAIN ANALYZE).
struct ScanMetrics {
    std::atomic<uint64_t> bytes_read{0};
    std::atomic<uint64_t> rows_read{0};
    // Split results a connector service spilled to object storage (remote connector; 0 otherwise).
    std::atomic<uint64_t> spilled_objects{0};
    std::atomic<uint64_t> spilled_bytes{0};
};

struct ReadContext {
    const std::atomic<bool>* cancelled = nullptr;
    ScanMetrics* metrics = nullptr;
    bool is_cancelled() const { return cancelled && cancelled->load(std::memory_order_relaxed); }
};

class BatchReader {
public:
    virtual ~BatchReader() = default;
    // Fills `batch` with the next rows (columns as in ScanRequest::columns). Returns false at the end.
    virtual bool next(Batch& batch) = 0;
};

class Connector {
public:
    virtual ~Connector() = default;
    virtual std::string type_name() const = 0;  // "files", "system", "postgres", ...
    virtual Capabilities capabilities() const = 0;

    virtual std::vector<std::string> list_schemas() = 0;
    virtual TablePage list_tables(const std::string& schema, const std::string& page_token = "") = 0;
    virtual std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) = 0;

    virtual ScanPlan plan_scan(const ScanRequest& request) = 0;

    // What plan_scan would accept of `request`, without planning splits (used by the optimizer to try
    // pushing filters, aggregation and top-N). The default accepts nothing.
    virtual ScanPlan negotiate(const ScanRequest& request);

    // A join of two tables of this catalog run by the source. `left` and `right` carry each side's table,
    // wanted columns and filters (all accepted Exact by negotiate). Returns a table whose columns are
    // left.columns then right.columns (renamed as the connector likes, same order and types), or
    // nullopt to let the engine join. `keys` are (left column, right column) equalities.
    virtual std::optional<TableInfo> apply_join(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                                const std::vector<std::pair<std::string, std::string>>& keys);

    // TABLE(catalog.system.query(query => '...')): a native query as a table, typed from the source's
    // metadata. nullopt when the connector has no passthrough.
    virtual std::optional<TableInfo> query_table(const std::string& query);

    // Drops pooled connections and cached metadata (ALTER/DROP CATALOG). Default: nothing.
    virtual void close() {}
    virtual std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                                    ReadContext& context) = 0;
};

}  // namespace fedq
