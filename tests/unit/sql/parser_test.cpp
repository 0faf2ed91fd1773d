#include "parser_test_util.h"

namespace fedq {
namespace {

using namespace parser_test;

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
    EXPECT_EQ(stmt("SELECT sum(n) FROM t GROUP BY ()"), "(query (select (items sum(n)) (from t)))");
    EXPECT_EQ(stmt("SELECT a FROM t GROUP BY (), a"), "(query (select (items a) (from t) (group_by a)))");
    EXPECT_EQ(stmt("SELECT a FROM t GROUP BY (a), (b, c)"), "(query (select (items a) (from t) (group_by a b c)))");
    EXPECT_EQ(stmt("SELECT 1 FROM t GROUP BY (a) + 1, (SELECT 1)"),
              "(query (select (items 1) (from t) (group_by (+ a 1) (subquery (query (select (items 1)))))))");
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
    EXPECT_EQ(parse_error("DROP VIEW t").message(), "syntax error at or near \"DROP\"");
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
