// Arithmetic operators ($add $subtract $multiply $divide $modulo $negate) with Trino semantics:
// integers compute in the wider argument type and raise on overflow; DECIMAL follows Trino's result
// precision/scale rules; REAL/DOUBLE follow IEEE; date/time +/- INTERVAL; INTERVAL scaling.
// Every numeric kernel is a template instantiated per physical type (see kernel_templates.h).
#include <cmath>
#include <limits>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_templates.h"
#include "types/datetime.h"
#include "types/decimal.h"

namespace fedq {

namespace {

enum class Op { kAdd, kSubtract, kMultiply, kDivide, kModulo };

const char* op_word(Op op) {
    switch (op) {
        case Op::kAdd: return "addition";
        case Op::kSubtract: return "subtraction";
        case Op::kMultiply: return "multiplication";
        case Op::kDivide: return "division";
        case Op::kModulo: return "modulus";
    }
    return "";
}

const char* op_symbol(Op op) {
    switch (op) {
        case Op::kAdd: return "+";
        case Op::kSubtract: return "-";
        case Op::kMultiply: return "*";
        case Op::kDivide: return "/";
        case Op::kModulo: return "%";
    }
    return "";
}

std::string lower_type_name(const Type& type) {
    std::string name = type.to_string();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

[[noreturn]] void raise_division_by_zero() { raise(ErrorCode::kDivisionByZero, "division by zero"); }

[[noreturn]] void raise_overflow(const Type& type, Op op, const Column& a, const Column& b, size_t row) {
    raise(ErrorCode::kNumericOverflow, "{} {} overflow: {} {} {}", lower_type_name(type), op_word(op),
          a.value_at(row).to_string(), op_symbol(op), b.value_at(row).to_string());
}

BoundScalarFunction make_bound(std::vector<Type> arg_types, Type return_type, ScalarKernel kernel) {
    BoundScalarFunction bound;
    bound.arg_types = std::move(arg_types);
    bound.return_type = std::move(return_type);
    bound.kernel = std::move(kernel);
    return bound;
}

// ---------------------------------------------------------------- integers

template <typename T, Op kOp>
bool integer_op(T x, T y, T& r) {
    if constexpr (kOp == Op::kAdd) {
        return __builtin_add_overflow(x, y, &r);
    } else if constexpr (kOp == Op::kSubtract) {
        return __builtin_sub_overflow(x, y, &r);
    } else if constexpr (kOp == Op::kMultiply) {
        return __builtin_mul_overflow(x, y, &r);
    } else if constexpr (kOp == Op::kDivide) {
        const bool zero = y == 0;
        const bool overflow = (x == std::numeric_limits<T>::min()) & (y == -1);
        const T divisor = (zero | overflow) ? T(1) : y;
        r = static_cast<T>(x / divisor);
        return zero | overflow;
    } else {
        const bool zero = y == 0;
        const T divisor = (zero | (y == -1)) ? T(1) : y;  // x % -1 == 0 == x % 1, avoids MIN % -1
        r = static_cast<T>(x % divisor);
        return zero;
    }
}

template <typename T, Op kOp>
ScalarKernel integer_kernel(const Type& type) {
    return [type](const ScalarArgs& args, Column& out) {
        const Column& b = *args.columns[1];
        kernel::binary_checked<T, T, T>(args, out, integer_op<T, kOp>, [&](size_t row) {
            if ((kOp == Op::kDivide || kOp == Op::kModulo) && b.values<T>()[row] == 0) raise_division_by_zero();
            raise_overflow(type, kOp, *args.columns[0], b, row);
        });
    };
}

template <Op kOp>
ScalarKernel integer_kernel_for(const Type& type) {
    return kernel::dispatch_integer(type.id(), [&](auto tag) { return integer_kernel<decltype(tag), kOp>(type); });
}

// ---------------------------------------------------------------- floating point (IEEE)

template <typename F, Op kOp>
ScalarKernel floating_kernel() {
    return [](const ScalarArgs& args, Column& out) {
        kernel::binary<F, F, F>(*args.columns[0], *args.columns[1], out, [](F x, F y) -> F {
            if constexpr (kOp == Op::kAdd) return x + y;
            else if constexpr (kOp == Op::kSubtract) return x - y;
            else if constexpr (kOp == Op::kMultiply) return x * y;
            else if constexpr (kOp == Op::kDivide) return x / y;
            else return std::fmod(x, y);
        });
    };
}

// ---------------------------------------------------------------- decimals

using u128 = unsigned __int128;

u128 magnitude(int128_t v) { return v < 0 ? -static_cast<u128>(v) : static_cast<u128>(v); }

void multiply_wide(u128 a, u128 b, u128& high, u128& low) {
    const uint64_t a0 = static_cast<uint64_t>(a), a1 = static_cast<uint64_t>(a >> 64);
    const uint64_t b0 = static_cast<uint64_t>(b), b1 = static_cast<uint64_t>(b >> 64);
    const u128 p00 = static_cast<u128>(a0) * b0, p01 = static_cast<u128>(a0) * b1;
    const u128 p10 = static_cast<u128>(a1) * b0, p11 = static_cast<u128>(a1) * b1;
    const u128 middle = (p00 >> 64) + static_cast<uint64_t>(p01) + static_cast<uint64_t>(p10);
    low = (middle << 64) | static_cast<uint64_t>(p00);
    high = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
}

// (high:low) / divisor; false if the quotient does not fit 128 bits.
bool divide_wide(u128 high, u128 low, u128 divisor, u128& quotient, u128& remainder) {
    if (high >= divisor) return false;
    remainder = high;
    quotient = 0;
    for (int bit = 127; bit >= 0; --bit) {
        const bool carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if (carry || remainder >= divisor) {
            remainder -= divisor;
            quotient |= 1;
        }
    }
    return true;
}

// round_half_up(x * 10^shift / y) into r; returns true on failure (y == 0 or overflow of `max`).
bool decimal_divide(int128_t x, int128_t y, int128_t multiplier, int128_t max, int128_t& r) {
    r = 0;
    if (y == 0) return true;
    const bool negative = (x < 0) != (y < 0);
    const u128 divisor = magnitude(y);
    u128 quotient, remainder;
    int128_t numerator;
    if (!__builtin_mul_overflow(x, multiplier, &numerator)) {
        const u128 n = magnitude(numerator);
        quotient = n / divisor;
        remainder = n % divisor;
    } else {
        u128 high, low;
        multiply_wide(magnitude(x), static_cast<u128>(multiplier), high, low);
        if (!divide_wide(high, low, divisor, quotient, remainder)) return true;
    }
    if (remainder >= divisor - remainder) ++quotient;  // 2 * remainder >= divisor, without overflow
    if (quotient > static_cast<u128>(max)) return true;
    r = negative ? -static_cast<int128_t>(quotient) : static_cast<int128_t>(quotient);
    return false;
}

struct DecimalPlan {
    int128_t factor_a = 1, factor_b = 1;  // rescale multipliers (add, subtract, modulo)
    int128_t multiplier = 1;              // divide: 10^(s - s1 + s2)
    int128_t max = 0;                     // result bound
};

template <Op kOp, bool kScaleA, bool kScaleB>
ScalarKernel decimal_kernel(DecimalPlan plan, Type result) {
    return [plan, result](const ScalarArgs& args, Column& out) {
        const Column& b = *args.columns[1];
        auto op = [plan](int128_t x, int128_t y, int128_t& r) -> bool {
            bool failed = false;
            if constexpr (kOp == Op::kDivide) {
                return decimal_divide(x, y, plan.multiplier, plan.max, r);
            } else {
                if constexpr (kScaleA) failed |= __builtin_mul_overflow(x, plan.factor_a, &x);
                if constexpr (kScaleB) failed |= __builtin_mul_overflow(y, plan.factor_b, &y);
                if constexpr (kOp == Op::kAdd) failed |= __builtin_add_overflow(x, y, &r);
                else if constexpr (kOp == Op::kSubtract) failed |= __builtin_sub_overflow(x, y, &r);
                else if constexpr (kOp == Op::kMultiply) failed |= __builtin_mul_overflow(x, y, &r);
                else {
                    const bool zero = y == 0;
                    r = x % (zero ? int128_t(1) : y);
                    return zero | failed;
                }
                return failed | (r > plan.max) | (r < -plan.max);
            }
        };
        kernel::binary_checked<int128_t, int128_t, int128_t>(args, out, op, [&](size_t row) {
            if ((kOp == Op::kDivide || kOp == Op::kModulo) && b.values<int128_t>()[row] == 0) {
                raise_division_by_zero();
            }
            raise_overflow(result, kOp, *args.columns[0], b, row);
        });
    };
}

template <Op kOp>
ScalarKernel decimal_kernel_for(const DecimalPlan& plan, const Type& result) {
    const bool scale_a = plan.factor_a != 1, scale_b = plan.factor_b != 1;
    if (scale_a && scale_b) return decimal_kernel<kOp, true, true>(plan, result);
    if (scale_a) return decimal_kernel<kOp, true, false>(plan, result);
    if (scale_b) return decimal_kernel<kOp, false, true>(plan, result);
    return decimal_kernel<kOp, false, false>(plan, result);
}

Type decimal_of(const Type& t) {
    if (t.id() == TypeId::kDecimal) return t;
    switch (t.id()) {
        case TypeId::kTinyInt: return Type::decimal(3, 0);
        case TypeId::kSmallInt: return Type::decimal(5, 0);
        case TypeId::kInteger: return Type::decimal(10, 0);
        default: return Type::decimal(19, 0);
    }
}

std::optional<BoundScalarFunction> bind_decimal(Op op, const Type& left, const Type& right) {
    const Type a = decimal_of(left), b = decimal_of(right);
    const int p1 = a.precision(), s1 = a.scale(), p2 = b.precision(), s2 = b.scale();
    DecimalPlan plan;
    Type result;
    switch (op) {
        case Op::kAdd:
        case Op::kSubtract: {
            const int s = std::max(s1, s2);
            result = Type::decimal(std::min(38, std::max(p1 - s1, p2 - s2) + s + 1), s);
            plan.factor_a = pow10_i128(s - s1);
            plan.factor_b = pow10_i128(s - s2);
            break;
        }
        case Op::kMultiply: {
            if (s1 + s2 > 38) {
                raise(ErrorCode::kNumericOverflow, "DECIMAL scale {} of a multiplication exceeds 38", s1 + s2);
            }
            result = Type::decimal(std::min(38, p1 + p2), s1 + s2);
            break;
        }
        case Op::kDivide: {
            const int s = std::max(s1, s2);
            result = Type::decimal(std::clamp(p1 - s1 + s2 + s, 1, 38), s);
            plan.multiplier = pow10_i128(s - s1 + s2);
            break;
        }
        case Op::kModulo: {
            const int s = std::max(s1, s2);
            result = Type::decimal(std::clamp(std::min(p1 - s1, p2 - s2) + s, 1, 38), s);
            plan.factor_a = pow10_i128(s - s1);
            plan.factor_b = pow10_i128(s - s2);
            break;
        }
    }
    plan.max = decimal_max(result.precision());
    ScalarKernel kernel;
    switch (op) {
        case Op::kAdd: kernel = decimal_kernel_for<Op::kAdd>(plan, result); break;
        case Op::kSubtract: kernel = decimal_kernel_for<Op::kSubtract>(plan, result); break;
        case Op::kMultiply: kernel = decimal_kernel_for<Op::kMultiply>(plan, result); break;
        case Op::kDivide: kernel = decimal_kernel_for<Op::kDivide>(plan, result); break;
        case Op::kModulo: kernel = decimal_kernel_for<Op::kModulo>(plan, result); break;
    }
    return make_bound({a, b}, result, std::move(kernel));
}

template <Op kOp>
std::optional<BoundScalarFunction> bind_numeric_op(const Type& a, const Type& b) {
    auto super = common_super_type(a, b);
    if (!super || !super->is_numeric()) return std::nullopt;
    const Type& t = *super;
    if (t.is_integer()) return make_bound({t, t}, t, integer_kernel_for<kOp>(t));
    if (t.id() == TypeId::kDouble) return make_bound({t, t}, t, floating_kernel<double, kOp>());
    if (t.id() == TypeId::kReal) return make_bound({t, t}, t, floating_kernel<float, kOp>());
    return bind_decimal(kOp, a.id() == TypeId::kNull ? b : a, b.id() == TypeId::kNull ? a : b);
}

// ---------------------------------------------------------------- date / time / interval

int64_t add_interval_to_micros(int64_t t, const Interval& iv) {
    if (iv.months) {
        const int64_t days = floor_div(t, kMicrosPerDay);
        const int64_t time_of_day = t - days * kMicrosPerDay;
        t = static_cast<int64_t>(add_months_to_days(static_cast<int32_t>(days), iv.months)) * kMicrosPerDay +
            time_of_day;
    }
    return t + static_cast<int64_t>(iv.days) * kMicrosPerDay + iv.micros;
}

int32_t add_interval_to_date(int32_t d, const Interval& iv) {
    if (iv.months) d = add_months_to_days(d, iv.months);
    int64_t days = static_cast<int64_t>(d) + iv.days;
    if (iv.micros) days = floor_div(days * kMicrosPerDay + iv.micros, kMicrosPerDay);
    return static_cast<int32_t>(days);
}

Interval negate_interval(const Interval& iv) { return {-iv.months, -iv.days, -iv.micros}; }

// temporal (+|-) interval; `interval_first`: the interval is argument 0.
std::optional<BoundScalarFunction> bind_temporal_interval(const Type& temporal, bool subtract, bool interval_first) {
    const int t_index = interval_first ? 1 : 0, i_index = interval_first ? 0 : 1;
    std::vector<Type> arg_types = interval_first ? std::vector<Type>{Type::interval(), temporal}
                                                 : std::vector<Type>{temporal, Type::interval()};
    const double sign = subtract ? -1 : 1;
    if (temporal.id() == TypeId::kDate) {
        return make_bound(arg_types, temporal, [=](const ScalarArgs& args, Column& out) {
            const int32_t* d = args.columns[t_index]->values<int32_t>();
            const Interval* iv = args.columns[i_index]->values<Interval>();
            int32_t* o = kernel::append_slots<int32_t>(out, args.rows);
            for (size_t i = 0; i < args.rows; ++i) o[i] = add_interval_to_date(d[i], sign < 0 ? negate_interval(iv[i]) : iv[i]);
        });
    }
    return make_bound(arg_types, temporal, [=](const ScalarArgs& args, Column& out) {
        const int64_t* t = args.columns[t_index]->values<int64_t>();
        const Interval* iv = args.columns[i_index]->values<Interval>();
        int64_t* o = kernel::append_slots<int64_t>(out, args.rows);
        for (size_t i = 0; i < args.rows; ++i) o[i] = add_interval_to_micros(t[i], sign < 0 ? negate_interval(iv[i]) : iv[i]);
    });
}

std::optional<BoundScalarFunction> bind_interval_interval(bool subtract) {
    const Type iv = Type::interval();
    return make_bound({iv, iv}, iv, [subtract](const ScalarArgs& args, Column& out) {
        auto op = [subtract](Interval x, Interval y, Interval& r) -> bool {
            if (subtract) y = negate_interval(y);
            return __builtin_add_overflow(x.months, y.months, &r.months) |
                   __builtin_add_overflow(x.days, y.days, &r.days) |
                   __builtin_add_overflow(x.micros, y.micros, &r.micros);
        };
        kernel::binary_checked<Interval, Interval, Interval>(args, out, op, [](size_t) {
            raise(ErrorCode::kNumericOverflow, "interval arithmetic overflow");
        });
    });
}

Interval scale_interval(const Interval& iv, double factor) {
    Interval r;
    r.months = static_cast<int32_t>(std::llround(iv.months * factor));
    const double days = iv.days * factor;
    r.days = static_cast<int32_t>(std::trunc(days));
    r.micros = std::llround(static_cast<double>(iv.micros) * factor + (days - r.days) * kMicrosPerDay);
    return r;
}

// interval * number, number * interval, interval / number.
std::optional<BoundScalarFunction> bind_interval_scale(const Type& number, bool interval_first, bool divide) {
    const int i_index = interval_first ? 0 : 1, n_index = interval_first ? 1 : 0;
    std::vector<Type> arg_types = interval_first ? std::vector<Type>{Type::interval(), Type::double_()}
                                                 : std::vector<Type>{Type::double_(), Type::interval()};
    if (number.is_integer() && !divide) {
        arg_types[n_index] = Type::bigint();
        return make_bound(arg_types, Type::interval(), [=](const ScalarArgs& args, Column& out) {
            const Interval* iv = args.columns[i_index]->values<Interval>();
            const int64_t* n = args.columns[n_index]->values<int64_t>();
            Interval* o = kernel::append_slots<Interval>(out, args.rows);
            bool failed = false;
            for (size_t i = 0; i < args.rows; ++i) {
                int64_t months, days;
                failed |= __builtin_mul_overflow(static_cast<int64_t>(iv[i].months), n[i], &months);
                failed |= __builtin_mul_overflow(static_cast<int64_t>(iv[i].days), n[i], &days);
                failed |= __builtin_mul_overflow(iv[i].micros, n[i], &o[i].micros);
                failed |= months != static_cast<int32_t>(months) || days != static_cast<int32_t>(days);
                o[i].months = static_cast<int32_t>(months);
                o[i].days = static_cast<int32_t>(days);
            }
            if (failed) {
                for (size_t i = 0; i < args.rows; ++i) {
                    int64_t m, d, u;
                    bool bad = __builtin_mul_overflow(static_cast<int64_t>(iv[i].months), n[i], &m) ||
                               __builtin_mul_overflow(static_cast<int64_t>(iv[i].days), n[i], &d) ||
                               __builtin_mul_overflow(iv[i].micros, n[i], &u) || m != static_cast<int32_t>(m) ||
                               d != static_cast<int32_t>(d);
                    if (bad && kernel::row_valid(args, i)) raise(ErrorCode::kNumericOverflow, "interval multiplication overflow");
                }
            }
        });
    }
    return make_bound(arg_types, Type::interval(), [=](const ScalarArgs& args, Column& out) {
        const Interval* iv = args.columns[i_index]->values<Interval>();
        const double* n = args.columns[n_index]->values<double>();
        Interval* o = kernel::append_slots<Interval>(out, args.rows);
        for (size_t i = 0; i < args.rows; ++i) {
            if (divide && n[i] == 0 && kernel::row_valid(args, i)) raise_division_by_zero();
            const double factor = divide ? (n[i] == 0 ? 0.0 : 1.0 / n[i]) : n[i];
            if (!std::isfinite(factor) && kernel::row_valid(args, i)) {
                raise(ErrorCode::kInvalidParameter, "cannot scale an interval by {}", n[i]);
            }
            o[i] = std::isfinite(factor) ? scale_interval(iv[i], factor) : Interval{};
        }
    });
}

std::optional<BoundScalarFunction> bind_temporal_difference(const Type& a, const Type& b) {
    auto super = common_super_type(a, b);
    if (!super) return std::nullopt;
    const Type t = *super;
    if (t.id() == TypeId::kDate) {
        return make_bound({t, t}, Type::bigint(), [](const ScalarArgs& args, Column& out) {
            kernel::binary<int32_t, int32_t, int64_t>(*args.columns[0], *args.columns[1], out, [](int32_t x, int32_t y) {
                return static_cast<int64_t>(x) - y;
            });
        });
    }
    return make_bound({t, t}, Type::interval(), [](const ScalarArgs& args, Column& out) {
        kernel::binary<int64_t, int64_t, Interval>(*args.columns[0], *args.columns[1], out, [](int64_t x, int64_t y) {
            const int64_t diff = x - y;
            return Interval{0, static_cast<int32_t>(diff / kMicrosPerDay), diff % kMicrosPerDay};
        });
    });
}

template <Op kOp>
std::optional<BoundScalarFunction> bind_binary(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2) return std::nullopt;
    Type a = types[0], b = types[1];
    const bool a_null = a.id() == TypeId::kNull, b_null = b.id() == TypeId::kNull;
    // An untyped NULL takes the type that makes the operation valid.
    if (a_null && b_null) a = b = Type::integer();
    else if (a_null) a = b.is_temporal() ? Type::interval() : b;
    else if (b_null) b = a.is_temporal() ? Type::interval() : a;

    if (a.is_numeric() && b.is_numeric()) return bind_numeric_op<kOp>(a, b);
    const TypeId x = a.id(), y = b.id();
    if constexpr (kOp == Op::kAdd) {
        if (a.is_temporal() && y == TypeId::kInterval) return bind_temporal_interval(a, false, false);
        if (x == TypeId::kInterval && b.is_temporal()) return bind_temporal_interval(b, false, true);
        if (x == TypeId::kInterval && y == TypeId::kInterval) return bind_interval_interval(false);
    } else if constexpr (kOp == Op::kSubtract) {
        if (a.is_temporal() && y == TypeId::kInterval) return bind_temporal_interval(a, true, false);
        if (a.is_temporal() && b.is_temporal()) return bind_temporal_difference(a, b);
        if (x == TypeId::kInterval && y == TypeId::kInterval) return bind_interval_interval(true);
    } else if constexpr (kOp == Op::kMultiply) {
        if (x == TypeId::kInterval && b.is_numeric()) return bind_interval_scale(b, true, false);
        if (a.is_numeric() && y == TypeId::kInterval) return bind_interval_scale(a, false, false);
    } else if constexpr (kOp == Op::kDivide) {
        if (x == TypeId::kInterval && b.is_numeric()) return bind_interval_scale(b, true, true);
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- negation

std::optional<BoundScalarFunction> bind_negate(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 1) return std::nullopt;
    const Type t = types[0].id() == TypeId::kNull ? Type::integer() : types[0];
    if (t.is_integer()) {
        return make_bound({t}, t, kernel::dispatch_integer(t.id(), [&](auto tag) -> ScalarKernel {
            using T = decltype(tag);
            return [t](const ScalarArgs& args, Column& out) {
                kernel::unary_checked<T, T>(args, out, [](T x, T& r) { return __builtin_sub_overflow(T(0), x, &r); },
                                            [&](size_t row) {
                                                raise(ErrorCode::kNumericOverflow, "{} negation overflow: -({})",
                                                      lower_type_name(t), args.columns[0]->value_at(row).to_string());
                                            });
            };
        }));
    }
    switch (t.id()) {
        case TypeId::kReal:
            return make_bound({t}, t, [](const ScalarArgs& args, Column& out) {
                kernel::unary<float, float>(*args.columns[0], out, [](float x) { return -x; });
            });
        case TypeId::kDouble:
            return make_bound({t}, t, [](const ScalarArgs& args, Column& out) {
                kernel::unary<double, double>(*args.columns[0], out, [](double x) { return -x; });
            });
        case TypeId::kDecimal:
            return make_bound({t}, t, [](const ScalarArgs& args, Column& out) {
                kernel::unary<int128_t, int128_t>(*args.columns[0], out, [](int128_t x) { return -x; });
            });
        case TypeId::kInterval:
            return make_bound({t}, t, [](const ScalarArgs& args, Column& out) {
                kernel::unary<Interval, Interval>(*args.columns[0], out, negate_interval);
            });
        default: return std::nullopt;
    }
}

}  // namespace

void register_arithmetic_functions(FunctionRegistry& registry) {
    registry.add_scalar("$add", bind_binary<Op::kAdd>);
    registry.add_scalar("$subtract", bind_binary<Op::kSubtract>);
    registry.add_scalar("$multiply", bind_binary<Op::kMultiply>);
    registry.add_scalar("$divide", bind_binary<Op::kDivide>);
    registry.add_scalar("$modulo", bind_binary<Op::kModulo>);
    registry.add_scalar("$negate", bind_negate);
    registry.add_scalar(
        "mod",
        [](const std::vector<Type>& types, const ConstantArgs& constants) -> std::optional<BoundScalarFunction> {
            if (types.size() != 2 || !(types[0].is_numeric() || types[0].id() == TypeId::kNull) ||
                !(types[1].is_numeric() || types[1].id() == TypeId::kNull)) {
                return std::nullopt;
            }
            return bind_binary<Op::kModulo>(types, constants);
        },
        "mod(n, m): remainder of n / m, with the sign of n");
}

}  // namespace fedq
