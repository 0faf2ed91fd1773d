// Parquet metadata writer: a Thrift compact-protocol encoder and serializers for the parquet.thrift structs
// of parquet_metadata.h (PageHeader, FileMetaData) — the write side of parquet_metadata.cpp. Statistics are
// written as min_value/max_value (never the deprecated min/max), and a TYPE_ORDER column order is written
// for every leaf so that readers trust them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet_metadata.h"

namespace fedq::parquet {

// Appends compact-protocol bytes to a string. Structs nest with begin_struct/end_struct (field ids are
// delta-encoded relative to the previous field of the same struct).
class CompactWriter {
  public:
    explicit CompactWriter(std::string& out) : out_(out) {}

    void field_i32(int16_t id, int32_t value) {
        field_header(id, kI32);
        write_zigzag(value);
    }
    void field_i64(int16_t id, int64_t value) {
        field_header(id, kI64);
        write_zigzag(value);
    }
    void field_byte(int16_t id, int8_t value) {
        field_header(id, kByte);
        out_ += static_cast<char>(value);
    }
    void field_bool(int16_t id, bool value) { field_header(id, value ? kTrue : kFalse); }
    void field_binary(int16_t id, std::string_view value) {
        field_header(id, kBinary);
        write_varint(value.size());
        out_.append(value);
    }
    // A struct-valued field: field header, then the caller writes fields, then end_struct().
    void field_struct(int16_t id) {
        field_header(id, kStruct);
        begin_struct();
    }
    // A list-valued field; the caller writes `size` elements (structs with begin_struct/end_struct, or
    // element_i32 / element_binary).
    void field_list(int16_t id, uint8_t element_type, size_t size) {
        field_header(id, kList);
        if (size < 15) {
            out_ += static_cast<char>((size << 4) | element_type);
        } else {
            out_ += static_cast<char>(0xF0 | element_type);
            write_varint(size);
        }
    }
    void element_i32(int32_t value) { write_zigzag(value); }
    void element_binary(std::string_view value) {
        write_varint(value.size());
        out_.append(value);
    }
    // Top-level or list-element struct start/end (end writes the STOP byte).
    void begin_struct() {
        last_ids_.push_back(last_id_);
        last_id_ = 0;
    }
    void end_struct() {
        out_ += '\0';
        last_id_ = last_ids_.back();
        last_ids_.pop_back();
    }

    static constexpr uint8_t kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6, kDouble = 7,
                             kBinary = 8, kList = 9, kSet = 10, kMap = 11, kStruct = 12;

  private:
    void field_header(int16_t id, uint8_t type) {
        int delta = id - last_id_;
        if (delta > 0 && delta <= 15) {
            out_ += static_cast<char>((delta << 4) | type);
        } else {
            out_ += static_cast<char>(type);
            write_zigzag(id);
        }
        last_id_ = id;
    }
    void write_varint(uint64_t value) {
        while (value >= 0x80) {
            out_ += static_cast<char>((value & 0x7F) | 0x80);
            value >>= 7;
        }
        out_ += static_cast<char>(value);
    }
    void write_zigzag(int64_t value) {
        write_varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
    }

    std::string& out_;
    int16_t last_id_ = 0;
    std::vector<int16_t> last_ids_;
};

// Appends the serialized page header (data page v1 or dictionary page) to `out`.
void write_page_header(const PageHeader& header, std::string& out);
// Appends the serialized footer metadata to `out`. `key_values` are written as key_value_metadata.
void write_file_metadata(const FileMetaData& metadata, std::string& out,
                         const std::vector<std::pair<std::string, std::string>>& key_values = {});

}  // namespace fedq::parquet
