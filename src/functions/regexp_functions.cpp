// Regular expression functions (Trino names and semantics) on RE2. A constant pattern is compiled once
// at bind time (an invalid one fails the query with kInvalidRegex naming the pattern); a per-row
// pattern is recompiled only when it changes from the previous row. Positions count code points.
//
// Differences from Trino (which uses Joni, a Java-syntax engine): RE2 has no backreferences and no
// lookaround; such patterns are rejected as invalid. Replacement strings use Java syntax: $n and
// ${name} refer to groups, \ escapes the next character.
#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "functions/array_builder.h"
#include "functions/signature.h"
#include "functions/utf8.h"

namespace fedq {

namespace {

const Type kVarchar = Type::varchar();
const Type kBigint = Type::bigint();

using RegexPtr = std::shared_ptr<const RE2>;

RegexPtr compile_regex(std::string_view pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    auto regex = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!regex->ok()) raise(ErrorCode::kInvalidRegex, "Invalid regular expression '{}': {}", pattern, regex->error());
    return regex;
}

bool row_valid(const ScalarArgs& args, size_t row) {
    for (const Column* column : args.columns) {
        if (column->is_null(row)) return false;
    }
    return true;
}

// Calls on_match(groups) for each successive non-overlapping match of `regex` in `s` (groups[0] is
// the whole match, then `group_count` capture groups). An empty match is followed by a search one
// code point further. Stops early when on_match returns false.
template <typename OnMatch>
void for_each_match(const RE2& regex, std::string_view s, int group_count, std::vector<re2::StringPiece>& groups,
                    OnMatch on_match) {
    groups.resize(static_cast<size_t>(group_count) + 1);
    const re2::StringPiece text(s.data(), s.size());
    size_t pos = 0;
    while (pos <= s.size()) {
        if (!regex.Match(text, pos, s.size(), RE2::UNANCHORED, groups.data(), group_count + 1)) return;
        if (!on_match(groups)) return;
        const size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
        if (groups[0].empty()) {
            if (end >= s.size()) return;
            pos = utf8::next(s, end);
        } else {
            pos = end;
        }
    }
}

size_t offset_of(std::string_view s, const re2::StringPiece& piece) { return static_cast<size_t>(piece.data() - s.data()); }

// Runs `body(regex, args, row, out)` with the pattern in argument 1 compiled once (constant) or per
// change (per row). Rows where any argument is NULL get NULL without evaluating the body.
template <typename Body>
ScalarKernel regex_kernel(const ConstantArgs& constants, Body body) {
    RegexPtr fixed;
    if (const std::string* pattern = constant_string(constants, 1)) fixed = compile_regex(*pattern);
    return [fixed, body](const ScalarArgs& args, Column& out) {
        RegexPtr current = fixed;
        std::string last;
        for (size_t row = 0; row < args.rows; ++row) {
            if (!row_valid(args, row)) {
                out.append_null();
                continue;
            }
            if (!fixed) {
                std::string_view pattern = args.columns[1]->string_at(row);
                if (!current || pattern != last) {
                    current = compile_regex(pattern);
                    last.assign(pattern);
                }
            }
            body(*current, args, row, out);
        }
    };
}

int64_t group_argument(const RE2& regex, const ScalarArgs& args, size_t index, size_t row) {
    if (args.columns.size() <= index) return 0;
    const int64_t group = args.columns[index]->values<int64_t>()[row];
    if (group < 0 || group > regex.NumberOfCapturingGroups()) {
        raise(ErrorCode::kInvalidParameter, "Pattern has {} groups. Cannot access group {}",
              regex.NumberOfCapturingGroups(), group);
    }
    return group;
}

// Declared types: (VARCHAR, VARCHAR[, BIGINT...]) with `extra` trailing BIGINT arguments allowed.
std::optional<std::vector<Type>> regex_signature(const std::vector<Type>& types, size_t min_extra, size_t max_extra) {
    if (types.size() < 2 + min_extra || types.size() > 2 + max_extra) return std::nullopt;
    std::vector<Type> declared = {kVarchar, kVarchar};
    for (size_t i = 2; i < types.size(); ++i) declared.push_back(kBigint);
    if (!matches(types, declared)) return std::nullopt;
    return declared;
}

template <typename Body>
ScalarBinder regex_binder(Type result, size_t min_extra, size_t max_extra, Body body) {
    return [=](const std::vector<Type>& types, const ConstantArgs& constants) -> std::optional<BoundScalarFunction> {
        auto declared = regex_signature(types, min_extra, max_extra);
        if (!declared) return std::nullopt;
        return make_bound(*declared, result, regex_kernel(constants, body));
    };
}

// ---------------------------------------------------------------------------------------- replace

struct ReplacementPiece {
    std::string literal;
    int group = -1;  // -1: literal
};

std::vector<ReplacementPiece> parse_replacement(const RE2& regex, std::string_view replacement) {
    std::vector<ReplacementPiece> pieces;
    auto literal = [&]() -> std::string& {
        if (pieces.empty() || pieces.back().group >= 0) pieces.push_back({});
        return pieces.back().literal;
    };
    const int group_count = regex.NumberOfCapturingGroups();
    for (size_t i = 0; i < replacement.size(); ++i) {
        const char c = replacement[i];
        if (c == '\\') {
            if (i + 1 == replacement.size()) raise(ErrorCode::kInvalidParameter, "character to be escaped is missing");
            literal().push_back(replacement[++i]);
        } else if (c == '$') {
            if (i + 1 == replacement.size()) raise(ErrorCode::kInvalidParameter, "Illegal group reference: group index is missing");
            if (replacement[i + 1] == '{') {
                size_t close = replacement.find('}', i + 2);
                if (close == std::string_view::npos) raise(ErrorCode::kInvalidParameter, "Illegal named group reference");
                std::string name(replacement.substr(i + 2, close - i - 2));
                auto it = regex.NamedCapturingGroups().find(name);
                if (it == regex.NamedCapturingGroups().end()) {
                    raise(ErrorCode::kInvalidParameter, "No group with name {{{}}}", name);
                }
                pieces.push_back({{}, it->second});
                i = close;
            } else if (replacement[i + 1] >= '0' && replacement[i + 1] <= '9') {
                int group = replacement[++i] - '0';
                if (group > group_count) raise(ErrorCode::kInvalidParameter, "Illegal group reference: No group {}", group);
                // Java: take more digits while the number stays a valid group.
                while (i + 1 < replacement.size() && replacement[i + 1] >= '0' && replacement[i + 1] <= '9' &&
                       group * 10 + (replacement[i + 1] - '0') <= group_count) {
                    group = group * 10 + (replacement[++i] - '0');
                }
                pieces.push_back({{}, group});
            } else {
                raise(ErrorCode::kInvalidParameter, "Illegal group reference: '{}'", replacement);
            }
        } else {
            literal().push_back(c);
        }
    }
    return pieces;
}

void replace_matches(const RE2& regex, std::string_view s, const std::vector<ReplacementPiece>& pieces,
                     std::vector<re2::StringPiece>& groups, std::string& out) {
    size_t copied = 0;
    for_each_match(regex, s, regex.NumberOfCapturingGroups(), groups, [&](const std::vector<re2::StringPiece>& g) {
        const size_t begin = offset_of(s, g[0]);
        out.append(s.substr(copied, begin - copied));
        for (const auto& piece : pieces) {
            if (piece.group < 0) out.append(piece.literal);
            else if (g[piece.group].data()) out.append(g[piece.group].data(), g[piece.group].size());
        }
        copied = begin + g[0].size();
        return true;
    });
    out.append(s.substr(copied));
}

std::optional<BoundScalarFunction> bind_replace(const std::vector<Type>& types, const ConstantArgs& constants) {
    if (!matches(types, {kVarchar, kVarchar}) && !matches(types, {kVarchar, kVarchar, kVarchar})) return std::nullopt;
    const bool has_replacement = types.size() == 3;
    std::vector<Type> declared(types.size(), kVarchar);
    // Precompile the replacement when both it and the pattern are constant.
    std::shared_ptr<const std::vector<ReplacementPiece>> fixed_pieces;
    const std::string* pattern = constant_string(constants, 1);
    const std::string* replacement = has_replacement ? constant_string(constants, 2) : nullptr;
    if (pattern && (!has_replacement || replacement)) {
        RegexPtr regex = compile_regex(*pattern);
        fixed_pieces = std::make_shared<const std::vector<ReplacementPiece>>(
            has_replacement ? parse_replacement(*regex, *replacement) : std::vector<ReplacementPiece>{});
    }
    return make_bound(declared, kVarchar, regex_kernel(constants, [fixed_pieces, has_replacement](
        const RE2& regex, const ScalarArgs& args, size_t row, Column& out) {
        thread_local std::vector<re2::StringPiece> groups;
        thread_local std::string scratch;
        scratch.clear();
        std::vector<ReplacementPiece> pieces;
        if (!fixed_pieces && has_replacement) pieces = parse_replacement(regex, args.columns[2]->string_at(row));
        replace_matches(regex, args.columns[0]->string_at(row), fixed_pieces ? *fixed_pieces : pieces, groups,
                        scratch);
        out.append_string(scratch);
    }));
}

int64_t code_point_offset(std::string_view s, size_t byte_offset) {
    return utf8::is_ascii(s) ? static_cast<int64_t>(byte_offset) : utf8::length(s.substr(0, byte_offset));
}

}  // namespace

void register_regexp_functions(FunctionRegistry& registry) {
    registry.add_scalar("regexp_like", regex_binder(Type::boolean(), 0, 0, [](const RE2& regex, const ScalarArgs& args,
                                                                               size_t row, Column& out) {
        std::string_view s = args.columns[0]->string_at(row);
        out.append<uint8_t>(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), regex));
    }), "true if the pattern matches anywhere in the string");

    registry.add_scalar("regexp_extract", regex_binder(kVarchar, 0, 1, [](const RE2& regex, const ScalarArgs& args,
                                                                          size_t row, Column& out) {
        const int64_t group = group_argument(regex, args, 2, row);
        std::string_view s = args.columns[0]->string_at(row);
        thread_local std::vector<re2::StringPiece> groups;
        groups.assign(static_cast<size_t>(group) + 1, {});
        if (!regex.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, groups.data(),
                         static_cast<int>(group) + 1) ||
            !groups[group].data()) {
            out.append_null();
            return;
        }
        out.append_string(std::string_view(groups[group].data(), groups[group].size()));
    }), "the first match (or capture group) of the pattern, NULL if none");

    registry.add_scalar("regexp_extract_all", regex_binder(Type::array(kVarchar), 0, 1, [](
        const RE2& regex, const ScalarArgs& args, size_t row, Column& out) {
        const int64_t group = group_argument(regex, args, 2, row);
        Column& elements = array_elements(out);
        thread_local std::vector<re2::StringPiece> groups;
        for_each_match(regex, args.columns[0]->string_at(row), static_cast<int>(group), groups,
                       [&](const std::vector<re2::StringPiece>& g) {
            if (g[group].data()) elements.append_string(std::string_view(g[group].data(), g[group].size()));
            else elements.append_null();
            return true;
        });
        finish_array_row(out);
    }), "every match (or capture group) of the pattern as an array");

    registry.add_scalar("regexp_replace", bind_replace,
                        "replaces every match of the pattern ($1 / ${name} refer to groups)");

    registry.add_scalar("regexp_count", regex_binder(kBigint, 0, 0, [](const RE2& regex, const ScalarArgs& args,
                                                                       size_t row, Column& out) {
        int64_t count = 0;
        thread_local std::vector<re2::StringPiece> groups;
        for_each_match(regex, args.columns[0]->string_at(row), 0, groups, [&](const auto&) {
            ++count;
            return true;
        });
        out.append<int64_t>(count);
    }), "number of matches of the pattern");

    registry.add_scalar("regexp_position", regex_binder(Type::integer(), 0, 2, [](const RE2& regex,
                                                                                   const ScalarArgs& args,
                                                                                   size_t row, Column& out) {
        std::string_view s = args.columns[0]->string_at(row);
        int64_t start = args.columns.size() > 2 ? args.columns[2]->values<int64_t>()[row] : 1;
        int64_t occurrence = args.columns.size() > 3 ? args.columns[3]->values<int64_t>()[row] : 1;
        if (start < 1) raise(ErrorCode::kInvalidParameter, "start position cannot be smaller than 1");
        if (occurrence < 1) raise(ErrorCode::kInvalidParameter, "occurrence cannot be smaller than 1");
        const size_t begin = utf8::advance(s, 0, start - 1);
        int64_t result = -1;
        if (code_point_offset(s, begin) == start - 1) {  // the string has at least start - 1 characters
            std::string_view rest = s.substr(begin);
            thread_local std::vector<re2::StringPiece> groups;
            for_each_match(regex, rest, 0, groups, [&](const std::vector<re2::StringPiece>& g) {
                if (--occurrence > 0) return true;
                result = start + code_point_offset(rest, offset_of(rest, g[0]));
                return false;
            });
        }
        out.append<int32_t>(static_cast<int32_t>(result));
    }), "1-based position of the n-th match at or after start, -1 if none");

    registry.add_scalar("regexp_split", regex_binder(Type::array(kVarchar), 0, 0, [](const RE2& regex,
                                                                                     const ScalarArgs& args,
                                                                                     size_t row, Column& out) {
        std::string_view s = args.columns[0]->string_at(row);
        Column& elements = array_elements(out);
        size_t piece_start = 0;
        thread_local std::vector<re2::StringPiece> groups;
        for_each_match(regex, s, 0, groups, [&](const std::vector<re2::StringPiece>& g) {
            const size_t begin = offset_of(s, g[0]);
            elements.append_string(s.substr(piece_start, begin - piece_start));
            piece_start = begin + g[0].size();
            return true;
        });
        elements.append_string(s.substr(piece_start));
        finish_array_row(out);
    }), "splits a string at every match of the pattern");
}

}  // namespace fedq
