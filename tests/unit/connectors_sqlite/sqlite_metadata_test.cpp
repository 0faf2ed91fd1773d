#include <gtest/gtest.h>

#include <fstream>

#include "sqlite_test_util.h"

namespace fedq {
namespace {

using namespace fedq::testing;

class SqliteMetadataTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = scratch_path("metadata.db");
        aux_ = scratch_path("aux.db");
        std::filesystem::remove(path_);
        std::filesystem::remove(aux_);
        exec_sql(path_, R"(
            CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT COLLATE NOCASE NOT NULL, amount DECIMAL(12,2),
                                placed DATE, seen DATETIME, flag BOOLEAN, data BLOB, note, kind UUID, ratio REAL);
            CREATE TABLE "Order Items"(order_id INTEGER, sku VARCHAR(20));
            CREATE TABLE MixedCase(a INT);
            CREATE TABLE keyed(code TEXT PRIMARY KEY, n INT) WITHOUT ROWID;
            CREATE VIEW big_orders AS SELECT id, customer, amount * 2 AS doubled, 'x' AS tag FROM orders WHERE amount > 10;
            INSERT INTO orders(customer, amount) VALUES ('a', 5), ('b', 20), ('c', 30);
            CREATE INDEX orders_customer ON orders(customer);
        )");
        exec_sql(aux_, "CREATE TABLE extra(x INTEGER); INSERT INTO extra VALUES (1), (2);");
        connector_ = open_catalog(path_, {{"attach", "aux=" + aux_}});
    }

    std::string path_, aux_;
    std::shared_ptr<Connector> connector_;
};

TEST_F(SqliteMetadataTest, SchemasAndTables) {
    EXPECT_EQ(connector_->list_schemas(), (std::vector<std::string>{"main", "aux"}));
    auto page = connector_->list_tables("main");
    EXPECT_EQ(page.tables, (std::vector<std::string>{"MixedCase", "Order Items", "big_orders", "keyed", "orders"}));
    EXPECT_TRUE(page.next_token.empty());
    EXPECT_EQ(connector_->list_tables("AUX").tables, (std::vector<std::string>{"extra"}));
    EXPECT_EQ(error_code_of([&] { connector_->list_tables("nope"); }), ErrorCode::kUndefinedObject);
    auto extra = request_for(*connector_, "extra", {}, "aux");
    EXPECT_EQ(texts(scan(*connector_, extra).rows), (std::vector<std::string>{"1", "2"}));
}

TEST_F(SqliteMetadataTest, ColumnTypes) {
    auto info = connector_->get_table("main", "orders");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->kind, "BASE TABLE");
    std::vector<std::string> types;
    for (const auto& c : info->columns) types.push_back(c.name + ":" + c.type.to_string());
    EXPECT_EQ(types, (std::vector<std::string>{"id:BIGINT", "customer:VARCHAR", "amount:DECIMAL(12,2)", "placed:DATE",
                                               "seen:TIMESTAMP", "flag:BOOLEAN", "data:VARBINARY", "note:VARCHAR",
                                               "kind:VARCHAR", "ratio:DOUBLE"}));
    EXPECT_FALSE(info->columns[0].nullable);  // INTEGER PRIMARY KEY
    EXPECT_FALSE(info->columns[1].nullable);
    EXPECT_TRUE(info->columns[2].nullable);
    EXPECT_NE(info->columns[1].comment.find("NOCASE"), std::string::npos);
    EXPECT_NE(info->columns[7].comment.find("no declared type"), std::string::npos);
    EXPECT_EQ(info->columns[8].comment, "UUID (read as text)");
    // The NOCASE column and the untyped one are read through a subquery that fixes their semantics.
    std::string relation = info->handle.properties["relation"];
    EXPECT_NE(relation.find("\"customer\" COLLATE BINARY AS \"customer\""), std::string::npos) << relation;
    EXPECT_NE(relation.find("CAST(\"note\" AS TEXT) AS \"note\""), std::string::npos) << relation;
    EXPECT_NE(relation.find("rowid AS __fedq_rowid"), std::string::npos) << relation;
}

TEST_F(SqliteMetadataTest, ViewsAndCaseOfNames) {
    auto view = connector_->get_table("main", "big_orders");
    ASSERT_TRUE(view);
    EXPECT_EQ(view->kind, "VIEW");
    ASSERT_EQ(view->columns.size(), 4u);
    // No declared type: the first row's storage class (amount 20 is stored as an INTEGER, so 20 * 2 is too).
    EXPECT_EQ(view->columns[2].type, Type::bigint());
    EXPECT_EQ(view->columns[3].type, Type::varchar());
    auto rows = scan(*connector_, request_for(*connector_, "big_orders")).rows;
    EXPECT_EQ(texts(rows), (std::vector<std::string>{"2|b|40|x", "3|c|60|x"}));

    EXPECT_TRUE(connector_->get_table("main", "Order Items"));
    auto lower = connector_->get_table("MAIN", "order items");  // unquoted identifiers arrive lower-cased
    ASSERT_TRUE(lower);
    EXPECT_EQ(lower->handle.table, "Order Items");
    // SQLite names are unique regardless of case; the handle carries the stored spelling.
    EXPECT_EQ(connector_->get_table("main", "mixedcase")->handle.table, "MixedCase");
    EXPECT_FALSE(connector_->get_table("main", "missing"));
    EXPECT_FALSE(connector_->get_table("nope", "orders"));
}

TEST_F(SqliteMetadataTest, Statistics) {
    auto info = connector_->get_table("main", "orders");
    ASSERT_TRUE(info->statistics.row_count);
    EXPECT_EQ(*info->statistics.row_count, 3);  // small table: counted exactly
    const auto& id = info->statistics.columns.at("id");
    EXPECT_EQ(id.min, Value::bigint(1));
    EXPECT_EQ(id.max, Value::bigint(3));
    EXPECT_EQ(*id.null_fraction, 0);
    EXPECT_FALSE(connector_->get_table("main", "keyed")->statistics.row_count);  // WITHOUT ROWID, no stat1
}

TEST(SqliteStatistics, FromSqliteStat1) {
    std::string path = scratch_path("stats.db");
    std::filesystem::remove(path);
    exec_sql(path, "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT);"
                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                   "INSERT INTO t SELECT i, i % 10, 'n' || i FROM n;"
                   "CREATE INDEX t_grp ON t(grp); ANALYZE;");
    auto connector = open_catalog(path);
    auto info = connector->get_table("main", "t");
    ASSERT_TRUE(info);
    EXPECT_EQ(*info->statistics.row_count, 1000);
    ASSERT_TRUE(info->statistics.columns.count("grp"));
    EXPECT_EQ(*info->statistics.columns.at("grp").distinct_count, 10);
    EXPECT_EQ(info->statistics.columns.at("id").max, Value::bigint(1000));
}

TEST(SqliteOptions, Errors) {
    std::string message;
    std::string missing = scratch_path("does_not_exist.db");
    std::filesystem::remove(missing);
    auto connector = open_catalog(missing);  // lazy: no error yet
    EXPECT_EQ(error_code_of([&] { connector->list_schemas(); }, &message), ErrorCode::kIo);
    EXPECT_NE(message.find("catalog lite"), std::string::npos);
    EXPECT_NE(message.find(missing), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(missing));  // never created

    std::string not_db = scratch_path("not_a_db.db");
    std::ofstream(not_db) << "this is not a database, just some text that is long enough to be a header...........";
    auto bad = open_catalog(not_db);
    EXPECT_EQ(error_code_of([&] { bad->list_schemas(); }, &message), ErrorCode::kIo);
    EXPECT_NE(message.find("not a readable SQLite database"), std::string::npos) << message;

    ConnectorConfig config;
    config.catalog = "lite";
    config.type = "sqlite";
    EXPECT_EQ(error_code_of([&] { make_sqlite_connector(config); }), ErrorCode::kInvalidParameter);  // no path
    config.options = {{"path", missing}, {"pth", "x"}};
    EXPECT_EQ(error_code_of([&] { make_sqlite_connector(config); }, &message), ErrorCode::kInvalidParameter);
    EXPECT_NE(message.find("pth"), std::string::npos);
    config.options = {{"path", missing}, {"pool_size", "0"}};
    EXPECT_EQ(error_code_of([&] { make_sqlite_connector(config); }), ErrorCode::kInvalidParameter);
    config.options = {{"path", missing}, {"attach", "nonsense"}};
    EXPECT_EQ(error_code_of([&] { make_sqlite_connector(config); }), ErrorCode::kInvalidParameter);
}

TEST(SqliteOptions, RelativePathIsResolvedAgainstTheCurrentDirectory) {
    std::string path = scratch_path("relative.db");
    std::filesystem::remove(path);
    exec_sql(path, "CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (7);");
    auto previous = std::filesystem::current_path();
    std::filesystem::current_path(std::filesystem::path(path).parent_path());
    auto connector = open_catalog("relative.db");
    std::filesystem::current_path(previous);  // resolved when the catalog was created
    EXPECT_EQ(texts(scan(*connector, request_for(*connector, "t")).rows), (std::vector<std::string>{"7"}));
}

}  // namespace
}  // namespace fedq
