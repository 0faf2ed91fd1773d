// CSV output for fedq-tpchgen: a row writer appending RFC 4180 fields to a string buffer.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "tpchgen/random.h"

namespace fedq::tpchgen {

// CSV row writer appending to a string buffer.

class CsvBuffer {
  public:
    std::string& data() { return data_; }

    void field(std::string_view text) {
        separator();
        data_.append(text);
    }

    // A free-text field: quoted (RFC 4180) when it contains a comma, a quote or a line break.
    void text(std::string_view text) {
        separator();
        if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
            data_.append(text);
            return;
        }
        data_.push_back('"');
        for (char c : text) {
            if (c == '"') data_.push_back('"');
            data_.push_back(c);
        }
        data_.push_back('"');
    }

    void integer(int64_t value) {
        separator();
        char digits[24];
        auto result = std::to_chars(digits, digits + sizeof(digits), value);
        data_.append(digits, result.ptr);
    }

    // Fixed-width zero-padded number after a prefix, like "Supplier#000000001".
    void padded(std::string_view prefix, int64_t value, int width) {
        separator();
        data_.append(prefix);
        char digits[24];
        auto result = std::to_chars(digits, digits + sizeof(digits), value);
        const auto length = static_cast<int>(result.ptr - digits);
        if (length < width) data_.append(static_cast<size_t>(width - length), '0');
        data_.append(digits, result.ptr);
    }

    // Hundredths as a decimal with two digits: -12345 -> "-123.45".
    void money(int64_t cents) {
        separator();
        if (cents < 0) {
            data_.push_back('-');
            cents = -cents;
        }
        char digits[24];
        auto result = std::to_chars(digits, digits + sizeof(digits), cents / 100);
        data_.append(digits, result.ptr);
        const auto fraction = static_cast<int>(cents % 100);
        data_.push_back('.');
        data_.push_back(static_cast<char>('0' + fraction / 10));
        data_.push_back(static_cast<char>('0' + fraction % 10));
    }

    void character(char c) {
        separator();
        data_.push_back(c);
    }

    // Phone number "CC-LLL-LLL-LLLL" with country code nationkey + 10.
    void phone(Rng& rng, int nation) {
        separator();
        char text[16];
        std::snprintf(text, sizeof(text), "%02d-%03d-%03d-%04d", nation + 10,
                      static_cast<int>(rng.uniform(100, 999)), static_cast<int>(rng.uniform(100, 999)),
                      static_cast<int>(rng.uniform(1000, 9999)));
        data_.append(text, 15);
    }

    void end_row() {
        data_.push_back('\n');
        first_ = true;
    }

  private:
    void separator() {
        if (!first_) data_.push_back(',');
        first_ = false;
    }

    std::string data_;
    bool first_ = true;
};

}  // namespace fedq::tpchgen
