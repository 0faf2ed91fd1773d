// Queries: WITH, set operations, SELECT, VALUES, ORDER BY / LIMIT / OFFSET / FETCH, and the FROM clause.
#include "sql/parser_impl.h"

namespace fedq::sql {

namespace {

bool is_trivial_query(const ast::Query& query) {
    return query.with.empty() && query.order_by.empty() && !query.limit && !query.offset;
}

}  // namespace

bool Parser::at_query_start(size_t ahead) const {
    return at_word("SELECT", ahead) || at_word("WITH", ahead) || at_word("VALUES", ahead);
}

ast::QueryPtr Parser::parse_query() {
    DepthGuard guard(*this);
    if (!at_query_start() && !at_op("(")) fail();
    return parse_query_unguarded();
}

ast::QueryPtr Parser::parse_query_unguarded(ast::QueryBodyPtr first_body) {
    auto query = std::make_unique<ast::Query>();
    query->position = first_body ? first_body->position : current().position;
    if (!first_body && accept_word("WITH")) {
        query->recursive = accept_word("RECURSIVE");
        do {
            ast::CommonTableExpr cte;
            cte.name = parse_identifier();
            if (at_op("(")) cte.columns = parse_identifier_list();
            expect_word("AS");
            expect_op("(");
            cte.query = parse_query();
            expect_op(")");
            query->with.push_back(std::move(cte));
        } while (accept_op(","));
    }
    query->body = parse_set_expression(std::move(first_body));
    parse_query_tail(*query);
    return query;
}

void Parser::parse_query_tail(ast::Query& query) {
    if (at_word("ORDER")) {
        advance();
        expect_word("BY");
        query.order_by = parse_order_by_items();
    }
    bool seen_limit = false;
    bool seen_offset = false;
    for (;;) {
        if (!seen_limit && at_word("LIMIT")) {
            advance();
            seen_limit = true;
            if (!accept_word("ALL")) query.limit = parse_value();
        } else if (!seen_offset && at_word("OFFSET")) {
            advance();
            seen_offset = true;
            query.offset = parse_value();
            if (!accept_word("ROWS")) accept_word("ROW");
        } else if (!seen_limit && at_word("FETCH")) {
            advance();
            seen_limit = true;
            if (!accept_word("FIRST") && !accept_word("NEXT")) fail();
            if (at_word("ROW") || at_word("ROWS")) {
                auto one = make_node<ast::LiteralExpr>(current());
                one->literal_kind = ast::LiteralKind::kInteger;
                one->text = "1";
                query.limit = std::move(one);
            } else {
                query.limit = parse_value();
            }
            if (!accept_word("ROWS") && !accept_word("ROW")) fail();
            expect_word("ONLY");
        } else {
            break;
        }
    }
}

std::vector<ast::OrderItem> Parser::parse_order_by_items() {
    std::vector<ast::OrderItem> items;
    do {
        ast::OrderItem item;
        item.expr = parse_expression();
        if (accept_word("DESC")) {
            item.descending = true;
        } else {
            accept_word("ASC");
        }
        if (accept_word("NULLS")) {
            if (accept_word("FIRST")) {
                item.nulls_first = true;
            } else if (accept_word("LAST")) {
                item.nulls_first = false;
            } else {
                fail();
            }
        }
        items.push_back(std::move(item));
    } while (accept_op(","));
    return items;
}

ast::QueryBodyPtr Parser::parse_set_expression(ast::QueryBodyPtr first) {
    ast::QueryBodyPtr left = parse_intersect_expression(std::move(first));
    while (at_word("UNION") || at_word("EXCEPT")) {
        auto node = make_node<ast::SetOperationBody>(current());
        node->position = left->position;
        node->op = at_word("UNION") ? ast::SetOpType::kUnion : ast::SetOpType::kExcept;
        advance();
        if (accept_word("ALL")) {
            node->all = true;
        } else {
            accept_word("DISTINCT");
        }
        count_chain_node();
        node->left = std::move(left);
        node->right = parse_intersect_expression(nullptr);
        left = std::move(node);
    }
    return left;
}

ast::QueryBodyPtr Parser::parse_intersect_expression(ast::QueryBodyPtr first) {
    ast::QueryBodyPtr left = first ? std::move(first) : parse_query_primary();
    while (at_word("INTERSECT")) {
        auto node = make_node<ast::SetOperationBody>(current());
        node->position = left->position;
        node->op = ast::SetOpType::kIntersect;
        advance();
        if (accept_word("ALL")) {
            node->all = true;
        } else {
            accept_word("DISTINCT");
        }
        count_chain_node();
        node->left = std::move(left);
        node->right = parse_query_primary();
        left = std::move(node);
    }
    return left;
}

ast::QueryBodyPtr Parser::parse_query_primary() {
    if (at_word("SELECT")) return parse_select();
    if (at_word("VALUES")) {
        auto values = make_node<ast::ValuesBody>(current());
        advance();
        values->rows = parse_values_rows();
        return values;
    }
    if (at_op("(")) {
        DepthGuard guard(*this);
        const Token& start = advance();
        if (!at_query_start() && !at_op("(")) fail();
        ast::QueryPtr inner = parse_query_unguarded();
        expect_op(")");
        if (is_trivial_query(*inner)) return std::move(inner->body);
        auto nested = make_node<ast::NestedQueryBody>(start);
        nested->query = std::move(inner);
        return nested;
    }
    fail();
}

std::vector<std::vector<ast::ExprPtr>> Parser::parse_values_rows() {
    std::vector<std::vector<ast::ExprPtr>> rows;
    do {
        std::vector<ast::ExprPtr> row;
        if (at_op("(")) {
            Parenthesized parens = parse_parenthesized();
            if (!parens.query && parens.items.size() > 1) {
                row = std::move(parens.items);
            } else {
                pending_primary_ = parenthesized_to_expr(std::move(parens));
                row.push_back(parse_expression());
            }
        } else {
            row.push_back(parse_expression());
        }
        rows.push_back(std::move(row));
    } while (accept_op(","));
    return rows;
}

ast::QueryBodyPtr Parser::parse_select() {
    auto select = make_node<ast::SelectBody>(current());
    expect_word("SELECT");
    if (accept_word("DISTINCT")) {
        select->distinct = true;
    } else {
        accept_word("ALL");
    }
    do {
        select->items.push_back(parse_select_item());
    } while (accept_op(","));
    if (accept_word("FROM")) select->from = parse_from();
    if (accept_word("WHERE")) select->where = parse_expression();
    if (accept_word("GROUP")) {
        expect_word("BY");
        if (accept_word("ALL")) {
            select->group_by_all = true;
        } else {
            // A parenthesised list is a grouping set: "(a, b)" groups by a and b, and "()" (the empty set)
            // adds nothing, so GROUP BY () alone is one group over all rows, as without GROUP BY.
            do {
                if (at_op("(") && at_op(")", 1)) {
                    advance();
                    advance();
                    continue;
                }
                if (at_op("(") && !at_lambda()) {
                    Parenthesized parens = parse_parenthesized();
                    if (!parens.query && parens.items.size() > 1) {
                        for (auto& item : parens.items) select->group_by.push_back(std::move(item));
                        continue;
                    }
                    pending_primary_ = parenthesized_to_expr(std::move(parens));
                }
                select->group_by.push_back(parse_expression());
            } while (accept_op(","));
        }
    }
    if (accept_word("HAVING")) select->having = parse_expression();
    if (accept_word("QUALIFY")) select->qualify = parse_expression();
    return select;
}

ast::SelectItem Parser::parse_select_item() {
    ast::SelectItem item;
    if (at_op("*")) {
        item.expr = make_node<ast::StarExpr>(advance());
        return item;
    }
    // t.* / s.t.*
    size_t ahead = 0;
    while (at_identifier(ahead) && at_op(".", ahead + 1)) ahead += 2;
    if (ahead > 0 && at_op("*", ahead)) {
        auto star = make_node<ast::StarExpr>(current());
        while (!at_op("*")) {
            star->qualifier.parts.push_back(parse_identifier());
            expect_op(".");
        }
        advance();
        item.expr = std::move(star);
        return item;
    }
    item.expr = parse_expression();
    item.alias = parse_optional_alias();
    return item;
}

// ------------------------------------------------------------------------------------------ FROM

ast::TableRefPtr Parser::parse_from() {
    ast::TableRefPtr left = parse_join_expression();
    while (at_op(",")) {
        auto join = make_node<ast::JoinTableRef>(advance());
        join->position = left->position;
        join->join_type = ast::JoinType::kCross;
        count_chain_node();
        join->left = std::move(left);
        join->right = parse_join_expression();
        left = std::move(join);
    }
    return left;
}

ast::TableRefPtr Parser::parse_join_expression() {
    ast::TableRefPtr left = parse_table_primary();
    for (;;) {
        const Token& start = current();
        ast::JoinType type = ast::JoinType::kInner;
        bool natural = false;
        if (accept_word("CROSS")) {
            expect_word("JOIN");
            type = ast::JoinType::kCross;
        } else {
            natural = accept_word("NATURAL");
            if (accept_word("INNER")) {
                type = ast::JoinType::kInner;
            } else if (accept_word("LEFT")) {
                type = ast::JoinType::kLeft;
                accept_word("OUTER");
            } else if (accept_word("RIGHT")) {
                type = ast::JoinType::kRight;
                accept_word("OUTER");
            } else if (accept_word("FULL")) {
                type = ast::JoinType::kFull;
                accept_word("OUTER");
            } else if (!at_word("JOIN")) {
                if (natural) fail();
                break;
            }
            expect_word("JOIN");
        }
        auto join = make_node<ast::JoinTableRef>(start);
        join->position = left->position;
        join->join_type = type;
        join->natural = natural;
        count_chain_node();
        join->left = std::move(left);
        join->right = parse_table_primary();
        if (type != ast::JoinType::kCross && !natural) {
            if (accept_word("ON")) {
                join->on = parse_expression();
            } else if (at_word("USING")) {
                advance();
                join->using_columns = parse_identifier_list();
            } else {
                fail();
            }
        }
        left = std::move(join);
    }
    return left;
}

ast::TableRefPtr Parser::parse_table_primary() {
    ast::TableRefPtr ref = parse_table_primary_unaliased();
    parse_table_alias(*ref);
    return ref;
}

void Parser::parse_table_alias(ast::TableRef& ref) {
    std::optional<ast::Identifier> name = parse_optional_alias();
    if (!name) return;
    ref.alias.name = std::move(name);
    ref.alias.columns.clear();
    if (at_op("(")) ref.alias.columns = parse_identifier_list();
}

ast::TableRefPtr Parser::parse_table_primary_unaliased() {
    DepthGuard guard(*this);
    const Token& start = current();
    if (at_op("(")) {
        if (at_query_start(1)) {
            advance();
            ast::QueryPtr query = parse_query();
            expect_op(")");
            if (is_trivial_query(*query) && query->body->kind == ast::QueryBodyKind::kValues) {
                auto values = make_node<ast::ValuesTableRef>(start);
                values->rows = std::move(static_cast<ast::ValuesBody&>(*query->body).rows);
                return values;
            }
            auto subquery = make_node<ast::SubqueryTableRef>(start);
            subquery->query = std::move(query);
            return subquery;
        }
        advance();
        ast::TableRefPtr inner = parse_join_expression();
        if (inner->kind == ast::TableRefKind::kSubquery && !inner->alias.name &&
            (at_word("UNION") || at_word("EXCEPT") || at_word("INTERSECT") || at_word("ORDER") || at_word("LIMIT") ||
             at_word("OFFSET") || at_word("FETCH"))) {
            // ((SELECT ...) UNION SELECT ...): the inner subquery starts a longer query.
            auto& first = static_cast<ast::SubqueryTableRef&>(*inner);
            ast::QueryBodyPtr body;
            if (is_trivial_query(*first.query)) {
                body = std::move(first.query->body);
            } else {
                auto nested = make_node<ast::NestedQueryBody>(start);
                nested->position = first.position;
                nested->query = std::move(first.query);
                body = std::move(nested);
            }
            auto subquery = make_node<ast::SubqueryTableRef>(start);
            subquery->query = parse_query_unguarded(std::move(body));
            expect_op(")");
            return subquery;
        }
        expect_op(")");
        return inner;
    }
    if (at_word("LATERAL") && at_op("(", 1) && at_query_start(2)) {
        // LATERAL (subquery): the binder resolves correlated names in FROM subqueries either way.
        advance();
        advance();
        auto subquery = make_node<ast::SubqueryTableRef>(start);
        subquery->query = parse_query();
        expect_op(")");
        return subquery;
    }
    if (current().kind == TokenKind::kString) {
        auto file = make_node<ast::FilePathRef>(start);
        file->path = advance().text;
        return file;
    }
    if (at_word("TABLE") && at_op("(", 1)) {
        advance();
        advance();
        ast::QualifiedName name = parse_qualified_name();
        if (!at_op("(")) fail();
        ast::TableRefPtr function = parse_table_function(std::move(name), start);
        expect_op(")");
        return function;
    }
    if (at_word("UNNEST") && at_op("(", 1)) {
        auto function = make_node<ast::TableFunctionRef>(start);
        function->name.parts.push_back(make_identifier(advance()));
        function->name.parts.back().name = "unnest";
        parse_call_arguments(function->args, function->arg_names);
        if (at_word("WITH") && at_word("ORDINALITY", 1)) {
            const Token& with = advance();
            advance();
            auto flag = make_node<ast::LiteralExpr>(with);
            flag->literal_kind = ast::LiteralKind::kBoolean;
            flag->text = "true";
            function->args.push_back(std::move(flag));
            function->arg_names.push_back("ordinality");
        }
        return function;
    }
    if (!at_identifier()) fail();
    ast::QualifiedName name;
    name.parts.push_back(parse_identifier());
    while (at_op(".") && name.parts.size() < 3) {
        advance();
        name.parts.push_back(parse_identifier());
    }
    if (at_op("(")) return parse_table_function(std::move(name), start);
    auto named = make_node<ast::NamedTableRef>(start);
    named->name = std::move(name);
    return named;
}

ast::TableRefPtr Parser::parse_table_function(ast::QualifiedName name, const Token& start) {
    auto function = make_node<ast::TableFunctionRef>(start);
    for (auto& part : name.parts) {
        if (!part.quoted) part.name = to_lower_ascii(part.name);
    }
    function->name = std::move(name);
    parse_call_arguments(function->args, function->arg_names);
    return function;
}

void Parser::parse_call_arguments(std::vector<ast::ExprPtr>& args, std::vector<std::string>& names) {
    expect_op("(");
    if (accept_op(")")) return;
    do {
        if (at_identifier() && at_op("=>", 1)) {
            const Token& name = advance();
            names.push_back(name.kind == TokenKind::kQuotedIdentifier ? name.text : to_lower_ascii(name.text));
            advance();
        } else {
            names.emplace_back();
        }
        args.push_back(parse_expression());
    } while (accept_op(","));
    expect_op(")");
}

}  // namespace fedq::sql
