#include "execution/hash_join.h"

#include <algorithm>
#include <bit>

#include "vector/gather.h"

namespace fedq {

namespace {
constexpr size_t kPairChunk = 16384;
}

void JoinBuildSink::consume(Batch&& batch, size_t thread) {
    if (batch.num_rows == 0) return;
    context_.memory.consume(static_cast<int64_t>(batch.memory_bytes()));
    per_thread_[thread].push_back(std::move(batch));
}

std::shared_ptr<JoinHashTable> JoinBuildSink::finish(bool track_matches) {
    auto table = std::make_shared<JoinHashTable>();
    std::vector<Batch> all;
    for (auto& v : per_thread_) {
        for (auto& b : v) all.push_back(std::move(b));
    }
    per_thread_.clear();
    table->rows = concatenate(all, types_);
    all.clear();
    const size_t rows = table->rows.num_rows;
    if (rows >= UINT32_MAX - 1) raise(ErrorCode::kOutOfMemory, "hash join build side has too many rows ({})", rows);
    ExpressionEvaluator evaluator(&context_.function_context);
    std::vector<const Column*> key_columns;
    for (const auto& k : keys_) {
        table->keys.push_back(evaluator.evaluate(*k, table->rows));
        key_columns.push_back(table->keys.back().get());
    }
    std::vector<uint64_t> hashes(rows);
    hash_rows(key_columns, rows, hashes.data());
    size_t capacity = std::bit_ceil(std::max<size_t>(16, rows * 2));
    table->mask = capacity - 1;
    table->buckets.assign(capacity, 0);
    table->entries.resize(rows);
    context_.memory.consume(static_cast<int64_t>(capacity * 4 + rows * 8));
    std::vector<uint8_t> null_key(rows, 0);
    for (const auto* k : key_columns) {
        if (!k->has_nulls()) continue;
        const uint8_t* valid = k->validity();
        for (size_t r = 0; r < rows; ++r) null_key[r] |= !valid[r];
    }
    uint32_t* buckets = table->buckets.data();
    JoinHashTable::Entry* entries = table->entries.data();
    // Insert in reverse so chains list rows in input order.
    for (size_t r = rows; r-- > 0;) {
        entries[r].tag = JoinHashTable::tag_of(hashes[r]);
        entries[r].next = 0;
        if (null_key[r]) {
            table->has_null_key = true;
            continue;
        }
        const uint64_t slot = hashes[r] & table->mask;
        entries[r].next = buckets[slot];
        buckets[slot] = static_cast<uint32_t>(r + 1);
    }
    if (track_matches) {
        table->matched.reset(new std::atomic<uint8_t>[rows]);
        for (size_t i = 0; i < rows; ++i) table->matched[i].store(0, std::memory_order_relaxed);
    }
    return table;
}

HashJoinProbe::HashJoinProbe(HashJoinSpec spec, std::shared_ptr<JoinHashTable> table, QueryContext& context)
    : spec_(std::move(spec)), table_(std::move(table)), context_(context) {
    for (const auto& k : table_->keys) equal_.push_back(row_equal_function(k->type()));
}

Batch HashJoinProbe::joined(const Batch& probe, const std::vector<uint32_t>& probe_rows,
                            const std::vector<uint32_t>& build_rows) const {
    Batch out = fast_gather(probe, probe_rows.data(), probe_rows.size());
    Batch right = fast_gather(table_->rows, build_rows.data(), build_rows.size());
    for (auto& c : right.columns) out.columns.push_back(std::move(c));
    return out;
}

Batch HashJoinProbe::with_null_build(Batch&& probe_part) const {
    for (const auto& t : spec_.build_types) probe_part.columns.push_back(Column::constant(Value::null(t), probe_part.num_rows));
    return std::move(probe_part);
}

void HashJoinProbe::process_pairs(const Batch& probe, std::vector<uint32_t>& probe_rows, std::vector<uint32_t>& build_rows,
                                  std::vector<uint8_t>& probe_matched, const Emit& emit) {
    if (probe_rows.empty()) return;
    const LogicalJoinType type = spec_.type;
    const bool emits_pairs = type == LogicalJoinType::kInner || type == LogicalJoinType::kLeft ||
                             type == LogicalJoinType::kFull || type == LogicalJoinType::kRight ||
                             type == LogicalJoinType::kCross;
    Batch pairs;
    if (spec_.condition) {
        pairs = joined(probe, probe_rows, build_rows);
        ExpressionEvaluator evaluator(&context_.function_context);
        std::vector<uint32_t> selection;
        evaluator.select(*spec_.condition, pairs, selection);
        std::vector<uint32_t> kept_probe, kept_build;
        for (uint32_t s : selection) {
            kept_probe.push_back(probe_rows[s]);
            kept_build.push_back(build_rows[s]);
        }
        if (emits_pairs && selection.size() != pairs.num_rows)
            pairs = fast_gather(pairs, selection.data(), selection.size());
        probe_rows = std::move(kept_probe);
        build_rows = std::move(kept_build);
    } else if (emits_pairs) {
        pairs = joined(probe, probe_rows, build_rows);
    }
    for (uint32_t p : probe_rows) probe_matched[p] = 1;
    if (table_->matched) {
        for (uint32_t b : build_rows) table_->matched[b].store(1, std::memory_order_relaxed);
    }
    if (emits_pairs && pairs.num_rows) emit(std::move(pairs));
    probe_rows.clear();
    build_rows.clear();
}

void HashJoinProbe::execute(Batch&& input, const Emit& emit) {
    const size_t rows = input.num_rows;
    if (rows == 0) return;
    const LogicalJoinType type = spec_.type;
    const size_t build_rows_total = table_->rows.num_rows;
    std::vector<uint8_t> probe_matched(rows, 0);
    std::vector<uint8_t> probe_key_null(rows, 0);
    std::vector<uint32_t> probe_rows, build_rows;
    probe_rows.reserve(std::min(rows * 2, kPairChunk));
    build_rows.reserve(std::min(rows * 2, kPairChunk));
    if (!spec_.probe_keys.empty()) {
        ExpressionEvaluator evaluator(&context_.function_context);
        std::vector<ColumnPtr> keys;
        std::vector<const Column*> key_columns;
        for (const auto& k : spec_.probe_keys) {
            keys.push_back(evaluator.evaluate(*k, input));
            key_columns.push_back(keys.back().get());
        }
        std::vector<uint64_t> hashes(rows);
        hash_rows(key_columns, rows, hashes.data());
        const size_t key_count = key_columns.size();
        // Chain heads first, with prefetches, so the cache misses of many rows overlap instead of stalling
        // the chain walk row by row.
        const uint32_t* buckets = table_->buckets.data();
        const JoinHashTable::Entry* entries = table_->entries.data();
        const uint64_t mask = table_->mask;
        std::vector<uint32_t> heads(rows);
        constexpr size_t kAhead = 16;
        for (size_t i = 0; i < std::min(rows, kAhead); ++i) __builtin_prefetch(buckets + (hashes[i] & mask));
        for (size_t i = 0; i < rows; ++i) {
            if (i + kAhead < rows) __builtin_prefetch(buckets + (hashes[i + kAhead] & mask));
            heads[i] = buckets[hashes[i] & mask];
        }
        for (const auto* k : key_columns) {
            if (!k->has_nulls()) continue;
            const uint8_t* valid = k->validity();
            for (size_t i = 0; i < rows; ++i) {
                if (!valid[i]) {
                    probe_key_null[i] = 1;
                    heads[i] = 0;
                }
            }
        }
        for (size_t i = 0; i < std::min(rows, kAhead); ++i) {
            if (heads[i]) __builtin_prefetch(entries + heads[i] - 1);
        }
        for (size_t i = 0; i < rows; ++i) {
            if (i + kAhead < rows && heads[i + kAhead]) __builtin_prefetch(entries + heads[i + kAhead] - 1);
            const uint32_t tag = JoinHashTable::tag_of(hashes[i]);
            for (uint32_t slot = heads[i]; slot; slot = entries[slot - 1].next) {
                const uint32_t b = slot - 1;
                if (entries[b].tag != tag) continue;
                bool equal = true;
                for (size_t k = 0; k < key_count && equal; ++k) equal = equal_[k](*key_columns[k], i, *table_->keys[k], b);
                if (!equal) continue;
                probe_rows.push_back(static_cast<uint32_t>(i));
                build_rows.push_back(b);
                // Semi/anti/mark without a residual need only one match per probe row.
                if (!spec_.condition && (type == LogicalJoinType::kSemi || type == LogicalJoinType::kAnti ||
                                         type == LogicalJoinType::kMark)) {
                    break;
                }
            }
            if (probe_rows.size() >= kPairChunk) process_pairs(input, probe_rows, build_rows, probe_matched, emit);
        }
    } else {
        for (size_t i = 0; i < rows; ++i) {
            for (size_t b = 0; b < build_rows_total; ++b) {
                probe_rows.push_back(static_cast<uint32_t>(i));
                build_rows.push_back(static_cast<uint32_t>(b));
                if (probe_rows.size() >= kPairChunk) process_pairs(input, probe_rows, build_rows, probe_matched, emit);
            }
        }
    }
    process_pairs(input, probe_rows, build_rows, probe_matched, emit);

    std::vector<uint32_t> selected;
    switch (type) {
        case LogicalJoinType::kLeft:
        case LogicalJoinType::kFull:
            for (size_t i = 0; i < rows; ++i) {
                if (!probe_matched[i]) selected.push_back(static_cast<uint32_t>(i));
            }
            if (!selected.empty()) emit(with_null_build(fast_gather(input, selected.data(), selected.size())));
            break;
        case LogicalJoinType::kSemi:
            for (size_t i = 0; i < rows; ++i) {
                if (probe_matched[i]) selected.push_back(static_cast<uint32_t>(i));
            }
            if (selected.size() == rows) emit(std::move(input));
            else if (!selected.empty()) emit(fast_gather(input, selected.data(), selected.size()));
            break;
        case LogicalJoinType::kAnti: {
            if (spec_.null_aware && build_rows_total > 0 && table_->has_null_key) break;
            for (size_t i = 0; i < rows; ++i) {
                if (probe_matched[i]) continue;
                if (spec_.null_aware && build_rows_total > 0 && probe_key_null[i]) continue;
                selected.push_back(static_cast<uint32_t>(i));
            }
            if (selected.size() == rows) emit(std::move(input));
            else if (!selected.empty()) emit(fast_gather(input, selected.data(), selected.size()));
            break;
        }
        case LogicalJoinType::kMark: {
            auto mark = Column::make(Type::boolean(), rows);
            mark->resize(rows);
            uint8_t* m = mark->values<uint8_t>();
            for (size_t i = 0; i < rows; ++i) {
                m[i] = probe_matched[i];
                if (!probe_matched[i] && spec_.null_aware && build_rows_total > 0 &&
                    (probe_key_null[i] || table_->has_null_key)) {
                    mark->set_null(i);
                }
            }
            input.columns.push_back(std::move(mark));
            emit(std::move(input));
            break;
        }
        default: break;
    }
}

void HashJoinProbe::finish(const Emit& emit) {
    // FULL and RIGHT (build side preserved): the build rows no probe row matched, with NULL probe columns.
    if ((spec_.type != LogicalJoinType::kFull && spec_.type != LogicalJoinType::kRight) || !table_->matched) return;
    std::vector<uint32_t> unmatched;
    for (size_t b = 0; b < table_->rows.num_rows; ++b) {
        if (!table_->matched[b].load(std::memory_order_relaxed)) unmatched.push_back(static_cast<uint32_t>(b));
    }
    for (size_t offset = 0; offset < unmatched.size(); offset += context_.batch_rows) {
        size_t count = std::min(context_.batch_rows, unmatched.size() - offset);
        Batch out;
        out.num_rows = count;
        for (const auto& t : spec_.probe_types) out.columns.push_back(Column::constant(Value::null(t), count));
        Batch right = fast_gather(table_->rows, unmatched.data() + offset, count);
        for (auto& c : right.columns) out.columns.push_back(std::move(c));
        emit(std::move(out));
    }
}

}  // namespace fedq
