/*
 * check.c — `mfbuild check SOURCE...`: a shared-dependency audit across the
 * manifests of federated apps, for CI (DESIGN.md section 1).
 *
 * Each SOURCE is an app's dist/ folder (its mf-stats.json when present,
 * else its mf-manifest.json), one of those files, or an http(s) URL of one
 * (fetched with libcurl, 10 s timeout; see "libcurl, on demand"), so a pipeline can check a new build
 * against what is deployed right now.  The files may come from mfbuild,
 * Rspack's built-in plugin or webpack with @module-federation/enhanced:
 * they share the MF 2.0 schema (federation-protocol.md 3) but not every
 * field, so each is normalised into one App record that says which facts
 * it has.  A check that needs a fact an app's file lacks (strictVersion,
 * the packages[] inventory: both only in mfbuild's stats) is reported as
 * skipped for that app, never passed silently.
 *
 * Checks (ids in diag_ids.def, a public contract):
 *   check-singleton-mismatch   singleton in some apps and not in others
 *   check-unsatisfied-version  the version singleton negotiation picks
 *                              (highest provided, as the runtime does) is
 *                              outside a consumer's requiredVersion: error
 *                              when that consumer is strictVersion
 *   check-duplicate-package    bundled, not shared, by two or more apps
 *   check-two-majors           shared at two majors at once
 *   check-missing-remote       a remotes entry's manifest names another container
 *   check-missing-expose       a remotes entry's module is not exposed
 *   check-duplicate-name       two apps with one container or global name
 * --strict makes warnings errors.  Exit: 0 clean, 1 any error, 2 usage or
 * unreadable input (reported with mf_log on stderr, JSON errors with
 * file:line:col).
 *
 * Output order is source order and package-name order, never hash order.
 */
#include "mfbuild.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FETCH_TIMEOUT_S 10L

/* ---- normalised apps ------------------------------------------------------ */

typedef struct Shared {
    const char *name, *version, *required; /* required NULL: none (false) */
    bool singleton;
    int strict; /* 1, 0, or -1 when the file does not say */
} Shared;

typedef struct Remote {
    const char *container, *module, *alias, *entry;
} Remote;

typedef struct Pkg {
    const char *name, *version;
    double bytes;
    bool shared;
} Pkg;

typedef struct App {
    const char *source;   /* as given on the command line */
    char *file;           /* the file read (absolute) or the URL */
    bool url;
    char *text;
    size_t len;
    cJSON *json;          /* owns every const char * below */
    const char *name, *global_name, *producer;
    bool stats;           /* an mf-stats.json (by its fields) */
    bool has_packages;
    MF_VEC(Shared) shared;
    MF_VEC(const char *) exposes;  /* expose names without "./" */
    MF_VEC(Remote) remotes;
    MF_VEC(Pkg) packages;
} App;

typedef struct Problem {
    MfMsgId id;
    bool error;
    const char *package;  /* borrowed from an app, NULL for app-level checks */
    MF_VEC(uint32_t) apps;
    char *text, *hint;
    double bytes;         /* check-duplicate-package: bytes that ship more than once */
} Problem;

typedef struct Skip {
    const char *check;    /* the id of the check that could not run */
    uint32_t app;
    char *reason;
} Skip;

/* One shared package across the apps, for --json: what negotiation picks. */
typedef struct PkgSummary {
    const char *name;
    uint32_t provider;    /* app whose version singleton negotiation picks, MF_NONE if none */
    const char *picked;
} PkgSummary;

typedef struct Check {
    MF_VEC(App) apps;
    MF_VEC(PkgSummary) packages; /* by name */
    MF_VEC(Problem) problems;
    MF_VEC(Skip) skipped;
    bool strict;
} Check;

static const char *str_of(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool starts_with(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

static bool is_url(const char *s) {
    return starts_with(s, "http://") || starts_with(s, "https://");
}

/* ---- libcurl, on demand --------------------------------------------------------- */

/* libcurl is opened (dlopen) when a URL is fetched, never linked: it and the
 * thirty libraries it brings (TLS, Kerberos, LDAP, SSH...) cost every mfbuild
 * process about 5 ms to map and relocate, every build included, and only a
 * `check` of a URL uses them.  Called through these pointers (which also
 * keeps curl's type-checking macros out of the way). */
static struct {
    void *lib;
    CURLcode (*global_init)(long);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
} curl;

/* Opens libcurl once; NULL when it is there, else why not. */
static const char *curl_open(void) {
    static const char *why;
    if (curl.lib || why) return why;
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return why = "libcurl.so.4 could not be loaded (install libcurl4)";
    void *sym;
#define SYM(field, name)                                 \
    if (!(sym = dlsym(lib, name))) {                     \
        dlclose(lib);                                    \
        return why = "libcurl.so.4 lacks " name;         \
    }                                                    \
    memcpy(&curl.field, &sym, sizeof curl.field);
    SYM(global_init, "curl_global_init")
    SYM(global_cleanup, "curl_global_cleanup")
    SYM(easy_init, "curl_easy_init")
    SYM(easy_setopt, "curl_easy_setopt")
    SYM(easy_perform, "curl_easy_perform")
    SYM(easy_getinfo, "curl_easy_getinfo")
    SYM(easy_cleanup, "curl_easy_cleanup")
    SYM(easy_strerror, "curl_easy_strerror")
#undef SYM
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dlclose(lib);
        return why = "libcurl did not start";
    }
    curl.lib = lib;
    return NULL;
}

static void curl_close(void) {
    if (!curl.lib) return;
    curl.global_cleanup();
    dlclose(curl.lib);
    curl.lib = NULL;
}

/* ---- loading ---------------------------------------------------------------- */

static size_t on_data(char *p, size_t size, size_t n, void *user) {
    mf_buf_append(user, p, size * n);
    return size * n;
}

/* Fetches url into *out.  On failure, a "Could not fetch" error in log. */
static bool fetch(const char *url, MfBuf *out, MfLog *log) {
    const char *why = curl_open();
    CURL *c = why ? NULL : curl.easy_init();
    if (!c) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_FETCH, NULL, NULL, 0, 0, 0, "Could not fetch %s: %s", url,
                   why ? why : "libcurl did not start");
        return false;
    }
    char err[CURL_ERROR_SIZE] = "";
    curl.easy_setopt(c, CURLOPT_URL, url);
    curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl.easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl.easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl.easy_setopt(c, CURLOPT_TIMEOUT, FETCH_TIMEOUT_S);
    curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, FETCH_TIMEOUT_S);
    curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* Deployed manifests are often served precompressed. */
    curl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl.easy_setopt(c, CURLOPT_USERAGENT, "mfbuild/" MF_VERSION " (check)");
    CURLcode rc = curl.easy_perform(c);
    long status = 0;
    curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl.easy_cleanup(c);
    if (rc != CURLE_OK) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_FETCH, NULL, NULL, 0, 0, 0, "Could not fetch %s: %s", url,
                   err[0] ? err : curl.easy_strerror(rc));
        if (rc == CURLE_OPERATION_TIMEDOUT)
            mf_log_note(log, "No answer within %ld s.", FETCH_TIMEOUT_S);
        return false;
    }
    if (status >= 400) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_FETCH, NULL, NULL, 0, 0, 0,
                   "Could not fetch %s: HTTP status %ld", url, status);
        return false;
    }
    return true;
}

/* Reads the source's text into app (file, text, len).  A folder means its
 * mf-stats.json (mfbuild's, with the facts several checks need) or else its
 * mf-manifest.json. */
static bool read_source(App *app, MfLog *log) {
    const char *src = app->source;
    if (is_url(src)) {
        app->url = true;
        app->file = mf_xstrdup(src);
        MfBuf b = {0};
        if (!fetch(src, &b, log)) {
            mf_buf_free(&b);
            return false;
        }
        app->len = b.len;
        app->text = b.data ? mf_buf_steal(&b) : mf_xstrdup("");
        return true;
    }
    char *abs = mf_path_absolute(src);
    if (mf_dir_exists(abs)) {
        char *stats = mf_path_join(abs, "mf-stats.json"), *manifest = mf_path_join(abs, "mf-manifest.json");
        if (mf_file_exists(stats)) app->file = stats, stats = NULL;
        else if (mf_file_exists(manifest)) app->file = manifest, manifest = NULL;
        free(stats), free(manifest);
        if (!app->file) {
            mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_FETCH, NULL, NULL, 0, 0, 0,
                       "No mf-stats.json or mf-manifest.json in %s", src);
            mf_log_note(log, "Pass an app's output folder after a federated build (exposes, remotes or shared).");
            free(abs);
            return false;
        }
        free(abs);
    } else {
        app->file = abs;
    }
    if (mf_file_read(app->file, &app->text, &app->len) != 0) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_FETCH, NULL, NULL, 0, 0, 0, "Cannot read %s: %s", src,
                   strerror(errno));
        return false;
    }
    return true;
}

/* Turns the parsed file into the App fields, whichever tool wrote it. */
static bool normalise(App *app, MfLog *log) {
    const cJSON *root = app->json;
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metaData");
    app->name = str_of(root, "name");
    if (!app->name && cJSON_IsObject(md)) app->name = str_of(md, "name");
    const cJSON *shared = cJSON_GetObjectItemCaseSensitive(root, "shared");
    const cJSON *exposes = cJSON_GetObjectItemCaseSensitive(root, "exposes");
    if (!cJSON_IsObject(root) || !app->name || !cJSON_IsObject(md)) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_SHAPE, app->file, app->text, app->len, 0, 0,
                   "%s is not an mf-manifest.json or mf-stats.json: no \"name\" and \"metaData\"", app->source);
        return false;
    }
    app->global_name = str_of(md, "globalName");
    if (!app->global_name) app->global_name = app->name;
    /* Producer, from what each tool writes in metaData (protocol doc 3.1):
     * mfbuild's pluginVersion is "mfbuild-<v>", enhanced's a bare version,
     * Rspack 2's built-in plugin writes none (and no "type"). */
    const char *pv = str_of(md, "pluginVersion");
    app->producer = pv && starts_with(pv, "mfbuild-") ? "mfbuild" : pv ? "enhanced" : "rspack";
    /* Stats: mfbuild's have packages[]; anyone's are named mf-stats.json. */
    size_t fl = strcspn(app->file, "?#");
    app->stats = cJSON_GetObjectItemCaseSensitive(root, "packages") != NULL ||
                 (fl >= 13 && strncmp(app->file + fl - 13, "mf-stats.json", 13) == 0);
    const cJSON *it;
    cJSON_ArrayForEach(it, (cJSON_IsArray(shared) ? shared : NULL)) {
        const char *n = str_of(it, "name");
        if (!n) continue;
        Shared s = {.name = n, .version = str_of(it, "version"), .strict = -1};
        const cJSON *rv = cJSON_GetObjectItemCaseSensitive(it, "requiredVersion");
        s.required = cJSON_IsString(rv) && rv->valuestring ? rv->valuestring : NULL;
        s.singleton = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "singleton"));
        const cJSON *sv = cJSON_GetObjectItemCaseSensitive(it, "strictVersion");
        if (cJSON_IsBool(sv)) s.strict = cJSON_IsTrue(sv);
        /* One entry per package: webpack lists a package once per share
         * scope; the first is what the checks read. */
        bool dup = false;
        for (uint32_t i = 0; i < app->shared.len && !dup; i++) dup = strcmp(app->shared.items[i].name, n) == 0;
        if (!dup) MF_VEC_PUSH(&app->shared, s);
    }
    cJSON_ArrayForEach(it, (cJSON_IsArray(exposes) ? exposes : NULL)) {
        const char *n = str_of(it, "name");
        const char *p = str_of(it, "path");
        if (!n && p) n = starts_with(p, "./") ? p + 2 : p;
        if (n) MF_VEC_PUSH(&app->exposes, n);
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "remotes")) {
        Remote r = {str_of(it, "federationContainerName"), str_of(it, "moduleName"), str_of(it, "alias"),
                    str_of(it, "entry")};
        if (r.container && r.module) MF_VEC_PUSH(&app->remotes, r);
    }
    const cJSON *pkgs = cJSON_GetObjectItemCaseSensitive(root, "packages");
    app->has_packages = cJSON_IsArray(pkgs);
    cJSON_ArrayForEach(it, (app->has_packages ? pkgs : NULL)) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(it, "bytes");
        Pkg p = {str_of(it, "name"), str_of(it, "version"), cJSON_IsNumber(b) ? b->valuedouble : 0,
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "shared"))};
        if (p.name) MF_VEC_PUSH(&app->packages, p);
    }
    return true;
}

static bool load_app(App *app, MfLog *log) {
    if (!read_source(app, log)) return false;
    size_t at = 0;
    char msg[160];
    /* Positions for malformed JSON: cJSON reports none worth showing. */
    if (app->len >= UINT32_MAX || !mf_json_check(app->text, app->len, &at, msg, sizeof msg)) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_SYNTAX, app->file, app->text, app->len, (uint32_t)at,
                   at < app->len ? 1 : 0, "Invalid JSON in %s: %s", app->source,
                   app->len >= UINT32_MAX ? "file too large" : msg);
        return false;
    }
    app->json = cJSON_ParseWithLength(app->text, app->len);
    if (!app->json) {
        mf_log_add(log, MF_DIAG_ERROR, MF_MSG_CHECK_SYNTAX, app->file, NULL, 0, 0, 0, "Invalid JSON in %s",
                   app->source);
        return false;
    }
    return normalise(app, log);
}

/* ---- problems ----------------------------------------------------------------- */

static Problem *add_problem(Check *ck, MfMsgId id, bool error, const char *package, char *text, char *hint) {
    Problem p = {.id = id, .error = error || ck->strict, .package = package, .text = text, .hint = hint};
    MF_VEC_PUSH(&ck->problems, p);
    return &ck->problems.items[ck->problems.len - 1];
}

static void add_app(Problem *p, uint32_t a) {
    for (uint32_t i = 0; i < p->apps.len; i++)
        if (p->apps.items[i] == a) return;
    MF_VEC_PUSH(&p->apps, a);
}

static void skip(Check *ck, MfMsgId check, uint32_t app, char *reason) {
    Skip s = {mf_msg_id_name(check), app, reason};
    MF_VEC_PUSH(&ck->skipped, s);
}

static int cmp_cstr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "host, catalog and cart" */
static void list_apps(MfBuf *b, const Check *ck, const uint32_t *apps, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (i) mf_buf_puts(b, i + 1 == n ? " and " : ", ");
        mf_buf_puts(b, ck->apps.items[apps[i]].name);
    }
}

static char *human_bytes(double n) {
    if (n < 1000) return mf_xasprintf("%.0f B", n);
    if (n < 1000 * 1000) return mf_xasprintf("%.1f kB", n / 1000);
    return mf_xasprintf("%.2f MB", n / 1e6);
}

/* One package's entry in one app. */
typedef struct Use {
    uint32_t app;
    const Shared *s;
} Use;

/* Runs the package checks; returns the use whose version singleton
 * negotiation picks (NULL: not a singleton anywhere, or no version). */
static const Use *check_package(Check *ck, const char *pkg, const Use *uses, uint32_t n) {
    /* singleton in some, not in others */
    MF_VEC(uint32_t) yes = {0}, no = {0};
    for (uint32_t i = 0; i < n; i++) {
        if (uses[i].s->singleton) MF_VEC_PUSH(&yes, uses[i].app);
        else MF_VEC_PUSH(&no, uses[i].app);
    }
    if (yes.len && no.len) {
        MfBuf t = {0};
        mf_buf_printf(&t, "%s is shared as a singleton by ", pkg);
        list_apps(&t, ck, yes.items, yes.len);
        mf_buf_puts(&t, " but not by ");
        list_apps(&t, ck, no.items, no.len);
        mf_buf_puts(&t, ": the non-singleton apps may load a second copy");
        Problem *p = add_problem(ck, MF_MSG_CHECK_SINGLETON_MISMATCH, true, pkg, mf_buf_steal(&t),
                                 mf_xasprintf("Set singleton: true for %s in every app's shared config (or in none).", pkg));
        for (uint32_t i = 0; i < n; i++) add_app(p, uses[i].app);
    }
    free(no.items);

    /* The version singleton negotiation picks: the highest provided (the
     * runtime's rule without a loaded instance), and who it fails. */
    const Use *pick = NULL;
    if (yes.len) {
        for (uint32_t i = 0; i < n; i++) {
            MfSemver v;
            if (!uses[i].s->singleton || !uses[i].s->version || !mf_semver_parse(uses[i].s->version, &v)) continue;
            if (!pick || mf_semver_compare(uses[i].s->version, pick->s->version) > 0) pick = &uses[i];
        }
        for (uint32_t i = 0; pick && i < n; i++) {
            const Use *u = &uses[i];
            if (!u->s->singleton || !u->s->required) continue;
            const App *a = &ck->apps.items[u->app];
            if (!mf_semver_range_valid(u->s->required)) {
                skip(ck, MF_MSG_CHECK_UNSATISFIED_VERSION, u->app,
                     mf_xasprintf("%s: requiredVersion \"%s\" is not a semver range", pkg, u->s->required));
                continue;
            }
            if (mf_semver_satisfies(pick->s->version, u->s->required)) continue;
            const App *pa = &ck->apps.items[pick->app];
            char *text = mf_xasprintf("%s: singleton negotiation picks %s (from %s), which does not satisfy %s's "
                                      "requiredVersion \"%s\"%s",
                                      pkg, pick->s->version, pa->name, a->name, u->s->required,
                                      u->s->strict == 1 ? " (strictVersion: the import fails)" : "");
            char *hint = mf_xasprintf("Widen %s's requiredVersion for %s to include %s, or align the %s versions "
                                      "of %s and %s.",
                                      a->name, pkg, pick->s->version, pkg, a->name, pa->name);
            Problem *p = add_problem(ck, MF_MSG_CHECK_UNSATISFIED_VERSION, u->s->strict == 1, pkg, text, hint);
            add_app(p, u->app);
            add_app(p, pick->app);
            if (u->s->strict < 0)
                skip(ck, MF_MSG_CHECK_UNSATISFIED_VERSION, u->app,
                     mf_xasprintf("%s: %s's %s has no strictVersion: reported as a warning, an error if "
                                  "%s sets strictVersion",
                                  pkg, a->producer, a->stats ? "mf-stats.json" : "mf-manifest.json", a->name));
        }
    }
    free(yes.items);

    /* Two majors at once. */
    uint64_t first = 0;
    bool have = false, two = false;
    for (uint32_t i = 0; i < n; i++) {
        MfSemver v;
        if (!uses[i].s->version || !mf_semver_parse(uses[i].s->version, &v)) continue;
        if (!have) first = v.num[0], have = true;
        else if (v.num[0] != first) two = true;
    }
    if (two) {
        MfBuf t = {0};
        mf_buf_printf(&t, "%s is shared at two majors:", pkg);
        for (uint32_t i = 0; i < n; i++)
            mf_buf_printf(&t, "%s %s %s", i ? "," : "", ck->apps.items[uses[i].app].name,
                          uses[i].s->version ? uses[i].s->version : "(no version)");
        Problem *p = add_problem(ck, MF_MSG_CHECK_TWO_MAJORS, false, pkg, mf_buf_steal(&t),
                                 mf_xasprintf("Move every app to one major of %s.", pkg));
        for (uint32_t i = 0; i < n; i++) add_app(p, uses[i].app);
    }
    return pick;
}

static void check_shared(Check *ck) {
    MF_VEC(const char *) names = {0};
    for (uint32_t a = 0; a < ck->apps.len; a++)
        for (uint32_t i = 0; i < ck->apps.items[a].shared.len; i++) MF_VEC_PUSH(&names, ck->apps.items[a].shared.items[i].name);
    if (names.len) qsort(names.items, names.len, sizeof(char *), cmp_cstr);
    MF_VEC(Use) uses = {0};
    for (uint32_t k = 0; k < names.len; k++) {
        if (k && strcmp(names.items[k], names.items[k - 1]) == 0) continue;
        uses.len = 0;
        for (uint32_t a = 0; a < ck->apps.len; a++)
            for (uint32_t i = 0; i < ck->apps.items[a].shared.len; i++)
                if (strcmp(ck->apps.items[a].shared.items[i].name, names.items[k]) == 0) {
                    Use u = {a, &ck->apps.items[a].shared.items[i]};
                    MF_VEC_PUSH(&uses, u);
                }
        const Use *pick = check_package(ck, names.items[k], uses.items, uses.len);
        PkgSummary sum = {names.items[k], pick ? pick->app : MF_NONE, pick ? pick->s->version : NULL};
        MF_VEC_PUSH(&ck->packages, sum);
    }
    free(uses.items);
    free(names.items);
}

/* Packages bundled (not shared) by two or more apps, from mfbuild's
 * packages[] inventory. */
static void check_duplicates(Check *ck) {
    if (ck->apps.len < 2) return;
    MF_VEC(const char *) names = {0};
    for (uint32_t a = 0; a < ck->apps.len; a++) {
        const App *app = &ck->apps.items[a];
        if (!app->has_packages) {
            skip(ck, MF_MSG_CHECK_DUPLICATE_PACKAGE, a,
                 mf_xasprintf("no packages[] inventory in %s's %s (only mfbuild's mf-stats.json has one)",
                              app->producer, app->stats ? "mf-stats.json" : "mf-manifest.json"));
            continue;
        }
        for (uint32_t i = 0; i < app->packages.len; i++)
            if (!app->packages.items[i].shared) MF_VEC_PUSH(&names, app->packages.items[i].name);
    }
    if (names.len) qsort(names.items, names.len, sizeof(char *), cmp_cstr);
    for (uint32_t k = 0; k < names.len; k++) {
        const char *pkg = names.items[k];
        if (k && strcmp(pkg, names.items[k - 1]) == 0) continue;
        MF_VEC(uint32_t) apps = {0};
        MfBuf t = {0};
        double total = 0, max = 0;
        for (uint32_t a = 0; a < ck->apps.len; a++) {
            const App *app = &ck->apps.items[a];
            double bytes = 0;
            MfBuf vers = {0};
            for (uint32_t i = 0; app->has_packages && i < app->packages.len; i++) {
                const Pkg *p = &app->packages.items[i];
                if (p->shared || strcmp(p->name, pkg) != 0) continue;
                bytes += p->bytes;
                mf_buf_printf(&vers, "%s%s", vers.len ? "+" : "", p->version ? p->version : "?");
            }
            if (vers.len) {
                char *hb = human_bytes(bytes);
                mf_buf_printf(&t, "%s%s %s (%s)", apps.len ? ", " : "", app->name, vers.data, hb);
                free(hb);
                MF_VEC_PUSH(&apps, a);
                total += bytes;
                if (bytes > max) max = bytes;
            }
            mf_buf_free(&vers);
        }
        if (apps.len >= 2) {
            char *twice = human_bytes(total - max);
            char *text = mf_xasprintf("%s is bundled, not shared, by %u apps: %s; %s ship more than once", pkg,
                                      apps.len, t.data, twice);
            free(twice);
            Problem *p = add_problem(ck, MF_MSG_CHECK_DUPLICATE_PACKAGE, false, pkg, text,
                                     mf_xasprintf("Add %s to \"shared\" in these apps so that one copy loads.", pkg));
            p->bytes = total - max;
            for (uint32_t i = 0; i < apps.len; i++) add_app(p, apps.items[i]);
        }
        free(apps.items);
        mf_buf_free(&t);
    }
    free(names.items);
}

/* The folder part of a URL ("http://x/a/mf-manifest.json" -> "http://x/a/"):
 * a remotes entry names remoteEntry.js or the manifest, a source may be
 * either file of the same deployment. */
static size_t url_dir_len(const char *u) {
    const char *q = u + strcspn(u, "?#");
    const char *slash = q;
    while (slash > u && slash[-1] != '/') slash--;
    return (size_t)(slash - u);
}

static bool same_deployment(const char *a, const char *b) {
    size_t la = url_dir_len(a), lb = url_dir_len(b);
    return la > 8 && la == lb && strncmp(a, b, la) == 0;
}

static void check_remotes(Check *ck) {
    for (uint32_t a = 0; a < ck->apps.len; a++) {
        const App *host = &ck->apps.items[a];
        for (uint32_t r = 0; r < host->remotes.len; r++) {
            const Remote *rem = &host->remotes.items[r];
            /* Reported once per container (a host lists one entry per module). */
            bool seen = false;
            for (uint32_t q = 0; q < r && !seen; q++) seen = strcmp(host->remotes.items[q].container, rem->container) == 0;
            /* The remote's manifest: a URL source of the same deployment as
             * the entry, else the source with that container name. */
            uint32_t by_url = MF_NONE, by_name = MF_NONE;
            for (uint32_t b = 0; b < ck->apps.len; b++) {
                const App *x = &ck->apps.items[b];
                if (b == a) continue;
                if (by_url == MF_NONE && x->url && rem->entry && same_deployment(x->file, rem->entry)) by_url = b;
                if (by_name == MF_NONE && strcmp(x->name, rem->container) == 0) by_name = b;
            }
            if (by_url != MF_NONE && strcmp(ck->apps.items[by_url].name, rem->container) != 0) {
                if (seen) continue;
                const App *x = &ck->apps.items[by_url];
                Problem *p = add_problem(
                    ck, MF_MSG_CHECK_MISSING_REMOTE, true, NULL,
                    mf_xasprintf("%s's remote \"%s\" expects container %s at %s, but that manifest is container %s",
                                 host->name, rem->alias ? rem->alias : rem->container, rem->container, rem->entry,
                                 x->name),
                    mf_xasprintf("Point %s's remote at %s's manifest, or rename the remote to %s@%s.", host->name,
                                 rem->container, x->name, rem->entry));
                add_app(p, a);
                add_app(p, by_url);
                continue;
            }
            uint32_t t = by_url != MF_NONE ? by_url : by_name;
            if (t == MF_NONE) {
                if (!seen)
                    skip(ck, MF_MSG_CHECK_MISSING_REMOTE, a,
                         mf_xasprintf("remote %s (%s) is not among the sources: pass its manifest to check it",
                                      rem->container, rem->entry ? rem->entry : "no entry"));
                continue;
            }
            const App *x = &ck->apps.items[t];
            bool found = false;
            for (uint32_t e = 0; e < x->exposes.len && !found; e++) found = strcmp(x->exposes.items[e], rem->module) == 0;
            if (found) continue;
            MfBuf list = {0};
            for (uint32_t e = 0; e < x->exposes.len; e++) mf_buf_printf(&list, "%s./%s", e ? ", " : "", x->exposes.items[e]);
            Problem *p = add_problem(
                ck, MF_MSG_CHECK_MISSING_EXPOSE, true, NULL,
                mf_xasprintf("%s imports %s/%s, but %s exposes %s", host->name,
                             rem->alias ? rem->alias : rem->container, rem->module, x->name,
                             list.len ? list.data : "nothing"),
                mf_xasprintf("Expose \"./%s\" in %s, or change the import in %s.", rem->module, x->name, host->name));
            mf_buf_free(&list);
            add_app(p, a);
            add_app(p, t);
        }
    }
}

static void check_names(Check *ck) {
    for (uint32_t a = 0; a < ck->apps.len; a++)
        for (uint32_t b = a + 1; b < ck->apps.len; b++) {
            const App *x = &ck->apps.items[a], *y = &ck->apps.items[b];
            bool name = strcmp(x->name, y->name) == 0;
            bool global = strcmp(x->global_name, y->global_name) == 0;
            if (!name && !global) continue;
            Problem *p = add_problem(
                ck, MF_MSG_CHECK_DUPLICATE_NAME, true, NULL,
                name ? mf_xasprintf("Two apps are container %s (%s and %s): a host can load only one of them",
                                    x->name, x->source, y->source)
                     : mf_xasprintf("%s and %s use one global name, %s: the second container overwrites the first",
                                    x->name, y->name, x->global_name),
                mf_xasprintf("Give each app its own \"name\" in its federation config."));
            add_app(p, a);
            add_app(p, b);
        }
}

/* ---- report ------------------------------------------------------------------- */

static void json_app(MfBuf *o, const Check *ck, uint32_t a) {
    mf_buf_puts(o, "{\"name\":");
    mf_buf_json_string(o, ck->apps.items[a].name);
    mf_buf_puts(o, ",\"source\":");
    mf_buf_json_string(o, ck->apps.items[a].source);
    mf_buf_putc(o, '}');
}

static void print_json_report(const Check *ck, MfLog *log, MfBuf *o) {
    uint32_t errors = 0;
    for (uint32_t i = 0; i < ck->problems.len; i++) errors += ck->problems.items[i].error;
    mf_buf_printf(o, "{\"ok\":%s,\"strict\":%s,\"sources\":[", errors || log->errors ? "false" : "true",
                  ck->strict ? "true" : "false");
    for (uint32_t a = 0; a < ck->apps.len; a++) {
        const App *app = &ck->apps.items[a];
        mf_buf_puts(o, a ? ",{\"source\":" : "{\"source\":");
        mf_buf_json_string(o, app->source);
        mf_buf_puts(o, ",\"file\":");
        mf_buf_json_string(o, app->file ? app->file : "");
        mf_buf_puts(o, ",\"name\":");
        mf_buf_json_string(o, app->name ? app->name : "");
        mf_buf_puts(o, ",\"globalName\":");
        mf_buf_json_string(o, app->global_name ? app->global_name : "");
        mf_buf_puts(o, ",\"producer\":");
        mf_buf_json_string(o, app->producer ? app->producer : "");
        mf_buf_printf(o, ",\"kind\":\"%s\"}", app->stats ? "stats" : "manifest");
    }
    mf_buf_puts(o, "],\"packages\":[");
    for (uint32_t k = 0; k < ck->packages.len; k++) {
        const PkgSummary *ps = &ck->packages.items[k];
        mf_buf_puts(o, k ? ",{\"name\":" : "{\"name\":");
        mf_buf_json_string(o, ps->name);
        if (ps->picked) {
            mf_buf_puts(o, ",\"picked\":");
            mf_buf_json_string(o, ps->picked);
            mf_buf_puts(o, ",\"provider\":");
            json_app(o, ck, ps->provider);
        }
        mf_buf_puts(o, ",\"apps\":[");
        bool first = true;
        for (uint32_t a = 0; a < ck->apps.len; a++)
            for (uint32_t i = 0; i < ck->apps.items[a].shared.len; i++) {
                const Shared *sh = &ck->apps.items[a].shared.items[i];
                if (strcmp(sh->name, ps->name) != 0) continue;
                mf_buf_puts(o, first ? "{\"name\":" : ",{\"name\":");
                first = false;
                mf_buf_json_string(o, ck->apps.items[a].name);
                mf_buf_puts(o, ",\"source\":");
                mf_buf_json_string(o, ck->apps.items[a].source);
                mf_buf_puts(o, ",\"version\":");
                if (sh->version) mf_buf_json_string(o, sh->version);
                else mf_buf_puts(o, "null");
                mf_buf_puts(o, ",\"requiredVersion\":");
                if (sh->required) mf_buf_json_string(o, sh->required);
                else mf_buf_puts(o, "null");
                mf_buf_printf(o, ",\"singleton\":%s,\"strictVersion\":%s}", sh->singleton ? "true" : "false",
                              sh->strict < 0 ? "null" : sh->strict ? "true" : "false");
            }
        mf_buf_puts(o, "]}");
    }
    mf_buf_puts(o, "],\"problems\":[");
    for (uint32_t i = 0; i < ck->problems.len; i++) {
        const Problem *p = &ck->problems.items[i];
        mf_buf_printf(o, "%s{\"id\":\"%s\",\"severity\":\"%s\"", i ? "," : "", mf_msg_id_name(p->id),
                      p->error ? "error" : "warning");
        if (p->package) {
            mf_buf_puts(o, ",\"package\":");
            mf_buf_json_string(o, p->package);
        }
        mf_buf_puts(o, ",\"apps\":[");
        for (uint32_t k = 0; k < p->apps.len; k++) {
            if (k) mf_buf_putc(o, ',');
            json_app(o, ck, p->apps.items[k]);
        }
        mf_buf_puts(o, "],\"text\":");
        mf_buf_json_string(o, p->text);
        mf_buf_puts(o, ",\"hint\":");
        mf_buf_json_string(o, p->hint);
        if (p->id == MF_MSG_CHECK_DUPLICATE_PACKAGE) mf_buf_printf(o, ",\"bytes\":%.0f", p->bytes);
        mf_buf_putc(o, '}');
    }
    mf_buf_puts(o, "],\"skipped\":[");
    for (uint32_t i = 0; i < ck->skipped.len; i++) {
        const Skip *s = &ck->skipped.items[i];
        mf_buf_printf(o, "%s{\"id\":\"%s\",\"check\":\"%s\",\"app\":", i ? "," : "",
                      mf_msg_id_name(MF_MSG_CHECK_SKIPPED), s->check);
        json_app(o, ck, s->app);
        mf_buf_puts(o, ",\"reason\":");
        mf_buf_json_string(o, s->reason);
        mf_buf_putc(o, '}');
    }
    mf_buf_puts(o, "],\"diagnostics\":[");
    mf_log_json(log, NULL, o);
    mf_buf_puts(o, "]}\n");
}

/* The package's apps as a table (terminals only: a pipe gets plain lines). */
static void print_table(MfBuf *o, const Check *ck, const char *pkg) {
    mf_buf_printf(o, "  %-20s %-12s %-14s %-9s %s\n", "app", "version", "required", "singleton", "strict");
    for (uint32_t a = 0; a < ck->apps.len; a++) {
        const App *app = &ck->apps.items[a];
        for (uint32_t i = 0; i < app->shared.len; i++) {
            const Shared *s = &app->shared.items[i];
            if (strcmp(s->name, pkg) != 0) continue;
            mf_buf_printf(o, "  %-20s %-12s %-14s %-9s %s\n", app->name, s->version ? s->version : "-",
                          s->required ? s->required : "-", s->singleton ? "yes" : "no",
                          s->strict < 0 ? "?" : s->strict ? "yes" : "no");
        }
    }
}

/* Colors follow the diagnostics' rule (diag.c): --color, else a terminal
 * without NO_COLOR. */
typedef struct Paint {
    const char *bold, *red, *yellow, *dim, *reset;
} Paint;

static void print_text_report(Check *ck, bool tty, bool quiet, MfColor color, MfBuf *o) {
    bool on = color == MF_COLOR_ALWAYS || (color == MF_COLOR_AUTO && tty && !getenv("NO_COLOR"));
    Paint c = on ? (Paint){"\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[0m"} : (Paint){"", "", "", "", ""};
    /* Grouped by package name, app-level problems last; an insertion sort
     * (stable) keeps the checks' order inside a group. */
    MF_VEC(uint32_t) order = {0};
    for (uint32_t i = 0; i < ck->problems.len; i++) MF_VEC_PUSH(&order, i);
    for (uint32_t i = 1; i < order.len; i++)
        for (uint32_t j = i; j > 0; j--) {
            const Problem *x = &ck->problems.items[order.items[j - 1]], *y = &ck->problems.items[order.items[j]];
            int cmp = (!x->package != !y->package) ? (x->package ? -1 : 1)
                                                    : x->package ? strcmp(x->package, y->package) : 0;
            if (cmp <= 0) break;
            uint32_t t = order.items[j];
            order.items[j] = order.items[j - 1];
            order.items[j - 1] = t;
        }
    uint32_t errors = 0, warnings = 0;
    const char *group = "";
    bool first = true;
    for (uint32_t k = 0; k < order.len; k++) {
        const Problem *p = &ck->problems.items[order.items[k]];
        if (p->error) errors++;
        else warnings++;
        if (quiet && !p->error) continue;
        const char *g = p->package ? p->package : "(apps)";
        if (first || strcmp(g, group) != 0) {
            mf_buf_printf(o, "%s%s%s%s\n", first ? "" : "\n", c.bold, g, c.reset);
            if (tty && p->package) print_table(o, ck, p->package);
            group = g;
            first = false;
        }
        mf_buf_printf(o, "  %s%s%s: %s [%s]\n", p->error ? c.red : c.yellow, p->error ? "error" : "warning", c.reset,
                      p->text, mf_msg_id_name(p->id));
        mf_buf_puts(o, "    apps: ");
        for (uint32_t i = 0; i < p->apps.len; i++) {
            const App *a = &ck->apps.items[p->apps.items[i]];
            mf_buf_printf(o, "%s%s (%s)", i ? ", " : "", a->name, a->source);
        }
        mf_buf_printf(o, "\n    %shint:%s %s\n", c.dim, c.reset, p->hint);
    }
    free(order.items);
    if (ck->skipped.len && !quiet) {
        mf_buf_printf(o, "%sskipped\n", first ? "" : "\n");
        for (uint32_t i = 0; i < ck->skipped.len; i++) {
            const Skip *s = &ck->skipped.items[i];
            const App *a = &ck->apps.items[s->app];
            mf_buf_printf(o, "  %s for %s (%s): %s\n", s->check, a->name, a->source, s->reason);
        }
        first = false;
    }
    mf_buf_printf(o, "%s%u error%s, %u warning%s, %u skipped, %u app%s checked\n", first ? "" : "\n", errors,
                  errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", ck->skipped.len, ck->apps.len,
                  ck->apps.len == 1 ? "" : "s");
}

/* ---- the command ---------------------------------------------------------------- */

static void check_free(Check *ck) {
    for (uint32_t i = 0; i < ck->apps.len; i++) {
        App *a = &ck->apps.items[i];
        free(a->file), free(a->text);
        cJSON_Delete(a->json);
        free(a->shared.items), free(a->exposes.items), free(a->remotes.items), free(a->packages.items);
    }
    free(ck->apps.items);
    free(ck->packages.items);
    for (uint32_t i = 0; i < ck->problems.len; i++) {
        Problem *p = &ck->problems.items[i];
        free(p->text), free(p->hint), free(p->apps.items);
    }
    free(ck->problems.items);
    for (uint32_t i = 0; i < ck->skipped.len; i++) free(ck->skipped.items[i].reason);
    free(ck->skipped.items);
}

int mf_check_main(const MfCheckArgs *args) {
    MfLog log = {0};
    Check ck = {.strict = args->strict};
    char *cwd = getcwd(NULL, 0);
    int rc;
    if (args->n_sources == 0) {
        mf_log_add(&log, MF_DIAG_ERROR, MF_MSG_USAGE, NULL, NULL, 0, 0, 0, "mfbuild check needs at least one SOURCE");
        mf_log_note(&log, "A SOURCE is an app's dist/ folder, its mf-manifest.json or mf-stats.json, or an "
                          "http(s):// URL of one.");
        rc = 2;
        goto out;
    }
    /* Every source is read before any check runs, and every unreadable one
     * is reported: one CI run shows all the broken inputs. */
    for (int i = 0; i < args->n_sources; i++) {
        App app = {.source = args->sources[i]};
        bool ok = load_app(&app, &log);
        MF_VEC_PUSH(&ck.apps, app);
        if (!ok) ck.apps.items[ck.apps.len - 1].name = NULL;
    }
    curl_close();
    if (log.errors) {
        /* Drop the half-loaded apps: nothing below may read them. */
        rc = 2;
        goto out;
    }
    check_names(&ck);
    check_shared(&ck);
    check_duplicates(&ck);
    check_remotes(&ck);
    rc = 0;
    for (uint32_t i = 0; i < ck.problems.len; i++)
        if (ck.problems.items[i].error) rc = 1;

out:;
    MfBuf o = {0};
    mf_log_print(&log, cwd, args->color);
    if (args->json) print_json_report(&ck, &log, &o);
    else if (rc != 2) print_text_report(&ck, isatty(STDOUT_FILENO), args->quiet, args->color, &o);
    if (o.len) fwrite(o.data, 1, o.len, stdout);
    mf_buf_free(&o);
    check_free(&ck);
    mf_log_free(&log);
    free(cwd);
    return rc;
}
