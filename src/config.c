/*
 * config.c — mfbuild.json + the app's package.json -> one MfConfig.
 *
 * This is the only place that reads configuration, so it is also the only
 * place that validates it: every later phase trusts the struct it gets
 * (DESIGN.md section 2).  Validation is strict in the way users of
 * ModuleFederationPlugin wish webpack were: an unknown key, a value of the
 * wrong type, a container name that is not a JS identifier, an expose key
 * without "./", a remote that is not "name@URL", a file that does not exist
 * are all errors, never silently ignored, and all of them are reported in
 * one run (not just the first) with the key path and its line:col.
 *
 * cJSON parses but keeps no positions, so the file is read three ways: a
 * small strict scanner first checks the syntax (it gives better messages
 * and exact positions for malformed JSON than cJSON's error pointer), cJSON
 * builds the tree we validate, and when a value is wrong we map the path of
 * child indices that led to it (root -> "shared" -> "react" -> "singleton")
 * back to the byte offsets of its key and value by skipping through the
 * text again.  cJSON keeps object members in text order, duplicates
 * included, so child indices are a faithful path; errors are rare, so
 * re-scanning per error costs nothing that matters.
 *
 * Then come the defaults that depend on more than one input: the container
 * name derived from package.json, shared packages' requiredVersion (from the
 * app's dependencies) and version (from the installed package), the
 * strictVersion rule of DESIGN.md section 4, the mode-dependent source map
 * and NODE_ENV define, and the command-line overrides.
 */
#include "mfbuild.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- identifiers ------------------------------------------------------- */

/* Reserved words plus the strict-mode names that cannot be bound: the
 * container name becomes a global variable (`var checkout = ...`) in
 * strict-mode code, so all of these would break the output. */
static const char *const reserved_words[] = {
    "arguments", "await", "break", "case", "catch", "class", "const", "continue",
    "debugger", "default", "delete", "do", "else", "enum", "eval", "export",
    "extends", "false", "finally", "for", "function", "if", "implements",
    "import", "in", "instanceof", "interface", "let", "new", "null", "package",
    "private", "protected", "public", "return", "static", "super", "switch",
    "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
    "yield",
};

/* ASCII identifier characters; bytes >= 0x80 are accepted so that names in
 * other scripts pass (a full Unicode ID_Start table is not worth it here). */
static bool ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           c >= 0x80;
}

static bool ident_part(unsigned char c) {
    return ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_ident_syntax(const char *s, size_t n) {
    if (n == 0 || !ident_start((unsigned char)s[0])) return false;
    for (size_t i = 1; i < n; i++)
        if (!ident_part((unsigned char)s[i])) return false;
    return true;
}

bool mf_is_js_identifier(const char *s) {
    if (!s || !is_ident_syntax(s, strlen(s))) return false;
    for (size_t i = 0; i < sizeof reserved_words / sizeof *reserved_words; i++)
        if (strcmp(s, reserved_words[i]) == 0) return false;
    return true;
}

/* `@org/my-app` -> `_org_my_app`, as DESIGN.md's table says; a leading
 * digit or a reserved word gets a '_' in front.  Caller frees; NULL for an
 * empty name. */
static char *identifier_from(const char *s) {
    if (!s || !*s) return NULL;
    MfBuf b = {0};
    if (!ident_start((unsigned char)s[0])) {
        if (s[0] >= '0' && s[0] <= '9') mf_buf_putc(&b, '_');
    }
    for (const char *p = s; *p; p++) mf_buf_putc(&b, ident_part((unsigned char)*p) ? *p : '_');
    char *out = mf_buf_steal(&b);
    if (!mf_is_js_identifier(out)) {
        char *fixed = mf_xasprintf("_%s", out);
        free(out);
        out = fixed;
    }
    return out;
}

/* ---- JSON text: strict syntax check ------------------------------------ */

/* Nesting deeper than this is rejected before cJSON sees the text (cJSON's
 * own limit is 1000); it bounds the recursion of the checker too. */
#define JSON_MAX_DEPTH 256

typedef struct Span { uint32_t off, len; } Span;

typedef struct JsonCheck {
    const char *s;
    size_t n, i;
    size_t err_at;
    char msg[128];
} JsonCheck;

static bool jc_fail(JsonCheck *c, size_t at, const char *fmt, ...) MF_PRINTF(3, 4);
static bool jc_fail(JsonCheck *c, size_t at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    c->err_at = at;
    return false;
}

/* Names the character at the current position for "Unexpected ..." with
 * the usual non-JSON habits (comments, single quotes) called out. */
static bool jc_unexpected(JsonCheck *c, const char *expected) {
    size_t i = c->i;
    if (i >= c->n) return jc_fail(c, c->n, "Unexpected end of file, expected %s", expected);
    unsigned char ch = (unsigned char)c->s[i];
    if (ch == '/' && i + 1 < c->n && (c->s[i + 1] == '/' || c->s[i + 1] == '*'))
        return jc_fail(c, i, "Comments are not allowed");
    if (ch == '\'') return jc_fail(c, i, "Strings must use double quotes");
    if (ch > 0x20 && ch < 0x7f)
        return jc_fail(c, i, "Unexpected \"%c\", expected %s", ch, expected);
    return jc_fail(c, i, "Unexpected byte 0x%02x, expected %s", ch, expected);
}

static void jc_ws(JsonCheck *c) {
    while (c->i < c->n) {
        char ch = c->s[c->i];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') break;
        c->i++;
    }
}

static bool is_hex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool jc_string(JsonCheck *c) {
    size_t start = c->i++;
    while (c->i < c->n) {
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch == '"') {
            c->i++;
            return true;
        }
        if (ch == '\n' || ch == '\r') break;
        if (ch < 0x20)
            return jc_fail(c, c->i, "Control character 0x%02x must be escaped in a string", ch);
        if (ch == '\\') {
            char e = c->i + 1 < c->n ? c->s[c->i + 1] : 0;
            if (e == 'u') {
                for (int k = 2; k < 6; k++)
                    if (c->i + (size_t)k >= c->n || !is_hex(c->s[c->i + (size_t)k]))
                        return jc_fail(c, c->i, "Invalid \\u escape in a string");
                c->i += 6;
                continue;
            }
            if (!e || !strchr("\"\\/bfnrt", e))
                return jc_fail(c, c->i, "Invalid escape in a string");
            c->i += 2;
            continue;
        }
        c->i++;
    }
    return jc_fail(c, start, "Unterminated string");
}

static bool jc_digits(JsonCheck *c) {
    size_t start = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') c->i++;
    return c->i > start;
}

static bool jc_number(JsonCheck *c) {
    size_t start = c->i;
    if (c->s[c->i] == '-') c->i++;
    if (c->i < c->n && c->s[c->i] == '0') c->i++;
    else if (!jc_digits(c)) return jc_fail(c, start, "Invalid number");
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        if (!jc_digits(c)) return jc_fail(c, start, "Invalid number");
    }
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-')) c->i++;
        if (!jc_digits(c)) return jc_fail(c, start, "Invalid number");
    }
    return true;
}

static bool jc_value(JsonCheck *c, int depth);

/* Object or array, after the opening bracket. */
static bool jc_container(JsonCheck *c, int depth, char close) {
    bool object = close == '}';
    c->i++;
    jc_ws(c);
    if (c->i < c->n && c->s[c->i] == close) {
        c->i++;
        return true;
    }
    for (;;) {
        jc_ws(c);
        if (object) {
            if (c->i >= c->n || c->s[c->i] != '"') return jc_unexpected(c, "a string key");
            if (!jc_string(c)) return false;
            jc_ws(c);
            if (c->i >= c->n || c->s[c->i] != ':') return jc_unexpected(c, "\":\"");
            c->i++;
        }
        if (!jc_value(c, depth + 1)) return false;
        jc_ws(c);
        if (c->i < c->n && c->s[c->i] == ',') {
            size_t comma = c->i++;
            jc_ws(c);
            if (c->i < c->n && c->s[c->i] == close)
                return jc_fail(c, comma, "Trailing commas are not allowed");
            continue;
        }
        if (c->i < c->n && c->s[c->i] == close) {
            c->i++;
            return true;
        }
        return jc_unexpected(c, object ? "\",\" or \"}\"" : "\",\" or \"]\"");
    }
}

static bool jc_value(JsonCheck *c, int depth) {
    jc_ws(c);
    if (c->i >= c->n) return jc_unexpected(c, "a value");
    char ch = c->s[c->i];
    if (ch == '{' || ch == '[') {
        if (depth >= JSON_MAX_DEPTH) return jc_fail(c, c->i, "Nested too deeply");
        return jc_container(c, depth, ch == '{' ? '}' : ']');
    }
    if (ch == '"') return jc_string(c);
    if (ch == '-' || (ch >= '0' && ch <= '9')) return jc_number(c);
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t wl = strlen(words[k]);
        if (c->n - c->i >= wl && memcmp(c->s + c->i, words[k], wl) == 0 &&
            (c->i + wl == c->n || !ident_part((unsigned char)c->s[c->i + wl]))) {
            c->i += wl;
            return true;
        }
    }
    return jc_unexpected(c, "a value");
}

/* cJSON skips a UTF-8 byte order mark; so do we. */
static size_t json_bom(const char *s, size_t n) {
    return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* True when `s` is one well-formed JSON value; else *at and msg are set. */
static bool json_check(const char *s, size_t n, size_t *at, char *msg, size_t msg_size) {
    JsonCheck c = {.s = s, .n = n, .i = json_bom(s, n)};
    bool ok = jc_value(&c, 0);
    if (ok) {
        jc_ws(&c);
        if (c.i < n) ok = jc_unexpected(&c, "the end of the file after the JSON value");
    }
    if (!ok) {
        *at = c.err_at;
        snprintf(msg, msg_size, "%s", c.msg);
    }
    return ok;
}

bool mf_json_check(const char *s, size_t n, size_t *at, char *msg, size_t msg_size) {
    return json_check(s, n, at, msg, msg_size);
}

/* ---- JSON text: key path -> position ------------------------------------ */

/* These skip over text that json_check() accepted; they stay bounded on
 * anything else so a mismatch can only lose a position, never crash. */
static size_t json_ws(const char *s, size_t n, size_t i) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    return i;
}

static size_t json_skip_string(const char *s, size_t n, size_t i) {
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i + 1;
    }
    return n;
}

/* Iterative, so nesting depth costs no stack. */
static size_t json_skip_value(const char *s, size_t n, size_t i) {
    if (i >= n) return n;
    if (s[i] == '"') return json_skip_string(s, n, i);
    if (s[i] == '{' || s[i] == '[') {
        size_t depth = 0;
        while (i < n) {
            char c = s[i];
            if (c == '"') {
                i = json_skip_string(s, n, i);
                continue;
            }
            if (c == '{' || c == '[') depth++;
            else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
            i++;
        }
        return n;
    }
    while (i < n && s[i] && !strchr(",}] \t\r\n", s[i])) i++;
    return i;
}

/* Follows `path` (child indices from the root value) and returns the span
 * of the member's key (quotes included; for an array element, none) and of
 * its value.  False when the text does not have that shape. */
static bool json_locate(const char *s, size_t n, const int *path, int depth, Span *key,
                        Span *val) {
    size_t i = json_ws(s, n, json_bom(s, n));
    bool has_key = false;
    size_t kstart = 0, kend = 0;
    for (int d = 0; d < depth; d++) {
        if (i >= n || (s[i] != '{' && s[i] != '[')) return false;
        bool object = s[i] == '{';
        char close = object ? '}' : ']';
        i = json_ws(s, n, i + 1);
        for (int k = 0;; k++) {
            if (i >= n || s[i] == close) return false;
            if (object) {
                if (s[i] != '"') return false;
                kstart = i;
                kend = json_skip_string(s, n, i);
                i = json_ws(s, n, kend);
                if (i >= n || s[i] != ':') return false;
                i = json_ws(s, n, i + 1);
            }
            if (k == path[d]) break;
            i = json_ws(s, n, json_skip_value(s, n, i));
            if (i >= n || s[i] != ',') return false;
            i = json_ws(s, n, i + 1);
        }
        has_key = object;
    }
    size_t vend = json_skip_value(s, n, i);
    *val = (Span){(uint32_t)i, (uint32_t)(vend - i)};
    /* An object or array is pointed at by its opening bracket only. */
    if (i < n && (s[i] == '{' || s[i] == '[')) val->len = 1;
    *key = has_key ? (Span){(uint32_t)kstart, (uint32_t)(kend - kstart)} : *val;
    return true;
}

/* ---- the loader -------------------------------------------------------- */

static const char *const default_extensions[] = {".tsx", ".ts", ".jsx", ".js",
                                                 ".mjs", ".cjs", ".json"};

typedef struct Load {
    MfConfig *cfg;
    MfLog *log;
    const MfConfigArgs *args;
    int errors;
    char *cwd;            /* malloc'd */
    /* The JSON file being validated (positions refer to it). */
    const char *file;     /* absolute path */
    const char *label;    /* base name, for messages */
    const char *text;
    size_t len;
    /* Command-line values, checked before the config is read. */
    bool cli_target_set;
    MfTarget cli_target;
    /* What the config set, for defaults that depend on it. */
    bool source_map_set, extensions_set, out_dir_set;
    /* Where keys are, for checks that run after the walk. */
    bool has_fed_key, has_exposes_key;
    Span fed_key, exposes_key, out_dir_value;
    const char *fed_key_name;
} Load;

/* A position in the cJSON tree: its parent chain gives the key path. */
typedef struct Node {
    const cJSON *j;
    const struct Node *up;
    int index; /* among the parent's children; -1 at the root */
} Node;

#define FOR_CHILDREN(parent, n) \
    for (Node n = {(parent)->j->child, (parent), 0}; n.j; n.j = n.j->next, n.index++)

static char *A(Load *L, const char *s) {
    return s ? mf_arena_strdup(L->cfg->arena, s) : NULL;
}

static __attribute__((format(printf, 5, 0))) void report(Load *L, MfMsgId id, bool located,
                                                         Span sp, const char *fmt, va_list ap) {
    MfBuf b = {0};
    mf_buf_vprintf(&b, fmt, ap);
    if (located && L->file)
        mf_log_add(L->log, MF_DIAG_ERROR, id, L->file, L->text, L->len, sp.off, sp.len, "%s",
                   b.data ? b.data : "");
    else
        mf_log_add(L->log, MF_DIAG_ERROR, id, NULL, NULL, 0, 0, 0, "%s", b.data ? b.data : "");
    mf_buf_free(&b);
    L->errors++;
}

static void node_spans(Load *L, const Node *n, Span *key, Span *val) {
    int path[32], depth = 0;
    for (const Node *p = n; p->up; p = p->up) depth++;
    *key = *val = (Span){0, 0};
    if (!L->text || depth > 32) return;
    int d = depth;
    for (const Node *p = n; p->up; p = p->up) path[--d] = p->index;
    if (!json_locate(L->text, L->len, path, depth, key, val)) *key = *val = (Span){0, 0};
}

static void err_at(Load *L, MfMsgId id, Span sp, const char *fmt, ...) MF_PRINTF(4, 5);
static void err_at(Load *L, MfMsgId id, Span sp, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(L, id, true, sp, fmt, ap);
    va_end(ap);
}

/* An error pointing at a member's key (for an array element: its value). */
static void err_key(Load *L, const Node *n, MfMsgId id, const char *fmt, ...) MF_PRINTF(4, 5);
static void err_key(Load *L, const Node *n, MfMsgId id, const char *fmt, ...) {
    Span key, val;
    node_spans(L, n, &key, &val);
    va_list ap;
    va_start(ap, fmt);
    report(L, id, true, key, fmt, ap);
    va_end(ap);
}

static void err_val(Load *L, const Node *n, MfMsgId id, const char *fmt, ...) MF_PRINTF(4, 5);
static void err_val(Load *L, const Node *n, MfMsgId id, const char *fmt, ...) {
    Span key, val;
    node_spans(L, n, &key, &val);
    va_list ap;
    va_start(ap, fmt);
    report(L, id, true, val, fmt, ap);
    va_end(ap);
}

/* An error with no location (command line, unreadable files). */
static void err_plain(Load *L, MfMsgId id, const char *fmt, ...) MF_PRINTF(3, 4);
static void err_plain(Load *L, MfMsgId id, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(L, id, false, (Span){0, 0}, fmt, ap);
    va_end(ap);
}

/* ---- key paths in messages --------------------------------------------- */

static bool plain_key(const char *k) {
    return k && is_ident_syntax(k, strlen(k));
}

/* "shared.react", "exposes[\"./Button\"]", "runtimePlugins[1]". */
static void path_put_from(MfBuf *b, const Node *n, size_t start) {
    if (!n || !n->up) return;
    path_put_from(b, n->up, start);
    if (cJSON_IsArray(n->up->j)) {
        mf_buf_printf(b, "[%d]", n->index);
    } else if (plain_key(n->j->string)) {
        if (b->len > start) mf_buf_putc(b, '.');
        mf_buf_puts(b, n->j->string);
    } else {
        mf_buf_putc(b, '[');
        mf_buf_json_string(b, n->j->string ? n->j->string : "");
        mf_buf_putc(b, ']');
    }
}

static void path_put(MfBuf *b, const Node *n) {
    path_put_from(b, n, b->len);
}

static const char *path_text(Load *L, const Node *n) {
    if (!n->up) return L->label;
    MfBuf b = {0};
    path_put(&b, n);
    char *s = A(L, b.data ? b.data : "");
    mf_buf_free(&b);
    return s;
}

/* How a message names a value: `"singleton" (in shared.react)`, `"name"`,
 * `runtimePlugins[1]`. */
static const char *describe(Load *L, const Node *n) {
    if (!n->up) return L->label;
    if (!cJSON_IsObject(n->up->j)) return path_text(L, n);
    MfBuf b = {0};
    mf_buf_json_string(&b, n->j->string ? n->j->string : "");
    if (n->up->up) {
        mf_buf_puts(&b, " (in ");
        path_put(&b, n->up);
        mf_buf_putc(&b, ')');
    }
    char *s = A(L, b.data);
    mf_buf_free(&b);
    return s;
}

static const char *quoted(Load *L, const char *s) {
    MfBuf b = {0};
    mf_buf_json_string(&b, s ? s : "");
    char *out = A(L, b.data);
    mf_buf_free(&b);
    return out;
}

static const char *type_name(const cJSON *j) {
    if (cJSON_IsString(j)) return "a string";
    if (cJSON_IsNumber(j)) return "a number";
    if (cJSON_IsBool(j)) return "a boolean";
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsArray(j)) return "an array";
    if (cJSON_IsObject(j)) return "an object";
    return "an unknown value";
}

static void type_error(Load *L, const Node *n, const char *expected) {
    err_val(L, n, MF_MSG_CONFIG_TYPE, "Expected %s to be %s, got %s", describe(L, n), expected,
            type_name(n->j));
}

/* ---- typed accessors ---------------------------------------------------- */

static bool want_string(Load *L, const Node *n) {
    if (cJSON_IsString(n->j) && n->j->valuestring) return true;
    type_error(L, n, "a string");
    return false;
}

/* A string that must not be empty; returns it (cJSON-owned) or NULL. */
static const char *want_text(Load *L, const Node *n) {
    if (!want_string(L, n)) return NULL;
    if (!n->j->valuestring[0]) {
        err_val(L, n, MF_MSG_CONFIG_VALUE, "%s must not be empty", describe(L, n));
        return NULL;
    }
    return n->j->valuestring;
}

static bool want_bool(Load *L, const Node *n, bool *out) {
    if (!cJSON_IsBool(n->j)) {
        type_error(L, n, "a boolean");
        return false;
    }
    *out = cJSON_IsTrue(n->j);
    return true;
}

static bool want_object(Load *L, const Node *n) {
    if (cJSON_IsObject(n->j)) return true;
    type_error(L, n, "an object");
    return false;
}

static bool want_array(Load *L, const Node *n) {
    if (cJSON_IsArray(n->j)) return true;
    type_error(L, n, "an array");
    return false;
}

static bool want_int(Load *L, const Node *n, int lo, int hi, int *out) {
    if (!cJSON_IsNumber(n->j)) {
        type_error(L, n, "a number");
        return false;
    }
    double d = n->j->valuedouble;
    if (!(d >= lo && d <= hi) || d != (double)(long long)d) {
        /* The number as written: cJSON's double would say "inf" for 1e999. */
        Span key, val;
        node_spans(L, n, &key, &val);
        const char *as_written = val.len && val.len < 64
                                     ? mf_arena_strndup(L->cfg->arena, L->text + val.off, val.len)
                                     : mf_arena_printf(L->cfg->arena, "%g", d);
        if (hi == INT_MAX)
            err_val(L, n, MF_MSG_CONFIG_VALUE, "%s must be a whole number >= %d, got %s",
                    describe(L, n), lo, as_written);
        else
            err_val(L, n, MF_MSG_CONFIG_VALUE, "%s must be a whole number from %d to %d, got %s",
                    describe(L, n), lo, hi, as_written);
        return false;
    }
    *out = (int)d;
    return true;
}

/* One of `choices` (NULL-terminated); returns its index or -1. */
static int want_choice(Load *L, const Node *n, const char *const *choices) {
    if (!want_string(L, n)) return -1;
    const char *v = n->j->valuestring;
    MfBuf list = {0};
    for (int i = 0; choices[i]; i++) {
        if (strcmp(v, choices[i]) == 0) {
            mf_buf_free(&list);
            return i;
        }
        mf_buf_printf(&list, "%s\"%s\"", i == 0 ? "" : choices[i + 1] ? ", " : " or ",
                      choices[i]);
    }
    err_val(L, n, MF_MSG_CONFIG_VALUE, "%s must be %s, got %s", describe(L, n), list.data,
            quoted(L, v));
    for (int i = 0; choices[i]; i++) {
        if (mf_edit_distance(v, choices[i]) <= 2) {
            mf_log_suggest(L->log, "Did you mean \"%s\"?", choices[i]);
            break;
        }
    }
    mf_buf_free(&list);
    return -1;
}

/* ---- objects: unknown and duplicate keys --------------------------------- */

/* Keys users carry over from webpack configs that live elsewhere here. */
static const struct { const char *key, *hint; } moved_keys[] = {
    {"mode", "The mode is set on the command line: --mode production|development"},
    {"publicPath", "Did you mean \"output.publicPath\"?"},
    {"sourceMap", "Did you mean \"output.sourceMap\"?"},
    {"port", "Did you mean \"dev.port\"?"},
    {"host", "Did you mean \"dev.host\"?"},
    {"alias", "Did you mean \"resolve.alias\"?"},
    {"extensions", "Did you mean \"resolve.extensions\"?"},
};

/* The closest allowed key, when close enough to be a likely typo. */
static const char *closest_key(const char *key, const char *const *allowed, size_t n) {
    const char *best = NULL;
    unsigned best_d = 0;
    size_t len = strlen(key);
    unsigned limit = (unsigned)(len + 2) / 3;
    if (limit < 1) limit = 1;
    if (limit > 3) limit = 3;
    for (size_t i = 0; i < n; i++) {
        if (allowed[i][0] == '$') continue;
        unsigned d = mf_edit_distance(key, allowed[i]);
        if (d <= limit && (!best || d < best_d)) {
            best = allowed[i];
            best_d = d;
        }
    }
    return best;
}

/* Reports duplicate keys and, when `allowed` is given, unknown keys.  The
 * handlers then read the members they know and skip the others. */
static void check_object(Load *L, const Node *obj, const char *const *allowed, size_t n_allowed) {
    MfMap *seen = mf_map_new();
    FOR_CHILDREN(obj, m) {
        const char *k = m.j->string ? m.j->string : "";
        uint32_t dummy;
        if (mf_map_get(seen, k, &dummy)) {
            err_key(L, &m, MF_MSG_CONFIG_DUPLICATE_KEY, "Duplicate key %s in %s", quoted(L, k),
                    path_text(L, obj));
            continue;
        }
        mf_map_put(seen, k, 1);
        if (!allowed) continue;
        bool known = false;
        for (size_t i = 0; i < n_allowed && !known; i++) known = strcmp(k, allowed[i]) == 0;
        if (known) continue;
        err_key(L, &m, MF_MSG_CONFIG_UNKNOWN_KEY, "Unknown key %s in %s", quoted(L, k),
                path_text(L, obj));
        const char *best = closest_key(k, allowed, n_allowed);
        if (best) {
            mf_log_suggest(L->log, "Did you mean \"%s\"?", best);
        } else if (!obj->up) {
            for (size_t i = 0; i < sizeof moved_keys / sizeof *moved_keys; i++)
                if (strcmp(k, moved_keys[i].key) == 0)
                    mf_log_suggest(L->log, "%s", moved_keys[i].hint);
        }
    }
    mf_map_free(seen);
}

#define CHECK_KEYS(L, obj, keys) check_object(L, obj, keys, sizeof(keys) / sizeof(*(keys)))

/* ---- files named by the config ------------------------------------------ */

static void ensure_extensions(Load *L) {
    if (L->extensions_set) return;
    L->extensions_set = true;
    for (size_t i = 0; i < sizeof default_extensions / sizeof *default_extensions; i++)
        MF_VEC_PUSH(&L->cfg->extensions, A(L, default_extensions[i]));
}

/* `p` as-is, then with each extension; real path (caller frees) or NULL. */
static char *try_file(Load *L, const char *p) {
    if (mf_file_exists(p)) return mf_path_realpath(p);
    for (uint32_t i = 0; i < L->cfg->extensions.len; i++) {
        char *q = mf_xasprintf("%s%s", p, L->cfg->extensions.items[i]);
        char *found = mf_file_exists(q) ? mf_path_realpath(q) : NULL;
        free(q);
        if (found) return found;
    }
    return NULL;
}

/* Finds the file a config path names the way the resolver will: as
 * written, with the resolve extensions, then as a folder's index.  Real
 * path (caller frees) or NULL. */
static char *find_file(Load *L, const char *dir, const char *spec) {
    char *base = mf_path_join(dir, spec);
    char *found = try_file(L, base);
    if (!found && mf_dir_exists(base)) {
        char *index = mf_path_join(base, "index");
        found = try_file(L, index);
        free(index);
    }
    free(base);
    return found;
}

static size_t stem_len(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

/* "Did you mean" for a missing file: the entry of the same folder whose
 * name (without extension) is closest.  Ties go to the smaller name so the
 * hint does not depend on readdir order.  Caller frees; NULL if none. */
static char *suggest_file(const char *dir, const char *spec) {
    char *full = mf_path_join(dir, spec);
    char *parent = mf_path_dirname(full);
    const char *want_base = mf_path_basename(full);
    char *want = mf_xstrndup(want_base, stem_len(want_base));
    char *best = NULL;
    unsigned best_d = 3;
    DIR *d = *want ? opendir(parent) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char *stem = mf_xstrndup(e->d_name, stem_len(e->d_name));
            unsigned dist = mf_edit_distance(stem, want);
            free(stem);
            if (dist > 2 || dist > strlen(want) / 2 + (dist == 0)) continue;
            if (dist < best_d || (dist == best_d && strcmp(e->d_name, best) < 0)) {
                free(best);
                best = mf_xstrdup(e->d_name);
                best_d = dist;
            }
        }
        closedir(d);
    }
    char *out = NULL;
    if (best) {
        const char *slash = strrchr(spec, '/');
        if (slash) out = mf_xasprintf("%.*s/%s", (int)(slash - spec), spec, best);
        else out = mf_xasprintf("./%s", best);
    }
    free(best);
    free(want);
    free(parent);
    free(full);
    return out;
}

/* Resolves a path value of the config against the root; reports a missing
 * file at the value.  Real path (caller frees) or NULL. */
static char *want_file(Load *L, const Node *n, const char *spec) {
    char *path = find_file(L, L->cfg->root, spec);
    if (path) return path;
    err_val(L, n, MF_MSG_CONFIG_MISSING_FILE, "File %s for %s does not exist", quoted(L, spec),
            path_text(L, n));
    char *hint = suggest_file(L->cfg->root, spec);
    if (hint) mf_log_suggest(L->log, "Did you mean \"%s\"?", hint);
    free(hint);
    return NULL;
}

/* A spec the resolver treats as a path: "src/index.js" would be read as a
 * package name, so relative paths without "./" get one. */
static char *as_path_spec(Load *L, const char *spec) {
    if (spec[0] == '/' || strncmp(spec, "./", 2) == 0 || strncmp(spec, "../", 3) == 0 ||
        strcmp(spec, ".") == 0 || strcmp(spec, "..") == 0)
        return A(L, spec);
    return mf_arena_printf(L->cfg->arena, "./%s", spec);
}

/* Chunk names become file names in the output folder; they must stay in it. */
static bool safe_chunk_name(const char *s) {
    if (!*s || s[0] == '/' || strchr(s, '\\')) return false;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.'))
            return false;
        p += n + (e ? 1 : 0);
        if (e && !*p) return false;
    }
    return true;
}

/* ---- mfbuild.json sections ---------------------------------------------- */

static void do_name(Load *L, const Node *n) {
    if (!want_string(L, n)) return;
    const char *v = n->j->valuestring;
    if (!mf_is_js_identifier(v)) {
        err_val(L, n, MF_MSG_CONFIG_NAME, "\"name\" must be a valid JavaScript identifier, got %s",
                quoted(L, v));
        char *fixed = identifier_from(v);
        if (fixed) mf_log_suggest(L->log, "Did you mean \"%s\"?", fixed);
        free(fixed);
        return;
    }
    L->cfg->name = A(L, v);
}

static void add_entry(Load *L, const Node *n, const char *name) {
    const char *spec = want_text(L, n);
    if (!spec) return;
    /* Positional entries replace the config's: only their types matter then. */
    if (L->args->n_entries > 0) return;
    char *path = want_file(L, n, spec);
    if (!path) return;
    free(path);
    MfEntry e = {A(L, name), as_path_spec(L, spec)};
    MF_VEC_PUSH(&L->cfg->entries, e);
}

static void do_entry(Load *L, const Node *n) {
    if (cJSON_IsString(n->j)) {
        add_entry(L, n, "main");
        return;
    }
    if (!cJSON_IsObject(n->j)) {
        type_error(L, n, "a string or an object");
        return;
    }
    check_object(L, n, NULL, 0);
    FOR_CHILDREN(n, m) {
        if (!safe_chunk_name(m.j->string)) {
            err_key(L, &m, MF_MSG_CONFIG_VALUE,
                    "Entry name %s must be a relative file name without \".\" or \"..\" parts",
                    quoted(L, m.j->string));
            continue;
        }
        add_entry(L, &m, m.j->string);
    }
}

static void do_filename(Load *L, const Node *n, char **slot) {
    const char *v = want_text(L, n);
    if (!v) return;
    if (!safe_chunk_name(v)) {
        err_val(L, n, MF_MSG_CONFIG_VALUE,
                "%s must be a relative file name inside the output folder, got %s",
                describe(L, n), quoted(L, v));
        return;
    }
    *slot = A(L, v);
}

static void do_exposes(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    check_object(L, n, NULL, 0);
    FOR_CHILDREN(n, m) {
        const char *key = m.j->string ? m.j->string : "";
        if (strcmp(key, ".") != 0 && (strncmp(key, "./", 2) != 0 || !key[2])) {
            err_key(L, &m, MF_MSG_CONFIG_EXPOSE_KEY,
                    "Expose key %s must start with \"./\" (or be \".\")", quoted(L, key));
            const char *rest = key;
            while (*rest == '.' || *rest == '/') rest++;
            if (*rest) mf_log_suggest(L->log, "Did you mean \"./%s\"?", rest);
            /* Still check the value so one run reports both problems. */
        }
        const char *spec = want_text(L, &m);
        if (!spec) continue;
        char *path = want_file(L, &m, spec);
        if (!path) continue;
        MfExpose e = {A(L, key), A(L, spec), A(L, path)};
        free(path);
        MF_VEC_PUSH(&L->cfg->exposes, e);
    }
}

static bool remote_name_ok(Load *L, const Node *at, const char *alias, const char *name) {
    if (mf_is_js_identifier(name)) return true;
    err_val(L, at, MF_MSG_CONFIG_REMOTE,
            "Remote %s: container name %s must be a valid JavaScript identifier",
            quoted(L, alias), quoted(L, name));
    return false;
}

static const char *const remote_keys[] = {"name", "entry"};

static void do_remote_object(Load *L, const Node *m, const char *alias) {
    CHECK_KEYS(L, m, remote_keys);
    const char *name = NULL, *entry = NULL;
    bool ok = true;
    FOR_CHILDREN(m, c) {
        if (strcmp(c.j->string, "name") == 0) {
            name = want_text(L, &c);
            if (!name || !remote_name_ok(L, &c, alias, name)) ok = false;
        } else if (strcmp(c.j->string, "entry") == 0) {
            entry = want_text(L, &c);
            if (!entry) ok = false;
        }
    }
    if (ok && (!name || !entry)) {
        err_key(L, m, MF_MSG_CONFIG_REMOTE, "Remote %s needs both \"name\" and \"entry\"",
                quoted(L, alias));
        return;
    }
    if (!ok) return;
    MfRemote r = {A(L, alias), A(L, name), A(L, entry), strstr(entry, ".json") != NULL};
    MF_VEC_PUSH(&L->cfg->remotes, r);
}

static void do_remotes(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    check_object(L, n, NULL, 0);
    FOR_CHILDREN(n, m) {
        const char *alias = m.j->string ? m.j->string : "";
        if (!*alias) {
            err_key(L, &m, MF_MSG_CONFIG_REMOTE, "A remote alias must not be empty");
            continue;
        }
        if (cJSON_IsObject(m.j)) {
            do_remote_object(L, &m, alias);
            continue;
        }
        if (!cJSON_IsString(m.j)) {
            type_error(L, &m, "a string (\"name@URL\") or an object");
            continue;
        }
        const char *v = m.j->valuestring;
        const char *at = strchr(v, '@');
        if (!at || at == v || !at[1]) {
            err_val(L, &m, MF_MSG_CONFIG_REMOTE,
                    "Remote %s must look like \"name@URL\", got %s", quoted(L, alias),
                    quoted(L, v));
            if (!at && mf_is_js_identifier(alias))
                mf_log_suggest(L->log, "Did you mean \"%s@%s\"?", alias, v);
            continue;
        }
        char *name = mf_arena_strndup(L->cfg->arena, v, (size_t)(at - v));
        if (!remote_name_ok(L, &m, alias, name)) continue;
        MfRemote r = {A(L, alias), name, A(L, at + 1), strstr(at + 1, ".json") != NULL};
        MF_VEC_PUSH(&L->cfg->remotes, r);
    }
}

/* "react-dom/client" -> "react-dom", "@mui/material/" -> "@mui/material":
 * the npm package a shared key belongs to.  Arena string. */
static char *package_of(Load *L, const char *key) {
    const char *slash = strchr(key, '/');
    if (key[0] == '@' && slash) slash = strchr(slash + 1, '/');
    return slash ? mf_arena_strndup(L->cfg->arena, key, (size_t)(slash - key)) : A(L, key);
}

static const char *dep_range(Load *L, const char *pkg) {
    for (uint32_t i = 0; i < L->cfg->pkg_deps.len; i++)
        if (strcmp(L->cfg->pkg_deps.items[i].key, pkg) == 0) return L->cfg->pkg_deps.items[i].value;
    return NULL;
}

/* The installed package's version, looked up the way Node finds packages:
 * <dir>/node_modules/<pkg>/package.json from the root up to "/".  The
 * resolver does the real resolution later; this only feeds the manifest's
 * "version" default, so a package.json we cannot read just means none. */
static char *installed_version(Load *L, const char *pkg) {
    char *dir = mf_xstrdup(L->cfg->root);
    char *version = NULL;
    for (;;) {
        char *path = mf_xasprintf("%s/node_modules/%s/package.json",
                                  strcmp(dir, "/") == 0 ? "" : dir, pkg);
        char *text = NULL;
        size_t len = 0;
        bool found = mf_file_exists(path) && mf_file_read(path, &text, &len) == 0;
        free(path);
        if (found) {
            cJSON *j = cJSON_ParseWithLength(text, len);
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "version");
            if (cJSON_IsString(v) && v->valuestring && v->valuestring[0])
                version = A(L, v->valuestring);
            cJSON_Delete(j);
            free(text);
            break;
        }
        if (strcmp(dir, "/") == 0) break;
        char *up = mf_path_dirname(dir);
        free(dir);
        dir = up;
    }
    free(dir);
    return version;
}

/* What the user wrote for one shared package, before defaults. */
typedef struct SharedIn {
    bool singleton, eager;
    bool has_strict, strict;
    bool has_required, has_version, has_import;
    const char *required, *version, *import, *scope; /* NULL: given as false / not given */
} SharedIn;

/* DESIGN.md 4: the runtime warns (or, strictVersion, fails) when the
 * version it negotiates does not satisfy a consumer's range; an app whose
 * own installed copy is already outside its own range will meet that at
 * run time whenever its copy is picked, so say it now, at the key.  Ranges
 * that are not semver ("workspace:*", "file:..") say nothing. */
static void warn_installed_version(Load *L, const Node *at, const MfShared *s) {
    if (!s->version || !s->required_version || !mf_semver_range_valid(s->required_version)) return;
    MfSemver v;
    if (!mf_semver_parse(s->version, &v) || mf_semver_satisfies(s->version, s->required_version)) return;
    Span key = {0, 0}, val;
    if (at) node_spans(L, at, &key, &val);
    if (L->file)
        mf_log_add(L->log, MF_DIAG_WARNING, MF_MSG_SHARED_VERSION_MISMATCH, L->file, L->text, L->len, key.off,
                   key.len, "Shared package \"%s\": the installed version %s does not satisfy requiredVersion \"%s\"",
                   s->package, s->version, s->required_version);
    else
        mf_log_add(L->log, MF_DIAG_WARNING, MF_MSG_SHARED_VERSION_MISMATCH, NULL, NULL, 0, 0, 0,
                   "Shared package \"%s\": the installed version %s does not satisfy requiredVersion \"%s\"",
                   s->package, s->version, s->required_version);
    mf_log_note(L->log, "Install a version in that range (npm install %s@\"%s\") or change requiredVersion.",
                s->package, s->required_version);
}

static void add_shared(Load *L, const char *key, const SharedIn *in, const Node *at) {
    const char *pkg = package_of(L, key);
    MfShared s = {.package = A(L, key), .singleton = in->singleton, .eager = in->eager};
    s.import = in->has_import ? A(L, in->import) : A(L, key);
    if (in->has_required) s.required_version = A(L, in->required);
    else s.required_version = A(L, dep_range(L, pkg));
    if (in->has_version) s.version = A(L, in->version);
    else if (s.import) s.version = installed_version(L, pkg);
    s.share_scope = A(L, in->scope ? in->scope : "default");
    /* DESIGN.md 4: false for singletons, true for non-singletons with a
     * fallback to use instead of a mismatching version. */
    s.strict_version = in->has_strict ? in->strict : (!s.singleton && s.import != NULL);
    warn_installed_version(L, at, &s);
    MF_VEC_PUSH(&L->cfg->shared, s);
}

/* A string or `false`; *out is NULL for false. */
static bool want_string_or_false(Load *L, const Node *n, const char **out) {
    if (cJSON_IsFalse(n->j)) {
        *out = NULL;
        return true;
    }
    if (!cJSON_IsString(n->j)) {
        type_error(L, n, "a string or false");
        return false;
    }
    return (*out = want_text(L, n)) != NULL;
}

static const char *const shared_keys[] = {"singleton", "requiredVersion", "strictVersion",
                                          "eager",     "version",         "shareScope",
                                          "import"};

static bool read_shared_object(Load *L, const Node *m, SharedIn *in) {
    CHECK_KEYS(L, m, shared_keys);
    bool ok = true;
    FOR_CHILDREN(m, c) {
        const char *k = c.j->string;
        bool good = true;
        if (strcmp(k, "singleton") == 0) good = want_bool(L, &c, &in->singleton);
        else if (strcmp(k, "eager") == 0) good = want_bool(L, &c, &in->eager);
        else if (strcmp(k, "strictVersion") == 0) good = in->has_strict = want_bool(L, &c, &in->strict);
        else if (strcmp(k, "requiredVersion") == 0)
            good = in->has_required = want_string_or_false(L, &c, &in->required);
        else if (strcmp(k, "version") == 0)
            good = in->has_version = want_string_or_false(L, &c, &in->version);
        else if (strcmp(k, "import") == 0)
            good = in->has_import = want_string_or_false(L, &c, &in->import);
        else if (strcmp(k, "shareScope") == 0) good = (in->scope = want_text(L, &c)) != NULL;
        ok = ok && good;
    }
    return ok;
}

static void do_shared(Load *L, const Node *n) {
    if (cJSON_IsArray(n->j)) {
        MfMap *seen = mf_map_new();
        FOR_CHILDREN(n, m) {
            const char *pkg = want_text(L, &m);
            if (!pkg) continue;
            uint32_t dummy;
            if (mf_map_get(seen, pkg, &dummy)) {
                err_val(L, &m, MF_MSG_CONFIG_DUPLICATE_KEY, "%s is listed twice in \"shared\"",
                        quoted(L, pkg));
                continue;
            }
            mf_map_put(seen, pkg, 1);
            SharedIn in = {0};
            add_shared(L, pkg, &in, &m);
        }
        mf_map_free(seen);
        return;
    }
    if (!cJSON_IsObject(n->j)) {
        type_error(L, n, "an array or an object");
        return;
    }
    check_object(L, n, NULL, 0);
    FOR_CHILDREN(n, m) {
        const char *key = m.j->string ? m.j->string : "";
        if (!*key) {
            err_key(L, &m, MF_MSG_CONFIG_VALUE, "A shared package name must not be empty");
            continue;
        }
        SharedIn in = {0};
        if (cJSON_IsString(m.j)) {
            /* webpack's shorthand: "react": "^18.2.0" is the requiredVersion. */
            if (!(in.required = want_text(L, &m))) continue;
            in.has_required = true;
        } else if (cJSON_IsObject(m.j)) {
            if (!read_shared_object(L, &m, &in)) continue;
        } else {
            type_error(L, &m, "an object or a version range string");
            continue;
        }
        add_shared(L, key, &in, &m);
    }
}

static void do_string_array(Load *L, const Node *n, void *vec_ptr, bool dot_prefix) {
    MF_VEC(char *) *vec = vec_ptr;
    if (!want_array(L, n)) return;
    FOR_CHILDREN(n, m) {
        const char *v = want_text(L, &m);
        if (!v) continue;
        if (dot_prefix && v[0] != '.') {
            err_val(L, &m, MF_MSG_CONFIG_VALUE, "%s must start with \".\", got %s",
                    describe(L, &m), quoted(L, v));
            mf_log_suggest(L->log, "Did you mean \".%s\"?", v);
            continue;
        }
        MF_VEC_PUSH(vec, A(L, v));
    }
}

static const char *const retry_keys[] = {"times", "delayMs"};

static void do_retry(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    CHECK_KEYS(L, n, retry_keys);
    FOR_CHILDREN(n, m) {
        if (strcmp(m.j->string, "times") == 0) want_int(L, &m, 0, INT_MAX, &L->cfg->retry_times);
        else if (strcmp(m.j->string, "delayMs") == 0)
            want_int(L, &m, 0, INT_MAX, &L->cfg->retry_delay_ms);
    }
}

static const char *const output_keys[] = {"path", "publicPath", "filename", "sourceMap"};

static void do_output(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    CHECK_KEYS(L, n, output_keys);
    MfConfig *cfg = L->cfg;
    FOR_CHILDREN(n, m) {
        const char *k = m.j->string;
        if (strcmp(k, "path") == 0) {
            const char *v = want_text(L, &m);
            if (!v) continue;
            char *abs = mf_path_join(cfg->root, v);
            cfg->out_dir = A(L, abs);
            free(abs);
            L->out_dir_set = true;
            Span key;
            node_spans(L, &m, &key, &L->out_dir_value);
        } else if (strcmp(k, "publicPath") == 0) {
            if (want_string(L, &m)) cfg->public_path = A(L, m.j->valuestring);
        } else if (strcmp(k, "filename") == 0) {
            do_filename(L, &m, &cfg->out_filename);
        } else if (strcmp(k, "sourceMap") == 0) {
            if (cJSON_IsBool(m.j)) {
                cfg->source_map = cJSON_IsTrue(m.j) ? MF_SOURCEMAP_FILE : MF_SOURCEMAP_NONE;
                L->source_map_set = true;
            } else if (cJSON_IsString(m.j)) {
                static const char *const maps[] = {"inline", NULL};
                if (want_choice(L, &m, maps) == 0) {
                    cfg->source_map = MF_SOURCEMAP_INLINE;
                    L->source_map_set = true;
                }
            } else {
                type_error(L, &m, "a boolean or \"inline\"");
            }
        }
    }
}

static const char *const jsx_keys[] = {"runtime", "importSource", "pragma", "pragmaFrag"};

static void do_jsx(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    CHECK_KEYS(L, n, jsx_keys);
    MfConfig *cfg = L->cfg;
    FOR_CHILDREN(n, m) {
        const char *k = m.j->string, *v;
        if (strcmp(k, "runtime") == 0) {
            static const char *const runtimes[] = {"automatic", "classic", NULL};
            int r = want_choice(L, &m, runtimes);
            if (r >= 0) cfg->jsx_automatic = r == 0;
        } else if (strcmp(k, "importSource") == 0) {
            if ((v = want_text(L, &m))) cfg->jsx_import_source = A(L, v);
        } else if (strcmp(k, "pragma") == 0) {
            if ((v = want_text(L, &m))) cfg->jsx_pragma = A(L, v);
        } else if (strcmp(k, "pragmaFrag") == 0) {
            if ((v = want_text(L, &m))) cfg->jsx_pragma_frag = A(L, v);
        }
    }
}

static const char *const html_keys[] = {"template"};

static void do_html(Load *L, const Node *n) {
    if (cJSON_IsBool(n->j)) {
        L->cfg->html = cJSON_IsTrue(n->j);
        return;
    }
    if (!cJSON_IsObject(n->j)) {
        type_error(L, n, "a boolean or an object");
        return;
    }
    L->cfg->html = true;
    CHECK_KEYS(L, n, html_keys);
    FOR_CHILDREN(n, m) {
        if (strcmp(m.j->string, "template") != 0) continue;
        const char *v = want_text(L, &m);
        char *path = v ? want_file(L, &m, v) : NULL;
        if (path) L->cfg->html_template = A(L, path);
        free(path);
    }
}

/* "process.env.NODE_ENV", "__DEV__", "import.meta.env.X": dotted names. */
static bool define_key_ok(const char *k) {
    if (!*k) return false;
    for (const char *p = k;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!is_ident_syntax(p, n)) return false;
        if (!dot) return true;
        p = dot + 1;
    }
}

static void do_define(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    check_object(L, n, NULL, 0);
    FOR_CHILDREN(n, m) {
        const char *k = m.j->string ? m.j->string : "";
        if (!define_key_ok(k)) {
            err_key(L, &m, MF_MSG_CONFIG_VALUE,
                    "Define key %s must be an identifier or a dotted name such as "
                    "\"process.env.API_URL\"",
                    quoted(L, k));
            continue;
        }
        /* Like esbuild, a string is the replacement's source text
         * ("\"https://api\"" for a string literal); a JSON boolean, number
         * or null stands for itself. */
        char *value = NULL;
        if (cJSON_IsString(m.j)) {
            const char *v = want_text(L, &m);
            if (!v) continue;
            value = A(L, v);
        } else if (cJSON_IsBool(m.j) || cJSON_IsNumber(m.j) || cJSON_IsNull(m.j)) {
            char *printed = cJSON_PrintUnformatted(m.j);
            if (!printed) continue;
            value = A(L, printed);
            cJSON_free(printed);
        } else {
            type_error(L, &m, "a string");
            continue;
        }
        MfStrPair p = {A(L, k), value};
        MF_VEC_PUSH(&L->cfg->define, p);
    }
}

static const char *const resolve_keys[] = {"alias", "extensions", "conditions"};

static void do_resolve(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    CHECK_KEYS(L, n, resolve_keys);
    FOR_CHILDREN(n, m) {
        const char *k = m.j->string;
        if (strcmp(k, "alias") == 0) {
            if (!want_object(L, &m)) continue;
            check_object(L, &m, NULL, 0);
            FOR_CHILDREN(&m, a) {
                if (!a.j->string || !a.j->string[0]) {
                    err_key(L, &a, MF_MSG_CONFIG_VALUE, "An alias must not be empty");
                    continue;
                }
                const char *v = want_text(L, &a);
                if (!v) continue;
                MfStrPair p = {A(L, a.j->string), A(L, v)};
                MF_VEC_PUSH(&L->cfg->alias, p);
            }
        } else if (strcmp(k, "extensions") == 0) {
            L->extensions_set = true;
            do_string_array(L, &m, &L->cfg->extensions, true);
        } else if (strcmp(k, "conditions") == 0) {
            do_string_array(L, &m, &L->cfg->conditions, false);
        }
    }
}

static const char *const dev_keys[] = {"port", "host"};

static void do_dev(Load *L, const Node *n) {
    if (!want_object(L, n)) return;
    CHECK_KEYS(L, n, dev_keys);
    FOR_CHILDREN(n, m) {
        if (strcmp(m.j->string, "port") == 0) {
            want_int(L, &m, 0, 65535, &L->cfg->dev_port);
        } else if (strcmp(m.j->string, "host") == 0) {
            const char *v = want_text(L, &m);
            if (v) L->cfg->dev_host = A(L, v);
        }
    }
}

static const char *const top_keys[] = {
    "$schema", "name",    "entry",          "filename", "exposes", "remotes",
    "shared",  "shareStrategy", "runtimePlugins", "retry", "output", "target",
    "jsx",     "html",    "define",         "resolve",  "dev",
};

static void do_top_member(Load *L, const Node *m) {
    const char *k = m->j->string;
    MfConfig *cfg = L->cfg;
    if (strcmp(k, "name") == 0) {
        do_name(L, m);
    } else if (strcmp(k, "entry") == 0) {
        do_entry(L, m);
    } else if (strcmp(k, "filename") == 0) {
        do_filename(L, m, &cfg->filename);
    } else if (strcmp(k, "exposes") == 0 || strcmp(k, "remotes") == 0 ||
               strcmp(k, "shared") == 0) {
        uint32_t before = cfg->exposes.len + cfg->remotes.len + cfg->shared.len;
        if (k[0] == 'e') do_exposes(L, m);
        else if (k[0] == 'r') do_remotes(L, m);
        else do_shared(L, m);
        Span key, val;
        node_spans(L, m, &key, &val);
        if (k[0] == 'e' && !L->has_exposes_key) {
            L->has_exposes_key = true;
            L->exposes_key = key;
        }
        /* Remembered for the target "node" check, which runs after the
         * command line is applied. */
        if (!L->has_fed_key && cfg->exposes.len + cfg->remotes.len + cfg->shared.len > before) {
            L->has_fed_key = true;
            L->fed_key = key;
            L->fed_key_name = A(L, k);
        }
    } else if (strcmp(k, "shareStrategy") == 0) {
        static const char *const strategies[] = {"version-first", "loaded-first", NULL};
        int s = want_choice(L, m, strategies);
        if (s >= 0) cfg->share_strategy = s == 0 ? MF_SHARE_VERSION_FIRST : MF_SHARE_LOADED_FIRST;
    } else if (strcmp(k, "runtimePlugins") == 0) {
        do_string_array(L, m, &cfg->runtime_plugins, false);
    } else if (strcmp(k, "retry") == 0) {
        do_retry(L, m);
    } else if (strcmp(k, "output") == 0) {
        do_output(L, m);
    } else if (strcmp(k, "target") == 0) {
        static const char *const targets[] = {"web", "node", NULL};
        int t = want_choice(L, m, targets);
        if (t >= 0) cfg->target = t == 0 ? MF_TARGET_WEB : MF_TARGET_NODE;
    } else if (strcmp(k, "jsx") == 0) {
        do_jsx(L, m);
    } else if (strcmp(k, "html") == 0) {
        do_html(L, m);
    } else if (strcmp(k, "define") == 0) {
        do_define(L, m);
    } else if (strcmp(k, "dev") == 0) {
        do_dev(L, m);
    }
    /* "$schema" is for editors; "resolve" was read first; unknown keys
     * were reported by check_object. */
}

/* ---- reading JSON files ------------------------------------------------- */

/* Reads, syntax-checks and parses L->file.  On success returns the tree and
 * leaves L->text / L->len set (malloc'd text, the caller frees it).  Errors
 * are reported; NULL then. */
static cJSON *read_json(Load *L, char **text_out) {
    char *text = NULL;
    size_t len = 0;
    *text_out = NULL;
    if (mf_file_read(L->file, &text, &len) != 0) {
        err_plain(L, MF_MSG_CONFIG_READ, "Cannot read %s: %s", L->file, strerror(errno));
        return NULL;
    }
    if (len >= UINT32_MAX) {
        err_plain(L, MF_MSG_CONFIG_READ, "Cannot read %s: file too large", L->file);
        free(text);
        return NULL;
    }
    L->text = text;
    L->len = len;
    *text_out = text;
    size_t at = 0;
    char msg[160];
    if (!json_check(text, len, &at, msg, sizeof msg)) {
        err_at(L, MF_MSG_CONFIG_SYNTAX, (Span){(uint32_t)at, at < len ? 1 : 0}, "Invalid JSON in %s: %s", L->label,
               msg);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        /* Only what our checker lets through and cJSON refuses (an unpaired
         * \u surrogate, say) lands here. */
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        err_at(L, MF_MSG_CONFIG_SYNTAX, (Span){(uint32_t)off, off < len ? 1 : 0},
               "Invalid JSON in %s", L->label);
    }
    return root;
}

static void load_package_json(Load *L) {
    MfConfig *cfg = L->cfg;
    char *path = mf_path_join(cfg->root, "package.json");
    if (access(path, F_OK) != 0) {
        free(path);
        return; /* package.json is optional */
    }
    L->file = path;
    L->label = "package.json";
    char *text;
    cJSON *root = read_json(L, &text);
    if (root && !cJSON_IsObject(root)) {
        Node top = {root, NULL, -1};
        type_error(L, &top, "an object");
    } else if (root) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "name");
        if (cJSON_IsString(v) && v->valuestring[0]) cfg->pkg_name = A(L, v->valuestring);
        v = cJSON_GetObjectItemCaseSensitive(root, "version");
        if (cJSON_IsString(v) && v->valuestring[0]) cfg->pkg_version = A(L, v->valuestring);
        /* DESIGN.md's precedence: the first list that names a package wins. */
        static const char *const lists[] = {"optionalDependencies", "dependencies",
                                            "peerDependencies", "devDependencies"};
        MfMap *seen = mf_map_new();
        for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
            const cJSON *deps = cJSON_GetObjectItemCaseSensitive(root, lists[i]);
            const cJSON *d;
            if (!cJSON_IsObject(deps)) continue;
            cJSON_ArrayForEach(d, deps) {
                uint32_t dummy;
                if (!d->string || !cJSON_IsString(d) || mf_map_get(seen, d->string, &dummy))
                    continue;
                mf_map_put(seen, d->string, 1);
                MfStrPair p = {A(L, d->string), A(L, d->valuestring)};
                MF_VEC_PUSH(&cfg->pkg_deps, p);
            }
        }
        mf_map_free(seen);
    }
    cJSON_Delete(root);
    free(text);
    free(path);
    L->file = L->label = L->text = NULL;
    L->len = 0;
}

/* Reads mfbuild.json.  Leaves L->file/text pointing at it (text in
 * *text_out, caller frees) for the checks that run after the command line
 * is applied. */
static void load_config_file(Load *L, char **text_out) {
    L->file = L->cfg->config_path;
    L->label = mf_path_basename(L->cfg->config_path);
    cJSON *root = read_json(L, text_out);
    if (!root) return;
    Node top = {root, NULL, -1};
    if (!cJSON_IsObject(root)) {
        type_error(L, &top, "an object");
    } else {
        CHECK_KEYS(L, &top, top_keys);
        /* resolve.extensions first: the entry and expose checks look for
         * files with them, whatever the key order in the file. */
        FOR_CHILDREN(&top, m)
            if (strcmp(m.j->string, "resolve") == 0) do_resolve(L, &m);
        ensure_extensions(L);
        FOR_CHILDREN(&top, m)
            if (strcmp(m.j->string, "resolve") != 0) do_top_member(L, &m);
    }
    cJSON_Delete(root);
}

/* ---- command line and derived settings ----------------------------------- */

static void check_cli(Load *L) {
    const MfConfigArgs *a = L->args;
    MfConfig *cfg = L->cfg;
    cfg->mode = a->default_mode;
    if (a->mode) {
        if (strcmp(a->mode, "production") == 0) cfg->mode = MF_MODE_PRODUCTION;
        else if (strcmp(a->mode, "development") == 0) cfg->mode = MF_MODE_DEVELOPMENT;
        else
            err_plain(L, MF_MSG_USAGE,
                      "Invalid --mode \"%s\": expected \"production\" or \"development\"", a->mode);
    }
    if (a->target) {
        L->cli_target_set = true;
        if (strcmp(a->target, "web") == 0) L->cli_target = MF_TARGET_WEB;
        else if (strcmp(a->target, "node") == 0) L->cli_target = MF_TARGET_NODE;
        else {
            L->cli_target_set = false;
            err_plain(L, MF_MSG_USAGE, "Invalid --target \"%s\": expected \"web\" or \"node\"",
                      a->target);
        }
    }
    if (a->port < -1 || a->port > 65535)
        err_plain(L, MF_MSG_USAGE, "Invalid --port %d: expected 0 to 65535", a->port);
    if (a->out_dir && !a->out_dir[0]) err_plain(L, MF_MSG_USAGE, "--out needs a folder");
    if (a->host && !a->host[0]) err_plain(L, MF_MSG_USAGE, "--host needs an address");
}

/* Finds the config file and the project root.  False when that failed. */
static bool find_root(Load *L) {
    MfConfig *cfg = L->cfg;
    char *abs = NULL;
    if (L->args->config_path) {
        abs = mf_path_absolute(L->args->config_path);
        if (!mf_file_exists(abs)) {
            errno = 0;
            char *probe = NULL;
            size_t n = 0;
            if (mf_file_read(abs, &probe, &n) == 0) errno = EINVAL; /* not a regular file */
            free(probe);
            err_plain(L, MF_MSG_CONFIG_READ, "Cannot read config file \"%s\": %s",
                      L->args->config_path, strerror(errno ? errno : ENOENT));
            free(abs);
            return false;
        }
    } else {
        char *here = mf_path_join(L->cwd, "mfbuild.json");
        if (mf_file_exists(here)) abs = here;
        else free(here);
    }
    if (abs) {
        char *dir = mf_path_dirname(abs);
        char *real = mf_path_realpath(dir);
        if (real) {
            cfg->root = A(L, real);
            char *joined = mf_path_join(real, mf_path_basename(abs));
            cfg->config_path = A(L, joined);
            free(joined);
        }
        free(real);
        free(dir);
        free(abs);
    } else {
        char *real = mf_path_realpath(L->cwd);
        cfg->root = A(L, real ? real : L->cwd);
        free(real);
    }
    if (!cfg->root) {
        err_plain(L, MF_MSG_CONFIG_READ, "Cannot find the folder of \"%s\"",
                  L->args->config_path ? L->args->config_path : "mfbuild.json");
        return false;
    }
    return true;
}

static void positional_entries(Load *L) {
    const MfConfigArgs *a = L->args;
    MfConfig *cfg = L->cfg;
    MfMap *names = mf_map_new();
    for (int i = 0; i < a->n_entries; i++) {
        const char *spec = a->entries ? a->entries[i] : NULL;
        if (!spec || !*spec) {
            err_plain(L, MF_MSG_USAGE, "An entry must not be empty");
            continue;
        }
        char *path = find_file(L, L->cwd, spec);
        if (!path) {
            err_plain(L, MF_MSG_CONFIG_MISSING_FILE, "Entry file \"%s\" does not exist", spec);
            continue;
        }
        const char *base = mf_path_basename(path);
        char *name = a->n_entries == 1 ? A(L, "main")
                                       : mf_arena_strndup(cfg->arena, base, stem_len(base));
        uint32_t dummy;
        if (mf_map_get(names, name, &dummy)) {
            err_plain(L, MF_MSG_USAGE,
                      "Two entries would both be named \"%s\"; name them in mfbuild.json "
                      "(\"entry\": { \"name\": \"./path\" })",
                      name);
        } else {
            mf_map_put(names, name, 1);
            MfEntry e = {name, A(L, path)};
            MF_VEC_PUSH(&cfg->entries, e);
        }
        free(path);
    }
    mf_map_free(names);
}

/* A build replaces its output folder wholesale (write to a temporary folder,
 * then rename), so the output folder must never be the project or above. */
static bool out_dir_safe(const char *out, const char *root) {
    size_t n = strlen(out);
    if (strcmp(out, "/") == 0) return false;
    return !(strncmp(root, out, n) == 0 && (root[n] == '/' || root[n] == 0));
}

static void finish(Load *L) {
    const MfConfigArgs *a = L->args;
    MfConfig *cfg = L->cfg;
    ensure_extensions(L);

    if (L->cli_target_set) cfg->target = L->cli_target;
    if (a->host && a->host[0]) cfg->dev_host = A(L, a->host);
    if (a->port >= 0 && a->port <= 65535) cfg->dev_port = a->port;
    if (a->out_dir && a->out_dir[0]) {
        char *abs = mf_path_join(L->cwd, a->out_dir);
        cfg->out_dir = A(L, abs);
        free(abs);
        if (!out_dir_safe(cfg->out_dir, cfg->root))
            err_plain(L, MF_MSG_USAGE,
                      "--out \"%s\" is the project folder or contains it; the build replaces "
                      "that folder",
                      a->out_dir);
    } else if (L->out_dir_set) {
        if (!out_dir_safe(cfg->out_dir, cfg->root))
            err_at(L, MF_MSG_CONFIG_VALUE, L->out_dir_value,
                   "\"path\" (in output) is the project folder or contains it; the build "
                   "replaces that folder");
    } else {
        char *abs = mf_path_join(cfg->root, "dist");
        cfg->out_dir = A(L, abs);
        free(abs);
    }

    if (!L->source_map_set)
        cfg->source_map = cfg->mode == MF_MODE_DEVELOPMENT ? MF_SOURCEMAP_INLINE : MF_SOURCEMAP_NONE;

    bool user_node_env = false;
    for (uint32_t i = 0; i < cfg->define.len; i++)
        user_node_env |= strcmp(cfg->define.items[i].key, "process.env.NODE_ENV") == 0;
    if (!user_node_env) {
        MfStrPair p = {A(L, "process.env.NODE_ENV"),
                       A(L, cfg->mode == MF_MODE_DEVELOPMENT ? "\"development\"" : "\"production\"")};
        MF_VEC_PUSH(&cfg->define, p);
    }

    if (!cfg->name && cfg->pkg_name) {
        char *derived = identifier_from(cfg->pkg_name);
        cfg->name = A(L, derived);
        free(derived);
    }
    if (!cfg->name && cfg->exposes.len > 0)
        err_at(L, MF_MSG_CONFIG_NAME, L->exposes_key,
               "\"exposes\" needs a container \"name\" (none in %s and no package.json name)",
               L->label ? L->label : "mfbuild.json");

    if (a->n_entries > 0) positional_entries(L);

    if (cfg->target == MF_TARGET_NODE && L->has_fed_key)
        err_at(L, MF_MSG_CONFIG_VALUE, L->fed_key,
               "Module Federation (\"%s\") is not supported for target \"node\" yet; build for "
               "target \"web\"",
               L->fed_key_name);
}

static void set_defaults(Load *L) {
    MfConfig *cfg = L->cfg;
    cfg->filename = A(L, "remoteEntry.js");
    cfg->share_strategy = MF_SHARE_VERSION_FIRST;
    /* No retries unless asked (webpack's behaviour); the delay only matters
     * once "times" is set. */
    cfg->retry_times = 0;
    cfg->retry_delay_ms = 500;
    cfg->public_path = A(L, "auto");
    cfg->out_filename = A(L, "[name].[contenthash].js");
    cfg->target = MF_TARGET_WEB;
    cfg->jsx_automatic = true;
    cfg->jsx_import_source = A(L, "react");
    cfg->jsx_pragma = A(L, "React.createElement");
    cfg->jsx_pragma_frag = A(L, "React.Fragment");
    cfg->dev_port = 3001;
    cfg->dev_host = A(L, "127.0.0.1");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = cpus > 0 ? (int)(cpus < 1024 ? cpus : 1024) : 1;
    cfg->color = MF_COLOR_AUTO;
}

/* ---- API ------------------------------------------------------------------ */

MfConfig *mf_config_load(const MfConfigArgs *args, MfLog *log) {
    static const MfConfigArgs no_args = {.port = -1};
    MfConfig *cfg = mf_xcalloc(1, sizeof *cfg);
    cfg->arena = mf_arena_new();
    Load L = {.cfg = cfg, .log = log, .args = args ? args : &no_args};
    char *cfg_text = NULL;
    set_defaults(&L);

    L.cwd = getcwd(NULL, 0);
    if (!L.cwd) {
        err_plain(&L, MF_MSG_CONFIG_READ, "Cannot read the current folder: %s", strerror(errno));
        goto done;
    }
    check_cli(&L);
    if (!find_root(&L)) goto done;
    /* package.json first: shared packages' defaults come from it. */
    load_package_json(&L);
    if (cfg->config_path) load_config_file(&L, &cfg_text);
    finish(&L);
    if (L.args->threads) cfg->threads = L.args->threads;
    cfg->json = L.args->json;
    cfg->timings = L.args->timings;
    cfg->quiet = L.args->quiet;
    cfg->hot = L.args->hot;
    cfg->color = L.args->color;

done:
    free(cfg_text);
    free(L.cwd);
    if (L.errors) {
        mf_config_free(cfg);
        return NULL;
    }
    return cfg;
}

bool mf_config_check_buildable(const MfConfig *cfg, MfLog *log) {
    if (cfg->entries.len || cfg->exposes.len) return true;
    /* An empty success would hide a forgotten config. */
    mf_log_add(log, MF_DIAG_ERROR, cfg->config_path ? MF_MSG_CONFIG_VALUE : MF_MSG_USAGE, cfg->config_path, NULL, 0,
               0, 0, "Nothing to build: no entry points");
    mf_log_note(log, "Pass ENTRY arguments, or set \"entry\" or \"exposes\" in mfbuild.json.");
    return false;
}

void mf_config_free(MfConfig *cfg) {
    if (!cfg) return;
    free(cfg->entries.items);
    free(cfg->exposes.items);
    free(cfg->remotes.items);
    free(cfg->shared.items);
    free(cfg->runtime_plugins.items);
    free(cfg->define.items);
    free(cfg->alias.items);
    free(cfg->extensions.items);
    free(cfg->conditions.items);
    free(cfg->pkg_deps.items);
    mf_arena_free(cfg->arena);
    free(cfg);
}
