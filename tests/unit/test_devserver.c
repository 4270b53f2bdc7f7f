/* test_devserver.c — devserver.c over real sockets: libcurl as the client
 * (CURLOPT_PATH_AS_IS, so ".." and "//" reach the server verbatim) and a
 * raw socket for requests curl will not send.  Every server binds
 * 127.0.0.1 on a port the kernel picks.  Waits are generous (the suite
 * runs on loaded 2-core machines); only stop() is held to a tight bound,
 * because that is its promise. */
#include "mfbuild.h"
#include "unit.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- helpers ----------------------------------------------------------- */

typedef struct {
    long status;
    MfBuf body, headers;
    CURLcode rc;
} Resp;

static size_t append_cb(char *p, size_t size, size_t n, void *ud) {
    mf_buf_append(ud, p, size * n);
    return size * n;
}

static CURL *client_new(int port, const char *path) {
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");  /* ignore http_proxy in the environment */
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    return c;
}

/* One request; method "GET", "HEAD" or any custom verb. */
static Resp http(int port, const char *method, const char *path) {
    Resp r = {0};
    CURL *c = client_new(port, path);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET") != 0) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, append_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    if (r.rc != CURLE_OK) fprintf(stderr, "    curl %s %s: %s\n", method, path, curl_easy_strerror(r.rc));
    return r;
}

static void resp_free(Resp *r) {
    mf_buf_free(&r->body);
    mf_buf_free(&r->headers);
}

static const char *body_of(const Resp *r) {
    return r->body.data ? r->body.data : "";
}

/* The value of header `name` (case-insensitive), or NULL.  Static storage:
 * use it before the next call. */
static const char *header(const MfBuf *headers, const char *name) {
    static char value[512];
    size_t nl = strlen(name);
    for (const char *p = headers->data; p && *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ') v++;
            size_t vl = len - (size_t)(v - p);
            if (vl >= sizeof value) vl = sizeof value - 1;
            memcpy(value, v, vl);
            value[vl] = 0;
            return value;
        }
        if (!eol) break;
        p = eol + 2;
    }
    return NULL;
}

static long status_of(int port, const char *method, const char *path) {
    Resp r = http(port, method, path);
    long s = r.status;
    resp_free(&r);
    return s;
}

/* Sends `request` on a raw socket and returns the status code of the
 * answer (0 if none); the whole answer goes to *out when given. */
static int raw_request(int port, const char *request, size_t len, MfBuf *out) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 30};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    MfBuf b = {0};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        send(fd, request, len, MSG_NOSIGNAL) == (ssize_t)len) {
        char buf[4096];
        ssize_t n;
        while ((n = recv(fd, buf, sizeof buf, 0)) > 0) mf_buf_append(&b, buf, (size_t)n);
    }
    close(fd);
    int status = 0;
    if (b.data && strncmp(b.data, "HTTP/1.", 7) == 0) status = atoi(b.data + 9);
    if (out) *out = b;
    else mf_buf_free(&b);
    return status;
}

static int raw_status(int port, const char *request) {
    return raw_request(port, request, strlen(request), NULL);
}

static MfDevServer *start_local(MfLog *log) {
    curl_global_init(CURL_GLOBAL_DEFAULT); /* reference-counted; each test ends with cleanup */
    MfDevServer *s = mf_devserver_start("127.0.0.1", 0, log);
    if (!s) mf_log_print(log, "/", MF_COLOR_NEVER);
    return s;
}

static void stop_local(MfDevServer *s, MfLog *log) {
    mf_devserver_stop(s);
    mf_log_free(log);
    curl_global_cleanup();
}

static const MfServedFile site[] = {
    {"index.html", "<!doctype html><p>home", 22},
    {"main.1a2b3c4d.js", "console.log(1)\n", 15},
    {"style.css", "p{color:red}", 12},
    {"main.1a2b3c4d.js.map", "{\"version\":3}", 13},
    {"docs/index.html", "<p>docs", 7},
    {"my file.txt", "spaced", 6},
    {"empty.bin", "", 0},
};
#define N_SITE ((uint32_t)(sizeof site / sizeof site[0]))

/* ---- tests ------------------------------------------------------------- */

TEST(devserver_mime_type) {
    CHECK_STR(mf_mime_type("a/main.1a2b.js"), "text/javascript; charset=utf-8");
    CHECK_STR(mf_mime_type("x.mjs"), "text/javascript; charset=utf-8");
    CHECK_STR(mf_mime_type("x.cjs"), "text/javascript; charset=utf-8");
    CHECK_STR(mf_mime_type("x.css"), "text/css; charset=utf-8");
    CHECK_STR(mf_mime_type("index.html"), "text/html; charset=utf-8");
    CHECK_STR(mf_mime_type("mf-manifest.json"), "application/json; charset=utf-8");
    CHECK_STR(mf_mime_type("main.js.map"), "application/json; charset=utf-8");
    CHECK_STR(mf_mime_type("logo.SVG"), "image/svg+xml");
    CHECK_STR(mf_mime_type("a.png"), "image/png");
    CHECK_STR(mf_mime_type("a.jpg"), "image/jpeg");
    CHECK_STR(mf_mime_type("a.jpeg"), "image/jpeg");
    CHECK_STR(mf_mime_type("a.woff2"), "font/woff2");
    CHECK_STR(mf_mime_type("a.wasm"), "application/wasm");
    CHECK_STR(mf_mime_type("a.txt"), "text/plain; charset=utf-8");
    CHECK_STR(mf_mime_type("LICENSE"), "application/octet-stream");
    CHECK_STR(mf_mime_type("dir.js/file"), "application/octet-stream");
    CHECK_STR(mf_mime_type(".js"), "application/octet-stream");
}

TEST(devserver_port_zero_binds) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    CHECK(port > 0 && port < 65536);
    CHECK_INT(log.errors, 0);
    /* Something answers there (503: nothing published yet). */
    CHECK_INT(status_of(port, "GET", "/index.html"), 503);
    stop_local(s, &log);
    mf_devserver_stop(NULL);
}

TEST(devserver_503_before_first_publish) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    Resp r = http(mf_devserver_port(s), "GET", "/main.1a2b3c4d.js");
    CHECK_INT(r.status, 503);
    CHECK(strstr(body_of(&r), "mfbuild: first build in progress"));
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Origin"), "*");
    CHECK_STR(header(&r.headers, "Cache-Control"), "no-cache");
    CHECK(header(&r.headers, "Content-Type") != NULL);
    resp_free(&r);
    stop_local(s, &log);
}

TEST(devserver_serves_published_files) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_publish(s, site, N_SITE);

    Resp r = http(port, "GET", "/main.1a2b3c4d.js");
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "console.log(1)\n");
    CHECK_STR(header(&r.headers, "Content-Type"), "text/javascript; charset=utf-8");
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Origin"), "*");
    CHECK_STR(header(&r.headers, "Cache-Control"), "no-cache");
    resp_free(&r);

    r = http(port, "GET", "/style.css?v=2");
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "p{color:red}");
    CHECK_STR(header(&r.headers, "Content-Type"), "text/css; charset=utf-8");
    resp_free(&r);

    r = http(port, "GET", "/main.1a2b3c4d.js.map");
    CHECK_STR(header(&r.headers, "Content-Type"), "application/json; charset=utf-8");
    resp_free(&r);

    /* Percent-escapes are decoded before the lookup. */
    r = http(port, "GET", "/my%20file.txt");
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "spaced");
    resp_free(&r);
    CHECK_INT(status_of(port, "GET", "/ma%69n.1a2b3c4d.js"), 200);

    r = http(port, "GET", "/empty.bin");
    CHECK_INT(r.status, 200);
    CHECK_INT(r.body.len, 0);
    resp_free(&r);
    stop_local(s, &log);
}

TEST(devserver_index_html) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_publish(s, site, N_SITE);
    Resp r = http(port, "GET", "/");
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "<!doctype html><p>home");
    CHECK_STR(header(&r.headers, "Content-Type"), "text/html; charset=utf-8");
    resp_free(&r);
    r = http(port, "GET", "/docs/");
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "<p>docs");
    resp_free(&r);
    CHECK_INT(status_of(port, "GET", "/?x=1"), 200);
    CHECK_INT(status_of(port, "GET", "/docs"), 404);       /* only "/dir/" means the folder */
    CHECK_INT(status_of(port, "GET", "/style.css/"), 404);
    stop_local(s, &log);
}

TEST(devserver_404_unknown_and_traversal) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_publish(s, site, N_SITE);
    static const char *const refused[] = {
        "/missing.js",
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc/passwd",
        "/a/..%2f..%2fetc/passwd",
        "/docs/../index.html",        /* would be published after folding: still refused */
        "/docs/%2e%2e/index.html",
        "//etc/passwd",
        "//index.html",
        "/docs//index.html",
        "/./index.html",
        "/%2e/index.html",
        "/docs/.",
        "/index.html%00.js",
        "/index.html%00",
        "/docs%5cindex.html",
        "/%zz",
        "/index.html%2",
        "/__mfbuild",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        Resp r = http(port, "GET", refused[i]);
        if (r.status != 404) fprintf(stderr, "    %s -> %ld\n", refused[i], r.status);
        CHECK_INT(r.status, 404);
        CHECK_STR(header(&r.headers, "Access-Control-Allow-Origin"), "*");
        CHECK_STR(header(&r.headers, "Cache-Control"), "no-cache");
        resp_free(&r);
    }
    /* Requests curl would not send as they are. */
    CHECK_INT(raw_status(port, "GET /docs\\index.html HTTP/1.0\r\n\r\n"), 404);
    CHECK_INT(raw_status(port, "GET \\index.html HTTP/1.0\r\n\r\n"), 404);
    CHECK_INT(raw_status(port, "GET index.html HTTP/1.0\r\n\r\n"), 404);
    CHECK_INT(raw_status(port, "GET http://127.0.0.1/index.html HTTP/1.0\r\n\r\n"), 404);
    CHECK_INT(raw_status(port, "GET /index.html HTTP/1.0\r\n\r\n"), 200); /* the control */
    stop_local(s, &log);
}

TEST(devserver_head) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_publish(s, site, N_SITE);
    Resp r = http(port, "HEAD", "/main.1a2b3c4d.js");
    CHECK_INT(r.status, 200);
    CHECK_INT(r.body.len, 0);
    CHECK_STR(header(&r.headers, "Content-Length"), "15");
    CHECK_STR(header(&r.headers, "Content-Type"), "text/javascript; charset=utf-8");
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Origin"), "*");
    resp_free(&r);
    CHECK_INT(status_of(port, "HEAD", "/nope.js"), 404);
    stop_local(s, &log);
}

TEST(devserver_methods) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_publish(s, site, N_SITE);

    Resp r = http(port, "POST", "/main.1a2b3c4d.js");
    CHECK_INT(r.status, 405);
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Origin"), "*");
    CHECK_STR(header(&r.headers, "Cache-Control"), "no-cache");
    CHECK_STR(header(&r.headers, "Allow"), "GET, HEAD, OPTIONS");
    resp_free(&r);
    CHECK_INT(status_of(port, "DELETE", "/main.1a2b3c4d.js"), 405);
    CHECK_INT(status_of(port, "PUT", "/x.js"), 405);
    /* A POST with a body the server never reads. */
    CHECK_INT(raw_status(port, "POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                               "Connection: close\r\n\r\nhello"), 405);

    r = http(port, "OPTIONS", "/main.1a2b3c4d.js");
    CHECK_INT(r.status, 204);
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Origin"), "*");
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    CHECK_STR(header(&r.headers, "Access-Control-Allow-Headers"), "*");
    CHECK_STR(header(&r.headers, "Cache-Control"), "no-cache");
    CHECK_INT(r.body.len, 0);
    resp_free(&r);
    stop_local(s, &log);
}

TEST(devserver_republish_replaces) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_publish(s, site, N_SITE);
    CHECK_INT(status_of(port, "GET", "/main.1a2b3c4d.js"), 200);

    /* The caller's buffers may change right after publish: it copies. */
    char path[] = "main.99999999.js", data[] = "console.log(2)";
    MfServedFile next[] = {{path, data, strlen(data)}, {"index.html", "v2", 2}};
    mf_devserver_publish(s, next, 2);
    memset(data, 'X', strlen(data));
    path[0] = 'X';

    CHECK_INT(status_of(port, "GET", "/main.1a2b3c4d.js"), 404);
    Resp r = http(port, "GET", "/main.99999999.js");
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "console.log(2)");
    resp_free(&r);
    r = http(port, "GET", "/");
    CHECK_STR(body_of(&r), "v2");
    resp_free(&r);

    /* An empty publish: a build with no output serves nothing (404, not 503). */
    mf_devserver_publish(s, NULL, 0);
    CHECK_INT(status_of(port, "GET", "/"), 404);
    stop_local(s, &log);
}

/* Readers racing a publisher: every body is one whole version. */
typedef struct {
    int port, bad, done;
} Hammer;

#define BIG (256 * 1024)

static void *hammer_main(void *p) {
    Hammer *h = p;
    for (int i = 0; i < 30; i++) {
        Resp r = http(h->port, "GET", "/big.bin");
        if (r.status == 200) {
            bool whole = r.body.len == BIG;
            for (size_t k = 1; whole && k < r.body.len; k++) whole = r.body.data[k] == r.body.data[0];
            if (!whole) __atomic_add_fetch(&h->bad, 1, __ATOMIC_SEQ_CST);
            __atomic_add_fetch(&h->done, 1, __ATOMIC_SEQ_CST);
        } else {
            __atomic_add_fetch(&h->bad, 1, __ATOMIC_SEQ_CST);
        }
        resp_free(&r);
    }
    return NULL;
}

TEST(devserver_publish_while_serving) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    char *data = mf_xmalloc(BIG);
    memset(data, 'a', BIG);
    mf_devserver_publish(s, &(MfServedFile){"big.bin", data, BIG}, 1);
    Hammer h = {.port = mf_devserver_port(s)};
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, hammer_main, &h);
    for (int v = 0; v < 60; v++) {
        memset(data, 'a' + v % 26, BIG);
        mf_devserver_publish(s, &(MfServedFile){"big.bin", data, BIG}, 1);
        usleep(2000);
    }
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    CHECK_INT(h.bad, 0);
    CHECK_INT(h.done, 90);
    free(data);
    stop_local(s, &log);
}

static bool log_has(const MfLog *log, MfMsgId id, const char *text) {
    for (uint32_t i = 0; i < log->diags.len; i++) {
        const MfDiag *d = &log->diags.items[i];
        if (d->id == id && d->kind == MF_DIAG_ERROR && strstr(d->text, text)) return true;
    }
    return false;
}

TEST(devserver_busy_port) {
    /* A listener of our own. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    REQUIRE(bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 4) == 0 &&
            getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
    int port = ntohs(a.sin_port);
    MfLog log = {0};
    MfDevServer *s = mf_devserver_start("127.0.0.1", port, &log);
    CHECK(s == NULL);
    mf_devserver_stop(s);
    CHECK_INT(log.errors, 1);
    char want[64];
    snprintf(want, sizeof want, "Port %d on 127.0.0.1 is already in use", port);
    CHECK(log_has(&log, MF_MSG_DEV_SERVER, want));
    CHECK(log.diags.len == 1 && log.diags.items[0].note && strstr(log.diags.items[0].note, "--port"));
    mf_log_free(&log);
    close(fd);

    /* Two dev servers on one port. */
    MfLog log1 = {0}, log2 = {0};
    MfDevServer *first = mf_devserver_start("127.0.0.1", 0, &log1);
    REQUIRE(first);
    port = mf_devserver_port(first);
    MfDevServer *second = mf_devserver_start("127.0.0.1", port, &log2);
    CHECK(second == NULL);
    mf_devserver_stop(second);
    snprintf(want, sizeof want, "Port %d", port);
    CHECK(log_has(&log2, MF_MSG_DEV_SERVER, want));
    mf_devserver_stop(first);
    mf_log_free(&log1);
    mf_log_free(&log2);
}

TEST(devserver_bad_address) {
    MfLog log = {0};
    /* TEST-NET-1: never an address of this machine, so bind fails at once. */
    MfDevServer *s = mf_devserver_start("192.0.2.1", 0, &log);
    CHECK(s == NULL);
    CHECK(log_has(&log, MF_MSG_DEV_SERVER, "192.0.2.1"));
    mf_log_free(&log);
    log = (MfLog){0};
    s = mf_devserver_start("127.0.0.1", 70000, &log);
    CHECK(s == NULL);
    CHECK(log_has(&log, MF_MSG_DEV_SERVER, "70000"));
    mf_log_free(&log);
}

TEST(devserver_other_hosts) {
    /* "localhost" and, when this machine has IPv6 loopback, "::1". */
    MfLog log = {0};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    MfDevServer *s = mf_devserver_start("localhost", 0, &log);
    CHECK(s != NULL);
    if (s) CHECK_INT(status_of(mf_devserver_port(s), "GET", "/"), 503); /* bound 127.0.0.1 */
    mf_devserver_stop(s);
    mf_log_free(&log);
    log = (MfLog){0};
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool have_v6 = probe >= 0 && bind(probe, (struct sockaddr *)&a6, sizeof a6) == 0;
    if (probe >= 0) close(probe);
    if (have_v6) {
        s = mf_devserver_start("[::1]", 0, &log);
        CHECK(s != NULL);
        if (s) {
            char url[64];
            snprintf(url, sizeof url, "http://[::1]:%d/", mf_devserver_port(s));
            CURL *c = curl_easy_init();
            curl_easy_setopt(c, CURLOPT_URL, url);
            curl_easy_setopt(c, CURLOPT_PROXY, "");
            curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
            curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
            long status = 0;
            if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
            curl_easy_cleanup(c);
            CHECK_INT(status, 503);
        }
        mf_devserver_stop(s);
    }
    mf_log_free(&log);
    curl_global_cleanup();
}

/* ---- server-sent events ------------------------------------------------ */

typedef struct {
    int port;
    const char *path;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t grew;
    MfBuf body, headers;
    bool ended;
} SseClient;

static size_t sse_cb(char *p, size_t size, size_t n, void *ud) {
    SseClient *c = ud;
    pthread_mutex_lock(&c->mu);
    mf_buf_append(&c->body, p, size * n);
    pthread_cond_broadcast(&c->grew);
    pthread_mutex_unlock(&c->mu);
    return size * n;
}

static size_t sse_header_cb(char *p, size_t size, size_t n, void *ud) {
    SseClient *c = ud;
    pthread_mutex_lock(&c->mu);
    mf_buf_append(&c->headers, p, size * n);
    pthread_mutex_unlock(&c->mu);
    return size * n;
}

static void *sse_main(void *p) {
    SseClient *c = p;
    CURL *h = client_new(c->port, c->path);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sse_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, sse_header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curl_easy_perform(h); /* until the server ends the stream (or 60 s) */
    curl_easy_cleanup(h);
    pthread_mutex_lock(&c->mu);
    c->ended = true;
    pthread_cond_broadcast(&c->grew);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static void sse_connect(SseClient *c, int port, const char *path) {
    memset(c, 0, sizeof *c);
    c->port = port;
    c->path = path;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->grew, NULL);
    pthread_create(&c->thread, NULL, sse_main, c);
}

/* Waits (30 s at most) until the stream holds `text`. */
static bool sse_wait_for(SseClient *c, const char *text) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&c->mu);
    bool found;
    while (!(found = c->body.data && strstr(c->body.data, text)) && !c->ended)
        if (pthread_cond_timedwait(&c->grew, &c->mu, &deadline) == ETIMEDOUT) break;
    pthread_mutex_unlock(&c->mu);
    if (!found) fprintf(stderr, "    stream never showed %s; got:\n%s\n", text, c->body.data ? c->body.data : "");
    return found;
}

/* Joins the client (the server must have ended the stream); the body
 * stays in c->body until sse_free. */
static void sse_join(SseClient *c) {
    pthread_join(c->thread, NULL);
}

static void sse_free(SseClient *c) {
    mf_buf_free(&c->body);
    mf_buf_free(&c->headers);
    pthread_cond_destroy(&c->grew);
    pthread_mutex_destroy(&c->mu);
}

static double timed_stop(MfDevServer *s) {
    double t0 = mf_now_ms();
    mf_devserver_stop(s);
    return mf_now_ms() - t0;
}

TEST(devserver_sse_delivers_in_order) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    SseClient c;
    sse_connect(&c, mf_devserver_port(s), "/__mfbuild/events");
    bool connected = sse_wait_for(&c, "retry: 1000\n");
    CHECK(connected);
    /* A burst: each message once, in order. */
    char msg[64];
    for (int i = 1; i <= 5; i++) {
        snprintf(msg, sizeof msg, "{\"type\":\"update\",\"n\":%d}", i);
        mf_devserver_send(s, msg);
    }
    mf_devserver_send(s, "{\"a\":\n1}"); /* a line break: two data lines */
    if (connected) CHECK(sse_wait_for(&c, "data: {\"a\":\ndata: 1}\n\n"));

    double ms = timed_stop(s);
    CHECK(ms < 1000);
    if (ms >= 1000) fprintf(stderr, "    stop took %.0f ms\n", ms);
    sse_join(&c);
    const char *want =
        "retry: 1000\n\n"
        "data: {\"type\":\"update\",\"n\":1}\n\n"
        "data: {\"type\":\"update\",\"n\":2}\n\n"
        "data: {\"type\":\"update\",\"n\":3}\n\n"
        "data: {\"type\":\"update\",\"n\":4}\n\n"
        "data: {\"type\":\"update\",\"n\":5}\n\n"
        "data: {\"a\":\ndata: 1}\n\n";
    CHECK_STR(c.body.data, want);
    sse_free(&c);
    mf_log_free(&log);
    curl_global_cleanup();
}

TEST(devserver_sse_late_client_gets_last_message) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    int port = mf_devserver_port(s);
    mf_devserver_send(s, "{\"n\":1}");
    mf_devserver_send(s, "{\"n\":2}");
    SseClient c;
    sse_connect(&c, port, "/__mfbuild/events?client=1");
    bool got_last = sse_wait_for(&c, "data: {\"n\":2}\n\n");
    CHECK(got_last);
    if (got_last) {
        mf_devserver_send(s, "{\"n\":3}");
        CHECK(sse_wait_for(&c, "data: {\"n\":3}\n\n"));
    }
    /* The stream's own headers. */
    pthread_mutex_lock(&c.mu);
    CHECK_STR(header(&c.headers, "Content-Type"), "text/event-stream");
    CHECK_STR(header(&c.headers, "Access-Control-Allow-Origin"), "*");
    CHECK_STR(header(&c.headers, "Cache-Control"), "no-cache");
    pthread_mutex_unlock(&c.mu);
    /* Ordinary requests still work while a stream is open. */
    CHECK_INT(status_of(port, "GET", "/"), 503);

    double ms = timed_stop(s);
    CHECK(ms < 1000);
    sse_join(&c);
    CHECK_STR(c.body.data, "retry: 1000\n\ndata: {\"n\":2}\n\ndata: {\"n\":3}\n\n");
    sse_free(&c);
    mf_log_free(&log);
    curl_global_cleanup();
}

TEST(devserver_sse_stop_with_many_clients) {
    MfLog log = {0};
    MfDevServer *s = start_local(&log);
    REQUIRE(s);
    SseClient c[4];
    for (int i = 0; i < 4; i++) sse_connect(&c[i], mf_devserver_port(s), "/__mfbuild/events");
    for (int i = 0; i < 4; i++) CHECK(sse_wait_for(&c[i], "retry: 1000\n"));
    mf_devserver_send(s, "{\"built\":true}");
    for (int i = 0; i < 4; i++) CHECK(sse_wait_for(&c[i], "data: {\"built\":true}\n\n"));
    double ms = timed_stop(s);
    CHECK(ms < 1000);
    if (ms >= 1000) fprintf(stderr, "    stop took %.0f ms\n", ms);
    for (int i = 0; i < 4; i++) {
        sse_join(&c[i]);
        CHECK(c[i].ended);
        sse_free(&c[i]);
    }
    mf_log_free(&log);
    curl_global_cleanup();
}
