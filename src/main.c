/*
 * main.c — the command line: parse arguments, dispatch to a command, map
 * the outcome to the exit codes of DESIGN.md section 1 (0 ok, 1 build or
 * source errors, 2 usage or config errors).
 *
 * Commands and options are the tables in commands.def and options.def; the
 * parser, `--help` and `mfbuild help COMMAND` all read them.  Each command
 * is a straight line of phases (mf_cmd_graph is the model: config, scan,
 * print), each timed for --timings; errors are collected in one log and
 * printed, sorted, at phase boundaries — nothing deeper calls exit().
 */
#include "mfbuild.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CMD_PROJECT = 1, CMD_DEV = 2, CMD_CHECK = 4, CMD_WATCH = 8, CMD_ALL = 15 };

typedef enum {
#define X(e, name, args, summary) CMD_ID_##e,
#include "commands.def"
#undef X
    CMD_ID__COUNT
} CmdId;

static const struct {
    const char *name, *args, *summary;
} commands[] = {
#define X(e, name, args, summary) {name, args, summary},
#include "commands.def"
#undef X
};

typedef enum {
#define X(e, lng, shrt, arg, cmds, help) OPT_##e,
#include "options.def"
#undef X
    OPT__COUNT
} OptId;

static const struct {
    const char *lng;
    char shrt;
    const char *arg;
    int cmds;
    const char *help;
} options[] = {
#define X(e, lng, shrt, arg, cmds, help) {lng, shrt, arg, cmds, help},
#include "options.def"
#undef X
};

/* What the command line said. */
typedef struct Cli {
    CmdId cmd;
    const char *values[OPT__COUNT]; /* argument of each option given, or "" for flags */
    MF_VEC(const char *) positional;
    int threads;
    int debounce_ms;
    MfColor color;
} Cli;

static int cmd_mask(CmdId cmd) {
    switch (cmd) {
    case CMD_ID_DEV: return CMD_PROJECT | CMD_DEV | CMD_WATCH;
    case CMD_ID_WATCH: return CMD_PROJECT | CMD_WATCH;
    case CMD_ID_CHECK: return CMD_CHECK;
    case CMD_ID_HELP: return CMD_ALL;
    default: return CMD_PROJECT;
    }
}

/* ---- help -------------------------------------------------------------- */

static void print_usage(FILE *f) {
    fprintf(f, "mfbuild %s — a Module Federation bundler\n\n"
               "Usage: mfbuild COMMAND [OPTIONS] [ARGS]\n\nCommands:\n", MF_VERSION);
    for (int i = 0; i < CMD_ID__COUNT; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
        fprintf(f, "  %-22s %s\n", left, commands[i].summary);
    }
    fprintf(f, "\nOptions:\n");
    for (int i = 0; i < OPT__COUNT; i++) {
        char left[64];
        if (options[i].shrt)
            snprintf(left, sizeof left, "-%c, --%s%s%s", options[i].shrt, options[i].lng,
                     options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", options[i].lng, options[i].arg ? " " : "",
                     options[i].arg ? options[i].arg : "");
        fprintf(f, "  %-32s %s\n", left, options[i].help);
    }
    fprintf(f, "\nExit codes: 0 ok, 1 build or source errors, 2 usage or config errors.\n"
               "See `mfbuild help COMMAND` and man mfbuild.\n");
}

static void print_command_help(FILE *f, CmdId cmd) {
    fprintf(f, "Usage: mfbuild %s [OPTIONS] %s\n\n%s\n\nOptions:\n", commands[cmd].name,
            commands[cmd].args, commands[cmd].summary);
    int mask = cmd_mask(cmd);
    for (int i = 0; i < OPT__COUNT; i++) {
        if (!(options[i].cmds & mask)) continue;
        char left[64];
        snprintf(left, sizeof left, "%s%c%s--%s%s%s", options[i].shrt ? "-" : "  ",
                 options[i].shrt ? options[i].shrt : ' ', options[i].shrt ? ", " : "  ", options[i].lng,
                 options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        fprintf(f, "  %-32s %s\n", left, options[i].help);
    }
}

/* ---- argument parsing --------------------------------------------------- */

static int find_command(const char *name) {
    for (int i = 0; i < CMD_ID__COUNT; i++)
        if (strcmp(commands[i].name, name) == 0) return i;
    return -1;
}

static const char *closest_option(const char *name) {
    const char *best = NULL;
    unsigned best_d = 3;
    for (int i = 0; i < OPT__COUNT; i++) {
        unsigned d = mf_edit_distance(name, options[i].lng);
        if (d < best_d) best_d = d, best = options[i].lng;
    }
    return best;
}

/* Parses argv into cli; usage errors go to log.  Returns false on error. */
static bool parse_args(int argc, char **argv, Cli *cli, MfLog *log) {
    int i = 1;
    /* The command is the first argument that is not an option; bare
     * `mfbuild --help` / `--version` need none. */
    cli->cmd = CMD_ID__COUNT;
    bool options_done = false;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (options_done || a[0] != '-' || a[1] == 0) {
            if (cli->cmd == CMD_ID__COUNT) {
                int c = find_command(a);
                if (c < 0) {
                    mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0, "Unknown command \"%s\"", a);
                    const char *best = NULL;
                    unsigned best_d = 3;
                    for (int k = 0; k < CMD_ID__COUNT; k++) {
                        unsigned d = mf_edit_distance(a, commands[k].name);
                        if (d < best_d) best_d = d, best = commands[k].name;
                    }
                    if (best) mf_log_suggest(log, "Did you mean \"%s\"?", best);
                    else mf_log_note(log, "Run `mfbuild --help` for the list of commands.");
                    return false;
                }
                cli->cmd = (CmdId)c;
            } else {
                MF_VEC_PUSH(&cli->positional, a);
            }
            continue;
        }
        /* An option: --name, --name=value, --name value, -x, -xVALUE, -x VALUE. */
        int opt = -1;
        const char *value = NULL;
        char name[64];
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            if (n >= sizeof name) n = sizeof name - 1;
            memcpy(name, a + 2, n);
            name[n] = 0;
            for (int k = 0; k < OPT__COUNT; k++)
                if (strcmp(options[k].lng, name) == 0) opt = k;
            if (eq) value = eq + 1;
        } else {
            snprintf(name, sizeof name, "%c", a[1]);
            for (int k = 0; k < OPT__COUNT; k++)
                if (options[k].shrt == a[1]) opt = k;
            if (a[2]) value = a + 2;
        }
        if (opt < 0) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0, "Unknown option \"%s\"", a);
            const char *best = closest_option(name);
            if (best) mf_log_suggest(log, "Did you mean \"--%s\"?", best);
            return false;
        }
        if (options[opt].arg) {
            if (!value) {
                if (i + 1 >= argc) {
                    mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                               "Option \"--%s\" needs a value (%s)", options[opt].lng, options[opt].arg);
                    return false;
                }
                value = argv[++i];
            }
        } else if (value) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                       "Option \"--%s\" takes no value", options[opt].lng);
            return false;
        }
        cli->values[opt] = value ? value : "";
    }
    if (cli->cmd == CMD_ID__COUNT) return true; /* only --help / --version, or nothing */

    /* Options that do not belong to the command. */
    int mask = cmd_mask(cli->cmd);
    for (int k = 0; k < OPT__COUNT; k++) {
        if (cli->values[k] && !(options[k].cmds & mask)) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                       "Option \"--%s\" does not apply to \"mfbuild %s\"", options[k].lng, commands[cli->cmd].name);
            return false;
        }
    }
    if (cli->values[OPT_THREADS]) {
        char *end;
        errno = 0;
        long n = strtol(cli->values[OPT_THREADS], &end, 10);
        if (errno || *end || end == cli->values[OPT_THREADS] || n < 1 || n > 1024) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                       "--threads must be a number from 1 to 1024, got \"%s\"", cli->values[OPT_THREADS]);
            return false;
        }
        cli->threads = (int)n;
    }
    if (cli->values[OPT_COLOR]) {
        const char *c = cli->values[OPT_COLOR];
        if (strcmp(c, "auto") == 0) cli->color = MF_COLOR_AUTO;
        else if (strcmp(c, "always") == 0) cli->color = MF_COLOR_ALWAYS;
        else if (strcmp(c, "never") == 0) cli->color = MF_COLOR_NEVER;
        else {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                       "--color must be auto, always or never, got \"%s\"", c);
            return false;
        }
    }
    cli->debounce_ms = 2;
    if (cli->values[OPT_DEBOUNCE]) {
        char *end;
        long n = strtol(cli->values[OPT_DEBOUNCE], &end, 10);
        if (*end || end == cli->values[OPT_DEBOUNCE] || n < 0 || n > 60000) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                       "--debounce must be a number of milliseconds from 0 to 60000, got \"%s\"",
                       cli->values[OPT_DEBOUNCE]);
            return false;
        }
        cli->debounce_ms = (int)n;
    }
    if (cli->values[OPT_PORT]) {
        char *end;
        long n = strtol(cli->values[OPT_PORT], &end, 10);
        if (*end || end == cli->values[OPT_PORT] || n < 0 || n > 65535) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0,
                       "--port must be a number from 0 to 65535, got \"%s\"", cli->values[OPT_PORT]);
            return false;
        }
    }
    return true;
}

/* ---- commands ----------------------------------------------------------- */

typedef struct Timings {
    const char *phase[8];
    double ms[8];
    int n;
} Timings;

static void timings_add(Timings *t, const char *phase, double start) {
    if (t->n < 8) {
        t->phase[t->n] = phase;
        t->ms[t->n++] = mf_now_ms() - start;
    }
}

static void timings_print(const Timings *t) {
    double total = 0;
    fprintf(stderr, "%-8s %10s\n", "phase", "ms");
    for (int i = 0; i < t->n; i++) {
        fprintf(stderr, "%-8s %10.2f\n", t->phase[i], t->ms[i]);
        total += t->ms[i];
    }
    fprintf(stderr, "%-8s %10.2f\n", "total", total);
}

/* The config settings the command line gives (shared by every command
 * that loads a project). */
static MfConfigArgs config_args(const Cli *cli, MfMode default_mode) {
    return (MfConfigArgs){
        .config_path = cli->values[OPT_CONFIG],
        .entries = cli->positional.items,
        .n_entries = (int)cli->positional.len,
        .target = cli->values[OPT_TARGET],
        .mode = cli->values[OPT_MODE],
        .out_dir = cli->values[OPT_OUT],
        .host = cli->values[OPT_HOST],
        .port = cli->values[OPT_PORT] ? atoi(cli->values[OPT_PORT]) : -1,
        .default_mode = default_mode,
        .threads = cli->threads,
        .json = cli->values[OPT_JSON] != NULL,
        .timings = cli->values[OPT_TIMINGS] != NULL,
        .quiet = cli->values[OPT_QUIET] != NULL,
        .hot = cli->cmd == CMD_ID_DEV,
        .color = cli->color,
    };
}

static MfConfig *load_config(const Cli *cli, MfMode default_mode, MfLog *log) {
    MfConfigArgs args = config_args(cli, default_mode);
    return mf_config_load(&args, log);
}

/* Prints the log to stderr (warnings dropped with --quiet). */
static void report(MfLog *log, const char *root, const Cli *cli) {
    if (cli->values[OPT_QUIET]) mf_log_drop_warnings(log);
    /* Before the config is loaded there is no root: paths are shown
     * relative to the current folder, as the user typed them. */
    char *cwd = root ? NULL : getcwd(NULL, 0);
    mf_log_print(log, root ? root : cwd, cli->color);
    free(cwd);
}

static int cmd_graph(const Cli *cli) {
    MfLog log = {0};
    Timings t = {0};
    double start = mf_now_ms();
    MfConfig *cfg = load_config(cli, MF_MODE_PRODUCTION, &log);
    if (!cfg) {
        report(&log, NULL, cli);
        mf_log_free(&log);
        return 2;
    }
    timings_add(&t, "config", start);
    if (!mf_config_check_buildable(cfg, &log)) {
        report(&log, cfg->root, cli);
        mf_config_free(cfg);
        mf_log_free(&log);
        return 2;
    }

    start = mf_now_ms();
    MfGraph *g = mf_scan(cfg, &log);
    timings_add(&t, "scan", start);
    /* After this point the graph is complete and in its stable order. */

    report(&log, cfg->root, cli);
    int rc = log.errors ? 1 : 0;
    MfBuf out = {0};
    if (cfg->json) mf_graph_print_json(g, cfg, &log, &out);
    else if (!log.errors) mf_graph_print_text(g, cfg, &out);
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    mf_buf_free(&out);
    if (cfg->timings) timings_print(&t);
    mf_graph_free(g);
    mf_config_free(cfg);
    mf_log_free(&log);
    return rc;
}

/* ---- build ---------------------------------------------------------------- */

static void human_size(FILE *f, uint64_t bytes) {
    if (bytes < 1000) fprintf(f, "%llu B", (unsigned long long)bytes);
    else if (bytes < 1000 * 1000) fprintf(f, "%.1f kB", bytes / 1000.0);
    else fprintf(f, "%.1f MB", bytes / 1e6);
}

/* The output's path as the user sees it: relative to the project root
 * ("dist/main.1a2b3c4d.js").  Caller frees. */
static char *output_display_path(const MfConfig *cfg, const MfOutFile *f) {
    char *abs = mf_xasprintf("%s/%s", cfg->out_dir, f->path);
    char *rel = mf_path_relative(cfg->root, abs);
    free(abs);
    return rel;
}

/* build --json: exactly one object on stdout, whatever happened
 * (DESIGN.md 1, "Machine-readable output"). */
static void build_json(const MfConfig *cfg, const MfEmit *em, bool ok, MfLog *log, const Timings *t, MfBuf *out) {
    mf_buf_printf(out, "{\"ok\":%s,\"outputs\":[", ok ? "true" : "false");
    for (uint32_t i = 0; ok && em && i < em->files.len; i++) {
        const MfOutFile *f = &em->files.items[i];
        char *path = output_display_path(cfg, f);
        mf_buf_puts(out, i ? ",\n{\"path\":" : "\n{\"path\":");
        mf_buf_json_string(out, path);
        mf_buf_printf(out, ",\"kind\":\"%s\",\"name\":", mf_out_kind_name(f->kind));
        mf_buf_json_string(out, f->name);
        mf_buf_printf(out, ",\"size\":%zu,\"gzip\":", f->len);
        if (f->gz) mf_buf_printf(out, "%zu}", f->gz_len);
        else mf_buf_puts(out, "null}");
        free(path);
    }
    mf_buf_puts(out, "],\n\"diagnostics\":[");
    mf_log_json(log, cfg ? cfg->root : NULL, out);
    /* Every phase is present; one that did not run took 0 ms. */
    static const char *const phases[] = {"config", "scan", "link", "chunk", "emit"};
    mf_buf_puts(out, "],\n\"timings\":{");
    for (int p = 0; p < 5; p++) {
        double ms = 0;
        for (int i = 0; t && i < t->n; i++)
            if (strcmp(t->phase[i], phases[p]) == 0) ms = t->ms[i];
        mf_buf_printf(out, "%s\"%s\":%.3f", p ? "," : "", phases[p], ms);
    }
    mf_buf_puts(out, "}}\n");
}

/* Human mode: the files written, with sizes, like esbuild's summary. */
static void build_summary(const MfConfig *cfg, const MfEmit *em, double ms) {
    size_t width = 0;
    char **paths = mf_xcalloc(em->files.len + 1, sizeof(char *));
    for (uint32_t i = 0; i < em->files.len; i++) {
        paths[i] = output_display_path(cfg, &em->files.items[i]);
        if (strlen(paths[i]) > width) width = strlen(paths[i]);
    }
    fputc('\n', stderr);
    for (uint32_t i = 0; i < em->files.len; i++) {
        const MfOutFile *f = &em->files.items[i];
        fprintf(stderr, "  %-*s  ", (int)width, paths[i]);
        human_size(stderr, f->len);
        if (f->gz) {
            fputs("  (gzip ", stderr);
            human_size(stderr, f->gz_len);
            fputc(')', stderr);
        }
        fputc('\n', stderr);
        free(paths[i]);
    }
    free(paths);
    fprintf(stderr, "\nDone in %.0f ms\n", ms);
}

/* mfbuild build: config -> scan -> link -> chunk -> emit, each timed; a
 * build with errors writes nothing and leaves the old output in place. */
static int cmd_build(const Cli *cli) {
    MfLog log = {0};
    Timings t = {0};
    bool json = cli->values[OPT_JSON] != NULL;
    double begin = mf_now_ms(), start = begin;
    MfConfig *cfg = load_config(cli, MF_MODE_PRODUCTION, &log);
    MfBuild b = {0};
    bool ok = false;
    int rc = 2;
    if (!cfg) goto out;
    timings_add(&t, "config", start);
    if (!mf_config_check_buildable(cfg, &log)) goto out;
    rc = 1;

    if (mf_build_run(&b, cfg, NULL, &log)) {
        start = mf_now_ms();
        ok = mf_emit_write(b.em, cfg->out_dir, &log);
        b.ms[MF_PHASE_EMIT] += mf_now_ms() - start; /* writing is part of emit */
    }
    static const char *const phase_names[] = {"config", "scan", "link", "chunk", "emit"};
    for (int p = MF_PHASE_SCAN; p < MF_PHASE__COUNT && b.g; p++)
        if (p == MF_PHASE_SCAN || b.em) {
            t.phase[t.n] = phase_names[p];
            t.ms[t.n++] = b.ms[p];
        }
    if (ok) rc = 0;

out:;
    MfBuf out = {0};
    if (json) build_json(cfg, b.em, ok, &log, &t, &out);
    report(&log, cfg ? cfg->root : NULL, cli);
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    mf_buf_free(&out);
    if (ok && !json && !cfg->quiet) build_summary(cfg, b.em, mf_now_ms() - begin);
    if (cfg && cfg->timings) timings_print(&t);
    mf_build_free(&b);
    mf_config_free(cfg);
    mf_log_free(&log);
    return rc;
}

/* `mfbuild check SOURCE...`: check.c does the work (it needs no config);
 * main only hands over the options. */
static int cmd_check(const Cli *cli) {
    MfCheckArgs args = {
        .sources = cli->positional.items,
        .n_sources = (int)cli->positional.len,
        .json = cli->values[OPT_JSON] != NULL,
        .strict = cli->values[OPT_STRICT] != NULL,
        .quiet = cli->values[OPT_QUIET] != NULL,
        .color = cli->color,
    };
    return mf_check_main(&args);
}

/* `mfbuild watch` and `mfbuild dev`: devloop.c runs the loop. */
static int cmd_dev(const Cli *cli) {
    MfDevArgs args = {
        .config = config_args(cli, MF_MODE_DEVELOPMENT),
        .serve = cli->cmd == CMD_ID_DEV,
        .debounce_ms = cli->debounce_ms,
        .poll = cli->values[OPT_POLL] != NULL,
    };
    args.config.json = false; /* watch and dev report on stderr only */
    return mf_dev_main(&args);
}

int main(int argc, char **argv) {
    Cli cli = {.color = MF_COLOR_AUTO};
    MfLog log = {0};
#ifdef M_TOP_PAD
    /* The workers' malloc arenas grow a few pages at a time with mprotect()
     * while tree-sitter builds each file's tree, and shrink again when it is
     * freed: ~3000 system calls for a 1000-module build.  Growing them by
     * 16 MB at a time only reserves address space (pages are touched as
     * before). */
    mallopt(M_TOP_PAD, 16 << 20);
#endif
    if (!parse_args(argc, argv, &cli, &log)) {
        mf_log_print(&log, NULL, cli.color);
        fprintf(stderr, "Run `mfbuild --help` for usage.\n");
        mf_log_free(&log);
        free(cli.positional.items);
        return 2;
    }
    int rc;
    if (cli.values[OPT_VERSION]) {
        printf("mfbuild %s\n", MF_VERSION);
        rc = 0;
    } else if (cli.cmd == CMD_ID__COUNT) {
        /* `mfbuild` alone is a usage error; `mfbuild --help` is not. */
        print_usage(cli.values[OPT_HELP] ? stdout : stderr);
        rc = cli.values[OPT_HELP] ? 0 : 2;
    } else if (cli.values[OPT_HELP] || cli.cmd == CMD_ID_HELP) {
        if (cli.cmd == CMD_ID_HELP && cli.positional.len) {
            int c = find_command(cli.positional.items[0]);
            if (c < 0) {
                fprintf(stderr, "error: Unknown command \"%s\" [usage]\n", cli.positional.items[0]);
                rc = 2;
            } else {
                print_command_help(stdout, (CmdId)c);
                rc = 0;
            }
        } else if (cli.cmd == CMD_ID_HELP) {
            print_usage(stdout);
            rc = 0;
        } else {
            print_command_help(stdout, cli.cmd);
            rc = 0;
        }
    } else if (cli.cmd == CMD_ID_GRAPH) {
        rc = cmd_graph(&cli);
    } else if (cli.cmd == CMD_ID_BUILD) {
        rc = cmd_build(&cli);
    } else if (cli.cmd == CMD_ID_CHECK) {
        rc = cmd_check(&cli);
    } else {
        rc = cmd_dev(&cli); /* watch, dev */
    }
    mf_log_free(&log);
    free(cli.positional.items);
    return rc;
}
