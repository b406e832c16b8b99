/*
 * memcore/mtree_internal.h — what mtree.c shares with mtree_dispatch.c,
 * and nothing else includes.
 *
 * mtree.c owns `info mtree`; mtree_dispatch.c adds the dispatch dump of
 * -f -d to each flat view it prints.  Between them: the output sink and
 * the two line helpers both use, and the one call from mtree.c into
 * mtree_dispatch.c.
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

/*
 * mtree_print_dispatch: the `Dispatch` block of -f -d for @view (whose
 * root is not NULL): the section table and page radix tree QEMU would
 * build for its ranges.  Called under memcore_lock().
 */
void mtree_print_dispatch(Printer *p, FlatView *view);

#endif /* MEMCORE_MTREE_INTERNAL_H */
