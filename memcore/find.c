/*
 * find.c — memory_region_find and memory_region_present: what the
 * address space actually shows at a region-relative address, found by
 * climbing container links to a root (never aliases: a region reachable
 * only through an alias is not found, as in QEMU).
 */
#include "internal.h"

MemoryRegionSection memory_region_find(MemoryRegion *mr, hwaddr addr,
                                       uint64_t size)
{
    MemoryRegionSection ret = { 0 };
    if (size == 0) {
        return ret;
    }
    /* 65-bit arithmetic: a query that starts past 2^64 finds nothing and
     * one that ends past it is cut there, never wrapped to address 0. */
    memcore_lock();
    u128 start = (u128)addr + mr->addr;
    MemoryRegion *root = mr;
    while (root->container) {
        root = root->container;
        start += root->addr;
    }

    AddressSpace *as = mc_as_head;
    while (as && as->root != root) {
        as = as->as_next;
    }
    if (!as || start >= U128_2_64) {
        memcore_unlock();
        return ret;
    }
    /* The address space is alive only while the lock keeps destroy out:
     * its caller may free it as soon as address_space_destroy returns.
     * Enter the read section and take its view here, so that the view
     * (retired by destroy after a grace period) outlives the lock. */
    mc_rcu_lock();
    FlatView *view = as_view(as);
    memcore_unlock();
    hwaddr abs = (hwaddr)start;
    /* As for region sizes, UINT64_MAX stands for 2^64. */
    u128 qend = MC_MIN(start + (size == UINT64_MAX ? U128_2_64 : size),
                       U128_2_64); /* exclusive */

    unsigned i = flatview_lower_bound(view, abs);
    const FlatRange *fr = i < view->nr ? flatview_at(view, i) : NULL;
    if (fr && (u128)fr->start < qend) {
        hwaddr first = MC_MAX(abs, fr->start);
        u128 end = MC_MIN(qend, (u128)fr->last + 1);
        ret.mr = fr->mr;
        ret.address_space = as;
        ret.offset_within_address_space = first;
        ret.offset_within_region = fr->offset_in_region + (first - fr->start);
        ret.size = (Int128)(end - first);
        ret.readonly = fr->readonly;
        memory_region_ref(ret.mr);
    }
    mc_rcu_unlock();
    return ret;
}

bool memory_region_present(MemoryRegion *container, hwaddr addr)
{
    MemoryRegionSection s = memory_region_find(container, addr, 1);
    if (!s.mr) {
        return false;
    }
    memory_region_unref(s.mr);
    return s.mr != container;
}
