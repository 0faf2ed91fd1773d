// VARBINARY <-> VARCHAR encodings and hashes: to_hex, from_hex, to_utf8, from_utf8, md5, sha1, sha256,
// sha512 (Trino: VARBINARY in, VARBINARY out; for VARCHAR input md5/sha256 return the lower-case hex
// digest as VARCHAR, as DuckDB does). Hashes use OpenSSL's EVP one-shot digest.
#include <openssl/evp.h>

#include <string>

#include "common/error.h"
#include "functions/signature.h"
#include "functions/utf8.h"

namespace fedq {

namespace {

const char kUpperHex[] = "0123456789ABCDEF";
const char kLowerHex[] = "0123456789abcdef";

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_hex(std::string_view bytes, const char* digits, std::string& out) {
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
}

template <typename F>
ScalarKernel bytes_kernel(F f) {
    return [f](const ScalarArgs& args, Column& out) {
        std::string scratch;
        const Column& input = *args.columns[0];
        for (size_t row = 0; row < args.rows; ++row) {
            scratch.clear();
            f(input.string_at(row), input.is_valid(row), scratch);
            out.append_string(scratch);
        }
    };
}

void digest(const EVP_MD* md, std::string_view input, std::string& out) {
    unsigned char buffer[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), buffer, &length, md, nullptr) != 1) {
        raise(ErrorCode::kInternal, "digest computation failed");
    }
    out.append(reinterpret_cast<const char*>(buffer), length);
}

void register_hash(FunctionRegistry& registry, const char* name, const EVP_MD* (*md)(), bool varchar_overload) {
    registry.add_scalar(name, fixed_signature({Type::varbinary()}, Type::varbinary(),
                                              bytes_kernel([md](std::string_view s, bool, std::string& out) {
        digest(md(), s, out);
    })), "hash of a binary value");
    if (!varchar_overload) return;
    registry.add_scalar(name, fixed_signature({Type::varchar()}, Type::varchar(),
                                              bytes_kernel([md](std::string_view s, bool, std::string& out) {
        std::string raw;
        digest(md(), s, raw);
        append_hex(raw, kLowerHex, out);
    })));
}

}  // namespace

void register_binary_functions(FunctionRegistry& registry) {
    const Type V = Type::varchar(), Bin = Type::varbinary();
    registry.add_scalar("to_hex", fixed_signature({Bin}, V, bytes_kernel([](std::string_view s, bool, std::string& out) {
        append_hex(s, kUpperHex, out);
    })), "upper-case hex encoding of a binary value");
    registry.add_scalar("from_hex", fixed_signature({V}, Bin, bytes_kernel([](std::string_view s, bool valid,
                                                                             std::string& out) {
        if (!valid) return;
        if (s.size() % 2 != 0) raise(ErrorCode::kInvalidParameter, "invalid input length {} for from_hex", s.size());
        for (size_t i = 0; i < s.size(); i += 2) {
            int high = hex_digit(s[i]), low = hex_digit(s[i + 1]);
            if (high < 0 || low < 0) raise(ErrorCode::kInvalidParameter, "invalid hex character in '{}'", s);
            out.push_back(static_cast<char>(high * 16 + low));
        }
    })), "decodes a hex string into a binary value");
    registry.add_scalar("to_utf8", fixed_signature({V}, Bin, bytes_kernel([](std::string_view s, bool, std::string& out) {
        out.append(s);
    })), "the UTF-8 bytes of a string");
    registry.add_scalar("from_utf8", fixed_signature({Bin}, V, bytes_kernel([](std::string_view s, bool,
                                                                              std::string& out) {
        if (utf8::is_valid(s)) {
            out.append(s);
            return;
        }
        for (size_t pos = 0; pos < s.size();) {
            size_t start = pos;
            int32_t cp = utf8::decode(s, pos);
            if (cp == 0xFFFD) utf8::encode(0xFFFD, out);
            else out.append(s.substr(start, pos - start));
        }
    })), "decodes UTF-8 bytes, replacing invalid sequences with U+FFFD");
    register_hash(registry, "md5", EVP_md5, true);
    register_hash(registry, "sha1", EVP_sha1, true);
    register_hash(registry, "sha256", EVP_sha256, true);
    register_hash(registry, "sha512", EVP_sha512, true);
}

}  // namespace fedq
