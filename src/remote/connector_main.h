// The connector SDK's entry point: serving a Connector as a service speaking the connector protocol
// (docs/connector-protocol.md). `fedq connector serve` uses it for the built-in connectors; a new C++
// connector is one Connector class plus
//
//   int main(int argc, char** argv) {
//       return fedq::fedq_connector_main(argc, argv, "hello", [](const fedq::ConnectorConfig& config) {
//           return std::make_shared<HelloConnector>(config);
//       });
//   }
//
// which gives it the same command line (--option k=v|env:NAME, --listen, --auth-key-file, --spill, ...),
// signing, metrics, logging and graceful shutdown (examples/connectors/cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connector/connector.h"

namespace CLI {
class App;
}

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

using ServedConnectorFactory = std::function<std::shared_ptr<Connector>(const ConnectorConfig&)>;

// Adds the serve flags (--option, --listen, --auth-key-file, --insecure-no-auth, --threads, --quiet, --spill,
// --spill-threshold, --spill-max-age; --type only when `with_type`) to a CLI11 command.
void add_connector_serve_flags(CLI::App& command, ConnectorServeOptions& options, bool with_type);

// Builds the connector with `factory` (ConnectorConfig from options.type / options.options / options.home)
// and serves until SIGTERM/SIGINT. Returns the process exit code; errors go to stderr (never the key or
// secret option values).
int serve_connector(const ConnectorServeOptions& options, const ServedConnectorFactory& factory);

// A whole connector program: parses argc/argv with the serve flags and serves the connector `type_name`.
int fedq_connector_main(int argc, char** argv, const std::string& type_name, const ServedConnectorFactory& factory);

}  // namespace fedq
