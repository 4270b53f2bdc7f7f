/*
 * transform_module.c — ES module syntax to the registry's function form.
 *
 * Every module becomes the body of `function (module, exports, require,
 * __mf)` (docs/output-format.md).  This pass writes the edits that get it
 * there: a one-line header (`__mf.d(this, {getters})`, one
 * `var __mf$n = __mf.i(<record n>)` per static import or re-export),
 * import statements deleted and every reference to an imported binding
 * rewritten to a property of its namespace variable, `export` keywords and
 * lists turned into getters, `require("s")` / `import("s")` / `import.meta`
 * pointed at the runtime, `define` keys replaced by their values, and, in
 * TypeScript, imports used only as types dropped with their records.  An ES
 * module that declares `module`, `exports` or `require` at its top level
 * goes in a block (the header names the exports object `this`), and a
 * replacement starting with "(" or "[" at the start of a statement gets a
 * ";" when the statement before could continue into it.
 *
 * References are found by scope analysis, in one iterative walk of the tree
 * (parse.c's flattened tree and a per-depth context stack: deep nesting cannot
 * overflow the C stack).  Only a handful of names matter — the module's
 * import bindings and the roots of `define` keys — so the walk records just
 * their declarations (per scope) and references (with the innermost scope);
 * they are resolved once the whole tree is seen, which is what makes `var`
 * and function hoisting free.  Resolution follows a chain of "scopes that
 * declare something interesting", so its cost is the number of interesting
 * declarations on the way up, not the nesting depth.
 *
 * Edits that name records (placeholders, `__mf$n`) are generated only after
 * TypeScript's import elision has removed records, so every index is final.
 */
#include "syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
/* Export patterns are walked recursively; parse.c gives up at the same depth. */
#define MAX_PATTERN_DEPTH 200

typedef struct Str {
    const char *s;
    uint32_t len;
} Str;

/* A name the walk cares about: an import binding, an identifier `define`
 * key, or the first segment of a member-chain key ("process"). */
typedef struct Name {
    Str text;
    uint32_t binding; /* import binding, NONE */
    uint32_t define;  /* index of an identifier define key, NONE */
} Name;

typedef enum { B_DEFAULT, B_NAMED, B_NAMESPACE, B_REQUIRE } BindingKind;

typedef struct Binding {
    uint32_t name, stmt;
    BindingKind kind;
    Str imported;     /* B_NAMED: identifier or string literal (quotes kept) */
    bool imported_is_string;
    uint32_t uses;    /* value references, for TypeScript elision */
    const char *expr; /* generated expression (module arena), made on demand */
} Binding;

typedef struct ImportStmt {
    uint32_t start, end;
    uint32_t record;      /* original record index, NONE for type-only */
    uint32_t first, count; /* its bindings */
    uint32_t ident_start; /* `import X = require("s")`: where X starts */
    bool require_alias;
    bool semi;            /* deleting it needs a ";" (see delete_statement) */
    bool elided;
} ImportStmt;

typedef enum { G_LOCAL, G_BINDING, G_RECORD } GetterKind;

/* One `name: () => target` of the header's __mf.d(). */
typedef struct Getter {
    Str name;        /* identifier, or a string literal with its quotes */
    GetterKind kind;
    Str local;       /* G_LOCAL */
    uint32_t binding;/* G_BINDING */
    uint32_t record; /* G_RECORD: original index */
    Str imported;    /* G_RECORD: "" for the namespace itself */
    bool from_clause;/* `export { x }`: x may turn out to be an import */
} Getter;

/* A member-chain define key ("process.env.NODE_ENV"). */
typedef struct Define {
    Str key;
    const char *value; /* as it is inserted: parenthesized unless simple */
    uint32_t root;     /* Name of the first segment; NONE for import.meta.* */
} Define;

typedef struct Scope {
    uint32_t parent; /* NONE for the module scope (scope 0) */
    uint32_t decls;  /* head of its Decl list, NONE */
} Scope;

typedef struct Decl {
    uint32_t name, next;
} Decl;

enum {
    REF_CALL = 1,      /* callee: `(0, ns.x)(...)` keeps `this` undefined */
    REF_SHORTHAND = 2, /* `{ x }` */
    REF_WRITE = 4,     /* assignment target */
    REF_DEFINE = 8,    /* a whole define key; `aux` is the Define */
    REF_LEAD = 16,     /* first token of a statement that needs a ";" (stmt_start) */
};

enum { RES_LOCAL, RES_MODULE, RES_IMPORT, RES_GLOBAL };

typedef struct Ref {
    uint32_t start, end, name, scope, aux;
    uint8_t flags, res;
} Ref;

typedef enum { A_DYNAMIC, A_REJECT, A_META_URL, A_META, A_THIS, A_DEFINE, A_META_HOT, A_HOT_DEP } ActionKind;

/* An edit the walk found that does not depend on name resolution. */
typedef struct Action {
    uint32_t start, end, aux; /* aux: record (A_DYNAMIC, A_HOT_DEP) or define (A_DEFINE) */
    ActionKind kind;
    bool lead;                /* as REF_LEAD */
} Action;

/* What the identifiers among a node's children are. */
enum {
    R_EXPR,    /* read */
    R_CALLEE,  /* read, the function of a call */
    R_BIND,    /* declared, in Level.bind_scope */
    R_ASSIGN,  /* written */
    R_JSXNAME, /* a JSX tag name: a read unless it is an intrinsic (`div`) */
    R_SKIP,    /* not code: names of export lists, types */
};

_Static_assert(NK_ERROR <= UINT8_MAX, "Level.pkind holds a NodeKind in a byte");

/* Context of the children of one node, indexed by tree depth. */
typedef struct Level {
    uint32_t scope;      /* innermost scope */
    uint32_t fscope;     /* where `var` goes */
    uint32_t bind_scope; /* where R_BIND identifiers go */
    uint32_t special;    /* start of the one child with its own role (import
                          * alias name, operand of `as`), NONE */
    uint32_t stmt_start; /* start of the innermost expression statement that
                          * the statement before it could continue: a
                          * replacement starting there with "(" or "[" needs
                          * a ";" first; NONE */
    TSNode prev;         /* the last child seen (comments and types skipped) */
    uint8_t pkind;       /* NodeKind of the node these are the children of */
    uint8_t role;        /* default role of the children */
    bool in_function;    /* `this` is not the module's */
} Level;

struct MfBindings {
    MfTransform *t;
    MfModule *m;
    const LangTable *L;
    const char *src;
    bool esm;
    /* names: hash table of indices + 1 into `names`, with a cheap pre-filter
     * on first byte and length (most identifiers are rejected by it) */
    MF_VEC(Name) names;
    uint32_t *table, table_cap;
    uint64_t first_bytes[4], lengths;
    MF_VEC(Binding) bindings;
    MF_VEC(ImportStmt) stmts;
    MF_VEC(Getter) getters;
    MF_VEC(uint32_t) stars;     /* `export * from` records (original indices) */
    MF_VEC(Define) defines;
    uint64_t define_lengths;    /* bit n: a member-chain key of n bytes */
    uint32_t *sorted;           /* explicit records by start offset */
    uint32_t nsorted;
    uint32_t *remap;            /* original record -> final index or NONE */
    uint32_t header_edit, header_at;
    bool prev_safe;             /* top-level: the last kept statement is closed */
    bool rename_default;        /* function __mf$default: its name is "default" */
    bool header_semi;           /* the header follows a directive without ";" */
    bool wrap;                  /* the ES module declares module/exports/require */
    uint32_t cjs_names[3];      /* Names of module, exports, require (ES modules) */
    uint32_t mf_name;           /* Name of __mf */
    /* the walk */
    const MfFlatNode *at;       /* the node visited, in t->flat */
    MF_VEC(Level) levels;
    MF_VEC(Scope) scopes;
    MF_VEC(Decl) decls;
    MF_VEC(Ref) refs;
    MF_VEC(Action) actions;
};
typedef struct MfBindings W;

static inline uint32_t nstart(TSNode n) { return ts_node_start_byte(n); }
static inline uint32_t nend(TSNode n) { return ts_node_end_byte(n); }
static inline NodeKind kind_of(const W *w, TSNode n) { return mf_kind_of(w->L, n); }
static inline TSNode field(const W *w, TSNode n, int f) { return mf_field(w->L, n, f); }
static inline Str node_str(const W *w, TSNode n) {
    return (Str){w->src + nstart(n), nend(n) - nstart(n)};
}
static inline bool field_is(W *w, int f) {
    TSFieldId id = w->at->field;
    return id && id == w->L->field[f];
}


static bool is_ident_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c >= 0x80;
}

/* An IdentifierName (what may follow a dot). */
static bool is_identifier_name(const char *s, size_t len) {
    if (len == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
    for (size_t i = 0; i < len; i++)
        if (!is_ident_byte((unsigned char)s[i])) return false;
    return true;
}

/* ---- interesting names ---------------------------------------------------- */

static uint32_t hash_bytes(const char *s, uint32_t len) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void table_put(W *w, uint32_t id) {
    Str t = w->names.items[id].text;
    uint32_t i = hash_bytes(t.s, t.len) & (w->table_cap - 1);
    while (w->table[i]) i = (i + 1) & (w->table_cap - 1);
    w->table[i] = id + 1;
}

static uint32_t name_find(const W *w, const char *s, uint32_t len) {
    unsigned char c = (unsigned char)s[0];
    if (!w->table || !(w->first_bytes[c >> 6] >> (c & 63) & 1) || !(w->lengths >> (len & 63) & 1))
        return NONE;
    uint32_t i = hash_bytes(s, len) & (w->table_cap - 1);
    for (uint32_t slot; (slot = w->table[i]); i = (i + 1) & (w->table_cap - 1)) {
        Str t = w->names.items[slot - 1].text;
        if (t.len == len && memcmp(t.s, s, len) == 0) return slot - 1;
    }
    return NONE;
}

/* The Name for `s` (not copied: source or config text), made if new. */
static uint32_t name_intern(W *w, const char *s, uint32_t len) {
    uint32_t id = name_find(w, s, len);
    if (id != NONE) return id;
    id = w->names.len;
    MF_VEC_PUSH(&w->names, ((Name){{s, len}, NONE, NONE}));
    unsigned char c = (unsigned char)s[0];
    w->first_bytes[c >> 6] |= 1ull << (c & 63);
    w->lengths |= 1ull << (len & 63);
    if (2 * w->names.len > w->table_cap) { /* rebuild at half load */
        free(w->table);
        w->table_cap = w->table_cap ? w->table_cap * 2 : 16;
        w->table = mf_xcalloc(w->table_cap, sizeof *w->table);
        for (uint32_t i = 0; i < w->names.len; i++) table_put(w, i);
    } else {
        table_put(w, id);
    }
    return id;
}

/* ---- define ------------------------------------------------------------------ */

/* A value needs no parentheses when it is one token that cannot change the
 * meaning of what surrounds it: a string, or an identifier or keyword chain
 * (`true`, `undefined`, `window.x`).  Numbers are wrapped: `1.toFixed()`. */
static bool simple_value(const char *v) {
    size_t len = strlen(v);
    if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
        for (size_t i = 1; i + 1 < len; i++) {
            if (v[i] == '\\') i++;
            else if (v[i] == v[0]) return false;
        }
        return true;
    }
    if (len == 0 || !is_ident_byte((unsigned char)v[0]) || (v[0] >= '0' && v[0] <= '9')) return false;
    for (size_t i = 0; i < len; i++)
        if (!is_ident_byte((unsigned char)v[i]) && v[i] != '.') return false;
    return v[len - 1] != '.';
}

/* Keys are identifiers or chains of them ("import.meta.env.X" included);
 * anything else cannot match an expression's text and is ignored, as are
 * chains of 64 bytes or more (the pre-filter's limit). */
static void setup_defines(W *w) {
    const MfConfig *cfg = w->t->cfg;
    for (uint32_t i = 0; i < cfg->define.len; i++) {
        const MfStrPair *d = &cfg->define.items[i];
        if (!d->key || !d->value || !*d->key) continue;
        size_t len = strlen(d->key), root_len = strcspn(d->key, ".");
        bool ok = len < 4096;
        for (size_t a = 0; a <= len && ok;) {
            size_t b = a + strcspn(d->key + a, ".");
            ok = is_identifier_name(d->key + a, b - a);
            a = b + 1;
        }
        if (!ok || (root_len < len && len >= 64)) continue;
        const char *value = simple_value(d->value)
                                ? d->value
                                : mf_arena_printf(w->m->arena, "(%s)", d->value);
        Define def = {{d->key, (uint32_t)len}, value, NONE};
        uint32_t root = name_intern(w, d->key, (uint32_t)root_len);
        if (root_len == len) { /* __DEV__: an identifier */
            if (w->names.items[root].define == NONE) w->names.items[root].define = w->defines.len;
        } else {
            /* import.meta.* has no binding to look up: always replaced */
            if (!(root_len == 6 && memcmp(d->key, "import.meta.", 12) == 0)) def.root = root;
            w->define_lengths |= 1ull << len;
        }
        MF_VEC_PUSH(&w->defines, def);
    }
}

/* ---- records ----------------------------------------------------------------- */

static int cmp_record_start(const void *a, const void *b, void *arg) {
    const MfImportRecord *r = arg;
    uint32_t x = r[*(const uint32_t *)a].start, y = r[*(const uint32_t *)b].start;
    return x < y ? -1 : x > y;
}

static void sort_records(W *w) {
    MfModule *m = w->m;
    w->sorted = mf_xmalloc(((size_t)m->imports.len + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < m->imports.len; i++)
        if (!m->imports.items[i].implicit) w->sorted[w->nsorted++] = i;
    qsort_r(w->sorted, w->nsorted, sizeof(uint32_t), cmp_record_start, m->imports.items);
}

/* The record whose literal starts at `start`, of kind `kind`; NONE. */
static uint32_t find_record(const W *w, uint32_t start, MfImportKind kind) {
    const MfImportRecord *r = w->m->imports.items;
    uint32_t lo = 0, hi = w->nsorted;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (r[w->sorted[mid]].start < start) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < w->nsorted && r[w->sorted[lo]].start == start; lo++)
        if (r[w->sorted[lo]].kind == kind) return w->sorted[lo];
    return NONE;
}

/* ---- top level: import and export statements -------------------------------- */

static void edit_text(W *w, uint32_t a, uint32_t b, const char *text) {
    mf_edit_replace(w->m, a, b, text);
}

/* Deletes a statement.  Its newlines stay (line numbers of the code below
 * it do not move), and when the statement before it relied on this one to
 * end it (`let a = b` + newline + `import ...` + `(f)()`), a ";" keeps the
 * next one from continuing it. */
static void delete_statement(W *w, uint32_t a, uint32_t b, bool semi) {
    uint32_t lines = 0;
    for (uint32_t i = a; i < b; i++) lines += w->src[i] == '\n';
    if (!semi && lines == 0) {
        edit_text(w, a, b, NULL);
        return;
    }
    char *text = mf_arena_alloc(w->m->arena, lines + 2);
    size_t o = 0;
    if (semi) text[o++] = ';';
    memset(text + o, '\n', lines);
    edit_text(w, a, b, text);
}

static bool is_function_kind(NodeKind k) {
    return k == NK_FUNCTION_EXPRESSION || k == NK_GENERATOR_FUNCTION ||
           k == NK_FUNCTION_DECLARATION || k == NK_GENERATOR_DECLARATION;
}

static bool is_class_kind(NodeKind k) {
    return k == NK_CLASS || k == NK_CLASS_DECLARATION || k == NK_ABSTRACT_CLASS_DECLARATION;
}

/* The last child of `n` that is neither a comment nor a type; null if none. */
static TSNode last_child(W *w, TSNode n) {
    for (uint32_t i = ts_node_child_count(n); i-- > 0;) {
        TSNode c = ts_node_child(n, i);
        if (!ts_node_is_extra(c) && kind_of(w, c) != NK_TYPE) return c;
    }
    return (TSNode){0};
}

/* Whether a kept statement leaves the next one free to start with `(` or
 * `[`: it ends with ";", or with the "}" of a block that no expression can
 * continue (a declaration, a block statement; for `if`, loops and labels,
 * whatever their last statement ends with: `if (a) x = {}` is open).  False
 * when unsure: the caller then writes a ";", which costs nothing. */
static bool statement_closed(W *w, TSNode n) {
    for (int depth = 0; depth < MAX_PATTERN_DEPTH && !ts_node_is_null(n); depth++) {
        char last = w->src[nend(n) - 1];
        if (last == ';') return true;
        if (last != '}') return false;
        NodeKind k = kind_of(w, n);
        if (k == NK_EXPORT_STATEMENT) {
            /* export default function () {} stays a declaration; an
             * anonymous class gets a ";" (export_default) */
            TSNode d = field(w, n, F_DECLARATION);
            if (ts_node_is_null(d)) d = field(w, n, F_VALUE);
            if (ts_node_is_null(d)) return false;
            k = kind_of(w, d);
            return is_function_kind(k) || is_class_kind(k) || k == NK_ENUM_DECLARATION ||
                   k == NK_INTERNAL_MODULE;
        }
        if (k == NK_EXPRESSION_STATEMENT || k == NK_LEXICAL_DECLARATION ||
            k == NK_VARIABLE_DECLARATION || k == NK_TYPE)
            return false;
        const char *type = ts_node_type(n);
        if (k == NK_IF_STATEMENT || k == NK_FOR_STATEMENT || k == NK_FOR_IN_STATEMENT ||
            strcmp(type, "else_clause") == 0 || strcmp(type, "while_statement") == 0 ||
            strcmp(type, "with_statement") == 0 || strcmp(type, "labeled_statement") == 0) {
            n = last_child(w, n); /* the body */
            continue;
        }
        return true; /* blocks, declarations, try, switch */
    }
    return false;
}

static bool has_type_modifier(const W *w, TSNode spec) {
    return mf_has_token(w->L, spec, NK_KW_TYPE);
}

static void add_binding(W *w, TSNode local, BindingKind kind, TSNode imported) {
    Binding b = {.name = name_intern(w, w->src + nstart(local), nend(local) - nstart(local)),
                 .stmt = w->stmts.len, .kind = kind};
    if (kind == B_NAMED) {
        b.imported = node_str(w, imported);
        b.imported_is_string = kind_of(w, imported) == NK_STRING;
    }
    Name *nm = &w->names.items[b.name];
    if (nm->binding != NONE) return; /* a duplicate import: a syntax error in JS */
    nm->binding = w->bindings.len;
    MF_VEC_PUSH(&w->bindings, b);
}

static void top_import(W *w, TSNode n) {
    ImportStmt st = {.start = nstart(n), .end = nend(n), .record = NONE,
                     .first = w->bindings.len, .semi = !w->prev_safe};
    TSNode clause = {0}, req = {0};
    bool type_only = false;
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        switch (kind_of(w, c)) {
        case NK_KW_TYPE: type_only |= !ts_node_is_named(c); break;
        case NK_IMPORT_CLAUSE: clause = c; break;
        case NK_IMPORT_REQUIRE_CLAUSE: req = c; break;
        default: break;
        }
    }
    if (!type_only && !ts_node_is_null(req)) {
        /* TypeScript `import X = require("s")`: CommonJS, kept as a var. */
        TSNode id = mf_first_named(req), src = field(w, req, F_SOURCE);
        if (!ts_node_is_null(id) && kind_of(w, id) == NK_IDENTIFIER && !ts_node_is_null(src))
            st.record = find_record(w, nstart(src), MF_IMPORT_REQUIRE);
        if (st.record != NONE) {
            st.require_alias = true;
            st.ident_start = nstart(id);
            add_binding(w, id, B_REQUIRE, (TSNode){0});
        }
    } else if (!type_only) {
        TSNode src = field(w, n, F_SOURCE);
        if (!ts_node_is_null(src)) st.record = find_record(w, nstart(src), MF_IMPORT_STATIC);
    }
    if (st.record != NONE && !ts_node_is_null(clause)) {
        uint32_t nc = ts_node_named_child_count(clause);
        for (uint32_t i = 0; i < nc; i++) {
            TSNode c = ts_node_named_child(clause, i);
            switch (kind_of(w, c)) {
            case NK_IDENTIFIER: add_binding(w, c, B_DEFAULT, (TSNode){0}); break;
            case NK_NAMESPACE_IMPORT: {
                TSNode id = mf_first_named(c);
                if (!ts_node_is_null(id)) add_binding(w, id, B_NAMESPACE, (TSNode){0});
                break;
            }
            case NK_NAMED_IMPORTS: {
                uint32_t ns = ts_node_named_child_count(c);
                for (uint32_t j = 0; j < ns; j++) {
                    TSNode s = ts_node_named_child(c, j);
                    if (kind_of(w, s) != NK_IMPORT_SPECIFIER || has_type_modifier(w, s)) continue;
                    TSNode name = field(w, s, F_NAME), alias = field(w, s, F_ALIAS);
                    if (ts_node_is_null(name)) continue;
                    add_binding(w, ts_node_is_null(alias) ? name : alias, B_NAMED, name);
                }
                break;
            }
            default: break;
            }
        }
    }
    st.count = w->bindings.len - st.first;
    MF_VEC_PUSH(&w->stmts, st);
    if (st.semi && !st.require_alias) w->prev_safe = true; /* it becomes ";" */
    else if (st.require_alias) w->prev_safe = w->prev_safe && w->src[st.end - 1] == ';';
    if (!st.require_alias) delete_statement(w, st.start, st.end, st.semi);
}

static void add_getter(W *w, Getter g) {
    MF_VEC_PUSH(&w->getters, g);
}

static Str lit(const char *s) { return (Str){s, (uint32_t)strlen(s)}; }

/* Getters for the names a declaration pattern binds (`export const {a, b: [c]}`). */
static void getters_from_pattern(W *w, TSNode p, int depth) {
    if (ts_node_is_null(p) || depth > MAX_PATTERN_DEPTH) return;
    switch (kind_of(w, p)) {
    case NK_IDENTIFIER:
    case NK_SHORTHAND_PATTERN: {
        Str s = node_str(w, p);
        add_getter(w, (Getter){.name = s, .kind = G_LOCAL, .local = s});
        break;
    }
    case NK_OBJECT_PATTERN:
    case NK_ARRAY_PATTERN:
    case NK_REST_PATTERN: {
        uint32_t count = ts_node_named_child_count(p);
        for (uint32_t i = 0; i < count; i++) getters_from_pattern(w, ts_node_named_child(p, i), depth + 1);
        break;
    }
    case NK_PAIR_PATTERN: getters_from_pattern(w, field(w, p, F_VALUE), depth + 1); break;
    case NK_OBJECT_ASSIGNMENT_PATTERN:
    case NK_ASSIGNMENT_PATTERN: getters_from_pattern(w, field(w, p, F_LEFT), depth + 1); break;
    default: break;
    }
}

/* Getters for `export <declaration>`. */
static void getters_from_declaration(W *w, TSNode decl) {
    TSNode name = {0};
    switch (kind_of(w, decl)) {
    case NK_LEXICAL_DECLARATION:
    case NK_VARIABLE_DECLARATION: {
        uint32_t count = ts_node_named_child_count(decl);
        for (uint32_t i = 0; i < count; i++) {
            TSNode d = ts_node_named_child(decl, i);
            if (kind_of(w, d) == NK_VARIABLE_DECLARATOR) getters_from_pattern(w, field(w, d, F_NAME), 0);
        }
        return;
    }
    case NK_INTERNAL_MODULE:
    case NK_MODULE: /* namespace A.B {} exports A */
        name = field(w, decl, F_NAME);
        while (!ts_node_is_null(name) && kind_of(w, name) == NK_NESTED_IDENTIFIER)
            name = field(w, name, F_OBJECT);
        break;
    case NK_IMPORT_ALIAS: name = mf_first_named(decl); break; /* export import A = N.B */
    default: name = field(w, decl, F_NAME); break;
    }
    if (ts_node_is_null(name)) return;
    NodeKind k = kind_of(w, name);
    if (k != NK_IDENTIFIER && k != NK_TYPE_IDENTIFIER) return;
    Str s = node_str(w, name);
    add_getter(w, (Getter){.name = s, .kind = G_LOCAL, .local = s});
}

/* The end of the `function` keyword (or of `*`) of an anonymous default
 * export, where its generated name goes. */
static uint32_t anonymous_name_at(W *w, TSNode value) {
    uint32_t at = NONE, count = ts_node_child_count(value);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(value, i);
        if (ts_node_is_named(c) && kind_of(w, c) != NK_TYPE) break; /* parameters */
        NodeKind k = kind_of(w, c);
        if (k == NK_KW_FUNCTION || (k == NK_TOK_STAR && at != NONE)) at = nend(c);
    }
    return at;
}

/* An anonymous function, arrow or class, parentheses allowed: what the
 * spec names "default" when it is exported as default. */
static bool anonymous_function_definition(W *w, TSNode n) {
    for (int depth = 0; !ts_node_is_null(n) && depth < MAX_PATTERN_DEPTH; depth++) {
        NodeKind k = kind_of(w, n);
        if (k == NK_PARENTHESIZED) {
            n = mf_first_named(n);
            continue;
        }
        if (k == NK_ARROW_FUNCTION) return true;
        return (is_function_kind(k) || is_class_kind(k)) && ts_node_is_null(field(w, n, F_NAME));
    }
    return false;
}

/* A default export keeps what the spec gives it: a named function or class
 * stays a declaration; an anonymous function stays one too (hoisted, as the
 * export is, so a cycle can call it early), named __mf$default, and the
 * header renames it "default"; any other expression becomes
 * `var __mf$default = <expr>`, and an anonymous function, arrow or class
 * there is defined as a property `default` so that its name is "default". */
static void export_default(W *w, uint32_t at, TSNode value, bool closed) {
    NodeKind k = kind_of(w, value);
    Getter g = {.name = lit("default"), .kind = G_LOCAL, .local = lit("__mf$default")};
    if (is_function_kind(k) || is_class_kind(k)) {
        TSNode name = field(w, value, F_NAME);
        uint32_t name_at =
            ts_node_is_null(name) && is_function_kind(k) ? anonymous_name_at(w, value) : NONE;
        if (!ts_node_is_null(name) || name_at != NONE) {
            edit_text(w, at, nstart(value), NULL);
            if (!ts_node_is_null(name)) {
                g.local = node_str(w, name);
            } else {
                mf_edit_insert(w->m, name_at, " __mf$default");
                w->rename_default = true;
            }
            add_getter(w, g);
            return;
        }
    }
    if (anonymous_function_definition(w, value)) {
        edit_text(w, at, nstart(value), "var __mf$default = { default: ");
        /* `export default () => {}` + newline + `(x)` was two statements */
        mf_edit_insert(w->m, nend(value), closed ? " }.default" : " }.default;");
    } else {
        edit_text(w, at, nstart(value), "var __mf$default = ");
    }
    add_getter(w, g);
}

/* `export { a, b as c }` and `export { x } from "s"`: getters only. */
static void export_clause(W *w, TSNode clause, uint32_t record, bool from) {
    if (from && record == NONE) return; /* only types */
    uint32_t nc = ts_node_named_child_count(clause);
    for (uint32_t i = 0; i < nc; i++) {
        TSNode s = ts_node_named_child(clause, i);
        if (kind_of(w, s) != NK_EXPORT_SPECIFIER || has_type_modifier(w, s)) continue;
        TSNode name = field(w, s, F_NAME), alias = field(w, s, F_ALIAS);
        if (ts_node_is_null(name)) continue;
        Str exported = node_str(w, ts_node_is_null(alias) ? name : alias);
        if (from)
            add_getter(w, (Getter){.name = exported, .kind = G_RECORD, .record = record,
                                   .imported = node_str(w, name)});
        else
            add_getter(w, (Getter){.name = exported, .kind = G_LOCAL, .local = node_str(w, name),
                                   .from_clause = true});
    }
}

static void top_export(W *w, TSNode n) {
    TSNode decl = {0}, value = {0}, clause = {0}, ns = {0}, kw = {0}, assign = {0};
    bool is_default = false, star = false, type_only = false;
    TSTreeCursor cur = ts_tree_cursor_new(n);
    if (ts_tree_cursor_goto_first_child(&cur)) {
        do {
            TSNode c = ts_tree_cursor_current_node(&cur);
            TSFieldId f = ts_tree_cursor_current_field_id(&cur);
            if (f && f == w->L->field[F_DECLARATION]) {
                decl = c;
                continue;
            }
            if (f && f == w->L->field[F_VALUE]) {
                value = c;
                continue;
            }
            switch (kind_of(w, c)) {
            case NK_KW_EXPORT:
                if (ts_node_is_null(kw)) kw = c;
                break;
            case NK_KW_TYPE: type_only |= !ts_node_is_named(c); break;
            case NK_KW_DEFAULT: is_default = true; break;
            case NK_KW_NAMESPACE: type_only = true; break; /* export as namespace X */
            case NK_TOK_STAR: star = true; break;
            case NK_TOK_ASSIGN: assign = c; break;
            case NK_EXPORT_CLAUSE: clause = c; break;
            case NK_NAMESPACE_EXPORT: ns = c; break;
            case NK_ERROR: type_only = true; break; /* `export type *`: a grammar gap */
            default: break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cur));
    }
    ts_tree_cursor_delete(&cur);
    uint32_t at = ts_node_is_null(kw) ? nstart(n) : nstart(kw);
    if (type_only || (!ts_node_is_null(decl) && kind_of(w, decl) == NK_TYPE)) {
        /* export type / interface / declare ...: nothing of it runs */
        delete_statement(w, nstart(n), nend(n), !w->prev_safe);
        w->prev_safe = true;
        return;
    }
    if (!ts_node_is_null(assign)) { /* TypeScript `export = x` */
        edit_text(w, at, nend(assign), "module.exports =");
    } else if (!ts_node_is_null(decl) && !is_default) {
        edit_text(w, at, nstart(decl), NULL);
        getters_from_declaration(w, decl);
    } else if (!ts_node_is_null(decl) || !ts_node_is_null(value)) {
        export_default(w, at, ts_node_is_null(decl) ? value : decl, w->src[nend(n) - 1] == ';');
    } else { /* export lists and re-exports: the statement goes */
        TSNode src = field(w, n, F_SOURCE);
        uint32_t record = NONE;
        if (!ts_node_is_null(src))
            record = find_record(w, nstart(src), ts_node_is_null(clause) ? MF_IMPORT_EXPORT_STAR
                                                                        : MF_IMPORT_REEXPORT);
        delete_statement(w, nstart(n), nend(n), !w->prev_safe);
        w->prev_safe = true;
        if (!ts_node_is_null(clause)) {
            export_clause(w, clause, record, !ts_node_is_null(src));
        } else if (record != NONE && !ts_node_is_null(ns)) { /* export * as ns from "s" */
            TSNode name = mf_first_named(ns);
            if (!ts_node_is_null(name))
                add_getter(w, (Getter){.name = node_str(w, name), .kind = G_RECORD, .record = record});
        } else if (record != NONE && star) {
            MF_VEC_PUSH(&w->stars, record);
        }
        return;
    }
    w->prev_safe = statement_closed(w, n);
}

static bool is_directive(W *w, TSNode n) {
    TSNode s = mf_first_named(n);
    return !ts_node_is_null(s) && kind_of(w, s) == NK_STRING && ts_node_named_child_count(n) == 1;
}

/* Module-level statements: imports, exports, and where the header goes
 * (after a hashbang and the directive prologue, so "use strict" stays one). */
static void top_level(W *w) {
    TSTreeCursor c = ts_tree_cursor_new(w->t->root);
    bool prologue = true;
    w->prev_safe = true;
    if (w->m->size >= 3 && memcmp(w->src, "\xEF\xBB\xBF", 3) == 0) { /* a BOM mid-chunk is noise */
        edit_text(w, 0, 3, NULL);
        w->header_at = 3;
    }
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode n = ts_tree_cursor_current_node(&c);
            if (ts_node_is_extra(n)) continue;
            NodeKind k = kind_of(w, n);
            if (k == NK_HASH_BANG) { /* a module function cannot start with one */
                edit_text(w, nstart(n), nend(n), NULL);
                w->header_at = nend(n);
                continue;
            }
            if (prologue && k == NK_EXPRESSION_STATEMENT && is_directive(w, n)) {
                /* `"use strict"` + newline + header would be one statement */
                w->header_at = nend(n);
                w->header_semi = w->src[nend(n) - 1] != ';';
                w->prev_safe = !w->header_semi || w->esm; /* the header ends with ";" */
                continue;
            }
            prologue = false;
            if (k == NK_IMPORT_STATEMENT) top_import(w, n);
            else if (k == NK_EXPORT_STATEMENT) top_export(w, n);
            else if (k != NK_TYPE) w->prev_safe = statement_closed(w, n); /* types go */
        } while (ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    /* `export { x }` may name an import written further down. */
    for (uint32_t i = 0; i < w->getters.len; i++) {
        Getter *g = &w->getters.items[i];
        if (!g->from_clause) continue;
        uint32_t id = name_find(w, g->local.s, g->local.len);
        if (id == NONE || w->names.items[id].binding == NONE) continue;
        g->kind = G_BINDING;
        g->binding = w->names.items[id].binding;
        w->bindings.items[g->binding].uses++;
    }
}

/* ---- the walk ------------------------------------------------------------------ */

static uint32_t new_scope(W *w, uint32_t parent) {
    MF_VEC_PUSH(&w->scopes, ((Scope){parent, NONE}));
    return w->scopes.len - 1;
}

static void declare(W *w, uint32_t name, uint32_t scope, TSNode id) {
    /* A module-level redeclaration of an import is a syntax error; the
     * import stays what the name means. */
    if (scope == 0 && w->names.items[name].binding != NONE) return;
    if (scope == 0) {
        MfModule *m = w->m;
        if (name == w->mf_name)
            mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_UNSUPPORTED_SYNTAX, m->path, m->source, m->size,
                       nstart(id), nend(id) - nstart(id), "\"__mf\" is reserved by mfbuild");
        else if (name == w->cjs_names[0] || name == w->cjs_names[1] || name == w->cjs_names[2])
            w->wrap = true;
    }
    MF_VEC_PUSH(&w->decls, ((Decl){name, w->scopes.items[scope].decls}));
    w->scopes.items[scope].decls = w->decls.len - 1;
}

static void add_ref(W *w, uint32_t a, uint32_t b, uint32_t name, uint32_t scope, uint8_t flags,
                    uint32_t aux) {
    MF_VEC_PUSH(&w->refs, ((Ref){a, b, name, scope, aux, flags, RES_LOCAL}));
}

static void add_action(W *w, const Level *lv, uint32_t a, uint32_t b, ActionKind kind, uint32_t aux) {
    MF_VEC_PUSH(&w->actions, ((Action){a, b, aux, kind, a == lv->stmt_start}));
}

/* The role of the cursor's node, from its parent's kind and its field. */
static uint8_t role_of(W *w, const Level *lv, TSNode n, NodeKind k) {
    switch ((NodeKind)lv->pkind) {
    case NK_VARIABLE_DECLARATOR:
    case NK_FUNCTION_DECLARATION:
    case NK_GENERATOR_DECLARATION:
    case NK_FUNCTION_EXPRESSION:
    case NK_GENERATOR_FUNCTION:
    case NK_CLASS_DECLARATION:
    case NK_ABSTRACT_CLASS_DECLARATION:
    case NK_CLASS:
    case NK_ENUM_DECLARATION:
    case NK_INTERNAL_MODULE:
    case NK_MODULE: return field_is(w, F_NAME) ? R_BIND : R_EXPR;
    case NK_ARROW_FUNCTION:
    case NK_CATCH_CLAUSE: return field_is(w, F_PARAMETER) ? R_BIND : R_EXPR;
    case NK_REQUIRED_PARAMETER:
    case NK_OPTIONAL_PARAMETER: return field_is(w, F_PATTERN) ? R_BIND : R_EXPR;
    case NK_PAIR_PATTERN: return field_is(w, F_VALUE) ? lv->role : R_EXPR;
    case NK_ASSIGNMENT_PATTERN:
    case NK_OBJECT_ASSIGNMENT_PATTERN: return field_is(w, F_LEFT) ? lv->role : R_EXPR;
    case NK_FOR_IN_STATEMENT: return field_is(w, F_LEFT) ? lv->role : R_EXPR;
    case NK_ASSIGNMENT_EXPRESSION:
    case NK_AUGMENTED_ASSIGNMENT: return field_is(w, F_LEFT) ? R_ASSIGN : R_EXPR;
    case NK_UPDATE_EXPRESSION: return R_ASSIGN;
    case NK_CALL_EXPRESSION: return field_is(w, F_FUNCTION) ? R_CALLEE : R_EXPR;
    case NK_JSX_OPENING:
    case NK_JSX_CLOSING:
    case NK_JSX_SELF_CLOSING: return field_is(w, F_NAME) ? R_JSXNAME : R_EXPR;
    case NK_IMPORT_ALIAS: return nstart(n) == lv->special ? R_BIND : R_EXPR;
    case NK_AS_EXPRESSION:
    case NK_SATISFIES_EXPRESSION: return nstart(n) == lv->special ? lv->role : R_SKIP;
    case NK_NESTED_IDENTIFIER:
        if (lv->role != R_BIND) return lv->role;
        return field_is(w, F_OBJECT) ? R_BIND : R_SKIP; /* namespace A.B: binds A */
    case NK_EXPORT_STATEMENT:
        return k == NK_EXPORT_CLAUSE || k == NK_NAMESPACE_EXPORT || k == NK_STRING ? R_SKIP : R_EXPR;
    default: return lv->role;
    }
}

static void visit_identifier(W *w, TSNode n, uint8_t role, const Level *lv, bool shorthand) {
    uint32_t a = nstart(n), b = nend(n);
    if (role == R_SKIP || b == a) return;
    if (role == R_JSXNAME && w->src[a] >= 'a' && w->src[a] <= 'z') return; /* <div> */
    uint32_t id = name_find(w, w->src + a, b - a);
    if (id == NONE) return;
    if (role == R_BIND) {
        declare(w, id, lv->bind_scope, n);
        return;
    }
    const Name *nm = &w->names.items[id];
    if (nm->binding == NONE && (nm->define == NONE || role == R_JSXNAME)) return;
    uint8_t flags = (role == R_CALLEE ? REF_CALL : 0) | (role == R_ASSIGN ? REF_WRITE : 0) |
                    (shorthand ? REF_SHORTHAND : 0) | (a == lv->stmt_start ? REF_LEAD : 0);
    add_ref(w, a, b, id, lv->scope, flags, NONE);
}

/* A member expression read as a whole: `import.meta.url`, or a define key.
 * True when it was handled (its children are not walked). */
static bool visit_member(W *w, TSNode n, uint8_t role, const Level *lv) {
    uint32_t a = nstart(n), len = nend(n) - a;
    const char *s = w->src + a;
    if (s[0] == 'i' && w->m->uses_import_meta && len == 15 && memcmp(s, "import.meta.url", 15) == 0) {
        add_action(w, lv, a, a + len, A_META_URL, 0);
        return true;
    }
    /* webpack's ESM spelling of module.hot: the module's hot API in a dev
     * server build, undefined otherwise (so `if (import.meta.webpackHot)`
     * guards work in production). */
    if (s[0] == 'i' && w->m->uses_import_meta && len == 22 && memcmp(s, "import.meta.webpackHot", 22) == 0) {
        add_action(w, lv, a, a + len, A_META_HOT, 0);
        return true;
    }
    if (len >= 64 || !(w->define_lengths >> len & 1)) return false;
    for (uint32_t i = 0; i < w->defines.len; i++) {
        const Define *d = &w->defines.items[i];
        if (d->key.len != len || memcmp(d->key.s, s, len) != 0) continue;
        if (d->root == NONE) add_action(w, lv, a, a + len, A_DEFINE, i);
        else add_ref(w, a, a + len, d->root, lv->scope,
                     REF_DEFINE | (role == R_CALLEE ? REF_CALL : 0) | (a == lv->stmt_start ? REF_LEAD : 0), i);
        return true;
    }
    return false;
}

/* The record of this module whose specifier is the string literal `lit`
 * (quotes included); NONE when it imports no such specifier. */
static uint32_t record_named(const W *w, TSNode lit) {
    uint32_t a = nstart(lit), b = nend(lit);
    if (b - a < 2) return NONE;
    const char *s = w->src + a + 1;
    size_t n = b - a - 2;
    for (uint32_t i = 0; i < w->m->imports.len; i++) {
        const MfImportRecord *r = &w->m->imports.items[i];
        if (!r->implicit && r->kind != MF_IMPORT_DYNAMIC && strlen(r->specifier) == n &&
            memcmp(r->specifier, s, n) == 0)
            return i;
    }
    return NONE;
}

/* module.hot.accept("./dep", ...) / decline, also through
 * import.meta.webpackHot: a dependency named by one of the module's own
 * import specifiers (a string or an array of them) becomes that import's
 * placeholder, so the runtime sees the dependency's module id, as webpack
 * resolves these strings at build time. */
static void visit_hot_call(W *w, const Level *lv, TSNode call) {
    TSNode fn = field(w, call, F_FUNCTION);
    if (ts_node_is_null(fn) || kind_of(w, fn) != NK_MEMBER) return;
    uint32_t a = nstart(fn), len = nend(fn) - a;
    const char *s = w->src + a;
    size_t prefix = len > 10 && memcmp(s, "module.hot", 10) == 0 ? 10
                    : len > 22 && memcmp(s, "import.meta.webpackHot", 22) == 0 ? 22 : 0;
    if (prefix && s[prefix] == '?') prefix++; /* module.hot?.accept */
    if (prefix && s[prefix] == '.') prefix++;
    else prefix = 0;
    if (!prefix || !((len - prefix == 6 && memcmp(s + prefix, "accept", 6) == 0) ||
                     (len - prefix == 7 && memcmp(s + prefix, "decline", 7) == 0)))
        return;
    TSNode args = field(w, call, F_ARGUMENTS);
    TSNode arg = ts_node_is_null(args) ? args : mf_first_named(args);
    if (ts_node_is_null(arg)) return;
    NodeKind k = kind_of(w, arg);
    if (k == NK_STRING) {
        uint32_t rec = record_named(w, arg);
        if (rec != NONE) add_action(w, lv, nstart(arg), nend(arg), A_HOT_DEP, rec);
        return;
    }
    if (k != NK_ARRAY) return;
    uint32_t count = ts_node_named_child_count(arg);
    for (uint32_t i = 0; i < count; i++) {
        TSNode el = ts_node_named_child(arg, i);
        if (kind_of(w, el) != NK_STRING) continue;
        uint32_t rec = record_named(w, el);
        if (rec != NONE) add_action(w, lv, nstart(el), nend(el), A_HOT_DEP, rec);
    }
}

/* `import(...)`: the runtime's loader for a recorded literal, a rejected
 * promise for anything the graph could not follow. */
static void visit_dynamic_import(W *w, const Level *lv, TSNode call) {
    TSNode args = field(w, call, F_ARGUMENTS), arg = {0};
    if (!ts_node_is_null(args)) arg = mf_first_named(args);
    if (!ts_node_is_null(arg)) {
        uint32_t rec = find_record(w, nstart(arg), MF_IMPORT_DYNAMIC);
        if (rec != NONE) {
            add_action(w, lv, nstart(call), nend(call), A_DYNAMIC, rec);
            return;
        }
        NodeKind k = kind_of(w, arg);
        if (k == NK_STRING || k == NK_TEMPLATE_STRING) return; /* in a dead branch: never runs */
    }
    add_action(w, lv, nstart(call), nend(call), A_REJECT, 0);
}

/* Whether what comes before a statement (its previous sibling) could go on
 * into a "(" or "[" that starts it.  Not "{", ";", the ")" of `if (c)`,
 * `else`, `do`, a label's ":", a closed statement, or a statement this pass
 * deletes (deleting one writes the ";" it needs: top_import, top_export). */
static bool continues(W *w, TSNode prev) {
    if (ts_node_is_null(prev) || !ts_node_is_named(prev)) return false;
    NodeKind k = kind_of(w, prev);
    if (k == NK_PARENTHESIZED || k == NK_HASH_BANG) return false;
    if (w->esm && nend(prev) == w->header_at) return false; /* a directive, then the header */
    if (k == NK_IMPORT_STATEMENT || k == NK_EXPORT_STATEMENT) {
        bool kept = false; /* import X = require(), export =, declarations */
        uint32_t count = ts_node_child_count(prev);
        for (uint32_t i = 0; i < count && !kept; i++) {
            TSNode c = ts_node_child(prev, i);
            NodeKind ck = kind_of(w, c);
            kept = ck == NK_IMPORT_REQUIRE_CLAUSE || ck == NK_TOK_ASSIGN ||
                   (k == NK_EXPORT_STATEMENT && ts_node_is_named(c) && !ts_node_is_extra(c) &&
                    ck != NK_EXPORT_CLAUSE &&
                    ck != NK_NAMESPACE_EXPORT && ck != NK_STRING && ck != NK_TYPE);
        }
        if (!kept) return false;
    }
    return !statement_closed(w, prev);
}

/* Visits the walk's node; returns whether to walk its children, whose
 * context goes to *child. */
static bool visit(W *w, uint32_t depth, Level *child) {
    TSNode n = w->at->node;
    NodeKind k = (NodeKind)w->at->kind;
    Level *lv = &w->levels.items[depth];
    TSNode prev = lv->prev;
    if (k != NK_TYPE && !w->at->extra) lv->prev = n;
    if (k == NK_TYPE || k == NK_IMPORT_STATEMENT || k == NK_HASH_BANG) return false;
    uint8_t role = role_of(w, lv, n, k);
    if (role == R_SKIP) return false;
    *child = (Level){.scope = lv->scope, .fscope = lv->fscope, .bind_scope = lv->bind_scope,
                     .special = NONE, .stmt_start = lv->stmt_start, .pkind = (uint8_t)k,
                     .role = R_EXPR, .in_function = lv->in_function};
    uint32_t s;
    switch (k) {
    case NK_EXPRESSION_STATEMENT:
        child->stmt_start = continues(w, prev) ? nstart(n) : NONE;
        break;
    case NK_IDENTIFIER: visit_identifier(w, n, role, lv, false); return false;
    case NK_SHORTHAND_PROPERTY: visit_identifier(w, n, role, lv, true); return false;
    case NK_SHORTHAND_PATTERN: visit_identifier(w, n, role, lv, true); return false;
    case NK_TYPE_IDENTIFIER: /* TypeScript class names */
        if (role == R_BIND) visit_identifier(w, n, role, lv, false);
        return false;
    case NK_NESTED_TYPE_IDENTIFIER:
    case NK_JSX_NAMESPACE_NAME:
    case NK_STRING: /* quotes and fragments: nothing to see, many nodes */
    case NK_REGEX: return false;
    case NK_THIS:
        if (w->esm && !lv->in_function && (role == R_EXPR || role == R_CALLEE))
            add_action(w, lv, nstart(n), nend(n), A_THIS, 0);
        return false;
    case NK_META_PROPERTY:
        if (w->src[nstart(n)] == 'i' && role != R_ASSIGN) /* not new.target */
            add_action(w, lv, nstart(n), nend(n), A_META, 0);
        return false;
    case NK_MEMBER:
        if ((role == R_EXPR || role == R_CALLEE) && visit_member(w, n, role, lv)) return false;
        break;
    case NK_CALL_EXPRESSION:
        if (w->src[nstart(n)] == 'i') {
            TSNode fn = field(w, n, F_FUNCTION);
            if (!ts_node_is_null(fn) && kind_of(w, fn) == NK_IMPORT) visit_dynamic_import(w, lv, n);
        }
        if (w->src[nstart(n)] == 'm' || w->src[nstart(n)] == 'i') visit_hot_call(w, lv, n);
        break;
    case NK_EXPORT_STATEMENT: {
        /* export type / export as namespace: nothing in it runs */
        uint32_t count = ts_node_child_count(n);
        for (uint32_t i = 0; i < count && i < 3; i++) {
            TSNode c = ts_node_child(n, i);
            NodeKind ck = kind_of(w, c);
            if (!ts_node_is_named(c) && (ck == NK_KW_TYPE || ck == NK_KW_NAMESPACE)) return false;
        }
        break;
    }
    /* patterns and wrappers pass their role on */
    case NK_ARRAY_PATTERN:
    case NK_OBJECT_PATTERN:
    case NK_REST_PATTERN:
    case NK_PAIR_PATTERN:
    case NK_ASSIGNMENT_PATTERN:
    case NK_OBJECT_ASSIGNMENT_PATTERN:
    case NK_PARENTHESIZED:
    case NK_NON_NULL_EXPRESSION:
    case NK_NESTED_IDENTIFIER: child->role = role; break;
    case NK_AS_EXPRESSION:
    case NK_SATISFIES_EXPRESSION: {
        TSNode e = mf_first_named(n);
        child->role = role;
        child->special = ts_node_is_null(e) ? NONE : nstart(e);
        break;
    }
    /* declarations */
    case NK_VARIABLE_DECLARATION: child->bind_scope = lv->fscope; break;
    case NK_LEXICAL_DECLARATION:
    case NK_CLASS_DECLARATION:
    case NK_ABSTRACT_CLASS_DECLARATION:
    case NK_ENUM_DECLARATION: child->bind_scope = lv->scope; break;
    case NK_IMPORT_ALIAS: {
        TSNode name = mf_first_named(n);
        child->bind_scope = lv->scope;
        child->special = ts_node_is_null(name) ? NONE : nstart(name);
        break;
    }
    case NK_FORMAL_PARAMETERS:
        child->role = R_BIND;
        child->bind_scope = lv->scope;
        break;
    /* scopes */
    case NK_FUNCTION_DECLARATION:
    case NK_GENERATOR_DECLARATION: /* the name is the enclosing scope's */
        s = new_scope(w, lv->scope);
        child->scope = child->fscope = s;
        child->bind_scope = lv->scope;
        child->in_function = true;
        break;
    case NK_FUNCTION_EXPRESSION:
    case NK_GENERATOR_FUNCTION:
    case NK_METHOD_DEFINITION:
    case NK_CLASS_STATIC_BLOCK:
        s = new_scope(w, lv->scope);
        child->scope = child->fscope = child->bind_scope = s;
        child->in_function = true;
        break;
    case NK_ARROW_FUNCTION:
        s = new_scope(w, lv->scope);
        child->scope = child->fscope = child->bind_scope = s;
        break;
    case NK_INTERNAL_MODULE:
    case NK_MODULE: /* a namespace body runs in a function of its own */
        s = new_scope(w, lv->scope);
        child->scope = child->fscope = s;
        child->bind_scope = lv->scope;
        break;
    case NK_CLASS: /* a class expression's name is visible inside it only */
        s = new_scope(w, lv->scope);
        child->scope = child->bind_scope = s;
        break;
    case NK_CLASS_BODY: child->in_function = true; break; /* fields: `this` is the instance */
    case NK_STATEMENT_BLOCK:
        child->scope = new_scope(w, lv->scope);
        /* A function body holds its `var`s: default parameter values do
         * not see them (`function f(a = x) { var x }` reads the outer x). */
        if (lv->pkind == NK_FUNCTION_DECLARATION || lv->pkind == NK_GENERATOR_DECLARATION ||
            lv->pkind == NK_FUNCTION_EXPRESSION || lv->pkind == NK_GENERATOR_FUNCTION ||
            lv->pkind == NK_METHOD_DEFINITION || lv->pkind == NK_ARROW_FUNCTION)
            child->fscope = child->scope;
        break;
    case NK_SWITCH_BODY:
    case NK_FOR_STATEMENT:
        child->scope = new_scope(w, lv->scope);
        break;
    case NK_CATCH_CLAUSE:
        child->scope = child->bind_scope = new_scope(w, lv->scope);
        break;
    case NK_FOR_IN_STATEMENT: {
        child->scope = new_scope(w, lv->scope);
        TSNode kind = field(w, n, F_KIND);
        if (ts_node_is_null(kind)) {
            child->role = R_ASSIGN; /* for (x of y): the left side is written */
        } else {
            child->role = R_BIND;
            child->bind_scope = w->src[nstart(kind)] == 'v' ? lv->fscope : child->scope;
        }
        break;
    }
    default: break;
    }
    return ts_node_child_count(n) > 0;
}

static void walk(W *w) {
    new_scope(w, NONE);
    MF_VEC_PUSH(&w->levels, ((Level){.special = NONE, .stmt_start = NONE, .pkind = NK_NONE,
                                     .role = R_EXPR}));
    const MfFlatNode *nodes = w->t->flat;
    Level child;
    MF_FLAT_WALK(nodes, w->t->flat_len, i, depth, (w->at = &nodes[i], visit(w, depth, &child)), {
        if (depth == w->levels.len) MF_VEC_PUSH(&w->levels, child);
        else w->levels.items[depth] = child;
    });
    w->at = NULL;
}

/* ---- resolution and elision -------------------------------------------------- */

static void resolve(W *w) {
    uint32_t ns = w->scopes.len;
    /* anc[s]: the nearest scope at or above s that declares anything. */
    uint32_t *anc = mf_xmalloc(((size_t)ns + 1) * sizeof *anc);
    for (uint32_t s = 0; s < ns; s++) {
        const Scope *sc = &w->scopes.items[s];
        anc[s] = sc->decls != NONE ? s : sc->parent == NONE ? NONE : anc[sc->parent];
    }
    MfModule *m = w->m;
    for (uint32_t i = 0; i < w->refs.len; i++) {
        Ref *r = &w->refs.items[i];
        uint32_t found = NONE;
        for (uint32_t s = anc[r->scope]; s != NONE && found == NONE;) {
            for (uint32_t d = w->scopes.items[s].decls; d != NONE; d = w->decls.items[d].next)
                if (w->decls.items[d].name == r->name) {
                    found = s;
                    break;
                }
            uint32_t p = w->scopes.items[s].parent;
            s = p == NONE ? NONE : anc[p];
        }
        const Name *nm = &w->names.items[r->name];
        if (found != NONE && found != 0) r->res = RES_LOCAL;
        else if (nm->binding != NONE) r->res = RES_IMPORT;
        else r->res = found == 0 ? RES_MODULE : RES_GLOBAL;
        if (r->res != RES_IMPORT) continue;
        Binding *b = &w->bindings.items[nm->binding];
        b->uses++;
        if ((r->flags & REF_WRITE) && b->kind != B_REQUIRE)
            mf_log_add(&m->log, MF_DIAG_ERROR, MF_MSG_UNSUPPORTED_SYNTAX, m->path, m->source, m->size,
                       r->start, r->end - r->start, "Cannot assign to import \"%.*s\"",
                       (int)nm->text.len, nm->text.s);
    }
    free(anc);
    /* The classic JSX runtime calls the pragma: its root is used by JSX. */
    const MfConfig *cfg = w->t->cfg;
    if (m->has_jsx && !cfg->jsx_automatic) {
        const char *pragmas[2] = {cfg->jsx_pragma ? cfg->jsx_pragma : "React.createElement",
                                  cfg->jsx_pragma_frag ? cfg->jsx_pragma_frag : "React.Fragment"};
        for (int i = 0; i < 2; i++) {
            const char *p = pragmas[i];
            uint32_t id = name_find(w, p, (uint32_t)strcspn(p, "."));
            if (id != NONE && w->names.items[id].binding != NONE)
                w->bindings.items[w->names.items[id].binding].uses++;
        }
    }
}

/* TypeScript drops an import whose bindings are never used as values (they
 * were types), and with it the dependency.  Records are renumbered here,
 * before any text names one. */
static void elide_and_renumber(W *w) {
    MfModule *m = w->m;
    w->remap = mf_xmalloc(((size_t)m->imports.len + 1) * sizeof *w->remap);
    for (uint32_t i = 0; i < m->imports.len; i++) w->remap[i] = i;
    if (!w->t->typescript) return;
    bool any = false;
    for (uint32_t i = 0; i < w->stmts.len; i++) {
        ImportStmt *st = &w->stmts.items[i];
        if (st->record == NONE || st->count == 0) continue; /* import "x" / import {} stay */
        bool used = false;
        for (uint32_t j = 0; j < st->count && !used; j++) used = w->bindings.items[st->first + j].uses > 0;
        if (used) continue;
        st->elided = true;
        w->remap[st->record] = NONE;
        any = true;
    }
    if (!any) return;
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->imports.len; i++) {
        if (w->remap[i] == NONE) continue;
        w->remap[i] = n;
        m->imports.items[n++] = m->imports.items[i];
    }
    m->imports.len = n;
}

/* ---- output -------------------------------------------------------------------- */

static const char *binding_expr(W *w, Binding *b) {
    if (b->expr) return b->expr;
    MfArena *a = w->m->arena;
    uint32_t r = w->remap[w->stmts.items[b->stmt].record];
    const Str *nm = &w->names.items[b->name].text;
    switch (b->kind) {
    case B_DEFAULT: b->expr = mf_arena_printf(a, "__mf$%u.default", r); break;
    case B_NAMESPACE: b->expr = mf_arena_printf(a, "__mf$%u", r); break;
    case B_REQUIRE: b->expr = mf_arena_strndup(a, nm->s, nm->len); break;
    case B_NAMED:
        b->expr = b->imported_is_string
                      ? mf_arena_printf(a, "__mf$%u[%.*s]", r, (int)b->imported.len, b->imported.s)
                      : mf_arena_printf(a, "__mf$%u.%.*s", r, (int)b->imported.len, b->imported.s);
        break;
    }
    return b->expr;
}

static void put_str(MfBuf *b, Str s) { mf_buf_append(b, s.s, s.len); }

/* `x` of record r's namespace: `__mf$r.x`, `__mf$r["a-b"]`, or `__mf$r`. */
static void put_record_member(MfBuf *b, uint32_t r, Str imported) {
    mf_buf_printf(b, "__mf$%u", r);
    if (!imported.len) return;
    if (imported.s[0] == '"' || imported.s[0] == '\'') {
        mf_buf_putc(b, '[');
        put_str(b, imported);
        mf_buf_putc(b, ']');
    } else {
        mf_buf_putc(b, '.');
        put_str(b, imported);
    }
}

/* The value of an export name: a string literal without its quotes (names
 * with escapes are rare enough to compare as written). */
static Str name_value(Str s) {
    if (s.len >= 2 && (s.s[0] == '"' || s.s[0] == '\'')) return (Str){s.s + 1, s.len - 2};
    return s;
}

static int cmp_getters(const void *pa, const void *pb, void *arg) {
    const Getter *g = arg;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    Str x = name_value(g[a].name), y = name_value(g[b].name);
    int c = memcmp(x.s, y.s, x.len < y.len ? x.len : y.len);
    if (c) return c;
    if (x.len != y.len) return x.len < y.len ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void emit_header(W *w) {
    MfModule *m = w->m;
    MfBuf h = {0};
    if (w->esm) {
        /* A module namespace lists its keys sorted (by code unit; bytes
         * order ASCII names the same way): so do the getters. */
        uint32_t *order = mf_xmalloc(((size_t)w->getters.len + 1) * sizeof *order);
        for (uint32_t i = 0; i < w->getters.len; i++) order[i] = i;
        qsort_r(order, w->getters.len, sizeof *order, cmp_getters, w->getters.items);
        /* `this` is module.exports: the name `exports` may be the module's own */
        mf_buf_puts(&h, w->wrap ? "{__mf.d(this, {" : "__mf.d(this, {");
        for (uint32_t i = 0; i < w->getters.len; i++) {
            const Getter *g = &w->getters.items[order[i]];
            mf_buf_puts(&h, i ? ", " : " ");
            put_str(&h, g->name);
            mf_buf_puts(&h, ": () => ");
            switch (g->kind) {
            case G_LOCAL: put_str(&h, g->local); break;
            case G_BINDING: mf_buf_puts(&h, binding_expr(w, &w->bindings.items[g->binding])); break;
            case G_RECORD: put_record_member(&h, w->remap[g->record], g->imported); break;
            }
        }
        mf_buf_puts(&h, w->getters.len ? " });" : "});");
        free(order);
        if (w->rename_default)
            mf_buf_puts(&h, " Object.defineProperty(__mf$default, \"name\", { value: \"default\" });");
    }
    for (uint32_t i = 0; i < m->imports.len; i++) {
        MfImportKind k = m->imports.items[i].kind;
        if (k == MF_IMPORT_STATIC || k == MF_IMPORT_REEXPORT || k == MF_IMPORT_EXPORT_STAR)
            mf_buf_printf(&h, "%svar __mf$%u = __mf.i(\x01%u\x02);", h.len ? " " : "", i, i);
    }
    for (uint32_t i = 0; i < w->stars.len; i++)
        mf_buf_printf(&h, " __mf.s(this, __mf$%u);", w->remap[w->stars.items[i]]);
    /* The slot was reserved first so that the header sorts before any other
     * edit at the same offset (an import statement at offset 0). */
    MfEdit *e = &m->edits.items[w->header_edit];
    e->start = e->end = w->header_at;
    e->text = !h.len ? NULL
              : w->header_semi ? mf_arena_printf(m->arena, ";%.*s", (int)h.len, h.data)
                               : mf_arena_strndup(m->arena, h.data, h.len);
    mf_buf_free(&h);
    if (w->wrap) {
        /* The block's end sorts after any other insertion at the end. */
        mf_edit_insert(m, m->size, "\n}");
        m->edits.items[m->edits.len - 1].seq = UINT32_MAX;
    }
}

/* A replacement for the first token of a statement that the one before
 * could continue: `const y = 2` + newline + `f()` must not become
 * `const y = 2` + newline + `(0, __mf$0.f)()`. */
static const char *lead_text(W *w, bool lead, const char *text) {
    if (!lead || !text || (text[0] != '(' && text[0] != '[')) return text;
    return mf_arena_printf(w->m->arena, ";%s", text);
}

static void emit_refs(W *w) {
    MfBuf t = {0};
    for (uint32_t i = 0; i < w->refs.len; i++) {
        const Ref *r = &w->refs.items[i];
        const Name *nm = &w->names.items[r->name];
        t.len = 0;
        uint32_t end = r->end;
        if (r->res == RES_IMPORT) {
            Binding *b = &w->bindings.items[nm->binding];
            if ((r->flags & REF_WRITE) || b->kind == B_REQUIRE) continue;
            const char *e = binding_expr(w, b);
            if (r->flags & REF_DEFINE) end = r->start + nm->text.len; /* just the root */
            if (r->flags & REF_SHORTHAND) mf_buf_printf(&t, "%.*s: %s", (int)nm->text.len, nm->text.s, e);
            else if ((r->flags & REF_CALL) && b->kind != B_NAMESPACE && !(r->flags & REF_DEFINE))
                mf_buf_printf(&t, "(0, %s)", e);
            else mf_buf_puts(&t, e);
        } else if (r->res == RES_GLOBAL && !(r->flags & REF_WRITE)) {
            uint32_t d = (r->flags & REF_DEFINE) ? r->aux : nm->define;
            if (d == NONE) continue;
            const char *v = w->defines.items[d].value;
            if (r->flags & REF_SHORTHAND) mf_buf_printf(&t, "%.*s: %s", (int)nm->text.len, nm->text.s, v);
            else mf_buf_puts(&t, v);
        } else {
            continue;
        }
        edit_text(w, r->start, end, lead_text(w, r->flags & REF_LEAD, t.data));
    }
    mf_buf_free(&t);
}

static void emit_actions(W *w) {
    MfModule *m = w->m;
    for (uint32_t i = 0; i < w->actions.len; i++) {
        const Action *a = &w->actions.items[i];
        const char *text = NULL;
        switch (a->kind) {
        case A_DYNAMIC: text = mf_arena_printf(m->arena, "__mf.e(\x01%u\x02)", w->remap[a->aux]); break;
        case A_REJECT:
            text = "Promise.reject(new Error(\"mfbuild: import() of a non-literal specifier is not "
                   "supported\"))";
            break;
        case A_META_URL: text = "__mf.u"; break;
        case A_META_HOT: text = "__mf.hot"; break;
        case A_HOT_DEP:
            if (w->remap[a->aux] == NONE) continue; /* an elided type-only import */
            text = mf_arena_printf(m->arena, "\x01%u\x02", w->remap[a->aux]);
            break;
        case A_META: text = "({ url: __mf.u })"; break;
        case A_THIS: text = "undefined"; break;
        case A_DEFINE: text = w->defines.items[a->aux].value; break;
        }
        edit_text(w, a->start, a->end, lead_text(w, a->lead, text));
    }
    /* require("s"): the call stays, the literal becomes the placeholder. */
    for (uint32_t i = 0; i < m->imports.len; i++) {
        const MfImportRecord *r = &m->imports.items[i];
        if (r->kind != MF_IMPORT_REQUIRE || r->implicit) continue;
        edit_text(w, r->start, r->end, mf_arena_printf(m->arena, "\x01%u\x02", i));
    }
    for (uint32_t i = 0; i < w->stmts.len; i++) {
        const ImportStmt *st = &w->stmts.items[i];
        if (!st->require_alias) continue;
        if (st->elided) delete_statement(w, st->start, st->end, st->semi);
        else edit_text(w, st->start, st->ident_start, "var ");
    }
}

/* ---- entry points ------------------------------------------------------------ */

static void free_walk(W *w) {
    free(w->levels.items);
    free(w->scopes.items);
    free(w->decls.items);
    free(w->refs.items);
    free(w->actions.items);
    free(w->getters.items);
    free(w->stars.items);
    free(w->sorted);
    w->levels.items = NULL;
    w->scopes.items = NULL;
    w->decls.items = NULL;
    w->refs.items = NULL;
    w->actions.items = NULL;
    w->getters.items = NULL;
    w->stars.items = NULL;
    w->sorted = NULL;
}

void mf_transform_module(MfTransform *t) {
    W *w = mf_xcalloc(1, sizeof *w);
    t->bindings = w;
    w->t = t;
    w->m = t->m;
    w->L = t->L;
    w->src = t->m->source;
    /* An ES module by its syntax or its extension (.mjs): strict, with
     * `this` undefined, exports defined by the header. */
    w->esm = t->m->kind == MF_MOD_ESM;
    w->mf_name = name_intern(w, "__mf", 4);
    static const char *const cjs[3] = {"module", "exports", "require"};
    for (int i = 0; i < 3; i++)
        w->cjs_names[i] = w->esm ? name_intern(w, cjs[i], (uint32_t)strlen(cjs[i])) : NONE;
    w->header_edit = t->m->edits.len;
    mf_edit_insert(t->m, 0, NULL); /* the header's slot, filled last */
    setup_defines(w);
    sort_records(w);
    top_level(w);       /* imports, exports: bindings and getters */
    walk(w);            /* declarations and references of interesting names */
    resolve(w);         /* references -> imports, locals, globals */
    elide_and_renumber(w);
    /* From here on record indices are final. */
    emit_header(w);
    emit_refs(w);
    emit_actions(w);
    free_walk(w);
}

const char *mf_transform_binding_ref(MfTransform *t, const char *name, size_t len) {
    W *w = t->bindings;
    if (!w || !name || len == 0 || len >= UINT32_MAX) return NULL;
    uint32_t id = name_find(w, name, (uint32_t)len);
    if (id == NONE || w->names.items[id].binding == NONE) return NULL;
    Binding *b = &w->bindings.items[w->names.items[id].binding];
    if (w->stmts.items[b->stmt].elided) return NULL;
    return binding_expr(w, b);
}

void mf_transform_bindings_free(MfTransform *t) {
    W *w = t->bindings;
    if (!w) return;
    free_walk(w);
    free(w->names.items);
    free(w->table);
    free(w->bindings.items);
    free(w->stmts.items);
    free(w->defines.items);
    free(w->remap);
    free(w);
    t->bindings = NULL;
}
