#include "sql/lexer.h"

#include <algorithm>

namespace fedq::sql {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_word_char(char c) { return is_word_start(c) || is_digit(c) || c == '$'; }

class Lexer {
public:
    explicit Lexer(std::string_view sql) : sql_(sql) {}

    std::vector<Token> run() {
        std::vector<Token> tokens;
        tokens.reserve(sql_.size() / 4 + 2);
        for (;;) {
            skip_space_and_comments();
            Token token;
            token.begin = static_cast<uint32_t>(pos_);
            token.position = position();
            if (pos_ >= sql_.size()) {
                token.kind = TokenKind::kEnd;
                token.end = token.begin;
                tokens.push_back(std::move(token));
                return tokens;
            }
            lex_token(token);
            token.end = static_cast<uint32_t>(pos_);
            tokens.push_back(std::move(token));
        }
    }

private:
    SqlPosition position() const {
        return SqlPosition{line_, static_cast<uint32_t>(column_), static_cast<uint32_t>(pos_)};
    }

    // Advances one byte, keeping line and column (in code points) up to date.
    void advance() {
        char c = sql_[pos_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++column_;
        }
    }
    void advance(size_t n) {
        for (size_t i = 0; i < n && pos_ < sql_.size(); ++i) advance();
    }
    char peek(size_t ahead = 0) const { return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0'; }

    void skip_space_and_comments() {
        while (pos_ < sql_.size()) {
            char c = sql_[pos_];
            if (is_space(c)) {
                advance();
            } else if (c == '-' && peek(1) == '-') {
                while (pos_ < sql_.size() && sql_[pos_] != '\n') advance();
            } else if (c == '/' && peek(1) == '*') {
                SqlPosition start = position();
                advance(2);
                size_t depth = 1;
                while (depth > 0) {
                    if (pos_ >= sql_.size()) throw Error(ErrorCode::kSyntax, "unterminated comment", start);
                    if (sql_[pos_] == '/' && peek(1) == '*') {
                        ++depth;
                        advance(2);
                    } else if (sql_[pos_] == '*' && peek(1) == '/') {
                        --depth;
                        advance(2);
                    } else {
                        advance();
                    }
                }
            } else {
                return;
            }
        }
    }

    // Reads a quoted run starting at the opening quote; doubled quotes are escapes.
    std::string read_quoted(char quote, const char* what) {
        SqlPosition start = position();
        advance();
        std::string text;
        for (;;) {
            if (pos_ >= sql_.size()) throw Error(ErrorCode::kSyntax, fmt::format("unterminated {}", what), start);
            size_t next = sql_.find(quote, pos_);
            if (next == std::string_view::npos) {
                advance(sql_.size() - pos_);
                continue;
            }
            text.append(sql_.substr(pos_, next - pos_));
            advance(next - pos_ + 1);
            if (peek() == quote) {
                text.push_back(quote);
                advance();
                continue;
            }
            return text;
        }
    }

    // Digits with optional '_' separators between them (Trino: 1_000_000); separators are dropped.
    void read_digits(std::string& text) {
        while (is_digit(peek()) || (peek() == '_' && !text.empty() && is_digit(text.back()) && is_digit(peek(1)))) {
            if (peek() != '_') text.push_back(peek());
            advance();
        }
    }

    void lex_number(Token& token) {
        if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X') && is_hex_digit(peek(2))) {
            lex_hex_integer(token);
            return;
        }
        std::string text;
        bool has_dot = false;
        bool has_exponent = false;
        read_digits(text);
        if (peek() == '.') {
            has_dot = true;
            text.push_back('.');
            advance();
            read_digits(text);
        }
        if ((peek() == 'e' || peek() == 'E') &&
            (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
            has_exponent = true;
            text.push_back(peek());
            advance();
            if (peek() == '+' || peek() == '-') {
                text.push_back(peek());
                advance();
            }
            while (is_digit(peek())) {
                text.push_back(peek());
                advance();
            }
        }
        token.kind = has_exponent ? TokenKind::kDouble : has_dot ? TokenKind::kDecimal : TokenKind::kInteger;
        token.text = std::move(text);
    }

    static bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

    // 0x1F -> "31". A value beyond 64 bits keeps its hex spelling (the binder reports it as out of range).
    void lex_hex_integer(Token& token) {
        size_t start = pos_;
        advance(2);
        unsigned __int128 value = 0;
        bool overflow = false;
        while (is_hex_digit(peek()) || (peek() == '_' && is_hex_digit(peek(1)))) {
            char c = peek();
            advance();
            if (c == '_') continue;
            int digit = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
            if (overflow) continue;
            value = value * 16 + static_cast<unsigned>(digit);
            if (value > UINT64_MAX) overflow = true;
        }
        token.kind = TokenKind::kInteger;
        token.text = overflow ? std::string(sql_.substr(start, pos_ - start))
                              : std::to_string(static_cast<uint64_t>(value));
    }

    void lex_token(Token& token) {
        char c = sql_[pos_];
        if ((c == 'x' || c == 'X') && peek(1) == '\'') {
            advance();
            token.kind = TokenKind::kBinaryString;
            token.text = read_quoted('\'', "quoted string");
            return;
        }
        if (is_word_start(c)) {
            size_t start = pos_;
            while (pos_ < sql_.size() && is_word_char(sql_[pos_])) advance();
            token.kind = TokenKind::kWord;
            token.text = std::string(sql_.substr(start, pos_ - start));
            return;
        }
        if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
            lex_number(token);
            return;
        }
        if (c == '\'') {
            token.kind = TokenKind::kString;
            token.text = read_quoted('\'', "quoted string");
            return;
        }
        if (c == '"' || c == '`') {
            token.kind = TokenKind::kQuotedIdentifier;
            token.text = read_quoted(c, "quoted identifier");
            return;
        }
        token.kind = TokenKind::kOperator;
        static constexpr std::string_view kTwoCharOperators[] = {"<>", "!=", "<=", ">=", "||", "::", "=>", "->", "=="};
        if (pos_ + 1 < sql_.size()) {
            std::string_view two = sql_.substr(pos_, 2);
            for (std::string_view op : kTwoCharOperators) {
                if (two == op) {
                    token.text = std::string(two);
                    advance(2);
                    return;
                }
            }
        }
        // One character; an unknown multi-byte UTF-8 character is kept whole for the error message.
        size_t length = 1;
        unsigned char lead = static_cast<unsigned char>(c);
        if (lead >= 0xC0) {
            while (pos_ + length < sql_.size() && (static_cast<unsigned char>(sql_[pos_ + length]) & 0xC0) == 0x80 &&
                   length < 4) {
                ++length;
            }
        }
        token.text = std::string(sql_.substr(pos_, length));
        advance(length);
    }

    std::string_view sql_;
    size_t pos_ = 0;
    uint32_t line_ = 1;
    size_t column_ = 1;
};

}  // namespace

size_t find_invalid_utf8(std::string_view text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        unsigned char c = bytes[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t length;
        uint32_t min_code_point;
        uint32_t code_point;
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            min_code_point = 0x80;
            code_point = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            min_code_point = 0x800;
            code_point = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            min_code_point = 0x10000;
            code_point = c & 0x07;
        } else {
            return i;
        }
        if (i + length > n) return i;
        for (size_t k = 1; k < length; ++k) {
            if ((bytes[i + k] & 0xC0) != 0x80) return i;
            code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
        }
        if (code_point < min_code_point || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            return i;
        }
        i += length;
    }
    return std::string_view::npos;
}

std::vector<Token> tokenize(std::string_view sql) {
    if (sql.size() > UINT32_MAX - 1) throw Error(ErrorCode::kSyntax, "statement is too long");
    size_t bad = find_invalid_utf8(sql);
    if (bad != std::string_view::npos) {
        SqlPosition position{1, 1, static_cast<uint32_t>(bad)};
        for (size_t i = 0; i < bad; ++i) {
            if (sql[i] == '\n') {
                ++position.line;
                position.column = 1;
            } else if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) {
                ++position.column;
            }
        }
        throw Error(ErrorCode::kSyntax, "invalid UTF-8 byte sequence in SQL text", position);
    }
    return Lexer(sql).run();
}

bool is_keyword(const Token& token, std::string_view upper_keyword) {
    if (token.kind != TokenKind::kWord || token.text.size() != upper_keyword.size()) return false;
    for (size_t i = 0; i < upper_keyword.size(); ++i) {
        char c = token.text[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != upper_keyword[i]) return false;
    }
    return true;
}

std::string to_lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace fedq::sql
