#include "functions/hyperloglog.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fedq {

HyperLogLog::HyperLogLog(int precision)
    : precision_(std::clamp(precision, kMinPrecision, kMaxPrecision)) {}

void HyperLogLog::add_sparse(uint64_t hash) {
    auto it = std::lower_bound(sparse_.begin(), sparse_.end(), hash);
    if (it != sparse_.end() && *it == hash) return;
    sparse_.insert(it, hash);
    // Exact hashes cost 8 bytes each; go dense at 1/16 of the register count.
    if (sparse_.size() > std::max<size_t>(16, (size_t{1} << precision_) / 16)) to_dense();
}

void HyperLogLog::add_dense(uint64_t hash) {
    const int q = 64 - precision_;
    size_t index = hash >> q;
    uint64_t rest = hash << precision_;
    int rank = rest == 0 ? q + 1 : std::min(__builtin_clzll(rest) + 1, q + 1);
    uint8_t& slot = registers_[index];
    if (rank > slot) slot = static_cast<uint8_t>(rank);
}

void HyperLogLog::to_dense() {
    registers_.assign(size_t{1} << precision_, 0);
    for (uint64_t hash : sparse_) add_dense(hash);
    sparse_.clear();
    sparse_.shrink_to_fit();
}

void HyperLogLog::merge(const HyperLogLog& other) {
    if (other.registers_.empty()) {
        for (uint64_t hash : other.sparse_) add_hash(hash);
        return;
    }
    if (registers_.empty()) to_dense();
    for (size_t i = 0; i < registers_.size(); ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

namespace {

double sigma(double x) {
    if (x == 1) return std::numeric_limits<double>::infinity();
    double y = 1, z = x, previous;
    do {
        x *= x;
        previous = z;
        z += x * y;
        y += y;
    } while (z != previous);
    return z;
}

double tau(double x) {
    if (x == 0 || x == 1) return 0;
    double y = 1, z = 1 - x, previous;
    do {
        x = std::sqrt(x);
        previous = z;
        y *= 0.5;
        z -= (1 - x) * (1 - x) * y;
    } while (z != previous);
    return z / 3;
}

}  // namespace

uint64_t HyperLogLog::estimate() const {
    if (registers_.empty()) return sparse_.size();
    const int q = 64 - precision_;
    const double m = static_cast<double>(registers_.size());
    std::vector<uint32_t> histogram(q + 2, 0);
    for (uint8_t r : registers_) ++histogram[r];
    double z = m * tau(1 - histogram[q + 1] / m);
    for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[k]);
    z += m * sigma(histogram[0] / m);
    const double alpha = 1 / (2 * std::log(2.0));
    return static_cast<uint64_t>(std::llround(alpha * m * m / z));
}

double HyperLogLog::standard_error(int precision) { return 1.04 / std::sqrt(static_cast<double>(1 << precision)); }

int HyperLogLog::precision_for_error(double max_standard_error) {
    for (int p = kMinPrecision; p <= kMaxPrecision; ++p) {
        if (standard_error(p) <= max_standard_error) return p;
    }
    return kMaxPrecision;
}

}  // namespace fedq
