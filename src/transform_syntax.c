/*
 * transform_syntax.c — JSX and TypeScript to plain JavaScript, as edits.
 *
 * Runs after transform_module.c on the same tree (docs/output-format.md,
 * section 2).  The output must stay a slice-and-patch of the source, so this
 * pass only ever replaces punctuation, keywords and type-only ranges: every
 * expression keeps its bytes, because the ESM pass has already put edits
 * inside them (imported names, define keys).  A JSX element therefore
 * becomes a call by rewriting the tokens *between* its expressions: `<`,
 * the tag name when it is intrinsic, `={`, `}`, the gaps between attributes,
 * `>` and the closing tag.  The one expression that changes place, the
 * automatic runtime's `key`, is moved with mf_edit_move so the edits inside
 * it travel with it.
 *
 * Output keeps the source's lines: every replaced range re-emits the
 * newlines it covered (and the indentation after the last one), so line
 * numbers in stack traces and source maps stay right without a mapping per
 * token.
 *
 * TypeScript: type-only syntax is deleted; `enum` and `namespace` become the
 * IIFEs TypeScript emits; parameter properties become assignments in the
 * constructor.  What we cannot compile faithfully (decorators, namespace
 * export lists, ...) is an MF_MSG_UNSUPPORTED_SYNTAX error, never emitted
 * as is.
 *
 * The walk is a TSTreeCursor loop with a heap-allocated stack of per-depth
 * contexts (like parse.c), so nesting depth is bounded by memory, not by the
 * C stack; the few helpers that recurse (enum constant folding, pattern
 * names) carry a depth limit.  Plain .js files without JSX are not walked at
 * all: this pass costs nothing on most of node_modules.
 */
#include "syntax.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting beyond which the recursive helpers give up (an error, or "not a
 * constant"): they only look at enum initializers, binding patterns and
 * nested namespaces, which are never this deep in real code. */
#define MAX_RECURSION 200

/* Context for the children of one node (indexed by tree depth). */
typedef struct Level {
    TSNode parent;         /* the node whose children are at this depth */
    const char *ns;        /* children are statements of namespace `ns`'s body */
    const char *ns_block;  /* the statement_block child is namespace `ns_block`'s body */
    const char *export_to; /* the declaration child is exported from namespace `export_to` */
} Level;

typedef enum { KID_TEXT, KID_EXPR, KID_ELEM, KID_DROP } KidKind;

/* One child of a JSX element, in source order. */
typedef struct JsxKid {
    KidKind kind;
    uint32_t a, b;   /* source range: a text run, `{...}`, an element */
    uint32_t ia, ib; /* expression inside `{}`; for text, the non-blank span */
    char *text;      /* KID_TEXT: the JS string literal (arena) */
} JsxKid;

typedef enum { EV_NONE, EV_NUM, EV_STR } EnumValKind;

typedef struct EnumVal {
    EnumValKind kind;
    double num;
    char *str; /* arena */
} EnumVal;

typedef struct EnumMember {
    char *name; /* decoded (arena) */
    EnumVal v;
} EnumMember;

typedef struct Syn {
    MfTransform *t;
    MfModule *m;
    const MfConfig *cfg;
    const LangTable *L;
    const char *src;
    bool ts;
    MF_VEC(Level) levels;
    /* JSX, set up at the first element */
    bool jsx_ready;
    bool jsx_auto, jsx_dev;
    char *jsx_ns;                   /* "__mf$K": the implicit runtime import */
    char *pragma, *pragma_frag;     /* classic runtime, after binding lookup */
    MF_VEC(TSNode) attrs;           /* scratch: one element's attributes */
    MF_VEC(JsxKid) kids;            /* scratch: one element's children */
    MF_VEC(EnumMember) members;     /* scratch: one enum's members */
} Syn;

/* ---- small helpers ---------------------------------------------------------- */

static inline uint32_t nstart(TSNode n) { return ts_node_start_byte(n); }
static inline uint32_t nend(TSNode n) { return ts_node_end_byte(n); }
static inline NodeKind kind_of(const Syn *s, TSNode n) { return mf_kind_of(s->L, n); }
static inline TSNode field(const Syn *s, TSNode n, int f) { return mf_field(s->L, n, f); }

static bool text_is(const Syn *s, TSNode n, const char *str) {
    uint32_t a = nstart(n), b = nend(n);
    size_t len = strlen(str);
    return b - a == len && memcmp(s->src + a, str, len) == 0;
}

static char *node_text(Syn *s, TSNode n) {
    return mf_arena_strndup(s->m->arena, s->src + nstart(n), nend(n) - nstart(n));
}


static void error_at(Syn *s, uint32_t offset, uint32_t len, const char *fmt, ...) MF_PRINTF(4, 5);
static void error_at(Syn *s, uint32_t offset, uint32_t len, const char *fmt, ...) {
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    MfModule *m = s->m;
    mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_UNSUPPORTED_SYNTAX, m->path, m->source, m->size,
               offset, len, "%s", text);
}

static void error_node(Syn *s, TSNode n, const char *what) {
    /* Underline the first line only: a code frame shows one line. */
    uint32_t a = nstart(n), b = nend(n);
    const char *nl = memchr(s->src + a, '\n', b - a);
    if (nl) b = (uint32_t)(nl - s->src);
    error_at(s, a, b - a, "%s", what);
}

static bool is_line_end(const char *src, uint32_t i, uint32_t size) {
    return src[i] == '\n' || (src[i] == '\r' && (i + 1 >= size || src[i + 1] != '\n'));
}

/* Appends the line structure of src[a, b) — each line break, then the
 * indentation after the last one if nothing else follows it — so that a
 * replacement keeps every later line where it was. */
static void put_lines(const Syn *s, MfBuf *out, uint32_t a, uint32_t b) {
    uint32_t last = UINT32_MAX;
    for (uint32_t i = a; i < b; i++) {
        if (is_line_end(s->src, i, s->m->size)) {
            mf_buf_putc(out, '\n');
            last = i;
        }
    }
    if (last == UINT32_MAX) return;
    for (uint32_t i = last + 1; i < b; i++)
        if (s->src[i] != ' ' && s->src[i] != '\t') return;
    mf_buf_append(out, s->src + last + 1, b - last - 1);
}

static bool has_line_break(const Syn *s, uint32_t a, uint32_t b) {
    for (uint32_t i = a; i < b; i++)
        if (is_line_end(s->src, i, s->m->size)) return true;
    return false;
}

/* True when only blanks stand between `at` and the end of its line. */
static bool at_line_end(const Syn *s, uint32_t at) {
    while (at < s->m->size && (s->src[at] == ' ' || s->src[at] == '\t')) at++;
    return at < s->m->size && (s->src[at] == '\n' || s->src[at] == '\r');
}

/* Replaces [a, b) by before + rendered [ma, mb) + after, keeping the line
 * breaks of [a, b) (after the text; trailing spaces of the text dropped
 * there, so lines do not end in blanks).  ma == mb: no move. */
static void edit_lines_move(Syn *s, uint32_t a, uint32_t b, const char *before, uint32_t ma,
                            uint32_t mb, const char *after) {
    before = before ? before : "";
    after = after ? after : "";
    bool move = mb > ma;
    if (!has_line_break(s, a, b)) {
        /* No blanks at the end of a line either. */
        char *trimmed = NULL;
        const char *t = move ? after : before;
        size_t len = strlen(t);
        if (len && t[len - 1] == ' ' && at_line_end(s, b)) {
            while (len > 0 && t[len - 1] == ' ') len--;
            trimmed = mf_xstrndup(t, len);
            if (move) after = trimmed;
            else before = trimmed;
        }
        if (move) mf_edit_move(s->m, a, b, before, ma, mb, after);
        else if (a != b || *before) mf_edit_replace(s->m, a, b, before);
        free(trimmed);
        return;
    }
    MfBuf tail = {0};
    const char *t = move ? after : before;
    size_t len = strlen(t);
    while (len > 0 && t[len - 1] == ' ') len--;
    mf_buf_append(&tail, t, len);
    put_lines(s, &tail, a, b);
    if (move) mf_edit_move(s->m, a, b, before, ma, mb, tail.data);
    else mf_edit_replace(s->m, a, b, tail.data);
    mf_buf_free(&tail);
}

static void edit_lines(Syn *s, uint32_t a, uint32_t b, const char *text) {
    edit_lines_move(s, a, b, text, 0, 0, NULL);
}

static void delete_node(Syn *s, TSNode n) { edit_lines(s, nstart(n), nend(n), ""); }

/* Deletes a modifier token and the blanks after it (`private x` -> `x`). */
static void delete_token(Syn *s, TSNode n) {
    uint32_t a = nstart(n), b = nend(n);
    while (b < s->m->size && (s->src[b] == ' ' || s->src[b] == '\t')) b++;
    mf_edit_replace(s->m, a, b, NULL);
}

/* ---- strings ---------------------------------------------------------------- */

static void put_utf8(MfBuf *b, uint32_t cp) {
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    mf_buf_append(b, out, n);
}

/* Appends s[0, n) as a JS string literal quoted with q.  With line_breaks,
 * a line break in the value is written `\n\` + the break itself (a line
 * continuation), so the literal spans as many lines as the source did. */
static void put_js_string(MfBuf *b, const char *s, size_t n, char q, bool line_breaks) {
    mf_buf_putc(b, q);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': mf_buf_puts(b, "\\\\"); break;
        case '\n':
            mf_buf_puts(b, line_breaks ? "\\n\\\n" : "\\n");
            break;
        case '\r':
            if (line_breaks && i + 1 < n && s[i + 1] == '\n') {
                mf_buf_puts(b, "\\n\\\r\n");
                i++;
            } else {
                mf_buf_puts(b, line_breaks ? "\\n\\\r" : "\\r");
            }
            break;
        case '\t': mf_buf_puts(b, "\\t"); break;
        default:
            if (c == (unsigned char)q) {
                mf_buf_putc(b, '\\');
                mf_buf_putc(b, (char)c);
            } else if (c < 0x20 || c == 0x7F) {
                mf_buf_printf(b, "\\x%02X", c);
            } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                       ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
                /* U+2028/U+2029: legal in literals since ES2019, but not in
                 * every tool that reads our output. */
                mf_buf_puts(b, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
                i += 2;
            } else {
                mf_buf_putc(b, (char)c);
            }
        }
    }
    mf_buf_putc(b, q);
}

/* HTML 4 named character references, as JSX (React, Babel, esbuild) knows
 * them; sorted by strcmp for bsearch. */
typedef struct { const char *name; uint32_t cp; } Entity;
static const Entity entities[] = {
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0}, {"Alpha", 0x391},
    {"Aring", 0xC5}, {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Beta", 0x392}, {"Ccedil", 0xC7},
    {"Chi", 0x3A7}, {"Dagger", 0x2021}, {"Delta", 0x394}, {"ETH", 0xD0}, {"Eacute", 0xC9},
    {"Ecirc", 0xCA}, {"Egrave", 0xC8}, {"Epsilon", 0x395}, {"Eta", 0x397}, {"Euml", 0xCB},
    {"Gamma", 0x393}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC}, {"Iota", 0x399},
    {"Iuml", 0xCF}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"Ntilde", 0xD1},
    {"Nu", 0x39D}, {"OElig", 0x152}, {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2},
    {"Omega", 0x3A9}, {"Omicron", 0x39F}, {"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6},
    {"Phi", 0x3A6}, {"Pi", 0x3A0}, {"Prime", 0x2033}, {"Psi", 0x3A8}, {"Rho", 0x3A1},
    {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE}, {"Tau", 0x3A4}, {"Theta", 0x398},
    {"Uacute", 0xDA}, {"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"Upsilon", 0x3A5}, {"Uuml", 0xDC},
    {"Xi", 0x39E}, {"Yacute", 0xDD}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"alefsym", 0x2135},
    {"alpha", 0x3B1}, {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220}, {"apos", 0x27},
    {"aring", 0xE5}, {"asymp", 0x2248}, {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E},
    {"beta", 0x3B2}, {"brvbar", 0xA6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0xE7},
    {"cedil", 0xB8}, {"cent", 0xA2}, {"chi", 0x3C7}, {"circ", 0x2C6}, {"clubs", 0x2663},
    {"cong", 0x2245}, {"copy", 0xA9}, {"crarr", 0x21B5}, {"cup", 0x222A}, {"curren", 0xA4},
    {"dArr", 0x21D3}, {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4},
    {"diams", 0x2666}, {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8},
    {"empty", 0x2205}, {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x3B5}, {"equiv", 0x2261},
    {"eta", 0x3B7}, {"eth", 0xF0}, {"euml", 0xEB}, {"euro", 0x20AC}, {"exist", 0x2203},
    {"fnof", 0x192}, {"forall", 0x2200}, {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE},
    {"frasl", 0x2044}, {"gamma", 0x3B3}, {"ge", 0x2265}, {"gt", 0x3E}, {"hArr", 0x21D4},
    {"harr", 0x2194}, {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE},
    {"iexcl", 0xA1}, {"igrave", 0xEC}, {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B},
    {"iota", 0x3B9}, {"iquest", 0xBF}, {"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA},
    {"lArr", 0x21D0}, {"lambda", 0x3BB}, {"lang", 0x2329}, {"laquo", 0xAB}, {"larr", 0x2190},
    {"lceil", 0x2308}, {"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A}, {"lowast", 0x2217},
    {"loz", 0x25CA}, {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C},
    {"macr", 0xAF}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212},
    {"mu", 0x3BC}, {"nabla", 0x2207}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260},
    {"ni", 0x220B}, {"not", 0xAC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0xF1},
    {"nu", 0x3BD}, {"oacute", 0xF3}, {"ocirc", 0xF4}, {"oelig", 0x153}, {"ograve", 0xF2},
    {"oline", 0x203E}, {"omega", 0x3C9}, {"omicron", 0x3BF}, {"oplus", 0x2295}, {"or", 0x2228},
    {"ordf", 0xAA}, {"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5}, {"otimes", 0x2297},
    {"ouml", 0xF6}, {"para", 0xB6}, {"part", 0x2202}, {"permil", 0x2030}, {"perp", 0x22A5},
    {"phi", 0x3C6}, {"pi", 0x3C0}, {"piv", 0x3D6}, {"plusmn", 0xB1}, {"pound", 0xA3},
    {"prime", 0x2032}, {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x3C8}, {"quot", 0x22},
    {"rArr", 0x21D2}, {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0xBB}, {"rarr", 0x2192},
    {"rceil", 0x2309}, {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0xAE}, {"rfloor", 0x230B},
    {"rho", 0x3C1}, {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A},
    {"scaron", 0x161}, {"sdot", 0x22C5}, {"sect", 0xA7}, {"shy", 0xAD}, {"sigma", 0x3C3},
    {"sigmaf", 0x3C2}, {"sim", 0x223C}, {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286},
    {"sum", 0x2211}, {"sup", 0x2283}, {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3},
    {"supe", 0x2287}, {"szlig", 0xDF}, {"tau", 0x3C4}, {"there4", 0x2234}, {"theta", 0x3B8},
    {"thetasym", 0x3D1}, {"thinsp", 0x2009}, {"thorn", 0xFE}, {"tilde", 0x2DC}, {"times", 0xD7},
    {"trade", 0x2122}, {"uArr", 0x21D1}, {"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB},
    {"ugrave", 0xF9}, {"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC},
    {"weierp", 0x2118}, {"xi", 0x3BE}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF},
    {"zeta", 0x3B6}, {"zwj", 0x200D}, {"zwnj", 0x200C},
};

static int entity_cmp(const void *key, const void *e) {
    return strcmp(key, ((const Entity *)e)->name);
}

/* Decodes the character reference at s[i] ('&'), appending it to out.
 * Returns the bytes consumed, 0 if it is not a reference (then `&` is
 * literal text, as in Babel). */
static size_t decode_entity(const char *s, size_t n, size_t i, MfBuf *out) {
    size_t j = i + 1, max = i + 12 < n ? i + 12 : n;
    while (j < max && s[j] != ';' && s[j] != '&') j++;
    if (j >= max || s[j] != ';' || j == i + 1) return 0;
    const char *body = s + i + 1;
    size_t len = j - i - 1;
    uint32_t cp = 0;
    if (body[0] == '#') {
        bool hex = len > 1 && (body[1] == 'x' || body[1] == 'X');
        size_t k = hex ? 2 : 1;
        if (k >= len) return 0;
        for (; k < len; k++) {
            char c = body[k];
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : !hex                 ? -1
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0) return 0;
            cp = cp * (hex ? 16 : 10) + (uint32_t)d;
            if (cp > 0x10FFFF) return 0;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) return 0; /* a lone surrogate has no UTF-8 */
    } else {
        char name[12];
        memcpy(name, body, len);
        name[len] = 0;
        const Entity *e = bsearch(name, entities, sizeof entities / sizeof entities[0],
                                  sizeof entities[0], entity_cmp);
        if (!e) return 0;
        cp = e->cp;
    }
    put_utf8(out, cp);
    return j + 1 - i;
}

/* Appends s[0, n) with character references decoded; with tabs_to_spaces,
 * tabs become spaces (JSX text, as Babel does). */
static void decode_jsx(const char *s, size_t n, MfBuf *out, bool tabs_to_spaces) {
    size_t i = 0;
    while (i < n) {
        if (s[i] == '&') {
            size_t used = decode_entity(s, n, i, out);
            if (used) {
                i += used;
                continue;
            }
        }
        mf_buf_putc(out, tabs_to_spaces && s[i] == '\t' ? ' ' : s[i]);
        i++;
    }
}

/* The value of JSX text s[0, n) under React's whitespace rules (Babel's
 * cleanJSXElementLiteralChild): lines are trimmed (but not the start of the
 * first nor the end of the last), blank lines dropped, the rest joined with
 * one space.  Character references are decoded after trimming, so `&nbsp;`
 * at a line's edge survives (esbuild's order). */
static void jsx_text_value(const char *s, size_t n, MfBuf *out) {
    /* Two passes: find the last line with text, then trim and join. */
    size_t last_nonblank = 0, line = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') i++;
            line++;
        } else if (s[i] != ' ' && s[i] != '\t') {
            last_nonblank = line;
        }
    }
    size_t nlines = line + 1, a = 0;
    line = 0;
    for (;;) {
        size_t b = a;
        while (b < n && s[b] != '\n' && s[b] != '\r') b++;
        size_t next = b < n ? b + (s[b] == '\r' && b + 1 < n && s[b + 1] == '\n' ? 2 : 1) : n;
        size_t x = a, y = b;
        if (line > 0)
            while (x < y && (s[x] == ' ' || s[x] == '\t')) x++;
        if (line + 1 < nlines)
            while (y > x && (s[y - 1] == ' ' || s[y - 1] == '\t')) y--;
        if (y > x) {
            decode_jsx(s + x, y - x, out, true);
            if (line != last_nonblank) mf_buf_putc(out, ' ');
        }
        if (b >= n) break;
        a = next;
        line++;
    }
}

/* Decodes a JS string literal's body (quotes excluded) for enum constant
 * folding.  Returns false on an escape we do not fold (the member then
 * keeps its initializer as written). */
static bool decode_js_string(const char *s, size_t n, MfBuf *out) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\') {
            mf_buf_putc(out, c);
            continue;
        }
        if (++i >= n) return false;
        switch (s[i]) {
        case 'n': mf_buf_putc(out, '\n'); break;
        case 't': mf_buf_putc(out, '\t'); break;
        case 'r': mf_buf_putc(out, '\r'); break;
        case 'b': mf_buf_putc(out, '\b'); break;
        case 'f': mf_buf_putc(out, '\f'); break;
        case 'v': mf_buf_putc(out, '\v'); break;
        case '0':
            if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') return false; /* octal */
            mf_buf_putc(out, '\0');
            break;
        case '\r':
            if (i + 1 < n && s[i + 1] == '\n') i++;
            break;
        case '\n': break;
        case 'x':
        case 'u': {
            bool brace = s[i] == 'u' && i + 1 < n && s[i + 1] == '{';
            size_t digits = s[i] == 'x' ? 2 : 4, k = i + 1 + brace;
            uint32_t cp = 0, got = 0;
            while (k < n && (brace ? s[k] != '}' : got < digits)) {
                char h = s[k];
                int d = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
                if (d < 0 || cp > 0x10FFFF) return false;
                cp = cp * 16 + (uint32_t)d;
                got++;
                k++;
            }
            if (brace ? (k >= n || got == 0) : got != digits) return false;
            /* Surrogates would need UTF-16 pairing: leave those as written. */
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            put_utf8(out, cp);
            i = brace ? k : k - 1;
            break;
        }
        default:
            if (s[i] >= '1' && s[i] <= '9') return false; /* octal or invalid */
            mf_buf_putc(out, s[i]); /* \" \' \\ \` and identity escapes */
        }
    }
    return true;
}

/* ---- JSX -------------------------------------------------------------------- */

/* Sets up how elements are written, once per module. */
static void jsx_setup(Syn *s) {
    if (s->jsx_ready) return;
    s->jsx_ready = true;
    const MfConfig *cfg = s->cfg;
    MfArena *arena = s->m->arena;
    s->jsx_auto = cfg->jsx_automatic;
    s->jsx_dev = cfg->mode == MF_MODE_DEVELOPMENT;
    if (s->jsx_auto) {
        for (uint32_t i = 0; i < s->m->imports.len; i++)
            if (s->m->imports.items[i].implicit) s->jsx_ns = mf_arena_printf(arena, "__mf$%u", i);
        return;
    }
    /* Classic: the pragma's root identifier is usually an import ("React")
     * that the ESM pass has turned into a namespace property. */
    const char *prag[2] = {cfg->jsx_pragma && *cfg->jsx_pragma ? cfg->jsx_pragma
                                                                : "React.createElement",
                           cfg->jsx_pragma_frag && *cfg->jsx_pragma_frag ? cfg->jsx_pragma_frag
                                                                          : "React.Fragment"};
    char *out[2];
    for (int k = 0; k < 2; k++) {
        const char *p = prag[k];
        size_t root = strcspn(p, ".");
        const char *ref = mf_transform_binding_ref(s->t, p, root);
        out[k] = ref ? mf_arena_printf(arena, "%s%s", ref, p + root) : mf_arena_strdup(arena, p);
    }
    s->pragma = out[0];
    s->pragma_frag = out[1];
}

/* An intrinsic element (`div`, `my-element`) is named by a string. */
static bool jsx_intrinsic(const Syn *s, TSNode name) {
    if (kind_of(s, name) != NK_IDENTIFIER || text_is(s, name, "this")) return false;
    char c = s->src[nstart(name)];
    if (c >= 'a' && c <= 'z') return true;
    return memchr(s->src + nstart(name), '-', nend(name) - nstart(name)) != NULL;
}

/* The object key for an attribute name: `a`, or `"aria-label"`, `"xlink:href"`. */
static void put_attr_key(const Syn *s, MfBuf *b, TSNode name) {
    const char *p = s->src + nstart(name);
    size_t len = nend(name) - nstart(name);
    if (len == 9 && memcmp(p, "__proto__", 9) == 0)
        mf_buf_puts(b, "[\"__proto__\"]"); /* a prop, not the object's prototype */
    else if (kind_of(s, name) == NK_PROPERTY_IDENTIFIER && !memchr(p, '-', len))
        mf_buf_append(b, p, len);
    else
        put_js_string(b, p, len, '"', false);
}

/* A JSX attribute string as a JS literal, or NULL when the source text
 * already is one (no references, backslashes or line breaks). */
static char *jsx_attr_string(Syn *s, TSNode str) {
    uint32_t a = nstart(str), b = nend(str);
    if (b - a < 2) return NULL;
    const char *p = s->src + a + 1;
    size_t n = b - a - 2;
    bool plain = true;
    for (size_t i = 0; i < n && plain; i++) {
        unsigned char c = (unsigned char)p[i];
        plain = c != '&' && c != '\\' && c != '\n' && c != '\r' &&
                !(c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80);
    }
    if (plain) return NULL;
    MfBuf value = {0}, lit = {0};
    decode_jsx(p, n, &value, false);
    put_js_string(&lit, value.data ? value.data : "", value.len, s->src[a], true);
    char *r = mf_arena_strdup(s->m->arena, lit.data);
    mf_buf_free(&value);
    mf_buf_free(&lit);
    return r;
}

/* The value node of a jsx_attribute (NULL for a bare `disabled`). */
static TSNode jsx_attr_value(TSNode attr) {
    uint32_t count = ts_node_named_child_count(attr);
    TSNode v = {0};
    uint32_t named = 0;
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(attr, i);
        if (ts_node_is_extra(c)) continue;
        if (named++ > 0) v = c;
    }
    return v;
}

/* Collects one text run [a, b) as a child (or a dropped blank). */
static void jsx_text_kid(Syn *s, uint32_t a, uint32_t b) {
    MfBuf value = {0};
    jsx_text_value(s->src + a, b - a, &value);
    JsxKid k = {.kind = KID_DROP, .a = a, .b = b};
    if (value.len > 0) {
        MfBuf lit = {0};
        put_js_string(&lit, value.data, value.len, '"', false);
        k.kind = KID_TEXT;
        k.text = mf_arena_strdup(s->m->arena, lit.data);
        mf_buf_free(&lit);
        k.ia = a;
        while (k.ia < b && strchr(" \t\r\n", s->src[k.ia])) k.ia++;
        k.ib = b;
        while (k.ib > k.ia && strchr(" \t\r\n", s->src[k.ib - 1])) k.ib--;
    }
    mf_buf_free(&value);
    MF_VEC_PUSH(&s->kids, k);
}

/* Fills s->kids with the children of a jsx_element; false after an error. */
static bool jsx_collect_kids(Syn *s, TSNode el) {
    s->kids.len = 0;
    uint32_t run_a = 0, run_b = 0;
    bool in_run = false, ok = true;
    TSTreeCursor c = ts_tree_cursor_new(el);
    TSFieldId f_open = s->L->field[F_OPEN_TAG], f_close = s->L->field[F_CLOSE_TAG];
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode n = ts_tree_cursor_current_node(&c);
            TSFieldId f = ts_tree_cursor_current_field_id(&c);
            if (f && (f == f_open || f == f_close)) continue;
            NodeKind k = kind_of(s, n);
            if (k == NK_JSX_TEXT || k == NK_HTML_CHAR_REF) {
                if (!in_run) run_a = nstart(n);
                run_b = nend(n);
                in_run = true;
                continue;
            }
            if (in_run) jsx_text_kid(s, run_a, run_b);
            in_run = false;
            JsxKid kid = {.kind = KID_ELEM, .a = nstart(n), .b = nend(n)};
            if (k == NK_JSX_EXPRESSION) {
                TSNode inner = mf_first_named(n);
                if (ts_node_is_null(inner)) {
                    kid.kind = KID_DROP; /* `{}`, or only a comment inside */
                } else if (kind_of(s, inner) == NK_SPREAD_ELEMENT) {
                    error_node(s, n, "Spread children are not supported in JSX");
                    ok = false;
                    continue;
                } else {
                    kid.kind = KID_EXPR;
                    kid.ia = nstart(inner);
                    kid.ib = nend(inner);
                }
            } else if (k != NK_JSX_ELEMENT && k != NK_JSX_SELF_CLOSING) {
                continue; /* comments */
            }
            MF_VEC_PUSH(&s->kids, kid);
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    if (in_run) jsx_text_kid(s, run_a, run_b);
    return ok;
}

/* The key argument of the automatic runtime. */
typedef struct JsxKey {
    const char *text;  /* literal text, or NULL */
    uint32_t a, b;     /* else the source range moved into the call (b > a) */
} JsxKey;

/* Writes the end of the call into [a, b): `prefix`, then (automatic) the
 * key and, in development, jsxDEV's extra arguments, then `)`. */
static void jsx_close(Syn *s, uint32_t a, uint32_t b, const char *prefix, const JsxKey *key,
                      bool is_static) {
    MfBuf before = {0}, after = {0};
    /* A closing tag alone on its line: no blank before its `}`. */
    uint32_t i = a;
    while (i > 0 && (s->src[i - 1] == ' ' || s->src[i - 1] == '\t')) i--;
    if (prefix[0] == ' ' && (i == 0 || s->src[i - 1] == '\n' || s->src[i - 1] == '\r')) prefix++;
    mf_buf_puts(&before, prefix);
    bool move = false;
    if (s->jsx_auto && (key->text || key->b > key->a || s->jsx_dev)) {
        mf_buf_puts(&before, ", ");
        if (key->text) mf_buf_puts(&before, key->text);
        else if (key->b > key->a) move = true;
        else mf_buf_puts(&before, "undefined");
    }
    MfBuf *tail = move ? &after : &before;
    if (s->jsx_auto && s->jsx_dev)
        mf_buf_printf(tail, ", %s, undefined, this", is_static ? "true" : "false");
    mf_buf_putc(tail, ')');
    if (move) edit_lines_move(s, a, b, before.data, key->a, key->b, after.data);
    else edit_lines(s, a, b, before.data);
    mf_buf_free(&before);
    mf_buf_free(&after);
}

/* One element (or fragment): `<A x={1} {...p} y="s" b>text {e}</A>` ->
 * `__mf$K.jsxs(A, { x: 1, ...p, y: "s", b: true, children: ["text ", e] })`.
 * Only the tokens between expressions are replaced; nested elements (in
 * attributes and children) are handled when the walk reaches them. */
static void jsx_element(Syn *s, TSNode el) {
    jsx_setup(s);
    MfModule *m = s->m;
    if (s->jsx_auto && !s->jsx_ns) {
        if (m->has_jsx) { /* parse.c adds the record whenever it sees live JSX */
            error_node(s, el, "Internal error: no JSX runtime import for this element");
            return;
        }
        /* parse.c saw JSX only in code that `define` makes dead, so there
         * is no runtime import.  It never runs; it only has to parse. */
        edit_lines(s, nstart(el), nend(el), "null");
        return;
    }
    bool self_closing = kind_of(s, el) == NK_JSX_SELF_CLOSING;
    TSNode open = self_closing ? el : field(s, el, F_OPEN_TAG);
    TSNode close = self_closing ? (TSNode){0} : field(s, el, F_CLOSE_TAG);
    if (ts_node_is_null(open) || (!self_closing && ts_node_is_null(close))) return;
    TSNode name = field(s, open, F_NAME);
    bool fragment = ts_node_is_null(name);

    /* Attributes: the key (automatic runtime) is taken out of the props. */
    s->attrs.len = 0;
    JsxKey key = {0};
    TSFieldId f_attr = s->L->field[F_ATTRIBUTE];
    TSTreeCursor c = ts_tree_cursor_new(open);
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            if (ts_tree_cursor_current_field_id(&c) != f_attr || !f_attr) continue;
            TSNode at = ts_tree_cursor_current_node(&c);
            if (s->jsx_auto && kind_of(s, at) == NK_JSX_ATTRIBUTE) {
                TSNode an = mf_first_named(at);
                if (!ts_node_is_null(an) && kind_of(s, an) == NK_PROPERTY_IDENTIFIER &&
                    text_is(s, an, "key")) {
                    TSNode v = jsx_attr_value(at);
                    key = (JsxKey){0};
                    if (ts_node_is_null(v)) {
                        key.text = "true";
                    } else if (kind_of(s, v) == NK_STRING) {
                        key.text = jsx_attr_string(s, v);
                        if (!key.text) key.text = node_text(s, v);
                    } else if (kind_of(s, v) == NK_JSX_EXPRESSION) {
                        TSNode inner = mf_first_named(v);
                        if (ts_node_is_null(inner)) {
                            error_node(s, at, "JSX attributes must only be assigned a non-empty "
                                              "expression");
                            continue;
                        }
                        key.a = nstart(inner);
                        key.b = nend(inner);
                    } else {
                        key.a = nstart(v);
                        key.b = nend(v);
                    }
                    continue;
                }
            }
            MF_VEC_PUSH(&s->attrs, at);
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);

    if (!self_closing && !jsx_collect_kids(s, el)) return;
    if (self_closing) s->kids.len = 0;
    uint32_t nkids = 0;
    for (uint32_t i = 0; i < s->kids.len; i++) nkids += s->kids.items[i].kind != KID_DROP;
    bool many = nkids >= 2;

    /* `<` (and the name when it is written as a string): the callee. */
    MfBuf head = {0};
    if (s->jsx_auto)
        mf_buf_printf(&head, "%s.%s(", s->jsx_ns, s->jsx_dev ? "jsxDEV" : many ? "jsxs" : "jsx");
    else
        mf_buf_printf(&head, "%s(", s->pragma);
    uint32_t name_end;
    if (fragment) {
        if (s->jsx_auto) mf_buf_printf(&head, "%s.Fragment", s->jsx_ns);
        else mf_buf_puts(&head, s->pragma_frag);
        /* `<>`: the tokens after `<` are the tail below. */
        TSNode lt = ts_node_child(open, 0);
        name_end = nend(lt);
        edit_lines(s, nstart(open), name_end, head.data);
    } else if (jsx_intrinsic(s, name) || kind_of(s, name) == NK_JSX_NAMESPACE_NAME) {
        put_js_string(&head, s->src + nstart(name), nend(name) - nstart(name), '"', false);
        name_end = nend(name);
        edit_lines(s, nstart(open), name_end, head.data);
    } else {
        /* A component: its name stays an expression (the ESM pass may
         * rewrite its root identifier). */
        name_end = nend(name);
        edit_lines(s, nstart(open), nstart(name), head.data);
    }
    mf_buf_free(&head);

    /* Between the name and the first attribute, between attributes, and
     * from the last one to `>`: separators.  Key attributes and TSX type
     * arguments lie in these gaps and go with them. */
    uint32_t tag_end = nend(open); /* after `>` or `/>` */
    const char *children_open = nkids == 0 ? "" : many ? " children: [" : " children: ";
    char gap_text[64];
    uint32_t pos = name_end;
    for (uint32_t i = 0; i < s->attrs.len; i++) {
        TSNode at = s->attrs.items[i];
        edit_lines(s, pos, nstart(at), i == 0 ? ", { " : ", ");
        MfBuf t = {0};
        if (kind_of(s, at) == NK_JSX_EXPRESSION) { /* {...props} */
            TSNode inner = mf_first_named(at);
            if (ts_node_is_null(inner) || kind_of(s, inner) != NK_SPREAD_ELEMENT) {
                error_node(s, at, "Expected \"...\" in a JSX spread attribute");
            } else {
                edit_lines(s, nstart(at), nstart(inner), "");
                edit_lines(s, nend(inner), nend(at), "");
            }
        } else {
            TSNode an = mf_first_named(at);
            TSNode v = jsx_attr_value(at);
            put_attr_key(s, &t, an);
            if (ts_node_is_null(v)) {
                mf_buf_puts(&t, ": true");
                edit_lines(s, nstart(at), nend(at), t.data);
            } else if (kind_of(s, v) == NK_JSX_EXPRESSION) {
                TSNode inner = mf_first_named(v);
                if (ts_node_is_null(inner)) {
                    error_node(s, at, "JSX attributes must only be assigned a non-empty expression");
                } else {
                    mf_buf_puts(&t, ": ");
                    edit_lines(s, nstart(at), nstart(inner), t.data);
                    edit_lines(s, nend(inner), nend(at), "");
                }
            } else {
                mf_buf_puts(&t, ": ");
                edit_lines(s, nstart(at), nstart(v), t.data);
                if (kind_of(s, v) == NK_STRING) {
                    char *lit = jsx_attr_string(s, v);
                    /* (the literal keeps its own line breaks) */
                    if (lit) mf_edit_replace(m, nstart(v), nend(v), lit);
                }
            }
        }
        mf_buf_free(&t);
        pos = nend(at);
    }
    bool props = s->attrs.len > 0;
    if (self_closing) {
        /* `/>`: close the props and the call. */
        const char *prefix = !s->jsx_auto ? (props ? " }" : ", null") : (props ? " }" : ", {}");
        jsx_close(s, pos, tag_end, prefix, &key, false);
        return;
    }
    if (s->jsx_auto) {
        snprintf(gap_text, sizeof gap_text, "%s%s", props ? (nkids ? "," : " }") : ", {",
                 props ? children_open : (nkids ? children_open : "}"));
    } else {
        snprintf(gap_text, sizeof gap_text, "%s%s", props ? " }" : ", null", nkids ? ", " : "");
    }
    edit_lines(s, pos, tag_end, gap_text);

    /* Children: text runs become literals, `{e}` loses its braces, and a
     * separator follows every child but the last. */
    uint32_t seen = 0;
    for (uint32_t i = 0; i < s->kids.len; i++) {
        JsxKid *k = &s->kids.items[i];
        const char *sep = k->kind != KID_DROP && ++seen < nkids ? ", " : "";
        if (*sep && k->kind != KID_TEXT && at_line_end(s, k->b)) sep = ",";
        switch (k->kind) {
        case KID_DROP: edit_lines(s, k->a, k->b, ""); break;
        case KID_ELEM:
            if (*sep) mf_edit_insert(m, k->b, sep);
            break;
        case KID_EXPR:
            edit_lines(s, k->a, k->ia, "");
            edit_lines(s, k->ib, k->b, sep);
            break;
        case KID_TEXT: {
            /* Line breaks before the text stay before its literal. */
            MfBuf t = {0};
            put_lines(s, &t, k->a, k->ia);
            mf_buf_puts(&t, k->text);
            bool breaks = has_line_break(s, k->ia, k->b);
            mf_buf_puts(&t, breaks ? (*sep ? "," : "") : sep);
            for (uint32_t j = k->ia; j < k->ib; j++) /* the lines the text spanned */
                if (is_line_end(s->src, j, m->size)) mf_buf_putc(&t, '\n');
            put_lines(s, &t, k->ib, k->b);
            mf_edit_replace(m, k->a, k->b, t.data);
            mf_buf_free(&t);
            break;
        }
        }
    }

    /* `</A>`: close children, props and the call. */
    const char *prefix;
    if (!s->jsx_auto) prefix = "";
    else if (nkids == 0) prefix = ""; /* `>` closed the props */
    else prefix = many ? "] }" : " }";
    jsx_close(s, nstart(close), nend(close), prefix, &key, many);
}

/* ---- TypeScript: classes and parameters -------------------------------------- */

/* Deletes modifiers that only TypeScript knows: `private`, `readonly`,
 * `override`, and the `?` / `!` markers. */
static void delete_ts_modifiers(Syn *s, TSNode n) {
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        switch (kind_of(s, c)) {
        case NK_ACCESSIBILITY_MODIFIER:
        case NK_OVERRIDE_MODIFIER:
        case NK_KW_READONLY: delete_token(s, c); break;
        case NK_TOK_QUESTION:
        case NK_OP_NOT: mf_edit_replace(s->m, nstart(c), nend(c), NULL); break;
        default: break;
        }
    }
}

static bool is_parameter_property(const Syn *s, TSNode param) {
    uint32_t count = ts_node_child_count(param);
    for (uint32_t i = 0; i < count; i++) {
        NodeKind k = kind_of(s, ts_node_child(param, i));
        if (k == NK_ACCESSIBILITY_MODIFIER || k == NK_OVERRIDE_MODIFIER || k == NK_KW_READONLY)
            return true;
    }
    return false;
}

/* `constructor(private x: number) { super(); ... }`: `this.x = x;` after
 * the super call when the body has one at its top level, else first. */
static void parameter_properties(Syn *s, TSNode method) {
    TSNode params = field(s, method, F_PARAMETERS), body = field(s, method, F_BODY);
    if (ts_node_is_null(params) || ts_node_is_null(body)) return;
    MfBuf assign = {0};
    uint32_t count = ts_node_named_child_count(params);
    for (uint32_t i = 0; i < count; i++) {
        TSNode p = ts_node_named_child(params, i);
        NodeKind k = kind_of(s, p);
        if ((k != NK_REQUIRED_PARAMETER && k != NK_OPTIONAL_PARAMETER) || !is_parameter_property(s, p))
            continue;
        TSNode pat = field(s, p, F_PATTERN);
        if (ts_node_is_null(pat) || kind_of(s, pat) != NK_IDENTIFIER) {
            error_node(s, p, "A parameter property must be a plain identifier");
            continue;
        }
        uint32_t a = nstart(pat), len = nend(pat) - a;
        mf_buf_printf(&assign, " this.%.*s = %.*s;", (int)len, s->src + a, (int)len, s->src + a);
    }
    if (assign.len) {
        uint32_t at = nstart(body) + 1; /* after `{` */
        const char *prefix = "";
        uint32_t n = ts_node_named_child_count(body);
        for (uint32_t i = 0; i < n; i++) {
            TSNode st = ts_node_named_child(body, i);
            if (kind_of(s, st) != NK_EXPRESSION_STATEMENT) continue;
            TSNode call = mf_first_named(st);
            if (ts_node_is_null(call) || kind_of(s, call) != NK_CALL_EXPRESSION) continue;
            TSNode fn = field(s, call, F_FUNCTION);
            if (ts_node_is_null(fn) || kind_of(s, fn) != NK_SUPER) continue;
            at = nend(st);
            if (s->src[at - 1] != ';') prefix = ";";
            break;
        }
        MfBuf t = {0};
        mf_buf_printf(&t, "%s%s", prefix, assign.data);
        mf_edit_insert(s->m, at, t.data);
        mf_buf_free(&t);
    }
    mf_buf_free(&assign);
}

/* `function f(this: Window, a)`: the `this` parameter goes with its comma. */
static void delete_this_parameter(Syn *s, TSNode p) {
    TSNode next = ts_node_next_sibling(p);
    while (!ts_node_is_null(next) && (!ts_node_is_named(next) || ts_node_is_extra(next)) &&
           !text_is(s, next, ")"))
        next = ts_node_next_sibling(next);
    uint32_t end = ts_node_is_null(next) ? nend(p) : nstart(next);
    edit_lines(s, nstart(p), end, "");
}

/* ---- TypeScript: enums ------------------------------------------------------- */

static int32_t to_int32(double v) {
    if (!isfinite(v)) return 0;
    double t = fmod(trunc(v), 4294967296.0);
    if (t < 0) t += 4294967296.0;
    return (int32_t)(uint32_t)t;
}

/* Numeric literal text (with `_` separators, hex/octal/binary). */
static bool parse_number(const char *p, size_t n, double *out) {
    char buf[128];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '_') continue;
        if (len + 1 >= sizeof buf) return false;
        buf[len++] = p[i];
    }
    buf[len] = 0;
    if (len == 0 || buf[len - 1] == 'n') return false; /* BigInt */
    int base = 0;
    if (len > 2 && buf[0] == '0') {
        char b = buf[1] | 0x20;
        base = b == 'x' ? 16 : b == 'o' ? 8 : b == 'b' ? 2 : 0;
    }
    if (!base && len > 1 && buf[0] == '0' && buf[1] >= '0' && buf[1] <= '9') {
        base = 8; /* legacy octal 017, unless a digit says decimal (089) */
        for (size_t i = 1; i < len; i++)
            if (buf[i] > '7') base = 0;
        if (base) {
            memmove(buf + 2, buf + 1, len);
            buf[1] = 'o';
            len++;
        }
    }
    if (base) {
        double v = 0;
        for (size_t i = 2; i < len; i++) {
            char c = buf[i] | 0x20;
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
            if (d >= base) return false;
            v = v * base + d;
        }
        *out = v;
        return true;
    }
    char *end;
    *out = strtod(buf, &end);
    return *end == 0;
}

/* A number as JS source text that reads back as the same double. */
static void put_number(MfBuf *b, double v) {
    if (isnan(v)) {
        mf_buf_puts(b, "NaN");
    } else if (isinf(v)) {
        mf_buf_puts(b, v < 0 ? "-Infinity" : "Infinity");
    } else if (v == trunc(v) && fabs(v) < 1e21) {
        mf_buf_printf(b, "%.0f", v == 0 ? 0.0 : v); /* -0 prints as 0, as String(-0) does */
    } else {
        char tmp[40];
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, v);
            if (strtod(tmp, NULL) == v) break;
        }
        mf_buf_puts(b, tmp);
    }
}

static const EnumMember *enum_find(const Syn *s, const char *p, size_t len) {
    for (uint32_t i = s->members.len; i-- > 0;) {
        const EnumMember *e = &s->members.items[i];
        if (strlen(e->name) == len && memcmp(e->name, p, len) == 0) return e;
    }
    return NULL;
}

static char *string_value(Syn *s, TSNode n) {
    uint32_t a = nstart(n), b = nend(n);
    if (b - a < 2) return NULL;
    if (kind_of(s, n) == NK_TEMPLATE_STRING && ts_node_named_child_count(n) > 0) {
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++)
            if (kind_of(s, ts_node_named_child(n, i)) == NK_TEMPLATE_SUBSTITUTION) return NULL;
    }
    MfBuf v = {0};
    char *r = NULL;
    if (decode_js_string(s->src + a + 1, b - a - 2, &v)) r = mf_arena_strndup(s->m->arena, v.data ? v.data : "", v.len);
    mf_buf_free(&v);
    return r;
}

/* Constant folding of an enum initializer, as TypeScript does for
 * "constant enum expressions": literals, earlier members (`A`, `E.A`),
 * parentheses, unary + - ~, arithmetic, bitwise and string `+`. */
static EnumVal enum_eval(Syn *s, TSNode n, const char *ename, int depth) {
    EnumVal none = {EV_NONE, 0, NULL};
    if (ts_node_is_null(n) || depth > MAX_RECURSION) return none;
    const char *p = s->src + nstart(n);
    size_t len = nend(n) - nstart(n);
    switch (kind_of(s, n)) {
    case NK_NUMBER: {
        double v;
        return parse_number(p, len, &v) ? (EnumVal){EV_NUM, v, NULL} : none;
    }
    case NK_STRING:
    case NK_TEMPLATE_STRING: {
        char *str = string_value(s, n);
        return str ? (EnumVal){EV_STR, 0, str} : none;
    }
    case NK_PARENTHESIZED: return enum_eval(s, mf_first_named(n), ename, depth + 1);
    case NK_IDENTIFIER: {
        const EnumMember *e = enum_find(s, p, len);
        if (e) return e->v;
        if (len == 8 && memcmp(p, "Infinity", 8) == 0) return (EnumVal){EV_NUM, INFINITY, NULL};
        if (len == 3 && memcmp(p, "NaN", 3) == 0) return (EnumVal){EV_NUM, NAN, NULL};
        return none;
    }
    case NK_MEMBER: {
        TSNode obj = field(s, n, F_OBJECT), prop = field(s, n, F_PROPERTY);
        if (ts_node_is_null(obj) || ts_node_is_null(prop) || !text_is(s, obj, ename)) return none;
        const EnumMember *e = enum_find(s, s->src + nstart(prop), nend(prop) - nstart(prop));
        return e ? e->v : none;
    }
    case NK_UNARY: {
        TSNode op = field(s, n, F_OPERATOR);
        EnumVal v = enum_eval(s, field(s, n, F_ARGUMENT), ename, depth + 1);
        if (ts_node_is_null(op) || v.kind != EV_NUM) return none;
        if (text_is(s, op, "+")) return v;
        if (text_is(s, op, "-")) return (EnumVal){EV_NUM, -v.num, NULL};
        if (text_is(s, op, "~")) return (EnumVal){EV_NUM, (double)~to_int32(v.num), NULL};
        return none;
    }
    case NK_BINARY: {
        TSNode op = field(s, n, F_OPERATOR);
        if (ts_node_is_null(op)) return none;
        EnumVal l = enum_eval(s, field(s, n, F_LEFT), ename, depth + 1);
        if (l.kind == EV_NONE) return none;
        EnumVal r = enum_eval(s, field(s, n, F_RIGHT), ename, depth + 1);
        if (r.kind == EV_NONE) return none;
        if (text_is(s, op, "+") && l.kind == EV_STR && r.kind == EV_STR)
            return (EnumVal){EV_STR, 0, mf_arena_printf(s->m->arena, "%s%s", l.str, r.str)};
        if (l.kind != EV_NUM || r.kind != EV_NUM) return none;
        double a = l.num, b = r.num, v;
        int32_t ia = to_int32(a), ib = to_int32(b);
        uint32_t sh = (uint32_t)ib & 31;
        const char *o = s->src + nstart(op);
        size_t ol = nend(op) - nstart(op);
#define OP(str) (ol == sizeof(str) - 1 && memcmp(o, str, ol) == 0)
        if (OP("+")) v = a + b;
        else if (OP("-")) v = a - b;
        else if (OP("*")) v = a * b;
        else if (OP("/")) v = a / b;
        else if (OP("%")) v = fmod(a, b);
        else if (OP("**")) v = pow(a, b);
        else if (OP("|")) v = (double)(ia | ib);
        else if (OP("&")) v = (double)(ia & ib);
        else if (OP("^")) v = (double)(ia ^ ib);
        else if (OP("<<")) v = (double)(int32_t)((uint32_t)ia << sh);
        else if (OP(">>")) v = (double)(ia >> sh);
        else if (OP(">>>")) v = (double)((uint32_t)ia >> sh);
        else return none;
#undef OP
        return (EnumVal){EV_NUM, v, NULL};
    }
    default: return none;
    }
}

/* In an initializer we cannot fold, a bare reference to an earlier member
 * must read the enum object: `A | x` -> `E.A | x`. */
static void enum_qualify_refs(Syn *s, TSNode value, const char *ename) {
    TSTreeCursor c = ts_tree_cursor_new(value);
    uint32_t depth = 0;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        if (kind_of(s, n) == NK_IDENTIFIER &&
            enum_find(s, s->src + nstart(n), nend(n) - nstart(n))) {
            char *t = mf_arena_printf(s->m->arena, "%s.", ename);
            mf_edit_insert(s->m, nstart(n), t);
        }
        if (ts_tree_cursor_goto_first_child(&c)) {
            depth++;
            continue;
        }
        for (;;) {
            if (depth == 0) goto done;
            if (ts_tree_cursor_goto_next_sibling(&c)) break;
            ts_tree_cursor_goto_parent(&c);
            depth--;
        }
    }
done:
    ts_tree_cursor_delete(&c);
}

/* True when a class, function, enum or namespace named `name` is declared
 * by a statement before `stmt` in `list`: TypeScript merges into it, so no
 * `var` (which would clash with a class). */
static bool declared_before(Syn *s, TSNode list, TSNode stmt, const char *name) {
    if (ts_node_is_null(list)) return false;
    size_t len = strlen(name);
    bool found = false;
    uint32_t stop = nstart(stmt);
    TSTreeCursor c = ts_tree_cursor_new(list);
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode n = ts_tree_cursor_current_node(&c);
            if (nstart(n) >= stop) break;
            NodeKind k = kind_of(s, n);
            if (k == NK_EXPORT_STATEMENT) {
                n = field(s, n, F_DECLARATION);
                if (ts_node_is_null(n)) continue;
                k = kind_of(s, n);
            } else if (k == NK_EXPRESSION_STATEMENT) {
                n = mf_first_named(n);
                if (ts_node_is_null(n)) continue;
                k = kind_of(s, n);
            }
            if (k != NK_CLASS_DECLARATION && k != NK_ABSTRACT_CLASS_DECLARATION &&
                k != NK_FUNCTION_DECLARATION && k != NK_GENERATOR_DECLARATION &&
                k != NK_ENUM_DECLARATION && k != NK_INTERNAL_MODULE && k != NK_MODULE)
                continue;
            TSNode nm = field(s, n, F_NAME);
            if (ts_node_is_null(nm)) continue;
            uint32_t a = nstart(nm), b = nend(nm);
            if (kind_of(s, nm) == NK_NESTED_IDENTIFIER) { /* namespace A.B: declares A */
                b = a;
                while (b < nend(nm) && s->src[b] != '.' && s->src[b] != ' ') b++;
            }
            if (b - a == len && memcmp(s->src + a, name, len) == 0) {
                found = true;
                break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return found;
}

/* The statement holding declaration `n` at `depth` (itself, or the
 * export / expression statement around it) and that statement's list. */
static void statement_of(Syn *s, TSNode n, uint32_t depth, TSNode *stmt, TSNode *list) {
    TSNode parent = s->levels.items[depth].parent;
    NodeKind pk = kind_of(s, parent);
    if ((pk == NK_EXPORT_STATEMENT || pk == NK_EXPRESSION_STATEMENT) && depth > 0) {
        *stmt = parent;
        *list = s->levels.items[depth - 1].parent;
    } else {
        *stmt = n;
        *list = parent;
    }
}

/* `enum E { A, B = 5, C }` ->
 * `var E; (function (E) { E[E["A"] = 0] = "A"; ... })(E || (E = {}));`,
 * member by member so each stays on its line. */
static void compile_enum(Syn *s, TSNode n, uint32_t depth, const char *export_to) {
    TSNode name = field(s, n, F_NAME), body = field(s, n, F_BODY);
    if (ts_node_is_null(name) || ts_node_is_null(body)) return;
    MfModule *m = s->m;
    char *ename = node_text(s, name);
    TSNode stmt, list;
    statement_of(s, n, depth, &stmt, &list);
    bool merge = declared_before(s, list, stmt, ename);

    char *head = mf_arena_printf(m->arena, "%s%s%s(function (%s) {", merge ? "" : "var ",
                                 merge ? "" : ename, merge ? "" : "; ", ename);
    edit_lines(s, nstart(n), nstart(body) + 1, head);

    s->members.len = 0;
    EnumVal prev = {EV_NUM, -1, NULL};
    TSFieldId f_name = s->L->field[F_NAME];
    TSTreeCursor c = ts_tree_cursor_new(body);
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode mem = ts_tree_cursor_current_node(&c);
            NodeKind k = kind_of(s, mem);
            bool plain = ts_tree_cursor_current_field_id(&c) == f_name && f_name;
            if (!plain && k != NK_ENUM_ASSIGNMENT) {
                if (!ts_node_is_named(mem) && text_is(s, mem, ","))
                    mf_edit_replace(m, nstart(mem), nend(mem), NULL);
                continue;
            }
            TSNode mname = plain ? mem : field(s, mem, F_NAME);
            TSNode value = plain ? (TSNode){0} : field(s, mem, F_VALUE);
            EnumMember em = {0};
            NodeKind nk = kind_of(s, mname);
            if (nk == NK_PROPERTY_IDENTIFIER) em.name = node_text(s, mname);
            else if (nk == NK_STRING) em.name = string_value(s, mname);
            if (!em.name) {
                error_node(s, mname, "This enum member name is not supported");
                continue;
            }
            MfBuf keyb = {0};
            put_js_string(&keyb, em.name, strlen(em.name), '"', false);
            char *key = mf_arena_strdup(m->arena, keyb.data);
            mf_buf_free(&keyb);

            if (ts_node_is_null(value)) {
                if (prev.kind != EV_NUM) {
                    error_node(s, mem, "Enum member must have an initializer");
                    prev.kind = EV_NONE;
                    continue;
                }
                em.v = (EnumVal){EV_NUM, prev.num + 1, NULL};
            } else {
                em.v = enum_eval(s, value, ename, 0);
            }
            MfBuf t = {0};
            if (em.v.kind == EV_NUM) {
                mf_buf_printf(&t, "%s[%s[%s] = ", ename, ename, key);
                put_number(&t, em.v.num);
                mf_buf_printf(&t, "] = %s;", key);
                edit_lines(s, nstart(mem), nend(mem), t.data);
            } else if (em.v.kind == EV_STR) {
                mf_buf_printf(&t, "%s[%s] = ", ename, key);
                put_js_string(&t, em.v.str, strlen(em.v.str), '"', false);
                mf_buf_putc(&t, ';');
                edit_lines(s, nstart(mem), nend(mem), t.data);
            } else {
                /* Computed at run time: the initializer keeps its bytes. */
                mf_buf_printf(&t, "%s[%s[%s] = ", ename, ename, key);
                edit_lines(s, nstart(mem), nstart(value), t.data);
                enum_qualify_refs(s, value, ename);
                char *close = mf_arena_printf(m->arena, "] = %s;", key);
                edit_lines(s, nend(value), nend(mem), close);
            }
            mf_buf_free(&t);
            prev = em.v;
            MF_VEC_PUSH(&s->members, em);
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);

    char *tail = export_to ? mf_arena_printf(m->arena, "})(%s = %s.%s || (%s.%s = {}));", ename,
                                             export_to, ename, export_to, ename)
                           : mf_arena_printf(m->arena, "})(%s || (%s = {}));", ename, ename);
    edit_lines(s, nend(body) - 1, nend(n), tail);
}

/* ---- TypeScript: namespaces --------------------------------------------------- */

static bool is_type_only_export(Syn *s, TSNode n);

/* Whether a namespace body holds anything that exists at run time (a
 * namespace of types only is deleted, as TypeScript does). */
static bool ns_instantiated(Syn *s, TSNode body, int depth) {
    if (depth > MAX_RECURSION) return true;
    uint32_t count = ts_node_named_child_count(body);
    for (uint32_t i = 0; i < count; i++) {
        TSNode st = ts_node_named_child(body, i);
        if (ts_node_is_extra(st)) continue;
        NodeKind k = kind_of(s, st);
        if (k == NK_TYPE || k == NK_EMPTY_STATEMENT || k == NK_IMPORT_ALIAS) continue;
        if (k == NK_EXPORT_STATEMENT) {
            if (is_type_only_export(s, st)) continue;
            st = field(s, st, F_DECLARATION);
            if (ts_node_is_null(st)) return true;
            k = kind_of(s, st);
            if (k == NK_IMPORT_ALIAS) continue;
        } else if (k == NK_EXPRESSION_STATEMENT) {
            TSNode e = mf_first_named(st);
            if (!ts_node_is_null(e) && (kind_of(s, e) == NK_INTERNAL_MODULE || kind_of(s, e) == NK_MODULE)) {
                st = e;
                k = kind_of(s, e);
            }
        }
        if (k == NK_INTERNAL_MODULE || k == NK_MODULE) {
            TSNode b = field(s, st, F_BODY);
            if (!ts_node_is_null(b) && ns_instantiated(s, b, depth + 1)) return true;
            continue;
        }
        return true;
    }
    return false;
}

static bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || (unsigned char)c >= 0x80;
}

/* `namespace A.B { ... }` -> `var A; (function (A) { var B; (function (B) {`
 * ... `})(B = A.B || (A.B = {})); })(A || (A = {}));`.  Sets the name the
 * body's exports are assigned to.  Returns whether to walk the body. */
static bool compile_namespace(Syn *s, TSNode n, uint32_t depth, const char *export_to,
                              Level *child) {
    TSNode name = field(s, n, F_NAME), body = field(s, n, F_BODY);
    if (ts_node_is_null(name) || kind_of(s, name) == NK_STRING || ts_node_is_null(body) ||
        !ns_instantiated(s, body, 0)) {
        /* Types only (or `module "x" {}` outside `declare`): nothing at run time. */
        delete_node(s, n);
        return false;
    }
    MfArena *arena = s->m->arena;
    /* Segments of the dotted name. */
    char *segs[64];
    int nseg = 0;
    for (uint32_t i = nstart(name), end = nend(name); i < end;) {
        while (i < end && !is_ident_char(s->src[i])) i++;
        uint32_t a = i;
        while (i < end && is_ident_char(s->src[i])) i++;
        if (i == a) break;
        if (nseg == 64) {
            error_node(s, name, "This namespace name has too many parts");
            return false;
        }
        segs[nseg++] = mf_arena_strndup(arena, s->src + a, i - a);
    }
    if (nseg == 0) return false;
    TSNode stmt, list;
    statement_of(s, n, depth, &stmt, &list);
    bool merge = declared_before(s, list, stmt, segs[0]);

    MfBuf head = {0}, tail = {0};
    for (int i = 0; i < nseg; i++) {
        if (i > 0) mf_buf_putc(&head, ' ');
        if (i > 0 || !merge) mf_buf_printf(&head, "var %s; ", segs[i]);
        mf_buf_printf(&head, "(function (%s) {", segs[i]);
    }
    for (int i = nseg - 1; i >= 0; i--) {
        const char *parent = i > 0 ? segs[i - 1] : export_to;
        if (parent)
            mf_buf_printf(&tail, "})(%s = %s.%s || (%s.%s = {}));", segs[i], parent, segs[i],
                          parent, segs[i]);
        else
            mf_buf_printf(&tail, "})(%s || (%s = {}));", segs[i], segs[i]);
        if (i > 0) mf_buf_putc(&tail, ' ');
    }
    edit_lines(s, nstart(n), nstart(body) + 1, head.data);
    edit_lines(s, nend(body) - 1, nend(n), tail.data);
    mf_buf_free(&head);
    mf_buf_free(&tail);
    child->ns_block = segs[nseg - 1];
    return true;
}

/* Appends ` NS.x = x;` for every name a binding pattern declares. */
static bool pattern_exports(Syn *s, TSNode pat, const char *ns, MfBuf *out, int depth) {
    if (ts_node_is_null(pat)) return true;
    if (depth > MAX_RECURSION) {
        error_node(s, pat, "This pattern is nested too deeply");
        return false;
    }
    switch (kind_of(s, pat)) {
    case NK_IDENTIFIER:
    case NK_SHORTHAND_PATTERN: {
        uint32_t a = nstart(pat), len = nend(pat) - a;
        mf_buf_printf(out, " %s.%.*s = %.*s;", ns, (int)len, s->src + a, (int)len, s->src + a);
        return true;
    }
    case NK_OBJECT_PATTERN:
    case NK_ARRAY_PATTERN:
    case NK_REST_PATTERN: {
        uint32_t count = ts_node_named_child_count(pat);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_named_child(pat, i);
            if (!ts_node_is_extra(c) && !pattern_exports(s, c, ns, out, depth + 1)) return false;
        }
        return true;
    }
    case NK_PAIR_PATTERN: return pattern_exports(s, field(s, pat, F_VALUE), ns, out, depth + 1);
    case NK_OBJECT_ASSIGNMENT_PATTERN:
    case NK_ASSIGNMENT_PATTERN: return pattern_exports(s, field(s, pat, F_LEFT), ns, out, depth + 1);
    default: return true;
    }
}

/* `export <declaration>` inside a namespace body: the keyword goes, and the
 * declared names are assigned to the namespace object after it.  Returns
 * whether to walk the statement. */
static bool namespace_export(Syn *s, TSNode n, const char *ns, Level *child) {
    TSNode decl = field(s, n, F_DECLARATION);
    if (ts_node_is_null(decl)) {
        error_node(s, n, "This kind of export is not supported inside a namespace");
        return false;
    }
    edit_lines(s, nstart(n), nstart(decl), "");
    MfBuf assign = {0};
    switch (kind_of(s, decl)) {
    case NK_LEXICAL_DECLARATION:
    case NK_VARIABLE_DECLARATION: {
        uint32_t count = ts_node_named_child_count(decl);
        for (uint32_t i = 0; i < count; i++) {
            TSNode d = ts_node_named_child(decl, i);
            if (kind_of(s, d) == NK_VARIABLE_DECLARATOR)
                pattern_exports(s, field(s, d, F_NAME), ns, &assign, 0);
        }
        break;
    }
    case NK_ENUM_DECLARATION:
    case NK_INTERNAL_MODULE:
    case NK_MODULE: child->export_to = ns; break;
    case NK_IMPORT_ALIAS: {
        TSNode nm = mf_first_named(decl);
        if (!ts_node_is_null(nm)) pattern_exports(s, nm, ns, &assign, 0);
        break;
    }
    default: {
        TSNode nm = field(s, decl, F_NAME);
        if (ts_node_is_null(nm)) {
            error_node(s, n, "This kind of export is not supported inside a namespace");
            break;
        }
        uint32_t a = nstart(nm), len = nend(nm) - a;
        mf_buf_printf(&assign, " %s.%.*s = %.*s;", ns, (int)len, s->src + a, (int)len, s->src + a);
        break;
    }
    }
    if (assign.len) {
        uint32_t end = nend(decl);
        MfBuf t = {0};
        /* `export const x = 1` without `;`: close it before appending. */
        char last = s->src[end - 1];
        if (last != ';' && last != '}') mf_buf_putc(&t, ';');
        mf_buf_append(&t, assign.data, assign.len);
        mf_edit_insert(s->m, end, t.data);
        mf_buf_free(&t);
    }
    mf_buf_free(&assign);
    return true;
}

/* ---- TypeScript: module syntax ------------------------------------------------ */

static bool has_type_keyword(const Syn *s, TSNode n) {
    return mf_has_token(s->L, n, NK_KW_TYPE);
}

/* `{ type A, type B }`: named specifiers, all type-only. */
static bool specifiers_type_only(const Syn *s, TSNode list, NodeKind spec_kind) {
    uint32_t specs = 0, types = 0;
    uint32_t count = ts_node_named_child_count(list);
    for (uint32_t i = 0; i < count; i++) {
        TSNode sp = ts_node_named_child(list, i);
        if (kind_of(s, sp) != spec_kind) continue;
        specs++;
        types += has_type_keyword(s, sp);
    }
    return specs > 0 && types == specs;
}

/* `export type {...}`, `export { type A }`, `export as namespace X`,
 * `export interface ...`, `export declare ...`: nothing at run time. */
static bool is_type_only_export(Syn *s, TSNode n) {
    TSNode decl = field(s, n, F_DECLARATION);
    if (!ts_node_is_null(decl)) return kind_of(s, decl) == NK_TYPE;
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        NodeKind k = kind_of(s, c);
        if (!ts_node_is_named(c) && (k == NK_KW_TYPE || k == NK_KW_NAMESPACE)) return true;
        if (k == NK_EXPORT_CLAUSE) return specifiers_type_only(s, c, NK_EXPORT_SPECIFIER);
    }
    return false;
}

static bool is_type_only_import(Syn *s, TSNode n) {
    if (has_type_keyword(s, n)) return true;
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode clause = ts_node_named_child(n, i);
        if (kind_of(s, clause) != NK_IMPORT_CLAUSE) continue;
        uint32_t cc = ts_node_named_child_count(clause);
        bool only_named = cc > 0;
        for (uint32_t j = 0; j < cc; j++) {
            TSNode c = ts_node_named_child(clause, j);
            if (kind_of(s, c) != NK_NAMED_IMPORTS || !specifiers_type_only(s, c, NK_IMPORT_SPECIFIER))
                only_named = false;
        }
        return only_named;
    }
    return false;
}

/* ---- the walk ------------------------------------------------------------------- */

/* Visits node `n` (the walk's) at `depth`; returns whether to walk its
 * children, with their context in *child. */
static bool visit(Syn *s, TSNode n, NodeKind k, uint32_t depth, Level *child) {
    const Level lv = s->levels.items[depth];
    switch (k) {
    case NK_JSX_ELEMENT:
    case NK_JSX_SELF_CLOSING: jsx_element(s, n); return true;
    case NK_DECORATOR:
        error_node(s, n, "Decorators are not supported yet");
        return false;
    case NK_TYPE:
        /* Interfaces, type aliases, annotations, `<T>`, overloads, `declare`,
         * `implements`, index signatures, abstract methods... */
        delete_node(s, n);
        return false;
    default: break;
    }
    if (!s->ts) return ts_node_child_count(n) > 0;
    switch (k) {
    case NK_AS_EXPRESSION:
    case NK_SATISFIES_EXPRESSION: {
        TSNode e = mf_first_named(n);
        if (!ts_node_is_null(e)) edit_lines(s, nend(e), nend(n), "");
        break;
    }
    case NK_NON_NULL_EXPRESSION: {
        TSNode bang = ts_node_child(n, ts_node_child_count(n) - 1);
        if (!ts_node_is_named(bang)) mf_edit_replace(s->m, nstart(bang), nend(bang), NULL);
        break;
    }
    case NK_VARIABLE_DECLARATOR: delete_ts_modifiers(s, n); break; /* let x!: T */
    case NK_REQUIRED_PARAMETER:
    case NK_OPTIONAL_PARAMETER: {
        TSNode pat = field(s, n, F_PATTERN);
        if (!ts_node_is_null(pat) && kind_of(s, pat) == NK_THIS) {
            delete_this_parameter(s, n);
            return false;
        }
        delete_ts_modifiers(s, n);
        break;
    }
    case NK_PUBLIC_FIELD: {
        uint32_t count = ts_node_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            NodeKind ck = kind_of(s, ts_node_child(n, i));
            if (ck == NK_KW_DECLARE || ck == NK_KW_ABSTRACT) { /* no run-time field */
                delete_node(s, n);
                return false;
            }
        }
        delete_ts_modifiers(s, n);
        break;
    }
    case NK_METHOD_DEFINITION: {
        delete_ts_modifiers(s, n);
        TSNode nm = field(s, n, F_NAME);
        if (!ts_node_is_null(nm) && text_is(s, nm, "constructor")) parameter_properties(s, n);
        break;
    }
    case NK_ABSTRACT_CLASS_DECLARATION: {
        uint32_t count = ts_node_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_child(n, i);
            if (kind_of(s, c) == NK_KW_ABSTRACT) delete_token(s, c);
        }
        break;
    }
    case NK_ENUM_DECLARATION: compile_enum(s, n, depth, lv.export_to); break;
    case NK_INTERNAL_MODULE:
    case NK_MODULE: return compile_namespace(s, n, depth, lv.export_to, child);
    case NK_STATEMENT_BLOCK: child->ns = lv.ns_block; break;
    case NK_IMPORT_ALIAS: { /* import A = N.B  ->  var A = N.B */
        TSNode kw = ts_node_child(n, 0);
        if (!ts_node_is_named(kw)) mf_edit_replace(s->m, nstart(kw), nend(kw), "var");
        return false;
    }
    case NK_IMPORT_STATEMENT:
        if (is_type_only_import(s, n)) delete_node(s, n);
        return false;
    case NK_EXPORT_STATEMENT: {
        if (is_type_only_export(s, n)) {
            /* Two edits, so that whichever way the ESM pass removes the
             * `export` keyword, the declaration goes too. */
            TSNode decl = field(s, n, F_DECLARATION);
            if (ts_node_is_null(decl)) {
                delete_node(s, n);
            } else {
                edit_lines(s, nstart(n), nstart(decl), "");
                edit_lines(s, nstart(decl), nend(n), "");
            }
            return false;
        }
        if (lv.ns) return namespace_export(s, n, lv.ns, child);
        break;
    }
    default: break;
    }
    return ts_node_child_count(n) > 0;
}

void mf_transform_syntax(MfTransform *t) {
    MfModule *m = t->m;
    /* Plain JavaScript has nothing for us.  (A .jsx file is walked even
     * when parse.c saw no live JSX: dead JSX must still become JS.) */
    if (!t->typescript && !m->has_jsx && strcmp(mf_path_ext(m->path), ".jsx") != 0) return;
    Syn s = {
        .t = t, .m = m, .cfg = t->cfg, .L = t->L, .src = m->source, .ts = t->typescript,
    };
    MF_VEC_PUSH(&s.levels, ((Level){0}));
    const MfFlatNode *nodes = t->flat;
    Level child;
    MF_FLAT_WALK(nodes, t->flat_len, i, depth,
                 (child = (Level){.parent = nodes[i].node}, visit(&s, nodes[i].node, (NodeKind)nodes[i].kind, depth, &child)), {
                     if (depth == s.levels.len) MF_VEC_PUSH(&s.levels, child);
                     else s.levels.items[depth] = child;
                 });
    free(s.levels.items);
    free(s.attrs.items);
    free(s.kids.items);
    free(s.members.items);
}
