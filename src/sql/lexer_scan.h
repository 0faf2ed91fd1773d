// Implementation of sql::scan_statements (a template, hence in a header). Include sql/lexer.h instead.
#pragma once

#include "sql/lexer.h"

namespace fedq::sql {

template <typename OnSeparator>
ScanState scan_statements(std::string_view sql, OnSeparator&& on_separator) {
    ScanState state;
    size_t i = 0;
    const size_t n = sql.size();
    while (i < n) {
        char c = sql[i];
        if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            size_t depth = 1;
            i += 2;
            while (i < n && depth > 0) {
                if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
                    ++depth;
                    i += 2;
                } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            }
            if (depth > 0) {
                state.in_block_comment = true;
                return state;
            }
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            state.has_content = true;
            ++i;
            bool closed = false;
            while (i < n) {
                if (sql[i] == c) {
                    if (i + 1 < n && sql[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                ++i;
            }
            if (!closed) {
                state.in_string = true;
                return state;
            }
            continue;
        }
        if (c == ';') {
            on_separator(i);
            state.has_content = false;
            state.last_separator = i;
            ++i;
            continue;
        }
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) state.has_content = true;
        ++i;
    }
    return state;
}

}  // namespace fedq::sql
