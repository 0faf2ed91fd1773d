// Hash join: the build side (right input) is collected by JoinBuildSink into a JoinHashTable; the probe
// side (left input) streams through HashJoinProbe. Supports INNER, LEFT (probe side preserved), RIGHT
// (build side preserved), FULL, CROSS (no keys: every pair), SEMI, ANTI (optionally null-aware: NOT IN)
// and MARK joins, each with an optional residual condition evaluated on candidate pairs.
#pragma once

#include <atomic>
#include <memory>

#include "execution/operators.h"
#include "execution/row_operations.h"
#include "planner/logical_plan.h"

namespace fedq {

struct JoinHashTable {
    Batch rows;                       // every build row, build-pipeline layout
    std::vector<ColumnPtr> keys;      // evaluated build keys
    // Chained hash table: buckets[hash & mask] = first row + 1 of the chain (0 = empty); entries[row] holds
    // the upper half of the row's hash (a tag: rows whose tag differs are skipped without a key compare) and
    // the next row + 1 of its chain, side by side in 8 bytes, so a chain step touches one cache line before
    // the key compare. Chains list rows in input order; rows with a NULL key are not linked.
    struct Entry {
        uint32_t tag;
        uint32_t next;
    };
    static uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
    std::vector<uint32_t> buckets;
    std::vector<Entry> entries;
    uint64_t mask = 0;
    bool has_null_key = false;
    std::unique_ptr<std::atomic<uint8_t>[]> matched;  // FULL joins
};

class JoinBuildSink final : public Sink {
public:
    JoinBuildSink(std::vector<BoundExprPtr> keys, std::vector<Type> types, QueryContext& context)
        : keys_(std::move(keys)), types_(std::move(types)), context_(context) {}
    void set_threads(size_t threads) override { per_thread_.resize(threads); }
    void consume(Batch&& batch, size_t thread) override;
    std::shared_ptr<JoinHashTable> finish(bool track_matches);

private:
    std::vector<BoundExprPtr> keys_;
    std::vector<Type> types_;
    QueryContext& context_;
    std::vector<std::vector<Batch>> per_thread_;
};

struct HashJoinSpec {
    LogicalJoinType type = LogicalJoinType::kInner;
    std::vector<BoundExprPtr> probe_keys;   // resolved on the probe layout
    BoundExprPtr condition;                 // resolved on probe layout ++ build layout
    bool null_aware = false;
    std::vector<Type> probe_types;
    std::vector<Type> build_types;
};

class HashJoinProbe final : public Operator {
public:
    HashJoinProbe(HashJoinSpec spec, std::shared_ptr<JoinHashTable> table, QueryContext& context);
    void execute(Batch&& input, const Emit& emit) override;
    void finish(const Emit& emit) override;

private:
    void process_pairs(const Batch& probe, std::vector<uint32_t>& probe_rows, std::vector<uint32_t>& build_rows,
                       std::vector<uint8_t>& probe_matched, const Emit& emit);
    Batch joined(const Batch& probe, const std::vector<uint32_t>& probe_rows, const std::vector<uint32_t>& build_rows) const;
    Batch with_null_build(Batch&& probe_part) const;

    HashJoinSpec spec_;
    std::shared_ptr<JoinHashTable> table_;
    QueryContext& context_;
    std::vector<RowEqualFn> equal_;
};

}  // namespace fedq
