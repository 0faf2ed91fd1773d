#include "connectors/mysql/mysql_connector.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_dialect.h"
#include "connectors/mysql/mysql_reader.h"
#include "connectors/mysql/mysql_types.h"
#include "connectors/sql_common/sql_query.h"
#include "types/decimal.h"

namespace fedq {

namespace {

using json = nlohmann::json;
using Rows = std::vector<std::vector<std::optional<std::string>>>;

const std::vector<std::string> kSystemSchemas = {"mysql", "sys", "performance_schema", "information_schema"};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }

int64_t to_int(const std::optional<std::string>& v, int64_t fallback = 0) {
    if (!v) return fallback;
    try {
        return std::stoll(*v);
    } catch (...) {
        return fallback;
    }
}

// Exact name first, then the unique case-insensitive match (the engine lower-cases unquoted identifiers).
std::optional<std::string> pick_name(const std::vector<std::string>& candidates, const std::string& wanted,
                                     const std::string& catalog, const char* what) {
    for (const auto& c : candidates) {
        if (c == wanted) return c;
    }
    std::vector<std::string> matches;
    for (const auto& c : candidates) {
        if (lower(c) == lower(wanted)) matches.push_back(c);
    }
    if (matches.empty()) return std::nullopt;
    if (matches.size() > 1) {
        raise(ErrorCode::kUndefinedTable, "catalog {}: {} name '{}' matches several ({}, {}): quote the exact name",
              catalog, what, wanted, matches[0], matches[1]);
    }
    return matches[0];
}

std::optional<Value> value_of(const std::string& text, const Type& type) {
    auto c = Column::make(type, 1);
    if (!append_mysql_text(*c, type, text.data(), text.size()) || c->is_null(0)) return std::nullopt;
    return c->value_at(0);
}

class MySqlConnector : public Connector {
public:
    MySqlConnector(MySqlSettings settings, int64_t split_rows)
        : pool_(std::make_shared<MySqlPool>(std::move(settings))), split_rows_(split_rows) {}

    std::string type_name() const override { return "mysql"; }
    Capabilities capabilities() const override {
        return sql_source_capabilities();
    }

    std::vector<std::string> list_schemas() override {
        auto session = pool_->acquire();
        std::string sql = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (";
        for (size_t i = 0; i < kSystemSchemas.size(); ++i) sql += (i ? ", " : "") + dialect_.quote_string(kSystemSchemas[i]);
        sql += ") ORDER BY SCHEMA_NAME";
        std::vector<std::string> out;
        for (auto& row : session->query_rows(sql)) out.push_back(text(row[0]));
        return out;
    }

    TablePage list_tables(const std::string& schema, const std::string&) override {
        auto session = pool_->acquire();
        TablePage page;
        auto resolved = resolve_schema(*session, schema);
        if (!resolved) return page;
        auto rows = session->query_rows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE BINARY TABLE_SCHEMA = " +
                                        dialect_.quote_string(*resolved) + " ORDER BY BINARY TABLE_NAME");
        for (auto& row : rows) page.tables.push_back(text(row[0]));
        return page;
    }

    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override;
    ScanPlan negotiate(const ScanRequest& request) override { return translate_mysql_scan(request, dialect_).plan; }
    ScanPlan plan_scan(const ScanRequest& request) override;
    std::optional<TableInfo> apply_join(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                        const std::vector<std::pair<std::string, std::string>>& keys) override;
    std::optional<TableInfo> query_table(const std::string& query) override;
    void close() override { pool_->clear(); }

    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override {
        auto it = split.payload.find("sql");
        if (it == split.payload.end() || !it->is_string()) {
            raise(ErrorCode::kInternal, "catalog {}: a MySQL split without SQL", pool_->settings().catalog);
        }
        return std::make_unique<MySqlReader>(pool_, it->get<std::string>(), output_types(request), request.batch_rows,
                                             context, request.table.schema + "." + request.table.table);
    }

private:
    std::optional<std::string> resolve_schema(MySqlSession& session, const std::string& schema) {
        auto rows = session.query_rows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE LOWER(SCHEMA_NAME) = "
                                       "LOWER(" + dialect_.quote_string(schema) + ")");
        std::vector<std::string> names;
        for (auto& r : rows) names.push_back(text(r[0]));
        return pick_name(names, schema, pool_->settings().catalog, "database");
    }

    void add_statistics(MySqlSession& session, const std::string& schema, const std::string& table, TableInfo& info,
                        const std::string& split_key);

    std::shared_ptr<MySqlPool> pool_;
    MySqlDialect dialect_;
    int64_t split_rows_;
};

std::optional<TableInfo> MySqlConnector::get_table(const std::string& schema, const std::string& table) {
    auto session = pool_->acquire();
    const std::string& catalog = pool_->settings().catalog;
    auto resolved_schema = resolve_schema(*session, schema);
    if (!resolved_schema) return std::nullopt;
    const std::string qschema = dialect_.quote_string(*resolved_schema);
    auto candidates = session->query_rows(
        "SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES WHERE BINARY TABLE_SCHEMA = " +
        qschema + " AND LOWER(TABLE_NAME) = LOWER(" + dialect_.quote_string(table) + ")");
    std::vector<std::string> names;
    for (auto& r : candidates) names.push_back(text(r[0]));
    auto name = pick_name(names, table, catalog, "table");
    if (!name) return std::nullopt;
    const auto& row = candidates[std::find(names.begin(), names.end(), *name) - names.begin()];
    const std::string qtable = dialect_.quote_string(*name);

    TableInfo info;
    info.handle.schema = *resolved_schema;
    info.handle.table = *name;
    info.kind = text(row[1]) == "VIEW" ? "VIEW" : "BASE TABLE";
    if (info.kind != "VIEW" && row[2]) info.statistics.row_count = static_cast<double>(to_int(row[2]));
    if (info.kind != "VIEW" && row[3]) info.statistics.total_bytes = static_cast<double>(to_int(row[3]));

    // MariaDB's JSON is LONGTEXT with a json_valid() check.
    std::vector<std::string> json_checks;
    if (pool_->is_mariadb()) {
        try {
            for (auto& r : session->query_rows("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE "
                                               "BINARY CONSTRAINT_SCHEMA = " + qschema + " AND BINARY TABLE_NAME = " +
                                               qtable)) {
                json_checks.push_back(text(r[0]));
            }
        } catch (const Error&) {
        }
    }
    auto columns = session->query_rows(
        "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IFNULL(NUMERIC_PRECISION, 0), IFNULL(NUMERIC_SCALE, 0), "
        "IFNULL(CHARACTER_SET_NAME, ''), IS_NULLABLE, COLUMN_KEY, COLUMN_COMMENT FROM information_schema.COLUMNS "
        "WHERE BINARY TABLE_SCHEMA = " + qschema + " AND BINARY TABLE_NAME = " + qtable + " ORDER BY ORDINAL_POSITION");
    if (columns.empty()) return std::nullopt;
    std::vector<std::string> source_types, primary_key;
    std::string select;
    bool converted = false;
    for (auto& c : columns) {
        std::string column = text(c[0]);
        std::string column_sql = dialect_.quote_identifier(column);
        bool is_json = false;
        for (const auto& check : json_checks) {
            if (check.find("json_valid(" + column_sql + ")") != std::string::npos) is_json = true;
        }
        MySqlColumnMapping m = map_mysql_column(column_sql, lower(text(c[1])), lower(text(c[2])),
                                                static_cast<int>(to_int(c[3])), static_cast<int>(to_int(c[4])),
                                                lower(text(c[5])), is_json);
        ColumnInfo ci;
        ci.name = column;
        ci.type = m.type;
        ci.nullable = text(c[6]) == "YES";
        ci.comment = !m.comment.empty() ? m.comment : text(c[8]);
        info.columns.push_back(ci);
        source_types.push_back(m.source_type);
        if (text(c[7]) == "PRI") primary_key.push_back(column);
        if (!m.read_sql.empty()) converted = true;
        select += (select.empty() ? "" : ", ") + (m.read_sql.empty() ? column_sql : m.read_sql + " AS " + column_sql);
    }
    std::string base = dialect_.quote_identifier(*resolved_schema) + "." + dialect_.quote_identifier(*name);
    std::string relation = converted ? "(SELECT " + select + " FROM " + base + ") AS " + dialect_.quote_identifier(*name)
                                     : base;
    info.handle.properties["relation"] = relation;
    info.handle.properties["columns"] = columns_property(info.columns, source_types);
    std::string split_key;
    if (primary_key.size() == 1 && info.kind != "VIEW") {
        for (const auto& c : info.columns) {
            if (c.name == primary_key[0] && c.type.is_integer()) split_key = c.name;
        }
    }
    if (!split_key.empty()) info.handle.properties["split_key"] = split_key;
    add_statistics(*session, *resolved_schema, *name, info, split_key);
    if (info.statistics.row_count) info.handle.properties["row_count"] = *info.statistics.row_count;
    return info;
}

void MySqlConnector::add_statistics(MySqlSession& session, const std::string& schema, const std::string& table,
                                    TableInfo& info, const std::string& split_key) {
    if (info.kind == "VIEW") return;
    const std::string where = " WHERE BINARY TABLE_SCHEMA = " + dialect_.quote_string(schema) +
                              " AND BINARY TABLE_NAME = " + dialect_.quote_string(table);
    auto type_of = [&](const std::string& column) -> const Type* {
        for (const auto& c : info.columns) {
            if (c.name == column) return &c.type;
        }
        return nullptr;
    };
    // Index cardinality: the distinct count of each index's leading column. The leading columns are also kept
    // as the handle property "indexed" (apply_join pushes a MariaDB join only when a key is indexed).
    json indexed = json::array();
    for (auto& r : session.query_rows("SELECT COLUMN_NAME, MAX(CARDINALITY) FROM information_schema.STATISTICS" + where +
                                      " AND SEQ_IN_INDEX = 1 GROUP BY COLUMN_NAME")) {
        if (!type_of(text(r[0]))) continue;
        indexed.push_back(text(r[0]));
        if (r[1]) info.statistics.columns[text(r[0])].distinct_count = static_cast<double>(to_int(r[1]));
    }
    info.handle.properties["indexed"] = std::move(indexed);
    // MariaDB's engine-independent statistics (ANALYZE TABLE ... PERSISTENT FOR ALL), when readable.
    if (pool_->is_mariadb()) {
        try {
            auto rows = session.query_rows(
                "SELECT column_name, min_value, max_value, nulls_ratio, avg_frequency FROM mysql.column_stats "
                "WHERE BINARY db_name = " + dialect_.quote_string(schema) + " AND BINARY table_name = " +
                dialect_.quote_string(table));
            for (auto& r : rows) {
                const Type* type = type_of(text(r[0]));
                if (!type) continue;
                ColumnStatistics& s = info.statistics.columns[text(r[0])];
                if (r[3]) s.null_fraction = std::stod(*r[3]);
                if (r[4] && info.statistics.row_count && std::stod(*r[4]) > 0) {
                    s.distinct_count = *info.statistics.row_count * (1 - s.null_fraction.value_or(0)) / std::stod(*r[4]);
                }
                if (!type->is_variable_width()) {
                    if (r[1]) {
                        if (auto v = value_of(*r[1], *type)) s.min = *v;
                    }
                    if (r[2]) {
                        if (auto v = value_of(*r[2], *type)) s.max = *v;
                    }
                }
            }
        } catch (const std::exception&) {
            // No privilege on mysql.column_stats, or MySQL: index statistics only.
        }
    }
    if (!split_key.empty()) {
        auto rows = session.query_rows("SELECT MIN(" + dialect_.quote_identifier(split_key) + "), MAX(" +
                                       dialect_.quote_identifier(split_key) + ") FROM " +
                                       info.handle.properties["relation"].get<std::string>());
        const Type* type = type_of(split_key);
        if (!rows.empty() && rows[0][0] && rows[0][1] && type) {
            ColumnStatistics& s = info.statistics.columns[split_key];
            if (auto v = value_of(*rows[0][0], *type)) s.min = *v;
            if (auto v = value_of(*rows[0][1], *type)) s.max = *v;
            s.null_fraction = 0;
            if (info.statistics.row_count) s.distinct_count = *info.statistics.row_count;
        }
    }
}

ScanPlan MySqlConnector::plan_scan(const ScanRequest& request) {
    SqlTranslation t = translate_mysql_scan(request, dialect_);
    ScanPlan plan = t.plan;
    const std::string& catalog = pool_->settings().catalog;
    const auto& props = request.table.properties;
    std::vector<std::string> ranges;
    if (request.target_splits > 1 && !request.aggregation && request.order_by.empty() && !t.select.limit &&
        props.contains("split_key") && props["split_key"].is_string()) {
        const std::string key = dialect_.quote_identifier(props["split_key"].get<std::string>());
        auto session = pool_->acquire();
        auto rows = session->query_rows("SELECT MIN(" + key + "), MAX(" + key + "), COUNT(*) > 0 FROM " + t.select.from);
        if (!rows.empty() && rows[0][0] && rows[0][1]) {
            int64_t low = to_int(rows[0][0]);
            int64_t high = to_int(rows[0][1]);
            double estimate = props.contains("row_count") && props["row_count"].get<double>() > 0
                                  ? props["row_count"].get<double>()
                                  : static_cast<double>(high) - static_cast<double>(low) + 1;
            size_t wanted = static_cast<size_t>(std::ceil(estimate / static_cast<double>(std::max<int64_t>(1, split_rows_))));
            size_t count = std::min({request.target_splits, wanted, static_cast<size_t>(1024)});
            int128_t span = static_cast<int128_t>(high) - low + 1;
            if (count > 1 && span >= static_cast<int128_t>(count)) {
                std::vector<int64_t> bounds;
                for (size_t i = 1; i < count; ++i) bounds.push_back(static_cast<int64_t>(low + span * i / count));
                for (size_t i = 0; i < count; ++i) {
                    std::string range;
                    if (i > 0) range = key + " >= " + std::to_string(bounds[i - 1]);
                    if (i + 1 < count) range += (range.empty() ? "" : " AND ") + key + " < " + std::to_string(bounds[i]);
                    ranges.push_back("(" + range + ")");
                }
            }
        }
    }
    if (ranges.empty()) ranges.push_back("");
    for (size_t i = 0; i < ranges.size(); ++i) {
        Split split;
        std::string sql = t.select.sql(dialect_, ranges[i]);
        split.payload = json{{"sql", sql}, {"index", i}};
        split.description = sql;
        if (props.contains("row_count") && props["row_count"].is_number()) {
            split.estimated_rows = props["row_count"].get<double>() / static_cast<double>(ranges.size());
        }
        plan.splits.push_back(std::move(split));
    }
    plan.description = fmt::format("mysql {}: {} split{}: {}", catalog, ranges.size(), ranges.size() == 1 ? "" : "s",
                                   t.select.sql(dialect_));
    return plan;
}

std::optional<TableInfo> MySqlConnector::apply_join(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                                    const std::vector<std::pair<std::string, std::string>>& keys) {
    if (type == PushedJoinType::kFull) return std::nullopt;  // MySQL has no FULL JOIN
    // The ON clause compares columns with the tables' collations: string keys would match case-insensitively.
    auto left_columns = columns_from_property(left.table.properties);
    auto right_columns = columns_from_property(right.table.properties);
    auto text_key = [](const std::vector<ColumnInfo>& columns, const std::string& name) {
        for (const auto& c : columns) {
            if (c.name == name) return c.type.is_string() || c.type.is_floating();
        }
        return true;
    };
    for (const auto& [l, r] : keys) {
        if (text_key(left_columns, l) || text_key(right_columns, r)) return std::nullopt;
    }
    // MariaDB has no hash join by default (join_cache_level 2): a join whose inner side has no index on a key
    // runs as a block nested loop, quadratic (TPC-H Q13, customer LEFT JOIN orders ON o_custkey: 40 s at SF
    // 0.05 against 0.2 s in the engine). Such joins stay in the engine. (join_cache_level 4 fixes that join
    // but makes MariaDB hash-join even indexed keys: Q9 twice as slow.) MySQL 8 hash-joins unindexed keys.
    auto indexed_of = [](const ScanRequest& side) {
        std::set<std::string> names;
        auto it = side.table.properties.find("indexed");
        if (it != side.table.properties.end() && it->is_array()) {
            for (const auto& name : *it) {
                if (name.is_string()) names.insert(name.get<std::string>());
            }
        }
        return names;
    };
    // The rows a side reads: a table's row count, or the larger input of a pushed join ("input_rows").
    auto rows_of = [](const ScanRequest& side) -> std::optional<double> {
        for (const char* key : {"row_count", "input_rows"}) {
            auto it = side.table.properties.find(key);
            if (it != side.table.properties.end() && it->is_number()) return it->get<double>();
        }
        return std::nullopt;
    };
    const bool mariadb = pool_->is_mariadb();
    const std::set<std::string> left_indexed = indexed_of(left);
    const std::set<std::string> right_indexed = indexed_of(right);
    const std::optional<double> left_rows = rows_of(left);
    const std::optional<double> right_rows = rows_of(right);
    if (mariadb) {
        // Even indexed, MariaDB's nested-loop joins of large tables are slower than reading both sides and
        // hash-joining in the engine (TPC-H SF 1, all tables in MariaDB: Q9 49 s pushed, 4.7 s not; the 22
        // queries 159 s against 66 s). Joins reading more than kMariaDbJoinMaxRows on a side stay in the engine.
        constexpr double kMariaDbJoinMaxRows = 100000;
        if (left_rows && right_rows && std::max(*left_rows, *right_rows) > kMariaDbJoinMaxRows) return std::nullopt;
        bool left_ok = false;
        bool right_ok = false;
        for (const auto& [l, r] : keys) {
            left_ok = left_ok || left_indexed.count(l) > 0;
            right_ok = right_ok || right_indexed.count(r) > 0;
        }
        bool ok = type == PushedJoinType::kInner ? left_ok || right_ok
                  : type == PushedJoinType::kLeft ? right_ok
                                                  : left_ok;
        if (!ok) return std::nullopt;
    }
    auto info = join_relation(type, left, right, keys, dialect_);
    if (!info) return info;
    info->statistics = {};
    // The join's output columns are left.columns then right.columns: keep the indexed ones indexed (MariaDB
    // merges the derived tables, so their indexes serve the next join).
    json indexed = json::array();
    for (size_t i = 0; i < left.columns.size() + right.columns.size() && i < info->columns.size(); ++i) {
        bool from_left = i < left.columns.size();
        const std::string& name = from_left ? left.columns[i] : right.columns[i - left.columns.size()];
        if ((from_left ? left_indexed : right_indexed).count(name)) indexed.push_back(info->columns[i].name);
    }
    info->handle.properties["indexed"] = std::move(indexed);
    if (left_rows && right_rows) info->handle.properties["input_rows"] = std::max(*left_rows, *right_rows);
    return info;
}

std::optional<TableInfo> MySqlConnector::query_table(const std::string& query) {
    std::string sql = query;
    while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) sql.pop_back();
    const std::string& catalog = pool_->settings().catalog;
    if (sql.empty()) raise(ErrorCode::kInvalidParameter, "catalog {}: the passthrough query is empty", catalog);
    auto session = pool_->acquire();
    MYSQL_STMT* stmt = mysql_stmt_init(session->get());
    if (!stmt) raise(ErrorCode::kOutOfMemory, "catalog {}: cannot prepare the passthrough query", catalog);
    struct Closer {
        MYSQL_STMT* stmt;
        ~Closer() { mysql_stmt_close(stmt); }
    } closer{stmt};
    if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
        std::string message = fmt::format("catalog {}: passthrough query failed: {} (MySQL error {})", catalog,
                                          mysql_stmt_error(stmt), mysql_stmt_errno(stmt));
        std::string state = mysql_stmt_sqlstate(stmt);
        unsigned int number = mysql_stmt_errno(stmt);
        if (number == 1146) throw Error(ErrorCode::kUndefinedTable, message);
        if (number == 1064) throw Error::with_sqlstate(ErrorCode::kSyntax, state, message);
        if (is_connection_lost(number)) {
            session->discard();
            throw Error(ErrorCode::kConnection, message);
        }
        throw Error::with_sqlstate(ErrorCode::kRemote, state, message);
    }
    MYSQL_RES* metadata = mysql_stmt_result_metadata(stmt);
    if (!metadata) raise(ErrorCode::kNotSupported, "catalog {}: the passthrough query returns no result set", catalog);
    TableInfo info;
    info.handle.schema = "system";
    info.handle.table = "query";
    info.kind = "QUERY";
    std::vector<std::string> source_types;
    unsigned int count = mysql_num_fields(metadata);
    MYSQL_FIELD* fields = mysql_fetch_fields(metadata);
    for (unsigned int i = 0; i < count; ++i) {
        MySqlColumnMapping m = map_mysql_field(fields[i]);
        ColumnInfo c;
        c.name = fields[i].name ? fields[i].name : fmt::format("_col{}", i);
        c.type = m.type;
        c.nullable = !(fields[i].flags & NOT_NULL_FLAG);
        c.comment = m.comment;
        for (const auto& other : info.columns) {
            if (other.name == c.name) {
                mysql_free_result(metadata);
                raise(ErrorCode::kAmbiguousColumn, "catalog {}: the passthrough query returns two columns named '{}': "
                      "give them distinct aliases", catalog, c.name);
            }
        }
        info.columns.push_back(std::move(c));
        source_types.push_back(m.source_type);
    }
    mysql_free_result(metadata);
    info.handle.properties["relation"] = "(" + sql + ") AS " + dialect_.quote_identifier("q");
    info.handle.properties["columns"] = columns_property(info.columns, source_types);
    return info;
}

}  // namespace

std::shared_ptr<Connector> make_mysql_connector(const ConnectorConfig& config) {
    config.check_known({"host", "port", "database", "user", "password", "ssl", "connect_timeout", "statement_timeout",
                        "pool_size", "split_rows"});
    MySqlSettings settings;
    settings.catalog = config.catalog;
    settings.host = config.get("host").value_or("127.0.0.1");
    int64_t port = config.get_int("port", 3306);
    if (port < 1 || port > 65535) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: port must be between 1 and 65535, got {}", config.catalog, port);
    }
    settings.port = static_cast<int>(port);
    settings.database = config.get("database").value_or("");
    settings.user = config.require("user");
    settings.password = config.get("password").value_or("");
    settings.ssl = config.get_bool("ssl", false);
    settings.connect_timeout = config.get_seconds("connect_timeout", 10);
    if (settings.connect_timeout <= 0) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: connect_timeout must be positive", config.catalog);
    }
    if (config.get("statement_timeout")) {
        double seconds = config.get_seconds("statement_timeout", 0);
        if (seconds < 0) raise(ErrorCode::kInvalidParameter, "catalog {}: statement_timeout must not be negative", config.catalog);
        if (seconds > 0) settings.statement_timeout = seconds;
    }
    int64_t pool_size = config.get_int("pool_size", 8);
    if (pool_size < 1 || pool_size > 1024) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: pool_size must be between 1 and 1024, got {}", config.catalog,
              pool_size);
    }
    settings.pool_size = static_cast<size_t>(pool_size);
    int64_t split_rows = config.get_int("split_rows", 100000);
    if (split_rows < 1) raise(ErrorCode::kInvalidParameter, "catalog {}: split_rows must be positive", config.catalog);
    return std::make_shared<MySqlConnector>(std::move(settings), split_rows);
}

}  // namespace fedq
