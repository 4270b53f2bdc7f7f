/*
 * unit.h — the C unit-test harness of mfbuild.
 *
 * A test is `TEST(name) { ... }` in any .c file of tests/unit; it registers
 * itself at load time (constructor), so adding a file adds its tests.
 * CHECK(cond) records a failure and goes on; REQUIRE(cond) also ends the
 * test.  tests/unit/main.c runs them all (or those whose name contains
 * argv[1]) and ends with `N passed, N failed`.
 *
 * Helpers for tests that need files: unit_tmpdir() makes a fresh temporary
 * folder (removed at exit), unit_write(dir, "a/b.js", text) writes a file,
 * creating folders.
 */
#ifndef MF_UNIT_H
#define MF_UNIT_H

#include <stdio.h>
#include <string.h>

typedef void (*UnitFn)(void);
void unit_register(const char *name, const char *file, UnitFn fn);
void unit_fail(const char *file, int line, const char *expr);
extern int unit_current_failed;

#define TEST(name)                                                        \
    static void test_##name(void);                                        \
    __attribute__((constructor)) static void register_##name(void) {      \
        unit_register(#name, __FILE__, test_##name);                      \
    }                                                                     \
    static void test_##name(void)

#define CHECK(c) do { if (!(c)) unit_fail(__FILE__, __LINE__, #c); } while (0)
#define REQUIRE(c) do { if (!(c)) { unit_fail(__FILE__, __LINE__, #c); return; } } while (0)
/* String equality that prints both sides; NULL-safe. */
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b);              \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                          \
            fprintf(stderr, "    got:      %s\n    expected: %s\n",      \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");               \
            unit_fail(__FILE__, __LINE__, #a " == " #b); } } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
        if (a_ != b_) {                                                   \
            fprintf(stderr, "    got: %lld, expected: %lld\n", a_, b_);   \
            unit_fail(__FILE__, __LINE__, #a " == " #b); } } while (0)

/* Returns a new empty folder (absolute, real path; freed and removed at exit). */
const char *unit_tmpdir(void);
/* Writes `text` to dir/rel, creating parent folders.  Returns the absolute path (static storage until next call is NOT guaranteed: copy it). */
void unit_write(const char *dir, const char *rel, const char *text);
/* Creates a symlink dir/rel -> target (target as given). */
void unit_symlink(const char *dir, const char *rel, const char *target);

#endif
