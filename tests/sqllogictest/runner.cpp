// fedq-sqllogictest: runs sqllogictest files (DuckDB dialect of the format) against the embedded engine.
//
//   fedq-sqllogictest [--config default|small|nopushdown|remote] [--root DIR] [--timeout S] [--verbose]
//                     FILES-OR-DIRECTORIES...
//
// Records are separated by blank lines:
//   statement ok | statement error [SQLSTATE] [----  expected error text or SQLSTATE]
//   query <types> [nosort|rowsort|valuesort]  SQL  ----  expected rows (values TAB-separated)
//   halt | mode skip | mode unskip | require <feature> | skipif <engine> | onlyif <engine>
//   (<engine> may be `config=NAME` to select by the --config in use)
//   loop <var> <from> <to> ... endloop | foreach <var> <v1> <v2> ... endloop  (${var} substituted)
// In SQL and expected text, __TEST_DIR__ is a scratch folder of the file (its FEDQ_HOME, empty at the start)
// and __UNIQUE__ a name no other run uses (for object-storage prefixes).
// Values print as Value::to_string does, NULL as "NULL", the empty string as "(empty)". Each file runs on
// a fresh Engine with its own empty FEDQ_HOME (so catalogs it creates never leak into other files); the
// `small` config sets batch_size = 3 and threads = 1 to shake out boundary bugs. The `remote` config runs
// every connector a file creates behind the connector service: each CREATE [OR REPLACE] CATALOG [IF NOT
// EXISTS] name USING <type> WITH (...) builds that connector in the runner (built-in registry, options
// resolved as the engine does), serves it with a ConnectorService on 127.0.0.1:0 with a random auth key,
// and executes CREATE ... CATALOG name USING remote WITH (endpoints = ..., auth_key = ...) instead. The
// services live until the file ends. Built-in catalogs (lake), paths in FROM and catalogs of type lake (whose
// CREATE TABLE / INSERT need the lake connector in-process) stay in-process. Catalog metadata legitimately
// differs (SHOW CATALOGS, SHOW CREATE CATALOG, ALTER CATALOG see a remote catalog): `skipif config=remote`.
// Prints every failure (file:line, SQL, expected vs actual) and one final line "N passed, M failed".
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_definition.h"
#include "catalog/connector_registry.h"
#include "common/error.h"
#include "engine/builtin_connectors.h"
#include "engine/catalog_statements.h"
#include "engine/engine.h"
#include "remote/connector_service.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kEngineName = "fedq";
// The configuration this run uses; `skipif config=nopushdown` / `onlyif config=default` select by it
// (plans printed by EXPLAIN differ when the optimizer rules are off).
std::string g_config = "default";
constexpr size_t kMaxDiffLines = 20;

enum class RecordKind { kStatementOk, kStatementError, kQuery, kHalt, kModeSkip, kModeUnskip, kRequire };
enum class SortMode { kNone, kRow, kValue };

struct Record {
    RecordKind kind = RecordKind::kStatementOk;
    int line = 0;
    std::string sql;
    std::vector<std::string> expected;  // query rows, or error text lines
    size_t column_count = 0;
    SortMode sort = SortMode::kNone;
    bool skip = false;     // skipif fedq / onlyif other
    std::string argument;  // require <x>
};

struct Line {
    int number;
    std::string text;
};

std::string trim(const std::string& text) {
    size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return "";
    size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(start, end - start + 1);
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    std::string word;
    while (in >> word) out.push_back(word);
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    size_t pos = 0;
    while ((pos = text.find(from, pos)) != std::string::npos) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
    return text;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Parses the lines [begin, end) into records, expanding loops. Returns false with `error` on bad syntax.
class Parser {
  public:
    Parser(const std::vector<Line>& lines, std::string file) : lines_(lines), file_(std::move(file)) {}

    bool parse(size_t begin, size_t end, std::vector<Record>& out, std::string& error) {
        size_t i = begin;
        bool skip_next = false;
        while (i < end) {
            std::string text = trim(lines_[i].text);
            if (text.empty() || text[0] == '#') {
                ++i;
                continue;
            }
            std::vector<std::string> tokens = words(text);
            const std::string& keyword = tokens[0];
            int number = lines_[i].number;
            if (keyword == "skipif" || keyword == "onlyif") {
                if (tokens.size() < 2) return fail(error, number, "missing engine name");
                bool is_us = tokens[1] == kEngineName || tokens[1] == "config=" + g_config;
                if ((keyword == "skipif") == is_us) skip_next = true;
                ++i;
                continue;
            }
            if (keyword == "loop" || keyword == "foreach") {
                std::vector<std::string> values;
                if (keyword == "loop") {
                    if (tokens.size() != 4) return fail(error, number, "expected: loop <var> <from> <to>");
                    long from, to;
                    try {
                        from = std::stol(tokens[2]);
                        to = std::stol(tokens[3]);
                    } catch (...) {
                        return fail(error, number, "bad loop bounds");
                    }
                    for (long v = from; v < to; ++v) values.push_back(std::to_string(v));
                } else {
                    if (tokens.size() < 3) return fail(error, number, "expected: foreach <var> <values>...");
                    values.assign(tokens.begin() + 2, tokens.end());
                }
                size_t body_end = find_endloop(i + 1, end);
                if (body_end == end) return fail(error, number, "loop without endloop");
                for (const std::string& value : values) {
                    std::vector<Record> body;
                    if (!parse(i + 1, body_end, body, error)) return false;
                    for (Record& record : body) {
                        record.sql = replace_all(record.sql, "${" + tokens[1] + "}", value);
                        for (auto& e : record.expected) e = replace_all(e, "${" + tokens[1] + "}", value);
                        out.push_back(std::move(record));
                    }
                }
                i = body_end + 1;
                skip_next = false;
                continue;
            }
            Record record;
            record.line = number;
            record.skip = skip_next;
            skip_next = false;
            if (keyword == "halt") {
                record.kind = RecordKind::kHalt;
                out.push_back(record);
                ++i;
                continue;
            }
            if (keyword == "mode") {
                if (tokens.size() < 2) return fail(error, number, "missing mode");
                if (tokens[1] == "skip") {
                    record.kind = RecordKind::kModeSkip;
                } else if (tokens[1] == "unskip") {
                    record.kind = RecordKind::kModeUnskip;
                } else {
                    ++i;  // other modes (output_hash, ...) are ignored
                    continue;
                }
                out.push_back(record);
                ++i;
                continue;
            }
            if (keyword == "require") {
                record.kind = RecordKind::kRequire;
                record.argument = tokens.size() > 1 ? tokens[1] : "";
                out.push_back(record);
                ++i;
                continue;
            }
            if (keyword == "statement") {
                if (tokens.size() < 2 || (tokens[1] != "ok" && tokens[1] != "error")) {
                    return fail(error, number, "expected: statement ok|error");
                }
                record.kind = tokens[1] == "ok" ? RecordKind::kStatementOk : RecordKind::kStatementError;
                // "statement error 22012": the expected SQLSTATE or message may also follow on the header
                // line.
                if (record.kind == RecordKind::kStatementError && tokens.size() > 2) {
                    std::string expected;
                    for (size_t t = 2; t < tokens.size(); ++t) expected += (t > 2 ? " " : "") + tokens[t];
                    record.expected.push_back(expected);
                }
            } else if (keyword == "query") {
                record.kind = RecordKind::kQuery;
                if (tokens.size() < 2) return fail(error, number, "expected: query <types> [sort]");
                record.column_count = tokens[1].size();
                if (tokens.size() > 2) {
                    if (tokens[2] == "rowsort") {
                        record.sort = SortMode::kRow;
                    } else if (tokens[2] == "valuesort") {
                        record.sort = SortMode::kValue;
                    } else if (tokens[2] != "nosort") {
                        return fail(error, number, "unknown sort mode " + tokens[2]);
                    }
                }
            } else {
                return fail(error, number, "unknown record type '" + keyword + "'");
            }
            ++i;
            // SQL until '----' or a blank line.
            std::string sql;
            while (i < end && trim(lines_[i].text) != "----" && !trim(lines_[i].text).empty()) {
                if (!sql.empty()) sql += '\n';
                sql += lines_[i].text;
                ++i;
            }
            if (sql.empty()) return fail(error, number, "record without SQL");
            record.sql = sql;
            if (i < end && trim(lines_[i].text) == "----") {
                ++i;
                while (i < end && !trim(lines_[i].text).empty()) {
                    std::string value = lines_[i].text;
                    if (!value.empty() && value.back() == '\r') value.pop_back();
                    record.expected.push_back(value);
                    ++i;
                }
            } else if (record.kind == RecordKind::kQuery) {
                // A query without '----' expects no rows.
            }
            out.push_back(std::move(record));
        }
        return true;
    }

  private:
    size_t find_endloop(size_t begin, size_t end) const {
        int depth = 0;
        for (size_t i = begin; i < end; ++i) {
            std::string text = trim(lines_[i].text);
            if (starts_with(text, "loop ") || starts_with(text, "foreach ")) ++depth;
            if (text == "endloop") {
                if (depth == 0) return i;
                --depth;
            }
        }
        return end;
    }

    bool fail(std::string& error, int line, const std::string& message) {
        error = file_ + ":" + std::to_string(line) + ": " + message;
        return false;
    }

    const std::vector<Line>& lines_;
    std::string file_;
};

std::string value_text(const fedq::Column& column, size_t row) {
    if (column.is_null(row)) return "NULL";
    std::string text = column.value_at(row).to_string();
    if (text.empty()) return "(empty)";
    return text;
}

// A name unique to this run and file: <pid>-<nanoseconds>.
std::string fmt_unique() {
    static std::atomic<uint64_t> counter{0};
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::to_string(::getpid()) + "-" + std::to_string(now) + "-" + std::to_string(counter++);
}

std::string strip_statement(const std::string& sql) {
    std::string out = trim(sql);
    while (!out.empty() && (out.back() == ';' || out.back() == ' ' || out.back() == '\n')) out.pop_back();
    return out;
}

// Cancels the engine if one statement runs longer than the limit, so a hanging query becomes a reported
// failure instead of a stuck test run.
class Watchdog {
  public:
    Watchdog(fedq::Engine& engine, int seconds) : engine_(engine) {
        if (seconds <= 0) return;
        thread_ = std::thread([this, seconds] {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!wake_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) {
                fired_ = true;
                engine_.cancel();
            }
        });
    }
    ~Watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    bool fired() const { return fired_; }

  private:
    fedq::Engine& engine_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::atomic<bool> fired_{false};
    std::thread thread_;
};

int g_timeout_seconds = 300;

// The connector types the `remote` config builds behind a service (the engine's built-in ones).
const fedq::ConnectorRegistry& builtin_registry() {
    static const fedq::ConnectorRegistry registry = [] {
        fedq::ConnectorRegistry r;
        fedq::register_builtin_connectors(r);
        return r;
    }();
    return registry;
}

// 32 random hex digits.
std::string random_key() {
    std::random_device device;
    std::string key;
    for (int i = 0; i < 4; ++i) {
        char part[9];
        std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(device()));
        key += part;
    }
    return key;
}

std::string timeout_note(const Watchdog& watchdog) {
    return watchdog.fired() ? " (cancelled after " + std::to_string(g_timeout_seconds) + " s)" : "";
}

struct Counters {
    size_t passed = 0;
    size_t failed = 0;
    size_t skipped = 0;
};

class FileRunner {
  public:
    FileRunner(std::string path, std::string config, std::string home, bool verbose, Counters& counters)
        : path_(std::move(path)),
          config_(std::move(config)),
          home_(std::move(home)),
          verbose_(verbose),
          counters_(counters) {}

    ~FileRunner() { shutdown(); }

    void run() {
        run_records();
        shutdown();
    }

  private:
    // The engine first (its remote connectors may still talk to the services), then the services.
    void shutdown() {
        engine_.reset();
        for (auto& service : services_) {
            try {
                service->stop();
            } catch (...) {
            }
        }
        services_.clear();
    }

    void run_records() {
        std::ifstream in(path_, std::ios::binary);
        if (!in) {
            report(0, "", "cannot open file");
            return;
        }
        std::vector<Line> lines;
        std::string text;
        int number = 0;
        while (std::getline(in, text)) lines.push_back({++number, text});
        std::vector<Record> records;
        std::string error;
        Parser parser(lines, path_);
        if (!parser.parse(0, lines.size(), records, error)) {
            std::cout << "FAIL " << error << "\n";
            ++counters_.failed;
            return;
        }
        for (const Record& record : records) {
            if (record.kind == RecordKind::kRequire) {
                std::cout << "SKIP " << path_ << ": requires " << record.argument << "\n";
                return;  // no optional features are known yet
            }
        }
        try {
            fedq::EngineOptions options;
            options.home = home_;
            engine_ = std::make_unique<fedq::Engine>(options);
            if (config_ == "small") {
                engine_->set_setting("batch_size", "3");
                engine_->set_setting("threads", "1");
            } else if (config_ == "nopushdown") {
                // Connectors get no constraint and no limit, and the optimizer rewrites are off: the
                // engine alone must produce the same answers.
                engine_->set_setting("optimizer_disabled_rules",
                                     "constraint_pushdown,limit_pushdown,filter_pushdown,join_reorder,semi_join_pushdown,projection_pruning,"
                                     "source_pushdown");
            }
        } catch (const std::exception& e) {
            report(0, "", std::string("cannot create the engine: ") + e.what());
            return;
        }
        bool skipping = false;
        for (const Record& record : records) {
            if (record.kind == RecordKind::kHalt) {
                if (!record.skip && !skipping) break;
                continue;
            }
            if (record.kind == RecordKind::kModeSkip) {
                skipping = true;
                continue;
            }
            if (record.kind == RecordKind::kModeUnskip) {
                skipping = false;
                continue;
            }
            if (record.skip || skipping) {
                ++counters_.skipped;
                continue;
            }
            if (verbose_) std::cout << path_ << ":" << record.line << "\n";
            bool ok = record.kind == RecordKind::kQuery ? run_query(record) : run_statement(record);
            if (ok) ++counters_.passed;
        }
    }

    // Runs one statement; under the `remote` config a CREATE CATALOG is rerouted through a connector service.
    fedq::QueryResult execute(const std::string& sql) {
        if (config_ != "remote") return engine_->execute(sql);
        std::optional<std::string> rewritten = serve_catalog(sql);
        if (!rewritten) return engine_->execute(sql);
        try {
            return engine_->execute(*rewritten);
        } catch (const fedq::Error& error) {
            // Positions refer to the rewritten text; the record shows the original one.
            throw fedq::Error::with_sqlstate(error.code(), std::string(error.sqlstate()), error.message());
        }
    }

    // For a CREATE CATALOG of a type other than remote: builds the connector, serves it on loopback and
    // returns the CREATE CATALOG ... USING remote statement to run instead. nullopt: run `sql` as is (not a
    // CREATE CATALOG, or one the engine rejects or skips before building a connector: a taken name without
    // OR REPLACE, or a built-in / fedq.toml name). Errors of the definition or the connector's options
    // are raised as the engine raises them (same functions).
    std::optional<std::string> serve_catalog(const std::string& sql) {
        std::vector<fedq::ast::StatementPtr> statements;
        try {
            statements = fedq::parse_sql(sql);
        } catch (const fedq::Error&) {
            return std::nullopt;  // the engine reports the syntax error
        }
        if (statements.size() != 1 || statements[0]->kind != fedq::ast::StatementKind::kCreateCatalog) {
            return std::nullopt;
        }
        const auto& create = static_cast<const fedq::ast::CreateCatalogStatement&>(*statements[0]);
        fedq::CatalogDefinition definition = fedq::catalog_definition_from_ast(create);
        // A lake catalog stays in-process: its DDL and INSERT (CREATE / DROP TABLE, MSCK REPAIR TABLE) run
        // in the engine against the lake connector itself, and the connector protocol is read-only.
        if (definition.type == "remote" || definition.type == "lake" || definition.name.empty()) {
            return std::nullopt;
        }
        // The engine checks the name before it builds anything.
        if (definition.name == "files") return std::nullopt;
        fedq::QueryResult catalogs = engine_->execute("SHOW CATALOGS");
        for (const fedq::Batch& batch : catalogs.batches) {
            for (size_t row = 0; row < batch.num_rows; ++row) {
                if (fedq::to_lower(value_text(batch.column(0), row)) != definition.name) continue;
                bool metastore = value_text(batch.column(2), row) ==
                                 fedq::catalog_source_name(fedq::CatalogSource::kMetastore);
                if (!create.or_replace || !metastore) return std::nullopt;
            }
        }
        fedq::ConnectorConfig config = fedq::resolve_config(definition, nullptr, home_);
        std::shared_ptr<fedq::Connector> connector = builtin_registry().create(config);
        fedq::ConnectorServiceOptions options;
        options.connector = std::move(connector);
        options.listen = "127.0.0.1:0";
        options.auth_key = random_key();
        options.shutdown_grace_seconds = 2;
        options.log = [](const std::string&) {};
        auto service = std::make_unique<fedq::ConnectorService>(options);
        service->start();
        std::string rewritten = "CREATE ";
        if (create.or_replace) rewritten += "OR REPLACE ";
        rewritten += "CATALOG ";
        if (create.if_not_exists) rewritten += "IF NOT EXISTS ";
        rewritten += fedq::sql_identifier(definition.name) + " USING remote WITH (endpoints = " +
                     fedq::sql_string_literal("http://127.0.0.1:" + std::to_string(service->port())) +
                     ", auth_key = " + fedq::sql_string_literal(options.auth_key) + ")";
        services_.push_back(std::move(service));
        return rewritten;
    }

    // __TEST_DIR__ / __UNIQUE__ substituted.
    std::string substitute(std::string text) const {
        text = replace_all(std::move(text), "__TEST_DIR__", home_);
        return replace_all(std::move(text), "__UNIQUE__", unique_);
    }

    bool run_statement(const Record& record) {
        std::string sql = substitute(strip_statement(record.sql));
        Watchdog watchdog(*engine_, g_timeout_seconds);
        try {
            execute(sql);
        } catch (const fedq::Error& error) {
            if (record.kind == RecordKind::kStatementOk) {
                report(record.line, record.sql,
                       "statement failed: " + error.format(sql) + timeout_note(watchdog));
                return false;
            }
            if (record.expected.empty()) return true;
            std::string expected;
            for (const auto& line : record.expected) expected += (expected.empty() ? "" : "\n") + line;
            std::string formatted = error.format(sql);
            if (error.sqlstate() == expected || error.message().find(expected) != std::string::npos ||
                formatted.find(expected) != std::string::npos) {
                return true;
            }
            report(record.line, record.sql,
                   "wrong error\nexpected error containing: " + expected + "\nactual error: " + formatted);
            return false;
        } catch (const std::exception& e) {
            report(record.line, record.sql, std::string("non-fedq exception: ") + e.what());
            return false;
        }
        if (record.kind == RecordKind::kStatementError) {
            report(record.line, record.sql, "statement succeeded but an error was expected");
            return false;
        }
        return true;
    }

    bool run_query(const Record& record) {
        std::string sql = substitute(strip_statement(record.sql));
        fedq::QueryResult result;
        Watchdog watchdog(*engine_, g_timeout_seconds);
        try {
            result = execute(sql);
        } catch (const fedq::Error& error) {
            report(record.line, record.sql, "query failed: " + error.format(sql) + timeout_note(watchdog));
            return false;
        } catch (const std::exception& e) {
            report(record.line, record.sql, std::string("non-fedq exception: ") + e.what());
            return false;
        }
        size_t columns = result.column_names.size();
        std::vector<std::vector<std::string>> rows;
        for (const fedq::Batch& batch : result.batches) {
            if (batch.num_columns() != columns) {
                report(record.line, record.sql,
                       "batch has " + std::to_string(batch.num_columns()) + " columns, result declares " +
                           std::to_string(columns));
                return false;
            }
            for (size_t row = 0; row < batch.num_rows; ++row) {
                std::vector<std::string> values;
                for (size_t c = 0; c < columns; ++c) values.push_back(value_text(batch.column(c), row));
                rows.push_back(std::move(values));
            }
        }
        if (columns != record.column_count) {
            report(record.line, record.sql,
                   "expected " + std::to_string(record.column_count) + " columns, got " +
                       std::to_string(columns),
                   record.expected, render(rows));
            return false;
        }
        std::vector<std::string> actual;
        std::vector<std::string> expected = record.expected;
        for (auto& e : expected) e = substitute(std::move(e));
        bool value_wise = false;
        // The classic sqllogictest layout lists one value per line; accept it when the shapes say so.
        if (columns > 1 && expected.size() == rows.size() * columns && expected.size() != rows.size()) {
            bool any_tab = std::any_of(expected.begin(), expected.end(), [](const std::string& e) {
                return e.find('\t') != std::string::npos;
            });
            value_wise = !any_tab;
        }
        if (record.sort == SortMode::kValue || value_wise) {
            for (const auto& row : rows) actual.insert(actual.end(), row.begin(), row.end());
            if (!value_wise) {
                std::vector<std::string> split;
                for (const auto& line : expected) {
                    std::stringstream in(line);
                    std::string value;
                    while (std::getline(in, value, '\t')) split.push_back(value);
                }
                expected = std::move(split);
            }
            if (record.sort == SortMode::kValue) {
                std::sort(actual.begin(), actual.end());
                std::sort(expected.begin(), expected.end());
            } else if (record.sort == SortMode::kRow) {
                // rows sorted as groups of `columns` values
                std::vector<std::string> joined_actual = render(rows), joined_expected;
                for (size_t i = 0; i + columns <= expected.size(); i += columns) {
                    std::string line;
                    for (size_t c = 0; c < columns; ++c) line += (c ? "\t" : "") + expected[i + c];
                    joined_expected.push_back(line);
                }
                std::sort(joined_actual.begin(), joined_actual.end());
                std::sort(joined_expected.begin(), joined_expected.end());
                actual = joined_actual;
                expected = joined_expected;
            }
        } else {
            actual = render(rows);
            if (record.sort == SortMode::kRow) {
                std::sort(actual.begin(), actual.end());
                std::sort(expected.begin(), expected.end());
            }
        }
        if (actual == expected) return true;
        report(record.line, record.sql, "wrong result", record.expected, render(rows));
        return false;
    }

    static std::vector<std::string> render(const std::vector<std::vector<std::string>>& rows) {
        std::vector<std::string> out;
        for (const auto& row : rows) {
            std::string line;
            for (size_t c = 0; c < row.size(); ++c) line += (c ? "\t" : "") + row[c];
            out.push_back(line);
        }
        return out;
    }

    void report(int line, const std::string& sql, const std::string& message,
                const std::vector<std::string>& expected = {}, const std::vector<std::string>& actual = {}) {
        ++counters_.failed;
        std::cout << "FAIL " << path_ << ":" << line << " [" << config_ << "]: " << message << "\n";
        if (!sql.empty()) std::cout << "  SQL: " << replace_all(sql, "\n", "\n       ") << "\n";
        if (!expected.empty() || !actual.empty()) {
            auto dump = [](const char* title, const std::vector<std::string>& lines) {
                std::cout << "  " << title << " (" << lines.size() << " rows):\n";
                for (size_t i = 0; i < lines.size() && i < kMaxDiffLines; ++i)
                    std::cout << "    " << lines[i] << "\n";
                if (lines.size() > kMaxDiffLines)
                    std::cout << "    ... " << lines.size() - kMaxDiffLines << " more\n";
            };
            dump("expected", expected);
            dump("actual", actual);
        }
        std::cout.flush();
    }

    std::string path_;
    std::string config_;
    std::string home_;
    std::string unique_ = fmt_unique();
    bool verbose_;
    Counters& counters_;
    std::unique_ptr<fedq::Engine> engine_;
    std::vector<std::unique_ptr<fedq::ConnectorService>> services_;  // `remote` config: until the file ends
};

void collect(const fs::path& path, std::vector<std::string>& out) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
        std::vector<std::string> found;
        for (const auto& entry : fs::recursive_directory_iterator(path, error)) {
            if (entry.is_regular_file() && entry.path().extension() == ".test")
                found.push_back(entry.path().string());
        }
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    } else {
        out.push_back(path.string());
    }
}

int usage() {
    std::cerr
        << "usage: fedq-sqllogictest [--config default|small|nopushdown|remote] [--root DIR] "
           "[--timeout SECONDS] [--verbose] FILES...\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config = "default", root;
    bool verbose = false;
    std::vector<std::string> inputs;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            config = argv[++i];
        } else if (starts_with(arg, "--config=")) {
            config = arg.substr(9);
        } else if (arg == "--root" && i + 1 < argc) {
            root = argv[++i];
        } else if (starts_with(arg, "--root=")) {
            root = arg.substr(7);
        } else if (arg == "--timeout" && i + 1 < argc) {
            g_timeout_seconds = std::atoi(argv[++i]);
        } else if (arg == "--verbose" || arg == "-v") {
            verbose = true;
        } else if (arg == "--help" || arg == "-h") {
            usage();
            return 0;
        } else if (starts_with(arg, "--")) {
            return usage();
        } else {
            inputs.push_back(arg);
        }
    }
    if (config != "default" && config != "small" && config != "nopushdown" && config != "remote") {
        return usage();
    }
    g_config = config;
    if (inputs.empty()) return usage();
    // Resolve inputs before changing directory so relative paths given on the command line still work.
    std::vector<std::string> files;
    for (const auto& input : inputs) collect(fs::absolute(input), files);
    if (!root.empty()) {
        std::error_code error;
        fs::current_path(root, error);
        if (error) {
            std::cerr << "cannot change directory to " << root << ": " << error.message() << "\n";
            return 2;
        }
    }
    // A private FEDQ_HOME so test runs never touch the user's metastore.
    std::string home_template = (fs::temp_directory_path() / "fedq-slt-XXXXXX").string();
    std::vector<char> home_buffer(home_template.begin(), home_template.end());
    home_buffer.push_back('\0');
    std::string home = mkdtemp(home_buffer.data()) ? std::string(home_buffer.data()) : std::string();

    Counters counters;
    fs::path cwd = fs::current_path();
    size_t file_number = 0;
    for (const auto& file : files) {
        std::error_code error;
        fs::path relative = fs::relative(file, cwd, error);
        std::string shown =
            error || relative.empty() || starts_with(relative.string(), "..") ? file : relative.string();
        // Each file gets its own empty FEDQ_HOME, so catalogs created by one file never leak into another.
        std::string file_home;
        if (!home.empty()) {
            file_home = home + "/" + std::to_string(++file_number);
            fs::create_directories(file_home, error);
        }
        FileRunner(shown, config, file_home, verbose, counters).run();
    }
    if (!home.empty()) {
        std::error_code ignored;
        fs::remove_all(home, ignored);
    }
    std::cout << counters.passed << " passed, " << counters.failed << " failed" << std::endl;
    return counters.failed > 0 ? 1 : 0;
}
