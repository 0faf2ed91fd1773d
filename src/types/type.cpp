#include "types/type.h"

#include <cctype>

#include "common/error.h"

namespace fedq {

Type Type::decimal(int precision, int scale) {
    if (precision < 1 || precision > 38) raise(ErrorCode::kInvalidParameter, "DECIMAL precision {} is out of range 1..38", precision);
    if (scale < 0 || scale > precision) raise(ErrorCode::kInvalidParameter, "DECIMAL scale {} is out of range 0..{}", scale, precision);
    Type t(TypeId::kDecimal);
    t.precision_ = static_cast<uint8_t>(precision);
    t.scale_ = static_cast<uint8_t>(scale);
    return t;
}

Type Type::array(Type element) {
    Type t(TypeId::kArray);
    t.nested_ = std::make_shared<Nested>(Nested{{std::move(element)}, {}});
    return t;
}

Type Type::row(std::vector<std::string> names, std::vector<Type> types) {
    Type t(TypeId::kRow);
    t.nested_ = std::make_shared<Nested>(Nested{std::move(types), std::move(names)});
    return t;
}

const std::vector<Type>& Type::children() const {
    static const std::vector<Type> kEmpty;
    return nested_ ? nested_->children : kEmpty;
}

const std::vector<std::string>& Type::field_names() const {
    static const std::vector<std::string> kEmpty;
    return nested_ ? nested_->names : kEmpty;
}

size_t Type::fixed_width() const {
    switch (id_) {
        case TypeId::kNull: return 1;
        case TypeId::kBoolean: return 1;
        case TypeId::kTinyInt: return 1;
        case TypeId::kSmallInt: return 2;
        case TypeId::kInteger: return 4;
        case TypeId::kBigInt: return 8;
        case TypeId::kReal: return 4;
        case TypeId::kDouble: return 8;
        case TypeId::kDecimal: return 16;
        case TypeId::kDate: return 4;
        case TypeId::kTimestamp: return 8;
        case TypeId::kTimestampTz: return 8;
        case TypeId::kInterval: return sizeof(Interval);
        default: return 0;
    }
}

std::string Type::to_string() const {
    switch (id_) {
        case TypeId::kNull: return "UNKNOWN";
        case TypeId::kBoolean: return "BOOLEAN";
        case TypeId::kTinyInt: return "TINYINT";
        case TypeId::kSmallInt: return "SMALLINT";
        case TypeId::kInteger: return "INTEGER";
        case TypeId::kBigInt: return "BIGINT";
        case TypeId::kReal: return "REAL";
        case TypeId::kDouble: return "DOUBLE";
        case TypeId::kDecimal: return fmt::format("DECIMAL({},{})", precision_, scale_);
        case TypeId::kVarchar: return "VARCHAR";
        case TypeId::kVarbinary: return "VARBINARY";
        case TypeId::kDate: return "DATE";
        case TypeId::kTimestamp: return "TIMESTAMP";
        case TypeId::kTimestampTz: return "TIMESTAMP WITH TIME ZONE";
        case TypeId::kInterval: return "INTERVAL";
        case TypeId::kJson: return "JSON";
        case TypeId::kArray: return "ARRAY(" + element().to_string() + ")";
        case TypeId::kRow: {
            std::string out = "ROW(";
            for (size_t i = 0; i < children().size(); ++i) {
                if (i) out += ", ";
                out += field_names()[i] + " " + children()[i].to_string();
            }
            return out + ")";
        }
    }
    return "?";
}

bool Type::operator==(const Type& other) const {
    if (id_ != other.id_) return false;
    if (id_ == TypeId::kDecimal) return precision_ == other.precision_ && scale_ == other.scale_;
    if (id_ == TypeId::kArray || id_ == TypeId::kRow) {
        return children() == other.children() && field_names() == other.field_names();
    }
    return true;
}

namespace {

class TypeParser {
public:
    explicit TypeParser(const std::string& text) : text_(text) {}

    Type parse_all() {
        Type t = parse();
        skip_space();
        if (pos_ != text_.size()) fail();
        return t;
    }

private:
    [[noreturn]] void fail() { raise(ErrorCode::kSyntax, "invalid type name '{}'", text_); }
    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    std::string word() {
        skip_space();
        size_t start = pos_;
        while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
        std::string w = text_.substr(start, pos_ - start);
        for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return w;
    }
    std::string identifier() {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '"') {
            size_t end = text_.find('"', pos_ + 1);
            if (end == std::string::npos) fail();
            std::string w = text_.substr(pos_ + 1, end - pos_ - 1);
            pos_ = end + 1;
            return w;
        }
        return word();
    }
    bool accept(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!accept(c)) fail();
    }
    bool accept_word(const char* w) {
        size_t save = pos_;
        if (word() == w) return true;
        pos_ = save;
        return false;
    }
    int number() {
        skip_space();
        size_t start = pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        if (start == pos_ || pos_ - start > 6) fail();
        return std::stoi(text_.substr(start, pos_ - start));
    }

    Type parse() {
        std::string w = word();
        if (w == "boolean" || w == "bool") return Type::boolean();
        if (w == "tinyint") return Type::tinyint();
        if (w == "smallint" || w == "int2") return Type::smallint();
        if (w == "integer" || w == "int" || w == "int4") return Type::integer();
        if (w == "bigint" || w == "int8" || w == "long") return Type::bigint();
        if (w == "real" || w == "float4" || w == "float") return Type::real();
        if (w == "double") {
            accept_word("precision");
            return Type::double_();
        }
        if (w == "float8") return Type::double_();
        if (w == "decimal" || w == "numeric" || w == "dec") {
            if (!accept('(')) return Type::decimal(38, 0);
            int p = number();
            int s = 0;
            if (accept(',')) s = number();
            expect(')');
            return Type::decimal(p, s);
        }
        if (w == "varchar" || w == "char" || w == "string" || w == "text" || w == "character") {
            if (w == "character") accept_word("varying");
            if (accept('(')) {
                number();
                expect(')');
            }
            return Type::varchar();
        }
        if (w == "varbinary" || w == "blob" || w == "bytea" || w == "binary") return Type::varbinary();
        if (w == "date") return Type::date();
        if (w == "timestamp") {
            if (accept('(')) {
                number();
                expect(')');
            }
            if (accept_word("with")) {
                if (!accept_word("time") || !accept_word("zone")) fail();
                return Type::timestamp_tz();
            }
            if (accept_word("without")) {
                if (!accept_word("time") || !accept_word("zone")) fail();
            }
            return Type::timestamp();
        }
        if (w == "timestamptz") return Type::timestamp_tz();
        if (w == "interval") return Type::interval();
        if (w == "json") return Type::json();
        if (w == "array") {
            bool angle = false;
            if (!accept('(')) {
                expect('<');
                angle = true;
            }
            Type element = parse();
            expect(angle ? '>' : ')');
            return Type::array(std::move(element));
        }
        if (w == "row" || w == "struct") {
            bool angle = false;
            if (!accept('(')) {
                expect('<');
                angle = true;
            }
            std::vector<std::string> names;
            std::vector<Type> types;
            do {
                names.push_back(identifier());
                accept(':');
                types.push_back(parse());
            } while (accept(','));
            expect(angle ? '>' : ')');
            return Type::row(std::move(names), std::move(types));
        }
        fail();
    }

    const std::string& text_;
    size_t pos_ = 0;
};

}  // namespace

Type parse_type(const std::string& text) { return TypeParser(text).parse_all(); }

}  // namespace fedq
