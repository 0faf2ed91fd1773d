#include "execution/pipeline.h"

#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace fedq {

namespace {

struct Driver {
    Pipeline& pipeline;
    Sink& sink;
    QueryContext& context;
    std::atomic<bool> stop{false};

    bool finished() const {
        for (const auto& op : pipeline.operators) {
            if (op->done()) return true;
        }
        return false;
    }

    void push(size_t index, Batch&& batch, size_t thread) {
        if (index == pipeline.operators.size()) {
            sink.consume(std::move(batch), thread);
            return;
        }
        Operator& op = *pipeline.operators[index];
        if (context.collect_stats && op.node) {
            auto& stats = context.stats(op.node);
            auto begin = std::chrono::steady_clock::now();
            op.execute(std::move(batch), [&](Batch&& out) {
                stats.rows += out.num_rows;
                stats.batches += 1;
                auto pause = std::chrono::steady_clock::now();
                stats.nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(pause - begin).count();
                push(index + 1, std::move(out), thread);
                begin = std::chrono::steady_clock::now();
            });
            stats.nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - begin).count();
        } else {
            op.execute(std::move(batch), [&](Batch&& out) { push(index + 1, std::move(out), thread); });
        }
    }

    void run(size_t thread) {
        auto local = pipeline.source->make_local();
        Batch batch;
        while (!stop.load(std::memory_order_relaxed) && !finished()) {
            context.check_cancelled();
            OperatorStats* stats = context.collect_stats && pipeline.source_node ? &context.stats(pipeline.source_node) : nullptr;
            auto begin = std::chrono::steady_clock::now();
            if (!pipeline.source->next(local.get(), batch)) break;
            if (stats) {
                stats->nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - begin).count();
                stats->rows += batch.num_rows;
                stats->batches += 1;
            }
            push(0, std::move(batch), thread);
            batch = Batch();
        }
    }
};

}  // namespace

void run_pipeline(Pipeline& pipeline, Sink& sink, QueryContext& context) {
    size_t threads = pipeline.source->ordered() ? 1 : std::max<size_t>(1, context.threads);
    sink.set_threads(threads);
    Driver driver{pipeline, sink, context};
    if (threads == 1) {
        driver.run(0);
    } else {
        std::exception_ptr error;
        std::mutex error_mutex;
        std::vector<std::thread> workers;
        for (size_t t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                try {
                    driver.run(t);
                } catch (...) {
                    std::lock_guard lock(error_mutex);
                    if (!error) error = std::current_exception();
                    driver.stop = true;
                }
            });
        }
        for (auto& w : workers) w.join();
        if (error) std::rethrow_exception(error);
    }
    // Final output of operators (single-threaded), pushed through the operators after them.
    for (size_t i = 0; i < pipeline.operators.size(); ++i) {
        pipeline.operators[i]->finish([&](Batch&& out) { driver.push(i + 1, std::move(out), 0); });
    }
}

std::vector<Batch> rebatch(Batch&& big, size_t rows) {
    std::vector<Batch> out;
    if (big.num_rows <= rows) {
        if (big.num_rows) out.push_back(std::move(big));
        return out;
    }
    for (size_t offset = 0; offset < big.num_rows; offset += rows) {
        out.push_back(big.slice(offset, std::min(rows, big.num_rows - offset)));
    }
    return out;
}

}  // namespace fedq
