/*
 * server/board_check.h — shared by the files of the board checker
 * (board_parse.c, board_refs.c, board_check.c); not for other users.
 *
 * A Parser carries the board being filled, where problems go and the
 * JSON path of the value being looked at.  Every chk_* function that
 * finds a problem records it at that path (plus @key when given) and
 * lets the walk go on.
 */
#ifndef SERVER_BOARD_CHECK_H
#define SERVER_BOARD_CHECK_H

#include "board.h"
#include "board_index.h"
#include "board_internal.h"

typedef struct Parser {
    Board *b;
    Diag *d;
    JPath path;
    const char *basedir;
    NameIndex owners;         /* owner string -> BoardOwner */
    NameIndex as_names;       /* address-space name -> BoardAS */
    NameIndex ids;            /* region id -> BoardRegion, once regions are known */
    bool ids_indexed;
} Parser;

/* Memory ran out: remembered as one more problem. */
void chk_oom(Parser *p);
/* strdup that records running out of memory. */
char *chk_strdup(Parser *p, const char *s);
/* chk_push: append @item to a growing array of pointers. */
bool chk_push(Parser *p, void ***arr, size_t *n, void *item);
/* chk_error: record a problem at PATH.KEY (PATH when @key is NULL). */
void chk_error(Parser *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* chk_bad_value: "VALUE is not WHAT" at PATH.KEY. */
void chk_bad_value(Parser *p, const char *key, const json_t *v,
                   const char *what);
/* chk_in_list: whether @key is in the NULL-terminated @list. */
bool chk_in_list(const char *const *list, const char *key);
/* chk_keys: every key of @obj must be in @allowed or @also (may be NULL);
 * @kind names the object in messages ("a ram region"). */
void chk_keys(Parser *p, const json_t *obj, const char *const *allowed,
              const char *const *also, const char *kind);
/* Typed members; absent ones give NULL / @def / false (*@present false). */
const char *chk_string(Parser *p, const json_t *obj, const char *key,
                       bool required);
bool chk_bool(Parser *p, const json_t *obj, const char *key, bool def);
bool chk_number(Parser *p, const json_t *obj, const char *key,
                enum num_kind kind, u128 *out, bool *present);
/* chk_owner: the board's owner for @path, created on first use. */
BoardOwner *chk_owner(Parser *p, const char *path);
/* chk_find_as: the address space called @name (the first one, if
 * several are), NULL if none is. */
BoardAS *chk_find_as(Parser *p, const char *name);

/* board_refs.c */
void board_parse_address_spaces(Parser *p, const json_t *arr);
void board_parse_cpus(Parser *p, const json_t *arr);
void board_resolve_aliases(Parser *p);
void board_resolve_roots(Parser *p);
void board_check_kernel_entry(Parser *p);

/* board_graph.c: alias cycles first; on a board without them, the
 * nesting and rendered-size limits of memcored-board(5). */
void board_check_render_graph(Parser *p);

/* board_iommu.c */
void board_resolve_iommus(Parser *p);
void board_check_iommu_loops(Parser *p);

#endif /* SERVER_BOARD_CHECK_H */
