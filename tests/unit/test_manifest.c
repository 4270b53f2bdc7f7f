/*
 * test_manifest.c — the C side of Module Federation (docs/output-format.md
 * section 4) on small federated projects built through the library phases:
 * share keys and consume points (scan), special ids (link), fallback,
 * container and runtime-module chunks (chunk), the federation config in
 * entry chunks and remoteEntry.js (emit), and mf-manifest.json /
 * mf-stats.json (manifest.c), read back with cJSON and checked against the
 * files written to dist/.  When the mfbuild binary sits next to this test
 * binary, `build --json` is also checked for the output kinds.
 */
#include "mfbuild.h"
#include "unit.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Fed {
    MfConfig *cfg;
    MfGraph *g;
    MfLink *link;
    MfChunks *ch;
    MfEmit *em;
    MfLog log;
} Fed;

static bool fed_build(Fed *b, const char *dir, int threads) {
    memset(b, 0, sizeof *b);
    char path[4096];
    snprintf(path, sizeof path, "%s/mfbuild.json", dir);
    MfConfigArgs a = {.config_path = path, .port = -1, .default_mode = MF_MODE_PRODUCTION};
    b->cfg = mf_config_load(&a, &b->log);
    if (!b->cfg) return false;
    b->cfg->threads = threads;
    b->g = mf_scan(b->cfg, &b->log);
    if (b->log.errors) return false;
    b->link = mf_link(b->g, b->cfg);
    b->ch = mf_chunk(b->g, b->cfg);
    b->em = mf_emit(b->g, b->cfg, b->link, b->ch, &b->log);
    return b->log.errors == 0;
}

static void fed_free(Fed *b) {
    mf_emit_free(b->em);
    mf_chunks_free(b->ch);
    mf_link_free(b->link);
    mf_graph_free(b->g);
    mf_config_free(b->cfg);
    mf_log_free(&b->log);
}

static void print_log(Fed *b) {
    for (uint32_t i = 0; i < b->log.diags.len; i++)
        fprintf(stderr, "    diag: %s: %s\n", b->log.diags.items[i].file ? b->log.diags.items[i].file : "-",
                b->log.diags.items[i].text);
}

static uint32_t module_named(const Fed *b, const char *id) {
    for (uint32_t i = 0; i < b->g->modules.len; i++)
        if (strcmp(b->link->ids[i], id) == 0) return i;
    return MF_NONE;
}

static const MfChunk *chunk_named(const Fed *b, const char *name) {
    for (uint32_t i = 0; i < b->ch->items.len; i++)
        if (strcmp(b->ch->items.items[i].name, name) == 0) return &b->ch->items.items[i];
    return NULL;
}

static bool chunk_has(const MfChunk *c, uint32_t m) {
    for (uint32_t i = 0; c && i < c->modules.len; i++)
        if (c->modules.items[i] == m) return true;
    return false;
}

static const MfOutFile *output(const Fed *b, MfOutKind kind, const char *name) {
    for (uint32_t i = 0; i < b->em->files.len; i++)
        if (b->em->files.items[i].kind == kind && strcmp(b->em->files.items[i].name, name) == 0)
            return &b->em->files.items[i];
    return NULL;
}

static char *text_of(const MfOutFile *f) {
    return f ? mf_xstrndup(f->data, f->len) : mf_xstrdup("");
}

static bool file_exists(const char *dir, const char *rel) {
    char *p = mf_xasprintf("%s/%s", dir, rel);
    struct stat st;
    bool r = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return r;
}

static char *read_text(const char *dir, const char *rel) {
    char *p = mf_xasprintf("%s/%s", dir, rel), *text = NULL;
    size_t len;
    if (mf_file_read(p, &text, &len) != 0) text = NULL;
    free(p);
    return text;
}

/* A host and container in one: an entry, two exposes (one is "."), a
 * remote, react shared with a local copy, a package shared with
 * import: false, a runtime plugin, the runtime API and a lazy chunk. */
static const char *shop_project(const char *extra_shared) {
    const char *dir = unit_tmpdir();
    char cfg[2048];
    snprintf(cfg, sizeof cfg,
             "{ \"name\": \"shop\", \"entry\": \"./src/index.js\",\n"
             "  \"exposes\": { \"./Button\": \"./src/Button.js\", \".\": \"./src/root.js\" },\n"
             "  \"remotes\": { \"cat\": \"cat@http://127.0.0.1:9/mf-manifest.json\" },\n"
             "  \"shared\": { \"react\": { \"singleton\": true }, \"ext-lib\": { \"import\": false }%s },\n"
             "  \"runtimePlugins\": [\"./src/plugin.js\"] }\n",
             extra_shared ? extra_shared : "");
    unit_write(dir, "mfbuild.json", cfg);
    unit_write(dir, "package.json",
               "{ \"name\": \"shop-app\", \"version\": \"2.0.0\", \"dependencies\": { \"react\": \"^18.0.0\" } }");
    unit_write(dir, "node_modules/react/package.json", "{ \"name\": \"react\", \"version\": \"18.2.0\", \"main\": \"index.js\" }");
    unit_write(dir, "node_modules/react/index.js", "module.exports = require('./cjs/react.js');\n");
    unit_write(dir, "node_modules/react/cjs/react.js", "exports.createElement = function () { return 'REACT_MODULE'; };\n");
    unit_write(dir, "src/index.js",
               "import React from 'react';\nimport Banner from 'cat/Banner';\nimport { loadRemote } from 'mfbuild/runtime';\n"
               "import lib from 'ext-lib';\nimport('./lazy');\nconsole.log(React, Banner, loadRemote, lib);\n");
    unit_write(dir, "src/lazy.js", "import React from 'react';\nexport const lazy = React;\n");
    unit_write(dir, "src/Button.js", "import React from 'react';\nimport './button.css';\nexport default function Button() { return React; }\n");
    unit_write(dir, "src/button.css", ".button { color: red; }\n");
    unit_write(dir, "src/root.js", "export const root = 1;\n");
    unit_write(dir, "src/plugin.js", "import { helper } from './plugin-helper.js';\nexport default { name: 'p', helper };\n");
    unit_write(dir, "src/plugin-helper.js", "export const helper = 'PLUGIN_HELPER';\n");
    return dir;
}

TEST(federation_scan_share_keys_and_refs) {
    const char *dir = shop_project(NULL);
    Fed b;
    bool ok = fed_build(&b, dir, 2);
    if (!ok) print_log(&b);
    REQUIRE(ok);
    /* Share keys in config order; import: false has no fallback. */
    REQUIRE(b.g->share_keys.len == 2);
    CHECK_STR(b.g->share_keys.items[0].key, "react");
    CHECK_STR(b.link->ids[b.g->share_keys.items[0].fallback], "node_modules/react/index.js");
    CHECK_STR(b.g->share_keys.items[1].key, "ext-lib");
    CHECK(b.g->share_keys.items[1].fallback == MF_NONE);
    /* The runtime API is a virtual module: no module, no error. */
    CHECK_INT(b.g->runtime_refs.len, 1);
    CHECK(module_named(&b, "mfbuild/runtime") == MF_NONE);
    REQUIRE(b.g->plugin_modules.len == 1);
    CHECK_STR(b.link->ids[b.g->plugin_modules.items[0]], "src/plugin.js");
    /* Every shared import of the app is a consume point. */
    for (uint32_t i = 0; i < b.g->shared_refs.len; i++) CHECK(b.g->shared_refs.items[i].consume);
    /* Versions of packages are kept for the stats. */
    uint32_t react = module_named(&b, "node_modules/react/index.js");
    REQUIRE(react != MF_NONE);
    CHECK_STR(b.g->modules.items[react]->package_version, "18.2.0");
    fed_free(&b);
}

TEST(federation_placeholders) {
    const char *dir = shop_project(NULL);
    Fed b;
    REQUIRE(fed_build(&b, dir, 1));
    char *main = text_of(output(&b, MF_OUT_ENTRY, "main"));
    CHECK(strstr(main, "__mf.i(\"mf-shared/react\")") != NULL);
    CHECK(strstr(main, "__mf.i(\"mf-shared/ext-lib\")") != NULL);
    CHECK(strstr(main, "__mf.i(\"mf-remote/cat/Banner\")") != NULL);
    CHECK(strstr(main, "__mf.i(\"mfbuild/runtime\")") != NULL);
    CHECK(strstr(main, "node_modules/react/index.js\")") == NULL); /* never imported directly */
    free(main);
    fed_free(&b);
}

TEST(federation_chunks) {
    const char *dir = shop_project(NULL);
    Fed b;
    REQUIRE(fed_build(&b, dir, 2));
    const MfChunk *main = chunk_named(&b, "main"), *shared = chunk_named(&b, "shared-react");
    const MfChunk *button = chunk_named(&b, "Button"), *container = chunk_named(&b, "remoteEntry");
    const MfChunk *lazy = chunk_named(&b, "lazy");
    REQUIRE(main && shared && button && container && lazy);
    CHECK_INT(shared->kind, MF_CHUNK_SHARED);
    CHECK_INT(container->kind, MF_CHUNK_CONTAINER);
    CHECK(b.ch->container == (uint32_t)(container - b.ch->items.items));
    /* react's modules are only in its fallback chunk. */
    uint32_t react = module_named(&b, "node_modules/react/index.js");
    uint32_t react_cjs = module_named(&b, "node_modules/react/cjs/react.js");
    CHECK(chunk_has(shared, react) && chunk_has(shared, react_cjs));
    for (uint32_t k = 0; k < b.ch->items.len; k++) {
        const MfChunk *c = &b.ch->items.items[k];
        if (c != shared) CHECK(!chunk_has(c, react) && !chunk_has(c, react_cjs));
    }
    CHECK(b.ch->shared_of[0] == (uint32_t)(shared - b.ch->items.items));
    CHECK(b.ch->shared_of[1] == MF_NONE);
    /* The plugin and what it imports: in the entry and the container only. */
    uint32_t plugin = module_named(&b, "src/plugin.js"), helper = module_named(&b, "src/plugin-helper.js");
    CHECK(chunk_has(main, plugin) && chunk_has(main, helper));
    CHECK(chunk_has(container, plugin) && chunk_has(container, helper));
    CHECK(!chunk_has(button, plugin) && !chunk_has(shared, plugin));
    /* consumes / remote_refs per chunk. */
    REQUIRE(main->consumes.len == 2);
    CHECK_INT(main->consumes.items[0], 0);
    CHECK_INT(main->consumes.items[1], 1);
    REQUIRE(main->remote_refs.len == 1);
    CHECK_STR(main->remote_refs.items[0], "cat/Banner");
    CHECK_INT(button->consumes.len, 1);
    CHECK_INT(lazy->consumes.len, 1);
    CHECK_INT(shared->consumes.len, 0);
    fed_free(&b);
}

TEST(federation_entry_and_container) {
    const char *dir = shop_project(NULL);
    Fed b;
    REQUIRE(fed_build(&b, dir, 2));
    const MfOutFile *entry = output(&b, MF_OUT_ENTRY, "main");
    const MfOutFile *container = output(&b, MF_OUT_CONTAINER, "remoteEntry.js");
    const MfOutFile *shared = output(&b, MF_OUT_CHUNK, "shared-react");
    REQUIRE(entry && container && shared);
    CHECK_STR(container->path, "remoteEntry.js");
    char *main = text_of(entry), *re = text_of(container);
    /* Entry: core, then federation with the same config, then start. */
    CHECK(strncmp(main, "(function () {\nvar config = {\"name\":\"shop\"", 40) == 0);
    CHECK(strstr(main, "\n)(config);\n(") != NULL);
    CHECK(strstr(main, "\n)(__mf, config.federation);\n__mf.register({\n") != NULL);
    CHECK(strstr(main, "__mf.start(\"src/index.js\");") != NULL);
    CHECK(strstr(main, "\"entryChunk\":\"main\"") != NULL);
    CHECK(strstr(main, "\"shareStrategy\":\"version-first\"") != NULL);
    CHECK(strstr(main, "\"react\":{\"version\":\"18.2.0\",\"scope\":\"default\",\"singleton\":true,\"eager\":false,"
                       "\"requiredVersion\":\"^18.0.0\",\"range\":[[\">=18.0.0\",\"<19.0.0-0\"]],\"strictVersion\":false,"
                       "\"fallback\":\"node_modules/react/index.js\",\"chunks\":[\"shared-react\"]}") != NULL);
    CHECK(strstr(main, "\"ext-lib\":{\"version\":\"0\",\"scope\":\"default\",\"singleton\":false,\"eager\":false,"
                       "\"requiredVersion\":false,\"range\":false,\"strictVersion\":false,\"fallback\":null,\"chunks\":[]}") != NULL);
    CHECK(strstr(main, "\"remotes\":{\"cat\":{\"name\":\"cat\",\"entry\":\"http://127.0.0.1:9/mf-manifest.json\"}}") != NULL);
    CHECK(strstr(main, "\"remoteRefs\":{\"main\":[\"mf-remote/cat/Banner\"]}") != NULL);
    CHECK(strstr(main, "\"plugins\":[\"src/plugin.js\"]") != NULL);
    CHECK(strstr(main, "\"exposes\":{}") != NULL);
    /* The entry's chunk map names the hashed fallback file. */
    char want[256];
    snprintf(want, sizeof want, "\"shared-react\":[\"%s\"]", shared->path);
    CHECK(strstr(main, want) != NULL);

    /* Container: a classic script assigning the container, no entry run. */
    CHECK(strncmp(re, "var shop = (function () {\nvar config = ", 39) == 0);
    CHECK(strstr(re, "return __mf.container;\n})();\n") != NULL);
    CHECK(strstr(re, "__mf.start(") == NULL);
    CHECK(strstr(re, want) != NULL); /* hashed names, like an entry */
    CHECK(strstr(re, "\"./Button\":{\"id\":\"src/Button.js\",\"chunks\":[\"Button\"]}") != NULL);
    CHECK(strstr(re, "\".\":{\"id\":\"src/root.js\",\"chunks\":[\"index\"]}") != NULL);
    CHECK(strstr(re, "\"asyncDeps\":{\"src/Button.js\":[\"Button\"],\"src/root.js\":[\"index\"]}") != NULL);
    CHECK(strstr(re, "PLUGIN_HELPER") != NULL);
    CHECK(strstr(re, "REACT_MODULE") == NULL);
    CHECK(strstr(main, "REACT_MODULE") == NULL);
    /* Remotes, plugins and the runtime API: the whole federation runtime. */
    CHECK(strstr(main, mf_runtime_federation_js) != NULL);
    CHECK(strstr(re, mf_runtime_federation_js) != NULL);
    free(main);
    free(re);
    fed_free(&b);
}

/* A container that cannot load remotes (no remotes, runtimePlugins or
 * mfbuild/runtime) ships the federation runtime without that code, and a
 * config without what only that code reads (output-format.md 4.2). */
TEST(federation_without_remotes_ships_the_smaller_runtime) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json",
               "{ \"name\": \"lib\", \"entry\": \"./src/index.js\", \"exposes\": { \"./Button\": \"./src/Button.js\" },\n"
               "  \"shared\": { \"react\": { \"singleton\": true, \"requiredVersion\": \"~18.2.0\" } } }\n");
    unit_write(dir, "node_modules/react/package.json", "{ \"name\": \"react\", \"version\": \"18.2.0\" }");
    unit_write(dir, "node_modules/react/index.js", "module.exports = {};\n");
    unit_write(dir, "src/index.js", "import React from 'react';\nconsole.log(React);\n");
    unit_write(dir, "src/Button.js", "import React from 'react';\nexport default React;\n");
    Fed b;
    bool ok = fed_build(&b, dir, 1);
    if (!ok) print_log(&b);
    REQUIRE(ok);
    const MfOutFile *entry = output(&b, MF_OUT_ENTRY, "main");
    const MfOutFile *container = output(&b, MF_OUT_CONTAINER, "remoteEntry.js");
    REQUIRE(entry && container);
    char *main = text_of(entry), *re = text_of(container);
    CHECK(mf_runtime_federation_noremotes_js_len < mf_runtime_federation_js_len / 2);
    for (int i = 0; i < 2; i++) {
        const char *t = i ? re : main;
        CHECK(strstr(t, mf_runtime_federation_noremotes_js) != NULL);
        CHECK(strstr(t, mf_runtime_federation_js) == NULL);
        CHECK(strstr(t, "\"range\":[[\">=18.2.0\",\"<18.3.0-0\"]]") != NULL);
        CHECK(strstr(t, "\"remotes\"") == NULL && strstr(t, "\"remoteRefs\"") == NULL);
        CHECK(strstr(t, "\"plugins\"") == NULL && strstr(t, "\"retry\"") == NULL);
        CHECK(strstr(t, "\"exposes\":{") != NULL && strstr(t, "\"entryChunk\":") != NULL);
    }
    free(main);
    free(re);
    fed_free(&b);
}

/* Checks one assets object: every listed file is an output and exists in
 * dist/; returns the number of JS sync files. */
static int check_assets(const cJSON *assets, const char *dist) {
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(assets, "js");
    const cJSON *css = cJSON_GetObjectItemCaseSensitive(assets, "css");
    CHECK(cJSON_IsObject(js) && cJSON_IsObject(css));
    const cJSON *kinds[] = {js, css};
    int n_js = 0;
    for (int k = 0; k < 2; k++) {
        const cJSON *sync = cJSON_GetObjectItemCaseSensitive(kinds[k], "sync");
        const cJSON *async = cJSON_GetObjectItemCaseSensitive(kinds[k], "async");
        CHECK(cJSON_IsArray(sync) && cJSON_IsArray(async));
        const cJSON *f;
        cJSON_ArrayForEach(f, sync) {
            CHECK(cJSON_IsString(f) && file_exists(dist, f->valuestring));
            if (k == 0) n_js++;
        }
    }
    return n_js;
}

static const cJSON *get(const cJSON *o, const char *k) {
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k) {
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

TEST(federation_manifest_and_stats) {
    const char *dir = shop_project(NULL);
    Fed b;
    REQUIRE(fed_build(&b, dir, 2));
    char dist[4096];
    snprintf(dist, sizeof dist, "%s/dist", dir);
    REQUIRE(mf_emit_write(b.em, dist, &b.log));
    CHECK(output(&b, MF_OUT_MANIFEST, "mf-manifest.json") != NULL);
    CHECK(output(&b, MF_OUT_STATS, "mf-stats.json") != NULL);
    CHECK(file_exists(dist, "mf-manifest.json.gz") && file_exists(dist, "remoteEntry.js.gz"));
    char *head = read_text(dist, "remoteEntry.js");
    REQUIRE(head);
    CHECK(strncmp(head, "var shop", 8) == 0);
    free(head);

    for (int stats = 0; stats < 2; stats++) {
        char *text = read_text(dist, stats ? "mf-stats.json" : "mf-manifest.json");
        REQUIRE(text);
        cJSON *m = cJSON_Parse(text);
        free(text);
        REQUIRE(m);
        CHECK_STR(str(m, "id"), "shop");
        CHECK_STR(str(m, "name"), "shop");
        const cJSON *md = get(m, "metaData");
        CHECK_STR(str(md, "name"), "shop");
        CHECK_STR(str(md, "type"), "app");
        CHECK_STR(str(get(md, "buildInfo"), "buildVersion"), "2.0.0");
        CHECK_STR(str(get(md, "buildInfo"), "buildName"), "shop-app");
        CHECK_STR(str(get(md, "remoteEntry"), "name"), "remoteEntry.js");
        CHECK_STR(str(get(md, "remoteEntry"), "path"), "");
        CHECK_STR(str(get(md, "remoteEntry"), "type"), "global");
        for (const char *const *k = (const char *const[]){"path", "name", "zip", "api", NULL}; *k; k++)
            CHECK_STR(str(get(md, "types"), *k), "");
        CHECK_STR(str(md, "globalName"), "shop");
        CHECK_STR(str(md, "pluginVersion"), "mfbuild-" MF_VERSION);
        CHECK_STR(str(md, "publicPath"), "auto");

        const cJSON *shared = get(m, "shared");
        REQUIRE(cJSON_IsArray(shared) && cJSON_GetArraySize(shared) == 2);
        const cJSON *react = cJSON_GetArrayItem(shared, 0);
        CHECK_STR(str(react, "id"), "shop:react");
        CHECK_STR(str(react, "name"), "react");
        CHECK_STR(str(react, "version"), "18.2.0");
        CHECK(cJSON_IsTrue(get(react, "singleton")));
        CHECK_STR(str(react, "requiredVersion"), "^18.0.0");
        CHECK_INT(check_assets(get(react, "assets"), dist), 1);
        const cJSON *sync = get(get(get(react, "assets"), "js"), "sync");
        CHECK_STR(cJSON_GetArrayItem(sync, 0)->valuestring, output(&b, MF_OUT_CHUNK, "shared-react")->path);
        const cJSON *ext = cJSON_GetArrayItem(shared, 1);
        CHECK_STR(str(ext, "name"), "ext-lib");
        CHECK_INT(check_assets(get(ext, "assets"), dist), 0);

        const cJSON *remotes = get(m, "remotes");
        REQUIRE(cJSON_IsArray(remotes) && cJSON_GetArraySize(remotes) == 1);
        const cJSON *r = cJSON_GetArrayItem(remotes, 0);
        CHECK_STR(str(r, "federationContainerName"), "cat");
        CHECK_STR(str(r, "moduleName"), "Banner");
        CHECK_STR(str(r, "alias"), "cat");
        CHECK_STR(str(r, "entry"), "http://127.0.0.1:9/mf-manifest.json");

        const cJSON *exposes = get(m, "exposes");
        REQUIRE(cJSON_IsArray(exposes) && cJSON_GetArraySize(exposes) == 2);
        const cJSON *button = cJSON_GetArrayItem(exposes, 0), *root = cJSON_GetArrayItem(exposes, 1);
        CHECK_STR(str(button, "id"), "shop:Button");
        CHECK_STR(str(button, "name"), "Button");
        CHECK_STR(str(button, "path"), "./Button");
        CHECK_INT(check_assets(get(button, "assets"), dist), 1);
        CHECK_INT(cJSON_GetArraySize(get(get(get(button, "assets"), "css"), "sync")), 1);
        CHECK_STR(str(root, "id"), "shop:.");
        CHECK_STR(str(root, "name"), ".");
        CHECK_STR(str(root, "path"), ".");
        check_assets(get(root, "assets"), dist);

        if (!stats) {
            CHECK(get(m, "packages") == NULL);
            CHECK(get(react, "eager") == NULL);
        } else {
            CHECK_STR(str(react, "shareScope"), "default");
            CHECK(cJSON_IsFalse(get(react, "eager")));
            CHECK(cJSON_IsFalse(get(react, "strictVersion")));
            CHECK_STR(str(react, "fallback"), "node_modules/react/index.js");
            const cJSON *used = get(react, "usedIn");
            CHECK(cJSON_GetArraySize(used) == 1 && strcmp(cJSON_GetArrayItem(used, 0)->valuestring, "Button") == 0);
            CHECK_STR(str(r, "consumingFederationContainerName"), "shop");
            const cJSON *r_used = get(r, "usedIn");
            CHECK(cJSON_GetArraySize(r_used) == 1 && strcmp(cJSON_GetArrayItem(r_used, 0)->valuestring, "src/index.js") == 0);
            CHECK_STR(str(button, "file"), "src/Button.js");
            const cJSON *req = get(button, "requires");
            CHECK(cJSON_GetArraySize(req) == 1 && strcmp(cJSON_GetArrayItem(req, 0)->valuestring, "react") == 0);
            const cJSON *pkgs = get(m, "packages");
            REQUIRE(cJSON_IsArray(pkgs) && cJSON_GetArraySize(pkgs) == 1);
            const cJSON *p = cJSON_GetArrayItem(pkgs, 0);
            CHECK_STR(str(p, "name"), "react");
            CHECK_STR(str(p, "version"), "18.2.0");
            uint32_t a = module_named(&b, "node_modules/react/index.js"), c = module_named(&b, "node_modules/react/cjs/react.js");
            CHECK_INT(get(p, "bytes")->valuedouble, b.g->modules.items[a]->size + b.g->modules.items[c]->size);
            CHECK(cJSON_IsTrue(get(p, "shared")));
        }
        cJSON_Delete(m);
    }
    fed_free(&b);
}

static char *snapshot(const Fed *b) {
    MfBuf s = {0};
    for (uint32_t i = 0; i < b->em->files.len; i++) {
        const MfOutFile *f = &b->em->files.items[i];
        mf_buf_printf(&s, "== %s %s\n", mf_out_kind_name(f->kind), f->path);
        mf_buf_append(&s, f->data, f->len);
    }
    return mf_buf_steal(&s);
}

TEST(federation_deterministic_for_any_thread_count) {
    const char *dir = shop_project(NULL);
    char *first = NULL;
    int threads[] = {1, 4, 2};
    for (int i = 0; i < 3; i++) {
        Fed b;
        REQUIRE(fed_build(&b, dir, threads[i]));
        char *s = snapshot(&b);
        if (!first) first = s;
        else {
            CHECK(strcmp(s, first) == 0);
            free(s);
        }
        fed_free(&b);
    }
    free(first);
}

TEST(federation_eager_fallback_is_a_runtime_module) {
    const char *dir = shop_project(NULL);
    unit_write(dir, "mfbuild.json",
               "{ \"name\": \"shop\", \"entry\": \"./src/index.js\", \"exposes\": { \"./Button\": \"./src/Button.js\" },\n"
               "  \"shared\": { \"react\": { \"singleton\": true, \"eager\": true } } }\n");
    unit_write(dir, "src/index.js", "import React from 'react';\nconsole.log(React);\n");
    Fed b;
    REQUIRE(fed_build(&b, dir, 1));
    CHECK(chunk_named(&b, "shared-react") == NULL);
    uint32_t react = module_named(&b, "node_modules/react/index.js");
    CHECK(chunk_has(chunk_named(&b, "main"), react));
    CHECK(chunk_has(chunk_named(&b, "remoteEntry"), react));
    CHECK(!chunk_has(chunk_named(&b, "Button"), react));
    char *main = text_of(output(&b, MF_OUT_ENTRY, "main"));
    CHECK(strstr(main, "\"eager\":true") != NULL);
    CHECK(strstr(main, "\"chunks\":[]") != NULL);
    CHECK(strstr(main, "__mf.i(\"mf-shared/react\")") != NULL); /* still negotiated */
    free(main);
    fed_free(&b);
}

TEST(federation_self_import_inside_fallback_is_no_consume_point) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json",
               "{ \"name\": \"host\", \"entry\": \"./index.js\", \"shared\": { \"selfy\": {}, \"react-dom/\": {} } }");
    unit_write(dir, "node_modules/selfy/package.json", "{ \"name\": \"selfy\", \"version\": \"1.0.0\" }");
    unit_write(dir, "node_modules/selfy/index.js", "exports.me = function () { return require('selfy/util'); };\nexports.again = () => require('selfy');\n");
    unit_write(dir, "node_modules/selfy/util.js", "exports.u = 1;\n");
    unit_write(dir, "node_modules/react-dom/package.json", "{ \"name\": \"react-dom\", \"version\": \"18.0.0\" }");
    unit_write(dir, "node_modules/react-dom/client.js", "exports.c = 1;\n");
    unit_write(dir, "index.js", "require('selfy');\nrequire('react-dom/client');\n");
    Fed b;
    bool ok = fed_build(&b, dir, 1);
    if (!ok) print_log(&b);
    REQUIRE(ok);
    /* "react-dom/" has no root of its own: its subpath imported is the key. */
    REQUIRE(b.g->share_keys.len == 2);
    CHECK_STR(b.g->share_keys.items[0].key, "selfy");
    CHECK_STR(b.g->share_keys.items[1].key, "react-dom/client");
    CHECK_STR(b.link->ids[b.g->share_keys.items[1].fallback], "node_modules/react-dom/client.js");
    CHECK(chunk_named(&b, "shared-react_dom_client") != NULL);
    uint32_t self = module_named(&b, "node_modules/selfy/index.js");
    int consumes = 0, internal = 0;
    for (uint32_t i = 0; i < b.g->shared_refs.len; i++) {
        const MfSharedRef *r = &b.g->shared_refs.items[i];
        if (r->from == self) internal += !r->consume;
        else consumes += r->consume;
    }
    CHECK_INT(internal, 1);
    CHECK_INT(consumes, 2);
    const MfChunk *fallback = chunk_named(&b, "shared-selfy");
    REQUIRE(fallback);
    CHECK_INT(fallback->consumes.len, 0); /* it never waits for itself */
    char *text = text_of(output(&b, MF_OUT_CHUNK, "shared-selfy"));
    CHECK(strstr(text, "require(\"node_modules/selfy/index.js\")") != NULL);
    free(text);
    /* A host without exposes: manifest, no container. */
    CHECK(output(&b, MF_OUT_MANIFEST, "mf-manifest.json") != NULL);
    CHECK(b.ch->container == MF_NONE);
    for (uint32_t i = 0; i < b.em->files.len; i++) CHECK(b.em->files.items[i].kind != MF_OUT_CONTAINER);
    char *m = text_of(output(&b, MF_OUT_MANIFEST, "mf-manifest.json"));
    CHECK(strstr(m, "\"remoteEntry\": {\n      \"name\": \"\",") != NULL);
    free(m);
    fed_free(&b);
}

TEST(federation_plain_app_has_no_federation_output) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{ \"name\": \"plain\", \"entry\": \"./index.js\" }");
    unit_write(dir, "index.js", "console.log(1);\n");
    Fed b;
    REQUIRE(fed_build(&b, dir, 1));
    CHECK(!mf_uses_federation(b.cfg));
    for (uint32_t i = 0; i < b.em->files.len; i++) {
        MfOutKind k = b.em->files.items[i].kind;
        CHECK(k != MF_OUT_CONTAINER && k != MF_OUT_MANIFEST && k != MF_OUT_STATS);
    }
    char *main = text_of(output(&b, MF_OUT_ENTRY, "main"));
    CHECK(strstr(main, "federation") == NULL);
    CHECK(strncmp(main, "(function () {\nvar __mf = (", 27) == 0);
    free(main);
    fed_free(&b);
}

TEST(federation_output_kind_names) {
    CHECK_STR(mf_out_kind_name(MF_OUT_CONTAINER), "container");
    CHECK_STR(mf_out_kind_name(MF_OUT_MANIFEST), "manifest");
    CHECK_STR(mf_out_kind_name(MF_OUT_STATS), "stats");
}

/* build --json through the binary next to this one (build/mfbuild beside
 * build/unit-tests); skipped when there is none. */
TEST(federation_build_json_kinds) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = 0;
    char *bin_dir = mf_path_dirname(self);
    char *bin = mf_xasprintf("%s/mfbuild", bin_dir);
    free(bin_dir);
    if (access(bin, X_OK) != 0) {
        free(bin);
        return;
    }
    const char *dir = shop_project(NULL);
    char *cmd = mf_xasprintf("cd '%s' && '%s' build --json > out.json 2> err.txt", dir, bin);
    int rc = system(cmd);
    free(cmd);
    free(bin);
    CHECK_INT(rc, 0);
    char *text = read_text(dir, "out.json");
    REQUIRE(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    REQUIRE(j);
    CHECK(cJSON_IsTrue(get(j, "ok")));
    int container = 0, manifest = 0, stats = 0, shared_chunk = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, get(j, "outputs")) {
        const char *kind = str(o, "kind"), *path = str(o, "path");
        REQUIRE(kind && path);
        if (strcmp(kind, "container") == 0) {
            container++;
            CHECK_STR(path, "dist/remoteEntry.js");
        } else if (strcmp(kind, "manifest") == 0) {
            manifest++;
            CHECK_STR(path, "dist/mf-manifest.json");
        } else if (strcmp(kind, "stats") == 0) {
            stats++;
            CHECK_STR(path, "dist/mf-stats.json");
        }
        if (strcmp(kind, "chunk") == 0 && strncmp(path, "dist/shared-react.", 18) == 0) shared_chunk++;
    }
    CHECK_INT(container, 1);
    CHECK_INT(manifest, 1);
    CHECK_INT(stats, 1);
    CHECK_INT(shared_chunk, 1);
    cJSON_Delete(j);
}
