/*
 * link.c — the link phase: names every module and every import record the
 * way the generated code will spell them.
 *
 * A module's id is its path relative to the project root ("src/App.tsx",
 * "../node_modules/react/index.js"): the registry key of
 * docs/output-format.md, readable in stack traces and stable across runs and
 * thread counts because it depends on nothing but the file.  How an import
 * *binds* (live bindings, CommonJS interop, namespaces, `export *`) is
 * decided by the transforms when they write `__mf.i(...)`, `__mf.d(...)` and
 * `__mf.s(...)` and carried out by the runtime, so what remains here is the
 * string each import placeholder "\x01n\x02" becomes:
 *
 *   - federation's special ids (docs/output-format.md 4.1), whatever the
 *     record's target: "mf-remote/<specifier>" for a remote reference,
 *     "mf-shared/<key>" for a consume point of a shared package (its local
 *     target is only the fallback, which negotiation may not pick), and
 *     "mfbuild/runtime" for the runtime API;
 *   - a record with a target module: the target's id;
 *   - any other record without a target: on target node a Node builtin,
 *     kept as written for the runtime to hand to Node's require(); on web
 *     (where a builtin is a scan error) a module that a package's "browser"
 *     field maps to false, which becomes the synthetic empty module.
 *
 * Everything is computed once, before the chunks are rendered in parallel,
 * so rendering only reads this table.
 */
#include "mfbuild.h"

#include <stdlib.h>
#include <string.h>

static char *js_literal(MfArena *a, const char *s) {
    MfBuf b = {0};
    mf_buf_json_string(&b, s);
    char *r = mf_arena_strndup(a, b.data, b.len);
    mf_buf_free(&b);
    return r;
}

MfLink *mf_link(const MfGraph *g, const MfConfig *cfg) {
    MfLink *l = mf_xcalloc(1, sizeof *l);
    l->g = g;
    l->arena = mf_arena_new();
    uint32_t n = g->modules.len;
    l->ids = mf_arena_alloc(l->arena, (n + 1) * sizeof(char *));
    l->id_literals = mf_arena_alloc(l->arena, (n + 1) * sizeof(char *));
    l->first_ref = mf_arena_alloc(l->arena, (n + 1) * sizeof(uint32_t));
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        MfModule *m = g->modules.items[i];
        if (g->cache && m->link_id) {
            /* Watch mode: a record's id does not change (one config, one
             * root per session). */
            l->ids[i] = (char *)m->link_id;
            l->id_literals[i] = (char *)m->link_id_literal;
        } else {
            char *rel = mf_path_relative(cfg->root, m->path);
            MfArena *a = g->cache ? m->arena : l->arena;
            l->ids[i] = mf_arena_strdup(a, rel);
            free(rel);
            l->id_literals[i] = js_literal(a, l->ids[i]);
            if (g->cache) m->link_id = l->ids[i], m->link_id_literal = l->id_literals[i];
        }
        l->first_ref[i] = total;
        total += m->imports.len;
    }
    l->first_ref[n] = total;
    l->refs = mf_arena_alloc(l->arena, (total + 1) * sizeof(char *));

    /* Federation's special ids first (they win over a local target), then
     * the default for every record still unset. */
    for (uint32_t i = 0; i < g->remote_refs.len; i++) {
        const MfRemoteRef *r = &g->remote_refs.items[i];
        const char *spec = g->modules.items[r->from]->imports.items[r->import].specifier;
        char *id = mf_xasprintf("mf-remote/%s", spec);
        l->refs[l->first_ref[r->from] + r->import] = js_literal(l->arena, id);
        free(id);
    }
    /* One literal per share key, shared by all its consume points. */
    const char **share_lits = mf_arena_alloc(l->arena, (g->share_keys.len + 1) * sizeof(char *));
    for (uint32_t i = 0; i < g->shared_refs.len; i++) {
        const MfSharedRef *r = &g->shared_refs.items[i];
        if (!r->consume || r->key >= g->share_keys.len) continue;
        if (!share_lits[r->key]) {
            char *id = mf_xasprintf("mf-shared/%s", g->share_keys.items[r->key].key);
            share_lits[r->key] = js_literal(l->arena, id);
            free(id);
        }
        l->refs[l->first_ref[r->from] + r->import] = share_lits[r->key];
    }
    const char *runtime = js_literal(l->arena, MF_RUNTIME_MODULE_ID);
    for (uint32_t i = 0; i < g->runtime_refs.len; i++)
        l->refs[l->first_ref[g->runtime_refs.items[i].from] + g->runtime_refs.items[i].import] = runtime;

    const char *empty = NULL;
    for (uint32_t i = 0; i < n; i++) {
        const MfModule *m = g->modules.items[i];
        for (uint32_t k = 0; k < m->imports.len; k++) {
            const MfImportRecord *r = &m->imports.items[k];
            const char **slot = &l->refs[l->first_ref[i] + k];
            if (*slot) continue;
            if (r->target != MF_NONE) {
                *slot = l->id_literals[r->target];
            } else if (cfg->target == MF_TARGET_NODE) {
                *slot = js_literal(l->arena, r->specifier);
            } else {
                if (!empty) empty = js_literal(l->arena, MF_EMPTY_MODULE_ID);
                *slot = empty;
                l->uses_empty = true;
            }
        }
    }
    return l;
}

void mf_link_free(MfLink *l) {
    if (!l) return;
    mf_arena_free(l->arena);
    free(l);
}

void mf_link_import_ref(void *user, const MfModule *m, uint32_t record, MfBuf *out) {
    const MfLink *l = user;
    if (record >= m->imports.len || m->index >= l->g->modules.len || l->g->modules.items[m->index] != m) {
        mf_buf_json_string(out, record < m->imports.len ? m->imports.items[record].specifier : "");
        return;
    }
    mf_buf_puts(out, l->refs[l->first_ref[m->index] + record]);
}
