// ConnectorExpr construction, display and JSON; ConnectorConfig option parsing.
//
//   ConnectorExpr {"kind": "column", "name": s, "type": T}
//               | {"kind": "constant", "value": Value}          (Value carries its type)
//               | {"kind": "call", "name": s, "type": T, "args": [ConnectorExpr]}
#include "connector/pushdown.h"

#include <algorithm>
#include <charconv>

#include "common/error.h"
#include "connector/constraint.h"

namespace fedq {

using json = nlohmann::json;

ConnectorExpr ConnectorExpr::column(std::string name, Type type) {
    ConnectorExpr e;
    e.kind = ConnectorExprKind::kColumn;
    e.name = std::move(name);
    e.type = std::move(type);
    return e;
}

ConnectorExpr ConnectorExpr::constant(Value value, Type type) {
    ConnectorExpr e;
    e.kind = ConnectorExprKind::kConstant;
    e.value = std::move(value);
    e.type = std::move(type);
    return e;
}

ConnectorExpr ConnectorExpr::call(std::string function, Type type, std::vector<ConnectorExpr> args) {
    ConnectorExpr e;
    e.kind = ConnectorExprKind::kCall;
    e.name = std::move(function);
    e.type = std::move(type);
    e.args = std::move(args);
    return e;
}

std::string ConnectorExpr::to_string() const {
    switch (kind) {
        case ConnectorExprKind::kColumn: return name;
        case ConnectorExprKind::kConstant: return value.to_sql();
        case ConnectorExprKind::kCall: {
            std::string out = name + "(";
            for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i].to_string();
            return out + ")";
        }
    }
    return "?";
}

json ConnectorExpr::to_json() const {
    switch (kind) {
        case ConnectorExprKind::kColumn: return json{{"kind", "column"}, {"name", name}, {"type", type_to_json(type)}};
        case ConnectorExprKind::kConstant:
            return json{{"kind", "constant"}, {"type", type_to_json(type)}, {"value", value_to_json(value)}};
        case ConnectorExprKind::kCall: {
            json list = json::array();
            for (const auto& a : args) list.push_back(a.to_json());
            return json{{"kind", "call"}, {"name", name}, {"type", type_to_json(type)}, {"args", std::move(list)}};
        }
    }
    return json();
}

ConnectorExpr ConnectorExpr::from_json(const json& j) {
    auto fail = [](const std::string& what) { raise(ErrorCode::kInvalidJson, "invalid connector expression: {}", what); };
    if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string()) fail("expected an object with \"kind\"");
    if (!j.contains("type")) fail("missing \"type\"");
    Type type = type_from_json(j["type"]);
    std::string kind = j["kind"].get<std::string>();
    if (kind == "column") {
        if (!j.contains("name") || !j["name"].is_string()) fail("a column needs a \"name\"");
        return column(j["name"].get<std::string>(), type);
    }
    if (kind == "constant") {
        if (!j.contains("value")) fail("a constant needs a \"value\"");
        return constant(value_from_json(j["value"]), type);
    }
    if (kind == "call") {
        if (!j.contains("name") || !j["name"].is_string()) fail("a call needs a \"name\"");
        std::vector<ConnectorExpr> args;
        if (j.contains("args")) {
            if (!j["args"].is_array()) fail("\"args\" must be an array");
            for (const auto& a : j["args"]) args.push_back(from_json(a));
        }
        return call(j["name"].get<std::string>(), type, std::move(args));
    }
    fail("unknown kind \"" + kind + "\"");
    return {};
}

std::optional<std::string> ConnectorConfig::get(const std::string& key) const {
    auto it = options.find(key);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

std::string ConnectorConfig::require(const std::string& key) const {
    auto value = get(key);
    if (!value) raise(ErrorCode::kInvalidParameter, "catalog {}: option '{}' is required", catalog, key);
    return *value;
}

int64_t ConnectorConfig::get_int(const std::string& key, int64_t fallback) const {
    auto value = get(key);
    if (!value) return fallback;
    int64_t out = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
    if (ec != std::errc() || end != value->data() + value->size()) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option '{}' must be an integer, not '{}'", catalog, key, *value);
    }
    return out;
}

double ConnectorConfig::get_seconds(const std::string& key, double fallback) const {
    auto value = get(key);
    if (!value) return fallback;
    std::string text = *value;
    double scale = 1;
    auto ends_with = [&](std::string_view suffix) {
        return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with("ms")) { scale = 0.001; text.resize(text.size() - 2); }
    else if (ends_with("s")) { text.resize(text.size() - 1); }
    else if (ends_with("m")) { scale = 60; text.resize(text.size() - 1); }
    double out = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end != text.data() + text.size() || out < 0) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option '{}' must be a duration like 30s or 500ms, not '{}'",
              catalog, key, *value);
    }
    return out * scale;
}

bool ConnectorConfig::get_bool(const std::string& key, bool fallback) const {
    auto value = get(key);
    if (!value) return fallback;
    std::string v = *value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    raise(ErrorCode::kInvalidParameter, "catalog {}: option '{}' must be true or false, not '{}'", catalog, key, *value);
}

void ConnectorConfig::check_known(const std::vector<std::string>& known) const {
    for (const auto& [key, value] : options) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string list;
            for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
            raise(ErrorCode::kInvalidParameter, "catalog {}: unknown option '{}' for a {} catalog (known: {})", catalog, key,
                  type, list);
        }
    }
}

}  // namespace fedq
