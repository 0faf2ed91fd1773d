// Secrets of configured catalogs: which options are secret, and their encryption at rest.
//
// A secret option (password, token, ...; see is_secret_option) is stored in the metastore sealed with
// libsodium's crypto_secretbox (XSalsa20-Poly1305) under a 32-byte master key, with a fresh random nonce
// per value. The master key comes from FEDQ_MASTER_KEY (64 hex digits or base64 of 32 bytes) or from
// `$home/master.key`, created with mode 0600 on the first seal; a key file readable by other users is
// refused. Without a home (in-memory metastore) and without FEDQ_MASTER_KEY a random per-process key is
// used. Error messages name what was being decrypted (catalog and option), never a value or the key.
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace fedq {

// True for option keys whose values are secrets: password, secret, secret_key, secret_access_key, token,
// api_key, key, and any key ending in _password, _secret, _token or _key. `key` is lower case.
bool is_secret_option(std::string_view key);

using MasterKey = std::array<uint8_t, 32>;

// Parses a master key given as 64 hex digits or as base64 (standard or URL-safe, padded or not) of 32
// bytes. Raises kInvalidParameter naming `source` (never echoing the text) when malformed.
MasterKey parse_master_key(std::string_view text, std::string_view source);

class SecretBox {
public:
    // `home` empty: FEDQ_MASTER_KEY, else a random key for this process only.
    explicit SecretBox(std::string home);
    // A box with a fixed key (tests).
    explicit SecretBox(const MasterKey& key);

    // "s1:" + base64(nonce || ciphertext).
    std::string seal(std::string_view plaintext);
    // Decrypts a value produced by seal(). `what` names the value for errors ("catalog shop, option
    // password"). Raises kInvalidParameter on a malformed value, a wrong key or a missing key file.
    std::string open(std::string_view sealed, std::string_view what);

    std::string key_file_path() const;

private:
    const MasterKey& key(bool create, std::string_view what);

    std::mutex mutex_;
    std::string home_;
    std::optional<MasterKey> key_;
};

}  // namespace fedq
