// Arrow type spellings of fedq types and back (arrow_ipc.h): for documentation, error messages and tests.
// The mapping itself is the one of the IPC writer and reader.
#include <cctype>

#include "common/error.h"
#include "formats/arrow_ipc.h"

namespace fedq {

std::string arrow_type_name(const Type& type) {
    switch (type.id()) {
        case TypeId::kNull: return "Null";
        case TypeId::kBoolean: return "Bool";
        case TypeId::kTinyInt: return "Int8";
        case TypeId::kSmallInt: return "Int16";
        case TypeId::kInteger: return "Int32";
        case TypeId::kBigInt: return "Int64";
        case TypeId::kReal: return "Float32";
        case TypeId::kDouble: return "Float64";
        case TypeId::kDecimal: return fmt::format("Decimal128({}, {})", type.precision(), type.scale());
        case TypeId::kVarchar: return "Utf8";
        case TypeId::kVarbinary: return "Binary";
        case TypeId::kJson: return "Utf8[arrow.json]";
        case TypeId::kDate: return "Date32";
        case TypeId::kTimestamp: return "Timestamp(MICROSECOND)";
        case TypeId::kTimestampTz: return "Timestamp(MICROSECOND, UTC)";
        case TypeId::kInterval: return "Interval(MONTH_DAY_NANO)";
        case TypeId::kArray: return "List<" + arrow_type_name(type.element()) + ">";
        case TypeId::kRow: {
            std::string out = "Struct<";
            for (size_t i = 0; i < type.children().size(); ++i) {
                if (i) out += ", ";
                out += type.field_names()[i] + ": " + arrow_type_name(type.children()[i]);
            }
            return out + ">";
        }
    }
    raise(ErrorCode::kNotSupported, "type {} has no Arrow equivalent", type.to_string());
}

namespace {

class ArrowNameParser {
public:
    explicit ArrowNameParser(std::string_view text) : text_(text) {}

    Type parse() {
        Type type = parse_type();
        skip_space();
        if (at_ < text_.size()) invalid();
        return type;
    }

private:
    [[noreturn]] void invalid() const {
        raise(ErrorCode::kInvalidParameter, "'{}' is not an Arrow type name", text_);
    }
    void skip_space() {
        while (at_ < text_.size() && text_[at_] == ' ') ++at_;
    }
    bool eat(char c) {
        skip_space();
        if (at_ < text_.size() && text_[at_] == c) {
            ++at_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!eat(c)) invalid();
    }
    // An identifier or number; with `zone`, a time zone name ("Europe/Paris", "+07:30").
    std::string word(bool zone = false) {
        skip_space();
        size_t start = at_;
        std::string_view extra = zone ? "_/+-:." : "_.";
        while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) ||
                                      extra.find(text_[at_]) != std::string_view::npos)) {
            ++at_;
        }
        if (start == at_) invalid();
        return std::string(text_.substr(start, at_ - start));
    }
    int number() {
        std::string w = word();
        for (char c : w) {
            if (!std::isdigit(static_cast<unsigned char>(c))) invalid();
        }
        if (w.size() > 9) invalid();
        return std::stoi(w);
    }
    [[noreturn]] void unsupported(std::string_view name) const {
        raise(ErrorCode::kNotSupported, "Arrow type {} is not supported by fedq", name);
    }

    Type parse_type() {
        size_t start = at_;
        std::string name = word();
        if (name == "Null") return Type::null();
        if (name == "Bool") return Type::boolean();
        if (name == "Int8") return Type::tinyint();
        if (name == "Int16") return Type::smallint();
        if (name == "Int32") return Type::integer();
        if (name == "Int64") return Type::bigint();
        if (name == "UInt8") return Type::smallint();
        if (name == "UInt16") return Type::integer();
        if (name == "UInt32") return Type::bigint();
        if (name == "UInt64") return Type::decimal(20, 0);
        if (name == "Float16" || name == "Float32") return Type::real();
        if (name == "Float64") return Type::double_();
        if (name == "Binary" || name == "LargeBinary") return Type::varbinary();
        if (name == "Date32" || name == "Date64") return Type::date();
        if (name == "Utf8" || name == "LargeUtf8") {
            if (eat('[')) {
                std::string extension = word();
                expect(']');
                if (extension != "arrow.json") invalid();
                return Type::json();
            }
            return Type::varchar();
        }
        if (name == "FixedSizeBinary") {
            expect('(');
            number();
            expect(')');
            return Type::varbinary();
        }
        if (name == "Decimal128" || name == "Decimal256") {
            expect('(');
            int precision = number();
            expect(',');
            int scale = number();
            expect(')');
            if (name == "Decimal256" || precision < 1 || precision > 38 || scale > precision) {
                unsupported(text_.substr(start, at_ - start));
            }
            return Type::decimal(precision, scale);
        }
        if (name == "Timestamp" || name == "Duration") {
            expect('(');
            std::string unit = word();
            if (unit != "SECOND" && unit != "MILLISECOND" && unit != "MICROSECOND" && unit != "NANOSECOND") invalid();
            bool zoned = false;
            if (name == "Timestamp" && eat(',')) {
                word(true);
                zoned = true;
            }
            expect(')');
            if (name == "Duration") return Type::interval();
            return zoned ? Type::timestamp_tz() : Type::timestamp();
        }
        if (name == "Interval") {
            expect('(');
            std::string unit = word();
            expect(')');
            if (unit != "YEAR_MONTH" && unit != "DAY_TIME" && unit != "MONTH_DAY_NANO") invalid();
            return Type::interval();
        }
        if (name == "List" || name == "LargeList" || name == "FixedSizeList") {
            if (name == "FixedSizeList") {
                expect('(');
                number();
                expect(')');
            }
            expect('<');
            Type element = parse_type();
            expect('>');
            return Type::array(element);
        }
        if (name == "Struct") {
            expect('<');
            std::vector<std::string> names;
            std::vector<Type> types;
            if (!eat('>')) {
                do {
                    names.push_back(word());
                    expect(':');
                    types.push_back(parse_type());
                } while (eat(','));
                expect('>');
            }
            return Type::row(std::move(names), std::move(types));
        }
        if (name == "Map") {
            expect('<');
            Type key = parse_type();
            expect(',');
            Type value = parse_type();
            expect('>');
            return Type::array(Type::row({"key", "value"}, {key, value}));
        }
        static const char* const kKnownUnsupported[] = {"Time32", "Time64", "Union", "DenseUnion", "SparseUnion",
                                                        "Utf8View", "BinaryView", "ListView", "LargeListView",
                                                        "RunEndEncoded", "Dictionary"};
        for (const char* known : kKnownUnsupported) {
            if (name == known) {
                // include any parameters in the message
                int depth = 0;
                while (at_ < text_.size()) {
                    char c = text_[at_];
                    if (c == '(' || c == '<') ++depth;
                    if ((c == ')' || c == '>') && depth-- == 0) break;
                    if (c == ',' && depth == 0) break;
                    ++at_;
                }
                unsupported(text_.substr(start, at_ - start));
            }
        }
        invalid();
    }

    std::string_view text_;
    size_t at_ = 0;
};

}  // namespace

Type fedq_type_of_arrow(std::string_view arrow_name) { return ArrowNameParser(arrow_name).parse(); }

}  // namespace fedq
