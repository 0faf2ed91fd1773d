// The source_pushdown optimizer rule end to end through the engine, against the real test servers
// (scripts/test-services.sh: PostgreSQL on FEDQ_PG_PORT, default 55432; MariaDB on FEDQ_MYSQL_PORT, default
// 53306; user FEDQ_TEST_USER / FEDQ_TEST_PASSWORD, default fedq / fedq_pw) and a SQLite file made here.
// Unreachable servers FAIL the tests (they are not skipped).
//
// Each source gets the same two tables (created with the psql / mariadb / sqlite3 command-line clients):
//   items(id BIGINT PRIMARY KEY, gid INTEGER, qty INTEGER, w DOUBLE, name TEXT), ids 1..1000,
//     gid = id % 4, qty = id % 10 (NULL when id % 50 = 0), w = id / 8.0, name = 'Item <id>'
//   groups_t(gid INTEGER PRIMARY KEY, label TEXT), gid 0..3, label 'G<gid>'
// and the tests check through EXPLAIN that filters, aggregation, top-N, LIMIT and joins run in the source
// (the remote SQL of the split), that refused predicates stay in the engine, that EXPLAIN ANALYZE counts
// only the rows the source returned, that results equal those with source_pushdown disabled, and that no
// plan or error text shows the password.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "engine/engine.h"

namespace fedq {
namespace {

namespace fs = std::filesystem;

std::string env_or(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

std::string pg_port() { return env_or("FEDQ_PG_PORT", "55432"); }
std::string my_port() { return env_or("FEDQ_MYSQL_PORT", "53306"); }
std::string test_user() { return env_or("FEDQ_TEST_USER", "fedq"); }
std::string test_password() { return env_or("FEDQ_TEST_PASSWORD", "fedq_pw"); }
std::string test_database() { return env_or("FEDQ_TEST_DATABASE", "fedq_test"); }

// Runs a shell command with `input` on stdin; returns its exit status and captures its output.
int run_with_input(const std::string& command, const std::string& input, std::string* output) {
    std::string in_path =
        (fs::temp_directory_path() / ("fedq-pushdown-" + std::to_string(getpid()) + ".sql"));
    std::string out_path = in_path + ".out";
    {
        FILE* f = std::fopen(in_path.c_str(), "w");
        if (!f) return -1;
        std::fwrite(input.data(), 1, input.size(), f);
        std::fclose(f);
    }
    int status = std::system((command + " <" + in_path + " >" + out_path + " 2>&1").c_str());
    if (output) {
        output->clear();
        if (FILE* f = std::fopen(out_path.c_str(), "r")) {
            char buffer[4096];
            size_t n;
            while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) output->append(buffer, n);
            std::fclose(f);
        }
    }
    std::remove(in_path.c_str());
    std::remove(out_path.c_str());
    return status;
}

const char* kPostgresSetup = R"(
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS fedq_pushdown_t CASCADE;
CREATE SCHEMA fedq_pushdown_t;
CREATE TABLE fedq_pushdown_t.items (id bigint PRIMARY KEY, gid integer NOT NULL, qty integer,
                                    w double precision, name text);
INSERT INTO fedq_pushdown_t.items
SELECT g, g % 4, CASE WHEN g % 50 = 0 THEN NULL ELSE g % 10 END, g / 8.0, 'Item ' || g
FROM generate_series(1, 1000) AS g;
CREATE TABLE fedq_pushdown_t.groups_t (gid integer PRIMARY KEY, label text);
INSERT INTO fedq_pushdown_t.groups_t VALUES (0, 'G0'), (1, 'G1'), (2, 'G2'), (3, 'G3');
ANALYZE fedq_pushdown_t.items, fedq_pushdown_t.groups_t;
)";

// User fedq may create databases named crm% (scripts/test-services.sh grants ALL on `crm%`.*).
const char* kMysqlSetup = R"(
DROP DATABASE IF EXISTS crm_pushdown_t;
CREATE DATABASE crm_pushdown_t CHARACTER SET utf8mb4;
CREATE TABLE crm_pushdown_t.items (id BIGINT NOT NULL PRIMARY KEY, gid INT NOT NULL, qty INT, w DOUBLE,
                                   name VARCHAR(40)) ENGINE = InnoDB;
INSERT INTO crm_pushdown_t.items
WITH RECURSIVE digits (d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM digits WHERE d < 9),
     seq (n) AS (SELECT a.d + 10 * b.d + 100 * c.d + 1 FROM digits a, digits b, digits c)
SELECT n, n % 4, CASE WHEN n % 50 = 0 THEN NULL ELSE n % 10 END, n / 8.0, CONCAT('Item ', n) FROM seq;
CREATE TABLE crm_pushdown_t.groups_t (gid INT NOT NULL PRIMARY KEY, label VARCHAR(10)) ENGINE = InnoDB;
INSERT INTO crm_pushdown_t.groups_t VALUES (0, 'G0'), (1, 'G1'), (2, 'G2'), (3, 'G3');
ANALYZE TABLE crm_pushdown_t.items, crm_pushdown_t.groups_t;
)";

const char* kSqliteSetup = R"(
CREATE TABLE items (id INTEGER PRIMARY KEY, gid INTEGER NOT NULL, qty INTEGER, w REAL, name TEXT);
WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000)
INSERT INTO items
SELECT n, n % 4, CASE WHEN n % 50 = 0 THEN NULL ELSE n % 10 END, n / 8.0, 'Item ' || n FROM s;
CREATE TABLE groups_t (gid INTEGER PRIMARY KEY, label TEXT);
INSERT INTO groups_t VALUES (0, 'G0'), (1, 'G1'), (2, 'G2'), (3, 'G3');
ANALYZE;
)";

struct Source {
    std::string name;    // test label
    std::string prefix;  // catalog.schema
};

void PrintTo(const Source& source, std::ostream* out) { *out << source.name; }

std::string sqlite_path() {
    return (fs::temp_directory_path() / ("fedq-pushdown-" + std::to_string(getpid()) + ".db")).string();
}

std::string text_of(const QueryResult& r) {
    std::string out;
    for (const auto& b : r.batches) {
        for (size_t i = 0; i < b.num_rows; ++i) {
            for (size_t c = 0; c < b.num_columns(); ++c) {
                if (c) out += '\t';
                out += b.column(c).is_null(i) ? "NULL" : b.column(c).value_at(i).to_string();
            }
            out += '\n';
        }
    }
    return out + r.message;
}

std::vector<std::string> sorted_rows(const QueryResult& r) {
    std::vector<std::string> rows;
    std::istringstream in(text_of(r));
    for (std::string line; std::getline(in, line);) rows.push_back(line);
    std::sort(rows.begin(), rows.end());
    return rows;
}

// The "split 1: ..." line of a plan.
std::string split_sql(const std::string& plan) {
    size_t at = plan.find("split 1: ");
    if (at == std::string::npos) return "";
    size_t end = plan.find('\n', at);
    return plan.substr(at + 9, end == std::string::npos ? std::string::npos : end - at - 9);
}

bool contains(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

// Creates the tables once per process; returns what failed (empty when all went well).
const std::string& setup_sources() {
    static const std::string error = [] {
        std::string errors;
        std::string output;
        std::string pg = "PGPASSWORD='" + test_password() +
                         "' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + pg_port() + " -U " +
                         test_user() + " -d " + test_database();
        if (run_with_input(pg, kPostgresSetup, &output) != 0) {
            errors += "PostgreSQL on 127.0.0.1:" + pg_port() + " (scripts/test-services.sh start): " + output;
        }
        std::string my = "MYSQL_PWD='" + test_password() +
                         "' mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P " + my_port() + " -u " +
                         test_user() + " --default-character-set=utf8mb4";
        if (run_with_input(my, kMysqlSetup, &output) != 0) {
            errors += "MariaDB on 127.0.0.1:" + my_port() + " (scripts/test-services.sh start): " + output;
        }
        std::remove(sqlite_path().c_str());
        if (run_with_input("sqlite3 " + sqlite_path(), kSqliteSetup, &output) != 0) {
            errors += "sqlite3: " + output;
        }
        std::atexit([] { std::remove(sqlite_path().c_str()); });
        return errors;
    }();
    return error;
}

class SourcePushdownTest : public ::testing::TestWithParam<Source> {
  protected:
    void SetUp() override {
        ASSERT_TRUE(setup_sources().empty()) << setup_sources();
        for (Engine* engine : {&engine_, &plain_}) {
            engine->execute("CREATE CATALOG pg USING postgres WITH (host = '127.0.0.1', port = " + pg_port() +
                            ", database = '" + test_database() + "', user = '" + test_user() +
                            "', password = '" + test_password() + "')");
            engine->execute("CREATE CATALOG my USING mysql WITH (host = '127.0.0.1', port = " + my_port() +
                            ", database = 'crm_pushdown_t', user = '" + test_user() + "', password = '" +
                            test_password() + "')");
            engine->execute("CREATE CATALOG lite USING sqlite WITH (path = '" + sqlite_path() + "')");
        }
        plain_.execute("SET optimizer_disabled_rules = 'source_pushdown'");
    }

    std::string table(const std::string& name) const { return GetParam().prefix + "." + name; }
    std::string items() const { return table("items"); }

    std::string explain(const std::string& sql) { return text_of(engine_.execute("EXPLAIN " + sql)); }
    std::string analyze(Engine& engine, const std::string& sql) {
        return text_of(engine.execute("EXPLAIN ANALYZE " + sql));
    }

    // Same rows with and without source_pushdown.
    void expect_same_results(const std::string& sql) {
        SCOPED_TRACE(sql);
        std::vector<std::string> pushed;
        std::vector<std::string> plain;
        try {
            pushed = sorted_rows(engine_.execute(sql));
            plain = sorted_rows(plain_.execute(sql));
        } catch (const Error& e) {
            ADD_FAILURE() << e.what();
            return;
        }
        EXPECT_FALSE(pushed.empty());
        EXPECT_EQ(pushed, plain);
    }

    Engine engine_{EngineOptions{}};
    Engine plain_{EngineOptions{}};
};

TEST_P(SourcePushdownTest, FilterRunsInTheSource) {
    std::string plan = explain("SELECT id, name FROM " + items() + " WHERE id % 7 = 3 AND qty >= 5");
    EXPECT_TRUE(contains(plan, "pushed filters:")) << plan;
    EXPECT_FALSE(contains(plan, "engine filter:")) << plan;
    std::string sql = split_sql(plan);
    EXPECT_TRUE(contains(sql, "SELECT ")) << plan;
    EXPECT_TRUE(contains(sql, " WHERE ")) << plan;
    EXPECT_TRUE(contains(sql, "7")) << plan;

    // 143 ids with id % 7 = 3 in 1..1000, of which those with id % 10 >= 5 (and id % 50 <> 0).
    auto r = engine_.execute("SELECT count(*) FROM " + items() + " WHERE id % 7 = 3 AND qty >= 5");
    EXPECT_EQ(text_of(r), "71\n");
}

TEST_P(SourcePushdownTest, AggregationRunsInTheSource) {
    std::string query = "SELECT gid, count(*), count(qty), min(qty), max(id) FROM " + items() +
                        " WHERE id > 100 GROUP BY gid";
    std::string plan = explain(query);
    EXPECT_TRUE(contains(plan, "pushed aggregation:")) << plan;
    EXPECT_FALSE(contains(plan, "- Aggregate")) << plan;
    std::string sql = split_sql(plan);
    EXPECT_TRUE(contains(sql, "GROUP BY")) << plan;
    EXPECT_TRUE(contains(sql, "WHERE")) << plan;
    // ids 101..1000: 225 per gid; qty NULL for multiples of 50 (ids 150..1000: 18, all even: gid 0 or 2).
    auto r = engine_.execute(query + " ORDER BY gid");
    EXPECT_EQ(text_of(r),
              "0\t225\t216\t0\t1000\n1\t225\t225\t1\t997\n2\t225\t216\t0\t998\n3\t225\t225\t1\t999\n");

    // Empty input: count 0 and NULLs.
    auto empty = engine_.execute("SELECT count(*), max(id), sum(qty) FROM " + items() + " WHERE id < 0");
    EXPECT_EQ(text_of(empty), "0\tNULL\tNULL\n");
}

TEST_P(SourcePushdownTest, TopNAndLimitRunInTheSource) {
    std::string plan = explain("SELECT id, name FROM " + items() + " ORDER BY id DESC LIMIT 5");
    EXPECT_TRUE(contains(plan, "pushed order:")) << plan;
    std::string sql = split_sql(plan);
    EXPECT_TRUE(contains(sql, "ORDER BY")) << plan;
    EXPECT_TRUE(contains(sql, "DESC")) << plan;
    EXPECT_TRUE(contains(sql, "LIMIT 5")) << plan;
    auto r = engine_.execute("SELECT id FROM " + items() + " ORDER BY id DESC LIMIT 5");
    EXPECT_EQ(text_of(r), "1000\n999\n998\n997\n996\n");

    // NULLS FIRST placement pushed as well.
    std::string nulls =
        explain("SELECT id, qty FROM " + items() + " ORDER BY qty DESC NULLS FIRST, id LIMIT 3");
    EXPECT_TRUE(contains(nulls, "pushed order:")) << nulls;
    EXPECT_EQ(text_of(engine_.execute("SELECT id, qty FROM " + items() +
                                      " ORDER BY qty DESC NULLS FIRST, id LIMIT 3")),
              "50\tNULL\n100\tNULL\n150\tNULL\n");

    std::string limit = explain("SELECT name FROM " + items() + " WHERE qty = 1 LIMIT 4");
    EXPECT_TRUE(contains(split_sql(limit), "LIMIT 4")) << limit;
    EXPECT_EQ(engine_.execute("SELECT name FROM " + items() + " WHERE qty = 1 LIMIT 4").row_count, 4u);
}

TEST_P(SourcePushdownTest, JoinRunsInTheSource) {
    std::string query = "SELECT i.id, g.label FROM " + items() + " i JOIN " + table("groups_t") +
                        " g ON g.gid = i.gid WHERE i.id < 6";
    std::string plan = explain(query);
    size_t scan = plan.find("Scan ");
    ASSERT_NE(scan, std::string::npos) << plan;
    std::string scan_line = plan.substr(scan, plan.find('\n', scan) - scan);
    EXPECT_TRUE(contains(scan_line, "JOIN")) << plan;
    EXPECT_EQ(plan.find("Scan ", scan + 1), std::string::npos) << "one scan only\n" << plan;
    EXPECT_TRUE(contains(split_sql(plan), "JOIN")) << plan;
    EXPECT_EQ(text_of(engine_.execute(query + " ORDER BY i.id")), "1\tG1\n2\tG2\n3\tG3\n4\tG0\n5\tG1\n");

    std::string left = "SELECT g.label, count(i.id) FROM " + table("groups_t") + " g LEFT JOIN " + items() +
                       " i ON i.gid = g.gid AND i.id <= 2 GROUP BY g.label ORDER BY g.label";
    EXPECT_EQ(text_of(engine_.execute(left)), "G0\t0\nG1\t1\nG2\t1\nG3\t0\n");
}

TEST_P(SourcePushdownTest, RefusedPredicatesStayInTheEngine) {
    // Floating-point comparisons are not pushed into PostgreSQL (NaN sorts above every number there);
    // MySQL and SQLite have no NaN and take them. lower() is never pushed (locale/collation dependent).
    std::string plan = explain("SELECT id FROM " + items() + " WHERE w > 100.5");
    EXPECT_EQ(contains(plan, "engine filter:"), GetParam().name == "postgres") << plan;
    EXPECT_EQ(engine_.execute("SELECT id FROM " + items() + " WHERE w > 100.5").row_count,
              196u);  // id >= 805

    std::string lower = explain("SELECT id FROM " + items() + " WHERE lower(name) = 'item 7'");
    EXPECT_TRUE(contains(lower, "engine filter:")) << lower;
    EXPECT_EQ(text_of(engine_.execute("SELECT id FROM " + items() + " WHERE lower(name) = 'item 7'")), "7\n");

    // A refused conjunct stays, the accepted one is pushed.
    std::string mixed =
        explain("SELECT id FROM " + items() + " WHERE id % 100 = 5 AND lower(name) > 'item 4'");
    EXPECT_TRUE(contains(mixed, "engine filter:")) << mixed;
    EXPECT_TRUE(contains(split_sql(mixed), "WHERE")) << mixed;
    EXPECT_EQ(text_of(engine_.execute("SELECT id FROM " + items() +
                                      " WHERE id % 100 = 5 AND lower(name) > 'item 4' ORDER BY id")),
              "5\n405\n505\n605\n705\n805\n905\n");
}

TEST_P(SourcePushdownTest, ResultsEqualWithoutPushdown) {
    // The disabled rule leaves no pushed aggregation/order/join in the plain engine.
    std::string plan =
        text_of(plain_.execute("EXPLAIN SELECT gid, count(*) FROM " + items() + " GROUP BY gid"));
    EXPECT_FALSE(contains(plan, "pushed aggregation:")) << plan;

    for (const std::string& sql : {
             "SELECT id, name FROM " + items() + " WHERE id % 7 = 3 AND qty >= 5",
             "SELECT gid, count(*), count(qty), sum(qty), min(name), max(name), avg(qty) FROM " + items() +
                 " GROUP BY gid",
             "SELECT qty, count(*) FROM " + items() + " WHERE id BETWEEN 10 AND 300 GROUP BY qty",
             "SELECT count(*), sum(qty), min(id) FROM " + items() + " WHERE id > 5000",
             "SELECT id, qty FROM " + items() + " ORDER BY qty NULLS FIRST, id DESC LIMIT 7",
             "SELECT id, qty FROM " + items() + " ORDER BY qty DESC, id LIMIT 7",
             "SELECT name FROM " + items() + " WHERE name < 'Item 2' AND name LIKE 'Item 1_'",
             "SELECT id FROM " + items() + " WHERE qty IS NULL OR id IN (3, 5, 7000)",
             "SELECT i.id, g.label FROM " + items() + " i JOIN " + table("groups_t") +
                 " g ON g.gid = i.gid WHERE i.qty = 9 AND g.label <> 'G1'",
             "SELECT g.label, count(*), sum(i.qty) FROM " + items() + " i JOIN " + table("groups_t") +
                 " g ON g.gid = i.gid GROUP BY g.label",
         }) {
        expect_same_results(sql);
    }
}

TEST_P(SourcePushdownTest, AnalyzeCountsOnlyTheRowsTheSourceReturned) {
    std::string filtered = "SELECT id FROM " + items() + " WHERE id % 100 = 0";
    EXPECT_TRUE(contains(analyze(engine_, filtered), "read: 10 rows")) << analyze(engine_, filtered);
    EXPECT_TRUE(contains(analyze(plain_, filtered), "read: 1000 rows")) << analyze(plain_, filtered);

    std::string grouped = "SELECT gid, count(*) FROM " + items() + " GROUP BY gid";
    EXPECT_TRUE(contains(analyze(engine_, grouped), "read: 4 rows")) << analyze(engine_, grouped);

    std::string top = "SELECT id FROM " + items() + " ORDER BY id LIMIT 3";
    EXPECT_TRUE(contains(analyze(engine_, top), "read: 3 rows")) << analyze(engine_, top);

    std::string limited = "SELECT id FROM " + items() + " LIMIT 6";
    EXPECT_TRUE(contains(analyze(engine_, limited), "read: 6 rows")) << analyze(engine_, limited);
}

INSTANTIATE_TEST_SUITE_P(Sources, SourcePushdownTest,
                         ::testing::Values(Source{"postgres", "pg.fedq_pushdown_t"},
                                           Source{"mysql", "my.crm_pushdown_t"},
                                           Source{"sqlite", "lite.main"}),
                         [](const ::testing::TestParamInfo<Source>& info) { return info.param.name; });

// No plan, EXPLAIN ANALYZE, SHOW or error text contains the password.
class SourcePasswordTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(setup_sources().empty()) << setup_sources(); }
};

TEST_F(SourcePasswordTest, NeverShown) {
    const std::string secret = "t1-Secret-pw-7q";
    Engine engine{EngineOptions{}};
    std::string texts;
    auto collect = [&](const std::string& sql) {
        try {
            texts += text_of(engine.execute(sql)) + "\n";
        } catch (const Error& e) {
            texts += std::string(e.what()) + "\n";
        }
    };
    // Real password: plans and analyzed plans of pushed scans and joins.
    for (const std::string& c : {std::string("pg"), std::string("my")}) {
        std::string type = c == "pg" ? "postgres" : "mysql";
        std::string port = c == "pg" ? pg_port() : my_port();
        std::string db = c == "pg" ? test_database() : "crm_pushdown_t";
        engine.execute("CREATE CATALOG " + c + " USING " + type +
                       " WITH (host = '127.0.0.1', port = " + port + ", database = '" + db + "', user = '" +
                       test_user() + "', password = '" + test_password() + "')");
        engine.execute("CREATE CATALOG " + c + "_bad USING " + type +
                       " WITH (host = '127.0.0.1', port = " + port + ", database = '" + db + "', user = '" +
                       test_user() + "', password = '" + secret + "')");
        engine.execute("CREATE CATALOG " + c + "_down USING " + type +
                       " WITH (host = '127.0.0.1', port = 1, database = '" + db + "', user = '" +
                       test_user() + "', password = '" + secret + "', connect_timeout = '2s')");
    }
    collect("EXPLAIN SELECT gid, count(*) FROM pg.fedq_pushdown_t.items WHERE id > 3 GROUP BY gid");
    collect("EXPLAIN ANALYZE SELECT id FROM pg.fedq_pushdown_t.items ORDER BY id LIMIT 2");
    collect(
        "EXPLAIN SELECT i.id FROM pg.fedq_pushdown_t.items i JOIN pg.fedq_pushdown_t.groups_t g ON g.gid = "
        "i.gid");
    collect("EXPLAIN SELECT gid, count(*) FROM my.crm_pushdown_t.items WHERE id > 3 GROUP BY gid");
    collect("EXPLAIN ANALYZE SELECT id FROM my.crm_pushdown_t.items ORDER BY id LIMIT 2");
    collect("SELECT * FROM pg.fedq_pushdown_t.no_such_table");
    collect("SELECT * FROM my.crm_pushdown_t.no_such_table");
    collect("SELECT * FROM TABLE(pg.system.query(query => 'SELECT nope FROM nowhere'))");
    collect("SHOW CREATE CATALOG pg");
    collect("SHOW CATALOGS");
    EXPECT_TRUE(contains(texts, "split 1: SELECT")) << texts;
    EXPECT_FALSE(contains(texts, test_password())) << texts;

    // Bad credentials and unreachable servers: the right SQLSTATE, and the password is not in the message.
    for (const std::string& c : {std::string("pg"), std::string("my")}) {
        for (const std::string& suffix : {std::string("_bad"), std::string("_down")}) {
            std::string sql = "SELECT count(*) FROM " + c + suffix +
                              (c == "pg" ? ".fedq_pushdown_t.items" : ".crm_pushdown_t.items");
            try {
                engine.execute(sql);
                ADD_FAILURE() << sql << ": no error";
            } catch (const Error& e) {
                EXPECT_EQ(e.code(),
                          suffix == "_bad" ? ErrorCode::kInvalidPassword : ErrorCode::kConnectionFailure)
                    << e.what();
                EXPECT_TRUE(contains(e.what(), "catalog " + c + suffix)) << e.what();
                EXPECT_FALSE(contains(e.what(), secret)) << e.what();
                EXPECT_FALSE(contains(e.what(), test_password())) << e.what();
            }
            try {
                texts = text_of(engine.execute("EXPLAIN " + sql));
            } catch (const Error& e) {
                texts = e.what();
            }
            EXPECT_FALSE(contains(texts, secret)) << texts;
        }
    }
}

}  // namespace
}  // namespace fedq
