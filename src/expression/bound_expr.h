// Bound, typed expressions: the binder's output and the executor's input. Columns are referred to by a
// query-wide ColumnId until the physical planner resolves them to positions in the input batch.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "functions/function.h"
#include "types/value.h"

namespace fedq {

using ColumnId = uint32_t;

enum class BoundExprKind : uint8_t {
    kColumn,       // column_id (logical) / column_index (physical)
    kConstant,     // constant
    kFunction,     // scalar function call: function, children = args
    kCast,         // children[0] cast to type; try_cast
    kAnd,          // children (>= 2), three-valued
    kOr,
    kNot,
    kIsNull,       // children[0] IS NULL (negated: IS NOT NULL)
    kIsDistinct,   // children[0] IS DISTINCT FROM children[1] (negated: IS NOT DISTINCT FROM)
    kCase,         // children = when0, then0, when1, then1, ..., [else] ; has_else
    kInList,       // children[0] IN (children[1..]) ; negated
    kAggregate,    // only during binding: aggregate call (replaced by a column before execution)
    kWindow,       // only during binding: window call
    kSubquery,     // only during binding: placeholder resolved by the planner
    // Lambdas of the array functions: kLambdaCall `name`(children) is transform / filter / reduce /
    // any_match / all_match / none_match / zip_with, whose children are the array (and other value)
    // arguments followed by kLambda nodes. A kLambda's children[0] is its body, in which the parameters
    // are kLambdaParameter nodes numbered by lambda_slot (0.. across nested lambdas, so an inner body
    // can use an outer lambda's parameters). The evaluator runs a body once over all array elements of a
    // batch (see evaluator.h).
    kLambdaCall,
    kLambda,           // lambda_slot = slot of its first parameter
    kLambdaParameter,  // lambda_slot = the parameter's slot
};

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

struct BoundExpr {
    BoundExprKind kind = BoundExprKind::kConstant;
    Type type;
    ColumnId column_id = 0;
    size_t column_index = 0;
    Value constant;
    std::shared_ptr<const BoundScalarFunction> function;
    std::vector<BoundExprPtr> children;
    bool try_cast = false;
    bool negated = false;
    bool has_else = false;
    std::string name;  // display name for columns / functions
    int aggregate_index = -1;  // kAggregate / kWindow / kSubquery: index into the binder's lists
    int lambda_slot = -1;      // kLambda / kLambdaParameter

    static BoundExprPtr column(ColumnId id, Type type, std::string name);
    static BoundExprPtr constant_value(Value v);
    static BoundExprPtr make(BoundExprKind kind, Type type, std::vector<BoundExprPtr> children);

    BoundExprPtr clone() const;
    bool equals(const BoundExpr& other) const;
    std::string to_string() const;  // for EXPLAIN
    bool is_constant() const { return kind == BoundExprKind::kConstant; }
    bool is_deterministic() const;
    // Every column id referenced.
    void collect_columns(std::vector<ColumnId>& out) const;
    bool references_only(const std::vector<ColumnId>& ids) const;
    // Every column reference is in `ids` (true for an expression without column references).
    bool references_only(const std::set<ColumnId>& ids) const;
};

// Splits a predicate into its AND-ed parts (moving them out of `predicate`).
void split_conjuncts(BoundExprPtr predicate, std::vector<BoundExprPtr>& out);
// ANDs the parts together (nullptr when empty).
BoundExprPtr make_conjunction(std::vector<BoundExprPtr> parts);

}  // namespace fedq
