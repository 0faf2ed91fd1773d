// `fedq connector serve`: runs one Connector as a stateless HTTP service speaking the connector protocol v1
// (docs/connector-protocol.md). One thread per connection (blocking sockets: a split streams with natural
// backpressure, since a slow reader blocks the writer), keep-alive, signed requests, Prometheus metrics,
// one log line per request (method path status bytes ms; never bodies or keys).
//
//   ConnectorService service(options);
//   service.start();            // binds (port 0 = ephemeral) and serves in background threads
//   int port = service.port();
//   service.stop();             // graceful: stops accepting, lets running requests finish (up to
//                               // shutdown_grace_seconds), then cancels and closes the rest
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "connector/connector.h"
#include "remote/protocol.h"

namespace fedq {

struct ConnectorServiceOptions {
    std::shared_ptr<Connector> connector;
    std::string listen = "127.0.0.1:9100";  // host:port, [v6]:port; ":port" = all interfaces
    std::string auth_key;                   // shared signing key; empty needs insecure_no_auth
    bool insecure_no_auth = false;          // unsigned requests accepted; only loopback listen addresses
    int threads = 64;                       // concurrent connections; more are answered 503 (retryable)
    std::function<void(const std::string&)> log;  // default: stderr
    std::atomic<bool>* stop = nullptr;      // run_connector_service returns once it becomes true

    double idle_timeout_seconds = 60;       // an idle keep-alive connection is closed after this
    double write_timeout_seconds = 60;      // a client not reading for this long is dropped
    double shutdown_grace_seconds = 10;
    size_t max_splits_per_page = kDefaultSplitsPerPage;
    size_t max_request_bytes = 64 * 1024 * 1024;
    int64_t signature_window_seconds = 300;
    std::function<int64_t()> clock;         // unix seconds; default: system clock (tests override)

    // Spill (docs/connector-protocol.md section 8, remote/spill.h): when set (a local directory, file:// or
    // s3:// prefix; S3 configured from the environment), a read_split whose request allows spilling and
    // whose Arrow stream exceeds spill_threshold_bytes is written there as encrypted objects of about that
    // size each, and answered with their list. Objects older than spill_max_age_seconds are deleted at
    // start and every spill_cleanup_interval_seconds.
    std::string spill_location;
    uint64_t spill_threshold_bytes = 16u << 20;
    int64_t spill_max_age_seconds = 24 * 3600;
    double spill_cleanup_interval_seconds = 3600;
};

class ConnectorService {
public:
    explicit ConnectorService(ConnectorServiceOptions options);
    ~ConnectorService();
    ConnectorService(const ConnectorService&) = delete;
    ConnectorService& operator=(const ConnectorService&) = delete;

    // Validates the options, binds and starts serving. Raises kInvalidParameter (no key, non-loopback
    // address without auth, bad address) or kConnectionFailure (cannot bind).
    void start();
    int port() const;
    // Graceful stop; idempotent. Blocks until every connection thread has ended.
    void stop();

    std::string metrics_text() const;  // the /metrics body
    size_t active_requests() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// Runs the service until *options.stop becomes true or SIGTERM/SIGINT arrives; then stops gracefully.
// Returns the process exit code (0, or 1 when the service could not start; the reason is logged).
int run_connector_service(const ConnectorServiceOptions& options);

// The identity of the request the calling thread is serving (empty outside a request). Connectors running
// inside the service can read it to apply the source's own rules.
const Identity& current_request_identity();

}  // namespace fedq
