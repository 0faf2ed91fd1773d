// The PostgreSQL connector (libpq). Catalog options: host, port (5432), database, user, password, sslmode,
// connect_timeout (10s), statement_timeout (none), pool_size (8), split_rows (1000000), application_name.
//
// Metadata comes from pg_catalog (see postgres_metadata.h), types map as in postgres_types.h. Scans translate
// the request with sql_common (PostgresDialect) and stream the result with binary COPY
// (postgres_copy_reader.h). Large tables (relkind r/m) split into ctid page ranges when the engine asks for
// parallel splits and nothing order-dependent (aggregation, ORDER BY, LIMIT) is pushed; each split runs on
// its own pooled connection. Passthrough: query_table(sql). Joins of two tables of the catalog:
// apply_join via join_relation.
// Thread-safety: all methods may be called concurrently; connections are pooled per catalog (pool_size).
#pragma once

#include <memory>

#include "connector/connector.h"
#include "connectors/postgres/postgres_connection.h"
#include "connectors/postgres/postgres_dialect.h"

namespace fedq {

class PostgresConnector final : public Connector {
public:
    // Validates the options; connects lazily on first use.
    explicit PostgresConnector(const ConnectorConfig& config);
    ~PostgresConnector() override;

    std::string type_name() const override { return "postgres"; }
    Capabilities capabilities() const override;

    std::vector<std::string> list_schemas() override;
    TablePage list_tables(const std::string& schema, const std::string& page_token = "") override;
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override;

    ScanPlan plan_scan(const ScanRequest& request) override;
    ScanPlan negotiate(const ScanRequest& request) override;
    std::optional<TableInfo> apply_join(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                        const std::vector<std::pair<std::string, std::string>>& keys) override;
    std::optional<TableInfo> query_table(const std::string& query) override;
    void close() override;
    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override;

    const PgSettings& settings() const { return pool_->settings(); }
    PgConnectionPool& pool() { return *pool_; }

    // The remote SELECT of a request with the acceptance (exposed for tests and EXPLAIN).
    struct Translation {
        SqlSelect select;
        ScanPlan plan;
        std::string sql;  // select.sql() without a split range
    };
    Translation translate(const ScanRequest& request) const;

private:
    std::shared_ptr<PgConnectionPool> pool_;
    PostgresDialect dialect_;
    // The dialect with the char(n) columns of these requests' tables.
    PostgresDialect dialect_for(std::initializer_list<const ScanRequest*> requests) const;
};

std::shared_ptr<Connector> make_postgres_connector(const ConnectorConfig& config);

}  // namespace fedq
