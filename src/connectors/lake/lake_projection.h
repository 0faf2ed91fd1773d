// Athena-style partition projection for lake tables: partition values are computed from table properties
// instead of being registered. Supported per partition column ('projection.<col>.type'):
//   date      '.range' = 'START,END' (in '.format', or NOW[+-N UNIT]), '.format' (Java-style pattern:
//             yyyy MM dd HH mm ss and quoted literals; default yyyy-MM-dd), '.interval' (default 1),
//             '.interval.unit' (YEARS MONTHS WEEKS DAYS HOURS MINUTES SECONDS; default: the pattern's finest
//             field)
//   integer   '.range' = 'MIN,MAX', '.interval' (default 1), '.digits' (zero padding)
//   enum      '.values' = 'a,b,c'
//   injected  values come only from the query's constraint (equality / IN), which is then required
// 'storage.location.template' (e.g. 's3://bucket/logs/${dt}/${region}/') places the folders; otherwise they
// are the Hive-style LOCATION/col=value/... folders.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "connector/constraint.h"
#include "connectors/lake/lake_connector.h"

namespace fedq {

struct ProjectionRule {
    enum class Kind : uint8_t { kDate, kInteger, kEnum, kInjected };
    std::string column;
    Type type;
    Kind kind = Kind::kEnum;
    // date
    std::string format = "yyyy-MM-dd";
    std::string range_low, range_high;  // raw endpoints (NOW is evaluated per scan)
    int64_t interval = 1;
    std::string unit;  // upper case, plural
    // integer
    int64_t int_low = 0, int_high = 0;
    int digits = 0;
    // enum
    std::vector<std::string> values;
};

// Whether 'projection.enabled' is true (validated: kInvalidParameter naming the key).
bool projection_enabled(const LakeTable& table);
// One rule per partition column; kInvalidParameter naming the offending key.
std::vector<ProjectionRule> parse_projection(const LakeTable& table);

struct ProjectedPartition {
    std::vector<Value> values;
    std::string location;
};
// The partitions the rules produce that `domains` (one per partition column; nullptr = unconstrained) allow.
// `now_micros`: the current time (for NOW). Raises when an injected column has no equality constraint or
// when more than `limit` partitions would be produced.
std::vector<ProjectedPartition> project_partitions(const LakeTable& table,
                                                   const std::vector<ProjectionRule>& rules,
                                                   const std::vector<const Domain*>& domains,
                                                   int64_t now_micros, size_t limit = 1000000);

// Java-style date pattern helpers (exposed for tests).
std::string format_date_pattern(const std::string& pattern, int64_t micros);
std::optional<int64_t> parse_date_pattern(const std::string& pattern, const std::string& text);

}  // namespace fedq
