#include "functions/like_matcher.h"

#include <gtest/gtest.h>

#include "text_test_harness.h"

namespace fedq {
namespace {

using namespace fedq::testing;

bool like(std::string_view s, std::string_view pattern, std::optional<std::string_view> escape = std::nullopt) {
    return LikeMatcher(pattern, escape, false).matches(s);
}
bool ilike(std::string_view s, std::string_view pattern) { return LikeMatcher(pattern, std::nullopt, true).matches(s); }

TEST(LikeMatcherTest, Shapes) {
    EXPECT_EQ(LikeMatcher("abc", std::nullopt, false).shape(), LikeMatcher::Shape::kExact);
    EXPECT_EQ(LikeMatcher("abc%", std::nullopt, false).shape(), LikeMatcher::Shape::kPrefix);
    EXPECT_EQ(LikeMatcher("%abc", std::nullopt, false).shape(), LikeMatcher::Shape::kSuffix);
    EXPECT_EQ(LikeMatcher("%abc%", std::nullopt, false).shape(), LikeMatcher::Shape::kContains);
    EXPECT_EQ(LikeMatcher("%%", std::nullopt, false).shape(), LikeMatcher::Shape::kMatchAll);
    EXPECT_EQ(LikeMatcher("a_c", std::nullopt, false).shape(), LikeMatcher::Shape::kGeneral);
}

TEST(LikeMatcherTest, FastPaths) {
    EXPECT_TRUE(like("abc", "abc"));
    EXPECT_FALSE(like("abcd", "abc"));
    EXPECT_TRUE(like("abcdef", "abc%"));
    EXPECT_FALSE(like("xabc", "abc%"));
    EXPECT_TRUE(like("xxabc", "%abc"));
    EXPECT_FALSE(like("abcx", "%abc"));
    EXPECT_TRUE(like("xxabcxx", "%abc%"));
    EXPECT_FALSE(like("xxabxcxx", "%abc%"));
    EXPECT_TRUE(like("", "%"));
    EXPECT_TRUE(like("", ""));
    EXPECT_FALSE(like("a", ""));
}

TEST(LikeMatcherTest, General) {
    EXPECT_TRUE(like("abc", "a_c"));
    EXPECT_FALSE(like("abbc", "a_c"));
    EXPECT_TRUE(like("abbc", "a%c"));
    EXPECT_TRUE(like("ac", "a%c"));
    EXPECT_TRUE(like("abcabcabd", "%abc%abd"));
    EXPECT_FALSE(like("abcabcabe", "%abc%abd"));
    EXPECT_TRUE(like("mississippi", "m%iss%ppi"));
    EXPECT_TRUE(like("mississippi", "%s_s%"));
    EXPECT_FALSE(like("ab", "___"));
    EXPECT_TRUE(like("abc", "___"));
    EXPECT_TRUE(like("aXbXc", "a%b%c"));
    EXPECT_TRUE(like("abcb", "%b"));
    EXPECT_TRUE(like("ab", "a%%b"));
}

TEST(LikeMatcherTest, UnicodeUnderscoreMatchesOneCodePoint) {
    EXPECT_TRUE(like("über", "_ber"));
    EXPECT_TRUE(like("日本", "__"));
    EXPECT_FALSE(like("日本", "_"));
    EXPECT_TRUE(like("x日本y", "%本_"));
}

TEST(LikeMatcherTest, Escape) {
    EXPECT_TRUE(like("50%", "50\\%", "\\"));
    EXPECT_FALSE(like("500", "50\\%", "\\"));
    EXPECT_TRUE(like("a_b", "a#_b", "#"));
    EXPECT_FALSE(like("axb", "a#_b", "#"));
    EXPECT_TRUE(like("a#b", "a##b", "#"));
    EXPECT_TRUE(like("100% sure", "%#%%", "#"));
    EXPECT_ERROR_CODE(like("a", "a#b", "#"), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(like("a", "a#", "#"), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(like("a", "a", "ab"), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(like("a", "a", ""), ErrorCode::kInvalidParameter);
}

TEST(LikeMatcherTest, CaseInsensitive) {
    EXPECT_TRUE(ilike("HeLLo", "hello"));
    EXPECT_TRUE(ilike("HELLO WORLD", "%world"));
    EXPECT_TRUE(ilike("ÜBER", "über%"));
    EXPECT_TRUE(ilike("日本ABC", "日本abc"));
    EXPECT_FALSE(ilike("abc", "abd"));
}

TEST(LikeFunctionTest, ConstantAndPerRowPatterns) {
    EXPECT_EQ(text(call_both("like", {V("hello"), V("h%o")})), "true");
    EXPECT_EQ(text(call_both("like", {V("hello"), V("h_o")})), "false");
    EXPECT_EQ(text(call_both("like", {V("a%b"), V("a!%b"), V("!")})), "true");
    EXPECT_EQ(text(call_both("ilike", {V("HELLO"), V("he%")})), "true");
    EXPECT_TRUE(call_both("like", {Null(), V("a%")}).is_null());
    EXPECT_TRUE(call_both("like", {V("a"), NullOf(Type::varchar())}).is_null());
}

TEST(LikeFunctionTest, PerRowPatternsChange) {
    auto evaluation = evaluate_rows("like", {Type::varchar(), Type::varchar()},
                                    {{V("abc"), V("a%")}, {V("abc"), V("b%")}, {V("abc"), V("%c")},
                                     {Null(), V("%")}, {V("xyz"), V("%")}});
    std::vector<std::string> got;
    for (const auto& v : evaluation.results) got.push_back(text(v));
    EXPECT_EQ(got, (std::vector<std::string>{"true", "false", "true", "NULL", "true"}));
}

TEST(LikeFunctionTest, BadEscapeIsAnError) {
    EXPECT_ERROR_CODE(call("like", {V("a"), V("a"), V("xy")}), ErrorCode::kInvalidParameter);
}

}  // namespace
}  // namespace fedq
