#include "formats/parquet_thrift_writer.h"

namespace fedq::parquet {

namespace {

// ConvertedType values of parquet.thrift used by the writer.
constexpr int32_t kConvertedUtf8 = 0, kConvertedList = 3, kConvertedDecimal = 5, kConvertedDate = 6,
                  kConvertedTimestampMicros = 10, kConvertedInt8 = 15, kConvertedInt16 = 16,
                  kConvertedJson = 19;

void write_time_unit(CompactWriter& w, TimeUnit unit) {
    w.field_struct(2);  // unit: TimeUnit union
    w.field_struct(unit == TimeUnit::kMillis ? 1 : unit == TimeUnit::kMicros ? 2 : 3);
    w.end_struct();
    w.end_struct();
}

// LogicalType union (field 10 of SchemaElement). Nothing is written for kNone.
void write_logical_type(CompactWriter& w, const LogicalType& lt) {
    if (lt.kind == LogicalKind::kNone) return;
    auto empty_member = [&](int16_t id) {
        w.field_struct(id);
        w.end_struct();
    };
    w.field_struct(10);
    switch (lt.kind) {
        case LogicalKind::kString:
            empty_member(1);
            break;
        case LogicalKind::kMap:
            empty_member(2);
            break;
        case LogicalKind::kList:
            empty_member(3);
            break;
        case LogicalKind::kEnum:
            empty_member(4);
            break;
        case LogicalKind::kDecimal:
            w.field_struct(5);
            w.field_i32(1, lt.scale);
            w.field_i32(2, lt.precision);
            w.end_struct();
            break;
        case LogicalKind::kDate:
            empty_member(6);
            break;
        case LogicalKind::kTime:
        case LogicalKind::kTimestamp:
            w.field_struct(lt.kind == LogicalKind::kTime ? 7 : 8);
            w.field_bool(1, lt.adjusted_to_utc);
            write_time_unit(w, lt.unit);
            w.end_struct();
            break;
        case LogicalKind::kInteger:
            w.field_struct(10);
            w.field_byte(1, static_cast<int8_t>(lt.bit_width));
            w.field_bool(2, lt.is_signed);
            w.end_struct();
            break;
        case LogicalKind::kJson:
            empty_member(12);
            break;
        case LogicalKind::kBson:
            empty_member(13);
            break;
        case LogicalKind::kUuid:
            empty_member(14);
            break;
        case LogicalKind::kFloat16:
            empty_member(15);
            break;
        case LogicalKind::kUnknown:
        case LogicalKind::kNone:
            empty_member(11);
            break;
    }
    w.end_struct();
}

// The legacy ConvertedType matching a logical type, for readers that predate LogicalType.
std::optional<int32_t> converted_type_of(const LogicalType& lt) {
    switch (lt.kind) {
        case LogicalKind::kString:
            return kConvertedUtf8;
        case LogicalKind::kList:
            return kConvertedList;
        case LogicalKind::kDecimal:
            return kConvertedDecimal;
        case LogicalKind::kDate:
            return kConvertedDate;
        case LogicalKind::kJson:
            return kConvertedJson;
        // Converted timestamp types imply UTC adjustment; local timestamps carry only the logical type.
        case LogicalKind::kTimestamp:
            if (lt.adjusted_to_utc && lt.unit == TimeUnit::kMicros) return kConvertedTimestampMicros;
            return std::nullopt;
        case LogicalKind::kInteger:
            if (lt.is_signed && lt.bit_width == 8) return kConvertedInt8;
            if (lt.is_signed && lt.bit_width == 16) return kConvertedInt16;
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

void write_schema_element(CompactWriter& w, const SchemaElement& e) {
    w.begin_struct();
    if (e.type) w.field_i32(1, static_cast<int32_t>(*e.type));
    if (e.type && *e.type == PhysicalType::kFixedLenByteArray) w.field_i32(2, e.type_length);
    if (e.repetition) w.field_i32(3, static_cast<int32_t>(*e.repetition));
    w.field_binary(4, e.name);
    if (!e.type) w.field_i32(5, e.num_children);
    std::optional<int32_t> converted = e.converted_type ? e.converted_type : converted_type_of(e.logical);
    if (converted) w.field_i32(6, *converted);
    if (e.logical.kind == LogicalKind::kDecimal) {
        w.field_i32(7, e.logical.scale);
        w.field_i32(8, e.logical.precision);
    }
    write_logical_type(w, e.logical);
    w.end_struct();
}

void write_statistics(CompactWriter& w, int16_t id, const Statistics& s) {
    w.field_struct(id);
    if (s.null_count) w.field_i64(3, *s.null_count);
    if (s.distinct_count) w.field_i64(4, *s.distinct_count);
    if (s.max) w.field_binary(5, *s.max);
    if (s.min) w.field_binary(6, *s.min);
    w.end_struct();
}

void write_column_meta(CompactWriter& w, const ColumnMetaData& m) {
    w.field_struct(3);
    w.field_i32(1, static_cast<int32_t>(m.type));
    w.field_list(2, CompactWriter::kI32, m.encodings.size());
    for (Encoding e : m.encodings) w.element_i32(static_cast<int32_t>(e));
    w.field_list(3, CompactWriter::kBinary, m.path.size());
    for (const auto& p : m.path) w.element_binary(p);
    w.field_i32(4, static_cast<int32_t>(m.codec));
    w.field_i64(5, m.num_values);
    w.field_i64(6, m.total_uncompressed_size);
    w.field_i64(7, m.total_compressed_size);
    w.field_i64(9, m.data_page_offset);
    if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
    if (m.statistics) write_statistics(w, 12, *m.statistics);
    if (!m.encoding_stats.empty()) {
        // PageEncodingStats {1: page_type, 2: encoding, 3: count}; the count is not tracked (1 = present).
        w.field_list(13, CompactWriter::kStruct, m.encoding_stats.size());
        for (const auto& [page, encoding] : m.encoding_stats) {
            w.begin_struct();
            w.field_i32(1, static_cast<int32_t>(page));
            w.field_i32(2, static_cast<int32_t>(encoding));
            w.field_i32(3, 1);
            w.end_struct();
        }
    }
    w.end_struct();
}

}  // namespace

void write_page_header(const PageHeader& h, std::string& out) {
    CompactWriter w(out);
    w.begin_struct();
    w.field_i32(1, static_cast<int32_t>(h.type));
    w.field_i32(2, h.uncompressed_page_size);
    w.field_i32(3, h.compressed_page_size);
    if (h.data) {
        w.field_struct(5);
        w.field_i32(1, h.data->num_values);
        w.field_i32(2, static_cast<int32_t>(h.data->encoding));
        w.field_i32(3, static_cast<int32_t>(h.data->definition_level_encoding));
        w.field_i32(4, static_cast<int32_t>(h.data->repetition_level_encoding));
        w.end_struct();
    }
    if (h.dictionary) {
        w.field_struct(7);
        w.field_i32(1, h.dictionary->num_values);
        w.field_i32(2, static_cast<int32_t>(h.dictionary->encoding));
        w.end_struct();
    }
    w.end_struct();
}

void write_file_metadata(const FileMetaData& md, std::string& out,
                         const std::vector<std::pair<std::string, std::string>>& key_values) {
    CompactWriter w(out);
    w.begin_struct();
    w.field_i32(1, md.version);
    w.field_list(2, CompactWriter::kStruct, md.schema.size());
    size_t leaves = 0;
    for (const auto& e : md.schema) {
        write_schema_element(w, e);
        if (e.type) ++leaves;
    }
    w.field_i64(3, md.num_rows);
    w.field_list(4, CompactWriter::kStruct, md.row_groups.size());
    for (const auto& rg : md.row_groups) {
        w.begin_struct();
        w.field_list(1, CompactWriter::kStruct, rg.columns.size());
        int64_t compressed = 0;
        for (const auto& cc : rg.columns) {
            w.begin_struct();
            w.field_i64(2, cc.file_offset);
            if (cc.meta) {
                write_column_meta(w, *cc.meta);
                compressed += cc.meta->total_compressed_size;
            }
            w.end_struct();
        }
        w.field_i64(2, rg.total_byte_size);
        w.field_i64(3, rg.num_rows);
        if (!rg.columns.empty()) w.field_i64(5, rg.columns.front().file_offset);
        w.field_i64(6, compressed);
        w.end_struct();
    }
    if (!key_values.empty()) {
        w.field_list(5, CompactWriter::kStruct, key_values.size());
        for (const auto& [key, value] : key_values) {
            w.begin_struct();
            w.field_binary(1, key);
            w.field_binary(2, value);
            w.end_struct();
        }
    }
    if (!md.created_by.empty()) w.field_binary(6, md.created_by);
    // column_orders: TYPE_ORDER for every leaf (min_value/max_value use the type's natural order).
    w.field_list(7, CompactWriter::kStruct, leaves);
    for (size_t i = 0; i < leaves; ++i) {
        w.begin_struct();
        w.field_struct(1);
        w.end_struct();
        w.end_struct();
    }
    w.end_struct();
}

}  // namespace fedq::parquet
