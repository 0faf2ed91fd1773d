// The CSV row tokenizer shared by the sniffer and the reader. Header-only so the field sink inlines.
// It finds field boundaries in a byte buffer; it does not copy or convert. Quoted fields are reported
// without their quotes; a field containing escape sequences is flagged so the caller can unescape it in
// place (only after the row is known to be complete, because an incomplete row is rescanned).
#pragma once

#include <emmintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "formats/csv_reader.h"

namespace fedq {

// Bytes of readable slack the buffer must have after `end` (the SIMD search may load past the end).
inline constexpr size_t kCsvPadding = 64;

struct CsvScanResult {
    enum Status : uint8_t { kRow, kBlank, kNeedMore, kEnd, kMalformed };
    Status status;
    size_t next = 0;        // position after the row (kRow, kBlank, kMalformed)
    uint32_t newlines = 0;  // physical newlines consumed (including the row terminator)
    size_t fields = 0;      // fields in the row
    const char* error = nullptr;
};

// First position in [p, end) holding `a` or `b`, or `end`.
inline size_t csv_find2(const char* buf, size_t p, size_t end, char a, char b) {
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    while (p + 16 <= end) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + p));
        int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
        if (mask) return p + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        p += 16;
    }
    while (p < end) {
        char c = buf[p];
        if (c == a || c == b) return p;
        ++p;
    }
    return end;
}

inline uint32_t csv_count_newlines(const char* buf, size_t start, size_t end) {
    uint32_t count = 0;
    const void* hit;
    while (start < end && (hit = std::memchr(buf + start, '\n', end - start))) {
        ++count;
        start = static_cast<size_t>(static_cast<const char*>(hit) - buf) + 1;
    }
    return count;
}

// Unescapes a quoted field in place; returns the new length.
inline size_t csv_unescape(char* data, size_t length, char quote, char escape) {
    size_t out = 0;
    for (size_t i = 0; i < length; ++i) {
        char c = data[i];
        if (c == escape && i + 1 < length && (data[i + 1] == quote || data[i + 1] == escape)) c = data[++i];
        data[out++] = c;
    }
    return out;
}

// Scans the row starting at `p`. sink.field(column, start, length, quoted, escaped) is called for each
// field (possibly before the result turns out to be kNeedMore; the caller then discards them).
template <typename Sink>
CsvScanResult scan_csv_row(const char* buf, size_t p, size_t end, bool eof, const CsvDialect& dialect,
                           Sink& sink) {
    CsvScanResult result;
    if (p >= end) {
        result.status = eof ? CsvScanResult::kEnd : CsvScanResult::kNeedMore;
        return result;
    }
    const char delimiter = dialect.delimiter;
    const char quote = dialect.quote;
    const char escape = dialect.escape;
    // Blank and comment lines.
    char first = buf[p];
    if (first == '\n' || first == '\r' || (dialect.comment && first == dialect.comment)) {
        size_t newline = first == '\n' ? p : csv_find2(buf, p, end, '\n', '\n');
        bool blank = true;
        if (first == '\r') {
            for (size_t i = p; i < newline; ++i) {
                if (buf[i] != '\r') blank = false;
            }
        }
        if (blank || first == dialect.comment) {
            if (newline == end && !eof) {
                result.status = CsvScanResult::kNeedMore;
                return result;
            }
            result.status = CsvScanResult::kBlank;
            result.next = newline == end ? end : newline + 1;
            result.newlines = newline == end ? 0 : 1;
            return result;
        }
    }
    size_t column = 0;
    uint32_t newlines = 0;
    // Fast path for rows of unquoted fields: one SIMD pass finds every delimiter and the newline; it
    // hands over to the general loop below at the first field that starts with a quote, or near the
    // end of the buffer.
    {
        const __m128i vd = _mm_set1_epi8(delimiter);
        const __m128i vn = _mm_set1_epi8('\n');
        const __m128i vq = _mm_set1_epi8(quote);
        size_t field_start = p;
        size_t block = p;
        while (block + 16 <= end) {
            __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + block));
            unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn)), _mm_cmpeq_epi8(x, vq))));
            while (mask) {
                size_t position = block + static_cast<size_t>(__builtin_ctz(mask));
                mask &= mask - 1;
                char c = buf[position];
                if (c == quote && c != delimiter) {
                    if (position == field_start) goto general;  // a quoted field
                    continue;                                   // a quote inside an unquoted field is data
                }
                size_t field_end = position;
                if (c == '\n' && field_end > field_start && buf[field_end - 1] == '\r') --field_end;
                sink.field(column, field_start, field_end - field_start, false, false);
                ++column;
                field_start = position + 1;
                if (c == '\n') {
                    result.status = CsvScanResult::kRow;
                    result.next = position + 1;
                    result.newlines = 1;
                    result.fields = column;
                    return result;
                }
            }
            block += 16;
        }
    general:
        p = field_start;
    }
    for (;;) {
        if (p < end && buf[p] == quote) {
            size_t q = p + 1;
            bool escaped = false;
            size_t close;
            for (;;) {
                size_t hit = escape == quote ? csv_find2(buf, q, end, quote, quote)
                                             : csv_find2(buf, q, end, quote, escape);
                if (hit + 1 >= end && !eof) {
                    result.status = CsvScanResult::kNeedMore;
                    return result;
                }
                if (hit >= end) {
                    result.status = CsvScanResult::kMalformed;
                    result.error = "unterminated quoted field";
                    result.next = end;
                    result.newlines = newlines + csv_count_newlines(buf, p, end);
                    return result;
                }
                if (buf[hit] == escape && escape != quote) {
                    escaped = true;
                    q = hit + 2;
                    continue;
                }
                if (escape == quote && hit + 1 < end && buf[hit + 1] == quote) {
                    escaped = true;
                    q = hit + 2;
                    continue;
                }
                close = hit;
                break;
            }
            uint32_t inside = csv_count_newlines(buf, p + 1, close);
            newlines += inside;
            sink.field(column, p + 1, close - p - 1, true, escaped);
            p = close + 1;
            if (p < end && buf[p] == '\r') {
                if (p + 1 >= end && !eof) {
                    result.status = CsvScanResult::kNeedMore;
                    return result;
                }
                if (p + 1 >= end || buf[p + 1] == '\n') ++p;
            }
            if (p < end && buf[p] != delimiter && buf[p] != '\n') {
                size_t newline = csv_find2(buf, p, end, '\n', '\n');
                if (newline == end && !eof) {
                    result.status = CsvScanResult::kNeedMore;
                    return result;
                }
                result.status = CsvScanResult::kMalformed;
                result.error = "unexpected character after a closing quote";
                result.next = newline == end ? end : newline + 1;
                result.newlines = newlines + (newline == end ? 0 : 1);
                return result;
            }
        } else {
            size_t hit = csv_find2(buf, p, end, delimiter, '\n');
            if (hit == end && !eof) {
                result.status = CsvScanResult::kNeedMore;
                return result;
            }
            size_t field_end = hit;
            if (field_end > p && buf[field_end - 1] == '\r' && (hit == end || buf[hit] == '\n')) --field_end;
            sink.field(column, p, field_end - p, false, false);
            p = hit;
        }
        ++column;
        if (p >= end) break;  // end of file ends the last row
        if (buf[p] == delimiter) {
            ++p;
            continue;
        }
        ++p;  // '\n'
        ++newlines;
        break;
    }
    result.status = CsvScanResult::kRow;
    result.next = p;
    result.newlines = newlines;
    result.fields = column;
    return result;
}

}  // namespace fedq
