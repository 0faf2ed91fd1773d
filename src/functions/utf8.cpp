#include "functions/utf8.h"

#include <utf8proc.h>

namespace fedq::utf8 {

namespace {

template <bool kUpper>
void append_case(std::string_view s, std::string& out) {
    out.reserve(out.size() + s.size());
    size_t pos = 0;
    while (pos < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[pos]);
        if (c < 0x80) {
            char mapped = static_cast<char>(c);
            if (kUpper && c >= 'a' && c <= 'z') mapped = static_cast<char>(c - 32);
            if (!kUpper && c >= 'A' && c <= 'Z') mapped = static_cast<char>(c + 32);
            out.push_back(mapped);
            ++pos;
            continue;
        }
        size_t start = pos;
        int32_t cp = decode(s, pos);
        if (cp == 0xFFFD) {  // keep invalid bytes as they are
            out.append(s.data() + start, pos - start);
            continue;
        }
        // U+00DF (sharp s) stays as it is when upper-casing, as in Java/Trino (utf8proc maps it to U+1E9E).
        int32_t mapped = kUpper ? (cp == 0xDF ? cp : utf8proc_toupper(cp)) : utf8proc_tolower(cp);
        encode(mapped, out);
    }
}

}  // namespace

void append_lower(std::string_view s, std::string& out) { append_case<false>(s, out); }
void append_upper(std::string_view s, std::string& out) { append_case<true>(s, out); }

bool is_valid(std::string_view s) {
    if (is_ascii(s)) return true;
    utf8proc_int32_t cp;
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    utf8proc_ssize_t remaining = static_cast<utf8proc_ssize_t>(s.size());
    while (remaining > 0) {
        utf8proc_ssize_t used = utf8proc_iterate(p, remaining, &cp);
        if (used <= 0) return false;
        p += used;
        remaining -= used;
    }
    return true;
}

}  // namespace fedq::utf8
