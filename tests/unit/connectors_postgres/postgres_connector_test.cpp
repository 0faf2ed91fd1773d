// The PostgreSQL connector against the real test server: metadata, type mapping, scans, pushdown,
// passthrough, joins, splits.
#include <set>

#include "postgres_test_support.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {
namespace {

using namespace pg_test;

class PostgresConnectorTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        Admin admin;
        ASSERT_TRUE(admin.ok());
        admin.exec("DROP SCHEMA IF EXISTS fedq_pg_test CASCADE");
        admin.exec("CREATE SCHEMA fedq_pg_test");
        admin.exec("CREATE TYPE fedq_pg_test.mood AS ENUM ('sad', 'happy')");
        admin.exec(R"(CREATE TABLE fedq_pg_test.all_types (
            id int PRIMARY KEY, b bool, s smallint, i int, l bigint, r real, d double precision,
            n numeric(12,2), nu numeric, t text, v varchar(10), c char(4), bin bytea, dt date, ts timestamp,
            tstz timestamptz, iv interval, u uuid, j json, jb jsonb, ai int[], at text[], addr inet,
            m fedq_pg_test.mood, tm time))");
        admin.exec(R"(INSERT INTO fedq_pg_test.all_types VALUES
            (1, true, -32768, 2147483647, -9223372036854775808, 1.5, -2.25, -1234567890.12,
             12345678901234567890.0123456789012, 'it''s "quoted" ünïcødé 🚀', 'short', 'ab', '\x00ff10',
             '2024-02-29', '2024-01-05 10:11:12.345678', '2024-01-05 10:11:12+02', '1 year 2 mons 3 days 04:05:06.5',
             'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": null}', '{1,NULL,3}', '{"x y",NULL,""}',
             '192.168.0.1/24', 'happy', '13:14:15'),
            (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (3, false, 0, 0, 0, 'NaN', '-Infinity', 0, -0.5, '', '', '', '', '1970-01-01', '1969-12-31 23:59:59.999999',
             '2000-01-01 00:00:00+00', '-1 days', '00000000-0000-0000-0000-000000000000', '[]', '[]', '{}', '{}',
             '::1', 'sad', '00:00:00'))");
        admin.exec("CREATE TABLE fedq_pg_test.customers (name text PRIMARY KEY, city varchar(20))");
        admin.exec("INSERT INTO fedq_pg_test.customers VALUES ('alice', 'Oslo'), ('bob', 'Rome'), ('Carol', 'Lima'), "
                   "('dave', NULL)");
        admin.exec("CREATE TABLE fedq_pg_test.orders (id int PRIMARY KEY, customer text, amount numeric(10,2), qty int, "
                   "price double precision, created date)");
        admin.exec("INSERT INTO fedq_pg_test.orders SELECT g, (ARRAY['alice','bob','Carol','zed'])[g % 4 + 1], "
                   "g * 1.25, CASE WHEN g % 10 = 0 THEN NULL ELSE g % 7 END, g / 3.0, DATE '2024-01-01' + g FROM "
                   "generate_series(1, 100) g");
        admin.exec("CREATE TABLE fedq_pg_test.\"Order Items\" (\"Item Id\" int, \"Label\" text)");
        admin.exec("INSERT INTO fedq_pg_test.\"Order Items\" VALUES (1, 'one'), (2, 'two')");
        admin.exec("CREATE VIEW fedq_pg_test.big_orders AS SELECT * FROM fedq_pg_test.orders WHERE amount > 100");
        admin.exec("CREATE TABLE fedq_pg_test.wide AS SELECT g AS id, g % 100 AS k, repeat('x', g % 13) AS s "
                   "FROM generate_series(1, 20000) g");
        admin.exec("ANALYZE fedq_pg_test.orders");
        admin.exec("ANALYZE fedq_pg_test.wide");
    }

    void SetUp() override { connector_ = make_postgres_connector(config()); }

    TableInfo table(const std::string& name) {
        auto info = connector_->get_table("fedq_pg_test", name);
        EXPECT_TRUE(info.has_value()) << name;
        return info.value_or(TableInfo{});
    }

    std::shared_ptr<Connector> connector_;
};

TEST_F(PostgresConnectorTest, ListsSchemasAndTables) {
    auto schemas = connector_->list_schemas();
    EXPECT_NE(std::find(schemas.begin(), schemas.end(), "fedq_pg_test"), schemas.end());
    EXPECT_NE(std::find(schemas.begin(), schemas.end(), "public"), schemas.end());
    for (const auto& s : schemas) {
        EXPECT_NE(s, "pg_catalog");
        EXPECT_NE(s, "information_schema");
        EXPECT_NE(s, "pg_toast");
    }
    auto page = connector_->list_tables("fedq_pg_test");
    std::set<std::string> names(page.tables.begin(), page.tables.end());
    EXPECT_TRUE(names.count("orders"));
    EXPECT_TRUE(names.count("Order Items"));
    EXPECT_TRUE(names.count("big_orders"));
    EXPECT_TRUE(page.next_token.empty());
    EXPECT_TRUE(connector_->list_tables("no_such_schema").tables.empty());
    EXPECT_EQ(table("big_orders").kind, "VIEW");
    EXPECT_EQ(table("orders").kind, "BASE TABLE");
}

TEST_F(PostgresConnectorTest, NamesAreCaseSensitiveWithCaseInsensitiveFallback) {
    auto exact = connector_->get_table("fedq_pg_test", "Order Items");
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->handle.table, "Order Items");
    auto lowered = connector_->get_table("FEDQ_PG_TEST", "order items");
    ASSERT_TRUE(lowered);
    EXPECT_EQ(lowered->handle.table, "Order Items");
    EXPECT_EQ(lowered->columns[0].name, "Item Id");
    EXPECT_FALSE(connector_->get_table("fedq_pg_test", "no_such_table"));
    auto result = scan(*connector_, request_for(*lowered, {"Label", "Item Id"}));
    ASSERT_EQ(result.rows, 2u);
    EXPECT_EQ(result.values(0)[0].as_string(), "one");
}

TEST_F(PostgresConnectorTest, MapsTypes) {
    TableInfo t = table("all_types");
    std::map<std::string, ColumnInfo> c;
    for (const auto& column : t.columns) c[column.name] = column;
    EXPECT_EQ(c["b"].type, Type::boolean());
    EXPECT_EQ(c["s"].type, Type::smallint());
    EXPECT_EQ(c["i"].type, Type::integer());
    EXPECT_EQ(c["l"].type, Type::bigint());
    EXPECT_EQ(c["r"].type, Type::real());
    EXPECT_EQ(c["d"].type, Type::double_());
    EXPECT_EQ(c["n"].type, Type::decimal(12, 2));
    EXPECT_EQ(c["nu"].type, Type::decimal(38, 10));
    EXPECT_NE(c["nu"].comment.find("unconstrained"), std::string::npos);
    EXPECT_EQ(c["t"].type, Type::varchar());
    EXPECT_EQ(c["v"].type, Type::varchar());
    EXPECT_EQ(c["bin"].type, Type::varbinary());
    EXPECT_EQ(c["dt"].type, Type::date());
    EXPECT_EQ(c["ts"].type, Type::timestamp());
    EXPECT_EQ(c["tstz"].type, Type::timestamp_tz());
    EXPECT_EQ(c["iv"].type, Type::interval());
    EXPECT_EQ(c["u"].type, Type::varchar());
    EXPECT_EQ(c["j"].type, Type::json());
    EXPECT_EQ(c["jb"].type, Type::json());
    EXPECT_EQ(c["ai"].type, Type::array(Type::integer()));
    EXPECT_EQ(c["at"].type, Type::array(Type::varchar()));
    EXPECT_EQ(c["addr"].type, Type::varchar());
    EXPECT_EQ(c["addr"].comment, "inet (read as text)");
    EXPECT_EQ(c["m"].type, Type::varchar());
    EXPECT_EQ(c["tm"].type, Type::varchar());
    EXPECT_FALSE(c["id"].nullable);
    EXPECT_TRUE(c["t"].nullable);
}

TEST_F(PostgresConnectorTest, ReadsEveryTypeWithNulls) {
    TableInfo t = table("all_types");
    std::vector<std::string> names;
    for (const auto& column : t.columns) names.push_back(column.name);
    ScanRequest request = request_for(t, names);
    // id = 1 first: order through a pushed top-N.
    request.order_by = {PushedSortKey{0, false, false}};
    request.limit = 10;
    auto result = scan(*connector_, request);
    ASSERT_EQ(result.rows, 3u);
    EXPECT_TRUE(result.plan.order_accepted);
    auto v = [&](const std::string& name, size_t row) {
        size_t index = std::find(names.begin(), names.end(), name) - names.begin();
        return result.values(index)[row];
    };
    EXPECT_TRUE(v("b", 0).as_bool());
    EXPECT_EQ(v("s", 0).as_int(), -32768);
    EXPECT_EQ(v("i", 0).as_int(), 2147483647);
    EXPECT_EQ(v("l", 0).as_int(), INT64_MIN);
    EXPECT_EQ(v("r", 0).as_double(), 1.5);
    EXPECT_EQ(v("d", 0).as_double(), -2.25);
    EXPECT_EQ(v("n", 0).to_string(), "-1234567890.12");
    EXPECT_EQ(format_decimal(v("nu", 0).as_decimal(), 10), "12345678901234567890.0123456789");
    EXPECT_EQ(v("t", 0).as_string(), "it's \"quoted\" ünïcødé 🚀");
    EXPECT_EQ(v("v", 0).as_string(), "short");
    EXPECT_EQ(v("c", 0).as_string(), "ab");  // char(n) padding removed
    EXPECT_EQ(v("bin", 0).as_string(), std::string("\x00\xff\x10", 3));
    EXPECT_EQ(format_date(static_cast<int32_t>(v("dt", 0).as_int())), "2024-02-29");
    EXPECT_EQ(format_timestamp(v("ts", 0).as_int()), "2024-01-05 10:11:12.345678");
    EXPECT_EQ(format_timestamp(v("tstz", 0).as_int()), "2024-01-05 08:11:12");  // UTC instant
    Interval iv = v("iv", 0).as_interval();
    EXPECT_EQ(iv.months, 14);
    EXPECT_EQ(iv.days, 3);
    EXPECT_EQ(iv.micros, (4 * 3600 + 5 * 60 + 6) * 1000000LL + 500000);
    EXPECT_EQ(v("u", 0).as_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    EXPECT_EQ(v("j", 0).as_string(), "{\"a\": [1, 2]}");
    EXPECT_EQ(v("jb", 0).as_string(), "{\"b\": null}");
    auto ai = v("ai", 0).children();
    ASSERT_EQ(ai.size(), 3u);
    EXPECT_EQ(ai[0].as_int(), 1);
    EXPECT_TRUE(ai[1].is_null());
    auto at = v("at", 0).children();
    ASSERT_EQ(at.size(), 3u);
    EXPECT_EQ(at[0].as_string(), "x y");
    EXPECT_TRUE(at[1].is_null());
    EXPECT_EQ(at[2].as_string(), "");
    EXPECT_EQ(v("addr", 0).as_string(), "192.168.0.1/24");
    EXPECT_EQ(v("m", 0).as_string(), "happy");
    EXPECT_EQ(v("tm", 0).as_string(), "13:14:15");
    // Row 2: every column NULL except the key.
    for (size_t index = 1; index < names.size(); ++index) EXPECT_TRUE(result.values(index)[1].is_null()) << names[index];
    // Row 3: edge values.
    EXPECT_TRUE(std::isnan(v("r", 2).as_double()));
    EXPECT_TRUE(std::isinf(v("d", 2).as_double()));
    EXPECT_EQ(v("nu", 2).to_string(), "-0.5000000000");
    EXPECT_EQ(v("t", 2).as_string(), "");
    EXPECT_FALSE(v("t", 2).is_null());
    EXPECT_EQ(v("dt", 2).as_int(), 0);
    EXPECT_EQ(v("ts", 2).as_int(), -1);
    EXPECT_EQ(v("tstz", 2).as_int(), 946684800000000LL);
    EXPECT_TRUE(v("ai", 2).children().empty());
    EXPECT_EQ(v("j", 2).as_string(), "[]");
}

TEST_F(PostgresConnectorTest, StreamsInBatches) {
    ScanRequest request = request_for(table("wide"), {"id", "s"});
    request.batch_rows = 777;
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.rows, 20000u);
    EXPECT_EQ(result.rows_read, 20000u);
    EXPECT_EQ(result.batches.size(), (20000 + 776) / 777);
    int64_t sum = 0;
    for (const auto& b : result.batches) {
        for (size_t r = 0; r < b.num_rows; ++r) sum += b.columns[0]->values<int32_t>()[r];
    }
    EXPECT_EQ(sum, 20000LL * 20001 / 2);
}

TEST_F(PostgresConnectorTest, ScanOfNoColumnsCountsRows) {
    auto result = scan(*connector_, request_for(table("orders"), {}));
    EXPECT_EQ(result.rows, 100u);
}

TEST_F(PostgresConnectorTest, PushesConstraintAndFilters) {
    TableInfo t = table("orders");
    ScanRequest request = request_for(t, {"id", "customer", "qty"});
    request.constraint.add("qty", Domain::range(Type::integer(), Range{{Value::integer(2), true}, {Value::integer(4), false}}));
    request.filters.push_back(fn("$like", Type::boolean(), {col("customer", Type::varchar()), lit(Value::varchar("a%"))}));
    request.filters.push_back(fn("$gt", Type::boolean(), {col("price", Type::double_()), lit(Value::double_(3))}));
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.plan.constraint_accepted.at("qty"), PushdownKind::kExact);
    ASSERT_EQ(result.plan.filters_accepted.size(), 2u);
    EXPECT_EQ(result.plan.filters_accepted[0], PushdownKind::kExact);
    EXPECT_EQ(result.plan.filters_accepted[1], PushdownKind::kUnsupported);  // floats stay in the engine
    ASSERT_EQ(result.plan.splits.size(), 1u);
    EXPECT_NE(result.plan.splits[0].description.find("LIKE"), std::string::npos) << result.plan.splits[0].description;
    EXPECT_NE(result.plan.splits[0].description.find("\"qty\" >= 2"), std::string::npos);
    // alice: g % 4 == 0; qty = g % 7 in [2, 4), not for g % 10 == 0
    size_t expected = 0;
    for (int g = 1; g <= 100; ++g) {
        if (g % 4 == 0 && g % 10 != 0 && g % 7 >= 2 && g % 7 < 4) ++expected;
    }
    EXPECT_EQ(result.rows, expected);
    EXPECT_EQ(result.rows_read, expected);  // the filtering ran in PostgreSQL
    for (const auto& v : result.values(1)) EXPECT_EQ(v.as_string(), "alice");
}

TEST_F(PostgresConnectorTest, StringComparisonsUseCodePointOrder) {
    TableInfo t = table("customers");
    ScanRequest request = request_for(t, {"name"});
    // 'Carol' < 'a' by code point (uppercase first), whatever the database collation says.
    request.filters.push_back(fn("$lt", Type::boolean(), {col("name", Type::varchar()), lit(Value::varchar("a"))}));
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.plan.filters_accepted[0], PushdownKind::kExact);
    ASSERT_EQ(result.rows, 1u);
    EXPECT_EQ(result.values(0)[0].as_string(), "Carol");
    ScanRequest ordered = request_for(t, {"name"});
    ordered.order_by = {PushedSortKey{0, false, false}};
    ordered.limit = 2;
    auto top = scan(*connector_, ordered);
    EXPECT_TRUE(top.plan.order_accepted);
    EXPECT_TRUE(top.plan.limit_accepted);
    ASSERT_EQ(top.rows, 2u);
    EXPECT_EQ(top.values(0)[0].as_string(), "Carol");
    EXPECT_EQ(top.values(0)[1].as_string(), "alice");
}

TEST_F(PostgresConnectorTest, RefusesColumnsThatCompareDifferently) {
    TableInfo t = table("all_types");
    ScanRequest request = request_for(t, {"id"});
    request.filters.push_back(fn("$eq", Type::boolean(), {col("u", Type::varchar()), lit(Value::varchar("A0EEBC99"))}));
    request.filters.push_back(fn("$eq", Type::boolean(), {col("c", Type::varchar()), lit(Value::varchar("ab"))}));
    request.constraint.add("m", Domain::values(Type::varchar(), {Value::varchar("happy")}));
    request.constraint.add("id", Domain::values(Type::integer(), {Value::integer(1), Value::integer(3)}));
    request.limit = 1;
    ScanPlan plan = connector_->negotiate(request);
    EXPECT_EQ(plan.filters_accepted[0], PushdownKind::kUnsupported);
    // char(n) is compared as "c"::text (trailing spaces removed, like the values the engine reads).
    EXPECT_EQ(plan.filters_accepted[1], PushdownKind::kExact);
    EXPECT_EQ(plan.constraint_accepted.at("m"), PushdownKind::kUnsupported);
    EXPECT_EQ(plan.constraint_accepted.at("id"), PushdownKind::kExact);
    EXPECT_FALSE(plan.limit_accepted);  // not all filters are exact
}

TEST_F(PostgresConnectorTest, PushesAggregation) {
    TableInfo t = table("orders");
    ScanRequest request = request_for(t, {});
    PushedAggregation aggregation;
    aggregation.groups.push_back(col("customer", Type::varchar()));
    aggregation.aggregates.push_back({"count_star", {}, false, Type::bigint(), "n"});
    aggregation.aggregates.push_back({"sum", {col("qty", Type::integer())}, false, Type::bigint(), "sq"});
    aggregation.aggregates.push_back({"avg", {col("qty", Type::integer())}, false, Type::double_(), "aq"});
    aggregation.aggregates.push_back({"sum", {col("amount", Type::decimal(10, 2))}, false, Type::decimal(38, 2), "sa"});
    aggregation.aggregates.push_back({"min", {col("customer", Type::varchar())}, false, Type::varchar(), "mc"});
    aggregation.aggregates.push_back({"max", {col("created", Type::date())}, false, Type::date(), "md"});
    request.aggregation = aggregation;
    request.order_by = {PushedSortKey{0, false, false}};
    request.limit = 10;
    auto result = scan(*connector_, request);
    ASSERT_TRUE(result.plan.aggregation_accepted);
    EXPECT_TRUE(result.plan.order_accepted);
    EXPECT_NE(result.plan.splits[0].description.find("GROUP BY"), std::string::npos);
    ASSERT_EQ(result.rows, 4u);
    EXPECT_EQ(result.rows_read, 4u);
    const Batch& b = result.batches[0];
    EXPECT_EQ(b.columns[0]->type(), Type::varchar());
    EXPECT_EQ(b.columns[1]->type(), Type::bigint());
    EXPECT_EQ(b.columns[3]->type(), Type::double_());
    EXPECT_EQ(b.columns[4]->type(), Type::decimal(38, 2));
    // Code point order: Carol, alice, bob, zed.
    EXPECT_EQ(b.columns[0]->string_at(0), "Carol");
    EXPECT_EQ(b.columns[0]->string_at(1), "alice");
    // alice = g % 4 == 0 (25 rows).
    int64_t count = 0, sum_qty = 0, qty_rows = 0;
    int128_t amount = 0;
    for (int g = 4; g <= 100; g += 4) {
        ++count;
        amount += g * 125;
        if (g % 10 != 0) {
            sum_qty += g % 7;
            ++qty_rows;
        }
    }
    EXPECT_EQ(b.columns[1]->values<int64_t>()[1], count);
    EXPECT_EQ(b.columns[2]->values<int64_t>()[1], sum_qty);
    EXPECT_DOUBLE_EQ(b.columns[3]->values<double>()[1], static_cast<double>(sum_qty) / qty_rows);
    EXPECT_TRUE(b.columns[4]->values<int128_t>()[1] == amount);
    EXPECT_EQ(b.columns[5]->string_at(1), "alice");
    EXPECT_EQ(format_date(b.columns[6]->values<int32_t>()[1]), "2024-04-10");  // 2024-01-01 + 100
}

TEST_F(PostgresConnectorTest, RefusesAggregationsWithOtherSemantics) {
    TableInfo t = table("orders");
    ScanRequest request = request_for(t, {});
    PushedAggregation aggregation;
    aggregation.aggregates.push_back({"sum", {col("price", Type::double_())}, false, Type::double_(), "s"});
    request.aggregation = aggregation;
    EXPECT_FALSE(connector_->negotiate(request).aggregation_accepted);
    EXPECT_THROW(connector_->plan_scan(request), Error);
    request.aggregation->aggregates[0] = {"avg", {col("amount", Type::decimal(10, 2))}, false, Type::decimal(38, 6), "a"};
    EXPECT_FALSE(connector_->negotiate(request).aggregation_accepted);
}

TEST_F(PostgresConnectorTest, PushesArithmeticWithEngineTypes) {
    TableInfo t = table("orders");
    ScanRequest request = request_for(t, {"id"});
    // id * 2 / 3 = 10  (integer division truncating)
    auto expr = fn("$div", Type::integer(),
                   {fn("$mul", Type::integer(), {col("id", Type::integer()), lit(Value::integer(2))}), lit(Value::integer(3))});
    request.filters.push_back(fn("$eq", Type::boolean(), {expr, lit(Value::integer(10))}));
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.plan.filters_accepted[0], PushdownKind::kExact);
    std::vector<int64_t> ids;
    for (const auto& v : result.values(0)) ids.push_back(v.as_int());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<int64_t>{15, 16}));
}

TEST_F(PostgresConnectorTest, ParallelCtidSplits) {
    auto connector = make_postgres_connector(config({{"split_rows", "5000"}}));
    auto info = connector->get_table("fedq_pg_test", "wide");
    ASSERT_TRUE(info);
    EXPECT_NEAR(info->statistics.row_count.value_or(0), 20000, 1);
    ScanRequest request = request_for(*info, {"id", "k"});
    request.target_splits = 4;
    request.constraint.add("k", Domain::range(Type::integer(), Range{{Value::integer(10), true}, {std::nullopt, false}}));
    auto result = scan(*connector, request);
    ASSERT_EQ(result.plan.splits.size(), 4u);
    for (const auto& split : result.plan.splits) EXPECT_NE(split.description.find("ctid"), std::string::npos);
    EXPECT_EQ(result.rows, 18000u);
    std::set<int64_t> ids;
    for (const auto& v : result.values(0)) ids.insert(v.as_int());
    EXPECT_EQ(ids.size(), 18000u);
    // Ordered or limited requests stay in one split.
    request.limit = 5;
    request.order_by = {PushedSortKey{0, true, false}};
    auto top = scan(*connector, request);
    EXPECT_EQ(top.plan.splits.size(), 1u);
    ASSERT_EQ(top.rows, 5u);
    EXPECT_EQ(top.values(0)[0].as_int(), 19999);  // 20000 has k = 0
    // Small tables: one split.
    ScanRequest small = request_for(table("customers"), {"name"});
    small.target_splits = 8;
    EXPECT_EQ(connector->plan_scan(small).splits.size(), 1u);
}

TEST_F(PostgresConnectorTest, Statistics) {
    TableInfo t = table("orders");
    EXPECT_NEAR(t.statistics.row_count.value_or(0), 100, 0.5);
    ASSERT_TRUE(t.statistics.columns.count("id"));
    const auto& id = t.statistics.columns.at("id");
    EXPECT_NEAR(id.distinct_count.value_or(0), 100, 0.5);  // n_distinct = -1: unique
    EXPECT_EQ(id.min.as_int(), 1);
    EXPECT_EQ(id.max.as_int(), 100);
    const auto& qty = t.statistics.columns.at("qty");
    EXPECT_NEAR(qty.null_fraction.value_or(0), 0.1, 0.001);
    EXPECT_NEAR(qty.distinct_count.value_or(0), 7, 0.5);
}

TEST_F(PostgresConnectorTest, Passthrough) {
    auto info = connector_->query_table(
        "SELECT o.id, o.amount, c.name, c.city, o.id * 2 AS id, now() AS at FROM fedq_pg_test.orders o "
        "JOIN fedq_pg_test.customers c ON c.name = o.customer WHERE o.id <= 8 ;  \n");
    ASSERT_TRUE(info);
    ASSERT_EQ(info->columns.size(), 6u);
    EXPECT_EQ(info->columns[0].name, "id");
    EXPECT_EQ(info->columns[4].name, "id_2");
    EXPECT_EQ(info->columns[1].type, Type::decimal(10, 2));
    EXPECT_EQ(info->columns[2].type, Type::varchar());
    EXPECT_EQ(info->columns[5].type, Type::timestamp_tz());
    std::string relation = info->handle.properties["relation"];
    EXPECT_EQ(relation.rfind("(SELECT o.id", 0), 0u);
    EXPECT_EQ(relation.find(';'), std::string::npos);
    ScanRequest request = request_for(*info, {"id_2", "city"});
    request.filters.push_back(fn("$eq", Type::boolean(), {col("city", Type::varchar()), lit(Value::varchar("Rome"))}));
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.plan.filters_accepted[0], PushdownKind::kExact);
    std::vector<int64_t> ids;
    for (const auto& v : result.values(0)) ids.push_back(v.as_int());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<int64_t>{2, 10}));  // bob: g % 4 == 1 -> 1, 5 (x2)
    // Errors name the catalog.
    try {
        connector_->query_table("SELECT * FROM fedq_pg_test.nope");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
        EXPECT_EQ(e.sqlstate(), "42P01");
        EXPECT_NE(e.message().find("catalog pg"), std::string::npos);
        EXPECT_NE(e.message().find("nope"), std::string::npos);
    }
    EXPECT_THROW(connector_->query_table("SELECT 1; SELECT 2"), Error);
    EXPECT_THROW(connector_->query_table("  ;"), Error);
}

TEST_F(PostgresConnectorTest, PushedJoin) {
    TableInfo orders = table("orders");
    TableInfo customers = table("customers");
    ScanRequest left = request_for(orders, {"id", "customer"});
    left.filters.push_back(fn("$le", Type::boolean(), {col("id", Type::integer()), lit(Value::integer(6))}));
    ScanRequest right = request_for(customers, {"city"});
    auto joined = connector_->apply_join(PushedJoinType::kLeft, left, right, {{"customer", "name"}});
    ASSERT_TRUE(joined);
    ASSERT_EQ(joined->columns.size(), 3u);
    auto result = scan(*connector_, request_for(*joined, {"c0", "c2"}));
    std::map<int64_t, Value> city;
    auto ids = result.values(0);
    auto cities = result.values(1);
    for (size_t i = 0; i < ids.size(); ++i) city[ids[i].as_int()] = cities[i];
    ASSERT_EQ(city.size(), 6u);
    EXPECT_EQ(city[1].as_string(), "Rome");   // bob
    EXPECT_EQ(city[2].as_string(), "Lima");   // Carol
    EXPECT_TRUE(city[3].is_null());           // zed: no customer
    EXPECT_EQ(city[4].as_string(), "Oslo");   // alice
    // Keys that compare differently are refused.
    TableInfo all = table("all_types");
    ScanRequest by_uuid = request_for(all, {"id"});
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kInner, by_uuid, request_for(customers, {"name"}), {{"u", "name"}}));
}

}  // namespace
}  // namespace fedq
