// A small blocking HTTP/1.1 implementation over POSIX sockets, enough for the connector protocol: requests
// with Content-Length or chunked bodies, keep-alive, responses with Content-Length or chunked transfer
// (streaming). Used by the connector service (one thread per connection) and by clients/tests.
// Socket failures raise fedq::Error kConnection; malformed HTTP raises HttpError (server side) or
// kConnection (client side).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fedq {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup (first match).
std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name);
std::string_view http_status_text(int status);

struct HttpRequest {
    std::string method;
    std::string target;  // as sent: path + optional "?query"
    std::string path;    // target without the query
    HttpHeaders headers;
    std::string body;
    bool keep_alive = true;
    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    std::string body;
    bool keep_alive = true;
    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

// A malformed request (the server answers `status` and closes the connection).
class HttpError : public std::runtime_error {
public:
    HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

struct HttpLimits {
    size_t max_header_bytes = 64 * 1024;
    size_t max_body_bytes = 64 * 1024 * 1024;
};

// One connected socket with a read buffer. Not thread-safe, except shutdown() which may be called from any
// thread to wake a blocked reader.
class HttpConnection {
public:
    explicit HttpConnection(int fd);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    int fd() const { return fd_; }
    // Read/write timeouts (0 = none).
    void set_timeouts(double read_seconds, double write_seconds);

    // ---- server side
    // Reads the next request. Returns false at a clean end of stream (or idle timeout) before the first byte.
    bool read_request(HttpRequest& request, const HttpLimits& limits = {});
    void write_response(int status, std::string_view content_type, std::string_view body, bool keep_alive,
                        const HttpHeaders& extra = {});
    // A chunked response: begin, any number of chunks, end. Without end() the client sees a truncated body.
    void begin_chunked(int status, std::string_view content_type, bool keep_alive, const HttpHeaders& extra = {});
    void write_chunk(std::string_view data);
    void end_chunked();

    // ---- client side
    void write_request(std::string_view method, std::string_view target, std::string_view host,
                       const HttpHeaders& headers, std::string_view body);
    // Reads a whole response (body de-chunked).
    HttpResponse read_response(const HttpLimits& limits = {});
    // Reads a response's status and headers, then streams its body to `on_data` as it arrives.
    HttpResponse read_response_streaming(const std::function<void(std::string_view)>& on_data,
                                         const HttpLimits& limits = {});

    void write_all(std::string_view data);
    // shutdown(2): SHUT_RD wakes a blocked read with end of stream; SHUT_RDWR also stops writes.
    void shutdown(bool read_only);
    uint64_t bytes_written() const { return bytes_written_; }

private:
    bool fill();  // reads more into the buffer; false at end of stream
    // Reads up to and including "\r\n\r\n"; returns the header block without it. false = EOF before any byte.
    bool read_head(std::string& head, size_t max_bytes);
    void read_body(const HttpHeaders& headers, bool is_request, bool until_close, size_t max_bytes,
                   const std::function<void(std::string_view)>& on_data);
    std::string read_line(size_t max_bytes);
    [[noreturn]] void fail(bool is_request, int status, const std::string& message);

    int fd_;
    std::string buffer_;
    size_t pos_ = 0;
    uint64_t bytes_written_ = 0;
};

// Connects to host:port (numeric or name), TCP_NODELAY, with a connect timeout.
std::unique_ptr<HttpConnection> http_connect(const std::string& host, int port, double connect_timeout_seconds = 10);

// "host:port", "[v6]:port", ":port" (all interfaces) -> (host, port). Raises kInvalidParameter.
std::pair<std::string, int> parse_host_port(std::string_view address);

}  // namespace fedq
