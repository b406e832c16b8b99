/*
 * server/board_build.c — turning a checked Board into memcore regions and
 * address spaces, and tearing them down again.
 *
 * Build order:
 *   1. one memory transaction around everything, so listeners and the
 *      FlatViews see the finished machine only;
 *   2. every region is initialised, alias targets before their aliases
 *      (the board may list an alias before its target);
 *   3. RAM and ROM get their fill and image bytes through the host
 *      pointer (no address space exists yet, and ROM is not writable
 *      through one), each write checked against the host memory memcore
 *      really mapped for the region;
 *   4. subregions are mapped in document order, so equal-priority
 *      siblings overlap as the board lists them (the later one wins);
 *   5. the transaction commits, then the address spaces are created in
 *      board order (which is the order `info mtree` lists them in).
 *
 * Teardown runs the same steps backwards: address spaces, unmapping,
 * regions in reverse initialisation order (aliases before their targets),
 * an RCU barrier so no reader still holds a FlatView, then devices and
 * owners.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <memcore/memcore.h>

#include "board.h"
#include "board_internal.h"

static Object *owner_obj(BoardRegion *r)
{
    return r->owner ? &r->owner->obj : NULL;
}

/* ---- filling RAM ---------------------------------------------------------- */

/* @v in hex for messages; 2^64 is "0x10000000000000000". */
static const char *hex128(char buf[24], u128 v)
{
    if (v >> 64) {
        snprintf(buf, 24, "0x%" PRIx64 "%016" PRIx64, (uint64_t)(v >> 64),
                 (uint64_t)v);
    } else {
        snprintf(buf, 24, "0x%" PRIx64, (uint64_t)v);
    }
    return buf;
}

typedef struct BlockLookup {
    const MemoryRegion *mr;
    const uint8_t *host;
    uint64_t length;
    bool found;
} BlockLookup;

static int lookup_block(const RAMBlockInfo *info, void *opaque)
{
    BlockLookup *l = opaque;

    if (info->mr != l->mr) {
        return 0;
    }
    l->found = true;
    l->host = info->host;
    l->length = info->used_length < info->max_length ? info->used_length
                                                     : info->max_length;
    return 1;
}

/*
 * How many bytes from @host (the region's memory_region_get_ram_ptr)
 * memcore really backs: the used length of the region's own RAM block
 * when @host is that block's start, and for RAM backed by a file no more
 * than the file holds (a mapping past the end of a file faults).  0 when
 * there is no such block.  The loader writes only inside this, whatever
 * size the region claims: a size memcore could not map in full must never
 * turn into a write next to the mapping.
 */
static u128 host_bytes(BoardRegion *r, const uint8_t *host)
{
    BlockLookup l = { .mr = &r->mr };
    u128 len;
    int fd;

    qemu_ram_foreach_block_info(lookup_block, &l);
    if (!l.found || !host || l.host != host) {
        return 0;
    }
    len = l.length;
    fd = memory_region_get_fd(&r->mr);
    if (fd >= 0) {
        struct stat st;

        if (fstat(fd, &st) != 0) {
            return 0;
        }
        if (S_ISREG(st.st_mode) && (u128)st.st_size < len) {
            len = st.st_size > 0 ? (u128)st.st_size : 0;
        }
    }
    return len;
}

/* Whether [@off, @off + @len) lies inside @avail bytes (no sum wraps). */
static bool fits(u128 off, u128 len, u128 avail)
{
    return off <= avail && len <= avail - off;
}

/*
 * The region's fill and image bytes, through the host pointer (no address
 * space exists yet, and ROM is not writable through one).  board_parse
 * has checked them against the board's size; here every write is checked
 * again against the host memory memcore actually gave the region, and a
 * region that memcore backs with less than its size is refused outright.
 */
static bool load_contents(BoardRegion *r, Diag *d)
{
    uint8_t *host = memory_region_get_ram_ptr(&r->mr);
    uint64_t api_size = memory_region_size(&r->mr);
    u128 size = api_size == UINT64_MAX ? U128_2_64 : api_size;
    u128 avail = host_bytes(r, host);
    char a[24], b[24];

    if (avail < size) {
        diag_error(d, r->path, "memcore backs only %s of the region's %s "
                   "bytes with host memory", hex128(a, avail),
                   hex128(b, size));
        return false;
    }
    if (r->has_fill) {
        /* [0, size) is inside the avail bytes just checked */
        memset(host, r->fill, (size_t)size);
    }
    if (r->image_len) {
        if (!fits(r->image_offset, r->image_len, size) ||
            !fits(r->image_offset, r->image_len, avail)) {
            char *path;

            if (asprintf(&path, "%s.image", r->path) < 0) {
                d->oom = true;
            } else {
                diag_error(d, path, "%zu bytes at offset 0x%" PRIx64 " do "
                           "not fit in the region's %s bytes of host memory",
                           r->image_len, r->image_offset, hex128(a, avail));
                free(path);
            }
            return false;
        }
        memcpy(host + r->image_offset, r->image, r->image_len);
    }
    return true;
}

/* The IOMMU model's table, from the region memcore hands its translate
 * callback: the region is embedded in its BoardRegion (QEMU's IOMMUs find
 * their state the same way, with container_of). */
IommuStatic *iommu_static_of(MemoryRegion *mr)
{
    BoardRegion *r = (BoardRegion *)(void *)((char *)mr -
                                             offsetof(BoardRegion, mr));

    return r->iommu;
}

static bool init_region(Board *b, BoardRegion *r, Diag *d);

static bool init_region(Board *b, BoardRegion *r, Diag *d)
{
    uint64_t size = size_to_api(r->size);
    Error *err = NULL;

    if (r->inited) {
        return true;
    }
    if (r->type == BR_ALIAS && !init_region(b, r->target, d)) {
        return false;
    }

    switch (r->type) {
    case BR_CONTAINER:
        memory_region_init(&r->mr, owner_obj(r), r->name, size);
        break;
    case BR_RAM:
        if (r->file) {
            memory_region_init_ram_from_file(&r->mr, owner_obj(r), r->name,
                                             size, r->share, r->file, &err);
        } else if (r->has_max_size) {
            memory_region_init_resizeable_ram(&r->mr, owner_obj(r), r->name,
                                              size,
                                              size_to_api(r->max_size),
                                              NULL, &err);
        } else {
            memory_region_init_ram(&r->mr, owner_obj(r), r->name, size,
                                   &err);
        }
        break;
    case BR_ROM:
        memory_region_init_rom(&r->mr, owner_obj(r), r->name, size, &err);
        break;
    case BR_ROMD:
        memory_region_init_rom_device(&r->mr, owner_obj(r), r->dev->ops,
                                      r->dev, r->name, size, &err);
        break;
    case BR_IO:
        memory_region_init_io(&r->mr, owner_obj(r), r->dev->ops, r->dev,
                              r->name, size);
        break;
    case BR_ALIAS:
        memory_region_init_alias(&r->mr, owner_obj(r), r->name,
                                 &r->target->mr, r->alias_offset, size);
        break;
    case BR_RESERVATION:
        memory_region_init_reservation(&r->mr, owner_obj(r), r->name, size);
        break;
    case BR_IOMMU:
        memory_region_init_iommu(&r->mr, owner_obj(r), &iommu_static_ops,
                                 r->name, size);
        break;
    default:
        diag_error(d, r->path, "cannot build a %s region",
                   board_type_name(r->type));
        return false;
    }
    if (err) {
        diag_error(d, r->path, "%s", error_get_pretty(err));
        error_free(err);
        /* the failed init has already named the region: release that */
        memory_region_destroy(&r->mr);
        return false;
    }
    r->inited = true;
    b->init_order[b->ninit++] = r;

    if (r->readonly) {
        memory_region_set_readonly(&r->mr, true);
    }
    if (r->type == BR_RAM || r->type == BR_ROM || r->type == BR_ROMD) {
        /* inited: a refusal here is undone by board_build's teardown */
        return load_contents(r, d);
    }
    return true;
}

/* Undo whatever part of a build happened (all of it after success). */
static void teardown(Board *b)
{
    for (size_t i = b->nas; i-- > 0;) {
        if (b->as[i]->inited) {
            address_space_destroy(&b->as[i]->as);
            b->as[i]->inited = false;
        }
    }

    memory_region_transaction_begin();
    for (size_t i = b->nregions; i-- > 0;) {
        BoardRegion *r = b->regions[i];

        if (r->mapped) {
            memory_region_del_subregion(&r->parent->mr, &r->mr);
            r->mapped = false;
        }
    }
    memory_region_transaction_commit();

    for (size_t i = b->ninit; i-- > 0;) {
        memory_region_destroy(&b->init_order[i]->mr);
        b->init_order[i]->inited = false;
    }
    b->ninit = 0;

    /* Old FlatViews and dispatch tables hold owner references and point
     * at our MemoryRegions: wait until every one of them is gone. */
    memcore_rcu_barrier();

    for (size_t i = 0; i < b->nowners; i++) {
        if (b->owners[i]->live) {
            object_unref(&b->owners[i]->obj);
            b->owners[i]->live = false;
        }
    }
    b->built = false;
}

bool board_build(Board *b, const DeviceHost *host, Diag *d)
{
    bool ok = true;

    b->init_order = calloc(b->nregions + 1, sizeof(*b->init_order));
    if (!b->init_order) {
        d->oom = true;
        return false;
    }
    for (size_t i = 0; i < b->nowners; i++) {
        object_initialize_owner(&b->owners[i]->obj, b->owners[i]->path, NULL);
        b->owners[i]->live = true;
    }
    for (size_t i = 0; i < b->nregions; i++) {
        BoardRegion *r = b->regions[i];

        if (r->dev && !device_set_identity(r->dev, r->name, host)) {
            d->oom = true;
            ok = false;
        }
    }

    memory_region_transaction_begin();
    for (size_t i = 0; ok && i < b->nregions; i++) {
        ok = init_region(b, b->regions[i], d);
    }
    for (size_t i = 0; ok && i < b->nregions; i++) {
        BoardRegion *r = b->regions[i];

        if (!r->enabled) {
            memory_region_set_enabled(&r->mr, false);
        }
        if (!r->parent) {
            continue;
        }
        if (r->overlap) {
            memory_region_add_subregion_overlap(&r->parent->mr, r->addr,
                                                &r->mr, r->priority);
        } else {
            memory_region_add_subregion(&r->parent->mr, r->addr, &r->mr);
        }
        r->mapped = true;
    }
    memory_region_transaction_commit();

    if (ok) {
        memory_region_transaction_begin();
        for (size_t i = 0; i < b->nas; i++) {
            address_space_init(&b->as[i]->as, &b->as[i]->root->mr,
                               b->as[i]->name);
            b->as[i]->inited = true;
        }
        memory_region_transaction_commit();
        b->built = true;
        return true;
    }
    teardown(b);
    return false;
}

void board_free_unbuilt(Board *b)
{
    if (!b) {
        return;
    }
    for (size_t i = 0; i < b->nregions; i++) {
        BoardRegion *r = b->regions[i];

        if (r->dev) {
            r->dev->model->destroy(r->dev);
        }
        free(r->path);
        free(r->name);
        free(r->id);
        free(r->image);
        free(r->file);
        free(r->target_ref);
        free(r->target_as_ref);
        iommu_static_free(r->iommu);
        free(r->subs);
        free(r);
    }
    for (size_t i = 0; i < b->nas; i++) {
        free(b->as[i]->path);
        free(b->as[i]->name);
        free(b->as[i]->root_ref);
        free(b->as[i]);
    }
    for (size_t i = 0; i < b->ncpus; i++) {
        free(b->cpus[i].model);
    }
    for (size_t i = 0; i < b->nowners; i++) {
        free(b->owners[i]->path);
        free(b->owners[i]);
    }
    free(b->regions);
    free(b->roots);
    free(b->as);
    free(b->cpus);
    free(b->owners);
    free(b->init_order);
    free(b->name);
    free(b);
}

void board_destroy(Board *b)
{
    if (!b) {
        return;
    }
    if (b->built || b->ninit) {
        teardown(b);
    }
    board_free_unbuilt(b);
}
