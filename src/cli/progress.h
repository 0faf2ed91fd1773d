// Watches a running statement from a background thread: after a second it draws a progress line on
// stderr (elapsed, rows, bytes, splits) that updates in place and is cleared when the statement ends,
// and it turns a Ctrl-C (counted by the shell's signal handler) into Engine::cancel(). The signal
// handler itself only bumps an atomic counter, so nothing unsafe runs in signal context.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/engine.h"

namespace fedq {

// Incremented by the SIGINT handler; read by QueryMonitor while a statement runs.
extern std::atomic<int> g_interrupt_count;

class QueryMonitor {
  public:
    // show_progress: draw the progress line (only meaningful when stderr is a TTY).
    QueryMonitor(Engine& engine, bool show_progress);
    ~QueryMonitor();  // stops the thread and clears the progress line
    QueryMonitor(const QueryMonitor&) = delete;
    QueryMonitor& operator=(const QueryMonitor&) = delete;

    // True if a Ctrl-C arrived while the statement ran (the engine was asked to cancel).
    bool cancel_requested() const { return cancel_requested_.load(); }

  private:
    void run();

    Engine& engine_;
    bool show_progress_;
    int interrupts_at_start_;
    std::atomic<bool> cancel_requested_{false};
    bool drawn_ = false;
    bool stop_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

// "⠹ 3.2 s · 1,234,567 rows · 45.6 MB · splits 3/8" (no trailing newline).
std::string format_progress_line(const Progress& progress);

}  // namespace fedq
