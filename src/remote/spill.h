// Spilled split results (docs/connector-protocol.md, section 8): instead of streaming a large split, the
// connector service writes it to a spill location (a local directory or an s3:// prefix) as encrypted
// objects and answers their list; the client reads, decrypts and deletes them.
//
// Object format: "FQSP1" || IV (12 random bytes) || AES-256-GCM ciphertext || tag (16 bytes), with the
// additional authenticated data "FQSP1\n<query_id>\n<object index>". Each object's plaintext is one complete
// Arrow IPC stream (schema, batches, end-of-stream marker) of consecutive rows of the split.
// Object names: "<location>/<unix seconds>-<32 random hex digits>-<index>.fqsp"; the time in the name is
// what stale-object cleanup looks at (file systems give no modification time).
//
// The key (32 bytes, fresh per read_split) travels only in the signed request; it is never stored or logged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vector/column.h"

namespace fedq {

class ArrowStreamReader;
struct ScanMetrics;

inline constexpr std::string_view kSpillMagic = "FQSP1";
inline constexpr std::string_view kSpillSuffix = ".fqsp";
inline constexpr size_t kSpillKeyBytes = 32;
inline constexpr size_t kSpillIvBytes = 12;
inline constexpr size_t kSpillTagBytes = 16;
inline constexpr uint64_t kDefaultSpillThresholdBytes = 16u << 20;
inline constexpr int64_t kDefaultSpillMaxAgeSeconds = 24 * 3600;

// 32 random bytes (OpenSSL RAND_bytes).
std::string make_spill_key();
std::string base64_encode(std::string_view bytes);
// Standard base64 (padding optional); kInvalidParameter when malformed.
std::string base64_decode(std::string_view text);
// Decodes a base64 spill key; kInvalidParameter unless it is 32 bytes.
std::string spill_key_from_base64(std::string_view text);

std::string spill_aad(std::string_view query_id, uint64_t index);
// magic || IV || ciphertext || tag. `key` must be 32 bytes.
std::string seal_spill_object(std::string_view key, std::string_view aad, std::string_view plaintext);
// The plaintext; kBadFile (naming `what`) when the object is not a spill object, was tampered with, or the
// key / AAD do not match.
std::string open_spill_object(std::string_view key, std::string_view aad, std::string_view object,
                              std::string_view what);

// "<location>/<name>" with exactly one slash between.
std::string spill_join(std::string_view location, std::string_view name);

struct SpilledObject {
    std::string location;
    uint64_t bytes = 0;  // object size (encrypted)
    uint64_t rows = 0;
};

// Service side: writes the objects of one split. Each object is sealed and written (atomically, through
// io/file_system.h) by write_object. Objects already written are removed by remove_all() (on error).
class SpillWriter {
public:
    SpillWriter(std::string location, std::string key, std::string query_id, int64_t now_unix);
    ~SpillWriter();
    SpillWriter(const SpillWriter&) = delete;
    SpillWriter& operator=(const SpillWriter&) = delete;

    // Seals `arrow_stream` (one complete Arrow IPC stream) and writes it as the next object.
    void write_object(std::string_view arrow_stream, uint64_t rows);
    const std::vector<SpilledObject>& objects() const { return objects_; }
    uint64_t total_bytes() const;
    // Best effort; never throws.
    void remove_all() noexcept;

private:
    std::string location_;
    std::string key_;
    std::string query_id_;
    std::string prefix_;  // "<time>-<random>-"
    std::vector<SpilledObject> objects_;
};

// Client side: reads the objects in order (each fully, then decrypted and authenticated, then decoded),
// deleting each once its rows were read. The destructor deletes every object not yet deleted (cancel,
// error). A missing or unreadable object -> kIo; a tampered one -> kBadFile.
class SpillReader {
public:
    SpillReader(std::vector<SpilledObject> objects, std::string key, std::string query_id,
                std::string s3_profile = "", ScanMetrics* metrics = nullptr);
    ~SpillReader();
    SpillReader(const SpillReader&) = delete;
    SpillReader& operator=(const SpillReader&) = delete;

    bool next(Batch& batch);
    uint64_t bytes_read() const { return bytes_read_; }
    // Deletes every object not deleted yet. Never throws.
    void remove_all() noexcept;

private:
    void open_object();

    std::vector<SpilledObject> objects_;
    std::string key_;
    std::string query_id_;
    std::string s3_profile_;
    ScanMetrics* metrics_;
    size_t current_ = 0;   // index of the object being read
    size_t removed_ = 0;   // objects [0, removed_) are deleted
    std::string plaintext_;
    size_t plaintext_pos_ = 0;
    std::unique_ptr<ArrowStreamReader> reader_;
    uint64_t bytes_read_ = 0;
};

// Deletes spill objects (names as above) under `location` whose time is more than max_age_seconds before
// `now_unix`. Returns how many were deleted. A location that does not exist (yet) is not an error; other
// failures are logged through `log` (when given) and skipped.
size_t remove_stale_spill_objects(const std::string& location, int64_t max_age_seconds, int64_t now_unix,
                                  const std::function<void(const std::string&)>& log = {});

}  // namespace fedq
