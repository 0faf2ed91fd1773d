// Push-based pipelines. A pipeline is a Source, a chain of streaming Operators and a Sink. Several
// threads run one pipeline at once: each pulls batches from the (thread-safe) source and pushes them
// through the operators into the sink, keeping its own per-thread state. Blocking operators (hash
// aggregate, sort, hash join build, window) are sinks of one pipeline and the source of the next.
// Sources that deliver rows in a meaningful order (a sorted result) are run by one thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "execution/query_context.h"
#include "vector/column.h"

namespace fedq {

struct LogicalNode;

class Source {
public:
    virtual ~Source() = default;
    // Per-thread state (e.g. the split a thread is reading).
    virtual std::unique_ptr<void, void (*)(void*)> make_local() { return {nullptr, [](void*) {}}; }
    // Next batch for this thread; false when the source is exhausted.
    virtual bool next(void* local, Batch& batch) = 0;
    virtual bool ordered() const { return false; }
};

using Emit = std::function<void(Batch&&)>;

class Operator {
public:
    virtual ~Operator() = default;
    // Processes one input batch, emitting zero or more output batches.
    virtual void execute(Batch&& input, const Emit& emit) = 0;
    // Called once after all threads finished (single-threaded): may emit final batches (FULL join's
    // unmatched build rows).
    virtual void finish(const Emit&) {}
    // True when no more input is needed (a satisfied LIMIT): the pipeline stops early.
    virtual bool done() const { return false; }
    const LogicalNode* node = nullptr;  // for EXPLAIN ANALYZE statistics
};

class Sink {
public:
    virtual ~Sink() = default;
    virtual void consume(Batch&& batch, size_t thread) = 0;
    virtual void set_threads(size_t threads) { (void)threads; }
};

struct Pipeline {
    std::unique_ptr<Source> source;
    std::vector<std::unique_ptr<Operator>> operators;
    std::vector<uint32_t> layout;  // column id of each position of the batches leaving the pipeline
    std::vector<Type> types;       // and its type
    const LogicalNode* source_node = nullptr;
};

// Runs `pipeline` to completion into `sink` using up to context.threads threads. Rethrows the first
// error any thread raised (after stopping the others).
void run_pipeline(Pipeline& pipeline, Sink& sink, QueryContext& context);

// A source over batches already in memory (results of blocking operators). Hands batches out to
// threads in order; `ordered` makes the pipeline single-threaded.
class MaterializedSource final : public Source {
public:
    MaterializedSource(std::vector<Batch> batches, bool ordered) : batches_(std::move(batches)), ordered_(ordered) {}
    bool next(void*, Batch& batch) override {
        size_t i = next_.fetch_add(1);
        if (i >= batches_.size()) return false;
        batch = std::move(batches_[i]);
        return true;
    }
    bool ordered() const override { return ordered_; }

private:
    std::vector<Batch> batches_;
    std::atomic<size_t> next_{0};
    bool ordered_;
};

// Collects batches per thread (in arrival order for a single thread).
class CollectSink final : public Sink {
public:
    explicit CollectSink(QueryContext& context, bool account = true) : context_(context), account_(account) {}
    void set_threads(size_t threads) override { per_thread_.resize(threads); }
    void consume(Batch&& batch, size_t thread) override {
        if (batch.num_rows == 0) return;
        if (account_) context_.memory.consume(static_cast<int64_t>(batch.memory_bytes()));
        per_thread_[thread].push_back(std::move(batch));
    }
    std::vector<Batch> take() {
        std::vector<Batch> out;
        for (auto& v : per_thread_) {
            for (auto& b : v) out.push_back(std::move(b));
        }
        per_thread_.clear();
        return out;
    }

private:
    QueryContext& context_;
    bool account_;
    std::vector<std::vector<Batch>> per_thread_;
};

// Hands each batch to a callback as it arrives, one call at a time (in order for a single thread): the
// result of a query streams to its consumer instead of being collected.
class CallbackSink final : public Sink {
public:
    explicit CallbackSink(std::function<void(Batch&&)> callback) : callback_(std::move(callback)) {}
    void consume(Batch&& batch, size_t) override {
        if (batch.num_rows == 0) return;
        std::lock_guard lock(mutex_);
        callback_(std::move(batch));
    }

private:
    std::mutex mutex_;
    std::function<void(Batch&&)> callback_;
};

// Splits a large batch into batches of at most `rows` rows.
std::vector<Batch> rebatch(Batch&& big, size_t rows);

}  // namespace fedq
