// approx_distinct(x [, max_standard_error]): HyperLogLog over xxHash3 hashes of the values.
#include <memory>

#define XXH_INLINE_ALL  // header-only xxHash: no extra library to link
#include <xxhash.h>

#include "functions/aggregate_kernel.h"
#include "functions/hyperloglog.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

struct SketchState {
    std::unique_ptr<HyperLogLog> sketch;  // created on the first non-NULL value
};

inline HyperLogLog& sketch_of(SketchState& s, int precision) {
    if (!s.sketch) s.sketch = std::make_unique<HyperLogLog>(precision);
    return *s.sketch;
}

// Hash of a fixed-width physical value, normalized so that SQL-equal values hash alike.
template <typename T>
inline uint64_t hash_fixed(T v) {
    if constexpr (std::is_floating_point_v<T>) {
        if (v == 0) v = 0;
        if (std::isnan(v)) v = std::numeric_limits<T>::quiet_NaN();
        double d = v;
        return XXH3_64bits(&d, sizeof d);
    } else if constexpr (std::is_same_v<T, Interval>) {
        int64_t parts[2] = {v.months, v.days * kMicrosPerDay + v.micros};
        return XXH3_64bits(parts, sizeof parts);
    } else if constexpr (std::is_same_v<T, int128_t>) {
        return XXH3_64bits(&v, sizeof v);
    } else {
        int64_t wide = static_cast<int64_t>(v);
        return XXH3_64bits(&wide, sizeof wide);
    }
}

std::optional<BoundAggregateFunction> bind_approx_distinct(const std::vector<Type>& types,
                                                           const ConstantArgs& constants) {
    if (types.empty() || types.size() > 2) return std::nullopt;
    int precision = HyperLogLog::kDefaultPrecision;
    BoundAggregateFunction f;
    f.arg_types = types;
    if (types.size() == 2) {
        if (!types[1].is_numeric()) return std::nullopt;
        if (constants.size() < 2 || !constants[1] || constants[1]->is_null()) {
            raise(ErrorCode::kInvalidParameter, "approx_distinct: the maximum standard error must be a constant");
        }
        const Value& constant = *constants[1];
        double error = types[1].is_floating()            ? constant.as_double()
                       : types[1].id() == TypeId::kDecimal ? decimal_to_double(constant.as_decimal(), types[1].scale())
                                                           : static_cast<double>(constant.as_int());
        if (!(error >= 0.0040625 && error <= 0.26)) {
            raise(ErrorCode::kInvalidParameter,
                  "approx_distinct: the maximum standard error must be in [0.0040625, 0.26]");
        }
        precision = HyperLogLog::precision_for_error(error);
    }
    f.return_type = Type::bigint();
    set_state_lifecycle<SketchState>(f);
    const Type& type = types[0];
    if (type.id() == TypeId::kNull) {
        f.update = [](uint8_t**, const std::vector<const Column*>&, size_t) {};
    } else if (type.is_variable_width()) {
        f.update = [precision](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            for_each_valid_string<SketchState>(states, *args[0], rows, [&](SketchState& s, std::string_view v, size_t) {
                sketch_of(s, precision).add_hash(XXH3_64bits(v.data(), v.size()));
            });
        };
    } else if (!visit_fixed(type, [&]<typename T>() {
                   f.update = [precision](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
                       for_each_valid<T, SketchState>(states, *args[0], rows, [&](SketchState& s, const T& v, size_t) {
                           sketch_of(s, precision).add_hash(hash_fixed(v));
                       });
                   };
               })) {
        f.update = [precision](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            const Column& column = *args[0];
            std::string key;
            for (size_t r = 0; r < rows; ++r) {
                if (column.is_null(r)) continue;
                key.clear();
                append_value_key(column, r, key);
                sketch_of(state_at<SketchState>(states[r]), precision).add_hash(XXH3_64bits(key.data(), key.size()));
            }
        };
    }
    f.combine = [precision](uint8_t* target, const uint8_t* source) {
        const auto& s = state_at<SketchState>(source);
        if (s.sketch) sketch_of(state_at<SketchState>(target), precision).merge(*s.sketch);
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<SketchState>(state);
        out.append<int64_t>(s.sketch ? static_cast<int64_t>(s.sketch->estimate()) : 0);
    };
    return f;
}

}  // namespace

void register_approx_aggregates(FunctionRegistry& registry) {
    add_aggregate_family(registry, "approx_distinct", bind_approx_distinct,
                         "approximate number of distinct non-NULL values of x (HyperLogLog, 2.3% standard error)",
                         true);
}

}  // namespace fedq
