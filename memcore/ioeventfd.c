/*
 * ioeventfd.c — ioeventfds (§7.5): a write matching (address, size, data)
 * signals an eventfd instead of calling the device (D9, C5), and each
 * address space keeps the list of its eventfds at AS addresses so that
 * listeners hear eventfd_add/del as the topology changes (Q7, Q10).
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

void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data,
                               EventNotifier *e)
{
    MemoryRegionIoeventfd fd = eventfd_key(mr, addr, size, match_data, data,
                                           e);
    memory_region_transaction_begin();
    mr_extra(mr);
    MemoryRegionIoeventfd *a = realloc(mr->extra->ioeventfds,
                                       sizeof(*a) * (mr->ioeventfd_nb + 1));
    if (!a) {
        memory_region_transaction_commit();
        mc_misuse(__func__, "out of memory");
        return;
    }
    mr->extra->ioeventfds = a;
    unsigned i = 0;
    while (i < mr->ioeventfd_nb && ioeventfd_cmp(&a[i], &fd) < 0) {
        i++;
    }
    memmove(&a[i + 1], &a[i], sizeof(*a) * (mr->ioeventfd_nb - i));
    a[i] = fd;
    mr->ioeventfd_nb++;
    ioeventfd_total++;
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
    unsigned i = 0;
    while (i < mr->ioeventfd_nb &&
           ioeventfd_cmp(&mr->extra->ioeventfds[i], &fd)) {
        i++;
    }
    if (i == mr->ioeventfd_nb) {
        memory_region_transaction_commit();
        mc_misuse(__func__, "no such eventfd at 0x%" PRIx64 " of '%s'", addr,
                  mr->name ? mr->name : "(noname)");
        return;
    }
    memmove(&mr->extra->ioeventfds[i], &mr->extra->ioeventfds[i + 1],
            sizeof(*mr->extra->ioeventfds) * (mr->ioeventfd_nb - i - 1));
    mr->ioeventfd_nb--;
    ioeventfd_total--;
    if (mr->enabled) {
        mc_ioeventfd_pending = true;
    }
    memory_region_transaction_commit();
}

EventNotifier *ioeventfd_match(MemoryRegion *mr, hwaddr addr, unsigned size,
                               uint64_t data)
{
    for (unsigned i = 0; i < mr->ioeventfd_nb; i++) {
        const MemoryRegionIoeventfd *fd = &mr->extra->ioeventfds[i];
        if (fd->addr != addr) {
            continue;
        }
        /* C5: size 0 matches any write at the address, data unchecked. */
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
        .mr = NULL, /* Q10 */
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

/* Q7: eventfd_add in reverse listener order, eventfd_del forward. */
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
        for (unsigned k = 0; k < fr->mr->ioeventfd_nb; k++) {
            MemoryRegionIoeventfd fd = fr->mr->extra->ioeventfds[k];
            fd.addr += fr->start - fr->offset_in_region;
            /* Intersection, not containment (§7.5). */
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
    ioeventfd_total -= mr->ioeventfd_nb;
    if (mr->extra) {
        free(mr->extra->ioeventfds);
        mr->extra->ioeventfds = NULL;
    }
    mr->ioeventfd_nb = 0;
}
