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
void mf_log_copy(MfLog *dst, const MfLog *src); /* appends copies of src's diagnostics */
void mf_log_drop_warnings(MfLog *log);     /* --quiet */
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
    bool hot;             /* `mfbuild dev`: emit the hot module replacement client */
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
    /* copied into the config as they are: */
    int threads;              /* 0: one per core */
    bool json, timings, quiet, hot;
    MfColor color;
} MfConfigArgs;

/* Loads and validates.  Returns NULL on any error (all added to `log`, each
 * naming the key and its line:col in the JSON file).  mf_config_free() it. */
MfConfig *mf_config_load(const MfConfigArgs *args, MfLog *log) MF_MUST_CHECK;
void mf_config_free(MfConfig *cfg);
/* True when s[0..n) is one well-formed JSON value (a UTF-8 BOM allowed);
 * else *at is the byte offset of the problem and msg says what was
 * expected there (cJSON gives neither). */
bool mf_json_check(const char *s, size_t n, size_t *at, char *msg, size_t msg_size);
/* A config with no entry and no expose has nothing to build: adds the
 * error (config-value, or usage without a config file) and returns false. */
bool mf_config_check_buildable(const MfConfig *cfg, MfLog *log);
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
    uint32_t resolved;   /* watch mode: 1 + the module cache's entry for the
                          * file it resolved to, valid while MfModule.resolved_by
                          * names the cache's current resolver; 0 if not kept */
    uint8_t route;       /* what the scan made of the specifier (scan.c's
                          * Route; 0 before the first scan): it depends on
                          * the specifier and the config only */
    uint32_t route_index;/* the remote or shared entry for those routes */
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

/* One change to a module's source, computed by the transform passes while
 * the tree is alive (docs/output-format.md).  The source range [start, end)
 * is replaced by `text`, then (when move_end > move_start) the source range
 * [move_start, move_end) rendered with the edits inside it, then `text2`.
 * A moved range must itself be deleted by another edit.  Edits never
 * partially overlap: an edit inside a range another edit replaces is skipped
 * (it still applies where that range is moved).  Texts may hold import
 * placeholders "\x01<record>\x02".  All strings: module arena. */
typedef struct MfEdit {
    uint32_t start, end;
    const char *text;
    uint32_t move_start, move_end;
    const char *text2;
    uint32_t seq;        /* creation order: ties at one offset keep it */
} MfEdit;

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
    MF_VEC(MfEdit) edits;    /* sorted by (start, seq) once parsed */
    MfLog log;               /* this module's diagnostics */
    MfArena *arena;          /* owns everything above but source */
    /* filled by the graph owner: */
    uint32_t index;          /* stable order (walk from the entries) */
    const char *package;     /* npm package name if in node_modules (module arena) */
    const char *package_version; /* that package's version, NULL when unknown (module arena) */
    uint64_t serial;         /* unique for the process: a cached chunk output
                              * names the records it was made from by it */
    const char *link_id, *link_id_literal; /* watch mode: link's id and its JS
                              * literal for this record (module arena) */
    uint32_t resolved_by;    /* the module cache's resolver generation that
                              * filled imports[].resolved (0: none) */
    /* emit's copy of this module's rendered function, kept while the record
     * lives in an MfModuleCache (watch/dev): an unchanged module is not
     * rendered again.  Written only by the job of the chunk that owns the
     * module (MfChunks.chunk_of). */
    struct MfRenderCache {
        uint64_t key;            /* hash of what the text depends on beyond the record */
        char *text;              /* malloc'd; NULL: nothing kept */
        size_t len;
        uint32_t lines;          /* newlines in text */
        struct MfMapping *maps;  /* source-map segments, gen_line relative to the text */
        uint32_t n_maps;
        char *source_json;       /* the module's sourcesContent entry, escaped (malloc'd) */
        size_t source_json_len;
    } render;
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
 * edit.c — building and rendering a module's edit list
 * ====================================================================== */

/* Adds an edit replacing [start, end) by `text` (copied into the module
 * arena; NULL or "" deletes). */
void mf_edit_replace(MfModule *m, uint32_t start, uint32_t end, const char *text);
void mf_edit_insert(MfModule *m, uint32_t at, const char *text);
/* Replaces [start, end) by before + rendered [move_start, move_end) + after. */
void mf_edit_move(MfModule *m, uint32_t start, uint32_t end, const char *before,
                  uint32_t move_start, uint32_t move_end, const char *after);
void mf_edits_sort(MfModule *m);  /* by (start, seq); parse.c calls it */

/* Source-map segments collected while rendering: generated (line, column)
 * -> original (line, column) of module `source` (0-based, columns in UTF-16
 * units as source maps count them). */
typedef struct MfMapping {
    uint32_t gen_line, gen_col;
    uint32_t source;             /* caller's index of the module */
    uint32_t orig_line, orig_col;
} MfMapping;

typedef struct MfRenderCtx {
    /* Text for import placeholder `record` of module m, appended to out
     * (emit: the target's module id as a JS string).  NULL: the specifier as
     * a JS string. */
    void (*import_ref)(void *user, const MfModule *m, uint32_t record, MfBuf *out);
    void *user;
    /* Optional source map: segments appended here when non-NULL.  gen_line
     * and gen_col are where `out` stands when rendering starts; they are
     * advanced as text is appended. */
    MF_VEC(MfMapping) *mappings;
    uint32_t source_index;
    uint32_t gen_line, gen_col;
} MfRenderCtx;

/* Appends m's source with its edits applied to `out`. */
void mf_render_module(const MfModule *m, MfRenderCtx *ctx, MfBuf *out);

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

typedef struct MfModuleCache MfModuleCache; /* below */
typedef struct MfChunks MfChunks;           /* chunk.c */

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
    uint32_t key;         /* index into MfGraph.share_keys */
    bool consume;         /* a consume point ("mf-shared/<key>"); false for an
                           * import inside the key's own fallback, which binds
                           * to the local module like any import */
} MfSharedRef;

/* One share key of the build: a cfg->shared key, or, for a key ending in
 * "/", each subpath the app imports ("react-dom/" -> "react-dom/client"),
 * as webpack's shareKey = key + rest.  Order: cfg->shared order; a "/" key's
 * subpaths sorted by name. */
typedef struct MfShareKey {
    const char *key;      /* graph arena */
    uint32_t shared;      /* index into cfg->shared */
    uint32_t fallback;    /* the local module that provides it: `import`
                           * resolved from the root (a "/" key: the first
                           * consume point's target); MF_NONE for import: false */
} MfShareKey;

/* An import record, by module and record index. */
typedef struct MfImportAt {
    uint32_t from, import;
} MfImportAt;

/* The specifier of the virtual module of the federation runtime API
 * (loadRemote, registerRemotes, loadShare, registerPlugins): never
 * resolved, its placeholder is this id itself. */
#define MF_RUNTIME_MODULE_ID "mfbuild/runtime"

typedef struct MfGraph {
    MF_VEC(MfModule *) modules;   /* in stable order: modules.items[i]->index == i */
    MF_VEC(uint32_t) entry_modules;  /* per cfg->entries, then exposes */
    MF_VEC(uint32_t) plugin_modules; /* per cfg->runtime_plugins (MF_NONE if unresolved) */
    MF_VEC(MfRemoteRef) remote_refs; /* sorted by (from, import) */
    MF_VEC(MfSharedRef) shared_refs; /* sorted by (from, import) */
    MF_VEC(MfShareKey) share_keys;
    MF_VEC(MfImportAt) runtime_refs; /* imports of MF_RUNTIME_MODULE_ID, sorted */
    MfModuleCache *cache;            /* the MfModuleCache the modules belong to
                                      * (watch mode), NULL: the graph owns them */
    MfArena *arena;
} MfGraph;

/* Scans from the config's entries, exposes, runtimePlugins and shared
 * packages' local fallbacks.  Always returns a graph (possibly partial);
 * errors go to `log`. */
MfGraph *mf_scan(const MfConfig *cfg, MfLog *log);
void mf_graph_free(MfGraph *g);

/* Module records kept from one scan to the next (watch mode).  A record is
 * reused as it is unless its path was invalidated; an invalidated file is
 * read again and re-parsed only when its content hash changed.  Records no
 * scan reached are dropped after each scan.  The cache also keeps the
 * resolver (its package.json and folder lookups) until a change may alter
 * resolution: a file added, deleted or renamed, or a package.json /
 * tsconfig.json changed.  A graph scanned with a cache borrows its modules
 * from it: free the graph (and everything built from it) before the next
 * scan or mf_module_cache_free().  Bound to one config: make a new cache
 * when the config changes.  Owner thread only. */
MfModuleCache *mf_module_cache_new(const MfConfig *cfg);   /* cfg borrowed */
void mf_module_cache_free(MfModuleCache *c);
/* Marks a changed path (from the watcher); any path, known or not. */
void mf_module_cache_invalidate(MfModuleCache *c, const char *path);
MfGraph *mf_scan_cached(MfModuleCache *c, MfLog *log);
/* What the last mf_scan_cached did: modules parsed, reused unchanged, and
 * whether the resolver was rebuilt (for tests and --timings). */
typedef struct MfScanStats {
    uint32_t parsed, reused;
    bool new_resolver;
} MfScanStats;
MfScanStats mf_module_cache_stats(const MfModuleCache *c);
/* The chunks of the session's last build and the shape of the graph they
 * were made from (mf_graph_shape): a graph of the same shape gets the same
 * chunks, so watch mode reuses them.  mf_module_cache_keep_chunks takes
 * ownership (freeing the previous ones). */
MfChunks *mf_module_cache_chunks(MfModuleCache *c, uint64_t shape);  /* borrowed; NULL if none */
void mf_module_cache_keep_chunks(MfModuleCache *c, uint64_t shape, MfChunks *ch);
/* A hash of everything the chunk phase reads from a graph: module kinds,
 * import kinds and targets, roots, shared and remote references. */
uint64_t mf_graph_shape(const MfGraph *g);
/* The session's worker pool (cfg->threads), started on first use and kept
 * until mf_module_cache_free: scan and emit share it, so a rebuild starts
 * no thread.  NULL when no thread could be started. */
MfPool *mf_module_cache_pool(MfModuleCache *c);
/* Emit's own cache of the session (chunk outputs): made by `make` on first
 * use, freed with the module cache by `free_fn`. */
void *mf_module_cache_emit_state(MfModuleCache *c, void *(*make)(void), void (*free_fn)(void *));

/* ======================================================================
 * build/gen/runtime_js.c — the runtime, embedded from the JS files of src/runtime
 * (generated by the Makefile; see docs/output-format.md)
 * ====================================================================== */

/* src/runtime/core.js: one JS function expression `(function (config) {...})`
 * returning the runtime helpers (__mf). NUL-terminated.  The _web variant
 * leaves out its `@if node` lines (require, __filename): emit ships it to
 * target web. */
extern const char mf_runtime_core_js[];
extern const size_t mf_runtime_core_js_len;
extern const char mf_runtime_core_web_js[];
extern const size_t mf_runtime_core_web_js_len;
/* src/runtime/federation.js (with src/runtime/semver.js inside): one JS
 * function expression `(function (__mf, fed) {...})` that adds Module
 * Federation to a core runtime (docs/output-format.md section 4).
 * NUL-terminated.  The _noremotes variant leaves out its `@if remotes`
 * lines (remote containers, runtime plugins, the mfbuild/runtime API): emit
 * ships it to builds that use none of them. */
extern const char mf_runtime_federation_js[];
extern const size_t mf_runtime_federation_js_len;
extern const char mf_runtime_federation_noremotes_js[];
extern const size_t mf_runtime_federation_noremotes_js_len;
/* src/runtime/hot.js: `(function (__mf, hot) {...})`, the hot module
 * replacement client of `mfbuild dev` builds (output-format.md section 5). */
extern const char mf_runtime_hot_js[];
extern const size_t mf_runtime_hot_js_len;

/* ======================================================================
 * graph.c — `mfbuild graph` output
 * ====================================================================== */

/* Appends the graph to `out`.  The JSON form is one object; when `log` is
 * given and not empty, its diagnostics are added as "diagnostics". */
void mf_graph_print_text(const MfGraph *g, const MfConfig *cfg, MfBuf *out);
void mf_graph_print_json(const MfGraph *g, const MfConfig *cfg, MfLog *log, MfBuf *out);

/* ======================================================================
 * link.c — module ids and what each import placeholder becomes
 * ====================================================================== */

/* The registry key of the synthetic empty module that an import mapped to
 * false by a package's "browser" field names (require() of it gives {}). */
#define MF_EMPTY_MODULE_ID "mfbuild:empty"

/* Names fixed by link: after it, every module and every import record of
 * the graph has the text the generated code uses for it.  All strings are
 * owned by `arena`; the graph is borrowed and must outlive the link. */
typedef struct MfLink {
    const MfGraph *g;
    char **ids;            /* per module: path relative to cfg->root ("src/App.tsx") */
    char **id_literals;    /* per module: ids[i] as a JS string literal */
    uint32_t *first_ref;   /* per module: index of its record 0 in `refs` */
    const char **refs;     /* per import record: the JS string literal that
                            * replaces its placeholder "\x01n\x02" */
    bool uses_empty;       /* some record names MF_EMPTY_MODULE_ID */
    MfArena *arena;
} MfLink;

MfLink *mf_link(const MfGraph *g, const MfConfig *cfg);  /* mf_link_free() it */
void mf_link_free(MfLink *l);
/* MfRenderCtx.import_ref for mf_render_module; `user` is the MfLink. */
void mf_link_import_ref(void *user, const MfModule *m, uint32_t record, MfBuf *out);

/* ======================================================================
 * chunk.c — which modules go in which chunk file
 * ====================================================================== */

typedef enum {
    MF_CHUNK_ENTRY,     /* one per cfg->entries: runtime + start */
    MF_CHUNK_EXPOSE,    /* one per cfg->exposes: loaded by the container's get() */
    MF_CHUNK_SHARED,    /* one per shared fallback module ("shared-<key>"):
                         * loaded only when negotiation picks the local copy */
    MF_CHUNK_CONTAINER, /* remoteEntry.js (when exposes): runtime, no entry */
    MF_CHUNK_ASYNC,     /* one per import() target module */
    MF_CHUNK_COMMON,    /* modules several chunks need, one per distinct set of them */
} MfChunkKind;

typedef struct MfChunk {
    MfChunkKind kind;
    const char *name;          /* unique among the chunks; chunks arena */
    uint32_t root;             /* root module; MF_NONE for a common or container chunk */
    uint32_t source;           /* index in cfg->entries / cfg->exposes /
                                * MfGraph.share_keys (its first key), else MF_NONE */
    MF_VEC(uint32_t) modules;  /* members, ascending module index (may be empty) */
    MF_VEC(uint32_t) css;      /* CSS members in stylesheet order: @import targets first */
    MF_VEC(uint32_t) deps;     /* common chunks loaded together with this one, ascending */
    MF_VEC(uint32_t) lazy;     /* entry/expose/shared: async and expose chunks it
                                * may load through import(), ascending */
    MF_VEC(uint32_t) consumes; /* share keys (MfGraph.share_keys) its modules
                                * import statically or require, ascending */
    MF_VEC(const char *) remote_refs; /* specifiers of remote modules its modules
                                * import statically or require ("cart/Button"),
                                * sorted, unique (chunks arena) */
} MfChunk;

/* The chunk graph.  Chunk order: entries, exposes, shared fallbacks (share
 * key order), the container, async chunks (by first import() in module
 * order), common chunks (by first member); every list above is in that
 * order or in module order, never in hash-table order.
 *
 * Runtime modules are the one exception to "each module in one chunk":
 * runtimePlugins and the fallbacks of eager shared packages (and what they
 * import statically) are needed by every runtime (each entry chunk and the
 * container) before anything else, without loading a file, so they are
 * members of each entry chunk and of the container; chunk_of names the
 * first of those. */
struct MfChunks {
    MF_VEC(MfChunk) items;
    uint32_t *chunk_of;        /* per module: the chunk that holds it (MF_NONE:
                                * in no chunk, e.g. only behind a consume point
                                * and not a fallback) */
    uint32_t *lazy_of;         /* per module: the async/expose chunk whose root
                                * it is, or MF_NONE */
    uint32_t *shared_of;       /* per MfGraph.share_keys: its fallback chunk,
                                * MF_NONE for import: false and for eager
                                * packages (their fallback is a runtime module) */
    uint32_t container;        /* the container chunk, MF_NONE without exposes */
    MfArena *arena;
};

/* Splits the graph into chunks (cfg: entries and exposes, borrowed). */
MfChunks *mf_chunk(const MfGraph *g, const MfConfig *cfg);  /* mf_chunks_free() it */
void mf_chunks_free(MfChunks *c);

/* ======================================================================
 * sourcemap.c — source map v3 encoding
 * ====================================================================== */

/* Appends one base64 VLQ number (source map "mappings" alphabet). */
void mf_vlq_encode(MfBuf *out, int64_t value);
/* Appends the "mappings" string for segments sorted by generated position
 * (0-based lines and columns, as edit.c collects them). */
void mf_sourcemap_mappings(MfBuf *out, const MfMapping *segs, uint32_t n);
/* Appends standard base64 (with padding) of data[0..n). */
void mf_base64_encode(MfBuf *out, const void *data, size_t n);
/* Appends s[0..n) as the body of a JSON string (no quotes), escaped. */
void mf_json_escape(MfBuf *out, const char *s, size_t n);

/* ======================================================================
 * emit.c — chunk files, content hashes, source maps, HTML, gzip, dist/
 * ====================================================================== */

typedef enum {
    MF_OUT_ENTRY, MF_OUT_CHUNK, MF_OUT_CSS, MF_OUT_ASSET, MF_OUT_HTML, MF_OUT_MAP,
    MF_OUT_CONTAINER, /* remoteEntry.js (cfg->filename) */
    MF_OUT_MANIFEST,  /* mf-manifest.json */
    MF_OUT_STATS,     /* mf-stats.json */
} MfOutKind;
const char *mf_out_kind_name(MfOutKind k);  /* "entry", "chunk", ... as build --json says */

/* One output file, in memory. */
typedef struct MfOutFile {
    const char *path;       /* relative to the output folder, '/'-separated (emit arena) */
    MfOutKind kind;
    const char *name;       /* chunk name, asset file name or "index.html" (emit arena) */
    const char *data;       /* final bytes: owned (malloc) unless `borrowed` */
    size_t len;
    bool borrowed;          /* data is not owned (a module's source, a cached chunk) */
    bool reused;            /* watch mode: the very bytes (and gzip) of the
                             * same path in the previous build of the session */
    char *gz;               /* gzip sibling (malloc), NULL when not produced */
    size_t gz_len;
} MfOutFile;

/* A module function as emitted, kept for hot updates (cfg->hot only). */
typedef struct MfHotModule {
    char *text;     /* `"id": function (...) {...},\n` as in its chunk (malloc);
                     * NULL for a module in no chunk */
    size_t len;
    uint64_t hash;  /* XXH3 of text and deps */
    char *deps;     /* its static-imports table member `"id":[...]` (malloc) or NULL */
} MfHotModule;

/* Everything a build writes, in a stable order: per chunk its JS, CSS and
 * map (the container among them, in chunk order); then assets; then
 * index.html; then mf-manifest.json and mf-stats.json. */
typedef struct MfEmit {
    MF_VEC(MfOutFile) files;
    /* cfg->hot builds only (else NULL): */
    const char *hot_id;          /* the build's state id, 16 hex digits (emit arena):
                                  * a hash of every module function and file name */
    MfHotModule *hot_modules;    /* per graph module */
    uint32_t n_hot_modules;
    MfArena *arena;
} MfEmit;

/* Renders every chunk (in parallel on cfg->threads workers), hashes and
 * names the files, builds source maps, index.html, the manifest and stats
 * of a federated build (manifest.c) and (production) gzip siblings.  Inputs are borrowed; modules' sources must outlive the result
 * (assets borrow them).  Problems (unreadable HTML template) go to `log`.
 * Always returns a result; mf_emit_free() it. */
MfEmit *mf_emit(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch,
                MfLog *log);
void mf_emit_free(MfEmit *e);
/* Writes every file (and gzip sibling) into a fresh sibling folder of
 * out_dir, then swaps it into place; on any error nothing changes: the old
 * folder stays, the temporary one is removed, the error is in `log`. */
bool mf_emit_write(const MfEmit *e, const char *out_dir, MfLog *log) MF_MUST_CHECK;
/* Watch mode: rewrites only the files whose bytes changed since the last
 * call with the same state (each atomically: a temporary file renamed over
 * it) and removes the files of earlier writes that the output no longer
 * has.  The first call writes the whole folder as mf_emit_write() does.
 * *n_written: files written.  On an error (in log) the next call writes
 * everything again. */
typedef struct MfOutState MfOutState;
MfOutState *mf_out_state_new(void);
void mf_out_state_free(MfOutState *s);
bool mf_emit_write_changed(const MfEmit *e, const char *out_dir, MfOutState *s, uint32_t *n_written,
                           MfLog *log) MF_MUST_CHECK;
/* File name from an output.filename pattern: "[name]" -> name,
 * "[contenthash]" / "[contenthash:N]" -> the first N (default 8) lowercase
 * hex digits of hash.  Caller frees. */
char *mf_output_name(const char *pattern, const char *name, uint64_t hash);
/* N of the pattern's [contenthash:N] (8 when absent or plain). */
int mf_output_hash_len(const char *pattern);

/* ======================================================================
 * manifest.c — mf-manifest.json and mf-stats.json (federation-protocol.md 3)
 * ====================================================================== */

/* True when the app uses Module Federation (exposes, remotes or shared):
 * it gets a manifest and stats, and its entries the federation runtime. */
bool mf_uses_federation(const MfConfig *cfg);

/* The final files of each chunk, as emit named them (relative to the
 * output folder; NULL when the chunk has no such file).  Borrowed. */
typedef struct MfChunkFiles {
    const char *const *js;   /* per chunk */
    const char *const *css;  /* per chunk */
} MfChunkFiles;

/* mf-manifest.json (stats false) or mf-stats.json (stats true): the MF 2.0
 * schema, with mfbuild's additions in the stats.  Inputs borrowed.  Caller
 * frees. */
char *mf_manifest_json(const MfGraph *g, const MfConfig *cfg, const MfLink *link, const MfChunks *ch,
                       const MfChunkFiles *files, bool stats);

/* ======================================================================
 * semver.c — node-semver semantics (what src/runtime/semver.js tests)
 * ====================================================================== */

/* A parsed version; `pre` is the prerelease ("beta.1", "" for none). */
typedef struct MfSemver {
    uint64_t num[3];
    char pre[96];
} MfSemver;

/* "1.2.3-beta.1+build" (leading v/= and spaces allowed).  False when s is
 * not a full version (prereleases longer than 95 bytes included). */
bool mf_semver_parse(const char *s, MfSemver *out);
int mf_semver_cmp(const MfSemver *a, const MfSemver *b);  /* -1, 0, 1 */
/* Orders version strings; unparsable ones sort lowest. */
int mf_semver_compare(const char *a, const char *b);
/* node-semver's satisfies(); false for an unparsable version or range. */
bool mf_semver_satisfies(const char *version, const char *range);
bool mf_semver_range_valid(const char *range);
/* Appends `range` compiled for the runtime (docs/output-format.md 4.2,
 * `range`): a JSON array of its `||` alternatives, each an array of
 * comparator strings ("^1.2.0" -> [[">=1.2.0","<2.0.0-0"]], "1.2.3" ->
 * [["1.2.3"]]); [] when `range` does not parse (satisfied by nothing). */
void mf_semver_range_json(const char *range, MfBuf *out);

/* ======================================================================
 * build.c — one build in memory (scan, link, chunk, emit)
 * ====================================================================== */

typedef enum { MF_PHASE_CONFIG, MF_PHASE_SCAN, MF_PHASE_LINK, MF_PHASE_CHUNK, MF_PHASE_EMIT, MF_PHASE__COUNT } MfPhase;

typedef struct MfBuild {
    MfGraph *g;
    MfLink *link;
    MfChunks *chunks;      /* borrowed from the module cache when chunks_kept */
    bool chunks_kept;
    MfEmit *em;
    double ms[MF_PHASE__COUNT];  /* wall time per phase; config is the caller's */
} MfBuild;

/* Runs the phases after config into b (zeroed); stops after a scan with
 * errors.  True when b->em is complete and nothing added an error.  cache
 * may be NULL (a one-off build). */
bool mf_build_run(MfBuild *b, const MfConfig *cfg, MfModuleCache *cache, MfLog *log);
void mf_build_free(MfBuild *b);  /* everything in b; b zeroed */

/* ======================================================================
 * hot.c — hot update scripts between builds (`mfbuild dev`)
 * ====================================================================== */

/* What a later update needs of one error-free cfg->hot build: its state
 * id, each module function's hash, each chunk's stylesheet file.  Copies
 * everything (the build may be freed). */
typedef struct MfHotState MfHotState;
MfHotState *mf_hot_state_new(const MfBuild *b);
void mf_hot_state_free(MfHotState *s);
const char *mf_hot_state_id(const MfHotState *s);  /* borrowed */
/* Appends the script that takes a page from state `old` to build `b`
 * (served as __mfbuild/hot/<old id>.js; output-format.md section 5). */
void mf_hot_update_script(const MfHotState *old, const MfBuild *b, const MfConfig *cfg, MfBuf *out);

/* ======================================================================
 * devloop.c — `mfbuild watch` and `mfbuild dev`
 * ====================================================================== */

typedef struct MfDevArgs {
    MfConfigArgs config;   /* reloaded when mfbuild.json or package.json changes */
    bool serve;            /* dev: serve from memory and push hot updates */
    int debounce_ms;       /* watcher batch window */
    bool poll;             /* polling watcher */
} MfDevArgs;
/* Builds, then rebuilds on every change until SIGINT/SIGTERM (exit 0).
 * Returns 2 for a config or usage error, or a dev server that cannot
 * listen, at start; build errors are reported and the loop goes on. */
int mf_dev_main(const MfDevArgs *args);

/* ======================================================================
 * watch.c — file watcher for `watch` and `dev` (inotify; polling fallback)
 * ====================================================================== */

/* A watcher reports changed files in batches: the first change opens a
 * batch, which closes once no further change has arrived for `debounce_ms`
 * (capped at 50 x debounce_ms, at least 200 ms, so a steady stream cannot
 * starve the build).  Folders are watched recursively except `node_modules`,
 * `.git`, dot-folders and the folders in `ignore`; a `node_modules` folder
 * met inside a watched folder is watched at two levels (node_modules/<pkg>,
 * node_modules/@scope/<pkg>, and each package's own folder, not deeper), so
 * that reinstalling a package (its folder or package.json replaced) shows up
 * as a change to `<pkg>/package.json` or the folder.  A folder created under
 * a recursive watch is watched at once and the files already inside it are
 * reported.  Links to folders are not followed by a recursive watch (a
 * package in node_modules may be one: it is followed); a folder reached by
 * two paths reports its changes under both. */
typedef struct MfWatchOptions {
    int debounce_ms;          /* quiet time that closes a batch (>= 0) */
    bool poll;                /* force the polling fallback (also when inotify fails) */
    int poll_interval_ms;     /* polling period; 0 = 100 ms */
    const char *const *ignore;/* absolute folders never reported (the output folder),
                                 spelled like the folders added; borrowed (copied) */
    int n_ignore;
} MfWatchOptions;

typedef struct MfWatcher MfWatcher;
/* Returns NULL (error in log, MF_MSG_WATCH) only when neither inotify nor
 * polling can start; `log` is used only during the call. */
MfWatcher *mf_watcher_new(const MfWatchOptions *opts, MfLog *log);
void mf_watcher_free(MfWatcher *w);   /* NULL is fine */
bool mf_watcher_polling(const MfWatcher *w);  /* true when in the polling fallback */
/* Why the watcher polls although opts.poll was false (inotify could not
 * start, or the watch limit fs.inotify.max_user_watches was reached while
 * adding folders or later), for a one-time note to the user; NULL when it
 * uses inotify or was asked to poll.  Borrowed, lives with the watcher.
 * After a switch during mf_watcher_wait the next batch has `overflow`. */
const char *mf_watcher_poll_reason(const MfWatcher *w);
/* Watches a folder (recursively or only its own entries); idempotent, a
 * folder that does not exist is ignored (false).  What exists now is the
 * starting state: nothing is reported for it.  `dir` is made absolute and
 * normalized (., .. and trailing slashes), links are not resolved: reported
 * paths start with it. */
bool mf_watcher_add_dir(MfWatcher *w, const char *dir, bool recursive);
/* Watches one file (its folder non-recursively, reporting only this file
 * of it unless the folder is also added); idempotent.  The file need not
 * exist (its creation is reported); false when its folder does not. */
bool mf_watcher_add_file(MfWatcher *w, const char *path);

/* One batch: absolute paths of files created, modified, deleted or renamed
 * (both names), sorted by strcmp, unique.  A watched folder that went away
 * (deleted, renamed) is reported too, by its own path: its files may not be
 * listed one by one (inotify does not say what a moved folder held), so
 * the caller treats a folder path as covering everything under it.
 * `overflow` means events were lost (the kernel queue overflowed, or the
 * watcher switched to polling): the caller must treat everything as
 * changed. */
typedef struct MfWatchBatch {
    MF_VEC(char *) paths;     /* each malloc'd */
    bool overflow;
} MfWatchBatch;
void mf_watch_batch_free(MfWatchBatch *b);   /* frees the paths, resets b */

/* Blocks until a batch is complete (returns 1, batch filled), `timeout_ms`
 * passed with nothing (0; -1 = wait forever) or mf_watcher_interrupt() was
 * called (-1).  The timeout counts only until a batch opens: an open batch
 * is completed (within the cap).  Changes collected when an interrupt comes
 * are kept for the next call.  b must be empty (zeroed) on entry; it stays
 * empty unless 1 is returned. */
int mf_watcher_wait(MfWatcher *w, int timeout_ms, MfWatchBatch *b);
/* Makes a blocked or the next mf_watcher_wait return -1; async-signal-safe
 * (for SIGINT/SIGTERM handlers) and callable from any thread. */
void mf_watcher_interrupt(MfWatcher *w);

/* ======================================================================
 * devserver.c — `mfbuild dev`'s HTTP server (libmicrohttpd)
 * ====================================================================== */

/* Serves a set of in-memory files published by the build loop, plus a
 * Server-Sent Events stream at /__mfbuild/events for hot updates.  Every
 * response carries `Access-Control-Allow-Origin: *` (a host on one port
 * loads remotes from another) and `Cache-Control: no-cache`; OPTIONS
 * preflights get 204.  GET/HEAD only (405 otherwise).  "/" and any folder
 * path ending in "/" serve its index.html when published.  A request whose
 * path has a ".." or "." segment (also percent-encoded, %2e%2e, ..%2f), a
 * backslash, a NUL (%00), an empty segment ("//etc"), or is not published
 * gets 404: only exact published paths are served, nothing is read from
 * disk.  publish and send may be called from any thread (the build loop),
 * but not concurrently with stop. */
typedef struct MfDevServer MfDevServer;

typedef struct MfServedFile {
    const char *path;   /* relative, '/'-separated ("main.1a2b3c4d.js", "__mfbuild/hot/x.js") */
    const char *data;
    size_t len;
} MfServedFile;

/* Binds host:port and starts serving: nothing is published yet, so every
 * file request gets 503 "mfbuild: first build in progress" until the first
 * publish.  host: an IPv4 or IPv6 literal ("::1" or "[::1]") or a name;
 * NULL or "" means "localhost", and a name with both an IPv4 and an IPv6
 * address binds the IPv4 one.  port 0: any free port (see
 * mf_devserver_port).  A busy port or an address that cannot be resolved
 * or bound is an error in `log` (MF_MSG_DEV_SERVER) naming host and port,
 * and NULL.  mf_devserver_stop() it. */
MfDevServer *mf_devserver_start(const char *host, int port, MfLog *log);
int mf_devserver_port(const MfDevServer *s);   /* the bound port */
/* Replaces the served files with a copy of `files` (atomically for
 * requests: each sees either the old or the new set; a response already
 * being sent finishes with the old bytes).  Borrowed: the caller keeps its
 * own data.  A path given twice: the later entry wins. */
void mf_devserver_publish(MfDevServer *s, const MfServedFile *files, uint32_t n);
/* Sends one SSE message (`data: <json>\n\n`) to every connected client and
 * remembers it: a client that connects later gets the last message first,
 * so it learns the current state.  `json` is borrowed (copied); it should
 * be on one line, and a line break in it becomes a second `data:` line,
 * which EventSource joins back with "\n".  Clients more than 64 messages
 * behind skip the oldest. */
void mf_devserver_send(MfDevServer *s, const char *json);
/* Ends every stream, stops the server and frees it; returns promptly even
 * with streams open.  NULL is fine. */
void mf_devserver_stop(MfDevServer *s);
/* The Content-Type for a file name by extension, case-insensitive
 * ("text/javascript; charset=utf-8"; "application/octet-stream" when
 * unknown).  Static storage. */
const char *mf_mime_type(const char *path);

/* ======================================================================
 * check.c — `mfbuild check SOURCE...` (shared-dependency audit)
 * ====================================================================== */

typedef struct MfCheckArgs {
    const char *const *sources;  /* dist/ folders, manifest/stats files, URLs */
    int n_sources;
    bool json, strict, quiet;
    MfColor color;
} MfCheckArgs;

/* Runs the command; returns its exit code (0 clean, 1 problems with an
 * error, 2 usage or unreadable input).  Prints the report on stdout,
 * diagnostics on stderr. */
int mf_check_main(const MfCheckArgs *args);

#endif
