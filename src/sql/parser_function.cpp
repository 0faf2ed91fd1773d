// Function calls (DISTINCT, named arguments, ORDER BY inside, FILTER, IGNORE NULLS, OVER windows), the
// special forms (CASE, CAST, EXTRACT, SUBSTRING, POSITION, TRIM), interval literals and type names.
#include "sql/parser_impl.h"

namespace fedq::sql {

ast::ExprPtr Parser::parse_function_call(ast::QualifiedName name, const Token& start) {
    auto function = make_node<ast::FunctionExpr>(start);
    for (auto& part : name.parts) {
        if (!part.quoted) part.name = to_lower_ascii(part.name);
    }
    function->name = std::move(name);
    expect_op("(");
    if (at_op("*") && at_op(")", 1)) {
        advance();
        advance();
        function->is_star = true;
    } else if (!accept_op(")")) {
        if (accept_word("DISTINCT")) {
            function->distinct = true;
        } else {
            accept_word("ALL");
        }
        do {
            if (at_identifier() && at_op("=>", 1)) {
                const Token& arg_name = advance();
                advance();
                function->arg_names.push_back(arg_name.kind == TokenKind::kQuotedIdentifier
                                                  ? arg_name.text
                                                  : to_lower_ascii(arg_name.text));
            } else {
                function->arg_names.emplace_back();
            }
            function->args.push_back(parse_expression());
        } while (accept_op(","));
        if (at_word("IGNORE") || at_word("RESPECT")) {
            function->ignore_nulls = at_word("IGNORE");
            advance();
            expect_word("NULLS");
        }
        if (accept_word("ORDER")) {
            expect_word("BY");
            function->order_by = parse_order_by_items();
        }
        expect_op(")");
    }
    parse_function_suffix(*function);
    return function;
}

void Parser::parse_function_suffix(ast::FunctionExpr& function) {
    if (at_word("WITHIN") && at_word("GROUP", 1)) {
        advance();
        advance();
        expect_op("(");
        expect_word("ORDER");
        expect_word("BY");
        function.order_by = parse_order_by_items();
        expect_op(")");
    }
    if (at_word("FILTER") && at_op("(", 1)) {
        advance();
        advance();
        expect_word("WHERE");
        function.filter = parse_expression();
        expect_op(")");
    }
    if ((at_word("IGNORE") || at_word("RESPECT")) && at_word("NULLS", 1)) {
        function.ignore_nulls = at_word("IGNORE");
        advance();
        advance();
    }
    if (at_word("OVER") && at_op("(", 1)) {  // named windows (OVER w) are not supported
        advance();
        function.over = parse_window_spec();
    }
}

std::unique_ptr<ast::WindowSpec> Parser::parse_window_spec() {
    auto spec = std::make_unique<ast::WindowSpec>();
    expect_op("(");
    if (accept_word("PARTITION")) {
        expect_word("BY");
        do {
            spec->partition_by.push_back(parse_expression());
        } while (accept_op(","));
    }
    if (accept_word("ORDER")) {
        expect_word("BY");
        spec->order_by = parse_order_by_items();
    }
    if (at_word("ROWS") || at_word("RANGE")) {
        ast::WindowFrame frame;
        frame.type = at_word("ROWS") ? ast::FrameType::kRows : ast::FrameType::kRange;
        advance();
        if (accept_word("BETWEEN")) {
            frame.start = parse_frame_bound();
            expect_word("AND");
            frame.end = parse_frame_bound();
        } else {
            frame.start = parse_frame_bound();
            frame.end.kind = ast::FrameBoundKind::kCurrentRow;
        }
        spec->frame = std::move(frame);
    }
    expect_op(")");
    return spec;
}

ast::FrameBound Parser::parse_frame_bound() {
    ast::FrameBound bound;
    if (accept_word("UNBOUNDED")) {
        if (accept_word("PRECEDING")) {
            bound.kind = ast::FrameBoundKind::kUnboundedPreceding;
        } else if (accept_word("FOLLOWING")) {
            bound.kind = ast::FrameBoundKind::kUnboundedFollowing;
        } else {
            fail();
        }
        return bound;
    }
    if (at_word("CURRENT") && at_word("ROW", 1)) {
        advance();
        advance();
        bound.kind = ast::FrameBoundKind::kCurrentRow;
        return bound;
    }
    bound.offset = parse_value();
    if (accept_word("PRECEDING")) {
        bound.kind = ast::FrameBoundKind::kPreceding;
    } else if (accept_word("FOLLOWING")) {
        bound.kind = ast::FrameBoundKind::kFollowing;
    } else {
        fail();
    }
    return bound;
}

ast::ExprPtr Parser::parse_special_function(const Token& start) {
    auto function = make_node<ast::FunctionExpr>(start);
    function->name.parts.push_back(make_identifier(start));
    function->name.parts.back().name = to_lower_ascii(start.text);
    auto add_arg = [&](ast::ExprPtr arg) {
        function->args.push_back(std::move(arg));
        function->arg_names.emplace_back();
    };
    auto finish_plain_call = [&]() {  // f(a, b, ...) after the first argument
        while (accept_op(",")) add_arg(parse_expression());
        expect_op(")");
    };
    advance();
    expect_op("(");
    if (is_keyword(start, "EXTRACT")) {
        if ((current().kind == TokenKind::kWord || current().kind == TokenKind::kString) && at_word("FROM", 1)) {
            const Token& field = advance();
            advance();
            add_arg(make_literal(field, ast::LiteralKind::kString, to_lower_ascii(field.text)));
            add_arg(parse_expression());
            expect_op(")");
        } else if (!accept_op(")")) {
            add_arg(parse_expression());
            finish_plain_call();
        }
    } else if (is_keyword(start, "SUBSTRING")) {
        add_arg(parse_expression());
        if (at_word("FROM") || at_word("FOR")) {
            if (accept_word("FROM")) {
                add_arg(parse_expression());
            } else {
                add_arg(make_literal(current(), ast::LiteralKind::kInteger, "1"));
            }
            if (accept_word("FOR")) add_arg(parse_expression());
            expect_op(")");
        } else {
            finish_plain_call();
        }
    } else if (is_keyword(start, "POSITION")) {
        ast::ExprPtr needle = parse_value();
        if (accept_word("IN")) {
            function->name.parts.back().name = "strpos";
            add_arg(parse_expression());
            add_arg(std::move(needle));
            expect_op(")");
        } else {
            add_arg(std::move(needle));
            finish_plain_call();
        }
    } else {  // TRIM
        if (accept_word("LEADING")) {
            function->name.parts.back().name = "ltrim";
        } else if (accept_word("TRAILING")) {
            function->name.parts.back().name = "rtrim";
        } else {
            accept_word("BOTH");
        }
        if (accept_word("FROM")) {
            add_arg(parse_expression());
            expect_op(")");
        } else {
            ast::ExprPtr first = parse_expression();
            if (accept_word("FROM")) {
                add_arg(parse_expression());
                add_arg(std::move(first));
                expect_op(")");
            } else {
                add_arg(std::move(first));
                finish_plain_call();
            }
        }
    }
    parse_function_suffix(*function);
    return function;
}

ast::ExprPtr Parser::parse_case(const Token& start) {
    advance();
    auto node = make_node<ast::CaseExpr>(start);
    if (!at_word("WHEN")) node->operand = parse_expression();
    while (accept_word("WHEN")) {
        ast::WhenClause clause;
        clause.condition = parse_expression();
        expect_word("THEN");
        clause.result = parse_expression();
        node->whens.push_back(std::move(clause));
    }
    if (node->whens.empty()) fail();
    if (accept_word("ELSE")) node->else_result = parse_expression();
    expect_word("END");
    return node;
}

ast::ExprPtr Parser::parse_cast(const Token& start, bool is_try) {
    advance();
    expect_op("(");
    auto cast = make_node<ast::CastExpr>(start);
    cast->is_try = is_try;
    cast->operand = parse_expression();
    expect_word("AS");
    cast->type_name = parse_type_text();
    expect_op(")");
    return cast;
}

ast::ExprPtr Parser::parse_interval(const Token& start) {
    advance();
    auto literal = make_node<ast::LiteralExpr>(start);
    literal->literal_kind = ast::LiteralKind::kInterval;
    bool negative = false;
    if (at_op("-") || at_op("+")) negative = advance().text == "-";
    const Token& value = advance();  // a string or number (checked by the caller)
    literal->text = negative ? negate_text(value.text) : value.text;
    std::string from = interval_unit(current());
    if (!from.empty()) {
        advance();
        literal->interval_from = std::move(from);
        if (at_word("TO") && !interval_unit(peek(1)).empty()) {
            advance();
            literal->interval_to = interval_unit(advance());
        }
    }
    return literal;
}

std::string Parser::parse_type_text() {
    size_t first = pos_;
    if (current().kind != TokenKind::kWord) fail();
    const Token& word = advance();
    bool is_datetime = is_keyword(word, "TIME") || is_keyword(word, "TIMESTAMP");
    if (is_keyword(word, "DOUBLE")) accept_word("PRECISION");
    if (is_keyword(word, "CHARACTER")) accept_word("VARYING");
    if (is_keyword(word, "INTERVAL") && !interval_unit(current()).empty()) {
        advance();
        if (at_word("TO") && !interval_unit(peek(1)).empty()) {
            advance();
            advance();
        }
    }
    bool angle = at_op("<") && (is_keyword(word, "ARRAY") || is_keyword(word, "MAP") || is_keyword(word, "ROW") ||
                                is_keyword(word, "STRUCT"));
    if (at_op("(") || angle) {
        // Balanced parentheses / angle brackets; the content is validated later by parse_type().
        std::string_view open = angle ? "<" : "(";
        std::string_view close = angle ? ">" : ")";
        size_t depth = 0;
        do {
            if (at_end()) fail();
            if (at_op(open)) {
                ++depth;
            } else if (at_op(close)) {
                --depth;
            } else if (at_op(";")) {
                fail();
            }
            advance();
        } while (depth > 0);
    }
    if (is_datetime && (at_word("WITH") || at_word("WITHOUT")) && at_word("TIME", 1) && at_word("ZONE", 2)) {
        advance();
        advance();
        advance();
    }
    while (at_op("[") && at_op("]", 1)) {  // Postgres-style INTEGER[]
        advance();
        advance();
    }
    std::string text;
    for (size_t i = first; i < pos_; ++i) {
        if (i > first && tokens_[i].begin > tokens_[i - 1].end) text += ' ';
        text.append(sql_.substr(tokens_[i].begin, tokens_[i].end - tokens_[i].begin));
    }
    return text;
}

}  // namespace fedq::sql
