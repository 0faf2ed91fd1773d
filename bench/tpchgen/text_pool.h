// The text pool that fedq-tpchgen cuts every comment from: sentences of the TPC-H word grammar (clause
// 4.2.2.10) with the word weights of dbgen's dists.dss, like dbgen's 300 MB pool but smaller. Comments are
// random substrings, so they can start and end inside a word, and phrases such as "special ... requests"
// (Q13) occur with dbgen's frequencies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tpchgen/random.h"

namespace fedq::tpchgen {

class TextPool {
  public:
    // Builds `size` bytes of text, deterministically from `seed`.
    TextPool(size_t size, uint64_t seed);

    // A comment of a random length in [min_length, max_length], cut at a random offset of the pool.
    std::string_view comment(Rng& rng, int min_length, int max_length) const {
        const auto length = static_cast<size_t>(rng.uniform(min_length, max_length));
        const auto offset = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(text_.size() - length)));
        std::string_view result(text_.data() + offset, length);
        // Strip spaces at the ends: CSV readers that trim would otherwise disagree with those that do not.
        while (!result.empty() && result.front() == ' ') result.remove_prefix(1);
        while (!result.empty() && result.back() == ' ') result.remove_suffix(1);
        return result;
    }

  private:
    std::string text_;
};

}  // namespace fedq::tpchgen
