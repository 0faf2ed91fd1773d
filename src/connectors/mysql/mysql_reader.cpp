#include "connectors/mysql/mysql_reader.h"

#include "connectors/mysql/mysql_types.h"

namespace fedq {

MySqlReader::MySqlReader(std::shared_ptr<MySqlPool> pool, std::string sql, std::vector<Type> types, size_t batch_rows,
                         ReadContext& context, std::string table)
    : pool_(std::move(pool)),
      sql_(std::move(sql)),
      types_(std::move(types)),
      batch_rows_(std::max<size_t>(1, batch_rows)),
      context_(context),
      table_(std::move(table)) {}

MySqlReader::~MySqlReader() { abandon(); }

void MySqlReader::abandon() {
    if (!session_) return;
    if (result_) {
        // Rows are still coming: stop the statement server-side, then drain what is in flight.
        pool_->kill_query(session_->thread_id());
        mysql_free_result(result_);
        result_ = nullptr;
        session_->discard();
    }
    session_.reset();
}

void MySqlReader::start() {
    for (;;) {
        session_ = pool_->acquire();
        MYSQL* mysql = session_->get();
        if (mysql_real_query(mysql, sql_.data(), sql_.size()) == 0 && (result_ = mysql_use_result(mysql))) {
            // No wanted columns (count(*) in the engine): the remote SELECT has the placeholder column `1`.
            const size_t expected = types_.empty() ? 1 : types_.size();
            if (mysql_num_fields(result_) != expected) {
                raise(ErrorCode::kInternal, "catalog {}: table {}: the remote query returned {} columns, expected {}",
                      pool_->settings().catalog, table_, mysql_num_fields(result_), expected);
            }
            return;
        }
        const bool lost = is_connection_lost(mysql_errno(mysql));
        if (lost) session_->discard();
        if (lost && !retried_) {
            retried_ = true;
            session_.reset();
            continue;
        }
        std::string what = "reading table " + table_ + " failed";
        raise_mysql_error(mysql, pool_->settings().catalog, what);
    }
}

void MySqlReader::fail_fetch() {
    MYSQL* mysql = session_->get();
    mysql_free_result(result_);
    result_ = nullptr;
    session_->discard();
    std::string what = "reading table " + table_ + " failed";
    if (is_connection_lost(mysql_errno(mysql))) {
        std::string message = fmt::format("catalog {}: connection lost while reading table {}: {}",
                                          pool_->settings().catalog, table_, mysql_error(mysql));
        session_.reset();
        throw Error(ErrorCode::kConnection, message);
    }
    try {
        raise_mysql_error(mysql, pool_->settings().catalog, what);
    } catch (...) {
        session_.reset();
        throw;
    }
}

bool MySqlReader::next(Batch& batch) {
    if (done_) return false;
    if (context_.is_cancelled()) {
        abandon();
        done_ = true;
        raise(ErrorCode::kCancelled, "catalog {}: reading table {} was cancelled", pool_->settings().catalog, table_);
    }
    if (!session_) start();
    const size_t width = types_.size();
    for (;;) {
        std::vector<ColumnPtr> columns(width);
        for (size_t c = 0; c < width; ++c) columns[c] = Column::make(types_[c], batch_rows_);
        size_t rows = 0;
        uint64_t bytes = 0;
        bool end = false;
        while (rows < batch_rows_) {
            MYSQL_ROW row = mysql_fetch_row(result_);
            if (!row) {
                end = true;
                break;
            }
            unsigned long* lengths = mysql_fetch_lengths(result_);
            for (size_t c = 0; c < width; ++c) {
                Column& column = *columns[c];
                if (!row[c]) {
                    column.append_null();
                    continue;
                }
                bytes += lengths[c];
                if (!append_mysql_text(column, types_[c], row[c], lengths[c])) {
                    std::string value(row[c], std::min<unsigned long>(lengths[c], 64));
                    std::string type = types_[c].to_string();
                    abandon();
                    done_ = true;
                    raise(ErrorCode::kInvalidCast, "catalog {}: table {}: cannot read the MySQL value '{}' of output column "
                          "{} as {}", pool_->settings().catalog, table_, value, c + 1, type);
                }
            }
            ++rows;
        }
        if (end && mysql_errno(session_->get()) != 0) {
            // The stream broke. Nothing of this split reached the engine yet: run it again once.
            if (!emitted_ && !retried_ && is_connection_lost(mysql_errno(session_->get()))) {
                retried_ = true;
                mysql_free_result(result_);
                result_ = nullptr;
                session_->discard();
                session_.reset();
                start();
                continue;
            }
            done_ = true;
            fail_fetch();
        }
        if (end) {
            mysql_free_result(result_);
            result_ = nullptr;
            session_.reset();  // back to the pool
            done_ = true;
        }
        if (context_.metrics) {
            context_.metrics->rows_read.fetch_add(rows, std::memory_order_relaxed);
            context_.metrics->bytes_read.fetch_add(bytes, std::memory_order_relaxed);
        }
        if (rows == 0) return false;
        for (auto& c : columns) c->compact_validity();
        batch = Batch(rows, std::move(columns));
        emitted_ = true;
        return true;
    }
}

}  // namespace fedq
