#include "remote/spill.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <cstring>

#include "common/error.h"
#include "connector/connector.h"
#include "formats/arrow_ipc.h"
#include "io/file_system.h"
#include "remote/signing.h"

namespace fedq {

namespace {

struct CipherContext {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
};

void check_key(std::string_view key) {
    if (key.size() != kSpillKeyBytes) {
        raise(ErrorCode::kInvalidParameter, "a spill key must be {} bytes", kSpillKeyBytes);
    }
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Parses "<digits>-<hex>-<digits>.fqsp" (the last path segment); returns the time or -1.
int64_t spill_object_time(std::string_view path) {
    size_t slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (name.size() <= kSpillSuffix.size() || name.substr(name.size() - kSpillSuffix.size()) != kSpillSuffix) {
        return -1;
    }
    name.remove_suffix(kSpillSuffix.size());
    size_t dash = name.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash > 18) return -1;
    int64_t time = 0;
    for (size_t i = 0; i < dash; ++i) {
        if (name[i] < '0' || name[i] > '9') return -1;
        time = time * 10 + (name[i] - '0');
    }
    size_t dash2 = name.find('-', dash + 1);
    if (dash2 == std::string_view::npos || dash2 == dash + 1 || dash2 + 1 >= name.size()) return -1;
    for (size_t i = dash + 1; i < dash2; ++i) {
        if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return -1;
    }
    for (size_t i = dash2 + 1; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return -1;
    }
    return time;
}

}  // namespace

std::string make_spill_key() {
    std::string key(kSpillKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
        raise(ErrorCode::kInternal, "cannot generate random bytes for a spill key");
    }
    return key;
}

std::string base64_encode(std::string_view input) {
    std::string out(4 * ((input.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(input),
                            static_cast<int>(input.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string base64_decode(std::string_view text) {
    std::string padded(text);
    while (padded.size() % 4 != 0) padded += '=';
    for (char c : padded) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) {
            raise(ErrorCode::kInvalidParameter, "malformed base64");
        }
    }
    std::string out(padded.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(padded),
                            static_cast<int>(padded.size()));
    if (n < 0) raise(ErrorCode::kInvalidParameter, "malformed base64");
    size_t pad = 0;
    for (size_t i = padded.size(); i > 0 && padded[i - 1] == '=' && pad < 2; --i) ++pad;
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

std::string spill_key_from_base64(std::string_view text) {
    std::string key;
    try {
        key = base64_decode(text);
    } catch (const Error&) {
        raise(ErrorCode::kInvalidParameter, "the spill key is not valid base64");
    }
    if (key.size() != kSpillKeyBytes) {
        raise(ErrorCode::kInvalidParameter, "the spill key must be the base64 of {} bytes", kSpillKeyBytes);
    }
    return key;
}

std::string spill_aad(std::string_view query_id, uint64_t index) {
    return fmt::format("{}\n{}\n{}", kSpillMagic, query_id, index);
}

std::string seal_spill_object(std::string_view key, std::string_view aad, std::string_view plaintext) {
    check_key(key);
    std::string out;
    out.resize(kSpillMagic.size() + kSpillIvBytes + plaintext.size() + kSpillTagBytes);
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    std::memcpy(p, kSpillMagic.data(), kSpillMagic.size());
    unsigned char* iv = p + kSpillMagic.size();
    if (RAND_bytes(iv, static_cast<int>(kSpillIvBytes)) != 1) {
        raise(ErrorCode::kInternal, "cannot generate random bytes for a spill IV");
    }
    unsigned char* cipher = iv + kSpillIvBytes;
    CipherContext c;
    int len = 0;
    bool ok = c.ctx && EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSpillIvBytes), nullptr) == 1 &&
              EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, bytes(key), iv) == 1 &&
              EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
    // EVP lengths are int: encrypt in pieces below 1 GB.
    size_t done = 0;
    while (ok && done < plaintext.size()) {
        size_t piece = std::min<size_t>(plaintext.size() - done, size_t{1} << 30);
        ok = EVP_EncryptUpdate(c.ctx, cipher + done, &len, bytes(plaintext) + done, static_cast<int>(piece)) == 1 &&
             static_cast<size_t>(len) == piece;
        done += piece;
    }
    ok = ok && EVP_EncryptFinal_ex(c.ctx, cipher + done, &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kSpillTagBytes), cipher + done) == 1;
    if (!ok) raise(ErrorCode::kInternal, "AES-256-GCM encryption of a spill object failed");
    return out;
}

std::string open_spill_object(std::string_view key, std::string_view aad, std::string_view object,
                              std::string_view what) {
    check_key(key);
    size_t overhead = kSpillMagic.size() + kSpillIvBytes + kSpillTagBytes;
    if (object.size() < overhead || object.substr(0, kSpillMagic.size()) != kSpillMagic) {
        raise(ErrorCode::kBadFile, "{} is not a fedq spill object", what);
    }
    const unsigned char* iv = bytes(object) + kSpillMagic.size();
    const unsigned char* cipher = iv + kSpillIvBytes;
    size_t cipher_size = object.size() - overhead;
    std::string plain(cipher_size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    CipherContext c;
    int len = 0;
    bool ok = c.ctx && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSpillIvBytes), nullptr) == 1 &&
              EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, bytes(key), iv) == 1 &&
              EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
    size_t done = 0;
    while (ok && done < cipher_size) {
        size_t piece = std::min<size_t>(cipher_size - done, size_t{1} << 30);
        ok = EVP_DecryptUpdate(c.ctx, out + done, &len, cipher + done, static_cast<int>(piece)) == 1;
        done += piece;
    }
    if (!ok) raise(ErrorCode::kInternal, "AES-256-GCM decryption of {} failed", what);
    std::string tag(object.substr(object.size() - kSpillTagBytes));
    if (EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kSpillTagBytes), tag.data()) != 1 ||
        EVP_DecryptFinal_ex(c.ctx, out + done, &len) != 1) {
        raise(ErrorCode::kBadFile,
              "{} failed authentication (tampered with, truncated, or not of this query)", what);
    }
    return plain;
}

std::string spill_join(std::string_view location, std::string_view name) {
    std::string out(location);
    while (!out.empty() && out.back() == '/') out.pop_back();
    out += '/';
    out += name;
    return out;
}

// ---- SpillWriter

SpillWriter::SpillWriter(std::string location, std::string key, std::string query_id, int64_t now_unix)
    : location_(std::move(location)), key_(std::move(key)), query_id_(std::move(query_id)) {
    check_key(key_);
    prefix_ = fmt::format("{}-{}-", now_unix, random_nonce());
}

SpillWriter::~SpillWriter() = default;

void SpillWriter::write_object(std::string_view arrow_stream, uint64_t rows) {
    uint64_t index = objects_.size();
    std::string path = spill_join(location_, fmt::format("{}{}{}", prefix_, index, kSpillSuffix));
    std::string sealed = seal_spill_object(key_, spill_aad(query_id_, index), arrow_stream);
    auto file = get_file_system(path).create(path);
    file->append(sealed);
    file->commit();
    objects_.push_back(SpilledObject{path, sealed.size(), rows});
}

uint64_t SpillWriter::total_bytes() const {
    uint64_t total = 0;
    for (const auto& o : objects_) total += o.bytes;
    return total;
}

void SpillWriter::remove_all() noexcept {
    for (const auto& o : objects_) {
        try {
            get_file_system(o.location).remove(o.location);
        } catch (...) {
        }
    }
    objects_.clear();
}

// ---- SpillReader

SpillReader::SpillReader(std::vector<SpilledObject> objects, std::string key, std::string query_id,
                         std::string s3_profile, ScanMetrics* metrics)
    : objects_(std::move(objects)),
      key_(std::move(key)),
      query_id_(std::move(query_id)),
      s3_profile_(std::move(s3_profile)),
      metrics_(metrics) {
    check_key(key_);
}

SpillReader::~SpillReader() { remove_all(); }

void SpillReader::remove_all() noexcept {
    reader_.reset();
    for (; removed_ < objects_.size(); ++removed_) {
        const std::string& location = objects_[removed_].location;
        try {
            get_file_system(location, s3_profile_).remove(location);
        } catch (...) {
        }
    }
}

void SpillReader::open_object() {
    const SpilledObject& object = objects_[current_];
    std::string sealed;
    try {
        auto file = get_file_system(object.location, s3_profile_).open(object.location);
        uint64_t size = file->size();
        if (size > (uint64_t{4} << 30)) raise(ErrorCode::kBadFile, "spill object too large");
        sealed.resize(size);
        size_t got = size == 0 ? 0 : file->read_at(0, size, sealed.data());
        if (got != size) raise(ErrorCode::kIo, "short read");
    } catch (const Error& e) {
        if (e.code() == ErrorCode::kBadFile) throw;
        raise(ErrorCode::kIo, "spill object {} ({} of {}) cannot be read: {}", object.location, current_ + 1,
              objects_.size(), e.message());
    }
    bytes_read_ += sealed.size();
    if (metrics_) metrics_->bytes_read.fetch_add(sealed.size(), std::memory_order_relaxed);
    std::string what = fmt::format("spill object {}", object.location);
    plaintext_ = open_spill_object(key_, spill_aad(query_id_, current_), sealed, what);
    plaintext_pos_ = 0;
    reader_ = std::make_unique<ArrowStreamReader>(
        [this](void* dest, size_t capacity) {
            size_t n = std::min(capacity, plaintext_.size() - plaintext_pos_);
            std::memcpy(dest, plaintext_.data() + plaintext_pos_, n);
            plaintext_pos_ += n;
            return n;
        },
        what);
}

bool SpillReader::next(Batch& batch) {
    while (current_ < objects_.size()) {
        if (!reader_) open_object();
        if (reader_->next(batch)) return true;
        // This object is done: delete it (best effort) and go on with the next.
        reader_.reset();
        plaintext_.clear();
        plaintext_.shrink_to_fit();
        if (removed_ == current_) {
            try {
                get_file_system(objects_[current_].location, s3_profile_).remove(objects_[current_].location);
            } catch (...) {
            }
            removed_ = current_ + 1;
        }
        ++current_;
    }
    return false;
}

// ---- stale cleanup

size_t remove_stale_spill_objects(const std::string& location, int64_t max_age_seconds, int64_t now_unix,
                                  const std::function<void(const std::string&)>& log) {
    std::vector<FileInfo> files;
    FileSystem* fs = nullptr;
    try {
        fs = &get_file_system(location);
        files = fs->glob(spill_join(location, fmt::format("*{}", kSpillSuffix)));
    } catch (const Error& e) {
        // No such directory / no object yet.
        if (e.code() != ErrorCode::kUndefinedTable && e.code() != ErrorCode::kIo && log) {
            log(fmt::format("spill cleanup of {}: {}", location, e.message()));
        }
        return 0;
    }
    size_t removed = 0;
    for (const auto& file : files) {
        int64_t time = spill_object_time(file.path);
        if (time < 0 || now_unix - time <= max_age_seconds) continue;
        try {
            if (fs->remove(file.path)) ++removed;
        } catch (const Error& e) {
            if (log) log(fmt::format("spill cleanup: cannot delete {}: {}", file.path, e.message()));
        }
    }
    return removed;
}

}  // namespace fedq
