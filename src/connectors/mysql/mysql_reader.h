// Streams one split's remote SELECT into Batches. The result set is read unbuffered (mysql_use_result): the
// server streams rows as the engine consumes them, so memory stays at one batch. Cancellation (checked
// between batches) and destruction mid-stream issue KILL QUERY on a separate session and discard the
// reading session. A connection lost before any batch of the split was emitted is retried once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connector/connector.h"
#include "connectors/mysql/mysql_connection.h"

namespace fedq {

class MySqlReader : public BatchReader {
public:
    MySqlReader(std::shared_ptr<MySqlPool> pool, std::string sql, std::vector<Type> types, size_t batch_rows,
                ReadContext& context, std::string table);
    ~MySqlReader() override;
    bool next(Batch& batch) override;

private:
    void start();
    void abandon();  // stop the remote statement and drop the session
    [[noreturn]] void fail_fetch();

    std::shared_ptr<MySqlPool> pool_;
    std::string sql_;
    std::vector<Type> types_;
    size_t batch_rows_;
    ReadContext& context_;
    std::string table_;
    std::unique_ptr<MySqlSession> session_;
    MYSQL_RES* result_ = nullptr;
    bool done_ = false;
    bool emitted_ = false;
    bool retried_ = false;
};

}  // namespace fedq
