// Vectorized evaluation of bound expressions over a Batch (column refs must be resolved to
// column_index). AND / OR / CASE evaluate their later branches only on the rows that still need them,
// so `x <> 0 AND 10 / x > 1` and `CASE WHEN x = 0 THEN 0 ELSE 10 / x END` never divide by zero.
#pragma once

#include <vector>

#include "expression/bound_expr.h"
#include "vector/column.h"

namespace fedq {

class ExpressionEvaluator {
public:
    explicit ExpressionEvaluator(const FunctionContext* context) : context_(context) {}

    ColumnPtr evaluate(const BoundExpr& expr, const Batch& batch);
    // Indices of the rows where `predicate` is TRUE (not FALSE, not NULL).
    void select(const BoundExpr& predicate, const Batch& batch, std::vector<uint32_t>& selection);

private:
    ColumnPtr evaluate_logical(const BoundExpr& expr, const Batch& batch);
    ColumnPtr evaluate_case(const BoundExpr& expr, const Batch& batch);
    ColumnPtr evaluate_in_list(const BoundExpr& expr, const Batch& batch);
    ColumnPtr evaluate_function(const BoundExpr& expr, const Batch& batch);
    ColumnPtr call(const BoundScalarFunction& function, const std::vector<ColumnPtr>& args, size_t rows);

    // Lambdas (lambda_evaluator.cpp): a body is evaluated once per call over a batch of all items (array
    // elements) of the input batch: the outer columns it uses are repeated per item (`row_of_item`) and
    // its parameters are the item columns. lambda_parameters_ holds the parameters of the enclosing
    // lambdas (by slot) while a body is evaluated, so nested lambdas can use them.
    ColumnPtr evaluate_lambda_call(const BoundExpr& expr, const Batch& batch);
    ColumnPtr evaluate_lambda(const BoundExpr& lambda, const Batch& batch, const std::vector<uint32_t>& row_of_item,
                              std::vector<ColumnPtr> parameters);
    ColumnPtr evaluate_reduce(const BoundExpr& expr, const Batch& batch);
    ColumnPtr evaluate_zip_with(const BoundExpr& expr, const Batch& batch);

    const FunctionContext* context_;
    std::vector<ColumnPtr> lambda_parameters_;
};

// Evaluates an expression without column references (constant folding). Throws on evaluation errors.
Value evaluate_constant(const BoundExpr& expr, const FunctionContext* context);

// Rows of `batch` at `indices`, keeping only the columns `expr` references (others become null
// pointers): the input for evaluating a branch on a subset of rows.
Batch gather_for(const BoundExpr& expr, const Batch& batch, const std::vector<uint32_t>& indices);

}  // namespace fedq
