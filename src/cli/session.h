// Runs SQL text against one Engine and prints what happens: results in the chosen output format to the
// output stream, errors (Error::format with a caret under the position) and, in the interactive shell,
// the statistics line on stderr. Shared by `fedq -c`, `fedq -f`, piped stdin and the interactive shell.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "cli/output_format.h"
#include "common/error.h"
#include "engine/engine.h"
#include "engine/file_write_sink.h"

namespace fedq {

struct SessionOptions {
    FormatOptions format;
    bool echo = false;           // print each statement before running it
    bool interactive = false;    // shell: statistics line after each statement
    bool timing = true;          // shell: include the elapsed time in the statistics line
    bool show_progress = false;  // progress line on stderr for statements running longer than a second
    // --output to object storage or as Parquet: each query's rows are written as a file (csv, json or
    // parquet in `output_file_format`) at `output_location` (a folder ending in '/': one file
    // <query id>.<ext> per query, like Athena's output location; otherwise that file). Stdout gets one line
    // per query saying where its rows went. Empty = results go to the output stream.
    std::string output_location;
    std::string output_file_format = "csv";
};

class Session {
  public:
    Session(Engine& engine, std::ostream& out, SessionOptions options)
        : engine_(engine), out_(&out), options_(std::move(options)) {}

    SessionOptions& options() { return options_; }
    void set_output(std::ostream& out) { out_ = &out; }

    // Runs every ';'-separated statement of `script` in order. With stop_on_error, stops at the first
    // failing statement. `source` ("file.sql", or empty) prefixes error messages; error positions are
    // reported relative to the whole script. Returns true if every statement that ran succeeded.
    bool run_script(std::string_view script, std::string_view source, bool stop_on_error);

    // Runs one statement (no trailing ';' needed). Returns false (after printing the error) on failure.
    bool run_statement(const std::string& sql) { return run_in_script(sql, sql, 0, {}); }

  private:
    FileWriteTarget output_target() const;
    bool run_in_script(const std::string& sql, std::string_view script, size_t offset,
                       std::string_view source);

    Engine& engine_;
    std::ostream* out_;
    SessionOptions options_;
    bool printed_table_ = false;  // separate consecutive tables by a blank line
};

// Formats `error` for a statement that starts at byte `offset` of `script`: the position is moved from
// statement-relative to script-relative so the caret line and line/column point into the script.
std::string format_error_in_script(const Error& error, std::string_view script, size_t offset);

}  // namespace fedq
