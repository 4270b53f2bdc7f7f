/*
 * util.c — the small toolbox every phase uses: arenas, growable buffers,
 * checked allocation, whole-file reads, path arithmetic, a string-keyed hash
 * map and an edit distance for "did you mean" hints.
 *
 * Arenas follow STYLE.md 5: one per module and one per build, freed as a
 * unit.  Under -DMF_ARENA_MALLOC (make asan) each allocation is its own
 * malloc chained on a list, so AddressSanitizer sees every object's bounds.
 */
#include "mfbuild.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- checked allocation ------------------------------------------------ */

static void oom(void) {
    fputs("mfbuild: out of memory\n", stderr);
    abort();
}

void *mf_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *mf_xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) oom();
    return p;
}

void *mf_xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) oom();
    return p;
}

char *mf_xstrdup(const char *s) {
    return mf_xstrndup(s, strlen(s));
}

char *mf_xstrndup(const char *s, size_t n) {
    char *p = mf_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *mf_xasprintf(const char *fmt, ...) {
    MfBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    mf_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return mf_buf_steal(&b);
}

/* ---- arena ------------------------------------------------------------- */

#define ARENA_BLOCK (64 * 1024)

typedef struct ArenaBlock {
    struct ArenaBlock *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} ArenaBlock;

struct MfArena {
    ArenaBlock *head;
};

MfArena *mf_arena_new(void) {
    return mf_xcalloc(1, sizeof(MfArena));
}

void mf_arena_free(MfArena *a) {
    if (!a) return;
    for (ArenaBlock *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *mf_arena_alloc(MfArena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
#ifdef MF_ARENA_MALLOC
    /* One block per allocation: the sanitizers see exact bounds. */
    ArenaBlock *b = mf_xcalloc(1, sizeof(ArenaBlock) + (n ? n : 16));
    b->size = b->used = n;
    b->next = a->head;
    a->head = b;
    return b->data;
#else
    ArenaBlock *b = a->head;
    if (!b || b->size - b->used < n) {
        if (n > ARENA_BLOCK / 4) {
            /* Large object: its own block, kept behind the current one so
             * the current block's free space is not wasted. */
            ArenaBlock *big = mf_xmalloc(sizeof(ArenaBlock) + n);
            big->size = big->used = n;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                big->next = NULL;
                a->head = big;
            }
            memset(big->data, 0, n);
            return big->data;
        }
        b = mf_xmalloc(sizeof(ArenaBlock) + ARENA_BLOCK);
        b->size = ARENA_BLOCK;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
#endif
}

char *mf_arena_strndup(MfArena *a, const char *s, size_t n) {
    char *p = mf_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *mf_arena_strdup(MfArena *a, const char *s) {
    return s ? mf_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mf_arena_printf(MfArena *a, const char *fmt, ...) {
    /* Most results are short: format on the stack, copy once. */
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof tmp) return mf_arena_strndup(a, tmp, (size_t)n);
    MfBuf b = {0};
    va_start(ap, fmt);
    mf_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *s = mf_arena_strndup(a, b.data ? b.data : "", b.len);
    mf_buf_free(&b);
    return s;
}

/* ---- buffers ----------------------------------------------------------- */

static void buf_reserve(MfBuf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = mf_xrealloc(b->data, cap);
    b->cap = cap;
}

void mf_buf_append(MfBuf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void mf_buf_puts(MfBuf *b, const char *s) {
    mf_buf_append(b, s, strlen(s));
}

void mf_buf_putc(MfBuf *b, char c) {
    mf_buf_append(b, &c, 1);
}

void mf_buf_vprintf(MfBuf *b, const char *fmt, va_list ap) {
    /* Formats into the spare room first: one vsnprintf for the usual short
     * text (ids, numbers), a second one only when it did not fit. */
    va_list ap2;
    va_copy(ap2, ap);
    buf_reserve(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = 0;
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void mf_buf_printf(MfBuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mf_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void mf_buf_json_string(MfBuf *b, const char *s) {
    mf_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': mf_buf_puts(b, "\\\""); break;
        case '\\': mf_buf_puts(b, "\\\\"); break;
        case '\n': mf_buf_puts(b, "\\n"); break;
        case '\r': mf_buf_puts(b, "\\r"); break;
        case '\t': mf_buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) mf_buf_printf(b, "\\u%04x", *p);
            else mf_buf_putc(b, (char)*p);
        }
    }
    mf_buf_putc(b, '"');
}

char *mf_buf_steal(MfBuf *b) {
    char *s = b->data ? b->data : mf_xstrdup("");
    *b = (MfBuf){0};
    return s;
}

void mf_buf_free(MfBuf *b) {
    free(b->data);
    *b = (MfBuf){0};
}

/* ---- files ------------------------------------------------------------- */

int mf_file_read(const char *path, char **out, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) goto fail;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto fail;
    }
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size : 4096, n = 0;
    char *data = mf_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            data = mf_xrealloc(data, cap + 1);
        }
        ssize_t r = read(fd, data + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(data);
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    data[n] = 0;
    *out = data;
    *len = n;
    return 0;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

bool mf_file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool mf_dir_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- paths ------------------------------------------------------------- */

char *mf_path_normalize(const char *path) {
    size_t n = strlen(path);
    bool abs = path[0] == '/';
    /* Segment stack over a copy of the path. */
    char *copy = mf_xstrdup(path);
    const char **segs = mf_xmalloc((n / 2 + 2) * sizeof(char *));
    size_t nseg = 0;
    for (char *save = NULL, *s = strtok_r(copy, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (strcmp(s, ".") == 0) continue;
        if (strcmp(s, "..") == 0) {
            if (nseg > 0 && strcmp(segs[nseg - 1], "..") != 0) {
                nseg--;
                continue;
            }
            if (abs) continue; /* "/.." is "/" */
        }
        segs[nseg++] = s;
    }
    MfBuf b = {0};
    if (abs) mf_buf_putc(&b, '/');
    for (size_t i = 0; i < nseg; i++) {
        if (i) mf_buf_putc(&b, '/');
        mf_buf_puts(&b, segs[i]);
    }
    if (b.len == 0) mf_buf_putc(&b, '.');
    free(segs);
    free(copy);
    return mf_buf_steal(&b);
}

char *mf_path_join(const char *dir, const char *rel) {
    if (rel[0] == '/') return mf_path_normalize(rel);
    char *joined = mf_xasprintf("%s/%s", dir, rel);
    char *norm = mf_path_normalize(joined);
    free(joined);
    return norm;
}

char *mf_path_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return mf_xstrdup(".");
    if (slash == path) return mf_xstrdup("/");
    return mf_xstrndup(path, (size_t)(slash - path));
}

const char *mf_path_basename(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

const char *mf_path_ext(const char *path) {
    const char *base = mf_path_basename(path);
    const char *dot = strrchr(base, '.');
    return (dot && dot != base) ? dot : base + strlen(base);
}

char *mf_path_relative(const char *from_dir, const char *to) {
    /* Both absolute and normalized: strip the common folder prefix, then
     * climb with ".." for each remaining segment of from_dir. */
    if (strcmp(from_dir, "/") == 0) return mf_xstrdup(to[1] ? to + 1 : ".");
    size_t common = 0, i = 0;
    for (; from_dir[i] && from_dir[i] == to[i]; i++)
        if (from_dir[i] == '/') common = i;
    if (!from_dir[i] && (to[i] == '/' || !to[i])) common = i;
    MfBuf b = {0};
    const char *rest_from = from_dir + common;
    for (const char *p = rest_from; *p; p++)
        if (*p == '/') mf_buf_puts(&b, b.len ? "/.." : "..");
    const char *rest_to = to + common;
    if (*rest_to == '/') rest_to++;
    if (*rest_to) {
        if (b.len) mf_buf_putc(&b, '/');
        mf_buf_puts(&b, rest_to);
    }
    if (b.len == 0) mf_buf_putc(&b, '.');
    return mf_buf_steal(&b);
}

char *mf_path_realpath(const char *path) {
    return realpath(path, NULL);
}

char *mf_path_absolute(const char *path) {
    if (path[0] == '/') return mf_path_normalize(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return mf_path_normalize(path);
    return mf_path_join(cwd, path);
}

/* ---- hash map ---------------------------------------------------------- */

typedef struct {
    char *key; /* NULL = empty slot */
    uint64_t hash;
    uint32_t value;
} MapSlot;

struct MfMap {
    MapSlot *slots;
    uint32_t cap, count;
};

static uint64_t map_hash(const char *s) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

MfMap *mf_map_new(void) {
    MfMap *m = mf_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = mf_xcalloc(m->cap, sizeof(MapSlot));
    return m;
}

void mf_map_free(MfMap *m) {
    if (!m) return;
    for (uint32_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    free(m);
}

static MapSlot *map_find(const MfMap *m, const char *key, uint64_t h) {
    uint32_t mask = m->cap - 1;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        MapSlot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0)) return s;
    }
}

bool mf_map_get(const MfMap *m, const char *key, uint32_t *out) {
    MapSlot *s = map_find(m, key, map_hash(key));
    if (!s->key) return false;
    if (out) *out = s->value;
    return true;
}

void mf_map_put(MfMap *m, const char *key, uint32_t value) {
    if ((m->count + 1) * 4 > m->cap * 3) {
        MapSlot *old = m->slots;
        uint32_t old_cap = m->cap;
        m->cap *= 2;
        m->slots = mf_xcalloc(m->cap, sizeof(MapSlot));
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i].key) *map_find(m, old[i].key, old[i].hash) = old[i];
        free(old);
    }
    uint64_t h = map_hash(key);
    MapSlot *s = map_find(m, key, h);
    if (!s->key) {
        s->key = mf_xstrdup(key);
        s->hash = h;
        m->count++;
    }
    s->value = value;
}

uint32_t mf_map_count(const MfMap *m) {
    return m->count;
}

/* ---- misc -------------------------------------------------------------- */

unsigned mf_edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 1000; /* hints are for short names */
    unsigned row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned prev = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned cur = row[j];
            unsigned cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            unsigned best = prev + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

double mf_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
