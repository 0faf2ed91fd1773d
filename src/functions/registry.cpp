#include "functions/function.h"

#include <algorithm>

#include "common/error.h"

namespace fedq {

const FunctionRegistry& FunctionRegistry::instance() {
    static const FunctionRegistry registry = [] {
        FunctionRegistry r;
        register_arithmetic_functions(r);
        register_comparison_functions(r);
        register_string_functions(r);
        register_math_functions(r);
        register_datetime_functions(r);
        register_conditional_functions(r);
        register_regexp_functions(r);
        register_json_functions(r);
        register_array_functions(r);
        register_aggregate_functions(r);
        register_internal_aggregates(r);
        register_misc_functions(r);
        return r;
    }();
    return registry;
}

void FunctionRegistry::add_scalar(const std::string& name, ScalarBinder binder, std::string description) {
    scalars_[name].push_back(std::move(binder));
    if (!description.empty()) descriptions_[name] = std::move(description);
}

void FunctionRegistry::add_aggregate(const std::string& name, AggregateBinder binder, std::string description) {
    aggregates_[name].push_back(std::move(binder));
    if (!description.empty()) descriptions_[name] = std::move(description);
}

void FunctionRegistry::add_alias(const std::string& alias, const std::string& name) { aliases_[alias] = name; }

std::string FunctionRegistry::canonical(const std::string& name) const {
    auto it = aliases_.find(name);
    return it == aliases_.end() ? name : it->second;
}

bool FunctionRegistry::has_scalar(const std::string& name) const { return scalars_.count(canonical(name)) > 0; }
bool FunctionRegistry::has_aggregate(const std::string& name) const {
    return aggregates_.count(canonical(name)) > 0;
}

bool FunctionRegistry::is_window_function(const std::string& name) const {
    static const char* kWindow[] = {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
                                    "lag", "lead", "first_value", "last_value", "nth_value"};
    return std::any_of(std::begin(kWindow), std::end(kWindow), [&](const char* w) { return name == w; });
}

static std::string signature(const std::string& name, const std::vector<Type>& types) {
    std::string out = name + "(";
    for (size_t i = 0; i < types.size(); ++i) {
        if (i) out += ", ";
        out += types[i].to_string();
    }
    return out + ")";
}

BoundScalarFunction FunctionRegistry::bind_scalar(const std::string& name, const std::vector<Type>& arg_types,
                                                  const ConstantArgs& constants) const {
    auto it = scalars_.find(canonical(name));
    if (it == scalars_.end()) {
        if (has_aggregate(name)) raise(ErrorCode::kGrouping, "aggregate function {} is not allowed here", name);
        raise(ErrorCode::kUndefinedFunction, "function {} does not exist", name);
    }
    for (const auto& binder : it->second) {
        if (auto bound = binder(arg_types, constants)) {
            if (bound->name.empty()) bound->name = name;
            return std::move(*bound);
        }
    }
    raise(ErrorCode::kUndefinedFunction, "unexpected parameters for function: {}", signature(name, arg_types));
}

BoundAggregateFunction FunctionRegistry::bind_aggregate(const std::string& name, const std::vector<Type>& arg_types,
                                                        const ConstantArgs& constants, bool distinct) const {
    auto it = aggregates_.find(canonical(name));
    if (it == aggregates_.end()) raise(ErrorCode::kUndefinedFunction, "aggregate function {} does not exist", name);
    for (const auto& binder : it->second) {
        if (auto bound = binder(arg_types, constants, distinct)) {
            if (bound->name.empty()) bound->name = name;
            return std::move(*bound);
        }
    }
    raise(ErrorCode::kUndefinedFunction, "unexpected parameters for aggregate function: {}", signature(name, arg_types));
}

std::vector<FunctionRegistry::Entry> FunctionRegistry::list() const {
    std::vector<Entry> out;
    auto describe = [&](const std::string& n) {
        auto d = descriptions_.find(n);
        return d == descriptions_.end() ? std::string() : d->second;
    };
    for (const auto& [n, _] : scalars_) {
        if (n[0] != '$') out.push_back({n, "scalar", describe(n)});
    }
    for (const auto& [n, _] : aggregates_) if (n[0] != '$') out.push_back({n, "aggregate", describe(n)});
    static const char* kWindow[] = {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
                                    "lag", "lead", "first_value", "last_value", "nth_value"};
    for (const char* w : kWindow) out.push_back({w, "window", ""});
    for (const auto& [a, n] : aliases_) out.push_back({a, has_aggregate(n) ? "aggregate" : "scalar", "alias of " + n});
    std::sort(out.begin(), out.end(), [](const Entry& x, const Entry& y) { return x.name < y.name; });
    return out;
}

}  // namespace fedq
