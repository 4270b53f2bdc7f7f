/*
 * chunk.c — the chunk phase: which module goes in which file.
 *
 * Roots: one entry chunk per entry, one chunk per expose (the container's
 * get() loads it), one fallback chunk per shared package with a local copy
 * ("shared-<key>": loaded only when negotiation picks this build's copy),
 * and one async chunk per module that some import() names.  A root's chunk
 * *needs* every module statically reachable from it (imports, re-exports,
 * export *, require); import() edges are boundaries, and so are consume
 * points of shared packages (the importer gets whatever negotiation picks,
 * so the local copy is only reachable through the fallback chunk) and
 * remote references (no module at all).
 *
 * No module is emitted twice.  A module that exactly one root needs goes in
 * that root's chunk.  A module that several need goes in one of them only
 * when that one is a "top" T (an entry, expose or fallback: chunks loaded
 * from outside, independently of each other) and every other chunk that
 * needs it is an async chunk that can only be loaded after T — it is
 * reachable from T alone, so T's modules are registered by the time it
 * runs.  Otherwise the module goes to a common chunk, one per distinct set
 * of needing chunks, which each of them lists in `deps` (loaded before an
 * entry starts, and together with an async chunk by `__mf.e`).
 *
 * Runtime modules are the exception: runtimePlugins, which the runtime
 * runs before anything else, and the fallbacks of `eager` shared packages,
 * whose provide must answer get() synchronously.  Every runtime (each entry
 * chunk and the container, which are separate registries when a page loads
 * the app as a remote) needs them without loading a file, so their static
 * closure is copied into each of those chunks and kept out of all others;
 * an eager package gets no fallback chunk.
 *
 * Each chunk also records what it needs from federation before its modules
 * may run: the share keys its modules consume and the remote modules they
 * import statically (`consumes`, `remote_refs`; docs/output-format.md 4.2).
 *
 * Determinism (STYLE.md 12): chunks are created in a fixed order (entries,
 * exposes, fallbacks, container, async chunks by first import() in module
 * order, common chunks by first member), membership is decided per module
 * in module order, and the map from a set of chunks to its common chunk is
 * only looked up, never iterated.  "Needs" is a bit set per module over the
 * root chunks, filled by one walk per root: O(roots x modules) bits, a few
 * MB for 1000 chunks of a 10 000-module app.
 */
#include "mfbuild.h"

#include <stdlib.h>
#include <string.h>

#define MULTI (MF_NONE - 1) /* reachable from several entries/exposes */

typedef struct Chunker {
    MfChunks *ch;
    MfMap *names;          /* chunk names taken */
} Chunker;

/* A file-name-safe chunk name: letters, digits, '_', '-', '.', and '/'
 * when `slashes` (entry names may name a subfolder). */
static char *sanitize(MfArena *a, const char *s, size_t n, bool slashes) {
    char *r = mf_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || (c == '.' && i > 0) || (c == '/' && slashes);
        r[i] = ok ? c : '_';
    }
    r[n] = 0;
    return r;
}

/* Makes `name` unique among the chunks ("Lazy", "Lazy-2", ...). */
static const char *unique_name(Chunker *c, const char *name) {
    uint32_t dummy;
    const char *r = name;
    for (unsigned k = 2; mf_map_get(c->names, r, &dummy); k++)
        r = mf_arena_printf(c->ch->arena, "%s-%u", name, k);
    mf_map_put(c->names, r, 1);
    return r;
}

static uint32_t add_chunk(Chunker *c, MfChunkKind kind, const char *name, uint32_t root, uint32_t source) {
    MfChunk k = {.kind = kind, .name = unique_name(c, name), .root = root, .source = source};
    MF_VEC_PUSH(&c->ch->items, k);
    return c->ch->items.len - 1;
}

/* Name of an async chunk: the file name without extension, or its folder's
 * name for an index file ("routes/Home/index.tsx" -> "Home"). */
static const char *async_name(Chunker *c, const MfModule *m) {
    const char *base = mf_path_basename(m->path);
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    if (n == 5 && strncmp(base, "index", 5) == 0 && base > m->path + 1) {
        const char *end = base - 1, *start = end;
        while (start > m->path && start[-1] != '/') start--;
        if (end > start) return sanitize(c->ch->arena, start, (size_t)(end - start), false);
    }
    return sanitize(c->ch->arena, base, n ? n : strlen(base), false);
}

/* What the walks may cross: per import record (by first_rec[module] + k),
 * whether it is a consume point; per module, whether it is a runtime
 * module (placed apart, never needed by a root). */
typedef struct Edges {
    const MfGraph *g;
    const uint32_t *first_rec;
    const uint8_t *consume;
    const uint8_t *plugin;
} Edges;

static inline bool is_consume(const Edges *x, const MfModule *m, uint32_t k) {
    return x->consume[x->first_rec[m->index] + k] != 0;
}

static inline bool is_static(const Edges *x, const MfModule *m, uint32_t k) {
    const MfImportRecord *r = &m->imports.items[k];
    return r->target != MF_NONE && r->kind != MF_IMPORT_DYNAMIC && !is_consume(x, m, k);
}

/* Sets bit `bit` of `need` (words per module) for every module statically
 * reachable from `root`; the bit itself marks a module visited.  Plugin
 * modules are neither marked nor crossed. */
static void mark_static(const Edges *x, uint64_t *need, uint32_t words, uint32_t bit, uint32_t root,
                        uint32_t *stack) {
    uint32_t sp = 0;
    uint64_t mask = 1ull << (bit & 63);
    uint32_t w = bit >> 6;
    if (x->plugin[root] || (need[(size_t)root * words + w] & mask)) return;
    need[(size_t)root * words + w] |= mask;
    stack[sp++] = root;
    while (sp) {
        const MfModule *m = x->g->modules.items[stack[--sp]];
        for (uint32_t k = 0; k < m->imports.len; k++) {
            if (!is_static(x, m, k)) continue;
            uint32_t t = m->imports.items[k].target;
            uint64_t *word = &need[(size_t)t * words + w];
            if ((*word & mask) || x->plugin[t]) continue;
            *word |= mask;
            stack[sp++] = t;
        }
    }
}

/* Marks seen[i] = stamp for every module reachable from root through any
 * edge but consume points, import() included (what running that root may
 * ever load; a fallback is loaded by the runtime, not by the importer). */
static void mark_all(const Edges *x, uint32_t *seen, uint32_t stamp, uint32_t root, uint32_t *stack) {
    uint32_t sp = 0;
    if (seen[root] == stamp) return;
    seen[root] = stamp;
    stack[sp++] = root;
    while (sp) {
        const MfModule *m = x->g->modules.items[stack[--sp]];
        for (uint32_t k = 0; k < m->imports.len; k++) {
            uint32_t t = m->imports.items[k].target;
            if (t == MF_NONE || seen[t] == stamp || is_consume(x, m, k)) continue;
            seen[t] = stamp;
            stack[sp++] = t;
        }
    }
}

/* A chunk name from a share key: "shared-" and the key with every
 * character that is not allowed in a JS identifier as '_'
 * ("react-dom/client" -> "shared-react_dom_client"). */
static const char *shared_name(MfArena *a, const char *key) {
    size_t n = strlen(key);
    char *r = mf_arena_alloc(a, n + 8);
    memcpy(r, "shared-", 7);
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
        r[7 + i] = ok ? c : '_';
    }
    return r;
}

/* Orders a chunk's CSS modules for its stylesheet: module order, except
 * that a file's @import targets (in the same chunk) come before it. */
static void order_css(const MfGraph *g, MfChunks *ch, uint32_t ci, uint8_t *done, uint32_t *stack,
                      uint32_t *next) {
    MfChunk *c = &ch->items.items[ci];
    for (uint32_t i = 0; i < c->modules.len; i++) {
        uint32_t root = c->modules.items[i];
        if (g->modules.items[root]->kind != MF_MOD_CSS || done[root]) continue;
        /* Iterative post-order: done = 1 while on the stack, 2 when placed. */
        uint32_t sp = 0;
        done[root] = 1;
        stack[sp] = root;
        next[sp++] = 0;
        while (sp) {
            const MfModule *m = g->modules.items[stack[sp - 1]];
            uint32_t k = next[sp - 1]++;
            if (k < m->imports.len) {
                uint32_t t = m->imports.items[k].target;
                if (t != MF_NONE && !done[t] && ch->chunk_of[t] == ci && g->modules.items[t]->kind == MF_MOD_CSS) {
                    done[t] = 1;
                    stack[sp] = t;
                    next[sp++] = 0;
                }
                continue;
            }
            done[stack[sp - 1]] = 2;
            MF_VEC_PUSH(&c->css, stack[sp - 1]);
            sp--;
        }
    }
}

/* Adds `add` (ascending) to `list` (ascending), keeping it ascending. */
static void merge_sorted(void *list_ptr, const uint32_t *add, uint32_t n_add) {
    MF_VEC(uint32_t) *list = list_ptr;
    MF_VEC(uint32_t) out = {0};
    uint32_t i = 0, j = 0;
    while (i < list->len || j < n_add) {
        if (j == n_add || (i < list->len && list->items[i] < add[j])) MF_VEC_PUSH(&out, list->items[i++]);
        else if (i < list->len && list->items[i] == add[j]) {
            MF_VEC_PUSH(&out, list->items[i++]);
            j++;
        }
        else MF_VEC_PUSH(&out, add[j++]);
    }
    free(list->items);
    memcpy(list, &out, sizeof out);
}

static int cmp_str(const void *pa, const void *pb) {
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* consumes and remote_refs of every chunk, from its members' records.
 * Dynamic imports are left out: the runtime resolves those when
 * `__mf.e("mf-shared/...")` / `__mf.e("mf-remote/...")` runs. */
static void collect_federation_needs(const MfGraph *g, MfChunks *ch) {
    uint32_t n = g->modules.len;
    /* Refs are sorted by (from, import): the refs of module m start at
     * sfirst[m] / rfirst[m]. */
    uint32_t *sfirst = mf_xmalloc((n + 1) * sizeof(uint32_t));
    uint32_t *rfirst = mf_xmalloc((n + 1) * sizeof(uint32_t));
    for (uint32_t m = 0, i = 0, j = 0; m <= n; m++) {
        while (i < g->shared_refs.len && g->shared_refs.items[i].from < m) i++;
        while (j < g->remote_refs.len && g->remote_refs.items[j].from < m) j++;
        sfirst[m] = i;
        rfirst[m] = j;
    }
    uint32_t *stamp = mf_xcalloc(g->share_keys.len + 1, sizeof(uint32_t));
    for (uint32_t ci = 0; ci < ch->items.len; ci++) {
        MfChunk *c = &ch->items.items[ci];
        for (uint32_t i = 0; i < c->modules.len; i++) {
            uint32_t mi = c->modules.items[i];
            const MfModule *m = g->modules.items[mi];
            for (uint32_t r = sfirst[mi]; r < sfirst[mi + 1]; r++) {
                const MfSharedRef *ref = &g->shared_refs.items[r];
                if (!ref->consume || ref->key >= g->share_keys.len) continue;
                if (m->imports.items[ref->import].kind == MF_IMPORT_DYNAMIC || stamp[ref->key] == ci + 1) continue;
                stamp[ref->key] = ci + 1;
                MF_VEC_PUSH(&c->consumes, ref->key);
            }
            for (uint32_t r = rfirst[mi]; r < rfirst[mi + 1]; r++) {
                const MfImportRecord *rec = &m->imports.items[g->remote_refs.items[r].import];
                /* Copied: a watch session may keep the chunks longer than
                 * the record (build.c). */
                if (rec->kind != MF_IMPORT_DYNAMIC)
                    MF_VEC_PUSH(&c->remote_refs, (const char *)mf_arena_strdup(ch->arena, rec->specifier));
            }
        }
        if (c->consumes.len > 1) {
            /* ascending key order (insertion sort: a handful of keys) */
            for (uint32_t i = 1; i < c->consumes.len; i++)
                for (uint32_t j = i; j > 0 && c->consumes.items[j - 1] > c->consumes.items[j]; j--) {
                    uint32_t t = c->consumes.items[j];
                    c->consumes.items[j] = c->consumes.items[j - 1];
                    c->consumes.items[j - 1] = t;
                }
        }
        if (c->remote_refs.len > 1) {
            qsort(c->remote_refs.items, c->remote_refs.len, sizeof(char *), cmp_str);
            uint32_t w = 1;
            for (uint32_t i = 1; i < c->remote_refs.len; i++)
                if (strcmp(c->remote_refs.items[i], c->remote_refs.items[w - 1]) != 0)
                    c->remote_refs.items[w++] = c->remote_refs.items[i];
            c->remote_refs.len = w;
        }
    }
    free(stamp);
    free(sfirst);
    free(rfirst);
}

MfChunks *mf_chunk(const MfGraph *g, const MfConfig *cfg) {
    MfChunks *ch = mf_xcalloc(1, sizeof *ch);
    ch->arena = mf_arena_new();
    Chunker c = {.ch = ch, .names = mf_map_new()};
    uint32_t n = g->modules.len;
    ch->chunk_of = mf_xmalloc((n + 1) * sizeof(uint32_t));
    ch->lazy_of = mf_xmalloc((n + 1) * sizeof(uint32_t));
    ch->shared_of = mf_xmalloc((g->share_keys.len + 1) * sizeof(uint32_t));
    ch->container = MF_NONE;
    for (uint32_t i = 0; i < n; i++) ch->chunk_of[i] = ch->lazy_of[i] = MF_NONE;
    for (uint32_t i = 0; i < g->share_keys.len; i++) ch->shared_of[i] = MF_NONE;
    uint32_t *stack = mf_xmalloc((n + 1) * sizeof(uint32_t));

    /* 0. Which records are consume points, which modules are runtime
     * modules (runtimePlugins and eager fallbacks, with their closure). */
    uint32_t *first_rec = mf_xmalloc((n + 1) * sizeof(uint32_t)), total = 0;
    for (uint32_t i = 0; i < n; i++) first_rec[i] = total, total += g->modules.items[i]->imports.len;
    uint8_t *consume = mf_xcalloc(total + 1, 1);
    for (uint32_t i = 0; i < g->shared_refs.len; i++) {
        const MfSharedRef *r = &g->shared_refs.items[i];
        if (r->consume) consume[first_rec[r->from] + r->import] = 1;
    }
    uint8_t *plugin = mf_xcalloc(n + 1, 1);
    Edges x = {g, first_rec, consume, plugin};
    MF_VEC(uint32_t) plugin_mods = {0};
    MF_VEC(uint32_t) runtime_roots = {0};
    for (uint32_t p = 0; p < g->plugin_modules.len; p++) MF_VEC_PUSH(&runtime_roots, g->plugin_modules.items[p]);
    for (uint32_t i = 0; i < g->share_keys.len; i++)
        if (cfg->shared.items[g->share_keys.items[i].shared].eager) MF_VEC_PUSH(&runtime_roots, g->share_keys.items[i].fallback);
    for (uint32_t p = 0; p < runtime_roots.len; p++) {
        uint32_t root = runtime_roots.items[p], sp = 0;
        if (root == MF_NONE || plugin[root]) continue;
        plugin[root] = 1;
        stack[sp++] = root;
        while (sp) {
            const MfModule *m = g->modules.items[stack[--sp]];
            for (uint32_t k = 0; k < m->imports.len; k++) {
                uint32_t t = m->imports.items[k].target;
                if (!is_static(&x, m, k) || plugin[t]) continue;
                plugin[t] = 1;
                stack[sp++] = t;
            }
        }
    }
    for (uint32_t i = 0; i < n; i++)
        if (plugin[i]) MF_VEC_PUSH(&plugin_mods, i);

    /* 1. Root chunks.  entry_modules holds the entries, then the exposes. */
    uint32_t n_entries = cfg->entries.len < g->entry_modules.len ? cfg->entries.len : g->entry_modules.len;
    for (uint32_t i = 0; i < n_entries; i++)
        add_chunk(&c, MF_CHUNK_ENTRY, cfg->entries.items[i].name, g->entry_modules.items[i], i);
    for (uint32_t i = 0; i < cfg->exposes.len && n_entries + i < g->entry_modules.len; i++) {
        const char *key = cfg->exposes.items[i].key;
        while (*key == '.' || *key == '/') key++;
        const char *name = *key ? sanitize(ch->arena, key, strlen(key), false) : "index";
        uint32_t root = g->entry_modules.items[n_entries + i];
        uint32_t k = add_chunk(&c, MF_CHUNK_EXPOSE, name, root, i);
        if (ch->lazy_of[root] == MF_NONE) ch->lazy_of[root] = k;
    }
    /* Fallbacks: two keys with one local module (a "/" key's subpath that
     * is also a key of its own) share its chunk. */
    for (uint32_t i = 0; i < g->share_keys.len; i++) {
        uint32_t root = g->share_keys.items[i].fallback;
        if (root == MF_NONE || cfg->shared.items[g->share_keys.items[i].shared].eager) continue;
        for (uint32_t j = 0; j < i && ch->shared_of[i] == MF_NONE; j++)
            if (g->share_keys.items[j].fallback == root) ch->shared_of[i] = ch->shared_of[j];
        if (ch->shared_of[i] == MF_NONE)
            ch->shared_of[i] = add_chunk(&c, MF_CHUNK_SHARED, shared_name(ch->arena, g->share_keys.items[i].key), root, i);
    }
    uint32_t n_tops = ch->items.len; /* entries, exposes, fallbacks: chunks loaded from outside */
    if (cfg->exposes.len) {
        const char *base = mf_path_basename(cfg->filename ? cfg->filename : "remoteEntry.js");
        const char *dot = strrchr(base, '.');
        size_t len = dot && dot > base ? (size_t)(dot - base) : strlen(base);
        ch->container = add_chunk(&c, MF_CHUNK_CONTAINER, sanitize(ch->arena, base, len, false), MF_NONE, MF_NONE);
    }
    for (uint32_t i = 0; i < n; i++) {
        const MfModule *m = g->modules.items[i];
        for (uint32_t k = 0; k < m->imports.len; k++) {
            const MfImportRecord *r = &m->imports.items[k];
            if (r->kind != MF_IMPORT_DYNAMIC || r->target == MF_NONE || ch->lazy_of[r->target] != MF_NONE ||
                is_consume(&x, m, k))
                continue;
            ch->lazy_of[r->target] =
                add_chunk(&c, MF_CHUNK_ASYNC, async_name(&c, g->modules.items[r->target]), r->target, MF_NONE);
        }
    }
    uint32_t n_roots = ch->items.len;

    /* 2. Which root chunks need each module (the container has no root). */
    uint32_t words = (n_roots + 63) / 64;
    if (!words) words = 1;
    uint64_t *need = mf_xcalloc((size_t)(n ? n : 1) * words, sizeof(uint64_t));
    for (uint32_t k = 0; k < n_roots; k++)
        if (ch->items.items[k].root != MF_NONE) mark_static(&x, need, words, k, ch->items.items[k].root, stack);

    /* 3. From which tops each async chunk can be loaded: only_top[k] is
     * that top, MULTI for several.  Also each top's list of lazily loadable
     * chunks (async and expose chunks; fallbacks are the runtime's to load). */
    uint32_t *only_top = mf_xmalloc((n_roots + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < n_roots; k++) only_top[k] = k < n_tops ? k : MF_NONE;
    uint32_t *seen = mf_xcalloc(n + 1, sizeof(uint32_t));
    for (uint32_t t = 0; t < n_tops; t++) {
        MfChunk *top = &ch->items.items[t];
        mark_all(&x, seen, t + 1, top->root, stack);
        for (uint32_t k = n_entries; k < n_roots; k++) {
            const MfChunk *l = &ch->items.items[k];
            if (l->kind != MF_CHUNK_EXPOSE && l->kind != MF_CHUNK_ASYNC) continue;
            if (seen[l->root] != t + 1) continue;
            if (k != t) MF_VEC_PUSH(&top->lazy, k);
            if (k >= n_tops) only_top[k] = only_top[k] == MF_NONE || only_top[k] == t ? t : MULTI;
        }
    }

    /* 4. Placement, in module order. */
    MfMap *common = mf_map_new();
    MfBuf key = {0};
    for (uint32_t i = 0; i < n; i++) {
        const uint64_t *set = &need[(size_t)i * words];
        uint32_t count = 0, first = MF_NONE, top = MF_NONE, tops = 0;
        for (uint32_t w = 0; w < words; w++) {
            for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
                uint32_t k = w * 64 + (uint32_t)__builtin_ctzll(bits);
                if (first == MF_NONE) first = k;
                count++;
                if (k < n_tops) top = k, tops++;
            }
        }
        /* Needed by no root: a plugin module (placed below), or a module
         * only behind consume points that is no fallback (an importer's own
         * resolution of a shared package when the root's differs). */
        if (count == 0) continue;
        uint32_t home = MF_NONE;
        if (count == 1) {
            home = first;
        } else if (tops == 1) {
            home = top;
            for (uint32_t w = 0; w < words && home != MF_NONE; w++)
                for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
                    uint32_t k = w * 64 + (uint32_t)__builtin_ctzll(bits);
                    if (k != top && only_top[k] != top) {
                        home = MF_NONE;
                        break;
                    }
                }
        }
        if (home == MF_NONE) {
            key.len = 0;
            for (uint32_t w = 0; w < words; w++) mf_buf_printf(&key, "%016llx", (unsigned long long)set[w]);
            if (!mf_map_get(common, key.data, &home)) {
                /* Named after its first member: its npm package, else its file. */
                const MfModule *m = g->modules.items[i];
                const char *first_name = m->package ? sanitize(ch->arena, m->package, strlen(m->package), false)
                                                    : async_name(&c, m);
                const char *name = mf_arena_printf(ch->arena, "common-%s", first_name);
                home = add_chunk(&c, MF_CHUNK_COMMON, name, MF_NONE, MF_NONE);
                mf_map_put(common, key.data, home);
                for (uint32_t w = 0; w < words; w++)
                    for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
                        uint32_t k = w * 64 + (uint32_t)__builtin_ctzll(bits);
                        MF_VEC_PUSH(&ch->items.items[k].deps, home);
                    }
            }
        }
        ch->chunk_of[i] = home;
        MF_VEC_PUSH(&ch->items.items[home].modules, i);
    }
    mf_buf_free(&key);
    mf_map_free(common);

    /* The runtime modules, in every runtime. */
    if (plugin_mods.len) {
        for (uint32_t k = 0; k < ch->items.len; k++) {
            MfChunk *r = &ch->items.items[k];
            if (r->kind != MF_CHUNK_ENTRY && r->kind != MF_CHUNK_CONTAINER) continue;
            merge_sorted(&r->modules, plugin_mods.items, plugin_mods.len);
            for (uint32_t i = 0; i < plugin_mods.len; i++)
                if (ch->chunk_of[plugin_mods.items[i]] == MF_NONE) ch->chunk_of[plugin_mods.items[i]] = k;
        }
    }

    /* 5. Stylesheet order per chunk. */
    uint8_t *done = mf_xcalloc(n + 1, 1);
    uint32_t *next = mf_xmalloc((n + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < ch->items.len; k++) order_css(g, ch, k, done, stack, next);

    /* 6. What each chunk needs from federation. */
    collect_federation_needs(g, ch);

    free(done);
    free(next);
    free(seen);
    free(only_top);
    free(need);
    free(stack);
    free(plugin_mods.items);
    free(runtime_roots.items);
    free(plugin);
    free(consume);
    free(first_rec);
    mf_map_free(c.names);
    return ch;
}

void mf_chunks_free(MfChunks *ch) {
    if (!ch) return;
    for (uint32_t i = 0; i < ch->items.len; i++) {
        MfChunk *c = &ch->items.items[i];
        free(c->modules.items);
        free(c->css.items);
        free(c->deps.items);
        free(c->lazy.items);
        free(c->consumes.items);
        free(c->remote_refs.items);
    }
    free(ch->items.items);
    free(ch->chunk_of);
    free(ch->lazy_of);
    free(ch->shared_of);
    mf_arena_free(ch->arena);
    free(ch);
}
