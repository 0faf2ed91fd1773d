// Scalar and aggregate functions, registered by name in one FunctionRegistry.
//
// A function is registered with a *binder* callback: given the argument types (and the values of
// arguments that are constants), it either declines (returns nullopt: "no matching overload") or
// returns a bound function that says which types its arguments must be cast to, its return type and
// the vectorized kernel. This handles overloads, generic functions (coalesce, greatest, array
// functions) and per-call precomputation (a constant regex compiled once) in one mechanism.
//
// To add a function: write its binder/kernel in the file for its family (string_functions.cpp, ...)
// and add one `registry.add_scalar(...)` line to that file's register_* function.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "types/value.h"
#include "vector/column.h"

namespace fedq {

// Per-query facts functions may need.
struct FunctionContext {
    int64_t query_start_micros = 0;  // now(), current_timestamp, current_date (UTC)
    std::string time_zone = "UTC";
};

struct ScalarArgs {
    std::vector<const Column*> columns;  // one per argument, each `rows` long, already cast
    size_t rows = 0;
    const FunctionContext* context = nullptr;
};

// Appends exactly `args.rows` values to `out` (created empty with the return type). May throw
// fedq::Error for bad input (e.g. division by zero), naming the function.
using ScalarKernel = std::function<void(const ScalarArgs& args, Column& out)>;

struct BoundScalarFunction {
    std::string name;
    std::vector<Type> arg_types;  // the binder casts each argument to this type
    Type return_type;
    // true: the result is NULL wherever any argument is NULL; the engine applies that after the
    // kernel ran, so the kernel may compute garbage for those rows (but must not fail on them:
    // null slots hold zero / empty values). false: the kernel handles NULLs itself.
    bool propagates_nulls = true;
    bool deterministic = true;
    ScalarKernel kernel;
};

// Constant arguments known at bind time (nullopt where the argument is not a constant).
using ConstantArgs = std::vector<std::optional<Value>>;
using ScalarBinder = std::function<std::optional<BoundScalarFunction>(const std::vector<Type>& arg_types,
                                                                      const ConstantArgs& constants)>;

// Aggregates keep one fixed-size state per group in memory owned by the engine.
struct BoundAggregateFunction {
    std::string name;
    std::vector<Type> arg_types;
    Type return_type;
    size_t state_size = 8;
    size_t state_align = 8;
    // Initializes a state (placement-new into `state_size` bytes).
    std::function<void(uint8_t* state)> init;
    // For each row r < rows: folds args[*][r] into states[r]. Handles NULL arguments (usually skips).
    std::function<void(uint8_t** states, const std::vector<const Column*>& args, size_t rows)> update;
    // Folds `source` into `target` (parallel partial aggregation).
    std::function<void(uint8_t* target, const uint8_t* source)> combine;
    // Appends the final value of `state` to `out`.
    std::function<void(const uint8_t* state, Column& out)> finalize;
    // Releases anything a state owns (strings, vectors). Null when states are trivially destructible.
    std::function<void(uint8_t* state)> destroy;
    bool order_sensitive = false;  // array_agg, string_agg: result depends on input order
};

using AggregateBinder = std::function<std::optional<BoundAggregateFunction>(const std::vector<Type>& arg_types,
                                                                            const ConstantArgs& constants,
                                                                            bool distinct)>;

class FunctionRegistry {
public:
    // The registry with every built-in function. Thread-safe to read.
    static const FunctionRegistry& instance();

    void add_scalar(const std::string& name, ScalarBinder binder, std::string description = "");
    void add_aggregate(const std::string& name, AggregateBinder binder, std::string description = "");
    void add_alias(const std::string& alias, const std::string& name);

    bool has_scalar(const std::string& name) const;
    bool has_aggregate(const std::string& name) const;
    bool is_window_function(const std::string& name) const;  // row_number, rank, lag, ...

    // Throws kUndefinedFunction (42883) if the name is unknown or if every binder declines
    // ("unexpected parameters for function: f(VARCHAR, INTEGER)"), as Trino and PostgreSQL do.
    BoundScalarFunction bind_scalar(const std::string& name, const std::vector<Type>& arg_types,
                                    const ConstantArgs& constants) const;
    BoundAggregateFunction bind_aggregate(const std::string& name, const std::vector<Type>& arg_types,
                                          const ConstantArgs& constants, bool distinct) const;

    struct Entry {
        std::string name;
        std::string kind;  // "scalar", "aggregate", "window"
        std::string description;
    };
    std::vector<Entry> list() const;  // SHOW FUNCTIONS

private:
    std::string canonical(const std::string& name) const;
    std::map<std::string, std::vector<ScalarBinder>> scalars_;
    std::map<std::string, std::vector<AggregateBinder>> aggregates_;
    std::map<std::string, std::string> aliases_;
    std::map<std::string, std::string> descriptions_;
};

// Registration entry points, one per function family file.
void register_arithmetic_functions(FunctionRegistry& registry);
void register_comparison_functions(FunctionRegistry& registry);
void register_string_functions(FunctionRegistry& registry);
void register_math_functions(FunctionRegistry& registry);
void register_datetime_functions(FunctionRegistry& registry);
void register_conditional_functions(FunctionRegistry& registry);
void register_regexp_functions(FunctionRegistry& registry);
void register_json_functions(FunctionRegistry& registry);
void register_array_functions(FunctionRegistry& registry);
void register_aggregate_functions(FunctionRegistry& registry);
void register_internal_aggregates(FunctionRegistry& registry);
void register_misc_functions(FunctionRegistry& registry);

}  // namespace fedq
