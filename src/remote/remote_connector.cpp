#include "remote/remote_connector.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "formats/arrow_ipc.h"
#include "remote/protocol.h"
#include "remote/signing.h"
#include "remote/spill.h"

namespace fedq {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kPauseBytes = 8u << 20;  // a split's receive buffer pauses the transfer above this
constexpr size_t kMaxJsonResponseBytes = 256u << 20;
constexpr int kPollMs = 50;  // cancellation / timeout check granularity

void curl_global() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// Why a transfer failed (below the protocol: the service's own errors are JSON bodies).
struct TransportFailure {
    enum Kind { kConnect, kTimeout, kLost } kind;
    std::string message;
};

// One reusable connection: an easy handle that always runs inside its own multi handle, so the multi's
// connection cache keeps the keep-alive connection between requests.
struct Transport {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
    Transport() {
        curl_global();
        multi = curl_multi_init();
        easy = curl_easy_init();
        if (!multi || !easy) raise(ErrorCode::kOutOfMemory, "cannot create an HTTP client handle");
    }
    ~Transport() {
        if (easy) curl_easy_cleanup(easy);
        if (multi) curl_multi_cleanup(multi);
    }
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;
};

class TransportPool {
  public:
    std::unique_ptr<Transport> acquire() {
        {
            std::lock_guard lock(mutex_);
            if (!free_.empty()) {
                auto t = std::move(free_.back());
                free_.pop_back();
                return t;
            }
        }
        return std::make_unique<Transport>();
    }
    void release(std::unique_ptr<Transport> t) {
        std::lock_guard lock(mutex_);
        if (free_.size() < 32) free_.push_back(std::move(t));
    }
    void clear() {
        std::lock_guard lock(mutex_);
        free_.clear();
    }

  private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Transport>> free_;
};

struct ExchangeSettings {
    double connect_timeout = 5;
    double total_timeout = 0;   // 0 = none (split streams)
    double idle_timeout = 300;  // no byte for this long while we wait for one
    const std::atomic<bool>* cancelled = nullptr;
};

// One HTTP request/response, driven by the calling thread: bytes are only pulled from the socket when the
// caller asks for them (backpressure), and at most ~kPauseBytes are buffered.
class Exchange {
  public:
    Exchange(TransportPool& pool, ExchangeSettings settings) : pool_(pool), settings_(settings) {
        transport_ = pool_.acquire();
    }
    ~Exchange() { finish(); }
    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    void start(const std::string& url, std::string_view method, const std::string& body,
               const std::vector<std::pair<std::string, std::string>>& headers) {
        CURL* e = transport_->easy;
        curl_easy_reset(e);
        body_ = body;
        for (const auto& [name, value] : headers) {
            header_list_ = curl_slist_append(header_list_, fmt::format("{}: {}", name, value).c_str());
        }
        header_list_ = curl_slist_append(header_list_, "Expect:");
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list_);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout * 1000));
        if (settings_.total_timeout > 0) {
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.total_timeout * 1000));
        }
        if (method == "POST") {
            curl_easy_setopt(e, CURLOPT_POST, 1L);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, body_.data());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
        } else {
            curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        }
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Exchange::on_write);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Exchange::on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
        started_at_ = Clock::now();
        last_activity_ = started_at_;
        if (curl_multi_add_handle(transport_->multi, e) != CURLM_OK) {
            throw TransportFailure{TransportFailure::kLost, "cannot start the HTTP request"};
        }
        added_ = true;
    }

    // Waits for the response's status line and headers; returns the status.
    int wait_headers() {
        last_activity_ = Clock::now();
        while (!headers_done_ && !done_) pump();
        if (!headers_done_) check_result();  // done without headers: raises
        return status_;
    }

    // Up to `capacity` body bytes; 0 at the end of a complete body. Raises TransportFailure when the
    // transfer fails (a truncated body included), fedq::Error kCancelled when cancelled.
    size_t read(void* dest, size_t capacity) {
        last_activity_ = Clock::now();
        while (pos_ == data_.size() && !done_) pump();
        if (pos_ == data_.size()) {
            check_result();
            return 0;
        }
        size_t n = std::min(capacity, data_.size() - pos_);
        std::memcpy(dest, data_.data() + pos_, n);
        pos_ += n;
        if (pos_ == data_.size()) {
            data_.clear();
            pos_ = 0;
        }
        return n;
    }

    std::string read_all(size_t limit) {
        std::string out;
        auto take = [&] {
            out.append(data_, pos_, std::string::npos);
            data_.clear();
            pos_ = 0;
            if (out.size() > limit) throw TransportFailure{TransportFailure::kLost, "response too large"};
        };
        take();
        while (!done_) {
            pump();
            take();
        }
        check_result();
        return out;
    }

    uint64_t bytes_received() const { return bytes_received_; }
    std::string content_type() const { return content_type_; }

    // Ends the exchange (aborting it when unfinished) and returns the connection to the pool.
    void finish() {
        if (!transport_) return;
        if (added_) {
            curl_multi_remove_handle(transport_->multi, transport_->easy);
            added_ = false;
        }
        curl_easy_setopt(transport_->easy, CURLOPT_HTTPHEADER, nullptr);
        if (header_list_) {
            curl_slist_free_all(header_list_);
            header_list_ = nullptr;
        }
        pool_.release(std::move(transport_));
    }

  private:
    static size_t on_write(char* data, size_t size, size_t count, void* self_ptr) {
        auto* self = static_cast<Exchange*>(self_ptr);
        size_t bytes = size * count;
        if (self->data_.size() - self->pos_ >= kPauseBytes) {
            self->paused_ = true;
            return CURL_WRITEFUNC_PAUSE;
        }
        if (self->pos_ > 0 && self->pos_ >= self->data_.size() / 2) {
            self->data_.erase(0, self->pos_);
            self->pos_ = 0;
        }
        self->data_.append(data, bytes);
        self->bytes_received_ += bytes;
        self->last_activity_ = Clock::now();
        self->progressed_ = true;
        return bytes;
    }

    static size_t on_header(char* data, size_t size, size_t count, void* self_ptr) {
        auto* self = static_cast<Exchange*>(self_ptr);
        size_t bytes = size * count;
        std::string_view line(data, bytes);
        self->last_activity_ = Clock::now();
        self->progressed_ = true;
        if (line.rfind("HTTP/", 0) == 0) {
            size_t space = line.find(' ');
            self->status_ = space == std::string_view::npos
                                ? 0
                                : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
            self->content_type_.clear();
        } else if (line == "\r\n" || line == "\n") {
            if (self->status_ >= 200) self->headers_done_ = true;
        } else if (line.size() > 13 && strncasecmp(line.data(), "content-type:", 13) == 0) {
            std::string_view value = line.substr(13);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
                value.remove_suffix(1);
            }
            self->content_type_ = std::string(value);
        }
        return bytes;
    }

    void pump() {
        if (settings_.cancelled && settings_.cancelled->load(std::memory_order_relaxed)) {
            raise(ErrorCode::kCancelled, "query cancelled");
        }
        if (paused_ && data_.size() - pos_ < kPauseBytes) {
            paused_ = false;
            curl_easy_pause(transport_->easy, CURLPAUSE_CONT);
        }
        progressed_ = false;
        int running = 0;
        curl_multi_perform(transport_->multi, &running);
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(transport_->multi, &queued)) {
            if (message->msg == CURLMSG_DONE) {
                done_ = true;
                result_ = message->data.result;
            }
        }
        if (done_) return;
        auto now = Clock::now();
        if (!progressed_ && !paused_) {
            double idle = std::chrono::duration<double>(now - last_activity_).count();
            if (settings_.idle_timeout > 0 && idle > settings_.idle_timeout) {
                throw TransportFailure{TransportFailure::kTimeout,
                                       fmt::format("no data for {}s (read_timeout)", settings_.idle_timeout)};
            }
            curl_multi_poll(transport_->multi, nullptr, 0, kPollMs, nullptr);
        }
    }

    void check_result() {
        if (!done_) return;
        if (result_ == CURLE_OK) {
            if (!headers_done_) throw TransportFailure{TransportFailure::kLost, "empty response"};
            return;
        }
        std::string text = curl_easy_strerror(result_);
        switch (result_) {
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_RESOLVE_PROXY:
                throw TransportFailure{TransportFailure::kConnect, text};
            case CURLE_OPERATION_TIMEDOUT: {
                curl_off_t connect_us = 0;
                curl_easy_getinfo(transport_->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
                if (connect_us == 0) throw TransportFailure{TransportFailure::kConnect, "connect timed out"};
                throw TransportFailure{
                    TransportFailure::kTimeout,
                    fmt::format("no complete answer within {}s (request_timeout)", settings_.total_timeout)};
            }
            default:
                throw TransportFailure{TransportFailure::kLost, fmt::format("connection lost: {}", text)};
        }
    }

    TransportPool& pool_;
    ExchangeSettings settings_;
    std::unique_ptr<Transport> transport_;
    curl_slist* header_list_ = nullptr;
    std::string body_;
    bool added_ = false;
    bool done_ = false;
    CURLcode result_ = CURLE_OK;
    bool headers_done_ = false;
    bool paused_ = false;
    bool progressed_ = false;
    int status_ = 0;
    std::string content_type_;
    std::string data_;
    size_t pos_ = 0;
    uint64_t bytes_received_ = 0;
    Clock::time_point started_at_;
    Clock::time_point last_activity_;
};

struct Endpoint {
    std::string url;                             // without a trailing slash
    std::atomic<int64_t> unhealthy_until_ms{0};  // 0 = healthy
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(start, comma - start);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.erase(0, 1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
        if (!item.empty()) out.push_back(item);
        start = comma + 1;
    }
    return out;
}

// Shared by the connector and its readers (a reader may outlive a closed catalog).
struct RemoteState {
    std::string catalog;
    std::vector<std::unique_ptr<Endpoint>> endpoints;
    std::string endpoint_list;  // "http://a:9100, http://b:9100" for messages
    std::string auth_key;
    Identity identity;
    double connect_timeout = 5;
    double read_timeout = 300;
    double request_timeout = 30;
    int max_retries = 2;
    double health_check_interval = 10;
    bool spill = true;  // offer the service to spill large splits (section 8 of the protocol)
    double metadata_cache_ttl = 10;  // seconds get_table answers are reused; 0 = never
    std::atomic<size_t> next{0};
    TransportPool pool;

    std::vector<std::pair<std::string, std::string>> headers(std::string_view method, const std::string& path,
                                                             const std::string& body) const {
        std::vector<std::pair<std::string, std::string>> out;
        if (method == "POST") out.emplace_back("Content-Type", std::string(kJsonContentType));
        if (!auth_key.empty()) {
            for (auto& h : sign_request(auth_key, method, path, body, unix_now()).list())
                out.push_back(std::move(h));
        }
        return out;
    }

    void mark_unhealthy(Endpoint* endpoint) {
        endpoint->unhealthy_until_ms = steady_ms() + static_cast<int64_t>(health_check_interval * 1000);
    }
    void mark_healthy(Endpoint* endpoint) { endpoint->unhealthy_until_ms = 0; }

    // GET /v1/health with the connect timeout; true when the endpoint answers 200.
    bool probe(Endpoint* endpoint) {
        try {
            ExchangeSettings settings;
            settings.connect_timeout = connect_timeout;
            settings.total_timeout = std::max(connect_timeout, 1.0);
            settings.idle_timeout = 0;
            Exchange exchange(pool, settings);
            exchange.start(endpoint->url + "/v1/health", "GET", "", {});
            int status = exchange.wait_headers();
            exchange.read_all(1 << 20);
            return status == 200;
        } catch (const TransportFailure&) {
            return false;
        }
    }

    // The endpoints to try, best first: healthy ones in round-robin order, then (probed when their
    // interval has passed) the unhealthy ones, as a last resort.
    std::vector<Endpoint*> candidates() {
        size_t n = endpoints.size();
        size_t first = next.fetch_add(1, std::memory_order_relaxed);
        std::vector<Endpoint*> healthy;
        std::vector<Endpoint*> unhealthy;
        int64_t now = steady_ms();
        for (size_t i = 0; i < n; ++i) {
            Endpoint* e = endpoints[(first + i) % n].get();
            int64_t until = e->unhealthy_until_ms.load();
            if (until == 0) {
                healthy.push_back(e);
            } else if (until <= now && e->unhealthy_until_ms.compare_exchange_strong(
                                           until, now + static_cast<int64_t>(health_check_interval * 1000))) {
                // This thread claimed the health check.
                if (probe(e)) {
                    mark_healthy(e);
                    healthy.push_back(e);
                } else {
                    unhealthy.push_back(e);
                }
            } else {
                unhealthy.push_back(e);
            }
        }
        std::stable_sort(unhealthy.begin(), unhealthy.end(), [](Endpoint* a, Endpoint* b) {
            return a->unhealthy_until_ms.load() < b->unhealthy_until_ms.load();
        });
        healthy.insert(healthy.end(), unhealthy.begin(), unhealthy.end());
        return healthy;
    }

    Error prefixed(const Error& e) const {
        std::string message = fmt::format("catalog {}: {}", catalog, e.message());
        return Error::with_sqlstate(e.code(), std::string(e.sqlstate()), std::move(message));
    }

    // The error after every attempt failed below the protocol.
    Error exhausted(const std::vector<std::string>& tried, const TransportFailure& last,
                    bool all_connect) const {
        std::string list;
        for (const auto& t : tried) {
            if (list.find(t) != std::string::npos) continue;
            list += (list.empty() ? "" : ", ") + t;
        }
        if (all_connect) {
            return Error(ErrorCode::kConnectionFailure,
                         fmt::format("catalog {}: cannot connect to the connector service at {} ({})",
                                     catalog, endpoint_list, last.message));
        }
        if (last.kind == TransportFailure::kTimeout) {
            return Error(ErrorCode::kQueryTimeout,
                         fmt::format("catalog {}: the connector service timed out at {}: {}", catalog, list,
                                     last.message));
        }
        return Error(ErrorCode::kConnection, fmt::format("catalog {}: the connector service failed at {}: {}",
                                                         catalog, list, last.message));
    }

    // A JSON call: POST /v1/<name>. Retries on another endpoint after a connection failure, a timeout or a
    // retryable error (at most max_retries times, but every endpoint gets one chance to connect).
    json call(const std::string& name, json body) {
        if (!identity.empty()) body["identity"] = identity_to_json(identity);
        std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
        std::string path = "/v1/" + name;
        auto order = candidates();
        std::vector<std::string> tried;
        std::optional<TransportFailure> last;
        bool all_connect = true;
        int attempts = max_retries + 1;
        for (size_t attempt = 0;; ++attempt) {
            bool untried = attempt < order.size();
            if (attempt >= static_cast<size_t>(attempts) && !(untried && all_connect)) break;
            Endpoint* endpoint = order[attempt % order.size()];
            tried.push_back(endpoint->url);
            int status = 0;
            std::string response;
            try {
                ExchangeSettings settings;
                settings.connect_timeout = connect_timeout;
                settings.total_timeout = request_timeout;
                settings.idle_timeout = request_timeout;
                Exchange exchange(pool, settings);
                exchange.start(endpoint->url + path, "POST", text, headers("POST", path, text));
                status = exchange.wait_headers();
                response = exchange.read_all(kMaxJsonResponseBytes);
            } catch (const TransportFailure& failure) {
                if (failure.kind != TransportFailure::kConnect) all_connect = false;
                mark_unhealthy(endpoint);
                last = failure;
                continue;
            }
            mark_healthy(endpoint);
            json parsed;
            try {
                parsed = json::parse(response);
            } catch (const json::exception&) {
                if (status == 200) {
                    raise(ErrorCode::kRemote,
                          "catalog {}: malformed JSON from the connector service at {} ({})", catalog,
                          endpoint->url, name);
                }
                parsed = json();
            }
            if (status == 200 && parsed.is_object()) return parsed;
            bool retryable = false;
            Error error = error_from_json(
                parsed, &retryable,
                fmt::format("HTTP {} from the connector service at {} ({})", status, endpoint->url, name));
            if (retryable && attempt + 1 < static_cast<size_t>(attempts)) {
                all_connect = false;
                last = TransportFailure{TransportFailure::kLost, error.message()};
                continue;
            }
            throw prefixed(error);
        }
        throw exhausted(tried, *last, all_connect);
    }

    // Best-effort cancel of a query's reads at one endpoint.
    void send_cancel(Endpoint* endpoint, const std::string& query_id) {
        try {
            json body{{"query_id", query_id}};
            if (!identity.empty()) body["identity"] = identity_to_json(identity);
            std::string text = body.dump();
            std::string path = "/v1/cancel";
            ExchangeSettings settings;
            settings.connect_timeout = std::min(connect_timeout, 2.0);
            settings.total_timeout = std::min(request_timeout, 2.0);
            settings.idle_timeout = 0;
            Exchange exchange(pool, settings);
            exchange.start(endpoint->url + path, "POST", text, headers("POST", path, text));
            exchange.wait_headers();
            exchange.read_all(1 << 20);
        } catch (...) {
        }
    }
};

// Streams one split: an Arrow IPC stream pulled from the transfer on demand.
class RemoteSplitReader : public BatchReader {
  public:
    RemoteSplitReader(std::shared_ptr<RemoteState> state, std::string body, std::string query_id,
                      size_t output_count, ReadContext& context, std::string spill_key = {})
        : state_(std::move(state)),
          body_(std::move(body)),
          query_id_(std::move(query_id)),
          spill_key_(std::move(spill_key)),
          output_count_(output_count),
          context_(context),
          order_(state_->candidates()) {}

    ~RemoteSplitReader() override { close(); }

    bool next(Batch& batch) override {
        if (finished_) return false;
        // Once the query is cancelled no further batch is handed on, even one already received.
        if (context_.is_cancelled()) {
            cancel_remote();
            close();
            finished_ = true;
            throw Error(ErrorCode::kCancelled, fmt::format("catalog {}: query cancelled", state_->catalog));
        }
        while (true) {
            try {
                if (!reader_ && !spill_) open();
                bool have = spill_ ? spill_->next(batch) : reader_->next(batch);
                report();
                if (!have) {
                    finished_ = true;
                    close();
                    return false;
                }
                if (batch.num_columns() != output_count_) {
                    raise(ErrorCode::kRemote,
                          "catalog {}: the connector service at {} sent {} columns, expected {}",
                          state_->catalog, endpoint_->url, batch.num_columns(), output_count_);
                }
                if (batch.num_rows > 0) handed_on_ = true;
                if (context_.metrics)
                    context_.metrics->rows_read.fetch_add(batch.num_rows, std::memory_order_relaxed);
                return true;
            } catch (const TransportFailure& failure) {
                report();
                retry_or_raise(failure);
            } catch (const Error& e) {
                report();
                if (e.code() == ErrorCode::kCancelled && context_.is_cancelled()) {
                    cancel_remote();
                    throw Error(ErrorCode::kCancelled,
                                fmt::format("catalog {}: query cancelled", state_->catalog));
                }
                bool spilled = spill_ != nullptr;
                close();
                if (spilled && e.code() == ErrorCode::kIo) {
                    // A spill object went missing / could not be read: read the split again while
                    // nothing of it was handed on.
                    all_connect_ = false;
                    ++attempt_;
                    if (!handed_on_ && attempt_ <= static_cast<size_t>(state_->max_retries)) continue;
                    throw state_->prefixed(e);
                }
                if (e.code() == ErrorCode::kBadFile) {
                    // A corrupt stream (the transfer itself completed): retry while nothing was handed on.
                    all_connect_ = false;
                    ++attempt_;
                    if (!handed_on_ && attempt_ <= static_cast<size_t>(state_->max_retries)) continue;
                    throw state_->prefixed(e);
                }
                throw;
            }
        }
    }

  private:
    void open() {
        if (context_.is_cancelled()) raise(ErrorCode::kCancelled, "query cancelled");
        endpoint_ = order_[attempt_ % order_.size()];
        tried_.push_back(endpoint_->url);
        bytes_reported_ = 0;
        ExchangeSettings settings;
        settings.connect_timeout = state_->connect_timeout;
        settings.total_timeout = 0;
        settings.idle_timeout = state_->read_timeout;
        settings.cancelled = context_.cancelled;
        exchange_ = std::make_unique<Exchange>(state_->pool, settings);
        const std::string path = "/v1/read_split";
        exchange_->start(endpoint_->url + path, "POST", body_, state_->headers("POST", path, body_));
        int status = exchange_->wait_headers();
        state_->mark_healthy(endpoint_);
        if (status != 200 || exchange_->content_type().find("json") != std::string::npos) {
            std::string response = exchange_->read_all(kMaxJsonResponseBytes);
            report();
            close();
            json parsed;
            try {
                parsed = json::parse(response);
            } catch (const json::exception&) {
            }
            if (status == 200 && parsed.is_object() && parsed.contains("spilled") && !spill_key_.empty()) {
                open_spilled(parsed["spilled"]);
                return;
            }
            bool retryable = false;
            Error error = error_from_json(
                parsed, &retryable,
                fmt::format("HTTP {} from the connector service at {} (read_split)", status, endpoint_->url));
            if (retryable && !handed_on_ && attempt_ < static_cast<size_t>(state_->max_retries)) {
                throw TransportFailure{TransportFailure::kLost, error.message()};
            }
            throw state_->prefixed(error);
        }
        Exchange* exchange = exchange_.get();
        reader_ = std::make_unique<ArrowStreamReader>(
            [exchange](void* dest, size_t capacity) { return exchange->read(dest, capacity); },
            fmt::format("split stream from {}", endpoint_->url));
    }

    // The answer {"spilled": [{"location", "bytes", "rows"}, ...]}: read the objects through io/file_system.h.
    void open_spilled(const json& list) {
        std::vector<SpilledObject> objects;
        auto malformed = [&] {
            raise(ErrorCode::kRemote, "catalog {}: malformed spill answer from the connector service at {}",
                  state_->catalog, endpoint_->url);
        };
        if (!list.is_array()) malformed();
        for (const auto& item : list) {
            if (!item.is_object()) malformed();
            auto location = item.find("location");
            if (location == item.end() || !location->is_string()) malformed();
            SpilledObject object;
            object.location = location->get<std::string>();
            // Only spill objects: the client deletes what it is given.
            std::string_view path = object.location;
            if (path.size() <= kSpillSuffix.size() || path.substr(path.size() - kSpillSuffix.size()) != kSpillSuffix ||
                path.find("/../") != std::string_view::npos) {
                malformed();
            }
            if (auto bytes = item.find("bytes"); bytes != item.end() && bytes->is_number_unsigned()) {
                object.bytes = bytes->get<uint64_t>();
            }
            if (auto rows = item.find("rows"); rows != item.end() && rows->is_number_unsigned()) {
                object.rows = rows->get<uint64_t>();
            }
            objects.push_back(std::move(object));
        }
        if (context_.metrics) {
            uint64_t bytes = 0;
            for (const auto& object : objects) bytes += object.bytes;
            context_.metrics->spilled_objects.fetch_add(objects.size(), std::memory_order_relaxed);
            context_.metrics->spilled_bytes.fetch_add(bytes, std::memory_order_relaxed);
        }
        spill_ = std::make_unique<SpillReader>(std::move(objects), spill_key_, query_id_, "", context_.metrics);
    }

    void retry_or_raise(const TransportFailure& failure, bool already_closed = false) {
        if (!already_closed) close();
        if (failure.kind != TransportFailure::kLost ||
            failure.message.find("connection lost") != std::string::npos) {
            state_->mark_unhealthy(endpoint_);
        }
        if (failure.kind != TransportFailure::kConnect) all_connect_ = false;
        if (handed_on_) {
            throw Error(
                ErrorCode::kConnection,
                fmt::format("catalog {}: the split stream from {} failed after rows were returned: {}",
                            state_->catalog, endpoint_->url, failure.message));
        }
        ++attempt_;
        bool untried = attempt_ < order_.size();
        if (attempt_ > static_cast<size_t>(state_->max_retries) && !(untried && all_connect_)) {
            throw state_->exhausted(tried_, failure, all_connect_);
        }
    }

    void report() {
        if (!exchange_ || !context_.metrics) return;
        uint64_t bytes = exchange_->bytes_received();
        if (bytes > bytes_reported_) {
            context_.metrics->bytes_read.fetch_add(bytes - bytes_reported_, std::memory_order_relaxed);
            bytes_reported_ = bytes;
        }
    }

    void cancel_remote() {
        close();
        if (endpoint_ && !cancel_sent_) {
            cancel_sent_ = true;
            state_->send_cancel(endpoint_, query_id_);
        }
    }

    void close() {
        reader_.reset();
        exchange_.reset();
        spill_.reset();  // deletes the spill objects not read yet
    }

    std::shared_ptr<RemoteState> state_;
    std::string body_;
    std::string query_id_;
    std::string spill_key_;  // raw 32 bytes; empty = spilling not offered
    size_t output_count_;
    ReadContext& context_;
    std::vector<Endpoint*> order_;
    std::vector<std::string> tried_;
    Endpoint* endpoint_ = nullptr;
    size_t attempt_ = 0;
    bool all_connect_ = true;
    bool handed_on_ = false;
    bool finished_ = false;
    bool cancel_sent_ = false;
    uint64_t bytes_reported_ = 0;
    std::unique_ptr<Exchange> exchange_;
    std::unique_ptr<ArrowStreamReader> reader_;
    std::unique_ptr<SpillReader> spill_;
};

class RemoteConnector : public Connector {
  public:
    explicit RemoteConnector(std::shared_ptr<RemoteState> state) : state_(std::move(state)) {}

    std::string type_name() const override { return "remote"; }

    Capabilities capabilities() const override {
        std::lock_guard lock(capabilities_mutex_);
        if (!capabilities_) {
            json response = state_->call("capabilities", json::object());
            auto it = response.find("capabilities");
            capabilities_ = capabilities_from_json(it == response.end() ? json::array() : *it);
        }
        return *capabilities_;
    }

    std::vector<std::string> list_schemas() override {
        json response = state_->call("list_schemas", json::object());
        std::vector<std::string> schemas;
        try {
            for (const auto& s : response.at("schemas")) schemas.push_back(s.get<std::string>());
        } catch (const json::exception&) {
            malformed("list_schemas");
        }
        return schemas;
    }

    TablePage list_tables(const std::string& schema, const std::string& page_token) override {
        json body{{"schema", schema}};
        if (!page_token.empty()) body["page_token"] = page_token;
        json response = state_->call("list_tables", std::move(body));
        TablePage page;
        try {
            for (const auto& t : response.at("tables")) page.tables.push_back(t.get<std::string>());
            if (auto it = response.find("next_page_token"); it != response.end() && it->is_string()) {
                page.next_token = it->get<std::string>();
            }
        } catch (const json::exception&) {
            malformed("list_tables");
        }
        return page;
    }

    // Table metadata is cached for metadata_cache_ttl (a query asks for a table once while binding; repeated
    // small queries then save a round trip each).
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override {
        auto now = std::chrono::steady_clock::now();
        std::string key = schema + '\0' + table;
        if (state_->metadata_cache_ttl > 0) {
            std::lock_guard lock(table_cache_mutex_);
            auto it = table_cache_.find(key);
            if (it != table_cache_.end() && now < it->second.first) return it->second.second;
        }
        json response = state_->call("get_table", json{{"schema", schema}, {"table", table}});
        std::optional<TableInfo> info = table_member(response, "get_table");
        if (info && state_->metadata_cache_ttl > 0) {
            std::lock_guard lock(table_cache_mutex_);
            if (table_cache_.size() > 10000) table_cache_.clear();
            table_cache_[key] = {now + std::chrono::milliseconds(static_cast<int64_t>(state_->metadata_cache_ttl * 1000)), info};
        }
        return info;
    }

    ScanPlan negotiate(const ScanRequest& request) override {
        json response = state_->call("negotiate", json{{"request", request.to_json()}});
        return plan_member(response, "negotiate");
    }

    ScanPlan plan_scan(const ScanRequest& request) override {
        json request_json = request.to_json();
        std::string token;
        ScanPlan plan;
        bool first = true;
        for (size_t pages = 0;; ++pages) {
            json body{{"request", request_json}};
            if (!token.empty()) body["page_token"] = token;
            json response = state_->call("plan_scan", std::move(body));
            ScanPlan page = plan_member(response, "plan_scan");
            if (first) {
                plan = std::move(page);
                first = false;
            } else {
                for (auto& s : page.splits) plan.splits.push_back(std::move(s));
            }
            std::string next;
            if (auto it = response.find("next_page_token"); it != response.end() && it->is_string()) {
                next = it->get<std::string>();
            }
            if (next.empty()) break;
            if (next == token || pages > 1000000) {
                raise(ErrorCode::kRemote, "catalog {}: the connector service repeated a plan_scan page token",
                      state_->catalog);
            }
            token = std::move(next);
        }
        plan.description = fmt::format("remote {}{}", state_->endpoint_list,
                                       plan.description.empty() ? "" : ": " + plan.description);
        return plan;
    }

    std::optional<TableInfo> apply_join(
        PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
        const std::vector<std::pair<std::string, std::string>>& keys) override {
        if (!capabilities().has(Capability::kJoins)) return std::nullopt;
        json key_list = json::array();
        for (const auto& [l, r] : keys) key_list.push_back(json::array({l, r}));
        json response = state_->call("apply_join", json{{"type", std::string(join_type_name(type))},
                                                        {"left", left.to_json()},
                                                        {"right", right.to_json()},
                                                        {"keys", std::move(key_list)}});
        return table_member(response, "apply_join");
    }

    std::optional<TableInfo> query_table(const std::string& query) override {
        json response;
        try {
            response = state_->call("query_table", json{{"query", query}});
        } catch (const Error& e) {
            // A service without the call (older protocol): no passthrough.
            if (e.code() == ErrorCode::kUndefinedFunction &&
                e.message().find("no such endpoint") != std::string::npos) {
                return std::nullopt;
            }
            throw;
        }
        return table_member(response, "query_table");
    }

    void close() override {
        {
            std::lock_guard lock(capabilities_mutex_);
            capabilities_.reset();
        }
        {
            std::lock_guard lock(table_cache_mutex_);
            table_cache_.clear();
        }
        state_->pool.clear();
    }

    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override {
        std::string query_id = random_nonce();
        json body{{"request", request.to_json()}, {"split", split_to_json(split)}, {"query_id", query_id}};
        if (!state_->identity.empty()) body["identity"] = identity_to_json(state_->identity);
        std::string spill_key;
        if (state_->spill) {
            spill_key = make_spill_key();  // fresh per split read; only in this (signed) request
            body["spill"] = json{{"key", base64_encode(spill_key)}, {"allowed", true}};
        }
        return std::make_unique<RemoteSplitReader>(state_,
                                                   body.dump(-1, ' ', false, json::error_handler_t::replace),
                                                   std::move(query_id), request.output_count(), context,
                                                   std::move(spill_key));
    }

  private:
    [[noreturn]] void malformed(std::string_view call) const {
        raise(ErrorCode::kRemote, "catalog {}: malformed {} answer from the connector service",
              state_->catalog, call);
    }

    std::optional<TableInfo> table_member(const json& response, std::string_view call) const {
        auto it = response.find("table");
        if (it == response.end()) malformed(call);
        if (it->is_null()) return std::nullopt;
        try {
            return table_info_from_json(*it);
        } catch (const json::exception&) {
            malformed(call);
        }
    }

    ScanPlan plan_member(const json& response, std::string_view call) const {
        auto it = response.find("plan");
        if (it == response.end() || !it->is_object()) malformed(call);
        try {
            return ScanPlan::from_json(*it);
        } catch (const json::exception&) {
            malformed(call);
        }
    }

    std::shared_ptr<RemoteState> state_;
    mutable std::mutex capabilities_mutex_;
    mutable std::optional<Capabilities> capabilities_;
    std::mutex table_cache_mutex_;
    std::map<std::string, std::pair<std::chrono::steady_clock::time_point, std::optional<TableInfo>>> table_cache_;
};

}  // namespace

std::shared_ptr<Connector> make_remote_connector(const ConnectorConfig& config) {
    config.check_known({"endpoints", "auth_key", "connect_timeout", "read_timeout", "request_timeout",
                        "max_retries", "health_check_interval", "user", "roles", "spill", "metadata_cache_ttl"});
    auto state = std::make_shared<RemoteState>();
    state->catalog = config.catalog;
    for (auto& url : split_list(config.require("endpoints"))) {
        while (!url.empty() && url.back() == '/') url.pop_back();
        if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
            raise(ErrorCode::kInvalidParameter,
                  "catalog {}: endpoint '{}' must start with http:// or https://", config.catalog, url);
        }
        if (url.find_first_of(" \t\r\n") != std::string::npos) {
            raise(ErrorCode::kInvalidParameter, "catalog {}: malformed endpoint '{}'", config.catalog, url);
        }
        auto endpoint = std::make_unique<Endpoint>();
        endpoint->url = url;
        state->endpoint_list += (state->endpoint_list.empty() ? "" : ", ") + url;
        state->endpoints.push_back(std::move(endpoint));
    }
    if (state->endpoints.empty()) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option 'endpoints' lists no endpoint",
              config.catalog);
    }
    state->auth_key = config.get("auth_key").value_or("");
    state->connect_timeout = config.get_seconds("connect_timeout", 5);
    state->read_timeout = config.get_seconds("read_timeout", 300);
    state->request_timeout = config.get_seconds("request_timeout", 30);
    state->health_check_interval = config.get_seconds("health_check_interval", 10);
    int64_t retries = config.get_int("max_retries", 2);
    if (retries < 0 || retries > 100) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: max_retries must be between 0 and 100",
              config.catalog);
    }
    state->max_retries = static_cast<int>(retries);
    state->spill = config.get_bool("spill", true);
    state->metadata_cache_ttl = config.get_seconds("metadata_cache_ttl", 10);
    if (state->metadata_cache_ttl < 0) raise(ErrorCode::kInvalidParameter, "catalog {}: metadata_cache_ttl must not be negative", config.catalog);
    for (double v : {state->connect_timeout, state->read_timeout, state->request_timeout}) {
        if (v <= 0)
            raise(ErrorCode::kInvalidParameter, "catalog {}: timeouts must be positive", config.catalog);
    }
    if (state->health_check_interval < 0) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: health_check_interval must not be negative",
              config.catalog);
    }
    if (auto user = config.get("user")) {
        state->identity.user = *user;
    } else if (const char* env = std::getenv("USER")) {
        state->identity.user = env;
    }
    if (auto roles = config.get("roles")) state->identity.roles = split_list(*roles);
    curl_global();
    return std::make_shared<RemoteConnector>(std::move(state));
}

}  // namespace fedq
