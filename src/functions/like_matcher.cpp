#include "functions/like_matcher.h"

#include <cstring>

#include "common/error.h"
#include "functions/utf8.h"

namespace fedq {

LikeMatcher::LikeMatcher(std::string_view pattern, std::optional<std::string_view> escape, bool case_insensitive)
    : case_insensitive_(case_insensitive) {
    std::string_view escape_char;
    if (escape) {
        if (escape->empty() || utf8::length(*escape) != 1) {
            raise(ErrorCode::kInvalidParameter, "Escape string must be a single character");
        }
        escape_char = *escape;
    }
    auto add_literal = [&](std::string_view bytes) {
        if (ops_.empty() || ops_.back().kind != Op::kLiteral) ops_.push_back({Op::kLiteral, {}});
        ops_.back().literal.append(bytes);
    };
    size_t pos = 0;
    while (pos < pattern.size()) {
        size_t end = utf8::next(pattern, pos);
        std::string_view ch = pattern.substr(pos, end - pos);
        if (!escape_char.empty() && ch == escape_char) {
            if (end >= pattern.size()) {
                raise(ErrorCode::kInvalidParameter, "Escape character must be followed by '%', '_' or the escape "
                                                    "character: '{}'", pattern);
            }
            size_t after = utf8::next(pattern, end);
            std::string_view escaped = pattern.substr(end, after - end);
            if (escaped != "%" && escaped != "_" && escaped != escape_char) {
                raise(ErrorCode::kInvalidParameter, "Escape character must be followed by '%', '_' or the escape "
                                                    "character: '{}'", pattern);
            }
            add_literal(escaped);
            pos = after;
            continue;
        }
        if (ch == "%") {
            if (ops_.empty() || ops_.back().kind != Op::kAnyMany) ops_.push_back({Op::kAnyMany, {}});
        } else if (ch == "_") {
            ops_.push_back({Op::kAnyOne, {}});
        } else {
            add_literal(ch);
        }
        pos = end;
    }
    if (case_insensitive_) {
        for (auto& op : ops_) {
            if (op.kind != Op::kLiteral) continue;
            std::string folded;
            utf8::append_lower(op.literal, folded);
            op.literal = std::move(folded);
        }
    }
    auto is = [&](size_t i, Op::Kind kind) { return i < ops_.size() && ops_[i].kind == kind; };
    const size_t n = ops_.size();
    if (n == 0) {
        shape_ = Shape::kExact;
    } else if (n == 1 && is(0, Op::kLiteral)) {
        shape_ = Shape::kExact;
        needle_ = ops_[0].literal;
    } else if (n == 1 && is(0, Op::kAnyMany)) {
        shape_ = Shape::kMatchAll;
    } else if (n == 2 && is(0, Op::kLiteral) && is(1, Op::kAnyMany)) {
        shape_ = Shape::kPrefix;
        needle_ = ops_[0].literal;
    } else if (n == 2 && is(0, Op::kAnyMany) && is(1, Op::kLiteral)) {
        shape_ = Shape::kSuffix;
        needle_ = ops_[1].literal;
    } else if (n == 3 && is(0, Op::kAnyMany) && is(1, Op::kLiteral) && is(2, Op::kAnyMany)) {
        shape_ = Shape::kContains;
        needle_ = ops_[1].literal;
    }
}

bool LikeMatcher::matches(std::string_view input, std::string& scratch) const {
    if (!case_insensitive_ || shape_ == Shape::kMatchAll) return match_folded(input);
    scratch.clear();
    utf8::append_lower(input, scratch);
    return match_folded(scratch);
}

bool LikeMatcher::match_folded(std::string_view s) const {
    switch (shape_) {
        case Shape::kExact: return s == needle_;
        case Shape::kPrefix: return s.size() >= needle_.size() && s.compare(0, needle_.size(), needle_) == 0;
        case Shape::kSuffix:
            return s.size() >= needle_.size() &&
                   s.compare(s.size() - needle_.size(), needle_.size(), needle_) == 0;
        case Shape::kContains:
            return needle_.empty() || memmem(s.data(), s.size(), needle_.data(), needle_.size()) != nullptr;
        case Shape::kMatchAll: return true;
        case Shape::kGeneral: return match_general(s);
    }
    return false;
}

// Greedy matching with backtracking to the most recent '%': literal segments are matched whole, and
// after a '%' the next literal is searched with memmem. Worst case O(|s| * |pattern|), no allocation.
bool LikeMatcher::match_general(std::string_view s) const {
    size_t pos = 0, op = 0;
    size_t star_op = SIZE_MAX, star_pos = 0;
    const size_t n = ops_.size();
    while (true) {
        if (op < n) {
            const Op& current = ops_[op];
            if (current.kind == Op::kAnyMany) {
                star_op = op++;
                star_pos = pos;
                if (op == n) return true;  // a trailing '%' matches the rest
                // Jump straight to the next occurrence of the following literal.
                if (op < n && ops_[op].kind == Op::kLiteral) {
                    const std::string& lit = ops_[op].literal;
                    const void* found = memmem(s.data() + pos, s.size() - pos, lit.data(), lit.size());
                    if (!found) return false;
                    pos = static_cast<size_t>(static_cast<const char*>(found) - s.data());
                    star_pos = pos;
                }
                continue;
            }
            if (current.kind == Op::kAnyOne && pos < s.size()) {
                pos = utf8::next(s, pos);
                ++op;
                continue;
            }
            if (current.kind == Op::kLiteral && s.size() - pos >= current.literal.size() &&
                s.compare(pos, current.literal.size(), current.literal) == 0) {
                pos += current.literal.size();
                ++op;
                continue;
            }
        } else if (pos == s.size()) {
            return true;
        }
        // Mismatch: retry one code point further after the last '%'.
        if (star_op == SIZE_MAX || star_pos >= s.size()) return false;
        star_pos = utf8::next(s, star_pos);
        pos = star_pos;
        op = star_op + 1;
    }
}

}  // namespace fedq
