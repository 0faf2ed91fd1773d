// Hand-written lexer and recursive-descent parser for fedq's SQL dialect (Trino/Athena flavoured).
#pragma once

#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace fedq {

// Parses one or more ';'-separated statements. Throws fedq::Error(kSyntax) with the line and column of
// the offending token ("syntax error at or near 'FROM'"). Empty statements are skipped.
std::vector<ast::StatementPtr> parse_sql(std::string_view sql);

// Splits a script into statement texts at top-level ';' (respecting quotes and comments), without
// parsing. Used by the shell to know when input is complete.
std::vector<std::string> split_statements(std::string_view sql);
// False when `sql` ends inside a string, quoted identifier or block comment, or has text after its last
// ';' (or no ';' at all); true otherwise (including blank input: there is nothing to wait for).
bool is_statement_complete(std::string_view sql);

}  // namespace fedq
