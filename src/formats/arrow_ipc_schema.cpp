// Arrow IPC stream reader, schema side: the Schema message's fields become fedq types and the decoding plan of
// each column (arrow_reader::ArrowField); see arrow_ipc.h for the type mapping.
#include "formats/arrow_ipc_reader_state.h"

namespace fedq {

using arrow_reader::ArrowDictionary;
using arrow_reader::ArrowField;
using arrow_reader::Kind;

namespace {

std::string timestamp_unit_name(fb::TimeUnit unit) { return fb::EnumNameTimeUnit(unit); }

int64_t micros_scale(fb::TimeUnit unit) {
    switch (unit) {
        case fb::TimeUnit_SECOND: return 1000000;
        case fb::TimeUnit_MILLISECOND: return 1000;
        case fb::TimeUnit_MICROSECOND: return 1;
        case fb::TimeUnit_NANOSECOND: return -1000;
    }
    return 0;
}


}  // namespace

ArrowField ArrowStreamReader::State::convert_field(const fb::Field* field, int depth) {
    if (depth > 64) bad("fields nested too deeply");
    std::string name = field->name() ? field->name()->str() : std::string();
    if (field->type_type() != fb::Type_NONE && !field->type()) bad(fmt::format("field '{}' has no type", name));
    ArrowField out;
    auto unsupported = [&](const std::string& type_name) {
        raise(ErrorCode::kNotSupported, "{}: Arrow type {} of field '{}' is not supported", what, type_name, name);
    };
    auto children = field->children();
    auto child_count = children ? children->size() : 0;
    auto convert_children = [&] {
        for (flatbuffers::uoffset_t i = 0; i < child_count; ++i) {
            out.children.push_back(convert_field(children->Get(i), depth + 1));
        }
    };
    bool json = false;
    if (auto metadata = field->custom_metadata()) {
        for (auto kv : *metadata) {
            if (kv->key() && kv->value() && kv->key()->string_view() == "ARROW:extension:name" &&
                kv->value()->string_view() == "arrow.json") {
                json = true;
            }
        }
    }
    switch (field->type_type()) {
        case fb::Type_Null: out.kind = Kind::kNull; out.type = Type::null(); break;
        case fb::Type_Bool: out.kind = Kind::kBool; out.type = Type::boolean(); break;
        case fb::Type_Int: {
            auto t = field->type_as_Int();
            int bits = t->bitWidth();
            if (bits != 8 && bits != 16 && bits != 32 && bits != 64) bad(fmt::format("bad Int bit width {}", bits));
            out.kind = Kind::kInt;
            out.width = bits / 8;
            out.is_signed = t->is_signed();
            static const Type kSigned[] = {Type::tinyint(), Type::smallint(), Type::integer(), Type::bigint()};
            int index = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
            out.type = out.is_signed ? kSigned[index] : index < 3 ? kSigned[index + 1] : Type::decimal(20, 0);
            break;
        }
        case fb::Type_FloatingPoint:
            switch (field->type_as_FloatingPoint()->precision()) {
                case fb::Precision_HALF: out.kind = Kind::kFloat16; out.type = Type::real(); break;
                case fb::Precision_SINGLE: out.kind = Kind::kFixed; out.type = Type::real(); break;
                case fb::Precision_DOUBLE: out.kind = Kind::kFixed; out.type = Type::double_(); break;
                default: bad("bad FloatingPoint precision");
            }
            break;
        case fb::Type_Decimal: {
            auto t = field->type_as_Decimal();
            if (t->bitWidth() != 128) {
                unsupported(fmt::format("Decimal{}({}, {})", t->bitWidth(), t->precision(), t->scale()));
            }
            if (t->precision() < 1 || t->precision() > 38 || t->scale() < 0 || t->scale() > t->precision()) {
                unsupported(fmt::format("Decimal128({}, {})", t->precision(), t->scale()));
            }
            out.kind = Kind::kDecimal;
            out.type = Type::decimal(t->precision(), t->scale());
            break;
        }
        case fb::Type_Utf8: out.kind = Kind::kUtf8; out.type = json ? Type::json() : Type::varchar(); break;
        case fb::Type_Binary: out.kind = Kind::kUtf8; out.type = Type::varbinary(); break;
        case fb::Type_LargeUtf8: out.kind = Kind::kLargeUtf8; out.type = json ? Type::json() : Type::varchar(); break;
        case fb::Type_LargeBinary: out.kind = Kind::kLargeUtf8; out.type = Type::varbinary(); break;
        case fb::Type_FixedSizeBinary: {
            int width = field->type_as_FixedSizeBinary()->byteWidth();
            if (width < 0) bad(fmt::format("bad FixedSizeBinary width {}", width));
            out.kind = Kind::kFixedSizeBinary;
            out.width = width;
            out.type = Type::varbinary();
            break;
        }
        case fb::Type_Date:
            out.kind = field->type_as_Date()->unit() == fb::DateUnit_DAY ? Kind::kFixed : Kind::kDate64;
            out.type = Type::date();
            break;
        case fb::Type_Timestamp: {
            auto t = field->type_as_Timestamp();
            out.scale = micros_scale(t->unit());
            if (!out.scale) bad("bad Timestamp unit");
            out.kind = out.scale == 1 ? Kind::kFixed : Kind::kTimestamp;
            bool zoned = t->timezone() && t->timezone()->size() > 0;
            out.type = zoned ? Type::timestamp_tz() : Type::timestamp();
            break;
        }
        case fb::Type_Duration:
            out.scale = micros_scale(field->type_as_Duration()->unit());
            if (!out.scale) bad("bad Duration unit");
            out.kind = Kind::kDuration;
            out.type = Type::interval();
            break;
        case fb::Type_Interval:
            switch (field->type_as_Interval()->unit()) {
                case fb::IntervalUnit_YEAR_MONTH: out.kind = Kind::kIntervalYearMonth; break;
                case fb::IntervalUnit_DAY_TIME: out.kind = Kind::kIntervalDayTime; break;
                case fb::IntervalUnit_MONTH_DAY_NANO: out.kind = Kind::kIntervalMonthDayNano; break;
                default: bad("bad Interval unit");
            }
            out.type = Type::interval();
            break;
        case fb::Type_List:
        case fb::Type_LargeList:
        case fb::Type_FixedSizeList:
            if (child_count != 1) bad(fmt::format("list field '{}' has {} children", name, child_count));
            convert_children();
            out.kind = field->type_type() == fb::Type_List       ? Kind::kList
                       : field->type_type() == fb::Type_LargeList ? Kind::kLargeList
                                                                  : Kind::kFixedSizeList;
            if (out.kind == Kind::kFixedSizeList) {
                out.width = field->type_as_FixedSizeList()->listSize();
                if (out.width < 0) bad(fmt::format("bad FixedSizeList size {}", out.width));
            }
            out.type = Type::array(out.children[0].type);
            break;
        case fb::Type_Map:
            // List<entries: Struct<key, value>>: read as ARRAY(ROW(key, value)).
            if (child_count != 1 || children->Get(0)->type_type() != fb::Type_Struct_) {
                bad(fmt::format("map field '{}' is not a list of structs", name));
            }
            convert_children();
            out.kind = Kind::kList;
            out.type = Type::array(out.children[0].type);
            break;
        case fb::Type_Struct_: {
            convert_children();
            std::vector<std::string> field_names;
            std::vector<Type> field_types;
            for (flatbuffers::uoffset_t i = 0; i < child_count; ++i) {
                auto child_name = children->Get(i)->name();
                field_names.push_back(child_name ? child_name->str() : fmt::format("f{}", i + 1));
                field_types.push_back(out.children[i].type);
            }
            out.kind = Kind::kStruct;
            out.type = Type::row(std::move(field_names), std::move(field_types));
            break;
        }
        case fb::Type_Time: {
            auto t = field->type_as_Time();
            unsupported(fmt::format("Time{}({})", t->bitWidth(), timestamp_unit_name(t->unit())));
            break;
        }
        case fb::Type_NONE: bad(fmt::format("field '{}' has no type", name));
        default: unsupported(fb::EnumNameType(field->type_type())); break;
    }
    if (const fb::DictionaryEncoding* encoding = field->dictionary()) {
        int bits = encoding->indexType() ? encoding->indexType()->bitWidth() : 32;
        if (bits != 8 && bits != 16 && bits != 32 && bits != 64) bad(fmt::format("bad dictionary index width {}", bits));
        if (dictionaries.count(encoding->id())) bad(fmt::format("dictionary id {} used twice", encoding->id()));
        dictionaries.emplace(encoding->id(), ArrowDictionary{out, Column(out.type), false});
        out.dictionary_encoded = true;
        out.dictionary_id = encoding->id();
        out.index_width = bits / 8;
        out.index_signed = encoding->indexType() ? encoding->indexType()->is_signed() : true;
    }
    return out;
}

void ArrowStreamReader::State::read_schema() {
    schema_read = true;
    const fb::Message* message = read_message();
    if (!message) bad("stream ends before its schema");
    if (message->header_type() != fb::MessageHeader_Schema) {
        bad(fmt::format("first message is {}, not a Schema", fb::EnumNameMessageHeader(message->header_type())));
    }
    const fb::Schema* schema = message->header_as_Schema();
    if (schema->endianness() != fb::Endianness_Little) {
        raise(ErrorCode::kNotSupported, "{}: big-endian Arrow streams are not supported", what);
    }
    if (auto fields_vector = schema->fields()) {
        for (auto field : *fields_vector) {
            fields.push_back(convert_field(field, 0));
            names.push_back(field->name() ? field->name()->str() : std::string());
            types.push_back(fields.back().type);
        }
    }
}


}  // namespace fedq
