// The remote connector (client of the connector protocol) against real connector services on loopback,
// each serving a real SQLite connector; results compared with the in-process connector.
#include "remote/remote_connector.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "connectors/sqlite/sqlite_connector.h"
#include "formats/arrow_ipc.h"
#include "remote/connector_service.h"

namespace fedq {
namespace {

constexpr const char* kKey = "remote-test-secret-key-42";

std::string make_db() {
    auto dir = std::filesystem::temp_directory_path() / ("fedq_rmt_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string path = (dir / "shop.db").string();
    if (std::filesystem::exists(path)) return path;
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

std::unique_ptr<ConnectorService> start_service(std::shared_ptr<Connector> connector,
                                                size_t splits_per_page = 3) {
    ConnectorServiceOptions options;
    options.connector = std::move(connector);
    options.listen = "127.0.0.1:0";
    options.auth_key = kKey;
    options.log = [](const std::string&) {};
    options.max_splits_per_page = splits_per_page;
    options.shutdown_grace_seconds = 2;
    auto service = std::make_unique<ConnectorService>(options);
    service->start();
    return service;
}

std::string url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

std::shared_ptr<Connector> remote(const std::string& endpoints,
                                  std::map<std::string, std::string> extra = {}) {
    ConnectorConfig config;
    config.catalog = "far";
    config.type = "remote";
    config.options = {{"endpoints", endpoints}, {"auth_key", kKey}};
    for (auto& [k, v] : extra) config.options[k] = v;
    return make_remote_connector(config);
}

// A port nothing listens on.
int closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// A listening socket that never accepts nor answers (the kernel completes the TCP handshake).
struct HangingServer {
    int fd = -1;
    int port = 0;
    HangingServer() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        ::listen(fd, 16);
        socklen_t len = sizeof(addr);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    ~HangingServer() { ::close(fd); }
};

// A scan of items (the handle from get_table carries the connector's properties).
ScanRequest items_request(size_t target_splits = 16) {
    static const TableHandle handle = sqlite_connector()->get_table("main", "items")->handle;
    ScanRequest request;
    request.table = handle;
    request.columns = {"id", "name", "price", "qty"};
    request.target_splits = target_splits;
    return request;
}

// All rows of a reader, as text.
std::vector<std::string> drain(BatchReader& reader, size_t* batches = nullptr) {
    std::vector<std::string> rows;
    Batch batch;
    while (reader.next(batch)) {
        if (batches) ++*batches;
        for (size_t r = 0; r < batch.num_rows; ++r) {
            std::string row;
            for (size_t c = 0; c < batch.num_columns(); ++c) {
                Value v = batch.column(c).value_at(r);
                row += (v.is_null() ? std::string("NULL") : v.to_string()) + "|";
            }
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

std::vector<std::string> read_all(Connector& connector, const ScanRequest& request, const ScanPlan& plan,
                                  ScanMetrics* metrics = nullptr) {
    std::vector<std::string> rows;
    for (const auto& split : plan.splits) {
        ReadContext context;
        context.metrics = metrics;
        auto reader = connector.read_split(request, split, context);
        auto part = drain(*reader);
        rows.insert(rows.end(), part.begin(), part.end());
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

TEST(RemoteConnector, MetadataEqualsInProcess) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    auto far = remote(url(service->port()));
    EXPECT_EQ(far->type_name(), "remote");
    EXPECT_EQ(far->capabilities().bits(), local->capabilities().bits());
    EXPECT_EQ(far->capabilities().bits(), local->capabilities().bits());  // cached
    EXPECT_EQ(far->list_schemas(), local->list_schemas());
    auto remote_page = far->list_tables("main");
    auto local_page = local->list_tables("main");
    EXPECT_EQ(remote_page.tables, local_page.tables);
    EXPECT_EQ(remote_page.next_token, local_page.next_token);
    auto remote_table = far->get_table("main", "items");
    auto local_table = local->get_table("main", "items");
    ASSERT_TRUE(remote_table && local_table);
    ASSERT_EQ(remote_table->columns.size(), local_table->columns.size());
    for (size_t i = 0; i < local_table->columns.size(); ++i) {
        EXPECT_EQ(remote_table->columns[i].name, local_table->columns[i].name);
        EXPECT_EQ(remote_table->columns[i].type, local_table->columns[i].type);
        EXPECT_EQ(remote_table->columns[i].nullable, local_table->columns[i].nullable);
    }
    EXPECT_EQ(remote_table->handle.properties, local_table->handle.properties);
    EXPECT_EQ(remote_table->kind, local_table->kind);
    EXPECT_EQ(far->get_table("main", "cheap")->kind, "VIEW");
    EXPECT_FALSE(far->get_table("main", "no_such_table").has_value());
    // Negotiation mirrors the source.
    ScanRequest request = items_request();
    request.limit = 5;
    auto remote_plan = far->negotiate(request);
    auto local_plan = local->negotiate(request);
    EXPECT_EQ(remote_plan.limit_accepted, local_plan.limit_accepted);
}

TEST(RemoteConnector, PlanScanFollowsPagesAndSplitsReadLikeInProcess) {
    auto local = sqlite_connector();
    auto service = start_service(local, /*splits_per_page=*/2);
    auto far = remote(url(service->port()));
    ScanRequest request = items_request(16);
    ScanPlan local_plan = local->plan_scan(request);
    ScanPlan remote_plan = far->plan_scan(request);
    ASSERT_GT(local_plan.splits.size(), 4u);  // several pages of 2
    ASSERT_EQ(remote_plan.splits.size(), local_plan.splits.size());
    for (size_t i = 0; i < local_plan.splits.size(); ++i) {
        EXPECT_EQ(remote_plan.splits[i].payload, local_plan.splits[i].payload);
    }
    EXPECT_NE(remote_plan.description.find(url(service->port())), std::string::npos);
    EXPECT_EQ(remote_plan.description.find(kKey), std::string::npos);

    ScanMetrics metrics;
    auto remote_rows = read_all(*far, request, remote_plan, &metrics);
    auto local_rows = read_all(*local, request, local_plan);
    ASSERT_EQ(remote_rows.size(), 20000u);
    EXPECT_EQ(remote_rows, local_rows);
    EXPECT_EQ(metrics.rows_read.load(), 20000u);
    EXPECT_GT(metrics.bytes_read.load(), 20000u * 8);
    // NULLs came through.
    EXPECT_EQ(remote_rows[6].substr(0, 7), "7|NULL|");
}

TEST(RemoteConnector, PassthroughQueryAndPushedJoin) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    auto far = remote(url(service->port()));
    const std::string query = "SELECT id, name FROM items WHERE id <= 10";
    auto remote_table = far->query_table(query);
    auto local_table = local->query_table(query);
    ASSERT_TRUE(remote_table && local_table);
    ASSERT_EQ(remote_table->columns.size(), 2u);
    EXPECT_EQ(remote_table->handle.properties, local_table->handle.properties);
    ScanRequest request;
    request.table = remote_table->handle;
    request.columns = {"id", "name"};
    auto rows = read_all(*far, request, far->plan_scan(request));
    EXPECT_EQ(rows, read_all(*local, request, local->plan_scan(request)));
    EXPECT_EQ(rows.size(), 10u);
    Error bad = expect_error([&] { far->query_table("SELEC nonsense"); });
    EXPECT_EQ(bad.message().rfind("catalog far: ", 0), 0u) << bad.message();

    if (far->capabilities().has(Capability::kJoins)) {
        ScanRequest left = items_request(1);
        left.columns = {"id", "qty"};
        ScanRequest right = items_request(1);
        right.columns = {"id", "name"};
        auto remote_join = far->apply_join(PushedJoinType::kInner, left, right, {{"id", "id"}});
        auto local_join = local->apply_join(PushedJoinType::kInner, left, right, {{"id", "id"}});
        ASSERT_EQ(remote_join.has_value(), local_join.has_value());
        if (remote_join) {
            EXPECT_EQ(remote_join->columns.size(), local_join->columns.size());
            EXPECT_EQ(remote_join->handle.properties, local_join->handle.properties);
        }
    }
}

TEST(RemoteConnector, ProjectionAndEmptyTable) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    auto far = remote(url(service->port()));
    ScanRequest request;
    request.table = far->get_table("main", "empty_table")->handle;
    request.columns = {"b"};
    auto plan = far->plan_scan(request);
    EXPECT_TRUE(read_all(*far, request, plan).empty());

    ScanRequest two = items_request(1);
    two.columns = {"qty", "id"};
    auto plan2 = far->plan_scan(two);
    auto rows = read_all(*far, two, plan2);
    ASSERT_EQ(rows.size(), 20000u);
    EXPECT_EQ(rows[10], "NULL|11|");
    EXPECT_EQ(rows[0], "1|1|");
}

TEST(RemoteConnector, ReplicaStoppedMidQuerySucceedsThroughTheOther) {
    auto local = sqlite_connector();
    auto a = start_service(local);
    auto b = start_service(local);
    auto far = remote(url(a->port()) + "," + url(b->port()), {{"health_check_interval", "60s"}});
    ScanRequest request = items_request(16);
    ScanPlan plan = far->plan_scan(request);
    ASSERT_GT(plan.splits.size(), 4u);
    std::vector<std::string> rows;
    for (size_t i = 0; i < plan.splits.size(); ++i) {
        if (i == 2) a->stop();  // replica A goes away in the middle of the query
        ReadContext context;
        auto reader = far->read_split(request, plan.splits[i], context);
        auto part = drain(*reader);
        rows.insert(rows.end(), part.begin(), part.end());
    }
    EXPECT_EQ(rows, read_all(*local, request, local->plan_scan(request)));
    // Metadata keeps working through B.
    for (int i = 0; i < 4; ++i) EXPECT_EQ(far->list_schemas(), local->list_schemas());
}

TEST(RemoteConnector, ConcurrentSplitReadsOverTwoReplicas) {
    auto local = sqlite_connector();
    auto a = start_service(local);
    auto b = start_service(local);
    auto far = remote(url(a->port()) + "," + url(b->port()));
    ScanRequest request = items_request(16);
    ScanPlan plan = far->plan_scan(request);
    std::vector<std::vector<std::string>> parts(plan.splits.size());
    std::vector<std::thread> threads;
    std::atomic<size_t> next{0};
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (size_t i; (i = next++) < plan.splits.size();) {
                try {
                    ReadContext context;
                    auto reader = far->read_split(request, plan.splits[i], context);
                    parts[i] = drain(*reader);
                } catch (...) {
                    failures++;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    std::vector<std::string> rows;
    for (auto& p : parts) rows.insert(rows.end(), p.begin(), p.end());
    EXPECT_EQ(rows, read_all(*local, request, local->plan_scan(request)));
    // Both replicas served splits (round-robin).
    EXPECT_NE(a->metrics_text().find("call=\"read_split\",status=\"200\""), std::string::npos);
    EXPECT_NE(b->metrics_text().find("call=\"read_split\",status=\"200\""), std::string::npos);
}

TEST(RemoteConnector, FullScanThroughput) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    auto far = remote(url(service->port()));
    ScanRequest request = items_request(1);
    auto local_plan = local->plan_scan(request);
    auto remote_plan = far->plan_scan(request);
    auto time = [&](Connector& c, const ScanPlan& plan) {
        auto start = std::chrono::steady_clock::now();
        size_t rows = 0;
        for (int round = 0; round < 5; ++round) {
            for (const auto& split : plan.splits) {
                ReadContext context;
                auto reader = c.read_split(request, split, context);
                Batch batch;
                while (reader->next(batch)) rows += batch.num_rows;
            }
        }
        EXPECT_EQ(rows, 5u * 20000u);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    double in_process = time(*local, local_plan);
    double through_service = time(*far, remote_plan);
    std::printf("full scan of 100000 rows: in-process %.1f ms, remote %.1f ms (%.0f%%)\n", in_process * 1000,
                through_service * 1000, 100 * in_process / through_service);
}

TEST(RemoteConnector, AllReplicasDownIsAConnectionFailureNamingTheEndpoints) {
    std::string e1 = url(closed_port());
    std::string e2 = url(closed_port());
    auto far = remote(e1 + "," + e2, {{"connect_timeout", "2s"}});
    Error e = expect_error([&] { far->list_schemas(); });
    EXPECT_EQ(e.code(), ErrorCode::kConnectionFailure);
    EXPECT_EQ(e.sqlstate(), "08001");
    EXPECT_NE(e.message().find(e1), std::string::npos) << e.message();
    EXPECT_NE(e.message().find(e2), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("far"), std::string::npos);
    EXPECT_EQ(e.message().find(kKey), std::string::npos);
    // A split read fails the same way.
    ReadContext context;
    Split split;
    auto reader = far->read_split(items_request(), split, context);
    Batch batch;
    Error r = expect_error([&] { reader->next(batch); });
    EXPECT_EQ(r.sqlstate(), "08001");
    EXPECT_EQ(r.message().find(kKey), std::string::npos);
}

TEST(RemoteConnector, BadAuthKeyIsRefused) {
    auto service = start_service(sqlite_connector());
    ConnectorConfig config;
    config.catalog = "far";
    config.type = "remote";
    config.options = {{"endpoints", url(service->port())}, {"auth_key", "not-the-right-key"}};
    auto far = make_remote_connector(config);
    Error e = expect_error([&] { far->list_schemas(); });
    EXPECT_TRUE(e.sqlstate() == "28000" || e.sqlstate() == "28P01") << e.sqlstate();
    EXPECT_NE(e.message().find("far"), std::string::npos);
    EXPECT_EQ(e.message().find("not-the-right-key"), std::string::npos);
    // No key at all: unsigned requests are refused too.
    config.options.erase("auth_key");
    auto unsigned_remote = make_remote_connector(config);
    Error u = expect_error([&] { unsigned_remote->list_schemas(); });
    EXPECT_TRUE(u.sqlstate() == "28000" || u.sqlstate() == "28P01") << u.sqlstate();
}

TEST(RemoteConnector, ServiceErrorsKeepTheirSqlstate) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    auto far = remote(url(service->port()));
    ScanRequest request = items_request(1);
    request.columns = {"id", "no_such_column"};
    Error local_error = expect_error([&] {
        auto plan = local->plan_scan(request);
        read_all(*local, request, plan);
    });
    Error e = expect_error([&] {
        auto plan = far->plan_scan(request);
        read_all(*far, request, plan);
    });
    EXPECT_EQ(e.message().rfind("catalog far: ", 0), 0u) << e.message();
    EXPECT_EQ(e.sqlstate(), local_error.sqlstate()) << e.message();
    EXPECT_NE(e.message().find(local_error.message()), std::string::npos) << e.message();
}

// A misbehaving HTTP service on a raw socket: answers every read_split according to `mode`.
struct FakeService {
    enum Mode { kTruncateBeforeRows, kTruncateAfterRows, kBusy, kCorrupt };
    Mode mode;
    int fd = -1;
    int port = 0;
    std::atomic<bool> stop{false};
    std::atomic<int> hits{0};
    std::thread thread;

    explicit FakeService(Mode m) : mode(m) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        ::listen(fd, 16);
        socklen_t len = sizeof(addr);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
        thread = std::thread([this] { run(); });
    }
    ~FakeService() {
        stop = true;
        ::shutdown(fd, SHUT_RDWR);
        thread.join();
        ::close(fd);
    }

    static std::string arrow_bytes(bool with_batch, bool with_end) {
        std::string out;
        ArrowStreamWriter writer([&](std::string_view d) { out.append(d); }, {"id"}, {Type::bigint()});
        if (with_batch) {
            auto column = Column::make(Type::bigint());
            for (int64_t v : {101, 102, 103, 104}) column->append<int64_t>(v);
            writer.write(Batch(4, {column}));
        }
        if (with_end) writer.finish();
        return out;
    }

    static std::string schema_only() {
        // The schema message alone: the bytes before the first batch.
        std::string full = arrow_bytes(false, true);
        return full.substr(0, full.size() - 8);  // without the end-of-stream marker
    }

    void run() {
        while (!stop) {
            int c = ::accept(fd, nullptr, nullptr);
            if (c < 0) return;
            // Read the head and the Content-Length body.
            std::string in;
            char buf[65536];
            size_t need = std::string::npos;
            while (true) {
                ssize_t n = ::recv(c, buf, sizeof(buf), 0);
                if (n <= 0) break;
                in.append(buf, n);
                size_t head = in.find("\r\n\r\n");
                if (head != std::string::npos && need == std::string::npos) {
                    size_t cl = in.find("Content-Length: ");
                    if (cl == std::string::npos) cl = in.find("content-length: ");
                    size_t length = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
                    need = head + 4 + length;
                }
                if (need != std::string::npos && in.size() >= need) break;
            }
            hits++;
            std::string response;
            if (mode == kBusy) {
                std::string body = R"({"error":{"code":"53300","message":"busy","retryable":true}})";
                response =
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            } else {
                std::string data = mode == kTruncateBeforeRows  ? schema_only()
                                   : mode == kTruncateAfterRows ? arrow_bytes(true, false)
                                                                : std::string(64, '\x7f');
                response =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apache.arrow.stream\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n";
                char size[32];
                std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
                response += size + data + "\r\n";
                if (mode == kCorrupt) response += "0\r\n\r\n";  // a complete body of garbage
            }
            ::send(c, response.data(), response.size(), MSG_NOSIGNAL);
            if (mode == kTruncateAfterRows) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            ::close(c);
        }
    }
};

ScanRequest id_request() {
    ScanRequest request = items_request(1);
    request.columns = {"id"};
    return request;
}

TEST(RemoteConnector, FailedSplitBeforeRowsIsRetriedOnAnotherReplica) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    for (auto mode : {FakeService::kTruncateBeforeRows, FakeService::kBusy, FakeService::kCorrupt}) {
        FakeService fake(mode);
        auto far = remote(url(fake.port) + "," + url(service->port()), {{"health_check_interval", "0"}});
        ScanRequest request = id_request();
        auto plan = local->plan_scan(request);
        ASSERT_FALSE(plan.splits.empty());
        auto expected = read_all(*local, request, plan);
        for (int i = 0; i < 4; ++i) {
            EXPECT_EQ(read_all(*far, request, plan), expected) << "mode " << mode;
        }
        EXPECT_GT(fake.hits.load(), 0) << "mode " << mode;
    }
}

TEST(RemoteConnector, FailureAfterRowsWereHandedOnIsAnError) {
    FakeService fake(FakeService::kTruncateAfterRows);
    auto far = remote(url(fake.port));
    ReadContext context;
    ScanMetrics metrics;
    context.metrics = &metrics;
    Split split;
    auto reader = far->read_split(id_request(), split, context);
    Batch batch;
    ASSERT_TRUE(reader->next(batch));
    ASSERT_EQ(batch.num_rows, 4u);
    EXPECT_EQ(batch.column(0).value_at(3).to_string(), "104");
    Error e = expect_error([&] { reader->next(batch); });
    EXPECT_EQ(e.code(), ErrorCode::kConnection) << e.message();
    EXPECT_NE(e.message().find("after rows were returned"), std::string::npos) << e.message();
    EXPECT_EQ(fake.hits.load(), 1);  // not retried
    EXPECT_EQ(metrics.rows_read.load(), 4u);
    EXPECT_GT(metrics.bytes_read.load(), 0u);
}

TEST(RemoteConnector, RetryableServiceErrorsAreRetriedABoundedNumberOfTimes) {
    FakeService fake(FakeService::kBusy);
    auto far = remote(url(fake.port), {{"max_retries", "1"}});
    Error e = expect_error([&] { far->list_schemas(); });
    EXPECT_EQ(e.sqlstate(), "53300") << e.message();
    EXPECT_EQ(e.message(), "catalog far: busy");
    EXPECT_EQ(fake.hits.load(), 2);
    ReadContext context;
    Split split;
    auto reader = far->read_split(id_request(), split, context);
    Batch batch;
    Error r = expect_error([&] { reader->next(batch); });
    EXPECT_EQ(r.sqlstate(), "53300") << r.message();
    EXPECT_EQ(fake.hits.load(), 4);
}

TEST(RemoteConnector, UnhealthyEndpointIsProbedAndComesBack) {
    auto local = sqlite_connector();
    auto b = start_service(local);
    int port = closed_port();
    auto far = remote(url(port) + "," + url(b->port()), {{"health_check_interval", "300ms"}});
    for (int i = 0; i < 4; ++i) EXPECT_EQ(far->list_schemas(), local->list_schemas());
    // The endpoint comes up.
    ConnectorServiceOptions options;
    options.connector = local;
    options.listen = "127.0.0.1:" + std::to_string(port);
    options.auth_key = kKey;
    options.log = [](const std::string&) {};
    ConnectorService a(options);
    a.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    for (int i = 0; i < 6; ++i) EXPECT_EQ(far->list_schemas(), local->list_schemas());
    std::string metrics = a.metrics_text();
    EXPECT_NE(metrics.find("call=\"health\",status=\"200\""), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("call=\"list_schemas\",status=\"200\"} 3"), std::string::npos) << metrics;
}

TEST(RemoteConnector, CorruptStreamOnEveryReplicaIsABadFileError) {
    FakeService fake(FakeService::kCorrupt);
    auto far = remote(url(fake.port), {{"max_retries", "1"}});
    ReadContext context;
    Split split;
    auto reader = far->read_split(id_request(), split, context);
    Batch batch;
    Error e = expect_error([&] { reader->next(batch); });
    EXPECT_EQ(e.code(), ErrorCode::kBadFile) << e.message();
    EXPECT_EQ(fake.hits.load(), 2);
}

TEST(RemoteConnector, HangingServiceTimesOut) {
    HangingServer hang;
    auto far =
        remote(url(hang.port), {{"request_timeout", "1s"}, {"read_timeout", "1s"}, {"max_retries", "0"}});
    auto start = std::chrono::steady_clock::now();
    Error e = expect_error([&] { far->list_schemas(); });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(e.code(), ErrorCode::kQueryTimeout) << e.message();
    EXPECT_LT(seconds, 5);
    EXPECT_GE(seconds, 0.9);

    // A split read from a hanging service: read_timeout.
    auto far2 = remote(url(hang.port),
                       {{"read_timeout", "1s"}, {"max_retries", "1"}, {"health_check_interval", "0"}});
    ReadContext context;
    Split split;
    auto reader = far2->read_split(items_request(), split, context);
    Batch batch;
    start = std::chrono::steady_clock::now();
    Error r = expect_error([&] { reader->next(batch); });
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.code(), ErrorCode::kQueryTimeout) << r.message();
    EXPECT_GE(seconds, 1.9);  // tried twice (max_retries = 1)
    EXPECT_LT(seconds, 8);
}

// A connector whose split reader waits for cancellation; records what the service saw.
class WaitingConnector : public Connector {
  public:
    explicit WaitingConnector(std::shared_ptr<Connector> inner) : inner_(std::move(inner)) {}
    std::string type_name() const override { return "waiting"; }
    Capabilities capabilities() const override { return inner_->capabilities(); }
    std::vector<std::string> list_schemas() override {
        user = current_request_identity().user;
        roles = current_request_identity().roles;
        return inner_->list_schemas();
    }
    TablePage list_tables(const std::string& schema, const std::string& token) override {
        return inner_->list_tables(schema, token);
    }
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override {
        return inner_->get_table(schema, table);
    }
    ScanPlan plan_scan(const ScanRequest& request) override { return inner_->plan_scan(request); }
    std::unique_ptr<BatchReader> read_split(const ScanRequest&, const Split&, ReadContext& context) override {
        struct Waiting : BatchReader {
            ReadContext* context;
            WaitingConnector* owner;
            bool next(Batch&) override {
                for (int i = 0; i < 1000 && !context->is_cancelled(); ++i) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
                if (context->is_cancelled()) {
                    owner->saw_cancel = true;
                    raise(ErrorCode::kCancelled, "cancelled");
                }
                return false;
            }
        };
        auto reader = std::make_unique<Waiting>();
        reader->context = &context;
        reader->owner = this;
        return reader;
    }
    std::atomic<bool> saw_cancel{false};
    std::string user;
    std::vector<std::string> roles;

  private:
    std::shared_ptr<Connector> inner_;
};

TEST(RemoteConnector, CancellationReachesTheService) {
    auto waiting = std::make_shared<WaitingConnector>(sqlite_connector());
    auto service = start_service(waiting);
    auto far = remote(url(service->port()));
    std::atomic<bool> cancelled{false};
    ReadContext context;
    context.cancelled = &cancelled;
    Split split;
    auto reader = far->read_split(items_request(), split, context);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancelled = true;
    });
    auto start = std::chrono::steady_clock::now();
    Batch batch;
    Error e = expect_error([&] { reader->next(batch); });
    canceller.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
    EXPECT_LT(seconds, 3);
    for (int i = 0; i < 300 && !waiting->saw_cancel; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(waiting->saw_cancel.load());
    EXPECT_NE(service->metrics_text().find("call=\"cancel\",status=\"200\""), std::string::npos);
}

TEST(RemoteConnector, CancelledWhileStreamingStopsTheStream) {
    auto local = sqlite_connector();
    auto service = start_service(local);
    auto far = remote(url(service->port()));
    ScanRequest request = items_request(1);
    request.batch_rows = 1000;
    auto plan = far->plan_scan(request);
    ASSERT_FALSE(plan.splits.empty());
    std::atomic<bool> cancelled{false};
    ReadContext context;
    context.cancelled = &cancelled;
    auto reader = far->read_split(request, plan.splits[0], context);
    Batch batch;
    ASSERT_TRUE(reader->next(batch));
    cancelled = true;
    Error e = expect_error([&] {
        while (reader->next(batch)) {
        }
    });
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
}

// Serves one split of 64 batches of ~1 MB each, counting the batches it produced.
class GeneratorConnector : public WaitingConnector {
  public:
    using WaitingConnector::WaitingConnector;
    static constexpr int kBatches = 64;
    static constexpr size_t kRows = 4096;
    std::unique_ptr<BatchReader> read_split(const ScanRequest&, const Split&, ReadContext&) override {
        struct Generator : BatchReader {
            GeneratorConnector* owner;
            int produced = 0;
            bool next(Batch& batch) override {
                if (produced == kBatches) return false;
                auto column = Column::make(Type::varchar());
                std::string text(256, static_cast<char>('a' + produced % 26));
                for (size_t r = 0; r < kRows; ++r) column->append_string(text);
                batch = Batch(kRows, {column});
                ++produced;
                owner->produced++;
                return true;
            }
        };
        auto reader = std::make_unique<Generator>();
        reader->owner = this;
        return reader;
    }
    std::atomic<int> produced{0};
};

TEST(RemoteConnector, StreamingHasBackpressure) {
    auto generator = std::make_shared<GeneratorConnector>(sqlite_connector());
    auto service = start_service(generator);
    auto far = remote(url(service->port()));
    ScanRequest request = items_request(1);
    request.columns = {"s"};
    ReadContext context;
    ScanMetrics metrics;
    context.metrics = &metrics;
    Split split;
    auto reader = far->read_split(request, split, context);
    Batch batch;
    ASSERT_TRUE(reader->next(batch));
    EXPECT_EQ(batch.column(0).string_at(0), std::string(256, 'a'));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // The service is held back by the reader (only socket buffers and a bounded client buffer in between).
    std::printf("batches produced while the reader stalled: %d of %d\n", generator->produced.load(),
                GeneratorConnector::kBatches);
    EXPECT_LT(generator->produced.load(), 24) << "the whole split was buffered";
    EXPECT_EQ(service->active_requests(), 1u);
    size_t rows = batch.num_rows;
    int batches = 1;
    while (reader->next(batch)) {
        rows += batch.num_rows;
        ++batches;
    }
    EXPECT_EQ(rows, GeneratorConnector::kBatches * GeneratorConnector::kRows);
    EXPECT_EQ(batch.num_columns(), 1u);
    EXPECT_EQ(generator->produced.load(), GeneratorConnector::kBatches);
    EXPECT_GT(metrics.bytes_read.load(), 64u * 1000 * 1000);
}

TEST(RemoteConnector, IdentityReachesTheConnector) {
    auto waiting = std::make_shared<WaitingConnector>(sqlite_connector());
    auto service = start_service(waiting);
    auto far = remote(url(service->port()), {{"user", "alice"}, {"roles", "analyst, admin"}});
    far->list_schemas();
    EXPECT_EQ(waiting->user, "alice");
    EXPECT_EQ(waiting->roles, (std::vector<std::string>{"analyst", "admin"}));
}

TEST(RemoteConnector, KeepAliveReusesConnections) {
    auto service = start_service(sqlite_connector());
    auto far = remote(url(service->port()));
    for (int i = 0; i < 50; ++i) far->list_schemas();
    EXPECT_EQ(service->metrics_text().find("status=\"401\""), std::string::npos);
}

TEST(RemoteConnector, OptionErrors) {
    ConnectorConfig config;
    config.catalog = "far";
    config.type = "remote";
    EXPECT_EQ(expect_error([&] { make_remote_connector(config); }).code(), ErrorCode::kInvalidParameter);
    config.options = {{"endpoints", "ftp://x:1"}};
    EXPECT_EQ(expect_error([&] { make_remote_connector(config); }).code(), ErrorCode::kInvalidParameter);
    config.options = {{"endpoints", " , "}};
    EXPECT_EQ(expect_error([&] { make_remote_connector(config); }).code(), ErrorCode::kInvalidParameter);
    config.options = {{"endpoints", "http://x:1"}, {"hots", "y"}};
    EXPECT_EQ(expect_error([&] { make_remote_connector(config); }).code(), ErrorCode::kInvalidParameter);
    config.options = {{"endpoints", "http://x:1"}, {"max_retries", "-1"}};
    EXPECT_EQ(expect_error([&] { make_remote_connector(config); }).code(), ErrorCode::kInvalidParameter);
    config.options = {{"endpoints", "http://x:1/"}, {"read_timeout", "500ms"}};
    EXPECT_NO_THROW(make_remote_connector(config));
}

}  // namespace
}  // namespace fedq
