// Comparison operators ($eq $ne $lt $le $gt $ge). When the argument types differ the binder asks for
// both to be cast to their common super type, so every kernel compares two columns of one type.
// DOUBLE/REAL comparisons are IEEE 754 (NaN compares false), -0 = 0.
#include <cmath>

#include "common/error.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_templates.h"

namespace fedq {

namespace {

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

template <Cmp kOp, typename T>
inline bool ordered(const T& x, const T& y) {
    if constexpr (kOp == Cmp::kEq) return x == y;
    else if constexpr (kOp == Cmp::kNe) return x != y;
    else if constexpr (kOp == Cmp::kLt) return x < y;
    else if constexpr (kOp == Cmp::kLe) return x <= y;
    else if constexpr (kOp == Cmp::kGt) return x > y;
    else return x >= y;
}

template <Cmp kOp>
inline bool from_three_way(int c) {
    return ordered<kOp>(c, 0);
}

// The comparison operators follow IEEE 754 as Trino's do: NaN = NaN is false and every ordering
// comparison with NaN is false (ORDER BY and GROUP BY use their own total order with NaN last).
template <Cmp kOp, typename F>
inline bool floating(F x, F y) {
    if constexpr (kOp == Cmp::kEq) return x == y;
    else if constexpr (kOp == Cmp::kNe) return x != y;
    else if constexpr (kOp == Cmp::kLt) return x < y;
    else if constexpr (kOp == Cmp::kLe) return x <= y;
    else if constexpr (kOp == Cmp::kGt) return x > y;
    else return x >= y;
}

inline int compare_interval(const Interval& x, const Interval& y) {
    if (x.months != y.months) return x.months < y.months ? -1 : 1;
    const int64_t a = static_cast<int64_t>(x.days) * 86400000000LL + x.micros;
    const int64_t b = static_cast<int64_t>(y.days) * 86400000000LL + y.micros;
    return a < b ? -1 : (a > b ? 1 : 0);
}

template <Cmp kOp, typename T>
ScalarKernel fixed_kernel() {
    return [](const ScalarArgs& args, Column& out) {
        kernel::binary<T, T, uint8_t>(*args.columns[0], *args.columns[1], out,
                                      [](T x, T y) -> uint8_t { return ordered<kOp>(x, y); });
    };
}

template <Cmp kOp, typename F>
ScalarKernel floating_kernel() {
    return [](const ScalarArgs& args, Column& out) {
        kernel::binary<F, F, uint8_t>(*args.columns[0], *args.columns[1], out,
                                      [](F x, F y) -> uint8_t { return floating<kOp>(x, y); });
    };
}

template <Cmp kOp>
ScalarKernel string_kernel() {
    return [](const ScalarArgs& args, Column& out) {
        const Column& a = *args.columns[0];
        const Column& b = *args.columns[1];
        const int32_t* ao = a.offsets();
        const int32_t* bo = b.offsets();
        const char* ac = reinterpret_cast<const char*>(a.chars().data());
        const char* bc = reinterpret_cast<const char*>(b.chars().data());
        uint8_t* o = kernel::append_slots<uint8_t>(out, args.rows);
        for (size_t i = 0; i < args.rows; ++i) {
            const int32_t al = ao[i + 1] - ao[i], bl = bo[i + 1] - bo[i];
            if constexpr (kOp == Cmp::kEq || kOp == Cmp::kNe) {
                const bool equal = al == bl && (al == 0 || std::memcmp(ac + ao[i], bc + bo[i], al) == 0);
                o[i] = (kOp == Cmp::kEq) == equal;
            } else {
                o[i] = from_three_way<kOp>(kernel::compare_bytes({ac + ao[i], static_cast<size_t>(al)},
                                                                 {bc + bo[i], static_cast<size_t>(bl)}));
            }
        }
    };
}

template <Cmp kOp>
ScalarKernel interval_kernel() {
    return [](const ScalarArgs& args, Column& out) {
        kernel::binary<Interval, Interval, uint8_t>(
            *args.columns[0], *args.columns[1], out,
            [](const Interval& x, const Interval& y) -> uint8_t { return from_three_way<kOp>(compare_interval(x, y)); });
    };
}

// ARRAY / ROW: slow path through Value.
template <Cmp kOp>
ScalarKernel nested_kernel() {
    return [](const ScalarArgs& args, Column& out) {
        const Column& a = *args.columns[0];
        const Column& b = *args.columns[1];
        uint8_t* o = kernel::append_slots<uint8_t>(out, args.rows);
        for (size_t i = 0; i < args.rows; ++i) {
            o[i] = (a.is_valid(i) && b.is_valid(i)) ? from_three_way<kOp>(a.value_at(i).compare(b.value_at(i))) : 0;
        }
    };
}

template <Cmp kOp>
std::optional<ScalarKernel> kernel_for(const Type& t) {
    switch (t.id()) {
        case TypeId::kNull:
        case TypeId::kBoolean: return fixed_kernel<kOp, uint8_t>();
        case TypeId::kTinyInt: return fixed_kernel<kOp, int8_t>();
        case TypeId::kSmallInt: return fixed_kernel<kOp, int16_t>();
        case TypeId::kInteger:
        case TypeId::kDate: return fixed_kernel<kOp, int32_t>();
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return fixed_kernel<kOp, int64_t>();
        case TypeId::kDecimal: return fixed_kernel<kOp, int128_t>();
        case TypeId::kReal: return floating_kernel<kOp, float>();
        case TypeId::kDouble: return floating_kernel<kOp, double>();
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kJson: return string_kernel<kOp>();
        case TypeId::kInterval: return interval_kernel<kOp>();
        case TypeId::kArray:
        case TypeId::kRow: return nested_kernel<kOp>();
    }
    return std::nullopt;
}

template <Cmp kOp>
std::optional<BoundScalarFunction> bind_comparison(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2) return std::nullopt;
    auto super = common_super_type(types[0], types[1]);
    if (!super) return std::nullopt;
    auto kernel = kernel_for<kOp>(*super);
    if (!kernel) return std::nullopt;
    BoundScalarFunction bound;
    bound.arg_types = {*super, *super};
    bound.return_type = Type::boolean();
    bound.kernel = std::move(*kernel);
    return bound;
}

}  // namespace

void register_comparison_functions(FunctionRegistry& registry) {
    registry.add_scalar("$eq", bind_comparison<Cmp::kEq>);
    registry.add_scalar("$ne", bind_comparison<Cmp::kNe>);
    registry.add_scalar("$lt", bind_comparison<Cmp::kLt>);
    registry.add_scalar("$le", bind_comparison<Cmp::kLe>);
    registry.add_scalar("$gt", bind_comparison<Cmp::kGt>);
    registry.add_scalar("$ge", bind_comparison<Cmp::kGe>);
}

}  // namespace fedq
