#include "planner/binder.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/error.h"
#include "connectors/files/files_connector.h"
#include "functions/cast.h"
#include "planner/expression_binder.h"
#include "planner/subquery_planner.h"

namespace fedq {

namespace {

LogicalPtr make_node(LogicalKind kind) { return std::make_unique<LogicalNode>(kind); }

// The one-row, zero-column relation of SELECT without FROM.
LogicalPtr single_row() {
    auto values = make_node(LogicalKind::kValues);
    values->rows.emplace_back();
    return values;
}

std::string expression_name(const ast::Expr& expr, size_t index) {
    if (expr.kind == ast::ExprKind::kColumnRef) {
        return static_cast<const ast::ColumnRefExpr&>(expr).name.parts.back().name;
    }
    if (expr.kind == ast::ExprKind::kFunction) {
        const auto& f = static_cast<const ast::FunctionExpr&>(expr);
        if (!f.name.parts.empty()) return to_lower(f.name.parts.back().name);
    }
    if (expr.kind == ast::ExprKind::kCast) return expression_name(*static_cast<const ast::CastExpr&>(expr).operand, index);
    return fmt::format("_col{}", index);
}

// Replaces subtrees equal to one of `from` by a reference to the matching column.
BoundExprPtr replace_groups(BoundExprPtr expr, const std::vector<BoundExprPtr>& groups, const std::vector<OutputColumn>& outputs) {
    for (size_t i = 0; i < groups.size(); ++i) {
        if (expr->equals(*groups[i])) return BoundExpr::column(outputs[i].id, outputs[i].type, outputs[i].name);
    }
    for (auto& c : expr->children) c = replace_groups(std::move(c), groups, outputs);
    return expr;
}

void check_grouped(const BoundExpr& expr, const std::set<ColumnId>& ungrouped, const std::vector<ScopeColumn>& scope) {
    std::vector<ColumnId> used;
    expr.collect_columns(used);
    for (ColumnId id : used) {
        if (!ungrouped.count(id)) continue;
        std::string name = "?";
        for (const auto& c : scope) {
            if (c.id == id) name = c.table.empty() ? c.name : c.table + "." + c.name;
        }
        raise(ErrorCode::kGrouping, "column \"{}\" must appear in the GROUP BY clause or be used in an aggregate function", name);
    }
}

}  // namespace

Binder::Binder(CatalogManager& catalogs, const SessionState& session) : catalogs_(catalogs), session_(session) {}

BoundQuery Binder::bind_query(const ast::Query& query) { return bind_query_in(query, nullptr); }

BoundQuery Binder::bind_query_in(const ast::Query& query, const Scope* outer) {
    bool saved_recursive = recursive_scope_;
    if (query.recursive) recursive_scope_ = true;
    struct RestoreRecursive {
        bool& flag;
        bool value;
        ~RestoreRecursive() { flag = value; }
    } restore{recursive_scope_, saved_recursive};
    std::map<std::string, const ast::CommonTableExpr*> ctes;
    for (const auto& cte : query.with) {
        std::string key = cte.name.quoted ? cte.name.name : to_lower(cte.name.name);
        if (ctes.count(key)) fail_at(ErrorCode::kDuplicateObject, cte.name.position, fmt::format("WITH query name \"{}\" specified more than once", cte.name.name));
        ctes[key] = &cte;
    }
    // CTEs are visible to later CTEs and the body; each is registered before the next is bound.
    cte_scopes_.emplace_back();
    struct Pop {
        std::vector<std::map<std::string, const ast::CommonTableExpr*>>& s;
        ~Pop() { s.pop_back(); }
    } pop{cte_scopes_};
    for (const auto& cte : query.with) {
        cte_scopes_.back()[cte.name.quoted ? cte.name.name : to_lower(cte.name.name)] = &cte;
    }
    BoundQuery bound = bind_body(*query.body, outer, &query);
    return bound;
}

BoundQuery Binder::bind_body(const ast::QueryBody& body, const Scope* outer, const ast::Query* query) {
    BoundQuery bound;
    switch (body.kind) {
        case ast::QueryBodyKind::kSelect:
            return bind_select(static_cast<const ast::SelectBody&>(body), outer, query);
        case ast::QueryBodyKind::kSetOperation:
            bound = bind_set_operation(static_cast<const ast::SetOperationBody&>(body), outer);
            break;
        case ast::QueryBodyKind::kValues:
            bound = bind_values(static_cast<const ast::ValuesBody&>(body).rows, outer);
            break;
        case ast::QueryBodyKind::kQuery:
            bound = bind_query_in(*static_cast<const ast::NestedQueryBody&>(body).query, outer);
            break;
    }
    if (query && (!query->order_by.empty() || query->limit || query->offset)) bound.plan = apply_order_limit(bound, *query);
    return bound;
}

uint64_t Binder::bind_limit(const ast::Expr& expr, const char* what) {
    Scope empty;
    ExpressionBinder binder(*this, empty);
    binder.clause = what;
    BoundExprPtr value = binder.bind(expr);
    if (!value->is_constant() || !value->type.is_integer() || value->constant.is_null() || value->constant.as_int() < 0) {
        fail_at(ErrorCode::kInvalidParameter, expr.position, fmt::format("{} must be a non-negative integer constant", what));
    }
    return static_cast<uint64_t>(value->constant.as_int());
}

// ORDER BY / LIMIT over a set operation or VALUES: keys refer to output names or ordinals.
LogicalPtr Binder::apply_order_limit(BoundQuery& bound, const ast::Query& query) {
    LogicalPtr plan = std::move(bound.plan);
    if (!query.order_by.empty()) {
        Scope scope;
        for (size_t i = 0; i < plan->outputs.size(); ++i) {
            scope.columns.push_back({"", bound.names[i], plan->outputs[i].id, plan->outputs[i].type});
        }
        auto sort = make_node(LogicalKind::kSort);
        for (const auto& item : query.order_by) {
            SortKey key;
            if (item.expr->kind == ast::ExprKind::kLiteral &&
                static_cast<const ast::LiteralExpr&>(*item.expr).literal_kind == ast::LiteralKind::kInteger) {
                size_t ordinal = std::stoul(static_cast<const ast::LiteralExpr&>(*item.expr).text);
                if (ordinal < 1 || ordinal > plan->outputs.size()) {
                    fail_at(ErrorCode::kInvalidParameter, item.expr->position, fmt::format("ORDER BY position {} is not in select list", ordinal));
                }
                const auto& out = plan->outputs[ordinal - 1];
                key.expr = BoundExpr::column(out.id, out.type, out.name);
            } else {
                ExpressionBinder binder(*this, scope);
                binder.clause = "ORDER BY";
                key.expr = binder.bind(*item.expr);
            }
            key.descending = item.descending;
            key.nulls_first = item.nulls_first.value_or(false);
            sort->sort_keys.push_back(std::move(key));
        }
        sort->outputs = plan->outputs;
        sort->children.push_back(std::move(plan));
        plan = std::move(sort);
    }
    if (query.limit || query.offset) {
        auto limit = make_node(LogicalKind::kLimit);
        if (query.limit) limit->limit = bind_limit(*query.limit, "LIMIT");
        if (query.offset) limit->offset = bind_limit(*query.offset, "OFFSET");
        limit->outputs = plan->outputs;
        limit->children.push_back(std::move(plan));
        plan = std::move(limit);
    }
    return plan;
}

BoundQuery Binder::bind_values(const std::vector<std::vector<ast::ExprPtr>>& rows, const Scope* outer) {
    Scope empty;
    empty.parent = outer;
    auto values = make_node(LogicalKind::kValues);
    size_t width = rows.empty() ? 0 : rows[0].size();
    std::vector<Type> types(width, Type::null());
    for (const auto& row : rows) {
        if (row.size() != width) fail_at(ErrorCode::kSyntax, row.empty() ? SqlPosition{} : row[0]->position, "VALUES rows must all have the same number of columns");
        std::vector<BoundExprPtr> bound_row;
        for (size_t i = 0; i < width; ++i) {
            ExpressionBinder binder(*this, empty);
            binder.clause = "VALUES";
            bound_row.push_back(binder.bind(*row[i]));
            auto common = common_super_type(types[i], bound_row.back()->type);
            if (!common) {
                fail_at(ErrorCode::kDatatypeMismatch, row[i]->position,
                        fmt::format("VALUES column {} has incompatible types {} and {}", i + 1, types[i].to_string(),
                                    bound_row.back()->type.to_string()));
            }
            types[i] = *common;
        }
        values->rows.push_back(std::move(bound_row));
    }
    BoundQuery bound;
    for (size_t i = 0; i < width; ++i) {
        Type t = types[i].id() == TypeId::kNull ? Type::varchar() : types[i];
        for (auto& row : values->rows) row[i] = make_cast(std::move(row[i]), t);
        std::string name = fmt::format("_col{}", i);
        values->outputs.push_back({next_column_id(), name, t});
        bound.names.push_back(name);
    }
    bound.plan = std::move(values);
    return bound;
}

BoundQuery Binder::bind_set_operation(const ast::SetOperationBody& body, const Scope* outer) {
    BoundQuery left = bind_body(*body.left, outer, nullptr);
    BoundQuery right = bind_body(*body.right, outer, nullptr);
    if (left.plan->outputs.size() != right.plan->outputs.size()) {
        fail_at(ErrorCode::kSyntax, body.position,
                fmt::format("each {} query must have the same number of columns ({} vs {})",
                            body.op == ast::SetOpType::kUnion ? "UNION" : body.op == ast::SetOpType::kIntersect ? "INTERSECT" : "EXCEPT",
                            left.plan->outputs.size(), right.plan->outputs.size()));
    }
    const size_t visible_width = left.plan->outputs.size();
    size_t width = visible_width;
    std::vector<Type> types;
    for (size_t i = 0; i < width; ++i) {
        auto common = common_super_type(left.plan->outputs[i].type, right.plan->outputs[i].type);
        if (!common) {
            fail_at(ErrorCode::kDatatypeMismatch, body.position,
                    fmt::format("column {} of the set operation has incompatible types {} and {}", i + 1,
                                left.plan->outputs[i].type.to_string(), right.plan->outputs[i].type.to_string()));
        }
        types.push_back(common->id() == TypeId::kNull ? Type::varchar() : *common);
    }
    // INTERSECT ALL / EXCEPT ALL: number the copies of each row on both sides (row_number() partitioned
    // by every column); the copy number is then one more column of a DISTINCT set operation, so a row
    // kept m times on one side and n on the other survives min(m, n) (or m - n) times.
    bool numbered = body.all && body.op != ast::SetOpType::kUnion;
    if (numbered) {
        auto number = [&](LogicalPtr plan) {
            auto window = make_node(LogicalKind::kWindow);
            WindowCall call;
            call.kind = WindowFunctionKind::kRowNumber;
            call.name = "row_number";
            call.type = Type::bigint();
            for (size_t i = 0; i < visible_width; ++i) {
                const auto& o = plan->outputs[i];
                call.partition_by.push_back(BoundExpr::column(o.id, o.type, o.name));
            }
            call.frame.end_unbounded = true;
            call.frame.end = std::nullopt;
            call.output = next_column_id();
            window->outputs = plan->outputs;
            window->outputs.push_back({call.output, "$copy", Type::bigint()});
            window->windows.push_back(std::move(call));
            window->children.push_back(std::move(plan));
            return window;
        };
        left.plan = number(std::move(left.plan));
        right.plan = number(std::move(right.plan));
        types.push_back(Type::bigint());
        left.names.push_back("$copy");
        width += 1;
    }
    // Project each side onto the common types; the right side also gets a tag for INTERSECT/EXCEPT.
    bool tagged = body.op != ast::SetOpType::kUnion;
    auto project_side = [&](LogicalPtr plan, int tag) {
        auto project = make_node(LogicalKind::kProject);
        for (size_t i = 0; i < width; ++i) {
            const auto& out = plan->outputs[i];
            project->expressions.push_back(make_cast(BoundExpr::column(out.id, out.type, out.name), types[i]));
            project->outputs.push_back({next_column_id(), left.names[i], types[i]});
        }
        if (tagged) {
            project->expressions.push_back(BoundExpr::constant_value(Value::integer(tag)));
            project->outputs.push_back({next_column_id(), "$tag", Type::integer()});
        }
        project->children.push_back(std::move(plan));
        return project;
    };
    auto union_all = make_node(LogicalKind::kUnionAll);
    union_all->children.push_back(project_side(std::move(left.plan), 0));
    union_all->children.push_back(project_side(std::move(right.plan), 1));
    for (size_t i = 0; i < width + (tagged ? 1 : 0); ++i) {
        const auto& o = union_all->children[0]->outputs[i];
        union_all->outputs.push_back({next_column_id(), o.name, o.type});
    }
    BoundQuery bound;
    bound.names.assign(left.names.begin(), left.names.begin() + static_cast<long>(visible_width));
    if (body.op == ast::SetOpType::kUnion) {
        if (body.all) {
            bound.plan = std::move(union_all);
            return bound;
        }
        auto distinct = make_node(LogicalKind::kAggregate);
        for (const auto& o : union_all->outputs) {
            distinct->groups.push_back(BoundExpr::column(o.id, o.type, o.name));
            distinct->outputs.push_back({next_column_id(), o.name, o.type});
        }
        distinct->children.push_back(std::move(union_all));
        bound.plan = std::move(distinct);
        return bound;
    }
    // INTERSECT / EXCEPT: group by all columns, count rows from each side.
    auto aggregate = make_node(LogicalKind::kAggregate);
    for (size_t i = 0; i < width; ++i) {
        const auto& o = union_all->outputs[i];
        aggregate->groups.push_back(BoundExpr::column(o.id, o.type, o.name));
        aggregate->outputs.push_back({next_column_id(), o.name, o.type});
    }
    const auto& tag = union_all->outputs[width];
    ColumnId counts[2];
    for (int side = 0; side < 2; ++side) {
        AggregateCall call;
        call.name = "count_if";
        auto condition = make_comparison("$eq", BoundExpr::column(tag.id, tag.type, "$tag"),
                                         BoundExpr::constant_value(Value::integer(side)), &session_.function_context);
        call.function = std::make_shared<BoundAggregateFunction>(
            FunctionRegistry::instance().bind_aggregate("count_if", {Type::boolean()}, {std::nullopt}, false));
        call.args.push_back(std::move(condition));
        call.output = next_column_id();
        counts[side] = call.output;
        aggregate->outputs.push_back({call.output, fmt::format("$count{}", side), call.function->return_type});
        aggregate->aggregates.push_back(std::move(call));
    }
    aggregate->children.push_back(std::move(union_all));
    auto filter = make_node(LogicalKind::kFilter);
    auto left_count = make_comparison("$gt", BoundExpr::column(counts[0], Type::bigint(), "$count0"),
                                      BoundExpr::constant_value(Value::bigint(0)), &session_.function_context);
    auto right_count = make_comparison(body.op == ast::SetOpType::kIntersect ? "$gt" : "$eq",
                                       BoundExpr::column(counts[1], Type::bigint(), "$count1"),
                                       BoundExpr::constant_value(Value::bigint(0)), &session_.function_context);
    std::vector<BoundExprPtr> parts;
    parts.push_back(std::move(left_count));
    parts.push_back(std::move(right_count));
    filter->predicate = make_conjunction(std::move(parts));
    filter->outputs = aggregate->outputs;
    filter->children.push_back(std::move(aggregate));
    auto project = make_node(LogicalKind::kProject);
    for (size_t i = 0; i < visible_width; ++i) {
        const auto& o = filter->outputs[i];
        project->expressions.push_back(BoundExpr::column(o.id, o.type, o.name));
        project->outputs.push_back({next_column_id(), o.name, o.type});
    }
    project->children.push_back(std::move(filter));
    bound.plan = std::move(project);
    return bound;
}

LogicalPtr Binder::apply_alias(LogicalPtr plan, const std::vector<std::string>& names, const std::string& table,
                               const ast::TableAlias& alias, Scope& scope) {
    if (alias.columns.size() > plan->outputs.size()) {
        fail_at(ErrorCode::kSyntax, alias.name ? alias.name->position : SqlPosition{},
                fmt::format("table alias has {} columns but the relation has {}", alias.columns.size(), plan->outputs.size()));
    }
    std::string table_name = alias.name ? alias.name->name : table;
    for (size_t i = 0; i < plan->outputs.size(); ++i) {
        std::string name = i < alias.columns.size() ? alias.columns[i].name : names[i];
        plan->outputs[i].name = name;
        scope.columns.push_back({table_name, name, plan->outputs[i].id, plan->outputs[i].type});
    }
    return plan;
}

LogicalPtr Binder::make_scan(std::shared_ptr<Connector> connector, const std::string& catalog, TableInfo info,
                             const std::string& table_name, const ast::TableAlias& alias, Scope& scope) {
    auto scan = make_node(LogicalKind::kScan);
    scan->connector = std::move(connector);
    scan->catalog_name = catalog;
    for (size_t i = 0; i < info.columns.size(); ++i) {
        scan->outputs.push_back({next_column_id(), info.columns[i].name, info.columns[i].type});
        scan->scan_columns.push_back(i);
    }
    scan->table = std::move(info);
    std::vector<std::string> names;
    for (const auto& o : scan->outputs) names.push_back(o.name);
    return apply_alias(std::move(scan), names, table_name, alias, scope);
}

namespace {

bool mentions_table(const ast::TableRef& ref, const std::string& name);

bool mentions_in_query(const ast::Query& query, const std::string& name);

bool mentions_in_body(const ast::QueryBody& body, const std::string& name) {
    switch (body.kind) {
        case ast::QueryBodyKind::kSelect: {
            const auto& select = static_cast<const ast::SelectBody&>(body);
            return select.from && mentions_table(*select.from, name);
        }
        case ast::QueryBodyKind::kSetOperation: {
            const auto& set = static_cast<const ast::SetOperationBody&>(body);
            return mentions_in_body(*set.left, name) || mentions_in_body(*set.right, name);
        }
        case ast::QueryBodyKind::kQuery: return mentions_in_query(*static_cast<const ast::NestedQueryBody&>(body).query, name);
        default: return false;
    }
}

bool mentions_in_query(const ast::Query& query, const std::string& name) { return mentions_in_body(*query.body, name); }

bool mentions_table(const ast::TableRef& ref, const std::string& name) {
    switch (ref.kind) {
        case ast::TableRefKind::kNamed: {
            const auto& parts = static_cast<const ast::NamedTableRef&>(ref).name.parts;
            return parts.size() == 1 && to_lower(parts[0].name) == name;
        }
        case ast::TableRefKind::kJoin: {
            const auto& join = static_cast<const ast::JoinTableRef&>(ref);
            return mentions_table(*join.left, name) || mentions_table(*join.right, name);
        }
        case ast::TableRefKind::kSubquery: return mentions_in_query(*static_cast<const ast::SubqueryTableRef&>(ref).query, name);
        default: return false;
    }
}

}  // namespace

bool Binder::references_itself(const ast::CommonTableExpr& cte) const {
    const auto& set = static_cast<const ast::SetOperationBody&>(*cte.query->body);
    return recursive_scope_ && mentions_in_body(*set.right, to_lower(cte.name.name));
}

// WITH RECURSIVE r AS (base UNION [ALL] recursive-term): the base runs once; the recursive term runs
// again and again over the rows the previous round produced (the work table) until a round adds none.
LogicalPtr Binder::bind_recursive_cte(const ast::CommonTableExpr& cte, const Scope* outer) {
    const auto& set = static_cast<const ast::SetOperationBody&>(*cte.query->body);
    if (set.op != ast::SetOpType::kUnion) {
        fail_at(ErrorCode::kNotSupported, cte.name.position, "a recursive WITH query must be base UNION [ALL] recursive term");
    }
    if (!cte.query->order_by.empty() || cte.query->limit || cte.query->offset) {
        fail_at(ErrorCode::kNotSupported, cte.name.position, "ORDER BY / LIMIT in a recursive WITH query are not supported");
    }
    BoundQuery base = bind_body(*set.left, outer, nullptr);
    WorkTable work;
    work.recursion = next_recursion_++;
    for (size_t i = 0; i < base.plan->outputs.size(); ++i) {
        std::string name = i < cte.columns.size() ? cte.columns[i].name : base.names[i];
        Type type = base.plan->outputs[i].type.id() == TypeId::kNull ? Type::varchar() : base.plan->outputs[i].type;
        work.columns.push_back({0, name, type});
    }
    work_tables_[&cte] = work;
    BoundQuery recursive;
    try {
        recursive = bind_body(*set.right, outer, nullptr);
    } catch (...) {
        work_tables_.erase(&cte);
        throw;
    }
    work_tables_.erase(&cte);
    if (recursive.plan->outputs.size() != work.columns.size()) {
        fail_at(ErrorCode::kSyntax, set.position, "the recursive term must return as many columns as the base query");
    }
    auto project_to = [&](LogicalPtr plan, const char* part) {
        auto project = make_node(LogicalKind::kProject);
        for (size_t i = 0; i < work.columns.size(); ++i) {
            const auto& o = plan->outputs[i];
            if (!can_coerce(o.type, work.columns[i].type)) {
                fail_at(ErrorCode::kDatatypeMismatch, set.position,
                        fmt::format("column {} of the {} has type {}, the recursive query's column is {}", i + 1, part,
                                    o.type.to_string(), work.columns[i].type.to_string()));
            }
            project->expressions.push_back(make_cast(BoundExpr::column(o.id, o.type, o.name), work.columns[i].type));
            project->outputs.push_back({next_column_id(), work.columns[i].name, work.columns[i].type});
        }
        project->children.push_back(std::move(plan));
        return project;
    };
    auto node = make_node(LogicalKind::kRecursiveUnion);
    node->recursion = work.recursion;
    node->union_all = set.all;
    node->children.push_back(project_to(std::move(base.plan), "base query"));
    node->children.push_back(project_to(std::move(recursive.plan), "recursive term"));
    for (const auto& c : work.columns) node->outputs.push_back({next_column_id(), c.name, c.type});
    return node;
}

LogicalPtr Binder::bind_named_table(const ast::NamedTableRef& ref, const Scope* outer, Scope& scope) {
    const auto& parts = ref.name.parts;
    // CTE?
    if (parts.size() == 1) {
        for (auto it = cte_scopes_.rbegin(); it != cte_scopes_.rend(); ++it) {
            auto found = it->find(parts[0].quoted ? parts[0].name : to_lower(parts[0].name));
            if (found == it->end()) continue;
            const ast::CommonTableExpr* cte = found->second;
            auto work = work_tables_.find(cte);
            if (work != work_tables_.end()) {
                // The recursive term reads the previous iteration's rows.
                auto table = make_node(LogicalKind::kWorkTable);
                table->recursion = work->second.recursion;
                std::vector<std::string> names;
                for (const auto& c : work->second.columns) {
                    table->outputs.push_back({next_column_id(), c.name, c.type});
                    names.push_back(c.name);
                }
                return apply_alias(std::move(table), names, parts[0].name, ref.alias, scope);
            }
            if (cte->query->body->kind == ast::QueryBodyKind::kSetOperation && references_itself(*cte)) {
                LogicalPtr plan = bind_recursive_cte(*cte, outer);
                std::vector<std::string> names;
                for (const auto& o : plan->outputs) names.push_back(o.name);
                return apply_alias(std::move(plan), names, parts[0].name, ref.alias, scope);
            }
            // Bind the CTE body with only the CTEs defined before it visible.
            auto saved = cte_scopes_;
            auto& current = cte_scopes_[static_cast<size_t>(std::distance(it, cte_scopes_.rend()) - 1)];
            std::map<std::string, const ast::CommonTableExpr*> visible;
            for (const auto& [k, v] : current) {
                if (v->name.position.offset < cte->name.position.offset) visible[k] = v;
            }
            current = visible;
            BoundQuery bound;
            try {
                bound = bind_query_in(*cte->query, outer);
            } catch (...) {
                cte_scopes_ = saved;
                throw;
            }
            cte_scopes_ = saved;
            std::vector<std::string> names = bound.names;
            for (size_t i = 0; i < cte->columns.size() && i < names.size(); ++i) names[i] = cte->columns[i].name;
            // Fresh ids for this reference so that a CTE used twice yields distinct columns.
            auto project = make_node(LogicalKind::kProject);
            for (size_t i = 0; i < bound.plan->outputs.size(); ++i) {
                const auto& o = bound.plan->outputs[i];
                project->expressions.push_back(BoundExpr::column(o.id, o.type, o.name));
                project->outputs.push_back({next_column_id(), names[i], o.type});
            }
            project->children.push_back(std::move(bound.plan));
            return apply_alias(std::move(project), names, parts[0].name, ref.alias, scope);
        }
    }
    std::string catalog, schema, table;
    if (parts.size() == 1) {
        catalog = session_.catalog;
        schema = session_.schema;
        table = parts[0].name;
    } else if (parts.size() == 2) {
        catalog = session_.catalog;
        schema = parts[0].name;
        table = parts[1].name;
        if (to_lower(schema) == "information_schema") catalog = "system";
    } else if (parts.size() == 3) {
        catalog = parts[0].name;
        schema = parts[1].name;
        table = parts[2].name;
    } else {
        fail_at(ErrorCode::kSyntax, ref.position, fmt::format("invalid table name \"{}\"", ref.name.to_string()));
    }
    auto connector = catalogs_.find(catalog);
    if (!connector) fail_at(ErrorCode::kUndefinedObject, ref.position, fmt::format("catalog \"{}\" does not exist", catalog));
    auto resolve = [&](const std::string& s, const std::string& t) { return connector->get_table(s, t); };
    std::optional<TableInfo> info = resolve(parts.size() >= 2 && parts[parts.size() - 2].quoted ? schema : to_lower(schema),
                                            parts.back().quoted ? table : to_lower(table));
    if (!info && !parts.back().quoted) info = resolve(schema, table);
    if (!info) {
        fail_at(ErrorCode::kUndefinedTable, ref.position,
                fmt::format("table \"{}.{}.{}\" does not exist", catalog, schema, table));
    }
    return make_scan(connector, to_lower(catalog), std::move(*info), table, ref.alias, scope);
}

static std::string file_table_name(const std::string& path) {
    std::string base = std::filesystem::path(path).filename().string();
    size_t dot = base.find('.');
    if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
    return base;
}

LogicalPtr Binder::bind_table_ref(const ast::TableRef& ref, const Scope* outer, Scope& scope) {
    switch (ref.kind) {
        case ast::TableRefKind::kNamed: return bind_named_table(static_cast<const ast::NamedTableRef&>(ref), outer, scope);
        case ast::TableRefKind::kFilePath: {
            const auto& file = static_cast<const ast::FilePathRef&>(ref);
            TableInfo info;
            try {
                info = catalogs_.files().resolve(file.path, "", {});
            } catch (Error& error) {
                if (error.position().line == 0) error.set_position(ref.position);
                throw;
            }
            return make_scan(catalogs_.files_connector(), "files", std::move(info), file_table_name(file.path), ref.alias, scope);
        }
        case ast::TableRefKind::kTableFunction: {
            const auto& fn = static_cast<const ast::TableFunctionRef&>(ref);
            std::string name = to_lower(fn.name.parts.back().name);
            if (name == "unnest") {
                Scope arguments;
                arguments.parent = outer;
                return bind_unnest(fn, single_row(), arguments, scope);
            }
            if (name == "query" && fn.name.parts.size() >= 2 && to_lower(fn.name.parts[fn.name.parts.size() - 2].name) == "system") {
                return bind_query_passthrough(fn, scope);
            }
            std::string format;
            if (name == "read_csv" || name == "read_csv_auto") format = "csv";
            else if (name == "read_json" || name == "read_json_auto" || name == "read_ndjson") format = "json";
            else if (name == "read_parquet" || name == "parquet_scan") format = "parquet";
            else fail_at(ErrorCode::kUndefinedFunction, ref.position, fmt::format("table function {} does not exist", fn.name.to_string()));
            std::string path;
            std::map<std::string, Value> options;
            Scope empty;
            for (size_t i = 0; i < fn.args.size(); ++i) {
                ExpressionBinder binder(*this, empty);
                binder.clause = "table function arguments";
                BoundExprPtr value = binder.bind(*fn.args[i]);
                if (!value->is_constant()) fail_at(ErrorCode::kInvalidParameter, fn.args[i]->position, "table function arguments must be constants");
                std::string arg_name = i < fn.arg_names.size() ? to_lower(fn.arg_names[i]) : "";
                if (arg_name.empty()) {
                    if (!path.empty() || !value->type.is_string()) {
                        fail_at(ErrorCode::kInvalidParameter, fn.args[i]->position, fmt::format("{} takes one path and named options (name => value)", name));
                    }
                    path = value->constant.as_string();
                } else {
                    options[arg_name] = value->constant;
                }
            }
            if (path.empty()) fail_at(ErrorCode::kInvalidParameter, ref.position, fmt::format("{} requires a file path", name));
            TableInfo info;
            try {
                info = catalogs_.files().resolve(path, format, options);
            } catch (Error& error) {
                if (error.position().line == 0) error.set_position(ref.position);
                throw;
            }
            return make_scan(catalogs_.files_connector(), "files", std::move(info), file_table_name(path), ref.alias, scope);
        }
        case ast::TableRefKind::kSubquery: {
            const auto& sub = static_cast<const ast::SubqueryTableRef&>(ref);
            BoundQuery bound = bind_query_in(*sub.query, outer);
            return apply_alias(std::move(bound.plan), bound.names, "", ref.alias, scope);
        }
        case ast::TableRefKind::kValues: {
            const auto& values = static_cast<const ast::ValuesTableRef&>(ref);
            BoundQuery bound = bind_values(values.rows, outer);
            return apply_alias(std::move(bound.plan), bound.names, "", ref.alias, scope);
        }
        case ast::TableRefKind::kJoin: return bind_join(static_cast<const ast::JoinTableRef&>(ref), outer, scope);
    }
    fail_at(ErrorCode::kInternal, ref.position, "unknown table reference");
}

// TABLE(catalog.system.query(query => '...')): the source runs the native query; its columns come from the
// source's own description of the result.
LogicalPtr Binder::bind_query_passthrough(const ast::TableFunctionRef& fn, Scope& scope) {
    const auto& parts = fn.name.parts;
    if (parts.size() > 3) fail_at(ErrorCode::kSyntax, fn.position, fmt::format("invalid table function name \"{}\"", fn.name.to_string()));
    std::string catalog = parts.size() == 3 ? parts[0].name : session_.catalog;
    std::optional<std::string> query;
    Scope empty;
    for (size_t i = 0; i < fn.args.size(); ++i) {
        std::string arg_name = i < fn.arg_names.size() ? to_lower(fn.arg_names[i]) : "";
        if (!arg_name.empty() && arg_name != "query") {
            fail_at(ErrorCode::kInvalidParameter, fn.args[i]->position, fmt::format("system.query has no argument \"{}\" (it takes query => '...')", arg_name));
        }
        ExpressionBinder binder(*this, empty);
        binder.clause = "table function arguments";
        BoundExprPtr value = binder.bind(*fn.args[i]);
        if (!value->is_constant() || !value->type.is_string() || value->constant.is_null() || query) {
            fail_at(ErrorCode::kInvalidParameter, fn.args[i]->position, "system.query takes one argument: query => 'native SQL text'");
        }
        query = value->constant.as_string();
    }
    if (!query) fail_at(ErrorCode::kInvalidParameter, fn.position, "system.query requires query => 'native SQL text'");
    auto connector = catalogs_.find(catalog);
    if (!connector) fail_at(ErrorCode::kUndefinedObject, fn.position, fmt::format("catalog \"{}\" does not exist", catalog));
    std::optional<TableInfo> info;
    try {
        info = connector->query_table(*query);
    } catch (Error& error) {
        if (error.position().line == 0) error.set_position(fn.position);
        throw;
    }
    if (!info) {
        fail_at(ErrorCode::kNotSupported, fn.position,
                fmt::format("catalog \"{}\" ({} connector) does not run native queries", catalog, connector->type_name()));
    }
    return make_scan(connector, to_lower(catalog), std::move(*info), "query", fn.alias, scope);
}

LogicalPtr Binder::bind_unnest(const ast::TableFunctionRef& ref, LogicalPtr input, const Scope& argument_scope, Scope& scope) {
    auto unnest = make_node(LogicalKind::kUnnest);
    std::vector<std::string> names;
    for (size_t i = 0; i < ref.args.size(); ++i) {
        std::string arg_name = i < ref.arg_names.size() ? to_lower(ref.arg_names[i]) : "";
        if (arg_name == "ordinality") {
            unnest->with_ordinality = true;
            continue;
        }
        ExpressionBinder binder(*this, argument_scope);
        binder.clause = "UNNEST";
        BoundExprPtr array = binder.bind(*ref.args[i]);
        if (array->type.id() != TypeId::kArray) {
            fail_at(ErrorCode::kDatatypeMismatch, ref.args[i]->position,
                    fmt::format("UNNEST expects an ARRAY, not {}", array->type.to_string()));
        }
        std::string name = ref.alias.columns.size() > names.size() ? ref.alias.columns[names.size()].name : fmt::format("_col{}", names.size());
        unnest->unnest_outputs.push_back({next_column_id(), name, array->type.element()});
        names.push_back(name);
        unnest->expressions.push_back(std::move(array));
    }
    if (unnest->expressions.empty()) fail_at(ErrorCode::kSyntax, ref.position, "UNNEST requires at least one array");
    if (unnest->with_ordinality) {
        std::string name = ref.alias.columns.size() > names.size() ? ref.alias.columns[names.size()].name : "ordinality";
        unnest->unnest_outputs.push_back({next_column_id(), name, Type::bigint()});
        names.push_back(name);
    }
    if (ref.alias.columns.size() > names.size()) {
        fail_at(ErrorCode::kSyntax, ref.position, fmt::format("UNNEST produces {} columns but the alias names {}", names.size(), ref.alias.columns.size()));
    }
    std::string table = ref.alias.name ? ref.alias.name->name : "unnest";
    for (const auto& o : unnest->unnest_outputs) scope.columns.push_back({table, o.name, o.id, o.type});
    unnest->outputs = input->outputs;
    unnest->outputs.insert(unnest->outputs.end(), unnest->unnest_outputs.begin(), unnest->unnest_outputs.end());
    unnest->children.push_back(std::move(input));
    return unnest;
}

namespace {

// CROSS JOIN UNNEST(...), JOIN UNNEST(...) ON true, LEFT JOIN UNNEST(...) ON true.
bool lateral_unnest_join(const ast::JoinTableRef& ref) {
    bool on_true = !ref.on || (ref.on->kind == ast::ExprKind::kLiteral &&
                               static_cast<const ast::LiteralExpr&>(*ref.on).literal_kind == ast::LiteralKind::kBoolean &&
                               to_lower(static_cast<const ast::LiteralExpr&>(*ref.on).text) == "true");
    switch (ref.join_type) {
        case ast::JoinType::kCross: return !ref.on;
        case ast::JoinType::kInner: return on_true;
        case ast::JoinType::kLeft: return ref.on && on_true;
        default: return false;
    }
}

}  // namespace

LogicalPtr Binder::bind_join(const ast::JoinTableRef& ref, const Scope* outer, Scope& scope) {
    Scope left_scope, right_scope;
    if (ref.right->kind == ast::TableRefKind::kTableFunction &&
        to_lower(static_cast<const ast::TableFunctionRef&>(*ref.right).name.parts.back().name) == "unnest" &&
        ref.using_columns.empty() && lateral_unnest_join(ref)) {
        // Lateral: the arrays may refer to the columns on the left.
        LogicalPtr left = bind_table_ref(*ref.left, outer, left_scope);
        left_scope.parent = outer;
        Scope unnest_scope;
        LogicalPtr plan = bind_unnest(static_cast<const ast::TableFunctionRef&>(*ref.right), std::move(left), left_scope, unnest_scope);
        plan->unnest_outer = ref.join_type == ast::JoinType::kLeft;
        scope.columns.insert(scope.columns.end(), left_scope.columns.begin(), left_scope.columns.end());
        scope.columns.insert(scope.columns.end(), unnest_scope.columns.begin(), unnest_scope.columns.end());
        return plan;
    }
    LogicalPtr left = bind_table_ref(*ref.left, outer, left_scope);
    LogicalPtr right = bind_table_ref(*ref.right, outer, right_scope);
    auto join = make_node(LogicalKind::kJoin);
    switch (ref.join_type) {
        case ast::JoinType::kInner: join->join_type = LogicalJoinType::kInner; break;
        case ast::JoinType::kLeft: join->join_type = LogicalJoinType::kLeft; break;
        case ast::JoinType::kRight: join->join_type = LogicalJoinType::kRight; break;
        case ast::JoinType::kFull: join->join_type = LogicalJoinType::kFull; break;
        case ast::JoinType::kCross: join->join_type = LogicalJoinType::kCross; break;
    }
    Scope combined;
    combined.parent = outer;
    combined.columns = left_scope.columns;
    for (const auto& c : right_scope.columns) combined.columns.push_back(c);
    std::vector<ast::Identifier> using_columns = ref.using_columns;
    if (ref.natural) {
        for (const auto& l : left_scope.columns) {
            for (const auto& r : right_scope.columns) {
                if (to_lower(l.name) == to_lower(r.name) && !l.hidden_unqualified && !r.hidden_unqualified) {
                    using_columns.push_back({l.name, false, ref.position});
                }
            }
        }
    }
    std::vector<BoundExprPtr> conditions;
    for (const auto& name : using_columns) {
        auto find = [&](const Scope& s, const char* side) -> const ScopeColumn& {
            const ScopeColumn* found = nullptr;
            for (const auto& c : s.columns) {
                if (name_matches(c.name, name) && !c.hidden_unqualified) found = &c;
            }
            if (!found) fail_at(ErrorCode::kUndefinedColumn, name.position, fmt::format("column \"{}\" specified in USING clause does not exist in {} table", name.name, side));
            return *found;
        };
        const ScopeColumn& l = find(left_scope, "left");
        const ScopeColumn& r = find(right_scope, "right");
        conditions.push_back(make_comparison("$eq", BoundExpr::column(l.id, l.type, l.name),
                                             BoundExpr::column(r.id, r.type, r.name), &session_.function_context));
        for (auto& c : combined.columns) {
            if (c.id == r.id) c.hidden_unqualified = true;
        }
    }
    if (ref.on) {
        ExpressionBinder binder(*this, combined);
        binder.clause = "JOIN ON";
        conditions.push_back(binder.bind_boolean(*ref.on));
    }
    if (join->join_type == LogicalJoinType::kCross && !conditions.empty()) join->join_type = LogicalJoinType::kInner;
    if (join->join_type != LogicalJoinType::kCross && conditions.empty() && !ref.on && using_columns.empty()) {
        if (ref.natural) join->join_type = LogicalJoinType::kCross;
    }
    join->join_condition = make_conjunction(std::move(conditions));
    join->outputs = left->outputs;
    join->outputs.insert(join->outputs.end(), right->outputs.begin(), right->outputs.end());
    join->children.push_back(std::move(left));
    join->children.push_back(std::move(right));
    scope.columns.insert(scope.columns.end(), combined.columns.begin(), combined.columns.end());
    return join;
}

TableInfo Binder::resolve_table_info(const ast::TableRef& ref) {
    Scope scope;
    LogicalPtr plan = bind_table_ref(ref, nullptr, scope);
    if (plan->kind == LogicalKind::kScan) return plan->table;
    TableInfo info;
    for (const auto& o : plan->outputs) info.columns.push_back({o.name, o.type, true, ""});
    return info;
}

BoundQuery Binder::bind_select(const ast::SelectBody& select, const Scope* outer, const ast::Query* query) {
    const FunctionContext* ctx = &session_.function_context;
    Scope scope;
    scope.parent = outer;
    LogicalPtr plan = select.from ? bind_table_ref(*select.from, outer, scope) : single_row();
    std::set<ColumnId> from_ids;
    for (const auto& c : scope.columns) from_ids.insert(c.id);

    // WHERE
    if (select.where) {
        std::vector<PendingSubquery> pending;
        ExpressionBinder binder(*this, scope);
        binder.clause = "WHERE";
        binder.subqueries = &pending;
        BoundExprPtr predicate = binder.bind_boolean(*select.where);
        plan = plan_predicate(std::move(plan), std::move(predicate), pending);
    }

    // Expand the select list.
    struct Item {
        const ast::Expr* expr = nullptr;  // null for star-expanded columns
        const ScopeColumn* column = nullptr;
        std::string name;
    };
    std::vector<Item> items;
    for (const auto& item : select.items) {
        if (item.expr->kind == ast::ExprKind::kStar) {
            const auto& star = static_cast<const ast::StarExpr&>(*item.expr);
            bool any = false;
            for (const auto& c : scope.columns) {
                if (star.qualifier.parts.empty()) {
                    if (c.hidden_unqualified) continue;
                } else if (!name_matches(c.table, star.qualifier.parts.back())) {
                    continue;
                }
                items.push_back({nullptr, &c, c.name});
                any = true;
            }
            if (!any && !star.qualifier.parts.empty()) {
                fail_at(ErrorCode::kUndefinedTable, star.position, fmt::format("table \"{}\" does not exist in FROM", star.qualifier.to_string()));
            }
            if (!any && !select.from) fail_at(ErrorCode::kSyntax, star.position, "SELECT * with no tables specified is not valid");
            continue;
        }
        items.push_back({item.expr.get(), nullptr, item.alias ? item.alias->name : expression_name(*item.expr, items.size())});
    }

    std::vector<AggregateCall> aggregates;
    std::vector<WindowCall> windows;
    std::vector<PendingSubquery> pending;

    // GROUP BY expressions.
    std::vector<BoundExprPtr> groups;
    auto bind_item = [&](size_t index, ExpressionBinder& binder) -> BoundExprPtr {
        const Item& item = items[index];
        if (item.column) return BoundExpr::column(item.column->id, item.column->type, item.column->name);
        return binder.bind(*item.expr);
    };
    // ROLLUP(a, b) / CUBE(a, b) (parsed as calls): their columns become grouping keys, and the grouping
    // sets they imply are planned below. grouping_sets[i] lists, for set i, which keys it keeps.
    std::vector<std::vector<bool>> grouping_sets;
    for (const auto& g : select.group_by) {
        ExpressionBinder binder(*this, scope);
        binder.clause = "GROUP BY";
        if (g->kind == ast::ExprKind::kFunction) {
            const auto& call = static_cast<const ast::FunctionExpr&>(*g);
            std::string name = call.name.parts.size() == 1 && !call.name.parts[0].quoted ? to_lower(call.name.parts[0].name) : "";
            if (name == "rollup" || name == "cube") {
                if (!grouping_sets.empty()) {
                    fail_at(ErrorCode::kNotSupported, g->position, "only one ROLLUP or CUBE per GROUP BY is supported");
                }
                size_t first = groups.size(), count = call.args.size();
                for (const auto& a : call.args) groups.push_back(binder.bind(*a));
                // Sets over the keys first..first+count; keys outside (plain GROUP BY columns) are added below.
                size_t combinations = name == "rollup" ? count + 1 : (size_t{1} << count);
                if (count > 12) fail_at(ErrorCode::kNotSupported, g->position, "CUBE/ROLLUP over more than 12 columns");
                for (size_t c = 0; c < combinations; ++c) {
                    std::vector<bool> keep(first + count, true);
                    for (size_t k = 0; k < count; ++k) {
                        keep[first + k] = name == "rollup" ? k < count - c : ((c >> k) & 1) == 0;
                    }
                    grouping_sets.push_back(std::move(keep));
                }
                continue;
            }
        }
        if (g->kind == ast::ExprKind::kLiteral && static_cast<const ast::LiteralExpr&>(*g).literal_kind == ast::LiteralKind::kInteger) {
            size_t ordinal = std::stoul(static_cast<const ast::LiteralExpr&>(*g).text);
            if (ordinal < 1 || ordinal > items.size()) {
                fail_at(ErrorCode::kInvalidParameter, g->position, fmt::format("GROUP BY position {} is not in select list", ordinal));
            }
            groups.push_back(bind_item(ordinal - 1, binder));
            continue;
        }
        if (g->kind == ast::ExprKind::kColumnRef) {
            const auto& ref = static_cast<const ast::ColumnRefExpr&>(*g);
            try {
                groups.push_back(binder.bind(*g));
                continue;
            } catch (const Error& error) {
                if (error.code() != ErrorCode::kUndefinedColumn || ref.name.parts.size() != 1) throw;
                bool found = false;
                for (size_t i = 0; i < items.size(); ++i) {
                    if (items[i].expr && to_lower(items[i].name) == to_lower(ref.name.parts[0].name)) {
                        groups.push_back(bind_item(i, binder));
                        found = true;
                        break;
                    }
                }
                if (!found) throw;
                continue;
            }
        }
        groups.push_back(binder.bind(*g));
    }

    // SELECT list.
    std::vector<BoundExprPtr> select_exprs;
    for (size_t i = 0; i < items.size(); ++i) {
        ExpressionBinder binder(*this, scope);
        binder.clause = "SELECT";
        binder.aggregates = &aggregates;
        binder.windows = &windows;
        binder.subqueries = &pending;
        select_exprs.push_back(bind_item(i, binder));
    }
    if (select.group_by_all) {
        for (size_t i = 0; i < items.size(); ++i) {
            std::vector<ColumnId> used;
            select_exprs[i]->collect_columns(used);
            bool has_aggregate = false;
            for (ColumnId id : used) {
                for (const auto& a : aggregates) has_aggregate |= a.output == id;
            }
            if (!has_aggregate) groups.push_back(select_exprs[i]->clone());
        }
    }
    BoundExprPtr having;
    std::vector<PendingSubquery> having_pending;
    if (select.having) {
        ExpressionBinder binder(*this, scope);
        binder.clause = "HAVING";
        binder.aggregates = &aggregates;
        binder.subqueries = &having_pending;
        having = binder.bind_boolean(*select.having);
    }
    BoundExprPtr qualify;
    if (select.qualify) {
        ExpressionBinder binder(*this, scope);
        binder.clause = "QUALIFY";
        binder.aggregates = &aggregates;
        binder.windows = &windows;
        qualify = binder.bind_boolean(*select.qualify);
    }

    // ORDER BY (bound here so it can use FROM columns, aliases and ordinals).
    struct OrderKey {
        BoundExprPtr expr;
        int select_index = -1;
        bool descending, nulls_first;
    };
    std::vector<OrderKey> order_keys;
    bool select_owns_order = query && !query->order_by.empty();
    if (select_owns_order) {
        for (const auto& item : query->order_by) {
            OrderKey key{nullptr, -1, item.descending, item.nulls_first.value_or(false)};
            if (item.expr->kind == ast::ExprKind::kLiteral &&
                static_cast<const ast::LiteralExpr&>(*item.expr).literal_kind == ast::LiteralKind::kInteger) {
                size_t ordinal = std::stoul(static_cast<const ast::LiteralExpr&>(*item.expr).text);
                if (ordinal < 1 || ordinal > items.size()) {
                    fail_at(ErrorCode::kInvalidParameter, item.expr->position, fmt::format("ORDER BY position {} is not in select list", ordinal));
                }
                key.select_index = static_cast<int>(ordinal - 1);
            } else if (item.expr->kind == ast::ExprKind::kColumnRef &&
                       static_cast<const ast::ColumnRefExpr&>(*item.expr).name.parts.size() == 1) {
                const auto& id = static_cast<const ast::ColumnRefExpr&>(*item.expr).name.parts[0];
                for (size_t i = 0; i < items.size(); ++i) {
                    if (name_matches(items[i].name, id)) {
                        key.select_index = static_cast<int>(i);
                        break;
                    }
                }
            }
            if (key.select_index < 0) {
                ExpressionBinder binder(*this, scope);
                binder.clause = "ORDER BY";
                binder.aggregates = &aggregates;
                binder.windows = &windows;
                binder.subqueries = &pending;
                key.expr = binder.bind(*item.expr);
            }
            order_keys.push_back(std::move(key));
        }
    }

    // Aggregation.
    bool is_aggregate = !groups.empty() || !aggregates.empty() || having;
    if (is_aggregate) {
        auto aggregate = make_node(LogicalKind::kAggregate);
        std::vector<OutputColumn> group_outputs;
        for (const auto& g : groups) {
            group_outputs.push_back({next_column_id(), g->to_string(), g->type});
        }
        // Window and select expressions referring to grouped expressions now refer to group outputs.
        auto rewrite = [&](BoundExprPtr& e) {
            if (!e) return;
            e = replace_groups(std::move(e), groups, group_outputs);
            check_grouped(*e, from_ids, scope.columns);
        };
        for (size_t i = 0; i < select_exprs.size(); ++i) {
            try {
                rewrite(select_exprs[i]);
            } catch (Error& error) {
                if (error.position().line == 0 && items[i].expr) error.set_position(items[i].expr->position);
                throw;
            }
        }
        rewrite(having);
        rewrite(qualify);
        for (auto& k : order_keys) rewrite(k.expr);
        for (auto& w : windows) {
            for (auto& a : w.args) rewrite(a);
            for (auto& p : w.partition_by) rewrite(p);
            for (auto& k : w.order_by) rewrite(k.expr);
        }
        if (!grouping_sets.empty()) {
            // Grouping sets: every input row is repeated once per set (UNNEST over the set numbers); in
            // copy i the keys set i leaves out are NULL; the set number is one more grouping key, so
            // rows of different sets never merge.
            auto numbers = std::vector<Value>();
            for (size_t i = 0; i < grouping_sets.size(); ++i) numbers.push_back(Value::integer(static_cast<int32_t>(i)));
            auto expand = make_node(LogicalKind::kUnnest);
            expand->expressions.push_back(BoundExpr::constant_value(Value::nested(Type::array(Type::integer()), std::move(numbers))));
            ColumnId set_id = next_column_id();
            expand->unnest_outputs.push_back({set_id, "$grouping_set", Type::integer()});
            expand->outputs = plan->outputs;
            expand->outputs.push_back(expand->unnest_outputs[0]);
            expand->children.push_back(std::move(plan));
            plan = std::move(expand);
            for (size_t g = 0; g < groups.size(); ++g) {
                std::vector<BoundExprPtr> members;
                members.push_back(BoundExpr::column(set_id, Type::integer(), "$grouping_set"));
                for (size_t s = 0; s < grouping_sets.size(); ++s) {
                    if (g >= grouping_sets[s].size() || grouping_sets[s][g]) members.push_back(BoundExpr::constant_value(Value::integer(static_cast<int32_t>(s))));
                }
                auto in_set = BoundExpr::make(BoundExprKind::kInList, Type::boolean(), std::move(members));
                in_set->function = std::make_shared<BoundScalarFunction>(FunctionRegistry::instance().bind_scalar(
                    "$eq", {Type::integer(), Type::integer()}, {std::nullopt, std::nullopt}));
                auto kept = BoundExpr::make(BoundExprKind::kCase, groups[g]->type, {});
                kept->children.push_back(std::move(in_set));
                kept->children.push_back(std::move(groups[g]));
                groups[g] = std::move(kept);
            }
            groups.push_back(BoundExpr::column(set_id, Type::integer(), "$grouping_set"));
            group_outputs.push_back({next_column_id(), "$grouping_set", Type::integer()});
            for (size_t s = 0; s < grouping_sets.size(); ++s) {
                bool keeps_nothing = grouping_sets[s].size() == groups.size() - 1 &&
                                     std::none_of(grouping_sets[s].begin(), grouping_sets[s].end(), [](bool keep) { return keep; });
                if (keeps_nothing) aggregate->grand_total_set = static_cast<int>(s);
            }
        }
        aggregate->groups = std::move(groups);
        aggregate->outputs = group_outputs;
        for (const auto& a : aggregates) aggregate->outputs.push_back({a.output, a.name, a.function->return_type});
        aggregate->aggregates = std::move(aggregates);
        aggregate->children.push_back(std::move(plan));
        plan = std::move(aggregate);
        if (having) plan = plan_predicate(std::move(plan), std::move(having), having_pending);
    }

    // Window functions.
    if (!windows.empty()) {
        auto window = make_node(LogicalKind::kWindow);
        window->outputs = plan->outputs;
        for (const auto& w : windows) window->outputs.push_back({w.output, w.name, w.type});
        window->windows = std::move(windows);
        window->children.push_back(std::move(plan));
        plan = std::move(window);
    }
    if (qualify) {
        std::vector<PendingSubquery> none;
        plan = plan_predicate(std::move(plan), std::move(qualify), none);
    }

    // Subqueries in the select list / ORDER BY.
    for (auto& e : select_exprs) plan = plan_subqueries(std::move(plan), e, pending, false);
    for (auto& k : order_keys) {
        if (k.expr) plan = plan_subqueries(std::move(plan), k.expr, pending, false);
    }

    // Projection (visible items, then hidden ORDER BY keys).
    auto project = make_node(LogicalKind::kProject);
    BoundQuery bound;
    for (size_t i = 0; i < select_exprs.size(); ++i) {
        project->outputs.push_back({next_column_id(), items[i].name, select_exprs[i]->type});
        project->expressions.push_back(std::move(select_exprs[i]));
        bound.names.push_back(items[i].name);
    }
    size_t visible = project->outputs.size();
    std::vector<SortKey> sort_keys;
    for (auto& k : order_keys) {
        SortKey key;
        key.descending = k.descending;
        key.nulls_first = k.nulls_first;
        if (k.select_index >= 0) {
            const auto& o = project->outputs[k.select_index];
            key.expr = BoundExpr::column(o.id, o.type, o.name);
        } else {
            int existing = -1;
            for (size_t i = 0; i < visible; ++i) {
                if (project->expressions[i]->equals(*k.expr)) existing = static_cast<int>(i);
            }
            if (existing < 0) {
                if (select.distinct) {
                    fail_at(ErrorCode::kSyntax, query->order_by[0].expr->position,
                            "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
                }
                project->outputs.push_back({next_column_id(), k.expr->to_string(), k.expr->type});
                project->expressions.push_back(std::move(k.expr));
                existing = static_cast<int>(project->outputs.size() - 1);
            }
            const auto& o = project->outputs[existing];
            key.expr = BoundExpr::column(o.id, o.type, o.name);
        }
        sort_keys.push_back(std::move(key));
    }
    project->children.push_back(std::move(plan));
    plan = std::move(project);

    if (select.distinct) {
        auto distinct = make_node(LogicalKind::kAggregate);
        for (const auto& o : plan->outputs) {
            distinct->groups.push_back(BoundExpr::column(o.id, o.type, o.name));
            distinct->outputs.push_back({next_column_id(), o.name, o.type});
        }
        // Sort keys refer to the projected ids: remap to the distinct outputs.
        for (auto& key : sort_keys) {
            for (size_t i = 0; i < plan->outputs.size(); ++i) {
                if (key.expr->column_id == plan->outputs[i].id) key.expr->column_id = distinct->outputs[i].id;
            }
        }
        distinct->children.push_back(std::move(plan));
        plan = std::move(distinct);
    }
    if (!sort_keys.empty()) {
        auto sort = make_node(LogicalKind::kSort);
        sort->sort_keys = std::move(sort_keys);
        sort->outputs = plan->outputs;
        sort->children.push_back(std::move(plan));
        plan = std::move(sort);
    }
    if (query && (query->limit || query->offset)) {
        auto limit = make_node(LogicalKind::kLimit);
        if (query->limit) limit->limit = bind_limit(*query->limit, "LIMIT");
        if (query->offset) limit->offset = bind_limit(*query->offset, "OFFSET");
        limit->outputs = plan->outputs;
        limit->children.push_back(std::move(plan));
        plan = std::move(limit);
    }
    if (plan->outputs.size() > visible) {
        auto trim = make_node(LogicalKind::kProject);
        for (size_t i = 0; i < visible; ++i) {
            const auto& o = plan->outputs[i];
            trim->expressions.push_back(BoundExpr::column(o.id, o.type, o.name));
            trim->outputs.push_back({next_column_id(), o.name, o.type});
        }
        trim->children.push_back(std::move(plan));
        plan = std::move(trim);
    }
    (void)ctx;
    bound.plan = std::move(plan);
    return bound;
}

LogicalPtr Binder::plan_predicate(LogicalPtr plan, BoundExprPtr predicate, std::vector<PendingSubquery>& pending) {
    std::vector<BoundExprPtr> conjuncts, remaining;
    split_conjuncts(std::move(predicate), conjuncts);
    SubqueryPlanner subqueries(*this, session_.function_context);
    for (auto& c : conjuncts) {
        // EXISTS / IN / NOT EXISTS / NOT IN directly as a conjunct: semi or anti join.
        const BoundExpr* ref = c.get();
        bool negated = false;
        if (ref->kind == BoundExprKind::kNot) {
            ref = ref->children[0].get();
            negated = true;
        }
        PendingSubquery* match = nullptr;
        if (ref->kind == BoundExprKind::kColumn) {
            for (auto& p : pending) {
                if (!p.planned && p.result == ref->column_id && p.kind != PendingSubquery::Kind::kScalar) match = &p;
            }
        }
        if (match) {
            plan = subqueries.plan_semi_join(std::move(plan), *match, negated);
            continue;
        }
        plan = plan_subqueries(std::move(plan), c, pending, true);
        remaining.push_back(std::move(c));
    }
    if (remaining.empty()) return plan;
    auto filter = make_node(LogicalKind::kFilter);
    filter->predicate = make_conjunction(std::move(remaining));
    filter->outputs = plan->outputs;
    filter->children.push_back(std::move(plan));
    return filter;
}

LogicalPtr Binder::plan_subqueries(LogicalPtr plan, BoundExprPtr& expr, std::vector<PendingSubquery>& pending, bool) {
    if (!expr) return plan;
    std::vector<ColumnId> used;
    expr->collect_columns(used);
    SubqueryPlanner subqueries(*this, session_.function_context);
    for (auto& p : pending) {
        if (p.planned) continue;
        if (std::find(used.begin(), used.end(), p.result) == used.end()) continue;
        plan = subqueries.plan_value(std::move(plan), p);
    }
    return plan;
}

BoundExprPtr Binder::coerce(BoundExprPtr expr, const Type& to) { return make_cast(std::move(expr), to); }

}  // namespace fedq
