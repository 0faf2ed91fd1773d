#include "remote/signing.h"

#include <thread>

#include <gtest/gtest.h>

#include "remote/http.h"
#include "remote/protocol.h"

namespace fedq {
namespace {

// Computed independently with:
//   printf '{}' | openssl dgst -sha256
//   printf 'FEDQ1\nPOST\n/v1/list_schemas\n1700000000\n000102030405060708090a0b0c0d0e0f\n<that hex>' |
//     openssl dgst -sha256 -hmac 'fedq-test-key'
constexpr const char* kKey = "fedq-test-key";
constexpr const char* kNonce = "000102030405060708090a0b0c0d0e0f";
constexpr const char* kBodyDigest = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
constexpr const char* kSignature = "v1=8aa48bb722022fbd43bb9e2a5e4ea617a6d172e7046f5edd3d19cb6d18e1f3b0";

TEST(Signing, KnownVectors) {
    EXPECT_EQ(sha256_hex("{}"), kBodyDigest);
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(hmac_sha256("key", "")), "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
    EXPECT_EQ(string_to_sign("POST", "/v1/list_schemas", "1700000000", kNonce, "{}"),
              std::string("FEDQ1\nPOST\n/v1/list_schemas\n1700000000\n") + kNonce + "\n" + kBodyDigest);
    SignedHeaders headers = sign_request(kKey, "POST", "/v1/list_schemas", "{}", 1700000000, kNonce);
    EXPECT_EQ(headers.date, "1700000000");
    EXPECT_EQ(headers.nonce, kNonce);
    EXPECT_EQ(headers.signature, kSignature);
    auto list = headers.list();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].first, "X-Fedq-Date");
    EXPECT_EQ(list[2].second, kSignature);
}

TEST(Signing, RandomNonces) {
    std::string a = random_nonce(), b = random_nonce();
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
    SignedHeaders headers = sign_request(kKey, "GET", "/x", "", 5);
    EXPECT_EQ(headers.nonce.size(), 32u);
}

TEST(Signing, Verify) {
    const int64_t now = 1700000000;
    ReplayCache cache;
    auto verify = [&](const char* key, const char* path, const char* body, std::optional<std::string> date,
                      std::optional<std::string> nonce, std::optional<std::string> signature, int64_t at) {
        return verify_request(key, "POST", path, body, date, nonce, signature, at, &cache);
    };
    EXPECT_EQ(verify(kKey, "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now), VerifyResult::kOk);
    // The same nonce again: replay.
    EXPECT_EQ(verify(kKey, "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now + 1),
              VerifyResult::kReplay);

    ReplayCache fresh;
    auto check = [&](const char* key, const char* path, const char* body, std::optional<std::string> date,
                     std::optional<std::string> nonce, std::optional<std::string> signature, int64_t at) {
        return verify_request(key, "POST", path, body, date, nonce, signature, at, &fresh);
    };
    // Stale / future beyond ±300 s.
    EXPECT_EQ(check(kKey, "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now + 301), VerifyResult::kStale);
    EXPECT_EQ(check(kKey, "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now - 301), VerifyResult::kStale);
    // Within the window (edge) is fine.
    EXPECT_EQ(verify_request(kKey, "POST", "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now + 300,
                             nullptr),
              VerifyResult::kOk);
    // Wrong key, path, body, method.
    EXPECT_EQ(check("other-key", "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now),
              VerifyResult::kBadSignature);
    EXPECT_EQ(check(kKey, "/v1/list_tables", "{}", "1700000000", kNonce, kSignature, now),
              VerifyResult::kBadSignature);
    EXPECT_EQ(check(kKey, "/v1/list_schemas", "{ }", "1700000000", kNonce, kSignature, now),
              VerifyResult::kBadSignature);
    EXPECT_EQ(verify_request(kKey, "GET", "/v1/list_schemas", "{}", "1700000000", kNonce, kSignature, now, &fresh),
              VerifyResult::kBadSignature);
    // Upper-case hex signature is accepted.
    std::string upper = kSignature;
    for (size_t i = 3; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
    EXPECT_EQ(check(kKey, "/v1/list_schemas", "{}", "1700000000", kNonce, upper, now), VerifyResult::kOk);
    // A failed check does not consume the nonce: it was consumed above by the successful one only.
    EXPECT_EQ(fresh.size(), 1u);
    // Missing and malformed headers.
    EXPECT_EQ(check(kKey, "/p", "", std::nullopt, kNonce, kSignature, now), VerifyResult::kMissing);
    EXPECT_EQ(check(kKey, "/p", "", "1700000000", std::nullopt, kSignature, now), VerifyResult::kMissing);
    EXPECT_EQ(check(kKey, "/p", "", "1700000000", kNonce, std::nullopt, now), VerifyResult::kMissing);
    EXPECT_EQ(check(kKey, "/p", "", "17e8", kNonce, kSignature, now), VerifyResult::kMalformed);
    EXPECT_EQ(check(kKey, "/p", "", "", kNonce, kSignature, now), VerifyResult::kMalformed);
    EXPECT_EQ(check(kKey, "/p", "", "1700000000", "xyz", kSignature, now), VerifyResult::kMalformed);
    EXPECT_EQ(check(kKey, "/p", "", "1700000000", kNonce, "v2=abc", now), VerifyResult::kMalformed);
    EXPECT_EQ(check(kKey, "/p", "", "1700000000", kNonce, std::string(kSignature).substr(0, 60), now),
              VerifyResult::kMalformed);
    EXPECT_FALSE(verify_result_message(VerifyResult::kReplay).empty());
}

TEST(Signing, ReplayCacheExpiresAndIsBounded) {
    ReplayCache cache(300, 3);
    EXPECT_TRUE(cache.check_and_insert("a", 1000));
    EXPECT_FALSE(cache.check_and_insert("a", 1000));
    EXPECT_TRUE(cache.check_and_insert("b", 1001));
    EXPECT_TRUE(cache.check_and_insert("c", 1002));
    EXPECT_TRUE(cache.check_and_insert("d", 1003));  // drops "a" (bounded)
    EXPECT_LE(cache.size(), 3u);
    EXPECT_FALSE(cache.check_and_insert("d", 1004));
    // After two windows everything is forgotten.
    EXPECT_TRUE(cache.check_and_insert("e", 1003 + 601));
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.check_and_insert("d", 1003 + 601));
}

TEST(Signing, ReplayCacheThreadSafe) {
    ReplayCache cache;
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                if (cache.check_and_insert(std::to_string(i), 100)) accepted++;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(accepted.load(), 1000);
}

TEST(Protocol, TableInfoRoundTrip) {
    TableInfo info;
    info.handle = TableHandle{"main", "orders", nlohmann::json{{"k", 1}}};
    info.kind = "VIEW";
    info.columns = {{"id", Type::bigint(), false, "key"}, {"price", Type::decimal(12, 2), true, ""},
                    {"tags", Type::array(Type::varchar()), true, ""}};
    info.statistics.row_count = 42;
    info.statistics.columns["id"].distinct_count = 40;
    info.statistics.columns["id"].min = Value::bigint(1);
    info.statistics.columns["id"].max = Value::bigint(99);
    auto j = table_info_to_json(info);
    EXPECT_EQ(j["handle"]["table"], "orders");
    EXPECT_TRUE(j["statistics"]["total_bytes"].is_null());
    TableInfo back = table_info_from_json(nlohmann::json::parse(j.dump()));
    EXPECT_EQ(back.handle.schema, "main");
    EXPECT_EQ(back.handle.properties["k"], 1);
    EXPECT_EQ(back.kind, "VIEW");
    ASSERT_EQ(back.columns.size(), 3u);
    EXPECT_EQ(back.columns[0].name, "id");
    EXPECT_FALSE(back.columns[0].nullable);
    EXPECT_EQ(back.columns[0].comment, "key");
    EXPECT_EQ(back.columns[1].type, Type::decimal(12, 2));
    EXPECT_EQ(back.columns[2].type, Type::array(Type::varchar()));
    EXPECT_EQ(back.statistics.row_count, 42);
    EXPECT_FALSE(back.statistics.total_bytes);
    EXPECT_EQ(back.statistics.columns["id"].distinct_count, 40);
    EXPECT_EQ(back.statistics.columns["id"].max, Value::bigint(99));
    EXPECT_TRUE(back.statistics.columns["id"].min == Value::bigint(1));

    EXPECT_THROW(table_info_from_json(nlohmann::json::parse(R"({"columns": []})")), Error);
    EXPECT_THROW(table_info_from_json(nlohmann::json::parse(R"({"handle": {"schema": 1, "table": "t"}, "columns": []})")),
                 Error);
    EXPECT_THROW(table_info_from_json(nlohmann::json::parse(R"([])")), Error);
    try {
        table_info_from_json(nlohmann::json::parse(R"({"handle": {"schema": "s", "table": "t"}, "columns": 3})"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidJson);
    }
}

TEST(Protocol, Capabilities) {
    Capabilities caps;
    caps.add(Capability::kConstraint).add(Capability::kJoins);
    auto j = capabilities_to_json(caps);
    EXPECT_EQ(j, nlohmann::json::parse(R"(["constraint", "joins"])"));
    Capabilities back = capabilities_from_json(nlohmann::json::parse(R"(["joins", "constraint", "teleport"])"));
    EXPECT_EQ(back.bits(), caps.bits());
    EXPECT_THROW(capabilities_from_json(nlohmann::json::parse("{}")), Error);
}

TEST(Protocol, Errors) {
    Error e(ErrorCode::kUndefinedTable, "table x does not exist");
    auto j = error_to_json(e);
    EXPECT_EQ(j["error"]["code"], "42P01");
    EXPECT_EQ(j["error"]["message"], "table x does not exist");
    EXPECT_EQ(j["error"]["retryable"], false);
    EXPECT_EQ(http_status_for(e), 404);
    bool retryable = true;
    Error back = error_from_json(j, &retryable);
    EXPECT_EQ(back.code(), ErrorCode::kUndefinedTable);
    EXPECT_EQ(back.message(), "table x does not exist");
    EXPECT_FALSE(retryable);

    Error lost(ErrorCode::kConnection, "lost");
    EXPECT_TRUE(error_to_json(lost)["error"]["retryable"]);
    EXPECT_EQ(http_status_for(lost), 503);
    EXPECT_TRUE(is_retryable(ErrorCode::kConnectionFailure));
    EXPECT_FALSE(is_retryable(ErrorCode::kSyntax));

    // A source's own SQLSTATE survives.
    Error pg = error_from_json(nlohmann::json::parse(R"({"error": {"code": "23505", "message": "dup"}})"));
    EXPECT_EQ(pg.code(), ErrorCode::kRemote);
    EXPECT_EQ(pg.sqlstate(), "23505");
    Error auth = error_from_json(error_to_json("28000", "bad request signature", false));
    EXPECT_EQ(auth.code(), ErrorCode::kInvalidPassword);
    EXPECT_EQ(auth.sqlstate(), "28000");
    EXPECT_EQ(http_status_for(auth), 401);
    Error junk = error_from_json(nlohmann::json::parse("[1]"), nullptr, "HTTP 502");
    EXPECT_EQ(junk.code(), ErrorCode::kRemote);
    EXPECT_EQ(junk.message(), "HTTP 502");
}

TEST(Protocol, IdentitySplitsAndTokens) {
    Identity id = identity_from_json(nlohmann::json::parse(R"({"user": "alice", "roles": ["a", "b"]})"));
    EXPECT_EQ(id.user, "alice");
    EXPECT_EQ(id.roles, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(identity_from_json(nlohmann::json()).empty());
    EXPECT_THROW(identity_from_json(nlohmann::json::parse(R"({"roles": "x"})")), Error);
    EXPECT_EQ(identity_to_json(id)["roles"][1], "b");

    Split split;
    split.payload = {{"rowid_from", 5}};
    split.description = "rows 5..";
    split.estimated_rows = 10;
    Split back = split_from_json(split_to_json(split));
    EXPECT_EQ(back.payload, split.payload);
    EXPECT_EQ(back.description, "rows 5..");
    EXPECT_EQ(back.estimated_rows, 10);
    EXPECT_THROW(split_from_json(nlohmann::json::parse(R"({"description": 5})")), Error);

    EXPECT_EQ(join_type_from_name(join_type_name(PushedJoinType::kFull)), PushedJoinType::kFull);
    EXPECT_THROW(join_type_from_name("cross"), Error);

    size_t offset = 0;
    std::string digest;
    std::string token = make_page_token(1000, "0123456789abcdef");
    EXPECT_TRUE(parse_page_token(token, offset, digest));
    EXPECT_EQ(offset, 1000u);
    EXPECT_EQ(digest, "0123456789abcdef");
    EXPECT_FALSE(parse_page_token("", offset, digest));
    EXPECT_FALSE(parse_page_token("x:0123456789abcdef", offset, digest));
    EXPECT_FALSE(parse_page_token("5:short", offset, digest));
    EXPECT_EQ(plan_digest(nlohmann::json{{"a", 1}}).size(), 16u);
}

TEST(Http, HostPort) {
    EXPECT_EQ(parse_host_port("127.0.0.1:9100"), (std::pair<std::string, int>{"127.0.0.1", 9100}));
    EXPECT_EQ(parse_host_port("[::1]:0"), (std::pair<std::string, int>{"::1", 0}));
    EXPECT_EQ(parse_host_port(":80"), (std::pair<std::string, int>{"", 80}));
    EXPECT_THROW(parse_host_port("localhost"), Error);
    EXPECT_THROW(parse_host_port("h:70000"), Error);
    EXPECT_THROW(parse_host_port("h:"), Error);
    EXPECT_THROW(parse_host_port("[::1]9100"), Error);
    EXPECT_EQ(find_header({{"Content-Type", "x"}}, "content-type"), "x");
    EXPECT_FALSE(find_header({}, "a"));
}

}  // namespace
}  // namespace fedq
