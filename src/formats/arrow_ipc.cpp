// Arrow IPC stream writer (see arrow_ipc.h for the format and the type mapping).
#include "formats/arrow_ipc.h"

#include <cstring>
#include <limits>

#include "arrow/Message_generated.h"
#include "common/error.h"
#include "formats/arrow_bitmap.h"

namespace fedq {

namespace fb = org::apache::arrow::flatbuf;

namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFFu;
constexpr size_t kAlignment = 8;

size_t padded(size_t size) { return (size + kAlignment - 1) & ~(kAlignment - 1); }

// Field of the schema message for a fedq type (recursive for ARRAY / ROW).
flatbuffers::Offset<fb::Field> make_field(flatbuffers::FlatBufferBuilder& builder, const std::string& name,
                                          const Type& type) {
    std::vector<flatbuffers::Offset<fb::Field>> children;
    std::vector<flatbuffers::Offset<fb::KeyValue>> metadata;
    fb::Type type_type = fb::Type_NONE;
    flatbuffers::Offset<void> type_offset;
    switch (type.id()) {
        case TypeId::kNull:
            type_type = fb::Type_Null;
            type_offset = fb::CreateNull(builder).Union();
            break;
        case TypeId::kBoolean:
            type_type = fb::Type_Bool;
            type_offset = fb::CreateBool(builder).Union();
            break;
        case TypeId::kTinyInt:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
            type_type = fb::Type_Int;
            type_offset = fb::CreateInt(builder, static_cast<int32_t>(type.fixed_width() * 8), true).Union();
            break;
        case TypeId::kReal:
        case TypeId::kDouble:
            type_type = fb::Type_FloatingPoint;
            type_offset = fb::CreateFloatingPoint(builder, type.id() == TypeId::kReal ? fb::Precision_SINGLE
                                                                                       : fb::Precision_DOUBLE)
                              .Union();
            break;
        case TypeId::kDecimal:
            type_type = fb::Type_Decimal;
            type_offset = fb::CreateDecimal(builder, type.precision(), type.scale(), 128).Union();
            break;
        case TypeId::kJson:
            metadata.push_back(fb::CreateKeyValueDirect(builder, "ARROW:extension:name", "arrow.json"));
            metadata.push_back(fb::CreateKeyValueDirect(builder, "ARROW:extension:metadata", ""));
            [[fallthrough]];
        case TypeId::kVarchar:
            type_type = fb::Type_Utf8;
            type_offset = fb::CreateUtf8(builder).Union();
            break;
        case TypeId::kVarbinary:
            type_type = fb::Type_Binary;
            type_offset = fb::CreateBinary(builder).Union();
            break;
        case TypeId::kDate:
            type_type = fb::Type_Date;
            type_offset = fb::CreateDate(builder, fb::DateUnit_DAY).Union();
            break;
        case TypeId::kTimestamp:
            type_type = fb::Type_Timestamp;
            type_offset = fb::CreateTimestamp(builder, fb::TimeUnit_MICROSECOND).Union();
            break;
        case TypeId::kTimestampTz:
            type_type = fb::Type_Timestamp;
            type_offset = fb::CreateTimestampDirect(builder, fb::TimeUnit_MICROSECOND, "UTC").Union();
            break;
        case TypeId::kInterval:
            type_type = fb::Type_Interval;
            type_offset = fb::CreateInterval(builder, fb::IntervalUnit_MONTH_DAY_NANO).Union();
            break;
        case TypeId::kArray:
            children.push_back(make_field(builder, "item", type.element()));
            type_type = fb::Type_List;
            type_offset = fb::CreateList(builder).Union();
            break;
        case TypeId::kRow:
            for (size_t i = 0; i < type.children().size(); ++i) {
                children.push_back(make_field(builder, type.field_names()[i], type.children()[i]));
            }
            type_type = fb::Type_Struct_;
            type_offset = fb::CreateStruct_(builder).Union();
            break;
    }
    return fb::CreateFieldDirect(builder, name.c_str(), true, type_type, type_offset, 0, &children,
                                 metadata.empty() ? nullptr : &metadata);
}

// Collects the field nodes and body buffers of one record batch. Buffers point into the batch's columns or,
// for converted data (bitmaps, intervals), into the writer's scratch buffer (kept as offsets until the batch
// is laid out, since the scratch buffer may move while it grows).
class BatchLayout {
public:
    explicit BatchLayout(Buffer& scratch) : scratch_(scratch) { scratch_.clear(); }

    void add_column(const Column& column, size_t rows) {
        const Type& type = column.type();
        if (type.id() == TypeId::kNull) {
            nodes_.emplace_back(static_cast<int64_t>(rows), static_cast<int64_t>(rows));
            return;
        }
        size_t node_index = nodes_.size();
        nodes_.emplace_back(static_cast<int64_t>(rows), 0);
        size_t null_count = 0;
        if (column.validity() && rows) {
            size_t bytes = arrow_bitmap::bitmap_bytes(rows);
            size_t at = scratch_take(bytes);
            null_count = arrow_bitmap::pack(column.validity(), rows, scratch_.data() + at);
            if (null_count) add_scratch(at, bytes);
            else scratch_.resize(at);  // all valid: no bitmap
        }
        if (!null_count) add_empty();
        nodes_[node_index] = fb::FieldNode(static_cast<int64_t>(rows), static_cast<int64_t>(null_count));

        switch (type.id()) {
            case TypeId::kBoolean: {
                check_size(column, rows);
                size_t bytes = arrow_bitmap::bitmap_bytes(rows);
                size_t at = scratch_take(bytes);
                arrow_bitmap::pack(column.values<uint8_t>(), rows, scratch_.data() + at);
                add_scratch(at, bytes);
                break;
            }
            case TypeId::kInterval: {
                check_size(column, rows);
                size_t at = scratch_take(rows * 16);
                const Interval* in = column.values<Interval>();
                uint8_t* out = scratch_.data() + at;
                bool overflow = false;
                for (size_t i = 0; i < rows; ++i) {
                    int64_t nanos;
                    overflow |= __builtin_mul_overflow(in[i].micros, int64_t{1000}, &nanos);
                    std::memcpy(out + i * 16, &in[i].months, 4);
                    std::memcpy(out + i * 16 + 4, &in[i].days, 4);
                    std::memcpy(out + i * 16 + 8, &nanos, 8);
                }
                if (overflow) {
                    for (size_t i = 0; i < rows; ++i) {
                        int64_t nanos;
                        if (column.is_valid(i) && __builtin_mul_overflow(in[i].micros, int64_t{1000}, &nanos)) {
                            raise(ErrorCode::kNumericOverflow,
                                  "INTERVAL value of {} microseconds does not fit Arrow's nanoseconds", in[i].micros);
                        }
                    }
                }
                add_scratch(at, rows * 16);
                break;
            }
            case TypeId::kVarchar:
            case TypeId::kVarbinary:
            case TypeId::kJson: {
                add_offsets(column, rows);
                size_t bytes = rows ? static_cast<size_t>(column.offsets()[rows]) : 0;
                if (column.chars().size() < bytes) {
                    raise(ErrorCode::kInternal, "column of type {} has {} bytes for offset {}",
                          type.to_string(), column.chars().size(), bytes);
                }
                add_pointer(column.chars().data(), bytes);
                break;
            }
            case TypeId::kArray: {
                add_offsets(column, rows);
                const Column& child = column.children()[0];
                add_column(child, child.size());
                break;
            }
            case TypeId::kRow:
                for (const Column& child : column.children()) add_column(child, rows);
                break;
            default:
                check_size(column, rows);
                add_pointer(column.data().data(), rows * type.fixed_width());
                break;
        }
    }

    const std::vector<fb::FieldNode>& nodes() const { return nodes_; }
    std::vector<fb::Buffer> buffers() const {
        std::vector<fb::Buffer> out;
        out.reserve(pieces_.size());
        for (const Piece& piece : pieces_) out.emplace_back(static_cast<int64_t>(piece.offset), piece.size);
        return out;
    }
    size_t body_size() const { return body_size_; }

    template <typename Emit>
    void for_each_piece(Emit&& emit) const {
        for (const Piece& piece : pieces_) {
            const uint8_t* data = piece.pointer ? piece.pointer : scratch_.data() + piece.scratch_offset;
            emit(data, piece.size);
        }
    }

private:
    struct Piece {
        const uint8_t* pointer;  // null: in scratch_ at scratch_offset
        size_t scratch_offset;
        int64_t size;
        size_t offset;  // in the body
    };

    static void check_size(const Column& column, size_t rows) {
        if (column.data().size() < rows * column.type().fixed_width()) {
            raise(ErrorCode::kInternal, "column of type {} has {} value bytes for {} rows", column.type().to_string(),
                  column.data().size(), rows);
        }
    }
    void add_offsets(const Column& column, size_t rows) {
        static const int32_t kZero = 0;
        if (rows == 0) {  // Arrow wants one offset even for no rows; a fresh fedq column has it too
            add_pointer(reinterpret_cast<const uint8_t*>(&kZero), 4);
            return;
        }
        if (column.data().size() < (rows + 1) * 4) {
            raise(ErrorCode::kInternal, "column of type {} has too few offsets", column.type().to_string());
        }
        add_pointer(column.data().data(), (rows + 1) * 4);
    }
    size_t scratch_take(size_t bytes) {
        size_t at = scratch_.size();
        scratch_.resize(at + bytes);
        return at;
    }
    void add_empty() { add_pointer(nullptr, 0); }
    void add_pointer(const uint8_t* data, size_t size) {
        static const uint8_t kNothing = 0;
        pieces_.push_back({data ? data : &kNothing, 0, static_cast<int64_t>(size), body_size_});
        body_size_ += padded(size);
    }
    void add_scratch(size_t at, size_t size) {
        pieces_.push_back({nullptr, at, static_cast<int64_t>(size), body_size_});
        body_size_ += padded(size);
    }

    Buffer& scratch_;
    std::vector<fb::FieldNode> nodes_;
    std::vector<Piece> pieces_;
    size_t body_size_ = 0;
};

}  // namespace

ArrowStreamWriter::ArrowStreamWriter(std::function<void(std::string_view)> sink, std::vector<std::string> names,
                                     std::vector<Type> types)
    : sink_(std::move(sink)), names_(std::move(names)), types_(std::move(types)) {
    if (names_.size() != types_.size()) {
        raise(ErrorCode::kInvalidParameter, "Arrow stream writer: {} column names for {} types", names_.size(),
              types_.size());
    }
}

ArrowStreamWriter::~ArrowStreamWriter() = default;

void ArrowStreamWriter::emit(const void* data, size_t size) {
    if (!size) return;
    sink_(std::string_view(static_cast<const char*>(data), size));
    bytes_written_ += size;
}

void ArrowStreamWriter::emit_padding(size_t size) {
    static const char kZeros[kAlignment] = {};
    if (size) emit(kZeros, size);
}

namespace {

// Writes continuation marker, metadata length and the flatbuffer, padded so the body starts 8-aligned.
template <typename Emit, typename Pad>
void emit_message(flatbuffers::FlatBufferBuilder& builder, Emit&& emit, Pad&& pad) {
    size_t size = builder.GetSize();
    size_t length = padded(size + 8) - 8;
    if (length > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        raise(ErrorCode::kNotSupported, "Arrow IPC message metadata of {} bytes is too large", size);
    }
    uint32_t prefix[2] = {kContinuation, static_cast<uint32_t>(length)};
    emit(prefix, sizeof prefix);
    emit(builder.GetBufferPointer(), size);
    pad(length - size);
}

}  // namespace

void ArrowStreamWriter::write_schema() {
    flatbuffers::FlatBufferBuilder builder(1024);
    std::vector<flatbuffers::Offset<fb::Field>> fields;
    fields.reserve(types_.size());
    for (size_t i = 0; i < types_.size(); ++i) fields.push_back(make_field(builder, names_[i], types_[i]));
    auto schema = fb::CreateSchemaDirect(builder, fb::Endianness_Little, &fields);
    auto message = fb::CreateMessage(builder, fb::MetadataVersion_V5, fb::MessageHeader_Schema, schema.Union(), 0);
    builder.Finish(message);
    emit_message(builder, [this](const void* d, size_t n) { emit(d, n); }, [this](size_t n) { emit_padding(n); });
    schema_written_ = true;
}

void ArrowStreamWriter::write(const Batch& batch) {
    if (finished_) raise(ErrorCode::kInternal, "Arrow stream writer: write after finish");
    if (batch.num_columns() != types_.size()) {
        raise(ErrorCode::kInternal, "Arrow stream writer: batch of {} columns for a schema of {}",
              batch.num_columns(), types_.size());
    }
    for (size_t i = 0; i < types_.size(); ++i) {
        const Column& column = batch.column(i);
        if (column.type() != types_[i] || column.size() < batch.num_rows) {
            raise(ErrorCode::kInternal, "Arrow stream writer: column {} is {} with {} rows, expected {} with {}",
                  names_[i], column.type().to_string(), column.size(), types_[i].to_string(), batch.num_rows);
        }
    }
    if (!schema_written_) write_schema();

    BatchLayout layout(scratch_);
    for (size_t i = 0; i < types_.size(); ++i) layout.add_column(batch.column(i), batch.num_rows);
    auto buffers = layout.buffers();

    flatbuffers::FlatBufferBuilder builder(256 + 16 * (layout.nodes().size() + buffers.size()));
    auto record_batch = fb::CreateRecordBatchDirect(builder, static_cast<int64_t>(batch.num_rows), &layout.nodes(),
                                                    &buffers);
    auto message = fb::CreateMessage(builder, fb::MetadataVersion_V5, fb::MessageHeader_RecordBatch,
                                     record_batch.Union(), static_cast<int64_t>(layout.body_size()));
    builder.Finish(message);
    emit_message(builder, [this](const void* d, size_t n) { emit(d, n); }, [this](size_t n) { emit_padding(n); });
    layout.for_each_piece([this](const uint8_t* data, int64_t size) {
        emit(data, static_cast<size_t>(size));
        emit_padding(padded(static_cast<size_t>(size)) - static_cast<size_t>(size));
    });
}

void ArrowStreamWriter::finish() {
    if (finished_) return;
    if (!schema_written_) write_schema();
    uint32_t end[2] = {kContinuation, 0};
    emit(end, sizeof end);
    finished_ = true;
}

}  // namespace fedq
