#include "functions/json_path.h"

#include "common/error.h"

namespace fedq {

JsonPath JsonPath::parse(std::string_view path) {
    auto invalid = [&]() { raise(ErrorCode::kInvalidParameter, "Invalid JSON path: '{}'", path); };
    JsonPath result;
    size_t pos = 0;
    while (pos < path.size() && path[pos] == ' ') ++pos;
    if (pos >= path.size() || path[pos] != '$') invalid();
    ++pos;
    while (pos < path.size()) {
        const char c = path[pos];
        if (c == '.') {
            size_t end = pos + 1;
            while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
            if (end == pos + 1) invalid();
            std::string_view key = path.substr(pos + 1, end - pos - 1);
            if (key == "*") invalid();
            result.steps_.push_back({std::string(key), -1});
            pos = end;
        } else if (c == '[') {
            ++pos;
            if (pos < path.size() && (path[pos] == '"' || path[pos] == '\'')) {
                const char quote = path[pos++];
                std::string key;
                while (pos < path.size() && path[pos] != quote) {
                    if (path[pos] == '\\' && pos + 1 < path.size()) ++pos;
                    key.push_back(path[pos++]);
                }
                if (pos >= path.size()) invalid();
                ++pos;  // closing quote
                if (pos >= path.size() || path[pos] != ']') invalid();
                ++pos;
                result.steps_.push_back({std::move(key), -1});
            } else {
                int64_t index = 0;
                size_t start = pos;
                while (pos < path.size() && path[pos] >= '0' && path[pos] <= '9') {
                    index = index * 10 + (path[pos] - '0');
                    if (index > (int64_t(1) << 40)) invalid();
                    ++pos;
                }
                if (pos == start || pos >= path.size() || path[pos] != ']') invalid();
                ++pos;
                result.steps_.push_back({{}, index});
            }
        } else if (c == ' ' && path.find_first_not_of(' ', pos) == std::string_view::npos) {
            break;
        } else {
            invalid();
        }
    }
    return result;
}

bool JsonPath::evaluate(simdjson::dom::element root, simdjson::dom::element& out) const {
    simdjson::dom::element current = root;
    for (const Step& step : steps_) {
        if (step.index >= 0) {
            simdjson::dom::array array;
            if (current.get_array().get(array) != simdjson::SUCCESS) return false;
            if (array.at(static_cast<size_t>(step.index)).get(current) != simdjson::SUCCESS) return false;
        } else {
            simdjson::dom::object object;
            if (current.get_object().get(object) != simdjson::SUCCESS) return false;
            if (object.at_key(step.key).get(current) != simdjson::SUCCESS) return false;
        }
    }
    out = current;
    return true;
}

bool JsonReader::parse(std::string_view text, simdjson::dom::element& out) {
    buffer_.assign(text);
    buffer_.resize(text.size() + simdjson::SIMDJSON_PADDING);
    return parser_.parse(buffer_.data(), text.size(), false).get(out) == simdjson::SUCCESS;
}

void append_json(simdjson::dom::element element, std::string& out) { out += simdjson::minify(element); }

bool scalar_text(simdjson::dom::element element, std::string& out) {
    switch (element.type()) {
        case simdjson::dom::element_type::STRING: {
            std::string_view s;
            if (element.get_string().get(s) != simdjson::SUCCESS) return false;
            out.append(s);
            return true;
        }
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE:
        case simdjson::dom::element_type::BOOL:
            append_json(element, out);
            return true;
        default:
            return false;
    }
}

}  // namespace fedq
