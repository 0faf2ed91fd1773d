#include <gtest/gtest.h>

#include <algorithm>

#include "sqlite_test_util.h"

namespace fedq {
namespace {

using namespace fedq::testing;

ConnectorExpr col(const std::string& name, Type type) { return ConnectorExpr::column(name, type); }
ConnectorExpr lit(Value v) {
    Type t = v.type();
    return ConnectorExpr::constant(std::move(v), t);
}
ConnectorExpr call(const std::string& f, std::vector<ConnectorExpr> args, Type type = Type::boolean()) {
    return ConnectorExpr::call(f, std::move(type), std::move(args));
}

class SqlitePushdownTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = scratch_path("pushdown.db");
        std::filesystem::remove(path_);
        exec_sql(path_, R"(
            CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, city TEXT, age INTEGER,
                                score DOUBLE, born DATE, balance DECIMAL(10,2));
            INSERT INTO people VALUES
              (1, 'alice', 'Paris', 30, 1.5, '1994-01-01', 10.10),
              (2, 'Alice', 'paris', 40, 2.5, '1984-01-01', 20.20),
              (3, 'bob', 'Berlin', NULL, NULL, NULL, NULL),
              (4, 'carol', 'Berlin', 25, 4.0, '1999-05-05', 0.01),
              (5, 'Dave_1', NULL, 35, -1.0, '1989-07-07', 99.99);
            CREATE TABLE visits(person_id INTEGER, page TEXT);
            INSERT INTO visits VALUES (1, '/a'), (1, '/b'), (2, '/a'), (4, '/c'), (9, '/z');
        )");
        connector_ = open_catalog(path_);
    }

    std::string path_;
    std::shared_ptr<Connector> connector_;
};

TEST_F(SqlitePushdownTest, ConstraintOnIntegersAndStrings) {
    auto request = request_for(*connector_, "people", {"id"});
    request.constraint.add("age", Domain::range(Type::bigint(), Range{{Value::bigint(30), true}, {std::nullopt, false}}));
    request.constraint.add("name", Domain::values(Type::varchar(), {Value::varchar("alice"), Value::varchar("bob")}));
    auto result = scan(*connector_, request);
    EXPECT_EQ(result.plan.constraint_accepted.at("age"), PushdownKind::kExact);
    EXPECT_EQ(result.plan.constraint_accepted.at("name"), PushdownKind::kExact);
    // NOCASE in SQLite, but the engine compares case-sensitively: 'Alice' (40) must not match.
    EXPECT_EQ(texts(result.rows), (std::vector<std::string>{"1"}));
    EXPECT_EQ(result.rows_read, 1u);  // the source filtered
    EXPECT_NE(result.plan.splits[0].description.find("WHERE"), std::string::npos);
}

TEST_F(SqlitePushdownTest, DatesStayInTheEngine) {
    auto request = request_for(*connector_, "people", {"id"});
    request.constraint.add("born", Domain::range(Type::date(), Range{{Value::date(0), true}, {std::nullopt, false}}));
    auto plan = connector_->negotiate(request);
    EXPECT_EQ(plan.constraint_accepted.at("born"), PushdownKind::kUnsupported);
    request.limit = 1;  // a limit below an unsupported filter is never applied
    EXPECT_FALSE(connector_->negotiate(request).limit_accepted);
    EXPECT_EQ(scan(*connector_, request).rows.size(), 5u);
}

TEST_F(SqlitePushdownTest, FilterExpressions) {
    auto request = request_for(*connector_, "people", {"id"});
    request.filters = {
        call("$like", {col("name", Type::varchar()), lit(Value::varchar("%a%"))}),  // GLOB: case-sensitive
        call("$or", {call("$gt", {col("score", Type::double_()), lit(Value::double_(1.0))}),
                     call("$is_null", {col("score", Type::double_())})}),
        call("$ilike", {col("city", Type::varchar()), lit(Value::varchar("p%"))}),  // refused
    };
    auto result = scan(*connector_, request);
    ASSERT_EQ(result.plan.filters_accepted.size(), 3u);
    EXPECT_EQ(result.plan.filters_accepted[0], PushdownKind::kExact);
    EXPECT_EQ(result.plan.filters_accepted[1], PushdownKind::kExact);
    EXPECT_EQ(result.plan.filters_accepted[2], PushdownKind::kUnsupported);
    EXPECT_NE(result.plan.splits[0].description.find("GLOB '*a*'"), std::string::npos);
    // alice (1.5) and carol (4.0); 'Alice' has no lower-case 'a' (SQLite's LIKE would match it); Dave_1 scores -1.
    EXPECT_EQ(texts(result.rows), (std::vector<std::string>{"1", "4"}));

    request.filters = {call("$like", {col("name", Type::varchar()), lit(Value::varchar("Dave\\_%")),
                                      lit(Value::varchar("\\"))})};
    EXPECT_EQ(texts(scan(*connector_, request).rows), (std::vector<std::string>{"5"}));
    request.filters = {call("$like", {col("name", Type::varchar()), lit(Value::varchar("ALICE"))})};
    EXPECT_TRUE(scan(*connector_, request).rows.empty());

    // Integer division by a constant truncates toward zero in both.
    request.filters = {call("$eq", {call("$div", {col("age", Type::bigint()), lit(Value::bigint(-7))}, Type::bigint()),
                                    lit(Value::bigint(-4))})};
    auto divided = scan(*connector_, request);
    EXPECT_EQ(divided.plan.filters_accepted[0], PushdownKind::kExact);
    EXPECT_EQ(texts(divided.rows), (std::vector<std::string>{"1"}));  // 30 / -7 = -4
}

TEST_F(SqlitePushdownTest, AggregationWithGroups) {
    auto request = request_for(*connector_, "people", {});
    PushedAggregation aggregation;
    aggregation.groups = {col("city", Type::varchar())};
    aggregation.aggregates = {
        {"count_star", {}, false, Type::bigint(), "n"},
        {"sum", {col("age", Type::bigint())}, false, Type::bigint(), "s"},
        {"avg", {col("age", Type::bigint())}, false, Type::double_(), "a"},
        {"min", {col("name", Type::varchar())}, false, Type::varchar(), "m"},
        {"max", {col("score", Type::double_())}, false, Type::double_(), "x"},
    };
    request.aggregation = aggregation;
    auto result = scan(*connector_, request);
    EXPECT_TRUE(result.plan.aggregation_accepted);
    auto rows = texts(result.rows);
    std::sort(rows.begin(), rows.end());
    // 'Paris' and 'paris' are distinct groups; min(name) is binary ('Alice' < 'alice').
    EXPECT_EQ(rows, (std::vector<std::string>{"Berlin|2|25|25|bob|4", "NULL|1|35|35|Dave_1|-1",
                                               "Paris|1|30|30|alice|1.5", "paris|1|40|40|Alice|2.5"}));
    EXPECT_EQ(result.rows_read, 4u);  // groups, not people

    // sum of DECIMAL is refused (SQLite adds REALs).
    request.aggregation->aggregates = {{"sum", {col("balance", Type::decimal(10, 2))}, false, Type::decimal(38, 2), "b"}};
    EXPECT_FALSE(connector_->negotiate(request).aggregation_accepted);
}

TEST_F(SqlitePushdownTest, SumOverflowIsAnError) {
    exec_sql(path_, "CREATE TABLE huge(v INTEGER); INSERT INTO huge VALUES (9223372036854775807), (1);");
    auto request = request_for(*connector_, "huge", {});
    request.aggregation = PushedAggregation{{}, {{"sum", {col("v", Type::bigint())}, false, Type::bigint(), "s"}}};
    std::string message;
    EXPECT_EQ(error_code_of([&] { scan(*connector_, request); }, &message), ErrorCode::kNumericOverflow);
    EXPECT_NE(message.find("catalog lite"), std::string::npos);
}

TEST_F(SqlitePushdownTest, TopN) {
    auto request = request_for(*connector_, "people", {"name", "age"});
    request.order_by = {{1, true, true}, {0, false, false}};  // age DESC NULLS FIRST, name
    request.limit = 3;
    auto result = scan(*connector_, request);
    EXPECT_TRUE(result.plan.order_accepted);
    EXPECT_TRUE(result.plan.limit_accepted);
    EXPECT_EQ(texts(result.rows), (std::vector<std::string>{"bob|NULL", "Alice|40", "Dave_1|35"}));
    EXPECT_NE(result.plan.splits[0].description.find("ORDER BY \"age\" DESC NULLS FIRST, \"name\" ASC NULLS LAST LIMIT 3"),
              std::string::npos)
        << result.plan.splits[0].description;
    EXPECT_EQ(result.rows_read, 3u);
    // Binary order of names: upper case first.
    request.order_by = {{0, false, false}};
    EXPECT_EQ(texts(scan(*connector_, request).rows), (std::vector<std::string>{"Alice|40", "Dave_1|35", "alice|30"}));
}

TEST_F(SqlitePushdownTest, JoinInTheSource) {
    auto left = request_for(*connector_, "people", {"id", "name"});
    auto right = request_for(*connector_, "visits", {"page"});
    right.filters = {call("$ne", {col("page", Type::varchar()), lit(Value::varchar("/b"))})};
    auto joined = connector_->apply_join(PushedJoinType::kLeft, left, right, {{"id", "person_id"}});
    ASSERT_TRUE(joined);
    ASSERT_EQ(joined->columns.size(), 3u);
    EXPECT_EQ(joined->columns[1].type, Type::varchar());
    ScanRequest request;
    request.table = joined->handle;
    for (const auto& c : joined->columns) request.columns.push_back(c.name);
    auto rows = texts(scan(*connector_, request).rows);
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows, (std::vector<std::string>{"1|alice|/a", "2|Alice|/a", "3|bob|NULL", "4|carol|/c", "5|Dave_1|NULL"}));
    // Join keys of a type SQLite compares differently stay in the engine.
    auto dates = request_for(*connector_, "people", {"id"});
    EXPECT_FALSE(connector_->apply_join(PushedJoinType::kInner, dates, dates, {{"born", "born"}}));
    // FULL joins (SQLite >= 3.39).
    auto full = connector_->apply_join(PushedJoinType::kFull, left, right, {{"id", "person_id"}});
    ASSERT_TRUE(full);
    ScanRequest full_request;
    full_request.table = full->handle;
    for (const auto& c : full->columns) full_request.columns.push_back(c.name);
    EXPECT_EQ(scan(*connector_, full_request).rows.size(), 6u);  // + (NULL, NULL, /z)
}

TEST_F(SqlitePushdownTest, Passthrough) {
    auto info = connector_->query_table("SELECT id, name, age * 2 AS twice, 1 AS one, 'x' || name AS tagged\n"
                                        "FROM people WHERE id <= 2 ORDER BY id; -- trailing comment");
    ASSERT_TRUE(info);
    std::vector<std::string> types;
    for (const auto& c : info->columns) types.push_back(c.name + ":" + c.type.to_string());
    EXPECT_EQ(types, (std::vector<std::string>{"id:BIGINT", "name:VARCHAR", "twice:BIGINT", "one:BIGINT", "tagged:VARCHAR"}));
    ScanRequest request;
    request.table = info->handle;
    request.columns = {"tagged", "twice", "name"};
    EXPECT_EQ(texts(scan(*connector_, request).rows), (std::vector<std::string>{"xalice|60|alice", "xAlice|80|Alice"}));
    // Filters on a passthrough column: the NOCASE origin does not leak into comparisons.
    request.filters = {call("$eq", {col("name", Type::varchar()), lit(Value::varchar("alice"))})};
    auto filtered = scan(*connector_, request);
    EXPECT_EQ(filtered.plan.filters_accepted[0], PushdownKind::kExact);
    EXPECT_EQ(texts(filtered.rows), (std::vector<std::string>{"xalice|60|alice"}));

    auto duplicates = connector_->query_table("SELECT 1, 1, 2 AS a, 3 AS a");
    std::vector<std::string> names;
    for (const auto& c : duplicates->columns) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"1", "1_2", "a", "a_2"}));
    ScanRequest dup_request;
    dup_request.table = duplicates->handle;
    dup_request.columns = names;
    EXPECT_EQ(texts(scan(*connector_, dup_request).rows), (std::vector<std::string>{"1|1|2|3"}));

    std::string message;
    EXPECT_EQ(error_code_of([&] { connector_->query_table("SELECT 1; SELECT 2"); }, &message), ErrorCode::kInvalidParameter);
    EXPECT_EQ(error_code_of([&] { connector_->query_table("PRAGMA table_info(people)"); }), ErrorCode::kRemote);
    EXPECT_EQ(error_code_of([&] { connector_->query_table("SELECT * FROM nowhere"); }, &message),
              ErrorCode::kUndefinedTable);
    EXPECT_NE(message.find("catalog lite"), std::string::npos);
    EXPECT_NE(message.find("nowhere"), std::string::npos);
    EXPECT_EQ(error_code_of([&] { connector_->query_table("SELEC 1"); }), ErrorCode::kRemote);
    EXPECT_EQ(error_code_of([&] { connector_->query_table("  ;  "); }), ErrorCode::kInvalidParameter);
}

TEST_F(SqlitePushdownTest, RequestsSurviveJsonRoundTrip) {
    auto request = request_for(*connector_, "people", {"id"});
    request.filters = {call("$ge", {col("age", Type::bigint()), lit(Value::bigint(35))})};
    request.target_splits = 2;
    auto copy = ScanRequest::from_json(request.to_json());
    auto plan = ScanPlan::from_json(connector_->plan_scan(copy).to_json());
    ScanMetrics metrics;
    ReadContext context{nullptr, &metrics};
    std::vector<std::string> rows;
    for (const auto& split : plan.splits) {
        auto reader = connector_->read_split(copy, split, context);
        Batch batch;
        while (reader->next(batch)) {
            for (size_t r = 0; r < batch.num_rows; ++r) rows.push_back(batch.column(0).value_at(r).to_string());
        }
    }
    EXPECT_EQ(rows, (std::vector<std::string>{"2", "5"}));
}

}  // namespace
}  // namespace fedq
