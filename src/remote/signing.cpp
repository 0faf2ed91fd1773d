#include "remote/signing.h"

#include <charconv>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/error.h"

namespace fedq {

std::string to_hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        auto b = static_cast<unsigned char>(bytes[i]);
        out[2 * i] = kDigits[b >> 4];
        out[2 * i + 1] = kDigits[b & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return to_hex({reinterpret_cast<const char*>(digest), sizeof(digest)});
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length)) {
        raise(ErrorCode::kInternal, "HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string random_nonce() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) raise(ErrorCode::kInternal, "no random bytes for a nonce");
    return to_hex({reinterpret_cast<const char*>(bytes), sizeof(bytes)});
}

std::string string_to_sign(std::string_view method, std::string_view path, std::string_view date,
                           std::string_view nonce, std::string_view body) {
    std::string out = "FEDQ1\n";
    out.append(method).append("\n").append(path).append("\n").append(date).append("\n").append(nonce).append("\n");
    out += sha256_hex(body);
    return out;
}

std::string compute_signature(std::string_view key, std::string_view method, std::string_view path,
                              std::string_view date, std::string_view nonce, std::string_view body) {
    return "v1=" + to_hex(hmac_sha256(key, string_to_sign(method, path, date, nonce, body)));
}

std::vector<std::pair<std::string, std::string>> SignedHeaders::list() const {
    return {{std::string(kDateHeader), date}, {std::string(kNonceHeader), nonce},
            {std::string(kSignatureHeader), signature}};
}

SignedHeaders sign_request(std::string_view key, std::string_view method, std::string_view path,
                           std::string_view body, int64_t now, std::string nonce) {
    SignedHeaders headers;
    headers.date = std::to_string(now);
    headers.nonce = nonce.empty() ? random_nonce() : std::move(nonce);
    headers.signature = compute_signature(key, method, path, headers.date, headers.nonce, body);
    return headers;
}

void ReplayCache::expire(int64_t now) {
    while (!order_.empty() && (order_.front().first < now - 2 * window_ || order_.size() > max_entries_)) {
        seen_.erase(order_.front().second);
        order_.pop_front();
    }
}

bool ReplayCache::check_and_insert(const std::string& nonce, int64_t now) {
    std::lock_guard lock(mutex_);
    expire(now);
    if (!seen_.insert(nonce).second) return false;
    order_.emplace_back(now, nonce);
    if (order_.size() > max_entries_) expire(now);
    return true;
}

size_t ReplayCache::size() const {
    std::lock_guard lock(mutex_);
    return seen_.size();
}

std::string_view verify_result_message(VerifyResult result) {
    switch (result) {
        case VerifyResult::kOk: return "ok";
        case VerifyResult::kMissing: return "request is not signed (X-Fedq-Date, X-Fedq-Nonce, X-Fedq-Signature)";
        case VerifyResult::kMalformed: return "malformed signature headers";
        case VerifyResult::kStale: return "request date outside the accepted window";
        case VerifyResult::kBadSignature: return "bad request signature";
        case VerifyResult::kReplay: return "replayed request (nonce already used)";
    }
    return "unauthorized";
}

namespace {

bool is_hex(std::string_view s, size_t length) {
    if (s.size() != length) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
}

}  // namespace

VerifyResult verify_request(std::string_view key, std::string_view method, std::string_view path,
                            std::string_view body, const std::optional<std::string>& date,
                            const std::optional<std::string>& nonce, const std::optional<std::string>& signature,
                            int64_t now, ReplayCache* replay_cache, int64_t window_seconds) {
    if (!date || !nonce || !signature) return VerifyResult::kMissing;
    int64_t when = 0;
    auto [end, ec] = std::from_chars(date->data(), date->data() + date->size(), when);
    if (ec != std::errc() || end != date->data() + date->size() || date->empty()) return VerifyResult::kMalformed;
    if (!is_hex(*nonce, 32)) return VerifyResult::kMalformed;
    if (signature->size() != 67 || signature->compare(0, 3, "v1=") != 0 ||
        !is_hex(std::string_view(*signature).substr(3), 64)) {
        return VerifyResult::kMalformed;
    }
    if (when < now - window_seconds || when > now + window_seconds) return VerifyResult::kStale;
    std::string expected = compute_signature(key, method, path, *date, *nonce, body);
    std::string given = *signature;
    for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (CRYPTO_memcmp(expected.data(), given.data(), expected.size()) != 0) return VerifyResult::kBadSignature;
    if (replay_cache && !replay_cache->check_and_insert(*nonce, now)) return VerifyResult::kReplay;
    return VerifyResult::kOk;
}

}  // namespace fedq
