// Unit tests for the expression module: ExpressionEvaluator over hand-built bound expressions.
#include <gtest/gtest.h>

#include "common/error.h"
#include "expression/evaluator.h"
#include "functions/function.h"

namespace fedq {
namespace {

template <typename F>
ErrorCode error_code_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "expected a fedq::Error";
    return ErrorCode::kInternal;
}

BoundExprPtr col(size_t index, Type type) {
    auto e = BoundExpr::column(static_cast<ColumnId>(index), std::move(type), "c" + std::to_string(index));
    e->column_index = index;
    return e;
}

BoundExprPtr lit(Value v) { return BoundExpr::constant_value(std::move(v)); }

std::shared_ptr<const BoundScalarFunction> bind_fn(const std::string& name, const std::vector<Type>& types) {
    ConstantArgs constants(types.size());
    auto f = FunctionRegistry::instance().bind_scalar(name, types, constants);
    return std::make_shared<const BoundScalarFunction>(std::move(f));
}

BoundExprPtr fn(const std::string& name, std::vector<BoundExprPtr> args) {
    std::vector<Type> types;
    for (const auto& a : args) types.push_back(a->type);
    auto f = bind_fn(name, types);
    EXPECT_EQ(f->arg_types, types) << name << " wants its arguments cast";
    auto e = BoundExpr::make(BoundExprKind::kFunction, f->return_type, std::move(args));
    e->function = f;
    e->name = name;
    return e;
}

BoundExprPtr logical(BoundExprKind kind, std::vector<BoundExprPtr> args) {
    return BoundExpr::make(kind, Type::boolean(), std::move(args));
}

// Boolean column from a string of 'T', 'F', 'N'.
ColumnPtr bools(const std::string& spec) {
    auto c = Column::make(Type::boolean());
    for (char ch : spec) {
        if (ch == 'N') c->append_null();
        else c->append<uint8_t>(ch == 'T');
    }
    return c;
}

std::string bool_spec(const Column& c) {
    std::string out;
    for (size_t i = 0; i < c.size(); ++i) out += c.is_null(i) ? 'N' : (c.values<uint8_t>()[i] ? 'T' : 'F');
    return out;
}

// BIGINT column; std::nullopt = NULL.
ColumnPtr bigints(const std::vector<std::optional<int64_t>>& values) {
    auto c = Column::make(Type::bigint());
    for (const auto& v : values) {
        if (v) c->append<int64_t>(*v);
        else c->append_null();
    }
    return c;
}

std::vector<std::string> texts(const Column& c) {
    std::vector<std::string> out;
    for (size_t i = 0; i < c.size(); ++i) out.push_back(c.value_at(i).to_string());
    return out;
}

class EvaluatorTest : public ::testing::Test {
protected:
    FunctionContext context_;
    ExpressionEvaluator evaluator_{&context_};
};

TEST_F(EvaluatorTest, ThreeValuedAndOrOverAllCombinations) {
    // a x b over {T, F, N} x {T, F, N}.
    Batch batch(9, {bools("TTTFFFNNN"), bools("TFNTFNTFN")});
    auto and_ = logical(BoundExprKind::kAnd, [] {
        std::vector<BoundExprPtr> v;
        v.push_back(col(0, Type::boolean()));
        v.push_back(col(1, Type::boolean()));
        return v;
    }());
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*and_, batch)), "TFNFFFNFN");
    auto or_ = logical(BoundExprKind::kOr, [] {
        std::vector<BoundExprPtr> v;
        v.push_back(col(0, Type::boolean()));
        v.push_back(col(1, Type::boolean()));
        return v;
    }());
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*or_, batch)), "TTTTFNTNN");
    std::vector<BoundExprPtr> not_args;
    not_args.push_back(col(0, Type::boolean()));
    auto not_ = logical(BoundExprKind::kNot, std::move(not_args));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*not_, batch)), "FFFTTTNNN");
}

TEST_F(EvaluatorTest, AndOrWithThreeChildrenAndConstants) {
    Batch batch(3, {bools("TNF")});
    std::vector<BoundExprPtr> a;
    a.push_back(col(0, Type::boolean()));
    a.push_back(lit(Value::boolean(true)));
    a.push_back(lit(Value::null(Type::boolean())));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*logical(BoundExprKind::kAnd, std::move(a)), batch)), "NNF");
    std::vector<BoundExprPtr> o;
    o.push_back(col(0, Type::boolean()));
    o.push_back(lit(Value::null(Type::boolean())));
    o.push_back(lit(Value::boolean(true)));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*logical(BoundExprKind::kOr, std::move(o)), batch)), "TTT");
}

TEST_F(EvaluatorTest, DivisionByZeroRaisesWithoutGuard) {
    Batch batch(2, {bigints({5, 0})});
    std::vector<BoundExprPtr> args;
    args.push_back(lit(Value::bigint(10)));
    args.push_back(col(0, Type::bigint()));
    auto div = fn("$divide", std::move(args));
    EXPECT_EQ(error_code_of([&] { evaluator_.evaluate(*div, batch); }), ErrorCode::kDivisionByZero);
}

BoundExprPtr ten_div_x() {
    std::vector<BoundExprPtr> args;
    args.push_back(lit(Value::bigint(10)));
    args.push_back(col(0, Type::bigint()));
    return fn("$divide", std::move(args));
}

BoundExprPtr cmp(const std::string& op, BoundExprPtr l, BoundExprPtr r) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(l));
    args.push_back(std::move(r));
    return fn(op, std::move(args));
}

TEST_F(EvaluatorTest, AndShortCircuitsDivisionByZero) {
    Batch batch(5, {bigints({0, 5, 20, 0, 2})});
    // x <> 0 AND 10 / x > 1
    std::vector<BoundExprPtr> parts;
    parts.push_back(cmp("$ne", col(0, Type::bigint()), lit(Value::bigint(0))));
    parts.push_back(cmp("$gt", ten_div_x(), lit(Value::bigint(1))));
    auto pred = logical(BoundExprKind::kAnd, std::move(parts));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*pred, batch)), "FTFFT");
    std::vector<uint32_t> selection;
    evaluator_.select(*pred, batch, selection);
    EXPECT_EQ(selection, (std::vector<uint32_t>{1, 4}));
}

TEST_F(EvaluatorTest, OrShortCircuitsDivisionByZero) {
    Batch batch(3, {bigints({0, 5, 20})});
    // x = 0 OR 10 / x > 1
    std::vector<BoundExprPtr> parts;
    parts.push_back(cmp("$eq", col(0, Type::bigint()), lit(Value::bigint(0))));
    parts.push_back(cmp("$gt", ten_div_x(), lit(Value::bigint(1))));
    auto pred = logical(BoundExprKind::kOr, std::move(parts));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*pred, batch)), "TTF");
}

TEST_F(EvaluatorTest, AndWithNullOperandDoesNotDivideNullSlot) {
    // x NULL: x <> 0 is NULL, so the right side is evaluated on that row; the NULL slot must not
    // raise division by zero (null propagation), and NULL AND NULL is NULL.
    Batch batch(3, {bigints({std::nullopt, 5, 0})});
    std::vector<BoundExprPtr> parts;
    parts.push_back(cmp("$ne", col(0, Type::bigint()), lit(Value::bigint(0))));
    parts.push_back(cmp("$gt", ten_div_x(), lit(Value::bigint(1))));
    auto pred = logical(BoundExprKind::kAnd, std::move(parts));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*pred, batch)), "NTF");
}

BoundExprPtr case_expr(Type type, std::vector<BoundExprPtr> children, bool has_else) {
    auto e = BoundExpr::make(BoundExprKind::kCase, std::move(type), std::move(children));
    e->has_else = has_else;
    return e;
}

TEST_F(EvaluatorTest, CaseShortCircuitsDivisionByZero) {
    Batch batch(4, {bigints({0, 5, std::nullopt, 3})});
    // CASE WHEN x = 0 THEN 0 ELSE 10 / x END
    std::vector<BoundExprPtr> ch;
    ch.push_back(cmp("$eq", col(0, Type::bigint()), lit(Value::bigint(0))));
    ch.push_back(lit(Value::bigint(0)));
    ch.push_back(ten_div_x());
    auto e = case_expr(Type::bigint(), std::move(ch), true);
    auto out = evaluator_.evaluate(*e, batch);
    EXPECT_EQ(texts(*out), (std::vector<std::string>{"0", "2", "NULL", "3"}));
}

TEST_F(EvaluatorTest, CaseWithoutElseAndVarWidth) {
    Batch batch(5, {bigints({1, 10, std::nullopt, 7, 100})});
    // CASE WHEN x > 50 THEN 'huge' WHEN x > 5 THEN 'big' END
    std::vector<BoundExprPtr> ch;
    ch.push_back(cmp("$gt", col(0, Type::bigint()), lit(Value::bigint(50))));
    ch.push_back(lit(Value::varchar("huge")));
    ch.push_back(cmp("$gt", col(0, Type::bigint()), lit(Value::bigint(5))));
    ch.push_back(lit(Value::varchar("big")));
    auto no_else = case_expr(Type::varchar(), std::move(ch), false);
    auto out = evaluator_.evaluate(*no_else, batch);
    ASSERT_EQ(out->type(), Type::varchar());
    EXPECT_EQ(texts(*out), (std::vector<std::string>{"NULL", "big", "NULL", "big", "huge"}));
    EXPECT_EQ(out->null_count(), 2u);

    std::vector<BoundExprPtr> ch2;
    ch2.push_back(cmp("$gt", col(0, Type::bigint()), lit(Value::bigint(5))));
    ch2.push_back(lit(Value::varchar("a long string value")));
    ch2.push_back(lit(Value::varchar("")));
    auto with_else = case_expr(Type::varchar(), std::move(ch2), true);
    out = evaluator_.evaluate(*with_else, batch);
    EXPECT_EQ(texts(*out), (std::vector<std::string>{"", "a long string value", "", "a long string value",
                                                      "a long string value"}));
    EXPECT_FALSE(out->has_nulls());
}

TEST_F(EvaluatorTest, CaseAllRowsOneBranchAndNullElse) {
    Batch batch(3, {bigints({1, 2, 3})});
    std::vector<BoundExprPtr> ch;
    ch.push_back(lit(Value::boolean(true)));
    ch.push_back(col(0, Type::bigint()));
    ch.push_back(lit(Value::null(Type::bigint())));
    auto e = case_expr(Type::bigint(), std::move(ch), true);
    EXPECT_EQ(texts(*evaluator_.evaluate(*e, batch)), (std::vector<std::string>{"1", "2", "3"}));
    std::vector<BoundExprPtr> ch2;
    ch2.push_back(lit(Value::null(Type::boolean())));
    ch2.push_back(col(0, Type::bigint()));
    ch2.push_back(lit(Value::null(Type::bigint())));
    auto e2 = case_expr(Type::bigint(), std::move(ch2), true);
    EXPECT_EQ(texts(*evaluator_.evaluate(*e2, batch)), (std::vector<std::string>{"NULL", "NULL", "NULL"}));
}

BoundExprPtr in_list(BoundExprPtr operand, std::vector<Value> items, bool negated) {
    std::vector<BoundExprPtr> ch;
    Type t = operand->type;
    ch.push_back(std::move(operand));
    for (auto& v : items) ch.push_back(v.is_null() ? lit(Value::null(t)) : lit(std::move(v)));
    auto e = BoundExpr::make(BoundExprKind::kInList, Type::boolean(), std::move(ch));
    e->function = bind_fn("$eq", {t, t});
    e->negated = negated;
    return e;
}

TEST_F(EvaluatorTest, InListWithNulls) {
    Batch batch(3, {bigints({1, 2, std::nullopt})});
    auto plain = in_list(col(0, Type::bigint()), {Value::bigint(1), Value::bigint(3)}, false);
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*plain, batch)), "TFN");
    // x IN (1, NULL): TRUE when found, else NULL.
    auto with_null = in_list(col(0, Type::bigint()), {Value::bigint(1), Value::null(Type::bigint())}, false);
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*with_null, batch)), "TNN");
    // x NOT IN (1, NULL): FALSE when found, else NULL.
    auto not_in = in_list(col(0, Type::bigint()), {Value::bigint(1), Value::null(Type::bigint())}, true);
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*not_in, batch)), "FNN");
    auto not_in_plain = in_list(col(0, Type::bigint()), {Value::bigint(1), Value::bigint(3)}, true);
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*not_in_plain, batch)), "FTN");
    std::vector<uint32_t> sel;
    evaluator_.select(*not_in, batch, sel);
    EXPECT_TRUE(sel.empty());
}

TEST_F(EvaluatorTest, InListStrings) {
    auto c = Column::make(Type::varchar());
    c->append_string("b");
    c->append_string("zz");
    c->append_null();
    Batch batch(3, {c});
    auto e = in_list(col(0, Type::varchar()), {Value::varchar("a"), Value::varchar("b")}, false);
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*e, batch)), "TFN");
}

TEST_F(EvaluatorTest, IsDistinctFrom) {
    Batch batch(5, {bigints({1, 1, std::nullopt, std::nullopt, 2}), bigints({1, std::nullopt, 1, std::nullopt, 3})});
    auto make = [&](bool negated) {
        std::vector<BoundExprPtr> ch;
        ch.push_back(col(0, Type::bigint()));
        ch.push_back(col(1, Type::bigint()));
        auto e = BoundExpr::make(BoundExprKind::kIsDistinct, Type::boolean(), std::move(ch));
        e->function = bind_fn("$eq", {Type::bigint(), Type::bigint()});
        e->negated = negated;
        return e;
    };
    auto out = evaluator_.evaluate(*make(false), batch);
    EXPECT_EQ(bool_spec(*out), "FTTFT");
    EXPECT_FALSE(out->has_nulls());
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*make(true), batch)), "TFFTF");
}

TEST_F(EvaluatorTest, IsNull) {
    Batch batch(3, {bigints({1, std::nullopt, 3})});
    std::vector<BoundExprPtr> ch;
    ch.push_back(col(0, Type::bigint()));
    auto e = BoundExpr::make(BoundExprKind::kIsNull, Type::boolean(), std::move(ch));
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*e, batch)), "FTF");
    e->negated = true;
    EXPECT_EQ(bool_spec(*evaluator_.evaluate(*e, batch)), "TFT");
}

BoundExprPtr cast(BoundExprPtr input, Type to, bool try_cast) {
    std::vector<BoundExprPtr> ch;
    ch.push_back(std::move(input));
    auto e = BoundExpr::make(BoundExprKind::kCast, std::move(to), std::move(ch));
    e->try_cast = try_cast;
    return e;
}

TEST_F(EvaluatorTest, Casts) {
    auto s = Column::make(Type::varchar());
    s->append_string("12");
    s->append_string(" -7 ");
    s->append_null();
    s->append_string("abc");
    Batch batch(4, {s});
    auto try_int = cast(col(0, Type::varchar()), Type::bigint(), true);
    EXPECT_EQ(texts(*evaluator_.evaluate(*try_int, batch)), (std::vector<std::string>{"12", "-7", "NULL", "NULL"}));
    auto hard = cast(col(0, Type::varchar()), Type::bigint(), false);
    EXPECT_EQ(error_code_of([&] { evaluator_.evaluate(*hard, batch); }), ErrorCode::kInvalidCast);

    Batch nums(3, {bigints({1, std::nullopt, -300})});
    auto to_text = cast(col(0, Type::bigint()), Type::varchar(), false);
    auto out = evaluator_.evaluate(*to_text, nums);
    EXPECT_EQ(out->type(), Type::varchar());
    EXPECT_EQ(texts(*out), (std::vector<std::string>{"1", "NULL", "-300"}));
    auto to_tiny = cast(col(0, Type::bigint()), Type::tinyint(), false);
    EXPECT_EQ(error_code_of([&] { evaluator_.evaluate(*to_tiny, nums); }), ErrorCode::kNumericOverflow);
    auto try_tiny = cast(col(0, Type::bigint()), Type::tinyint(), true);
    EXPECT_EQ(texts(*evaluator_.evaluate(*try_tiny, nums)), (std::vector<std::string>{"1", "NULL", "NULL"}));
    auto to_dec = cast(col(0, Type::bigint()), Type::decimal(10, 2), false);
    EXPECT_EQ(texts(*evaluator_.evaluate(*to_dec, nums)), (std::vector<std::string>{"1.00", "NULL", "-300.00"}));
    // Same type: identity.
    auto same = cast(col(0, Type::bigint()), Type::bigint(), false);
    EXPECT_EQ(evaluator_.evaluate(*same, nums).get(), nums.columns[0].get());
}

TEST_F(EvaluatorTest, SelectSkipsNullAndFalse) {
    Batch batch(6, {bigints({5, std::nullopt, 0, 7, -1, 2})});
    auto pred = cmp("$gt", col(0, Type::bigint()), lit(Value::bigint(1)));
    std::vector<uint32_t> sel = {99};
    evaluator_.select(*pred, batch, sel);
    EXPECT_EQ(sel, (std::vector<uint32_t>{0, 3, 5}));
    Batch empty(0, {bigints({})});
    evaluator_.select(*pred, empty, sel);
    EXPECT_TRUE(sel.empty());
}

TEST_F(EvaluatorTest, ConstantsAndEvaluateConstant) {
    std::vector<BoundExprPtr> args;
    args.push_back(lit(Value::bigint(6)));
    args.push_back(lit(Value::bigint(7)));
    auto mul = fn("$multiply", std::move(args));
    Value v = evaluate_constant(*mul, &context_);
    EXPECT_EQ(v.as_int(), 42);
    std::vector<BoundExprPtr> nargs;
    nargs.push_back(lit(Value::bigint(6)));
    nargs.push_back(lit(Value::null(Type::bigint())));
    auto null_mul = fn("$multiply", std::move(nargs));
    Value n = evaluate_constant(*null_mul, &context_);
    EXPECT_TRUE(n.is_null());
    EXPECT_EQ(n.type(), Type::bigint());
    std::vector<BoundExprPtr> zargs;
    zargs.push_back(lit(Value::bigint(1)));
    zargs.push_back(lit(Value::bigint(0)));
    auto zero = fn("$divide", std::move(zargs));
    EXPECT_EQ(error_code_of([&] { evaluate_constant(*zero, &context_); }), ErrorCode::kDivisionByZero);
    std::vector<BoundExprPtr> oargs;
    oargs.push_back(lit(Value::bigint(std::numeric_limits<int64_t>::max())));
    oargs.push_back(lit(Value::bigint(1)));
    auto overflow = fn("$add", std::move(oargs));
    EXPECT_EQ(error_code_of([&] { evaluate_constant(*overflow, &context_); }), ErrorCode::kNumericOverflow);
}

TEST_F(EvaluatorTest, MissingColumnIsInternalError) {
    Batch batch(1, {bigints({1})});
    auto e = col(3, Type::bigint());
    EXPECT_EQ(error_code_of([&] { evaluator_.evaluate(*e, batch); }), ErrorCode::kInternal);
}

TEST_F(EvaluatorTest, UnknownFunctionAndBadOverload) {
    EXPECT_EQ(error_code_of([] { bind_fn("no_such_function_xyz", {Type::bigint()}); }), ErrorCode::kUndefinedFunction);
    // No matching overload: 42883 like Trino/PostgreSQL ("unexpected parameters for function").
    // Note: functions/function.h documents kDatatypeMismatch here; registry.cpp uses kUndefinedFunction.
    EXPECT_EQ(error_code_of([] { bind_fn("$add", {Type::varchar(), Type::boolean()}); }), ErrorCode::kUndefinedFunction);
}

TEST_F(EvaluatorTest, GatherForKeepsOnlyReferencedColumns) {
    Batch batch(4, {bigints({1, 2, 3, 4}), bigints({5, 6, 7, 8})});
    auto e = cmp("$gt", col(1, Type::bigint()), lit(Value::bigint(0)));
    Batch sub = gather_for(*e, batch, {3, 1});
    EXPECT_EQ(sub.num_rows, 2u);
    ASSERT_EQ(sub.columns.size(), 2u);
    EXPECT_EQ(sub.columns[0], nullptr);
    ASSERT_NE(sub.columns[1], nullptr);
    EXPECT_EQ(texts(*sub.columns[1]), (std::vector<std::string>{"8", "6"}));
}

}  // namespace
}  // namespace fedq
