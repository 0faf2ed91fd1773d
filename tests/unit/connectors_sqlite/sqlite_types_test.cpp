#include <gtest/gtest.h>

#include "connectors/sqlite/sqlite_dialect.h"
#include "connectors/sqlite/sqlite_types.h"

namespace fedq {
namespace {

TEST(SqliteTypes, AffinityRules) {
    EXPECT_EQ(map_declared_type("INTEGER").type, Type::bigint());
    EXPECT_EQ(map_declared_type("int").type, Type::bigint());
    EXPECT_EQ(map_declared_type("UNSIGNED BIG INT").type, Type::bigint());
    EXPECT_EQ(map_declared_type("tinyint").type, Type::bigint());
    EXPECT_EQ(map_declared_type("VARCHAR(20)").type, Type::varchar());
    EXPECT_TRUE(map_declared_type("VARCHAR(20)").text_affinity);
    EXPECT_TRUE(map_declared_type("nchar(5)").text_affinity);
    EXPECT_EQ(map_declared_type("CLOB").type, Type::varchar());
    EXPECT_EQ(map_declared_type("text").type, Type::varchar());
    EXPECT_EQ(map_declared_type("BLOB").type, Type::varbinary());
    EXPECT_EQ(map_declared_type("REAL").type, Type::double_());
    EXPECT_EQ(map_declared_type("double precision").type, Type::double_());
    EXPECT_EQ(map_declared_type("FLOAT").type, Type::double_());
}

TEST(SqliteTypes, NamedTypes) {
    EXPECT_EQ(map_declared_type("BOOLEAN").type, Type::boolean());
    EXPECT_EQ(map_declared_type("bool").type, Type::boolean());
    EXPECT_EQ(map_declared_type("DATE").type, Type::date());
    EXPECT_EQ(map_declared_type("DATETIME").type, Type::timestamp());
    EXPECT_EQ(map_declared_type("timestamp").type, Type::timestamp());
    EXPECT_EQ(map_declared_type("TIMESTAMP WITH TIME ZONE").type, Type::timestamp_tz());
    EXPECT_EQ(map_declared_type("DECIMAL(12,2)").type, Type::decimal(12, 2));
    EXPECT_EQ(map_declared_type("numeric( 10 , 3 )").type, Type::decimal(10, 3));
    EXPECT_EQ(map_declared_type("NUMERIC(7)").type, Type::decimal(7, 0));
    EXPECT_EQ(map_declared_type("VARBINARY(16)").type, Type::varbinary());
}

TEST(SqliteTypes, FallbacksCarryAComment) {
    auto none = map_declared_type("");
    EXPECT_EQ(none.type, Type::varchar());
    EXPECT_FALSE(none.text_affinity);
    EXPECT_NE(none.comment.find("no declared type"), std::string::npos);
    auto numeric = map_declared_type("NUMERIC");
    EXPECT_EQ(numeric.type, Type::double_());
    EXPECT_NE(numeric.comment.find("without precision"), std::string::npos);
    auto uuid = map_declared_type("UUID");
    EXPECT_EQ(uuid.type, Type::varchar());
    EXPECT_EQ(uuid.comment, "UUID (read as text)");
    EXPECT_EQ(map_declared_type("DECIMAL(50,2)").type, Type::double_());  // beyond 38 digits
}

TEST(SqliteDialect, LikeToGlob) {
    EXPECT_EQ(like_to_glob("a%b_c", std::nullopt), "a*b?c");
    EXPECT_EQ(like_to_glob("*?[x]", std::nullopt), "[*][?][[]x]");
    EXPECT_EQ(like_to_glob("100\\%", '\\'), "100%");
    EXPECT_EQ(like_to_glob("a\\_b\\*", '\\'), "a_b[*]");
    EXPECT_EQ(like_to_glob("dangling\\", '\\'), std::nullopt);
}

TEST(SqliteDialect, Literals) {
    SqliteDialect d;
    EXPECT_EQ(d.literal(Value::bigint(-5)), "-5");
    EXPECT_EQ(d.literal(Value::double_(2)), "2.0");
    EXPECT_EQ(d.literal(Value::double_(0.5)), "0.5");
    EXPECT_EQ(d.literal(Value::double_(1.0 / 0.0)), std::nullopt);
    EXPECT_EQ(d.literal(Value::varchar("it's")), "'it''s'");
    EXPECT_EQ(d.literal(Value::varchar(std::string("a\0b", 3))), std::nullopt);
    EXPECT_EQ(d.literal(Value::boolean(true)), "1");
    EXPECT_EQ(d.literal(Value::varbinary("\x01\xff")), "X'01FF'");
    EXPECT_EQ(d.literal(Value::decimal(1250, 10, 2)), "12.50");
    EXPECT_EQ(d.literal(Value::decimal(1250, 20, 2)), std::nullopt);
    EXPECT_EQ(d.literal(Value::date(0)), std::nullopt);
    EXPECT_EQ(d.literal(Value::timestamp(0)), std::nullopt);
}

TEST(SqliteDialect, ComparableTypes) {
    SqliteDialect d;
    EXPECT_TRUE(d.comparable(Type::bigint()));
    EXPECT_TRUE(d.comparable(Type::double_()));
    EXPECT_TRUE(d.comparable(Type::varchar()));
    EXPECT_TRUE(d.comparable(Type::decimal(15, 2)));
    EXPECT_FALSE(d.comparable(Type::decimal(16, 2)));
    EXPECT_FALSE(d.comparable(Type::date()));
    EXPECT_FALSE(d.comparable(Type::timestamp()));
    EXPECT_FALSE(d.comparable(Type::boolean()));
    EXPECT_FALSE(d.comparable(Type::varbinary()));
}

ConnectorExpr col(const std::string& name, Type type) { return ConnectorExpr::column(name, type); }
ConnectorExpr lit(Value v) {
    Type t = v.type();
    return ConnectorExpr::constant(std::move(v), t);
}

TEST(SqliteDialect, Calls) {
    SqliteDialect d;
    auto big = Type::bigint();
    auto dbl = Type::double_();
    // Integer arithmetic is refused (SQLite turns an overflow into a REAL); double arithmetic is fine.
    EXPECT_EQ(render_expression(ConnectorExpr::call("$add", big, {col("a", big), lit(Value::bigint(1))}), d), std::nullopt);
    EXPECT_EQ(render_expression(ConnectorExpr::call("$add", dbl, {col("x", dbl), lit(Value::double_(1.5))}), d),
              "(\"x\" + 1.5)");
    // Division by a constant other than 0 and -1 only.
    EXPECT_EQ(render_expression(ConnectorExpr::call("$div", big, {col("a", big), lit(Value::bigint(2))}), d),
              "(\"a\" / 2)");
    EXPECT_EQ(render_expression(ConnectorExpr::call("$div", big, {col("a", big), lit(Value::bigint(0))}), d), std::nullopt);
    EXPECT_EQ(render_expression(ConnectorExpr::call("$mod", big, {col("a", big), lit(Value::bigint(-1))}), d), std::nullopt);
    EXPECT_EQ(render_expression(ConnectorExpr::call("$div", big, {col("a", big), col("b", big)}), d), std::nullopt);
    // LIKE becomes a case-sensitive GLOB.
    EXPECT_EQ(render_expression(ConnectorExpr::call("$like", Type::boolean(),
                                                    {col("s", Type::varchar()), lit(Value::varchar("ab%"))}),
                                d),
              "(\"s\" GLOB 'ab*')");
    EXPECT_EQ(render_expression(ConnectorExpr::call("$ilike", Type::boolean(),
                                                    {col("s", Type::varchar()), lit(Value::varchar("ab%"))}),
                                d),
              std::nullopt);
    EXPECT_EQ(render_expression(ConnectorExpr::call("lower", Type::varchar(), {col("s", Type::varchar())}), d),
              std::nullopt);
    EXPECT_EQ(render_expression(ConnectorExpr::call("$cast", Type::decimal(12, 2), {col("p", Type::decimal(10, 2))}), d),
              "\"p\"");
    EXPECT_EQ(render_expression(ConnectorExpr::call("$cast", Type::decimal(12, 3), {col("p", Type::decimal(10, 2))}), d),
              std::nullopt);
    // Comparisons of dates stay in the engine.
    EXPECT_EQ(render_expression(ConnectorExpr::call("$lt", Type::boolean(), {col("d", Type::date()), col("e", Type::date())}),
                                d),
              std::nullopt);
    EXPECT_EQ(render_expression(ConnectorExpr::call("$eq", Type::boolean(), {col("s", Type::varchar()),
                                                                             lit(Value::varchar("x"))}),
                                d),
              "(\"s\" = 'x')");
}

TEST(SqliteDialect, Aggregates) {
    SqliteDialect d;
    PushedAggregate sum{"sum", {col("a", Type::bigint())}, false, Type::bigint(), "s"};
    EXPECT_EQ(d.aggregate(sum, {"\"a\""}), "sum(\"a\")");
    PushedAggregate avg{"avg", {col("a", Type::bigint())}, false, Type::double_(), "m"};
    EXPECT_EQ(d.aggregate(avg, {"\"a\""}), "avg(\"a\")");
    PushedAggregate decimal_sum{"sum", {col("p", Type::decimal(10, 2))}, false, Type::decimal(38, 2), "s"};
    EXPECT_EQ(d.aggregate(decimal_sum, {"\"p\""}), std::nullopt);
    PushedAggregate max_date{"max", {col("d", Type::date())}, false, Type::date(), "m"};
    EXPECT_EQ(d.aggregate(max_date, {"\"d\""}), std::nullopt);
}

}  // namespace
}  // namespace fedq
