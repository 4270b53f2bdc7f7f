/*
 * mfbuild.h — the one header of mfbuild.
 *
 * Split into sections, one per source file, each listing exactly what that
 * file exports (chibicc style).  Ownership is stated next to every pointer
 * that crosses a function boundary: "borrowed" (caller keeps it), "caller
 * frees" (free() it), or "arena" (lives as long as the named arena).
 *
 * Pipeline (DESIGN.md section 2): config -> scan -> link -> chunk -> emit.
 * So far: config and scan (module graph).  Phases hand over plain structs;
 * modules are uint32_t indices into one array (MF_NONE = no module).
 */
#ifndef MFBUILD_H
#define MFBUILD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MF_VERSION "0.1.0"
#define MF_NONE UINT32_MAX
#define MF_MUST_CHECK __attribute__((warn_unused_result))
#define MF_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ======================================================================
 * util.c — arenas, growable buffers and arrays, files, paths, hash maps
 * ====================================================================== */

/* Arena: bump allocator with the lifetime of what it serves (one per module,
 * one per build).  Nothing inside is freed individually.  Built with
 * -DMF_ARENA_MALLOC (make asan), every allocation is a separate malloc so
 * the sanitizers see each one.  Allocation failure aborts (out of memory is
 * not a recoverable build error). */
typedef struct MfArena MfArena;
MfArena *mf_arena_new(void);                 /* mf_arena_free() it */
void mf_arena_free(MfArena *a);              /* NULL is fine */
void *mf_arena_alloc(MfArena *a, size_t n);  /* zeroed, 16-byte aligned */
char *mf_arena_strdup(MfArena *a, const char *s);
char *mf_arena_strndup(MfArena *a, const char *s, size_t n);
char *mf_arena_printf(MfArena *a, const char *fmt, ...) MF_PRINTF(2, 3);

/* Growable byte buffer; `data` is always NUL-terminated when non-NULL.
 * Owns its data (mf_buf_free).  Out of memory aborts. */
typedef struct MfBuf {
    char *data;
    size_t len, cap;
} MfBuf;
void mf_buf_append(MfBuf *b, const void *p, size_t n);
void mf_buf_puts(MfBuf *b, const char *s);
void mf_buf_putc(MfBuf *b, char c);
void mf_buf_printf(MfBuf *b, const char *fmt, ...) MF_PRINTF(2, 3);
void mf_buf_vprintf(MfBuf *b, const char *fmt, va_list ap);
void mf_buf_json_string(MfBuf *b, const char *s); /* appends "..." escaped */
char *mf_buf_steal(MfBuf *b);                      /* caller frees; b reset */
void mf_buf_free(MfBuf *b);

/* Growable array of T: `MF_VEC(T) v = {0}; MF_VEC_PUSH(&v, x);`.
 * Storage is malloc'd: free(v.items). */
#define MF_VEC(T) struct { T *items; uint32_t len, cap; }
#define MF_VEC_PUSH(v, x)                                                   \
    do {                                                                    \
        if ((v)->len == (v)->cap) {                                         \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8;                         \
            (v)->items = mf_xrealloc((v)->items,                            \
                                     (size_t)(v)->cap * sizeof(*(v)->items)); \
        }                                                                   \
        (v)->items[(v)->len++] = (x);                                       \
    } while (0)

void *mf_xmalloc(size_t n);            /* abort on OOM */
void *mf_xcalloc(size_t n, size_t sz);
void *mf_xrealloc(void *p, size_t n);
char *mf_xstrdup(const char *s);
char *mf_xstrndup(const char *s, size_t n);
char *mf_xasprintf(const char *fmt, ...) MF_PRINTF(1, 2); /* caller frees */

/* Reads a whole file.  Returns 0 and *out (caller frees, NUL-terminated,
 * *len bytes) or -1 with errno set. */
int mf_file_read(const char *path, char **out, size_t *len) MF_MUST_CHECK;
bool mf_file_exists(const char *path);  /* regular file (follows links) */
bool mf_dir_exists(const char *path);

/* Paths.  All returned strings: caller frees. */
char *mf_path_join(const char *dir, const char *rel);  /* rel absolute -> copy of rel */
char *mf_path_dirname(const char *path);               /* "/a/b.js" -> "/a" */
const char *mf_path_basename(const char *path);        /* borrowed, into path */
const char *mf_path_ext(const char *path);             /* ".tsx", "" if none; borrowed */
char *mf_path_normalize(const char *path);             /* folds . and .. and // */
char *mf_path_relative(const char *from_dir, const char *to); /* "src/a.js", "../x" */
char *mf_path_realpath(const char *path);              /* NULL if it does not exist */
char *mf_path_absolute(const char *path);              /* against cwd, normalized */

/* String -> uint32 hash map (open addressing).  Keys are copied into the
 * map's own storage.  Never iterate it to produce output (STYLE.md 12). */
typedef struct MfMap MfMap;
MfMap *mf_map_new(void);
void mf_map_free(MfMap *m);
bool mf_map_get(const MfMap *m, const char *key, uint32_t *out);
void mf_map_put(MfMap *m, const char *key, uint32_t value);
uint32_t mf_map_count(const MfMap *m);

/* Edit distance, for "did you mean" hints (case-insensitive, capped). */
unsigned mf_edit_distance(const char *a, const char *b);
double mf_now_ms(void); /* monotonic clock, milliseconds */

/* ======================================================================
 * diag.c — diagnostics (esbuild's shape, STYLE.md 7-9)
 * ====================================================================== */

typedef enum {
#define X(e, s) MF_MSG_##e,
#include "diag_ids.def"
#undef X
    MF_MSG__COUNT
} MfMsgId;
const char *mf_msg_id_name(MfMsgId id);

typedef enum { MF_DIAG_ERROR, MF_DIAG_WARNING } MfDiagKind;

/* A diagnostic records a byte offset; line, column and line text are
 * computed only when it is printed (from `source` if given at creation,
 * else by reading `file`).  All strings are owned by the log. */
typedef struct MfDiag {
    MfDiagKind kind;
    MfMsgId id;
    char *text;
    char *file;       /* absolute path, or NULL for a diagnostic with no location */
    uint32_t offset;  /* byte offset into the file */
    uint32_t length;  /* bytes underlined */
    char *suggestion; /* "Did you mean ...?" line or NULL */
    char *note;       /* extra line or NULL */
    /* filled by mf_log_resolve_positions(): */
    uint32_t line, column; /* 1-based; column counts UTF-8 code points */
    char *line_text;       /* the source line, no newline */
} MfDiag;

/* A log collects diagnostics.  Not thread-safe: workers fill their own logs
 * and the owner merges them with mf_log_take(). */
typedef struct MfLog {
    MF_VEC(MfDiag) diags;
    uint32_t errors, warnings;
} MfLog;

/* Adds a diagnostic.  `file` may be NULL.  `source` (borrowed, may be NULL)
 * is the file's text if the caller has it, so positions need no re-read. */
void mf_log_add(MfLog *log, MfDiagKind kind, MfMsgId id, const char *file,
                const char *source, size_t source_len, uint32_t offset,
                uint32_t length, const char *fmt, ...) MF_PRINTF(9, 10);
/* Sets the suggestion / note of the most recently added diagnostic. */
void mf_log_suggest(MfLog *log, const char *fmt, ...) MF_PRINTF(2, 3);
void mf_log_note(MfLog *log, const char *fmt, ...) MF_PRINTF(2, 3);
void mf_log_take(MfLog *dst, MfLog *src);  /* moves all of src into dst */
void mf_log_sort(MfLog *log);              /* by file, offset, then text */
void mf_log_free(MfLog *log);

typedef enum { MF_COLOR_AUTO, MF_COLOR_ALWAYS, MF_COLOR_NEVER } MfColor;
/* Prints every diagnostic to stderr: code frames when stderr is a terminal,
 * `file:line:col: error: text [id]` lines otherwise.  Paths are shown
 * relative to `root` (borrowed).  Sorts first. */
void mf_log_print(MfLog *log, const char *root, MfColor color);
/* Appends `"diagnostics": [...]` items (the array body, without brackets). */
void mf_log_json(MfLog *log, const char *root, MfBuf *out);

/* ======================================================================
 * config.c — mfbuild.json + package.json -> MfConfig, all validation here
 * ====================================================================== */

typedef enum { MF_TARGET_WEB, MF_TARGET_NODE } MfTarget;
typedef enum { MF_MODE_PRODUCTION, MF_MODE_DEVELOPMENT } MfMode;
typedef enum { MF_SOURCEMAP_NONE, MF_SOURCEMAP_FILE, MF_SOURCEMAP_INLINE } MfSourceMap;
typedef enum { MF_SHARE_VERSION_FIRST, MF_SHARE_LOADED_FIRST } MfShareStrategy;

typedef struct { char *key, *value; } MfStrPair;

typedef struct MfEntry {
    char *name;  /* chunk name ("main" for a string entry) */
    char *spec;  /* as written ("./src/index.js"), resolved by the resolver */
} MfEntry;

typedef struct MfExpose {
    char *key;   /* "./Button" or "." */
    char *spec;  /* "./src/Button.tsx" as written */
    char *path;  /* absolute path (checked to exist) */
} MfExpose;

typedef struct MfRemote {
    char *alias;       /* key in "remotes": what imports use ("catalog/Button") */
    char *name;        /* container name, before the first '@' */
    char *entry;       /* URL */
    bool is_manifest;  /* entry URL contains ".json" */
} MfRemote;

typedef struct MfShared {
    char *package;           /* key; a key ending in '/' shares every subpath */
    bool singleton;
    bool strict_version;     /* resolved default applied (see DESIGN.md 4) */
    bool eager;
    char *required_version;  /* NULL when false */
    char *version;           /* provided version (installed package) or NULL */
    char *share_scope;       /* "default" */
    char *import;            /* module to provide; NULL when import: false */
} MfShared;

typedef struct MfConfig {
    char *root;           /* absolute project root (config file's folder, else cwd) */
    char *config_path;    /* absolute, NULL when no config file */
    char *name;           /* container name (a JS identifier), may be NULL */
    MF_VEC(MfEntry) entries;
    char *filename;       /* "remoteEntry.js" */
    MF_VEC(MfExpose) exposes;
    MF_VEC(MfRemote) remotes;
    MF_VEC(MfShared) shared;
    MfShareStrategy share_strategy;
    MF_VEC(char *) runtime_plugins;
    int retry_times, retry_delay_ms;
    char *out_dir;        /* absolute */
    char *public_path;    /* "auto" */
    char *out_filename;   /* "[name].[contenthash].js" */
    MfSourceMap source_map;
    MfTarget target;
    MfMode mode;
    bool jsx_automatic;
    char *jsx_import_source, *jsx_pragma, *jsx_pragma_frag;
    bool html;
    char *html_template;  /* absolute or NULL */
    MF_VEC(MfStrPair) define;      /* "process.env.NODE_ENV" -> "\"production\"" always present */
    MF_VEC(MfStrPair) alias;       /* resolve.alias */
    MF_VEC(char *) extensions;     /* with dots, in order */
    MF_VEC(char *) conditions;     /* extra resolve conditions */
    int dev_port;
    char *dev_host;
    /* from the app's package.json (NULL when absent): */
    char *pkg_name, *pkg_version;
    MF_VEC(MfStrPair) pkg_deps;    /* name -> range, precedence as DESIGN.md */
    /* command-line settings */
    int threads;          /* >= 1 */
    bool json, timings, quiet;
    MfColor color;
    MfArena *arena;       /* owns every string above */
} MfConfig;

/* Command-line overrides passed to mf_config_load (NULL / -1 = not given). */
typedef struct MfConfigArgs {
    const char *config_path;  /* -c */
    const char **entries;     /* positional entries */
    int n_entries;
    const char *target, *mode, *out_dir, *host;
    int port;                 /* -1 when not given */
    MfMode default_mode;      /* by command */
} MfConfigArgs;

/* Loads and validates.  Returns NULL on any error (all added to `log`, each
 * naming the key and its line:col in the JSON file).  mf_config_free() it. */
MfConfig *mf_config_load(const MfConfigArgs *args, MfLog *log) MF_MUST_CHECK;
void mf_config_free(MfConfig *cfg);
/* True when `s` is a valid JS identifier (container names, globals). */
bool mf_is_js_identifier(const char *s);

/* ======================================================================
 * resolve.c — Node's resolution algorithm for bundlers
 * ====================================================================== */

typedef enum {
    MF_IMPORT_STATIC,      /* import x from "s"; import "s" */
    MF_IMPORT_REEXPORT,    /* export { x } from "s" */
    MF_IMPORT_EXPORT_STAR, /* export * from "s"; export * as ns from "s" */
    MF_IMPORT_DYNAMIC,     /* import("s") */
    MF_IMPORT_REQUIRE,     /* require("s") */
} MfImportKind;
const char *mf_import_kind_name(MfImportKind k); /* "import", "reexport", ... */

typedef enum {
    MF_RESOLVE_OK,        /* *path set */
    MF_RESOLVE_NOT_FOUND, /* *suggestion may be set */
    MF_RESOLVE_BUILTIN,   /* a Node builtin ("fs", "node:fs") */
    MF_RESOLVE_EMPTY,     /* mapped to false by a "browser" field: empty module */
} MfResolveStatus;

typedef struct MfResolver MfResolver;
/* cfg is borrowed and must outlive the resolver.  Caches package.json and
 * directory lookups; single-threaded (the graph owner's). */
MfResolver *mf_resolver_new(const MfConfig *cfg);
void mf_resolver_free(MfResolver *r);
/* Resolves `spec` imported from the file `importer` (absolute path; for
 * entries, a path inside the root such as "<root>/mfbuild.json").
 * On MF_RESOLVE_OK, *path is the absolute real path (caller frees).
 * On MF_RESOLVE_NOT_FOUND, *suggestion may be set to a spec that exists
 * ("./Button"), caller frees. */
MfResolveStatus mf_resolve(MfResolver *r, const char *spec, const char *importer,
                           MfImportKind kind, char **path, char **suggestion);
/* Name and version of the npm package that contains `path` (looked up by
 * the nearest package.json with a "name" under a node_modules folder);
 * NULL when the file is not in node_modules.  Strings are owned by the
 * resolver. */
bool mf_resolver_package_of(MfResolver *r, const char *path, const char **name,
                            const char **version);

/* ======================================================================
 * parse.c — one file's tree-sitter parse -> module record (worker side)
 * ====================================================================== */

typedef enum { MF_MOD_ESM, MF_MOD_CJS, MF_MOD_JSON, MF_MOD_CSS, MF_MOD_ASSET } MfModuleKind;
const char *mf_module_kind_name(MfModuleKind k);

typedef enum { MF_LANG_JS, MF_LANG_TS, MF_LANG_TSX, MF_LANG_JSON, MF_LANG_CSS, MF_LANG_ASSET } MfLang;
MfLang mf_lang_of_path(const char *path);

typedef struct MfImportRecord {
    MfImportKind kind;
    char *specifier;     /* module arena */
    uint32_t start, end; /* byte range of the specifier literal, quotes included */
    bool implicit;       /* inserted by mfbuild (JSX automatic runtime) */
    uint32_t target;     /* module index after resolution, MF_NONE if none */
} MfImportRecord;

typedef enum {
    MF_EXPORT_LOCAL,     /* export const x / export function x / export { a as x } */
    MF_EXPORT_DEFAULT,   /* export default ...; export { x as default } */
    MF_EXPORT_REEXPORT,  /* export { x } from "s"; export * as x from "s" */
} MfExportKind;

typedef struct MfExport {
    char *name;          /* exported name ("default" for default) */
    MfExportKind kind;
    uint32_t offset;
} MfExport;

typedef struct MfModule {
    char *path;          /* absolute real path (module arena) */
    MfLang lang;
    MfModuleKind kind;
    char *source;        /* file text, NUL-terminated (malloc'd, module owns) */
    uint32_t size;
    MF_VEC(MfImportRecord) imports;
    MF_VEC(MfExport) exports;
    bool has_esm_syntax;     /* import/export statements */
    bool uses_commonjs;      /* module / exports / require at top level scope */
    bool uses_import_meta;
    bool has_jsx;
    MfLog log;               /* this module's diagnostics */
    MfArena *arena;          /* owns everything above but source */
    /* filled by the graph owner: */
    uint32_t index;          /* stable order (walk from the entries) */
    const char *package;     /* npm package name if in node_modules (resolver-owned) */
} MfModule;

/* Per-thread parser set; one per worker.  mf_parser_new() returns NULL
 * (after a message on stderr) if a grammar's ABI does not match the
 * tree-sitter runtime: a build bug, not a user error. */
typedef struct MfParser MfParser;
MfParser *mf_parser_new(void);
void mf_parser_free(MfParser *p);

/* Options that change what a parse extracts. */
typedef struct MfParseOptions {
    const MfConfig *cfg; /* borrowed: jsx settings, define, mode */
} MfParseOptions;

/* Reads and parses m->path into the record (m->path and m->arena set by the
 * caller; m fresh from mf_module_new()).  Diagnostics go to m->log: syntax
 * errors, invalid JSON, warnings for import()/require() of a non-literal.
 * Imports in branches that `define` makes dead (React's
 * `if (process.env.NODE_ENV === "production")`) are not recorded;
 * type-only imports and exports (TypeScript) are neither records nor
 * exports.  Returns false on a read error (diagnostic without position). */
bool mf_parse_module(MfParser *p, MfModule *m, const MfParseOptions *opts);
MfModule *mf_module_new(const char *path);  /* mf_module_free() it */
void mf_module_free(MfModule *m);

/* ======================================================================
 * pool.c — fixed worker pool
 * ====================================================================== */

/* A job runs fn(arg, worker_index) on some worker.  Completed jobs are
 * collected by the owner with mf_pool_wait_one(). */
typedef struct MfPool MfPool;
typedef void (*MfJobFn)(void *arg, int worker);
MfPool *mf_pool_new(int threads);
void mf_pool_free(MfPool *p);                /* joins the workers */
int mf_pool_threads(const MfPool *p);
void mf_pool_submit(MfPool *p, MfJobFn fn, void *arg);
/* Blocks until some submitted job is done and returns its arg, or NULL when
 * no job is pending. */
void *mf_pool_wait_one(MfPool *p);

/* ======================================================================
 * scan.c — parallel scan; the owner thread resolves and builds the graph
 * ====================================================================== */

typedef struct MfRemoteRef {
    uint32_t from;        /* module index */
    uint32_t import;      /* index into that module's imports */
    uint32_t remote;      /* index into cfg->remotes */
    char *expose;         /* "./Button" or "." (graph arena) */
} MfRemoteRef;

typedef struct MfSharedRef {
    uint32_t from, import;
    uint32_t shared;      /* index into cfg->shared */
    char *package;        /* package name as matched (graph arena) */
} MfSharedRef;

typedef struct MfGraph {
    MF_VEC(MfModule *) modules;   /* in stable order: modules.items[i]->index == i */
    MF_VEC(uint32_t) entry_modules;  /* per cfg->entries, then exposes */
    MF_VEC(MfRemoteRef) remote_refs;
    MF_VEC(MfSharedRef) shared_refs;
    MfArena *arena;
} MfGraph;

/* Scans from the config's entries and exposes (or `entries` when given).
 * Always returns a graph (possibly partial); errors go to `log`. */
MfGraph *mf_scan(const MfConfig *cfg, MfLog *log);
void mf_graph_free(MfGraph *g);

/* ======================================================================
 * graph.c — `mfbuild graph` output
 * ====================================================================== */

/* Appends the graph to `out`.  The JSON form is one object; when `log` is
 * given and not empty, its diagnostics are added as "diagnostics". */
void mf_graph_print_text(const MfGraph *g, const MfConfig *cfg, MfBuf *out);
void mf_graph_print_json(const MfGraph *g, const MfConfig *cfg, MfLog *log, MfBuf *out);

#endif
