// The `remote` connector: the client of the connector protocol (docs/connector-protocol.md). Every Connector
// call becomes an HTTP/1.1 request (libcurl, keep-alive, signed with remote/signing.h) to one of the
// configured endpoints of a `fedq connector serve` service (or any implementation of the protocol).
//
// Options (CREATE CATALOG c USING remote WITH (...)):
//   endpoints              'http://h1:9100,http://h2:9100' (required); round-robin over healthy endpoints
//   auth_key               the shared signing key (secret: never in errors, logs or EXPLAIN)
//   connect_timeout        5s
//   read_timeout           300s: a split stream that receives no byte for this long fails (and is retried)
//   request_timeout        30s: the whole of a metadata call
//   max_retries            2: extra attempts (on another endpoint) of a call or of a split that failed before
//                          any row of it was handed on
//   health_check_interval  10s: how long an endpoint that failed to connect is skipped before it is probed
//                          (GET /v1/health) again
//   metadata_cache_ttl     10s: how long get_table answers are reused (0 = ask every time)
//   user, roles            the identity sent with every request (default user: $USER; roles comma separated)
//   spill                  true: offer the service to spill large splits (a fresh key per split read; the
//                          client reads, decrypts and deletes the objects, remote/spill.h)
//
// read_split streams: the calling thread drives the transfer (curl multi) only when it needs bytes, so at
// most a few MB are buffered per split whatever its size. Cancellation aborts the transfer and sends
// `cancel {"query_id"}` to the service.
#pragma once

#include <memory>

#include "connector/connector.h"

namespace fedq {

std::shared_ptr<Connector> make_remote_connector(const ConnectorConfig& config);

}  // namespace fedq
