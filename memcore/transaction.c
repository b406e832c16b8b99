/*
 * transaction.c — transactions and the commit that publishes new views.
 *
 * Mutators record which window of which region may look different
 * (mark_dirty).  A window is carried up the container chain, translated
 * into each ancestor's coordinates, and remembered for every region on the
 * way, since any of them may be the root a view is rendered from.  A
 * change inside the target of an alias could show anywhere the alias
 * does, so it asks for a full render instead.
 *
 * The outermost commit then, for each address space in creation order,
 * finds the view's physical root, renders it once per commit (views are
 * shared between address spaces with the same physical root), re-rendering
 * only the recorded window when the old view came from the same root,
 * diffs old and new ranges for the listeners and publishes the new view.
 * What listeners observe is exactly what a full re-render would give
 * (SEMANTICS.md, Listeners and Transactions).
 */
#include "internal.h"

#include <stdio.h>

unsigned mc_transaction_depth;
bool mc_topology_pending;
bool mc_ioeventfd_pending;

typedef struct Window {
    MemoryRegion *mr;
    u128 lo, hi;
} Window;

/* The windows of this transaction, one per region, found by a pointer
 * hash: a transaction that adds 100,000 regions records a window for each
 * (any of them might be the root of a view), so a search must not be
 * linear. */
static struct {
    Window *w;
    size_t n, cap;
    uint32_t *slot; /* window index + 1, 0: free; 2 * cap of them */
    bool all;
} dirty;

static size_t window_hash(const MemoryRegion *mr, size_t mask)
{
    uintptr_t x = (uintptr_t)mr;
    x ^= x >> 17;
    x *= 0x9e3779b97f4a7c15ULL;
    return (size_t)(x >> 32) & mask;
}

static uint32_t *window_slot(const MemoryRegion *mr)
{
    size_t mask = 2 * dirty.cap - 1;
    for (size_t i = window_hash(mr, mask);; i = (i + 1) & mask) {
        uint32_t k = dirty.slot[i];
        if (k == 0 || dirty.w[k - 1].mr == mr) {
            return &dirty.slot[i];
        }
    }
}

/* Double the window array and rehash; false when out of memory. */
static bool windows_grow(void)
{
    size_t cap = dirty.cap ? dirty.cap * 2 : 16;
    Window *w = realloc(dirty.w, cap * sizeof(*w));
    if (w) {
        dirty.w = w;
    }
    uint32_t *slot = w ? calloc(2 * cap, sizeof(*slot)) : NULL;
    if (!slot) {
        return false;
    }
    free(dirty.slot);
    dirty.slot = slot;
    dirty.cap = cap;
    for (size_t i = 0; i < dirty.n; i++) {
        *window_slot(dirty.w[i].mr) = (uint32_t)i + 1;
    }
    return true;
}

static void window_add(MemoryRegion *mr, u128 lo, u128 hi)
{
    if (dirty.cap) {
        uint32_t *k = window_slot(mr);
        if (*k) {
            Window *w = &dirty.w[*k - 1];
            w->lo = MC_MIN(w->lo, lo);
            w->hi = MC_MAX(w->hi, hi);
            return;
        }
    }
    if (dirty.n == dirty.cap && !windows_grow()) {
        /* Without memory to remember windows, render everything. */
        dirty.all = true;
        return;
    }
    dirty.w[dirty.n] = (Window){ mr, lo, hi };
    *window_slot(mr) = (uint32_t)++dirty.n;
}

void mark_render_all(void)
{
    dirty.all = true;
}

/*
 * @lo and @hi are in @mr's own coordinates.  A view rendered from a region
 * places that region at its addr (QEMU's render adds the root's addr
 * too), which is also where its container sees it: each region on the way
 * up records the window shifted by its own addr.
 */
void mark_dirty(MemoryRegion *mr, u128 lo, u128 hi)
{
    if (dirty.all) {
        return;
    }
    for (MemoryRegion *cur = mr; cur; cur = cur->container) {
        if (cur->alias_users) {
            dirty.all = true;
            return;
        }
        lo = MC_MIN(lo + cur->addr, U128_2_64);
        hi = MC_MIN(hi + cur->addr, U128_2_64);
        if (lo >= hi) {
            return;
        }
        window_add(cur, lo, hi);
    }
}

void mark_region_moved(MemoryRegion *mr)
{
    if (!dirty.all) {
        window_add(mr, 0, U128_2_64);
    }
}

void mark_region_extent(MemoryRegion *mr)
{
    if (mr->alias_users) {
        dirty.all = true;
        return;
    }
    /* A view rendered from @mr itself changes as a whole. */
    window_add(mr, 0, U128_2_64);
    if (mr->container) {
        mark_dirty(mr->container, mr->addr, (u128)mr->addr + mr_size(mr));
    }
}

static const Window *window_find(const Window *w, size_t n, MemoryRegion *mr)
{
    for (size_t i = 0; i < n; i++) {
        if (w[i].mr == mr) {
            return &w[i];
        }
    }
    return NULL;
}

/* ---- Listener diff ---------------------------------------------------- */

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start == b->start && a->last == b->last &&
           a->offset_in_region == b->offset_in_region &&
           a->romd_mode == b->romd_mode && a->readonly == b->readonly;
}

static void update_pass(AddressSpace *as, const FlatView *old,
                        const FlatView *new, bool adding)
{
    FlatIter oi = { old, 0, 0 }, ni = { new, 0, 0 };
    for (;;) {
        const FlatRange *o = flat_iter_get(&oi);
        const FlatRange *n = flat_iter_get(&ni);
        if (!o && !n) {
            break;
        }
        if (o && (!n || o->start < n->start ||
                  (o->start == n->start && !flatrange_equal(o, n)))) {
            if (!adding) {
                MemoryRegionSection sec = flatrange_section(o, as);
                listeners_coalesced(false, as, o);
                listeners_section(LC_REGION_DEL, as, &sec, 0, 0);
            }
            oi.i++;
        } else if (o && n && flatrange_equal(o, n)) {
            if (adding) {
                MemoryRegionSection sec = flatrange_section(n, as);
                listeners_section(LC_REGION_NOP, as, &sec, 0, 0);
                int om = o->dirty_log_mask, nm = n->dirty_log_mask;
                if (nm & ~om) {
                    listeners_section(LC_LOG_START, as, &sec, om, nm);
                }
                if (om & ~nm) {
                    listeners_section(LC_LOG_STOP, as, &sec, om, nm);
                }
            }
            oi.i++;
            ni.i++;
        } else {
            if (adding) {
                MemoryRegionSection sec = flatrange_section(n, as);
                listeners_section(LC_REGION_ADD, as, &sec, 0, 0);
                listeners_coalesced(true, as, n);
            }
            ni.i++;
        }
    }
}

/* ---- Commit ------------------------------------------------------------ */

typedef struct RenderedView {
    MemoryRegion *root;
    FlatView *view;
} RenderedView;

static FlatView *view_for(RenderedView *done, size_t *ndone,
                          MemoryRegion *root, const Window *w, size_t nw,
                          bool all)
{
    for (size_t i = 0; i < *ndone; i++) {
        if (done[i].root == root) {
            return done[i].view;
        }
    }
    FlatView *view;
    if (!root) {
        view = flatview_empty();
    } else {
        /* Reuse the old view of any address space rendered from @root. */
        FlatView *old = NULL;
        for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
            if (as->current_map->root == root) {
                old = as->current_map;
                break;
            }
        }
        const Window *win = old && !all ? window_find(w, nw, root) : NULL;
        if (old && !all && !win) {
            view = old;
        } else if (win) {
            view = render_splice(old, root, win->lo, win->hi);
        } else {
            view = render_full(root);
        }
    }
    done[*ndone] = (RenderedView){ root, view };
    (*ndone)++;
    return view;
}

static void commit_topology(void)
{
    /* Clear the pending state before any callback runs, so that a
     * listener may open (and commit) a transaction of its own. */
    mc_topology_pending = false;
    mc_ioeventfd_pending = false;
    Window *w = dirty.w;
    size_t nw = dirty.n;
    bool all = dirty.all;
    free(dirty.slot);
    dirty.w = NULL;
    dirty.slot = NULL;
    dirty.n = dirty.cap = 0;
    dirty.all = false;

    size_t nas = 0;
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        nas++;
    }
    RenderedView *done = mc_malloc0((nas + 1) * sizeof(*done));
    size_t ndone = 0;
    FlatView **next = mc_malloc0((nas + 1) * sizeof(*next));

    /* Render every view before publishing any, so that views are reused
     * by address spaces processed later. */
    size_t k = 0;
    for (AddressSpace *as = mc_as_head; as; as = as->as_next, k++) {
        MemoryRegion *root = as->root ? flatview_physical_root(as->root)
                                      : NULL;
        next[k] = view_for(done, &ndone, root, w, nw, all);
    }
    free(done);
    free(w);

    listeners_begin();
    k = 0;
    for (AddressSpace *as = mc_as_head; as; as = as->as_next, k++) {
        FlatView *old = as->current_map;
        FlatView *new = next[k];
        if (listeners_watch(as)) {
            update_pass(as, old, new, false);
            update_pass(as, old, new, true);
        }
        if (new != old) {
            flatview_ref(new);
            as_publish(as, new);
            flatview_retire(old);
        }
    }
    free(next);
    address_spaces_update_ioeventfds();
    listeners_commit();
}

void memory_region_transaction_begin(void)
{
    memcore_lock();
    coalesced_flush();
    mc_transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    if (!memcore_lock_held() || mc_transaction_depth == 0) {
        mc_misuse(__func__, "no transaction is open on this thread");
        return;
    }
    if (--mc_transaction_depth == 0) {
        if (mc_topology_pending) {
            commit_topology();
        } else if (mc_ioeventfd_pending) {
            mc_ioeventfd_pending = false;
            address_spaces_update_ioeventfds();
        }
    }
    memcore_unlock();
}
