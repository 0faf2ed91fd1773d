#include "execution/query_context.h"

namespace fedq {

std::string MemoryTracker::format_bytes(int64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    if (unit == 0) return fmt::format("{}B", bytes);
    return fmt::format("{:.1f}{}", value, units[unit]);
}

}  // namespace fedq
