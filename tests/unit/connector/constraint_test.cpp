#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "connector/connector.h"
#include "connector/constraint.h"
#include "types/datetime.h"

namespace fedq {
namespace {

using json = nlohmann::json;

Value i(int64_t v) { return Value::bigint(v); }
Bound incl(Value v) { return Bound{std::move(v), true}; }
Bound excl(Value v) { return Bound{std::move(v), false}; }
Bound unbounded() { return Bound{std::nullopt, false}; }
Range range(Bound low, Bound high) { return Range{std::move(low), std::move(high)}; }

void expect_error(ErrorCode code, const std::function<void()>& body) {
    try {
        body();
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.message();
    }
}

// ---------------------------------------------------------------- Range

TEST(ConstraintRange, PointAndContains) {
    EXPECT_TRUE(Range::point(i(3)).is_point());
    EXPECT_FALSE(Range::all().is_point());
    EXPECT_FALSE(range(incl(i(3)), excl(i(3))).is_point());
    EXPECT_FALSE(range(incl(i(3)), incl(i(4))).is_point());

    Range r = range(excl(i(1)), incl(i(5)));
    EXPECT_FALSE(r.contains(i(1)));
    EXPECT_TRUE(r.contains(i(2)));
    EXPECT_TRUE(r.contains(i(5)));
    EXPECT_FALSE(r.contains(i(6)));
    EXPECT_FALSE(r.contains(Value::null(Type::bigint())));
    EXPECT_TRUE(Range::all().contains(i(-100)));
    EXPECT_TRUE(range(unbounded(), excl(i(0))).contains(i(-1)));
    EXPECT_TRUE(r.contains(Value::integer(3)));  // numeric ids compare numerically
}

// ---------------------------------------------------------------- Domain construction

TEST(ConstraintDomain, Basics) {
    Type t = Type::bigint();
    EXPECT_TRUE(Domain::all(t).is_all());
    EXPECT_TRUE(Domain::none(t).is_none());
    EXPECT_FALSE(Domain::only_null(t).is_none());
    EXPECT_TRUE(Domain::only_null(t).contains(Value::null(t)));
    EXPECT_FALSE(Domain::only_null(t).contains(i(1)));
    EXPECT_FALSE(Domain::not_null(t).contains(Value::null(t)));
    EXPECT_TRUE(Domain::not_null(t).contains(i(1)));
    EXPECT_FALSE(Domain::not_null(t).is_all());
    EXPECT_TRUE(Domain::all(t).contains(Value::null(t)));
}

TEST(ConstraintDomain, ValuesAreSortedAndDeduplicated) {
    Domain d = Domain::values(Type::bigint(), {i(3), i(1), i(2), i(3), Value::null(Type::bigint())});
    ASSERT_EQ(d.ranges().size(), 3u);
    EXPECT_FALSE(d.null_allowed());
    auto values = d.discrete_values();
    ASSERT_TRUE(values);
    EXPECT_EQ(*values, (std::vector<Value>{i(1), i(2), i(3)}));
    EXPECT_EQ(d.to_string(), "{1, 2, 3}");
    EXPECT_TRUE(d.contains(i(2)));
    EXPECT_FALSE(d.contains(i(4)));
    EXPECT_FALSE(d.contains(Value::null(Type::bigint())));
    EXPECT_TRUE(Domain::values(Type::bigint(), {i(7)}).is_single_value());
    EXPECT_FALSE(d.is_single_value());
    EXPECT_TRUE(Domain::values(Type::bigint(), {}).is_none());
}

TEST(ConstraintDomain, EmptyRangesVanish) {
    EXPECT_TRUE(Domain::range(Type::bigint(), range(incl(i(5)), incl(i(1)))).is_none());
    EXPECT_TRUE(Domain::range(Type::bigint(), range(incl(i(5)), excl(i(5)))).is_none());
    EXPECT_TRUE(Domain::range(Type::bigint(), range(incl(i(5)), incl(i(5)))).is_single_value());
    EXPECT_TRUE(Domain::range(Type::bigint(), range(incl(Value::null(Type::bigint())), unbounded())).is_none());
}

// ---------------------------------------------------------------- Domain algebra

TEST(ConstraintDomain, UnionMergesOverlappingAndTouchingRanges) {
    Type t = Type::bigint();
    Domain a = Domain::range(t, range(incl(i(1)), excl(i(5))));
    Domain b = Domain::range(t, range(incl(i(5)), incl(i(8))));
    Domain u = a.union_with(b);
    ASSERT_EQ(u.ranges().size(), 1u);
    EXPECT_EQ(u.to_string(), "[1, 8]");

    Domain c = Domain::range(t, range(excl(i(8)), unbounded()));
    Domain all_from_one = u.union_with(c);
    EXPECT_EQ(all_from_one.to_string(), "[1, +inf)");

    // (1, 5) and (5, 8) do not touch: 5 is in neither.
    Domain gap = Domain::range(t, range(excl(i(1)), excl(i(5))))
                     .union_with(Domain::range(t, range(excl(i(5)), excl(i(8)))));
    EXPECT_EQ(gap.ranges().size(), 2u);
    EXPECT_FALSE(gap.contains(i(5)));
    EXPECT_EQ(gap.to_string(), "(1, 5) OR (5, 8)");

    Domain points = Domain::values(t, {i(10), i(2)}).union_with(a);
    EXPECT_EQ(points.to_string(), "[1, 5) OR {10}");
    EXPECT_TRUE(points.contains(i(10)));
    EXPECT_FALSE(points.contains(i(9)));

    Domain whole = Domain::range(t, range(unbounded(), incl(i(3)))).union_with(Domain::range(t, range(excl(i(3)), unbounded())));
    EXPECT_EQ(whole.to_string(), "IS NOT NULL");
    EXPECT_TRUE(whole.union_with(Domain::only_null(t)).is_all());
}

TEST(ConstraintDomain, Intersect) {
    Type t = Type::bigint();
    Domain a = Domain::range(t, range(incl(i(1)), incl(i(10))));
    Domain b = Domain::range(t, range(excl(i(5)), unbounded()));
    EXPECT_EQ(a.intersect(b).to_string(), "(5, 10]");
    EXPECT_TRUE(a.intersect(Domain::range(t, range(excl(i(10)), unbounded()))).is_none());
    EXPECT_EQ(a.intersect(Domain::range(t, range(incl(i(10)), unbounded()))).to_string(), "{10}");

    Domain in = Domain::values(t, {i(0), i(3), i(7), i(12)});
    EXPECT_EQ(in.intersect(a).to_string(), "{3, 7}");
    EXPECT_EQ(a.intersect(in).to_string(), "{3, 7}");

    Domain multi = Domain::values(t, {i(1)}).union_with(Domain::range(t, range(incl(i(4)), incl(i(6)))))
                       .union_with(Domain::range(t, range(incl(i(9)), unbounded())));
    Domain window = Domain::range(t, range(incl(i(5)), incl(i(10))));
    EXPECT_EQ(multi.intersect(window).to_string(), "[5, 6] OR [9, 10]");

    // NULL handling.
    Domain with_null = a.union_with(Domain::only_null(t));
    EXPECT_EQ(with_null.to_string(), "[1, 10] OR NULL");
    EXPECT_TRUE(with_null.intersect(Domain::only_null(t)).null_allowed());
    EXPECT_EQ(with_null.intersect(Domain::only_null(t)).to_string(), "IS NULL");
    EXPECT_FALSE(with_null.intersect(Domain::not_null(t)).null_allowed());
    EXPECT_TRUE(Domain::only_null(t).intersect(Domain::not_null(t)).is_none());
    EXPECT_EQ(Domain::all(t).intersect(a).to_string(), a.to_string());
}

TEST(ConstraintDomain, DiscreteValuesOnlyForPoints) {
    Type t = Type::bigint();
    EXPECT_FALSE(Domain::range(t, range(incl(i(1)), incl(i(3)))).discrete_values());
    EXPECT_FALSE(Domain::all(t).discrete_values());
    auto none = Domain::none(t).discrete_values();
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(ConstraintDomain, StringsDatesAndToString) {
    Type t = Type::varchar();
    Domain d = Domain::values(t, {Value::varchar("b"), Value::varchar("a")});
    EXPECT_EQ(d.to_string(), "{a, b}");
    EXPECT_TRUE(d.contains(Value::varchar("a")));
    EXPECT_FALSE(d.contains(Value::varchar("ab")));
    Domain prefix = Domain::range(t, range(incl(Value::varchar("ab")), excl(Value::varchar("ac"))));
    EXPECT_TRUE(prefix.contains(Value::varchar("abzzz")));
    EXPECT_FALSE(prefix.contains(Value::varchar("ac")));

    Value day = Value::date(*parse_date("2024-01-01"));
    EXPECT_EQ(Domain::range(Type::date(), range(incl(day), unbounded())).to_string(), "[2024-01-01, +inf)");
    EXPECT_EQ(Domain::only_null(Type::date()).to_string(), "IS NULL");
    EXPECT_EQ(Domain::none(Type::date()).to_string(), "NONE");
    EXPECT_EQ(Domain::all(Type::date()).to_string(), "ALL");
    EXPECT_EQ(Domain::not_null(Type::date()).to_string(), "IS NOT NULL");
    EXPECT_EQ(Domain::range(Type::double_(), range(unbounded(), excl(Value::double_(2.5)))).to_string(), "(-inf, 2.5)");
}

// ---------------------------------------------------------------- Constraint

TEST(ConstraintConjunction, AddIntersectsAndDetectsNone) {
    Constraint c;
    EXPECT_TRUE(c.is_all());
    EXPECT_EQ(c.to_string(), "ALL");
    c.add("x", Domain::range(Type::bigint(), range(incl(i(1)), unbounded())));
    c.add("x", Domain::range(Type::bigint(), range(unbounded(), excl(i(10)))));
    c.add("y", Domain::only_null(Type::varchar()));
    c.add("z", Domain::all(Type::bigint()));  // unconstrained: not stored
    EXPECT_FALSE(c.is_all());
    EXPECT_FALSE(c.is_none());
    ASSERT_NE(c.find("x"), nullptr);
    EXPECT_EQ(c.find("x")->to_string(), "[1, 10)");
    EXPECT_EQ(c.find("z"), nullptr);
    EXPECT_EQ(c.find("missing"), nullptr);
    EXPECT_EQ(c.to_string(), "x [1, 10) AND y IS NULL");

    c.add("x", Domain::values(Type::bigint(), {i(20)}));
    EXPECT_TRUE(c.is_none());
    EXPECT_EQ(c.to_string(), "NONE");

    Constraint d;
    d.add("a", Domain::none(Type::bigint()));
    EXPECT_TRUE(d.is_none());
}

// ---------------------------------------------------------------- JSON round trips

void expect_round_trip(const Value& v) {
    json j = value_to_json(v);
    Value back = value_from_json(json::parse(j.dump()));
    EXPECT_EQ(back.type(), v.type()) << j.dump();
    EXPECT_EQ(back.is_null(), v.is_null()) << j.dump();
    if (!v.is_null()) {
        if ((v.type().id() == TypeId::kDouble || v.type().id() == TypeId::kReal) && std::isnan(v.as_double())) {
            EXPECT_TRUE(std::isnan(back.as_double()));
        } else {
            EXPECT_EQ(back.compare(v), 0) << j.dump() << " -> " << back.to_string();
            EXPECT_EQ(back.to_string(), v.to_string());
        }
    }
}

TEST(ConstraintJson, ValuesOfEveryType) {
    expect_round_trip(Value());
    expect_round_trip(Value::null(Type::bigint()));
    expect_round_trip(Value::null(Type::decimal(10, 3)));
    expect_round_trip(Value::boolean(true));
    expect_round_trip(Value::boolean(false));
    expect_round_trip(Value::tinyint(-128));
    expect_round_trip(Value::smallint(32767));
    expect_round_trip(Value::integer(-2147483647 - 1));
    expect_round_trip(Value::bigint(INT64_MAX));
    expect_round_trip(Value::bigint(INT64_MIN));
    expect_round_trip(Value::real(1.5f));
    expect_round_trip(Value::double_(0.1));
    expect_round_trip(Value::double_(-1e308));
    expect_round_trip(Value::double_(NAN));
    expect_round_trip(Value::double_(INFINITY));
    expect_round_trip(Value::double_(-INFINITY));
    expect_round_trip(Value::decimal(-1250, 10, 2));
    int128_t huge = static_cast<int128_t>(INT64_MAX) * 1000000000000LL + 123456789;  // beyond int64
    expect_round_trip(Value::decimal(huge, 38, 5));
    expect_round_trip(Value::decimal(-huge, 38, 0));
    expect_round_trip(Value::varchar(""));
    expect_round_trip(Value::varchar("it's \"quoted\" \xc3\xa4 \n"));
    expect_round_trip(Value::varbinary(std::string("\x00\xff\x10", 3)));
    expect_round_trip(Value::json("{\"a\": [1, 2]}"));
    expect_round_trip(Value::date(-719162));
    expect_round_trip(Value::date(19723));
    expect_round_trip(Value::timestamp(1704067200123456LL));
    expect_round_trip(Value::timestamp_tz(-1));
    expect_round_trip(Value::interval({14, -3, 123456789}));
    Type array = Type::array(Type::varchar());
    expect_round_trip(Value::nested(array, {Value::varchar("a"), Value::null(Type::varchar())}));
    expect_round_trip(Value::nested(array, {}));
    Type row = Type::row({"id", "tags", "price"}, {Type::bigint(), array, Type::decimal(12, 2)});
    expect_round_trip(Value::nested(row, {Value::bigint(1), Value::nested(array, {Value::varchar("x")}),
                                          Value::decimal(999, 12, 2)}));
    expect_round_trip(Value::null(row));
}

TEST(ConstraintJson, EncodingsAreReadable) {
    EXPECT_EQ(value_to_json(Value::decimal(-1250, 10, 2)).dump(),
              R"({"type":{"id":"decimal","precision":10,"scale":2},"value":"-12.50"})");
    EXPECT_EQ(value_to_json(Value::null(Type::integer())).dump(), R"({"type":{"id":"integer"},"value":null})");
    EXPECT_EQ(value_to_json(Value::double_(NAN))["value"], "NaN");
    EXPECT_EQ(value_to_json(Value::varbinary("\x01\xab"))["value"], "01ab");
}

TEST(ConstraintJson, Types) {
    std::vector<Type> types = {Type::null(),      Type::boolean(),   Type::tinyint(),      Type::smallint(),
                               Type::integer(),   Type::bigint(),    Type::real(),         Type::double_(),
                               Type::decimal(38, 10), Type::varchar(), Type::varbinary(), Type::date(),
                               Type::timestamp(), Type::timestamp_tz(), Type::interval(),  Type::json(),
                               Type::array(Type::array(Type::integer())),
                               Type::row({"a b", "c"}, {Type::decimal(5, 1), Type::array(Type::date())})};
    for (const auto& t : types) {
        EXPECT_EQ(type_from_json(json::parse(type_to_json(t).dump())), t) << t.to_string();
    }
    EXPECT_EQ(type_from_json(json("decimal(12,2)")), Type::decimal(12, 2));
}

TEST(ConstraintJson, DomainsAndConstraints) {
    Type t = Type::timestamp();
    Domain d = Domain::range(t, range(incl(Value::timestamp(0)), excl(Value::timestamp(1000))))
                   .union_with(Domain::values(t, {Value::timestamp(5000)}))
                   .union_with(Domain::only_null(t));
    Domain back = Domain::from_json(json::parse(d.to_json().dump()));
    EXPECT_EQ(back.to_string(), d.to_string());
    EXPECT_EQ(back.type(), t);
    EXPECT_TRUE(back.null_allowed());
    EXPECT_EQ(back.ranges().size(), 2u);
    for (const Domain& x : {Domain::all(t), Domain::none(t), Domain::only_null(t), Domain::not_null(t)}) {
        Domain y = Domain::from_json(x.to_json());
        EXPECT_EQ(y.to_string(), x.to_string());
        EXPECT_EQ(y.is_all(), x.is_all());
        EXPECT_EQ(y.is_none(), x.is_none());
    }

    Constraint c;
    c.add("price", Domain::range(Type::decimal(10, 2), range(excl(Value::decimal(1999, 10, 2)), unbounded())));
    c.add("region", Domain::values(Type::varchar(), {Value::varchar("EU"), Value::varchar("US")}));
    Constraint c2 = Constraint::from_json(json::parse(c.to_json().dump()));
    EXPECT_EQ(c2.to_string(), c.to_string());
    EXPECT_EQ(c2.to_string(), "price (19.99, +inf) AND region {EU, US}");

    Constraint none;
    none.add("x", Domain::none(Type::bigint()));
    EXPECT_TRUE(Constraint::from_json(none.to_json()).is_none());
    EXPECT_TRUE(Constraint::from_json(Constraint().to_json()).is_all());
}

TEST(ConstraintJson, UnsortedRangesFromTheWireAreNormalized) {
    json j = json::parse(R"({"type": {"id": "bigint"}, "null_allowed": false, "ranges": [
        {"low": {"value": 10, "inclusive": true}, "high": null},
        {"low": null, "high": {"value": 3, "inclusive": false}},
        {"low": {"value": 12, "inclusive": true}, "high": {"value": 20, "inclusive": true}}]})");
    EXPECT_EQ(Domain::from_json(j).to_string(), "(-inf, 3) OR [10, +inf)");
}

TEST(ConstraintJson, MalformedInputRaises) {
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse("{}")); });
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse(R"({"type": {"id": "bigint"}, "value": "x"})")); });
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse(R"({"type": {"id": "tinyint"}, "value": 300})")); });
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse(R"({"type": {"id": "nope"}, "value": 1})")); });
    expect_error(ErrorCode::kInvalidJson, [] {
        value_from_json(json::parse(R"({"type": {"id": "decimal", "precision": 3, "scale": 0}, "value": "12345"})"));
    });
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse(R"({"type": {"id": "varbinary"}, "value": "zz"})")); });
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse(R"({"type": {"id": "interval"}, "value": {}})")); });
    expect_error(ErrorCode::kInvalidJson, [] { value_from_json(json::parse("[1, 2]")); });
    expect_error(ErrorCode::kInvalidJson, [] { Domain::from_json(json::parse(R"({"type": {"id": "bigint"}})")); });
    expect_error(ErrorCode::kInvalidJson, [] {
        Domain::from_json(json::parse(
            R"({"type": {"id": "bigint"}, "null_allowed": false, "ranges": [{"low": {"value": null, "inclusive": true}, "high": null}]})"));
    });
    expect_error(ErrorCode::kInvalidJson, [] { Constraint::from_json(json::parse("3")); });
    expect_error(ErrorCode::kInvalidParameter, [] {
        type_from_json(json::parse(R"({"id": "decimal", "precision": 50, "scale": 0})"));
    });
}

// ---------------------------------------------------------------- ScanRequest / ScanPlan

TEST(ConnectorJson, ScanRequestRoundTrip) {
    ScanRequest request;
    request.table.schema = "sales";
    request.table.table = "orders";
    request.table.properties = {{"paths", {"s3://bucket/a.parquet"}}, {"format", "parquet"}};
    request.columns = {"id", "amount", "day"};
    request.constraint.add("day", Domain::range(Type::date(), range(incl(Value::date(19723)), unbounded())));
    request.limit = 100;
    request.batch_rows = 1024;
    request.target_splits = 8;
    ScanRequest back = ScanRequest::from_json(json::parse(request.to_json().dump()));
    EXPECT_EQ(back.table.schema, "sales");
    EXPECT_EQ(back.table.table, "orders");
    EXPECT_EQ(back.table.properties, request.table.properties);
    EXPECT_EQ(back.columns, request.columns);
    EXPECT_EQ(back.constraint.to_string(), "day [2024-01-01, +inf)");
    ASSERT_TRUE(back.limit);
    EXPECT_EQ(*back.limit, 100u);
    EXPECT_EQ(back.batch_rows, 1024u);
    EXPECT_EQ(back.target_splits, 8u);

    ScanRequest minimal = ScanRequest::from_json(json::parse(R"({"table": {"schema": "s", "table": "t"}, "columns": []})"));
    EXPECT_FALSE(minimal.limit);
    EXPECT_TRUE(minimal.constraint.is_all());
    EXPECT_EQ(minimal.batch_rows, kDefaultBatchRows);
    EXPECT_FALSE(ScanRequest::from_json(ScanRequest().to_json()).limit);
}

TEST(ConnectorJson, ScanPlanRoundTrip) {
    ScanPlan plan;
    plan.constraint_accepted = {{"a", PushdownKind::kExact}, {"b", PushdownKind::kInexact}, {"c", PushdownKind::kUnsupported}};
    plan.limit_accepted = true;
    plan.description = "files: 2 of 5 files after pruning";
    Split split;
    split.payload = {{"path", "/data/x.csv"}, {"offset", 0}, {"length", 1048576}};
    split.description = "x.csv bytes 0-1048576";
    split.estimated_rows = 5000;
    plan.splits = {split, Split{}};
    ScanPlan back = ScanPlan::from_json(json::parse(plan.to_json().dump()));
    EXPECT_EQ(back.constraint_accepted, plan.constraint_accepted);
    EXPECT_TRUE(back.limit_accepted);
    EXPECT_EQ(back.description, plan.description);
    ASSERT_EQ(back.splits.size(), 2u);
    EXPECT_EQ(back.splits[0].payload, split.payload);
    EXPECT_EQ(back.splits[0].description, split.description);
    EXPECT_EQ(back.splits[0].estimated_rows, 5000.0);
    EXPECT_FALSE(back.splits[1].estimated_rows);
    EXPECT_EQ(plan.to_json()["constraint_accepted"]["b"], "inexact");
}

TEST(ConnectorJson, MalformedRequestsRaise) {
    expect_error(ErrorCode::kInvalidJson, [] { ScanRequest::from_json(json::parse("{}")); });
    expect_error(ErrorCode::kInvalidJson, [] {
        ScanRequest::from_json(json::parse(R"({"table": {"schema": "s", "table": "t"}, "columns": [1]})"));
    });
    expect_error(ErrorCode::kInvalidJson, [] {
        ScanRequest::from_json(json::parse(R"({"table": {"schema": "s", "table": "t"}, "columns": [], "limit": -1})"));
    });
    expect_error(ErrorCode::kInvalidJson, [] {
        ScanPlan::from_json(json::parse(R"({"constraint_accepted": {"a": "sometimes"}})"));
    });
    expect_error(ErrorCode::kInvalidJson, [] { ScanPlan::from_json(json::parse(R"({"splits": {}})")); });
}

}  // namespace
}  // namespace fedq
