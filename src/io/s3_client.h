// A small S3 REST client on libcurl (SigV4 signing by CURLOPT_AWS_SIGV4). Every request carries
// x-amz-content-sha256 (the real payload hash). Requests are retried with exponential backoff on 5xx,
// throttling (429 / SlowDown) and connection errors. Errors are fedq::Error naming s3://bucket/key:
// NoSuchBucket / NoSuchKey -> kUndefinedTable, AccessDenied -> kInsufficientPrivilege,
// InvalidAccessKeyId / SignatureDoesNotMatch -> kInvalidPassword, the rest kIo (timeouts kQueryTimeout,
// unreachable endpoint kConnectionFailure). Secrets never appear in messages.
// Thread-safety: all methods may be called concurrently (one curl handle per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/aws_credentials.h"

namespace fedq {

struct S3Location {
    std::string bucket;
    std::string key;
};

// "s3://bucket/a/b" (or s3a://) -> {bucket, "a/b"}. Missing bucket -> kInvalidParameter.
S3Location parse_s3_url(std::string_view url);

struct S3Object {
    std::string key;
    uint64_t size = 0;
};

struct S3Range {
    uint64_t offset = 0;
    size_t length = 0;
    void* dest = nullptr;
    size_t bytes_read = 0;  // out
};

class S3Client {
  public:
    explicit S3Client(S3Config config);
    const S3Config& config() const { return config_; }

    // Size of the object, or nullopt when it (or the bucket) does not exist.
    std::optional<uint64_t> head_object(const std::string& bucket, const std::string& key);
    // Reads up to `length` bytes at `offset`; returns bytes read (short only at the end of the object).
    size_t get_range(const std::string& bucket, const std::string& key, uint64_t offset, size_t length,
                     void* dest);
    // Issues the ranged GETs concurrently (up to config.max_concurrency at a time).
    void get_ranges(const std::string& bucket, const std::string& key, std::vector<S3Range>& ranges);
    std::string get_object(const std::string& bucket, const std::string& key);
    // ListObjectsV2 with pagination (all pages, or until max_objects were listed when it is > 0). Sorted by
    // key (S3 order).
    std::vector<S3Object> list_objects(const std::string& bucket, const std::string& prefix,
                                       int max_keys_per_page = 1000, size_t max_objects = 0);

    void put_object(const std::string& bucket, const std::string& key, std::string_view data);
    void delete_object(const std::string& bucket, const std::string& key);
    void create_bucket(const std::string& bucket);

    // Multipart upload (parts are 1-based; every part but the last must be >= 5 MiB on AWS).
    std::string create_multipart_upload(const std::string& bucket, const std::string& key);
    std::string upload_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                            int part_number, std::string_view data);  // returns the ETag
    void complete_multipart_upload(const std::string& bucket, const std::string& key,
                                   const std::string& upload_id, const std::vector<std::string>& etags);
    void abort_multipart_upload(const std::string& bucket, const std::string& key,
                                const std::string& upload_id);
    struct MultipartUpload {
        std::string key;
        std::string upload_id;
    };
    // ListMultipartUploads (all pages): the uploads in progress under `prefix`.
    std::vector<MultipartUpload> list_multipart_uploads(const std::string& bucket, const std::string& prefix);
    // Uploads `data` as one PUT when small, otherwise as a multipart upload with `part_size` parts
    // (aborted on failure).
    void upload(const std::string& bucket, const std::string& key, std::string_view data,
                size_t part_size = 8u << 20);

    struct Response {
        long status = 0;
        std::string body;
        std::string etag;
        uint64_t content_length = 0;
        size_t bytes_into_dest = 0;
    };
    struct Request {
        const char* method = "GET";
        std::string bucket;
        std::string key;
        std::string query;  // already canonical: sorted, encoded, "a=b&c=d"
        std::string_view body;
        std::string range;  // "bytes=a-b"
        void* dest = nullptr;  // GET body goes here (at most dest_capacity bytes) instead of Response::body
        size_t dest_capacity = 0;
        bool allow_404 = false;  // HEAD of a missing object
    };
    Response execute(const Request& request);

  private:
    std::string url_for(const std::string& bucket, const std::string& key, const std::string& query) const;

    S3Config config_;
};

// Percent-encodes for S3 (RFC 3986 unreserved kept; '/' kept unless encode_slash).
std::string s3_uri_encode(std::string_view text, bool encode_slash);
// Text of the first <tag>...</tag> in xml (entity-decoded), or nullopt.
std::optional<std::string> xml_tag(std::string_view xml, std::string_view tag);

}  // namespace fedq
