// Parser tests for the catalog DDL: CREATE [OR REPLACE] CATALOG, DROP CATALOG, ALTER CATALOG and
// SHOW CREATE CATALOG, including that syntax errors never echo a secret.
#include "parser_test_util.h"

namespace fedq::parser_test {
namespace {

const ast::CreateCatalogStatement& as_create(const ast::Statement& statement) {
    EXPECT_EQ(statement.kind, ast::StatementKind::kCreateCatalog);
    return static_cast<const ast::CreateCatalogStatement&>(statement);
}

TEST(ParserCatalog, CreateCatalog) {
    EXPECT_EQ(stmt("CREATE CATALOG shop USING postgres"), "(create catalog shop using postgres)");
    EXPECT_EQ(stmt("create catalog Shop using Postgres with (host = 'db1', Port = 5432, ssl = true, "
                   "password = env('PG_PASSWORD'))"),
              "(create catalog Shop using Postgres (host = 'db1', port = 5432, ssl = true, "
              "password = env('PG_PASSWORD')))");
    EXPECT_EQ(stmt("CREATE OR REPLACE CATALOG s USING sqlite WITH (path = 'a.db', read_only = FALSE)"),
              "(create or replace catalog s using sqlite (path = 'a.db', read_only = false))");
    EXPECT_EQ(stmt("CREATE CATALOG IF NOT EXISTS s USING files"), "(create catalog if not exists s using files)");
    EXPECT_EQ(stmt("CREATE CATALOG s USING x WITH (a = -1.5, b = +2, c = 1e3)"),
              "(create catalog s using x (a = -1.5, b = 2, c = 1e3))");
    // Quoted keys and names; reserved words are fine as keys.
    EXPECT_EQ(stmt("CREATE CATALOG \"My Cat\" USING x WITH (\"User\" = 'u', from = 'f')"),
              "(create catalog My Cat using x (user = 'u', from = 'f'))");
}

TEST(ParserCatalog, CreateCatalogFields) {
    auto statements = parse_sql("CREATE CATALOG shop USING postgres WITH (password = 'it''s', port = 5432, "
                                "token = env('T'))");
    ASSERT_EQ(statements.size(), 1u);
    const auto& create = as_create(*statements[0]);
    EXPECT_EQ(create.name.name, "shop");
    EXPECT_EQ(create.type.name, "postgres");
    ASSERT_EQ(create.options.size(), 3u);
    EXPECT_EQ(create.options[0].key, "password");
    EXPECT_EQ(create.options[0].value, "it's");
    EXPECT_EQ(create.options[0].kind, ast::CatalogOption::Kind::kString);
    EXPECT_EQ(create.options[1].kind, ast::CatalogOption::Kind::kNumber);
    EXPECT_EQ(create.options[1].value, "5432");
    EXPECT_EQ(create.options[2].kind, ast::CatalogOption::Kind::kEnv);
    EXPECT_EQ(create.options[2].value, "T");
    EXPECT_EQ(statements[0]->text,
              "CREATE CATALOG shop USING postgres WITH (password = 'it''s', port = 5432, token = env('T'))");
}

TEST(ParserCatalog, DropAlterShow) {
    EXPECT_EQ(stmt("DROP CATALOG shop"), "(drop catalog shop)");
    EXPECT_EQ(stmt("drop catalog if exists shop"), "(drop catalog if exists shop)");
    EXPECT_EQ(stmt("ALTER CATALOG shop SET (host = 'h', port = 1)"), "(alter catalog shop set (host = 'h', port = 1))");
    EXPECT_EQ(stmt("ALTER CATALOG shop SET host = 'h'"), "(alter catalog shop set (host = 'h'))");
    EXPECT_EQ(stmt("ALTER CATALOG shop SET host = 'h', password = env('P')"),
              "(alter catalog shop set (host = 'h', password = env('P')))");
    EXPECT_EQ(stmt("ALTER CATALOG shop RESET (ssl, Pool_Size)"), "(alter catalog shop reset ssl pool_size)");
    EXPECT_EQ(stmt("ALTER CATALOG shop RESET ssl"), "(alter catalog shop reset ssl)");
    EXPECT_EQ(stmt("SHOW CREATE CATALOG shop"), "(show create catalog (from shop))");
    EXPECT_EQ(stmt("SHOW CATALOGS LIKE 's%'"), "(show catalogs (like 's%'))");
}

TEST(ParserCatalog, Errors) {
    for (const char* sql : {
             "CREATE CATALOG",
             "CREATE CATALOG shop",
             "CREATE CATALOG shop USING",
             "CREATE CATALOG shop USING pg WITH ()",
             "CREATE CATALOG shop USING pg WITH (host)",
             "CREATE CATALOG shop USING pg WITH (host = )",
             "CREATE CATALOG shop USING pg WITH (host = NULL)",
             "CREATE CATALOG shop USING pg WITH (host = env())",
             "CREATE CATALOG shop USING pg WITH (host = env(''))",
             "CREATE CATALOG shop USING pg WITH (host = env(X))",
             "CREATE CATALOG shop USING pg WITH (port = -'1')",
             "CREATE CATALOG shop USING pg WITH (a = 1 b = 2)",
             "CREATE OR REPLACE CATALOG IF NOT EXISTS shop USING pg",
             "CREATE VIEW v AS SELECT 1",
             "DROP CATALOG",
             "DROP VIEW t",
             "DROP CATALOG IF shop",
             "ALTER CATALOG shop",
             "ALTER CATALOG shop SET",
             "ALTER CATALOG shop SET (a = 1",
             "ALTER CATALOG shop RESET",
             "SHOW CREATE CATALOG",
             "SHOW CREATE VIEW t",
         }) {
        Error error = parse_error(sql);
        EXPECT_EQ(error.code(), ErrorCode::kSyntax) << sql;
    }
}

TEST(ParserCatalog, SyntaxErrorsNeverEchoSecrets) {
    for (const char* sql : {
             "CREATE CATALOG s USING pg WITH (password = 'hunter2' 'x')",
             "CREATE CATALOG s USING pg WITH (password = 'hunter2', user 'hunter2')",
             "CREATE CATALOG s USING pg WITH (password = hunter2)",
             "CREATE CATALOG s USING pg WITH (password = 'hunter2'",
             "ALTER CATALOG s SET password = hunter2",
             "ALTER CATALOG s SET password = 'hunter2' 'hunter2'",
         }) {
        Error error = parse_error(sql);
        EXPECT_EQ(error.code(), ErrorCode::kSyntax) << sql;
        EXPECT_EQ(error.message().find("hunter2"), std::string::npos) << error.message();
        EXPECT_EQ(error.format(sql).find("hunter2"), std::string::npos) << error.format(sql);
        EXPECT_NE(error.message().find("line 1"), std::string::npos) << error.message();
    }
}

}  // namespace
}  // namespace fedq::parser_test
