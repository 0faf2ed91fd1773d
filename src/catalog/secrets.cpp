#include "catalog/secrets.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/error.h"

namespace fedq {

namespace {

constexpr std::string_view kSealedPrefix = "s1:";

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void init_sodium() {
    static const int result = sodium_init();
    if (result < 0) raise(ErrorCode::kInternal, "cannot initialise libsodium");
}

std::string to_base64(const unsigned char* data, size_t size) {
    std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

// Decodes base64 in any of libsodium's variants; nullopt when malformed.
std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
    const int variants[] = {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                            sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING};
    std::vector<unsigned char> out(text.size());
    for (int variant : variants) {
        size_t length = 0;
        const char* end = nullptr;
        if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end, variant) == 0 &&
            end == text.data() + text.size()) {
            out.resize(length);
            return out;
        }
    }
    return std::nullopt;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

}  // namespace

bool is_secret_option(std::string_view key) {
    static constexpr std::string_view kExact[] = {"password", "secret", "secret_key", "secret_access_key",
                                                  "token",    "api_key", "key"};
    for (auto exact : kExact) {
        if (key == exact) return true;
    }
    return ends_with(key, "_password") || ends_with(key, "_secret") || ends_with(key, "_token") ||
           ends_with(key, "_key");
}

MasterKey parse_master_key(std::string_view raw, std::string_view source) {
    init_sodium();
    std::string_view text = trim(raw);
    MasterKey key{};
    if (text.size() == 64) {
        size_t length = 0;
        const char* end = nullptr;
        if (sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &length, &end) == 0 &&
            length == key.size() && end == text.data() + text.size()) {
            return key;
        }
    }
    if (auto bytes = from_base64(text); bytes && bytes->size() == key.size()) {
        std::memcpy(key.data(), bytes->data(), key.size());
        sodium_memzero(bytes->data(), bytes->size());
        return key;
    }
    raise(ErrorCode::kInvalidParameter,
          "the master key in {} is malformed: expected 64 hex digits or the base64 encoding of 32 bytes", source);
}

SecretBox::SecretBox(std::string home) : home_(std::move(home)) { init_sodium(); }

SecretBox::SecretBox(const MasterKey& key) : key_(key) { init_sodium(); }

std::string SecretBox::key_file_path() const { return home_.empty() ? std::string() : home_ + "/master.key"; }

const MasterKey& SecretBox::key(bool create, std::string_view what) {
    if (key_) return *key_;
    if (const char* env = std::getenv("FEDQ_MASTER_KEY"); env && *env) {
        key_ = parse_master_key(env, "FEDQ_MASTER_KEY");
        return *key_;
    }
    if (home_.empty()) {
        MasterKey random;
        randombytes_buf(random.data(), random.size());
        key_ = random;
        return *key_;
    }
    std::string path = key_file_path();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        if (!create) {
            raise(ErrorCode::kInvalidParameter,
                  "cannot decrypt {}: the master key file {} does not exist (set FEDQ_MASTER_KEY or restore the file)",
                  what, path);
        }
        // Create it exclusively: when two processes race, the loser reads the winner's key.
        MasterKey random;
        randombytes_buf(random.data(), random.size());
        char hex[65];
        sodium_bin2hex(hex, sizeof(hex), random.data(), random.size());
        int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (out >= 0) {
            std::string text = std::string(hex) + "\n";
            bool ok = ::write(out, text.data(), text.size()) == static_cast<ssize_t>(text.size());
            ok = ::fsync(out) == 0 && ok;
            ::close(out);
            sodium_memzero(hex, sizeof(hex));
            if (!ok) {
                ::unlink(path.c_str());
                raise(ErrorCode::kIo, "cannot write the master key file {}", path);
            }
            key_ = random;
            return *key_;
        }
        sodium_memzero(hex, sizeof(hex));
        if (errno != EEXIST) raise(ErrorCode::kIo, "cannot create the master key file {}: {}", path, std::strerror(errno));
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) raise(ErrorCode::kIo, "cannot open the master key file {}: {}", path, std::strerror(errno));
    struct stat status {};
    if (::fstat(fd, &status) != 0) {
        ::close(fd);
        raise(ErrorCode::kIo, "cannot stat the master key file {}", path);
    }
    if ((status.st_mode & 077) != 0) {
        ::close(fd);
        raise(ErrorCode::kInsufficientPrivilege,
              "the master key file {} is accessible by other users; restrict it with: chmod 600 {}", path, path);
    }
    char buffer[256];
    ssize_t size = ::read(fd, buffer, sizeof(buffer));
    ::close(fd);
    if (size < 0) raise(ErrorCode::kIo, "cannot read the master key file {}", path);
    key_ = parse_master_key(std::string_view(buffer, static_cast<size_t>(size)), path);
    sodium_memzero(buffer, sizeof(buffer));
    return *key_;
}

std::string SecretBox::seal(std::string_view plaintext) {
    std::lock_guard lock(mutex_);
    const MasterKey& k = key(true, "a secret");
    std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
    unsigned char* nonce = box.data();
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), nonce, k.data());
    return std::string(kSealedPrefix) + to_base64(box.data(), box.size());
}

std::string SecretBox::open(std::string_view sealed, std::string_view what) {
    std::lock_guard lock(mutex_);
    if (sealed.substr(0, kSealedPrefix.size()) != kSealedPrefix) {
        raise(ErrorCode::kInvalidParameter, "cannot decrypt {}: the stored value is malformed", what);
    }
    auto box = from_base64(sealed.substr(kSealedPrefix.size()));
    if (!box || box->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        raise(ErrorCode::kInvalidParameter, "cannot decrypt {}: the stored value is malformed", what);
    }
    const MasterKey& k = key(false, what);
    std::string plain(box->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   box->data() + crypto_secretbox_NONCEBYTES, box->size() - crypto_secretbox_NONCEBYTES,
                                   box->data(), k.data()) != 0) {
        raise(ErrorCode::kInvalidParameter,
              "cannot decrypt {}: wrong master key (FEDQ_MASTER_KEY or {}) or corrupted metastore", what,
              home_.empty() ? std::string("the per-process key") : key_file_path());
    }
    return plain;
}

}  // namespace fedq
