// Parser tests for the data-lake table statements: CREATE [EXTERNAL] TABLE (Hive, Athena, Trino, CTAS),
// DROP TABLE, INSERT INTO / OVERWRITE, MSCK REPAIR TABLE, ALTER TABLE and SHOW PARTITIONS / CREATE TABLE.
#include "parser_test_util.h"

namespace fedq::parser_test {
namespace {

template <typename T>
const T& as(const ast::Statement& statement, ast::StatementKind kind) {
    EXPECT_EQ(statement.kind, kind);
    return static_cast<const T&>(statement);
}

const ast::LiteralExpr& literal(const ast::ExprPtr& expr) {
    EXPECT_EQ(expr->kind, ast::ExprKind::kLiteral);
    return static_cast<const ast::LiteralExpr&>(*expr);
}

TEST(ParserTable, CreateExternalTableHive) {
    std::string sql =
        "CREATE EXTERNAL TABLE IF NOT EXISTS lake.web.access_logs (\n"
        "  ts TIMESTAMP COMMENT 'request time', `location` VARCHAR, \"partition\" INT, status SMALLINT,\n"
        "  tags ARRAY<STRING>, price DECIMAL(10, 2))\n"
        "COMMENT 'web logs'\n"
        "PARTITIONED BY (dt DATE, region VARCHAR)\n"
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'\n"
        "STORED AS textfile\n"
        "LOCATION 's3://fedq-test/logs/'\n"
        "TBLPROPERTIES ('skip.header.line.count' = '1', 'Has.Case' = 'x')";
    auto statements = parse_sql(sql);
    ASSERT_EQ(statements.size(), 1u);
    const auto& create = as<ast::CreateTableStatement>(*statements[0], ast::StatementKind::kCreateTable);
    EXPECT_EQ(create.text, sql);
    EXPECT_EQ(create.position.line, 1u);
    EXPECT_TRUE(create.external);
    EXPECT_TRUE(create.if_not_exists);
    EXPECT_FALSE(create.or_replace);
    ASSERT_EQ(create.name.parts.size(), 3u);
    EXPECT_EQ(create.name.to_string(), "lake.web.access_logs");
    ASSERT_EQ(create.columns.size(), 6u);
    EXPECT_EQ(create.columns[0].name.name, "ts");
    EXPECT_EQ(create.columns[0].type, "TIMESTAMP");
    EXPECT_EQ(create.columns[0].comment, "request time");
    EXPECT_EQ(create.columns[0].position.line, 2u);
    EXPECT_EQ(create.columns[1].name.name, "location");
    EXPECT_TRUE(create.columns[1].name.quoted);
    EXPECT_EQ(create.columns[2].name.name, "partition");
    EXPECT_EQ(create.columns[2].type, "INT");
    EXPECT_FALSE(create.columns[2].comment);
    EXPECT_EQ(create.columns[4].type, "ARRAY<STRING>");
    EXPECT_EQ(create.columns[5].type, "DECIMAL(10, 2)");
    EXPECT_EQ(create.comment, "web logs");
    ASSERT_EQ(create.partitioned_by.size(), 2u);
    EXPECT_EQ(create.partitioned_by[0].name.name, "dt");
    EXPECT_EQ(create.partitioned_by[0].type, "DATE");
    EXPECT_TRUE(create.partitioned_by[0].has_type);
    EXPECT_EQ(create.partitioned_by[1].type, "VARCHAR");
    EXPECT_EQ(create.field_delimiter, "\t");
    EXPECT_EQ(create.escape_char, "\\");
    EXPECT_EQ(create.line_delimiter, "\n");
    EXPECT_FALSE(create.serde);
    EXPECT_EQ(create.stored_as, "TEXTFILE");
    EXPECT_EQ(create.location, "s3://fedq-test/logs/");
    ASSERT_EQ(create.tblproperties.size(), 2u);
    EXPECT_EQ(create.tblproperties[0].key, "skip.header.line.count");
    EXPECT_EQ(literal(create.tblproperties[0].value).literal_kind, ast::LiteralKind::kString);
    EXPECT_EQ(literal(create.tblproperties[0].value).text, "1");
    EXPECT_EQ(create.tblproperties[1].key, "Has.Case");
    EXPECT_TRUE(create.with.empty());
    EXPECT_FALSE(create.query);
    EXPECT_TRUE(create.with_data);
}

TEST(ParserTable, CreateTableDump) {
    EXPECT_EQ(stmt("CREATE TABLE t (a INT, b VARCHAR(10) COMMENT 'bee')"),
              "(create table t (columns (a INT) (b VARCHAR(10) comment 'bee')))");
    EXPECT_EQ(stmt("create external table \"My Table\" (x bigint) stored as parquet location 's3://b/p'"),
              "(create external table \"My Table\" (columns (x bigint)) (stored_as PARQUET) "
              "(location 's3://b/p'))");
    // Clauses in any order.
    EXPECT_EQ(stmt("CREATE TABLE t (a INT) LOCATION '/x' STORED AS JSON PARTITIONED BY (p INT) COMMENT 'c'"),
              "(create table t (columns (a INT)) (comment 'c') (partitioned_by (p INT)) (stored_as JSON) "
              "(location '/x'))");
    EXPECT_EQ(stmt("CREATE TABLE t (a INT) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','"),
              "(create table t (columns (a INT)) (delimited (fields ',')))");
    EXPECT_EQ(stmt("CREATE TABLE t (a INT) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\001'"),
              std::string("(create table t (columns (a INT)) (delimited (fields '\x01')))"));
    EXPECT_EQ(stmt("CREATE OR REPLACE TABLE s.t (m MAP<VARCHAR, ARRAY<INT>>, r ROW(x INT, y DOUBLE))"),
              "(create or replace table s.t (columns (m MAP<VARCHAR, ARRAY<INT>>) "
              "(r ROW(x INT, y DOUBLE))))");
    EXPECT_EQ(stmt("CREATE TABLE t (ts TIMESTAMP WITH TIME ZONE, d DOUBLE PRECISION)"),
              "(create table t (columns (ts TIMESTAMP WITH TIME ZONE) (d DOUBLE PRECISION)))");
}

TEST(ParserTable, CreateTableSerde) {
    auto statements = parse_sql(
        "CREATE EXTERNAL TABLE j (a STRING) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        "WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true', 'case.insensitive' = 'false') "
        "STORED AS TEXTFILE LOCATION 's3://b/j/'");
    ASSERT_EQ(statements.size(), 1u);
    const auto& create = as<ast::CreateTableStatement>(*statements[0], ast::StatementKind::kCreateTable);
    EXPECT_EQ(create.serde, "org.openx.data.jsonserde.JsonSerDe");
    ASSERT_EQ(create.serde_properties.size(), 2u);
    EXPECT_EQ(create.serde_properties[0].key, "ignore.malformed.json");
    EXPECT_EQ(literal(create.serde_properties[0].value).text, "true");
    EXPECT_EQ(create.serde_properties[1].key, "case.insensitive");
    EXPECT_FALSE(create.field_delimiter);
    EXPECT_EQ(create.stored_as, "TEXTFILE");
    EXPECT_EQ(create.location, "s3://b/j/");
}

TEST(ParserTable, CreateTableTrinoWith) {
    auto statements = parse_sql(
        "CREATE TABLE lake.web.t (a INT, dt DATE) WITH (Format = 'PARQUET', location = 's3://b/t/', "
        "partitioned_by = ARRAY['dt'], bucket_count = 4, \"Quoted\" = true)");
    ASSERT_EQ(statements.size(), 1u);
    const auto& create = as<ast::CreateTableStatement>(*statements[0], ast::StatementKind::kCreateTable);
    ASSERT_EQ(create.with.size(), 5u);
    EXPECT_EQ(create.with[0].key, "format");
    EXPECT_EQ(literal(create.with[0].value).text, "PARQUET");
    EXPECT_EQ(create.with[1].key, "location");
    EXPECT_EQ(create.with[2].key, "partitioned_by");
    EXPECT_EQ(create.with[2].value->kind, ast::ExprKind::kArray);
    EXPECT_EQ(literal(create.with[3].value).literal_kind, ast::LiteralKind::kInteger);
    EXPECT_EQ(create.with[4].key, "quoted");
    EXPECT_EQ(literal(create.with[4].value).literal_kind, ast::LiteralKind::kBoolean);
    EXPECT_FALSE(create.location);  // only in WITH
    EXPECT_EQ(stmt("CREATE TABLE t (a INT) WITH (format = 'ORC')"),
              "(create table t (columns (a INT)) (with (format = 'ORC')))");
}

TEST(ParserTable, CreateTableAsSelect) {
    EXPECT_EQ(stmt("CREATE TABLE t AS SELECT 1 AS a"),
              "(create table t (as (query (select (items 1 as a)))))");
    EXPECT_EQ(stmt("CREATE TABLE t AS (SELECT a FROM s) WITH NO DATA"),
              "(create table t (as (query (select (items a) (from s)))) (no data))");
    EXPECT_EQ(stmt("CREATE TABLE t AS SELECT a FROM s WITH DATA"),
              "(create table t (as (query (select (items a) (from s)))))");
    EXPECT_EQ(stmt("CREATE TABLE t WITH (format = 'PARQUET', partitioned_by = ARRAY['dt']) AS "
                   "WITH x AS (SELECT 1 AS dt) SELECT * FROM x"),
              stmt("CREATE TABLE t WITH (format = 'PARQUET', partitioned_by = ARRAY['dt']) AS "
                   "WITH x AS (SELECT 1 AS dt) SELECT * FROM x"));
    // Athena CTAS: PARTITIONED BY with bare names; column names without types.
    auto statements = parse_sql("CREATE TABLE lake.s.t (x, dt) PARTITIONED BY (dt) STORED AS PARQUET "
                                "LOCATION 's3://b/t' AS SELECT 1, DATE '2024-01-01'");
    ASSERT_EQ(statements.size(), 1u);
    const auto& create = as<ast::CreateTableStatement>(*statements[0], ast::StatementKind::kCreateTable);
    ASSERT_TRUE(create.query);
    ASSERT_EQ(create.columns.size(), 2u);
    EXPECT_FALSE(create.columns[0].has_type);
    EXPECT_EQ(create.columns[0].type, "");
    ASSERT_EQ(create.partitioned_by.size(), 1u);
    EXPECT_FALSE(create.partitioned_by[0].has_type);
    EXPECT_EQ(create.partitioned_by[0].name.name, "dt");
    EXPECT_TRUE(create.with_data);
    auto no_data = parse_sql("CREATE TABLE t WITH (format = 'CSV') AS SELECT 1 WITH NO DATA");
    const auto& with = as<ast::CreateTableStatement>(*no_data[0], ast::StatementKind::kCreateTable);
    EXPECT_FALSE(with.with_data);
    EXPECT_EQ(with.with.size(), 1u);
    // Statement text and multiple statements.
    auto two = parse_sql("CREATE TABLE a AS SELECT 1; DROP TABLE a;");
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0]->text, "CREATE TABLE a AS SELECT 1");
    EXPECT_EQ(two[1]->text, "DROP TABLE a");
}

TEST(ParserTable, CreateTableWithoutColumnsAndExplain) {
    // No column list and no query: accepted (the schema may come from the files); the engine decides.
    EXPECT_EQ(stmt("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION 's3://b/t/'"),
              "(create external table t (stored_as PARQUET) (location 's3://b/t/'))");
    EXPECT_EQ(stmt("EXPLAIN INSERT INTO t SELECT 1"), "(explain (insert into t (query (select (items 1)))))");
    // Hostile nesting inside a WITH property value is bounded, not a crash.
    std::string deep =
        "CREATE TABLE t (a INT) WITH (x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + ")";
    EXPECT_EQ(parse_error(deep).code(), ErrorCode::kSyntax);
}

TEST(ParserTable, DropTable) {
    EXPECT_EQ(stmt("DROP TABLE t"), "(drop table t)");
    EXPECT_EQ(stmt("drop table if exists lake.web.access_logs"),
              "(drop table if exists lake.web.access_logs)");
    auto statements = parse_sql("DROP TABLE IF EXISTS \"Weird Name\"");
    const auto& drop = as<ast::DropTableStatement>(*statements[0], ast::StatementKind::kDropTable);
    EXPECT_TRUE(drop.if_exists);
    ASSERT_EQ(drop.name.parts.size(), 1u);
    EXPECT_TRUE(drop.name.parts[0].quoted);
    EXPECT_EQ(drop.name.parts[0].name, "Weird Name");
    // DROP CATALOG still works.
    EXPECT_EQ(stmt("DROP CATALOG c"), "(drop catalog c)");
}

TEST(ParserTable, Insert) {
    EXPECT_EQ(stmt("INSERT INTO t SELECT a FROM s"), "(insert into t (query (select (items a) (from s))))");
    EXPECT_EQ(stmt("INSERT INTO lake.web.t (a, \"location\") VALUES (1, 'x'), (2, NULL)"),
              "(insert into lake.web.t (columns a location) (query (values (1 'x') (2 NULL))))");
    EXPECT_EQ(stmt("INSERT INTO t VALUES (1)"), "(insert into t (query (values (1))))");
    EXPECT_EQ(stmt("INSERT INTO t (SELECT 1)"), "(insert into t (query (select (items 1))))");
    EXPECT_EQ(stmt("INSERT INTO TABLE t SELECT 1"), "(insert into t (query (select (items 1))))");
    EXPECT_EQ(stmt("INSERT OVERWRITE TABLE t SELECT 1"), "(insert overwrite t (query (select (items 1))))");
    EXPECT_EQ(stmt("INSERT OVERWRITE t (a) WITH x AS (SELECT 1 AS a) SELECT a FROM x"),
              stmt("INSERT OVERWRITE t (a) WITH x AS (SELECT 1 AS a) SELECT a FROM x"));
    auto statements = parse_sql("INSERT INTO s.t (b, a) VALUES (1, 2), (3, 4)");
    const auto& insert = as<ast::InsertStatement>(*statements[0], ast::StatementKind::kInsert);
    EXPECT_FALSE(insert.overwrite);
    EXPECT_EQ(insert.table.to_string(), "s.t");
    ASSERT_EQ(insert.columns.size(), 2u);
    EXPECT_EQ(insert.columns[0].name, "b");
    ASSERT_TRUE(insert.query);
    ASSERT_EQ(insert.query->body->kind, ast::QueryBodyKind::kValues);
    EXPECT_EQ(static_cast<const ast::ValuesBody&>(*insert.query->body).rows.size(), 2u);
    EXPECT_EQ(insert.text, "INSERT INTO s.t (b, a) VALUES (1, 2), (3, 4)");
    auto overwrite_statements = parse_sql("INSERT OVERWRITE t SELECT 1");
    const auto& overwrite = as<ast::InsertStatement>(*overwrite_statements[0], ast::StatementKind::kInsert);
    EXPECT_TRUE(overwrite.overwrite);
}

TEST(ParserTable, RepairTable) {
    EXPECT_EQ(stmt("MSCK REPAIR TABLE lake.web.access_logs"), "(repair table lake.web.access_logs)");
    EXPECT_EQ(stmt("msck repair table t"), "(repair table t)");
    EXPECT_EQ(stmt("ALTER TABLE s.t RECOVER PARTITIONS"), "(repair table s.t)");
    auto statements = parse_sql("ALTER TABLE t RECOVER PARTITIONS");
    EXPECT_EQ(statements[0]->kind, ast::StatementKind::kRepairTable);
}

TEST(ParserTable, AlterTableAddPartitions) {
    EXPECT_EQ(stmt("ALTER TABLE t ADD PARTITION (dt = DATE '2024-01-01', region = 'eu')"),
              "(alter table t add partitions (partition (dt = date'2024-01-01') (region = 'eu')))");
    auto statements = parse_sql(
        "ALTER TABLE lake.web.logs ADD IF NOT EXISTS PARTITION (dt = '2024-01-01', n = -1) "
        "LOCATION 's3://b/1' "
        "PARTITION (dt = '2024-01-02', n = 42) PARTITION (dt = '2024-01-03', n = 1.5) LOCATION 's3://b/3'");
    const auto& alter = as<ast::AlterTableStatement>(*statements[0], ast::StatementKind::kAlterTable);
    EXPECT_EQ(alter.action, ast::AlterTableStatement::Action::kAddPartitions);
    EXPECT_TRUE(alter.if_not_exists);
    EXPECT_EQ(alter.name.to_string(), "lake.web.logs");
    ASSERT_EQ(alter.partitions.size(), 3u);
    ASSERT_EQ(alter.partitions[0].values.size(), 2u);
    EXPECT_EQ(alter.partitions[0].values[0].first.name, "dt");
    EXPECT_EQ(literal(alter.partitions[0].values[0].second).text, "2024-01-01");
    EXPECT_EQ(literal(alter.partitions[0].values[1].second).text, "-1");
    EXPECT_EQ(literal(alter.partitions[0].values[1].second).literal_kind, ast::LiteralKind::kInteger);
    EXPECT_EQ(alter.partitions[0].location, "s3://b/1");
    EXPECT_FALSE(alter.partitions[1].location);
    EXPECT_EQ(literal(alter.partitions[2].values[1].second).literal_kind, ast::LiteralKind::kDecimal);
    EXPECT_EQ(alter.partitions[2].location, "s3://b/3");
    // Comma-separated partitions and keyword-named partition keys.
    EXPECT_EQ(stmt("ALTER TABLE t ADD PARTITION (location = 'x'), PARTITION (\"partition\" = 2)"),
              "(alter table t add partitions (partition (location = 'x')) (partition (partition = 2)))");
}

TEST(ParserTable, AlterTableDropSetAdd) {
    EXPECT_EQ(stmt("ALTER TABLE t DROP PARTITION (dt = '2024-01-01')"),
              "(alter table t drop partitions (partition (dt = '2024-01-01')))");
    auto statements = parse_sql("ALTER TABLE t DROP IF EXISTS PARTITION (a = 1), PARTITION (a = 2)");
    const auto& drop = as<ast::AlterTableStatement>(*statements[0], ast::StatementKind::kAlterTable);
    EXPECT_EQ(drop.action, ast::AlterTableStatement::Action::kDropPartitions);
    EXPECT_TRUE(drop.if_exists);
    EXPECT_EQ(drop.partitions.size(), 2u);
    EXPECT_EQ(stmt("ALTER TABLE s.t SET TBLPROPERTIES ('a' = 'b', 'classification' = 'parquet')"),
              "(alter table s.t set tblproperties (properties (a = 'b') (classification = 'parquet')))");
    auto add = parse_sql("ALTER TABLE t ADD COLUMNS (c VARCHAR COMMENT 'new', d ARRAY<INT>)");
    const auto& add_columns = as<ast::AlterTableStatement>(*add[0], ast::StatementKind::kAlterTable);
    EXPECT_EQ(add_columns.action, ast::AlterTableStatement::Action::kAddColumns);
    ASSERT_EQ(add_columns.columns.size(), 2u);
    EXPECT_EQ(add_columns.columns[0].comment, "new");
    EXPECT_EQ(add_columns.columns[1].type, "ARRAY<INT>");
    // ALTER CATALOG still works.
    EXPECT_EQ(stmt("ALTER CATALOG c RESET x"), "(alter catalog c reset x)");
}

TEST(ParserTable, ShowAndDescribe) {
    EXPECT_EQ(stmt("SHOW PARTITIONS lake.web.logs"), "(show partitions (from lake.web.logs))");
    EXPECT_EQ(stmt("SHOW PARTITIONS FROM t"), "(show partitions (from t))");
    EXPECT_EQ(stmt("SHOW CREATE TABLE s.t"), "(show create table (from s.t))");
    EXPECT_EQ(stmt("SHOW CREATE CATALOG c"), "(show create catalog (from c))");
    EXPECT_EQ(stmt("SHOW COLUMNS FROM lake.web.logs"), "(show columns (from lake.web.logs))");
    EXPECT_EQ(stmt("DESCRIBE lake.web.logs"), "(describe lake.web.logs)");
    auto statements = parse_sql("SHOW PARTITIONS t");
    const auto& show = as<ast::ShowStatement>(*statements[0], ast::StatementKind::kShow);
    EXPECT_EQ(show.show, ast::ShowKind::kPartitions);
    statements = parse_sql("SHOW CREATE TABLE a.b.c");
    const auto& show_create = as<ast::ShowStatement>(*statements[0], ast::StatementKind::kShow);
    EXPECT_EQ(show_create.show, ast::ShowKind::kCreateTable);
    EXPECT_EQ(show_create.from.parts.size(), 3u);
}

TEST(ParserTable, KeywordsStayIdentifiers) {
    // The new words are not reserved.
    EXPECT_EQ(stmt("SELECT location, partition, partitions, stored, external, tblproperties, msck, repair, "
                   "overwrite, recover FROM table_words"),
              "(query (select (items location partition partitions stored external tblproperties msck repair "
              "overwrite recover) (from table_words)))");
    EXPECT_EQ(stmt("CREATE TABLE location (partition INT, stored VARCHAR, external BOOLEAN) LOCATION 'x'"),
              "(create table location (columns (partition INT) (stored VARCHAR) (external BOOLEAN)) "
              "(location 'x'))");
    EXPECT_EQ(stmt("INSERT INTO partition (location) VALUES ('x')"),
              "(insert into partition (columns location) (query (values ('x'))))");
    EXPECT_EQ(stmt("DROP TABLE msck"), "(drop table msck)");
}

void expect_syntax_error(std::string_view sql, uint32_t line, uint32_t column, std::string_view near) {
    Error error = parse_error(sql);
    EXPECT_EQ(error.code(), ErrorCode::kSyntax) << sql;
    EXPECT_EQ(error.position().line, line) << sql << ": " << error.message();
    EXPECT_EQ(error.position().column, column) << sql << ": " << error.message();
    EXPECT_NE(error.message().find(near), std::string::npos) << sql << ": " << error.message();
}

TEST(ParserTable, Errors) {
    // Missing LOCATION string.
    expect_syntax_error("CREATE TABLE t (a INT) LOCATION", 1, 32, "end of input");
    expect_syntax_error("CREATE TABLE t (a INT) LOCATION s3", 1, 33, "\"s3\"");
    // Unclosed parenthesis.
    expect_syntax_error("CREATE TABLE t (a INT, b VARCHAR", 1, 33, "end of input");
    expect_syntax_error("CREATE TABLE t (a DECIMAL(10, 2)", 1, 33, "end of input");
    expect_syntax_error("ALTER TABLE t ADD PARTITION (dt = '1'", 1, 38, "end of input");
    // PARTITION without values.
    expect_syntax_error("ALTER TABLE t ADD PARTITION ()", 1, 30, "\")\"");
    expect_syntax_error("ALTER TABLE t ADD PARTITION (dt)", 1, 32, "\")\"");
    expect_syntax_error("ALTER TABLE t ADD PARTITION", 1, 28, "end of input");
    expect_syntax_error("ALTER TABLE t DROP PARTITION (dt = a + 1)", 1, 36, "literal");
    // Column without a type outside CTAS; missing column list pieces.
    expect_syntax_error("CREATE TABLE t (a INT, b)", 1, 24, "needs a type");
    expect_syntax_error("CREATE TABLE t ()", 1, 17, "\")\"");
    // Duplicated clauses, bad clause values.
    expect_syntax_error("CREATE TABLE t (a INT) LOCATION 'a' LOCATION 'b'", 1, 37, "duplicate LOCATION");
    expect_syntax_error("CREATE TABLE t (a INT) STORED AS 'parquet'", 1, 34, "'parquet'");
    expect_syntax_error("CREATE TABLE t (a INT) TBLPROPERTIES (a = 'b')", 1, 39, "\"a\"");
    expect_syntax_error("CREATE TABLE t (a INT) TBLPROPERTIES ('a' = 1)", 1, 45, "\"1\"");
    expect_syntax_error("CREATE TABLE t (a INT) ROW FORMAT JSON", 1, 35, "JSON");
    expect_syntax_error("CREATE OR REPLACE TABLE IF NOT EXISTS t (a INT)", 1, 39, "IF NOT EXISTS");
    expect_syntax_error("CREATE TABLE t AS", 1, 18, "end of input");
    expect_syntax_error("CREATE TABLE t (a INT) GARBAGE", 1, 24, "GARBAGE");
    // Multi-line position.
    expect_syntax_error("CREATE TABLE t (a INT)\nLOCATION\n  42", 3, 3, "\"42\"");
    // Other statements.
    expect_syntax_error("INSERT t VALUES (1)", 1, 8, "\"t\"");
    expect_syntax_error("INSERT INTO t", 1, 14, "end of input");
    expect_syntax_error("INSERT INTO t (a, b", 1, 20, "end of input");
    expect_syntax_error("MSCK TABLE t", 1, 6, "TABLE");
    expect_syntax_error("DROP TABLE", 1, 11, "end of input");
    expect_syntax_error("ALTER TABLE t RENAME TO u", 1, 15, "RENAME");
    expect_syntax_error("ALTER TABLE t SET LOCATION 'x'", 1, 19, "LOCATION");
    expect_syntax_error("SHOW PARTITIONS", 1, 16, "end of input");
}

}  // namespace
}  // namespace fedq::parser_test
