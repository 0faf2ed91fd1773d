#include "expression/evaluator.h"

#include "common/error.h"
#include "functions/cast.h"

namespace fedq {

namespace {

void mark_used(const BoundExpr& expr, std::vector<bool>& used) {
    if (expr.kind == BoundExprKind::kColumn && expr.column_index < used.size()) used[expr.column_index] = true;
    for (const auto& c : expr.children) mark_used(*c, used);
}

// Three-valued boolean accessors.
inline bool is_true(const Column& c, size_t row) { return c.is_valid(row) && c.values<uint8_t>()[row]; }
inline bool is_false(const Column& c, size_t row) { return c.is_valid(row) && !c.values<uint8_t>()[row]; }

ColumnPtr boolean_column(size_t rows) {
    auto out = Column::make(Type::boolean(), rows);
    out->resize(rows);
    return out;
}

// Writes `source` rows into `target` at `positions` (target pre-sized). Fixed-width fast path.
void scatter_into(Column& target, const Column& source, const std::vector<uint32_t>& positions) {
    size_t width = target.type().fixed_width();
    uint8_t* validity = nullptr;
    if (source.has_nulls()) validity = target.mutable_validity();
    const uint8_t* in = source.data().data();
    uint8_t* out = target.data().data();
    for (size_t i = 0; i < positions.size(); ++i) {
        std::memcpy(out + positions[i] * width, in + i * width, width);
        if (validity) validity[positions[i]] = source.is_valid(i);
    }
}

}  // namespace

Batch gather_for(const BoundExpr& expr, const Batch& batch, const std::vector<uint32_t>& indices) {
    std::vector<bool> used(batch.columns.size(), false);
    mark_used(expr, used);
    Batch out;
    out.num_rows = indices.size();
    out.columns.resize(batch.columns.size());
    for (size_t i = 0; i < batch.columns.size(); ++i) {
        if (!used[i]) continue;
        auto column = Column::make(batch.columns[i]->type(), indices.size());
        column->append_gather(*batch.columns[i], indices.data(), indices.size());
        out.columns[i] = std::move(column);
    }
    return out;
}

ColumnPtr ExpressionEvaluator::evaluate(const BoundExpr& expr, const Batch& batch) {
    const size_t rows = batch.num_rows;
    switch (expr.kind) {
        case BoundExprKind::kColumn: {
            if (expr.column_index >= batch.columns.size() || !batch.columns[expr.column_index]) {
                raise(ErrorCode::kInternal, "column {} is not available to the evaluator", expr.to_string());
            }
            return batch.columns[expr.column_index];
        }
        case BoundExprKind::kConstant: return Column::constant(expr.constant.is_null() ? Value::null(expr.type) : expr.constant, rows);
        case BoundExprKind::kFunction: return evaluate_function(expr, batch);
        case BoundExprKind::kCast: {
            ColumnPtr input = evaluate(*expr.children[0], batch);
            if (input->type() == expr.type) return input;
            auto out = Column::make(expr.type, rows);
            cast_column(*input, expr.type, *out, expr.try_cast, context_);
            return out;
        }
        case BoundExprKind::kAnd:
        case BoundExprKind::kOr: return evaluate_logical(expr, batch);
        case BoundExprKind::kNot: {
            ColumnPtr input = evaluate(*expr.children[0], batch);
            auto out = boolean_column(rows);
            const uint8_t* in = input->values<uint8_t>();
            uint8_t* o = out->values<uint8_t>();
            for (size_t i = 0; i < rows; ++i) o[i] = !in[i];
            if (input->has_nulls()) std::memcpy(out->mutable_validity(), input->validity(), rows);
            return out;
        }
        case BoundExprKind::kIsNull: {
            ColumnPtr input = evaluate(*expr.children[0], batch);
            auto out = boolean_column(rows);
            uint8_t* o = out->values<uint8_t>();
            for (size_t i = 0; i < rows; ++i) o[i] = input->is_null(i) != expr.negated;
            return out;
        }
        case BoundExprKind::kIsDistinct: {
            ColumnPtr left = evaluate(*expr.children[0], batch);
            ColumnPtr right = evaluate(*expr.children[1], batch);
            ColumnPtr equal = call(*expr.function, {left, right}, rows);
            auto out = boolean_column(rows);
            uint8_t* o = out->values<uint8_t>();
            const uint8_t* eq = equal->values<uint8_t>();
            for (size_t i = 0; i < rows; ++i) {
                bool ln = left->is_null(i), rn = right->is_null(i);
                bool distinct = (ln || rn) ? ln != rn : !eq[i];
                o[i] = distinct != expr.negated;
            }
            return out;
        }
        case BoundExprKind::kCase: return evaluate_case(expr, batch);
        case BoundExprKind::kInList: return evaluate_in_list(expr, batch);
        case BoundExprKind::kLambdaCall: return evaluate_lambda_call(expr, batch);
        case BoundExprKind::kLambdaParameter: {
            if (expr.lambda_slot < 0 || static_cast<size_t>(expr.lambda_slot) >= lambda_parameters_.size()) {
                raise(ErrorCode::kInternal, "lambda parameter {} is not bound", expr.name);
            }
            return lambda_parameters_[static_cast<size_t>(expr.lambda_slot)];
        }
        default: raise(ErrorCode::kInternal, "cannot evaluate {}", expr.to_string());
    }
}

ColumnPtr ExpressionEvaluator::call(const BoundScalarFunction& function, const std::vector<ColumnPtr>& args,
                                    size_t rows) {
    ScalarArgs scalar_args;
    scalar_args.rows = rows;
    scalar_args.context = context_;
    scalar_args.columns.reserve(args.size());
    for (const auto& a : args) scalar_args.columns.push_back(a.get());
    auto out = Column::make(function.return_type, rows);
    function.kernel(scalar_args, *out);
    if (out->size() != rows) {
        raise(ErrorCode::kInternal, "function {} produced {} rows for {}", function.name, out->size(), rows);
    }
    if (function.propagates_nulls) {
        bool any_nulls = false;
        for (const auto& a : args) any_nulls |= a->has_nulls();
        if (any_nulls) {
            uint8_t* validity = out->mutable_validity();
            for (const auto& a : args) {
                if (!a->has_nulls()) continue;
                const uint8_t* v = a->validity();
                for (size_t i = 0; i < rows; ++i) validity[i] &= v[i];
            }
        }
    }
    return out;
}

ColumnPtr ExpressionEvaluator::evaluate_function(const BoundExpr& expr, const Batch& batch) {
    std::vector<ColumnPtr> args;
    args.reserve(expr.children.size());
    for (const auto& c : expr.children) args.push_back(evaluate(*c, batch));
    return call(*expr.function, args, batch.num_rows);
}

ColumnPtr ExpressionEvaluator::evaluate_logical(const BoundExpr& expr, const Batch& batch) {
    const bool is_and = expr.kind == BoundExprKind::kAnd;
    const size_t rows = batch.num_rows;
    ColumnPtr first = evaluate(*expr.children[0], batch);
    auto out = boolean_column(rows);
    uint8_t* o = out->values<uint8_t>();
    std::vector<uint8_t> valid(rows, 1);
    for (size_t i = 0; i < rows; ++i) {
        valid[i] = first->is_valid(i);
        o[i] = first->values<uint8_t>()[i] && valid[i];
    }
    std::vector<uint32_t> pending;
    for (size_t c = 1; c < expr.children.size(); ++c) {
        // Rows whose result is not decided yet: for AND, not FALSE; for OR, not TRUE.
        pending.clear();
        for (size_t i = 0; i < rows; ++i) {
            bool decided = valid[i] && (is_and ? !o[i] : o[i]);
            if (!decided) pending.push_back(static_cast<uint32_t>(i));
        }
        if (pending.empty()) break;
        ColumnPtr next;
        bool full = pending.size() == rows;
        if (full) {
            next = evaluate(*expr.children[c], batch);
        } else {
            Batch sub = gather_for(*expr.children[c], batch, pending);
            next = evaluate(*expr.children[c], sub);
        }
        for (size_t k = 0; k < pending.size(); ++k) {
            size_t i = pending[k];
            size_t j = full ? i : k;
            bool nv = next->is_valid(j);
            bool nb = nv && next->values<uint8_t>()[j];
            if (is_and) {
                // current is TRUE or NULL here
                if (nv && !nb) { o[i] = 0; valid[i] = 1; }
                else if (!nv) { valid[i] = 0; }
                // else TRUE AND TRUE stays as is (or NULL AND TRUE = NULL)
            } else {
                if (nb) { o[i] = 1; valid[i] = 1; }
                else if (!nv) { valid[i] = 0; }
            }
        }
    }
    bool any_null = false;
    for (size_t i = 0; i < rows; ++i) any_null |= !valid[i];
    if (any_null) {
        uint8_t* v = out->mutable_validity();
        for (size_t i = 0; i < rows; ++i) {
            v[i] = valid[i];
            if (!valid[i]) o[i] = 0;
        }
    }
    return out;
}

ColumnPtr ExpressionEvaluator::evaluate_case(const BoundExpr& expr, const Batch& batch) {
    const size_t rows = batch.num_rows;
    const size_t pairs = (expr.children.size() - (expr.has_else ? 1 : 0)) / 2;
    std::vector<uint32_t> remaining(rows);
    for (size_t i = 0; i < rows; ++i) remaining[i] = static_cast<uint32_t>(i);
    // Pieces: rows (positions in the batch) and the values computed for them.
    std::vector<std::pair<std::vector<uint32_t>, ColumnPtr>> pieces;
    auto eval_on = [&](const BoundExpr& e, const std::vector<uint32_t>& positions) -> ColumnPtr {
        if (positions.size() == rows) return evaluate(e, batch);
        Batch sub = gather_for(e, batch, positions);
        return evaluate(e, sub);
    };
    for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
        ColumnPtr condition = eval_on(*expr.children[2 * p], remaining);
        std::vector<uint32_t> taken, rest;
        for (size_t k = 0; k < remaining.size(); ++k) {
            (is_true(*condition, k) ? taken : rest).push_back(remaining[k]);
        }
        if (!taken.empty()) {
            ColumnPtr value = eval_on(*expr.children[2 * p + 1], taken);
            pieces.emplace_back(std::move(taken), std::move(value));
        }
        remaining = std::move(rest);
    }
    if (!remaining.empty()) {
        ColumnPtr value = expr.has_else ? eval_on(*expr.children.back(), remaining)
                                        : Column::constant(Value::null(expr.type), remaining.size());
        pieces.emplace_back(std::move(remaining), std::move(value));
    }
    if (pieces.size() == 1 && pieces[0].first.size() == rows && pieces[0].second->type() == expr.type) {
        bool identity = true;
        for (size_t i = 0; i < rows && identity; ++i) identity = pieces[0].first[i] == i;
        if (identity) return pieces[0].second;
    }
    auto out = Column::make(expr.type, rows);
    if (expr.type.fixed_width() && !expr.type.is_nested()) {
        out->resize(rows);
        std::memset(out->data().data(), 0, out->data().size());
        for (const auto& [positions, value] : pieces) scatter_into(*out, *value, positions);
        return out;
    }
    // Variable width: map each row to its piece, then append in row order.
    std::vector<std::pair<uint32_t, uint32_t>> where(rows);
    for (uint32_t p = 0; p < pieces.size(); ++p) {
        for (uint32_t k = 0; k < pieces[p].first.size(); ++k) where[pieces[p].first[k]] = {p, k};
    }
    for (size_t i = 0; i < rows; ++i) out->append_from(*pieces[where[i].first].second, where[i].second);
    return out;
}

ColumnPtr ExpressionEvaluator::evaluate_in_list(const BoundExpr& expr, const Batch& batch) {
    const size_t rows = batch.num_rows;
    ColumnPtr operand = evaluate(*expr.children[0], batch);
    auto out = boolean_column(rows);
    uint8_t* o = out->values<uint8_t>();
    std::memset(o, 0, rows);
    std::vector<uint8_t> saw_null(rows, 0);
    for (size_t c = 1; c < expr.children.size(); ++c) {
        ColumnPtr item = evaluate(*expr.children[c], batch);
        ColumnPtr equal = call(*expr.function, {operand, item}, rows);
        const uint8_t* eq = equal->values<uint8_t>();
        for (size_t i = 0; i < rows; ++i) {
            if (!equal->is_valid(i)) saw_null[i] = 1;
            else o[i] |= eq[i];
        }
    }
    bool any_null = false;
    for (size_t i = 0; i < rows; ++i) {
        if (!o[i] && (saw_null[i] || operand->is_null(i))) any_null = true;
    }
    if (any_null) {
        uint8_t* v = out->mutable_validity();
        for (size_t i = 0; i < rows; ++i) v[i] = o[i] || !(saw_null[i] || operand->is_null(i));
    }
    if (expr.negated) {
        for (size_t i = 0; i < rows; ++i) o[i] = !o[i];
    }
    return out;
}

void ExpressionEvaluator::select(const BoundExpr& predicate, const Batch& batch, std::vector<uint32_t>& selection) {
    selection.clear();
    ColumnPtr result = evaluate(predicate, batch);
    const uint8_t* values = result->values<uint8_t>();
    const uint8_t* validity = result->validity();
    selection.reserve(batch.num_rows);
    if (validity) {
        for (size_t i = 0; i < batch.num_rows; ++i) {
            if (values[i] & validity[i]) selection.push_back(static_cast<uint32_t>(i));
        }
    } else {
        for (size_t i = 0; i < batch.num_rows; ++i) {
            if (values[i]) selection.push_back(static_cast<uint32_t>(i));
        }
    }
}

Value evaluate_constant(const BoundExpr& expr, const FunctionContext* context) {
    ExpressionEvaluator evaluator(context);
    Batch one;
    one.num_rows = 1;
    ColumnPtr result = evaluator.evaluate(expr, one);
    Value v = result->value_at(0);
    if (v.is_null()) return Value::null(expr.type);
    return v;
}

}  // namespace fedq
