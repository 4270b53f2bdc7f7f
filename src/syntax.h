/*
 * syntax.h — internal to the worker side of the scan (parse.c and the
 * transform passes): the tree-sitter node kinds and fields we dispatch on,
 * the per-grammar symbol tables, and the interface between parse.c and the
 * transforms that turn a parsed file into an edit list.
 *
 * Nothing outside parse.c, transform_module.c and transform_syntax.c
 * includes this: later phases never see a TSNode (STYLE.md 3).
 */
#ifndef MF_SYNTAX_H
#define MF_SYNTAX_H

#include "mfbuild.h"

#include <tree_sitter/api.h>

/* ---- node kinds ----------------------------------------------------------
 * The node types the walk cares about, as (kind, grammar name, named?).
 * Every symbol of a grammar whose name matches is mapped to the kind, so
 * aliased duplicates are covered.  Names a grammar lacks map to nothing. */
#define NODE_KINDS(X)                                                    \
    X(PROGRAM, "program", 1)                                             \
    X(IMPORT_STATEMENT, "import_statement", 1)                           \
    X(EXPORT_STATEMENT, "export_statement", 1)                           \
    X(IMPORT_CLAUSE, "import_clause", 1)                                 \
    X(NAMED_IMPORTS, "named_imports", 1)                                 \
    X(IMPORT_SPECIFIER, "import_specifier", 1)                           \
    X(NAMESPACE_IMPORT, "namespace_import", 1)                           \
    X(IMPORT_REQUIRE_CLAUSE, "import_require_clause", 1)                 \
    X(EXPORT_CLAUSE, "export_clause", 1)                                 \
    X(EXPORT_SPECIFIER, "export_specifier", 1)                           \
    X(NAMESPACE_EXPORT, "namespace_export", 1)                           \
    X(CALL_EXPRESSION, "call_expression", 1)                             \
    X(IMPORT, "import", 1)                                               \
    X(IDENTIFIER, "identifier", 1)                                       \
    X(ARGUMENTS, "arguments", 1)                                         \
    X(STRING, "string", 1)                                               \
    X(TEMPLATE_STRING, "template_string", 1)                             \
    X(TEMPLATE_SUBSTITUTION, "template_substitution", 1)                 \
    X(REGEX, "regex", 1)                                                 \
    X(META_PROPERTY, "meta_property", 1)                                 \
    X(JSX_ELEMENT, "jsx_element", 1)                                     \
    X(JSX_SELF_CLOSING, "jsx_self_closing_element", 1)                   \
    X(JSX_FRAGMENT, "jsx_fragment", 1)                                   \
    X(IF_STATEMENT, "if_statement", 1)                                   \
    X(TERNARY, "ternary_expression", 1)                                  \
    X(BINARY, "binary_expression", 1)                                    \
    X(UNARY, "unary_expression", 1)                                      \
    X(PARENTHESIZED, "parenthesized_expression", 1)                      \
    X(MEMBER, "member_expression", 1)                                    \
    X(ARRAY, "array", 1)                                                 \
    X(TRUE, "true", 1)                                                   \
    X(FALSE, "false", 1)                                                 \
    X(FORMAL_PARAMETERS, "formal_parameters", 1)                         \
    X(REQUIRED_PARAMETER, "required_parameter", 1)                       \
    X(OPTIONAL_PARAMETER, "optional_parameter", 1)                       \
    X(ASSIGNMENT_PATTERN, "assignment_pattern", 1)                       \
    X(LEXICAL_DECLARATION, "lexical_declaration", 1)                     \
    X(VARIABLE_DECLARATION, "variable_declaration", 1)                   \
    X(VARIABLE_DECLARATOR, "variable_declarator", 1)                     \
    X(FUNCTION_DECLARATION, "function_declaration", 1)                   \
    X(GENERATOR_DECLARATION, "generator_function_declaration", 1)        \
    X(CLASS_DECLARATION, "class_declaration", 1)                         \
    X(ABSTRACT_CLASS_DECLARATION, "abstract_class_declaration", 1)       \
    X(ENUM_DECLARATION, "enum_declaration", 1)                           \
    X(INTERNAL_MODULE, "internal_module", 1)                             \
    X(MODULE, "module", 1)                                               \
    X(IMPORT_ALIAS, "import_alias", 1)                                   \
    X(NESTED_IDENTIFIER, "nested_identifier", 1)                         \
    X(OBJECT_PATTERN, "object_pattern", 1)                               \
    X(ARRAY_PATTERN, "array_pattern", 1)                                 \
    X(PAIR_PATTERN, "pair_pattern", 1)                                   \
    X(OBJECT_ASSIGNMENT_PATTERN, "object_assignment_pattern", 1)         \
    X(REST_PATTERN, "rest_pattern", 1)                                   \
    X(SHORTHAND_PATTERN, "shorthand_property_identifier_pattern", 1)     \
    X(KW_TYPE, "type", 0)                                                \
    X(KW_DEFAULT, "default", 0)                                          \
    X(KW_NAMESPACE, "namespace", 0)                                      \
    X(TOK_STAR, "*", 0)                                                  \
    X(TOK_ASSIGN, "=", 0)                                                \
    X(OP_AND, "&&", 0)                                                   \
    X(OP_OR, "||", 0)                                                    \
    X(OP_NOT, "!", 0)                                                    \
    X(OP_STRICT_EQ, "===", 0)                                            \
    X(OP_EQ, "==", 0)                                                    \
    X(OP_STRICT_NE, "!==", 0)                                            \
    X(OP_NE, "!=", 0)                                                    \
    /* shared by both transform passes */                                \
    X(EXPRESSION_STATEMENT, "expression_statement", 1)                   \
    X(STATEMENT_BLOCK, "statement_block", 1)                             \
    X(FUNCTION_EXPRESSION, "function_expression", 1)                     \
    X(ARROW_FUNCTION, "arrow_function", 1)                               \
    X(METHOD_DEFINITION, "method_definition", 1)                         \
    X(CLASS_BODY, "class_body", 1)                                       \
    X(THIS, "this", 1)                                                   \
    X(TYPE_IDENTIFIER, "type_identifier", 1)                             \
    X(AS_EXPRESSION, "as_expression", 1)                                 \
    X(SATISFIES_EXPRESSION, "satisfies_expression", 1)                   \
    X(NON_NULL_EXPRESSION, "non_null_expression", 1)                     \
    X(JSX_OPENING, "jsx_opening_element", 1)                             \
    X(JSX_CLOSING, "jsx_closing_element", 1)                             \
    X(JSX_NAMESPACE_NAME, "jsx_namespace_name", 1)

/* TypeScript nodes that only carry types: nothing in them exists at run time
 * (an `import("x")` in a type position is not a dependency), and
 * `declare module "x" { import ... }` must not produce records. */
#define TYPE_KINDS(X)                                                                  \
    X("type_annotation") X("opting_type_annotation") X("omitting_type_annotation")    \
    X("adding_type_annotation") X("asserts_annotation") X("type_predicate_annotation") \
    X("type_alias_declaration") X("interface_declaration") X("ambient_declaration")   \
    X("type_arguments") X("type_parameters") X("function_signature")                  \
    X("method_signature") X("abstract_method_signature") X("index_signature")         \
    X("call_signature") X("construct_signature") X("property_signature")              \
    X("type_query") X("generic_type") X("object_type") X("union_type")                \
    X("intersection_type") X("function_type") X("constructor_type")                  \
    X("conditional_type") X("lookup_type") X("tuple_type") X("array_type")            \
    X("parenthesized_type") X("implements_clause") X("literal_type")                  \
    X("index_type_query") X("template_literal_type")

/* Kinds added by the transform passes: each pass appends to its own list
 * (a grammar name must appear in only one list; reuse existing kinds). */
#define TRANSFORM_MODULE_KINDS(X)                                        \
    X(SHORTHAND_PROPERTY, "shorthand_property_identifier", 1)            \
    X(GENERATOR_FUNCTION, "generator_function", 1)                       \
    X(CLASS, "class", 1)                                                 \
    X(CLASS_STATIC_BLOCK, "class_static_block", 1)                       \
    X(FOR_STATEMENT, "for_statement", 1)                                 \
    X(FOR_IN_STATEMENT, "for_in_statement", 1)                           \
    X(CATCH_CLAUSE, "catch_clause", 1)                                   \
    X(SWITCH_BODY, "switch_body", 1)                                     \
    X(ASSIGNMENT_EXPRESSION, "assignment_expression", 1)                 \
    X(AUGMENTED_ASSIGNMENT, "augmented_assignment_expression", 1)        \
    X(UPDATE_EXPRESSION, "update_expression", 1)                         \
    X(NESTED_TYPE_IDENTIFIER, "nested_type_identifier", 1)               \
    X(HASH_BANG, "hash_bang_line", 1)                                    \
    X(KW_EXPORT, "export", 0)                                            \
    X(KW_FUNCTION, "function", 0)
#define TRANSFORM_SYNTAX_KINDS(X)                                        \
    X(JSX_ATTRIBUTE, "jsx_attribute", 1)                                 \
    X(JSX_EXPRESSION, "jsx_expression", 1)                               \
    X(JSX_TEXT, "jsx_text", 1)                                           \
    X(HTML_CHAR_REF, "html_character_reference", 1)                      \
    X(SPREAD_ELEMENT, "spread_element", 1)                               \
    X(PROPERTY_IDENTIFIER, "property_identifier", 1)                     \
    X(NUMBER, "number", 1)                                               \
    X(SUPER, "super", 1)                                                 \
    X(EMPTY_STATEMENT, "empty_statement", 1)                             \
    X(PUBLIC_FIELD, "public_field_definition", 1)                        \
    X(DECORATOR, "decorator", 1)                                         \
    X(ACCESSIBILITY_MODIFIER, "accessibility_modifier", 1)               \
    X(OVERRIDE_MODIFIER, "override_modifier", 1)                         \
    X(ENUM_BODY, "enum_body", 1)                                         \
    X(ENUM_ASSIGNMENT, "enum_assignment", 1)                             \
    X(KW_READONLY, "readonly", 0)                                        \
    X(KW_DECLARE, "declare", 0)                                          \
    X(KW_ABSTRACT, "abstract", 0)                                        \
    X(TOK_QUESTION, "?", 0)
#define ALL_NODE_KINDS(X) NODE_KINDS(X) TRANSFORM_MODULE_KINDS(X) TRANSFORM_SYNTAX_KINDS(X)

typedef enum {
    NK_NONE = 0,
#define X(e, s, named) NK_##e,
    ALL_NODE_KINDS(X)
#undef X
    NK_TYPE,  /* any of TYPE_KINDS */
    NK_ERROR, /* not in the table: ts_builtin_sym_error */
} NodeKind;

#define FIELDS(X)                                                            \
    X(CONDITION, "condition") X(CONSEQUENCE, "consequence")                  \
    X(ALTERNATIVE, "alternative") X(DECLARATION, "declaration")              \
    X(VALUE, "value") X(SOURCE, "source") X(NAME, "name") X(ALIAS, "alias")  \
    X(FUNCTION, "function") X(ARGUMENTS, "arguments") X(LEFT, "left")        \
    X(RIGHT, "right") X(OPERATOR, "operator") X(PATTERN, "pattern")          \
    X(PARAMETER, "parameter") X(ARGUMENT, "argument") X(OBJECT, "object")

/* Fields added by the transform passes, as for the kinds above. */
#define TRANSFORM_MODULE_FIELDS(X) X(KIND, "kind") X(PROPERTY, "property")
#define TRANSFORM_SYNTAX_FIELDS(X)                                            \
    X(BODY, "body") X(OPEN_TAG, "open_tag") X(CLOSE_TAG, "close_tag")        \
    X(ATTRIBUTE, "attribute") X(PARAMETERS, "parameters")
#define ALL_FIELDS(X) FIELDS(X) TRANSFORM_MODULE_FIELDS(X) TRANSFORM_SYNTAX_FIELDS(X)

enum {
#define X(e, s) F_##e,
    ALL_FIELDS(X)
#undef X
    F__COUNT
};

/* One grammar: its parser and the symbol/field ids the walk uses. */
typedef struct LangTable {
    const char *name;
    TSParser *parser;
    const TSLanguage *lang;
    uint8_t *kind; /* TSSymbol -> NodeKind, nsym entries */
    uint32_t nsym;
    TSFieldId field[F__COUNT];
} LangTable;

enum { LT_JS, LT_TS, LT_TSX, LT__COUNT };

/* ---- the flattened tree ---------------------------------------------------
 * A file's nodes in the order a TSTreeCursor walk visits them (preorder,
 * hidden nodes skipped), each with its field and the index just past its
 * subtree.  flat.c builds it once per file; parse.c's walk and the two
 * transform passes iterate it instead of each moving a cursor of their
 * own: one cursor step through tree-sitter's hidden nodes costs hundreds of
 * instructions, and three cursor walks per file were ~40% of the scan. */
typedef struct MfFlatNode {
    TSNode node;
    uint32_t end;    /* index just past the last node of this subtree */
    TSFieldId field; /* the field the node is in, 0 for none */
    uint8_t kind;    /* mf_kind_of(L, node), read while the subtree is in
                      * cache: the walks would each fetch it again */
    bool extra;      /* ts_node_is_extra(node) (a comment), likewise */
} MfFlatNode;
typedef MF_VEC(MfFlatNode) MfFlatTree;

/* flat.c — fills *out (reused: its items are kept) with the tree from
 * `root`, in the order of a cursor walk from it; kinds from L's table (NULL:
 * every kind NK_NONE). */
void mf_flat_tree_build(MfFlatTree *out, TSNode root, const LangTable *L);

/* Walks nodes[0..n) (a flattened tree) as the cursor walks did, declaring
 * `i` (the node) and `depth` (0 for the root).  The expression VISIT is
 * evaluated for every node reached, in preorder; when it is true and the
 * node has children, the statement ENTER runs (with depth already that of
 * the children) and the children are walked next, otherwise they are
 * skipped. */
#define MF_FLAT_WALK(nodes, n, i, depth, VISIT, ENTER)                        \
    do {                                                                       \
        MF_VEC(uint32_t) ends_ = {0};                                          \
        uint32_t i = 0, depth = 0;                                             \
        MF_VEC_PUSH(&ends_, (n));                                              \
        while ((n) > 0) {                                                      \
            if ((VISIT) && (nodes)[i].end > i + 1) {                           \
                depth++;                                                       \
                if (depth == ends_.len) MF_VEC_PUSH(&ends_, (nodes)[i].end);   \
                else ends_.items[depth] = (nodes)[i].end;                      \
                ENTER;                                                         \
                i++;                                                           \
                continue;                                                      \
            }                                                                  \
            i = (nodes)[i].end;                                                \
            while (depth > 0 && i == ends_.items[depth]) depth--;              \
            if (depth == 0) break;                                             \
        }                                                                      \
        free(ends_.items);                                                     \
    } while (0)

struct MfParser {
    LangTable langs[LT__COUNT];
    MfFlatTree flat; /* reused from file to file */
};


/* ---- node helpers ------------------------------------------------------- */

static inline NodeKind mf_kind_of_symbol(const LangTable *L, TSSymbol s) {
    if (s < L->nsym) return (NodeKind)L->kind[s];
    return s == (TSSymbol)-1 ? NK_ERROR : NK_NONE;
}

static inline NodeKind mf_kind_of(const LangTable *L, TSNode n) {
    return mf_kind_of_symbol(L, ts_node_symbol(n));
}

static inline TSNode mf_field(const LangTable *L, TSNode n, int f) {
    TSFieldId id = L->field[f];
    if (!id) return (TSNode){0};
    return ts_node_child_by_field_id(n, id);
}

/* The first named child that is not an extra (a comment). */
static inline TSNode mf_first_named(TSNode n) {
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(n, i);
        if (!ts_node_is_extra(c)) return c;
    }
    return (TSNode){0};
}

/* True when `n` has an anonymous child token of kind `k` (a modifier such
 * as the `type` of `import { type A }`). */
static inline bool mf_has_token(const LangTable *L, TSNode n, NodeKind k) {
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        if (!ts_node_is_named(c) && mf_kind_of(L, c) == k) return true;
    }
    return false;
}

/* ---- transform passes ----------------------------------------------------
 * parse.c runs them, in this order, on a tree without syntax errors, after
 * the import records (including the implicit JSX runtime one) are final and
 * before the tree is deleted.  Each appends edits to t->m (mf_edit_*). */

typedef struct MfBindings MfBindings; /* transform_module.c's own */

typedef struct MfTransform {
    MfModule *m;            /* record being built; edits go to m->edits */
    const MfConfig *cfg;    /* borrowed: mode, jsx, define */
    const LangTable *L;
    TSNode root;
    const MfFlatNode *flat; /* the tree from root, flattened (borrowed) */
    uint32_t flat_len;
    bool typescript;        /* .ts/.mts/.cts/.tsx */
    MfBindings *bindings;   /* set by mf_transform_module, freed by parse.c */
} MfTransform;

/* transform_module.c — ES module syntax and CommonJS to the registry's
 * function form (see docs/output-format.md): imports, exports, require,
 * import(), import.meta, define replacements; drops TypeScript imports
 * whose bindings are never used as values (their records are removed). */
void mf_transform_module(MfTransform *t);
/* The generated-code expression for a module-level identifier, for code the
 * other pass writes (the classic JSX pragma "React" -> "__mf$0.default"):
 * NULL when `name` is not an import binding.  Arena-owned. */
const char *mf_transform_binding_ref(MfTransform *t, const char *name, size_t len);
void mf_transform_bindings_free(MfTransform *t);

/* transform_syntax.c — JSX to runtime calls, TypeScript erasure, enum and
 * namespace compilation, parameter properties; unsupported syntax is an
 * error diagnostic in t->m->log, never emitted as is. */
void mf_transform_syntax(MfTransform *t);

#endif
