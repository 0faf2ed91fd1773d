// Text and JSON rendering of single column values, shared by the CLI's result formats (cli/output_format)
// and the file writers (formats/file_writer): values print by Value::to_string rules, with fast paths for the
// common fixed-width and string types straight from the column buffers.
#pragma once

#include <string>
#include <string_view>

#include "vector/column.h"

namespace fedq {

// Text of one cell as Value::to_string prints it ("NULL" for NULL).
std::string cell_text(const Column& column, size_t row);
// Appends the cell's text to `out` (NULL appends `null_text`). Fast path for common types.
void append_cell_text(const Column& column, size_t row, std::string& out,
                      std::string_view null_text = "NULL");
// Appends the cell as a JSON value (numbers unquoted, DECIMAL as number text, NULL as null, nested as JSON).
void append_cell_json(const Column& column, size_t row, std::string& out);
// Appends `s` as a JSON string literal (quotes, escapes; bytes >= 0x80 are copied as they are).
void append_json_string(std::string& out, std::string_view s);

}  // namespace fedq
