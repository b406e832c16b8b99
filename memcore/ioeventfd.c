/*
 * ioeventfd.c — ioeventfds (SEMANTICS.md, ioeventfds): a write matching
 * (address, size, data) signals an eventfd instead of calling the device
 * (an eventfd of size 0 matches any write at its address), and each
 * address space keeps the list of its eventfds at AS addresses so that
 * listeners hear eventfd_add/del as the topology changes (in reverse
 * listener order for add, with no region in the section: QEMU quirks).
 */
#include "internal.h"

struct MemoryRegionIoeventfd {
    hwaddr addr;
    unsigned size;
    bool match_data;
    uint64_t data;
    EventNotifier *e;
};

static unsigned ioeventfd_total; /* over all regions; 0 skips the work */

static int ioeventfd_cmp(const MemoryRegionIoeventfd *a,
                         const MemoryRegionIoeventfd *b)
{
    if (a->addr != b->addr) {
        return a->addr < b->addr ? -1 : 1;
    }
    if (a->size != b->size) {
        return a->size < b->size ? -1 : 1;
    }
    if (a->match_data != b->match_data) {
        return a->match_data ? 1 : -1;
    }
    if (a->match_data && a->data != b->data) {
        return a->data < b->data ? -1 : 1;
    }
    if (a->e != b->e) {
        return (uintptr_t)a->e < (uintptr_t)b->e ? -1 : 1;
    }
    return 0;
}

static int ioeventfd_qsort_cmp(const void *a, const void *b)
{
    return ioeventfd_cmp(a, b);
}

/* The key of an eventfd; @data is compared as the write delivers it to
 * the device (the same swap as a write of @size bytes). */
static MemoryRegionIoeventfd eventfd_key(MemoryRegion *mr, hwaddr addr,
                                         unsigned size, bool match_data,
                                         uint64_t data, EventNotifier *e)
{
    MemoryRegionIoeventfd fd = {
        .addr = addr,
        .size = size,
        .match_data = match_data,
        .data = size ? mr_to_device_order(mr, data, size) : data,
        .e = e,
    };
    return fd;
}

/* A region's ioeventfds: an immutable sorted array, replaced as a whole
 * under the global lock and freed after a grace period, so that dispatch
 * reads it with no lock while eventfds come and go. */
struct IoeventfdSet {
    McRcu rcu;
    unsigned n;
    MemoryRegionIoeventfd fd[];
};

static IoeventfdSet *region_set(const MemoryRegion *mr)
{
    struct MemoryRegionExtra *x = __atomic_load_n(&mr->extra,
                                                  __ATOMIC_ACQUIRE);
    return x ? __atomic_load_n(&x->ioeventfds, __ATOMIC_ACQUIRE) : NULL;
}

static void set_free(McRcu *d)
{
    free(caa_container_of(d, IoeventfdSet, rcu));
}

/* Publish @fresh (NULL: none) as @mr's set; retire the old one. */
static void set_publish(MemoryRegion *mr, IoeventfdSet *fresh)
{
    struct MemoryRegionExtra *x = mr_extra(mr);
    IoeventfdSet *old = x->ioeventfds;
    unsigned n = fresh ? fresh->n : 0;
    ioeventfd_total += n;
    ioeventfd_total -= old ? old->n : 0;
    __atomic_store_n(&x->ioeventfds, fresh, __ATOMIC_RELEASE);
    MC_STORE(mr->ioeventfd_nb, n);
    if (old) {
        mc_call_rcu(&old->rcu, set_free);
    }
}

static IoeventfdSet *set_new(unsigned n)
{
    IoeventfdSet *set = mc_malloc0(sizeof(*set) + n * sizeof(set->fd[0]));
    set->n = n;
    return set;
}

void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data,
                               EventNotifier *e)
{
    MemoryRegionIoeventfd fd = eventfd_key(mr, addr, size, match_data, data,
                                           e);
    memory_region_transaction_begin();
    const IoeventfdSet *old = region_set(mr);
    unsigned n = old ? old->n : 0, i = 0;
    while (i < n && ioeventfd_cmp(&old->fd[i], &fd) < 0) {
        i++;
    }
    IoeventfdSet *set = set_new(n + 1);
    if (i) {
        memcpy(set->fd, old->fd, i * sizeof(fd));
    }
    set->fd[i] = fd;
    if (n > i) {
        memcpy(&set->fd[i + 1], &old->fd[i], (n - i) * sizeof(fd));
    }
    set_publish(mr, set);
    if (mr->enabled) {
        mc_ioeventfd_pending = true;
    }
    memory_region_transaction_commit();
}

void memory_region_del_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data,
                               EventNotifier *e)
{
    MemoryRegionIoeventfd fd = eventfd_key(mr, addr, size, match_data, data,
                                           e);
    memory_region_transaction_begin();
    const IoeventfdSet *old = region_set(mr);
    unsigned n = old ? old->n : 0, i = 0;
    while (i < n && ioeventfd_cmp(&old->fd[i], &fd)) {
        i++;
    }
    if (i == n) {
        memory_region_transaction_commit();
        mc_misuse(__func__, "no such eventfd at 0x%" PRIx64 " of '%s'", addr,
                  mr->name ? mr->name : "(noname)");
        return;
    }
    IoeventfdSet *set = NULL;
    if (n > 1) {
        set = set_new(n - 1);
        memcpy(set->fd, old->fd, i * sizeof(fd));
        memcpy(&set->fd[i], &old->fd[i + 1], (n - i - 1) * sizeof(fd));
    }
    set_publish(mr, set);
    if (mr->enabled) {
        mc_ioeventfd_pending = true;
    }
    memory_region_transaction_commit();
}

EventNotifier *ioeventfd_match(MemoryRegion *mr, hwaddr addr, unsigned size,
                               uint64_t data)
{
    const IoeventfdSet *set = region_set(mr);
    for (unsigned i = 0; set && i < set->n; i++) {
        const MemoryRegionIoeventfd *fd = &set->fd[i];
        if (fd->addr != addr) {
            continue;
        }
        /* Size 0 matches any write at the address, data unchecked. */
        if (fd->size == 0) {
            return fd->e;
        }
        if (fd->size == size && (!fd->match_data || fd->data == data)) {
            return fd->e;
        }
    }
    return NULL;
}

static MemoryRegionSection eventfd_section(AddressSpace *as,
                                           const MemoryRegionIoeventfd *fd)
{
    MemoryRegionSection sec = {
        .mr = NULL, /* QEMU passes no region for eventfd sections */
        .address_space = as,
        .offset_within_address_space = fd->addr,
        .size = fd->size,
    };
    return sec;
}

static void eventfd_call(MemoryListener *l, bool add, AddressSpace *as,
                         const MemoryRegionIoeventfd *fd)
{
    MemoryRegionSection sec = eventfd_section(as, fd);
    if (add && l->eventfd_add) {
        l->eventfd_add(l, &sec, fd->match_data, fd->data, fd->e);
    } else if (!add && l->eventfd_del) {
        l->eventfd_del(l, &sec, fd->match_data, fd->data, fd->e);
    }
}

void listener_eventfds_one(MemoryListener *l, bool add, AddressSpace *as)
{
    for (int i = 0; i < as->ioeventfd_nb; i++) {
        eventfd_call(l, add, as, &as->ioeventfds[i]);
    }
}

/* eventfd_add in reverse listener order, eventfd_del forward (the
 * inverse of region_add/del: a kept QEMU quirk). */
static void eventfd_notify_all(bool add, AddressSpace *as,
                               const MemoryRegionIoeventfd *fd)
{
    if (add) {
        for (MemoryListener *l = mc_listener_tail; l; l = l->link_prev) {
            if (listener_wants(l, as)) {
                eventfd_call(l, true, as, fd);
            }
        }
    } else {
        for (MemoryListener *l = mc_listener_head; l; l = l->link_next) {
            if (listener_wants(l, as)) {
                eventfd_call(l, false, as, fd);
            }
        }
    }
}

static void update_one(AddressSpace *as)
{
    FlatView *view = as->current_map;
    MemoryRegionIoeventfd *list = NULL;
    unsigned n = 0, cap = 0;
    const FlatRange *fr;
    FLATVIEW_FOREACH(view, fr) {
        const IoeventfdSet *set = region_set(fr->mr);
        for (unsigned k = 0; set && k < set->n; k++) {
            MemoryRegionIoeventfd fd = set->fd[k];
            fd.addr += fr->start - fr->offset_in_region;
            /* Intersection, not containment. */
            bool hit = (fd.addr >= fr->start && fd.addr <= fr->last) ||
                       (fd.size && fr->start >= fd.addr &&
                        fr->start - fd.addr < fd.size);
            if (!hit) {
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                MemoryRegionIoeventfd *nl = realloc(list, cap * sizeof(*nl));
                if (!nl) {
                    free(list);
                    mc_misuse(__func__, "out of memory");
                    return;
                }
                list = nl;
            }
            list[n++] = fd;
        }
    }
    if (n > 1) {
        qsort(list, n, sizeof(*list), ioeventfd_qsort_cmp);
    }
    unsigned i = 0, j = 0, old_n = (unsigned)as->ioeventfd_nb;
    MemoryRegionIoeventfd *old = as->ioeventfds;
    while (i < old_n || j < n) {
        int c = i == old_n ? 1 : j == n ? -1 : ioeventfd_cmp(&old[i], &list[j]);
        if (c < 0) {
            eventfd_notify_all(false, as, &old[i++]);
        } else if (c > 0) {
            eventfd_notify_all(true, as, &list[j++]);
        } else {
            i++;
            j++;
        }
    }
    free(old);
    as->ioeventfds = list;
    as->ioeventfd_nb = (int)n;
}

void address_spaces_update_ioeventfds(void)
{
    for (AddressSpace *as = mc_as_head; as; as = as->as_next) {
        if (ioeventfd_total || as->ioeventfd_nb) {
            update_one(as);
        }
    }
}

void ioeventfd_region_destroyed(MemoryRegion *mr)
{
    if (mr->extra) {
        set_publish(mr, NULL);
    }
}
