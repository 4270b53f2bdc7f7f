/*
 * graph.c — `mfbuild graph`: the module graph for people and for machines.
 *
 * The JSON form is the contract of DESIGN.md section 1 ("Machine-readable
 * output"): modules, edges, remote references and shared consume points.
 * A module's id is its path relative to the project root (symlinks already
 * resolved by the resolver), so edges are readable and stable across runs
 * and thread counts.  Everything is emitted in the graph's stable module
 * order, never by walking a hash table.
 */
#include "mfbuild.h"

#include <stdlib.h>
#include <string.h>

static char *rel_path(const MfConfig *cfg, const MfModule *m) {
    return mf_path_relative(cfg->root, m->path);
}

/* Per-import lookup of remote/shared references, so an edge can say it is
 * also a shared consume point.  refs are sorted by (from, import). */
static const MfSharedRef *shared_ref_of(const MfGraph *g, uint32_t from, uint32_t import) {
    uint32_t lo = 0, hi = g->shared_refs.len;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        const MfSharedRef *r = &g->shared_refs.items[mid];
        if (r->from < from || (r->from == from && r->import < import)) lo = mid + 1;
        else hi = mid;
    }
    if (lo < g->shared_refs.len && g->shared_refs.items[lo].from == from && g->shared_refs.items[lo].import == import)
        return &g->shared_refs.items[lo];
    return NULL;
}

static const MfRemoteRef *remote_ref_of(const MfGraph *g, uint32_t from, uint32_t import) {
    for (uint32_t i = 0; i < g->remote_refs.len; i++) {
        const MfRemoteRef *r = &g->remote_refs.items[i];
        if (r->from == from && r->import == import) return r;
    }
    return NULL;
}

static void human_size(MfBuf *out, uint32_t bytes) {
    if (bytes < 1000) mf_buf_printf(out, "%u B", bytes);
    else if (bytes < 1000 * 1000) mf_buf_printf(out, "%.1f kB", bytes / 1000.0);
    else mf_buf_printf(out, "%.1f MB", bytes / 1e6);
}

void mf_graph_print_text(const MfGraph *g, const MfConfig *cfg, MfBuf *out) {
    char **paths = mf_xcalloc(g->modules.len + 1, sizeof(char *));
    for (uint32_t i = 0; i < g->modules.len; i++) paths[i] = rel_path(cfg, g->modules.items[i]);
    uint64_t total = 0;
    for (uint32_t i = 0; i < g->modules.len; i++) {
        const MfModule *m = g->modules.items[i];
        total += m->size;
        mf_buf_printf(out, "%s  [%s, ", paths[i], mf_module_kind_name(m->kind));
        human_size(out, m->size);
        mf_buf_puts(out, "]\n");
        for (uint32_t k = 0; k < m->imports.len; k++) {
            const MfImportRecord *r = &m->imports.items[k];
            const MfRemoteRef *rr = remote_ref_of(g, i, k);
            if (rr) {
                mf_buf_printf(out, "  %-11s %s  -> remote %s, expose %s\n", mf_import_kind_name(r->kind),
                              r->specifier, cfg->remotes.items[rr->remote].alias, rr->expose);
                continue;
            }
            if (r->target == MF_NONE) continue; /* builtin, empty or unresolved */
            const MfSharedRef *sr = shared_ref_of(g, i, k);
            mf_buf_printf(out, "  %-11s %s  -> %s", mf_import_kind_name(r->kind), r->specifier, paths[r->target]);
            if (sr) mf_buf_printf(out, "  (shared: %s)", sr->package);
            mf_buf_putc(out, '\n');
        }
    }
    mf_buf_printf(out, "%u module%s, ", g->modules.len, g->modules.len == 1 ? "" : "s");
    human_size(out, (uint32_t)(total > UINT32_MAX ? UINT32_MAX : total));
    mf_buf_printf(out, ", %u remote reference%s, %u shared consume point%s\n", g->remote_refs.len,
                  g->remote_refs.len == 1 ? "" : "s", g->shared_refs.len, g->shared_refs.len == 1 ? "" : "s");
    for (uint32_t i = 0; i < g->modules.len; i++) free(paths[i]);
    free(paths);
}

void mf_graph_print_json(const MfGraph *g, const MfConfig *cfg, MfLog *log, MfBuf *out) {
    char **paths = mf_xcalloc(g->modules.len + 1, sizeof(char *));
    for (uint32_t i = 0; i < g->modules.len; i++) paths[i] = rel_path(cfg, g->modules.items[i]);

    mf_buf_puts(out, "{\"modules\":[");
    for (uint32_t i = 0; i < g->modules.len; i++) {
        const MfModule *m = g->modules.items[i];
        mf_buf_puts(out, i ? ",\n{\"id\":" : "\n{\"id\":");
        mf_buf_json_string(out, paths[i]);
        mf_buf_puts(out, ",\"path\":");
        mf_buf_json_string(out, paths[i]);
        mf_buf_printf(out, ",\"kind\":\"%s\",\"size\":%u}", mf_module_kind_name(m->kind), m->size);
    }
    mf_buf_puts(out, "],\n\"edges\":[");
    bool first = true;
    for (uint32_t i = 0; i < g->modules.len; i++) {
        const MfModule *m = g->modules.items[i];
        for (uint32_t k = 0; k < m->imports.len; k++) {
            const MfImportRecord *r = &m->imports.items[k];
            if (r->target == MF_NONE) continue;
            mf_buf_puts(out, first ? "\n{\"from\":" : ",\n{\"from\":");
            first = false;
            mf_buf_json_string(out, paths[i]);
            mf_buf_puts(out, ",\"to\":");
            mf_buf_json_string(out, paths[r->target]);
            mf_buf_puts(out, ",\"specifier\":");
            mf_buf_json_string(out, r->specifier);
            mf_buf_printf(out, ",\"kind\":\"%s\"}", mf_import_kind_name(r->kind));
        }
    }
    mf_buf_puts(out, "],\n\"remotes\":[");
    for (uint32_t i = 0; i < g->remote_refs.len; i++) {
        const MfRemoteRef *rr = &g->remote_refs.items[i];
        const MfImportRecord *r = &g->modules.items[rr->from]->imports.items[rr->import];
        mf_buf_puts(out, i ? ",\n{\"from\":" : "\n{\"from\":");
        mf_buf_json_string(out, paths[rr->from]);
        mf_buf_puts(out, ",\"specifier\":");
        mf_buf_json_string(out, r->specifier);
        mf_buf_puts(out, ",\"remote\":");
        mf_buf_json_string(out, cfg->remotes.items[rr->remote].alias);
        mf_buf_puts(out, ",\"expose\":");
        mf_buf_json_string(out, rr->expose);
        mf_buf_putc(out, '}');
    }
    mf_buf_puts(out, "],\n\"shared\":[");
    for (uint32_t i = 0; i < g->shared_refs.len; i++) {
        const MfSharedRef *sr = &g->shared_refs.items[i];
        const MfImportRecord *r = &g->modules.items[sr->from]->imports.items[sr->import];
        mf_buf_puts(out, i ? ",\n{\"from\":" : "\n{\"from\":");
        mf_buf_json_string(out, paths[sr->from]);
        mf_buf_puts(out, ",\"specifier\":");
        mf_buf_json_string(out, r->specifier);
        mf_buf_puts(out, ",\"package\":");
        mf_buf_json_string(out, sr->package);
        mf_buf_putc(out, '}');
    }
    mf_buf_putc(out, ']');
    if (log && log->diags.len) {
        mf_buf_puts(out, ",\n\"diagnostics\":[");
        mf_log_json(log, cfg->root, out);
        mf_buf_putc(out, ']');
    }
    mf_buf_puts(out, "}\n");
    for (uint32_t i = 0; i < g->modules.len; i++) free(paths[i]);
    free(paths);
}
