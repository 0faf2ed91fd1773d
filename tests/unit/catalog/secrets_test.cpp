// Secret options and their encryption: the secret-key rule, master key parsing, seal/open, the key file.
#include <sys/stat.h>

#include "catalog/secrets.h"
#include "catalog_test_util.h"

namespace fedq {
namespace {

using catalog_test::error_of;
using catalog_test::TempDir;

// Unsets FEDQ_MASTER_KEY for the test's lifetime (restores it after).
class MasterKeyEnv {
public:
    explicit MasterKeyEnv(const char* value = nullptr) {
        if (const char* old = std::getenv("FEDQ_MASTER_KEY")) old_ = old;
        if (value) setenv("FEDQ_MASTER_KEY", value, 1);
        else unsetenv("FEDQ_MASTER_KEY");
    }
    ~MasterKeyEnv() {
        if (old_) setenv("FEDQ_MASTER_KEY", old_->c_str(), 1);
        else unsetenv("FEDQ_MASTER_KEY");
    }

private:
    std::optional<std::string> old_;
};

const char* kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST(Secrets, SecretOptionRule) {
    for (const char* key : {"password", "secret", "secret_key", "secret_access_key", "token", "api_key", "key",
                            "db_password", "client_secret", "session_token", "aws_access_key"}) {
        EXPECT_TRUE(is_secret_option(key)) << key;
    }
    for (const char* key : {"host", "port", "user", "database", "passwords_file", "keyspace", "tokenizer", "ssl",
                            "path", "_key_name"}) {
        EXPECT_FALSE(is_secret_option(key)) << key;
    }
}

TEST(Secrets, ParseMasterKey) {
    MasterKey hex = parse_master_key(kHexKey, "test");
    EXPECT_EQ(hex[0], 0);
    EXPECT_EQ(hex[31], 31);
    // The same bytes in base64 (with and without padding), and surrounding whitespace.
    MasterKey b64 = parse_master_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "test");
    EXPECT_EQ(b64, hex);
    EXPECT_EQ(parse_master_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "test"), hex);
    for (const char* bad : {"", "abc", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", "not base64 at all!!"}) {
        Error e = error_of([&] { parse_master_key(bad, "FEDQ_MASTER_KEY"); });
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter) << bad;
        EXPECT_NE(e.message().find("FEDQ_MASTER_KEY"), std::string::npos);
        if (*bad) {
            EXPECT_EQ(e.message().find(bad), std::string::npos) << "the key text must not be echoed";
        }
    }
}

TEST(Secrets, SealAndOpen) {
    SecretBox box(parse_master_key(kHexKey, "test"));
    std::string sealed = box.seal("hunter2");
    EXPECT_EQ(sealed.rfind("s1:", 0), 0u);
    EXPECT_EQ(sealed.find("hunter2"), std::string::npos);
    EXPECT_NE(box.seal("hunter2"), sealed) << "a fresh nonce per value";
    EXPECT_EQ(box.open(sealed, "catalog c, option password"), "hunter2");
    EXPECT_EQ(box.open(box.seal(""), "x"), "");
    std::string binary("a\0b'\"\n", 6);
    EXPECT_EQ(box.open(box.seal(binary), "x"), binary);
}

TEST(Secrets, WrongKeyOrCorruptValue) {
    SecretBox box(parse_master_key(kHexKey, "test"));
    MasterKey other_key{};
    other_key[0] = 1;
    SecretBox other(other_key);
    std::string sealed = box.seal("hunter2");
    Error e = error_of([&] { other.open(sealed, "catalog shop, option password"); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_NE(e.message().find("catalog shop, option password"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("wrong master key"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("hunter2"), std::string::npos);
    // Tampered ciphertext, missing prefix, bad base64, too short.
    std::string tampered = sealed;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    for (const std::string& bad : {tampered, sealed.substr(3), std::string("s1:!!!"), std::string("s1:AAAA")}) {
        Error error = error_of([&] { box.open(bad, "catalog shop, option password"); });
        EXPECT_EQ(error.code(), ErrorCode::kInvalidParameter) << bad;
        EXPECT_NE(error.message().find("catalog shop"), std::string::npos);
    }
}

TEST(Secrets, KeyFileIsCreatedPrivateAndReused) {
    MasterKeyEnv no_env;
    TempDir home;
    std::string sealed;
    {
        SecretBox box(home.path());
        // Opening before any key exists: a clear error, and no key file is created by a read.
        Error e = error_of([&] { box.open("s1:" + std::string(60, 'A'), "catalog c, option password"); });
        EXPECT_NE(e.message().find("does not exist"), std::string::npos) << e.message();
        EXPECT_FALSE(std::filesystem::exists(home.path() + "/master.key"));
        sealed = box.seal("hunter2");
    }
    struct stat status {};
    ASSERT_EQ(::stat((home.path() + "/master.key").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600u);
    SecretBox again(home.path());
    EXPECT_EQ(again.open(sealed, "x"), "hunter2");
    // A key file readable by others is refused.
    ::chmod((home.path() + "/master.key").c_str(), 0644);
    SecretBox loose(home.path());
    Error e = error_of([&] { loose.open(sealed, "catalog c, option password"); });
    EXPECT_EQ(e.code(), ErrorCode::kInsufficientPrivilege);
    EXPECT_NE(e.message().find("chmod 600"), std::string::npos) << e.message();
}

TEST(Secrets, EnvironmentKeyWins) {
    TempDir home;
    std::string sealed;
    {
        MasterKeyEnv env(kHexKey);
        SecretBox box(home.path());
        sealed = box.seal("hunter2");
        EXPECT_FALSE(std::filesystem::exists(home.path() + "/master.key"));
        SecretBox fixed(parse_master_key(kHexKey, "test"));
        EXPECT_EQ(fixed.open(sealed, "x"), "hunter2");
    }
    {
        MasterKeyEnv env("malformed");
        SecretBox box(home.path());
        Error e = error_of([&] { box.seal("x"); });
        EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
        EXPECT_NE(e.message().find("FEDQ_MASTER_KEY"), std::string::npos);
    }
}

}  // namespace
}  // namespace fedq
