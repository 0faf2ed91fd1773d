#include <gtest/gtest.h>

#include "text_test_harness.h"
#include "types/datetime.h"

namespace fedq {
namespace {

using namespace fedq::testing;

Value A(std::vector<Value> elements, Type element = Type::bigint()) {
    return Value::nested(Type::array(std::move(element)), std::move(elements));
}
Value NB() { return NullOf(Type::bigint()); }
Value NV() { return NullOf(Type::varchar()); }
std::string S(const std::string& name, const std::vector<Value>& args) { return text(call_both(name, args)); }

TEST(ArrayFunctionsTest, CardinalityAndElementAt) {
    EXPECT_EQ(S("cardinality", {A({I(1), I(2), NB()})}), "3");
    EXPECT_EQ(S("cardinality", {A({})}), "0");
    EXPECT_TRUE(call_both("cardinality", {NullOf(Type::array(Type::bigint()))}).is_null());
    EXPECT_EQ(S("element_at", {A({I(10), I(20), I(30)}), I(2)}), "20");
    EXPECT_EQ(S("element_at", {A({I(10), I(20), I(30)}), I(-1)}), "30");
    EXPECT_TRUE(call_both("element_at", {A({I(10)}), I(5)}).is_null());
    EXPECT_TRUE(call_both("element_at", {A({I(10)}), I(-5)}).is_null());
    EXPECT_TRUE(call_both("element_at", {A({NB()}), I(1)}).is_null());
    EXPECT_EQ(S("element_at", {A({V("ü"), V("日本")}, Type::varchar()), Value::integer(2)}), "日本");
    EXPECT_ERROR_CODE(call("element_at", {A({I(1)}), I(0)}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("$subscript", {A({I(10), I(20)}), I(2)}), "20");
    EXPECT_ERROR_CODE(call("$subscript", {A({I(10), I(20)}), I(3)}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("$subscript", {A({I(10), I(20)}), I(-1)}), ErrorCode::kInvalidParameter);
    // Nested elements go through the generic path.
    Value nested = Value::nested(Type::array(Type::array(Type::bigint())), {A({I(1)}), A({I(2), I(3)})});
    EXPECT_EQ(S("element_at", {nested, I(2)}), "[2, 3]");
}

TEST(ArrayFunctionsTest, ContainsAndPosition) {
    EXPECT_EQ(S("contains", {A({I(1), I(2)}), I(2)}), "true");
    EXPECT_EQ(S("contains", {A({I(1), I(2)}), I(3)}), "false");
    EXPECT_TRUE(call_both("contains", {A({I(1), NB()}), I(3)}).is_null());
    EXPECT_EQ(S("contains", {A({I(1), NB()}), I(1)}), "true");
    EXPECT_TRUE(call_both("contains", {A({I(1)}), NB()}).is_null());
    EXPECT_EQ(S("contains", {A({V("a"), V("日本")}, Type::varchar()), V("日本")}), "true");
    EXPECT_EQ(S("contains", {A({Value::integer(1), Value::integer(2)}, Type::integer()), I(2)}), "true");
    EXPECT_EQ(S("array_position", {A({I(5), I(6), I(6)}), I(6)}), "2");
    EXPECT_EQ(S("array_position", {A({I(5)}), I(7)}), "0");
    EXPECT_ERROR_CODE(call("contains", {A({I(1)}), V("x")}), ErrorCode::kUndefinedFunction);
}

TEST(ArrayFunctionsTest, Join) {
    EXPECT_EQ(S("array_join", {A({V("a"), NV(), V("c")}, Type::varchar()), V(", ")}), "a, c");
    EXPECT_EQ(S("array_join", {A({V("a"), NV(), V("c")}, Type::varchar()), V("-"), V("?")}), "a-?-c");
    EXPECT_EQ(S("array_join", {A({I(1), I(2)}), V("+")}), "1+2");
    EXPECT_EQ(S("array_join", {A({Value::double_(1.5)}, Type::double_()), V(",")}), "1.5");
    EXPECT_EQ(S("array_join", {A({}), V(",")}), "");
}

TEST(ArrayFunctionsTest, DistinctSortMinMax) {
    EXPECT_EQ(S("array_distinct", {A({I(3), I(1), I(3), NB(), I(1), NB()})}), "[3, 1, NULL]");
    EXPECT_EQ(S("array_distinct", {A({V("b"), V("a"), V("b")}, Type::varchar())}), "[b, a]");
    EXPECT_EQ(S("array_sort", {A({I(3), NB(), I(1), I(2)})}), "[1, 2, 3, NULL]");
    EXPECT_EQ(S("array_sort", {A({V("b"), V("ü"), V("a")}, Type::varchar())}), "[a, b, ü]");
    EXPECT_EQ(S("array_sort", {A({})}), "[]");
    EXPECT_EQ(S("array_max", {A({I(3), I(7), I(1)})}), "7");
    EXPECT_EQ(S("array_min", {A({I(3), I(7), I(1)})}), "1");
    EXPECT_EQ(S("array_min", {A({V("pear"), V("apple")}, Type::varchar())}), "apple");
    EXPECT_TRUE(call_both("array_max", {A({I(3), NB()})}).is_null());
    EXPECT_TRUE(call_both("array_max", {A({})}).is_null());
}

TEST(ArrayFunctionsTest, SliceRemoveReverse) {
    EXPECT_EQ(S("slice", {A({I(1), I(2), I(3), I(4)}), I(2), I(2)}), "[2, 3]");
    EXPECT_EQ(S("slice", {A({I(1), I(2), I(3), I(4)}), I(-2), I(5)}), "[3, 4]");
    EXPECT_EQ(S("slice", {A({I(1), I(2)}), I(5), I(1)}), "[]");
    EXPECT_ERROR_CODE(call("slice", {A({I(1)}), I(0), I(1)}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("slice", {A({I(1)}), I(1), I(-1)}), ErrorCode::kInvalidParameter);
    EXPECT_EQ(S("array_remove", {A({I(1), I(2), I(1), NB()}), I(1)}), "[2, NULL]");
    EXPECT_EQ(S("reverse", {A({I(1), NB(), I(3)})}), "[3, NULL, 1]");
}

TEST(ArrayFunctionsTest, Sequence) {
    EXPECT_EQ(S("sequence", {I(1), I(5)}), "[1, 2, 3, 4, 5]");
    EXPECT_EQ(S("sequence", {I(5), I(1)}), "[5, 4, 3, 2, 1]");
    EXPECT_EQ(S("sequence", {I(1), I(10), I(4)}), "[1, 5, 9]");
    EXPECT_EQ(S("sequence", {I(-2), I(-8), I(-3)}), "[-2, -5, -8]");
    EXPECT_ERROR_CODE(call("sequence", {I(1), I(5), I(0)}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("sequence", {I(1), I(5), I(-1)}), ErrorCode::kInvalidParameter);
    EXPECT_ERROR_CODE(call("sequence", {I(1), I(100000)}), ErrorCode::kInvalidParameter);
    Value d1 = Value::date(*parse_date("2024-01-30")), d2 = Value::date(*parse_date("2024-02-02"));
    EXPECT_EQ(S("sequence", {d1, d2}), "[2024-01-30, 2024-01-31, 2024-02-01, 2024-02-02]");
    EXPECT_EQ(S("sequence", {Value::date(*parse_date("2024-01-31")), Value::date(*parse_date("2024-04-30")),
                             Value::interval({1, 0, 0})}),
              "[2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30]");
    Value t1 = Value::timestamp(*parse_timestamp("2024-01-01 00:00:00"));
    Value t2 = Value::timestamp(*parse_timestamp("2024-01-01 01:00:00"));
    EXPECT_EQ(S("sequence", {t1, t2, Value::interval({0, 0, 30 * 60 * kMicrosPerSecond})}),
              "[2024-01-01 00:00:00, 2024-01-01 00:30:00, 2024-01-01 01:00:00]");
    EXPECT_TRUE(call_both("sequence", {I(1), NB()}).is_null());
}

TEST(ArrayFunctionsTest, ConcatAndRepeat) {
    EXPECT_EQ(S("$concat", {A({I(1)}), A({I(2), I(3)})}), "[1, 2, 3]");
    EXPECT_EQ(S("$concat", {A({I(1)}), I(2)}), "[1, 2]");
    EXPECT_EQ(S("$concat", {I(0), A({I(1)})}), "[0, 1]");
    EXPECT_EQ(S("concat", {A({I(1)}), A({}), A({NB()})}), "[1, NULL]");
    EXPECT_EQ(S("$concat", {A({Value::integer(1)}, Type::integer()), A({I(5)})}), "[1, 5]");
    EXPECT_TRUE(call_both("$concat", {A({I(1)}), NullOf(Type::array(Type::bigint()))}).is_null());
    EXPECT_EQ(S("repeat", {V("ab"), I(3)}), "[ab, ab, ab]");
    EXPECT_EQ(S("repeat", {NB(), I(2)}), "[NULL, NULL]");
    EXPECT_EQ(S("repeat", {I(1), I(0)}), "[]");
    EXPECT_ERROR_CODE(call("repeat", {I(1), I(-1)}), ErrorCode::kInvalidParameter);
}

TEST(ArrayFunctionsTest, SetOperations) {
    EXPECT_EQ(S("array_intersect", {A({I(1), I(2), I(2), I(3), NB()}), A({I(3), I(2), I(9)})}), "[2, 3]");
    EXPECT_EQ(S("array_intersect", {A({NB(), I(1)}), A({NB()})}), "[NULL]");
    EXPECT_EQ(S("array_union", {A({I(3), I(1), I(3)}), A({I(2), I(1), NB()})}), "[3, 1, 2, NULL]");
    EXPECT_EQ(S("array_except", {A({I(1), I(2), I(1), NB()}), A({I(2)})}), "[1, NULL]");
    EXPECT_EQ(S("array_except", {A({V("日"), V("a")}, Type::varchar()), A({V("a")}, Type::varchar())}), "[日]");
    EXPECT_EQ(S("arrays_overlap", {A({I(1), I(2)}), A({I(2), I(3)})}), "true");
    EXPECT_EQ(S("arrays_overlap", {A({I(1)}), A({I(3)})}), "false");
    EXPECT_TRUE(call_both("arrays_overlap", {A({I(1), NB()}), A({I(3)})}).is_null());
    EXPECT_EQ(S("arrays_overlap", {A({}), A({NB()})}), "false");
}

TEST(ArrayFunctionsTest, ManyRowsWithNullArrays) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 2000; ++i) {
        if (i % 5 == 0) rows.push_back({NullOf(Type::array(Type::bigint()))});
        else rows.push_back({A({I(i), I(i - 1), NB()})});
    }
    auto evaluation = evaluate_rows("array_sort", {Type::array(Type::bigint())}, rows);
    EXPECT_TRUE(evaluation.results[0].is_null());
    EXPECT_EQ(text(evaluation.results[1]), "[0, 1, NULL]");
    EXPECT_EQ(text(evaluation.results[1999]), "[1998, 1999, NULL]");
}

}  // namespace
}  // namespace fedq
