#include "connectors/sqlite/sqlite_metadata.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "common/error.h"
#include "connectors/sql_common/sql_query.h"

namespace fedq {

namespace {

// Tables with at most this many rowids are counted exactly when sqlite_stat1 has nothing.
constexpr int64_t kExactCountLimit = 200000;
constexpr const char* kRowidColumn = "__fedq_rowid";

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string column_text(sqlite3_stmt* stmt, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, column))) : std::string();
}

struct RawColumn {
    std::string name;
    std::string declared;
    bool not_null = false;
    int primary_key = 0;  // position in the primary key, 0 = not part of it
    std::string collation = "BINARY";
};

std::vector<RawColumn> raw_columns(SqliteConnection& connection, const std::string& schema, const std::string& table,
                                   bool is_table) {
    std::vector<RawColumn> columns;
    SqliteStatement statement(connection, "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?1, ?2)",
                              "reading the columns of " + schema + "." + table);
    statement.bind(1, table);
    statement.bind(2, schema);
    while (statement.step()) {
        sqlite3_stmt* s = statement.get();
        if (sqlite3_column_int(s, 4) == 1) continue;  // hidden column of a virtual table
        RawColumn c;
        c.name = column_text(s, 0);
        c.declared = column_text(s, 1);
        c.not_null = sqlite3_column_int(s, 2) != 0;
        c.primary_key = sqlite3_column_int(s, 3);
        if (is_table) {
            const char* declared = nullptr;
            const char* collation = nullptr;
            int not_null = 0, primary_key = 0, autoincrement = 0;
            if (sqlite3_table_column_metadata(connection.db(), schema.c_str(), table.c_str(), c.name.c_str(), &declared,
                                              &collation, &not_null, &primary_key, &autoincrement) == SQLITE_OK &&
                collation) {
                c.collation = upper(collation);
            }
        } else {
            c.collation = "UNKNOWN";  // a view column may inherit any collation: always read as BINARY
        }
        columns.push_back(std::move(c));
    }
    return columns;
}

// How a column is read so that it compares like the engine (see the header).
std::string read_sql(const SqlDialect& dialect, const std::string& name, const SqliteColumnType& mapped,
                     const std::string& collation) {
    if (mapped.type.id() == TypeId::kVarchar && !mapped.text_affinity) {
        return "CAST(" + dialect.quote_identifier(name) + " AS TEXT)";
    }
    if (collation != "BINARY" && mapped.type.id() == TypeId::kVarchar) {
        return dialect.quote_identifier(name) + " COLLATE BINARY";
    }
    return {};
}

std::string column_comment(const SqliteColumnType& mapped, const std::string& collation) {
    std::string comment = mapped.comment;
    if (collation != "BINARY" && collation != "UNKNOWN" && mapped.type.id() == TypeId::kVarchar) {
        comment += (comment.empty() ? "" : "; ") + ("COLLATE " + collation + " in SQLite, compared case-sensitively");
    }
    return comment;
}

bool parse_leading_int(std::string_view text, size_t& position, int64_t& out) {
    while (position < text.size() && text[position] == ' ') ++position;
    size_t start = position;
    while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) ++position;
    if (start == position) return false;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + position, out);
    return ec == std::errc();
}

bool has_table(SqliteConnection& connection, const SqlDialect& dialect, const std::string& schema,
               const std::string& name) {
    SqliteStatement statement(connection,
                              "SELECT 1 FROM " + dialect.quote_identifier(schema) +
                                  ".sqlite_master WHERE type = 'table' AND name = ?1",
                              "reading the schema of " + schema);
    statement.bind(1, name);
    return statement.step();
}

TableStatistics statistics(SqliteConnection& connection, const SqlDialect& dialect, const std::string& schema,
                           const std::string& table, const std::string& base, const std::string& rowid_alias,
                           const std::vector<RawColumn>& raw, std::vector<ColumnInfo>& columns) {
    TableStatistics stats;
    const std::string context = "reading statistics of " + schema + "." + table;
    if (has_table(connection, dialect, schema, "sqlite_stat1")) {
        SqliteStatement statement(connection,
                                  "SELECT idx, stat FROM " + dialect.quote_identifier(schema) +
                                      ".sqlite_stat1 WHERE tbl = ?1",
                                  context);
        statement.bind(1, table);
        std::vector<std::pair<std::string, std::string>> rows;
        while (statement.step()) rows.emplace_back(column_text(statement.get(), 0), column_text(statement.get(), 1));
        for (const auto& [index, stat] : rows) {
            size_t position = 0;
            int64_t row_count = 0, per_value = 0;
            if (!parse_leading_int(stat, position, row_count)) continue;
            stats.row_count = static_cast<double>(row_count);
            if (index.empty() || !parse_leading_int(stat, position, per_value) || per_value <= 0) continue;
            SqliteStatement first(connection, "SELECT name FROM pragma_index_info(?1, ?2) WHERE seqno = 0", context);
            first.bind(1, index);
            first.bind(2, schema);
            if (!first.step()) continue;
            std::string column = column_text(first.get(), 0);
            double distinct = static_cast<double>(row_count) / static_cast<double>(per_value);
            auto& entry = stats.columns[column];
            if (!entry.distinct_count || *entry.distinct_count < distinct) entry.distinct_count = distinct;
        }
    }
    if (rowid_alias.empty()) return stats;
    SqliteStatement range(connection, "SELECT min(" + rowid_alias + "), max(" + rowid_alias + ") FROM " + base, context);
    if (!range.step()) return stats;
    if (sqlite3_column_type(range.get(), 0) == SQLITE_NULL) {
        if (!stats.row_count) stats.row_count = 0;
        return stats;
    }
    int64_t low = sqlite3_column_int64(range.get(), 0);
    int64_t high = sqlite3_column_int64(range.get(), 1);
    double span = static_cast<double>(static_cast<__int128>(high) - low + 1);
    if (!stats.row_count) {
        if (span <= kExactCountLimit) {
            SqliteStatement count(connection, "SELECT count(*) FROM " + base, context);
            if (count.step()) stats.row_count = static_cast<double>(sqlite3_column_int64(count.get(), 0));
        } else {
            stats.row_count = span;  // an upper bound: exact unless rows were deleted
        }
    }
    // The INTEGER PRIMARY KEY is the rowid itself: its range and distinctness are known.
    int key_columns = 0;
    for (const auto& c : raw) key_columns += c.primary_key > 0;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i].primary_key == 1 && key_columns == 1 && upper(raw[i].declared) == "INTEGER") {
            auto& entry = stats.columns[raw[i].name];
            entry.min = Value::bigint(low);
            entry.max = Value::bigint(high);
            entry.null_fraction = 0;
            entry.distinct_count = stats.row_count;
            columns[i].nullable = false;
        }
    }
    return stats;
}

// Steps to the first row for type inference, within kInferenceSeconds: a view or query that needs longer
// to produce its first row (a big aggregate) is typed from its declared types only (else VARCHAR).
constexpr double kInferenceSeconds = 0.5;

bool first_row(SqliteConnection& connection, SqliteStatement& statement) {
    connection.arm(nullptr, kInferenceSeconds);
    try {
        bool row = statement.step();
        connection.disarm();
        return row;
    } catch (const Error&) {
        bool timed_out = connection.timed_out();
        connection.disarm();
        if (timed_out) return false;
        throw;
    }
}

// A rowid alias not shadowed by a column, or "" for WITHOUT ROWID tables.
std::string rowid_alias(SqliteConnection& connection, const std::string& base, const std::vector<RawColumn>& raw) {
    for (const char* candidate : {"rowid", "_rowid_", "oid"}) {
        bool shadowed = std::any_of(raw.begin(), raw.end(), [&](const RawColumn& c) { return lower(c.name) == candidate; });
        if (shadowed) continue;
        try {
            SqliteStatement probe(connection, std::string("SELECT ") + candidate + " FROM " + base + " LIMIT 0", "probe");
            return candidate;
        } catch (const Error&) {
            return {};  // WITHOUT ROWID
        }
    }
    return {};
}

}  // namespace

std::vector<std::string> sqlite_schemas(SqliteConnection& connection) {
    std::vector<std::string> names;
    SqliteStatement statement(connection, "SELECT name FROM pragma_database_list ORDER BY seq", "listing schemas");
    while (statement.step()) {
        std::string name = column_text(statement.get(), 0);
        if (name != "temp") names.push_back(std::move(name));
    }
    return names;
}

std::optional<std::string> resolve_sqlite_name(const std::vector<std::string>& names, const std::string& wanted,
                                               const std::string& catalog, std::string_view what) {
    if (std::find(names.begin(), names.end(), wanted) != names.end()) return wanted;
    std::vector<std::string> matches;
    const std::string wanted_lower = lower(wanted);
    for (const auto& n : names) {
        if (lower(n) == wanted_lower) matches.push_back(n);
    }
    if (matches.empty()) return std::nullopt;
    if (matches.size() > 1) {
        std::string list;
        for (const auto& m : matches) list += (list.empty() ? "\"" : ", \"") + m + "\"";
        raise(ErrorCode::kUndefinedTable, "catalog {}: {} name {} matches several names that differ in case ({}); quote it",
              catalog, what, wanted, list);
    }
    return matches[0];
}

std::vector<std::string> sqlite_tables(SqliteConnection& connection, const std::string& schema) {
    std::vector<std::string> names;
    std::string quoted = "\"";
    for (char c : schema) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    SqliteStatement statement(connection,
                              "SELECT name FROM " + quoted +
                                  ".sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' "
                                  "ESCAPE '\\' ORDER BY name",
                              "listing the tables of " + schema);
    while (statement.step()) names.push_back(column_text(statement.get(), 0));
    return names;
}

std::string sqlite_relation(const SqlDialect& dialect, const std::string& inner, bool inner_is_table,
                            const std::vector<RelationColumn>& columns, const std::string& rowid_alias,
                            const std::string& alias) {
    bool plain = std::all_of(columns.begin(), columns.end(), [](const RelationColumn& c) { return c.read_sql.empty(); });
    if (plain && inner_is_table) return inner;
    std::string select;
    for (const auto& c : columns) {
        select += select.empty() ? "" : ", ";
        if (c.read_sql.empty()) select += dialect.quote_identifier(c.name);
        else select += c.read_sql + " AS " + dialect.quote_identifier(c.name);
    }
    if (!rowid_alias.empty()) select += (select.empty() ? "" : ", ") + rowid_alias + " AS " + kRowidColumn;
    if (select.empty()) select = "1";
    return "(SELECT " + select + " FROM " + inner + ") AS " + dialect.quote_identifier(alias);
}

std::optional<TableInfo> sqlite_table_info(SqliteConnection& connection, const SqlDialect& dialect,
                                           const std::string& schema_wanted, const std::string& table_wanted) {
    const std::string& catalog = connection.catalog();
    auto schema = resolve_sqlite_name(sqlite_schemas(connection), schema_wanted, catalog, "schema");
    if (!schema) return std::nullopt;
    std::vector<std::string> names;
    std::map<std::string, std::pair<std::string, std::string>> kinds;  // name -> (type, sql)
    {
        SqliteStatement statement(connection,
                                  "SELECT name, type, coalesce(sql, '') FROM " + dialect.quote_identifier(*schema) +
                                      ".sqlite_master WHERE type IN ('table', 'view')",
                                  "reading the schema of " + *schema);
        while (statement.step()) {
            std::string name = column_text(statement.get(), 0);
            kinds[name] = {column_text(statement.get(), 1), column_text(statement.get(), 2)};
            names.push_back(std::move(name));
        }
    }
    auto table = resolve_sqlite_name(names, table_wanted, catalog, "table");
    if (!table) return std::nullopt;
    const auto& [kind, create_sql] = kinds[*table];
    const bool is_view = kind == "view";
    const bool is_virtual = upper(create_sql).rfind("CREATE VIRTUAL TABLE", 0) == 0;
    const std::string base = dialect.quote_identifier(*schema) + "." + dialect.quote_identifier(*table);

    std::vector<RawColumn> raw = raw_columns(connection, *schema, *table, !is_view);
    std::vector<SqliteColumnType> mapped;
    for (const auto& c : raw) mapped.push_back(map_declared_type(c.declared));
    // View columns computed by an expression have no declared type: take the first row's storage class.
    if (is_view && std::any_of(raw.begin(), raw.end(), [](const RawColumn& c) { return c.declared.empty(); })) {
        SqliteStatement first(connection, "SELECT * FROM " + base + " LIMIT 1", "reading " + *schema + "." + *table);
        if (first_row(connection, first) && sqlite3_column_count(first.get()) == static_cast<int>(raw.size())) {
            for (size_t i = 0; i < raw.size(); ++i) {
                if (raw[i].declared.empty()) mapped[i] = map_storage_class(sqlite3_column_type(first.get(), static_cast<int>(i)));
            }
        }
    }

    TableInfo info;
    info.handle.schema = *schema;
    info.handle.table = *table;
    info.kind = is_view ? "VIEW" : "BASE TABLE";
    std::vector<std::string> source_types;
    std::vector<RelationColumn> relation_columns;
    for (size_t i = 0; i < raw.size(); ++i) {
        ColumnInfo column;
        column.name = raw[i].name;
        column.type = mapped[i].type;
        column.nullable = !raw[i].not_null;
        column.comment = column_comment(mapped[i], raw[i].collation);
        info.columns.push_back(std::move(column));
        source_types.push_back(raw[i].declared);
        relation_columns.push_back({raw[i].name, read_sql(dialect, raw[i].name, mapped[i], raw[i].collation)});
    }
    std::string rowid;
    if (!is_view && !is_virtual) rowid = rowid_alias(connection, base, raw);
    if (!is_view && !is_virtual) {
        info.statistics = statistics(connection, dialect, *schema, *table, base, rowid, raw, info.columns);
    }
    bool wrapped = !std::all_of(relation_columns.begin(), relation_columns.end(),
                                [](const RelationColumn& c) { return c.read_sql.empty(); }) ||
                   is_view;
    std::string relation = sqlite_relation(dialect, base, !is_view, relation_columns, wrapped ? rowid : "", *table);
    std::string split_key = rowid.empty() ? "" : (wrapped ? dialect.quote_identifier(kRowidColumn) : rowid);
    info.handle.properties["relation"] = relation;
    info.handle.properties["columns"] = columns_property(info.columns, source_types);
    info.handle.properties[kSqliteProperty] = {{"kind", is_view ? "view" : "table"}, {"base", base}, {"split_key", split_key},
                                                {"rowid", rowid}};
    return info;
}

TableInfo sqlite_query_info(SqliteConnection& connection, const SqlDialect& dialect, const std::string& query) {
    const std::string& catalog = connection.catalog();
    const std::string context = "passthrough query";
    SqliteStatement statement(connection, query, context);
    if (!statement.get()) raise(ErrorCode::kInvalidParameter, "catalog {}: the passthrough query is empty", catalog);
    // Only one statement: anything after the first must be whitespace or comments.
    if (!statement.tail().empty()) {
        SqliteStatement rest(connection, statement.tail(), context);
        if (rest.get()) {
            raise(ErrorCode::kInvalidParameter, "catalog {}: the passthrough query must be a single statement", catalog);
        }
    }
    sqlite3_stmt* s = statement.get();
    if (!sqlite3_stmt_readonly(s)) {
        raise(ErrorCode::kInsufficientPrivilege, "catalog {}: the passthrough query must be a read-only SELECT", catalog);
    }
    std::string text = sqlite3_sql(s);
    while (!text.empty() && (text.back() == ';' || std::isspace(static_cast<unsigned char>(text.back())))) text.pop_back();
    const int count = sqlite3_column_count(s);
    if (count == 0) raise(ErrorCode::kInvalidParameter, "catalog {}: the passthrough query returns no columns", catalog);

    std::vector<std::string> names;
    std::vector<std::string> declared;
    std::vector<SqliteColumnType> mapped;
    bool needs_first_row = false;
    for (int i = 0; i < count; ++i) {
        const char* name = sqlite3_column_name(s, i);
        const char* decl = sqlite3_column_decltype(s, i);
        names.push_back(name ? name : "");
        declared.push_back(decl ? decl : "");
        mapped.push_back(map_declared_type(declared.back()));
        needs_first_row |= declared.back().empty();
    }
    if (needs_first_row) {
        if (first_row(connection, statement)) {
            for (int i = 0; i < count; ++i) {
                if (declared[static_cast<size_t>(i)].empty()) mapped[static_cast<size_t>(i)] = map_storage_class(sqlite3_column_type(s, i));
            }
        }
    }
    // Unique, non-empty output names ("SELECT 1, 1" has two columns named "1").
    bool renamed = false;
    std::vector<std::string> unique;
    for (size_t i = 0; i < names.size(); ++i) {
        std::string name = names[i].empty() ? "column" + std::to_string(i + 1) : names[i];
        std::string candidate = name;
        for (int n = 2; std::find(unique.begin(), unique.end(), candidate) != unique.end(); ++n) {
            candidate = name + "_" + std::to_string(n);
        }
        renamed |= candidate != names[i];
        unique.push_back(std::move(candidate));
    }
    std::string inner;
    if (renamed) {
        std::string list;
        for (const auto& n : unique) list += (list.empty() ? "" : ", ") + dialect.quote_identifier(n);
        inner = "(WITH " + dialect.quote_identifier("q") + "(" + list + ") AS (" + text + "\n) SELECT * FROM " +
                dialect.quote_identifier("q") + ")";
    } else {
        inner = "(" + text + "\n)";
    }
    TableInfo info;
    info.handle.schema = "system";
    info.handle.table = "query";
    info.kind = "QUERY";
    std::vector<RelationColumn> relation_columns;
    for (size_t i = 0; i < unique.size(); ++i) {
        ColumnInfo column;
        column.name = unique[i];
        column.type = mapped[i].type;
        column.comment = mapped[i].comment;
        info.columns.push_back(std::move(column));
        // A result column may come from a NOCASE column: strings are always read through BINARY.
        relation_columns.push_back({unique[i], read_sql(dialect, unique[i], mapped[i], "UNKNOWN")});
    }
    std::string relation = sqlite_relation(dialect, inner + " AS " + dialect.quote_identifier("q"), false,
                                           relation_columns, "", "q");
    // The relation must parse as a FROM item: this rejects PRAGMA, ATTACH and other non-queries.
    SqliteStatement check(connection, "SELECT * FROM " + relation + " LIMIT 0", context);
    info.handle.properties["relation"] = relation;
    info.handle.properties["columns"] = columns_property(info.columns, declared);
    info.handle.properties[kSqliteProperty] = {{"kind", "query"}, {"base", ""}, {"split_key", ""}};
    return info;
}

}  // namespace fedq
