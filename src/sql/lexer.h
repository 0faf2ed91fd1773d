// SQL lexer: turns statement text into tokens with source positions. Keywords are not distinguished
// from identifiers here (the parser decides, because most keywords are non-reserved). Comments (`--`,
// nestable `/* */`) and whitespace are skipped. Strings and quoted identifiers are unescaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace fedq::sql {

enum class TokenKind : uint8_t {
    kEnd,               // end of input (always the last token)
    kWord,              // unquoted identifier or keyword, as written
    kQuotedIdentifier,  // "x" or `x`, unescaped
    kString,            // 'x', unescaped
    kBinaryString,      // X'0A0B': text holds the hex digits
    kInteger,           // 123
    kDecimal,           // 1.5, .5, 1.
    kDouble,            // 1e3, 1.5E-2
    kOperator,          // punctuation and operators; also any unknown character (the parser rejects it)
};

struct Token {
    TokenKind kind = TokenKind::kEnd;
    std::string text;
    uint32_t begin = 0;  // byte range of the token in the source
    uint32_t end = 0;
    SqlPosition position;
};

// Tokenizes the whole input. Throws Error(kSyntax) for text that is not valid UTF-8, and for an
// unterminated string, quoted identifier or block comment. The result always ends with a kEnd token positioned at the end of the input.
std::vector<Token> tokenize(std::string_view sql);

// Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms, surrogates and
// code points above U+10FFFF are invalid), or npos.
size_t find_invalid_utf8(std::string_view text);

// Case-insensitive comparison of an unquoted word with an upper-case keyword.
bool is_keyword(const Token& token, std::string_view upper_keyword);

// Lower-cases ASCII letters (identifiers may contain UTF-8, which is left unchanged).
std::string to_lower_ascii(std::string_view text);

// Scans `sql` the way the lexer does (quotes, comments) without producing tokens and without throwing.
// Calls on_separator(offset) for every top-level ';'. Returns the state at the end of the input.
struct ScanState {
    bool in_string = false;            // inside '...', "..." or `...`
    bool in_block_comment = false;
    bool has_content = false;          // any token since the last ';'
    size_t last_separator = std::string_view::npos;
};
template <typename OnSeparator>
ScanState scan_statements(std::string_view sql, OnSeparator&& on_separator);

}  // namespace fedq::sql

#include "sql/lexer_scan.h"
