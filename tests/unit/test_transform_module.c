/*
 * test_transform_module.c — transform_module.c: ES module syntax to the
 * registry's function form (docs/output-format.md section 2).
 *
 * Each test writes a source file, parses it (parse.c runs the transform
 * passes) with a hand-built config, renders the edits without a render
 * context (placeholders become the specifier as a JS string) and compares
 * the text.  JSX output belongs to transform_syntax.c, so tests that involve
 * JSX only check the parts this pass writes.  The last tests run a few
 * rendered modules with Node through a small stand-in for the runtime.
 */
#include "mfbuild.h"
#include "unit.h"

#include "../../src/syntax.h"

#include <stdlib.h>

static const char *tmp(void) {
    static const char *dir;
    if (!dir) dir = unit_tmpdir();
    return dir;
}

typedef struct Opts {
    bool classic;      /* classic JSX runtime (React.createElement) */
    const char *define_key, *define_value; /* one extra define */
} Opts;

static MfModule *parse_opts(const char *name, const char *src, const Opts *o) {
    MfConfig cfg = {0};
    cfg.arena = mf_arena_new();
    cfg.mode = MF_MODE_PRODUCTION;
    cfg.jsx_automatic = !(o && o->classic);
    cfg.jsx_import_source = mf_arena_strdup(cfg.arena, "react");
    MfStrPair d = {mf_arena_strdup(cfg.arena, "process.env.NODE_ENV"),
                   mf_arena_strdup(cfg.arena, "\"production\"")};
    MF_VEC_PUSH(&cfg.define, d);
    if (o && o->define_key) {
        MfStrPair e = {mf_arena_strdup(cfg.arena, o->define_key),
                       mf_arena_strdup(cfg.arena, o->define_value)};
        MF_VEC_PUSH(&cfg.define, e);
    }
    static const char *const exts[] = {".tsx", ".ts", ".jsx", ".js", ".json"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char *x = mf_arena_strdup(cfg.arena, exts[i]);
        MF_VEC_PUSH(&cfg.extensions, x);
    }
    unit_write(tmp(), name, src);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp(), name);
    MfModule *m = mf_module_new(path);
    MfParser *p = mf_parser_new();
    MfParseOptions opts = {&cfg};
    bool ok = p && mf_parse_module(p, m, &opts);
    CHECK(ok);
    mf_parser_free(p);
    free(cfg.define.items);
    free(cfg.extensions.items);
    mf_arena_free(cfg.arena);
    return m;
}

static MfModule *parse(const char *name, const char *src) { return parse_opts(name, src, NULL); }

/* The rendered module; caller frees. */
static char *render(const MfModule *m) {
    MfBuf b = {0};
    mf_render_module(m, NULL, &b);
    return b.data ? mf_buf_steal(&b) : mf_xstrdup("");
}

static uint32_t errors_of(const MfModule *m) { return m->log.errors; }

static void print_diags(const MfModule *m) {
    for (uint32_t i = 0; i < m->log.diags.len; i++)
        fprintf(stderr, "    diag: %s\n", m->log.diags.items[i].text);
}

/* Parses, renders and compares the whole output; no diagnostics expected. */
static void check_output_opts(const char *name, const char *src, const Opts *o, const char *expected) {
    MfModule *m = parse_opts(name, src, o);
    char *out = render(m);
    CHECK_STR(out, expected);
    if (m->log.diags.len) print_diags(m);
    CHECK_INT(m->log.diags.len, 0);
    free(out);
    mf_module_free(m);
}

static void check_output(const char *name, const char *src, const char *expected) {
    check_output_opts(name, src, NULL, expected);
}

static bool contains(const char *s, const char *needle) {
    if (strstr(s, needle)) return true;
    fprintf(stderr, "    \"%s\" not found in:\n%s\n", needle, s);
    return false;
}

static bool lacks(const char *s, const char *needle) {
    if (!strstr(s, needle)) return true;
    fprintf(stderr, "    \"%s\" unexpectedly found in:\n%s\n", needle, s);
    return false;
}

static uint32_t count_lines(const char *s) {
    uint32_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* ---- imports ------------------------------------------------------------------ */

TEST(tm_import_default_and_named) {
    check_output("imp1.js",
                 "import React, { useState as u } from \"react\";\n"
                 "export default function App() { return u(React); }\n",
                 "__mf.d(this, { default: () => App }); var __mf$0 = __mf.i(\"react\");\n"
                 "function App() { return (0, __mf$0.useState)(__mf$0.default); }\n");
}

TEST(tm_import_reference_positions) {
    check_output("imp2.js",
                 "import * as ns from \"a\";\n"
                 "import d, { x, \"a-b\" as y } from \"b\";\n"
                 "ns.f(); ns(); d(); new d(); d`t`; (x)(); x?.(); x.m(); y;\n"
                 "const o = { ns, d, x, k: x, [x]: 1 };\n"
                 "export const v = typeof x;\n",
                 "__mf.d(this, { v: () => v }); var __mf$0 = __mf.i(\"a\"); "
                 "var __mf$1 = __mf.i(\"b\");\n"
                 "\n"
                 "__mf$0.f(); __mf$0(); (0, __mf$1.default)(); new __mf$1.default(); "
                 "(0, __mf$1.default)`t`; ((0, __mf$1.x))(); (0, __mf$1.x)?.(); __mf$1.x.m(); "
                 "__mf$1[\"a-b\"];\n"
                 "const o = { ns: __mf$0, d: __mf$1.default, x: __mf$1.x, k: __mf$1.x, [__mf$1.x]: 1 };\n"
                 "const v = typeof __mf$1.x;\n");
}

TEST(tm_import_hoisted_use_before_statement) {
    /* Imports are hoisted: a use above the statement is still the import. */
    check_output("imp3.js", "f();\nimport { f } from \"f\";\n",
                 "__mf.d(this, {}); var __mf$0 = __mf.i(\"f\");(0, __mf$0.f)();\n\n");
}

TEST(tm_import_side_effect_and_multiline) {
    /* Deleted statements keep their newlines: line numbers do not move. */
    const char *src = "import \"./polyfill\";\n"
                      "import {\n  a,\n  b,\n} from \"ab\";\n"
                      "console.log(a, b);\n";
    MfModule *m = parse("imp4.js", src);
    char *out = render(m);
    CHECK_STR(out, "__mf.d(this, {}); var __mf$0 = __mf.i(\"./polyfill\"); "
                   "var __mf$1 = __mf.i(\"ab\");\n\n\n\n\n"
                   "console.log(__mf$1.a, __mf$1.b);\n");
    CHECK_INT(count_lines(out), count_lines(src));
    free(out);
    mf_module_free(m);
}

TEST(tm_shadowing) {
    check_output("shadow.js",
                 "import { x, y, z, w, C, q } from \"m\";\n"
                 "function f(x) { return x + y; }\n"
                 "const g = (y) => y + z;\n"
                 "const h = function z() { return z; };\n"
                 "try {} catch (w) { w; }\n"
                 "{ let x = 1; x; } x;\n"
                 "for (const y of []) y;\n"
                 "for (let i = 0, z = 1; i < z; i++) z;\n"
                 "function k() { if (1) { var w; } return w; }\n"
                 "function d({ a = x }, [b = y], ...q) { return q; }\n"
                 "class C2 { m(C) { return C; } n() { return C; } }\n"
                 "{ class C {} C; }\n"
                 "const e = class q { m() { return q; } };\n"
                 "function hoist() { return inner(); function x() {} function inner() { return x; } }\n"
                 "switch (1) { case 1: let y = 2; y; }\n"
                 "label: for (;;) { break label; }\n",
                 "__mf.d(this, {}); var __mf$0 = __mf.i(\"m\");\n"
                 "function f(x) { return x + __mf$0.y; }\n"
                 "const g = (y) => y + __mf$0.z;\n"
                 "const h = function z() { return z; };\n"
                 "try {} catch (w) { w; }\n"
                 "{ let x = 1; x; } __mf$0.x;\n"
                 "for (const y of []) y;\n"
                 "for (let i = 0, z = 1; i < z; i++) z;\n"
                 "function k() { if (1) { var w; } return w; }\n"
                 "function d({ a = __mf$0.x }, [b = __mf$0.y], ...q) { return q; }\n"
                 "class C2 { m(C) { return C; } n() { return __mf$0.C; } }\n"
                 "{ class C {} C; }\n"
                 "const e = class q { m() { return q; } };\n"
                 "function hoist() { return inner(); function x() {} function inner() { return x; } }\n"
                 "switch (1) { case 1: let y = 2; y; }\n"
                 "label: for (;;) { break label; }\n");
}

TEST(tm_shadowing_parameter_defaults) {
    /* A default value does not see the body's vars. */
    check_output("shadow2.js",
                 "import { x } from \"m\";\n"
                 "function f(a = x) { var x = 1; return a + x; }\n",
                 "__mf.d(this, {}); var __mf$0 = __mf.i(\"m\");\n"
                 "function f(a = __mf$0.x) { var x = 1; return a + x; }\n");
}

TEST(tm_assign_to_import_is_an_error) {
    MfModule *m = parse("assign.js",
                        "import { a, b, c, d, e } from \"m\";\n"
                        "a = 1; [b] = []; ({ c } = {}); d++; e += 1;\n"
                        "function ok(a) { a = 2; }\n");
    CHECK_INT(errors_of(m), 5);
    CHECK_INT(m->log.diags.len, 5);
    if (m->log.diags.len) {
        CHECK_STR(m->log.diags.items[0].text, "Cannot assign to import \"a\"");
        CHECK_INT(m->log.diags.items[0].id, MF_MSG_UNSUPPORTED_SYNTAX);
        CHECK_INT(m->log.diags.items[0].offset, 35);
        CHECK_INT(m->log.diags.items[0].length, 1);
    }
    mf_module_free(m);
}

TEST(tm_jsx_element_names_are_references) {
    MfModule *m = parse("jsx1.jsx",
                        "import Button from \"./Button\";\n"
                        "import * as UI from \"./ui\";\n"
                        "import { div } from \"./x\";\n"
                        "export const a = <Button><UI.Item /><div /></Button>;\n");
    char *out = render(m);
    CHECK(contains(out, "var __mf$0 = __mf.i(\"./Button\"); var __mf$1 = __mf.i(\"./ui\"); "
                        "var __mf$2 = __mf.i(\"./x\"); var __mf$3 = __mf.i(\"react/jsx-runtime\");"));
    CHECK(contains(out, "__mf$0.default"));
    CHECK(contains(out, "__mf$1.Item"));
    CHECK(lacks(out, "__mf$2.div")); /* <div> is an intrinsic element, not the import */
    CHECK(lacks(out, "UI.Item"));
    CHECK_INT(m->log.diags.len, 0);
    free(out);
    mf_module_free(m);
}

TEST(tm_classic_jsx_pragma_binding) {
    Opts o = {.classic = true};
    MfModule *m = parse_opts("classic.tsx",
                             "import React from \"react\";\n"
                             "export const a = <b />;\n", &o);
    char *out = render(m);
    /* counted as used by the JSX, so TypeScript's elision keeps it */
    CHECK_INT(m->imports.len, 1);
    CHECK(contains(out, "var __mf$0 = __mf.i(\"react\");"));
    CHECK(contains(out, "__mf$0.default.createElement("));
    free(out);
    mf_module_free(m);
}

/* ---- exports ------------------------------------------------------------------ */

TEST(tm_export_declarations) {
    check_output("exp1.js",
                 "export const a = 1, { b, c: [d] } = o;\n"
                 "export let e;\n"
                 "export var f = 2;\n"
                 "export function g() {}\n"
                 "export function* h() {}\n"
                 "export async function i() {}\n"
                 "export class J {}\n",
                 /* sorted by code unit, as a module namespace lists its keys */
                 "__mf.d(this, { J: () => J, a: () => a, b: () => b, d: () => d, e: () => e, "
                 "f: () => f, g: () => g, h: () => h, i: () => i });"
                 "const a = 1, { b, c: [d] } = o;\n"
                 "let e;\n"
                 "var f = 2;\n"
                 "function g() {}\n"
                 "function* h() {}\n"
                 "async function i() {}\n"
                 "class J {}\n");
}

#define RENAME " Object.defineProperty(__mf$default, \"name\", { value: \"default\" });"

TEST(tm_export_default_forms) {
    /* Anonymous functions stay (hoisted) declarations, renamed "default"
     * as the spec names them; anonymous classes and arrows get the name by
     * being defined as a property `default`. */
    check_output("def1.js", "export default function () { return 1; }\n",
                 "__mf.d(this, { default: () => __mf$default });" RENAME
                 "function __mf$default () { return 1; }\n");
    check_output("def2.js", "export default async function(){}\n",
                 "__mf.d(this, { default: () => __mf$default });" RENAME
                 "async function __mf$default(){}\n");
    check_output("def3.js", "export default function* () {}\n",
                 "__mf.d(this, { default: () => __mf$default });" RENAME
                 "function* __mf$default () {}\n");
    check_output("def4.js", "export default class extends B {}\n",
                 "__mf.d(this, { default: () => __mf$default });"
                 "var __mf$default = { default: class extends B {} }.default;\n");
    check_output("def4b.js", "export default () => {}\nlet x;\n",
                 "__mf.d(this, { default: () => __mf$default });"
                 "var __mf$default = { default: () => {} }.default;\nlet x;\n");
    check_output("def4c.js", "export default (class {});\n",
                 "__mf.d(this, { default: () => __mf$default });"
                 "var __mf$default = { default: (class {}) }.default;\n");
    check_output("def5.js", "export default class K {}\n",
                 "__mf.d(this, { default: () => K });class K {}\n");
    check_output("def6.js", "export default 1 + 2;\n",
                 "__mf.d(this, { default: () => __mf$default });var __mf$default = 1 + 2;\n");
    check_output("def7.js", "export default (function named() {});\n",
                 "__mf.d(this, { default: () => __mf$default });"
                 "var __mf$default = (function named() {});\n");
    check_output("def8.js", "import x from \"x\";\nexport default x;\n",
                 "__mf.d(this, { default: () => __mf$default }); var __mf$0 = __mf.i(\"x\");\n"
                 "var __mf$default = __mf$0.default;\n");
}

TEST(tm_export_lists_and_reexports) {
    check_output("exp2.js",
                 "import { imp } from \"i\";\n"
                 "const a = 1;\n"
                 "export { a, a as b, imp, imp as default, a as \"s-t\" };\n"
                 "export { x, default as y, \"q-r\" as z } from \"re\";\n"
                 "export * from \"star\";\n"
                 "export * as ns from \"star2\";\n",
                 "__mf.d(this, { a: () => a, b: () => a, default: () => __mf$0.imp, "
                 "imp: () => __mf$0.imp, ns: () => __mf$3, \"s-t\": () => a, x: () => __mf$1.x, "
                 "y: () => __mf$1.default, z: () => __mf$1[\"q-r\"] }); "
                 "var __mf$0 = __mf.i(\"i\"); var __mf$1 = __mf.i(\"re\"); "
                 "var __mf$2 = __mf.i(\"star\"); var __mf$3 = __mf.i(\"star2\"); "
                 "__mf.s(this, __mf$2);\n"
                 "const a = 1;\n"
                 "\n\n\n\n");
}

TEST(tm_export_hoisted_function_order) {
    /* The getters are defined before any code runs and refer to the
     * (hoisted) function before its declaration: a cycle can call it early. */
    check_output("exp3.js",
                 "export { later as first };\n"
                 "export const mid = later();\n"
                 "export function later() { return 1; }\n",
                 "__mf.d(this, { first: () => later, later: () => later, mid: () => mid });\n"
                 "const mid = later();\n"
                 "function later() { return 1; }\n");
}

TEST(tm_decorated_export_keeps_decorator) {
    /* (transform_syntax.c reports decorators as unsupported: only this
     * pass's part of the output is checked) */
    MfModule *m = parse("deco.ts", "@dec export class A {}\n");
    char *out = render(m);
    CHECK(contains(out, "__mf.d(this, { A: () => A });@dec class A {}\n"));
    free(out);
    mf_module_free(m);
}

TEST(tm_statement_deletion_keeps_asi) {
    /* Without the ";" the call on the last line would continue `b`. */
    check_output("asi.js",
                 "let a = b\n"
                 "import x from \"y\";\n"
                 "(foo)()\n"
                 "export { a, x };\n"
                 "[1].map(f)\n",
                 "__mf.d(this, { a: () => a, x: () => __mf$0.default }); var __mf$0 = __mf.i(\"y\");"
                 "let a = b\n"
                 ";\n"
                 "(foo)()\n"
                 ";\n"
                 "[1].map(f)\n");
}

TEST(tm_header_after_directives_and_hashbang) {
    check_output("dir.js",
                 "#!/usr/bin/env node\n"
                 "'use strict';\n"
                 "\"use client\";\n"
                 "import a from \"a\";\n"
                 "a();\n",
                 "\n'use strict';\n"
                 "\"use client\";__mf.d(this, {}); var __mf$0 = __mf.i(\"a\");\n"
                 "\n"
                 "(0, __mf$0.default)();\n");
    check_output("bom.js", "\xEF\xBB\xBFimport a from \"a\";\na;\n",
                 "__mf.d(this, {}); var __mf$0 = __mf.i(\"a\");\n__mf$0.default;\n");
}

TEST(tm_esm_without_exports_and_this) {
    check_output("this.js",
                 "import \"x\";\n"
                 "console.log(this, () => this);\n"
                 "function f() { return this; }\n"
                 "class K { a = this; m() { return this; } static { this.b = 1; } }\n",
                 "__mf.d(this, {}); var __mf$0 = __mf.i(\"x\");\n"
                 "console.log(undefined, () => undefined);\n"
                 "function f() { return this; }\n"
                 "class K { a = this; m() { return this; } static { this.b = 1; } }\n");
}

TEST(tm_mjs_without_module_syntax_is_esm) {
    /* .mjs is an ES module by its extension: header and `this` as above */
    MfModule *m = parse("plain.mjs", "console.log(this, (() => this)(), function () { return this; });\n");
    CHECK_INT(m->kind, MF_MOD_ESM);
    char *out = render(m);
    CHECK_STR(out, "__mf.d(this, {});"
                   "console.log(undefined, (() => undefined)(), function () { return this; });\n");
    free(out);
    mf_module_free(m);
    /* .cjs: `this` is module.exports */
    check_output("plain.cjs", "this.x = 1;\n", "this.x = 1;\n");
}

/* ---- ASI: replacements that start with "(" or "[" -------------------------------- */

TEST(tm_asi_replacement_at_statement_start) {
    /* A ";" goes before a "(" that the statement before could continue,
     * and nowhere else (not after "{", ";", `if (c)`, `else`, `do`, a
     * label, a closed statement, a deleted import). */
    check_output("asi2.js",
                 "import { f, g } from \"m\"\n"
                 "f()\n"
                 "const y = 2\n"
                 "f()\n"
                 "g();\n"
                 "f()\n"
                 "if (y) f()\n"
                 "else f()\n"
                 "do f(); while (0)\n"
                 "label: f()\n"
                 "{ f() }\n"
                 "switch (y) { case 1: f() }\n"
                 "for (;;) f()\n"
                 "x = function () {}\n"
                 "f()\n"
                 "if (y) o = {}\n"
                 "f()\n"
                 "if (y) {} else { o = {} }\n"
                 "f()\n"
                 "function h() {}\n"
                 "f()\n"
                 "class K {}\n"
                 "f()\n"
                 "// comment\n"
                 "f().x\n"
                 "/* c */ f`t`\n"
                 "export { y }\n"
                 "f()\n",
                 "__mf.d(this, { y: () => y }); var __mf$0 = __mf.i(\"m\");\n"
                 "(0, __mf$0.f)()\n"
                 "const y = 2\n"
                 ";(0, __mf$0.f)()\n"
                 ";(0, __mf$0.g)();\n"
                 "(0, __mf$0.f)()\n"
                 "if (y) (0, __mf$0.f)()\n"
                 "else (0, __mf$0.f)()\n"
                 "do (0, __mf$0.f)(); while (0)\n"
                 "label: (0, __mf$0.f)()\n"
                 "{ (0, __mf$0.f)() }\n"
                 "switch (y) { case 1: (0, __mf$0.f)() }\n"
                 "for (;;) (0, __mf$0.f)()\n"
                 "x = function () {}\n"
                 ";(0, __mf$0.f)()\n"
                 "if (y) o = {}\n"
                 ";(0, __mf$0.f)()\n"
                 "if (y) {} else { o = {} }\n"
                 "(0, __mf$0.f)()\n"
                 "function h() {}\n"
                 "(0, __mf$0.f)()\n"
                 "class K {}\n"
                 "(0, __mf$0.f)()\n"
                 "// comment\n"
                 ";(0, __mf$0.f)().x\n"
                 "/* c */ ;(0, __mf$0.f)`t`\n"
                 ";\n"
                 "(0, __mf$0.f)()\n");
}

TEST(tm_asi_meta_and_define_at_statement_start) {
    Opts o = {.define_key = "CONFIG", .define_value = "{ a: 1 }"};
    check_output_opts("asi3.js",
                      "let a = 1\n"
                      "import.meta.x = 1\n"
                      "let b = 2\n"
                      "CONFIG.a\n"
                      "let c = 3\n"
                      "import.meta.url.length\n"
                      "export default 1\n",
                      &o,
                      "__mf.d(this, { default: () => __mf$default });let a = 1\n"
                      ";({ url: __mf.u }).x = 1\n"
                      "let b = 2\n"
                      ";({ a: 1 }).a\n"
                      "let c = 3\n"
                      "__mf.u.length\n"
                      "var __mf$default = 1\n");
}

TEST(tm_asi_header_after_directive_without_semicolon) {
    check_output("dir2.js", "'use strict'\nimport a from \"a\"\na()\n",
                 "'use strict';__mf.d(this, {}); var __mf$0 = __mf.i(\"a\");\n"
                 "\n"
                 "(0, __mf$0.default)()\n");
}

TEST(tm_asi_deletion_after_compound_statement) {
    /* `if (c) o = {}` ends with the "}" of an object: still open */
    check_output("asi4.js",
                 "if (c) o = {}\n"
                 "import x from \"x\"\n"
                 "(g)()\n"
                 "for (;;) {}\n"
                 "export { o }\n"
                 "(g)()\n",
                 "__mf.d(this, { o: () => o }); var __mf$0 = __mf.i(\"x\");if (c) o = {}\n"
                 ";\n"
                 "(g)()\n"
                 "for (;;) {}\n"
                 "\n"
                 "(g)()\n");
}

/* ---- ES modules that declare module, exports, require ---------------------------- */

TEST(tm_esm_declaring_cjs_names_is_wrapped) {
    /* The module function has these parameters: a let/const/class/function
     * of the same name at the top level would redeclare them, so the body
     * goes into a block (with the header: it names exports `this`). */
    check_output("cjsnames.mjs",
                 "import { createRequire } from \"node:module\";\n"
                 "const require = createRequire(import.meta.url);\n"
                 "export const x = require(\"./x\");\n",
                 "{__mf.d(this, { x: () => x }); var __mf$0 = __mf.i(\"node:module\");\n"
                 "const require = (0, __mf$0.createRequire)(__mf.u);\n"
                 "const x = require(\"./x\");\n"
                 "\n}");
    check_output("cjsnames2.js",
                 "'use strict';\n"
                 "let exports = 1;\n"
                 "class module {}\n"
                 "export function f() { return [exports, module]; }",
                 "'use strict';{__mf.d(this, { f: () => f });\n"
                 "let exports = 1;\n"
                 "class module {}\n"
                 "function f() { return [exports, module]; }\n}");
    check_output("cjsnames3.js", "export * from \"a\";\nvar module;\n",
                 "{__mf.d(this, {}); var __mf$0 = __mf.i(\"a\"); __mf.s(this, __mf$0);\n"
                 "var module;\n\n}");
    /* not at the top level, or not an ES module: no block */
    check_output("cjsnames4.js",
                 "export function f(require) { let module; { let exports; } }\n"
                 "{ let require; }\n",
                 "__mf.d(this, { f: () => f });function f(require) { let module; { let exports; } }\n"
                 "{ let require; }\n");
    MfModule *m = parse("cjsnames5.js", "var module = require(\"x\");\n");
    CHECK_INT(m->kind, MF_MOD_CJS);
    char *out = render(m);
    CHECK_STR(out, "var module = require(\"x\");\n");
    free(out);
    mf_module_free(m);
}

TEST(tm_mf_is_reserved) {
    MfModule *m = parse("mf.js", "export const a = 1;\nconst __mf = 2;\nfunction f(__mf) {}\n");
    CHECK_INT(errors_of(m), 1);
    REQUIRE(m->log.diags.len == 1);
    CHECK_STR(m->log.diags.items[0].text, "\"__mf\" is reserved by mfbuild");
    CHECK_INT(m->log.diags.items[0].id, MF_MSG_UNSUPPORTED_SYNTAX);
    CHECK_INT(m->log.diags.items[0].offset, 26);
    CHECK_INT(m->log.diags.items[0].length, 4);
    mf_module_free(m);
}

/* ---- CommonJS, require, import(), import.meta ---------------------------------- */

TEST(tm_commonjs_module) {
    /* React's index.js: no ES header, the live require gets its placeholder,
     * the dead one (no record) is left alone, `this` is module.exports. */
    check_output("index.js",
                 "'use strict';\n"
                 "if (process.env.NODE_ENV === 'production') {\n"
                 "  module.exports = require('./cjs/react.production.min.js');\n"
                 "} else {\n"
                 "  module.exports = require('./cjs/react.development.js');\n"
                 "}\n"
                 "this.x = 1;\n",
                 "'use strict';\n"
                 "if (\"production\" === 'production') {\n"
                 "  module.exports = require(\"./cjs/react.production.min.js\");\n"
                 "} else {\n"
                 "  module.exports = require('./cjs/react.development.js');\n"
                 "}\n"
                 "this.x = 1;\n");
}

TEST(tm_commonjs_with_jsx_gets_runtime_var) {
    MfModule *m = parse("cjsjsx.jsx", "const React = require(\"react\");\nmodule.exports = <a />;\n");
    CHECK_INT(m->kind, MF_MOD_CJS);
    char *out = render(m);
    CHECK(lacks(out, "__mf.d("));
    CHECK(contains(out, "var __mf$1 = __mf.i(\"react/jsx-runtime\");const React = require(\"react\");"));
    free(out);
    mf_module_free(m);
}

TEST(tm_require_and_dynamic_import) {
    MfModule *m = parse("dyn.js",
                        "import \"s\";\n"
                        "const a = require(\"./a\");\n"
                        "const L = import(\"./lazy\");\n"
                        "const N = import(name);\n");
    char *out = render(m);
    CHECK_STR(out, "__mf.d(this, {}); var __mf$0 = __mf.i(\"s\");\n"
                   "const a = require(\"./a\");\n"
                   "const L = __mf.e(\"./lazy\");\n"
                   "const N = Promise.reject(new Error(\"mfbuild: import() of a non-literal specifier "
                   "is not supported\"));\n");
    /* parse.c's warning for the non-literal import() stays the only diagnostic */
    CHECK_INT(m->log.diags.len, 1);
    CHECK_INT(m->log.warnings, 1);
    CHECK_INT(m->log.errors, 0);
    free(out);
    mf_module_free(m);
}

TEST(tm_placeholders_name_records) {
    /* Placeholders carry the record index, filled by the render context. */
    MfModule *m = parse("ph.js", "import a from \"a\";\nrequire(\"b\");\nimport(\"c\");\na;\n");
    bool seen[3] = {false, false, false};
    for (uint32_t i = 0; i < m->edits.len; i++) {
        const MfEdit *e = &m->edits.items[i];
        const char *t = e->text ? e->text : "";
        if (strstr(t, "__mf.i(\x01" "0\x02)")) seen[0] = true;
        if (strcmp(t, "\x01" "1\x02") == 0) seen[1] = true;
        if (strcmp(t, "__mf.e(\x01" "2\x02)") == 0) seen[2] = true;
    }
    CHECK(seen[0] && seen[1] && seen[2]);
    mf_module_free(m);
}

TEST(tm_import_meta) {
    Opts o = {.define_key = "import.meta.env.MODE", .define_value = "\"prod\""};
    check_output_opts("meta.js",
                      "export const u = import.meta.url, m = import.meta, e = import.meta.env.MODE;\n",
                      &o,
                      "__mf.d(this, { e: () => e, m: () => m, u: () => u });"
                      "const u = __mf.u, m = ({ url: __mf.u }), e = \"prod\";\n");
}

TEST(tm_hot_accept_dependencies) {
    /* module.hot.accept / decline strings naming one of the module's own
     * imports become that record's placeholder (the module id at emit);
     * import.meta.webpackHot is the helpers' hot API. */
    const char *src = "import { x } from \"./a.js\";\n"
                      "if (module.hot) module.hot.accept(\"./a.js\", () => x);\n"
                      "import.meta.webpackHot?.accept([\"./a.js\", \"./other.js\"]);\n"
                      "module.hot.decline('./a.js');\n";
    MfModule *m = parse("hot.js", src);
    uint32_t placeholders = 0, hot = 0;
    for (uint32_t i = 0; i < m->edits.len; i++) {
        const MfEdit *e = &m->edits.items[i];
        const char *t = e->text ? e->text : "";
        if (strcmp(t, "\x01" "0\x02") == 0) {
            placeholders++;
            CHECK(src[e->start] == '"' || src[e->start] == '\'');
            CHECK(strncmp(src + e->start + 1, "./a.js", 6) == 0);
        }
        if (strcmp(t, "__mf.hot") == 0) hot++;
    }
    CHECK_INT(placeholders, 3); /* accept string, array element, decline */
    CHECK_INT(hot, 1);
    mf_module_free(m);
}

/* ---- define ---------------------------------------------------------------------- */

TEST(tm_define_replacements) {
    Opts o = {.define_key = "__DEV__", .define_value = "false"};
    check_output_opts("def.js",
                      "if (process.env.NODE_ENV !== \"production\") { console.log(__DEV__); }\n"
                      "const o = { __DEV__ }, n = process.env.NODE_ENV.length;\n"
                      "process.env.NODE_ENV = \"x\"; __DEV__ = 1;\n"
                      "function f(process, __DEV__) { return process.env.NODE_ENV + __DEV__; }\n"
                      "const k = process.env.OTHER, p = process.env;\n",
                      &o,
                      "__mf.d(this, {});"
                      "if (\"production\" !== \"production\") { console.log(false); }\n"
                      "const o = { __DEV__: false }, n = \"production\".length;\n"
                      "process.env.NODE_ENV = \"x\"; __DEV__ = 1;\n"
                      "function f(process, __DEV__) { return process.env.NODE_ENV + __DEV__; }\n"
                      "const k = process.env.OTHER, p = process.env;\n");
}

TEST(tm_define_shadowed_at_module_level) {
    check_output("defmod.js", "const process = { env: {} };\nprocess.env.NODE_ENV;\n",
                 "__mf.d(this, {});const process = { env: {} };\nprocess.env.NODE_ENV;\n");
    check_output("defimp.js", "import process from \"process\";\nprocess.env.NODE_ENV;\n",
                 "__mf.d(this, {}); var __mf$0 = __mf.i(\"process\");\n"
                 "__mf$0.default.env.NODE_ENV;\n");
}

TEST(tm_define_value_wrapped) {
    Opts o = {.define_key = "CONFIG", .define_value = "{ a: 1 }"};
    check_output_opts("defwrap.js", "const c = CONFIG.a;\n", &o,
                      "__mf.d(this, {});const c = ({ a: 1 }).a;\n");
    Opts n = {.define_key = "process.env.N", .define_value = "1"};
    check_output_opts("defnum.js", "const c = process.env.N.toFixed();\n", &n,
                      "__mf.d(this, {});const c = (1).toFixed();\n");
}

/* ---- TypeScript ------------------------------------------------------------------ */

TEST(tm_typescript_elision) {
    MfModule *m = parse("elide.tsx",
                        "import { Props } from './types';\n"
                        "import type { T } from './t';\n"
                        "import { type A, B } from './ab';\n"
                        "import Def, { used } from './used';\n"
                        "import * as Types from './types2';\n"
                        "import './side';\n"
                        "import R = require('./r');\n"
                        "import R2 = require('./r2');\n"
                        "let v: Props = used as Props;\n"
                        "function f(p: Props): Types.Bar { return p satisfies T; }\n"
                        "R2.go();\n"
                        "export const App = (p: Props) => <div>{p.x}</div>;\n");
    /* left: ./used, ./side, ./r2, then the implicit JSX runtime */
    REQUIRE(m->imports.len == 4);
    CHECK_STR(m->imports.items[0].specifier, "./used");
    CHECK_STR(m->imports.items[1].specifier, "./side");
    CHECK_STR(m->imports.items[2].specifier, "./r2");
    CHECK_INT(m->imports.items[2].kind, MF_IMPORT_REQUIRE);
    CHECK_STR(m->imports.items[3].specifier, "react/jsx-runtime");
    CHECK(m->imports.items[3].implicit);
    char *out = render(m);
    CHECK(contains(out, "__mf.d(this, { App: () => App }); var __mf$0 = __mf.i(\"./used\"); "
                        "var __mf$1 = __mf.i(\"./side\"); var __mf$3 = __mf.i(\"react/jsx-runtime\");\n"));
    CHECK(contains(out, "\nvar R2 = require(\"./r2\");\n"));
    CHECK(contains(out, "let v = __mf$0.used"));
    CHECK(contains(out, "__mf$3.jsx("));
    CHECK(lacks(out, "import"));
    CHECK(lacks(out, "./types"));
    CHECK_INT(count_lines(out), 12);
    CHECK_INT(m->log.diags.len, 0);
    free(out);
    mf_module_free(m);
}

TEST(tm_typescript_elision_only_in_typescript) {
    MfModule *m = parse("noelide.js", "import { Props } from './types';\n");
    CHECK_INT(m->imports.len, 1);
    mf_module_free(m);
    /* a binding used as a value anywhere keeps the whole statement */
    m = parse("partial.ts", "import { A, B } from './ab';\nexport const x: A = B;\n");
    CHECK_INT(m->imports.len, 1);
    mf_module_free(m);
    /* re-exported: kept (it may be a value) */
    m = parse("reexp.ts", "import { A } from './a';\nexport { A };\n");
    CHECK_INT(m->imports.len, 1);
    mf_module_free(m);
}

TEST(tm_typescript_exports) {
    MfModule *m = parse("tsexp.ts",
                        "export interface I { a: string }\n"
                        "export type T = 1;\n"
                        "export declare const z: number;\n"
                        "export type { I as J };\n"
                        "export default interface D {}\n"
                        "export function ov(a: string): void;\n"
                        "export function ov(a: any) {}\n"
                        "export abstract class C2 {}\n"
                        "export enum E { A }\n"
                        "export namespace N.M { export const inner = 1; }\n");
    char *out = render(m);
    CHECK(contains(out, "__mf.d(this, { C2: () => C2, E: () => E, N: () => N, ov: () => ov });"));
    CHECK(lacks(out, "export "));
    CHECK(lacks(out, "interface"));
    CHECK_INT(count_lines(out), 10);
    CHECK_INT(m->log.diags.len, 0);
    free(out);
    mf_module_free(m);

    check_output("tsassign.ts", "import fs = require(\"fs\");\nexport = fs;\n",
                 "var fs = require(\"fs\");\nmodule.exports = fs;\n");
}

TEST(tm_typescript_export_type_star) {
    /* The grammar predates `export type *` (an ERROR that parse.c
     * tolerates): the file is still transformed, the statement deleted. */
    check_output("typestar.ts",
                 "import { a } from \"./a\";\n"
                 "export type * from \"./types\";\n"
                 "export type * as NS from \"./t\";\n"
                 "export const b = a;\n",
                 "__mf.d(this, { b: () => b }); var __mf$0 = __mf.i(\"./a\");\n"
                 "\n"
                 "\n"
                 "const b = __mf$0.a;\n");
}

TEST(tm_typescript_type_positions_are_not_references) {
    /* (the type syntax itself is transform_syntax.c's to delete) */
    MfModule *m = parse("tspos.ts",
                        "import { X, Y } from \"m\";\n"
                        "let a: X = Y as X;\n"
                        "let b = <X>Y;\n"
                        "function f<T extends X>(this: X, p: typeof Y): p is X { return Y!; }\n"
                        "class K implements X { f: X.Z = Y; }\n");
    char *out = render(m);
    CHECK(contains(out, "__mf.d(this, {}); var __mf$0 = __mf.i(\"m\");\n"));
    CHECK(contains(out, "let a = __mf$0.Y"));
    CHECK(contains(out, "let b = __mf$0.Y;"));
    CHECK(contains(out, "return __mf$0.Y"));
    CHECK(contains(out, "= __mf$0.Y;"));
    CHECK(lacks(out, "__mf$0.X"));
    free(out);
    mf_module_free(m);
}

/* ---- robustness ---------------------------------------------------------------- */

TEST(tm_deep_nesting) {
    enum { N = 50000 };
    char *src = malloc(16 * (size_t)N + 256);
    REQUIRE(src);
    size_t o = (size_t)sprintf(src, "import { x } from \"m\";\nexport const v = ");
    for (int i = 0; i < N; i++) o += (size_t)sprintf(src + o, "[");
    o += (size_t)sprintf(src + o, "x");
    for (int i = 0; i < N; i++) src[o++] = ']';
    o += (size_t)sprintf(src + o, ";\n");
    for (int i = 0; i < N; i++) o += (size_t)sprintf(src + o, "{");
    o += (size_t)sprintf(src + o, "x;");
    for (int i = 0; i < N; i++) src[o++] = '}';
    src[o] = 0;
    MfModule *m = parse("deep.js", src);
    CHECK_INT(m->log.errors, 0);
    char *out = render(m);
    CHECK(contains(out, "[__mf$0.x]"));
    CHECK(contains(out, "{__mf$0.x;}"));
    free(out);
    mf_module_free(m);
    free(src);
}

TEST(tm_node_kinds_are_unique) {
    /* parse.c maps a grammar symbol to the first kind with its name: a name
     * listed twice (in NODE_KINDS and a pass's own list) would silently
     * starve the second kind.  One test for every list in syntax.h. */
    static const struct { const char *name; int named; } kinds[] = {
#define X(e, s, named) {s, named},
        ALL_NODE_KINDS(X)
#undef X
#define X(s) {s, 1},
        TYPE_KINDS(X)
#undef X
    };
    size_t n = sizeof kinds / sizeof kinds[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (kinds[i].named == kinds[j].named && strcmp(kinds[i].name, kinds[j].name) == 0) {
                fprintf(stderr, "    \"%s\" is listed twice\n", kinds[i].name);
                CHECK(false);
            }
}

/* ---- running the output ---------------------------------------------------------- */

static bool have_node(void) {
    static int have = -1;
    if (have < 0) have = system("node --version >/dev/null 2>&1") == 0;
    if (!have) fprintf(stderr, "    (node not found: end-to-end check skipped)\n");
    return have;
}

/* A stand-in for src/runtime/core.js with the helpers of
 * docs/output-format.md: registry, require, i, d, s, e, u. */
static const char shim[] =
    "'use strict';\n"
    "const defs = {}, cache = {};\n"
    "function req(id) {\n"
    "  if (cache[id]) return cache[id].exports;\n"
    "  if (!defs[id]) throw new Error('no module ' + id);\n"
    "  const module = cache[id] = { id, exports: {}, loaded: false };\n"
    "  defs[id].call(module.exports, module, module.exports, req, mf);\n"
    "  module.loaded = true;\n"
    "  return module.exports;\n"
    "}\n"
    "const get = (o, k, g) => Object.defineProperty(o, k, { enumerable: true, configurable: true, get: g });\n"
    "const mf = {\n"
    "  u: 'file:///bundle.js',\n"
    "  i(id) {\n"
    "    const e = req(id);\n"
    "    if (e && e.__esModule) return e;\n"
    "    const ns = { default: e };\n"
    "    Object.keys(Object(e)).forEach((k) => k != 'default' && get(ns, k, () => e[k]));\n"
    "    return Object.defineProperty(ns, '__esModule', { value: true });\n"
    "  },\n"
    "  d(exports, getters) {\n"
    "    for (const k in getters) get(exports, k, getters[k]);\n"
    "    return Object.defineProperty(exports, '__esModule', { value: true });\n"
    "  },\n"
    "  s(exports, ns) {\n"
    "    Object.keys(ns).forEach((k) => k != 'default' && !(k in exports) && get(exports, k, () => ns[k]));\n"
    "  },\n"
    "  e(id) { return Promise.resolve().then(() => mf.i(id)); },\n"
    "};\n";

typedef struct { const char *id, *file, *src; } E2eModule;

/* Renders each module into the registry, runs `entry` with node and
 * returns what it printed (caller frees), or NULL when node is missing. */
static char *run_with_node(const E2eModule *mods, size_t n, const char *entry) {
    if (!have_node()) return NULL;
    MfBuf js = {0};
    mf_buf_puts(&js, shim);
    for (size_t i = 0; i < n; i++) {
        MfModule *m = parse(mods[i].file, mods[i].src);
        if (m->log.errors) print_diags(m);
        CHECK_INT(m->log.errors, 0);
        mf_buf_puts(&js, "defs[");
        mf_buf_json_string(&js, mods[i].id);
        mf_buf_puts(&js, "] = function (module, exports, require, __mf) {\n");
        mf_render_module(m, NULL, &js);
        mf_buf_puts(&js, "\n};\n");
        mf_module_free(m);
    }
    mf_buf_puts(&js, "req(");
    mf_buf_json_string(&js, entry);
    mf_buf_puts(&js, ");\n");
    unit_write(tmp(), "e2e/bundle.js", js.data);
    mf_buf_free(&js);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "node '%s/e2e/bundle.js' 2>&1", tmp());
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    MfBuf out = {0};
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) mf_buf_append(&out, buf, got);
    int status = pclose(p);
    CHECK_INT(status, 0);
    return out.data ? mf_buf_steal(&out) : mf_xstrdup("");
}

TEST(tm_node_end_to_end) {
    const E2eModule mods[] = {
        {"./main.js", "main.js",
         "import { count, inc, fromB } from \"./counter.js\";\n"
         "import * as counter from \"./counter.js\";\n"
         "import cjs, { hello } from \"./cjs.js\";\n"
         "import * as star from \"./star.js\";\n"
         "inc(); inc();\n"
         "console.log(count, counter.count, star.count, star.c.count, star.d2, fromB);\n"
         "console.log(hello(), cjs.hello === hello, this === undefined);\n"
         "if (process.env.NODE_ENV !== \"production\") console.log(\"dev\");\n"
         "import(\"./lazy.js\").then((m) => console.log(m.default, m.where, Object.keys(star).sort().join()));\n"},
        {"./counter.js", "counter.js",
         "export let count = 0;\n"
         "export function inc() { count++; }\n"
         "export { fromB } from \"./b.js\";\n"},
        /* a cycle: b runs while counter.js is still loading and calls its
         * hoisted function through the getter */
        {"./b.js", "b.js",
         "import { inc, count } from \"./counter.js\";\n"
         "export const fromB = typeof inc + \":\" + inc.name;\n"},
        {"./cjs.js", "cjs.js", "exports.hello = function () { return \"hi\"; };\n"},
        {"./star.js", "star.js",
         "export * from \"./counter.js\";\n"
         "export * as c from \"./counter.js\";\n"
         "export { default as d2 } from \"./lazy.js\";\n"},
        {"./lazy.js", "lazy.js", "export default \"L\";\nexport const where = import.meta.url;\n"},
    };
    char *out = run_with_node(mods, sizeof mods / sizeof mods[0], "./main.js");
    if (!out) return;
    CHECK_STR(out, "2 2 2 2 L function:inc\n"
                   "hi true true\n"
                   "L file:///bundle.js c,count,d2,fromB,inc\n");
    free(out);
}

TEST(tm_node_end_to_end_typescript) {
    const E2eModule mods[] = {
        {"./app.ts", "app.ts",
         "import { Shape } from \"./types.ts\";\n"
         "import { area, Kind } from \"./geo.ts\";\n"
         "const s: Shape = { w: 2, h: 3 };\n"
         "console.log(area(s), Kind.Square, Kind[Kind.Square]);\n"},
        {"./geo.ts", "geo.ts",
         "import type { Shape } from \"./types.ts\";\n"
         "export enum Kind { Square = 4 }\n"
         "export function area(s: Shape): number { return s.w * s.h; }\n"},
    };
    /* ./types.ts is not in the registry: its import must have been elided */
    char *out = run_with_node(mods, sizeof mods / sizeof mods[0], "./app.ts");
    if (!out) return;
    CHECK_STR(out, "6 4 Square\n");
    free(out);
}

TEST(tm_node_end_to_end_cjs_names) {
    /* An ES module with its own module, exports and require (wrapped in a
     * block), and calls at the start of semicolon-less statements. */
    const E2eModule mods[] = {
        {"./main.mjs", "main.mjs",
         "import def, { report, module as m, f } from \"./lib.mjs\"\n"
         "const r = report\n"
         "f()\n"
         "console.log(r, m.id, f(), def.name, this)\n"},
        {"./lib.mjs", "lib.mjs",
         "const module = { id: \"own\" };\n"
         "let exports = [1];\n"
         "export const report = module.id + exports.length;\n"
         "export { module };\n"
         "export function f() { return typeof require; }\n"
         "function require() {}\n"
         "export default function () {}\n"},
    };
    char *out = run_with_node(mods, sizeof mods / sizeof mods[0], "./main.mjs");
    if (!out) return;
    CHECK_STR(out, "own1 own function default undefined\n");
    free(out);
}
