// String functions (Trino names and semantics). Lengths and positions count UTF-8 code points; ASCII
// input takes byte-indexed fast paths. Encoding/hash functions live in binary_functions.cpp and URL
// functions in url_functions.cpp; both are registered from here.
#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"
#include "functions/array_builder.h"
#include "functions/like_matcher.h"
#include "functions/signature.h"
#include "functions/utf8.h"

namespace fedq {

void register_binary_functions(FunctionRegistry& registry);
void register_url_functions(FunctionRegistry& registry);

namespace {

const Type kVarchar = Type::varchar();
const Type kBigint = Type::bigint();

bool row_valid(const ScalarArgs& args, size_t row) {
    for (const Column* column : args.columns) {
        if (column->is_null(row)) return false;
    }
    return true;
}

// Kernel appending one VARCHAR per row built by f(args, row, out_string).
template <typename F>
ScalarKernel string_kernel(F f) {
    return [f](const ScalarArgs& args, Column& out) {
        std::string scratch;
        for (size_t row = 0; row < args.rows; ++row) {
            scratch.clear();
            f(args, row, scratch);
            out.append_string(scratch);
        }
    };
}

std::string_view str(const ScalarArgs& args, size_t index, size_t row) {
    return args.columns[index]->string_at(row);
}
int64_t bigint(const ScalarArgs& args, size_t index, size_t row) {
    return args.columns[index]->values<int64_t>()[row];
}

// ---------------------------------------------------------------------------------------- substrings

// Trino substr: 1-based start, negative counts from the end, out of range gives ''.
std::string_view substring(std::string_view s, int64_t start, int64_t length) {
    if (start == 0 || length <= 0) return {};
    const bool ascii = utf8::is_ascii(s);
    const int64_t total = ascii ? static_cast<int64_t>(s.size()) : utf8::length(s);
    if (start < 0) start = total + start + 1;
    if (start <= 0 || start > total) return {};
    if (ascii) {
        size_t begin = static_cast<size_t>(start - 1);
        size_t count = static_cast<size_t>(std::min<int64_t>(length, total - (start - 1)));
        return s.substr(begin, count);
    }
    size_t begin = utf8::advance(s, 0, start - 1);
    size_t end = utf8::advance(s, begin, length);
    return s.substr(begin, end - begin);
}

int64_t code_point_length(std::string_view s) {
    return utf8::is_ascii(s) ? static_cast<int64_t>(s.size()) : utf8::length(s);
}

// Position (1-based, in code points) of the `instance`-th occurrence of `needle`, 0 if none.
int64_t string_position(std::string_view s, std::string_view needle, int64_t instance) {
    if (instance <= 0) raise(ErrorCode::kInvalidParameter, "'instance' must be a positive or negative number");
    if (needle.empty()) return 1;
    size_t found = std::string_view::npos;
    size_t from = 0;
    for (int64_t i = 0; i < instance; ++i) {
        found = s.find(needle, from);
        if (found == std::string_view::npos) return 0;
        from = found + 1;
    }
    return utf8::length(s.substr(0, found)) + 1;
}

int64_t string_position_from_end(std::string_view s, std::string_view needle, int64_t instance) {
    if (needle.empty()) return code_point_length(s) + 1;
    size_t end = s.size();
    size_t found = std::string_view::npos;
    for (int64_t i = 0; i < instance; ++i) {
        if (end < needle.size()) return 0;
        found = s.rfind(needle, end - needle.size());
        if (found == std::string_view::npos) return 0;
        end = found + needle.size() - 1;
    }
    return utf8::length(s.substr(0, found)) + 1;
}

// ---------------------------------------------------------------------------------------- trimming

bool is_whitespace(int32_t cp) {
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F) || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x2006) || (cp >= 0x2008 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x205F || cp == 0x3000;
}

// Trims code points for which `strip(cp)` is true from the left and/or right.
template <typename Strip>
std::string_view trim_with(std::string_view s, bool left, bool right, Strip strip) {
    size_t begin = 0, end = s.size();
    if (left) {
        while (begin < end) {
            size_t pos = begin;
            if (!strip(utf8::decode(s, pos))) break;
            begin = pos;
        }
    }
    if (right) {
        while (end > begin) {
            size_t start = end - 1;
            while (start > begin && utf8::is_continuation(static_cast<unsigned char>(s[start]))) --start;
            size_t pos = start;
            if (!strip(utf8::decode(s, pos))) break;
            end = start;
        }
    }
    return s.substr(begin, end - begin);
}

void register_trim(FunctionRegistry& registry, const char* name, bool left, bool right) {
    registry.add_scalar(name, fixed_signature({kVarchar}, kVarchar, string_kernel([=](const ScalarArgs& a, size_t r,
                                                                                       std::string& out) {
        out.append(trim_with(str(a, 0, r), left, right, is_whitespace));
    })));
    registry.add_scalar(name, fixed_signature({kVarchar, kVarchar}, kVarchar, string_kernel([=](const ScalarArgs& a,
                                                                                                 size_t r,
                                                                                                 std::string& out) {
        std::string_view chars = str(a, 1, r);
        out.append(trim_with(str(a, 0, r), left, right, [&](int32_t cp) {
            for (size_t pos = 0; pos < chars.size();) {
                if (utf8::decode(chars, pos) == cp) return true;
            }
            return false;
        }));
    })));
}

// ---------------------------------------------------------------------------------------- padding

void pad(std::string_view s, int64_t size, std::string_view padding, bool left, std::string& out) {
    if (size < 0 || size > 2147483647) {
        raise(ErrorCode::kInvalidParameter, "Target length must be in the range [0..2147483647]");
    }
    if (padding.empty()) raise(ErrorCode::kInvalidParameter, "Padding string must not be empty");
    const int64_t length = code_point_length(s);
    if (length >= size) {
        out.append(s.substr(0, utf8::advance(s, 0, size)));
        return;
    }
    const int64_t missing = size - length;
    const int64_t pad_length = code_point_length(padding);
    auto append_padding = [&] {
        for (int64_t i = 0; i < missing / pad_length; ++i) out.append(padding);
        out.append(padding.substr(0, utf8::advance(padding, 0, missing % pad_length)));
    };
    if (left) append_padding();
    out.append(s);
    if (!left) append_padding();
}

// ---------------------------------------------------------------------------------------- replace

void replace_all(std::string_view s, std::string_view from, std::string_view to, std::string& out) {
    if (from.empty()) {  // Trino: insert `to` before every code point and at the end
        out.append(to);
        for (size_t pos = 0; pos < s.size();) {
            size_t next = utf8::next(s, pos);
            out.append(s.substr(pos, next - pos));
            out.append(to);
            pos = next;
        }
        return;
    }
    size_t pos = 0;
    while (true) {
        size_t found = s.find(from, pos);
        if (found == std::string_view::npos) break;
        out.append(s.substr(pos, found - pos));
        out.append(to);
        pos = found + from.size();
    }
    out.append(s.substr(pos));
}

void reverse_code_points(std::string_view s, std::string& out) {
    if (utf8::is_ascii(s)) {
        out.assign(s.rbegin(), s.rend());
        return;
    }
    size_t end = s.size();
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && utf8::is_continuation(static_cast<unsigned char>(s[start]))) --start;
        out.append(s.substr(start, end - start));
        end = start;
    }
}

// ---------------------------------------------------------------------------------------- split

// Calls emit(piece) for each piece of `s` split on `delimiter` (at most `limit` pieces, the last one
// holding the rest). An empty delimiter splits into code points.
template <typename Emit>
void split_string(std::string_view s, std::string_view delimiter, int64_t limit, Emit emit) {
    int64_t pieces = 0;
    size_t pos = 0;
    if (delimiter.empty()) {
        while (pos < s.size()) {
            if (pieces + 1 == limit) {
                emit(s.substr(pos));
                return;
            }
            size_t next = utf8::next(s, pos);
            emit(s.substr(pos, next - pos));
            ++pieces;
            pos = next;
        }
        if (s.empty()) emit(s);
        return;
    }
    while (pieces + 1 < limit) {
        size_t found = s.find(delimiter, pos);
        if (found == std::string_view::npos) break;
        emit(s.substr(pos, found - pos));
        ++pieces;
        pos = found + delimiter.size();
    }
    emit(s.substr(pos));
}

void split_kernel(const ScalarArgs& args, Column& out, bool has_limit) {
    Column& elements = array_elements(out);
    for (size_t row = 0; row < args.rows; ++row) {
        int64_t limit = INT64_MAX;
        if (has_limit && row_valid(args, row)) {
            limit = bigint(args, 2, row);
            if (limit <= 0) raise(ErrorCode::kInvalidParameter, "Limit must be positive");
        }
        split_string(str(args, 0, row), str(args, 1, row), limit,
                     [&](std::string_view piece) { elements.append_string(piece); });
        finish_array_row(out);
    }
}

// ---------------------------------------------------------------------------------------- distances

int64_t levenshtein(std::string_view a, std::string_view b) {
    std::vector<int32_t> x, y;
    for (size_t pos = 0; pos < a.size();) x.push_back(utf8::decode(a, pos));
    for (size_t pos = 0; pos < b.size();) y.push_back(utf8::decode(b, pos));
    if (x.size() > 1000000 / std::max<size_t>(1, y.size()) && x.size() * y.size() > 1000000) {
        raise(ErrorCode::kInvalidParameter, "The combined inputs for Levenshtein distance are too large");
    }
    std::vector<int64_t> previous(y.size() + 1), current(y.size() + 1);
    for (size_t j = 0; j <= y.size(); ++j) previous[j] = static_cast<int64_t>(j);
    for (size_t i = 1; i <= x.size(); ++i) {
        current[0] = static_cast<int64_t>(i);
        for (size_t j = 1; j <= y.size(); ++j) {
            int64_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
        }
        std::swap(previous, current);
    }
    return previous[y.size()];
}

int64_t hamming(std::string_view a, std::string_view b) {
    int64_t distance = 0;
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) distance += utf8::decode(a, i) != utf8::decode(b, j);
    if (i < a.size() || j < b.size()) {
        raise(ErrorCode::kInvalidParameter, "The input strings to hamming_distance function must have the same length");
    }
    return distance;
}

void translate(std::string_view s, std::string_view from, std::string_view to, std::string& out) {
    std::vector<int32_t> source, target;
    for (size_t pos = 0; pos < from.size();) source.push_back(utf8::decode(from, pos));
    for (size_t pos = 0; pos < to.size();) target.push_back(utf8::decode(to, pos));
    for (size_t pos = 0; pos < s.size();) {
        size_t start = pos;
        int32_t cp = utf8::decode(s, pos);
        auto it = std::find(source.begin(), source.end(), cp);
        if (it == source.end()) {
            out.append(s.substr(start, pos - start));
            continue;
        }
        size_t index = static_cast<size_t>(it - source.begin());
        if (index < target.size()) utf8::encode(target[index], out);
    }
}

void initcap(std::string_view s, std::string& out) {
    bool word_start = true;
    for (size_t pos = 0; pos < s.size();) {
        size_t start = pos;
        int32_t cp = utf8::decode(s, pos);
        std::string_view ch = s.substr(start, pos - start);
        if (word_start) utf8::append_upper(ch, out);
        else utf8::append_lower(ch, out);
        word_start = is_whitespace(cp) || cp == '-' || cp == '_' || cp == '.' || cp == ',';
    }
}

bool valid_code_point(int64_t cp) { return cp >= 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

// ---------------------------------------------------------------------------------------- LIKE

std::optional<BoundScalarFunction> bind_like(const std::vector<Type>& types, const ConstantArgs& constants,
                                             bool case_insensitive) {
    if (types.size() == 2) {
        if (!matches(types, {kVarchar, kVarchar})) return std::nullopt;
    } else if (!matches(types, {kVarchar, kVarchar, kVarchar})) {
        return std::nullopt;
    }
    std::vector<Type> declared(types.size(), kVarchar);
    const bool has_escape = types.size() == 3;
    const std::string* pattern = constant_string(constants, 1);
    const bool constant_escape = !has_escape || constant_string(constants, 2);
    if (pattern && constant_escape) {
        std::optional<std::string_view> escape;
        if (has_escape) escape = *constant_string(constants, 2);
        auto matcher = std::make_shared<const LikeMatcher>(*pattern, escape, case_insensitive);
        return make_bound(declared, Type::boolean(), [matcher](const ScalarArgs& args, Column& out) {
            const Column& input = *args.columns[0];
            std::string scratch;
            fill_rows<uint8_t>(out, args.rows, [&](size_t row) {
                return static_cast<uint8_t>(matcher->matches(input.string_at(row), scratch));
            });
        });
    }
    // Non-constant pattern: recompile only when the pattern (or escape) changes from the previous row.
    return make_bound(declared, Type::boolean(), [has_escape, case_insensitive](const ScalarArgs& args, Column& out) {
        std::optional<LikeMatcher> matcher;
        std::string last_pattern, last_escape, scratch;
        fill_rows<uint8_t>(out, args.rows, [&](size_t row) -> uint8_t {
            if (!row_valid(args, row)) return 0;
            std::string_view pattern = str(args, 1, row);
            std::string_view escape = has_escape ? str(args, 2, row) : std::string_view();
            if (!matcher || pattern != last_pattern || escape != last_escape) {
                std::optional<std::string_view> escape_arg;
                if (has_escape) escape_arg = escape;
                matcher.emplace(pattern, escape_arg, case_insensitive);
                last_pattern.assign(pattern);
                last_escape.assign(escape);
            }
            return matcher->matches(str(args, 0, row), scratch);
        });
    });
}

// ---------------------------------------------------------------------------------------- concat

ScalarKernel concat_kernel() {
    return string_kernel([](const ScalarArgs& args, size_t row, std::string& out) {
        for (size_t i = 0; i < args.columns.size(); ++i) out.append(str(args, i, row));
    });
}

std::optional<BoundScalarFunction> bind_concat(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.empty()) return std::nullopt;
    for (const Type& type : types) {
        if (!accepts(kVarchar, type)) return std::nullopt;
    }
    return make_bound(std::vector<Type>(types.size(), kVarchar), kVarchar, concat_kernel());
}

// concat_ws(separator, s1, s2, ...) skips NULL values; NULL separator gives NULL.
std::optional<BoundScalarFunction> bind_concat_ws(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() < 2) return std::nullopt;
    if (types.size() == 2 && types[1].id() == TypeId::kArray) {
        if (!accepts(kVarchar, types[0]) || !accepts(Type::array(kVarchar), types[1])) return std::nullopt;
        return make_bound({kVarchar, Type::array(kVarchar)}, kVarchar, [](const ScalarArgs& args, Column& out) {
            const Column& arrays = *args.columns[1];
            const Column& elements = arrays.children()[0];
            std::string scratch;
            for (size_t row = 0; row < args.rows; ++row) {
                if (args.columns[0]->is_null(row) || arrays.is_null(row)) {
                    out.append_null();
                    continue;
                }
                scratch.clear();
                bool first = true;
                ArraySpan span = array_span(arrays, row);
                for (int32_t i = span.begin; i < span.end; ++i) {
                    if (elements.is_null(i)) continue;
                    if (!first) scratch.append(str(args, 0, row));
                    scratch.append(elements.string_at(i));
                    first = false;
                }
                out.append_string(scratch);
            }
        }, false);
    }
    for (const Type& type : types) {
        if (!accepts(kVarchar, type)) return std::nullopt;
    }
    return make_bound(std::vector<Type>(types.size(), kVarchar), kVarchar, [](const ScalarArgs& args, Column& out) {
        std::string scratch;
        for (size_t row = 0; row < args.rows; ++row) {
            if (args.columns[0]->is_null(row)) {
                out.append_null();
                continue;
            }
            scratch.clear();
            bool first = true;
            for (size_t i = 1; i < args.columns.size(); ++i) {
                if (args.columns[i]->is_null(row)) continue;
                if (!first) scratch.append(str(args, 0, row));
                scratch.append(str(args, i, row));
                first = false;
            }
            out.append_string(scratch);
        }
    }, false);
}

}  // namespace

void register_string_functions(FunctionRegistry& registry) {
    const Type V = kVarchar, B = kBigint, I = Type::integer(), Bool = Type::boolean();

    registry.add_scalar("length", fixed_signature({V}, B, [](const ScalarArgs& a, Column& out) {
        fill_rows<int64_t>(out, a.rows, [&](size_t r) { return code_point_length(str(a, 0, r)); });
    }), "number of characters (code points) in a string");
    registry.add_alias("char_length", "length");
    registry.add_alias("character_length", "length");

    registry.add_scalar("lower", fixed_signature({V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                          std::string& out) {
        utf8::append_lower(str(a, 0, r), out);
    })), "lower-cases a string");
    registry.add_scalar("upper", fixed_signature({V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                          std::string& out) {
        utf8::append_upper(str(a, 0, r), out);
    })), "upper-cases a string");

    registry.add_scalar("substr", fixed_signature({V, B}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                              std::string& out) {
        out.append(substring(str(a, 0, r), bigint(a, 1, r), INT64_MAX));
    })), "substring from a 1-based start (negative: from the end) for an optional length");
    registry.add_scalar("substr", fixed_signature({V, B, B}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                                 std::string& out) {
        out.append(substring(str(a, 0, r), bigint(a, 1, r), bigint(a, 2, r)));
    })));
    registry.add_alias("substring", "substr");

    registry.add_scalar("concat", bind_concat, "concatenates strings (NULL if any argument is NULL)");
    registry.add_scalar("$concat", bind_concat);
    registry.add_scalar("concat_ws", bind_concat_ws, "joins non-NULL strings with a separator");

    register_trim(registry, "trim", true, true);
    register_trim(registry, "ltrim", true, false);
    register_trim(registry, "rtrim", false, true);

    registry.add_scalar("lpad", fixed_signature({V, B, V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                               std::string& out) {
        if (row_valid(a, r)) pad(str(a, 0, r), bigint(a, 1, r), str(a, 2, r), true, out);
    })), "left-pads a string to a length");
    registry.add_scalar("rpad", fixed_signature({V, B, V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                               std::string& out) {
        if (row_valid(a, r)) pad(str(a, 0, r), bigint(a, 1, r), str(a, 2, r), false, out);
    })), "right-pads a string to a length");

    registry.add_scalar("replace", fixed_signature({V, V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                               std::string& out) {
        replace_all(str(a, 0, r), str(a, 1, r), {}, out);
    })), "replaces every occurrence of a substring");
    registry.add_scalar("replace", fixed_signature({V, V, V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                                  std::string& out) {
        replace_all(str(a, 0, r), str(a, 1, r), str(a, 2, r), out);
    })));

    registry.add_scalar("reverse", fixed_signature({V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                            std::string& out) {
        reverse_code_points(str(a, 0, r), out);
    })), "reverses a string (or an array)");

    registry.add_scalar("strpos", fixed_signature({V, V}, B, [](const ScalarArgs& a, Column& out) {
        fill_rows<int64_t>(out, a.rows, [&](size_t r) { return string_position(str(a, 0, r), str(a, 1, r), 1); });
    }), "1-based position of a substring (0 if absent)");
    registry.add_scalar("strpos", fixed_signature({V, V, B}, B, [](const ScalarArgs& a, Column& out) {
        fill_rows<int64_t>(out, a.rows, [&](size_t r) -> int64_t {
            if (!row_valid(a, r)) return 0;
            int64_t instance = bigint(a, 2, r);
            if (instance < 0) return string_position_from_end(str(a, 0, r), str(a, 1, r), -instance);
            return string_position(str(a, 0, r), str(a, 1, r), instance);
        });
    }));
    registry.add_alias("instr", "strpos");
    registry.add_scalar("strrpos", fixed_signature({V, V}, B, [](const ScalarArgs& a, Column& out) {
        fill_rows<int64_t>(out, a.rows,
                           [&](size_t r) { return string_position_from_end(str(a, 0, r), str(a, 1, r), 1); });
    }), "1-based position of the last occurrence of a substring (0 if absent)");

    registry.add_scalar("starts_with", fixed_signature({V, V}, Bool, [](const ScalarArgs& a, Column& out) {
        fill_rows<uint8_t>(out, a.rows, [&](size_t r) -> uint8_t { return str(a, 0, r).starts_with(str(a, 1, r)); });
    }), "true if the string starts with the prefix");
    registry.add_scalar("ends_with", fixed_signature({V, V}, Bool, [](const ScalarArgs& a, Column& out) {
        fill_rows<uint8_t>(out, a.rows, [&](size_t r) -> uint8_t { return str(a, 0, r).ends_with(str(a, 1, r)); });
    }), "true if the string ends with the suffix");

    registry.add_scalar("split", fixed_signature({V, V}, Type::array(V), [](const ScalarArgs& a, Column& out) {
        split_kernel(a, out, false);
    }), "splits a string on a delimiter into an array");
    registry.add_scalar("split", fixed_signature({V, V, B}, Type::array(V), [](const ScalarArgs& a, Column& out) {
        split_kernel(a, out, true);
    }));
    registry.add_scalar("split_part", fixed_signature({V, V, B}, V, [](const ScalarArgs& a, Column& out) {
        for (size_t r = 0; r < a.rows; ++r) {
            int64_t index = bigint(a, 2, r);
            if (index <= 0 && row_valid(a, r)) raise(ErrorCode::kInvalidParameter, "Index must be greater than zero");
            int64_t current = 0;
            std::optional<std::string_view> result;
            split_string(str(a, 0, r), str(a, 1, r), INT64_MAX, [&](std::string_view piece) {
                if (++current == index) result = piece;
            });
            if (result) out.append_string(*result);
            else out.append_null();
        }
    }), "the n-th (1-based) field of a delimited string, NULL past the last field");

    registry.add_scalar("chr", fixed_signature({B}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                        std::string& out) {
        int64_t cp = bigint(a, 0, r);
        if (!valid_code_point(cp)) {
            if (row_valid(a, r)) raise(ErrorCode::kInvalidParameter, "Not a valid Unicode code point: {}", cp);
            return;
        }
        utf8::encode(static_cast<int32_t>(cp), out);
    })), "the character with the given Unicode code point");
    registry.add_scalar("codepoint", fixed_signature({V}, I, [](const ScalarArgs& a, Column& out) {
        fill_rows<int32_t>(out, a.rows, [&](size_t r) -> int32_t {
            std::string_view s = str(a, 0, r);
            if (!row_valid(a, r)) return 0;
            size_t pos = 0;
            if (s.empty() || utf8::next(s, 0) != s.size()) {
                raise(ErrorCode::kInvalidParameter, "codepoint() expects a single character, got '{}'", s);
            }
            return utf8::decode(s, pos);
        });
    }), "the Unicode code point of a single character");
    registry.add_scalar("ascii", fixed_signature({V}, I, [](const ScalarArgs& a, Column& out) {
        fill_rows<int32_t>(out, a.rows, [&](size_t r) -> int32_t {
            std::string_view s = str(a, 0, r);
            size_t pos = 0;
            return s.empty() ? 0 : utf8::decode(s, pos);
        });
    }), "code point of the first character (0 for an empty string)");

    registry.add_scalar("left", fixed_signature({V, B}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                            std::string& out) {
        std::string_view s = str(a, 0, r);
        int64_t n = bigint(a, 1, r);
        if (n < 0) n = std::max<int64_t>(0, code_point_length(s) + n);
        out.append(s.substr(0, utf8::advance(s, 0, n)));
    })), "the first n characters (negative n: all but the last -n)");
    registry.add_scalar("right", fixed_signature({V, B}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                             std::string& out) {
        std::string_view s = str(a, 0, r);
        int64_t n = bigint(a, 1, r);
        int64_t length = code_point_length(s);
        int64_t skip = n < 0 ? std::min(-n, length) : std::max<int64_t>(0, length - n);
        out.append(s.substr(utf8::advance(s, 0, skip)));
    })), "the last n characters (negative n: all but the first -n)");

    registry.add_scalar("levenshtein_distance", fixed_signature({V, V}, B, [](const ScalarArgs& a, Column& out) {
        fill_rows<int64_t>(out, a.rows, [&](size_t r) { return levenshtein(str(a, 0, r), str(a, 1, r)); });
    }), "edit distance between two strings");
    registry.add_scalar("hamming_distance", fixed_signature({V, V}, B, [](const ScalarArgs& a, Column& out) {
        fill_rows<int64_t>(out, a.rows, [&](size_t r) -> int64_t {
            return row_valid(a, r) ? hamming(str(a, 0, r), str(a, 1, r)) : 0;
        });
    }), "number of differing positions of two equally long strings");
    registry.add_scalar("translate", fixed_signature({V, V, V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                                    std::string& out) {
        translate(str(a, 0, r), str(a, 1, r), str(a, 2, r), out);
    })), "replaces each character found in `from` by the one at the same position in `to`");
    registry.add_scalar("initcap", fixed_signature({V}, V, string_kernel([](const ScalarArgs& a, size_t r,
                                                                            std::string& out) {
        initcap(str(a, 0, r), out);
    })), "upper-cases the first letter of each word");

    registry.add_scalar("like", [](const std::vector<Type>& t, const ConstantArgs& c) { return bind_like(t, c, false); },
                        "SQL LIKE pattern match (% and _, optional escape)");
    registry.add_scalar("ilike", [](const std::vector<Type>& t, const ConstantArgs& c) { return bind_like(t, c, true); },
                        "case-insensitive LIKE");

    register_binary_functions(registry);
    register_url_functions(registry);
}

}  // namespace fedq
