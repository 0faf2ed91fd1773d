// fedq command line: the interactive shell, `-c "SQL"`, `-f file.sql`, or statements piped on stdin.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/output_format.h"
#include "cli/session.h"
#include "cli/shell.h"
#include "common/error.h"
#include "catalog/connector_registry.h"
#include "engine/builtin_connectors.h"
#include "remote/connector_main.h"

namespace {

constexpr const char* kVersion = "fedq 0.1.0";

std::string default_home() {
    if (const char* env = std::getenv("FEDQ_HOME"); env && *env) return env;
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.fedq";
    return ".fedq";
}

bool read_file(const std::string& path, std::string& text) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return false;
    std::stringstream buffer;
    buffer << file.rdbuf();
    text = buffer.str();
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fedq: federated SQL query engine", "fedq"};
    std::string command, file, format_name = "table", output, home, config_file;
    bool echo = false, ascii = false;
    std::optional<size_t> max_rows;
    size_t max_width = 40;
    auto* command_option =
        app.add_option("-c,--command", command, "Run SQL (';'-separated statements) and exit");
    auto* file_option = app.add_option("-f,--file", file, "Run the statements in FILE and exit");
    command_option->excludes(file_option);
    auto* format_option = app.add_option("--format", format_name,
                   "Output format: table, csv, tsv, json, ndjson, markdown; parquet with --output")
        ->check(CLI::IsMember({"table", "csv", "tsv", "json", "ndjson", "markdown", "parquet"}, CLI::ignore_case));
    app.add_option("-o,--output", output,
                   "Write results to FILE instead of stdout; an s3:// URL, a .parquet file or a folder ending in '/' "
                   "gets each query's rows as a CSV (default), JSON or Parquet file");
    app.add_option("--home", home, "Data directory (FEDQ_HOME; default ~/.fedq)");
    app.add_option("--config", config_file, "Read catalogs from this fedq.toml (also FEDQ_CONFIG)");
    app.add_flag("--echo", echo, "Print each statement before running it");
    app.add_option("--max-rows", max_rows,
                   "Table format: show at most N rows (default 1000 in the shell, 0 = all)");
    app.add_option("--max-width", max_width,
                   "Table format: truncate values wider than N characters (0 = never)");
    app.add_flag("--ascii", ascii, "Table format: ASCII borders instead of box-drawing characters");
    app.set_version_flag("--version", kVersion);

    // fedq connector serve: a built-in connector as a service (the out-of-process connector protocol).
    auto* connector_command = app.add_subcommand("connector", "Run connectors as services");
    auto* serve = connector_command->add_subcommand("serve", "Serve one connector over the connector protocol");
    connector_command->require_subcommand(1);
    fedq::ConnectorServeOptions serve_options;
    fedq::add_connector_serve_flags(*serve, serve_options, true);
    CLI11_PARSE(app, argc, argv);
    if (serve->parsed()) {
        serve_options.home = home.empty() ? default_home() : home;
        auto registry = std::make_shared<fedq::ConnectorRegistry>();
        fedq::register_builtin_connectors(*registry);
        return fedq::serve_connector(serve_options, [registry](const fedq::ConnectorConfig& config) {
            return registry->create(config);
        });
    }

    std::string home_dir = home.empty() ? default_home() : home;
    if (!home.empty()) setenv("FEDQ_HOME", home.c_str(), 1);

    // Files written through the file-system layer (object storage, Parquet, output folders) instead of a
    // text stream.
    // Without --format, an output file's extension names the format (out.csv, out.ndjson, out.parquet).
    if (format_option->count() == 0 && !output.empty()) {
        std::string lower_output = output;
        for (auto& c : lower_output) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const char* ext : {"csv", "tsv", "json", "ndjson", "parquet"}) {
            std::string suffix = std::string(".") + ext;
            if (lower_output.size() > suffix.size() &&
                lower_output.compare(lower_output.size() - suffix.size(), suffix.size(), suffix) == 0) {
                format_name = ext;
            }
        }
        if (lower_output.size() > 3 && lower_output.compare(lower_output.size() - 3, 3, ".md") == 0) format_name = "markdown";
    }
    std::string lower_format = format_name;
    for (auto& c : lower_format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto ends_with = [&](const std::string& suffix) {
        return output.size() >= suffix.size() && output.compare(output.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    std::string output_location, output_file_format;
    if (!output.empty() && (output.find("://") != std::string::npos || ends_with("/") || ends_with(".parquet") ||
                            lower_format == "parquet")) {
        output_location = output;
        output_file_format = lower_format == "parquet" || ends_with(".parquet")   ? "parquet"
                             : lower_format == "json" || lower_format == "ndjson" || ends_with(".json") ? "json"
                                                                                                       : "csv";
        output.clear();
    } else if (lower_format == "parquet") {
        std::cerr << "fedq: --format parquet needs --output" << std::endl;
        return 1;
    }

    std::ofstream output_file;
    if (!output.empty()) {
        output_file.open(output, std::ios::binary | std::ios::trunc);
        if (!output_file) {
            std::cerr << "fedq: cannot open output file " << output << std::endl;
            return 1;
        }
    }
    std::ostream& out = output.empty() ? std::cout : output_file;

    bool interactive = command_option->count() == 0 && file_option->count() == 0 && isatty(STDIN_FILENO);
    fedq::SessionOptions options;
    options.format.format = fedq::parse_output_format(format_name).value_or(fedq::OutputFormat::kTable);
    options.output_location = output_location;
    options.output_file_format = output_file_format;
    options.format.max_rows = max_rows.value_or(interactive ? 1000 : 0);
    options.format.max_width = max_width;
    options.format.unicode = !ascii;
    options.echo = echo;
    options.interactive = interactive;
    options.show_progress = isatty(STDERR_FILENO);

    std::unique_ptr<fedq::Engine> engine;
    try {
        fedq::EngineOptions engine_options;
        engine_options.home = home_dir;
        engine_options.config_file = config_file;
        engine = std::make_unique<fedq::Engine>(engine_options);
    } catch (const fedq::Error& error) {
        std::cerr << error.format() << std::endl;
        return 1;
    } catch (const std::exception& exception) {
        std::cerr << "fedq: cannot start the engine: " << exception.what() << std::endl;
        return 1;
    }
    fedq::Session session(*engine, out, options);

    if (interactive) {
        std::error_code ignored;
        std::filesystem::create_directories(home_dir, ignored);
        fedq::ShellOptions shell_options;
        shell_options.history_path = home_dir + "/history";
        return fedq::run_shell(session, shell_options);
    }
    std::string script, source;
    if (command_option->count()) {
        script = command;
    } else if (file_option->count()) {
        if (!read_file(file, script)) {
            std::cerr << "fedq: cannot read " << file << std::endl;
            return 1;
        }
        source = file;
    } else {
        std::stringstream buffer;
        buffer << std::cin.rdbuf();
        script = buffer.str();
    }
    bool ok = session.run_script(script, source, true);
    out.flush();
    return ok ? 0 : 1;
}
