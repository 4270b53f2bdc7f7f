/*
 * test_semver.c — src/semver.c against node-semver's semantics.  The table
 * is the one of tests/runtime/semver.test.mjs: this file checks that C
 * answers node-semver's `want` and compiles each range into `compiled`; that
 * one checks that the runtime's JS, given `compiled` (what emit writes),
 * answers `want` too.  So `mfbuild check` predicts what the runtime
 * negotiates.
 */
#include "mfbuild.h"
#include "unit.h"

static const struct {
    const char *version, *range, *compiled; /* compiled: mf_semver_range_json(range) */
    bool want;
} cases[] = {
    /* the table of tests/runtime/semver.test.mjs */
    {"1.3.0-beta.1", "^1.2.0", "[[\">=1.2.0\",\"<2.0.0-0\"]]", false},
    {"1.2.4-beta", "^1.2.3-beta.1", "[[\">=1.2.3-beta.1\",\"<2.0.0-0\"]]", false},
    {"1.2.3-beta.2", "^1.2.3-beta.1", "[[\">=1.2.3-beta.1\",\"<2.0.0-0\"]]", true},
    {"1.2.3-alpha", "*", "[[]]", false},
    {"1.2", "^1.0.0", "[[\">=1.0.0\",\"<2.0.0-0\"]]", false},
    {"1.2.3", "~>1.2.0", "[[\">=1.2.0\",\"<1.3.0-0\"]]", true},
    {"1.2.3", "!=1.2.3", "[]", false},
    {"1.2.3", "^1.0.0", "[[\">=1.0.0\",\"<2.0.0-0\"]]", true},
    {"2.0.0", "^1.0.0", "[[\">=1.0.0\",\"<2.0.0-0\"]]", false},
    {"2.0.0-beta", "^1.0.0", "[[\">=1.0.0\",\"<2.0.0-0\"]]", false},
    {"0.2.5", "^0.2.3", "[[\">=0.2.3\",\"<0.3.0-0\"]]", true},
    {"0.3.0", "^0.2.3", "[[\">=0.2.3\",\"<0.3.0-0\"]]", false},
    {"0.0.3", "^0.0.3", "[[\">=0.0.3\",\"<0.0.4-0\"]]", true},
    {"0.0.4", "^0.0.3", "[[\">=0.0.3\",\"<0.0.4-0\"]]", false},
    {"0.9.9", "^0.x", "[[\">=0.0.0\",\"<1.0.0-0\"]]", true},
    {"1.0.0", "^0.x", "[[\">=0.0.0\",\"<1.0.0-0\"]]", false},
    {"0.0.9", "^0.0.x", "[[\">=0.0.0\",\"<0.1.0-0\"]]", true},
    {"0.1.0", "^0.0.x", "[[\">=0.0.0\",\"<0.1.0-0\"]]", false},
    {"1.2.9", "~1.2.3", "[[\">=1.2.3\",\"<1.3.0-0\"]]", true},
    {"1.3.0", "~1.2.3", "[[\">=1.2.3\",\"<1.3.0-0\"]]", false},
    {"1.9.0", "~1", "[[\">=1.0.0\",\"<2.0.0-0\"]]", true},
    {"1.5.0", "1.2.3 - 2.3.4", "[[\">=1.2.3\",\"<=2.3.4\"]]", true},
    {"2.3.4", "1.2.3 - 2.3.4", "[[\">=1.2.3\",\"<=2.3.4\"]]", true},
    {"2.3.5", "1.2.3 - 2.3.4", "[[\">=1.2.3\",\"<=2.3.4\"]]", false},
    {"2.3.9", "1.2.3 - 2.3", "[[\">=1.2.3\",\"<2.4.0-0\"]]", true},
    {"2.4.0", "1.2.3 - 2.3", "[[\">=1.2.3\",\"<2.4.0-0\"]]", false},
    {"1.2.0", "1.2.x", "[[\">=1.2.0\",\"<1.3.0-0\"]]", true},
    {"1.3.0", "1.2.*", "[[\">=1.2.0\",\"<1.3.0-0\"]]", false},
    {"3.0.0", "", "[[]]", true},
    {"3.0.0", "*", "[[]]", true},
    {"1.5.0", "<1 || >=1.5 <2", "[[\"<1.0.0-0\"],[\">=1.5.0\",\"<2.0.0-0\"]]", true},
    {"1.4.0", "<1 || >=1.5 <2", "[[\"<1.0.0-0\"],[\">=1.5.0\",\"<2.0.0-0\"]]", false},
    {"1.0.0", ">= 1.0.0", "[[\">=1.0.0\"]]", true},
    {"1.0.0", "^ 1.0.0", "[[\">=1.0.0\",\"<2.0.0-0\"]]", true},
    {"1.2.3", "v1.2.3", "[[\"1.2.3\"]]", true},
    {"1.2.3+build.5", "1.2.3", "[[\"1.2.3\"]]", true},
    {"1.9.9", "<2", "[[\"<2.0.0-0\"]]", true},
    {"2.0.0-rc.1", "<2", "[[\"<2.0.0-0\"]]", false},
    {"1.1.0", ">1", "[[\">=2.0.0\"]]", false},
    {"2.0.0", ">1", "[[\">=2.0.0\"]]", true},
    {"1.9.0", "<=1", "[[\"<2.0.0-0\"]]", true},
    {"18.3.1", "^18.2.0", "[[\">=18.2.0\",\"<19.0.0-0\"]]", true},
    {"17.0.2", "^18.2.0", "[[\">=18.2.0\",\"<19.0.0-0\"]]", false},
    {"not-a-version", "*", "[[]]", false},
    {"1.0.0", "garbage range", "[]", false},
    /* a few more */
    {"1.0.0-rc.2", ">=1.0.0-rc.1 <1.0.0", "[[\">=1.0.0-rc.1\",\"<1.0.0\"]]", true},
    {"1.0.0-rc.10", "^1.0.0-rc.9", "[[\">=1.0.0-rc.9\",\"<2.0.0-0\"]]", true},
    {"1.2.3", "1.2.3", "[[\"1.2.3\"]]", true},
    {"1.2.4", "=1.2.3", "[[\"1.2.3\"]]", false},
    {"4.17.21", "^4.17.0 || ^5.0.0", "[[\">=4.17.0\",\"<5.0.0-0\"],[\">=5.0.0\",\"<6.0.0-0\"]]", true},
    {"5.1.0", "^4.17.0 || ^5.0.0", "[[\">=4.17.0\",\"<5.0.0-0\"],[\">=5.0.0\",\"<6.0.0-0\"]]", true},
    {"6.0.0", "^4.17.0 || ^5.0.0", "[[\">=4.17.0\",\"<5.0.0-0\"],[\">=5.0.0\",\"<6.0.0-0\"]]", false},
    {"1.2.3", ">1.2.2 <=1.2.3", "[[\">1.2.2\",\"<=1.2.3\"]]", true},
    {"1.2.3", "  ^1.2.3  ", "[[\">=1.2.3\",\"<2.0.0-0\"]]", true},
    {"1.2.3", "workspace:*", "[]", false},
    {"0.0.0", "<0", "[[\"<0.0.0-0\"]]", false},
    {"99999999999999999999.0.0", ">1", "[[\">=2.0.0\"]]", true},
};

TEST(semver_satisfies_table) {
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool got = mf_semver_satisfies(cases[i].version, cases[i].range);
        if (got != cases[i].want) {
            fprintf(stderr, "    satisfies(%s, \"%s\") = %d\n", cases[i].version, cases[i].range, got);
            CHECK(got == cases[i].want);
        }
    }
}

TEST(semver_range_json_table) {
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        MfBuf b = {0};
        mf_semver_range_json(cases[i].range, &b);
        mf_buf_putc(&b, 0);
        if (strcmp(b.data, cases[i].compiled) != 0) {
            fprintf(stderr, "    range_json(\"%s\") = %s\n", cases[i].range, b.data);
            CHECK_STR(b.data, cases[i].compiled);
        }
        mf_buf_free(&b);
    }
}

TEST(semver_compare_order) {
    /* The sorted list of semver.test.mjs, pairwise in order. */
    const char *sorted[] = {"0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11",
                            "1.0.0-rc.1", "1.0.0", "2.0.0"};
    size_t n = sizeof sorted / sizeof *sorted;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j;
            CHECK_INT(mf_semver_compare(sorted[i], sorted[j]), want);
        }
    CHECK_INT(mf_semver_compare("1.2.3", "v1.2.3"), 0);
    CHECK_INT(mf_semver_compare("x", "1.0.0"), -1);
    CHECK_INT(mf_semver_compare("1.0.0", "x"), 1);
    CHECK_INT(mf_semver_compare("1.0.0+a", "1.0.0+b"), 0);
}

TEST(semver_parse_and_range_valid) {
    MfSemver v;
    REQUIRE(mf_semver_parse(" v1.2.3-beta.1+sha.5 ", &v));
    CHECK_INT(v.num[0], 1);
    CHECK_INT(v.num[1], 2);
    CHECK_INT(v.num[2], 3);
    CHECK_STR(v.pre, "beta.1");
    CHECK(!mf_semver_parse("1.2", &v));
    CHECK(!mf_semver_parse("1.2.3-", &v));
    CHECK(!mf_semver_parse("1.2.3.4", &v));
    CHECK(mf_semver_range_valid("^18.2.0"));
    CHECK(mf_semver_range_valid(">= 1 < 2 || 3.x"));
    CHECK(mf_semver_range_valid(""));
    CHECK(!mf_semver_range_valid("workspace:^1.0.0"));
    CHECK(!mf_semver_range_valid("file:../lib"));
}
