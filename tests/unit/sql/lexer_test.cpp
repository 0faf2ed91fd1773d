#include <gtest/gtest.h>

#include "sql/lexer.h"

namespace fedq::sql {
namespace {

TEST(LexerTest, TokenKindsTextAndPositions) {
    auto tokens = tokenize("SELECT a1, \"Q\"\"x\", 'it''s', 12, 1.5, 2e-3, X'0f' <> != <= >= || :: => -> ;\n  `b`");
    std::vector<std::pair<TokenKind, std::string>> expected = {
        {TokenKind::kWord, "SELECT"},          {TokenKind::kWord, "a1"},        {TokenKind::kOperator, ","},
        {TokenKind::kQuotedIdentifier, "Q\"x"}, {TokenKind::kOperator, ","},     {TokenKind::kString, "it's"},
        {TokenKind::kOperator, ","},           {TokenKind::kInteger, "12"},     {TokenKind::kOperator, ","},
        {TokenKind::kDecimal, "1.5"},          {TokenKind::kOperator, ","},     {TokenKind::kDouble, "2e-3"},
        {TokenKind::kOperator, ","},           {TokenKind::kBinaryString, "0f"}, {TokenKind::kOperator, "<>"},
        {TokenKind::kOperator, "!="},          {TokenKind::kOperator, "<="},    {TokenKind::kOperator, ">="},
        {TokenKind::kOperator, "||"},          {TokenKind::kOperator, "::"},    {TokenKind::kOperator, "=>"},
        {TokenKind::kOperator, "->"},          {TokenKind::kOperator, ";"},     {TokenKind::kQuotedIdentifier, "b"},
        {TokenKind::kEnd, ""},
    };
    ASSERT_EQ(tokens.size(), expected.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
        EXPECT_EQ(tokens[i].kind, expected[i].first) << i;
        EXPECT_EQ(tokens[i].text, expected[i].second) << i;
    }
    EXPECT_EQ(tokens[1].position.line, 1u);
    EXPECT_EQ(tokens[1].position.column, 8u);
    EXPECT_EQ(tokens[1].begin, 7u);
    EXPECT_EQ(tokens[1].end, 9u);
    EXPECT_EQ(tokens[23].position.line, 2u);
    EXPECT_EQ(tokens[23].position.column, 3u);
    EXPECT_EQ(tokens.back().begin, 80u);
}

TEST(LexerTest, CommentsAndWhitespaceAreSkipped) {
    auto tokens = tokenize("-- c\r\n/* a /* b */ c */\tx/**/y--z");
    ASSERT_EQ(tokens.size(), 3u);
    EXPECT_EQ(tokens[0].text, "x");
    EXPECT_EQ(tokens[0].position.line, 2u);
    EXPECT_EQ(tokens[1].text, "y");
    EXPECT_EQ(tokens[2].kind, TokenKind::kEnd);
}

TEST(LexerTest, MinusMinusIsAComment) {
    auto tokens = tokenize("1--2\n-3");
    ASSERT_EQ(tokens.size(), 4u);
    EXPECT_EQ(tokens[0].text, "1");
    EXPECT_EQ(tokens[1].text, "-");
    EXPECT_EQ(tokens[2].text, "3");
}

TEST(LexerTest, Keywords) {
    auto tokens = tokenize("select SeLeCt \"SELECT\"");
    EXPECT_TRUE(is_keyword(tokens[0], "SELECT"));
    EXPECT_TRUE(is_keyword(tokens[1], "SELECT"));
    EXPECT_FALSE(is_keyword(tokens[2], "SELECT"));  // quoted: an identifier
    EXPECT_FALSE(is_keyword(tokens[0], "SELECTS"));
    EXPECT_EQ(to_lower_ascii("AbC_É"), "abc_É");
}

TEST(LexerTest, Errors) {
    try {
        tokenize("a\n  'x");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::kSyntax);
        EXPECT_EQ(error.message(), "unterminated quoted string");
        EXPECT_EQ(error.position().line, 2u);
        EXPECT_EQ(error.position().column, 3u);
        EXPECT_EQ(error.position().offset, 4u);
    }
    EXPECT_THROW(tokenize("/* /* */"), Error);
    EXPECT_THROW(tokenize("\"abc"), Error);
    EXPECT_EQ(find_invalid_utf8("ok é 😀"), std::string_view::npos);
    EXPECT_EQ(find_invalid_utf8("ab\xff"), 2u);
    EXPECT_EQ(find_invalid_utf8("\xe2\x82"), 0u);
}

TEST(LexerTest, ScanStatements) {
    std::vector<size_t> separators;
    ScanState state = scan_statements("a; 'b;' \"c;\" -- d;\n /* e; */ f;", [&](size_t offset) {
        separators.push_back(offset);
    });
    EXPECT_EQ(separators, (std::vector<size_t>{1, 30}));
    EXPECT_FALSE(state.has_content);
    EXPECT_FALSE(state.in_string);
    EXPECT_TRUE(scan_statements("'abc", [](size_t) {}).in_string);
    EXPECT_TRUE(scan_statements("/* /* */", [](size_t) {}).in_block_comment);
}

}  // namespace
}  // namespace fedq::sql
