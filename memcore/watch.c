/*
 * watch.c — watchpoints in the memory (memcore.h, Watchpoints).
 *
 * A watchpoint is resolved once, at insert, into the pieces of memory it
 * covers: (terminal region, offset, length).  Each region keeps the
 * pieces that fall on it in an immutable set, replaced as a whole under
 * the global lock and freed after a grace period, as ioeventfd sets are.
 * Rendering marks every range of a watched region FR_WATCHED and never
 * FR_FAST, so the fast paths of unwatched memory stay as they are and the
 * checked paths (rw.c, ldst.c, map.c) call watch_after only for ranges so
 * marked.
 *
 * A Watchpoint is freed after a grace period too: a reader that found it
 * in an old set may still call its function.
 */
#include "internal.h"

#include <limits.h>

typedef struct Watchpoint Watchpoint;

typedef struct WatchPiece {
    MemoryRegion *mr; /* NULL once the region is destroyed */
    hwaddr off, len;
} WatchPiece;

struct Watchpoint {
    McRcu rcu;
    Watchpoint *next;
    int id;
    unsigned flags;
    AddressSpace *as;
    hwaddr addr, len;
    MemcoreWatchFn fn;
    void *opaque;
    unsigned npieces;
    WatchPiece *piece;
};

typedef struct WatchEntry {
    hwaddr off, last;
    Watchpoint *wp;
} WatchEntry;

struct WatchSet {
    McRcu rcu;
    unsigned n;
    WatchEntry e[];
};

/* Every live watchpoint (global lock). */
static Watchpoint *watch_list;
static int watch_next_id;

static struct WatchSet *region_watch(const MemoryRegion *mr)
{
    struct MemoryRegionExtra *x = __atomic_load_n(&mr->extra,
                                                  __ATOMIC_ACQUIRE);
    return x ? __atomic_load_n(&x->watch, __ATOMIC_ACQUIRE) : NULL;
}

bool watch_region_watched(const MemoryRegion *mr)
{
    const struct WatchSet *w = region_watch(mr);
    return w && w->n;
}

static void watchset_free(McRcu *d)
{
    free(caa_container_of(d, struct WatchSet, rcu));
}

static void watchpoint_free(McRcu *d)
{
    Watchpoint *wp = caa_container_of(d, Watchpoint, rcu);
    free(wp->piece);
    free(wp);
}

/* Publish @mr's set with @add added (NULL: none) and the entries of
 * @drop removed (NULL: none); re-render where @mr shows. */
static void region_update(MemoryRegion *mr, const WatchEntry *add,
                          const Watchpoint *drop)
{
    struct MemoryRegionExtra *x = mr_extra(mr);
    struct WatchSet *old = x->watch;
    unsigned n = old ? old->n : 0;
    struct WatchSet *fresh = mc_malloc0(sizeof(*fresh) +
                                        (n + 1) * sizeof(WatchEntry));
    for (unsigned i = 0; i < n; i++) {
        if (old->e[i].wp != drop) {
            fresh->e[fresh->n++] = old->e[i];
        }
    }
    if (add) {
        fresh->e[fresh->n++] = *add;
    }
    if (!fresh->n) {
        free(fresh);
        fresh = NULL;
    }
    __atomic_store_n(&x->watch, fresh, __ATOMIC_RELEASE);
    if (old) {
        mc_call_rcu(&old->rcu, watchset_free);
    }
    /* Watched or not changes how every range of @mr is accessed. */
    if ((old != NULL) != (fresh != NULL) && mr->enabled) {
        mc_topology_pending = true;
        mark_region_extent(mr);
    }
}

/* The pieces [@addr, @addr + @len) of @as translates to, or false with
 * @errp set when a byte is not mapped.  Inside a read section. */
static bool resolve(Watchpoint *wp, AddressSpace *as, hwaddr addr,
                    hwaddr len, Error **errp)
{
    const FlatView *view = as_view(as);
    hwaddr done = 0;
    while (done < len) {
        hwaddr l = len - done;
        Translation t;
        MemoryRegion *mr = translate_internal(view, addr + done, &l, false,
                                              &t);
        if (mr == &io_mem_unassigned || l == 0) {
            error_setg(errp, "nothing is mapped at 0x%" PRIx64
                       " in address space '%s'", addr + done,
                       as->name ? as->name : "");
            return false;
        }
        /* translate shortens only RAM: a piece of MMIO, a ROM device or
         * an IOMMU's target ends with its dispatch piece too (as ld/st
         * and map cut them), so that what follows it is resolved on its
         * own — other memory, or a hole that refuses the watchpoint. */
        if (!mr->ram && t.piece && l > t.piece) {
            l = t.piece;
        }
        if (l > len - done) {
            l = len - done;
        }
        WatchPiece *last = wp->npieces ? &wp->piece[wp->npieces - 1] : NULL;
        if (last && last->mr == mr && last->off + last->len == t.xlat) {
            last->len += l; /* the next dispatch piece of the same range */
        } else {
            wp->piece = mc_realloc(wp->piece,
                                   (wp->npieces + 1) * sizeof(*wp->piece));
            wp->piece[wp->npieces++] = (WatchPiece){ mr, t.xlat, l };
        }
        done += l;
    }
    return true;
}

int memcore_watchpoint_insert(AddressSpace *as, hwaddr addr, hwaddr len,
                              unsigned flags, MemcoreWatchFn fn,
                              void *opaque, Error **errp)
{
    if (!as || !fn || !(flags & MEMCORE_WATCH_ACCESS) ||
        (flags & ~MEMCORE_WATCH_ACCESS)) {
        error_setg(errp, "a watchpoint needs an address space, a function "
                   "and MEMCORE_WATCH_READ and/or _WRITE");
        return -1;
    }
    if (len == 0 || crosses_2_64(addr, len)) {
        error_setg(errp, "a watchpoint of 0x%" PRIx64 " bytes at 0x%" PRIx64
                   " is empty or runs past 2^64", len, addr);
        return -1;
    }
    Watchpoint *wp = mc_malloc0(sizeof(*wp));
    wp->flags = flags;
    wp->as = as;
    wp->addr = addr;
    wp->len = len;
    wp->fn = fn;
    wp->opaque = opaque;

    memory_region_transaction_begin();
    mc_rcu_lock();
    bool ok = resolve(wp, as, addr, len, errp);
    mc_rcu_unlock();
    if (!ok || watch_next_id == INT_MAX) {
        if (ok) {
            error_setg(errp, "out of watchpoint ids");
        }
        memory_region_transaction_commit();
        free(wp->piece);
        free(wp);
        return -1;
    }
    wp->id = watch_next_id++;
    wp->next = watch_list;
    watch_list = wp;
    for (unsigned i = 0; i < wp->npieces; i++) {
        WatchEntry e = { wp->piece[i].off,
                         wp->piece[i].off + wp->piece[i].len - 1, wp };
        region_update(wp->piece[i].mr, &e, NULL);
    }
    memory_region_transaction_commit();
    return wp->id;
}

bool memcore_watchpoint_remove(int id)
{
    memory_region_transaction_begin();
    Watchpoint **pp = &watch_list;
    while (*pp && (*pp)->id != id) {
        pp = &(*pp)->next;
    }
    Watchpoint *wp = *pp;
    if (wp) {
        *pp = wp->next;
        for (unsigned i = 0; i < wp->npieces; i++) {
            MemoryRegion *mr = wp->piece[i].mr;
            /* A watchpoint with several pieces on one region: the first
             * update drops them all. */
            if (mr && region_watch(mr)) {
                region_update(mr, NULL, wp);
            }
        }
        mc_call_rcu(&wp->rcu, watchpoint_free);
    }
    memory_region_transaction_commit();
    return wp != NULL;
}

void watch_region_destroyed(MemoryRegion *mr)
{
    struct WatchSet *old = region_watch(mr);
    if (!old) {
        return;
    }
    for (Watchpoint *wp = watch_list; wp; wp = wp->next) {
        for (unsigned i = 0; i < wp->npieces; i++) {
            if (wp->piece[i].mr == mr) {
                wp->piece[i].mr = NULL;
            }
        }
    }
    /* Readers of old views may still look at the set: it goes after a
     * grace period, like the rest of the region's extra state. */
    __atomic_store_n(&mr->extra->watch, NULL, __ATOMIC_RELEASE);
    mc_call_rcu(&old->rcu, watchset_free);
}

bool memcore_watchpoint_covered(MemoryRegion *mr, hwaddr offset, hwaddr len)
{
    const struct WatchSet *w = mr ? region_watch(mr) : NULL;
    if (!w || len == 0) {
        return false;
    }
    hwaddr last = crosses_2_64(offset, len) ? UINT64_MAX : offset + len - 1;
    for (unsigned i = 0; i < w->n; i++) {
        if (w->e[i].off <= last && offset <= w->e[i].last) {
            return true;
        }
    }
    return false;
}

void watch_note(WatchAccess *wa, MemoryRegion *mr, hwaddr off, hwaddr len,
                bool is_write, MemTxAttrs attrs)
{
    const struct WatchSet *w = region_watch(mr);
    const unsigned kind = is_write ? MEMCORE_WATCH_WRITE : MEMCORE_WATCH_READ;
    if (!w || attrs.debug || len == 0) {
        return;
    }
    hwaddr last = crosses_2_64(off, len) ? UINT64_MAX : off + len - 1;
    for (unsigned i = 0; i < w->n; i++) {
        const WatchEntry *e = &w->e[i];
        if (!(e->off <= last && off <= e->last && (e->wp->flags & kind))) {
            continue;
        }
        /* A watchpoint may reach these bytes more than once (through two
         * aliases) and an access may meet it in several pieces: it is
         * reported once per access. */
        bool seen = false;
        for (unsigned k = 0; k < wa->n && !seen; k++) {
            seen = wa->wp[k] == e->wp;
        }
        if (seen) {
            continue;
        }
        if (wa->n == 0) {
            wa->wp = wa->inline_wp;
            wa->cap = WATCH_ACCESS_INLINE;
        } else if (wa->n == wa->cap) {
            struct Watchpoint **more = mc_malloc0(2 * wa->cap *
                                                  sizeof(*more));
            memcpy(more, wa->wp, wa->n * sizeof(*more));
            if (wa->wp != wa->inline_wp) {
                free(wa->wp);
            }
            wa->wp = more;
            wa->cap *= 2;
        }
        wa->wp[wa->n++] = e->wp;
    }
}

void watch_fire(WatchAccess *wa, bool is_write, AddressSpace *as,
                hwaddr addr, hwaddr len, MemTxAttrs attrs)
{
    const unsigned kind = is_write ? MEMCORE_WATCH_WRITE : MEMCORE_WATCH_READ;
    /* The callbacks may access memory (and so fire others) or change
     * watchpoints: @wa is this access's alone, and every Watchpoint in it
     * stays valid for the rest of the read section. */
    for (unsigned i = 0; i < wa->n; i++) {
        const Watchpoint *wp = wa->wp[i];
        MemcoreWatchHit hit = {
            .id = wp->id,
            .opaque = wp->opaque,
            .wp_as = wp->as,
            .wp_addr = wp->addr,
            .wp_len = wp->len,
            .flags = kind,
            .as = as,
            .addr = addr,
            .len = len,
            .attrs = attrs,
        };
        wp->fn(&hit);
    }
    if (wa->n && wa->wp != wa->inline_wp) {
        free(wa->wp);
    }
    wa->n = 0;
}

void watch_after(MemoryRegion *mr, hwaddr off, hwaddr len, bool is_write,
                 AddressSpace *as, hwaddr addr, MemTxAttrs attrs)
{
    WatchAccess wa;
    watch_access_init(&wa);
    watch_note(&wa, mr, off, len, is_write, attrs);
    watch_fire(&wa, is_write, as, addr, len, attrs);
}
