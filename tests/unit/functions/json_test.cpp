#include <gtest/gtest.h>

#include "functions/json_path.h"
#include "text_test_harness.h"

namespace fedq {
namespace {

using namespace fedq::testing;

Value J(const char* s) { return Value::json(s); }
std::string S(const std::string& name, const std::vector<Value>& args) { return text(call_both(name, args)); }

const char* kDoc = R"({"store": {"book": [{"title": "Sayings", "price": 8.95, "tags": ["a", "b"]},
                                          {"title": "Über Alles", "price": 12, "isbn": null}],
                                 "open": true, "name key": "x"}})";

TEST(JsonFunctionsTest, ExtractScalar) {
    EXPECT_EQ(S("json_extract_scalar", {J(kDoc), V("$.store.book[0].title")}), "Sayings");
    EXPECT_EQ(S("json_extract_scalar", {J(kDoc), V("$.store.book[1].title")}), "Über Alles");
    EXPECT_EQ(S("json_extract_scalar", {J(kDoc), V("$.store.book[0].price")}), "8.95");
    EXPECT_EQ(S("json_extract_scalar", {J(kDoc), V("$.store.book[1].price")}), "12");
    EXPECT_EQ(S("json_extract_scalar", {J(kDoc), V("$.store.open")}), "true");
    EXPECT_EQ(S("json_extract_scalar", {J(kDoc), V("$[\"store\"]['name key']")}), "x");
    EXPECT_EQ(S("json_extract_scalar", {V(R"(["a", "b"])"), V("$[1]")}), "b");  // VARCHAR accepted
    EXPECT_TRUE(call_both("json_extract_scalar", {J(kDoc), V("$.store.book")}).is_null());        // not scalar
    EXPECT_TRUE(call_both("json_extract_scalar", {J(kDoc), V("$.store.book[1].isbn")}).is_null());  // null
    EXPECT_TRUE(call_both("json_extract_scalar", {J(kDoc), V("$.store.missing")}).is_null());
    EXPECT_TRUE(call_both("json_extract_scalar", {J(kDoc), V("$.store.book[5]")}).is_null());
    EXPECT_TRUE(call_both("json_extract_scalar", {V("{not json"), V("$.a")}).is_null());
    EXPECT_TRUE(call_both("json_extract_scalar", {NullOf(Type::json()), V("$.a")}).is_null());
    EXPECT_ERROR_CODE(call("json_extract_scalar", {J(kDoc), V("store")}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("json_extract_scalar", {J(kDoc), V("$.a[x]")}), ErrorCode::kInvalidParameter);
}

TEST(JsonFunctionsTest, Extract) {
    EXPECT_EQ(S("json_extract", {J(kDoc), V("$.store.book[0].tags")}), R"(["a","b"])");
    EXPECT_EQ(S("json_extract", {J(kDoc), V("$.store.book[0].title")}), R"("Sayings")");
    EXPECT_EQ(S("json_extract", {J(R"({"a": {"b": 1}})"), V("$")}), R"({"a":{"b":1}})");
    EXPECT_EQ(call("json_extract", {J(kDoc), V("$.store.open")}).type(), Type::json());
    EXPECT_TRUE(call_both("json_extract", {J(kDoc), V("$.nope")}).is_null());
}

TEST(JsonFunctionsTest, SizesAndArrays) {
    EXPECT_EQ(S("json_size", {J(kDoc), V("$.store")}), "3");
    EXPECT_EQ(S("json_size", {J(kDoc), V("$.store.book")}), "2");
    EXPECT_EQ(S("json_size", {J(kDoc), V("$.store.open")}), "0");
    EXPECT_TRUE(call_both("json_size", {J(kDoc), V("$.x")}).is_null());
    EXPECT_EQ(S("json_array_length", {J("[1, 2, [3]]")}), "3");
    EXPECT_EQ(S("json_array_length", {J("[]")}), "0");
    EXPECT_TRUE(call_both("json_array_length", {J(R"({"a":1})")}).is_null());
    EXPECT_TRUE(call_both("json_array_length", {V("[1,")}).is_null());
    EXPECT_EQ(S("json_array_get", {J(R"(["a", [3, 9], "c"])"), I(1)}), "[3,9]");
    EXPECT_EQ(S("json_array_get", {J(R"(["a", [3, 9], "c"])"), I(-1)}), R"("c")");
    EXPECT_TRUE(call_both("json_array_get", {J(R"(["a"])"), I(1)}).is_null());
    EXPECT_TRUE(call_both("json_array_get", {J(R"(["a"])"), I(-2)}).is_null());
    EXPECT_EQ(S("json_array_contains", {J("[1, 2, 3]"), I(2)}), "true");
    EXPECT_EQ(S("json_array_contains", {J("[1, 2, 3]"), I(5)}), "false");
    EXPECT_EQ(S("json_array_contains", {J(R"(["日本", "x"])"), V("日本")}), "true");
    EXPECT_EQ(S("json_array_contains", {J("[true]"), Value::boolean(true)}), "true");
    EXPECT_EQ(S("json_array_contains", {J("[1.5, 2]"), Value::double_(2)}), "true");
    EXPECT_TRUE(call_both("json_array_contains", {J("{}"), I(1)}).is_null());
}

TEST(JsonFunctionsTest, ParseFormatScalar) {
    EXPECT_EQ(S("json_parse", {V(R"({ "a" : [1, 2.5, "x"] })")}), R"({"a":[1,2.5,"x"]})");
    EXPECT_EQ(call("json_parse", {V("1")}).type(), Type::json());
    EXPECT_ERROR_CODE(call("json_parse", {V("{bad")}), ErrorCode::kInvalidJson);
    EXPECT_ERROR_CODE(call("json_parse", {V("")}), ErrorCode::kInvalidJson);
    EXPECT_TRUE(call_both("json_parse", {NullOf(Type::varchar())}).is_null());
    EXPECT_EQ(S("json_format", {J(R"([1, "a"])")}), R"([1,"a"])");
    EXPECT_EQ(S("is_json_scalar", {J("1")}), "true");
    EXPECT_EQ(S("is_json_scalar", {J("null")}), "true");
    EXPECT_EQ(S("is_json_scalar", {J("[1]")}), "false");
    EXPECT_ERROR_CODE(call("is_json_scalar", {V("[1")}), ErrorCode::kInvalidJson);
}

TEST(JsonFunctionsTest, PerRowPathsAndManyRows) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 3000; ++i) {
        std::string doc = R"({"id": )" + std::to_string(i) + R"(, "name": "n)" + std::to_string(i) + "\"}";
        rows.push_back({Value::json(doc), V(i % 2 ? "$.id" : "$.name")});
    }
    rows[10][0] = NullOf(Type::json());
    auto evaluation = evaluate_rows("json_extract_scalar", {Type::json(), Type::varchar()}, rows);
    EXPECT_EQ(text(evaluation.results[3]), "3");
    EXPECT_EQ(text(evaluation.results[4]), "n4");
    EXPECT_TRUE(evaluation.results[10].is_null());
    EXPECT_EQ(text(evaluation.results[2999]), "2999");
}

}  // namespace
}  // namespace fedq
