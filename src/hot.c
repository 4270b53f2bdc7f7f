/*
 * hot.c — hot update scripts for `mfbuild dev` (output-format.md section 5).
 *
 * A page runs the build whose state id (MfEmit.hot_id) its runtime config
 * carries.  After every error-free rebuild, the dev loop keeps what a later
 * update needs of the build (MfHotState: per module id the hash of its
 * function, per chunk its stylesheet file) and serves, for each of the last
 * few states, the script `__mfbuild/hot/<old id>.js` that takes a page from
 * that state to the newest: the functions of the modules that changed or
 * appeared, their static-imports entries, the ids of modules that are gone,
 * the newest chunk map and import() table (so new lazy chunks load) and the
 * stylesheets to swap.  The script pushes one object onto
 * globalThis.__mfbuild_hot_<name>, where src/runtime/hot.js applies it.
 */
#include "mfbuild.h"

#include <stdlib.h>
#include <string.h>

struct MfHotState {
    char *id;
    MfMap *modules;              /* module id literal -> index in hashes */
    MF_VEC(uint64_t) hashes;
    MF_VEC(char *) ids;          /* module id literals, for "removed" */
    MF_VEC(MfStrPair) css;       /* chunk name -> its stylesheet file */
};

/* The stylesheet of every chunk, by chunk name (CSS outputs are named
 * after their chunk). */
static void each_css(const MfEmit *em, void (*fn)(void *, const char *, const char *), void *user) {
    for (uint32_t i = 0; i < em->files.len; i++)
        if (em->files.items[i].kind == MF_OUT_CSS) fn(user, em->files.items[i].name, em->files.items[i].path);
}

static void keep_css(void *user, const char *name, const char *path) {
    MfHotState *s = user;
    MfStrPair p = {mf_xstrdup(name), mf_xstrdup(path)};
    MF_VEC_PUSH(&s->css, p);
}

MfHotState *mf_hot_state_new(const MfBuild *b) {
    MfHotState *s = mf_xcalloc(1, sizeof *s);
    s->id = mf_xstrdup(b->em->hot_id ? b->em->hot_id : "");
    s->modules = mf_map_new();
    for (uint32_t i = 0; i < b->em->n_hot_modules; i++) {
        if (!b->em->hot_modules[i].text) continue;
        const char *lit = b->link->id_literals[i];
        mf_map_put(s->modules, lit, s->hashes.len);
        MF_VEC_PUSH(&s->hashes, b->em->hot_modules[i].hash);
        MF_VEC_PUSH(&s->ids, mf_xstrdup(lit));
    }
    each_css(b->em, keep_css, s);
    return s;
}

void mf_hot_state_free(MfHotState *s) {
    if (!s) return;
    for (uint32_t i = 0; i < s->ids.len; i++) free(s->ids.items[i]);
    for (uint32_t i = 0; i < s->css.len; i++) free(s->css.items[i].key), free(s->css.items[i].value);
    free(s->ids.items);
    free(s->css.items);
    free(s->hashes.items);
    mf_map_free(s->modules);
    free(s->id);
    free(s);
}

const char *mf_hot_state_id(const MfHotState *s) {
    return s->id;
}

typedef struct CssSwap {
    const MfHotState *old;
    MfBuf *out;
    bool first;
} CssSwap;

static void swap_css(void *user, const char *name, const char *path) {
    CssSwap *cs = user;
    for (uint32_t i = 0; i < cs->old->css.len; i++) {
        const MfStrPair *p = &cs->old->css.items[i];
        if (strcmp(p->key, name) != 0 || strcmp(p->value, path) == 0) continue;
        mf_buf_puts(cs->out, cs->first ? "" : ",");
        cs->first = false;
        mf_buf_json_string(cs->out, p->value);
        mf_buf_putc(cs->out, ':');
        mf_buf_json_string(cs->out, path);
    }
}

/* The final JS and CSS file of each chunk (NULL when it has none), from
 * the output files, which are named after their chunk.  Caller frees both. */
static void chunk_files(const MfBuild *b, const char ***js, const char ***css) {
    uint32_t n = b->chunks->items.len;
    *js = mf_xcalloc(n + 1, sizeof(char *));
    *css = mf_xcalloc(n + 1, sizeof(char *));
    MfMap *by_name = mf_map_new();
    for (uint32_t c = 0; c < n; c++) mf_map_put(by_name, b->chunks->items.items[c].name, c);
    for (uint32_t i = 0; i < b->em->files.len; i++) {
        const MfOutFile *f = &b->em->files.items[i];
        uint32_t c;
        if ((f->kind == MF_OUT_CHUNK || f->kind == MF_OUT_CSS) && mf_map_get(by_name, f->name, &c))
            (f->kind == MF_OUT_CSS ? *css : *js)[c] = f->path;
    }
    mf_map_free(by_name);
}

void mf_hot_update_script(const MfHotState *old, const MfBuild *b, const MfConfig *cfg, MfBuf *out) {
    const MfEmit *em = b->em;
    const char *name = cfg->name ? cfg->name : "app";
    mf_buf_printf(out, "(globalThis.__mfbuild_hot_%s = globalThis.__mfbuild_hot_%s || []).push({\"from\":", name, name);
    mf_buf_json_string(out, old->id);
    mf_buf_puts(out, ",\"to\":");
    mf_buf_json_string(out, em->hot_id);

    /* Changed and new module functions, with their static-imports entries. */
    uint8_t *present = mf_xcalloc(old->ids.len + 1, 1);
    MfBuf deps = {0};
    mf_buf_puts(out, ",\n\"modules\":{\n");
    for (uint32_t i = 0; i < em->n_hot_modules; i++) {
        const MfHotModule *h = &em->hot_modules[i];
        if (!h->text) continue;
        uint32_t k;
        if (mf_map_get(old->modules, b->link->id_literals[i], &k)) {
            present[k] = 1;
            if (old->hashes.items[k] == h->hash) continue;
        }
        mf_buf_append(out, h->text, h->len);
        if (h->deps) {
            if (deps.len) mf_buf_putc(&deps, ',');
            mf_buf_puts(&deps, h->deps);
        }
    }
    mf_buf_puts(out, "},\n\"deps\":{");
    if (deps.len) mf_buf_append(out, deps.data, deps.len);
    mf_buf_free(&deps);
    mf_buf_puts(out, "},\n\"removed\":[");
    bool first = true;
    for (uint32_t k = 0; k < old->ids.len; k++) {
        if (present[k]) continue;
        mf_buf_puts(out, first ? "" : ",");
        first = false;
        mf_buf_puts(out, old->ids.items[k]);
    }
    free(present);

    /* The newest chunk map and import() table (what emit gives each
     * runtime, for every chunk: a runtime ignores what it never loads). */
    mf_buf_puts(out, "],\n\"chunks\":{");
    first = true;
    const char **js_of, **css_of;
    chunk_files(b, &js_of, &css_of);
    for (uint32_t c = 0; c < b->chunks->items.len; c++) {
        const char *cname = b->chunks->items.items[c].name;
        const char *js = js_of[c], *css = css_of[c];
        if (!js) continue;
        mf_buf_puts(out, first ? "" : ",");
        first = false;
        mf_buf_json_string(out, cname);
        mf_buf_puts(out, ":[");
        mf_buf_json_string(out, js);
        if (css) {
            mf_buf_putc(out, ',');
            mf_buf_json_string(out, css);
        }
        mf_buf_putc(out, ']');
    }
    mf_buf_puts(out, "},\n\"asyncDeps\":{");
    first = true;
    for (uint32_t c = 0; c < b->chunks->items.len; c++) {
        const MfChunk *ch = &b->chunks->items.items[c];
        if ((ch->kind != MF_CHUNK_ASYNC && ch->kind != MF_CHUNK_EXPOSE) || ch->root == MF_NONE) continue;
        mf_buf_puts(out, first ? "" : ",");
        first = false;
        mf_buf_puts(out, b->link->id_literals[ch->root]);
        mf_buf_puts(out, ":[");
        bool any = false;
        if (js_of[c]) {
            mf_buf_json_string(out, ch->name);
            any = true;
        }
        for (uint32_t d = 0; d < ch->deps.len; d++) {
            if (!js_of[ch->deps.items[d]]) continue;
            mf_buf_puts(out, any ? "," : "");
            any = true;
            mf_buf_json_string(out, b->chunks->items.items[ch->deps.items[d]].name);
        }
        mf_buf_putc(out, ']');
    }
    free(js_of);
    free(css_of);
    mf_buf_puts(out, "},\n\"css\":{");
    CssSwap cs = {old, out, true};
    each_css(em, swap_css, &cs);
    mf_buf_puts(out, "}});\n");
}
