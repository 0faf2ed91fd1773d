// Streaming operators: filter, projection, limit. Each keeps no per-thread state between batches.
#pragma once

#include <atomic>

#include "execution/pipeline.h"
#include "expression/evaluator.h"

namespace fedq {

// Resolves column ids to positions in a pipeline's layout (clone of `expr`).
BoundExprPtr resolve_columns(const BoundExpr& expr, const std::vector<uint32_t>& layout);

class FilterOperator final : public Operator {
public:
    FilterOperator(BoundExprPtr predicate, QueryContext& context) : predicate_(std::move(predicate)), context_(context) {}
    void execute(Batch&& input, const Emit& emit) override;

private:
    BoundExprPtr predicate_;
    QueryContext& context_;
};

class ProjectOperator final : public Operator {
public:
    ProjectOperator(std::vector<BoundExprPtr> expressions, QueryContext& context)
        : expressions_(std::move(expressions)), context_(context) {}
    void execute(Batch&& input, const Emit& emit) override;

private:
    std::vector<BoundExprPtr> expressions_;
    QueryContext& context_;
};

// UNNEST: each input row repeated once per array element (arrays of one row are zipped; shorter ones
// padded with NULL), followed by the element columns and, optionally, the 1-based ordinality.
class UnnestOperator final : public Operator {
public:
    UnnestOperator(std::vector<BoundExprPtr> arrays, bool with_ordinality, bool keep_empty, QueryContext& context)
        : arrays_(std::move(arrays)), with_ordinality_(with_ordinality), keep_empty_(keep_empty), context_(context) {}
    void execute(Batch&& input, const Emit& emit) override;

private:
    std::vector<BoundExprPtr> arrays_;
    bool with_ordinality_;
    bool keep_empty_;  // LEFT JOIN UNNEST: a row whose arrays are all empty or NULL yields one NULL row
    QueryContext& context_;
};

// LIMIT n OFFSET m. With one thread (ordered input) exact; with several, some n rows.
class LimitOperator final : public Operator {
public:
    LimitOperator(std::optional<uint64_t> limit, uint64_t offset) : limit_(limit), offset_(offset) {}
    void execute(Batch&& input, const Emit& emit) override;
    bool done() const override { return limit_ && seen_.load() >= *limit_ + offset_; }

private:
    std::optional<uint64_t> limit_;
    uint64_t offset_;
    std::atomic<uint64_t> seen_{0};
};

}  // namespace fedq
