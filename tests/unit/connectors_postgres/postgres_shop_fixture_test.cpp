// The shared "shop" fixture (tests/fixtures/postgres/shop.sql), loaded by the test itself: every table
// scans, parallel splits of shop.events add up, special values raise clear errors.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "postgres_test_support.h"

namespace fedq {
namespace {

using namespace pg_test;

std::string fixture_text() {
    // This file is tests/unit/connectors_postgres/<name>; the fixture is tests/fixtures/postgres/shop.sql.
    std::filesystem::path here = std::filesystem::path(__FILE__).parent_path();
    std::ifstream in(here / ".." / ".." / "fixtures" / "postgres" / "shop.sql");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class PostgresShopTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::string sql = fixture_text();
        ASSERT_FALSE(sql.empty()) << "tests/fixtures/postgres/shop.sql not found";
        Admin admin;
        ASSERT_TRUE(admin.ok());
        admin.exec(sql);
    }
};

TEST_F(PostgresShopTest, EveryTableScans) {
    auto connector = make_postgres_connector(config());
    for (const std::string schema : {"shop", "inventory", "MixedCase"}) {
        auto page = connector->list_tables(schema);
        EXPECT_FALSE(page.tables.empty()) << schema;
        for (const auto& name : page.tables) {
            if (name == "special_values") continue;
            auto info = connector->get_table(schema, name);
            ASSERT_TRUE(info) << schema << "." << name;
            std::vector<std::string> columns;
            for (const auto& c : info->columns) columns.push_back(c.name);
            ScanRequest request = request_for(*info, columns);
            request.batch_rows = 3;
            EXPECT_NO_THROW(scan(*connector, request)) << schema << "." << name;
        }
    }
    auto camel = connector->get_table("mixedcase", "cameltable");
    ASSERT_TRUE(camel);
    EXPECT_EQ(camel->handle.schema, "MixedCase");
    EXPECT_EQ(camel->handle.table, "CamelTable");
}

TEST_F(PostgresShopTest, EventsInParallelSplits) {
    auto connector = make_postgres_connector(config({{"split_rows", "10000"}}));
    auto info = connector->get_table("shop", "events");
    ASSERT_TRUE(info);
    ScanRequest request = request_for(*info, {"id", "amount", "flag"});
    request.target_splits = 8;
    auto result = scan(*connector, request);
    EXPECT_GE(result.plan.splits.size(), 2u);
    ASSERT_EQ(result.rows, 50000u);
    int64_t sum = 0, nulls = 0;
    int128_t amount = 0;
    for (const auto& b : result.batches) {
        for (size_t r = 0; r < b.num_rows; ++r) {
            sum += b.columns[0]->values<int64_t>()[r];
            amount += b.columns[1]->values<int128_t>()[r];
            nulls += b.columns[2]->is_null(r);
        }
    }
    EXPECT_EQ(sum, 1250025000);
    EXPECT_TRUE(amount == 24975000);  // 249750.00
    EXPECT_EQ(nulls, 7142);
}

TEST_F(PostgresShopTest, SpecialValuesRaiseClearErrors) {
    auto connector = make_postgres_connector(config());
    auto info = connector->get_table("shop", "special_values");
    ASSERT_TRUE(info);
    // Floating NaN/Infinity are regular values.
    auto floats = scan(*connector, request_for(*info, {"c_double", "c_real"}));
    EXPECT_EQ(floats.rows, 3u);
    // A 30-integer-digit unconstrained numeric does not fit DECIMAL(38,10): a clear overflow error.
    {
        ScanRequest request = request_for(*info, {"id", "c_numeric"});
        request.constraint.add("id", Domain::values(Type::integer(), {Value::integer(3)}));
        try {
            scan(*connector, request);
            ADD_FAILURE() << "no overflow error";
        } catch (const Error& e) {
            EXPECT_EQ(e.sqlstate(), "22003") << e.message();
            EXPECT_NE(e.message().find("catalog pg"), std::string::npos) << e.message();
            EXPECT_NE(e.message().find("special_values"), std::string::npos) << e.message();
        }
    }
    for (const std::string column : {"c_numeric", "c_date", "c_ts"}) {
        try {
            scan(*connector, request_for(*info, {"id", column}));
            ADD_FAILURE() << column << ": no error";
        } catch (const Error& e) {
            EXPECT_NE(e.message().find("catalog pg"), std::string::npos) << e.message();
            EXPECT_NE(e.message().find(column), std::string::npos) << e.message();
        }
    }
}

}  // namespace
}  // namespace fedq
