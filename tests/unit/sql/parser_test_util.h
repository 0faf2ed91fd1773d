// Helpers shared by the parser unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sql/ast_dump.h"
#include "sql/parser.h"

namespace fedq::parser_test {

using ast::dump;

// Parses exactly one statement and dumps it.
inline std::string stmt(std::string_view sql) {
    auto statements = parse_sql(sql);
    EXPECT_EQ(statements.size(), 1u) << sql;
    if (statements.empty()) return "<none>";
    return dump(*statements[0]);
}

inline const ast::SelectBody& select_of(const ast::Statement& statement) {
    EXPECT_EQ(statement.kind, ast::StatementKind::kQuery);
    const auto& query = *static_cast<const ast::QueryStatement&>(statement).query;
    EXPECT_EQ(query.body->kind, ast::QueryBodyKind::kSelect);
    return static_cast<const ast::SelectBody&>(*query.body);
}

// Parses "SELECT <text>" and dumps the single select item's expression.
inline std::string expr(std::string_view text) {
    std::string sql = "SELECT " + std::string(text);
    auto statements = parse_sql(sql);
    EXPECT_EQ(statements.size(), 1u);
    const auto& select = select_of(*statements[0]);
    EXPECT_EQ(select.items.size(), 1u) << text;
    return dump(*select.items[0].expr);
}

// Parses "SELECT * FROM <text>" and dumps the FROM clause.
inline std::string from(std::string_view text) {
    std::string sql = "SELECT * FROM " + std::string(text);
    auto statements = parse_sql(sql);
    const auto& select = select_of(*statements[0]);
    EXPECT_TRUE(select.from);
    return select.from ? dump(*select.from) : "<none>";
}

inline Error parse_error(std::string_view sql) {
    try {
        parse_sql(sql);
    } catch (const Error& error) {
        return error;
    }
    ADD_FAILURE() << "expected a syntax error for: " << sql;
    return Error(ErrorCode::kInternal, "no error");
}

}  // namespace fedq::parser_test
