// Window functions: collects the input, and for each window call sorts row indices by (PARTITION BY,
// ORDER BY), computes the function per partition over its frame, and appends the result column.
#pragma once

#include "execution/sort.h"

namespace fedq {

struct ResolvedWindow {
    WindowFunctionKind kind;
    std::shared_ptr<const BoundAggregateFunction> aggregate;
    std::vector<BoundExprPtr> args;
    std::vector<BoundExprPtr> partition_by;
    std::vector<ResolvedSortKey> order_by;
    WindowFrameSpec frame;
    bool ignore_nulls = false;
    Type type;
};

class WindowSink final : public Sink {
public:
    WindowSink(std::vector<ResolvedWindow> windows, std::vector<Type> types, QueryContext& context)
        : windows_(std::move(windows)), types_(std::move(types)), context_(context) {}
    void set_threads(size_t threads) override { per_thread_.resize(threads); }
    void consume(Batch&& batch, size_t thread) override {
        if (batch.num_rows == 0) return;
        context_.memory.consume(static_cast<int64_t>(batch.memory_bytes()));
        per_thread_[thread].push_back(std::move(batch));
    }
    std::vector<Batch> finish();

private:
    ColumnPtr compute(const ResolvedWindow& window, const Batch& input);
    static void compute_range_bounds(const ResolvedWindow& window, const Column& key_column, const uint32_t* sorted,
                                     size_t n, const std::vector<size_t>& peer_start, const std::vector<size_t>& peer_end,
                                     std::vector<size_t>& start, std::vector<size_t>& end);

    std::vector<ResolvedWindow> windows_;
    std::vector<Type> types_;
    QueryContext& context_;
    std::vector<std::vector<Batch>> per_thread_;
};

}  // namespace fedq
