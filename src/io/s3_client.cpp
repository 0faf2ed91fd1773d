#include "io/s3_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

#include "common/error.h"

namespace fedq {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One reusable easy handle per thread: keeps connections alive across requests.
struct ThreadCurl {
    CURL* handle = nullptr;
    ~ThreadCurl() {
        if (handle) curl_easy_cleanup(handle);
    }
    CURL* get() {
        if (!handle) {
            handle = curl_easy_init();
            if (!handle) raise(ErrorCode::kOutOfMemory, "cannot create a curl handle");
        } else {
            curl_easy_reset(handle);
        }
        return handle;
    }
};

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned i = 0; i < length; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

std::string xml_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        size_t semi = text.find(';', i);
        if (semi == std::string_view::npos || semi - i > 10) {
            out.push_back('&');
            continue;
        }
        std::string_view entity = text.substr(i + 1, semi - i - 1);
        if (entity == "amp") out.push_back('&');
        else if (entity == "lt") out.push_back('<');
        else if (entity == "gt") out.push_back('>');
        else if (entity == "quot") out.push_back('"');
        else if (entity == "apos") out.push_back('\'');
        else if (!entity.empty() && entity[0] == '#') {
            unsigned long cp = 0;
            try {
                cp = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X')
                         ? std::stoul(std::string(entity.substr(2)), nullptr, 16)
                         : std::stoul(std::string(entity.substr(1)), nullptr, 10);
            } catch (const std::exception&) {
                out.append(text.substr(i, semi - i + 1));
                i = semi;
                continue;
            }
            // UTF-8 encode
            if (cp < 0x80) out.push_back(static_cast<char>(cp));
            else if (cp < 0x800) {
                out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else if (cp < 0x10000) {
                out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
                out.push_back(static_cast<char>(0xF0 | ((cp >> 18) & 0x07)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
        } else {
            out.append(text.substr(i, semi - i + 1));
        }
        i = semi;
    }
    return out;
}

// Splits xml into the inner texts of every <tag>...</tag> (not nested-aware; fine for S3 documents).
std::vector<std::string_view> xml_blocks(std::string_view xml, std::string_view tag) {
    std::vector<std::string_view> blocks;
    std::string open = "<" + std::string(tag) + ">";
    std::string close = "</" + std::string(tag) + ">";
    size_t pos = 0;
    while (true) {
        size_t start = xml.find(open, pos);
        if (start == std::string_view::npos) break;
        start += open.size();
        size_t end = xml.find(close, start);
        if (end == std::string_view::npos) break;
        blocks.push_back(xml.substr(start, end - start));
        pos = end + close.size();
    }
    return blocks;
}

struct WriteTarget {
    std::string* body;
    char* dest;
    size_t capacity;
    size_t written;
};

size_t write_callback(char* data, size_t size, size_t count, void* user) {
    auto* target = static_cast<WriteTarget*>(user);
    size_t n = size * count;
    if (target->dest) {
        size_t room = target->capacity - target->written;
        size_t take = std::min(room, n);
        std::memcpy(target->dest + target->written, data, take);
        target->written += take;
        // Error bodies arriving into dest are also kept (bounded) for messages.
        if (target->body->size() < 4096) target->body->append(data, std::min<size_t>(n, 4096));
        return n;
    }
    target->body->append(data, n);
    return n;
}

size_t header_callback(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<S3Client::Response*>(user);
    size_t n = size * count;
    std::string_view line(data, n);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        if (name == "etag") response->etag = std::string(value);
        else if (name == "content-length") {
            try {
                response->content_length = std::stoull(std::string(value));
            } catch (const std::exception&) {
            }
        }
    }
    return n;
}

std::string location_text(const std::string& bucket, const std::string& key) {
    return key.empty() ? fmt::format("s3://{}", bucket) : fmt::format("s3://{}/{}", bucket, key);
}

[[noreturn]] void raise_s3_error(const S3Client::Request& request, const S3Client::Response& response) {
    std::string where = location_text(request.bucket, request.key);
    std::string code = xml_tag(response.body, "Code").value_or("");
    std::string message = xml_tag(response.body, "Message").value_or("");
    if (code.empty()) {
        switch (response.status) {
            case 403: code = "AccessDenied"; break;
            case 404: code = request.key.empty() ? "NoSuchBucket" : "NoSuchKey"; break;
            default: code = "HTTP " + std::to_string(response.status);
        }
    }
    std::string text = fmt::format("S3 {} '{}' failed: {}{}{} (HTTP {})", request.method, where, code,
                                   message.empty() ? "" : ": ", message, response.status);
    ErrorCode error = ErrorCode::kIo;
    if (code == "NoSuchBucket" || code == "NoSuchKey") error = ErrorCode::kUndefinedTable;
    else if (code == "AccessDenied" || code == "AllAccessDisabled") error = ErrorCode::kInsufficientPrivilege;
    else if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "ExpiredToken" ||
             code == "InvalidToken")
        error = ErrorCode::kInvalidPassword;
    throw Error(error, std::move(text));
}

bool retryable_status(long status, const std::string& body) {
    if (status >= 500 || status == 429) return true;
    if (status == 400 || status == 403) {
        auto code = xml_tag(body, "Code");
        return code && (*code == "SlowDown" || *code == "RequestTimeout" || *code == "Throttling" ||
                        *code == "RequestTimeTooSkewed");
    }
    return false;
}

bool retryable_curl(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::optional<std::string> xml_tag(std::string_view xml, std::string_view tag) {
    auto blocks = xml_blocks(xml, tag);
    if (blocks.empty()) return std::nullopt;
    return xml_decode(blocks[0]);
}

std::string s3_uri_encode(std::string_view text, bool encode_slash) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3 / 2);
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

S3Location parse_s3_url(std::string_view url) {
    size_t scheme = url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    size_t slash = rest.find('/');
    S3Location location;
    location.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) location.key = std::string(rest.substr(slash + 1));
    if (location.bucket.empty()) raise(ErrorCode::kInvalidParameter, "S3 URL '{}' has no bucket", url);
    return location;
}

S3Client::S3Client(S3Config config) : config_(std::move(config)) { global_init(); }

std::string S3Client::url_for(const std::string& bucket, const std::string& key,
                              const std::string& query) const {
    std::string url;
    std::string path = "/" + s3_uri_encode(key, false);
    bool path_style = config_.path_style || bucket.find('.') != std::string::npos;
    if (!config_.endpoint.empty()) {
        if (path_style) {
            url = config_.endpoint + "/" + s3_uri_encode(bucket, true) + (key.empty() ? "" : path);
        } else {
            size_t scheme_end = config_.endpoint.find("://") + 3;
            url = config_.endpoint.substr(0, scheme_end) + bucket + "." + config_.endpoint.substr(scheme_end) +
                  path;
        }
    } else if (path_style) {
        url = fmt::format("https://s3.{}.amazonaws.com/{}{}", config_.region, s3_uri_encode(bucket, true),
                          key.empty() ? "" : path);
    } else {
        url = fmt::format("https://{}.s3.{}.amazonaws.com{}", bucket, config_.region, path);
    }
    if (!query.empty()) url += "?" + query;
    return url;
}

S3Client::Response S3Client::execute(const Request& request) {
    static thread_local ThreadCurl thread_curl;
    const std::string url = url_for(request.bucket, request.key, request.query);
    const std::string payload_hash = sha256_hex(request.body);
    const std::string sigv4 = "aws:amz:" + config_.region + ":s3";
    std::mt19937 rng(std::random_device{}());

    for (int attempt = 1;; ++attempt) {
        CURL* curl = thread_curl.get();
        Response response;
        std::string body;
        WriteTarget target{&body, static_cast<char*>(request.dest), request.dest_capacity, 0};
        curl_slist* headers = nullptr;
        headers = curl_slist_append(headers, ("x-amz-content-sha256: " + payload_hash).c_str());
        if (!config_.credentials.session_token.empty())
            headers = curl_slist_append(headers,
                                        ("x-amz-security-token: " + config_.credentials.session_token).c_str());
        if (!request.range.empty()) headers = curl_slist_append(headers, ("Range: " + request.range).c_str());
        headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
        headers = curl_slist_append(headers, "Expect:");

        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_callback);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header_callback);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout_ms));
        if (config_.request_timeout_ms > 0)
            curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.request_timeout_ms));
        if (config_.low_speed_time_s > 0) {
            curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
            curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(config_.low_speed_time_s));
        }
        if (!config_.credentials.empty()) {
            curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
            curl_easy_setopt(curl, CURLOPT_USERNAME, config_.credentials.access_key_id.c_str());
            curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.credentials.secret_access_key.c_str());
        }
        std::string method = request.method;
        if (method == "HEAD") {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        } else if (method == "PUT" || method == "POST") {
            curl_easy_setopt(curl, CURLOPT_POST, 1L);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
            if (method == "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
        } else if (method != "GET") {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method);
        }

        CURLcode rc = curl_easy_perform(curl);
        curl_slist_free_all(headers);
        if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
        response.body = std::move(body);
        response.bytes_into_dest = target.written;

        bool retry = false;
        if (rc != CURLE_OK) retry = retryable_curl(rc);
        else if (retryable_status(response.status, response.body)) retry = true;
        if (retry && attempt < config_.max_attempts) {
            int64_t delay = config_.retry_base_delay_ms << (attempt - 1);
            delay += std::uniform_int_distribution<int64_t>(0, delay / 2 + 1)(rng);
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            continue;
        }
        std::string where = location_text(request.bucket, request.key);
        if (rc != CURLE_OK) {
            ErrorCode code = ErrorCode::kIo;
            if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
                code = ErrorCode::kConnectionFailure;
            else if (rc == CURLE_OPERATION_TIMEDOUT)
                code = ErrorCode::kQueryTimeout;
            const bool dropped = rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
                                 rc == CURLE_PARTIAL_FILE;
            raise(code, "S3 {} '{}' failed after {} attempt(s): {}{}", request.method, where, attempt,
                  dropped ? "connection lost: " : "", curl_easy_strerror(rc));
        }
        if (response.status >= 200 && response.status < 300) return response;
        if (request.allow_404 && response.status == 404) return response;
        raise_s3_error(request, response);
    }
}

std::optional<uint64_t> S3Client::head_object(const std::string& bucket, const std::string& key) {
    Request request;
    request.method = "HEAD";
    request.bucket = bucket;
    request.key = key;
    request.allow_404 = true;
    Response response;
    try {
        response = execute(request);
    } catch (const Error& e) {
        // A HEAD error has no body: a 403 may be AccessDenied or bad credentials. A one-byte GET tells.
        if (e.code() != ErrorCode::kInsufficientPrivilege) throw;
        char byte;
        get_range(bucket, key, 0, 1, &byte);
        throw;
    }
    if (response.status == 404) return std::nullopt;
    return response.content_length;
}

size_t S3Client::get_range(const std::string& bucket, const std::string& key, uint64_t offset,
                           size_t length, void* dest) {
    if (length == 0) return 0;
    Request request;
    request.bucket = bucket;
    request.key = key;
    request.range = fmt::format("bytes={}-{}", offset, offset + length - 1);
    request.dest = dest;
    request.dest_capacity = length;
    request.allow_404 = false;
    Response response;
    try {
        response = execute(request);
    } catch (const Error& e) {
        // Reading at/after the end of the object: 416 InvalidRange -> nothing to read.
        if (e.message().find("InvalidRange") != std::string::npos || e.message().find("(HTTP 416)") !=
                                                                         std::string::npos)
            return 0;
        throw;
    }
    if (response.status == 200 && offset != 0) {
        // Server ignored the range (sent the whole object): the bytes in dest are from offset 0.
        raise(ErrorCode::kIo, "S3 GET '{}' failed: the server ignored the Range header",
              location_text(bucket, key));
    }
    return response.bytes_into_dest;
}

void S3Client::get_ranges(const std::string& bucket, const std::string& key, std::vector<S3Range>& ranges) {
    if (ranges.empty()) return;
    size_t workers = std::min<size_t>(ranges.size(), static_cast<size_t>(std::max(1, config_.max_concurrency)));
    if (workers == 1) {
        for (auto& r : ranges) r.bytes_read = get_range(bucket, key, r.offset, r.length, r.dest);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
        while (true) {
            size_t i = next.fetch_add(1);
            if (i >= ranges.size()) return;
            try {
                ranges[i].bytes_read = get_range(bucket, key, ranges[i].offset, ranges[i].length, ranges[i].dest);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                next.store(ranges.size());
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    for (size_t i = 1; i < workers; ++i) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

std::string S3Client::get_object(const std::string& bucket, const std::string& key) {
    Request request;
    request.bucket = bucket;
    request.key = key;
    return execute(request).body;
}

std::vector<S3Object> S3Client::list_objects(const std::string& bucket, const std::string& prefix,
                                             int max_keys_per_page, size_t max_objects) {
    std::vector<S3Object> objects;
    std::string token;
    for (int page = 0;; ++page) {
        // Query parameters in canonical (sorted) order, fully encoded: SigV4 signs them as given.
        std::string query;
        if (!token.empty()) query += "continuation-token=" + s3_uri_encode(token, true) + "&";
        query += "list-type=2&max-keys=" + std::to_string(max_keys_per_page);
        query += "&prefix=" + s3_uri_encode(prefix, true);
        Request request;
        request.bucket = bucket;
        request.query = query;
        Response response = execute(request);
        for (std::string_view block : xml_blocks(response.body, "Contents")) {
            S3Object object;
            object.key = xml_tag(block, "Key").value_or("");
            std::string size = xml_tag(block, "Size").value_or("0");
            try {
                object.size = std::stoull(size);
            } catch (const std::exception&) {
                raise(ErrorCode::kIo, "S3 list of '{}' returned a bad size '{}'", location_text(bucket, prefix),
                      size);
            }
            if (!object.key.empty()) objects.push_back(std::move(object));
        }
        if (max_objects > 0 && objects.size() >= max_objects) {
            objects.resize(max_objects);
            break;
        }
        bool truncated = xml_tag(response.body, "IsTruncated").value_or("false") == "true";
        if (!truncated) break;
        std::string next = xml_tag(response.body, "NextContinuationToken").value_or("");
        if (next.empty() || next == token)
            raise(ErrorCode::kIo, "S3 list of '{}' is truncated without a continuation token",
                  location_text(bucket, prefix));
        token = std::move(next);
    }
    return objects;
}

void S3Client::put_object(const std::string& bucket, const std::string& key, std::string_view data) {
    Request request;
    request.method = "PUT";
    request.bucket = bucket;
    request.key = key;
    request.body = data;
    execute(request);
}

void S3Client::delete_object(const std::string& bucket, const std::string& key) {
    Request request;
    request.method = "DELETE";
    request.bucket = bucket;
    request.key = key;
    execute(request);
}

void S3Client::create_bucket(const std::string& bucket) {
    Request request;
    request.method = "PUT";
    request.bucket = bucket;
    std::string body;
    if (config_.region != "us-east-1")
        body = "<CreateBucketConfiguration><LocationConstraint>" + config_.region +
               "</LocationConstraint></CreateBucketConfiguration>";
    request.body = body;
    try {
        execute(request);
    } catch (const Error& e) {
        if (e.message().find("BucketAlreadyOwnedByYou") == std::string::npos &&
            e.message().find("BucketAlreadyExists") == std::string::npos)
            throw;
    }
}

std::string S3Client::create_multipart_upload(const std::string& bucket, const std::string& key) {
    Request request;
    request.method = "POST";
    request.bucket = bucket;
    request.key = key;
    request.query = "uploads=";
    Response response = execute(request);
    auto id = xml_tag(response.body, "UploadId");
    if (!id || id->empty())
        raise(ErrorCode::kIo, "S3 multipart upload of '{}': no UploadId in the response",
              location_text(bucket, key));
    return *id;
}

std::string S3Client::upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number, std::string_view data) {
    Request request;
    request.method = "PUT";
    request.bucket = bucket;
    request.key = key;
    request.query = "partNumber=" + std::to_string(part_number) + "&uploadId=" + s3_uri_encode(upload_id, true);
    request.body = data;
    Response response = execute(request);
    if (response.etag.empty())
        raise(ErrorCode::kIo, "S3 upload of part {} of '{}': no ETag in the response", part_number,
              location_text(bucket, key));
    return response.etag;
}

void S3Client::complete_multipart_upload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, const std::vector<std::string>& etags) {
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags.size(); ++i) {
        std::string etag;
        for (char c : etags[i]) {
            if (c == '"') etag += "&quot;";
            else if (c == '&') etag += "&amp;";
            else if (c == '<') etag += "&lt;";
            else etag.push_back(c);
        }
        body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etag);
    }
    body += "</CompleteMultipartUpload>";
    Request request;
    request.method = "POST";
    request.bucket = bucket;
    request.key = key;
    request.query = "uploadId=" + s3_uri_encode(upload_id, true);
    request.body = body;
    Response response = execute(request);
    // S3 may answer 200 with an error document.
    if (response.body.find("<Error>") != std::string::npos) {
        response.status = 500;
        raise_s3_error(request, response);
    }
}

void S3Client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
    Request request;
    request.method = "DELETE";
    request.bucket = bucket;
    request.key = key;
    request.query = "uploadId=" + s3_uri_encode(upload_id, true);
    execute(request);
}

std::vector<S3Client::MultipartUpload> S3Client::list_multipart_uploads(const std::string& bucket,
                                                                       const std::string& prefix) {
    std::vector<MultipartUpload> uploads;
    std::string key_marker, id_marker;
    while (true) {
        // Canonical (sorted) query order: SigV4 signs it as given.
        std::string query;
        if (!key_marker.empty()) query += "key-marker=" + s3_uri_encode(key_marker, true) + "&";
        query += "prefix=" + s3_uri_encode(prefix, true);
        if (!id_marker.empty()) query += "&upload-id-marker=" + s3_uri_encode(id_marker, true);
        query += "&uploads=";
        Request request;
        request.bucket = bucket;
        request.query = query;
        Response response = execute(request);
        for (std::string_view block : xml_blocks(response.body, "Upload")) {
            MultipartUpload upload;
            upload.key = xml_tag(block, "Key").value_or("");
            upload.upload_id = xml_tag(block, "UploadId").value_or("");
            if (!upload.key.empty()) uploads.push_back(std::move(upload));
        }
        if (xml_tag(response.body, "IsTruncated").value_or("false") != "true") break;
        std::string next_key = xml_tag(response.body, "NextKeyMarker").value_or("");
        std::string next_id = xml_tag(response.body, "NextUploadIdMarker").value_or("");
        if (next_key.empty() || (next_key == key_marker && next_id == id_marker))
            raise(ErrorCode::kIo, "S3 list of uploads of '{}' is truncated without a marker",
                  location_text(bucket, prefix));
        key_marker = std::move(next_key);
        id_marker = std::move(next_id);
    }
    return uploads;
}

void S3Client::upload(const std::string& bucket, const std::string& key, std::string_view data,
                      size_t part_size) {
    if (part_size < 1) part_size = 1;
    if (data.size() <= part_size) {
        put_object(bucket, key, data);
        return;
    }
    std::string upload_id = create_multipart_upload(bucket, key);
    try {
        std::vector<std::string> etags;
        for (size_t offset = 0; offset < data.size(); offset += part_size) {
            etags.push_back(upload_part(bucket, key, upload_id, static_cast<int>(etags.size() + 1),
                                        data.substr(offset, part_size)));
        }
        complete_multipart_upload(bucket, key, upload_id, etags);
    } catch (...) {
        try {
            abort_multipart_upload(bucket, key, upload_id);
        } catch (...) {
        }
        throw;
    }
}

}  // namespace fedq
