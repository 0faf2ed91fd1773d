#include "cli/connector_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "catalog/connector_registry.h"
#include "common/error.h"
#include "engine/builtin_connectors.h"
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

}  // namespace

int run_connector_serve(const ConnectorServeOptions& options) {
    try {
        if (options.type.empty()) raise(ErrorCode::kInvalidParameter, "--type is required");
        ConnectorRegistry registry;
        register_builtin_connectors(registry);
        ConnectorServiceOptions service;
        service.connector = registry.create(connector_config(options));
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
        return run_connector_service(service);
    } catch (const Error& error) {
        std::cerr << "fedq connector serve: " << error.format() << std::endl;
        return 1;
    }
}

}  // namespace fedq
