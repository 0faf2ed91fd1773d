// Arrow IPC stream reader (see arrow_ipc.h for the format and the type mapping). Every message's flatbuffer
// is checked with the flatbuffers Verifier before use, and every node length, buffer range and offset is
// bounds-checked against the message body, so malformed input ends in kBadFile, never out-of-bounds access.
#include "formats/arrow_bitmap.h"
#include "formats/arrow_ipc_reader_state.h"

namespace fedq {

using arrow_reader::ArrowDictionary;
using arrow_reader::ArrowField;
using arrow_reader::Kind;
using arrow_reader::kContinuation;
using arrow_reader::kMaxBufferlessRows;
using arrow_reader::kMaxMetadata;
using arrow_reader::kMaxRows;

const fb::Message* ArrowStreamReader::State::read_message() {
    uint32_t word;
    size_t got = read_some(&word, 4);
    if (got != 4) raise(ErrorCode::kBadFile, "{}: truncated Arrow IPC stream (no end-of-stream marker)", what);
    int64_t length;
    if (word == kContinuation) {
        int32_t value;
        read_exact(&value, 4, "message length");
        length = value;
    } else {
        length = static_cast<int32_t>(word);  // pre-0.15 streams: no continuation marker
    }
    if (length == 0) return nullptr;
    if (length < 0 || length > kMaxMetadata) bad(fmt::format("bad message metadata length {}", length));
    metadata.resize(static_cast<size_t>(length));
    read_exact(metadata.data(), metadata.size(), "message metadata");
    flatbuffers::Verifier verifier(metadata.data(), metadata.size(), 64, 1000000);
    if (!fb::VerifyMessageBuffer(verifier)) bad("corrupt message metadata (flatbuffer does not verify)");
    const fb::Message* message = fb::GetMessage(metadata.data());
    if (message->header_type() != fb::MessageHeader_NONE && !message->header()) bad("message without its header");
    int64_t body_length = message->bodyLength();
    if (body_length < 0) bad(fmt::format("negative message body length {}", body_length));
    // Read the body in growing steps: a lying length fails as "truncated" without allocating it up front.
    body.clear();
    size_t want = static_cast<size_t>(body_length);
    while (body.size() < want) {
        size_t step = std::min<size_t>(want - body.size(), std::max<size_t>(body.size(), size_t{1} << 20));
        size_t at = body.size();
        body.resize(at + step);
        read_exact(body.data() + at, step, "message body");
    }
    return message;
}


// ---------------------------------------------------------------------------------------------------------
// Record batch decoding

namespace {

struct BufferView {
    const uint8_t* data;
    size_t size;
};

class BatchDecoder {
public:
    BatchDecoder(const ArrowStreamReader::State& state, const fb::RecordBatch* batch, const Buffer& body)
        : state_(state), body_(body) {
        if (batch->compression()) {
            raise(ErrorCode::kNotSupported, "{}: compressed Arrow IPC bodies ({}) are not supported", state.what,
                  fb::EnumNameCompressionType(batch->compression()->codec()));
        }
        nodes_ = batch->nodes();
        buffers_ = batch->buffers();
    }

    // Fills `column` (constructed with field.type) from the next node and its buffers.
    void decode(const ArrowField& field, Column& column, int64_t expected_rows) {
        const Node node = next_node();
        int64_t rows = node.length;
        if (expected_rows >= 0 && rows != expected_rows) {
            bad(fmt::format("column of {} rows where {} were expected", rows, expected_rows));
        }
        if (field.kind == Kind::kNull) {
            count_bufferless(rows);
            column.data().resize_fill(static_cast<size_t>(rows), 0);
            column.set_size(static_cast<size_t>(rows));
            if (rows) std::memset(column.mutable_validity(), 0, static_cast<size_t>(rows));
            return;
        }
        const size_t n = static_cast<size_t>(rows);
        BufferView validity = next_buffer();
        if (field.dictionary_encoded) {
            decode_dictionary_indices(field, column, n, validity, node.null_count);
            return;
        }
        switch (field.kind) {
            case Kind::kBool: {
                BufferView bits = need(next_buffer(), arrow_bitmap::bitmap_bytes(n), "boolean values");
                column.data().resize(n);
                arrow_bitmap::unpack(bits.data, n, column.data().data());
                break;
            }
            case Kind::kInt:
                if (field.is_signed) copy_fixed(column, n, static_cast<size_t>(field.width));
                else if (field.width == 1) widen<uint8_t, int16_t>(column, n);
                else if (field.width == 2) widen<uint16_t, int32_t>(column, n);
                else if (field.width == 4) widen<uint32_t, int64_t>(column, n);
                else widen<uint64_t, int128_t>(column, n);
                break;
            case Kind::kFloat16: decode_float16(column, n); break;
            case Kind::kFixed:
            case Kind::kDecimal: copy_fixed(column, n, column.type().fixed_width()); break;
            case Kind::kDate64: {
                BufferView values = need(next_buffer(), n * 8, "date values");
                column.data().resize(n * 4);
                int32_t* out = column.values<int32_t>();
                bool overflow = false;
                for (size_t i = 0; i < n; ++i) {
                    int64_t ms;
                    std::memcpy(&ms, values.data + i * 8, 8);
                    int64_t days = ms / 86400000 - (ms % 86400000 < 0);
                    overflow |= days != static_cast<int32_t>(days);
                    out[i] = static_cast<int32_t>(days);
                }
                if (overflow) bad("Date64 value out of range");
                break;
            }
            case Kind::kTimestamp: {
                BufferView values = need(next_buffer(), n * 8, "timestamp values");
                column.data().resize(n * 8);
                scale_to_micros(values.data, n, field.scale, column.values<int64_t>());
                break;
            }
            case Kind::kDuration: {
                BufferView values = need(next_buffer(), n * 8, "duration values");
                std::vector<int64_t> micros(n);
                scale_to_micros(values.data, n, field.scale, micros.data());
                column.data().resize(n * sizeof(Interval));
                Interval* out = column.values<Interval>();
                for (size_t i = 0; i < n; ++i) out[i] = Interval{0, 0, micros[i]};
                break;
            }
            case Kind::kIntervalYearMonth:
            case Kind::kIntervalDayTime:
            case Kind::kIntervalMonthDayNano: decode_interval(field.kind, column, n); break;
            case Kind::kUtf8: decode_strings<int32_t>(column, n); break;
            case Kind::kLargeUtf8: decode_strings<int64_t>(column, n); break;
            case Kind::kFixedSizeBinary: {
                size_t width = static_cast<size_t>(field.width);
                if (width && n > static_cast<size_t>(kMaxRows) / width) bad("FixedSizeBinary column too large");
                if (!width) count_bufferless(rows);
                BufferView values = need(next_buffer(), n * width, "fixed-size binary values");
                fill_fixed_offsets(column, n, width);
                column.chars().clear();
                column.chars().append(values.data, n * width);
                break;
            }
            case Kind::kList:
            case Kind::kLargeList:
            case Kind::kFixedSizeList: decode_list(field, column, n); break;
            case Kind::kStruct:
                for (size_t i = 0; i < field.children.size(); ++i) {
                    decode(field.children[i], column.children()[i], rows);
                }
                break;
            case Kind::kNull: break;
        }
        column.set_size(n);
        apply_validity(column, validity, n, node.null_count);
    }

    void check_done() const {
        if (nodes_ && node_index_ != nodes_->size()) bad("more field nodes than schema fields");
    }

private:
    [[noreturn]] void bad(const std::string& message) const { state_.bad(message); }
    // Rows whose size no buffer bounds (Null type, zero-width fixed-size types) are limited per batch.
    void count_bufferless(int64_t rows) {
        bufferless_rows_ += rows;
        if (bufferless_rows_ > kMaxBufferlessRows) bad("too many rows without buffers (Null or zero-width types)");
    }

    // FieldNode and Buffer structs are copied out with memcpy: the flatbuffers Verifier does not check the
    // 8-byte alignment of struct vectors, and a hostile message may misalign them.
    struct Node {
        int64_t length;
        int64_t null_count;
    };
    Node node_at(flatbuffers::uoffset_t index) const {
        if (!nodes_ || index >= nodes_->size()) bad("record batch has fewer field nodes than the schema");
        Node node;
        static_assert(sizeof(fb::FieldNode) == sizeof(Node));
        std::memcpy(&node, nodes_->Data() + index * sizeof(fb::FieldNode), sizeof(Node));
        return node;
    }
    Node next_node() {
        Node node = node_at(node_index_++);
        if (node.length < 0 || node.length > kMaxRows) bad(fmt::format("bad node length {}", node.length));
        if (node.null_count < 0 || node.null_count > node.length) {
            bad(fmt::format("bad null count {} for {} rows", node.null_count, node.length));
        }
        return node;
    }
    BufferView next_buffer() {
        if (!buffers_ || buffer_index_ >= buffers_->size()) bad("record batch has fewer buffers than the schema");
        int64_t range[2];
        static_assert(sizeof(fb::Buffer) == sizeof(range));
        std::memcpy(range, buffers_->Data() + buffer_index_++ * sizeof(fb::Buffer), sizeof(range));
        int64_t offset = range[0], length = range[1];
        if (offset < 0 || length < 0 || static_cast<uint64_t>(offset) > body_.size() ||
            static_cast<uint64_t>(length) > body_.size() - static_cast<uint64_t>(offset)) {
            bad(fmt::format("buffer [{}, +{}) is outside the {}-byte message body", offset, length, body_.size()));
        }
        return {body_.data() + offset, static_cast<size_t>(length)};
    }
    BufferView need(BufferView buffer, size_t bytes, const char* what) const {
        if (buffer.size < bytes) bad(fmt::format("{} buffer has {} bytes, {} needed", what, buffer.size, bytes));
        return buffer;
    }

    // Gathers the dictionary's values by index; a NULL index gives a NULL row.
    void decode_dictionary_indices(const ArrowField& field, Column& column, size_t n, BufferView validity,
                                   int64_t null_count) {
        auto found = state_.dictionaries.find(field.dictionary_id);
        if (found == state_.dictionaries.end() || !found->second.loaded) {
            bad(fmt::format("no dictionary batch for dictionary id {}", field.dictionary_id));
        }
        const Column& values = found->second.values;
        size_t width = static_cast<size_t>(field.index_width);
        BufferView indices = need(next_buffer(), n * width, "dictionary indices");
        std::vector<uint8_t> valid;
        if (null_count > 0 && n > 0) {
            need(validity, arrow_bitmap::bitmap_bytes(n), "validity");
            valid.resize(n);
            arrow_bitmap::unpack(validity.data, n, valid.data());
        }
        std::vector<uint32_t> rows(n);
        const uint64_t size = values.size();
        bool out_of_range = false;
        for (size_t i = 0; i < n; ++i) {
            int64_t index;
            const uint8_t* p = indices.data + i * width;
            switch (width) {
                case 1: index = field.index_signed ? int64_t{static_cast<int8_t>(*p)} : int64_t{*p}; break;
                case 2: {
                    uint16_t v;
                    std::memcpy(&v, p, 2);
                    index = field.index_signed ? int64_t{static_cast<int16_t>(v)} : int64_t{v};
                    break;
                }
                case 4: {
                    uint32_t v;
                    std::memcpy(&v, p, 4);
                    index = field.index_signed ? int64_t{static_cast<int32_t>(v)} : int64_t{v};
                    break;
                }
                default: std::memcpy(&index, p, 8); break;
            }
            bool is_null = !valid.empty() && !valid[i];
            if (is_null) index = 0;
            else out_of_range |= index < 0 || static_cast<uint64_t>(index) >= size;
            rows[i] = static_cast<uint32_t>(index);
        }
        if (out_of_range) bad(fmt::format("dictionary index out of range (dictionary of {} values)", size));
        if (size == 0) {  // every row is NULL (checked above): no value to gather
            for (size_t i = 0; i < n; ++i) column.append_null();
            return;
        }
        // Gathering repeats dictionary values: bound the output (fedq offsets are 32-bit anyway).
        if (values.type().is_variable_width()) {
            const int32_t* offsets = values.offsets();
            uint64_t bytes = 0;
            for (size_t i = 0; i < n; ++i) bytes += static_cast<uint64_t>(offsets[rows[i] + 1] - offsets[rows[i]]);
            if (bytes > static_cast<uint64_t>(kMaxRows)) bad("dictionary-decoded column exceeds 2 GB of text");
        } else if (values.type().is_nested() &&
                   static_cast<uint64_t>(n) * (values.memory_bytes() / size + 1) > (uint64_t{1} << 31)) {
            bad("dictionary-decoded nested column too large");
        }
        column.append_gather(values, rows.data(), n);
        if (!valid.empty()) {
            uint8_t* out = column.mutable_validity();
            for (size_t i = 0; i < n; ++i) out[i] &= valid[i];
        }
    }

    void apply_validity(Column& column, BufferView validity, size_t n, int64_t null_count) {
        if (null_count == 0 || n == 0) return;
        need(validity, arrow_bitmap::bitmap_bytes(n), "validity");
        arrow_bitmap::unpack(validity.data, n, column.mutable_validity());
    }

    void copy_fixed(Column& column, size_t n, size_t width) {
        BufferView values = need(next_buffer(), n * width, "values");
        column.data().resize(n * width);
        if (n) std::memcpy(column.data().data(), values.data, n * width);
    }

    template <typename From, typename To>
    void widen(Column& column, size_t n) {
        BufferView values = need(next_buffer(), n * sizeof(From), "integer values");
        column.data().resize(n * sizeof(To));
        To* out = column.values<To>();
        for (size_t i = 0; i < n; ++i) {
            From v;
            std::memcpy(&v, values.data + i * sizeof(From), sizeof(From));
            out[i] = static_cast<To>(v);
        }
    }

    void decode_float16(Column& column, size_t n) {
        BufferView values = need(next_buffer(), n * 2, "float16 values");
        column.data().resize(n * 4);
        float* out = column.values<float>();
        for (size_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, values.data + i * 2, 2);
            uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
            uint32_t exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
            uint32_t bits;
            if (exponent == 0x1F) {
                bits = sign | 0x7F800000u | (mantissa << 13);
            } else if (exponent != 0) {
                bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
            } else if (mantissa == 0) {
                bits = sign;
            } else {  // subnormal half: normalize
                int shift = __builtin_clz(mantissa) - 21;
                bits = sign | (static_cast<uint32_t>(113 - shift) << 23) | ((mantissa << shift) & 0x3FF) << 13;
            }
            std::memcpy(&out[i], &bits, 4);
        }
    }

    void scale_to_micros(const uint8_t* in, size_t n, int64_t scale, int64_t* out) {
        bool overflow = false;
        for (size_t i = 0; i < n; ++i) {
            int64_t v;
            std::memcpy(&v, in + i * 8, 8);
            if (scale > 0) {
                overflow |= __builtin_mul_overflow(v, scale, &out[i]);
            } else {
                int64_t divisor = -scale;  // floor division: instants before 1970 round down
                out[i] = v / divisor - (v % divisor < 0);
            }
        }
        if (overflow) bad("timestamp or duration value does not fit 64-bit microseconds");
    }

    void decode_interval(Kind kind, Column& column, size_t n) {
        size_t width = kind == Kind::kIntervalYearMonth ? 4 : kind == Kind::kIntervalDayTime ? 8 : 16;
        BufferView values = need(next_buffer(), n * width, "interval values");
        column.data().resize(n * sizeof(Interval));
        Interval* out = column.values<Interval>();
        const uint8_t* in = values.data;
        for (size_t i = 0; i < n; ++i) {
            Interval v;
            if (kind == Kind::kIntervalYearMonth) {
                std::memcpy(&v.months, in + i * 4, 4);
            } else if (kind == Kind::kIntervalDayTime) {
                int32_t ms;
                std::memcpy(&v.days, in + i * 8, 4);
                std::memcpy(&ms, in + i * 8 + 4, 4);
                v.micros = int64_t{ms} * 1000;
            } else {
                int64_t nanos;
                std::memcpy(&v.months, in + i * 16, 4);
                std::memcpy(&v.days, in + i * 16 + 4, 4);
                std::memcpy(&nanos, in + i * 16 + 8, 8);
                v.micros = nanos / 1000;
            }
            out[i] = v;
        }
    }

    // Reads n+1 offsets of type Offset and checks them: first >= 0, non-decreasing, last <= limit (when
    // limit >= 0) and the span fits int32. Writes them as int32 into column.data(), minus the first offset
    // when `rebase`. Returns {first, last}.
    template <typename Offset>
    std::pair<int64_t, int64_t> read_offsets(Column& column, size_t n, int64_t limit, bool rebase) {
        if (n == 0) {
            BufferView ignored = next_buffer();
            (void)ignored;
            column.data().resize(4);
            column.offsets()[0] = 0;
            return {0, 0};
        }
        BufferView buffer = need(next_buffer(), (n + 1) * sizeof(Offset), "offsets");
        column.data().resize((n + 1) * 4);
        int32_t* out = column.offsets();
        const auto* in = reinterpret_cast<const uint8_t*>(buffer.data);
        Offset first, last;
        std::memcpy(&first, in, sizeof(Offset));
        std::memcpy(&last, in + n * sizeof(Offset), sizeof(Offset));
        if (first < 0 || last < first || (limit >= 0 && static_cast<int64_t>(last) > limit) ||
            static_cast<int64_t>(last) - static_cast<int64_t>(first) > kMaxRows) {
            bad(fmt::format("bad offsets [{} .. {}] (limit {})", static_cast<int64_t>(first),
                            static_cast<int64_t>(last), limit));
        }
        Offset base = rebase ? first : 0;
        if (!rebase && static_cast<int64_t>(last) > kMaxRows) bad("offsets exceed 32 bits");
        Offset previous = first;
        bool decreasing = false;
        for (size_t i = 0; i <= n; ++i) {
            Offset v;
            std::memcpy(&v, in + i * sizeof(Offset), sizeof(Offset));
            decreasing |= v < previous;
            previous = v;
            out[i] = static_cast<int32_t>(v - base);
        }
        if (decreasing) bad("offsets are not non-decreasing");
        return {static_cast<int64_t>(first), static_cast<int64_t>(last)};
    }

    template <typename Offset>
    void decode_strings(Column& column, size_t n) {
        size_t offsets_index = buffer_index_;
        if (!buffers_ || offsets_index + 1 >= buffers_->size()) bad("record batch has fewer buffers than the schema");
        // The data buffer follows the offsets: look at its size first to bound the offsets.
        buffer_index_ = offsets_index + 1;
        BufferView data = next_buffer();
        buffer_index_ = offsets_index;
        auto [first, last] = read_offsets<Offset>(column, n, static_cast<int64_t>(data.size), true);
        buffer_index_ = offsets_index + 2;
        column.chars().clear();
        column.chars().append(data.data + first, static_cast<size_t>(last - first));
    }

    void fill_fixed_offsets(Column& column, size_t n, size_t width) {
        column.data().resize((n + 1) * 4);
        int32_t* out = column.offsets();
        for (size_t i = 0; i <= n; ++i) out[i] = static_cast<int32_t>(i * width);
    }

    void decode_list(const ArrowField& field, Column& column, size_t n) {
        Column& child = column.children()[0];
        if (field.kind == Kind::kFixedSizeList) {
            size_t width = static_cast<size_t>(field.width);
            if (width && n > static_cast<size_t>(kMaxRows) / width) bad("FixedSizeList column too large");
            if (!width) count_bufferless(static_cast<int64_t>(n));
            fill_fixed_offsets(column, n, width);
            // The child has at least n * width rows; decode then ignore any extra.
            if (node_at(node_index_).length < static_cast<int64_t>(n * width)) bad("FixedSizeList child too short");
            decode(field.children[0], child, -1);
            return;
        }
        // Offsets index into the child, whose length is the next node: peek it to bound the offsets.
        int64_t child_rows = node_at(node_index_).length;
        if (field.kind == Kind::kList) read_offsets<int32_t>(column, n, child_rows, false);
        else read_offsets<int64_t>(column, n, child_rows, false);
        decode(field.children[0], child, -1);
    }

    const ArrowStreamReader::State& state_;
    const Buffer& body_;
    const flatbuffers::Vector<const fb::FieldNode*>* nodes_ = nullptr;
    const flatbuffers::Vector<const fb::Buffer*>* buffers_ = nullptr;
    flatbuffers::uoffset_t node_index_ = 0;
    flatbuffers::uoffset_t buffer_index_ = 0;
    int64_t bufferless_rows_ = 0;
};

}  // namespace

void ArrowStreamReader::State::read_dictionary_batch(const fb::DictionaryBatch* batch) {
    auto found = dictionaries.find(batch->id());
    if (found == dictionaries.end()) bad(fmt::format("dictionary batch for unknown dictionary id {}", batch->id()));
    if (!batch->data()) bad("dictionary batch without data");
    ArrowDictionary& dictionary = found->second;
    int64_t rows = batch->data()->length();
    if (rows < 0 || rows > kMaxRows) bad(fmt::format("bad dictionary batch length {}", rows));
    BatchDecoder decoder(*this, batch->data(), body);
    Column values(dictionary.values_field.type);
    decoder.decode(dictionary.values_field, values, rows);
    decoder.check_done();
    if (batch->isDelta() && dictionary.loaded) {
        if (dictionary.values.size() + values.size() > static_cast<uint64_t>(kMaxRows)) bad("dictionary too large");
        dictionary.values.append_range(values, 0, values.size());
    } else {
        dictionary.values = std::move(values);
    }
    dictionary.loaded = true;
}

ArrowStreamReader::ArrowStreamReader(std::function<size_t(void*, size_t)> source, std::string what)
    : state_(std::make_unique<State>()) {
    state_->source = std::move(source);
    state_->what = std::move(what);
}

ArrowStreamReader::~ArrowStreamReader() = default;

// Runs a step of the reader; after a failure, every later call repeats the error (the stream position is lost).
template <typename Step>
auto ArrowStreamReader::State::guarded(Step&& step) -> decltype(step()) {
    if (failure) std::rethrow_exception(failure);
    try {
        return step();
    } catch (...) {
        failure = std::current_exception();
        throw;
    }
}

const std::vector<std::string>& ArrowStreamReader::names() {
    return state_->guarded([this]() -> const std::vector<std::string>& {
        if (!state_->schema_read) state_->read_schema();
        return state_->names;
    });
}

const std::vector<Type>& ArrowStreamReader::types() {
    return state_->guarded([this]() -> const std::vector<Type>& {
        if (!state_->schema_read) state_->read_schema();
        return state_->types;
    });
}

uint64_t ArrowStreamReader::bytes_read() const { return state_->bytes_read; }

bool ArrowStreamReader::next(Batch& batch) {
    return state_->guarded([&] { return state_->read_batch(batch); });
}

bool ArrowStreamReader::State::read_batch(Batch& batch) {
    if (!schema_read) read_schema();
    if (finished) return false;
    for (;;) {
        const fb::Message* message = read_message();
        if (!message) {
            finished = true;
            return false;
        }
        switch (message->header_type()) {
            case fb::MessageHeader_RecordBatch: {
                const fb::RecordBatch* record_batch = message->header_as_RecordBatch();
                int64_t rows = record_batch->length();
                if (rows < 0 || rows > kMaxRows) bad(fmt::format("bad record batch length {}", rows));
                BatchDecoder decoder(*this, record_batch, body);
                std::vector<ColumnPtr> columns;
                columns.reserve(fields.size());
                for (const ArrowField& field : fields) {
                    auto column = Column::make(field.type);
                    decoder.decode(field, *column, rows);
                    columns.push_back(std::move(column));
                }
                decoder.check_done();
                batch = Batch(static_cast<size_t>(rows), std::move(columns));
                return true;
            }
            case fb::MessageHeader_DictionaryBatch:
                read_dictionary_batch(message->header_as_DictionaryBatch());
                break;
            case fb::MessageHeader_Schema: bad("a second Schema message in the stream");
            default: bad(fmt::format("unexpected {} message", fb::EnumNameMessageHeader(message->header_type())));
        }
    }
}

}  // namespace fedq
