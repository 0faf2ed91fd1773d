// How fedq writes SQL for MySQL/MariaDB. Differences from the standard dialect that matter for exact
// pushdown:
//  - identifiers in backticks; strings escape backslashes (the session's sql_mode keeps backslash escapes);
//  - default collations are case- and accent-insensitive and PAD SPACE, so every string comparison is made
//    binary (byte order of UTF-8 = code point order): literals are written BINARY 'x', column-to-column
//    comparisons, ORDER BY, GROUP BY, DISTINCT and min/max wrap the column in BINARY, LIKE uses
//    COLLATE utf8mb4_bin; string join keys are refused (MySqlConnector::apply_join);
//  - no NULLS FIRST/LAST: emulated with an `x IS NULL` sort key; no IS DISTINCT FROM: <=>;
//  - `/` on integers is DECIMAL in MySQL: $div maps to DIV (truncates like the engine) only for a non-zero
//    constant divisor (MySQL returns NULL where the engine raises division by zero); likewise %;
//  - integer arithmetic is BIGINT in MySQL: only pushed when the engine's result type is BIGINT too, so
//    overflow raises in both;
//  - sum(integer) comes back as DECIMAL and is read into BIGINT (overflow raises); avg(integer) is computed
//    as double like the engine; sum/avg of floating point values (order-dependent) stay in the engine.
#pragma once

#include "connectors/sql_common/sql_query.h"

namespace fedq {

class MySqlDialect : public SqlDialect {
public:
    std::string quote_identifier(std::string_view name) const override;
    // DATE/DATETIME/TIMESTAMP columns compare through a zero-date guard: '0000-00-00' and dates with a zero
    // month or day are NULL there, as the engine reads them.
    std::string column_reference(std::string_view name, const Type& type) const override;
    std::string quote_string(std::string_view text) const override;
    std::optional<std::string> literal(const Value& value) const override;
    std::optional<std::string> call(const ConnectorExpr& call, const std::vector<std::string>& args) const override;
    std::optional<std::string> aggregate(const PushedAggregate& aggregate,
                                         const std::vector<std::string>& args) const override;
    bool comparable(const Type& type) const override;
    std::optional<std::string> order_item(const std::string& sql, const Type& type, bool descending,
                                          bool nulls_first) const override;
};

// translate_scan plus the MySQL-only fix-ups that the generic translation has no hook for (string GROUP BY
// keys grouped by their bytes).
SqlTranslation translate_mysql_scan(const ScanRequest& request, const MySqlDialect& dialect);

}  // namespace fedq
