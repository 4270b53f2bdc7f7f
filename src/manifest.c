/*
 * manifest.c — mf-manifest.json and mf-stats.json of a federated build.
 *
 * The manifest is how an MF 2.0 host finds this app when a remote is given
 * as "name@.../mf-manifest.json" (federation-protocol.md 3 and 4): where the
 * container script is (metaData.remoteEntry, publicPath), its global name,
 * and per expose and shared package the files to preload.  The MF 2.0
 * runtime rejects a manifest without metaData, shared, remotes or exposes
 * (RUNTIME-013), so all of them are always written, even empty.  The stats
 * file repeats it with the fuller lists that tools read (MF 2.0's stats
 * fields, plus mfbuild's shared[].strictVersion, shared[].eager and the
 * packages[] inventory that `mfbuild check` audits).
 *
 * Everything here is read from the finished phases: share keys and remote
 * references from the graph, chunk membership from the chunks, and the
 * final (hashed) file names from emit, which is why emit calls this last.
 * Lists are in config order, chunk order or sorted by name: the files are
 * byte-identical for any thread count (STYLE.md 12).
 */
#include "mfbuild.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

bool mf_uses_federation(const MfConfig *cfg) {
    return cfg->exposes.len || cfg->remotes.len || cfg->shared.len;
}

/* An expose's or remote module's name: the key without its "./" ("."
 * stays "."), as MF 2.0's getExposeName. */
static const char *expose_name(const char *key) {
    return strncmp(key, "./", 2) == 0 ? key + 2 : key;
}

static cJSON *str_array(void) {
    return cJSON_CreateArray();
}

static void push_str(cJSON *arr, const char *s) {
    cJSON_AddItemToArray(arr, cJSON_CreateString(s));
}

/* assets: the JS and CSS files of chunk k and of the common chunks loaded
 * with it, all under "sync" (every chunk file registers itself and may run
 * in any order and more than once, as the preload of MF 2.0 requires).
 * `sync_first` orders the two lists as the real outputs do: shared entries
 * have {async, sync}, exposes {sync, async}. */
static cJSON *chunk_assets(const MfChunks *ch, const MfChunkFiles *files, uint32_t k, bool sync_first) {
    cJSON *js = str_array(), *css = str_array();
    if (k != MF_NONE) {
        const MfChunk *c = &ch->items.items[k];
        for (uint32_t d = 0; d <= c->deps.len; d++) {
            uint32_t x = d == 0 ? k : c->deps.items[d - 1];
            if (files->js[x]) push_str(js, files->js[x]);
            if (files->css[x]) push_str(css, files->css[x]);
        }
    }
    cJSON *assets = cJSON_CreateObject();
    cJSON *jo = cJSON_AddObjectToObject(assets, "js");
    cJSON *co = cJSON_AddObjectToObject(assets, "css");
    if (sync_first) {
        cJSON_AddItemToObject(jo, "sync", js);
        cJSON_AddItemToObject(jo, "async", str_array());
        cJSON_AddItemToObject(co, "sync", css);
        cJSON_AddItemToObject(co, "async", str_array());
    } else {
        cJSON_AddItemToObject(jo, "async", str_array());
        cJSON_AddItemToObject(jo, "sync", js);
        cJSON_AddItemToObject(co, "async", str_array());
        cJSON_AddItemToObject(co, "sync", css);
    }
    return assets;
}

/* Whether chunk k (with its deps) consumes share key `key`. */
static bool chunk_consumes(const MfChunks *ch, uint32_t k, uint32_t key) {
    const MfChunk *c = &ch->items.items[k];
    for (uint32_t d = 0; d <= c->deps.len; d++) {
        const MfChunk *x = d == 0 ? c : &ch->items.items[c->deps.items[d - 1]];
        for (uint32_t i = 0; i < x->consumes.len; i++)
            if (x->consumes.items[i] == key) return true;
    }
    return false;
}

static uint32_t expose_chunk(const MfChunks *ch, uint32_t expose) {
    for (uint32_t k = 0; k < ch->items.len; k++)
        if (ch->items.items[k].kind == MF_CHUNK_EXPOSE && ch->items.items[k].source == expose) return k;
    return MF_NONE;
}

static cJSON *meta_data(const MfConfig *cfg, const char *name) {
    cJSON *md = cJSON_CreateObject();
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "type", "app");
    cJSON *bi = cJSON_AddObjectToObject(md, "buildInfo");
    cJSON_AddStringToObject(bi, "buildVersion", cfg->pkg_version ? cfg->pkg_version : "local");
    cJSON_AddStringToObject(bi, "buildName", cfg->pkg_name ? cfg->pkg_name : "unknown");
    /* A filename with folders ("js/remoteEntry.js") is path + name, which
     * the runtime joins again. */
    cJSON *re = cJSON_AddObjectToObject(md, "remoteEntry");
    const char *file = cfg->exposes.len && cfg->filename ? cfg->filename : "";
    const char *slash = strrchr(file, '/');
    char *dir = slash ? mf_xstrndup(file, (size_t)(slash - file)) : mf_xstrdup("");
    cJSON_AddStringToObject(re, "name", slash ? slash + 1 : file);
    cJSON_AddStringToObject(re, "path", dir);
    cJSON_AddStringToObject(re, "type", "global");
    free(dir);
    cJSON *types = cJSON_AddObjectToObject(md, "types");
    cJSON_AddStringToObject(types, "path", "");
    cJSON_AddStringToObject(types, "name", "");
    cJSON_AddStringToObject(types, "zip", "");
    cJSON_AddStringToObject(types, "api", "");
    cJSON_AddStringToObject(md, "globalName", name);
    cJSON_AddStringToObject(md, "pluginVersion", "mfbuild-" MF_VERSION);
    /* "auto" (the manifest's folder) or a prefix that the runtime
     * concatenates with file names as is: it must end in "/". */
    const char *pp = cfg->public_path ? cfg->public_path : "auto";
    size_t n = strlen(pp);
    if (strcmp(pp, "auto") == 0 || n == 0 || pp[n - 1] == '/') {
        cJSON_AddStringToObject(md, "publicPath", pp);
    } else {
        char *with = mf_xasprintf("%s/", pp);
        cJSON_AddStringToObject(md, "publicPath", with);
        free(with);
    }
    return md;
}

static cJSON *shared_list(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch,
                          const MfChunkFiles *files, const char *name, bool stats) {
    cJSON *list = cJSON_CreateArray();
    for (uint32_t i = 0; i < g->share_keys.len; i++) {
        const MfShareKey *key = &g->share_keys.items[i];
        const MfShared *sh = &cfg->shared.items[key->shared];
        cJSON *o = cJSON_CreateObject();
        char *id = mf_xasprintf("%s:%s", name, key->key);
        cJSON_AddStringToObject(o, "id", id);
        free(id);
        cJSON_AddStringToObject(o, "name", key->key);
        cJSON_AddStringToObject(o, "version", sh->version ? sh->version : "0");
        cJSON_AddBoolToObject(o, "singleton", sh->singleton);
        /* A string in the schema: a missing range is what MF 2.0 would
         * default it to ("^" + version), or anything. */
        char *range = sh->required_version ? mf_xstrdup(sh->required_version)
                      : sh->version       ? mf_xasprintf("^%s", sh->version)
                                          : mf_xstrdup("*");
        cJSON_AddStringToObject(o, "requiredVersion", range);
        free(range);
        if (stats) {
            cJSON_AddStringToObject(o, "shareScope", sh->share_scope ? sh->share_scope : "default");
            cJSON_AddBoolToObject(o, "eager", sh->eager);
            cJSON_AddBoolToObject(o, "strictVersion", sh->strict_version);
            cJSON_AddStringToObject(o, "fallback", key->fallback != MF_NONE ? link->ids[key->fallback] : "");
            cJSON_AddItemToObject(o, "deps", str_array());
            /* usedIn: the exposes whose chunks consume it. */
            cJSON *used = cJSON_AddArrayToObject(o, "usedIn");
            for (uint32_t x = 0; x < cfg->exposes.len; x++) {
                uint32_t k = expose_chunk(ch, x);
                if (k != MF_NONE && chunk_consumes(ch, k, i)) push_str(used, expose_name(cfg->exposes.items[x].key));
            }
        }
        cJSON_AddItemToObject(o, "assets", chunk_assets(ch, files, ch->shared_of[i], false));
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static int cmp_str(const void *pa, const void *pb) {
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* remotes[]: each remote module the build imports (statically or with
 * import()), by alias in config order, then by module name. */
static cJSON *remote_list(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch,
                          const char *name, bool stats) {
    cJSON *list = cJSON_CreateArray();
    for (uint32_t a = 0; a < cfg->remotes.len; a++) {
        const MfRemote *rem = &cfg->remotes.items[a];
        MF_VEC(const char *) exposes = {0};
        for (uint32_t i = 0; i < g->remote_refs.len; i++) {
            const MfRemoteRef *r = &g->remote_refs.items[i];
            if (r->remote == a && ch->chunk_of[r->from] != MF_NONE) MF_VEC_PUSH(&exposes, r->expose);
        }
        if (exposes.len) qsort(exposes.items, exposes.len, sizeof(char *), cmp_str);
        for (uint32_t e = 0; e < exposes.len; e++) {
            if (e && strcmp(exposes.items[e], exposes.items[e - 1]) == 0) continue;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "federationContainerName", rem->name);
            cJSON_AddStringToObject(o, "moduleName", expose_name(exposes.items[e]));
            cJSON_AddStringToObject(o, "alias", rem->alias);
            cJSON_AddStringToObject(o, "entry", rem->entry);
            if (stats) {
                cJSON_AddStringToObject(o, "consumingFederationContainerName", name);
                /* usedIn: the importing modules, sorted, each once. */
                MF_VEC(const char *) from = {0};
                for (uint32_t i = 0; i < g->remote_refs.len; i++) {
                    const MfRemoteRef *r = &g->remote_refs.items[i];
                    if (r->remote == a && strcmp(r->expose, exposes.items[e]) == 0 && ch->chunk_of[r->from] != MF_NONE)
                        MF_VEC_PUSH(&from, link->ids[r->from]);
                }
                if (from.len) qsort(from.items, from.len, sizeof(char *), cmp_str);
                cJSON *used = cJSON_AddArrayToObject(o, "usedIn");
                for (uint32_t i = 0; i < from.len; i++)
                    if (!i || strcmp(from.items[i], from.items[i - 1]) != 0) push_str(used, from.items[i]);
                free(from.items);
            }
            cJSON_AddItemToArray(list, o);
        }
        free(exposes.items);
    }
    return list;
}

static cJSON *expose_list(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch,
                          const MfChunkFiles *files, const char *name, bool stats) {
    cJSON *list = cJSON_CreateArray();
    for (uint32_t x = 0; x < cfg->exposes.len; x++) {
        const MfExpose *ex = &cfg->exposes.items[x];
        uint32_t k = expose_chunk(ch, x);
        cJSON *o = cJSON_CreateObject();
        char *id = mf_xasprintf("%s:%s", name, expose_name(ex->key));
        cJSON_AddStringToObject(o, "id", id);
        free(id);
        cJSON_AddStringToObject(o, "name", expose_name(ex->key));
        cJSON_AddStringToObject(o, "path", ex->key);
        if (stats) {
            char *file = mf_path_relative(cfg->root, ex->path);
            cJSON_AddStringToObject(o, "file", k != MF_NONE ? link->ids[ch->items.items[k].root] : file);
            free(file);
            cJSON *req = cJSON_AddArrayToObject(o, "requires");
            for (uint32_t i = 0; k != MF_NONE && i < g->share_keys.len; i++)
                if (chunk_consumes(ch, k, i)) push_str(req, g->share_keys.items[i].key);
        }
        cJSON_AddItemToObject(o, "assets", chunk_assets(ch, files, k, true));
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

/* packages[]: one per npm package (name and version) with modules in the
 * build, sorted by name then version. */
typedef struct PkgMod {
    const char *name, *version;
    uint32_t module;
} PkgMod;

static int cmp_pkg(const void *pa, const void *pb) {
    const PkgMod *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    c = strcmp(a->version, b->version);
    if (c) return c;
    return a->module < b->module ? -1 : a->module > b->module;
}

static cJSON *package_list(const MfGraph *g, const MfChunks *ch) {
    MF_VEC(PkgMod) mods = {0};
    for (uint32_t i = 0; i < g->modules.len; i++) {
        const MfModule *m = g->modules.items[i];
        if (!m->package || ch->chunk_of[i] == MF_NONE) continue;
        PkgMod p = {m->package, m->package_version ? m->package_version : "", i};
        MF_VEC_PUSH(&mods, p);
    }
    if (mods.len) qsort(mods.items, mods.len, sizeof(PkgMod), cmp_pkg);
    cJSON *list = cJSON_CreateArray();
    for (uint32_t i = 0; i < mods.len;) {
        uint32_t j = i;
        double bytes = 0;
        for (; j < mods.len && strcmp(mods.items[j].name, mods.items[i].name) == 0 &&
               strcmp(mods.items[j].version, mods.items[i].version) == 0;
             j++)
            bytes += g->modules.items[mods.items[j].module]->size;
        /* Provided to the share scope: some share key's local fallback is a
         * module of this very package and version — or the package ships
         * only inside shared fallback chunks (react-dom's scheduler), so it
         * loads once with the package that negotiation picks. */
        bool shared = true;
        for (uint32_t k = i; k < j && shared; k++)
            shared = ch->items.items[ch->chunk_of[mods.items[k].module]].kind == MF_CHUNK_SHARED;
        for (uint32_t k = 0; k < g->share_keys.len && !shared; k++) {
            uint32_t f = g->share_keys.items[k].fallback;
            const MfModule *fm = f != MF_NONE ? g->modules.items[f] : NULL;
            shared = fm && fm->package && strcmp(fm->package, mods.items[i].name) == 0 &&
                     strcmp(fm->package_version ? fm->package_version : "", mods.items[i].version) == 0;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", mods.items[i].name);
        cJSON_AddStringToObject(o, "version", mods.items[i].version);
        cJSON_AddNumberToObject(o, "bytes", bytes);
        cJSON_AddBoolToObject(o, "shared", shared);
        cJSON_AddItemToArray(list, o);
        i = j;
    }
    free(mods.items);
    return list;
}

/* Writes v as JSON.stringify(v, null, 2) would (the layout of the files
 * other bundlers write, and of diffs people read).  Numbers here are
 * integers (byte counts). */
static void print_json(MfBuf *out, const cJSON *v, int depth) {
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool obj = cJSON_IsObject(v);
        if (!v->child) {
            mf_buf_puts(out, obj ? "{}" : "[]");
            return;
        }
        mf_buf_putc(out, obj ? '{' : '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            mf_buf_printf(out, "\n%*s", (depth + 1) * 2, "");
            if (obj) {
                mf_buf_json_string(out, c->string);
                mf_buf_puts(out, ": ");
            }
            print_json(out, c, depth + 1);
            if (c->next) mf_buf_putc(out, ',');
        }
        mf_buf_printf(out, "\n%*s%c", depth * 2, "", obj ? '}' : ']');
    } else if (cJSON_IsString(v)) {
        mf_buf_json_string(out, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        mf_buf_printf(out, "%.0f", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        mf_buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
    } else {
        mf_buf_puts(out, "null");
    }
}

char *mf_manifest_json(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch,
                       const MfChunkFiles *files, bool stats) {
    const char *name = cfg->name ? cfg->name : "app";
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "id", name);
    cJSON_AddStringToObject(root, "name", name);
    cJSON_AddItemToObject(root, "metaData", meta_data(cfg, name));
    cJSON_AddItemToObject(root, "shared", shared_list(g, cfg, link, ch, files, name, stats));
    cJSON_AddItemToObject(root, "remotes", remote_list(g, cfg, link, ch, name, stats));
    cJSON_AddItemToObject(root, "exposes", expose_list(g, cfg, link, ch, files, name, stats));
    if (stats) cJSON_AddItemToObject(root, "packages", package_list(g, ch));
    MfBuf out = {0};
    print_json(&out, root, 0);
    mf_buf_putc(&out, '\n');
    cJSON_Delete(root);
    return mf_buf_steal(&out);
}
