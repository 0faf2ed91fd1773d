#include "connectors/lake/lake_projection.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "functions/cast.h"
#include "types/datetime.h"

namespace fedq {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}
std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}
std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t comma = s.find(',', start);
        out.push_back(trim(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

const std::string* property(const LakeTable& table, const std::string& key) {
    auto it = table.properties.find(key);
    return it == table.properties.end() ? nullptr : &it->second;
}

int64_t parse_int_property(const std::string& key, const std::string& text) {
    try {
        size_t used = 0;
        long long v = std::stoll(trim(text), &used);
        if (used == trim(text).size()) return v;
    } catch (...) {
    }
    raise(ErrorCode::kInvalidParameter, "table property '{}' expects an integer, got '{}'", key, text);
}

// Pattern tokens: a run of one letter ("yyyy", "MM") or a literal.
struct Token {
    char letter = 0;  // 0 = literal
    size_t count = 0;
    std::string literal;
};

std::vector<Token> tokenize(const std::string& pattern) {
    std::vector<Token> tokens;
    for (size_t i = 0; i < pattern.size();) {
        char c = pattern[i];
        if (c == '\'') {
            size_t close = pattern.find('\'', i + 1);
            if (close == std::string::npos) close = pattern.size();
            Token t;
            t.literal = close == i + 1 ? "'" : pattern.substr(i + 1, close - i - 1);
            tokens.push_back(std::move(t));
            i = close + 1;
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            size_t j = i;
            while (j < pattern.size() && pattern[j] == c) ++j;
            Token t;
            t.letter = c;
            t.count = j - i;
            tokens.push_back(std::move(t));
            i = j;
        } else {
            Token t;
            t.literal = std::string(1, c);
            tokens.push_back(std::move(t));
            ++i;
        }
    }
    return tokens;
}

void check_pattern(const std::string& key, const std::string& pattern) {
    for (const Token& t : tokenize(pattern)) {
        if (t.letter && std::string("yMdHms").find(t.letter) == std::string::npos)
            raise(ErrorCode::kInvalidParameter,
                  "table property '{}': unsupported pattern letter '{}' in '{}' (supported: yyyy MM dd HH mm "
                  "ss)",
                  key, t.letter, pattern);
    }
}

std::string finest_unit(const std::string& pattern) {
    std::string unit = "YEARS";
    int rank = 0;
    for (const Token& t : tokenize(pattern)) {
        int r = t.letter == 'M'   ? 1
                : t.letter == 'd' ? 2
                : t.letter == 'H' ? 3
                : t.letter == 'm' ? 4
                : t.letter == 's' ? 5
                                  : 0;
        if (r > rank) {
            rank = r;
            unit = r == 1 ? "MONTHS" : r == 2 ? "DAYS" : r == 3 ? "HOURS" : r == 4 ? "MINUTES" : "SECONDS";
        }
    }
    return unit;
}

std::string normalize_unit(const std::string& key, const std::string& text) {
    std::string u = upper(trim(text));
    if (!u.empty() && u.back() != 'S') u += 'S';
    for (const char* known : {"YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS"}) {
        if (u == known) return u;
    }
    raise(ErrorCode::kInvalidParameter,
          "table property '{}' expects YEARS, MONTHS, WEEKS, DAYS, HOURS, MINUTES or SECONDS, got '{}'", key,
          text);
}

int64_t add_interval(int64_t micros, int64_t n, const std::string& unit) {
    if (unit == "YEARS" || unit == "MONTHS") {
        int64_t days = floor_div(micros, kMicrosPerDay);
        int64_t time = micros - days * kMicrosPerDay;
        int64_t months = unit == "YEARS" ? n * 12 : n;
        return static_cast<int64_t>(
                   add_months_to_days(static_cast<int32_t>(days), static_cast<int32_t>(months))) *
                   kMicrosPerDay +
               time;
    }
    int64_t step = unit == "WEEKS"     ? 7 * kMicrosPerDay
                   : unit == "DAYS"    ? kMicrosPerDay
                   : unit == "HOURS"   ? 3600 * kMicrosPerSecond
                   : unit == "MINUTES" ? 60 * kMicrosPerSecond
                                       : kMicrosPerSecond;
    return micros + n * step;
}

bool fixed_unit(const std::string& unit) { return unit != "YEARS" && unit != "MONTHS"; }

// A range endpoint: a date in the pattern, or NOW[+-N UNIT].
int64_t evaluate_endpoint(const ProjectionRule& rule, const std::string& text, int64_t now,
                          const std::string& key) {
    std::string t = upper(trim(text));
    if (t.rfind("NOW", 0) == 0) {
        std::string rest = trim(t.substr(3));
        if (rest.empty()) return now;
        if (rest[0] != '+' && rest[0] != '-')
            raise(ErrorCode::kInvalidParameter,
                  "table property '{}': cannot read '{}' (expected NOW[+-N UNIT])", key, text);
        size_t i = 1;
        while (i < rest.size() && rest[i] == ' ') ++i;
        size_t digits_start = i;
        while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
        if (i == digits_start)
            raise(ErrorCode::kInvalidParameter,
                  "table property '{}': cannot read '{}' (expected NOW[+-N UNIT])", key, text);
        int64_t n = std::stoll(rest.substr(digits_start, i - digits_start));
        std::string unit = normalize_unit(key, rest.substr(i));
        return add_interval(now, rest[0] == '-' ? -n : n, unit);
    }
    auto parsed = parse_date_pattern(rule.format, trim(text));
    if (!parsed)
        raise(ErrorCode::kInvalidParameter, "table property '{}': '{}' does not match the format '{}'", key,
              text, rule.format);
    return *parsed;
}

// The text and typed value of a projected date.
std::pair<Value, std::string> date_value(const ProjectionRule& rule, int64_t micros) {
    std::string text = format_date_pattern(rule.format, micros);
    switch (rule.type.id()) {
        case TypeId::kDate:
            return {Value::date(static_cast<int32_t>(floor_div(micros, kMicrosPerDay))), text};
        case TypeId::kTimestamp:
            return {Value::timestamp(micros), text};
        case TypeId::kVarchar:
            return {Value::varchar(text), text};
        default:
            return {cast_value(Value::varchar(text), rule.type, true), text};
    }
}

// Smallest and largest non-null value the domain allows (nullopt = unbounded on that side).
std::pair<std::optional<Value>, std::optional<Value>> domain_bounds(const Domain* domain) {
    if (!domain || domain->ranges().empty()) return {std::nullopt, std::nullopt};
    return {domain->ranges().front().low.value, domain->ranges().back().high.value};
}

std::string value_text(const Value& v) {
    if (v.type().is_string()) return v.as_string();
    return v.to_string();
}

}  // namespace

std::string format_date_pattern(const std::string& pattern, int64_t micros) {
    int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t seconds = floor_div(micros - days * kMicrosPerDay, kMicrosPerSecond);
    CivilDate date = civil_from_days(static_cast<int32_t>(days));
    std::string out;
    for (const Token& t : tokenize(pattern)) {
        if (!t.letter) {
            out += t.literal;
            continue;
        }
        int64_t v = 0;
        switch (t.letter) {
            case 'y':
                v = t.count == 2 ? date.year % 100 : date.year;
                break;
            case 'M':
                v = date.month;
                break;
            case 'd':
                v = date.day;
                break;
            case 'H':
                v = seconds / 3600;
                break;
            case 'm':
                v = seconds / 60 % 60;
                break;
            case 's':
                v = seconds % 60;
                break;
            default:
                out.append(t.count, t.letter);
                continue;
        }
        std::string digits = std::to_string(v);
        if (digits.size() < t.count) digits.insert(0, t.count - digits.size(), '0');
        out += digits;
    }
    return out;
}

std::optional<int64_t> parse_date_pattern(const std::string& pattern, const std::string& text) {
    int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
    size_t pos = 0;
    for (const Token& t : tokenize(pattern)) {
        if (!t.letter) {
            if (text.compare(pos, t.literal.size(), t.literal) != 0) return std::nullopt;
            pos += t.literal.size();
            continue;
        }
        // Fixed width when the field has 2+ letters (except a year of 3+: up to the next non-digit).
        // Fields of 2+ letters have exactly that many digits; single letters take 1-2 (a year: 1-4).
        size_t max = t.count >= 2 ? t.count : t.letter == 'y' ? 4 : 2;
        size_t start = pos;
        while (pos < text.size() && pos - start < max && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;
        if (pos == start || (t.count >= 2 && pos - start != t.count)) return std::nullopt;
        int64_t v = std::stoll(text.substr(start, pos - start));
        switch (t.letter) {
            case 'y':
                year = t.count == 2 ? 2000 + v : v;
                break;
            case 'M':
                month = v;
                break;
            case 'd':
                day = v;
                break;
            case 'H':
                hour = v;
                break;
            case 'm':
                minute = v;
                break;
            case 's':
                second = v;
                break;
            default:
                return std::nullopt;
        }
    }
    if (pos != text.size()) return std::nullopt;
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || year < -9999 || year > 9999)
        return std::nullopt;
    if (!is_valid_civil(static_cast<int32_t>(year), static_cast<uint32_t>(month), static_cast<uint32_t>(day)))
        return std::nullopt;
    int64_t days =
        days_from_civil(static_cast<int32_t>(year), static_cast<uint32_t>(month), static_cast<uint32_t>(day));
    return days * kMicrosPerDay + (hour * 3600 + minute * 60 + second) * kMicrosPerSecond;
}

bool projection_enabled(const LakeTable& table) {
    const std::string* enabled = property(table, "projection.enabled");
    if (!enabled) return false;
    std::string v = lower(trim(*enabled));
    if (v == "true") return true;
    if (v == "false") return false;
    raise(ErrorCode::kInvalidParameter, "table property 'projection.enabled' expects true or false, got '{}'",
          *enabled);
}

std::vector<ProjectionRule> parse_projection(const LakeTable& table) {
    std::vector<ProjectionRule> rules;
    for (const auto& column : table.partition_columns) {
        ProjectionRule rule;
        rule.column = column.name;
        rule.type = column.type;
        const std::string prefix = "projection." + lower(column.name) + ".";
        const std::string* type = property(table, prefix + "type");
        if (!type)
            raise(ErrorCode::kInvalidParameter,
                  "table property '{}type' is missing (partition projection is enabled)", prefix);
        std::string kind = lower(trim(*type));
        auto required = [&](const std::string& suffix) -> const std::string& {
            const std::string* v = property(table, prefix + suffix);
            if (!v)
                raise(ErrorCode::kInvalidParameter, "table property '{}{}' is missing for a {} projection",
                      prefix, suffix, kind);
            return *v;
        };
        if (kind == "date") {
            rule.kind = ProjectionRule::Kind::kDate;
            if (const std::string* f = property(table, prefix + "format")) rule.format = *f;
            check_pattern(prefix + "format", rule.format);
            auto range = split_list(required("range"));
            if (range.size() != 2)
                raise(ErrorCode::kInvalidParameter, "table property '{}range' expects 'START,END', got '{}'",
                      prefix, required("range"));
            rule.range_low = range[0];
            rule.range_high = range[1];
            if (const std::string* i = property(table, prefix + "interval")) {
                rule.interval = parse_int_property(prefix + "interval", *i);
                if (rule.interval <= 0)
                    raise(ErrorCode::kInvalidParameter, "table property '{}interval' must be positive",
                          prefix);
            }
            const std::string* unit = property(table, prefix + "interval.unit");
            rule.unit = unit ? normalize_unit(prefix + "interval.unit", *unit) : finest_unit(rule.format);
            // Validate the endpoints now (NOW is evaluated per scan).
            evaluate_endpoint(rule, rule.range_low, 0, prefix + "range");
            evaluate_endpoint(rule, rule.range_high, 0, prefix + "range");
        } else if (kind == "integer") {
            rule.kind = ProjectionRule::Kind::kInteger;
            auto range = split_list(required("range"));
            if (range.size() != 2)
                raise(ErrorCode::kInvalidParameter, "table property '{}range' expects 'MIN,MAX', got '{}'",
                      prefix, required("range"));
            rule.int_low = parse_int_property(prefix + "range", range[0]);
            rule.int_high = parse_int_property(prefix + "range", range[1]);
            if (const std::string* i = property(table, prefix + "interval")) {
                rule.interval = parse_int_property(prefix + "interval", *i);
                if (rule.interval <= 0)
                    raise(ErrorCode::kInvalidParameter, "table property '{}interval' must be positive",
                          prefix);
            }
            if (const std::string* d = property(table, prefix + "digits")) {
                int64_t digits = parse_int_property(prefix + "digits", *d);
                if (digits < 0 || digits > 30)
                    raise(ErrorCode::kInvalidParameter, "table property '{}digits' must be between 0 and 30",
                          prefix);
                rule.digits = static_cast<int>(digits);
            }
            if (!column.type.is_integer() && !column.type.is_string() && column.type.id() != TypeId::kDecimal)
                raise(ErrorCode::kInvalidParameter,
                      "table property '{}type': integer projection of a {} column", prefix,
                      column.type.to_string());
        } else if (kind == "enum") {
            rule.kind = ProjectionRule::Kind::kEnum;
            rule.values = split_list(required("values"));
            for (const auto& v : rule.values) {
                if (cast_value(Value::varchar(v), column.type, true).is_null())
                    raise(ErrorCode::kInvalidParameter, "table property '{}values': '{}' is not a valid {}",
                          prefix, v, column.type.to_string());
            }
        } else if (kind == "injected") {
            rule.kind = ProjectionRule::Kind::kInjected;
        } else {
            raise(ErrorCode::kInvalidParameter,
                  "table property '{}type' expects date, integer, enum or injected, got '{}'", prefix, *type);
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

std::vector<ProjectedPartition> project_partitions(const LakeTable& table,
                                                   const std::vector<ProjectionRule>& rules,
                                                   const std::vector<const Domain*>& domains,
                                                   int64_t now_micros, size_t limit) {
    // Per column: the allowed (value, text) pairs.
    std::vector<std::vector<std::pair<Value, std::string>>> columns(rules.size());
    auto too_many = [&](const ProjectionRule& rule) {
        raise(ErrorCode::kInvalidParameter,
              "partition projection of column '{}' would produce more than {} partitions; add a constraint "
              "on it",
              rule.column, limit);
    };
    for (size_t c = 0; c < rules.size(); ++c) {
        const ProjectionRule& rule = rules[c];
        const Domain* domain = domains[c];
        auto& out = columns[c];
        auto accept = [&](Value v, std::string text) {
            if (v.is_null()) return;
            if (domain && !domain->contains(v)) return;
            out.emplace_back(std::move(v), std::move(text));
            if (out.size() > limit) too_many(rule);
        };
        switch (rule.kind) {
            case ProjectionRule::Kind::kEnum:
                for (const auto& text : rule.values)
                    accept(cast_value(Value::varchar(text), rule.type, true), text);
                break;
            case ProjectionRule::Kind::kInjected: {
                auto values = domain ? domain->discrete_values() : std::nullopt;
                if (!values)
                    raise(ErrorCode::kInvalidParameter,
                          "partition projection needs a constraint on column {} (equality or IN) of {}.{}",
                          rule.column, table.schema, table.name);
                for (const Value& v : *values) {
                    Value typed = v.type() == rule.type ? v : cast_value(v, rule.type, true);
                    accept(typed, value_text(typed));
                }
                break;
            }
            case ProjectionRule::Kind::kInteger: {
                int64_t low = rule.int_low, high = rule.int_high;
                auto [dlow, dhigh] = domain_bounds(domain);
                if (rule.type.is_integer()) {
                    if (dlow && dlow->type().is_integer())
                        low = std::max(
                            low, rule.int_low + std::max<int64_t>(0, (dlow->as_int() - rule.int_low) /
                                                                         rule.interval * rule.interval));
                    if (dhigh && dhigh->type().is_integer()) high = std::min(high, dhigh->as_int());
                }
                size_t steps = 0;
                for (int64_t v = low; v <= high; v += rule.interval) {
                    if (++steps > 10 * limit) too_many(rule);
                    std::string text = std::to_string(v);
                    if (rule.digits > 0 && text.size() < static_cast<size_t>(rule.digits) && v >= 0)
                        text.insert(0, static_cast<size_t>(rule.digits) - text.size(), '0');
                    Value typed = rule.type.is_string() ? Value::varchar(text)
                                                        : cast_value(Value::bigint(v), rule.type, true);
                    accept(typed, text);
                    if (high - v < rule.interval) break;
                }
                break;
            }
            case ProjectionRule::Kind::kDate: {
                const std::string key = "projection." + lower(rule.column) + ".range";
                int64_t start = evaluate_endpoint(rule, rule.range_low, now_micros, key);
                int64_t end = evaluate_endpoint(rule, rule.range_high, now_micros, key);
                // Jump to the constraint's bounds for DATE / TIMESTAMP columns with fixed steps.
                auto [dlow, dhigh] = domain_bounds(domain);
                auto to_micros = [](const Value& v) -> std::optional<int64_t> {
                    if (v.type().id() == TypeId::kDate) return v.as_int() * kMicrosPerDay;
                    if (v.type().id() == TypeId::kTimestamp) return v.as_int();
                    return std::nullopt;
                };
                bool temporal = rule.type.id() == TypeId::kDate || rule.type.id() == TypeId::kTimestamp;
                if (temporal && dhigh) {
                    if (auto m = to_micros(*dhigh)) end = std::min(end, *m);
                }
                if (temporal && dlow && fixed_unit(rule.unit)) {
                    if (auto m = to_micros(*dlow); m && *m > start) {
                        int64_t step = add_interval(0, rule.interval, rule.unit);
                        // Back off one step: a DATE column's value is the projected time's day.
                        start += std::max<int64_t>(0, (*m - start) / step - 1) * step;
                    }
                }
                size_t steps = 0;
                for (int64_t t = start, i = 0; t <= end; ++i) {
                    if (++steps > 10 * limit) too_many(rule);
                    auto [value, text] = date_value(rule, t);
                    accept(std::move(value), std::move(text));
                    t = add_interval(start, (i + 1) * rule.interval, rule.unit);
                }
                break;
            }
        }
    }
    // The cartesian product, in order (the first column varies slowest).
    size_t total = 1;
    for (const auto& c : columns) {
        if (c.empty()) return {};
        if (total > limit / c.size() + 1)
            total = limit + 1;
        else
            total *= c.size();
    }
    if (total > limit)
        raise(ErrorCode::kInvalidParameter,
              "partition projection of {}.{} would produce more than {} partitions", table.schema, table.name,
              limit);
    const std::string* tmpl = property(table, "storage.location.template");
    std::vector<ProjectedPartition> out;
    out.reserve(total);
    std::vector<size_t> index(columns.size(), 0);
    while (true) {
        ProjectedPartition p;
        std::string location = tmpl ? *tmpl : table.location;
        for (size_t c = 0; c < columns.size(); ++c) {
            const auto& [value, text] = columns[c][index[c]];
            p.values.push_back(value);
            if (tmpl) {
                const std::string needle = "${" + rules[c].column + "}";
                for (size_t at = location.find(needle); at != std::string::npos;
                     at = location.find(needle, at + text.size())) {
                    location.replace(at, needle.size(), text);
                }
            } else {
                location += rules[c].column + "=" + escape_partition_value(text) + "/";
            }
        }
        if (location.empty() || location.back() != '/') location += '/';
        p.location = std::move(location);
        out.push_back(std::move(p));
        size_t c = columns.size();
        while (c > 0) {
            --c;
            if (++index[c] < columns[c].size()) break;
            index[c] = 0;
            if (c == 0) return out;
        }
        if (columns.empty()) return out;
    }
}

}  // namespace fedq
