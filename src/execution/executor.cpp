#include "execution/executor.h"

#include <unordered_set>

#include "vector/gather.h"
#include "execution/hash_aggregate.h"
#include "execution/hash_join.h"
#include "execution/operators.h"
#include "execution/sort.h"
#include "execution/window.h"

namespace fedq {

namespace {

constexpr uint32_t kUnusedColumn = UINT32_MAX;

class ScanSource final : public Source {
public:
    ScanSource(const LogicalNode& node, QueryContext& context) : node_(node), context_(context) {
        context_.splits_total += node.pushdown.plan.splits.size();
        metrics_ = &context_.stats(&node).scan;
        source_bytes_ = &context_.source_bytes(node.catalog_name.empty() ? std::string("files") : node.catalog_name);
    }

    struct Local {
        std::unique_ptr<BatchReader> reader;
        ReadContext read_context;
        uint64_t bytes_seen = 0;
    };

    std::unique_ptr<void, void (*)(void*)> make_local() override {
        auto* local = new Local();
        local->read_context.cancelled = &context_.cancelled;
        local->read_context.metrics = metrics_;
        return {local, [](void* p) { delete static_cast<Local*>(p); }};
    }

    bool next(void* raw, Batch& batch) override {
        auto* local = static_cast<Local*>(raw);
        const auto& splits = node_.pushdown.plan.splits;
        while (true) {
            if (!local->reader) {
                size_t index = next_split_.fetch_add(1);
                if (index >= splits.size()) return false;
                local->reader = node_.connector->read_split(node_.pushdown.request, splits[index], local->read_context);
            }
            if (local->reader->next(batch)) {
                context_.rows_read += batch.num_rows;
                uint64_t bytes = metrics_->bytes_read.load(std::memory_order_relaxed);
                if (bytes > local->bytes_seen) {
                    // Shared counter: add what this scan read since this thread last looked.
                    uint64_t seen = bytes_seen_.exchange(bytes);
                    if (bytes > seen) {
                        context_.bytes_read += bytes - seen;
                        *source_bytes_ += bytes - seen;
                    }
                    local->bytes_seen = bytes;
                }
                if (batch.num_rows == 0) continue;
                return true;
            }
            local->reader.reset();
            context_.splits_done += 1;
        }
    }

private:
    const LogicalNode& node_;
    QueryContext& context_;
    ScanMetrics* metrics_;
    std::atomic<uint64_t>* source_bytes_;
    std::atomic<size_t> next_split_{0};
    std::atomic<uint64_t> bytes_seen_{0};
};

std::vector<uint32_t> ids_of(const std::vector<OutputColumn>& outputs) {
    std::vector<uint32_t> ids;
    for (const auto& o : outputs) ids.push_back(o.id);
    return ids;
}

std::vector<Type> types_of(const std::vector<OutputColumn>& outputs) {
    std::vector<Type> types;
    for (const auto& o : outputs) types.push_back(o.type);
    return types;
}

Pipeline materialized(std::vector<Batch> batches, bool ordered, std::vector<uint32_t> layout, std::vector<Type> types,
                      const LogicalNode* node) {
    Pipeline p;
    p.source = std::make_unique<MaterializedSource>(std::move(batches), ordered);
    p.layout = std::move(layout);
    p.types = std::move(types);
    p.source_node = node;
    return p;
}

}  // namespace

std::vector<Batch> Executor::run_collect(Pipeline& pipeline) {
    CollectSink sink(context_);
    run_pipeline(pipeline, sink, context_);
    return sink.take();
}

std::vector<Batch> Executor::execute(const LogicalNode& root) {
    CollectSink sink(context_, false);
    execute(root, sink);
    return sink.take();
}

void Executor::execute(const LogicalNode& root, Sink& sink) {
    Pipeline pipeline = build(root);
    // Final projection to the root's columns, in order.
    std::vector<BoundExprPtr> columns;
    bool identity = pipeline.layout.size() == root.outputs.size();
    for (size_t i = 0; i < root.outputs.size(); ++i) {
        const auto& o = root.outputs[i];
        columns.push_back(resolve_columns(*BoundExpr::column(o.id, o.type, o.name), pipeline.layout));
        identity &= pipeline.layout[i] == o.id;
    }
    if (!identity) pipeline.operators.push_back(std::make_unique<ProjectOperator>(std::move(columns), context_));
    run_pipeline(pipeline, sink, context_);
}

Pipeline Executor::build(const LogicalNode& node) {
    switch (node.kind) {
        case LogicalKind::kScan: return build_scan(node);
        case LogicalKind::kFilter: {
            Pipeline p = build(*node.children[0]);
            auto op = std::make_unique<FilterOperator>(resolve_columns(*node.predicate, p.layout), context_);
            op->node = &node;
            p.operators.push_back(std::move(op));
            return p;
        }
        case LogicalKind::kProject: {
            Pipeline p = build(*node.children[0]);
            std::vector<BoundExprPtr> expressions;
            for (const auto& e : node.expressions) expressions.push_back(resolve_columns(*e, p.layout));
            auto op = std::make_unique<ProjectOperator>(std::move(expressions), context_);
            op->node = &node;
            p.operators.push_back(std::move(op));
            p.layout = ids_of(node.outputs);
            p.types = types_of(node.outputs);
            return p;
        }
        case LogicalKind::kLimit: {
            Pipeline p = build(*node.children[0]);
            auto op = std::make_unique<LimitOperator>(node.limit, node.offset);
            op->node = &node;
            p.operators.push_back(std::move(op));
            return p;
        }
        case LogicalKind::kUnnest: {
            Pipeline p = build(*node.children[0]);
            std::vector<BoundExprPtr> arrays;
            for (const auto& e : node.expressions) arrays.push_back(resolve_columns(*e, p.layout));
            auto op = std::make_unique<UnnestOperator>(std::move(arrays), node.with_ordinality, node.unnest_outer, context_);
            op->node = &node;
            p.operators.push_back(std::move(op));
            for (const auto& o : node.unnest_outputs) {
                p.layout.push_back(o.id);
                p.types.push_back(o.type);
            }
            return p;
        }
        case LogicalKind::kRecursiveUnion: return build_recursive_union(node);
        case LogicalKind::kWorkTable: {
            std::vector<Batch> rows;
            for (const auto& b : work_tables_[node.recursion]) rows.push_back(b.slice(0, b.num_rows));
            return materialized(std::move(rows), false, ids_of(node.outputs), types_of(node.outputs), &node);
        }
        case LogicalKind::kJoin: return build_join(node);
        case LogicalKind::kAggregate: return build_aggregate(node);
        case LogicalKind::kSort: return build_sort(node);
        case LogicalKind::kWindow: return build_window(node);
        case LogicalKind::kUnionAll: return build_union(node);
        case LogicalKind::kValues: return build_values(node);
        case LogicalKind::kDistinct: break;
    }
    raise(ErrorCode::kInternal, "cannot execute plan node");
}

Pipeline Executor::build_scan(const LogicalNode& node) {
    Pipeline p;
    p.source = std::make_unique<ScanSource>(node, context_);
    p.source_node = &node;
    p.layout = ids_of(node.outputs);
    p.types = types_of(node.outputs);
    if (node.outputs.empty() && !node.pushdown.request.columns.empty()) {
        p.layout.push_back(kUnusedColumn);
        p.types.push_back(node.table.columns[0].type);
    }
    if (!node.filters.empty()) {
        std::vector<BoundExprPtr> parts;
        for (const auto& f : node.filters) parts.push_back(f->clone());
        auto op = std::make_unique<FilterOperator>(resolve_columns(*make_conjunction(std::move(parts)), p.layout), context_);
        p.operators.push_back(std::move(op));
    }
    return p;
}

Pipeline Executor::build_join(const LogicalNode& node) {
    Pipeline build_side = build(*node.children[1]);
    std::vector<BoundExprPtr> build_keys;
    for (const auto& [left, right] : node.equi_keys) build_keys.push_back(resolve_columns(*right, build_side.layout));
    JoinBuildSink sink(std::move(build_keys), build_side.types, context_);
    run_pipeline(build_side, sink, context_);
    auto table = sink.finish(node.join_type == LogicalJoinType::kFull || node.join_type == LogicalJoinType::kRight);

    Pipeline p = build(*node.children[0]);
    HashJoinSpec spec;
    spec.type = node.join_type;
    spec.null_aware = node.null_aware;
    for (const auto& [left, right] : node.equi_keys) spec.probe_keys.push_back(resolve_columns(*left, p.layout));
    std::vector<uint32_t> joined_layout = p.layout;
    joined_layout.insert(joined_layout.end(), build_side.layout.begin(), build_side.layout.end());
    if (node.join_condition) spec.condition = resolve_columns(*node.join_condition, joined_layout);
    spec.probe_types = p.types;
    spec.build_types = build_side.types;
    auto op = std::make_unique<HashJoinProbe>(std::move(spec), std::move(table), context_);
    op->node = &node;
    p.operators.push_back(std::move(op));
    switch (node.join_type) {
        case LogicalJoinType::kSemi:
        case LogicalJoinType::kAnti: break;
        case LogicalJoinType::kMark:
            p.layout.push_back(node.mark_column);
            p.types.push_back(Type::boolean());
            break;
        default:
            p.layout = joined_layout;
            p.types.insert(p.types.end(), build_side.types.begin(), build_side.types.end());
    }
    return p;
}

Pipeline Executor::build_aggregate(const LogicalNode& node) {
    Pipeline p = build(*node.children[0]);
    // Aggregates with ORDER BY (string_agg(x, ',' ORDER BY y)) see their input sorted, in one thread.
    for (const auto& call : node.aggregates) {
        if (call.order_by.empty()) continue;
        std::vector<ResolvedSortKey> keys;
        for (const auto& k : call.order_by) keys.push_back({resolve_columns(*k.expr, p.layout), k.descending, k.nulls_first});
        SortSink sort(std::move(keys), p.types, std::nullopt, context_);
        run_pipeline(p, sort, context_);
        p = materialized(sort.finish(), true, p.layout, p.types, nullptr);
        break;
    }
    AggregateSpec spec;
    spec.grand_total_set = node.grand_total_set;
    for (const auto& g : node.groups) {
        spec.groups.push_back(resolve_columns(*g, p.layout));
        spec.group_types.push_back(g->type);
    }
    for (const auto& a : node.aggregates) {
        AggregateSpec::Call call;
        call.function = a.function;
        for (const auto& arg : a.args) call.args.push_back(resolve_columns(*arg, p.layout));
        if (a.filter) call.filter = resolve_columns(*a.filter, p.layout);
        spec.calls.push_back(std::move(call));
    }
    AggregateSink sink(std::move(spec), context_);
    run_pipeline(p, sink, context_);
    return materialized(sink.finish(), false, ids_of(node.outputs), types_of(node.outputs), &node);
}

Pipeline Executor::build_sort(const LogicalNode& node) {
    Pipeline p = build(*node.children[0]);
    std::vector<ResolvedSortKey> keys;
    for (const auto& k : node.sort_keys) keys.push_back({resolve_columns(*k.expr, p.layout), k.descending, k.nulls_first});
    SortSink sink(std::move(keys), p.types, node.limit, context_);
    run_pipeline(p, sink, context_);
    return materialized(sink.finish(), true, p.layout, p.types, &node);
}

Pipeline Executor::build_window(const LogicalNode& node) {
    Pipeline p = build(*node.children[0]);
    std::vector<ResolvedWindow> windows;
    std::vector<uint32_t> layout = p.layout;
    std::vector<Type> types = p.types;
    for (const auto& w : node.windows) {
        ResolvedWindow r;
        r.kind = w.kind;
        r.aggregate = w.aggregate;
        for (const auto& a : w.args) r.args.push_back(resolve_columns(*a, p.layout));
        for (const auto& e : w.partition_by) r.partition_by.push_back(resolve_columns(*e, p.layout));
        for (const auto& k : w.order_by) r.order_by.push_back({resolve_columns(*k.expr, p.layout), k.descending, k.nulls_first});
        r.frame = w.frame;
        r.ignore_nulls = w.ignore_nulls;
        r.type = w.type;
        windows.push_back(std::move(r));
        layout.push_back(w.output);
        types.push_back(w.type);
    }
    WindowSink sink(std::move(windows), p.types, context_);
    run_pipeline(p, sink, context_);
    return materialized(sink.finish(), false, std::move(layout), std::move(types), &node);
}

Pipeline Executor::build_union(const LogicalNode& node) {
    std::vector<Batch> all;
    for (const auto& child : node.children) {
        for (auto& b : run_positional(*child)) all.push_back(std::move(b));
    }
    return materialized(std::move(all), false, ids_of(node.outputs), types_of(node.outputs), &node);
}

// Runs `child` and returns its rows with the child's output columns in order.
std::vector<Batch> Executor::run_positional(const LogicalNode& child) {
    Pipeline p = build(child);
    std::vector<BoundExprPtr> columns;
    for (const auto& o : child.outputs) columns.push_back(resolve_columns(*BoundExpr::column(o.id, o.type, o.name), p.layout));
    p.operators.push_back(std::make_unique<ProjectOperator>(std::move(columns), context_));
    return run_collect(p);
}

Pipeline Executor::build_recursive_union(const LogicalNode& node) {
    constexpr int kMaxIterations = 10000;
    std::vector<Type> types = types_of(node.outputs);
    // UNION (not ALL): rows already produced are dropped; a round that adds nothing new ends the loop.
    std::unordered_set<std::string> seen;
    auto keep_new = [&](std::vector<Batch> batches) {
        if (node.union_all) return batches;
        std::vector<Batch> out;
        for (auto& b : batches) {
            std::vector<uint32_t> fresh;
            for (size_t r = 0; r < b.num_rows; ++r) {
                std::string key;
                for (const auto& c : b.columns) {
                    Value v = c->value_at(r);
                    key += v.is_null() ? std::string("\x01N") : v.to_string();
                    key += '\x00';
                }
                if (seen.insert(std::move(key)).second) fresh.push_back(static_cast<uint32_t>(r));
            }
            if (!fresh.empty()) out.push_back(fast_gather(b, fresh.data(), fresh.size()));
        }
        return out;
    };
    std::vector<Batch> all;
    std::vector<Batch> current = keep_new(run_positional(*node.children[0]));
    for (int iteration = 0;; ++iteration) {
        size_t rows = 0;
        for (const auto& b : current) rows += b.num_rows;
        if (rows == 0) break;
        if (iteration >= kMaxIterations) {
            raise(ErrorCode::kInvalidParameter, "recursive WITH query did not finish after {} iterations", kMaxIterations);
        }
        for (const auto& b : current) all.push_back(b.slice(0, b.num_rows));
        work_tables_[node.recursion] = std::move(current);
        current = keep_new(run_positional(*node.children[1]));
        context_.check_cancelled();
    }
    work_tables_.erase(node.recursion);
    return materialized(std::move(all), false, ids_of(node.outputs), std::move(types), &node);
}

Pipeline Executor::build_values(const LogicalNode& node) {
    Batch batch;
    batch.num_rows = node.rows.size();
    for (size_t c = 0; c < node.outputs.size(); ++c) {
        auto column = Column::make(node.outputs[c].type, node.rows.size());
        for (const auto& row : node.rows) {
            Value v = evaluate_constant(*row[c], &context_.function_context);
            column->append_value(v);
        }
        batch.columns.push_back(std::move(column));
    }
    std::vector<Batch> batches;
    if (batch.num_rows) batches.push_back(std::move(batch));
    return materialized(std::move(batches), true, ids_of(node.outputs), types_of(node.outputs), &node);
}

}  // namespace fedq
