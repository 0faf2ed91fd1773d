// The connector service over a real connector (SQLite), called over loopback HTTP.
#include "remote/connector_service.h"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "connectors/sqlite/sqlite_connector.h"
#include "formats/arrow_ipc.h"
#include "remote/http.h"
#include "remote/signing.h"

namespace fedq {
namespace {

using json = nlohmann::json;

constexpr const char* kKey = "service-test-key-0123456789";

std::string scratch_db() {
    auto dir = std::filesystem::temp_directory_path() / ("fedq_remote_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string path = (dir / "shop.db").string();
    std::filesystem::remove(path);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const char* sql = R"(
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO items SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'item ' || i END, i * 0.5,
                                 CASE WHEN i % 11 = 0 THEN NULL ELSE i % 100 END FROM n;
        CREATE TABLE empty_table(a INTEGER, b TEXT);
        CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 10;)";
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return path;
}

std::shared_ptr<Connector> sqlite_connector(const std::string& path) {
    ConnectorConfig config;
    config.catalog = "shop";
    config.type = "sqlite";
    config.options = {{"path", path}, {"split_min_rows", "1000"}};
    return make_sqlite_connector(config);
}

// Delays list_schemas (a request still running when the service stops).
class SlowConnector : public Connector {
public:
    explicit SlowConnector(std::shared_ptr<Connector> inner, int delay_ms) : inner_(std::move(inner)), delay_ms_(delay_ms) {}
    std::string type_name() const override { return inner_->type_name(); }
    Capabilities capabilities() const override { return inner_->capabilities(); }
    std::vector<std::string> list_schemas() override {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
        return inner_->list_schemas();
    }
    TablePage list_tables(const std::string& schema, const std::string& token) override {
        return inner_->list_tables(schema, token);
    }
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override {
        return inner_->get_table(schema, table);
    }
    ScanPlan plan_scan(const ScanRequest& request) override { return inner_->plan_scan(request); }
    // A reader that waits for cancellation (or 5 s).
    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override {
        struct Waiting : BatchReader {
            ReadContext* context;
            bool next(Batch&) override {
                for (int i = 0; i < 500 && !context->is_cancelled(); ++i) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
                if (context->is_cancelled()) raise(ErrorCode::kCancelled, "cancelled");
                return false;
            }
        };
        auto reader = std::make_unique<Waiting>();
        reader->context = &context;
        return reader;
    }

private:
    std::shared_ptr<Connector> inner_;
    int delay_ms_;
};

// Streams two batches of `items`, then fails (an error after the Arrow stream started).
class FailingConnector : public SlowConnector {
public:
    using SlowConnector::SlowConnector;
    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override {
        struct Failing : BatchReader {
            int calls = 0;
            bool next(Batch& batch) override {
                if (++calls > 2) raise(ErrorCode::kConnection, "source connection lost");
                auto column = Column::make(Type::bigint());
                for (int64_t i = 0; i < 100; ++i) column->append<int64_t>(i);
                batch = Batch(100, {column});
                return true;
            }
        };
        return std::make_unique<Failing>();
    }
};

class Client {
public:
    Client(int port, std::string key) : port_(port), key_(std::move(key)) {}

    HttpResponse post(const std::string& call, const json& body, bool sign = true,
                      std::optional<int64_t> date = std::nullopt, const std::string& nonce = "") {
        std::string path = "/v1/" + call;
        std::string text = body.dump();
        HttpHeaders headers{{"Content-Type", "application/json"}};
        if (sign) {
            auto now = date.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
            for (auto& h : sign_request(key_, "POST", path, text, now, nonce).list()) headers.push_back(h);
        }
        return send("POST", path, headers, text);
    }
    HttpResponse get(const std::string& path) { return send("GET", path, {}, ""); }
    HttpResponse send(const std::string& method, const std::string& path, const HttpHeaders& headers,
                      const std::string& body) {
        if (!connection_) connection_ = http_connect("127.0.0.1", port_);
        connection_->write_request(method, path, "127.0.0.1", headers, body);
        HttpResponse response = connection_->read_response();
        if (!response.keep_alive) connection_.reset();
        return response;
    }
    json call(const std::string& call, const json& body) {
        HttpResponse response = post(call, body);
        EXPECT_EQ(response.status, 200) << response.body;
        EXPECT_EQ(response.header("Content-Type"), "application/json");
        return json::parse(response.body);
    }

private:
    int port_;
    std::string key_;
    std::unique_ptr<HttpConnection> connection_;
};

std::vector<std::vector<Value>> rows_of(const std::vector<Batch>& batches) {
    std::vector<std::vector<Value>> rows;
    for (const auto& batch : batches) {
        for (size_t r = 0; r < batch.num_rows; ++r) {
            std::vector<Value> row;
            for (size_t c = 0; c < batch.num_columns(); ++c) row.push_back(batch.column(c).value_at(r));
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

std::vector<Batch> read_in_process(Connector& connector, const ScanRequest& request, const Split& split) {
    std::atomic<bool> cancelled{false};
    ReadContext context;
    context.cancelled = &cancelled;
    auto reader = connector.read_split(request, split, context);
    std::vector<Batch> out;
    Batch batch;
    while (reader->next(batch)) out.push_back(batch);
    return out;
}

std::vector<Batch> decode_arrow(const std::string& body, std::vector<Type>* types = nullptr) {
    size_t offset = 0;
    ArrowStreamReader reader(
        [&](void* dest, size_t capacity) {
            size_t n = std::min(capacity, body.size() - offset);
            std::memcpy(dest, body.data() + offset, n);
            offset += n;
            return n;
        },
        "read_split");
    if (types) *types = reader.types();
    std::vector<Batch> out;
    Batch batch;
    while (reader.next(batch)) out.push_back(batch);
    return out;
}

class ServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = scratch_db();
        connector_ = sqlite_connector(path_);
        ConnectorServiceOptions options;
        options.connector = connector_;
        options.listen = "127.0.0.1:0";
        options.auth_key = kKey;
        options.log = [this](const std::string& line) {
            std::lock_guard lock(log_mutex_);
            log_.push_back(line);
        };
        service_ = std::make_unique<ConnectorService>(options);
        service_->start();
        ASSERT_GT(service_->port(), 0);
    }
    void TearDown() override { service_->stop(); }

    std::vector<std::string> log_lines() {
        std::lock_guard lock(log_mutex_);
        return log_;
    }

    ScanRequest items_request() {
        auto info = connector_->get_table("main", "items");
        EXPECT_TRUE(info);
        ScanRequest request;
        request.table = info->handle;
        request.columns = {"id", "name", "price", "qty"};
        return request;
    }

    std::string path_;
    std::shared_ptr<Connector> connector_;
    std::unique_ptr<ConnectorService> service_;
    std::mutex log_mutex_;
    std::vector<std::string> log_;
};

TEST_F(ServiceTest, HealthAndMetricsAreUnsigned) {
    Client client(service_->port(), "");
    HttpResponse health = client.get("/v1/health");
    EXPECT_EQ(health.status, 200);
    json h = json::parse(health.body);
    EXPECT_EQ(h["status"], "ok");
    EXPECT_EQ(h["protocol"], 1);
    EXPECT_EQ(h["connector"], "sqlite");

    Client signed_client(service_->port(), kKey);
    signed_client.call("list_schemas", json::object());
    HttpResponse metrics = client.get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.header("Content-Type")->find("text/plain"), std::string::npos);
    const std::string& text = metrics.body;
    EXPECT_NE(text.find("fedq_connector_requests_total{call=\"list_schemas\",status=\"200\"} 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("fedq_connector_requests_total{call=\"health\",status=\"200\"} 1"), std::string::npos);
    EXPECT_NE(text.find("fedq_connector_bytes_sent_total "), std::string::npos);
    EXPECT_NE(text.find("fedq_connector_active_requests 1"), std::string::npos);  // this request
    EXPECT_NE(text.find("fedq_connector_request_seconds_bucket{call=\"list_schemas\",le=\"+Inf\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("fedq_connector_request_seconds_count{call=\"list_schemas\"} 1"), std::string::npos);
    EXPECT_NE(text.find("# TYPE fedq_connector_request_seconds histogram"), std::string::npos);

    // Request log: method path status bytes ms; no keys, no signatures.
    auto lines = log_lines();
    bool found = false;
    for (const auto& line : lines) {
        EXPECT_EQ(line.find(kKey), std::string::npos);
        EXPECT_EQ(line.find("v1="), std::string::npos);
        if (line.find("POST /v1/list_schemas 200 ") != std::string::npos && line.find("ms") != std::string::npos) {
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(ServiceTest, RefusesUnsignedStaleReplayedAndForgedRequests) {
    Client client(service_->port(), kKey);
    auto expect_401 = [](const HttpResponse& response) {
        EXPECT_EQ(response.status, 401) << response.body;
        json body = json::parse(response.body);
        EXPECT_EQ(body["error"]["code"], "28000");
        EXPECT_EQ(body["error"]["retryable"], false);
        EXPECT_EQ(response.body.find(kKey), std::string::npos);
    };
    expect_401(client.post("list_schemas", json::object(), /*sign=*/false));
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    expect_401(client.post("list_schemas", json::object(), true, now - 1000));
    expect_401(client.post("list_schemas", json::object(), true, now + 1000));
    std::string nonce = random_nonce();
    EXPECT_EQ(client.post("list_schemas", json::object(), true, now, nonce).status, 200);
    expect_401(client.post("list_schemas", json::object(), true, now, nonce));  // replay
    Client forger(service_->port(), "wrong-key");
    expect_401(forger.post("list_schemas", json::object()));
    // The body is part of the signature.
    std::string body = "{}";
    auto headers = sign_request(kKey, "POST", "/v1/list_schemas", body, now).list();
    HttpResponse tampered = client.send("POST", "/v1/list_schemas", headers, R"({"x":1})");
    expect_401(tampered);
}

TEST_F(ServiceTest, MetadataMatchesInProcess) {
    Client client(service_->port(), kKey);
    json caps = client.call("capabilities", json{{"query_id", "q1"}, {"identity", {{"user", "alice"}}}});
    EXPECT_EQ(caps["protocol"], 1);
    EXPECT_EQ(caps["connector"], "sqlite");
    EXPECT_EQ(capabilities_from_json(caps["capabilities"]).bits(), connector_->capabilities().bits());

    json schemas = client.call("list_schemas", json::object());
    EXPECT_EQ(schemas["schemas"].get<std::vector<std::string>>(), connector_->list_schemas());

    json tables = client.call("list_tables", json{{"schema", "main"}, {"page_token", ""}});
    TablePage page = connector_->list_tables("main");
    EXPECT_EQ(tables["tables"].get<std::vector<std::string>>(), page.tables);
    EXPECT_EQ(tables["next_page_token"], page.next_token);
    EXPECT_EQ(page.tables.size(), 3u);

    for (const char* name : {"items", "cheap", "empty_table"}) {
        json table = client.call("get_table", json{{"schema", "main"}, {"table", name}});
        TableInfo remote = table_info_from_json(table["table"]);
        auto local = connector_->get_table("main", name);
        ASSERT_TRUE(local);
        EXPECT_EQ(table_info_to_json(remote), table_info_to_json(*local));
        EXPECT_EQ(remote.handle.table, name);
    }
    EXPECT_TRUE(client.call("get_table", json{{"schema", "main"}, {"table", "nope"}})["table"].is_null());

    // Errors: structured, with the SQLSTATE.
    HttpResponse missing = client.post("get_table", json{{"schema", "main"}});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(json::parse(missing.body)["error"]["code"], "22032");
    HttpResponse bad_json = client.send("POST", "/v1/list_schemas",
                                        sign_request(kKey, "POST", "/v1/list_schemas", "{nope", 
                                                     std::chrono::duration_cast<std::chrono::seconds>(
                                                         std::chrono::system_clock::now().time_since_epoch())
                                                         .count())
                                            .list(),
                                        "{nope");
    EXPECT_EQ(bad_json.status, 400);
    EXPECT_EQ(json::parse(bad_json.body)["error"]["code"], "22032");
    HttpResponse unknown = client.post("teleport", json::object());
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(client.get("/v1/list_schemas").status, 405);
    // The connection stayed usable (keep-alive) through all of that.
    EXPECT_EQ(client.call("list_schemas", json::object())["schemas"].size(), schemas["schemas"].size());
}

TEST_F(ServiceTest, NegotiateAndPlanScanMatchInProcess) {
    Client client(service_->port(), kKey);
    ScanRequest request = items_request();
    request.target_splits = 8;
    Type id_type = connector_->get_table("main", "items")->columns[0].type;
    request.constraint.add("id", Domain::range(id_type, Range{{Value::bigint(100), true}, {std::nullopt, false}}));
    json negotiated = client.call("negotiate", json{{"request", request.to_json()}});
    EXPECT_EQ(negotiated["plan"], connector_->negotiate(request).to_json());

    ScanPlan local = connector_->plan_scan(request);
    ASSERT_GE(local.splits.size(), 2u);
    json whole = client.call("plan_scan", json{{"request", request.to_json()}, {"page_token", ""}});
    EXPECT_EQ(whole["next_page_token"], "");
    EXPECT_EQ(whole["plan"], local.to_json());

    // Pages of one split each, with continuation tokens.
    std::vector<json> splits;
    std::string token;
    int pages = 0;
    do {
        json page = client.call("plan_scan", json{{"request", request.to_json()}, {"page_token", token}, {"max_splits", 1}});
        ScanPlan plan = ScanPlan::from_json(page["plan"]);
        EXPECT_EQ(plan.splits.size(), 1u);
        EXPECT_EQ(plan.description, local.description);
        for (const auto& s : page["plan"]["splits"]) splits.push_back(s);
        token = page["next_page_token"].get<std::string>();
        ++pages;
    } while (!token.empty() && pages < 100);
    EXPECT_EQ(static_cast<size_t>(pages), local.splits.size());
    EXPECT_EQ(json(splits), local.to_json()["splits"]);

    HttpResponse bad_token = client.post("plan_scan", json{{"request", request.to_json()}, {"page_token", "garbage"}});
    EXPECT_EQ(bad_token.status, 400);
    EXPECT_EQ(json::parse(bad_token.body)["error"]["code"], "22023");
    HttpResponse other_plan = client.post(
        "plan_scan", json{{"request", request.to_json()}, {"page_token", make_page_token(1, "0000000000000000")}});
    EXPECT_EQ(other_plan.status, 400);
}

TEST_F(ServiceTest, ReadSplitStreamsArrowEqualToInProcess) {
    Client client(service_->port(), kKey);
    ScanRequest request = items_request();
    request.target_splits = 3;
    request.batch_rows = 1000;
    ScanPlan plan = connector_->plan_scan(request);
    ASSERT_EQ(plan.splits.size(), 3u);
    size_t total = 0;
    for (const auto& split : plan.splits) {
        HttpResponse response = client.post(
            "read_split", json{{"request", request.to_json()}, {"split", split_to_json(split)}, {"query_id", "q-read"}});
        ASSERT_EQ(response.status, 200) << response.body;
        EXPECT_EQ(response.header("Content-Type"), "application/vnd.apache.arrow.stream");
        EXPECT_EQ(response.header("Transfer-Encoding"), "chunked");
        std::vector<Type> types;
        auto remote = decode_arrow(response.body, &types);
        auto local = read_in_process(*connector_, request, split);
        ASSERT_EQ(types.size(), 4u);
        EXPECT_EQ(types[0], local.at(0).column(0).type());
        EXPECT_EQ(types[1], Type::varchar());
        auto remote_rows = rows_of(remote);
        auto local_rows = rows_of(local);
        ASSERT_EQ(remote_rows.size(), local_rows.size());
        for (size_t r = 0; r < remote_rows.size(); ++r) {
            for (size_t c = 0; c < 4; ++c) {
                const Value& a = remote_rows[r][c];
                const Value& b = local_rows[r][c];
                ASSERT_EQ(a.is_null(), b.is_null()) << r << "," << c;
                if (!a.is_null()) {
                    ASSERT_TRUE(a == b) << r << "," << c;
                }
            }
        }
        total += remote_rows.size();
    }
    EXPECT_EQ(total, 20000u);

    // An empty result: a valid stream with the schema and no batches.
    auto empty_info = connector_->get_table("main", "empty_table");
    ScanRequest empty;
    empty.table = empty_info->handle;
    empty.columns = {"b", "a"};
    ScanPlan empty_plan = connector_->plan_scan(empty);
    HttpResponse response = client.post("read_split",
                                         json{{"request", empty.to_json()}, {"split", split_to_json(empty_plan.splits[0])}});
    ASSERT_EQ(response.status, 200) << response.body;
    std::vector<Type> types;
    auto batches = decode_arrow(response.body, &types);
    EXPECT_EQ(rows_of(batches).size(), 0u);
    ASSERT_EQ(types.size(), 2u);
    EXPECT_EQ(types[0], Type::varchar());

    // A failing read before the stream starts: a JSON error.
    ScanRequest broken = items_request();
    broken.columns = {"id", "no_such_column"};
    HttpResponse failed = client.post("read_split", json{{"request", broken.to_json()}, {"split", json::object()}});
    EXPECT_GE(failed.status, 400);
    EXPECT_EQ(failed.header("Content-Type"), "application/json");
    EXPECT_TRUE(json::parse(failed.body)["error"]["code"].is_string());

    std::string metrics = service_->metrics_text();
    EXPECT_NE(metrics.find("fedq_connector_rows_sent_total 20000"), std::string::npos) << metrics;
}

TEST_F(ServiceTest, SmallCallOverheadIsLow) {
    Client client(service_->port(), kKey);
    client.call("capabilities", json::object());  // connect
    auto start = std::chrono::steady_clock::now();
    const int calls = 200;
    for (int i = 0; i < calls; ++i) ASSERT_EQ(client.post("capabilities", json::object()).status, 200);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / calls;
    std::printf("signed capabilities round trip over keep-alive: %.3f ms\n", ms);
    EXPECT_LT(ms, 5.0);
}

TEST_F(ServiceTest, ConcurrentRequests) {
    ScanRequest request = items_request();
    ScanPlan plan = connector_->plan_scan(request);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            Client client(service_->port(), kKey);
            for (int i = 0; i < 5; ++i) {
                HttpResponse schemas = client.post("list_schemas", json::object());
                HttpResponse read = client.post(
                    "read_split", json{{"request", request.to_json()}, {"split", split_to_json(plan.splits[0])},
                                       {"query_id", "q" + std::to_string(t)}});
                if (schemas.status == 200 && read.status == 200 && rows_of(decode_arrow(read.body)).size() == 20000) {
                    ok++;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 40);
}

class SlowServiceTest : public ::testing::Test {
protected:
    void start(int delay_ms, double grace_seconds = 10) {
        path_ = scratch_db();
        ConnectorServiceOptions options;
        options.connector = std::make_shared<SlowConnector>(sqlite_connector(path_), delay_ms);
        options.listen = "127.0.0.1:0";
        options.auth_key = kKey;
        options.shutdown_grace_seconds = grace_seconds;
        options.log = [](const std::string&) {};
        service_ = std::make_unique<ConnectorService>(options);
        service_->start();
    }
    std::string path_;
    std::unique_ptr<ConnectorService> service_;
};

TEST_F(SlowServiceTest, GracefulStopFinishesRunningRequestsAndClosesIdleConnections) {
    start(600);
    Client idle(service_->port(), kKey);
    EXPECT_EQ(idle.get("/v1/health").status, 200);  // an open keep-alive connection
    HttpResponse slow_response;
    std::thread slow([&] {
        Client client(service_->port(), kKey);
        slow_response = client.post("list_schemas", json::object());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(service_->active_requests(), 1u);
    auto before = std::chrono::steady_clock::now();
    service_->stop();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    slow.join();
    EXPECT_EQ(slow_response.status, 200);  // finished, not cut off
    EXPECT_EQ(json::parse(slow_response.body)["schemas"][0], "main");
    EXPECT_LT(seconds, 3.0);  // did not wait for the idle connection
    // New connections are refused.
    EXPECT_THROW(Client(service_->port(), kKey).get("/v1/health"), Error);
}

TEST_F(SlowServiceTest, CancelStopsARunningRead) {
    start(0);
    ScanRequest request;
    request.table = TableHandle{"main", "items", json::object()};
    request.columns = {"id"};
    HttpResponse read_response;
    bool threw = false;
    auto started = std::chrono::steady_clock::now();
    std::thread reader([&] {
        try {
            Client client(service_->port(), kKey);
            read_response = client.post("read_split", json{{"request", request.to_json()}, {"split", json::object()},
                                                           {"query_id", "q-cancel"}});
        } catch (const Error&) {
            threw = true;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Client client(service_->port(), kKey);
    json cancelled = client.call("cancel", json{{"query_id", "q-cancel"}});
    EXPECT_EQ(cancelled["cancelled_reads"], 1);
    reader.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(seconds, 3.0);
    EXPECT_FALSE(threw);
    EXPECT_EQ(read_response.status, 409);
    EXPECT_EQ(json::parse(read_response.body)["error"]["code"], "57014");
    // A read of an already cancelled query fails at once.
    HttpResponse late = client.post("read_split", json{{"request", request.to_json()}, {"split", json::object()},
                                                       {"query_id", "q-cancel"}});
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(client.call("cancel", json{{"query_id", "unknown"}})["cancelled_reads"], 0);
}

TEST_F(SlowServiceTest, ErrorAfterTheStreamStartedTruncatesIt) {
    path_ = scratch_db();
    ConnectorServiceOptions options;
    options.connector = std::make_shared<FailingConnector>(sqlite_connector(path_), 0);
    options.listen = "127.0.0.1:0";
    options.auth_key = kKey;
    std::vector<std::string> lines;
    std::mutex mutex;
    options.log = [&](const std::string& line) {
        std::lock_guard lock(mutex);
        lines.push_back(line);
    };
    service_ = std::make_unique<ConnectorService>(options);
    service_->start();
    ScanRequest request;
    request.table = TableHandle{"main", "items", json::object()};
    request.columns = {"id"};
    Client client(service_->port(), kKey);
    try {
        client.post("read_split", json{{"request", request.to_json()}, {"split", json::object()}});
        FAIL() << "a truncated stream must not look complete";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kConnection);
    }
    // The data received up to the failure decodes, but ends without the end-of-stream marker.
    auto connection = http_connect("127.0.0.1", service_->port());
    std::string body = json{{"request", request.to_json()}, {"split", json::object()}}.dump();
    auto headers = sign_request(kKey, "POST", "/v1/read_split", body,
                                std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count()).list();
    connection->write_request("POST", "/v1/read_split", "127.0.0.1", headers, body);
    std::string received;
    EXPECT_THROW(connection->read_response_streaming([&](std::string_view d) { received.append(d); }), Error);
    try {
        decode_arrow(received);
        FAIL() << "decoded a truncated stream";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kBadFile);
    }
    EXPECT_NE(service_->metrics_text().find("fedq_connector_aborted_streams_total{call=\"read_split\"} 2"),
              std::string::npos);
    std::lock_guard lock(mutex);
    bool logged = false;
    for (const auto& line : lines) logged |= line.find("source connection lost") != std::string::npos;
    EXPECT_TRUE(logged);
}

TEST_F(SlowServiceTest, HttpEdgeCases) {
    start(0);
    auto raw = [&](const std::string& bytes) {
        auto connection = http_connect("127.0.0.1", service_->port());
        connection->write_all(bytes);
        return connection->read_response();
    };
    // Chunked request bodies and Expect: 100-continue are understood (health is unsigned).
    HttpResponse chunked = raw("GET /v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                               "Expect: 100-continue\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(chunked.status, 200);
    EXPECT_EQ(raw("GARBAGE\r\n\r\n").status, 400);
    EXPECT_EQ(raw("GET /v1/health HTTP/2.0\r\n\r\n").status, 505);
    EXPECT_EQ(raw("POST /v1/list_schemas HTTP/1.1\r\nContent-Length: abc\r\n\r\n").status, 400);
    EXPECT_EQ(raw("POST /v1/list_schemas HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n").status, 413);
    EXPECT_EQ(raw("GET /v1/health HTTP/1.1\r\nBad header line\r\n\r\n").status, 400);
    // Connection: close is honoured.
    HttpResponse closing = raw("GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(closing.status, 200);
    EXPECT_FALSE(closing.keep_alive);
    // A client that disconnects mid-request does not disturb the service.
    {
        auto connection = http_connect("127.0.0.1", service_->port());
        connection->write_all("POST /v1/list_schemas HTTP/1.1\r\nContent-Length: 100\r\n\r\n{");
    }
    EXPECT_EQ(raw("GET /v1/health HTTP/1.1\r\n\r\n").status, 200);
}

TEST(ServiceOptions, RefusesToStartWithoutAuthUnlessLoopbackInsecure) {
    auto connector = sqlite_connector(scratch_db());
    ConnectorServiceOptions options;
    options.connector = connector;
    options.listen = "127.0.0.1:0";
    options.log = [](const std::string&) {};
    try {
        ConnectorService(options).start();
        FAIL() << "started without a key";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
        EXPECT_NE(e.message().find("--insecure-no-auth"), std::string::npos);
    }
    options.insecure_no_auth = true;
    options.listen = "0.0.0.0:0";
    EXPECT_THROW(ConnectorService(options).start(), Error);
    options.listen = ":0";
    EXPECT_THROW(ConnectorService(options).start(), Error);
    options.listen = "localhost:0";
    {
        ConnectorService service(options);
        service.start();
        Client client(service.port(), "");
        EXPECT_EQ(client.post("list_schemas", json::object(), /*sign=*/false).status, 200);
        service.stop();
    }
    options.listen = "nonsense";
    EXPECT_THROW(ConnectorService(options).start(), Error);
    options.connector = nullptr;
    options.listen = "127.0.0.1:0";
    EXPECT_THROW(ConnectorService(options).start(), Error);
}

TEST(ServiceOptions, RunConnectorServiceStopsOnFlag) {
    auto connector = sqlite_connector(scratch_db());
    std::atomic<bool> stop{false};
    ConnectorServiceOptions options;
    options.connector = connector;
    options.listen = "127.0.0.1:0";
    options.auth_key = kKey;
    options.stop = &stop;
    std::vector<std::string> lines;
    std::mutex mutex;
    options.log = [&](const std::string& line) {
        std::lock_guard lock(mutex);
        lines.push_back(line);
    };
    int code = -1;
    std::thread runner([&] { code = run_connector_service(options); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
    runner.join();
    EXPECT_EQ(code, 0);
    {
        std::lock_guard lock(mutex);
        ASSERT_FALSE(lines.empty());
        EXPECT_NE(lines.front().find("listening"), std::string::npos);
        for (const auto& line : lines) EXPECT_EQ(line.find(kKey), std::string::npos);
    }

    options.auth_key.clear();
    EXPECT_EQ(run_connector_service(options), 1);  // refuses to start without a key
}

}  // namespace
}  // namespace fedq
