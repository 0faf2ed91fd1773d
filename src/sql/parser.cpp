// Parser driver, token helpers, identifiers and the non-query statements (EXPLAIN, USE, SET, RESET,
// SHOW, DESCRIBE). Queries are in parser_query.cpp, expressions in parser_expression.cpp.
#include "sql/parser.h"

#include <algorithm>
#include <array>

#include "sql/parser_impl.h"

namespace fedq {

namespace sql {

DepthGuard::DepthGuard(Parser& parser) : parser_(parser) {
    if (++parser_.depth_ > Parser::kMaxDepth) {
        --parser_.depth_;
        throw Error(ErrorCode::kSyntax, "statement is too deeply nested", parser_.current().position);
    }
}

Parser::Parser(std::string_view sql) : sql_(sql), tokens_(tokenize(sql)) {}

bool Parser::accept_word(std::string_view keyword) {
    if (!at_word(keyword)) return false;
    advance();
    return true;
}

bool Parser::accept_op(std::string_view op) {
    if (!at_op(op)) return false;
    advance();
    return true;
}

void Parser::expect_word(std::string_view keyword) {
    if (!accept_word(keyword)) fail();
}

void Parser::expect_op(std::string_view op) {
    if (!accept_op(op)) fail();
}

void Parser::fail_at(const Token& token) const {
    if (token.kind == TokenKind::kEnd) {
        throw Error(ErrorCode::kSyntax, "syntax error at end of input", token.position);
    }
    std::string_view text = sql_.substr(token.begin, token.end - token.begin);
    bool cut = false;
    if (text.size() > 60) {
        size_t length = 60;
        while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) --length;  // whole UTF-8
        text = text.substr(0, length);
        cut = true;
    }
    std::string shown;
    shown.reserve(text.size() + 3);
    for (char c : text) shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;  // no control bytes
    if (cut) shown += "...";
    throw Error(ErrorCode::kSyntax, fmt::format("syntax error at or near \"{}\"", shown), token.position);
}

void Parser::count_chain_node() {
    if (++chain_nodes_ > kMaxChainNodes) {
        throw Error(ErrorCode::kSyntax,
                    fmt::format("statement is too deeply nested (more than {} chained operators)", kMaxChainNodes),
                    current().position);
    }
}

// ------------------------------------------------------------------------------------------ identifiers

bool Parser::is_reserved(const Token& token) {
    // Sorted; keywords that may not be used as unquoted identifiers or aliases.
    static constexpr std::array<std::string_view, 49> kReserved = {
        "ALL",    "AND",     "AS",        "BETWEEN", "BY",      "CASE",   "CAST",     "CROSS",   "DISTINCT",
        "ELSE",   "END",     "ESCAPE",    "EXCEPT",  "EXISTS",  "FALSE",  "FETCH",    "FOR",     "FROM",
        "FULL",   "GROUP",   "HAVING",    "ILIKE",   "IN",      "INNER",  "INTERSECT", "IS",     "JOIN",
        "LEFT",   "LIKE",    "LIMIT",     "NATURAL", "NOT",     "NULL",   "OFFSET",   "ON",      "OR",
        "ORDER",  "OUTER",   "QUALIFY",   "RIGHT",   "SELECT",  "THEN",   "TRUE",     "UNION",   "USING",
        "VALUES", "WHEN",    "WHERE",     "WITH",
    };
    static_assert(std::is_sorted(kReserved.begin(), kReserved.end()));
    if (token.kind != TokenKind::kWord || token.text.size() > 9 || token.text.size() < 2) return false;
    char upper[10];
    size_t n = token.text.size();
    for (size_t i = 0; i < n; ++i) {
        char c = token.text[i];
        upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return std::binary_search(kReserved.begin(), kReserved.end(), std::string_view(upper, n));
}

bool Parser::at_identifier(size_t ahead) const {
    const Token& token = peek(ahead);
    if (token.kind == TokenKind::kQuotedIdentifier) return true;
    return token.kind == TokenKind::kWord && !is_reserved(token);
}

ast::Identifier Parser::make_identifier(const Token& token) {
    ast::Identifier id;
    id.name = token.text;
    id.quoted = token.kind == TokenKind::kQuotedIdentifier;
    id.position = token.position;
    return id;
}

ast::Identifier Parser::parse_identifier() {
    if (!at_identifier()) fail();
    return make_identifier(advance());
}

ast::QualifiedName Parser::parse_qualified_name() {
    ast::QualifiedName name;
    name.parts.push_back(parse_identifier());
    while (at_op(".") && at_identifier(1)) {
        advance();
        name.parts.push_back(parse_identifier());
    }
    return name;
}

std::vector<ast::Identifier> Parser::parse_identifier_list() {
    expect_op("(");
    std::vector<ast::Identifier> list;
    do {
        list.push_back(parse_identifier());
    } while (accept_op(","));
    expect_op(")");
    return list;
}

std::optional<ast::Identifier> Parser::parse_optional_alias() {
    if (accept_word("AS")) return parse_identifier();
    if (at_identifier()) return parse_identifier();
    return std::nullopt;
}

// ------------------------------------------------------------------------------------------ statements

std::vector<ast::StatementPtr> Parser::parse_all() {
    std::vector<ast::StatementPtr> statements;
    for (;;) {
        while (accept_op(";")) {
        }
        if (at_end()) break;
        depth_ = 0;
        chain_nodes_ = 0;
        pending_primary_.reset();
        statements.push_back(parse_statement());
        if (!at_end() && !at_op(";")) fail();
    }
    return statements;
}

ast::StatementPtr Parser::parse_statement() {
    DepthGuard guard(*this);
    const Token& start = current();
    ast::StatementPtr statement;
    if (at_query_start() || at_op("(")) {
        auto query_statement = std::make_unique<ast::QueryStatement>();
        query_statement->query = parse_query();
        statement = std::move(query_statement);
    } else if (at_word("EXPLAIN")) {
        statement = parse_explain();
    } else if (at_word("USE")) {
        statement = parse_use();
    } else if (at_word("SET")) {
        statement = parse_set();
    } else if (at_word("RESET")) {
        statement = parse_reset();
    } else if (at_word("SHOW")) {
        statement = parse_show();
    } else if (at_word("DESCRIBE") || at_word("DESC")) {
        statement = parse_describe();
    } else if (at_word("CREATE") &&
               (at_word("CATALOG", 1) || (at_word("OR", 1) && at_word("REPLACE", 2) && at_word("CATALOG", 3)))) {
        statement = parse_create();
    } else if (at_create_table()) {
        statement = parse_create_table();
    } else if (at_word("DROP") && at_word("CATALOG", 1)) {
        statement = parse_drop();
    } else if (at_word("DROP") && at_word("TABLE", 1)) {
        statement = parse_drop_table();
    } else if (at_word("ALTER") && at_word("CATALOG", 1)) {
        statement = parse_alter();
    } else if (at_word("ALTER") && at_word("TABLE", 1)) {
        statement = parse_alter_table();
    } else if (at_word("INSERT")) {
        statement = parse_insert();
    } else if (at_word("MSCK")) {
        statement = parse_msck_repair();
    } else {
        fail();
    }
    statement->position = start.position;
    uint32_t end = pos_ > 0 ? tokens_[pos_ - 1].end : start.begin;
    if (end < start.begin) end = start.begin;
    statement->text = std::string(sql_.substr(start.begin, end - start.begin));
    return statement;
}

ast::StatementPtr Parser::parse_explain() {
    expect_word("EXPLAIN");
    auto explain = std::make_unique<ast::ExplainStatement>();
    for (;;) {
        if (!explain->analyze && accept_word("ANALYZE")) {
            explain->analyze = true;
        } else if (!explain->verbose && accept_word("VERBOSE")) {
            explain->verbose = true;
        } else {
            break;
        }
    }
    explain->statement = parse_statement();
    return explain;
}

ast::StatementPtr Parser::parse_use() {
    expect_word("USE");
    auto use = std::make_unique<ast::UseStatement>();
    use->name.parts.push_back(parse_identifier());
    if (accept_op(".")) use->name.parts.push_back(parse_identifier());
    return use;
}

ast::StatementPtr Parser::parse_set() {
    expect_word("SET");
    accept_word("SESSION");
    auto set = std::make_unique<ast::SetStatement>();
    set->name = parse_qualified_name();
    if (!accept_op("=") && !accept_word("TO")) fail();
    set->value = parse_expression();
    return set;
}

ast::StatementPtr Parser::parse_reset() {
    expect_word("RESET");
    accept_word("SESSION");
    auto reset = std::make_unique<ast::ResetStatement>();
    reset->name = parse_qualified_name();
    return reset;
}

std::optional<std::string> Parser::parse_optional_like() {
    if (!accept_word("LIKE")) return std::nullopt;
    if (current().kind != TokenKind::kString) fail();
    return advance().text;
}

ast::StatementPtr Parser::parse_show() {
    expect_word("SHOW");
    auto show = std::make_unique<ast::ShowStatement>();
    // Reads [FROM|IN] name with at most `max_parts` parts.
    auto parse_source = [&](size_t max_parts, bool required) {
        if (!accept_word("FROM") && !accept_word("IN")) {
            if (required) fail();
            return;
        }
        show->from.parts.push_back(parse_identifier());
        while (show->from.parts.size() < max_parts && accept_op(".")) show->from.parts.push_back(parse_identifier());
    };
    if (accept_word("CATALOGS")) {
        show->show = ast::ShowKind::kCatalogs;
    } else if (accept_word("SCHEMAS") || accept_word("DATABASES")) {
        show->show = ast::ShowKind::kSchemas;
        parse_source(1, false);
    } else if (accept_word("TABLES")) {
        show->show = ast::ShowKind::kTables;
        parse_source(2, false);
    } else if (accept_word("COLUMNS")) {
        show->show = ast::ShowKind::kColumns;
        parse_source(3, true);
    } else if (accept_word("FUNCTIONS")) {
        show->show = ast::ShowKind::kFunctions;
    } else if (accept_word("SESSION")) {
        show->show = ast::ShowKind::kSession;
    } else if (accept_word("CREATE")) {
        if (accept_word("TABLE")) {
            show->show = ast::ShowKind::kCreateTable;
            show->from = parse_qualified_name();
            return show;
        }
        expect_word("CATALOG");
        show->show = ast::ShowKind::kCreateCatalog;
        show->from.parts.push_back(parse_identifier());
        return show;
    } else if (accept_word("PARTITIONS")) {
        show->show = ast::ShowKind::kPartitions;
        if (!accept_word("FROM")) accept_word("IN");
        show->from = parse_qualified_name();
        return show;
    } else {
        fail();
    }
    show->like = parse_optional_like();
    return show;
}

ast::StatementPtr Parser::parse_describe() {
    advance();  // DESCRIBE | DESC
    if (at_op("(")) {
        throw Error(ErrorCode::kNotSupported, "DESCRIBE (query) is not supported; describe a table",
                    current().position);
    }
    auto describe = std::make_unique<ast::DescribeStatement>();
    const Token& start = current();
    describe->table = parse_table_primary_unaliased();
    if (describe->table->kind != ast::TableRefKind::kNamed && describe->table->kind != ast::TableRefKind::kFilePath &&
        describe->table->kind != ast::TableRefKind::kTableFunction) {
        fail_at(start);
    }
    return describe;
}

}  // namespace sql

// ------------------------------------------------------------------------------------------ public API

std::vector<ast::StatementPtr> parse_sql(std::string_view sql) { return sql::Parser(sql).parse_all(); }

namespace {

std::string_view trim_space(std::string_view text) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace

std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> result;
    // Keeps a segment unless it holds nothing but whitespace and comments.
    auto keep = [&](std::string_view segment) {
        sql::ScanState state = sql::scan_statements(segment, [](size_t) {});
        if (state.has_content || state.in_string || state.in_block_comment) {
            result.emplace_back(trim_space(segment));
        }
    };
    size_t start = 0;
    sql::scan_statements(sql, [&](size_t offset) {
        keep(sql.substr(start, offset - start));
        start = offset + 1;
    });
    if (start < sql.size()) keep(sql.substr(start));
    return result;
}

bool is_statement_complete(std::string_view sql) {
    sql::ScanState state = sql::scan_statements(sql, [](size_t) {});
    if (state.in_string || state.in_block_comment) return false;
    if (state.has_content) return false;  // text after the last ';' (or no ';' at all)
    return true;  // ends with ';' (plus whitespace/comments), or is blank
}

}  // namespace fedq
