// CatalogManager with configured catalogs: lazy opening, create/replace/alter/drop through the metastore,
// validation before storing, built-in and fedq.toml catalogs protected, connectors closed when replaced.
#include "catalog/catalog.h"
#include "catalog/metastore.h"
#include "catalog/secrets.h"
#include "catalog_test_util.h"

namespace fedq {
namespace {

using catalog_test::all_bytes;
using catalog_test::error_of;
using catalog_test::fake_registry;
using catalog_test::FakeConnector;
using catalog_test::TempDir;

MasterKey key() {
    MasterKey k{};
    k[5] = 7;
    return k;
}

CatalogSetup setup_for(const std::string& home, std::shared_ptr<std::atomic<int>> built = nullptr,
                       std::vector<CatalogDefinition> config = {}) {
    CatalogSetup setup;
    setup.registry = fake_registry(std::move(built));
    setup.secrets = std::make_unique<SecretBox>(key());
    setup.metastore = std::make_unique<Metastore>(home.empty() ? ":memory:" : home + "/metastore.db", *setup.secrets);
    setup.config_catalogs = std::move(config);
    setup.home = home;
    return setup;
}

CatalogDefinition fake(const std::string& name, const std::string& host = "h1") {
    CatalogDefinition d;
    d.name = name;
    d.type = "fake";
    d.options["host"] = CatalogOptionValue::string(host);
    d.options["password"] = CatalogOptionValue::string("hunter2");
    return d;
}

FakeConnector& as_fake(const std::shared_ptr<Connector>& connector) { return static_cast<FakeConnector&>(*connector); }

class StubConnector final : public Connector {
public:
    std::string type_name() const override { return "system"; }
    Capabilities capabilities() const override { return Capabilities(); }
    std::vector<std::string> list_schemas() override { return {}; }
    TablePage list_tables(const std::string&, const std::string&) override { return {}; }
    std::optional<TableInfo> get_table(const std::string&, const std::string&) override { return std::nullopt; }
    ScanPlan plan_scan(const ScanRequest&) override { return {}; }
    std::unique_ptr<BatchReader> read_split(const ScanRequest&, const Split&, ReadContext&) override { return nullptr; }
};

TEST(CatalogManager, CreateOpensLazilyAndCaches) {
    auto built = std::make_shared<std::atomic<int>>(0);
    CatalogManager catalogs;
    catalogs.add("system", std::make_shared<StubConnector>());
    catalogs.configure(setup_for("", built));
    EXPECT_TRUE(catalogs.create_catalog(fake("Shop"), CatalogManager::CreateMode::kCreate));
    EXPECT_EQ(*built, 1);
    auto connector = catalogs.find("SHOP");
    ASSERT_TRUE(connector);
    EXPECT_EQ(*built, 1) << "the connector validated by CREATE is the one used";
    EXPECT_EQ(as_fake(connector).config.options.at("password"), "hunter2");
    EXPECT_EQ(as_fake(connector).config.catalog, "shop");
    EXPECT_EQ(catalogs.find("shop"), connector);
    EXPECT_EQ(catalogs.find("nope"), nullptr);
    EXPECT_EQ(catalogs.names(), (std::vector<std::string>{"shop", "system"}));
    auto list = catalogs.list();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].type, "fake");
    EXPECT_EQ(list[0].source, CatalogSource::kMetastore);
    EXPECT_EQ(list[1].source, CatalogSource::kBuiltin);
    auto definition = catalogs.definition("shop");
    ASSERT_TRUE(definition);
    EXPECT_EQ(definition->create_statement(), "CREATE CATALOG shop USING fake WITH (host = 'h1', password = '****')");
}

TEST(CatalogManager, CreateModesAndErrors) {
    CatalogManager catalogs;
    catalogs.add("system", std::make_shared<StubConnector>());
    catalogs.configure(setup_for(""));
    EXPECT_TRUE(catalogs.create_catalog(fake("shop"), CatalogManager::CreateMode::kCreate));
    Error duplicate = error_of([&] { catalogs.create_catalog(fake("shop"), CatalogManager::CreateMode::kCreate); });
    EXPECT_EQ(duplicate.sqlstate(), "42710");
    EXPECT_FALSE(catalogs.create_catalog(fake("shop", "other"), CatalogManager::CreateMode::kIfNotExists));
    EXPECT_EQ(as_fake(catalogs.find("shop")).config.options.at("host"), "h1");

    auto old = catalogs.find("shop");
    EXPECT_TRUE(catalogs.create_catalog(fake("shop", "h2"), CatalogManager::CreateMode::kReplace));
    EXPECT_EQ(as_fake(old).closed, 1) << "the replaced connector is closed";
    EXPECT_EQ(as_fake(catalogs.find("shop")).config.options.at("host"), "h2");

    // Built-in names.
    for (const char* name : {"system", "SYSTEM", "files"}) {
        Error e = error_of([&] { catalogs.create_catalog(fake(name), CatalogManager::CreateMode::kReplace); });
        EXPECT_EQ(e.sqlstate(), "42710") << name;
        EXPECT_NE(e.message().find("built in"), std::string::npos);
    }
    EXPECT_FALSE(catalogs.create_catalog(fake("system"), CatalogManager::CreateMode::kIfNotExists));

    // Unknown type lists the known ones; nothing is stored.
    CatalogDefinition unknown = fake("x");
    unknown.type = "oracle";
    Error type_error = error_of([&] { catalogs.create_catalog(unknown, CatalogManager::CreateMode::kCreate); });
    EXPECT_EQ(type_error.sqlstate(), "42704");
    EXPECT_NE(type_error.message().find("oracle"), std::string::npos);
    EXPECT_NE(type_error.message().find("known types: fake"), std::string::npos) << type_error.message();
    EXPECT_FALSE(catalogs.definition("x"));

    // Options rejected by the factory: nothing stored, no secret in the message.
    CatalogDefinition typo = fake("y");
    typo.options["hots"] = CatalogOptionValue::string("h");
    Error option_error = error_of([&] { catalogs.create_catalog(typo, CatalogManager::CreateMode::kCreate); });
    EXPECT_EQ(option_error.sqlstate(), "22023");
    EXPECT_NE(option_error.message().find("hots"), std::string::npos);
    EXPECT_EQ(option_error.message().find("hunter2"), std::string::npos);
    CatalogDefinition missing_host = fake("y");
    missing_host.options.erase("host");
    EXPECT_EQ(error_of([&] { catalogs.create_catalog(missing_host, CatalogManager::CreateMode::kCreate); }).sqlstate(),
              "22023");
    EXPECT_FALSE(catalogs.definition("y"));

    // Aliases resolve; the type is kept as written.
    CatalogDefinition alias = fake("z");
    alias.type = "PHONY";
    EXPECT_TRUE(catalogs.create_catalog(alias, CatalogManager::CreateMode::kCreate));
    EXPECT_EQ(catalogs.definition("z")->type, "phony");
}

TEST(CatalogManager, AlterAndDrop) {
    CatalogManager catalogs;
    catalogs.add("system", std::make_shared<StubConnector>());
    catalogs.configure(setup_for(""));
    catalogs.create_catalog(fake("shop"), CatalogManager::CreateMode::kCreate);
    auto before = catalogs.find("shop");
    catalogs.alter_catalog("SHOP", {{"port", {CatalogOptionValue::Kind::kNumber, "6543"}}}, {});
    EXPECT_EQ(as_fake(before).closed, 1);
    auto after = catalogs.find("shop");
    EXPECT_NE(after, before);
    EXPECT_EQ(as_fake(after).config.options.at("port"), "6543");
    EXPECT_EQ(as_fake(after).config.options.at("password"), "hunter2") << "the stored secret survives ALTER";

    catalogs.alter_catalog("shop", {{"password", CatalogOptionValue::string("new-secret")}}, {"port"});
    EXPECT_EQ(as_fake(catalogs.find("shop")).config.options.at("password"), "new-secret");
    EXPECT_EQ(as_fake(catalogs.find("shop")).config.options.count("port"), 0u);

    // An ALTER the connector refuses changes nothing.
    Error bad = error_of([&] { catalogs.alter_catalog("shop", {{"port", CatalogOptionValue::string("abc")}}, {}); });
    EXPECT_EQ(bad.sqlstate(), "22023");
    Error bad_reset = error_of([&] { catalogs.alter_catalog("shop", {}, {"host"}); });
    EXPECT_EQ(bad_reset.sqlstate(), "22023");
    EXPECT_EQ(catalogs.definition("shop")->options.at("host").text, "h1");
    EXPECT_EQ(error_of([&] { catalogs.alter_catalog("shop", {}, {"nope"}); }).sqlstate(), "42704");
    EXPECT_EQ(error_of([&] { catalogs.alter_catalog("nope", {}, {}); }).sqlstate(), "42704");
    EXPECT_EQ(error_of([&] { catalogs.alter_catalog("system", {}, {}); }).sqlstate(), "42501");

    auto open = catalogs.find("shop");
    EXPECT_TRUE(catalogs.drop_catalog("Shop", false));
    EXPECT_EQ(as_fake(open).closed, 1);
    EXPECT_EQ(catalogs.find("shop"), nullptr);
    EXPECT_FALSE(catalogs.drop_catalog("shop", true));
    EXPECT_EQ(error_of([&] { catalogs.drop_catalog("shop", false); }).sqlstate(), "42704");
    EXPECT_EQ(error_of([&] { catalogs.drop_catalog("system", true); }).sqlstate(), "42501");
}

TEST(CatalogManager, ConfigFileCatalogs) {
    CatalogDefinition from_file = fake("lake_pg");
    from_file.source = CatalogSource::kConfigFile;
    from_file.origin = "/etc/fedq.toml";
    from_file.options["password"] = CatalogOptionValue::env("FEDQ_TEST_CATALOG_PASSWORD");
    from_file.mark_secrets();
    CatalogManager catalogs;
    catalogs.configure(setup_for("", nullptr, {from_file}));
    auto list = catalogs.list();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].source, CatalogSource::kConfigFile);
    EXPECT_EQ(list[0].origin, "/etc/fedq.toml");

    unsetenv("FEDQ_TEST_CATALOG_PASSWORD");
    Error missing = error_of([&] { catalogs.find("lake_pg"); });
    EXPECT_NE(missing.message().find("FEDQ_TEST_CATALOG_PASSWORD"), std::string::npos) << missing.message();
    EXPECT_NE(missing.message().find("lake_pg"), std::string::npos);
    setenv("FEDQ_TEST_CATALOG_PASSWORD", "from-env", 1);
    EXPECT_EQ(as_fake(catalogs.find("lake_pg")).config.options.at("password"), "from-env");
    unsetenv("FEDQ_TEST_CATALOG_PASSWORD");

    Error drop = error_of([&] { catalogs.drop_catalog("lake_pg", false); });
    EXPECT_EQ(drop.code(), ErrorCode::kNotSupported);
    EXPECT_NE(drop.message().find("/etc/fedq.toml"), std::string::npos);
    EXPECT_EQ(error_of([&] { catalogs.alter_catalog("lake_pg", {}, {}); }).code(), ErrorCode::kNotSupported);
    Error create = error_of([&] { catalogs.create_catalog(fake("lake_pg"), CatalogManager::CreateMode::kReplace); });
    EXPECT_EQ(create.sqlstate(), "42710");
    EXPECT_NE(create.message().find("/etc/fedq.toml"), std::string::npos);
}

TEST(CatalogManager, PersistsAcrossManagersOnOneHome) {
    TempDir home;
    {
        CatalogManager catalogs;
        catalogs.configure(setup_for(home.path()));
        catalogs.create_catalog(fake("shop"), CatalogManager::CreateMode::kCreate);
        catalogs.create_catalog(fake("gone"), CatalogManager::CreateMode::kCreate);
        catalogs.drop_catalog("gone", false);
    }
    EXPECT_EQ(all_bytes(home.path()).find("hunter2"), std::string::npos);
    auto built = std::make_shared<std::atomic<int>>(0);
    CatalogManager catalogs;
    catalogs.configure(setup_for(home.path(), built));
    EXPECT_EQ(catalogs.names(), (std::vector<std::string>{"shop"}));
    EXPECT_EQ(*built, 0) << "listing does not open catalogs";
    EXPECT_EQ(as_fake(catalogs.find("shop")).config.options.at("password"), "hunter2");
    EXPECT_EQ(*built, 1);
}

TEST(CatalogManager, WithoutConfigurationOnlyBuiltins) {
    CatalogManager catalogs;
    catalogs.add("system", std::make_shared<StubConnector>());
    EXPECT_EQ(catalogs.names(), (std::vector<std::string>{"system"}));
    EXPECT_EQ(catalogs.find("shop"), nullptr);
    EXPECT_EQ(error_of([&] { catalogs.create_catalog(fake("shop"), CatalogManager::CreateMode::kCreate); }).code(),
              ErrorCode::kNotSupported);
}

}  // namespace
}  // namespace fedq

namespace fedq {
namespace {

// Two managers on one home (two fedq processes): a change made by one is seen by the other's next find().
TEST(CatalogManager, SeesChangesFromAnotherProcess) {
    TempDir home;
    CatalogManager first;
    first.configure(setup_for(home.path()));
    CatalogManager second;
    second.configure(setup_for(home.path()));
    first.create_catalog(fake("shop", "h1"), CatalogManager::CreateMode::kCreate);
    auto seen = second.find("shop");
    ASSERT_TRUE(seen);
    EXPECT_EQ(second.find("shop"), seen) << "unchanged: the cached connector";
    first.alter_catalog("shop", {{"host", CatalogOptionValue::string("h2")}}, {});
    auto reopened = second.find("shop");
    EXPECT_NE(reopened, seen);
    EXPECT_EQ(as_fake(seen).closed, 1);
    EXPECT_EQ(as_fake(reopened).config.options.at("host"), "h2");
    first.create_catalog(fake("shop", "h3"), CatalogManager::CreateMode::kReplace);
    EXPECT_EQ(as_fake(second.find("shop")).config.options.at("host"), "h3");
    first.drop_catalog("shop", false);
    EXPECT_EQ(second.find("shop"), nullptr);
}

}  // namespace
}  // namespace fedq
