// Table statements on lake catalogs (src/connectors/lake): CREATE [EXTERNAL] TABLE, CREATE TABLE AS
// (CTAS), INSERT INTO / INSERT OVERWRITE, DROP TABLE, MSCK REPAIR TABLE, ALTER TABLE ADD/DROP PARTITION,
// SET TBLPROPERTIES, ADD COLUMNS, SHOW PARTITIONS and SHOW CREATE TABLE.
//
// Writes go through FileWriteSink: new files stay invisible until the query has produced every row, then
// they are committed and the table / its new partitions are registered. A failing query leaves neither
// files nor metadata behind.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "engine/engine.h"
#include "planner/binder.h"
#include "sql/ast.h"

namespace fedq {

struct LakeStatementHooks {
    // Evaluates a constant expression (partition values, WITH options); `clause` names it in errors.
    std::function<Value(const ast::Expr& expr, const std::string& clause)> constant;
    // Runs a query, streaming its rows into the sink.
    std::function<QueryResult(const ast::Query& query, ResultSink& sink)> run_query;
    // Names and types of a query's result, without running it.
    std::function<std::pair<std::vector<std::string>, std::vector<Type>>(const ast::Query& query)> describe_query;
};

// Runs kCreateTable, kDropTable, kInsert, kRepairTable, kAlterTable statements and SHOW PARTITIONS /
// SHOW CREATE TABLE. Raises kNotSupported for catalogs that are not lake catalogs.
QueryResult execute_lake_statement(CatalogManager& catalogs, const SessionState& session,
                                   const LakeStatementHooks& hooks, const ast::Statement& statement);

}  // namespace fedq
