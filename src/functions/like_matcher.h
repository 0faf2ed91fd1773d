// SQL LIKE / ILIKE pattern matching. A pattern is compiled once (at bind time when it is a constant)
// into literal segments and wildcards: '%' matches any sequence of code points, '_' exactly one code
// point, and an optional escape character makes the next '%', '_' or escape literal. Common shapes get
// fast paths (exact, prefix%, %suffix, %contains% via memmem); everything else runs a backtracking
// matcher over the segments that never allocates.
//
// Case-insensitive matching (ILIKE) folds the pattern at compile time and each input into a
// caller-provided scratch string, so a kernel reuses one buffer for a whole batch.
//
// Thread-safety: a compiled LikeMatcher is immutable; match() may be called concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fedq {

class LikeMatcher {
public:
    // Throws kInvalidParameter for an escape that is not one character, or an escape character that
    // is not followed by '%', '_' or itself.
    LikeMatcher(std::string_view pattern, std::optional<std::string_view> escape, bool case_insensitive);

    // `scratch` is only used for case-insensitive matching of non-ASCII or upper-case input.
    bool matches(std::string_view input, std::string& scratch) const;
    bool matches(std::string_view input) const {
        std::string scratch;
        return matches(input, scratch);
    }

    enum class Shape { kExact, kPrefix, kSuffix, kContains, kMatchAll, kGeneral };
    Shape shape() const { return shape_; }

private:
    struct Op {
        enum Kind { kLiteral, kAnyOne, kAnyMany } kind;
        std::string literal;
    };
    bool match_general(std::string_view s) const;
    bool match_folded(std::string_view s) const;

    std::vector<Op> ops_;
    Shape shape_ = Shape::kGeneral;
    std::string needle_;  // the literal of the fast-path shapes
    bool case_insensitive_ = false;
};

}  // namespace fedq
