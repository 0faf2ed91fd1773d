// Table DDL and DML for the data lake: CREATE [EXTERNAL] TABLE (Hive / Athena / Trino forms, CTAS),
// DROP TABLE, INSERT INTO / INSERT OVERWRITE, MSCK REPAIR TABLE and ALTER TABLE (partitions, properties,
// columns). SHOW PARTITIONS / SHOW CREATE TABLE are parsed with the other SHOW statements in parser.cpp.
//
// None of the words used here (EXTERNAL, LOCATION, PARTITION(S), STORED, TBLPROPERTIES, MSCK, REPAIR, ...)
// is reserved: they are recognized by position only and stay usable as identifiers.
#include <string>

#include "sql/parser_impl.h"

namespace fedq::sql {

namespace {

// Hive-style escapes in ROW FORMAT DELIMITED strings: '\t', '\n', '\r', '\\', '\'', '\0', octal '\001'.
// Other backslash sequences are kept as written.
std::string decode_delimiter(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '\\' || i + 1 == text.size()) {
            out += c;
            continue;
        }
        char next = text[i + 1];
        if (next >= '0' && next <= '7') {
            int value = 0;
            size_t j = i + 1;
            while (j < text.size() && j < i + 4 && text[j] >= '0' && text[j] <= '7') {
                value = value * 8 + (text[j++] - '0');
            }
            if (value > 0xFF) {
                out += c;
                continue;
            }
            out += static_cast<char>(value);
            i = j - 1;
            continue;
        }
        switch (next) {
            case 't': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case '\\': out += '\\'; break;
            case '\'': out += '\''; break;
            default:
                out += c;
                out += next;
                break;
        }
        ++i;
    }
    return out;
}

std::string to_upper_ascii(std::string text) {
    for (char& c : text) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return text;
}

[[noreturn]] void duplicate_clause(std::string_view clause, const Token& token) {
    throw Error(ErrorCode::kSyntax, fmt::format("duplicate {} clause", clause), token.position);
}

}  // namespace

bool Parser::at_create_table() const {
    if (!at_word("CREATE")) return false;
    size_t ahead = 1;
    if (at_word("OR", ahead) && at_word("REPLACE", ahead + 1)) ahead += 2;
    if (at_word("EXTERNAL", ahead)) ++ahead;
    return at_word("TABLE", ahead);
}

std::string Parser::parse_string_literal() {
    if (current().kind != TokenKind::kString) fail();
    return advance().text;
}

ast::ColumnDefinition Parser::parse_column_definition(bool type_optional) {
    ast::ColumnDefinition column;
    column.position = current().position;
    column.name = parse_identifier();
    if (type_optional && (at_op(",") || at_op(")"))) {
        column.has_type = false;
    } else {
        column.type = parse_type_text();
    }
    if (accept_word("COMMENT")) column.comment = parse_string_literal();
    return column;
}

std::vector<ast::ColumnDefinition> Parser::parse_column_definitions(bool type_optional) {
    DepthGuard guard(*this);
    expect_op("(");
    std::vector<ast::ColumnDefinition> columns;
    do {
        columns.push_back(parse_column_definition(type_optional));
    } while (accept_op(","));
    expect_op(")");
    return columns;
}

std::vector<ast::TableProperty> Parser::parse_string_properties() {
    DepthGuard guard(*this);
    expect_op("(");
    std::vector<ast::TableProperty> properties;
    do {
        ast::TableProperty property;
        property.position = current().position;
        property.key = parse_string_literal();
        expect_op("=");
        const Token& value = current();
        if (value.kind != TokenKind::kString) fail();
        property.value = make_literal(value, ast::LiteralKind::kString, advance().text);
        properties.push_back(std::move(property));
    } while (accept_op(","));
    expect_op(")");
    return properties;
}

std::vector<ast::TableProperty> Parser::parse_expression_properties() {
    DepthGuard guard(*this);
    expect_op("(");
    std::vector<ast::TableProperty> properties;
    do {
        ast::TableProperty property;
        property.position = current().position;
        property.key = parse_option_key();
        expect_op("=");
        property.value = parse_expression();
        properties.push_back(std::move(property));
    } while (accept_op(","));
    expect_op(")");
    return properties;
}

ast::PartitionSpec Parser::parse_partition_spec(bool allow_location) {
    DepthGuard guard(*this);
    ast::PartitionSpec spec;
    spec.position = current().position;
    expect_word("PARTITION");
    expect_op("(");
    do {
        ast::Identifier key = parse_identifier();
        expect_op("=");
        const Token& start = current();
        ast::ExprPtr value = parse_unary();  // a sign is folded into a numeric literal
        if (value->kind != ast::ExprKind::kLiteral) {
            throw Error(ErrorCode::kSyntax, "a partition value must be a literal", start.position);
        }
        spec.values.emplace_back(std::move(key), std::move(value));
    } while (accept_op(","));
    expect_op(")");
    if (allow_location && accept_word("LOCATION")) spec.location = parse_string_literal();
    return spec;
}

ast::StatementPtr Parser::parse_create_table() {
    expect_word("CREATE");
    auto create = std::make_unique<ast::CreateTableStatement>();
    if (accept_word("OR")) {
        expect_word("REPLACE");
        create->or_replace = true;
    }
    create->external = accept_word("EXTERNAL");
    expect_word("TABLE");
    if (at_word("IF") && at_word("NOT", 1)) {
        advance();
        advance();
        expect_word("EXISTS");
        create->if_not_exists = true;
    }
    if (create->or_replace && create->if_not_exists) {
        throw Error(ErrorCode::kSyntax, "CREATE OR REPLACE TABLE cannot be combined with IF NOT EXISTS",
                    current().position);
    }
    create->name = parse_qualified_name();
    // Column list; CTAS column names may come without types (checked once we know there is a query).
    if (at_op("(") && !at_query_start(1) && !at_op("(", 1)) create->columns = parse_column_definitions(true);

    bool seen_partitioned = false, seen_row_format = false;
    for (;;) {
        const Token& clause = current();
        if (at_word("COMMENT")) {
            if (create->comment) duplicate_clause("COMMENT", clause);
            advance();
            create->comment = parse_string_literal();
        } else if (at_word("PARTITIONED") && at_word("BY", 1)) {
            if (seen_partitioned) duplicate_clause("PARTITIONED BY", clause);
            seen_partitioned = true;
            advance();
            advance();
            create->partitioned_by = parse_column_definitions(true);
        } else if (at_word("ROW") && at_word("FORMAT", 1)) {
            if (seen_row_format) duplicate_clause("ROW FORMAT", clause);
            seen_row_format = true;
            advance();
            advance();
            if (accept_word("SERDE")) {
                create->serde = parse_string_literal();
                if (at_word("WITH") && at_word("SERDEPROPERTIES", 1)) {
                    advance();
                    advance();
                    create->serde_properties = parse_string_properties();
                }
            } else {
                expect_word("DELIMITED");
                for (;;) {
                    const Token& sub = current();
                    if (at_word("FIELDS") && at_word("TERMINATED", 1)) {
                        if (create->field_delimiter) duplicate_clause("FIELDS TERMINATED BY", sub);
                        advance();
                        advance();
                        expect_word("BY");
                        create->field_delimiter = decode_delimiter(parse_string_literal());
                    } else if (at_word("ESCAPED")) {
                        if (create->escape_char) duplicate_clause("ESCAPED BY", sub);
                        advance();
                        expect_word("BY");
                        create->escape_char = decode_delimiter(parse_string_literal());
                    } else if (at_word("LINES") && at_word("TERMINATED", 1)) {
                        if (create->line_delimiter) duplicate_clause("LINES TERMINATED BY", sub);
                        advance();
                        advance();
                        expect_word("BY");
                        create->line_delimiter = decode_delimiter(parse_string_literal());
                    } else {
                        break;
                    }
                }
            }
        } else if (at_word("STORED") && at_word("AS", 1)) {
            if (create->stored_as) duplicate_clause("STORED AS", clause);
            advance();
            advance();
            if (current().kind != TokenKind::kWord) fail();
            create->stored_as = to_upper_ascii(advance().text);
        } else if (at_word("LOCATION")) {
            if (create->location) duplicate_clause("LOCATION", clause);
            advance();
            create->location = parse_string_literal();
        } else if (at_word("TBLPROPERTIES")) {
            if (!create->tblproperties.empty()) duplicate_clause("TBLPROPERTIES", clause);
            advance();
            create->tblproperties = parse_string_properties();
        } else if (at_word("WITH") && at_op("(", 1)) {
            if (!create->with.empty()) duplicate_clause("WITH", clause);
            advance();
            create->with = parse_expression_properties();
        } else {
            break;
        }
    }

    if (accept_word("AS")) {
        create->query = parse_query();
        if (at_word("WITH") && (at_word("DATA", 1) || (at_word("NO", 1) && at_word("DATA", 2)))) {
            advance();
            create->with_data = !accept_word("NO");
            expect_word("DATA");
        }
    }
    if (!create->query) {
        for (const auto& column : create->columns) {
            if (!column.has_type) {
                throw Error(ErrorCode::kSyntax,
                            fmt::format("column \"{}\" needs a type (only CREATE TABLE ... AS may omit it)",
                                        column.name.name),
                            column.position);
            }
        }
    }
    return create;
}

ast::StatementPtr Parser::parse_drop_table() {
    expect_word("DROP");
    expect_word("TABLE");
    auto drop = std::make_unique<ast::DropTableStatement>();
    if (at_word("IF") && at_word("EXISTS", 1)) {
        advance();
        advance();
        drop->if_exists = true;
    }
    drop->name = parse_qualified_name();
    return drop;
}

ast::StatementPtr Parser::parse_insert() {
    expect_word("INSERT");
    auto insert = std::make_unique<ast::InsertStatement>();
    if (accept_word("OVERWRITE")) {
        insert->overwrite = true;
        accept_word("TABLE");
    } else {
        expect_word("INTO");
        if (at_word("TABLE") && at_identifier(1)) advance();  // Hive: INSERT INTO TABLE t
    }
    insert->table = parse_qualified_name();
    // "(a, b) SELECT ..." is a column list; "(SELECT ...)" is the query.
    if (at_op("(") && !at_query_start(1) && !at_op("(", 1)) insert->columns = parse_identifier_list();
    insert->query = parse_query();
    return insert;
}

ast::StatementPtr Parser::parse_msck_repair() {
    expect_word("MSCK");
    expect_word("REPAIR");
    expect_word("TABLE");
    auto repair = std::make_unique<ast::RepairTableStatement>();
    repair->name = parse_qualified_name();
    return repair;
}

ast::StatementPtr Parser::parse_alter_table() {
    expect_word("ALTER");
    expect_word("TABLE");
    ast::QualifiedName name = parse_qualified_name();
    if (at_word("RECOVER") && at_word("PARTITIONS", 1)) {
        advance();
        advance();
        auto repair = std::make_unique<ast::RepairTableStatement>();
        repair->name = std::move(name);
        return repair;
    }
    auto alter = std::make_unique<ast::AlterTableStatement>();
    alter->name = std::move(name);
    using Action = ast::AlterTableStatement::Action;
    if (accept_word("ADD")) {
        if (accept_word("COLUMNS")) {
            alter->action = Action::kAddColumns;
            alter->columns = parse_column_definitions(false);
            return alter;
        }
        alter->action = Action::kAddPartitions;
        if (at_word("IF") && at_word("NOT", 1)) {
            advance();
            advance();
            expect_word("EXISTS");
            alter->if_not_exists = true;
        }
        do {
            alter->partitions.push_back(parse_partition_spec(true));
        } while (at_word("PARTITION") || (at_op(",") && at_word("PARTITION", 1) && accept_op(",")));
        return alter;
    }
    if (accept_word("DROP")) {
        alter->action = Action::kDropPartitions;
        if (at_word("IF") && at_word("EXISTS", 1)) {
            advance();
            advance();
            alter->if_exists = true;
        }
        do {
            alter->partitions.push_back(parse_partition_spec(false));
        } while (accept_op(",") || at_word("PARTITION"));
        return alter;
    }
    if (accept_word("SET")) {
        expect_word("TBLPROPERTIES");
        alter->action = Action::kSetProperties;
        alter->properties = parse_string_properties();
        return alter;
    }
    fail();
}

}  // namespace fedq::sql
