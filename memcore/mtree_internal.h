/*
 * memcore/mtree_internal.h — what mtree.c shares with mtree_dispatch.c,
 * and nothing else includes.
 *
 * mtree.c owns `info mtree`; mtree_dispatch.c adds the dispatch dump of
 * -f -d to each flat view it prints; inspect.c walks the same tree for
 * structured inspection.  Between them: the output sink and the two line
 * helpers, the one call from mtree.c into mtree_dispatch.c, and the type
 * word and child order inspect.c shares with the printer.
 */
#ifndef MEMCORE_MTREE_INTERNAL_H
#define MEMCORE_MTREE_INTERNAL_H

#include "internal.h"

#include <stdio.h>

#define MTREE_INDENT "  "

/* A sink and the options of one mtree_info_flags() call. */
typedef struct Printer {
    fprintf_function pr;
    FILE *f;
    unsigned flags;
} Printer;

#define out(p, ...) ((p)->pr((p)->f, __VA_ARGS__))

/* Last address of @size bytes from @start (64-bit wrap, size 0 → start). */
static inline hwaddr range_end(hwaddr start, u128 size)
{
    return size ? start + (hwaddr)(size - 1) : start;
}

/* The note that replaces a part of the output memory ran out for. */
static inline void print_oom(Printer *p, const char *what)
{
    out(p, MTREE_INDENT "memcore: out of memory printing %s\n", what);
}

/* mtree_type_word: `info mtree`'s type of @mr ("ram", "rom", "romd",
 * "i/o"); an alias has its final target's.  Under memcore_lock(). */
const char *mtree_type_word(const MemoryRegion *mr);

/*
 * mtree_sorted_children: the subregions of @mr in `info mtree` order
 * (address ascending, priority descending, then list order), in a
 * malloc()ed array; their number in *@n.  NULL when there are none or
 * memory ran out (*@n still counts them).  Under memcore_lock().
 */
MemoryRegion **mtree_sorted_children(const MemoryRegion *mr, size_t *n);

/*
 * mtree_print_dispatch: the `Dispatch` block of -f -d for @view (whose
 * root is not NULL): the section table and page radix tree QEMU would
 * build for its ranges.  Called under memcore_lock().
 */
void mtree_print_dispatch(Printer *p, FlatView *view);

#endif /* MEMCORE_MTREE_INTERNAL_H */
