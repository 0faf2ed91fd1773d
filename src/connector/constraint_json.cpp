// JSON encodings of Type, Value, Domain and Constraint for the connector protocol.
//
//   Type       {"id": "bigint"} · {"id": "decimal", "precision": 12, "scale": 2}
//              {"id": "array", "element": T} · {"id": "row", "fields": [{"name": "a", "type": T}, ...]}
//              (a plain string such as "decimal(12,2)" is also accepted on input)
//   Value      {"type": T, "value": payload}; payload by type: null for NULL, JSON boolean / number for
//              BOOLEAN, integers, DATE (days), TIMESTAMP[TZ] (micros); REAL/DOUBLE a number, or "NaN",
//              "Infinity", "-Infinity"; DECIMAL the exact decimal text ("-12.50"); VARCHAR/JSON a string;
//              VARBINARY a hex string; INTERVAL {"months", "days", "micros"}; ARRAY/ROW an array of payloads.
//   Domain     {"type": T, "null_allowed": b, "ranges": [{"low": B, "high": B}]}, a bound B being null
//              (unbounded) or {"value": payload, "inclusive": b}
//   Constraint {"none": b, "domains": {"column": Domain, ...}}
// Malformed input raises kInvalidJson, never a crash.
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "connector/constraint.h"
#include "types/decimal.h"

namespace fedq {

namespace {

using json = nlohmann::json;

struct TypeName {
    TypeId id;
    const char* name;
};

constexpr TypeName kTypeNames[] = {
    {TypeId::kNull, "unknown"},       {TypeId::kBoolean, "boolean"},     {TypeId::kTinyInt, "tinyint"},
    {TypeId::kSmallInt, "smallint"},  {TypeId::kInteger, "integer"},     {TypeId::kBigInt, "bigint"},
    {TypeId::kReal, "real"},          {TypeId::kDouble, "double"},       {TypeId::kDecimal, "decimal"},
    {TypeId::kVarchar, "varchar"},    {TypeId::kVarbinary, "varbinary"}, {TypeId::kDate, "date"},
    {TypeId::kTimestamp, "timestamp"}, {TypeId::kTimestampTz, "timestamp with time zone"},
    {TypeId::kInterval, "interval"},  {TypeId::kJson, "json"},           {TypeId::kArray, "array"},
    {TypeId::kRow, "row"},
};

[[noreturn]] void bad(const std::string& what) { raise(ErrorCode::kInvalidJson, "invalid connector JSON: {}", what); }

const json& member(const json& j, const char* key) {
    if (!j.is_object()) bad(fmt::format("expected an object with \"{}\"", key));
    auto it = j.find(key);
    if (it == j.end()) bad(fmt::format("missing \"{}\"", key));
    return *it;
}

int64_t get_int(const json& j) {
    if (!j.is_number_integer()) bad("expected an integer, got " + j.dump());
    return j.get<int64_t>();
}

std::string get_string(const json& j) {
    if (!j.is_string()) bad("expected a string, got " + j.dump());
    return j.get<std::string>();
}

json double_payload(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return d;
}

double double_from(const json& j) {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
        if (s == "Infinity") return std::numeric_limits<double>::infinity();
        if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    bad("expected a number, got " + j.dump());
}

std::string to_hex(const std::string& bytes) {
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

std::string from_hex(const std::string& text) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (text.size() % 2) bad("odd-length hex string");
    std::string out;
    out.reserve(text.size() / 2);
    for (size_t i = 0; i < text.size(); i += 2) {
        int hi = digit(text[i]), lo = digit(text[i + 1]);
        if (hi < 0 || lo < 0) bad("bad hex string");
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

json payload_to_json(const Value& v) {
    if (v.is_null()) return nullptr;
    const Type& type = v.type();
    switch (type.id()) {
        case TypeId::kNull: return nullptr;
        case TypeId::kBoolean: return v.as_bool();
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return v.as_int();
        case TypeId::kReal:
        case TypeId::kDouble: return double_payload(v.as_double());
        case TypeId::kDecimal: return format_decimal(v.as_decimal(), type.scale());
        case TypeId::kVarchar:
        case TypeId::kJson: return v.as_string();
        case TypeId::kVarbinary: return to_hex(v.as_string());
        case TypeId::kInterval: {
            const Interval& i = v.as_interval();
            return json{{"months", i.months}, {"days", i.days}, {"micros", i.micros}};
        }
        case TypeId::kArray:
        case TypeId::kRow: {
            json out = json::array();
            for (const auto& child : v.children()) out.push_back(payload_to_json(child));
            return out;
        }
    }
    return nullptr;
}

template <typename T>
T checked_int(const json& j) {
    int64_t v = get_int(j);
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) bad("integer out of range: " + j.dump());
    return static_cast<T>(v);
}

Value payload_from_json(const Type& type, const json& j) {
    if (j.is_null()) return Value::null(type);
    switch (type.id()) {
        case TypeId::kNull: bad("non-null value of unknown type");
        case TypeId::kBoolean:
            if (!j.is_boolean()) bad("expected a boolean, got " + j.dump());
            return Value::boolean(j.get<bool>());
        case TypeId::kTinyInt: return Value::tinyint(checked_int<int8_t>(j));
        case TypeId::kSmallInt: return Value::smallint(checked_int<int16_t>(j));
        case TypeId::kInteger: return Value::integer(checked_int<int32_t>(j));
        case TypeId::kBigInt: return Value::bigint(get_int(j));
        case TypeId::kDate: return Value::date(checked_int<int32_t>(j));
        case TypeId::kTimestamp: return Value::timestamp(get_int(j));
        case TypeId::kTimestampTz: return Value::timestamp_tz(get_int(j));
        case TypeId::kReal: return Value::real(static_cast<float>(double_from(j)));
        case TypeId::kDouble: return Value::double_(double_from(j));
        case TypeId::kDecimal: {
            auto unscaled = parse_decimal(get_string(j), type.precision(), type.scale());
            if (!unscaled) bad("bad decimal " + j.dump() + " for " + type.to_string());
            return Value::decimal(*unscaled, type.precision(), type.scale());
        }
        case TypeId::kVarchar: return Value::varchar(get_string(j));
        case TypeId::kJson: return Value::json(get_string(j));
        case TypeId::kVarbinary: return Value::varbinary(from_hex(get_string(j)));
        case TypeId::kInterval:
            return Value::interval(Interval{checked_int<int32_t>(member(j, "months")),
                                            checked_int<int32_t>(member(j, "days")), get_int(member(j, "micros"))});
        case TypeId::kArray:
        case TypeId::kRow: {
            if (!j.is_array()) bad("expected an array, got " + j.dump());
            if (type.id() == TypeId::kRow && j.size() != type.children().size()) bad("wrong number of row fields");
            std::vector<Value> children;
            children.reserve(j.size());
            for (size_t i = 0; i < j.size(); ++i) {
                children.push_back(payload_from_json(type.id() == TypeId::kArray ? type.element() : type.children()[i], j[i]));
            }
            return Value::nested(type, std::move(children));
        }
    }
    bad("unsupported type");
}

json bound_to_json(const Bound& b) {
    if (!b.value) return nullptr;
    return json{{"value", payload_to_json(*b.value)}, {"inclusive", b.inclusive}};
}

Bound bound_from_json(const Type& type, const json& j) {
    if (j.is_null()) return Bound{std::nullopt, false};
    const json& inclusive = member(j, "inclusive");
    if (!inclusive.is_boolean()) bad("\"inclusive\" must be a boolean");
    Value value = payload_from_json(type, member(j, "value"));
    if (value.is_null()) bad("a range bound cannot be NULL");
    return Bound{std::move(value), inclusive.get<bool>()};
}

// Runs `body`, turning any nlohmann exception into a fedq::Error.
template <typename Body>
auto guarded(Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const json::exception& e) {
        bad(e.what());
    }
}

}  // namespace

// ---- Type

json type_to_json(const Type& t) {
    json out;
    for (const auto& entry : kTypeNames) {
        if (entry.id == t.id()) out["id"] = entry.name;
    }
    if (t.id() == TypeId::kDecimal) {
        out["precision"] = t.precision();
        out["scale"] = t.scale();
    } else if (t.id() == TypeId::kArray) {
        out["element"] = type_to_json(t.element());
    } else if (t.id() == TypeId::kRow) {
        json fields = json::array();
        for (size_t i = 0; i < t.children().size(); ++i) {
            fields.push_back({{"name", t.field_names()[i]}, {"type", type_to_json(t.children()[i])}});
        }
        out["fields"] = std::move(fields);
    }
    return out;
}

Type type_from_json(const json& j) {
    return guarded([&]() -> Type {
        if (j.is_string()) return parse_type(j.get<std::string>());
        std::string name = get_string(member(j, "id"));
        for (const auto& entry : kTypeNames) {
            if (name != entry.name) continue;
            switch (entry.id) {
                case TypeId::kDecimal:
                    return Type::decimal(static_cast<int>(get_int(member(j, "precision"))),
                                         static_cast<int>(get_int(member(j, "scale"))));
                case TypeId::kArray: return Type::array(type_from_json(member(j, "element")));
                case TypeId::kRow: {
                    const json& fields = member(j, "fields");
                    if (!fields.is_array()) bad("\"fields\" must be an array");
                    std::vector<std::string> names;
                    std::vector<Type> types;
                    for (const auto& field : fields) {
                        names.push_back(get_string(member(field, "name")));
                        types.push_back(type_from_json(member(field, "type")));
                    }
                    return Type::row(std::move(names), std::move(types));
                }
                default: return Type(entry.id);
            }
        }
        bad("unknown type \"" + name + "\"");
    });
}

// ---- Value

json value_to_json(const Value& v) { return json{{"type", type_to_json(v.type())}, {"value", payload_to_json(v)}}; }

Value value_from_json(const json& j) {
    return guarded([&] { return payload_from_json(type_from_json(member(j, "type")), member(j, "value")); });
}

// ---- Domain

json Domain::to_json() const {
    json ranges = json::array();
    for (const auto& r : ranges_) ranges.push_back({{"low", bound_to_json(r.low)}, {"high", bound_to_json(r.high)}});
    return json{{"type", type_to_json(type_)}, {"null_allowed", null_allowed_}, {"ranges", std::move(ranges)}};
}

Domain Domain::from_json(const json& j) {
    return guarded([&] {
        Type type = type_from_json(member(j, "type"));
        const json& null_allowed = member(j, "null_allowed");
        if (!null_allowed.is_boolean()) bad("\"null_allowed\" must be a boolean");
        const json& ranges = member(j, "ranges");
        if (!ranges.is_array()) bad("\"ranges\" must be an array");
        std::vector<Range> parsed;
        for (const auto& r : ranges) {
            parsed.push_back(Range{bound_from_json(type, member(r, "low")), bound_from_json(type, member(r, "high"))});
        }
        Domain d(std::move(type), null_allowed.get<bool>(), std::move(parsed));
        d.normalize();  // never trust the sender's ordering
        return d;
    });
}

// ---- Constraint

json Constraint::to_json() const {
    json domains = json::object();
    for (const auto& [column, domain] : domains_) domains[column] = domain.to_json();
    return json{{"none", none_}, {"domains", std::move(domains)}};
}

Constraint Constraint::from_json(const json& j) {
    return guarded([&] {
        Constraint c;
        if (!j.is_object()) bad("constraint must be an object");
        if (auto it = j.find("domains"); it != j.end()) {
            if (!it->is_object()) bad("\"domains\" must be an object");
            for (const auto& [column, domain] : it->items()) c.add(column, Domain::from_json(domain));
        }
        if (auto it = j.find("none"); it != j.end() && it->is_boolean() && it->get<bool>()) c.none_ = true;
        return c;
    });
}

}  // namespace fedq
