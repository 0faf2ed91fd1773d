// Failure handling against the real server: unreachable hosts, bad credentials, missing tables, timeouts,
// cancellation, lost connections, readers dropped mid-stream, and the memory bound of a 5M-row scan.
#include <chrono>
#include <functional>
#include <fstream>
#include <thread>

#include "postgres_test_support.h"

namespace fedq {
namespace {

using namespace pg_test;

class PostgresFailureTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        Admin admin;
        ASSERT_TRUE(admin.ok());
        admin.exec("CREATE SCHEMA IF NOT EXISTS fedq_pg_big");
        // Kept between runs (generating 5M rows takes a few seconds).
        std::string rows = admin.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                        "WHERE n.nspname = 'fedq_pg_big' AND c.relname = 'big5m'");
        if (rows != "1") {
            admin.exec("CREATE TABLE fedq_pg_big.big5m AS SELECT g::int8 AS id, (g % 1000)::int4 AS k, "
                       "'row number ' || g AS label FROM generate_series(1, 5000000) g");
            admin.exec("ANALYZE fedq_pg_big.big5m");
        }
    }

    static Error error_of(const std::function<void()>& f) {
        try {
            f();
        } catch (const Error& e) {
            return e;
        }
        ADD_FAILURE() << "no error raised";
        return Error(ErrorCode::kInternal, "none");
    }

    // Backends of this test's connector sessions (by application_name).
    static std::string backends(Admin& admin, const std::string& app, const std::string& state_filter = "") {
        return admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'" + state_filter);
    }
};

TEST_F(PostgresFailureTest, UnreachableHost) {
    auto connector = make_postgres_connector(config({{"port", "1"}, {"connect_timeout", "2s"}}));
    Error e = error_of([&] { connector->list_schemas(); });
    EXPECT_EQ(e.code(), ErrorCode::kConnectionFailure);
    EXPECT_EQ(e.sqlstate(), "08001");
    EXPECT_NE(e.message().find("catalog pg"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("fedq_pw"), std::string::npos);
}

TEST_F(PostgresFailureTest, BadPassword) {
    auto connector = make_postgres_connector(config({{"password", "wrong_secret_pw"}}));
    Error e = error_of([&] { connector->get_table("public", "x"); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidPassword);
    EXPECT_EQ(e.sqlstate(), "28P01");
    EXPECT_NE(e.message().find("catalog pg"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("wrong_secret_pw"), std::string::npos) << e.message();
}

TEST_F(PostgresFailureTest, MissingTableAtScan) {
    auto connector = make_postgres_connector(config());
    EXPECT_FALSE(connector->get_table("fedq_pg_big", "gone"));
    auto info = connector->get_table("fedq_pg_big", "big5m");
    ASSERT_TRUE(info);
    // The table vanishes (or the handle is stale) between planning and reading.
    TableInfo stale = *info;
    stale.handle.table = "gone";
    stale.handle.properties["relation"] = "\"fedq_pg_big\".\"gone\"";
    ScanRequest request = request_for(stale, {"id"});
    Error e = error_of([&] { scan(*connector, request); });
    EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
    EXPECT_EQ(e.sqlstate(), "42P01");
    EXPECT_NE(e.message().find("catalog pg"), std::string::npos);
    EXPECT_NE(e.message().find("fedq_pg_big.gone"), std::string::npos) << e.message();
}

TEST_F(PostgresFailureTest, StatementTimeout) {
    auto connector = make_postgres_connector(config({{"statement_timeout", "300ms"}}));
    auto info = connector->query_table("SELECT pg_sleep(5) AS slept");
    ASSERT_TRUE(info);
    auto start = std::chrono::steady_clock::now();
    Error e = error_of([&] { scan(*connector, request_for(*info, {"slept"})); });
    EXPECT_EQ(e.code(), ErrorCode::kQueryTimeout);
    EXPECT_EQ(e.sqlstate(), "57014");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(PostgresFailureTest, SessionsAreReadOnlyAndUtc) {
    auto connector = make_postgres_connector(config());
    auto info = connector->query_table("SELECT current_setting('TimeZone') AS tz, "
                                       "current_setting('default_transaction_read_only') AS ro");
    ASSERT_TRUE(info);
    auto result = scan(*connector, request_for(*info, {"tz", "ro"}));
    ASSERT_EQ(result.rows, 1u);
    EXPECT_EQ(result.values(0)[0].as_string(), "UTC");
    EXPECT_EQ(result.values(1)[0].as_string(), "on");
}

TEST_F(PostgresFailureTest, CancelsRunningStatement) {
    auto connector = make_postgres_connector(config({{"application_name", "fedq_cancel_test"}}));
    auto info = connector->query_table("SELECT pg_sleep(30) AS slept");
    ASSERT_TRUE(info);
    ScanRequest request = request_for(*info, {"slept"});
    ScanPlan plan = connector->plan_scan(request);
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, nullptr};
    auto reader = connector->read_split(request, plan.splits[0], context);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancelled = true;
    });
    auto start = std::chrono::steady_clock::now();
    Batch batch;
    Error e = error_of([&] { reader->next(batch); });
    canceller.join();
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
    EXPECT_NE(e.message().find("catalog pg"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    // The remote statement is gone too.
    Admin admin;
    for (int i = 0; i < 50 && backends(admin, "fedq_cancel_test", " AND state = 'active'") != "0"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(backends(admin, "fedq_cancel_test", " AND state = 'active'"), "0");
}

TEST_F(PostgresFailureTest, CancelBetweenBatchesAndReaderDroppedMidStream) {
    auto connector = make_postgres_connector(config({{"application_name", "fedq_drop_test"}}));
    auto info = connector->get_table("fedq_pg_big", "big5m");
    ASSERT_TRUE(info);
    ScanRequest request = request_for(*info, {"id"});
    ScanPlan plan = connector->plan_scan(request);
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, nullptr};
    {
        auto reader = connector->read_split(request, plan.splits[0], context);
        Batch batch;
        ASSERT_TRUE(reader->next(batch));
        cancelled = true;
        Error e = error_of([&] { reader->next(batch); });
        EXPECT_EQ(e.code(), ErrorCode::kCancelled);
    }
    cancelled = false;
    {
        auto reader = connector->read_split(request, plan.splits[0], context);
        Batch batch;
        ASSERT_TRUE(reader->next(batch));
    }  // dropped mid-stream: the COPY is cancelled and the connection closed
    Admin admin;
    for (int i = 0; i < 50 && backends(admin, "fedq_drop_test", " AND state = 'active'") != "0"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(backends(admin, "fedq_drop_test", " AND state = 'active'"), "0");
    // The pool still works.
    auto small = connector->query_table("SELECT 1 AS one");
    ASSERT_TRUE(small);
    EXPECT_EQ(scan(*connector, request_for(*small, {"one"})).rows, 1u);
}

TEST_F(PostgresFailureTest, RetriesSplitWhenPooledConnectionDied) {
    auto connector = make_postgres_connector(config({{"application_name", "fedq_retry_test"}, {"pool_size", "1"}}));
    auto info = connector->query_table("SELECT generate_series(1, 10) AS n");
    ASSERT_TRUE(info);
    // The idle pooled connection is killed server-side; the next scan notices and retries on a new one.
    Admin admin;
    admin.scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'fedq_retry_test'");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto result = scan(*connector, request_for(*info, {"n"}));
    EXPECT_EQ(result.rows, 10u);
}

TEST_F(PostgresFailureTest, ConnectionLostMidScan) {
    auto connector = make_postgres_connector(config({{"application_name", "fedq_lost_test"}}));
    auto info = connector->get_table("fedq_pg_big", "big5m");
    ASSERT_TRUE(info);
    ScanRequest request = request_for(*info, {"id", "label"});
    ScanPlan plan = connector->plan_scan(request);
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, nullptr};
    auto reader = connector->read_split(request, plan.splits[0], context);
    Batch batch;
    ASSERT_TRUE(reader->next(batch));
    Admin admin;
    admin.scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'fedq_lost_test'");
    Error e = error_of([&] {
        while (reader->next(batch)) {
        }
    });
    EXPECT_EQ(e.code(), ErrorCode::kConnection);
    EXPECT_EQ(e.sqlstate(), "08006");
    EXPECT_NE(e.message().find("catalog pg"), std::string::npos) << e.message();
}

size_t peak_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6));
    }
    return 0;
}

size_t current_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    }
    return 0;
}

TEST_F(PostgresFailureTest, FiveMillionRowScanStaysUnderMemoryBound) {
    auto connector = make_postgres_connector(config());
    auto info = connector->get_table("fedq_pg_big", "big5m");
    ASSERT_TRUE(info);
    ScanRequest request = request_for(*info, {"id", "k", "label"});
    ScanPlan plan = connector->plan_scan(request);
    ASSERT_EQ(plan.splits.size(), 1u);
    ScanMetrics metrics;
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, &metrics};
    const size_t before = current_rss_kb();
    const size_t peak_before = peak_rss_kb();
    auto reader = connector->read_split(request, plan.splits[0], context);
    Batch batch;
    uint64_t rows = 0;
    int64_t id_sum = 0;
    while (reader->next(batch)) {
        rows += batch.num_rows;
        const int64_t* ids = batch.columns[0]->values<int64_t>();
        for (size_t i = 0; i < batch.num_rows; ++i) id_sum += ids[i];
    }
    EXPECT_EQ(rows, 5'000'000u);
    EXPECT_EQ(id_sum, 5'000'000LL * 5'000'001 / 2);
    EXPECT_EQ(metrics.rows_read.load(), 5'000'000u);
    const size_t peak = peak_rss_kb();
    // The table is ~250 MB on the wire; streaming keeps the growth to a few batches.
    const size_t growth_kb = peak > std::max(before, peak_before) ? peak - std::max(before, peak_before) : 0;
    EXPECT_LT(growth_kb, 200u * 1024) << "peak RSS grew by " << growth_kb / 1024 << " MB";
}

}  // namespace
}  // namespace fedq
