// Numeric aggregates: sum, avg, the variance family (Welford), geometric_mean and the two-argument
// statistics corr / covar_samp / covar_pop / regr_slope / regr_intercept. Integer sums accumulate in
// 128 bits and are range-checked once, at finalize; DECIMAL sums flag an int128 overflow per row and
// raise at finalize.
#include "functions/aggregate_kernel.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

// ---- sum

struct IntegerSum {
    int128_t sum = 0;
    bool has = false;
};

struct DoubleSum {
    double sum = 0;
    bool has = false;
};

struct DecimalSum {
    int128_t sum = 0;
    int64_t count = 0;
    bool overflow = false;
};

struct IntervalSum {
    int128_t micros = 0;
    int64_t months = 0;
    int64_t days = 0;
    int64_t count = 0;
};

void add_interval(IntervalSum& s, const Interval& v) {
    s.months += v.months;
    s.days += v.days;
    s.micros += v.micros;
    ++s.count;
}

void combine_interval(uint8_t* target, const uint8_t* source) {
    auto& t = state_at<IntervalSum>(target);
    const auto& s = state_at<IntervalSum>(source);
    t.months += s.months;
    t.days += s.days;
    t.micros += s.micros;
    t.count += s.count;
}

Interval checked_interval(int64_t months, int64_t days, int128_t micros) {
    if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN || micros > INT64_MAX ||
        micros < INT64_MIN) {
        raise(ErrorCode::kNumericOverflow, "interval overflow in aggregate");
    }
    return Interval{static_cast<int32_t>(months), static_cast<int32_t>(days), static_cast<int64_t>(micros)};
}

void combine_decimal(uint8_t* target, const uint8_t* source) {
    auto& t = state_at<DecimalSum>(target);
    const auto& s = state_at<DecimalSum>(source);
    t.overflow |= s.overflow | __builtin_add_overflow(t.sum, s.sum, &t.sum);
    t.count += s.count;
}

void update_decimal_sum(uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
    const Column& column = *args[0];
    bool one_state = rows > 0 && column.type().precision() <= 18;
    for (size_t r = 1; r < rows && one_state; ++r) one_state = states[r] == states[0];
    if (one_state) {
        // Every row updates one state (no GROUP BY, or one group in this batch) and |v| < 10^18 < 2^60: the
        // sum adds up in a register without overflow checks (fewer than 2^32 rows cannot reach 2^127), then
        // goes into the state with its check once.
        const int128_t* values = column.values<int128_t>();
        const uint8_t* validity = column.validity();
        int128_t acc = 0;
        int64_t count = 0;
        if (!validity) {
            for (size_t r = 0; r < rows; ++r) acc += values[r];
            count = static_cast<int64_t>(rows);
        } else {
            for (size_t r = 0; r < rows; ++r) {
                acc += validity[r] ? values[r] : int128_t(0);
                count += validity[r];
            }
        }
        auto& s = state_at<DecimalSum>(states[0]);
        s.overflow |= __builtin_add_overflow(s.sum, acc, &s.sum);
        s.count += count;
        return;
    }
    for_each_valid<int128_t, DecimalSum>(states, column, rows, [](DecimalSum& s, int128_t v, size_t) {
        s.overflow |= __builtin_add_overflow(s.sum, v, &s.sum);
        ++s.count;
    });
}

std::optional<BoundAggregateFunction> bind_sum(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1) return std::nullopt;
    const Type& type = types[0];
    BoundAggregateFunction f;
    f.arg_types = types;
    if (type.is_integer() || type.id() == TypeId::kNull) {
        if (type.id() == TypeId::kNull) f.arg_types = {Type::bigint()};
        f.return_type = Type::bigint();
        set_state_lifecycle<IntegerSum>(f);
        visit_numeric(f.arg_types[0], [&]<typename T>() {
            f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
                for_each_valid<T, IntegerSum>(states, *args[0], rows, [](IntegerSum& s, T v, size_t) {
                    s.sum += v;
                    s.has = true;
                });
            };
        });
        f.combine = [](uint8_t* target, const uint8_t* source) {
            auto& t = state_at<IntegerSum>(target);
            const auto& s = state_at<IntegerSum>(source);
            t.sum += s.sum;
            t.has |= s.has;
        };
        f.finalize = [](const uint8_t* state, Column& out) {
            const auto& s = state_at<IntegerSum>(state);
            if (!s.has) return out.append_null();
            if (s.sum > INT64_MAX || s.sum < INT64_MIN) raise(ErrorCode::kNumericOverflow, "bigint addition overflow");
            out.append<int64_t>(static_cast<int64_t>(s.sum));
        };
    } else if (type.is_floating()) {
        f.return_type = Type::double_();
        set_state_lifecycle<DoubleSum>(f);
        visit_numeric(type, [&]<typename T>() {
            f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
                for_each_valid<T, DoubleSum>(states, *args[0], rows, [](DoubleSum& s, T v, size_t) {
                    s.sum += v;
                    s.has = true;
                });
            };
        });
        f.combine = [](uint8_t* target, const uint8_t* source) {
            auto& t = state_at<DoubleSum>(target);
            const auto& s = state_at<DoubleSum>(source);
            t.sum += s.sum;
            t.has |= s.has;
        };
        f.finalize = [](const uint8_t* state, Column& out) {
            const auto& s = state_at<DoubleSum>(state);
            if (s.has) out.append<double>(s.sum);
            else out.append_null();
        };
    } else if (type.id() == TypeId::kDecimal) {
        f.return_type = Type::decimal(38, type.scale());
        set_state_lifecycle<DecimalSum>(f);
        f.update = update_decimal_sum;
        f.combine = combine_decimal;
        f.finalize = [](const uint8_t* state, Column& out) {
            const auto& s = state_at<DecimalSum>(state);
            if (!s.count) return out.append_null();
            if (s.overflow || !decimal_fits(s.sum, 38)) raise(ErrorCode::kNumericOverflow, "decimal overflow in sum");
            out.append<int128_t>(s.sum);
        };
    } else if (type.id() == TypeId::kInterval) {
        f.return_type = type;
        set_state_lifecycle<IntervalSum>(f);
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            for_each_valid<Interval, IntervalSum>(states, *args[0], rows,
                                                  [](IntervalSum& s, const Interval& v, size_t) { add_interval(s, v); });
        };
        f.combine = combine_interval;
        f.finalize = [](const uint8_t* state, Column& out) {
            const auto& s = state_at<IntervalSum>(state);
            if (!s.count) return out.append_null();
            out.append<Interval>(checked_interval(s.months, s.days, s.micros));
        };
    } else {
        return std::nullopt;
    }
    return f;
}

// ---- avg

struct IntegerAvg {
    int128_t sum = 0;
    int64_t count = 0;
};

struct DoubleAvg {
    double sum = 0;
    int64_t count = 0;
};

// avg returning DOUBLE; State is IntegerAvg (exact 128-bit sum of integers) or DoubleAvg.
template <typename State>
void set_mean_to_double(BoundAggregateFunction& f) {
    f.return_type = Type::double_();
    set_state_lifecycle<State>(f);
    visit_numeric(f.arg_types[0], [&]<typename T>() {
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            for_each_valid<T, State>(states, *args[0], rows, [](State& s, T v, size_t) {
                s.sum += v;
                ++s.count;
            });
        };
    });
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<State>(target);
        const auto& s = state_at<State>(source);
        t.sum += s.sum;
        t.count += s.count;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<State>(state);
        if (!s.count) return out.append_null();
        out.append<double>(static_cast<double>(s.sum) / static_cast<double>(s.count));
    };
}

// Rounds sum / count half away from zero.
int128_t divide_round(int128_t sum, int64_t count) {
    int128_t quotient = sum / count, remainder = sum % count;
    if (remainder < 0) remainder = -remainder;
    if (remainder * 2 >= count) quotient += sum < 0 ? -1 : 1;
    return quotient;
}

std::optional<BoundAggregateFunction> bind_avg(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1) return std::nullopt;
    const Type& type = types[0];
    BoundAggregateFunction f;
    f.arg_types = types;
    if (type.is_integer() || type.id() == TypeId::kNull) {
        if (type.id() == TypeId::kNull) f.arg_types = {Type::bigint()};
        set_mean_to_double<IntegerAvg>(f);
    } else if (type.is_floating()) {
        set_mean_to_double<DoubleAvg>(f);
    } else if (type.id() == TypeId::kDecimal) {
        f.return_type = type;
        set_state_lifecycle<DecimalSum>(f);
        f.update = update_decimal_sum;
        f.combine = combine_decimal;
        f.finalize = [](const uint8_t* state, Column& out) {
            const auto& s = state_at<DecimalSum>(state);
            if (!s.count) return out.append_null();
            if (s.overflow) raise(ErrorCode::kNumericOverflow, "decimal overflow in avg");
            out.append<int128_t>(divide_round(s.sum, s.count));
        };
    } else if (type.id() == TypeId::kInterval) {
        f.return_type = type;
        set_state_lifecycle<IntervalSum>(f);
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            for_each_valid<Interval, IntervalSum>(states, *args[0], rows,
                                                  [](IntervalSum& s, const Interval& v, size_t) { add_interval(s, v); });
        };
        f.combine = combine_interval;
        f.finalize = [](const uint8_t* state, Column& out) {
            const auto& s = state_at<IntervalSum>(state);
            if (!s.count) return out.append_null();
            // Whole months stay months; a fractional month carries over as 30 days (as PostgreSQL does),
            // and the day-time part is averaged as a length of time.
            int64_t months = s.months / s.count;
            int128_t leftover_months = s.months % s.count;
            int128_t total = (leftover_months * 30 + s.days) * kMicrosPerDay + s.micros;
            int128_t average = total / s.count;
            out.append<Interval>(checked_interval(months, static_cast<int64_t>(average / kMicrosPerDay),
                                                  average % kMicrosPerDay));
        };
    } else {
        return std::nullopt;
    }
    return f;
}

// ---- variance family (Welford's online algorithm, merged with Chan's formula)

struct Moments {
    int64_t count = 0;
    double mean = 0;
    double m2 = 0;
};

enum class Statistic { kVarianceSample, kVariancePopulation, kStddevSample, kStddevPopulation };

template <Statistic kStatistic>
std::optional<BoundAggregateFunction> bind_variance(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1 || !(types[0].is_numeric() || types[0].id() == TypeId::kNull)) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = types[0].id() == TypeId::kNull ? std::vector<Type>{Type::double_()} : types;
    f.return_type = Type::double_();
    set_state_lifecycle<Moments>(f);
    double factor = types[0].id() == TypeId::kDecimal ? static_cast<double>(pow10_i128(types[0].scale())) : 1.0;
    visit_numeric(f.arg_types[0], [&]<typename T>() {
        f.update = [factor](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            for_each_valid<T, Moments>(states, *args[0], rows, [factor](Moments& s, const T& raw, size_t) {
                double x = to_double(raw, factor);
                ++s.count;
                double delta = x - s.mean;
                s.mean += delta / static_cast<double>(s.count);
                s.m2 += delta * (x - s.mean);
            });
        };
    });
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<Moments>(target);
        const auto& s = state_at<Moments>(source);
        if (!s.count) return;
        if (!t.count) {
            t = s;
            return;
        }
        double n = static_cast<double>(t.count + s.count);
        double delta = s.mean - t.mean;
        t.m2 += s.m2 + delta * delta * static_cast<double>(t.count) * static_cast<double>(s.count) / n;
        t.mean += delta * static_cast<double>(s.count) / n;
        t.count += s.count;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<Moments>(state);
        constexpr bool kSample = kStatistic == Statistic::kVarianceSample || kStatistic == Statistic::kStddevSample;
        constexpr bool kSqrt = kStatistic == Statistic::kStddevSample || kStatistic == Statistic::kStddevPopulation;
        if (s.count < (kSample ? 2 : 1)) return out.append_null();
        double variance = std::max(0.0, s.m2) / static_cast<double>(kSample ? s.count - 1 : s.count);
        out.append<double>(kSqrt ? std::sqrt(variance) : variance);
    };
    return f;
}

// ---- geometric_mean

struct LogSum {
    double sum = 0;
    int64_t count = 0;
};

std::optional<BoundAggregateFunction> bind_geometric_mean(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1 || !(types[0].is_numeric() || types[0].id() == TypeId::kNull)) return std::nullopt;
    BoundAggregateFunction f;
    f.arg_types = {Type::double_()};
    f.return_type = Type::double_();
    set_state_lifecycle<LogSum>(f);
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        for_each_valid<double, LogSum>(states, *args[0], rows, [](LogSum& s, double v, size_t) {
            s.sum += std::log(v);
            ++s.count;
        });
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<LogSum>(target);
        const auto& s = state_at<LogSum>(source);
        t.sum += s.sum;
        t.count += s.count;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<LogSum>(state);
        if (!s.count) return out.append_null();
        out.append<double>(std::exp(s.sum / static_cast<double>(s.count)));
    };
    return f;
}

// ---- corr(y, x), covar_samp, covar_pop, regr_slope, regr_intercept

struct CoMoments {
    int64_t count = 0;
    double mean_x = 0;
    double mean_y = 0;
    double m2_x = 0;
    double m2_y = 0;
    double c_xy = 0;
};

enum class Bivariate { kCorr, kCovarSample, kCovarPopulation, kRegrSlope, kRegrIntercept };

template <Bivariate kStatistic>
std::optional<BoundAggregateFunction> bind_bivariate(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2) return std::nullopt;
    for (const auto& type : types) {
        if (!type.is_numeric() && type.id() != TypeId::kNull) return std::nullopt;
    }
    BoundAggregateFunction f;
    f.arg_types = {Type::double_(), Type::double_()};
    f.return_type = Type::double_();
    set_state_lifecycle<CoMoments>(f);
    f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        const double* ys = args[0]->values<double>();
        const double* xs = args[1]->values<double>();
        const uint8_t* valid_y = args[0]->validity();
        const uint8_t* valid_x = args[1]->validity();
        for (size_t r = 0; r < rows; ++r) {
            if ((valid_y && !valid_y[r]) || (valid_x && !valid_x[r])) continue;
            auto& s = state_at<CoMoments>(states[r]);
            double x = xs[r], y = ys[r];
            ++s.count;
            double n = static_cast<double>(s.count);
            double dx = x - s.mean_x, dy = y - s.mean_y;
            s.mean_x += dx / n;
            s.mean_y += dy / n;
            s.c_xy += dx * (y - s.mean_y);
            s.m2_x += dx * (x - s.mean_x);
            s.m2_y += dy * (y - s.mean_y);
        }
    };
    f.combine = [](uint8_t* target, const uint8_t* source) {
        auto& t = state_at<CoMoments>(target);
        const auto& s = state_at<CoMoments>(source);
        if (!s.count) return;
        if (!t.count) {
            t = s;
            return;
        }
        double na = static_cast<double>(t.count), nb = static_cast<double>(s.count), n = na + nb;
        double dx = s.mean_x - t.mean_x, dy = s.mean_y - t.mean_y;
        t.c_xy += s.c_xy + dx * dy * na * nb / n;
        t.m2_x += s.m2_x + dx * dx * na * nb / n;
        t.m2_y += s.m2_y + dy * dy * na * nb / n;
        t.mean_x += dx * nb / n;
        t.mean_y += dy * nb / n;
        t.count += s.count;
    };
    f.finalize = [](const uint8_t* state, Column& out) {
        const auto& s = state_at<CoMoments>(state);
        double n = static_cast<double>(s.count);
        switch (kStatistic) {
            case Bivariate::kCovarPopulation:
                if (s.count < 1) return out.append_null();
                return out.append<double>(s.c_xy / n);
            case Bivariate::kCovarSample:
                if (s.count < 2) return out.append_null();
                return out.append<double>(s.c_xy / (n - 1));
            case Bivariate::kCorr:
                if (s.count < 2 || s.m2_x == 0 || s.m2_y == 0) return out.append_null();
                return out.append<double>(s.c_xy / std::sqrt(s.m2_x * s.m2_y));
            case Bivariate::kRegrSlope:
                if (s.count < 1 || s.m2_x == 0) return out.append_null();
                return out.append<double>(s.c_xy / s.m2_x);
            case Bivariate::kRegrIntercept:
                if (s.count < 1 || s.m2_x == 0) return out.append_null();
                return out.append<double>(s.mean_y - s.c_xy / s.m2_x * s.mean_x);
        }
    };
    return f;
}

}  // namespace

void register_numeric_aggregates(FunctionRegistry& registry) {
    add_aggregate_family(registry, "sum", bind_sum, "sum of the non-NULL values of x");
    add_aggregate_family(registry, "avg", bind_avg, "average of the non-NULL values of x");
    add_aggregate_family(registry, "var_samp", bind_variance<Statistic::kVarianceSample>, "sample variance");
    add_aggregate_family(registry, "var_pop", bind_variance<Statistic::kVariancePopulation>, "population variance");
    add_aggregate_family(registry, "stddev_samp", bind_variance<Statistic::kStddevSample>,
                         "sample standard deviation");
    add_aggregate_family(registry, "stddev_pop", bind_variance<Statistic::kStddevPopulation>,
                         "population standard deviation");
    registry.add_alias("variance", "var_samp");
    registry.add_alias("stddev", "stddev_samp");
    add_aggregate_family(registry, "geometric_mean", bind_geometric_mean, "geometric mean of x");
    add_aggregate_family(registry, "corr", bind_bivariate<Bivariate::kCorr>, "correlation coefficient of y and x");
    add_aggregate_family(registry, "covar_samp", bind_bivariate<Bivariate::kCovarSample>, "sample covariance");
    add_aggregate_family(registry, "covar_pop", bind_bivariate<Bivariate::kCovarPopulation>,
                         "population covariance");
    add_aggregate_family(registry, "regr_slope", bind_bivariate<Bivariate::kRegrSlope>,
                         "slope of the least-squares line of y on x");
    add_aggregate_family(registry, "regr_intercept", bind_bivariate<Bivariate::kRegrIntercept>,
                         "intercept of the least-squares line of y on x");
}

}  // namespace fedq
