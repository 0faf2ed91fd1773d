#include "common/error.h"

#include <algorithm>

namespace fedq {

std::string_view sqlstate(ErrorCode code) {
    switch (code) {
        case ErrorCode::kSyntax: return "42601";
        case ErrorCode::kUndefinedTable: return "42P01";
        case ErrorCode::kUndefinedColumn: return "42703";
        case ErrorCode::kUndefinedFunction: return "42883";
        case ErrorCode::kUndefinedObject: return "42704";
        case ErrorCode::kAmbiguousColumn: return "42702";
        case ErrorCode::kDuplicateObject: return "42710";
        case ErrorCode::kGrouping: return "42803";
        case ErrorCode::kDatatypeMismatch: return "42804";
        case ErrorCode::kInvalidParameter: return "22023";
        case ErrorCode::kNumericOverflow: return "22003";
        case ErrorCode::kDivisionByZero: return "22012";
        case ErrorCode::kInvalidCast: return "22018";
        case ErrorCode::kInvalidDatetime: return "22007";
        case ErrorCode::kStringDataTruncation: return "22001";
        case ErrorCode::kInvalidRegex: return "2201B";
        case ErrorCode::kInvalidJson: return "22032";
        case ErrorCode::kCardinality: return "21000";
        case ErrorCode::kBadFile: return "22P04";
        case ErrorCode::kIo: return "58030";
        case ErrorCode::kNotSupported: return "0A000";
        case ErrorCode::kOutOfMemory: return "53200";
        case ErrorCode::kCancelled: return "57014";
        case ErrorCode::kConnection: return "08006";
        case ErrorCode::kConnectionFailure: return "08001";
        case ErrorCode::kInvalidPassword: return "28P01";
        case ErrorCode::kInsufficientPrivilege: return "42501";
        case ErrorCode::kQueryTimeout: return "57014";
        case ErrorCode::kRemote: return "XX000";
        case ErrorCode::kInternal: return "XX000";
    }
    return "XX000";
}

std::string Error::format(std::string_view statement) const {
    std::string out = fmt::format("ERROR {}: {}", sqlstate(), message_);
    if (position_.line == 0 || statement.empty()) return out;
    out += fmt::format(" (line {}, column {})", position_.line, position_.column);
    // Find the offending line.
    size_t start = 0;
    for (uint32_t line = 1; line < position_.line && start < statement.size(); ++line) {
        size_t next = statement.find('\n', start);
        if (next == std::string_view::npos) return out;
        start = next + 1;
    }
    size_t end = statement.find('\n', start);
    std::string_view text = statement.substr(start, end == std::string_view::npos ? statement.size() - start
                                                                                  : end - start);
    out += "\n  ";
    out += text;
    out += "\n  ";
    out.append(std::min<size_t>(position_.column > 0 ? position_.column - 1 : 0, text.size()), ' ');
    out += '^';
    return out;
}

}  // namespace fedq
