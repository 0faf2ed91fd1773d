// The SQLite metastore: migrations, persistence across reopen, replace/update/drop semantics, secrets
// encrypted at rest, concurrent handles on one file.
#include <sqlite3.h>

#include <thread>

#include "catalog/metastore.h"
#include "catalog/secrets.h"
#include "catalog_test_util.h"

namespace fedq {
namespace {

using catalog_test::all_bytes;
using catalog_test::error_of;
using catalog_test::TempDir;

MasterKey test_key(uint8_t seed) {
    MasterKey key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i);
    return key;
}

CatalogDefinition shop() {
    CatalogDefinition d;
    d.name = "shop";
    d.type = "postgres";
    d.options["host"] = CatalogOptionValue::string("db1");
    d.options["port"] = {CatalogOptionValue::Kind::kNumber, "5432"};
    d.options["ssl"] = {CatalogOptionValue::Kind::kBoolean, "true"};
    d.options["password"] = CatalogOptionValue::string("hunter2-very-secret");
    d.options["api_token"] = CatalogOptionValue::env("SHOP_TOKEN");
    d.mark_secrets();
    return d;
}

TEST(Metastore, CreatesSchemaAtLatestVersion) {
    SecretBox box(test_key(1));
    Metastore metastore(":memory:", box);
    EXPECT_EQ(metastore.schema_version(), Metastore::latest_schema_version());
    EXPECT_GE(Metastore::latest_schema_version(), 1);
    EXPECT_TRUE(metastore.list_catalogs().empty());
}

TEST(Metastore, SaveListFindDrop) {
    SecretBox box(test_key(1));
    Metastore metastore(":memory:", box);
    metastore.save_catalog(shop(), Metastore::SaveMode::kCreate);
    auto found = metastore.find_catalog("shop");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->type, "postgres");
    EXPECT_EQ(found->source, CatalogSource::kMetastore);
    EXPECT_FALSE(found->created_at.empty());
    ASSERT_EQ(found->options.size(), 5u);
    EXPECT_EQ(found->options["host"].text, "db1");
    EXPECT_EQ(found->options["port"].kind, CatalogOptionValue::Kind::kNumber);
    EXPECT_EQ(found->options["ssl"].kind, CatalogOptionValue::Kind::kBoolean);
    EXPECT_TRUE(found->options["password"].secret);
    EXPECT_TRUE(found->options["password"].sealed);
    EXPECT_NE(found->options["password"].text, "hunter2-very-secret");
    EXPECT_EQ(box.open(found->options["password"].text, "x"), "hunter2-very-secret");
    EXPECT_EQ(found->options["api_token"].kind, CatalogOptionValue::Kind::kEnv);
    EXPECT_EQ(found->options["api_token"].text, "SHOP_TOKEN");
    EXPECT_FALSE(found->options["api_token"].sealed);
    EXPECT_FALSE(metastore.find_catalog("nope"));

    Error duplicate = error_of([&] { metastore.save_catalog(shop(), Metastore::SaveMode::kCreate); });
    EXPECT_EQ(duplicate.code(), ErrorCode::kDuplicateObject);
    EXPECT_EQ(duplicate.sqlstate(), "42710");

    CatalogDefinition other = shop();
    other.name = "other";
    Error missing = error_of([&] { metastore.save_catalog(other, Metastore::SaveMode::kUpdate); });
    EXPECT_EQ(missing.code(), ErrorCode::kUndefinedObject);
    metastore.save_catalog(other, Metastore::SaveMode::kReplace);  // creates
    EXPECT_EQ(metastore.catalog_names(), (std::vector<std::string>{"other", "shop"}));

    // Replace swaps the whole option set; a value already sealed is stored as is (not sealed twice).
    CatalogDefinition replaced = *metastore.find_catalog("shop");
    replaced.type = "mysql";
    replaced.options.erase("ssl");
    metastore.save_catalog(replaced, Metastore::SaveMode::kUpdate);
    auto after = metastore.find_catalog("shop");
    EXPECT_EQ(after->type, "mysql");
    EXPECT_EQ(after->options.count("ssl"), 0u);
    EXPECT_EQ(after->created_at, found->created_at);
    EXPECT_EQ(box.open(after->options["password"].text, "x"), "hunter2-very-secret");

    EXPECT_TRUE(metastore.drop_catalog("shop"));
    EXPECT_FALSE(metastore.drop_catalog("shop"));
    EXPECT_EQ(metastore.catalog_names(), (std::vector<std::string>{"other"}));
    EXPECT_EQ(metastore.list_catalogs().at(0).options.size(), 5u);
}

TEST(Metastore, PersistsAcrossReopenAndNeverStoresPlaintextSecrets) {
    TempDir home;
    std::string path = home.path() + "/metastore.db";
    {
        SecretBox box(test_key(1));
        Metastore metastore(path, box);
        metastore.save_catalog(shop(), Metastore::SaveMode::kCreate);
    }
    std::string bytes = all_bytes(home.path());
    EXPECT_NE(bytes.find("db1"), std::string::npos) << "non-secret values are stored in clear";
    EXPECT_EQ(bytes.find("hunter2-very-secret"), std::string::npos) << "the secret must be encrypted at rest";
    {
        SecretBox box(test_key(1));
        Metastore metastore(path, box);
        EXPECT_EQ(metastore.schema_version(), Metastore::latest_schema_version());
        auto found = metastore.find_catalog("shop");
        ASSERT_TRUE(found);
        setenv("SHOP_TOKEN", "tok", 1);
        ConnectorConfig config = resolve_config(*found, &box, home.path());
        unsetenv("SHOP_TOKEN");
        EXPECT_EQ(config.options.at("password"), "hunter2-very-secret");
        EXPECT_EQ(config.options.at("api_token"), "tok");
    }
    {
        // Another key: the catalog lists, but resolving it names the catalog and option, not the value.
        SecretBox wrong(test_key(9));
        Metastore metastore(path, wrong);
        auto found = metastore.find_catalog("shop");
        ASSERT_TRUE(found);
        setenv("SHOP_TOKEN", "tok", 1);
        Error e = error_of([&] { resolve_config(*found, &wrong, home.path()); });
        unsetenv("SHOP_TOKEN");
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
        EXPECT_NE(e.message().find("catalog shop, option password"), std::string::npos) << e.message();
        EXPECT_EQ(e.message().find("hunter2"), std::string::npos);
    }
}

TEST(Metastore, RefusesNewerSchemaAndBadFiles) {
    TempDir home;
    std::string path = home.path() + "/metastore.db";
    SecretBox box(test_key(1));
    { Metastore metastore(path, box); }
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999)", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    Error newer = error_of([&] { Metastore metastore(path, box); });
    EXPECT_EQ(newer.code(), ErrorCode::kNotSupported);
    EXPECT_NE(newer.message().find("999"), std::string::npos) << newer.message();

    std::string garbage = home.path() + "/garbage.db";
    { std::ofstream(garbage) << std::string(4096, 'x'); }
    Error bad = error_of([&] { Metastore metastore(garbage, box); });
    EXPECT_EQ(bad.code(), ErrorCode::kIo);
    EXPECT_NE(bad.message().find(garbage), std::string::npos) << bad.message();

    Error missing_dir = error_of([&] { Metastore metastore(home.path() + "/no/such/dir/m.db", box); });
    EXPECT_EQ(missing_dir.code(), ErrorCode::kIo);
}

TEST(Metastore, TwoHandlesOnOneFile) {
    TempDir home;
    std::string path = home.path() + "/metastore.db";
    SecretBox box(test_key(1));
    Metastore first(path, box);
    Metastore second(path, box);
    // Concurrent writers on separate connections: every create lands exactly once.
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            Metastore& metastore = t == 0 ? first : second;
            for (int i = 0; i < 20; ++i) {
                CatalogDefinition d = shop();
                d.name = "c" + std::to_string(t) + "_" + std::to_string(i);
                metastore.save_catalog(d, Metastore::SaveMode::kCreate);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(first.catalog_names().size(), 40u);
    EXPECT_EQ(second.catalog_names().size(), 40u);
    EXPECT_TRUE(second.drop_catalog("c0_0"));
    EXPECT_FALSE(first.find_catalog("c0_0"));
}

}  // namespace
}  // namespace fedq
