#include "remote/connector_service.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remote/http.h"
#include "remote/signing.h"
#include "remote/spill.h"
#include "io/file_system.h"

#if __has_include("formats/arrow_ipc.h")
#include "formats/arrow_ipc.h"
#define FEDQ_REMOTE_HAVE_ARROW 1
#else
#define FEDQ_REMOTE_HAVE_ARROW 0
#endif

namespace fedq {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

thread_local Identity t_identity;
const Identity kNoIdentity;

int64_t system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_loopback_host(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    return false;
}

// Latency histogram buckets (seconds).
constexpr std::array<double, 14> kBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,     2.5,  5,     10,   30,  60};

struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // non-cumulative
    double sum = 0;
    uint64_t count = 0;
};

std::string escape_label(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// A running query's cancellation flag, shared by its read_splits.
struct QueryState {
    std::atomic<bool> cancelled{false};
};

// The calls of the protocol (everything else under /v1/ is 404).
constexpr std::string_view kCalls[] = {"capabilities", "list_schemas", "list_tables", "get_table", "negotiate",
                                       "plan_scan",    "read_split",   "cancel",      "apply_join", "query_table"};

}  // namespace

const Identity& current_request_identity() { return t_identity; }

struct ConnectorService::Impl {
    ConnectorServiceOptions options;
    int listen_fd = -1;
    int bound_port = 0;
    std::thread accept_thread;
    std::atomic<bool> stopping{false};
    bool started = false;
    bool stopped = false;
    std::mutex stop_mutex;  // serializes start/stop

    // Spill: stale-object cleanup thread.
    std::thread cleanup_thread;
    std::mutex cleanup_mutex;
    std::condition_variable cleanup_wake;

    // Connections.
    struct Connection {
        std::shared_ptr<HttpConnection> http;
        std::thread thread;
        bool busy = false;
        bool finished = false;
    };
    std::mutex connections_mutex;
    std::condition_variable connections_changed;
    std::list<Connection> connections;
    size_t open_connections = 0;

    // Metrics.
    mutable std::mutex metrics_mutex;
    std::map<std::pair<std::string, int>, uint64_t> requests;  // (call, status) -> count
    std::map<std::string, uint64_t> aborted_streams;           // call -> count
    std::map<std::string, Histogram> latency;                  // call -> histogram
    std::atomic<uint64_t> bytes_sent{0};
    std::atomic<uint64_t> rows_sent{0};
    std::atomic<int64_t> active{0};
    std::atomic<uint64_t> rejected_connections{0};

    // Signing.
    ReplayCache replay_cache;

    // Cancellation.
    std::mutex queries_mutex;
    std::unordered_map<std::string, std::weak_ptr<QueryState>> running;
    std::map<std::string, int64_t> cancelled_queries;  // query id -> cancel time (recent cancels)

    // plan_scan pages: digest -> (insert time, full plan JSON).
    std::mutex plans_mutex;
    std::map<std::string, std::pair<int64_t, std::shared_ptr<const json>>> plans;

    explicit Impl(ConnectorServiceOptions o)
        : options(std::move(o)), replay_cache(options.signature_window_seconds) {
        if (!options.log) {
            options.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
        }
        if (!options.clock) options.clock = system_now;
    }

    void log(const std::string& line) {
        try {
            options.log(line);
        } catch (...) {
        }
    }

    // ---- lifecycle

    void start() {
        std::lock_guard lock(stop_mutex);
        if (started) raise(ErrorCode::kInvalidParameter, "connector service already started");
        if (!options.connector) raise(ErrorCode::kInvalidParameter, "connector service: no connector");
        auto [host, port] = parse_host_port(options.listen);
        if (!options.spill_location.empty()) {
            get_file_system(options.spill_location);  // kInvalidParameter for an unknown scheme
            if (options.spill_threshold_bytes == 0) {
                raise(ErrorCode::kInvalidParameter, "connector service: the spill threshold must be positive");
            }
        }
        if (options.auth_key.empty()) {
            if (!options.insecure_no_auth) {
                raise(ErrorCode::kInvalidParameter,
                      "connector service: no auth key configured (give --auth-key-file, or --insecure-no-auth "
                      "for a loopback-only service)");
            }
            if (!is_loopback_host(host)) {
                raise(ErrorCode::kInvalidParameter,
                      "connector service: --insecure-no-auth only allows loopback listen addresses, not \"{}\"",
                      options.listen);
            }
        }
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE;
        addrinfo* result = nullptr;
        std::string service = std::to_string(port);
        int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &result);
        if (rc != 0) raise(ErrorCode::kInvalidParameter, "cannot resolve listen address \"{}\": {}", options.listen,
                           ::gai_strerror(rc));
        std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(result, ::freeaddrinfo);
        std::string last_error = "no address";
        for (addrinfo* ai = result; ai && listen_fd < 0; ai = ai->ai_next) {
            int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) continue;
            int one = 1;
            ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 256) != 0) {
                last_error = std::strerror(errno);
                ::close(fd);
                continue;
            }
            listen_fd = fd;
        }
        if (listen_fd < 0) {
            raise(ErrorCode::kConnectionFailure, "cannot listen on {}: {}", options.listen, last_error);
        }
        sockaddr_storage addr{};
        socklen_t length = sizeof(addr);
        ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &length);
        bound_port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                                : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
        started = true;
        accept_thread = std::thread([this] { accept_loop(); });
        if (!options.spill_location.empty()) {
            cleanup_thread = std::thread([this] { spill_cleanup_loop(); });
        }
        log(fmt::format("fedq connector service ({}) listening on {} port {}{}", options.connector->type_name(),
                        host.empty() ? "*" : host, bound_port,
                        options.auth_key.empty() ? " WITHOUT AUTHENTICATION (--insecure-no-auth)" : ""));
    }

    void stop() {
        std::lock_guard lock(stop_mutex);
        if (!started || stopped) return;
        stopped = true;
        stopping = true;
        if (accept_thread.joinable()) accept_thread.join();
        {
            std::lock_guard wake(cleanup_mutex);  // the cleanup thread sees `stopping` or gets the notify
        }
        cleanup_wake.notify_all();
        if (cleanup_thread.joinable()) cleanup_thread.join();
        ::close(listen_fd);
        listen_fd = -1;
        {
            std::unique_lock guard(connections_mutex);
            for (auto& c : connections) {
                if (!c.busy && !c.finished) c.http->shutdown(true);  // wakes the idle reader
            }
            auto deadline = Clock::now() + std::chrono::duration<double>(options.shutdown_grace_seconds);
            connections_changed.wait_until(guard, deadline, [&] { return open_connections == 0; });
            if (open_connections > 0) {
                log(fmt::format("fedq connector service: {} request(s) still running after {}s; cancelling",
                                open_connections, options.shutdown_grace_seconds));
                cancel_all();
                for (auto& c : connections) {
                    if (!c.finished) c.http->shutdown(false);
                }
            }
        }
        std::list<Connection> all;
        {
            std::lock_guard guard(connections_mutex);
            all.swap(connections);
        }
        for (auto& c : all) {
            if (c.thread.joinable()) c.thread.join();
        }
        log("fedq connector service stopped");
    }

    // Deletes stale spill objects at start and then every spill_cleanup_interval_seconds.
    void spill_cleanup_loop() {
        std::unique_lock lock(cleanup_mutex);
        while (!stopping) {
            lock.unlock();
            size_t removed = remove_stale_spill_objects(options.spill_location, options.spill_max_age_seconds,
                                                        options.clock(),
                                                        [this](const std::string& line) { log(line); });
            if (removed > 0) {
                log(fmt::format("spill cleanup: deleted {} stale object(s) under {}", removed, options.spill_location));
            }
            lock.lock();
            auto interval = std::chrono::duration<double>(std::max(options.spill_cleanup_interval_seconds, 0.01));
            cleanup_wake.wait_for(lock, interval, [this] { return stopping.load(); });
        }
    }

    void cancel_all() {
        std::lock_guard lock(queries_mutex);
        for (auto& [id, weak] : running) {
            if (auto state = weak.lock()) state->cancelled = true;
        }
    }

    void reap_finished() {
        std::list<Connection> done;
        {
            std::lock_guard guard(connections_mutex);
            for (auto it = connections.begin(); it != connections.end();) {
                if (it->finished) {
                    auto next = std::next(it);
                    done.splice(done.end(), connections, it);
                    it = next;
                } else {
                    ++it;
                }
            }
        }
        for (auto& c : done) {
            if (c.thread.joinable()) c.thread.join();
        }
    }

    void accept_loop() {
        while (!stopping) {
            pollfd p{listen_fd, POLLIN, 0};
            int ready = ::poll(&p, 1, 100);
            if (ready <= 0) {
                reap_finished();
                continue;
            }
            int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            auto http = std::make_shared<HttpConnection>(fd);
            http->set_timeouts(options.idle_timeout_seconds, options.write_timeout_seconds);
            std::lock_guard guard(connections_mutex);
            if (options.threads > 0 && open_connections >= static_cast<size_t>(options.threads)) {
                rejected_connections++;
                try {
                    http->write_response(503, kJsonContentType,
                                         error_to_json("53300", "connector service busy (too many connections)", true)
                                             .dump(),
                                         false);
                } catch (...) {
                }
                continue;
            }
            ++open_connections;
            connections.emplace_back();
            auto it = std::prev(connections.end());
            it->http = http;
            it->thread = std::thread([this, it] { serve_connection(it); });
        }
    }

    void serve_connection(std::list<Connection>::iterator self) {
        HttpConnection& http = *self->http;
        HttpLimits limits;
        limits.max_body_bytes = options.max_request_bytes;
        while (true) {
            {
                std::lock_guard guard(connections_mutex);
                self->busy = false;
                if (stopping) break;
            }
            HttpRequest request;
            bool keep = false;
            try {
                if (!http.read_request(request, limits)) break;
                {
                    std::lock_guard guard(connections_mutex);
                    self->busy = true;
                }
                if (stopping) request.keep_alive = false;
                keep = handle(http, request);
            } catch (const HttpError& e) {
                record(Outcome{"invalid", e.status(), false, {}, {}}, 0);
                try {
                    http.write_response(e.status(), kJsonContentType,
                                        error_to_json("08P01", e.what(), false).dump(), false);
                } catch (...) {
                }
                log(fmt::format("bad request: {} ({})", e.what(), e.status()));
                break;
            } catch (const std::exception&) {
                break;  // socket failure
            }
            if (!keep) break;
        }
        std::lock_guard guard(connections_mutex);
        self->busy = false;
        self->finished = true;
        --open_connections;
        connections_changed.notify_all();
    }

    // ---- requests

    struct Outcome {
        std::string call;
        int status = 200;
        bool aborted = false;  // a stream ended by an error after it started
        std::string query_id;
        std::string user;
    };

    // Handles one request; returns whether the connection stays open.
    bool handle(HttpConnection& http, const HttpRequest& request) {
        auto started_at = Clock::now();
        uint64_t written_before = http.bytes_written();
        active++;
        Outcome outcome;
        bool keep_alive = request.keep_alive;
        try {
            keep_alive = route(http, request, outcome);
        } catch (...) {
            keep_alive = false;
        }
        active--;
        t_identity = Identity{};
        double seconds = std::chrono::duration<double>(Clock::now() - started_at).count();
        uint64_t bytes = http.bytes_written() - written_before;
        bytes_sent += bytes;
        record(outcome, seconds);
        std::string line = fmt::format("{} {} {}{} {}B {:.1f}ms", request.method, request.path, outcome.status,
                                       outcome.aborted ? " (aborted)" : "", bytes, seconds * 1000);
        if (!outcome.query_id.empty()) line += fmt::format(" query={}", outcome.query_id);
        if (!outcome.user.empty()) line += fmt::format(" user={}", outcome.user);
        if (outcome.call != "health" && outcome.call != "metrics") log(line);
        return keep_alive;
    }

    void record(const Outcome& outcome, double seconds) {
        std::string call = outcome.call.empty() ? "unknown" : outcome.call;
        std::lock_guard lock(metrics_mutex);
        requests[{call, outcome.status}]++;
        if (outcome.aborted) aborted_streams[call]++;
        Histogram& h = latency[call];
        size_t bucket = 0;
        while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
        if (bucket < kBuckets.size()) h.counts[bucket]++;
        h.sum += seconds;
        h.count++;
    }

    void send_json(HttpConnection& http, Outcome& outcome, int status, const json& body, bool keep_alive) {
        outcome.status = status;
        http.write_response(status, kJsonContentType, body.dump(-1, ' ', false, json::error_handler_t::replace),
                            keep_alive);
    }

    void send_error(HttpConnection& http, Outcome& outcome, const Error& error, bool keep_alive) {
        send_json(http, outcome, http_status_for(error), error_to_json(error), keep_alive);
    }

    bool route(HttpConnection& http, const HttpRequest& request, Outcome& outcome) {
        bool keep_alive = request.keep_alive;
        const std::string& path = request.path;
        if (path == "/v1/health" || path == "/health") {
            outcome.call = "health";
            if (request.method != "GET") {
                send_error(http, outcome, Error(ErrorCode::kNotSupported, "use GET"), keep_alive);
                return keep_alive;
            }
            send_json(http, outcome, stopping ? 503 : 200,
                      json{{"status", stopping ? "stopping" : "ok"},
                           {"protocol", kConnectorProtocolVersion},
                           {"connector", options.connector->type_name()}},
                      keep_alive);
            return keep_alive;
        }
        if (path == "/metrics") {
            outcome.call = "metrics";
            outcome.status = 200;
            http.write_response(200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(), keep_alive);
            return keep_alive;
        }
        std::string_view call;
        if (path.rfind("/v1/", 0) == 0) {
            std::string_view name = std::string_view(path).substr(4);
            for (auto known : kCalls) {
                if (known == name) call = known;
            }
        }
        if (call.empty()) {
            outcome.call = "unknown";
            send_json(http, outcome, 404, error_to_json("42883", fmt::format("no such endpoint: {}", path), false),
                      keep_alive);
            return keep_alive;
        }
        outcome.call = std::string(call);
        if (request.method != "POST") {
            outcome.status = 405;
            http.write_response(405, kJsonContentType,
                                error_to_json("0A000", "connector calls use POST", false).dump(), keep_alive,
                                {{"Allow", "POST"}});
            return keep_alive;
        }
        // Authentication before anything looks at the body.
        if (!options.auth_key.empty()) {
            VerifyResult result = verify_request(options.auth_key, request.method, request.path, request.body,
                                                 request.header(kDateHeader), request.header(kNonceHeader),
                                                 request.header(kSignatureHeader), options.clock(), &replay_cache,
                                                 options.signature_window_seconds);
            if (result != VerifyResult::kOk) {
                send_json(http, outcome, 401, error_to_json("28000", verify_result_message(result), false),
                          keep_alive);
                return keep_alive;
            }
        }
        json body;
        try {
            body = request.body.empty() ? json::object() : json::parse(request.body);
            if (!body.is_object()) raise(ErrorCode::kInvalidJson, "the request body must be a JSON object");
            if (auto it = body.find("query_id"); it != body.end() && it->is_string()) {
                outcome.query_id = it->get<std::string>();
            }
            if (auto it = body.find("identity"); it != body.end()) t_identity = identity_from_json(*it);
            outcome.user = t_identity.user;
            return dispatch(http, call, body, outcome, keep_alive);
        } catch (const json::exception& e) {
            send_error(http, outcome, Error(ErrorCode::kInvalidJson, fmt::format("invalid request JSON: {}", e.what())),
                       keep_alive);
        } catch (const Error& e) {
            send_error(http, outcome, e, keep_alive);
        } catch (const std::exception& e) {
            send_error(http, outcome, Error(ErrorCode::kInternal, fmt::format("internal error: {}", e.what())),
                       keep_alive);
        }
        return keep_alive;
    }

    static const json& require(const json& body, const char* key) {
        auto it = body.find(key);
        if (it == body.end() || it->is_null()) raise(ErrorCode::kInvalidJson, "missing \"{}\" in the request", key);
        return *it;
    }

    static std::string string_member(const json& body, const char* key, bool required = true) {
        auto it = body.find(key);
        if (it == body.end() || it->is_null()) {
            if (required) raise(ErrorCode::kInvalidJson, "missing \"{}\" in the request", key);
            return {};
        }
        if (!it->is_string()) raise(ErrorCode::kInvalidJson, "\"{}\" must be a string", key);
        return it->get<std::string>();
    }

    bool dispatch(HttpConnection& http, std::string_view call, const json& body, Outcome& outcome, bool keep_alive) {
        Connector& connector = *options.connector;
        if (call == "capabilities") {
            send_json(http, outcome, 200,
                      json{{"protocol", kConnectorProtocolVersion},
                           {"connector", connector.type_name()},
                           {"capabilities", capabilities_to_json(connector.capabilities())},
                           {"max_splits_per_page", options.max_splits_per_page},
                           {"arrow", FEDQ_REMOTE_HAVE_ARROW != 0}},
                      keep_alive);
        } else if (call == "list_schemas") {
            send_json(http, outcome, 200, json{{"schemas", connector.list_schemas()}}, keep_alive);
        } else if (call == "list_tables") {
            TablePage page = connector.list_tables(string_member(body, "schema"), string_member(body, "page_token", false));
            send_json(http, outcome, 200, json{{"tables", page.tables}, {"next_page_token", page.next_token}},
                      keep_alive);
        } else if (call == "get_table") {
            auto table = connector.get_table(string_member(body, "schema"), string_member(body, "table"));
            send_json(http, outcome, 200, json{{"table", table ? table_info_to_json(*table) : json(nullptr)}},
                      keep_alive);
        } else if (call == "negotiate") {
            ScanPlan plan = connector.negotiate(ScanRequest::from_json(require(body, "request")));
            send_json(http, outcome, 200, json{{"plan", plan.to_json()}}, keep_alive);
        } else if (call == "plan_scan") {
            plan_scan(http, body, outcome, keep_alive);
        } else if (call == "read_split") {
            return read_split(http, body, outcome, keep_alive);
        } else if (call == "cancel") {
            std::string query_id = string_member(body, "query_id");
            size_t cancelled = cancel(query_id);
            send_json(http, outcome, 200, json{{"cancelled_reads", cancelled}}, keep_alive);
        } else if (call == "apply_join") {
            ScanRequest left = ScanRequest::from_json(require(body, "left"));
            ScanRequest right = ScanRequest::from_json(require(body, "right"));
            PushedJoinType type = join_type_from_name(string_member(body, "type"));
            std::vector<std::pair<std::string, std::string>> keys;
            const json& key_list = require(body, "keys");
            if (!key_list.is_array()) raise(ErrorCode::kInvalidJson, "\"keys\" must be an array");
            for (const auto& key : key_list) {
                if (!key.is_array() || key.size() != 2 || !key[0].is_string() || !key[1].is_string()) {
                    raise(ErrorCode::kInvalidJson, "each join key must be [left column, right column]");
                }
                keys.emplace_back(key[0].get<std::string>(), key[1].get<std::string>());
            }
            auto table = connector.apply_join(type, left, right, keys);
            send_json(http, outcome, 200, json{{"table", table ? table_info_to_json(*table) : json(nullptr)}},
                      keep_alive);
        } else if (call == "query_table") {
            auto table = connector.query_table(string_member(body, "query"));
            send_json(http, outcome, 200, json{{"table", table ? table_info_to_json(*table) : json(nullptr)}},
                      keep_alive);
        }
        return keep_alive;
    }

    void plan_scan(HttpConnection& http, const json& body, Outcome& outcome, bool keep_alive) {
        ScanRequest scan = ScanRequest::from_json(require(body, "request"));
        std::string token = string_member(body, "page_token", false);
        size_t page_size = options.max_splits_per_page;
        if (auto it = body.find("max_splits"); it != body.end() && !it->is_null()) {
            if (!it->is_number_unsigned() || it->get<uint64_t>() == 0) {
                raise(ErrorCode::kInvalidJson, "\"max_splits\" must be a positive integer");
            }
            page_size = std::min<size_t>(page_size, it->get<uint64_t>());
        }
        size_t offset = 0;
        std::string digest;
        std::shared_ptr<const json> full;
        if (!token.empty()) {
            if (!parse_page_token(token, offset, digest)) raise(ErrorCode::kInvalidParameter, "malformed page_token");
            std::lock_guard lock(plans_mutex);
            if (auto it = plans.find(digest); it != plans.end()) full = it->second.second;
        }
        if (!full) {
            auto planned = std::make_shared<json>(options.connector->plan_scan(scan).to_json());
            std::string planned_digest = plan_digest(*planned);
            if (!token.empty() && planned_digest != digest) {
                raise(ErrorCode::kInvalidParameter, "the scan plan changed since its first page; plan the scan again");
            }
            digest = planned_digest;
            full = planned;
        }
        const json& splits = (*full)["splits"];
        size_t total = splits.size();
        if (offset > total) raise(ErrorCode::kInvalidParameter, "page_token past the end of the plan");
        if (token.empty() && total <= page_size) {
            send_json(http, outcome, 200, json{{"plan", *full}, {"next_page_token", ""}}, keep_alive);
            return;
        }
        size_t end = std::min(total, offset + page_size);
        json page = *full;
        page["splits"] = json(splits.begin() + static_cast<std::ptrdiff_t>(offset),
                              splits.begin() + static_cast<std::ptrdiff_t>(end));
        std::string next = end < total ? make_page_token(end, digest) : "";
        if (!next.empty()) remember_plan(digest, full);
        send_json(http, outcome, 200, json{{"plan", std::move(page)}, {"next_page_token", next}}, keep_alive);
    }

    void remember_plan(const std::string& digest, std::shared_ptr<const json> plan) {
        int64_t now = options.clock();
        std::lock_guard lock(plans_mutex);
        for (auto it = plans.begin(); it != plans.end();) {
            it = now - it->second.first > 600 ? plans.erase(it) : std::next(it);
        }
        if (plans.size() >= 64) {
            auto oldest = plans.begin();
            for (auto it = plans.begin(); it != plans.end(); ++it) {
                if (it->second.first < oldest->second.first) oldest = it;
            }
            plans.erase(oldest);
        }
        plans[digest] = {now, std::move(plan)};
    }

    // ---- cancellation

    std::shared_ptr<QueryState> register_query(const std::string& query_id) {
        auto state = std::make_shared<QueryState>();
        if (query_id.empty()) return state;
        std::lock_guard lock(queries_mutex);
        if (cancelled_queries.count(query_id)) state->cancelled = true;
        auto& slot = running[query_id];
        if (auto existing = slot.lock()) return existing;
        slot = state;
        return state;
    }

    void unregister_query(const std::string& query_id) {
        if (query_id.empty()) return;
        std::lock_guard lock(queries_mutex);
        auto it = running.find(query_id);
        if (it != running.end() && it->second.expired()) running.erase(it);
    }

    size_t cancel(const std::string& query_id) {
        int64_t now = options.clock();
        std::lock_guard lock(queries_mutex);
        for (auto it = cancelled_queries.begin(); it != cancelled_queries.end();) {
            it = now - it->second > 600 ? cancelled_queries.erase(it) : std::next(it);
        }
        if (cancelled_queries.size() >= 100000) cancelled_queries.erase(cancelled_queries.begin());
        cancelled_queries[query_id] = now;
        auto it = running.find(query_id);
        if (it == running.end()) return 0;
        auto state = it->second.lock();
        if (!state) return 0;
        state->cancelled = true;
        return static_cast<size_t>(state.use_count() - 1);
    }

    // ---- read_split

    std::vector<std::string> output_names(const ScanRequest& scan) {
        if (!scan.aggregation) return scan.columns;
        std::vector<std::string> names;
        for (size_t i = 0; i < scan.aggregation->groups.size(); ++i) {
            const auto& g = scan.aggregation->groups[i];
            names.push_back(g.kind == ConnectorExprKind::kColumn ? g.name : fmt::format("group_{}", i));
        }
        for (size_t i = 0; i < scan.aggregation->aggregates.size(); ++i) {
            const auto& a = scan.aggregation->aggregates[i];
            names.push_back(a.name.empty() ? fmt::format("agg_{}", i) : a.name);
        }
        return names;
    }

    // The output types when no batch says them: "output_types" from the request, the aggregation's types,
    // or the table's column types.
    std::vector<Type> output_types(const ScanRequest& scan, const json& body) {
        std::vector<Type> types;
        if (auto it = body.find("output_types"); it != body.end() && it->is_array()) {
            for (const auto& t : *it) types.push_back(type_from_json(t));
            if (types.size() != scan.output_count()) {
                raise(ErrorCode::kInvalidJson, "\"output_types\" has {} types for {} output columns", types.size(),
                      scan.output_count());
            }
            return types;
        }
        if (scan.aggregation) {
            for (const auto& g : scan.aggregation->groups) types.push_back(g.type);
            for (const auto& a : scan.aggregation->aggregates) types.push_back(a.type);
            return types;
        }
        std::optional<TableInfo> table;
        try {
            table = options.connector->get_table(scan.table.schema, scan.table.table);
        } catch (const Error&) {
        }
        for (const auto& name : scan.columns) {
            Type type = Type::varchar();
            if (table) {
                for (const auto& c : table->columns) {
                    if (c.name == name) type = c.type;
                }
            }
            types.push_back(type);
        }
        return types;
    }

    bool read_split(HttpConnection& http, const json& body, Outcome& outcome, bool keep_alive) {
        ScanRequest scan = ScanRequest::from_json(require(body, "request"));
        Split split = split_from_json(require(body, "split"));
#if !FEDQ_REMOTE_HAVE_ARROW
        (void)scan;
        (void)split;
        raise(ErrorCode::kNotSupported, "this connector service was built without Arrow IPC support");
#else
        std::string query_id = outcome.query_id;
        auto state = register_query(query_id);
        struct Unregister {
            Impl* self;
            std::shared_ptr<QueryState>* state;
            std::string id;
            ~Unregister() {
                state->reset();
                self->unregister_query(id);
            }
        } unregister{this, &state, query_id};
        if (state->cancelled) raise(ErrorCode::kCancelled, "query {} was cancelled", query_id);
        ScanMetrics metrics;
        ReadContext context;
        context.cancelled = &state->cancelled;
        context.metrics = &metrics;
        auto reader = options.connector->read_split(scan, split, context);
        Batch batch;
        bool have = reader->next(batch);  // errors up to here are answered as JSON
        std::vector<Type> types;
        if (have && batch.num_columns() == scan.output_count()) {
            for (const auto& column : batch.columns) types.push_back(column->type());
        } else {
            types = output_types(scan, body);
        }
        if (std::string key = spill_key(body); !key.empty()) {
            return read_split_spillable(http, *reader, batch, have, output_names(scan), types, *state, key,
                                        outcome, keep_alive);
        }
        http.begin_chunked(200, kArrowStreamContentType, keep_alive);
        outcome.status = 200;
        try {
            std::string pending;
            auto flush = [&] {
                http.write_chunk(pending);
                pending.clear();
            };
            ArrowStreamWriter writer(
                [&](std::string_view data) {
                    pending.append(data);
                    if (pending.size() >= (1 << 20)) flush();
                },
                output_names(scan), types);
            uint64_t rows = 0;
            while (have) {
                if (state->cancelled) raise(ErrorCode::kCancelled, "read cancelled");
                if (batch.num_rows > 0) {
                    writer.write(batch);
                    rows += batch.num_rows;
                    flush();
                }
                have = reader->next(batch);
            }
            writer.finish();
            flush();
            http.end_chunked();
            rows_sent += rows;
        } catch (const std::exception& e) {
            // The stream started: close the connection without the end-of-stream marker.
            outcome.aborted = true;
            std::string what = e.what();
            if (auto* error = dynamic_cast<const Error*>(&e)) what = fmt::format("{} {}", error->sqlstate(), error->message());
            log(fmt::format("read_split aborted after the stream started: {}", what));
            return false;
        }
        return keep_alive;
#endif
    }

    // ---- spill

    // The request's spill key when this service spills and the request allows it; empty otherwise.
    std::string spill_key(const json& body) {
        if (options.spill_location.empty()) return {};
        auto it = body.find("spill");
        if (it == body.end() || !it->is_object()) return {};
        if (auto allowed = it->find("allowed"); allowed != it->end() && !allowed->is_null()) {
            if (!allowed->is_boolean()) raise(ErrorCode::kInvalidJson, "\"spill.allowed\" must be a boolean");
            if (!allowed->get<bool>()) return {};
        }
        auto key = it->find("key");
        if (key == it->end() || !key->is_string()) raise(ErrorCode::kInvalidJson, "\"spill.key\" must be a string");
        return spill_key_from_base64(key->get<std::string>());
    }

#if FEDQ_REMOTE_HAVE_ARROW
    // Holds the stream back up to the threshold: a split that ends below it is streamed as usual; a larger
    // one is written as spill objects of about threshold bytes (each a complete Arrow stream) and answered
    // with their list. Errors before the answer (the source failing, cancellation) delete the objects
    // written and are answered as JSON errors.
    bool read_split_spillable(HttpConnection& http, BatchReader& reader, Batch& batch, bool have,
                              const std::vector<std::string>& names, const std::vector<Type>& types,
                              QueryState& state, const std::string& key, Outcome& outcome, bool keep_alive) {
        uint64_t threshold = options.spill_threshold_bytes;
        std::string pending;
        std::unique_ptr<ArrowStreamWriter> writer;
        auto new_writer = [&] {
            writer = std::make_unique<ArrowStreamWriter>([&pending](std::string_view data) { pending.append(data); },
                                                         names, types);
        };
        new_writer();
        std::unique_ptr<SpillWriter> spill;
        uint64_t rows = 0;
        uint64_t object_rows = 0;
        try {
            while (have) {
                if (state.cancelled) raise(ErrorCode::kCancelled, "read cancelled");
                if (batch.num_rows > 0) {
                    writer->write(batch);
                    rows += batch.num_rows;
                    object_rows += batch.num_rows;
                }
                if (pending.size() >= threshold) {
                    writer->finish();
                    if (!spill) {
                        spill = std::make_unique<SpillWriter>(options.spill_location, key, outcome.query_id,
                                                              options.clock());
                    }
                    spill->write_object(pending, object_rows);
                    pending.clear();
                    object_rows = 0;
                    new_writer();
                }
                have = reader.next(batch);
            }
            if (state.cancelled) raise(ErrorCode::kCancelled, "read cancelled");
            writer->finish();
            if (spill && object_rows > 0) spill->write_object(pending, object_rows);
        } catch (...) {
            if (spill) spill->remove_all();
            throw;
        }
        if (!spill) {
            http.begin_chunked(200, kArrowStreamContentType, keep_alive);
            outcome.status = 200;
            try {
                http.write_chunk(pending);
                http.end_chunked();
            } catch (const std::exception& e) {
                outcome.aborted = true;
                log(fmt::format("read_split aborted after the stream started: {}", e.what()));
                return false;
            }
            rows_sent += rows;
            return keep_alive;
        }
        json list = json::array();
        for (const auto& object : spill->objects()) {
            list.push_back(json{{"location", object.location}, {"bytes", object.bytes}, {"rows", object.rows}});
        }
        log(fmt::format("read_split spilled {} object(s), {}B, {} rows to {}{}", spill->objects().size(),
                        spill->total_bytes(), rows, options.spill_location,
                        outcome.query_id.empty() ? "" : " query=" + outcome.query_id));
        try {
            send_json(http, outcome, 200, json{{"spilled", std::move(list)}}, keep_alive);
        } catch (...) {
            spill->remove_all();  // the client never learnt of them
            throw;
        }
        rows_sent += rows;
        return keep_alive;
    }
#endif

    // ---- metrics

    std::string metrics_text() const {
        std::string out;
        std::lock_guard lock(metrics_mutex);
        out += "# HELP fedq_connector_requests_total Requests served, by call and HTTP status.\n";
        out += "# TYPE fedq_connector_requests_total counter\n";
        for (const auto& [key, count] : requests) {
            out += fmt::format("fedq_connector_requests_total{{call=\"{}\",status=\"{}\"}} {}\n",
                               escape_label(key.first), key.second, count);
        }
        out += "# HELP fedq_connector_aborted_streams_total Split streams ended by an error after they started.\n";
        out += "# TYPE fedq_connector_aborted_streams_total counter\n";
        for (const auto& [call, count] : aborted_streams) {
            out += fmt::format("fedq_connector_aborted_streams_total{{call=\"{}\"}} {}\n", escape_label(call), count);
        }
        out += "# HELP fedq_connector_bytes_sent_total Response bytes sent (headers and bodies).\n";
        out += "# TYPE fedq_connector_bytes_sent_total counter\n";
        out += fmt::format("fedq_connector_bytes_sent_total {}\n", bytes_sent.load());
        out += "# HELP fedq_connector_rows_sent_total Rows sent in split streams.\n";
        out += "# TYPE fedq_connector_rows_sent_total counter\n";
        out += fmt::format("fedq_connector_rows_sent_total {}\n", rows_sent.load());
        out += "# HELP fedq_connector_rejected_connections_total Connections refused because the service was busy.\n";
        out += "# TYPE fedq_connector_rejected_connections_total counter\n";
        out += fmt::format("fedq_connector_rejected_connections_total {}\n", rejected_connections.load());
        out += "# HELP fedq_connector_active_requests Requests being served now.\n";
        out += "# TYPE fedq_connector_active_requests gauge\n";
        out += fmt::format("fedq_connector_active_requests {}\n", active.load());
        out += "# HELP fedq_connector_request_seconds Request latency (a split: until its stream ended).\n";
        out += "# TYPE fedq_connector_request_seconds histogram\n";
        for (const auto& [call, h] : latency) {
            uint64_t cumulative = 0;
            std::string label = escape_label(call);
            for (size_t i = 0; i < kBuckets.size(); ++i) {
                cumulative += h.counts[i];
                out += fmt::format("fedq_connector_request_seconds_bucket{{call=\"{}\",le=\"{}\"}} {}\n", label,
                                   kBuckets[i], cumulative);
            }
            out += fmt::format("fedq_connector_request_seconds_bucket{{call=\"{}\",le=\"+Inf\"}} {}\n", label, h.count);
            out += fmt::format("fedq_connector_request_seconds_sum{{call=\"{}\"}} {}\n", label, h.sum);
            out += fmt::format("fedq_connector_request_seconds_count{{call=\"{}\"}} {}\n", label, h.count);
        }
        return out;
    }
};

ConnectorService::ConnectorService(ConnectorServiceOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ConnectorService::~ConnectorService() { stop(); }

void ConnectorService::start() { impl_->start(); }
int ConnectorService::port() const { return impl_->bound_port; }
void ConnectorService::stop() { impl_->stop(); }
std::string ConnectorService::metrics_text() const { return impl_->metrics_text(); }
size_t ConnectorService::active_requests() const { return static_cast<size_t>(impl_->active.load()); }

namespace {

std::atomic<bool> g_signalled{false};

extern "C" void on_stop_signal(int) { g_signalled.store(true); }

}  // namespace

int run_connector_service(const ConnectorServiceOptions& options) {
    ConnectorServiceOptions copy = options;
    auto log = copy.log ? copy.log : [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    struct sigaction old_term {}, old_int {};
    ::sigaction(SIGTERM, &action, &old_term);
    ::sigaction(SIGINT, &action, &old_int);
    g_signalled = false;
    int code = 0;
    try {
        ConnectorService service(copy);
        service.start();
        while (!g_signalled.load() && !(options.stop && options.stop->load())) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        log(g_signalled.load() ? "fedq connector service: signal received, stopping" : "fedq connector service: stopping");
        service.stop();
    } catch (const Error& e) {
        log(e.format());
        code = 1;
    }
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::sigaction(SIGINT, &old_int, nullptr);
    return code;
}

}  // namespace fedq
