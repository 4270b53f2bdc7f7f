/*
 * devserver.c — the HTTP server of `mfbuild dev`.
 *
 * libmicrohttpd parses HTTP; this file decides what to answer.  The build
 * loop publishes each finished build as an immutable snapshot (paths and
 * bytes copied, indexed by an MfMap) and swaps it in under a mutex; every
 * response holds a reference to the snapshot it was cut from, so a publish
 * in the middle of a download neither blocks nor tears it, and the bytes
 * are never copied per request.  Nothing is read from disk: only exact
 * published paths exist, which is what makes the path checks below simple
 * to trust.
 *
 * Hot updates go out as Server-Sent Events on /__mfbuild/events.  Each
 * message gets a sequence number and waits in a small ring; every stream
 * keeps its own cursor into it, so several messages sent in a burst reach
 * each client once each, in order.  MHD runs a thread per connection
 * (MHD_USE_THREAD_PER_CONNECTION), which lets a stream simply block in its
 * content-reader callback on a condition variable until the next message,
 * a 15 s keep-alive ping, or stop.
 *
 * We bind the listening socket ourselves and hand it to MHD
 * (MHD_OPTION_LISTEN_SOCKET): MHD's own bind failure is a bare NULL, and a
 * busy port is the most common way `mfbuild dev` fails to start, so it
 * deserves a message that says so and how to pick another.
 */
#include "mfbuild.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_PATH "__mfbuild/events"
#define RING 64              /* messages kept for streams that lag behind */
#define PING_SECONDS 15      /* below the idle timeout of common proxies (30-60 s) */
#define IDLE_TIMEOUT 120     /* seconds before MHD drops an idle keep-alive connection */

/* One published build.  Immutable once built; freed when the server and
 * the last response cut from it have let go. */
typedef struct Snapshot {
    atomic_uint refs;
    MfArena *arena;          /* paths and bytes */
    MfMap *index;            /* path -> index into files */
    MfServedFile *files;
} Snapshot;

struct MfDevServer {
    struct MHD_Daemon *mhd;
    int port;
    pthread_mutex_t mu;      /* guards everything below */
    pthread_cond_t wake;     /* a message was sent, or the server is stopping */
    Snapshot *snap;          /* NULL until the first publish */
    char *ring[RING];        /* message #i, formatted, at ring[i % RING] */
    uint64_t n_sent;         /* messages sent so far: the next one's number */
    bool stopping;
};

/* One SSE connection. */
typedef struct Stream {
    MfDevServer *s;
    uint64_t cursor;         /* number of the next message to deliver */
    MfBuf out;               /* formatted bytes not yet handed to MHD */
    size_t out_off;
} Stream;

/* ---- snapshots --------------------------------------------------------- */

static Snapshot *snapshot_new(const MfServedFile *files, uint32_t n) {
    Snapshot *snap = mf_xcalloc(1, sizeof *snap);
    atomic_init(&snap->refs, 1);
    snap->arena = mf_arena_new();
    snap->index = mf_map_new();
    snap->files = mf_arena_alloc(snap->arena, (size_t)n * sizeof *snap->files);
    for (uint32_t i = 0; i < n; i++) {
        char *data = mf_arena_alloc(snap->arena, files[i].len + 1);
        if (files[i].len) memcpy(data, files[i].data, files[i].len);
        snap->files[i] = (MfServedFile){
            .path = mf_arena_strdup(snap->arena, files[i].path),
            .data = data,
            .len = files[i].len,
        };
        /* A path given twice: the later one wins, as if written in order. */
        mf_map_put(snap->index, files[i].path, i);
    }
    return snap;
}

static void snapshot_unref(Snapshot *snap) {
    if (!snap || atomic_fetch_sub(&snap->refs, 1) != 1) return;
    mf_map_free(snap->index);
    mf_arena_free(snap->arena);
    free(snap);
}

/* MHD's free callback of a response cut from a snapshot. */
static void snapshot_release(void *cls) {
    snapshot_unref(cls);
}

/* The current snapshot with a reference for the caller, or NULL before the
 * first publish. */
static Snapshot *snapshot_acquire(MfDevServer *s) {
    pthread_mutex_lock(&s->mu);
    Snapshot *snap = s->snap;
    if (snap) atomic_fetch_add(&snap->refs, 1);
    pthread_mutex_unlock(&s->mu);
    return snap;
}

/* ---- request paths ----------------------------------------------------- */

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The published path a request URL names ("/a/b.js" -> "a/b.js", "/" ->
 * "index.html", "/dir/" -> "dir/index.html"), caller frees; NULL when the
 * URL is one we refuse.  `url` arrives still percent-encoded (see
 * keep_escaped) and the checks run after decoding, on the path the client
 * meant: "%2e%2e" is "..", "..%2f" is "../", "%00" is a NUL we can see.
 * (A raw NUL byte in the request line, which is not HTTP and no browser
 * sends, is cut by MHD 0.9.75 before we see the URL: "/a.js\0x" arrives
 * as "/a.js", a published path that could be asked for anyway.) */
static char *request_path(const char *url) {
    if (url[0] != '/') return NULL; /* "*", absolute-form "http://..." */
    size_t n = strcspn(url, "?#");  /* MHD already cut the query; be sure */
    MfBuf b = {0};
    for (size_t i = 1; i < n; i++) {
        char c = url[i];
        if (c == '%') {
            int hi = i + 2 < n ? hex_value(url[i + 1]) : -1;
            int lo = i + 2 < n ? hex_value(url[i + 2]) : -1;
            if (hi < 0 || lo < 0) goto refuse; /* "%zz", a cut-off "%4" */
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0' || c == '\\') goto refuse;
        mf_buf_putc(&b, c);
    }
    /* Segments: none may be empty (except the last, "dir/"), "." or "..". */
    const char *p = b.data ? b.data : "";
    for (;;) {
        size_t len = strcspn(p, "/");
        bool last = p[len] == '\0';
        if (len == 0 && !last) goto refuse;
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) goto refuse;
        if (last) break;
        p += len + 1;
    }
    if (b.len == 0 || b.data[b.len - 1] == '/') mf_buf_puts(&b, "index.html");
    return mf_buf_steal(&b);
refuse:
    mf_buf_free(&b);
    return NULL;
}

/* MHD_OPTION_UNESCAPE_CALLBACK that leaves the URL as sent.  MHD's own
 * unescaper decodes "%00" into a NUL inside the C string it hands us, so
 * "/main.js%00.txt" would silently arrive as "/main.js"; decoding in
 * request_path instead lets us refuse it.  (The query arguments stay
 * escaped too; nothing here reads them.) */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
    return strlen(s);
}

/* ---- responses --------------------------------------------------------- */

const char *mf_mime_type(const char *path) {
    static const struct { const char *ext, *type; } types[] = {
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"cjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"json", "application/json; charset=utf-8"},
        {"map", "application/json; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"avif", "image/avif"},
        {"ico", "image/x-icon"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
        {"otf", "font/otf"},
        {"wasm", "application/wasm"},
        {"txt", "text/plain; charset=utf-8"},
    };
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) {
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0) return types[i].type;
    }
    return "application/octet-stream";
}

/* Queues `r` with the headers every response carries, then drops our
 * reference (MHD keeps its own until the response is sent). */
static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
                               struct MHD_Response *r, const char *type) {
    if (!r) return MHD_NO; /* out of memory inside MHD: it closes the connection */
    MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    if (type) MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static struct MHD_Response *text_response(const char *text) {
    return MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status, const char *text) {
    return respond(c, status, text_response(text), "text/plain; charset=utf-8");
}

/* ---- events (SSE) ------------------------------------------------------ */

/* Appends the messages the stream has not seen yet to its buffer; under
 * s->mu. */
static void stream_take_messages(Stream *st) {
    MfDevServer *s = st->s;
    /* A client that fell RING messages behind (a stalled socket) skips the
     * oldest: each message describes a whole update, and the newest ones
     * describe the current state. */
    if (s->n_sent - st->cursor > RING) st->cursor = s->n_sent - RING;
    for (; st->cursor < s->n_sent; st->cursor++) mf_buf_puts(&st->out, s->ring[st->cursor % RING]);
}

/* MHD's content reader for a stream: hands over what is buffered, else
 * blocks until there is a message, a ping is due, or the server stops. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
    Stream *st = cls;
    MfDevServer *s = st->s;
    if (st->out_off == st->out.len) {
        st->out.len = st->out_off = 0;
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += PING_SECONDS;
        pthread_mutex_lock(&s->mu);
        while (!s->stopping && st->cursor == s->n_sent)
            if (pthread_cond_timedwait(&s->wake, &s->mu, &deadline) == ETIMEDOUT) break;
        if (s->stopping) {
            pthread_mutex_unlock(&s->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (st->cursor == s->n_sent) mf_buf_puts(&st->out, ": ping\n\n");
        else stream_take_messages(st);
        pthread_mutex_unlock(&s->mu);
    }
    size_t n = st->out.len - st->out_off;
    if (n > max) n = max;
    memcpy(buf, st->out.data + st->out_off, n);
    st->out_off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls) {
    Stream *st = cls;
    mf_buf_free(&st->out);
    free(st);
}

static enum MHD_Result respond_events(MfDevServer *s, struct MHD_Connection *c, bool head) {
    /* Plain: EventSource compares the type, and SSE is UTF-8 by definition. */
    const char *type = "text/event-stream";
    if (head) return respond(c, MHD_HTTP_OK, text_response(""), type);
    Stream *st = mf_xcalloc(1, sizeof *st);
    st->s = s;
    /* Browsers wait 3 s by default before reconnecting; a restarted
     * `mfbuild dev` is back sooner than that. */
    mf_buf_puts(&st->out, "retry: 1000\n\n");
    pthread_mutex_lock(&s->mu);
    st->cursor = s->n_sent ? s->n_sent - 1 : 0; /* the last message first */
    pthread_mutex_unlock(&s->mu);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    /* Tells nginx-style proxies not to buffer the stream. */
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    return respond(c, MHD_HTTP_OK, r, type);
}

/* ---- requests ---------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    MfDevServer *s = cls;
    /* Every answer is decided on the first call, before any request body
     * is read; MHD then closes a connection whose body was left unread. */
    if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
        struct MHD_Response *r = text_response("");
        if (r) {
            MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
            MHD_add_response_header(r, "Access-Control-Allow-Headers", "*");
            MHD_add_response_header(r, "Access-Control-Max-Age", "86400");
        }
        return respond(c, MHD_HTTP_NO_CONTENT, r, NULL);
    }
    bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (!head && strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
        struct MHD_Response *r = text_response("mfbuild: method not allowed\n");
        if (r) MHD_add_response_header(r, "Allow", "GET, HEAD, OPTIONS");
        return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, r, "text/plain; charset=utf-8");
    }

    char *path = request_path(url);
    if (!path) return respond_text(c, MHD_HTTP_NOT_FOUND, "mfbuild: not found\n");
    if (strcmp(path, EVENTS_PATH) == 0) {
        free(path);
        return respond_events(s, c, head);
    }
    Snapshot *snap = snapshot_acquire(s);
    if (!snap) {
        free(path);
        struct MHD_Response *r = text_response("mfbuild: first build in progress\n");
        if (r) MHD_add_response_header(r, "Retry-After", "1");
        return respond(c, MHD_HTTP_SERVICE_UNAVAILABLE, r, "text/plain; charset=utf-8");
    }
    uint32_t i;
    if (!mf_map_get(snap->index, path, &i)) {
        free(path);
        snapshot_unref(snap);
        return respond_text(c, MHD_HTTP_NOT_FOUND, "mfbuild: not found\n");
    }
    free(path);
    /* The response keeps the snapshot alive until MHD has sent it. */
    const MfServedFile *f = &snap->files[i];
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(
        f->len, (void *)f->data, snapshot_release, snap);
    if (!r) snapshot_unref(snap);
    return respond(c, MHD_HTTP_OK, r, mf_mime_type(f->path));
}

/* ---- listening --------------------------------------------------------- */

static void log_port_help(MfLog *log) {
    mf_log_note(log, "Stop the other server, or pick another port with `--port` or "
                     "\"dev\": {\"port\": ...} in mfbuild.json.");
}

/* Binds and listens on host:port; returns the socket, or -1 with an error
 * in `log`.  "localhost" may resolve to ::1 and 127.0.0.1; we take IPv4
 * first, since that is the address every client falls back to. */
static int listen_on(const char *host, int port, MfLog *log) {
    char name[256];
    size_t hl = strlen(host);
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof name) {
        memcpy(name, host + 1, hl - 2); /* "[::1]" as written in URLs */
        name[hl - 2] = 0;
    } else {
        snprintf(name, sizeof name, "%s", host);
    }
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(name, service, &hints, &res);
    if (gai != 0) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_DEV_SERVER, NULL, NULL, 0, 0, 0,
                   "Cannot resolve the dev server host \"%s\": %s", host, gai_strerror(gai));
        mf_log_note(log, "Use an address such as \"127.0.0.1\", \"::1\" or \"localhost\" with "
                         "`--host` or \"dev\": {\"host\": ...} in mfbuild.json.");
        return -1;
    }
    int err = EADDRNOTAVAIL;
    for (int pass = 0; pass < 2; pass++) {
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            if ((pass == 0) != (ai->ai_family == AF_INET)) continue;
            int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                err = errno;
                continue;
            }
            /* Lets a restarted server take the port back while the last
             * run's connections sit in TIME_WAIT; a live listener still
             * makes bind fail. */
            int one = 1;
            (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
                freeaddrinfo(res);
                return fd;
            }
            err = errno;
            close(fd);
            /* Busy on the first address: report it rather than quietly
             * serving on another address the user did not expect. */
            if (err == EADDRINUSE) goto fail;
        }
    }
fail:
    freeaddrinfo(res);
    if (err == EADDRINUSE) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_DEV_SERVER, NULL, NULL, 0, 0, 0,
                   "Port %d on %s is already in use", port, host);
        log_port_help(log);
    } else {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_DEV_SERVER, NULL, NULL, 0, 0, 0,
                   "Cannot listen on %s port %d: %s", host, port, strerror(err));
        if (err == EACCES && port < 1024)
            mf_log_note(log, "Ports below 1024 need privileges; use a port above 1023 with "
                             "`--port` or \"dev\": {\"port\": ...} in mfbuild.json.");
    }
    return -1;
}

static int socket_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -1;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

/* ---- the server -------------------------------------------------------- */

MfDevServer *mf_devserver_start(const char *host, int port, MfLog *log) {
    if (!host || !host[0]) host = "localhost";
    if (port < 0 || port > 65535) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_DEV_SERVER, NULL, NULL, 0, 0, 0,
                   "Port %d is not a TCP port (0 to 65535)", port);
        return NULL;
    }
    int fd = listen_on(host, port, log);
    if (fd < 0) return NULL;

    MfDevServer *s = mf_xcalloc(1, sizeof *s);
    s->port = socket_port(fd);
    pthread_mutex_init(&s->mu, NULL);
    /* Ping deadlines on the monotonic clock: a wall-clock jump must not
     * fire (or hold back) every stream's ping at once. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);

    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL; /* poll, not select: no FD_SETSIZE ceiling */
#ifdef MF_DEVSERVER_DEBUG
    flags |= MHD_USE_ERROR_LOG; /* MHD's own messages, to stderr */
#endif
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                              MHD_OPTION_LISTEN_SOCKET, fd,
                              MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT,
                              MHD_OPTION_END);
    if (!s->mhd) {
        /* MHD owns the socket from the call on and closes it on most of
         * its failure paths; closing it again could close another
         * thread's new descriptor, so a rare leak is the lesser harm. */
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_DEV_SERVER, NULL, NULL, 0, 0, 0,
                   "Cannot start the dev server on %s port %d", host, s->port);
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

int mf_devserver_port(const MfDevServer *s) {
    return s->port;
}

void mf_devserver_publish(MfDevServer *s, const MfServedFile *files, uint32_t n) {
    Snapshot *snap = snapshot_new(files, n); /* the copy, outside the lock */
    pthread_mutex_lock(&s->mu);
    Snapshot *old = s->snap;
    s->snap = snap;
    pthread_mutex_unlock(&s->mu);
    snapshot_unref(old); /* responses still sending from it keep it alive */
}

void mf_devserver_send(MfDevServer *s, const char *json) {
    /* SSE ends a field at a line break, so a message with one is split
     * into several data lines, which the client joins with "\n". */
    MfBuf b = {0};
    const char *p = json;
    for (;;) {
        size_t n = strcspn(p, "\r\n");
        mf_buf_puts(&b, "data: ");
        mf_buf_append(&b, p, n);
        mf_buf_putc(&b, '\n');
        p += n;
        if (!*p) break;
        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
    }
    mf_buf_putc(&b, '\n');
    char *msg = mf_buf_steal(&b);
    pthread_mutex_lock(&s->mu);
    char **slot = &s->ring[s->n_sent % RING];
    char *old = *slot;
    *slot = msg;
    s->n_sent++;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->mu);
    free(old);
}

void mf_devserver_stop(MfDevServer *s) {
    if (!s) return;
    /* Wake every stream first: MHD_stop_daemon joins the connection
     * threads, and a stream blocked until its next ping would hold it up
     * for 15 s. */
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->mu);
    MHD_stop_daemon(s->mhd); /* closes the socket; every response is gone after it */
    snapshot_unref(s->snap);
    for (int i = 0; i < RING; i++) free(s->ring[i]);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
