/*
 * emit.c — the emit phase: chunk files in memory, content hashes, source
 * maps, index.html, gzip siblings, and the atomic write of dist/.
 *
 * The shape of every file is docs/output-format.md sections 3 and 4.  The
 * steps:
 *
 *   1. assets: each asset module becomes "[name].[hash][ext]" (hash of its
 *      bytes), so JS and CSS can name it before anything is rendered;
 *   2. render, one job per chunk on the worker pool: the chunk's JS (module
 *      functions from mf_render_module, wrapped for an entry, a web chunk or
 *      a node chunk), its stylesheet, and its source-map body.  A reference
 *      to another file whose name is not known yet (the entry's `chunks`
 *      map, `initial`) is not written: its offset is recorded, so nothing
 *      in the sources can be mistaken for it;
 *   3. names, on this thread: a file's hash is XXH3 of its own bytes (and
 *      reference offsets, and its source map body), folded with the own
 *      hashes of every file it references, transitively, in reference order
 *      with a visited mark for cycles (STYLE.md 13, esbuild's
 *      generateIsolatedHash);
 *   4. finish, one job per chunk: splice the final names in, append the
 *      sourceMappingURL comment (after hashing, so the name does not depend
 *      on itself), build the map file, gzip (production);
 *   5. index.html, and for a federated build mf-manifest.json and
 *      mf-stats.json (manifest.c), which name the final chunk files.
 *
 * A federated build (exposes, remotes or shared; also runtimePlugins or an
 * import of "mfbuild/runtime") gets the federation runtime after the core
 * in every entry chunk, and `federation` in their runtime config.  The
 * container (remoteEntry.js) is the container chunk rendered the same way,
 * but as a classic script that assigns `var <name>` and starts nothing; its
 * name is fixed, so nothing references it, but it references hashed chunk
 * files like an entry does.
 *
 * Every job writes only into slots indexed by its chunk, and every list is
 * built in chunk or module order, so the bytes are the same for -j1 and
 * -j32 (STYLE.md 12).  mf_emit_write() then writes the files into a
 * temporary sibling of the output folder and renames it into place
 * (STYLE.md 14): a failed build leaves the previous dist/ as it was.
 */
#include "mfbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

const char *mf_out_kind_name(MfOutKind k) {
    switch (k) {
    case MF_OUT_ENTRY: return "entry";
    case MF_OUT_CHUNK: return "chunk";
    case MF_OUT_CSS: return "css";
    case MF_OUT_ASSET: return "asset";
    case MF_OUT_HTML: return "html";
    case MF_OUT_MAP: return "map";
    case MF_OUT_CONTAINER: return "container";
    case MF_OUT_MANIFEST: return "manifest";
    case MF_OUT_STATS: return "stats";
    }
    return "?";
}

/* ---- file names ------------------------------------------------------------ */

int mf_output_hash_len(const char *pattern) {
    const char *p = strstr(pattern, "[contenthash:");
    if (!p) return 8;
    int n = atoi(p + 13);
    return n < 1 ? 8 : n > 16 ? 16 : n; /* a 64-bit hash has 16 hex digits */
}

static void hex16(uint64_t h, char out[17]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4) out[i] = digits[h & 15];
    out[16] = 0;
}

char *mf_output_name(const char *pattern, const char *name, uint64_t hash) {
    MfBuf b = {0};
    char hex[17];
    hex16(hash, hex);
    for (const char *p = pattern; *p;) {
        if (strncmp(p, "[name]", 6) == 0) {
            mf_buf_puts(&b, name);
            p += 6;
        } else if (strncmp(p, "[contenthash]", 13) == 0) {
            mf_buf_append(&b, hex, 8);
            p += 13;
        } else if (strncmp(p, "[contenthash:", 13) == 0 && strchr(p, ']')) {
            mf_buf_append(&b, hex, (size_t)mf_output_hash_len(p));
            p = strchr(p, ']') + 1;
        } else {
            mf_buf_putc(&b, *p++);
        }
    }
    return mf_buf_steal(&b);
}

/* ---- the files being built ------------------------------------------------- */

/* A place in a file's bytes where the final name of another file goes, as a
 * JS/JSON string literal. */
typedef struct Ref {
    uint32_t at;
    uint32_t file;          /* REF_HOT_ID: the build's hot state id, not a file */
} Ref;
#define REF_HOT_ID (UINT32_MAX - 1)

typedef struct File {
    MfOutKind kind;
    bool reused;            /* from the chunk cache (MfOutFile.reused) */
    const char *name;       /* emit arena */
    const char *path;       /* final, relative to the output folder (emit arena) */
    MfBuf buf;              /* own bytes, references cut out (JS, CSS, HTML) */
    const char *borrowed;   /* asset bytes: the module's source */
    size_t borrowed_len;
    MF_VEC(Ref) refs;
    uint64_t own_hash, hash;
    char *final;            /* after step 4 (malloc) */
    size_t final_len;
    char *gz;
    size_t gz_len;
} File;

typedef struct ChunkOut {
    uint32_t js, css, map;  /* file indices, MF_NONE when the chunk has none */
    const char *dir;        /* folder of the JS file in the output ("" or "pages/") */
    /* the type MfRenderCtx.mappings points to */
    __typeof__(*((MfRenderCtx *)0)->mappings) mappings;
    MfBuf map_body;         /* the map's JSON after "file": sources ... mappings */
    MfBuf deps;             /* the static-imports table's members (output-format.md 3) */
} ChunkOut;

typedef struct Emit {
    const MfGraph *g;
    const MfConfig *cfg;
    const MfLink *link;
    const MfChunks *ch;
    MfArena *arena;
    MF_VEC(File) files;     /* not resized once the jobs start */
    ChunkOut *co;           /* per chunk */
    const char **asset_path;/* per module: an asset module's file, else NULL */
    const char *js_pattern, *css_pattern;
    int hash_len;
    const char *global;     /* "__mfbuild_<name>" */
    const char *runtime;    /* mf_runtime_core_js without trailing blanks and ';' */
    size_t runtime_len;
    bool fed;               /* the federation runtime and config are in */
    const char *fed_runtime;/* mf_runtime_federation_js, trimmed likewise */
    size_t fed_runtime_len;
    bool maps, gzip;
    bool *in_cycle;         /* per module: on a cycle of static imports and requires */
    struct ChunkCache *cc;  /* watch mode: chunk outputs of earlier builds, else NULL */
    uint32_t *cached;       /* per chunk: its entry in cc when reused as it is, else MF_NONE */
    uint64_t *chunk_key;    /* per chunk (watch mode): what its output is made from */
    bool hot;               /* cfg->hot: HMR client in, module functions kept */
    const char *hot_runtime;/* mf_runtime_hot_js, trimmed */
    size_t hot_runtime_len;
    MfHotModule *hot_modules;
    const char *hot_id;
    struct libdeflate_compressor **compressors; /* per worker, made on first use */
    int n_workers;
} Emit;

static uint32_t add_file(Emit *e, MfOutKind kind, const char *name) {
    File f = {.kind = kind, .name = name};
    MF_VEC_PUSH(&e->files, f);
    return e->files.len - 1;
}

static bool emitted(const Emit *e, uint32_t chunk) {
    return e->co[chunk].js != MF_NONE;
}

/* Keeps file names to characters that need no escaping in a URL, in CSS
 * and in JS. */
static char *safe_file_part(MfArena *a, const char *s, size_t n) {
    char *r = mf_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || c == '.';
        r[i] = ok ? c : '_';
    }
    r[n] = 0;
    return r;
}

/* Step 1: asset files, named by the hash of their bytes; two modules with
 * the same name and bytes share one file. */
static void name_assets(Emit *e) {
    MfMap *seen = mf_map_new();
    for (uint32_t i = 0; i < e->g->modules.len; i++) {
        const MfModule *m = e->g->modules.items[i];
        if (m->kind != MF_MOD_ASSET) continue;
        const char *base = mf_path_basename(m->path);
        const char *ext = mf_path_ext(base);
        size_t stem = strlen(base) - strlen(ext);
        uint64_t h = XXH3_64bits(m->source ? m->source : "", m->size);
        char hex[17];
        hex16(h, hex);
        const char *path = mf_arena_printf(e->arena, "%s.%.*s%s", safe_file_part(e->arena, base, stem ? stem : strlen(base)),
                                           e->hash_len, hex, stem ? safe_file_part(e->arena, ext, strlen(ext)) : "");
        e->asset_path[i] = path;
        uint32_t dummy;
        if (mf_map_get(seen, path, &dummy)) continue;
        mf_map_put(seen, path, 1);
        uint32_t f = add_file(e, MF_OUT_ASSET, mf_arena_strdup(e->arena, base));
        File *file = &e->files.items[f];
        file->path = path;
        file->borrowed = m->source ? m->source : "";
        file->borrowed_len = m->size;
        file->own_hash = file->hash = h;
    }
    mf_map_free(seen);
}

/* ---- step 2: rendering a chunk ------------------------------------------------ */

/* Output with a line count (source maps need the generated line of every
 * module; wrapper text has no mappings). */
typedef struct Writer {
    MfBuf *out;
    uint32_t line;
    bool count;
} Writer;

static void wput(Writer *w, const char *s, size_t n) {
    mf_buf_append(w->out, s, n);
    if (!w->count) return;
    for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))); p++) w->line++;
}

static void wputs(Writer *w, const char *s) {
    wput(w, s, strlen(s));
}

static void wlit(Writer *w, const char *s) {
    MfBuf b = {0};
    mf_buf_json_string(&b, s);
    wput(w, b.data, b.len);
    mf_buf_free(&b);
}

/* Records that the final name of file `target` goes here (as a string
 * literal) once it is known. */
static void wref(File *f, Writer *w, uint32_t target) {
    Ref r = {(uint32_t)w->out->len, target};
    MF_VEC_PUSH(&f->refs, r);
}

/* Adds `"id":["dep",...]` for module mi to the chunk's static-imports table
 * when it has static imports and is in no import cycle: the runtime runs
 * such a module's imports before it from an explicit stack instead of one
 * nested call per import (a long import chain would overflow the JS stack).
 * A module in a cycle keeps the nested order, in which its header has
 * defined its exports (hoisted functions) before a module of the cycle
 * imports it back. */
static void render_deps(Emit *e, ChunkOut *co, uint32_t mi, bool own) {
    const MfModule *m = e->g->modules.items[mi];
    if (e->in_cycle[mi]) return;
    size_t start = co->deps.len;
    bool any = false;
    for (uint32_t k = 0; k < m->imports.len; k++) {
        const MfImportRecord *rec = &m->imports.items[k];
        if (rec->target == MF_NONE || rec->kind == MF_IMPORT_DYNAMIC || rec->kind == MF_IMPORT_REQUIRE) continue;
        if (!any) {
            if (co->deps.len) mf_buf_putc(&co->deps, ',');
            start = co->deps.len;
            mf_buf_puts(&co->deps, e->link->id_literals[mi]);
            mf_buf_puts(&co->deps, ":[");
        } else {
            mf_buf_putc(&co->deps, ',');
        }
        any = true;
        mf_buf_puts(&co->deps, e->link->refs[e->link->first_ref[mi] + k]);
    }
    if (any) mf_buf_putc(&co->deps, ']');
    if (any && own && e->hot) e->hot_modules[mi].deps = mf_xstrndup(co->deps.data + start, co->deps.len - start);
}

/* What a module's rendered function depends on besides its record (which
 * a watch-mode rebuild replaces when the file changes): the text of its
 * imports' references, its asset file, whether maps are on. */
static uint64_t render_key(const Emit *e, uint32_t mi) {
    const MfModule *m = e->g->modules.items[mi];
    uint64_t h = (uint64_t)m->kind | (e->maps ? 16u : 0u);
    for (uint32_t k = 0; k < m->imports.len; k++) {
        const char *ref = e->link->refs[e->link->first_ref[mi] + k];
        h = XXH3_64bits_withSeed(ref, strlen(ref) + 1, h);
    }
    if (e->asset_path[mi]) h = XXH3_64bits_withSeed(e->asset_path[mi], strlen(e->asset_path[mi]), h + 1);
    return h;
}

static void render_module_text(Emit *e, ChunkOut *co, Writer *w, uint32_t mi, uint32_t *n_sources);

/* A dev build keeps each module's function text (its deps entry is already
 * in place, from render_deps) for hot updates. */
static void hot_keep(Emit *e, uint32_t mi, const char *text, size_t len) {
    MfHotModule *h = &e->hot_modules[mi];
    h->len = len;
    h->text = mf_xstrndup(text, len);
    h->hash = XXH3_64bits(h->text, h->len) ^ (h->deps ? XXH3_64bits(h->deps, strlen(h->deps)) * 31 : 0);
}

/* Appends "id": function (...) {\n<body>},\n for module mi: from the
 * module's render cache when it is still valid (watch mode), else rendered
 * and (watch mode, own chunk) kept. */
static void render_module(Emit *e, ChunkOut *co, Writer *w, uint32_t mi, uint32_t *n_sources) {
    MfModule *m = e->g->modules.items[mi];
    /* A runtime module is a member of several chunks: only its own chunk's
     * job touches its caches, so that no two jobs write one slot. */
    bool own = e->ch->chunk_of[mi] == (uint32_t)(co - e->co);
    bool cacheable = own && e->g->cache;
    size_t start = w->out->len;
    uint32_t start_line = w->line, first_map = co->mappings.len;
    render_deps(e, co, mi, own);
    uint64_t key = cacheable ? render_key(e, mi) : 0;
    if (cacheable && m->render.text && m->render.key == key) {
        mf_buf_append(w->out, m->render.text, m->render.len);
        if (e->maps) {
            bool has_source = m->kind == MF_MOD_ESM || m->kind == MF_MOD_CJS;
            uint32_t source = has_source ? (*n_sources)++ : 0;
            for (uint32_t i = 0; i < m->render.n_maps; i++) {
                MfMapping seg = m->render.maps[i];
                seg.gen_line += start_line;
                seg.source = source;
                MF_VEC_PUSH(&co->mappings, seg);
            }
        }
        w->line += m->render.lines;
    } else {
        render_module_text(e, co, w, mi, n_sources);
        if (cacheable) {
            free(m->render.text);
            free(m->render.maps);
            m->render.key = key;
            m->render.len = w->out->len - start;
            m->render.text = mf_xstrndup(w->out->data + start, m->render.len);
            m->render.lines = w->line - start_line;
            m->render.n_maps = co->mappings.len - first_map;
            m->render.maps = mf_xmalloc((m->render.n_maps + 1) * sizeof(MfMapping));
            for (uint32_t i = 0; i < m->render.n_maps; i++) {
                m->render.maps[i] = co->mappings.items[first_map + i];
                m->render.maps[i].gen_line -= start_line;
            }
        }
    }
    if (e->hot && own) hot_keep(e, mi, w->out->data + start, w->out->len - start);
}

static void render_module_text(Emit *e, ChunkOut *co, Writer *w, uint32_t mi, uint32_t *n_sources) {
    const MfModule *m = e->g->modules.items[mi];
    wputs(w, e->link->id_literals[mi]);
    /* ES modules are strict mode code; the directive shares the header's
     * line so that the body still starts on a line of its own. */
    wputs(w, m->kind == MF_MOD_ESM ? ": function (module, exports, require, __mf) {\"use strict\";\n"
                                   : ": function (module, exports, require, __mf) {\n");
    switch (m->kind) {
    case MF_MOD_ESM:
    case MF_MOD_CJS: {
        MfRenderCtx r = {.import_ref = mf_link_import_ref, .user = (void *)e->link};
        if (e->maps) {
            r.mappings = &co->mappings;
            r.source_index = (*n_sources)++;
            r.gen_line = w->line;
        }
        size_t before = w->out->len;
        mf_render_module(m, &r, w->out);
        if (e->maps) w->line = r.gen_line;
        /* A hashbang line (npm CLI files) is only valid at the very start of
         * a script; inside the module function it must become a comment. */
        if (w->out->len >= before + 2 && memcmp(w->out->data + before, "#!", 2) == 0)
            memcpy(w->out->data + before, "//", 2);
        if (w->out->len > before && w->out->data[w->out->len - 1] != '\n') wputs(w, "\n");
        break;
    }
    case MF_MOD_JSON: {
        const char *s = m->source ? m->source : "";
        size_t n = m->size;
        if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
        while (n && strchr(" \t\r\n", s[n - 1])) n--;
        /* JSON is JavaScript, except that a "__proto__" key in an object
         * literal sets the prototype instead of making a property: such
         * files go through JSON.parse. */
        if (memmem(s, n, "\"__proto__\"", 11)) {
            char *text = mf_xstrndup(s, n);
            wputs(w, "module.exports = JSON.parse(");
            MfBuf lit = {0};
            mf_buf_json_string(&lit, text);
            wput(w, lit.data, lit.len);
            mf_buf_free(&lit);
            free(text);
            wputs(w, ");\n");
        } else {
            wputs(w, "module.exports = ");
            wput(w, s, n);
            wputs(w, ";\n");
        }
        break;
    }
    case MF_MOD_ASSET:
        wputs(w, "module.exports = __mf.p + ");
        wlit(w, e->asset_path[mi]);
        wputs(w, ";\n");
        break;
    case MF_MOD_CSS: break; /* its text is in the chunk's stylesheet */
    }
    wputs(w, "},\n");
}

/* The relative URL of output file `to` from the folder `from_dir` of the
 * output (both relative to the output folder). */
static char *relative_url(const char *from_dir, const char *to) {
    char *a = mf_xasprintf("/%s", from_dir);
    char *b = mf_xasprintf("/%s", to);
    char *r = mf_path_relative(a, b);
    free(a);
    free(b);
    return r;
}

/* The stylesheet: CSS modules in order, @import rules dropped (their
 * targets are in the sheet, earlier), url() of assets rewritten. */
static void render_css(Emit *e, const MfChunk *c, File *css) {
    MfBuf *out = &css->buf;
    const char *css_dir = "";
    char *name = mf_output_name(e->css_pattern, c->name, 0);
    char *slash = strrchr(name, '/');
    if (slash) slash[1] = 0, css_dir = name;
    for (uint32_t i = 0; i < c->css.len; i++) {
        uint32_t mi = c->css.items[i];
        const MfModule *m = e->g->modules.items[mi];
        mf_buf_printf(out, "/* %s */\n", e->link->ids[mi]);
        const char *s = m->source ? m->source : "";
        uint32_t pos = 0;
        for (uint32_t k = 0; k < m->imports.len; k++) {
            const MfImportRecord *r = &m->imports.items[k];
            if (r->target == MF_NONE || r->start < pos || r->end > m->size) continue;
            const MfModule *t = e->g->modules.items[r->target];
            if (t->kind == MF_MOD_CSS) {
                /* The whole rule: back to its '@', on to its ';'. */
                uint32_t a = r->start, b = r->end;
                while (a > pos && s[a] != '@') a--;
                if (s[a] != '@') continue;
                while (b < m->size && s[b] != ';' && s[b] != '\n') b++;
                if (b < m->size && s[b] == ';') b++;
                mf_buf_append(out, s + pos, a - pos);
                pos = b;
            } else if (t->kind == MF_MOD_ASSET) {
                char *url = relative_url(css_dir, e->asset_path[r->target]);
                mf_buf_append(out, s + pos, r->start - pos);
                mf_buf_json_string(out, url);
                free(url);
                pos = r->end;
            }
        }
        mf_buf_append(out, s + pos, m->size - pos);
        if (out->len && out->data[out->len - 1] != '\n') mf_buf_putc(out, '\n');
    }
    free(name);
}

/* Which chunks the runtime of chunk ci (an entry or the container) may
 * load, one mark per chunk: an entry's lazily loaded chunks; the
 * container's exposes and theirs; in a federated build every fallback and
 * its lazy chunks (negotiation may pick them for any consumer); then the
 * common chunks all of those need.  Caller frees. */
static uint8_t *runtime_chunks(const Emit *e, uint32_t ci) {
    const MfChunks *ch = e->ch;
    uint32_t nc = ch->items.len;
    uint8_t *listed = mf_xcalloc(nc + 1, 1);
    for (uint32_t k = 0; k < nc; k++) {
        const MfChunk *c = &ch->items.items[k];
        bool seed = k == ci || (c->kind == MF_CHUNK_EXPOSE && ci == ch->container) ||
                    (c->kind == MF_CHUNK_SHARED && e->fed);
        if (!seed) continue;
        if (k != ci) listed[k] = 1;
        for (uint32_t i = 0; i < c->lazy.len; i++) listed[c->lazy.items[i]] = 1;
    }
    for (uint32_t k = 0; k < nc; k++) {
        if (!listed[k]) continue;
        const MfChunk *c = &ch->items.items[k];
        for (uint32_t d = 0; d < c->deps.len; d++) listed[c->deps.items[d]] = 1;
    }
    return listed;
}

/* ["<chunk>", "<common chunk>", ...]: what to load before requiring a
 * chunk's root (its own file when it has modules, then its deps). */
static void chunk_list(Emit *e, Writer *w, uint32_t k) {
    const MfChunk *c = &e->ch->items.items[k];
    bool any = false;
    wputs(w, "[");
    if (emitted(e, k)) {
        wlit(w, c->name);
        any = true;
    }
    for (uint32_t d = 0; d < c->deps.len; d++) {
        if (any) wputs(w, ",");
        wlit(w, e->ch->items.items[c->deps.items[d]].name);
        any = true;
    }
    wputs(w, "]");
}

static void wbool(Writer *w, const char *key, bool v) {
    wputs(w, ",\"");
    wputs(w, key);
    wputs(w, v ? "\":true" : "\":false");
}

/* Whether anything can load a remote container: remotes, runtimePlugins
 * (their hooks are about remote loading) or the mfbuild/runtime API.  If not,
 * the build ships the federation runtime without that code, and the config
 * without what only that code reads (remotes, remoteRefs, plugins, retry):
 * remoteEntry.js size is a benchmark target. */
static bool uses_remotes(const Emit *e) {
    return e->cfg->remotes.len || e->cfg->runtime_plugins.len || e->g->runtime_refs.len;
}

/* `federation` of the runtime config (output-format.md 4.2) for the runtime
 * of chunk ci.  consumes and remoteRefs cover the chunks it may load; an
 * entry's own list includes its common deps, which it loads before it
 * starts (`initial` names files, not chunks). */
static void render_federation(Emit *e, uint32_t ci, Writer *w, const uint8_t *listed) {
    const MfConfig *cfg = e->cfg;
    const MfGraph *g = e->g;
    const MfChunks *ch = e->ch;
    const MfChunk *self = &ch->items.items[ci];
    bool container = ci == ch->container;
    char buf[64];

    wputs(w, ",\n\"federation\":{\"name\":");
    wlit(w, cfg->name ? cfg->name : "app");
    wputs(w, ",\"shareStrategy\":");
    wlit(w, cfg->share_strategy == MF_SHARE_LOADED_FIRST ? "loaded-first" : "version-first");

    wputs(w, ",\n\"shared\":{");
    for (uint32_t i = 0; i < g->share_keys.len; i++) {
        const MfShareKey *key = &g->share_keys.items[i];
        const MfShared *sh = &cfg->shared.items[key->shared];
        if (i) wputs(w, ",\n");
        wlit(w, key->key);
        wputs(w, ":{\"version\":");
        wlit(w, sh->version ? sh->version : "0");
        wputs(w, ",\"scope\":");
        wlit(w, sh->share_scope ? sh->share_scope : "default");
        wbool(w, "singleton", sh->singleton);
        wbool(w, "eager", sh->eager);
        wputs(w, ",\"requiredVersion\":");
        if (sh->required_version) wlit(w, sh->required_version);
        else wputs(w, "false");
        /* Compiled here, so the runtime never parses a range (semver.c). */
        wputs(w, ",\"range\":");
        if (sh->required_version) {
            MfBuf range = {0};
            mf_semver_range_json(sh->required_version, &range);
            wput(w, range.data, range.len);
            mf_buf_free(&range);
        } else {
            wputs(w, "false");
        }
        wbool(w, "strictVersion", sh->strict_version);
        wputs(w, ",\"fallback\":");
        wputs(w, key->fallback != MF_NONE ? e->link->id_literals[key->fallback] : "null");
        wputs(w, ",\"chunks\":");
        if (ch->shared_of[i] != MF_NONE) chunk_list(e, w, ch->shared_of[i]);
        else wputs(w, "[]");
        wputs(w, "}");
    }

    /* consumes: the runtime's own chunk (with its deps), then every chunk
     * it may load, in chunk order. */
    uint32_t nc = ch->items.len, nk = g->share_keys.len;
    uint8_t *key_on = mf_xcalloc(nk + 1, 1);
    wputs(w, "},\n\"consumes\":{");
    bool first = true;
    for (uint32_t k = 0; k < nc; k++) {
        if (k != ci && !listed[k]) continue;
        const MfChunk *c = &ch->items.items[k];
        memset(key_on, 0, nk + 1);
        bool any = false;
        for (uint32_t d = 0; d <= (k == ci ? c->deps.len : 0); d++) {
            const MfChunk *src = d == 0 ? c : &ch->items.items[c->deps.items[d - 1]];
            for (uint32_t j = 0; j < src->consumes.len; j++) key_on[src->consumes.items[j]] = 1, any = true;
        }
        if (!any) continue;
        if (!first) wputs(w, ",");
        first = false;
        wlit(w, c->name);
        wputs(w, ":[");
        bool comma = false;
        for (uint32_t j = 0; j < nk; j++) {
            if (!key_on[j]) continue;
            if (comma) wputs(w, ",");
            comma = true;
            wlit(w, g->share_keys.items[j].key);
        }
        wputs(w, "]");
    }
    free(key_on);

    /* exposes: the container's only. */
    wputs(w, "},\n\"exposes\":{");
    first = true;
    for (uint32_t k = 0; container && k < nc; k++) {
        const MfChunk *c = &ch->items.items[k];
        if (c->kind != MF_CHUNK_EXPOSE) continue;
        if (!first) wputs(w, ",");
        first = false;
        wputs(w, "\n");
        wlit(w, cfg->exposes.items[c->source].key);
        wputs(w, ":{\"id\":");
        wputs(w, e->link->id_literals[c->root]);
        wputs(w, ",\"chunks\":");
        chunk_list(e, w, k);
        wputs(w, "}");
    }

    /* What only the full runtime reads (uses_remotes). */
    if (uses_remotes(e)) {
        wputs(w, "},\n\"remotes\":{");
        for (uint32_t i = 0; i < cfg->remotes.len; i++) {
            const MfRemote *r = &cfg->remotes.items[i];
            if (i) wputs(w, ",");
            wlit(w, r->alias);
            wputs(w, ":{\"name\":");
            wlit(w, r->name);
            wputs(w, ",\"entry\":");
            wlit(w, r->entry);
            wputs(w, "}");
        }
        /* remoteRefs: the chunks of consumes; ids "mf-remote/<specifier>". */
        wputs(w, "},\n\"remoteRefs\":{");
        first = true;
        for (uint32_t k = 0; k < nc; k++) {
            if (k != ci && !listed[k]) continue;
            const MfChunk *c = &ch->items.items[k];
            MF_VEC(const char *) refs = {0};
            for (uint32_t d = 0; d <= (k == ci ? c->deps.len : 0); d++) {
                const MfChunk *src = d == 0 ? c : &ch->items.items[c->deps.items[d - 1]];
                for (uint32_t j = 0; j < src->remote_refs.len; j++) MF_VEC_PUSH(&refs, src->remote_refs.items[j]);
            }
            if (refs.len) {
                /* Sorted and unique (each list is; their union need not be). */
                for (uint32_t i = 1; i < refs.len; i++)
                    for (uint32_t j = i; j > 0 && strcmp(refs.items[j - 1], refs.items[j]) > 0; j--) {
                        const char *t = refs.items[j];
                        refs.items[j] = refs.items[j - 1];
                        refs.items[j - 1] = t;
                    }
                if (!first) wputs(w, ",");
                first = false;
                wlit(w, c->name);
                wputs(w, ":[");
                for (uint32_t i = 0; i < refs.len; i++) {
                    if (i && strcmp(refs.items[i], refs.items[i - 1]) == 0) continue;
                    char *id = mf_xasprintf("mf-remote/%s", refs.items[i]);
                    if (i) wputs(w, ",");
                    wlit(w, id);
                    free(id);
                }
                wputs(w, "]");
            }
            free(refs.items);
        }
        wputs(w, "},\n\"plugins\":[");
        first = true;
        for (uint32_t i = 0; i < g->plugin_modules.len; i++) {
            uint32_t m = g->plugin_modules.items[i];
            if (m == MF_NONE) continue;
            if (!first) wputs(w, ",");
            first = false;
            wputs(w, e->link->id_literals[m]);
        }
        snprintf(buf, sizeof buf, "],\"retry\":{\"times\":%d,\"delayMs\":%d}", cfg->retry_times, cfg->retry_delay_ms);
        wputs(w, buf);
    } else {
        wputs(w, "}");
    }
    /* The runtime's own chunk: the entry chunk, or for the container its
     * chunk (whose consumes are those of the runtime plugins). */
    wputs(w, ",\"entryChunk\":");
    wlit(w, self->name);
    wputs(w, "}");
}

/* The config object the runtime starts with (output-format.md 3, 4.2):
 * references to other files are recorded, not written. */
static void render_config(Emit *e, uint32_t ci, File *js, Writer *w) {
    const MfChunk *c = &e->ch->items.items[ci];
    const MfConfig *cfg = e->cfg;
    wputs(w, "{\"name\":");
    wlit(w, cfg->name ? cfg->name : "app");
    wputs(w, cfg->target == MF_TARGET_NODE ? ",\"target\":\"node\"" : ",\"target\":\"web\"");
    wputs(w, ",\"publicPath\":");
    wlit(w, cfg->public_path ? cfg->public_path : "auto");

    uint32_t nc = e->ch->items.len;
    uint8_t *listed = runtime_chunks(e, ci);
    wputs(w, ",\n\"chunks\":{");
    bool first = true;
    for (uint32_t k = 0; k < nc; k++) {
        if (!listed[k] || !emitted(e, k)) continue;
        if (!first) wputs(w, ",");
        first = false;
        wlit(w, e->ch->items.items[k].name);
        wputs(w, ":[");
        wref(js, w, e->co[k].js);
        if (e->co[k].css != MF_NONE) {
            wputs(w, ",");
            wref(js, w, e->co[k].css);
        }
        wputs(w, "]");
    }
    /* Modules that import() (or a container's get()) loads: every root of
     * a listed async or expose chunk. */
    wputs(w, "},\n\"asyncDeps\":{");
    first = true;
    for (uint32_t k = 0; k < nc; k++) {
        const MfChunk *l = &e->ch->items.items[k];
        if (!listed[k] || (l->kind != MF_CHUNK_ASYNC && l->kind != MF_CHUNK_EXPOSE)) continue;
        if (!first) wputs(w, ",");
        first = false;
        wputs(w, e->link->id_literals[l->root]);
        wputs(w, ":");
        chunk_list(e, w, k);
    }
    /* Files to load before the entry runs: the common chunks it shares,
     * then its own stylesheet. */
    wputs(w, "},\n\"initial\":[");
    first = true;
    for (uint32_t d = 0; d < c->deps.len; d++) {
        const ChunkOut *dc = &e->co[c->deps.items[d]];
        if (!first) wputs(w, ",");
        first = false;
        wref(js, w, dc->js);
        if (dc->css != MF_NONE) {
            wputs(w, ",");
            wref(js, w, dc->css);
        }
    }
    if (e->co[ci].css != MF_NONE) {
        if (!first) wputs(w, ",");
        wref(js, w, e->co[ci].css);
    }
    wputs(w, "]");
    if (e->fed) render_federation(e, ci, w, listed);
    if (e->hot) {
        /* The state id is the hash of everything, known only after the
         * names: spliced in at step 4 like a file name. */
        wputs(w, ",\n\"hot\":{\"name\":");
        wlit(w, cfg->name ? cfg->name : "app");
        wputs(w, ",\"id\":");
        wref(js, w, REF_HOT_ID);
        wputs(w, "}");
    }
    wputs(w, "}");
    free(listed);
}

/* The map's JSON after its "file" member. */
static void render_map_body(Emit *e, const MfChunk *c, ChunkOut *co) {
    MfBuf *b = &co->map_body;
    char *dir = mf_path_join(e->cfg->out_dir, co->dir);
    mf_buf_puts(b, ",\"sources\":[");
    bool first = true;
    for (uint32_t i = 0; i < c->modules.len; i++) {
        const MfModule *m = e->g->modules.items[c->modules.items[i]];
        if (m->kind != MF_MOD_ESM && m->kind != MF_MOD_CJS) continue;
        char *rel = mf_path_relative(dir, m->path);
        if (!first) mf_buf_putc(b, ',');
        first = false;
        mf_buf_json_string(b, rel);
        free(rel);
    }
    mf_buf_puts(b, "],\"sourcesContent\":[");
    first = true;
    for (uint32_t i = 0; i < c->modules.len; i++) {
        const MfModule *m = e->g->modules.items[c->modules.items[i]];
        if (m->kind != MF_MOD_ESM && m->kind != MF_MOD_CJS) continue;
        mf_buf_puts(b, first ? "\"" : ",\"");
        first = false;
        MfModule *own = e->g->cache && e->ch->chunk_of[m->index] == (uint32_t)(co - e->co)
                            ? e->g->modules.items[m->index] : NULL;
        if (own && own->render.source_json) {
            mf_buf_append(b, own->render.source_json, own->render.source_json_len);
        } else {
            size_t at = b->len;
            mf_json_escape(b, m->source ? m->source : "", m->size);
            if (own) {
                /* Depends on the source only: kept as long as the record. */
                own->render.source_json_len = b->len - at;
                own->render.source_json = mf_xstrndup(b->data + at, b->len - at);
            }
        }
        mf_buf_putc(b, '"');
    }
    mf_buf_puts(b, "],\"names\":[],\"mappings\":\"");
    mf_sourcemap_mappings(b, co->mappings.items, co->mappings.len);
    mf_buf_puts(b, "\"}");
    free(dir);
}

static void render_chunk(Emit *e, uint32_t ci) {
    const MfChunk *c = &e->ch->items.items[ci];
    ChunkOut *co = &e->co[ci];
    File *js = &e->files.items[co->js];
    Writer w = {.out = &js->buf, .count = e->maps};
    bool node = e->cfg->target == MF_TARGET_NODE;
    bool runtime = c->kind == MF_CHUNK_ENTRY || c->kind == MF_CHUNK_CONTAINER;
    if (runtime) {
        /* The container is a classic script whose top-level var is the
         * container object (federation-protocol.md 1.1). */
        if (c->kind == MF_CHUNK_CONTAINER) {
            wputs(&w, "var ");
            wputs(&w, e->cfg->name ? e->cfg->name : "app");
            wputs(&w, " = ");
        }
        if (e->fed || e->hot) {
            /* The federation runtime and the HMR client read the same config
             * object. */
            wputs(&w, "(function () {\nvar config = ");
            render_config(e, ci, js, &w);
            wputs(&w, ";\nvar __mf = (");
            wput(&w, e->runtime, e->runtime_len);
            wputs(&w, "\n)(config);\n");
            if (e->fed) {
                wputs(&w, "(");
                wput(&w, e->fed_runtime, e->fed_runtime_len);
                wputs(&w, "\n)(__mf, config.federation);\n");
            }
            if (e->hot) {
                wputs(&w, "(");
                wput(&w, e->hot_runtime, e->hot_runtime_len);
                wputs(&w, "\n)(__mf, config.hot);\n");
            }
            wputs(&w, "__mf.register({\n");
        } else {
            wputs(&w, "(function () {\nvar __mf = (");
            wput(&w, e->runtime, e->runtime_len);
            wputs(&w, "\n)(");
            render_config(e, ci, js, &w);
            wputs(&w, ");\n__mf.register({\n");
        }
    } else if (node) {
        wputs(&w, "exports.id = ");
        wlit(&w, c->name);
        wputs(&w, ";\nexports.modules = {\n");
    } else {
        mf_buf_printf(w.out, "(globalThis.%s = globalThis.%s || []).push([", e->global, e->global);
        wlit(&w, c->name);
        wputs(&w, ", {\n");
    }
    if (e->link->uses_empty && (runtime || c->kind == MF_CHUNK_EXPOSE)) {
        wlit(&w, MF_EMPTY_MODULE_ID);
        wputs(&w, ": function (module, exports, require, __mf) {\n},\n");
    }
    uint32_t n_sources = 0;
    for (uint32_t i = 0; i < c->modules.len; i++) render_module(e, co, &w, c->modules.items[i], &n_sources);
    /* The static-imports table (one line: no source-map line shifts). */
    const char *deps = co->deps.data ? co->deps.data : "";
    if (runtime) {
        wputs(&w, "}, {");
        wputs(&w, deps);
    } else if (node) {
        wputs(&w, "};\nexports.deps = {");
        wputs(&w, deps);
    } else {
        wputs(&w, "}, {");
        wputs(&w, deps);
    }
    if (c->kind == MF_CHUNK_ENTRY) {
        wputs(&w, "});\n__mf.start(");
        wputs(&w, e->link->id_literals[c->root]);
        wputs(&w, ");\n})();\n");
    } else if (c->kind == MF_CHUNK_CONTAINER) {
        /* No entry runs: the host drives the container through init/get. */
        wputs(&w, "});\nreturn __mf.container;\n})();\n");
    } else if (node) {
        wputs(&w, "};\n");
    } else {
        wputs(&w, "}]);\n");
    }
    mf_buf_free(&co->deps);
    if (co->css != MF_NONE) render_css(e, c, &e->files.items[co->css]);
    if (e->maps) render_map_body(e, c, co);

    /* Own hashes: the bytes, where the references go, and the map body (a
     * change that only shows in the map, such as an erased type, must
     * still give the file a new name). */
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    XXH3_64bits_update(st, js->buf.data ? js->buf.data : "", js->buf.len);
    for (uint32_t i = 0; i < js->refs.len; i++) XXH3_64bits_update(st, &js->refs.items[i].at, sizeof(uint32_t));
    if (e->maps) XXH3_64bits_update(st, co->map_body.data, co->map_body.len);
    js->own_hash = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    if (co->css != MF_NONE) {
        File *css = &e->files.items[co->css];
        css->own_hash = css->hash = XXH3_64bits(css->buf.data ? css->buf.data : "", css->buf.len);
    }
}

/* ---- step 3: hashes and names ----------------------------------------------- */

static void fold_refs(Emit *e, XXH3_state_t *st, uint32_t f, uint32_t *mark, uint32_t stamp) {
    /* Depth first in reference order; explicit stack so that long chains
     * cannot overflow. */
    MF_VEC(uint32_t) stack = {0};
    MF_VEC_PUSH(&stack, f);
    mark[f] = stamp;
    while (stack.len) {
        uint32_t x = stack.items[--stack.len];
        const File *file = &e->files.items[x];
        for (uint32_t i = file->refs.len; i-- > 0;) {
            uint32_t t = file->refs.items[i].file;
            if (t == REF_HOT_ID || mark[t] == stamp) continue;
            mark[t] = stamp;
            MF_VEC_PUSH(&stack, t);
        }
        if (x != f) XXH3_64bits_update(st, &e->files.items[x].own_hash, sizeof(uint64_t));
    }
    free(stack.items);
}

static void name_files(Emit *e) {
    uint32_t *mark = mf_xcalloc(e->files.len + 1, sizeof(uint32_t));
    XXH3_state_t *st = XXH3_createState();
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) {
        ChunkOut *co = &e->co[ci];
        if (co->js == MF_NONE) continue;
        const char *cname = e->ch->items.items[ci].name;
        if (co->css != MF_NONE) {
            File *css = &e->files.items[co->css];
            char *p = mf_output_name(e->css_pattern, cname, css->hash);
            css->path = mf_arena_strdup(e->arena, p);
            free(p);
        }
        File *js = &e->files.items[co->js];
        XXH3_64bits_reset(st);
        XXH3_64bits_update(st, &js->own_hash, sizeof(uint64_t));
        fold_refs(e, st, co->js, mark, co->js + 1);
        js->hash = XXH3_64bits_digest(st);
    }
    /* Names only once every hash is known (a name never feeds a hash). */
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) {
        ChunkOut *co = &e->co[ci];
        if (co->js == MF_NONE) continue;
        File *js = &e->files.items[co->js];
        if (js->kind == MF_OUT_CONTAINER) {
            js->path = e->cfg->filename; /* fixed: hosts are configured with its URL */
        } else {
            char *p = mf_output_name(e->js_pattern, e->ch->items.items[ci].name, js->hash);
            js->path = mf_arena_strdup(e->arena, p);
            free(p);
        }
        if (co->map != MF_NONE) e->files.items[co->map].path = mf_arena_printf(e->arena, "%s.map", js->path);
    }
    XXH3_freeState(st);
    free(mark);
}

/* Two outputs with one name would overwrite each other: an output.filename
 * without [name] (or without a hash) for several chunks. */
static void check_unique_paths(Emit *e, MfLog *log) {
    MfMap *seen = mf_map_new();
    for (uint32_t i = 0; i < e->files.len; i++) {
        const File *f = &e->files.items[i];
        uint32_t other;
        if (!f->path) continue;
        if (mf_map_get(seen, f->path, &other) && f->kind != MF_OUT_ASSET) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CONFIG_VALUE, e->cfg->config_path, NULL, 0, 0, 0,
                       "Two output files would both be named \"%s\" (%s \"%s\" and %s \"%s\")", f->path,
                       mf_out_kind_name(e->files.items[other].kind), e->files.items[other].name,
                       mf_out_kind_name(f->kind), f->name);
            mf_log_note(log, "Put [name] and [contenthash] in \"filename\" (in output), as in \"[name].[contenthash].js\".");
            break;
        }
        mf_map_put(seen, f->path, i);
    }
    mf_map_free(seen);
}

/* ---- step 4: final bytes ---------------------------------------------------- */

static void gzip_file(Emit *e, File *f, int worker) {
    if (!e->gzip) return;
    if (!e->compressors[worker]) e->compressors[worker] = libdeflate_alloc_compressor(6);
    struct libdeflate_compressor *c = e->compressors[worker];
    if (!c) return;
    const char *data = f->final ? f->final : f->borrowed;
    size_t len = f->final ? f->final_len : f->borrowed_len;
    size_t bound = libdeflate_gzip_compress_bound(c, len);
    f->gz = mf_xmalloc(bound ? bound : 1);
    f->gz_len = libdeflate_gzip_compress(c, data, len, f->gz, bound);
    if (!f->gz_len) {
        free(f->gz);
        f->gz = NULL;
    }
}

static bool is_text_asset(const char *path) {
    static const char *const text[] = {".svg", ".txt", ".xml", ".json", ".csv", ".md", ".webmanifest",
                                       ".html", ".htm", ".js", ".mjs", ".css", ".map", ".wasm"};
    const char *ext = mf_path_ext(path);
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (strcasecmp(ext, text[i]) == 0) return true;
    return false;
}

static void finish_chunk(Emit *e, uint32_t ci, int worker) {
    ChunkOut *co = &e->co[ci];
    File *js = &e->files.items[co->js];
    MfBuf out = {0};
    uint32_t pos = 0;
    for (uint32_t i = 0; i < js->refs.len; i++) {
        const Ref *r = &js->refs.items[i];
        mf_buf_append(&out, js->buf.data + pos, r->at - pos);
        mf_buf_json_string(&out, r->file == REF_HOT_ID ? e->hot_id : e->files.items[r->file].path);
        pos = r->at;
    }
    mf_buf_append(&out, js->buf.data + pos, js->buf.len - pos);
    if (e->maps) {
        const char *base = mf_path_basename(js->path);
        MfBuf map = {0};
        mf_buf_puts(&map, "{\"version\":3,\"file\":");
        mf_buf_json_string(&map, base);
        mf_buf_append(&map, co->map_body.data, co->map_body.len);
        if (co->map != MF_NONE) {
            mf_buf_printf(&out, "//# sourceMappingURL=%s.map\n", base);
            File *mf = &e->files.items[co->map];
            mf->final_len = map.len;
            mf->final = mf_buf_steal(&map);
            gzip_file(e, mf, worker);
        } else {
            mf_buf_puts(&out, "//# sourceMappingURL=data:application/json;charset=utf-8;base64,");
            mf_base64_encode(&out, map.data, map.len);
            mf_buf_putc(&out, '\n');
            mf_buf_free(&map);
        }
    }
    js->final_len = out.len;
    js->final = mf_buf_steal(&out);
    mf_buf_free(&js->buf);
    gzip_file(e, js, worker);
    if (co->css != MF_NONE) {
        File *css = &e->files.items[co->css];
        css->final_len = css->buf.len;
        css->final = mf_buf_steal(&css->buf);
        gzip_file(e, css, worker);
    }
}

/* ---- step 5: index.html ------------------------------------------------------ */

static void html_url(Emit *e, MfBuf *b, const char *path) {
    const char *pp = e->cfg->public_path ? e->cfg->public_path : "auto";
    if (strcmp(pp, "auto") != 0) {
        mf_buf_puts(b, pp);
        if (*pp && pp[strlen(pp) - 1] != '/') mf_buf_putc(b, '/');
    }
    mf_buf_puts(b, path);
}

static void build_html(Emit *e, MfLog *log) {
    MfBuf tags = {0};
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) {
        const MfChunk *c = &e->ch->items.items[ci];
        if (c->kind != MF_CHUNK_ENTRY) continue;
        for (uint32_t d = 0; d <= c->deps.len; d++) {
            uint32_t k = d < c->deps.len ? c->deps.items[d] : ci;
            if (e->co[k].css == MF_NONE) continue;
            mf_buf_puts(&tags, "<link rel=\"stylesheet\" href=\"");
            html_url(e, &tags, e->files.items[e->co[k].css].path);
            mf_buf_puts(&tags, "\">\n");
        }
    }
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) {
        const MfChunk *c = &e->ch->items.items[ci];
        if (c->kind != MF_CHUNK_ENTRY) continue;
        mf_buf_puts(&tags, "<script defer src=\"");
        html_url(e, &tags, e->files.items[e->co[ci].js].path);
        mf_buf_puts(&tags, "\"></script>\n");
    }
    MfBuf page = {0};
    if (e->cfg->html_template) {
        char *text;
        size_t len;
        if (mf_file_read(e->cfg->html_template, &text, &len) != 0) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_READ_ERROR, e->cfg->html_template, NULL, 0, 0, 0,
                       "Could not read the HTML template: %s", strerror(errno));
            mf_buf_free(&tags);
            return;
        }
        const char *head = NULL;
        for (const char *p = text; (p = memchr(p, '<', len - (size_t)(p - text))); p++)
            if ((size_t)(text + len - p) >= 7 && strncasecmp(p, "</head>", 7) == 0) {
                head = p;
                break;
            }
        size_t at = head ? (size_t)(head - text) : len;
        mf_buf_append(&page, text, at);
        if (at && text[at - 1] != '\n') mf_buf_putc(&page, '\n');
        mf_buf_append(&page, tags.data, tags.len);
        mf_buf_append(&page, text + at, len - at);
        free(text);
    } else {
        mf_buf_puts(&page, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        mf_buf_puts(&page, e->cfg->name ? e->cfg->name : "app");
        mf_buf_puts(&page, "</title>\n");
        mf_buf_append(&page, tags.data, tags.len);
        mf_buf_puts(&page, "</head>\n<body>\n<div id=\"root\"></div>\n</body>\n</html>\n");
    }
    mf_buf_free(&tags);
    uint32_t f = add_file(e, MF_OUT_HTML, "index.html");
    File *file = &e->files.items[f];
    file->path = "index.html";
    file->final_len = page.len;
    file->final = mf_buf_steal(&page);
    gzip_file(e, file, 0);
}

/* ---- step 5: mf-manifest.json and mf-stats.json ------------------------------- */

static void build_manifests(Emit *e) {
    uint32_t nc = e->ch->items.len;
    const char **js = mf_xcalloc(nc + 1, sizeof(char *));
    const char **css = mf_xcalloc(nc + 1, sizeof(char *));
    for (uint32_t ci = 0; ci < nc; ci++) {
        if (e->co[ci].js != MF_NONE) js[ci] = e->files.items[e->co[ci].js].path;
        if (e->co[ci].css != MF_NONE) css[ci] = e->files.items[e->co[ci].css].path;
    }
    MfChunkFiles files = {js, css};
    static const struct { MfOutKind kind; const char *name; bool stats; } out[] = {
        {MF_OUT_MANIFEST, "mf-manifest.json", false},
        {MF_OUT_STATS, "mf-stats.json", true},
    };
    for (int i = 0; i < 2; i++) {
        char *text = mf_manifest_json(e->g, e->cfg, e->link, e->ch, &files, out[i].stats);
        uint32_t f = add_file(e, out[i].kind, out[i].name);
        File *file = &e->files.items[f];
        file->path = out[i].name;
        file->final_len = strlen(text);
        file->final = text;
        gzip_file(e, file, 0);
    }
    free(js);
    free(css);
}

/* ---- watch mode: chunk outputs kept between builds ------------------------------- */

/* A chunk that is not a runtime (entry, container) references no other
 * file, so its final bytes are a function of its members' records and
 * rendered text (their serials and render keys) and of the session's
 * config, which a watch session keeps (a config change starts a new
 * session).  Its output from an earlier build with the same key is reused
 * as it is: no render, no hash, no map, no gzip. */
typedef struct CachedFile {
    char *data, *gz;
    size_t len, gz_len;
} CachedFile;

typedef struct CachedChunk {
    uint64_t key, js_own_hash, css_hash;
    CachedFile js, css, map;
    bool has_css, has_map;
    bool stale;             /* from a build with errors: never reused */
    uint32_t stamp;         /* the last emit that used it */
} CachedChunk;

typedef struct ChunkCache {
    MfMap *by_name;         /* chunk name -> index in items */
    MF_VEC(CachedChunk) items;
    uint32_t stamp;
} ChunkCache;

static void *chunk_cache_new(void) {
    ChunkCache *cc = mf_xcalloc(1, sizeof *cc);
    cc->by_name = mf_map_new();
    return cc;
}

static void cached_file_free(CachedFile *f) {
    free(f->data);
    free(f->gz);
    *f = (CachedFile){0};
}

static void cached_chunk_clear(CachedChunk *c) {
    cached_file_free(&c->js);
    cached_file_free(&c->css);
    cached_file_free(&c->map);
    c->key = 0;
    c->has_css = c->has_map = c->stale = false;
}

static void chunk_cache_free(void *p) {
    ChunkCache *cc = p;
    if (!cc) return;
    for (uint32_t i = 0; i < cc->items.len; i++) cached_chunk_clear(&cc->items.items[i]);
    free(cc->items.items);
    mf_map_free(cc->by_name);
    free(cc);
}

static uint64_t chunk_key(const Emit *e, uint32_t ci) {
    const MfChunk *c = &e->ch->items.items[ci];
    uint64_t h = XXH3_64bits_withSeed(c->name, strlen(c->name), (uint64_t)c->kind + (e->link->uses_empty ? 99 : 0));
    for (uint32_t i = 0; i < c->modules.len; i++) {
        uint32_t mi = c->modules.items[i];
        const MfModule *m = e->g->modules.items[mi];
        uint64_t parts[3] = {m->serial, render_key(e, mi),
                             (uint64_t)e->in_cycle[mi] | (uint64_t)(e->ch->chunk_of[mi] == ci) << 1};
        h = XXH3_64bits_withSeed(parts, sizeof parts, h);
    }
    for (uint32_t i = 0; i < c->css.len; i++) {
        uint64_t parts[2] = {e->g->modules.items[c->css.items[i]]->serial, render_key(e, c->css.items[i])};
        h = XXH3_64bits_withSeed(parts, sizeof parts, h + 1);
    }
    return h;
}

/* Before rendering: which chunks can be reused; their hashes are set so
 * that naming treats them like rendered ones. */
static void chunk_cache_lookup(Emit *e) {
    e->cached = mf_arena_alloc(e->arena, (e->ch->items.len + 1) * sizeof(uint32_t));
    e->chunk_key = mf_arena_alloc(e->arena, (e->ch->items.len + 1) * sizeof(uint64_t));
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) e->cached[ci] = MF_NONE;
    if (!e->g->cache) return;
    e->cc = mf_module_cache_emit_state(e->g->cache, chunk_cache_new, chunk_cache_free);
    e->cc->stamp++;
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) {
        const MfChunk *c = &e->ch->items.items[ci];
        if (!emitted(e, ci) || c->kind == MF_CHUNK_ENTRY || c->kind == MF_CHUNK_CONTAINER) continue;
        e->chunk_key[ci] = chunk_key(e, ci);
        uint32_t k;
        if (!mf_map_get(e->cc->by_name, c->name, &k)) continue;
        CachedChunk *cc = &e->cc->items.items[k];
        cc->stamp = e->cc->stamp; /* kept: replaced after this build if the key differs */
        if (!cc->js.data || cc->stale || cc->key != e->chunk_key[ci] || cc->has_css != (e->co[ci].css != MF_NONE) ||
            cc->has_map != (e->co[ci].map != MF_NONE))
            continue;
        e->cached[ci] = k;
        e->files.items[e->co[ci].js].own_hash = cc->js_own_hash;
        if (cc->has_css) e->files.items[e->co[ci].css].own_hash = e->files.items[e->co[ci].css].hash = cc->css_hash;
    }
}

/* A reused chunk's files borrow the cache's bytes (the cache outlives the
 * build's result: a session frees each build before the next). */
static void borrow_cached(File *f, const CachedFile *c) {
    f->reused = true;
    f->borrowed = c->data;
    f->borrowed_len = c->len;
    if (c->gz) {
        f->gz = mf_xmalloc(c->gz_len ? c->gz_len : 1);
        memcpy(f->gz, c->gz, c->gz_len);
        f->gz_len = c->gz_len;
    }
}

static void keep_file(CachedFile *c, const File *f) {
    cached_file_free(c);
    c->len = f->final_len;
    c->data = mf_xmalloc(c->len + 1);
    memcpy(c->data, f->final, c->len);
    if (f->gz) {
        c->gz = mf_xmalloc(f->gz_len ? f->gz_len : 1);
        memcpy(c->gz, f->gz, f->gz_len);
        c->gz_len = f->gz_len;
    }
}

/* After finishing: reused chunks get their files; new outputs are kept;
 * chunks no build uses any more are dropped. */
static void chunk_cache_update(Emit *e) {
    if (!e->cc) return;
    for (uint32_t ci = 0; ci < e->ch->items.len; ci++) {
        const MfChunk *c = &e->ch->items.items[ci];
        if (!emitted(e, ci) || c->kind == MF_CHUNK_ENTRY || c->kind == MF_CHUNK_CONTAINER) continue;
        ChunkOut *co = &e->co[ci];
        if (e->cached[ci] != MF_NONE) {
            const CachedChunk *cc = &e->cc->items.items[e->cached[ci]];
            borrow_cached(&e->files.items[co->js], &cc->js);
            if (co->css != MF_NONE) borrow_cached(&e->files.items[co->css], &cc->css);
            if (co->map != MF_NONE) borrow_cached(&e->files.items[co->map], &cc->map);
            continue;
        }
        uint32_t k;
        if (!mf_map_get(e->cc->by_name, c->name, &k)) {
            k = e->cc->items.len;
            CachedChunk fresh = {0};
            MF_VEC_PUSH(&e->cc->items, fresh);
            mf_map_put(e->cc->by_name, c->name, k);
        }
        CachedChunk *cc = &e->cc->items.items[k];
        cached_chunk_clear(cc);
        cc->key = e->chunk_key[ci];
        cc->stamp = e->cc->stamp;
        cc->js_own_hash = e->files.items[co->js].own_hash;
        keep_file(&cc->js, &e->files.items[co->js]);
        if ((cc->has_css = co->css != MF_NONE)) {
            cc->css_hash = e->files.items[co->css].hash;
            keep_file(&cc->css, &e->files.items[co->css]);
        }
        if ((cc->has_map = co->map != MF_NONE)) keep_file(&cc->map, &e->files.items[co->map]);
    }
    for (uint32_t k = 0; k < e->cc->items.len; k++)
        if (e->cc->items.items[k].stamp != e->cc->stamp) cached_chunk_clear(&e->cc->items.items[k]);
}

/* A build with errors is not written: what it cached must not pass for
 * what the output folder holds (MfOutFile.reused). */
static void chunk_cache_forget(Emit *e) {
    /* Keys only: this build's files may borrow the bytes until it is freed. */
    for (uint32_t k = 0; e->cc && k < e->cc->items.len; k++) e->cc->items.items[k].stale = true;
}

/* ---- the parallel steps ------------------------------------------------------- */

/* A reused chunk is not rendered, but a dev build still needs each of its
 * modules' function text for hot updates: the module's render cache holds
 * it (the chunk's key covers the render keys). */
static void hot_keep_chunk(Emit *e, uint32_t ci) {
    if (!e->hot) return;
    const MfChunk *c = &e->ch->items.items[ci];
    ChunkOut scratch = {0};
    for (uint32_t i = 0; i < c->modules.len; i++) {
        uint32_t mi = c->modules.items[i];
        const MfModule *m = e->g->modules.items[mi];
        if (e->ch->chunk_of[mi] != ci || !m->render.text) continue;
        scratch.deps.len = 0;
        render_deps(e, &scratch, mi, true);
        hot_keep(e, mi, m->render.text, m->render.len);
    }
    mf_buf_free(&scratch.deps);
}

typedef struct Job {
    Emit *e;
    uint32_t chunk;
    bool finish;
} Job;

static void job_run(void *arg, int worker) {
    Job *j = arg;
    if (j->e->cached[j->chunk] != MF_NONE) {
        if (!j->finish) hot_keep_chunk(j->e, j->chunk);
        return;
    }
    if (j->finish) finish_chunk(j->e, j->chunk, worker);
    else render_chunk(j->e, j->chunk);
}

/* Runs step 2 or 4 for every emitted chunk; results land in per-chunk
 * slots, so completion order does not matter. */
static void run_chunks(Emit *e, MfPool *pool, bool finish) {
    uint32_t n = e->ch->items.len;
    Job *jobs = mf_xcalloc(n + 1, sizeof(Job));
    for (uint32_t ci = 0; ci < n; ci++) {
        jobs[ci] = (Job){e, ci, finish};
        if (!emitted(e, ci)) continue;
        if (pool) mf_pool_submit(pool, job_run, &jobs[ci]);
        else job_run(&jobs[ci], 0);
    }
    if (pool)
        while (mf_pool_wait_one(pool)) {}
    free(jobs);
}

/* Marks every module that is on a cycle of imports other than import()
 * (Tarjan's strongly connected components, iterative: import chains can be
 * thousands long).  A module that imports itself is on a cycle. */
static bool *find_cycles(const MfGraph *g, MfArena *arena) {
    uint32_t n = g->modules.len;
    bool *in_cycle = mf_arena_alloc(arena, n + 1);
    uint32_t *index = mf_xmalloc((n + 1) * sizeof(uint32_t)), *low = mf_xmalloc((n + 1) * sizeof(uint32_t));
    uint32_t *scc = mf_xmalloc((n + 1) * sizeof(uint32_t)), n_scc = 0;
    bool *on_scc = mf_xcalloc(n + 1, 1);
    typedef struct { uint32_t mod, next; } Frame;
    Frame *stack = mf_xmalloc((n + 1) * sizeof(Frame));
    uint32_t counter = 0;
    for (uint32_t i = 0; i < n; i++) index[i] = MF_NONE;
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != MF_NONE) continue;
        uint32_t sp = 0;
        stack[sp++] = (Frame){root, 0};
        index[root] = low[root] = counter++;
        scc[n_scc++] = root, on_scc[root] = true;
        while (sp) {
            Frame *f = &stack[sp - 1];
            const MfModule *m = g->modules.items[f->mod];
            if (f->next < m->imports.len) {
                const MfImportRecord *rec = &m->imports.items[f->next++];
                uint32_t t = rec->target;
                if (t == MF_NONE || rec->kind == MF_IMPORT_DYNAMIC) continue;
                if (t == f->mod) in_cycle[t] = true;
                if (index[t] == MF_NONE) {
                    index[t] = low[t] = counter++;
                    scc[n_scc++] = t, on_scc[t] = true;
                    stack[sp++] = (Frame){t, 0};
                } else if (on_scc[t] && index[t] < low[f->mod]) {
                    low[f->mod] = index[t];
                }
                continue;
            }
            uint32_t v = f->mod;
            sp--;
            if (sp && low[v] < low[stack[sp - 1].mod]) low[stack[sp - 1].mod] = low[v];
            if (low[v] != index[v]) continue;
            /* v roots a component: pop it; more than one member is a cycle. */
            uint32_t start = n_scc;
            while (scc[start - 1] != v) start--;
            start--;
            for (uint32_t k = start; k < n_scc; k++) {
                on_scc[scc[k]] = false;
                if (n_scc - start > 1) in_cycle[scc[k]] = true;
            }
            n_scc = start;
        }
    }
    free(stack);
    free(on_scc);
    free(scc);
    free(low);
    free(index);
    return in_cycle;
}

/* A runtime file as an expression: without trailing blanks or ';', which
 * would break `(runtime)(config)`. */
static size_t trim_runtime(const char *s, size_t n) {
    while (n && (strchr(" \t\r\n;", s[n - 1]))) n--;
    return n;
}

static void prepare_runtime(Emit *e) {
    bool web = e->cfg->target == MF_TARGET_WEB;
    e->runtime = web ? mf_runtime_core_web_js : mf_runtime_core_js;
    e->runtime_len = web ? trim_runtime(mf_runtime_core_web_js, mf_runtime_core_web_js_len)
                         : trim_runtime(mf_runtime_core_js, mf_runtime_core_js_len);
    bool remotes = uses_remotes(e);
    e->fed_runtime = remotes ? mf_runtime_federation_js : mf_runtime_federation_noremotes_js;
    e->fed_runtime_len = remotes ? trim_runtime(mf_runtime_federation_js, mf_runtime_federation_js_len)
                                 : trim_runtime(mf_runtime_federation_noremotes_js, mf_runtime_federation_noremotes_js_len);
    e->hot_runtime = mf_runtime_hot_js;
    e->hot_runtime_len = trim_runtime(mf_runtime_hot_js, mf_runtime_hot_js_len);
}

/* The hot state id: every module function (id and hash) and every file
 * name, so that two builds share an id only when a page of one needs no
 * update to match the other. */
static void hot_state_id(Emit *e) {
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    for (uint32_t i = 0; i < e->g->modules.len; i++) {
        const MfHotModule *h = &e->hot_modules[i];
        XXH3_64bits_update(st, e->link->id_literals[i], strlen(e->link->id_literals[i]) + 1);
        XXH3_64bits_update(st, &h->hash, sizeof h->hash);
    }
    for (uint32_t i = 0; i < e->files.len; i++)
        if (e->files.items[i].path) XXH3_64bits_update(st, e->files.items[i].path, strlen(e->files.items[i].path) + 1);
    char hex[17];
    hex16(XXH3_64bits_digest(st), hex);
    XXH3_freeState(st);
    e->hot_id = mf_arena_strdup(e->arena, hex);
}

MfEmit *mf_emit(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch, MfLog *log) {
    Emit e = {.g = g, .cfg = cfg, .link = link, .ch = ch};
    e.arena = mf_arena_new();
    e.maps = cfg->source_map != MF_SOURCEMAP_NONE;
    e.gzip = cfg->mode == MF_MODE_PRODUCTION;
    e.js_pattern = cfg->out_filename ? cfg->out_filename : "[name].[contenthash].js";
    size_t pl = strlen(e.js_pattern);
    if (pl > 4 && (strcmp(e.js_pattern + pl - 4, ".mjs") == 0 || strcmp(e.js_pattern + pl - 4, ".cjs") == 0))
        e.css_pattern = mf_arena_printf(e.arena, "%.*s.css", (int)(pl - 4), e.js_pattern);
    else if (pl > 3 && strcmp(e.js_pattern + pl - 3, ".js") == 0)
        e.css_pattern = mf_arena_printf(e.arena, "%.*s.css", (int)(pl - 3), e.js_pattern);
    else
        e.css_pattern = mf_arena_printf(e.arena, "%s.css", e.js_pattern);
    e.hash_len = mf_output_hash_len(e.js_pattern);
    e.global = mf_arena_printf(e.arena, "__mfbuild_%s", cfg->name ? cfg->name : "app");
    e.fed = mf_uses_federation(cfg) || cfg->runtime_plugins.len || g->runtime_refs.len;
    prepare_runtime(&e);
    e.in_cycle = find_cycles(g, e.arena);
    e.hot = cfg->hot && cfg->target == MF_TARGET_WEB;
    if (e.hot) e.hot_modules = mf_xcalloc(g->modules.len + 1, sizeof(MfHotModule));
    e.asset_path = mf_arena_alloc(e.arena, (g->modules.len + 1) * sizeof(char *));
    e.co = mf_xcalloc(ch->items.len + 1, sizeof(ChunkOut));

    /* 1. Assets first: JS and CSS name them. */
    name_assets(&e);
    uint32_t n_assets = e.files.len;

    /* File slots for every chunk that has something to emit (an entry
     * always: it starts the app even when its modules are shared). */
    for (uint32_t ci = 0; ci < ch->items.len; ci++) {
        const MfChunk *c = &ch->items.items[ci];
        ChunkOut *co = &e.co[ci];
        co->js = co->css = co->map = MF_NONE;
        if (c->kind != MF_CHUNK_ENTRY && c->kind != MF_CHUNK_CONTAINER && c->modules.len == 0) continue;
        MfOutKind kind = c->kind == MF_CHUNK_ENTRY ? MF_OUT_ENTRY : c->kind == MF_CHUNK_CONTAINER ? MF_OUT_CONTAINER
                                                                                                  : MF_OUT_CHUNK;
        co->js = add_file(&e, kind, kind == MF_OUT_CONTAINER ? cfg->filename : c->name);
        if (c->css.len) co->css = add_file(&e, MF_OUT_CSS, c->name);
        if (cfg->source_map == MF_SOURCEMAP_FILE) co->map = add_file(&e, MF_OUT_MAP, c->name);
        char *probe = kind == MF_OUT_CONTAINER ? mf_xstrdup(cfg->filename) : mf_output_name(e.js_pattern, c->name, 0);
        char *slash = strrchr(probe, '/');
        co->dir = slash ? mf_arena_strndup(e.arena, probe, (size_t)(slash - probe + 1)) : "";
        free(probe);
    }

    int threads = cfg->threads > 0 ? cfg->threads : 1;
    MfPool *pool = g->cache ? mf_module_cache_pool(g->cache) : mf_pool_new(threads);
    e.n_workers = pool ? mf_pool_threads(pool) : 1;
    e.compressors = mf_xcalloc((size_t)e.n_workers + 1, sizeof(*e.compressors));

    /* 2-4.  After step 2 no file is added until the HTML. */
    chunk_cache_lookup(&e);
    run_chunks(&e, pool, false);
    name_files(&e);
    if (e.hot) hot_state_id(&e);
    check_unique_paths(&e, log);
    run_chunks(&e, pool, true);
    chunk_cache_update(&e);
    if (pool && !g->cache) mf_pool_free(pool);
    /* 5. */
    if (cfg->html) build_html(&e, log);
    if (mf_uses_federation(cfg)) build_manifests(&e);
    if (log->errors) chunk_cache_forget(&e);
    /* Text assets (SVG, JSON, ...) get .gz siblings like JS and CSS do;
     * images and fonts are compressed formats already. */
    for (uint32_t i = 0; i < n_assets; i++)
        if (is_text_asset(e.files.items[i].path)) gzip_file(&e, &e.files.items[i], 0);
    for (int i = 0; i < e.n_workers; i++)
        if (e.compressors[i]) libdeflate_free_compressor(e.compressors[i]);
    free(e.compressors);

    /* The result, in output order: chunks (JS, CSS, map), assets, HTML. */
    MfEmit *r = mf_xcalloc(1, sizeof *r);
    r->arena = e.arena;
    r->hot_id = e.hot_id;
    r->hot_modules = e.hot_modules;
    r->n_hot_modules = e.hot ? g->modules.len : 0;
    uint32_t *order = mf_xmalloc((e.files.len + 1) * sizeof(uint32_t)), n_order = 0;
    for (uint32_t i = n_assets; i < e.files.len; i++) {
        MfOutKind k = e.files.items[i].kind;
        if (k != MF_OUT_HTML && k != MF_OUT_MANIFEST && k != MF_OUT_STATS) order[n_order++] = i;
    }
    for (uint32_t i = 0; i < n_assets; i++) order[n_order++] = i;
    for (uint32_t i = n_assets; i < e.files.len; i++)
        if (e.files.items[i].kind == MF_OUT_HTML) order[n_order++] = i;
    for (uint32_t i = n_assets; i < e.files.len; i++)
        if (e.files.items[i].kind == MF_OUT_MANIFEST || e.files.items[i].kind == MF_OUT_STATS) order[n_order++] = i;
    for (uint32_t k = 0; k < n_order; k++) {
        File *f = &e.files.items[order[k]];
        MfOutFile o = {.path = f->path, .kind = f->kind, .name = f->name, .gz = f->gz, .gz_len = f->gz_len,
                       .reused = f->reused};
        if (f->final) {
            o.data = f->final;
            o.len = f->final_len;
        } else {
            o.data = f->borrowed;
            o.len = f->borrowed_len;
            o.borrowed = true;
        }
        MF_VEC_PUSH(&r->files, o);
        f->final = NULL;
        f->gz = NULL;
    }
    free(order);
    for (uint32_t i = 0; i < e.files.len; i++) {
        File *f = &e.files.items[i];
        mf_buf_free(&f->buf);
        free(f->refs.items);
        free(f->final);
        free(f->gz);
    }
    free(e.files.items);
    for (uint32_t ci = 0; ci < ch->items.len; ci++) {
        free(e.co[ci].mappings.items);
        mf_buf_free(&e.co[ci].map_body);
    }
    free(e.co);
    return r;
}

void mf_emit_free(MfEmit *e) {
    if (!e) return;
    for (uint32_t i = 0; i < e->files.len; i++) {
        MfOutFile *f = &e->files.items[i];
        if (!f->borrowed) free((char *)f->data);
        free(f->gz);
    }
    free(e->files.items);
    for (uint32_t i = 0; i < e->n_hot_modules; i++) {
        free(e->hot_modules[i].text);
        free(e->hot_modules[i].deps);
    }
    free(e->hot_modules);
    mf_arena_free(e->arena);
    free(e);
}

/* ---- writing the output folder ------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st, (void)type, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Removes a file or folder tree; a missing path is fine. */
static int rm_rf(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p; an existing non-folder is an error (ENOTDIR). */
static int make_dirs(const char *path) {
    char *p = mf_xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s) continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0755) != 0) {
            struct stat st;
            if (errno != EEXIST) rc = -1;
            else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) errno = ENOTDIR, rc = -1;
        }
        *s = c;
        if (rc || !c) break;
    }
    free(p);
    return rc;
}

static int write_file(const char *path, const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return close(fd);
}

static void write_error(MfLog *log, const char *what, const char *path) {
    mf_log_add(log, MF_DIAG_ERROR, MF_MSG_WRITE_ERROR, NULL, NULL, 0, 0, 0, "Could not %s \"%s\": %s", what, path,
               strerror(errno));
}

bool mf_emit_write(const MfEmit *e, const char *out_dir, MfLog *log) {
    bool ok = false, moved = false;
    char *parent = mf_path_dirname(out_dir);
    char *tmp = mf_xasprintf("%s.tmp-%ld", out_dir, (long)getpid());
    char *old = mf_xasprintf("%s.old-%ld", out_dir, (long)getpid());
    char *path = NULL, *dir = NULL;
    struct stat st;
    if (lstat(out_dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        write_error(log, "replace the output folder", out_dir);
        goto done;
    }
    if (make_dirs(parent) != 0) {
        write_error(log, "create the folder", parent);
        goto done;
    }
    if (rm_rf(tmp) != 0 || mkdir(tmp, 0755) != 0) {
        write_error(log, "create the folder", tmp);
        goto done;
    }
    for (uint32_t i = 0; i < e->files.len; i++) {
        const MfOutFile *f = &e->files.items[i];
        free(path);
        path = mf_xasprintf("%s/%s", tmp, f->path);
        if (strchr(f->path, '/')) {
            free(dir);
            dir = mf_path_dirname(path);
            if (make_dirs(dir) != 0) {
                write_error(log, "create the folder", dir);
                goto fail;
            }
        }
        if (write_file(path, f->data, f->len) != 0) {
            write_error(log, "write", path);
            goto fail;
        }
        if (f->gz) {
            char *gz = mf_xasprintf("%s.gz", path);
            int rc = write_file(gz, f->gz, f->gz_len);
            if (rc != 0) write_error(log, "write", gz);
            free(gz);
            if (rc != 0) goto fail;
        }
    }
    /* The swap: old folder aside, new one in, old one removed.  Between the
     * two renames there is no dist/ for an instant, never a partial one. */
    if (rm_rf(old) != 0) {
        write_error(log, "remove", old);
        goto fail;
    }
    if (lstat(out_dir, &st) == 0) {
        if (rename(out_dir, old) != 0) {
            write_error(log, "move aside the old output folder", out_dir);
            goto fail;
        }
        moved = true;
    }
    if (rename(tmp, out_dir) != 0) {
        write_error(log, "move into place the output folder", out_dir);
        if (moved && rename(old, out_dir) != 0) write_error(log, "restore the old output folder", out_dir);
        goto fail;
    }
    if (moved) (void)rm_rf(old);
    ok = true;
    goto done;
fail:
    (void)rm_rf(tmp);
done:
    free(path);
    free(dir);
    free(parent);
    free(tmp);
    free(old);
    return ok;
}

/* ---- watch mode: rewriting only what changed ------------------------------------ */

/* What the last write left in the output folder: path -> hash of its
 * bytes (".gz" siblings are entries of their own). */
struct MfOutState {
    MfMap *index;                 /* path -> index in paths */
    MF_VEC(char *) paths;
    MF_VEC(uint64_t) hashes;
    MF_VEC(uint32_t) seen;        /* the write that last produced it */
    uint32_t stamp;
    bool written;                 /* a first (whole-folder) write happened */
};

MfOutState *mf_out_state_new(void) {
    MfOutState *s = mf_xcalloc(1, sizeof *s);
    s->index = mf_map_new();
    return s;
}

void mf_out_state_free(MfOutState *s) {
    if (!s) return;
    for (uint32_t i = 0; i < s->paths.len; i++) free(s->paths.items[i]);
    free(s->paths.items);
    free(s->hashes.items);
    free(s->seen.items);
    mf_map_free(s->index);
    free(s);
}

/* Records `path` with the hash of data[0..len) for this write; true when
 * it differs from what the folder holds (new, or other bytes).  A `reused`
 * file that the previous write left in place is not even hashed. */
static bool out_state_update(MfOutState *s, const char *path, const char *data, size_t len, bool reused) {
    uint32_t i;
    bool known = mf_map_get(s->index, path, &i);
    if (known && reused && s->seen.items[i] == s->stamp - 1) {
        s->seen.items[i] = s->stamp;
        return false;
    }
    uint64_t hash = XXH3_64bits(data, len);
    if (!known) {
        i = s->paths.len;
        MF_VEC_PUSH(&s->paths, mf_xstrdup(path));
        MF_VEC_PUSH(&s->hashes, hash);
        MF_VEC_PUSH(&s->seen, s->stamp);
        mf_map_put(s->index, path, i);
        return true;
    }
    bool changed = s->hashes.items[i] != hash || s->seen.items[i] == 0;
    s->hashes.items[i] = hash;
    s->seen.items[i] = s->stamp;
    return changed;
}

/* Writes one file next to its final place and renames it over: a reader
 * (a browser, a server) sees the old bytes or the new, never a part. */
static bool write_atomic(const char *out_dir, const char *rel, const char *data, size_t len, MfLog *log) {
    char *path = mf_xasprintf("%s/%s", out_dir, rel);
    char *dir = mf_path_dirname(path);
    char *tmp = mf_xasprintf("%s/.%s.tmp-%ld", dir, mf_path_basename(path), (long)getpid());
    bool ok = false;
    /* The folder is there but for the first file of a new subfolder: make
     * it only when the write says so (one system call less per file). */
    int rc = write_file(tmp, data, len);
    if (rc != 0 && errno == ENOENT && make_dirs(dir) == 0) rc = write_file(tmp, data, len);
    if (rc != 0) write_error(log, "write", tmp);
    else if (rename(tmp, path) != 0) write_error(log, "replace", path);
    else ok = true;
    if (!ok) (void)unlink(tmp);
    free(tmp);
    free(dir);
    free(path);
    return ok;
}

bool mf_emit_write_changed(const MfEmit *e, const char *out_dir, MfOutState *s, uint32_t *n_written, MfLog *log) {
    *n_written = 0;
    s->stamp++;
    bool first = !s->written;
    /* The hashes of this output, and which files differ. */
    uint32_t n = e->files.len;
    bool *changed = mf_xcalloc(2 * (size_t)n + 1, sizeof(bool));
    for (uint32_t i = 0; i < n; i++) {
        const MfOutFile *f = &e->files.items[i];
        changed[2 * i] = out_state_update(s, f->path, f->data, f->len, f->reused);
        if (f->gz) {
            char *gz = mf_xasprintf("%s.gz", f->path);
            changed[2 * i + 1] = out_state_update(s, gz, f->gz, f->gz_len, f->reused);
            free(gz);
        }
    }
    bool ok = true;
    if (first) {
        /* The first build of a session replaces the folder, like build. */
        ok = mf_emit_write(e, out_dir, log);
        if (ok) *n_written = n;
    } else {
        for (uint32_t i = 0; ok && i < n; i++) {
            const MfOutFile *f = &e->files.items[i];
            if (changed[2 * i]) {
                ok = write_atomic(out_dir, f->path, f->data, f->len, log);
                *n_written += ok;
            }
            if (ok && f->gz && changed[2 * i + 1]) {
                char *gz = mf_xasprintf("%s.gz", f->path);
                ok = write_atomic(out_dir, gz, f->gz, f->gz_len, log);
                free(gz);
            }
        }
        /* Files of earlier builds that this one no longer has (old content
         * hashes): removed, but only files mfbuild wrote. */
        for (uint32_t i = 0; ok && i < s->paths.len; i++) {
            if (s->seen.items[i] == s->stamp || s->seen.items[i] == 0) continue;
            char *path = mf_xasprintf("%s/%s", out_dir, s->paths.items[i]);
            if (unlink(path) != 0 && errno != ENOENT) write_error(log, "remove", path);
            s->seen.items[i] = 0; /* gone: written again if it comes back */
            free(path);
        }
    }
    if (ok) s->written = true;
    else {
        /* Unknown state on disk: the next write starts over. */
        for (uint32_t i = 0; i < s->seen.len; i++) s->seen.items[i] = 0;
        s->written = false;
    }
    free(changed);
    return ok;
}
