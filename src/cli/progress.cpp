#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "cli/output_format.h"

namespace fedq {

std::atomic<int> g_interrupt_count{0};

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr auto kDrawInterval = std::chrono::milliseconds(200);
constexpr double kShowAfterSeconds = 1.0;

std::string with_thousands(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

void write_stderr(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

}  // namespace

std::string format_progress_line(const Progress& progress) {
    std::string line = fmt::format("{:.1f} s, {} rows, {}", progress.elapsed_seconds,
                                   with_thousands(progress.rows_read), format_bytes(progress.bytes_read));
    if (progress.splits_total > 0) {
        line += fmt::format(", splits {}/{}", progress.splits_done, progress.splits_total);
        int percent = static_cast<int>(100.0 * progress.splits_done / progress.splits_total);
        line += fmt::format(" ({}%)", percent);
    }
    return line;
}

QueryMonitor::QueryMonitor(Engine& engine, bool show_progress)
    : engine_(engine), show_progress_(show_progress), interrupts_at_start_(g_interrupt_count.load()) {
    thread_ = std::thread([this] { run(); });
}

QueryMonitor::~QueryMonitor() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    if (drawn_) write_stderr("\r\033[K");
}

void QueryMonitor::run() {
    auto start = std::chrono::steady_clock::now();
    auto last_draw = start - kDrawInterval;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        wake_.wait_for(lock, kPollInterval, [this] { return stop_; });
        if (stop_) break;
        if (!cancel_requested_ && g_interrupt_count.load() != interrupts_at_start_) {
            cancel_requested_ = true;
            engine_.cancel();
        }
        if (!show_progress_) continue;
        auto now = std::chrono::steady_clock::now();
        double elapsed = std::chrono::duration<double>(now - start).count();
        if (elapsed < kShowAfterSeconds || now - last_draw < kDrawInterval) continue;
        last_draw = now;
        Progress progress = engine_.progress();
        if (progress.elapsed_seconds <= 0) progress.elapsed_seconds = elapsed;
        std::string line = format_progress_line(progress);
        if (cancel_requested_) line += "  cancelling...";
        write_stderr("\r\033[K" + line);
        drawn_ = true;
    }
}

}  // namespace fedq
