#include <gtest/gtest.h>

#include "text_test_harness.h"

namespace fedq {
namespace {

using namespace fedq::testing;

std::string S(const std::string& name, const std::vector<Value>& args) { return text(call_both(name, args)); }

TEST(StringFunctionsTest, Length) {
    EXPECT_EQ(S("length", {V("hello")}), "5");
    EXPECT_EQ(S("length", {V("")}), "0");
    EXPECT_EQ(S("length", {V("über")}), "4");
    EXPECT_EQ(S("char_length", {V("日本")}), "2");
    EXPECT_TRUE(call_both("length", {NullOf(Type::varchar())}).is_null());
    EXPECT_TRUE(call_both("length", {Null()}).is_null());
}

TEST(StringFunctionsTest, LowerUpper) {
    EXPECT_EQ(S("lower", {V("HeLLo")}), "hello");
    EXPECT_EQ(S("upper", {V("über straße")}), "ÜBER STRAßE");
    EXPECT_EQ(S("lower", {V("ÄÖÜ")}), "äöü");
    EXPECT_EQ(S("upper", {V("日本abc")}), "日本ABC");
    EXPECT_EQ(S("upper", {V("")}), "");
}

TEST(StringFunctionsTest, Substr) {
    EXPECT_EQ(S("substr", {V("hello"), I(2)}), "ello");
    EXPECT_EQ(S("substr", {V("hello"), I(2), I(3)}), "ell");
    EXPECT_EQ(S("substr", {V("hello"), I(-3)}), "llo");
    EXPECT_EQ(S("substr", {V("hello"), I(-3), I(2)}), "ll");
    EXPECT_EQ(S("substr", {V("hello"), I(0)}), "");
    EXPECT_EQ(S("substr", {V("hello"), I(6)}), "");
    EXPECT_EQ(S("substr", {V("hello"), I(-6)}), "");
    EXPECT_EQ(S("substr", {V("hello"), I(1), I(100)}), "hello");
    EXPECT_EQ(S("substr", {V("hello"), I(1), I(-1)}), "");
    EXPECT_EQ(S("substring", {V("日本語です"), I(2), I(2)}), "本語");
    EXPECT_EQ(S("substr", {V("über"), I(-3)}), "ber");
    EXPECT_EQ(S("substr", {V("x"), Value::integer(1)}), "x");  // INTEGER widened to BIGINT
    EXPECT_TRUE(call_both("substr", {V("abc"), NullOf(Type::bigint())}).is_null());
}

TEST(StringFunctionsTest, Concat) {
    EXPECT_EQ(S("concat", {V("a"), V("b"), V("c")}), "abc");
    EXPECT_EQ(S("concat", {V("日"), V("")}), "日");
    EXPECT_TRUE(call_both("concat", {V("a"), NullOf(Type::varchar())}).is_null());
    EXPECT_EQ(S("$concat", {V("x"), V("y")}), "xy");
    EXPECT_EQ(S("concat_ws", {V(","), V("a"), NullOf(Type::varchar()), V("b")}), "a,b");
    EXPECT_TRUE(call_both("concat_ws", {NullOf(Type::varchar()), V("a")}).is_null());
    Value array = Value::nested(Type::array(Type::varchar()), {V("x"), NullOf(Type::varchar()), V("y")});
    EXPECT_EQ(S("concat_ws", {V("-"), array}), "x-y");
    EXPECT_ERROR_CODE(call("concat", {V("a"), I(1)}), ErrorCode::kUndefinedFunction);
}

TEST(StringFunctionsTest, Trim) {
    EXPECT_EQ(S("trim", {V("  a b  ")}), "a b");
    EXPECT_EQ(S("ltrim", {V("  a b  ")}), "a b  ");
    EXPECT_EQ(S("rtrim", {V("  a b  ")}), "  a b");
    EXPECT_EQ(S("trim", {V("\t\n x \r")}), "x");
    EXPECT_EQ(S("trim", {V("   ")}), "");
    EXPECT_EQ(S("trim", {V("xxhixyx"), V("xy")}), "hi");
    EXPECT_EQ(S("ltrim", {V("üühü"), V("ü")}), "hü");
    EXPECT_EQ(S("rtrim", {V("日本日"), V("日")}), "日本");
}

TEST(StringFunctionsTest, Pad) {
    EXPECT_EQ(S("lpad", {V("7"), I(3), V("0")}), "007");
    EXPECT_EQ(S("rpad", {V("ab"), I(7), V("xyz")}), "abxyzxy");
    EXPECT_EQ(S("lpad", {V("hello"), I(3), V("x")}), "hel");
    EXPECT_EQ(S("rpad", {V("日"), I(3), V("本")}), "日本本");
    EXPECT_EQ(S("lpad", {V("a"), I(0), V("x")}), "");
    EXPECT_ERROR_CODE(call("lpad", {V("a"), I(3), V("")}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("rpad", {V("a"), I(-1), V("x")}), ErrorCode::kInvalidParameter);
    EXPECT_TRUE(call("lpad", {NullOf(Type::varchar()), I(-1), V("")}).is_null());  // NULL rows never fail
}

TEST(StringFunctionsTest, ReplaceReverse) {
    EXPECT_EQ(S("replace", {V("banana"), V("an"), V("AN")}), "bANANa");
    EXPECT_EQ(S("replace", {V("banana"), V("a")}), "bnn");
    EXPECT_EQ(S("replace", {V("abc"), V(""), V("-")}), "-a-b-c-");
    EXPECT_EQ(S("replace", {V("über"), V("ü"), V("ue")}), "ueber");
    EXPECT_EQ(S("reverse", {V("abc")}), "cba");
    EXPECT_EQ(S("reverse", {V("日本ü")}), "ü本日");
    EXPECT_EQ(S("reverse", {V("")}), "");
}

TEST(StringFunctionsTest, Position) {
    EXPECT_EQ(S("strpos", {V("hello"), V("l")}), "3");
    EXPECT_EQ(S("strpos", {V("hello"), V("z")}), "0");
    EXPECT_EQ(S("strpos", {V("hello"), V("")}), "1");
    EXPECT_EQ(S("strpos", {V("日本語"), V("語")}), "3");
    EXPECT_EQ(S("strpos", {V("abcabc"), V("bc"), I(2)}), "5");
    EXPECT_EQ(S("strpos", {V("abcabc"), V("bc"), I(3)}), "0");
    EXPECT_EQ(S("strpos", {V("abcabc"), V("bc"), I(-1)}), "5");
    EXPECT_EQ(S("strpos", {V("abcabc"), V("bc"), I(-2)}), "2");
    EXPECT_EQ(S("strrpos", {V("abcabc"), V("a")}), "4");
    EXPECT_ERROR_CODE(call("strpos", {V("a"), V("a"), I(0)}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("starts_with", {V("hello"), V("he")}), "true");
    EXPECT_EQ(S("starts_with", {V("hello"), V("lo")}), "false");
    EXPECT_EQ(S("ends_with", {V("hello"), V("lo")}), "true");
    EXPECT_EQ(S("ends_with", {V(""), V("")}), "true");
}

TEST(StringFunctionsTest, Split) {
    EXPECT_EQ(S("split", {V("a,b,,c"), V(",")}), "[a, b, , c]");
    EXPECT_EQ(S("split", {V("a,b,c"), V(","), I(2)}), "[a, b,c]");
    EXPECT_EQ(S("split", {V("日本"), V("")}), "[日, 本]");
    EXPECT_EQ(S("split", {V("a::b"), V("::")}), "[a, b]");
    EXPECT_ERROR_CODE(call("split", {V("a"), V(","), I(0)}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("split_part", {V("a,b,c"), V(","), I(2)}), "b");
    EXPECT_TRUE(call_both("split_part", {V("a,b,c"), V(","), I(4)}).is_null());
    EXPECT_EQ(S("split_part", {V("a,,c"), V(","), I(2)}), "");
    EXPECT_ERROR_CODE(call("split_part", {V("a"), V(","), I(0)}), ErrorCode::kInvalidParameter);
}

TEST(StringFunctionsTest, SplitOfEmptyStringIsOneEmptyElement) {
    Value result = call("split", {V(""), V(",")});
    ASSERT_EQ(result.children().size(), 1u);
    EXPECT_EQ(result.children()[0].as_string(), "");
}

TEST(StringFunctionsTest, CodePoints) {
    EXPECT_EQ(S("chr", {I(65)}), "A");
    EXPECT_EQ(S("chr", {I(0x65E5)}), "日");
    EXPECT_ERROR_CODE(call("chr", {I(-1)}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("chr", {I(0x110000)}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("codepoint", {V("ü")}), "252");
    EXPECT_ERROR_CODE(call("codepoint", {V("ab")}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("ascii", {V("A")}), "65");
    EXPECT_EQ(S("ascii", {V("")}), "0");
}

TEST(StringFunctionsTest, LeftRight) {
    EXPECT_EQ(S("left", {V("hello"), I(2)}), "he");
    EXPECT_EQ(S("left", {V("hello"), I(-2)}), "hel");
    EXPECT_EQ(S("left", {V("日本語"), I(10)}), "日本語");
    EXPECT_EQ(S("right", {V("hello"), I(2)}), "lo");
    EXPECT_EQ(S("right", {V("hello"), I(-2)}), "llo");
    EXPECT_EQ(S("right", {V("日本語"), I(1)}), "語");
}

TEST(StringFunctionsTest, Distances) {
    EXPECT_EQ(S("levenshtein_distance", {V("kitten"), V("sitting")}), "3");
    EXPECT_EQ(S("levenshtein_distance", {V(""), V("abc")}), "3");
    EXPECT_EQ(S("levenshtein_distance", {V("über"), V("uber")}), "1");
    EXPECT_EQ(S("hamming_distance", {V("abc"), V("abd")}), "1");
    EXPECT_EQ(S("hamming_distance", {V("日本"), V("日x")}), "1");
    EXPECT_ERROR_CODE(call("hamming_distance", {V("a"), V("ab")}), ErrorCode::kInvalidParameter);
}

TEST(StringFunctionsTest, TranslateInitcap) {
    EXPECT_EQ(S("translate", {V("abcd"), V("ab"), V("xy")}), "xycd");
    EXPECT_EQ(S("translate", {V("abcd"), V("abc"), V("x")}), "xd");
    EXPECT_EQ(S("translate", {V("über"), V("ü"), V("u")}), "uber");
    EXPECT_EQ(S("initcap", {V("hello wORLD-foo")}), "Hello World-Foo");
    EXPECT_EQ(S("initcap", {V("über alles")}), "Über Alles");
}

TEST(StringFunctionsTest, BinaryEncodings) {
    EXPECT_EQ(S("to_hex", {Value::varbinary("\x01\xab")}), "01AB");
    EXPECT_EQ(text(call("from_hex", {V("01ab")})), "\\x01ab");
    EXPECT_ERROR_CODE(call("from_hex", {V("0")}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("from_hex", {V("zz")}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(text(call("to_utf8", {V("ü")})), "\\xc3bc");
    EXPECT_EQ(S("from_utf8", {Value::varbinary("\xc3\xbc")}), "ü");
    EXPECT_EQ(S("from_utf8", {Value::varbinary("a\xff")}), "a\xef\xbf\xbd");
}

TEST(StringFunctionsTest, Hashes) {
    EXPECT_EQ(S("md5", {V("")}), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(S("md5", {V("abc")}), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(S("sha256", {V("abc")}), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(S("to_hex", {call("md5", {Value::varbinary("abc")})}), "900150983CD24FB0D6963F7D28E17F72");
    EXPECT_TRUE(call_both("sha1", {NullOf(Type::varbinary())}).is_null());
}

TEST(StringFunctionsTest, Urls) {
    const Value url = V("https://user@www.example.com:8080/a/b.html?x=1&y=two&z#frag");
    EXPECT_EQ(S("url_extract_protocol", {url}), "https");
    EXPECT_EQ(S("url_extract_host", {url}), "www.example.com");
    EXPECT_EQ(S("url_extract_port", {url}), "8080");
    EXPECT_EQ(S("url_extract_path", {url}), "/a/b.html");
    EXPECT_EQ(S("url_extract_query", {url}), "x=1&y=two&z");
    EXPECT_EQ(S("url_extract_fragment", {url}), "frag");
    EXPECT_EQ(S("url_extract_parameter", {url, V("y")}), "two");
    EXPECT_EQ(S("url_extract_parameter", {url, V("z")}), "");
    EXPECT_TRUE(call_both("url_extract_parameter", {url, V("missing")}).is_null());
    EXPECT_TRUE(call_both("url_extract_port", {V("http://example.com/")}).is_null());
    EXPECT_TRUE(call_both("url_extract_host", {V("not a url")}).is_null());
    EXPECT_EQ(S("url_extract_path", {V("/just/a/path")}), "/just/a/path");
    EXPECT_TRUE(call_both("url_extract_host", {V("/just/a/path")}).is_null());
}

TEST(StringFunctionsTest, ManyRowsWithNulls) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 5000; ++i) rows.push_back({i % 7 == 0 ? NullOf(Type::varchar()) : V("abc日")});
    auto evaluation = evaluate_rows("upper", {Type::varchar()}, rows);
    for (int i = 0; i < 5000; ++i) {
        if (i % 7 == 0) EXPECT_TRUE(evaluation.results[i].is_null());
        else EXPECT_EQ(evaluation.results[i].as_string(), "ABC日");
    }
}

}  // namespace
}  // namespace fedq
