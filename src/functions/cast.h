// Casting and type coercion rules (Trino's): which implicit coercions exist, the common super type of
// two types, and the vectorized CAST kernel.
#pragma once

#include <optional>

#include "functions/function.h"
#include "types/type.h"
#include "vector/column.h"

namespace fedq {

// True if a value of `from` may be implicitly converted to `to` (e.g. INTEGER -> BIGINT, BIGINT ->
// DOUBLE, INTEGER -> DECIMAL(10,0), DECIMAL -> DOUBLE, DATE -> TIMESTAMP, VARCHAR literal types are
// not implicit: '1' = 1 is an error in Trino; NULL type -> anything).
bool can_coerce(const Type& from, const Type& to);

// The smallest type both coerce to (for UNION, CASE, COALESCE, comparisons, IN lists), or nullopt.
// INTEGER+BIGINT -> BIGINT; BIGINT+DOUBLE -> DOUBLE; DECIMAL(10,2)+DECIMAL(5,4) -> DECIMAL(12,4);
// INTEGER+DECIMAL(5,2) -> DECIMAL(12,2); DATE+TIMESTAMP -> TIMESTAMP; NULL+T -> T.
std::optional<Type> common_super_type(const Type& a, const Type& b);

// True if an explicit CAST(from AS to) is allowed at all (it may still fail per value).
bool can_cast(const Type& from, const Type& to);

// Casts `input` to `to`, appending input.size() values to `out` (created with type `to`). With
// try_cast, a value that cannot be converted becomes NULL; otherwise it raises kInvalidCast
// ("cannot cast 'abc' to INTEGER") or kNumericOverflow. Casting VARCHAR to numeric/date/timestamp
// trims spaces; numeric to VARCHAR prints like Value::to_string; DOUBLE to integer rounds half away
// from zero (Trino) and checks range; decimal rescaling rounds half away from zero.
void cast_column(const Column& input, const Type& to, Column& out, bool try_cast,
                 const FunctionContext* context = nullptr);

// Casts a single value (constant folding, literals). Same rules as cast_column.
Value cast_value(const Value& value, const Type& to, bool try_cast = false);

}  // namespace fedq
