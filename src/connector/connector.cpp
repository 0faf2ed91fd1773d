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

static json expressions_to_json(const std::vector<ConnectorExpr>& list) {
    json out = json::array();
    for (const auto& e : list) out.push_back(e.to_json());
    return out;
}

static std::vector<ConnectorExpr> expressions_from_json(const json& j, const char* what) {
    if (!j.is_array()) bad(fmt::format("\"{}\" must be an array", what));
    std::vector<ConnectorExpr> out;
    for (const auto& e : j) out.push_back(ConnectorExpr::from_json(e));
    return out;
}

size_t ScanRequest::output_count() const {
    return aggregation ? aggregation->groups.size() + aggregation->aggregates.size() : columns.size();
}

json ScanRequest::to_json() const {
    json out{{"table", {{"schema", table.schema}, {"table", table.table}, {"properties", table.properties}}},
             {"columns", columns},
             {"constraint", constraint.to_json()},
             {"limit", limit ? json(*limit) : json(nullptr)},
             {"batch_rows", batch_rows},
             {"target_splits", target_splits}};
    if (!filters.empty()) out["filters"] = expressions_to_json(filters);
    if (aggregation) {
        json aggregates = json::array();
        for (const auto& a : aggregation->aggregates) {
            aggregates.push_back(json{{"function", a.function},
                                      {"args", expressions_to_json(a.args)},
                                      {"distinct", a.distinct},
                                      {"type", type_to_json(a.type)},
                                      {"name", a.name}});
        }
        out["aggregation"] = json{{"groups", expressions_to_json(aggregation->groups)}, {"aggregates", std::move(aggregates)}};
    }
    if (!order_by.empty()) {
        json keys = json::array();
        for (const auto& k : order_by) {
            keys.push_back(json{{"output", k.output}, {"descending", k.descending}, {"nulls_first", k.nulls_first}});
        }
        out["order_by"] = std::move(keys);
    }
    return out;
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
        if (auto* filters = optional_member(j, "filters")) request.filters = expressions_from_json(*filters, "filters");
        if (auto* aggregation = optional_member(j, "aggregation")) {
            PushedAggregation pushed;
            pushed.groups = expressions_from_json(member(*aggregation, "groups"), "groups");
            const json& aggregates = member(*aggregation, "aggregates");
            if (!aggregates.is_array()) bad("\"aggregates\" must be an array");
            for (const auto& a : aggregates) {
                PushedAggregate aggregate;
                aggregate.function = get_string(member(a, "function"), "function");
                aggregate.args = expressions_from_json(member(a, "args"), "args");
                if (auto* distinct = optional_member(a, "distinct")) aggregate.distinct = distinct->get<bool>();
                aggregate.type = type_from_json(member(a, "type"));
                if (auto* name = optional_member(a, "name")) aggregate.name = get_string(*name, "name");
                pushed.aggregates.push_back(std::move(aggregate));
            }
            request.aggregation = std::move(pushed);
        }
        if (auto* order = optional_member(j, "order_by")) {
            if (!order->is_array()) bad("\"order_by\" must be an array");
            for (const auto& k : *order) {
                PushedSortKey key;
                key.output = get_unsigned(member(k, "output"), "output");
                if (key.output >= request.output_count()) bad("\"order_by\" refers to a column the scan does not return");
                key.descending = member(k, "descending").get<bool>();
                key.nulls_first = member(k, "nulls_first").get<bool>();
                request.order_by.push_back(key);
            }
        }
        return request;
    });
}

json ScanPlan::to_json() const {
    json accepted = json::object();
    for (const auto& [column, kind] : constraint_accepted) accepted[column] = pushdown_name(kind);
    json split_list = json::array();
    for (const auto& split : splits) split_list.push_back(split_to_json(split));
    json filters = json::array();
    for (auto kind : filters_accepted) filters.push_back(pushdown_name(kind));
    return json{{"constraint_accepted", std::move(accepted)},
                {"limit_accepted", limit_accepted},
                {"filters_accepted", std::move(filters)},
                {"aggregation_accepted", aggregation_accepted},
                {"order_accepted", order_accepted},
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
        if (auto* filters = optional_member(j, "filters_accepted")) {
            if (!filters->is_array()) bad("\"filters_accepted\" must be an array");
            for (const auto& kind : *filters) plan.filters_accepted.push_back(pushdown_from(kind));
        }
        for (auto [key, field] : {std::pair{"aggregation_accepted", &plan.aggregation_accepted},
                                  std::pair{"order_accepted", &plan.order_accepted}}) {
            if (auto* flag = optional_member(j, key)) {
                if (!flag->is_boolean()) bad(fmt::format("\"{}\" must be a boolean", key));
                *field = flag->get<bool>();
            }
        }
        if (auto* splits = optional_member(j, "splits")) {
            if (!splits->is_array()) bad("\"splits\" must be an array");
            for (const auto& split : *splits) plan.splits.push_back(split_from_json(split));
        }
        if (auto* description = optional_member(j, "description")) plan.description = get_string(*description, "description");
        return plan;
    });
}

ScanPlan Connector::negotiate(const ScanRequest& request) {
    ScanPlan plan;
    plan.filters_accepted.assign(request.filters.size(), PushdownKind::kUnsupported);
    return plan;
}

std::optional<TableInfo> Connector::apply_join(PushedJoinType, const ScanRequest&, const ScanRequest&,
                                               const std::vector<std::pair<std::string, std::string>>&) {
    return std::nullopt;
}

std::optional<TableInfo> Connector::query_table(const std::string&) { return std::nullopt; }

}  // namespace fedq
