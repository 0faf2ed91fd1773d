// Random numbers for fedq-tpchgen: splitmix64 to seed, xoshiro256** to draw. The generator makes one Rng per
// (table, row), so any chunk of rows can be produced independently and the output does not depend on how
// the rows are split between threads.
#pragma once

#include <array>
#include <cstdint>

namespace fedq::tpchgen {

inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

class Rng {
  public:
    Rng(uint64_t seed, uint64_t stream) {
        uint64_t state = seed * 0xD1B54A32D192ED03ULL ^ (stream + 0x632BE59BD9B4E019ULL);
        for (auto& word : s_) word = splitmix64(state);
    }

    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform integer in [low, high] (inclusive).
    int64_t uniform(int64_t low, int64_t high) {
        const uint64_t range = static_cast<uint64_t>(high - low) + 1;
        const auto product = static_cast<unsigned __int128>(next()) * range;
        return low + static_cast<int64_t>(static_cast<uint64_t>(product >> 64));
    }

  private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<uint64_t, 4> s_{};
};

}  // namespace fedq::tpchgen
