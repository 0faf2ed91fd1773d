// Unit tests for the engine module: Engine::execute end to end on self-contained queries (VALUES,
// UNNEST, sequence), scripts, settings, error positions, cancellation and progress.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>

#include "common/error.h"
#include "engine/engine.h"

namespace fedq {
namespace {

template <typename F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected a fedq::Error";
    return Error(ErrorCode::kInternal, "no error");
}

// All values of a result as text, row-major.
std::vector<std::vector<std::string>> rows_of(const QueryResult& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& b : r.batches) {
        for (size_t i = 0; i < b.num_rows; ++i) {
            std::vector<std::string> row;
            for (size_t c = 0; c < b.num_columns(); ++c) row.push_back(b.column(c).value_at(i).to_string());
            out.push_back(std::move(row));
        }
    }
    return out;
}

using Rows = std::vector<std::vector<std::string>>;

class EngineTest : public ::testing::Test {
protected:
    static std::filesystem::path home() {
        return std::filesystem::temp_directory_path() / ("fedq_engine_test_" + std::to_string(::getpid()));
    }
    static EngineOptions options() {
        EngineOptions o;
        std::filesystem::create_directories(home());
        o.home = home().string();
        return o;
    }
    static void TearDownTestSuite() {
        std::error_code ignored;
        std::filesystem::remove_all(home(), ignored);
    }
    Engine engine_{options()};
};

TEST_F(EngineTest, ValuesNamesTypesAndValues) {
    auto r = engine_.execute("SELECT * FROM (VALUES (1, 'a', 2.50), (2, NULL, 10.00)) AS t(id, name, price)");
    ASSERT_EQ(r.column_names, (std::vector<std::string>{"id", "name", "price"}));
    ASSERT_EQ(r.column_types.size(), 3u);
    EXPECT_EQ(r.column_types[0], Type::integer());
    EXPECT_EQ(r.column_types[1], Type::varchar());
    EXPECT_EQ(r.column_types[2], Type::decimal(4, 2));
    EXPECT_TRUE(r.has_rows);
    EXPECT_EQ(r.row_count, 2u);
    EXPECT_EQ(rows_of(r), (Rows{{"1", "a", "2.50"}, {"2", "NULL", "10.00"}}));
}

TEST_F(EngineTest, UnnamedColumnsAndExpressions) {
    auto r = engine_.execute("SELECT 1 + 2, 'x' AS label, CAST(NULL AS BIGINT), 7 / 2, 7.0 / 2");
    ASSERT_EQ(r.column_names.size(), 5u);
    EXPECT_EQ(r.column_names[0], "_col0");
    EXPECT_EQ(r.column_names[1], "label");
    EXPECT_EQ(r.column_names[2], "_col2");
    EXPECT_EQ(r.column_types[0], Type::integer());
    EXPECT_EQ(r.column_types[2], Type::bigint());
    EXPECT_EQ(rows_of(r), (Rows{{"3", "x", "NULL", "3", "3.5"}}));
}

TEST_F(EngineTest, UnnestAndAggregates) {
    auto r = engine_.execute("SELECT count(*), sum(x), min(x), max(x) FROM UNNEST(sequence(1, 100)) AS t(x)");
    ASSERT_EQ(r.column_types.size(), 4u);
    EXPECT_EQ(r.column_types[0], Type::bigint());
    EXPECT_EQ(rows_of(r), (Rows{{"100", "5050", "1", "100"}}));
    auto u = engine_.execute("SELECT x FROM UNNEST(ARRAY[3, NULL, 1]) AS t(x) ORDER BY x NULLS FIRST");
    EXPECT_EQ(u.column_names, (std::vector<std::string>{"x"}));
    EXPECT_EQ(rows_of(u), (Rows{{"NULL"}, {"1"}, {"3"}}));
    auto g = engine_.execute(
        "SELECT k, count(*) AS n FROM (VALUES ('a'), ('b'), ('a'), (NULL)) AS t(k) GROUP BY k ORDER BY k NULLS LAST");
    EXPECT_EQ(rows_of(g), (Rows{{"a", "2"}, {"b", "1"}, {"NULL", "1"}}));
    auto empty = engine_.execute("SELECT x FROM UNNEST(ARRAY[1, 2]) AS t(x) WHERE x > 5");
    EXPECT_EQ(empty.row_count, 0u);
    EXPECT_EQ(empty.column_names, (std::vector<std::string>{"x"}));
}

TEST_F(EngineTest, NestedResultTypes) {
    auto r = engine_.execute("SELECT ARRAY[1, 2], ROW(1, 'a'), DATE '2024-01-05'");
    ASSERT_EQ(r.column_types.size(), 3u);
    EXPECT_EQ(r.column_types[0], Type::array(Type::integer()));
    EXPECT_EQ(r.column_types[1].id(), TypeId::kRow);
    EXPECT_EQ(r.column_types[2], Type::date());
    auto rows = rows_of(r);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], "[1, 2]");
    EXPECT_EQ(rows[0][2], "2024-01-05");
}

TEST_F(EngineTest, ExecuteRejectsMultipleStatements) {
    Error e = error_of([&] { engine_.execute("SELECT 1; SELECT 2"); });
    EXPECT_EQ(e.code(), ErrorCode::kSyntax);
}

TEST_F(EngineTest, ExecuteScript) {
    auto results = engine_.execute_script("SELECT 1; SELECT 'two' AS t; SELECT x FROM UNNEST(ARRAY[5, 6]) AS u(x)");
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(rows_of(results[0]), (Rows{{"1"}}));
    EXPECT_EQ(results[1].column_names, (std::vector<std::string>{"t"}));
    EXPECT_EQ(rows_of(results[2]), (Rows{{"5"}, {"6"}}));
    EXPECT_TRUE(engine_.execute_script("").empty());
    // Stops at the first error and rethrows it.
    Error e = error_of([&] { engine_.execute_script("SELECT 1; SELECT 1 / 0; SELECT 3"); });
    EXPECT_EQ(e.code(), ErrorCode::kDivisionByZero);
}

TEST_F(EngineTest, SettingsAndValidation) {
    EXPECT_EQ(engine_.setting("batch_size"), "4096");
    engine_.set_setting("batch_size", "7");
    EXPECT_EQ(engine_.setting("batch_size"), "7");
    EXPECT_EQ(engine_.setting("BATCH_SIZE"), "7");
    // Small batches still give the right answer.
    auto r = engine_.execute("SELECT count(*), sum(x) FROM UNNEST(sequence(1, 1000)) AS t(x)");
    EXPECT_EQ(rows_of(r), (Rows{{"1000", "500500"}}));
    engine_.set_setting("threads", "2");
    EXPECT_EQ(engine_.setting("threads"), "2");

    EXPECT_EQ(error_of([&] { engine_.set_setting("batch_size", "0"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("batch_size", "abc"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("batch_size", "2000000"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("threads", "0"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("threads", "-3"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("query_max_memory", "lots"); }).code(),
              ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("no_such_setting", "1"); }).code(), ErrorCode::kUndefinedObject);
    EXPECT_EQ(error_of([&] { engine_.setting("no_such_setting"); }).code(), ErrorCode::kUndefinedObject);
    // A rejected value leaves the previous one in place.
    EXPECT_EQ(engine_.setting("batch_size"), "7");
    engine_.set_setting("query_max_memory", "512MB");
}

// BUG (engine/engine.cpp set_setting): numbers are parsed with std::stoi / std::stol, which accept
// trailing garbage, so SET batch_size = '10abc' is stored verbatim as "10abc" (and threads = '2.5'
// becomes "2.5", later std::stoi'd to 2). Expected: kInvalidParameter for non-integer text.
TEST_F(EngineTest, SettingsRejectTrailingGarbage) {
    EXPECT_EQ(error_of([&] { engine_.set_setting("batch_size", "10abc"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_of([&] { engine_.set_setting("threads", "2.5"); }).code(), ErrorCode::kInvalidParameter);
}

TEST_F(EngineTest, SetStatement) {
    auto r = engine_.execute("SET batch_size = 100");
    EXPECT_FALSE(r.has_rows);
    EXPECT_EQ(engine_.setting("batch_size"), "100");
    EXPECT_EQ(error_of([&] { engine_.execute("SET batch_size = 0"); }).code(), ErrorCode::kInvalidParameter);
}

TEST_F(EngineTest, ErrorPositions) {
    Error e = error_of([&] { engine_.execute("SELECT 1,\n  nosuchcolumn + 1\nFROM (VALUES 1) AS t(x)"); });
    EXPECT_EQ(e.code(), ErrorCode::kUndefinedColumn);
    EXPECT_EQ(e.position().line, 2u);
    EXPECT_EQ(e.position().column, 3u);

    Error syntax = error_of([&] { engine_.execute("SELECT 1\nFROM FROM"); });
    EXPECT_EQ(syntax.code(), ErrorCode::kSyntax);
    EXPECT_EQ(syntax.position().line, 2u);
    EXPECT_EQ(syntax.position().column, 6u);
    EXPECT_EQ(syntax.sqlstate(), "42601");

    Error table = error_of([&] { engine_.execute("SELECT * FROM no_such_table"); });
    EXPECT_EQ(table.code(), ErrorCode::kUndefinedTable);
    EXPECT_EQ(table.position().line, 1u);
    EXPECT_EQ(table.position().column, 15u);

    Error fn = error_of([&] { engine_.execute("SELECT no_such_fn(1)"); });
    EXPECT_EQ(fn.code(), ErrorCode::kUndefinedFunction);
    EXPECT_EQ(fn.position().column, 8u);

    EXPECT_EQ(error_of([&] { engine_.execute("SELECT CAST('abc' AS INTEGER)"); }).code(), ErrorCode::kInvalidCast);
    EXPECT_EQ(error_of([&] { engine_.execute("SELECT x / 0 FROM UNNEST(ARRAY[1]) AS t(x)"); }).code(),
              ErrorCode::kDivisionByZero);
    // Still usable after errors.
    EXPECT_EQ(rows_of(engine_.execute("SELECT 42")), (Rows{{"42"}}));
}

TEST_F(EngineTest, ProgressIdleIsNotRunning) {
    Progress p = engine_.progress();
    EXPECT_FALSE(p.running);
    engine_.cancel();  // no query running: a no-op
    EXPECT_EQ(rows_of(engine_.execute("SELECT 1")), (Rows{{"1"}}));
}

TEST_F(EngineTest, CancelFromAnotherThread) {
    constexpr const char* kLongQuery =
        "SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) "
        "WHERE x + y > 0";
    std::atomic<bool> done{false};
    std::atomic<bool> saw_running{false};
    Progress seen;
    std::thread canceller([&] {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!done && std::chrono::steady_clock::now() < deadline) {
            Progress p = engine_.progress();
            if (p.running) {
                if (!saw_running) seen = p;
                saw_running = true;
                if (p.elapsed_seconds > 0.2) {
                    seen = p;
                    engine_.cancel();
                    return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    auto start = std::chrono::steady_clock::now();
    Error e = error_of([&] { engine_.execute(kLongQuery); });
    done = true;
    canceller.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(saw_running.load());
    EXPECT_TRUE(seen.running);
    EXPECT_GE(seen.elapsed_seconds, 0.0);
    EXPECT_EQ(e.code(), ErrorCode::kCancelled) << e.message();
    EXPECT_EQ(e.sqlstate(), "57014");
    EXPECT_LT(seconds, 10.0) << "cancel took too long";
    EXPECT_FALSE(engine_.progress().running);
    // The engine stays usable, and the cancel flag does not leak into the next query.
    EXPECT_EQ(rows_of(engine_.execute("SELECT count(*) FROM UNNEST(sequence(1, 10)) AS t(x)")), (Rows{{"10"}}));
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

// A ResultSink that keeps what it got.
struct CollectingSink : ResultSink {
    std::vector<std::string> names;
    std::vector<Type> types;
    std::vector<Batch> batches;
    int begins = 0;
    void begin(const std::vector<std::string>& n, const std::vector<Type>& t) override {
        ++begins;
        names = n;
        types = t;
    }
    void write(Batch&& batch) override { batches.push_back(std::move(batch)); }
};

TEST(EngineStreaming, QueryRowsGoToTheSinkInOrder) {
    Engine engine;
    engine.set_setting("batch_size", "7");
    CollectingSink sink;
    QueryResult r = engine.execute("SELECT x, x * 2 AS y FROM UNNEST(sequence(1, 100)) AS t(x) ORDER BY x DESC", sink);
    EXPECT_TRUE(r.batches.empty());
    EXPECT_EQ(r.row_count, 100u);
    EXPECT_EQ(sink.begins, 1);
    EXPECT_EQ(sink.names, (std::vector<std::string>{"x", "y"}));
    ASSERT_EQ(sink.types.size(), 2u);
    EXPECT_GT(sink.batches.size(), 1u);  // streamed in several batches
    int64_t expected = 100;
    for (const auto& b : sink.batches) {
        for (size_t i = 0; i < b.num_rows; ++i) {
            EXPECT_EQ(b.column(0).value_at(i).as_int(), expected);
            EXPECT_EQ(b.column(1).value_at(i).as_int(), expected * 2);
            --expected;
        }
    }
    EXPECT_EQ(expected, 0);
}

TEST(EngineStreaming, OtherStatementsReturnTheirResult) {
    Engine engine;
    CollectingSink sink;
    QueryResult set = engine.execute("SET batch_size = 100", sink);
    EXPECT_FALSE(set.has_rows);
    QueryResult show = engine.execute("SHOW CATALOGS", sink);
    EXPECT_GT(show.row_count, 0u);
    EXPECT_FALSE(show.batches.empty());
    EXPECT_EQ(sink.begins, 0);
    // Errors still raise, before anything is streamed.
    EXPECT_THROW(engine.execute("SELECT nope FROM (VALUES 1) t(x)", sink), Error);
    EXPECT_EQ(sink.begins, 0);
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

// Bytes scanned are counted per source (catalog, "files" for paths) in the result's stats and in the
// EXPLAIN ANALYZE total line.
TEST(EngineStats, BytesScannedPerSource) {
    auto dir = std::filesystem::temp_directory_path() / ("fedq_bytes_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string csv = (dir / "a.csv").string();
    {
        std::ofstream out(csv);
        out << "id,name\n";
        for (int i = 0; i < 1000; ++i) out << i << ",name" << i << "\n";
    }
    Engine engine;
    QueryResult one = engine.execute("SELECT count(*) FROM '" + csv + "'");
    ASSERT_EQ(one.stats.bytes_by_source.size(), 1u);
    EXPECT_EQ(one.stats.bytes_by_source[0].first, "files");
    EXPECT_EQ(one.stats.bytes_by_source[0].second, one.stats.bytes_scanned);
    EXPECT_GE(one.stats.bytes_scanned, std::filesystem::file_size(csv) - 1);

    QueryResult two = engine.execute("SELECT count(*) FROM '" + csv + "' a, '" + csv + "' b WHERE a.id = b.id");
    ASSERT_EQ(two.stats.bytes_by_source.size(), 1u);
    EXPECT_EQ(two.stats.bytes_by_source[0].second, two.stats.bytes_scanned);
    EXPECT_GE(two.stats.bytes_scanned, 2 * (std::filesystem::file_size(csv) - 1));

    std::string plan;
    for (const auto& b : engine.execute("EXPLAIN ANALYZE SELECT count(*) FROM '" + csv + "'").batches)
        for (size_t i = 0; i < b.num_rows; ++i) plan += b.column(0).value_at(i).to_string() + "\n";
    EXPECT_NE(plan.find("scanned (files "), std::string::npos) << plan;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fedq
