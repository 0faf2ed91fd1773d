// URL functions (Trino): url_extract_protocol/host/port/path/query/fragment/parameter. A URL is split
// per RFC 3986 (scheme ":" ["//" authority] path ["?" query] ["#" fragment]); values are returned
// raw (not percent-decoded). A string that is not a valid URL (e.g. contains spaces or control
// characters) yields NULL, like Trino's java.net.URI based implementation.
#include <optional>
#include <string>

#include "functions/signature.h"

namespace fedq {

namespace {

struct UrlParts {
    std::string_view scheme, host, port, path, query, fragment;
    bool has_authority = false, has_query = false, has_fragment = false;
};

bool is_scheme_char(char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return !first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

std::optional<UrlParts> parse_url(std::string_view url) {
    for (unsigned char c : url) {
        if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
            c == '{' || c == '|' || c == '}') {
            return std::nullopt;
        }
    }
    UrlParts parts;
    size_t pos = 0;
    size_t colon = url.find(':');
    if (colon != std::string_view::npos && colon > 0) {
        bool scheme = true;
        for (size_t i = 0; i < colon; ++i) scheme = scheme && is_scheme_char(url[i], i == 0);
        if (scheme) {
            parts.scheme = url.substr(0, colon);
            pos = colon + 1;
        }
    }
    if (url.substr(pos).starts_with("//")) {
        pos += 2;
        size_t end = url.find_first_of("/?#", pos);
        if (end == std::string_view::npos) end = url.size();
        std::string_view authority = url.substr(pos, end - pos);
        size_t at = authority.rfind('@');
        if (at != std::string_view::npos) authority.remove_prefix(at + 1);
        if (!authority.empty() && authority[0] == '[') {  // IPv6 literal
            size_t close = authority.find(']');
            if (close == std::string_view::npos) return std::nullopt;
            parts.host = authority.substr(0, close + 1);
            authority.remove_prefix(close + 1);
            if (!authority.empty() && authority[0] != ':') return std::nullopt;
            if (!authority.empty()) parts.port = authority.substr(1);
        } else {
            size_t port_colon = authority.rfind(':');
            parts.host = authority.substr(0, port_colon);
            if (port_colon != std::string_view::npos) parts.port = authority.substr(port_colon + 1);
        }
        for (char c : parts.port) {
            if (c < '0' || c > '9') return std::nullopt;
        }
        parts.has_authority = true;
        pos = end;
    }
    size_t path_end = url.find_first_of("?#", pos);
    if (path_end == std::string_view::npos) path_end = url.size();
    parts.path = url.substr(pos, path_end - pos);
    pos = path_end;
    if (pos < url.size() && url[pos] == '?') {
        size_t end = url.find('#', pos);
        if (end == std::string_view::npos) end = url.size();
        parts.query = url.substr(pos + 1, end - pos - 1);
        parts.has_query = true;
        pos = end;
    }
    if (pos < url.size() && url[pos] == '#') {
        parts.fragment = url.substr(pos + 1);
        parts.has_fragment = true;
    }
    return parts;
}

// Kernel for the url_extract_* functions returning VARCHAR: `pick` returns the part or nullopt (NULL).
template <typename Pick>
ScalarKernel url_part_kernel(Pick pick) {
    return [pick](const ScalarArgs& args, Column& out) {
        const Column& input = *args.columns[0];
        for (size_t row = 0; row < args.rows; ++row) {
            std::optional<UrlParts> parts = parse_url(input.string_at(row));
            std::optional<std::string_view> value;
            if (parts) value = pick(*parts, args, row);
            if (value) out.append_string(*value);
            else out.append_null();
        }
    };
}

}  // namespace

void register_url_functions(FunctionRegistry& registry) {
    const Type V = Type::varchar();
    using Result = std::optional<std::string_view>;
    registry.add_scalar("url_extract_protocol", fixed_signature({V}, V, url_part_kernel(
        [](const UrlParts& p, const ScalarArgs&, size_t) -> Result {
            if (p.scheme.empty()) return std::nullopt;
            return p.scheme;
        })), "the scheme of a URL");
    registry.add_scalar("url_extract_host", fixed_signature({V}, V, url_part_kernel(
        [](const UrlParts& p, const ScalarArgs&, size_t) -> Result {
            if (!p.has_authority || p.host.empty()) return std::nullopt;
            return p.host;
        })), "the host of a URL");
    registry.add_scalar("url_extract_path", fixed_signature({V}, V, url_part_kernel(
        [](const UrlParts& p, const ScalarArgs&, size_t) -> Result { return p.path; })), "the path of a URL");
    registry.add_scalar("url_extract_query", fixed_signature({V}, V, url_part_kernel(
        [](const UrlParts& p, const ScalarArgs&, size_t) -> Result {
            if (!p.has_query) return std::nullopt;
            return p.query;
        })), "the query string of a URL");
    registry.add_scalar("url_extract_fragment", fixed_signature({V}, V, url_part_kernel(
        [](const UrlParts& p, const ScalarArgs&, size_t) -> Result {
            if (!p.has_fragment) return std::nullopt;
            return p.fragment;
        })), "the fragment of a URL");
    registry.add_scalar("url_extract_parameter", fixed_signature({V, V}, V, url_part_kernel(
        [](const UrlParts& p, const ScalarArgs& args, size_t row) -> Result {
            if (!p.has_query) return std::nullopt;
            std::string_view name = args.columns[1]->string_at(row);
            std::string_view query = p.query;
            while (!query.empty()) {
                size_t amp = query.find('&');
                std::string_view pair = query.substr(0, amp);
                size_t equals = pair.find('=');
                if (pair.substr(0, equals) == name) {
                    return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
                }
                if (amp == std::string_view::npos) break;
                query.remove_prefix(amp + 1);
            }
            return std::nullopt;
        })), "the first value of a query-string parameter of a URL");
    registry.add_scalar("url_extract_port", fixed_signature({V}, Type::bigint(), [](const ScalarArgs& args,
                                                                                    Column& out) {
        const Column& input = *args.columns[0];
        for (size_t row = 0; row < args.rows; ++row) {
            std::optional<UrlParts> parts = parse_url(input.string_at(row));
            if (!parts || parts->port.empty() || parts->port.size() > 9) {
                out.append_null();
                continue;
            }
            int64_t port = 0;
            for (char c : parts->port) port = port * 10 + (c - '0');
            out.append<int64_t>(port);
        }
    }), "the port of a URL (NULL when absent)");
}

}  // namespace fedq
