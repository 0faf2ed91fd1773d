// Decoding PostgreSQL's binary COPY format straight into engine Columns.
//
// Stream: signature "PGCOPY\n\377\r\n\0", int32 flags, int32 extension length + extension; then tuples
// (int16 field count, per field int32 length (-1 = NULL) + bytes), then int16 -1. All big-endian.
// Field formats are those of the types the scan casts to (see pg_cast_type): int2/4/8, float4/8, bool,
// numeric (base-10000 digits), text/bytea/json (raw bytes; jsonb's version byte is skipped), date (int32
// days since 2000-01-01), timestamp[tz] (int64 micros since 2000-01-01), interval (micros, days, months),
// one-dimensional arrays of these.
//
// The decoder does not care how the bytes were cut into CopyData messages: feed() takes whatever arrived
// and keeps an incomplete tuple for the next call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "vector/column.h"

namespace fedq {

class PgBinaryDecoder {
public:
    // `names` and `context` ("catalog pg, table public.t") are for error messages.
    PgBinaryDecoder(std::vector<Type> types, std::vector<std::string> names, std::string context);

    // Starts a new batch of columns (each reserved for `capacity` rows).
    void start_batch(size_t capacity);
    // Decodes complete tuples from `data` into the current batch, stopping after `max_rows` rows are in the
    // batch. Returns the number of bytes consumed; bytes of an incomplete tuple are not consumed (the
    // caller keeps them and passes them again with more data). Raises on malformed data or unrepresentable
    // values (infinite timestamps, multi-dimensional arrays, decimals that do not fit).
    size_t feed(const uint8_t* data, size_t size, size_t max_rows);
    size_t batch_rows() const { return rows_; }
    bool finished() const { return finished_; }  // the trailer was read
    // Moves the current batch out.
    Batch take_batch();

    // Decodes one numeric value (exposed for tests): unscaled at `scale`, rounded half away from zero.
    // Returns false if it does not fit `precision` or is NaN/infinite (`*special` says which).
    static bool decode_numeric(const uint8_t* data, int32_t length, int precision, int scale, int128_t* out,
                               const char** special);

private:
    void decode_field(Column& column, const Type& type, const uint8_t* data, int32_t length, size_t column_index);
    void decode_array(Column& column, const Type& type, const uint8_t* data, int32_t length, size_t column_index);
    [[noreturn]] void fail(size_t column_index, const std::string& what,
                           ErrorCode code = ErrorCode::kRemote) const;

    std::vector<Type> types_;
    std::vector<std::string> names_;
    std::string context_;
    std::vector<ColumnPtr> columns_;
    size_t rows_ = 0;
    bool header_done_ = false;
    bool finished_ = false;
};

}  // namespace fedq
