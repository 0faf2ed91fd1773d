#include "connectors/sql_common/sql_query.h"

#include <cmath>

#include "common/error.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

using json = nlohmann::json;

// ---- SqlDialect defaults ------------------------------------------------------------------------

std::string SqlDialect::quote_identifier(std::string_view name) const {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string SqlDialect::column_reference(std::string_view name, const Type&) const { return quote_identifier(name); }

std::string SqlDialect::quote_string(std::string_view text) const {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::optional<std::string> SqlDialect::literal(const Value& value) const {
    if (value.is_null()) return std::nullopt;  // NULL needs a typed literal; callers handle IS NULL separately
    const Type& t = value.type();
    switch (t.id()) {
        case TypeId::kBoolean: return value.as_bool() ? "TRUE" : "FALSE";
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt: {
            int64_t v = value.as_int();
            // The most negative BIGINT has no positive literal: write it as an expression.
            if (v == INT64_MIN) return "(-9223372036854775807 - 1)";
            return std::to_string(v);
        }
        case TypeId::kDecimal: return format_decimal(value.as_decimal(), t.scale());
        case TypeId::kDouble: {
            double d = value.as_double();
            if (!std::isfinite(d)) return std::nullopt;
            return fmt::format("{:.17g}", d);
        }
        case TypeId::kVarchar: return quote_string(value.as_string());
        case TypeId::kDate: return "DATE " + quote_string(format_date(static_cast<int32_t>(value.as_int())));
        case TypeId::kTimestamp: return "TIMESTAMP " + quote_string(format_timestamp(value.as_int()));
        default: return std::nullopt;
    }
}

bool SqlDialect::comparable(const Type& type) const {
    switch (type.id()) {
        case TypeId::kBoolean:
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kDecimal:
        case TypeId::kDate:
        case TypeId::kTimestamp: return true;
        default: return false;
    }
}

bool SqlDialect::orderable(const Type& type) const { return comparable(type); }

Capabilities sql_source_capabilities() {
    return Capabilities()
        .add(Capability::kConstraint)
        .add(Capability::kLimit)
        .add(Capability::kParallelSplits)
        .add(Capability::kExpressions)
        .add(Capability::kJoins);
}

bool is_comparison(const std::string& name) {
    return name == "$eq" || name == "$ne" || name == "$lt" || name == "$le" || name == "$gt" || name == "$ge";
}

const char* comparison_operator(const std::string& name) {
    if (name == "$eq") return "=";
    if (name == "$ne") return "<>";
    if (name == "$lt") return "<";
    if (name == "$le") return "<=";
    if (name == "$gt") return ">";
    return ">=";
}

namespace {

bool exact_arithmetic_type(const Type& t) { return t.is_integer() || t.id() == TypeId::kDecimal; }

}  // namespace

std::optional<std::string> SqlDialect::call(const ConnectorExpr& call, const std::vector<std::string>& args) const {
    const std::string& f = call.name;
    auto join = [&](const char* separator) {
        std::string out = "(";
        for (size_t i = 0; i < args.size(); ++i) out += (i ? separator : "") + args[i];
        return out + ")";
    };
    if (is_comparison(f)) {
        if (args.size() != 2 || call.args[0].type != call.args[1].type) return std::nullopt;
        const Type& t = call.args[0].type;
        bool equality = f == "$eq" || f == "$ne";
        if (equality ? !comparable(t) : !orderable(t)) return std::nullopt;
        return "(" + args[0] + " " + comparison_operator(f) + " " + args[1] + ")";
    }
    if (f == "$and" && args.size() >= 2) return join(" AND ");
    if (f == "$or" && args.size() >= 2) return join(" OR ");
    if (f == "$not" && args.size() == 1) return "(NOT " + args[0] + ")";
    if (f == "$is_null" && args.size() == 1) return "(" + args[0] + " IS NULL)";
    if (f == "$is_not_null" && args.size() == 1) return "(" + args[0] + " IS NOT NULL)";
    if ((f == "$is_distinct" || f == "$is_not_distinct") && args.size() == 2) {
        if (call.args[0].type != call.args[1].type || !comparable(call.args[0].type)) return std::nullopt;
        return "(" + args[0] + (f == "$is_distinct" ? " IS DISTINCT FROM " : " IS NOT DISTINCT FROM ") + args[1] + ")";
    }
    if (f == "$in" && args.size() >= 2) {
        for (const auto& a : call.args) {
            if (a.type != call.args[0].type) return std::nullopt;
        }
        if (!comparable(call.args[0].type)) return std::nullopt;
        std::string out = "(" + args[0] + " IN (";
        for (size_t i = 1; i < args.size(); ++i) out += (i > 1 ? ", " : "") + args[i];
        return out + "))";
    }
    if ((f == "$add" || f == "$sub" || f == "$mul") && args.size() == 2) {
        // Integer and DECIMAL arithmetic is exact in SQL databases, and overflow is an error there as in the
        // engine. The operands must already have the result type (the binder inserts the casts), so the
        // source computes in the same width.
        if (!exact_arithmetic_type(call.type)) return std::nullopt;
        for (const auto& a : call.args) {
            if (!exact_arithmetic_type(a.type)) return std::nullopt;
            if (call.type.is_integer() && a.type != call.type) return std::nullopt;
        }
        const char* op = f == "$add" ? " + " : f == "$sub" ? " - " : " * ";
        return "(" + args[0] + op + args[1] + ")";
    }
    if (f == "$neg" && args.size() == 1 && exact_arithmetic_type(call.type)) return "(- " + args[0] + ")";
    if (f == "$cast" && args.size() == 1) {
        // Widening an integer keeps its value: the source compares it as the narrower type just as well.
        const Type& from = call.args[0].type;
        if (from.is_integer() && call.type.is_integer() &&
            static_cast<int>(from.id()) <= static_cast<int>(call.type.id())) {
            return args[0];
        }
        if (from == call.type) return args[0];
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> SqlDialect::aggregate(const PushedAggregate& aggregate, const std::vector<std::string>& args) const {
    const std::string& f = aggregate.function;
    if (f == "count_star" && args.empty()) return "count(*)";
    if (args.size() != 1) return std::nullopt;
    const Type& t = aggregate.args[0].type;
    if (f == "count") {
        if (aggregate.distinct && !comparable(t)) return std::nullopt;
        return std::string("count(") + (aggregate.distinct ? "DISTINCT " : "") + args[0] + ")";
    }
    if ((f == "min" || f == "max") && orderable(t) && aggregate.type == t) return f + "(" + args[0] + ")";
    return std::nullopt;
}

std::optional<std::string> SqlDialect::order_item(const std::string& sql, const Type& type, bool descending,
                                                  bool nulls_first) const {
    if (!orderable(type)) return std::nullopt;
    return sql + (descending ? " DESC" : " ASC") + (nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

std::string SqlDialect::limit_clause(uint64_t limit) const { return "LIMIT " + std::to_string(limit); }

// ---- rendering ------------------------------------------------------------------------------------

std::optional<std::string> render_expression(const ConnectorExpr& expr, const SqlDialect& dialect) {
    switch (expr.kind) {
        case ConnectorExprKind::kColumn: return dialect.column_reference(expr.name, expr.type);
        case ConnectorExprKind::kConstant: return dialect.literal(expr.value);
        case ConnectorExprKind::kCall: {
            std::vector<std::string> args;
            args.reserve(expr.args.size());
            for (const auto& a : expr.args) {
                auto rendered = render_expression(a, dialect);
                if (!rendered) return std::nullopt;
                args.push_back(std::move(*rendered));
            }
            return dialect.call(expr, args);
        }
    }
    return std::nullopt;
}

std::optional<std::string> render_domain(const std::string& column_sql, const Domain& domain, const SqlDialect& dialect) {
    if (domain.is_all()) return std::string("TRUE");
    if (domain.is_none()) return std::string("FALSE");
    const Type& t = domain.type();
    std::vector<std::string> parts;
    if (auto values = domain.discrete_values()) {
        if (!dialect.comparable(t)) return std::nullopt;
        std::vector<std::string> literals;
        for (const auto& v : *values) {
            auto lit = dialect.literal(v);
            if (!lit) return std::nullopt;
            literals.push_back(std::move(*lit));
        }
        if (literals.size() == 1) {
            parts.push_back(column_sql + " = " + literals[0]);
        } else if (!literals.empty()) {
            std::string list;
            for (const auto& l : literals) list += (list.empty() ? "" : ", ") + l;
            parts.push_back(column_sql + " IN (" + list + ")");
        }
    } else {
        for (const auto& range : domain.ranges()) {
            std::vector<std::string> bounds;
            if (!range.low.value && !range.high.value) {
                bounds.push_back(column_sql + " IS NOT NULL");
            }
            if (range.low.value || range.high.value) {
                if (!dialect.orderable(t)) return std::nullopt;
            }
            if (range.low.value) {
                auto lit = dialect.literal(*range.low.value);
                if (!lit) return std::nullopt;
                bounds.push_back(column_sql + (range.low.inclusive ? " >= " : " > ") + *lit);
            }
            if (range.high.value) {
                auto lit = dialect.literal(*range.high.value);
                if (!lit) return std::nullopt;
                bounds.push_back(column_sql + (range.high.inclusive ? " <= " : " < ") + *lit);
            }
            std::string conjunction;
            for (const auto& b : bounds) conjunction += (conjunction.empty() ? "" : " AND ") + b;
            parts.push_back(bounds.size() > 1 ? "(" + conjunction + ")" : conjunction);
        }
    }
    if (domain.null_allowed()) parts.push_back(column_sql + " IS NULL");
    if (parts.empty()) return std::string("FALSE");
    if (parts.size() == 1) return "(" + parts[0] + ")";
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : " OR ") + p;
    return "(" + out + ")";
}

std::string SqlSelect::sql(const SqlDialect& dialect, const std::string& extra_where) const {
    std::string out = "SELECT ";
    for (size_t i = 0; i < select_items.size(); ++i) out += (i ? ", " : "") + select_items[i];
    if (select_items.empty()) out += "1";
    out += " FROM " + from;
    std::vector<std::string> conditions = where;
    if (!extra_where.empty()) conditions.push_back(extra_where);
    for (size_t i = 0; i < conditions.size(); ++i) out += (i ? " AND " : " WHERE ") + conditions[i];
    for (size_t i = 0; i < group_by.size(); ++i) out += (i ? ", " : " GROUP BY ") + group_by[i];
    for (size_t i = 0; i < order_by.size(); ++i) out += (i ? ", " : " ORDER BY ") + order_by[i];
    if (limit) out += " " + dialect.limit_clause(*limit);
    return out;
}

// ---- handles ----------------------------------------------------------------------------------------

json columns_property(const std::vector<ColumnInfo>& columns, const std::vector<std::string>& source_types) {
    json list = json::array();
    for (size_t i = 0; i < columns.size(); ++i) {
        list.push_back(json{{"name", columns[i].name},
                            {"type", type_to_json(columns[i].type)},
                            {"source_type", i < source_types.size() ? source_types[i] : std::string()}});
    }
    return list;
}

std::vector<ColumnInfo> columns_from_property(const json& properties) {
    std::vector<ColumnInfo> columns;
    auto it = properties.find("columns");
    if (it == properties.end() || !it->is_array()) return columns;
    for (const auto& c : *it) {
        ColumnInfo info;
        info.name = c.at("name").get<std::string>();
        info.type = type_from_json(c.at("type"));
        if (c.contains("source_type") && c["source_type"].is_string()) info.comment = c["source_type"].get<std::string>();
        columns.push_back(std::move(info));
    }
    return columns;
}

namespace {

const ColumnInfo* find_column(const std::vector<ColumnInfo>& columns, const std::string& name) {
    for (const auto& c : columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

std::string relation_of(const ScanRequest& request) {
    auto it = request.table.properties.find("relation");
    if (it == request.table.properties.end() || !it->is_string()) {
        raise(ErrorCode::kInternal, "table handle of {}.{} has no relation", request.table.schema, request.table.table);
    }
    return it->get<std::string>();
}

}  // namespace

std::vector<Type> output_types(const ScanRequest& request) {
    std::vector<Type> types;
    if (request.aggregation) {
        for (const auto& g : request.aggregation->groups) types.push_back(g.type);
        for (const auto& a : request.aggregation->aggregates) types.push_back(a.type);
        return types;
    }
    auto columns = columns_from_property(request.table.properties);
    for (const auto& name : request.columns) {
        const ColumnInfo* c = find_column(columns, name);
        if (!c) raise(ErrorCode::kInternal, "column {} is not in table {}.{}", name, request.table.schema, request.table.table);
        types.push_back(c->type);
    }
    return types;
}

// ---- translation -----------------------------------------------------------------------------------

SqlTranslation translate_scan(const ScanRequest& request, const SqlDialect& dialect) {
    SqlTranslation t;
    SqlSelect& s = t.select;
    s.from = relation_of(request);
    bool all_exact = true;
    if (request.constraint.is_none()) {
        s.where.push_back("FALSE");
    }
    for (const auto& [column, domain] : request.constraint.domains()) {
        auto sql = render_domain(dialect.column_reference(column, domain.type()), domain, dialect);
        if (sql) {
            s.where.push_back(*sql);
            t.plan.constraint_accepted[column] = PushdownKind::kExact;
        } else {
            t.plan.constraint_accepted[column] = PushdownKind::kUnsupported;
            all_exact = false;
        }
    }
    for (const auto& f : request.filters) {
        auto sql = f.type.id() == TypeId::kBoolean ? render_expression(f, dialect) : std::nullopt;
        if (sql) {
            s.where.push_back(*sql);
            t.plan.filters_accepted.push_back(PushdownKind::kExact);
        } else {
            t.plan.filters_accepted.push_back(PushdownKind::kUnsupported);
            all_exact = false;
        }
    }
    std::vector<Type> types;
    std::vector<std::string> order_sql;  // what ORDER BY uses for each output column
    bool aggregation_ok = !request.aggregation;
    if (request.aggregation && all_exact) {
        aggregation_ok = true;
        std::vector<std::string> items, groups;
        for (const auto& g : request.aggregation->groups) {
            auto sql = render_expression(g, dialect);
            if (!sql || !dialect.comparable(g.type)) { aggregation_ok = false; break; }
            items.push_back(*sql);
            groups.push_back(*sql);
            types.push_back(g.type);
        }
        for (size_t i = 0; aggregation_ok && i < request.aggregation->aggregates.size(); ++i) {
            const auto& a = request.aggregation->aggregates[i];
            std::vector<std::string> args;
            for (const auto& arg : a.args) {
                auto sql = render_expression(arg, dialect);
                if (!sql) { aggregation_ok = false; break; }
                args.push_back(*sql);
            }
            if (!aggregation_ok) break;
            auto sql = dialect.aggregate(a, args);
            if (!sql) { aggregation_ok = false; break; }
            items.push_back(*sql);
            types.push_back(a.type);
        }
        if (aggregation_ok) {
            order_sql = items;
            s.select_items = std::move(items);
            s.group_by = std::move(groups);
            s.grouped = true;
            t.plan.aggregation_accepted = true;
        }
    }
    if (!request.aggregation) {
        auto columns = columns_from_property(request.table.properties);
        for (const auto& name : request.columns) {
            s.select_items.push_back(dialect.quote_identifier(name));
            const ColumnInfo* c = find_column(columns, name);
            types.push_back(c ? c->type : Type::varchar());
            order_sql.push_back(dialect.column_reference(name, types.back()));
        }
    }
    const bool base_exact = all_exact && aggregation_ok;
    bool order_ok = request.order_by.empty();
    if (!request.order_by.empty() && base_exact && request.limit) {
        order_ok = true;
        std::vector<std::string> items;
        for (const auto& key : request.order_by) {
            if (key.output >= order_sql.size()) { order_ok = false; break; }
            auto item = dialect.order_item(order_sql[key.output], types[key.output], key.descending, key.nulls_first);
            if (!item) { order_ok = false; break; }
            items.push_back(*item);
        }
        if (order_ok) {
            s.order_by = std::move(items);
            t.plan.order_accepted = true;
        }
    }
    if (request.limit && base_exact && order_ok) {
        s.limit = request.limit;
        t.plan.limit_accepted = true;
    }
    return t;
}

std::optional<TableInfo> join_relation(PushedJoinType type, const ScanRequest& left, const ScanRequest& right,
                                       const std::vector<std::pair<std::string, std::string>>& keys,
                                       const SqlDialect& dialect) {
    if (keys.empty() || left.aggregation || right.aggregation || left.limit || right.limit || !left.order_by.empty() ||
        !right.order_by.empty()) {
        return std::nullopt;
    }
    auto left_columns = columns_from_property(left.table.properties);
    auto right_columns = columns_from_property(right.table.properties);
    // Each side: SELECT * FROM relation WHERE <its filters>; every filter must translate.
    auto side = [&](const ScanRequest& request) -> std::optional<std::string> {
        ScanRequest copy = request;
        copy.limit.reset();
        SqlTranslation t = translate_scan(copy, dialect);
        for (auto kind : t.plan.filters_accepted) {
            if (kind != PushdownKind::kExact) return std::nullopt;
        }
        for (const auto& [column, kind] : t.plan.constraint_accepted) {
            if (kind != PushdownKind::kExact) return std::nullopt;
        }
        // Every column as the dialect compares it (e.g. a zero-date guard), so the join keys compare as the
        // engine would; plain columns stay `*`.
        SqlSelect all = t.select;
        all.select_items.clear();
        bool plain = true;
        for (const auto& c : columns_from_property(request.table.properties)) {
            std::string reference = dialect.column_reference(c.name, c.type);
            std::string quoted = dialect.quote_identifier(c.name);
            plain &= reference == quoted;
            all.select_items.push_back(reference == quoted ? quoted : reference + " AS " + quoted);
        }
        if (plain) all.select_items = {"*"};
        return "(" + all.sql(dialect) + ")";
    };
    auto left_sql = side(left);
    auto right_sql = side(right);
    if (!left_sql || !right_sql) return std::nullopt;
    const std::string l = dialect.quote_identifier("l");
    const std::string r = dialect.quote_identifier("r");
    std::string on;
    for (const auto& [lk, rk] : keys) {
        const ColumnInfo* a = find_column(left_columns, lk);
        const ColumnInfo* b = find_column(right_columns, rk);
        if (!a || !b || a->type != b->type || !dialect.comparable(a->type)) return std::nullopt;
        on += (on.empty() ? "" : " AND ") + l + "." + dialect.quote_identifier(lk) + " = " + r + "." +
              dialect.quote_identifier(rk);
    }
    TableInfo info;
    info.handle.schema = left.table.schema;
    info.handle.table = left.table.table + " JOIN " + right.table.table;
    std::vector<std::string> source_types;
    std::string select;
    auto add = [&](const std::string& alias, const std::vector<ColumnInfo>& columns, const std::vector<std::string>& wanted) {
        for (const auto& name : wanted) {
            const ColumnInfo* c = find_column(columns, name);
            if (!c) return false;
            std::string output = "c" + std::to_string(info.columns.size());
            select += (select.empty() ? "" : ", ") + alias + "." + dialect.quote_identifier(name) + " AS " +
                      dialect.quote_identifier(output);
            ColumnInfo column = *c;
            column.name = output;
            source_types.push_back(c->comment);
            column.comment.clear();
            info.columns.push_back(std::move(column));
        }
        return true;
    };
    if (!add(l, left_columns, left.columns) || !add(r, right_columns, right.columns)) return std::nullopt;
    const char* join_word = type == PushedJoinType::kInner  ? " JOIN "
                            : type == PushedJoinType::kLeft ? " LEFT JOIN "
                            : type == PushedJoinType::kRight ? " RIGHT JOIN "
                                                             : " FULL JOIN ";
    std::string sql = "SELECT " + (select.empty() ? std::string("1") : select) + " FROM " + *left_sql + " AS " + l +
                      join_word + *right_sql + " AS " + r + " ON " + on;
    info.handle.properties = json::object();
    info.handle.properties["relation"] = "(" + sql + ") AS " + dialect.quote_identifier("j");
    info.handle.properties["columns"] = columns_property(info.columns, source_types);
    info.handle.properties["join"] = true;
    info.kind = "JOIN";
    return info;
}

}  // namespace fedq
