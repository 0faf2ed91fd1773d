// JSONPath subset used by json_extract / json_extract_scalar / json_size (Trino's "simple" paths):
// `$`, `.key`, `["key"]` / `['key']`, `[n]` (0-based array index). Compiled once per constant path.
// JsonReader parses documents with simdjson's DOM parser, reusing one padded buffer and one parser
// for a whole batch (no allocation per row once warmed up).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace fedq {

class JsonPath {
public:
    // Throws kInvalidParameter ("Invalid JSON path: '...'").
    static JsonPath parse(std::string_view path);

    // The element at the path, or false if a step is missing or of the wrong kind.
    bool evaluate(simdjson::dom::element root, simdjson::dom::element& out) const;

private:
    struct Step {
        std::string key;
        int64_t index = -1;  // >= 0: array index; else object key
    };
    std::vector<Step> steps_;
};

class JsonReader {
public:
    // False if the text is not valid JSON. The element stays valid until the next call.
    bool parse(std::string_view text, simdjson::dom::element& out);

private:
    simdjson::dom::parser parser_;
    std::string buffer_;
};

// Appends the compact (minified) serialization of an element.
void append_json(simdjson::dom::element element, std::string& out);

// Text of a scalar the way json_extract_scalar returns it (strings unquoted); false for
// arrays, objects and null.
bool scalar_text(simdjson::dom::element element, std::string& out);

}  // namespace fedq
