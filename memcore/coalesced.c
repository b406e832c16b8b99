/*
 * coalesced.c — coalesced MMIO (§7.6, D7), done in-process.
 *
 * A write to a coalesced range does not reach the device at once: it is
 * queued in a ring (what KVM's coalesced-MMIO page is) and delivered, in
 * order, when the ring fills, when a region marked flush-coalesced is
 * accessed, or when a transaction begins.  Listeners hear
 * coalesced_mmio_add/del for every coalesced range as it is mapped and
 * unmapped, as an accelerator would need.
 */
#include "internal.h"

struct CoalescedMemoryRange {
    hwaddr addr;
    uint64_t size;
    CoalescedMemoryRange *next;
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
    bool flushing; /* a device callback during a flush must not recurse */
} ring = { .lock = PTHREAD_MUTEX_INITIALIZER };

static __thread bool in_flush;

void coalesced_flush(void)
{
    if (in_flush || __atomic_load_n(&ring.count, __ATOMIC_RELAXED) == 0) {
        return;
    }
    in_flush = true;
    pthread_mutex_lock(&ring.lock);
    while (ring.count) {
        RingEntry en = ring.e[ring.head];
        ring.head = (ring.head + 1) % RING_SIZE;
        ring.count--;
        /* Deliver outside the ring lock: the device may take others. */
        pthread_mutex_unlock(&ring.lock);
        bool taken = mmio_lock_prepare(en.mr);
        mmio_write_to_device(en.mr, en.addr, en.data, en.size, en.attrs);
        mmio_lock_finish(taken);
        pthread_mutex_lock(&ring.lock);
    }
    pthread_mutex_unlock(&ring.lock);
    in_flush = false;
}

static bool coalesced_covers(const MemoryRegion *mr, hwaddr addr)
{
    for (CoalescedMemoryRange *r = mr->coalesced; r; r = r->next) {
        if (addr >= r->addr && addr - r->addr < r->size) {
            return true;
        }
    }
    return false;
}

void coalesced_flush_before(MemoryRegion *mr, hwaddr addr, bool is_write)
{
    if (mr->flush_coalesced_mmio &&
        !(is_write && !in_flush && coalesced_covers(mr, addr))) {
        coalesced_flush();
    }
}

bool coalesced_queue(MemoryRegion *mr, hwaddr addr, uint64_t data,
                     unsigned size, MemTxAttrs attrs)
{
    if (in_flush || !coalesced_covers(mr, addr)) {
        return false;
    }
    for (;;) {
        pthread_mutex_lock(&ring.lock);
        if (ring.count < RING_SIZE) {
            ring.e[(ring.head + ring.count) % RING_SIZE] =
                (RingEntry){ mr, addr, data, size, attrs };
            ring.count++;
            pthread_mutex_unlock(&ring.lock);
            return true;
        }
        pthread_mutex_unlock(&ring.lock);
        coalesced_flush(); /* full: drain, then queue */
    }
}

/* ---- Listener announcements --------------------------------------------------- */

/* The part of coalesced range @r of @fr's region that @fr shows, in AS
 * addresses; false when they do not meet. */
static bool range_in_fr(const CoalescedMemoryRange *r, const FlatRange *fr,
                        hwaddr *start, hwaddr *len)
{
    u128 lo = MC_MAX((u128)r->addr, (u128)fr->offset_in_region);
    u128 hi = MC_MIN((u128)r->addr + r->size,
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
    for (CoalescedMemoryRange *r = fr->mr->coalesced; r; r = r->next) {
        hwaddr start, len;
        if (range_in_fr(r, fr, &start, &len)) {
            call_coalesced(l, add, as, fr, start, len);
        }
    }
}

static void announce_range(bool add, AddressSpace *as, const FlatRange *fr,
                           const CoalescedMemoryRange *r)
{
    hwaddr start, len;
    if (!range_in_fr(r, fr, &start, &len)) {
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
    for (CoalescedMemoryRange *r = fr->mr->coalesced; r; r = r->next) {
        announce_range(add, as, fr, r);
    }
}

/* Announce one range of @mr for every range of every view showing it. */
static void announce_everywhere(bool add, MemoryRegion *mr,
                                const CoalescedMemoryRange *r)
{
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        const FlatRange *fr;
        FLATVIEW_FOREACH(as->current_map, fr) {
            if (fr->mr == mr) {
                announce_range(add, as, fr, r);
            }
        }
    }
}

/* ---- Region API ------------------------------------------------------------------ */

void memory_region_add_coalescing(MemoryRegion *mr, hwaddr offset,
                                  uint64_t size)
{
    CoalescedMemoryRange *r = mc_malloc0(sizeof(*r));
    r->addr = offset;
    r->size = size;
    memcore_lock();
    CoalescedMemoryRange **pp = &mr->coalesced;
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = r;
    mr->flush_coalesced_mmio = true;
    announce_everywhere(true, mr, r); /* D7: only the new range */
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
    coalesced_flush();
    mr->flush_coalesced_mmio = false;
    while (mr->coalesced) {
        CoalescedMemoryRange *r = mr->coalesced;
        mr->coalesced = r->next;
        announce_everywhere(false, mr, r);
        free(r);
    }
    memcore_unlock();
}

void memory_region_set_flush_coalesced(MemoryRegion *mr)
{
    mr->flush_coalesced_mmio = true;
}

void memory_region_clear_flush_coalesced(MemoryRegion *mr)
{
    coalesced_flush();
    if (!mr->coalesced) {
        mr->flush_coalesced_mmio = false;
    }
}
