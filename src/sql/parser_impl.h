// The recursive-descent parser behind parse_sql (sql/parser.h). Internal to src/sql: the class is split
// over parser.cpp (driver, statements), parser_catalog.cpp / parser_table.cpp (DDL, INSERT),
// parser_query.cpp (queries, FROM), parser_expression.cpp
// (operators, primaries, parentheses) and parser_function.cpp (calls, windows, special forms, types).
//
// Hostile input: recursion is bounded by kMaxDepth nesting levels (each parenthesis, subquery, NOT,
// unary sign, CASE, function call... counts one level), and trees built by loops (a + b + c ...,
// postfix chains, set operations, joins) are bounded by kMaxChainNodes per statement, so neither the
// parser nor a recursive walk/destructor of the AST can overflow the stack.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"
#include "sql/lexer.h"

namespace fedq::sql {

class Parser {
public:
    static constexpr int kMaxDepth = 500;
    static constexpr int kMaxChainNodes = 10000;

    explicit Parser(std::string_view sql);

    std::vector<ast::StatementPtr> parse_all();

private:
    friend class DepthGuard;

    // ---- tokens
    const Token& peek(size_t ahead = 0) const {
        size_t index = pos_ + ahead;
        return index < tokens_.size() ? tokens_[index] : tokens_.back();
    }
    const Token& current() const { return tokens_[pos_]; }
    const Token& advance() {
        const Token& token = tokens_[pos_];
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return token;
    }
    bool at_end() const { return current().kind == TokenKind::kEnd; }
    bool at_word(std::string_view keyword, size_t ahead = 0) const { return is_keyword(peek(ahead), keyword); }
    bool at_op(std::string_view op, size_t ahead = 0) const {
        const Token& token = peek(ahead);
        return token.kind == TokenKind::kOperator && token.text == op;
    }
    bool accept_word(std::string_view keyword);
    bool accept_op(std::string_view op);
    void expect_word(std::string_view keyword);
    void expect_op(std::string_view op);
    [[noreturn]] void fail() const { fail_at(current()); }
    [[noreturn]] void fail_at(const Token& token) const;
    void count_chain_node();

    // ---- identifiers
    static bool is_reserved(const Token& token);
    bool at_identifier(size_t ahead = 0) const;
    ast::Identifier parse_identifier();
    ast::QualifiedName parse_qualified_name();
    std::vector<ast::Identifier> parse_identifier_list();  // ( a, b, ... )
    std::optional<ast::Identifier> parse_optional_alias();
    static ast::Identifier make_identifier(const Token& token);

    // ---- statements (parser.cpp)
    ast::StatementPtr parse_statement();
    ast::StatementPtr parse_explain();
    ast::StatementPtr parse_use();
    ast::StatementPtr parse_set();
    ast::StatementPtr parse_reset();
    ast::StatementPtr parse_show();
    ast::StatementPtr parse_describe();
    std::optional<std::string> parse_optional_like();

    // ---- catalog DDL (parser_catalog.cpp)
    ast::StatementPtr parse_create();
    ast::StatementPtr parse_drop();
    ast::StatementPtr parse_alter();
    ast::CatalogOption parse_catalog_option();
    std::vector<ast::CatalogOption> parse_catalog_option_list(bool parenthesized);
    std::string parse_option_key();
    // Runs `parse` and rethrows a syntax error without the statement's position and without any string
    // literal's text, so a password in the statement cannot be echoed back.
    template <typename F>
    ast::StatementPtr parse_redacted(F&& parse);

    // ---- table DDL / DML (parser_table.cpp)
    bool at_create_table() const;
    ast::StatementPtr parse_create_table();
    ast::StatementPtr parse_drop_table();
    ast::StatementPtr parse_alter_table();
    ast::StatementPtr parse_insert();
    ast::StatementPtr parse_msck_repair();
    std::string parse_string_literal();
    ast::ColumnDefinition parse_column_definition(bool type_optional);
    std::vector<ast::ColumnDefinition> parse_column_definitions(bool type_optional);
    std::vector<ast::TableProperty> parse_string_properties();      // ('k' = 'v', ...)
    std::vector<ast::TableProperty> parse_expression_properties();  // (key = expr, ...)
    ast::PartitionSpec parse_partition_spec(bool allow_location);

    // ---- queries and FROM (parser_query.cpp)
    bool at_query_start(size_t ahead = 0) const;
    ast::QueryPtr parse_query();
    ast::QueryPtr parse_query_unguarded(ast::QueryBodyPtr first_body = nullptr);
    void parse_query_tail(ast::Query& query);
    ast::QueryBodyPtr parse_set_expression(ast::QueryBodyPtr first);
    ast::QueryBodyPtr parse_intersect_expression(ast::QueryBodyPtr first);
    ast::QueryBodyPtr parse_query_primary();
    ast::QueryBodyPtr parse_select();
    std::vector<std::vector<ast::ExprPtr>> parse_values_rows();
    ast::SelectItem parse_select_item();
    std::vector<ast::OrderItem> parse_order_by_items();
    ast::TableRefPtr parse_from();
    ast::TableRefPtr parse_join_expression();
    ast::TableRefPtr parse_table_primary();
    ast::TableRefPtr parse_table_primary_unaliased();
    ast::TableRefPtr parse_table_function(ast::QualifiedName name, const Token& start);
    void parse_table_alias(ast::TableRef& ref);
    void parse_call_arguments(std::vector<ast::ExprPtr>& args, std::vector<std::string>& names);

    // ---- expressions (parser_expression.cpp, parser_function.cpp)
    ast::ExprPtr parse_expression();
    ast::ExprPtr parse_or();
    ast::ExprPtr parse_and();
    ast::ExprPtr parse_not();
    ast::ExprPtr parse_predicate();
    ast::ExprPtr parse_quantified_comparison(ast::ExprPtr left, ast::BinaryOp op, const Token& op_token);
    ast::ExprPtr parse_value(int min_precedence = 0);
    ast::ExprPtr parse_unary();
    ast::ExprPtr parse_postfix();
    ast::ExprPtr parse_primary();
    ast::ExprPtr parse_word_primary();
    ast::ExprPtr parse_function_call(ast::QualifiedName name, const Token& start);
    ast::ExprPtr parse_special_function(const Token& start);
    void parse_function_suffix(ast::FunctionExpr& function);
    std::unique_ptr<ast::WindowSpec> parse_window_spec();
    ast::FrameBound parse_frame_bound();
    ast::ExprPtr parse_case(const Token& start);
    ast::ExprPtr parse_cast(const Token& start, bool is_try);
    ast::ExprPtr parse_interval(const Token& start);
    bool at_lambda() const;
    ast::ExprPtr parse_lambda_or_null();
    std::string parse_type_text();

    // Parses "( ... )" in expression context: a subquery, a parenthesised expression, a row
    // constructor or (inside IN) a value list.
    struct Parenthesized {
        ast::QueryPtr query;              // set when the parentheses hold a query
        std::vector<ast::ExprPtr> items;  // otherwise the comma-separated expressions
        SqlPosition position;
    };
    Parenthesized parse_parenthesized();
    ast::ExprPtr parenthesized_to_expr(Parenthesized parens);

    std::string_view sql_;
    std::vector<Token> tokens_;
    size_t pos_ = 0;
    int depth_ = 0;
    int chain_nodes_ = 0;
    // A primary already parsed by parse_parenthesized that the next parse_primary must return (lets
    // "((SELECT 1) + 2)" continue as an expression after the inner parentheses were read).
    ast::ExprPtr pending_primary_;
};

// Counts one nesting level for the lifetime of the guard.
class DepthGuard {
public:
    explicit DepthGuard(Parser& parser);
    ~DepthGuard() { --parser_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

private:
    Parser& parser_;
};

// Shared by the expression files (defined in parser_expression.cpp).
ast::ExprPtr make_literal(const Token& token, ast::LiteralKind kind, std::string text);
std::string negate_text(const std::string& text);            // "-3" <-> "3"
std::string interval_unit(const Token& token);              // "day" for DAY/days; "" if not a unit

template <typename T>
std::unique_ptr<T> make_node(const Token& token) {
    auto node = std::make_unique<T>();
    node->position = token.position;
    return node;
}

}  // namespace fedq::sql
