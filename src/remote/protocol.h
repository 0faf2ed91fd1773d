// The connector protocol, version 1 (docs/connector-protocol.md): constants and the JSON codecs shared by
// the service (`fedq connector serve`, remote/connector_service.h) and the remote connector (the client).
// ScanRequest / ScanPlan / Constraint / Type / Value encodings are the SPI's own (connector/*.h).
// Malformed input raises kInvalidJson.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "connector/connector.h"

namespace fedq {

inline constexpr int kConnectorProtocolVersion = 1;
inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kArrowStreamContentType = "application/vnd.apache.arrow.stream";
// Splits per plan_scan page unless the request asks for fewer ("max_splits").
inline constexpr size_t kDefaultSplitsPerPage = 1000;

// The caller's identity, carried by every request body as "identity": {"user": "...", "roles": [...]}.
struct Identity {
    std::string user;
    std::vector<std::string> roles;
    bool empty() const { return user.empty() && roles.empty(); }
};
nlohmann::json identity_to_json(const Identity& identity);
Identity identity_from_json(const nlohmann::json& j);  // null / absent members = empty

// Capability names: "constraint", "limit", "parallel_splits", "expressions", "joins". Unknown names are
// ignored when decoding (a newer service may know more).
nlohmann::json capabilities_to_json(const Capabilities& capabilities);
Capabilities capabilities_from_json(const nlohmann::json& j);

// TableInfo {"handle": {"schema","table","properties"}, "kind": "BASE TABLE"|"VIEW",
//            "columns": [{"name","type": Type,"nullable","comment"}],
//            "statistics": {"row_count": x|null, "total_bytes": x|null,
//                           "columns": {"name": {"distinct_count","null_fraction","min": Value,"max": Value}}}}
nlohmann::json table_handle_to_json(const TableHandle& handle);
TableHandle table_handle_from_json(const nlohmann::json& j);
nlohmann::json table_info_to_json(const TableInfo& info);
TableInfo table_info_from_json(const nlohmann::json& j);

// Split {"payload": {...}, "description": s, "estimated_rows": x|null} (as inside ScanPlan).
nlohmann::json split_to_json(const Split& split);
Split split_from_json(const nlohmann::json& j);

// "inner" | "left" | "right" | "full"
std::string_view join_type_name(PushedJoinType type);
PushedJoinType join_type_from_name(std::string_view name);

// Errors: {"error": {"code": "<SQLSTATE>", "message": "...", "retryable": b}}.
bool is_retryable(ErrorCode code);
// The HTTP status a service answers an error with (the body carries the real code).
int http_status_for(const Error& error);
nlohmann::json error_to_json(const Error& error, std::optional<bool> retryable = std::nullopt);
nlohmann::json error_to_json(std::string_view sqlstate, std::string_view message, bool retryable);
// Decodes an error body into a fedq::Error (ErrorCode from the SQLSTATE; unknown codes become kRemote
// carrying the SQLSTATE). `retryable` receives the flag. A body that is not an error object yields kRemote
// with `fallback_message`.
Error error_from_json(const nlohmann::json& j, bool* retryable = nullptr, std::string_view fallback_message = {});
ErrorCode error_code_from_sqlstate(std::string_view sqlstate);

// plan_scan continuation tokens: "<offset>:<plan digest>" (the digest is the first 16 hex digits of the
// SHA-256 of the full plan's JSON, so any replica can re-plan and check it is continuing the same plan).
std::string plan_digest(const nlohmann::json& plan_json);
std::string make_page_token(size_t offset, std::string_view digest);
// false when malformed.
bool parse_page_token(std::string_view token, size_t& offset, std::string& digest);

}  // namespace fedq
