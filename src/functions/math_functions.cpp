// Mathematical functions (Trino's): abs, ceil, floor, round, truncate, sign, sqrt, cbrt, exp, ln,
// log2, log10, log, power, trigonometry, degrees, radians, pi, e, rand/random, nan, infinity, is_nan,
// is_finite, is_infinite, bitwise_*, width_bucket. Exact types (integers, DECIMAL) keep their type where
// Trino does; everything else computes in DOUBLE. mod() lives with the arithmetic operators.
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_templates.h"
#include "types/decimal.h"

namespace fedq {

namespace {

BoundScalarFunction make_function(std::vector<Type> arg_types, Type return_type, ScalarKernel kernel,
                                  bool deterministic = true) {
    BoundScalarFunction bound;
    bound.arg_types = std::move(arg_types);
    bound.return_type = std::move(return_type);
    bound.kernel = std::move(kernel);
    bound.deterministic = deterministic;
    return bound;
}

bool numeric_or_null(const Type& t) { return t.is_numeric() || t.id() == TypeId::kNull; }
bool integer_or_null(const Type& t) { return t.is_integer() || t.id() == TypeId::kNull; }

std::string lower_name(const Type& t) {
    std::string s = t.to_string();
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---------------------------------------------------------------- DOUBLE families

template <typename Fn>
void add_double_unary(FunctionRegistry& registry, const std::string& name, Fn fn, std::string description) {
    registry.add_scalar(
        name,
        [fn](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
            if (types.size() != 1 || !numeric_or_null(types[0])) return std::nullopt;
            return make_function({Type::double_()}, Type::double_(), [fn](const ScalarArgs& args, Column& out) {
                kernel::unary<double, double>(*args.columns[0], out, fn);
            });
        },
        std::move(description));
}

template <typename Fn>
void add_double_binary(FunctionRegistry& registry, const std::string& name, Fn fn, std::string description) {
    registry.add_scalar(
        name,
        [fn](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
            if (types.size() != 2 || !numeric_or_null(types[0]) || !numeric_or_null(types[1])) return std::nullopt;
            return make_function({Type::double_(), Type::double_()}, Type::double_(),
                                 [fn](const ScalarArgs& args, Column& out) {
                                     kernel::binary<double, double, double>(*args.columns[0], *args.columns[1], out, fn);
                                 });
        },
        std::move(description));
}

template <typename Fn>
void add_double_predicate(FunctionRegistry& registry, const std::string& name, Fn fn, std::string description) {
    registry.add_scalar(
        name,
        [fn](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
            if (types.size() != 1 || !numeric_or_null(types[0])) return std::nullopt;
            return make_function({Type::double_()}, Type::boolean(), [fn](const ScalarArgs& args, Column& out) {
                kernel::unary<double, uint8_t>(*args.columns[0], out, [fn](double x) -> uint8_t { return fn(x); });
            });
        },
        std::move(description));
}

void add_double_constant(FunctionRegistry& registry, const std::string& name, double value, std::string description) {
    registry.add_scalar(
        name,
        [value](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
            if (!types.empty()) return std::nullopt;
            return make_function({}, Type::double_(), [value](const ScalarArgs& args, Column& out) {
                double* o = kernel::append_slots<double>(out, args.rows);
                std::fill(o, o + args.rows, value);
            });
        },
        std::move(description));
}

// ---------------------------------------------------------------- type-preserving unary functions

// Per-type implementations for abs / sign / ceil / floor / round / truncate on exact and floating types.
enum class Unary { kAbs, kSign, kCeil, kFloor, kRound, kTruncate };

template <Unary kOp, typename T>
ScalarKernel integer_unary(const Type& type) {
    return [type](const ScalarArgs& args, Column& out) {
        if constexpr (kOp == Unary::kAbs) {
            kernel::unary_checked<T, T>(
                args, out,
                [](T x, T& r) {
                    r = static_cast<T>(x < 0 ? -x : x);
                    return x == std::numeric_limits<T>::min();
                },
                [&](size_t) { raise(ErrorCode::kNumericOverflow, "{} abs overflow", lower_name(type)); });
        } else if constexpr (kOp == Unary::kSign) {
            kernel::unary<T, T>(*args.columns[0], out, [](T x) { return static_cast<T>((x > 0) - (x < 0)); });
        } else {
            kernel::unary<T, T>(*args.columns[0], out, [](T x) { return x; });
        }
    };
}

template <Unary kOp, typename F>
ScalarKernel floating_unary() {
    return [](const ScalarArgs& args, Column& out) {
        kernel::unary<F, F>(*args.columns[0], out, [](F x) -> F {
            if constexpr (kOp == Unary::kAbs) return std::fabs(x);
            else if constexpr (kOp == Unary::kSign) return std::isnan(x) ? x : static_cast<F>((x > 0) - (x < 0));
            else if constexpr (kOp == Unary::kCeil) return std::ceil(x);
            else if constexpr (kOp == Unary::kFloor) return std::floor(x);
            else if constexpr (kOp == Unary::kRound) return std::round(x);
            else return std::trunc(x);
        });
    };
}

// DECIMAL(p, s) -> integral DECIMAL(r, 0) for ceil/floor/round/truncate.
template <Unary kOp>
ScalarKernel decimal_to_integral(int scale) {
    const int128_t factor = pow10_i128(scale);
    return [factor](const ScalarArgs& args, Column& out) {
        kernel::unary<int128_t, int128_t>(*args.columns[0], out, [factor](int128_t v) -> int128_t {
            const int128_t q = v / factor, r = v % factor;
            if constexpr (kOp == Unary::kCeil) return q + (r > 0);
            else if constexpr (kOp == Unary::kFloor) return q - (r < 0);
            else if constexpr (kOp == Unary::kTruncate) return q;
            else {
                const int128_t m = r < 0 ? -r : r;
                return q + ((m * 2 >= factor) ? (v < 0 ? -1 : 1) : 0);
            }
        });
    };
}

template <Unary kOp>
std::optional<BoundScalarFunction> bind_unary(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1 || !numeric_or_null(types[0])) return std::nullopt;
    const Type t = types[0].id() == TypeId::kNull ? Type::double_() : types[0];
    if (t.is_integer()) {
        return make_function({t}, t, kernel::dispatch_integer(t.id(), [&](auto tag) {
                                 return integer_unary<kOp, decltype(tag)>(t);
                             }));
    }
    if (t.id() == TypeId::kDouble) return make_function({t}, t, floating_unary<kOp, double>());
    if (t.id() == TypeId::kReal) return make_function({t}, t, floating_unary<kOp, float>());
    // DECIMAL
    const int p = t.precision(), s = t.scale();
    if constexpr (kOp == Unary::kAbs) {
        return make_function({t}, t, [](const ScalarArgs& args, Column& out) {
            kernel::unary<int128_t, int128_t>(*args.columns[0], out, [](int128_t v) { return v < 0 ? -v : v; });
        });
    } else if constexpr (kOp == Unary::kSign) {
        return make_function({t}, Type::decimal(1, 0), [](const ScalarArgs& args, Column& out) {
            kernel::unary<int128_t, int128_t>(*args.columns[0], out,
                                              [](int128_t v) -> int128_t { return (v > 0) - (v < 0); });
        });
    } else {
        if (s == 0) return make_function({t}, t, integer_unary<Unary::kCeil, int128_t>(t));
        const int precision = kOp == Unary::kTruncate ? std::max(1, p - s) : std::min(38, p - s + 1);
        return make_function({t}, Type::decimal(precision, 0), decimal_to_integral<kOp>(s));
    }
}

// ---------------------------------------------------------------- round(x, d) / truncate(x, d)

double round_double(double x, int32_t digits, bool truncate) {
    if (!std::isfinite(x)) return x;
    if (digits > 308) return x;
    if (digits < -308) return 0.0 * x;
    const double factor = std::pow(10.0, digits);
    const double scaled = x * factor;
    if (!std::isfinite(scaled) || std::fabs(scaled) >= 4503599627370496.0) return x;  // already integral
    const double r = (truncate ? std::trunc(scaled) : std::round(scaled)) / factor;
    return std::isfinite(r) ? r : x;
}

// Rounds an unscaled value at `scale` to `digits` fractional digits, keeping `scale`.
bool round_decimal_to(int128_t v, int scale, int32_t digits, bool truncate, int128_t max, int128_t& r) {
    if (digits >= scale) {
        r = v;
        return false;
    }
    const int drop = scale - digits;  // > 0
    if (drop > 38) {
        r = 0;
        return false;
    }
    const int128_t factor = pow10_i128(drop);
    int128_t q = v / factor;
    const int128_t remainder = v % factor;
    if (!truncate) {
        const int128_t m = remainder < 0 ? -remainder : remainder;
        if (m * 2 >= factor) q += v < 0 ? -1 : 1;
    }
    if (__builtin_mul_overflow(q, factor, &r)) return true;
    return r > max || r < -max;
}

template <typename T>
bool round_integer_to(T v, int32_t digits, bool truncate, T& r) {
    r = v;
    if (digits >= 0) return false;
    if (digits < -19) {
        r = 0;
        return false;
    }
    const int128_t factor = pow10_i128(-digits);
    int128_t q = static_cast<int128_t>(v) / factor;
    const int128_t remainder = static_cast<int128_t>(v) % factor;
    if (!truncate) {
        const int128_t m = remainder < 0 ? -remainder : remainder;
        if (m * 2 >= factor) q += v < 0 ? -1 : 1;
    }
    const int128_t result = q * factor;
    r = static_cast<T>(result);
    return result < std::numeric_limits<T>::min() || result > std::numeric_limits<T>::max();
}

template <bool kTruncate>
std::optional<BoundScalarFunction> bind_round_digits(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2 || !numeric_or_null(types[0]) || !integer_or_null(types[1])) return std::nullopt;
    const Type t = types[0].id() == TypeId::kNull ? Type::double_() : types[0];
    const char* name = kTruncate ? "truncate" : "round";
    const Type digits = Type::integer();
    if (t.is_integer()) {
        return make_function({t, digits}, t, kernel::dispatch_integer(t.id(), [&](auto tag) -> ScalarKernel {
            using T = decltype(tag);
            return [t, name](const ScalarArgs& args, Column& out) {
                kernel::binary_checked<T, int32_t, T>(
                    args, out, [](T v, int32_t d, T& r) { return round_integer_to<T>(v, d, kTruncate, r); },
                    [&](size_t row) {
                        raise(ErrorCode::kNumericOverflow, "{} overflow in {}({})", lower_name(t), name,
                              args.columns[0]->value_at(row).to_string());
                    });
            };
        }));
    }
    if (t.is_floating()) {
        const Type d = Type::double_();
        return make_function({d, digits}, d, [](const ScalarArgs& args, Column& out) {
            kernel::binary<double, int32_t, double>(*args.columns[0], *args.columns[1], out,
                                                    [](double x, int32_t n) { return round_double(x, n, kTruncate); });
        });
    }
    const int scale = t.scale();
    const Type result = kTruncate ? t : Type::decimal(std::min(38, t.precision() + 1), scale);
    const int128_t max = decimal_max(result.precision());
    return make_function({t, digits}, result, [scale, max, result](const ScalarArgs& args, Column& out) {
        kernel::binary_checked<int128_t, int32_t, int128_t>(
            args, out,
            [scale, max](int128_t v, int32_t d, int128_t& r) { return round_decimal_to(v, scale, d, kTruncate, max, r); },
            [&](size_t) { raise(ErrorCode::kNumericOverflow, "decimal overflow in round: result exceeds {}", result.to_string()); });
    });
}

// ---------------------------------------------------------------- random

std::mt19937_64& random_engine() {
    static thread_local std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

std::optional<BoundScalarFunction> bind_random(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.empty()) {
        return make_function({}, Type::double_(), [](const ScalarArgs& args, Column& out) {
            double* o = kernel::append_slots<double>(out, args.rows);
            std::uniform_real_distribution<double> distribution(0.0, 1.0);
            for (size_t i = 0; i < args.rows; ++i) o[i] = distribution(random_engine());
        }, false);
    }
    if (types.size() > 2) return std::nullopt;
    for (const Type& t : types) {
        if (!integer_or_null(t)) return std::nullopt;
    }
    Type t = Type::tinyint();
    for (const Type& type : types) {
        if (type.is_integer()) t = *common_super_type(t, type);
    }
    const bool ranged = types.size() == 2;
    std::vector<Type> arg_types(types.size(), t);
    return make_function(arg_types, t, kernel::dispatch_integer(t.id(), [&](auto tag) -> ScalarKernel {
        using T = decltype(tag);
        return [ranged](const ScalarArgs& args, Column& out) {
            const T* low = ranged ? args.columns[0]->values<T>() : nullptr;
            const T* high = args.columns[ranged ? 1 : 0]->values<T>();
            T* o = kernel::append_slots<T>(out, args.rows);
            for (size_t i = 0; i < args.rows; ++i) {
                const int64_t lo = ranged ? low[i] : 0;
                if (high[i] <= lo) {
                    o[i] = 0;
                    if (kernel::row_valid(args, i)) {
                        if (ranged) raise(ErrorCode::kInvalidParameter, "random: stop value must be greater than start value");
                        raise(ErrorCode::kInvalidParameter, "random: bound must be positive");
                    }
                    continue;
                }
                std::uniform_int_distribution<int64_t> distribution(lo, static_cast<int64_t>(high[i]) - 1);
                o[i] = static_cast<T>(distribution(random_engine()));
            }
        };
    }), false);
}

// ---------------------------------------------------------------- bitwise, width_bucket

template <typename Fn>
void add_bitwise(FunctionRegistry& registry, const std::string& name, Fn fn) {
    registry.add_scalar(name, [fn](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (types.size() != 2 || !integer_or_null(types[0]) || !integer_or_null(types[1])) return std::nullopt;
        const Type b = Type::bigint();
        return make_function({b, b}, b, [fn](const ScalarArgs& args, Column& out) {
            kernel::binary<int64_t, int64_t, int64_t>(*args.columns[0], *args.columns[1], out, fn);
        });
    });
}

std::optional<BoundScalarFunction> bind_width_bucket(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 4 || !integer_or_null(types[3])) return std::nullopt;
    for (size_t i = 0; i < 3; ++i) {
        if (!numeric_or_null(types[i])) return std::nullopt;
    }
    const Type d = Type::double_(), b = Type::bigint();
    return make_function({d, d, d, b}, b, [](const ScalarArgs& args, Column& out) {
        const double* x = args.columns[0]->values<double>();
        const double* lo = args.columns[1]->values<double>();
        const double* hi = args.columns[2]->values<double>();
        const int64_t* n = args.columns[3]->values<int64_t>();
        int64_t* o = kernel::append_slots<int64_t>(out, args.rows);
        for (size_t i = 0; i < args.rows; ++i) {
            o[i] = 0;
            const bool bad_count = n[i] <= 0, equal = lo[i] == hi[i];
            const bool not_finite = std::isnan(x[i]) || !std::isfinite(lo[i]) || !std::isfinite(hi[i]);
            if (bad_count | equal | not_finite) {
                if (!kernel::row_valid(args, i)) continue;
                if (bad_count) raise(ErrorCode::kInvalidParameter, "width_bucket: bucketCount must be greater than 0");
                if (not_finite) raise(ErrorCode::kInvalidParameter, "width_bucket: operand and bounds must be finite numbers");
                raise(ErrorCode::kInvalidParameter, "width_bucket: bounds cannot equal each other");
            }
            const double low = lo[i], high = hi[i], value = x[i];
            const bool ascending = low < high;
            if (ascending ? value < low : value > low) {
                o[i] = 0;
            } else if (ascending ? value >= high : value <= high) {
                o[i] = n[i] + 1;
            } else {
                const double fraction = (value - low) / (high - low);
                o[i] = std::min<int64_t>(static_cast<int64_t>(fraction * static_cast<double>(n[i])), n[i] - 1) + 1;
            }
        }
    });
}

}  // namespace

void register_math_functions(FunctionRegistry& registry) {
    registry.add_scalar("abs", bind_unary<Unary::kAbs>, "abs(x): absolute value");
    registry.add_scalar("sign", bind_unary<Unary::kSign>, "sign(x): -1, 0 or 1");
    registry.add_scalar("ceil", bind_unary<Unary::kCeil>, "ceil(x): x rounded up");
    registry.add_alias("ceiling", "ceil");
    registry.add_scalar("floor", bind_unary<Unary::kFloor>, "floor(x): x rounded down");
    registry.add_scalar("round", bind_unary<Unary::kRound>, "round(x[, d]): x rounded half away from zero");
    registry.add_scalar("round", bind_round_digits<false>);
    registry.add_scalar("truncate", bind_unary<Unary::kTruncate>, "truncate(x[, d]): x rounded toward zero");
    registry.add_scalar("truncate", bind_round_digits<true>);

    add_double_unary(registry, "sqrt", [](double x) { return std::sqrt(x); }, "square root");
    add_double_unary(registry, "cbrt", [](double x) {
        // glibc's cbrt is off by one ulp for some exact cubes (cbrt(27) = 3.0000000000000004); one
        // Newton step restores the correctly rounded result Java's Math.cbrt gives.
        const double r = std::cbrt(x);
        if (r == 0 || !std::isfinite(r)) return r;
        return r - (r * r * r - x) / (3 * r * r);
    }, "cube root");
    add_double_unary(registry, "exp", [](double x) { return std::exp(x); }, "e raised to x");
    add_double_unary(registry, "ln", [](double x) { return std::log(x); }, "natural logarithm");
    add_double_unary(registry, "log2", [](double x) { return std::log2(x); }, "base-2 logarithm");
    add_double_unary(registry, "log10", [](double x) { return std::log10(x); }, "base-10 logarithm");
    add_double_unary(registry, "sin", [](double x) { return std::sin(x); }, "sine (radians)");
    add_double_unary(registry, "cos", [](double x) { return std::cos(x); }, "cosine (radians)");
    add_double_unary(registry, "tan", [](double x) { return std::tan(x); }, "tangent (radians)");
    add_double_unary(registry, "asin", [](double x) { return std::asin(x); }, "arc sine");
    add_double_unary(registry, "acos", [](double x) { return std::acos(x); }, "arc cosine");
    add_double_unary(registry, "atan", [](double x) { return std::atan(x); }, "arc tangent");
    add_double_unary(registry, "sinh", [](double x) { return std::sinh(x); }, "hyperbolic sine");
    add_double_unary(registry, "cosh", [](double x) { return std::cosh(x); }, "hyperbolic cosine");
    add_double_unary(registry, "tanh", [](double x) { return std::tanh(x); }, "hyperbolic tangent");
    add_double_unary(registry, "degrees", [](double x) { return x * (180.0 / std::numbers::pi); }, "radians to degrees");
    add_double_unary(registry, "radians", [](double x) { return x * (std::numbers::pi / 180.0); }, "degrees to radians");
    add_double_binary(registry, "power", [](double x, double y) { return std::pow(x, y); }, "power(x, p): x raised to p");
    registry.add_alias("pow", "power");
    add_double_binary(registry, "atan2", [](double y, double x) { return std::atan2(y, x); }, "atan2(y, x)");
    add_double_binary(registry, "log", [](double base, double x) { return std::log(x) / std::log(base); },
                      "log(b, x): base-b logarithm of x");
    add_double_predicate(registry, "is_nan", [](double x) { return std::isnan(x); }, "true if x is NaN");
    add_double_predicate(registry, "is_finite", [](double x) { return std::isfinite(x); }, "true if x is finite");
    add_double_predicate(registry, "is_infinite", [](double x) { return std::isinf(x); }, "true if x is infinite");
    add_double_constant(registry, "pi", std::numbers::pi, "the constant pi");
    add_double_constant(registry, "e", std::numbers::e, "Euler's number");
    add_double_constant(registry, "nan", std::numeric_limits<double>::quiet_NaN(), "not-a-number");
    add_double_constant(registry, "infinity", std::numeric_limits<double>::infinity(), "positive infinity");

    registry.add_scalar("random", bind_random, "random(): DOUBLE in [0, 1); random(n): integer in [0, n); random(m, n)");
    registry.add_alias("rand", "random");

    add_bitwise(registry, "bitwise_and", [](int64_t x, int64_t y) { return x & y; });
    add_bitwise(registry, "bitwise_or", [](int64_t x, int64_t y) { return x | y; });
    add_bitwise(registry, "bitwise_xor", [](int64_t x, int64_t y) { return x ^ y; });
    registry.add_scalar(
        "bitwise_not",
        [](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
            if (types.size() != 1 || !integer_or_null(types[0])) return std::nullopt;
            return make_function({Type::bigint()}, Type::bigint(), [](const ScalarArgs& args, Column& out) {
                kernel::unary<int64_t, int64_t>(*args.columns[0], out, [](int64_t x) { return ~x; });
            });
        },
        "bitwise_not(x): two's complement NOT");
    registry.add_scalar("width_bucket", bind_width_bucket,
                        "width_bucket(x, low, high, n): bucket number of x in n equal-width buckets");
}

}  // namespace fedq
