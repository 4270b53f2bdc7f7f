/*
 * test_resolve.c — the resolver against small trees built in a temporary
 * folder: relative paths and extensions, node_modules, main fields and the
 * browser field, exports/imports with conditions and patterns, alias,
 * tsconfig paths, pnpm symlinks, builtins, and "did you mean" suggestions.
 */
#include "mfbuild.h"
#include "unit.h"

#include <limits.h>
#include <stdlib.h>

/* A config as config.c would leave it, by hand. */
static void cfg_init(MfConfig *c, const char *root, MfTarget target) {
    static const char *const exts[] = {".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".json"};
    memset(c, 0, sizeof *c);
    c->arena = mf_arena_new();
    c->root = mf_arena_strdup(c->arena, root);
    c->target = target;
    c->mode = MF_MODE_PRODUCTION;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        MF_VEC_PUSH(&c->extensions, mf_arena_strdup(c->arena, exts[i]));
}

static void cfg_done(MfConfig *c) {
    free(c->extensions.items);
    free(c->conditions.items);
    free(c->alias.items);
    mf_arena_free(c->arena);
}

static void cfg_alias(MfConfig *c, const char *key, const char *value) {
    MfStrPair p = {mf_arena_strdup(c->arena, key), mf_arena_strdup(c->arena, value)};
    MF_VEC_PUSH(&c->alias, p);
}

/* Resolves `spec` from root/`from` and describes the outcome: the path
 * relative to the root, or "builtin", "empty", "not-found".  The suggestion
 * of a failure goes to last_sugg.  Results live in a small ring. */
static char ring[8][PATH_MAX];
static int ring_i;
static char last_sugg[PATH_MAX];

static const char *res(MfResolver *r, const char *root, const char *spec, const char *from,
                       MfImportKind kind) {
    char importer[PATH_MAX];
    snprintf(importer, sizeof importer, "%s/%s", root, from);
    char *path = NULL, *sugg = NULL;
    MfResolveStatus st = mf_resolve(r, spec, importer, kind, &path, &sugg);
    char *out = ring[ring_i++ % 8];
    last_sugg[0] = 0;
    if (sugg) snprintf(last_sugg, sizeof last_sugg, "%s", sugg);
    switch (st) {
    case MF_RESOLVE_OK: {
        char *rel = mf_path_relative(root, path);
        snprintf(out, PATH_MAX, "%s", rel);
        free(rel);
        break;
    }
    case MF_RESOLVE_NOT_FOUND: snprintf(out, PATH_MAX, "not-found"); break;
    case MF_RESOLVE_BUILTIN: snprintf(out, PATH_MAX, "builtin"); break;
    case MF_RESOLVE_EMPTY: snprintf(out, PATH_MAX, "empty"); break;
    }
    if (st != MF_RESOLVE_OK) CHECK(path == NULL);
    if (st != MF_RESOLVE_NOT_FOUND) CHECK(sugg == NULL);
    free(path);
    free(sugg);
    return out;
}

#define IMP MF_IMPORT_STATIC
#define REQ MF_IMPORT_REQUIRE

TEST(resolve_kind_names) {
    CHECK_STR(mf_import_kind_name(MF_IMPORT_STATIC), "import");
    CHECK_STR(mf_import_kind_name(MF_IMPORT_REEXPORT), "reexport");
    CHECK_STR(mf_import_kind_name(MF_IMPORT_EXPORT_STAR), "export-star");
    CHECK_STR(mf_import_kind_name(MF_IMPORT_DYNAMIC), "dynamic");
    CHECK_STR(mf_import_kind_name(MF_IMPORT_REQUIRE), "require");
}

TEST(resolve_relative_paths) {
    const char *d = unit_tmpdir();
    unit_write(d, "src/index.js", "");
    unit_write(d, "src/a.js", "");
    unit_write(d, "src/b.ts", "");
    unit_write(d, "src/c/index.tsx", "");
    unit_write(d, "src/d.jsx", "");      /* .jsx comes before .js */
    unit_write(d, "src/d.js", "");
    unit_write(d, "src/util.ts", "");    /* "./util.js" names it */
    unit_write(d, "src/view.tsx", "");   /* "./view.jsx" and "./view.js" */
    unit_write(d, "src/esm.mts", "");
    unit_write(d, "src/cjs.cts", "");
    unit_write(d, "src/both.js", "");    /* exact file wins over .ts */
    unit_write(d, "src/both.ts", "");
    unit_write(d, "src/data.json", "{}");
    unit_write(d, "src/withpkg/package.json", "{\"main\": \"./lib/entry.js\"}");
    unit_write(d, "src/withpkg/lib/entry.js", "");
    unit_write(d, "src/withpkg/index.js", "");
    unit_write(d, "src/a/index.js", ""); /* "./a" is the file a.js, "./a/" the folder */
    unit_write(d, "lib/x.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "./a", "src/index.js", IMP), "src/a.js");
    CHECK_STR(res(r, d, "./a.js", "src/index.js", IMP), "src/a.js");
    CHECK_STR(res(r, d, "./a/", "src/index.js", IMP), "src/a/index.js");
    CHECK_STR(res(r, d, "./b", "src/index.js", IMP), "src/b.ts");
    CHECK_STR(res(r, d, "./c", "src/index.js", IMP), "src/c/index.tsx");
    CHECK_STR(res(r, d, "./d", "src/index.js", IMP), "src/d.jsx");
    CHECK_STR(res(r, d, "./d.js", "src/index.js", IMP), "src/d.js");
    CHECK_STR(res(r, d, "./util.js", "src/index.js", IMP), "src/util.ts");
    CHECK_STR(res(r, d, "./view.jsx", "src/index.js", IMP), "src/view.tsx");
    CHECK_STR(res(r, d, "./view.js", "src/index.js", IMP), "src/view.tsx");
    CHECK_STR(res(r, d, "./esm.mjs", "src/index.js", IMP), "src/esm.mts");
    CHECK_STR(res(r, d, "./cjs.cjs", "src/index.js", REQ), "src/cjs.cts");
    CHECK_STR(res(r, d, "./both.js", "src/index.js", IMP), "src/both.js");
    CHECK_STR(res(r, d, "./data.json", "src/index.js", IMP), "src/data.json");
    CHECK_STR(res(r, d, "./withpkg", "src/index.js", IMP), "src/withpkg/lib/entry.js");
    CHECK_STR(res(r, d, "../lib/x", "src/index.js", IMP), "lib/x.js");
    CHECK_STR(res(r, d, "..", "src/c/index.tsx", IMP), "src/index.js");
    CHECK_STR(res(r, d, ".", "src/c/x.js", IMP), "src/c/index.tsx");
    char abs[PATH_MAX];
    snprintf(abs, sizeof abs, "%s/lib/x", d);
    CHECK_STR(res(r, d, abs, "src/index.js", IMP), "lib/x.js");
    CHECK_STR(res(r, d, "./nope", "src/index.js", IMP), "not-found");
    CHECK_STR(res(r, d, "", "src/index.js", IMP), "not-found");
    /* The entry's importer is a file in the root that need not exist. */
    CHECK_STR(res(r, d, "./src/index.js", "mfbuild.json", IMP), "src/index.js");
    /* Cached answers stay right on a second lookup. */
    CHECK_STR(res(r, d, "./b", "src/index.js", IMP), "src/b.ts");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_extension_list_from_config) {
    const char *d = unit_tmpdir();
    unit_write(d, "src/a.js", "");
    unit_write(d, "src/a.ts", "");
    unit_write(d, "src/b.vue.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    cfg.extensions.len = 0;
    MF_VEC_PUSH(&cfg.extensions, ".js");
    MF_VEC_PUSH(&cfg.extensions, ".vue.js");
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "./a", "src/index.js", IMP), "src/a.js");
    CHECK_STR(res(r, d, "./b", "src/index.js", IMP), "src/b.vue.js");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_suggestions) {
    const char *d = unit_tmpdir();
    unit_write(d, "src/App.jsx", "");
    unit_write(d, "src/Button.jsx", "");
    unit_write(d, "src/components/Header.tsx", "");
    unit_write(d, "node_modules/react/package.json", "{\"name\":\"react\",\"main\":\"index.js\"}");
    unit_write(d, "node_modules/react/index.js", "");
    unit_write(d, "node_modules/react/jsx-runtime.js", "");
    unit_write(d, "node_modules/@scope/pkg/index.js", "");
    unit_write(d, "node_modules/lodash/map.js", "");
    unit_write(d, "node_modules/lodash/index.js", "");
    unit_write(d, "node_modules/vue/index.js", "");
    unit_write(d, "node_modules/vuex/x.js", "");
    unit_write(d, "node_modules/ex/package.json",
               "{\"exports\": {\".\": \"./i.js\", \"./utils\": \"./utils.js\"}}");
    unit_write(d, "node_modules/ex/i.js", "");
    unit_write(d, "node_modules/ex/utils.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "./Buton", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "./Button");
    CHECK_STR(res(r, d, "./Buton.jsx", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "./Button.jsx");
    CHECK_STR(res(r, d, "./components/Heade", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "./components/Header");
    CHECK_STR(res(r, d, "./Zzzzzzz", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "");
    CHECK_STR(res(r, d, "reakt", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "react");
    CHECK_STR(res(r, d, "reac/jsx-runtime", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "react/jsx-runtime");
    CHECK_STR(res(r, d, "@scope/pgk", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "@scope/pkg");
    CHECK_STR(res(r, d, "lodash/mapp", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "lodash/map");
    CHECK_STR(res(r, d, "ex/utlis", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "ex/utils");
    /* An installed package is not confused with a neighbour. */
    CHECK_STR(res(r, d, "vue/x", "src/App.jsx", IMP), "not-found");
    CHECK_STR(last_sugg, "");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_node_modules_up_the_tree) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/foo/index.js", "");
    unit_write(d, "node_modules/foo/sub/thing.js", "");
    unit_write(d, "node_modules/plain.js", "");
    unit_write(d, "packages/app/node_modules/foo/index.js", ""); /* nearer wins */
    unit_write(d, "packages/app/src/deep/x.js", "");
    unit_write(d, "src/deep/er/x.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "foo", "src/deep/er/x.js", IMP), "node_modules/foo/index.js");
    CHECK_STR(res(r, d, "foo/sub/thing", "src/deep/er/x.js", IMP), "node_modules/foo/sub/thing.js");
    CHECK_STR(res(r, d, "foo", "packages/app/src/deep/x.js", IMP),
              "packages/app/node_modules/foo/index.js");
    CHECK_STR(res(r, d, "plain", "src/x.js", IMP), "node_modules/plain.js");
    CHECK_STR(res(r, d, "foo/nope", "src/x.js", IMP), "not-found");
    CHECK_STR(res(r, d, "nope", "src/x.js", IMP), "not-found");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_main_fields) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/mm/package.json",
               "{\"name\":\"mm\",\"main\":\"./cjs.js\",\"module\":\"./esm.js\"}");
    unit_write(d, "node_modules/mm/cjs.js", "");
    unit_write(d, "node_modules/mm/esm.js", "");
    unit_write(d, "node_modules/bs/package.json",
               "{\"main\":\"./main.js\",\"module\":\"./esm.js\",\"browser\":\"./browser.js\"}");
    unit_write(d, "node_modules/bs/main.js", "");
    unit_write(d, "node_modules/bs/esm.js", "");
    unit_write(d, "node_modules/bs/browser.js", "");
    unit_write(d, "node_modules/onlymain/package.json", "{\"main\":\"lib\"}");
    unit_write(d, "node_modules/onlymain/lib/index.js", "");
    unit_write(d, "node_modules/broken-main/package.json", "{\"main\":\"./gone.js\"}");
    unit_write(d, "node_modules/broken-main/index.js", "");
    unit_write(d, "node_modules/bo/package.json",
               "{\"main\":\"./lib/server.js\",\"browser\":{"
               "\"./lib/server.js\":\"./lib/browser.js\","
               "\"./lib/node-only.js\":false,"
               "\"./lib/missing.js\":\"./lib/shim.js\","
               "\"fs\":false,\"node:crypto\":false,\"ws\":\"./lib/ws-shim.js\",\"http\":\"stream-http\"}}");
    unit_write(d, "node_modules/bo/lib/server.js", "");
    unit_write(d, "node_modules/bo/lib/browser.js", "");
    unit_write(d, "node_modules/bo/lib/node-only.js", "");
    unit_write(d, "node_modules/bo/lib/shim.js", "");
    unit_write(d, "node_modules/bo/lib/ws-shim.js", "");
    unit_write(d, "node_modules/stream-http/index.js", "");
    unit_write(d, "node_modules/ws/index.js", "");

    MfConfig web, node;
    cfg_init(&web, d, MF_TARGET_WEB);
    cfg_init(&node, d, MF_TARGET_NODE);
    MfResolver *rw = mf_resolver_new(&web), *rn = mf_resolver_new(&node);
    CHECK_STR(res(rw, d, "mm", "src/x.js", IMP), "node_modules/mm/esm.js");
    CHECK_STR(res(rn, d, "mm", "src/x.js", REQ), "node_modules/mm/esm.js");
    CHECK_STR(res(rw, d, "bs", "src/x.js", IMP), "node_modules/bs/browser.js");
    CHECK_STR(res(rn, d, "bs", "src/x.js", IMP), "node_modules/bs/esm.js");
    CHECK_STR(res(rw, d, "onlymain", "src/x.js", IMP), "node_modules/onlymain/lib/index.js");
    CHECK_STR(res(rw, d, "broken-main", "src/x.js", IMP), "node_modules/broken-main/index.js");

    /* The browser object remaps files of its package and package names
     * imported from it, on web only. */
    CHECK_STR(res(rw, d, "bo", "src/x.js", IMP), "node_modules/bo/lib/browser.js");
    CHECK_STR(res(rn, d, "bo", "src/x.js", IMP), "node_modules/bo/lib/server.js");
    CHECK_STR(res(rw, d, "bo/lib/server", "src/x.js", IMP), "node_modules/bo/lib/browser.js");
    const char *in = "node_modules/bo/lib/browser.js";
    CHECK_STR(res(rw, d, "./node-only", in, IMP), "empty");
    CHECK_STR(res(rw, d, "./node-only.js", in, IMP), "empty");
    CHECK_STR(res(rn, d, "./node-only", in, IMP), "node_modules/bo/lib/node-only.js");
    CHECK_STR(res(rw, d, "./missing", in, IMP), "node_modules/bo/lib/shim.js");
    CHECK_STR(res(rw, d, "fs", in, IMP), "empty");
    CHECK_STR(res(rn, d, "fs", in, IMP), "builtin");
    CHECK_STR(res(rw, d, "node:crypto", in, IMP), "empty");
    CHECK_STR(res(rw, d, "crypto", in, IMP), "empty");
    CHECK_STR(res(rw, d, "ws", in, IMP), "node_modules/bo/lib/ws-shim.js");
    CHECK_STR(res(rn, d, "ws", in, IMP), "node_modules/ws/index.js");
    CHECK_STR(res(rw, d, "http", in, IMP), "node_modules/stream-http/index.js");
    /* Outside that package, nothing is remapped. */
    CHECK_STR(res(rw, d, "ws", "src/x.js", IMP), "node_modules/ws/index.js");
    CHECK_STR(res(rw, d, "fs", "src/x.js", IMP), "builtin");
    mf_resolver_free(rw);
    mf_resolver_free(rn);
    cfg_done(&web);
    cfg_done(&node);
}

TEST(resolve_exports_conditions) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/cond/package.json",
               "{\"name\":\"cond\",\"main\":\"./main.js\",\"exports\":{"
               "\".\":{\"types\":\"./index.d.ts\","
               "       \"import\":{\"browser\":\"./esm/browser.js\",\"node\":\"./esm/node.js\"},"
               "       \"require\":\"./cjs/index.js\",\"default\":\"./esm/index.js\"},"
               "\"./features/*\":\"./src/features/*.js\","
               "\"./features/private/*\":null,"
               "\"./features/*.css\":\"./styles/*.css\","
               "\"./arr\":[\"./missing.js\",\"./arr.js\"],"
               "\"./types-only\":{\"types\":\"./t.d.ts\"},"
               "\"./mode\":{\"development\":\"./dev.js\",\"production\":\"./prod.js\"},"
               "\"./custom\":{\"my-cond\":\"./custom.js\",\"default\":\"./plain.js\"},"
               "\"./order\":{\"default\":\"./plain.js\",\"import\":\"./esm/index.js\"},"
               "\"./mod\":{\"module\":\"./esm/index.js\",\"default\":\"./plain.js\"},"
               "\"./escape\":\"./../outside.js\","
               "\"./package.json\":\"./package.json\"}}");
    const char *files[] = {"main.js", "esm/browser.js", "esm/node.js", "cjs/index.js",
                           "esm/index.js", "src/features/a.js", "src/features/deep/b.js",
                           "src/features/private/x.js", "styles/theme.css", "arr.js",
                           "dev.js", "prod.js", "custom.js", "plain.js"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "node_modules/cond/%s", files[i]);
        unit_write(d, rel, "");
    }
    unit_write(d, "node_modules/outside.js", "");
    unit_write(d, "node_modules/str/package.json", "{\"exports\":\"./only.js\"}");
    unit_write(d, "node_modules/str/only.js", "");
    unit_write(d, "node_modules/str/other.js", "");
    unit_write(d, "node_modules/sugar/package.json",
               "{\"exports\":{\"import\":\"./i.mjs\",\"require\":\"./r.cjs\"}}");
    unit_write(d, "node_modules/sugar/i.mjs", "");
    unit_write(d, "node_modules/sugar/r.cjs", "");
    unit_write(d, "node_modules/bad-exports/package.json", "{\"exports\": 42, \"main\": \"x.js\"}");
    unit_write(d, "node_modules/bad-exports/x.js", "");
    unit_write(d, "node_modules/null-exports/package.json", "{\"exports\": null, \"main\": \"x.js\"}");
    unit_write(d, "node_modules/null-exports/x.js", "");

    MfConfig web, node;
    cfg_init(&web, d, MF_TARGET_WEB);
    cfg_init(&node, d, MF_TARGET_NODE);
    node.mode = MF_MODE_DEVELOPMENT;
    MF_VEC_PUSH(&web.conditions, "my-cond");
    MfResolver *rw = mf_resolver_new(&web), *rn = mf_resolver_new(&node);
    const char *f = "src/x.js";
    CHECK_STR(res(rw, d, "cond", f, IMP), "node_modules/cond/esm/browser.js");
    CHECK_STR(res(rw, d, "cond", f, MF_IMPORT_DYNAMIC), "node_modules/cond/esm/browser.js");
    CHECK_STR(res(rn, d, "cond", f, IMP), "node_modules/cond/esm/node.js");
    CHECK_STR(res(rw, d, "cond", f, REQ), "node_modules/cond/cjs/index.js");
    CHECK_STR(res(rn, d, "cond", f, REQ), "node_modules/cond/cjs/index.js");
    /* Patterns, the most specific first; null excludes. */
    CHECK_STR(res(rw, d, "cond/features/a", f, IMP), "node_modules/cond/src/features/a.js");
    CHECK_STR(res(rw, d, "cond/features/deep/b", f, IMP), "node_modules/cond/src/features/deep/b.js");
    CHECK_STR(res(rw, d, "cond/features/theme.css", f, IMP), "node_modules/cond/styles/theme.css");
    CHECK_STR(res(rw, d, "cond/features/private/x", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "cond/features/nope", f, IMP), "not-found");
    /* Arrays are fallbacks. */
    CHECK_STR(res(rw, d, "cond/arr", f, IMP), "node_modules/cond/arr.js");
    /* With exports, files outside them are not reachable. */
    CHECK_STR(res(rw, d, "cond/main.js", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "cond/main", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "cond/types-only", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "cond/escape", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "cond/package.json", f, IMP), "node_modules/cond/package.json");
    /* Mode, extra conditions, key order, "module". */
    CHECK_STR(res(rw, d, "cond/mode", f, IMP), "node_modules/cond/prod.js");
    CHECK_STR(res(rn, d, "cond/mode", f, IMP), "node_modules/cond/dev.js");
    CHECK_STR(res(rw, d, "cond/custom", f, IMP), "node_modules/cond/custom.js");
    CHECK_STR(res(rn, d, "cond/custom", f, IMP), "node_modules/cond/plain.js");
    CHECK_STR(res(rw, d, "cond/order", f, IMP), "node_modules/cond/plain.js");
    CHECK_STR(res(rw, d, "cond/mod", f, REQ), "node_modules/cond/esm/index.js");
    /* String and condition-object sugar for ".". */
    CHECK_STR(res(rw, d, "str", f, IMP), "node_modules/str/only.js");
    CHECK_STR(res(rw, d, "str/other", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "sugar", f, IMP), "node_modules/sugar/i.mjs");
    CHECK_STR(res(rw, d, "sugar", f, REQ), "node_modules/sugar/r.cjs");
    /* Invalid exports never crash; null exports mean no exports. */
    CHECK_STR(res(rw, d, "bad-exports", f, IMP), "not-found");
    CHECK_STR(res(rw, d, "null-exports", f, IMP), "node_modules/null-exports/x.js");
    mf_resolver_free(rw);
    mf_resolver_free(rn);
    cfg_done(&web);
    cfg_done(&node);
}

TEST(resolve_imports_field) {
    const char *d = unit_tmpdir();
    unit_write(d, "package.json",
               "{\"name\":\"app\",\"imports\":{"
               "\"#internal/*\":\"./src/internal/*.js\","
               "\"#dep\":\"dep\","
               "\"#fs\":{\"node\":\"fs\",\"default\":\"./src/fs-shim.js\"},"
               "\"#cond\":{\"node\":\"./n.js\",\"default\":\"./d.js\"}}}");
    unit_write(d, "src/internal/x.js", "");
    unit_write(d, "src/fs-shim.js", "");
    unit_write(d, "n.js", "");
    unit_write(d, "d.js", "");
    unit_write(d, "node_modules/dep/index.js", "");
    unit_write(d, "node_modules/inner/package.json",
               "{\"imports\":{\"#own\":\"./own.js\"}}");
    unit_write(d, "node_modules/inner/own.js", "");
    unit_write(d, "node_modules/inner/index.js", "");
    MfConfig web, node;
    cfg_init(&web, d, MF_TARGET_WEB);
    cfg_init(&node, d, MF_TARGET_NODE);
    MfResolver *rw = mf_resolver_new(&web), *rn = mf_resolver_new(&node);
    CHECK_STR(res(rw, d, "#internal/x", "src/a.js", IMP), "src/internal/x.js");
    CHECK_STR(res(rw, d, "#dep", "src/a.js", IMP), "node_modules/dep/index.js");
    CHECK_STR(res(rw, d, "#cond", "src/a.js", IMP), "d.js");
    CHECK_STR(res(rn, d, "#cond", "src/a.js", IMP), "n.js");
    CHECK_STR(res(rw, d, "#fs", "src/a.js", IMP), "src/fs-shim.js");
    CHECK_STR(res(rn, d, "#fs", "src/a.js", IMP), "builtin");
    CHECK_STR(res(rw, d, "#nope", "src/a.js", IMP), "not-found");
    CHECK_STR(res(rw, d, "#", "src/a.js", IMP), "not-found");
    /* The nearest package.json is the importer's own package. */
    CHECK_STR(res(rw, d, "#own", "node_modules/inner/index.js", IMP), "node_modules/inner/own.js");
    CHECK_STR(res(rw, d, "#own", "src/a.js", IMP), "not-found");
    mf_resolver_free(rw);
    mf_resolver_free(rn);
    cfg_done(&web);
    cfg_done(&node);
}

TEST(resolve_self_reference) {
    const char *d = unit_tmpdir();
    unit_write(d, "package.json", "{\"name\":\"@me/app\",\"exports\":{\"./utils\":\"./src/utils.js\"}}");
    unit_write(d, "src/utils.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "@me/app/utils", "src/a.js", IMP), "src/utils.js");
    CHECK_STR(res(r, d, "@me/app/other", "src/a.js", IMP), "not-found");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_alias) {
    const char *d = unit_tmpdir();
    unit_write(d, "src/utils/x.ts", "");
    unit_write(d, "src/exact.js", "");
    unit_write(d, "node_modules/other-lib/index.js", "");
    unit_write(d, "node_modules/other-lib/sub.js", "");
    unit_write(d, "node_modules/lib/index.js", "");
    unit_write(d, "node_modules/@scope/pkg/index.js", "");
    unit_write(d, "shims/fs.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    cfg_alias(&cfg, "@", "./src");
    cfg_alias(&cfg, "lib", "other-lib");
    cfg_alias(&cfg, "exact$", "./src/exact.js");
    cfg_alias(&cfg, "fs", "./shims/fs.js");
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "@/utils/x", "src/deep/a.js", IMP), "src/utils/x.ts");
    CHECK_STR(res(r, d, "@", "src/deep/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "@scope/pkg", "src/a.js", IMP), "node_modules/@scope/pkg/index.js");
    CHECK_STR(res(r, d, "lib", "src/a.js", IMP), "node_modules/other-lib/index.js");
    CHECK_STR(res(r, d, "lib/sub", "src/a.js", IMP), "node_modules/other-lib/sub.js");
    CHECK_STR(res(r, d, "library", "src/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "exact", "src/a.js", IMP), "src/exact.js");
    CHECK_STR(res(r, d, "exact/x", "src/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "fs", "src/a.js", IMP), "shims/fs.js");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_tsconfig_paths) {
    const char *d = unit_tmpdir();
    unit_write(d, "tsconfig.json",
               "// the app's tsconfig\n"
               "{\n"
               "  /* block comment with \"quotes\" */\n"
               "  \"compilerOptions\": {\n"
               "    \"baseUrl\": \".\", // trailing comment\n"
               "    \"paths\": {\n"
               "      \"@app/*\": [\"src/app/*\", \"src/fallback/*\"],\n"
               "      \"@app/special\": [\"src/special.ts\"],\n"
               "      \"config\": [\"src/config/index.ts\",],\n"
               "      \"http://x/*\": [\"src/url/*\"], /* \"//\" in a string is no comment */\n"
               "    },\n"
               "  },\n"
               "}\n");
    unit_write(d, "src/app/x.ts", "");
    unit_write(d, "src/fallback/y.tsx", "");
    unit_write(d, "src/special.ts", "");
    unit_write(d, "src/config/index.ts", "");
    unit_write(d, "src/url/u.ts", "");
    unit_write(d, "src/lib/z.ts", "");
    unit_write(d, "node_modules/react/index.js", "");
    /* A package with its own tsconfig that extends a shared base. */
    unit_write(d, "tsconfig.base.json",
               "{\"compilerOptions\": {\"baseUrl\": \"./shared\", \"paths\": {\"@base/*\": [\"*\"]}}}");
    unit_write(d, "shared/q.ts", "");
    unit_write(d, "packages/p/tsconfig.json", "{ \"extends\": \"../../tsconfig.base\", }");
    unit_write(d, "packages/p/src/a.ts", "");
    /* paths without baseUrl are relative to the declaring tsconfig. */
    unit_write(d, "packages/q/tsconfig.json",
               "{\"compilerOptions\": {\"paths\": {\"~/*\": [\"./src/*\"]}}}");
    unit_write(d, "packages/q/src/m.ts", "");
    /* jsconfig.json works the same way. */
    unit_write(d, "packages/js/jsconfig.json",
               "{\"compilerOptions\": {\"baseUrl\": \"lib\"}}");
    unit_write(d, "packages/js/lib/helpers.js", "");
    /* A broken tsconfig is ignored. */
    unit_write(d, "packages/broken/tsconfig.json", "{ this is not json");
    unit_write(d, "packages/broken/node_modules/k/index.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    const char *f = "src/index.ts";
    CHECK_STR(res(r, d, "@app/x", f, IMP), "src/app/x.ts");
    CHECK_STR(res(r, d, "@app/y", f, IMP), "src/fallback/y.tsx");
    CHECK_STR(res(r, d, "@app/special", f, IMP), "src/special.ts");
    CHECK_STR(res(r, d, "config", f, IMP), "src/config/index.ts");
    CHECK_STR(res(r, d, "http://x/u", f, IMP), "src/url/u.ts");
    CHECK_STR(res(r, d, "src/lib/z", f, IMP), "src/lib/z.ts"); /* baseUrl */
    CHECK_STR(res(r, d, "react", f, IMP), "node_modules/react/index.js");
    CHECK_STR(res(r, d, "@app/none", f, IMP), "not-found");
    CHECK_STR(res(r, d, "@base/q", "packages/p/src/a.ts", IMP), "shared/q.ts");
    CHECK_STR(res(r, d, "~/m", "packages/q/src/x.ts", IMP), "packages/q/src/m.ts");
    CHECK_STR(res(r, d, "helpers", "packages/js/src/a.js", IMP), "packages/js/lib/helpers.js");
    CHECK_STR(res(r, d, "k", "packages/broken/a.ts", IMP), "packages/broken/node_modules/k/index.js");
    /* Dependencies do not see the project's paths. */
    CHECK_STR(res(r, d, "config", "node_modules/react/index.js", IMP), "not-found");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_pnpm_symlinks) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/.pnpm/foo@1.0.0/node_modules/foo/package.json",
               "{\"name\":\"foo\",\"version\":\"1.0.0\",\"main\":\"index.js\"}");
    unit_write(d, "node_modules/.pnpm/foo@1.0.0/node_modules/foo/index.js", "");
    unit_write(d, "node_modules/.pnpm/bar@2.0.0/node_modules/bar/package.json",
               "{\"name\":\"bar\",\"version\":\"2.0.0\"}");
    unit_write(d, "node_modules/.pnpm/bar@2.0.0/node_modules/bar/index.js", "");
    unit_symlink(d, "node_modules/.pnpm/foo@1.0.0/node_modules/bar", "../../bar@2.0.0/node_modules/bar");
    unit_symlink(d, "node_modules/foo", ".pnpm/foo@1.0.0/node_modules/foo");
    unit_write(d, "src/real.js", "");
    unit_symlink(d, "src/link.js", "real.js");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    const char *foo = "node_modules/.pnpm/foo@1.0.0/node_modules/foo/index.js";
    CHECK_STR(res(r, d, "foo", "src/a.js", IMP), foo);
    CHECK_STR(res(r, d, "foo/index.js", "src/a.js", IMP), foo);
    /* bar is only visible from foo's real location. */
    CHECK_STR(res(r, d, "bar", foo, IMP), "node_modules/.pnpm/bar@2.0.0/node_modules/bar/index.js");
    CHECK_STR(res(r, d, "bar", "src/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "./link", "src/a.js", IMP), "src/real.js");

    char path[PATH_MAX];
    const char *name = NULL, *version = NULL;
    snprintf(path, sizeof path, "%s/%s", d, foo);
    CHECK(mf_resolver_package_of(r, path, &name, &version));
    CHECK_STR(name, "foo");
    CHECK_STR(version, "1.0.0");
    snprintf(path, sizeof path, "%s/node_modules/.pnpm/bar@2.0.0/node_modules/bar/index.js", d);
    CHECK(mf_resolver_package_of(r, path, &name, &version));
    CHECK_STR(name, "bar");
    CHECK_STR(version, "2.0.0");
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_builtins) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/events/package.json", "{\"name\":\"events\",\"main\":\"./events.js\"}");
    unit_write(d, "node_modules/events/events.js", "");
    MfConfig web, node;
    cfg_init(&web, d, MF_TARGET_WEB);
    cfg_init(&node, d, MF_TARGET_NODE);
    MfResolver *rw = mf_resolver_new(&web), *rn = mf_resolver_new(&node);
    const char *f = "src/a.js";
    CHECK_STR(res(rw, d, "fs", f, IMP), "builtin");
    CHECK_STR(res(rw, d, "node:fs", f, IMP), "builtin");
    CHECK_STR(res(rw, d, "fs/promises", f, IMP), "builtin");
    CHECK_STR(res(rn, d, "path", f, REQ), "builtin");
    CHECK_STR(res(rn, d, "node:test", f, IMP), "builtin");
    CHECK_STR(res(rn, d, "test", f, IMP), "not-found");
    CHECK_STR(res(rn, d, "node:nope", f, IMP), "not-found");
    /* A polyfill package wins on web; Node's own module on node. */
    CHECK_STR(res(rw, d, "events", f, IMP), "node_modules/events/events.js");
    CHECK_STR(res(rn, d, "events", f, IMP), "builtin");
    CHECK_STR(res(rw, d, "node:events", f, IMP), "builtin");
    mf_resolver_free(rw);
    mf_resolver_free(rn);
    cfg_done(&web);
    cfg_done(&node);
}

TEST(resolve_scoped_packages) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/@scope/pkg/package.json",
               "{\"name\":\"@scope/pkg\",\"version\":\"3.1.4\",\"main\":\"lib/main.js\"}");
    unit_write(d, "node_modules/@scope/pkg/lib/main.js", "");
    unit_write(d, "node_modules/@scope/pkg/sub.js", "");
    unit_write(d, "node_modules/@scope/pkg/dir/index.ts", "");
    unit_write(d, "node_modules/@scope/pkg/dist/esm/package.json", "{\"type\":\"module\"}");
    unit_write(d, "node_modules/@scope/pkg/dist/esm/x.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "@scope/pkg", "src/a.js", IMP), "node_modules/@scope/pkg/lib/main.js");
    CHECK_STR(res(r, d, "@scope/pkg/sub", "src/a.js", IMP), "node_modules/@scope/pkg/sub.js");
    CHECK_STR(res(r, d, "@scope/pkg/dir", "src/a.js", IMP), "node_modules/@scope/pkg/dir/index.ts");
    CHECK_STR(res(r, d, "@scope", "src/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "@scope/", "src/a.js", IMP), "not-found");

    char path[PATH_MAX];
    const char *name = NULL, *version = NULL;
    snprintf(path, sizeof path, "%s/node_modules/@scope/pkg/dist/esm/x.js", d);
    CHECK(mf_resolver_package_of(r, path, &name, &version));
    CHECK_STR(name, "@scope/pkg");
    CHECK_STR(version, "3.1.4");
    name = version = NULL;
    CHECK(mf_resolver_package_of(r, path, &name, &version)); /* cached */
    CHECK_STR(name, "@scope/pkg");
    snprintf(path, sizeof path, "%s/src/a.js", d);
    CHECK(!mf_resolver_package_of(r, path, &name, &version));
    CHECK(name == NULL);
    mf_resolver_free(r);
    cfg_done(&cfg);
}

TEST(resolve_malformed_package_json) {
    const char *d = unit_tmpdir();
    unit_write(d, "node_modules/bad/package.json", "{ \"main\": ");
    unit_write(d, "node_modules/bad/index.js", "");
    unit_write(d, "node_modules/arr/package.json", "[1, 2, 3]");
    unit_write(d, "node_modules/arr/index.js", "");
    unit_write(d, "node_modules/types/package.json",
               "{\"main\": 5, \"module\": null, \"browser\": [1], \"imports\": \"x\"}");
    unit_write(d, "node_modules/types/index.js", "");
    unit_write(d, "node_modules/weird/package.json",
               "{\"exports\": {\".\": {\"import\": [null, 7, {\"x\": 1}]}, \"./y\": \"no-dot.js\"}}");
    unit_write(d, "node_modules/weird/no-dot.js", "");
    unit_write(d, "node_modules/empty/package.json", "");
    unit_write(d, "node_modules/empty/index.js", "");
    MfConfig cfg;
    cfg_init(&cfg, d, MF_TARGET_WEB);
    MfResolver *r = mf_resolver_new(&cfg);
    CHECK_STR(res(r, d, "bad", "src/a.js", IMP), "node_modules/bad/index.js");
    CHECK_STR(res(r, d, "arr", "src/a.js", IMP), "node_modules/arr/index.js");
    CHECK_STR(res(r, d, "types", "src/a.js", IMP), "node_modules/types/index.js");
    CHECK_STR(res(r, d, "#x", "node_modules/types/index.js", IMP), "not-found");
    CHECK_STR(res(r, d, "./index", "node_modules/types/a.js", IMP), "node_modules/types/index.js");
    CHECK_STR(res(r, d, "weird", "src/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "weird/y", "src/a.js", IMP), "not-found");
    CHECK_STR(res(r, d, "empty", "src/a.js", IMP), "node_modules/empty/index.js");
    mf_resolver_free(r);
    cfg_done(&cfg);
}
