// Catalog DDL: CREATE [OR REPLACE] CATALOG, DROP CATALOG, ALTER CATALOG (SHOW CREATE CATALOG is parsed
// with the other SHOW statements in parser.cpp).
#include <cctype>

#include "sql/parser_impl.h"

namespace fedq::sql {

template <typename F>
ast::StatementPtr Parser::parse_redacted(F&& parse) {
    try {
        return parse();
    } catch (const Error& error) {
        if (error.code() != ErrorCode::kSyntax) throw;
        // The offending token may be a secret: name its kind only, and drop the position so that
        // Error::format does not print the statement's line.
        const Token& token = current();
        bool after_equals = pos_ > 0 && tokens_[pos_ - 1].kind == TokenKind::kOperator && tokens_[pos_ - 1].text == "=";
        std::string message = error.message();
        if (after_equals && token.kind != TokenKind::kEnd) {
            message = "syntax error in an option value (expected 'string', number, TRUE, FALSE or env('VAR'))";
        } else if (token.kind == TokenKind::kString) {
            message = "syntax error at or near a string literal";
        }
        const SqlPosition& at = error.position();
        if (at.line > 0) message += fmt::format(" (line {}, column {})", at.line, at.column);
        throw Error(ErrorCode::kSyntax, message);
    }
}

std::string Parser::parse_option_key() {
    const Token& token = current();
    if (token.kind != TokenKind::kWord && token.kind != TokenKind::kQuotedIdentifier && token.kind != TokenKind::kString) {
        fail();
    }
    std::string key = to_lower_ascii(advance().text);
    if (key.empty()) fail_at(token);
    return key;
}

ast::CatalogOption Parser::parse_catalog_option() {
    ast::CatalogOption option;
    option.position = current().position;
    option.key = parse_option_key();
    expect_op("=");
    const Token& token = current();
    if (token.kind == TokenKind::kString) {
        option.kind = ast::CatalogOption::Kind::kString;
        option.value = advance().text;
    } else if (at_op("-") || at_op("+") || token.kind == TokenKind::kInteger || token.kind == TokenKind::kDecimal ||
               token.kind == TokenKind::kDouble) {
        std::string sign;
        if (at_op("-") || at_op("+")) sign = advance().text == "-" ? "-" : "";
        const Token& number = current();
        if (number.kind != TokenKind::kInteger && number.kind != TokenKind::kDecimal && number.kind != TokenKind::kDouble) {
            fail();
        }
        option.kind = ast::CatalogOption::Kind::kNumber;
        option.value = sign + advance().text;
    } else if (at_word("TRUE") || at_word("FALSE")) {
        option.kind = ast::CatalogOption::Kind::kBoolean;
        option.value = at_word("TRUE") ? "true" : "false";
        advance();
    } else if (at_word("ENV") && at_op("(", 1)) {
        advance();
        advance();
        if (current().kind != TokenKind::kString || current().text.empty()) fail();
        option.kind = ast::CatalogOption::Kind::kEnv;
        option.value = advance().text;
        expect_op(")");
    } else {
        fail();
    }
    return option;
}

std::vector<ast::CatalogOption> Parser::parse_catalog_option_list(bool parenthesized) {
    std::vector<ast::CatalogOption> options;
    if (parenthesized) expect_op("(");
    do {
        options.push_back(parse_catalog_option());
    } while (accept_op(","));
    if (parenthesized) expect_op(")");
    return options;
}

ast::StatementPtr Parser::parse_create() {
    return parse_redacted([&]() -> ast::StatementPtr {
        expect_word("CREATE");
        auto create = std::make_unique<ast::CreateCatalogStatement>();
        if (accept_word("OR")) {
            expect_word("REPLACE");
            create->or_replace = true;
        }
        expect_word("CATALOG");
        if (accept_word("IF")) {
            expect_word("NOT");
            expect_word("EXISTS");
            create->if_not_exists = true;
        }
        if (create->or_replace && create->if_not_exists) {
            throw Error(ErrorCode::kSyntax, "CREATE OR REPLACE CATALOG cannot be combined with IF NOT EXISTS",
                        current().position);
        }
        create->name = parse_identifier();
        expect_word("USING");
        create->type = parse_identifier();
        if (accept_word("WITH")) create->options = parse_catalog_option_list(true);
        if (!at_end() && !at_op(";")) fail();  // here, so the error is redacted
        return create;
    });
}

ast::StatementPtr Parser::parse_drop() {
    expect_word("DROP");
    expect_word("CATALOG");
    auto drop = std::make_unique<ast::DropCatalogStatement>();
    if (accept_word("IF")) {
        expect_word("EXISTS");
        drop->if_exists = true;
    }
    drop->name = parse_identifier();
    return drop;
}

ast::StatementPtr Parser::parse_alter() {
    return parse_redacted([&]() -> ast::StatementPtr {
        expect_word("ALTER");
        expect_word("CATALOG");
        auto alter = std::make_unique<ast::AlterCatalogStatement>();
        alter->name = parse_identifier();
        if (accept_word("SET")) {
            alter->set = parse_catalog_option_list(at_op("("));
        } else if (accept_word("RESET")) {
            bool parenthesized = accept_op("(");
            do {
                alter->reset.push_back(parse_option_key());
            } while (accept_op(","));
            if (parenthesized) expect_op(")");
        } else {
            fail();
        }
        if (!at_end() && !at_op(";")) fail();  // here, so the error is redacted
        return alter;
    });
}

}  // namespace fedq::sql
