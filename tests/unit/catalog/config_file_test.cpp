// fedq.toml parsing: catalogs, value kinds, env references, secrets, and errors with file:line:column.
#include "catalog/config_file.h"
#include "catalog_test_util.h"

namespace fedq {
namespace {

using catalog_test::error_of;
using catalog_test::TempDir;

TEST(ConfigFile, ParsesCatalogs) {
    auto catalogs = parse_config_text(R"(
title = "ignored"
[server]
port = 8080

[catalogs.shop]
type = "Postgres"
host = "127.0.0.1"
Port = 5432
ssl = false
ratio = 1.5
password = { env = "PG_PASSWORD" }

[catalogs.Local]
type = "sqlite"
path = "data/app.db"
token = "plain-secret"
)",
                                      "/etc/fedq.toml");
    ASSERT_EQ(catalogs.size(), 2u);
    const auto& shop = catalogs[0].name == "shop" ? catalogs[0] : catalogs[1];
    const auto& local = catalogs[0].name == "shop" ? catalogs[1] : catalogs[0];
    EXPECT_EQ(shop.type, "postgres");
    EXPECT_EQ(shop.source, CatalogSource::kConfigFile);
    EXPECT_EQ(shop.origin, "/etc/fedq.toml");
    EXPECT_EQ(shop.options.size(), 5u);
    EXPECT_EQ(shop.options.at("port").text, "5432");
    EXPECT_EQ(shop.options.at("port").kind, CatalogOptionValue::Kind::kNumber);
    EXPECT_EQ(shop.options.at("ssl").text, "false");
    EXPECT_EQ(shop.options.at("ssl").kind, CatalogOptionValue::Kind::kBoolean);
    EXPECT_EQ(shop.options.at("ratio").text, "1.5");
    EXPECT_EQ(shop.options.at("password").kind, CatalogOptionValue::Kind::kEnv);
    EXPECT_EQ(shop.options.at("password").text, "PG_PASSWORD");
    EXPECT_TRUE(shop.options.at("password").secret);
    EXPECT_EQ(local.name, "local");
    EXPECT_TRUE(local.options.at("token").secret);
    EXPECT_FALSE(local.options.at("token").sealed);
    EXPECT_EQ(local.create_statement(),
              "CREATE CATALOG local USING sqlite WITH (path = 'data/app.db', token = '****')");
    EXPECT_EQ(shop.create_statement(),
              "CREATE CATALOG shop USING postgres WITH (host = '127.0.0.1', password = env('PG_PASSWORD'), "
              "port = 5432, ratio = 1.5, ssl = false)");

    unsetenv("PG_PASSWORD");
    Error e = error_of([&] { resolve_config(shop, nullptr, ""); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_NE(e.message().find("catalog shop"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("PG_PASSWORD"), std::string::npos) << e.message();
    setenv("PG_PASSWORD", "from-env", 1);
    ConnectorConfig config = resolve_config(shop, nullptr, "/home");
    EXPECT_EQ(config.options.at("password"), "from-env");
    EXPECT_EQ(config.options.at("port"), "5432");
    EXPECT_EQ(config.catalog, "shop");
    EXPECT_EQ(config.type, "postgres");
    EXPECT_EQ(config.home, "/home");
    unsetenv("PG_PASSWORD");
}

TEST(ConfigFile, EmptyAndNoCatalogs) {
    EXPECT_TRUE(parse_config_text("", "f.toml").empty());
    EXPECT_TRUE(parse_config_text("[server]\nport = 1\n", "f.toml").empty());
}

TEST(ConfigFile, ErrorsNameFileLineAndColumn) {
    struct Case {
        const char* text;
        const char* where;
        const char* what;
    };
    for (const Case& c : {
             Case{"[catalogs.a]\ntype = \n", "f.toml:2:", ""},
             Case{"[catalogs.a]\nhost = \"x\"\n", "f.toml:1:", "'type'"},
             Case{"[catalogs.a]\ntype = 3\n", "f.toml:2:", "'type'"},
             Case{"[catalogs.a]\ntype = \"pg\"\nhosts = [1, 2]\n", "f.toml:3:", "option 'hosts'"},
             Case{"[catalogs.a]\ntype = \"pg\"\npassword = { envv = \"X\" }\n", "f.toml:3:", "option 'password'"},
             Case{"[catalogs.a]\ntype = \"pg\"\nHost = \"a\"\nhost = \"b\"\n", "f.toml:", "given twice"},
             Case{"catalogs = 3\n", "f.toml:1:", "'catalogs'"},
             Case{"[catalogs]\na = 1\n", "f.toml:2:", "catalog a"},
             Case{"[catalogs.a]\ntype = \"pg\"\n[catalogs.A]\ntype = \"pg\"\n", "f.toml:", "declared twice"},
         }) {
        Error e = error_of([&] { parse_config_text(c.text, "f.toml"); });
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter) << c.text;
        EXPECT_NE(e.message().find(c.where), std::string::npos) << c.text << " -> " << e.message();
        EXPECT_NE(e.message().find(c.what), std::string::npos) << c.text << " -> " << e.message();
    }
}

TEST(ConfigFile, ParseErrorsDoNotEchoValues) {
    Error e = error_of([&] { parse_config_text("[catalogs.a]\ntype = \"pg\"\npassword = \"hunter2\n", "f.toml"); });
    EXPECT_NE(e.message().find("f.toml:3:"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("hunter2"), std::string::npos) << e.message();
}

TEST(ConfigFile, ReadsFiles) {
    TempDir dir;
    std::string path = dir.path() + "/fedq.toml";
    { std::ofstream(path) << "[catalogs.x]\ntype = \"files\"\n"; }
    auto catalogs = read_config_file(path);
    ASSERT_EQ(catalogs.size(), 1u);
    EXPECT_EQ(catalogs[0].origin, path);
    Error e = error_of([&] { read_config_file(dir.path() + "/missing.toml"); });
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(e.message().find("missing.toml"), std::string::npos);
}

}  // namespace
}  // namespace fedq
