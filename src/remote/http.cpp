#include "remote/http.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/error.h"

namespace fedq {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool contains_token(std::string_view value, std::string_view token) {
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string_view item = trim(value.substr(start, comma == std::string_view::npos ? value.npos : comma - start));
        if (iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return false;
}

// Parses "Name: value" lines after the first line of `head`.
HttpHeaders parse_headers(std::string_view head, std::string_view& first_line, bool& ok) {
    HttpHeaders headers;
    ok = true;
    size_t eol = head.find("\r\n");
    first_line = head.substr(0, eol);
    size_t pos = eol == std::string_view::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(pos, end - pos);
        pos = end + 2;
        if (line.empty()) continue;
        size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') {
            ok = false;
            return headers;
        }
        headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
    }
    return headers;
}

void append_status_line(std::string& out, int status) {
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += http_status_text(status);
    out += "\r\n";
}

void append_headers(std::string& out, const HttpHeaders& headers) {
    for (const auto& [name, value] : headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
}

}  // namespace

std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::string_view http_status_text(int status) {
    switch (status) {
        case 200: return "OK";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

HttpConnection::HttpConnection(int fd) : fd_(fd) {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

HttpConnection::~HttpConnection() {
    if (fd_ >= 0) ::close(fd_);
}

void HttpConnection::set_timeouts(double read_seconds, double write_seconds) {
    auto to_tv = [](double s) {
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(s);
        tv.tv_usec = static_cast<suseconds_t>((s - static_cast<double>(tv.tv_sec)) * 1e6);
        return tv;
    };
    timeval r = to_tv(read_seconds), w = to_tv(write_seconds);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &r, sizeof(r));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &w, sizeof(w));
}

void HttpConnection::shutdown(bool read_only) { ::shutdown(fd_, read_only ? SHUT_RD : SHUT_RDWR); }

bool HttpConnection::fill() {
    if (pos_ > 0 && pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
    } else if (pos_ > 65536) {
        buffer_.erase(0, pos_);
        pos_ = 0;
    }
    char chunk[65536];
    while (true) {
        ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
        if (n > 0) {
            buffer_.append(chunk, static_cast<size_t>(n));
            return true;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) raise(ErrorCode::kQueryTimeout, "connection read timed out");
        raise(ErrorCode::kConnection, "connection read failed: {}", std::strerror(errno));
    }
}

void HttpConnection::write_all(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) raise(ErrorCode::kQueryTimeout, "connection write timed out");
            raise(ErrorCode::kConnection, "connection write failed: {}", std::strerror(errno));
        }
        bytes_written_ += static_cast<uint64_t>(n);
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void HttpConnection::fail(bool is_request, int status, const std::string& message) {
    if (is_request) throw HttpError(status, message);
    raise(ErrorCode::kConnection, "bad HTTP response: {}", message);
}

bool HttpConnection::read_head(std::string& head, size_t max_bytes) {
    while (true) {
        size_t end = buffer_.find("\r\n\r\n", pos_);
        if (end != std::string::npos) {
            head.assign(buffer_, pos_, end - pos_);
            pos_ = end + 4;
            return true;
        }
        if (buffer_.size() - pos_ > max_bytes) fail(true, 431, "request head too large");
        size_t before = buffer_.size() - pos_;
        bool more;
        try {
            more = fill();
        } catch (const Error&) {
            if (before == 0) return false;  // idle timeout / reset between requests
            throw;
        }
        if (!more) {
            if (buffer_.size() - pos_ == 0) return false;
            fail(true, 400, "connection closed in the middle of a message head");
        }
    }
}

std::string HttpConnection::read_line(size_t max_bytes) {
    while (true) {
        size_t end = buffer_.find("\r\n", pos_);
        if (end != std::string::npos) {
            std::string line = buffer_.substr(pos_, end - pos_);
            pos_ = end + 2;
            return line;
        }
        if (buffer_.size() - pos_ > max_bytes) fail(true, 400, "line too long");
        if (!fill()) raise(ErrorCode::kConnection, "connection closed in the middle of a chunked body");
    }
}

void HttpConnection::read_body(const HttpHeaders& headers, bool is_request, bool until_close, size_t max_bytes,
                               const std::function<void(std::string_view)>& on_data) {
    auto transfer = find_header(headers, "Transfer-Encoding");
    auto length_header = find_header(headers, "Content-Length");
    size_t total = 0;
    auto deliver = [&](size_t count) {
        total += count;
        if (total > max_bytes) fail(is_request, 413, "body too large");
        on_data(std::string_view(buffer_).substr(pos_, count));
        pos_ += count;
    };
    if (transfer && contains_token(*transfer, "chunked")) {
        while (true) {
            std::string line = read_line(4096);
            size_t semicolon = line.find(';');
            std::string_view hex = trim(std::string_view(line).substr(0, semicolon));
            size_t size = 0;
            auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
            if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size()) fail(is_request, 400, "bad chunk size");
            if (size == 0) {
                // Trailers, up to the empty line.
                while (!read_line(64 * 1024).empty()) {
                }
                return;
            }
            if (size > max_bytes) fail(is_request, 413, "body too large");
            while (size > 0) {
                if (pos_ == buffer_.size() && !fill()) {
                    raise(ErrorCode::kConnection, "connection closed in the middle of a chunked body");
                }
                size_t take = std::min(size, buffer_.size() - pos_);
                deliver(take);
                size -= take;
            }
            if (read_line(2) != "") fail(is_request, 400, "missing CRLF after a chunk");
        }
    }
    if (length_header) {
        size_t length = 0;
        std::string_view text = trim(*length_header);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
            fail(is_request, 400, "bad Content-Length");
        }
        if (length > max_bytes) fail(is_request, 413, "body too large");
        while (length > 0) {
            if (pos_ == buffer_.size() && !fill()) {
                if (is_request) fail(true, 400, "connection closed in the middle of a body");
                raise(ErrorCode::kConnection, "connection closed in the middle of a response body");
            }
            size_t take = std::min(length, buffer_.size() - pos_);
            deliver(take);
            length -= take;
        }
        return;
    }
    if (until_close) {
        while (true) {
            if (pos_ < buffer_.size()) deliver(buffer_.size() - pos_);
            if (!fill()) return;
        }
    }
}

bool HttpConnection::read_request(HttpRequest& request, const HttpLimits& limits) {
    std::string head;
    if (!read_head(head, limits.max_header_bytes)) return false;
    std::string_view first;
    bool ok = false;
    request.headers = parse_headers(head, first, ok);
    if (!ok) fail(true, 400, "malformed header line");
    size_t sp1 = first.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : first.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) fail(true, 400, "malformed request line");
    request.method = std::string(first.substr(0, sp1));
    request.target = std::string(first.substr(sp1 + 1, sp2 - sp1 - 1));
    std::string_view version = first.substr(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") fail(true, 505, "unsupported HTTP version");
    if (request.target.empty() || request.target[0] != '/') fail(true, 400, "bad request target");
    request.path = request.target.substr(0, request.target.find('?'));
    auto connection = request.header("Connection");
    request.keep_alive = version == "HTTP/1.1" ? !(connection && contains_token(*connection, "close"))
                                               : (connection && contains_token(*connection, "keep-alive"));
    request.body.clear();
    if (auto expect = request.header("Expect"); expect && iequals(trim(*expect), "100-continue")) {
        write_all("HTTP/1.1 100 Continue\r\n\r\n");
    }
    read_body(request.headers, true, false, limits.max_body_bytes,
              [&](std::string_view data) { request.body.append(data); });
    return true;
}

void HttpConnection::write_response(int status, std::string_view content_type, std::string_view body,
                                    bool keep_alive, const HttpHeaders& extra) {
    std::string out;
    out.reserve(256 + body.size());
    append_status_line(out, status);
    if (!content_type.empty()) {
        out += "Content-Type: ";
        out += content_type;
        out += "\r\n";
    }
    out += "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
    if (!keep_alive) out += "Connection: close\r\n";
    append_headers(out, extra);
    out += "\r\n";
    out += body;
    write_all(out);
}

void HttpConnection::begin_chunked(int status, std::string_view content_type, bool keep_alive,
                                   const HttpHeaders& extra) {
    std::string out;
    append_status_line(out, status);
    out += "Content-Type: ";
    out += content_type;
    out += "\r\nTransfer-Encoding: chunked\r\n";
    if (!keep_alive) out += "Connection: close\r\n";
    append_headers(out, extra);
    out += "\r\n";
    write_all(out);
}

void HttpConnection::write_chunk(std::string_view data) {
    if (data.empty()) return;  // an empty chunk would end the body
    char size[32];
    auto [end, ec] = std::to_chars(size, size + sizeof(size) - 2, data.size(), 16);
    *end++ = '\r';
    *end++ = '\n';
    if (data.size() < 4096) {
        std::string out;
        out.reserve(static_cast<size_t>(end - size) + data.size() + 2);
        out.append(size, end).append(data).append("\r\n");
        write_all(out);
        return;
    }
    // Large chunks: one gathered write, no copy of the data.
    static const char kCrlf[] = "\r\n";
    iovec parts[3] = {{size, static_cast<size_t>(end - size)},
                      {const_cast<char*>(data.data()), data.size()},
                      {const_cast<char*>(kCrlf), 2}};
    size_t index = 0;
    while (index < 3) {
        msghdr message{};
        message.msg_iov = parts + index;
        message.msg_iovlen = 3 - index;
        ssize_t n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) raise(ErrorCode::kQueryTimeout, "connection write timed out");
            raise(ErrorCode::kConnection, "connection write failed: {}", std::strerror(errno));
        }
        bytes_written_ += static_cast<uint64_t>(n);
        auto left = static_cast<size_t>(n);
        while (index < 3 && left >= parts[index].iov_len) {
            left -= parts[index].iov_len;
            ++index;
        }
        if (index < 3) {
            parts[index].iov_base = static_cast<char*>(parts[index].iov_base) + left;
            parts[index].iov_len -= left;
        }
    }
}

void HttpConnection::end_chunked() { write_all("0\r\n\r\n"); }

void HttpConnection::write_request(std::string_view method, std::string_view target, std::string_view host,
                                   const HttpHeaders& headers, std::string_view body) {
    std::string out;
    out.reserve(256 + body.size());
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    if (!body.empty() || method == "POST" || method == "PUT") {
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    append_headers(out, headers);
    out += "\r\n";
    out.append(body);
    write_all(out);
}

HttpResponse HttpConnection::read_response_streaming(const std::function<void(std::string_view)>& on_data,
                                                     const HttpLimits& limits) {
    HttpResponse response;
    std::string head;
    do {
        if (!read_head(head, limits.max_header_bytes)) {
            raise(ErrorCode::kConnection, "connection closed before the response");
        }
        std::string_view first;
        bool ok = false;
        response.headers = parse_headers(head, first, ok);
        if (!ok || first.size() < 12 || first.substr(0, 5) != "HTTP/") fail(false, 0, "malformed status line");
        std::string_view code = first.substr(9, 3);
        auto [end, ec] = std::from_chars(code.data(), code.data() + 3, response.status);
        if (ec != std::errc()) fail(false, 0, "malformed status code");
    } while (response.status == 100);
    auto connection = response.header("Connection");
    response.keep_alive = !(connection && contains_token(*connection, "close"));
    bool no_body = response.status == 204 || response.status == 304;
    if (!no_body) {
        bool framed = response.header("Content-Length") || response.header("Transfer-Encoding");
        if (!framed) response.keep_alive = false;
        read_body(response.headers, false, !framed, limits.max_body_bytes, on_data);
    }
    return response;
}

HttpResponse HttpConnection::read_response(const HttpLimits& limits) {
    std::string body;
    HttpResponse response = read_response_streaming([&](std::string_view data) { body.append(data); }, limits);
    response.body = std::move(body);
    return response;
}

std::unique_ptr<HttpConnection> http_connect(const std::string& host, int port, double connect_timeout_seconds) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    std::string service = std::to_string(port);
    int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
    if (rc != 0) raise(ErrorCode::kConnectionFailure, "cannot resolve {}: {}", host, ::gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(result, ::freeaddrinfo);
    std::string last_error = "no address";
    for (addrinfo* ai = result; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_error = std::strerror(errno);
            continue;
        }
        int flags = ::fcntl(fd, F_GETFL, 0);
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r < 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int ready = ::poll(&p, 1, static_cast<int>(connect_timeout_seconds * 1000));
            if (ready <= 0) {
                last_error = ready == 0 ? "connect timed out" : std::strerror(errno);
                ::close(fd);
                continue;
            }
            int error = 0;
            socklen_t length = sizeof(error);
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            r = error == 0 ? 0 : -1;
            errno = error;
        }
        if (r < 0) {
            last_error = std::strerror(errno);
            ::close(fd);
            continue;
        }
        ::fcntl(fd, F_SETFL, flags);
        return std::make_unique<HttpConnection>(fd);
    }
    raise(ErrorCode::kConnectionFailure, "cannot connect to {}:{}: {}", host, port, last_error);
}

std::pair<std::string, int> parse_host_port(std::string_view address) {
    std::string host;
    std::string_view port_text;
    if (!address.empty() && address.front() == '[') {
        size_t close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':') {
            raise(ErrorCode::kInvalidParameter, "bad listen address \"{}\" (expected [v6]:port)", address);
        }
        host = std::string(address.substr(1, close - 1));
        port_text = address.substr(close + 2);
    } else {
        size_t colon = address.rfind(':');
        if (colon == std::string_view::npos) {
            raise(ErrorCode::kInvalidParameter, "bad address \"{}\" (expected host:port)", address);
        }
        host = std::string(address.substr(0, colon));
        port_text = address.substr(colon + 1);
    }
    int port = -1;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
        port > 65535) {
        raise(ErrorCode::kInvalidParameter, "bad port in address \"{}\"", address);
    }
    return {host, port};
}

}  // namespace fedq
