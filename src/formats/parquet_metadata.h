// Parquet file metadata: a Thrift compact-protocol decoder and the subset of parquet.thrift that the reader
// needs (FileMetaData, SchemaElement, RowGroup, ColumnChunk, ColumnMetaData, Statistics, PageHeader).
// Unknown fields are skipped, so files from newer writers still decode. Malformed input raises kBadFile
// with a message naming the file; the decoder never reads past the given bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fedq::parquet {

enum class PhysicalType : int32_t {
    kBoolean = 0,
    kInt32 = 1,
    kInt64 = 2,
    kInt96 = 3,
    kFloat = 4,
    kDouble = 5,
    kByteArray = 6,
    kFixedLenByteArray = 7
};
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum class Codec : int32_t {
    kUncompressed = 0,
    kSnappy = 1,
    kGzip = 2,
    kLzo = 3,
    kBrotli = 4,
    kLz4 = 5,
    kZstd = 6,
    kLz4Raw = 7
};
enum class Encoding : int32_t {
    kPlain = 0,
    kPlainDictionary = 2,
    kRle = 3,
    kBitPacked = 4,
    kDeltaBinaryPacked = 5,
    kDeltaLengthByteArray = 6,
    kDeltaByteArray = 7,
    kRleDictionary = 8,
    kByteStreamSplit = 9
};
enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

// Logical annotation (new-style LogicalType, with old ConvertedType mapped onto it).
enum class LogicalKind : uint8_t {
    kNone,
    kString,
    kMap,
    kList,
    kEnum,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kInteger,
    kJson,
    kBson,
    kUuid,
    kFloat16,
    kUnknown
};
enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

struct LogicalType {
    LogicalKind kind = LogicalKind::kNone;
    int32_t scale = 0, precision = 0;   // decimal
    bool adjusted_to_utc = false;       // timestamp / time
    TimeUnit unit = TimeUnit::kMicros;  // timestamp / time
    int32_t bit_width = 0;              // integer
    bool is_signed = true;              // integer
};

struct SchemaElement {
    std::optional<PhysicalType> type;  // absent for groups
    int32_t type_length = 0;
    std::optional<Repetition> repetition;
    std::string name;
    int32_t num_children = 0;
    std::optional<int32_t> converted_type;
    int32_t scale = 0, precision = 0;
    LogicalType logical;  // resolved from logicalType or converted_type
};

struct Statistics {
    std::optional<std::string> min, max;  // min_value/max_value preferred over legacy min/max
    bool legacy = false;                  // min/max came from the deprecated fields (signed order only)
    std::optional<int64_t> null_count;
    std::optional<int64_t> distinct_count;
};

struct ColumnMetaData {
    PhysicalType type = PhysicalType::kInt32;
    std::vector<Encoding> encodings;
    std::vector<std::string> path;
    Codec codec = Codec::kUncompressed;
    int64_t num_values = 0;
    int64_t total_uncompressed_size = 0;
    int64_t total_compressed_size = 0;
    int64_t data_page_offset = 0;
    std::optional<int64_t> dictionary_page_offset;
    std::optional<Statistics> statistics;
    // encoding_stats: (page type, encoding) pairs present in the chunk; empty if the writer omitted them.
    std::vector<std::pair<PageType, Encoding>> encoding_stats;
};

struct ColumnChunk {
    std::string file_path;
    int64_t file_offset = 0;
    std::optional<ColumnMetaData> meta;
};

struct RowGroup {
    std::vector<ColumnChunk> columns;
    int64_t total_byte_size = 0;
    int64_t num_rows = 0;
};

struct FileMetaData {
    int32_t version = 0;
    std::vector<SchemaElement> schema;
    int64_t num_rows = 0;
    std::vector<RowGroup> row_groups;
    std::string created_by;
};

struct DataPageHeader {
    int32_t num_values = 0;
    Encoding encoding = Encoding::kPlain;
    Encoding definition_level_encoding = Encoding::kRle;
    Encoding repetition_level_encoding = Encoding::kRle;
};
struct DictionaryPageHeader {
    int32_t num_values = 0;
    Encoding encoding = Encoding::kPlain;
};
struct DataPageHeaderV2 {
    int32_t num_values = 0, num_nulls = 0, num_rows = 0;
    Encoding encoding = Encoding::kPlain;
    int32_t definition_levels_byte_length = 0;
    int32_t repetition_levels_byte_length = 0;
    bool is_compressed = true;
};
struct PageHeader {
    PageType type = PageType::kDataPage;
    int32_t uncompressed_page_size = 0;
    int32_t compressed_page_size = 0;
    std::optional<DataPageHeader> data;
    std::optional<DictionaryPageHeader> dictionary;
    std::optional<DataPageHeaderV2> data_v2;
};

// Thrift compact protocol reader over a byte range. `file` names the source in errors.
class CompactReader {
  public:
    CompactReader(const uint8_t* data, size_t size, std::string_view file)
        : pos_(data), begin_(data), end_(data + size), file_(file) {}

    // Field iteration inside a struct: returns false at STOP. Sets id and compact type.
    bool next_field(int16_t& id, uint8_t& type);
    void begin_struct() {
        last_ids_.push_back(last_id_);
        last_id_ = 0;
    }
    void end_struct() {
        last_id_ = last_ids_.back();
        last_ids_.pop_back();
    }

    uint64_t read_varint();
    int64_t read_zigzag() {
        uint64_t v = read_varint();
        return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    }
    int32_t read_i32();
    int64_t read_i64() { return read_zigzag(); }
    uint8_t read_byte();
    double read_double();
    std::string read_binary();
    bool read_bool(uint8_t type) { return type == 1; }  // field value encoded in the type nibble
    // List/set header: element count and element type.
    void read_list_header(uint32_t& size, uint8_t& element_type);
    void skip(uint8_t type, int depth = 0);

    size_t position() const { return static_cast<size_t>(pos_ - begin_); }
    [[noreturn]] void fail(std::string_view what) const;

  private:
    const uint8_t* pos_;
    const uint8_t* begin_;
    const uint8_t* end_;
    std::string_view file_;
    int16_t last_id_ = 0;
    std::vector<int16_t> last_ids_;
    uint8_t pending_bool_ = 0;
};

// Decodes a FileMetaData footer (the bytes between the data and the length + "PAR1" trailer).
FileMetaData parse_file_metadata(const uint8_t* data, size_t size, std::string_view file);
// Decodes one page header; returns the header length in bytes through `header_size`.
PageHeader parse_page_header(const uint8_t* data, size_t size, std::string_view file, size_t& header_size);

}  // namespace fedq::parquet
