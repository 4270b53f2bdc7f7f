/*
 * main.c — runs the C unit tests registered by TEST() (see unit.h) and
 * prints `N passed, N failed`.  Exit status 1 when any test failed.
 * Also provides the temporary-folder helpers the tests use.
 */
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct { const char *name, *file; UnitFn fn; } UnitTest;
static UnitTest tests[1024];
static int n_tests;
int unit_current_failed;
static char *tmpdirs[256];
static int n_tmpdirs;

void unit_register(const char *name, const char *file, UnitFn fn) {
    if (n_tests < (int)(sizeof tests / sizeof tests[0]))
        tests[n_tests++] = (UnitTest){name, file, fn};
}

void unit_fail(const char *file, int line, const char *expr) {
    fprintf(stderr, "    %s:%d: check failed: %s\n", file, line, expr);
    unit_current_failed = 1;
}

static void remove_tmpdirs(void) {
    for (int i = 0; i < n_tmpdirs; i++) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdirs[i]);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdirs[i]);
        free(tmpdirs[i]);
    }
}

const char *unit_tmpdir(void) {
    char tmpl[] = "/tmp/mfbuild-unit-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d) { perror("mkdtemp"); exit(2); }
    char *real = realpath(d, NULL);
    if (n_tmpdirs == 0) atexit(remove_tmpdirs);
    if (n_tmpdirs < 256) tmpdirs[n_tmpdirs++] = real;
    return real;
}

static void make_parents(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST) { perror(path); exit(2); }
        *p = '/';
    }
}

void unit_write(const char *dir, const char *rel, const char *text) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    fputs(text, f);
    fclose(f);
}

void unit_symlink(const char *dir, const char *rel, const char *target) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    make_parents(path);
    if (symlink(target, path) != 0) { perror(path); exit(2); }
}

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    for (int i = 0; i < n_tests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        unit_current_failed = 0;
        tests[i].fn();
        if (unit_current_failed) {
            failed++;
            fprintf(stderr, "FAIL %s (%s)\n", tests[i].name, tests[i].file);
        } else {
            passed++;
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
