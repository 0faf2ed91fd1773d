#include "formats/csv_reader.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "formats/csv_scanner.h"
#include "formats/text_conversion.h"

namespace fedq {

namespace {

constexpr size_t kBlockSize = 8u << 20;
constexpr size_t kInitialBlockSize = 256u << 10;
constexpr size_t kTailReadSize = 64u << 10;  // reads past a range's end (only to finish its last row)

std::string_view clip(std::string_view text) { return text.size() > 100 ? text.substr(0, 100) : text; }

}  // namespace

CsvReader::CsvReader(std::unique_ptr<InputStream> input, CsvSchema schema, std::vector<size_t> projection,
                     size_t batch_rows, Range range, LineLocator line_locator)
    : input_(std::move(input)),
      schema_(std::move(schema)),
      dialect_(schema_.dialect),
      projection_(std::move(projection)),
      batch_rows_(std::max<size_t>(batch_rows, 1)),
      range_(range),
      line_locator_(std::move(line_locator)),
      num_columns_(schema_.names.size()) {
    for (size_t column : projection_) {
        if (column >= num_columns_)
            raise(ErrorCode::kInternal, "CSV projection index {} out of range", column);
    }
    output_of_column_.assign(num_columns_, -1);
    for (size_t i = 0; i < projection_.size(); ++i) output_of_column_[projection_[i]] = static_cast<int>(i);
    fields_.resize(num_columns_ * batch_rows_);
    chunk_lines_.resize(batch_rows_);
    escaped_.assign(num_columns_, 0);
    bad_rows_.assign(batch_rows_, 0);
    buffer_offset_ = range_.begin > 0 ? range_.begin - 1 : 0;
}

CsvReader::~CsvReader() = default;

uint64_t CsvReader::physical_line(uint64_t relative_line) {
    if (range_.begin == 0 || !line_locator_) return relative_line + 1;
    return line_locator_(first_row_offset_) + relative_line + 1;
}

void CsvReader::fail_row(uint64_t relative_line, const std::string& what) {
    uint64_t line = physical_line(relative_line);
    if (range_.begin > 0 && !line_locator_) {
        raise(ErrorCode::kBadFile, "file {} line {} after byte {}: {}", input_->path(), line, range_.begin,
              what);
    }
    raise(ErrorCode::kBadFile, "file {} line {}: {}", input_->path(), line, what);
}

bool CsvReader::row_error(uint64_t relative_line, const std::string& what) {
    if (dialect_.ignore_errors) return false;
    fail_row(relative_line, what);
}

void CsvReader::fail_value(size_t chunk_row, size_t file_column, std::string_view text) {
    uint64_t line = physical_line(chunk_lines_[chunk_row]);
    raise(ErrorCode::kBadFile, "file {} line {}, column '{}': cannot parse '{}' as {}", input_->path(), line,
          schema_.names[file_column], clip(text), schema_.types[file_column].to_string());
}

// Moves the unread tail to the front of the buffer and reads more. Returns false if nothing was added.
bool CsvReader::refill() {
    if (eof_) return false;
    if (position_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + position_, end_ - position_);
        buffer_offset_ += position_;
        end_ -= position_;
        position_ = 0;
    }
    // Small files get a small buffer; it grows to kBlockSize while reads keep filling it.
    if (buffer_.empty())
        buffer_.resize(kInitialBlockSize + kCsvPadding);
    else if (last_read_filled_ && buffer_.size() < kBlockSize + kCsvPadding)
        buffer_.resize((buffer_.size() - kCsvPadding) * 2 + kCsvPadding);
    if (end_ + kCsvPadding >= buffer_.size())
        buffer_.resize(buffer_.size() * 2);  // a row longer than the buffer
    size_t room = buffer_.size() - kCsvPadding - end_;
    uint64_t stream_position = buffer_offset_ + end_;
    if (stream_position >= range_.end)
        room = std::min(room, kTailReadSize);
    else if (range_.end - stream_position < room)
        room = static_cast<size_t>(range_.end - stream_position) + kTailReadSize;
    room = std::min(room, buffer_.size() - kCsvPadding - end_);
    size_t n = input_->read_fully(buffer_.data() + end_, room);
    end_ += n;
    last_read_filled_ = n == room;
    if (n < room) eof_ = true;
    std::memset(buffer_.data() + end_, 0, kCsvPadding);
    return n > 0 || eof_;
}

// Positions the reader at its first data row: BOM, skipped lines and header at the file start; the
// first line start after `begin` for a range.
void CsvReader::start_stream() {
    started_ = true;
    refill();
    if (range_.begin > 0) {
        // The stream starts one byte before the range: skip through the first newline at or after it.
        for (;;) {
            const void* hit = std::memchr(buffer_.data() + position_, '\n', end_ - position_);
            if (hit) {
                position_ = static_cast<size_t>(static_cast<const char*>(hit) - buffer_.data()) + 1;
                first_row_offset_ = buffer_offset_ + position_;
                return;
            }
            position_ = end_;
            if (!refill() || end_ == 0) {
                finished_ = true;
                return;
            }
        }
    }
    if (end_ >= 3 && static_cast<uint8_t>(buffer_[0]) == 0xEF && static_cast<uint8_t>(buffer_[1]) == 0xBB &&
        static_cast<uint8_t>(buffer_[2]) == 0xBF) {
        position_ = 3;
    }
    for (size_t skipped = 0; skipped < dialect_.skip;) {
        const void* hit = std::memchr(buffer_.data() + position_, '\n', end_ - position_);
        if (hit) {
            position_ = static_cast<size_t>(static_cast<const char*>(hit) - buffer_.data()) + 1;
            ++line_;
            ++skipped;
            continue;
        }
        position_ = end_;
        if (eof_ || !refill()) return;
    }
    if (dialect_.header) {
        struct CountSink {
            void field(size_t, size_t, size_t, bool, bool) {}
        } sink;
        for (;;) {
            CsvScanResult r = scan_csv_row(buffer_.data(), position_, end_, eof_, dialect_, sink);
            if (r.status == CsvScanResult::kNeedMore) {
                if (!refill()) return;
                continue;
            }
            if (r.status == CsvScanResult::kEnd) return;
            uint64_t header_line = line_;
            position_ = r.next;
            line_ += r.newlines;
            if (r.status == CsvScanResult::kBlank) continue;
            if (r.status == CsvScanResult::kMalformed) fail_row(header_line, r.error);
            if (r.fields != num_columns_) {
                fail_row(header_line,
                         fmt::format("the header has {} columns but the table has {} (files of one "
                                     "table must share their columns)",
                                     r.fields, num_columns_));
            }
            return;
        }
    }
}

CsvReader::RowStatus CsvReader::scan_row() {
    struct ChunkSink {
        Field* fields;
        size_t stride;
        size_t row;
        size_t columns;
        uint8_t* escaped;
        bool any_escaped = false;
        void field(size_t column, size_t start, size_t length, bool quoted, bool is_escaped) {
            if (column >= columns) return;
            fields[column * stride + row] = Field{static_cast<uint32_t>(start),
                                                  static_cast<uint32_t>(length) | (quoted ? kQuotedBit : 0u)};
            if (is_escaped) {
                escaped[column] = 1;
                any_escaped = true;
            }
        }
    };
    if (buffer_offset_ + position_ >= range_.end) return RowStatus::kEnd;
    ChunkSink sink{fields_.data(), batch_rows_, chunk_rows_, num_columns_, escaped_.data()};
    CsvScanResult r = scan_csv_row(buffer_.data(), position_, end_, eof_, dialect_, sink);
    switch (r.status) {
        case CsvScanResult::kNeedMore:
            if (sink.any_escaped) std::fill(escaped_.begin(), escaped_.end(), 0);
            return RowStatus::kNeedMore;
        case CsvScanResult::kEnd:
            return RowStatus::kEnd;
        case CsvScanResult::kBlank:
            position_ = r.next;
            line_ += r.newlines;
            return RowStatus::kSkipped;
        case CsvScanResult::kMalformed: {
            uint64_t line = line_;
            position_ = r.next;
            line_ += r.newlines;
            if (sink.any_escaped) std::fill(escaped_.begin(), escaped_.end(), 0);
            row_error(line, r.error);
            return RowStatus::kSkipped;
        }
        case CsvScanResult::kRow:
            break;
    }
    uint64_t line = line_;
    position_ = r.next;
    line_ += r.newlines;
    if (r.fields != num_columns_) {
        if (sink.any_escaped) std::fill(escaped_.begin(), escaped_.end(), 0);
        row_error(line, fmt::format("expected {} fields but found {}", num_columns_, r.fields));
        return RowStatus::kSkipped;
    }
    if (sink.any_escaped) {
        for (size_t c = 0; c < num_columns_; ++c) {
            if (!escaped_[c]) continue;
            escaped_[c] = 0;
            Field& f = fields_[c * batch_rows_ + chunk_rows_];
            uint32_t length = f.length & ~kQuotedBit;
            uint32_t fresh = static_cast<uint32_t>(
                csv_unescape(buffer_.data() + f.start, length, dialect_.quote, dialect_.escape));
            f.length = fresh | (f.length & kQuotedBit);
        }
    }
    chunk_lines_[chunk_rows_] = line;
    ++chunk_rows_;
    return RowStatus::kRow;
}

void CsvReader::convert_column(size_t file_column, Column& out) {
    const Field* fields = fields_.data() + file_column * batch_rows_;
    const char* buf = buffer_.data();
    const size_t rows = chunk_rows_;
    const Type& type = out.type();
    const size_t base = out.size();
    const bool has_null_string = dialect_.has_null_string;
    const std::string_view null_string = dialect_.null_string;
    const bool ignore = dialect_.ignore_errors;

    if (type.is_nested()) {
        raise(ErrorCode::kNotSupported, "file {}, column '{}': CSV columns of type {} are not supported",
              input_->path(), schema_.names[file_column], type.to_string());
    }
    if (type.id() == TypeId::kVarbinary) {
        // Bytes as fedq writes them (\x0aff..., hex) are decoded; other text is taken as its bytes.
        std::string bytes;
        for (size_t r = 0; r < rows; ++r) {
            const Field f = fields[r];
            const uint32_t length = f.length & ~kQuotedBit;
            std::string_view text(buf + f.start, length);
            bool null = !(f.length & kQuotedBit) && (has_null_string ? text == null_string : length == 0);
            if (null) {
                out.append_null();
            } else if (decode_hex_bytes(text, bytes)) {
                out.append_string(bytes);
            } else {
                out.append_string(text);
            }
        }
        return;
    }
    if (type.is_variable_width()) {
        size_t bytes = 0;
        for (size_t r = 0; r < rows; ++r) bytes += fields[r].length & ~kQuotedBit;
        Buffer& chars = out.chars();
        chars.reserve(chars.size() + bytes);
        out.data().resize((base + rows + 1) * sizeof(int32_t));
        out.set_size(base + rows);
        int32_t* offsets = out.offsets();
        uint8_t* validity = out.has_nulls() ? out.mutable_validity() : nullptr;
        uint8_t* out_chars = chars.data();
        size_t position = chars.size();
        for (size_t r = 0; r < rows; ++r) {
            const Field f = fields[r];
            const uint32_t length = f.length & ~kQuotedBit;
            const bool quoted = f.length & kQuotedBit;
            bool null = !quoted && (has_null_string ? std::string_view(buf + f.start, length) == null_string
                                                    : length == 0);
            if (null) {
                if (!validity) validity = out.mutable_validity();
                validity[base + r] = 0;
            } else if (length) {
                std::memcpy(out_chars + position, buf + f.start, length);
                position += length;
            }
            offsets[base + r + 1] = static_cast<int32_t>(position);
        }
        chars.resize(position);
        return;
    }

    out.resize(base + rows);
    uint8_t* validity = out.has_nulls() ? out.mutable_validity() : nullptr;
    auto is_null = [&](const Field f) {
        const uint32_t length = f.length & ~kQuotedBit;
        if (length == 0) return true;
        return has_null_string && !(f.length & kQuotedBit) &&
               std::string_view(buf + f.start, length) == null_string;
    };
    auto set_null = [&](size_t r) {
        if (!validity) validity = out.mutable_validity();
        validity[base + r] = 0;
    };
    auto bad = [&](size_t r, std::string_view text) {
        if (!ignore) fail_value(r, file_column, text);
        bad_rows_[r] = 1;
    };
    auto loop = [&](auto* values, auto parse) {
        using T = std::remove_pointer_t<decltype(values)>;
        values += base;
        for (size_t r = 0; r < rows; ++r) {
            const Field f = fields[r];
            if (is_null(f)) {
                values[r] = T{};
                set_null(r);
                continue;
            }
            std::string_view text(buf + f.start, f.length & ~kQuotedBit);
            if (!parse(text, values[r])) {
                values[r] = T{};
                bad(r, text);
            }
        }
    };
    switch (type.id()) {
        case TypeId::kBoolean:
            loop(out.values<uint8_t>(),
                 [](std::string_view s, uint8_t& v) { return parse_boolean_text(s, true, v); });
            break;
        case TypeId::kTinyInt:
            loop(out.values<int8_t>(),
                 [](std::string_view s, int8_t& v) { return parse_integer_text(s, v); });
            break;
        case TypeId::kSmallInt:
            loop(out.values<int16_t>(),
                 [](std::string_view s, int16_t& v) { return parse_integer_text(s, v); });
            break;
        case TypeId::kInteger:
            loop(out.values<int32_t>(),
                 [](std::string_view s, int32_t& v) { return parse_integer_text(s, v); });
            break;
        case TypeId::kBigInt:
            loop(out.values<int64_t>(),
                 [](std::string_view s, int64_t& v) { return parse_int64_text(s, v); });
            break;
        case TypeId::kReal:
            loop(out.values<float>(), [](std::string_view s, float& v) {
                double d;
                if (!parse_double_text(s, d)) return false;
                v = static_cast<float>(d);
                return true;
            });
            break;
        case TypeId::kDouble:
            loop(out.values<double>(), [](std::string_view s, double& v) { return parse_double_text(s, v); });
            break;
        case TypeId::kDecimal: {
            const int precision = type.precision(), scale = type.scale();
            loop(out.values<int128_t>(), [precision, scale](std::string_view s, int128_t& v) {
                return parse_decimal_text(s, precision, scale, v);
            });
            break;
        }
        case TypeId::kDate:
            loop(out.values<int32_t>(), [](std::string_view s, int32_t& v) { return parse_date_text(s, v); });
            break;
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
            loop(out.values<int64_t>(),
                 [](std::string_view s, int64_t& v) { return parse_timestamp_text(s, true, v); });
            break;
        default:
            raise(ErrorCode::kNotSupported, "CSV columns of type {} are not supported", type.to_string());
    }
}

void CsvReader::flush_chunk() {
    if (chunk_rows_ == 0) return;
    for (size_t i = 0; i < projection_.size(); ++i) convert_column(projection_[i], *outputs_[i]);
    if (dialect_.ignore_errors) {
        for (size_t r = 0; r < chunk_rows_; ++r) {
            if (bad_rows_[r]) {
                dropped_.push_back(static_cast<uint32_t>(batch_filled_ + r));
                bad_rows_[r] = 0;
            }
        }
    }
    batch_filled_ += chunk_rows_;
    rows_read_ += chunk_rows_;
    chunk_rows_ = 0;
}

bool CsvReader::next(Batch& batch) {
    if (finished_) return false;
    if (!started_) {
        start_stream();
        if (finished_) return false;
    }
    outputs_.clear();
    for (size_t column : projection_) outputs_.push_back(Column::make(schema_.types[column], batch_rows_));
    batch_filled_ = 0;
    dropped_.clear();
    bool end = false;
    while (batch_filled_ + chunk_rows_ < batch_rows_) {
        RowStatus status = scan_row();
        if (status == RowStatus::kRow || status == RowStatus::kSkipped) continue;
        if (status == RowStatus::kEnd) {
            end = true;
            break;
        }
        // kNeedMore: convert what references the buffer, then move and refill it.
        flush_chunk();
        if (!refill()) {
            end = true;
            break;
        }
    }
    flush_chunk();
    if (end) finished_ = true;
    size_t rows = batch_filled_;
    batch = Batch(rows, outputs_);
    outputs_.clear();
    if (!dropped_.empty()) {
        std::vector<uint32_t> keep;
        keep.reserve(rows - dropped_.size());
        size_t d = 0;
        for (uint32_t r = 0; r < rows; ++r) {
            if (d < dropped_.size() && dropped_[d] == r)
                ++d;
            else
                keep.push_back(r);
        }
        batch = batch.gather(keep.data(), keep.size());
        rows_read_ -= dropped_.size();
    }
    if (batch.num_rows == 0 && finished_) return false;
    if (batch.num_rows == 0) return next(batch);
    return true;
}

}  // namespace fedq
