// Internal to the Arrow IPC stream reader (arrow_ipc_reader.cpp, arrow_ipc_schema.cpp): how the schema's fields
// map to fedq columns, and the reader's state. Needs the flatc-generated headers (fedq_formats only).
#pragma once

#include <cstring>
#include <exception>
#include <limits>
#include <map>

#include "arrow/Message_generated.h"
#include "common/error.h"
#include "formats/arrow_ipc.h"

namespace fedq {

namespace fb = org::apache::arrow::flatbuf;

namespace arrow_reader {

inline constexpr uint32_t kContinuation = 0xFFFFFFFFu;
inline constexpr int64_t kMaxMetadata = int64_t{64} << 20;
inline constexpr int64_t kMaxRows = std::numeric_limits<int32_t>::max();
// Rows of Null-typed columns (which have no buffers, so nothing in the body bounds them) per batch.
inline constexpr int64_t kMaxBufferlessRows = int64_t{1} << 26;

// How an Arrow field's buffers become a fedq column.
enum class Kind : uint8_t {
    kNull, kBool, kInt, kFloat16, kFixed, kDecimal, kUtf8, kLargeUtf8, kFixedSizeBinary, kDate64, kTimestamp,
    kIntervalYearMonth, kIntervalDayTime, kIntervalMonthDayNano, kDuration, kList, kLargeList, kFixedSizeList,
    kStruct,
};

struct ArrowField {
    Kind kind = Kind::kNull;
    Type type;
    int width = 0;           // kInt: bytes; kFixed: bytes; kFixedSizeBinary: bytes; kFixedSizeList: items
    bool is_signed = true;   // kInt
    int64_t scale = 1;       // kTimestamp / kDuration: micros = value * scale (scale > 0) or value / -scale
    std::vector<ArrowField> children;
    // Dictionary-encoded: the batch holds indices (Int of index_width bytes) into dictionary `dictionary_id`;
    // the fields above describe the dictionary's values.
    bool dictionary_encoded = false;
    int64_t dictionary_id = 0;
    int index_width = 4;
    bool index_signed = true;
};

// A dictionary of the stream: its value field (as if not encoded) and the values of the last
// DictionaryBatch (plus deltas).
struct ArrowDictionary {
    ArrowField values_field;
    Column values;
    bool loaded = false;
};


}  // namespace arrow_reader

struct ArrowStreamReader::State {
    std::function<size_t(void*, size_t)> source;
    std::string what;
    uint64_t bytes_read = 0;
    bool schema_read = false;
    bool finished = false;
    std::vector<std::string> names;
    std::vector<Type> types;
    std::vector<arrow_reader::ArrowField> fields;
    std::map<int64_t, arrow_reader::ArrowDictionary> dictionaries;
    Buffer metadata;
    Buffer body;

    [[noreturn]] void bad(std::string_view message) const { raise(ErrorCode::kBadFile, "{}: {}", what, message); }

    size_t read_some(void* dest, size_t size) {
        size_t got = 0;
        while (got < size) {
            size_t n = source(static_cast<char*>(dest) + got, size - got);
            if (n == 0) break;
            if (n > size - got) bad("source returned more bytes than asked for");
            got += n;
        }
        bytes_read += got;
        return got;
    }
    void read_exact(void* dest, size_t size, const char* part) {
        if (read_some(dest, size) != size) {
            raise(ErrorCode::kBadFile, "{}: truncated Arrow IPC stream (in {} at byte {})", what, part, bytes_read);
        }
    }

    // The next message (nullptr at the end-of-stream marker); its body is in `body`.
    const fb::Message* read_message();
    void read_schema();
    arrow_reader::ArrowField convert_field(const fb::Field* field, int depth);
    void read_dictionary_batch(const fb::DictionaryBatch* batch);
    bool read_batch(Batch& batch);
    template <typename Step>
    auto guarded(Step&& step) -> decltype(step());

    std::exception_ptr failure;  // the first error; later calls repeat it
};


}  // namespace fedq
