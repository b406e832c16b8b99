/*
 * find.c — memory_region_find and memory_region_present (§5): what the
 * address space actually shows at a region-relative address, found by
 * climbing container links (never aliases, Q4) to a root.
 */
#include "internal.h"

MemoryRegionSection memory_region_find(MemoryRegion *mr, hwaddr addr,
                                       uint64_t size)
{
    MemoryRegionSection ret = { 0 };
    memcore_lock();
    hwaddr abs = addr + mr->addr;
    MemoryRegion *root = mr;
    while (root->container) {
        root = root->container;
        abs += root->addr;
    }

    AddressSpace *as = mc_as_head;
    while (as && as->root != root) {
        as = as->as_next;
    }
    memcore_unlock();
    if (!as || size == 0) {
        return ret;
    }

    mc_rcu_lock();
    FlatView *view = as_view(as);
    u128 qend = (u128)abs + size; /* exclusive */
    unsigned i = flatview_lower_bound(view, abs);
    const FlatRange *fr = i < view->nr ? flatview_at(view, i) : NULL;
    if (fr && (u128)fr->start < qend) {
        hwaddr start = MC_MAX(abs, fr->start);
        u128 end = MC_MIN(qend, (u128)fr->last + 1);
        ret.mr = fr->mr;
        ret.address_space = as;
        ret.offset_within_address_space = start;
        ret.offset_within_region = fr->offset_in_region + (start - fr->start);
        ret.size = (Int128)(end - start);
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
