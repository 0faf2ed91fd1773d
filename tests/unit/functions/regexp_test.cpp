#include <gtest/gtest.h>

#include "text_test_harness.h"

namespace fedq {
namespace {

using namespace fedq::testing;

std::string S(const std::string& name, const std::vector<Value>& args) { return text(call_both(name, args)); }

TEST(RegexpFunctionsTest, Like) {
    EXPECT_EQ(S("regexp_like", {V("abc123"), V("\\d+")}), "true");
    EXPECT_EQ(S("regexp_like", {V("abc"), V("^b")}), "false");
    EXPECT_EQ(S("regexp_like", {V("日本語"), V("本.")}), "true");
    EXPECT_EQ(S("regexp_like", {V(""), V("^$")}), "true");
    EXPECT_TRUE(call_both("regexp_like", {NullOf(Type::varchar()), V("a")}).is_null());
    EXPECT_TRUE(call_both("regexp_like", {V("a"), NullOf(Type::varchar())}).is_null());
}

TEST(RegexpFunctionsTest, InvalidPatternNamesThePattern) {
    try {
        call("regexp_like", {V("a"), V("(unclosed")});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::kInvalidRegex);
        EXPECT_NE(error.message().find("(unclosed"), std::string::npos) << error.message();
    }
    EXPECT_ERROR_CODE(call("regexp_like", {V("a"), V("[")}, false), ErrorCode::kInvalidRegex);
}

TEST(RegexpFunctionsTest, Extract) {
    EXPECT_EQ(S("regexp_extract", {V("1a 2b 14m"), V("\\d+")}), "1");
    EXPECT_EQ(S("regexp_extract", {V("1a 2b 14m"), V("(\\d+)([a-z]+)"), I(2)}), "a");
    EXPECT_EQ(S("regexp_extract", {V("x=日本"), V("=(.+)"), I(1)}), "日本");
    EXPECT_TRUE(call_both("regexp_extract", {V("abc"), V("\\d")}).is_null());
    EXPECT_TRUE(call_both("regexp_extract", {V("ac"), V("a(b)?c"), I(1)}).is_null());
    EXPECT_ERROR_CODE(call("regexp_extract", {V("abc"), V("(a)"), I(2)}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("regexp_extract", {V("abc"), V("(a)"), I(-1)}), ErrorCode::kInvalidParameter);
}

TEST(RegexpFunctionsTest, ExtractAll) {
    EXPECT_EQ(S("regexp_extract_all", {V("1a 2b 14m"), V("\\d+")}), "[1, 2, 14]");
    EXPECT_EQ(S("regexp_extract_all", {V("1a 2b 14m"), V("(\\d+)([a-z]+)"), I(2)}), "[a, b, m]");
    EXPECT_EQ(S("regexp_extract_all", {V("abc"), V("\\d")}), "[]");
    EXPECT_EQ(S("regexp_extract_all", {V("ab"), V("x*")}), "[, , ]");
    EXPECT_EQ(S("regexp_extract_all", {V("日本"), V("")}), "[, , ]");
}

TEST(RegexpFunctionsTest, Replace) {
    EXPECT_EQ(S("regexp_replace", {V("1a 2b 14m"), V("\\d+[ab] ")}), "14m");
    EXPECT_EQ(S("regexp_replace", {V("1a 2b 14m"), V("(\\d+)([ab]) "), V("3c$2 ")}), "3ca 3cb 14m");
    EXPECT_EQ(S("regexp_replace", {V("John Smith"), V("(\\w+) (\\w+)"), V("$2, $1")}), "Smith, John");
    EXPECT_EQ(S("regexp_replace", {V("ab"), V("(?P<first>a)"), V("[${first}]")}), "[a]b");
    EXPECT_EQ(S("regexp_replace", {V("a.b"), V("\\."), V("\\$")}), "a$b");
    EXPECT_EQ(S("regexp_replace", {V("abc"), V("x*"), V("-")}), "-a-b-c-");
    EXPECT_EQ(S("regexp_replace", {V("aaa"), V("a*"), V("-")}), "--");
    EXPECT_EQ(S("regexp_replace", {V("über"), V("ü"), V("ue")}), "ueber");
    EXPECT_EQ(S("regexp_replace", {V("a1"), V("(a)(1)?"), V("$1$2")}), "a1");
    EXPECT_ERROR_CODE(call("regexp_replace", {V("abc"), V("(a)"), V("$2")}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("regexp_replace", {V("abc"), V("(a)"), V("${nope}")}), ErrorCode::kInvalidParameter);
}

TEST(RegexpFunctionsTest, CountPositionSplit) {
    EXPECT_EQ(S("regexp_count", {V("1a 2b 14m"), V("\\d+")}), "3");
    EXPECT_EQ(S("regexp_count", {V(""), V("a")}), "0");
    EXPECT_EQ(S("regexp_position", {V("I have 23 apples, 5 pears"), V("\\d+")}), "8");
    EXPECT_EQ(S("regexp_position", {V("I have 23 apples, 5 pears"), V("\\d+"), I(10)}), "19");
    EXPECT_EQ(S("regexp_position", {V("I have 23 apples, 5 pears"), V("\\d+"), I(1), I(2)}), "19");
    EXPECT_EQ(S("regexp_position", {V("I have 23 apples"), V("\\d+"), I(1), I(3)}), "-1");
    EXPECT_EQ(S("regexp_position", {V("日本語2"), V("\\d")}), "4");
    EXPECT_EQ(S("regexp_position", {V("abc"), V("c"), I(10)}), "-1");
    EXPECT_ERROR_CODE(call("regexp_position", {V("abc"), V("c"), I(0)}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("regexp_split", {V("a1b2c3"), V("\\d")}), "[a, b, c, ]");
    EXPECT_EQ(S("regexp_split", {V("a, b ,c"), V("\\s*,\\s*")}), "[a, b, c]");
    Value empty = call("regexp_split", {V(""), V(",")});
    ASSERT_EQ(empty.children().size(), 1u);
    EXPECT_EQ(empty.children()[0].as_string(), "");
}

TEST(RegexpFunctionsTest, PerRowPatterns) {
    auto evaluation = evaluate_rows("regexp_like", {Type::varchar(), Type::varchar()},
                                    {{V("abc"), V("^a")}, {V("abc"), V("^a")}, {V("abc"), V("^b")},
                                     {V("abc"), NullOf(Type::varchar())}, {V("b"), V("^b")}});
    std::vector<std::string> got;
    for (const auto& v : evaluation.results) got.push_back(text(v));
    EXPECT_EQ(got, (std::vector<std::string>{"true", "true", "false", "NULL", "true"}));
}

}  // namespace
}  // namespace fedq
