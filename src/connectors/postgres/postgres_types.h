// PostgreSQL type mapping (see docs/connectors/postgres.md for the table).
//
// A column's PostgreSQL type is described by PgTypeInfo (from pg_type, with domains resolved to their base
// type). map_pg_type gives the engine type and, for types read through a text cast, a note for
// ColumnInfo::comment ("inet (read as text)").
//
// Scans always select CAST(expr AS <pg_cast_type(engine type)>), so the binary COPY stream carries exactly
// one wire format per engine type and the decoder (postgres_binary.h) needs nothing but the engine types.
//
// source_type (format_type() text, kept in the handle's "columns" property) decides whether predicates,
// grouping and ordering on a column may run in PostgreSQL (pg_column_pushable): only for types whose
// PostgreSQL comparison equals the engine's comparison of the mapped value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "types/type.h"
#include "types/value.h"

namespace fedq {

// PostgreSQL type OIDs used by the mapping.
namespace pg_oid {
inline constexpr uint32_t kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23,
                          kText = 25, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042,
                          kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114, kTimestampTz = 1184,
                          kInterval = 1186, kNumeric = 1700, kUuid = 2950, kJsonb = 3802;
}

struct PgTypeInfo {
    std::string display;      // format_type(oid, typmod): "numeric(12,2)", "character varying(20)", "mood"
    uint32_t base_oid = 0;    // domains resolved
    int32_t base_typmod = -1;
    char base_typtype = 'b';  // b base, e enum, c composite, r range, p pseudo, m multirange
    bool is_array = false;    // base type is an array (typcategory 'A')
    uint32_t element_oid = 0;
    char element_typtype = 'b';
};

struct PgMappedType {
    Type type;
    std::string note;  // empty when the mapping is exact
};

// Unconstrained numeric (and numeric with more than 38 digits) is read as DECIMAL(38, kUnconstrainedScale),
// rounded half away from zero by PostgreSQL's cast; values beyond 38 digits raise an error.
inline constexpr int kUnconstrainedNumericScale = 10;

PgMappedType map_pg_type(const PgTypeInfo& info);

// The PostgreSQL type a scan casts an output of engine type `type` to ("int4", "numeric(12,2)", "text[]").
// nullopt when the engine type has no PostgreSQL counterpart (TINYINT, ROW).
std::optional<std::string> pg_cast_type(const Type& type);

// Whether comparisons, grouping and ordering of a column of this source type may be pushed down.
// A blank-padded char(n) column ("character(10)").
bool pg_is_char_type(std::string_view source_type);
bool pg_column_pushable(const std::string& source_type, const Type& type);

// Parses a PostgreSQL array literal ("{1,2,\"a b\",NULL}") into its element texts (nullopt = NULL element).
// Only one dimension; returns nullopt for malformed or multi-dimensional input.
std::optional<std::vector<std::optional<std::string>>> parse_pg_array_text(std::string_view text);

// Parses one value of the engine type from PostgreSQL's text output (integers, DECIMAL, DATE, TIMESTAMP);
// NULL Value when it cannot (used for statistics).
Value parse_pg_text_value(std::string_view text, const Type& type);

}  // namespace fedq
