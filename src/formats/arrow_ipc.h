// Apache Arrow IPC *stream* format (application/vnd.apache.arrow.stream) for fedq batches: the split data of
// out-of-process connectors, readable and producible by any Arrow library.
//
// Framing (Arrow columnar format, "Encapsulated message format"): each message is the continuation marker
// 0xFFFFFFFF, an int32 metadata length, a flatbuffer Message (Schema.fbs / Message.fbs in formats/arrow/,
// padded to 8 bytes), then the message body (buffers 8-byte aligned). The Schema message comes first, then one
// RecordBatch message per batch; 0xFFFFFFFF 0x00000000 ends the stream. Little endian, no body compression.
//
// Type mapping (fedq -> Arrow when writing; the reader maps these back exactly):
//   BOOLEAN Bool · TINYINT..BIGINT Int(8..64, signed) · REAL/DOUBLE FloatingPoint(SINGLE/DOUBLE)
//   DECIMAL(p,s) Decimal(p, s, 128) · VARCHAR Utf8 · VARBINARY Binary
//   JSON Utf8 with field metadata ARROW:extension:name = arrow.json · DATE Date(DAY)
//   TIMESTAMP Timestamp(MICROSECOND) · TIMESTAMP WITH TIME ZONE Timestamp(MICROSECOND, "UTC")
//   INTERVAL Interval(MONTH_DAY_NANO) (micros * 1000) · ARRAY List<item> · ROW Struct · NULL Null
// The reader also accepts: LargeUtf8/LargeBinary, FixedSizeBinary (VARBINARY), Date(MILLISECOND),
// Timestamp in SECOND/MILLISECOND/NANOSECOND (nanoseconds truncated to micros), any time zone (TIMESTAMP WITH
// TIME ZONE), unsigned Int (uint8 SMALLINT, uint16 INTEGER, uint32 BIGINT, uint64 DECIMAL(20,0)), Float16
// (REAL), Interval YEAR_MONTH / DAY_TIME, Duration (INTERVAL), LargeList, FixedSizeList (ARRAY), Map
// (ARRAY(ROW(key, value))), dictionary-encoded fields of any of these (DictionaryBatch messages, deltas too;
// decoded to plain columns). Not supported (kNotSupported naming the type): Time, Decimal256, Union,
// RunEndEncoded, the view types, big-endian streams, compressed bodies.
//
// Physical conversion: validity and BOOLEAN are converted between fedq's byte-per-row and Arrow's bitmaps in
// tight loops; every other buffer is one memcpy (INTERVAL and the widened reader types are one simple loop).
// The reader bounds-checks every length and offset: malformed input gives fedq::Error kBadFile naming the
// stream (`what`), never a crash.
//
// Neither class is thread-safe; each is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "types/type.h"
#include "vector/column.h"

namespace fedq {

// Serializes batches as an Arrow IPC stream; bytes go to `sink` (called with chunks, in order; a chunk is
// only valid during the call).
class ArrowStreamWriter {
public:
    ArrowStreamWriter(std::function<void(std::string_view)> sink, std::vector<std::string> names,
                      std::vector<Type> types);
    ~ArrowStreamWriter();

    // One RecordBatch message per call (empty batches allowed). The schema message goes first.
    void write(const Batch& batch);
    // End-of-stream marker (writes the schema first if no batch was written). Later calls do nothing.
    void finish();
    uint64_t bytes_written() const { return bytes_written_; }

private:
    void write_schema();
    void emit(const void* data, size_t size);
    void emit_padding(size_t size);

    std::function<void(std::string_view)> sink_;
    std::vector<std::string> names_;
    std::vector<Type> types_;
    uint64_t bytes_written_ = 0;
    bool schema_written_ = false;
    bool finished_ = false;
    Buffer scratch_;  // bitmaps and converted values of the batch being written (reused)
};

// Reads an Arrow IPC stream. `source(dest, capacity)` returns the number of bytes read, 0 at end of input.
class ArrowStreamReader {
public:
    explicit ArrowStreamReader(std::function<size_t(void*, size_t)> source, std::string what = "arrow stream");
    ~ArrowStreamReader();
    ArrowStreamReader(const ArrowStreamReader&) = delete;
    ArrowStreamReader& operator=(const ArrowStreamReader&) = delete;

    const std::vector<std::string>& names();  // reads the schema message on first use
    const std::vector<Type>& types();
    // The next batch; false at the end-of-stream marker. A stream that ends without it -> kBadFile "truncated".
    bool next(Batch& batch);
    uint64_t bytes_read() const;

    struct State;  // implementation (arrow_ipc_reader.cpp)

private:
    std::unique_ptr<State> state_;
};

// The Arrow type written for a fedq type, in Arrow's usual spelling: "Int64", "Decimal128(12, 2)", "Utf8",
// "Timestamp(MICROSECOND, UTC)", "Interval(MONTH_DAY_NANO)", "List<Int32>", "Struct<a: Int32, b: Utf8>",
// "Utf8[arrow.json]" (JSON). Every fedq type has one.
std::string arrow_type_name(const Type& type);
// The fedq type the reader produces for an Arrow type spelled as above; besides the names that
// arrow_type_name writes it accepts the other readable types ("UInt64", "LargeUtf8", "Float16",
// "Timestamp(NANOSECOND, Europe/Paris)", "Date64", "LargeList<Utf8>", "FixedSizeBinary(16)", ...).
// An Arrow type fedq cannot read ("Time32(MILLISECOND)", "Decimal256(50, 2)", "Utf8View", ...) ->
// kNotSupported naming it; text that is not an Arrow type -> kInvalidParameter.
Type fedq_type_of_arrow(std::string_view arrow_name);

}  // namespace fedq
