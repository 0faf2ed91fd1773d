// `fedq connector serve`: runs one built-in connector as a service speaking the connector protocol
// (docs/connector-protocol.md), next to its data:
//
//   fedq connector serve --type postgres --option host=10.0.3.7 --option database=shop \
//        --option user=reader --option password=env:SHOP_PG_PASSWORD --listen 0.0.0.0:9100 \
//        --auth-key-file /etc/fedq/connector.key
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fedq {

struct ConnectorServeOptions {
    std::string type;
    std::vector<std::string> options;  // key=value; value `env:NAME` reads the environment variable NAME
    std::string listen = "127.0.0.1:9100";
    std::string auth_key_file;         // the shared signing key (whitespace around it ignored)
    bool insecure_no_auth = false;
    int threads = 64;
    std::string home;                  // for connectors with relative paths
    bool quiet = false;                // no request log lines
    std::string spill;                 // spill location (directory, file:// or s3:// prefix); empty = never
    std::string spill_threshold = "16MB";  // bytes, with an optional B/KB/MB/GB suffix (binary multiples)
    std::string spill_max_age = "24h";     // with a s/m/h/d suffix; a plain number is hours
};

// "16MB" -> 16777216 (B, KB, MB, GB, binary multiples; case-insensitive). kInvalidParameter when malformed
// or zero.
uint64_t parse_spill_bytes(const std::string& text);
// "24h" -> 86400 (s, m, h, d; no suffix = hours). kInvalidParameter when malformed or not positive.
int64_t parse_spill_age_seconds(const std::string& text);

// Builds the connector and serves until SIGTERM/SIGINT. Returns the process exit code; errors go to stderr
// (never the key or secret option values).
int run_connector_serve(const ConnectorServeOptions& options);

}  // namespace fedq
