/*
 * test_incremental.c — the module cache of watch mode (scan.c): after an
 * edit only the edited file is parsed again and the graph shows the edit;
 * an added file joins the graph when imported; a deleted file is an
 * unresolved import (reported, not fatal) and recovers when it comes back;
 * a rename is seen by the importer; an unchanged save (same bytes) reuses
 * the record; a syntax error is reported and the next good save recovers.
 * Each scan's graph must equal what a fresh scan of the same files gives.
 */
#include "mfbuild.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Project {
    const char *dir;
    MfConfig *cfg;
    MfModuleCache *cache;
} Project;

static bool project_open(Project *p) {
    p->dir = unit_tmpdir();
    unit_write(p->dir, "mfbuild.json", "{ \"entry\": \"./src/index.js\" }\n");
    unit_write(p->dir, "src/index.js", "import { a } from './a.js';\nimport b from './b.js';\nconsole.log(a, b);\n");
    unit_write(p->dir, "src/a.js", "export const a = 1;\n");
    unit_write(p->dir, "src/b.js", "import { a } from './a.js';\nexport default a + 1;\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/mfbuild.json", p->dir);
    MfConfigArgs args = {.config_path = path, .port = -1, .default_mode = MF_MODE_DEVELOPMENT};
    MfLog log = {0};
    p->cfg = mf_config_load(&args, &log);
    mf_log_free(&log);
    if (!p->cfg) return false;
    p->cfg->threads = 2;
    p->cache = mf_module_cache_new(p->cfg);
    return true;
}

static void project_close(Project *p) {
    mf_module_cache_free(p->cache);
    mf_config_free(p->cfg);
}

static void touch(Project *p, const char *rel, const char *text) {
    if (text) unit_write(p->dir, rel, text);
    else {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", p->dir, rel);
        unlink(path);
    }
    char *abs = mf_path_join(p->dir, rel);
    mf_module_cache_invalidate(p->cache, abs);
    free(abs);
}

/* The graph as text (`mfbuild graph`), to compare a cached scan with a
 * fresh one. */
static char *graph_text(const MfGraph *g, const MfConfig *cfg) {
    MfBuf b = {0};
    mf_graph_print_text(g, cfg, &b);
    return mf_buf_steal(&b);
}

/* Scans with the cache; checks the graph against a fresh scan and returns
 * the error count. */
static uint32_t rescan(Project *p, MfScanStats *stats) {
    MfLog log = {0}, fresh_log = {0};
    MfGraph *g = mf_scan_cached(p->cache, &log);
    MfGraph *fresh = mf_scan(p->cfg, &fresh_log);
    char *a = graph_text(g, p->cfg), *b = graph_text(fresh, p->cfg);
    CHECK_STR(a, b);
    CHECK_INT(log.errors, fresh_log.errors);
    CHECK_INT(log.warnings, fresh_log.warnings);
    free(a);
    free(b);
    *stats = mf_module_cache_stats(p->cache);
    uint32_t errors = log.errors;
    mf_graph_free(fresh);
    mf_graph_free(g);
    mf_log_free(&log);
    mf_log_free(&fresh_log);
    return errors;
}

static bool graph_has(Project *p, const char *rel) {
    MfLog log = {0};
    MfGraph *g = mf_scan_cached(p->cache, &log);
    char *abs = mf_path_join(p->dir, rel);
    bool found = false;
    for (uint32_t i = 0; i < g->modules.len; i++) found |= strcmp(g->modules.items[i]->path, abs) == 0;
    free(abs);
    mf_graph_free(g);
    mf_log_free(&log);
    return found;
}

TEST(incremental_edit_parses_only_the_edited_file) {
    Project p;
    REQUIRE(project_open(&p));
    MfScanStats st;
    CHECK_INT(rescan(&p, &st), 0);
    CHECK_INT(st.parsed, 3);
    CHECK_INT(st.reused, 0);
    /* Nothing changed: everything reused, resolver kept. */
    CHECK_INT(rescan(&p, &st), 0);
    CHECK_INT(st.parsed, 0);
    CHECK_INT(st.reused, 3);
    CHECK(!st.new_resolver);
    /* An edit: one parse; the new import shows in the graph (rescan compares). */
    touch(&p, "src/b.js", "import { a } from './a.js';\nimport './c.js';\nexport default a + 2;\n");
    touch(&p, "src/c.js", "export const c = 3;\n");
    CHECK_INT(rescan(&p, &st), 0);
    CHECK_INT(st.parsed, 2);
    CHECK_INT(st.reused, 2);
    CHECK(st.new_resolver); /* c.js is new */
    /* Saved with the same bytes: read, hashed, not parsed. */
    touch(&p, "src/a.js", "export const a = 1;\n");
    CHECK_INT(rescan(&p, &st), 0);
    CHECK_INT(st.parsed, 0);
    CHECK_INT(st.reused, 4);
    CHECK(!st.new_resolver);
    project_close(&p);
}

TEST(incremental_delete_reports_and_recovers) {
    Project p;
    REQUIRE(project_open(&p));
    MfScanStats st;
    CHECK_INT(rescan(&p, &st), 0);
    touch(&p, "src/a.js", NULL);
    /* index.js and b.js both import it: two unresolved imports. */
    CHECK_INT(rescan(&p, &st), 2);
    CHECK(!graph_has(&p, "src/a.js"));
    touch(&p, "src/a.js", "export const a = 10;\n");
    CHECK_INT(rescan(&p, &st), 0);
    CHECK(graph_has(&p, "src/a.js"));
    CHECK_INT(st.parsed, 1);
    project_close(&p);
}

TEST(incremental_rename_and_add) {
    Project p;
    REQUIRE(project_open(&p));
    MfScanStats st;
    CHECK_INT(rescan(&p, &st), 0);
    /* Rename b.js -> bee.js: the importer still names b.js: an error. */
    touch(&p, "src/b.js", NULL);
    touch(&p, "src/bee.js", "import { a } from './a.js';\nexport default a + 1;\n");
    CHECK_INT(rescan(&p, &st), 1);
    CHECK(!graph_has(&p, "src/bee.js"));
    /* The importer follows the rename. */
    touch(&p, "src/index.js", "import { a } from './a.js';\nimport b from './bee.js';\nconsole.log(a, b);\n");
    CHECK_INT(rescan(&p, &st), 0);
    CHECK(graph_has(&p, "src/bee.js"));
    CHECK(!graph_has(&p, "src/b.js"));
    project_close(&p);
}

TEST(incremental_syntax_error_then_fix) {
    Project p;
    REQUIRE(project_open(&p));
    MfScanStats st;
    CHECK_INT(rescan(&p, &st), 0);
    touch(&p, "src/a.js", "export const a = ;\n");
    CHECK(rescan(&p, &st) >= 1);
    /* Still broken, not touched: the cached record reports it again. */
    CHECK(rescan(&p, &st) >= 1);
    CHECK_INT(st.parsed, 0);
    touch(&p, "src/a.js", "export const a = 5;\n");
    CHECK_INT(rescan(&p, &st), 0);
    CHECK_INT(st.parsed, 1);
    project_close(&p);
}

TEST(incremental_package_reinstall_rereads_the_package) {
    /* The watcher sees node_modules/<pkg>/package.json, not the package's
     * deeper files: invalidating the package.json must re-read them all. */
    Project p;
    REQUIRE(project_open(&p));
    unit_write(p.dir, "node_modules/pkg/package.json", "{ \"name\": \"pkg\", \"version\": \"1.0.0\", \"main\": \"lib/index.js\" }\n");
    unit_write(p.dir, "node_modules/pkg/lib/index.js", "export const v = 1;\n");
    touch(&p, "src/a.js", "export { v as a } from 'pkg';\n");
    MfScanStats st;
    CHECK_INT(rescan(&p, &st), 0);
    unit_write(p.dir, "node_modules/pkg/lib/index.js", "export { v } from './v2.js';\n");
    unit_write(p.dir, "node_modules/pkg/lib/v2.js", "export const v = 2;\n");
    touch(&p, "node_modules/pkg/package.json", "{ \"name\": \"pkg\", \"version\": \"2.0.0\", \"main\": \"lib/index.js\" }\n");
    CHECK_INT(rescan(&p, &st), 0); /* compares with a fresh scan: v2.js is in */
    CHECK(graph_has(&p, "node_modules/pkg/lib/v2.js"));
    project_close(&p);
}
