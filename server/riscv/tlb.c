/*
 * server/riscv/tlb.c — filling and flushing a hart's software TLB
 * (tlb.h says when a page may be cached).
 */
#include <stdlib.h>

#include <memcore/memcore.h>

#include "tlb.h"

static void bump(RvTlb *t)
{
    atomic_fetch_add_explicit(&t->gen, 1, memory_order_release);
}

static void on_commit(MemoryListener *l)
{
    bump((RvTlb *)((char *)l - offsetof(RvTlb, listener)));
}

static void on_log(MemoryListener *l, MemoryRegionSection *s, int o, int n)
{
    (void)s; (void)o; (void)n;
    on_commit(l);
}

static void on_log_global(MemoryListener *l)
{
    on_commit(l);
}

RvTlb *rv_tlb_new(AddressSpace *as)
{
    RvTlb *t = calloc(1, sizeof(*t));

    if (!t) {
        return NULL;
    }
    t->as = as;
    rv_tlb_flush(t);
    t->listener.commit = on_commit;
    t->listener.log_start = on_log;
    t->listener.log_stop = on_log;
    t->listener.log_global_start = on_log_global;
    t->listener.log_global_stop = on_log_global;
    memory_listener_register(&t->listener, as);
    return t;
}

void rv_tlb_free(RvTlb *t)
{
    if (!t) {
        return;
    }
    memory_listener_unregister(&t->listener);
    free(t);
}

void rv_tlb_flush(RvTlb *t)
{
    t->seen = atomic_load_explicit(&t->gen, memory_order_acquire);
    for (unsigned i = 0; i < RV_TLB_SIZE; i++) {
        t->e[i].tag_r = t->e[i].tag_w = RV_TLB_INVALID;
        t->e[i].host = NULL;
    }
}

RvTlbEntry *rv_tlb_fill(RvTlb *t, uint64_t addr, bool write)
{
    uint64_t page = addr & ~(uint64_t)(RV_TLB_PAGE - 1);
    RvTlbEntry *e = &t->e[(addr / RV_TLB_PAGE) & (RV_TLB_SIZE - 1)];
    hwaddr xlat = 0, len = RV_TLB_PAGE;
    MemoryRegion *mr;
    uint8_t *base;
    bool ok = false;

    memcore_rcu_read_lock();
    mr = address_space_translate(t->as, page, &xlat, &len, write);
    if (mr && len >= RV_TLB_PAGE && memory_access_is_direct(mr, write) &&
        !memcore_watchpoint_covered(mr, xlat, RV_TLB_PAGE) &&
        (!write || memory_region_get_dirty_log_mask(mr) == 0) &&
        (base = memory_region_get_ram_ptr(mr)) != NULL) {
        uint8_t *host = base + xlat;

        if (e->host != host) {
            /* a different page: drop the other permission */
            e->tag_r = e->tag_w = RV_TLB_INVALID;
        }
        e->host = host;
        if (write) {
            e->tag_w = page;
        } else {
            e->tag_r = page;
        }
        t->fills++;
        ok = true;
    }
    memcore_rcu_read_unlock();
    return ok ? e : NULL;
}
