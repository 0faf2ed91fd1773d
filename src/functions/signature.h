// Signature matching for the binders of the text, date/time, regexp, JSON and array function families:
// which actual argument types a declared parameter type accepts (the binder then asks the engine to
// cast to the declared type), and a one-line way to register a function with a fixed signature.
//
// The accepted implicit conversions are the safe widening subset of Trino's coercions: NULL to
// anything, narrower integers to wider ones, integers / REAL / DECIMAL to DOUBLE, VARCHAR <-> JSON
// where a JSON argument is expected, and DATE to TIMESTAMP.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "functions/function.h"

namespace fedq {

inline int integer_rank(TypeId id) {
    switch (id) {
        case TypeId::kTinyInt: return 1;
        case TypeId::kSmallInt: return 2;
        case TypeId::kInteger: return 3;
        case TypeId::kBigInt: return 4;
        default: return 0;
    }
}

// True if an argument of type `from` may be passed where `to` is declared.
inline bool accepts(const Type& to, const Type& from) {
    if (from == to || from.id() == TypeId::kNull) return true;
    const TypeId t = to.id(), f = from.id();
    if (integer_rank(t) && integer_rank(f)) return integer_rank(f) <= integer_rank(t);
    if (t == TypeId::kDouble) return from.is_numeric();
    if (t == TypeId::kJson) return f == TypeId::kVarchar;
    if (t == TypeId::kTimestamp) return f == TypeId::kDate;
    if (t == TypeId::kArray && f == TypeId::kArray) return accepts(to.element(), from.element());
    return false;
}

inline bool matches(const std::vector<Type>& actual, const std::vector<Type>& declared) {
    if (actual.size() != declared.size()) return false;
    for (size_t i = 0; i < actual.size(); ++i) {
        if (!accepts(declared[i], actual[i])) return false;
    }
    return true;
}

inline BoundScalarFunction make_bound(std::vector<Type> arg_types, Type return_type, ScalarKernel kernel,
                                      bool propagates_nulls = true, bool deterministic = true) {
    BoundScalarFunction bound;
    bound.arg_types = std::move(arg_types);
    bound.return_type = std::move(return_type);
    bound.kernel = std::move(kernel);
    bound.propagates_nulls = propagates_nulls;
    bound.deterministic = deterministic;
    return bound;
}

// A binder for one fixed signature whose kernel needs no bind-time work.
inline ScalarBinder fixed_signature(std::vector<Type> declared, Type return_type, ScalarKernel kernel,
                                    bool propagates_nulls = true) {
    return [declared = std::move(declared), return_type = std::move(return_type), kernel = std::move(kernel),
            propagates_nulls](const std::vector<Type>& actual,
                              const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (!matches(actual, declared)) return std::nullopt;
        return make_bound(declared, return_type, kernel, propagates_nulls);
    };
}

// The constant string argument `index`, if the argument is a non-NULL constant.
inline const std::string* constant_string(const ConstantArgs& constants, size_t index) {
    if (index >= constants.size() || !constants[index] || constants[index]->is_null()) return nullptr;
    const TypeId id = constants[index]->type().id();
    if (id != TypeId::kVarchar && id != TypeId::kJson && id != TypeId::kVarbinary) return nullptr;
    return &constants[index]->as_string();
}

// Appends one BIGINT/INTEGER/... per row computed by `f(row)`; the column must be fixed-width type T.
template <typename T, typename F>
void fill_rows(Column& out, size_t rows, F&& f) {
    const size_t base = out.size();
    out.resize(base + rows);
    T* values = out.values<T>() + base;
    for (size_t row = 0; row < rows; ++row) values[row] = f(row);
}

}  // namespace fedq
