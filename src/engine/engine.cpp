#include "engine/engine.h"
#include "engine/lake_statements.h"
#include "engine/results.h"
#include "connectors/lake/lake_connector.h"

#include <unistd.h>

#include <charconv>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

#include "catalog/catalog.h"
#include "common/error.h"
#include "engine/catalog_statements.h"
#include "connectors/system/system_connector.h"
#include "execution/executor.h"
#include "expression/evaluator.h"
#include "functions/like_matcher.h"
#include "optimizer/optimizer.h"
#include "planner/binder.h"
#include "planner/expression_binder.h"
#include "sql/parser.h"

namespace fedq {

namespace {

int64_t parse_memory_size(const std::string& text) {
    std::string t = to_lower(text);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    size_t pos = 0;
    double number = 0;
    try {
        number = std::stod(t, &pos);
    } catch (...) {
        raise(ErrorCode::kInvalidParameter, "invalid memory size '{}' (use e.g. '2GB', '512MB')", text);
    }
    std::string unit = t.substr(pos);
    while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
    double factor = 1;
    if (unit.empty() || unit == "b") factor = 1;
    else if (unit == "kb" || unit == "k") factor = 1024;
    else if (unit == "mb" || unit == "m") factor = 1024.0 * 1024;
    else if (unit == "gb" || unit == "g") factor = 1024.0 * 1024 * 1024;
    else if (unit == "tb" || unit == "t") factor = 1024.0 * 1024 * 1024 * 1024;
    else raise(ErrorCode::kInvalidParameter, "invalid memory size '{}' (use e.g. '2GB', '512MB')", text);
    if (number < 0) raise(ErrorCode::kInvalidParameter, "memory size must not be negative");
    return static_cast<int64_t>(number * factor);
}

int64_t default_memory_limit() {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return int64_t(8) << 30;
    return static_cast<int64_t>(static_cast<double>(pages) * static_cast<double>(page) * 0.75);
}

// The whole text must be an integer (std::stoi would accept "10abc" or "2.5").
std::optional<long> parse_whole_integer(const std::string& text) {
    long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

class EngineImpl {
public:
    explicit EngineImpl(EngineOptions options) : options_(std::move(options)), settings_(default_settings()) {
        catalogs_.add("system", std::make_shared<SystemConnector>(catalogs_));
        catalogs_.configure(load_catalog_setup(options_));
        // The data catalog of external tables, unless a configured catalog already uses the name.
        if (!catalogs_.find("lake")) {
            ConnectorConfig lake;
            lake.catalog = "lake";
            lake.type = "lake";
            lake.home = options_.home;
            catalogs_.add("lake", make_lake_connector(lake));
        }
    }

    static std::map<std::string, std::string> default_settings() {
        std::map<std::string, std::string> settings;
        settings["threads"] = std::to_string(std::max(1u, std::thread::hardware_concurrency()));
        settings["batch_size"] = std::to_string(kDefaultBatchRows);
        settings["query_max_memory"] = MemoryTracker::format_bytes(default_memory_limit());
        settings["optimizer_disabled_rules"] = "";
        settings["time_zone"] = "UTC";
        return settings;
    }

    QueryResult execute(std::string_view sql, ResultSink* sink = nullptr) {
        auto statements = parse_sql(sql);
        if (statements.empty()) return message_result("");
        if (statements.size() > 1) raise(ErrorCode::kSyntax, "execute() takes one statement; use execute_script for several");
        return execute_statement(*statements[0], sink);
    }

    std::vector<QueryResult> execute_script(std::string_view sql) {
        std::vector<QueryResult> results;
        for (auto& statement : parse_sql(sql)) results.push_back(execute_statement(*statement));
        return results;
    }

    void cancel() {
        std::lock_guard lock(running_mutex_);
        if (running_) running_->cancelled = true;
    }

    Progress progress() const {
        std::lock_guard lock(running_mutex_);
        Progress p;
        if (!running_) return p;
        p.running = true;
        p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - running_->start).count();
        p.rows_read = running_->rows_read;
        p.bytes_read = running_->bytes_read;
        p.splits_done = running_->splits_done;
        p.splits_total = running_->splits_total;
        return p;
    }

    void set_setting(const std::string& raw_name, const std::string& value) {
        std::string name = to_lower(raw_name);
        if (name == "threads") {
            long threads = parse_whole_integer(value).value_or(0);
            if (threads < 1 || threads > 1024) raise(ErrorCode::kInvalidParameter, "threads must be between 1 and 1024, not '{}'", value);
        } else if (name == "batch_size") {
            long rows = parse_whole_integer(value).value_or(0);
            if (rows < 1 || rows > 1000000) raise(ErrorCode::kInvalidParameter, "batch_size must be between 1 and 1000000, not '{}'", value);
        } else if (name == "query_max_memory") {
            parse_memory_size(value);
        } else if (name == "time_zone") {
            if (to_lower(value) != "utc") raise(ErrorCode::kNotSupported, "only the UTC time zone is supported so far");
        } else if (name != "optimizer_disabled_rules") {
            raise(ErrorCode::kUndefinedObject, "unknown setting \"{}\"", raw_name);
        }
        settings_[name] = value;
    }

    std::string setting(const std::string& name) const {
        auto it = settings_.find(to_lower(name));
        if (it == settings_.end()) raise(ErrorCode::kUndefinedObject, "unknown setting \"{}\"", name);
        return it->second;
    }

private:
    std::unique_ptr<QueryContext> make_context() {
        auto context = std::make_unique<QueryContext>(parse_memory_size(settings_["query_max_memory"]));
        context->threads = static_cast<size_t>(std::stoi(settings_["threads"]));
        context->batch_rows = static_cast<size_t>(std::stol(settings_["batch_size"]));
        context->function_context.query_start_micros =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        return context;
    }

    OptimizerContext optimizer_context(const QueryContext& context) const {
        OptimizerContext oc;
        oc.target_splits = context.threads;
        oc.batch_rows = context.batch_rows;
        std::string rules = settings_.at("optimizer_disabled_rules");
        size_t start = 0;
        while (start < rules.size()) {
            size_t comma = rules.find(',', start);
            std::string rule = rules.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            while (!rule.empty() && rule.front() == ' ') rule.erase(rule.begin());
            while (!rule.empty() && rule.back() == ' ') rule.pop_back();
            if (!rule.empty()) oc.disabled_rules.insert(rule);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return oc;
    }

    struct Running {
        EngineImpl& engine;
        Running(EngineImpl& e, QueryContext* c) : engine(e) {
            std::lock_guard lock(engine.running_mutex_);
            engine.running_ = c;
        }
        ~Running() {
            std::lock_guard lock(engine.running_mutex_);
            engine.running_ = nullptr;
        }
    };

    // Binds and optimizes a query for `context`; the visible column names go to `names`.
    LogicalPtr plan_query(const ast::Query& query, QueryContext& context, std::vector<std::string>& names) {
        session_.function_context = context.function_context;
        Binder binder(catalogs_, session_);
        BoundQuery bound = binder.bind_query(query);
        names = std::move(bound.names);
        OptimizerContext oc = optimizer_context(context);
        oc.function_context = &context.function_context;
        return optimize(std::move(bound.plan), oc);
    }

    // `consumer`: stream the rows to it instead of collecting them in the result.
    QueryResult run_query(const ast::Query& query, ResultSink* consumer) {
        auto context = make_context();
        Running running(*this, context.get());
        std::vector<std::string> names;
        LogicalPtr plan = plan_query(query, *context, names);
        Executor executor(*context);
        QueryResult result;
        result.column_names = std::move(names);
        for (const auto& o : plan->outputs) result.column_types.push_back(o.type);
        if (consumer) {
            // Streamed: each batch goes to the consumer as it is produced.
            consumer->begin(result.column_names, result.column_types);
            uint64_t rows = 0;
            CallbackSink sink([&](Batch&& batch) {
                rows += batch.num_rows;
                consumer->write(std::move(batch));
            });
            executor.execute(*plan, sink);
            result.row_count = rows;
        } else {
            result.batches = executor.execute(*plan);
            for (const auto& b : result.batches) result.row_count += b.num_rows;
        }
        result.stats.rows = result.row_count;
        result.stats.bytes_scanned = context->bytes_read;
        result.stats.bytes_by_source = context->bytes_by_source();
        result.stats.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - context->start).count();
        return result;
    }

    // The value of a constant expression (SET values, table properties, partition values); `clause` names
    // it in errors.
    Value constant_value(const ast::Expr& expr, const std::string& clause) {
        Scope empty;
        Binder binder(catalogs_, session_);
        ExpressionBinder expression_binder(binder, empty);
        expression_binder.clause = clause.c_str();
        BoundExprPtr value = expression_binder.bind(expr);
        if (!value->is_constant()) raise(ErrorCode::kInvalidParameter, "{} value must be a constant", clause);
        return value->constant;
    }

    // What the lake table statements need from the engine.
    LakeStatementHooks lake_hooks() {
        LakeStatementHooks hooks;
        hooks.constant = [this](const ast::Expr& expr, const std::string& clause) {
            return constant_value(expr, clause);
        };
        hooks.run_query = [this](const ast::Query& query, ResultSink& sink) { return run_query(query, &sink); };
        hooks.describe_query = [this](const ast::Query& query) {
            auto context = make_context();
            std::vector<std::string> names;
            LogicalPtr plan = plan_query(query, *context, names);
            std::vector<Type> types;
            for (const auto& o : plan->outputs) types.push_back(o.type);
            return std::make_pair(std::move(names), std::move(types));
        };
        return hooks;
    }

    QueryResult explain(const ast::ExplainStatement& statement) {
        if (statement.statement->kind != ast::StatementKind::kQuery) {
            raise(ErrorCode::kNotSupported, "EXPLAIN is supported for queries only");
        }
        const auto& query = *static_cast<const ast::QueryStatement&>(*statement.statement).query;
        auto context = make_context();
        Running running(*this, context.get());
        std::vector<std::string> names;
        LogicalPtr plan = plan_query(query, *context, names);
        std::string text;
        if (statement.analyze) {
            context->collect_stats = true;
            Executor executor(*context);
            auto batches = executor.execute(*plan);
            uint64_t rows = 0;
            for (const auto& b : batches) rows += b.num_rows;
            double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - context->start).count();
            text = explain_plan(*plan, [&](const LogicalNode& node) -> std::string {
                const OperatorStats* stats = context->find_stats(&node);
                if (!stats) return "";
                std::string out = fmt::format("rows: {}, batches: {}, time: {:.3f} ms", stats->rows.load(), stats->batches.load(),
                                              static_cast<double>(stats->nanos.load()) / 1e6);
                if (node.kind == LogicalKind::kScan) {
                    out += fmt::format(", read: {} rows, {}", stats->scan.rows_read.load(),
                                       MemoryTracker::format_bytes(static_cast<int64_t>(stats->scan.bytes_read.load())));
                    if (uint64_t spilled = stats->scan.spilled_objects.load()) {
                        out += fmt::format(", spilled: {} object{}, {}", spilled, spilled == 1 ? "" : "s",
                                           MemoryTracker::format_bytes(static_cast<int64_t>(stats->scan.spilled_bytes.load())));
                    }
                }
                return out;
            });
            std::string by_source;
            for (const auto& [source, bytes] : context->bytes_by_source()) {
                by_source += fmt::format("{}{} {}", by_source.empty() ? " (" : ", ", source,
                                         MemoryTracker::format_bytes(static_cast<int64_t>(bytes)));
            }
            if (!by_source.empty()) by_source += ")";
            text += fmt::format("Total: {} rows in {:.3f} s, {} scanned{}, peak memory {}\n", rows, elapsed,
                                MemoryTracker::format_bytes(static_cast<int64_t>(context->bytes_read.load())), by_source,
                                MemoryTracker::format_bytes(context->memory.peak()));
        } else {
            text = explain_plan(*plan);
        }
        std::vector<std::vector<std::string>> rows;
        size_t start = 0;
        while (start < text.size()) {
            size_t end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            rows.push_back({text.substr(start, end - start)});
            start = end + 1;
        }
        return text_result({"Query Plan"}, rows);
    }

    std::shared_ptr<Connector> require_catalog(const std::string& name) {
        auto connector = catalogs_.find(name);
        if (!connector) raise(ErrorCode::kUndefinedObject, "catalog \"{}\" does not exist", name);
        return connector;
    }

    QueryResult show(const ast::ShowStatement& statement) {
        std::vector<std::vector<std::string>> rows;
        // SHOW ... LIKE 'pattern' matches case-insensitively, as identifiers do.
        std::optional<LikeMatcher> like;
        if (statement.like) like.emplace(*statement.like, std::nullopt, true);
        auto keep = [&](const std::string& name) { return !like || like->matches(name); };
        const auto& parts = statement.from.parts;
        switch (statement.show) {
            case ast::ShowKind::kPartitions:
            case ast::ShowKind::kCreateTable:
                return execute_lake_statement(catalogs_, session_, lake_hooks(), statement);
            case ast::ShowKind::kCatalogs:
                for (const auto& entry : catalogs_.list()) {
                    if (!keep(entry.name)) continue;
                    std::string source = entry.source == CatalogSource::kConfigFile ? entry.origin
                                                                                     : catalog_source_name(entry.source);
                    rows.push_back({entry.name, entry.type, source});
                }
                return text_result({"Catalog", "Type", "Source"}, rows);
            case ast::ShowKind::kCreateCatalog: {
                std::string name = to_lower(parts.at(0).name);
                auto definition = catalogs_.definition(name);
                if (!definition) {
                    if (catalogs_.find(name)) {
                        raise(ErrorCode::kNotSupported, "catalog \"{}\" is built in and has no CREATE statement", name);
                    }
                    raise(ErrorCode::kUndefinedObject, "catalog \"{}\" does not exist", name);
                }
                return text_result({"Create Catalog"}, {{definition->create_statement()}});
            }
            case ast::ShowKind::kSchemas: {
                std::string catalog = parts.empty() ? session_.catalog : parts[0].name;
                for (const auto& s : require_catalog(catalog)->list_schemas()) {
                    if (keep(s)) rows.push_back({s});
                }
                return text_result({"Schema"}, rows);
            }
            case ast::ShowKind::kTables: {
                std::string catalog = session_.catalog, schema = session_.schema;
                if (parts.size() == 1) schema = parts[0].name;
                if (parts.size() == 2) {
                    catalog = parts[0].name;
                    schema = parts[1].name;
                }
                auto connector = require_catalog(catalog);
                std::string token;
                do {
                    TablePage page = connector->list_tables(to_lower(schema), token);
                    for (const auto& t : page.tables) {
                        if (keep(t)) rows.push_back({t});
                    }
                    token = page.next_token;
                } while (!token.empty());
                return text_result({"Table"}, rows);
            }
            case ast::ShowKind::kFunctions:
                for (const auto& f : FunctionRegistry::instance().list()) {
                    if (keep(f.name)) rows.push_back({f.name, f.kind, f.description});
                }
                return text_result({"Function", "Kind", "Description"}, rows);
            case ast::ShowKind::kSession:
                for (const auto& [name, value] : settings_) {
                    if (keep(name)) rows.push_back({name, value});
                }
                return text_result({"Name", "Value"}, rows);
            case ast::ShowKind::kColumns: {
                ast::NamedTableRef ref;
                ref.name = statement.from;
                ref.position = statement.position;
                return describe_table(ref);
            }
        }
        return message_result("");
    }

    QueryResult describe_table(const ast::TableRef& ref) {
        auto context = make_context();
        session_.function_context = context->function_context;
        Binder binder(catalogs_, session_);
        TableInfo info = binder.resolve_table_info(ref);
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : info.columns) {
            rows.push_back({c.name, c.type.to_string(), c.nullable ? "" : "NOT NULL", c.comment.empty() ? "" : c.comment});
        }
        return text_result({"Column", "Type", "Extra", "Comment"}, rows);
    }

    QueryResult execute_statement(const ast::Statement& statement, ResultSink* sink = nullptr) {
        try {
            switch (statement.kind) {
                case ast::StatementKind::kQuery:
                    return run_query(*static_cast<const ast::QueryStatement&>(statement).query, sink);
                case ast::StatementKind::kExplain: return explain(static_cast<const ast::ExplainStatement&>(statement));
                case ast::StatementKind::kUse: {
                    const auto& parts = static_cast<const ast::UseStatement&>(statement).name.parts;
                    std::string catalog = parts.size() == 2 ? parts[0].name : session_.catalog;
                    std::string schema = parts.back().name;
                    auto connector = require_catalog(catalog);
                    auto schemas = connector->list_schemas();
                    if (std::find(schemas.begin(), schemas.end(), to_lower(schema)) == schemas.end() &&
                        std::find(schemas.begin(), schemas.end(), schema) == schemas.end()) {
                        raise(ErrorCode::kUndefinedObject, "schema \"{}.{}\" does not exist", catalog, schema);
                    }
                    session_.catalog = to_lower(catalog);
                    session_.schema = parts.back().quoted ? schema : to_lower(schema);
                    return message_result("USE");
                }
                case ast::StatementKind::kSet: {
                    const auto& set = static_cast<const ast::SetStatement&>(statement);
                    Value value = constant_value(*set.value, "SET");
                    std::string text = value.is_null() ? "" : value.to_string();
                    set_setting(set.name.to_string(), text);
                    return message_result("SET");
                }
                case ast::StatementKind::kReset: {
                    const auto& reset = static_cast<const ast::ResetStatement&>(statement);
                    auto defaults = default_settings();
                    std::string name = to_lower(reset.name.to_string());
                    auto it = defaults.find(name);
                    if (it == defaults.end()) raise(ErrorCode::kUndefinedObject, "unknown setting \"{}\"", reset.name.to_string());
                    settings_[name] = it->second;
                    return message_result("RESET");
                }
                case ast::StatementKind::kShow: return show(static_cast<const ast::ShowStatement&>(statement));
                case ast::StatementKind::kDescribe:
                    return describe_table(*static_cast<const ast::DescribeStatement&>(statement).table);
                case ast::StatementKind::kCreateCatalog:
                case ast::StatementKind::kDropCatalog:
                case ast::StatementKind::kAlterCatalog:
                    return message_result(execute_catalog_ddl(catalogs_, statement));
                case ast::StatementKind::kCreateTable:
                case ast::StatementKind::kDropTable:
                case ast::StatementKind::kInsert:
                case ast::StatementKind::kRepairTable:
                case ast::StatementKind::kAlterTable:
                    return execute_lake_statement(catalogs_, session_, lake_hooks(), statement);
            }
        } catch (Error& error) {
            // Positions inside a statement are relative to the statement's own text; keep them.
            throw;
        }
        raise(ErrorCode::kInternal, "unknown statement");
    }

    EngineOptions options_;
    CatalogManager catalogs_;
    SessionState session_;
    std::map<std::string, std::string> settings_;
    mutable std::mutex running_mutex_;
    QueryContext* running_ = nullptr;
};

Engine::Engine(EngineOptions options) : impl_(std::make_unique<EngineImpl>(std::move(options))) {}
Engine::~Engine() = default;
QueryResult Engine::execute(std::string_view sql) { return impl_->execute(sql); }
QueryResult Engine::execute(std::string_view sql, ResultSink& sink) { return impl_->execute(sql, &sink); }
std::vector<QueryResult> Engine::execute_script(std::string_view sql) { return impl_->execute_script(sql); }
void Engine::cancel() { impl_->cancel(); }
Progress Engine::progress() const { return impl_->progress(); }
void Engine::set_setting(const std::string& name, const std::string& value) { impl_->set_setting(name, value); }
std::string Engine::setting(const std::string& name) const { return impl_->setting(name); }

}  // namespace fedq
