/*
 * diag.c — collecting, sorting and printing diagnostics.
 *
 * Every phase reports problems into an MfLog as (file, byte offset, length)
 * records with a stable id (diag_ids.def).  Line, column and the line's text
 * are derived from the offset: right away when the reporter still has the
 * source in hand, otherwise by reading the file when the log is printed, so
 * no phase tracks lines while it works (STYLE.md 7).  The driver merges the
 * per-module logs, sorts them by (file, offset) so output does not depend on
 * thread timing, and prints them either as esbuild-style code frames (a
 * terminal) or as one `file:line:col: error: text [id]` line each (pipes,
 * tests, editors).
 */
#include "mfbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *msg_names[] = {
#define X(e, s) s,
#include "diag_ids.def"
#undef X
};

const char *mf_msg_id_name(MfMsgId id) {
    return (unsigned)id < MF_MSG__COUNT ? msg_names[id] : "unknown";
}

/* Counts UTF-8 code points in s[0..n): continuation bytes do not count. */
static uint32_t utf8_count(const char *s, size_t n) {
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

/* Fills line, column, line_text and clamps length from the file's text. */
static void diag_locate(MfDiag *d, const char *src, size_t len) {
    if (d->offset > len) d->offset = (uint32_t)len;
    uint32_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < d->offset; i++) {
        if (src[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    size_t line_end = d->offset;
    while (line_end < len && src[line_end] != '\n' && src[line_end] != '\r') line_end++;
    d->line = line;
    d->column = utf8_count(src + line_start, d->offset - line_start) + 1;
    if (d->offset + d->length > line_end) d->length = (uint32_t)(line_end - d->offset);
    d->line_text = mf_xstrndup(src + line_start, line_end - line_start);
}

void mf_log_add(MfLog *log, MfDiagKind kind, MfMsgId id, const char *file,
                const char *source, size_t source_len, uint32_t offset,
                uint32_t length, const char *fmt, ...) {
    MfDiag d = {.kind = kind, .id = id, .offset = offset, .length = length};
    va_list ap;
    va_start(ap, fmt);
    MfBuf b = {0};
    mf_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    d.text = mf_buf_steal(&b);
    if (file) {
        d.file = mf_xstrdup(file);
        if (source) diag_locate(&d, source, source_len);
    }
    MF_VEC_PUSH(&log->diags, d);
    if (kind == MF_DIAG_ERROR) log->errors++;
    else log->warnings++;
}

static void set_last(MfLog *log, bool note, const char *fmt, va_list ap) {
    if (log->diags.len == 0) return;
    MfDiag *d = &log->diags.items[log->diags.len - 1];
    MfBuf b = {0};
    mf_buf_vprintf(&b, fmt, ap);
    char **slot = note ? &d->note : &d->suggestion;
    free(*slot);
    *slot = mf_buf_steal(&b);
}

void mf_log_suggest(MfLog *log, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    set_last(log, false, fmt, ap);
    va_end(ap);
}

void mf_log_note(MfLog *log, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    set_last(log, true, fmt, ap);
    va_end(ap);
}

void mf_log_take(MfLog *dst, MfLog *src) {
    for (uint32_t i = 0; i < src->diags.len; i++) MF_VEC_PUSH(&dst->diags, src->diags.items[i]);
    dst->errors += src->errors;
    dst->warnings += src->warnings;
    free(src->diags.items);
    *src = (MfLog){0};
}

void mf_log_copy(MfLog *dst, const MfLog *src) {
    for (uint32_t i = 0; i < src->diags.len; i++) {
        MfDiag d = src->diags.items[i];
        d.text = d.text ? mf_xstrdup(d.text) : NULL;
        d.file = d.file ? mf_xstrdup(d.file) : NULL;
        d.suggestion = d.suggestion ? mf_xstrdup(d.suggestion) : NULL;
        d.note = d.note ? mf_xstrdup(d.note) : NULL;
        d.line_text = d.line_text ? mf_xstrdup(d.line_text) : NULL;
        MF_VEC_PUSH(&dst->diags, d);
    }
    dst->errors += src->errors;
    dst->warnings += src->warnings;
}

void mf_log_drop_warnings(MfLog *log) {
    if (!log->warnings) return;
    MfLog kept = {0};
    for (uint32_t i = 0; i < log->diags.len; i++) {
        MfDiag d = log->diags.items[i];
        if (d.kind == MF_DIAG_ERROR) {
            MF_VEC_PUSH(&kept.diags, d);
            kept.errors++;
        } else {
            free(d.text), free(d.file), free(d.suggestion), free(d.note), free(d.line_text);
        }
    }
    free(log->diags.items);
    *log = kept;
}

static int diag_cmp(const void *pa, const void *pb) {
    const MfDiag *a = pa, *b = pb;
    if (!a->file != !b->file) return a->file ? 1 : -1; /* file-less first */
    if (a->file) {
        int c = strcmp(a->file, b->file);
        if (c) return c;
    }
    if (a->offset != b->offset) return a->offset < b->offset ? -1 : 1;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return strcmp(a->text, b->text);
}

void mf_log_sort(MfLog *log) {
    if (log->diags.len > 1) qsort(log->diags.items, log->diags.len, sizeof(MfDiag), diag_cmp);
}

void mf_log_free(MfLog *log) {
    for (uint32_t i = 0; i < log->diags.len; i++) {
        MfDiag *d = &log->diags.items[i];
        free(d->text);
        free(d->file);
        free(d->suggestion);
        free(d->note);
        free(d->line_text);
    }
    free(log->diags.items);
    *log = (MfLog){0};
}

/* Locates the diagnostics that were added without the source at hand,
 * reading each file once (the log is sorted, so a file's entries are
 * adjacent). */
static void log_locate_all(MfLog *log) {
    char *src = NULL;
    size_t len = 0;
    const char *loaded = NULL;
    bool ok = false;
    for (uint32_t i = 0; i < log->diags.len; i++) {
        MfDiag *d = &log->diags.items[i];
        if (!d->file || d->line) continue;
        if (!loaded || strcmp(loaded, d->file) != 0) {
            free(src);
            src = NULL;
            loaded = d->file;
            ok = mf_file_read(d->file, &src, &len) == 0;
        }
        if (ok) diag_locate(d, src, len);
    }
    free(src);
}

static char *display_path(const char *root, const char *file) {
    if (!root || file[0] != '/') return mf_xstrdup(file);
    return mf_path_relative(root, file);
}

/* ---- printing ---------------------------------------------------------- */

typedef struct {
    bool color;
    const char *bold, *red, *yellow, *green, *dim, *reset;
} Style;

static Style make_style(bool color) {
    if (!color) return (Style){false, "", "", "", "", "", ""};
    return (Style){true, "\033[1m", "\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[0m"};
}

/* Byte offset of the column'th code point (1-based) in s. */
static size_t byte_of_column(const char *s, uint32_t column) {
    size_t i = 0;
    uint32_t c = 1;
    while (s[i] && c < column) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80) i++;
        c++;
    }
    return i;
}

static void print_frame(FILE *f, const MfDiag *d, const char *path, const Style *st) {
    fprintf(f, "    %s%s:%u:%u:%s\n", st->bold, path, d->line, d->column, st->reset);
    if (!d->line_text) return;
    /* Long lines (minified code) are shown as a window around the column. */
    const char *text = d->line_text;
    size_t start = 0, col_byte = byte_of_column(text, d->column), tlen = strlen(text);
    const char *prefix = "";
    if (col_byte > 60) {
        start = col_byte - 40;
        while (start < tlen && ((unsigned char)text[start] & 0xC0) == 0x80) start++;
        prefix = "...";
    }
    size_t end = tlen;
    const char *suffix = "";
    if (end - start > 120) {
        end = start + 120;
        while (end > start && ((unsigned char)text[end] & 0xC0) == 0x80) end--;
        suffix = "...";
    }
    char gutter[16];
    int gw = snprintf(gutter, sizeof gutter, "%u", d->line);
    fprintf(f, "    %*s │ %s", gw, gutter, prefix);
    /* The underlined span in green, as esbuild does. */
    size_t hl_end = col_byte + d->length;
    if (hl_end > end) hl_end = end;
    fwrite(text + start, 1, col_byte - start, f);
    fprintf(f, "%s", st->green);
    fwrite(text + col_byte, 1, hl_end - col_byte, f);
    fprintf(f, "%s", st->reset);
    fwrite(text + hl_end, 1, end - hl_end, f);
    fprintf(f, "%s\n", suffix);
    /* Marker line: pad with the same whitespace kinds (tabs stay tabs). */
    fprintf(f, "    %*s ╵ %*s", gw, "", (int)strlen(prefix), "");
    for (size_t i = start; i < col_byte; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80) continue;
        fputc(text[i] == '\t' ? '\t' : ' ', f);
    }
    uint32_t marks = utf8_count(text + col_byte, hl_end - col_byte);
    fprintf(f, "%s", st->green);
    if (marks == 0) fputc('^', f);
    for (uint32_t i = 0; i < marks; i++) fputc('~', f);
    fprintf(f, "%s\n", st->reset);
}

void mf_log_print(MfLog *log, const char *root, MfColor color) {
    mf_log_sort(log);
    log_locate_all(log);
    bool tty = isatty(STDERR_FILENO);
    bool use_color = color == MF_COLOR_ALWAYS || (color == MF_COLOR_AUTO && tty && !getenv("NO_COLOR"));
    Style st = make_style(use_color);
    FILE *f = stderr;
    for (uint32_t i = 0; i < log->diags.len; i++) {
        const MfDiag *d = &log->diags.items[i];
        bool err = d->kind == MF_DIAG_ERROR;
        const char *id = mf_msg_id_name(d->id);
        char *path = d->file ? display_path(root, d->file) : NULL;
        if (tty) {
            fprintf(f, "%s%s%s %s[%s]%s %s%s [%s]%s\n\n", err ? st.red : st.yellow,
                    err ? "✘" : "▲", st.reset, err ? st.red : st.yellow,
                    err ? "ERROR" : "WARNING", st.reset, st.bold, d->text, id, st.reset);
            if (path) {
                if (d->line) print_frame(f, d, path, &st);
                else fprintf(f, "    %s\n", path);
                fputc('\n', f);
            }
            if (d->suggestion) fprintf(f, "  %s\n\n", d->suggestion);
            if (d->note) fprintf(f, "  %s\n\n", d->note);
        } else {
            const char *label = err ? "error" : "warning";
            const char *lc = err ? st.red : st.yellow;
            if (path && d->line)
                fprintf(f, "%s:%u:%u: %s%s:%s %s [%s]\n", path, d->line, d->column, lc, label, st.reset, d->text, id);
            else if (path)
                fprintf(f, "%s: %s%s:%s %s [%s]\n", path, lc, label, st.reset, d->text, id);
            else
                fprintf(f, "%s%s:%s %s [%s]\n", lc, label, st.reset, d->text, id);
            /* Suggestions and notes as gcc-style note lines at the same spot. */
            const char *extra[2] = {d->suggestion, d->note};
            for (int k = 0; k < 2; k++) {
                if (!extra[k]) continue;
                if (path && d->line) fprintf(f, "%s:%u:%u: note: %s\n", path, d->line, d->column, extra[k]);
                else fprintf(f, "note: %s\n", extra[k]);
            }
        }
        free(path);
    }
    if (tty && (log->errors || log->warnings)) {
        if (log->warnings) fprintf(f, "%u warning%s", log->warnings, log->warnings == 1 ? "" : "s");
        if (log->warnings && log->errors) fputs(" and ", f);
        if (log->errors) fprintf(f, "%u error%s", log->errors, log->errors == 1 ? "" : "s");
        fputc('\n', f);
    }
}

void mf_log_json(MfLog *log, const char *root, MfBuf *out) {
    mf_log_sort(log);
    log_locate_all(log);
    for (uint32_t i = 0; i < log->diags.len; i++) {
        const MfDiag *d = &log->diags.items[i];
        if (i) mf_buf_putc(out, ',');
        mf_buf_printf(out, "{\"kind\":\"%s\",\"id\":\"%s\",\"text\":",
                      d->kind == MF_DIAG_ERROR ? "error" : "warning", mf_msg_id_name(d->id));
        char *text = d->suggestion ? mf_xasprintf("%s. %s", d->text, d->suggestion) : NULL;
        mf_buf_json_string(out, text ? text : d->text);
        free(text);
        mf_buf_puts(out, ",\"file\":");
        if (d->file) {
            char *path = display_path(root, d->file);
            mf_buf_json_string(out, path);
            free(path);
        } else {
            mf_buf_puts(out, "null");
        }
        if (d->line)
            mf_buf_printf(out, ",\"line\":%u,\"column\":%u,\"length\":%u}", d->line, d->column, d->length);
        else
            mf_buf_puts(out, ",\"line\":null,\"column\":null,\"length\":0}");
    }
}
