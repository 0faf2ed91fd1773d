#include <gtest/gtest.h>

#include "connectors/sql_common/sql_query.h"

namespace fedq {
namespace {

class AnsiDialect : public SqlDialect {};

ScanRequest orders_request() {
    ScanRequest r;
    r.table.schema = "public";
    r.table.table = "orders";
    std::vector<ColumnInfo> columns = {{"id", Type::bigint(), true, ""},
                                       {"name", Type::varchar(), true, ""},
                                       {"total", Type::decimal(12, 2), true, ""},
                                       {"day", Type::date(), true, ""},
                                       {"we\"ird", Type::integer(), true, ""}};
    r.table.properties["relation"] = "\"public\".\"orders\"";
    r.table.properties["columns"] = columns_property(columns, {"int8", "text", "numeric(12,2)", "date", "int4"});
    return r;
}

TEST(SqlQuery, ProjectionConstraintAndQuoting) {
    AnsiDialect d;
    ScanRequest r = orders_request();
    r.columns = {"id", "we\"ird"};
    r.constraint.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(10), true}, {Value::bigint(20), false}}));
    r.constraint.add("day", Domain::values(Type::date(), {Value::date(0), Value::date(1)}));
    auto t = translate_scan(r, d);
    EXPECT_EQ(t.select.sql(d),
              "SELECT \"id\", \"we\"\"ird\" FROM \"public\".\"orders\" WHERE (\"day\" IN (DATE '1970-01-01', DATE "
              "'1970-01-02')) AND ((\"id\" >= 10 AND \"id\" < 20))");
    EXPECT_EQ(t.plan.constraint_accepted["id"], PushdownKind::kExact);
    EXPECT_EQ(t.plan.constraint_accepted["day"], PushdownKind::kExact);
    EXPECT_EQ(output_types(r), (std::vector<Type>{Type::bigint(), Type::integer()}));
}

TEST(SqlQuery, StringLiteralsAreEscapedAndStringsRefusedByDefault) {
    AnsiDialect d;
    EXPECT_EQ(d.quote_string("it's"), "'it''s'");
    EXPECT_EQ(*d.literal(Value::varchar("a'; DROP TABLE x; --")), "'a''; DROP TABLE x; --'");
    ScanRequest r = orders_request();
    r.columns = {"id"};
    // The default dialect does not compare strings (collations differ): the engine keeps the filter.
    r.filters.push_back(ConnectorExpr::call(
        "$eq", Type::boolean(), {ConnectorExpr::column("name", Type::varchar()), ConnectorExpr::constant(Value::varchar("x"), Type::varchar())}));
    r.limit = 5;
    auto t = translate_scan(r, d);
    ASSERT_EQ(t.plan.filters_accepted.size(), 1u);
    EXPECT_EQ(t.plan.filters_accepted[0], PushdownKind::kUnsupported);
    EXPECT_FALSE(t.plan.limit_accepted);  // a filter stays in the engine: no limit in the source
    EXPECT_EQ(t.select.sql(d), "SELECT \"id\" FROM \"public\".\"orders\"");
}

TEST(SqlQuery, FiltersAggregationOrderAndLimit) {
    AnsiDialect d;
    ScanRequest r = orders_request();
    auto id = ConnectorExpr::column("id", Type::bigint());
    r.filters.push_back(ConnectorExpr::call(
        "$gt", Type::boolean(),
        {ConnectorExpr::call("$add", Type::bigint(), {id, ConnectorExpr::constant(Value::bigint(1), Type::bigint())}),
         ConnectorExpr::constant(Value::bigint(5), Type::bigint())}));
    r.filters.push_back(ConnectorExpr::call("$is_not_null", Type::boolean(), {ConnectorExpr::column("day", Type::date())}));
    PushedAggregation agg;
    agg.groups.push_back(ConnectorExpr::column("day", Type::date()));
    agg.aggregates.push_back({"count_star", {}, false, Type::bigint(), "count"});
    agg.aggregates.push_back({"max", {id}, false, Type::bigint(), "max"});
    r.aggregation = agg;
    r.order_by.push_back({1, true, false});
    r.limit = 3;
    auto t = translate_scan(r, d);
    EXPECT_TRUE(t.plan.aggregation_accepted);
    EXPECT_TRUE(t.plan.order_accepted);
    EXPECT_TRUE(t.plan.limit_accepted);
    EXPECT_EQ(t.select.sql(d),
              "SELECT \"day\", count(*), max(\"id\") FROM \"public\".\"orders\" WHERE ((\"id\" + 1) > 5) AND (\"day\" IS NOT "
              "NULL) GROUP BY \"day\" ORDER BY count(*) DESC NULLS LAST LIMIT 3");
    EXPECT_EQ(output_types(r), (std::vector<Type>{Type::date(), Type::bigint(), Type::bigint()}));

    // sum is refused by the default dialect: then neither aggregation nor order/limit is applied.
    r.aggregation->aggregates.push_back({"sum", {id}, false, Type::bigint(), "sum"});
    t = translate_scan(r, d);
    EXPECT_FALSE(t.plan.aggregation_accepted);
    EXPECT_FALSE(t.plan.order_accepted);
    EXPECT_FALSE(t.plan.limit_accepted);
}

TEST(SqlQuery, NoneConstraintAndNullDomains) {
    AnsiDialect d;
    ScanRequest r = orders_request();
    r.columns = {"id"};
    r.constraint.add("id", Domain::only_null(Type::bigint()));
    r.constraint.add("day", Domain::not_null(Type::date()));
    auto t = translate_scan(r, d);
    EXPECT_EQ(t.select.sql(d), "SELECT \"id\" FROM \"public\".\"orders\" WHERE (\"day\" IS NOT NULL) AND (\"id\" IS NULL)");
    EXPECT_EQ(*d.literal(Value::bigint(INT64_MIN)), "(-9223372036854775807 - 1)");
    EXPECT_FALSE(d.literal(Value::double_(NAN)).has_value());
}

TEST(SqlQuery, JoinRelation) {
    AnsiDialect d;
    ScanRequest left = orders_request();
    left.columns = {"id", "total"};
    left.filters.push_back(ConnectorExpr::call("$is_not_null", Type::boolean(), {ConnectorExpr::column("day", Type::date())}));
    ScanRequest right = orders_request();
    right.columns = {"day"};
    auto joined = join_relation(PushedJoinType::kLeft, left, right, {{"id", "id"}}, d);
    ASSERT_TRUE(joined);
    ASSERT_EQ(joined->columns.size(), 3u);
    EXPECT_EQ(joined->columns[1].type, Type::decimal(12, 2));
    EXPECT_EQ(joined->handle.properties["relation"].get<std::string>(),
              "(SELECT \"l\".\"id\" AS \"c0\", \"l\".\"total\" AS \"c1\", \"r\".\"day\" AS \"c2\" FROM (SELECT * FROM "
              "\"public\".\"orders\" WHERE (\"day\" IS NOT NULL)) AS \"l\" LEFT JOIN (SELECT * FROM \"public\".\"orders\") AS "
              "\"r\" ON \"l\".\"id\" = \"r\".\"id\") AS \"j\"");
    // Keys of different types, or strings (collation), are not joined remotely.
    EXPECT_FALSE(join_relation(PushedJoinType::kInner, left, right, {{"id", "we\"ird"}}, d));
    EXPECT_FALSE(join_relation(PushedJoinType::kInner, left, right, {{"name", "name"}}, d));
}

TEST(SqlQuery, RequestJsonRoundTrip) {
    ScanRequest r = orders_request();
    r.columns = {"id"};
    r.filters.push_back(ConnectorExpr::call("$lt", Type::boolean(),
                                            {ConnectorExpr::column("id", Type::bigint()), ConnectorExpr::constant(Value::bigint(3), Type::bigint())}));
    PushedAggregation agg;
    agg.aggregates.push_back({"count_star", {}, false, Type::bigint(), "c"});
    r.aggregation = agg;
    r.order_by.push_back({0, false, true});
    ScanRequest back = ScanRequest::from_json(r.to_json());
    EXPECT_EQ(back.to_json(), r.to_json());
    EXPECT_EQ(back.filters[0].to_string(), "$lt(id, BIGINT '3')");
    EXPECT_EQ(back.output_count(), 1u);
}

}  // namespace
}  // namespace fedq
