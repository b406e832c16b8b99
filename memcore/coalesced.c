/*
 * coalesced.c — coalesced MMIO, done in-process (SEMANTICS.md, Coalesced
 * MMIO).
 *
 * A write to a coalesced range does not reach the device at once: it is
 * queued in a ring (what KVM's coalesced-MMIO page is) and delivered, in
 * queue order, when the ring fills, when a region marked flush-coalesced
 * is accessed, or when a transaction begins.  That is the index/data
 * register pattern: writes to the index register may wait, but an access
 * to the data register must find every one of them delivered first.
 *
 * Ordering, from any number of threads:
 *  - one thread delivers at a time, and it holds the global lock while it
 *    drains the ring, so two flushers never interleave and a flush that
 *    waits for the lock finds the previous drain complete;
 *  - `undelivered` counts writes queued and not yet delivered; it drops
 *    only after a delivery (release), so a thread that reads 0 (acquire)
 *    knows that every write queued before has reached its device.
 * Lock order: the global lock before the ring lock; the ring lock is
 * never held across a device callback.
 *
 * A region's coalesced ranges are an immutable set published with a
 * release store and freed after a grace period, so the dispatch path
 * reads them without a lock.  A queued entry holds a reference on its
 * region; clear_coalescing (and so destroy) drains the ring and no entry
 * can be queued for the region afterwards.
 */
#include "internal.h"

struct CoalescedMemoryRange {
    McRcu rcu;
    unsigned n;
    struct {
        hwaddr addr;
        uint64_t size;
    } r[];
};

#define RING_SIZE 1024

typedef struct RingEntry {
    MemoryRegion *mr;
    hwaddr addr;
    uint64_t data;
    unsigned size;
    MemTxAttrs attrs;
} RingEntry;

static struct {
    pthread_mutex_t lock;
    RingEntry e[RING_SIZE];
    unsigned head, count;
} ring = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_uint undelivered;

/* Set while this thread drains: a device callback that writes to a
 * coalesced range is delivered at once, and one that reads a flush
 * region does not recurse into the drain. */
static __thread bool in_flush;

static CoalescedMemoryRange *coalesced_get(const MemoryRegion *mr)
{
    return __atomic_load_n(&mr->coalesced, __ATOMIC_ACQUIRE);
}

void coalesced_flush(void)
{
    if (in_flush ||
        atomic_load_explicit(&undelivered, memory_order_acquire) == 0) {
        return;
    }
    memcore_lock();
    in_flush = true;
    for (;;) {
        pthread_mutex_lock(&ring.lock);
        if (ring.count == 0) {
            pthread_mutex_unlock(&ring.lock);
            break;
        }
        RingEntry en = ring.e[ring.head];
        ring.head = (ring.head + 1) % RING_SIZE;
        ring.count--;
        pthread_mutex_unlock(&ring.lock);
        mmio_write_to_device(en.mr, en.addr, en.data, en.size, en.attrs);
        memory_region_unref(en.mr);
        atomic_fetch_sub_explicit(&undelivered, 1, memory_order_release);
    }
    in_flush = false;
    memcore_unlock();
}

static bool coalesced_covers(const CoalescedMemoryRange *set, hwaddr addr)
{
    for (unsigned i = 0; set && i < set->n; i++) {
        if (addr >= set->r[i].addr && addr - set->r[i].addr < set->r[i].size) {
            return true;
        }
    }
    return false;
}

void coalesced_flush_before(MemoryRegion *mr, hwaddr addr, bool is_write)
{
    if (MC_LOAD(mr->flush_coalesced_mmio) &&
        !(is_write && !in_flush && coalesced_covers(coalesced_get(mr), addr))) {
        coalesced_flush();
    }
}

bool coalesced_queue(MemoryRegion *mr, hwaddr addr, uint64_t data,
                     unsigned size, MemTxAttrs attrs)
{
    if (in_flush || !coalesced_covers(coalesced_get(mr), addr)) {
        return false;
    }
    for (;;) {
        pthread_mutex_lock(&ring.lock);
        /* Again under the ring lock: clear_coalescing publishes an empty
         * set, passes through this lock, then drains; an entry is either
         * queued before that drain or not queued at all. */
        if (!coalesced_covers(coalesced_get(mr), addr)) {
            pthread_mutex_unlock(&ring.lock);
            return false;
        }
        if (ring.count < RING_SIZE) {
            memory_region_ref(mr);
            ring.e[(ring.head + ring.count) % RING_SIZE] =
                (RingEntry){ mr, addr, data, size, attrs };
            ring.count++;
            atomic_fetch_add(&undelivered, 1);
            pthread_mutex_unlock(&ring.lock);
            return true;
        }
        pthread_mutex_unlock(&ring.lock);
        coalesced_flush(); /* full: drain, then queue */
    }
}

/* ---- Listener announcements --------------------------------------------------- */

/* The part of coalesced range @i of @set that @fr shows, in AS addresses;
 * false when they do not meet. */
static bool range_in_fr(const CoalescedMemoryRange *set, unsigned i,
                        const FlatRange *fr, hwaddr *start, hwaddr *len)
{
    u128 lo = MC_MAX((u128)set->r[i].addr, (u128)fr->offset_in_region);
    u128 hi = MC_MIN((u128)set->r[i].addr + set->r[i].size,
                     (u128)fr->offset_in_region + (fr->last - fr->start) + 1);
    if (lo >= hi) {
        return false;
    }
    *start = (hwaddr)(lo - fr->offset_in_region) + fr->start;
    *len = (hwaddr)(hi - lo);
    return true;
}

static void call_coalesced(MemoryListener *l, bool add, AddressSpace *as,
                           const FlatRange *fr, hwaddr start, hwaddr len)
{
    MemoryRegionSection sec = flatrange_section(fr, as);
    if (add && l->coalesced_mmio_add) {
        l->coalesced_mmio_add(l, &sec, start, len);
    } else if (!add && l->coalesced_mmio_del) {
        l->coalesced_mmio_del(l, &sec, start, len);
    }
}

void listener_coalesced_one(MemoryListener *l, bool add, AddressSpace *as,
                            const FlatRange *fr)
{
    const CoalescedMemoryRange *set = fr->mr->coalesced;
    for (unsigned i = 0; set && i < set->n; i++) {
        hwaddr start, len;
        if (range_in_fr(set, i, fr, &start, &len)) {
            call_coalesced(l, add, as, fr, start, len);
        }
    }
}

static void announce_range(bool add, AddressSpace *as, const FlatRange *fr,
                           const CoalescedMemoryRange *set, unsigned i)
{
    hwaddr start, len;
    if (!range_in_fr(set, i, fr, &start, &len)) {
        return;
    }
    if (add) {
        for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
            if (listener_wants(l, as)) {
                call_coalesced(l, true, as, fr, start, len);
            }
        }
    } else {
        for (MemoryListener *l = mc_listener_tail; l; l = l->link_prev) {
            if (listener_wants(l, as)) {
                call_coalesced(l, false, as, fr, start, len);
            }
        }
    }
}

void listeners_coalesced(bool add, AddressSpace *as, const FlatRange *fr)
{
    const CoalescedMemoryRange *set = fr->mr->coalesced;
    for (unsigned i = 0; set && i < set->n; i++) {
        announce_range(add, as, fr, set, i);
    }
}

/* Announce range @i of @set of @mr for every range of every view showing
 * @mr. */
static void announce_everywhere(bool add, MemoryRegion *mr,
                                const CoalescedMemoryRange *set, unsigned i)
{
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        const FlatRange *fr;
        FLATVIEW_FOREACH(as->current_map, fr) {
            if (fr->mr == mr) {
                announce_range(add, as, fr, set, i);
            }
        }
    }
}

/* ---- Region API ------------------------------------------------------------------ */

static void set_free(McRcu *d)
{
    free(caa_container_of(d, CoalescedMemoryRange, rcu));
}

/* Publish @fresh as @mr's set (NULL: none) and return the old one, which
 * the caller retires with set_retire once done with it.  Under the lock. */
static CoalescedMemoryRange *coalesced_publish(MemoryRegion *mr,
                                               CoalescedMemoryRange *fresh)
{
    CoalescedMemoryRange *old = mr->coalesced;
    __atomic_store_n(&mr->coalesced, fresh, __ATOMIC_RELEASE);
    return old;
}

static void set_retire(CoalescedMemoryRange *set)
{
    if (set) {
        mc_call_rcu(&set->rcu, set_free);
    }
}

void memory_region_add_coalescing(MemoryRegion *mr, hwaddr offset,
                                  uint64_t size)
{
    memcore_lock();
    const CoalescedMemoryRange *old = mr->coalesced;
    unsigned n = old ? old->n : 0;
    CoalescedMemoryRange *set =
        mc_malloc0(sizeof(*set) + (n + 1) * sizeof(set->r[0]));
    set->n = n + 1;
    if (n) {
        memcpy(set->r, old->r, n * sizeof(set->r[0]));
    }
    set->r[n].addr = offset;
    set->r[n].size = size;
    set_retire(coalesced_publish(mr, set));
    MC_STORE(mr->flush_coalesced_mmio, true);
    announce_everywhere(true, mr, set, n); /* only the new range */
    memcore_unlock();
}

void memory_region_set_coalescing(MemoryRegion *mr)
{
    memcore_lock();
    memory_region_clear_coalescing(mr);
    memory_region_add_coalescing(mr, 0, memory_region_size(mr));
    memcore_unlock();
}

void memory_region_clear_coalescing(MemoryRegion *mr)
{
    memcore_lock();
    MC_STORE(mr->flush_coalesced_mmio, false);
    CoalescedMemoryRange *old = coalesced_publish(mr, NULL);
    /* Handshake with coalesced_queue: after this, nobody queues for @mr. */
    pthread_mutex_lock(&ring.lock);
    pthread_mutex_unlock(&ring.lock);
    coalesced_flush();
    for (unsigned i = 0; old && i < old->n; i++) {
        announce_everywhere(false, mr, old, i);
    }
    set_retire(old);
    memcore_unlock();
}

void memory_region_set_flush_coalesced(MemoryRegion *mr)
{
    MC_STORE(mr->flush_coalesced_mmio, true);
}

void memory_region_clear_flush_coalesced(MemoryRegion *mr)
{
    memcore_lock();
    coalesced_flush();
    if (!mr->coalesced) {
        MC_STORE(mr->flush_coalesced_mmio, false);
    }
    memcore_unlock();
}
