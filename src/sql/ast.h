// The abstract syntax tree produced by the parser (sql/parser.h) and consumed by the binder. Nodes own
// their children through unique_ptr. Every node records where it starts in the SQL text so binding
// errors can point at it. Identifiers keep their spelling and whether they were quoted: unquoted names
// match case-insensitively, quoted names exactly.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace fedq::ast {

struct Identifier {
    std::string name;
    bool quoted = false;
    SqlPosition position;
};

// A dotted name: catalog.schema.table, t.column, schema.function, ...
struct QualifiedName {
    std::vector<Identifier> parts;
    std::string to_string() const;  // parts joined with '.', as written (quotes dropped)
};

struct Query;
using QueryPtr = std::unique_ptr<Query>;

// ---------------------------------------------------------------------------------------- expressions

enum class ExprKind {
    kLiteral,
    kColumnRef,
    kStar,            // * or t.* (only in SELECT lists and count(*))
    kUnary,
    kBinary,
    kFunction,
    kCast,
    kCase,
    kBetween,
    kInList,
    kInSubquery,
    kExists,
    kScalarSubquery,
    kIsNull,
    kIsDistinctFrom,
    kLike,
    kArray,           // ARRAY[a, b]
    kSubscript,       // base[index]
    kRowConstructor,  // ROW(a, b) or (a, b)
    kLambda,          // x -> expr (for array functions)
    kQuantifiedComparison,  // x > ALL (subquery), x < ANY (subquery)
};

struct Expr {
    explicit Expr(ExprKind k) : kind(k) {}
    virtual ~Expr() = default;
    ExprKind kind;
    SqlPosition position;
};
using ExprPtr = std::unique_ptr<Expr>;

enum class LiteralKind {
    kNull,
    kBoolean,    // text "true"/"false"
    kInteger,    // text of digits (may not fit BIGINT: then DECIMAL)
    kDecimal,    // text with a '.' : DECIMAL per Trino
    kDouble,     // text with an exponent: DOUBLE
    kString,     // 'text' (escapes resolved)
    kTyped,      // DATE '...', TIMESTAMP '...', TIME '...', DECIMAL '...', JSON '...', X'..' (type_name set)
    kInterval,   // INTERVAL '3' DAY [TO SECOND]; text = '3', interval_from/to = units, negative sign folded in text
};

struct LiteralExpr : Expr {
    LiteralExpr() : Expr(ExprKind::kLiteral) {}
    LiteralKind literal_kind = LiteralKind::kNull;
    std::string text;
    std::string type_name;       // for kTyped: "date", "timestamp", "timestamp with time zone", "varbinary", ...
    std::string interval_from;   // for kInterval: "year", "month", "day", "hour", "minute", "second"
    std::string interval_to;     // empty unless "TO unit" was given
};

struct ColumnRefExpr : Expr {
    ColumnRefExpr() : Expr(ExprKind::kColumnRef) {}
    QualifiedName name;  // c, t.c, s.t.c, or a ROW field access chain
};

struct StarExpr : Expr {
    StarExpr() : Expr(ExprKind::kStar) {}
    QualifiedName qualifier;  // empty for *
};

enum class UnaryOp { kNot, kNegate, kPlus };

struct UnaryExpr : Expr {
    UnaryExpr() : Expr(ExprKind::kUnary) {}
    UnaryOp op = UnaryOp::kNot;
    ExprPtr operand;
};

enum class BinaryOp { kAdd, kSubtract, kMultiply, kDivide, kModulo, kConcat, kEqual, kNotEqual, kLess,
                      kLessEqual, kGreater, kGreaterEqual, kAnd, kOr };

struct BinaryExpr : Expr {
    BinaryExpr() : Expr(ExprKind::kBinary) {}
    BinaryOp op = BinaryOp::kAdd;
    ExprPtr left;
    ExprPtr right;
};

struct OrderItem {
    ExprPtr expr;
    bool descending = false;
    std::optional<bool> nulls_first;  // default: NULLS LAST for ASC, NULLS FIRST for DESC (Trino: last for both)
};

enum class FrameType { kRows, kRange };
enum class FrameBoundKind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };

struct FrameBound {
    FrameBoundKind kind = FrameBoundKind::kCurrentRow;
    ExprPtr offset;  // for kPreceding / kFollowing
};

struct WindowFrame {
    FrameType type = FrameType::kRange;
    FrameBound start;
    FrameBound end;
};

struct WindowSpec {
    std::vector<ExprPtr> partition_by;
    std::vector<OrderItem> order_by;
    std::optional<WindowFrame> frame;
};

struct FunctionExpr : Expr {
    FunctionExpr() : Expr(ExprKind::kFunction) {}
    QualifiedName name;             // lower-cased unless quoted
    std::vector<ExprPtr> args;      // count(*) has is_star and no args
    std::vector<std::string> arg_names;  // named arguments (name => value); "" when positional
    bool distinct = false;
    bool is_star = false;
    ExprPtr filter;                 // FILTER (WHERE ...)
    std::vector<OrderItem> order_by;  // string_agg(x, ',' ORDER BY y), array_agg(x ORDER BY y)
    std::unique_ptr<WindowSpec> over;  // OVER (...)
    bool ignore_nulls = false;      // lag(x) IGNORE NULLS
};
// Special syntax is parsed into FunctionExpr: EXTRACT(field FROM x) -> extract('field', x);
// SUBSTRING(x FROM a FOR b) -> substring(x, a, b); POSITION(a IN b) -> strpos(b, a);
// TRIM([BOTH|LEADING|TRAILING] [c] FROM x) -> trim/ltrim/rtrim(x[, c]); CURRENT_DATE,
// CURRENT_TIMESTAMP, LOCALTIMESTAMP, NOW() -> functions without arguments;
// COALESCE/NULLIF/IF/GREATEST/LEAST are ordinary function calls.

struct CastExpr : Expr {
    CastExpr() : Expr(ExprKind::kCast) {}
    ExprPtr operand;
    std::string type_name;  // as written, parsed with parse_type
    bool is_try = false;    // TRY_CAST
};

struct WhenClause {
    ExprPtr condition;
    ExprPtr result;
};

struct CaseExpr : Expr {
    CaseExpr() : Expr(ExprKind::kCase) {}
    ExprPtr operand;  // CASE x WHEN ... (null for searched CASE)
    std::vector<WhenClause> whens;
    ExprPtr else_result;
};

struct BetweenExpr : Expr {
    BetweenExpr() : Expr(ExprKind::kBetween) {}
    ExprPtr operand, low, high;
    bool negated = false;
};

struct InListExpr : Expr {
    InListExpr() : Expr(ExprKind::kInList) {}
    ExprPtr operand;
    std::vector<ExprPtr> list;
    bool negated = false;
};

struct InSubqueryExpr : Expr {
    InSubqueryExpr() : Expr(ExprKind::kInSubquery) {}
    ExprPtr operand;
    QueryPtr query;
    bool negated = false;
};

// x op ANY|SOME|ALL (subquery) for op in < <= > >= (and = ALL, <> ANY). The parser turns "x = ANY (q)"
// into IN (q) and "x <> ALL (q)" into NOT IN (q), so those two never appear here.
struct QuantifiedComparisonExpr : Expr {
    QuantifiedComparisonExpr() : Expr(ExprKind::kQuantifiedComparison) {}
    BinaryOp op = BinaryOp::kEqual;  // a comparison operator
    bool all = false;                // ALL; false for ANY / SOME
    ExprPtr operand;
    QueryPtr query;
};

struct ExistsExpr : Expr {
    ExistsExpr() : Expr(ExprKind::kExists) {}
    QueryPtr query;
    bool negated = false;
};

struct ScalarSubqueryExpr : Expr {
    ScalarSubqueryExpr() : Expr(ExprKind::kScalarSubquery) {}
    QueryPtr query;
};

struct IsNullExpr : Expr {
    IsNullExpr() : Expr(ExprKind::kIsNull) {}
    ExprPtr operand;
    bool negated = false;  // IS NOT NULL
};

struct IsDistinctFromExpr : Expr {
    IsDistinctFromExpr() : Expr(ExprKind::kIsDistinctFrom) {}
    ExprPtr left, right;
    bool negated = false;  // IS NOT DISTINCT FROM
};

struct LikeExpr : Expr {
    LikeExpr() : Expr(ExprKind::kLike) {}
    ExprPtr operand, pattern, escape;
    bool negated = false;
    bool case_insensitive = false;  // ILIKE
};

struct ArrayExpr : Expr {
    ArrayExpr() : Expr(ExprKind::kArray) {}
    std::vector<ExprPtr> elements;
};

struct SubscriptExpr : Expr {
    SubscriptExpr() : Expr(ExprKind::kSubscript) {}
    ExprPtr base, index;
};

struct RowConstructorExpr : Expr {
    RowConstructorExpr() : Expr(ExprKind::kRowConstructor) {}
    std::vector<ExprPtr> fields;
};

struct LambdaExpr : Expr {
    LambdaExpr() : Expr(ExprKind::kLambda) {}
    std::vector<Identifier> parameters;
    ExprPtr body;
};

// ---------------------------------------------------------------------------------------- FROM clause

enum class TableRefKind { kNamed, kSubquery, kJoin, kTableFunction, kFilePath, kValues };
enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableAlias {
    std::optional<Identifier> name;
    std::vector<Identifier> columns;  // AS t(a, b)
};

struct TableRef {
    explicit TableRef(TableRefKind k) : kind(k) {}
    virtual ~TableRef() = default;
    TableRefKind kind;
    SqlPosition position;
    TableAlias alias;
};
using TableRefPtr = std::unique_ptr<TableRef>;

struct NamedTableRef : TableRef {
    NamedTableRef() : TableRef(TableRefKind::kNamed) {}
    QualifiedName name;
};

struct SubqueryTableRef : TableRef {
    SubqueryTableRef() : TableRef(TableRefKind::kSubquery) {}
    QueryPtr query;
};

struct JoinTableRef : TableRef {
    JoinTableRef() : TableRef(TableRefKind::kJoin) {}
    JoinType join_type = JoinType::kInner;
    TableRefPtr left, right;
    ExprPtr on;                    // ON condition
    std::vector<Identifier> using_columns;
    bool natural = false;
};

// read_csv('path', header => true), TABLE(catalog.system.query(query => '...'))
struct TableFunctionRef : TableRef {
    TableFunctionRef() : TableRef(TableRefKind::kTableFunction) {}
    QualifiedName name;
    std::vector<ExprPtr> args;
    std::vector<std::string> arg_names;  // "" when positional
};

// FROM 'data/orders.csv'
struct FilePathRef : TableRef {
    FilePathRef() : TableRef(TableRefKind::kFilePath) {}
    std::string path;
};

struct ValuesTableRef : TableRef {
    ValuesTableRef() : TableRef(TableRefKind::kValues) {}
    std::vector<std::vector<ExprPtr>> rows;
};

// ---------------------------------------------------------------------------------------- queries

struct SelectItem {
    ExprPtr expr;  // may be a StarExpr
    std::optional<Identifier> alias;
};

enum class QueryBodyKind { kSelect, kSetOperation, kValues, kQuery };
enum class SetOpType { kUnion, kIntersect, kExcept };

struct QueryBody {
    explicit QueryBody(QueryBodyKind k) : kind(k) {}
    virtual ~QueryBody() = default;
    QueryBodyKind kind;
    SqlPosition position;
};
using QueryBodyPtr = std::unique_ptr<QueryBody>;

struct SelectBody : QueryBody {
    SelectBody() : QueryBody(QueryBodyKind::kSelect) {}
    bool distinct = false;
    std::vector<SelectItem> items;
    TableRefPtr from;              // null: SELECT without FROM (one row)
    ExprPtr where;
    std::vector<ExprPtr> group_by; // ordinals are integer literals; aliases are column refs
    bool group_by_all = false;     // GROUP BY ALL
    ExprPtr having;
    ExprPtr qualify;
};

struct SetOperationBody : QueryBody {
    SetOperationBody() : QueryBody(QueryBodyKind::kSetOperation) {}
    SetOpType op = SetOpType::kUnion;
    bool all = false;  // UNION ALL
    QueryBodyPtr left, right;
};

struct ValuesBody : QueryBody {
    ValuesBody() : QueryBody(QueryBodyKind::kValues) {}
    std::vector<std::vector<ExprPtr>> rows;
};

// A parenthesised query used as a body: (SELECT ... ORDER BY ... LIMIT ...) UNION ...
struct NestedQueryBody : QueryBody {
    NestedQueryBody() : QueryBody(QueryBodyKind::kQuery) {}
    QueryPtr query;
};

struct CommonTableExpr {
    Identifier name;
    std::vector<Identifier> columns;
    QueryPtr query;
};

struct Query {
    SqlPosition position;
    std::vector<CommonTableExpr> with;
    bool recursive = false;
    QueryBodyPtr body;
    std::vector<OrderItem> order_by;
    ExprPtr limit;   // LIMIT n / FETCH FIRST n ROWS ONLY; null = none (LIMIT ALL)
    ExprPtr offset;
};

// ---------------------------------------------------------------------------------------- statements

enum class StatementKind { kQuery, kExplain, kUse, kSet, kReset, kShow, kDescribe, kCreateCatalog, kDropCatalog,
                           kAlterCatalog, kCreateTable, kDropTable, kInsert, kRepairTable, kAlterTable };

struct Statement {
    explicit Statement(StatementKind k) : kind(k) {}
    virtual ~Statement() = default;
    StatementKind kind;
    SqlPosition position;
    std::string text;  // the statement's own SQL text (without the trailing ';')
};
using StatementPtr = std::unique_ptr<Statement>;

struct QueryStatement : Statement {
    QueryStatement() : Statement(StatementKind::kQuery) {}
    QueryPtr query;
};

struct ExplainStatement : Statement {
    ExplainStatement() : Statement(StatementKind::kExplain) {}
    bool analyze = false;
    bool verbose = false;
    StatementPtr statement;
};

// USE catalog.schema | USE schema
struct UseStatement : Statement {
    UseStatement() : Statement(StatementKind::kUse) {}
    QualifiedName name;
};

// SET [SESSION] name = value | SET name TO value
struct SetStatement : Statement {
    SetStatement() : Statement(StatementKind::kSet) {}
    QualifiedName name;
    ExprPtr value;
};

struct ResetStatement : Statement {
    ResetStatement() : Statement(StatementKind::kReset) {}
    QualifiedName name;
};

enum class ShowKind { kCatalogs, kSchemas, kTables, kColumns, kFunctions, kSession, kCreateCatalog, kPartitions,
                      kCreateTable };

// SHOW CATALOGS | SHOW SCHEMAS [FROM catalog] | SHOW TABLES [FROM catalog.schema] |
// SHOW COLUMNS FROM table | SHOW FUNCTIONS | SHOW SESSION  [LIKE 'pattern'] |
// SHOW CREATE CATALOG name | SHOW PARTITIONS [FROM|IN] table | SHOW CREATE TABLE table (the name in `from`, no LIKE)
struct ShowStatement : Statement {
    ShowStatement() : Statement(StatementKind::kShow) {}
    ShowKind show = ShowKind::kCatalogs;
    QualifiedName from;
    std::optional<std::string> like;
};

// DESCRIBE table | DESC table | DESCRIBE (query) is not supported
struct DescribeStatement : Statement {
    DescribeStatement() : Statement(StatementKind::kDescribe) {}
    TableRefPtr table;  // a NamedTableRef, FilePathRef or TableFunctionRef
};

// ---------------------------------------------------------------------------------------- catalog DDL

// One `key = value` of CREATE CATALOG ... WITH (...) / ALTER CATALOG ... SET. Keys are lower-cased.
struct CatalogOption {
    enum class Kind { kString, kNumber, kBoolean, kEnv };
    std::string key;
    Kind kind = Kind::kString;
    std::string value;  // the string, the number as written (sign included), "true"/"false", or env's variable
    SqlPosition position;
};

// CREATE [OR REPLACE] CATALOG [IF NOT EXISTS] name USING type [WITH (key = value, ...)]
// value: 'string' | [-]number | TRUE | FALSE | env('VAR')
struct CreateCatalogStatement : Statement {
    CreateCatalogStatement() : Statement(StatementKind::kCreateCatalog) {}
    Identifier name;
    Identifier type;
    bool or_replace = false;
    bool if_not_exists = false;
    std::vector<CatalogOption> options;
};

// DROP CATALOG [IF EXISTS] name
struct DropCatalogStatement : Statement {
    DropCatalogStatement() : Statement(StatementKind::kDropCatalog) {}
    Identifier name;
    bool if_exists = false;
};

// ALTER CATALOG name SET (key = value, ...) | SET key = value [, ...] | RESET (key, ...) | RESET key [, ...]
struct AlterCatalogStatement : Statement {
    AlterCatalogStatement() : Statement(StatementKind::kAlterCatalog) {}
    Identifier name;
    std::vector<CatalogOption> set;
    std::vector<std::string> reset;  // lower-cased keys
};

// ---------------------------------------------------------------------------------------- table DDL / DML

// A column in a table definition. `type` is the type text as written (like CastExpr::type_name, to be parsed
// with parse_type). has_type is false only for bare names in PARTITIONED BY (dt) (Athena CTAS style); then
// `type` is empty.
struct ColumnDefinition {
    Identifier name;
    std::string type;
    bool has_type = true;
    std::optional<std::string> comment;
    SqlPosition position;
};

// 'key' = 'value' in TBLPROPERTIES / SERDEPROPERTIES (key as written, value a string LiteralExpr), or
// key = expr in WITH (...) (key lower-cased unless quoted, value any expression: 'PARQUET', ARRAY['dt'], 42).
struct TableProperty {
    std::string key;
    ExprPtr value;
    SqlPosition position;
};

// CREATE [OR REPLACE] [EXTERNAL] TABLE [IF NOT EXISTS] name [(col type [COMMENT 's'], ...)]
//   { COMMENT 's' | PARTITIONED BY (col [type], ...) | ROW FORMAT DELIMITED [FIELDS TERMINATED BY 's']
//     [ESCAPED BY 's'] [LINES TERMINATED BY 's'] |
//     ROW FORMAT SERDE 's' [WITH SERDEPROPERTIES ('k'='v', ...)] |
//     STORED AS word | LOCATION 's' | TBLPROPERTIES ('k'='v', ...) | WITH (key = expr, ...) }  (any order)
//   [AS query | AS (query) [WITH [NO] DATA]]
struct CreateTableStatement : Statement {
    CreateTableStatement() : Statement(StatementKind::kCreateTable) {}
    QualifiedName name;
    bool external = false;
    bool or_replace = false;
    bool if_not_exists = false;
    std::vector<ColumnDefinition> columns;         // may be empty for CTAS
    std::vector<ColumnDefinition> partitioned_by;  // Hive style PARTITIONED BY (dt DATE, region VARCHAR)
    std::optional<std::string> stored_as;          // STORED AS PARQUET|CSV|TEXTFILE|JSON|... (upper-cased)
    std::optional<std::string> location;           // LOCATION '...'
    std::optional<std::string> comment;            // COMMENT '...'
    std::vector<TableProperty> tblproperties;      // TBLPROPERTIES ('k' = 'v', ...)
    std::vector<TableProperty> with;               // WITH (format = 'PARQUET', partitioned_by = ARRAY['dt'])
    std::optional<std::string> field_delimiter;    // ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
    std::optional<std::string> escape_char;        // ... ESCAPED BY '\\'
    std::optional<std::string> line_delimiter;     // ... LINES TERMINATED BY '\n'
    std::optional<std::string> serde;              // ROW FORMAT SERDE '...'
    std::vector<TableProperty> serde_properties;   // ... WITH SERDEPROPERTIES ('k' = 'v', ...)
    QueryPtr query;                                // AS <query> (CTAS); null otherwise
    bool with_data = true;                         // ... WITH NO DATA -> false
};

// DROP TABLE [IF EXISTS] name
struct DropTableStatement : Statement {
    DropTableStatement() : Statement(StatementKind::kDropTable) {}
    QualifiedName name;
    bool if_exists = false;
};

// INSERT INTO name [(col, ...)] query | INSERT OVERWRITE [TABLE] name [(col, ...)] query. The query may be
// VALUES (...), (...) (a ValuesBody).
struct InsertStatement : Statement {
    InsertStatement() : Statement(StatementKind::kInsert) {}
    QualifiedName table;
    std::vector<Identifier> columns;
    QueryPtr query;
    bool overwrite = false;
};

// MSCK REPAIR TABLE name | ALTER TABLE name RECOVER PARTITIONS
struct RepairTableStatement : Statement {
    RepairTableStatement() : Statement(StatementKind::kRepairTable) {}
    QualifiedName name;
};

// PARTITION (key = expr, ...) [LOCATION 's']; values are literals ('x', 42, -1, DATE '2024-01-01').
struct PartitionSpec {
    std::vector<std::pair<Identifier, ExprPtr>> values;
    std::optional<std::string> location;
    SqlPosition position;
};

// ALTER TABLE name ADD [IF NOT EXISTS] PARTITION (...) [LOCATION 's'] [PARTITION (...) [LOCATION 's']] ...
// ALTER TABLE name DROP [IF EXISTS] PARTITION (...) [, PARTITION (...)] ...
// ALTER TABLE name SET TBLPROPERTIES ('k' = 'v', ...)
// ALTER TABLE name ADD COLUMNS (col type [COMMENT 's'], ...)
// (ALTER TABLE name RECOVER PARTITIONS is a RepairTableStatement.)
struct AlterTableStatement : Statement {
    enum class Action { kAddPartitions, kDropPartitions, kSetProperties, kAddColumns };
    AlterTableStatement() : Statement(StatementKind::kAlterTable) {}
    QualifiedName name;
    Action action = Action::kAddPartitions;
    bool if_not_exists = false;
    bool if_exists = false;
    std::vector<PartitionSpec> partitions;
    std::vector<TableProperty> properties;
    std::vector<ColumnDefinition> columns;
};

}  // namespace fedq::ast
