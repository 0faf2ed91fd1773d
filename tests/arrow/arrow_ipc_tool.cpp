// Test tool for the Arrow IPC cross-check with the `apache-arrow` npm package (check_arrow.mjs).
//   arrow_ipc_tool write OUT.arrows   writes a stream of every fedq type (with NULLs, an empty batch and
//                                     nested values) and prints the batches it wrote as canonical JSON
//   arrow_ipc_tool dump IN.arrows     reads a stream with fedq's reader and prints it as canonical JSON
// Canonical JSON: {"columns": [{"name", "type" (fedq), "arrow" (arrow_type_name)}], "batches": [rows],
// "rows": [[value...]...]} with values: NULL null, BOOLEAN true/false, TINYINT..INTEGER and DATE (days)
// numbers, BIGINT / DECIMAL (unscaled) / TIMESTAMP (micros) strings, REAL/DOUBLE numbers, VARCHAR/JSON
// strings, VARBINARY lowercase hex, INTERVAL [months, days, "micros"], ARRAY arrays, ROW objects.
// Errors print "ERROR <sqlstate>: message" on stderr and exit 1.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "formats/arrow_ipc.h"

using namespace fedq;
using nlohmann::json;

namespace {

std::string int128_string(int128_t v) {
    if (v == 0) return "0";
    bool negative = v < 0;
    unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
    std::string digits;
    while (u) {
        digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    }
    if (negative) digits.push_back('-');
    return {digits.rbegin(), digits.rend()};
}

json canonical(const Column& column, size_t row) {
    if (column.is_null(row)) return nullptr;
    const Type& type = column.type();
    switch (type.id()) {
        case TypeId::kNull: return nullptr;
        case TypeId::kBoolean: return column.values<uint8_t>()[row] != 0;
        case TypeId::kTinyInt: return column.values<int8_t>()[row];
        case TypeId::kSmallInt: return column.values<int16_t>()[row];
        case TypeId::kInteger:
        case TypeId::kDate: return column.values<int32_t>()[row];
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return std::to_string(column.values<int64_t>()[row]);
        case TypeId::kReal: return static_cast<double>(column.values<float>()[row]);
        case TypeId::kDouble: return column.values<double>()[row];
        case TypeId::kDecimal: return int128_string(column.values<int128_t>()[row]);
        case TypeId::kVarchar:
        case TypeId::kJson: return std::string(column.string_at(row));
        case TypeId::kVarbinary: {
            std::string hex;
            for (unsigned char c : column.string_at(row)) {
                static const char kDigits[] = "0123456789abcdef";
                hex.push_back(kDigits[c >> 4]);
                hex.push_back(kDigits[c & 15]);
            }
            return hex;
        }
        case TypeId::kInterval: {
            const Interval& v = column.values<Interval>()[row];
            return json::array({v.months, v.days, std::to_string(v.micros)});
        }
        case TypeId::kArray: {
            json out = json::array();
            const int32_t* offsets = column.offsets();
            for (int32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
                out.push_back(canonical(column.children()[0], static_cast<size_t>(i)));
            }
            return out;
        }
        case TypeId::kRow: {
            json out = json::object();
            for (size_t i = 0; i < column.children().size(); ++i) {
                out[type.field_names()[i]] = canonical(column.children()[i], row);
            }
            return out;
        }
    }
    return nullptr;
}

json describe(const std::vector<std::string>& names, const std::vector<Type>& types, const std::vector<Batch>& batches) {
    json out;
    out["columns"] = json::array();
    for (size_t i = 0; i < names.size(); ++i) {
        out["columns"].push_back({{"name", names[i]}, {"type", types[i].to_string()}, {"arrow", arrow_type_name(types[i])}});
    }
    out["batches"] = json::array();
    out["rows"] = json::array();
    for (const Batch& batch : batches) {
        out["batches"].push_back(batch.num_rows);
        for (size_t r = 0; r < batch.num_rows; ++r) {
            json row = json::array();
            for (const auto& column : batch.columns) row.push_back(canonical(*column, r));
            out["rows"].push_back(std::move(row));
        }
    }
    return out;
}

// ---- the data written by `write`

std::vector<Type> write_types(std::vector<std::string>& names) {
    Type row = Type::row({"x", "y", "z"}, {Type::integer(), Type::varchar(), Type::array(Type::double_())});
    std::vector<std::pair<std::string, Type>> columns = {
        {"b", Type::boolean()}, {"i8", Type::tinyint()}, {"i16", Type::smallint()}, {"i32", Type::integer()},
        {"i64", Type::bigint()}, {"f32", Type::real()}, {"f64", Type::double_()}, {"dec", Type::decimal(12, 2)},
        {"dec38", Type::decimal(38, 6)}, {"s", Type::varchar()}, {"bin", Type::varbinary()}, {"j", Type::json()},
        {"d", Type::date()}, {"ts", Type::timestamp()}, {"tstz", Type::timestamp_tz()}, {"iv", Type::interval()},
        {"arr", Type::array(Type::integer())}, {"row", row}, {"nested", Type::array(Type::array(Type::varchar()))},
        {"n", Type::null()},
    };
    std::vector<Type> types;
    for (auto& [name, type] : columns) {
        names.push_back(name);
        types.push_back(type);
    }
    return types;
}

Value value_for(const Type& type, int i) {
    if ((i + static_cast<int>(type.id())) % 4 == 3) return Value::null(type);
    switch (type.id()) {
        case TypeId::kNull: return Value::null(type);
        case TypeId::kBoolean: return Value::boolean(i % 3 == 0);
        case TypeId::kTinyInt: return Value::tinyint(static_cast<int8_t>(i * 37 - 128));
        case TypeId::kSmallInt: return Value::smallint(static_cast<int16_t>(i * 9973 - 32768));
        case TypeId::kInteger: return Value::integer(static_cast<int32_t>(i * 654321 - 2147483647));
        case TypeId::kBigInt: return Value::bigint(static_cast<int64_t>(i) * 987654321987LL - 9223372036854775807LL);
        case TypeId::kReal: return Value::real(static_cast<float>(i) / 3.0f - 7.5f);
        case TypeId::kDouble: return Value::double_(i * 1.0e-3 - 1e300 / (i + 1));
        case TypeId::kDecimal: {
            int128_t v = static_cast<int128_t>(i * 1234567 - 5000000);
            if (type.precision() == 38) v = v * static_cast<int128_t>(1000000000000000000LL) * 1000000000LL + i;
            return Value::decimal(v, type.precision(), type.scale());
        }
        case TypeId::kVarchar: return Value::varchar(i % 5 == 0 ? "" : "vär " + std::to_string(i) + " ✓");
        case TypeId::kVarbinary: return Value::varbinary(std::string("\0\x01\xfe", 3) + std::string(i % 4, 'x'));
        case TypeId::kJson: return Value::json("{\"k\":[" + std::to_string(i) + ",null]}");
        case TypeId::kDate: return Value::date(i * 4000 - 20000);
        case TypeId::kTimestamp: return Value::timestamp(1700000000123456LL + i * 86400000001LL - 3000000000000000LL);
        case TypeId::kTimestampTz: return Value::timestamp_tz(-62135596800000000LL + i * 31536000123456LL);
        case TypeId::kInterval: return Value::interval(Interval{i - 3, 40 - i * 7, i * 3600000001LL - 99});
        case TypeId::kArray: {
            std::vector<Value> items;
            for (int k = 0; k < i % 4; ++k) items.push_back(value_for(type.element(), i * 3 + k));
            return Value::nested(type, std::move(items));
        }
        case TypeId::kRow: {
            std::vector<Value> fields;
            for (size_t k = 0; k < type.children().size(); ++k) fields.push_back(value_for(type.children()[k], i + int(k)));
            return Value::nested(type, std::move(fields));
        }
    }
    return Value::null(type);
}

int write_mode(const std::string& path) {
    std::vector<std::string> names;
    std::vector<Type> types = write_types(names);
    std::vector<Batch> batches;
    for (int rows : {17, 0, 5}) {
        std::vector<ColumnPtr> columns;
        for (const Type& type : types) {
            auto column = Column::make(type);
            for (int i = 0; i < rows; ++i) column->append_value(value_for(type, i + rows));
            columns.push_back(column);
        }
        batches.emplace_back(static_cast<size_t>(rows), std::move(columns));
    }
    std::ofstream out(path, std::ios::binary);
    ArrowStreamWriter writer([&](std::string_view chunk) { out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())); },
                             names, types);
    for (const Batch& batch : batches) writer.write(batch);
    writer.finish();
    out.close();
    if (!out) {
        std::cerr << "cannot write " << path << "\n";
        return 1;
    }
    std::cout << describe(names, types, batches).dump() << "\n";
    return 0;
}

int dump_mode(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "cannot open " << path << "\n";
        return 1;
    }
    ArrowStreamReader reader([&](void* dest, size_t capacity) -> size_t {
        in.read(static_cast<char*>(dest), static_cast<std::streamsize>(capacity));
        return static_cast<size_t>(in.gcount());
    }, path);
    std::vector<Batch> batches;
    Batch batch;
    while (reader.next(batch)) batches.push_back(std::move(batch));
    std::cout << describe(reader.names(), reader.types(), batches).dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 || (std::string(argv[1]) != "write" && std::string(argv[1]) != "dump")) {
        std::cerr << "usage: arrow_ipc_tool write|dump PATH\n";
        return 2;
    }
    try {
        return std::string(argv[1]) == "write" ? write_mode(argv[2]) : dump_mode(argv[2]);
    } catch (const Error& e) {
        std::cerr << "ERROR " << e.sqlstate() << ": " << e.message() << "\n";
        return 1;
    }
}
