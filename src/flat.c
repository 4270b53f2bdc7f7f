/*
 * flat.c — a parsed file's tree as a flat preorder list (MfFlatNode, see
 * syntax.h), for the walks of parse.c and the transform passes.
 *
 * The list is exactly what a TSTreeCursor walk visits: each visible node
 * (hidden nodes and the hidden nodes of repetitions are looked through), its
 * field as ts_tree_cursor_current_field_id() reports it, and the TSNode
 * ts_tree_cursor_current_node() would give.  It is built here by reading
 * tree-sitter's subtrees directly, the way tree_cursor.c does, in one pass
 * with a frame per parent: a cursor re-enters every hidden ancestor at each
 * step to the next sibling, which cost ~500 instructions a node, more than
 * all of our own walking did.  This is the only file that reads tree-sitter's
 * internal headers; the vendored tree-sitter is pinned by package-lock.json,
 * and the unit tests compare this list with a cursor walk.
 */
#include "syntax.h"

#include <stdlib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include "../node_modules/tree-sitter/vendor/tree-sitter/lib/src/language.h"
#include "../node_modules/tree-sitter/vendor/tree-sitter/lib/src/tree.h"
#pragma GCC diagnostic pop

/* One parent whose children are being listed: a visible node (`owner` is
 * its index in the list) or a hidden node inside one (`owner` is MF_NONE). */
typedef struct Frame {
    Subtree parent;
    Length pos;                   /* start of the next child */
    uint32_t child, structural;   /* next child, and its index without extras */
    const TSSymbol *aliases;
    uint32_t owner;
    TSFieldId inherited;          /* a hidden parent's field, for its children */
} Frame;
typedef MF_VEC(Frame) FrameStack;

static void frame_push(FrameStack *stack, const TSLanguage *lang, Subtree parent, Length pos,
                       uint32_t owner, TSFieldId inherited) {
    Frame f = {
        .parent = parent, .pos = pos, .owner = owner, .inherited = inherited,
        .aliases = ts_language_alias_sequence(lang, parent.ptr->production_id),
    };
    MF_VEC_PUSH(stack, f);
}

void mf_flat_tree_build(MfFlatTree *out, TSNode root, const LangTable *L) {
    out->len = 0;
    const TSTree *tree = root.tree;
    const TSLanguage *lang = tree->language;
    MfFlatNode top = {.node = root, .end = 1, .field = 0, .kind = L ? (uint8_t)mf_kind_of(L, root) : NK_NONE};
    MF_VEC_PUSH(out, top);
    Subtree root_tree = *(const Subtree *)root.id;
    if (ts_subtree_child_count(root_tree) == 0) return;
    FrameStack stack = {0};
    /* A cursor's children start where their parent starts (after its
     * padding, which is its first child's). */
    Length start = {ts_node_start_byte(root), ts_node_start_point(root)};
    frame_push(&stack, lang, root_tree, start, 0, 0);
    while (stack.len) {
        Frame *f = &stack.items[stack.len - 1];
        uint32_t count = f->parent.ptr->child_count;
        if (f->child == count) {
            if (f->owner != MF_NONE) out->items[f->owner].end = out->len;
            stack.len--;
            continue;
        }
        const Subtree *children = ts_subtree_children(f->parent);
        const Subtree *child = &children[f->child];
        Length pos = f->pos;
        bool extra = ts_subtree_extra(*child);
        bool visible = ts_subtree_visible(*child);
        uint32_t structural = f->structural;
        TSSymbol alias = 0;
        if (!extra) {
            if (f->aliases) {
                alias = f->aliases[structural];
                if (alias) visible = true;
            }
            f->structural++;
        }
        f->pos = length_add(f->pos, ts_subtree_size(*child));
        f->child++;
        if (f->child < count) f->pos = length_add(f->pos, ts_subtree_padding(children[f->child]));

        /* The field: the parent's own (non-inherited) entry for this child,
         * else, through hidden parents, theirs; extras have none. */
        TSFieldId field = 0;
        if (!extra) {
            const TSFieldMapEntry *map, *map_end;
            ts_language_field_map(lang, f->parent.ptr->production_id, &map, &map_end);
            for (; map < map_end; map++) {
                if (!map->inherited && map->child_index == structural) {
                    field = map->field_id;
                    break;
                }
            }
            if (!field) field = f->inherited;
        }
        if (visible) {
            uint32_t at = out->len;
            /* As ts_node_symbol(): the alias, else the subtree's symbol. */
            TSSymbol sym = ts_language_public_symbol(lang, alias ? alias : ts_subtree_symbol(*child));
            MfFlatNode n = {.node = ts_node_new(tree, child, pos, alias), .end = at + 1, .field = field,
                            .kind = L ? (uint8_t)mf_kind_of_symbol(L, sym) : NK_NONE, .extra = extra};
            MF_VEC_PUSH(out, n);
            if (ts_subtree_child_count(*child) > 0) frame_push(&stack, lang, *child, pos, at, 0);
        } else if (ts_subtree_visible_child_count(*child) > 0) {
            frame_push(&stack, lang, *child, pos, MF_NONE, field);
        }
    }
    free(stack.items);
}
