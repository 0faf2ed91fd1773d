#include "connectors/mysql/mysql_types.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <algorithm>

#include <fmt/format.h>

#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

bool has_word(const std::string& column_type, const char* word) {
    return column_type.find(word) != std::string::npos;
}

bool utf8_charset(const std::string& charset) {
    return charset.empty() || charset == "utf8mb4" || charset == "utf8mb3" || charset == "utf8" || charset == "ascii";
}

MySqlColumnMapping as_text(const std::string& column_sql, const std::string& column_type, const char* what) {
    MySqlColumnMapping m;
    m.type = Type::varchar();
    m.source_type = column_type;
    m.comment = std::string(what) + " (read as text)";
    m.read_sql = "CAST(" + column_sql + " AS CHAR CHARACTER SET utf8mb4)";
    return m;
}

// Parses exactly `n` digits at p.
inline bool digits(const char* p, int n, int& out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
        unsigned d = static_cast<unsigned char>(p[i]) - '0';
        if (d > 9) return false;
        v = v * 10 + static_cast<int>(d);
    }
    out = v;
    return true;
}

// "YYYY-MM-DD": 1 = ok, 0 = zero/invalid date (NULL), -1 = not a date.
inline int parse_ymd(const char* p, size_t n, int32_t& days) {
    int y, m, d;
    if (n < 10 || p[4] != '-' || p[7] != '-' || !digits(p, 4, y) || !digits(p + 5, 2, m) || !digits(p + 8, 2, d)) {
        return -1;
    }
    if (m == 0 || d == 0 || !is_valid_civil(y, static_cast<uint32_t>(m), static_cast<uint32_t>(d))) return 0;
    days = days_from_civil(y, static_cast<uint32_t>(m), static_cast<uint32_t>(d));
    return 1;
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]"
inline int parse_datetime(const char* p, size_t n, int64_t& micros) {
    int32_t days = 0;
    int r = parse_ymd(p, n, days);
    if (r <= 0) return r;
    if (n == 10) {
        micros = days * kMicrosPerDay;
        return 1;
    }
    int hh, mm, ss;
    if (n < 19 || (p[10] != ' ' && p[10] != 'T') || p[13] != ':' || p[16] != ':' || !digits(p + 11, 2, hh) ||
        !digits(p + 14, 2, mm) || !digits(p + 17, 2, ss) || hh > 23 || mm > 59 || ss > 59) {
        return -1;
    }
    int64_t fraction = 0;
    if (n > 19) {
        if (p[19] != '.' || n > 26 || n == 20) return -1;
        int f = 0;
        int count = static_cast<int>(n - 20);
        if (!digits(p + 20, count, f)) return -1;
        fraction = f;
        for (int i = count; i < 6; ++i) fraction *= 10;
    }
    micros = days * kMicrosPerDay + (hh * 3600LL + mm * 60LL + ss) * kMicrosPerSecond + fraction;
    return 1;
}

template <typename T>
inline bool append_integer(Column& column, const char* p, size_t n) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(p, p + n, v);
    if (ec != std::errc() || end != p + n) return false;
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return false;
    column.append<T>(static_cast<T>(v));
    return true;
}

// MySQL prints DECIMAL with exactly its scale ("-12.50"); sums may carry another scale, so rescale.
inline bool append_decimal(Column& column, const Type& type, const char* p, size_t n) {
    const char* end = p + n;
    bool negative = false;
    if (p < end && (*p == '-' || *p == '+')) negative = *p++ == '-';
    int128_t v = 0;
    int fraction_digits = 0, total_digits = 0;
    bool dot = false;
    for (; p < end; ++p) {
        char c = *p;
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        unsigned d = static_cast<unsigned char>(c) - '0';
        if (d > 9 || total_digits >= 38) {
            auto parsed = parse_decimal(std::string_view(end - n, n), type.precision(), type.scale());
            if (!parsed) return false;
            column.append<int128_t>(*parsed);
            return true;
        }
        v = v * 10 + d;
        if (v != 0) ++total_digits;
        if (dot) ++fraction_digits;
    }
    if (fraction_digits != type.scale()) v = rescale_decimal(v, fraction_digits, type.scale());
    if (!decimal_fits(v, type.precision())) return false;
    column.append<int128_t>(negative ? -v : v);
    return true;
}

}  // namespace

MySqlColumnMapping map_mysql_column(const std::string& column_sql, const std::string& data_type,
                                    const std::string& column_type, int precision, int scale,
                                    const std::string& charset, bool is_json) {
    const bool is_unsigned = has_word(column_type, "unsigned");
    MySqlColumnMapping m;
    m.source_type = column_type;
    const std::string& t = data_type;
    if (t == "tinyint") {
        m.type = is_unsigned ? Type::smallint() : Type::tinyint();
    } else if (t == "smallint") {
        m.type = is_unsigned ? Type::integer() : Type::smallint();
    } else if (t == "mediumint") {
        m.type = Type::integer();
    } else if (t == "int" || t == "integer") {
        m.type = is_unsigned ? Type::bigint() : Type::integer();
    } else if (t == "bigint") {
        m.type = is_unsigned ? Type::decimal(20, 0) : Type::bigint();
    } else if (t == "decimal" || t == "numeric") {
        if (precision < 1 || precision > 38) return as_text(column_sql, column_type, column_type.c_str());
        m.type = Type::decimal(precision, std::clamp(scale, 0, precision));
    } else if (t == "float") {
        m.type = Type::real();
        m.read_sql = "(" + column_sql + " + 0e0)";
    } else if (t == "double" || t == "real" || t == "double precision") {
        m.type = Type::double_();
    } else if (t == "bit") {
        int bits = precision > 0 ? precision : 1;
        m.type = bits == 1 ? Type::boolean() : bits < 64 ? Type::bigint() : Type::decimal(20, 0);
        m.read_sql = "(" + column_sql + " + 0)";
    } else if (t == "char" || t == "varchar" || t == "tinytext" || t == "text" || t == "mediumtext" ||
               t == "longtext") {
        m.type = is_json ? Type::json() : Type::varchar();
        if (!utf8_charset(charset)) {
            m.read_sql = "CONVERT(" + column_sql + " USING utf8mb4)";
            m.comment = charset + " text (converted to utf8mb4)";
        }
    } else if (t == "json") {
        m.type = Type::json();
    } else if (t == "enum" || t == "set") {
        m.type = Type::varchar();
        m.comment = t + " (read as text)";
        if (!utf8_charset(charset)) m.read_sql = "CONVERT(" + column_sql + " USING utf8mb4)";
    } else if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
               t == "longblob") {
        m.type = Type::varbinary();
    } else if (t == "date" || t == "datetime" || t == "timestamp") {
        // Zero dates ('0000-00-00', '2024-05-00') are read as NULL by the decoder; where MariaDB compares
        // them (pushed filters, grouping, ordering, joins) MySqlDialect::column_reference maps them to NULL.
        m.type = t == "date" ? Type::date() : t == "datetime" ? Type::timestamp() : Type::timestamp_tz();
    } else if (t == "year") {
        m.type = Type::smallint();
    } else if (t == "geometry" || t == "point" || t == "linestring" || t == "polygon" || t == "multipoint" ||
               t == "multilinestring" || t == "multipolygon" || t == "geometrycollection" || t == "geomcollection") {
        m.type = Type::varchar();
        m.comment = t + " (read as WKT text)";
        m.read_sql = "ST_AsText(" + column_sql + ")";
    } else {
        return as_text(column_sql, column_type, t.c_str());  // time, uuid, inet4, inet6, vector, ...
    }
    return m;
}

MySqlColumnMapping map_mysql_field(const MYSQL_FIELD& field) {
    MySqlColumnMapping m;
    const bool is_unsigned = field.flags & UNSIGNED_FLAG;
    const bool binary = field.charsetnr == 63;
    switch (field.type) {
        case MYSQL_TYPE_TINY: m.type = is_unsigned ? Type::smallint() : Type::tinyint(); m.source_type = "tinyint"; break;
        case MYSQL_TYPE_SHORT: m.type = is_unsigned ? Type::integer() : Type::smallint(); m.source_type = "smallint"; break;
        case MYSQL_TYPE_INT24: m.type = Type::integer(); m.source_type = "mediumint"; break;
        case MYSQL_TYPE_LONG: m.type = is_unsigned ? Type::bigint() : Type::integer(); m.source_type = "int"; break;
        case MYSQL_TYPE_LONGLONG:
            m.type = is_unsigned ? Type::decimal(20, 0) : Type::bigint();
            m.source_type = "bigint";
            break;
        case MYSQL_TYPE_FLOAT: m.type = Type::real(); m.source_type = "float"; break;
        case MYSQL_TYPE_DOUBLE: m.type = Type::double_(); m.source_type = "double"; break;
        case MYSQL_TYPE_DECIMAL:
        case MYSQL_TYPE_NEWDECIMAL: {
            int scale = static_cast<int>(field.decimals);
            int precision = static_cast<int>(field.length) - (scale > 0 ? 1 : 0) - (is_unsigned ? 0 : 1);
            m.source_type = fmt::format("decimal({},{})", precision, scale);
            if (precision >= 1 && precision <= 38 && scale <= precision) {
                m.type = Type::decimal(precision, scale);
            } else {
                m.type = Type::varchar();
                m.comment = m.source_type + " (read as text)";
            }
            break;
        }
        case MYSQL_TYPE_DATE:
        case MYSQL_TYPE_NEWDATE: m.type = Type::date(); m.source_type = "date"; break;
        case MYSQL_TYPE_DATETIME: m.type = Type::timestamp(); m.source_type = "datetime"; break;
        case MYSQL_TYPE_TIMESTAMP: m.type = Type::timestamp_tz(); m.source_type = "timestamp"; break;
        case MYSQL_TYPE_YEAR: m.type = Type::smallint(); m.source_type = "year"; break;
        case MYSQL_TYPE_JSON: m.type = Type::json(); m.source_type = "json"; break;
        case MYSQL_TYPE_BIT:
            m.type = Type::varbinary();
            m.source_type = "bit";
            m.comment = "bit (raw bytes)";
            break;
        case MYSQL_TYPE_GEOMETRY:
            m.type = Type::varbinary();
            m.source_type = "geometry";
            m.comment = "geometry (internal binary form)";
            break;
        case MYSQL_TYPE_TIME:
            m.type = Type::varchar();
            m.source_type = "time";
            m.comment = "time (read as text)";
            break;
        case MYSQL_TYPE_ENUM:
        case MYSQL_TYPE_SET: m.type = Type::varchar(); m.source_type = "enum"; break;
        default:
            m.type = binary ? Type::varbinary() : Type::varchar();
            m.source_type = binary ? "varbinary" : "varchar";
            break;
    }
    return m;
}

bool append_mysql_text(Column& column, const Type& type, const char* p, size_t n) {
    switch (type.id()) {
        case TypeId::kBoolean:
            if (n != 1 || (p[0] != '0' && p[0] != '1')) return false;
            column.append<uint8_t>(p[0] == '1');
            return true;
        case TypeId::kTinyInt: return append_integer<int8_t>(column, p, n);
        case TypeId::kSmallInt: return append_integer<int16_t>(column, p, n);
        case TypeId::kInteger: return append_integer<int32_t>(column, p, n);
        case TypeId::kBigInt: return append_integer<int64_t>(column, p, n);
        case TypeId::kReal:
        case TypeId::kDouble: {
            double v = 0;
            auto [end, ec] = std::from_chars(p, p + n, v);
            if (ec != std::errc() || end != p + n) return false;
            if (type.id() == TypeId::kReal) {
                column.append<float>(static_cast<float>(v));
            } else {
                column.append<double>(v);
            }
            return true;
        }
        case TypeId::kDecimal: return append_decimal(column, type, p, n);
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kJson: column.append_string(std::string_view(p, n)); return true;
        case TypeId::kDate: {
            int32_t days = 0;
            int r = parse_ymd(p, n, days);
            if (r < 0 || n != 10) return false;
            if (r == 0) {
                column.append_null();
            } else {
                column.append<int32_t>(days);
            }
            return true;
        }
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            int64_t micros = 0;
            int r = parse_datetime(p, n, micros);
            if (r < 0) return false;
            if (r == 0) {
                column.append_null();
            } else {
                column.append<int64_t>(micros);
            }
            return true;
        }
        default: return false;
    }
}

}  // namespace fedq
