// Evaluation of the array functions that take lambdas (transform, filter, reduce, any_match, all_match,
// none_match, zip_with). Vectorized: a lambda body runs once per batch over all array elements at
// once, never once per element.
#include "common/error.h"
#include "expression/evaluator.h"

namespace fedq {

namespace {

// The elements of the non-NULL arrays of `array` (rows [0, rows)), and for each element its row.
struct Flattened {
    ColumnPtr elements;
    std::vector<uint32_t> row_of_item;
};

Flattened flatten(const Column& array, size_t rows) {
    Flattened out;
    const int32_t* offsets = array.offsets();
    const Column& child = array.children()[0];
    out.elements = Column::make(child.type(), static_cast<size_t>(offsets[rows] - offsets[0]));
    out.row_of_item.reserve(static_cast<size_t>(offsets[rows] - offsets[0]));
    std::vector<uint32_t> positions;
    for (size_t r = 0; r < rows; ++r) {
        if (array.is_null(r)) continue;
        for (int32_t k = offsets[r]; k < offsets[r + 1]; ++k) {
            out.row_of_item.push_back(static_cast<uint32_t>(r));
            positions.push_back(static_cast<uint32_t>(k));
        }
    }
    if (!array.has_nulls()) {
        out.elements->append_range(child, static_cast<size_t>(offsets[0]), positions.size());
    } else {
        out.elements->append_gather(child, positions.data(), positions.size());
    }
    return out;
}

// An ARRAY column of `rows` rows whose row r holds `counts[r]` consecutive items of `items` (NULL where
// `nulls` is NULL).
ColumnPtr build_array(const Type& type, const Column& items, const std::vector<uint32_t>& counts, const Column* nulls) {
    const size_t rows = counts.size();
    auto out = Column::make(type, rows);
    out->children()[0].append_range(items, 0, items.size());
    Buffer& offsets = out->data();
    int32_t end = 0;
    for (size_t r = 0; r < rows; ++r) {
        end += static_cast<int32_t>(counts[r]);
        offsets.push<int32_t>(end);
    }
    out->set_size(rows);
    if (nulls && nulls->has_nulls()) {
        uint8_t* validity = out->mutable_validity();
        for (size_t r = 0; r < rows; ++r) validity[r] = nulls->is_valid(r);
    }
    return out;
}

std::vector<uint32_t> counts_of(const std::vector<uint32_t>& row_of_item, size_t rows) {
    std::vector<uint32_t> counts(rows, 0);
    for (uint32_t r : row_of_item) ++counts[r];
    return counts;
}

}  // namespace

ColumnPtr ExpressionEvaluator::evaluate_lambda(const BoundExpr& lambda, const Batch& batch,
                                               const std::vector<uint32_t>& row_of_item,
                                               std::vector<ColumnPtr> parameters) {
    const BoundExpr& body = *lambda.children[0];
    bool identity = row_of_item.size() == batch.num_rows;
    for (size_t i = 0; identity && i < row_of_item.size(); ++i) identity = row_of_item[i] == i;
    Batch items = identity ? batch : gather_for(body, batch, row_of_item);
    items.num_rows = row_of_item.size();
    // The enclosing lambdas' parameters, repeated per item like the outer columns.
    std::vector<ColumnPtr> saved = lambda_parameters_;
    std::vector<ColumnPtr> bound;
    const size_t first = static_cast<size_t>(lambda.lambda_slot);
    for (size_t slot = 0; slot < first && slot < saved.size(); ++slot) {
        if (identity) {
            bound.push_back(saved[slot]);
            continue;
        }
        auto repeated = Column::make(saved[slot]->type(), row_of_item.size());
        repeated->append_gather(*saved[slot], row_of_item.data(), row_of_item.size());
        bound.push_back(std::move(repeated));
    }
    for (auto& p : parameters) bound.push_back(std::move(p));
    lambda_parameters_ = std::move(bound);
    ColumnPtr result;
    try {
        result = evaluate(body, items);
    } catch (...) {
        lambda_parameters_ = std::move(saved);
        throw;
    }
    lambda_parameters_ = std::move(saved);
    return result;
}

ColumnPtr ExpressionEvaluator::evaluate_lambda_call(const BoundExpr& expr, const Batch& batch) {
    const size_t rows = batch.num_rows;
    if (expr.name == "reduce") return evaluate_reduce(expr, batch);
    if (expr.name == "zip_with") return evaluate_zip_with(expr, batch);
    ColumnPtr array = evaluate(*expr.children[0], batch);
    const BoundExpr& lambda = *expr.children[1];
    Flattened flat = flatten(*array, rows);
    std::vector<ColumnPtr> parameters{flat.elements};
    ColumnPtr values = evaluate_lambda(lambda, batch, flat.row_of_item, std::move(parameters));
    const size_t items = flat.row_of_item.size();
    if (expr.name == "transform") {
        return build_array(expr.type, *values, counts_of(flat.row_of_item, rows), array.get());
    }
    const uint8_t* keep = values->values<uint8_t>();
    if (expr.name == "filter") {
        std::vector<uint32_t> kept;
        std::vector<uint32_t> counts(rows, 0);
        for (size_t i = 0; i < items; ++i) {
            if (values->is_valid(i) && keep[i]) {
                kept.push_back(static_cast<uint32_t>(i));
                ++counts[flat.row_of_item[i]];
            }
        }
        auto selected = Column::make(flat.elements->type(), kept.size());
        selected->append_gather(*flat.elements, kept.data(), kept.size());
        return build_array(expr.type, *selected, counts, array.get());
    }
    // any_match: TRUE if some element is TRUE, else NULL if some is NULL, else FALSE.
    // all_match: FALSE if some element is FALSE, else NULL if some is NULL, else TRUE.
    // none_match: FALSE if some element is TRUE, else NULL if some is NULL, else TRUE.
    const bool any = expr.name == "any_match";
    const bool all = expr.name == "all_match";
    if (!any && !all && expr.name != "none_match") raise(ErrorCode::kInternal, "unknown lambda function {}", expr.name);
    const bool decisive = !all;  // the element value that decides the answer
    std::vector<uint8_t> decided(rows, 0), saw_null(rows, 0);
    for (size_t i = 0; i < items; ++i) {
        uint32_t r = flat.row_of_item[i];
        if (!values->is_valid(i)) saw_null[r] = 1;
        else if ((keep[i] != 0) == decisive) decided[r] = 1;
    }
    auto out = Column::make(Type::boolean(), rows);
    out->resize(rows);
    uint8_t* o = out->values<uint8_t>();
    bool any_null = false;
    for (size_t r = 0; r < rows; ++r) {
        o[r] = any ? decided[r] : !decided[r];
        any_null |= array->is_null(r) || (!decided[r] && saw_null[r]);
    }
    if (any_null) {
        uint8_t* validity = out->mutable_validity();
        for (size_t r = 0; r < rows; ++r) {
            if (array->is_null(r) || (!decided[r] && saw_null[r])) {
                validity[r] = 0;
                o[r] = 0;
            }
        }
    }
    return out;
}

// reduce(array, initial, (s, x) -> combine, s -> output): step k combines the k-th element of every
// array that has one, all rows at once.
ColumnPtr ExpressionEvaluator::evaluate_reduce(const BoundExpr& expr, const Batch& batch) {
    const size_t rows = batch.num_rows;
    ColumnPtr array = evaluate(*expr.children[0], batch);
    ColumnPtr state = evaluate(*expr.children[1], batch);
    if (state->size() != rows || state->type() != expr.children[2]->type) {
        auto copy = Column::make(expr.children[2]->type, rows);
        copy->append_range(*state, 0, rows);
        state = std::move(copy);
    }
    const BoundExpr& combine = *expr.children[2];
    const BoundExpr& output = *expr.children[3];
    const int32_t* offsets = array->offsets();
    const Column& elements = array->children()[0];
    int32_t longest = 0;
    for (size_t r = 0; r < rows; ++r) {
        if (array->is_valid(r)) longest = std::max(longest, offsets[r + 1] - offsets[r]);
    }
    std::vector<uint32_t> active, positions;
    for (int32_t k = 0; k < longest; ++k) {
        active.clear();
        positions.clear();
        for (size_t r = 0; r < rows; ++r) {
            if (array->is_valid(r) && offsets[r + 1] - offsets[r] > k) {
                active.push_back(static_cast<uint32_t>(r));
                positions.push_back(static_cast<uint32_t>(offsets[r] + k));
            }
        }
        auto current = Column::make(state->type(), active.size());
        current->append_gather(*state, active.data(), active.size());
        auto element = Column::make(elements.type(), active.size());
        element->append_gather(elements, positions.data(), positions.size());
        ColumnPtr next = evaluate_lambda(combine, batch, active, {std::move(current), std::move(element)});
        // New state: `next` for the active rows, the old state for the others.
        auto merged = Column::make(state->type(), rows + active.size());
        merged->append_range(*state, 0, rows);
        merged->append_range(*next, 0, next->size());
        std::vector<uint32_t> pick(rows);
        for (size_t r = 0; r < rows; ++r) pick[r] = static_cast<uint32_t>(r);
        for (size_t i = 0; i < active.size(); ++i) pick[active[i]] = static_cast<uint32_t>(rows + i);
        auto updated = Column::make(state->type(), rows);
        updated->append_gather(*merged, pick.data(), rows);
        state = std::move(updated);
    }
    std::vector<uint32_t> all(rows);
    for (size_t r = 0; r < rows; ++r) all[r] = static_cast<uint32_t>(r);
    ColumnPtr result = evaluate_lambda(output, batch, all, {state});
    if (!array->has_nulls()) return result;
    // reduce over a NULL array is NULL.
    auto out = Column::make(expr.type, rows);
    out->append_range(*result, 0, rows);
    uint8_t* validity = out->mutable_validity();
    for (size_t r = 0; r < rows; ++r) validity[r] &= array->is_valid(r);
    return out;
}

// zip_with(a, b, (x, y) -> f): element i of the result combines a[i] and b[i]; the shorter array is
// padded with NULLs. NULL if either array is NULL.
ColumnPtr ExpressionEvaluator::evaluate_zip_with(const BoundExpr& expr, const Batch& batch) {
    const size_t rows = batch.num_rows;
    ColumnPtr left = evaluate(*expr.children[0], batch);
    ColumnPtr right = evaluate(*expr.children[1], batch);
    const Column& left_elements = left->children()[0];
    const Column& right_elements = right->children()[0];
    auto x = Column::make(left_elements.type());
    auto y = Column::make(right_elements.type());
    std::vector<uint32_t> row_of_item, counts(rows, 0);
    auto nulls = Column::make(Type::boolean(), rows);
    nulls->resize(rows);
    for (size_t r = 0; r < rows; ++r) {
        nulls->values<uint8_t>()[r] = 1;
        if (left->is_null(r) || right->is_null(r)) {
            nulls->set_null(r);
            continue;
        }
        int32_t left_length = left->offsets()[r + 1] - left->offsets()[r];
        int32_t right_length = right->offsets()[r + 1] - right->offsets()[r];
        int32_t length = std::max(left_length, right_length);
        for (int32_t i = 0; i < length; ++i) {
            if (i < left_length) x->append_from(left_elements, static_cast<size_t>(left->offsets()[r] + i));
            else x->append_null();
            if (i < right_length) y->append_from(right_elements, static_cast<size_t>(right->offsets()[r] + i));
            else y->append_null();
            row_of_item.push_back(static_cast<uint32_t>(r));
        }
        counts[r] = static_cast<uint32_t>(length);
    }
    ColumnPtr values = evaluate_lambda(*expr.children[2], batch, row_of_item, {std::move(x), std::move(y)});
    return build_array(expr.type, *values, counts, nulls.get());
}

}  // namespace fedq
