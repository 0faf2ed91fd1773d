// Result formatting for the CLI: renders a materialized QueryResult as an aligned table, CSV (RFC 4180),
// TSV, JSON (one array of objects), NDJSON (one object per line) or a Markdown pipe table.
//
// Values print by Value::to_string rules. The text formats (csv, tsv, markdown, table) format the common
// fixed-width and string types straight from the column buffers; nested and rare types fall back to
// Column::value_at. Output is accumulated in a string and flushed to the stream in large chunks.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "formats/value_text.h"

namespace fedq {

enum class OutputFormat { kTable, kCsv, kTsv, kJson, kNdjson, kMarkdown };

std::optional<OutputFormat> parse_output_format(std::string_view name);
std::string_view output_format_name(OutputFormat format);

struct FormatOptions {
    OutputFormat format = OutputFormat::kTable;
    size_t max_rows = 0;    // table and markdown: rows shown at most (0 = unlimited)
    size_t max_width = 40;  // table: a longer value is truncated with "…" (0 = unlimited)
    bool unicode = true;    // table: box-drawing characters (else +-| ASCII)
    bool footer = true;     // table: "(N rows)" line under the table
};

// Writes `result` in the requested format. For a result without rows (SET, USE, ...) writes its message
// (table/markdown only; the machine formats write nothing).
void write_result(const QueryResult& result, const FormatOptions& options, std::ostream& out);

// Writes a query's rows as the engine produces them (ResultSink): CSV, TSV and NDJSON need no look at
// the whole result, so a result of any size streams to the output with bounded memory. write_result uses
// it for collected results in these formats too.
class StreamingWriter final : public ResultSink {
public:
    StreamingWriter(OutputFormat format, std::ostream& out) : format_(format), out_(out) {}
    static bool supports(OutputFormat format);
    void begin(const std::vector<std::string>& names, const std::vector<Type>& types) override;
    void write(Batch&& batch) override;
    void write_rows(const Batch& batch);
    // Flushes what is buffered (after execute returns, also after an error).
    void finish();
    bool began() const { return began_; }

private:
    OutputFormat format_;
    std::ostream& out_;
    std::string buffer_, scratch_;
    std::vector<std::string> keys_;
    bool began_ = false;
};

// cell_text, append_cell_text, append_cell_json: see formats/value_text.h.

// "12.3 MB" style byte counts (1000-based, like the stats line).
std::string format_bytes(uint64_t bytes);
// "(3 rows, 0.012 s, 1.2 MB scanned)": the shell's statistics line.
std::string format_stats_line(uint64_t rows, const QueryStats& stats, bool with_timing);

}  // namespace fedq
