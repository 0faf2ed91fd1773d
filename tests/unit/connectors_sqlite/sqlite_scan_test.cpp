#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "sqlite_test_util.h"

namespace fedq {
namespace {

using namespace fedq::testing;

class SqliteScanTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = scratch_path("scan.db");
        std::filesystem::remove(path_);
        exec_sql(path_, R"(
            CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(10,2), day DATE, at TIMESTAMP,
                           ok BOOLEAN, raw BLOB, ratio DOUBLE, loose);
            INSERT INTO t VALUES
              (1, 'plain', 12.5, '2024-01-05', '2024-01-05 10:11:12', 1, X'00FF', 0.25, 7),
              (2, 'it''s "quoted"', 0.1, '1969-12-31', '2024-01-05T10:11:12.123456Z', 0, X'', -1e300, 'text'),
              (3, 'Grüße 😀', -99999999.99, NULL, '2024-01-05 12:00:00+02:00', 'true', NULL, 3, 2.5),
              (4, NULL, NULL, '2024-02-29', '2024-03-01', NULL, 'abc', NULL, NULL);
        )");
        connector_ = open_catalog(path_);
    }

    std::string path_;
    std::shared_ptr<Connector> connector_;
};

TEST_F(SqliteScanTest, ValuesOfEveryTypeWithNulls) {
    auto result = scan(*connector_, request_for(*connector_, "t"));
    ASSERT_EQ(result.plan.splits.size(), 1u);
    EXPECT_EQ(texts(result.rows),
              (std::vector<std::string>{
                  "1|plain|12.50|2024-01-05|2024-01-05 10:11:12|true|\\x00ff|0.25|7",
                  "2|it's \"quoted\"|0.10|1969-12-31|2024-01-05 10:11:12.123456|false|\\x|-1e+300|text",
                  "3|Grüße 😀|-99999999.99|NULL|2024-01-05 10:00:00|true|NULL|3|2.5",
                  "4|NULL|NULL|2024-02-29|2024-03-01 00:00:00|NULL|\\x616263|NULL|NULL"}));
    EXPECT_EQ(result.rows_read, 4u);
}

TEST_F(SqliteScanTest, ProjectionInRequestedOrder) {
    auto result = scan(*connector_, request_for(*connector_, "t", {"ratio", "id"}));
    ASSERT_EQ(result.rows.size(), 4u);
    EXPECT_EQ(row_text(result.rows[0]), "0.25|1");
    EXPECT_NE(result.plan.splits[0].description.find("SELECT \"ratio\", \"id\" FROM (SELECT "), std::string::npos)
        << result.plan.splits[0].description;
    // No columns at all (SELECT count(*) in the engine): still one row per source row.
    ScanRequest empty = request_for(*connector_, "t", {"id"});
    empty.columns.clear();
    auto counted = scan(*connector_, empty);
    EXPECT_EQ(counted.rows.size(), 4u);
}

TEST_F(SqliteScanTest, ValuesThatDoNotFitTheColumnTypeAreErrors) {
    exec_sql(path_, "CREATE TABLE bad(n INTEGER, d DATE, s TEXT, b BOOLEAN, x DECIMAL(4,2));"
                    "INSERT INTO bad VALUES (1, '2024-01-01', 'a', 1, 1.5);");
    struct Case {
        std::string update;
        std::string column;
        std::string fragment;
    };
    std::vector<Case> cases = {
        {"UPDATE bad SET n = 'abc'", "n", "TEXT value 'abc' cannot be read as BIGINT"},
        {"UPDATE bad SET n = 1.5", "n", "REAL value '1.5' cannot be read as BIGINT"},
        {"UPDATE bad SET d = '05/01/2024'", "d", "cannot be read as DATE"},
        {"UPDATE bad SET d = 20240105", "d", "INTEGER value '20240105' cannot be read as DATE"},
        {"UPDATE bad SET s = X'FFFE'", "s", "BLOB value <2 bytes> cannot be read as VARCHAR"},
        {"UPDATE bad SET b = 2", "b", "cannot be read as BOOLEAN"},
        {"UPDATE bad SET x = 123.45", "x", "cannot be read as DECIMAL(4,2)"},
    };
    for (const auto& c : cases) {
        exec_sql(path_, "DELETE FROM bad; INSERT INTO bad VALUES (1, '2024-01-01', 'a', 1, 1.5); " + c.update);
        std::string message;
        EXPECT_EQ(error_code_of([&] { scan(*connector_, request_for(*connector_, "bad", {c.column})); }, &message),
                  ErrorCode::kInvalidCast)
            << c.update;
        EXPECT_NE(message.find("catalog lite: table main.bad, column " + c.column + " (row 1)"), std::string::npos)
            << message;
        EXPECT_NE(message.find(c.fragment), std::string::npos) << message;
    }
}

TEST_F(SqliteScanTest, StreamsInBatches) {
    exec_sql(path_, "CREATE TABLE many(i INTEGER PRIMARY KEY, s TEXT);"
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
                    "INSERT INTO many SELECT i, 'row' || i FROM n;");
    auto request = request_for(*connector_, "many");
    request.batch_rows = 3;
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.batches, 4u);  // 3 + 3 + 3 + 1
    EXPECT_EQ(result.rows.size(), 10u);
    EXPECT_EQ(row_text(result.rows[9]), "10|row10");
    EXPECT_EQ(result.rows_read, 10u);
}

TEST(SqliteSplits, RowidRangesCoverEveryRowOnce) {
    std::string path = scratch_path("splits.db");
    std::filesystem::remove(path);
    exec_sql(path, "CREATE TABLE big(id INTEGER PRIMARY KEY, v INTEGER, s TEXT COLLATE NOCASE);"
                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                   "INSERT INTO big SELECT i * 3, i, 's' || i FROM n;"
                   "CREATE TABLE plain(id INTEGER PRIMARY KEY, v INTEGER);"
                   "INSERT INTO plain SELECT id, v FROM big;");
    auto connector = open_catalog(path, {{"split_min_rows", "100"}});
    for (const char* table : {"big", "plain"}) {
        auto request = request_for(*connector, table, {"v"});
        request.target_splits = 4;
        auto result = scan(*connector, request);
        ASSERT_EQ(result.plan.splits.size(), 4u) << table;
        EXPECT_NE(result.plan.description.find("4 splits by rowid range"), std::string::npos);
        const std::string key = std::string(table) == "big" ? "\"__fedq_rowid\"" : "rowid";
        EXPECT_NE(result.plan.splits[0].description.find(key + " < "), std::string::npos)
            << result.plan.splits[0].description;
        EXPECT_NE(result.plan.splits[1].description.find(key + " >= "), std::string::npos);
        EXPECT_EQ(result.plan.splits[3].description.find(" < "), std::string::npos);
        std::multiset<int64_t> seen;
        for (const auto& row : result.rows) seen.insert(row[0].as_int());
        EXPECT_EQ(seen.size(), 1000u);
        EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 1000u);
    }
    // Small tables, a single wanted split, or a pushed limit: one split.
    auto request = request_for(*connector, "big", {"v"});
    EXPECT_EQ(connector->plan_scan(request).splits.size(), 1u);
    request.target_splits = 4;
    request.limit = 5;
    EXPECT_EQ(connector->plan_scan(request).splits.size(), 1u);
    auto small = open_catalog(path);  // default split_min_rows 100000
    auto small_request = request_for(*small, "big", {"v"});
    small_request.target_splits = 4;
    EXPECT_EQ(small->plan_scan(small_request).splits.size(), 1u);
}

// A statement that runs for a long time inside SQLite (no rows until it is done).
const char* kSlowTable = "CREATE VIEW slow AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 2000000000) SELECT count(*) AS c FROM n;";

TEST_F(SqliteScanTest, CancellationInterruptsARunningStatement) {
    exec_sql(path_, kSlowTable);
    auto request = request_for(*connector_, "slow");
    auto plan = connector_->plan_scan(request);
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, nullptr};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        cancelled = true;
    });
    auto started = std::chrono::steady_clock::now();
    std::string message;
    EXPECT_EQ(error_code_of(
                  [&] {
                      auto reader = connector_->read_split(request, plan.splits[0], context);
                      Batch batch;
                      while (reader->next(batch)) {
                      }
                  },
                  &message),
              ErrorCode::kCancelled);
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_NE(message.find("catalog lite"), std::string::npos);
    // The connection went back to the pool in a usable state.
    EXPECT_EQ(scan(*connector_, request_for(*connector_, "t", {"id"})).rows.size(), 4u);
}

TEST_F(SqliteScanTest, CancelledBeforeReadingAndReaderDestroyedMidStream) {
    std::atomic<bool> cancelled{true};
    EXPECT_EQ(error_code_of([&] { scan(*connector_, request_for(*connector_, "t"), &cancelled); }), ErrorCode::kCancelled);
    auto request = request_for(*connector_, "t");
    request.batch_rows = 1;
    auto plan = connector_->plan_scan(request);
    ReadContext context;
    {
        auto reader = connector_->read_split(request, plan.splits[0], context);
        Batch batch;
        ASSERT_TRUE(reader->next(batch));
    }  // abandoned after one row
    EXPECT_EQ(scan(*connector_, request_for(*connector_, "t")).rows.size(), 4u);
}

TEST_F(SqliteScanTest, StatementTimeout) {
    exec_sql(path_, kSlowTable);
    auto connector = open_catalog(path_, {{"statement_timeout", "200ms"}});
    std::string message;
    EXPECT_EQ(error_code_of([&] { scan(*connector, request_for(*connector, "slow")); }, &message),
              ErrorCode::kQueryTimeout);
    EXPECT_NE(message.find("statement timeout"), std::string::npos) << message;
}

TEST_F(SqliteScanTest, PoolSizeLimitsConnections) {
    auto connector = open_catalog(path_, {{"pool_size", "1"}, {"connect_timeout", "200ms"}});
    auto request = request_for(*connector, "t");
    request.batch_rows = 1;
    auto plan = connector->plan_scan(request);
    ReadContext context;
    auto first = connector->read_split(request, plan.splits[0], context);
    std::string message;
    EXPECT_EQ(error_code_of([&] { connector->read_split(request, plan.splits[0], context); }, &message),
              ErrorCode::kConnectionFailure);
    EXPECT_NE(message.find("pool_size = 1"), std::string::npos) << message;
    first.reset();
    EXPECT_EQ(scan(*connector, request).rows.size(), 4u);
}

TEST_F(SqliteScanTest, ReadOnlyByDefault) {
    std::string message;
    auto code = error_code_of([&] { connector_->query_table("DELETE FROM t"); }, &message);
    EXPECT_TRUE(code == ErrorCode::kInsufficientPrivilege) << message;
    EXPECT_EQ(scan(*connector_, request_for(*connector_, "t", {"id"})).rows.size(), 4u);
}

TEST_F(SqliteScanTest, ConcurrentReaders) {
    exec_sql(path_, "CREATE TABLE many(i INTEGER PRIMARY KEY);"
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                    "INSERT INTO many SELECT i FROM n;");
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            auto result = scan(*connector_, request_for(*connector_, "many"));
            if (result.rows.size() == 5000) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 4);
}

}  // namespace
}  // namespace fedq
