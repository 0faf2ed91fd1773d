#include "connectors/system/system_connector.h"

#include "common/error.h"

namespace fedq {

namespace {

struct TableDef {
    const char* schema;
    const char* name;
    std::vector<std::pair<const char*, Type>> columns;
};

const std::vector<TableDef>& definitions() {
    static const std::vector<TableDef> kTables = {
        {"information_schema", "schemata", {{"catalog_name", Type::varchar()}, {"schema_name", Type::varchar()}}},
        {"information_schema", "tables",
         {{"table_catalog", Type::varchar()}, {"table_schema", Type::varchar()}, {"table_name", Type::varchar()},
          {"table_type", Type::varchar()}}},
        {"information_schema", "columns",
         {{"table_catalog", Type::varchar()}, {"table_schema", Type::varchar()}, {"table_name", Type::varchar()},
          {"column_name", Type::varchar()}, {"ordinal_position", Type::bigint()}, {"is_nullable", Type::varchar()},
          {"data_type", Type::varchar()}, {"comment", Type::varchar()}}},
        {"metadata", "catalogs", {{"catalog_name", Type::varchar()}, {"connector_name", Type::varchar()}}},
    };
    return kTables;
}

const TableDef* find_definition(const std::string& schema, const std::string& table) {
    for (const auto& d : definitions()) {
        if (schema == d.schema && table == d.name) return &d;
    }
    return nullptr;
}

class RowsReader final : public BatchReader {
public:
    explicit RowsReader(Batch batch) : batch_(std::move(batch)) {}
    bool next(Batch& batch) override {
        if (done_) return false;
        done_ = true;
        batch = std::move(batch_);
        return true;
    }

private:
    Batch batch_;
    bool done_ = false;
};

}  // namespace

TablePage SystemConnector::list_tables(const std::string& schema, const std::string&) {
    TablePage page;
    for (const auto& d : definitions()) {
        if (schema == d.schema) page.tables.push_back(d.name);
    }
    return page;
}

std::optional<TableInfo> SystemConnector::get_table(const std::string& schema, const std::string& table) {
    const TableDef* d = find_definition(schema, table);
    if (!d) return std::nullopt;
    TableInfo info;
    info.handle.schema = schema;
    info.handle.table = table;
    for (const auto& [name, type] : d->columns) info.columns.push_back({name, type, true, ""});
    info.statistics.row_count = 100;
    return info;
}

ScanPlan SystemConnector::plan_scan(const ScanRequest& request) {
    ScanPlan plan;
    for (const auto& [column, _] : request.constraint.domains()) plan.constraint_accepted[column] = PushdownKind::kUnsupported;
    plan.splits.push_back(Split{});
    plan.description = "system tables (no pushdown)";
    return plan;
}

std::unique_ptr<BatchReader> SystemConnector::read_split(const ScanRequest& request, const Split&, ReadContext&) {
    const TableDef* d = find_definition(request.table.schema, request.table.table);
    if (!d) raise(ErrorCode::kUndefinedTable, "system table {}.{} does not exist", request.table.schema, request.table.table);
    std::vector<std::vector<Value>> rows;
    auto text = [](const std::string& s) { return Value::varchar(s); };
    if (d->name == std::string("catalogs")) {
        // Configured catalogs are listed without opening them.
        for (const auto& entry : catalogs_.list()) rows.push_back({text(entry.name), text(entry.type)});
    }
    for (const auto& catalog : catalogs_.names()) {
        if (d->name == std::string("catalogs")) break;
        auto connector = catalogs_.find(catalog);
        if (!connector) continue;
        for (const auto& schema : connector->list_schemas()) {
            if (d->name == std::string("schemata")) {
                rows.push_back({text(catalog), text(schema)});
                continue;
            }
            std::string token;
            do {
                TablePage page = connector->list_tables(schema, token);
                for (const auto& table : page.tables) {
                    if (d->name == std::string("tables")) {
                        rows.push_back({text(catalog), text(schema), text(table), text("BASE TABLE")});
                        continue;
                    }
                    auto info = connector->get_table(schema, table);
                    if (!info) continue;
                    for (size_t i = 0; i < info->columns.size(); ++i) {
                        const auto& c = info->columns[i];
                        rows.push_back({text(catalog), text(schema), text(table), text(c.name),
                                        Value::bigint(static_cast<int64_t>(i + 1)), text(c.nullable ? "YES" : "NO"),
                                        text(c.type.to_string()), c.comment.empty() ? Value::null(Type::varchar()) : text(c.comment)});
                    }
                }
                token = page.next_token;
            } while (!token.empty());
        }
    }
    Batch batch;
    batch.num_rows = rows.size();
    for (const auto& wanted : request.columns) {
        size_t index = d->columns.size();
        for (size_t i = 0; i < d->columns.size(); ++i) {
            if (wanted == d->columns[i].first) index = i;
        }
        if (index == d->columns.size()) raise(ErrorCode::kUndefinedColumn, "system table {} has no column {}", d->name, wanted);
        auto column = Column::make(d->columns[index].second, rows.size());
        for (const auto& row : rows) column->append_value(row[index]);
        batch.columns.push_back(std::move(column));
    }
    return std::make_unique<RowsReader>(std::move(batch));
}

}  // namespace fedq
