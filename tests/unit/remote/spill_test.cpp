// Spilled split results: the crypto of spill objects, a real ConnectorService (port 0, SQLite) spilling to a
// local directory, the raw protocol answer and the remote connector reading it back.
#include "remote/spill.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <thread>

#include "connectors/sqlite/sqlite_connector.h"
#include "formats/arrow_ipc.h"
#include "io/file_system.h"
#include "remote/connector_service.h"
#include "remote/http.h"
#include "remote/remote_connector.h"
#include "remote/signing.h"

namespace fedq {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kKey = "spill-test-signing-key-0123";

fs::path test_root() {
    return fs::temp_directory_path() / ("fedq_spill_test_" + std::to_string(::getpid()));
}

std::string make_db() {
    fs::create_directories(test_root());
    std::string path = (test_root() / "shop.db").string();
    if (fs::exists(path)) return path;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const char* sql = R"(
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO items SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'item ' || i END, i * 0.5,
                                 CASE WHEN i % 11 = 0 THEN NULL ELSE i % 100 END FROM n;)";
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return path;
}

std::shared_ptr<Connector> sqlite_connector() {
    ConnectorConfig config;
    config.catalog = "shop";
    config.type = "sqlite";
    config.options = {{"path", make_db()}, {"split_min_rows", "1000"}};
    return make_sqlite_connector(config);
}

ScanRequest items_request(size_t target_splits) {
    static const TableHandle handle = sqlite_connector()->get_table("main", "items")->handle;
    ScanRequest request;
    request.table = handle;
    request.columns = {"id", "name", "price", "qty"};
    request.target_splits = target_splits;
    request.batch_rows = 500;
    return request;
}

std::string fresh_dir(const std::string& name) {
    fs::path dir = test_root() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

std::vector<std::string> spill_files(const std::string& dir) {
    std::vector<std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".fqsp") out.push_back(entry.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
}

std::string row_text(const Batch& batch, size_t r) {
    std::string row;
    for (size_t c = 0; c < batch.num_columns(); ++c) {
        Value v = batch.column(c).value_at(r);
        row += (v.is_null() ? std::string("NULL") : v.to_string()) + "|";
    }
    return row;
}

std::vector<std::string> drain(BatchReader& reader) {
    std::vector<std::string> rows;
    Batch batch;
    while (reader.next(batch)) {
        for (size_t r = 0; r < batch.num_rows; ++r) rows.push_back(row_text(batch, r));
    }
    return rows;
}

std::vector<std::string> drain(SpillReader& reader) {
    std::vector<std::string> rows;
    Batch batch;
    while (reader.next(batch)) {
        for (size_t r = 0; r < batch.num_rows; ++r) rows.push_back(row_text(batch, r));
    }
    return rows;
}

template <typename F>
Error expect_error(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error raised";
    return Error(ErrorCode::kInternal, "none");
}

int64_t now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ---- crypto

TEST(SpillCrypto, SealOpenRoundTripAndTampering) {
    std::string key = make_spill_key();
    ASSERT_EQ(key.size(), 32u);
    EXPECT_NE(key, make_spill_key());
    std::string plain = "hello spill \0 with a zero byte";
    std::string sealed = seal_spill_object(key, spill_aad("q1", 0), plain);
    EXPECT_EQ(sealed.size(), 5 + 12 + plain.size() + 16);
    EXPECT_EQ(sealed.substr(0, 5), "FQSP1");
    EXPECT_EQ(sealed.find("hello"), std::string::npos);
    EXPECT_EQ(open_spill_object(key, spill_aad("q1", 0), sealed, "x"), plain);
    // Fresh IV per object: sealing twice differs.
    EXPECT_NE(seal_spill_object(key, spill_aad("q1", 0), plain), sealed);
    // Empty plaintext.
    EXPECT_EQ(open_spill_object(key, spill_aad("q", 3), seal_spill_object(key, spill_aad("q", 3), ""), "x"), "");

    // Wrong AAD (other query or other index), wrong key, flipped bits anywhere, truncation: kBadFile.
    EXPECT_EQ(expect_error([&] { open_spill_object(key, spill_aad("q2", 0), sealed, "x"); }).code(),
              ErrorCode::kBadFile);
    EXPECT_EQ(expect_error([&] { open_spill_object(key, spill_aad("q1", 1), sealed, "x"); }).code(),
              ErrorCode::kBadFile);
    EXPECT_EQ(expect_error([&] { open_spill_object(make_spill_key(), spill_aad("q1", 0), sealed, "x"); }).code(),
              ErrorCode::kBadFile);
    for (size_t pos : {size_t{6}, size_t{20}, sealed.size() - 1}) {
        std::string bad = sealed;
        bad[pos] ^= 0x01;
        Error e = expect_error([&] { open_spill_object(key, spill_aad("q1", 0), bad, "object 7"); });
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        EXPECT_NE(e.message().find("object 7"), std::string::npos) << e.message();
    }
    EXPECT_EQ(expect_error([&] { open_spill_object(key, spill_aad("q1", 0), sealed.substr(0, 20), "x"); }).code(),
              ErrorCode::kBadFile);
    std::string not_spill = "PAR1" + sealed.substr(4);
    EXPECT_EQ(expect_error([&] { open_spill_object(key, spill_aad("q1", 0), not_spill, "x"); }).code(),
              ErrorCode::kBadFile);
    EXPECT_EQ(expect_error([&] { seal_spill_object("short", "aad", "x"); }).code(), ErrorCode::kInvalidParameter);
}

TEST(SpillCrypto, Base64Keys) {
    for (std::string s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                          std::string("foob"), std::string("\xff\x00\x10", 3)}) {
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    }
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_decode("Zm9vYg"), "foob");  // padding optional
    std::string key = make_spill_key();
    EXPECT_EQ(spill_key_from_base64(base64_encode(key)), key);
    EXPECT_EQ(expect_error([&] { spill_key_from_base64(base64_encode("too short")); }).code(),
              ErrorCode::kInvalidParameter);
    EXPECT_EQ(expect_error([&] { spill_key_from_base64("not base64 !!"); }).code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(spill_join("/a/b/", "c"), "/a/b/c");
    EXPECT_EQ(spill_join("s3://bkt/p", "c"), "s3://bkt/p/c");
}

// ---- a real service spilling to a local directory

class SpillServiceTest : public ::testing::Test {
protected:
    void start(uint64_t threshold, const std::string& dir_name = "spill") {
        dir_ = fresh_dir(dir_name);
        connector_ = sqlite_connector();
        ConnectorServiceOptions options;
        options.connector = connector_;
        options.listen = "127.0.0.1:0";
        options.auth_key = kKey;
        options.log = [this](const std::string& line) {
            std::lock_guard lock(log_mutex_);
            log_.push_back(line);
        };
        options.spill_location = dir_;
        options.spill_threshold_bytes = threshold;
        options.shutdown_grace_seconds = 2;
        service_ = std::make_unique<ConnectorService>(options);
        service_->start();
    }
    void TearDown() override {
        if (service_) service_->stop();
    }

    std::shared_ptr<Connector> remote(std::map<std::string, std::string> extra = {}) {
        ConnectorConfig config;
        config.catalog = "far";
        config.type = "remote";
        config.options = {{"endpoints", "http://127.0.0.1:" + std::to_string(service_->port())},
                          {"auth_key", kKey}};
        for (auto& [k, v] : extra) config.options[k] = v;
        return make_remote_connector(config);
    }

    // A raw read_split with a spill key; the response.
    HttpResponse raw_read(const ScanRequest& request, const Split& split, const std::string& key,
                          const std::string& query_id) {
        json body{{"request", request.to_json()},
                  {"split", split_to_json(split)},
                  {"query_id", query_id},
                  {"spill", {{"key", base64_encode(key)}, {"allowed", true}}}};
        std::string text = body.dump();
        HttpHeaders headers{{"Content-Type", "application/json"}};
        for (auto& h : sign_request(kKey, "POST", "/v1/read_split", text, now_unix()).list()) headers.push_back(h);
        auto connection = http_connect("127.0.0.1", service_->port());
        connection->write_request("POST", "/v1/read_split", "127.0.0.1", headers, text);
        return connection->read_response();
    }

    std::vector<SpilledObject> spilled_objects(const HttpResponse& response) {
        EXPECT_EQ(response.status, 200) << response.body;
        EXPECT_EQ(response.header("Content-Type"), "application/json");
        json parsed = json::parse(response.body);
        std::vector<SpilledObject> objects;
        for (const auto& item : parsed.at("spilled")) {
            objects.push_back(SpilledObject{item.at("location").get<std::string>(), item.at("bytes").get<uint64_t>(),
                                            item.at("rows").get<uint64_t>()});
        }
        return objects;
    }

    std::vector<std::string> in_process_rows(const ScanRequest& request, const Split& split) {
        ReadContext context;
        auto reader = connector_->read_split(request, split, context);
        return drain(*reader);
    }

    std::string dir_;
    std::shared_ptr<Connector> connector_;
    std::unique_ptr<ConnectorService> service_;
    std::mutex log_mutex_;
    std::vector<std::string> log_;
};

TEST_F(SpillServiceTest, RemoteConnectorReadsSpilledSplitsEqualToInProcess) {
    start(8 * 1024);
    auto far = remote();
    ScanRequest request = items_request(4);
    ScanPlan plan = connector_->plan_scan(request);
    ASSERT_GE(plan.splits.size(), 2u);
    ScanMetrics metrics;
    size_t total = 0;
    for (const auto& split : plan.splits) {
        ReadContext context;
        context.metrics = &metrics;
        auto reader = far->read_split(request, split, context);
        auto rows = drain(*reader);
        EXPECT_EQ(rows, in_process_rows(request, split));
        total += rows.size();
        EXPECT_TRUE(spill_files(dir_).empty()) << "objects are deleted once read";
    }
    EXPECT_EQ(total, 20000u);
    EXPECT_GT(metrics.bytes_read.load(), 20000u * 8);
    EXPECT_EQ(metrics.rows_read.load(), 20000u);
    // One log line per spilled split, naming objects and bytes, never the key.
    std::lock_guard lock(log_mutex_);
    size_t spilled_lines = 0;
    for (const auto& line : log_) {
        if (line.find("read_split spilled") != std::string::npos) {
            ++spilled_lines;
            EXPECT_NE(line.find("object(s)"), std::string::npos) << line;
        }
        EXPECT_EQ(line.find("\"key\""), std::string::npos) << line;
    }
    EXPECT_EQ(spilled_lines, plan.splits.size());
}

TEST_F(SpillServiceTest, RawAnswerListsEncryptedObjectsThatAreNotReadableArrow) {
    start(4 * 1024);
    ScanRequest request = items_request(1);
    ScanPlan plan = connector_->plan_scan(request);
    ASSERT_EQ(plan.splits.size(), 1u);
    std::string key = make_spill_key();
    auto objects = spilled_objects(raw_read(request, plan.splits[0], key, "q-raw"));
    ASSERT_GE(objects.size(), 3u);
    auto files = spill_files(dir_);
    ASSERT_EQ(files.size(), objects.size());
    uint64_t rows = 0;
    for (size_t i = 0; i < objects.size(); ++i) {
        EXPECT_NE(objects[i].location.find(dir_), std::string::npos);
        EXPECT_GT(objects[i].rows, 0u);
        rows += objects[i].rows;
        std::string data = read_file(objects[i].location);
        EXPECT_EQ(data.size(), objects[i].bytes);
        EXPECT_EQ(data.substr(0, 5), "FQSP1");
        EXPECT_EQ(data.find("item 1"), std::string::npos) << "plaintext leaked";
        // Not an Arrow stream (neither as is nor without the magic).
        for (size_t skip : {size_t{0}, size_t{17}}) {
            size_t pos = skip;
            Error e = expect_error([&] {
                ArrowStreamReader reader(
                    [&](void* dest, size_t capacity) {
                        size_t n = std::min(capacity, data.size() - pos);
                        std::memcpy(dest, data.data() + pos, n);
                        pos += n;
                        return n;
                    },
                    "raw object");
                Batch batch;
                while (reader.next(batch)) {
                }
            });
            EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        }
        // ~threshold bytes per object (the last may be smaller; a batch may overshoot).
        EXPECT_LT(objects[i].bytes, 4 * 1024 + 64 * 1024u);
    }
    EXPECT_EQ(rows, 20000u);

    // Each object is a complete Arrow stream of consecutive rows once decrypted.
    std::string plain = open_spill_object(key, spill_aad("q-raw", 1), read_file(objects[1].location), "o1");
    size_t pos = 0;
    ArrowStreamReader reader(
        [&](void* dest, size_t capacity) {
            size_t n = std::min(capacity, plain.size() - pos);
            std::memcpy(dest, plain.data() + pos, n);
            pos += n;
            return n;
        },
        "object 1");
    uint64_t object_rows = 0;
    Batch batch;
    while (reader.next(batch)) object_rows += batch.num_rows;
    EXPECT_EQ(object_rows, objects[1].rows);

    // The reader gives back exactly the in-process rows, and deletes the objects.
    SpillReader spill(objects, key, "q-raw");
    EXPECT_EQ(drain(spill), in_process_rows(request, plan.splits[0]));
    EXPECT_EQ(spill.bytes_read(), [&] {
        uint64_t b = 0;
        for (auto& o : objects) b += o.bytes;
        return b;
    }());
    EXPECT_TRUE(spill_files(dir_).empty());
}

TEST_F(SpillServiceTest, TamperedObjectIsABadFileError) {
    start(4 * 1024);
    ScanRequest request = items_request(1);
    ScanPlan plan = connector_->plan_scan(request);
    std::string key = make_spill_key();
    auto objects = spilled_objects(raw_read(request, plan.splits[0], key, "q-tamper"));
    ASSERT_GE(objects.size(), 2u);
    std::string data = read_file(objects[1].location);
    data[data.size() / 2] ^= 0x20;
    write_file(objects[1].location, data);
    {
        SpillReader spill(objects, key, "q-tamper");
        Batch batch;
        Error e = expect_error([&] {
            while (spill.next(batch)) {
            }
        });
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
        EXPECT_NE(e.message().find(objects[1].location), std::string::npos) << e.message();
    }
    EXPECT_TRUE(spill_files(dir_).empty()) << "objects are deleted after an error";

    // Objects swapped between positions fail too (the index is authenticated).
    objects = spilled_objects(raw_read(request, plan.splits[0], key, "q-swap"));
    ASSERT_GE(objects.size(), 2u);
    std::string first = read_file(objects[0].location);
    std::string second = read_file(objects[1].location);
    write_file(objects[0].location, second);
    write_file(objects[1].location, first);
    SpillReader swapped(objects, key, "q-swap");
    Batch batch;
    EXPECT_EQ(expect_error([&] { swapped.next(batch); }).code(), ErrorCode::kBadFile);
    // And a wrong key.
    objects = spilled_objects(raw_read(request, plan.splits[0], key, "q-key"));
    SpillReader wrong_key(objects, make_spill_key(), "q-key");
    EXPECT_EQ(expect_error([&] { wrong_key.next(batch); }).code(), ErrorCode::kBadFile);
}

TEST_F(SpillServiceTest, MissingObjectIsAClearIoError) {
    start(4 * 1024);
    ScanRequest request = items_request(1);
    ScanPlan plan = connector_->plan_scan(request);
    std::string key = make_spill_key();
    auto objects = spilled_objects(raw_read(request, plan.splits[0], key, "q-missing"));
    ASSERT_GE(objects.size(), 3u);
    fs::remove(objects[2].location);
    SpillReader spill(objects, key, "q-missing");
    Batch batch;
    uint64_t rows = 0;
    Error e = expect_error([&] {
        while (spill.next(batch)) rows += batch.num_rows;
    });
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(e.message().find("spill object"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("3 of"), std::string::npos) << e.message();
    EXPECT_EQ(rows, objects[0].rows + objects[1].rows);
    spill.remove_all();
    EXPECT_TRUE(spill_files(dir_).empty());
}

TEST_F(SpillServiceTest, RemoteReaderErrorsAfterRowsAndCleansUp) {
    start(4 * 1024);
    auto far = remote({{"max_retries", "0"}});
    ScanRequest request = items_request(1);
    ScanPlan plan = connector_->plan_scan(request);
    ReadContext context;
    auto reader = far->read_split(request, plan.splits[0], context);
    Batch batch;
    ASSERT_TRUE(reader->next(batch));
    auto files = spill_files(dir_);
    ASSERT_GE(files.size(), 3u);
    fs::remove(files.back());  // not read yet
    Error e = expect_error([&] {
        while (reader->next(batch)) {
        }
    });
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(e.message().find("catalog far"), std::string::npos) << e.message();
    EXPECT_TRUE(spill_files(dir_).empty());

    // A reader dropped before the end (cancel, LIMIT) deletes the objects not read.
    auto partial = far->read_split(request, plan.splits[0], context);
    ASSERT_TRUE(partial->next(batch));
    EXPECT_FALSE(spill_files(dir_).empty());
    partial.reset();
    EXPECT_TRUE(spill_files(dir_).empty());
}

TEST_F(SpillServiceTest, BelowThresholdOrNotAllowedStreamsAsBefore) {
    start(64u << 20);
    ScanRequest request = items_request(1);
    ScanPlan plan = connector_->plan_scan(request);
    HttpResponse response = raw_read(request, plan.splits[0], make_spill_key(), "q-small");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/vnd.apache.arrow.stream");
    EXPECT_TRUE(spill_files(dir_).empty());
    auto far = remote();
    ReadContext context;
    auto reader = far->read_split(request, plan.splits[0], context);
    EXPECT_EQ(drain(*reader).size(), 20000u);
    service_->stop();

    // Above the threshold but the client did not offer spilling (spill = false): a stream.
    start(4 * 1024, "spill2");
    auto no_spill = remote({{"spill", "false"}});
    auto reader2 = no_spill->read_split(request, plan.splits[0], context);
    EXPECT_EQ(drain(*reader2), in_process_rows(request, plan.splits[0]));
    EXPECT_TRUE(spill_files(dir_).empty());
    std::lock_guard lock(log_mutex_);
    for (const auto& line : log_) EXPECT_EQ(line.find("read_split spilled"), std::string::npos) << line;
}

TEST_F(SpillServiceTest, BadSpillKeyIsAnInvalidParameter) {
    start(4 * 1024);
    ScanRequest request = items_request(1);
    ScanPlan plan = connector_->plan_scan(request);
    HttpResponse response = raw_read(request, plan.splits[0], "short key", "q-bad");
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_NE(response.body.find("22023"), std::string::npos) << response.body;
    EXPECT_TRUE(spill_files(dir_).empty());
}

TEST(SpillCleanup, StaleObjectsAreDeleted) {
    std::string dir = fresh_dir("stale");
    int64_t now = now_unix();
    std::string old_object = dir + "/" + std::to_string(now - 2 * 86400) + "-0123456789abcdef-0.fqsp";
    std::string recent = dir + "/" + std::to_string(now - 60) + "-0123456789abcdef-1.fqsp";
    std::string other = dir + "/" + std::to_string(now - 2 * 86400) + "-notes.txt";
    std::string odd = dir + "/old-name.fqsp";
    for (const auto& p : {old_object, recent, other, odd}) write_file(p, "x");
    EXPECT_EQ(remove_stale_spill_objects(dir, 86400, now), 1u);
    EXPECT_FALSE(fs::exists(old_object));
    EXPECT_TRUE(fs::exists(recent));
    EXPECT_TRUE(fs::exists(other));
    EXPECT_TRUE(fs::exists(odd));
    EXPECT_EQ(remove_stale_spill_objects(dir, 30, now), 1u);
    EXPECT_FALSE(fs::exists(recent));
    // A location that does not exist yet is not an error.
    EXPECT_EQ(remove_stale_spill_objects(dir + "/nope", 30, now), 0u);
    EXPECT_EQ(remove_stale_spill_objects("file://" + dir, 30, now), 0u);
}

TEST(SpillCleanup, ServiceCleansAtStartAndPeriodically) {
    std::string dir = fresh_dir("stale_service");
    int64_t now = now_unix();
    std::string old_object = dir + "/" + std::to_string(now - 3 * 3600) + "-00ff-0.fqsp";
    write_file(old_object, "x");
    ConnectorServiceOptions options;
    options.connector = sqlite_connector();
    options.listen = "127.0.0.1:0";
    options.auth_key = kKey;
    options.log = [](const std::string&) {};
    options.spill_location = dir;
    options.spill_max_age_seconds = 3600;
    options.spill_cleanup_interval_seconds = 0.05;
    ConnectorService service(options);
    service.start();
    auto wait_gone = [](const std::string& path) {
        for (int i = 0; i < 200 && fs::exists(path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return !fs::exists(path);
    };
    EXPECT_TRUE(wait_gone(old_object));
    // Written after the start: removed by a later pass.
    std::string later = dir + "/" + std::to_string(now - 2 * 3600) + "-00ff-1.fqsp";
    write_file(later, "x");
    EXPECT_TRUE(wait_gone(later));
    service.stop();

    options.spill_location = "ftp://nowhere/x";
    ConnectorService bad(options);
    EXPECT_EQ(expect_error([&] { bad.start(); }).code(), ErrorCode::kInvalidParameter);
}

// ---- S3: the real s3rver started by scripts/test-services.sh (127.0.0.1:54569, S3RVER/S3RVER, bucket
// fedq-test); these tests FAIL when it is down, like tests/unit/io/write_test.cpp.

std::string env_or(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

const std::string kS3Bucket = env_or("FEDQ_S3_BUCKET", "fedq-test");

// The default S3 file system is configured from the environment on first use (nothing else in this
// executable uses S3).
const bool kS3EnvironmentSet = [] {
    ::setenv("AWS_ENDPOINT_URL_S3", env_or("FEDQ_S3_ENDPOINT", "http://127.0.0.1:54569").c_str(), 1);
    ::setenv("AWS_ACCESS_KEY_ID", env_or("FEDQ_S3_ACCESS_KEY_ID", "S3RVER").c_str(), 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", env_or("FEDQ_S3_SECRET_ACCESS_KEY", "S3RVER").c_str(), 1);
    ::setenv("AWS_REGION", "us-east-1", 1);
    ::unsetenv("AWS_SESSION_TOKEN");
    ::unsetenv("AWS_PROFILE");
    return true;
}();

size_t s3_object_count(const std::string& prefix) {
    try {
        return get_file_system(prefix).glob(prefix + "*.fqsp").size();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable) << e.format();
        return 0;
    }
}

TEST(SpillS3, SpillsToS3AndReadsBack) {
    ASSERT_TRUE(kS3EnvironmentSet);
    std::string prefix = "s3://" + kS3Bucket + "/spill-test-" + std::to_string(::getpid()) + "-" + random_nonce() + "/";
    auto connector = sqlite_connector();
    ConnectorServiceOptions options;
    options.connector = connector;
    options.listen = "127.0.0.1:0";
    options.auth_key = kKey;
    std::vector<std::string> log;
    std::mutex log_mutex;
    options.log = [&](const std::string& line) {
        std::lock_guard lock(log_mutex);
        log.push_back(line);
    };
    options.spill_location = prefix;
    options.spill_threshold_bytes = 32 * 1024;
    ConnectorService service(options);
    service.start();

    ConnectorConfig config;
    config.catalog = "far";
    config.type = "remote";
    config.options = {{"endpoints", "http://127.0.0.1:" + std::to_string(service.port())}, {"auth_key", kKey}};
    auto far = make_remote_connector(config);
    ScanRequest request = items_request(2);
    ScanPlan plan = connector->plan_scan(request);
    size_t total = 0;
    for (const auto& split : plan.splits) {
        ReadContext context;
        auto reader = far->read_split(request, split, context);
        ReadContext local_context;
        auto local = connector->read_split(request, split, local_context);
        auto rows = drain(*reader);
        EXPECT_EQ(rows, drain(*local));
        total += rows.size();
    }
    EXPECT_EQ(total, 20000u);
    EXPECT_EQ(s3_object_count(prefix), 0u) << "objects are deleted once read";
    {
        std::lock_guard lock(log_mutex);
        size_t spilled = 0;
        for (const auto& line : log) spilled += line.find("read_split spilled") != std::string::npos;
        EXPECT_EQ(spilled, plan.splits.size());
    }
    service.stop();

    // Stale cleanup on S3.
    int64_t now = now_unix();
    std::string old_object = prefix + std::to_string(now - 2 * 86400) + "-00aa-0.fqsp";
    std::string recent = prefix + std::to_string(now) + "-00aa-1.fqsp";
    for (const auto& path : {old_object, recent}) {
        auto file = get_file_system(path).create(path);
        file->append(std::string_view("ciphertext"));
        file->commit();
    }
    EXPECT_EQ(remove_stale_spill_objects(prefix, 86400, now), 1u);
    EXPECT_FALSE(get_file_system(old_object).exists(old_object));
    EXPECT_TRUE(get_file_system(recent).exists(recent));
    get_file_system(recent).remove(recent);
}

}  // namespace
}  // namespace fedq
