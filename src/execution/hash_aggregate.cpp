#include "execution/hash_aggregate.h"

#include <algorithm>
#include <bit>

#include "vector/gather.h"

namespace fedq {

namespace {
constexpr size_t kGroupsPerBlock = 1024;
}

class AggregateTable {
public:
    AggregateTable(const AggregateSpec& spec, const std::vector<size_t>& offsets, size_t row_size, QueryContext& context)
        : spec_(spec), offsets_(offsets), row_size_(row_size), context_(context) {
        for (const auto& t : spec.group_types) {
            keys_.push_back(Column::make(t));
            equal_.push_back(row_equal_function(t));
        }
        slots_.assign(1024, 0);
        mask_ = slots_.size() - 1;
    }

    ~AggregateTable() {
        for (size_t g = 0; g < groups_; ++g) {
            for (size_t a = 0; a < spec_.calls.size(); ++a) {
                if (spec_.calls[a].function->destroy) spec_.calls[a].function->destroy(state(g) + offsets_[a]);
            }
        }
    }

    size_t groups() const { return groups_; }
    uint8_t* state(size_t g) { return blocks_[g / kGroupsPerBlock].get() + (g % kGroupsPerBlock) * row_size_; }
    std::vector<ColumnPtr>& keys() { return keys_; }
    const std::vector<uint64_t>& hashes() const { return hashes_; }

    // Group index of row `row` of `key_columns` (inserting a new group if needed).
    uint32_t find_or_insert(const std::vector<const Column*>& key_columns, size_t row, uint64_t hash) {
        size_t slot = hash & mask_;
        const uint32_t tag = static_cast<uint32_t>(hash >> 32);
        while (uint64_t entry = slots_[slot]) {
            // The slot holds the group (+1) and the hash's upper half: most mismatches end here, without
            // touching hashes_ or the key columns.
            uint32_t g = static_cast<uint32_t>(entry) - 1;
            if (static_cast<uint32_t>(entry >> 32) == tag && hashes_[g] == hash) {
                bool equal = true;
                for (size_t k = 0; k < key_columns.size() && equal; ++k) equal = equal_[k](*key_columns[k], row, *keys_[k], g);
                if (equal) return g;
            }
            slot = (slot + 1) & mask_;
        }
        uint32_t g = new_group(hash);
        for (size_t k = 0; k < key_columns.size(); ++k) keys_[k]->append_from(*key_columns[k], row);
        slots_[slot] = make_slot(g, hash);
        if (groups_ * 2 > slots_.size()) grow();
        return g;
    }

    // Prefetches the slot `hash` starts probing at (call a few rows ahead of find_or_insert).
    void prefetch(uint64_t hash) const { __builtin_prefetch(slots_.data() + (hash & mask_)); }

    uint32_t new_group(uint64_t hash) {
        uint32_t g = static_cast<uint32_t>(groups_);
        if (g % kGroupsPerBlock == 0) {
            size_t bytes = std::max<size_t>(row_size_, 1) * kGroupsPerBlock;
            blocks_.emplace_back(new (std::align_val_t(16)) uint8_t[bytes]);
            context_.memory.consume(static_cast<int64_t>(bytes + kGroupsPerBlock * 16));
        }
        ++groups_;
        hashes_.push_back(hash);
        uint8_t* s = state(g);
        for (size_t a = 0; a < spec_.calls.size(); ++a) spec_.calls[a].function->init(s + offsets_[a]);
        return g;
    }

private:
    void grow() {
        std::vector<uint64_t> fresh(slots_.size() * 2, 0);
        size_t mask = fresh.size() - 1;
        for (size_t g = 0; g < groups_; ++g) {
            size_t slot = hashes_[g] & mask;
            while (fresh[slot]) slot = (slot + 1) & mask;
            fresh[slot] = make_slot(static_cast<uint32_t>(g), hashes_[g]);
        }
        context_.memory.consume(static_cast<int64_t>(slots_.size() * 8));
        slots_ = std::move(fresh);
        mask_ = mask;
    }

    static uint64_t make_slot(uint32_t g, uint64_t hash) {
        return (hash & 0xFFFFFFFF00000000ULL) | static_cast<uint64_t>(g + 1);
    }

    struct AlignedDelete {
        void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(16)); }
    };

    const AggregateSpec& spec_;
    const std::vector<size_t>& offsets_;
    size_t row_size_;
    QueryContext& context_;
    std::vector<ColumnPtr> keys_;
    std::vector<RowEqualFn> equal_;
    std::vector<uint64_t> hashes_;
    std::vector<uint64_t> slots_;  // 0 = empty, else (hash >> 32) << 32 | (group + 1)
    size_t mask_;
    size_t groups_ = 0;
    std::vector<std::unique_ptr<uint8_t[], AlignedDelete>> blocks_;
};

AggregateSink::AggregateSink(AggregateSpec spec, QueryContext& context) : spec_(std::move(spec)), context_(context) {
    for (const auto& call : spec_.calls) {
        size_t align = std::max<size_t>(call.function->state_align, 1);
        row_size_ = (row_size_ + align - 1) / align * align;
        offsets_.push_back(row_size_);
        row_size_ += call.function->state_size;
    }
    row_size_ = (row_size_ + 15) / 16 * 16;
}

AggregateSink::~AggregateSink() = default;

void AggregateSink::set_threads(size_t threads) {
    tables_.clear();
    for (size_t t = 0; t < threads; ++t) tables_.push_back(std::make_unique<AggregateTable>(spec_, offsets_, row_size_, context_));
}

void AggregateSink::consume(Batch&& batch, size_t thread) {
    const size_t rows = batch.num_rows;
    if (rows == 0) return;
    AggregateTable& table = *tables_[thread];
    ExpressionEvaluator evaluator(&context_.function_context);
    std::vector<uint32_t> group_ids(rows);
    if (spec_.groups.empty()) {
        if (table.groups() == 0) table.new_group(0);
        std::fill(group_ids.begin(), group_ids.end(), 0);
    } else {
        std::vector<ColumnPtr> keys;
        std::vector<const Column*> key_columns;
        for (const auto& g : spec_.groups) {
            keys.push_back(evaluator.evaluate(*g, batch));
            key_columns.push_back(keys.back().get());
        }
        std::vector<uint64_t> hashes(rows);
        hash_rows(key_columns, rows, hashes.data());
        constexpr size_t kAhead = 8;
        for (size_t r = 0; r < std::min(rows, kAhead); ++r) table.prefetch(hashes[r]);
        for (size_t r = 0; r < rows; ++r) {
            if (r + kAhead < rows) table.prefetch(hashes[r + kAhead]);
            group_ids[r] = table.find_or_insert(key_columns, r, hashes[r]);
        }
    }
    std::vector<uint8_t*> states(rows);
    for (size_t a = 0; a < spec_.calls.size(); ++a) {
        const auto& call = spec_.calls[a];
        std::vector<ColumnPtr> args;
        std::vector<const Column*> arg_columns;
        size_t count = rows;
        if (call.filter) {
            std::vector<uint32_t> selection;
            evaluator.select(*call.filter, batch, selection);
            if (selection.empty()) continue;
            Batch sub = fast_gather(batch, selection.data(), selection.size());
            for (const auto& e : call.args) {
                args.push_back(evaluator.evaluate(*e, sub));
                arg_columns.push_back(args.back().get());
            }
            count = selection.size();
            for (size_t i = 0; i < count; ++i) states[i] = table.state(group_ids[selection[i]]) + offsets_[a];
        } else {
            for (const auto& e : call.args) {
                args.push_back(evaluator.evaluate(*e, batch));
                arg_columns.push_back(args.back().get());
            }
            for (size_t i = 0; i < rows; ++i) states[i] = table.state(group_ids[i]) + offsets_[a];
        }
        call.function->update(states.data(), arg_columns, count);
    }
}

std::vector<Batch> AggregateSink::finish() {
    if (tables_.empty()) set_threads(1);
    AggregateTable& target = *tables_[0];
    for (size_t t = 1; t < tables_.size(); ++t) {
        AggregateTable& source = *tables_[t];
        std::vector<const Column*> key_columns;
        for (const auto& k : source.keys()) key_columns.push_back(k.get());
        for (size_t g = 0; g < source.groups(); ++g) {
            uint32_t tg = spec_.groups.empty() ? (target.groups() ? 0 : target.new_group(0))
                                               : target.find_or_insert(key_columns, g, source.hashes()[g]);
            for (size_t a = 0; a < spec_.calls.size(); ++a) {
                spec_.calls[a].function->combine(target.state(tg) + offsets_[a], source.state(g) + offsets_[a]);
            }
        }
        tables_[t].reset();
    }
    if (spec_.groups.empty() && target.groups() == 0) target.new_group(0);
    if (spec_.grand_total_set >= 0 && target.groups() == 0) {
        // ROLLUP/CUBE over no rows: the grand-total set still has its one row (all keys NULL).
        std::vector<ColumnPtr> keys;
        std::vector<const Column*> key_columns;
        for (size_t k = 0; k < spec_.group_types.size(); ++k) {
            auto column = Column::make(spec_.group_types[k], 1);
            if (k + 1 == spec_.group_types.size()) column->append_value(Value::integer(spec_.grand_total_set));
            else column->append_null();
            key_columns.push_back(column.get());
            keys.push_back(std::move(column));
        }
        uint64_t hash = 0;
        hash_rows(key_columns, 1, &hash);
        target.find_or_insert(key_columns, 0, hash);
    }
    const size_t groups = target.groups();
    std::vector<Batch> out;
    const size_t batch_rows = std::max<size_t>(context_.batch_rows, 1);
    for (size_t start = 0; start < groups; start += batch_rows) {
        size_t count = std::min(batch_rows, groups - start);
        Batch batch;
        batch.num_rows = count;
        for (const auto& k : target.keys()) {
            if (start == 0 && count == groups) {
                batch.columns.push_back(k);
            } else {
                auto part = Column::make(k->type(), count);
                part->append_range(*k, start, count);
                batch.columns.push_back(std::move(part));
            }
        }
        for (size_t a = 0; a < spec_.calls.size(); ++a) {
            auto column = Column::make(spec_.calls[a].function->return_type, count);
            for (size_t g = start; g < start + count; ++g) spec_.calls[a].function->finalize(target.state(g) + offsets_[a], *column);
            batch.columns.push_back(std::move(column));
        }
        out.push_back(std::move(batch));
    }
    tables_.clear();
    return out;
}

}  // namespace fedq
