#include "connectors/postgres/postgres_connector.h"

#include <cmath>
#include <functional>
#include <set>

#include "connectors/postgres/postgres_copy_reader.h"
#include "connectors/postgres/postgres_metadata.h"
#include "connectors/postgres/postgres_types.h"

namespace fedq {

namespace {

bool references(const ConnectorExpr& expr, const std::set<std::string>& columns) {
    if (expr.kind == ConnectorExprKind::kColumn) return columns.count(expr.name) > 0;
    for (const auto& a : expr.args) {
        if (references(a, columns)) return true;
    }
    return false;
}

std::string table_label(const ScanRequest& request) {
    if (request.table.properties.contains("passthrough")) return "passthrough query";
    return request.table.schema + "." + request.table.table;
}

// Output names of a request (for error messages).
std::vector<std::string> output_names(const ScanRequest& request) {
    if (!request.aggregation) return request.columns;
    std::vector<std::string> names;
    for (const auto& g : request.aggregation->groups) names.push_back(g.to_string());
    for (const auto& a : request.aggregation->aggregates) names.push_back(a.name.empty() ? a.function : a.name);
    return names;
}

std::string strip_query(std::string sql) {
    auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
    while (!sql.empty() && (is_space(sql.back()) || sql.back() == ';')) sql.pop_back();
    size_t start = 0;
    while (start < sql.size() && is_space(sql[start])) ++start;
    return sql.substr(start);
}

}  // namespace

PostgresConnector::PostgresConnector(const ConnectorConfig& config)
    : pool_(std::make_shared<PgConnectionPool>(PgSettings::from_config(config))) {}

PostgresConnector::~PostgresConnector() { pool_->close(); }

Capabilities PostgresConnector::capabilities() const {
    return sql_source_capabilities();
}

std::vector<std::string> PostgresConnector::list_schemas() {
    auto connection = pool_->acquire();
    return pg_list_schemas(*connection);
}

TablePage PostgresConnector::list_tables(const std::string& schema, const std::string& page_token) {
    auto connection = pool_->acquire();
    return pg_list_tables(*connection, schema, page_token);
}

std::optional<TableInfo> PostgresConnector::get_table(const std::string& schema, const std::string& table) {
    auto connection = pool_->acquire();
    return pg_get_table(*connection, schema, table);
}

void PostgresConnector::close() { pool_->close(); }

PostgresDialect PostgresConnector::dialect_for(std::initializer_list<const ScanRequest*> requests) const {
    PostgresDialect dialect = dialect_;
    for (const ScanRequest* request : requests) {
        for (const auto& column : columns_from_property(request->table.properties)) {
            if (pg_is_char_type(column.comment)) dialect.text_columns.insert(column.name);
        }
    }
    return dialect;
}

PostgresConnector::Translation PostgresConnector::translate(const ScanRequest& request) const {
    // Columns whose PostgreSQL comparison differs from the engine's (text-read types, char(n), floats...)
    // take part in no pushed predicate, grouping or ordering.
    std::set<std::string> blocked;
    for (const auto& column : columns_from_property(request.table.properties)) {
        if (!pg_column_pushable(column.comment, column.type)) blocked.insert(column.name);
    }
    ScanRequest pushable = request;
    pushable.filters.clear();
    std::vector<int> kept;  // index in pushable.filters of each request filter, -1 = blocked
    for (const auto& f : request.filters) {
        if (references(f, blocked)) {
            kept.push_back(-1);
        } else {
            kept.push_back(static_cast<int>(pushable.filters.size()));
            pushable.filters.push_back(f);
        }
    }
    bool dropped = pushable.filters.size() != request.filters.size();
    if (!request.constraint.is_none()) {
        Constraint constraint;
        for (const auto& [column, domain] : request.constraint.domains()) {
            if (blocked.count(column)) dropped = true;
            else constraint.add(column, domain);
        }
        pushable.constraint = constraint;
    }
    bool aggregation_blocked = false;
    if (request.aggregation) {
        for (const auto& g : request.aggregation->groups) aggregation_blocked |= references(g, blocked);
        for (const auto& a : request.aggregation->aggregates) {
            for (const auto& arg : a.args) aggregation_blocked |= references(arg, blocked);
        }
    } else {
        for (const auto& key : request.order_by) {
            if (key.output < request.columns.size() && blocked.count(request.columns[key.output])) {
                pushable.order_by.clear();
                pushable.limit.reset();  // a limit without its ordering would cut the wrong rows
                break;
            }
        }
    }
    if (dropped || aggregation_blocked) {
        pushable.order_by.clear();
        pushable.limit.reset();
        if (aggregation_blocked) pushable.aggregation.reset();
    }
    const PostgresDialect dialect = dialect_for({&request});
    SqlTranslation t = translate_scan(pushable, dialect);

    Translation out;
    out.select = std::move(t.select);
    out.plan = t.plan;
    out.plan.filters_accepted.clear();
    for (int index : kept) {
        out.plan.filters_accepted.push_back(index < 0 ? PushdownKind::kUnsupported
                                                      : t.plan.filters_accepted.at(static_cast<size_t>(index)));
    }
    for (const auto& [column, domain] : request.constraint.domains()) {
        if (blocked.count(column)) out.plan.constraint_accepted[column] = PushdownKind::kUnsupported;
    }
    if (aggregation_blocked) out.plan.aggregation_accepted = false;

    // Every output is cast to the PostgreSQL counterpart of its engine type: the binary COPY stream then has
    // exactly the wire format the decoder expects (and sums, averages and text reads get the engine's type).
    if (!request.aggregation || out.plan.aggregation_accepted) {
        std::vector<Type> types = output_types(request);
        if (types.size() == out.select.select_items.size()) {
            for (size_t i = 0; i < types.size(); ++i) {
                auto pg_type = pg_cast_type(types[i]);
                if (!pg_type) {
                    raise(ErrorCode::kNotSupported, "catalog {}: cannot read a {} value from PostgreSQL ({})",
                          settings().catalog, types[i].to_string(), table_label(request));
                }
                out.select.select_items[i] = "CAST(" + out.select.select_items[i] + " AS " + *pg_type + ")";
            }
        }
    }
    out.sql = out.select.sql(dialect);
    // A scan of no columns (count(*) in the engine) selects an empty target list: rows without fields.
    if (out.select.select_items.empty() && out.sql.rfind("SELECT 1 FROM", 0) == 0) out.sql.erase(7, 2);
    return out;
}

ScanPlan PostgresConnector::negotiate(const ScanRequest& request) { return translate(request).plan; }

ScanPlan PostgresConnector::plan_scan(const ScanRequest& request) {
    Translation t = translate(request);
    const std::string& catalog = settings().catalog;
    if (request.aggregation && !t.plan.aggregation_accepted) {
        raise(ErrorCode::kNotSupported, "catalog {}: the aggregation over {} cannot run in PostgreSQL (negotiate refused it)",
              catalog, table_label(request));
    }
    ScanPlan plan = t.plan;
    const auto& props = request.table.properties;
    const std::string relkind = props.contains("relkind") ? props["relkind"].get<std::string>() : "";
    const bool splittable = request.target_splits > 1 && !t.select.grouped && t.select.order_by.empty() &&
                            !t.select.limit && props.contains("pg_oid") && (relkind == "r" || relkind == "m");
    size_t count = 1;
    int64_t pages = 0;
    double rows = -1;
    if (splittable) {
        auto connection = pool_->acquire();
        PgResult r = connection->exec(
            "SELECT pg_relation_size(oid) / current_setting('block_size')::int8, reltuples FROM pg_class WHERE oid = $1::oid",
            {props["pg_oid"].get<std::string>()}, "size of " + table_label(request));
        if (r.rows() == 1) {
            pages = std::stoll(r.string(0, 0));
            rows = std::stod(r.string(0, 1));
            double estimate = rows >= 0 ? rows : static_cast<double>(pages) * 100;
            double wanted = std::ceil(estimate / static_cast<double>(settings().split_rows));
            count = static_cast<size_t>(std::max(1.0, std::min({wanted, static_cast<double>(request.target_splits),
                                                                static_cast<double>(pages)})));
        }
    }
    if (count <= 1) {
        Split split;
        split.payload["sql"] = t.sql;
        split.description = t.sql;
        if (rows >= 0) split.estimated_rows = rows;
        plan.splits.push_back(std::move(split));
        plan.description = fmt::format("postgres {}: {}", catalog, t.sql);
        return plan;
    }
    const int64_t per_split = (pages + static_cast<int64_t>(count) - 1) / static_cast<int64_t>(count);
    for (size_t k = 0; k < count; ++k) {
        const int64_t low = static_cast<int64_t>(k) * per_split;
        const int64_t high = low + per_split;
        std::string range;
        if (k > 0) range = fmt::format("ctid >= '({},0)'::tid", low);
        // The last split is open-ended: pages added since planning belong to it.
        if (k + 1 < count) range += fmt::format("{}ctid < '({},0)'::tid", range.empty() ? "" : " AND ", high);
        Split split;
        split.payload["sql"] = t.select.sql(dialect_for({&request}), range);
        split.description = split.payload["sql"].get<std::string>();
        if (rows >= 0) split.estimated_rows = rows / static_cast<double>(count);
        plan.splits.push_back(std::move(split));
    }
    plan.description = fmt::format("postgres {}: {} ({} ctid-range splits)", catalog, t.sql, count);
    return plan;
}

std::unique_ptr<BatchReader> PostgresConnector::read_split(const ScanRequest& request, const Split& split,
                                                           ReadContext& context) {
    auto it = split.payload.find("sql");
    if (it == split.payload.end() || !it->is_string()) {
        raise(ErrorCode::kInternal, "catalog {}: malformed split for {}", settings().catalog, table_label(request));
    }
    return std::make_unique<PgCopyReader>(pool_, it->get<std::string>(), output_types(request), output_names(request),
                                          table_label(request), request.batch_rows, context);
}

std::optional<TableInfo> PostgresConnector::apply_join(PushedJoinType type, const ScanRequest& left,
                                                       const ScanRequest& right,
                                                       const std::vector<std::pair<std::string, std::string>>& keys) {
    // Each side must be fully pushable by this dialect, and the keys must compare as in the engine.
    for (const ScanRequest* side : {&left, &right}) {
        ScanPlan accepted = negotiate(*side);
        for (auto kind : accepted.filters_accepted) {
            if (kind != PushdownKind::kExact) return std::nullopt;
        }
        for (const auto& [column, kind] : accepted.constraint_accepted) {
            if (kind != PushdownKind::kExact) return std::nullopt;
        }
    }
    auto pushable = [](const ScanRequest& request, const std::string& name) {
        for (const auto& column : columns_from_property(request.table.properties)) {
            if (column.name == name) return pg_column_pushable(column.comment, column.type);
        }
        return false;
    };
    for (const auto& [l, r] : keys) {
        if (!pushable(left, l) || !pushable(right, r)) return std::nullopt;
    }
    return join_relation(type, left, right, keys, dialect_for({&left, &right}));
}

std::optional<TableInfo> PostgresConnector::query_table(const std::string& query) {
    std::string sql = strip_query(query);
    if (sql.empty()) raise(ErrorCode::kInvalidParameter, "catalog {}: the passthrough query is empty", settings().catalog);
    auto connection = pool_->acquire();
    return pg_describe_query(*connection, sql);
}

std::shared_ptr<Connector> make_postgres_connector(const ConnectorConfig& config) {
    return std::make_shared<PostgresConnector>(config);
}

}  // namespace fedq
