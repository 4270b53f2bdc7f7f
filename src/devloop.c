/*
 * devloop.c — `mfbuild watch` and `mfbuild dev` (DESIGN.md section 5).
 *
 * One loop on the main thread: build, then wait for the watcher's next
 * batch of changed files, invalidate them in the module cache (scan.c) and
 * build again — only changed files are re-read and re-parsed; link, chunk
 * and emit run on the whole graph, which costs little next to parsing.
 *
 *   watch  writes only the output files whose bytes changed, each through a
 *          temporary file and a rename (mf_emit_write_changed);
 *   dev    writes nothing: the output goes to the HTTP server (devserver.c)
 *          in memory, together with one hot update script per recent state
 *          (hot.c), and an SSE message tells pages to fetch theirs; after a
 *          failed build the message carries the errors for the page overlay.
 *
 * Build errors are printed and the loop goes on; the next good save
 * recovers.  A change to mfbuild.json, the root package.json or
 * tsconfig.json reloads the config (and starts a new cache); a config that
 * no longer loads is reported like a build error.  SIGINT and SIGTERM end
 * the loop cleanly (exit 0); a config error or a busy port at start is exit
 * 2, as for build.
 */
#include "mfbuild.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How many earlier states a page may be behind and still get an update
 * instead of a full reload. */
#define HOT_HISTORY 16

static MfWatcher *volatile signal_watcher;
static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
    if (signal_watcher) mf_watcher_interrupt(signal_watcher);
}

typedef struct Loop {
    const MfDevArgs *args;
    MfConfig *cfg;
    MfModuleCache *cache;
    MfWatcher *watcher;
    MfDevServer *server;
    MfOutState *out;
    MfHotState *history[HOT_HISTORY]; /* oldest first */
    int n_history;
    bool published;        /* dev: a good build has been served */
} Loop;

static void status(const Loop *l, const char *fmt, ...) MF_PRINTF(2, 3);
static void status(const Loop *l, const char *fmt, ...) {
    if (l->cfg && l->cfg->quiet) return;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    fprintf(stderr, "[%02d:%02d:%02d] ", tm.tm_hour, tm.tm_min, tm.tm_sec);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void print_log(const Loop *l, MfLog *log) {
    if (l->args->config.quiet) mf_log_drop_warnings(log);
    mf_log_print(log, l->cfg ? l->cfg->root : NULL, l->args->config.color);
}

static void history_clear(Loop *l) {
    for (int i = 0; i < l->n_history; i++) mf_hot_state_free(l->history[i]);
    l->n_history = 0;
}

static void html_escape(MfBuf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '<') mf_buf_puts(b, "&lt;");
        else if (*s == '>') mf_buf_puts(b, "&gt;");
        else if (*s == '&') mf_buf_puts(b, "&amp;");
        else mf_buf_putc(b, *s);
    }
}

/* Before the first good build there is no page to show an overlay on: the
 * server answers "/" with the errors, and the page reloads itself after
 * the next good build. */
static void publish_error_page(Loop *l, MfLog *log) {
    MfBuf page = {0};
    mf_buf_puts(&page, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mfbuild: build failed</title></head>\n"
                       "<body style=\"margin:0;background:#141414\"><pre id=\"__mfbuild_overlay\" style=\"color:#ff6b6b;"
                       "font:14px/1.5 monospace;padding:24px;white-space:pre-wrap\">[mfbuild] build failed\n");
    for (uint32_t i = 0; i < log->diags.len; i++) {
        const MfDiag *d = &log->diags.items[i];
        if (d->kind != MF_DIAG_ERROR) continue;
        mf_buf_putc(&page, '\n');
        if (d->file) {
            char *rel = l->cfg ? mf_path_relative(l->cfg->root, d->file) : mf_xstrdup(d->file);
            html_escape(&page, rel);
            free(rel);
            if (d->line) mf_buf_printf(&page, ":%u:%u", d->line, d->column);
            mf_buf_puts(&page, ": ");
        }
        html_escape(&page, d->text);
        mf_buf_printf(&page, " [%s]\n", mf_msg_id_name(d->id));
    }
    mf_buf_puts(&page, "</pre>\n<script>new EventSource('/__mfbuild/events').onmessage = function (e) {\n"
                       "  if (JSON.parse(e.data).type == 'ok') location.reload();\n};</script>\n</body></html>\n");
    MfServedFile f = {"index.html", page.data, page.len};
    mf_devserver_publish(l->server, &f, 1);
    mf_buf_free(&page);
}

/* The SSE message of a failed build: its diagnostics for the overlay. */
static void send_errors(Loop *l, MfLog *log) {
    if (!l->server) return;
    MfBuf msg = {0};
    mf_buf_puts(&msg, "{\"type\":\"errors\",\"errors\":[");
    mf_log_json(log, l->cfg ? l->cfg->root : NULL, &msg);
    mf_buf_puts(&msg, "]}");
    /* SSE data is one line: the JSON has no raw newlines but may have
     * ones mf_log_json put between items. */
    for (size_t i = 0; i < msg.len; i++)
        if (msg.data[i] == '\n') msg.data[i] = ' ';
    mf_devserver_send(l->server, msg.data);
    mf_buf_free(&msg);
    if (!l->published) publish_error_page(l, log);
}

/* dev: the output and the update scripts from every remembered state. */
static void publish(Loop *l, const MfBuild *b) {
    const MfEmit *em = b->em;
    uint32_t n = em->files.len;
    MfServedFile *files = mf_xcalloc((size_t)n + HOT_HISTORY + 1, sizeof *files);
    MfBuf *scripts = mf_xcalloc(HOT_HISTORY + 1, sizeof *scripts);
    char *names[HOT_HISTORY] = {0};
    for (uint32_t i = 0; i < n; i++)
        files[i] = (MfServedFile){em->files.items[i].path, em->files.items[i].data, em->files.items[i].len};
    uint32_t count = n;
    for (int h = 0; h < l->n_history; h++) {
        if (strcmp(mf_hot_state_id(l->history[h]), em->hot_id) == 0) continue;
        mf_hot_update_script(l->history[h], b, l->cfg, &scripts[h]);
        names[h] = mf_xasprintf("__mfbuild/hot/%s.js", mf_hot_state_id(l->history[h]));
        files[count++] = (MfServedFile){names[h], scripts[h].data, scripts[h].len};
    }
    mf_devserver_publish(l->server, files, count);
    l->published = true;
    for (int h = 0; h < HOT_HISTORY; h++) {
        free(names[h]);
        mf_buf_free(&scripts[h]);
    }
    free(scripts);
    free(files);

    /* This state joins the history (a state seen before moves to the end). */
    for (int h = 0; h < l->n_history; h++) {
        if (strcmp(mf_hot_state_id(l->history[h]), em->hot_id) != 0) continue;
        mf_hot_state_free(l->history[h]);
        memmove(&l->history[h], &l->history[h + 1], (size_t)(l->n_history - h - 1) * sizeof(MfHotState *));
        l->n_history--;
        break;
    }
    if (l->n_history == HOT_HISTORY) {
        mf_hot_state_free(l->history[0]);
        memmove(&l->history[0], &l->history[1], (HOT_HISTORY - 1) * sizeof(MfHotState *));
        l->n_history--;
    }
    l->history[l->n_history++] = mf_hot_state_new(b);
    char *msg = mf_xasprintf("{\"type\":\"ok\",\"id\":\"%s\"}", em->hot_id);
    mf_devserver_send(l->server, msg);
    free(msg);
}

/* Folders outside the project root that hold modules (a monorepo's
 * ../shared): watched too, each on its own. */
static void watch_module_dirs(Loop *l, const MfGraph *g) {
    size_t root_len = strlen(l->cfg->root);
    for (uint32_t i = 0; i < g->modules.len; i++) {
        const char *p = g->modules.items[i]->path;
        if (strncmp(p, l->cfg->root, root_len) == 0 && p[root_len] == '/') continue;
        char *dir = mf_path_dirname(p);
        mf_watcher_add_dir(l->watcher, dir, false);
        free(dir);
    }
}

/* One build and its delivery.  True when it was error-free. */
static bool rebuild(Loop *l) {
    double start = mf_now_ms();
    MfLog log = {0};
    MfBuild b = {0};
    bool ok = mf_config_check_buildable(l->cfg, &log) && mf_build_run(&b, l->cfg, l->cache, &log);
    uint32_t written = 0;
    if (ok && l->out) ok = mf_emit_write_changed(b.em, l->cfg->out_dir, l->out, &written, &log);
    if (ok && l->server) publish(l, &b);
    if (b.g) watch_module_dirs(l, b.g);
    double ms = mf_now_ms() - start;
    print_log(l, &log);
    if (!ok) {
        send_errors(l, &log);
        status(l, "build failed (%u error%s); waiting for changes", log.errors, log.errors == 1 ? "" : "s");
    } else if (l->out) {
        status(l, "built in %.0f ms: %u file%s written", ms, written, written == 1 ? "" : "s");
    } else {
        status(l, "built in %.0f ms", ms);
    }
    if (l->cfg->timings && b.g) {
        static const char *const names[] = {"config", "scan", "link", "chunk", "emit"};
        MfScanStats st = mf_module_cache_stats(l->cache);
        fprintf(stderr, "  parsed %u, reused %u;", st.parsed, st.reused);
        for (int p = MF_PHASE_SCAN; p < MF_PHASE__COUNT; p++) fprintf(stderr, " %s %.2f ms", names[p], b.ms[p]);
        fputc('\n', stderr);
    }
    mf_build_free(&b);
    mf_log_free(&log);
    return ok;
}

/* The output folder and build's temporary siblings (dist.tmp-<pid>,
 * dist.old-<pid>, see mf_emit_write) are mfbuild's own writes. */
static bool is_own_output(const Loop *l, const char *path) {
    const char *out = l->cfg->out_dir;
    size_t n = strlen(out);
    if (strncmp(path, out, n) != 0) return false;
    return path[n] == '/' || path[n] == 0 || strncmp(path + n, ".tmp-", 5) == 0 || strncmp(path + n, ".old-", 5) == 0;
}

static bool is_config_file(const Loop *l, const char *path) {
    if (l->cfg->config_path && strcmp(path, l->cfg->config_path) == 0) return true;
    char *dir = mf_path_dirname(path);
    bool in_root = strcmp(dir, l->cfg->root) == 0;
    free(dir);
    const char *base = mf_path_basename(path);
    return in_root && (strcmp(base, "package.json") == 0 || strcmp(base, "tsconfig.json") == 0 ||
                       strcmp(base, "mfbuild.json") == 0);
}

/* After a config change: a new config and a fresh cache; pages reload
 * (shared packages, remotes, anything may differ).  A config that does not
 * load is reported and the old one stays until it is fixed. */
static void reload_config(Loop *l) {
    MfLog log = {0};
    MfConfig *cfg = mf_config_load(&l->args->config, &log);
    if (!cfg) {
        print_log(l, &log);
        send_errors(l, &log);
        status(l, "the config has errors; waiting for changes");
        mf_log_free(&log);
        return;
    }
    mf_log_free(&log);
    mf_module_cache_free(l->cache);
    mf_config_free(l->cfg);
    l->cfg = cfg;
    l->cache = mf_module_cache_new(cfg);
    history_clear(l);
    if (l->out) {
        mf_out_state_free(l->out);
        l->out = mf_out_state_new();
    }
    status(l, "config changed: full rebuild");
    if (rebuild(l) && l->server) mf_devserver_send(l->server, "{\"type\":\"reload\",\"reason\":\"the configuration changed\"}");
}

int mf_dev_main(const MfDevArgs *args) {
    Loop l = {.args = args};
    MfLog log = {0};
    int rc = 2;
    l.cfg = mf_config_load(&args->config, &log);
    if (!l.cfg || !mf_config_check_buildable(l.cfg, &log)) goto out;
    if (args->serve) {
        l.server = mf_devserver_start(l.cfg->dev_host, l.cfg->dev_port, &log);
        if (!l.server) goto out;
    } else {
        l.out = mf_out_state_new();
    }
    const char *ignore[] = {l.cfg->out_dir};
    MfWatchOptions wo = {.debounce_ms = args->debounce_ms, .poll = args->poll, .ignore = ignore, .n_ignore = 1};
    l.watcher = mf_watcher_new(&wo, &log);
    if (!l.watcher) goto out;
    mf_watcher_add_dir(l.watcher, l.cfg->root, true);
    if (l.cfg->config_path) mf_watcher_add_file(l.watcher, l.cfg->config_path);
    l.cache = mf_module_cache_new(l.cfg);
    rc = 0;

    signal_watcher = l.watcher;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (l.server) {
        const char *host = l.cfg->dev_host;
        bool v6 = strchr(host, ':') != NULL;
        status(&l, "serving %s on http://%s%s%s:%d/ (hot module replacement on)", l.cfg->name ? l.cfg->name : "the app",
               v6 ? "[" : "", host, v6 ? "]" : "", mf_devserver_port(l.server));
    }
    if (mf_watcher_polling(l.watcher)) status(&l, "watching %s (polling: %s)", l.cfg->root, mf_watcher_poll_reason(l.watcher));
    else status(&l, "watching %s", l.cfg->root);
    rebuild(&l);
    while (!stopping) {
        MfWatchBatch batch = {0};
        int r = mf_watcher_wait(l.watcher, -1, &batch);
        if (r < 0) break;
        if (r == 0) continue;
        uint32_t kept = 0;
        for (uint32_t i = 0; i < batch.paths.len; i++) {
            if (is_own_output(&l, batch.paths.items[i])) free(batch.paths.items[i]);
            else batch.paths.items[kept++] = batch.paths.items[i];
        }
        batch.paths.len = kept;
        if (!kept && !batch.overflow) {
            mf_watch_batch_free(&batch);
            continue;
        }
        bool config = false;
        for (uint32_t i = 0; i < batch.paths.len; i++) config |= is_config_file(&l, batch.paths.items[i]);
        if (!l.cfg->quiet && batch.paths.len) {
            char *rel = mf_path_relative(l.cfg->root, batch.paths.items[0]);
            if (batch.paths.len == 1) status(&l, "changed: %s", rel);
            else status(&l, "changed: %s and %u more", rel, batch.paths.len - 1);
            free(rel);
        }
        if (config) {
            reload_config(&l);
        } else {
            if (batch.overflow) {
                /* Events were lost: nothing cached can be trusted. */
                mf_module_cache_free(l.cache);
                l.cache = mf_module_cache_new(l.cfg);
            }
            for (uint32_t i = 0; i < batch.paths.len; i++) mf_module_cache_invalidate(l.cache, batch.paths.items[i]);
            rebuild(&l);
        }
        mf_watch_batch_free(&batch);
    }
    status(&l, "stopped");

out:
    if (log.diags.len) print_log(&l, &log);
    signal_watcher = NULL;
    mf_watcher_free(l.watcher);
    mf_devserver_stop(l.server);
    history_clear(&l);
    mf_out_state_free(l.out);
    mf_module_cache_free(l.cache);
    mf_config_free(l.cfg);
    mf_log_free(&log);
    return rc;
}
