/*
 * flatview.c — FlatViews: the rendered, sorted array of disjoint ranges of
 * an address space, which doubles as its dispatch table.
 *
 * A view is immutable once published.  Each address space showing it
 * holds a reference; a replaced view loses that reference only after an
 * RCU grace period, and when the count reaches zero the view drops the
 * region references its ranges held.  Readers that keep a view beyond
 * their read section take a reference that never resurrects a dying view
 * (a later QEMU fix).
 */
#include "internal.h"

#include <stdio.h>

void rangevec_push(RangeVec *v, const FlatRange *fr)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->r = mc_realloc(v->r, sizeof(FlatRange) * v->cap);
    }
    v->r[v->n++] = *fr;
}

FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *view = mc_malloc0(sizeof(*view));
    view->root = root;
    return view;
}

static void push_chunk(FlatView *view, FlatChunk *chunk)
{
    /* Grow by doubling: reallocate when nchunks reaches a power of two. */
    if (view->nchunks == 0 || (view->nchunks >= 4 &&
                               (view->nchunks & (view->nchunks - 1)) == 0)) {
        size_t n = view->nchunks ? view->nchunks * 2 : 4;
        view->chunks = mc_realloc(view->chunks, n * sizeof(*view->chunks));
    }
    view->chunks[view->nchunks++] = chunk;
}

void flatview_add_chunk(FlatView *view, FlatChunk *chunk)
{
    atomic_fetch_add(&chunk->ref, 1);
    push_chunk(view, chunk);
}

/* A chunk's own index, built once when the chunk is made. */
static void chunk_index(FlatChunk *c)
{
    DispItem items[FLAT_CHUNK_MAX];
    for (unsigned i = 0; i < c->nr; i++) {
        items[i] = (DispItem){ c->r[i].start, c->r[i].last,
                               disp_leaf(&c->r[i]) };
    }
    c->index = disp_build(&c->arena, items, c->nr);
}

void flatview_add_ranges(FlatView *view, const FlatRange *r, unsigned n)
{
    /* Even pieces of about FLAT_CHUNK_TARGET ranges. */
    unsigned pieces = (n + FLAT_CHUNK_TARGET - 1) / FLAT_CHUNK_TARGET;
    for (unsigned p = 0, done = 0; p < pieces; p++) {
        unsigned k = (n - done) / (pieces - p);
        FlatChunk *c = mc_malloc0(sizeof(*c) + k * sizeof(FlatRange));
        atomic_store(&c->ref, 1);
        c->nr = k;
        memcpy(c->r, r + done, k * sizeof(FlatRange));
        for (unsigned i = 0; i < k; i++) {
            memory_region_ref(c->r[i].mr);
        }
        chunk_index(c);
        push_chunk(view, c);
        done += k;
    }
}

void flatview_finish(FlatView *view)
{
    view->chunk_first = mc_malloc0(sizeof(hwaddr) * (view->nchunks + 1));
    view->chunk_base = mc_malloc0(sizeof(unsigned) * (view->nchunks + 1));
    DispItem *items = mc_malloc0(sizeof(*items) * (view->nchunks + 1));
    unsigned total = 0;
    for (unsigned c = 0; c < view->nchunks; c++) {
        const FlatChunk *ch = view->chunks[c];
        view->chunk_first[c] = ch->r[0].start;
        view->chunk_base[c] = total;
        total += ch->nr;
        items[c] = (DispItem){ ch->r[0].start, ch->r[ch->nr - 1].last,
                               ch->index };
    }
    view->chunk_base[view->nchunks] = total;
    view->nr = total;
    view->index = disp_build(&view->arena, items, view->nchunks);
    free(items);
}

void flatrange_set_host(FlatRange *fr)
{
    MemoryRegion *mr = fr->mr;
    RAMBlock *b = mr->ram_block;
    fr->host = NULL;
    fr->direct = watch_region_watched(mr) ? FR_WATCHED : 0;
    if (!b) {
        return;
    }
    /* Whether an access is a plain copy is decided here, once per commit,
     * from the region's flags of that moment: readers never look at
     * flags that a mutator may be changing. */
    if (mr->ram || (mr->rom_device && fr->romd_mode)) {
        fr->direct |= FR_DIRECT_READ;
    }
    if (mr->ram && !mr->readonly) {
        fr->direct |= FR_DIRECT_WRITE;
    }
    /* The fast paths take a range only when it lies wholly inside the
     * block's used memory. */
    ram_addr_t used = MC_LOAD(b->used_length);
    if (fr->offset_in_region < used &&
        fr->last - fr->start < used - fr->offset_in_region) {
        fr->host = b->host + fr->offset_in_region;
        if (!(fr->direct & FR_WATCHED)) {
            fr->direct |= FR_FAST;
        }
    }
}

static void chunk_unref(FlatChunk *c)
{
    if (atomic_fetch_sub(&c->ref, 1) == 1) {
        for (unsigned i = 0; i < c->nr; i++) {
            memory_region_unref(c->r[i].mr);
        }
        disp_arena_free(c->arena);
        free(c);
    }
}

static void flatview_destroy(FlatView *view)
{
    disp_arena_free(view->arena);
    for (unsigned c = 0; c < view->nchunks; c++) {
        chunk_unref(view->chunks[c]);
    }
    free(view->chunks);
    free(view->chunk_first);
    free(view->chunk_base);
    free(view);
}

void flatview_ref(FlatView *view)
{
    atomic_fetch_add(&view->ref, 1);
}

void flatview_unref(FlatView *view)
{
    if (atomic_fetch_sub(&view->ref, 1) == 1) {
        flatview_destroy(view);
    }
}

struct view_retirement {
    McRcu rcu;
    FlatView *view;
};

static void flatview_rcu_unref(McRcu *d)
{
    struct view_retirement *r = caa_container_of(d, struct view_retirement,
                                                 rcu);
    flatview_unref(r->view);
    free(r);
}

void flatview_retire(FlatView *view)
{
    /* Readers without a reference may still be inside the view: every
     * retired reference is dropped only after a grace period. */
    struct view_retirement *r = mc_malloc0(sizeof(*r));
    r->view = view;
    mc_call_rcu(&r->rcu, flatview_rcu_unref);
}

static FlatView *empty_view;

static void make_empty_view(void)
{
    empty_view = flatview_new(NULL);
    flatview_finish(empty_view);
    atomic_store(&empty_view->ref, 1); /* immortal */
}

FlatView *flatview_empty(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_empty_view);
    return empty_view;
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    FlatView *view;
    mc_rcu_lock();
    for (;;) {
        view = as_view(as);
        unsigned ref = atomic_load(&view->ref);
        /* Only take a reference on a view that is still alive. */
        while (ref != 0 &&
               !atomic_compare_exchange_weak(&view->ref, &ref, ref + 1)) {
        }
        if (ref != 0) {
            break;
        }
    }
    mc_rcu_unlock();
    return view;
}

unsigned flatview_nr_ranges(const FlatView *view)
{
    return view->nr;
}

bool flatview_get_range(const FlatView *view, unsigned i,
                        MemoryRegionSection *out)
{
    if (i >= view->nr) {
        return false;
    }
    *out = flatrange_section(flatview_at(view, i), NULL);
    return true;
}

/* The last chunk whose first range starts at or below @addr (0 if none). */
static unsigned chunk_for_addr(const FlatView *view, hwaddr addr)
{
    unsigned lo = 0, hi = view->nchunks;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->chunk_first[mid] <= addr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Within chunk @c: the first range whose last byte is >= @addr. */
static unsigned chunk_lower_bound(const FlatChunk *c, hwaddr addr)
{
    unsigned lo = 0, hi = c->nr;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (c->r[mid].last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const FlatRange *flatview_at(const FlatView *view, unsigned i)
{
    unsigned lo = 0, hi = view->nchunks;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->chunk_base[mid] <= i) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return &view->chunks[lo]->r[i - view->chunk_base[lo]];
}

unsigned flatview_lower_bound(const FlatView *view, hwaddr addr)
{
    if (view->nchunks == 0) {
        return 0;
    }
    unsigned c = chunk_for_addr(view, addr);
    return view->chunk_base[c] + chunk_lower_bound(view->chunks[c], addr);
}

/*
 * Views are shared between address spaces whose roots render the same
 * ranges (QEMU 2.11's "physical root").  Looking through a region is only
 * allowed when rendering what it shows gives exactly what rendering the
 * region itself gives: it must sit where what it shows sits (render
 * places a root at its own addr), add no readonly flag and clip nothing.
 */
MemoryRegion *flatview_physical_root(MemoryRegion *mr)
{
    while (mr && mr->enabled) {
        if (mr->alias) {
            MemoryRegion *t = mr->alias;
            /* The whole target, at offset 0, placed where it is. */
            if (mr->alias_offset == 0 && mr->size >= t->size &&
                mr->addr == t->addr && (!mr->readonly || t->readonly)) {
                mr = t;
                continue;
            }
        } else if (!mr->terminates) {
            unsigned found = 0;
            MemoryRegion *next = NULL;
            for (MemoryRegion *c = mr->subregions_head; c; c = c->sub_next) {
                if (!c->enabled) {
                    continue;
                }
                if (++found > 1) {
                    next = NULL;
                    break;
                }
                /* The only child, at 0, exactly as big as the container
                 * (a bigger one would be clipped by it), and the
                 * container at 0, where the child renders as a root. */
                if (c->addr == 0 && c->size == mr->size && mr->addr == 0 &&
                    (!mr->readonly || c->readonly)) {
                    next = c;
                }
            }
            if (found == 0) {
                return NULL;
            }
            if (next) {
                mr = next;
                continue;
            }
        }
        return mr;
    }
    return NULL;
}
