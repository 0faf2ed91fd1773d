// Binds AST expressions to typed BoundExprs within a Scope (with outer scopes for correlated
// subqueries). Aggregate and window calls become references to new output columns, recorded in the
// lists the caller provides; subqueries become references to columns that the Binder later produces by
// joining the subquery's plan (see PendingSubquery).
#pragma once

#include <vector>

#include "planner/binder.h"

namespace fedq {

struct PendingSubquery {
    enum class Kind { kScalar, kExists, kIn } kind = Kind::kScalar;
    LogicalPtr plan;
    BoundExprPtr operand;       // kIn: the left side (coerced)
    Type value_type;            // kScalar / kIn: type of the subquery's (coerced) first column
    ColumnId result = 0;        // column the placeholder refers to (BOOLEAN for exists/in)
    bool negated = false;       // not used for the placeholder itself (NOT wraps it), kept for EXPLAIN
    bool planned = false;
};

class ExpressionBinder {
public:
    ExpressionBinder(Binder& binder, const Scope& scope) : binder_(binder), scope_(scope) {}

    std::vector<AggregateCall>* aggregates = nullptr;  // non-null: aggregates allowed
    std::vector<WindowCall>* windows = nullptr;        // non-null: window functions allowed
    std::vector<PendingSubquery>* subqueries = nullptr;  // non-null: subqueries allowed
    const char* clause = "expression";  // for error messages: "WHERE", "GROUP BY", ...

    BoundExprPtr bind(const ast::Expr& expr);
    BoundExprPtr bind_boolean(const ast::Expr& expr);

private:
    BoundExprPtr bind_literal(const ast::LiteralExpr& e);
    BoundExprPtr bind_column(const ast::ColumnRefExpr& e);
    BoundExprPtr bind_column_exact(const ast::ColumnRefExpr& e);
    BoundExprPtr bind_binary(const ast::BinaryExpr& e);
    BoundExprPtr bind_function(const ast::FunctionExpr& e);
    BoundExprPtr bind_aggregate(const ast::FunctionExpr& e);
    BoundExprPtr bind_window(const ast::FunctionExpr& e);
    BoundExprPtr bind_case(const ast::CaseExpr& e);
    BoundExprPtr bind_in_list(const ast::InListExpr& e);
    BoundExprPtr bind_subquery(const ast::Query& query, PendingSubquery::Kind kind, BoundExprPtr operand,
                               SqlPosition position);
    BoundExprPtr bind_like(const ast::LikeExpr& e);
    BoundExprPtr bind_quantified(const ast::QuantifiedComparisonExpr& e);
    // transform / filter / reduce / any_match / all_match / none_match / zip_with with lambda arguments.
    BoundExprPtr bind_lambda_call(const ast::FunctionExpr& e, const std::string& name);
    // Binds `lambda` (an ast::LambdaExpr) with parameters of `parameter_types` as a kLambda node.
    BoundExprPtr bind_lambda(const ast::Expr& lambda, const std::vector<Type>& parameter_types);
    BoundExprPtr bind_lambda_parameter(const ast::ColumnRefExpr& e);

    struct LambdaParameter {
        std::string name;
        Type type;
        int slot;
    };
    std::vector<LambdaParameter> lambda_parameters_;  // innermost last

    Binder& binder_;
    const Scope& scope_;
};

// Unquoted identifiers match case-insensitively, quoted ones exactly.
bool name_matches(const std::string& candidate, const ast::Identifier& id);
// Throws a binding error located at `position` in the statement.
[[noreturn]] void fail_at(ErrorCode code, SqlPosition position, const std::string& message);

// Calls a scalar function by name, inserting casts to the bound argument types. Folds constants.
BoundExprPtr make_function_call(const std::string& name, std::vector<BoundExprPtr> args,
                                const FunctionContext* context);
// Comparison with implicit coercion (a string constant compared with a date/number is cast to it).
BoundExprPtr make_comparison(const std::string& op, BoundExprPtr left, BoundExprPtr right,
                             const FunctionContext* context);
// Casts `expr` to `type` (no-op when equal; folds constants).
BoundExprPtr make_cast(BoundExprPtr expr, const Type& type, bool try_cast = false);
BoundExprPtr make_not(BoundExprPtr expr);
// Replaces `expr` by a constant when it has no column references and is deterministic.
BoundExprPtr fold_constant(BoundExprPtr expr, const FunctionContext* context);
Value interval_literal(const std::string& text, const std::string& from, const std::string& to);

}  // namespace fedq
