// How SQLite's declared column types map to engine types. SQLite is dynamically typed: a column's
// declared type only gives it an *affinity* (https://sqlite.org/datatype3.html, section 3.1), and any
// value of any storage class may still sit in it. The mapping follows the affinity rules, refined by the
// well-known type names (BOOLEAN, DATE, DATETIME, TIMESTAMP, DECIMAL(p,s)); the reader
// (sqlite_reader.h) converts every stored value to the mapped type or raises an error naming the column.
#pragma once

#include <string>
#include <string_view>

#include "types/type.h"

namespace fedq {

struct SqliteColumnType {
    Type type;
    std::string comment;        // why the mapping is not the obvious one ("no declared type (read as text)")
    bool text_affinity = false; // TEXT affinity: stored numbers are already text, strings compare as strings
};

// Maps a declared type ("INTEGER", "varchar(20)", "DECIMAL(12,2)", "" ...).
SqliteColumnType map_declared_type(std::string_view declared);

// Storage class (SQLITE_INTEGER ...) of a first row, for result columns without a declared type.
SqliteColumnType map_storage_class(int storage_class);

}  // namespace fedq
