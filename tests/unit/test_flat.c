/*
 * test_flat.c — flat.c: the flattened tree is exactly a cursor walk.
 *
 * flat.c reads tree-sitter's internal subtrees for speed; these tests walk
 * the same trees with a TSTreeCursor and compare node by node (identity,
 * position, symbol, field, subtree end), on sources with hidden
 * repetitions, aliases, extras (comments), fields on hidden nodes, JSX,
 * TypeScript and syntax errors, in all three grammars.
 */
#include "mfbuild.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include "../../src/syntax.h"

const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

/* The reference: what the walks did before flat.c, with a cursor. */
static void cursor_flatten(MfFlatTree *out, TSNode root) {
    out->len = 0;
    MF_VEC(uint32_t) open = {0};
    TSTreeCursor c = ts_tree_cursor_new(root);
    for (;;) {
        uint32_t at = out->len;
        MfFlatNode fn = {.node = ts_tree_cursor_current_node(&c), .end = at + 1,
                         .field = ts_tree_cursor_current_field_id(&c)};
        MF_VEC_PUSH(out, fn);
        if (ts_tree_cursor_goto_first_child(&c)) {
            MF_VEC_PUSH(&open, at);
            continue;
        }
        for (;;) {
            if (open.len == 0) goto done;
            if (ts_tree_cursor_goto_next_sibling(&c)) break;
            ts_tree_cursor_goto_parent(&c);
            out->items[open.items[--open.len]].end = out->len;
        }
    }
done:
    ts_tree_cursor_delete(&c);
    free(open.items);
}

static void check_same(const TSLanguage *lang, const char *src) {
    TSParser *p = ts_parser_new();
    REQUIRE(ts_parser_set_language(p, lang));
    TSTree *tree = ts_parser_parse_string(p, NULL, src, (uint32_t)strlen(src));
    REQUIRE(tree != NULL);
    MfFlatTree want = {0}, got = {0};
    cursor_flatten(&want, ts_tree_root_node(tree));
    mf_flat_tree_build(&got, ts_tree_root_node(tree), NULL);
    CHECK_INT(got.len, want.len);
    for (uint32_t i = 0; i < got.len && i < want.len; i++) {
        const MfFlatNode *a = &got.items[i], *b = &want.items[i];
        bool same = ts_node_eq(a->node, b->node) && a->end == b->end && a->field == b->field &&
                    a->extra == ts_node_is_extra(b->node) &&
                    ts_node_symbol(a->node) == ts_node_symbol(b->node) &&
                    ts_node_start_byte(a->node) == ts_node_start_byte(b->node) &&
                    ts_node_end_byte(a->node) == ts_node_end_byte(b->node) &&
                    ts_node_start_point(a->node).row == ts_node_start_point(b->node).row &&
                    ts_node_start_point(a->node).column == ts_node_start_point(b->node).column;
        if (!same) {
            fprintf(stderr, "    node %u differs (%s vs %s)\n", i, ts_node_type(a->node), ts_node_type(b->node));
            unit_fail(__FILE__, __LINE__, "flat node == cursor node");
            break;
        }
    }
    free(want.items);
    free(got.items);
    ts_tree_delete(tree);
    ts_parser_delete(p);
}

TEST(flat_matches_cursor_javascript) {
    check_same(tree_sitter_javascript(), "");
    check_same(tree_sitter_javascript(), "// only a comment\n");
    check_same(tree_sitter_javascript(),
               "#!/usr/bin/env node\n"
               "import a, { b as c, d } from './x'; /* extra */ import * as ns from \"y\";\n"
               "export default function f(x = 1, { y, z: [w] } = {}, ...rest) {\n"
               "  for (let i = 0; i < 3; i++) { if (i) continue; else break; }\n"
               "  const o = { a, [b]: c, get g() { return 1 }, ...d }, t = `t${x}u${y}`;\n"
               "  label: while (x) x = x ? y : z ?? w;\n"
               "  return <div className=\"a\" {...o}>{/* c */}text<b>{t}</b><></></div>;\n"
               "}\n"
               "export { c as default2, d }; export * from './z';\n"
               "class K extends B { #p = 1; static s; m() { super.m(); } }\n"
               "a?.b?.[c]?.(d); new.target; import.meta.url; x = /re[/]g/.test(y);\n"
               "const r = require('r'), imp = import('./lazy');\n"
               "var async = 1, get = 2, set = 3, of = 4; async(); ({ get, set, static: of });\n");
}

TEST(flat_matches_cursor_typescript) {
    check_same(tree_sitter_typescript(),
               "import type { T } from './t';\n"
               "export interface I<A extends string = 'x'> { a?: A; readonly b: number[]; (x: T): void }\n"
               "type U = { [K in keyof I]-?: I[K] } | [a: string, b?: number];\n"
               "enum E { A = 1, B, C = A | B }\n"
               "namespace N.M { export const x = 1 as const; }\n"
               "abstract class C<T> implements I { constructor(private readonly p: T, public q?: string) { super(); }\n"
               "  abstract m(): void; declare d: number; override o() { return this.p!; } }\n"
               "function f<T,>(this: Window, x: T): asserts x is string { return <any>x satisfies unknown; }\n"
               "let v = f<number>(1), w = (x as unknown) as string;\n");
}

TEST(flat_matches_cursor_tsx_and_errors) {
    check_same(tree_sitter_tsx(),
               "const C = <T,>(p: { a: T }) => <div key=\"k\" data-x={p.a as any}>{[1, 2].map((i) => <i>{i}</i>)}</div>;\n"
               "export default function App(): JSX.Element { return <><C a={1} /><label for=\"x\" /></>; }\n");
    check_same(tree_sitter_javascript(), "function ( { let = ; } export x from\n");
    check_same(tree_sitter_typescript(), "let x: = 1; class { a( }\n");
}
