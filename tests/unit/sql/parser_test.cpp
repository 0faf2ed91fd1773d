#include <gtest/gtest.h>

#include <string>

#include "sql/ast_dump.h"
#include "sql/parser.h"

namespace fedq {
namespace {

using ast::dump;

// Parses exactly one statement and dumps it.
std::string stmt(std::string_view sql) {
    auto statements = parse_sql(sql);
    EXPECT_EQ(statements.size(), 1u) << sql;
    if (statements.empty()) return "<none>";
    return dump(*statements[0]);
}

const ast::SelectBody& select_of(const ast::Statement& statement) {
    EXPECT_EQ(statement.kind, ast::StatementKind::kQuery);
    const auto& query = *static_cast<const ast::QueryStatement&>(statement).query;
    EXPECT_EQ(query.body->kind, ast::QueryBodyKind::kSelect);
    return static_cast<const ast::SelectBody&>(*query.body);
}

// Parses "SELECT <text>" and dumps the single select item's expression.
std::string expr(std::string_view text) {
    std::string sql = "SELECT " + std::string(text);
    auto statements = parse_sql(sql);
    EXPECT_EQ(statements.size(), 1u);
    const auto& select = select_of(*statements[0]);
    EXPECT_EQ(select.items.size(), 1u) << text;
    return dump(*select.items[0].expr);
}

// Parses "SELECT * FROM <text>" and dumps the FROM clause.
std::string from(std::string_view text) {
    std::string sql = "SELECT * FROM " + std::string(text);
    auto statements = parse_sql(sql);
    const auto& select = select_of(*statements[0]);
    EXPECT_TRUE(select.from);
    return select.from ? dump(*select.from) : "<none>";
}

Error parse_error(std::string_view sql) {
    try {
        parse_sql(sql);
    } catch (const Error& error) {
        return error;
    }
    ADD_FAILURE() << "expected a syntax error for: " << sql;
    return Error(ErrorCode::kInternal, "no error");
}

// ------------------------------------------------------------------------------------------ basics

TEST(ParserTest, SimpleSelect) {
    EXPECT_EQ(stmt("SELECT a, b AS c, d e FROM t"), "(query (select (items a b as c d as e) (from t)))");
    EXPECT_EQ(stmt("select 1"), "(query (select (items 1)))");
    EXPECT_EQ(stmt("SELECT DISTINCT a FROM t"), "(query (select distinct (items a) (from t)))");
    EXPECT_EQ(stmt("SELECT ALL a FROM t"), "(query (select (items a) (from t)))");
}

TEST(ParserTest, SelectClauses) {
    EXPECT_EQ(stmt("SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a, 2 HAVING count(*) > 3 QUALIFY x = 1"),
              "(query (select (items a count(*)) (from t) (where (> b 1)) (group_by a 2) (having (> count(*) 3)) "
              "(qualify (= x 1))))");
    EXPECT_EQ(stmt("SELECT a FROM t GROUP BY ALL"), "(query (select (items a) (from t) (group_by all)))");
    auto statements = parse_sql("SELECT a FROM t GROUP BY ALL");
    EXPECT_TRUE(select_of(*statements[0]).group_by_all);
    EXPECT_TRUE(select_of(*statements[0]).group_by.empty());
}

TEST(ParserTest, Stars) {
    EXPECT_EQ(stmt("SELECT *, t.*, s.t.* FROM t"), "(query (select (items * t.* s.t.*) (from t)))");
    auto statements = parse_sql("SELECT t.* FROM t");
    const auto& star = static_cast<const ast::StarExpr&>(*select_of(*statements[0]).items[0].expr);
    ASSERT_EQ(star.kind, ast::ExprKind::kStar);
    ASSERT_EQ(star.qualifier.parts.size(), 1u);
    EXPECT_EQ(star.qualifier.parts[0].name, "t");
}

TEST(ParserTest, StatementTextAndPosition) {
    auto statements = parse_sql("  SELECT 1 ;\n\n  select\n 2;;  ;");
    ASSERT_EQ(statements.size(), 2u);
    EXPECT_EQ(statements[0]->text, "SELECT 1");
    EXPECT_EQ(statements[0]->position.line, 1u);
    EXPECT_EQ(statements[0]->position.column, 3u);
    EXPECT_EQ(statements[0]->position.offset, 2u);
    EXPECT_EQ(statements[1]->text, "select\n 2");
    EXPECT_EQ(statements[1]->position.line, 3u);
    EXPECT_EQ(statements[1]->position.column, 3u);
}

TEST(ParserTest, EmptyInputsYieldNoStatements) {
    EXPECT_TRUE(parse_sql("").empty());
    EXPECT_TRUE(parse_sql("  \r\n\t ").empty());
    EXPECT_TRUE(parse_sql(";;;").empty());
    EXPECT_TRUE(parse_sql("-- just a comment\n/* and a block */ ;").empty());
}

TEST(ParserTest, NodePositions) {
    auto statements = parse_sql("SELECT\n  a + b,\n  f(x)\nFROM t");
    const auto& select = select_of(*statements[0]);
    EXPECT_EQ(select.position.line, 1u);
    EXPECT_EQ(select.items[0].expr->position.line, 2u);
    EXPECT_EQ(select.items[0].expr->position.column, 3u);
    const auto& plus = static_cast<const ast::BinaryExpr&>(*select.items[0].expr);
    EXPECT_EQ(plus.right->position.column, 7u);
    EXPECT_EQ(select.items[1].expr->position.line, 3u);
    EXPECT_EQ(select.from->position.line, 4u);
    EXPECT_EQ(select.from->position.column, 6u);
}

// ------------------------------------------------------------------------------------------ literals

TEST(ParserTest, NumericLiterals) {
    auto check = [](std::string_view text, ast::LiteralKind kind, std::string_view expected) {
        std::string sql = "SELECT " + std::string(text);
        auto statements = parse_sql(sql);
        const auto& e = *select_of(*statements[0]).items[0].expr;
        ASSERT_EQ(e.kind, ast::ExprKind::kLiteral) << text;
        const auto& literal = static_cast<const ast::LiteralExpr&>(e);
        EXPECT_EQ(literal.literal_kind, kind) << text;
        EXPECT_EQ(literal.text, expected) << text;
    };
    check("42", ast::LiteralKind::kInteger, "42");
    check("1.5", ast::LiteralKind::kDecimal, "1.5");
    check(".5", ast::LiteralKind::kDecimal, ".5");
    check("1e3", ast::LiteralKind::kDouble, "1e3");
    check("1.5E-2", ast::LiteralKind::kDouble, "1.5E-2");
    check("-7", ast::LiteralKind::kInteger, "-7");
    check("-9223372036854775808", ast::LiteralKind::kInteger, "-9223372036854775808");
    check("123456789012345678901234567890123456789012", ast::LiteralKind::kInteger,
          "123456789012345678901234567890123456789012");
    check("- -3", ast::LiteralKind::kInteger, "3");
    check("+4", ast::LiteralKind::kInteger, "4");
    check("-2.5e1", ast::LiteralKind::kDouble, "-2.5e1");
    check("1_000_000", ast::LiteralKind::kInteger, "1000000");
    check("1_000.000_5", ast::LiteralKind::kDecimal, "1000.0005");
    check("0x1F", ast::LiteralKind::kInteger, "31");
    check("0XFFFF_FFFF", ast::LiteralKind::kInteger, "4294967295");
    check("0xFFFFFFFFFFFFFFFF", ast::LiteralKind::kInteger, "18446744073709551615");
    check("0x1FFFFFFFFFFFFFFFF", ast::LiteralKind::kInteger, "0x1FFFFFFFFFFFFFFFF");
    check("-0x10", ast::LiteralKind::kInteger, "-16");
    EXPECT_EQ(expr("1_a"), "1");  // "1" with alias "_a"
}

TEST(ParserTest, StringAndOtherLiterals) {
    EXPECT_EQ(expr("'it''s'"), "'it's'");
    EXPECT_EQ(expr("''"), "''");
    EXPECT_EQ(expr("'line1\nline2'"), "'line1\nline2'");
    EXPECT_EQ(expr("TRUE"), "true");
    EXPECT_EQ(expr("false"), "false");
    EXPECT_EQ(expr("NULL"), "NULL");
    EXPECT_EQ(expr("X'0A0B'"), "varbinary'0A0B'");
    EXPECT_EQ(expr("x'ff'"), "varbinary'ff'");
}

TEST(ParserTest, TypedLiterals) {
    EXPECT_EQ(expr("DATE '2020-01-02'"), "date'2020-01-02'");
    EXPECT_EQ(expr("TIME '10:00:00'"), "time'10:00:00'");
    EXPECT_EQ(expr("TIMESTAMP '2020-01-02 03:04:05'"), "timestamp'2020-01-02 03:04:05'");
    EXPECT_EQ(expr("TIMESTAMP WITH TIME ZONE '2020-01-02 03:04:05 UTC'"),
              "timestamp with time zone'2020-01-02 03:04:05 UTC'");
    EXPECT_EQ(expr("DECIMAL '1.50'"), "decimal'1.50'");
    EXPECT_EQ(expr("REAL '1.5'"), "real'1.5'");
    EXPECT_EQ(expr("DOUBLE '1.5'"), "double'1.5'");
    EXPECT_EQ(expr("BIGINT '7'"), "bigint'7'");
    EXPECT_EQ(expr("INTEGER '7'"), "integer'7'");
    EXPECT_EQ(expr("JSON '{\"a\": 1}'"), "json'{\"a\": 1}'");
    EXPECT_EQ(expr("VARCHAR 'x'"), "varchar'x'");
    auto statements = parse_sql("SELECT DATE '2020-01-02'");
    const auto& literal = static_cast<const ast::LiteralExpr&>(*select_of(*statements[0]).items[0].expr);
    EXPECT_EQ(literal.literal_kind, ast::LiteralKind::kTyped);
    EXPECT_EQ(literal.type_name, "date");
    EXPECT_EQ(literal.text, "2020-01-02");
}

TEST(ParserTest, IntervalLiterals) {
    EXPECT_EQ(expr("INTERVAL '3' DAY"), "interval'3' day");
    EXPECT_EQ(expr("INTERVAL '1-2' YEAR TO MONTH"), "interval'1-2' year to month");
    EXPECT_EQ(expr("INTERVAL '1 02:03:04' DAY TO SECOND"), "interval'1 02:03:04' day to second");
    EXPECT_EQ(expr("INTERVAL '2 days'"), "interval'2 days'");
    EXPECT_EQ(expr("INTERVAL -'3' HOUR"), "interval'-3' hour");
    EXPECT_EQ(expr("INTERVAL - '-3' HOUR"), "interval'3' hour");
    EXPECT_EQ(expr("interval '5' minutes"), "interval'5' minute");
    EXPECT_EQ(expr("INTERVAL 3 DAY"), "interval'3' day");
    EXPECT_EQ(expr("d + INTERVAL '1' MONTH"), "(+ d interval'1' month)");
    auto statements = parse_sql("SELECT INTERVAL '1-2' YEAR TO MONTH");
    const auto& literal = static_cast<const ast::LiteralExpr&>(*select_of(*statements[0]).items[0].expr);
    EXPECT_EQ(literal.literal_kind, ast::LiteralKind::kInterval);
    EXPECT_EQ(literal.text, "1-2");
    EXPECT_EQ(literal.interval_from, "year");
    EXPECT_EQ(literal.interval_to, "month");
}

// ------------------------------------------------------------------------------------------ precedence

TEST(ParserTest, ArithmeticPrecedence) {
    EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
    EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
    EXPECT_EQ(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    EXPECT_EQ(expr("a / b % c * d"), "(* (% (/ a b) c) d)");
    EXPECT_EQ(expr("a || b + c"), "(|| a (+ b c))");
    EXPECT_EQ(expr("a || b || c"), "(|| (|| a b) c)");
    EXPECT_EQ(expr("-a * b"), "(* (neg a) b)");
    EXPECT_EQ(expr("-a::int"), "(neg (cast a as int))");
    EXPECT_EQ(expr("+a"), "(pos a)");
    EXPECT_EQ(expr("- - a"), "(neg (neg a))");
    EXPECT_EQ(expr("a - -1"), "(- a -1)");
    EXPECT_EQ(expr("a-1"), "(- a 1)");
}

TEST(ParserTest, BooleanPrecedence) {
    EXPECT_EQ(expr("a OR b AND c"), "(or a (and b c))");
    EXPECT_EQ(expr("a AND b OR c AND d"), "(or (and a b) (and c d))");
    EXPECT_EQ(expr("NOT a AND b"), "(and (not a) b)");
    EXPECT_EQ(expr("NOT a = b"), "(not (= a b))");
    EXPECT_EQ(expr("NOT NOT a"), "(not (not a))");
    EXPECT_EQ(expr("a = 1 OR b <> 2 AND NOT c < 3"), "(or (= a 1) (and (<> b 2) (not (< c 3))))");
    EXPECT_EQ(expr("a + 1 > b * 2"), "(> (+ a 1) (* b 2))");
    EXPECT_EQ(expr("a = b = c"), "(= (= a b) c)");
}

TEST(ParserTest, ComparisonOperators) {
    EXPECT_EQ(expr("a = b"), "(= a b)");
    EXPECT_EQ(expr("a <> b"), "(<> a b)");
    EXPECT_EQ(expr("a != b"), "(<> a b)");
    EXPECT_EQ(expr("a < b"), "(< a b)");
    EXPECT_EQ(expr("a <= b"), "(<= a b)");
    EXPECT_EQ(expr("a > b"), "(> a b)");
    EXPECT_EQ(expr("a >= b"), "(>= a b)");
}

TEST(ParserTest, Predicates) {
    EXPECT_EQ(expr("a IS NULL"), "(is_null a)");
    EXPECT_EQ(expr("a IS NOT NULL"), "(is_not_null a)");
    EXPECT_EQ(expr("a + 1 IS NULL"), "(is_null (+ a 1))");
    EXPECT_EQ(expr("NOT a IS NULL"), "(not (is_null a))");
    EXPECT_EQ(expr("a IS DISTINCT FROM b"), "(is_distinct a b)");
    EXPECT_EQ(expr("a IS NOT DISTINCT FROM b + 1"), "(is_not_distinct a (+ b 1))");
    EXPECT_EQ(expr("a IS TRUE"), "(is_not_distinct a true)");
    EXPECT_EQ(expr("a IS NOT FALSE"), "(is_distinct a false)");
    EXPECT_EQ(expr("a BETWEEN 1 AND 2"), "(between a 1 2)");
    EXPECT_EQ(expr("a NOT BETWEEN b + 1 AND c * 2"), "(not_between a (+ b 1) (* c 2))");
    EXPECT_EQ(expr("a BETWEEN 1 AND 2 AND b"), "(and (between a 1 2) b)");
    EXPECT_EQ(expr("a IN (1, 2, 3)"), "(in a (1 2 3))");
    EXPECT_EQ(expr("a NOT IN ('x')"), "(not_in a ('x'))");
    EXPECT_EQ(expr("a IN ((1), (2 + 3))"), "(in a (1 (+ 2 3)))");
    EXPECT_EQ(expr("(a, b) IN ((1, 2), (3, 4))"), "(in (row a b) ((row 1 2) (row 3 4)))");
    EXPECT_EQ(expr("a IN (SELECT x FROM t)"), "(in a (query (select (items x) (from t))))");
    EXPECT_EQ(expr("a NOT IN (SELECT x FROM t)"), "(not_in a (query (select (items x) (from t))))");
    EXPECT_EQ(expr("a LIKE 'x%'"), "(like a 'x%')");
    EXPECT_EQ(expr("a NOT LIKE 'x!%' ESCAPE '!'"), "(not_like a 'x!%' escape '!')");
    EXPECT_EQ(expr("a ILIKE 'X%'"), "(ilike a 'X%')");
    EXPECT_EQ(expr("a NOT ILIKE b || '%'"), "(not_ilike a (|| b '%'))");
    EXPECT_EQ(expr("a LIKE 'x' AND b"), "(and (like a 'x') b)");
}

TEST(ParserTest, PredicateNodeFields) {
    auto statements = parse_sql("SELECT a NOT ILIKE 'x' ESCAPE '\\'");
    const auto& like = static_cast<const ast::LikeExpr&>(*select_of(*statements[0]).items[0].expr);
    ASSERT_EQ(like.kind, ast::ExprKind::kLike);
    EXPECT_TRUE(like.negated);
    EXPECT_TRUE(like.case_insensitive);
    ASSERT_TRUE(like.escape);
    EXPECT_EQ(static_cast<const ast::LiteralExpr&>(*like.escape).text, "\\");
}

// ------------------------------------------------------------------------------------------ postfix

TEST(ParserTest, PostfixOperators) {
    EXPECT_EQ(expr("a::bigint"), "(cast a as bigint)");
    EXPECT_EQ(expr("a::decimal(10, 2)"), "(cast a as decimal(10, 2))");
    EXPECT_EQ(expr("'1'::int + 1"), "(+ (cast '1' as int) 1)");
    EXPECT_EQ(expr("a::varchar < 'b'"), "(< (cast a as varchar) 'b')");
    EXPECT_EQ(expr("a::timestamp with time zone"), "(cast a as timestamp with time zone)");
    EXPECT_EQ(expr("a[1]"), "(at a 1)");
    EXPECT_EQ(expr("a[1][i + 1]"), "(at (at a 1) (+ i 1))");
    EXPECT_EQ(expr("m['key']"), "(at m 'key')");
    EXPECT_EQ(expr("a.b.c"), "a.b.c");
    EXPECT_EQ(expr("(r).f"), "r.f");
    EXPECT_EQ(expr("f(x).y"), "(at f(x) 'y')");
    EXPECT_EQ(expr("a[1].y"), "(at (at a 1) 'y')");
    EXPECT_EQ(expr("ts AT TIME ZONE 'UTC'"), "at_timezone(ts, 'UTC')");
    auto statements = parse_sql("SELECT a::int");
    const auto& cast = static_cast<const ast::CastExpr&>(*select_of(*statements[0]).items[0].expr);
    ASSERT_EQ(cast.kind, ast::ExprKind::kCast);
    EXPECT_FALSE(cast.is_try);
    EXPECT_EQ(cast.type_name, "int");
}

// ------------------------------------------------------------------------------------------ functions

TEST(ParserTest, FunctionCalls) {
    EXPECT_EQ(expr("f()"), "f()");
    EXPECT_EQ(expr("COUNT(*)"), "count(*)");
    EXPECT_EQ(expr("Upper(a)"), "upper(a)");
    EXPECT_EQ(expr("\"MyFunc\"(a)"), "\"MyFunc\"(a)");
    EXPECT_EQ(expr("sch.fn(a, 1)"), "sch.fn(a, 1)");
    EXPECT_EQ(expr("count(DISTINCT a)"), "count(distinct a)");
    EXPECT_EQ(expr("string_agg(x, ',' ORDER BY y DESC)"), "string_agg(x, ',' order_by y desc)");
    EXPECT_EQ(expr("array_agg(x ORDER BY y, z NULLS FIRST)"), "array_agg(x order_by y z nulls_first)");
    EXPECT_EQ(expr("sum(x) FILTER (WHERE y > 0)"), "sum(x) (filter (> y 0))");
    EXPECT_EQ(expr("f(a => 1, b => 'x')"), "f(a => 1, b => 'x')");
    EXPECT_EQ(expr("coalesce(a, b, 0)"), "coalesce(a, b, 0)");
    EXPECT_EQ(expr("if(a, 1, 2)"), "if(a, 1, 2)");
    EXPECT_EQ(expr("listagg(x, ',') WITHIN GROUP (ORDER BY x)"), "listagg(x, ',' order_by x)");
    auto statements = parse_sql("SELECT Count(*), \"Quoted\"(1)");
    const auto& count = static_cast<const ast::FunctionExpr&>(*select_of(*statements[0]).items[0].expr);
    EXPECT_TRUE(count.is_star);
    EXPECT_TRUE(count.args.empty());
    EXPECT_EQ(count.name.to_string(), "count");
    const auto& quoted = static_cast<const ast::FunctionExpr&>(*select_of(*statements[0]).items[1].expr);
    EXPECT_EQ(quoted.name.to_string(), "Quoted");
    EXPECT_TRUE(quoted.name.parts[0].quoted);
}

TEST(ParserTest, WindowFunctions) {
    EXPECT_EQ(expr("row_number() OVER ()"), "row_number() (over)");
    EXPECT_EQ(expr("rank() OVER (PARTITION BY a, b ORDER BY c DESC)"),
              "rank() (over (partition a b) (order c desc))");
    EXPECT_EQ(expr("sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"),
              "sum(x) (over (order t) (rows unbounded_preceding, current_row))");
    EXPECT_EQ(expr("sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND 3 FOLLOWING)"),
              "sum(x) (over (order t) (rows 2 preceding, 3 following))");
    EXPECT_EQ(expr("sum(x) OVER (ORDER BY t RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"),
              "sum(x) (over (order t) (range current_row, unbounded_following))");
    EXPECT_EQ(expr("avg(x) OVER (ORDER BY t ROWS 5 PRECEDING)"), "avg(x) (over (order t) (rows 5 preceding, current_row))");
    EXPECT_EQ(expr("lag(x) IGNORE NULLS OVER (ORDER BY t)"), "lag(x) ignore_nulls (over (order t))");
    EXPECT_EQ(expr("lag(x) RESPECT NULLS OVER (ORDER BY t)"), "lag(x) (over (order t))");
    EXPECT_EQ(expr("count(*) FILTER (WHERE a) OVER (PARTITION BY b)"), "count(*) (filter a) (over (partition b))");
    auto statements = parse_sql("SELECT sum(x) OVER (ORDER BY t RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW)");
    const auto& function = static_cast<const ast::FunctionExpr&>(*select_of(*statements[0]).items[0].expr);
    ASSERT_TRUE(function.over);
    ASSERT_TRUE(function.over->frame);
    EXPECT_EQ(function.over->frame->type, ast::FrameType::kRange);
    EXPECT_EQ(function.over->frame->start.kind, ast::FrameBoundKind::kPreceding);
    ASSERT_TRUE(function.over->frame->start.offset);
    EXPECT_EQ(dump(*function.over->frame->start.offset), "interval'1' day");
    EXPECT_EQ(function.over->frame->end.kind, ast::FrameBoundKind::kCurrentRow);
}

TEST(ParserTest, SpecialFunctionSyntax) {
    EXPECT_EQ(expr("EXTRACT(YEAR FROM d)"), "extract('year', d)");
    EXPECT_EQ(expr("extract(dow from d + 1)"), "extract('dow', (+ d 1))");
    EXPECT_EQ(expr("SUBSTRING(s FROM 2 FOR 3)"), "substring(s, 2, 3)");
    EXPECT_EQ(expr("SUBSTRING(s FROM 2)"), "substring(s, 2)");
    EXPECT_EQ(expr("substring(s, 2, 3)"), "substring(s, 2, 3)");
    EXPECT_EQ(expr("POSITION('a' IN s)"), "strpos(s, 'a')");
    EXPECT_EQ(expr("TRIM(s)"), "trim(s)");
    EXPECT_EQ(expr("TRIM(BOTH 'x' FROM s)"), "trim(s, 'x')");
    EXPECT_EQ(expr("TRIM(LEADING FROM s)"), "ltrim(s)");
    EXPECT_EQ(expr("TRIM(TRAILING 'y' FROM s)"), "rtrim(s, 'y')");
    EXPECT_EQ(expr("TRIM('x' FROM s)"), "trim(s, 'x')");
    EXPECT_EQ(expr("CURRENT_DATE"), "current_date()");
    EXPECT_EQ(expr("current_timestamp"), "current_timestamp()");
    EXPECT_EQ(expr("CURRENT_TIME"), "current_time()");
    EXPECT_EQ(expr("LOCALTIMESTAMP"), "localtimestamp()");
    EXPECT_EQ(expr("now()"), "now()");
    EXPECT_EQ(expr("current_timestamp(3)"), "current_timestamp(3)");
}

TEST(ParserTest, CastAndTypes) {
    EXPECT_EQ(expr("CAST(a AS BIGINT)"), "(cast a as BIGINT)");
    EXPECT_EQ(expr("TRY_CAST(a AS DOUBLE)"), "(try_cast a as DOUBLE)");
    EXPECT_EQ(expr("CAST(a AS DECIMAL(10,2))"), "(cast a as DECIMAL(10,2))");
    EXPECT_EQ(expr("CAST(a AS ARRAY(VARCHAR))"), "(cast a as ARRAY(VARCHAR))");
    EXPECT_EQ(expr("CAST(a AS ARRAY<INT>)"), "(cast a as ARRAY<INT>)");
    EXPECT_EQ(expr("CAST(a AS ROW(x INT, y ARRAY(VARCHAR)))"), "(cast a as ROW(x INT, y ARRAY(VARCHAR)))");
    EXPECT_EQ(expr("CAST(a AS MAP(VARCHAR, BIGINT))"), "(cast a as MAP(VARCHAR, BIGINT))");
    EXPECT_EQ(expr("CAST(a AS TIMESTAMP(3) WITH TIME ZONE)"), "(cast a as TIMESTAMP(3) WITH TIME ZONE)");
    EXPECT_EQ(expr("CAST(a AS TIMESTAMP WITHOUT TIME ZONE)"), "(cast a as TIMESTAMP WITHOUT TIME ZONE)");
    EXPECT_EQ(expr("CAST(a AS DOUBLE PRECISION)"), "(cast a as DOUBLE PRECISION)");
    EXPECT_EQ(expr("CAST(a AS  varchar ( 10 ) )"), "(cast a as varchar ( 10 ))");
    EXPECT_EQ(expr("CAST(a /* c */ AS /* d */ INTEGER)"), "(cast a as INTEGER)");
    EXPECT_EQ(expr("CAST(CAST(a AS INT) + 1 AS VARCHAR)"), "(cast (+ (cast a as INT) 1) as VARCHAR)");
    auto statements = parse_sql("SELECT TRY_CAST(a AS INT)");
    EXPECT_TRUE(static_cast<const ast::CastExpr&>(*select_of(*statements[0]).items[0].expr).is_try);
}

TEST(ParserTest, CaseExpressions) {
    EXPECT_EQ(expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"), "(case (when a 1) (when b 2) (else 3))");
    EXPECT_EQ(expr("CASE x WHEN 1 THEN 'a' END"), "(case x (when 1 'a'))");
    EXPECT_EQ(expr("CASE WHEN a > 1 AND b THEN x + 1 END * 2"), "(* (case (when (and (> a 1) b) (+ x 1))) 2)");
    EXPECT_EQ(expr("CASE CASE WHEN a THEN 1 END WHEN 1 THEN 2 END"), "(case (case (when a 1)) (when 1 2))");
}

TEST(ParserTest, SubqueryExpressions) {
    EXPECT_EQ(expr("EXISTS (SELECT 1)"), "(exists (query (select (items 1))))");
    EXPECT_EQ(expr("NOT EXISTS (SELECT 1)"), "(not_exists (query (select (items 1))))");
    EXPECT_EQ(expr("(SELECT max(x) FROM t)"), "(subquery (query (select (items max(x)) (from t))))");
    EXPECT_EQ(expr("(SELECT 1) + 1"), "(+ (subquery (query (select (items 1)))) 1)");
    EXPECT_EQ(expr("((SELECT 1) + 2)"), "(+ (subquery (query (select (items 1)))) 2)");
    EXPECT_EQ(expr("((SELECT 1))"), "(subquery (query (select (items 1))))");
    EXPECT_EQ(expr("((SELECT 1) UNION ALL SELECT 2)"),
              "(subquery (query (union_all (select (items 1)) (select (items 2)))))");
    EXPECT_EQ(expr("((SELECT 1) * (SELECT 2))"),
              "(* (subquery (query (select (items 1)))) (subquery (query (select (items 2)))))");
    EXPECT_EQ(expr("((SELECT 1) NOT IN (1))"), "(not_in (subquery (query (select (items 1)))) (1))");
    EXPECT_EQ(expr("(WITH w AS (SELECT 1) SELECT * FROM w)"),
              "(subquery (query (with w as (query (select (items 1)))) (select (items *) (from w))))");
    auto statements = parse_sql("SELECT NOT EXISTS (SELECT 1)");
    const auto& exists = static_cast<const ast::ExistsExpr&>(*select_of(*statements[0]).items[0].expr);
    ASSERT_EQ(exists.kind, ast::ExprKind::kExists);
    EXPECT_TRUE(exists.negated);
}

TEST(ParserTest, RowsArraysLambdas) {
    EXPECT_EQ(expr("(a, b)"), "(row a b)");
    EXPECT_EQ(expr("ROW(1, 'x')"), "(row 1 'x')");
    EXPECT_EQ(expr("ARRAY[1, 2, 3]"), "[1 2 3]");
    EXPECT_EQ(expr("ARRAY[]"), "[]");
    EXPECT_EQ(expr("ARRAY[ARRAY[1], ARRAY[2]][1][1]"), "(at (at [[1] [2]] 1) 1)");
    EXPECT_EQ(expr("transform(arr, x -> x + 1)"), "transform(arr, (lambda (x) (+ x 1)))");
    EXPECT_EQ(expr("reduce(arr, 0, (s, x) -> s + x, s -> s)"),
              "reduce(arr, 0, (lambda (s x) (+ s x)), (lambda (s) s))");
    EXPECT_EQ(expr("filter(arr, (x) -> x > 0)"), "filter(arr, (lambda (x) (> x 0)))");
    EXPECT_EQ(expr("(a)"), "a");
    EXPECT_EQ(expr("((((a))))"), "a");
}

// ------------------------------------------------------------------------------------------ identifiers

TEST(ParserTest, QuotedIdentifiers) {
    auto statements = parse_sql("SELECT \"Mixed\"\"Case\", `back``tick`, plain, MiXeD FROM \"S\".t");
    const auto& select = select_of(*statements[0]);
    auto column = [&](size_t i) -> const ast::Identifier& {
        return static_cast<const ast::ColumnRefExpr&>(*select.items[i].expr).name.parts[0];
    };
    EXPECT_EQ(column(0).name, "Mixed\"Case");
    EXPECT_TRUE(column(0).quoted);
    EXPECT_EQ(column(1).name, "back`tick");
    EXPECT_TRUE(column(1).quoted);
    EXPECT_EQ(column(2).name, "plain");
    EXPECT_FALSE(column(2).quoted);
    EXPECT_EQ(column(3).name, "MiXeD");
    EXPECT_FALSE(column(3).quoted);
    const auto& table = static_cast<const ast::NamedTableRef&>(*select.from);
    EXPECT_EQ(table.name.to_string(), "S.t");
    EXPECT_TRUE(table.name.parts[0].quoted);
    EXPECT_EQ(stmt("SELECT \"select\", \"from\" FROM \"where\""),
              "(query (select (items \"select\" \"from\") (from \"where\")))");
}

TEST(ParserTest, QualifiedNameToString) {
    ast::QualifiedName name;
    EXPECT_EQ(name.to_string(), "");
    name.parts.push_back({"Cat", true, {}});
    name.parts.push_back({"sch", false, {}});
    name.parts.push_back({"T", false, {}});
    EXPECT_EQ(name.to_string(), "Cat.sch.T");
}

TEST(ParserTest, NonReservedKeywordsAsIdentifiers) {
    EXPECT_EQ(stmt("SELECT date, year, month, day, hour, count, name, value, type, comment, position, first, last, "
                   "data, key, status, row, rows, level, text, zone, time, timestamp, interval, filter, over, "
                   "current, range, partition, show, use, explain FROM t"),
              "(query (select (items date year month day hour count name value type comment position first last "
              "data key status row rows level text zone time timestamp interval filter over current range "
              "partition show use explain) (from t)))");
    EXPECT_EQ(stmt("SELECT t.date AS date, count AS value FROM data AS key"),
              "(query (select (items t.date as date count as value) (from data as key)))");
    EXPECT_EQ(stmt("SELECT a year, b month FROM t status"),
              "(query (select (items a as year b as month) (from t as status)))");
    EXPECT_EQ(stmt("SELECT date + 1, count(*) FROM t WHERE position > 0 AND name LIKE 'x'"),
              "(query (select (items (+ date 1) count(*)) (from t) (where (and (> position 0) (like name 'x')))))");
    EXPECT_EQ(stmt("SELECT interval FROM timestamp"), "(query (select (items interval) (from timestamp)))");
    EXPECT_EQ(stmt("SELECT row.value FROM row"), "(query (select (items row.value) (from row)))");
}

TEST(ParserTest, ReservedWordsAreRejectedAsIdentifiers) {
    EXPECT_EQ(parse_error("SELECT select FROM t").code(), ErrorCode::kSyntax);
    EXPECT_EQ(parse_error("SELECT a FROM from").code(), ErrorCode::kSyntax);
    EXPECT_EQ(parse_error("SELECT a AS from FROM t").message(), "syntax error at or near \"from\"");
    EXPECT_EQ(parse_error("SELECT t.a FROM t AS join").code(), ErrorCode::kSyntax);
}

TEST(ParserTest, UnicodeAndWhitespace) {
    EXPECT_EQ(stmt("SELECT 'héllo wörld', \"列\", 名前\r\nFROM\tñ"), "(query (select (items 'héllo wörld' \"列\" 名前) (from ñ)))");
    // Columns count characters, not bytes.
    Error error = parse_error("SELECT 'é', 名前 FROM");
    EXPECT_EQ(error.message(), "syntax error at end of input");
    EXPECT_EQ(error.position().column, 20u);
    Error error2 = parse_error("SELECT 名前 ,, 1");
    EXPECT_EQ(error2.position().column, 12u);
    EXPECT_EQ(error2.position().offset, 15u);
}

TEST(ParserTest, Comments) {
    EXPECT_EQ(stmt("SELECT -- comment ; still comment\n 1 /* block ; */ + /* /* nested */ */ 2"),
              "(query (select (items (+ 1 2))))");
    EXPECT_EQ(stmt("/* leading */ SELECT 1 -- trailing"), "(query (select (items 1)))");
    auto statements = parse_sql("-- first\nSELECT 1; /* x */ SELECT 2 -- y\n");
    ASSERT_EQ(statements.size(), 2u);
    EXPECT_EQ(statements[0]->text, "SELECT 1");
    EXPECT_EQ(statements[1]->text, "SELECT 2");
    EXPECT_EQ(statements[0]->position.line, 2u);
}

// ------------------------------------------------------------------------------------------ queries

TEST(ParserTest, SetOperations) {
    EXPECT_EQ(stmt("SELECT 1 UNION SELECT 2"), "(query (union (select (items 1)) (select (items 2))))");
    EXPECT_EQ(stmt("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3"),
              "(query (union (union_all (select (items 1)) (select (items 2))) (select (items 3))))");
    EXPECT_EQ(stmt("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
              "(query (union (select (items 1)) (intersect (select (items 2)) (select (items 3)))))");
    EXPECT_EQ(stmt("SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3"),
              "(query (except (intersect (select (items 1)) (select (items 2))) (select (items 3))))");
    EXPECT_EQ(stmt("SELECT 1 EXCEPT ALL SELECT 2"), "(query (except_all (select (items 1)) (select (items 2))))");
    EXPECT_EQ(stmt("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"),
              "(query (intersect (union (select (items 1)) (select (items 2))) (select (items 3))))");
    EXPECT_EQ(stmt("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 2"),
              "(query (union (select (items a) (from t)) (select (items b) (from u))) (order_by 1) (limit 2))");
    EXPECT_EQ(stmt("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u)"),
              "(query (union_all (query (select (items a) (from t)) (order_by a) (limit 1)) "
              "(select (items b) (from u))))");
    auto statements = parse_sql("(SELECT a FROM t LIMIT 1) UNION SELECT 2");
    const auto& query = *static_cast<const ast::QueryStatement&>(*statements[0]).query;
    const auto& set = static_cast<const ast::SetOperationBody&>(*query.body);
    EXPECT_EQ(set.left->kind, ast::QueryBodyKind::kQuery);
    EXPECT_FALSE(set.all);
}

TEST(ParserTest, OrderLimitOffsetFetch) {
    EXPECT_EQ(stmt("SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS FIRST, d DESC NULLS LAST, 2"),
              "(query (select (items a) (from t)) (order_by a b desc c nulls_first d desc nulls_last 2))");
    EXPECT_EQ(stmt("SELECT a FROM t ORDER BY a + 1 LIMIT 10 OFFSET 5"),
              "(query (select (items a) (from t)) (order_by (+ a 1)) (limit 10) (offset 5))");
    EXPECT_EQ(stmt("SELECT a FROM t OFFSET 5 LIMIT 10"), "(query (select (items a) (from t)) (limit 10) (offset 5))");
    EXPECT_EQ(stmt("SELECT a FROM t LIMIT ALL"), "(query (select (items a) (from t)))");
    EXPECT_EQ(stmt("SELECT a FROM t OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY"),
              "(query (select (items a) (from t)) (limit 3) (offset 2))");
    EXPECT_EQ(stmt("SELECT a FROM t FETCH NEXT 1 ROW ONLY"), "(query (select (items a) (from t)) (limit 1))");
    EXPECT_EQ(stmt("SELECT a FROM t FETCH FIRST ROW ONLY"), "(query (select (items a) (from t)) (limit 1))");
    EXPECT_EQ(stmt("SELECT a FROM t OFFSET 1 ROW"), "(query (select (items a) (from t)) (offset 1))");
    auto statements = parse_sql("SELECT a FROM t ORDER BY a DESC NULLS FIRST, b");
    const auto& query = *static_cast<const ast::QueryStatement&>(*statements[0]).query;
    ASSERT_EQ(query.order_by.size(), 2u);
    EXPECT_TRUE(query.order_by[0].descending);
    EXPECT_EQ(query.order_by[0].nulls_first, std::optional<bool>(true));
    EXPECT_FALSE(query.order_by[1].descending);
    EXPECT_FALSE(query.order_by[1].nulls_first.has_value());
    EXPECT_EQ(parse_error("SELECT a FROM t LIMIT 1 LIMIT 2").message(), "syntax error at or near \"LIMIT\"");
}

TEST(ParserTest, WithClause) {
    EXPECT_EQ(stmt("WITH a AS (SELECT 1), b(x, y) AS (SELECT 1, 2) SELECT * FROM a, b"),
              "(query (with a as (query (select (items 1))) b(x y) as (query (select (items 1 2)))) "
              "(select (items *) (from (cross_join a b))))");
    EXPECT_EQ(stmt("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r"),
              "(query (with_recursive r(n) as (query (union_all (select (items 1)) (select (items (+ n 1)) (from r) "
              "(where (< n 3)))))) (select (items n) (from r)))");
    auto statements = parse_sql("WITH RECURSIVE r AS (SELECT 1) SELECT 1");
    EXPECT_TRUE(static_cast<const ast::QueryStatement&>(*statements[0]).query->recursive);
}

TEST(ParserTest, Values) {
    EXPECT_EQ(stmt("VALUES (1, 'a'), (2, 'b')"), "(query (values (1 'a') (2 'b')))");
    EXPECT_EQ(stmt("VALUES 1, 2"), "(query (values (1) (2)))");
    EXPECT_EQ(stmt("VALUES (1), (2 + 3)"), "(query (values (1) ((+ 2 3))))");
    EXPECT_EQ(stmt("VALUES (1) + 2"), "(query (values ((+ 1 2))))");
    EXPECT_EQ(stmt("VALUES (1, 2) ORDER BY 1 LIMIT 1"), "(query (values (1 2)) (order_by 1) (limit 1))");
    EXPECT_EQ(stmt("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(x, y)"),
              "(query (select (items *) (from (values (1 'a') (2 'b')) as v(x y))))");
    EXPECT_EQ(stmt("SELECT * FROM (VALUES 1, 2) t"), "(query (select (items *) (from (values (1) (2)) as t)))");
}

TEST(ParserTest, ParenthesisedQueryStatement) {
    EXPECT_EQ(stmt("(SELECT 1)"), "(query (select (items 1)))");
    EXPECT_EQ(stmt("((SELECT 1))"), "(query (select (items 1)))");
    EXPECT_EQ(stmt("(SELECT 1) ORDER BY 1"), "(query (select (items 1)) (order_by 1))");
}

// ------------------------------------------------------------------------------------------ FROM

TEST(ParserTest, TableNames) {
    EXPECT_EQ(from("t"), "t");
    EXPECT_EQ(from("s.t"), "s.t");
    EXPECT_EQ(from("c.s.t"), "c.s.t");
    EXPECT_EQ(from("t AS x"), "t as x");
    EXPECT_EQ(from("t x"), "t as x");
    EXPECT_EQ(from("t AS x(a, b)"), "t as x(a b)");
    EXPECT_EQ(from("\"My Table\" \"X\""), "\"My Table\" as \"X\"");
    EXPECT_EQ(parse_error("SELECT * FROM a.b.c.d").message(), "syntax error at or near \".\"");
}

TEST(ParserTest, Joins) {
    EXPECT_EQ(from("a, b, c"), "(cross_join (cross_join a b) c)");
    EXPECT_EQ(from("a JOIN b ON a.x = b.x"), "(inner_join a b (on (= a.x b.x)))");
    EXPECT_EQ(from("a INNER JOIN b USING (x, y)"), "(inner_join a b (using x y))");
    EXPECT_EQ(from("a LEFT JOIN b ON true"), "(left_join a b (on true))");
    EXPECT_EQ(from("a LEFT OUTER JOIN b ON true"), "(left_join a b (on true))");
    EXPECT_EQ(from("a RIGHT OUTER JOIN b ON true"), "(right_join a b (on true))");
    EXPECT_EQ(from("a FULL JOIN b ON true"), "(full_join a b (on true))");
    EXPECT_EQ(from("a FULL OUTER JOIN b ON true"), "(full_join a b (on true))");
    EXPECT_EQ(from("a CROSS JOIN b"), "(cross_join a b)");
    EXPECT_EQ(from("a NATURAL JOIN b"), "(natural_inner_join a b)");
    EXPECT_EQ(from("a NATURAL LEFT JOIN b"), "(natural_left_join a b)");
    EXPECT_EQ(from("a x JOIN b y ON x.k = y.k JOIN c z ON z.k = y.k"),
              "(inner_join (inner_join a as x b as y (on (= x.k y.k))) c as z (on (= z.k y.k)))");
    EXPECT_EQ(from("a, b JOIN c ON true"), "(cross_join a (inner_join b c (on true)))");
    EXPECT_EQ(from("a JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k"),
              "(inner_join a (inner_join b c (on (= b.k c.k))) (on (= a.k b.k)))");
    EXPECT_EQ(from("(a JOIN b ON true) AS j"), "(inner_join a b (on true)) as j");
    EXPECT_EQ(from("((a))"), "a");
    auto statements = parse_sql("SELECT * FROM a NATURAL FULL OUTER JOIN b");
    const auto& join = static_cast<const ast::JoinTableRef&>(*select_of(*statements[0]).from);
    EXPECT_TRUE(join.natural);
    EXPECT_EQ(join.join_type, ast::JoinType::kFull);
    EXPECT_FALSE(join.on);
    EXPECT_EQ(parse_error("SELECT * FROM a JOIN b").message(), "syntax error at end of input");
    EXPECT_EQ(parse_error("SELECT * FROM a JOIN b WHERE x").message(), "syntax error at or near \"WHERE\"");
}

TEST(ParserTest, SubqueriesInFrom) {
    EXPECT_EQ(from("(SELECT 1) s"), "(query (select (items 1))) as s");
    EXPECT_EQ(from("(SELECT 1) AS s(x)"), "(query (select (items 1))) as s(x)");
    EXPECT_EQ(from("(WITH w AS (SELECT 1) SELECT * FROM w) s"),
              "(query (with w as (query (select (items 1)))) (select (items *) (from w))) as s");
    EXPECT_EQ(from("((SELECT 1) UNION ALL (SELECT 2)) u"),
              "(query (union_all (select (items 1)) (select (items 2)))) as u");
    EXPECT_EQ(from("((SELECT 1) s JOIN t ON true)"), "(inner_join (query (select (items 1))) as s t (on true))");
    EXPECT_EQ(from("t, LATERAL (SELECT t.x) l"), "(cross_join t (query (select (items t.x))) as l)");
    EXPECT_EQ(from("lateral"), "lateral");
}

TEST(ParserTest, FilePathsAndTableFunctions) {
    EXPECT_EQ(from("'data/*.csv'"), "(file 'data/*.csv')");
    EXPECT_EQ(from("'data/o''brien.csv' AS o"), "(file 'data/o'brien.csv') as o");
    EXPECT_EQ(from("read_csv('f.csv', header => true, delim => ';')"),
              "(table_function read_csv('f.csv', header => true, delim => ';'))");
    EXPECT_EQ(from("Read_Parquet('s3://b/k/*.parquet') p"),
              "(table_function read_parquet('s3://b/k/*.parquet')) as p");
    EXPECT_EQ(from("TABLE(cat.system.query(query => 'SELECT 1'))"),
              "(table_function cat.system.query(query => 'SELECT 1'))");
    EXPECT_EQ(from("TABLE(cat.system.query(query => 'SELECT 1')) AS q(a)"),
              "(table_function cat.system.query(query => 'SELECT 1')) as q(a)");
    EXPECT_EQ(from("generate_series(1, 10)"), "(table_function generate_series(1, 10))");
    EXPECT_EQ(from("f()"), "(table_function f())");
    EXPECT_EQ(from("UNNEST(ARRAY[1, 2]) AS u(x)"), "(table_function unnest([1 2])) as u(x)");
    EXPECT_EQ(from("UNNEST(a, b) WITH ORDINALITY u(x, y, n)"),
              "(table_function unnest(a, b, ordinality => true)) as u(x y n)");
    EXPECT_EQ(from("t CROSS JOIN UNNEST(t.arr) AS u(v)"), "(cross_join t (table_function unnest(t.arr)) as u(v))");
    auto statements = parse_sql("SELECT * FROM read_csv('f.csv', header => true)");
    const auto& function = static_cast<const ast::TableFunctionRef&>(*select_of(*statements[0]).from);
    ASSERT_EQ(function.kind, ast::TableRefKind::kTableFunction);
    ASSERT_EQ(function.args.size(), 2u);
    ASSERT_EQ(function.arg_names.size(), 2u);
    EXPECT_EQ(function.arg_names[0], "");
    EXPECT_EQ(function.arg_names[1], "header");
    auto files = parse_sql("SELECT * FROM 'a.csv'");
    const auto& file = static_cast<const ast::FilePathRef&>(*select_of(*files[0]).from);
    ASSERT_EQ(file.kind, ast::TableRefKind::kFilePath);
    EXPECT_EQ(file.path, "a.csv");
}

// ------------------------------------------------------------------------------------------ statements

TEST(ParserTest, Explain) {
    EXPECT_EQ(stmt("EXPLAIN SELECT 1"), "(explain (query (select (items 1))))");
    EXPECT_EQ(stmt("EXPLAIN ANALYZE SELECT 1"), "(explain analyze (query (select (items 1))))");
    EXPECT_EQ(stmt("EXPLAIN VERBOSE SELECT 1"), "(explain verbose (query (select (items 1))))");
    EXPECT_EQ(stmt("explain analyze verbose select 1"), "(explain analyze verbose (query (select (items 1))))");
    EXPECT_EQ(stmt("EXPLAIN SHOW TABLES"), "(explain (show tables))");
    auto statements = parse_sql("EXPLAIN  SELECT 1");
    const auto& explain = static_cast<const ast::ExplainStatement&>(*statements[0]);
    EXPECT_EQ(explain.text, "EXPLAIN  SELECT 1");
    EXPECT_EQ(explain.statement->text, "SELECT 1");
    EXPECT_EQ(explain.statement->position.column, 10u);
}

TEST(ParserTest, UseSetReset) {
    EXPECT_EQ(stmt("USE s"), "(use s)");
    EXPECT_EQ(stmt("USE c.s"), "(use c.s)");
    EXPECT_EQ(parse_error("USE a.b.c").message(), "syntax error at or near \".\"");
    EXPECT_EQ(stmt("SET SESSION query_max_memory = '1GB'"), "(set query_max_memory '1GB')");
    EXPECT_EQ(stmt("SET a.b TO 5"), "(set a.b 5)");
    EXPECT_EQ(stmt("SET x = 1 + 1"), "(set x (+ 1 1))");
    EXPECT_EQ(stmt("SET time_zone = 'UTC'"), "(set time_zone 'UTC')");
    EXPECT_EQ(stmt("RESET a.b"), "(reset a.b)");
    EXPECT_EQ(stmt("RESET SESSION x"), "(reset x)");
    EXPECT_EQ(parse_error("SET x").message(), "syntax error at end of input");
}

TEST(ParserTest, Show) {
    EXPECT_EQ(stmt("SHOW CATALOGS"), "(show catalogs)");
    EXPECT_EQ(stmt("SHOW CATALOGS LIKE 'p%'"), "(show catalogs (like 'p%'))");
    EXPECT_EQ(stmt("SHOW SCHEMAS"), "(show schemas)");
    EXPECT_EQ(stmt("SHOW SCHEMAS FROM c LIKE 'x'"), "(show schemas (from c) (like 'x'))");
    EXPECT_EQ(stmt("SHOW SCHEMAS IN c"), "(show schemas (from c))");
    EXPECT_EQ(stmt("SHOW TABLES"), "(show tables)");
    EXPECT_EQ(stmt("SHOW TABLES FROM s"), "(show tables (from s))");
    EXPECT_EQ(stmt("SHOW TABLES IN c.s LIKE 'o%'"), "(show tables (from c.s) (like 'o%'))");
    EXPECT_EQ(stmt("SHOW COLUMNS FROM t"), "(show columns (from t))");
    EXPECT_EQ(stmt("SHOW COLUMNS IN c.s.t"), "(show columns (from c.s.t))");
    EXPECT_EQ(stmt("SHOW FUNCTIONS"), "(show functions)");
    EXPECT_EQ(stmt("SHOW FUNCTIONS LIKE 'array%'"), "(show functions (like 'array%'))");
    EXPECT_EQ(stmt("SHOW SESSION"), "(show session)");
    EXPECT_EQ(parse_error("SHOW COLUMNS t").message(), "syntax error at or near \"t\"");
    EXPECT_EQ(parse_error("SHOW SCHEMAS FROM a.b").message(), "syntax error at or near \".\"");
    EXPECT_EQ(parse_error("SHOW TABLES LIKE x").message(), "syntax error at or near \"x\"");
    EXPECT_EQ(parse_error("SHOW VIEWS").message(), "syntax error at or near \"VIEWS\"");
    auto statements = parse_sql("SHOW TABLES FROM c.s LIKE 'x'");
    const auto& show = static_cast<const ast::ShowStatement&>(*statements[0]);
    EXPECT_EQ(show.show, ast::ShowKind::kTables);
    EXPECT_EQ(show.from.to_string(), "c.s");
    EXPECT_EQ(show.like, std::optional<std::string>("x"));
}

TEST(ParserTest, Describe) {
    EXPECT_EQ(stmt("DESCRIBE t"), "(describe t)");
    EXPECT_EQ(stmt("DESC c.s.t"), "(describe c.s.t)");
    EXPECT_EQ(stmt("DESCRIBE 'data/file.csv'"), "(describe (file 'data/file.csv'))");
    EXPECT_EQ(stmt("DESCRIBE read_csv('f.csv', header => false)"),
              "(describe (table_function read_csv('f.csv', header => false)))");
    EXPECT_EQ(parse_error("DESCRIBE (SELECT 1)").code(), ErrorCode::kNotSupported);
    EXPECT_EQ(parse_error("DESCRIBE t x").message(), "syntax error at or near \"x\"");
}

TEST(ParserTest, MultipleStatements) {
    auto statements = parse_sql("USE c.s; SELECT 1; SHOW TABLES;");
    ASSERT_EQ(statements.size(), 3u);
    EXPECT_EQ(statements[0]->kind, ast::StatementKind::kUse);
    EXPECT_EQ(statements[1]->kind, ast::StatementKind::kQuery);
    EXPECT_EQ(statements[2]->kind, ast::StatementKind::kShow);
    EXPECT_EQ(statements[2]->text, "SHOW TABLES");
    EXPECT_EQ(statements[2]->position.offset, 19u);
    EXPECT_EQ(parse_error("SELECT 1 SELECT 2").message(), "syntax error at or near \"SELECT\"");
}

// ------------------------------------------------------------------------------------------ errors

TEST(ParserTest, SyntaxErrorPositions) {
    Error error = parse_error("SELECT * FORM t");
    EXPECT_EQ(error.code(), ErrorCode::kSyntax);
    EXPECT_EQ(error.message(), "syntax error at or near \"FORM\"");
    EXPECT_EQ(error.position().line, 1u);
    EXPECT_EQ(error.position().column, 10u);
    EXPECT_EQ(error.position().offset, 9u);
    EXPECT_EQ(error.sqlstate(), "42601");

    Error multiline = parse_error("SELECT a,\n       b\nFROM t\nWHERE a = = 1");
    EXPECT_EQ(multiline.message(), "syntax error at or near \"=\"");
    EXPECT_EQ(multiline.position().line, 4u);
    EXPECT_EQ(multiline.position().column, 11u);
    EXPECT_EQ(multiline.position().offset, 36u);
    EXPECT_EQ(multiline.format("SELECT a,\n       b\nFROM t\nWHERE a = = 1"),
              "ERROR 42601: syntax error at or near \"=\" (line 4, column 11)\n  WHERE a = = 1\n            ^");

    Error end = parse_error("SELECT * FROM t WHERE");
    EXPECT_EQ(end.message(), "syntax error at end of input");
    EXPECT_EQ(end.position().column, 22u);
    EXPECT_EQ(end.position().offset, 21u);

    Error second = parse_error("SELECT 1;\nSELECT (2");
    EXPECT_EQ(second.message(), "syntax error at end of input");
    EXPECT_EQ(second.position().line, 2u);
    EXPECT_EQ(second.position().column, 10u);
    Error second2 = parse_error("SELECT 1;\nSELECT (2; SELECT 3");
    EXPECT_EQ(second2.message(), "syntax error at or near \";\"");
    EXPECT_EQ(second2.position().line, 2u);
    EXPECT_EQ(second2.position().column, 10u);
}

TEST(ParserTest, SyntaxErrorMessages) {
    EXPECT_EQ(parse_error("SELEC 1").message(), "syntax error at or near \"SELEC\"");
    EXPECT_EQ(parse_error("SELECT").message(), "syntax error at end of input");
    EXPECT_EQ(parse_error("SELECT (1").message(), "syntax error at end of input");
    EXPECT_EQ(parse_error("SELECT 1)").message(), "syntax error at or near \")\"");
    EXPECT_EQ(parse_error("SELECT f(1,)").message(), "syntax error at or near \")\"");
    EXPECT_EQ(parse_error("SELECT 'abc' 'def'").message(), "syntax error at or near \"'def'\"");
    EXPECT_EQ(parse_error("SELECT a FROM t WHERE a IN ()").message(), "syntax error at or near \")\"");
    EXPECT_EQ(parse_error("SELECT CASE END").message(), "syntax error at or near \"END\"");
    EXPECT_EQ(parse_error("SELECT CAST(a AS)").message(), "syntax error at or near \")\"");
    EXPECT_EQ(parse_error("SELECT CAST(a AS INT").message(), "syntax error at end of input");
    EXPECT_EQ(parse_error("SELECT a # b").message(), "syntax error at or near \"#\"");
    EXPECT_EQ(parse_error("SELECT ?").message(), "syntax error at or near \"?\"");
    EXPECT_EQ(parse_error("SELECT a FROM t ORDER a").message(), "syntax error at or near \"a\"");
    EXPECT_EQ(parse_error("SELECT 1 FETCH FIRST 1 ROWS").message(), "syntax error at end of input");
    EXPECT_EQ(parse_error("SELECT x OVER (ORDER BY y)").message(), "syntax error at or near \"(\"");
    EXPECT_EQ(parse_error("SELECT sum(x) OVER (ROWS UNBOUNDED)").message(), "syntax error at or near \")\"");
    EXPECT_EQ(parse_error("WITH a AS SELECT 1 SELECT 2").message(), "syntax error at or near \"SELECT\"");
    EXPECT_EQ(parse_error("DROP TABLE t").message(), "syntax error at or near \"DROP\"");
}

TEST(ParserTest, LexicalErrors) {
    Error string = parse_error("SELECT 'abc");
    EXPECT_EQ(string.message(), "unterminated quoted string");
    EXPECT_EQ(string.position().column, 8u);
    Error identifier = parse_error("SELECT \"abc");
    EXPECT_EQ(identifier.message(), "unterminated quoted identifier");
    EXPECT_EQ(parse_error("SELECT `abc").message(), "unterminated quoted identifier");
    Error comment = parse_error("SELECT 1 /* never /* closed */");
    EXPECT_EQ(comment.message(), "unterminated comment");
    EXPECT_EQ(comment.position().column, 10u);
    EXPECT_EQ(parse_error("SELECT X'0A").message(), "unterminated quoted string");
    EXPECT_EQ(parse_error("SELECT 'it''").message(), "unterminated quoted string");
}

// ------------------------------------------------------------------------------------------ hostile input

TEST(ParserTest, DeepNestingIsRejected) {
    auto nested = [](std::string_view open, std::string_view middle, std::string_view close, int n) {
        std::string sql = "SELECT ";
        for (int i = 0; i < n; ++i) sql += open;
        sql += middle;
        for (int i = 0; i < n; ++i) sql += close;
        return sql;
    };
    // 400 levels are fine.
    EXPECT_EQ(parse_sql(nested("(", "1", ")", 400)).size(), 1u);
    for (int n : {600, 100000}) {
        for (auto [open, middle, close] : std::initializer_list<std::tuple<std::string_view, std::string_view,
                                                                           std::string_view>>{
                 {"(", "1", ")"},
                 {"- ", "x", ""},
                 {"NOT ", "x", ""},
                 {"f(", "1", ")"},
                 {"ARRAY[", "1", "]"},
                 {"CASE WHEN ", "1", " THEN 1 END"},
                 {"CAST(", "1", " AS INT)"},
                 {"(SELECT ", "1", ")"},
                 {"x -> ", "1", ""},
             }) {
            Error error = parse_error(nested(open, middle, close, n));
            EXPECT_EQ(error.code(), ErrorCode::kSyntax) << open;
            EXPECT_EQ(error.message(), "statement is too deeply nested") << open;
        }
    }
    std::string from = "SELECT * FROM ";
    for (int i = 0; i < 100000; ++i) from += "(";
    EXPECT_EQ(parse_error(from).message(), "statement is too deeply nested");
    std::string explain;
    for (int i = 0; i < 100000; ++i) explain += "EXPLAIN ";
    EXPECT_EQ(parse_error(explain + "SELECT 1").message(), "statement is too deeply nested");
}

TEST(ParserTest, LongOperatorChains) {
    std::string ok = "SELECT 1";
    for (int i = 0; i < 9000; ++i) ok += " + 1";
    EXPECT_EQ(parse_sql(ok).size(), 1u);
    std::string in_list = "SELECT x IN (0";
    for (int i = 1; i < 50000; ++i) in_list += ", " + std::to_string(i);
    in_list += ")";
    auto statements = parse_sql(in_list);
    EXPECT_EQ(static_cast<const ast::InListExpr&>(*select_of(*statements[0]).items[0].expr).list.size(), 50000u);
    // Very long left-deep chains would make the AST too deep for recursive walks: rejected.
    for (std::string_view link : {" + 1", " OR x", "[1]", "::int", " UNION SELECT 1", " IS NULL"}) {
        std::string sql = "SELECT 1";
        for (int i = 0; i < 200000; ++i) sql += link;
        Error error = parse_error(sql);
        EXPECT_EQ(error.code(), ErrorCode::kSyntax) << link;
        EXPECT_NE(error.message().find("too deeply nested"), std::string::npos) << link;
    }
    std::string joins = "SELECT * FROM t0";
    for (int i = 0; i < 200000; ++i) joins += ", t";
    EXPECT_EQ(parse_error(joins).code(), ErrorCode::kSyntax);
}

TEST(ParserTest, GarbageNeverCrashes) {
    const char* inputs[] = {"\x01\x02\x03", "SELECT \xff\xfe", "((((", "))))", "SELECT * FROM ((SELECT",
                            "'", "\"", "`", "/*", "--", "X'", "SELECT 1e", "SELECT .", "SELECT 1..2",
                            "SELECT a.", "SELECT a.*.b", "SELECT CAST(", "SELECT INTERVAL", "SELECT INTERVAL '",
                            "SELECT TIMESTAMP WITH TIME ZONE", "SELECT ARRAY[", "SELECT f(a =>", "EXPLAIN",
                            "SHOW", "DESCRIBE", "SET", "SELECT * FROM TABLE(", "SELECT 1 ::", "SELECT x -> ",
                            "SELECT (a, b) ->", "SELECT * FROM t JOIN", "SELECT * FROM UNNEST(a) WITH"};
    for (const char* input : inputs) {
        try {
            parse_sql(input);
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), ErrorCode::kSyntax) << input;
        }
    }
    std::string nul("SELECT \0 1", 10);
    EXPECT_EQ(parse_error(nul).message(), "syntax error at or near \"?\"");
}

TEST(ParserTest, InvalidUtf8IsRejected) {
    for (std::string bad : {std::string("SELECT '\xff'"), std::string("SELECT \xc3"), std::string("SELECT '\xc0\xaf'"),
                            std::string("SELECT '\xed\xa0\x80'"), std::string("SELECT '\xf4\x90\x80\x80'"),
                            std::string("SELECT 1 -- \x80")}) {
        Error error = parse_error(bad);
        EXPECT_EQ(error.code(), ErrorCode::kSyntax);
        EXPECT_EQ(error.message(), "invalid UTF-8 byte sequence in SQL text");
    }
    Error error = parse_error("SELECT 1,\n  '\xe9t\xe9'");
    EXPECT_EQ(error.position().line, 2u);
    EXPECT_EQ(error.position().column, 4u);
    EXPECT_EQ(error.position().offset, 13u);
    EXPECT_EQ(stmt("SELECT '\xf0\x9f\x98\x80', '\xe2\x82\xac'"), "(query (select (items '\xf0\x9f\x98\x80' '\xe2\x82\xac')))");
}

// ------------------------------------------------------------------------------------------ splitting

TEST(SplitStatementsTest, SplitsAtTopLevelSemicolons) {
    EXPECT_EQ(split_statements("SELECT 1; SELECT 2;"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
    EXPECT_EQ(split_statements("SELECT 1;\nSELECT 2"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
    EXPECT_EQ(split_statements("SELECT ';' AS \"a;b\", `c;d`; SELECT 2"),
              (std::vector<std::string>{"SELECT ';' AS \"a;b\", `c;d`", "SELECT 2"}));
    EXPECT_EQ(split_statements("SELECT 1 -- x; y\n; SELECT /* ; /* ; */ ; */ 2"),
              (std::vector<std::string>{"SELECT 1 -- x; y", "SELECT /* ; /* ; */ ; */ 2"}));
    EXPECT_EQ(split_statements(" ; ;\n; -- only comment\n;"), std::vector<std::string>{});
    EXPECT_EQ(split_statements(""), std::vector<std::string>{});
    EXPECT_EQ(split_statements("SELECT 'it''s;'; x"), (std::vector<std::string>{"SELECT 'it''s;'", "x"}));
    EXPECT_EQ(split_statements("SELECT 'open;"), std::vector<std::string>{"SELECT 'open;"});
}

TEST(SplitStatementsTest, StatementCompleteness) {
    EXPECT_TRUE(is_statement_complete("SELECT 1;"));
    EXPECT_TRUE(is_statement_complete("SELECT 1;  \n"));
    EXPECT_TRUE(is_statement_complete("SELECT 1; -- done\n"));
    EXPECT_TRUE(is_statement_complete("SELECT 1; /* done */"));
    EXPECT_TRUE(is_statement_complete("SELECT 1; SELECT 2;"));
    EXPECT_FALSE(is_statement_complete("SELECT 1"));
    EXPECT_FALSE(is_statement_complete("SELECT 1; SELECT 2"));
    EXPECT_FALSE(is_statement_complete("SELECT 'a;"));
    EXPECT_FALSE(is_statement_complete("SELECT 'a;'"));
    EXPECT_FALSE(is_statement_complete("SELECT \"a;"));
    EXPECT_FALSE(is_statement_complete("SELECT `a;"));
    EXPECT_FALSE(is_statement_complete("SELECT /* ; "));
    EXPECT_FALSE(is_statement_complete("SELECT /* /* */ ; "));
    EXPECT_FALSE(is_statement_complete("SELECT 1 -- ;"));
    EXPECT_TRUE(is_statement_complete("SELECT 'it''s';"));
    EXPECT_TRUE(is_statement_complete(""));
    EXPECT_TRUE(is_statement_complete("   \n"));
}

}  // namespace
}  // namespace fedq
