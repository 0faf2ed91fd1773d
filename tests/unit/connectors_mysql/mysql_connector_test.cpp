// The MySQL/MariaDB connector against the real test server (scripts/test-services.sh start): metadata, type
// mapping, streaming, splits, each pushdown kind, passthrough, errors and cancellation.
// Server: FEDQ_MYSQL_HOST / FEDQ_MYSQL_PORT (default 127.0.0.1:53306), user fedq / fedq_pw, database fedq_test.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <set>

#include <mysql.h>

#include "common/error.h"
#include "connectors/mysql/mysql_connector.h"
#include "connectors/mysql/mysql_dialect.h"
#include "types/datetime.h"

using namespace fedq;
using json = nlohmann::json;

namespace {

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}
std::string host() { return env_or("FEDQ_MYSQL_HOST", "127.0.0.1"); }
std::string port() { return env_or("FEDQ_MYSQL_PORT", "53306"); }

ConnectorConfig config(std::map<std::string, std::string> extra = {}) {
    ConnectorConfig c;
    c.catalog = "crm";
    c.type = "mysql";
    c.options = {{"host", host()}, {"port", port()}, {"user", "fedq"}, {"password", "fedq_pw"}, {"database", "fedq_test"}};
    for (auto& [k, v] : extra) c.options[k] = v;
    return c;
}

// Direct session for fixtures.
void admin(const std::vector<std::string>& statements) {
    MYSQL* m = mysql_init(nullptr);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    ASSERT_TRUE(mysql_real_connect(m, host().c_str(), "fedq", "fedq_pw", "fedq_test", std::stoi(port()), nullptr, 0))
        << "the MySQL test server is not reachable at " << host() << ":" << port()
        << " (scripts/test-services.sh start): " << mysql_error(m);
    for (const auto& s : statements) {
        ASSERT_EQ(mysql_query(m, s.c_str()), 0) << s << ": " << mysql_error(m);
        if (MYSQL_RES* r = mysql_store_result(m)) mysql_free_result(r);
    }
    mysql_close(m);
}

using Rows = std::vector<std::vector<Value>>;

Rows read_all(Connector& connector, const ScanRequest& request, ScanPlan* plan_out = nullptr, ScanMetrics* metrics = nullptr,
              size_t* batches = nullptr) {
    ScanPlan plan = connector.plan_scan(request);
    Rows rows;
    std::atomic<bool> cancelled{false};
    ScanMetrics local;
    ReadContext context{&cancelled, metrics ? metrics : &local};
    for (const auto& split : plan.splits) {
        auto reader = connector.read_split(request, split, context);
        Batch batch;
        while (reader->next(batch)) {
            if (batches) ++*batches;
            for (size_t r = 0; r < batch.num_rows; ++r) {
                std::vector<Value> row;
                for (size_t c = 0; c < batch.num_columns(); ++c) row.push_back(batch.column(c).value_at(r));
                rows.push_back(std::move(row));
            }
        }
    }
    if (plan_out) *plan_out = plan;
    return rows;
}

ScanRequest request_for(Connector& connector, const std::string& table, std::vector<std::string> columns) {
    auto info = connector.get_table("fedq_test", table);
    EXPECT_TRUE(info.has_value()) << table;
    ScanRequest r;
    r.table = info->handle;
    r.columns = std::move(columns);
    return r;
}

class MySqlConnectorTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        admin({
            "DROP TABLE IF EXISTS my_types, my_big, my_zero, `My Order Items`, my_customers",
            "DROP VIEW IF EXISTS my_view",
            "CREATE TABLE my_types (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, "
            "i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, de DECIMAL(12,2), f FLOAT, d DOUBLE, b1 BIT(1), "
            "b8 BIT(8), c CHAR(5), vc VARCHAR(50), tx TEXT, en ENUM('a','b'), st SET('x','y'), j JSON, bl BLOB, "
            "vb VARBINARY(10), dt DATE, dtt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME, yr YEAR, l1 VARCHAR(10) "
            "CHARACTER SET latin1) DEFAULT CHARSET utf8mb4",
            "INSERT INTO my_types VALUES (1, -128, 255, -32768, -8388608, -2147483648, 4294967295, "
            "-9223372036854775808, 18446744073709551615, -1234567890.12, 1.2345678, 0.30000000000000004, b'1', "
            "b'10000001', 'ab', 'it''s \"q\" \\\\ ü 日本', 'long text', 'b', 'x,y', '{\"k\": [1, 2]}', x'00FF10', "
            "x'0102', '2024-02-29', '1969-12-31 23:59:59.123456', '2024-01-05 10:11:12.345', '-12:30:00', 2024, 'café')",
            "INSERT INTO my_types (id) VALUES (2)",
            "CREATE TABLE my_big (id BIGINT PRIMARY KEY, grp VARCHAR(10), v INT, amount DECIMAL(10,2), "
            "name VARCHAR(20)) DEFAULT CHARSET utf8mb4",
            "SET SESSION max_recursive_iterations = 100000",
            "INSERT INTO my_big WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 10000) "
            "SELECT n, CASE WHEN n % 10 = 0 THEN NULL WHEN n % 3 = 0 THEN 'a' WHEN n % 3 = 1 THEN 'A' ELSE 'b' END, "
            "CASE WHEN n % 7 = 0 THEN NULL ELSE n % 100 END, n / 4, CONCAT('name', n) FROM s",
            "ANALYZE TABLE my_big",
            "SET SESSION sql_mode = ''",
            "CREATE TABLE my_zero (id INT PRIMARY KEY, d DATE, dt DATETIME)",
            "INSERT INTO my_zero VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-01-01', '2024-01-01 01:02:03')",
            "CREATE TABLE `My Order Items` (item_id INT PRIMARY KEY, customer_id INT, qty INT)",
            "INSERT INTO `My Order Items` VALUES (1, 10, 2), (2, 10, 3), (3, 11, 1), (4, 99, 5)",
            "CREATE TABLE my_customers (customer_id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO my_customers VALUES (10, 'Ann'), (11, 'bob'), (12, 'Cy')",
            "CREATE VIEW my_view AS SELECT id, grp FROM my_big WHERE id <= 10",
        });
    }
    std::shared_ptr<Connector> connector_ = make_mysql_connector(config());
};

TEST(MySqlFactoryTest, ValidatesOptionsAndConnectsLazily) {
    try {
        make_mysql_connector(config({{"hots", "x"}}));
        FAIL() << "unknown option accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
        EXPECT_NE(e.message().find("hots"), std::string::npos);
    }
    ConnectorConfig no_user = config();
    no_user.options.erase("user");
    EXPECT_THROW(make_mysql_connector(no_user), Error);
    EXPECT_THROW(make_mysql_connector(config({{"port", "0"}})), Error);
    EXPECT_THROW(make_mysql_connector(config({{"pool_size", "0"}})), Error);
    // Nothing listens on port 1: creating the connector still succeeds (lazy).
    auto c = make_mysql_connector(config({{"port", "1"}}));
    EXPECT_EQ(c->type_name(), "mysql");
}

TEST(MySqlFactoryTest, UnreachableHostAndBadPassword) {
    auto unreachable = make_mysql_connector(config({{"port", "1"}, {"password", "s3cret-pw"}, {"connect_timeout", "2"}}));
    try {
        unreachable->list_schemas();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kConnectionFailure);
        EXPECT_EQ(e.sqlstate(), "08001");
        EXPECT_NE(e.message().find("catalog crm"), std::string::npos);
        EXPECT_EQ(e.message().find("s3cret-pw"), std::string::npos);
    }
    auto bad = make_mysql_connector(config({{"password", "s3cret-pw"}}));
    try {
        bad->list_schemas();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidPassword) << e.message();
        EXPECT_EQ(e.sqlstate(), "28P01");
        EXPECT_NE(e.message().find("catalog crm"), std::string::npos);
        EXPECT_EQ(e.message().find("s3cret-pw"), std::string::npos);
    }
}

TEST_F(MySqlConnectorTest, Metadata) {
    auto schemas = connector_->list_schemas();
    EXPECT_NE(std::find(schemas.begin(), schemas.end(), "fedq_test"), schemas.end());
    for (const char* hidden : {"mysql", "information_schema", "performance_schema", "sys"}) {
        EXPECT_EQ(std::find(schemas.begin(), schemas.end(), hidden), schemas.end()) << hidden;
    }
    auto page = connector_->list_tables("fedq_test");
    for (const char* t : {"my_types", "my_big", "My Order Items", "my_view"}) {
        EXPECT_NE(std::find(page.tables.begin(), page.tables.end(), t), page.tables.end()) << t;
    }
    EXPECT_TRUE(connector_->list_tables("FEDQ_TEST").tables.size() == page.tables.size());

    auto view = connector_->get_table("fedq_test", "my_view");
    ASSERT_TRUE(view);
    EXPECT_EQ(view->kind, "VIEW");
    auto exact = connector_->get_table("fedq_test", "My Order Items");
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->handle.table, "My Order Items");
    auto lowered = connector_->get_table("fedq_test", "my order items");
    ASSERT_TRUE(lowered);
    EXPECT_EQ(lowered->handle.table, "My Order Items");
    EXPECT_FALSE(connector_->get_table("fedq_test", "no_such_table"));
    EXPECT_FALSE(connector_->get_table("no_such_db", "my_types"));

    auto big = connector_->get_table("fedq_test", "my_big");
    ASSERT_TRUE(big);
    ASSERT_TRUE(big->statistics.row_count);
    EXPECT_GT(*big->statistics.row_count, 5000);
    EXPECT_EQ(big->handle.properties["split_key"], "id");
    const auto& id_stats = big->statistics.columns.at("id");
    EXPECT_EQ(id_stats.min, Value::bigint(1));
    EXPECT_EQ(id_stats.max, Value::bigint(10000));
    EXPECT_TRUE(id_stats.distinct_count);
}

TEST_F(MySqlConnectorTest, TypeMapping) {
    auto info = connector_->get_table("fedq_test", "my_types");
    ASSERT_TRUE(info);
    std::map<std::string, ColumnInfo> by_name;
    for (const auto& c : info->columns) by_name[c.name] = c;
    EXPECT_EQ(by_name["ti"].type, Type::tinyint());
    EXPECT_EQ(by_name["tu"].type, Type::smallint());
    EXPECT_EQ(by_name["si"].type, Type::smallint());
    EXPECT_EQ(by_name["mi"].type, Type::integer());
    EXPECT_EQ(by_name["i"].type, Type::integer());
    EXPECT_EQ(by_name["iu"].type, Type::bigint());
    EXPECT_EQ(by_name["bi"].type, Type::bigint());
    EXPECT_EQ(by_name["bu"].type, Type::decimal(20, 0));
    EXPECT_EQ(by_name["de"].type, Type::decimal(12, 2));
    EXPECT_EQ(by_name["f"].type, Type::real());
    EXPECT_EQ(by_name["d"].type, Type::double_());
    EXPECT_EQ(by_name["b1"].type, Type::boolean());
    EXPECT_EQ(by_name["b8"].type, Type::bigint());
    EXPECT_EQ(by_name["vc"].type, Type::varchar());
    EXPECT_EQ(by_name["en"].type, Type::varchar());
    EXPECT_EQ(by_name["j"].type, Type::json());
    EXPECT_EQ(by_name["bl"].type, Type::varbinary());
    EXPECT_EQ(by_name["dt"].type, Type::date());
    EXPECT_EQ(by_name["dtt"].type, Type::timestamp());
    EXPECT_EQ(by_name["ts"].type, Type::timestamp_tz());
    EXPECT_EQ(by_name["tm"].type, Type::varchar());
    EXPECT_NE(by_name["tm"].comment.find("time (read as text)"), std::string::npos);
    EXPECT_EQ(by_name["yr"].type, Type::smallint());
    EXPECT_FALSE(by_name["vc"].nullable == false);
    EXPECT_FALSE(by_name["id"].nullable);

    ScanRequest r;
    r.table = info->handle;
    for (const auto& c : info->columns) r.columns.push_back(c.name);
    r.constraint.add("id", Domain::values(Type::integer(), {Value::integer(1), Value::integer(2)}));
    Rows rows = read_all(*connector_, r);
    ASSERT_EQ(rows.size(), 2u);
    const auto& v = rows[0][0].as_int() == 1 ? rows[0] : rows[1];
    const auto& n = rows[0][0].as_int() == 1 ? rows[1] : rows[0];
    auto col = [&](const std::string& name) {
        for (size_t i = 0; i < r.columns.size(); ++i) {
            if (r.columns[i] == name) return i;
        }
        return size_t(0);
    };
    EXPECT_EQ(v[col("ti")], Value::tinyint(-128));
    EXPECT_EQ(v[col("tu")], Value::smallint(255));
    EXPECT_EQ(v[col("mi")], Value::integer(-8388608));
    EXPECT_EQ(v[col("i")], Value::integer(INT32_MIN));
    EXPECT_EQ(v[col("iu")], Value::bigint(4294967295LL));
    EXPECT_EQ(v[col("bi")], Value::bigint(INT64_MIN));
    EXPECT_EQ(v[col("bu")].to_string(), "18446744073709551615");
    EXPECT_EQ(v[col("de")].to_string(), "-1234567890.12");
    EXPECT_EQ(v[col("f")].as_double(), static_cast<double>(1.2345678f));  // exact float, not MySQL's 6 digits
    EXPECT_EQ(v[col("d")].as_double(), 0.30000000000000004);
    EXPECT_EQ(v[col("b1")], Value::boolean(true));
    EXPECT_EQ(v[col("b8")], Value::bigint(129));
    EXPECT_EQ(v[col("c")].as_string(), "ab");
    EXPECT_EQ(v[col("vc")].as_string(), "it's \"q\" \\ ü 日本");
    EXPECT_EQ(v[col("en")].as_string(), "b");
    EXPECT_EQ(v[col("st")].as_string(), "x,y");
    EXPECT_EQ(v[col("j")].as_string(), "{\"k\": [1, 2]}");
    EXPECT_EQ(v[col("bl")].as_string(), std::string("\x00\xff\x10", 3));
    EXPECT_EQ(v[col("dt")], Value::date(*parse_date("2024-02-29")));
    EXPECT_EQ(v[col("dtt")], Value::timestamp(*parse_timestamp("1969-12-31 23:59:59.123456")));
    // TIMESTAMP is stored in UTC: with the session at +00:00 the value arrives unshifted.
    EXPECT_EQ(v[col("ts")], Value::timestamp_tz(*parse_timestamp("2024-01-05 10:11:12.345")));
    EXPECT_EQ(v[col("tm")].as_string(), "-12:30:00");
    EXPECT_EQ(v[col("yr")], Value::smallint(2024));
    EXPECT_EQ(v[col("l1")].as_string(), "café");
    for (size_t i = 1; i < n.size(); ++i) EXPECT_TRUE(n[i].is_null()) << r.columns[i];
}

TEST_F(MySqlConnectorTest, ZeroDatesReadAsNull) {
    auto r = request_for(*connector_, "my_zero", {"id", "d", "dt"});
    Rows rows = read_all(*connector_, r);
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& row : rows) {
        if (row[0].as_int() == 1) {
            EXPECT_TRUE(row[1].is_null());
            EXPECT_TRUE(row[2].is_null());
        } else {
            EXPECT_EQ(row[1], Value::date(*parse_date("2024-01-01")));
            EXPECT_EQ(row[2], Value::timestamp(*parse_timestamp("2024-01-01 01:02:03")));
        }
    }
}

TEST_F(MySqlConnectorTest, StreamsInBatches) {
    auto r = request_for(*connector_, "my_big", {"id", "name"});
    r.batch_rows = 1000;
    ScanMetrics metrics;
    size_t batches = 0;
    Rows rows = read_all(*connector_, r, nullptr, &metrics, &batches);
    EXPECT_EQ(rows.size(), 10000u);
    EXPECT_EQ(batches, 10u);
    EXPECT_EQ(metrics.rows_read.load(), 10000u);
}

TEST_F(MySqlConnectorTest, NoColumnsCountsRows) {
    auto r = request_for(*connector_, "my_big", {});
    r.constraint.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(9990), false}, {std::nullopt, false}}));
    ScanPlan plan = connector_->plan_scan(r);
    std::atomic<bool> cancelled{false};
    ReadContext context{&cancelled, nullptr};
    size_t rows = 0;
    for (const auto& split : plan.splits) {
        auto reader = connector_->read_split(r, split, context);
        Batch batch;
        while (reader->next(batch)) {
            EXPECT_EQ(batch.num_columns(), 0u);
            rows += batch.num_rows;
        }
    }
    EXPECT_EQ(rows, 10u);
}

TEST_F(MySqlConnectorTest, ParallelSplitsByPrimaryKey) {
    auto c = make_mysql_connector(config({{"split_rows", "1000"}}));
    auto r = request_for(*c, "my_big", {"id"});
    r.target_splits = 4;
    ScanPlan plan;
    Rows rows = read_all(*c, r, &plan);
    ASSERT_EQ(plan.splits.size(), 4u);
    EXPECT_NE(plan.splits[0].description.find("`id` < "), std::string::npos) << plan.splits[0].description;
    EXPECT_NE(plan.splits[3].description.find("`id` >= "), std::string::npos);
    std::set<int64_t> ids;
    for (const auto& row : rows) ids.insert(row[0].as_int());
    EXPECT_EQ(ids.size(), 10000u);
    EXPECT_EQ(rows.size(), 10000u);
    // A pushed limit keeps one split.
    r.limit = 5;
    EXPECT_EQ(c->plan_scan(r).splits.size(), 1u);
}

TEST_F(MySqlConnectorTest, ConstraintAndStringFiltersAreCaseSensitive) {
    auto r = request_for(*connector_, "my_big", {"id", "grp"});
    r.constraint.add("grp", Domain::values(Type::varchar(), {Value::varchar("a")}));
    r.constraint.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(1), true}, {Value::bigint(100), true}}));
    ScanPlan plan;
    ScanMetrics metrics;
    Rows rows = read_all(*connector_, r, &plan, &metrics);
    EXPECT_EQ(plan.constraint_accepted["grp"], PushdownKind::kExact);
    EXPECT_EQ(plan.constraint_accepted["id"], PushdownKind::kExact);
    EXPECT_NE(plan.splits[0].description.find("BINARY"), std::string::npos);
    // ids 1..100 with n%10!=0 and n%3==0: 3,6,9,12,...,99 without multiples of 30 -> 33 - 3 = 30
    EXPECT_EQ(rows.size(), 30u);
    EXPECT_EQ(metrics.rows_read.load(), 30u);  // filtered in MySQL
    for (const auto& row : rows) EXPECT_EQ(row[1].as_string(), "a");

    // Column-vs-literal expression filters: $lt on strings (binary order: 'A' < 'a'), LIKE, DIV.
    ScanRequest f = request_for(*connector_, "my_big", {"id"});
    auto grp = ConnectorExpr::column("grp", Type::varchar());
    auto id = ConnectorExpr::column("id", Type::bigint());
    f.filters.push_back(ConnectorExpr::call("$lt", Type::boolean(), {grp, ConnectorExpr::constant(Value::varchar("a"), Type::varchar())}));
    f.filters.push_back(ConnectorExpr::call(
        "$eq", Type::boolean(),
        {ConnectorExpr::call("$div", Type::bigint(), {id, ConnectorExpr::constant(Value::bigint(1000), Type::bigint())}),
         ConnectorExpr::constant(Value::bigint(0), Type::bigint())}));
    f.filters.push_back(ConnectorExpr::call("$like", Type::boolean(),
                                            {ConnectorExpr::column("name", Type::varchar()),
                                             ConnectorExpr::constant(Value::varchar("name_%"), Type::varchar())}));
    Rows frows = read_all(*connector_, f, &plan);
    ASSERT_EQ(plan.filters_accepted.size(), 3u);
    for (auto k : plan.filters_accepted) EXPECT_EQ(k, PushdownKind::kExact);
    // id < 1000, grp = 'A' (n%3==1, n%10 != 0) and name LIKE 'name_%' (all): 1,4,...,997 = 333 minus %10==0 (10,40,...)
    size_t expected = 0;
    for (int n = 1; n < 1000; ++n) expected += (n % 10 != 0 && n % 3 == 1);
    EXPECT_EQ(frows.size(), expected);

    // Refused: division by a column (NULL vs error on zero), ILIKE.
    ScanRequest g = request_for(*connector_, "my_big", {"id"});
    g.filters.push_back(ConnectorExpr::call(
        "$eq", Type::boolean(),
        {ConnectorExpr::call("$div", Type::bigint(), {id, id}), ConnectorExpr::constant(Value::bigint(1), Type::bigint())}));
    EXPECT_EQ(connector_->negotiate(g).filters_accepted[0], PushdownKind::kUnsupported);
}

TEST_F(MySqlConnectorTest, AggregationPushdown) {
    auto r = request_for(*connector_, "my_big", {});
    PushedAggregation aggregation;
    auto grp = ConnectorExpr::column("grp", Type::varchar());
    auto v = ConnectorExpr::column("v", Type::integer());
    aggregation.groups.push_back(grp);
    aggregation.aggregates.push_back({"count_star", {}, false, Type::bigint(), "n"});
    aggregation.aggregates.push_back({"sum", {v}, false, Type::bigint(), "s"});
    aggregation.aggregates.push_back({"avg", {v}, false, Type::double_(), "a"});
    aggregation.aggregates.push_back({"max", {ConnectorExpr::column("name", Type::varchar())}, false, Type::varchar(), "m"});
    aggregation.aggregates.push_back({"sum", {ConnectorExpr::column("amount", Type::decimal(10, 2))}, false,
                                      Type::decimal(38, 2), "t"});
    r.aggregation = aggregation;
    ScanPlan plan;
    ScanMetrics metrics;
    Rows rows = read_all(*connector_, r, &plan, &metrics);
    EXPECT_TRUE(plan.aggregation_accepted);
    EXPECT_NE(plan.splits[0].description.find("GROUP BY BINARY `grp`"), std::string::npos) << plan.splits[0].description;
    ASSERT_EQ(rows.size(), 4u);  // 'a', 'A', 'b', NULL stay apart
    EXPECT_EQ(metrics.rows_read.load(), 4u);
    std::map<std::string, std::vector<Value>> by_group;
    for (const auto& row : rows) by_group[row[0].is_null() ? "NULL" : row[0].as_string()] = row;
    // Expected from the generator.
    for (const char* g : {"a", "A", "b", "NULL"}) {
        int64_t count = 0, sum = 0, non_null = 0;
        int128_t amount = 0;
        int best = 0;
        for (int n = 1; n <= 10000; ++n) {
            std::string group = n % 10 == 0 ? "NULL" : n % 3 == 0 ? "a" : n % 3 == 1 ? "A" : "b";
            if (group != g) continue;
            ++count;
            if (n % 7 != 0) { sum += n % 100; ++non_null; }
            amount += (static_cast<int128_t>(n) * 100 + 2) / 4;  // n / 4 rounded half up to 2 decimals
            best = std::max(best, n);
        }
        const auto& row = by_group.at(g);
        EXPECT_EQ(row[1], Value::bigint(count)) << g;
        EXPECT_EQ(row[2], Value::bigint(sum)) << g;
        EXPECT_DOUBLE_EQ(row[3].as_double(), static_cast<double>(sum) / static_cast<double>(non_null)) << g;
        (void)best;
        EXPECT_EQ(row[5].type(), Type::decimal(38, 2));
    }
    // max(name) compares bytes: "name9998" > "name10000".
    EXPECT_EQ(by_group.at("b")[4].as_string(), "name9998");
}

TEST_F(MySqlConnectorTest, TopNPushdownWithNullOrdering) {
    auto r = request_for(*connector_, "my_big", {"id", "v"});
    r.order_by = {{1, false, true}, {0, false, false}};  // v ASC NULLS FIRST, id ASC
    r.limit = 3;
    ScanPlan plan;
    Rows rows = read_all(*connector_, r, &plan);
    EXPECT_TRUE(plan.order_accepted);
    EXPECT_TRUE(plan.limit_accepted);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_TRUE(rows[0][1].is_null());
    EXPECT_EQ(rows[0][0], Value::bigint(7));
    r.order_by = {{1, false, false}, {0, true, false}};  // v ASC NULLS LAST, id DESC
    rows = read_all(*connector_, r, &plan);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], Value::integer(0));
    EXPECT_EQ(rows[0][0], Value::bigint(10000));
    r.order_by = {{1, true, false}};  // v DESC NULLS LAST
    rows = read_all(*connector_, r, &plan);
    EXPECT_EQ(rows[0][1], Value::integer(99));
    r.order_by = {{1, true, true}, {0, false, false}};  // v DESC NULLS FIRST
    rows = read_all(*connector_, r, &plan);
    EXPECT_TRUE(rows[0][1].is_null());
}

TEST_F(MySqlConnectorTest, JoinPushdown) {
    auto items = request_for(*connector_, "My Order Items", {"item_id", "qty"});
    auto customers = request_for(*connector_, "my_customers", {"name"});
    items.filters.push_back(ConnectorExpr::call("$gt", Type::boolean(),
                                                {ConnectorExpr::column("qty", Type::integer()),
                                                 ConnectorExpr::constant(Value::integer(1), Type::integer())}));
    auto joined = connector_->apply_join(PushedJoinType::kInner, items, customers, {{"customer_id", "customer_id"}});
    ASSERT_TRUE(joined);
    ScanRequest r;
    r.table = joined->handle;
    for (const auto& c : joined->columns) r.columns.push_back(c.name);
    Rows rows = read_all(*connector_, r);
    ASSERT_EQ(rows.size(), 2u);  // items 1 and 2 (qty > 1, customer 10); item 4 has no customer
    for (const auto& row : rows) EXPECT_EQ(row[2].as_string(), "Ann");
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kFull, items, customers, {{"customer_id", "customer_id"}}));
    auto names = request_for(*connector_, "my_customers", {"customer_id"});
    auto big = request_for(*connector_, "my_big", {"id"});
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kInner, names, big, {{"name", "grp"}}));  // string keys
}

TEST_F(MySqlConnectorTest, Passthrough) {
    auto info = connector_->query_table("SELECT id, vc, de, ts, COUNT(*) OVER () AS total FROM my_types ORDER BY id ;  ");
    ASSERT_TRUE(info);
    ASSERT_EQ(info->columns.size(), 5u);
    EXPECT_EQ(info->columns[0].type, Type::integer());
    EXPECT_EQ(info->columns[1].type, Type::varchar());
    EXPECT_EQ(info->columns[2].type, Type::decimal(12, 2));
    EXPECT_EQ(info->columns[3].type, Type::timestamp_tz());
    EXPECT_EQ(info->columns[4].type, Type::bigint());
    EXPECT_EQ(info->handle.properties["relation"].get<std::string>().back(), '`');
    ScanRequest r;
    r.table = info->handle;
    r.columns = {"id", "de"};
    r.constraint.add("id", Domain::values(Type::integer(), {Value::integer(1)}));
    Rows rows = read_all(*connector_, r);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][1].to_string(), "-1234567890.12");
    try {
        connector_->query_table("SELECT * FROM no_such_table");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
        EXPECT_NE(e.message().find("catalog crm"), std::string::npos);
    }
    EXPECT_THROW(connector_->query_table("SELEC 1"), Error);
}

// MariaDB joins unindexed keys by nested loops (no hash join by default): such joins are not pushed; the
// side MariaDB probes must have an index on a key. Joins keep their inputs' indexed columns.
TEST_F(MySqlConnectorTest, JoinPushdownNeedsAnIndexOnMariaDb) {
    auto version = connector_->query_table("SELECT VERSION() AS v");
    ASSERT_TRUE(version);
    ScanRequest v;
    v.table = version->handle;
    v.columns = {"v"};
    if (read_all(*connector_, v).at(0).at(0).to_string().find("MariaDB") == std::string::npos) {
        GTEST_SKIP() << "not MariaDB";
    }
    auto items = request_for(*connector_, "My Order Items", {"item_id", "customer_id", "qty"});
    auto customers = request_for(*connector_, "my_customers", {"customer_id", "name"});
    auto big = request_for(*connector_, "my_big", {"id", "v"});
    EXPECT_EQ(items.table.properties["indexed"], json::array({"item_id"}));
    // items.qty and my_big.v: no index on either side.
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kInner, items, big, {{"qty", "v"}}));
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kLeft, items, big, {{"qty", "v"}}));
    // customer_id is the key of my_customers only: the inner side of a LEFT JOIN, not of a RIGHT JOIN.
    EXPECT_TRUE(connector_->apply_join(PushedJoinType::kInner, items, customers, {{"customer_id", "customer_id"}}));
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kRight, items, customers, {{"customer_id", "customer_id"}}));
    auto left = connector_->apply_join(PushedJoinType::kLeft, items, customers, {{"customer_id", "customer_id"}});
    ASSERT_TRUE(left);
    // Output c0..c4 = item_id, customer_id, qty, customer_id, name: item_id and my_customers.customer_id.
    EXPECT_EQ(left->handle.properties["indexed"], json::array({"c0", "c3"}));
    ScanRequest r;
    r.table = left->handle;
    for (const auto& c : left->columns) r.columns.push_back(c.name);
    Rows rows = read_all(*connector_, r);
    ASSERT_EQ(rows.size(), 4u);  // item 4 (customer 99) with NULLs
    size_t unmatched = 0;
    for (const auto& row : rows) unmatched += row[4].is_null() ? 1 : 0;
    EXPECT_EQ(unmatched, 1u);
    // A join of a join: its c0 (item_id) is indexed, its c2 (qty) is not.
    ScanRequest joined;
    joined.table = left->handle;
    joined.columns = {"c0", "c2"};
    auto names = request_for(*connector_, "my_customers", {"customer_id"});
    EXPECT_TRUE(connector_->apply_join(PushedJoinType::kLeft, joined, names, {{"c2", "customer_id"}}));
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kRight, joined, names, {{"c2", "customer_id"}}));
    EXPECT_TRUE(connector_->apply_join(PushedJoinType::kRight, joined, names, {{"c0", "customer_id"}}));
    // Large inputs are joined by the engine: a side over 100 000 rows (row_count, or input_rows of a join).
    ASSERT_TRUE(customers.table.properties.contains("row_count"));
    ScanRequest large_items = items;
    large_items.table.properties["row_count"] = 500000.0;
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kInner, large_items, customers, {{"customer_id", "customer_id"}}));
    large_items.table.properties["row_count"] = 90000.0;
    auto small = connector_->apply_join(PushedJoinType::kInner, large_items, customers, {{"customer_id", "customer_id"}});
    ASSERT_TRUE(small);
    EXPECT_EQ(small->handle.properties["input_rows"], 90000.0);
    ScanRequest small_join;
    small_join.table = small->handle;
    small_join.columns = {"c0", "c1"};
    EXPECT_TRUE(connector_->apply_join(PushedJoinType::kInner, small_join, names, {{"c1", "customer_id"}}));
    small_join.table.properties["input_rows"] = 200000.0;
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kInner, small_join, names, {{"c1", "customer_id"}}));
}

TEST_F(MySqlConnectorTest, MissingTableAtScanTime) {
    admin({"DROP TABLE IF EXISTS my_dropped", "CREATE TABLE my_dropped (id INT PRIMARY KEY)"});
    auto r = request_for(*connector_, "my_dropped", {"id"});
    admin({"DROP TABLE my_dropped"});
    try {
        read_all(*connector_, r);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
        EXPECT_EQ(e.sqlstate(), "42P01");
        EXPECT_NE(e.message().find("catalog crm"), std::string::npos);
        EXPECT_NE(e.message().find("my_dropped"), std::string::npos);
    }
}

TEST_F(MySqlConnectorTest, CancellationAndAbandonedReaders) {
    auto c = make_mysql_connector(config({{"pool_size", "1"}}));
    auto r = request_for(*c, "my_big", {"id", "name"});
    r.batch_rows = 100;
    ScanPlan plan = c->plan_scan(r);
    std::atomic<bool> cancelled{false};
    ScanMetrics metrics;
    ReadContext context{&cancelled, &metrics};
    {
        auto reader = c->read_split(r, plan.splits[0], context);
        Batch batch;
        ASSERT_TRUE(reader->next(batch));
        cancelled = true;
        try {
            reader->next(batch);
            FAIL();
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kCancelled);
        }
    }
    cancelled = false;
    {
        // Destroyed mid-stream: the statement is killed and the session dropped; the pool (size 1) recovers.
        auto reader = c->read_split(r, plan.splits[0], context);
        Batch batch;
        ASSERT_TRUE(reader->next(batch));
    }
    Rows rows = read_all(*c, r);
    EXPECT_EQ(rows.size(), 10000u);
}

TEST_F(MySqlConnectorTest, StatementTimeout) {
    auto c = make_mysql_connector(config({{"statement_timeout", "500ms"}}));
    auto info = c->query_table("SELECT COUNT(*) AS n FROM my_big a, my_big b, my_big c WHERE a.v + b.v = c.v");
    ASSERT_TRUE(info);
    ScanRequest r;
    r.table = info->handle;
    r.columns = {"n"};
    try {
        read_all(*c, r);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kQueryTimeout) << e.message();
        EXPECT_NE(e.message().find("catalog crm"), std::string::npos);
    }
}

TEST(MySqlDialectTest, QuotingAndLiterals) {
    MySqlDialect d;
    EXPECT_EQ(d.quote_identifier("a`b"), "`a``b`");
    EXPECT_EQ(d.quote_string("it's \\ \n"), "'it''s \\\\ \\n'");
    EXPECT_EQ(*d.literal(Value::varchar("x")), "BINARY _utf8mb4'x'");
    EXPECT_EQ(*d.literal(Value::double_(1.0)), "1e0");
    EXPECT_EQ(*d.literal(Value::varbinary("\x01\xff")), "X'01FF'");
    EXPECT_FALSE(d.literal(Value::double_(std::numeric_limits<double>::infinity())));
    EXPECT_EQ(*d.order_item("`v`", Type::integer(), false, false), "(`v` IS NULL) ASC, `v` ASC");
    EXPECT_EQ(*d.order_item("`v`", Type::integer(), false, true), "`v` ASC");
    EXPECT_EQ(*d.order_item("`s`", Type::varchar(), true, false), "BINARY `s` DESC");
    EXPECT_FALSE(d.order_item("`j`", Type::json(), true, false));
}

}  // namespace
