#include "types/value.h"

#include <cmath>

#include "common/error.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

template <typename T>
int three_way(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

// Doubles: NaN sorts after everything (Trino), -0 == 0.
int compare_double(double a, double b) {
    bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
    return three_way(a, b);
}

double numeric_as_double(const Value& v) {
    switch (v.type().id()) {
        case TypeId::kReal:
        case TypeId::kDouble: return v.as_double();
        case TypeId::kDecimal: return decimal_to_double(v.as_decimal(), v.type().scale());
        default: return static_cast<double>(v.as_int());
    }
}

}  // namespace

int Value::compare(const Value& other) const {
    if (is_null() || other.is_null()) return three_way(!is_null(), !other.is_null());
    TypeId a = type_.id(), b = other.type_.id();
    if (a != b || (a == TypeId::kDecimal && type_.scale() != other.type_.scale())) {
        if (type_.is_numeric() && other.type_.is_numeric()) {
            if (type_.is_integer() && other.type_.is_integer()) return three_way(as_int(), other.as_int());
            if (a == TypeId::kDecimal && b == TypeId::kDecimal) {
                int scale = std::max(type_.scale(), other.type_.scale());
                return three_way(rescale_decimal(as_decimal(), type_.scale(), scale),
                                 rescale_decimal(other.as_decimal(), other.type_.scale(), scale));
            }
            if ((a == TypeId::kDecimal && other.type_.is_integer()) || (b == TypeId::kDecimal && type_.is_integer())) {
                int128_t x = a == TypeId::kDecimal ? as_decimal() : rescale_decimal(as_int(), 0, other.type_.scale());
                int128_t y = b == TypeId::kDecimal ? other.as_decimal() : rescale_decimal(other.as_int(), 0, type_.scale());
                return three_way(x, y);
            }
            return compare_double(numeric_as_double(*this), numeric_as_double(other));
        }
        if (type_.is_string() && other.type_.is_string()) return three_way(as_string(), other.as_string());
        if ((a == TypeId::kDate || a == TypeId::kTimestamp || a == TypeId::kTimestampTz) &&
            (b == TypeId::kDate || b == TypeId::kTimestamp || b == TypeId::kTimestampTz)) {
            int64_t x = a == TypeId::kDate ? as_int() * kMicrosPerDay : as_int();
            int64_t y = b == TypeId::kDate ? other.as_int() * kMicrosPerDay : other.as_int();
            return three_way(x, y);
        }
        raise(ErrorCode::kInternal, "cannot compare {} with {}", type_.to_string(), other.type_.to_string());
    }
    switch (a) {
        case TypeId::kReal:
        case TypeId::kDouble: return compare_double(as_double(), other.as_double());
        case TypeId::kDecimal: return three_way(as_decimal(), other.as_decimal());
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kJson: return three_way(as_string(), other.as_string());
        case TypeId::kInterval: {
            const Interval &x = as_interval(), &y = other.as_interval();
            if (x.months != y.months) return three_way(x.months, y.months);
            return three_way(x.days * kMicrosPerDay + x.micros, y.days * kMicrosPerDay + y.micros);
        }
        case TypeId::kArray:
        case TypeId::kRow: {
            const auto &x = children(), &y = other.children();
            for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
                int c = x[i].compare(y[i]);
                if (c) return c;
            }
            return three_way(x.size(), y.size());
        }
        default: return three_way(as_int(), other.as_int());
    }
}

static std::string format_double(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return fmt::format("{}", d);
}

static std::string format_interval(const Interval& iv) {
    std::string out;
    if (iv.months) {
        int32_t years = iv.months / 12, months = iv.months % 12;
        if (years) out += fmt::format("{} year{} ", years, std::abs(years) == 1 ? "" : "s");
        if (months) out += fmt::format("{} mon{} ", months, std::abs(months) == 1 ? "" : "s");
    }
    if (iv.days) out += fmt::format("{} day{} ", iv.days, std::abs(iv.days) == 1 ? "" : "s");
    if (iv.micros || out.empty()) {
        int64_t m = iv.micros;
        bool negative = m < 0;
        if (negative) m = -m;
        int64_t seconds = m / kMicrosPerSecond, fraction = m % kMicrosPerSecond;
        out += fmt::format("{}{:02d}:{:02d}:{:02d}", negative ? "-" : "", seconds / 3600, seconds / 60 % 60, seconds % 60);
        if (fraction) out += fmt::format(".{:06d}", fraction);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string Value::to_string() const {
    if (is_null()) return "NULL";
    switch (type_.id()) {
        case TypeId::kNull: return "NULL";
        case TypeId::kBoolean: return as_bool() ? "true" : "false";
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt: return std::to_string(as_int());
        case TypeId::kReal: {
            float f = static_cast<float>(as_double());
            if (std::isnan(f) || std::isinf(f)) return format_double(f);
            return fmt::format("{}", f);  // shortest text that round-trips the float (0.1, not 0.100000001)
        }
        case TypeId::kDouble: return format_double(as_double());
        case TypeId::kDecimal: return format_decimal(as_decimal(), type_.scale());
        case TypeId::kVarchar:
        case TypeId::kJson: return as_string();
        case TypeId::kVarbinary: {
            std::string out = "\\x";
            for (unsigned char c : as_string()) out += fmt::format("{:02x}", c);
            return out;
        }
        case TypeId::kDate: return format_date(static_cast<int32_t>(as_int()));
        case TypeId::kTimestamp: return format_timestamp(as_int());
        case TypeId::kTimestampTz: return format_timestamp_tz(as_int());
        case TypeId::kInterval: return format_interval(as_interval());
        case TypeId::kArray: {
            std::string out = "[";
            for (size_t i = 0; i < children().size(); ++i) {
                if (i) out += ", ";
                out += children()[i].to_string();
            }
            return out + "]";
        }
        case TypeId::kRow: {
            std::string out = "{";
            for (size_t i = 0; i < children().size(); ++i) {
                if (i) out += ", ";
                out += type_.field_names()[i] + "=" + children()[i].to_string();
            }
            return out + "}";
        }
    }
    return "?";
}

static std::string quote_sql(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string Value::to_sql() const {
    if (is_null()) return type_.id() == TypeId::kNull ? "NULL" : "CAST(NULL AS " + type_.to_string() + ")";
    switch (type_.id()) {
        case TypeId::kVarchar: return quote_sql(as_string());
        case TypeId::kJson: return "JSON " + quote_sql(as_string());
        case TypeId::kVarbinary: return "X'" + to_string().substr(2) + "'";
        case TypeId::kDate: return "DATE " + quote_sql(to_string());
        case TypeId::kTimestamp: return "TIMESTAMP " + quote_sql(to_string());
        case TypeId::kTimestampTz: return "TIMESTAMP " + quote_sql(to_string());
        case TypeId::kReal: return "REAL '" + to_string() + "'";
        case TypeId::kDouble: {
            double d = as_double();
            if (std::isnan(d) || std::isinf(d)) return "DOUBLE '" + to_string() + "'";
            std::string s = to_string();
            if (s.find_first_of(".eE") == std::string::npos) s += "e0";
            return s;
        }
        case TypeId::kTinyInt: return "TINYINT '" + to_string() + "'";
        case TypeId::kSmallInt: return "SMALLINT '" + to_string() + "'";
        case TypeId::kInteger: return to_string();
        case TypeId::kBigInt: return "BIGINT '" + to_string() + "'";
        case TypeId::kDecimal: return "DECIMAL '" + to_string() + "'";
        case TypeId::kArray: {
            std::string out = "ARRAY[";
            for (size_t i = 0; i < children().size(); ++i) {
                if (i) out += ", ";
                out += children()[i].to_sql();
            }
            return out + "]";
        }
        default: return to_string();
    }
}

}  // namespace fedq
