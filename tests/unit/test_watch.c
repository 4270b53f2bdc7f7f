/*
 * test_watch.c — the file watcher (src/watch.c), each test run twice: with
 * inotify and with the polling fallback, which must report the same paths.
 *
 * Timing: a batch that must come is waited for with a generous timeout
 * (2 s), so a loaded machine only makes the test slower.  Changes are made
 * before mf_watcher_wait is called, so they are all queued (inotify) or on
 * disk (polling) when the wait starts and land in one batch however slowly
 * the test runs.  "Nothing is reported" is checked by making the unwanted
 * change first and a wanted one after, then asserting the batch is exactly
 * the wanted path: no short timeout has to be long enough.
 */
#include "mfbuild.h"
#include "unit.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MUST_COME_MS 2000

static const char *mode_name(bool poll) { return poll ? "polling" : "inotify"; }

static MfWatcher *watcher(bool poll, int debounce_ms, const char *ignore) {
    const char *ign[1] = {ignore};
    MfWatchOptions o = {.debounce_ms = debounce_ms, .poll = poll, .poll_interval_ms = 20,
                        .ignore = ign, .n_ignore = ignore ? 1 : 0};
    MfLog log = {0};
    MfWatcher *w = mf_watcher_new(&o, &log);
    mf_log_free(&log);
    return w;
}

static char *at(const char *dir, const char *rel) { return mf_xasprintf("%s/%s", dir, rel); }

static bool batch_has(const MfWatchBatch *b, const char *path) {
    for (uint32_t i = 0; i < b->paths.len; i++)
        if (strcmp(b->paths.items[i], path) == 0) return true;
    return false;
}

static void batch_print(const MfWatchBatch *b, const char *dir, bool poll) {
    fprintf(stderr, "    [%s] batch of %u%s:\n", mode_name(poll), b->paths.len,
            b->overflow ? " (overflow)" : "");
    size_t n = strlen(dir);
    for (uint32_t i = 0; i < b->paths.len; i++) {
        const char *p = b->paths.items[i];
        fprintf(stderr, "      %s\n", strncmp(p, dir, n) == 0 ? p + n : p);
    }
}

/* Waits for the next batch; checks it holds the paths (relative to dir)
 * listed before NULL, and, when `exact`, nothing else. */
static void expect(int line, MfWatcher *w, bool poll, const char *dir, bool exact, ...) {
    MfWatchBatch b = {0};
    int r = mf_watcher_wait(w, MUST_COME_MS, &b);
    if (r != 1) {
        fprintf(stderr, "    [%s] wait returned %d, expected a batch\n", mode_name(poll), r);
        unit_fail(__FILE__, line, "a batch");
        return;
    }
    bool ok = true;
    uint32_t n = 0;
    va_list ap;
    va_start(ap, exact);
    for (const char *rel; (rel = va_arg(ap, const char *)); n++) {
        char *p = at(dir, rel);
        if (!batch_has(&b, p)) ok = false;
        free(p);
    }
    va_end(ap);
    if (exact && n != b.paths.len) ok = false;
    for (uint32_t i = 1; i < b.paths.len; i++)
        if (strcmp(b.paths.items[i - 1], b.paths.items[i]) >= 0) ok = false; /* sorted, unique */
    if (!ok) {
        batch_print(&b, dir, poll);
        unit_fail(__FILE__, line, exact ? "batch is exactly the paths" : "batch has the paths");
    }
    mf_watch_batch_free(&b);
}
#define EXPECT_EXACT(w, poll, dir, ...) expect(__LINE__, w, poll, dir, true, __VA_ARGS__, NULL)
#define EXPECT_HAS(w, poll, dir, ...) expect(__LINE__, w, poll, dir, false, __VA_ARGS__, NULL)

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void put(const char *dir, const char *rel, const char *text) { unit_write(dir, rel, text); }

static void move(const char *dir, const char *from, const char *to) {
    char *a = at(dir, from), *b = at(dir, to);
    if (rename(a, b) != 0) perror(a);
    free(a);
    free(b);
}

static void rm(const char *dir, const char *rel) {
    char *p = at(dir, rel);
    if (unlink(p) != 0 && rmdir(p) != 0) perror(p);
    free(p);
}

/* Runs the block with `poll` false (inotify), then true (polling). */
#define FOR_MODES                                                                                  \
    for (int mode_ = 0; mode_ < 2; mode_++)                                                        \
        for (bool poll = mode_ == 1, once_ = true; once_; once_ = false)

TEST(watch_single_edit) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/a.js", "a");
        put(d, "src/b.js", "b");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_polling(w) == poll);
        CHECK(mf_watcher_poll_reason(w) == NULL);
        CHECK(mf_watcher_add_dir(w, d, true));
        put(d, "src/a.js", "a changed");
        EXPECT_EXACT(w, poll, d, "src/a.js");
        put(d, "src/b.js", "b changed");
        EXPECT_EXACT(w, poll, d, "src/b.js");
        mf_watcher_free(w);
    }
}

/* A write of the same size right after the last scan leaves the same
 * stat within one clock tick: the polling content hash must see it. */
TEST(watch_same_size_edit) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "a.js", "aaaa");
        MfWatcher *w = watcher(poll, 0, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        put(d, "a.js", "bbbb");
        EXPECT_EXACT(w, poll, d, "a.js");
        put(d, "a.js", "cccc");
        EXPECT_EXACT(w, poll, d, "a.js");
        mf_watcher_free(w);
    }
}

TEST(watch_burst_one_batch) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "keep.js", "");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        put(d, "e.js", "5");
        put(d, "a.js", "1");
        put(d, "d/x.js", "4"); /* in a new folder */
        put(d, "c.js", "3");
        put(d, "b.js", "2");
        EXPECT_EXACT(w, poll, d, "a.js", "b.js", "c.js", "d/x.js", "e.js");
        MfWatchBatch b = {0};
        CHECK_INT(mf_watcher_wait(w, 60, &b), 0); /* nothing left over */
        CHECK_INT(b.paths.len, 0);
        mf_watcher_free(w);
    }
}

/* Editors save by writing a temporary file and renaming it over the target. */
TEST(watch_rename_save) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/App.tsx", "old");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        put(d, "src/.App.tsx.swp~", "new contents");
        move(d, "src/.App.tsx.swp~", "src/App.tsx");
        EXPECT_HAS(w, poll, d, "src/App.tsx");
        put(d, "src/App.tsx", "edited again");
        EXPECT_EXACT(w, poll, d, "src/App.tsx"); /* the new inode is watched too */
        mf_watcher_free(w);
    }
}

TEST(watch_delete) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/a.js", "a");
        put(d, "src/b.js", "b");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        rm(d, "src/a.js");
        EXPECT_EXACT(w, poll, d, "src/a.js");
        mf_watcher_free(w);
    }
}

TEST(watch_new_folder) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/index.js", "");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        /* Created and filled before the watcher looks: the files must be
         * found by listing the new folders. */
        put(d, "src/feature/deep/er/x.js", "x");
        put(d, "src/feature/y.js", "y");
        EXPECT_EXACT(w, poll, d, "src/feature/deep/er/x.js", "src/feature/y.js");
        put(d, "src/feature/deep/er/x.js", "x2");
        EXPECT_EXACT(w, poll, d, "src/feature/deep/er/x.js");
        put(d, "src/feature/z.js", "z");
        EXPECT_EXACT(w, poll, d, "src/feature/z.js");
        mf_watcher_free(w);
    }
}

TEST(watch_folder_rename) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/old/a.js", "a");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        move(d, "src/old", "src/new");
        /* The old folder by its own path (polling also lists its files). */
        EXPECT_HAS(w, poll, d, "src/new/a.js", "src/old");
        put(d, "src/new/a.js", "a2");
        EXPECT_EXACT(w, poll, d, "src/new/a.js");
        mf_watcher_free(w);
    }
}

TEST(watch_node_modules) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/a.js", "a");
        put(d, "node_modules/pkg/package.json", "{\"version\":\"1.0.0\"}");
        put(d, "node_modules/pkg/lib/x.js", "x");
        put(d, "node_modules/@s/p/package.json", "{\"version\":\"1.0.0\"}");
        put(d, "node_modules/@s/p/lib/y.js", "y");
        put(d, "node_modules/pkg/node_modules/nested/package.json", "{}");
        put(d, "node_modules/.package-lock.json", "{}");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        /* Deep files are not watched; package.json is. */
        put(d, "node_modules/pkg/lib/x.js", "x changed");
        put(d, "node_modules/@s/p/lib/y.js", "y changed");
        put(d, "node_modules/pkg/node_modules/nested/package.json", "{\"a\":1}");
        put(d, "node_modules/.package-lock.json", "{\"a\":1}");
        put(d, "node_modules/pkg/package.json", "{\"version\":\"1.0.1\"}");
        EXPECT_EXACT(w, poll, d, "node_modules/pkg/package.json");
        put(d, "node_modules/@s/p/package.json", "{\"version\":\"1.0.1\"}");
        EXPECT_EXACT(w, poll, d, "node_modules/@s/p/package.json");
        /* Reinstall the way npm does: move the old folder aside, write a new one. */
        move(d, "node_modules/pkg", "node_modules/.pkg-old");
        put(d, "node_modules/pkg/package.json", "{\"version\":\"2.0.0\"}");
        put(d, "node_modules/pkg/lib/x.js", "x2");
        EXPECT_HAS(w, poll, d, "node_modules/pkg/package.json");
        /* A new package, a new scope. */
        put(d, "node_modules/fresh/package.json", "{}");
        put(d, "node_modules/fresh/lib/z.js", "z");
        put(d, "node_modules/@t/q/package.json", "{}");
        EXPECT_EXACT(w, poll, d, "node_modules/@t/q/package.json", "node_modules/fresh/package.json");
        /* The new package is watched two levels deep like the others. */
        put(d, "node_modules/fresh/lib/z.js", "z2");
        put(d, "node_modules/fresh/package.json", "{\"v\":2}");
        EXPECT_EXACT(w, poll, d, "node_modules/fresh/package.json");
        mf_watcher_free(w);
    }
}

TEST(watch_ignore) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "src/a.js", "a");
        put(d, "dist/main.js", "old");
        put(d, ".git/HEAD", "ref");
        char *dist = at(d, "dist");
        MfWatcher *w = watcher(poll, 20, dist);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        put(d, "dist/main.js", "new");
        put(d, "dist/assets/new.js", "new folder");
        put(d, ".git/HEAD", "ref2");
        put(d, ".cache/x", "x");
        put(d, "src/a.js", "a2");
        EXPECT_EXACT(w, poll, d, "src/a.js");
        /* The output folder replaced as a whole, the way a build writes it. */
        move(d, "dist", "dist-old");
        put(d, "dist/main.js", "newest");
        put(d, "src/a.js", "a3");
        EXPECT_HAS(w, poll, d, "src/a.js");
        free(dist);
        mf_watcher_free(w);
    }
}

/* add_file: only that file of its folder. */
TEST(watch_add_file) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "mfbuild.json", "{}");
        put(d, "other.js", "");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        char *cfg = at(d, "mfbuild.json"), *pkg = at(d, "package.json");
        CHECK(mf_watcher_add_file(w, cfg));
        CHECK(mf_watcher_add_file(w, cfg)); /* idempotent */
        CHECK(mf_watcher_add_file(w, pkg)); /* does not exist yet */
        put(d, "other.js", "x");
        put(d, "sub/y.js", "y");
        put(d, "mfbuild.json", "{\"name\":\"a\"}");
        EXPECT_EXACT(w, poll, d, "mfbuild.json");
        put(d, "package.json", "{}");
        EXPECT_EXACT(w, poll, d, "package.json");
        rm(d, "mfbuild.json");
        EXPECT_EXACT(w, poll, d, "mfbuild.json");
        put(d, "mfbuild.json.tmp", "{}");
        move(d, "mfbuild.json.tmp", "mfbuild.json");
        EXPECT_EXACT(w, poll, d, "mfbuild.json");
        char *missing = at(d, "no/such/file.json");
        CHECK(!mf_watcher_add_file(w, missing));
        CHECK(!mf_watcher_add_dir(w, "/no/such/folder/anywhere", true));
        free(missing);
        free(cfg);
        free(pkg);
        mf_watcher_free(w);
    }
}

/* A watched folder deleted, then created again. */
TEST(watch_root_removed) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "app/a.js", "a");
        char *app = at(d, "app");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, app, true));
        rm(d, "app/a.js");
        rm(d, "app");
        EXPECT_EXACT(w, poll, d, "app", "app/a.js");
        put(d, "app/b.js", "b");
        EXPECT_EXACT(w, poll, d, "app/b.js");
        put(d, "app/b.js", "b2");
        EXPECT_EXACT(w, poll, d, "app/b.js");
        free(app);
        mf_watcher_free(w);
    }
}

TEST(watch_timeout) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "a.js", "a");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        MfWatchBatch b = {0};
        double t0 = mf_now_ms();
        CHECK_INT(mf_watcher_wait(w, 50, &b), 0);
        CHECK(mf_now_ms() - t0 >= 49);
        CHECK_INT(b.paths.len, 0);
        CHECK_INT(mf_watcher_wait(w, 0, &b), 0);
        mf_watcher_free(w);
    }
}

/* inotify sees a writer close its file: a batch whose files are all closed
 * again settles after a quarter of the debounce time, one with a file still
 * open for writing waits the whole time (mark_write).  Debounce 2 s, so
 * the margins are wide: settled is 0.5 s, held is 2 s. */
TEST(watch_settles_when_writes_close) {
    const char *d = unit_tmpdir();
    put(d, "a.js", "a");
    MfWatcher *w = watcher(false, 2000, NULL);
    REQUIRE(w);
    REQUIRE(!mf_watcher_polling(w));
    CHECK(mf_watcher_add_dir(w, d, true));
    char *p = at(d, "a.js");
    int fd = open(p, O_WRONLY | O_TRUNC);
    REQUIRE(fd >= 0);
    CHECK(write(fd, "b", 1) == 1);
    double t0 = mf_now_ms();
    EXPECT_EXACT(w, false, d, "a.js"); /* still open: after the whole debounce */
    CHECK(mf_now_ms() - t0 >= 1990);
    close(fd); /* IN_CLOSE_WRITE: a batch of its own, settled */
    t0 = mf_now_ms();
    EXPECT_EXACT(w, false, d, "a.js");
    CHECK(mf_now_ms() - t0 < 1900);
    /* A save (open, write, close) in one go settles sooner than the debounce too. */
    put(d, "a.js", "c");
    t0 = mf_now_ms();
    EXPECT_EXACT(w, false, d, "a.js");
    CHECK(mf_now_ms() - t0 < 1900);
    free(p);
    mf_watcher_free(w);
}

static void *interrupt_later(void *arg) {
    sleep_ms(50);
    mf_watcher_interrupt(arg);
    return NULL;
}

TEST(watch_interrupt) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "a.js", "a");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        MfWatchBatch b = {0};
        /* From another thread, while blocked (the timeout only bounds a failure). */
        pthread_t t;
        double t0 = mf_now_ms();
        REQUIRE(pthread_create(&t, NULL, interrupt_later, w) == 0);
        CHECK_INT(mf_watcher_wait(w, 10000, &b), -1);
        CHECK(mf_now_ms() - t0 < 5000);
        pthread_join(t, NULL);
        /* Before the wait: the next wait returns at once, and only that one. */
        mf_watcher_interrupt(w);
        mf_watcher_interrupt(w);
        CHECK_INT(mf_watcher_wait(w, 10000, &b), -1);
        CHECK_INT(mf_watcher_wait(w, 30, &b), 0);
        /* Changes seen before an interrupt are not lost. */
        put(d, "a.js", "a2");
        mf_watcher_interrupt(w);
        CHECK_INT(mf_watcher_wait(w, 10000, &b), -1);
        CHECK_INT(b.paths.len, 0);
        EXPECT_EXACT(w, poll, d, "a.js");
        mf_watcher_free(w);
    }
}

/* More events than the kernel queue holds: one batch that says so, and the
 * watches still work after it. */
TEST(watch_inotify_overflow) {
    FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    int max = 0;
    if (f) {
        if (fscanf(f, "%d", &max) != 1) max = 0;
        fclose(f);
    }
    if (max <= 0 || max > 100000) return; /* would take too long: not tested here */
    const char *d = unit_tmpdir();
    put(d, "a.js", "");
    put(d, "b.js", "");
    MfWatcher *w = watcher(false, 20, NULL);
    REQUIRE(w);
    CHECK(mf_watcher_add_dir(w, d, true));
    char *a = at(d, "a.js"), *b = at(d, "b.js");
    /* Each write queues an IN_MODIFY; alternating files keeps the kernel
     * from merging them. */
    int fa = open(a, O_WRONLY), fb = open(b, O_WRONLY);
    REQUIRE(fa >= 0 && fb >= 0);
    for (int i = 0; i < max + 64; i++)
        if (write(i % 2 ? fa : fb, "x", 1) != 1) break;
    close(fa);
    close(fb);
    put(d, "sub/new.js", "n"); /* a folder created while events are lost */
    MfWatchBatch batch = {0};
    REQUIRE(mf_watcher_wait(w, MUST_COME_MS, &batch) == 1);
    CHECK(batch.overflow);
    mf_watch_batch_free(&batch);
    /* Drain what followed the overflow, then the watches still work,
     * including on the folder created meanwhile. */
    while (mf_watcher_wait(w, 100, &batch) == 1) mf_watch_batch_free(&batch);
    put(d, "sub/new.js", "n2");
    EXPECT_EXACT(w, false, d, "sub/new.js");
    free(a);
    free(b);
    mf_watcher_free(w);
}

/* A workspace package linked into node_modules (npm/yarn workspaces, pnpm):
 * one folder, two paths; a change shows under both, a deep change only
 * under the recursive one. */
TEST(watch_linked_package) {
    FOR_MODES {
        const char *d = unit_tmpdir();
        put(d, "packages/lib/package.json", "{\"name\":\"lib\"}");
        put(d, "packages/lib/src/x.js", "x");
        put(d, "app/src/a.js", "a");
        unit_symlink(d, "node_modules/lib", "../packages/lib");
        MfWatcher *w = watcher(poll, 20, NULL);
        REQUIRE(w);
        CHECK(mf_watcher_add_dir(w, d, true));
        put(d, "packages/lib/src/x.js", "x2");
        EXPECT_EXACT(w, poll, d, "packages/lib/src/x.js");
        put(d, "packages/lib/package.json", "{\"name\":\"lib\",\"v\":2}");
        EXPECT_EXACT(w, poll, d, "node_modules/lib/package.json", "packages/lib/package.json");
        mf_watcher_free(w);
    }
}
