// Per-query execution state shared by all threads: settings, cancellation, memory accounting, and the
// counters EXPLAIN ANALYZE and the progress display read.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "common/error.h"
#include "connector/connector.h"
#include "functions/function.h"

namespace fedq {

struct LogicalNode;

// Accounts the memory of buffers that grow with the data (materialized batches, hash tables, sort
// buffers). Exceeding the limit fails the query with kOutOfMemory.
class MemoryTracker {
public:
    explicit MemoryTracker(int64_t limit) : limit_(limit) {}
    void consume(int64_t bytes) {
        int64_t now = used_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
        int64_t peak = peak_.load(std::memory_order_relaxed);
        while (now > peak && !peak_.compare_exchange_weak(peak, now)) {}
        if (limit_ > 0 && now > limit_) {
            raise(ErrorCode::kOutOfMemory, "query exceeded its memory limit of {} (query_max_memory); it needed at least {}",
                  format_bytes(limit_), format_bytes(now));
        }
    }
    void release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
    int64_t used() const { return used_.load(); }
    int64_t peak() const { return peak_.load(); }
    static std::string format_bytes(int64_t bytes);

private:
    int64_t limit_;
    std::atomic<int64_t> used_{0};
    std::atomic<int64_t> peak_{0};
};

struct OperatorStats {
    std::atomic<uint64_t> rows{0};
    std::atomic<uint64_t> batches{0};
    std::atomic<uint64_t> nanos{0};
    ScanMetrics scan;  // scans only
};

struct QueryContext {
    QueryContext(int64_t memory_limit) : memory(memory_limit) {}

    FunctionContext function_context;
    size_t threads = 1;
    size_t batch_rows = kDefaultBatchRows;
    std::atomic<bool> cancelled{false};
    MemoryTracker memory;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

    // Progress.
    std::atomic<uint64_t> rows_read{0};
    std::atomic<uint64_t> bytes_read{0};
    std::atomic<uint64_t> splits_done{0};
    std::atomic<uint64_t> splits_total{0};

    // Bytes read from each source (catalog name; "files" for paths in FROM), in first-scan order. The
    // reference stays valid for the context's life: scans keep it and add to it without locking.
    std::atomic<uint64_t>& source_bytes(const std::string& source) {
        std::lock_guard lock(stats_mutex_);
        for (auto& [name, bytes] : source_bytes_) {
            if (name == source) return *bytes;
        }
        source_bytes_.emplace_back(source, std::make_unique<std::atomic<uint64_t>>(0));
        return *source_bytes_.back().second;
    }
    std::vector<std::pair<std::string, uint64_t>> bytes_by_source() const {
        std::lock_guard lock(stats_mutex_);
        std::vector<std::pair<std::string, uint64_t>> out;
        for (const auto& [name, bytes] : source_bytes_) out.emplace_back(name, bytes->load());
        return out;
    }

    bool collect_stats = false;
    OperatorStats& stats(const LogicalNode* node) {
        std::lock_guard lock(stats_mutex_);
        auto& slot = stats_[node];
        if (!slot) slot = std::make_unique<OperatorStats>();
        return *slot;
    }
    const OperatorStats* find_stats(const LogicalNode* node) const {
        std::lock_guard lock(stats_mutex_);
        auto it = stats_.find(node);
        return it == stats_.end() ? nullptr : it->second.get();
    }

    void check_cancelled() const {
        if (cancelled.load(std::memory_order_relaxed)) raise(ErrorCode::kCancelled, "query was cancelled");
    }

private:
    mutable std::mutex stats_mutex_;
    std::vector<std::pair<std::string, std::unique_ptr<std::atomic<uint64_t>>>> source_bytes_;
    std::map<const LogicalNode*, std::unique_ptr<OperatorStats>> stats_;
};

}  // namespace fedq
