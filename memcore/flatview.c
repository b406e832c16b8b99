/*
 * flatview.c — FlatViews: the rendered, sorted array of disjoint ranges of
 * an address space, which doubles as its dispatch table.
 *
 * A view is immutable once published.  Each address space showing it
 * holds a reference; a replaced view loses that reference only after an
 * RCU grace period, and when the count reaches zero the view drops the
 * region references its ranges held.  Readers that keep a view beyond
 * their read section take a reference that never resurrects a dying view
 * (D11).
 */
#include "internal.h"

#include <stdio.h>

FlatView *flatview_new(MemoryRegion *root, unsigned capacity)
{
    FlatView *view = mc_malloc0(sizeof(*view));
    view->root = root;
    if (capacity) {
        view->ranges = mc_malloc0(sizeof(FlatRange) * capacity);
        view->nr_allocated = capacity;
    }
    return view;
}

void flatview_append(FlatView *view, const FlatRange *fr)
{
    if (view->nr == view->nr_allocated) {
        unsigned n = view->nr_allocated ? view->nr_allocated * 2 : 16;
        FlatRange *r = realloc(view->ranges, sizeof(FlatRange) * n);
        if (!r) {
            fprintf(stderr, "memcore: out of memory growing a FlatView\n");
            abort();
        }
        view->ranges = r;
        view->nr_allocated = n;
    }
    view->ranges[view->nr++] = *fr;
}

void flatview_take_refs(FlatView *view)
{
    for (unsigned i = 0; i < view->nr; i++) {
        memory_region_ref(view->ranges[i].mr);
    }
}

static void flatview_destroy(FlatView *view)
{
    free((void *)atomic_load(&view->page_cache));
    for (unsigned i = 0; i < view->nr; i++) {
        memory_region_unref(view->ranges[i].mr);
    }
    free(view->ranges);
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
    struct rcu_head rcu;
    FlatView *view;
};

static void flatview_rcu_unref(struct rcu_head *head)
{
    struct view_retirement *r = caa_container_of(head, struct view_retirement,
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
    empty_view = flatview_new(NULL, 0);
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
        /* D11: only take a reference on a view that is still alive. */
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
    *out = flatrange_section(&view->ranges[i], NULL);
    return true;
}

unsigned flatview_lower_bound(const FlatView *view, hwaddr addr)
{
    unsigned lo = 0, hi = view->nr;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->ranges[mid].last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const FlatRange *flatview_lookup_slow(FlatView *view, hwaddr addr)
{
    _Atomic(const FlatRange *) *cache =
        atomic_load_explicit(&view->page_cache, memory_order_acquire);
    unsigned slot = (addr >> TARGET_PAGE_BITS) & (PAGE_CACHE_SIZE - 1);
    const FlatRange *fr;
    if (cache) {
        fr = atomic_load_explicit(&cache[slot], memory_order_relaxed);
        if (fr && addr - fr->start <= fr->last - fr->start) {
            return fr;
        }
    }
    fr = flatview_search(view, addr);
    if (!fr) {
        return NULL;
    }
    atomic_store_explicit(&view->mru, fr, memory_order_relaxed);
    if (!cache && view->nr >= PAGE_CACHE_MIN_RANGES) {
        _Atomic(const FlatRange *) *fresh =
            calloc(PAGE_CACHE_SIZE, sizeof(*fresh));
        _Atomic(const FlatRange *) *expected = NULL;
        if (fresh && !atomic_compare_exchange_strong(&view->page_cache,
                                                     &expected, fresh)) {
            free(fresh); /* another reader won */
        }
        cache = atomic_load_explicit(&view->page_cache, memory_order_acquire);
    }
    if (cache) {
        atomic_store_explicit(&cache[slot], fr, memory_order_relaxed);
    }
    return fr;
}

const FlatRange *flatview_search(const FlatView *view, hwaddr addr)
{
    unsigned i = flatview_lower_bound(view, addr);
    if (i < view->nr && view->ranges[i].start <= addr) {
        return &view->ranges[i];
    }
    return NULL;
}

MemoryRegion *flatview_physical_root(MemoryRegion *mr)
{
    while (mr && mr->enabled) {
        if (mr->alias) {
            if (mr->alias_offset == 0 && mr->size >= mr->alias->size) {
                mr = mr->alias;
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
                /* memory-semantics §6.3/§11.2: a child at 0 that covers the
                 * whole container (QEMU itself accepts any child that fits,
                 * which case 61 rules out). */
                if (c->addr == 0 && c->size >= mr->size) {
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
