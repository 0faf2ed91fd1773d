// Request signing for the connector protocol (docs/connector-protocol.md, "Authentication").
//
// A signed request carries three headers:
//   X-Fedq-Date:      <unix seconds>
//   X-Fedq-Nonce:     <32 lower-case hex digits (128 random bits)>
//   X-Fedq-Signature: v1=<hex HMAC-SHA256(key, string_to_sign)>
// string_to_sign = "FEDQ1\n" + method + "\n" + path + "\n" + date + "\n" + nonce + "\n" + hex(SHA256(body))
// The service accepts a request when the signature matches, the date is within ±window of its clock and
// the nonce was not seen within the window (ReplayCache). Keys never appear in errors or logs.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace fedq {

inline constexpr std::string_view kDateHeader = "X-Fedq-Date";
inline constexpr std::string_view kNonceHeader = "X-Fedq-Nonce";
inline constexpr std::string_view kSignatureHeader = "X-Fedq-Signature";
inline constexpr int64_t kSignatureWindowSeconds = 300;

std::string to_hex(std::string_view bytes);
std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
// 128 random bits as 32 hex digits (OpenSSL RAND_bytes).
std::string random_nonce();

std::string string_to_sign(std::string_view method, std::string_view path, std::string_view date,
                           std::string_view nonce, std::string_view body);
// "v1=<hex>"
std::string compute_signature(std::string_view key, std::string_view method, std::string_view path,
                              std::string_view date, std::string_view nonce, std::string_view body);

struct SignedHeaders {
    std::string date;
    std::string nonce;
    std::string signature;
    // As (name, value) pairs, in the order above.
    std::vector<std::pair<std::string, std::string>> list() const;
};

// Signs a request at `now` (unix seconds). `nonce` empty = a fresh random one.
SignedHeaders sign_request(std::string_view key, std::string_view method, std::string_view path,
                           std::string_view body, int64_t now, std::string nonce = {});

// Remembers nonces seen within the window; thread-safe, bounded (oldest entries are dropped first when
// full, and entries older than the window always). `check_and_insert` returns false for a replay.
class ReplayCache {
public:
    explicit ReplayCache(int64_t window_seconds = kSignatureWindowSeconds, size_t max_entries = 1 << 20)
        : window_(window_seconds), max_entries_(max_entries) {}
    bool check_and_insert(const std::string& nonce, int64_t now);
    size_t size() const;

private:
    void expire(int64_t now);

    int64_t window_;
    size_t max_entries_;
    mutable std::mutex mutex_;
    std::unordered_set<std::string> seen_;
    std::deque<std::pair<int64_t, std::string>> order_;  // (insert time, nonce), oldest first
};

enum class VerifyResult {
    kOk,
    kMissing,       // a header is absent
    kMalformed,     // date not an integer, nonce not 32 hex digits, signature not "v1=<64 hex>"
    kStale,         // date outside ±window
    kBadSignature,
    kReplay,
};
std::string_view verify_result_message(VerifyResult result);

// Verifies the three header values (nullopt = absent) of a request. The replay cache is consulted only
// once everything else checks out (so a forged request cannot poison it).
VerifyResult verify_request(std::string_view key, std::string_view method, std::string_view path,
                            std::string_view body, const std::optional<std::string>& date,
                            const std::optional<std::string>& nonce, const std::optional<std::string>& signature,
                            int64_t now, ReplayCache* replay_cache,
                            int64_t window_seconds = kSignatureWindowSeconds);

}  // namespace fedq
