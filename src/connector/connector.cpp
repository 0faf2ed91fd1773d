// JSON encodings of ScanRequest, ScanPlan and Split (the connector protocol's plan_scan messages).
//
//   ScanRequest {"table": {"schema", "table", "properties"}, "columns": [...], "constraint": Constraint,
//                "limit": n | null, "batch_rows": n, "target_splits": n}
//   ScanPlan    {"constraint_accepted": {"column": "exact" | "inexact" | "unsupported"},
//                "limit_accepted": b, "splits": [Split], "description": s}
//   Split       {"payload": {...connector-private...}, "description": s, "estimated_rows": x | null}
// Malformed input raises kInvalidJson.
#include "connector/connector.h"

#include "common/error.h"

namespace fedq {

namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& what) { raise(ErrorCode::kInvalidJson, "invalid connector JSON: {}", what); }

const json& member(const json& j, const char* key) {
    if (!j.is_object()) bad(fmt::format("expected an object with \"{}\"", key));
    auto it = j.find(key);
    if (it == j.end()) bad(fmt::format("missing \"{}\"", key));
    return *it;
}

// Optional member: nullptr when absent.
const json* optional_member(const json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

uint64_t get_unsigned(const json& j, const char* what) {
    if (!j.is_number_integer() || (j.is_number_integer() && !j.is_number_unsigned() && j.get<int64_t>() < 0)) {
        bad(fmt::format("\"{}\" must be a non-negative integer", what));
    }
    return j.get<uint64_t>();
}

std::string get_string(const json& j, const char* what) {
    if (!j.is_string()) bad(fmt::format("\"{}\" must be a string", what));
    return j.get<std::string>();
}

const char* pushdown_name(PushdownKind kind) {
    switch (kind) {
        case PushdownKind::kExact: return "exact";
        case PushdownKind::kInexact: return "inexact";
        case PushdownKind::kUnsupported: return "unsupported";
    }
    return "unsupported";
}

PushdownKind pushdown_from(const json& j) {
    std::string name = get_string(j, "constraint_accepted");
    if (name == "exact") return PushdownKind::kExact;
    if (name == "inexact") return PushdownKind::kInexact;
    if (name == "unsupported") return PushdownKind::kUnsupported;
    bad("unknown pushdown kind \"" + name + "\"");
}

json split_to_json(const Split& split) {
    return json{{"payload", split.payload},
                {"description", split.description},
                {"estimated_rows", split.estimated_rows ? json(*split.estimated_rows) : json(nullptr)}};
}

Split split_from_json(const json& j) {
    Split split;
    if (!j.is_object()) bad("a split must be an object");
    if (auto* payload = optional_member(j, "payload")) split.payload = *payload;
    if (auto* description = optional_member(j, "description")) split.description = get_string(*description, "description");
    if (auto* rows = optional_member(j, "estimated_rows")) {
        if (!rows->is_number()) bad("\"estimated_rows\" must be a number");
        split.estimated_rows = rows->get<double>();
    }
    return split;
}

template <typename Body>
auto guarded(Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const json::exception& e) {
        bad(e.what());
    }
}

}  // namespace

json ScanRequest::to_json() const {
    return json{{"table", {{"schema", table.schema}, {"table", table.table}, {"properties", table.properties}}},
                {"columns", columns},
                {"constraint", constraint.to_json()},
                {"limit", limit ? json(*limit) : json(nullptr)},
                {"batch_rows", batch_rows},
                {"target_splits", target_splits}};
}

ScanRequest ScanRequest::from_json(const json& j) {
    return guarded([&] {
        ScanRequest request;
        const json& table = member(j, "table");
        request.table.schema = get_string(member(table, "schema"), "schema");
        request.table.table = get_string(member(table, "table"), "table");
        if (auto* properties = optional_member(table, "properties")) request.table.properties = *properties;
        const json& columns = member(j, "columns");
        if (!columns.is_array()) bad("\"columns\" must be an array");
        for (const auto& column : columns) request.columns.push_back(get_string(column, "columns"));
        if (auto* constraint = optional_member(j, "constraint")) request.constraint = Constraint::from_json(*constraint);
        if (auto* limit = optional_member(j, "limit")) request.limit = get_unsigned(*limit, "limit");
        if (auto* rows = optional_member(j, "batch_rows")) {
            request.batch_rows = get_unsigned(*rows, "batch_rows");
            if (request.batch_rows == 0) bad("\"batch_rows\" must be positive");
        }
        if (auto* splits = optional_member(j, "target_splits")) {
            request.target_splits = get_unsigned(*splits, "target_splits");
        }
        return request;
    });
}

json ScanPlan::to_json() const {
    json accepted = json::object();
    for (const auto& [column, kind] : constraint_accepted) accepted[column] = pushdown_name(kind);
    json split_list = json::array();
    for (const auto& split : splits) split_list.push_back(split_to_json(split));
    return json{{"constraint_accepted", std::move(accepted)},
                {"limit_accepted", limit_accepted},
                {"splits", std::move(split_list)},
                {"description", description}};
}

ScanPlan ScanPlan::from_json(const json& j) {
    return guarded([&] {
        ScanPlan plan;
        if (!j.is_object()) bad("a scan plan must be an object");
        if (auto* accepted = optional_member(j, "constraint_accepted")) {
            if (!accepted->is_object()) bad("\"constraint_accepted\" must be an object");
            for (const auto& [column, kind] : accepted->items()) plan.constraint_accepted[column] = pushdown_from(kind);
        }
        if (auto* limit = optional_member(j, "limit_accepted")) {
            if (!limit->is_boolean()) bad("\"limit_accepted\" must be a boolean");
            plan.limit_accepted = limit->get<bool>();
        }
        if (auto* splits = optional_member(j, "splits")) {
            if (!splits->is_array()) bad("\"splits\" must be an array");
            for (const auto& split : *splits) plan.splits.push_back(split_from_json(split));
        }
        if (auto* description = optional_member(j, "description")) plan.description = get_string(*description, "description");
        return plan;
    });
}

}  // namespace fedq
