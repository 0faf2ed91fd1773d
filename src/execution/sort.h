// ORDER BY (and top-N when a limit is set): collects its input, sorts row indices by the keys and
// emits the rows in order. Window functions (window.cpp) reuse the same machinery.
#pragma once

#include "execution/operators.h"
#include "execution/row_operations.h"
#include "planner/logical_plan.h"

namespace fedq {

struct ResolvedSortKey {
    BoundExprPtr expr;  // resolved on the input layout
    bool descending = false;
    bool nulls_first = false;
};

class SortSink final : public Sink {
public:
    SortSink(std::vector<ResolvedSortKey> keys, std::vector<Type> types, std::optional<uint64_t> limit, QueryContext& context)
        : keys_(std::move(keys)), types_(std::move(types)), limit_(limit), context_(context) {}
    void set_threads(size_t threads) override { per_thread_.resize(threads); }
    void consume(Batch&& batch, size_t thread) override;
    std::vector<Batch> finish();

private:
    std::vector<ResolvedSortKey> keys_;
    std::vector<Type> types_;
    std::optional<uint64_t> limit_;
    QueryContext& context_;
    std::vector<std::vector<Batch>> per_thread_;
};

// Sorts a whole batch by resolved keys; returns the row order.
std::vector<uint32_t> sorted_order(const Batch& batch, const std::vector<ResolvedSortKey>& keys, QueryContext& context,
                                   std::vector<ColumnPtr>& key_columns, size_t limit = SIZE_MAX);

}  // namespace fedq
