#include "connectors/postgres/postgres_metadata.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "connectors/postgres/postgres_dialect.h"
#include "connectors/postgres/postgres_types.h"
#include "connectors/sql_common/sql_query.h"

namespace fedq {

namespace {

// Type columns and joins shared by table columns and passthrough results; `x` has columns oid and typmod.
constexpr const char* kTypeColumns =
    "format_type(x.oid, x.typmod), CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END, "
    "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE x.typmod END, b.typtype, b.typcategory = 'A', b.typelem, "
    "e.typtype";
constexpr const char* kTypeJoins =
    " JOIN pg_type t ON t.oid = x.oid"
    " JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END"
    " LEFT JOIN pg_type e ON e.oid = b.typelem";

template <typename T>
T to_number(std::string_view text) {
    T value{};
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// Reads the 7 type columns starting at `first`.
PgTypeInfo type_info(const PgResult& r, int row, int first) {
    PgTypeInfo info;
    info.display = r.string(row, first);
    info.base_oid = to_number<uint32_t>(r.text(row, first + 1));
    info.base_typmod = to_number<int32_t>(r.text(row, first + 2));
    info.base_typtype = r.text(row, first + 3).empty() ? 'b' : r.text(row, first + 3)[0];
    info.is_array = r.text(row, first + 4) == "t";
    info.element_oid = to_number<uint32_t>(r.text(row, first + 5));
    info.element_typtype = r.is_null(row, first + 6) || r.text(row, first + 6).empty() ? 'b' : r.text(row, first + 6)[0];
    return info;
}

// The exact name, else the unique case-insensitive match; nullopt when none; raises when ambiguous.
std::optional<std::string> pick_name(const std::vector<std::string>& candidates, const std::string& wanted,
                                     const std::string& catalog, const char* what) {
    if (std::find(candidates.begin(), candidates.end(), wanted) != candidates.end()) return wanted;
    auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    std::vector<std::string> matches;
    for (const auto& c : candidates) {
        if (lower(c) == lower(wanted)) matches.push_back(c);
    }
    if (matches.empty()) return std::nullopt;
    if (matches.size() > 1) {
        raise(ErrorCode::kUndefinedTable, "catalog {}: {} name {} matches several PostgreSQL {}s that differ only in case ({}, {}); quote the exact name",
              catalog, what, wanted, what, matches[0], matches[1]);
    }
    return matches[0];
}

std::optional<std::string> resolve_schema(PgConnection& connection, const std::string& schema) {
    PgResult r = connection.exec("SELECT nspname FROM pg_namespace WHERE lower(nspname) = lower($1) OR nspname = $1",
                                 {schema}, "schema lookup");
    std::vector<std::string> names;
    for (int i = 0; i < r.rows(); ++i) names.push_back(r.string(i, 0));
    return pick_name(names, schema, connection.settings().catalog, "schema");
}

void fill_statistics(PgConnection& connection, TableInfo& info, double reltuples) {
    PgResult r = connection.exec(
        "SELECT attname, null_frac, n_distinct, histogram_bounds::text, most_common_vals::text FROM pg_stats "
        "WHERE schemaname = $1 AND tablename = $2 ORDER BY inherited",
        {info.handle.schema, info.handle.table}, "statistics of " + info.handle.schema + "." + info.handle.table);
    std::set<std::string> seen;
    for (int i = 0; i < r.rows(); ++i) {
        std::string name = r.string(i, 0);
        if (!seen.insert(name).second) continue;  // the non-inherited row comes first
        auto column = std::find_if(info.columns.begin(), info.columns.end(), [&](const ColumnInfo& c) { return c.name == name; });
        if (column == info.columns.end()) continue;
        ColumnStatistics stats;
        if (!r.is_null(i, 1)) stats.null_fraction = to_number<double>(r.text(i, 1));
        if (!r.is_null(i, 2)) {
            double n = to_number<double>(r.text(i, 2));
            if (n > 0) stats.distinct_count = n;
            else if (n < 0 && reltuples >= 0) stats.distinct_count = -n * reltuples;
        }
        // min/max from the histogram and the most common values (both from ANALYZE's sample: estimates).
        const Type& type = column->type;
        if (type.is_integer() || type.id() == TypeId::kDecimal || type.id() == TypeId::kDate ||
            type.id() == TypeId::kTimestamp) {
            for (int field : {3, 4}) {
                if (r.is_null(i, field)) continue;
                auto items = parse_pg_array_text(r.text(i, field));
                if (!items) continue;
                for (const auto& item : *items) {
                    if (!item) continue;
                    Value v = parse_pg_text_value(*item, type);
                    if (v.is_null()) continue;
                    if (stats.min.is_null() || v.compare(stats.min) < 0) stats.min = v;
                    if (stats.max.is_null() || v.compare(stats.max) > 0) stats.max = v;
                }
            }
        }
        info.statistics.columns[name] = std::move(stats);
    }
}

}  // namespace

std::vector<std::string> pg_list_schemas(PgConnection& connection) {
    PgResult r = connection.exec(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
        "AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' "
        "ORDER BY nspname COLLATE \"C\"",
        {}, "list schemas");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.string(i, 0));
    return out;
}

TablePage pg_list_tables(PgConnection& connection, const std::string& schema, const std::string& page_token) {
    TablePage page;
    auto resolved = resolve_schema(connection, schema);
    if (!resolved) return page;
    PgResult r = connection.exec(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND c.relname COLLATE \"C\" > $2 "
        "ORDER BY c.relname COLLATE \"C\" LIMIT " + std::to_string(kPgTablePageSize + 1),
        {*resolved, page_token}, "list tables of " + *resolved);
    for (int i = 0; i < r.rows() && page.tables.size() < kPgTablePageSize; ++i) page.tables.push_back(r.string(i, 0));
    if (r.rows() > static_cast<int>(kPgTablePageSize)) page.next_token = page.tables.back();
    return page;
}

std::optional<TableInfo> pg_get_table(PgConnection& connection, const std::string& schema, const std::string& table) {
    const std::string& catalog = connection.settings().catalog;
    auto resolved_schema = resolve_schema(connection, schema);
    if (!resolved_schema) return std::nullopt;
    PgResult tables = connection.exec(
        "SELECT c.relname, c.oid, c.relkind, c.reltuples, c.relpages FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 "
        "AND (c.relname = $2 OR lower(c.relname) = lower($2)) AND c.relkind IN ('r', 'v', 'm', 'f', 'p')",
        {*resolved_schema, table}, "table lookup");
    std::vector<std::string> names;
    for (int i = 0; i < tables.rows(); ++i) names.push_back(tables.string(i, 0));
    auto name = pick_name(names, table, catalog, "table");
    if (!name) return std::nullopt;
    int row = static_cast<int>(std::find(names.begin(), names.end(), *name) - names.begin());
    const std::string oid = tables.string(row, 1);
    const char relkind = tables.text(row, 2)[0];
    const double reltuples = to_number<double>(tables.text(row, 3));
    const double relpages = to_number<double>(tables.text(row, 4));

    TableInfo info;
    info.handle.schema = *resolved_schema;
    info.handle.table = *name;
    info.kind = relkind == 'v' || relkind == 'm' ? "VIEW" : "BASE TABLE";
    PgResult columns = connection.exec(
        std::string("SELECT x.attname, x.attnotnull, col_description(x.attrelid, x.attnum), ") + kTypeColumns +
            " FROM (SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.atttypid AS oid, a.atttypmod AS typmod "
            "FROM pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped) x" +
            kTypeJoins + " ORDER BY x.attnum",
        {oid}, "columns of " + *resolved_schema + "." + *name);
    std::vector<std::string> source_types;
    for (int i = 0; i < columns.rows(); ++i) {
        PgTypeInfo type = type_info(columns, i, 3);
        PgMappedType mapped = map_pg_type(type);
        ColumnInfo column;
        column.name = columns.string(i, 0);
        column.type = mapped.type;
        column.nullable = columns.text(i, 1) != "t";
        column.comment = mapped.note;
        if (column.comment.empty() && !columns.is_null(i, 2)) column.comment = columns.string(i, 2);
        source_types.push_back(type.display);
        info.columns.push_back(std::move(column));
    }
    PostgresDialect dialect;
    info.handle.properties["relation"] = dialect.quote_identifier(*resolved_schema) + "." + dialect.quote_identifier(*name);
    info.handle.properties["columns"] = columns_property(info.columns, source_types);
    info.handle.properties["pg_oid"] = oid;
    info.handle.properties["relkind"] = std::string(1, relkind);
    if (relkind != 'v' && relkind != 'f') {
        if (reltuples >= 0) info.statistics.row_count = reltuples;  // -1: never analyzed
        info.statistics.total_bytes = relpages * 8192;
        fill_statistics(connection, info, reltuples);
    }
    return info;
}

TableInfo pg_describe_query(PgConnection& connection, const std::string& sql) {
    const PgSettings& settings = connection.settings();
    PgResult prepared(PQprepare(connection.raw(), "", sql.c_str(), 0, nullptr));
    if (!prepared.get() || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        raise_pg_error(settings, connection.raw(), prepared.get(), "passthrough query");
    }
    PgResult described(PQdescribePrepared(connection.raw(), ""));
    if (!described.get() || PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
        raise_pg_error(settings, connection.raw(), described.get(), "passthrough query");
    }
    const int fields = PQnfields(described.get());
    if (fields == 0) {
        raise(ErrorCode::kNotSupported, "catalog {}: the passthrough query returns no columns (only queries that return "
              "rows can be used as a table)", settings.catalog);
    }
    std::string oids = "{", typmods = "{";
    for (int i = 0; i < fields; ++i) {
        oids += (i ? "," : "") + std::to_string(PQftype(described.get(), i));
        typmods += (i ? "," : "") + std::to_string(PQfmod(described.get(), i));
    }
    oids += "}";
    typmods += "}";
    PgResult types = connection.exec(std::string("SELECT x.n, ") + kTypeColumns +
                                         " FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS x(oid, typmod, n)" +
                                         kTypeJoins + " ORDER BY x.n",
                                     {oids, typmods}, "passthrough query types");
    if (types.rows() != fields) {
        raise(ErrorCode::kRemote, "catalog {}: cannot resolve the result types of the passthrough query", settings.catalog);
    }
    TableInfo info;
    info.handle.schema = "system";
    info.handle.table = "query";
    std::vector<std::string> source_types;
    std::set<std::string> used;
    PostgresDialect dialect;
    std::string aliases;
    for (int i = 0; i < fields; ++i) {
        std::string name = PQfname(described.get(), i);
        // Duplicate result names ("id" from two joined tables) get a suffix so each column has its own name.
        std::string unique = name;
        for (int k = 2; used.count(unique); ++k) unique = name + "_" + std::to_string(k);
        used.insert(unique);
        PgTypeInfo type = type_info(types, i, 1);
        PgMappedType mapped = map_pg_type(type);
        ColumnInfo column;
        column.name = unique;
        column.type = mapped.type;
        column.comment = mapped.note;
        source_types.push_back(type.display);
        info.columns.push_back(std::move(column));
        aliases += (i ? ", " : "") + dialect.quote_identifier(unique);
    }
    info.handle.properties["relation"] = "(" + sql + ") AS q(" + aliases + ")";
    info.handle.properties["columns"] = columns_property(info.columns, source_types);
    info.handle.properties["passthrough"] = true;
    info.kind = "QUERY";
    return info;
}

}  // namespace fedq
