// Functions that belong to no value family: typeof (the SQL type name of an expression, Trino
// spelling) and format (Java-style formatting of any arguments, Trino's format()).
#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>

#include "common/error.h"
#include "functions/signature.h"
#include "types/decimal.h"

namespace fedq {

namespace {

// Trino's lower-case type names: bigint, varchar, decimal(10,2), array(integer), row(x integer).
std::string trino_type_name(const Type& type) {
    switch (type.id()) {
        case TypeId::kNull: return "unknown";
        case TypeId::kTimestamp: return "timestamp(6)";
        case TypeId::kTimestampTz: return "timestamp(6) with time zone";
        case TypeId::kInterval: return "interval day to second";
        case TypeId::kArray: return "array(" + trino_type_name(type.element()) + ")";
        case TypeId::kRow: {
            std::string out = "row(";
            for (size_t i = 0; i < type.children().size(); ++i) {
                if (i) out += ", ";
                out += type.field_names()[i] + " " + trino_type_name(type.children()[i]);
            }
            return out + ")";
        }
        default: {
            std::string name = type.to_string();
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return name;
        }
    }
}

std::optional<BoundScalarFunction> bind_typeof(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1) return std::nullopt;
    std::string name = trino_type_name(types[0]);
    return make_bound(types, Type::varchar(), [name](const ScalarArgs& args, Column& out) {
        for (size_t r = 0; r < args.rows; ++r) out.append_string(name);
    }, /*propagates_nulls=*/false);
}

// One parsed %-specifier of a Java format string.
struct FormatSpec {
    std::string flags;
    int width = -1;
    int precision = -1;
    char conversion = 0;
};

[[noreturn]] void format_error(const std::string& message) {
    raise(ErrorCode::kInvalidParameter, "format: {}", message);
}

void pad(std::string& out, const std::string& text, const FormatSpec& spec) {
    size_t width = spec.width < 0 ? 0 : static_cast<size_t>(spec.width);
    if (text.size() >= width) {
        out += text;
        return;
    }
    bool left = spec.flags.find('-') != std::string::npos;
    if (left) out += text;
    out.append(width - text.size(), ' ');
    if (!left) out += text;
}

// A printf format for `spec` with `length` (e.g. "ll") and conversion `conversion`; Java's ',' flag
// (grouping) is applied separately.
std::string printf_format(const FormatSpec& spec, const char* length, char conversion) {
    std::string f = "%";
    for (char c : spec.flags) {
        if (c != ',' && c != '(') f += c;
    }
    if (spec.width >= 0) f += std::to_string(spec.width);
    if (spec.precision >= 0) f += "." + std::to_string(spec.precision);
    f += length;
    f += conversion;
    return f;
}

void insert_grouping(std::string& digits) {
    size_t start = 0;
    while (start < digits.size() && (digits[start] == '-' || digits[start] == '+' || digits[start] == ' ')) ++start;
    size_t end = start;
    while (end < digits.size() && digits[end] >= '0' && digits[end] <= '9') ++end;
    for (ptrdiff_t pos = static_cast<ptrdiff_t>(end) - 3; pos > static_cast<ptrdiff_t>(start); pos -= 3) {
        digits.insert(static_cast<size_t>(pos), ",");
    }
}

std::string snprintf_string(const std::string& format, auto value) {
    char buffer[512];
    int n = std::snprintf(buffer, sizeof buffer, format.c_str(), value);
    if (n < 0) format_error("invalid format specifier");
    if (static_cast<size_t>(n) < sizeof buffer) return std::string(buffer, static_cast<size_t>(n));
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), format.c_str(), value);
    big.resize(static_cast<size_t>(n));
    return big;
}

bool is_integral(const Value& v) {
    return v.type().is_integer() || (v.type().id() == TypeId::kDecimal && v.type().scale() == 0);
}

double to_double(const Value& v) {
    if (v.type().is_floating()) return v.as_double();
    if (v.type().is_integer()) return static_cast<double>(v.as_int());
    if (v.type().id() == TypeId::kDecimal) return std::strtod(v.to_string().c_str(), nullptr);
    format_error(fmt::format("%f does not accept an argument of type {}", trino_type_name(v.type())));
}

void format_one(std::string& out, const FormatSpec& spec, const Value& arg) {
    const char conversion = static_cast<char>(std::tolower(static_cast<unsigned char>(spec.conversion)));
    const bool upper = std::isupper(static_cast<unsigned char>(spec.conversion)) != 0;
    std::string text;
    if (arg.is_null() && conversion != 'b') {
        text = "null";
    } else {
        switch (conversion) {
            case 's': {
                text = arg.to_string();
                if (spec.precision >= 0 && text.size() > static_cast<size_t>(spec.precision)) text.resize(static_cast<size_t>(spec.precision));
                break;
            }
            case 'b': text = arg.is_null() ? "false" : (arg.type().id() == TypeId::kBoolean ? (arg.as_bool() ? "true" : "false") : "true"); break;
            case 'c': {
                if (arg.type().is_integer()) text = std::string(1, static_cast<char>(arg.as_int()));
                else if (arg.type().is_string() && !arg.as_string().empty()) text = arg.as_string().substr(0, 1);
                else format_error(fmt::format("%c does not accept an argument of type {}", trino_type_name(arg.type())));
                break;
            }
            case 'd':
            case 'x':
            case 'o': {
                if (!is_integral(arg)) {
                    format_error(fmt::format("%{} does not accept an argument of type {}", spec.conversion, trino_type_name(arg.type())));
                }
                int64_t v = 0;
                if (arg.type().id() == TypeId::kDecimal) {
                    if (conversion != 'd') v = static_cast<int64_t>(arg.as_decimal());
                } else {
                    v = arg.as_int();
                }
                FormatSpec inner = spec;
                inner.width = -1;
                // Zero padding is applied by format_one after grouping, not by printf.
                inner.flags.erase(std::remove(inner.flags.begin(), inner.flags.end(), '0'), inner.flags.end());
                if (arg.type().id() == TypeId::kDecimal && conversion == 'd') {
                    text = arg.to_string();
                    if (spec.flags.find('+') != std::string::npos && text[0] != '-') text = "+" + text;
                } else if (conversion == 'd') {
                    text = snprintf_string(printf_format(inner, "ll", 'd'), static_cast<long long>(v));
                } else {
                    // Java prints negative numbers in two's complement for %x / %o.
                    text = snprintf_string(printf_format(inner, "ll", conversion), static_cast<unsigned long long>(v));
                }
                if (conversion == 'd' && spec.flags.find(',') != std::string::npos) insert_grouping(text);
                if (conversion == 'd' && spec.flags.find('(') != std::string::npos && !text.empty() && text[0] == '-') {
                    text = "(" + text.substr(1) + ")";
                }
                break;
            }
            case 'f':
            case 'e':
            case 'g': {
                double v = to_double(arg);
                FormatSpec inner = spec;
                inner.width = -1;
                inner.flags.erase(std::remove(inner.flags.begin(), inner.flags.end(), '0'), inner.flags.end());
                if (inner.precision < 0) inner.precision = 6;
                text = snprintf_string(printf_format(inner, "", conversion), v);
                if (spec.flags.find(',') != std::string::npos && conversion == 'f') insert_grouping(text);
                break;
            }
            default: format_error(fmt::format("unknown format conversion '{}'", spec.conversion));
        }
    }
    if (upper) {
        for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const bool numeric = conversion == 'd' || conversion == 'x' || conversion == 'o' || conversion == 'f' ||
                         conversion == 'e' || conversion == 'g';
    if (numeric && !arg.is_null() && spec.flags.find('0') != std::string::npos && spec.width > 0 &&
        text.size() < static_cast<size_t>(spec.width)) {
        size_t sign = (!text.empty() && (text[0] == '-' || text[0] == '+' || text[0] == ' ')) ? 1 : 0;
        text.insert(sign, static_cast<size_t>(spec.width) - text.size(), '0');
    }
    pad(out, text, spec);
}

// Formats one row: `args` are the values after the format string.
void format_row(std::string_view format, const std::vector<Value>& args, std::string& out) {
    size_t next_arg = 0;
    size_t i = 0;
    while (i < format.size()) {
        char c = format[i];
        if (c != '%') {
            out += c;
            ++i;
            continue;
        }
        ++i;
        if (i >= format.size()) format_error("format string ends with '%'");
        // %[argument_index$][flags][width][.precision]conversion
        FormatSpec spec;
        std::optional<size_t> explicit_index;
        size_t start = i;
        size_t number = 0;
        bool digits = false;
        while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
            number = number * 10 + static_cast<size_t>(format[i] - '0');
            digits = true;
            ++i;
        }
        if (digits && i < format.size() && format[i] == '$') {
            explicit_index = number;
            ++i;
        } else {
            i = start;
        }
        while (i < format.size() && std::string_view("-#+ 0,(").find(format[i]) != std::string_view::npos) {
            spec.flags += format[i++];
        }
        if (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
            spec.width = 0;
            while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) spec.width = spec.width * 10 + (format[i++] - '0');
        }
        if (i < format.size() && format[i] == '.') {
            ++i;
            spec.precision = 0;
            while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) spec.precision = spec.precision * 10 + (format[i++] - '0');
        }
        if (i >= format.size()) format_error("incomplete format specifier");
        spec.conversion = format[i++];
        if (spec.conversion == '%') {
            pad(out, "%", spec);
            continue;
        }
        if (spec.conversion == 'n') {
            out += '\n';
            continue;
        }
        size_t index = explicit_index ? *explicit_index - 1 : next_arg++;
        if (explicit_index && *explicit_index == 0) format_error("argument index 0 is not valid");
        if (index >= args.size()) format_error(fmt::format("missing argument for format specifier '%{}'", spec.conversion));
        format_one(out, spec, args[index]);
    }
}

std::optional<BoundScalarFunction> bind_format(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() < 2) return std::nullopt;
    if (types[0].id() != TypeId::kVarchar && types[0].id() != TypeId::kNull) return std::nullopt;
    std::vector<Type> declared = types;
    declared[0] = Type::varchar();
    return make_bound(declared, Type::varchar(), [](const ScalarArgs& args, Column& out) {
        const Column& format = *args.columns[0];
        std::vector<Value> values(args.columns.size() - 1);
        std::string text;
        for (size_t r = 0; r < args.rows; ++r) {
            if (format.is_null(r)) {
                out.append_null();
                continue;
            }
            for (size_t k = 1; k < args.columns.size(); ++k) values[k - 1] = args.columns[k]->value_at(r);
            text.clear();
            format_row(format.string_at(r), values, text);
            out.append_string(text);
        }
    }, /*propagates_nulls=*/false);
}

}  // namespace

void register_misc_functions(FunctionRegistry& registry) {
    registry.add_scalar("typeof", bind_typeof, "the SQL type name of the argument ('bigint', 'decimal(10,2)', ...)");
    registry.add_scalar("format", bind_format,
                        "Java-style formatting: format('%s has %d items (%.2f%%)', name, n, share)");
}

}  // namespace fedq
