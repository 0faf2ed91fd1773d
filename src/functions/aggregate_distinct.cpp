// aggregate(DISTINCT args): the state keeps a hash set of the encoded argument tuples seen so far plus the
// distinct tuples themselves (in first-seen order, as columns). Only at finalize are the distinct tuples fed
// through the wrapped aggregate, into a temporary state. Works for every aggregate and argument type.
#include <algorithm>
#include <limits>
#include <memory>
#include <unordered_set>

#include "functions/aggregate_kernel.h"
#include "types/datetime.h"

namespace fedq {

namespace {

template <typename T>
void put(std::string& key, const T& value) {
    key.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

}  // namespace

void append_value_key(const Column& column, size_t row, std::string& key) {
    if (column.is_null(row)) {
        key.push_back('\0');
        return;
    }
    key.push_back('\1');
    switch (column.type().id()) {
        case TypeId::kNull: return;
        case TypeId::kReal: {
            float v = column.values<float>()[row];
            if (v == 0) v = 0;
            if (std::isnan(v)) v = std::numeric_limits<float>::quiet_NaN();
            put(key, v);
            return;
        }
        case TypeId::kDouble: {
            double v = column.values<double>()[row];
            if (v == 0) v = 0;
            if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
            put(key, v);
            return;
        }
        case TypeId::kInterval: {
            const Interval& v = column.values<Interval>()[row];
            put(key, v.months);
            put(key, static_cast<int128_t>(v.days) * kMicrosPerDay + v.micros);
            return;
        }
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kJson: {
            std::string_view s = column.string_at(row);
            put(key, static_cast<uint32_t>(s.size()));
            key.append(s);
            return;
        }
        case TypeId::kArray: {
            int32_t begin = column.offsets()[row], end = column.offsets()[row + 1];
            put(key, end - begin);
            for (int32_t i = begin; i < end; ++i) append_value_key(column.children()[0], i, key);
            return;
        }
        case TypeId::kRow:
            for (const auto& child : column.children()) append_value_key(child, row, key);
            return;
        default: {
            size_t width = column.type().fixed_width();
            key.append(reinterpret_cast<const char*>(column.data().data()) + row * width, width);
            return;
        }
    }
}

namespace {

struct DistinctSet {
    std::unordered_set<std::string> seen;
    std::vector<Column> values;  // one column per argument: the distinct tuples in first-seen order
};

struct DistinctState {
    std::unique_ptr<DistinctSet> set;
};

// Adds row `row` of `args` unless an equal tuple is already there.
void insert_tuple(DistinctSet& set, const std::vector<const Column*>& args, size_t row, std::string& key) {
    key.clear();
    for (const Column* column : args) append_value_key(*column, row, key);
    if (!set.seen.insert(key).second) return;
    for (size_t i = 0; i < args.size(); ++i) set.values[i].append_from(*args[i], row);
}

DistinctSet& ensure_set(DistinctState& state, const std::vector<Type>& types) {
    if (!state.set) {
        state.set = std::make_unique<DistinctSet>();
        for (const auto& type : types) state.set->values.emplace_back(type);
    }
    return *state.set;
}

// Temporary, correctly aligned state of the wrapped aggregate, destroyed on scope exit.
class ScratchState {
public:
    explicit ScratchState(const BoundAggregateFunction& function)
        : function_(function),
          memory_(static_cast<uint8_t*>(::operator new(std::max<size_t>(function.state_size, 1),
                                                       std::align_val_t(std::max<size_t>(function.state_align, 8))))) {
        function_.init(memory_);
    }
    ~ScratchState() {
        if (function_.destroy) function_.destroy(memory_);
        ::operator delete(memory_, std::align_val_t(std::max<size_t>(function_.state_align, 8)));
    }
    ScratchState(const ScratchState&) = delete;
    ScratchState& operator=(const ScratchState&) = delete;
    uint8_t* get() { return memory_; }

private:
    const BoundAggregateFunction& function_;
    uint8_t* memory_;
};

}  // namespace

BoundAggregateFunction make_distinct(BoundAggregateFunction inner) {
    auto wrapped = std::make_shared<const BoundAggregateFunction>(inner);  // shared by the callbacks below
    BoundAggregateFunction f;
    f.name = inner.name;
    f.arg_types = inner.arg_types;
    f.return_type = inner.return_type;
    f.order_sensitive = inner.order_sensitive;
    set_state_lifecycle<DistinctState>(f);
    std::vector<Type> types = inner.arg_types;
    f.update = [types](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
        std::string key;
        for (size_t r = 0; r < rows; ++r) {
            insert_tuple(ensure_set(state_at<DistinctState>(states[r]), types), args, r, key);
        }
    };
    f.combine = [types](uint8_t* target, const uint8_t* source) {
        const auto& s = state_at<DistinctState>(source);
        if (!s.set || s.set->values.empty() || s.set->values[0].size() == 0) return;
        DistinctSet& t = ensure_set(state_at<DistinctState>(target), types);
        std::vector<const Column*> columns;
        for (const auto& column : s.set->values) columns.push_back(&column);
        std::string key;
        for (size_t r = 0; r < s.set->values[0].size(); ++r) insert_tuple(t, columns, r, key);
    };
    f.finalize = [wrapped](const uint8_t* state, Column& out) {
        const auto& s = state_at<DistinctState>(state);
        ScratchState scratch(*wrapped);
        size_t rows = s.set && !s.set->values.empty() ? s.set->values[0].size() : 0;
        if (rows) {
            std::vector<const Column*> columns;
            for (const auto& column : s.set->values) columns.push_back(&column);
            std::vector<uint8_t*> states(rows, scratch.get());
            wrapped->update(states.data(), columns, rows);
        }
        wrapped->finalize(scratch.get(), out);
    };
    return f;
}

}  // namespace fedq
