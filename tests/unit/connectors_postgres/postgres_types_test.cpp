// Server-free tests: numeric decoding, type mapping rules, the dialect, array text parsing, options.
#include <gtest/gtest.h>

#include <cstring>

#include "connectors/postgres/postgres_binary.h"
#include "connectors/postgres/postgres_connector.h"
#include "connectors/postgres/postgres_types.h"
#include "types/decimal.h"

namespace fedq {
namespace {

std::vector<uint8_t> numeric_bytes(int16_t weight, uint16_t sign, int16_t dscale, std::vector<uint16_t> digits) {
    std::vector<uint8_t> out;
    auto put = [&](uint16_t v) {
        out.push_back(static_cast<uint8_t>(v >> 8));
        out.push_back(static_cast<uint8_t>(v & 0xff));
    };
    put(static_cast<uint16_t>(digits.size()));
    put(static_cast<uint16_t>(weight));
    put(sign);
    put(static_cast<uint16_t>(dscale));
    for (auto d : digits) put(d);
    return out;
}

std::string decode(const std::vector<uint8_t>& bytes, int precision, int scale) {
    int128_t v = 0;
    const char* special = nullptr;
    if (!PgBinaryDecoder::decode_numeric(bytes.data(), static_cast<int32_t>(bytes.size()), precision, scale, &v, &special)) {
        return special ? std::string(special) : "overflow";
    }
    return format_decimal(v, scale);
}

TEST(PgNumeric, DecodesBase10000Digits) {
    // 12345.6789 = [1][2345].[6789], weight 1
    EXPECT_EQ(decode(numeric_bytes(1, 0, 4, {1, 2345, 6789}), 12, 4), "12345.6789");
    EXPECT_EQ(decode(numeric_bytes(1, 0x4000, 4, {1, 2345, 6789}), 12, 4), "-12345.6789");
    // Fewer fraction digits than the scale: 12.5 at scale 2 = [12].[5000]
    EXPECT_EQ(decode(numeric_bytes(0, 0, 1, {12, 5000}), 10, 2), "12.50");
    // Zero: no digits.
    EXPECT_EQ(decode(numeric_bytes(0, 0, 0, {}), 10, 2), "0.00");
    // Trailing zero groups omitted: 1e8 = [1] weight 2
    EXPECT_EQ(decode(numeric_bytes(2, 0, 0, {1}), 18, 0), "100000000");
    // 0.0001 = weight -1 digit 1
    EXPECT_EQ(decode(numeric_bytes(-1, 0, 4, {1}), 10, 4), "0.0001");
}

TEST(PgNumeric, RoundsHalfAwayFromZero) {
    // 0.005 at scale 2 -> 0.01; 0.0049 -> 0.00; -1.125 -> -1.13
    EXPECT_EQ(decode(numeric_bytes(-1, 0, 3, {50}), 10, 2), "0.01");
    EXPECT_EQ(decode(numeric_bytes(-1, 0, 4, {49}), 10, 2), "0.00");
    EXPECT_EQ(decode(numeric_bytes(0, 0x4000, 3, {1, 1250}), 10, 2), "-1.13");
    // Tiny values far below the scale round to zero.
    EXPECT_EQ(decode(numeric_bytes(-3, 0, 12, {1}), 10, 2), "0.00");
}

TEST(PgNumeric, OverflowAndSpecials) {
    EXPECT_EQ(decode(numeric_bytes(1, 0, 0, {1, 0}), 4, 0), "overflow");  // 10000 > DECIMAL(4,0)
    EXPECT_EQ(decode(numeric_bytes(10, 0, 0, {1}), 38, 0), "overflow");   // 1e40
    EXPECT_EQ(decode(numeric_bytes(0, 0xC000, 0, {}), 10, 2), "NaN");
    EXPECT_EQ(decode(numeric_bytes(0, 0xD000, 0, {}), 10, 2), "Infinity");
    EXPECT_EQ(decode(numeric_bytes(0, 0xF000, 0, {}), 10, 2), "-Infinity");
    // 38 nines fit DECIMAL(38,0).
    std::vector<uint16_t> nines(10, 9999);
    nines[0] = 99;
    EXPECT_EQ(decode(numeric_bytes(9, 0, 0, nines), 38, 0), std::string(38, '9'));
}

TEST(PgBinary, DecodesStreamSplitAtAnyByte) {
    // Header + two tuples (int4, text) + trailer, fed one byte at a time.
    std::vector<uint8_t> s = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    auto put32 = [&](uint32_t v) { for (int k = 3; k >= 0; --k) s.push_back(static_cast<uint8_t>(v >> (8 * k))); };
    auto put16 = [&](uint16_t v) { s.push_back(static_cast<uint8_t>(v >> 8)); s.push_back(static_cast<uint8_t>(v)); };
    put16(2); put32(4); put32(7); put32(3); s.insert(s.end(), {'a', 'b', 'c'});
    put16(2); put32(0xffffffff); put32(0);
    put16(0xffff);
    PgBinaryDecoder decoder({Type::integer(), Type::varchar()}, {"i", "t"}, "test");
    decoder.start_batch(4);
    std::string pending;
    for (uint8_t byte : s) {
        pending.push_back(static_cast<char>(byte));
        size_t used = decoder.feed(reinterpret_cast<const uint8_t*>(pending.data()), pending.size(), 4);
        pending.erase(0, used);
    }
    EXPECT_TRUE(decoder.finished());
    Batch b = decoder.take_batch();
    ASSERT_EQ(b.num_rows, 2u);
    EXPECT_EQ(b.columns[0]->values<int32_t>()[0], 7);
    EXPECT_TRUE(b.columns[0]->is_null(1));
    EXPECT_EQ(b.columns[1]->string_at(0), "abc");
    EXPECT_EQ(b.columns[1]->string_at(1), "");
    EXPECT_FALSE(b.columns[1]->is_null(1));
}

TEST(PgBinary, RejectsGarbage) {
    std::vector<uint8_t> garbage(32, 'x');
    PgBinaryDecoder decoder({Type::integer()}, {"i"}, "catalog pg, table t");
    decoder.start_batch(4);
    EXPECT_THROW(decoder.feed(garbage.data(), garbage.size(), 4), Error);
}

TEST(PgTypes, Mapping) {
    auto map = [](uint32_t oid, int32_t typmod, std::string display, char typtype = 'b') {
        PgTypeInfo info;
        info.base_oid = oid;
        info.base_typmod = typmod;
        info.display = std::move(display);
        info.base_typtype = typtype;
        return map_pg_type(info);
    };
    EXPECT_EQ(map(pg_oid::kNumeric, ((12 << 16) | 2) + 4, "numeric(12,2)").type, Type::decimal(12, 2));
    EXPECT_EQ(map(pg_oid::kNumeric, -1, "numeric").type, Type::decimal(38, kUnconstrainedNumericScale));
    EXPECT_NE(map(pg_oid::kNumeric, -1, "numeric").note, "");
    EXPECT_EQ(map(pg_oid::kNumeric, ((50 << 16) | 2) + 4, "numeric(50,2)").type, Type::decimal(38, 2));
    EXPECT_EQ(map(pg_oid::kTimestampTz, -1, "timestamp with time zone").type, Type::timestamp_tz());
    EXPECT_EQ(map(pg_oid::kJsonb, -1, "jsonb").type, Type::json());
    EXPECT_EQ(map(pg_oid::kUuid, -1, "uuid").type, Type::varchar());
    EXPECT_EQ(map(pg_oid::kUuid, -1, "uuid").note, "uuid (read as text)");
    EXPECT_EQ(map(869, -1, "inet").note, "inet (read as text)");
    EXPECT_EQ(map(16400, -1, "mood", 'e').type, Type::varchar());
    PgTypeInfo array;
    array.base_oid = 1007;
    array.is_array = true;
    array.element_oid = pg_oid::kInt4;
    array.display = "integer[]";
    EXPECT_EQ(map_pg_type(array).type, Type::array(Type::integer()));
    EXPECT_EQ(pg_cast_type(Type::array(Type::decimal(10, 2))).value(), "numeric(10,2)[]");
    EXPECT_FALSE(pg_cast_type(Type::tinyint()).has_value());
}

TEST(PgTypes, Pushability) {
    EXPECT_TRUE(pg_column_pushable("text", Type::varchar()));
    EXPECT_TRUE(pg_column_pushable("character varying(20)", Type::varchar()));
    EXPECT_TRUE(pg_column_pushable("character(4)", Type::varchar()));  // compared through ::text
    EXPECT_TRUE(pg_is_char_type("character(4)"));
    EXPECT_FALSE(pg_is_char_type("character varying(4)"));
    EXPECT_FALSE(pg_column_pushable("uuid", Type::varchar()));
    EXPECT_FALSE(pg_column_pushable("mood", Type::varchar()));
    EXPECT_TRUE(pg_column_pushable("numeric(12,2)", Type::decimal(12, 2)));
    EXPECT_FALSE(pg_column_pushable("numeric", Type::decimal(38, 10)));
    EXPECT_FALSE(pg_column_pushable("double precision", Type::double_()));
    EXPECT_TRUE(pg_column_pushable("timestamp with time zone", Type::timestamp_tz()));
    EXPECT_FALSE(pg_column_pushable("timestamp with time zone", Type::timestamp()));
}

TEST(PgTypes, ArrayText) {
    auto items = parse_pg_array_text(R"({1,"a b",NULL,"x\"y",""})");
    ASSERT_TRUE(items);
    ASSERT_EQ(items->size(), 5u);
    EXPECT_EQ((*items)[1].value(), "a b");
    EXPECT_FALSE((*items)[2].has_value());
    EXPECT_EQ((*items)[3].value(), "x\"y");
    EXPECT_EQ((*items)[4].value(), "");
    EXPECT_FALSE(parse_pg_array_text("{{1,2},{3,4}}"));
    EXPECT_FALSE(parse_pg_array_text("nope"));
    EXPECT_TRUE(parse_pg_array_text("{}")->empty());
}

TEST(PgDialect, CollationsEscapesAndCasts) {
    PostgresDialect d;
    EXPECT_EQ(d.literal(Value::varchar("it's")).value(), "('it''s' COLLATE \"C\")");
    EXPECT_FALSE(d.literal(Value::varchar(std::string("a\0b", 3))).has_value());
    EXPECT_FALSE(d.literal(Value::double_(1.5)).has_value());
    EXPECT_EQ(d.literal(Value::timestamp_tz(0)).value(), "TIMESTAMPTZ '1970-01-01 00:00:00+00'");
    EXPECT_EQ(d.literal(Value::varbinary("\x01\xff")).value(), "'\\x01ff'::bytea");
    auto lt = ConnectorExpr::call("$lt", Type::boolean(),
                                  {ConnectorExpr::column("s", Type::varchar()),
                                   ConnectorExpr::constant(Value::varchar("b"), Type::varchar())});
    EXPECT_EQ(render_expression(lt, d).value(), "((\"s\" COLLATE \"C\") < ('b' COLLATE \"C\"))");
    auto like = ConnectorExpr::call("$like", Type::boolean(),
                                    {ConnectorExpr::column("s", Type::varchar()),
                                     ConnectorExpr::constant(Value::varchar("a\\%"), Type::varchar())});
    EXPECT_NE(render_expression(like, d).value().find("ESCAPE ''"), std::string::npos);
    auto add = ConnectorExpr::call("$add", Type::bigint(),
                                   {ConnectorExpr::column("a", Type::bigint()), ConnectorExpr::column("b", Type::bigint())});
    EXPECT_EQ(render_expression(add, d).value(), "(CAST(\"a\" AS int8) + CAST(\"b\" AS int8))");
    auto ilike = ConnectorExpr::call("$ilike", Type::boolean(),
                                     {ConnectorExpr::column("s", Type::varchar()),
                                      ConnectorExpr::constant(Value::varchar("a%"), Type::varchar())});
    EXPECT_FALSE(render_expression(ilike, d).has_value());
    auto lower = ConnectorExpr::call("lower", Type::varchar(), {ConnectorExpr::column("s", Type::varchar())});
    EXPECT_FALSE(render_expression(lower, d).has_value());
    auto feq = ConnectorExpr::call("$eq", Type::boolean(),
                                   {ConnectorExpr::column("f", Type::double_()), ConnectorExpr::column("g", Type::double_())});
    EXPECT_FALSE(render_expression(feq, d).has_value());
    EXPECT_EQ(d.order_item("\"s\"", Type::varchar(), true, false).value(), "(\"s\") COLLATE \"C\" DESC NULLS LAST");
}

TEST(PgOptions, Validation) {
    ConnectorConfig c;
    c.catalog = "pg";
    c.type = "postgres";
    c.options = {{"host", "h"}, {"database", "d"}, {"user", "u"}};
    EXPECT_NO_THROW(make_postgres_connector(c));  // lazy: no connection yet
    auto with = [&](std::string key, std::string value) {
        ConnectorConfig copy = c;
        copy.options[key] = value;
        return copy;
    };
    auto code_of = [](const ConnectorConfig& config) {
        try {
            make_postgres_connector(config);
        } catch (const Error& e) {
            EXPECT_NE(e.message().find("catalog pg"), std::string::npos) << e.message();
            return e.code();
        }
        return ErrorCode::kInternal;
    };
    EXPECT_EQ(code_of(with("hots", "x")), ErrorCode::kInvalidParameter);
    EXPECT_EQ(code_of(with("port", "70000")), ErrorCode::kInvalidParameter);
    EXPECT_EQ(code_of(with("pool_size", "0")), ErrorCode::kInvalidParameter);
    EXPECT_EQ(code_of(with("sslmode", "sometimes")), ErrorCode::kInvalidParameter);
    EXPECT_EQ(code_of(with("statement_timeout", "soon")), ErrorCode::kInvalidParameter);
    ConnectorConfig missing = c;
    missing.options.erase("database");
    EXPECT_EQ(code_of(missing), ErrorCode::kInvalidParameter);
}

}  // namespace
}  // namespace fedq
