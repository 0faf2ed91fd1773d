// JSON functions (Trino names and semantics). JSON values are text; functions accept JSON or VARCHAR
// arguments. Documents are parsed with simdjson's DOM parser (one parser and buffer per batch).
//
// Invalid JSON input: json_extract, json_extract_scalar, json_size, json_array_length,
// json_array_get and json_array_contains return NULL (like Trino's json_extract_scalar; note that
// Trino's streaming parser may still return a value from a document that is only broken after the
// requested element, while we require the whole document to be valid). json_parse and
// is_json_scalar raise kInvalidJson.
#include <memory>
#include <string>

#include "common/error.h"
#include "functions/json_path.h"
#include "functions/signature.h"

namespace fedq {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const Type kVarchar = Type::varchar();
const Type kJson = Type::json();

bool row_valid(const ScalarArgs& args, size_t row) {
    for (const Column* column : args.columns) {
        if (column->is_null(row)) return false;
    }
    return true;
}

// The declared type for a JSON-or-VARCHAR argument (no cast needed for either).
std::optional<Type> json_argument(const Type& type) {
    if (type.id() == TypeId::kJson || type.id() == TypeId::kVarchar) return type;
    if (type.id() == TypeId::kNull) return kJson;
    return std::nullopt;
}

// (json, path) functions: `body(element_at_path, out_text) -> bool` (false: NULL). The path is
// compiled once when constant.
template <typename Body>
ScalarBinder json_path_binder(Type result, Body body) {
    return [result, body](const std::vector<Type>& types,
                          const ConstantArgs& constants) -> std::optional<BoundScalarFunction> {
        if (types.size() != 2) return std::nullopt;
        auto input = json_argument(types[0]);
        if (!input || !accepts(kVarchar, types[1])) return std::nullopt;
        std::shared_ptr<const JsonPath> fixed;
        if (const std::string* path = constant_string(constants, 1)) {
            fixed = std::make_shared<const JsonPath>(JsonPath::parse(*path));
        }
        return make_bound({*input, kVarchar}, result, [fixed, body](const ScalarArgs& args, Column& out) {
            JsonReader reader;
            std::optional<JsonPath> current;
            std::string last, scratch;
            for (size_t row = 0; row < args.rows; ++row) {
                if (!row_valid(args, row)) {
                    out.append_null();
                    continue;
                }
                const JsonPath* path = fixed.get();
                if (!path) {
                    std::string_view text = args.columns[1]->string_at(row);
                    if (!current || text != last) {
                        current = JsonPath::parse(text);
                        last.assign(text);
                    }
                    path = &*current;
                }
                element root, found;
                scratch.clear();
                if (reader.parse(args.columns[0]->string_at(row), root) && path->evaluate(root, found) &&
                    body(found, scratch, out)) {
                    continue;
                }
                out.append_null();
            }
        });
    };
}

// (json) functions: `body(root, out) -> bool` appends a value or returns false for NULL.
template <typename Body>
ScalarBinder json_unary_binder(Type result, Body body) {
    return [result, body](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (types.size() != 1) return std::nullopt;
        auto input = json_argument(types[0]);
        if (!input) return std::nullopt;
        return make_bound({*input}, result, [body](const ScalarArgs& args, Column& out) {
            JsonReader reader;
            for (size_t row = 0; row < args.rows; ++row) {
                element root;
                std::string_view text = args.columns[0]->string_at(row);
                if (args.columns[0]->is_valid(row) && body(reader.parse(text, root), root, text, out)) continue;
                out.append_null();
            }
        });
    };
}

// json_array_contains(json, value): value compared with elements of the same JSON kind.
ScalarBinder array_contains_binder() {
    return [](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (types.size() != 2) return std::nullopt;
        auto input = json_argument(types[0]);
        if (!input) return std::nullopt;
        Type value_type;
        switch (types[1].id()) {
            case TypeId::kBoolean: value_type = Type::boolean(); break;
            case TypeId::kTinyInt: case TypeId::kSmallInt: case TypeId::kInteger: case TypeId::kBigInt:
                value_type = Type::bigint();
                break;
            case TypeId::kReal: case TypeId::kDouble: case TypeId::kDecimal: value_type = Type::double_(); break;
            case TypeId::kVarchar: value_type = kVarchar; break;
            default: return std::nullopt;
        }
        return make_bound({*input, value_type}, Type::boolean(), [value_type](const ScalarArgs& args, Column& out) {
            JsonReader reader;
            const Column& values = *args.columns[1];
            for (size_t row = 0; row < args.rows; ++row) {
                element root;
                simdjson::dom::array array;
                if (!row_valid(args, row) || !reader.parse(args.columns[0]->string_at(row), root) ||
                    root.get_array().get(array) != simdjson::SUCCESS) {
                    out.append_null();
                    continue;
                }
                bool found = false;
                for (element item : array) {
                    switch (value_type.id()) {
                        case TypeId::kBoolean: {
                            bool b;
                            found = item.get_bool().get(b) == simdjson::SUCCESS && b == (values.values<uint8_t>()[row] != 0);
                            break;
                        }
                        case TypeId::kBigInt: {
                            int64_t v;
                            found = item.type() == element_type::INT64 && item.get_int64().get(v) == simdjson::SUCCESS &&
                                    v == values.values<int64_t>()[row];
                            break;
                        }
                        case TypeId::kDouble: {
                            double v;
                            found = item.is_number() && item.get_double().get(v) == simdjson::SUCCESS &&
                                    v == values.values<double>()[row];
                            break;
                        }
                        default: {
                            std::string_view v;
                            found = item.get_string().get(v) == simdjson::SUCCESS && v == values.string_at(row);
                        }
                    }
                    if (found) break;
                }
                out.append<uint8_t>(found);
            }
        });
    };
}

}  // namespace

void register_json_functions(FunctionRegistry& registry) {
    const Type B = Type::bigint();

    registry.add_scalar("json_extract_scalar", json_path_binder(kVarchar, [](element found, std::string& text,
                                                                             Column& out) {
        if (!scalar_text(found, text)) return false;
        out.append_string(text);
        return true;
    }), "the scalar at a JSONPath as VARCHAR (NULL if missing, not scalar, or invalid JSON)");
    registry.add_scalar("json_extract", json_path_binder(kJson, [](element found, std::string& text, Column& out) {
        append_json(found, text);
        out.append_string(text);
        return true;
    }), "the JSON value at a JSONPath (NULL if missing or invalid JSON)");
    registry.add_scalar("json_size", json_path_binder(B, [](element found, std::string&, Column& out) {
        simdjson::dom::array array;
        simdjson::dom::object object;
        if (found.get_array().get(array) == simdjson::SUCCESS) out.append<int64_t>(static_cast<int64_t>(array.size()));
        else if (found.get_object().get(object) == simdjson::SUCCESS) out.append<int64_t>(static_cast<int64_t>(object.size()));
        else out.append<int64_t>(0);
        return true;
    }), "number of elements of the array or object at a JSONPath (0 for scalars)");

    registry.add_scalar("json_array_length", json_unary_binder(B, [](bool ok, element root, std::string_view,
                                                                     Column& out) {
        simdjson::dom::array array;
        if (!ok || root.get_array().get(array) != simdjson::SUCCESS) return false;
        out.append<int64_t>(static_cast<int64_t>(array.size()));
        return true;
    }), "length of a JSON array (NULL if not an array)");
    registry.add_scalar("is_json_scalar", json_unary_binder(Type::boolean(), [](bool ok, element root,
                                                                                std::string_view text, Column& out) {
        if (!ok) raise(ErrorCode::kInvalidJson, "Invalid JSON value: {}", text);
        out.append<uint8_t>(root.type() != element_type::ARRAY && root.type() != element_type::OBJECT);
        return true;
    }), "true if the JSON value is a number, string, boolean or null");
    registry.add_scalar("json_parse", json_unary_binder(kJson, [](bool ok, element root, std::string_view text,
                                                                  Column& out) {
        if (!ok) raise(ErrorCode::kInvalidJson, "Cannot convert value to JSON: '{}'", text);
        std::string compact;
        append_json(root, compact);
        out.append_string(compact);
        return true;
    }), "validates text and returns it as (compact) JSON");
    registry.add_scalar("json_format", json_unary_binder(kVarchar, [](bool ok, element root, std::string_view text,
                                                                      Column& out) {
        if (!ok) {
            out.append_string(text);
            return true;
        }
        std::string compact;
        append_json(root, compact);
        out.append_string(compact);
        return true;
    }), "the JSON text as VARCHAR");
    registry.add_scalar("json_array_get", [](const std::vector<Type>& types,
                                             const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (types.size() != 2) return std::nullopt;
        auto input = json_argument(types[0]);
        if (!input || !accepts(Type::bigint(), types[1])) return std::nullopt;
        return make_bound({*input, Type::bigint()}, kJson, [](const ScalarArgs& args, Column& out) {
            JsonReader reader;
            std::string text;
            for (size_t row = 0; row < args.rows; ++row) {
                element root, item;
                simdjson::dom::array array;
                if (!row_valid(args, row) || !reader.parse(args.columns[0]->string_at(row), root) ||
                    root.get_array().get(array) != simdjson::SUCCESS) {
                    out.append_null();
                    continue;
                }
                int64_t index = args.columns[1]->values<int64_t>()[row];
                const int64_t size = static_cast<int64_t>(array.size());
                if (index < 0) index += size;
                if (index < 0 || index >= size || array.at(static_cast<size_t>(index)).get(item) != simdjson::SUCCESS) {
                    out.append_null();
                    continue;
                }
                text.clear();
                append_json(item, text);
                out.append_string(text);
            }
        });
    }, "element of a JSON array by 0-based index (negative: from the end)");
    registry.add_scalar("json_array_contains", array_contains_binder(), "true if a JSON array contains the value");
}

}  // namespace fedq
