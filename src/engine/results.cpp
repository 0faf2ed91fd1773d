#include "engine/results.h"

namespace fedq {

QueryResult text_result(std::vector<std::string> names, const std::vector<std::vector<std::string>>& rows) {
    QueryResult result;
    Batch batch;
    batch.num_rows = rows.size();
    for (size_t c = 0; c < names.size(); ++c) {
        auto column = Column::make(Type::varchar(), rows.size());
        for (const auto& row : rows) {
            if (row[c] == "\x01NULL") column->append_null();
            else column->append_string(row[c]);
        }
        batch.columns.push_back(std::move(column));
        result.column_types.push_back(Type::varchar());
    }
    result.column_names = std::move(names);
    result.row_count = rows.size();
    if (batch.num_rows) result.batches.push_back(std::move(batch));
    return result;
}

QueryResult message_result(std::string message) {
    QueryResult result;
    result.has_rows = false;
    result.message = std::move(message);
    return result;
}

}  // namespace fedq
