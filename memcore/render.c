/*
 * render.c — turning a region tree into FlatRanges.
 *
 * QEMU's rule (SEMANTICS.md, Rendering): walk the tree depth first, children in
 * list order before their container's own content, and let the first
 * region that renders an address own it.  QEMU implements that by array
 * insertion, O(regions × ranges).  We split it in two steps instead:
 *
 *  1. collect: the same walk, clipped to the window being rendered,
 *     records one "painter" per terminating region reached: its clipped
 *     extent, where its offset 0 lies (base) and the inherited readonly
 *     flag.  A painter's index is its rank: lower ranks win.
 *  2. sweep: sort the painters' start and end points and walk them with a
 *     min-heap of open painters; between two consecutive points the owner
 *     is the open painter of lowest rank.
 *
 * Together O(P log P) for P painters in the window.  Simplification then
 * merges neighbours that continue each other; since that merge is
 * canonical, a view rendered window by window equals one rendered whole.
 */
#include "internal.h"

#include <stdio.h>

typedef struct Painter {
    MemoryRegion *mr;
    __int128 base; /* address of the region's offset 0; may be negative */
    u128 start, end;
    bool readonly;
} Painter;

typedef struct PainterVec {
    Painter *p;
    size_t n, cap;
} PainterVec;

/* Aliases nest legitimately only a few levels; deeper means a cycle the
 * constructors could not see (an alias inside its own target). */
#define MAX_ALIAS_DEPTH 64

static void painter_push(PainterVec *v, const Painter *p)
{
    if (v->n == v->cap) {
        size_t n = v->cap ? v->cap * 2 : 64;
        v->p = mc_realloc(v->p, n * sizeof(*v->p));
        v->cap = n;
    }
    v->p[v->n++] = *p;
}

static void collect(PainterVec *v, MemoryRegion *mr, __int128 base,
                    u128 clip_lo, u128 clip_hi, bool readonly, int depth)
{
    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    readonly |= mr->readonly;
    __int128 ext_lo = base, ext_hi = base + mr->size;
    __int128 lo = MC_MAX(ext_lo, (__int128)clip_lo);
    __int128 hi = MC_MIN(ext_hi, (__int128)clip_hi);
    if (lo >= hi) {
        return;
    }
    if (mr->alias) {
        if (depth >= MAX_ALIAS_DEPTH) {
            mc_misuse("render", "alias '%s' nests too deep (a cycle?)",
                      mr->name ? mr->name : "(noname)");
            return;
        }
        collect(v, mr->alias,
                base - (__int128)mr->alias->addr - (__int128)mr->alias_offset,
                (u128)lo, (u128)hi, readonly, depth + 1);
        return;
    }
    /* A window narrower than the region: ask the children index. */
    MemoryRegion **cand;
    size_t n = (lo > ext_lo || hi < ext_hi)
                   ? child_index_query(mr, lo - base, hi - base, &cand)
                   : SIZE_MAX;
    if (n == SIZE_MAX) {
        for (MemoryRegion *sub = mr->subregions_head; sub;
             sub = sub->sub_next) {
            collect(v, sub, base, (u128)lo, (u128)hi, readonly, depth);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            collect(v, cand[i], base, (u128)lo, (u128)hi, readonly, depth);
        }
        free(cand);
    }
    if (mr->terminates) {
        Painter p = { mr, base, (u128)lo, (u128)hi, readonly };
        painter_push(v, &p);
    }
}

typedef struct Event {
    u128 pos;
    uint32_t painter;
    bool open;
} Event;

static int event_cmp(const void *a, const void *b)
{
    const Event *x = a, *y = b;
    if (x->pos != y->pos) {
        return x->pos < y->pos ? -1 : 1;
    }
    return (int)x->open - (int)y->open;
}

/* A binary min-heap of painter ranks. */
typedef struct Heap {
    uint32_t *a;
    size_t n;
} Heap;

static void heap_push(Heap *h, uint32_t x)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->a[parent] <= x) {
            break;
        }
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = x;
}

static void heap_pop(Heap *h)
{
    uint32_t x = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) {
            break;
        }
        if (c + 1 < h->n && h->a[c + 1] < h->a[c]) {
            c++;
        }
        if (x <= h->a[c]) {
            break;
        }
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n) {
        h->a[i] = x;
    }
}

static void emit(RangeVec *out, const Painter *p, u128 lo, u128 hi,
                 const Painter **last_painter)
{
    FlatRange *prev = out->n ? &out->r[out->n - 1] : NULL;
    if (prev && *last_painter == p && (u128)prev->last + 1 == lo) {
        prev->last = (hwaddr)(hi - 1);
        flatrange_set_host(prev);
        return;
    }
    FlatRange fr = {
        .mr = p->mr,
        .offset_in_region = (hwaddr)((__int128)lo - p->base),
        .start = (hwaddr)lo,
        .last = (hwaddr)(hi - 1),
        .dirty_log_mask = memory_region_get_dirty_log_mask(p->mr),
        .romd_mode = p->mr->romd_mode,
        .readonly = p->readonly,
    };
    flatrange_set_host(&fr);
    rangevec_push(out, &fr);
    *last_painter = p;
}

void render_window(RangeVec *out, MemoryRegion *root, u128 lo, u128 hi)
{
    PainterVec v = { 0 };
    if (root && lo < hi) {
        collect(&v, root, 0, lo, hi, false, 0);
    }
    if (v.n == 0) {
        free(v.p);
        return;
    }
    const Painter *last_painter = NULL;
    if (v.n == 1) {
        emit(out, &v.p[0], v.p[0].start, v.p[0].end, &last_painter);
        free(v.p);
        return;
    }
    Event *ev = malloc(2 * v.n * sizeof(*ev));
    Heap heap = { malloc(v.n * sizeof(uint32_t)), 0 };
    bool *closed = calloc(v.n, sizeof(bool));
    if (!ev || !heap.a || !closed) {
        fprintf(stderr, "memcore: out of memory while rendering\n");
        abort();
    }
    for (size_t i = 0; i < v.n; i++) {
        ev[2 * i] = (Event){ v.p[i].start, (uint32_t)i, true };
        ev[2 * i + 1] = (Event){ v.p[i].end, (uint32_t)i, false };
    }
    qsort(ev, 2 * v.n, sizeof(*ev), event_cmp);
    u128 prev = 0;
    for (size_t k = 0; k < 2 * v.n;) {
        u128 pos = ev[k].pos;
        while (heap.n && closed[heap.a[0]]) {
            heap_pop(&heap);
        }
        if (heap.n && prev < pos) {
            emit(out, &v.p[heap.a[0]], prev, pos, &last_painter);
        }
        for (; k < 2 * v.n && ev[k].pos == pos; k++) {
            if (ev[k].open) {
                heap_push(&heap, ev[k].painter);
            } else {
                closed[ev[k].painter] = true;
            }
        }
        prev = pos;
    }
    free(closed);
    free(heap.a);
    free(ev);
    free(v.p);
}

/* The offsets add up in 65 bits: a range that ends at a 2^64-byte
 * region's end is not continued by the region's offset 0 (shown again
 * through an alias), as QEMU's Int128 sum says. */
static bool can_merge(const FlatRange *a, const FlatRange *b)
{
    return a->last != UINT64_MAX && a->last + 1 == b->start &&
           a->mr == b->mr &&
           (Int128)a->offset_in_region + (a->last - a->start) + 1 ==
               (Int128)b->offset_in_region &&
           a->dirty_log_mask == b->dirty_log_mask &&
           a->romd_mode == b->romd_mode && a->readonly == b->readonly;
}

static void simplify(RangeVec *v)
{
    unsigned w = 0;
    for (unsigned i = 0; i < v->n; i++) {
        if (w > 0 && can_merge(&v->r[w - 1], &v->r[i])) {
            v->r[w - 1].last = v->r[i].last;
            flatrange_set_host(&v->r[w - 1]);
        } else {
            v->r[w++] = v->r[i];
        }
    }
    v->n = w;
}

/*
 * render_splice: only the chunks of @old that meet [lo, hi), plus one
 * neighbour on each side (a range next to the window may merge with a new
 * one), are rebuilt; the others are shared with @old.  The neighbours'
 * outer ends are untouched ranges that did not merge in @old, so nothing
 * beyond them can merge now.
 */
FlatView *render_splice(const FlatView *old, MemoryRegion *root, u128 lo,
                        u128 hi)
{
    unsigned nc = old->nchunks;
    /* a: first chunk holding a range that ends at or after lo;
     * b: last chunk holding a range that starts below hi. */
    unsigned a = 0;
    while (a < nc) {
        const FlatChunk *c = old->chunks[a];
        if ((u128)c->r[c->nr - 1].last >= lo) {
            break;
        }
        a++;
    }
    int b = (int)nc - 1;
    while (b >= 0 && (u128)old->chunks[b]->r[0].start >= hi) {
        b--;
    }
    int first = MC_MIN((int)a, b + 1) - 1;
    int last = MC_MAX((int)a - 1, b) + 1;
    first = MC_MAX(first, 0);
    last = MC_MIN(last, (int)nc - 1);

    RangeVec v = { 0 };
    int k = first;
    /* Ranges wholly below the window, then the part of a straddler. */
    for (; k <= last; k++) {
        const FlatChunk *c = old->chunks[k];
        unsigned i = 0;
        while (i < c->nr && (u128)c->r[i].last < lo) {
            rangevec_push(&v, &c->r[i++]);
        }
        if (i < c->nr) {
            if (c->r[i].start < lo) {
                FlatRange fr = c->r[i];
                fr.last = (hwaddr)(lo - 1);
                rangevec_push(&v, &fr);
            }
            break;
        }
    }
    render_window(&v, root, lo, hi);
    if (hi < U128_2_64) {
        for (k = MC_MAX(k, first); k <= last; k++) {
            const FlatChunk *c = old->chunks[k];
            for (unsigned i = 0; i < c->nr; i++) {
                FlatRange fr = c->r[i];
                if ((u128)fr.last < hi) {
                    continue;
                }
                if (fr.start < hi) {
                    hwaddr cut = (hwaddr)(hi - fr.start);
                    fr.offset_in_region += cut;
                    fr.start = (hwaddr)hi;
                    if (fr.host) {
                        fr.host += cut;
                    }
                }
                rangevec_push(&v, &fr);
            }
        }
    }
    simplify(&v);

    FlatView *view = flatview_new(root);
    for (int c = 0; c < first; c++) {
        flatview_add_chunk(view, old->chunks[c]);
    }
    flatview_add_ranges(view, v.r, v.n);
    for (int c = MC_MAX(last + 1, first); c < (int)nc; c++) {
        flatview_add_chunk(view, old->chunks[c]);
    }
    flatview_finish(view);
    free(v.r);
    return view;
}

FlatView *render_full(MemoryRegion *root)
{
    RangeVec v = { 0 };
    render_window(&v, root, 0, U128_2_64);
    simplify(&v);
    FlatView *view = flatview_new(root);
    flatview_add_ranges(view, v.r, v.n);
    flatview_finish(view);
    free(v.r);
    return view;
}
