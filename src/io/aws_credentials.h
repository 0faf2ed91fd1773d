// AWS credentials and S3 connection settings, resolved from (highest priority first) explicit options
// (per-catalog), the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION /
// AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_PROFILE) and the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile AWS_PROFILE or "default").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace fedq {

struct AwsCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    bool empty() const { return access_key_id.empty(); }
};

struct S3Config {
    AwsCredentials credentials;  // empty -> anonymous (unsigned) requests
    std::string region = "us-east-1";
    // "" -> AWS (https://BUCKET.s3.REGION.amazonaws.com); otherwise e.g. "http://127.0.0.1:9000".
    std::string endpoint;
    bool path_style = false;     // true for custom endpoints unless url_style=vhost
    int64_t connect_timeout_ms = 10000;
    int64_t request_timeout_ms = 0;      // whole request; 0 = none (large downloads), see low_speed_*
    int64_t low_speed_time_s = 60;       // abort when below 1 byte/s for this long
    int max_attempts = 3;                // attempts per request (retries on 5xx, throttling, resets)
    int64_t retry_base_delay_ms = 100;   // backoff: base * 2^attempt (+ jitter)
    int max_concurrency = 8;             // concurrent ranged GETs for one large read
};

// Parses an INI-style AWS credentials file and returns the named profile's keys (empty if absent).
// Accepts "[name]" and "[profile name]" section headers, '#' / ';' comments, spaces around '='.
AwsCredentials parse_aws_credentials_file(std::string_view text, std::string_view profile);

// Resolves the configuration. Recognized option keys (case-insensitive): access_key_id / aws_access_key_id,
// secret_access_key / aws_secret_access_key, session_token / aws_session_token, region, endpoint,
// profile, url_style ("path" | "vhost"), connect_timeout_ms, request_timeout_ms, max_attempts, anonymous
// ("true": never sign). Unknown keys -> kInvalidParameter. Bad numbers -> kInvalidParameter.
S3Config resolve_s3_config(const std::map<std::string, std::string>& options = {});

}  // namespace fedq
