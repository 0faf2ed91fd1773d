// Typed errors. Every query-terminating failure is a fedq::Error carrying an ErrorCode (mapped to a
// SQLSTATE), a message and, where known, a location: SQL position (line/column), or a source name,
// file and line. Errors are thrown and caught only at the query boundary (engine / CLI).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace fedq {

enum class ErrorCode : uint8_t {
    kSyntax,              // 42601
    kUndefinedTable,      // 42P01
    kUndefinedColumn,     // 42703
    kUndefinedFunction,   // 42883
    kUndefinedObject,     // 42704 (catalog, schema)
    kAmbiguousColumn,     // 42702
    kDuplicateObject,     // 42710
    kGrouping,            // 42803
    kDatatypeMismatch,    // 42804
    kInvalidParameter,    // 22023
    kNumericOverflow,     // 22003
    kDivisionByZero,      // 22012
    kInvalidCast,         // 22018 invalid character value for cast
    kInvalidDatetime,     // 22007
    kStringDataTruncation,// 22001
    kInvalidRegex,        // 2201B
    kInvalidJson,         // 22032
    kCardinality,         // 21000 (scalar subquery returned more than one row)
    kBadFile,             // 22P04 bad copy file format (malformed CSV/JSON/Parquet)
    kIo,                  // 58030
    kNotSupported,        // 0A000
    kOutOfMemory,         // 53200
    kCancelled,           // 57014
    kConnection,          // 08006 (connection lost)
    kConnectionFailure,   // 08001 (cannot connect: unreachable host, refused)
    kInvalidPassword,     // 28P01 (bad credentials)
    kInsufficientPrivilege, // 42501
    kQueryTimeout,        // 57014 (statement timeout; same SQLSTATE as a cancel)
    kRemote,              // the source's own error: message names the catalog; SQLSTATE XX000 unless set
    kInternal,            // XX000
};

std::string_view sqlstate(ErrorCode code);

// Where an error happened in the SQL text (1-based; 0 = unknown).
struct SqlPosition {
    uint32_t line = 0;
    uint32_t column = 0;
    uint32_t offset = 0;  // byte offset into the statement text
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string message, SqlPosition position = {})
        : std::runtime_error(message), code_(code), message_(std::move(message)), position_(position) {}
    // An error reported by a source with its own SQLSTATE (five characters), e.g. a PostgreSQL error.
    static Error with_sqlstate(ErrorCode code, std::string sqlstate, std::string message) {
        Error e(code, std::move(message));
        if (sqlstate.size() == 5) e.sqlstate_override_ = std::move(sqlstate);
        return e;
    }

    ErrorCode code() const { return code_; }
    std::string_view sqlstate() const {
        return sqlstate_override_.empty() ? fedq::sqlstate(code_) : std::string_view(sqlstate_override_);
    }
    const std::string& message() const { return message_; }
    const SqlPosition& position() const { return position_; }
    void set_position(SqlPosition position) { position_ = position; }

    // "ERROR 42601: syntax error at or near ..." plus, if the statement text is given and the
    // position known, the offending line and a caret under the column.
    std::string format(std::string_view statement = {}) const;

private:
    ErrorCode code_;
    std::string message_;
    SqlPosition position_;
    std::string sqlstate_override_;
};

template <typename... Args>
[[noreturn]] void raise(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
    throw Error(code, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace fedq
