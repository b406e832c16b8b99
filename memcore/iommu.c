/*
 * iommu.c — IOMMU regions: notifiers and replay.  The translation
 * itself is followed by the access path (rw.c, translate_internal).
 */
#include "internal.h"

void memory_region_notify_iommu(MemoryRegion *mr, IOMMUTLBEntry entry)
{
    if (!mr->iommu_ops) {
        mc_misuse(__func__, "region '%s' is not an IOMMU",
                  mr->name ? mr->name : "(noname)");
        return;
    }
    /* Newest notifier first (notifier lists insert at the head).  Under
     * the global lock, as in QEMU, so that notifiers cannot be registered
     * or removed while the list is walked. */
    memcore_lock();
    if (mr->extra) {
        notifier_list_notify(&mr->extra->iommu_notify, &entry);
    }
    memcore_unlock();
}

void memory_region_register_iommu_notifier(MemoryRegion *mr, Notifier *n)
{
    memcore_lock();
    notifier_list_add(&mr_extra(mr)->iommu_notify, n);
    memcore_unlock();
}

void memory_region_unregister_iommu_notifier(Notifier *n)
{
    memcore_lock();
    notifier_remove(n);
    memcore_unlock();
}

void memory_region_iommu_replay(MemoryRegion *mr, Notifier *n,
                                hwaddr granularity, bool is_write)
{
    if (!mr->iommu_ops || granularity == 0) {
        mc_misuse(__func__, "needs an IOMMU region and a granularity");
        return;
    }
    u128 size = mr_size(mr);
    for (u128 addr = 0; addr < size; addr += granularity) {
        IOMMUTLBEntry e = mr->iommu_ops->translate(mr, (hwaddr)addr,
                                                   is_write);
        if (e.perm != IOMMU_NONE) {
            n->notify(n, &e);
        }
        if (addr + granularity > UINT64_MAX) {
            break; /* the next step would wrap */
        }
    }
}
