/*
 * resolve.c — turns an import specifier into a file, the way Node and the
 * bundlers people move from (webpack, esbuild) do.
 *
 * The order for one specifier (mf_resolve):
 *   1. resolve.alias from the config (exact key, or key + "/...");
 *   2. relative and absolute paths: the file, the file plus an extension,
 *      TypeScript's "./x.js" naming "./x.ts", then the folder (its
 *      package.json main fields, then index.*);
 *   3. "#x": the `imports` map of the importer's nearest package.json;
 *   4. bare specifiers: the importer package's `browser` object (target
 *      web), tsconfig.json `paths`/`baseUrl`, a package referring to itself
 *      through its `exports`, then node_modules folders up the tree, where a
 *      package with `exports` is reached only through them, and one without
 *      through browser/module/main.  Node builtins are recognised before
 *      node_modules on target node and after it on target web (polyfill
 *      packages such as "events" or "buffer" win there, as in webpack).
 *   5. the result is made a real path (a module's identity, so a package
 *      reached through two pnpm links is one module), and on target web the
 *      `browser` object of the file's package may still remap it.
 *
 * Thousands of specifiers resolve per build, most of them to the same few
 * folders, so every stat(), realpath() and package.json parse is cached in
 * the resolver (string maps into arrays below), and so is each successful
 * answer per (importer folder, specifier).  The caches assume no file is
 * added, removed or renamed, and no package.json or tsconfig changes,
 * while the resolver lives: watch mode keeps it across rebuilds until such
 * a change and then makes a new one (mf_module_cache_invalidate).  The
 * resolver belongs to the one thread that owns the graph; nothing here
 * locks.
 *
 * Failures are cheap to report well: only when a specifier does not resolve
 * do we list a folder to offer the nearest name ("./Buton" -> "./Button").
 */
#include "mfbuild.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------------- */
/* Tables                                                                  */
/* ---------------------------------------------------------------------- */

/* Node's builtin modules (module.builtinModules of Node 20/22), sorted for
 * bsearch.  "node:"-only modules are listed separately: plain "test" is an
 * ordinary package name. */
static const char *const builtin_names[] = {
    "_http_agent", "_http_client", "_http_common", "_http_incoming",
    "_http_outgoing", "_http_server", "_stream_duplex", "_stream_passthrough",
    "_stream_readable", "_stream_transform", "_stream_wrap", "_stream_writable",
    "_tls_common", "_tls_wrap", "assert", "assert/strict", "async_hooks",
    "buffer", "child_process", "cluster", "console", "constants", "crypto",
    "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events",
    "fs", "fs/promises", "http", "http2", "https", "inspector",
    "inspector/promises", "module", "net", "os", "path", "path/posix",
    "path/win32", "perf_hooks", "process", "punycode", "querystring",
    "readline", "readline/promises", "repl", "stream", "stream/consumers",
    "stream/promises", "stream/web", "string_decoder", "sys", "timers",
    "timers/promises", "tls", "trace_events", "tty", "url", "util",
    "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
};
static const char *const node_prefix_only[] = {
    "sea", "sqlite", "test", "test/reporters",
};

/* Used when the config leaves the list empty (config.c normally fills it). */
static const char *const default_extensions[] = {
    ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".json",
};

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_builtin(const char *name) {
    size_t n = sizeof builtin_names / sizeof builtin_names[0];
    return bsearch(&name, builtin_names, n, sizeof builtin_names[0], cmp_str) != NULL;
}

static bool is_node_prefix_only(const char *name) {
    for (size_t i = 0; i < sizeof node_prefix_only / sizeof node_prefix_only[0]; i++)
        if (strcmp(name, node_prefix_only[i]) == 0) return true;
    return false;
}

const char *mf_import_kind_name(MfImportKind k) {
    switch (k) {
    case MF_IMPORT_STATIC: return "import";
    case MF_IMPORT_REEXPORT: return "reexport";
    case MF_IMPORT_EXPORT_STAR: return "export-star";
    case MF_IMPORT_DYNAMIC: return "dynamic";
    case MF_IMPORT_REQUIRE: return "require";
    }
    return "import";
}

/* ---------------------------------------------------------------------- */
/* The resolver and its caches                                             */
/* ---------------------------------------------------------------------- */

enum { K_NONE, K_FILE, K_DIR, K_MASK = 3, K_LINK = 4, K_PROBE = 8 /* listed, type unknown: lstat it */ };

/* One "./file" key of a package's `browser` object, prepared on first use. */
typedef struct {
    const char *key_path;  /* key joined to the package folder (arena) */
    const char *key_real;  /* the file the key resolves to (real), or NULL */
    const cJSON *value;    /* false or a string (inside the package's tree) */
} BrowserFile;

typedef struct {
    const char *dir;           /* folder holding package.json (arena) */
    cJSON *json;               /* object root; NULL when unreadable or malformed */
    const char *name, *version; /* inside json, NULL when absent */
    bool browser_ready;
    BrowserFile *browser_files; /* arena */
    uint32_t n_browser_files;
} Pkg;

/* The effective compilerOptions of one tsconfig.json (after `extends`). */
typedef struct {
    const char *base_url;   /* absolute, or NULL */
    const cJSON *paths;     /* object inside one of r->tsc_roots, or NULL */
    const char *paths_dir;  /* what `paths` substitutions are relative to */
} TsConfig;

/* A finished resolution (failures are not kept: they are rare and want
 * their suggestion computed). */
typedef struct {
    MfResolveStatus st;
    const char *path;  /* arena (a reals entry), NULL unless MF_RESOLVE_OK */
} Done;

struct MfResolver {
    const MfConfig *cfg;
    MfArena *arena;              /* cached strings */
    const char *const *exts;
    uint32_t n_exts;
    MF_VEC(const char *) conds;  /* active conditions besides default/import/require */
    MfMap *stat_map;   /* path -> K_* */
    MfMap *list_map;   /* folder -> 1 when its entries are in stat_map, 0 when it cannot be listed */
    MfMap *pkg_map;    /* folder -> index into pkgs, MF_NONE when no package.json */
    MfMap *near_map;   /* folder -> nearest package (index), MF_NONE when none */
    MfMap *real_map;   /* path -> index into reals, MF_NONE when it does not exist */
    MfMap *tsc_map;    /* folder -> nearest tsconfig (index), MF_NONE when none */
    MfMap *owner_map;  /* folder -> owning node_modules package, for package_of */
    MfMap *done_map;   /* "i|r" + importer folder + "\n" + spec -> index into done */
    MF_VEC(Done) done;
    MF_VEC(Pkg) pkgs;
    MF_VEC(const char *) reals;
    MF_VEC(TsConfig) tscs;
    MF_VEC(cJSON *) tsc_roots;
};

MfResolver *mf_resolver_new(const MfConfig *cfg) {
    MfResolver *r = mf_xcalloc(1, sizeof *r);
    r->cfg = cfg;
    r->arena = mf_arena_new();
    if (cfg->extensions.len) {
        r->exts = (const char *const *)cfg->extensions.items;
        r->n_exts = cfg->extensions.len;
    } else {
        r->exts = default_extensions;
        r->n_exts = sizeof default_extensions / sizeof default_extensions[0];
    }
    /* "module" is not a Node condition, but webpack and esbuild accept it and
     * packages use it to point bundlers at their ESM build. */
    MF_VEC_PUSH(&r->conds, cfg->target == MF_TARGET_NODE ? "node" : "browser");
    MF_VEC_PUSH(&r->conds, "module");
    MF_VEC_PUSH(&r->conds, cfg->mode == MF_MODE_DEVELOPMENT ? "development" : "production");
    for (uint32_t i = 0; i < cfg->conditions.len; i++)
        MF_VEC_PUSH(&r->conds, (const char *)cfg->conditions.items[i]);
    r->stat_map = mf_map_new();
    r->list_map = mf_map_new();
    r->pkg_map = mf_map_new();
    r->near_map = mf_map_new();
    r->real_map = mf_map_new();
    r->tsc_map = mf_map_new();
    r->owner_map = mf_map_new();
    r->done_map = mf_map_new();
    return r;
}

void mf_resolver_free(MfResolver *r) {
    if (!r) return;
    for (uint32_t i = 0; i < r->pkgs.len; i++) cJSON_Delete(r->pkgs.items[i].json);
    for (uint32_t i = 0; i < r->tsc_roots.len; i++) cJSON_Delete(r->tsc_roots.items[i]);
    free(r->pkgs.items);
    free(r->reals.items);
    free(r->tscs.items);
    free(r->tsc_roots.items);
    free(r->conds.items);
    free(r->done.items);
    mf_map_free(r->stat_map);
    mf_map_free(r->list_map);
    mf_map_free(r->pkg_map);
    mf_map_free(r->near_map);
    mf_map_free(r->real_map);
    mf_map_free(r->tsc_map);
    mf_map_free(r->owner_map);
    mf_map_free(r->done_map);
    mf_arena_free(r->arena);
    free(r);
}

/* Lists folder `dir` ("" for the root) into stat_map: each entry's kind
 * when readdir() tells it, K_PROBE when it does not (a symlink, or a file
 * system without d_type).  False when the folder cannot be read. */
static bool list_dir(MfResolver *r, const char *dir) {
    uint32_t listed;
    if (mf_map_get(r->list_map, dir, &listed)) return listed;
    DIR *d = opendir(dir[0] ? dir : "/");
    mf_map_put(r->list_map, dir, d != NULL);
    if (!d) return false;
    MfBuf b = {0};
    for (struct dirent *e; (e = readdir(d));) {
        uint32_t k = e->d_type == DT_REG ? K_FILE : e->d_type == DT_DIR ? K_DIR : K_PROBE;
        b.len = 0;
        mf_buf_printf(&b, "%s/%s", dir, e->d_name);
        mf_map_put(r->stat_map, b.data, k);
    }
    mf_buf_free(&b);
    closedir(d);
    return true;
}

/* The kind of a path (K_FILE, K_DIR or K_NONE, after symlinks) with K_LINK
 * set when the path itself is a symlink.  The resolver probes many names
 * that do not exist ("./Button" + each extension, index files, package.json
 * up the tree), so the first question about a folder's entry lists the
 * folder, and the answers for plain files and folders, present or absent,
 * come from that listing: a few system calls per folder instead of one per
 * probe (about 4,600 per 1,000-module app, most on the owner thread's
 * critical path).  lstat() once per remaining path per build (symlinks,
 * unlistable folders), stat() too for a symlink. */
static uint32_t kind_bits(MfResolver *r, const char *path) {
    uint32_t k;
    if (mf_map_get(r->stat_map, path, &k)) {
        if (k != K_PROBE) return k;
    } else {
        const char *slash = strrchr(path, '/');
        if (slash && slash[1] && strcmp(slash + 1, ".") != 0 && strcmp(slash + 1, "..") != 0) {
            char *dir = mf_xstrndup(path, (size_t)(slash - path));
            bool listed = list_dir(r, dir);
            free(dir);
            if (listed) {
                if (!mf_map_get(r->stat_map, path, &k)) {
                    mf_map_put(r->stat_map, path, K_NONE);
                    return K_NONE;
                }
                if (k != K_PROBE) return k;
            }
        }
    }
    struct stat st;
    k = K_NONE;
    if (lstat(path, &st) == 0) {
        bool link = S_ISLNK(st.st_mode);
        if (!link || stat(path, &st) == 0) k = S_ISDIR(st.st_mode) ? K_DIR : S_ISREG(st.st_mode) ? K_FILE : K_NONE;
        if (link) k |= K_LINK;
    }
    mf_map_put(r->stat_map, path, k);
    return k;
}

static int kind_of(MfResolver *r, const char *path) { return (int)(kind_bits(r, path) & K_MASK); }

static bool is_file(MfResolver *r, const char *path) { return kind_of(r, path) == K_FILE; }
static bool is_dir(MfResolver *r, const char *path) { return kind_of(r, path) == K_DIR; }

static bool is_root_dir(const char *dir) { return dir[0] == '/' && dir[1] == 0; }

/* Real path (arena), cached; NULL when the path does not exist.
 *
 * realpath() readlink()s every component of the path, about ten system
 * calls per module of a deep source tree, all on the owner thread.  When
 * the last component is a plain name that is no symlink, the real path is
 * the folder's real path (cached: siblings share it) plus that name, which
 * takes no system call when kind_bits() has seen the path already. */
static const char *real_of(MfResolver *r, const char *path) {
    uint32_t i;
    if (mf_map_get(r->real_map, path, &i)) return i == MF_NONE ? NULL : r->reals.items[i];
    char *real = NULL;
    const char *slash = strrchr(path, '/');
    uint32_t k;
    if (path[0] == '/' && slash && slash != path && slash[1] && strcmp(slash + 1, ".") != 0 &&
        strcmp(slash + 1, "..") != 0 && ((k = kind_bits(r, path)) & K_MASK) != K_NONE && !(k & K_LINK)) {
        char *dir = mf_xstrndup(path, (size_t)(slash - path));
        const char *real_dir = real_of(r, dir);
        free(dir);
        if (real_dir) real = mf_xasprintf("%s/%s", is_root_dir(real_dir) ? "" : real_dir, slash + 1);
    } else {
        real = mf_path_realpath(path);
    }
    i = MF_NONE;
    if (real) {
        i = r->reals.len;
        MF_VEC_PUSH(&r->reals, mf_arena_strdup(r->arena, real));
        free(real);
    }
    mf_map_put(r->real_map, path, i);
    return i == MF_NONE ? NULL : r->reals.items[i];
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static bool has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static const cJSON *obj_get(const cJSON *o, const char *key) {
    return o && cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *obj_str(const cJSON *o, const char *key) {
    const cJSON *v = obj_get(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* package.json in `dir`, parsed once.  A malformed file counts as a
 * package.json without fields: it still stops the "nearest" walk, as in
 * Node, but never breaks a build by itself. */
static uint32_t pkg_at(MfResolver *r, const char *dir) {
    uint32_t i;
    if (mf_map_get(r->pkg_map, dir, &i)) return i;
    i = MF_NONE;
    char *file = mf_path_join(dir, "package.json");
    if (is_file(r, file)) {
        Pkg p = {0};
        p.dir = mf_arena_strdup(r->arena, dir);
        char *text = NULL;
        size_t len = 0;
        if (mf_file_read(file, &text, &len) == 0) {
            p.json = cJSON_ParseWithLength(text, len);
            if (p.json && !cJSON_IsObject(p.json)) {
                cJSON_Delete(p.json);
                p.json = NULL;
            }
            free(text);
        }
        p.name = obj_str(p.json, "name");
        p.version = obj_str(p.json, "version");
        i = r->pkgs.len;
        MF_VEC_PUSH(&r->pkgs, p);
    }
    free(file);
    mf_map_put(r->pkg_map, dir, i);
    return i;
}

/* The package.json nearest to `dir` (itself or an ancestor). */
static uint32_t nearest_pkg(MfResolver *r, const char *dir) {
    uint32_t i;
    if (mf_map_get(r->near_map, dir, &i)) return i;
    i = pkg_at(r, dir);
    if (i == MF_NONE && !is_root_dir(dir)) {
        char *parent = mf_path_dirname(dir);
        if (strcmp(parent, dir) != 0) i = nearest_pkg(r, parent);
        free(parent);
    }
    mf_map_put(r->near_map, dir, i);
    return i;
}

static uint32_t nearest_pkg_of_file(MfResolver *r, const char *file) {
    char *dir = mf_path_dirname(file);
    uint32_t i = nearest_pkg(r, dir);
    free(dir);
    return i;
}

/* ---------------------------------------------------------------------- */
/* Files and folders                                                       */
/* ---------------------------------------------------------------------- */

/* TypeScript lets "./x.js" name "./x.ts" (the file it compiles to); only
 * used when the .js file itself does not exist. */
static char *ts_sibling(MfResolver *r, const char *p) {
    static const char *const map[][3] = {
        {".js", ".ts", ".tsx"}, {".jsx", ".tsx", NULL},
        {".mjs", ".mts", NULL}, {".cjs", ".cts", NULL},
    };
    const char *ext = mf_path_ext(p);
    if (!ext[0]) return NULL;
    size_t stem = strlen(p) - strlen(ext);
    char buf[PATH_MAX];
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(ext, map[i][0]) != 0) continue;
        for (int j = 1; j < 3 && map[i][j]; j++) {
            int n = snprintf(buf, sizeof buf, "%.*s%s", (int)stem, p, map[i][j]);
            if (n > 0 && (size_t)n < sizeof buf && is_file(r, buf)) return mf_xstrdup(buf);
        }
    }
    return NULL;
}

/* The exact file or its TypeScript sibling: what `exports` targets allow
 * (Node does not probe extensions there). */
static char *exact_file(MfResolver *r, const char *p) {
    if (is_file(r, p)) return mf_xstrdup(p);
    return ts_sibling(r, p);
}

/* p, then p + each extension; caller frees. */
static char *load_file(MfResolver *r, const char *p) {
    char *f = exact_file(r, p);
    if (f) return f;
    char buf[PATH_MAX];
    for (uint32_t i = 0; i < r->n_exts; i++) {
        int n = snprintf(buf, sizeof buf, "%s%s", p, r->exts[i]);
        if (n > 0 && (size_t)n < sizeof buf && is_file(r, buf)) return mf_xstrdup(buf);
    }
    return NULL;
}

static char *load_index(MfResolver *r, const char *dir) {
    char buf[PATH_MAX];
    for (uint32_t i = 0; i < r->n_exts; i++) {
        int n = snprintf(buf, sizeof buf, "%s/index%s", dir, r->exts[i]);
        if (n > 0 && (size_t)n < sizeof buf && is_file(r, buf)) return mf_xstrdup(buf);
    }
    return NULL;
}

/* The package's entry through its main fields: on web, the browser field's
 * string form replaces main, then module, then main; on node, module then
 * main.  A field pointing at nothing falls through to the next one (as
 * webpack's mainFields do). */
static char *load_main(MfResolver *r, uint32_t pi) {
    const char *dir = r->pkgs.items[pi].dir;
    const cJSON *json = r->pkgs.items[pi].json;
    if (!json) return NULL;
    const char *fields[3];
    int n = 0;
    if (r->cfg->target == MF_TARGET_WEB) fields[n++] = "browser";
    fields[n++] = "module";
    fields[n++] = "main";
    for (int i = 0; i < n; i++) {
        const char *v = obj_str(json, fields[i]);
        if (!v || !v[0]) continue;
        char *p = mf_path_join(dir, v);
        char *f = load_file(r, p);
        if (!f && is_dir(r, p)) f = load_index(r, p);
        free(p);
        if (f) return f;
    }
    return NULL;
}

static char *load_dir(MfResolver *r, const char *dir) {
    uint32_t pi = pkg_at(r, dir);
    if (pi != MF_NONE) {
        char *f = load_main(r, pi);
        if (f) return f;
    }
    return load_index(r, dir);
}

/* A path as a file, then as a folder. */
static char *load_path(MfResolver *r, const char *p, bool dir_only) {
    if (!dir_only) {
        char *f = load_file(r, p);
        if (f) return f;
    }
    return is_dir(r, p) ? load_dir(r, p) : NULL;
}

/* ---------------------------------------------------------------------- */
/* package.json "exports" and "imports"                                    */
/* ---------------------------------------------------------------------- */

static bool cond_active(const MfResolver *r, const char *c, MfImportKind kind) {
    if (strcmp(c, "default") == 0) return true;
    if (strcmp(c, "import") == 0) return kind != MF_IMPORT_REQUIRE;
    if (strcmp(c, "require") == 0) return kind == MF_IMPORT_REQUIRE;
    for (uint32_t i = 0; i < r->conds.len; i++)
        if (strcmp(c, r->conds.items[i]) == 0) return true;
    return false;
}

/* Outcomes of PACKAGE_TARGET_RESOLVE (Node's ESM resolution spec). */
typedef enum {
    T_OK,       /* c->st / c->path set */
    T_UNDEF,    /* no condition matched */
    T_NULL,     /* null target: deliberately not exported */
    T_INVALID,  /* a target Node rejects */
    T_MISSING,  /* a valid target naming a file that does not exist */
} TStatus;

typedef struct {
    MfResolver *r;
    const char *pkg_dir;
    MfImportKind kind;
    bool imports;          /* the "imports" map: bare targets are allowed */
    const char *match;     /* what "*" stands for, or NULL */
    MfResolveStatus st;    /* on T_OK */
    char *path;            /* on T_OK with MF_RESOLVE_OK; caller frees */
} Target;

static MfResolveStatus resolve_bare(MfResolver *r, const char *spec, const char *from_dir,
                                    MfImportKind kind, char **out, char **sugg);

static char *replace_stars(const char *s, const char *match) {
    MfBuf b = {0};
    for (; *s; s++) {
        if (*s == '*') mf_buf_puts(&b, match);
        else mf_buf_putc(&b, *s);
    }
    if (!b.data) return mf_xstrdup("");
    return mf_buf_steal(&b);
}

/* Node refuses targets that climb out of the package or into a nested
 * node_modules; so do we. */
static bool has_bad_segment(const char *p) {
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') ||
            (n == 12 && strncmp(s, "node_modules", 12) == 0))
            return true;
        if (!e) break;
        s = e + 1;
    }
    return false;
}

static TStatus target_resolve(Target *c, const cJSON *t) {
    if (cJSON_IsString(t)) {
        const char *s = t->valuestring;
        char *sub = c->match ? replace_stars(s, c->match) : mf_xstrdup(s);
        if (!has_prefix(s, "./")) {
            /* "imports" may point at another package ("#dep": "dep/x"). */
            if (c->imports && s[0] && s[0] != '.' && s[0] != '/' && !strstr(s, "://")) {
                char *p = NULL;
                MfResolveStatus st = resolve_bare(c->r, sub, c->pkg_dir, c->kind, &p, NULL);
                free(sub);
                if (st == MF_RESOLVE_NOT_FOUND) return T_MISSING;
                c->st = st;
                c->path = p;
                return T_OK;
            }
            free(sub);
            return T_INVALID;
        }
        if (has_bad_segment(sub + 2)) {
            free(sub);
            return T_INVALID;
        }
        char *full = mf_path_join(c->pkg_dir, sub + 2);
        free(sub);
        char *f = exact_file(c->r, full);
        free(full);
        if (!f) return T_MISSING;
        c->st = MF_RESOLVE_OK;
        c->path = f;
        return T_OK;
    }
    if (cJSON_IsArray(t)) {
        /* Fallbacks: the first entry that exists wins (Node takes the first
         * valid one; skipping missing files as well is what bundler users
         * expect from a list of alternatives). */
        TStatus last = T_INVALID;
        const cJSON *e;
        cJSON_ArrayForEach(e, t) {
            TStatus s = target_resolve(c, e);
            if (s == T_OK || s == T_NULL) return s;
            if (s == T_MISSING || (s == T_UNDEF && last == T_INVALID)) last = s;
        }
        return last;
    }
    if (cJSON_IsObject(t)) {
        /* Conditions are tried in the object's key order, not ours. */
        const cJSON *e;
        cJSON_ArrayForEach(e, t) {
            if (!e->string || !cond_active(c->r, e->string, c->kind)) continue;
            TStatus s = target_resolve(c, e);
            if (s == T_UNDEF) continue;
            return s;
        }
        return T_UNDEF;
    }
    if (cJSON_IsNull(t)) return T_NULL;
    return T_INVALID;
}

/* PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, else the "*" pattern with
 * the longest prefix (then the longest key). */
static TStatus map_resolve(Target *c, const char *key, const cJSON *map) {
    if (!strchr(key, '*')) {
        const cJSON *t = obj_get(map, key);
        if (t) {
            c->match = NULL;
            return target_resolve(c, t);
        }
    }
    const cJSON *best = NULL;
    size_t best_base = 0, best_len = 0, klen = strlen(key);
    const cJSON *e;
    cJSON_ArrayForEach(e, map) {
        const char *k = e->string;
        const char *star = k ? strchr(k, '*') : NULL;
        if (!star || strchr(star + 1, '*')) continue;
        size_t base = (size_t)(star - k), len = strlen(k);
        if (klen <= base || strncmp(key, k, base) != 0) continue;
        const char *trailer = star + 1;
        if (trailer[0] && !(has_suffix(key, trailer) && klen >= len)) continue;
        if (!best || base > best_base || (base == best_base && len > best_len)) {
            best = e;
            best_base = base;
            best_len = len;
        }
    }
    if (!best) return T_UNDEF;
    size_t tl = strlen(strchr(best->string, '*') + 1);
    char *match = mf_xstrndup(key + best_base, klen - best_base - tl);
    c->match = match;
    TStatus s = target_resolve(c, best);
    c->match = NULL;
    free(match);
    return s;
}

/* A package's `exports` for `subpath` ("." or "./x"). */
static TStatus exports_resolve(Target *c, const cJSON *exports, const char *subpath) {
    bool subpaths = false;
    if (cJSON_IsObject(exports) && exports->child && exports->child->string)
        subpaths = exports->child->string[0] == '.';
    if (!subpaths) {
        /* "exports": "./x.js" / [...] / { "import": ... } is the "." entry. */
        if (strcmp(subpath, ".") != 0) return T_UNDEF;
        c->match = NULL;
        return target_resolve(c, exports);
    }
    return map_resolve(c, subpath, exports);
}

static MfResolveStatus finish_target(TStatus s, Target *c, char **out) {
    if (s == T_OK) {
        *out = c->path;
        return c->st;
    }
    free(c->path);
    c->path = NULL;
    return MF_RESOLVE_NOT_FOUND;
}

/* ---------------------------------------------------------------------- */
/* "Did you mean" (only on failure)                                        */
/* ---------------------------------------------------------------------- */

typedef struct {
    unsigned best;
    char *cand;  /* malloc'd */
} Near;

static void near_offer(Near *n, const char *want, const char *cand) {
    if (!cand[0] || strcmp(want, cand) == 0) return;
    size_t len = strlen(want);
    unsigned limit = len <= 4 ? 1 : len <= 10 ? 2 : 3;
    unsigned d = mf_edit_distance(want, cand);
    if (d > limit) return;
    /* Ties go to the smaller name: readdir order is not stable. */
    if (!n->cand || d < n->best || (d == n->best && strcmp(cand, n->cand) < 0)) {
        free(n->cand);
        n->cand = mf_xstrdup(cand);
        n->best = d;
    }
}

/* `spec` failed to name `target` (absolute): offer `spec` with its last
 * segment replaced by the nearest name in target's folder, compared with and
 * without the extension ("./Buton" -> "./Button" for Button.jsx). */
static char *suggest_sibling(const char *spec, const char *target) {
    const char *slash = strrchr(spec, '/');
    if (!slash || !slash[1]) return NULL;
    char *dir = mf_path_dirname(target);
    const char *want = mf_path_basename(target);
    DIR *d = opendir(dir);
    free(dir);
    if (!d) return NULL;
    Near n = {0};
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        near_offer(&n, want, name);
        const char *ext = mf_path_ext(name);
        if (ext[0] && ext != name) {
            char *stem = mf_xstrndup(name, (size_t)(ext - name));
            near_offer(&n, want, stem);
            free(stem);
        }
    }
    closedir(d);
    if (!n.cand) return NULL;
    char *s = mf_xasprintf("%.*s/%s", (int)(slash - spec), spec, n.cand);
    free(n.cand);
    return s;
}

/* The nearest package folder name in the node_modules folders above
 * `from_dir` (scoped names included). */
static char *suggest_package(const char *name, const char *rest, const char *from_dir) {
    Near n = {0};
    char *dir = mf_xstrdup(from_dir);
    for (;;) {
        char *nm = mf_path_join(dir, "node_modules");
        DIR *d = strcmp(mf_path_basename(dir), "node_modules") ? opendir(nm) : NULL;
        if (d) {
            struct dirent *de;
            while ((de = readdir(d))) {
                const char *e = de->d_name;
                if (e[0] == '.') continue;
                if (e[0] != '@') {
                    near_offer(&n, name, e);
                    continue;
                }
                char *scope = mf_path_join(nm, e);
                DIR *sd = opendir(scope);
                free(scope);
                if (!sd) continue;
                struct dirent *se;
                while ((se = readdir(sd))) {
                    if (se->d_name[0] == '.') continue;
                    char *full = mf_xasprintf("%s/%s", e, se->d_name);
                    near_offer(&n, name, full);
                    free(full);
                }
                closedir(sd);
            }
            closedir(d);
        }
        free(nm);
        if (is_root_dir(dir)) break;
        char *parent = mf_path_dirname(dir);
        bool same = strcmp(parent, dir) == 0;
        free(dir);
        dir = parent;
        if (same) break;
    }
    free(dir);
    if (!n.cand) return NULL;
    char *s = mf_xasprintf("%s%s", n.cand, rest);
    free(n.cand);
    return s;
}

/* The nearest exact `exports` key to a subpath that is not exported. */
static char *suggest_export(const char *name, const cJSON *exports, const char *subpath) {
    if (!cJSON_IsObject(exports)) return NULL;
    Near n = {0};
    const cJSON *e;
    cJSON_ArrayForEach(e, exports) {
        if (e->string && e->string[0] == '.' && !strchr(e->string, '*') && !cJSON_IsNull(e))
            near_offer(&n, subpath, e->string);
    }
    if (!n.cand) return NULL;
    char *s = mf_xasprintf("%s%s", name, n.cand + 1);
    free(n.cand);
    return s;
}

/* ---------------------------------------------------------------------- */
/* The `browser` field's object form                                      */
/* ---------------------------------------------------------------------- */

static void browser_prepare(MfResolver *r, uint32_t pi) {
    Pkg *p = &r->pkgs.items[pi];
    if (p->browser_ready) return;
    p->browser_ready = true;
    const cJSON *b = obj_get(p->json, "browser");
    if (!cJSON_IsObject(b)) return;
    uint32_t n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, b) n++;
    BrowserFile *files = mf_arena_alloc(r->arena, (n ? n : 1) * sizeof *files);
    const char *dir = p->dir;
    uint32_t k = 0;
    cJSON_ArrayForEach(e, b) {
        if (!e->string || e->string[0] != '.') continue; /* package names: see browser_package */
        if (!cJSON_IsFalse(e) && !cJSON_IsString(e)) continue;
        char *kp = mf_path_join(dir, e->string);
        char *f = load_file(r, kp);
        files[k].key_path = mf_arena_strdup(r->arena, kp);
        files[k].key_real = f ? real_of(r, f) : NULL;
        files[k].value = e;
        k++;
        free(f);
        free(kp);
    }
    /* load_file never loads a package, so `p` is still valid here. */
    p = &r->pkgs.items[pi];
    p->browser_files = files;
    p->n_browser_files = k;
}

/* The key of package `pi`'s browser object naming the file `path`: by its
 * real path, or (for a file that does not exist) by the key as written with
 * or without an extension. */
static const cJSON *browser_file_value(MfResolver *r, uint32_t pi, const char *path, bool exists) {
    browser_prepare(r, pi);
    const Pkg *p = &r->pkgs.items[pi];
    for (uint32_t i = 0; i < p->n_browser_files; i++) {
        const BrowserFile *bf = &p->browser_files[i];
        if (exists) {
            if (bf->key_real && strcmp(bf->key_real, path) == 0) return bf->value;
            continue;
        }
        if (strcmp(bf->key_path, path) == 0) return bf->value;
        size_t n = strlen(path);
        if (strncmp(bf->key_path, path, n) == 0) {
            for (uint32_t j = 0; j < r->n_exts; j++)
                if (strcmp(bf->key_path + n, r->exts[j]) == 0) return bf->value;
        }
    }
    return NULL;
}

/* Applies a browser-object value (false, "./file" or "package"). */
static MfResolveStatus browser_apply(MfResolver *r, uint32_t pi, const cJSON *v,
                                     MfImportKind kind, char **out) {
    if (cJSON_IsFalse(v)) return MF_RESOLVE_EMPTY;
    const char *dir = r->pkgs.items[pi].dir;
    const char *s = v->valuestring;
    if (s[0] == '.' || s[0] == '/') {
        char *p = mf_path_join(dir, s);
        *out = load_path(r, p, false);
        free(p);
        return *out ? MF_RESOLVE_OK : MF_RESOLVE_NOT_FOUND;
    }
    return resolve_bare(r, s, dir, kind, out, NULL);
}

/* ---------------------------------------------------------------------- */
/* tsconfig.json                                                           */
/* ---------------------------------------------------------------------- */

/* tsconfig.json is JSONC: drop comments and trailing commas in place, so
 * that cJSON can read it.  Strings are left alone. */
static void strip_jsonc(char *s) {
    for (char *p = s; *p;) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1]) p++;
            if (*p) p++;
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n') *p++ = ' ';
        } else if (p[0] == '/' && p[1] == '*') {
            *p++ = ' ';
            *p++ = ' ';
            while (*p && !(p[0] == '*' && p[1] == '/')) {
                if (*p != '\n') *p = ' ';
                p++;
            }
            if (*p) {
                *p++ = ' ';
                *p++ = ' ';
            }
        } else {
            p++;
        }
    }
    for (char *p = s; *p;) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1]) p++;
            if (*p) p++;
            continue;
        }
        if (*p == ',') {
            char *q = p + 1;
            while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
            if (*q == '}' || *q == ']') *p = ' ';
        }
        p++;
    }
}

/* Where `"extends": v` in a tsconfig in `dir` points; caller frees. */
static char *tsconfig_extends_path(MfResolver *r, const char *dir, const char *v) {
    if (v[0] == '.' || v[0] == '/') {
        char *p = mf_path_join(dir, v);
        if (is_file(r, p)) return p;
        char *j = mf_xasprintf("%s.json", p);
        free(p);
        if (is_file(r, j)) return j;
        free(j);
        return NULL;
    }
    /* A package ("@tsconfig/node20/tsconfig.json", "@tsconfig/strictest"). */
    char *d = mf_xstrdup(dir);
    for (;;) {
        char *nm = mf_xasprintf("%s/node_modules/%s", d, v);
        char *cands[3] = {mf_xstrdup(nm), mf_xasprintf("%s.json", nm), mf_xasprintf("%s/tsconfig.json", nm)};
        free(nm);
        char *hit = NULL;
        for (int i = 0; i < 3; i++) {
            if (!hit && is_file(r, cands[i])) hit = cands[i];
            else free(cands[i]);
        }
        if (hit || is_root_dir(d)) {
            free(d);
            return hit;
        }
        char *parent = mf_path_dirname(d);
        free(d);
        d = parent;
    }
}

/* Reads one tsconfig file into `tc`, bases first so that the file's own
 * compilerOptions override them. */
static void tsconfig_merge(MfResolver *r, const char *file, TsConfig *tc,
                           const char **paths_decl_dir, int depth) {
    if (depth > 8) return; /* a cycle of extends */
    char *text = NULL;
    size_t len = 0;
    if (mf_file_read(file, &text, &len) != 0) return;
    strip_jsonc(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) return;
    MF_VEC_PUSH(&r->tsc_roots, root);
    if (!cJSON_IsObject(root)) return;
    char *dir = mf_path_dirname(file);
    const cJSON *ext = obj_get(root, "extends");
    if (cJSON_IsString(ext) || cJSON_IsArray(ext)) {
        const cJSON *one = cJSON_IsString(ext) ? ext : ext->child;
        for (; one; one = cJSON_IsString(ext) ? NULL : one->next) {
            if (!cJSON_IsString(one)) continue;
            char *base = tsconfig_extends_path(r, dir, one->valuestring);
            if (base) tsconfig_merge(r, base, tc, paths_decl_dir, depth + 1);
            free(base);
        }
    }
    const cJSON *co = obj_get(root, "compilerOptions");
    const char *base_url = obj_str(co, "baseUrl");
    if (base_url) {
        char *b = mf_path_join(dir, base_url);
        tc->base_url = mf_arena_strdup(r->arena, b);
        free(b);
    }
    const cJSON *paths = obj_get(co, "paths");
    if (cJSON_IsObject(paths)) {
        tc->paths = paths;
        *paths_decl_dir = mf_arena_strdup(r->arena, dir);
    }
    free(dir);
}

/* The tsconfig.json (or, for JavaScript projects, jsconfig.json) nearest
 * to `dir`. */
static uint32_t nearest_tsconfig(MfResolver *r, const char *dir) {
    uint32_t i;
    if (mf_map_get(r->tsc_map, dir, &i)) return i;
    i = MF_NONE;
    char *file = mf_path_join(dir, "tsconfig.json");
    if (!is_file(r, file)) {
        free(file);
        file = mf_path_join(dir, "jsconfig.json");
    }
    if (is_file(r, file)) {
        TsConfig tc = {0};
        const char *paths_decl_dir = NULL;
        tsconfig_merge(r, file, &tc, &paths_decl_dir, 0);
        /* TypeScript: `paths` are relative to baseUrl when there is one,
         * else to the tsconfig that declares them. */
        tc.paths_dir = tc.base_url ? tc.base_url : paths_decl_dir;
        i = r->tscs.len;
        MF_VEC_PUSH(&r->tscs, tc);
    } else if (!is_root_dir(dir)) {
        char *parent = mf_path_dirname(dir);
        if (strcmp(parent, dir) != 0) i = nearest_tsconfig(r, parent);
        free(parent);
    }
    free(file);
    mf_map_put(r->tsc_map, dir, i);
    return i;
}

/* tsconfig `paths` (exact key, else the "*" pattern with the longest
 * prefix, each substitution in order), then `baseUrl`.  Unmatched or
 * unresolved specifiers fall through to node_modules, as in tsc. */
static char *tsconfig_resolve(MfResolver *r, const char *spec, const char *importer_dir) {
    uint32_t ti = nearest_tsconfig(r, importer_dir);
    if (ti == MF_NONE) return NULL;
    TsConfig tc = r->tscs.items[ti];
    if (tc.paths && tc.paths_dir) {
        const cJSON *best = obj_get(tc.paths, spec);
        char *match = NULL;
        if (best && strchr(best->string, '*')) best = NULL;
        if (!best) {
            size_t best_base = 0, slen = strlen(spec);
            const cJSON *e;
            cJSON_ArrayForEach(e, tc.paths) {
                const char *star = e->string ? strchr(e->string, '*') : NULL;
                if (!star) continue;
                size_t base = (size_t)(star - e->string), tl = strlen(star + 1);
                if (slen < base + tl || strncmp(spec, e->string, base) != 0 ||
                    !has_suffix(spec, star + 1))
                    continue;
                if (!best || base > best_base) {
                    best = e;
                    best_base = base;
                }
            }
            if (best) {
                size_t tl = strlen(strchr(best->string, '*') + 1);
                match = mf_xstrndup(spec + best_base, strlen(spec) - best_base - tl);
            }
        }
        if (best) {
            const cJSON *s;
            char *found = NULL;
            cJSON_ArrayForEach(s, best) {
                if (!cJSON_IsString(s)) continue;
                const char *v = s->valuestring, *star = strchr(v, '*');
                char *sub = star && match
                    ? mf_xasprintf("%.*s%s%s", (int)(star - v), v, match, star + 1)
                    : mf_xstrdup(v);
                char *p = mf_path_join(tc.paths_dir, sub);
                free(sub);
                found = load_path(r, p, false);
                free(p);
                if (found) break;
            }
            free(match);
            if (found) return found;
        }
    }
    if (tc.base_url) {
        char *p = mf_path_join(tc.base_url, spec);
        char *found = load_path(r, p, false);
        free(p);
        return found;
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Specifiers                                                              */
/* ---------------------------------------------------------------------- */

/* A package through its folder: `exports` when present (and only them),
 * else main fields for "." and files for subpaths. */
static MfResolveStatus load_package(MfResolver *r, const char *pkg_dir, const char *name,
                                    const char *subpath, MfImportKind kind, char **out,
                                    char **sugg) {
    uint32_t pi = pkg_at(r, pkg_dir);
    const cJSON *exports = pi == MF_NONE ? NULL : obj_get(r->pkgs.items[pi].json, "exports");
    if (exports && !cJSON_IsNull(exports)) {
        Target c = {.r = r, .pkg_dir = r->pkgs.items[pi].dir, .kind = kind};
        MfResolveStatus st = finish_target(exports_resolve(&c, exports, subpath), &c, out);
        if (st == MF_RESOLVE_NOT_FOUND && sugg) *sugg = suggest_export(name, exports, subpath);
        return st;
    }
    if (strcmp(subpath, ".") == 0) {
        *out = pi != MF_NONE ? load_main(r, pi) : NULL;
        if (!*out) *out = load_index(r, pkg_dir);
    } else {
        char *p = mf_path_join(pkg_dir, subpath);
        *out = load_path(r, p, has_suffix(subpath, "/"));
        if (!*out && sugg) {
            char *spec = mf_xasprintf("%s%s", name, subpath + 1);
            *sugg = suggest_sibling(spec, p);
            free(spec);
        }
        free(p);
    }
    return *out ? MF_RESOLVE_OK : MF_RESOLVE_NOT_FOUND;
}

/* "pkg", "pkg/sub", "@scope/pkg/sub" -> name and "." / "./sub".  False
 * when the specifier is not a valid package name. */
static bool split_bare(const char *spec, char **name, char **subpath) {
    const char *end;
    if (spec[0] == '@') {
        const char *slash = strchr(spec, '/');
        if (!slash || slash == spec + 1 || !slash[1]) return false;
        end = strchr(slash + 1, '/');
    } else {
        end = strchr(spec, '/');
    }
    if (!end) end = spec + strlen(spec);
    if (end == spec) return false;
    *name = mf_xstrndup(spec, (size_t)(end - spec));
    *subpath = mf_xasprintf(".%s", end);
    return true;
}

/* Node's PACKAGE_RESOLVE from `from_dir`: builtins, self-reference,
 * node_modules folders up the tree. */
static MfResolveStatus resolve_bare(MfResolver *r, const char *spec, const char *from_dir,
                                    MfImportKind kind, char **out, char **sugg) {
    if (has_prefix(spec, "node:")) {
        const char *b = spec + 5;
        return is_builtin(b) || is_node_prefix_only(b) ? MF_RESOLVE_BUILTIN : MF_RESOLVE_NOT_FOUND;
    }
    bool builtin = is_builtin(spec);
    if (builtin && r->cfg->target == MF_TARGET_NODE) return MF_RESOLVE_BUILTIN;

    char *name, *subpath;
    if (!split_bare(spec, &name, &subpath)) return MF_RESOLVE_NOT_FOUND;
    MfResolveStatus st = MF_RESOLVE_NOT_FOUND;

    /* A package may import itself by name through its own exports. */
    uint32_t self = nearest_pkg(r, from_dir);
    if (self != MF_NONE && r->pkgs.items[self].name &&
        strcmp(r->pkgs.items[self].name, name) == 0 &&
        obj_get(r->pkgs.items[self].json, "exports")) {
        st = load_package(r, r->pkgs.items[self].dir, name, subpath, kind, out, sugg);
        goto done;
    }

    bool installed = false;
    char *dir = mf_xstrdup(from_dir);
    for (;;) {
        if (strcmp(mf_path_basename(dir), "node_modules") != 0) {
            char *cand = mf_xasprintf("%s/node_modules/%s", is_root_dir(dir) ? "" : dir, name);
            if (is_dir(r, cand)) {
                installed = true;
                st = load_package(r, cand, name, subpath, kind, out, sugg);
                free(cand);
                break;
            }
            /* node_modules/x.js, which Node's LOAD_AS_FILE allows. */
            if (strcmp(subpath, ".") == 0 && (*out = load_file(r, cand))) {
                st = MF_RESOLVE_OK;
                free(cand);
                break;
            }
            free(cand);
        }
        if (is_root_dir(dir)) break;
        char *parent = mf_path_dirname(dir);
        bool same = strcmp(parent, dir) == 0;
        free(dir);
        dir = parent;
        if (same) break;
    }
    free(dir);
    if (st == MF_RESOLVE_NOT_FOUND && builtin) {
        /* Not installed as a polyfill: the web build reports the builtin. */
        if (sugg) {
            free(*sugg);
            *sugg = NULL;
        }
        st = MF_RESOLVE_BUILTIN;
    } else if (st == MF_RESOLVE_NOT_FOUND && !installed && sugg) {
        /* No such package at all: the nearest installed name (a package
         * that is installed gets a hint about its subpath instead). */
        *sugg = suggest_package(name, spec + strlen(name), from_dir);
    }
done:
    free(name);
    free(subpath);
    return st;
}

static bool is_path_spec(const char *s) {
    return s[0] == '/' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
           has_prefix(s, "./") || has_prefix(s, "../");
}

/* A relative or absolute specifier. */
static MfResolveStatus resolve_path_spec(MfResolver *r, const char *spec, const char *importer_dir,
                                         MfImportKind kind, char **out, char **sugg) {
    char *p = mf_path_join(importer_dir, spec);
    bool dir_only = has_suffix(spec, "/") || strcmp(spec, ".") == 0 || strcmp(spec, "..") == 0;
    *out = load_path(r, p, dir_only);
    MfResolveStatus st = *out ? MF_RESOLVE_OK : MF_RESOLVE_NOT_FOUND;
    if (!*out && r->cfg->target == MF_TARGET_WEB) {
        /* A browser object may map a file that does not exist at all. */
        uint32_t pi = nearest_pkg_of_file(r, p);
        const cJSON *v = pi == MF_NONE ? NULL : browser_file_value(r, pi, p, false);
        if (v) st = browser_apply(r, pi, v, kind, out);
    }
    if (st == MF_RESOLVE_NOT_FOUND && sugg) *sugg = suggest_sibling(spec, p);
    free(p);
    return st;
}

/* resolve.alias: "key" matches the key itself and "key/..." (webpack's
 * "key$" only the key itself). */
static const MfStrPair *alias_match(const MfConfig *cfg, const char *spec, const char **rest) {
    for (uint32_t i = 0; i < cfg->alias.len; i++) {
        const char *k = cfg->alias.items[i].key;
        size_t n = strlen(k);
        if (n > 1 && k[n - 1] == '$') {
            if (strncmp(spec, k, n - 1) == 0 && spec[n - 1] == 0) {
                *rest = spec + n - 1;
                return &cfg->alias.items[i];
            }
            continue;
        }
        if (strncmp(spec, k, n) == 0 && (spec[n] == 0 || spec[n] == '/' || k[n - 1] == '/')) {
            *rest = spec + n;
            return &cfg->alias.items[i];
        }
    }
    return NULL;
}

static MfResolveStatus resolve_spec(MfResolver *r, const char *spec, const char *importer_dir,
                                    MfImportKind kind, char **out, char **sugg, bool use_alias) {
    if (!spec[0]) return MF_RESOLVE_NOT_FOUND;

    const char *rest;
    const MfStrPair *a = use_alias ? alias_match(r->cfg, spec, &rest) : NULL;
    if (a) {
        char *target = mf_xasprintf("%s%s", a->value, rest);
        MfResolveStatus st;
        if (target[0] == '.' || target[0] == '/') {
            char *p = mf_path_join(r->cfg->root, target);
            *out = load_path(r, p, has_suffix(target, "/"));
            st = *out ? MF_RESOLVE_OK : MF_RESOLVE_NOT_FOUND;
            free(p);
        } else {
            st = resolve_spec(r, target, importer_dir, kind, out, NULL, false);
        }
        free(target);
        return st;
    }

    if (is_path_spec(spec)) return resolve_path_spec(r, spec, importer_dir, kind, out, sugg);

    if (spec[0] == '#') {
        /* Subpath imports of the importer's own package. */
        uint32_t pi = nearest_pkg(r, importer_dir);
        const cJSON *imports = pi == MF_NONE ? NULL : obj_get(r->pkgs.items[pi].json, "imports");
        if (!cJSON_IsObject(imports) || strcmp(spec, "#") == 0 || has_prefix(spec, "#/"))
            return MF_RESOLVE_NOT_FOUND;
        Target c = {.r = r, .pkg_dir = r->pkgs.items[pi].dir, .kind = kind, .imports = true};
        return finish_target(map_resolve(&c, spec, imports), &c, out);
    }

    if (r->cfg->target == MF_TARGET_WEB) {
        /* The importer package's browser object may replace a package
         * ("fs": false, "ws": "./browser-ws.js"). */
        uint32_t pi = nearest_pkg(r, importer_dir);
        const cJSON *b = pi == MF_NONE ? NULL : obj_get(r->pkgs.items[pi].json, "browser");
        const cJSON *v = obj_get(b, spec);
        /* "fs" and "node:fs" are one module, whichever the key names. */
        if (!v && b && has_prefix(spec, "node:")) v = obj_get(b, spec + 5);
        if (!v && b && is_builtin(spec)) {
            char *prefixed = mf_xasprintf("node:%s", spec);
            v = obj_get(b, prefixed);
            free(prefixed);
        }
        if (v && (cJSON_IsFalse(v) || cJSON_IsString(v))) return browser_apply(r, pi, v, kind, out);
    }

    /* tsconfig paths are the project's business, not its dependencies'. */
    if (!strstr(importer_dir, "/node_modules/") && !has_suffix(importer_dir, "/node_modules")) {
        *out = tsconfig_resolve(r, spec, importer_dir);
        if (*out) return MF_RESOLVE_OK;
    }

    return resolve_bare(r, spec, importer_dir, kind, out, sugg);
}

/* ---------------------------------------------------------------------- */
/* Public                                                                  */
/* ---------------------------------------------------------------------- */

/* Everything after the specifier is found: the real path, then the file's
 * own package's browser object (web). */
static MfResolveStatus resolve_uncached(MfResolver *r, const char *spec, const char *dir,
                                        MfImportKind kind, const char **path, char **sugg) {
    char *found = NULL;
    MfResolveStatus st = resolve_spec(r, spec, dir, kind, &found, sugg, true);
    if (st != MF_RESOLVE_NOT_FOUND) {
        free(*sugg);
        *sugg = NULL;
    }
    if (st != MF_RESOLVE_OK) {
        free(found);
        return st;
    }
    const char *real = real_of(r, found);
    free(found);
    if (!real) return MF_RESOLVE_NOT_FOUND;

    if (r->cfg->target == MF_TARGET_WEB) {
        /* The file's own package may swap it for a browser version. */
        uint32_t pi = nearest_pkg_of_file(r, real);
        const cJSON *v = pi == MF_NONE ? NULL : browser_file_value(r, pi, real, true);
        if (v) {
            char *to = NULL;
            st = browser_apply(r, pi, v, kind, &to);
            if (st != MF_RESOLVE_OK) {
                free(to);
                return st;
            }
            real = real_of(r, to);
            free(to);
            if (!real) return MF_RESOLVE_NOT_FOUND;
        }
    }
    *path = real;
    return MF_RESOLVE_OK;
}

MfResolveStatus mf_resolve(MfResolver *r, const char *spec, const char *importer,
                           MfImportKind kind, char **path, char **suggestion) {
    *path = NULL;
    if (suggestion) *suggestion = NULL;
    /* The answer depends on the importer only through its folder, and on
     * the kind only through the import/require condition. */
    char *dir = mf_path_dirname(importer);
    char *key = mf_xasprintf("%c%s\n%s", kind == MF_IMPORT_REQUIRE ? 'r' : 'i', dir, spec);
    uint32_t i;
    if (mf_map_get(r->done_map, key, &i)) {
        free(key);
        free(dir);
        if (r->done.items[i].path) *path = mf_xstrdup(r->done.items[i].path);
        return r->done.items[i].st;
    }
    char *sugg = NULL;
    const char *real = NULL;
    MfResolveStatus st = resolve_uncached(r, spec, dir, kind, &real, &sugg);
    free(dir);
    if (st != MF_RESOLVE_NOT_FOUND) {
        mf_map_put(r->done_map, key, r->done.len);
        MF_VEC_PUSH(&r->done, ((Done){st, real}));
    }
    free(key);
    if (real) *path = mf_xstrdup(real);
    if (suggestion) *suggestion = sugg;
    else free(sugg);
    return st;
}

bool mf_resolver_package_of(MfResolver *r, const char *path, const char **name,
                            const char **version) {
    *name = NULL;
    *version = NULL;
    if (!strstr(path, "/node_modules/")) return false;
    char *start = mf_path_dirname(path);
    uint32_t owner;
    if (!mf_map_get(r->owner_map, start, &owner)) {
        /* Walk up to the first package.json with a name whose folder sits
         * in node_modules (or in an @scope folder there); nested ones such
         * as dist/esm/package.json {"type":"module"} are skipped. */
        owner = MF_NONE;
        char *dir = mf_xstrdup(start);
        while (!is_root_dir(dir) && strcmp(mf_path_basename(dir), "node_modules") != 0) {
            char *parent = mf_path_dirname(dir);
            uint32_t pi = pkg_at(r, dir);
            if (pi != MF_NONE && r->pkgs.items[pi].name) {
                const char *pb = mf_path_basename(parent);
                bool in_nm = strcmp(pb, "node_modules") == 0;
                if (!in_nm && pb[0] == '@') {
                    char *gp = mf_path_dirname(parent);
                    in_nm = strcmp(mf_path_basename(gp), "node_modules") == 0;
                    free(gp);
                }
                if (in_nm) {
                    owner = pi;
                    free(parent);
                    break;
                }
            }
            bool same = strcmp(parent, dir) == 0;
            free(dir);
            dir = parent;
            if (same) break;
        }
        free(dir);
        mf_map_put(r->owner_map, start, owner);
    }
    free(start);
    if (owner == MF_NONE) return false;
    *name = r->pkgs.items[owner].name;
    *version = r->pkgs.items[owner].version;
    return true;
}
