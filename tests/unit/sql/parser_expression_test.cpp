#include "parser_test_util.h"

namespace fedq {
namespace {

using namespace parser_test;

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
    EXPECT_EQ(stmt("SELECT f(x) over, g(y) filter FROM t"), "(query (select (items f(x) as over g(y) as filter) (from t)))");
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

TEST(ParserTest, QuantifiedComparisons) {
    EXPECT_EQ(expr("x = ANY (SELECT y FROM t)"), "(in x (query (select (items y) (from t))))");
    EXPECT_EQ(expr("x = SOME (SELECT y FROM t)"), "(in x (query (select (items y) (from t))))");
    EXPECT_EQ(expr("x <> ALL (SELECT y FROM t)"), "(not_in x (query (select (items y) (from t))))");
    EXPECT_EQ(expr("x > ALL (SELECT y FROM t)"), "(> all x (query (select (items y) (from t))))");
    EXPECT_EQ(expr("x + 1 <= ANY (VALUES 1, 2) AND b"), "(and (<= any (+ x 1) (query (values (1) (2)))) b)");
    EXPECT_EQ(expr("x = ALL (SELECT 1)"), "(= all x (query (select (items 1))))");
    EXPECT_EQ(expr("x = any(arr)"), "(= x any(arr))");  // not a subquery: an ordinary function call
    auto statements = parse_sql("SELECT x >= SOME (SELECT 1)");
    const auto& e = *select_of(*statements[0]).items[0].expr;
    ASSERT_EQ(e.kind, ast::ExprKind::kQuantifiedComparison);
    const auto& q = static_cast<const ast::QuantifiedComparisonExpr&>(e);
    EXPECT_EQ(q.op, ast::BinaryOp::kGreaterEqual);
    EXPECT_FALSE(q.all);
    EXPECT_EQ(parse_error("SELECT x > ALL (1)").message(), "syntax error at or near \"ALL\"");
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

}  // namespace
}  // namespace fedq
