#include "engine/lake_statements.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "common/error.h"
#include "connectors/lake/lake_connector.h"
#include "engine/file_write_sink.h"
#include "engine/results.h"
#include "functions/cast.h"
#include "io/file_system.h"

namespace fedq {

namespace {

struct TableName {
    std::string catalog, schema, table;
    std::string text() const { return catalog + "." + schema + "." + table; }
};

TableName resolve_name(const ast::QualifiedName& name, const SessionState& session) {
    const auto& parts = name.parts;
    auto part = [](const ast::Identifier& id) { return id.quoted ? id.name : to_lower(id.name); };
    TableName out;
    if (parts.size() == 1) {
        out = {session.catalog, session.schema, part(parts[0])};
    } else if (parts.size() == 2) {
        out = {session.catalog, part(parts[0]), part(parts[1])};
    } else if (parts.size() == 3) {
        out = {to_lower(parts[0].name), part(parts[1]), part(parts[2])};
    } else {
        raise(ErrorCode::kSyntax, "invalid table name \"{}\"", name.to_string());
    }
    return out;
}

LakeConnector& lake_of(CatalogManager& catalogs, const TableName& name, const char* what) {
    auto connector = catalogs.find(name.catalog);
    if (!connector) raise(ErrorCode::kUndefinedObject, "catalog \"{}\" does not exist", name.catalog);
    auto* lake = dynamic_cast<LakeConnector*>(connector.get());
    if (!lake) {
        raise(ErrorCode::kNotSupported, "{} is supported for lake catalogs only; \"{}\" is a {} catalog", what,
              name.catalog, connector->type_name());
    }
    return *lake;
}

LakeTable require_table(LakeConnector& lake, const TableName& name) {
    auto table = lake.find_table(name.schema, name.table);
    if (!table) raise(ErrorCode::kUndefinedTable, "table \"{}\" does not exist", name.text());
    return *table;
}

Type type_of(const ast::ColumnDefinition& column) {
    try {
        return parse_type(column.type);
    } catch (Error& e) {
        raise(e.code(), "column \"{}\": {}", column.name.name, e.message());
    }
}

std::vector<LakeColumn> lake_columns(const std::vector<ast::ColumnDefinition>& columns) {
    std::vector<LakeColumn> out;
    for (const auto& c : columns) {
        if (!c.has_type) raise(ErrorCode::kSyntax, "column \"{}\" needs a type", c.name.name);
        out.push_back({c.name.quoted ? c.name.name : to_lower(c.name.name), type_of(c), c.comment.value_or("")});
    }
    return out;
}

// STORED AS / WITH (format = ...) / SERDE -> "parquet" | "csv" | "json".
std::string normalize_format(const std::string& raw) {
    std::string f = to_lower(raw);
    if (f == "parquet") return "parquet";
    if (f == "textfile" || f == "csv" || f == "text" || f == "tsv") return "csv";
    if (f == "json" || f == "jsonfile" || f == "ndjson") return "json";
    raise(ErrorCode::kNotSupported, "format '{}' is not supported (PARQUET, CSV/TEXTFILE or JSON)", raw);
}

std::optional<std::string> format_of_serde(const std::string& serde) {
    std::string s = to_lower(serde);
    if (s.find("parquet") != std::string::npos) return "parquet";
    if (s.find("json") != std::string::npos) return "json";
    if (s.find("csv") != std::string::npos || s.find("lazysimpleserde") != std::string::npos) return "csv";
    return std::nullopt;
}

std::string string_of(const Value& v, const std::string& key) {
    if (v.is_null()) raise(ErrorCode::kInvalidParameter, "table property '{}' must not be NULL", key);
    if (v.type().id() == TypeId::kVarchar) return v.as_string();
    return v.to_string();
}

std::string with_location(std::string location) {
    if (!location.empty() && location.back() != '/') location += '/';
    return location;
}

// Options for the file writers from a table's format and properties.
std::map<std::string, std::string> writer_options(const LakeTable& table) {
    std::map<std::string, std::string> options;
    auto get = [&](std::initializer_list<const char*> keys) -> std::optional<std::string> {
        for (const char* k : keys) {
            auto it = table.properties.find(k);
            if (it != table.properties.end()) return it->second;
        }
        return std::nullopt;
    };
    if (table.format == "csv") {
        if (auto d = get({"field.delim", "delimiter", "separatorchar", "field_delimiter"})) options["delimiter"] = *d;
        auto header = get({"skip.header.line.count"});
        options["header"] = header && *header != "0" ? "true" : "false";
        if (auto n = get({"serialization.null.format"})) options["null"] = *n;
        if (auto c = get({"write.compression", "write_compression", "compression"})) options["compression"] = to_lower(*c);
    } else if (table.format == "parquet") {
        if (auto c = get({"parquet.compression", "write.compression", "write_compression", "compression"}))
            options["compression"] = to_lower(*c);
    } else if (table.format == "json") {
        if (auto c = get({"write.compression", "write_compression", "compression"})) options["compression"] = to_lower(*c);
    }
    for (auto& [k, v] : options) {
        if (k == "compression" && (v == "none" || v == "uncompressed")) v = "none";
    }
    return options;
}

// Files under a folder (none when it does not exist).
std::vector<FileInfo> files_under(const std::string& folder, const std::string& profile) {
    FileSystem& fs = get_file_system(folder, profile);
    try {
        return fs.glob(folder);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::kUndefinedTable) return {};
        throw;
    }
}

// Casts and reorders the query's columns into the table's columns (NULL for table columns the INSERT does
// not name), then hands the batch on.
class ConvertingSink final : public ResultSink {
public:
    ConvertingSink(ResultSink& next, std::vector<std::string> names, std::vector<Type> types,
                   std::vector<std::optional<size_t>> source)
        : next_(next), names_(std::move(names)), types_(std::move(types)), source_(std::move(source)) {}

    void begin(const std::vector<std::string>&, const std::vector<Type>& types) override {
        input_types_ = types;
        next_.begin(names_, types_);
    }
    void write(Batch&& batch) override {
        Batch out;
        out.num_rows = batch.num_rows;
        for (size_t i = 0; i < types_.size(); ++i) {
            if (!source_[i]) {
                auto column = Column::make(types_[i], batch.num_rows);
                for (size_t r = 0; r < batch.num_rows; ++r) column->append_null();
                out.columns.push_back(std::move(column));
                continue;
            }
            const ColumnPtr& in = batch.columns[*source_[i]];
            if (input_types_[*source_[i]] == types_[i]) {
                out.columns.push_back(in);
                continue;
            }
            auto column = Column::make(types_[i], batch.num_rows);
            try {
                cast_column(*in, types_[i], *column, false);
            } catch (Error& e) {
                raise(e.code(), "column \"{}\": {}", names_[i], e.message());
            }
            out.columns.push_back(std::move(column));
        }
        next_.write(std::move(out));
    }

private:
    ResultSink& next_;
    std::vector<std::string> names_;
    std::vector<Type> types_;
    std::vector<std::optional<size_t>> source_;
    std::vector<Type> input_types_;
};

std::string row_message(const char* what, uint64_t rows) {
    return fmt::format("{}: {} row{}", what, rows, rows == 1 ? "" : "s");
}

// Registers the partitions a write produced (projected tables need no registration).
void register_partitions(LakeConnector& lake, const LakeTable& table, const std::vector<WrittenFile>& files) {
    if (table.partition_columns.empty()) return;
    auto projection = table.properties.find("projection.enabled");
    if (projection != table.properties.end() && to_lower(projection->second) == "true") return;
    std::vector<LakePartition> partitions;
    std::set<std::string> seen;
    for (const auto& f : files) {
        std::string location = lake.partition_location(table, f.partition_values);
        if (!seen.insert(location).second) continue;
        partitions.push_back({f.partition_values, location});
    }
    lake.add_partitions(table.schema, table.name, partitions, true);
}

FileWriteTarget write_target(LakeConnector& lake, const LakeTable& table) {
    FileWriteTarget target;
    target.location = table.location;
    target.format = table.format;
    target.format_options = writer_options(table);
    for (const auto& p : table.partition_columns) target.partition_columns.push_back(p.name);
    target.partition_path = [&lake, table](const std::vector<Value>& values) {
        std::string full = lake.partition_location(table, values);
        return full.rfind(table.location, 0) == 0 ? full.substr(table.location.size()) : full;
    };
    target.file_prefix = unique_file_prefix();
    target.s3_profile = lake.s3_profile();
    return target;
}

class LakeStatements {
public:
    LakeStatements(CatalogManager& catalogs, const SessionState& session, const LakeStatementHooks& hooks)
        : catalogs_(catalogs), session_(session), hooks_(hooks) {}

    QueryResult create_table(const ast::CreateTableStatement& s) {
        TableName name = resolve_name(s.name, session_);
        LakeConnector& lake = lake_of(catalogs_, name, "CREATE TABLE");
        if (lake.find_table(name.schema, name.table)) {
            if (s.if_not_exists) return message_result("CREATE TABLE: table already exists");
            if (!s.or_replace) raise(ErrorCode::kDuplicateObject, "table \"{}\" already exists", name.text());
        }
        LakeTable table;
        table.schema = name.schema;
        table.name = name.table;
        table.comment = s.comment.value_or("");
        std::vector<std::string> partitioned_by;
        std::optional<std::string> format;
        std::optional<std::string> location = s.location;
        for (const auto& p : s.tblproperties) {
            table.properties[to_lower(p.key)] = string_of(hooks_.constant(*p.value, "TBLPROPERTIES"), p.key);
        }
        for (const auto& p : s.serde_properties) {
            table.properties[to_lower(p.key)] = string_of(hooks_.constant(*p.value, "SERDEPROPERTIES"), p.key);
        }
        if (s.field_delimiter) table.properties["field.delim"] = *s.field_delimiter;
        if (s.escape_char) table.properties["escape.delim"] = *s.escape_char;
        if (s.serde) {
            table.properties["serde"] = *s.serde;
            format = format_of_serde(*s.serde);
        }
        for (const auto& p : s.with) {
            std::string key = to_lower(p.key);
            Value v = hooks_.constant(*p.value, "WITH");
            if (key == "format") {
                format = string_of(v, key);
            } else if (key == "location" || key == "external_location") {
                location = string_of(v, key);
            } else if (key == "partitioned_by") {
                if (v.is_null() || v.type().id() != TypeId::kArray)
                    raise(ErrorCode::kInvalidParameter, "partitioned_by must be an ARRAY of column names");
                for (const auto& c : v.children()) partitioned_by.push_back(to_lower(string_of(c, key)));
            } else if (key == "bucketed_by" || key == "bucket_count") {
                raise(ErrorCode::kNotSupported, "bucketed tables are not supported");
            } else {
                table.properties[key] = string_of(v, key);
            }
        }
        if (s.stored_as) format = *s.stored_as;
        for (const auto& c : s.partitioned_by) {
            if (c.has_type) {
                table.partition_columns.push_back({c.name.quoted ? c.name.name : to_lower(c.name.name), type_of(c), c.comment.value_or("")});
            } else {
                partitioned_by.push_back(c.name.quoted ? c.name.name : to_lower(c.name.name));
            }
        }
        table.external = s.external || location.has_value();
        table.location = with_location(location ? *location : lake.default_location(name.schema, name.table));

        if (!s.query) {
            if (s.columns.empty()) raise(ErrorCode::kSyntax, "CREATE TABLE needs a column list or AS query");
            if (!partitioned_by.empty())
                raise(ErrorCode::kSyntax, "PARTITIONED BY needs column types (or use CREATE TABLE ... AS)");
            table.columns = lake_columns(s.columns);
            table.format = normalize_format(format.value_or(s.external ? "csv" : "parquet"));
            if (s.external && !s.location) raise(ErrorCode::kSyntax, "CREATE EXTERNAL TABLE needs LOCATION '...'");
            lake.create_table(table, s.if_not_exists, s.or_replace);
            return message_result("CREATE TABLE");
        }

        // CREATE TABLE AS: the query's columns; partition columns by name, in partitioned_by order.
        if (!s.columns.empty()) raise(ErrorCode::kNotSupported, "CREATE TABLE AS takes its columns from the query");
        for (const auto& p : table.partition_columns) partitioned_by.push_back(p.name);
        table.partition_columns.clear();
        table.format = normalize_format(format.value_or("parquet"));
        {
            // Validate the definition the query will produce before writing anything.
            auto [query_names, query_types] = hooks_.describe_query(*s.query);
            LakeTable probe = table;
            for (const auto& p : partitioned_by) {
                size_t i = 0;
                while (i < query_names.size() && to_lower(query_names[i]) != to_lower(p)) ++i;
                if (i == query_names.size())
                    raise(ErrorCode::kUndefinedColumn, "partition column \"{}\" is not a column of the query", p);
                probe.partition_columns.push_back({p, query_types[i], ""});
            }
            for (size_t i = 0; i < query_names.size(); ++i) {
                if (std::find(partitioned_by.begin(), partitioned_by.end(), to_lower(query_names[i])) != partitioned_by.end())
                    continue;
                probe.columns.push_back({to_lower(query_names[i]), query_types[i], ""});
            }
            lake.validated(probe);
        }
        if (files_under(table.location, lake.s3_profile()).size() > 0) {
            raise(ErrorCode::kDuplicateObject, "location '{}' of table \"{}\" is not empty", table.location, name.text());
        }
        // Partition folders are named from the values only (the types are known once the query runs).
        LakeTable draft = table;
        for (const auto& p : partitioned_by) draft.partition_columns.push_back({p, Type::varchar(), ""});
        FileWriteSink sink(write_target(lake, draft));
        uint64_t rows = 0;
        std::vector<WrittenFile> written;
        if (s.with_data) {
            QueryResult result = hooks_.run_query(*s.query, sink);
            rows = result.row_count;
            written = sink.commit(!draft.partition_columns.empty());
        } else {
            auto [names, types] = hooks_.describe_query(*s.query);
            sink.begin(names, types);
            written = sink.commit(true);
        }
        table.columns.clear();
        for (size_t i = 0; i < sink.data_names().size(); ++i) table.columns.push_back({to_lower(sink.data_names()[i]), sink.data_types()[i], ""});
        for (size_t i = 0; i < partitioned_by.size(); ++i)
            table.partition_columns.push_back({partitioned_by[i], sink.partition_types()[i], ""});
        try {
            lake.create_table(table, false, s.or_replace);
            register_partitions(lake, table, written);
        } catch (...) {
            for (const auto& f : written) {
                try {
                    get_file_system(f.path, lake.s3_profile()).remove(f.path);
                } catch (...) {
                }
            }
            try {
                lake.drop_table(table.schema, table.name);
            } catch (...) {
            }
            throw;
        }
        return message_result(row_message("CREATE TABLE", rows));
    }

    QueryResult insert(const ast::InsertStatement& s) {
        TableName name = resolve_name(s.table, session_);
        LakeConnector& lake = lake_of(catalogs_, name, "INSERT");
        LakeTable table = require_table(lake, name);
        std::vector<std::string> names;
        std::vector<Type> types;
        for (const auto& c : table.columns) {
            names.push_back(c.name);
            types.push_back(c.type);
        }
        for (const auto& c : table.partition_columns) {
            names.push_back(c.name);
            types.push_back(c.type);
        }
        auto [query_names, query_types] = hooks_.describe_query(*s.query);
        std::vector<std::optional<size_t>> source(names.size());
        if (s.columns.empty()) {
            if (query_types.size() != names.size()) {
                raise(ErrorCode::kSyntax, "INSERT has {} columns but table \"{}\" has {}", query_types.size(), name.text(),
                      names.size());
            }
            for (size_t i = 0; i < names.size(); ++i) source[i] = i;
        } else {
            if (query_types.size() != s.columns.size()) {
                raise(ErrorCode::kSyntax, "INSERT names {} columns but the query has {}", s.columns.size(), query_types.size());
            }
            for (size_t q = 0; q < s.columns.size(); ++q) {
                std::string wanted = to_lower(s.columns[q].name);
                size_t i = 0;
                while (i < names.size() && to_lower(names[i]) != wanted) ++i;
                if (i == names.size())
                    raise(ErrorCode::kUndefinedColumn, "column \"{}\" of table \"{}\" does not exist", s.columns[q].name, name.text());
                if (source[i]) raise(ErrorCode::kSyntax, "column \"{}\" is named twice", s.columns[q].name);
                source[i] = q;
            }
        }
        for (size_t i = 0; i < names.size(); ++i) {
            if (source[i] && query_types[*source[i]] != types[i] && !can_cast(query_types[*source[i]], types[i])) {
                raise(ErrorCode::kDatatypeMismatch, "column \"{}\" is of type {} but the query gives {}", names[i],
                      types[i].to_string(), query_types[*source[i]].to_string());
            }
        }
        FileWriteSink sink(write_target(lake, table));
        ConvertingSink convert(sink, names, types, source);
        QueryResult result = hooks_.run_query(*s.query, convert);
        std::vector<WrittenFile> written = sink.commit(true);
        if (s.overwrite) {
            // Replace what was there: every older file of the table (unpartitioned) or of the partitions written.
            std::set<std::string> fresh, folders;
            for (const auto& f : written) {
                fresh.insert(f.path);
                folders.insert(table.partition_columns.empty() ? table.location : lake.partition_location(table, f.partition_values));
            }
            if (table.partition_columns.empty()) folders.insert(table.location);
            for (const auto& folder : folders) {
                for (const auto& f : files_under(folder, lake.s3_profile())) {
                    if (!fresh.count(f.path)) get_file_system(f.path, lake.s3_profile()).remove(f.path);
                }
            }
        }
        register_partitions(lake, table, written);
        return message_result(row_message("INSERT", result.row_count));
    }

    QueryResult drop_table(const ast::DropTableStatement& s) {
        TableName name = resolve_name(s.name, session_);
        LakeConnector& lake = lake_of(catalogs_, name, "DROP TABLE");
        if (!lake.drop_table(name.schema, name.table) && !s.if_exists) {
            raise(ErrorCode::kUndefinedTable, "table \"{}\" does not exist", name.text());
        }
        return message_result("DROP TABLE");
    }

    QueryResult repair(const ast::RepairTableStatement& s) {
        TableName name = resolve_name(s.name, session_);
        LakeConnector& lake = lake_of(catalogs_, name, "MSCK REPAIR TABLE");
        require_table(lake, name);
        RepairResult r = lake.repair_table(name.schema, name.table);
        return message_result(fmt::format("MSCK REPAIR TABLE: {} partition{} added, {} removed", r.added,
                                          r.added == 1 ? "" : "s", r.removed));
    }

    // PARTITION (k = v, ...) -> values in the table's partition column order, cast to their types.
    std::vector<Value> partition_values(const LakeTable& table, const ast::PartitionSpec& spec) {
        std::vector<std::optional<Value>> values(table.partition_columns.size());
        for (const auto& [key, expr] : spec.values) {
            size_t i = 0;
            while (i < table.partition_columns.size() && to_lower(table.partition_columns[i].name) != to_lower(key.name)) ++i;
            if (i == table.partition_columns.size())
                raise(ErrorCode::kUndefinedColumn, "\"{}\" is not a partition column of \"{}.{}\"", key.name, table.schema, table.name);
            if (values[i]) raise(ErrorCode::kSyntax, "partition column \"{}\" is given twice", key.name);
            Value v = hooks_.constant(*expr, "PARTITION");
            values[i] = v.type() == table.partition_columns[i].type ? v : cast_value(v, table.partition_columns[i].type);
        }
        std::vector<Value> out;
        for (size_t i = 0; i < values.size(); ++i) {
            if (!values[i]) raise(ErrorCode::kSyntax, "PARTITION needs a value for \"{}\"", table.partition_columns[i].name);
            out.push_back(*values[i]);
        }
        return out;
    }

    QueryResult alter(const ast::AlterTableStatement& s) {
        TableName name = resolve_name(s.name, session_);
        LakeConnector& lake = lake_of(catalogs_, name, "ALTER TABLE");
        LakeTable table = require_table(lake, name);
        switch (s.action) {
            case ast::AlterTableStatement::Action::kAddPartitions: {
                std::vector<LakePartition> partitions;
                for (const auto& spec : s.partitions) {
                    LakePartition p;
                    p.values = partition_values(table, spec);
                    p.location = spec.location ? with_location(*spec.location) : "";
                    partitions.push_back(std::move(p));
                }
                size_t n = lake.add_partitions(name.schema, name.table, partitions, s.if_not_exists);
                return message_result(fmt::format("ALTER TABLE: {} partition{} added", n, n == 1 ? "" : "s"));
            }
            case ast::AlterTableStatement::Action::kDropPartitions: {
                std::vector<std::vector<Value>> values;
                for (const auto& spec : s.partitions) values.push_back(partition_values(table, spec));
                size_t n = lake.drop_partitions(name.schema, name.table, values, s.if_exists);
                return message_result(fmt::format("ALTER TABLE: {} partition{} dropped", n, n == 1 ? "" : "s"));
            }
            case ast::AlterTableStatement::Action::kSetProperties: {
                std::map<std::string, std::string> set;
                for (const auto& p : s.properties) set[to_lower(p.key)] = string_of(hooks_.constant(*p.value, "TBLPROPERTIES"), p.key);
                lake.alter_properties(name.schema, name.table, set);
                return message_result("ALTER TABLE");
            }
            case ast::AlterTableStatement::Action::kAddColumns:
                lake.add_columns(name.schema, name.table, lake_columns(s.columns));
                return message_result("ALTER TABLE");
        }
        raise(ErrorCode::kInternal, "unknown ALTER TABLE action");
    }

    QueryResult show(const ast::ShowStatement& s) {
        TableName name = resolve_name(s.from, session_);
        if (s.show == ast::ShowKind::kCreateTable) {
            LakeConnector& lake = lake_of(catalogs_, name, "SHOW CREATE TABLE");
            require_table(lake, name);
            return text_result({"Create Table"}, {{lake.show_create_table(name.schema, name.table)}});
        }
        LakeConnector& lake = lake_of(catalogs_, name, "SHOW PARTITIONS");
        LakeTable table = require_table(lake, name);
        if (table.partition_columns.empty()) raise(ErrorCode::kInvalidParameter, "table \"{}\" is not partitioned", name.text());
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : lake.list_partitions(name.schema, name.table)) {
            std::string text;
            for (size_t i = 0; i < p.values.size() && i < table.partition_columns.size(); ++i) {
                if (i) text += '/';
                text += table.partition_columns[i].name + "=" +
                        (p.values[i].is_null() ? std::string("__HIVE_DEFAULT_PARTITION__") : p.values[i].to_string());
            }
            if (s.like && text.find(*s.like) == std::string::npos) continue;
            rows.push_back({text, p.location});
        }
        return text_result({"partition", "location"}, rows);
    }

private:
    CatalogManager& catalogs_;
    const SessionState& session_;
    const LakeStatementHooks& hooks_;
};

}  // namespace

QueryResult execute_lake_statement(CatalogManager& catalogs, const SessionState& session,
                                   const LakeStatementHooks& hooks, const ast::Statement& statement) {
    LakeStatements run(catalogs, session, hooks);
    switch (statement.kind) {
        case ast::StatementKind::kCreateTable:
            return run.create_table(static_cast<const ast::CreateTableStatement&>(statement));
        case ast::StatementKind::kInsert: return run.insert(static_cast<const ast::InsertStatement&>(statement));
        case ast::StatementKind::kDropTable: return run.drop_table(static_cast<const ast::DropTableStatement&>(statement));
        case ast::StatementKind::kRepairTable: return run.repair(static_cast<const ast::RepairTableStatement&>(statement));
        case ast::StatementKind::kAlterTable: return run.alter(static_cast<const ast::AlterTableStatement&>(statement));
        case ast::StatementKind::kShow: return run.show(static_cast<const ast::ShowStatement&>(statement));
        default: raise(ErrorCode::kInternal, "not a lake table statement");
    }
}

}  // namespace fedq
