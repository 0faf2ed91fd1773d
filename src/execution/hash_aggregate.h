// Hash aggregation (GROUP BY, DISTINCT, global aggregates). Each thread aggregates into its own table;
// finish() merges the tables with the aggregates' combine functions and produces the result batches:
// group columns followed by one column per aggregate.
#pragma once

#include <memory>

#include "execution/operators.h"
#include "execution/row_operations.h"
#include "planner/logical_plan.h"

namespace fedq {

struct AggregateSpec {
    std::vector<BoundExprPtr> groups;  // resolved on the input layout
    struct Call {
        std::shared_ptr<const BoundAggregateFunction> function;
        std::vector<BoundExprPtr> args;
        BoundExprPtr filter;
    };
    std::vector<Call> calls;
    std::vector<Type> group_types;
    int grand_total_set = -1;  // see LogicalNode::grand_total_set
};

class AggregateTable;

class AggregateSink final : public Sink {
public:
    AggregateSink(AggregateSpec spec, QueryContext& context);
    ~AggregateSink() override;
    void set_threads(size_t threads) override;
    void consume(Batch&& batch, size_t thread) override;
    std::vector<Batch> finish();

private:
    AggregateSpec spec_;
    QueryContext& context_;
    std::vector<size_t> offsets_;
    size_t row_size_ = 0;
    std::vector<std::unique_ptr<AggregateTable>> tables_;
};

}  // namespace fedq
