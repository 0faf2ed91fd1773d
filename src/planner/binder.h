// The binder: resolves names against catalogs and scopes, types every expression (inserting implicit
// casts), and builds the logical plan of a query. Subqueries are planned here too: uncorrelated ones
// become joins against their plans, correlated ones are decorrelated into (semi/anti/mark/left) joins.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "planner/logical_plan.h"
#include "sql/ast.h"

namespace fedq {

struct SessionState {
    std::string catalog = "system";
    std::string schema = "information_schema";
    FunctionContext function_context;
};

struct BoundQuery {
    LogicalPtr plan;
    std::vector<std::string> names;  // visible output names (plan outputs in order)
};

struct ScopeColumn {
    std::string table;    // alias or table name ("" for derived columns)
    std::string name;
    ColumnId id;
    Type type;
    bool hidden_unqualified = false;  // the right copy of a USING column
};

struct Scope {
    std::vector<ScopeColumn> columns;
    const Scope* parent = nullptr;
};

class Binder {
public:
    Binder(CatalogManager& catalogs, const SessionState& session);

    BoundQuery bind_query(const ast::Query& query);
    // Resolves a table reference for DESCRIBE / SHOW COLUMNS.
    TableInfo resolve_table_info(const ast::TableRef& ref);

    ColumnId next_column_id() { return next_id_++; }

private:
    friend class ExpressionBinder;
    struct CteEntry {
        const ast::CommonTableExpr* cte;
    };

    BoundQuery bind_query_in(const ast::Query& query, const Scope* outer);
    BoundQuery bind_body(const ast::QueryBody& body, const Scope* outer, const ast::Query* query_for_order);
    BoundQuery bind_select(const ast::SelectBody& select, const Scope* outer, const ast::Query* query);
    BoundQuery bind_set_operation(const ast::SetOperationBody& body, const Scope* outer);
    BoundQuery bind_values(const std::vector<std::vector<ast::ExprPtr>>& rows, const Scope* outer);
    LogicalPtr bind_table_ref(const ast::TableRef& ref, const Scope* outer, Scope& scope);
    LogicalPtr bind_named_table(const ast::NamedTableRef& ref, const Scope* outer, Scope& scope);
    LogicalPtr bind_join(const ast::JoinTableRef& ref, const Scope* outer, Scope& scope);
    // UNNEST(array, ...) [WITH ORDINALITY] over `input` (one row for a standalone UNNEST); its
    // arguments may use the columns of `argument_scope` (CROSS JOIN UNNEST(t.arr)).
    LogicalPtr bind_query_passthrough(const ast::TableFunctionRef& fn, Scope& scope);
    LogicalPtr bind_unnest(const ast::TableFunctionRef& ref, LogicalPtr input, const Scope& argument_scope, Scope& scope);
    LogicalPtr make_scan(std::shared_ptr<Connector> connector, const std::string& catalog, TableInfo info,
                         const std::string& alias, const ast::TableAlias& aliases, Scope& scope);
    LogicalPtr apply_alias(LogicalPtr plan, const std::vector<std::string>& names, const std::string& table,
                           const ast::TableAlias& alias, Scope& scope);
    LogicalPtr apply_order_limit(BoundQuery& bound, const ast::Query& query);

    // Subqueries collected while binding one clause, planned into `plan` afterwards.
    LogicalPtr plan_subqueries(LogicalPtr plan, BoundExprPtr& expr, std::vector<struct PendingSubquery>& pending,
                               bool is_filter_conjunct);
    LogicalPtr plan_predicate(LogicalPtr plan, BoundExprPtr predicate, std::vector<struct PendingSubquery>& pending);

    BoundExprPtr coerce(BoundExprPtr expr, const Type& to);
    std::optional<Value> constant_int(const ast::Expr& expr);
    uint64_t bind_limit(const ast::Expr& expr, const char* what);

    CatalogManager& catalogs_;
    const SessionState& session_;
    ColumnId next_id_ = 1;
    std::vector<std::map<std::string, const ast::CommonTableExpr*>> cte_scopes_;
    LogicalPtr bind_recursive_cte(const ast::CommonTableExpr& cte, const Scope* outer);
    bool references_itself(const ast::CommonTableExpr& cte) const;
    bool recursive_scope_ = false;  // inside WITH RECURSIVE
    struct WorkTable {
        int recursion;
        std::vector<OutputColumn> columns;
    };
    std::map<const ast::CommonTableExpr*, WorkTable> work_tables_;  // recursive CTEs being bound
    int next_recursion_ = 1;
};

}  // namespace fedq
