#include "connectors/sqlite/sqlite_reader.h"

#include <sqlite3.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

std::string_view text_of(sqlite3_stmt* stmt, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    int bytes = sqlite3_column_bytes(stmt, column);
    return text ? std::string_view(text, static_cast<size_t>(bytes)) : std::string_view();
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool parse_int64(std::string_view text, int64_t& out) {
    text = trimmed(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool parse_double(std::string_view text, double& out) {
    text = trimmed(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

const char* storage_name(int storage) {
    switch (storage) {
        case SQLITE_INTEGER: return "INTEGER";
        case SQLITE_FLOAT: return "REAL";
        case SQLITE_TEXT: return "TEXT";
        case SQLITE_BLOB: return "BLOB";
        default: return "NULL";
    }
}

class SqliteBatchReader final : public BatchReader {
public:
    SqliteBatchReader(SqlitePool::Lease lease, SqliteReadSpec spec, ReadContext& context)
        : lease_(std::move(lease)), spec_(std::move(spec)), context_(context) {
        lease_->arm(context_.cancelled);
        statement_ = std::make_unique<SqliteStatement>(*lease_, spec_.sql, "reading " + spec_.table);
        // No wanted columns (the engine only counts rows) renders as SELECT 1: one column more is fine.
        if (sqlite3_column_count(statement_->get()) < static_cast<int>(spec_.types.size())) {
            raise(ErrorCode::kInternal, "catalog {}: {}: the query returns {} columns, {} expected", lease_->catalog(),
                  spec_.table, sqlite3_column_count(statement_->get()), spec_.types.size());
        }
    }

    ~SqliteBatchReader() override {
        // Finalizing stops the statement; the connection is clean and goes back to the pool.
        statement_.reset();
    }

    bool next(Batch& batch) override {
        if (done_) return false;
        if (context_.is_cancelled()) {
            raise(ErrorCode::kCancelled, "catalog {}: reading {}: query cancelled", lease_->catalog(), spec_.table);
        }
        const size_t column_count = spec_.types.size();
        std::vector<ColumnPtr> columns;
        columns.reserve(column_count);
        for (const auto& type : spec_.types) columns.push_back(Column::make(type, spec_.batch_rows));
        sqlite3_stmt* stmt = statement_->get();
        size_t rows = 0;
        uint64_t bytes = 0;
        while (rows < spec_.batch_rows) {
            if (!statement_->step()) {
                done_ = true;
                lease_->disarm();
                break;
            }
            for (size_t c = 0; c < column_count; ++c) bytes += append(*columns[c], stmt, static_cast<int>(c));
            ++rows;
        }
        rows_emitted_ += rows;
        if (context_.metrics) {
            context_.metrics->rows_read.fetch_add(rows, std::memory_order_relaxed);
            context_.metrics->bytes_read.fetch_add(bytes, std::memory_order_relaxed);
        }
        if (rows == 0) return false;
        for (auto& column : columns) column->compact_validity();
        batch = Batch(rows, std::move(columns));
        return true;
    }

private:
    [[noreturn]] void bad_value(int column, sqlite3_stmt* stmt, std::string_view why = {}) const {
        int storage = sqlite3_column_type(stmt, column);
        std::string shown;
        if (storage == SQLITE_BLOB) {
            shown = fmt::format("<{} bytes>", sqlite3_column_bytes(stmt, column));
        } else {
            std::string_view text = text_of(stmt, column);
            shown = "'" + std::string(text.substr(0, 60)) + (text.size() > 60 ? "...'" : "'");
        }
        raise(ErrorCode::kInvalidCast, "catalog {}: table {}, column {} (row {}): {} value {} cannot be read as {}{}{}",
              lease_->catalog(), spec_.table, spec_.names[static_cast<size_t>(column)], rows_emitted_ + 1,
              storage_name(storage), shown, spec_.types[static_cast<size_t>(column)].to_string(),
              why.empty() ? "" : ": ", why);
    }

    int64_t read_integer(sqlite3_stmt* stmt, int c, int storage) const {
        if (storage == SQLITE_INTEGER) return sqlite3_column_int64(stmt, c);
        if (storage == SQLITE_FLOAT) {
            double d = sqlite3_column_double(stmt, c);
            if (d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
                return static_cast<int64_t>(d);
            }
            bad_value(c, stmt, "not an integer in range");
        }
        int64_t v = 0;
        if (storage == SQLITE_TEXT && parse_int64(text_of(stmt, c), v)) return v;
        bad_value(c, stmt);
    }

    double read_double(sqlite3_stmt* stmt, int c, int storage) const {
        if (storage == SQLITE_FLOAT || storage == SQLITE_INTEGER) return sqlite3_column_double(stmt, c);
        double v = 0;
        if (storage == SQLITE_TEXT && parse_double(text_of(stmt, c), v)) return v;
        bad_value(c, stmt);
    }

    template <typename T>
    void append_narrow(Column& column, sqlite3_stmt* stmt, int c, int storage) const {
        int64_t v = read_integer(stmt, c, storage);
        if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) bad_value(c, stmt, "out of range");
        column.append<T>(static_cast<T>(v));
    }

    // Appends the current row's value of column `c`; returns the bytes it took.
    size_t append(Column& column, sqlite3_stmt* stmt, int c) const {
        const int storage = sqlite3_column_type(stmt, c);
        if (storage == SQLITE_NULL) {
            column.append_null();
            return 1;
        }
        const Type& type = column.type();
        switch (type.id()) {
            case TypeId::kBigInt: column.append<int64_t>(read_integer(stmt, c, storage)); return 8;
            case TypeId::kInteger: append_narrow<int32_t>(column, stmt, c, storage); return 4;
            case TypeId::kSmallInt: append_narrow<int16_t>(column, stmt, c, storage); return 2;
            case TypeId::kTinyInt: append_narrow<int8_t>(column, stmt, c, storage); return 1;
            case TypeId::kDouble: column.append<double>(read_double(stmt, c, storage)); return 8;
            case TypeId::kReal: column.append<float>(static_cast<float>(read_double(stmt, c, storage))); return 4;
            case TypeId::kBoolean: {
                if (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT) {
                    double d = sqlite3_column_double(stmt, c);
                    if (d == 0 || d == 1) {
                        column.append<uint8_t>(d == 1);
                        return 1;
                    }
                } else if (storage == SQLITE_TEXT) {
                    std::string_view t = trimmed(text_of(stmt, c));
                    if (equals_ignore_case(t, "true") || t == "1") {
                        column.append<uint8_t>(1);
                        return 1;
                    }
                    if (equals_ignore_case(t, "false") || t == "0") {
                        column.append<uint8_t>(0);
                        return 1;
                    }
                }
                bad_value(c, stmt);
            }
            case TypeId::kDecimal: {
                if (storage == SQLITE_INTEGER) {
                    int128_t v = static_cast<int128_t>(sqlite3_column_int64(stmt, c)) * pow10_i128(type.scale());
                    if (!decimal_fits(v, type.precision())) bad_value(c, stmt, "does not fit");
                    column.append<int128_t>(v);
                    return 16;
                }
                if (storage == SQLITE_BLOB) bad_value(c, stmt);
                auto v = parse_decimal(trimmed(text_of(stmt, c)), type.precision(), type.scale());
                if (!v) bad_value(c, stmt);
                column.append<int128_t>(*v);
                return 16;
            }
            case TypeId::kVarchar:
            case TypeId::kJson: {
                if (storage == SQLITE_BLOB) bad_value(c, stmt, "a BLOB in a text column");
                std::string_view text = text_of(stmt, c);
                column.append_string(text);
                return text.size() + 4;
            }
            case TypeId::kVarbinary: {
                if (storage == SQLITE_BLOB) {
                    const void* data = sqlite3_column_blob(stmt, c);
                    int size = sqlite3_column_bytes(stmt, c);
                    column.append_string(std::string_view(static_cast<const char*>(data), static_cast<size_t>(size)));
                    return static_cast<size_t>(size) + 4;
                }
                if (storage != SQLITE_TEXT) bad_value(c, stmt);
                std::string_view text = text_of(stmt, c);
                column.append_string(text);
                return text.size() + 4;
            }
            case TypeId::kDate: {
                if (storage != SQLITE_TEXT) bad_value(c, stmt, "dates are read from ISO text");
                std::string_view text = trimmed(text_of(stmt, c));
                if (auto days = parse_date(text)) {
                    column.append<int32_t>(*days);
                    return 4;
                }
                if (auto micros = parse_timestamp(text); micros && floor_mod(*micros, kMicrosPerDay) == 0) {
                    column.append<int32_t>(static_cast<int32_t>(floor_div(*micros, kMicrosPerDay)));
                    return 4;
                }
                bad_value(c, stmt, "expected YYYY-MM-DD");
            }
            case TypeId::kTimestamp:
            case TypeId::kTimestampTz: {
                if (storage != SQLITE_TEXT) bad_value(c, stmt, "timestamps are read from ISO text");
                std::string_view text = trimmed(text_of(stmt, c));
                if (auto micros = parse_timestamp(text)) {
                    column.append<int64_t>(*micros);
                    return 8;
                }
                if (auto days = parse_date(text)) {
                    column.append<int64_t>(static_cast<int64_t>(*days) * kMicrosPerDay);
                    return 8;
                }
                bad_value(c, stmt, "expected YYYY-MM-DD HH:MM:SS");
            }
            default:
                raise(ErrorCode::kNotSupported, "catalog {}: table {}, column {}: type {} is not readable from SQLite",
                      lease_->catalog(), spec_.table, spec_.names[static_cast<size_t>(c)], type.to_string());
        }
    }

    SqlitePool::Lease lease_;
    SqliteReadSpec spec_;
    ReadContext& context_;
    std::unique_ptr<SqliteStatement> statement_;  // destroyed before the lease is returned
    bool done_ = false;
    uint64_t rows_emitted_ = 0;
};

}  // namespace

std::unique_ptr<BatchReader> make_sqlite_reader(SqlitePool::Lease lease, SqliteReadSpec spec, ReadContext& context) {
    return std::make_unique<SqliteBatchReader>(std::move(lease), std::move(spec), context);
}

}  // namespace fedq
