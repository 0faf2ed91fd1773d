// Streams the rows of one remote SELECT into Batches, converting each stored value (SQLite is
// dynamically typed) to the engine type of its output column:
//   BIGINT/INTEGER/...   INTEGER; REAL when integral and in range; TEXT holding an integer
//   DOUBLE/REAL          INTEGER, REAL; TEXT holding a number
//   DECIMAL(p,s)         INTEGER (scaled); REAL and TEXT through their text, rounded half away from zero
//   BOOLEAN              0 / 1 (INTEGER or REAL); TEXT 'true'/'false'/'1'/'0' (any case)
//   VARCHAR/JSON         TEXT; INTEGER and REAL as SQLite renders them
//   VARBINARY            BLOB; TEXT as its UTF-8 bytes
//   DATE                 TEXT 'YYYY-MM-DD' (or a timestamp at midnight)
//   TIMESTAMP[_TZ]       TEXT 'YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][zone]' (zone applied) or 'YYYY-MM-DD'
// Anything else (a BLOB in a VARCHAR column, 'abc' in an INTEGER column, a number in a DATE column)
// is an error naming the catalog, table, column and value: never a silent NULL or a wrong value.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connector/connector.h"
#include "connectors/sqlite/sqlite_connection.h"

namespace fedq {

struct SqliteReadSpec {
    std::string sql;
    std::vector<Type> types;          // one per output column
    std::vector<std::string> names;   // for error messages
    std::string table;                // "main.orders", for error messages
    size_t batch_rows = kDefaultBatchRows;
};

std::unique_ptr<BatchReader> make_sqlite_reader(SqlitePool::Lease lease, SqliteReadSpec spec, ReadContext& context);

}  // namespace fedq
