// Test harness for the text / date-time / regexp / JSON / array function tests: binds a function
// through the registry and runs its kernel over columns built from Values, applying the engine's
// contract (arguments cast to the bound types, NULL propagation after the kernel).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "functions/function.h"
#include "types/datetime.h"

namespace fedq::testing {

inline Value coerce_for_test(const Value& value, const Type& to) {
    if (value.is_null()) return Value::null(to);
    if (value.type() == to) return value;
    const TypeId from = value.type().id();
    if (to.id() == TypeId::kDouble && value.type().is_integer()) return Value::double_(double(value.as_int()));
    if (to.id() == TypeId::kTimestamp && from == TypeId::kDate) {
        return Value::timestamp(value.as_int() * kMicrosPerDay);
    }
    if (to.is_nested()) {
        std::vector<Value> children;
        for (const auto& child : value.children()) children.push_back(coerce_for_test(child, to.element()));
        return Value::nested(to, std::move(children));
    }
    Column column(to);
    column.append_value(value);  // integers share int64 storage, strings share std::string storage
    return column.value_at(0);
}

struct Evaluation {
    BoundScalarFunction bound;
    std::vector<Value> results;
};

// Evaluates `name` over rows; `rows[r][i]` is argument i of row r. Arguments whose index is in
// `constant_args` are passed to the binder as constants (taken from row 0).
inline Evaluation evaluate_rows(const std::string& name, const std::vector<Type>& types,
                                const std::vector<std::vector<Value>>& rows,
                                const std::vector<size_t>& constant_args = {},
                                int64_t now_micros = 1700000000LL * 1000000) {
    ConstantArgs constants(types.size());
    for (size_t index : constant_args) constants[index] = rows.at(0).at(index);
    Evaluation evaluation;
    evaluation.bound = FunctionRegistry::instance().bind_scalar(name, types, constants);
    std::vector<Column> columns;
    for (const Type& type : evaluation.bound.arg_types) columns.emplace_back(type);
    for (const auto& row : rows) {
        for (size_t i = 0; i < columns.size(); ++i) {
            columns[i].append_value(coerce_for_test(row.at(i), evaluation.bound.arg_types[i]));
        }
    }
    FunctionContext context;
    context.query_start_micros = now_micros;
    ScalarArgs args;
    for (auto& column : columns) args.columns.push_back(&column);
    args.rows = rows.size();
    args.context = &context;
    Column out(evaluation.bound.return_type);
    evaluation.bound.kernel(args, out);
    EXPECT_EQ(out.size(), rows.size()) << name;
    for (size_t r = 0; r < rows.size(); ++r) {
        bool any_null = false;
        for (const auto& column : columns) any_null = any_null || column.is_null(r);
        if (evaluation.bound.propagates_nulls && any_null) {
            evaluation.results.push_back(Value::null(evaluation.bound.return_type));
        } else {
            evaluation.results.push_back(out.value_at(r));
        }
    }
    return evaluation;
}

// One row; every argument a constant unless `constants` is false.
inline Value call(const std::string& name, const std::vector<Value>& args, bool constants = true) {
    std::vector<Type> types;
    std::vector<size_t> constant_args;
    for (size_t i = 0; i < args.size(); ++i) {
        types.push_back(args[i].type());
        if (constants) constant_args.push_back(i);
    }
    return evaluate_rows(name, types, {args}, constant_args).results.at(0);
}

// Both ways (constant arguments and per-row arguments) must agree; returns the result.
inline Value call_both(const std::string& name, const std::vector<Value>& args) {
    Value constant = call(name, args, true);
    Value per_row = call(name, args, false);
    EXPECT_EQ(constant.to_string(), per_row.to_string()) << name;
    return constant;
}

inline Value V(const char* s) { return Value::varchar(s); }
inline Value I(int64_t v) { return Value::bigint(v); }
inline Value Null() { return Value(); }
inline Value NullOf(Type type) { return Value::null(std::move(type)); }

inline std::string text(const Value& value) { return value.to_string(); }

#define EXPECT_ERROR_CODE(statement, expected_code)                                \
    do {                                                                           \
        try {                                                                      \
            statement;                                                             \
            ADD_FAILURE() << "expected an error from " #statement;                 \
        } catch (const ::fedq::Error& error) {                                     \
            EXPECT_EQ(error.code(), expected_code) << error.message();             \
        }                                                                          \
    } while (0)

}  // namespace fedq::testing
