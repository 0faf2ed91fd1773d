// Shared helpers for the PostgreSQL connector tests: they run against the real server started by
// scripts/test-services.sh (127.0.0.1:55432, user fedq / fedq_pw, database fedq_test) and fail when it is
// not reachable. Each suite creates its own tables in schema fedq_pg_test (or fedq_pg_big).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "connectors/postgres/postgres_connector.h"

namespace fedq::pg_test {

inline std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

inline ConnectorConfig config(std::map<std::string, std::string> extra = {}) {
    ConnectorConfig c;
    c.catalog = "pg";
    c.type = "postgres";
    c.options = {{"host", env_or("FEDQ_PG_HOST", "127.0.0.1")}, {"port", env_or("FEDQ_PG_PORT", "55432")},
                 {"database", "fedq_test"}, {"user", "fedq"}, {"password", "fedq_pw"}};
    for (auto& [k, v] : extra) c.options[k] = v;
    return c;
}

// A direct libpq connection for fixtures (read-write, unlike the connector's sessions).
class Admin {
public:
    Admin() {
        std::string conninfo = "host=" + env_or("FEDQ_PG_HOST", "127.0.0.1") + " port=" + env_or("FEDQ_PG_PORT", "55432") +
                               " dbname=fedq_test user=fedq password=fedq_pw connect_timeout=10";
        conn_ = PQconnectdb(conninfo.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            ADD_FAILURE() << "PostgreSQL test server unreachable (run scripts/test-services.sh start): "
                          << PQerrorMessage(conn_);
        }
    }
    ~Admin() { PQfinish(conn_); }
    bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
    void exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            ADD_FAILURE() << "fixture SQL failed: " << PQresultErrorMessage(r) << "\n" << sql;
        }
        PQclear(r);
    }
    std::string scalar(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        std::string out;
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) out = PQgetvalue(r, 0, 0);
        else if (PQresultStatus(r) != PGRES_TUPLES_OK) ADD_FAILURE() << PQresultErrorMessage(r) << "\n" << sql;
        PQclear(r);
        return out;
    }

private:
    PGconn* conn_ = nullptr;
};

struct ScanResult {
    std::vector<Batch> batches;
    size_t rows = 0;
    ScanPlan plan;
    uint64_t rows_read = 0;
    const Column* column(size_t batch, size_t index) const { return batches[batch].columns[index].get(); }
    // All values of output column `index`, across batches (slow path, for assertions).
    std::vector<Value> values(size_t index) const {
        std::vector<Value> out;
        for (const auto& b : batches) {
            for (size_t r = 0; r < b.num_rows; ++r) out.push_back(b.columns[index]->value_at(r));
        }
        return out;
    }
};

inline ScanResult scan(Connector& connector, const ScanRequest& request) {
    ScanResult result;
    result.plan = connector.plan_scan(request);
    ScanMetrics metrics;
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, &metrics};
    for (const auto& split : result.plan.splits) {
        auto reader = connector.read_split(request, split, context);
        Batch batch;
        while (reader->next(batch)) {
            EXPECT_LE(batch.num_rows, request.batch_rows);
            for (const auto& c : batch.columns) EXPECT_EQ(c->size(), batch.num_rows);
            result.rows += batch.num_rows;
            result.batches.push_back(std::move(batch));
            batch = Batch();
        }
    }
    result.rows_read = metrics.rows_read.load();
    return result;
}

inline ScanRequest request_for(const TableInfo& table, std::vector<std::string> columns) {
    ScanRequest request;
    request.table = table.handle;
    request.columns = std::move(columns);
    return request;
}

inline ConnectorExpr col(const std::string& name, Type type) { return ConnectorExpr::column(name, std::move(type)); }
inline ConnectorExpr lit(Value v) {
    Type t = v.type();
    return ConnectorExpr::constant(std::move(v), std::move(t));
}
inline ConnectorExpr fn(const std::string& name, Type type, std::vector<ConnectorExpr> args) {
    return ConnectorExpr::call(name, std::move(type), std::move(args));
}

}  // namespace fedq::pg_test
