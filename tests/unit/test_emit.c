/*
 * test_emit.c — link, chunk and emit: the source-map encodings (VLQ,
 * mappings, base64), output file names, chunk membership on small
 * hand-made projects, content hashes (deterministic for any thread count,
 * changing with what a file references), and the atomic replacement of the
 * output folder (a failed write leaves the old one as it was).
 *
 * Projects are written to a temporary folder with an mfbuild.json and run
 * through the library phases, as `mfbuild build` does.
 */
#include "mfbuild.h"
#include "unit.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- encodings ----------------------------------------------------------- */

static void check_vlq(int64_t v, const char *want) {
    MfBuf b = {0};
    mf_vlq_encode(&b, v);
    CHECK_STR(b.data, want);
    mf_buf_free(&b);
}

TEST(emit_vlq) {
    check_vlq(0, "A");
    check_vlq(1, "C");
    check_vlq(-1, "D");
    check_vlq(15, "e");
    check_vlq(16, "gB");
    check_vlq(-16, "hB");
    check_vlq(123, "2H");
    check_vlq(1000, "w+B");
    check_vlq(-1000, "x+B");
}

TEST(emit_sourcemap_mappings) {
    /* Columns restart per line; source, line and column carry over. */
    MfMapping segs[] = {
        {0, 0, 0, 0, 0},
        {0, 5, 0, 0, 5},
        {2, 0, 0, 1, 0},
        {2, 4, 1, 0, 0},
    };
    MfBuf b = {0};
    mf_sourcemap_mappings(&b, segs, 4);
    CHECK_STR(b.data, "AAAA,KAAK;;AACL,ICDA");
    mf_buf_free(&b);
    mf_sourcemap_mappings(&b, NULL, 0);
    CHECK(b.len == 0);
    mf_buf_free(&b);
}

TEST(emit_base64) {
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        MfBuf b = {0};
        mf_base64_encode(&b, in[i], strlen(in[i]));
        CHECK_STR(b.data ? b.data : "", out[i]);
        mf_buf_free(&b);
    }
    /* Longer than the encoder's 4 KB stack buffer. */
    size_t n = 10000;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++) big[i] = (char)(i * 7);
    MfBuf b = {0};
    mf_base64_encode(&b, big, n);
    CHECK_INT(b.len, (n + 2) / 3 * 4);
    free(big);
    mf_buf_free(&b);
}

TEST(emit_json_escape) {
    MfBuf b = {0};
    mf_json_escape(&b, "a\"b\\c\nd\x01" "é", 10);
    CHECK_STR(b.data, "a\\\"b\\\\c\\nd\\u0001é");
    mf_buf_free(&b);
}

TEST(emit_output_names) {
    uint64_t h = 0x0123456789abcdefull;
    char *s = mf_output_name("[name].[contenthash].js", "main", h);
    CHECK_STR(s, "main.01234567.js");
    free(s);
    s = mf_output_name("js/[name]-[contenthash:12].mjs", "Lazy", h);
    CHECK_STR(s, "js/Lazy-0123456789ab.mjs");
    free(s);
    s = mf_output_name("[name].js", "pages/home", h);
    CHECK_STR(s, "pages/home.js");
    free(s);
    CHECK_INT(mf_output_hash_len("[name].[contenthash].js"), 8);
    CHECK_INT(mf_output_hash_len("[name].[contenthash:5].js"), 5);
    CHECK_INT(mf_output_hash_len("[name].[contenthash:99].js"), 16);
}

/* ---- projects through the phases ------------------------------------------- */

typedef struct Built {
    MfConfig *cfg;
    MfGraph *g;
    MfLink *link;
    MfChunks *ch;
    MfEmit *em;
    MfLog log;
} Built;

/* Loads dir/mfbuild.json, scans, links and chunks (and emits when `emit`). */
static bool build(Built *b, const char *dir, int threads, bool emit) {
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
    if (emit) b->em = mf_emit(b->g, b->cfg, b->link, b->ch, &b->log);
    return b->log.errors == 0;
}

static void built_free(Built *b) {
    mf_emit_free(b->em);
    mf_chunks_free(b->ch);
    mf_link_free(b->link);
    mf_graph_free(b->g);
    mf_config_free(b->cfg);
    mf_log_free(&b->log);
}

static const MfChunk *chunk_named(const Built *b, const char *name) {
    for (uint32_t i = 0; i < b->ch->items.len; i++)
        if (strcmp(b->ch->items.items[i].name, name) == 0) return &b->ch->items.items[i];
    return NULL;
}

static uint32_t module_id(const Built *b, const char *id) {
    for (uint32_t i = 0; i < b->g->modules.len; i++)
        if (strcmp(b->link->ids[i], id) == 0) return i;
    return MF_NONE;
}

static const char *chunk_of(const Built *b, const char *id) {
    uint32_t m = module_id(b, id);
    if (m == MF_NONE) return "(no such module)";
    return b->ch->items.items[b->ch->chunk_of[m]].name;
}

static const MfOutFile *output_named(const Built *b, MfOutKind kind, const char *name) {
    for (uint32_t i = 0; i < b->em->files.len; i++)
        if (b->em->files.items[i].kind == kind && strcmp(b->em->files.items[i].name, name) == 0)
            return &b->em->files.items[i];
    return NULL;
}

/* main -> shared (also used by lazy, which only main loads: stays in main);
 * lazy and lazy2 both use util (a common chunk for the two). */
static const char *split_project(void) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{ \"entry\": \"./src/index.js\", \"target\": \"node\" }");
    unit_write(dir, "src/index.js",
               "const s = require('./shared');\nimport('./lazy');\nimport('./lazy2');\n");
    unit_write(dir, "src/shared.js", "exports.s = 1;\n");
    unit_write(dir, "src/lazy.js", "require('./shared'); require('./util');\n");
    unit_write(dir, "src/lazy2.js", "require('./util');\n");
    unit_write(dir, "src/util.js", "exports.u = 2;\n");
    return dir;
}

TEST(chunk_async_and_common) {
    const char *dir = split_project();
    Built b;
    REQUIRE(build(&b, dir, 2, false));
    CHECK_STR(chunk_of(&b, "src/index.js"), "main");
    CHECK_STR(chunk_of(&b, "src/shared.js"), "main"); /* lazy loads only after main */
    CHECK_STR(chunk_of(&b, "src/lazy.js"), "lazy");
    CHECK_STR(chunk_of(&b, "src/lazy2.js"), "lazy2");
    CHECK_STR(chunk_of(&b, "src/util.js"), "common-util");
    const MfChunk *lazy = chunk_named(&b, "lazy"), *main = chunk_named(&b, "main");
    REQUIRE(lazy && main);
    CHECK_INT(lazy->kind, MF_CHUNK_ASYNC);
    CHECK_INT(lazy->deps.len, 1);
    CHECK_INT(main->deps.len, 0);
    CHECK_INT(main->lazy.len, 2);
    /* Chunk order: entries, then async chunks in order of first import(). */
    CHECK_STR(b.ch->items.items[0].name, "main");
    CHECK_STR(b.ch->items.items[1].name, "lazy");
    CHECK_STR(b.ch->items.items[2].name, "lazy2");
    built_free(&b);
}

TEST(chunk_two_entries_share_a_common_chunk) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{ \"entry\": { \"a\": \"./a.js\", \"b\": \"./b.js\" } }");
    unit_write(dir, "a.js", "require('./lib'); import('./lazy');\n");
    unit_write(dir, "b.js", "require('./lib'); import('./lazy');\n");
    unit_write(dir, "lib.js", "exports.x = 1;\n");
    unit_write(dir, "lazy.js", "require('./only-lazy');\n");
    unit_write(dir, "only-lazy.js", "exports.y = 1;\n");
    Built b;
    REQUIRE(build(&b, dir, 1, false));
    /* lib: needed by both entries -> common, loaded before either starts. */
    CHECK(strncmp(chunk_of(&b, "lib.js"), "common-", 7) == 0);
    const MfChunk *a = chunk_named(&b, "a"), *bb = chunk_named(&b, "b");
    REQUIRE(a && bb);
    CHECK_INT(a->deps.len, 1);
    CHECK_INT(bb->deps.len, 1);
    /* lazy is reachable from both entries: one async chunk, shared. */
    CHECK_STR(chunk_of(&b, "lazy.js"), "lazy");
    CHECK_STR(chunk_of(&b, "only-lazy.js"), "lazy");
    built_free(&b);
}

TEST(chunk_css_order_and_exposes) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "package.json", "{ \"name\": \"app\" }");
    unit_write(dir, "mfbuild.json",
               "{ \"name\": \"app\", \"entry\": \"./index.js\", \"exposes\": { \"./Button\": \"./button.js\" } }");
    unit_write(dir, "index.js", "require('./a.css'); require('./c.css'); require('./button');\n");
    unit_write(dir, "a.css", "@import './b.css';\n.a {}\n");
    unit_write(dir, "b.css", ".b {}\n");
    unit_write(dir, "c.css", ".c {}\n");
    unit_write(dir, "button.js", "require('./c.css');\n");
    Built b;
    REQUIRE(build(&b, dir, 1, true));
    const MfChunk *main = chunk_named(&b, "main"), *button = chunk_named(&b, "Button");
    REQUIRE(main && button);
    CHECK_INT(button->kind, MF_CHUNK_EXPOSE);
    /* button.js and c.css: needed by main and by the expose (which a host
     * loads without main) -> a common chunk. */
    CHECK(strncmp(chunk_of(&b, "button.js"), "common-", 7) == 0);
    REQUIRE(main->css.len == 2);
    CHECK_STR(b.link->ids[main->css.items[0]], "b.css"); /* @import target first */
    CHECK_STR(b.link->ids[main->css.items[1]], "a.css");
    const MfOutFile *css = output_named(&b, MF_OUT_CSS, "main");
    REQUIRE(css);
    CHECK(strstr(css->data, "@import") == NULL);
    CHECK(strstr(css->data, ".b {}") < strstr(css->data, ".a {}"));
    built_free(&b);
}

/* Every output (path and bytes) of a build, for comparisons. */
static char *snapshot(const Built *b) {
    MfBuf s = {0};
    for (uint32_t i = 0; i < b->em->files.len; i++) {
        const MfOutFile *f = &b->em->files.items[i];
        mf_buf_printf(&s, "== %s %s\n", mf_out_kind_name(f->kind), f->path);
        mf_buf_append(&s, f->data, f->len);
    }
    return mf_buf_steal(&s);
}

TEST(emit_deterministic_for_any_thread_count) {
    const char *dir = split_project();
    char *first = NULL;
    int threads[] = {1, 2, 8, 1};
    for (int i = 0; i < 4; i++) {
        Built b;
        REQUIRE(build(&b, dir, threads[i], true));
        char *s = snapshot(&b);
        if (!first) first = s;
        else {
            CHECK_STR(s, first);
            free(s);
        }
        built_free(&b);
    }
    free(first);
}

TEST(emit_hashes_follow_references) {
    const char *dir = split_project();
    Built b;
    REQUIRE(build(&b, dir, 2, true));
    const MfOutFile *main = output_named(&b, MF_OUT_ENTRY, "main");
    const MfOutFile *lazy = output_named(&b, MF_OUT_CHUNK, "lazy");
    const MfOutFile *lazy2 = output_named(&b, MF_OUT_CHUNK, "lazy2");
    REQUIRE(main && lazy && lazy2);
    /* The entry names the async chunks' final files... */
    char want[256];
    snprintf(want, sizeof want, "\"lazy\":[\"%s\"]", lazy->path);
    CHECK(strstr(main->data, want) != NULL);
    CHECK(strstr(main->data, "\"asyncDeps\":{\"src/lazy.js\":[\"lazy\",\"common-util\"]") != NULL);
    CHECK(strncmp(main->path, "main.", 5) == 0 && strlen(main->path) == strlen("main.12345678.js"));
    char *main_path = mf_xstrdup(main->path), *lazy_path = mf_xstrdup(lazy->path),
         *lazy2_path = mf_xstrdup(lazy2->path);
    built_free(&b);

    /* ...so changing one async chunk renames it and the entry, not the
     * other async chunk. */
    unit_write(dir, "src/lazy.js", "require('./shared'); require('./util'); /* changed */\n");
    REQUIRE(build(&b, dir, 2, true));
    main = output_named(&b, MF_OUT_ENTRY, "main");
    lazy = output_named(&b, MF_OUT_CHUNK, "lazy");
    lazy2 = output_named(&b, MF_OUT_CHUNK, "lazy2");
    REQUIRE(main && lazy && lazy2);
    CHECK(strcmp(lazy->path, lazy_path) != 0);
    CHECK(strcmp(main->path, main_path) != 0);
    CHECK_STR(lazy2->path, lazy2_path);
    built_free(&b);
    free(main_path);
    free(lazy_path);
    free(lazy2_path);
}

TEST(emit_source_map_file) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json",
               "{ \"entry\": \"./src/index.js\", \"target\": \"node\", \"output\": { \"sourceMap\": true } }");
    unit_write(dir, "src/index.js", "exports.a = 1;\nexports.b = 2;\n");
    Built b;
    REQUIRE(build(&b, dir, 1, true));
    const MfOutFile *js = output_named(&b, MF_OUT_ENTRY, "main");
    const MfOutFile *map = output_named(&b, MF_OUT_MAP, "main");
    REQUIRE(js && map);
    char want[256];
    snprintf(want, sizeof want, "%s.map", js->path);
    CHECK_STR(map->path, want);
    snprintf(want, sizeof want, "\n//# sourceMappingURL=%s.map\n", js->path);
    CHECK(js->len > strlen(want) && strcmp(js->data + js->len - strlen(want), want) == 0);
    CHECK(strstr(map->data, "\"sources\":[\"../src/index.js\"]") != NULL);
    CHECK(strstr(map->data, "\"sourcesContent\":[\"exports.a = 1;\\nexports.b = 2;\\n\"]") != NULL);
    /* The two source lines map to consecutive generated lines at column 0. */
    CHECK(strstr(map->data, "AAAA;AACA\"") != NULL);
    built_free(&b);
}

/* ---- the atomic write -------------------------------------------------------- */

static bool exists(const char *dir, const char *rel) {
    char *p = mf_xasprintf("%s/%s", dir, rel);
    struct stat st;
    bool r = stat(p, &st) == 0;
    free(p);
    return r;
}

/* Entries of `dir` whose name starts with `prefix`. */
static int count_prefixed(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    closedir(d);
    return n;
}

TEST(emit_write_replaces_atomically) {
    const char *dir = unit_tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/dist", dir);
    unit_write(dir, "dist/stale.js", "old");

    MfEmit good = {0};
    MfOutFile f1 = {.path = "main.js", .kind = MF_OUT_ENTRY, .name = "main", .data = "x", .len = 1, .borrowed = true};
    MfOutFile f2 = {.path = "sub/a.css", .kind = MF_OUT_CSS, .name = "a", .data = "y", .len = 1, .borrowed = true};
    MF_VEC_PUSH(&good.files, f1);
    MF_VEC_PUSH(&good.files, f2);
    MfLog log = {0};
    CHECK(mf_emit_write(&good, out, &log));
    CHECK_INT(log.errors, 0);
    CHECK(exists(out, "main.js"));
    CHECK(exists(out, "sub/a.css"));
    CHECK(!exists(out, "stale.js")); /* the folder is replaced, not merged */

    /* A write that fails half-way ("x" is a file, then "x/y" needs it to
     * be a folder) changes nothing and leaves no temporary folder. */
    MfEmit bad = {0};
    MfOutFile b1 = {.path = "x", .kind = MF_OUT_ASSET, .name = "x", .data = "1", .len = 1, .borrowed = true};
    MfOutFile b2 = {.path = "x/y", .kind = MF_OUT_ASSET, .name = "y", .data = "2", .len = 1, .borrowed = true};
    MF_VEC_PUSH(&bad.files, b1);
    MF_VEC_PUSH(&bad.files, b2);
    CHECK(!mf_emit_write(&bad, out, &log));
    CHECK_INT(log.errors, 1);
    CHECK(log.diags.len == 1 && log.diags.items[0].id == MF_MSG_WRITE_ERROR);
    CHECK(exists(out, "main.js"));
    CHECK(exists(out, "sub/a.css"));
    CHECK(!exists(out, "x"));
    CHECK_INT(count_prefixed(dir, "dist."), 0);

    /* A fresh output folder (and missing parents) is created. */
    snprintf(out, sizeof out, "%s/deep/er/dist", dir);
    CHECK(mf_emit_write(&good, out, &log));
    CHECK(exists(out, "main.js"));
    free(good.files.items);
    free(bad.files.items);
    mf_log_free(&log);
}
