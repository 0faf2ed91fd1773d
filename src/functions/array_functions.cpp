// Array functions (Trino names and semantics). Element comparisons dispatch once per kernel call on
// the element's physical type (fixed-width values, strings, or a Value slow path for nested and
// interval elements), so the per-element work is a direct load and compare. Results that reorder or
// filter elements collect child indices for the whole batch and copy them with one append_gather.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/error.h"
#include "functions/array_builder.h"
#include "functions/signature.h"
#include "types/datetime.h"

namespace fedq {

namespace {

const Type kBigint = Type::bigint();
const Type kVarchar = Type::varchar();
constexpr int64_t kMaxSequenceEntries = 10000;

// ---------------------------------------------------------------------------------------- element access

template <typename T>
struct FixedAccess {
    static T get(const Column& column, size_t index) { return column.values<T>()[index]; }
    static bool less(const T& a, const T& b) { return a < b; }
    static bool equal(const T& a, const T& b) { return a == b; }
};
struct StringAccess {
    static std::string_view get(const Column& column, size_t index) { return column.string_at(index); }
    static bool less(std::string_view a, std::string_view b) { return a < b; }
    static bool equal(std::string_view a, std::string_view b) { return a == b; }
};
struct ValueAccess {  // nested and interval elements: slow path
    static Value get(const Column& column, size_t index) { return column.value_at(index); }
    static bool less(const Value& a, const Value& b) { return a.compare(b) < 0; }
    static bool equal(const Value& a, const Value& b) { return a.compare(b) == 0; }
};

template <typename F>
decltype(auto) dispatch_access(const Type& type, F&& f) {
    switch (type.id()) {
        case TypeId::kBoolean: return f(FixedAccess<uint8_t>{});
        case TypeId::kTinyInt: return f(FixedAccess<int8_t>{});
        case TypeId::kSmallInt: return f(FixedAccess<int16_t>{});
        case TypeId::kInteger: case TypeId::kDate: return f(FixedAccess<int32_t>{});
        case TypeId::kBigInt: case TypeId::kTimestamp: case TypeId::kTimestampTz: return f(FixedAccess<int64_t>{});
        case TypeId::kReal: return f(FixedAccess<float>{});
        case TypeId::kDouble: return f(FixedAccess<double>{});
        case TypeId::kDecimal: return f(FixedAccess<int128_t>{});
        case TypeId::kVarchar: case TypeId::kVarbinary: case TypeId::kJson: return f(StringAccess{});
        default: return f(ValueAccess{});
    }
}

// Builds an ARRAY column from child indices gathered over a whole batch.
class ArrayGather {
public:
    explicit ArrayGather(Column& out) : out_(out), base_(static_cast<int32_t>(array_elements(out).size())) {}
    void add(uint32_t child_index) { indices_.push_back(child_index); }
    void end_row() {
        out_.data().push<int32_t>(base_ + static_cast<int32_t>(indices_.size()));
        out_.set_size(out_.size() + 1);
        if (out_.has_nulls()) out_.mutable_validity();
    }
    void null_row() { out_.append_null(); }
    void finish(const Column& source_elements) {
        array_elements(out_).append_gather(source_elements, indices_.data(), indices_.size());
    }

private:
    Column& out_;
    int32_t base_;
    std::vector<uint32_t> indices_;
};

// ---------------------------------------------------------------------------------------- binding helpers

bool is_array(const Type& type) { return type.id() == TypeId::kArray; }

// (array(E), x): the element type both sides are cast to, or nullopt.
std::optional<Type> element_and_value(const std::vector<Type>& types) {
    if (types.size() != 2) return std::nullopt;
    if (types[0].id() == TypeId::kNull) return types[1].id() == TypeId::kNull ? std::nullopt : std::optional(types[1]);
    if (!is_array(types[0])) return std::nullopt;
    const Type& element = types[0].element();
    if (accepts(element, types[1])) return element;
    if (accepts(types[1], element)) return types[1];
    return std::nullopt;
}

// Binder for f(array(E)[, extra...]) with `extra` declared types; result computed from E.
template <typename Result, typename Kernel>
ScalarBinder array_binder(std::vector<Type> extra, Result result, Kernel kernel, bool propagates = true) {
    return [=](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (types.size() != 1 + extra.size() || !is_array(types[0])) return std::nullopt;
        std::vector<Type> declared = {types[0]};
        declared.insert(declared.end(), extra.begin(), extra.end());
        if (!matches(types, declared)) return std::nullopt;
        const Type element = types[0].element();
        return make_bound(declared, result(types[0]), [kernel, element](const ScalarArgs& args, Column& out) {
            kernel(element, args, out);
        }, propagates);
    };
}

Type same_type(const Type& array) { return array; }
Type element_type(const Type& array) { return array.element(); }

// ---------------------------------------------------------------------------------------- kernels

void element_at_kernel(const Type&, const ScalarArgs& args, Column& out, bool strict) {
    const Column& arrays = *args.columns[0];
    const Column& elements = arrays.children()[0];
    const int64_t* indices = args.columns[1]->values<int64_t>();
    for (size_t row = 0; row < args.rows; ++row) {
        if (arrays.is_null(row) || args.columns[1]->is_null(row)) {
            out.append_null();
            continue;
        }
        const ArraySpan span = array_span(arrays, row);
        int64_t index = indices[row];
        if (index == 0) raise(ErrorCode::kInvalidParameter, "SQL array indices start at 1");
        if (strict && (index < 0 || index > span.size())) {
            raise(ErrorCode::kInvalidParameter, "Array subscript out of bounds: index {} for an array of {} elements",
                  index, span.size());
        }
        if (index < 0) index += span.size() + 1;
        if (index < 1 || index > span.size()) {
            out.append_null();
            continue;
        }
        out.append_from(elements, static_cast<size_t>(span.begin + index - 1));
    }
}

// contains / array_position: scans each array for the value.
template <bool kPosition>
void search_kernel(const Type& element, const ScalarArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    const Column& elements = arrays.children()[0];
    const Column& needles = *args.columns[1];
    dispatch_access(element, [&](auto access) {
        using Access = decltype(access);
        for (size_t row = 0; row < args.rows; ++row) {
            if (arrays.is_null(row) || needles.is_null(row)) {
                out.append_null();
                continue;
            }
            const auto needle = Access::get(needles, row);
            const ArraySpan span = array_span(arrays, row);
            int64_t found = 0;
            bool saw_null = false;
            for (int32_t i = span.begin; i < span.end; ++i) {
                if (elements.is_null(i)) {
                    saw_null = true;
                    continue;
                }
                if (Access::equal(Access::get(elements, i), needle)) {
                    found = i - span.begin + 1;
                    break;
                }
            }
            if constexpr (kPosition) {
                out.append<int64_t>(found);
            } else {
                if (!found && saw_null) out.append_null();  // unknown: NULL might be equal
                else out.append<uint8_t>(found != 0);
            }
        }
    });
}

// Orders the non-NULL elements of each array; NULLs last. `distinct` drops repeats (first kept, order
// of first occurrence preserved); `sort` returns sorted order.
void sort_distinct_kernel(const Type& element, const ScalarArgs& args, Column& out, bool sort, bool distinct) {
    const Column& arrays = *args.columns[0];
    const Column& elements = arrays.children()[0];
    ArrayGather gather(out);
    std::vector<uint32_t> order, kept;
    dispatch_access(element, [&](auto access) {
        using Access = decltype(access);
        for (size_t row = 0; row < args.rows; ++row) {
            if (arrays.is_null(row)) {
                gather.null_row();
                continue;
            }
            const ArraySpan span = array_span(arrays, row);
            order.clear();
            size_t nulls = 0;
            uint32_t first_null = 0;
            for (int32_t i = span.begin; i < span.end; ++i) {
                if (elements.is_null(i)) {
                    if (nulls++ == 0) first_null = static_cast<uint32_t>(i);
                    continue;
                }
                order.push_back(static_cast<uint32_t>(i));
            }
            std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
                return Access::less(Access::get(elements, a), Access::get(elements, b));
            });
            kept.clear();
            for (size_t i = 0; i < order.size(); ++i) {
                if (distinct && i > 0 && Access::equal(Access::get(elements, order[i]), Access::get(elements, order[i - 1]))) {
                    continue;  // stable sort: the first occurrence of each value comes first
                }
                kept.push_back(order[i]);
            }
            if (!sort) {  // distinct in order of first occurrence
                if (distinct && nulls) kept.push_back(first_null);
                std::sort(kept.begin(), kept.end());
                for (uint32_t index : kept) gather.add(index);
            } else {
                for (uint32_t index : kept) gather.add(index);
                for (int32_t i = span.begin; i < span.end; ++i) {
                    if (elements.is_null(i) && (!distinct || static_cast<uint32_t>(i) == first_null)) gather.add(i);
                }
            }
            gather.end_row();
        }
    });
    gather.finish(elements);
}

template <bool kMax>
void min_max_kernel(const Type& element, const ScalarArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    const Column& elements = arrays.children()[0];
    dispatch_access(element, [&](auto access) {
        using Access = decltype(access);
        for (size_t row = 0; row < args.rows; ++row) {
            const ArraySpan span = array_span(arrays, row);
            if (arrays.is_null(row) || span.size() == 0) {
                out.append_null();
                continue;
            }
            int32_t best = -1;
            bool has_null = false;
            for (int32_t i = span.begin; i < span.end && !has_null; ++i) {
                if (elements.is_null(i)) {
                    has_null = true;
                } else if (best < 0 || (kMax ? Access::less(Access::get(elements, best), Access::get(elements, i))
                                             : Access::less(Access::get(elements, i), Access::get(elements, best)))) {
                    best = i;
                }
            }
            if (has_null) out.append_null();
            else out.append_from(elements, static_cast<size_t>(best));
        }
    });
}

void slice_kernel(const Type&, const ScalarArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    ArrayGather gather(out);
    for (size_t row = 0; row < args.rows; ++row) {
        if (arrays.is_null(row) || args.columns[1]->is_null(row) || args.columns[2]->is_null(row)) {
            gather.null_row();
            continue;
        }
        const ArraySpan span = array_span(arrays, row);
        int64_t start = args.columns[1]->values<int64_t>()[row];
        const int64_t length = args.columns[2]->values<int64_t>()[row];
        if (start == 0) raise(ErrorCode::kInvalidParameter, "SQL array indices start at 1");
        if (length < 0) raise(ErrorCode::kInvalidParameter, "length must be greater than or equal to 0");
        if (start < 0) start += span.size() + 1;
        if (start >= 1 && start <= span.size()) {
            const int64_t end = std::min<int64_t>(span.size(), start - 1 + length);
            for (int64_t i = start - 1; i < end; ++i) gather.add(static_cast<uint32_t>(span.begin + i));
        }
        gather.end_row();
    }
    gather.finish(arrays.children()[0]);
}

void remove_kernel(const Type& element, const ScalarArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    const Column& elements = arrays.children()[0];
    const Column& values = *args.columns[1];
    ArrayGather gather(out);
    dispatch_access(element, [&](auto access) {
        using Access = decltype(access);
        for (size_t row = 0; row < args.rows; ++row) {
            if (arrays.is_null(row) || values.is_null(row)) {
                gather.null_row();
                continue;
            }
            const auto value = Access::get(values, row);
            const ArraySpan span = array_span(arrays, row);
            for (int32_t i = span.begin; i < span.end; ++i) {
                if (elements.is_null(i) || !Access::equal(Access::get(elements, i), value)) gather.add(i);
            }
            gather.end_row();
        }
    });
    gather.finish(elements);
}

void reverse_kernel(const Type&, const ScalarArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    ArrayGather gather(out);
    for (size_t row = 0; row < args.rows; ++row) {
        if (arrays.is_null(row)) {
            gather.null_row();
            continue;
        }
        const ArraySpan span = array_span(arrays, row);
        for (int32_t i = span.end - 1; i >= span.begin; --i) gather.add(static_cast<uint32_t>(i));
        gather.end_row();
    }
    gather.finish(arrays.children()[0]);
}

void append_element_text(const Column& elements, size_t index, std::string& out) {
    const Type& type = elements.type();
    switch (type.id()) {
        case TypeId::kVarchar: case TypeId::kJson: out.append(elements.string_at(index)); break;
        case TypeId::kTinyInt: fmt::format_to(std::back_inserter(out), "{}", elements.values<int8_t>()[index]); break;
        case TypeId::kSmallInt: fmt::format_to(std::back_inserter(out), "{}", elements.values<int16_t>()[index]); break;
        case TypeId::kInteger: fmt::format_to(std::back_inserter(out), "{}", elements.values<int32_t>()[index]); break;
        case TypeId::kBigInt: fmt::format_to(std::back_inserter(out), "{}", elements.values<int64_t>()[index]); break;
        default: out.append(elements.value_at(index).to_string());
    }
}

ScalarBinder array_join_binder(bool with_replacement) {
    return [with_replacement](const std::vector<Type>& types,
                              const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        const size_t arity = with_replacement ? 3 : 2;
        if (types.size() != arity || !is_array(types[0]) || types[0].element().is_nested()) return std::nullopt;
        std::vector<Type> declared = {types[0], kVarchar};
        if (with_replacement) declared.push_back(kVarchar);
        if (!matches(types, declared)) return std::nullopt;
        return make_bound(declared, kVarchar, [with_replacement](const ScalarArgs& args, Column& out) {
            const Column& arrays = *args.columns[0];
            const Column& elements = arrays.children()[0];
            std::string text;
            for (size_t row = 0; row < args.rows; ++row) {
                text.clear();
                const ArraySpan span = array_span(arrays, row);
                const std::string_view separator = args.columns[1]->string_at(row);
                bool first = true;
                for (int32_t i = span.begin; i < span.end; ++i) {
                    if (elements.is_null(i) && !with_replacement) continue;
                    if (!first) text.append(separator);
                    first = false;
                    if (elements.is_null(i)) text.append(args.columns[2]->string_at(row));
                    else append_element_text(elements, static_cast<size_t>(i), text);
                }
                out.append_string(text);
            }
        });
    };
}

// ---------------------------------------------------------------------------------------- set operations

enum class SetOperation { kIntersect, kUnion, kExcept, kOverlap };

// array_intersect / array_union / array_except (distinct results in order of first occurrence, a NULL
// element kept once where the set semantics say so) and arrays_overlap.
void set_kernel(const Type& element, const ScalarArgs& args, Column& out, SetOperation operation) {
    const Column& left_arrays = *args.columns[0];
    const Column& right_arrays = *args.columns[1];
    const Column& left = left_arrays.children()[0];
    const Column& right = right_arrays.children()[0];
    struct Ref {
        const Column* column;
        uint32_t index;
    };
    std::vector<uint32_t> right_sorted;
    std::vector<Ref> candidates;
    dispatch_access(element, [&](auto access) {
        using Access = decltype(access);
        auto less = [](const Ref& a, const Ref& b) {
            return Access::less(Access::get(*a.column, a.index), Access::get(*b.column, b.index));
        };
        for (size_t row = 0; row < args.rows; ++row) {
            if (left_arrays.is_null(row) || right_arrays.is_null(row)) {
                out.append_null();
                continue;
            }
            const ArraySpan l = array_span(left_arrays, row), r = array_span(right_arrays, row);
            right_sorted.clear();
            bool right_null = false, left_null = false;
            for (int32_t i = r.begin; i < r.end; ++i) {
                if (right.is_null(i)) right_null = true;
                else right_sorted.push_back(static_cast<uint32_t>(i));
            }
            std::sort(right_sorted.begin(), right_sorted.end(), [&](uint32_t a, uint32_t b) {
                return Access::less(Access::get(right, a), Access::get(right, b));
            });
            auto in_right = [&](uint32_t index) {
                const auto value = Access::get(left, index);
                auto it = std::lower_bound(right_sorted.begin(), right_sorted.end(), value,
                                           [&](uint32_t a, const auto& v) { return Access::less(Access::get(right, a), v); });
                return it != right_sorted.end() && Access::equal(Access::get(right, *it), value);
            };
            candidates.clear();
            bool overlap = false;
            for (int32_t i = l.begin; i < l.end; ++i) {
                const uint32_t index = static_cast<uint32_t>(i);
                if (left.is_null(i)) {
                    left_null = true;
                    const bool keep = operation == SetOperation::kUnion ||
                                      (operation == SetOperation::kIntersect && right_null) ||
                                      (operation == SetOperation::kExcept && !right_null);
                    if (keep) candidates.push_back({&left, index});
                    continue;
                }
                const bool found = in_right(index);
                overlap = overlap || found;
                if (operation == SetOperation::kUnion || (operation == SetOperation::kIntersect && found) ||
                    (operation == SetOperation::kExcept && !found)) {
                    candidates.push_back({&left, index});
                }
            }
            if (operation == SetOperation::kOverlap) {
                if (overlap) out.append<uint8_t>(1);
                else if ((left_null && r.size() > 0) || (right_null && l.size() > 0)) out.append_null();
                else out.append<uint8_t>(0);
                continue;
            }
            if (operation == SetOperation::kUnion) {
                for (int32_t i = r.begin; i < r.end; ++i) candidates.push_back({&right, static_cast<uint32_t>(i)});
            }
            // Distinct, keeping the first occurrence: NULLs first (once), then stable-sorted values.
            std::vector<size_t> values;
            size_t first_null = SIZE_MAX;
            for (size_t c = 0; c < candidates.size(); ++c) {
                if (candidates[c].column->is_null(candidates[c].index)) first_null = std::min(first_null, c);
                else values.push_back(c);
            }
            std::stable_sort(values.begin(), values.end(),
                             [&](size_t a, size_t b) { return less(candidates[a], candidates[b]); });
            std::vector<size_t> chosen;
            for (size_t i = 0; i < values.size(); ++i) {
                if (i > 0 && !less(candidates[values[i - 1]], candidates[values[i]])) continue;
                chosen.push_back(values[i]);
            }
            if (first_null != SIZE_MAX) chosen.push_back(first_null);
            std::sort(chosen.begin(), chosen.end());
            Column& elements = array_elements(out);
            for (size_t c : chosen) elements.append_from(*candidates[c].column, candidates[c].index);
            finish_array_row(out);
        }
    });
}

ScalarBinder set_binder(SetOperation operation) {
    return [operation](const std::vector<Type>& types, const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        if (types.size() != 2 || !is_array(types[0]) || !is_array(types[1])) return std::nullopt;
        Type element = types[0].element();
        if (!accepts(element, types[1].element())) {
            if (!accepts(types[1].element(), element)) return std::nullopt;
            element = types[1].element();
        }
        const Type array = Type::array(element);
        const Type result = operation == SetOperation::kOverlap ? Type::boolean() : array;
        return make_bound({array, array}, result, [element, operation](const ScalarArgs& args, Column& out) {
            set_kernel(element, args, out, operation);
        });
    };
}

// ---------------------------------------------------------------------------------------- sequence

void check_sequence(int64_t start, int64_t stop, int64_t step, bool step_positive, bool step_zero) {
    if (step_zero) raise(ErrorCode::kInvalidParameter, "step must not be zero");
    if ((step_positive && stop < start) || (!step_positive && stop > start)) {
        raise(ErrorCode::kInvalidParameter, "sequence stop value should be greater than or equal to start value if "
                                            "step is greater than zero otherwise stop should be less than or equal "
                                            "to start");
    }
    (void)step;
}

void sequence_numbers(const ScalarArgs& args, Column& out) {
    Column& elements = array_elements(out);
    for (size_t row = 0; row < args.rows; ++row) {
        bool valid = true;
        for (const Column* column : args.columns) valid = valid && column->is_valid(row);
        if (!valid) {
            out.append_null();
            continue;
        }
        const int64_t start = args.columns[0]->values<int64_t>()[row];
        const int64_t stop = args.columns[1]->values<int64_t>()[row];
        const int64_t step = args.columns.size() > 2 ? args.columns[2]->values<int64_t>()[row] : (stop >= start ? 1 : -1);
        check_sequence(start, stop, step, step > 0, step == 0);
        const __int128 count = (static_cast<__int128>(stop) - start) / step + 1;
        if (count > kMaxSequenceEntries) {
            raise(ErrorCode::kInvalidParameter, "result of sequence function must not have more than {} entries",
                  kMaxSequenceEntries);
        }
        for (int64_t i = 0; i < static_cast<int64_t>(count); ++i) elements.append<int64_t>(start + i * step);
        finish_array_row(out);
    }
}

// sequence over DATE / TIMESTAMP with an optional INTERVAL step (months or days+micros, not both).
void sequence_temporal(const ScalarArgs& args, Column& out) {
    Column& elements = array_elements(out);
    const bool is_date = args.columns[0]->type().id() == TypeId::kDate;
    auto micros_at = [&](size_t column, size_t row) -> int64_t {
        if (is_date) return int64_t(args.columns[column]->values<int32_t>()[row]) * kMicrosPerDay;
        return args.columns[column]->values<int64_t>()[row];
    };
    for (size_t row = 0; row < args.rows; ++row) {
        bool valid = true;
        for (const Column* column : args.columns) valid = valid && column->is_valid(row);
        if (!valid) {
            out.append_null();
            continue;
        }
        const int64_t start = micros_at(0, row), stop = micros_at(1, row);
        Interval step{0, 1, 0};
        if (args.columns.size() > 2) step = args.columns[2]->values<Interval>()[row];
        if (step.months != 0 && (step.days != 0 || step.micros != 0)) {
            raise(ErrorCode::kInvalidParameter, "sequence step must be a day-time or a year-month interval");
        }
        if (is_date && step.months == 0 && step.micros % kMicrosPerDay != 0) {
            raise(ErrorCode::kInvalidParameter, "sequence step must be a day interval if start and end values are dates");
        }
        const int64_t day_step = step.days * kMicrosPerDay + step.micros;
        const bool positive = step.months != 0 ? step.months > 0 : day_step > 0;
        check_sequence(start, stop, 0, positive, step.months == 0 && day_step == 0);
        for (int64_t i = 0;; ++i) {
            int64_t value;
            if (step.months != 0) {
                const int64_t days = floor_div(start, kMicrosPerDay);
                const int64_t months = i * step.months;
                if (months > INT32_MAX || months < INT32_MIN) break;
                value = int64_t(add_months_to_days(static_cast<int32_t>(days), static_cast<int32_t>(months))) *
                            kMicrosPerDay + (start - days * kMicrosPerDay);
            } else {
                value = start + i * day_step;
            }
            if (positive ? value > stop : value < stop) break;
            if (i >= kMaxSequenceEntries) {
                raise(ErrorCode::kInvalidParameter, "result of sequence function must not have more than {} entries",
                      kMaxSequenceEntries);
            }
            if (is_date) elements.append<int32_t>(static_cast<int32_t>(floor_div(value, kMicrosPerDay)));
            else elements.append<int64_t>(value);
        }
        finish_array_row(out);
    }
}

std::optional<BoundScalarFunction> bind_sequence(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() < 2 || types.size() > 3) return std::nullopt;
    std::vector<Type> numbers(types.size(), kBigint);
    if (matches(types, numbers)) return make_bound(numbers, Type::array(kBigint), sequence_numbers, false);
    for (const Type& temporal : {Type::date(), Type::timestamp()}) {
        std::vector<Type> declared = {temporal, temporal};
        if (types.size() == 3) declared.push_back(Type::interval());
        if (matches(types, declared)) return make_bound(declared, Type::array(temporal), sequence_temporal, false);
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------- concat

// concat(array, array, ...), array || array, array || element, element || array.
std::optional<BoundScalarFunction> bind_array_concat(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() < 2) return std::nullopt;
    std::optional<Type> element;
    for (const Type& type : types) {
        if (!is_array(type)) continue;
        if (!element || accepts(type.element(), *element)) element = type.element();
        else if (!accepts(*element, type.element())) return std::nullopt;
    }
    if (!element) return std::nullopt;
    std::vector<Type> declared;
    std::vector<bool> is_element;
    for (const Type& type : types) {
        const bool array_argument = is_array(type) || (type.id() == TypeId::kNull && types.size() > 2);
        if (!array_argument && !accepts(*element, type)) return std::nullopt;
        if (!array_argument && types.size() != 2) return std::nullopt;  // element || array only for the operator
        declared.push_back(array_argument ? Type::array(*element) : *element);
        is_element.push_back(!array_argument);
    }
    return make_bound(declared, Type::array(*element), [is_element](const ScalarArgs& args, Column& out) {
        Column& elements = array_elements(out);
        for (size_t row = 0; row < args.rows; ++row) {
            bool valid = true;
            for (size_t i = 0; i < args.columns.size(); ++i) valid = valid && (is_element[i] || args.columns[i]->is_valid(row));
            if (!valid) {
                out.append_null();
                continue;
            }
            for (size_t i = 0; i < args.columns.size(); ++i) {
                const Column& column = *args.columns[i];
                if (is_element[i]) {
                    elements.append_from(column, row);
                } else {
                    const ArraySpan span = array_span(column, row);
                    elements.append_range(column.children()[0], span.begin, span.size());
                }
            }
            finish_array_row(out);
        }
    }, false);
}

std::optional<BoundScalarFunction> bind_repeat(const std::vector<Type>& types, const ConstantArgs&) {
    if (types.size() != 2 || types[0].id() == TypeId::kNull || !accepts(kBigint, types[1])) return std::nullopt;
    return make_bound({types[0], kBigint}, Type::array(types[0]), [](const ScalarArgs& args, Column& out) {
        Column& elements = array_elements(out);
        for (size_t row = 0; row < args.rows; ++row) {
            if (args.columns[1]->is_null(row)) {
                out.append_null();
                continue;
            }
            const int64_t count = args.columns[1]->values<int64_t>()[row];
            if (count < 0) raise(ErrorCode::kInvalidParameter, "count argument of repeat function must be greater than or equal to 0");
            if (count > kMaxSequenceEntries) {
                raise(ErrorCode::kInvalidParameter, "count argument of repeat function must be less than or equal to {}",
                      kMaxSequenceEntries);
            }
            for (int64_t i = 0; i < count; ++i) elements.append_from(*args.columns[0], row);
            finish_array_row(out);
        }
    }, false);
}

}  // namespace

void register_array_functions(FunctionRegistry& registry) {
    registry.add_scalar("cardinality", array_binder({}, [](const Type&) { return kBigint; },
                                                     [](const Type&, const ScalarArgs& args, Column& out) {
        const Column& arrays = *args.columns[0];
        fill_rows<int64_t>(out, args.rows, [&](size_t row) { return int64_t(array_span(arrays, row).size()); });
    }), "number of elements of an array");
    registry.add_scalar("element_at", array_binder({kBigint}, element_type, [](const Type& e, const ScalarArgs& a,
                                                                                Column& out) {
        element_at_kernel(e, a, out, false);
    }, false), "element by 1-based index (negative: from the end); NULL when out of range");
    registry.add_scalar("$subscript", array_binder({kBigint}, element_type, [](const Type& e, const ScalarArgs& a,
                                                                                Column& out) {
        element_at_kernel(e, a, out, true);
    }, false));

    auto search_binder = [](bool position) -> ScalarBinder {
        return [position](const std::vector<Type>& types,
                          const ConstantArgs&) -> std::optional<BoundScalarFunction> {
            auto element = element_and_value(types);
            if (!element) return std::nullopt;
            if (position) return make_bound({Type::array(*element), *element}, kBigint, [e = *element](
                const ScalarArgs& a, Column& out) { search_kernel<true>(e, a, out); }, false);
            return make_bound({Type::array(*element), *element}, Type::boolean(), [e = *element](
                const ScalarArgs& a, Column& out) { search_kernel<false>(e, a, out); }, false);
        };
    };
    registry.add_scalar("contains", search_binder(false), "true if the array contains the value");
    registry.add_scalar("array_position", search_binder(true), "1-based position of the value (0 if absent)");
    registry.add_scalar("array_remove", [](const std::vector<Type>& types,
                                           const ConstantArgs&) -> std::optional<BoundScalarFunction> {
        auto element = element_and_value(types);
        if (!element) return std::nullopt;
        return make_bound({Type::array(*element), *element}, Type::array(*element), [e = *element](
            const ScalarArgs& a, Column& out) { remove_kernel(e, a, out); }, false);
    }, "the array without elements equal to the value");

    registry.add_scalar("array_join", array_join_binder(false), "joins elements with a separator (NULLs skipped)");
    registry.add_scalar("array_join", array_join_binder(true));
    registry.add_scalar("array_distinct", array_binder({}, same_type, [](const Type& e, const ScalarArgs& a,
                                                                         Column& out) {
        sort_distinct_kernel(e, a, out, false, true);
    }, false), "the array without duplicates");
    registry.add_scalar("array_sort", array_binder({}, same_type, [](const Type& e, const ScalarArgs& a, Column& out) {
        sort_distinct_kernel(e, a, out, true, false);
    }, false), "the array sorted ascending, NULLs last");
    registry.add_scalar("array_max", array_binder({}, element_type, [](const Type& e, const ScalarArgs& a,
                                                                       Column& out) {
        min_max_kernel<true>(e, a, out);
    }, false), "largest element (NULL if any element is NULL)");
    registry.add_scalar("array_min", array_binder({}, element_type, [](const Type& e, const ScalarArgs& a,
                                                                       Column& out) {
        min_max_kernel<false>(e, a, out);
    }, false), "smallest element (NULL if any element is NULL)");
    registry.add_scalar("slice", array_binder({kBigint, kBigint}, same_type, slice_kernel, false),
                        "sub-array from a 1-based start for a length");
    registry.add_scalar("reverse", array_binder({}, same_type, reverse_kernel, false));
    registry.add_scalar("sequence", bind_sequence, "integers (or dates/timestamps) from start to stop by step");
    registry.add_scalar("concat", bind_array_concat);
    registry.add_scalar("$concat", bind_array_concat);
    registry.add_scalar("array_intersect", set_binder(SetOperation::kIntersect), "distinct elements in both arrays");
    registry.add_scalar("array_union", set_binder(SetOperation::kUnion), "distinct elements of either array");
    registry.add_scalar("array_except", set_binder(SetOperation::kExcept),
                        "distinct elements of the first array that are not in the second");
    registry.add_scalar("arrays_overlap", set_binder(SetOperation::kOverlap),
                        "true if the arrays share a non-NULL element (NULL if unknown)");
    registry.add_scalar("repeat", bind_repeat, "an array repeating the element count times");
}

}  // namespace fedq
