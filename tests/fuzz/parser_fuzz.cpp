// libFuzzer target for the SQL parser: any input must either parse or throw fedq::Error — never crash,
// hang, overflow the stack or trip a sanitizer. Parsed statements are also dumped (walks every node).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sql/ast_dump.h"
#include "sql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view sql(reinterpret_cast<const char*>(data), size);
    try {
        auto statements = fedq::parse_sql(sql);
        for (const auto& statement : statements) {
            std::string text = fedq::ast::dump(*statement);
            if (statement->text.size() > sql.size()) __builtin_trap();
        }
    } catch (const fedq::Error& error) {
        if (error.code() != fedq::ErrorCode::kSyntax && error.code() != fedq::ErrorCode::kNotSupported) {
            __builtin_trap();
        }
        (void)error.format(sql);
    }
    // The statement splitter must agree with itself on arbitrary input and never throw.
    auto pieces = fedq::split_statements(sql);
    (void)pieces;
    (void)fedq::is_statement_complete(sql);
    return 0;
}
