#include "vector/column.h"

#include <algorithm>

#include "common/error.h"

namespace fedq {

Column::Column(Type type) : type_(std::move(type)) {
    if (type_.is_variable_width() || type_.id() == TypeId::kArray) data_.push<int32_t>(0);
    if (type_.id() == TypeId::kArray) children_.emplace_back(type_.element());
    if (type_.id() == TypeId::kRow) {
        for (const auto& child : type_.children()) children_.emplace_back(child);
    }
}

ColumnPtr Column::make(const Type& type, size_t capacity) {
    auto column = std::make_shared<Column>(type);
    if (capacity) column->reserve(capacity);
    return column;
}

ColumnPtr Column::constant(const Value& value, size_t rows) {
    auto column = std::make_shared<Column>(value.type());
    column->reserve(rows);
    if (value.is_null()) {
        if (column->type().fixed_width()) {
            column->resize(rows);
            std::memset(column->data_.data(), 0, column->data_.size());
            column->validity_.resize_fill(rows, 0);
        } else {
            for (size_t i = 0; i < rows; ++i) column->append_null();
        }
        return column;
    }
    const TypeId id = value.type().id();
    if (value.type().is_variable_width()) {
        const std::string& s = value.as_string();
        column->chars_.reserve(s.size() * rows);
        for (size_t i = 0; i < rows; ++i) column->append_string(s);
        return column;
    }
    if (value.type().is_nested()) {
        for (size_t i = 0; i < rows; ++i) column->append_value(value);
        return column;
    }
    column->resize(rows);
    auto fill = [&](auto v) {
        auto* out = column->values<decltype(v)>();
        std::fill(out, out + rows, v);
    };
    switch (id) {
        case TypeId::kBoolean: fill(static_cast<uint8_t>(value.as_bool())); break;
        case TypeId::kTinyInt: fill(static_cast<int8_t>(value.as_int())); break;
        case TypeId::kSmallInt: fill(static_cast<int16_t>(value.as_int())); break;
        case TypeId::kInteger:
        case TypeId::kDate: fill(static_cast<int32_t>(value.as_int())); break;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: fill(static_cast<int64_t>(value.as_int())); break;
        case TypeId::kReal: fill(static_cast<float>(value.as_double())); break;
        case TypeId::kDouble: fill(value.as_double()); break;
        case TypeId::kDecimal: fill(value.as_decimal()); break;
        case TypeId::kInterval: fill(value.as_interval()); break;
        default: raise(ErrorCode::kInternal, "constant column of type {}", value.type().to_string());
    }
    return column;
}

uint8_t* Column::mutable_validity() {
    if (validity_.empty()) validity_.resize_fill(std::max<size_t>(size_, 0), 1);
    if (validity_.size() < size_) validity_.resize_fill(size_, 1);
    if (size_ == 0) validity_.reserve(64);
    return validity_.data();
}

void Column::compact_validity() {
    if (validity_.empty()) return;
    const uint8_t* v = validity_.data();
    for (size_t i = 0; i < size_; ++i) {
        if (!v[i]) return;
    }
    validity_ = Buffer();
}

size_t Column::null_count() const {
    if (validity_.empty()) return 0;
    size_t valid = 0;
    const uint8_t* v = validity_.data();
    for (size_t i = 0; i < size_; ++i) valid += v[i];
    return size_ - valid;
}

void Column::resize(size_t rows) {
    size_t width = type_.fixed_width();
    if (width == 0) raise(ErrorCode::kInternal, "resize on variable-width column {}", type_.to_string());
    data_.resize(rows * width);
    if (!validity_.empty()) validity_.resize_fill(rows, 1);
    size_ = rows;
}

void Column::reserve(size_t rows) {
    size_t width = type_.fixed_width();
    if (width) data_.reserve(rows * width);
    else if (type_.is_variable_width() || type_.id() == TypeId::kArray) data_.reserve((rows + 1) * 4);
}

void Column::append_string(std::string_view s) {
    chars_.append(s.data(), s.size());
    data_.push<int32_t>(static_cast<int32_t>(chars_.size()));
    if (!validity_.empty()) validity_.push<uint8_t>(1);
    ++size_;
}

void Column::append_null() {
    mutable_validity();
    validity_.push<uint8_t>(0);
    switch (type_.id()) {
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kJson:
        case TypeId::kArray: data_.push<int32_t>(data_.as<int32_t>()[size_]); break;
        case TypeId::kRow:
            for (auto& child : children_) child.append_null();
            break;
        default: {
            size_t width = type_.fixed_width();
            data_.reserve(data_.size() + width);
            std::memset(data_.data() + data_.size(), 0, width);
            data_.resize(data_.size() + width);
        }
    }
    ++size_;
}

void Column::append_value(const Value& value) {
    if (value.is_null()) {
        append_null();
        return;
    }
    switch (type_.id()) {
        case TypeId::kBoolean: append<uint8_t>(value.as_bool()); break;
        case TypeId::kTinyInt: append<int8_t>(static_cast<int8_t>(value.as_int())); break;
        case TypeId::kSmallInt: append<int16_t>(static_cast<int16_t>(value.as_int())); break;
        case TypeId::kInteger:
        case TypeId::kDate: append<int32_t>(static_cast<int32_t>(value.as_int())); break;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: append<int64_t>(value.as_int()); break;
        case TypeId::kReal: append<float>(static_cast<float>(value.as_double())); break;
        case TypeId::kDouble: append<double>(value.as_double()); break;
        case TypeId::kDecimal: append<int128_t>(value.as_decimal()); break;
        case TypeId::kInterval: append<Interval>(value.as_interval()); break;
        case TypeId::kVarchar:
        case TypeId::kVarbinary:
        case TypeId::kJson: append_string(value.as_string()); break;
        case TypeId::kArray: {
            for (const auto& element : value.children()) children_[0].append_value(element);
            data_.push<int32_t>(static_cast<int32_t>(children_[0].size()));
            if (!validity_.empty()) validity_.push<uint8_t>(1);
            ++size_;
            break;
        }
        case TypeId::kRow: {
            const auto& fields = value.children();
            for (size_t i = 0; i < children_.size(); ++i) {
                if (i < fields.size()) children_[i].append_value(fields[i]);
                else children_[i].append_null();
            }
            if (!validity_.empty()) validity_.push<uint8_t>(1);
            ++size_;
            break;
        }
        case TypeId::kNull: append_null(); break;
    }
}

Value Column::value_at(size_t row) const {
    if (is_null(row)) return Value::null(type_);
    const uint8_t* p = data_.data();
    switch (type_.id()) {
        case TypeId::kNull: return Value::null(type_);
        case TypeId::kBoolean: return Value::boolean(p[row] != 0);
        case TypeId::kTinyInt: return Value::tinyint(values<int8_t>()[row]);
        case TypeId::kSmallInt: return Value::smallint(values<int16_t>()[row]);
        case TypeId::kInteger: return Value::integer(values<int32_t>()[row]);
        case TypeId::kBigInt: return Value::bigint(values<int64_t>()[row]);
        case TypeId::kReal: return Value::real(values<float>()[row]);
        case TypeId::kDouble: return Value::double_(values<double>()[row]);
        case TypeId::kDecimal: return Value::decimal(values<int128_t>()[row], type_.precision(), type_.scale());
        case TypeId::kDate: return Value::date(values<int32_t>()[row]);
        case TypeId::kTimestamp: return Value::timestamp(values<int64_t>()[row]);
        case TypeId::kTimestampTz: return Value::timestamp_tz(values<int64_t>()[row]);
        case TypeId::kInterval: return Value::interval(values<Interval>()[row]);
        case TypeId::kVarchar: return Value::varchar(std::string(string_at(row)));
        case TypeId::kVarbinary: return Value::varbinary(std::string(string_at(row)));
        case TypeId::kJson: return Value::json(std::string(string_at(row)));
        case TypeId::kArray: {
            std::vector<Value> elements;
            for (int32_t i = offsets()[row]; i < offsets()[row + 1]; ++i) elements.push_back(children_[0].value_at(i));
            return Value::nested(type_, std::move(elements));
        }
        case TypeId::kRow: {
            std::vector<Value> fields;
            for (const auto& child : children_) fields.push_back(child.value_at(row));
            return Value::nested(type_, std::move(fields));
        }
    }
    return Value::null(type_);
}

void Column::append_from(const Column& source, size_t row) {
    uint32_t index = static_cast<uint32_t>(row);
    append_gather(source, &index, 1);
}

void Column::append_gather(const Column& source, const uint32_t* indices, size_t count) {
    if (count == 0) return;
    // Validity first.
    if (source.has_nulls()) {
        mutable_validity();
        validity_.resize(size_);
        validity_.reserve(size_ + count);
        const uint8_t* sv = source.validity_.data();
        uint8_t* out = validity_.data() + size_;
        for (size_t i = 0; i < count; ++i) out[i] = sv[indices[i]];
        validity_.resize(size_ + count);
    } else if (!validity_.empty()) {
        validity_.resize_fill(size_ + count, 1);
    }
    const TypeId id = type_.id();
    if (type_.is_variable_width()) {
        const int32_t* so = source.offsets();
        size_t bytes = 0;
        for (size_t i = 0; i < count; ++i) bytes += so[indices[i] + 1] - so[indices[i]];
        chars_.reserve(chars_.size() + bytes);
        data_.reserve(data_.size() + count * 4);
        int32_t* out_offsets = data_.as<int32_t>() + size_ + 1;
        int32_t position = static_cast<int32_t>(chars_.size());
        uint8_t* out_chars = chars_.data();
        const uint8_t* in_chars = source.chars_.data();
        for (size_t i = 0; i < count; ++i) {
            int32_t start = so[indices[i]], length = so[indices[i] + 1] - start;
            if (length > 0) std::memcpy(out_chars + position, in_chars + start, length);
            position += length;
            out_offsets[i] = position;
        }
        chars_.resize(position);
        data_.resize(data_.size() + count * 4);
    } else if (id == TypeId::kArray) {
        const int32_t* so = source.offsets();
        for (size_t i = 0; i < count; ++i) {
            int32_t start = so[indices[i]], end = so[indices[i] + 1];
            children_[0].append_range(source.children_[0], start, end - start);
            data_.push<int32_t>(static_cast<int32_t>(children_[0].size()));
        }
    } else if (id == TypeId::kRow) {
        for (size_t c = 0; c < children_.size(); ++c) children_[c].append_gather(source.children_[c], indices, count);
    } else {
        size_t width = type_.fixed_width();
        data_.reserve(data_.size() + count * width);
        uint8_t* out = data_.data() + data_.size();
        const uint8_t* in = source.data_.data();
        switch (width) {
            case 1: for (size_t i = 0; i < count; ++i) out[i] = in[indices[i]]; break;
            case 2: {
                auto* o = reinterpret_cast<int16_t*>(out); auto* s = reinterpret_cast<const int16_t*>(in);
                for (size_t i = 0; i < count; ++i) o[i] = s[indices[i]];
                break;
            }
            case 4: {
                auto* o = reinterpret_cast<int32_t*>(out); auto* s = reinterpret_cast<const int32_t*>(in);
                for (size_t i = 0; i < count; ++i) o[i] = s[indices[i]];
                break;
            }
            case 8: {
                auto* o = reinterpret_cast<int64_t*>(out); auto* s = reinterpret_cast<const int64_t*>(in);
                for (size_t i = 0; i < count; ++i) o[i] = s[indices[i]];
                break;
            }
            default:
                for (size_t i = 0; i < count; ++i) std::memcpy(out + i * width, in + indices[i] * width, width);
        }
        data_.resize(data_.size() + count * width);
    }
    size_ += count;
}

void Column::append_range(const Column& source, size_t offset, size_t count) {
    if (count == 0) return;
    if (source.has_nulls()) {
        mutable_validity();
        validity_.resize(size_);
        validity_.append(source.validity_.data() + offset, count);
    } else if (!validity_.empty()) {
        validity_.resize_fill(size_ + count, 1);
    }
    const TypeId id = type_.id();
    if (type_.is_variable_width() || id == TypeId::kArray) {
        const int32_t* so = source.offsets();
        int32_t start = so[offset], end = so[offset + count];
        int32_t base = id == TypeId::kArray ? static_cast<int32_t>(children_[0].size())
                                             : static_cast<int32_t>(chars_.size());
        if (id == TypeId::kArray) children_[0].append_range(source.children_[0], start, end - start);
        else chars_.append(source.chars_.data() + start, end - start);
        data_.reserve(data_.size() + count * 4);
        for (size_t i = 1; i <= count; ++i) data_.push<int32_t>(base + so[offset + i] - start);
    } else if (id == TypeId::kRow) {
        for (size_t c = 0; c < children_.size(); ++c) children_[c].append_range(source.children_[c], offset, count);
    } else {
        size_t width = type_.fixed_width();
        data_.append(source.data_.data() + offset * width, count * width);
    }
    size_ += count;
}

size_t Column::memory_bytes() const {
    size_t bytes = validity_.capacity() + data_.capacity() + chars_.capacity() + sizeof(Column);
    for (const auto& child : children_) bytes += child.memory_bytes();
    return bytes;
}

size_t Batch::memory_bytes() const {
    size_t bytes = 0;
    for (const auto& column : columns) bytes += column->memory_bytes();
    return bytes;
}

Batch Batch::gather(const uint32_t* indices, size_t count) const {
    Batch out;
    out.num_rows = count;
    out.columns.reserve(columns.size());
    for (const auto& column : columns) {
        auto fresh = Column::make(column->type(), count);
        fresh->append_gather(*column, indices, count);
        out.columns.push_back(std::move(fresh));
    }
    return out;
}

Batch Batch::slice(size_t offset, size_t count) const {
    if (offset == 0 && count == num_rows) return *this;
    Batch out;
    out.num_rows = count;
    out.columns.reserve(columns.size());
    for (const auto& column : columns) {
        auto fresh = Column::make(column->type(), count);
        fresh->append_range(*column, offset, count);
        out.columns.push_back(std::move(fresh));
    }
    return out;
}

}  // namespace fedq
