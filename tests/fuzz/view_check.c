/*
 * tests/fuzz/view_check.c — FlatView fingerprints and a forced full
 * render (see view_check.h).
 */
#include "view_check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

void view_print(AddressSpace *as, ViewPrint *vp)
{
    FlatView *view = address_space_get_flatview(as);
    MemoryRegionSection s;

    vp->n = flatview_nr_ranges(view);
    vp->r = calloc(vp->n ? vp->n : 1, sizeof(*vp->r));
    if (!vp->r) {
        fprintf(stderr, "view_print: out of memory\n");
        abort();
    }
    for (unsigned i = 0; i < vp->n; i++) {
        if (!flatview_get_range(view, i, &s)) {
            fprintf(stderr, "view_print: flatview_get_range(%u) failed "
                    "below flatview_nr_ranges (%u)\n", i, vp->n);
            abort();
        }
        vp->r[i] = (RangePrint) {
            .start = s.offset_within_address_space,
            .size = s.size,
            .mr = s.mr,
            .offset = s.offset_within_region,
            .readonly = s.readonly,
        };
    }
    flatview_unref(view);
}

void view_print_free(ViewPrint *vp)
{
    free(vp->r);
    vp->r = NULL;
    vp->n = 0;
}

void view_print_copy(ViewPrint *dst, const ViewPrint *src)
{
    dst->n = src->n;
    dst->r = calloc(src->n ? src->n : 1, sizeof(*dst->r));
    if (!dst->r) {
        fprintf(stderr, "view_print_copy: out of memory\n");
        abort();
    }
    memcpy(dst->r, src->r, src->n * sizeof(*dst->r));
}

/* Field by field: the structs have padding that memcmp would compare. */
bool views_equal(const ViewPrint *a, const ViewPrint *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (unsigned i = 0; i < a->n; i++) {
        const RangePrint *x = &a->r[i], *y = &b->r[i];

        if (x->start != y->start || !int128_eq(x->size, y->size) ||
            x->mr != y->mr || x->offset != y->offset ||
            x->readonly != y->readonly) {
            return false;
        }
    }
    return true;
}

static void put_range(FILE *f, const char *label, const RangePrint *r)
{
    uint64_t size = int128_ge(r->size, int128_2_64()) ? UINT64_MAX
                                                       : int128_get64(r->size);

    fprintf(f, "    %-10s %016" PRIx64 " size 0x%" PRIx64 " %s @0x%" PRIx64
            "%s\n", label, r->start, size,
            r->mr ? memory_region_name(r->mr) : "(null)", r->offset,
            r->readonly ? " ro" : "");
}

void view_print_diff(FILE *f, const ViewPrint *committed,
                     const ViewPrint *full)
{
    for (unsigned k = 0; k < committed->n || k < full->n; k++) {
        const RangePrint *a = k < committed->n ? &committed->r[k] : NULL;
        const RangePrint *b = k < full->n ? &full->r[k] : NULL;

        if (a && b && views_equal(&(ViewPrint){ 1, (RangePrint *)a },
                                  &(ViewPrint){ 1, (RangePrint *)b })) {
            put_range(f, "both:", a);
            continue;
        }
        if (a) {
            put_range(f, "committed:", a);
        }
        if (b) {
            put_range(f, "full:", b);
        }
    }
}

void force_full_render(bool logging)
{
    if (logging) {
        memory_global_dirty_log_stop();
        memory_global_dirty_log_start();
    } else {
        memory_global_dirty_log_start();
        memory_global_dirty_log_stop();
    }
}
