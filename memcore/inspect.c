/*
 * inspect.c — the region tree and the flat views as data, for front-ends
 * that show them other than as `info mtree` text (memcored's REST
 * endpoint builds JSON from these).
 *
 * The tree is only stable under memcore's global lock, so
 * memory_region_get_info and mtree_walk take it, exactly as mtree_info
 * does, and report what `info mtree` would print at that moment (the same
 * type words, the same child order: mtree_internal.h shares them).  A
 * published FlatView never changes, so its ranges are read without the
 * lock, from what the commit decided (a range's read-only and ROMD flags
 * are the render's, not the region's current ones).
 */
#include "mtree_internal.h"

static const char *mr_kind(const MemoryRegion *mr)
{
    if (mr->alias) {
        return "alias";
    }
    if (mr->iommu_ops) {
        return "iommu";
    }
    if (mr->rom_device) {
        return "rom_device";
    }
    if (mr->ram) {
        return mr->readonly ? "rom" : "ram";
    }
    return mr->terminates ? "io" : "container";
}

/* Fill @info from @mr; under the lock. */
static void fill_info(MemoryRegion *mr, MemoryRegionInfo *info)
{
    unsigned n = 0;

    for (MemoryRegion *c = mr->subregions_head; c; c = c->sub_next) {
        n++;
    }
    *info = (MemoryRegionInfo) {
        .mr = mr,
        .name = mr->name,
        .type = mtree_type_word(mr),
        .kind = mr_kind(mr),
        .addr = mr->addr,
        .size = mr->size > (Int128)UINT64_MAX ? UINT64_MAX
                                               : (uint64_t)mr->size,
        .priority = mr->priority,
        .enabled = mr->enabled,
        .readonly = mr->readonly,
        .romd = mr->rom_device && mr->romd_mode,
        .container = mr->container,
        .alias = mr->alias,
        .alias_offset = mr->alias_offset,
        .has_owner = mr->owner != NULL,
        .owner_path = mr->owner ? mr->owner->path : NULL,
        .nr_subregions = n,
    };
}

void memory_region_get_info(MemoryRegion *mr, MemoryRegionInfo *info)
{
    memcore_lock();
    fill_info(mr, info);
    memcore_unlock();
}

static int walk(MemoryRegion *mr, unsigned depth, hwaddr base,
                MtreeWalkFn fn, void *opaque)
{
    MemoryRegionInfo info;
    hwaddr start = base + mr->addr;
    size_t n;
    int rc;

    fill_info(mr, &info);
    rc = fn(&info, depth, start, opaque);
    if (rc) {
        return rc;
    }
    MemoryRegion **kids = mtree_sorted_children(mr, &n);
    if (n && !kids) {
        return -1;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        rc = walk(kids[i], depth + 1, start, fn, opaque);
    }
    free(kids);
    return rc;
}

int mtree_walk(MemoryRegion *root, MtreeWalkFn fn, void *opaque)
{
    int rc;

    memcore_lock();
    rc = walk(root, 0, 0, fn, opaque);
    memcore_unlock();
    return rc;
}

bool flatview_get_range_info(const FlatView *view, unsigned i,
                             FlatRangeInfo *out)
{
    if (i >= view->nr) {
        return false;
    }
    const FlatRange *fr = flatview_at(view, i);
    /* The type word of `info mtree -f`, from the render's flags: a ROM
     * device is "romd" in ROMD mode, RAM "ram", anything else "i/o". */
    const char *type = "i/o";
    if (fr->readonly) {
        type = "rom";
    } else if (fr->mr->rom_device && fr->romd_mode) {
        type = "romd";
    } else if (fr->mr->ram) {
        type = "ram";
    }
    *out = (FlatRangeInfo) {
        .start = fr->start,
        .last = fr->last,
        .mr = fr->mr,
        .offset_in_region = fr->offset_in_region,
        .readonly = fr->readonly,
        /* romd_mode is also set on regions that are no ROM device. */
        .romd = fr->mr->rom_device && fr->romd_mode,
        .direct_read = fr->direct & FR_DIRECT_READ,
        .direct_write = fr->direct & FR_DIRECT_WRITE,
        .type = type,
    };
    return true;
}

unsigned flatview_find_range(const FlatView *view, hwaddr addr)
{
    return flatview_lower_bound(view, addr);
}
