/*
 * test_config.c — mf_config_load: defaults, every class of config error
 * (id, position, text), package.json-derived settings, the command line.
 *
 * Each test builds a project folder with unit_tmpdir()/unit_write() and
 * loads it with an explicit -c path, so the tests do not depend on the
 * cwd; the few that test cwd-relative behaviour chdir and restore it.
 */
#include "mfbuild.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

static MfConfigArgs args_for(const char *dir, char *path_buf, size_t size) {
    MfConfigArgs a = {0};
    a.port = -1;
    a.default_mode = MF_MODE_PRODUCTION;
    if (dir) {
        snprintf(path_buf, size, "%s/mfbuild.json", dir);
        a.config_path = path_buf;
    }
    return a;
}

/* Writes mfbuild.json with `json` into a new project folder and loads it. */
static MfConfig *load_json(const char *json, const char **dir_out, MfLog *log) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", json);
    char path[4096];
    MfConfigArgs a = args_for(dir, path, sizeof path);
    if (dir_out) *dir_out = dir;
    return mf_config_load(&a, log);
}

static MfConfig *load_dir(const char *dir, MfLog *log) {
    char path[4096];
    MfConfigArgs a = args_for(dir, path, sizeof path);
    return mf_config_load(&a, log);
}

static const MfDiag *find_diag(const MfLog *log, MfMsgId id) {
    for (uint32_t i = 0; i < log->diags.len; i++)
        if (log->diags.items[i].id == id) return &log->diags.items[i];
    return NULL;
}

/* 1-based line and column (bytes; the tests are ASCII) of `offset`. */
static void line_col(const char *text, size_t offset, unsigned *line, unsigned *col) {
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Checks that `d` points at the nth (0-based) occurrence of `needle` in
 * `text` and at the right line:col. */
static void check_at(const MfDiag *d, const char *text, const char *needle, int nth) {
    const char *p = strstr(text, needle);
    while (p && nth-- > 0) p = strstr(p + 1, needle);
    REQUIRE(p != NULL);
    REQUIRE(d != NULL);
    size_t off = (size_t)(p - text);
    unsigned line, col;
    line_col(text, off, &line, &col);
    CHECK_INT(d->offset, off);
    CHECK_INT(d->line, line);
    CHECK_INT(d->column, col);
    CHECK(d->file != NULL);
}

static char *path_in(const char *dir, const char *rel) {
    char *p = malloc(strlen(dir) + strlen(rel) + 2);
    sprintf(p, "%s/%s", dir, rel);
    return p;
}

/* ---- identifiers ------------------------------------------------------- */

TEST(config_is_js_identifier) {
    CHECK(mf_is_js_identifier("checkout"));
    CHECK(mf_is_js_identifier("_org_my_app"));
    CHECK(mf_is_js_identifier("$x9"));
    CHECK(mf_is_js_identifier("caf\xc3\xa9"));
    CHECK(!mf_is_js_identifier(""));
    CHECK(!mf_is_js_identifier(NULL));
    CHECK(!mf_is_js_identifier("my-app"));
    CHECK(!mf_is_js_identifier("9lives"));
    CHECK(!mf_is_js_identifier("a b"));
    CHECK(!mf_is_js_identifier("class"));
    CHECK(!mf_is_js_identifier("default"));
    CHECK(!mf_is_js_identifier("null"));
    CHECK(!mf_is_js_identifier("let"));
    CHECK(mf_is_js_identifier("classes"));
}

/* ---- defaults ------------------------------------------------------------ */

TEST(config_defaults) {
    MfLog log = {0};
    const char *dir;
    MfConfig *cfg = load_json("{ \"name\": \"app\" }", &dir, &log);
    REQUIRE(cfg != NULL);
    CHECK_INT(log.errors, 0);
    CHECK_STR(cfg->root, dir);
    char *cp = path_in(dir, "mfbuild.json");
    CHECK_STR(cfg->config_path, cp);
    free(cp);
    CHECK_STR(cfg->name, "app");
    CHECK_INT(cfg->entries.len, 0);
    CHECK_STR(cfg->filename, "remoteEntry.js");
    CHECK_INT(cfg->share_strategy, MF_SHARE_VERSION_FIRST);
    char *dist = path_in(dir, "dist");
    CHECK_STR(cfg->out_dir, dist);
    free(dist);
    CHECK_STR(cfg->public_path, "auto");
    CHECK_STR(cfg->out_filename, "[name].[contenthash].js");
    CHECK_INT(cfg->source_map, MF_SOURCEMAP_NONE);
    CHECK_INT(cfg->target, MF_TARGET_WEB);
    CHECK_INT(cfg->mode, MF_MODE_PRODUCTION);
    CHECK(cfg->jsx_automatic);
    CHECK_STR(cfg->jsx_import_source, "react");
    CHECK_STR(cfg->jsx_pragma, "React.createElement");
    CHECK_STR(cfg->jsx_pragma_frag, "React.Fragment");
    CHECK(!cfg->html);
    REQUIRE(cfg->define.len == 1);
    CHECK_STR(cfg->define.items[0].key, "process.env.NODE_ENV");
    CHECK_STR(cfg->define.items[0].value, "\"production\"");
    REQUIRE(cfg->extensions.len == 7);
    CHECK_STR(cfg->extensions.items[0], ".tsx");
    CHECK_STR(cfg->extensions.items[6], ".json");
    CHECK_INT(cfg->conditions.len, 0);
    CHECK_INT(cfg->dev_port, 3001);
    CHECK_STR(cfg->dev_host, "127.0.0.1");
    CHECK(cfg->threads >= 1);
    CHECK_INT(cfg->color, MF_COLOR_AUTO);
    CHECK(cfg->pkg_name == NULL);
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_development_defaults) {
    MfLog log = {0};
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{}");
    char path[4096];
    MfConfigArgs a = args_for(dir, path, sizeof path);
    a.default_mode = MF_MODE_DEVELOPMENT;
    MfConfig *cfg = mf_config_load(&a, &log);
    REQUIRE(cfg != NULL);
    CHECK_INT(cfg->mode, MF_MODE_DEVELOPMENT);
    CHECK_INT(cfg->source_map, MF_SOURCEMAP_INLINE);
    CHECK_STR(cfg->define.items[0].value, "\"development\"");
    CHECK(cfg->name == NULL);
    mf_config_free(cfg);
    /* --mode wins over the command's default. */
    a.mode = "production";
    cfg = mf_config_load(&a, &log);
    REQUIRE(cfg != NULL);
    CHECK_INT(cfg->mode, MF_MODE_PRODUCTION);
    CHECK_INT(cfg->source_map, MF_SOURCEMAP_NONE);
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_all_sections) {
    MfLog log = {0};
    const char *dir = unit_tmpdir();
    unit_write(dir, "src/index.tsx", "");
    unit_write(dir, "src/admin/index.js", "");
    unit_write(dir, "public/index.html", "<html></html>");
    unit_write(dir, "mfbuild.json",
               "{\n"
               "  \"$schema\": \"https://example.com/schema.json\",\n"
               "  \"name\": \"checkout\",\n"
               "  \"entry\": { \"app\": \"./src/index\", \"admin\": \"src/admin\" },\n"
               "  \"filename\": \"remote.js\",\n"
               "  \"shareStrategy\": \"loaded-first\",\n"
               "  \"runtimePlugins\": [\"./plugins/log.js\"],\n"
               "  \"retry\": { \"times\": 2, \"delayMs\": 250 },\n"
               "  \"output\": { \"path\": \"build/out\", \"publicPath\": \"/static/\",\n"
               "              \"filename\": \"js/[name].js\", \"sourceMap\": \"inline\" },\n"
               "  \"target\": \"web\",\n"
               "  \"jsx\": { \"runtime\": \"classic\", \"pragma\": \"h\", \"pragmaFrag\": \"Fragment\",\n"
               "           \"importSource\": \"preact\" },\n"
               "  \"html\": { \"template\": \"./public/index.html\" },\n"
               "  \"define\": { \"__DEV__\": false, \"process.env.API\": \"\\\"https://api\\\"\" },\n"
               "  \"resolve\": { \"alias\": { \"@\": \"./src\" }, \"conditions\": [\"custom\"] },\n"
               "  \"dev\": { \"port\": 4000, \"host\": \"0.0.0.0\" }\n"
               "}\n");
    MfConfig *cfg = load_dir(dir, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->entries.len == 2);
    CHECK_STR(cfg->entries.items[0].name, "app");
    CHECK_STR(cfg->entries.items[0].spec, "./src/index");
    CHECK_STR(cfg->entries.items[1].name, "admin");
    CHECK_STR(cfg->entries.items[1].spec, "./src/admin");
    CHECK_STR(cfg->filename, "remote.js");
    CHECK_INT(cfg->share_strategy, MF_SHARE_LOADED_FIRST);
    REQUIRE(cfg->runtime_plugins.len == 1);
    CHECK_STR(cfg->runtime_plugins.items[0], "./plugins/log.js");
    CHECK_INT(cfg->retry_times, 2);
    CHECK_INT(cfg->retry_delay_ms, 250);
    char *out = path_in(dir, "build/out");
    CHECK_STR(cfg->out_dir, out);
    free(out);
    CHECK_STR(cfg->public_path, "/static/");
    CHECK_STR(cfg->out_filename, "js/[name].js");
    CHECK_INT(cfg->source_map, MF_SOURCEMAP_INLINE);
    CHECK(!cfg->jsx_automatic);
    CHECK_STR(cfg->jsx_pragma, "h");
    CHECK_STR(cfg->jsx_pragma_frag, "Fragment");
    CHECK_STR(cfg->jsx_import_source, "preact");
    CHECK(cfg->html);
    char *tpl = path_in(dir, "public/index.html");
    CHECK_STR(cfg->html_template, tpl);
    free(tpl);
    REQUIRE(cfg->define.len == 3);
    CHECK_STR(cfg->define.items[0].key, "__DEV__");
    CHECK_STR(cfg->define.items[0].value, "false");
    CHECK_STR(cfg->define.items[1].value, "\"https://api\"");
    CHECK_STR(cfg->define.items[2].key, "process.env.NODE_ENV");
    REQUIRE(cfg->alias.len == 1);
    CHECK_STR(cfg->alias.items[0].key, "@");
    CHECK_STR(cfg->alias.items[0].value, "./src");
    REQUIRE(cfg->conditions.len == 1);
    CHECK_STR(cfg->conditions.items[0], "custom");
    CHECK_INT(cfg->dev_port, 4000);
    CHECK_STR(cfg->dev_host, "0.0.0.0");
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_user_node_env_kept) {
    MfLog log = {0};
    MfConfig *cfg = load_json("{\"define\": {\"process.env.NODE_ENV\": \"\\\"test\\\"\"}}", NULL, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->define.len == 1);
    CHECK_STR(cfg->define.items[0].value, "\"test\"");
    mf_config_free(cfg);
    mf_log_free(&log);
}

/* ---- errors, one class each ------------------------------------------- */

TEST(config_unknown_key_with_hint) {
    const char *text = "{\n  \"name\": \"app\",\n  \"exposs\": {}\n}\n";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 1);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_UNKNOWN_KEY);
    REQUIRE(d != NULL);
    CHECK_STR(d->text, "Unknown key \"exposs\" in mfbuild.json");
    CHECK_STR(d->suggestion, "Did you mean \"exposes\"?");
    check_at(d, text, "\"exposs\"", 0);
    CHECK_INT(d->line, 3);
    CHECK_INT(d->column, 3);
    CHECK_INT(d->length, 8);
    mf_log_free(&log);
}

TEST(config_unknown_nested_key) {
    const char *text = "{\"shared\": {\n  \"react\": { \"singelton\": true },\n"
                       "  \"x\": { \"zzzzzzzz\": 1 }\n}}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 2);
    const MfDiag *d = &log.diags.items[0];
    CHECK_INT(d->id, MF_MSG_CONFIG_UNKNOWN_KEY);
    CHECK_STR(d->text, "Unknown key \"singelton\" in shared.react");
    CHECK_STR(d->suggestion, "Did you mean \"singleton\"?");
    check_at(d, text, "\"singelton\"", 0);
    d = &log.diags.items[1];
    CHECK_STR(d->text, "Unknown key \"zzzzzzzz\" in shared.x");
    CHECK(d->suggestion == NULL);
    check_at(d, text, "\"zzzzzzzz\"", 0);
    mf_log_free(&log);
}

TEST(config_moved_key_hint) {
    MfLog log = {0};
    MfConfig *cfg = load_json("{\"mode\": \"development\"}", NULL, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_UNKNOWN_KEY);
    REQUIRE(d != NULL);
    CHECK(d->suggestion && strstr(d->suggestion, "--mode"));
    mf_log_free(&log);
}

TEST(config_wrong_type) {
    const char *text = "{\n  \"shared\": {\n    \"react\": { \"singleton\": \"yes\" }\n  },\n"
                       "  \"dev\": { \"port\": \"80\" },\n  \"name\": 5\n}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 3);
    const MfDiag *d = &log.diags.items[0];
    CHECK_INT(d->id, MF_MSG_CONFIG_TYPE);
    CHECK_STR(d->text, "Expected \"singleton\" (in shared.react) to be a boolean, got a string");
    check_at(d, text, "\"yes\"", 0);
    CHECK_INT(d->line, 3);
    d = &log.diags.items[1];
    CHECK_STR(d->text, "Expected \"port\" (in dev) to be a number, got a string");
    check_at(d, text, "\"80\"", 0);
    d = &log.diags.items[2];
    CHECK_STR(d->text, "Expected \"name\" to be a string, got a number");
    check_at(d, text, "5\n}", 0);
    mf_log_free(&log);
}

TEST(config_wrong_value) {
    const char *text = "{ \"dev\": { \"port\": 70000 }, \"retry\": { \"times\": -1 },\n"
                       "  \"target\": \"browser\", \"shareStrategy\": \"version_first\",\n"
                       "  \"resolve\": { \"extensions\": [\".js\", \"ts\"] } }";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 5);
    for (uint32_t i = 0; i < log.diags.len; i++)
        CHECK_INT(log.diags.items[i].id, MF_MSG_CONFIG_VALUE);
    /* resolve is read first (the file checks depend on it). */
    const MfDiag *d = &log.diags.items[0];
    CHECK_STR(d->text, "resolve.extensions[1] must start with \".\", got \"ts\"");
    check_at(d, text, "\"ts\"", 0);
    d = &log.diags.items[1];
    CHECK_STR(d->text, "\"port\" (in dev) must be a whole number from 0 to 65535, got 70000");
    check_at(d, text, "70000", 0);
    d = &log.diags.items[2];
    CHECK(strstr(d->text, "\"times\" (in retry)") != NULL);
    check_at(d, text, "-1", 0);
    d = &log.diags.items[3];
    CHECK_STR(d->text, "\"target\" must be \"web\" or \"node\", got \"browser\"");
    check_at(d, text, "\"browser\"", 0);
    d = &log.diags.items[4];
    CHECK_STR(d->suggestion, "Did you mean \"version-first\"?");
    mf_log_free(&log);
}

TEST(config_invalid_name) {
    const char *text = "{\n  \"name\": \"my-app\"\n}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 1);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_NAME);
    REQUIRE(d != NULL);
    CHECK_STR(d->text, "\"name\" must be a valid JavaScript identifier, got \"my-app\"");
    CHECK_STR(d->suggestion, "Did you mean \"my_app\"?");
    check_at(d, text, "\"my-app\"", 0);
    CHECK_INT(d->line, 2);
    CHECK_INT(d->column, 11);
    mf_log_free(&log);

    cfg = load_json("{\"name\": \"class\"}", NULL, &log);
    CHECK(cfg == NULL);
    CHECK(find_diag(&log, MF_MSG_CONFIG_NAME) != NULL);
    mf_log_free(&log);
}

TEST(config_expose_key) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "src/Button.tsx", "");
    const char *text = "{\"name\": \"app\", \"exposes\": {\n"
                       "  \"Button\": \"./src/Button\",\n  \"./\": \"./src/Button\"\n}}";
    unit_write(dir, "mfbuild.json", text);
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 2);
    const MfDiag *d = &log.diags.items[0];
    CHECK_INT(d->id, MF_MSG_CONFIG_EXPOSE_KEY);
    CHECK_STR(d->text, "Expose key \"Button\" must start with \"./\" (or be \".\")");
    CHECK_STR(d->suggestion, "Did you mean \"./Button\"?");
    check_at(d, text, "\"Button\"", 0);
    d = &log.diags.items[1];
    CHECK_INT(d->id, MF_MSG_CONFIG_EXPOSE_KEY);
    check_at(d, text, "\"./\"", 0);
    mf_log_free(&log);
}

TEST(config_exposes_resolved) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "src/Button.tsx", "");
    unit_write(dir, "src/widgets/index.js", "");
    unit_write(dir, "src/util.mjs", "");
    unit_write(dir, "mfbuild.json",
               "{\"name\": \"app\", \"exposes\": {\".\": \"./src/util.mjs\","
               " \"./Button\": \"./src/Button\", \"./widgets\": \"./src/widgets\"}}");
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->exposes.len == 3);
    CHECK_STR(cfg->exposes.items[0].key, ".");
    CHECK_STR(cfg->exposes.items[1].key, "./Button");
    CHECK_STR(cfg->exposes.items[1].spec, "./src/Button");
    char *p = path_in(dir, "src/Button.tsx");
    CHECK_STR(cfg->exposes.items[1].path, p);
    free(p);
    p = path_in(dir, "src/widgets/index.js");
    CHECK_STR(cfg->exposes.items[2].path, p);
    free(p);
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_resolve_extensions_used_for_files) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "src/App.vue", "");
    /* "resolve" comes after "exposes" on purpose: it is read first. */
    unit_write(dir, "mfbuild.json",
               "{\"name\": \"app\", \"exposes\": {\"./App\": \"./src/App\"},"
               " \"resolve\": {\"extensions\": [\".vue\", \".js\"]}}");
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->extensions.len == 2);
    CHECK_STR(cfg->extensions.items[0], ".vue");
    REQUIRE(cfg->exposes.len == 1);
    char *p = path_in(dir, "src/App.vue");
    CHECK_STR(cfg->exposes.items[0].path, p);
    free(p);
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_missing_files) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "src/Button.tsx", "");
    const char *text = "{\n  \"name\": \"app\",\n  \"entry\": \"./src/main.js\",\n"
                       "  \"exposes\": { \"./Button\": \"./src/Buton\" },\n"
                       "  \"html\": { \"template\": \"./public/index.html\" }\n}";
    unit_write(dir, "mfbuild.json", text);
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 3);
    for (uint32_t i = 0; i < log.diags.len; i++)
        CHECK_INT(log.diags.items[i].id, MF_MSG_CONFIG_MISSING_FILE);
    const MfDiag *d = &log.diags.items[0];
    CHECK_STR(d->text, "File \"./src/main.js\" for entry does not exist");
    check_at(d, text, "\"./src/main.js\"", 0);
    d = &log.diags.items[1];
    CHECK_STR(d->text, "File \"./src/Buton\" for exposes[\"./Button\"] does not exist");
    CHECK_STR(d->suggestion, "Did you mean \"./src/Button.tsx\"?");
    check_at(d, text, "\"./src/Buton\"", 0);
    CHECK_INT(d->line, 4);
    d = &log.diags.items[2];
    check_at(d, text, "\"./public/index.html\"", 0);
    mf_log_free(&log);
}

TEST(config_remote_errors) {
    const char *text = "{\"remotes\": {\n"
                       "  \"catalog\": \"http://localhost:3002/remoteEntry.js\",\n"
                       "  \"cart\": \"my-cart@http://x/remoteEntry.js\",\n"
                       "  \"empty\": \"empty@\",\n"
                       "  \"obj\": { \"name\": \"obj\" },\n"
                       "  \"num\": 3\n}}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 5);
    const MfDiag *d = &log.diags.items[0];
    CHECK_INT(d->id, MF_MSG_CONFIG_REMOTE);
    CHECK_STR(d->text, "Remote \"catalog\" must look like \"name@URL\", got "
                       "\"http://localhost:3002/remoteEntry.js\"");
    CHECK_STR(d->suggestion, "Did you mean \"catalog@http://localhost:3002/remoteEntry.js\"?");
    check_at(d, text, "\"http://localhost", 0);
    d = &log.diags.items[1];
    CHECK_INT(d->id, MF_MSG_CONFIG_REMOTE);
    CHECK(strstr(d->text, "\"my-cart\"") != NULL);
    check_at(d, text, "\"my-cart@", 0);
    d = &log.diags.items[2];
    CHECK_INT(d->id, MF_MSG_CONFIG_REMOTE);
    check_at(d, text, "\"empty@\"", 0);
    d = &log.diags.items[3];
    CHECK_INT(d->id, MF_MSG_CONFIG_REMOTE);
    CHECK_STR(d->text, "Remote \"obj\" needs both \"name\" and \"entry\"");
    check_at(d, text, "\"obj\"", 0);
    d = &log.diags.items[4];
    CHECK_INT(d->id, MF_MSG_CONFIG_TYPE);
    check_at(d, text, "3\n", 0);
    mf_log_free(&log);
}

TEST(config_remotes_forms) {
    MfLog log = {0};
    MfConfig *cfg = load_json(
        "{\"remotes\": {"
        " \"catalog\": \"catalog@http://localhost:3002/mf-manifest.json\","
        " \"cart\": \"cart_app@https://cdn.example.com/cart@2/remoteEntry.js\","
        " \"obj\": { \"name\": \"objApp\", \"entry\": \"http://x/mf-manifest.json?v=1\" }"
        "}}",
        NULL, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->remotes.len == 3);
    CHECK_STR(cfg->remotes.items[0].alias, "catalog");
    CHECK_STR(cfg->remotes.items[0].name, "catalog");
    CHECK_STR(cfg->remotes.items[0].entry, "http://localhost:3002/mf-manifest.json");
    CHECK(cfg->remotes.items[0].is_manifest);
    /* The name ends at the first '@'; the URL may contain more. */
    CHECK_STR(cfg->remotes.items[1].name, "cart_app");
    CHECK_STR(cfg->remotes.items[1].entry, "https://cdn.example.com/cart@2/remoteEntry.js");
    CHECK(!cfg->remotes.items[1].is_manifest);
    CHECK_STR(cfg->remotes.items[2].alias, "obj");
    CHECK_STR(cfg->remotes.items[2].name, "objApp");
    CHECK(cfg->remotes.items[2].is_manifest);
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_syntax_errors) {
    static const struct { const char *text, *at, *msg; } cases[] = {
        {"{\n  \"name\": \"app\",\n}", ",\n}", "Trailing commas"},
        {"{\n  \"name\" \"app\"\n}", "\"app\"", "Unexpected"},
        {"{ // comment\n}", "//", "Comments"},
        {"{ 'name': 1 }", "'", "double quotes"},
        {"{\"a\": tru }", "tru", "Unexpected"},
        {"{\"a\": 01}", "1}", "Unexpected"},
        {"{\"a\": \"x\n\"}", "\"x", "Unterminated string"},
        {"{} {}", "{}", "Unexpected"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        MfLog log = {0};
        MfConfig *cfg = load_json(cases[i].text, NULL, &log);
        CHECK(cfg == NULL);
        CHECK_INT(log.errors, 1);
        const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_SYNTAX);
        REQUIRE(d != NULL);
        if (!strstr(d->text, cases[i].msg)) fprintf(stderr, "    case %zu: %s\n", i, d->text);
        CHECK(strstr(d->text, cases[i].msg) != NULL);
        check_at(d, cases[i].text, cases[i].at, i == 7 ? 1 : 0);
        mf_log_free(&log);
    }
    /* End of file: the position is the end. */
    MfLog log = {0};
    const char *text = "{\n  \"name\": ";
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_SYNTAX);
    REQUIRE(d != NULL);
    CHECK_INT(d->offset, strlen(text));
    CHECK_INT(d->line, 2);
    mf_log_free(&log);
    /* Empty file. */
    cfg = load_json("", NULL, &log);
    CHECK(cfg == NULL);
    CHECK(find_diag(&log, MF_MSG_CONFIG_SYNTAX) != NULL);
    mf_log_free(&log);
}

TEST(config_not_an_object) {
    MfLog log = {0};
    MfConfig *cfg = load_json("[1, 2]", NULL, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_TYPE);
    REQUIRE(d != NULL);
    CHECK_STR(d->text, "Expected mfbuild.json to be an object, got an array");
    mf_log_free(&log);
}

TEST(config_duplicate_key) {
    const char *text = "{\"name\": \"a\",\n \"name\": \"b\", \"shared\": [\"react\", \"react\"]}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 2);
    const MfDiag *d = &log.diags.items[0];
    CHECK_INT(d->id, MF_MSG_CONFIG_DUPLICATE_KEY);
    check_at(d, text, "\"name\"", 1);
    d = &log.diags.items[1];
    CHECK_INT(d->id, MF_MSG_CONFIG_DUPLICATE_KEY);
    check_at(d, text, "\"react\"", 1);
    mf_log_free(&log);
}

TEST(config_collects_all_errors) {
    const char *text = "{\"name\": \"1x\", \"filenme\": \"a.js\", \"exposes\": {\"X\": 1},"
                       " \"jsx\": {\"runtime\": \"new\"}, \"html\": \"yes\", \"dev\": []}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    /* name, unknown key, expose key, expose value type, jsx runtime, html, dev */
    CHECK_INT(log.errors, 7);
    CHECK(find_diag(&log, MF_MSG_CONFIG_NAME) != NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_UNKNOWN_KEY);
    REQUIRE(d != NULL);
    CHECK_STR(d->suggestion, "Did you mean \"filename\"?");
    CHECK(find_diag(&log, MF_MSG_CONFIG_EXPOSE_KEY) != NULL);
    mf_log_free(&log);
}

TEST(config_missing_config_file) {
    MfLog log = {0};
    MfConfigArgs a = {.config_path = "/nonexistent/dir/mfbuild.json", .port = -1};
    MfConfig *cfg = mf_config_load(&a, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 1);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_READ);
    REQUIRE(d != NULL);
    CHECK(d->file == NULL);
    CHECK(strstr(d->text, "/nonexistent/dir/mfbuild.json") != NULL);
    mf_log_free(&log);

    /* A folder given as the config file. */
    const char *dir = unit_tmpdir();
    a.config_path = dir;
    cfg = mf_config_load(&a, &log);
    CHECK(cfg == NULL);
    CHECK(find_diag(&log, MF_MSG_CONFIG_READ) != NULL);
    mf_log_free(&log);
}

TEST(config_cli_usage_errors) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{}");
    char path[4096];
    MfConfigArgs a = args_for(dir, path, sizeof path);
    a.target = "browser";
    a.mode = "prod";
    a.port = 70000;
    MfLog log = {0};
    MfConfig *cfg = mf_config_load(&a, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 3);
    for (uint32_t i = 0; i < log.diags.len; i++) {
        CHECK_INT(log.diags.items[i].id, MF_MSG_USAGE);
        CHECK(log.diags.items[i].file == NULL);
    }
    CHECK(strstr(log.diags.items[0].text, "--mode") != NULL);
    CHECK(strstr(log.diags.items[1].text, "--target \"browser\"") != NULL);
    mf_log_free(&log);
}

TEST(config_cli_overrides) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json",
               "{\"target\": \"node\", \"dev\": {\"port\": 4000, \"host\": \"a\"},"
               " \"output\": {\"path\": \"out\"}}");
    char path[4096];
    MfConfigArgs a = args_for(dir, path, sizeof path);
    a.target = "web";
    a.host = "::1";
    a.port = 0;
    a.out_dir = "/tmp/mfbuild-unit-out";
    MfLog log = {0};
    MfConfig *cfg = mf_config_load(&a, &log);
    REQUIRE(cfg != NULL);
    CHECK_INT(cfg->target, MF_TARGET_WEB);
    CHECK_STR(cfg->dev_host, "::1");
    CHECK_INT(cfg->dev_port, 0);
    CHECK_STR(cfg->out_dir, "/tmp/mfbuild-unit-out");
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_out_dir_must_not_contain_root) {
    const char *text = "{\"output\": {\"path\": \"..\"}}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_VALUE);
    REQUIRE(d != NULL);
    check_at(d, text, "\"..\"", 0);
    mf_log_free(&log);
}

TEST(config_node_target_with_federation) {
    const char *text = "{\"name\": \"app\", \"target\": \"node\",\n \"shared\": [\"react\"]}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 1);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_VALUE);
    REQUIRE(d != NULL);
    CHECK(strstr(d->text, "\"node\"") && strstr(d->text, "shared"));
    check_at(d, text, "\"shared\"", 0);
    mf_log_free(&log);

    /* --target node on the command line is caught too. */
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{\"remotes\": {\"a\": \"a@http://x/remoteEntry.js\"}}");
    char path[4096];
    MfConfigArgs a = args_for(dir, path, sizeof path);
    a.target = "node";
    cfg = mf_config_load(&a, &log);
    CHECK(cfg == NULL);
    CHECK(find_diag(&log, MF_MSG_CONFIG_VALUE) != NULL);
    mf_log_free(&log);

    /* No federation: node is fine. */
    cfg = load_json("{\"target\": \"node\"}", NULL, &log);
    REQUIRE(cfg != NULL);
    CHECK_INT(cfg->target, MF_TARGET_NODE);
    mf_config_free(cfg);
    mf_log_free(&log);
}

/* ---- package.json ---------------------------------------------------------- */

TEST(config_name_from_package_json) {
    static const struct { const char *pkg, *name; } cases[] = {
        {"@org/my-app", "_org_my_app"},
        {"checkout", "checkout"},
        {"9lives", "_9lives"},
        {"my.app", "my_app"},
        {"class", "_class"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *dir = unit_tmpdir();
        char pkg[256];
        snprintf(pkg, sizeof pkg, "{\"name\": \"%s\", \"version\": \"1.2.3\"}", cases[i].pkg);
        unit_write(dir, "package.json", pkg);
        unit_write(dir, "mfbuild.json", "{}");
        MfLog log = {0};
        MfConfig *cfg = load_dir(dir, &log);
        REQUIRE(cfg != NULL);
        CHECK_STR(cfg->pkg_name, cases[i].pkg);
        CHECK_STR(cfg->pkg_version, "1.2.3");
        CHECK_STR(cfg->name, cases[i].name);
        CHECK(mf_is_js_identifier(cfg->name));
        mf_config_free(cfg);
        mf_log_free(&log);
    }
    /* The config's name wins. */
    const char *dir = unit_tmpdir();
    unit_write(dir, "package.json", "{\"name\": \"pkg\"}");
    unit_write(dir, "mfbuild.json", "{\"name\": \"cfg\"}");
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    REQUIRE(cfg != NULL);
    CHECK_STR(cfg->name, "cfg");
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_exposes_need_a_name) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "a.js", "");
    const char *text = "{\"exposes\": {\"./a\": \"./a.js\"}}";
    unit_write(dir, "mfbuild.json", text);
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_NAME);
    REQUIRE(d != NULL);
    check_at(d, text, "\"exposes\"", 0);
    mf_log_free(&log);
}

TEST(config_malformed_package_json) {
    const char *dir = unit_tmpdir();
    const char *pkg = "{\n  \"name\": \"x\"\n  \"version\": \"1\"\n}";
    unit_write(dir, "package.json", pkg);
    unit_write(dir, "mfbuild.json", "{\"name\": \"app\"}");
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 1);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_SYNTAX);
    REQUIRE(d != NULL);
    check_at(d, pkg, "\"version\"", 0);
    char *p = path_in(dir, "package.json");
    CHECK_STR(d->file, p);
    free(p);
    CHECK(strstr(d->text, "package.json") != NULL);
    mf_log_free(&log);
}

TEST(config_required_version_precedence) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "package.json",
               "{\"name\": \"app\",\n"
               " \"devDependencies\": {\"a\": \"dev\", \"b\": \"dev\", \"c\": \"dev\", \"d\": \"dev\"},\n"
               " \"peerDependencies\": {\"a\": \"peer\", \"b\": \"peer\", \"c\": \"peer\"},\n"
               " \"dependencies\": {\"a\": \"dep\", \"b\": \"dep\"},\n"
               " \"optionalDependencies\": {\"a\": \"opt\"}}");
    unit_write(dir, "mfbuild.json",
               "{\"shared\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"b/sub\", \"a/\"]}");
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->shared.len == 7);
    CHECK_STR(cfg->shared.items[0].required_version, "opt");
    CHECK_STR(cfg->shared.items[1].required_version, "dep");
    CHECK_STR(cfg->shared.items[2].required_version, "peer");
    CHECK_STR(cfg->shared.items[3].required_version, "dev");
    CHECK(cfg->shared.items[4].required_version == NULL);
    /* Subpaths and prefix keys take their package's range. */
    CHECK_STR(cfg->shared.items[5].required_version, "dep");
    CHECK_STR(cfg->shared.items[6].package, "a/");
    CHECK_STR(cfg->shared.items[6].required_version, "opt");
    REQUIRE(cfg->pkg_deps.len == 4);
    CHECK_STR(cfg->pkg_deps.items[0].key, "a");
    CHECK_STR(cfg->pkg_deps.items[0].value, "opt");
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_shared_forms) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "app/package.json", "{\"name\": \"app\", \"dependencies\": {\"react\": \"^18.2.0\"}}");
    /* Installed one folder up, as in a monorepo: found like Node finds it. */
    unit_write(dir, "node_modules/react/package.json", "{\"name\": \"react\", \"version\": \"18.3.1\"}");
    unit_write(dir, "app/node_modules/@scope/ui/package.json", "{\"version\": \"2.0.0\"}");
    unit_write(dir, "app/mfbuild.json",
               "{\"shared\": {\n"
               "  \"react\": { \"singleton\": true },\n"
               "  \"@scope/ui\": \"^2.0.0\",\n"
               "  \"lodash\": { \"import\": false, \"requiredVersion\": false },\n"
               "  \"dayjs\": { \"strictVersion\": false, \"eager\": true, \"version\": \"1.0.0\",\n"
               "             \"shareScope\": \"legacy\", \"import\": \"./vendor/dayjs.js\" }\n"
               "}}");
    char app[2048];
    snprintf(app, sizeof app, "%s/app", dir);
    MfLog log = {0};
    MfConfig *cfg = load_dir(app, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->shared.len == 4);
    const MfShared *s = &cfg->shared.items[0];
    CHECK_STR(s->package, "react");
    CHECK(s->singleton);
    CHECK(!s->strict_version); /* singletons default to false */
    CHECK(!s->eager);
    CHECK_STR(s->required_version, "^18.2.0");
    CHECK_STR(s->version, "18.3.1");
    CHECK_STR(s->share_scope, "default");
    CHECK_STR(s->import, "react");
    s = &cfg->shared.items[1];
    CHECK_STR(s->package, "@scope/ui");
    CHECK_STR(s->required_version, "^2.0.0");
    CHECK_STR(s->version, "2.0.0");
    CHECK(s->strict_version); /* non-singleton with a fallback */
    s = &cfg->shared.items[2];
    CHECK(s->import == NULL);
    CHECK(s->required_version == NULL);
    CHECK(s->version == NULL);
    CHECK(!s->strict_version); /* no fallback */
    s = &cfg->shared.items[3];
    CHECK(!s->strict_version);
    CHECK(s->eager);
    CHECK_STR(s->version, "1.0.0");
    CHECK_STR(s->share_scope, "legacy");
    CHECK_STR(s->import, "./vendor/dayjs.js");
    mf_config_free(cfg);
    mf_log_free(&log);

    /* The array form: defaults for everything. */
    cfg = load_json("{\"shared\": [\"react\", \"react-dom\"]}", NULL, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->shared.len == 2);
    CHECK_STR(cfg->shared.items[1].package, "react-dom");
    CHECK(!cfg->shared.items[1].singleton);
    CHECK(cfg->shared.items[1].strict_version);
    CHECK_STR(cfg->shared.items[1].import, "react-dom");
    CHECK(cfg->shared.items[1].version == NULL);
    mf_config_free(cfg);
    mf_log_free(&log);
}

TEST(config_shared_type_errors) {
    const char *text = "{\"shared\": {\"a\": true, \"b\": {\"requiredVersion\": true},"
                       " \"c\": {\"import\": \"\"}}}";
    MfLog log = {0};
    MfConfig *cfg = load_json(text, NULL, &log);
    CHECK(cfg == NULL);
    CHECK_INT(log.errors, 3);
    CHECK_STR(log.diags.items[0].text,
              "Expected \"a\" (in shared) to be an object or a version range string, got a boolean");
    CHECK_STR(log.diags.items[1].text,
              "Expected \"requiredVersion\" (in shared.b) to be a string or false, got a boolean");
    CHECK_INT(log.diags.items[2].id, MF_MSG_CONFIG_VALUE);
    mf_log_free(&log);
}

/* ---- entries -------------------------------------------------------------- */

TEST(config_entry_forms) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "src/index.js", "");
    unit_write(dir, "mfbuild.json", "{\"entry\": \"./src/index.js\"}");
    MfLog log = {0};
    MfConfig *cfg = load_dir(dir, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->entries.len == 1);
    CHECK_STR(cfg->entries.items[0].name, "main");
    CHECK_STR(cfg->entries.items[0].spec, "./src/index.js");
    mf_config_free(cfg);

    const char *text = "{\"entry\": {\"../up\": \"./src/index.js\"}}";
    unit_write(dir, "mfbuild.json", text);
    cfg = load_dir(dir, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_VALUE);
    REQUIRE(d != NULL);
    check_at(d, text, "\"../up\"", 0);
    mf_log_free(&log);

    cfg = load_json("{\"entry\": [\"./a.js\"]}", NULL, &log);
    CHECK(cfg == NULL);
    d = find_diag(&log, MF_MSG_CONFIG_TYPE);
    REQUIRE(d != NULL);
    CHECK_STR(d->text, "Expected \"entry\" to be a string or an object, got an array");
    mf_log_free(&log);
}

/* Runs mf_config_load with cwd = dir (restored after). */
static MfConfig *load_in_cwd(const char *dir, MfConfigArgs *a, MfLog *log) {
    char *old = getcwd(NULL, 0);
    if (!old || chdir(dir) != 0) {
        free(old);
        return NULL;
    }
    MfConfig *cfg = mf_config_load(a, log);
    if (chdir(old) != 0) perror("chdir");
    free(old);
    return cfg;
}

TEST(config_positional_entries) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "mfbuild.json", "{\"entry\": \"./src/missing.js\"}");
    unit_write(dir, "src/a.tsx", "");
    unit_write(dir, "src/b/index.js", "");
    /* Relative to the cwd (src/), not to the config's folder. */
    char src[4096], cfgpath[4096];
    snprintf(src, sizeof src, "%s/src", dir);
    snprintf(cfgpath, sizeof cfgpath, "%s/mfbuild.json", dir);
    const char *two[] = {"a", "./b"};
    MfConfigArgs a = {.config_path = cfgpath, .entries = two, .n_entries = 2, .port = -1};
    MfLog log = {0};
    MfConfig *cfg = load_in_cwd(src, &a, &log);
    REQUIRE(cfg != NULL);
    CHECK_INT(log.errors, 0);
    REQUIRE(cfg->entries.len == 2);
    CHECK_STR(cfg->entries.items[0].name, "a");
    char *p = path_in(dir, "src/a.tsx");
    CHECK_STR(cfg->entries.items[0].spec, p);
    free(p);
    CHECK_STR(cfg->entries.items[1].name, "index");
    mf_config_free(cfg);

    const char *one[] = {"a.tsx"};
    a.entries = one;
    a.n_entries = 1;
    cfg = load_in_cwd(src, &a, &log);
    REQUIRE(cfg != NULL);
    REQUIRE(cfg->entries.len == 1);
    CHECK_STR(cfg->entries.items[0].name, "main");
    mf_config_free(cfg);

    const char *missing[] = {"a.tsx", "nope.js"};
    a.entries = missing;
    a.n_entries = 2;
    cfg = load_in_cwd(src, &a, &log);
    CHECK(cfg == NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_MISSING_FILE);
    REQUIRE(d != NULL);
    CHECK(d->file == NULL);
    CHECK(strstr(d->text, "nope.js") != NULL);
    mf_log_free(&log);
}

TEST(config_without_config_file) {
    const char *dir = unit_tmpdir();
    unit_write(dir, "index.js", "");
    unit_write(dir, "package.json", "{\"name\": \"@acme/shop\"}");
    const char *one[] = {"./index.js"};
    MfConfigArgs a = {.entries = one, .n_entries = 1, .port = -1};
    MfLog log = {0};
    MfConfig *cfg = load_in_cwd(dir, &a, &log);
    REQUIRE(cfg != NULL);
    CHECK(cfg->config_path == NULL);
    CHECK_STR(cfg->root, dir);
    CHECK_STR(cfg->name, "_acme_shop");
    REQUIRE(cfg->entries.len == 1);
    CHECK_STR(cfg->entries.items[0].name, "main");
    mf_config_free(cfg);

    /* ./mfbuild.json in the cwd is picked up without -c. */
    unit_write(dir, "mfbuild.json", "{\"name\": \"found\"}");
    cfg = load_in_cwd(dir, &a, &log);
    REQUIRE(cfg != NULL);
    CHECK_STR(cfg->name, "found");
    CHECK(cfg->config_path != NULL);
    mf_config_free(cfg);
    mf_log_free(&log);
}

/* ---- robustness ----------------------------------------------------------- */

TEST(config_deep_and_weird_json) {
    MfLog log = {0};
    /* Far deeper than any config: refused with a syntax error, no crash. */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 16);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++) deep[n++] = '[';
    for (size_t i = 0; i < depth; i++) deep[n++] = ']';
    deep[n] = 0;
    MfConfig *cfg = load_json(deep, NULL, &log);
    CHECK(cfg == NULL);
    CHECK(find_diag(&log, MF_MSG_CONFIG_SYNTAX) != NULL);
    mf_log_free(&log);
    free(deep);

    /* Deep but legal JSON under a key: a type error at the right place. */
    MfBuf b = {0};
    mf_buf_puts(&b, "{\"define\": {\"X\": ");
    for (int i = 0; i < 200; i++) mf_buf_puts(&b, "{\"a\":");
    mf_buf_puts(&b, "1");
    for (int i = 0; i < 200; i++) mf_buf_putc(&b, '}');
    mf_buf_puts(&b, "}, \"zz\\u0041\": 1}");
    cfg = load_json(b.data, NULL, &log);
    CHECK(cfg == NULL);
    CHECK(find_diag(&log, MF_MSG_CONFIG_TYPE) != NULL);
    const MfDiag *d = find_diag(&log, MF_MSG_CONFIG_UNKNOWN_KEY);
    REQUIRE(d != NULL);
    CHECK_STR(d->text, "Unknown key \"zzA\" in mfbuild.json");
    check_at(d, b.data, "\"zz\\u0041\"", 0);
    mf_log_free(&log);
    mf_buf_free(&b);

    /* Every prefix and some byte flips of a full config: never a crash. */
    const char *full =
        "{\"name\":\"app\",\"entry\":{\"main\":\"./x.js\"},\"exposes\":{\"./a\":\"./x.js\"},"
        "\"remotes\":{\"r\":\"r@http://x/mf-manifest.json\",\"o\":{\"name\":\"o\",\"entry\":\"u\"}},"
        "\"shared\":{\"react\":{\"singleton\":true,\"requiredVersion\":false},\"x\":\"^1\"},"
        "\"output\":{\"sourceMap\":\"inline\"},\"dev\":{\"port\":1},\"define\":{\"A\":\"1\"}}";
    const char *dir = unit_tmpdir();
    unit_write(dir, "x.js", "");
    size_t len = strlen(full);
    char *buf = malloc(len + 1);
    int loaded = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        memcpy(buf, full, cut);
        buf[cut] = 0;
        unit_write(dir, "mfbuild.json", buf);
        cfg = load_dir(dir, &log);
        loaded += cfg != NULL;
        mf_config_free(cfg);
        mf_log_free(&log);
    }
    CHECK_INT(loaded, 1); /* only the whole text is valid */
    static const char flips[] = "\"{}[],:0a\\\x01\xff";
    for (size_t i = 0; i < len; i += 3) {
        for (size_t f = 0; f < sizeof flips - 1; f++) {
            memcpy(buf, full, len + 1);
            buf[i] = flips[f];
            unit_write(dir, "mfbuild.json", buf);
            cfg = load_dir(dir, &log);
            if (!cfg) CHECK(log.errors > 0);
            mf_config_free(cfg);
            mf_log_free(&log);
        }
    }
    free(buf);
}
