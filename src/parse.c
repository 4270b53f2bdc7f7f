/*
 * parse.c — one file in, one module record out (the worker side of the scan).
 *
 * A worker reads a file, parses it with tree-sitter (one TSParser per
 * language in its MfParser) and walks the tree once to extract what the
 * graph owner and later phases need: import records (specifier, kind, byte
 * range of the literal), exports, the ESM/CommonJS/JSX flags and syntax
 * errors.  The tree is deleted before returning: later phases never see a
 * TSNode (STYLE.md 3).  JSON files are only validated (cJSON), CSS files are
 * scanned for `@import`, anything else is an asset.
 *
 * The walk is iterative (one TSTreeCursor plus a heap-allocated stack of
 * per-depth contexts), so deeply nested input cannot overflow the C stack.
 * It dispatches on TSSymbol through a per-language table built once in
 * mf_parser_new(), never on node type strings: this loop sees every node of
 * every source file of a build.
 *
 * What it deliberately does not do: scope analysis.  `require`, `module`
 * and `exports` count as the CommonJS globals unless declared at the top
 * level or as a parameter of an enclosing function (enough for the usual
 * `function (require, module, exports) {...}` wrappers).  Dead branches are
 * pruned only for conditions built from `define`d expressions, string and
 * boolean literals (so React's `if (process.env.NODE_ENV === "production")`
 * index file records only the live `require`); the transform phase must use
 * the same rule, which is why it is kept this simple.
 */
#include "mfbuild.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "syntax.h"

const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

/* ---- small public helpers -------------------------------------------------- */

const char *mf_module_kind_name(MfModuleKind k) {
    switch (k) {
    case MF_MOD_ESM: return "esm";
    case MF_MOD_CJS: return "cjs";
    case MF_MOD_JSON: return "json";
    case MF_MOD_CSS: return "css";
    case MF_MOD_ASSET: return "asset";
    }
    return "?";
}

MfLang mf_lang_of_path(const char *path) {
    static const struct { const char *ext; MfLang lang; } map[] = {
        {".js", MF_LANG_JS},   {".mjs", MF_LANG_JS},   {".cjs", MF_LANG_JS},
        {".jsx", MF_LANG_JS},  {".ts", MF_LANG_TS},    {".mts", MF_LANG_TS},
        {".cts", MF_LANG_TS},  {".tsx", MF_LANG_TSX},  {".json", MF_LANG_JSON},
        {".css", MF_LANG_CSS},
    };
    const char *ext = mf_path_ext(path);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(ext, map[i].ext) == 0) return map[i].lang;
    return MF_LANG_ASSET;
}

MfModule *mf_module_new(const char *path) {
    static uint64_t serials; /* only the scan's owner thread makes modules */
    MfModule *m = mf_xcalloc(1, sizeof *m);
    m->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
    m->arena = mf_arena_new();
    m->path = mf_arena_strdup(m->arena, path);
    m->lang = mf_lang_of_path(path);
    m->index = MF_NONE;
    return m;
}

void mf_module_free(MfModule *m) {
    if (!m) return;
    free(m->render.text);
    free(m->render.maps);
    free(m->render.source_json);
    free(m->source);
    free(m->imports.items);
    free(m->exports.items);
    free(m->edits.items);
    mf_log_free(&m->log);
    mf_arena_free(m->arena);
    free(m);
}

/* ---- tree-sitter memory ---------------------------------------------------- */

/* While a thread parses one file, everything tree-sitter allocates (a parser
 * of its own for that file, every subtree and stack node, the tree, cursors)
 * comes from a bump arena of the thread, emptied when the file is done: no
 * malloc and free per node, and no walk over the tree to release it (malloc,
 * free and tree release were ~9% of a build's instructions under callgrind).
 * The blocks stay with the thread for its next file, so their pages are
 * warm, and are freed when it exits.  Outside parse_script(), and always
 * under -DMF_ARENA_MALLOC (so that the sanitizers see every allocation),
 * tree-sitter uses malloc: a pointer must never cross a ts_arena_begin() /
 * ts_arena_end() boundary, which is why each file gets a parser of its own. */

#define TS_BLOCK (1024 * 1024)

typedef struct TsBlock {
    struct TsBlock *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} TsBlock;

typedef struct TsArena {
    TsBlock *head, *cur;
    bool on;
} TsArena;

/* Each allocation is a 16-byte header holding its size, then the bytes. */
#define TS_HDR 16
#define TS_ROUND(n) (((n) + 15) & ~(size_t)15)

/* The thread's arena: a _Thread_local for the allocator (called for every
 * node), a pthread key so that the thread's exit frees it. */
static _Thread_local TsArena *ts_tls;
static pthread_key_t ts_key;
static pthread_once_t ts_once = PTHREAD_ONCE_INIT;

static void ts_oom(void) {
    fputs("mfbuild: out of memory\n", stderr);
    abort();
}

static TsArena *ts_arena(void) {
    return ts_tls;
}

static void *ts_arena_alloc(TsArena *a, size_t n) {
    size_t need = TS_HDR + TS_ROUND(n ? n : 1);
    while (a->cur->used + need > a->cur->size) {
        TsBlock *next = a->cur->next;
        if (!next || next->size < need) {
            size_t size = need > TS_BLOCK ? need : TS_BLOCK;
            TsBlock *b = mf_xmalloc(sizeof(TsBlock) + size);
            b->size = size;
            b->next = next;
            a->cur->next = b;
            next = b;
        }
        next->used = 0;
        a->cur = next;
    }
    unsigned char *p = a->cur->data + a->cur->used;
    a->cur->used += need;
    memcpy(p, &n, sizeof n);
    return p + TS_HDR;
}

static size_t ts_size_of(const void *p) {
    size_t n;
    memcpy(&n, (const unsigned char *)p - TS_HDR, sizeof n);
    return n;
}

/* Whether p is the last allocation of the current block (which can then
 * grow or be given back in place). */
static bool ts_is_last(const TsArena *a, const void *p) {
    return (const unsigned char *)p + TS_ROUND(ts_size_of(p) ? ts_size_of(p) : 1) == a->cur->data + a->cur->used;
}

static void *ts_malloc_fn(size_t n) {
    TsArena *a = ts_arena();
    return a && a->on ? ts_arena_alloc(a, n) : mf_xmalloc(n ? n : 1);
}

static void *ts_calloc_fn(size_t count, size_t size) {
    TsArena *a = ts_arena();
    if (!(a && a->on)) return mf_xcalloc(count ? count : 1, size ? size : 1);
    size_t n = count * size;
    if (size && n / size != count) ts_oom();
    void *p = ts_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

static void *ts_realloc_fn(void *p, size_t n) {
    TsArena *a = ts_arena();
    if (!(a && a->on)) return mf_xrealloc(p, n ? n : 1);
    if (!p) return ts_arena_alloc(a, n);
    size_t old = ts_size_of(p);
    if (ts_is_last(a, p) && (unsigned char *)p + TS_ROUND(n ? n : 1) <= a->cur->data + a->cur->size) {
        a->cur->used = (size_t)((unsigned char *)p - a->cur->data) + TS_ROUND(n ? n : 1);
        memcpy((unsigned char *)p - TS_HDR, &n, sizeof n);
        return p;
    }
    void *q = ts_arena_alloc(a, n);
    memcpy(q, p, old < n ? old : n);
    return q;
}

static void ts_free_fn(void *p) {
    TsArena *a = ts_arena();
    if (!(a && a->on)) {
        free(p);
        return;
    }
    if (p && ts_is_last(a, p)) a->cur->used = (size_t)((unsigned char *)p - TS_HDR - a->cur->data);
}

static void ts_arena_destroy(void *arg) {
    TsArena *a = arg;
    for (TsBlock *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

static void ts_memory_init(void) {
    if (pthread_key_create(&ts_key, ts_arena_destroy) != 0) ts_oom();
    ts_set_allocator(ts_malloc_fn, ts_calloc_fn, ts_realloc_fn, ts_free_fn);
}

/* Starts the arena of this thread; false when it is not used (then every
 * tree-sitter object must be freed as usual). */
static bool ts_arena_begin(void) {
#ifdef MF_ARENA_MALLOC
    return false;
#else
    TsArena *a = ts_arena();
    if (!a) {
        a = mf_xcalloc(1, sizeof *a);
        a->head = mf_xmalloc(sizeof(TsBlock) + TS_BLOCK);
        a->head->size = TS_BLOCK;
        a->head->next = NULL;
        if (pthread_setspecific(ts_key, a) != 0) ts_oom();
        ts_tls = a;
    }
    a->cur = a->head;
    a->cur->used = 0;
    a->on = true;
    return true;
#endif
}

/* Drops everything allocated since ts_arena_begin(). */
static void ts_arena_end(void) {
    TsArena *a = ts_arena();
    if (a) a->on = false;
}

/* ---- parser set ------------------------------------------------------------ */

static bool lang_table_init(LangTable *t, const char *name, const TSLanguage *lang) {
    t->name = name;
    t->lang = lang;
    t->parser = ts_parser_new();
    if (!ts_parser_set_language(t->parser, lang)) {
        /* A grammar generated for an ABI this runtime does not speak: a
         * build-configuration bug, not a user error, so say exactly that. */
        fprintf(stderr,
                "mfbuild: internal error: the tree-sitter %s grammar has ABI version %u, "
                "but the tree-sitter runtime supports %u to %u\n",
                name, ts_language_abi_version(lang), TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
                TREE_SITTER_LANGUAGE_VERSION);
        return false;
    }
    t->nsym = ts_language_symbol_count(lang);
    t->kind = mf_xcalloc(t->nsym ? t->nsym : 1, 1);
    static const struct { const char *name; uint8_t kind; bool named; } kinds[] = {
#define X(e, s, named) {s, NK_##e, named},
        ALL_NODE_KINDS(X)
#undef X
#define X(s) {s, NK_TYPE, true},
        TYPE_KINDS(X)
#undef X
    };
    for (uint32_t sym = 0; sym < t->nsym; sym++) {
        TSSymbolType type = ts_language_symbol_type(lang, (TSSymbol)sym);
        if (type == TSSymbolTypeAuxiliary) continue;
        const char *sname = ts_language_symbol_name(lang, (TSSymbol)sym);
        if (!sname) continue;
        bool named = type == TSSymbolTypeRegular || type == TSSymbolTypeSupertype;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            if (kinds[i].named == named && strcmp(kinds[i].name, sname) == 0) {
                t->kind[sym] = kinds[i].kind;
                break;
            }
        }
    }
    static const char *const fields[F__COUNT] = {
#define X(e, s) s,
        ALL_FIELDS(X)
#undef X
    };
    for (int i = 0; i < F__COUNT; i++)
        t->field[i] = ts_language_field_id_for_name(lang, fields[i], (uint32_t)strlen(fields[i]));
    return true;
}

MfParser *mf_parser_new(void) {
    pthread_once(&ts_once, ts_memory_init);
    MfParser *p = mf_xcalloc(1, sizeof *p);
    if (!lang_table_init(&p->langs[LT_JS], "javascript", tree_sitter_javascript()) ||
        !lang_table_init(&p->langs[LT_TS], "typescript", tree_sitter_typescript()) ||
        !lang_table_init(&p->langs[LT_TSX], "tsx", tree_sitter_tsx())) {
        mf_parser_free(p);
        return NULL;
    }
    return p;
}

void mf_parser_free(MfParser *p) {
    if (!p) return;
    for (int i = 0; i < LT__COUNT; i++) {
        if (p->langs[i].parser) ts_parser_delete(p->langs[i].parser);
        free(p->langs[i].kind);
    }
    free(p->flat.items);
    free(p);
}

/* ---- string literals ------------------------------------------------------- */

static size_t utf8_put(char *out, uint32_t cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) { /* lone surrogates too (WTF-8): never dropped silently */
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex_val(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads exactly `digits` hex digits at s[*i]; -1 (nothing consumed) if not. */
static long read_hex(const char *s, size_t n, size_t *i, int digits) {
    if (*i + (size_t)digits > n) return -1;
    long v = 0;
    for (int k = 0; k < digits; k++) {
        int h = hex_val(s[*i + (size_t)k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    *i += (size_t)digits;
    return v;
}

/* Reads the code point of a \u escape whose 'u' is at s[*i - 1]: XXXX or
 * {X...}.  -1 if malformed (tree-sitter already reported it). */
static long read_unicode_escape(const char *s, size_t n, size_t *i) {
    if (*i < n && s[*i] == '{') {
        size_t j = *i + 1;
        long v = 0;
        while (j < n && s[j] != '}') {
            int h = hex_val(s[j++]);
            if (h < 0 || v > 0x10FFFF) return -1;
            v = v * 16 + h;
        }
        if (j >= n || j == *i + 1 || v > 0x10FFFF) return -1;
        *i = j + 1;
        return v;
    }
    return read_hex(s, n, i, 4);
}

/* Decodes the body of a JS string or template literal (quotes excluded)
 * into `out`, which has room for n + 1 bytes: no escape decodes to more
 * bytes than it is written with.  Returns the decoded length. */
static size_t decode_js_string(const char *s, size_t n, char *out) {
    size_t o = 0, i = 0;
    while (i < n) {
        char c = s[i++];
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        if (i >= n) break;
        char e = s[i++];
        long cp;
        size_t save;
        switch (e) {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case 'r': out[o++] = '\r'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'v': out[o++] = '\v'; break;
        case '\r': /* line continuation */
            if (i < n && s[i] == '\n') i++;
            break;
        case '\n': break;
        case 'x':
            save = i;
            cp = read_hex(s, n, &i, 2);
            if (cp < 0) {
                i = save;
                out[o++] = 'x';
            } else {
                o += utf8_put(out + o, (uint32_t)cp);
            }
            break;
        case 'u':
            save = i;
            cp = read_unicode_escape(s, n, &i);
            if (cp < 0) {
                i = save;
                out[o++] = 'u';
                break;
            }
            /* A surrogate pair written as two \u escapes is one code point. */
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && s[i] == '\\' && s[i + 1] == 'u') {
                size_t j = i + 2;
                long lo = read_hex(s, n, &j, 4);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i = j;
                }
            }
            o += utf8_put(out + o, (uint32_t)cp);
            break;
        default:
            if (e >= '0' && e <= '7') { /* \0 and legacy octal escapes */
                long v = e - '0';
                int max = e <= '3' ? 2 : 1;
                while (max-- > 0 && i < n && s[i] >= '0' && s[i] <= '7') v = v * 8 + (s[i++] - '0');
                o += utf8_put(out + o, (uint32_t)v);
            } else if ((unsigned char)e == 0xE2 && i + 1 < n && (unsigned char)s[i] == 0x80 &&
                       ((unsigned char)s[i + 1] == 0xA8 || (unsigned char)s[i + 1] == 0xA9)) {
                i += 2; /* \ before U+2028/U+2029: line continuation */
            } else {
                out[o++] = e; /* \" \' \\ \` and identity escapes */
            }
        }
    }
    out[o] = 0;
    return o;
}

/* ---- the walk -------------------------------------------------------------- */

enum { SHADOW_REQUIRE = 1, SHADOW_MODULE = 2, SHADOW_EXPORTS = 4 };

/* Context for the children of one node (indexed by tree depth). */
typedef struct Level {
    int32_t shadow_target;  /* level receiving parameter bindings, or -1 */
    TSFieldId only_field;   /* nonzero: children in other fields are dead */
    TSFieldId dead_field;   /* nonzero: children in this field are dead */
    uint8_t shadow;         /* SHADOW_* bits declared in an enclosing scope */
    bool dead;              /* not run (or not code): look for syntax errors only */
    bool in_error;          /* inside a reported ERROR: report nothing more */
    bool top;               /* children of the root: module-level statements */
} Level;

typedef struct Walk {
    MfModule *m;
    const MfConfig *cfg; /* may be NULL */
    const LangTable *L;
    const char *src;
    TSTreeCursor cursor;    /* the walk's position in a tree with errors */
    const MfFlatNode *flat; /* the walk's nodes in a tree without (then `at`) */
    uint32_t flat_len;
    const MfFlatNode *at;
    MF_VEC(Level) levels;
    bool tree_has_error;
    uint32_t first_jsx;
    uint32_t syntax_errors, dropped_errors;
    uint32_t tolerated_errors; /* ERROR nodes that are grammar gaps, not errors */
    uint32_t last_error_offset;
} Walk;

/* Beyond this many syntax errors in one file the rest are cascades of the
 * first ones: they are counted, and one last error says how many. */
#define MAX_SYNTAX_ERRORS 100
/* Nesting beyond which condition folding and pattern walks give up (they
 * recurse; the main walk does not). */
#define MAX_RECURSION 200

static inline NodeKind kind_of(const Walk *w, TSNode n) {
    return mf_kind_of(w->L, n);
}

static inline TSNode field(const Walk *w, TSNode n, int f) {
    return mf_field(w->L, n, f);
}

/* The walk's current node and its field, from the flattened tree or the
 * cursor. */
static inline TSNode cur_node(const Walk *w) {
    return w->at ? w->at->node : ts_tree_cursor_current_node(&w->cursor);
}
static inline TSFieldId cur_field(const Walk *w) {
    return w->at ? w->at->field : ts_tree_cursor_current_field_id(&w->cursor);
}

static inline uint32_t nstart(TSNode n) { return ts_node_start_byte(n); }
static inline uint32_t nend(TSNode n) { return ts_node_end_byte(n); }

static bool text_is(const Walk *w, TSNode n, const char *s) {
    uint32_t a = nstart(n), b = nend(n);
    size_t len = strlen(s);
    return b - a == len && memcmp(w->src + a, s, len) == 0;
}


/* If `n` is a string literal or a template literal without substitutions,
 * stores its decoded value in the module arena and returns true. */
static bool literal_string(Walk *w, TSNode n, char **out) {
    NodeKind k = kind_of(w, n);
    if (k != NK_STRING && k != NK_TEMPLATE_STRING) return false;
    if (k == NK_TEMPLATE_STRING) {
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++)
            if (kind_of(w, ts_node_named_child(n, i)) == NK_TEMPLATE_SUBSTITUTION) return false;
    }
    uint32_t a = nstart(n), b = nend(n);
    /* Quotes: skip the opening one and the closing one when present (an
     * unterminated literal is already a syntax error). */
    const char *s = w->src + a;
    size_t len = b - a;
    if (len > 0) s++, len--;
    if (len > 0 && s[len - 1] == w->src[a]) len--;
    char *buf = mf_arena_alloc(w->m->arena, len + 1);
    decode_js_string(s, len, buf);
    *out = buf;
    return true;
}

/* The text of an export/import name: an identifier, `default`, or a string
 * ("a-b" in `export { x as "a-b" }`). */
static char *name_text(Walk *w, TSNode n) {
    char *s;
    if (literal_string(w, n, &s)) return s;
    return mf_arena_strndup(w->m->arena, w->src + nstart(n), nend(n) - nstart(n));
}

static void add_import(Walk *w, MfImportKind kind, TSNode lit, char *spec) {
    MfImportRecord r = {
        .kind = kind, .specifier = spec, .start = nstart(lit), .end = nend(lit),
        .implicit = false, .target = MF_NONE,
    };
    MF_VEC_PUSH(&w->m->imports, r);
}

static void add_export(Walk *w, char *name, MfExportKind kind, uint32_t offset) {
    MfExport e = {.name = name, .kind = kind, .offset = offset};
    MF_VEC_PUSH(&w->m->exports, e);
}

/* ---- syntax errors ---- */

static void syntax_error(Walk *w, uint32_t offset, uint32_t length, const char *fmt, ...)
    MF_PRINTF(4, 5);
static void syntax_error(Walk *w, uint32_t offset, uint32_t length, const char *fmt, ...) {
    /* One token is often the end of one ERROR and the culprit of the next. */
    if (w->syntax_errors > 0 && offset == w->last_error_offset) return;
    if (w->syntax_errors >= MAX_SYNTAX_ERRORS) {
        w->dropped_errors++;
        return;
    }
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    MfModule *m = w->m;
    mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_SYNTAX_ERROR, m->path, m->source, m->size, offset,
               length, "%s", text);
    w->syntax_errors++;
    w->last_error_offset = offset;
}

static bool is_string_like(NodeKind k) {
    return k == NK_STRING || k == NK_TEMPLATE_STRING || k == NK_REGEX;
}

/* Moves `c` from its node to the first token after it: the next sibling's
 * (or an ancestor's next sibling's) first leaf, a string literal counting as
 * one token.  False at the end of the file. */
static bool cursor_next_token(const Walk *w, TSTreeCursor *c) {
    for (;;) {
        while (!ts_tree_cursor_goto_next_sibling(c))
            if (!ts_tree_cursor_goto_parent(c)) return false;
        for (;;) {
            TSNode n = ts_tree_cursor_current_node(c);
            if (ts_node_is_extra(n)) break; /* a comment is not the culprit */
            if (is_string_like(kind_of(w, n)) || !ts_tree_cursor_goto_first_child(c)) return true;
        }
    }
}

/* `Unexpected "x"` / `found "x"`: the token's first line, capped, quoted
 * as esbuild does (inner quotes and backslashes escaped). */
static void token_desc(const Walk *w, TSNode tok, bool found, char *out, size_t cap) {
    uint32_t a = found ? nstart(tok) : 0, b = found ? nend(tok) : 0;
    if (!found || a >= w->m->size || b <= a) {
        snprintf(out, cap, "end of file");
        return;
    }
    size_t o = 0;
    out[o++] = '"';
    for (uint32_t i = a; i < b && i - a < 40 && o + 4 < cap; i++) {
        char c = w->src[i];
        if (c == '\n' || c == '\r') break;
        if (c == '"' || c == '\\') out[o++] = '\\';
        out[o++] = c;
    }
    out[o++] = '"';
    out[o] = 0;
}

/* Whether `leaf` is a token the parser could take in the state it was lexed
 * in.  State 0 is error recovery: a token lexed there was skipped. */
static bool token_fits(const Walk *w, TSLookaheadIterator **it, TSNode leaf) {
    TSStateId state = ts_node_parse_state(leaf);
    if (state == 0) return false;
    if (state == (TSStateId)-1) return true; /* not recorded: assume it fits */
    if (!*it) {
        *it = ts_lookahead_iterator_new(w->L->lang, state);
        if (!*it) return true;
    } else if (!ts_lookahead_iterator_reset_state(*it, state)) {
        return true;
    }
    TSSymbol sym = ts_node_grammar_symbol(leaf);
    while (ts_lookahead_iterator_next(*it))
        if (ts_lookahead_iterator_current_symbol(*it) == sym) return true;
    return false;
}

/* The first token that the parser could not take inside an ERROR node:
 * each error-free child is checked by its first token (a string literal
 * being one token), ERROR children are searched in turn. */
static bool error_culprit(const Walk *w, TSNode err, TSNode *culprit) {
    TSLookaheadIterator *it = NULL;
    bool found = false;
    TSTreeCursor c = ts_tree_cursor_new(err);
    bool more = ts_tree_cursor_goto_first_child(&c);
    while (more && !found) {
        TSNode n = ts_tree_cursor_current_node(&c);
        if (!ts_node_is_extra(n) && !ts_node_is_missing(n)) {
            if (ts_node_child_count(n) > 0 && (kind_of(w, n) == NK_ERROR || ts_node_has_error(n)) &&
                ts_tree_cursor_goto_first_child(&c))
                continue;
            TSNode unit = {0}, leaf = n;
            while (ts_node_child_count(leaf) > 0) {
                if (ts_node_is_null(unit) && is_string_like(kind_of(w, leaf))) unit = leaf;
                leaf = ts_node_child(leaf, 0);
            }
            if (nend(leaf) > nstart(leaf) && !token_fits(w, &it, leaf)) {
                *culprit = ts_node_is_null(unit) ? leaf : unit;
                found = true;
                break;
            }
        }
        while (!ts_tree_cursor_goto_next_sibling(&c)) {
            if (!ts_tree_cursor_goto_parent(&c) ||
                ts_node_eq(ts_tree_cursor_current_node(&c), err)) {
                more = false;
                break;
            }
        }
    }
    ts_tree_cursor_delete(&c);
    if (it) ts_lookahead_iterator_delete(it);
    return found;
}

/* The last non-comment token of a node. */
static TSNode last_token(TSNode n) {
    for (;;) {
        uint32_t count = ts_node_child_count(n);
        TSNode c = {0};
        while (count > 0) {
            c = ts_node_child(n, --count);
            if (!ts_node_is_extra(c)) break;
            c = (TSNode){0};
        }
        if (ts_node_is_null(c)) return n;
        n = c;
    }
}

static TSNode first_token(TSNode n) {
    while (ts_node_child_count(n) > 0) n = ts_node_child(n, 0);
    return n;
}

/* An ERROR node spans what tree-sitter gave up on: tokens it skipped and
 * subtrees it popped off its stack to recover, and nothing in the tree says
 * which is which.  In order:
 *  - a token that has no parse action where it was lexed is the culprit;
 *  - if the ERROR's last token was shifted normally, the parser choked on
 *    the token right after the ERROR (`const x = ;` wraps "=" and fails
 *    on ";");
 *  - otherwise the ERROR itself is the junk (`}}`): its first token. */
static bool report_error(Walk *w, TSNode err, bool is_root) {
    if (is_root) {
        /* The whole file failed to reduce (often an unclosed construct).
         * Errors inside it are closer to the point than anything found by
         * looking at the root's tokens. */
        uint32_t count = ts_node_child_count(err);
        for (uint32_t i = 0; i < count; i++)
            if (ts_node_has_error(ts_node_child(err, i))) return false;
    }
    TSNode culprit = {0};
    bool found = error_culprit(w, err, &culprit);
    if (!found && is_root) {
        syntax_error(w, w->m->size, 0, "Unexpected end of file");
        return true;
    }
    if (!found) {
        TSNode last = last_token(err);
        if (ts_node_is_null(last) || ts_node_eq(last, err) || ts_node_next_parse_state(last) != 0) {
            TSTreeCursor next = ts_tree_cursor_copy(&w->cursor);
            if (cursor_next_token(w, &next)) {
                culprit = ts_tree_cursor_current_node(&next);
                found = nstart(culprit) < w->m->size && nend(culprit) > nstart(culprit);
            }
            ts_tree_cursor_delete(&next);
        } else {
            culprit = first_token(err);
            found = nend(culprit) > nstart(culprit);
        }
    }
    char desc[128];
    token_desc(w, culprit, found, desc, sizeof desc);
    if (found)
        syntax_error(w, nstart(culprit), nend(culprit) - nstart(culprit), "Unexpected %s", desc);
    else
        syntax_error(w, w->m->size, 0, "Unexpected end of file");
    return true;
}

/* A MISSING node is a token tree-sitter inserted to recover: esbuild says
 * `Expected ")" but found ";"`, pointing at what was found. */
static void report_missing(Walk *w, TSNode n) {
    const char *type = ts_node_type(n);
    char expected[64];
    if (ts_node_is_named(n)) {
        snprintf(expected, sizeof expected, "%s", type);
        for (char *p = expected; *p; p++)
            if (*p == '_') *p = ' ';
    } else {
        snprintf(expected, sizeof expected, "\"%s\"", type);
    }
    TSTreeCursor next = ts_tree_cursor_copy(&w->cursor);
    TSNode tok = {0};
    bool found = false;
    if (cursor_next_token(w, &next)) {
        tok = ts_tree_cursor_current_node(&next);
        found = nend(tok) > nstart(tok) && !ts_node_is_missing(tok);
    }
    ts_tree_cursor_delete(&next);
    char desc[128];
    token_desc(w, tok, found, desc, sizeof desc);
    uint32_t at = found ? nstart(tok) : nstart(n);
    syntax_error(w, at, found ? nend(tok) - nstart(tok) : 0, "Expected %s but found %s", expected,
                 desc);
}

/* ---- dead branches ---- */

/* The `define` value for an expression written exactly as a define key
 * ("process.env.NODE_ENV"), or NULL. */
static const char *define_value(const Walk *w, TSNode n) {
    if (!w->cfg) return NULL;
    NodeKind k = kind_of(w, n);
    if (k != NK_MEMBER && k != NK_IDENTIFIER) return NULL;
    uint32_t a = nstart(n), len = nend(n) - a;
    for (uint32_t i = 0; i < w->cfg->define.len; i++) {
        const MfStrPair *d = &w->cfg->define.items[i];
        if (d->key && d->value && strlen(d->key) == len && memcmp(d->key, w->src + a, len) == 0)
            return d->value;
    }
    return NULL;
}

/* A string value known at build time: a literal, or a define whose value is
 * a string literal.  Caller frees *out. */
static bool static_string(Walk *w, TSNode n, char **out) {
    NodeKind k = kind_of(w, n);
    if (k == NK_PARENTHESIZED) {
        TSNode inner = mf_first_named(n);
        return !ts_node_is_null(inner) && kind_of(w, inner) != NK_PARENTHESIZED &&
               static_string(w, inner, out);
    }
    const char *s;
    size_t len;
    if (k == NK_STRING || k == NK_TEMPLATE_STRING) {
        if (k == NK_TEMPLATE_STRING) {
            uint32_t count = ts_node_named_child_count(n);
            for (uint32_t i = 0; i < count; i++)
                if (kind_of(w, ts_node_named_child(n, i)) == NK_TEMPLATE_SUBSTITUTION) return false;
        }
        s = w->src + nstart(n);
        len = nend(n) - nstart(n);
    } else {
        s = define_value(w, n);
        if (!s) return false;
        len = strlen(s);
    }
    if (len < 2 || (s[0] != '"' && s[0] != '\'' && s[0] != '`') || s[len - 1] != s[0]) return false;
    *out = mf_xmalloc(len);
    decode_js_string(s + 1, len - 2, *out);
    return true;
}

/* Truthiness of a define value written as JS text; -1 if not a literal. */
static int define_truthy(const char *v) {
    size_t len = strlen(v);
    if (strcmp(v, "true") == 0) return 1;
    if (strcmp(v, "false") == 0 || strcmp(v, "null") == 0 || strcmp(v, "undefined") == 0 ||
        strcmp(v, "0") == 0)
        return 0;
    if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) return len > 2;
    if (len > 0 && v[0] >= '1' && v[0] <= '9') return 1;
    return -1;
}

/* Folds a condition: 1 true, 0 false, -1 not known at build time. */
static int eval_cond(Walk *w, TSNode n, int depth) {
    if (ts_node_is_null(n) || depth > MAX_RECURSION) return -1;
    switch (kind_of(w, n)) {
    case NK_PARENTHESIZED: return eval_cond(w, mf_first_named(n), depth + 1);
    case NK_TRUE: return 1;
    case NK_FALSE: return 0;
    case NK_IDENTIFIER:
    case NK_MEMBER: {
        const char *v = define_value(w, n);
        return v ? define_truthy(v) : -1;
    }
    case NK_UNARY: {
        TSNode op = field(w, n, F_OPERATOR);
        if (ts_node_is_null(op) || kind_of(w, op) != NK_OP_NOT) return -1;
        int v = eval_cond(w, field(w, n, F_ARGUMENT), depth + 1);
        return v < 0 ? -1 : !v;
    }
    case NK_BINARY: {
        TSNode op = field(w, n, F_OPERATOR);
        if (ts_node_is_null(op)) return -1;
        NodeKind ok = kind_of(w, op);
        if (ok == NK_OP_AND || ok == NK_OP_OR) {
            int l = eval_cond(w, field(w, n, F_LEFT), depth + 1);
            if (l < 0) return -1;
            if (ok == NK_OP_AND && l == 0) return 0;
            if (ok == NK_OP_OR && l == 1) return 1;
            return eval_cond(w, field(w, n, F_RIGHT), depth + 1);
        }
        if (ok != NK_OP_STRICT_EQ && ok != NK_OP_EQ && ok != NK_OP_STRICT_NE && ok != NK_OP_NE)
            return -1;
        char *l, *r;
        if (!static_string(w, field(w, n, F_LEFT), &l)) return -1;
        if (!static_string(w, field(w, n, F_RIGHT), &r)) {
            free(l);
            return -1;
        }
        int eq = strcmp(l, r) == 0;
        free(l);
        free(r);
        return (ok == NK_OP_STRICT_EQ || ok == NK_OP_EQ) ? eq : !eq;
    }
    default: return -1;
    }
}

/* ---- imports and exports ---- */

static void export_pattern_names(Walk *w, TSNode pat, int depth) {
    if (ts_node_is_null(pat) || depth > MAX_RECURSION) return;
    switch (kind_of(w, pat)) {
    case NK_IDENTIFIER:
    case NK_SHORTHAND_PATTERN:
        add_export(w, name_text(w, pat), MF_EXPORT_LOCAL, nstart(pat));
        break;
    case NK_OBJECT_PATTERN:
    case NK_ARRAY_PATTERN:
    case NK_REST_PATTERN: {
        uint32_t count = ts_node_named_child_count(pat);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_named_child(pat, i);
            if (!ts_node_is_extra(c)) export_pattern_names(w, c, depth + 1);
        }
        break;
    }
    case NK_PAIR_PATTERN: export_pattern_names(w, field(w, pat, F_VALUE), depth + 1); break;
    case NK_OBJECT_ASSIGNMENT_PATTERN:
    case NK_ASSIGNMENT_PATTERN: export_pattern_names(w, field(w, pat, F_LEFT), depth + 1); break;
    default: break;
    }
}

/* True when a specifier ({ type A }) carries the `type` modifier. */
static bool has_type_modifier(const Walk *w, TSNode spec) {
    return mf_has_token(w->L, spec, NK_KW_TYPE);
}

/* `import { type A, type B } from "s"`: named imports only, all type-only.
 * (`import {} from "s"` is kept: it is written for its side effects.) */
static bool import_clause_type_only(Walk *w, TSNode clause) {
    uint32_t specs = 0, types = 0;
    uint32_t count = ts_node_named_child_count(clause);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(clause, i);
        NodeKind k = kind_of(w, c);
        if (k == NK_IDENTIFIER || k == NK_NAMESPACE_IMPORT) return false;
        if (k != NK_NAMED_IMPORTS) continue;
        TSTreeCursor cur = ts_tree_cursor_new(c);
        if (ts_tree_cursor_goto_first_child(&cur)) {
            do {
                TSNode s = ts_tree_cursor_current_node(&cur);
                if (kind_of(w, s) != NK_IMPORT_SPECIFIER) continue;
                specs++;
                types += has_type_modifier(w, s);
            } while (ts_tree_cursor_goto_next_sibling(&cur));
        }
        ts_tree_cursor_delete(&cur);
    }
    return specs > 0 && types == specs;
}

static void visit_import_statement(Walk *w, TSNode n) {
    TSNode clause = {0}, require_clause = {0};
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        switch (kind_of(w, c)) {
        case NK_KW_TYPE:
            if (!ts_node_is_named(c)) return; /* import type ... */
            break;
        case NK_IMPORT_CLAUSE: clause = c; break;
        case NK_IMPORT_REQUIRE_CLAUSE: require_clause = c; break;
        default: break;
        }
    }
    char *spec;
    if (!ts_node_is_null(require_clause)) {
        /* TypeScript `import x = require("s")` is CommonJS. */
        TSNode src = field(w, require_clause, F_SOURCE);
        if (!ts_node_is_null(src) && literal_string(w, src, &spec))
            add_import(w, MF_IMPORT_REQUIRE, src, spec);
        w->m->uses_commonjs = true;
        return;
    }
    if (!ts_node_is_null(clause) && import_clause_type_only(w, clause)) return;
    TSNode src = field(w, n, F_SOURCE);
    if (ts_node_is_null(src) || !literal_string(w, src, &spec)) return;
    add_import(w, MF_IMPORT_STATIC, src, spec);
    w->m->has_esm_syntax = true;
}

/* Exported names of `export <declaration>`; false for a type-only one. */
static bool export_declaration(Walk *w, TSNode decl, bool is_default, uint32_t default_at) {
    NodeKind k = kind_of(w, decl);
    if (k == NK_TYPE) return false; /* export type / interface / declare / overload */
    if (is_default) {
        add_export(w, mf_arena_strdup(w->m->arena, "default"), MF_EXPORT_DEFAULT, default_at);
        return true;
    }
    switch (k) {
    case NK_LEXICAL_DECLARATION:
    case NK_VARIABLE_DECLARATION: {
        uint32_t count = ts_node_named_child_count(decl);
        for (uint32_t i = 0; i < count; i++) {
            TSNode d = ts_node_named_child(decl, i);
            if (kind_of(w, d) == NK_VARIABLE_DECLARATOR)
                export_pattern_names(w, field(w, d, F_NAME), 0);
        }
        break;
    }
    case NK_INTERNAL_MODULE:
    case NK_MODULE: {
        /* namespace A.B.C {} exports A */
        TSNode name = field(w, decl, F_NAME);
        while (!ts_node_is_null(name) && kind_of(w, name) == NK_NESTED_IDENTIFIER)
            name = field(w, name, F_OBJECT);
        if (ts_node_is_null(name) || kind_of(w, name) != NK_IDENTIFIER) return false;
        add_export(w, name_text(w, name), MF_EXPORT_LOCAL, nstart(name));
        break;
    }
    case NK_IMPORT_ALIAS: { /* export import A = N.B */
        TSNode name = mf_first_named(decl);
        if (!ts_node_is_null(name))
            add_export(w, name_text(w, name), MF_EXPORT_LOCAL, nstart(name));
        break;
    }
    default: {
        TSNode name = field(w, decl, F_NAME);
        if (!ts_node_is_null(name))
            add_export(w, name_text(w, name), MF_EXPORT_LOCAL, nstart(name));
        break;
    }
    }
    return true;
}

/* What visit_export_statement() leaves to walk: a field index (F_DECLARATION
 * or F_VALUE: only that child holds run-time code), or one of these. */
enum {
    EXPORT_WALK_NONE = 0,
    EXPORT_WALK_ALL = -1,     /* TypeScript `export = expr` */
    EXPORT_TYPE_STAR = -2,    /* `export type * from`: its ERROR is the grammar's */
};
_Static_assert((int)F_DECLARATION > (int)EXPORT_WALK_NONE && (int)F_VALUE > (int)EXPORT_WALK_NONE,
               "field indices must not collide with the EXPORT_* codes");

/* Handles a module-level export statement; returns what to walk in it. */
static int visit_export_statement(Walk *w, TSNode n) {
    TSNode decl = {0}, value = {0}, clause = {0}, ns = {0};
    bool is_default = false, star = false;
    uint32_t default_at = nstart(n);
    TSTreeCursor cur = ts_tree_cursor_new(n);
    bool type_only = false, assign = false, ns_decl = false, type_error = false;
    if (ts_tree_cursor_goto_first_child(&cur)) {
        do {
            TSNode c = ts_tree_cursor_current_node(&cur);
            TSFieldId f = ts_tree_cursor_current_field_id(&cur);
            if (f && f == w->L->field[F_DECLARATION]) {
                decl = c;
                continue;
            }
            if (f && f == w->L->field[F_VALUE]) {
                value = c;
                continue;
            }
            switch (kind_of(w, c)) {
            case NK_KW_TYPE: type_only |= !ts_node_is_named(c); break;
            case NK_KW_DEFAULT:
                is_default = true;
                default_at = nstart(c);
                break;
            case NK_KW_NAMESPACE: ns_decl = true; break; /* export as namespace X */
            case NK_TOK_STAR: star = true; break;
            case NK_TOK_ASSIGN: assign = true; break;
            case NK_EXPORT_CLAUSE: clause = c; break;
            case NK_NAMESPACE_EXPORT: ns = c; break;
            case NK_ERROR: type_error |= text_is(w, c, "type"); break;
            default: break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cur));
    }
    ts_tree_cursor_delete(&cur);
    /* tree-sitter-typescript 0.23 predates TypeScript 5.0's `export type *
     * (as ns) from "s"`: it wraps `type` in an ERROR.  Type-only: no record. */
    if (type_error && (star || !ts_node_is_null(ns))) return EXPORT_TYPE_STAR;
    if (type_only || ns_decl) return EXPORT_WALK_NONE;
    MfModule *m = w->m;
    if (assign) { /* TypeScript `export = x` is module.exports = x */
        m->uses_commonjs = true;
        return EXPORT_WALK_ALL;
    }
    if (!ts_node_is_null(decl)) {
        if (!export_declaration(w, decl, is_default, default_at)) return EXPORT_WALK_NONE;
        m->has_esm_syntax = true;
        return F_DECLARATION;
    }
    if (!ts_node_is_null(value)) {
        add_export(w, mf_arena_strdup(m->arena, "default"), MF_EXPORT_DEFAULT, default_at);
        m->has_esm_syntax = true;
        return F_VALUE;
    }
    TSNode src = field(w, n, F_SOURCE);
    char *spec = NULL;
    if (!ts_node_is_null(src) && !literal_string(w, src, &spec)) return EXPORT_WALK_NONE;
    if (!ts_node_is_null(clause)) {
        uint32_t specs = 0, types = 0, first_export = m->exports.len;
        TSTreeCursor c = ts_tree_cursor_new(clause);
        if (ts_tree_cursor_goto_first_child(&c)) {
            do {
                TSNode s = ts_tree_cursor_current_node(&c);
                if (kind_of(w, s) != NK_EXPORT_SPECIFIER) continue;
                specs++;
                if (has_type_modifier(w, s)) {
                    types++;
                    continue;
                }
                TSNode name = field(w, s, F_ALIAS);
                if (ts_node_is_null(name)) name = field(w, s, F_NAME);
                if (ts_node_is_null(name)) continue;
                char *text = name_text(w, name);
                MfExportKind kind = spec                          ? MF_EXPORT_REEXPORT
                                    : strcmp(text, "default") == 0 ? MF_EXPORT_DEFAULT
                                                                   : MF_EXPORT_LOCAL;
                add_export(w, text, kind, nstart(name));
            } while (ts_tree_cursor_goto_next_sibling(&c));
        }
        ts_tree_cursor_delete(&c);
        if (specs > 0 && types == specs) { /* export { type A } (from "s") */
            m->exports.len = first_export;
            return EXPORT_WALK_NONE;
        }
        if (spec) add_import(w, MF_IMPORT_REEXPORT, src, spec);
        m->has_esm_syntax = true;
        return EXPORT_WALK_NONE;
    }
    if (!spec) return EXPORT_WALK_NONE;
    if (!ts_node_is_null(ns)) { /* export * as ns from "s" */
        TSNode name = mf_first_named(ns);
        if (!ts_node_is_null(name))
            add_export(w, name_text(w, name), MF_EXPORT_REEXPORT, nstart(name));
        add_import(w, MF_IMPORT_EXPORT_STAR, src, spec);
    } else if (star) {
        add_import(w, MF_IMPORT_EXPORT_STAR, src, spec);
    }
    m->has_esm_syntax = true;
    return EXPORT_WALK_NONE;
}

static void visit_call(Walk *w, TSNode n, const Level *lv) {
    TSNode fn = field(w, n, F_FUNCTION);
    if (ts_node_is_null(fn)) return;
    NodeKind fk = kind_of(w, fn);
    bool is_import = fk == NK_IMPORT;
    if (!is_import) {
        if (fk != NK_IDENTIFIER || !text_is(w, fn, "require") || (lv->shadow & SHADOW_REQUIRE))
            return;
        w->m->uses_commonjs = true;
    }
    TSNode args = field(w, n, F_ARGUMENTS);
    if (ts_node_is_null(args) || kind_of(w, args) != NK_ARGUMENTS) return; /* require`x` */
    TSNode arg = {0};
    uint32_t nargs = 0, count = ts_node_named_child_count(args);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(args, i);
        if (ts_node_is_extra(c)) continue;
        if (nargs++ == 0) arg = c;
    }
    char *spec;
    /* import("s", { with: ... }) takes options; require takes one argument. */
    if (nargs >= 1 && (is_import || nargs == 1) && literal_string(w, arg, &spec)) {
        add_import(w, is_import ? MF_IMPORT_DYNAMIC : MF_IMPORT_REQUIRE, arg, spec);
        return;
    }
    TSNode at = nargs ? arg : n;
    MfModule *m = w->m;
    mf_log_add(&m->log, MF_DIAG_WARNING, MF_MSG_NON_LITERAL_IMPORT, m->path, m->source, m->size,
               nstart(at), nend(at) - nstart(at),
               is_import ? "This \"import()\" will not be bundled because its argument is not a "
                           "string literal"
                         : "This call to \"require\" will not be bundled because its argument is "
                           "not a string literal");
}

/* SHADOW_* bit for an identifier spelled require / module / exports. */
static uint8_t commonjs_name(const Walk *w, TSNode n) {
    uint32_t a = nstart(n), len = nend(n) - a;
    const char *s = w->src + a;
    if (len == 7 && memcmp(s, "require", 7) == 0) return SHADOW_REQUIRE;
    if (len == 6 && memcmp(s, "module", 6) == 0) return SHADOW_MODULE;
    if (len == 7 && memcmp(s, "exports", 7) == 0) return SHADOW_EXPORTS;
    return 0;
}

/* Bits for require / module / exports declared by one module-level
 * statement (var, let, const, function, class; exported or not). */
static uint8_t declared_names(Walk *w, TSNode st) {
    NodeKind k = kind_of(w, st);
    if (k == NK_EXPORT_STATEMENT) {
        TSNode d = field(w, st, F_DECLARATION);
        if (ts_node_is_null(d)) return 0;
        st = d;
        k = kind_of(w, st);
    }
    uint8_t bits = 0;
    switch (k) {
    case NK_LEXICAL_DECLARATION:
    case NK_VARIABLE_DECLARATION: {
        uint32_t count = ts_node_named_child_count(st);
        for (uint32_t i = 0; i < count; i++) {
            TSNode d = ts_node_named_child(st, i);
            if (kind_of(w, d) != NK_VARIABLE_DECLARATOR) continue;
            TSNode name = field(w, d, F_NAME);
            if (!ts_node_is_null(name) && kind_of(w, name) == NK_IDENTIFIER)
                bits |= commonjs_name(w, name);
        }
        break;
    }
    case NK_FUNCTION_DECLARATION:
    case NK_GENERATOR_DECLARATION:
    case NK_CLASS_DECLARATION: {
        TSNode name = field(w, st, F_NAME);
        if (!ts_node_is_null(name)) bits |= commonjs_name(w, name);
        break;
    }
    default: break;
    }
    return bits;
}

static uint8_t module_level_declarations(Walk *w, TSNode root) {
    uint8_t bits = 0;
    TSTreeCursor c = ts_tree_cursor_new(root);
    if (ts_tree_cursor_goto_first_child(&c)) {
        do bits |= declared_names(w, ts_tree_cursor_current_node(&c));
        while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return bits;
}

static void visit_identifier(Walk *w, TSNode n, uint32_t depth) {
    uint8_t bit = commonjs_name(w, n);
    if (!bit) return;
    Level *lv = &w->levels.items[depth];
    TSFieldId f = cur_field(w);
    const TSFieldId *fid = w->L->field;
    /* A parameter binding: visible to the function's later children (its
     * body), which share the level the binding is recorded in. */
    if (lv->shadow_target >= 0 && (f == 0 || f == fid[F_PATTERN] || f == fid[F_LEFT])) {
        w->levels.items[lv->shadow_target].shadow |= bit;
        return;
    }
    if (f && f == fid[F_PARAMETER]) { /* require => ... */
        lv->shadow |= bit;
        return;
    }
    if (bit != SHADOW_REQUIRE && !(lv->shadow & bit)) w->m->uses_commonjs = true;
}

/* Visits the walk's node at `depth`.  Returns whether to walk its
 * children, with their context in *child. */
static bool visit(Walk *w, uint32_t depth, Level *child) {
    TSNode n = cur_node(w);
    const Level lv = w->levels.items[depth];
    NodeKind k = w->at ? (NodeKind)w->at->kind : kind_of(w, n);
    *child = (Level){.shadow_target = -1, .shadow = lv.shadow, .in_error = lv.in_error};
    if (w->tree_has_error && !lv.in_error) {
        if (k == NK_ERROR) {
            child->in_error = report_error(w, n, depth == 0);
        } else if (ts_node_is_missing(n)) {
            report_missing(w, n);
            return false;
        }
    }
    bool dead = lv.dead || k == NK_TYPE;
    if (!dead && (lv.only_field || lv.dead_field)) {
        TSFieldId f = cur_field(w);
        dead = (lv.only_field && f != lv.only_field) || (lv.dead_field && f == lv.dead_field);
    }
    if (dead) {
        child->dead = true;
        return w->tree_has_error && !child->in_error && ts_node_has_error(n);
    }
    const TSFieldId *fid = w->L->field;
    switch (k) {
    case NK_PROGRAM: child->top = depth == 0; break;
    case NK_ERROR: child->top = depth == 0; break;
    case NK_IMPORT_STATEMENT:
        if (!lv.top) break;
        visit_import_statement(w, n);
        child->dead = true;
        return w->tree_has_error && !child->in_error && ts_node_has_error(n);
    case NK_EXPORT_STATEMENT: {
        if (!lv.top) break;
        int live = visit_export_statement(w, n);
        if (live == EXPORT_WALK_ALL) break;
        if (live == EXPORT_TYPE_STAR) {
            child->in_error = true; /* not the user's error */
            w->tolerated_errors++;
        }
        if (live <= EXPORT_WALK_NONE) child->dead = true;
        else child->only_field = fid[live];
        break;
    }
    case NK_CALL_EXPRESSION: visit_call(w, n, &lv); break;
    case NK_IDENTIFIER: visit_identifier(w, n, depth); break;
    case NK_META_PROPERTY:
        if (w->src[nstart(n)] == 'i') w->m->uses_import_meta = true; /* not new.target */
        break;
    case NK_JSX_ELEMENT:
    case NK_JSX_SELF_CLOSING:
    case NK_JSX_FRAGMENT:
        if (!w->m->has_jsx) {
            w->m->has_jsx = true;
            w->first_jsx = nstart(n);
        }
        break;
    case NK_IF_STATEMENT:
    case NK_TERNARY: {
        int v = eval_cond(w, field(w, n, F_CONDITION), 0);
        if (v >= 0) child->dead_field = fid[v ? F_ALTERNATIVE : F_CONSEQUENCE];
        break;
    }
    case NK_BINARY: { /* false && x, true || x */
        TSNode op = field(w, n, F_OPERATOR);
        NodeKind ok = ts_node_is_null(op) ? NK_NONE : kind_of(w, op);
        if (ok != NK_OP_AND && ok != NK_OP_OR) break;
        int v = eval_cond(w, field(w, n, F_LEFT), 0);
        if ((ok == NK_OP_AND && v == 0) || (ok == NK_OP_OR && v == 1))
            child->dead_field = fid[F_RIGHT];
        break;
    }
    case NK_FORMAL_PARAMETERS: child->shadow_target = (int32_t)depth; break;
    case NK_REQUIRED_PARAMETER:
    case NK_OPTIONAL_PARAMETER:
    case NK_ASSIGNMENT_PATTERN: child->shadow_target = lv.shadow_target; break;
    default: break;
    }
    /* Most nodes are tokens: skip the cursor call (the flat walk knows). */
    return w->at || ts_node_child_count(n) > 0;
}

static void walk_tree(Walk *w, TSNode root) {
    MF_VEC_PUSH(&w->levels, ((Level){.shadow_target = -1,
                                      .shadow = module_level_declarations(w, root)}));
    if (!w->tree_has_error) {
        /* The common case walks the flattened tree; a tree with errors
         * keeps a cursor, which error reporting copies to find the token
         * after an error. */
        Level child;
        MF_FLAT_WALK(w->flat, w->flat_len, i, depth, (w->at = &w->flat[i], visit(w, depth, &child)), {
            if (depth == w->levels.len) MF_VEC_PUSH(&w->levels, child);
            else w->levels.items[depth] = child;
        });
        w->at = NULL;
        free(w->levels.items);
        w->levels.items = NULL;
        return;
    }
    w->cursor = ts_tree_cursor_new(root);
    uint32_t depth = 0;
    for (;;) {
        Level child;
        if (visit(w, depth, &child) && ts_tree_cursor_goto_first_child(&w->cursor)) {
            depth++;
            if (depth == w->levels.len) MF_VEC_PUSH(&w->levels, child);
            else w->levels.items[depth] = child;
            continue;
        }
        for (;;) {
            if (depth == 0) goto done;
            if (ts_tree_cursor_goto_next_sibling(&w->cursor)) break;
            ts_tree_cursor_goto_parent(&w->cursor);
            depth--;
        }
    }
done:
    ts_tree_cursor_delete(&w->cursor);
    free(w->levels.items);
    w->levels.items = NULL;
}

/* True when a TSX tree holds syntax that only TypeScript has (types,
 * assertions, enums...): such a tree is no reading of a JavaScript file. */
static bool has_typescript_syntax(const LangTable *L, TSNode root) {
    TSTreeCursor c = ts_tree_cursor_new(root);
    bool found = false;
    for (;;) {
        switch (mf_kind_of(L, ts_tree_cursor_current_node(&c))) {
        case NK_TYPE: case NK_AS_EXPRESSION: case NK_SATISFIES_EXPRESSION:
        case NK_NON_NULL_EXPRESSION: case NK_ENUM_DECLARATION: case NK_ABSTRACT_CLASS_DECLARATION:
        case NK_INTERNAL_MODULE: case NK_MODULE: case NK_IMPORT_ALIAS: case NK_OPTIONAL_PARAMETER:
            found = true;
            goto done;
        default: break;
        }
        if (ts_tree_cursor_goto_first_child(&c)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) goto done;
    }
done:
    ts_tree_cursor_delete(&c);
    return found;
}

/* A parser for `L`'s language, for one file. */
static TSParser *file_parser(const LangTable *L) {
    TSParser *ps = ts_parser_new();
    ts_parser_set_language(ps, L->lang); /* checked by lang_table_init() */
    return ps;
}

static void parse_tree(MfParser *p, MfModule *m, const MfParseOptions *opts, bool arena);

static void parse_script(MfParser *p, MfModule *m, const MfParseOptions *opts) {
    /* Everything tree-sitter allocates from here to ts_arena_end() is
     * dropped there (see "tree-sitter memory"). */
    bool arena = ts_arena_begin();
    parse_tree(p, m, opts, arena);
    if (arena) ts_arena_end();
}

static void parse_tree(MfParser *p, MfModule *m, const MfParseOptions *opts, bool arena) {
    const LangTable *L = &p->langs[m->lang == MF_LANG_TS    ? LT_TS
                                   : m->lang == MF_LANG_TSX ? LT_TSX
                                                            : LT_JS];
    TSParser *ps = file_parser(L);
    TSTree *tree = ts_parser_parse_string(ps, NULL, m->source, m->size);
    if (!tree) { /* only on cancellation or a timeout, neither of which we set */
        mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_SYNTAX_ERROR, m->path, m->source, m->size, 0, 0,
                   "The parser gave up on this file");
        if (!arena) ts_parser_delete(ps);
        return;
    }
    TSNode root = ts_tree_root_node(tree);
    /* tree-sitter-javascript rejects reserved words as JSX attribute names
     * (`<label for="x">`, `<div class="y">`, as Preact and Solid code writes
     * them); the TSX grammar accepts them.  A JavaScript file that fails is
     * read with the TSX grammar instead when that succeeds without any
     * TypeScript-only syntax — the reading is then the same JavaScript. */
    if (m->lang == MF_LANG_JS && ts_node_has_error(root)) {
        const LangTable *X = &p->langs[LT_TSX];
        TSParser *xs = file_parser(X);
        TSTree *retry = ts_parser_parse_string(xs, NULL, m->source, m->size);
        if (retry && !ts_node_has_error(ts_tree_root_node(retry)) &&
            !has_typescript_syntax(X, ts_tree_root_node(retry))) {
            if (!arena) ts_tree_delete(tree);
            tree = retry;
            root = ts_tree_root_node(tree);
            L = X;
        } else if (retry && !arena) {
            ts_tree_delete(retry);
        }
        if (!arena) ts_parser_delete(xs);
    }
    mf_flat_tree_build(&p->flat, root, L);
    Walk w = {
        .m = m, .cfg = opts ? opts->cfg : NULL, .L = L, .src = m->source,
        .flat = p->flat.items, .flat_len = p->flat.len, .tree_has_error = ts_node_has_error(root),
    };
    walk_tree(&w, root);
    /* Never let an error pass unreported. */
    if (w.tree_has_error && w.syntax_errors == 0 && w.tolerated_errors == 0)
        syntax_error(&w, nstart(root), 0, "Syntax error");
    if (w.dropped_errors)
        mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_SYNTAX_ERROR, m->path, m->source, m->size,
                   w.last_error_offset, 0, "%u more syntax errors in this file are not shown",
                   w.dropped_errors);

    if (m->has_jsx && w.cfg && w.cfg->jsx_automatic) {
        const char *source = w.cfg->jsx_import_source ? w.cfg->jsx_import_source : "react";
        const char *rt = w.cfg->mode == MF_MODE_DEVELOPMENT ? "jsx-dev-runtime" : "jsx-runtime";
        MfImportRecord r = {
            .kind = MF_IMPORT_STATIC, .specifier = mf_arena_printf(m->arena, "%s/%s", source, rt),
            .start = w.first_jsx, .end = w.first_jsx, .implicit = true, .target = MF_NONE,
        };
        MF_VEC_PUSH(&m->imports, r);
    }

    const char *ext = mf_path_ext(m->path);
    bool esm_ext = strcmp(ext, ".mjs") == 0 || strcmp(ext, ".mts") == 0;
    bool cjs_ext = strcmp(ext, ".cjs") == 0 || strcmp(ext, ".cts") == 0;
    if (m->has_esm_syntax || esm_ext) m->kind = MF_MOD_ESM;
    else if (m->uses_commonjs || cjs_ext) m->kind = MF_MOD_CJS;
    else m->kind = MF_MOD_ESM;

    /* The records are final: the transforms turn the tree into edits (a
     * file with syntax errors has nothing worth transforming; the only
     * tolerated ERROR, `export type *`, sits in a statement that
     * transform_module.c deletes whole). */
    if (w.syntax_errors == 0 && w.dropped_errors == 0 && w.cfg) {
        MfTransform t = {
            .m = m, .cfg = w.cfg, .L = L, .root = root, .flat = p->flat.items, .flat_len = p->flat.len,
            .typescript = m->lang == MF_LANG_TS || m->lang == MF_LANG_TSX,
        };
        mf_transform_module(&t);
        mf_transform_syntax(&t);
        mf_transform_bindings_free(&t);
        mf_edits_sort(m);
    }
    if (!arena) {
        ts_tree_delete(tree);
        ts_parser_delete(ps);
    }
}

/* ---- JSON and CSS ------------------------------------------------------------ */

static void parse_json(MfModule *m) {
    m->kind = MF_MOD_JSON;
    size_t bom = m->size >= 3 && memcmp(m->source, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *end = NULL;
    /* The length includes the terminating NUL: with require_null_terminated
     * cJSON wants to see it, which rejects trailing garbage. */
    cJSON *json = cJSON_ParseWithLengthOpts(m->source + bom, m->size - bom + 1, &end, true);
    if (json) {
        cJSON_Delete(json);
        return;
    }
    uint32_t at = end ? (uint32_t)(end - m->source) : 0;
    if (at > m->size) at = m->size;
    if (at == m->size)
        mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_JSON_SYNTAX, m->path, m->source, m->size, at, 0,
                   "Unexpected end of file in JSON");
    else
        mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_JSON_SYNTAX, m->path, m->source, m->size, at, 1,
                   "Invalid JSON: unexpected \"%c\"", m->source[at]);
}

/* Skips a CSS comment or string at s[i] if there is one; returns the index
 * after it, or i. */
static size_t css_skip(const char *s, size_t n, size_t i) {
    if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
        const char *e = memmem(s + i + 2, n - i - 2, "*/", 2);
        return e ? (size_t)(e - s) + 2 : n;
    }
    if (s[i] == '"' || s[i] == '\'') {
        char q = s[i++];
        while (i < n && s[i] != q && s[i] != '\n') i += (s[i] == '\\' && i + 1 < n) ? 2 : 1;
        return i < n && s[i] == q ? i + 1 : i;
    }
    return i;
}

static size_t css_skip_space(const char *s, size_t n, size_t i) {
    for (;;) {
        while (i < n && strchr(" \t\n\r\f", s[i]) && s[i]) i++;
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') i = css_skip(s, n, i);
        else return i;
    }
}

/* The value of a CSS string token s[a..b) (quotes included): backslash
 * escapes of one character are enough for import paths. */
static char *css_string(MfArena *arena, const char *s, size_t a, size_t b) {
    size_t len = b - a >= 2 ? b - a - 2 : 0;
    char *out = mf_arena_alloc(arena, len + 1);
    size_t o = 0;
    for (size_t i = a + 1; i < a + 1 + len; i++) {
        if (s[i] == '\\' && i + 1 < a + 1 + len) i++;
        out[o++] = s[i];
    }
    out[o] = 0;
    return out;
}

/* `@import "x"`, `@import 'x'`, `@import url(x)`, `@import url("x")`. */
static void parse_css(MfModule *m) {
    m->kind = MF_MOD_CSS;
    const char *s = m->source;
    size_t n = m->size, i = 0;
    int depth = 0;
    while (i < n) {
        size_t j = css_skip(s, n, i);
        if (j != i) {
            i = j;
            continue;
        }
        char c = s[i];
        if (c == '{') depth++;
        else if (c == '}' && depth > 0) depth--;
        /* url(...) anywhere outside @import: a file next to the stylesheet
         * (images, fonts) that emit copies and rewrites to its hashed name.
         * Data URIs, remote and root-relative URLs and fragments stay. */
        if ((c == 'u' || c == 'U') && n - i >= 4 && strncasecmp(s + i, "url(", 4) == 0 &&
            (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-' || s[i - 1] == '_'))) {
            size_t a = css_skip_space(s, n, i + 4), b;
            char *spec;
            if (a < n && (s[a] == '"' || s[a] == '\'')) {
                b = css_skip(s, n, a);
                spec = css_string(m->arena, s, a, b);
            } else {
                b = a;
                while (b < n && s[b] != ')' && !isspace((unsigned char)s[b])) b++;
                spec = mf_arena_strndup(m->arena, s + a, b - a);
            }
            i = b;
            if (!spec[0] || spec[0] == '/' || spec[0] == '#' || strchr(spec, ':')) continue;
            /* CSS resolves "img/x.png" against the sheet, as css-loader does;
             * "~pkg/x" is webpack's spelling of a package path. */
            if (spec[0] == '~') spec++;
            else if (spec[0] != '.') spec = mf_arena_printf(m->arena, "./%s", spec);
            MfImportRecord r = {.kind = MF_IMPORT_STATIC, .specifier = spec, .start = (uint32_t)a,
                                .end = (uint32_t)b, .target = MF_NONE};
            MF_VEC_PUSH(&m->imports, r);
            continue;
        }
        if (c != '@' || depth != 0 || n - i < 7 || strncasecmp(s + i + 1, "import", 6) != 0) {
            i++;
            continue;
        }
        i = css_skip_space(s, n, i + 7);
        size_t a, b;
        char *spec;
        if (i < n && (s[i] == '"' || s[i] == '\'')) {
            a = i;
            b = css_skip(s, n, i);
            spec = css_string(m->arena, s, a, b);
        } else if (n - i >= 4 && strncasecmp(s + i, "url(", 4) == 0) {
            i = css_skip_space(s, n, i + 4);
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                a = i;
                b = css_skip(s, n, i);
                spec = css_string(m->arena, s, a, b);
            } else {
                a = i;
                while (i < n && s[i] != ')' && s[i] != ' ' && s[i] != '\n' && s[i] != '\t') i++;
                b = i;
                spec = mf_arena_strndup(m->arena, s + a, b - a);
            }
        } else {
            continue;
        }
        /* As for url(): "a.css" is the sheet next door, "~pkg/x.css" a package. */
        if (spec[0] == '~') spec++;
        else if (spec[0] && spec[0] != '.' && spec[0] != '/' && !strchr(spec, ':'))
            spec = mf_arena_printf(m->arena, "./%s", spec);
        MfImportRecord r = {.kind = MF_IMPORT_STATIC, .specifier = spec, .start = (uint32_t)a,
                            .end = (uint32_t)b, .target = MF_NONE};
        MF_VEC_PUSH(&m->imports, r);
        i = b;
    }
}

/* ---- entry point ------------------------------------------------------------- */

bool mf_parse_module(MfParser *p, MfModule *m, const MfParseOptions *opts) {
    m->lang = mf_lang_of_path(m->path);
    char *src;
    size_t len;
    if (mf_file_read(m->path, &src, &len) != 0) {
        mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_READ_ERROR, m->path, NULL, 0, 0, 0,
                   "Could not read \"%s\": %s", m->path, strerror(errno));
        return false;
    }
    if (len >= UINT32_MAX) { /* offsets are 32-bit */
        free(src);
        mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_READ_ERROR, m->path, NULL, 0, 0, 0,
                   "Could not read \"%s\": file too large (%zu bytes)", m->path, len);
        return false;
    }
    m->source = src;
    m->size = (uint32_t)len;
    switch (m->lang) {
    case MF_LANG_JS:
    case MF_LANG_TS:
    case MF_LANG_TSX: parse_script(p, m, opts); break;
    case MF_LANG_JSON: parse_json(m); break;
    case MF_LANG_CSS: parse_css(m); break;
    case MF_LANG_ASSET: m->kind = MF_MOD_ASSET; break;
    }
    return true;
}
