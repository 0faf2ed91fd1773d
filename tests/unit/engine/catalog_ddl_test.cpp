// Configured catalogs through the engine: CREATE/SHOW/SHOW CREATE/ALTER/DROP CATALOG, persistence across
// engines on one home, fedq.toml, env(), master keys, and secrets never appearing in results or errors.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "catalog/connector_registry.h"
#include "common/error.h"
#include "connectors/files/files_connector.h"
#include "engine/engine.h"

namespace fedq {
namespace {

namespace fs = std::filesystem;

template <typename F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected a fedq::Error";
    return Error(ErrorCode::kInternal, "no error");
}

using Rows = std::vector<std::vector<std::string>>;

Rows rows_of(const QueryResult& r) {
    Rows out;
    for (const auto& b : r.batches) {
        for (size_t i = 0; i < b.num_rows; ++i) {
            std::vector<std::string> row;
            for (size_t c = 0; c < b.num_columns(); ++c) row.push_back(b.column(c).value_at(i).to_string());
            out.push_back(std::move(row));
        }
    }
    return out;
}

std::string all_text(const QueryResult& r) {
    std::string out;
    for (const auto& row : rows_of(r)) {
        for (const auto& v : row) out += v + "\n";
    }
    return out + r.message;
}

std::string all_bytes(const std::string& dir) {
    std::string out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream file(entry.path(), std::ios::binary);
        std::stringstream buffer;
        buffer << file.rdbuf();
        out += buffer.str();
    }
    return out;
}

// Sets (or unsets) an environment variable for the scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) setenv(name, value, 1);
        else unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) setenv(name_.c_str(), old_->c_str(), 1);
        else unsetenv(name_.c_str());
    }

private:
    std::string name_;
    std::optional<std::string> old_;
};

class CatalogDdlTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "fedq-catalog-ddl-XXXXXX").string();
        home_ = mkdtemp(pattern.data()) ? pattern : std::string();
        ASSERT_FALSE(home_.empty());
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(home_, ignored);
    }
    EngineOptions options() const {
        EngineOptions o;
        o.home = home_;
        return o;
    }
    std::string home_;
    ScopedEnv no_config_{"FEDQ_CONFIG", nullptr};
    ScopedEnv no_master_key_{"FEDQ_MASTER_KEY", nullptr};
};

TEST_F(CatalogDdlTest, CreateShowDropWithFilesType) {
    Engine engine(options());
    EXPECT_EQ(engine.execute("CREATE CATALOG local USING files").message, "CREATE CATALOG");
    auto catalogs = engine.execute("SHOW CATALOGS");
    EXPECT_EQ(catalogs.column_names, (std::vector<std::string>{"Catalog", "Type", "Source"}));
    EXPECT_EQ(rows_of(catalogs), (Rows{{"lake", "lake", "built-in"}, {"local", "files", "metastore"}, {"system", "system", "built-in"}}));
    EXPECT_EQ(rows_of(engine.execute("SHOW CATALOGS LIKE 'LOC%'")), (Rows{{"local", "files", "metastore"}}));
    EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG Local")), (Rows{{"CREATE CATALOG local USING files"}}));
    EXPECT_EQ(rows_of(engine.execute("SELECT catalog_name, connector_name FROM system.metadata.catalogs ORDER BY 1")),
              (Rows{{"lake", "lake"}, {"local", "files"}, {"system", "system"}}));

    EXPECT_EQ(engine.execute("CREATE CATALOG IF NOT EXISTS local USING files").message, "CREATE CATALOG");
    EXPECT_EQ(error_of([&] { engine.execute("CREATE CATALOG local USING files"); }).sqlstate(), "42710");
    EXPECT_EQ(error_of([&] { engine.execute("CREATE CATALOG system USING files"); }).sqlstate(), "42710");
    Error unknown = error_of([&] { engine.execute("CREATE CATALOG x USING oracle"); });
    EXPECT_EQ(unknown.sqlstate(), "42704");
    EXPECT_NE(unknown.message().find("known types: files"), std::string::npos) << unknown.message();
    EXPECT_EQ(error_of([&] { engine.execute("CREATE CATALOG x USING files WITH (root = '/tmp')"); }).sqlstate(), "22023");
    EXPECT_EQ(error_of([&] { engine.execute("CREATE CATALOG x USING files WITH (a = 1, A = 2)"); }).sqlstate(), "22023");
    EXPECT_EQ(error_of([&] { engine.execute("SHOW CREATE CATALOG nope"); }).sqlstate(), "42704");
    EXPECT_EQ(error_of([&] { engine.execute("SHOW CREATE CATALOG system"); }).sqlstate(), "0A000");

    EXPECT_EQ(engine.execute("DROP CATALOG local").message, "DROP CATALOG");
    EXPECT_EQ(error_of([&] { engine.execute("DROP CATALOG local"); }).sqlstate(), "42704");
    EXPECT_EQ(engine.execute("DROP CATALOG IF EXISTS local").message, "DROP CATALOG");
    EXPECT_EQ(error_of([&] { engine.execute("DROP CATALOG system"); }).sqlstate(), "42501");
    EXPECT_EQ(rows_of(engine.execute("SHOW CATALOGS")), (Rows{{"lake", "lake", "built-in"}, {"system", "system", "built-in"}}));
}

// A connector type with secrets, validated like the real ones (a files connector underneath).
std::shared_ptr<ConnectorRegistry> fake_registry() {
    auto registry = std::make_shared<ConnectorRegistry>();
    registry->add({"fake",
                   [](const ConnectorConfig& config) -> std::shared_ptr<Connector> {
                       config.require("host");
                       config.get_int("port", 1);
                       return std::make_shared<FilesConnector>();
                   },
                   {"host", "port", "user", "password", "token"},
                   "",
                   {"phony"}});
    return registry;
}

TEST_F(CatalogDdlTest, SecretsAreHiddenAndEncrypted) {
    EngineOptions o = options();
    o.connectors = fake_registry();
    ScopedEnv token("FEDQ_TEST_TOKEN", "env-token-value");
    {
        Engine engine(o);
        engine.execute("CREATE CATALOG shop USING fake WITH (host = 'db1', port = 5432, user = 'app', "
                       "password = 's3cr3t-pw', token = env('FEDQ_TEST_TOKEN'))");
        auto create = engine.execute("SHOW CREATE CATALOG shop");
        EXPECT_EQ(rows_of(create), (Rows{{"CREATE CATALOG shop USING fake WITH (host = 'db1', password = '****', "
                                          "port = 5432, token = env('FEDQ_TEST_TOKEN'), user = 'app')"}}));
        // Errors on the way never show the secret.
        for (const char* sql : {
                 "CREATE CATALOG bad USING fake WITH (hots = 'db1', password = 's3cr3t-pw')",
                 "CREATE CATALOG bad USING fake WITH (host = 'db1', port = 'x', password = 's3cr3t-pw')",
                 "CREATE CATALOG shop USING fake WITH (host = 'db1', password = 's3cr3t-pw')",
                 "CREATE CATALOG bad USING fake WITH (host = 'db1', password = 's3cr3t-pw' 'more')",
                 "CREATE CATALOG bad USING fake WITH (host = 'db1', password = s3cr3t-pw)",
                 "ALTER CATALOG shop SET password = 's3cr3t-pw', hots = 'x'",
                 "EXPLAIN CREATE CATALOG bad USING fake WITH (host = 'db1', password = 's3cr3t-pw')",
             }) {
            Error e = error_of([&] { engine.execute(sql); });
            EXPECT_EQ(e.format(sql).find("s3cr3t"), std::string::npos) << e.format(sql);
        }
        // The new password replaces the old one; the catalog still works after ALTER.
        engine.execute("ALTER CATALOG shop SET (password = 'n3w-pw', port = 6543)");
        EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG shop"))[0][0].find("n3w"), std::string::npos);
        EXPECT_NE(rows_of(engine.execute("SHOW CREATE CATALOG shop"))[0][0].find("port = 6543"), std::string::npos);
        engine.execute("ALTER CATALOG shop RESET (port)");
        EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG shop"))[0][0].find("port"), std::string::npos);
        EXPECT_EQ(error_of([&] { engine.execute("ALTER CATALOG shop RESET host"); }).sqlstate(), "22023");
        EXPECT_EQ(error_of([&] { engine.execute("ALTER CATALOG nope SET host = 'x'"); }).sqlstate(), "42704");
        EXPECT_TRUE(engine.execute("SHOW SCHEMAS FROM shop").batches.empty());
    }
    std::string bytes = all_bytes(home_);
    EXPECT_EQ(bytes.find("s3cr3t-pw"), std::string::npos);
    EXPECT_EQ(bytes.find("n3w-pw"), std::string::npos);
    EXPECT_EQ(bytes.find("env-token-value"), std::string::npos) << "env() is stored as the variable name";
    EXPECT_TRUE(fs::exists(home_ + "/master.key"));
    EXPECT_EQ(fs::status(home_ + "/master.key").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(CatalogDdlTest, PersistsAcrossEnginesOnOneHome) {
    EngineOptions o = options();
    o.connectors = fake_registry();
    {
        Engine engine(o);
        engine.execute("CREATE CATALOG shop USING fake WITH (host = 'db1', password = 'pw1')");
        engine.execute("CREATE CATALOG other USING PHONY WITH (host = 'db2')");
        engine.execute("CREATE CATALOG gone USING fake WITH (host = 'db3')");
        engine.execute("DROP CATALOG gone");
    }
    {
        Engine engine(o);
        EXPECT_EQ(rows_of(engine.execute("SHOW CATALOGS")),
                  (Rows{{"lake", "lake", "built-in"}, {"other", "phony", "metastore"}, {"shop", "fake", "metastore"},
                         {"system", "system", "built-in"}}));
        EXPECT_TRUE(engine.execute("SHOW SCHEMAS FROM shop").batches.empty()) << "opens with the decrypted password";
        engine.execute("CREATE OR REPLACE CATALOG shop USING fake WITH (host = 'db9')");
    }
    Engine engine(o);
    EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG shop")), (Rows{{"CREATE CATALOG shop USING fake WITH (host = 'db9')"}}));
    // An engine without a home keeps nothing.
    EngineOptions memory;
    memory.connectors = fake_registry();
    {
        Engine first(memory);
        first.execute("CREATE CATALOG temp USING fake WITH (host = 'h')");
        EXPECT_EQ(rows_of(first.execute("SHOW CATALOGS LIKE 'temp'")).size(), 1u);
    }
    Engine second(memory);
    EXPECT_TRUE(rows_of(second.execute("SHOW CATALOGS LIKE 'temp'")).empty());
}

TEST_F(CatalogDdlTest, WrongMasterKeyNamesTheCatalog) {
    EngineOptions o = options();
    o.connectors = fake_registry();
    {
        ScopedEnv key("FEDQ_MASTER_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        Engine engine(o);
        engine.execute("CREATE CATALOG shop USING fake WITH (host = 'db1', password = 'pw-secret')");
    }
    ScopedEnv key("FEDQ_MASTER_KEY", "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    Engine engine(o);
    EXPECT_EQ(rows_of(engine.execute("SHOW CATALOGS LIKE 'shop'")).size(), 1u) << "listing needs no key";
    Error e = error_of([&] { engine.execute("SELECT * FROM shop.s.t"); });
    EXPECT_NE(e.message().find("catalog shop, option password"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("wrong master key"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("pw-secret"), std::string::npos);
    // DROP works without decrypting.
    engine.execute("DROP CATALOG shop");
}

TEST_F(CatalogDdlTest, EnvReferences) {
    EngineOptions o = options();
    o.connectors = fake_registry();
    Engine engine(o);
    {
        ScopedEnv unset("FEDQ_TEST_MISSING_VAR", nullptr);
        Error e = error_of([&] { engine.execute("CREATE CATALOG shop USING fake WITH (host = env('FEDQ_TEST_MISSING_VAR'))"); });
        EXPECT_EQ(e.sqlstate(), "22023");
        EXPECT_NE(e.message().find("FEDQ_TEST_MISSING_VAR"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("catalog shop"), std::string::npos) << e.message();
    }
    ScopedEnv host("FEDQ_TEST_HOST_VAR", "db1");
    engine.execute("CREATE CATALOG shop USING fake WITH (host = env('FEDQ_TEST_HOST_VAR'), password = env('FEDQ_TEST_HOST_VAR'))");
    EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG shop")),
              (Rows{{"CREATE CATALOG shop USING fake WITH (host = env('FEDQ_TEST_HOST_VAR'), "
                     "password = env('FEDQ_TEST_HOST_VAR'))"}}));
}

TEST_F(CatalogDdlTest, ConfigFiles) {
    {
        std::ofstream(home_ + "/fedq.toml") << "[catalogs.lake_files]\ntype = \"files\"\n\n"
                                               "[catalogs.shop]\ntype = \"fake\"\nhost = \"db1\"\nport = 5432\n"
                                               "password = \"toml-secret\"\n";
    }
    std::string extra = home_ + "/extra.toml";
    { std::ofstream(extra) << "[catalogs.extra]\ntype = \"fake\"\nhost = { env = \"FEDQ_TEST_EXTRA_HOST\" }\n"; }
    EngineOptions o = options();
    o.connectors = fake_registry();
    o.connectors->add({"files", [](const ConnectorConfig&) -> std::shared_ptr<Connector> {
                           return std::make_shared<FilesConnector>();
                       }, {}, "", {}});
    ScopedEnv config("FEDQ_CONFIG", extra.c_str());
    Engine engine(o);
    auto rows = rows_of(engine.execute("SHOW CATALOGS"));
    ASSERT_EQ(rows.size(), 5u);  // + the built-in lake catalog
    EXPECT_EQ(rows[0], (std::vector<std::string>{"extra", "fake", extra}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"lake_files", "files", home_ + "/fedq.toml"}));
    EXPECT_EQ(rows[3], (std::vector<std::string>{"shop", "fake", home_ + "/fedq.toml"}));
    EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG shop")),
              (Rows{{"CREATE CATALOG shop USING fake WITH (host = 'db1', password = '****', port = 5432)"}}));
    EXPECT_TRUE(engine.execute("SHOW SCHEMAS FROM shop").batches.empty());
    {
        ScopedEnv unset("FEDQ_TEST_EXTRA_HOST", nullptr);
        Error e = error_of([&] { engine.execute("SHOW SCHEMAS FROM extra"); });
        EXPECT_NE(e.message().find("FEDQ_TEST_EXTRA_HOST"), std::string::npos) << e.message();
    }
    Error drop = error_of([&] { engine.execute("DROP CATALOG shop"); });
    EXPECT_EQ(drop.sqlstate(), "0A000");
    EXPECT_NE(drop.message().find("fedq.toml"), std::string::npos);
    EXPECT_EQ(error_of([&] { engine.execute("ALTER CATALOG shop SET port = 1"); }).sqlstate(), "0A000");
    EXPECT_EQ(error_of([&] { engine.execute("CREATE CATALOG shop USING fake WITH (host = 'x')"); }).sqlstate(), "42710");

    // A malformed file stops the engine with file:line:column.
    { std::ofstream(extra) << "[catalogs.extra]\ntype = \"fake\"\nhost = \n"; }
    Error bad = error_of([&] { Engine broken(o); });
    EXPECT_NE(bad.message().find(extra + ":3:"), std::string::npos) << bad.message();
    // The same name in two files.
    { std::ofstream(extra) << "[catalogs.shop]\ntype = \"fake\"\nhost = \"x\"\n"; }
    Error twice = error_of([&] { Engine broken(o); });
    EXPECT_EQ(twice.sqlstate(), "42710");
    // EngineOptions::config_file (the CLI's --config) must exist.
    ScopedEnv no_config("FEDQ_CONFIG", nullptr);
    o.config_file = home_ + "/missing.toml";
    EXPECT_EQ(error_of([&] { Engine broken(o); }).code(), ErrorCode::kIo);
}

// Against the test PostgreSQL (scripts/test-services.sh): EXPLAIN and connection errors never show the
// password. Skipped when the server is not running.
TEST_F(CatalogDdlTest, PostgresExplainAndErrorsHidePassword) {
    Engine engine(options());
    try {
        engine.execute("CREATE CATALOG pg USING postgres WITH (host = '127.0.0.1', port = 55432, "
                       "database = 'fedq_test', user = 'fedq', password = 'fedq_pw', connect_timeout = '3s')");
        engine.execute("SHOW SCHEMAS FROM pg");
    } catch (const Error& e) {
        GTEST_SKIP() << "PostgreSQL test service not available: " << e.message();
    }
    auto schemas = rows_of(engine.execute("SHOW SCHEMAS FROM pg"));
    std::string table;
    for (const auto& schema : schemas) {
        auto tables = rows_of(engine.execute("SHOW TABLES FROM pg.\"" + schema[0] + "\""));
        if (!tables.empty()) {
            table = "pg.\"" + schema[0] + "\".\"" + tables[0][0] + "\"";
            break;
        }
    }
    if (!table.empty()) {
        std::string plan = all_text(engine.execute("EXPLAIN SELECT * FROM " + table + " LIMIT 1"));
        EXPECT_EQ(plan.find("fedq_pw"), std::string::npos) << plan;
        std::string analyzed = all_text(engine.execute("EXPLAIN ANALYZE SELECT * FROM " + table + " LIMIT 1"));
        EXPECT_EQ(analyzed.find("fedq_pw"), std::string::npos) << analyzed;
    }
    engine.execute("CREATE CATALOG pgbad USING postgres WITH (host = '127.0.0.1', port = 55432, "
                   "database = 'fedq_test', user = 'fedq', password = 'wr0ng_pw_zz', connect_timeout = '3s')");
    Error e = error_of([&] { engine.execute("SHOW SCHEMAS FROM pgbad"); });
    EXPECT_EQ(e.sqlstate(), "28P01") << e.message();
    EXPECT_EQ(e.format().find("wr0ng_pw_zz"), std::string::npos) << e.format();
    EXPECT_NE(e.message().find("pgbad"), std::string::npos) << e.message();
    EXPECT_EQ(rows_of(engine.execute("SHOW CREATE CATALOG pgbad"))[0][0].find("wr0ng"), std::string::npos);
}

}  // namespace
}  // namespace fedq
