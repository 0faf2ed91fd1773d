// Small results of statements that are not queries: a table of text values, or a completion message.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace fedq {

// A result of VARCHAR columns; a value "\x01NULL" is a NULL.
QueryResult text_result(std::vector<std::string> names, const std::vector<std::vector<std::string>>& rows);
// A result without rows: `message` says what happened (CREATE TABLE, SET, ...).
QueryResult message_result(std::string message);

}  // namespace fedq
