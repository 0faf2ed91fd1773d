#include "connectors/postgres/postgres_copy_reader.h"

#include <poll.h>

#include <cerrno>

namespace fedq {

namespace {
constexpr int kPollSliceMs = 50;
}

PgCopyReader::PgCopyReader(std::shared_ptr<PgConnectionPool> pool, std::string sql, std::vector<Type> types,
                           std::vector<std::string> names, std::string context, size_t batch_rows,
                           ReadContext& read_context)
    : pool_(std::move(pool)), sql_(std::move(sql)), types_(std::move(types)), names_(std::move(names)),
      context_(std::move(context)), batch_rows_(std::max<size_t>(batch_rows, 1)), read_context_(read_context) {}

PgCopyReader::~PgCopyReader() {
    if (state_ == State::kStreaming) abandon();
}

void PgCopyReader::abandon() {
    if (connection_) {
        connection_->cancel();
        connection_.discard();
    }
    state_ = State::kDone;
}

void PgCopyReader::raise_cancelled() {
    abandon();
    throw Error(ErrorCode::kCancelled, fmt::format("catalog {}: query cancelled ({})", pool_->settings().catalog, context_));
}

void PgCopyReader::wait_readable() {
    PGconn* raw = connection_->raw();
    while (true) {
        if (read_context_.is_cancelled()) raise_cancelled();
        pollfd fd{PQsocket(raw), POLLIN, 0};
        if (fd.fd < 0) raise_pg_error(pool_->settings(), raw, nullptr, context_);
        int ready = ::poll(&fd, 1, kPollSliceMs);
        if (ready < 0 && errno != EINTR) raise_pg_error(pool_->settings(), raw, nullptr, context_);
        if (ready > 0) break;
    }
    if (!PQconsumeInput(raw)) raise_pg_error(pool_->settings(), raw, nullptr, context_);
}

void PgCopyReader::start() {
    connection_ = pool_->acquire();
    PGconn* raw = connection_->raw();
    const std::string copy = "COPY (" + sql_ + ") TO STDOUT (FORMAT binary)";
    if (!PQsendQuery(raw, copy.c_str())) raise_pg_error(pool_->settings(), raw, nullptr, context_);
    state_ = State::kStreaming;
    while (PQisBusy(raw)) wait_readable();
    PgResult result(PQgetResult(raw));
    if (result.get() && PQresultStatus(result.get()) == PGRES_COPY_OUT) {
        decoder_.emplace(types_, names_, fmt::format("catalog {}, {}", pool_->settings().catalog, context_));
        pending_.clear();
        return;
    }
    // The statement failed before streaming (syntax, missing table, permission, timeout).
    while (PGresult* more = PQgetResult(raw)) PQclear(more);
    state_ = State::kDone;
    raise_pg_error(pool_->settings(), raw, result.get(), context_);
}

void PgCopyReader::finish_copy() {
    PGconn* raw = connection_->raw();
    // After the trailer the server ends the COPY; collect the end marker and the command result.
    while (true) {
        char* buffer = nullptr;
        int n = PQgetCopyData(raw, &buffer, 1);
        if (buffer) PQfreemem(buffer);
        if (n > 0) continue;
        if (n == 0) {
            wait_readable();
            continue;
        }
        break;
    }
    while (PQisBusy(raw)) wait_readable();
    PgResult result(PQgetResult(raw));
    while (PGresult* more = PQgetResult(raw)) PQclear(more);
    state_ = State::kDone;
    if (!result.get() || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        raise_pg_error(pool_->settings(), raw, result.get(), context_);
    }
    connection_.release();
}

void PgCopyReader::feed(const uint8_t* data, size_t size) {
    if (pending_.empty()) {
        size_t used = decoder_->feed(data, size, batch_rows_);
        if (used < size) pending_.assign(reinterpret_cast<const char*>(data) + used, size - used);
        return;
    }
    pending_.append(reinterpret_cast<const char*>(data), size);
    size_t used = decoder_->feed(reinterpret_cast<const uint8_t*>(pending_.data()), pending_.size(), batch_rows_);
    pending_.erase(0, used);
}

bool PgCopyReader::fill_batch() {
    if (state_ == State::kIdle) start();
    decoder_->start_batch(batch_rows_);
    if (!pending_.empty()) {
        size_t used = decoder_->feed(reinterpret_cast<const uint8_t*>(pending_.data()), pending_.size(), batch_rows_);
        pending_.erase(0, used);
    }
    PGconn* raw = connection_->raw();
    while (decoder_->batch_rows() < batch_rows_ && !decoder_->finished()) {
        char* buffer = nullptr;
        int n = PQgetCopyData(raw, &buffer, 1);
        if (n > 0) {
            if (read_context_.metrics) read_context_.metrics->bytes_read.fetch_add(n, std::memory_order_relaxed);
            try {
                feed(reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(n));
            } catch (...) {
                PQfreemem(buffer);
                throw;
            }
            PQfreemem(buffer);
        } else if (n == 0) {
            wait_readable();
        } else if (n == -1) {
            // The COPY ended without the trailer: the statement failed mid-stream (e.g. a cast error).
            PgResult result(PQgetResult(raw));
            while (PGresult* more = PQgetResult(raw)) PQclear(more);
            state_ = State::kDone;
            if (result.get() && PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
                raise_pg_error(pool_->settings(), raw, result.get(), context_);
            }
            raise(ErrorCode::kRemote, "catalog {}: the COPY stream of {} ended early", pool_->settings().catalog, context_);
        } else {
            raise_pg_error(pool_->settings(), raw, nullptr, context_);
        }
    }
    if (decoder_->finished() && state_ == State::kStreaming) finish_copy();
    return decoder_->batch_rows() > 0;
}

bool PgCopyReader::next(Batch& batch) {
    if (state_ == State::kDone) return false;
    if (read_context_.is_cancelled()) raise_cancelled();
    while (true) {
        try {
            if (!fill_batch()) {
                if (state_ == State::kStreaming) continue;  // cannot happen: fill_batch ends full or finished
                return false;
            }
            break;
        } catch (const Error& e) {
            // A connection lost before this split returned anything: retry once on a fresh connection.
            const bool lost = e.code() == ErrorCode::kConnection;
            if (lost && !emitted_ && !retried_ && (!decoder_ || decoder_->batch_rows() == 0)) {
                retried_ = true;
                if (connection_) connection_.discard();
                state_ = State::kIdle;
                decoder_.reset();
                pending_.clear();
                continue;
            }
            if (state_ == State::kStreaming) abandon();
            throw;
        }
    }
    batch = decoder_->take_batch();
    emitted_ = true;
    if (read_context_.metrics) read_context_.metrics->rows_read.fetch_add(batch.num_rows, std::memory_order_relaxed);
    return true;
}

}  // namespace fedq
