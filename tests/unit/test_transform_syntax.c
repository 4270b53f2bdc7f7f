/*
 * test_transform_syntax.c — transform_syntax.c: JSX and TypeScript to
 * JavaScript.
 *
 * Each test writes a small .jsx/.tsx/.ts file, parses it (which runs both
 * transform passes) and compares the rendered text.  The source given to
 * transform() gets an empty first line, and the first line of the output
 * is dropped: the ESM pass inserts its prologue at offset 0, so everything
 * this pass generates is compared exactly and independently of it.  Line
 * counts must match the source's: output keeps its lines.  A few tests run
 * the output under Node (when it is installed) to prove it is valid,
 * working JavaScript.
 */
#include "mfbuild.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/syntax.h"

static const char *tmp(void) {
    static const char *dir;
    if (!dir) dir = unit_tmpdir();
    return dir;
}

static void cfg_init(MfConfig *cfg, MfMode mode, bool automatic) {
    *cfg = (MfConfig){0};
    cfg->arena = mf_arena_new();
    cfg->mode = mode;
    cfg->jsx_automatic = automatic;
    cfg->jsx_import_source = mf_arena_strdup(cfg->arena, "react");
    cfg->jsx_pragma = mf_arena_strdup(cfg->arena, "React.createElement");
    cfg->jsx_pragma_frag = mf_arena_strdup(cfg->arena, "React.Fragment");
    MfStrPair d = {mf_arena_strdup(cfg->arena, "process.env.NODE_ENV"),
                   mf_arena_strdup(cfg->arena, mode == MF_MODE_DEVELOPMENT ? "\"development\""
                                                                           : "\"production\"")};
    MF_VEC_PUSH(&cfg->define, d);
    const char *exts[] = {".tsx", ".ts", ".jsx", ".js"};
    for (int i = 0; i < 4; i++) {
        char *e = mf_arena_strdup(cfg->arena, exts[i]);
        MF_VEC_PUSH(&cfg->extensions, e);
    }
}

static void cfg_done(MfConfig *cfg) {
    free(cfg->define.items);
    free(cfg->extensions.items);
    mf_arena_free(cfg->arena);
}

typedef struct Result {
    char *out;         /* rendered text after the first line (malloc'd) */
    char *full;        /* the whole rendered text (malloc'd) */
    uint32_t errors;
    char *first_error; /* text of the first error (malloc'd) or NULL */
    uint32_t error_offset;
    int jsx;           /* index of the implicit JSX import, -1 if none */
} Result;

static void result_free(Result *r) {
    free(r->out);
    free(r->full);
    free(r->first_error);
}

static uint32_t count_lines(const char *s) {
    uint32_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* Parses "\n" + src as tmp()/name with cfg and renders it. */
static Result transform_cfg(const char *name, const char *src, const MfConfig *cfg) {
    Result r = {.jsx = -1};
    char *text = mf_xasprintf("\n%s", src);
    unit_write(tmp(), name, text);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp(), name);
    MfModule *m = mf_module_new(path);
    MfParser *p = mf_parser_new();
    MfParseOptions opts = {cfg};
    bool ok = p && mf_parse_module(p, m, &opts);
    CHECK(ok);
    mf_parser_free(p);
    MfBuf out = {0};
    mf_render_module(m, NULL, &out);
    const char *body = out.data ? strchr(out.data, '\n') : NULL;
    r.out = mf_xstrdup(body ? body + 1 : "");
    r.full = mf_xstrdup(out.data ? out.data : "");
    for (uint32_t i = 0; i < m->log.diags.len; i++) {
        const MfDiag *d = &m->log.diags.items[i];
        if (d->kind != MF_DIAG_ERROR) continue;
        if (r.errors++ == 0) {
            r.first_error = mf_xstrdup(d->text);
            r.error_offset = d->offset - 1; /* offsets in `src` */
        }
    }
    for (uint32_t i = 0; i < m->imports.len; i++)
        if (m->imports.items[i].implicit) r.jsx = (int)i;
    /* Lines are kept (unless something was deleted with its line). */
    if (r.errors == 0 && count_lines(r.out) != count_lines(src)) {
        fprintf(stderr, "    line count changed:\n%s\n", r.out);
        CHECK(count_lines(r.out) == count_lines(src));
    }
    mf_buf_free(&out);
    mf_module_free(m);
    free(text);
    return r;
}

static Result transform_mode(const char *name, const char *src, MfMode mode, bool automatic) {
    MfConfig cfg;
    cfg_init(&cfg, mode, automatic);
    Result r = transform_cfg(name, src, &cfg);
    cfg_done(&cfg);
    return r;
}

static Result transform(const char *name, const char *src) {
    return transform_mode(name, src, MF_MODE_PRODUCTION, true);
}

/* Replaces every "$K" in `expected` by the JSX runtime's namespace
 * variable ("__mf$2"): record indices are parse.c's business. */
static char *with_jsx(const char *expected, int k) {
    MfBuf b = {0};
    for (const char *p = expected; *p; p++) {
        if (p[0] == '$' && p[1] == 'K') {
            mf_buf_printf(&b, "$%d", k);
            p++;
        } else {
            mf_buf_putc(&b, *p);
        }
    }
    return mf_buf_steal(&b);
}

static void check_jsx(const char *name, const char *src, MfMode mode, const char *expected) {
    Result r = transform_mode(name, src, mode, true);
    CHECK_INT(r.errors, 0);
    if (r.first_error) fprintf(stderr, "    error: %s\n", r.first_error);
    CHECK(r.jsx >= 0);
    char *want = with_jsx(expected, r.jsx);
    CHECK_STR(r.out, want);
    free(want);
    result_free(&r);
}

#define CHECK_JSX(src, expected) check_jsx("t.jsx", src, MF_MODE_PRODUCTION, expected)
#define CHECK_TSX(src, expected) check_jsx("t.tsx", src, MF_MODE_PRODUCTION, expected)

static void check_ts(const char *name, const char *src, const char *expected) {
    Result r = transform(name, src);
    if (r.first_error) fprintf(stderr, "    error: %s\n", r.first_error);
    CHECK_INT(r.errors, 0);
    CHECK_STR(r.out, expected);
    result_free(&r);
}

#define CHECK_TS(src, expected) check_ts("t.ts", src, expected)

static void check_error(const char *name, const char *src, const char *text, const char *at) {
    Result r = transform(name, src);
    CHECK(r.errors >= 1);
    CHECK_STR(r.first_error, text);
    const char *where = strstr(src, at);
    CHECK(where != NULL);
    if (where) CHECK_INT(r.error_offset, where - src);
    result_free(&r);
}

/* ---- the kind table ------------------------------------------------------- */

/* ---- JSX: automatic runtime ---------------------------------------------- */

TEST(transform_syntax_jsx_intrinsic_element) {
    CHECK_JSX("x = <div className=\"a\">hi</div>;\n",
              "x = __mf$K.jsx(\"div\", { className: \"a\", children: \"hi\" });\n");
    CHECK_JSX("x = <br />;\ny = <div></div>;\nz = <p x={1} />;\n",
              "x = __mf$K.jsx(\"br\", {});\ny = __mf$K.jsx(\"div\", {});\n"
              "z = __mf$K.jsx(\"p\", { x: 1 });\n");
}

TEST(transform_syntax_jsx_component_spread_boolean) {
    CHECK_JSX("x = <A x={1} {...p} y=\"s\" b>text {e}</A>;\n",
              "x = __mf$K.jsxs(A, { x: 1, ...p, y: \"s\", b: true, children: [\"text \", e] });\n");
    CHECK_JSX("x = <A {...p}{...q} />;\n", "x = __mf$K.jsx(A, { ...p, ...q });\n");
}

TEST(transform_syntax_jsx_names) {
    CHECK_JSX("x = <Foo.Bar.Baz a=\"1\" />;\n", "x = __mf$K.jsx(Foo.Bar.Baz, { a: \"1\" });\n");
    CHECK_JSX("x = <my-element />;\n", "x = __mf$K.jsx(\"my-element\", {});\n");
    CHECK_JSX("x = <svg:rect xlink:href=\"#a\" />;\n",
              "x = __mf$K.jsx(\"svg:rect\", { \"xlink:href\": \"#a\" });\n");
    CHECK_JSX("x = <a aria-label=\"l\" data-x={1} tabIndex=\"c\" />;\n",
              "x = __mf$K.jsx(\"a\", { \"aria-label\": \"l\", \"data-x\": 1, tabIndex: \"c\" });\n");
    CHECK_JSX("x = <_priv />;\ny = <lower.member />;\n",
              "x = __mf$K.jsx(_priv, {});\ny = __mf$K.jsx(lower.member, {});\n");
    CHECK_JSX("x = <A __proto__={p} />;\n", "x = __mf$K.jsx(A, { [\"__proto__\"]: p });\n");
    /* (tree-sitter-javascript rejects reserved words as attribute names,
     * `class=`; the tsx grammar takes them.) */
    CHECK_TSX("x = <div class=\"c\" />;\n", "x = __mf$K.jsx(\"div\", { class: \"c\" });\n");
}

TEST(transform_syntax_jsx_entities) {
    CHECK_JSX("x = <a t=\"&quot;x&amp;y&#x1F600;&#65;\">&lt;b&gt; &copy; &nbsp;</a>;\n",
              "x = __mf$K.jsx(\"a\", { t: \"\\\"x&y\xF0\x9F\x98\x80" "A\", children: "
              "\"<b> \xC2\xA9 \xC2\xA0\" });\n");
    /* Not references: kept as written. */
    CHECK_JSX("x = <a t='a & b &bogus; \"q\"'>x &bogus; y</a>;\n",
              "x = __mf$K.jsx(\"a\", { t: 'a & b &bogus; \"q\"', children: \"x &bogus; y\" });\n");
    /* JSX strings have no escapes: a backslash is a backslash. */
    CHECK_JSX("x = <a t=\"C:\\dir\">\\n</a>;\n",
              "x = __mf$K.jsx(\"a\", { t: \"C:\\\\dir\", children: \"\\\\n\" });\n");
    CHECK_JSX("x = <a t='it&apos;s' />;\n", "x = __mf$K.jsx(\"a\", { t: 'it\\'s' });\n");
}

TEST(transform_syntax_jsx_attribute_string_line_breaks) {
    /* The value keeps its line break as \n, and the literal its lines (a
     * line continuation). */
    CHECK_JSX("x = <a t=\"one\n  two\" />;\n",
              "x = __mf$K.jsx(\"a\", { t: \"one\\n\\\n  two\" });\n");
}

TEST(transform_syntax_jsx_text_whitespace) {
    CHECK_JSX("x = <p>\n  Hello\n    world  \n\n  again\n</p>;\n",
              "x = __mf$K.jsx(\"p\", { children:\n  \"Hello world again\"\n\n\n\n});\n");
    CHECK_JSX("x = <p>  a  </p>;\n", "x = __mf$K.jsx(\"p\", { children: \"  a  \" });\n");
    CHECK_JSX("x = <p> </p>;\n", "x = __mf$K.jsx(\"p\", { children: \" \" });\n");
    CHECK_JSX("x = <p>\n  </p>;\n", "x = __mf$K.jsx(\"p\", {}\n  );\n");
    CHECK_JSX("x = <p>a\tb</p>;\n", "x = __mf$K.jsx(\"p\", { children: \"a b\" });\n");
    CHECK_JSX("x = <p>\n  {a}\n  {\" \"}\n  <b />\n  tail\n</p>;\n",
              "x = __mf$K.jsxs(\"p\", { children: [\n  a,\n  \" \",\n  __mf$K.jsx(\"b\", {}),\n"
              "  \"tail\"\n] });\n");
    /* Comments and empty containers are not children. */
    CHECK_JSX("x = <p>{/* c */}a{}</p>;\n", "x = __mf$K.jsx(\"p\", { children: \"a\" });\n");
    /* `//` in text is text. */
    CHECK_JSX("x = <p>http://x</p>;\n", "x = __mf$K.jsx(\"p\", { children: \"http://x\" });\n");
}

TEST(transform_syntax_jsx_crlf_text) {
    CHECK_JSX("x = <p>\r\n  a\r\n  b\r\n</p>;\n",
              "x = __mf$K.jsx(\"p\", { children:\n  \"a b\"\n\n});\n");
}

TEST(transform_syntax_jsx_key) {
    CHECK_JSX("x = <li key={k}>a</li>;\n", "x = __mf$K.jsx(\"li\", { children: \"a\" }, k);\n");
    CHECK_JSX("x = <li a=\"1\" key={item.id} b={2} />;\n",
              "x = __mf$K.jsx(\"li\", { a: \"1\", b: 2 }, item.id);\n");
    CHECK_JSX("x = <li key=\"k&amp;\" />;\ny = <li key />;\n",
              "x = __mf$K.jsx(\"li\", {}, \"k&\");\ny = __mf$K.jsx(\"li\", {}, true);\n");
    /* After a spread, React wants createElement; jsx with the key is close. */
    CHECK_JSX("x = <li {...p} key={k} />;\n", "x = __mf$K.jsx(\"li\", { ...p }, k);\n");
    /* The key expression keeps its own nested JSX. */
    CHECK_JSX("x = <li key={f(<b />)}>a{b}</li>;\n",
              "x = __mf$K.jsxs(\"li\", { children: [\"a\", b] }, f(__mf$K.jsx(\"b\", {})));\n");
}

TEST(transform_syntax_jsx_fragment) {
    CHECK_JSX("x = <>a<br/></>;\n",
              "x = __mf$K.jsxs(__mf$K.Fragment, { children: [\"a\", __mf$K.jsx(\"br\", {})] });\n");
    CHECK_JSX("x = <></>;\n", "x = __mf$K.jsx(__mf$K.Fragment, {});\n");
}

TEST(transform_syntax_jsx_nested) {
    CHECK_JSX("x = <Layout title={<h1>T</h1>} icon=<i /> >\n"
              "  {items.map((i) => <li key={i.id}>{i.name}</li>)}\n"
              "</Layout>;\n",
              "x = __mf$K.jsx(Layout, { title: __mf$K.jsx(\"h1\", { children: \"T\" }), icon: "
              "__mf$K.jsx(\"i\", {}), children:\n"
              "  items.map((i) => __mf$K.jsx(\"li\", { children: i.name }, i.id))\n"
              "});\n");
    CHECK_JSX("x = <div\n  a=\"1\"\n  b={2}\n>\n  t\n</div>;\n",
              "x = __mf$K.jsx(\"div\", {\n  a: \"1\",\n  b: 2, children:\n\n  \"t\"\n});\n");
}

TEST(transform_syntax_jsx_development) {
    check_jsx("t.jsx", "x = <A key={k}>a{b}</A>;\ny = <b />;\n", MF_MODE_DEVELOPMENT,
              "x = __mf$K.jsxDEV(A, { children: [\"a\", b] }, k, true, undefined, this);\n"
              "y = __mf$K.jsxDEV(\"b\", {}, undefined, false, undefined, this);\n");
}

TEST(transform_syntax_jsx_runtime_import) {
    /* The specifier (and with it the record) says which runtime. */
    MfConfig cfg;
    cfg_init(&cfg, MF_MODE_DEVELOPMENT, true);
    unit_write(tmp(), "rt.jsx", "x = <b />;\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/rt.jsx", tmp());
    MfModule *m = mf_module_new(path);
    MfParser *p = mf_parser_new();
    MfParseOptions opts = {&cfg};
    CHECK(p && mf_parse_module(p, m, &opts));
    bool found = false;
    for (uint32_t i = 0; i < m->imports.len; i++)
        if (m->imports.items[i].implicit)
            found = strcmp(m->imports.items[i].specifier, "react/jsx-dev-runtime") == 0;
    CHECK(found);
    mf_parser_free(p);
    mf_module_free(m);
    cfg_done(&cfg);
}

TEST(transform_syntax_jsx_in_dead_code_without_runtime) {
    /* parse.c records no runtime import for JSX that `define` makes dead;
     * it must still parse. */
    Result r = transform("dead.jsx",
                         "if (process.env.NODE_ENV !== \"production\") { x = <Dev a={1} />; }\n");
    CHECK_INT(r.jsx, -1);
    CHECK_INT(r.errors, 0);
    CHECK(strstr(r.out, "{ x = null; }") != NULL);
    result_free(&r);
}

TEST(transform_syntax_jsx_spread_child_is_an_error) {
    check_error("sc.jsx", "x = <a>{...kids}</a>;\n", "Spread children are not supported in JSX",
                "{...kids}");
}

TEST(transform_syntax_jsx_deeply_nested) {
    /* 50,000 nested elements: no recursion on the C stack. */
    enum { N = 50000 };
    MfBuf b = {0};
    mf_buf_puts(&b, "x = ");
    for (int i = 0; i < N; i++) mf_buf_puts(&b, "<a>");
    mf_buf_puts(&b, "t");
    for (int i = 0; i < N; i++) mf_buf_puts(&b, "</a>");
    mf_buf_puts(&b, ";\n");
    Result r = transform("deep.jsx", b.data);
    CHECK_INT(r.errors, 0);
    uint32_t calls = 0;
    for (const char *p = r.out; (p = strstr(p, ".jsx(\"a\", { children: ")); p++) calls++;
    CHECK_INT(calls, N);
    CHECK(strstr(r.out, "{ children: \"t\" }") != NULL);
    result_free(&r);
    mf_buf_free(&b);
}

/* ---- JSX: classic runtime ------------------------------------------------ */

TEST(transform_syntax_jsx_classic) {
    Result r = transform_mode("c.jsx",
                              "x = <div a=\"1\" key={k}>hi {name}<br /></div>;\n"
                              "y = <><A /></>;\nz = <p />;\n",
                              MF_MODE_PRODUCTION, false);
    CHECK_INT(r.errors, 0);
    CHECK_INT(r.jsx, -1);
    CHECK_STR(r.out, "x = React.createElement(\"div\", { a: \"1\", key: k }, \"hi \", name, "
                     "React.createElement(\"br\", null));\n"
                     "y = React.createElement(React.Fragment, null, React.createElement(A, null));\n"
                     "z = React.createElement(\"p\", null);\n");
    result_free(&r);
}

TEST(transform_syntax_jsx_classic_pragma_through_import) {
    /* The pragma's root goes through the ESM pass's binding lookup. */
    Result r = transform_mode("ci.jsx", "import React from \"react\";\nx = <p />;\n",
                              MF_MODE_PRODUCTION, false);
    CHECK_INT(r.errors, 0);
    const char *line = strchr(r.out, '\n');
    CHECK_STR(line, "\nx = __mf$0.default.createElement(\"p\", null);\n");
    result_free(&r);
}

/* ---- TypeScript: erasure ------------------------------------------------- */

TEST(transform_syntax_ts_annotations) {
    CHECK_TS("let a: number = 1, b: string;\n"
             "function f(x: number, y?: string, ...r: any[]): void {}\n"
             "const g = (x: T): T => x;\n"
             "try {} catch (e: unknown) {}\n"
             "let v!: number;\n",
             "let a = 1, b;\n"
             "function f(x, y, ...r) {}\n"
             "const g = (x) => x;\n"
             "try {} catch (e) {}\n"
             "let v;\n");
    CHECK_TS("function isS(x: any): x is string { return true; }\n"
             "function as(x: any): asserts x {}\n"
             "let o: {\n  a: number;\n  b: string;\n} = { a: 1, b: \"\" };\n",
             "function isS(x) { return true; }\n"
             "function as(x) {}\n"
             "let o\n\n\n = { a: 1, b: \"\" };\n");
}

TEST(transform_syntax_ts_generics) {
    CHECK_TS("function id<T extends object = {}>(x: T): T { return x; }\n"
             "const m = new Map<string, number>();\n"
             "f<T>(x);\n"
             "const h = <T,>(x: T) => x;\n"
             "const k = async <T>(x: T) => x;\n"
             "class Box<T> extends Base<T> {}\n",
             "function id(x) { return x; }\n"
             "const m = new Map();\n"
             "f(x);\n"
             "const h = (x) => x;\n"
             "const k = async (x) => x;\n"
             "class Box extends Base {}\n");
    /* .tsx: generic arrows need the comma; JSX type arguments go too. */
    CHECK_TSX("const h = <T,>(x: T) => <Foo<T> v={x} />;\n",
              "const h = (x) => __mf$K.jsx(Foo, { v: x });\n");
}

TEST(transform_syntax_ts_assertions) {
    CHECK_TS("let a = x as any;\n"
             "let b = (y as unknown as string).length;\n"
             "let c = z satisfies Z;\n"
             "let d = w!.v!;\n"
             "let e = <any>q;\n"
             "let f = [1] as const;\n",
             "let a = x;\n"
             "let b = (y).length;\n"
             "let c = z;\n"
             "let d = w.v;\n"
             "let e = q;\n"
             "let f = [1];\n");
}

TEST(transform_syntax_ts_type_declarations) {
    CHECK_TS("interface I {\n  a: number;\n}\n"
             "type T = string | number;\n"
             "declare const c: number;\n"
             "declare module \"m\" {\n  export const x: number;\n}\n"
             "declare global { interface Window { a: 1 } }\n"
             "let x = 1;\n",
             "\n\n\n"
             "\n"
             "\n"
             "\n\n\n"
             "\n"
             "let x = 1;\n");
}

TEST(transform_syntax_ts_type_only_imports_and_exports) {
    CHECK_TS("import type { A } from \"./a\";\n"
             "import { type B } from \"./b\";\n"
             "export type { A };\n"
             "export type C = 1;\n"
             "export interface D {}\n"
             "export declare function e(): void;\n"
             "export as namespace Lib;\n"
             "let x = 1;\n",
             "\n\n\n\n\n\n\nlet x = 1;\n");
}

TEST(transform_syntax_ts_class_members) {
    CHECK_TS("class C extends B implements I, J {\n"
             "  private a?: number = 1;\n"
             "  declare b: string;\n"
             "  protected readonly c!: string;\n"
             "  static override d = 2;\n"
             "  [key: string]: any;\n"
             "  public m<T>(a: T): T { return a; }\n"
             "  n?(): void {}\n"
             "  o(): void;\n"
             "  o(x?: any) {}\n"
             "  get p(): number { return 1; }\n"
             "}\n",
             "class C extends B  {\n"
             "  a = 1;\n"
             "  ;\n"
             "  c;\n"
             "  static d = 2;\n"
             "  ;\n"
             "  m(a) { return a; }\n"
             "  n() {}\n"
             "  ;\n"
             "  o(x) {}\n"
             "  get p() { return 1; }\n"
             "}\n");
    CHECK_TS("abstract class A {\n  abstract m(): void;\n  abstract x: number;\n  y = 1;\n}\n",
             "class A {\n  ;\n  ;\n  y = 1;\n}\n");
}

TEST(transform_syntax_ts_this_parameter) {
    CHECK_TS("function f(this: Window, a: number) {}\n"
             "function g(this: Window) {}\n"
             "function h(this: Window,) {}\n",
             "function f(a) {}\nfunction g() {}\nfunction h() {}\n");
}

TEST(transform_syntax_ts_parameter_properties) {
    CHECK_TS("class P extends Q {\n"
             "  constructor(private x: number, public readonly y = 2, z?: string) {\n"
             "    super(z);\n"
             "    this.go();\n"
             "  }\n"
             "}\n"
             "class R {\n"
             "  constructor(readonly a: A, protected b) { go(); }\n"
             "}\n"
             "class S extends T { constructor(public c) { super() } }\n",
             "class P extends Q {\n"
             "  constructor(x, y = 2, z) {\n"
             "    super(z); this.x = x; this.y = y;\n"
             "    this.go();\n"
             "  }\n"
             "}\n"
             "class R {\n"
             "  constructor(a, b) { this.a = a; this.b = b; go(); }\n"
             "}\n"
             "class S extends T { constructor(c) { super(); this.c = c; } }\n");
}

TEST(transform_syntax_ts_overloads) {
    CHECK_TS("function over(a: string): string;\n"
             "function over(a: number): number;\n"
             "function over(a: any) { return a; }\n",
             "\n\nfunction over(a) { return a; }\n");
}

TEST(transform_syntax_ts_import_alias) {
    CHECK_TS("import Alias = Outer.Inner;\n", "var Alias = Outer.Inner;\n");
    CHECK_TS("namespace N { export import A = M.A; export const b = A; }\n",
             "var N; (function (N) { var A = M.A; N.A = A; const b = A; N.b = b; })(N || (N = {}));\n");
}

/* ---- TypeScript: enums --------------------------------------------------- */

TEST(transform_syntax_ts_enum) {
    CHECK_TS("enum E { A, B = 5, C, D = \"d\" }\n",
             "var E; (function (E) { E[E[\"A\"] = 0] = \"A\"; E[E[\"B\"] = 5] = \"B\"; "
             "E[E[\"C\"] = 6] = \"C\"; E[\"D\"] = \"d\"; })(E || (E = {}));\n");
    /* Constant folding, member references, string names, lines kept. */
    CHECK_TS("const enum F {\n"
             "  X = 1 << 2,\n"
             "  Y = X | 1,\n"
             "  Z = \"a\" + 'b',\n"
             "  \"q-r\" = F.Y * 2,\n"
             "  N = -0x10,\n"
             "  H = 1.5,\n"
             "  M,\n"
             "}\n",
             "var F; (function (F) {\n"
             "  F[F[\"X\"] = 4] = \"X\";\n"
             "  F[F[\"Y\"] = 5] = \"Y\";\n"
             "  F[\"Z\"] = \"ab\";\n"
             "  F[F[\"q-r\"] = 10] = \"q-r\";\n"
             "  F[F[\"N\"] = -16] = \"N\";\n"
             "  F[F[\"H\"] = 1.5] = \"H\";\n"
             "  F[F[\"M\"] = 2.5] = \"M\";\n"
             "})(F || (F = {}));\n");
    /* Computed at run time: the initializer keeps its text, member
     * references read the enum. */
    CHECK_TS("enum G { A = 1, B = f(A), C = 3 }\n",
             "var G; (function (G) { G[G[\"A\"] = 1] = \"A\"; G[G[\"B\"] = f(G.A)] = \"B\"; "
             "G[G[\"C\"] = 3] = \"C\"; })(G || (G = {}));\n");
    CHECK_TS("declare enum H { A }\ndeclare const enum I { B }\n", "\n\n");
    CHECK_TS("enum Empty {}\n", "var Empty; (function (Empty) {})(Empty || (Empty = {}));\n");
}

TEST(transform_syntax_ts_enum_errors) {
    check_error("e1.ts", "enum E { A = \"a\", B }\n", "Enum member must have an initializer", "B }");
    check_error("e2.ts", "enum E { A = f(), B }\n", "Enum member must have an initializer", "B }");
    check_error("e3.ts", "enum E { [k] = 1 }\n", "This enum member name is not supported", "[k]");
}

/* ---- TypeScript: namespaces ---------------------------------------------- */

TEST(transform_syntax_ts_namespace) {
    CHECK_TS("namespace N { export const x = 1; function f(){} export function g(){} }\n",
             "var N; (function (N) { const x = 1; N.x = x; function f(){} function g(){} N.g = g; "
             "})(N || (N = {}));\n");
    CHECK_TS("namespace A.B {\n  export let y = 2, { z } = o\n  export class C {}\n}\n",
             "var A; (function (A) { var B; (function (B) {\n"
             "  let y = 2, { z } = o; B.y = y; B.z = z;\n"
             "  class C {} B.C = C;\n"
             "})(B = A.B || (A.B = {})); })(A || (A = {}));\n");
    /* Exported enums and namespaces inside: assigned through the parent. */
    CHECK_TS("module M { export enum E { K } export namespace I { export const w = 1; } }\n",
             "var M; (function (M) { var E; (function (E) { E[E[\"K\"] = 0] = \"K\"; })"
             "(E = M.E || (M.E = {})); var I; (function (I) { const w = 1; I.w = w; })"
             "(I = M.I || (M.I = {})); })(M || (M = {}));\n");
    /* Types only: nothing at run time. */
    CHECK_TS("namespace T { export interface I {} type U = 1; namespace V { type W = 2; } }\nlet x;\n",
             "\nlet x;\n");
    /* Merging with a class: no `var`, which would be a redeclaration. */
    CHECK_TS("class K {}\nnamespace K { export const a = 1; }\nenum K2 { A }\nenum K2 { B = 1 }\n",
             "class K {}\n(function (K) { const a = 1; K.a = a; })(K || (K = {}));\n"
             "var K2; (function (K2) { K2[K2[\"A\"] = 0] = \"A\"; })(K2 || (K2 = {}));\n"
             "(function (K2) { K2[K2[\"B\"] = 1] = \"B\"; })(K2 || (K2 = {}));\n");
}

TEST(transform_syntax_ts_namespace_unsupported) {
    check_error("n1.ts", "namespace N { const a = 1; export { a }; }\n",
                "This kind of export is not supported inside a namespace", "export { a }");
}

TEST(transform_syntax_ts_decorators_are_errors) {
    check_error("d1.ts", "@sealed\nclass A {}\n", "Decorators are not supported yet", "@sealed");
    check_error("d2.ts", "class A {\n  @log m() {}\n}\n", "Decorators are not supported yet",
                "@log");
    check_error("d3.ts", "class A { constructor(@inject x) {} }\n",
                "Decorators are not supported yet", "@inject");
}

TEST(transform_syntax_ts_plain_js_untouched) {
    /* A .js file without JSX is not walked: its bytes come back as is. */
    Result r = transform("plain.js", "let a = b < c > d;\nclass X { #p = 1; }\n");
    CHECK_STR(r.out, "let a = b < c > d;\nclass X { #p = 1; }\n");
    result_free(&r);
}

/* ---- the output runs --------------------------------------------------------- */

static bool have_node(void) {
    return system("node --version >/dev/null 2>&1") == 0;
}

/* Runs `prelude` + the rendered module body under Node, inside a module
 * function with a stub __mf, and compares what it prints. */
static void check_runs(const char *name, const char *src, MfMode mode, bool automatic,
                       const char *prelude, const char *expected) {
    if (!have_node()) {
        fprintf(stderr, "    (node not found: %s not run)\n", name);
        return;
    }
    MfConfig cfg;
    cfg_init(&cfg, mode, automatic);
    Result r = transform_cfg(name, src, &cfg);
    cfg_done(&cfg);
    CHECK_INT(r.errors, 0);
    /* The whole module, with the ESM pass's prologue. */
    char *script = mf_xasprintf(
        "const __mf = { d() {}, s() {}, u: '', p: '', e() {}, i(id) { return __ns(id); } };\n"
        "%s\n"
        "(function (module, exports, require, __mf) {\n%s\n}).call({}, {}, {}, require, __mf);\n",
        prelude, r.full);
    char js[4096], outp[4096];
    snprintf(js, sizeof js, "%s/%s.run.js", tmp(), name);
    snprintf(outp, sizeof outp, "%s/%s.out", tmp(), name);
    unit_write(tmp(), mf_path_basename(js), script);
    char *cmd = mf_xasprintf("node '%s' > '%s' 2>&1", js, outp);
    int rc = system(cmd);
    CHECK_INT(rc, 0);
    char *got = NULL;
    size_t len;
    if (mf_file_read(outp, &got, &len) == 0) {
        CHECK_STR(got, expected);
        if (rc != 0) fprintf(stderr, "%s\n", script);
    }
    free(got);
    free(cmd);
    free(script);
    result_free(&r);
}

TEST(transform_syntax_ts_output_runs_under_node) {
    check_runs("run.ts",
               "enum Color { Red, Green = 4, Blue, Name = \"n\" }\n"
               "namespace Geo.Shapes { export const pi: number = 3; export function area(r: number) "
               "{ return pi * r * r; } }\n"
               "namespace Geo { export enum Kind { A = 1 << 3 } }\n"
               "class Base { constructor(public tag: string) {} }\n"
               "class Point extends Base {\n"
               "  declare ghost: number;\n"
               "  private static count: number = 0;\n"
               "  constructor(public x: number, private readonly y: number = 2) { super(\"p\"); }\n"
               "  sum(this: Point): number { return this.x + this.y!; }\n"
               "}\n"
               "function over(a: string): string;\n"
               "function over(a: any) { return a as string; }\n"
               "const p = new Point(1);\n"
               "console.log(Color.Red, Color[4], Color.Blue, Color.Name, Geo.Shapes.area(2), "
               "Geo.Kind.A, p.sum(), p.tag, over(\"o\"), 'ghost' in p);\n",
               MF_MODE_PRODUCTION, true, "function __ns() { return {}; }",
               "0 Green 5 n 12 8 3 p o false\n");
}

TEST(transform_syntax_jsx_output_runs_under_node) {
    const char *runtime =
        "function __el(t, p, k) { const c = p.children; "
        "  return '<' + (typeof t === 'string' ? t : t.name || 'F') + (k !== undefined ? '#' + k : '')"
        "    + Object.keys(p).filter(x => x !== 'children').map(x => ' ' + x + '=' + JSON.stringify(p[x])).join('')"
        "    + '>' + (c === undefined ? '' : [c].flat(Infinity).join('')) + '</>'; }\n"
        "function __ns() { return { jsx: __el, jsxs: __el, jsxDEV: __el, Fragment: { name: 'Frag' } }; }";
    check_runs("run.jsx",
               "function Item({ n }) { return n; }\n"
               "const items = [1, 2];\n"
               "console.log(<ul className=\"a &amp; b\" {...{ id: 'u' }}>\n"
               "  Items:\n"
               "  {items.map((i) => <li key={i}>#{i}</li>)}\n"
               "  <>frag</>\n"
               "</ul>);\n",
               MF_MODE_PRODUCTION, true, runtime,
               "<ul className=\"a & b\" id=\"u\">Items:<li#1>#1</><li#2>#2</><Frag>frag</></>\n");
}
