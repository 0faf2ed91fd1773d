// Streams one split: COPY (<select>) TO STDOUT (FORMAT binary) on a pooled connection, read with
// PQgetCopyData in async mode (waiting on the socket in short slices so cancellation is noticed), decoded
// tuple by tuple into column batches of batch_rows rows. Memory is bounded by one batch plus one
// CopyData message, whatever the table size.
//
// Failures: a connection lost before any row of the split was returned is retried once on a new
// connection; afterwards it raises kConnection (08006). Cancellation (ReadContext) sends PQcancel, drops the
// connection and raises kCancelled. A reader destroyed mid-stream cancels the statement and drops the
// connection (never returned to the pool in an unknown state).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector/connector.h"
#include "connectors/postgres/postgres_binary.h"
#include "connectors/postgres/postgres_connection.h"

namespace fedq {

class PgCopyReader final : public BatchReader {
public:
    PgCopyReader(std::shared_ptr<PgConnectionPool> pool, std::string sql, std::vector<Type> types,
                 std::vector<std::string> names, std::string context, size_t batch_rows, ReadContext& read_context);
    ~PgCopyReader() override;
    bool next(Batch& batch) override;

private:
    enum class State { kIdle, kStreaming, kDone };
    void start();
    // Waits for the socket to be readable (in slices, checking cancellation) and consumes input.
    void wait_readable();
    void finish_copy();
    void abandon();  // cancel the statement and drop the connection
    [[noreturn]] void raise_cancelled();
    void feed(const uint8_t* data, size_t size);
    bool fill_batch();  // returns false at the end of the stream

    std::shared_ptr<PgConnectionPool> pool_;
    std::string sql_;
    std::vector<Type> types_;
    std::vector<std::string> names_;
    std::string context_;  // "schema.table" or "passthrough query", for messages
    size_t batch_rows_;
    ReadContext& read_context_;
    PooledConnection connection_;
    State state_ = State::kIdle;
    std::optional<PgBinaryDecoder> decoder_;
    std::string pending_;  // bytes of an incomplete tuple, or left over after a full batch
    bool emitted_ = false;
    bool retried_ = false;
};

}  // namespace fedq
