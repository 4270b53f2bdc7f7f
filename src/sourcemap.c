/*
 * sourcemap.c — the encodings of a source map v3: base64 VLQ "mappings",
 * base64 for inline maps (data: URLs), and JSON string escaping for
 * "sourcesContent".
 *
 * emit.c collects segments while rendering (edit.c's MfMapping, sorted by
 * generated position because a chunk is rendered front to back) and turns
 * them into the "mappings" string here.  Separate from emit.c so that the
 * bit-level encoding is unit-tested on its own (tests/unit/test_emit.c).
 */
#include "mfbuild.h"

#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mf_vlq_encode(MfBuf *out, int64_t value) {
    /* Sign in the lowest bit, then 5-bit groups, least significant first,
     * with bit 6 saying "more follows". */
    uint64_t v = value < 0 ? (((uint64_t)(-(value + 1)) + 1) << 1) | 1 : (uint64_t)value << 1;
    char tmp[16];
    int n = 0;
    do {
        unsigned digit = v & 31;
        v >>= 5;
        if (v) digit |= 32;
        tmp[n++] = b64[digit];
    } while (v);
    mf_buf_append(out, tmp, (size_t)n);
}

void mf_sourcemap_mappings(MfBuf *out, const MfMapping *segs, uint32_t n) {
    /* Generated columns restart at every line; source index and original
     * line and column are deltas from the previous segment, across lines. */
    uint32_t line = 0;
    int64_t prev_col = 0, prev_src = 0, prev_oline = 0, prev_ocol = 0;
    bool first_on_line = true;
    for (uint32_t i = 0; i < n; i++) {
        const MfMapping *s = &segs[i];
        if (s->gen_line < line) continue; /* out of order: cannot be encoded, drop it */
        while (line < s->gen_line) {
            mf_buf_putc(out, ';');
            line++;
            prev_col = 0;
            first_on_line = true;
        }
        if (!first_on_line) {
            if ((int64_t)s->gen_col < prev_col) continue;
            mf_buf_putc(out, ',');
        }
        first_on_line = false;
        mf_vlq_encode(out, (int64_t)s->gen_col - prev_col);
        mf_vlq_encode(out, (int64_t)s->source - prev_src);
        mf_vlq_encode(out, (int64_t)s->orig_line - prev_oline);
        mf_vlq_encode(out, (int64_t)s->orig_col - prev_ocol);
        prev_col = s->gen_col;
        prev_src = s->source;
        prev_oline = s->orig_line;
        prev_ocol = s->orig_col;
    }
}

void mf_base64_encode(MfBuf *out, const void *data, size_t n) {
    /* Through a stack buffer: inline maps can be megabytes, and one append
     * per 4 KB keeps the buffer's bookkeeping out of the loop. */
    const unsigned char *p = data;
    char tmp[4096];
    size_t t = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        tmp[t++] = b64[v >> 18];
        tmp[t++] = b64[(v >> 12) & 63];
        tmp[t++] = b64[(v >> 6) & 63];
        tmp[t++] = b64[v & 63];
        if (t == sizeof tmp) {
            mf_buf_append(out, tmp, t);
            t = 0;
        }
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        tmp[t++] = b64[v >> 18];
        tmp[t++] = b64[(v >> 12) & 63];
        tmp[t++] = '=';
        tmp[t++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        tmp[t++] = b64[v >> 18];
        tmp[t++] = b64[(v >> 12) & 63];
        tmp[t++] = b64[(v >> 6) & 63];
        tmp[t++] = '=';
    }
    mf_buf_append(out, tmp, t);
}

void mf_json_escape(MfBuf *out, const char *s, size_t n) {
    /* Copies runs of plain bytes at once: sources are mostly plain. */
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        mf_buf_append(out, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': mf_buf_puts(out, "\\\""); break;
        case '\\': mf_buf_puts(out, "\\\\"); break;
        case '\n': mf_buf_puts(out, "\\n"); break;
        case '\r': mf_buf_puts(out, "\\r"); break;
        case '\t': mf_buf_puts(out, "\\t"); break;
        default: mf_buf_printf(out, "\\u%04x", c);
        }
    }
    mf_buf_append(out, s + run, n - run);
}
