// Declared type -> engine type, following SQLite's affinity rules (datatype3.html section 3.1):
//   1. contains "INT"                      -> INTEGER affinity -> BIGINT (all SQLite integers are 64-bit)
//   2. contains "CHAR", "CLOB" or "TEXT"   -> TEXT affinity    -> VARCHAR
//   3. contains "BLOB" or is empty         -> BLOB affinity    -> VARBINARY ("BLOB"), VARCHAR (empty)
//   4. contains "REAL", "FLOA" or "DOUB"   -> REAL affinity    -> DOUBLE
//   5. otherwise                           -> NUMERIC affinity
// Refinements checked first, as applications use them: BOOLEAN/BOOL, DATE, DATETIME/TIMESTAMP,
// TIMESTAMPTZ / TIMESTAMP WITH TIME ZONE, DECIMAL/NUMERIC(p,s), BINARY/VARBINARY/BYTEA.
#include "connectors/sqlite/sqlite_types.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace fedq {

namespace {

std::string upper_trimmed(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    size_t begin = out.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    size_t end = out.find_last_not_of(" \t\r\n");
    return out.substr(begin, end - begin + 1);
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// "DECIMAL(12, 2)" -> {12, 2}; "NUMERIC(10)" -> {10, 0}; nullopt without parameters or when malformed.
std::optional<std::pair<int, int>> precision_and_scale(const std::string& text) {
    size_t open = text.find('(');
    size_t close = text.find(')', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) return std::nullopt;
    std::string inside = text.substr(open + 1, close - open - 1);
    inside.erase(std::remove_if(inside.begin(), inside.end(), [](unsigned char c) { return std::isspace(c); }),
                 inside.end());
    int precision = 0;
    int scale = 0;
    size_t comma = inside.find(',');
    std::string_view p = std::string_view(inside).substr(0, comma);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), precision);
    if (ec != std::errc() || end != p.data() + p.size()) return std::nullopt;
    if (comma != std::string::npos) {
        std::string_view s = std::string_view(inside).substr(comma + 1);
        auto [end2, ec2] = std::from_chars(s.data(), s.data() + s.size(), scale);
        if (ec2 != std::errc() || end2 != s.data() + s.size()) return std::nullopt;
    }
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return std::nullopt;
    return std::make_pair(precision, scale);
}

std::string base_name(const std::string& text) {
    size_t open = text.find('(');
    std::string base = text.substr(0, open);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base;
}

}  // namespace

SqliteColumnType map_declared_type(std::string_view declared) {
    const std::string text = upper_trimmed(declared);
    const std::string base = base_name(text);
    if (text.empty()) return {Type::varchar(), "no declared type (read as text)", false};
    if (base == "BOOLEAN" || base == "BOOL") return {Type::boolean(), "", false};
    if (base == "DATE") return {Type::date(), "", false};
    if (base == "DATETIME" || base == "TIMESTAMP" || base == "TIMESTAMP WITHOUT TIME ZONE") {
        return {Type::timestamp(), "", false};
    }
    if (base == "TIMESTAMPTZ" || base == "TIMESTAMP WITH TIME ZONE") return {Type::timestamp_tz(), "", false};
    if (base == "BINARY" || base == "VARBINARY" || base == "BYTEA") return {Type::varbinary(), "", false};
    if (contains(text, "INT")) return {Type::bigint(), "", false};
    if (contains(text, "CHAR") || contains(text, "CLOB") || contains(text, "TEXT")) {
        return {Type::varchar(), "", true};
    }
    if (contains(text, "BLOB")) return {Type::varbinary(), "", false};
    if (contains(text, "REAL") || contains(text, "FLOA") || contains(text, "DOUB")) {
        return {Type::double_(), "", false};
    }
    if (base == "DECIMAL" || base == "NUMERIC" || base == "NUMBER") {
        if (auto shape = precision_and_scale(text)) return {Type::decimal(shape->first, shape->second), "", false};
        return {Type::double_(), std::string(declared) + " without precision (read as DOUBLE)", false};
    }
    // NUMERIC affinity for an unknown name (UUID, JSON, TIME, MONEY...): values may be of any storage
    // class, so read them as text.
    return {Type::varchar(), std::string(declared) + " (read as text)", false};
}

SqliteColumnType map_storage_class(int storage_class) {
    switch (storage_class) {
        case SQLITE_INTEGER: return {Type::bigint(), "no declared type, INTEGER in the first row", false};
        case SQLITE_FLOAT: return {Type::double_(), "no declared type, REAL in the first row", false};
        case SQLITE_BLOB: return {Type::varbinary(), "no declared type, BLOB in the first row", false};
        case SQLITE_TEXT: return {Type::varchar(), "no declared type, TEXT in the first row", false};
        default: return {Type::varchar(), "no declared type (read as text)", false};
    }
}

}  // namespace fedq
