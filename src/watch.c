/*
 * watch.c — the file watcher behind `mfbuild watch` and `mfbuild dev`.
 *
 * The caller names folders (recursive or not) and single files; the
 * watcher hands back batches of changed paths, one batch per burst of
 * changes, so that a `git checkout` or an editor's save-all costs one
 * rebuild and not fifty.  Everything runs on the caller's thread inside
 * mf_watcher_wait(); the only other entry point, mf_watcher_interrupt(),
 * just writes to an eventfd that the wait polls with the inotify fd.
 *
 * Two ways to see changes, behind the same walk of the folders:
 *  - inotify (the normal case): one watch per folder, added before the
 *    folder is listed so that nothing written in between is missed.  A
 *    folder created or moved in under a recursive watch is watched and
 *    listed at once, and what it already holds is reported (tools create a
 *    folder and fill it faster than we can react).  A folder can be watched
 *    under several paths (a workspace package reached through
 *    node_modules/@org/lib and packages/lib): the kernel gives both one
 *    watch descriptor, so a descriptor leads to a chain of paths.
 *  - polling (asked for, or inotify unavailable, or the watch limit
 *    reached): a snapshot path -> (mtime ns, size, inode) of every file the
 *    same rules cover, re-walked every poll interval and compared.  Two
 *    writes of the same size within one clock tick leave the same stat, so
 *    a file modified within the last RACY_NS of a scan also keeps a content
 *    hash ("racily clean" in git's words) that the next scan compares.
 *
 * The rules of what is watched are the flags of a folder (W_*): one
 * function says what an entry of such a folder reports (entry_reported),
 * one what a subfolder becomes (child_flags); both modes use them, so they
 * report the same changes.
 */
#include "mfbuild.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

/* What a watched folder covers; a folder reached in several ways has the
 * union of its flags. */
enum {
    W_LISTED = 1,   /* the files named by mf_watcher_add_file (Root.files) */
    W_FILES = 2,    /* every file directly inside */
    W_TREE = 4,     /* subfolders too, by the skip rules (recursive) */
    W_PACKAGES = 8, /* a node_modules folder: its entries are packages */
    W_SCOPE = 16,   /* a node_modules/@scope folder: its entries are packages */
};

#define WATCH_MASK                                                                          \
    (IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |    \
     IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* A file modified this recently (nanoseconds) before a scan may change again
 * without its stat changing: covers the kernel's coarse clock tick and the
 * 1-2 s timestamps of some filesystems (FAT, old NFS). */
#define RACY_NS 2000000000LL
#define RACY_MAX_SIZE (4 << 20) /* larger files are not hashed */

/* A folder named by the caller (mf_watcher_add_dir / add_file). */
typedef struct Root {
    char *path;
    unsigned flags;
    MF_VEC(char *) files; /* names, for W_LISTED */
    bool lost;            /* inotify: was watched, is gone; retried every poll interval */
} Root;

/* inotify: one watched path.  Paths that share a descriptor are chained. */
typedef struct WatchDir {
    char *path;
    int wd;
    unsigned flags;
    uint32_t next; /* next index with the same wd, MF_NONE at the end */
} WatchDir;

/* polling: one file or folder of the snapshot. */
typedef struct Snap {
    char *path;
    int64_t mtime_ns, size;
    uint64_t ino, dev, hash; /* hash: content, kept while `racy` */
    uint32_t gen;            /* the scan that last saw it */
    unsigned flags;          /* folders: how they were walked in that scan */
    bool is_dir, alive, racy;
} Snap;

struct MfWatcher {
    int debounce_ms, poll_ms, cap_ms;
    MF_VEC(char *) ignore;
    int efd;           /* eventfd written by mf_watcher_interrupt */
    int ifd;           /* inotify; -1 when polling */
    char *poll_reason; /* why we poll, NULL when asked to or not polling */
    char *want_poll;   /* set deep inside a walk (watch limit); acted on later */
    bool waited;       /* mf_watcher_wait has run: changes may be pending */
    MF_VEC(Root) roots;
    MfMap *root_by_path; /* -> index in roots */

    /* inotify */
    MF_VEC(WatchDir *) dirs; /* NULL slots are free (free_dirs) */
    MF_VEC(uint32_t) free_dirs;
    MfMap *dir_by_path, *dir_by_wd; /* -> index in dirs; MF_NONE once dropped */
    uint32_t n_lost;
    double next_retry;

    /* polling */
    MF_VEC(Snap) snap;
    MfMap *snap_by_path; /* -> index in snap */
    uint32_t gen, n_dead;
    int64_t scan_wall_ns; /* CLOCK_REALTIME at the start of the scan */
    double next_scan;
    bool scan_clean;      /* the last scan found nothing new */

    /* the batch being collected; kept across an interrupted wait */
    MF_VEC(char *) pending;
    MfMap *pending_set;  /* -> 1 while the file is being written (inotify), else 0 */
    uint32_t n_writing;  /* paths of pending_set at 1 */
    bool open, overflow;
    double opened, last_change;
    uint32_t n_changes; /* changes seen so far (a scan compares before and after) */
};

static void walk(MfWatcher *w, const char *dir, unsigned flags, bool report, bool force);

/* ---- small helpers ------------------------------------------------------ */

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir);
    if (n && dir[n - 1] == '/') return mf_xasprintf("%s%s", dir, name);
    return mf_xasprintf("%s/%s", dir, name);
}

static bool under(const char *path, const char *dir) {
    size_t n = strlen(dir);
    if (strncmp(path, dir, n) != 0) return false;
    return path[n] == 0 || path[n] == '/' || (n && dir[n - 1] == '/');
}

static bool ignored(const MfWatcher *w, const char *path) {
    for (uint32_t i = 0; i < w->ignore.len; i++)
        if (under(path, w->ignore.items[i])) return true;
    return false;
}

static int64_t wall_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_path(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static Root *root_at(const MfWatcher *w, const char *dir) {
    uint32_t i;
    return mf_map_get(w->root_by_path, dir, &i) ? &w->roots.items[i] : NULL;
}

/* ---- the batch ----------------------------------------------------------- */

static void note_change(MfWatcher *w) {
    double now = mf_now_ms();
    if (!w->open) {
        w->open = true;
        w->opened = now;
    }
    w->last_change = now;
    w->n_changes++;
    w->scan_clean = false;
}

static void mark(MfWatcher *w, const char *path) {
    if (ignored(w, path)) return;
    note_change(w);
    if (mf_map_get(w->pending_set, path, NULL)) return;
    mf_map_put(w->pending_set, path, 0);
    MF_VEC_PUSH(&w->pending, mf_xstrdup(path));
}

/* inotify: a file written to (IN_MODIFY) and not closed since keeps the
 * batch open for the whole debounce time; once every file written to has
 * been closed (IN_CLOSE_WRITE), the writer is done and the batch closes
 * after a quarter of it.  An editor's save is one write and a close, so
 * the rebuild starts sooner; a writer that keeps a file open still gets
 * the debounce time as before. */
static void mark_write(MfWatcher *w, const char *path, bool closed) {
    if (ignored(w, path)) return;
    mark(w, path);
    uint32_t state = 0, want = closed ? 0 : 1;
    (void)mf_map_get(w->pending_set, path, &state);
    if (state == want) return;
    mf_map_put(w->pending_set, path, want);
    if (closed) w->n_writing--;
    else w->n_writing++;
}

/* Moves the collected batch into b, sorted (the set made it unique). */
static void batch_take(MfWatcher *w, MfWatchBatch *b) {
    if (w->pending.len) qsort(w->pending.items, w->pending.len, sizeof(char *), cmp_path);
    b->paths.items = w->pending.items;
    b->paths.len = w->pending.len;
    b->paths.cap = w->pending.cap;
    b->overflow = w->overflow;
    w->pending.items = NULL;
    w->pending.len = w->pending.cap = 0;
    mf_map_free(w->pending_set);
    w->pending_set = mf_map_new();
    w->n_writing = 0;
    w->open = w->overflow = false;
}

void mf_watch_batch_free(MfWatchBatch *b) {
    for (uint32_t i = 0; i < b->paths.len; i++) free(b->paths.items[i]);
    free(b->paths.items);
    b->paths.items = NULL;
    b->paths.len = b->paths.cap = 0;
    b->overflow = false;
}

/* ---- the rules ----------------------------------------------------------- */

/* Whether a non-folder entry `name` of folder `dir` (with `flags`) is
 * reported.  Dot files count in source folders (.env, .babelrc); a
 * node_modules folder's dot entries are the package manager's own
 * (.package-lock.json, .bin). */
static bool entry_reported(const MfWatcher *w, const char *dir, unsigned flags, const char *name) {
    if (flags & (W_FILES | W_TREE)) return true;
    if ((flags & (W_PACKAGES | W_SCOPE)) && name[0] != '.') return true;
    if (flags & W_LISTED) {
        const Root *r = root_at(w, dir);
        for (uint32_t i = 0; r && i < r->files.len; i++)
            if (strcmp(r->files.items[i], name) == 0) return true;
    }
    return false;
}

/* The flags of subfolder `name` (at `path`) of a folder with `flags`; 0 =
 * not watched.  node_modules is watched two levels deep only, to see
 * packages come, go and have their package.json replaced, not their
 * contents (tens of thousands of folders). */
static unsigned child_flags(const MfWatcher *w, unsigned flags, const char *path, const char *name) {
    unsigned cf = 0;
    if (name[0] == '.') return 0; /* .git, .cache, .pnpm, .bin */
    if (flags & W_TREE) cf |= strcmp(name, "node_modules") == 0 ? W_PACKAGES : W_FILES | W_TREE;
    if (flags & W_PACKAGES) cf |= name[0] == '@' ? W_SCOPE : W_FILES;
    if (flags & W_SCOPE) cf |= W_FILES;
    if (cf && ignored(w, path)) cf = 0;
    return cf;
}

/* A folder that went away is reported unless it was watched only for
 * some listed files (those are reported themselves). */
static bool dir_gone_reported(unsigned flags) {
    return (flags & ~(unsigned)W_LISTED) != 0;
}

/* ---- inotify: the table of watched paths --------------------------------- */

static uint32_t wd_head(const MfWatcher *w, int wd) {
    char key[16];
    uint32_t i;
    snprintf(key, sizeof key, "%d", wd);
    return mf_map_get(w->dir_by_wd, key, &i) ? i : MF_NONE;
}

static void wd_set_head(MfWatcher *w, int wd, uint32_t i) {
    char key[16];
    snprintf(key, sizeof key, "%d", wd);
    mf_map_put(w->dir_by_wd, key, i);
}

static uint32_t dir_find(const MfWatcher *w, const char *path) {
    uint32_t i;
    return mf_map_get(w->dir_by_path, path, &i) ? i : MF_NONE;
}

static void root_set_lost(MfWatcher *w, const char *path, bool lost) {
    Root *r = root_at(w, path);
    if (!r || r->lost == lost) return;
    r->lost = lost;
    if (lost && w->n_lost++ == 0) w->next_retry = mf_now_ms() + w->poll_ms;
    if (!lost) w->n_lost--;
}

static uint32_t dir_new(MfWatcher *w, const char *path, int wd) {
    WatchDir *d = mf_xcalloc(1, sizeof *d);
    d->path = mf_xstrdup(path);
    d->wd = wd;
    d->next = wd_head(w, wd);
    uint32_t i;
    if (w->free_dirs.len) {
        i = w->free_dirs.items[--w->free_dirs.len];
        w->dirs.items[i] = d;
    } else {
        i = w->dirs.len;
        MF_VEC_PUSH(&w->dirs, d);
    }
    wd_set_head(w, wd, i);
    mf_map_put(w->dir_by_path, path, i);
    return i;
}

/* Forgets one watched path; the kernel watch goes with the last path that
 * uses it (unless the kernel already dropped it: IN_IGNORED). */
static void dir_drop(MfWatcher *w, uint32_t i, bool kernel_gone) {
    WatchDir *d = w->dirs.items[i];
    uint32_t head = wd_head(w, d->wd);
    if (head == i) {
        wd_set_head(w, d->wd, d->next);
    } else {
        for (uint32_t j = head; j != MF_NONE; j = w->dirs.items[j]->next)
            if (w->dirs.items[j]->next == i) {
                w->dirs.items[j]->next = d->next;
                break;
            }
    }
    if (wd_head(w, d->wd) == MF_NONE && !kernel_gone) inotify_rm_watch(w->ifd, d->wd);
    mf_map_put(w->dir_by_path, d->path, MF_NONE);
    root_set_lost(w, d->path, true);
    free(d->path);
    free(d);
    w->dirs.items[i] = NULL;
    MF_VEC_PUSH(&w->free_dirs, i);
}

/* Forgets `dir` and every watched path under it: after a move their
 * watches follow the folders to a place whose name we do not know. */
static void dir_drop_tree(MfWatcher *w, const char *dir) {
    char *copy = mf_xstrdup(dir); /* dir may be one of the paths dropped */
    for (uint32_t i = 0; i < w->dirs.len; i++)
        if (w->dirs.items[i] && under(w->dirs.items[i]->path, copy)) dir_drop(w, i, false);
    free(copy);
}

static void dirs_free(MfWatcher *w) {
    for (uint32_t i = 0; i < w->dirs.len; i++)
        if (w->dirs.items[i]) {
            free(w->dirs.items[i]->path);
            free(w->dirs.items[i]);
        }
    free(w->dirs.items);
    free(w->free_dirs.items);
    w->dirs.items = NULL;
    w->free_dirs.items = NULL;
    w->dirs.len = w->dirs.cap = w->free_dirs.len = w->free_dirs.cap = 0;
    mf_map_free(w->dir_by_path);
    mf_map_free(w->dir_by_wd);
    w->dir_by_path = w->dir_by_wd = NULL;
}

static void want_polling(MfWatcher *w, int err) {
    if (w->want_poll) return;
    if (err == ENOSPC)
        w->want_poll = mf_xasprintf("the inotify watch limit is reached (sysctl "
                                    "fs.inotify.max_user_watches); polling every %d ms",
                                    w->poll_ms);
    else
        w->want_poll = mf_xasprintf("inotify failed (%s); polling every %d ms", strerror(err),
                                    w->poll_ms);
}

/* Watches `dir`; false when there is nothing (more) to list: the folder is
 * gone, or already watched with these flags (unless `force`). */
static bool inotify_enter(MfWatcher *w, const char *dir, unsigned flags, bool force) {
    uint32_t i = dir_find(w, dir);
    if (i != MF_NONE && !force && !(flags & ~w->dirs.items[i]->flags)) return false;
    int wd = inotify_add_watch(w->ifd, dir, WATCH_MASK);
    if (wd < 0) {
        if (errno == ENOSPC || errno == ENOMEM) want_polling(w, errno);
        return false; /* gone meanwhile, or unreadable: nothing to watch */
    }
    if (i != MF_NONE && w->dirs.items[i]->wd != wd) {
        /* The path names another folder than the one we watched (replaced
         * while events were lost). */
        flags |= w->dirs.items[i]->flags;
        dir_drop(w, i, false);
        i = MF_NONE;
    }
    if (i == MF_NONE) i = dir_new(w, dir, wd);
    w->dirs.items[i]->flags |= flags;
    root_set_lost(w, dir, false);
    return true;
}

/* ---- polling: the snapshot ----------------------------------------------- */

static uint64_t file_hash(const char *path) {
    char *data;
    size_t len;
    if (mf_file_read(path, &data, &len) != 0) return 0;
    uint64_t h = XXH3_64bits(data, len);
    free(data);
    return h;
}

static uint32_t snap_get(MfWatcher *w, const char *path) {
    uint32_t i;
    if (mf_map_get(w->snap_by_path, path, &i)) return i;
    i = w->snap.len;
    MF_VEC_PUSH(&w->snap, ((Snap){.path = mf_xstrdup(path)}));
    mf_map_put(w->snap_by_path, path, i);
    w->n_dead++; /* not alive until the caller says so */
    return i;
}

/* Records a file's stat; reports it when new or changed (report), or only
 * records it when it is new (a baseline of a folder just added: what the
 * last scan saw of an overlapping folder stays, so no change is lost). */
static void snap_file(MfWatcher *w, const char *path, const struct stat *st, bool report) {
    uint32_t i;
    if (!report && mf_map_get(w->snap_by_path, path, &i) && w->snap.items[i].alive) return;
    i = snap_get(w, path);
    Snap *s = &w->snap.items[i];
    int64_t mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    bool changed = !s->alive || s->is_dir || s->mtime_ns != mtime || s->size != (int64_t)st->st_size ||
                   s->ino != (uint64_t)st->st_ino || s->dev != (uint64_t)st->st_dev;
    uint64_t hash = 0;
    bool hashed = false;
    if (!changed && s->racy) {
        hash = file_hash(path);
        hashed = true;
        changed = hash != s->hash;
    }
    if (!s->alive) w->n_dead--;
    s->alive = true;
    s->is_dir = false;
    s->gen = w->gen;
    s->flags = 0;
    s->mtime_ns = mtime;
    s->size = st->st_size;
    s->ino = st->st_ino;
    s->dev = st->st_dev;
    /* Times in the future (an archive, clock skew) were not set by a write
     * just now: no need to hash those at every scan. */
    s->racy = S_ISREG(st->st_mode) && st->st_size <= RACY_MAX_SIZE &&
              mtime >= w->scan_wall_ns - RACY_NS && mtime <= w->scan_wall_ns + RACY_NS;
    if (s->racy) s->hash = hashed ? hash : file_hash(path);
    if (changed && report) mark(w, path);
}

/* Records a folder for this scan; false when this scan already walked it
 * with these flags (two roots overlap). */
static bool poll_enter(MfWatcher *w, const char *dir, unsigned flags, bool report) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    uint32_t i;
    bool known = mf_map_get(w->snap_by_path, dir, &i);
    if (known) {
        Snap *s = &w->snap.items[i];
        if (s->alive && s->is_dir && s->gen == w->gen && !(flags & ~s->flags)) return false;
        if (s->alive && !s->is_dir && report) mark(w, dir); /* a file became a folder */
    }
    i = snap_get(w, dir);
    Snap *s = &w->snap.items[i];
    if (!s->alive || !s->is_dir || s->gen != w->gen) s->flags = 0;
    if (!s->alive) w->n_dead--;
    s->alive = s->is_dir = true;
    s->racy = false;
    s->gen = w->gen;
    s->flags |= flags;
    return true;
}

/* Drops dead entries once they are the majority, so a long session that
 * creates and deletes many files keeps a snapshot its own size. */
static void snap_compact(MfWatcher *w) {
    if (w->n_dead < 1024 || w->n_dead * 2 < w->snap.len) return;
    mf_map_free(w->snap_by_path);
    w->snap_by_path = mf_map_new();
    uint32_t n = 0;
    for (uint32_t i = 0; i < w->snap.len; i++) {
        if (!w->snap.items[i].alive) {
            free(w->snap.items[i].path);
            continue;
        }
        w->snap.items[n] = w->snap.items[i];
        mf_map_put(w->snap_by_path, w->snap.items[n].path, n);
        n++;
    }
    w->snap.len = n;
    w->n_dead = 0;
}

/* One polling round: walk everything, then whatever was not seen is gone. */
static void poll_scan(MfWatcher *w) {
    uint32_t before = w->n_changes;
    w->gen++;
    w->scan_wall_ns = wall_ns();
    for (uint32_t i = 0; i < w->roots.len; i++)
        walk(w, w->roots.items[i].path, w->roots.items[i].flags, true, false);
    for (uint32_t i = 0; i < w->snap.len; i++) {
        Snap *s = &w->snap.items[i];
        if (!s->alive || s->gen == w->gen) continue;
        if (!s->is_dir || dir_gone_reported(s->flags)) mark(w, s->path);
        s->alive = false;
        w->n_dead++;
    }
    snap_compact(w);
    w->scan_clean = w->n_changes == before;
}

static void snap_free(MfWatcher *w) {
    for (uint32_t i = 0; i < w->snap.len; i++) free(w->snap.items[i].path);
    free(w->snap.items);
    mf_map_free(w->snap_by_path);
}

/* ---- the walk, both modes ------------------------------------------------ */

static void file_seen(MfWatcher *w, int dfd, const char *name, const char *path, bool report) {
    if (w->ifd >= 0) {
        if (report) mark(w, path);
        return;
    }
    struct stat st;
    /* A link is judged by its target, unless that is a folder we do not
     * follow or missing: then by the link itself. */
    if (fstatat(dfd, name, &st, 0) != 0 || S_ISDIR(st.st_mode))
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    snap_file(w, path, &st, report);
}

/* Watches (inotify) or records (polling) the folder `dir` with `flags` and
 * what those cover inside it.  report: what is found is new (a folder that
 * appeared) rather than the starting state.  force: walk folders already
 * watched with these flags too (after lost events).  Links to folders are
 * followed only for packages (pnpm and workspaces link them), never in a
 * recursive walk, so a link cycle cannot make it loop. */
static void walk(MfWatcher *w, const char *dir, unsigned flags, bool report, bool force) {
    const Root *r = root_at(w, dir);
    if (r) flags |= r->flags;
    if (w->want_poll) return;
    bool go = w->ifd >= 0 ? inotify_enter(w, dir, flags, force) : poll_enter(w, dir, flags, report);
    if (!go) return;
    DIR *d = opendir(dir);
    if (!d) return;
    int dfd = dirfd(d);
    struct dirent *de;
    while ((de = readdir(d)) && !w->want_poll) {
        const char *name = de->d_name;
        if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))) continue;
        unsigned char type = de->d_type;
        struct stat st;
        if (type == DT_UNKNOWN) { /* some filesystems do not fill d_type */
            if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        bool is_dir = type == DT_DIR;
        if (type == DT_LNK && (flags & (W_PACKAGES | W_SCOPE)))
            is_dir = fstatat(dfd, name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        char *path = join(dir, name);
        if (is_dir) {
            unsigned cf = child_flags(w, flags, path, name);
            if (cf) walk(w, path, cf, report, force);
        } else if (entry_reported(w, dir, flags, name)) {
            file_seen(w, dfd, name, path, report);
        }
        free(path);
    }
    closedir(d);
}

/* ---- inotify: events ----------------------------------------------------- */

/* Switches to polling (the watch limit was reached).  lost: changes may
 * have happened unseen in between, so the next batch says `overflow`. */
static void go_polling(MfWatcher *w, bool lost) {
    free(w->poll_reason);
    w->poll_reason = w->want_poll;
    w->want_poll = NULL;
    if (w->ifd >= 0) close(w->ifd);
    w->ifd = -1;
    dirs_free(w);
    for (uint32_t i = 0; i < w->roots.len; i++) w->roots.items[i].lost = false;
    w->n_lost = 0;
    w->scan_wall_ns = wall_ns();
    for (uint32_t i = 0; i < w->roots.len; i++)
        walk(w, w->roots.items[i].path, w->roots.items[i].flags, false, false);
    w->next_scan = mf_now_ms() + w->poll_ms;
    if (lost) {
        w->overflow = true;
        note_change(w);
    }
}

/* A root went away (deleted, moved, unmounted): report it, or the files
 * listed in it. */
static void root_gone(MfWatcher *w, const char *path) {
    Root *r = root_at(w, path);
    if (!r) return;
    if (dir_gone_reported(r->flags)) mark(w, path);
    for (uint32_t i = 0; i < r->files.len; i++) {
        char *f = join(path, r->files.items[i]);
        mark(w, f);
        free(f);
    }
}

/* The kernel queue overflowed: events are lost, folders may have come or
 * gone unseen.  The caller rebuilds everything; we re-sync the watches. */
static void on_overflow(MfWatcher *w) {
    w->overflow = true;
    note_change(w);
    for (uint32_t i = 0; i < w->dirs.len; i++)
        if (w->dirs.items[i] && !mf_dir_exists(w->dirs.items[i]->path)) dir_drop(w, i, false);
    for (uint32_t i = 0; i < w->roots.len; i++)
        if (mf_dir_exists(w->roots.items[i].path))
            walk(w, w->roots.items[i].path, w->roots.items[i].flags, false, true);
}

/* One event for one of the paths watched by its descriptor. */
static void on_dir_event(MfWatcher *w, uint32_t idx, const struct inotify_event *ev) {
    WatchDir *d = w->dirs.items[idx];
    if (ev->mask & IN_IGNORED) {
        dir_drop(w, idx, true);
        return;
    }
    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
        /* Inside a watched folder the parent's event reports it (and a move
         * has been handled by the time this comes); a root has no parent. */
        root_gone(w, d->path);
        if (ev->mask & IN_MOVE_SELF) dir_drop_tree(w, d->path);
        else dir_drop(w, idx, false);
        return;
    }
    if (!ev->len || !ev->name[0]) return;
    char *dir = mf_xstrdup(d->path); /* d may be dropped below */
    unsigned flags = d->flags;
    const char *name = ev->name;
    char *path = join(dir, name);
    bool is_dir = ev->mask & IN_ISDIR;
    bool packages = flags & (W_PACKAGES | W_SCOPE);
    struct stat st;
    if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
        /* A package may be a link to a folder (pnpm, workspaces). */
        bool link_dir = !is_dir && packages && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir || link_dir) {
            unsigned cf = child_flags(w, flags, path, name);
            if (cf) walk(w, path, cf, true, true);
            if (cf && link_dir) mark(w, path);
        } else if (entry_reported(w, dir, flags, name)) {
            mark(w, path);
        }
    } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
        if (is_dir) {
            unsigned cf = child_flags(w, flags, path, name);
            if (cf) mark(w, path);
            /* Deleted: its own watch is already gone with its contents.
             * Moved away: the watches below moved with it. */
            if (ev->mask & IN_MOVED_FROM) dir_drop_tree(w, path);
            else if (dir_find(w, path) != MF_NONE) dir_drop(w, dir_find(w, path), false);
        } else {
            if (entry_reported(w, dir, flags, name)) mark(w, path);
            uint32_t linked = packages ? dir_find(w, path) : MF_NONE; /* a linked package */
            if (linked != MF_NONE) dir_drop(w, linked, false);
        }
    } else if (ev->mask & (IN_MODIFY | IN_CLOSE_WRITE)) {
        if (!is_dir && entry_reported(w, dir, flags, name)) mark_write(w, path, ev->mask & IN_CLOSE_WRITE);
    }
    free(path);
    free(dir);
}

static void on_event(MfWatcher *w, const struct inotify_event *ev) {
    if (ev->mask & IN_Q_OVERFLOW) {
        on_overflow(w);
        return;
    }
    /* The paths of this descriptor, copied: handling one may drop others. */
    uint32_t ids[8];
    int n = 0;
    for (uint32_t i = wd_head(w, ev->wd); i != MF_NONE && n < 8; i = w->dirs.items[i]->next)
        ids[n++] = i;
    for (int k = 0; k < n && !w->want_poll; k++)
        if (w->dirs.items[ids[k]] && w->dirs.items[ids[k]]->wd == ev->wd) on_dir_event(w, ids[k], ev);
}

/* Reads what the kernel has queued, until the queue is empty (bounded, so
 * a storm of events cannot keep the batch from closing). */
static void inotify_read(MfWatcher *w) {
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (int round = 0; round < 64 && w->ifd >= 0; round++) {
        ssize_t n = read(w->ifd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            on_event(w, ev);
            p += sizeof *ev + ev->len;
            if (w->want_poll) {
                go_polling(w, true);
                return;
            }
        }
    }
}

/* Watches again the roots that went away and have come back. */
static void retry_lost(MfWatcher *w) {
    for (uint32_t i = 0; i < w->roots.len && w->ifd >= 0; i++) {
        Root *r = &w->roots.items[i];
        if (r->lost && mf_dir_exists(r->path)) walk(w, r->path, r->flags, true, true);
        if (w->want_poll) go_polling(w, true);
    }
}

/* ---- the public interface ------------------------------------------------ */

MfWatcher *mf_watcher_new(const MfWatchOptions *opts, MfLog *log) {
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_WATCH, NULL, NULL, 0, 0, 0,
                   "Cannot start the file watcher: eventfd: %s", strerror(errno));
        return NULL;
    }
    MfWatcher *w = mf_xcalloc(1, sizeof *w);
    w->efd = efd;
    w->ifd = -1;
    w->debounce_ms = opts->debounce_ms > 0 ? opts->debounce_ms : 0;
    w->poll_ms = opts->poll_interval_ms > 0 ? opts->poll_interval_ms : 100;
    w->cap_ms = w->debounce_ms * 50 > 200 ? w->debounce_ms * 50 : 200;
    for (int i = 0; i < opts->n_ignore; i++)
        MF_VEC_PUSH(&w->ignore, mf_path_absolute(opts->ignore[i]));
    w->root_by_path = mf_map_new();
    w->dir_by_path = mf_map_new();
    w->dir_by_wd = mf_map_new();
    w->snap_by_path = mf_map_new();
    w->pending_set = mf_map_new();
    w->gen = 1;
    if (!opts->poll) {
        w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->ifd < 0) {
            want_polling(w, errno);
            go_polling(w, false);
        }
    }
    w->next_scan = mf_now_ms() + w->poll_ms;
    return w;
}

void mf_watcher_free(MfWatcher *w) {
    if (!w) return;
    if (w->ifd >= 0) close(w->ifd); /* drops every kernel watch */
    close(w->efd);
    dirs_free(w);
    snap_free(w);
    for (uint32_t i = 0; i < w->roots.len; i++) {
        Root *r = &w->roots.items[i];
        for (uint32_t j = 0; j < r->files.len; j++) free(r->files.items[j]);
        free(r->files.items);
        free(r->path);
    }
    free(w->roots.items);
    mf_map_free(w->root_by_path);
    for (uint32_t i = 0; i < w->ignore.len; i++) free(w->ignore.items[i]);
    free(w->ignore.items);
    for (uint32_t i = 0; i < w->pending.len; i++) free(w->pending.items[i]);
    free(w->pending.items);
    mf_map_free(w->pending_set);
    free(w->poll_reason);
    free(w->want_poll);
    free(w);
}

bool mf_watcher_polling(const MfWatcher *w) {
    return w->ifd < 0;
}

const char *mf_watcher_poll_reason(const MfWatcher *w) {
    return w->poll_reason;
}

static uint32_t root_add(MfWatcher *w, const char *path, unsigned flags) {
    uint32_t i;
    if (!mf_map_get(w->root_by_path, path, &i)) {
        i = w->roots.len;
        MF_VEC_PUSH(&w->roots, ((Root){.path = mf_xstrdup(path)}));
        mf_map_put(w->root_by_path, path, i);
    }
    w->roots.items[i].flags |= flags;
    return i;
}

/* Takes the starting state of a root: nothing found is reported. */
static void root_walk(MfWatcher *w, uint32_t i) {
    if (w->ifd < 0) w->scan_wall_ns = wall_ns();
    walk(w, w->roots.items[i].path, w->roots.items[i].flags, false, false);
    if (w->want_poll) go_polling(w, w->waited);
}

bool mf_watcher_add_dir(MfWatcher *w, const char *dir, bool recursive) {
    char *path = mf_path_absolute(dir);
    bool ok = mf_dir_exists(path);
    if (ok) root_walk(w, root_add(w, path, W_FILES | (recursive ? W_TREE : 0)));
    free(path);
    return ok;
}

bool mf_watcher_add_file(MfWatcher *w, const char *file) {
    char *path = mf_path_absolute(file);
    char *dir = mf_path_dirname(path);
    const char *name = mf_path_basename(path);
    bool ok = mf_dir_exists(dir) && name[0];
    if (ok) {
        uint32_t i = root_add(w, dir, W_LISTED);
        Root *r = &w->roots.items[i];
        bool listed = false;
        for (uint32_t j = 0; j < r->files.len && !listed; j++)
            listed = strcmp(r->files.items[j], name) == 0;
        if (!listed) MF_VEC_PUSH(&r->files, mf_xstrdup(name));
        root_walk(w, i);
        struct stat st;
        /* The folder may have been walked already (it is watched for other
         * reasons): record the file itself. */
        if (w->ifd < 0 && stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) snap_file(w, path, &st, false);
    }
    free(dir);
    free(path);
    return ok;
}

int mf_watcher_wait(MfWatcher *w, int timeout_ms, MfWatchBatch *b) {
    w->waited = true;
    uint64_t count;
    if (read(w->efd, &count, sizeof count) == sizeof count) return -1; /* interrupted before */
    double deadline = timeout_ms < 0 ? INFINITY : mf_now_ms() + timeout_ms;
    for (;;) {
        double now = mf_now_ms();
        bool polling = w->ifd < 0;
        /* A batch closes after debounce_ms of quiet (polling: and a scan
         * that found nothing new since; inotify: a quarter of it when no
         * file is left half-written, see mark_write), or at the cap. */
        double quiet_ms = !polling && w->n_writing == 0 ? w->debounce_ms / 4.0 : w->debounce_ms;
        if (w->open) {
            bool quiet = now - w->last_change >= quiet_ms && (!polling || w->scan_clean);
            if (quiet || now - w->opened >= w->cap_ms) {
                batch_take(w, b);
                return 1;
            }
        }
        double wake;
        if (w->open) {
            wake = w->opened + w->cap_ms;
            if (!polling || w->scan_clean) wake = fmin(wake, w->last_change + quiet_ms);
        } else {
            wake = deadline;
        }
        if (polling) wake = fmin(wake, w->next_scan);
        else if (w->n_lost) wake = fmin(wake, w->next_retry);
        /* ppoll, not poll: a whole-millisecond timeout would round the
         * 2 ms debounce up to 3, half the rebuild time of an edit. */
        struct timespec ts, *tsp = NULL;
        if (isfinite(wake)) {
            double left = wake <= now ? 0 : fmin(wake - now, 86400e3);
            ts.tv_sec = (time_t)(left / 1000);
            ts.tv_nsec = (long)((left - (double)ts.tv_sec * 1000) * 1e6);
            tsp = &ts;
        }

        struct pollfd fds[2] = {{.fd = w->efd, .events = POLLIN}, {.fd = w->ifd, .events = POLLIN}};
        int r = ppoll(fds, polling ? 1 : 2, tsp, NULL);
        if (r > 0 && (fds[0].revents & POLLIN)) {
            if (read(w->efd, &count, sizeof count) < 0) { /* already drained: fine */ }
            return -1;
        }
        if (r > 0 && !polling && fds[1].revents) inotify_read(w);

        now = mf_now_ms();
        if (w->ifd < 0 && now >= w->next_scan) {
            poll_scan(w);
            w->next_scan = mf_now_ms() + w->poll_ms;
        } else if (w->ifd >= 0 && w->n_lost && now >= w->next_retry) {
            retry_lost(w);
            w->next_retry = mf_now_ms() + w->poll_ms;
        }
        if (!w->open && mf_now_ms() >= deadline) return 0;
    }
}

void mf_watcher_interrupt(MfWatcher *w) {
    /* Only write(): this runs in signal handlers. */
    int saved = errno;
    uint64_t one = 1;
    if (write(w->efd, &one, sizeof one) < 0) { /* counter full: already interrupted */ }
    errno = saved;
}
