// UTF-8 code point primitives for the string kernels. Lengths and positions in SQL count code points;
// these helpers walk bytes without allocating. Invalid bytes count as one code point each, so a kernel
// never reads past the end of a malformed string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fedq::utf8 {

inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Bytes of the code point starting with lead byte `c` (1 for invalid lead bytes).
inline size_t sequence_length(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;
}

inline bool is_ascii(std::string_view s) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t i = 0, n = s.size();
    uint64_t high = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        __builtin_memcpy(&word, p + i, 8);
        high |= word;
    }
    for (; i < n; ++i) high |= p[i];
    return (high & 0x8080808080808080ULL) == 0;
}

inline int64_t length(std::string_view s) {
    int64_t count = 0;
    for (unsigned char c : s) count += !is_continuation(c);
    return count;
}

// Byte offset just after the code point starting at `pos` (clamped to the string).
inline size_t next(std::string_view s, size_t pos) {
    size_t step = sequence_length(static_cast<unsigned char>(s[pos]));
    size_t end = pos + step;
    if (end > s.size()) return s.size();
    for (size_t i = pos + 1; i < end; ++i) {
        if (!is_continuation(static_cast<unsigned char>(s[i]))) return i;
    }
    return end;
}

// Byte offset of code point number `count` (0-based), or s.size() if the string is shorter.
inline size_t advance(std::string_view s, size_t pos, int64_t count) {
    while (count > 0 && pos < s.size()) {
        pos = next(s, pos);
        --count;
    }
    return pos;
}

// Decodes the code point at `pos` and moves `pos` past it. Invalid bytes decode as U+FFFD.
inline int32_t decode(std::string_view s, size_t& pos) {
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    size_t end = next(s, pos);
    size_t len = end - pos;
    size_t expected = sequence_length(c);
    int32_t cp;
    if (len == 1 && c < 0x80) cp = c;
    else if (len != expected || len == 1) cp = 0xFFFD;
    else {
        cp = c & (0xFF >> (len + 1));
        for (size_t i = pos + 1; i < end; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    }
    pos = end;
    return cp;
}

inline void encode(int32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Case mapping (utf8proc for non-ASCII, ASCII fast path). Appends to `out`.
void append_lower(std::string_view s, std::string& out);
void append_upper(std::string_view s, std::string& out);

// True if the whole string is well-formed UTF-8.
bool is_valid(std::string_view s);

}  // namespace fedq::utf8
