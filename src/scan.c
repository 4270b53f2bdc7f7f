/*
 * scan.c — the scan phase: from the roots to the module graph.
 *
 * Workers only parse (parse.c, one parser set per worker); this thread owns
 * the graph (STYLE.md 11).  It submits the roots, then takes parsed modules
 * back one at a time, classifies each import (the virtual module
 * "mfbuild/runtime", remote reference, shared package, local file, Node
 * builtin), resolves the local ones and submits every file it has not seen.
 * Modules are numbered in discovery order while the scan runs, which depends
 * on thread timing; once the queue drains they are renumbered by a
 * depth-first walk from the roots in source order, so the graph, and
 * everything built from it, is the same whatever -j says (STYLE.md 12).
 *
 * The roots, in this order: the entries, the exposes, the runtimePlugins
 * (the runtime runs their default exports before the app, so they are code
 * of the app like an entry) and the local fallback of every shared package
 * (a build provides its shared packages to the share scope even when none
 * of its own modules imports them: a host may share React only for its
 * remotes).  After the renumbering, the share keys are fixed and each
 * shared import is marked a consume point or not (see share_keys_fix).
 */
#include "mfbuild.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ---- the module cache (watch mode) ------------------------------------------- */

typedef struct CacheEntry {
    char *path;         /* the real path (malloc'd); entries are never removed,
                         * so an index names one file for the cache's life */
    MfModule *m;        /* NULL until parsed, and once dropped */
    uint64_t hash;      /* of m->source */
    bool dirty;         /* invalidated since it was parsed */
    uint32_t used;      /* the last scan (generation) that reached it */
} CacheEntry;

struct MfModuleCache {
    const MfConfig *cfg;
    MfMap *by_path;               /* real path -> index in entries */
    MF_VEC(CacheEntry) entries;
    MfResolver *resolver;         /* NULL: make a new one at the next scan */
    MfPool *pool;                 /* kept between builds (mf_module_cache_pool) */
    MfParser **parsers;           /* each worker's, kept with the pool */
    uint32_t resolver_gen;        /* counts the resolvers made (MfModule.resolved_by) */
    uint32_t gen;
    MfScanStats stats;
    MfChunks *chunks;             /* the last build's, for a graph of `shape` */
    uint64_t shape;
    void *emit_state;             /* emit's (see mf_module_cache_emit_state) */
    void (*emit_state_free)(void *);
};

MfChunks *mf_module_cache_chunks(MfModuleCache *c, uint64_t shape) {
    return c->chunks && c->shape == shape ? c->chunks : NULL;
}

void mf_module_cache_keep_chunks(MfModuleCache *c, uint64_t shape, MfChunks *ch) {
    if (c->chunks != ch) mf_chunks_free(c->chunks);
    c->chunks = ch;
    c->shape = shape;
}

uint64_t mf_graph_shape(const MfGraph *g) {
    uint64_t h = XXH3_64bits(g->entry_modules.items, g->entry_modules.len * sizeof(uint32_t));
    h = XXH3_64bits_withSeed(g->plugin_modules.items, g->plugin_modules.len * sizeof(uint32_t), h);
    for (uint32_t i = 0; i < g->modules.len; i++) {
        const MfModule *m = g->modules.items[i];
        uint32_t head[2] = {(uint32_t)m->kind, m->imports.len};
        h = XXH3_64bits_withSeed(head, sizeof head, h);
        for (uint32_t k = 0; k < m->imports.len; k++) {
            uint32_t rec[2] = {(uint32_t)m->imports.items[k].kind, m->imports.items[k].target};
            h = XXH3_64bits_withSeed(rec, sizeof rec, h);
        }
    }
    for (uint32_t i = 0; i < g->shared_refs.len; i++) {
        const MfSharedRef *r = &g->shared_refs.items[i];
        uint32_t v[5] = {r->from, r->import, r->shared, r->key, r->consume};
        h = XXH3_64bits_withSeed(v, sizeof v, h);
    }
    for (uint32_t i = 0; i < g->share_keys.len; i++) {
        const MfShareKey *k = &g->share_keys.items[i];
        uint32_t v[2] = {k->shared, k->fallback};
        h = XXH3_64bits_withSeed(v, sizeof v, h);
        h = XXH3_64bits_withSeed(k->key, strlen(k->key), h);
    }
    for (uint32_t i = 0; i < g->remote_refs.len; i++) {
        const MfRemoteRef *r = &g->remote_refs.items[i];
        uint32_t v[3] = {r->from, r->import, r->remote};
        h = XXH3_64bits_withSeed(v, sizeof v, h);
        h = XXH3_64bits_withSeed(r->expose, strlen(r->expose), h);
    }
    for (uint32_t i = 0; i < g->runtime_refs.len; i++)
        h = XXH3_64bits_withSeed(&g->runtime_refs.items[i], sizeof(MfImportAt), h);
    /* Names of async chunks come from module paths: the paths in order. */
    for (uint32_t i = 0; i < g->modules.len; i++)
        h = XXH3_64bits_withSeed(g->modules.items[i]->path, strlen(g->modules.items[i]->path), h);
    return h;
}

void *mf_module_cache_emit_state(MfModuleCache *c, void *(*make)(void), void (*free_fn)(void *)) {
    if (!c->emit_state) {
        c->emit_state = make();
        c->emit_state_free = free_fn;
    }
    return c->emit_state;
}

MfModuleCache *mf_module_cache_new(const MfConfig *cfg) {
    MfModuleCache *c = mf_xcalloc(1, sizeof *c);
    c->cfg = cfg;
    c->by_path = mf_map_new();
    return c;
}

static void parsers_free(MfPool *pool, MfParser **parsers) {
    int threads = mf_pool_threads(pool);
    mf_pool_free(pool);
    for (int i = 0; i < threads; i++)
        if (parsers[i]) mf_parser_free(parsers[i]);
    free(parsers);
}

MfPool *mf_module_cache_pool(MfModuleCache *c) {
    if (!c->pool && (c->pool = mf_pool_new(c->cfg->threads)))
        c->parsers = mf_xcalloc((size_t)mf_pool_threads(c->pool), sizeof(MfParser *));
    return c->pool;
}

void mf_module_cache_free(MfModuleCache *c) {
    if (!c) return;
    if (c->pool) parsers_free(c->pool, c->parsers);
    mf_chunks_free(c->chunks);
    if (c->emit_state_free) c->emit_state_free(c->emit_state);
    for (uint32_t i = 0; i < c->entries.len; i++) {
        mf_module_free(c->entries.items[i].m);
        free(c->entries.items[i].path);
    }
    free(c->entries.items);
    mf_map_free(c->by_path);
    mf_resolver_free(c->resolver);
    free(c);
}

MfScanStats mf_module_cache_stats(const MfModuleCache *c) {
    return c->stats;
}

/* A change that may alter what a specifier resolves to: the resolver's
 * cached lookups are no longer true. */
static bool changes_resolution(MfModuleCache *c, const char *path, bool known) {
    const char *base = mf_path_basename(path);
    if (strcmp(base, "package.json") == 0 || strcmp(base, "tsconfig.json") == 0 ||
        strcmp(base, "jsconfig.json") == 0)
        return true;
    /* An edit of a module in place changes nothing; a file that appeared
     * (unknown) or disappeared may. */
    (void)c;
    return !known || !mf_file_exists(path);
}

void mf_module_cache_invalidate(MfModuleCache *c, const char *path) {
    uint32_t i;
    bool known = mf_map_get(c->by_path, path, &i) && c->entries.items[i].m;
    if (known) c->entries.items[i].dirty = true;
    /* A folder (moved, deleted, replaced): every record below it.  A
     * package.json: the package was maybe reinstalled, and the watcher
     * does not follow node_modules deeper than each package's own folder,
     * so every record of the package is read again (and re-parsed only
     * where the bytes changed). */
    char *dir = NULL;
    if (strcmp(mf_path_basename(path), "package.json") == 0) dir = mf_path_dirname(path);
    else if (!known) dir = mf_xstrdup(path);
    if (dir) {
        size_t n = strlen(dir);
        for (uint32_t k = 0; k < c->entries.len; k++) {
            CacheEntry *e = &c->entries.items[k];
            if (e->m && strncmp(e->m->path, dir, n) == 0 && e->m->path[n] == '/') e->dirty = true;
        }
        free(dir);
    }
    if (changes_resolution(c, path, known)) {
        mf_resolver_free(c->resolver);
        c->resolver = NULL;
    }
}

/* The entry of `path`, made (without a record) the first time. */
static uint32_t cache_entry_of(MfModuleCache *c, const char *path) {
    uint32_t i;
    if (mf_map_get(c->by_path, path, &i)) return i;
    i = c->entries.len;
    CacheEntry fresh = {.path = mf_xstrdup(path)};
    MF_VEC_PUSH(&c->entries, fresh);
    mf_map_put(c->by_path, path, i);
    return i;
}

/* Stores a freshly parsed record in entry i, replacing (and freeing) the
 * one it supersedes: that one is in no live graph (see the header's
 * contract). */
static void cache_store(MfModuleCache *c, uint32_t i, MfModule *m) {
    CacheEntry *e = &c->entries.items[i];
    if (e->m != m) mf_module_free(e->m);
    e->m = m;
    e->used = c->gen;
    /* A file that could not be read is tried again next time. */
    e->dirty = m->source == NULL;
    e->hash = m->source ? XXH3_64bits(m->source, m->size) : 0;
    c->stats.parsed++;
}

/* The cached record of entry i when it can serve this scan as it is, with
 * its per-scan fields reset; NULL when the file must be parsed. */
static MfModule *cache_reuse(MfModuleCache *c, uint32_t i, MfResolver *resolver, bool new_resolver) {
    CacheEntry *e = &c->entries.items[i];
    const char *path = e->path;
    if (!e->m) return NULL;
    if (e->dirty) {
        char *src = NULL;
        size_t len = 0;
        if (mf_file_read(path, &src, &len) != 0) return NULL;
        bool same = XXH3_64bits(src, len) == e->hash && len == e->m->size;
        free(src);
        if (!same) return NULL;
        e->dirty = false;
    }
    MfModule *m = e->m;
    e->used = c->gen;
    m->index = MF_NONE;
    for (uint32_t k = 0; k < m->imports.len; k++) m->imports.items[k].target = MF_NONE;
    if (new_resolver) {
        /* A reinstalled package may have a new version. */
        const char *pkg, *version;
        m->package = m->package_version = NULL;
        if (mf_resolver_package_of(resolver, path, &pkg, &version)) {
            m->package = mf_arena_strdup(m->arena, pkg);
            if (version) m->package_version = mf_arena_strdup(m->arena, version);
        }
    }
    c->stats.reused++;
    return m;
}

/* Drops the records the last scan did not reach (deleted files, imports
 * removed), so memory follows the current graph. */
static void cache_sweep(MfModuleCache *c) {
    for (uint32_t i = 0; i < c->entries.len; i++) {
        CacheEntry *e = &c->entries.items[i];
        if (e->m && e->used != c->gen) {
            mf_module_free(e->m);
            e->m = NULL;
        }
    }
}

/* ---- the scan ------------------------------------------------------------------ */

typedef struct ScanJob {
    MfModule *module;
    const MfParseOptions *opts;
    MfParser **parsers; /* one slot per worker, created by that worker */
    uint32_t id;        /* the module's discovery id */
    uint32_t entry;     /* its module cache entry (cache mode) */
} ScanJob;

static void scan_job_run(void *arg, int worker) {
    ScanJob *job = arg;
    if (!job->parsers[worker]) job->parsers[worker] = mf_parser_new();
    if (job->parsers[worker]) (void)mf_parse_module(job->parsers[worker], job->module, job->opts);
}

typedef struct Scanner {
    const MfConfig *cfg;
    MfLog *log;
    MfGraph *g;
    MfResolver *resolver;
    MfPool *pool;
    MfParser **parsers;
    MfParseOptions opts;
    MfMap *by_path;               /* real path -> discovery id (one-off scan) */
    MF_VEC(MfModule *) found;     /* discovery order */
    MfModuleCache *cache;         /* NULL for a one-off scan */
    MF_VEC(uint32_t) disc;        /* cache mode: discovery id per cache entry, or MF_NONE */
    bool new_resolver;            /* the cache's resolver was made for this scan */
    MF_VEC(uint32_t) ready;       /* reused records whose imports are still to classify */
} Scanner;

/* Makes the record of a file seen for the first time in this scan, with
 * discovery id `id`, and submits its parse. */
static uint32_t scanner_submit(Scanner *s, const char *path, uint32_t id, uint32_t entry) {
    MfModule *m = mf_module_new(path);
    /* Copied now: the resolver dies with the scan, and the module's arena is
     * the worker's once the job is submitted. */
    const char *pkg, *version;
    if (mf_resolver_package_of(s->resolver, path, &pkg, &version)) {
        m->package = mf_arena_strdup(m->arena, pkg);
        if (version) m->package_version = mf_arena_strdup(m->arena, version);
    }
    MF_VEC_PUSH(&s->found, m);
    ScanJob *job = mf_xcalloc(1, sizeof *job);
    *job = (ScanJob){m, &s->opts, s->parsers, id, entry};
    mf_pool_submit(s->pool, scan_job_run, job);
    return id;
}

/* Cache mode: the discovery id of cache entry e, reusing its record when
 * it is still good and submitting a parse otherwise.  A reused record names
 * its imports' entries, so an unchanged graph is walked without a single
 * lookup by path. */
static uint32_t scanner_add_entry(Scanner *s, uint32_t e) {
    while (s->disc.len < s->cache->entries.len) MF_VEC_PUSH(&s->disc, MF_NONE);
    if (s->disc.items[e] != MF_NONE) return s->disc.items[e];
    uint32_t id = s->found.len;
    s->disc.items[e] = id;
    MfModule *m = cache_reuse(s->cache, e, s->resolver, s->new_resolver);
    if (m) {
        MF_VEC_PUSH(&s->found, m);
        MF_VEC_PUSH(&s->ready, id);
        return id;
    }
    return scanner_submit(s, s->cache->entries.items[e].path, id, e);
}

/* Returns the discovery id of `path` (owned by the caller), submitting a
 * parse job the first time the path is seen. */
static uint32_t scanner_add(Scanner *s, const char *path) {
    if (s->cache) return scanner_add_entry(s, cache_entry_of(s->cache, path));
    uint32_t id;
    if (mf_map_get(s->by_path, path, &id)) return id;
    id = s->found.len;
    mf_map_put(s->by_path, path, id);
    return scanner_submit(s, path, id, MF_NONE);
}

/* Bare specifier -> its package name ("@a/b/c" -> "@a/b", "x/y" -> "x"),
 * NULL for relative, absolute and "#" specifiers.  Caller frees. */
static char *package_name_of(const char *spec) {
    if (!spec[0] || spec[0] == '.' || spec[0] == '/' || spec[0] == '#') return NULL;
    const char *slash = strchr(spec, '/');
    if (spec[0] == '@' && slash) slash = strchr(slash + 1, '/');
    return slash ? mf_xstrndup(spec, (size_t)(slash - spec)) : mf_xstrdup(spec);
}

/* A specifier names a remote when it is the alias or starts with "alias/". */
static bool match_remote(const MfConfig *cfg, const char *spec, uint32_t *remote) {
    for (uint32_t i = 0; i < cfg->remotes.len; i++) {
        const char *alias = cfg->remotes.items[i].alias;
        size_t n = strlen(alias);
        if (strncmp(spec, alias, n) == 0 && (spec[n] == 0 || spec[n] == '/')) {
            *remote = i;
            return true;
        }
    }
    return false;
}

/* As webpack's ConsumeSharedPlugin: an exact key, or a key ending in "/"
 * that prefixes the request. */
static bool match_shared(const MfConfig *cfg, const char *spec, uint32_t *shared) {
    if (!spec[0] || spec[0] == '.' || spec[0] == '/') return false;
    for (uint32_t i = 0; i < cfg->shared.len; i++) {
        const char *key = cfg->shared.items[i].package;
        size_t n = strlen(key);
        if (strcmp(spec, key) == 0 || (n && key[n - 1] == '/' && strncmp(spec, key, n) == 0)) {
            *shared = i;
            return true;
        }
    }
    return false;
}

/* What a specifier is, in the order below (MfImportRecord.route). */
typedef enum { ROUTE_UNKNOWN, ROUTE_RUNTIME, ROUTE_REMOTE, ROUTE_SHARED, ROUTE_FILE } Route;

/* Fills rec->route once per record: it depends on the specifier and the
 * config, and a watch session's records outlive scans but not configs. */
static void route_fill(const MfConfig *cfg, MfImportRecord *rec) {
    if (rec->route != ROUTE_UNKNOWN) return;
    /* mfbuild's own namespace comes first: the runtime API is no file and
     * no remote, whatever the remotes and node_modules hold.  Remote
     * aliases before node_modules: an alias shadows a package of the same
     * name, as in ModuleFederationPlugin. */
    if (strcmp(rec->specifier, MF_RUNTIME_MODULE_ID) == 0) rec->route = ROUTE_RUNTIME;
    else if (match_remote(cfg, rec->specifier, &rec->route_index)) rec->route = ROUTE_REMOTE;
    else if (match_shared(cfg, rec->specifier, &rec->route_index)) rec->route = ROUTE_SHARED;
    else rec->route = ROUTE_FILE;
}

/* Classifies and resolves one import of a freshly parsed module. */
static void scanner_import(Scanner *s, uint32_t from, MfModule *m, uint32_t k) {
    MfImportRecord *rec = &m->imports.items[k];
    const MfConfig *cfg = s->cfg;
    uint32_t len = rec->end - rec->start;
    route_fill(cfg, rec);
    uint32_t idx = rec->route_index;
    if (rec->route == ROUTE_RUNTIME) {
        MfImportAt at = {from, k};
        MF_VEC_PUSH(&s->g->runtime_refs, at);
        if (cfg->target == MF_TARGET_NODE)
            mf_log_add(s->log, MF_DIAG_ERROR, MF_MSG_UNRESOLVED_IMPORT, m->path, m->source, m->size, rec->start,
                       len, "Could not resolve \"%s\": the federation runtime is not available for target \"node\"",
                       rec->specifier);
        return;
    }
    if (rec->route == ROUTE_REMOTE) {
        const char *rest = rec->specifier + strlen(cfg->remotes.items[idx].alias); /* "" or "/Button" */
        MfRemoteRef ref = {from, k, idx, mf_arena_printf(s->g->arena, ".%s", rest)};
        MF_VEC_PUSH(&s->g->remote_refs, ref);
        return;
    }
    if (rec->route == ROUTE_SHARED) {
        char *pkg = package_name_of(rec->specifier);
        MfSharedRef ref = {from, k, idx, mf_arena_strdup(s->g->arena, pkg), MF_NONE, true};
        free(pkg);
        MF_VEC_PUSH(&s->g->shared_refs, ref);
        /* With import: false there is no local copy to fall back on, and the
         * package need not be installed at all. */
        if (!cfg->shared.items[idx].import) return;
        /* Otherwise resolve it too: the local copy is the graph's view of
         * the fallback (and is the fallback for a "/" key). */
    }
    /* Watch mode: what resolved last time still does while the resolver
     * (no file added or removed since) is the same. */
    if (s->cache && m->resolved_by == s->cache->resolver_gen && rec->resolved) {
        rec->target = scanner_add_entry(s, rec->resolved - 1);
        return;
    }
    char *path = NULL, *suggestion = NULL;
    MfResolveStatus st = mf_resolve(s->resolver, rec->specifier, m->path, rec->kind, &path, &suggestion);
    switch (st) {
    case MF_RESOLVE_OK:
        if (s->cache) {
            uint32_t e = cache_entry_of(s->cache, path);
            rec->resolved = e + 1;
            rec->target = scanner_add_entry(s, e);
        } else {
            rec->target = scanner_add(s, path);
        }
        break;
    case MF_RESOLVE_NOT_FOUND:
        mf_log_add(s->log, MF_DIAG_ERROR, MF_MSG_UNRESOLVED_IMPORT, m->path, m->source, m->size,
                   rec->start, len, "Could not resolve \"%s\"", rec->specifier);
        if (suggestion) mf_log_suggest(s->log, "Did you mean \"%s\"?", suggestion);
        else if (rec->implicit)
            mf_log_note(s->log, "The automatic JSX runtime imports \"%s\"; install it or set \"jsx\": {\"runtime\": \"classic\"}",
                        rec->specifier);
        break;
    case MF_RESOLVE_BUILTIN:
        if (cfg->target == MF_TARGET_WEB) {
            mf_log_add(s->log, MF_DIAG_ERROR, MF_MSG_NODE_BUILTIN, m->path, m->source, m->size,
                       rec->start, len, "Could not resolve \"%s\": it is a Node.js builtin module", rec->specifier);
            mf_log_note(s->log, "Builds for the web cannot use it: map it to false or a polyfill in \"resolve\": {\"alias\": ...}, or build with --target node");
        }
        break;
    case MF_RESOLVE_EMPTY:
        break; /* "browser": { "x": false } — an empty module, no edge */
    }
    free(path);
    free(suggestion);
}

/* Resolves a root (entry spec, expose path, runtime plugin, shared
 * package) as an import from the root folder and returns its discovery id,
 * or MF_NONE after an error naming `what` ("the entry").  Errors carry no
 * source location (config.c already checked that entries and exposes
 * exist, so for those this is rare). */
static uint32_t scanner_root(Scanner *s, const char *spec, const char *what) {
    char *importer = mf_path_join(s->cfg->root, "mfbuild.json");
    char *path = NULL, *suggestion = NULL;
    uint32_t id = MF_NONE;
    MfResolveStatus st = mf_resolve(s->resolver, spec, importer, MF_IMPORT_STATIC, &path, &suggestion);
    if (st == MF_RESOLVE_OK) {
        id = scanner_add(s, path);
    } else {
        mf_log_add(s->log, MF_DIAG_ERROR, MF_MSG_UNRESOLVED_IMPORT, s->cfg->config_path, NULL, 0, 0, 0,
                   "Could not resolve %s \"%s\"", what, spec);
        if (suggestion) mf_log_suggest(s->log, "Did you mean \"%s\"?", suggestion);
    }
    free(path);
    free(suggestion);
    free(importer);
    return id;
}

/* Depth-first preorder from the roots, imports in source order: the stable
 * numbering.  Iterative, so a 100 000-module chain cannot overflow the stack. */
static void scanner_renumber(Scanner *s, uint32_t *shared_roots) {
    uint32_t n = s->found.len;
    uint32_t *new_id = mf_xmalloc((n ? n : 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) new_id[i] = MF_NONE;
    typedef struct { uint32_t mod, next_import; } Frame;
    MF_VEC(Frame) stack = {0};
    uint32_t next = 0;
    MfModule **order = mf_xmalloc((n ? n : 1) * sizeof(MfModule *));
    /* Roots in their fixed order: entries and exposes, plugins, shared. */
    MF_VEC(uint32_t) roots = {0};
    for (uint32_t r = 0; r < s->g->entry_modules.len; r++) MF_VEC_PUSH(&roots, s->g->entry_modules.items[r]);
    for (uint32_t r = 0; r < s->g->plugin_modules.len; r++) MF_VEC_PUSH(&roots, s->g->plugin_modules.items[r]);
    for (uint32_t r = 0; r < s->cfg->shared.len; r++) MF_VEC_PUSH(&roots, shared_roots[r]);
    for (uint32_t r = 0; r < roots.len; r++) {
        uint32_t root = roots.items[r];
        if (root == MF_NONE || new_id[root] != MF_NONE) continue;
        new_id[root] = next;
        order[next++] = s->found.items[root];
        MF_VEC_PUSH(&stack, ((Frame){root, 0}));
        while (stack.len) {
            Frame *f = &stack.items[stack.len - 1];
            MfModule *m = s->found.items[f->mod];
            if (f->next_import == m->imports.len) {
                stack.len--;
                continue;
            }
            uint32_t t = m->imports.items[f->next_import++].target;
            if (t == MF_NONE || new_id[t] != MF_NONE) continue;
            new_id[t] = next;
            order[next++] = s->found.items[t];
            MF_VEC_PUSH(&stack, ((Frame){t, 0}));
        }
    }
    /* Every module was reached from some root, so next == n. */
    for (uint32_t i = 0; i < next; i++) {
        MfModule *m = order[i];
        m->index = i;
        for (uint32_t k = 0; k < m->imports.len; k++) {
            uint32_t *t = &m->imports.items[k].target;
            if (*t != MF_NONE) *t = new_id[*t];
        }
        MF_VEC_PUSH(&s->g->modules, m);
    }
    for (uint32_t r = 0; r < s->g->entry_modules.len; r++)
        s->g->entry_modules.items[r] = new_id[s->g->entry_modules.items[r]];
    for (uint32_t r = 0; r < s->g->plugin_modules.len; r++) {
        uint32_t *p = &s->g->plugin_modules.items[r];
        if (*p != MF_NONE) *p = new_id[*p];
    }
    for (uint32_t i = 0; i < s->g->remote_refs.len; i++)
        s->g->remote_refs.items[i].from = new_id[s->g->remote_refs.items[i].from];
    for (uint32_t i = 0; i < s->g->shared_refs.len; i++)
        s->g->shared_refs.items[i].from = new_id[s->g->shared_refs.items[i].from];
    for (uint32_t i = 0; i < s->g->runtime_refs.len; i++)
        s->g->runtime_refs.items[i].from = new_id[s->g->runtime_refs.items[i].from];
    for (uint32_t i = 0; i < s->cfg->shared.len; i++)
        if (shared_roots[i] != MF_NONE) shared_roots[i] = new_id[shared_roots[i]];
    free(roots.items);
    free(stack.items);
    free(order);
    free(new_id);
}

static int ref_cmp_remote(const void *pa, const void *pb) {
    const MfRemoteRef *a = pa, *b = pb;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    return a->import < b->import ? -1 : a->import > b->import;
}

static int ref_cmp_at(const void *pa, const void *pb) {
    const MfImportAt *a = pa, *b = pb;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    return a->import < b->import ? -1 : a->import > b->import;
}

static int ref_cmp_shared(const void *pa, const void *pb) {
    const MfSharedRef *a = pa, *b = pb;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    return a->import < b->import ? -1 : a->import > b->import;
}

static int cmp_str(const void *pa, const void *pb) {
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Fixes the share keys (MfShareKey) and, per shared import, its key and
 * whether it is a consume point.
 *
 * An import of key K from a module inside K's own fallback (the static
 * closure of the fallback, through plain imports and K's own imports) is not
 * a consume point: it binds to the local copy like any import.  Consuming it
 * would make the fallback wait for the negotiation of K, which may pick that
 * very fallback: a package that imports itself by name would never load.
 * Imports of other keys stay consume points everywhere. */
static void share_keys_fix(Scanner *s, const uint32_t *shared_roots) {
    MfGraph *g = s->g;
    const MfConfig *cfg = s->cfg;
    for (uint32_t i = 0; i < cfg->shared.len; i++) {
        const MfShared *sh = &cfg->shared.items[i];
        size_t n = strlen(sh->package);
        if (!n || sh->package[n - 1] != '/') {
            MfShareKey k = {mf_arena_strdup(g->arena, sh->package), i, sh->import ? shared_roots[i] : MF_NONE};
            MF_VEC_PUSH(&g->share_keys, k);
            for (uint32_t r = 0; r < g->shared_refs.len; r++)
                if (g->shared_refs.items[r].shared == i) g->shared_refs.items[r].key = g->share_keys.len - 1;
            continue;
        }
        /* A "/" key: one share key per subpath imported, sorted by name. */
        MF_VEC(const char *) specs = {0};
        for (uint32_t r = 0; r < g->shared_refs.len; r++) {
            const MfSharedRef *ref = &g->shared_refs.items[r];
            if (ref->shared == i) MF_VEC_PUSH(&specs, g->modules.items[ref->from]->imports.items[ref->import].specifier);
        }
        if (specs.len) qsort(specs.items, specs.len, sizeof(char *), cmp_str);
        for (uint32_t j = 0; j < specs.len; j++) {
            if (j && strcmp(specs.items[j], specs.items[j - 1]) == 0) continue;
            MfShareKey k = {mf_arena_strdup(g->arena, specs.items[j]), i, MF_NONE};
            for (uint32_t r = 0; r < g->shared_refs.len; r++) {
                MfSharedRef *ref = &g->shared_refs.items[r];
                const MfImportRecord *rec = &g->modules.items[ref->from]->imports.items[ref->import];
                if (ref->shared != i || strcmp(rec->specifier, k.key) != 0) continue;
                ref->key = g->share_keys.len;
                if (k.fallback == MF_NONE && sh->import) k.fallback = rec->target;
            }
            MF_VEC_PUSH(&g->share_keys, k);
        }
        free(specs.items);
    }

    /* Consume points: every shared import but those inside their own key's
     * fallback.  ref_at[first[m] + k]: the shared ref of record k of m. */
    uint32_t n = g->modules.len, total = 0;
    uint32_t *first = mf_xmalloc((n + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) first[i] = total, total += g->modules.items[i]->imports.len;
    uint32_t *ref_at = mf_xmalloc((total + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < total; i++) ref_at[i] = MF_NONE;
    for (uint32_t r = 0; r < g->shared_refs.len; r++)
        ref_at[first[g->shared_refs.items[r].from] + g->shared_refs.items[r].import] = r;
    uint32_t *seen = mf_xcalloc(n + 1, sizeof(uint32_t));
    uint32_t *stack = mf_xmalloc((n + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < g->share_keys.len; k++) {
        uint32_t root = g->share_keys.items[k].fallback, sp = 0;
        if (root == MF_NONE || seen[root] == k + 1) continue;
        seen[root] = k + 1;
        stack[sp++] = root;
        while (sp) {
            const MfModule *m = g->modules.items[stack[--sp]];
            for (uint32_t j = 0; j < m->imports.len; j++) {
                const MfImportRecord *rec = &m->imports.items[j];
                if (rec->target == MF_NONE || rec->kind == MF_IMPORT_DYNAMIC) continue;
                uint32_t r = ref_at[first[m->index] + j];
                if (r != MF_NONE) {
                    if (g->shared_refs.items[r].key != k) continue; /* another key: a boundary */
                    g->shared_refs.items[r].consume = false;
                }
                if (seen[rec->target] == k + 1) continue;
                seen[rec->target] = k + 1;
                stack[sp++] = rec->target;
            }
        }
    }
    free(stack);
    free(seen);
    free(ref_at);
    free(first);
}

/* A runtime plugin written as a path without "./" ("src/plugin.js") means
 * the file, as paths in the config do, not a package of that name. */
static uint32_t scanner_plugin(Scanner *s, const char *spec) {
    if (spec[0] != '.' && spec[0] != '/') {
        char *file = mf_path_join(s->cfg->root, spec);
        bool local = mf_file_exists(file);
        free(file);
        if (local) {
            char *dotted = mf_xasprintf("./%s", spec);
            uint32_t id = scanner_root(s, dotted, "the runtime plugin");
            free(dotted);
            return id;
        }
    }
    return scanner_root(s, spec, "the runtime plugin");
}

static MfGraph *scan(const MfConfig *cfg, MfModuleCache *cache, MfLog *log) {
    MfGraph *g = mf_xcalloc(1, sizeof *g);
    g->arena = mf_arena_new();
    Scanner s = {.cfg = cfg, .log = log, .g = g, .cache = cache};
    s.opts.cfg = cfg;
    if (cache) {
        cache->gen++;
        cache->stats = (MfScanStats){0};
        if (!cache->resolver) {
            cache->resolver = mf_resolver_new(cfg);
            cache->resolver_gen++;
            cache->stats.new_resolver = s.new_resolver = true;
        }
        s.resolver = cache->resolver;
        g->cache = cache;
    } else {
        s.resolver = mf_resolver_new(cfg);
    }
    /* A watch session keeps its workers, and their parsers, between scans. */
    s.pool = cache ? mf_module_cache_pool(cache) : mf_pool_new(cfg->threads);
    if (!s.pool) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_READ_ERROR, NULL, NULL, 0, 0, 0, "could not start worker threads");
        if (!cache) mf_resolver_free(s.resolver);
        return g;
    }
    if (cache) {
        s.parsers = cache->parsers;
    } else {
        s.parsers = mf_xcalloc((size_t)mf_pool_threads(s.pool), sizeof(MfParser *));
        s.by_path = mf_map_new();
    }

    /* entry_modules holds exactly one module per entry and expose, so a
     * root that did not resolve (an error) is left out of it. */
    uint32_t id;
    for (uint32_t i = 0; i < cfg->entries.len; i++)
        if ((id = scanner_root(&s, cfg->entries.items[i].spec, "the entry")) != MF_NONE)
            MF_VEC_PUSH(&g->entry_modules, id);
    for (uint32_t i = 0; i < cfg->exposes.len; i++)
        if ((id = scanner_root(&s, cfg->exposes.items[i].path, "the entry")) != MF_NONE)
            MF_VEC_PUSH(&g->entry_modules, id);
    if (cfg->runtime_plugins.len && cfg->target == MF_TARGET_NODE) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CONFIG_VALUE, cfg->config_path, NULL, 0, 0, 0,
                   "\"runtimePlugins\" are not supported for target \"node\" yet");
        mf_log_note(log, "Runtime plugins belong to Module Federation, which runs on target \"web\" only.");
    }
    for (uint32_t i = 0; i < cfg->runtime_plugins.len; i++)
        MF_VEC_PUSH(&g->plugin_modules, scanner_plugin(&s, cfg->runtime_plugins.items[i]));
    /* Shared packages' fallbacks; a key ending in "/" has one per subpath,
     * found through the imports (share_keys_fix). */
    uint32_t *shared_roots = mf_xmalloc((cfg->shared.len + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < cfg->shared.len; i++) {
        const MfShared *sh = &cfg->shared.items[i];
        size_t n = strlen(sh->package);
        shared_roots[i] = MF_NONE;
        if (!sh->import || (n && sh->package[n - 1] == '/')) continue;
        shared_roots[i] = scanner_root(&s, sh->import, "the shared package");
        if (shared_roots[i] == MF_NONE)
            mf_log_note(log, "A shared package is provided from the local copy; install it, or set "
                             "\"import\": false in shared.%s to use only the version another app provides.",
                        sh->package);
    }

    /* Owner loop: each finished parse (or reused record) is merged and its
     * imports queued.  A cached record keeps its diagnostics for the next
     * scan that reuses it. */
    for (;;) {
        ScanJob *job = NULL;
        uint32_t from;
        MfModule *m;
        if (s.ready.len) {
            from = s.ready.items[--s.ready.len];
            m = s.found.items[from];
            mf_log_copy(log, &m->log);
        } else if ((job = mf_pool_wait_one(s.pool))) {
            m = job->module;
            from = job->id;
            if (cache) {
                cache_store(cache, job->entry, m);
                mf_log_copy(log, &m->log);
            } else {
                mf_log_take(log, &m->log);
            }
            free(job);
        } else {
            break;
        }
        if (cache && m->resolved_by != cache->resolver_gen) {
            for (uint32_t k = 0; k < m->imports.len; k++) m->imports.items[k].resolved = 0;
        }
        for (uint32_t k = 0; k < m->imports.len; k++) scanner_import(&s, from, m, k);
        if (cache) m->resolved_by = cache->resolver_gen;
    }
    free(s.ready.items);
    /* After this point no module is added: renumber into the stable order. */
    scanner_renumber(&s, shared_roots);
    if (g->remote_refs.len) qsort(g->remote_refs.items, g->remote_refs.len, sizeof(MfRemoteRef), ref_cmp_remote);
    if (g->shared_refs.len) qsort(g->shared_refs.items, g->shared_refs.len, sizeof(MfSharedRef), ref_cmp_shared);
    if (g->runtime_refs.len) qsort(g->runtime_refs.items, g->runtime_refs.len, sizeof(MfImportAt), ref_cmp_at);
    share_keys_fix(&s, shared_roots);
    free(shared_roots);

    if (!cache) parsers_free(s.pool, s.parsers);
    mf_map_free(s.by_path);
    free(s.found.items);
    free(s.disc.items);
    if (cache) cache_sweep(cache);
    else mf_resolver_free(s.resolver);
    return g;
}

MfGraph *mf_scan(const MfConfig *cfg, MfLog *log) {
    return scan(cfg, NULL, log);
}

MfGraph *mf_scan_cached(MfModuleCache *c, MfLog *log) {
    return scan(c->cfg, c, log);
}

void mf_graph_free(MfGraph *g) {
    if (!g) return;
    for (uint32_t i = 0; !g->cache && i < g->modules.len; i++) mf_module_free(g->modules.items[i]);
    free(g->modules.items);
    free(g->entry_modules.items);
    free(g->remote_refs.items);
    free(g->shared_refs.items);
    free(g->plugin_modules.items);
    free(g->share_keys.items);
    free(g->runtime_refs.items);
    mf_arena_free(g->arena);
    free(g);
}
