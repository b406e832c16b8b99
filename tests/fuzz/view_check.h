/*
 * tests/fuzz/view_check.h — the fuzz targets' oracle for FlatViews:
 * take a fingerprint of an address space's current view, render every
 * view again from scratch, and compare.  memcore re-renders only the
 * window a commit changed, but a view must be what rendering the whole
 * tree gives (memcore/SEMANTICS.md, "Incremental rendering"), so the two
 * must never differ.
 */
#ifndef FUZZ_VIEW_CHECK_H
#define FUZZ_VIEW_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include <memcore/memory.h>

/* One flat range, as `info mtree -f` shows it. */
typedef struct RangePrint {
    hwaddr start;
    Int128 size;
    MemoryRegion *mr;
    hwaddr offset;
    bool readonly;
} RangePrint;

typedef struct ViewPrint {
    unsigned n;
    RangePrint *r;
} ViewPrint;

/* view_print: the current view of @as into @vp (malloc'ed; aborts when
 * out of memory).  view_print_free releases it. */
void view_print(AddressSpace *as, ViewPrint *vp);
void view_print_free(ViewPrint *vp);
void view_print_copy(ViewPrint *dst, const ViewPrint *src);
bool views_equal(const ViewPrint *a, const ViewPrint *b);

/* view_print_diff: both views side by side on @f. */
void view_print_diff(FILE *f, const ViewPrint *committed,
                     const ViewPrint *full);

/* force_full_render: render every view from scratch now, as QEMU does at
 * every commit (global dirty logging's start and stop each do), leaving
 * the logging state as @logging says it is. */
void force_full_render(bool logging);

#endif /* FUZZ_VIEW_CHECK_H */
