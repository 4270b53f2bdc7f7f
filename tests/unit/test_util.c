/* test_util.c — util.c (paths, map, arena, buffers) and diag.c (positions,
 * sorting, JSON form). */
#include "mfbuild.h"
#include "unit.h"

#include <stdlib.h>

static void check_rel(const char *from, const char *to, const char *want) {
    char *got = mf_path_relative(from, to);
    CHECK_STR(got, want);
    free(got);
}

TEST(util_path_relative) {
    check_rel("/a/b", "/a/b/c.js", "c.js");
    check_rel("/a/b", "/a/bc/d.js", "../bc/d.js");
    check_rel("/a/b/c", "/a/x", "../../x");
    check_rel("/a/b", "/a/b", ".");
    check_rel("/", "/x/y", "x/y");
    check_rel("/a", "/b/c", "../b/c");
}

static void check_norm(const char *in, const char *want) {
    char *got = mf_path_normalize(in);
    CHECK_STR(got, want);
    free(got);
}

TEST(util_path_normalize) {
    check_norm("/a/./b//c/../d", "/a/b/d");
    check_norm("/..", "/");
    check_norm("a/../../b", "../b");
    check_norm("./", ".");
    char *j = mf_path_join("/root/src", "../lib/x.js");
    CHECK_STR(j, "/root/lib/x.js");
    free(j);
    j = mf_path_join("/root", "/abs/y");
    CHECK_STR(j, "/abs/y");
    free(j);
    CHECK_STR(mf_path_ext("/a/b.test.tsx"), ".tsx");
    CHECK_STR(mf_path_ext("/a/.bashrc"), "");
    CHECK_STR(mf_path_basename("/a/b.js"), "b.js");
    char *d = mf_path_dirname("/a/b.js");
    CHECK_STR(d, "/a");
    free(d);
}

TEST(util_map_grows_and_finds) {
    MfMap *m = mf_map_new();
    char key[32];
    for (uint32_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%u", i);
        mf_map_put(m, key, i * 3);
    }
    CHECK_INT(mf_map_count(m), 5000);
    uint32_t v = 0;
    for (uint32_t i = 0; i < 5000; i += 97) {
        snprintf(key, sizeof key, "k%u", i);
        CHECK(mf_map_get(m, key, &v));
        CHECK_INT(v, i * 3);
    }
    CHECK(!mf_map_get(m, "absent", &v));
    mf_map_put(m, "k1", 42);
    CHECK(mf_map_get(m, "k1", &v) && v == 42);
    CHECK_INT(mf_map_count(m), 5000);
    mf_map_free(m);
}

TEST(util_arena_and_buf) {
    MfArena *a = mf_arena_new();
    char *big = mf_arena_alloc(a, 100000);
    big[99999] = 1;
    char *s = mf_arena_printf(a, "%s-%d", "x", 7);
    CHECK_STR(s, "x-7");
    for (int i = 0; i < 10000; i++) CHECK(mf_arena_alloc(a, 24) != NULL);
    mf_arena_free(a);

    MfBuf b = {0};
    mf_buf_json_string(&b, "a\"b\\c\n\x01");
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
    mf_buf_free(&b);
    CHECK_INT(mf_edit_distance("exposes", "exposs"), 1);
    CHECK_INT(mf_edit_distance("Button", "Buton"), 1);
}

TEST(diag_positions_are_one_based_code_points) {
    MfLog log = {0};
    const char *src = "line one\n  é = x;\n";
    /* offset of 'x': "line one\n" (9) + "  é = " (2 + 2 bytes + 3) */
    uint32_t off = (uint32_t)(strchr(src, 'x') - src);
    mf_log_add(&log, MF_DIAG_ERROR, MF_MSG_SYNTAX_ERROR, "/p/a.js", src, strlen(src), off, 1, "bad %s", "x");
    REQUIRE(log.diags.len == 1);
    CHECK_INT(log.diags.items[0].line, 2);
    CHECK_INT(log.diags.items[0].column, 7);
    CHECK_STR(log.diags.items[0].line_text, "  é = x;");
    CHECK_INT(log.errors, 1);
    mf_log_free(&log);
}

TEST(diag_sorted_by_file_then_offset_and_json) {
    MfLog log = {0}, other = {0};
    const char *src = "aaaa\nbbbb\n";
    mf_log_add(&log, MF_DIAG_ERROR, MF_MSG_SYNTAX_ERROR, "/p/b.js", src, 10, 6, 1, "second file");
    mf_log_add(&other, MF_DIAG_WARNING, MF_MSG_NON_LITERAL_IMPORT, "/p/a.js", src, 10, 7, 2, "later");
    mf_log_add(&other, MF_DIAG_ERROR, MF_MSG_UNRESOLVED_IMPORT, "/p/a.js", src, 10, 1, 2, "earlier \"q\"");
    mf_log_suggest(&other, "Did you mean \"./x\"?");
    mf_log_take(&log, &other);
    CHECK_INT(log.errors, 2);
    CHECK_INT(log.warnings, 1);
    MfBuf b = {0};
    mf_log_json(&log, "/p", &b);
    CHECK_STR(b.data,
              "{\"kind\":\"error\",\"id\":\"unresolved-import\",\"text\":\"earlier \\\"q\\\". Did you mean \\\"./x\\\"?\","
              "\"file\":\"a.js\",\"line\":1,\"column\":2,\"length\":2},"
              "{\"kind\":\"warning\",\"id\":\"non-literal-import\",\"text\":\"later\",\"file\":\"a.js\",\"line\":2,\"column\":3,\"length\":2},"
              "{\"kind\":\"error\",\"id\":\"syntax-error\",\"text\":\"second file\",\"file\":\"b.js\",\"line\":2,\"column\":2,\"length\":1}");
    mf_buf_free(&b);
    mf_log_free(&log);
}

TEST(diag_located_from_file_when_no_source_given) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "c.json", "{\n  \"x\": 1\n}\n");
    char *path = mf_path_join(dir, "c.json");
    MfLog log = {0};
    mf_log_add(&log, MF_DIAG_ERROR, MF_MSG_CONFIG_UNKNOWN_KEY, path, NULL, 0, 4, 3, "Unknown key");
    MfBuf b = {0};
    mf_log_json(&log, dir, &b);
    CHECK(strstr(b.data, "\"file\":\"c.json\",\"line\":2,\"column\":3,\"length\":3") != NULL);
    mf_buf_free(&b);
    mf_log_free(&log);
    free(path);
}
