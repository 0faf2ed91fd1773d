// Expressions. Precedence, lowest first: OR; AND; NOT; predicates (comparison, IS, BETWEEN, IN, LIKE);
// ||; + -; * / %; unary + -; postfix (::type, [index], .field, AT TIME ZONE); primaries.
#include <array>

#include "sql/parser_impl.h"

namespace fedq::sql {

ast::ExprPtr make_literal(const Token& token, ast::LiteralKind kind, std::string text) {
    auto literal = make_node<ast::LiteralExpr>(token);
    literal->literal_kind = kind;
    literal->text = std::move(text);
    return literal;
}

std::string negate_text(const std::string& text) { return text.starts_with('-') ? text.substr(1) : "-" + text; }

std::string interval_unit(const Token& token) {
    static constexpr std::array<std::string_view, 10> kUnits = {
        "YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"};
    if (token.kind != TokenKind::kWord) return "";
    for (std::string_view unit : kUnits) {
        if (is_keyword(token, unit)) return to_lower_ascii(unit);
        if (token.text.size() == unit.size() + 1 && (token.text.back() == 's' || token.text.back() == 'S')) {
            Token singular = token;
            singular.text.pop_back();
            if (is_keyword(singular, unit)) return to_lower_ascii(unit);
        }
    }
    return "";
}

namespace {

bool is_numeric_literal(const ast::Expr& expr) {
    if (expr.kind != ast::ExprKind::kLiteral) return false;
    auto kind = static_cast<const ast::LiteralExpr&>(expr).literal_kind;
    return kind == ast::LiteralKind::kInteger || kind == ast::LiteralKind::kDecimal ||
           kind == ast::LiteralKind::kDouble;
}

bool is_typed_literal_word(const Token& token) {
    static constexpr std::array<std::string_view, 19> kTypes = {
        "DATE",     "TIME",    "TIMESTAMP", "TIMESTAMPTZ", "DECIMAL", "NUMERIC", "REAL",
        "DOUBLE",   "FLOAT",   "BIGINT",    "INTEGER",     "INT",     "SMALLINT", "TINYINT",
        "BOOLEAN",  "JSON",    "VARCHAR",   "CHAR",        "UUID"};
    for (std::string_view type : kTypes) {
        if (is_keyword(token, type)) return true;
    }
    return is_keyword(token, "VARBINARY") || is_keyword(token, "IPADDRESS");
}

}  // namespace

ast::ExprPtr Parser::parse_expression() {
    DepthGuard guard(*this);
    return parse_or();
}

ast::ExprPtr Parser::parse_or() {
    ast::ExprPtr left = parse_and();
    while (at_word("OR")) {
        auto node = make_node<ast::BinaryExpr>(advance());
        node->position = left->position;
        node->op = ast::BinaryOp::kOr;
        count_chain_node();
        node->left = std::move(left);
        node->right = parse_and();
        left = std::move(node);
    }
    return left;
}

ast::ExprPtr Parser::parse_and() {
    ast::ExprPtr left = parse_not();
    while (at_word("AND")) {
        auto node = make_node<ast::BinaryExpr>(advance());
        node->position = left->position;
        node->op = ast::BinaryOp::kAnd;
        count_chain_node();
        node->left = std::move(left);
        node->right = parse_not();
        left = std::move(node);
    }
    return left;
}

ast::ExprPtr Parser::parse_not() {
    if (pending_primary_ || !at_word("NOT")) return parse_predicate();
    DepthGuard guard(*this);
    const Token& start = advance();
    bool exists_follows = at_word("EXISTS");
    ast::ExprPtr operand = parse_not();
    if (exists_follows && operand->kind == ast::ExprKind::kExists) {
        auto& exists = static_cast<ast::ExistsExpr&>(*operand);
        exists.negated = !exists.negated;
        exists.position = start.position;
        return operand;
    }
    auto node = make_node<ast::UnaryExpr>(start);
    node->op = ast::UnaryOp::kNot;
    node->operand = std::move(operand);
    return node;
}

ast::ExprPtr Parser::parse_predicate() {
    ast::ExprPtr left = parse_value();
    for (;;) {
        const Token& token = current();
        if (token.kind == TokenKind::kOperator) {
            ast::BinaryOp op;
            const std::string& t = token.text;
            if (t == "=" || t == "==") {
                op = ast::BinaryOp::kEqual;
            } else if (t == "<>" || t == "!=") {
                op = ast::BinaryOp::kNotEqual;
            } else if (t == "<") {
                op = ast::BinaryOp::kLess;
            } else if (t == "<=") {
                op = ast::BinaryOp::kLessEqual;
            } else if (t == ">") {
                op = ast::BinaryOp::kGreater;
            } else if (t == ">=") {
                op = ast::BinaryOp::kGreaterEqual;
            } else {
                break;
            }
            advance();
            count_chain_node();
            if ((at_word("ANY") || at_word("SOME") || at_word("ALL")) && at_op("(", 1) && at_query_start(2)) {
                left = parse_quantified_comparison(std::move(left), op, token);
                continue;
            }
            auto node = make_node<ast::BinaryExpr>(token);
            node->position = left->position;
            node->op = op;
            node->left = std::move(left);
            node->right = parse_value();
            left = std::move(node);
            continue;
        }
        if (at_word("IS")) {
            advance();
            bool negated = accept_word("NOT");
            count_chain_node();
            if (accept_word("NULL")) {
                auto node = make_node<ast::IsNullExpr>(token);
                node->position = left->position;
                node->negated = negated;
                node->operand = std::move(left);
                left = std::move(node);
            } else if (accept_word("DISTINCT")) {
                expect_word("FROM");
                auto node = make_node<ast::IsDistinctFromExpr>(token);
                node->position = left->position;
                node->negated = negated;
                node->left = std::move(left);
                node->right = parse_value();
                left = std::move(node);
            } else if (at_word("TRUE") || at_word("FALSE")) {
                // x IS [NOT] TRUE  ==  x IS [NOT] NOT DISTINCT FROM TRUE
                const Token& value = advance();
                auto node = make_node<ast::IsDistinctFromExpr>(token);
                node->position = left->position;
                node->negated = !negated;
                node->left = std::move(left);
                node->right = make_literal(value, ast::LiteralKind::kBoolean, is_keyword(value, "TRUE") ? "true" : "false");
                left = std::move(node);
            } else {
                fail();
            }
            continue;
        }
        bool negated = false;
        if (at_word("NOT") && (at_word("BETWEEN", 1) || at_word("IN", 1) || at_word("LIKE", 1) || at_word("ILIKE", 1))) {
            advance();
            negated = true;
        }
        if (accept_word("BETWEEN")) {
            count_chain_node();
            auto node = make_node<ast::BetweenExpr>(token);
            node->position = left->position;
            node->negated = negated;
            node->operand = std::move(left);
            node->low = parse_value();
            expect_word("AND");
            node->high = parse_value();
            left = std::move(node);
        } else if (accept_word("IN")) {
            count_chain_node();
            if (!at_op("(")) fail();
            Parenthesized parens = parse_parenthesized();
            if (parens.query) {
                auto node = make_node<ast::InSubqueryExpr>(token);
                node->position = left->position;
                node->negated = negated;
                node->operand = std::move(left);
                node->query = std::move(parens.query);
                left = std::move(node);
            } else {
                auto node = make_node<ast::InListExpr>(token);
                node->position = left->position;
                node->negated = negated;
                node->operand = std::move(left);
                node->list = std::move(parens.items);
                left = std::move(node);
            }
        } else if (at_word("LIKE") || at_word("ILIKE")) {
            count_chain_node();
            auto node = make_node<ast::LikeExpr>(token);
            node->position = left->position;
            node->case_insensitive = at_word("ILIKE");
            advance();
            node->negated = negated;
            node->operand = std::move(left);
            node->pattern = parse_value();
            if (accept_word("ESCAPE")) node->escape = parse_value();
            left = std::move(node);
        } else {
            break;
        }
    }
    return left;
}

// x op ANY|SOME|ALL (subquery); the current token is the quantifier.
ast::ExprPtr Parser::parse_quantified_comparison(ast::ExprPtr left, ast::BinaryOp op, const Token& op_token) {
    bool all = at_word("ALL");
    advance();
    expect_op("(");
    ast::QueryPtr query = parse_query();
    expect_op(")");
    if ((op == ast::BinaryOp::kEqual && !all) || (op == ast::BinaryOp::kNotEqual && all)) {
        auto in = make_node<ast::InSubqueryExpr>(op_token);  // = ANY is IN, <> ALL is NOT IN
        in->position = left->position;
        in->negated = all;
        in->operand = std::move(left);
        in->query = std::move(query);
        return in;
    }
    auto node = make_node<ast::QuantifiedComparisonExpr>(op_token);
    node->position = left->position;
    node->op = op;
    node->all = all;
    node->operand = std::move(left);
    node->query = std::move(query);
    return node;
}

ast::ExprPtr Parser::parse_value(int min_precedence) {
    ast::ExprPtr left = parse_unary();
    for (;;) {
        const Token& token = current();
        if (token.kind != TokenKind::kOperator) break;
        int precedence;
        ast::BinaryOp op;
        const std::string& t = token.text;
        if (t == "||") {
            precedence = 1;
            op = ast::BinaryOp::kConcat;
        } else if (t == "+" || t == "-") {
            precedence = 2;
            op = t == "+" ? ast::BinaryOp::kAdd : ast::BinaryOp::kSubtract;
        } else if (t == "*" || t == "/" || t == "%") {
            precedence = 3;
            op = t == "*" ? ast::BinaryOp::kMultiply : t == "/" ? ast::BinaryOp::kDivide : ast::BinaryOp::kModulo;
        } else {
            break;
        }
        if (precedence < min_precedence) break;
        advance();
        auto node = make_node<ast::BinaryExpr>(token);
        node->position = left->position;
        node->op = op;
        count_chain_node();
        node->left = std::move(left);
        node->right = parse_value(precedence + 1);
        left = std::move(node);
    }
    return left;
}

ast::ExprPtr Parser::parse_unary() {
    if (pending_primary_ || !(at_op("-") || at_op("+"))) return parse_postfix();
    DepthGuard guard(*this);
    const Token& sign = advance();
    bool negate = sign.text == "-";
    ast::ExprPtr operand = parse_unary();
    if (is_numeric_literal(*operand)) {
        // Fold the sign into the literal so that -9223372036854775808 is a BIGINT.
        auto& literal = static_cast<ast::LiteralExpr&>(*operand);
        if (negate) literal.text = negate_text(literal.text);
        literal.position = sign.position;
        return operand;
    }
    auto node = make_node<ast::UnaryExpr>(sign);
    node->op = negate ? ast::UnaryOp::kNegate : ast::UnaryOp::kPlus;
    node->operand = std::move(operand);
    return node;
}

ast::ExprPtr Parser::parse_postfix() {
    ast::ExprPtr expr = parse_primary();
    for (;;) {
        if (at_op("::")) {
            advance();
            auto cast = std::make_unique<ast::CastExpr>();
            cast->position = expr->position;
            cast->type_name = parse_type_text();
            cast->operand = std::move(expr);
            expr = std::move(cast);
        } else if (at_op("[")) {
            advance();
            auto subscript = std::make_unique<ast::SubscriptExpr>();
            subscript->position = expr->position;
            subscript->base = std::move(expr);
            subscript->index = parse_expression();
            expect_op("]");
            expr = std::move(subscript);
        } else if (at_op(".") && at_identifier(1)) {
            advance();
            ast::Identifier field = parse_identifier();
            if (expr->kind == ast::ExprKind::kColumnRef) {
                static_cast<ast::ColumnRefExpr&>(*expr).name.parts.push_back(std::move(field));
                continue;
            }
            // (expr).field: a ROW field access, expressed as a subscript by field name.
            auto subscript = std::make_unique<ast::SubscriptExpr>();
            subscript->position = expr->position;
            subscript->base = std::move(expr);
            auto name = std::make_unique<ast::LiteralExpr>();
            name->position = field.position;
            name->literal_kind = ast::LiteralKind::kString;
            name->text = std::move(field.name);
            subscript->index = std::move(name);
            expr = std::move(subscript);
        } else if (at_word("AT") && at_word("TIME", 1) && at_word("ZONE", 2)) {
            const Token& at = advance();
            advance();
            advance();
            auto function = make_node<ast::FunctionExpr>(at);
            function->position = expr->position;
            function->name.parts.push_back(make_identifier(at));
            function->name.parts.back().name = "at_timezone";
            function->args.push_back(std::move(expr));
            function->arg_names.emplace_back();
            function->args.push_back(parse_primary());
            function->arg_names.emplace_back();
            expr = std::move(function);
        } else {
            break;
        }
        count_chain_node();
    }
    return expr;
}

ast::ExprPtr Parser::parse_primary() {
    if (pending_primary_) return std::move(pending_primary_);
    const Token& token = current();
    switch (token.kind) {
        case TokenKind::kInteger:
            advance();
            return make_literal(token, ast::LiteralKind::kInteger, token.text);
        case TokenKind::kDecimal:
            advance();
            return make_literal(token, ast::LiteralKind::kDecimal, token.text);
        case TokenKind::kDouble:
            advance();
            return make_literal(token, ast::LiteralKind::kDouble, token.text);
        case TokenKind::kString:
            advance();
            return make_literal(token, ast::LiteralKind::kString, token.text);
        case TokenKind::kBinaryString: {
            advance();
            auto literal = make_node<ast::LiteralExpr>(token);
            literal->literal_kind = ast::LiteralKind::kTyped;
            literal->type_name = "varbinary";
            literal->text = token.text;
            return literal;
        }
        case TokenKind::kWord:
        case TokenKind::kQuotedIdentifier:
            return parse_word_primary();
        case TokenKind::kOperator:
            if (token.text == "(") {
                if (ast::ExprPtr lambda = parse_lambda_or_null()) return lambda;
                return parenthesized_to_expr(parse_parenthesized());
            }
            fail();
        case TokenKind::kEnd:
            fail();
    }
    fail();
}

bool Parser::at_lambda() const {
    size_t ahead = 0;
    if (at_op("(")) {
        ahead = 1;
        for (;;) {
            if (!at_identifier(ahead)) return false;
            ++ahead;
            if (at_op(")", ahead)) break;
            if (!at_op(",", ahead)) return false;
            ++ahead;
        }
        ++ahead;
    } else {
        if (!at_identifier()) return false;
        ahead = 1;
    }
    return at_op("->", ahead);
}

ast::ExprPtr Parser::parse_lambda_or_null() {
    if (!at_lambda()) return nullptr;
    auto lambda = make_node<ast::LambdaExpr>(current());
    bool parenthesised = accept_op("(");
    do {
        lambda->parameters.push_back(parse_identifier());
    } while (parenthesised && accept_op(","));
    if (parenthesised) expect_op(")");
    expect_op("->");
    lambda->body = parse_expression();
    return lambda;
}

ast::ExprPtr Parser::parse_word_primary() {
    const Token& token = current();
    if (token.kind == TokenKind::kWord) {
        if (is_keyword(token, "NULL")) {
            advance();
            return make_literal(token, ast::LiteralKind::kNull, "");
        }
        if (is_keyword(token, "TRUE") || is_keyword(token, "FALSE")) {
            advance();
            return make_literal(token, ast::LiteralKind::kBoolean, is_keyword(token, "TRUE") ? "true" : "false");
        }
        if (is_keyword(token, "CASE")) return parse_case(token);
        if (is_keyword(token, "EXISTS")) {
            advance();
            auto exists = make_node<ast::ExistsExpr>(token);
            expect_op("(");
            exists->query = parse_query();
            expect_op(")");
            return exists;
        }
        if ((is_keyword(token, "CAST") || is_keyword(token, "TRY_CAST")) && at_op("(", 1)) {
            return parse_cast(token, is_keyword(token, "TRY_CAST"));
        }
        if (is_keyword(token, "ARRAY") && at_op("[", 1)) {
            advance();
            advance();
            auto array = make_node<ast::ArrayExpr>(token);
            if (!at_op("]")) {
                do {
                    array->elements.push_back(parse_expression());
                } while (accept_op(","));
            }
            expect_op("]");
            return array;
        }
        if (is_keyword(token, "ROW") && at_op("(", 1)) {
            advance();
            advance();
            auto row = make_node<ast::RowConstructorExpr>(token);
            do {
                row->fields.push_back(parse_expression());
            } while (accept_op(","));
            expect_op(")");
            return row;
        }
        if (is_keyword(token, "INTERVAL")) {
            const Token& next = peek(1);
            bool signed_string = (at_op("-", 1) || at_op("+", 1)) &&
                                 (peek(2).kind == TokenKind::kString || peek(2).kind == TokenKind::kInteger ||
                                  peek(2).kind == TokenKind::kDecimal);
            bool number = (next.kind == TokenKind::kInteger || next.kind == TokenKind::kDecimal) &&
                          !interval_unit(peek(2)).empty();
            if (next.kind == TokenKind::kString || signed_string || number) return parse_interval(token);
        }
        if (is_typed_literal_word(token)) {
            bool with_zone = (is_keyword(token, "TIME") || is_keyword(token, "TIMESTAMP")) && at_word("WITH", 1) &&
                             at_word("TIME", 2) && at_word("ZONE", 3) && peek(4).kind == TokenKind::kString;
            bool precision = is_keyword(token, "DOUBLE") && at_word("PRECISION", 1) &&
                             peek(2).kind == TokenKind::kString;
            if (peek(1).kind == TokenKind::kString || with_zone || precision) {
                auto literal = make_node<ast::LiteralExpr>(token);
                literal->literal_kind = ast::LiteralKind::kTyped;
                literal->type_name = to_lower_ascii(token.text);
                if (literal->type_name == "timestamptz") literal->type_name = "timestamp with time zone";
                advance();
                if (with_zone) {
                    literal->type_name += " with time zone";
                    advance();
                    advance();
                    advance();
                } else if (precision) {
                    advance();
                }
                literal->text = advance().text;
                return literal;
            }
        }
        if ((is_keyword(token, "EXTRACT") || is_keyword(token, "SUBSTRING") || is_keyword(token, "POSITION") ||
             is_keyword(token, "TRIM")) &&
            at_op("(", 1)) {
            return parse_special_function(token);
        }
        if ((is_keyword(token, "CURRENT_DATE") || is_keyword(token, "CURRENT_TIMESTAMP") ||
             is_keyword(token, "CURRENT_TIME") || is_keyword(token, "LOCALTIMESTAMP") ||
             is_keyword(token, "LOCALTIME") || is_keyword(token, "CURRENT_USER") ||
             is_keyword(token, "CURRENT_CATALOG") || is_keyword(token, "CURRENT_SCHEMA")) &&
            !at_op("(", 1)) {
            advance();
            auto function = make_node<ast::FunctionExpr>(token);
            function->name.parts.push_back(make_identifier(token));
            function->name.parts.back().name = to_lower_ascii(token.text);
            return function;
        }
        if (is_reserved(token)) fail();
    }
    if (at_op("->", 1)) return parse_lambda_or_null();
    ast::QualifiedName name = parse_qualified_name();
    if (at_op("(")) return parse_function_call(std::move(name), token);
    auto column = make_node<ast::ColumnRefExpr>(token);
    column->name = std::move(name);
    return column;
}

// ------------------------------------------------------------------------------------------ parentheses

Parser::Parenthesized Parser::parse_parenthesized() {
    DepthGuard guard(*this);
    Parenthesized result;
    result.position = current().position;
    expect_op("(");
    if (at_query_start()) {
        result.query = parse_query_unguarded();
        expect_op(")");
        return result;
    }
    if (at_op("(") && !at_lambda()) {
        Parenthesized inner = parse_parenthesized();
        if (inner.query) {
            if (at_word("UNION") || at_word("EXCEPT") || at_word("INTERSECT") || at_word("ORDER") ||
                at_word("LIMIT") || at_word("OFFSET") || at_word("FETCH")) {
                ast::QueryBodyPtr body;
                if (inner.query->with.empty() && inner.query->order_by.empty() && !inner.query->limit &&
                    !inner.query->offset) {
                    body = std::move(inner.query->body);
                } else {
                    auto nested = std::make_unique<ast::NestedQueryBody>();
                    nested->position = inner.position;
                    nested->query = std::move(inner.query);
                    body = std::move(nested);
                }
                result.query = parse_query_unguarded(std::move(body));
                expect_op(")");
                return result;
            }
            if (accept_op(")")) {
                result.query = std::move(inner.query);
                return result;
            }
        }
        pending_primary_ = parenthesized_to_expr(std::move(inner));
    }
    result.items.push_back(parse_or());
    while (accept_op(",")) result.items.push_back(parse_expression());
    expect_op(")");
    return result;
}

ast::ExprPtr Parser::parenthesized_to_expr(Parenthesized parens) {
    if (parens.query) {
        auto subquery = std::make_unique<ast::ScalarSubqueryExpr>();
        subquery->position = parens.position;
        subquery->query = std::move(parens.query);
        return subquery;
    }
    if (parens.items.size() == 1) return std::move(parens.items.front());
    auto row = std::make_unique<ast::RowConstructorExpr>();
    row->position = parens.position;
    row->fields = std::move(parens.items);
    return row;
}

}  // namespace fedq::sql
