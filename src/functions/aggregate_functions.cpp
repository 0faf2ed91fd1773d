// Aggregate registration entry point plus the simple aggregates: count, count_if, bool_and/every,
// bool_or, arbitrary/any_value. The other families live in aggregate_min_max.cpp,
// aggregate_numeric.cpp, aggregate_collect.cpp, aggregate_approx.cpp; DISTINCT in aggregate_distinct.cpp.
#include "functions/aggregate_kernel.h"

namespace fedq {

void add_aggregate_family(FunctionRegistry& registry, const std::string& name, PlainAggregateBinder binder,
                          std::string description, bool duplicate_insensitive) {
    registry.add_aggregate(
        name,
        [binder = std::move(binder), duplicate_insensitive](const std::vector<Type>& arg_types,
                                                            const ConstantArgs& constants,
                                                            bool distinct) -> std::optional<BoundAggregateFunction> {
            auto bound = binder(arg_types, constants);
            if (!bound || !distinct || duplicate_insensitive || bound->arg_types.empty()) return bound;
            return make_distinct(std::move(*bound));
        },
        std::move(description));
}

void append_array_row(Column& out, const Column& elements) {
    Column& child = out.children()[0];
    child.append_range(elements, 0, elements.size());
    out.data().push<int32_t>(static_cast<int32_t>(child.size()));
    out.set_size(out.size() + 1);
    if (out.has_nulls()) out.mutable_validity();  // extends the validity bytes with "valid"
}

namespace {

// ---- count(*), count(x), count_if(b)

struct CountState {
    int64_t count = 0;
};

void finalize_count(const uint8_t* state, Column& out) { out.append<int64_t>(state_at<CountState>(state).count); }
void combine_count(uint8_t* target, const uint8_t* source) {
    state_at<CountState>(target).count += state_at<CountState>(source).count;
}

std::optional<BoundAggregateFunction> bind_count(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() > 1) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = types;
    f.return_type = Type::bigint();
    set_state_lifecycle<CountState>(f);
    f.combine = combine_count;
    f.finalize = finalize_count;
    if (types.empty()) {
        f.update = [](uint8_t** states, const std::vector<const Column*>&, size_t rows) {
            for (size_t r = 0; r < rows; ++r) ++state_at<CountState>(states[r]).count;
        };
    } else {
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            const uint8_t* validity = args[0]->validity();
            if (args[0]->type().id() == TypeId::kNull) return;
            if (!validity) {
                for (size_t r = 0; r < rows; ++r) ++state_at<CountState>(states[r]).count;
            } else {
                for (size_t r = 0; r < rows; ++r) state_at<CountState>(states[r]).count += validity[r];
            }
        };
    }
    return f;
}

std::optional<BoundAggregateFunction> bind_count_if(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1 || (types[0].id() != TypeId::kBoolean && types[0].id() != TypeId::kNull)) {
        return std::nullopt;
    }
    BoundAggregateFunction f;
    f.arg_types = {Type::boolean()};
    f.return_type = Type::bigint();
    set_state_lifecycle<CountState>(f);
    f.combine = combine_count;
    f.finalize = finalize_count;
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        const Column& column = *args[0];
        const uint8_t* values = column.values<uint8_t>();
        const uint8_t* validity = column.validity();
        if (!validity) {
            for (size_t r = 0; r < rows; ++r) state_at<CountState>(states[r]).count += values[r] != 0;
        } else {
            for (size_t r = 0; r < rows; ++r) state_at<CountState>(states[r]).count += (values[r] != 0) & validity[r];
        }
    };
    return f;
}

// ---- bool_and / every, bool_or

struct BoolState {
    uint8_t has = 0;
    uint8_t value = 0;
};

template <bool kAnd>
std::optional<BoundAggregateFunction> bind_bool(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1 || (types[0].id() != TypeId::kBoolean && types[0].id() != TypeId::kNull)) {
        return std::nullopt;
    }
    BoundAggregateFunction f;
    f.arg_types = {Type::boolean()};
    f.return_type = Type::boolean();
    set_state_lifecycle<BoolState>(f);
    f.init = [](uint8_t* state) { new (state) BoolState{0, kAnd ? uint8_t(1) : uint8_t(0)}; };
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        for_each_valid<uint8_t, BoolState>(states, *args[0], rows, [](BoolState& s, uint8_t v, size_t) {
            s.has = 1;
            if constexpr (kAnd) s.value &= (v != 0);
            else s.value |= (v != 0);
        });
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<BoolState>(target);
        const auto& s = state_at<BoolState>(source);
        if (!s.has) return;
        t.has = 1;
        if constexpr (kAnd) t.value &= s.value;
        else t.value |= s.value;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<BoolState>(state);
        if (s.has) out.append<uint8_t>(s.value);
        else out.append_null();
    };
    return f;
}

// ---- arbitrary / any_value: the first non-NULL value seen (slow path runs once per group).

struct ValueState {
    Value value;
    bool has = false;
};

std::optional<BoundAggregateFunction> bind_arbitrary(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = types;
    f.return_type = types[0];
    set_state_lifecycle<ValueState>(f);
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        const Column& column = *args[0];
        if (column.type().id() == TypeId::kNull) return;
        const uint8_t* validity = column.validity();
        for (size_t r = 0; r < rows; ++r) {
            auto& s = state_at<ValueState>(states[r]);
            if (s.has || (validity && !validity[r])) continue;
            s.value = column.value_at(r);
            s.has = true;
        }
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<ValueState>(target);
        const auto& s = state_at<ValueState>(source);
        if (!t.has && s.has) {
            t.value = s.value;
            t.has = true;
        }
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<ValueState>(state);
        if (s.has) out.append_value(s.value);
        else out.append_null();
    };
    return f;
}

}  // namespace

void register_basic_aggregates(FunctionRegistry& registry) {
    add_aggregate_family(registry, "count", bind_count, "number of rows, or of non-NULL values of x");
    add_aggregate_family(registry, "count_if", bind_count_if, "number of rows where the condition is true");
    add_aggregate_family(registry, "bool_and", bind_bool<true>, "true if every non-NULL value is true", true);
    add_aggregate_family(registry, "bool_or", bind_bool<false>, "true if any non-NULL value is true", true);
    add_aggregate_family(registry, "arbitrary", bind_arbitrary, "an arbitrary non-NULL value of x", true);
    registry.add_alias("every", "bool_and");
    registry.add_alias("any_value", "arbitrary");
}

void register_aggregate_functions(FunctionRegistry& registry) {
    register_basic_aggregates(registry);
    register_min_max_aggregates(registry);
    register_numeric_aggregates(registry);
    register_collect_aggregates(registry);
    register_approx_aggregates(registry);
}

}  // namespace fedq
