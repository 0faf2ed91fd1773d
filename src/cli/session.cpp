#include "cli/session.h"

#include <chrono>
#include <iostream>
#include <optional>

#include "cli/progress.h"
#include "common/error.h"
#include "sql/parser.h"

namespace fedq {

std::string format_error_in_script(const Error& error, std::string_view script, size_t offset) {
    const SqlPosition& position = error.position();
    if (position.line == 0 || offset > script.size())
        return error.format(script.substr(std::min(offset, script.size())));
    uint32_t base_line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset; ++i) {
        if (script[i] == '\n') {
            ++base_line;
            line_start = i + 1;
        }
    }
    uint32_t base_column = static_cast<uint32_t>(offset - line_start) + 1;
    Error moved = error;
    SqlPosition adjusted = position;
    adjusted.line = position.line + base_line - 1;
    if (position.line == 1) adjusted.column = position.column + base_column - 1;
    adjusted.offset = position.offset + static_cast<uint32_t>(offset);
    moved.set_position(adjusted);
    return moved.format(script);
}

bool Session::run_script(std::string_view script, std::string_view source, bool stop_on_error) {
    std::vector<std::string> statements;
    try {
        statements = split_statements(script);
    } catch (const Error& error) {
        std::cerr << (source.empty() ? "" : std::string(source) + ": ") << error.format(script) << std::endl;
        return false;
    }
    bool ok = true;
    size_t cursor = 0;
    for (const std::string& statement : statements) {
        // Locate the statement in the script so errors can point at the script's line and column.
        size_t found = script.find(statement, cursor);
        size_t offset = found == std::string_view::npos ? cursor : found;
        if (found != std::string_view::npos) cursor = found + statement.size();
        if (!run_in_script(statement, script,
                           found == std::string_view::npos ? std::string_view::npos : offset, source)) {
            ok = false;
            if (stop_on_error) break;
        }
    }
    return ok;
}

FileWriteTarget Session::output_target() const {
    FileWriteTarget target;
    target.format = options_.output_file_format;
    const std::string& location = options_.output_location;
    static const char* kExtensions[] = {".csv", ".json", ".parquet"};
    std::string ext = kExtensions[target.format == "json" ? 1 : target.format == "parquet" ? 2 : 0];
    if (!location.empty() && location.back() == '/') {
        // An output location: one file per query, named by a fresh query id.
        target.location = location;
        target.file_name = unique_file_prefix() + ext;
    } else {
        size_t slash = location.rfind('/');
        target.location = slash == std::string::npos ? "./" : location.substr(0, slash + 1);
        target.file_name = slash == std::string::npos ? location : location.substr(slash + 1);
    }
    return target;
}

bool Session::run_in_script(const std::string& sql, std::string_view script, size_t offset,
                            std::string_view source) {
    if (options_.echo) {
        *out_ << sql << ";\n";
        out_->flush();
    }
    auto start = std::chrono::steady_clock::now();
    QueryResult result;
    bool cancelled = false;
    // CSV, TSV and NDJSON rows stream to the output as the query produces them.
    std::optional<StreamingWriter> writer;
    std::optional<FileWriteSink> file_sink;
    std::vector<WrittenFile> written;
    if (!options_.output_location.empty()) {
        file_sink.emplace(output_target());
    } else if (StreamingWriter::supports(options_.format.format)) {
        writer.emplace(options_.format.format, *out_);
    }
    try {
        QueryMonitor monitor(engine_, options_.show_progress);
        try {
            if (file_sink) {
                result = engine_.execute(sql, *file_sink);
                if (file_sink->began()) written = file_sink->commit();
            } else {
                result = writer ? engine_.execute(sql, *writer) : engine_.execute(sql);
            }
        } catch (...) {
            cancelled = monitor.cancel_requested();
            if (writer && writer->began()) writer->finish();
            throw;
        }
    } catch (const Error& error) {
        std::string prefix = source.empty() ? "" : std::string(source) + ": ";
        std::string text = offset == std::string_view::npos ? error.format(sql)
                                                            : format_error_in_script(error, script, offset);
        std::cerr << prefix << text << std::endl;
        if (cancelled && error.code() != ErrorCode::kCancelled) std::cerr << "(query cancelled)" << std::endl;
        return false;
    } catch (const std::bad_alloc&) {
        std::cerr << "ERROR 53200: out of memory" << std::endl;
        return false;
    } catch (const std::exception& exception) {
        std::cerr << "ERROR XX000: internal error: " << exception.what() << std::endl;
        return false;
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    FormatOptions format = options_.format;
    if (options_.interactive) format.footer = false;  // the statistics line says how many rows
    bool is_table = format.format == OutputFormat::kTable || format.format == OutputFormat::kMarkdown;
    if (is_table && result.has_rows && written.empty()) {
        if (printed_table_ && !options_.interactive) *out_ << '\n';
        printed_table_ = true;
    }
    // A plan reads best as plain lines, not squeezed into a table cell.
    if (format.format == OutputFormat::kTable && result.column_names.size() == 1 && result.column_names[0] == "Query Plan") {
        for (const Batch& batch : result.batches) {
            for (size_t row = 0; row < batch.num_rows; ++row) *out_ << batch.columns[0]->string_at(row) << '\n';
        }
        out_->flush();
        return true;
    }
    try {
        if (!written.empty()) {
            for (const auto& file : written) {
                *out_ << fmt::format("{} row{} written to {}\n", file.rows, file.rows == 1 ? "" : "s", file.path);
            }
            out_->flush();
        } else if (writer && writer->began()) {
            writer->finish();
        } else {
            write_result(result, format, *out_);
        }
    } catch (const std::exception& exception) {
        std::cerr << "ERROR XX000: cannot write result: " << exception.what() << std::endl;
        return false;
    }
    if (options_.interactive && result.has_rows) {
        uint64_t rows = 0;
        for (const Batch& batch : result.batches) rows += batch.num_rows;
        rows = std::max<uint64_t>(rows, result.row_count);
        QueryStats stats = result.stats;
        if (stats.elapsed_seconds <= 0) stats.elapsed_seconds = elapsed;
        std::cerr << format_stats_line(rows, stats, options_.timing) << std::endl;
    }
    return true;
}

}  // namespace fedq
