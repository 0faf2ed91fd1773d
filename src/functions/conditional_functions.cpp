// Conditional functions: coalesce, nullif, if, greatest, least. They handle NULLs themselves
// (propagates_nulls = false) and work on the common super type of their value arguments.
//
// Most of them choose, per row, which argument column supplies the result; `select_rows` then copies
// the chosen values with one tight loop per physical width.
#include <cmath>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_templates.h"

namespace fedq {

namespace {

constexpr int32_t kNoSource = -1;

template <typename T>
void select_fixed(const std::vector<const Column*>& sources, const int32_t* choice, size_t rows, Column& out) {
    std::vector<const T*> values(sources.size());
    for (size_t s = 0; s < sources.size(); ++s) values[s] = sources[s]->values<T>();
    T* o = kernel::append_slots<T>(out, rows);
    for (size_t i = 0; i < rows; ++i) o[i] = choice[i] >= 0 ? values[choice[i]][i] : T{};
}

// out[i] = sources[choice[i]][i]; NULL where choice[i] < 0 or the chosen value is NULL.
void select_rows(const std::vector<const Column*>& sources, std::vector<int32_t>& choice, size_t rows, Column& out) {
    const size_t base = out.size();
    bool any_null = false;
    for (size_t i = 0; i < rows; ++i) {
        if (choice[i] >= 0 && sources[choice[i]]->is_null(i)) choice[i] = kNoSource;
        any_null |= choice[i] < 0;
    }
    const Type& type = out.type();
    if (type.is_variable_width()) {
        for (size_t i = 0; i < rows; ++i) {
            out.append_string(choice[i] >= 0 ? sources[choice[i]]->string_at(i) : std::string_view());
        }
    } else if (type.is_nested()) {
        for (size_t i = 0; i < rows; ++i) {
            if (choice[i] >= 0) out.append_from(*sources[choice[i]], i);
            else out.append_null();
        }
        return;
    } else {
        switch (type.fixed_width()) {
            case 1: select_fixed<uint8_t>(sources, choice.data(), rows, out); break;
            case 2: select_fixed<uint16_t>(sources, choice.data(), rows, out); break;
            case 4: select_fixed<uint32_t>(sources, choice.data(), rows, out); break;
            case 8: select_fixed<uint64_t>(sources, choice.data(), rows, out); break;
            case 16: select_fixed<int128_t>(sources, choice.data(), rows, out); break;
            default: raise(ErrorCode::kInternal, "unexpected width for {}", type.to_string());
        }
    }
    if (any_null || type.id() == TypeId::kNull) {
        uint8_t* validity = out.mutable_validity() + base;
        for (size_t i = 0; i < rows; ++i) validity[i] = choice[i] >= 0 && type.id() != TypeId::kNull;
    }
}

std::optional<Type> super_type_of(const std::vector<Type>& types, size_t first = 0) {
    if (types.size() <= first) return std::nullopt;
    Type result = types[first];
    for (size_t i = first + 1; i < types.size(); ++i) {
        auto next = common_super_type(result, types[i]);
        if (!next) return std::nullopt;
        result = *next;
    }
    return result;
}

BoundScalarFunction make_conditional(std::vector<Type> arg_types, Type return_type, ScalarKernel kernel) {
    BoundScalarFunction bound;
    bound.arg_types = std::move(arg_types);
    bound.return_type = std::move(return_type);
    bound.propagates_nulls = false;
    bound.kernel = std::move(kernel);
    return bound;
}

std::optional<BoundScalarFunction> bind_coalesce(const std::vector<Type>& types, const ConstantArgs&) {
    auto super = super_type_of(types);
    if (!super) return std::nullopt;
    return make_conditional(std::vector<Type>(types.size(), *super), *super, [](const ScalarArgs& args, Column& out) {
        std::vector<int32_t> choice(args.rows, kNoSource);
        for (size_t c = args.columns.size(); c-- > 0;) {
            const Column& column = *args.columns[c];
            if (!column.has_nulls()) {
                std::fill(choice.begin(), choice.end(), static_cast<int32_t>(c));
                continue;
            }
            const uint8_t* validity = column.validity();
            for (size_t i = 0; i < args.rows; ++i) choice[i] = validity[i] ? static_cast<int32_t>(c) : choice[i];
        }
        select_rows(args.columns, choice, args.rows, out);
    });
}

std::optional<BoundScalarFunction> bind_if(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2 && types.size() != 3) return std::nullopt;
    if (types[0].id() != TypeId::kBoolean && types[0].id() != TypeId::kNull) return std::nullopt;
    auto super = super_type_of(types, 1);
    if (!super) return std::nullopt;
    std::vector<Type> arg_types(types.size(), *super);
    arg_types[0] = Type::boolean();
    return make_conditional(std::move(arg_types), *super, [](const ScalarArgs& args, Column& out) {
        const Column& condition = *args.columns[0];
        const uint8_t* value = condition.values<uint8_t>();
        const int32_t otherwise = args.columns.size() == 3 ? 1 : kNoSource;
        std::vector<int32_t> choice(args.rows);
        for (size_t i = 0; i < args.rows; ++i) choice[i] = (condition.is_valid(i) && value[i]) ? 0 : otherwise;
        std::vector<const Column*> sources(args.columns.begin() + 1, args.columns.end());
        select_rows(sources, choice, args.rows, out);
    });
}

std::optional<BoundScalarFunction> bind_nullif(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (types.size() != 2) return std::nullopt;
    if (!common_super_type(types[0], types[1])) return std::nullopt;
    BoundScalarFunction equal = FunctionRegistry::instance().bind_scalar("$eq", types, constants);
    const Type result = types[0];
    return make_conditional(types, result, [equal](const ScalarArgs& args, Column& out) {
        // Compare in the common super type, return the first argument unchanged.
        std::vector<Column> casted;
        casted.reserve(2);
        ScalarArgs compare_args{{}, args.rows, args.context};
        for (size_t c = 0; c < 2; ++c) {
            if (args.columns[c]->type() == equal.arg_types[c]) {
                compare_args.columns.push_back(args.columns[c]);
            } else {
                casted.emplace_back(equal.arg_types[c]);
                cast_column(*args.columns[c], equal.arg_types[c], casted.back(), false, args.context);
                compare_args.columns.push_back(&casted.back());
            }
        }
        Column equals(Type::boolean());
        equal.kernel(compare_args, equals);
        const uint8_t* eq = equals.values<uint8_t>();
        std::vector<int32_t> choice(args.rows);
        for (size_t i = 0; i < args.rows; ++i) {
            const bool same = args.columns[0]->is_valid(i) && args.columns[1]->is_valid(i) && eq[i];
            choice[i] = same ? kNoSource : 0;
        }
        select_rows({args.columns[0]}, choice, args.rows, out);
    });
}

// ---------------------------------------------------------------- greatest / least

template <typename F>
inline bool float_less(F x, F y) {
    return (x < y) | (!std::isnan(x) & std::isnan(y));
}

template <bool kGreatest, typename T>
void extreme_fixed(const ScalarArgs& args, Column& out) {
    T* o = kernel::append_slots<T>(out, args.rows);
    const T* first = args.columns[0]->values<T>();
    std::copy(first, first + args.rows, o);
    for (size_t c = 1; c < args.columns.size(); ++c) {
        const T* x = args.columns[c]->values<T>();
        for (size_t i = 0; i < args.rows; ++i) {
            bool better;
            if constexpr (std::is_floating_point_v<T>) better = kGreatest ? float_less(o[i], x[i]) : float_less(x[i], o[i]);
            else better = kGreatest ? o[i] < x[i] : x[i] < o[i];
            o[i] = better ? x[i] : o[i];
        }
    }
}

// Types without a flat ordering (strings, intervals, nested): pick the source column per row.
template <bool kGreatest>
void extreme_generic(const ScalarArgs& args, Column& out) {
    std::vector<int32_t> choice(args.rows, 0);
    const bool strings = out.type().is_variable_width();
    for (size_t c = 1; c < args.columns.size(); ++c) {
        const Column& candidate = *args.columns[c];
        for (size_t i = 0; i < args.rows; ++i) {
            const Column& best = *args.columns[choice[i]];
            int order = strings ? kernel::compare_bytes(candidate.string_at(i), best.string_at(i))
                                : (candidate.is_valid(i) && best.is_valid(i)
                                       ? candidate.value_at(i).compare(best.value_at(i))
                                       : 0);
            if (kGreatest ? order > 0 : order < 0) choice[i] = static_cast<int32_t>(c);
        }
    }
    select_rows(args.columns, choice, args.rows, out);
}

template <bool kGreatest>
std::optional<BoundScalarFunction> bind_extreme(const std::vector<Type>& types, const ConstantArgs&) {
    auto super = super_type_of(types);
    if (!super) return std::nullopt;
    const Type t = *super;
    ScalarKernel body;
    switch (t.id()) {
        case TypeId::kBoolean: body = extreme_fixed<kGreatest, uint8_t>; break;
        case TypeId::kTinyInt: body = extreme_fixed<kGreatest, int8_t>; break;
        case TypeId::kSmallInt: body = extreme_fixed<kGreatest, int16_t>; break;
        case TypeId::kInteger:
        case TypeId::kDate: body = extreme_fixed<kGreatest, int32_t>; break;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: body = extreme_fixed<kGreatest, int64_t>; break;
        case TypeId::kReal: body = extreme_fixed<kGreatest, float>; break;
        case TypeId::kDouble: body = extreme_fixed<kGreatest, double>; break;
        case TypeId::kDecimal: body = extreme_fixed<kGreatest, int128_t>; break;
        case TypeId::kNull: body = [](const ScalarArgs& args, Column& out) {
            for (size_t i = 0; i < args.rows; ++i) out.append_null();
        }; break;
        default: body = extreme_generic<kGreatest>;
    }
    return make_conditional(std::vector<Type>(types.size(), t), t, [body](const ScalarArgs& args, Column& out) {
        const size_t base = out.size();
        body(args, out);
        // NULL if any argument is NULL (Trino).
        kernel::merge_validity(args.columns, out, base, args.rows);
    });
}

}  // namespace

void register_conditional_functions(FunctionRegistry& registry) {
    registry.add_scalar("coalesce", bind_coalesce, "coalesce(a, b, ...): the first non-NULL argument");
    registry.add_scalar("nullif", bind_nullif, "nullif(a, b): NULL if a = b, else a");
    registry.add_scalar("if", bind_if, "if(condition, a[, b]): a if condition is true, else b (or NULL)");
    registry.add_scalar("greatest", bind_extreme<true>, "greatest(a, b, ...): the largest argument; NULL if any is NULL");
    registry.add_scalar("least", bind_extreme<false>, "least(a, b, ...): the smallest argument; NULL if any is NULL");
}

}  // namespace fedq
