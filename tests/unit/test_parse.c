/*
 * test_parse.c — parse.c: one source file in, one module record out.
 *
 * Each test writes a small file into a temporary folder, parses it with a
 * hand-built config (automatic JSX runtime from "react", production mode,
 * process.env.NODE_ENV defined as "production") and checks the records,
 * exports, flags and diagnostics.
 */
#include "mfbuild.h"
#include "unit.h"

#include <stdlib.h>

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
    MfStrPair d = {mf_arena_strdup(cfg->arena, "process.env.NODE_ENV"),
                   mf_arena_strdup(cfg->arena, "\"production\"")};
    MF_VEC_PUSH(&cfg->define, d);
}

static void cfg_done(MfConfig *cfg) {
    free(cfg->define.items);
    mf_arena_free(cfg->arena);
}

/* Writes `src` to tmp()/name and parses it; mf_module_free() the result. */
static MfModule *parse_cfg(const char *name, const char *src, const MfConfig *cfg) {
    unit_write(tmp(), name, src);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp(), name);
    MfModule *m = mf_module_new(path);
    MfParser *p = mf_parser_new();
    MfParseOptions opts = {cfg};
    bool ok = p && mf_parse_module(p, m, &opts);
    CHECK(ok);
    mf_parser_free(p);
    return m;
}

static MfModule *parse(const char *name, const char *src) {
    MfConfig cfg;
    cfg_init(&cfg, MF_MODE_PRODUCTION, true);
    MfModule *m = parse_cfg(name, src, &cfg);
    cfg_done(&cfg);
    return m;
}

static const MfImportRecord *find_import(const MfModule *m, const char *spec) {
    for (uint32_t i = 0; i < m->imports.len; i++)
        if (strcmp(m->imports.items[i].specifier, spec) == 0) return &m->imports.items[i];
    return NULL;
}

static const MfExport *find_export(const MfModule *m, const char *name) {
    for (uint32_t i = 0; i < m->exports.len; i++)
        if (strcmp(m->exports.items[i].name, name) == 0) return &m->exports.items[i];
    return NULL;
}

static bool is_quote(char c) { return c == '"' || c == '\'' || c == '`'; }

/* The record exists, has the kind, and its range is the quoted literal. */
static void check_import(const MfModule *m, const char *spec, MfImportKind kind) {
    const MfImportRecord *r = find_import(m, spec);
    if (!r) fprintf(stderr, "    no import record for \"%s\"\n", spec);
    REQUIRE(r);
    CHECK_INT(r->kind, kind);
    CHECK(!r->implicit);
    CHECK_INT(r->target, MF_NONE);
    REQUIRE(r->end > r->start && r->end <= m->size);
    CHECK(is_quote(m->source[r->start]));
    CHECK(m->source[r->end - 1] == m->source[r->start]);
}

static void check_export(const MfModule *m, const char *name, MfExportKind kind) {
    const MfExport *e = find_export(m, name);
    if (!e) fprintf(stderr, "    no export \"%s\"\n", name);
    REQUIRE(e);
    CHECK_INT(e->kind, kind);
    CHECK(e->offset < m->size);
}

static uint32_t count_diags(const MfModule *m, MfMsgId id) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->log.diags.len; i++) n += m->log.diags.items[i].id == id;
    return n;
}

static const MfDiag *first_diag(const MfModule *m, MfMsgId id) {
    for (uint32_t i = 0; i < m->log.diags.len; i++)
        if (m->log.diags.items[i].id == id) return &m->log.diags.items[i];
    return NULL;
}

/* ---- helpers -------------------------------------------------------------- */

TEST(parse_lang_and_kind_names) {
    CHECK_INT(mf_lang_of_path("/a/b.js"), MF_LANG_JS);
    CHECK_INT(mf_lang_of_path("/a/b.mjs"), MF_LANG_JS);
    CHECK_INT(mf_lang_of_path("/a/b.cjs"), MF_LANG_JS);
    CHECK_INT(mf_lang_of_path("/a/b.jsx"), MF_LANG_JS);
    CHECK_INT(mf_lang_of_path("/a/b.ts"), MF_LANG_TS);
    CHECK_INT(mf_lang_of_path("/a/b.mts"), MF_LANG_TS);
    CHECK_INT(mf_lang_of_path("/a/b.cts"), MF_LANG_TS);
    CHECK_INT(mf_lang_of_path("/a/b.tsx"), MF_LANG_TSX);
    CHECK_INT(mf_lang_of_path("/a/b.json"), MF_LANG_JSON);
    CHECK_INT(mf_lang_of_path("/a/b.css"), MF_LANG_CSS);
    CHECK_INT(mf_lang_of_path("/a/b.png"), MF_LANG_ASSET);
    CHECK_INT(mf_lang_of_path("/a.js/README"), MF_LANG_ASSET);
    CHECK_STR(mf_module_kind_name(MF_MOD_ESM), "esm");
    CHECK_STR(mf_module_kind_name(MF_MOD_CJS), "cjs");
    CHECK_STR(mf_module_kind_name(MF_MOD_JSON), "json");
    CHECK_STR(mf_module_kind_name(MF_MOD_CSS), "css");
    CHECK_STR(mf_module_kind_name(MF_MOD_ASSET), "asset");
}

TEST(parse_module_new) {
    MfModule *m = mf_module_new("/x/y.ts");
    CHECK_STR(m->path, "/x/y.ts");
    CHECK_INT(m->index, MF_NONE);
    CHECK_INT(m->lang, MF_LANG_TS);
    CHECK(m->arena != NULL);
    mf_module_free(m);
    mf_module_free(NULL);
}

TEST(parse_read_error) {
    MfModule *m = mf_module_new("/nonexistent/mfbuild/missing.js");
    MfParser *p = mf_parser_new();
    REQUIRE(p);
    MfParseOptions opts = {NULL};
    CHECK(!mf_parse_module(p, m, &opts));
    CHECK_INT(m->log.errors, 1);
    CHECK_INT(count_diags(m, MF_MSG_READ_ERROR), 1);
    mf_parser_free(p);
    mf_module_free(m);
}

/* ---- imports -------------------------------------------------------------- */

TEST(parse_static_imports) {
    MfModule *m = parse("static.js",
                        "import x from \"a\";\n"
                        "import \"b\";\n"
                        "import * as ns from 'c';\n"
                        "import { a as b, c } from \"d\";\n"
                        "import def, { e } from \"e\" with { type: \"json\" };\n");
    CHECK_INT(m->imports.len, 5);
    check_import(m, "a", MF_IMPORT_STATIC);
    check_import(m, "b", MF_IMPORT_STATIC);
    check_import(m, "c", MF_IMPORT_STATIC);
    check_import(m, "d", MF_IMPORT_STATIC);
    check_import(m, "e", MF_IMPORT_STATIC);
    const MfImportRecord *r = find_import(m, "a");
    REQUIRE(r);
    CHECK_INT(r->start, 14);
    CHECK_INT(r->end, 17);
    CHECK(m->has_esm_syntax);
    CHECK(!m->uses_commonjs);
    CHECK_INT(m->kind, MF_MOD_ESM);
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);
}

TEST(parse_reexports) {
    MfModule *m = parse("reexport.js",
                        "export { x, y as z } from \"r1\";\n"
                        "export * from \"r2\";\n"
                        "export * as ns from \"r3\";\n"
                        "export { default } from \"r4\";\n"
                        "export {} from \"r5\";\n");
    CHECK_INT(m->imports.len, 5);
    check_import(m, "r1", MF_IMPORT_REEXPORT);
    check_import(m, "r2", MF_IMPORT_EXPORT_STAR);
    check_import(m, "r3", MF_IMPORT_EXPORT_STAR);
    check_import(m, "r4", MF_IMPORT_REEXPORT);
    check_import(m, "r5", MF_IMPORT_REEXPORT);
    CHECK_INT(m->exports.len, 4);
    check_export(m, "x", MF_EXPORT_REEXPORT);
    check_export(m, "z", MF_EXPORT_REEXPORT);
    check_export(m, "ns", MF_EXPORT_REEXPORT);
    check_export(m, "default", MF_EXPORT_REEXPORT);
    CHECK(find_export(m, "y") == NULL);
    CHECK(m->has_esm_syntax);
    mf_module_free(m);
}

TEST(parse_dynamic_imports) {
    MfModule *m = parse("dynamic.js",
                        "const a = import(\"d1\");\n"
                        "function f() { return import(`d2`); }\n"
                        "import(\"d3\", { with: { type: \"json\" } });\n"
                        "import(`d4${x}`);\n"
                        "import(name);\n");
    CHECK_INT(m->imports.len, 3);
    check_import(m, "d1", MF_IMPORT_DYNAMIC);
    check_import(m, "d2", MF_IMPORT_DYNAMIC);
    check_import(m, "d3", MF_IMPORT_DYNAMIC);
    CHECK_INT(count_diags(m, MF_MSG_NON_LITERAL_IMPORT), 2);
    CHECK_INT(m->log.errors, 0);
    CHECK_INT(m->log.warnings, 2);
    const MfDiag *d = first_diag(m, MF_MSG_NON_LITERAL_IMPORT);
    REQUIRE(d);
    CHECK(d->kind == MF_DIAG_WARNING);
    CHECK(m->source[d->offset] == '`');
    /* import() alone is not ESM syntax, and nothing here is CommonJS. */
    CHECK(!m->has_esm_syntax);
    CHECK(!m->uses_commonjs);
    CHECK_INT(m->kind, MF_MOD_ESM);
    mf_module_free(m);
}

TEST(parse_require) {
    MfModule *m = parse("req.js",
                        "const a = require(\"q1\");\n"
                        "function g() { return require('q2').x; }\n"
                        "require(dynamicName);\n"
                        "require.resolve(\"not-a-record\");\n");
    CHECK_INT(m->imports.len, 2);
    check_import(m, "q1", MF_IMPORT_REQUIRE);
    check_import(m, "q2", MF_IMPORT_REQUIRE);
    CHECK_INT(count_diags(m, MF_MSG_NON_LITERAL_IMPORT), 1);
    CHECK(m->uses_commonjs);
    CHECK(!m->has_esm_syntax);
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);

    m = parse("modexp.js", "module.exports = function () {};\n");
    CHECK(m->uses_commonjs);
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);

    m = parse("exp.js", "exports.x = 1;\n");
    CHECK(m->uses_commonjs);
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);

    /* ESM syntax wins over CommonJS use. */
    m = parse("mixed.js", "import a from \"a\";\nconst b = require(\"b\");\n");
    CHECK(m->uses_commonjs && m->has_esm_syntax);
    CHECK_INT(m->kind, MF_MOD_ESM);
    check_import(m, "b", MF_IMPORT_REQUIRE);
    mf_module_free(m);
}

TEST(parse_require_shadowed) {
    MfModule *m = parse("shadow1.js", "function require(x) { return x; }\nrequire(\"nope\");\n");
    CHECK_INT(m->imports.len, 0);
    CHECK_INT(m->log.diags.len, 0);
    CHECK(!m->uses_commonjs);
    mf_module_free(m);

    m = parse("shadow2.js", "const require = () => 1;\nrequire(\"nope\");\n");
    CHECK_INT(m->imports.len, 0);
    mf_module_free(m);

    /* Bundler-style wrappers: parameters shadow the CommonJS globals. */
    m = parse("shadow3.js",
              "(function (require, module, exports) {\n"
              "  module.exports = require(\"inner\");\n"
              "})(a, b, c);\n"
              "const f = require => require(\"arrow\");\n"
              "require(\"outer\");\n");
    CHECK_INT(m->imports.len, 1);
    check_import(m, "outer", MF_IMPORT_REQUIRE);
    mf_module_free(m);

    m = parse("shadow4.js", "function wrap(module, exports) { module.exports = exports; }\n");
    CHECK(!m->uses_commonjs);
    CHECK_INT(m->kind, MF_MOD_ESM);
    mf_module_free(m);
}

TEST(parse_extension_kinds) {
    MfModule *m = parse("plain.cjs", "const x = 1;\n");
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);
    m = parse("esm.cjs", "export const x = 1;\n");
    CHECK_INT(m->kind, MF_MOD_ESM);
    mf_module_free(m);
    m = parse("req.mjs", "const x = require(\"y\");\n");
    CHECK_INT(m->kind, MF_MOD_ESM);
    mf_module_free(m);
    m = parse("plain.cts", "const x: number = 1;\n");
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);
    m = parse("plain.mts", "module.exports = 1;\n");
    CHECK_INT(m->kind, MF_MOD_ESM);
    mf_module_free(m);
    m = parse("empty-export.js", "module.exports = 1;\nexport {};\n");
    CHECK(m->has_esm_syntax);
    CHECK_INT(m->kind, MF_MOD_ESM);
    mf_module_free(m);
}

/* ---- exports ---------------------------------------------------------------- */

TEST(parse_exports) {
    MfModule *m = parse("exports.js",
                        "export const a = 1, { b, c: [d, ...e], f = 2, ...g } = o;\n"
                        "export let h;\n"
                        "export var i = 1;\n"
                        "export function j() {}\n"
                        "export async function k() {}\n"
                        "export function* l() {}\n"
                        "export class M {}\n"
                        "const n = 1, p = 2;\n"
                        "export { n, p as q, n as \"s-t\" };\n"
                        "export default 1 + 2;\n");
    const char *local[] = {"a", "b", "d", "e", "f", "g", "h", "i", "j", "k", "l", "M", "n", "q",
                           "s-t"};
    for (size_t x = 0; x < sizeof local / sizeof local[0]; x++)
        check_export(m, local[x], MF_EXPORT_LOCAL);
    check_export(m, "default", MF_EXPORT_DEFAULT);
    CHECK_INT(m->exports.len, 16);
    CHECK(find_export(m, "c") == NULL && find_export(m, "o") == NULL && find_export(m, "p") == NULL);
    CHECK_INT(m->imports.len, 0);
    CHECK(m->has_esm_syntax);
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);

    m = parse("default-fn.js", "export default function () { return require(\"inside\"); }\n");
    CHECK_INT(m->exports.len, 1);
    check_export(m, "default", MF_EXPORT_DEFAULT);
    check_import(m, "inside", MF_IMPORT_REQUIRE); /* the body is walked */
    mf_module_free(m);

    m = parse("default-class.js", "export default class Named {}\n");
    check_export(m, "default", MF_EXPORT_DEFAULT);
    CHECK_INT(m->exports.len, 1);
    mf_module_free(m);

    m = parse("default-as.js", "const x = 1;\nexport { x as default };\n");
    check_export(m, "default", MF_EXPORT_DEFAULT);
    mf_module_free(m);

    /* An exported declaration's initializer is walked too. */
    m = parse("export-init.js", "export const lazy = () => import(\"chunk\");\n");
    check_import(m, "chunk", MF_IMPORT_DYNAMIC);
    check_export(m, "lazy", MF_EXPORT_LOCAL);
    mf_module_free(m);
}

/* ---- TypeScript ------------------------------------------------------------- */

TEST(parse_typescript_type_only) {
    MfModule *m = parse("types.ts",
                        "import type X from \"t1\";\n"
                        "import { type A, type B } from \"t2\";\n"
                        "import { type C, D } from \"t3\";\n"
                        "export type { X } from \"t4\";\n"
                        "export { type A } from \"t5\";\n"
                        "import type * as NS from \"t6\";\n"
                        "import x = require(\"t7\");\n"
                        "import type y = require(\"t8\");\n"
                        "let v: import(\"t9\").T = 1;\n"
                        "type Q = typeof import(\"t10\");\n"
                        "declare module \"t11\" { import z from \"t12\"; export const w: number; }\n"
                        "export type T = 1;\n"
                        "export interface I { a: string }\n"
                        "export declare const z: number;\n"
                        "export declare function df(): void;\n"
                        "export enum E { A }\n"
                        "export const enum CE { B }\n"
                        "export namespace N { export const inner = 1; }\n"
                        "export abstract class C2 {}\n"
                        "export function ov(a: string): void;\n"
                        "export function ov(a: any) {}\n"
                        "export { type A as A2 };\n"
                        /* used as values, so TypeScript's elision keeps them */
                        "console.log(D, x);\n");
    CHECK_INT(m->imports.len, 2);
    check_import(m, "t3", MF_IMPORT_STATIC);
    check_import(m, "t7", MF_IMPORT_REQUIRE);
    CHECK_INT(m->exports.len, 5);
    check_export(m, "E", MF_EXPORT_LOCAL);
    check_export(m, "CE", MF_EXPORT_LOCAL);
    check_export(m, "N", MF_EXPORT_LOCAL);
    check_export(m, "C2", MF_EXPORT_LOCAL);
    check_export(m, "ov", MF_EXPORT_LOCAL);
    CHECK(find_export(m, "inner") == NULL);
    CHECK_INT(m->log.diags.len, 0);
    CHECK(m->has_esm_syntax);
    mf_module_free(m);

    /* Only type-level module syntax: no ESM syntax at run time. */
    m = parse("onlytypes.ts", "import type X from \"a\";\nexport type Y = X;\nexport interface Z {}\n");
    CHECK_INT(m->imports.len, 0);
    CHECK_INT(m->exports.len, 0);
    CHECK(!m->has_esm_syntax);
    mf_module_free(m);

    /* TypeScript 5.0 `export type *`, which the grammar does not know yet. */
    m = parse("typestar.ts",
              "export type * from \"ts1\";\nexport type * as NS from \"ts2\";\nexport const v = 1;\n");
    CHECK_INT(m->log.diags.len, 0);
    CHECK_INT(m->imports.len, 0);
    CHECK_INT(m->exports.len, 1);
    check_export(m, "v", MF_EXPORT_LOCAL);
    mf_module_free(m);

    /* `export =` is CommonJS. */
    m = parse("exportassign.ts", "import fs = require(\"fs\");\nexport = fs;\n");
    check_import(m, "fs", MF_IMPORT_REQUIRE);
    CHECK(m->uses_commonjs);
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);
}

TEST(parse_tsx) {
    MfModule *m = parse("comp.tsx",
                        "import { type Props } from \"./types\";\n"
                        "import React from \"react\";\n"
                        "const id = <T,>(v: T): T => v;\n"
                        "export const App = (p: Props) => <div>{p.x as string}</div>;\n"
                        "console.log(React.version);\n"); /* used: not elided */
    CHECK(find_import(m, "./types") == NULL);
    check_import(m, "react", MF_IMPORT_STATIC);
    CHECK(m->has_jsx);
    const MfImportRecord *r = find_import(m, "react/jsx-runtime");
    REQUIRE(r);
    CHECK(r->implicit);
    CHECK_INT(m->imports.len, 2);
    check_export(m, "App", MF_EXPORT_LOCAL);
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);
}

/* ---- flags and JSX ---------------------------------------------------------- */

TEST(parse_import_meta) {
    MfModule *m = parse("meta.js", "const u = new URL(\"./x.png\", import.meta.url);\n");
    CHECK(m->uses_import_meta);
    mf_module_free(m);
    m = parse("newtarget.js", "function F() { return new.target; }\n");
    CHECK(!m->uses_import_meta);
    mf_module_free(m);
}

TEST(parse_jsx_runtime) {
    const char *src = "const a = 1;\nexport const e = <div className=\"x\"><><b /></></div>;\n";
    uint32_t first = (uint32_t)(strchr(src, '<') - src);

    MfModule *m = parse("app.jsx", src);
    CHECK(m->has_jsx);
    REQUIRE(m->imports.len == 1);
    const MfImportRecord *r = &m->imports.items[0];
    CHECK_STR(r->specifier, "react/jsx-runtime");
    CHECK(r->implicit);
    CHECK_INT(r->kind, MF_IMPORT_STATIC);
    CHECK_INT(r->start, first);
    CHECK_INT(r->end, first);
    CHECK_INT(r->target, MF_NONE);
    mf_module_free(m);

    MfConfig cfg;
    cfg_init(&cfg, MF_MODE_DEVELOPMENT, true);
    cfg.jsx_import_source = mf_arena_strdup(cfg.arena, "preact");
    m = parse_cfg("app-dev.jsx", src, &cfg);
    REQUIRE(m->imports.len == 1);
    CHECK_STR(m->imports.items[0].specifier, "preact/jsx-dev-runtime");
    mf_module_free(m);
    cfg_done(&cfg);

    cfg_init(&cfg, MF_MODE_PRODUCTION, false);
    m = parse_cfg("app-classic.jsx", src, &cfg);
    CHECK(m->has_jsx);
    CHECK_INT(m->imports.len, 0);
    mf_module_free(m);
    cfg_done(&cfg);

    /* JSX in a .js file (the JavaScript grammar parses it). */
    m = parse("jsx-in-js.js", "export default () => <App />;\n");
    CHECK(m->has_jsx);
    CHECK(find_import(m, "react/jsx-runtime") != NULL);
    mf_module_free(m);

    m = parse("nojsx.js", "const a = 1 < 2 && 3 > 2;\n");
    CHECK(!m->has_jsx);
    CHECK_INT(m->imports.len, 0);
    mf_module_free(m);
}

/* ---- dead branches ---------------------------------------------------------- */

TEST(parse_dead_branches) {
    /* React's index.js. */
    MfModule *m = parse("react-index.js",
                        "'use strict';\n"
                        "if (process.env.NODE_ENV === 'production') {\n"
                        "  module.exports = require('./cjs/react.production.min.js');\n"
                        "} else {\n"
                        "  module.exports = require('./cjs/react.development.js');\n"
                        "}\n");
    CHECK_INT(m->imports.len, 1);
    check_import(m, "./cjs/react.production.min.js", MF_IMPORT_REQUIRE);
    CHECK_INT(m->kind, MF_MOD_CJS);
    mf_module_free(m);

    m = parse("dead2.js",
              "if (process.env.NODE_ENV !== \"production\") require(\"dev1\"); else require(\"prod1\");\n"
              "if (\"production\" == process.env.NODE_ENV) require(\"prod2\"); else require(\"dev2\");\n"
              "const x = process.env.NODE_ENV === `development` ? require(\"dev3\") : require(\"prod3\");\n"
              "if (process.env.NODE_ENV !== \"production\" && check()) require(\"dev4\");\n"
              "if (process.env.NODE_ENV === \"production\" || check()) require(\"prod4\"); else require(\"dev5\");\n"
              "if (!(process.env.NODE_ENV === \"production\")) require(\"dev6\");\n"
              "process.env.NODE_ENV !== \"production\" && require(\"dev7\");\n"
              "if (false) require(\"dev8\");\n"
              "if (unknown === \"production\") require(\"both1\"); else require(\"both2\");\n"
              "if (process.env.OTHER === \"x\") require(\"both3\");\n");
    const char *live[] = {"prod1", "prod2", "prod3", "prod4", "both1", "both2", "both3"};
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) check_import(m, live[i], MF_IMPORT_REQUIRE);
    CHECK_INT(m->imports.len, 7);
    for (uint32_t i = 0; i < m->imports.len; i++)
        CHECK(strncmp(m->imports.items[i].specifier, "dev", 3) != 0);
    mf_module_free(m);

    /* Development mode's define flips the branch. */
    MfConfig cfg;
    cfg_init(&cfg, MF_MODE_DEVELOPMENT, true);
    cfg.define.items[0].value = mf_arena_strdup(cfg.arena, "\"development\"");
    m = parse_cfg("react-dev.js",
                  "if (process.env.NODE_ENV === 'production') module.exports = require('./p');\n"
                  "else module.exports = require('./d');\n",
                  &cfg);
    CHECK_INT(m->imports.len, 1);
    check_import(m, "./d", MF_IMPORT_REQUIRE);
    mf_module_free(m);
    cfg_done(&cfg);
}

/* ---- string values ---------------------------------------------------------- */

TEST(parse_specifier_escapes) {
    MfModule *m = parse("escapes.js",
                        "import a from \"\\x61\\u0062\\u{63}\\n\\\"\\'\\\\d\";\n"
                        "import b from '\\ud83d\\ude00-\\u{1F600}-\\u00e9';\n"
                        "import c from \"line\\\ncont\";\n"
                        "const d = require(`t\\x41`);\n"
                        "import e from \"caf\xc3\xa9\";\n");
    REQUIRE(m->imports.len == 5);
    CHECK_STR(m->imports.items[0].specifier, "abc\n\"'\\d");
    CHECK_STR(m->imports.items[1].specifier, "\xF0\x9F\x98\x80-\xF0\x9F\x98\x80-\xC3\xA9");
    CHECK_STR(m->imports.items[2].specifier, "linecont");
    CHECK_STR(m->imports.items[3].specifier, "tA");
    CHECK_STR(m->imports.items[4].specifier, "caf\xc3\xa9");
    for (uint32_t i = 0; i < m->imports.len; i++) {
        const MfImportRecord *r = &m->imports.items[i];
        CHECK(is_quote(m->source[r->start]));
        CHECK(m->source[r->end - 1] == m->source[r->start]);
    }
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);
}

/* ---- syntax errors ---------------------------------------------------------- */

TEST(parse_syntax_errors) {
    MfModule *m = parse("err1.js", "const x = ;\n");
    CHECK(m->log.errors >= 1);
    const MfDiag *d = first_diag(m, MF_MSG_SYNTAX_ERROR);
    REQUIRE(d);
    CHECK(d->kind == MF_DIAG_ERROR);
    CHECK_INT(d->offset, 10); /* the ';' */
    CHECK_STR(d->text, "Unexpected \";\"");
    CHECK_INT(d->line, 1);
    CHECK_INT(d->column, 11);
    mf_module_free(m);

    /* A token tree-sitter had to invent: esbuild's "Expected ... but found". */
    m = parse("err2.js", "foo(1, 2;\nbar();\n");
    d = first_diag(m, MF_MSG_SYNTAX_ERROR);
    REQUIRE(d);
    CHECK_INT(d->offset, 8);
    CHECK_STR(d->text, "Expected \")\" but found \";\"");
    mf_module_free(m);

    m = parse("err3.js", "function f() { return 1 }}\ng();\n");
    d = first_diag(m, MF_MSG_SYNTAX_ERROR);
    REQUIRE(d);
    CHECK_INT(d->offset, 25);
    CHECK_STR(d->text, "Unexpected \"}\"");
    CHECK_INT(m->log.errors, 1);
    mf_module_free(m);

    m = parse("err4.js", "let x = 1 2;\n");
    d = first_diag(m, MF_MSG_SYNTAX_ERROR);
    REQUIRE(d);
    CHECK_INT(d->offset, 10);
    mf_module_free(m);

    m = parse("err5.js", "import a from \"a\";\nfunction (\n");
    CHECK(count_diags(m, MF_MSG_SYNTAX_ERROR) >= 1);
    mf_module_free(m);

    /* Errors inside dead branches and type positions are still errors. */
    m = parse("err6.js",
              "if (process.env.NODE_ENV === \"production\") {} else { const = 1; }\n");
    CHECK(count_diags(m, MF_MSG_SYNTAX_ERROR) >= 1);
    mf_module_free(m);

    m = parse("err7.ts", "import type { A, } from \"a\" b;\nlet x: Array<number = 1;\n");
    CHECK(count_diags(m, MF_MSG_SYNTAX_ERROR) >= 1);
    mf_module_free(m);

    /* Every syntax error of a file is reported, each once. */
    m = parse("err8.js", "a(;\nb = ;\nc(1 2);\n");
    CHECK(count_diags(m, MF_MSG_SYNTAX_ERROR) >= 2);
    for (uint32_t i = 1; i < m->log.diags.len; i++)
        CHECK(m->log.diags.items[i].offset != m->log.diags.items[i - 1].offset);
    mf_module_free(m);

    m = parse("err9.js", "const s = \"unterminated\n");
    CHECK(count_diags(m, MF_MSG_SYNTAX_ERROR) >= 1);
    mf_module_free(m);

    /* A flood of errors is capped, and the last one says how many more. */
    char *many = malloc(300 * 5 + 1);
    REQUIRE(many);
    for (int i = 0; i < 300; i++) memcpy(many + i * 5, "a(;\n\n", 5);
    many[300 * 5] = 0;
    m = parse("many.js", many);
    free(many);
    CHECK(m->log.errors > 50 && m->log.errors <= 101);
    REQUIRE(m->log.diags.len > 0);
    CHECK(strstr(m->log.diags.items[m->log.diags.len - 1].text, "more syntax errors") != NULL);
    mf_module_free(m);

    m = parse("ok.js", "const ok = { a: [1, 2, 3], b: `x${y}` };\n");
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);
}

TEST(parse_deep_nesting) {
    enum { N = 50000 };
    char *src = malloc(2 * N + 64);
    REQUIRE(src);
    size_t o = 0;
    o += (size_t)sprintf(src + o, "const x = ");
    for (int i = 0; i < N; i++) src[o++] = '(';
    src[o++] = '1';
    for (int i = 0; i < N; i++) src[o++] = ')';
    sprintf(src + o, ";\n");
    MfModule *m = parse("deep-parens.js", src);
    CHECK_INT(m->log.errors, 0);
    mf_module_free(m);

    o = (size_t)sprintf(src, "if (");
    for (int i = 0; i < N; i++) src[o++] = '(';
    o += (size_t)sprintf(src + o, "process.env.NODE_ENV === \"production\"");
    for (int i = 0; i < N; i++) src[o++] = ')';
    sprintf(src + o, ") require(\"x\");\n");
    m = parse("deep-cond.js", src);
    CHECK_INT(m->log.errors, 0);
    check_import(m, "x", MF_IMPORT_REQUIRE); /* too deep to fold: kept */
    mf_module_free(m);

    o = (size_t)sprintf(src, "export const [");
    for (int i = 0; i < N; i++) src[o++] = '[';
    src[o++] = 'a';
    for (int i = 0; i < N; i++) src[o++] = ']';
    sprintf(src + o, "] = v;\n");
    m = parse("deep-pattern.js", src);
    CHECK_INT(m->log.errors, 0);
    mf_module_free(m);

    o = 0;
    for (int i = 0; i < N / 4; i++) o += (size_t)sprintf(src + o, "{[");
    m = parse("deep-unclosed.js", src);
    CHECK(m->log.errors >= 1);
    mf_module_free(m);
    free(src);
}

/* ---- JSON, CSS, assets ------------------------------------------------------ */

TEST(parse_json) {
    MfModule *m = parse("ok.json", "{ \"a\": [1, 2, {\"b\": null}] }\n");
    CHECK_INT(m->kind, MF_MOD_JSON);
    CHECK_INT(m->log.diags.len, 0);
    CHECK_INT(m->imports.len, 0);
    mf_module_free(m);

    m = parse("bom.json", "\xEF\xBB\xBF{\"a\": 1}");
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);

    m = parse("bad.json", "{\n  \"a\": 1,\n  \"b\": ]\n}\n");
    CHECK_INT(m->kind, MF_MOD_JSON);
    CHECK_INT(m->log.errors, 1);
    const MfDiag *d = first_diag(m, MF_MSG_JSON_SYNTAX);
    REQUIRE(d);
    CHECK_INT(d->line, 3);
    CHECK(m->source[d->offset] == ']');
    mf_module_free(m);

    m = parse("trailing.json", "{\"a\": 1} x");
    CHECK_INT(count_diags(m, MF_MSG_JSON_SYNTAX), 1);
    mf_module_free(m);

    m = parse("empty.json", "");
    CHECK_INT(count_diags(m, MF_MSG_JSON_SYNTAX), 1);
    mf_module_free(m);
}

TEST(parse_css_imports) {
    MfModule *m = parse("style.css",
                        "/* @import \"commented.css\"; */\n"
                        "@import \"a.css\";\n"
                        "@import url(b.css);\n"
                        "@import url( 'c.css' ) screen;\n"
                        ".x { background: url(d.png); content: \"@import 'no.css'\"; }\n");
    CHECK_INT(m->kind, MF_MOD_CSS);
    /* Relative to the sheet, as in CSS: "a.css" is "./a.css". */
    REQUIRE(m->imports.len == 4);
    CHECK_STR(m->imports.items[0].specifier, "./a.css");
    CHECK_STR(m->imports.items[1].specifier, "./b.css");
    CHECK_STR(m->imports.items[2].specifier, "./c.css");
    CHECK_STR(m->imports.items[3].specifier, "./d.png"); /* url() outside @import */
    CHECK(m->source[m->imports.items[0].start] == '"');
    CHECK(m->source[m->imports.items[2].start] == '\'');
    const MfImportRecord *r = &m->imports.items[1];
    CHECK(r->end - r->start == 5 && memcmp(m->source + r->start, "b.css", 5) == 0);
    for (uint32_t i = 0; i < m->imports.len; i++) CHECK_INT(m->imports.items[i].kind, MF_IMPORT_STATIC);
    mf_module_free(m);
}

TEST(parse_asset) {
    MfModule *m = parse("logo.png", "\x89PNG\r\n\x1a\n");
    CHECK_INT(m->kind, MF_MOD_ASSET);
    CHECK_INT(m->lang, MF_LANG_ASSET);
    CHECK_INT(m->size, 8);
    CHECK_INT(m->imports.len, 0);
    CHECK_INT(m->log.diags.len, 0);
    mf_module_free(m);
}

TEST(parse_bom_and_hashbang) {
    MfModule *m = parse("bom.js", "\xEF\xBB\xBFimport a from \"a\";\n");
    CHECK_INT(m->log.diags.len, 0);
    check_import(m, "a", MF_IMPORT_STATIC);
    mf_module_free(m);
    m = parse("bin.js", "#!/usr/bin/env node\nrequire(\"./cli\");\n");
    CHECK_INT(m->log.diags.len, 0);
    check_import(m, "./cli", MF_IMPORT_REQUIRE);
    mf_module_free(m);
}

/* tree-sitter-javascript rejects reserved words as JSX attribute names; such
 * a file is read with the TSX grammar when that needs no TypeScript syntax. */
TEST(parse_jsx_reserved_word_attributes_fall_back_to_tsx_grammar) {
    MfModule *m = parse("reserved.jsx",
                        "import h from './h';\n"
                        "export const v = <label for=\"x\" class=\"y\">hi</label>;\n");
    REQUIRE(m != NULL);
    CHECK_INT(m->log.errors, 0);
    CHECK(m->has_jsx);
    CHECK(find_import(m, "./h") != NULL);
    CHECK(m->edits.len > 0); /* transformed like any good file */
    mf_module_free(m);

    /* TypeScript syntax in a .js file stays an error, with the fallback or not. */
    m = parse("typed.js", "const a: number = <div class=\"y\" />;\n");
    REQUIRE(m != NULL);
    CHECK(m->log.errors > 0);
    mf_module_free(m);
}

/* url() in stylesheets: local files become import records (emit copies and
 * renames them); data:, remote, root-relative and fragment URLs do not. */
TEST(parse_css_url_references) {
    MfModule *m = parse("sheet.css",
                        ".a { background: url(./a.png) }\n"
                        ".b { background: url( \"img/b.svg\" ) }\n"
                        ".c { background: url(data:image/png;base64,AAA) url(https://x/y.png) }\n"
                        ".d { background: url(/abs.png) url(#f) }\n"
                        "@font-face { src: url('~pkg/font.woff2') }\n");
    REQUIRE(m != NULL);
    CHECK_INT(m->imports.len, 3);
    const MfImportRecord *a = find_import(m, "./a.png");
    const MfImportRecord *b = find_import(m, "./img/b.svg");
    REQUIRE(a && b && find_import(m, "pkg/font.woff2"));
    CHECK(memcmp(m->source + a->start, "./a.png", a->end - a->start) == 0);
    CHECK(m->source[b->start] == '"' && m->source[b->end - 1] == '"');
    mf_module_free(m);
}
