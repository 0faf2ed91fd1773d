// min, max (every orderable type) and min_by / max_by. Fixed-width values are kept in the state as their
// physical type, strings as an owned std::string (copied only when the extreme changes), nested values as
// a Value.
#include "functions/aggregate_kernel.h"

namespace fedq {

namespace {

template <typename T>
struct FixedExtreme {
    T value{};
    bool has = false;
};

struct StringExtreme {
    std::string value;
    bool has = false;
};

struct ValueExtreme {
    Value value;
    bool has = false;
};

// Is `candidate` better than `current` (strictly: ties keep the first seen)?
template <bool kMax, typename T>
inline bool better(const T& candidate, const T& current) {
    if constexpr (kMax) return value_less(current, candidate);
    else return value_less(candidate, current);
}

template <bool kMax>
inline bool better_value(const Value& candidate, const Value& current) {
    int c = candidate.compare(current);
    return kMax ? c > 0 : c < 0;
}

template <bool kMax, typename T>
void bind_fixed_extreme(BoundAggregateFunction& f) {
    using State = FixedExtreme<T>;
    set_state_lifecycle<State>(f);
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        for_each_valid<T, State>(states, *args[0], rows, [](State& s, const T& v, size_t) {
            if (!s.has || better<kMax>(v, s.value)) {
                s.value = v;
                s.has = true;
            }
        });
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<State>(target);
        const auto& s = state_at<State>(source);
        if (s.has && (!t.has || better<kMax>(s.value, t.value))) t = s;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<State>(state);
        if (s.has) out.append<T>(s.value);
        else out.append_null();
    };
}

template <bool kMax>
void bind_string_extreme(BoundAggregateFunction& f) {
    set_state_lifecycle<StringExtreme>(f);
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        for_each_valid_string<StringExtreme>(states, *args[0], rows, [](StringExtreme& s, std::string_view v, size_t) {
            if (!s.has || (kMax ? std::string_view(s.value) < v : v < std::string_view(s.value))) {
                s.value.assign(v);
                s.has = true;
            }
        });
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<StringExtreme>(target);
        const auto& s = state_at<StringExtreme>(source);
        if (s.has && (!t.has || (kMax ? t.value < s.value : s.value < t.value))) t = s;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<StringExtreme>(state);
        if (s.has) out.append_string(s.value);
        else out.append_null();
    };
}

template <bool kMax>
void bind_value_extreme(BoundAggregateFunction& f) {
    set_state_lifecycle<ValueExtreme>(f);
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        const Column& column = *args[0];
        for (size_t r = 0; r < rows; ++r) {
            if (column.is_null(r)) continue;
            auto& s = state_at<ValueExtreme>(states[r]);
            Value v = column.value_at(r);
            if (!s.has || better_value<kMax>(v, s.value)) {
                s.value = std::move(v);
                s.has = true;
            }
        }
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<ValueExtreme>(target);
        const auto& s = state_at<ValueExtreme>(source);
        if (s.has && (!t.has || better_value<kMax>(s.value, t.value))) t = s;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<ValueExtreme>(state);
        if (s.has) out.append_value(s.value);
        else out.append_null();
    };
}

template <bool kMax>
std::optional<BoundAggregateFunction> bind_extreme(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1 || !is_orderable(types[0])) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = types;
    f.return_type = types[0];
    if (types[0].is_variable_width()) {
        bind_string_extreme<kMax>(f);
    } else if (!visit_fixed(types[0], [&]<typename T>() { bind_fixed_extreme<kMax, T>(f); })) {
        bind_value_extreme<kMax>(f);
    }
    return f;
}

// ---- min_by(x, y) / max_by(x, y): x at the row with the smallest / largest y. Rows with NULL y are
// ignored; x may be NULL. The key y is kept in its physical type; x as a Value, copied on improvement.

template <typename Key>
struct ByState {
    Key key{};
    Value x;
    bool has = false;
};

template <bool kMax, typename Key>
void bind_by_common(BoundAggregateFunction& f) {
    using State = ByState<Key>;
    set_state_lifecycle<State>(f);
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<State>(target);
        const auto& s = state_at<State>(source);
        if (!s.has) return;
        bool take;
        if constexpr (std::is_same_v<Key, Value>) take = !t.has || better_value<kMax>(s.key, t.key);
        else if constexpr (std::is_same_v<Key, std::string>) take = !t.has || (kMax ? t.key < s.key : s.key < t.key);
        else take = !t.has || better<kMax>(s.key, t.key);
        if (take) t = s;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<State>(state);
        if (s.has) out.append_value(s.x);
        else out.append_null();
    };
}

template <bool kMax>
std::optional<BoundAggregateFunction> bind_by(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2 || !is_orderable(types[1])) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = types;
    f.return_type = types[0];
    const Type& key_type = types[1];
    if (key_type.is_variable_width()) {
        using State = ByState<std::string>;
        bind_by_common<kMax, std::string>(f);
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            const Column& x = *args[0];
            for_each_valid_string<State>(states, *args[1], rows, [&](State& s, std::string_view key, size_t r) {
                if (!s.has || (kMax ? std::string_view(s.key) < key : key < std::string_view(s.key))) {
                    s.key.assign(key);
                    s.x = x.value_at(r);
                    s.has = true;
                }
            });
        };
    } else if (!visit_fixed(key_type, [&]<typename T>() {
                   using State = ByState<T>;
                   bind_by_common<kMax, T>(f);
                   f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
                       const Column& x = *args[0];
                       for_each_valid<T, State>(states, *args[1], rows, [&](State& s, const T& key, size_t r) {
                           if (!s.has || better<kMax>(key, s.key)) {
                               s.key = key;
                               s.x = x.value_at(r);
                               s.has = true;
                           }
                       });
                   };
               })) {
        using State = ByState<Value>;
        bind_by_common<kMax, Value>(f);
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            const Column& x = *args[0];
            const Column& keys = *args[1];
            for (size_t r = 0; r < rows; ++r) {
                if (keys.is_null(r)) continue;
                auto& s = state_at<State>(states[r]);
                Value key = keys.value_at(r);
                if (!s.has || better_value<kMax>(key, s.key)) {
                    s.key = std::move(key);
                    s.x = x.value_at(r);
                    s.has = true;
                }
            }
        };
    }
    return f;
}

}  // namespace

void register_min_max_aggregates(FunctionRegistry& registry) {
    add_aggregate_family(registry, "min", bind_extreme<false>, "smallest non-NULL value of x", true);
    add_aggregate_family(registry, "max", bind_extreme<true>, "largest non-NULL value of x", true);
    add_aggregate_family(registry, "min_by", bind_by<false>, "value of x at the row with the smallest y", true);
    add_aggregate_family(registry, "max_by", bind_by<true>, "value of x at the row with the largest y", true);
}

}  // namespace fedq
