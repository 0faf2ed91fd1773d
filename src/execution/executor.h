// Turns an optimized logical plan into pipelines and runs them. Blocking operators run their input
// pipeline to completion (in parallel) and become the source of the next pipeline.
#pragma once

#include <map>

#include "execution/pipeline.h"
#include "planner/logical_plan.h"

namespace fedq {

class Executor {
public:
    explicit Executor(QueryContext& context) : context_(context) {}
    // Runs the plan; the result batches have the root's output columns in order.
    std::vector<Batch> execute(const LogicalNode& root);
    // Runs the plan, handing each result batch (root's output columns in order) to `sink` as it is produced.
    void execute(const LogicalNode& root, Sink& sink);

private:
    Pipeline build(const LogicalNode& node);
    Pipeline build_scan(const LogicalNode& node);
    Pipeline build_join(const LogicalNode& node);
    Pipeline build_aggregate(const LogicalNode& node);
    Pipeline build_sort(const LogicalNode& node);
    Pipeline build_window(const LogicalNode& node);
    Pipeline build_union(const LogicalNode& node);
    Pipeline build_values(const LogicalNode& node);
    Pipeline build_recursive_union(const LogicalNode& node);
    std::vector<Batch> run_positional(const LogicalNode& child);
    std::vector<Batch> run_collect(Pipeline& pipeline);

    QueryContext& context_;
    std::map<int, std::vector<Batch>> work_tables_;  // current rows of each running recursion
};

}  // namespace fedq
