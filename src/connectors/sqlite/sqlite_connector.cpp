#include "connectors/sqlite/sqlite_connector.h"

#include <sqlite3.h>

#include <filesystem>

#include "common/error.h"
#include "connectors/sql_common/sql_query.h"
#include "connectors/sqlite/sqlite_connection.h"
#include "connectors/sqlite/sqlite_dialect.h"
#include "connectors/sqlite/sqlite_metadata.h"
#include "connectors/sqlite/sqlite_reader.h"

namespace fedq {

namespace {

using json = nlohmann::json;

std::string absolute_path(const std::string& path) {
    if (path.rfind("file:", 0) == 0 || path == ":memory:") return path;
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
}

std::string trim(std::string_view s) {
    size_t begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    size_t end = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(begin, end - begin + 1));
}

std::vector<std::pair<std::string, std::string>> parse_attach(const ConnectorConfig& config) {
    std::vector<std::pair<std::string, std::string>> out;
    auto value = config.get("attach");
    if (!value) return out;
    size_t start = 0;
    while (start <= value->size()) {
        size_t comma = value->find(',', start);
        std::string item = trim(std::string_view(*value).substr(start, comma == std::string::npos ? std::string::npos
                                                                                                 : comma - start));
        start = comma == std::string::npos ? value->size() + 1 : comma + 1;
        if (item.empty()) continue;
        size_t equals = item.find('=');
        std::string schema = equals == std::string::npos ? "" : trim(item.substr(0, equals));
        std::string path = equals == std::string::npos ? "" : trim(item.substr(equals + 1));
        if (schema.empty() || path.empty() || schema == "main" || schema == "temp") {
            raise(ErrorCode::kInvalidParameter,
                  "catalog {}: option 'attach' must be a list of schema=path (schemas other than main and temp), not '{}'",
                  config.catalog, item);
        }
        out.emplace_back(schema, absolute_path(path));
    }
    return out;
}

const json& sqlite_property(const TableHandle& handle) {
    static const json empty = json::object();
    auto it = handle.properties.find(kSqliteProperty);
    return it == handle.properties.end() ? empty : *it;
}

std::string property_string(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string table_label(const ScanRequest& request) { return request.table.schema + "." + request.table.table; }

// "key >= lo AND key < hi" for a split; either end open.
std::string range_condition(const std::string& key, const json& payload) {
    std::string out;
    auto low = payload.find("low");
    auto high = payload.find("high");
    if (low != payload.end() && low->is_number_integer()) out = key + " >= " + std::to_string(low->get<int64_t>());
    if (high != payload.end() && high->is_number_integer()) {
        out += (out.empty() ? "" : " AND ") + key + " < " + std::to_string(high->get<int64_t>());
    }
    return out;
}

std::string pushed_summary(const ScanRequest& request, const ScanPlan& plan) {
    std::vector<std::string> parts;
    size_t filters = 0;
    for (auto kind : plan.filters_accepted) filters += kind == PushdownKind::kExact;
    for (const auto& [column, kind] : plan.constraint_accepted) filters += kind == PushdownKind::kExact;
    if (filters) parts.push_back(std::to_string(filters) + (filters == 1 ? " filter" : " filters"));
    if (plan.aggregation_accepted) parts.push_back("aggregation");
    if (plan.order_accepted) parts.push_back("top-N");
    else if (plan.limit_accepted) parts.push_back("limit");
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out.empty() ? "" : "; pushed: " + out;
}

class SqliteConnector final : public Connector {
public:
    SqliteConnector(SqliteSettings settings, uint64_t split_min_rows)
        : pool_(std::make_shared<SqlitePool>(std::move(settings))), split_min_rows_(split_min_rows) {}

    ~SqliteConnector() override { pool_->close(); }

    std::string type_name() const override { return "sqlite"; }

    Capabilities capabilities() const override {
        return sql_source_capabilities();
    }

    std::vector<std::string> list_schemas() override {
        auto lease = pool_->acquire();
        return sqlite_schemas(*lease);
    }

    TablePage list_tables(const std::string& schema, const std::string& page_token) override {
        auto lease = pool_->acquire();
        auto resolved = resolve_sqlite_name(sqlite_schemas(*lease), schema, catalog(), "schema");
        if (!resolved) raise(ErrorCode::kUndefinedObject, "catalog {}: schema {} does not exist", catalog(), schema);
        TablePage page;
        page.tables = sqlite_tables(*lease, *resolved);
        return page;
    }

    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override {
        auto lease = pool_->acquire();
        return sqlite_table_info(*lease, dialect_, schema, table);
    }

    ScanPlan negotiate(const ScanRequest& request) override {
        SqlTranslation translation = translate_scan(request, dialect_);
        ScanPlan plan = std::move(translation.plan);
        plan.description = fmt::format("sqlite {}{}", table_label(request), pushed_summary(request, plan));
        return plan;
    }

    ScanPlan plan_scan(const ScanRequest& request) override {
        SqlTranslation translation = translate_scan(request, dialect_);
        ScanPlan plan = std::move(translation.plan);
        std::vector<json> payloads = split_ranges(request);
        const std::string key = property_string(sqlite_property(request.table), "split_key");
        for (auto& payload : payloads) {
            Split split;
            split.description = translation.select.sql(dialect_, range_condition(key, payload));
            if (auto rows = payload.find("rows"); rows != payload.end()) split.estimated_rows = rows->get<double>();
            split.payload = std::move(payload);
            plan.splits.push_back(std::move(split));
        }
        plan.description = fmt::format("sqlite {}: {} split{}{}", table_label(request), plan.splits.size(),
                                       plan.splits.size() == 1 ? "" : "s by rowid range", pushed_summary(request, plan));
        return plan;
    }

    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split,
                                            ReadContext& context) override {
        SqlTranslation translation = translate_scan(request, dialect_);
        const std::string key = property_string(sqlite_property(request.table), "split_key");
        SqliteReadSpec spec;
        spec.sql = translation.select.sql(dialect_, key.empty() ? "" : range_condition(key, split.payload));
        spec.types = output_types(request);
        if (request.aggregation) {
            for (const auto& g : request.aggregation->groups) spec.names.push_back(g.to_string());
            for (const auto& a : request.aggregation->aggregates) spec.names.push_back(a.name.empty() ? a.function : a.name);
            // The source did not group: the engine would need the raw rows, which this request does not describe.
            if (!translation.plan.aggregation_accepted) {
                raise(ErrorCode::kInternal, "catalog {}: {}: aggregation was not accepted by the connector", catalog(),
                      table_label(request));
            }
        } else {
            spec.names = request.columns;
        }
        spec.table = table_label(request);
        spec.batch_rows = std::max<size_t>(1, request.batch_rows);
        return make_sqlite_reader(pool_->acquire(), std::move(spec), context);
    }

    std::optional<TableInfo> apply_join(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                        const std::vector<std::pair<std::string, std::string>>& keys) override {
        // RIGHT and FULL joins exist since SQLite 3.39.
        if ((type == PushedJoinType::kRight || type == PushedJoinType::kFull) && sqlite3_libversion_number() < 3039000) {
            return std::nullopt;
        }
        auto info = join_relation(type, left, right, keys, dialect_);
        if (info) info->handle.properties[kSqliteProperty] = {{"kind", "join"}, {"base", ""}, {"split_key", ""}};
        return info;
    }

    std::optional<TableInfo> query_table(const std::string& query) override {
        auto lease = pool_->acquire();
        return sqlite_query_info(*lease, dialect_, query);
    }

    void close() override { pool_->close(); }

private:
    const std::string& catalog() const { return pool_->settings().catalog; }

    // Rowid ranges for a large table when the engine wants parallel splits and nothing order- or
    // count-dependent is pushed; else one split. Payload: {"low": n|absent, "high": n|absent, "rows": estimate}.
    std::vector<json> split_ranges(const ScanRequest& request) {
        const json& property = sqlite_property(request.table);
        const std::string key = property_string(property, "split_key");
        const std::string base = property_string(property, "base");
        if (request.target_splits <= 1 || request.aggregation || !request.order_by.empty() || request.limit ||
            key.empty() || base.empty() || request.constraint.is_none()) {
            return {json::object()};
        }
        int64_t low = 0, high = 0;
        {
            auto lease = pool_->acquire();
            // The base table's rowid range (the relation may be a subquery exposing it as split_key).
            const std::string rowid = property_string(property, "rowid");
            if (rowid.empty()) return {json::object()};
            SqliteStatement range(*lease, "SELECT min(" + rowid + "), max(" + rowid + ") FROM " + base,
                                  "planning splits of " + table_label(request));
            if (!range.step() || sqlite3_column_type(range.get(), 0) == SQLITE_NULL) return {json::object()};
            low = sqlite3_column_int64(range.get(), 0);
            high = sqlite3_column_int64(range.get(), 1);
        }
        const __int128 span = static_cast<__int128>(high) - low + 1;
        if (span < static_cast<__int128>(split_min_rows_)) return {json::object()};
        const __int128 count = std::min<__int128>(static_cast<__int128>(request.target_splits), span);
        std::vector<json> out;
        for (__int128 i = 0; i < count; ++i) {
            json payload = json::object();
            if (i > 0) payload["low"] = static_cast<int64_t>(low + span * i / count);
            if (i + 1 < count) payload["high"] = static_cast<int64_t>(low + span * (i + 1) / count);
            payload["rows"] = static_cast<double>(span / count);
            out.push_back(std::move(payload));
        }
        return out;
    }

    std::shared_ptr<SqlitePool> pool_;
    SqliteDialect dialect_;
    uint64_t split_min_rows_;
};

}  // namespace

std::shared_ptr<Connector> make_sqlite_connector(const ConnectorConfig& config) {
    config.check_known({"path", "read_only", "busy_timeout", "statement_timeout", "connect_timeout", "pool_size",
                        "attach", "split_min_rows"});
    SqliteSettings settings;
    settings.catalog = config.catalog;
    settings.path = absolute_path(config.require("path"));
    settings.read_only = config.get_bool("read_only", true);
    settings.busy_timeout_ms = static_cast<int>(config.get_seconds("busy_timeout", 5) * 1000);
    settings.acquire_timeout_seconds = config.get_seconds("connect_timeout", 10);
    if (config.get("statement_timeout")) {
        double seconds = config.get_seconds("statement_timeout", 0);
        if (seconds > 0) settings.statement_timeout_seconds = seconds;
    }
    int64_t pool_size = config.get_int("pool_size", 8);
    if (pool_size < 1 || pool_size > 1024) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option 'pool_size' must be between 1 and 1024, not {}",
              config.catalog, pool_size);
    }
    settings.pool_size = static_cast<size_t>(pool_size);
    int64_t split_min_rows = config.get_int("split_min_rows", 100000);
    if (split_min_rows < 1) {
        raise(ErrorCode::kInvalidParameter, "catalog {}: option 'split_min_rows' must be at least 1", config.catalog);
    }
    settings.attach = parse_attach(config);
    return std::make_shared<SqliteConnector>(std::move(settings), static_cast<uint64_t>(split_min_rows));
}

}  // namespace fedq
