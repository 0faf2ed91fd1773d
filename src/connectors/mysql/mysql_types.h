// MySQL/MariaDB types as fedq types, and the text-protocol decoding of values straight into Columns.
//
// Columns whose text form is not exactly what fedq wants are read through an expression (the table's
// relation becomes a derived table that MySQL merges into the outer query): FLOAT as `col + 0e0` (MySQL
// prints FLOAT with 6 digits, the double carries the exact float), BIT as `col + 0`, geometry as ST_AsText,
// TIME/UUID/INET/... and strings in other character sets as utf8mb4 text.
#pragma once

#include <optional>
#include <string>

#include <mysql.h>

#include "types/type.h"
#include "vector/column.h"

namespace fedq {

struct MySqlColumnMapping {
    Type type;
    std::string source_type;  // COLUMN_TYPE, e.g. "int(10) unsigned"
    std::string comment;      // e.g. "time (read as text)"
    std::string read_sql;     // empty = the column itself; else an expression over quoted `column_sql`
};

// From information_schema.COLUMNS: DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE,
// CHARACTER_SET_NAME, and whether MariaDB declares the text column JSON (a json_valid check).
MySqlColumnMapping map_mysql_column(const std::string& column_sql, const std::string& data_type,
                                    const std::string& column_type, int precision, int scale,
                                    const std::string& charset, bool is_json);

// From result metadata (passthrough queries).
MySqlColumnMapping map_mysql_field(const MYSQL_FIELD& field);

// Appends one text-protocol value (not NULL) to `column` of type `type`. Returns false when the text is not
// a valid value of the type (caller raises, naming the column). Zero dates ('0000-00-00', or a zero month or
// day) are appended as NULL.
bool append_mysql_text(Column& column, const Type& type, const char* text, size_t length);

}  // namespace fedq
