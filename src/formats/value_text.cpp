#include "formats/value_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

template <typename T>
void append_integer(std::string& out, T value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
    out.append(digits, end);
}

// Same rules as Value::to_string for DOUBLE.
void append_double(std::string& out, double d) {
    if (std::isnan(d)) {
        out += "NaN";
    } else if (std::isinf(d)) {
        out += d > 0 ? "Infinity" : "-Infinity";
    } else {
        fmt::format_to(std::back_inserter(out), "{}", d);
    }
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

namespace {

void append_value_json(std::string& out, const Value& value) {
    if (value.is_null()) {
        out += "null";
        return;
    }
    const Type& type = value.type();
    switch (type.id()) {
        case TypeId::kNull:
            out += "null";
            return;
        case TypeId::kBoolean:
            out += value.as_bool() ? "true" : "false";
            return;
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
            append_integer(out, value.as_int());
            return;
        case TypeId::kReal:
        case TypeId::kDouble: {
            double d = value.as_double();
            if (std::isfinite(d)) {
                out += value.to_string();
            } else {
                append_json_string(out, value.to_string());
            }
            return;
        }
        case TypeId::kDecimal:
            out += format_decimal(value.as_decimal(), type.scale());
            return;
        case TypeId::kJson:
            if (value.as_string().empty()) {
                out += "null";
            } else {
                out += value.as_string();
            }
            return;
        case TypeId::kArray: {
            out += '[';
            const auto& children = value.children();
            for (size_t i = 0; i < children.size(); ++i) {
                if (i) out += ',';
                append_value_json(out, children[i]);
            }
            out += ']';
            return;
        }
        case TypeId::kRow: {
            out += '{';
            const auto& children = value.children();
            const auto& names = type.field_names();
            for (size_t i = 0; i < children.size(); ++i) {
                if (i) out += ',';
                append_json_string(out, i < names.size() ? names[i] : fmt::format("field{}", i));
                out += ':';
                append_value_json(out, children[i]);
            }
            out += '}';
            return;
        }
        default:
            append_json_string(out, value.to_string());
            return;
    }
}

}  // namespace

void append_cell_text(const Column& column, size_t row, std::string& out, std::string_view null_text) {
    if (column.is_null(row)) {
        out += null_text;
        return;
    }
    const Type& type = column.type();
    switch (type.id()) {
        case TypeId::kNull:
            out += null_text;
            return;
        case TypeId::kBoolean:
            out += column.values<uint8_t>()[row] ? "true" : "false";
            return;
        case TypeId::kTinyInt:
            append_integer(out, static_cast<int>(column.values<int8_t>()[row]));
            return;
        case TypeId::kSmallInt:
            append_integer(out, column.values<int16_t>()[row]);
            return;
        case TypeId::kInteger:
            append_integer(out, column.values<int32_t>()[row]);
            return;
        case TypeId::kBigInt:
            append_integer(out, column.values<int64_t>()[row]);
            return;
        case TypeId::kDouble:
            append_double(out, column.values<double>()[row]);
            return;
        case TypeId::kDecimal:
            out += format_decimal(column.values<int128_t>()[row], type.scale());
            return;
        case TypeId::kVarchar:
        case TypeId::kJson:
            out += column.string_at(row);
            return;
        case TypeId::kDate:
            out += format_date(column.values<int32_t>()[row]);
            return;
        case TypeId::kTimestamp:
            out += format_timestamp(column.values<int64_t>()[row]);
            return;
        case TypeId::kTimestampTz:
            out += format_timestamp_tz(column.values<int64_t>()[row]);
            return;
        default:
            out += column.value_at(row).to_string();
            return;
    }
}

std::string cell_text(const Column& column, size_t row) {
    std::string out;
    append_cell_text(column, row, out);
    return out;
}

void append_cell_json(const Column& column, size_t row, std::string& out) {
    if (column.is_null(row)) {
        out += "null";
        return;
    }
    const Type& type = column.type();
    switch (type.id()) {
        case TypeId::kNull:
            out += "null";
            return;
        case TypeId::kBoolean:
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kDecimal:
            append_cell_text(column, row, out);
            return;
        case TypeId::kDouble: {
            double d = column.values<double>()[row];
            if (std::isfinite(d)) {
                append_double(out, d);
            } else {
                std::string text;
                append_double(text, d);
                append_json_string(out, text);
            }
            return;
        }
        case TypeId::kVarchar:
            append_json_string(out, column.string_at(row));
            return;
        case TypeId::kJson: {
            std::string_view text = column.string_at(row);
            out += text.empty() ? std::string_view("null") : text;
            return;
        }
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            std::string text;
            append_cell_text(column, row, text);
            append_json_string(out, text);
            return;
        }
        default:
            append_value_json(out, column.value_at(row));
            return;
    }
}

}  // namespace fedq
