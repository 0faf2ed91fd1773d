#include "execution/sort.h"

#include "vector/gather.h"

namespace fedq {

void SortSink::consume(Batch&& batch, size_t thread) {
    if (batch.num_rows == 0) return;
    context_.memory.consume(static_cast<int64_t>(batch.memory_bytes()));
    // Top-N: keep only the best `limit` rows of each batch to bound memory.
    per_thread_[thread].push_back(std::move(batch));
    if (limit_) {
        size_t total = 0;
        for (const auto& b : per_thread_[thread]) total += b.num_rows;
        if (total > std::max<uint64_t>(*limit_ * 4, 65536)) {
            Batch all = concatenate(per_thread_[thread], types_);
            std::vector<ColumnPtr> key_columns;
            std::vector<uint32_t> order = sorted_order(all, keys_, context_, key_columns, *limit_);
            per_thread_[thread].clear();
            per_thread_[thread].push_back(fast_gather(all, order.data(), order.size()));
        }
    }
}

std::vector<uint32_t> sorted_order(const Batch& batch, const std::vector<ResolvedSortKey>& keys, QueryContext& context,
                                   std::vector<ColumnPtr>& key_columns, size_t limit) {
    ExpressionEvaluator evaluator(&context.function_context);
    std::vector<SortColumn> sort_columns;
    key_columns.clear();
    for (const auto& k : keys) {
        key_columns.push_back(evaluator.evaluate(*k.expr, batch));
        sort_columns.push_back({key_columns.back().get(), row_compare_function(key_columns.back()->type()), k.descending, k.nulls_first});
    }
    std::vector<uint32_t> order(batch.num_rows);
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
    sort_rows(order, sort_columns, limit);
    return order;
}

std::vector<Batch> SortSink::finish() {
    std::vector<Batch> all;
    for (auto& v : per_thread_) {
        for (auto& b : v) all.push_back(std::move(b));
    }
    per_thread_.clear();
    Batch batch = concatenate(all, types_);
    all.clear();
    std::vector<ColumnPtr> key_columns;
    std::vector<uint32_t> order = sorted_order(batch, keys_, context_, key_columns, limit_ ? *limit_ : SIZE_MAX);
    std::vector<Batch> out;
    for (size_t offset = 0; offset < order.size(); offset += context_.batch_rows) {
        size_t count = std::min(context_.batch_rows, order.size() - offset);
        out.push_back(fast_gather(batch, order.data() + offset, count));
    }
    return out;
}

}  // namespace fedq
