#include "sql/ast_dump.h"

namespace fedq::ast {

namespace {

class Dumper {
public:
    std::string out;

    void identifier(const Identifier& id) {
        if (id.quoted) {
            out += '"';
            out += id.name;
            out += '"';
        } else {
            out += id.name;
        }
    }

    void name(const QualifiedName& name) {
        for (size_t i = 0; i < name.parts.size(); ++i) {
            if (i > 0) out += '.';
            identifier(name.parts[i]);
        }
    }

    void expr_list(const std::vector<ExprPtr>& list) {
        for (size_t i = 0; i < list.size(); ++i) {
            if (i > 0) out += ' ';
            expr(*list[i]);
        }
    }

    void order_items(const std::vector<OrderItem>& items) {
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0) out += ' ';
            expr(*items[i].expr);
            if (items[i].descending) out += " desc";
            if (items[i].nulls_first) out += *items[i].nulls_first ? " nulls_first" : " nulls_last";
        }
    }

    static const char* binary_op(BinaryOp op) {
        switch (op) {
            case BinaryOp::kAdd: return "+";
            case BinaryOp::kSubtract: return "-";
            case BinaryOp::kMultiply: return "*";
            case BinaryOp::kDivide: return "/";
            case BinaryOp::kModulo: return "%";
            case BinaryOp::kConcat: return "||";
            case BinaryOp::kEqual: return "=";
            case BinaryOp::kNotEqual: return "<>";
            case BinaryOp::kLess: return "<";
            case BinaryOp::kLessEqual: return "<=";
            case BinaryOp::kGreater: return ">";
            case BinaryOp::kGreaterEqual: return ">=";
            case BinaryOp::kAnd: return "and";
            case BinaryOp::kOr: return "or";
        }
        return "?";
    }

    void frame_bound(const FrameBound& bound) {
        switch (bound.kind) {
            case FrameBoundKind::kUnboundedPreceding: out += "unbounded_preceding"; break;
            case FrameBoundKind::kUnboundedFollowing: out += "unbounded_following"; break;
            case FrameBoundKind::kCurrentRow: out += "current_row"; break;
            case FrameBoundKind::kPreceding:
            case FrameBoundKind::kFollowing:
                expr(*bound.offset);
                out += bound.kind == FrameBoundKind::kPreceding ? " preceding" : " following";
                break;
        }
    }

    void literal(const LiteralExpr& e) {
        switch (e.literal_kind) {
            case LiteralKind::kNull: out += "NULL"; break;
            case LiteralKind::kBoolean: out += e.text; break;
            case LiteralKind::kInteger: out += e.text; break;
            case LiteralKind::kDecimal: out += "decimal:" + e.text; break;
            case LiteralKind::kDouble: out += "double:" + e.text; break;
            case LiteralKind::kString: out += "'" + e.text + "'"; break;
            case LiteralKind::kTyped: out += e.type_name + "'" + e.text + "'"; break;
            case LiteralKind::kInterval:
                out += "interval'" + e.text + "'";
                if (!e.interval_from.empty()) out += " " + e.interval_from;
                if (!e.interval_to.empty()) out += " to " + e.interval_to;
                break;
        }
    }

    void function(const FunctionExpr& e) {
        name(e.name);
        out += '(';
        if (e.distinct) out += "distinct ";
        if (e.is_star) out += '*';
        for (size_t i = 0; i < e.args.size(); ++i) {
            if (i > 0) out += ", ";
            if (i < e.arg_names.size() && !e.arg_names[i].empty()) out += e.arg_names[i] + " => ";
            expr(*e.args[i]);
        }
        if (!e.order_by.empty()) {
            out += " order_by ";
            order_items(e.order_by);
        }
        out += ')';
        if (e.ignore_nulls) out += " ignore_nulls";
        if (e.filter) {
            out += " (filter ";
            expr(*e.filter);
            out += ')';
        }
        if (e.over) {
            out += " (over";
            if (!e.over->partition_by.empty()) {
                out += " (partition ";
                expr_list(e.over->partition_by);
                out += ')';
            }
            if (!e.over->order_by.empty()) {
                out += " (order ";
                order_items(e.over->order_by);
                out += ')';
            }
            if (e.over->frame) {
                out += e.over->frame->type == FrameType::kRows ? " (rows " : " (range ";
                frame_bound(e.over->frame->start);
                out += ", ";
                frame_bound(e.over->frame->end);
                out += ')';
            }
            out += ')';
        }
    }

    void expr(const Expr& e) {
        switch (e.kind) {
            case ExprKind::kLiteral: literal(static_cast<const LiteralExpr&>(e)); break;
            case ExprKind::kColumnRef: name(static_cast<const ColumnRefExpr&>(e).name); break;
            case ExprKind::kStar: {
                auto& star = static_cast<const StarExpr&>(e);
                if (!star.qualifier.parts.empty()) {
                    name(star.qualifier);
                    out += '.';
                }
                out += '*';
                break;
            }
            case ExprKind::kUnary: {
                auto& u = static_cast<const UnaryExpr&>(e);
                out += u.op == UnaryOp::kNot ? "(not " : u.op == UnaryOp::kNegate ? "(neg " : "(pos ";
                expr(*u.operand);
                out += ')';
                break;
            }
            case ExprKind::kBinary: {
                auto& b = static_cast<const BinaryExpr&>(e);
                out += '(';
                out += binary_op(b.op);
                out += ' ';
                expr(*b.left);
                out += ' ';
                expr(*b.right);
                out += ')';
                break;
            }
            case ExprKind::kFunction: function(static_cast<const FunctionExpr&>(e)); break;
            case ExprKind::kCast: {
                auto& c = static_cast<const CastExpr&>(e);
                out += c.is_try ? "(try_cast " : "(cast ";
                expr(*c.operand);
                out += " as " + c.type_name + ")";
                break;
            }
            case ExprKind::kCase: {
                auto& c = static_cast<const CaseExpr&>(e);
                out += "(case";
                if (c.operand) {
                    out += ' ';
                    expr(*c.operand);
                }
                for (auto& when : c.whens) {
                    out += " (when ";
                    expr(*when.condition);
                    out += ' ';
                    expr(*when.result);
                    out += ')';
                }
                if (c.else_result) {
                    out += " (else ";
                    expr(*c.else_result);
                    out += ')';
                }
                out += ')';
                break;
            }
            case ExprKind::kBetween: {
                auto& b = static_cast<const BetweenExpr&>(e);
                out += b.negated ? "(not_between " : "(between ";
                expr(*b.operand);
                out += ' ';
                expr(*b.low);
                out += ' ';
                expr(*b.high);
                out += ')';
                break;
            }
            case ExprKind::kInList: {
                auto& in = static_cast<const InListExpr&>(e);
                out += in.negated ? "(not_in " : "(in ";
                expr(*in.operand);
                out += " (";
                expr_list(in.list);
                out += "))";
                break;
            }
            case ExprKind::kInSubquery: {
                auto& in = static_cast<const InSubqueryExpr&>(e);
                out += in.negated ? "(not_in " : "(in ";
                expr(*in.operand);
                out += ' ';
                query(*in.query);
                out += ')';
                break;
            }
            case ExprKind::kQuantifiedComparison: {
                auto& q = static_cast<const QuantifiedComparisonExpr&>(e);
                out += '(';
                out += binary_op(q.op);
                out += q.all ? " all " : " any ";
                expr(*q.operand);
                out += ' ';
                query(*q.query);
                out += ')';
                break;
            }
            case ExprKind::kExists: {
                auto& ex = static_cast<const ExistsExpr&>(e);
                out += ex.negated ? "(not_exists " : "(exists ";
                query(*ex.query);
                out += ')';
                break;
            }
            case ExprKind::kScalarSubquery:
                out += "(subquery ";
                query(*static_cast<const ScalarSubqueryExpr&>(e).query);
                out += ')';
                break;
            case ExprKind::kIsNull: {
                auto& n = static_cast<const IsNullExpr&>(e);
                out += n.negated ? "(is_not_null " : "(is_null ";
                expr(*n.operand);
                out += ')';
                break;
            }
            case ExprKind::kIsDistinctFrom: {
                auto& d = static_cast<const IsDistinctFromExpr&>(e);
                out += d.negated ? "(is_not_distinct " : "(is_distinct ";
                expr(*d.left);
                out += ' ';
                expr(*d.right);
                out += ')';
                break;
            }
            case ExprKind::kLike: {
                auto& l = static_cast<const LikeExpr&>(e);
                out += '(';
                if (l.negated) out += "not_";
                out += l.case_insensitive ? "ilike " : "like ";
                expr(*l.operand);
                out += ' ';
                expr(*l.pattern);
                if (l.escape) {
                    out += " escape ";
                    expr(*l.escape);
                }
                out += ')';
                break;
            }
            case ExprKind::kArray:
                out += "[";
                expr_list(static_cast<const ArrayExpr&>(e).elements);
                out += "]";
                break;
            case ExprKind::kSubscript: {
                auto& s = static_cast<const SubscriptExpr&>(e);
                out += "(at ";
                expr(*s.base);
                out += ' ';
                expr(*s.index);
                out += ')';
                break;
            }
            case ExprKind::kRowConstructor:
                out += "(row ";
                expr_list(static_cast<const RowConstructorExpr&>(e).fields);
                out += ')';
                break;
            case ExprKind::kLambda: {
                auto& l = static_cast<const LambdaExpr&>(e);
                out += "(lambda (";
                for (size_t i = 0; i < l.parameters.size(); ++i) {
                    if (i > 0) out += ' ';
                    identifier(l.parameters[i]);
                }
                out += ") ";
                expr(*l.body);
                out += ')';
                break;
            }
        }
    }

    void alias(const TableAlias& alias) {
        if (!alias.name) return;
        out += " as ";
        identifier(*alias.name);
        if (!alias.columns.empty()) {
            out += '(';
            for (size_t i = 0; i < alias.columns.size(); ++i) {
                if (i > 0) out += ' ';
                identifier(alias.columns[i]);
            }
            out += ')';
        }
    }

    void rows(const std::vector<std::vector<ExprPtr>>& rows) {
        for (size_t i = 0; i < rows.size(); ++i) {
            out += i > 0 ? " (" : "(";
            expr_list(rows[i]);
            out += ')';
        }
    }

    void table(const TableRef& t) {
        switch (t.kind) {
            case TableRefKind::kNamed: name(static_cast<const NamedTableRef&>(t).name); break;
            case TableRefKind::kSubquery: query(*static_cast<const SubqueryTableRef&>(t).query); break;
            case TableRefKind::kFilePath: out += "(file '" + static_cast<const FilePathRef&>(t).path + "')"; break;
            case TableRefKind::kValues:
                out += "(values ";
                rows(static_cast<const ValuesTableRef&>(t).rows);
                out += ')';
                break;
            case TableRefKind::kTableFunction: {
                auto& f = static_cast<const TableFunctionRef&>(t);
                out += "(table_function ";
                name(f.name);
                out += '(';
                for (size_t i = 0; i < f.args.size(); ++i) {
                    if (i > 0) out += ", ";
                    if (i < f.arg_names.size() && !f.arg_names[i].empty()) out += f.arg_names[i] + " => ";
                    expr(*f.args[i]);
                }
                out += "))";
                break;
            }
            case TableRefKind::kJoin: {
                auto& j = static_cast<const JoinTableRef&>(t);
                static const char* kNames[] = {"inner", "left", "right", "full", "cross"};
                out += '(';
                if (j.natural) out += "natural_";
                out += kNames[static_cast<int>(j.join_type)];
                out += "_join ";
                table(*j.left);
                out += ' ';
                table(*j.right);
                if (j.on) {
                    out += " (on ";
                    expr(*j.on);
                    out += ')';
                }
                if (!j.using_columns.empty()) {
                    out += " (using";
                    for (auto& column : j.using_columns) {
                        out += ' ';
                        identifier(column);
                    }
                    out += ')';
                }
                out += ')';
                break;
            }
        }
        alias(t.alias);
    }

    void body(const QueryBody& b) {
        switch (b.kind) {
            case QueryBodyKind::kSelect: {
                auto& s = static_cast<const SelectBody&>(b);
                out += s.distinct ? "(select distinct (items" : "(select (items";
                for (auto& item : s.items) {
                    out += ' ';
                    expr(*item.expr);
                    if (item.alias) {
                        out += " as ";
                        identifier(*item.alias);
                    }
                }
                out += ')';
                if (s.from) {
                    out += " (from ";
                    table(*s.from);
                    out += ')';
                }
                if (s.where) {
                    out += " (where ";
                    expr(*s.where);
                    out += ')';
                }
                if (s.group_by_all) out += " (group_by all)";
                if (!s.group_by.empty()) {
                    out += " (group_by ";
                    expr_list(s.group_by);
                    out += ')';
                }
                if (s.having) {
                    out += " (having ";
                    expr(*s.having);
                    out += ')';
                }
                if (s.qualify) {
                    out += " (qualify ";
                    expr(*s.qualify);
                    out += ')';
                }
                out += ')';
                break;
            }
            case QueryBodyKind::kSetOperation: {
                auto& s = static_cast<const SetOperationBody&>(b);
                static const char* kNames[] = {"union", "intersect", "except"};
                out += '(';
                out += kNames[static_cast<int>(s.op)];
                if (s.all) out += "_all";
                out += ' ';
                body(*s.left);
                out += ' ';
                body(*s.right);
                out += ')';
                break;
            }
            case QueryBodyKind::kValues:
                out += "(values ";
                rows(static_cast<const ValuesBody&>(b).rows);
                out += ')';
                break;
            case QueryBodyKind::kQuery: query(*static_cast<const NestedQueryBody&>(b).query); break;
        }
    }

    void query(const Query& q) {
        out += "(query ";
        if (!q.with.empty()) {
            out += q.recursive ? "(with_recursive" : "(with";
            for (auto& cte : q.with) {
                out += ' ';
                identifier(cte.name);
                if (!cte.columns.empty()) {
                    out += '(';
                    for (size_t i = 0; i < cte.columns.size(); ++i) {
                        if (i > 0) out += ' ';
                        identifier(cte.columns[i]);
                    }
                    out += ')';
                }
                out += " as ";
                query(*cte.query);
            }
            out += ") ";
        }
        body(*q.body);
        if (!q.order_by.empty()) {
            out += " (order_by ";
            order_items(q.order_by);
            out += ')';
        }
        if (q.limit) {
            out += " (limit ";
            expr(*q.limit);
            out += ')';
        }
        if (q.offset) {
            out += " (offset ";
            expr(*q.offset);
            out += ')';
        }
        out += ')';
    }

    void statement(const Statement& s) {
        switch (s.kind) {
            case StatementKind::kQuery: query(*static_cast<const QueryStatement&>(s).query); break;
            case StatementKind::kExplain: {
                auto& e = static_cast<const ExplainStatement&>(s);
                out += "(explain";
                if (e.analyze) out += " analyze";
                if (e.verbose) out += " verbose";
                out += ' ';
                statement(*e.statement);
                out += ')';
                break;
            }
            case StatementKind::kUse:
                out += "(use ";
                name(static_cast<const UseStatement&>(s).name);
                out += ')';
                break;
            case StatementKind::kSet: {
                auto& set = static_cast<const SetStatement&>(s);
                out += "(set ";
                name(set.name);
                out += ' ';
                expr(*set.value);
                out += ')';
                break;
            }
            case StatementKind::kReset:
                out += "(reset ";
                name(static_cast<const ResetStatement&>(s).name);
                out += ')';
                break;
            case StatementKind::kShow: {
                auto& show = static_cast<const ShowStatement&>(s);
                static const char* kNames[] = {"catalogs", "schemas", "tables", "columns", "functions", "session",
                                               "create catalog", "partitions", "create table"};
                out += "(show ";
                out += kNames[static_cast<int>(show.show)];
                if (!show.from.parts.empty()) {
                    out += " (from ";
                    name(show.from);
                    out += ')';
                }
                if (show.like) out += " (like '" + *show.like + "')";
                out += ')';
                break;
            }
            case StatementKind::kDescribe:
                out += "(describe ";
                table(*static_cast<const DescribeStatement&>(s).table);
                out += ')';
                break;
            case StatementKind::kCreateCatalog: {
                auto& create = static_cast<const CreateCatalogStatement&>(s);
                out += create.or_replace ? "(create or replace catalog " : "(create catalog ";
                if (create.if_not_exists) out += "if not exists ";
                out += create.name.name + " using " + create.type.name;
                catalog_options(create.options);
                out += ')';
                break;
            }
            case StatementKind::kDropCatalog: {
                auto& drop = static_cast<const DropCatalogStatement&>(s);
                out += "(drop catalog ";
                if (drop.if_exists) out += "if exists ";
                out += drop.name.name + ')';
                break;
            }
            case StatementKind::kAlterCatalog: {
                auto& alter = static_cast<const AlterCatalogStatement&>(s);
                out += "(alter catalog " + alter.name.name;
                if (!alter.set.empty()) {
                    out += " set";
                    catalog_options(alter.set);
                }
                if (!alter.reset.empty()) {
                    out += " reset";
                    for (const auto& key : alter.reset) out += ' ' + key;
                }
                out += ')';
                break;
            }
            case StatementKind::kCreateTable:
                create_table(static_cast<const CreateTableStatement&>(s));
                break;
            case StatementKind::kDropTable: {
                auto& drop = static_cast<const DropTableStatement&>(s);
                out += "(drop table ";
                if (drop.if_exists) out += "if exists ";
                name(drop.name);
                out += ')';
                break;
            }
            case StatementKind::kInsert: {
                auto& insert = static_cast<const InsertStatement&>(s);
                out += insert.overwrite ? "(insert overwrite " : "(insert into ";
                name(insert.table);
                if (!insert.columns.empty()) {
                    out += " (columns";
                    for (const auto& column : insert.columns) out += ' ' + column.name;
                    out += ')';
                }
                out += ' ';
                query(*insert.query);
                out += ')';
                break;
            }
            case StatementKind::kRepairTable:
                out += "(repair table ";
                name(static_cast<const RepairTableStatement&>(s).name);
                out += ')';
                break;
            case StatementKind::kAlterTable: alter_table(static_cast<const AlterTableStatement&>(s)); break;
        }
    }

    void column_definitions(const char* label, const std::vector<ColumnDefinition>& columns) {
        if (columns.empty()) return;
        out += " (";
        out += label;
        for (const auto& column : columns) {
            out += " (" + column.name.name;
            if (column.has_type) out += ' ' + column.type;
            if (column.comment) out += " comment '" + *column.comment + "'";
            out += ')';
        }
        out += ')';
    }

    void table_properties(const char* label, const std::vector<TableProperty>& properties) {
        if (properties.empty()) return;
        out += " (";
        out += label;
        for (const auto& property : properties) {
            out += " (" + property.key + " = ";
            expr(*property.value);
            out += ')';
        }
        out += ')';
    }

    void create_table(const CreateTableStatement& create) {
        out += "(create ";
        if (create.or_replace) out += "or replace ";
        if (create.external) out += "external ";
        out += "table ";
        if (create.if_not_exists) out += "if not exists ";
        name(create.name);
        column_definitions("columns", create.columns);
        if (create.comment) out += " (comment '" + *create.comment + "')";
        column_definitions("partitioned_by", create.partitioned_by);
        if (create.field_delimiter || create.escape_char || create.line_delimiter) {
            out += " (delimited";
            if (create.field_delimiter) out += " (fields '" + *create.field_delimiter + "')";
            if (create.escape_char) out += " (escaped '" + *create.escape_char + "')";
            if (create.line_delimiter) out += " (lines '" + *create.line_delimiter + "')";
            out += ')';
        }
        if (create.serde) {
            out += " (serde '" + *create.serde + "'";
            table_properties("serdeproperties", create.serde_properties);
            out += ')';
        }
        if (create.stored_as) out += " (stored_as " + *create.stored_as + ')';
        if (create.location) out += " (location '" + *create.location + "')";
        table_properties("tblproperties", create.tblproperties);
        table_properties("with", create.with);
        if (create.query) {
            out += " (as ";
            query(*create.query);
            out += ')';
            if (!create.with_data) out += " (no data)";
        }
        out += ')';
    }

    void alter_table(const AlterTableStatement& alter) {
        out += "(alter table ";
        name(alter.name);
        switch (alter.action) {
            case AlterTableStatement::Action::kAddPartitions: out += " add partitions"; break;
            case AlterTableStatement::Action::kDropPartitions: out += " drop partitions"; break;
            case AlterTableStatement::Action::kSetProperties: out += " set tblproperties"; break;
            case AlterTableStatement::Action::kAddColumns: out += " add columns"; break;
        }
        if (alter.if_not_exists) out += " if not exists";
        if (alter.if_exists) out += " if exists";
        for (const auto& partition : alter.partitions) {
            out += " (partition";
            for (const auto& [key, value] : partition.values) {
                out += " (" + key.name + " = ";
                expr(*value);
                out += ')';
            }
            if (partition.location) out += " (location '" + *partition.location + "')";
            out += ')';
        }
        table_properties("properties", alter.properties);
        column_definitions("columns", alter.columns);
        out += ')';
    }

    // " (key = value, ...)" with strings quoted, numbers and booleans bare, env('VAR').
    void catalog_options(const std::vector<CatalogOption>& options) {
        if (options.empty()) return;
        out += " (";
        for (size_t i = 0; i < options.size(); ++i) {
            if (i) out += ", ";
            out += options[i].key + " = ";
            switch (options[i].kind) {
                case CatalogOption::Kind::kString: out += "'" + options[i].value + "'"; break;
                case CatalogOption::Kind::kEnv: out += "env('" + options[i].value + "')"; break;
                default: out += options[i].value; break;
            }
        }
        out += ')';
    }
};

}  // namespace

std::string dump(const Expr& expr) {
    Dumper d;
    d.expr(expr);
    return d.out;
}

std::string dump(const Query& query) {
    Dumper d;
    d.query(query);
    return d.out;
}

std::string dump(const QueryBody& body) {
    Dumper d;
    d.body(body);
    return d.out;
}

std::string dump(const TableRef& table) {
    Dumper d;
    d.table(table);
    return d.out;
}

std::string dump(const Statement& statement) {
    Dumper d;
    d.statement(statement);
    return d.out;
}

}  // namespace fedq::ast
