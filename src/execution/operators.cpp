#include "execution/operators.h"

#include "common/error.h"
#include "vector/gather.h"

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
    emit(fast_gather(input, selection.data(), selection.size()));
}

void ProjectOperator::execute(Batch&& input, const Emit& emit) {
    ExpressionEvaluator evaluator(&context_.function_context);
    Batch out;
    out.num_rows = input.num_rows;
    out.columns.reserve(expressions_.size());
    for (const auto& e : expressions_) out.columns.push_back(evaluator.evaluate(*e, input));
    emit(std::move(out));
}

void UnnestOperator::execute(Batch&& input, const Emit& emit) {
    ExpressionEvaluator evaluator(&context_.function_context);
    std::vector<ColumnPtr> arrays;
    for (const auto& a : arrays_) arrays.push_back(evaluator.evaluate(*a, input));
    std::vector<uint32_t> rows;
    std::vector<int64_t> ordinals;  // 0: the NULL row of LEFT JOIN UNNEST
    std::vector<std::vector<int64_t>> elements(arrays.size());  // child index or -1 for NULL padding
    auto flush = [&]() {
        if (rows.empty()) return;
        Batch out = fast_gather(input, rows.data(), rows.size());
        for (size_t a = 0; a < arrays.size(); ++a) {
            const Column& child = arrays[a]->children()[0];
            auto column = Column::make(child.type(), rows.size());
            for (int64_t index : elements[a]) {
                if (index < 0) column->append_null();
                else column->append_from(child, static_cast<size_t>(index));
            }
            out.columns.push_back(std::move(column));
            elements[a].clear();
        }
        if (with_ordinality_) {
            auto column = Column::make(Type::bigint(), rows.size());
            for (int64_t o : ordinals) {
                if (o == 0) column->append_null();
                else column->append<int64_t>(o);
            }
            out.columns.push_back(std::move(column));
        }
        rows.clear();
        ordinals.clear();
        emit(std::move(out));
    };
    for (size_t r = 0; r < input.num_rows; ++r) {
        int64_t length = 0;
        for (const auto& a : arrays) {
            if (a->is_valid(r)) length = std::max<int64_t>(length, a->offsets()[r + 1] - a->offsets()[r]);
        }
        if (length == 0 && keep_empty_) {
            rows.push_back(static_cast<uint32_t>(r));
            ordinals.push_back(0);
            for (auto& e : elements) e.push_back(-1);
            if (rows.size() >= context_.batch_rows) flush();
            continue;
        }
        for (int64_t k = 0; k < length; ++k) {
            rows.push_back(static_cast<uint32_t>(r));
            ordinals.push_back(k + 1);
            for (size_t a = 0; a < arrays.size(); ++a) {
                const Column& array = *arrays[a];
                bool present = array.is_valid(r) && k < array.offsets()[r + 1] - array.offsets()[r];
                elements[a].push_back(present ? array.offsets()[r] + k : -1);
            }
            if (rows.size() >= context_.batch_rows) flush();
        }
    }
    flush();
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
