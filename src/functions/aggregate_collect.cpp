// Collecting aggregates: array_agg(x) (keeps NULL elements, as Trino does) and string_agg(x, sep) /
// listagg(x, sep). Both depend on input order (order_sensitive).
#include <memory>

#include "functions/aggregate_kernel.h"

namespace fedq {

namespace {

struct ArrayState {
    std::unique_ptr<Column> elements;  // created on the first row
};

inline Column& elements_of(ArrayState& s, const Type& type) {
    if (!s.elements) s.elements = std::make_unique<Column>(type);
    return *s.elements;
}

std::optional<BoundAggregateFunction> bind_array_agg(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = types;
    f.return_type = Type::array(types[0]);
    f.order_sensitive = true;
    set_state_lifecycle<ArrayState>(f);
    Type type = types[0];
    if (type.is_variable_width()) {
        f.update = [type](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            const Column& column = *args[0];
            for (size_t r = 0; r < rows; ++r) {
                Column& elements = elements_of(state_at<ArrayState>(states[r]), type);
                if (column.is_null(r)) elements.append_null();
                else elements.append_string(column.string_at(r));
            }
        };
    } else if (!visit_fixed(type, [&]<typename T>() {
                   f.update = [type](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
                       const Column& column = *args[0];
                       const T* values = column.values<T>();
                       const uint8_t* validity = column.validity();
                       for (size_t r = 0; r < rows; ++r) {
                           Column& elements = elements_of(state_at<ArrayState>(states[r]), type);
                           if (validity && !validity[r]) elements.append_null();
                           else elements.append<T>(values[r]);
                       }
                   };
               })) {
        f.update = [type](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            const Column& column = *args[0];
            for (size_t r = 0; r < rows; ++r) elements_of(state_at<ArrayState>(states[r]), type).append_from(column, r);
        };
    }
    f.combine = [type](uint8_t* target, const uint8_t* source) {
        const auto& s = state_at<ArrayState>(source);
        if (!s.elements || s.elements->size() == 0) return;
        elements_of(state_at<ArrayState>(target), type).append_range(*s.elements, 0, s.elements->size());
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<ArrayState>(state);
        if (!s.elements || s.elements->size() == 0) return out.append_null();
        append_array_row(out, *s.elements);
    };
    return f;
}

struct TextState {
    std::string text;
    bool has = false;
};

std::optional<BoundAggregateFunction> bind_string_agg(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (types.empty() || types.size() > 2) return std::nullopt;
    for (const auto& type : types) {
        if (!type.is_string() && type.id() != TypeId::kNull) return std::nullopt;
    }
    std::string separator;
    if (types.size() == 2) {
        if (constants.size() < 2 || !constants[1]) {
            raise(ErrorCode::kInvalidParameter, "the separator of string_agg / listagg must be a constant");
        }
        if (!constants[1]->is_null()) separator = constants[1]->as_string();
    }
    BoundAggregateFunction f;
    f.arg_types.assign(types.size(), Type::varchar());
    f.return_type = Type::varchar();
    f.order_sensitive = true;
    set_state_lifecycle<TextState>(f);
    f.update = [separator](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        for_each_valid_string<TextState>(states, *args[0], rows, [&](TextState& s, std::string_view v, size_t) {
            if (s.has) s.text += separator;
            s.text += v;
            s.has = true;
        });
    };
    f.combine = [separator](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<TextState>(target);
        const auto& s = state_at<TextState>(source);
        if (!s.has) return;
        if (t.has) t.text += separator;
        t.text += s.text;
        t.has = true;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<TextState>(state);
        if (s.has) out.append_string(s.text);
        else out.append_null();
    };
    return f;
}

}  // namespace

void register_collect_aggregates(FunctionRegistry& registry) {
    add_aggregate_family(registry, "array_agg", bind_array_agg, "array of the values of x, NULLs included");
    add_aggregate_family(registry, "string_agg", bind_string_agg,
                         "concatenation of the non-NULL values of x separated by sep");
    add_aggregate_family(registry, "listagg", bind_string_agg,
                         "concatenation of the non-NULL values of x separated by sep");
}

}  // namespace fedq
