#include "io/aws_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace fedq {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

int64_t parse_int(const std::string& key, const std::string& value) {
    try {
        size_t used = 0;
        long long v = std::stoll(value, &used);
        if (used != value.size() || v < 0) throw std::invalid_argument("bad");
        return v;
    } catch (const std::exception&) {
        raise(ErrorCode::kInvalidParameter, "S3 option '{}' must be a non-negative integer, got '{}'", key,
              value);
    }
}

}  // namespace

AwsCredentials parse_aws_credentials_file(std::string_view text, std::string_view profile) {
    AwsCredentials result;
    bool in_profile = false;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = trim(text.substr(pos, eol - pos));
        pos = eol + 1;
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[') {
            size_t close = line.find(']');
            std::string_view name = trim(line.substr(1, close == std::string_view::npos ? line.size() - 1
                                                                                        : close - 1));
            if (name.rfind("profile ", 0) == 0) name = trim(name.substr(8));
            in_profile = name == profile;
            continue;
        }
        if (!in_profile) continue;
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key = lower(trim(line.substr(0, eq)));
        std::string value(trim(line.substr(eq + 1)));
        if (key == "aws_access_key_id") result.access_key_id = value;
        else if (key == "aws_secret_access_key") result.secret_access_key = value;
        else if (key == "aws_session_token" || key == "aws_security_token") result.session_token = value;
    }
    return result;
}

S3Config resolve_s3_config(const std::map<std::string, std::string>& options) {
    S3Config config;
    std::map<std::string, std::string> opts;
    for (const auto& [k, v] : options) {
        std::string key = lower(k);
        if (key.rfind("aws_", 0) == 0 && key != "aws_region") key = key.substr(4);
        if (key == "aws_region") key = "region";
        static const char* known[] = {"access_key_id", "secret_access_key", "session_token", "region",
                                      "endpoint", "profile", "url_style", "connect_timeout_ms",
                                      "request_timeout_ms", "max_attempts", "anonymous"};
        bool ok = false;
        for (const char* name : known) ok = ok || key == name;
        if (!ok) raise(ErrorCode::kInvalidParameter, "unknown S3 option '{}'", k);
        opts[key] = v;
    }
    auto get = [&](const char* key) -> std::string {
        auto it = opts.find(key);
        return it == opts.end() ? std::string() : it->second;
    };

    // Credentials: options, then environment, then the shared credentials file.
    bool anonymous = lower(get("anonymous")) == "true";
    if (!anonymous) {
        if (!get("access_key_id").empty()) {
            config.credentials.access_key_id = get("access_key_id");
            config.credentials.secret_access_key = get("secret_access_key");
            config.credentials.session_token = get("session_token");
        } else if (!env("AWS_ACCESS_KEY_ID").empty() && get("profile").empty()) {
            config.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
            config.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
            config.credentials.session_token = env("AWS_SESSION_TOKEN");
        } else {
            std::string profile = get("profile");
            if (profile.empty()) profile = env("AWS_PROFILE");
            if (profile.empty()) profile = "default";
            std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
            if (file.empty() && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
            if (!file.empty()) {
                std::ifstream in(file);
                if (in) {
                    std::stringstream buffer;
                    buffer << in.rdbuf();
                    config.credentials = parse_aws_credentials_file(buffer.str(), profile);
                }
            }
            if (config.credentials.empty() && !get("profile").empty())
                raise(ErrorCode::kInvalidParameter, "AWS profile '{}' not found in the credentials file",
                      profile);
        }
        if (!config.credentials.empty() && config.credentials.secret_access_key.empty())
            raise(ErrorCode::kInvalidParameter, "S3 access key id given without a secret access key");
    }

    config.region = get("region");
    if (config.region.empty()) config.region = env("AWS_REGION");
    if (config.region.empty()) config.region = env("AWS_DEFAULT_REGION");
    if (config.region.empty()) config.region = "us-east-1";

    config.endpoint = get("endpoint");
    if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL_S3");
    if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL");
    while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
    if (!config.endpoint.empty() && config.endpoint.find("://") == std::string::npos)
        config.endpoint = "https://" + config.endpoint;
    config.path_style = !config.endpoint.empty();
    std::string style = lower(get("url_style"));
    if (style == "path") config.path_style = true;
    else if (style == "vhost") config.path_style = false;
    else if (!style.empty())
        raise(ErrorCode::kInvalidParameter, "S3 option url_style must be 'path' or 'vhost', got '{}'", style);

    if (!get("connect_timeout_ms").empty())
        config.connect_timeout_ms = parse_int("connect_timeout_ms", get("connect_timeout_ms"));
    if (!get("request_timeout_ms").empty())
        config.request_timeout_ms = parse_int("request_timeout_ms", get("request_timeout_ms"));
    if (!get("max_attempts").empty()) {
        config.max_attempts = static_cast<int>(parse_int("max_attempts", get("max_attempts")));
        if (config.max_attempts < 1) config.max_attempts = 1;
    }
    return config;
}

}  // namespace fedq
