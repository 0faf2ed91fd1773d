#include "remote/connector_main.h"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

#include "common/error.h"
#include "remote/connector_service.h"

namespace fedq {

namespace {

std::string trim(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    size_t start = 0;
    while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
    return text.substr(start);
}

ConnectorConfig connector_config(const ConnectorServeOptions& options) {
    ConnectorConfig config;
    config.catalog = options.type;
    config.type = options.type;
    config.home = options.home;
    for (const auto& option : options.options) {
        size_t eq = option.find('=');
        if (eq == std::string::npos || eq == 0) {
            raise(ErrorCode::kInvalidParameter, "--option takes key=value, got '{}'", option.substr(0, eq));
        }
        std::string key = option.substr(0, eq);
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = option.substr(eq + 1);
        if (value.rfind("env:", 0) == 0) {
            const char* env = std::getenv(value.substr(4).c_str());
            if (!env) raise(ErrorCode::kInvalidParameter, "option {}: environment variable {} is not set", key, value.substr(4));
            value = env;
        }
        config.options[key] = value;
    }
    return config;
}

// The number and the lower-case suffix of "16MB" / "1.5 h".
std::pair<double, std::string> number_and_suffix(const std::string& text, const char* what) {
    std::string t = trim(text);
    size_t end = 0;
    while (end < t.size() && (std::isdigit(static_cast<unsigned char>(t[end])) || t[end] == '.')) ++end;
    std::string suffix = trim(t.substr(end));
    for (auto& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double value = 0;
    try {
        size_t used = 0;
        value = end == 0 ? -1 : std::stod(t.substr(0, end), &used);
        if (used != end) value = -1;
    } catch (const std::exception&) {
        value = -1;
    }
    if (!(value > 0)) raise(ErrorCode::kInvalidParameter, "{}: expected a positive number, got '{}'", what, text);
    return {value, suffix};
}

}  // namespace

uint64_t parse_spill_bytes(const std::string& text) {
    auto [value, suffix] = number_and_suffix(text, "--spill-threshold");
    double scale = 0;
    if (suffix.empty() || suffix == "b") scale = 1;
    if (suffix == "k" || suffix == "kb" || suffix == "kib") scale = 1024.0;
    if (suffix == "m" || suffix == "mb" || suffix == "mib") scale = 1024.0 * 1024;
    if (suffix == "g" || suffix == "gb" || suffix == "gib") scale = 1024.0 * 1024 * 1024;
    if (scale == 0) raise(ErrorCode::kInvalidParameter, "--spill-threshold: unknown unit in '{}'", text);
    double bytes = value * scale;
    if (bytes < 1 || bytes > 1e15) raise(ErrorCode::kInvalidParameter, "--spill-threshold: '{}' is out of range", text);
    return static_cast<uint64_t>(bytes);
}

int64_t parse_spill_age_seconds(const std::string& text) {
    auto [value, suffix] = number_and_suffix(text, "--spill-max-age");
    double scale = 0;
    if (suffix == "s") scale = 1;
    if (suffix == "m" || suffix == "min") scale = 60;
    if (suffix.empty() || suffix == "h") scale = 3600;
    if (suffix == "d") scale = 86400;
    if (scale == 0) raise(ErrorCode::kInvalidParameter, "--spill-max-age: unknown unit in '{}'", text);
    double seconds = value * scale;
    if (seconds < 1 || seconds > 1e12) raise(ErrorCode::kInvalidParameter, "--spill-max-age: '{}' is out of range", text);
    return static_cast<int64_t>(seconds);
}

void add_connector_serve_flags(CLI::App& serve, ConnectorServeOptions& options, bool with_type) {
    if (with_type) {
        serve.add_option("--type", options.type, "Connector type (postgres, mysql, sqlite, files, lake)")->required();
    }
    serve.add_option("--option", options.options, "Connector option key=value (value env:NAME reads $NAME); repeat");
    serve.add_option("--listen", options.listen, "host:port to listen on (default 127.0.0.1:9100)");
    serve.add_option("--auth-key-file", options.auth_key_file,
                     "File with the shared key requests are signed with (or $FEDQ_CONNECTOR_KEY)");
    serve.add_flag("--insecure-no-auth", options.insecure_no_auth, "Accept unsigned requests (loopback only)");
    serve.add_option("--threads", options.threads, "Concurrent connections (default 64)");
    serve.add_flag("--quiet", options.quiet, "No request log lines");
    serve.add_option("--spill", options.spill,
                     "Spill large splits, encrypted, to this directory or s3:// prefix (protocol section 8)");
    serve.add_option("--spill-threshold", options.spill_threshold,
                     "Spill splits above this size, in objects of about this size (default 16MB; B, KB, MB, GB)");
    serve.add_option("--spill-max-age", options.spill_max_age,
                     "Delete spill objects older than this at start and hourly (default 24h; s, m, h, d)");
}

int fedq_connector_main(int argc, char** argv, const std::string& type_name, const ServedConnectorFactory& factory) {
    CLI::App app{"fedq connector service: " + type_name, type_name};
    ConnectorServeOptions options;
    add_connector_serve_flags(app, options, false);
    app.add_option("--home", options.home, "Directory for relative paths");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    }
    options.type = type_name;
    return serve_connector(options, factory);
}

int serve_connector(const ConnectorServeOptions& options, const ServedConnectorFactory& factory) {
    try {
        if (options.type.empty()) raise(ErrorCode::kInvalidParameter, "--type is required");
        ConnectorServiceOptions service;
        service.connector = factory(connector_config(options));
        if (!service.connector) raise(ErrorCode::kInternal, "the {} connector factory returned nothing", options.type);
        service.listen = options.listen;
        service.insecure_no_auth = options.insecure_no_auth;
        service.threads = options.threads;
        if (!options.auth_key_file.empty()) {
            std::ifstream file(options.auth_key_file, std::ios::binary);
            if (!file) raise(ErrorCode::kIo, "cannot read the auth key file {}", options.auth_key_file);
            std::stringstream text;
            text << file.rdbuf();
            service.auth_key = trim(text.str());
            if (service.auth_key.empty()) raise(ErrorCode::kInvalidParameter, "the auth key file {} is empty", options.auth_key_file);
        } else if (const char* env = std::getenv("FEDQ_CONNECTOR_KEY"); env && *env) {
            service.auth_key = trim(env);
        }
        if (options.quiet) service.log = [](const std::string&) {};
        if (!options.spill.empty()) {
            service.spill_location = options.spill;
            service.spill_threshold_bytes = parse_spill_bytes(options.spill_threshold);
            service.spill_max_age_seconds = parse_spill_age_seconds(options.spill_max_age);
        }
        return run_connector_service(service);
    } catch (const Error& error) {
        std::cerr << "fedq connector " << options.type << ": " << error.format() << std::endl;
        return 1;
    }
}

}  // namespace fedq
