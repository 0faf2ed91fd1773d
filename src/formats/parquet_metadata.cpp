#include "formats/parquet_metadata.h"

#include <cstring>

#include "common/error.h"

namespace fedq::parquet {

namespace {
constexpr uint8_t kStop = 0, kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6, kDouble = 7,
                  kBinary = 8, kList = 9, kSet = 10, kMap = 11, kStruct = 12;
}  // namespace

void CompactReader::fail(std::string_view what) const {
    raise(ErrorCode::kBadFile, "invalid Parquet file '{}': {} (metadata offset {})", file_, what, position());
}

uint64_t CompactReader::read_varint() {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos_ >= end_) fail("truncated varint");
        uint8_t b = *pos_++;
        result |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return result;
    }
    fail("varint too long");
}

int32_t CompactReader::read_i32() {
    int64_t v = read_zigzag();
    if (v < INT32_MIN || v > INT32_MAX) fail("i32 out of range");
    return static_cast<int32_t>(v);
}

uint8_t CompactReader::read_byte() {
    if (pos_ >= end_) fail("truncated data");
    return *pos_++;
}

double CompactReader::read_double() {
    if (end_ - pos_ < 8) fail("truncated double");
    double d;
    std::memcpy(&d, pos_, 8);
    pos_ += 8;
    return d;
}

std::string CompactReader::read_binary() {
    uint64_t n = read_varint();
    if (n > static_cast<uint64_t>(end_ - pos_)) fail("string length past the end of the metadata");
    std::string s(reinterpret_cast<const char*>(pos_), n);
    pos_ += n;
    return s;
}

bool CompactReader::next_field(int16_t& id, uint8_t& type) {
    uint8_t header = read_byte();
    type = header & 0x0f;
    if (type == kStop) return false;
    uint8_t delta = header >> 4;
    if (delta) {
        id = static_cast<int16_t>(last_id_ + delta);
    } else {
        int64_t v = read_zigzag();
        if (v < INT16_MIN || v > INT16_MAX) fail("bad field id");
        id = static_cast<int16_t>(v);
    }
    last_id_ = id;
    if (type > kStruct) fail("bad field type");
    return true;
}

void CompactReader::read_list_header(uint32_t& size, uint8_t& element_type) {
    uint8_t header = read_byte();
    element_type = header & 0x0f;
    uint64_t n = header >> 4;
    if (n == 15) n = read_varint();
    if (n > static_cast<uint64_t>(end_ - pos_)) fail("list length past the end of the metadata");
    size = static_cast<uint32_t>(n);
}

void CompactReader::skip(uint8_t type, int depth) {
    if (depth > 64) fail("nesting too deep");
    switch (type) {
        case kTrue:
        case kFalse:
            return;  // value in the type nibble (struct field); list elements handled below
        case kByte:
            read_byte();
            return;
        case kI16:
        case kI32:
        case kI64:
            read_varint();
            return;
        case kDouble:
            read_double();
            return;
        case kBinary: {
            uint64_t n = read_varint();
            if (n > static_cast<uint64_t>(end_ - pos_)) fail("string length past the end of the metadata");
            pos_ += n;
            return;
        }
        case kList:
        case kSet: {
            uint32_t n;
            uint8_t et;
            read_list_header(n, et);
            for (uint32_t i = 0; i < n; ++i) {
                if (et == kTrue || et == kFalse)
                    read_byte();
                else
                    skip(et, depth + 1);
            }
            return;
        }
        case kMap: {
            uint64_t n = read_varint();
            if (n == 0) return;
            if (n > static_cast<uint64_t>(end_ - pos_)) fail("map size past the end of the metadata");
            uint8_t kv = read_byte();
            for (uint64_t i = 0; i < n; ++i) {
                uint8_t kt = kv >> 4, vt = kv & 0x0f;
                if (kt == kTrue || kt == kFalse)
                    read_byte();
                else
                    skip(kt, depth + 1);
                if (vt == kTrue || vt == kFalse)
                    read_byte();
                else
                    skip(vt, depth + 1);
            }
            return;
        }
        case kStruct: {
            begin_struct();
            int16_t id;
            uint8_t t;
            while (next_field(id, t)) skip(t, depth + 1);
            end_struct();
            return;
        }
        default:
            fail("bad type");
    }
}

namespace {

// Calls `on_field(id, type)` for each field of a struct; the callback must consume the value or return false
// to have it skipped.
template <typename F>
void read_struct(CompactReader& r, F&& on_field) {
    r.begin_struct();
    int16_t id;
    uint8_t type;
    while (r.next_field(id, type)) {
        if (!on_field(id, type)) r.skip(type);
    }
    r.end_struct();
}

template <typename F>
void read_list(CompactReader& r, uint8_t type, F&& on_element) {
    if (type != kList && type != kSet) r.fail("expected a list");
    uint32_t n;
    uint8_t et;
    r.read_list_header(n, et);
    for (uint32_t i = 0; i < n; ++i) on_element(et);
}

void expect(CompactReader& r, uint8_t type, uint8_t want) {
    if (type != want && !(want == kTrue && type == kFalse)) r.fail("unexpected field type");
}

Statistics read_statistics(CompactReader& r) {
    Statistics s;
    std::optional<std::string> legacy_min, legacy_max;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                expect(r, t, kBinary);
                legacy_max = r.read_binary();
                return true;
            case 2:
                expect(r, t, kBinary);
                legacy_min = r.read_binary();
                return true;
            case 3:
                expect(r, t, kI64);
                s.null_count = r.read_i64();
                return true;
            case 4:
                expect(r, t, kI64);
                s.distinct_count = r.read_i64();
                return true;
            case 5:
                expect(r, t, kBinary);
                s.max = r.read_binary();
                return true;
            case 6:
                expect(r, t, kBinary);
                s.min = r.read_binary();
                return true;
            default:
                return false;
        }
    });
    if (!s.min && !s.max && (legacy_min || legacy_max)) {
        s.min = legacy_min;
        s.max = legacy_max;
        s.legacy = true;
    }
    return s;
}

LogicalType read_logical_type(CompactReader& r) {
    LogicalType lt;
    read_struct(r, [&](int16_t id, uint8_t t) {
        if (t != kStruct) return false;
        switch (id) {
            case 1:
                lt.kind = LogicalKind::kString;
                return false;
            case 2:
                lt.kind = LogicalKind::kMap;
                return false;
            case 3:
                lt.kind = LogicalKind::kList;
                return false;
            case 4:
                lt.kind = LogicalKind::kEnum;
                return false;
            case 5:
                lt.kind = LogicalKind::kDecimal;
                read_struct(r, [&](int16_t fid, uint8_t ft) {
                    if (fid == 1) {
                        expect(r, ft, kI32);
                        lt.scale = r.read_i32();
                        return true;
                    }
                    if (fid == 2) {
                        expect(r, ft, kI32);
                        lt.precision = r.read_i32();
                        return true;
                    }
                    return false;
                });
                return true;
            case 6:
                lt.kind = LogicalKind::kDate;
                return false;
            case 7:
            case 8:
                lt.kind = id == 7 ? LogicalKind::kTime : LogicalKind::kTimestamp;
                read_struct(r, [&](int16_t fid, uint8_t ft) {
                    if (fid == 1 && (ft == kTrue || ft == kFalse)) {
                        lt.adjusted_to_utc = ft == kTrue;
                        return true;
                    }
                    if (fid == 2 && ft == kStruct) {
                        read_struct(r, [&](int16_t uid, uint8_t) {
                            if (uid == 1)
                                lt.unit = TimeUnit::kMillis;
                            else if (uid == 2)
                                lt.unit = TimeUnit::kMicros;
                            else if (uid == 3)
                                lt.unit = TimeUnit::kNanos;
                            return false;
                        });
                        return true;
                    }
                    return false;
                });
                return true;
            case 10:
                lt.kind = LogicalKind::kInteger;
                read_struct(r, [&](int16_t fid, uint8_t ft) {
                    if (fid == 1 && ft == kByte) {
                        lt.bit_width = static_cast<int8_t>(r.read_byte());
                        return true;
                    }
                    if (fid == 2 && (ft == kTrue || ft == kFalse)) {
                        lt.is_signed = ft == kTrue;
                        return true;
                    }
                    return false;
                });
                return true;
            case 11:
                lt.kind = LogicalKind::kUnknown;
                return false;
            case 12:
                lt.kind = LogicalKind::kJson;
                return false;
            case 13:
                lt.kind = LogicalKind::kBson;
                return false;
            case 14:
                lt.kind = LogicalKind::kUuid;
                return false;
            case 15:
                lt.kind = LogicalKind::kFloat16;
                return false;
            default:
                return false;
        }
    });
    return lt;
}

LogicalType from_converted(int32_t ct, int32_t scale, int32_t precision) {
    LogicalType lt;
    switch (ct) {
        case 0:
            lt.kind = LogicalKind::kString;
            break;
        case 1:
        case 2:
            lt.kind = LogicalKind::kMap;
            break;
        case 3:
            lt.kind = LogicalKind::kList;
            break;
        case 4:
            lt.kind = LogicalKind::kEnum;
            break;
        case 5:
            lt.kind = LogicalKind::kDecimal;
            lt.scale = scale;
            lt.precision = precision;
            break;
        case 6:
            lt.kind = LogicalKind::kDate;
            break;
        case 7:
            lt.kind = LogicalKind::kTime;
            lt.unit = TimeUnit::kMillis;
            lt.adjusted_to_utc = true;
            break;
        case 8:
            lt.kind = LogicalKind::kTime;
            lt.unit = TimeUnit::kMicros;
            lt.adjusted_to_utc = true;
            break;
        case 9:
            lt.kind = LogicalKind::kTimestamp;
            lt.unit = TimeUnit::kMillis;
            lt.adjusted_to_utc = true;
            break;
        case 10:
            lt.kind = LogicalKind::kTimestamp;
            lt.unit = TimeUnit::kMicros;
            lt.adjusted_to_utc = true;
            break;
        case 11:
        case 12:
        case 13:
        case 14:
            lt.kind = LogicalKind::kInteger;
            lt.is_signed = false;
            lt.bit_width = 8 << (ct - 11);
            break;
        case 15:
        case 16:
        case 17:
        case 18:
            lt.kind = LogicalKind::kInteger;
            lt.is_signed = true;
            lt.bit_width = 8 << (ct - 15);
            break;
        case 19:
            lt.kind = LogicalKind::kJson;
            break;
        case 20:
            lt.kind = LogicalKind::kBson;
            break;
        default:
            break;
    }
    return lt;
}

SchemaElement read_schema_element(CompactReader& r) {
    SchemaElement e;
    bool has_logical = false;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1: {
                expect(r, t, kI32);
                int32_t v = r.read_i32();
                if (v < 0 || v > 7) r.fail("bad physical type");
                e.type = static_cast<PhysicalType>(v);
                return true;
            }
            case 2:
                expect(r, t, kI32);
                e.type_length = r.read_i32();
                return true;
            case 3: {
                expect(r, t, kI32);
                int32_t v = r.read_i32();
                if (v < 0 || v > 2) r.fail("bad repetition type");
                e.repetition = static_cast<Repetition>(v);
                return true;
            }
            case 4:
                expect(r, t, kBinary);
                e.name = r.read_binary();
                return true;
            case 5:
                expect(r, t, kI32);
                e.num_children = r.read_i32();
                return true;
            case 6:
                expect(r, t, kI32);
                e.converted_type = r.read_i32();
                return true;
            case 7:
                expect(r, t, kI32);
                e.scale = r.read_i32();
                return true;
            case 8:
                expect(r, t, kI32);
                e.precision = r.read_i32();
                return true;
            case 10:
                expect(r, t, kStruct);
                e.logical = read_logical_type(r);
                has_logical = true;
                return true;
            default:
                return false;
        }
    });
    if ((!has_logical || e.logical.kind == LogicalKind::kNone) && e.converted_type)
        e.logical = from_converted(*e.converted_type, e.scale, e.precision);
    if (e.num_children < 0) r.fail("negative num_children");
    return e;
}

ColumnMetaData read_column_meta(CompactReader& r) {
    ColumnMetaData m;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1: {
                expect(r, t, kI32);
                int32_t v = r.read_i32();
                if (v < 0 || v > 7) r.fail("bad physical type");
                m.type = static_cast<PhysicalType>(v);
                return true;
            }
            case 2:
                read_list(r, t, [&](uint8_t) { m.encodings.push_back(static_cast<Encoding>(r.read_i32())); });
                return true;
            case 3:
                read_list(r, t, [&](uint8_t) { m.path.push_back(r.read_binary()); });
                return true;
            case 4:
                expect(r, t, kI32);
                m.codec = static_cast<Codec>(r.read_i32());
                return true;
            case 5:
                expect(r, t, kI64);
                m.num_values = r.read_i64();
                return true;
            case 6:
                expect(r, t, kI64);
                m.total_uncompressed_size = r.read_i64();
                return true;
            case 7:
                expect(r, t, kI64);
                m.total_compressed_size = r.read_i64();
                return true;
            case 9:
                expect(r, t, kI64);
                m.data_page_offset = r.read_i64();
                return true;
            case 11:
                expect(r, t, kI64);
                m.dictionary_page_offset = r.read_i64();
                return true;
            case 12:
                expect(r, t, kStruct);
                m.statistics = read_statistics(r);
                return true;
            case 13:
                read_list(r, t, [&](uint8_t et) {
                    if (et != kStruct) r.fail("expected a struct");
                    std::pair<PageType, Encoding> entry{PageType::kDataPage, Encoding::kPlain};
                    read_struct(r, [&](int16_t fid, uint8_t ft) {
                        if (fid == 1) {
                            expect(r, ft, kI32);
                            entry.first = static_cast<PageType>(r.read_i32());
                            return true;
                        }
                        if (fid == 2) {
                            expect(r, ft, kI32);
                            entry.second = static_cast<Encoding>(r.read_i32());
                            return true;
                        }
                        return false;
                    });
                    m.encoding_stats.push_back(entry);
                });
                return true;
            default:
                return false;
        }
    });
    return m;
}

ColumnChunk read_column_chunk(CompactReader& r) {
    ColumnChunk c;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                expect(r, t, kBinary);
                c.file_path = r.read_binary();
                return true;
            case 2:
                expect(r, t, kI64);
                c.file_offset = r.read_i64();
                return true;
            case 3:
                expect(r, t, kStruct);
                c.meta = read_column_meta(r);
                return true;
            default:
                return false;
        }
    });
    return c;
}

RowGroup read_row_group(CompactReader& r) {
    RowGroup g;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                read_list(r, t, [&](uint8_t et) {
                    if (et != kStruct) r.fail("expected a struct");
                    g.columns.push_back(read_column_chunk(r));
                });
                return true;
            case 2:
                expect(r, t, kI64);
                g.total_byte_size = r.read_i64();
                return true;
            case 3:
                expect(r, t, kI64);
                g.num_rows = r.read_i64();
                return true;
            default:
                return false;
        }
    });
    if (g.num_rows < 0) r.fail("negative row count");
    return g;
}

}  // namespace

FileMetaData parse_file_metadata(const uint8_t* data, size_t size, std::string_view file) {
    CompactReader r(data, size, file);
    FileMetaData md;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                expect(r, t, kI32);
                md.version = r.read_i32();
                return true;
            case 2:
                read_list(r, t, [&](uint8_t et) {
                    if (et != kStruct) r.fail("expected a struct");
                    md.schema.push_back(read_schema_element(r));
                });
                return true;
            case 3:
                expect(r, t, kI64);
                md.num_rows = r.read_i64();
                return true;
            case 4:
                read_list(r, t, [&](uint8_t et) {
                    if (et != kStruct) r.fail("expected a struct");
                    md.row_groups.push_back(read_row_group(r));
                });
                return true;
            case 6:
                expect(r, t, kBinary);
                md.created_by = r.read_binary();
                return true;
            default:
                return false;
        }
    });
    if (md.schema.empty()) r.fail("empty schema");
    return md;
}

PageHeader parse_page_header(const uint8_t* data, size_t size, std::string_view file, size_t& header_size) {
    CompactReader r(data, size, file);
    PageHeader h;
    read_struct(r, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                expect(r, t, kI32);
                h.type = static_cast<PageType>(r.read_i32());
                return true;
            case 2:
                expect(r, t, kI32);
                h.uncompressed_page_size = r.read_i32();
                return true;
            case 3:
                expect(r, t, kI32);
                h.compressed_page_size = r.read_i32();
                return true;
            case 5: {
                expect(r, t, kStruct);
                DataPageHeader d;
                read_struct(r, [&](int16_t fid, uint8_t ft) {
                    switch (fid) {
                        case 1:
                            expect(r, ft, kI32);
                            d.num_values = r.read_i32();
                            return true;
                        case 2:
                            expect(r, ft, kI32);
                            d.encoding = static_cast<Encoding>(r.read_i32());
                            return true;
                        case 3:
                            expect(r, ft, kI32);
                            d.definition_level_encoding = static_cast<Encoding>(r.read_i32());
                            return true;
                        case 4:
                            expect(r, ft, kI32);
                            d.repetition_level_encoding = static_cast<Encoding>(r.read_i32());
                            return true;
                        default:
                            return false;
                    }
                });
                h.data = d;
                return true;
            }
            case 7: {
                expect(r, t, kStruct);
                DictionaryPageHeader d;
                read_struct(r, [&](int16_t fid, uint8_t ft) {
                    if (fid == 1) {
                        expect(r, ft, kI32);
                        d.num_values = r.read_i32();
                        return true;
                    }
                    if (fid == 2) {
                        expect(r, ft, kI32);
                        d.encoding = static_cast<Encoding>(r.read_i32());
                        return true;
                    }
                    return false;
                });
                h.dictionary = d;
                return true;
            }
            case 8: {
                expect(r, t, kStruct);
                DataPageHeaderV2 d;
                read_struct(r, [&](int16_t fid, uint8_t ft) {
                    switch (fid) {
                        case 1:
                            expect(r, ft, kI32);
                            d.num_values = r.read_i32();
                            return true;
                        case 2:
                            expect(r, ft, kI32);
                            d.num_nulls = r.read_i32();
                            return true;
                        case 3:
                            expect(r, ft, kI32);
                            d.num_rows = r.read_i32();
                            return true;
                        case 4:
                            expect(r, ft, kI32);
                            d.encoding = static_cast<Encoding>(r.read_i32());
                            return true;
                        case 5:
                            expect(r, ft, kI32);
                            d.definition_levels_byte_length = r.read_i32();
                            return true;
                        case 6:
                            expect(r, ft, kI32);
                            d.repetition_levels_byte_length = r.read_i32();
                            return true;
                        case 7:
                            expect(r, ft, kTrue);
                            d.is_compressed = ft == kTrue;
                            return true;
                        default:
                            return false;
                    }
                });
                h.data_v2 = d;
                return true;
            }
            default:
                return false;
        }
    });
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0) r.fail("negative page size");
    header_size = r.position();
    return h;
}

}  // namespace fedq::parquet
