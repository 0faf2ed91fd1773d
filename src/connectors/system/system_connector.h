// The `system` catalog: information_schema (schemata, tables, columns) over every catalog, and
// metadata.catalogs. Rows are produced on read from the live CatalogManager; no constraint is pushed
// (the engine filters), which doubles as the test that a connector accepting nothing stays correct.
#pragma once

#include "catalog/catalog.h"

namespace fedq {

class SystemConnector final : public Connector {
public:
    explicit SystemConnector(CatalogManager& catalogs) : catalogs_(catalogs) {}

    std::string type_name() const override { return "system"; }
    Capabilities capabilities() const override { return Capabilities(); }
    std::vector<std::string> list_schemas() override { return {"information_schema", "metadata"}; }
    TablePage list_tables(const std::string& schema, const std::string& page_token) override;
    std::optional<TableInfo> get_table(const std::string& schema, const std::string& table) override;
    ScanPlan plan_scan(const ScanRequest& request) override;
    std::unique_ptr<BatchReader> read_split(const ScanRequest& request, const Split& split, ReadContext& context) override;

private:
    CatalogManager& catalogs_;
};

}  // namespace fedq
