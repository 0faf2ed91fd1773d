#include "connectors/lake/lake_connector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/error.h"
#include "connectors/lake/lake_projection.h"
#include "io/aws_credentials.h"
#include "io/s3_client.h"
#include "types/datetime.h"

namespace fedq {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

std::string data_file(const std::string& name) {
    return (fs::path(__FILE__).parent_path() / "data" / name).lexically_normal().string();
}

template <typename F>
Error capture_error(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected an error";
    return Error(ErrorCode::kInternal, "no error");
}

Value date(const std::string& text) { return Value::date(*parse_date(text)); }

class LakeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("fedq_lake_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        lake_ = make({});
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::shared_ptr<LakeConnector> make(std::map<std::string, std::string> options,
                                        const std::string& catalog = "lake") {
        ConnectorConfig config;
        config.catalog = catalog;
        config.type = "lake";
        config.home = dir_.string();
        config.options = std::move(options);
        return std::make_shared<LakeConnector>(config);
    }

    void write(const std::string& relative, const std::string& text) {
        fs::path p = dir_ / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }
    void copy(const std::string& data, const std::string& relative) {
        fs::path p = dir_ / relative;
        fs::create_directories(p.parent_path());
        fs::copy_file(data_file(data), p, fs::copy_options::overwrite_existing);
    }
    std::string location(const std::string& relative) const { return (dir_ / relative).string() + "/"; }

    struct Result {
        Rows rows;
        ScanPlan plan;
    };
    Result scan(const std::string& schema, const std::string& table, std::vector<std::string> columns,
                Constraint constraint = {}, std::optional<uint64_t> limit = std::nullopt,
                LakeConnector* connector = nullptr) {
        LakeConnector& c = connector ? *connector : *lake_;
        auto info = c.get_table(schema, table);
        EXPECT_TRUE(info.has_value());
        ScanRequest request;
        request.table = info->handle;
        request.columns = std::move(columns);
        request.constraint = std::move(constraint);
        request.limit = limit;
        request.batch_rows = 3;  // several batches per file
        Result result;
        result.plan = c.plan_scan(request);
        ReadContext context;
        for (const auto& split : result.plan.splits) {
            auto reader = c.read_split(request, split, context);
            Batch batch;
            while (reader->next(batch)) {
                EXPECT_EQ(batch.num_columns(), request.columns.size());
                for (size_t r = 0; r < batch.num_rows; ++r) {
                    std::vector<std::string> row;
                    for (const auto& column : batch.columns) {
                        EXPECT_EQ(column->size(), batch.num_rows);
                        Value v = column->value_at(r);
                        row.push_back(v.is_null() ? "NULL" : v.to_string());
                    }
                    result.rows.push_back(std::move(row));
                }
            }
        }
        std::sort(result.rows.begin(), result.rows.end());
        return result;
    }

    LakeTable csv_table(const std::string& name, const std::string& folder) {
        LakeTable t;
        t.schema = "web";
        t.name = name;
        t.columns = {{"id", Type::integer(), "the id"}, {"path", Type::varchar(), ""}};
        t.partition_columns = {{"dt", Type::date(), ""}, {"region", Type::varchar(), ""}};
        t.format = "csv";
        t.location = location(folder);
        t.properties = {{"skip.header.line.count", "1"}};
        return t;
    }

    fs::path dir_;
    std::shared_ptr<LakeConnector> lake_;
};

TEST_F(LakeTest, CreateFindListDrop) {
    LakeTable t = csv_table("Logs", "logs");
    t.location.pop_back();  // no trailing slash: added
    lake_->create_table(t, false, false);
    auto found = lake_->find_table("WEB", "logs");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "Logs");
    EXPECT_EQ(found->location, location("logs"));
    EXPECT_EQ(found->columns.size(), 2u);
    EXPECT_EQ(found->columns[0].comment, "the id");
    EXPECT_EQ(found->partition_columns[0].type, Type::date());
    EXPECT_TRUE(found->external);

    EXPECT_EQ(capture_error([&] { lake_->create_table(t, false, false); }).code(),
              ErrorCode::kDuplicateObject);
    lake_->create_table(t, true, false);  // IF NOT EXISTS: nothing
    t.properties["field.delim"] = "|";
    lake_->create_table(t, false, true);  // OR REPLACE
    EXPECT_EQ(lake_->find_table("web", "logs")->properties.at("field.delim"), "|");

    EXPECT_EQ(lake_->list_schemas(), (std::vector<std::string>{"default", "web"}));
    EXPECT_EQ(lake_->list_tables("web").tables, (std::vector<std::string>{"Logs"}));
    EXPECT_TRUE(lake_->list_tables("other").tables.empty());
    auto info = lake_->get_table("web", "LOGS");
    ASSERT_TRUE(info);
    ASSERT_EQ(info->columns.size(), 4u);
    EXPECT_EQ(info->columns[2].name, "dt");
    EXPECT_EQ(info->columns[3].name, "region");
    EXPECT_FALSE(lake_->get_table("web", "nope"));

    // Persistent: a second connector on the same data directory sees it; another catalog does not.
    auto again = make({});
    EXPECT_TRUE(again->find_table("web", "logs"));
    EXPECT_FALSE(make({}, "other")->find_table("web", "logs"));

    EXPECT_TRUE(lake_->drop_table("web", "logs"));
    EXPECT_FALSE(lake_->drop_table("web", "logs"));
    EXPECT_FALSE(again->find_table("web", "logs"));
    Error e = capture_error([&] { lake_->list_partitions("web", "logs"); });
    EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
    EXPECT_NE(e.message().find("lake.web.logs"), std::string::npos) << e.message();
}

TEST_F(LakeTest, Validation) {
    LakeTable t = csv_table("t", "t");
    auto expect_invalid = [&](LakeTable bad, const std::string& needle,
                              ErrorCode code = ErrorCode::kInvalidParameter) {
        SCOPED_TRACE(needle);
        Error e = capture_error([&] { lake_->create_table(bad, false, false); });
        EXPECT_EQ(e.code(), code) << e.message();
        EXPECT_NE(e.message().find(needle), std::string::npos) << e.message();
    };
    LakeTable bad = t;
    bad.format = "orc";
    expect_invalid(bad, "orc");
    bad = t;
    bad.location = "";
    expect_invalid(bad, "LOCATION");
    bad = t;
    bad.properties["field.delim"] = "||";
    expect_invalid(bad, "field.delim");
    bad = t;
    bad.properties.erase("skip.header.line.count");
    bad.properties["SKIP.HEADER.LINE.COUNT"] = "x";
    expect_invalid(bad, "skip.header.line.count");
    bad = t;
    bad.properties["write.compression"] = "brotli";
    expect_invalid(bad, "write.compression");
    bad = t;
    bad.partition_columns.push_back({"ID", Type::integer(), ""});
    expect_invalid(bad, "ID", ErrorCode::kDuplicateObject);
    bad = t;
    bad.properties["projection.enabled"] = "true";
    bad.properties["projection.dt.type"] = "date";
    expect_invalid(bad, "projection.dt.range");
    bad.properties["projection.dt.range"] = "2024-01-01,NOW";
    bad.properties["projection.region.type"] = "fancy";
    expect_invalid(bad, "projection.region.type");
    bad.properties["projection.region.type"] = "enum";
    bad.properties["projection.region.values"] = "eu,us";
    bad.properties["projection.dt.range"] = "yesterday,NOW";
    expect_invalid(bad, "projection.dt.range");
    bad = t;
    bad.location = "ftp://host/x/";
    expect_invalid(bad, "ftp");
    EXPECT_FALSE(lake_->find_table("web", "t"));

    // Managed table: default location in the warehouse.
    LakeTable managed = t;
    managed.location = "";
    managed.external = false;
    lake_->create_table(managed, false, false);
    EXPECT_EQ(lake_->find_table("web", "t")->location, (dir_ / "warehouse/web/t/").string());
    EXPECT_EQ(lake_->default_location("Web", "X"), (dir_ / "warehouse/web/x/").string());

    // alter_properties validates too.
    EXPECT_EQ(capture_error([&] {
                  lake_->alter_properties("web", "t", {{"field.delim", ""}});
              }).code(),
              ErrorCode::kInvalidParameter);
    lake_->alter_properties("web", "t", {{"Field.Delim", ";"}, {"custom", "Kept"}});
    EXPECT_EQ(lake_->find_table("web", "t")->properties.at("field.delim"), ";");
    EXPECT_EQ(lake_->find_table("web", "t")->properties.at("custom"), "Kept");
    lake_->add_columns("web", "t", {{"extra", Type::bigint(), ""}});
    EXPECT_EQ(lake_->find_table("web", "t")->columns.back().name, "extra");
    EXPECT_EQ(capture_error([&] {
                  lake_->add_columns("web", "t", {{"DT", Type::bigint(), ""}});
              }).code(),
              ErrorCode::kDuplicateObject);
    EXPECT_EQ(capture_error([&] { lake_->alter_properties("web", "missing", {}); }).code(),
              ErrorCode::kUndefinedTable);

    // An explicit metastore file (its folder is created); a file that is not SQLite is a clear error.
    auto explicit_store = make({{"metastore", (dir_ / "meta/sub/lake.db").string()}});
    explicit_store->create_table(t, false, false);
    EXPECT_TRUE(fs::exists(dir_ / "meta/sub/lake.db"));
    EXPECT_FALSE(lake_->find_table("web", "t2"));
    write("garbage.db", std::string(4096, 'x'));
    EXPECT_EQ(capture_error([&] { make({{"metastore", (dir_ / "garbage.db").string()}}); }).code(), ErrorCode::kIo);

    // No home: in-memory metastore, managed tables need a warehouse.
    ConnectorConfig config;
    config.catalog = "mem";
    auto memory = std::make_shared<LakeConnector>(config);
    EXPECT_EQ(capture_error([&] { memory->create_table(managed, false, false); }).code(),
              ErrorCode::kInvalidParameter);
    memory->create_table(t, false, false);
    EXPECT_TRUE(memory->find_table("web", "t"));
    config.options = {{"metastroe", "x"}};
    EXPECT_EQ(capture_error([&] { LakeConnector c(config); }).code(), ErrorCode::kInvalidParameter);
}

TEST_F(LakeTest, CsvPartitionsRepairAndPruning) {
    write("logs/dt=2024-01-01/region=eu/part-0.csv", "id,path\n1,/a\n2,/b\n");
    write("logs/dt=2024-01-01/region=us/part-0.csv", "id,path\n3,/c\n");
    write("logs/dt=2024-01-02/region=eu/part-0.csv", "id,path\n4,/d\n5,\n6,/f\n7,/g\n");
    write("logs/dt=2024-01-02/region=eu/_SUCCESS", "garbage");
    write("logs/dt=2024-01-02/region=eu/.part-0.csv.crc", "garbage");
    write("logs/dt=2024-01-02/_tmp/region=eu/x.csv", "garbage");
    write("logs/dt=notadate/region=eu/part-0.csv", "id,path\n99,/z\n");
    write("logs/dt=2024-01-03/part-0.csv", "id,path\n98,/y\n");  // missing the region level: skipped
    write("logs/dt=__HIVE_DEFAULT_PARTITION__/region=a%2Fb/part-0.csv", "id,path\n8,/h\n");
    lake_->create_table(csv_table("logs", "logs"), false, false);

    // Nothing registered yet: nothing to read.
    EXPECT_TRUE(scan("web", "logs", {"id"}).rows.empty());

    RepairResult repair = lake_->repair_table("web", "logs");
    EXPECT_EQ(repair.added, 4u);
    EXPECT_EQ(repair.removed, 0u);
    auto partitions = lake_->list_partitions("web", "logs");
    ASSERT_EQ(partitions.size(), 4u);
    EXPECT_TRUE(partitions[0].values[0].is_null());  // NULL sorts first
    EXPECT_EQ(partitions[0].values[1], Value::varchar("a/b"));
    EXPECT_EQ(partitions[1].values[0], date("2024-01-01"));
    EXPECT_EQ(partitions[1].location, location("logs") + "dt=2024-01-01/region=eu/");
    EXPECT_EQ(partitions[3].values[1], Value::varchar("eu"));
    EXPECT_EQ(lake_->repair_table("web", "logs").added, 0u);

    auto all = scan("web", "logs", {"region", "id", "dt", "path"});
    Rows expected = {{"a/b", "8", "NULL", "/h"},        {"eu", "1", "2024-01-01", "/a"},
                     {"eu", "2", "2024-01-01", "/b"},   {"eu", "4", "2024-01-02", "/d"},
                     {"eu", "5", "2024-01-02", "NULL"}, {"eu", "6", "2024-01-02", "/f"},
                     {"eu", "7", "2024-01-02", "/g"},   {"us", "3", "2024-01-01", "/c"}};
    EXPECT_EQ(all.rows, expected);
    EXPECT_EQ(all.plan.splits.size(), 4u);

    // Pruning: the other partitions' files are garbage now and must never be opened.
    write("logs/dt=2024-01-01/region=eu/part-0.csv", "id,path\nnot a number,x\n");
    write("logs/dt=2024-01-01/region=us/part-0.csv", "id,path\nnot a number,x\n");
    Constraint c;
    c.add("dt", Domain::values(Type::date(), {date("2024-01-02")}));
    auto pruned = scan("web", "logs", {"id", "dt"}, c);
    EXPECT_EQ(pruned.rows,
              (Rows{{"4", "2024-01-02"}, {"5", "2024-01-02"}, {"6", "2024-01-02"}, {"7", "2024-01-02"}}));
    EXPECT_EQ(pruned.plan.splits.size(), 1u);
    EXPECT_EQ(pruned.plan.constraint_accepted.at("dt"), PushdownKind::kExact);
    EXPECT_NE(pruned.plan.description.find("1 of 4 partitions, 1 file, 26 bytes, 1 split"), std::string::npos)
        << pruned.plan.description;

    // Partition and data constraints together, and a limit.
    Constraint both;
    both.add("DT", Domain::range(Type::date(), Range{{date("2024-01-02"), true}, {std::nullopt, false}}));
    both.add("id", Domain::range(Type::integer(), Range{{Value::integer(5), true}, {std::nullopt, false}}));
    both.add("unknown", Domain::not_null(Type::integer()));
    auto filtered = scan("web", "logs", {"path"}, both);
    EXPECT_EQ(filtered.rows, (Rows{{"/f"}, {"/g"}, {"NULL"}}));
    EXPECT_EQ(filtered.plan.constraint_accepted.at("id"), PushdownKind::kExact);
    EXPECT_EQ(filtered.plan.constraint_accepted.at("unknown"), PushdownKind::kUnsupported);
    EXPECT_EQ(scan("web", "logs", {"id"}, c, 2).rows.size(), 2u);
    // IS NULL on a partition column.
    Constraint null_dt;
    null_dt.add("dt", Domain::only_null(Type::date()));
    EXPECT_EQ(scan("web", "logs", {"id"}, null_dt).rows, (Rows{{"8"}}));
    // count(*): no columns.
    auto count = scan("web", "logs", {}, c);
    EXPECT_EQ(count.rows.size(), 4u);

    // A partition whose folder lost its files is removed by the next repair.
    fs::remove_all(dir_ / "logs/dt=2024-01-01/region=us");
    repair = lake_->repair_table("web", "logs");
    EXPECT_EQ(repair.added, 0u);
    EXPECT_EQ(repair.removed, 1u);
    EXPECT_EQ(lake_->list_partitions("web", "logs").size(), 3u);
}

TEST_F(LakeTest, AddDropPartitions) {
    lake_->create_table(csv_table("logs", "logs"), false, false);
    write("elsewhere/data.csv", "id,path\n42,/x\n");
    write("logs/dt=2024-02-01/region=a%2Fb%3D/f.csv", "id,path\n1,/p\n");
    size_t added =
        lake_->add_partitions("web", "logs",
                              {{{Value::varchar("2024-02-01"), Value::varchar("a/b=")}, ""},
                               {{date("2024-02-02"), Value::varchar("x")},
                                location("elsewhere").substr(0, location("elsewhere").size() - 1)}},
                              false);
    EXPECT_EQ(added, 2u);
    auto partitions = lake_->list_partitions("web", "logs");
    ASSERT_EQ(partitions.size(), 2u);
    EXPECT_EQ(partitions[0].values[0], date("2024-02-01"));  // the VARCHAR was cast
    EXPECT_EQ(partitions[0].location, location("logs") + "dt=2024-02-01/region=a%2Fb%3D/");
    EXPECT_EQ(partitions[1].location, location("elsewhere"));
    EXPECT_EQ(lake_->partition_location(*lake_->find_table("web", "logs"),
                                        {Value::null(Type::date()), Value::varchar("x")}),
              location("logs") + "dt=__HIVE_DEFAULT_PARTITION__/region=x/");

    EXPECT_EQ(scan("web", "logs", {"id", "region"}).rows, (Rows{{"1", "a/b="}, {"42", "x"}}));

    EXPECT_EQ(
        capture_error([&] {
            lake_->add_partitions("web", "logs", {{{date("2024-02-02"), Value::varchar("x")}, ""}}, false);
        }).code(),
        ErrorCode::kDuplicateObject);
    EXPECT_EQ(lake_->add_partitions("web", "logs", {{{date("2024-02-02"), Value::varchar("x")}, ""}}, true),
              0u);
    EXPECT_EQ(capture_error([&] {
                  lake_->add_partitions("web", "logs", {{{date("2024-02-02")}, ""}}, false);
              }).code(),
              ErrorCode::kInvalidParameter);
    EXPECT_EQ(capture_error([&] {
                  lake_->add_partitions("web", "logs", {{{Value::varchar("soon"), Value::varchar("x")}, ""}},
                                        false);
              }).code(),
              ErrorCode::kInvalidCast);

    EXPECT_EQ(lake_->drop_partitions("web", "logs", {{date("2024-02-02"), Value::varchar("x")}}, false), 1u);
    EXPECT_EQ(capture_error([&] {
                  lake_->drop_partitions("web", "logs", {{date("2024-02-02"), Value::varchar("x")}}, false);
              }).code(),
              ErrorCode::kUndefinedObject);
    EXPECT_EQ(lake_->drop_partitions("web", "logs", {{date("2024-02-02"), Value::varchar("x")}}, true), 0u);
    EXPECT_EQ(scan("web", "logs", {"id"}).rows, (Rows{{"1"}}));

    // The partition registered outside the table location keeps its files: repair leaves it alone.
    lake_->add_partitions("web", "logs", {{{date("2024-02-02"), Value::varchar("x")}, location("elsewhere")}},
                          false);
    EXPECT_EQ(lake_->repair_table("web", "logs").removed, 0u);
    fs::remove_all(dir_ / "elsewhere");
    EXPECT_EQ(lake_->repair_table("web", "logs").removed, 1u);
}

TEST_F(LakeTest, EscapeRoundTrip) {
    EXPECT_EQ(escape_partition_value("a/b=c:d%e"), "a%2Fb%3Dc%3Ad%25e");
    EXPECT_EQ(unescape_partition_value("a%2Fb%3Dc%3Ad%25e"), "a/b=c:d%e");
    EXPECT_EQ(unescape_partition_value("100%"), "100%");
    EXPECT_EQ(escape_partition_value("plain-text_1 2"), "plain-text_1 2");
}

TEST_F(LakeTest, ParquetSchemaEvolution) {
    copy("v1.parquet", "evo/a.parquet");
    copy("v2.parquet", "evo/b.parquet");
    LakeTable t;
    t.schema = "s";
    t.name = "evo";
    t.columns = {{"id", Type::bigint(), ""},
                 {"name", Type::varchar(), ""},
                 {"score", Type::double_(), ""},
                 {"extra", Type::varchar(), ""}};
    t.format = "parquet";
    t.location = location("evo");
    lake_->create_table(t, false, false);

    auto all = scan("s", "evo", {"id", "name", "score", "extra"});
    Rows expected = {{"1", "n1", "1.5", "NULL"},  {"10", "NULL", "25", "x10"}, {"11", "NULL", "27.5", "x11"},
                     {"12", "NULL", "30", "x12"}, {"2", "n2", "3", "NULL"},    {"3", "n3", "4.5", "NULL"},
                     {"4", "n4", "6", "NULL"},    {"5", "n5", "7.5", "NULL"},  {"6", "n6", "9", "NULL"}};
    EXPECT_EQ(all.rows, expected);
    EXPECT_EQ(all.plan.splits.size(), 2u);  // one row group per file

    // A constraint on a column cast from INTEGER (in a.parquet) is still applied exactly.
    Constraint c;
    c.add("id", Domain::range(Type::bigint(), Range{{Value::bigint(5), true}, {Value::bigint(10), true}}));
    auto ranged = scan("s", "evo", {"id", "extra"}, c);
    EXPECT_EQ(ranged.rows, (Rows{{"10", "x10"}, {"5", "NULL"}, {"6", "NULL"}}));
    EXPECT_EQ(ranged.plan.constraint_accepted.at("id"), PushdownKind::kExact);

    // A constraint on a column a file lacks: NULL never matches name = 'n2', so b.parquet is skipped.
    Constraint name;
    name.add("name", Domain::values(Type::varchar(), {Value::varchar("n2")}));
    auto by_name = scan("s", "evo", {"id"}, name);
    EXPECT_EQ(by_name.rows, (Rows{{"2"}}));
    Constraint no_name;
    no_name.add("name", Domain::only_null(Type::varchar()));
    EXPECT_EQ(scan("s", "evo", {"id"}, no_name).rows.size(), 3u);
    // Same-typed columns prune row groups by statistics.
    Constraint score;
    score.add("extra", Domain::values(Type::varchar(), {Value::varchar("x11")}));
    EXPECT_EQ(scan("s", "evo", {"score"}, score).rows, (Rows{{"27.5"}}));
    // Limits.
    EXPECT_EQ(scan("s", "evo", {"id"}, {}, 4).rows.size() <= 4u * 4u, true);

    // A type that cannot be widened: a clear error naming the file and the column.
    copy("bad.parquet", "evo/c.parquet");
    Error e = capture_error([&] { scan("s", "evo", {"id"}); });
    EXPECT_EQ(e.code(), ErrorCode::kDatatypeMismatch);
    EXPECT_NE(e.message().find("c.parquet"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("'id'"), std::string::npos) << e.message();
}

TEST_F(LakeTest, ParquetPartitionsAndGarbageNeverOpened) {
    LakeTable t;
    t.schema = "s";
    t.name = "events";
    t.columns = {{"user_id", Type::bigint(), ""}, {"amount", Type::integer(), ""}};
    t.partition_columns = {{"dt", Type::date(), ""}};
    t.format = "parquet";
    t.location = location("events");
    lake_->create_table(t, false, false);
    copy("events_2024-01-01.parquet", "events/dt=2024-01-01/part-0.parquet");
    copy("events_2024-01-02.parquet", "events/dt=2024-01-02/part-0.parquet");
    write("events/dt=2024-01-03/part-0.parquet", "this is not parquet");
    EXPECT_EQ(lake_->repair_table("s", "events").added, 3u);
    Constraint c;
    c.add("dt", Domain::range(Type::date(), Range{{date("2024-01-01"), true}, {date("2024-01-02"), true}}));
    c.add("amount", Domain::range(Type::integer(), Range{{Value::integer(20), true}, {std::nullopt, false}}));
    auto r = scan("s", "events", {"dt", "amount"}, c);
    EXPECT_EQ(r.rows,
              (Rows{{"2024-01-01", "20"}, {"2024-01-01", "30"}, {"2024-01-02", "20"}, {"2024-01-02", "30"}}));
    // Reading the garbage partition fails with a clear error.
    EXPECT_EQ(capture_error([&] { scan("s", "events", {"dt"}); }).code(), ErrorCode::kBadFile);
    // Row-group statistics prune whole files.
    Constraint none;
    none.add("dt", Domain::values(Type::date(), {date("2024-01-01")}));
    none.add("amount",
             Domain::range(Type::integer(), Range{{Value::integer(1000), true}, {std::nullopt, false}}));
    auto empty = scan("s", "events", {"amount"}, none);
    EXPECT_TRUE(empty.rows.empty());
    EXPECT_TRUE(empty.plan.splits.empty());
}

TEST_F(LakeTest, LargeCsvIsSplitIntoRanges) {
    std::string text = "id,path\n";
    const int rows = 200000;
    for (int i = 0; i < rows; ++i)
        text += std::to_string(i) + ",/some/longer/path/" + std::to_string(i) + "\n";
    ASSERT_GT(text.size(), 2u << 20);
    write("big/k=1/data.csv", text);
    write("big/k=2/data.csv.gz", "");  // empty file (not gzip): compression 'none' reads it as empty
    LakeTable t;
    t.schema = "s";
    t.name = "big";
    t.columns = {{"id", Type::bigint(), ""}, {"path", Type::varchar(), ""}};
    t.partition_columns = {{"k", Type::integer(), ""}};
    t.format = "csv";
    t.location = location("big");
    t.properties = {{"skip.header.line.count", "1"}, {"compression", "none"}};
    lake_->create_table(t, false, false);
    EXPECT_EQ(lake_->repair_table("s", "big").added, 2u);
    auto info = lake_->get_table("s", "big");
    ScanRequest request;
    request.table = info->handle;
    request.columns = {"id", "k"};
    request.target_splits = 4;
    ScanPlan plan = lake_->plan_scan(request);
    EXPECT_GE(plan.splits.size(), 3u);
    ReadContext context;
    int64_t count = 0, sum = 0;
    for (const auto& split : plan.splits) {
        auto reader = lake_->read_split(request, split, context);
        Batch batch;
        while (reader->next(batch)) {
            const int64_t* ids = batch.columns[0]->values<int64_t>();
            for (size_t r = 0; r < batch.num_rows; ++r) sum += ids[r];
            EXPECT_EQ(batch.columns[1]->value_at(0), Value::integer(1));
            count += static_cast<int64_t>(batch.num_rows);
        }
    }
    EXPECT_EQ(count, rows);
    EXPECT_EQ(sum, int64_t{rows} * (rows - 1) / 2);
}

TEST_F(LakeTest, ManagedTableDropDeletesFiles) {
    LakeTable t;
    t.schema = "s";
    t.name = "managed";
    t.columns = {{"n", Type::integer(), ""}};
    t.format = "csv";
    t.external = false;
    lake_->create_table(t, false, false);
    const std::string folder = lake_->find_table("s", "managed")->location;
    EXPECT_EQ(folder, (dir_ / "warehouse/s/managed/").string());
    write("warehouse/s/managed/part-0.csv", "1\n2\n");
    write("warehouse/s/managed/sub/part-1.csv", "3\n");
    EXPECT_EQ(scan("s", "managed", {"n"}).rows, (Rows{{"1"}, {"2"}, {"3"}}));
    EXPECT_NE(lake_->show_create_table("s", "managed").find("CREATE TABLE s.managed"), std::string::npos);
    EXPECT_TRUE(lake_->drop_table("s", "managed"));
    EXPECT_FALSE(fs::exists(dir_ / "warehouse/s/managed/part-0.csv"));
    EXPECT_FALSE(fs::exists(dir_ / "warehouse/s/managed/sub/part-1.csv"));

    // An external table's files stay.
    write("ext/part-0.csv", "1\n");
    t.name = "ext";
    t.external = true;
    t.location = location("ext");
    lake_->create_table(t, false, false);
    EXPECT_TRUE(lake_->drop_table("s", "ext"));
    EXPECT_TRUE(fs::exists(dir_ / "ext/part-0.csv"));
}

TEST_F(LakeTest, ConcurrentScansAndDdl) {
    lake_->create_table(csv_table("logs", "logs"), false, false);
    for (int d = 1; d <= 9; ++d)
        write(fmt::format("logs/dt=2024-01-0{}/region=eu/a.csv", d), "id,path\n1,/a\n2,/b\n");
    EXPECT_EQ(lake_->repair_table("web", "logs").added, 9u);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            try {
                for (int round = 0; round < 5; ++round) {
                    if (i == 0) {
                        lake_->add_partitions(
                            "web", "logs",
                            {{{date("2025-01-01"), Value::varchar(std::to_string(round))}, ""}}, true);
                    } else {
                        Constraint c;
                        c.add("dt", Domain::values(Type::date(), {date(fmt::format("2024-01-0{}", i))}));
                        if (scan("web", "logs", {"id"}, c).rows.size() != 2) ++failures;
                    }
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << e.what();
                ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(lake_->list_partitions("web", "logs").size(), 14u);
}

TEST_F(LakeTest, JsonTable) {
    write("j/k=1/a.json", "{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"y\", \"a\": 2}\n{\"a\": null}\n");
    write("j/k=2/a.json", "{\"a\": 3, \"b\": \"z\"}\n");
    LakeTable t;
    t.schema = "s";
    t.name = "j";
    t.columns = {{"b", Type::varchar(), ""}, {"a", Type::bigint(), ""}};
    t.partition_columns = {{"k", Type::integer(), ""}};
    t.format = "JSON";
    t.location = location("j");
    lake_->create_table(t, false, false);
    lake_->repair_table("s", "j");
    EXPECT_EQ(scan("s", "j", {"k", "a", "b"}).rows,
              (Rows{{"1", "1", "x"}, {"1", "2", "y"}, {"1", "NULL", "NULL"}, {"2", "3", "z"}}));
    Constraint c;
    c.add("k", Domain::values(Type::integer(), {Value::integer(2)}));
    EXPECT_EQ(scan("s", "j", {"b"}, c).rows, (Rows{{"z"}}));
}

TEST_F(LakeTest, CsvOptions) {
    write("p/data.csv", "1|a|\\N\n2|\\N|x\n");
    LakeTable t;
    t.schema = "s";
    t.name = "p";
    t.columns = {{"n", Type::integer(), ""}, {"s", Type::varchar(), ""}, {"z", Type::varchar(), ""}};
    t.format = "csv";
    t.location = location("p");
    t.properties = {{"field.delim", "|"}, {"serialization.null.format", "\\N"}};
    lake_->create_table(t, false, false);
    EXPECT_EQ(scan("s", "p", {"z", "n", "s"}).rows, (Rows{{"NULL", "1", "a"}, {"x", "2", "NULL"}}));
    // Hidden files at the top level are skipped too; an empty location reads nothing.
    write("p/_committed", "junk");
    EXPECT_EQ(scan("s", "p", {"n"}).rows.size(), 2u);
    t.name = "empty";
    t.location = location("nothing-here");
    lake_->create_table(t, false, false);
    EXPECT_TRUE(scan("s", "empty", {"n"}).rows.empty());
}

TEST_F(LakeTest, ShowCreateTableRoundTrip) {
    LakeTable t = csv_table("Logs", "logs");
    t.properties["field.delim"] = "'";
    t.comment = "access logs";
    lake_->create_table(t, false, false);
    std::string sql = lake_->show_create_table("web", "logs");
    EXPECT_EQ(sql,
              "CREATE EXTERNAL TABLE web.\"Logs\" (\n"
              "  id INTEGER COMMENT 'the id',\n"
              "  path VARCHAR\n"
              ")\n"
              "COMMENT 'access logs'\n"
              "PARTITIONED BY (\n"
              "  dt DATE,\n"
              "  region VARCHAR\n"
              ")\n"
              "STORED AS CSV\n"
              "LOCATION '" +
                  location("logs") +
                  "'\n"
                  "TBLPROPERTIES (\n"
                  "  'field.delim' = '''',\n"
                  "  'skip.header.line.count' = '1'\n"
                  ")");
}

TEST_F(LakeTest, ProjectionPatterns) {
    int64_t t = *parse_date_pattern("yyyy-MM-dd HH:mm", "2024-03-05 07:09");
    EXPECT_EQ(format_date_pattern("yyyy/MM/dd/HH", t), "2024/03/05/07");
    EXPECT_EQ(format_date_pattern("yyyyMMdd'T'HH", t), "20240305T07");
    EXPECT_EQ(*parse_date_pattern("yyyyMMdd", "20240305"), *parse_date_pattern("yyyy-MM-dd", "2024-03-05"));
    EXPECT_FALSE(parse_date_pattern("yyyy-MM-dd", "2024-02-30"));
    EXPECT_FALSE(parse_date_pattern("yyyy-MM-dd", "2024-02-3"));
    EXPECT_FALSE(parse_date_pattern("yyyy-MM-dd", "2024-02-03x"));
}

TEST_F(LakeTest, ProjectPartitionsDirectly) {
    LakeTable t;
    t.schema = "s";
    t.name = "p";
    t.location = "/data/p/";
    t.columns = {{"v", Type::integer(), ""}};
    auto texts = [](const std::vector<ProjectedPartition>& parts) {
        std::vector<std::string> out;
        for (const auto& p : parts) out.push_back(p.values[0].to_string() + "@" + p.location);
        return out;
    };
    // Integer column, interval 10, constrained to [35, 72].
    t.partition_columns = {{"n", Type::integer(), ""}};
    t.properties = {{"projection.enabled", "true"},
                    {"projection.n.type", "integer"},
                    {"projection.n.range", "0,100"},
                    {"projection.n.interval", "10"}};
    Domain d = Domain::range(Type::integer(), Range{{Value::integer(35), true}, {Value::integer(72), true}});
    EXPECT_EQ(texts(project_partitions(t, parse_projection(t), {&d}, 0)),
              (std::vector<std::string>{"40@/data/p/n=40/", "50@/data/p/n=50/", "60@/data/p/n=60/",
                                        "70@/data/p/n=70/"}));
    EXPECT_EQ(project_partitions(t, parse_projection(t), {nullptr}, 0).size(), 11u);

    // Monthly VARCHAR dates.
    t.partition_columns = {{"m", Type::varchar(), ""}};
    t.properties = {{"projection.enabled", "true"},
                    {"projection.m.type", "date"},
                    {"projection.m.format", "yyyy-MM"},
                    {"projection.m.range", "2023-11,2024-02"}};
    EXPECT_EQ(texts(project_partitions(t, parse_projection(t), {nullptr}, 0)),
              (std::vector<std::string>{"2023-11@/data/p/m=2023-11/", "2023-12@/data/p/m=2023-12/",
                                        "2024-01@/data/p/m=2024-01/", "2024-02@/data/p/m=2024-02/"}));

    // A DATE column over a long range, constrained to three days: enumerates only those.
    t.partition_columns = {{"dt", Type::date(), ""}};
    t.properties = {{"projection.enabled", "true"},
                    {"projection.dt.type", "date"},
                    {"projection.dt.range", "2000-01-01,NOW"}};
    Domain days = Domain::range(Type::date(), Range{{date("2024-03-10"), true}, {date("2024-03-12"), true}});
    int64_t now = *parse_timestamp("2024-06-01 12:00:00");
    EXPECT_EQ(
        texts(project_partitions(t, parse_projection(t), {&days}, now, 10)),
        (std::vector<std::string>{"2024-03-10@/data/p/dt=2024-03-10/", "2024-03-11@/data/p/dt=2024-03-11/",
                                  "2024-03-12@/data/p/dt=2024-03-12/"}));
    // NOW-N UNIT, and the partition cap.
    t.properties["projection.dt.range"] = "NOW-2DAYS,NOW";
    EXPECT_EQ(project_partitions(t, parse_projection(t), {nullptr}, now).size(), 3u);
    t.properties["projection.dt.range"] = "2000-01-01,NOW";
    EXPECT_EQ(capture_error([&] { project_partitions(t, parse_projection(t), {nullptr}, now, 1000); }).code(),
              ErrorCode::kInvalidParameter);
    // A contradiction gives nothing.
    Domain none = Domain::none(Type::date());
    EXPECT_TRUE(project_partitions(t, parse_projection(t), {&none}, now).empty());
}

TEST_F(LakeTest, ProjectionDateEnumInteger) {
    LakeTable t;
    t.schema = "s";
    t.name = "proj";
    t.columns = {{"v", Type::integer(), ""}};
    t.partition_columns = {
        {"dt", Type::date(), ""}, {"region", Type::varchar(), ""}, {"shard", Type::varchar(), ""}};
    t.format = "csv";
    t.location = location("proj");
    t.properties = {{"projection.enabled", "true"},
                    {"projection.dt.type", "date"},
                    {"projection.dt.range", "2024-01-01,NOW"},
                    {"projection.region.type", "enum"},
                    {"projection.region.values", "eu, us"},
                    {"projection.shard.type", "integer"},
                    {"projection.shard.range", "0,3"},
                    {"projection.shard.digits", "2"}};
    lake_->create_table(t, false, false);
    write("proj/dt=2024-01-02/region=eu/shard=01/a.csv", "1\n");
    write("proj/dt=2024-01-03/region=us/shard=03/a.csv", "2\n3\n");
    write("proj/dt=2024-01-05/region=us/shard=00/a.csv", "not a number\n");    // outside the constraint
    write("proj/dt=2024-01-02/region=asia/shard=00/a.csv", "not a number\n");  // not an enum value

    Constraint c;
    c.add("dt", Domain::range(Type::date(), Range{{date("2024-01-02"), true}, {date("2024-01-03"), true}}));
    auto r = scan("s", "proj", {"dt", "region", "shard", "v"}, c);
    EXPECT_EQ(r.rows, (Rows{{"2024-01-02", "eu", "01", "1"},
                            {"2024-01-03", "us", "03", "2"},
                            {"2024-01-03", "us", "03", "3"}}));
    EXPECT_NE(r.plan.description.find("16 of 16 partitions"), std::string::npos)
        << r.plan.description;  // 2 days * 2 * 4

    Constraint narrower = c;
    narrower.add("region", Domain::values(Type::varchar(), {Value::varchar("us"), Value::varchar("asia")}));
    narrower.add("shard", Domain::values(Type::varchar(), {Value::varchar("03")}));
    auto n = scan("s", "proj", {"v"}, narrower);
    EXPECT_EQ(n.rows, (Rows{{"2"}, {"3"}}));
    EXPECT_NE(n.plan.description.find("2 of 2 partitions"), std::string::npos) << n.plan.description;

    // Without a constraint the whole range (2024-01-01 .. today) is enumerated; bad folders then fail.
    EXPECT_EQ(capture_error([&] { scan("s", "proj", {"v"}); }).code(), ErrorCode::kBadFile);

    // Projection ignores registered partitions and needs no MSCK.
    EXPECT_EQ(lake_->list_partitions("s", "proj").size(), 0u);
}

TEST_F(LakeTest, ProjectionInjectedAndTemplate) {
    LakeTable t;
    t.schema = "s";
    t.name = "inj";
    t.columns = {{"v", Type::integer(), ""}};
    t.partition_columns = {{"customer", Type::varchar(), ""}, {"hour", Type::timestamp(), ""}};
    t.format = "csv";
    t.location = location("inj");
    t.properties = {{"projection.enabled", "true"},
                    {"projection.customer.type", "injected"},
                    {"projection.hour.type", "date"},
                    {"projection.hour.format", "yyyy/MM/dd/HH"},
                    {"projection.hour.range", "2024/01/01/00,2024/01/01/05"},
                    {"projection.hour.interval", "2"},
                    {"storage.location.template", location("inj") + "${customer}/${hour}/"}};
    lake_->create_table(t, false, false);
    write("inj/acme/2024/01/01/02/a.csv", "1\n");
    write("inj/acme/2024/01/01/04/a.csv", "2\n");
    write("inj/acme/2024/01/01/03/a.csv", "99\n");  // not on the 2-hour grid
    write("inj/other/2024/01/01/00/a.csv", "3\n");

    Error e = capture_error([&] { scan("s", "inj", {"v"}); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_NE(e.message().find("partition projection needs a constraint on column customer"),
              std::string::npos)
        << e.message();
    Constraint c;
    c.add("customer", Domain::values(Type::varchar(), {Value::varchar("acme")}));
    EXPECT_EQ(scan("s", "inj", {"v", "hour"}, c).rows,
              (Rows{{"1", "2024-01-01 02:00:00"}, {"2", "2024-01-01 04:00:00"}}));
    Constraint both = c;
    both.add("customer", Domain::values(Type::varchar(), {Value::varchar("acme"), Value::varchar("other")}));
    both.add("hour", Domain::range(Type::timestamp(),
                                   Range{{std::nullopt, false},
                                         {Value::timestamp(*parse_timestamp("2024-01-01 02:00:00")), true}}));
    EXPECT_EQ(scan("s", "inj", {"customer", "v"}, both).rows, (Rows{{"acme", "1"}}));
}

// S3 (s3rver from scripts/test-services.sh).
std::string env_or(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

TEST_F(LakeTest, S3ListingAndReading) {
    const std::string endpoint = env_or("FEDQ_S3_ENDPOINT", "http://127.0.0.1:54569");
    const std::string key = env_or("FEDQ_S3_ACCESS_KEY_ID", "S3RVER");
    const std::string secret = env_or("FEDQ_S3_SECRET_ACCESS_KEY", "S3RVER");
    const std::string bucket = env_or("FEDQ_S3_BUCKET", "fedq-test");
    S3Client client(resolve_s3_config({{"endpoint", endpoint},
                                       {"access_key_id", key},
                                       {"secret_access_key", secret},
                                       {"region", "us-east-1"}}));
    const std::string prefix = "lake-unit-" + std::to_string(::getpid()) + "/t/";
    std::ifstream in(data_file("events_2024-01-01.parquet"), std::ios::binary);
    std::string parquet((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    client.put_object(bucket, prefix + "dt=2024-01-01/part-0.parquet", parquet);
    client.put_object(bucket, prefix + "dt=2024-01-02/part-0.parquet", parquet);
    client.put_object(bucket, prefix + "dt=2024-01-02/_SUCCESS", "");
    client.put_object(bucket, prefix + "dt=2024-01-03/part-0.parquet", "garbage");
    auto lake = make({{"s3_endpoint", endpoint},
                      {"s3_access_key_id", key},
                      {"s3_secret_access_key", secret},
                      {"s3_region", "us-east-1"}},
                     "s3lake");
    EXPECT_EQ(lake->s3_profile(), "lake:s3lake");
    LakeTable t;
    t.schema = "s";
    t.name = "events";
    t.columns = {{"user_id", Type::bigint(), ""}, {"amount", Type::integer(), ""}};
    t.partition_columns = {{"dt", Type::date(), ""}};
    t.format = "parquet";
    t.location = "s3://" + bucket + "/" + prefix;
    lake->create_table(t, false, false);
    EXPECT_EQ(lake->repair_table("s", "events").added, 3u);
    Constraint c;
    c.add("dt", Domain::range(Type::date(), Range{{std::nullopt, false}, {date("2024-01-02"), true}}));
    auto r = scan("s", "events", {"dt", "user_id"}, c, std::nullopt, lake.get());
    EXPECT_EQ(r.rows.size(), 8u);
    EXPECT_EQ(r.rows.front(), (std::vector<std::string>{"2024-01-01", "0"}));
    EXPECT_EQ(r.rows.back(), (std::vector<std::string>{"2024-01-02", "3"}));
    for (const auto& object : client.list_objects(bucket, "lake-unit-" + std::to_string(::getpid()) + "/")) {
        client.delete_object(bucket, object.key);
    }
}

}  // namespace
}  // namespace fedq
