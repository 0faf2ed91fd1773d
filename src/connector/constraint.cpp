// Domain algebra (normalize / intersect / union over sorted disjoint ranges, ordered by Value::compare)
// and the Constraint conjunction. JSON encodings live in constraint_json.cpp.
#include "connector/constraint.h"

#include <algorithm>

#include "common/error.h"

namespace fedq {

namespace {

// Orders two low bounds: unbounded first; at equal values an inclusive bound starts earlier.
int compare_low(const Bound& a, const Bound& b) {
    if (!a.value || !b.value) return a.value ? 1 : (b.value ? -1 : 0);
    int c = a.value->compare(*b.value);
    if (c != 0) return c;
    return a.inclusive == b.inclusive ? 0 : (a.inclusive ? -1 : 1);
}

// Orders two high bounds: unbounded last; at equal values an inclusive bound ends later.
int compare_high(const Bound& a, const Bound& b) {
    if (!a.value || !b.value) return a.value ? -1 : (b.value ? 1 : 0);
    int c = a.value->compare(*b.value);
    if (c != 0) return c;
    return a.inclusive == b.inclusive ? 0 : (a.inclusive ? 1 : -1);
}

bool is_empty(const Range& r) {
    if (!r.low.value || !r.high.value) return false;
    int c = r.low.value->compare(*r.high.value);
    return c > 0 || (c == 0 && !(r.low.inclusive && r.high.inclusive));
}

// Does `next` (starting at or after `current`'s start) overlap or touch `current`?
bool overlaps_or_touches(const Range& current, const Range& next) {
    if (!current.high.value || !next.low.value) return true;
    int c = next.low.value->compare(*current.high.value);
    return c < 0 || (c == 0 && (current.high.inclusive || next.low.inclusive));
}

bool is_unbounded(const Range& r) { return !r.low.value && !r.high.value; }

std::string bound_text(const Bound& b, bool low) {
    if (!b.value) return low ? "-inf" : "+inf";
    return b.value->to_string();
}

std::string range_text(const Range& r) {
    return std::string(r.low.value && r.low.inclusive ? "[" : "(") + bound_text(r.low, true) + ", " +
           bound_text(r.high, false) + (r.high.value && r.high.inclusive ? "]" : ")");
}

}  // namespace

// ---- Range

bool Range::is_point() const {
    return low.value && high.value && low.inclusive && high.inclusive && !low.value->is_null() &&
           low.value->compare(*high.value) == 0;
}

bool Range::contains(const Value& v) const {
    if (v.is_null()) return false;
    if (low.value) {
        int c = v.compare(*low.value);
        if (c < 0 || (c == 0 && !low.inclusive)) return false;
    }
    if (high.value) {
        int c = v.compare(*high.value);
        if (c > 0 || (c == 0 && !high.inclusive)) return false;
    }
    return true;
}

// ---- Domain

Domain Domain::all(Type type) { return Domain(std::move(type), true, {Range::all()}); }
Domain Domain::none(Type type) { return Domain(std::move(type), false, {}); }
Domain Domain::only_null(Type type) { return Domain(std::move(type), true, {}); }
Domain Domain::not_null(Type type) { return Domain(std::move(type), false, {Range::all()}); }

// NULL list entries are dropped: `x IN (1, NULL)` never matches a NULL x.
Domain Domain::values(Type type, std::vector<Value> values) {
    std::vector<Range> ranges;
    ranges.reserve(values.size());
    for (auto& v : values) {
        if (!v.is_null()) ranges.push_back(Range::point(std::move(v)));
    }
    Domain d(std::move(type), false, std::move(ranges));
    d.normalize();
    return d;
}

Domain Domain::range(Type type, Range range) {
    // A NULL bound compares with nothing: the range holds no value.
    if ((range.low.value && range.low.value->is_null()) || (range.high.value && range.high.value->is_null())) {
        return none(std::move(type));
    }
    Domain d(std::move(type), false, {std::move(range)});
    d.normalize();
    return d;
}

void Domain::normalize() {
    ranges_.erase(std::remove_if(ranges_.begin(), ranges_.end(), is_empty), ranges_.end());
    if (ranges_.size() < 2) return;
    std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return compare_low(a.low, b.low) < 0; });
    std::vector<Range> merged;
    merged.reserve(ranges_.size());
    merged.push_back(std::move(ranges_[0]));
    for (size_t i = 1; i < ranges_.size(); ++i) {
        Range& current = merged.back();
        if (overlaps_or_touches(current, ranges_[i])) {
            if (compare_high(ranges_[i].high, current.high) > 0) current.high = std::move(ranges_[i].high);
        } else {
            merged.push_back(std::move(ranges_[i]));
        }
    }
    ranges_ = std::move(merged);
}

bool Domain::is_all() const { return null_allowed_ && ranges_.size() == 1 && is_unbounded(ranges_[0]); }

bool Domain::is_single_value() const { return !null_allowed_ && ranges_.size() == 1 && ranges_[0].is_point(); }

std::optional<std::vector<Value>> Domain::discrete_values() const {
    std::vector<Value> out;
    out.reserve(ranges_.size());
    for (const auto& r : ranges_) {
        if (!r.is_point()) return std::nullopt;
        out.push_back(*r.low.value);
    }
    return out;
}

bool Domain::contains(const Value& v) const {
    if (v.is_null()) return null_allowed_;
    // Ranges are sorted and disjoint: binary search for the last range starting at or before v.
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), v, [](const Value& value, const Range& r) {
        return r.low.value && value.compare(*r.low.value) < 0;
    });
    if (it == ranges_.begin()) return false;
    return std::prev(it)->contains(v);
}

Domain Domain::intersect(const Domain& other) const {
    std::vector<Range> ranges;
    // Both lists are sorted and disjoint: a merge-like sweep.
    size_t i = 0, j = 0;
    while (i < ranges_.size() && j < other.ranges_.size()) {
        const Range& a = ranges_[i];
        const Range& b = other.ranges_[j];
        Range r{compare_low(a.low, b.low) >= 0 ? a.low : b.low, compare_high(a.high, b.high) <= 0 ? a.high : b.high};
        if (!is_empty(r)) ranges.push_back(std::move(r));
        if (compare_high(a.high, b.high) <= 0) ++i;
        else ++j;
    }
    Domain d(type_, null_allowed_ && other.null_allowed_, std::move(ranges));
    d.normalize();
    return d;
}

Domain Domain::union_with(const Domain& other) const {
    std::vector<Range> ranges = ranges_;
    ranges.insert(ranges.end(), other.ranges_.begin(), other.ranges_.end());
    Domain d(type_, null_allowed_ || other.null_allowed_, std::move(ranges));
    d.normalize();
    return d;
}

std::string Domain::to_string() const {
    if (is_none()) return "NONE";
    if (is_all()) return "ALL";
    if (ranges_.empty()) return "IS NULL";
    std::string out;
    if (ranges_.size() == 1 && is_unbounded(ranges_[0])) {
        out = "IS NOT NULL";
    } else if (auto points = discrete_values()) {
        out = "{";
        for (size_t i = 0; i < points->size(); ++i) {
            if (i) out += ", ";
            out += (*points)[i].to_string();
        }
        out += "}";
    } else {
        for (size_t i = 0; i < ranges_.size(); ++i) {
            if (i) out += " OR ";
            out += ranges_[i].is_point() ? "{" + ranges_[i].low.value->to_string() + "}" : range_text(ranges_[i]);
        }
    }
    if (null_allowed_) out += " OR NULL";
    return out;
}

// ---- Constraint

const Domain* Constraint::find(const std::string& column) const {
    auto it = domains_.find(column);
    return it == domains_.end() ? nullptr : &it->second;
}

void Constraint::add(const std::string& column, const Domain& domain) {
    auto it = domains_.find(column);
    if (it == domains_.end()) {
        if (domain.is_all()) return;  // unconstrained columns have no entry
        it = domains_.emplace(column, domain).first;
    } else {
        it->second = it->second.intersect(domain);
    }
    if (it->second.is_none()) none_ = true;
}

std::string Constraint::to_string() const {
    if (none_) return "NONE";
    if (domains_.empty()) return "ALL";
    std::string out;
    for (const auto& [column, domain] : domains_) {
        if (!out.empty()) out += " AND ";
        out += column + " " + domain.to_string();
    }
    return out;
}

}  // namespace fedq
