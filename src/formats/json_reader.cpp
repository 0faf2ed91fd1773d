#include "formats/json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "common/error.h"
#include "formats/text_conversion.h"
#include "types/decimal.h"

// GCC 12 reports false "may be used uninitialized" positives inside simdjson's inline accessors.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace fedq {

namespace {

namespace dom = simdjson::dom;

constexpr size_t kPadding = simdjson::SIMDJSON_PADDING + 64;
constexpr size_t kBlockSize = 8u << 20;
constexpr size_t kInitialBlockSize = 256u << 10;
constexpr size_t kTailReadSize = 64u << 10;
constexpr size_t kMaxSampleBytes = 32u << 20;

std::string lower_copy(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using KeyIndex = std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>>;

std::string clip(std::string text) {
    if (text.size() > 100) text = text.substr(0, 100) + "...";
    return text;
}

bool is_blank_line(const char* p, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        char c = p[i];
        if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
}

// Accumulates the type of one JSON path over the sample.
struct TypeNode {
    enum class Kind : uint8_t { kNone, kBool, kBigInt, kDouble, kString, kObject, kArray, kJson };
    Kind kind = Kind::kNone;
    bool all_dates = true;
    bool all_timestamps = true;
    std::vector<std::string> names;
    std::vector<std::unique_ptr<TypeNode>> fields;
    std::unordered_map<std::string, size_t> index;
    std::unique_ptr<TypeNode> element;

    void widen(Kind incoming) {
        if (kind == Kind::kJson) return;
        if (kind == Kind::kNone)
            kind = incoming;
        else if (kind == incoming)
            return;
        else if ((kind == Kind::kBigInt && incoming == Kind::kDouble) ||
                 (kind == Kind::kDouble && incoming == Kind::kBigInt))
            kind = Kind::kDouble;
        else
            kind = Kind::kJson;
    }

    void add(dom::element value) {
        switch (value.type()) {
            case dom::element_type::NULL_VALUE:
                return;
            case dom::element_type::BOOL:
                widen(Kind::kBool);
                return;
            case dom::element_type::INT64:
                widen(Kind::kBigInt);
                return;
            case dom::element_type::UINT64:
                widen(Kind::kDouble);
                return;  // beyond BIGINT
            case dom::element_type::DOUBLE:
                widen(Kind::kDouble);
                return;
            case dom::element_type::STRING: {
                widen(Kind::kString);
                if (kind != Kind::kString) return;
                std::string_view s = value.get_string().value_unsafe();
                int32_t day;
                int64_t micros;
                if (all_dates && !parse_date_text(s, day)) all_dates = false;
                if (all_timestamps && !parse_timestamp_text(s, false, micros)) all_timestamps = false;
                return;
            }
            case dom::element_type::OBJECT: {
                widen(Kind::kObject);
                if (kind != Kind::kObject) return;
                add_object(value.get_object().value_unsafe());
                return;
            }
            case dom::element_type::ARRAY: {
                widen(Kind::kArray);
                if (kind != Kind::kArray) return;
                if (!element) element = std::make_unique<TypeNode>();
                dom::array array = value.get_array().value_unsafe();
                for (dom::element item : array) element->add(item);
                return;
            }
        }
    }

    void add_object(dom::object object) {
        for (auto field : object) {
            std::string key(field.key);
            auto it = index.find(key);
            size_t position;
            if (it == index.end()) {
                position = fields.size();
                index.emplace(key, position);
                names.push_back(key);
                fields.push_back(std::make_unique<TypeNode>());
            } else {
                position = it->second;
            }
            fields[position]->add(field.value);
        }
    }

    Type to_type() const {
        switch (kind) {
            case Kind::kNone:
                return Type::varchar();
            case Kind::kBool:
                return Type::boolean();
            case Kind::kBigInt:
                return Type::bigint();
            case Kind::kDouble:
                return Type::double_();
            case Kind::kString:
                if (all_dates) return Type::date();
                if (all_timestamps) return Type::timestamp();
                return Type::varchar();
            case Kind::kObject: {
                if (fields.empty()) return Type::json();
                std::vector<Type> types;
                for (const auto& f : fields) types.push_back(f->to_type());
                return Type::row(names, std::move(types));
            }
            case Kind::kArray:
                return Type::array(element ? element->to_type() : Type::varchar());
            case Kind::kJson:
                return Type::json();
        }
        return Type::json();
    }
};

// Appends a JSON value to a column of `type`. Returns false if it cannot be converted (nothing appended).
bool append_json(Column& column, dom::element value, std::string& scratch) {
    const Type& type = column.type();
    const dom::element_type kind = value.type();
    if (kind == dom::element_type::NULL_VALUE) {
        column.append_null();
        return true;
    }
    switch (type.id()) {
        case TypeId::kJson:
            scratch = simdjson::minify(value);
            column.append_string(scratch);
            return true;
        case TypeId::kVarchar:
            if (kind == dom::element_type::STRING) {
                column.append_string(value.get_string().value_unsafe());
            } else {
                scratch = simdjson::minify(value);
                column.append_string(scratch);
            }
            return true;
        case TypeId::kVarbinary:
            if (kind != dom::element_type::STRING) return false;
            // Bytes as fedq writes them ("\\x0aff..."), else the string's own bytes.
            if (!decode_hex_bytes(value.get_string().value_unsafe(), scratch)) scratch = value.get_string().value_unsafe();
            column.append_string(scratch);
            return true;
        case TypeId::kBoolean: {
            uint8_t b;
            if (kind == dom::element_type::BOOL)
                b = value.get_bool().value_unsafe();
            else if (kind != dom::element_type::STRING ||
                     !parse_boolean_text(value.get_string().value_unsafe(), true, b))
                return false;
            column.append<uint8_t>(b);
            return true;
        }
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt: {
            int64_t v;
            if (kind == dom::element_type::INT64) {
                v = value.get_int64().value_unsafe();
            } else if (kind == dom::element_type::DOUBLE) {
                double d = value.get_double().value_unsafe();
                if (d != static_cast<double>(static_cast<int64_t>(d)) || d < -9.2e18 || d > 9.2e18)
                    return false;
                v = static_cast<int64_t>(d);
            } else if (kind != dom::element_type::STRING ||
                       !parse_int64_text(value.get_string().value_unsafe(), v)) {
                return false;
            }
            switch (type.id()) {
                case TypeId::kTinyInt:
                    if (v < INT8_MIN || v > INT8_MAX) return false;
                    column.append<int8_t>(static_cast<int8_t>(v));
                    return true;
                case TypeId::kSmallInt:
                    if (v < INT16_MIN || v > INT16_MAX) return false;
                    column.append<int16_t>(static_cast<int16_t>(v));
                    return true;
                case TypeId::kInteger:
                    if (v < INT32_MIN || v > INT32_MAX) return false;
                    column.append<int32_t>(static_cast<int32_t>(v));
                    return true;
                default:
                    column.append<int64_t>(v);
                    return true;
            }
        }
        case TypeId::kReal:
        case TypeId::kDouble: {
            double d;
            if (kind == dom::element_type::DOUBLE)
                d = value.get_double().value_unsafe();
            else if (kind == dom::element_type::INT64)
                d = static_cast<double>(value.get_int64().value_unsafe());
            else if (kind == dom::element_type::UINT64)
                d = static_cast<double>(value.get_uint64().value_unsafe());
            else if (kind != dom::element_type::STRING ||
                     !parse_double_text(value.get_string().value_unsafe(), d))
                return false;
            if (type.id() == TypeId::kReal)
                column.append<float>(static_cast<float>(d));
            else
                column.append<double>(d);
            return true;
        }
        case TypeId::kDecimal: {
            int128_t v;
            if (kind == dom::element_type::INT64) {
                v = static_cast<int128_t>(value.get_int64().value_unsafe()) * pow10_i128(type.scale());
                if (!decimal_fits(v, type.precision())) return false;
            } else {
                if (kind == dom::element_type::STRING)
                    scratch = std::string(value.get_string().value_unsafe());
                else if (kind == dom::element_type::DOUBLE || kind == dom::element_type::UINT64)
                    scratch = simdjson::minify(value);
                else
                    return false;
                if (!parse_decimal_text(scratch, type.precision(), type.scale(), v)) return false;
            }
            column.append<int128_t>(v);
            return true;
        }
        case TypeId::kDate: {
            int32_t day;
            if (kind != dom::element_type::STRING || !parse_date_text(value.get_string().value_unsafe(), day))
                return false;
            column.append<int32_t>(day);
            return true;
        }
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            int64_t micros;
            if (kind != dom::element_type::STRING ||
                !parse_timestamp_text(value.get_string().value_unsafe(), true, micros)) {
                return false;
            }
            column.append<int64_t>(micros);
            return true;
        }
        case TypeId::kArray: {
            if (kind != dom::element_type::ARRAY) return false;
            Column& elements = column.children()[0];
            size_t before = elements.size();
            dom::array array = value.get_array().value_unsafe();
            for (dom::element item : array) {
                if (!append_json(elements, item, scratch)) {
                    // Roll the element column back is not possible cheaply; mark as unconvertible.
                    (void)before;
                    return false;
                }
            }
            column.data().push<int32_t>(static_cast<int32_t>(elements.size()));
            column.set_size(column.size() + 1);
            if (column.has_nulls()) column.mutable_validity();
            return true;
        }
        case TypeId::kRow: {
            if (kind != dom::element_type::OBJECT) return false;
            auto& children = column.children();
            const auto& names = type.field_names();
            const size_t base = column.size();
            dom::object object = value.get_object().value_unsafe();
            for (auto field : object) {
                for (size_t i = 0; i < names.size(); ++i) {
                    if (names[i] != field.key || children[i].size() != base) continue;
                    if (!append_json(children[i], field.value, scratch)) return false;
                    break;
                }
            }
            for (auto& child : children) {
                if (child.size() == base) child.append_null();
            }
            column.set_size(base + 1);
            if (column.has_nulls()) column.mutable_validity();
            return true;
        }
        default:
            return false;
    }
}

}  // namespace

JsonFormat parse_json_format(std::string_view text) {
    std::string lower = lower_copy(text);
    if (lower == "auto" || lower.empty()) return JsonFormat::kAuto;
    if (lower == "newline_delimited" || lower == "ndjson" || lower == "jsonl" || lower == "lines") {
        return JsonFormat::kNewlineDelimited;
    }
    if (lower == "array") return JsonFormat::kArray;
    raise(ErrorCode::kInvalidParameter,
          "unknown JSON format '{}' (expected auto, newline_delimited or array)", text);
}

const char* json_format_name(JsonFormat format) {
    switch (format) {
        case JsonFormat::kAuto:
            return "auto";
        case JsonFormat::kNewlineDelimited:
            return "newline_delimited";
        case JsonFormat::kArray:
            return "array";
    }
    return "?";
}

namespace {

JsonFormat detect_format(const char* data, size_t size) {
    size_t i = 0;
    if (size >= 3 && static_cast<uint8_t>(data[0]) == 0xEF && static_cast<uint8_t>(data[1]) == 0xBB &&
        static_cast<uint8_t>(data[2]) == 0xBF) {
        i = 3;
    }
    while (i < size && std::isspace(static_cast<unsigned char>(data[i]))) ++i;
    return i < size && data[i] == '[' ? JsonFormat::kArray : JsonFormat::kNewlineDelimited;
}

std::string read_all(InputStream& input) {
    std::string out;
    size_t chunk = 1 << 20;
    for (;;) {
        size_t size = out.size();
        out.resize(size + chunk);
        size_t n = input.read_fully(out.data() + size, chunk);
        out.resize(size + n);
        if (n < chunk) break;
        chunk = std::min<size_t>(chunk * 2, 64u << 20);
    }
    return out;
}

}  // namespace

JsonSchema sniff_json(InputStream& input, const JsonOptions& options) {
    const std::string& file = input.path();
    JsonSchema schema;
    schema.ignore_errors = options.ignore_errors;
    TypeNode root;
    root.kind = TypeNode::Kind::kObject;
    dom::parser parser;

    std::string sample;
    size_t sample_rows = 0;
    // Read a first block to decide the format.
    sample.resize(1 << 20);
    sample.resize(input.read_fully(sample.data(), sample.size()));
    bool eof = sample.size() < (1u << 20);
    schema.format =
        options.format == JsonFormat::kAuto ? detect_format(sample.data(), sample.size()) : options.format;

    if (schema.format == JsonFormat::kArray) {
        if (!eof) sample += read_all(input);
        simdjson::padded_string padded(sample);
        dom::element doc;
        auto error = parser.parse(padded).get(doc);
        if (error)
            raise(ErrorCode::kBadFile, "file {}: invalid JSON: {}", file, simdjson::error_message(error));
        dom::array array;
        if (doc.get_array().get(array))
            raise(ErrorCode::kBadFile, "file {}: expected a JSON array of objects", file);
        for (dom::element item : array) {
            if (sample_rows++ >= options.sample_size) break;
            dom::object object;
            if (item.get_object().get(object)) {
                if (options.ignore_errors) continue;
                raise(ErrorCode::kBadFile, "file {}: element {} is not a JSON object", file, sample_rows);
            }
            if (options.columns.empty()) root.add_object(object);
        }
    } else {
        // Grow the sample until it holds sample_size lines.
        while (!eof && sample.size() < kMaxSampleBytes &&
               static_cast<size_t>(std::count(sample.begin(), sample.end(), '\n')) <= options.sample_size) {
            size_t size = sample.size();
            size_t chunk = std::min(size, kMaxSampleBytes - size);
            sample.resize(size + chunk);
            size_t n = input.read_fully(sample.data() + size, chunk);
            sample.resize(size + n);
            if (n < chunk) eof = true;
        }
        size_t usable = sample.size();
        if (!eof) {
            size_t last = sample.rfind('\n');
            usable = last == std::string::npos ? 0 : last + 1;
        }
        sample.resize(usable);
        simdjson::padded_string padded(sample);
        const char* data = padded.data();
        size_t position = 0, line = 0;
        if (usable >= 3 && static_cast<uint8_t>(data[0]) == 0xEF && static_cast<uint8_t>(data[1]) == 0xBB &&
            static_cast<uint8_t>(data[2]) == 0xBF) {
            position = 3;
        }
        while (position < usable && sample_rows < options.sample_size) {
            const char* newline =
                static_cast<const char*>(std::memchr(data + position, '\n', usable - position));
            size_t end = newline ? static_cast<size_t>(newline - data) : usable;
            ++line;
            size_t start = position;
            position = end + 1;
            if (is_blank_line(data + start, end - start)) continue;
            dom::element doc;
            auto error = parser.parse(data + start, end - start, false).get(doc);
            dom::object object;
            if (!error) error = doc.get_object().get(object);
            if (error) {
                if (options.ignore_errors) continue;
                raise(ErrorCode::kBadFile, "file {} line {}: {}", file, line,
                      error == simdjson::INCORRECT_TYPE ? "expected a JSON object"
                                                        : simdjson::error_message(error));
            }
            ++sample_rows;
            if (options.columns.empty()) root.add_object(object);
        }
    }

    if (!options.columns.empty()) {
        for (const auto& [name, type] : options.columns) {
            schema.names.push_back(name);
            schema.types.push_back(type);
        }
    } else {
        schema.names = root.names;
        for (const auto& field : root.fields) schema.types.push_back(field->to_type());
        if (schema.names.empty())
            raise(ErrorCode::kBadFile, "file {}: no JSON objects to detect the columns from", file);
    }
    for (const auto& [name, type] : options.types) {
        bool found = false;
        for (size_t c = 0; c < schema.names.size(); ++c) {
            if (lower_copy(schema.names[c]) == lower_copy(name)) {
                schema.types[c] = type;
                found = true;
            }
        }
        if (!found)
            raise(ErrorCode::kUndefinedColumn, "types option names unknown column '{}' in {}", name, file);
    }
    return schema;
}

struct JsonReader::State {
    std::unique_ptr<InputStream> input;
    JsonSchema schema;
    std::vector<size_t> projection;
    size_t batch_rows;
    ByteRange range;
    LineLocator line_locator;
    dom::parser parser;
    std::string scratch;

    // Key -> output index (only projected columns).
    KeyIndex output_of_key;
    std::vector<std::string> output_names;

    // newline-delimited buffer
    std::vector<char> buffer;
    size_t position = 0, end = 0;
    uint64_t buffer_offset = 0;
    uint64_t first_row_offset = 0;
    bool eof = false, started = false, finished = false, last_read_filled = false;
    uint64_t line = 0;  // newlines consumed

    // array format
    simdjson::padded_string whole;
    dom::array array;
    dom::array::iterator array_it, array_end;
    size_t element_index = 0;

    uint64_t rows_read = 0;
    std::vector<ColumnPtr> outputs;
    std::vector<uint8_t> filled;
    std::vector<uint32_t> bad_rows;

    uint64_t physical_line(uint64_t relative) {
        if (range.begin == 0 || !line_locator) return relative + 1;
        return line_locator(first_row_offset) + relative + 1;
    }
    std::string where(uint64_t relative_line) {
        if (schema.format == JsonFormat::kArray)
            return fmt::format("file {} element {}", input->path(), element_index);
        return fmt::format("file {} line {}", input->path(), physical_line(relative_line));
    }

    bool refill() {
        if (eof) return false;
        if (position > 0) {
            std::memmove(buffer.data(), buffer.data() + position, end - position);
            buffer_offset += position;
            end -= position;
            position = 0;
        }
        if (buffer.empty())
            buffer.resize(kInitialBlockSize + kPadding);
        else if (last_read_filled && buffer.size() < kBlockSize + kPadding)
            buffer.resize((buffer.size() - kPadding) * 2 + kPadding);
        if (end + kPadding >= buffer.size()) buffer.resize(buffer.size() * 2);
        size_t room = buffer.size() - kPadding - end;
        uint64_t stream_position = buffer_offset + end;
        if (stream_position >= range.end)
            room = std::min(room, kTailReadSize);
        else if (range.end - stream_position < room)
            room = std::min(room, static_cast<size_t>(range.end - stream_position) + kTailReadSize);
        size_t n = input->read_fully(buffer.data() + end, room);
        end += n;
        last_read_filled = n == room;
        if (n < room) eof = true;
        std::memset(buffer.data() + end, ' ', kPadding);
        return true;
    }

    void start() {
        started = true;
        if (schema.format == JsonFormat::kArray) {
            std::string text = read_all(*input);
            whole = simdjson::padded_string(text);
            dom::element doc;
            auto error = parser.parse(whole).get(doc);
            if (error)
                raise(ErrorCode::kBadFile, "file {}: invalid JSON: {}", input->path(),
                      simdjson::error_message(error));
            if (doc.get_array().get(array))
                raise(ErrorCode::kBadFile, "file {}: expected a JSON array of objects", input->path());
            array_it = array.begin();
            array_end = array.end();
            return;
        }
        buffer_offset = range.begin > 0 ? range.begin - 1 : 0;
        refill();
        if (range.begin > 0) {
            for (;;) {
                const void* hit = std::memchr(buffer.data() + position, '\n', end - position);
                if (hit) {
                    position = static_cast<size_t>(static_cast<const char*>(hit) - buffer.data()) + 1;
                    first_row_offset = buffer_offset + position;
                    return;
                }
                position = end;
                if (!refill() || end == 0) {
                    finished = true;
                    return;
                }
            }
        }
        if (end >= 3 && static_cast<uint8_t>(buffer[0]) == 0xEF && static_cast<uint8_t>(buffer[1]) == 0xBB &&
            static_cast<uint8_t>(buffer[2]) == 0xBF) {
            position = 3;
        }
    }

    // Appends one object as a row; on a conversion failure, completes the row with NULLs and returns false.
    bool append_object(dom::object object, uint64_t relative_line) {
        std::fill(filled.begin(), filled.end(), 0);
        bool ok = true;
        for (auto field : object) {
            auto it = output_of_key.find(field.key);
            if (it == output_of_key.end() || filled[it->second]) continue;
            size_t out = it->second;
            filled[out] = 1;
            if (!append_json(*outputs[out], field.value, scratch)) {
                if (!schema.ignore_errors) {
                    raise(ErrorCode::kBadFile, "{}, column '{}': cannot convert {} to {}",
                          where(relative_line), output_names[out], clip(simdjson::minify(field.value)),
                          outputs[out]->type().to_string());
                }
                ok = false;
                filled[out] = 0;
                // A nested append may have left partial children; rebuild this column's row as NULL.
                repair(out);
            }
        }
        for (size_t i = 0; i < filled.size(); ++i) {
            if (!filled[i]) outputs[i]->append_null();
        }
        return ok;
    }

    // Restores column `out` to the batch's row count (drops partial nested appends of a failed value).
    void repair(size_t out) {
        Column& column = *outputs[out];
        size_t rows = current_rows;
        if (column.size() == rows && (column.type().id() != TypeId::kRow)) return;
        auto fresh = Column::make(column.type(), rows + 1);
        fresh->append_range(column, 0, std::min(rows, column.size()));
        outputs[out] = fresh;
    }
    size_t current_rows = 0;

    bool next_line(std::string_view& text, uint64_t& relative_line) {
        for (;;) {
            if (buffer_offset + position >= range.end) return false;
            const void* hit = std::memchr(buffer.data() + position, '\n', end - position);
            if (!hit && !eof) {
                refill();
                continue;
            }
            size_t line_end = hit ? static_cast<size_t>(static_cast<const char*>(hit) - buffer.data()) : end;
            if (!hit && position >= end) return false;
            text = std::string_view(buffer.data() + position, line_end - position);
            relative_line = line;
            position = hit ? line_end + 1 : end;
            if (hit) ++line;
            if (is_blank_line(text.data(), text.size())) continue;
            return true;
        }
    }

    bool next(Batch& batch) {
        if (!started) start();
        if (finished) return false;
        outputs.clear();
        for (size_t column : projection) outputs.push_back(Column::make(schema.types[column], batch_rows));
        bad_rows.clear();
        current_rows = 0;
        // Lines of one batch must stay in the buffer while parsing; values are copied into the columns
        // right away, so a refill between rows is safe.
        while (current_rows < batch_rows) {
            dom::object object;
            uint64_t relative_line = 0;
            if (schema.format == JsonFormat::kArray) {
                if (array_it == array_end) {
                    finished = true;
                    break;
                }
                dom::element item = *array_it;
                ++array_it;
                ++element_index;
                if (item.get_object().get(object)) {
                    if (schema.ignore_errors) continue;
                    raise(ErrorCode::kBadFile, "{}: expected a JSON object", where(0));
                }
            } else {
                std::string_view text;
                if (!next_line(text, relative_line)) {
                    finished = true;
                    break;
                }
                // The line must be followed by kPadding readable bytes: the buffer guarantees it.
                dom::element doc;
                auto error = parser.parse(text.data(), text.size(), false).get(doc);
                if (!error) error = doc.get_object().get(object);
                if (error) {
                    if (schema.ignore_errors) continue;
                    raise(ErrorCode::kBadFile, "{}: {}", where(relative_line),
                          error == simdjson::INCORRECT_TYPE ? "expected a JSON object"
                                                            : simdjson::error_message(error));
                }
            }
            if (!append_object(object, relative_line))
                bad_rows.push_back(static_cast<uint32_t>(current_rows));
            ++current_rows;
        }
        batch = Batch(current_rows, outputs);
        outputs.clear();
        if (!bad_rows.empty()) {
            std::vector<uint32_t> keep;
            size_t b = 0;
            for (uint32_t r = 0; r < current_rows; ++r) {
                if (b < bad_rows.size() && bad_rows[b] == r)
                    ++b;
                else
                    keep.push_back(r);
            }
            batch = batch.gather(keep.data(), keep.size());
        }
        rows_read += batch.num_rows;
        if (batch.num_rows == 0) return finished ? false : next(batch);
        return true;
    }
};

JsonReader::JsonReader(std::unique_ptr<InputStream> input, JsonSchema schema, std::vector<size_t> projection,
                       size_t batch_rows, ByteRange range, LineLocator line_locator)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.input = std::move(input);
    s.schema = std::move(schema);
    s.projection = std::move(projection);
    s.batch_rows = std::max<size_t>(batch_rows, 1);
    s.range = range;
    s.line_locator = std::move(line_locator);
    if (s.schema.format == JsonFormat::kAuto)
        raise(ErrorCode::kInternal, "JsonReader needs a resolved format");
    if (s.schema.format == JsonFormat::kArray && (range.begin != 0 || range.end != ByteRange{}.end)) {
        raise(ErrorCode::kInternal, "JSON array files cannot be read in byte ranges");
    }
    for (size_t i = 0; i < s.projection.size(); ++i) {
        size_t column = s.projection[i];
        if (column >= s.schema.names.size())
            raise(ErrorCode::kInternal, "JSON projection index out of range");
        s.output_of_key.emplace(s.schema.names[column], i);
        s.output_names.push_back(s.schema.names[column]);
    }
    s.filled.assign(s.projection.size(), 0);
}

JsonReader::~JsonReader() = default;

bool JsonReader::next(Batch& batch) { return state_->next(batch); }

uint64_t JsonReader::rows_read() const { return state_->rows_read; }

uint64_t JsonReader::source_bytes_read() const { return state_->input->source_bytes_read(); }

}  // namespace fedq
