// The Constraint/Domain model used to push filters into connectors (Athena's ValueSet, Trino's
// TupleDomain). A Constraint is a conjunction of per-column Domains; a Domain is the set of values a
// column may take: a sorted list of disjoint ranges plus whether NULL is allowed. A column without a
// Domain is unconstrained. Constraints serialize to JSON for out-of-process connectors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "types/value.h"

namespace fedq {

struct Bound {
    std::optional<Value> value;  // nullopt = unbounded
    bool inclusive = true;
};

struct Range {
    Bound low;
    Bound high;
    static Range point(Value v) { return Range{{v, true}, {v, true}}; }
    static Range all() { return Range{{std::nullopt, false}, {std::nullopt, false}}; }
    bool is_point() const;
    bool contains(const Value& v) const;
};

class Domain {
public:
    // Everything, including NULL.
    static Domain all(Type type);
    static Domain none(Type type);                           // no value at all (contradiction)
    static Domain only_null(Type type);                       // IS NULL
    static Domain not_null(Type type);                        // IS NOT NULL
    static Domain values(Type type, std::vector<Value> values);  // IN (...)
    static Domain range(Type type, Range range);              // a < x <= b ...

    const Type& type() const { return type_; }
    bool null_allowed() const { return null_allowed_; }
    const std::vector<Range>& ranges() const { return ranges_; }  // sorted, disjoint
    bool is_all() const;
    bool is_none() const { return !null_allowed_ && ranges_.empty(); }
    bool is_single_value() const;
    // If every range is a point: the values (for IN-list pushdown).
    std::optional<std::vector<Value>> discrete_values() const;

    bool contains(const Value& v) const;
    Domain intersect(const Domain& other) const;
    Domain union_with(const Domain& other) const;

    std::string to_string() const;  // "[2024-01-01, +inf) OR NULL"
    nlohmann::json to_json() const;
    static Domain from_json(const nlohmann::json& j);

private:
    Domain(Type type, bool null_allowed, std::vector<Range> ranges)
        : type_(std::move(type)), null_allowed_(null_allowed), ranges_(std::move(ranges)) {}
    void normalize();

    Type type_;
    bool null_allowed_ = true;
    std::vector<Range> ranges_;
};

// Conjunction of column domains, keyed by column name (as the connector named it).
class Constraint {
public:
    bool is_all() const { return domains_.empty() && !none_; }
    bool is_none() const { return none_; }
    const std::map<std::string, Domain>& domains() const { return domains_; }
    const Domain* find(const std::string& column) const;
    // Intersects with what is already there.
    void add(const std::string& column, const Domain& domain);
    std::string to_string() const;
    nlohmann::json to_json() const;
    static Constraint from_json(const nlohmann::json& j);

private:
    std::map<std::string, Domain> domains_;
    bool none_ = false;
};

nlohmann::json value_to_json(const Value& v);
Value value_from_json(const nlohmann::json& j);
nlohmann::json type_to_json(const Type& t);
Type type_from_json(const nlohmann::json& j);

}  // namespace fedq
