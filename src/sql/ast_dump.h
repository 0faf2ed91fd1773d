// Compact S-expression rendering of the AST, for tests, debugging and EXPLAIN-style diagnostics.
// Example: "SELECT a + 1 AS b FROM t WHERE x IS NULL" ->
//   (query (select (items (+ a 1) as b) (from t) (where (is_null x))))
// The format is stable enough for tests to assert on; it is not SQL and is never parsed back.
#pragma once

#include <string>

#include "sql/ast.h"

namespace fedq::ast {

std::string dump(const Expr& expr);
std::string dump(const Query& query);
std::string dump(const QueryBody& body);
std::string dump(const TableRef& table);
std::string dump(const Statement& statement);

}  // namespace fedq::ast
