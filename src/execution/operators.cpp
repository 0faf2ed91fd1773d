#include "execution/operators.h"

#include "common/error.h"

namespace fedq {

BoundExprPtr resolve_columns(const BoundExpr& expr, const std::vector<uint32_t>& layout) {
    BoundExprPtr out = expr.clone();
    std::function<void(BoundExpr&)> walk = [&](BoundExpr& e) {
        if (e.kind == BoundExprKind::kColumn) {
            bool found = false;
            for (size_t i = 0; i < layout.size(); ++i) {
                if (layout[i] == e.column_id) {
                    e.column_index = i;
                    found = true;
                    break;
                }
            }
            if (!found) raise(ErrorCode::kInternal, "column {} (#{}) is not produced by the input", e.name, e.column_id);
        }
        for (auto& c : e.children) walk(*c);
    };
    walk(*out);
    return out;
}

void FilterOperator::execute(Batch&& input, const Emit& emit) {
    if (input.num_rows == 0) return;
    ExpressionEvaluator evaluator(&context_.function_context);
    std::vector<uint32_t> selection;
    evaluator.select(*predicate_, input, selection);
    if (selection.empty()) return;
    if (selection.size() == input.num_rows) {
        emit(std::move(input));
        return;
    }
    emit(input.gather(selection.data(), selection.size()));
}

void ProjectOperator::execute(Batch&& input, const Emit& emit) {
    ExpressionEvaluator evaluator(&context_.function_context);
    Batch out;
    out.num_rows = input.num_rows;
    out.columns.reserve(expressions_.size());
    for (const auto& e : expressions_) out.columns.push_back(evaluator.evaluate(*e, input));
    emit(std::move(out));
}

void LimitOperator::execute(Batch&& input, const Emit& emit) {
    if (!limit_ && offset_ == 0) {
        emit(std::move(input));
        return;
    }
    uint64_t rows = input.num_rows;
    uint64_t start = seen_.fetch_add(rows);
    uint64_t end = start + rows;
    uint64_t lo = std::max(start, offset_);
    uint64_t hi = limit_ ? std::min(end, *limit_ + offset_) : end;
    if (hi <= lo) return;
    if (lo == start && hi == end) {
        emit(std::move(input));
        return;
    }
    emit(input.slice(lo - start, hi - lo));
}

}  // namespace fedq
