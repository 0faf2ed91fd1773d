#include "execution/window.h"

#include <algorithm>
#include <cmath>

#include "execution/pipeline.h"
#include "types/datetime.h"

namespace fedq {

namespace {

// An ORDER BY key as a number on one axis: numbers as themselves, DATE and TIMESTAMP as microseconds.
// long double keeps every int64 exact.
long double numeric_key(const Column& column, size_t row) {
    switch (column.type().id()) {
        case TypeId::kTinyInt: return column.values<int8_t>()[row];
        case TypeId::kSmallInt: return column.values<int16_t>()[row];
        case TypeId::kInteger: return column.values<int32_t>()[row];
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return static_cast<long double>(column.values<int64_t>()[row]);
        case TypeId::kDate: return static_cast<long double>(column.values<int32_t>()[row]) * kMicrosPerDay;
        case TypeId::kReal: return column.values<float>()[row];
        case TypeId::kDouble: return column.values<double>()[row];
        case TypeId::kDecimal: {
            long double v = static_cast<long double>(column.values<int128_t>()[row]);
            for (int i = 0; i < column.type().scale(); ++i) v /= 10;
            return v;
        }
        default: raise(ErrorCode::kNotSupported, "RANGE frames with offsets need a numeric or date/time ORDER BY key");
    }
}

long double numeric_offset(const Value& offset) {
    if (offset.type().is_integer()) return static_cast<long double>(offset.as_int());
    if (offset.type().is_floating()) return offset.as_double();
    long double v = static_cast<long double>(offset.as_decimal());
    for (int i = 0; i < offset.type().scale(); ++i) v /= 10;
    return v;
}

// key (microseconds) + sign * interval, calendar-aware for the month part.
long double add_interval(long double key, const Interval& iv, int sign) {
    int64_t micros = static_cast<int64_t>(key);
    int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t time = floor_mod(micros, kMicrosPerDay);
    days = add_months_to_days(static_cast<int32_t>(days), sign * iv.months);
    return static_cast<long double>(days * kMicrosPerDay + time) +
           static_cast<long double>(sign) * (static_cast<long double>(iv.days) * kMicrosPerDay + static_cast<long double>(iv.micros));
}

}  // namespace

// Frame bounds [start, end) of a RANGE frame with `n PRECEDING/FOLLOWING` for each row of one sorted
// partition (`sorted` = input rows in order). A bound is the first row whose key reaches key ± n in the
// sort direction; rows with a NULL key have their peer group (the other NULL rows) as frame.
void WindowSink::compute_range_bounds(const ResolvedWindow& w, const Column& key_column, const uint32_t* sorted, size_t n,
                                      const std::vector<size_t>& peer_start, const std::vector<size_t>& peer_end,
                                      std::vector<size_t>& start, std::vector<size_t>& end) {
    const bool descending = w.order_by[0].descending;
    std::vector<long double> key(n);
    size_t valid_begin = n, valid_end = 0;
    for (size_t i = 0; i < n; ++i) {
        if (key_column.is_null(sorted[i])) continue;
        key[i] = numeric_key(key_column, sorted[i]);
        valid_begin = std::min(valid_begin, i);
        valid_end = i + 1;
    }
    // Position of the first non-NULL row that is not "before" / is "after" the target in sort order.
    auto first_not_before = [&](long double target) {
        auto it = std::partition_point(key.begin() + static_cast<long>(valid_begin), key.begin() + static_cast<long>(valid_end),
                                       [&](long double k) { return descending ? k > target : k < target; });
        return static_cast<size_t>(it - key.begin());
    };
    auto first_after = [&](long double target) {
        auto it = std::partition_point(key.begin() + static_cast<long>(valid_begin), key.begin() + static_cast<long>(valid_end),
                                       [&](long double k) { return descending ? k >= target : k <= target; });
        return static_cast<size_t>(it - key.begin());
    };
    auto target_of = [&](size_t i, const Value& offset, int64_t direction) -> long double {
        // direction < 0: PRECEDING, i.e. towards the start of the sort order.
        int sign = (direction < 0 ? -1 : 1) * (descending ? -1 : 1);
        if (offset.type().id() == TypeId::kInterval) return add_interval(key[i], offset.as_interval(), sign);
        return key[i] + sign * numeric_offset(offset);
    };
    const auto& f = w.frame;
    start.assign(n, 0);
    end.assign(n, n);
    for (size_t i = 0; i < n; ++i) {
        bool null_key = i < valid_begin || i >= valid_end;
        if (f.start_range_offset.is_null()) {
            start[i] = peer_start[i];  // CURRENT ROW or unbounded (the caller handles unbounded)
        } else {
            start[i] = null_key ? peer_start[i] : first_not_before(target_of(i, f.start_range_offset, *f.start));
        }
        if (f.end_range_offset.is_null()) {
            end[i] = peer_end[i];
        } else {
            end[i] = null_key ? peer_end[i] : first_after(target_of(i, f.end_range_offset, *f.end));
        }
    }
}

std::vector<Batch> WindowSink::finish() {
    std::vector<Batch> all;
    for (auto& v : per_thread_) {
        for (auto& b : v) all.push_back(std::move(b));
    }
    per_thread_.clear();
    Batch input = concatenate(all, types_);
    all.clear();
    for (const auto& w : windows_) input.columns.push_back(compute(w, input));
    return rebatch(std::move(input), context_.batch_rows);
}

ColumnPtr WindowSink::compute(const ResolvedWindow& w, const Batch& input) {
    const size_t rows = input.num_rows;
    ExpressionEvaluator evaluator(&context_.function_context);
    // Sort by partition keys then order keys.
    std::vector<ResolvedSortKey> keys;
    for (const auto& p : w.partition_by) keys.push_back({p->clone(), false, false});
    for (const auto& o : w.order_by) keys.push_back({o.expr->clone(), o.descending, o.nulls_first});
    std::vector<ColumnPtr> key_columns;
    std::vector<uint32_t> order = sorted_order(input, keys, context_, key_columns);
    std::vector<SortColumn> partition_cols, order_cols;
    for (size_t i = 0; i < keys.size(); ++i) {
        SortColumn sc{key_columns[i].get(), row_compare_function(key_columns[i]->type()), keys[i].descending, keys[i].nulls_first};
        (i < w.partition_by.size() ? partition_cols : order_cols).push_back(sc);
    }
    // Arguments in sorted order.
    std::vector<ColumnPtr> sorted_args;
    for (const auto& a : w.args) {
        ColumnPtr value = evaluator.evaluate(*a, input);
        auto sorted = Column::make(value->type(), rows);
        sorted->append_gather(*value, order.data(), rows);
        sorted_args.push_back(std::move(sorted));
    }
    const bool range_offsets = !w.frame.rows && (!w.frame.start_range_offset.is_null() || !w.frame.end_range_offset.is_null());
    auto result = Column::make(w.type, rows);  // in sorted order
    size_t ps = 0;
    while (ps < rows) {
        size_t pe = ps + 1;
        while (pe < rows && compare_rows(partition_cols, order[ps], order[pe]) == 0) ++pe;
        const size_t n = pe - ps;
        // Peer groups (rows equal on ORDER BY keys).
        std::vector<size_t> peer_start(n), peer_end(n);
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && compare_rows(order_cols, order[ps + i], order[ps + j]) == 0) ++j;
            for (size_t k = i; k < j; ++k) {
                peer_start[k] = i;
                peer_end[k] = j;
            }
            i = j;
        }
        std::vector<size_t> range_start, range_end;
        if (range_offsets) {
            compute_range_bounds(w, *key_columns[w.partition_by.size()], order.data() + ps, n, peer_start, peer_end,
                                 range_start, range_end);
        }
        auto frame_of = [&](size_t i, size_t& start, size_t& end) {  // [start, end) within partition
            const auto& f = w.frame;
            if (f.start_unbounded) start = 0;
            else if (f.rows) start = static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(i) + *f.start, 0, static_cast<int64_t>(n)));
            else if (!range_start.empty()) start = range_start[i];
            else start = peer_start[i];
            if (f.end_unbounded) end = n;
            else if (f.rows) end = static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(i) + *f.end + 1, 0, static_cast<int64_t>(n)));
            else if (!range_end.empty()) end = range_end[i];
            else end = peer_end[i];
            if (end < start) end = start;
        };
        switch (w.kind) {
            case WindowFunctionKind::kRowNumber:
                for (size_t i = 0; i < n; ++i) result->append<int64_t>(static_cast<int64_t>(i + 1));
                break;
            case WindowFunctionKind::kRank:
                for (size_t i = 0; i < n; ++i) result->append<int64_t>(static_cast<int64_t>(peer_start[i] + 1));
                break;
            case WindowFunctionKind::kDenseRank: {
                int64_t rank = 0;
                for (size_t i = 0; i < n; ++i) {
                    if (i == 0 || peer_start[i] != peer_start[i - 1]) ++rank;
                    result->append<int64_t>(rank);
                }
                break;
            }
            case WindowFunctionKind::kPercentRank:
                for (size_t i = 0; i < n; ++i) result->append<double>(n == 1 ? 0.0 : static_cast<double>(peer_start[i]) / static_cast<double>(n - 1));
                break;
            case WindowFunctionKind::kCumeDist:
                for (size_t i = 0; i < n; ++i) result->append<double>(static_cast<double>(peer_end[i]) / static_cast<double>(n));
                break;
            case WindowFunctionKind::kNtile: {
                int64_t buckets = sorted_args[0]->value_at(0).as_int();
                if (buckets <= 0) raise(ErrorCode::kInvalidParameter, "ntile bucket count must be positive");
                size_t per = n / static_cast<size_t>(buckets), extra = n % static_cast<size_t>(buckets);
                size_t i = 0;
                for (int64_t b = 1; b <= buckets && i < n; ++b) {
                    size_t size = per + (static_cast<size_t>(b) <= extra ? 1 : 0);
                    for (size_t k = 0; k < size && i < n; ++k, ++i) result->append<int64_t>(b);
                }
                break;
            }
            case WindowFunctionKind::kLag:
            case WindowFunctionKind::kLead: {
                int64_t offset = 1;
                if (sorted_args.size() > 1) offset = sorted_args[1]->value_at(0).as_int();
                if (w.kind == WindowFunctionKind::kLag) offset = -offset;
                const Column& values = *sorted_args[0];
                for (size_t i = 0; i < n; ++i) {
                    int64_t target = static_cast<int64_t>(i) + offset;
                    if (w.ignore_nulls && offset != 0) {
                        int64_t step = offset > 0 ? 1 : -1;
                        int64_t remaining = std::llabs(offset);
                        target = static_cast<int64_t>(i);
                        while (remaining > 0) {
                            target += step;
                            if (target < 0 || target >= static_cast<int64_t>(n)) break;
                            if (values.is_valid(ps + static_cast<size_t>(target))) --remaining;
                        }
                    }
                    if (target >= 0 && target < static_cast<int64_t>(n)) {
                        result->append_from(values, ps + static_cast<size_t>(target));
                    } else if (sorted_args.size() > 2) {
                        result->append_from(*sorted_args[2], ps + i);
                    } else {
                        result->append_null();
                    }
                }
                break;
            }
            case WindowFunctionKind::kFirstValue:
            case WindowFunctionKind::kLastValue:
            case WindowFunctionKind::kNthValue: {
                const Column& values = *sorted_args[0];
                int64_t nth = 1;
                if (w.kind == WindowFunctionKind::kNthValue) {
                    nth = sorted_args.size() > 1 ? sorted_args[1]->value_at(0).as_int() : 1;
                    if (nth < 1) raise(ErrorCode::kInvalidParameter, "nth_value position must be at least 1");
                }
                for (size_t i = 0; i < n; ++i) {
                    size_t start, end;
                    frame_of(i, start, end);
                    std::optional<size_t> pick;
                    if (w.ignore_nulls) {
                        if (w.kind == WindowFunctionKind::kLastValue) {
                            for (size_t k = end; k > start; --k) {
                                if (values.is_valid(ps + k - 1)) { pick = k - 1; break; }
                            }
                        } else {
                            int64_t seen = 0;
                            for (size_t k = start; k < end; ++k) {
                                if (values.is_valid(ps + k) && ++seen == nth) { pick = k; break; }
                            }
                        }
                    } else if (w.kind == WindowFunctionKind::kLastValue) {
                        if (end > start) pick = end - 1;
                    } else if (start + static_cast<size_t>(nth) - 1 < end) {
                        pick = start + static_cast<size_t>(nth) - 1;
                    }
                    if (pick) result->append_from(values, ps + *pick);
                    else result->append_null();
                }
                break;
            }
            case WindowFunctionKind::kAggregate: {
                const auto& f = *w.aggregate;
                std::vector<uint8_t> storage(f.state_size + 16);
                uint8_t* state = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(storage.data()) + 15) & ~uintptr_t(15));
                auto add_rows = [&](size_t from, size_t to) {  // partition positions [from, to)
                    if (to <= from) return;
                    std::vector<ColumnPtr> slices;
                    std::vector<const Column*> cols;
                    for (const auto& a : sorted_args) {
                        auto slice = Column::make(a->type(), to - from);
                        slice->append_range(*a, ps + from, to - from);
                        cols.push_back(slice.get());
                        slices.push_back(std::move(slice));
                    }
                    std::vector<uint8_t*> states(to - from, state);
                    f.update(states.data(), cols, to - from);
                };
                if (w.frame.start_unbounded) {
                    f.init(state);
                    size_t added = 0;
                    for (size_t i = 0; i < n; ++i) {
                        size_t start, end;
                        frame_of(i, start, end);
                        if (end > added) {
                            add_rows(added, end);
                            added = end;
                        }
                        f.finalize(state, *result);
                    }
                    if (f.destroy) f.destroy(state);
                } else {
                    for (size_t i = 0; i < n; ++i) {
                        size_t start, end;
                        frame_of(i, start, end);
                        f.init(state);
                        add_rows(start, end);
                        f.finalize(state, *result);
                        if (f.destroy) f.destroy(state);
                    }
                }
                break;
            }
        }
        ps = pe;
    }
    // Back to input order.
    std::vector<uint32_t> inverse(rows);
    for (size_t i = 0; i < rows; ++i) inverse[order[i]] = static_cast<uint32_t>(i);
    auto out = Column::make(w.type, rows);
    out->append_gather(*result, inverse.data(), rows);
    return out;
}

}  // namespace fedq
