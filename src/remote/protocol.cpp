#include "remote/protocol.h"

#include <charconv>

#include "remote/signing.h"

namespace fedq {

namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& what) { raise(ErrorCode::kInvalidJson, "invalid connector protocol JSON: {}", what); }

const json& member(const json& j, const char* key) {
    if (!j.is_object()) bad(fmt::format("expected an object with \"{}\"", key));
    auto it = j.find(key);
    if (it == j.end()) bad(fmt::format("missing \"{}\"", key));
    return *it;
}

const json* optional_member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string get_string(const json& j, const char* what) {
    if (!j.is_string()) bad(fmt::format("\"{}\" must be a string", what));
    return j.get<std::string>();
}

std::optional<double> get_optional_number(const json& j, const char* key) {
    const json* v = optional_member(j, key);
    if (!v) return std::nullopt;
    if (!v->is_number()) bad(fmt::format("\"{}\" must be a number", key));
    return v->get<double>();
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

template <typename Body>
auto guarded(Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const json::exception& e) {
        bad(e.what());
    }
}

constexpr std::pair<Capability, const char*> kCapabilityNames[] = {
    {Capability::kConstraint, "constraint"},   {Capability::kLimit, "limit"},
    {Capability::kParallelSplits, "parallel_splits"}, {Capability::kExpressions, "expressions"},
    {Capability::kJoins, "joins"},
};

}  // namespace

json identity_to_json(const Identity& identity) {
    return json{{"user", identity.user}, {"roles", identity.roles}};
}

Identity identity_from_json(const json& j) {
    return guarded([&] {
        Identity identity;
        if (j.is_null()) return identity;
        if (!j.is_object()) bad("\"identity\" must be an object");
        if (auto* user = optional_member(j, "user")) identity.user = get_string(*user, "user");
        if (auto* roles = optional_member(j, "roles")) {
            if (!roles->is_array()) bad("\"roles\" must be an array");
            for (const auto& role : *roles) identity.roles.push_back(get_string(role, "roles"));
        }
        return identity;
    });
}

json capabilities_to_json(const Capabilities& capabilities) {
    json out = json::array();
    for (auto [capability, name] : kCapabilityNames) {
        if (capabilities.has(capability)) out.push_back(name);
    }
    return out;
}

Capabilities capabilities_from_json(const json& j) {
    if (!j.is_array()) bad("\"capabilities\" must be an array");
    Capabilities out;
    for (const auto& item : j) {
        std::string name = get_string(item, "capabilities");
        for (auto [capability, known] : kCapabilityNames) {
            if (name == known) out.add(capability);
        }
    }
    return out;
}

json table_handle_to_json(const TableHandle& handle) {
    return json{{"schema", handle.schema}, {"table", handle.table}, {"properties", handle.properties}};
}

TableHandle table_handle_from_json(const json& j) {
    return guarded([&] {
        TableHandle handle;
        handle.schema = get_string(member(j, "schema"), "schema");
        handle.table = get_string(member(j, "table"), "table");
        if (auto* properties = optional_member(j, "properties")) {
            if (!properties->is_object()) bad("\"properties\" must be an object");
            handle.properties = *properties;
        }
        return handle;
    });
}

json table_info_to_json(const TableInfo& info) {
    json columns = json::array();
    for (const auto& column : info.columns) {
        columns.push_back(json{{"name", column.name},
                               {"type", type_to_json(column.type)},
                               {"nullable", column.nullable},
                               {"comment", column.comment}});
    }
    json column_stats = json::object();
    for (const auto& [name, stats] : info.statistics.columns) {
        column_stats[name] = json{{"distinct_count", optional_number(stats.distinct_count)},
                                  {"null_fraction", optional_number(stats.null_fraction)},
                                  {"min", value_to_json(stats.min)},
                                  {"max", value_to_json(stats.max)}};
    }
    return json{{"handle", table_handle_to_json(info.handle)},
                {"kind", info.kind},
                {"columns", std::move(columns)},
                {"statistics", json{{"row_count", optional_number(info.statistics.row_count)},
                                    {"total_bytes", optional_number(info.statistics.total_bytes)},
                                    {"columns", std::move(column_stats)}}}};
}

TableInfo table_info_from_json(const json& j) {
    return guarded([&] {
        TableInfo info;
        if (!j.is_object()) bad("a table must be an object");
        info.handle = table_handle_from_json(member(j, "handle"));
        if (auto* kind = optional_member(j, "kind")) info.kind = get_string(*kind, "kind");
        const json& columns = member(j, "columns");
        if (!columns.is_array()) bad("\"columns\" must be an array");
        for (const auto& c : columns) {
            ColumnInfo column;
            column.name = get_string(member(c, "name"), "name");
            column.type = type_from_json(member(c, "type"));
            if (auto* nullable = optional_member(c, "nullable")) {
                if (!nullable->is_boolean()) bad("\"nullable\" must be a boolean");
                column.nullable = nullable->get<bool>();
            }
            if (auto* comment = optional_member(c, "comment")) column.comment = get_string(*comment, "comment");
            info.columns.push_back(std::move(column));
        }
        if (auto* stats = optional_member(j, "statistics")) {
            info.statistics.row_count = get_optional_number(*stats, "row_count");
            info.statistics.total_bytes = get_optional_number(*stats, "total_bytes");
            if (auto* by_column = optional_member(*stats, "columns")) {
                if (!by_column->is_object()) bad("\"statistics.columns\" must be an object");
                for (const auto& [name, s] : by_column->items()) {
                    ColumnStatistics cs;
                    cs.distinct_count = get_optional_number(s, "distinct_count");
                    cs.null_fraction = get_optional_number(s, "null_fraction");
                    if (auto* min = optional_member(s, "min")) cs.min = value_from_json(*min);
                    if (auto* max = optional_member(s, "max")) cs.max = value_from_json(*max);
                    info.statistics.columns[name] = std::move(cs);
                }
            }
        }
        return info;
    });
}

json split_to_json(const Split& split) {
    return json{{"payload", split.payload},
                {"description", split.description},
                {"estimated_rows", optional_number(split.estimated_rows)}};
}

Split split_from_json(const json& j) {
    return guarded([&] {
        Split split;
        if (!j.is_object()) bad("a split must be an object");
        if (auto* payload = optional_member(j, "payload")) split.payload = *payload;
        if (auto* description = optional_member(j, "description")) {
            split.description = get_string(*description, "description");
        }
        split.estimated_rows = get_optional_number(j, "estimated_rows");
        return split;
    });
}

std::string_view join_type_name(PushedJoinType type) {
    switch (type) {
        case PushedJoinType::kInner: return "inner";
        case PushedJoinType::kLeft: return "left";
        case PushedJoinType::kRight: return "right";
        case PushedJoinType::kFull: return "full";
    }
    return "inner";
}

PushedJoinType join_type_from_name(std::string_view name) {
    if (name == "inner") return PushedJoinType::kInner;
    if (name == "left") return PushedJoinType::kLeft;
    if (name == "right") return PushedJoinType::kRight;
    if (name == "full") return PushedJoinType::kFull;
    bad(fmt::format("unknown join type \"{}\"", name));
}

bool is_retryable(ErrorCode code) {
    return code == ErrorCode::kConnection || code == ErrorCode::kConnectionFailure ||
           code == ErrorCode::kQueryTimeout;
}

int http_status_for(const Error& error) {
    if (error.sqlstate() == "28000") return 401;
    switch (error.code()) {
        case ErrorCode::kSyntax:
        case ErrorCode::kInvalidParameter:
        case ErrorCode::kInvalidJson:
        case ErrorCode::kDatatypeMismatch:
        case ErrorCode::kUndefinedColumn:
        case ErrorCode::kUndefinedFunction:
        case ErrorCode::kAmbiguousColumn:
        case ErrorCode::kGrouping:
            return 400;
        case ErrorCode::kInvalidPassword: return 401;
        case ErrorCode::kInsufficientPrivilege: return 403;
        case ErrorCode::kUndefinedTable:
        case ErrorCode::kUndefinedObject:
            return 404;
        case ErrorCode::kCancelled: return 409;
        case ErrorCode::kNotSupported: return 501;
        case ErrorCode::kConnection:
        case ErrorCode::kConnectionFailure:
            return 503;
        case ErrorCode::kQueryTimeout: return 504;
        default: return is_retryable(error.code()) ? 503 : 500;
    }
}

json error_to_json(std::string_view sqlstate, std::string_view message, bool retryable) {
    return json{{"error", json{{"code", sqlstate}, {"message", message}, {"retryable", retryable}}}};
}

json error_to_json(const Error& error, std::optional<bool> retryable) {
    return error_to_json(error.sqlstate(), error.message(), retryable.value_or(is_retryable(error.code())));
}

ErrorCode error_code_from_sqlstate(std::string_view state) {
    static constexpr ErrorCode kCodes[] = {
        ErrorCode::kSyntax, ErrorCode::kUndefinedTable, ErrorCode::kUndefinedColumn, ErrorCode::kUndefinedFunction,
        ErrorCode::kUndefinedObject, ErrorCode::kAmbiguousColumn, ErrorCode::kDuplicateObject, ErrorCode::kGrouping,
        ErrorCode::kDatatypeMismatch, ErrorCode::kInvalidParameter, ErrorCode::kNumericOverflow,
        ErrorCode::kDivisionByZero, ErrorCode::kInvalidCast, ErrorCode::kInvalidDatetime,
        ErrorCode::kStringDataTruncation, ErrorCode::kInvalidRegex, ErrorCode::kInvalidJson, ErrorCode::kCardinality,
        ErrorCode::kBadFile, ErrorCode::kIo, ErrorCode::kNotSupported, ErrorCode::kOutOfMemory, ErrorCode::kCancelled,
        ErrorCode::kConnection, ErrorCode::kConnectionFailure, ErrorCode::kInvalidPassword,
        ErrorCode::kInsufficientPrivilege,
    };
    for (ErrorCode code : kCodes) {
        if (sqlstate(code) == state) return code;
    }
    if (state == "28000") return ErrorCode::kInvalidPassword;
    return ErrorCode::kRemote;
}

Error error_from_json(const json& j, bool* retryable, std::string_view fallback_message) {
    if (retryable) *retryable = false;
    const json* error = optional_member(j, "error");
    if (!error || !error->is_object()) {
        return Error(ErrorCode::kRemote, fallback_message.empty() ? std::string("malformed error from connector service")
                                                                  : std::string(fallback_message));
    }
    std::string code;
    std::string message;
    if (auto* c = optional_member(*error, "code"); c && c->is_string()) code = c->get<std::string>();
    if (auto* m = optional_member(*error, "message"); m && m->is_string()) message = m->get<std::string>();
    if (auto* r = optional_member(*error, "retryable"); r && r->is_boolean() && retryable) *retryable = r->get<bool>();
    if (message.empty()) message = fallback_message.empty() ? "error from connector service" : std::string(fallback_message);
    ErrorCode mapped = error_code_from_sqlstate(code);
    if (code.size() == 5 && sqlstate(mapped) != code) return Error::with_sqlstate(mapped, code, std::move(message));
    return Error(mapped, std::move(message));
}

std::string plan_digest(const json& plan_json) { return sha256_hex(plan_json.dump()).substr(0, 16); }

std::string make_page_token(size_t offset, std::string_view digest) { return fmt::format("{}:{}", offset, digest); }

bool parse_page_token(std::string_view token, size_t& offset, std::string& digest) {
    size_t colon = token.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    auto [end, ec] = std::from_chars(token.data(), token.data() + colon, offset);
    if (ec != std::errc() || end != token.data() + colon) return false;
    digest = std::string(token.substr(colon + 1));
    return digest.size() == 16;
}

}  // namespace fedq
