/*
 * semver.c — node-semver's version arithmetic in C: parse, compare, and
 * satisfies(version, range).
 *
 * The runtime's negotiation (src/runtime/semver.js) parses versions and
 * tests them against comparators; parsing ranges is done here only, at build
 * time: emit writes each requiredVersion compiled by mf_semver_range_json
 * (webpack compiles its ranges at build time too).  So `mfbuild check`, the
 * build-time "installed version does not satisfy requiredVersion" warning and
 * the browser use one parser.  Version order and the prerelease rule are in
 * both languages: a change to one must be made in the other
 * (tests/unit/test_semver.c holds the node-semver case table, and
 * tests/runtime/semver.test.mjs checks the runtime on compiled ranges).
 *
 * Ranges: comparators (< <= > >= =), caret and tilde (^0.x and ^0.0.x
 * rules), x-ranges, hyphen ranges, space-separated AND and `||`.  A
 * prerelease satisfies a range only when a comparator of the matching set
 * names a prerelease of the same major.minor.patch.  Build metadata is
 * ignored.  Nothing here fails loudly: an unparsable version satisfies
 * nothing, an unparsable range is satisfied by nothing.
 *
 * Exports: mf_semver_parse, mf_semver_cmp, mf_semver_compare,
 * mf_semver_satisfies, mf_semver_range_valid, mf_semver_range_json.
 */
#include "mfbuild.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JS's \s for the ASCII range (the only whitespace package.json ranges use). */
static bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_ident_char(char c) {
    return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* Reads \d+ at *p into *out (saturating: such versions are absurd anyway,
 * and saturation keeps the order of everything realistic). */
static bool read_num(const char **p, uint64_t *out) {
    const char *s = *p;
    if (!isdigit((unsigned char)*s)) return false;
    uint64_t v = 0;
    while (isdigit((unsigned char)*s)) {
        unsigned d = (unsigned)(*s++ - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *p = s;
    *out = v;
    return true;
}

/* [0-9A-Za-z.-]+ at *p; copies it into pre (NUL-terminated). */
static bool read_ident(const char **p, char *pre, size_t cap) {
    const char *s = *p;
    size_t n = 0;
    while (is_ident_char(s[n])) n++;
    if (n == 0 || n >= cap) return false;
    memcpy(pre, s, n);
    pre[n] = 0;
    *p = s + n;
    return true;
}

/* ^\s*[v=]*\s*(\d+)\.(\d+)\.(\d+)(?:-(pre))?(?:\+build)?\s*$ */
bool mf_semver_parse(const char *s, MfSemver *out) {
    MfSemver v = {0};
    if (!s) return false;
    while (is_ws(*s)) s++;
    while (*s == 'v' || *s == '=') s++;
    while (is_ws(*s)) s++;
    for (int i = 0; i < 3; i++) {
        if (i && *s++ != '.') return false;
        if (!read_num(&s, &v.num[i])) return false;
    }
    if (*s == '-') {
        s++;
        if (!read_ident(&s, v.pre, sizeof v.pre)) return false;
    }
    if (*s == '+') {
        s++;
        if (!is_ident_char(*s)) return false;
        while (is_ident_char(*s)) s++;
    }
    while (is_ws(*s)) s++;
    if (*s) return false;
    *out = v;
    return true;
}

static bool all_digits(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

/* Orders two prerelease identifiers as semverCmpParsed does: numeric ones
 * (compared as numbers) before alphanumeric ones (compared as strings). */
static int cmp_ident(const char *x, size_t xn, const char *y, size_t yn) {
    bool nx = all_digits(x, xn), ny = all_digits(y, yn);
    if (nx != ny) return nx ? -1 : 1;
    if (nx) {
        /* Numbers: skip leading zeros (JS `+"007"` is 7), then longer wins. */
        while (xn > 1 && *x == '0') x++, xn--;
        while (yn > 1 && *y == '0') y++, yn--;
        if (xn != yn) return xn < yn ? -1 : 1;
    }
    size_t n = xn < yn ? xn : yn;
    int c = memcmp(x, y, n);
    if (c) return c < 0 ? -1 : 1;
    return xn == yn ? 0 : xn < yn ? -1 : 1;
}

int mf_semver_cmp(const MfSemver *a, const MfSemver *b) {
    for (int i = 0; i < 3; i++)
        if (a->num[i] != b->num[i]) return a->num[i] < b->num[i] ? -1 : 1;
    bool ha = a->pre[0], hb = b->pre[0];
    /* A release sorts after all its prereleases. */
    if (!ha || !hb) return ha == hb ? 0 : ha ? -1 : 1;
    const char *x = a->pre, *y = b->pre;
    for (;;) {
        size_t xn = strcspn(x, "."), yn = strcspn(y, ".");
        int c = cmp_ident(x, xn, y, yn);
        if (c) return c;
        x += xn, y += yn;
        if (!*x || !*y) return !*x && !*y ? 0 : !*x ? -1 : 1;
        x++, y++;
    }
}

int mf_semver_compare(const char *a, const char *b) {
    MfSemver pa, pb;
    bool oa = mf_semver_parse(a, &pa), ob = mf_semver_parse(b, &pb);
    if (!oa || !ob) return oa ? 1 : ob ? -1 : 0;
    return mf_semver_cmp(&pa, &pb);
}

/* ---- ranges ------------------------------------------------------------- */

typedef enum { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE } Op;

typedef struct Comp {
    Op op;
    MfSemver v;
} Comp;

typedef MF_VEC(Comp) CompSet;

/* A partial version: n leading numeric parts were given (0-3). */
typedef struct Partial {
    int n;
    MfSemver v;
} Partial;

/* ^[v=]*(\d+|[xX*])(?:\.(\d+|[xX*])){0,2}(?:-(pre))?(?:\+build)?$ */
static bool parse_partial(const char *s, Partial *out) {
    Partial p = {0};
    while (*s == 'v' || *s == '=') s++;
    bool numeric = true;
    for (int i = 0; i < 3; i++) {
        if (i) {
            if (*s != '.') break;
            s++;
        }
        uint64_t x;
        if (*s == 'x' || *s == 'X' || *s == '*') {
            s++;
            numeric = false;
        } else if (read_num(&s, &x)) {
            if (numeric) p.v.num[p.n++] = x;
        } else {
            return false;
        }
    }
    char pre[sizeof p.v.pre] = "";
    if (*s == '-') {
        s++;
        if (!read_ident(&s, pre, sizeof pre)) return false;
    }
    if (*s == '+') {
        s++;
        if (!is_ident_char(*s)) return false;
        while (is_ident_char(*s)) s++;
    }
    if (*s) return false;
    /* A prerelease counts only on a full version ("1.2-beta" is 1.2.x). */
    if (p.n == 3) memcpy(p.v.pre, pre, sizeof pre);
    *out = p;
    return true;
}

static MfSemver ver(uint64_t a, uint64_t b, uint64_t c, const char *pre) {
    MfSemver v = {.num = {a, b, c}};
    if (pre) snprintf(v.pre, sizeof v.pre, "%s", pre);
    return v;
}

static void push(CompSet *set, Op op, MfSemver v) {
    Comp c = {op, v};
    MF_VEC_PUSH(set, c);
}

/* lo: >= a.b.c(-pre); hi: < a.b.c-0 (below every prerelease of a.b.c). */
#define LO(a, b, c, pre) push(set, OP_GE, ver(a, b, c, pre))
#define HI(a, b, c) push(set, OP_LT, ver(a, b, c, "0"))

/* semverComparators: appends what `op` applied to the partial p means.
 * op is "", "=", "^", "~", ">", ">=", "<", "<=". */
static bool comparators(const char *op, const Partial *p, CompSet *set) {
    const MfSemver *v = &p->v;
    uint64_t M = v->num[0], m = v->num[1], pa = v->num[2];
    int n = p->n;
    if (n == 0) {
        if (strcmp(op, "<") == 0 || strcmp(op, ">") == 0) push(set, OP_LT, ver(0, 0, 0, "0"));
        return true;
    }
    if (strcmp(op, "^") == 0) {
        if (n == 1) LO(M, 0, 0, NULL), HI(M + 1, 0, 0);
        else if (n == 2) {
            LO(M, m, 0, NULL);
            if (M > 0) HI(M + 1, 0, 0);
            else HI(0, m + 1, 0);
        } else {
            LO(M, m, pa, v->pre);
            if (M > 0) HI(M + 1, 0, 0);
            else if (m > 0) HI(0, m + 1, 0);
            else HI(0, 0, pa + 1);
        }
    } else if (strcmp(op, "~") == 0) {
        if (n == 1) LO(M, 0, 0, NULL), HI(M + 1, 0, 0);
        else LO(M, m, n == 3 ? pa : 0, v->pre), HI(M, m + 1, 0);
    } else if (strcmp(op, "") == 0 || strcmp(op, "=") == 0) {
        if (n == 3) push(set, OP_EQ, *v);
        else if (n == 1) LO(M, 0, 0, NULL), HI(M + 1, 0, 0);
        else LO(M, m, 0, NULL), HI(M, m + 1, 0);
    } else if (strcmp(op, ">") == 0) {
        if (n == 3) push(set, OP_GT, *v);
        else if (n == 1) LO(M + 1, 0, 0, NULL);
        else LO(M, m + 1, 0, NULL);
    } else if (strcmp(op, ">=") == 0) {
        LO(M, m, pa, v->pre);
    } else if (strcmp(op, "<") == 0) {
        push(set, OP_LT, n == 3 ? *v : ver(M, m, pa, "0"));
    } else if (strcmp(op, "<=") == 0) {
        if (n == 3) push(set, OP_LE, *v);
        else if (n == 1) HI(M + 1, 0, 0);
        else HI(M, m + 1, 0);
    } else {
        return false;
    }
    return true;
}
#undef LO
#undef HI

static const char *const ops[] = {"<=", ">=", "<", ">", "=", "^", "~>", "~"};

/* Splits s[0..n) on whitespace into *tokens (pointers into a private copy,
 * the first of which is *copy: caller frees it). */
static int split_ws(const char *s, size_t n, char **copy, char ***tokens) {
    char *c = mf_xstrndup(s, n);
    int cap = 8, len = 0;
    char **t = mf_xmalloc(sizeof(char *) * (size_t)cap);
    for (char *p = c; *p;) {
        while (is_ws(*p)) *p++ = 0;
        if (!*p) break;
        if (len == cap) t = mf_xrealloc(t, sizeof(char *) * (size_t)(cap *= 2));
        t[len++] = p;
        while (*p && !is_ws(*p)) p++;
    }
    *copy = c;
    *tokens = t;
    return len;
}

/* One `||` alternative (already trimmed) -> its comparators. */
static bool parse_set(const char *s, size_t n, CompSet *set) {
    char *copy, **tok;
    int nt = split_ws(s, n, &copy, &tok);
    bool ok = true;
    if (nt == 3 && strcmp(tok[1], "-") == 0) {
        /* Hyphen range: "1.2.3 - 2.3" includes all of 2.3.x, "- 2.3.4" 2.3.4. */
        Partial a, b;
        ok = parse_partial(tok[0], &a) && parse_partial(tok[2], &b);
        if (ok) {
            comparators(">=", &a, set);
            if (b.n == 3) push(set, OP_LE, b.v);
            else comparators("<=", &b, set);
        }
        free(tok), free(copy);
        return ok;
    }
    free(tok), free(copy);

    /* Operators may be followed by spaces (">= 1.0.0"): glue them to what
     * follows, as the JS does with replace(/(op)\s+/g, '$1'). */
    MfBuf glued = {0};
    for (size_t i = 0; i < n;) {
        bool hit = false;
        for (size_t k = 0; k < sizeof ops / sizeof *ops && !hit; k++) {
            size_t l = strlen(ops[k]);
            if (i + l < n && strncmp(s + i, ops[k], l) == 0 && is_ws(s[i + l])) {
                mf_buf_append(&glued, s + i, l);
                i += l;
                while (i < n && is_ws(s[i])) i++;
                hit = true;
            }
        }
        if (!hit) mf_buf_putc(&glued, s[i++]);
    }
    nt = split_ws(glued.data ? glued.data : "", glued.len, &copy, &tok);
    mf_buf_free(&glued);
    for (int k = 0; k < nt && ok; k++) {
        const char *t = tok[k], *op = "";
        char opbuf[3] = "";
        for (size_t o = 0; o < sizeof ops / sizeof *ops; o++) {
            size_t l = strlen(ops[o]);
            if (strncmp(t, ops[o], l) == 0) {
                memcpy(opbuf, ops[o], l);
                opbuf[l] = 0;
                t += l;
                break;
            }
        }
        op = strcmp(opbuf, "~>") == 0 ? "~" : opbuf;
        Partial p;
        ok = parse_partial(t, &p) && comparators(op, &p, set);
    }
    free(tok), free(copy);
    return ok;
}

typedef MF_VEC(CompSet) Range;

static void range_free(Range *r) {
    for (uint32_t i = 0; i < r->len; i++) free(r->items[i].items);
    free(r->items);
}

static bool parse_range(const char *range, Range *out) {
    *out = (Range){0};
    const char *s = range;
    for (;;) {
        const char *bar = strstr(s, "||");
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        const char *b = s, *e = s + n;
        while (b < e && is_ws(*b)) b++;
        while (e > b && is_ws(e[-1])) e--;
        CompSet set = {0};
        if (!parse_set(b, (size_t)(e - b), &set)) {
            free(set.items);
            range_free(out);
            return false;
        }
        MF_VEC_PUSH(out, set);
        if (!bar) return true;
        s = bar + 2;
    }
}

bool mf_semver_range_valid(const char *range) {
    Range r;
    if (!range || !parse_range(range, &r)) return false;
    range_free(&r);
    return true;
}

void mf_semver_range_json(const char *range, MfBuf *out) {
    static const char *const op_text[] = {[OP_EQ] = "", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">="};
    Range r;
    mf_buf_putc(out, '[');
    if (range && parse_range(range, &r)) {
        for (uint32_t i = 0; i < r.len; i++) {
            const CompSet *set = &r.items[i];
            mf_buf_puts(out, i ? ",[" : "[");
            for (uint32_t j = 0; j < set->len; j++) {
                const Comp *c = &set->items[j];
                char text[sizeof c->v.pre + 80];
                snprintf(text, sizeof text, "%s%llu.%llu.%llu%s%s", op_text[c->op], (unsigned long long)c->v.num[0],
                         (unsigned long long)c->v.num[1], (unsigned long long)c->v.num[2], c->v.pre[0] ? "-" : "",
                         c->v.pre);
                if (j) mf_buf_putc(out, ',');
                mf_buf_json_string(out, text);
            }
            mf_buf_putc(out, ']');
        }
        range_free(&r);
    }
    mf_buf_putc(out, ']');
}

static bool test_op(Op op, const MfSemver *v, const MfSemver *c) {
    int r = mf_semver_cmp(v, c);
    switch (op) {
    case OP_EQ: return r == 0;
    case OP_LT: return r < 0;
    case OP_LE: return r <= 0;
    case OP_GT: return r > 0;
    case OP_GE: return r >= 0;
    }
    return false;
}

bool mf_semver_satisfies(const char *version, const char *range) {
    MfSemver v;
    Range r;
    if (!mf_semver_parse(version, &v) || !range || !parse_range(range, &r)) return false;
    bool found = false;
    for (uint32_t i = 0; i < r.len && !found; i++) {
        const CompSet *set = &r.items[i];
        bool ok = true;
        for (uint32_t j = 0; j < set->len && ok; j++) ok = test_op(set->items[j].op, &v, &set->items[j].v);
        if (!ok) continue;
        if (!v.pre[0]) {
            found = true;
            break;
        }
        /* A prerelease only matches a comparator naming a prerelease of the
         * same major.minor.patch (the "< x.y.z-0" bounds do not count). */
        for (uint32_t k = 0; k < set->len && !found; k++) {
            const Comp *c = &set->items[k];
            if (c->v.pre[0] && !(strcmp(c->v.pre, "0") == 0 && c->op == OP_LT) && c->v.num[0] == v.num[0] &&
                c->v.num[1] == v.num[1] && c->v.num[2] == v.num[2])
                found = true;
        }
    }
    range_free(&r);
    return found;
}
