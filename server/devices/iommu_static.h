/*
 * server/devices/iommu_static.h — an IOMMU with a fixed translation table:
 * the model behind a board's "iommu" regions (memcored-board(5)).
 *
 * Like the device models it is an ordinary libmemcore user, here of
 * MemoryRegionIOMMUOps: iommu_static_create() checks the region's
 * "page-size" and "mappings" and builds the table (no memcore call, so a
 * bad board leaves nothing behind); the loader points the table at its
 * target address space once the address spaces are known, and passes
 * iommu_static_ops to memory_region_init_iommu().
 *
 * translate() finds the mapping holding the IOVA and answers with the
 * page holding it (addr_mask = page size - 1); an IOVA no mapping holds
 * gets perm IOMMU_NONE, so the access fails with MEMTX_DECODE_ERROR.
 */
#ifndef SERVER_DEVICES_IOMMU_STATIC_H
#define SERVER_DEVICES_IOMMU_STATIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <memcore/memory.h>

#include "../diag.h"
#include "../numparse.h"

/* One "mappings" entry: [iova, iova + size) -> [translated, ...). */
typedef struct IommuMapping {
    uint64_t iova;
    uint64_t translated;
    u128 size;               /* a multiple of the page size, at most 2^64 */
    IOMMUAccessFlags perm;
    size_t index;            /* its place in "mappings", for messages */
} IommuMapping;

typedef struct IommuStatic {
    AddressSpace *target_as; /* set by the loader before the first access */
    u128 page_size;          /* a power of two, 1 .. 2^64 */
    IommuMapping *maps;      /* sorted by iova, never overlapping */
    size_t nmaps;
} IommuStatic;

/* The translate callback memcore calls for every iommu region. */
extern const MemoryRegionIOMMUOps iommu_static_ops;

/*
 * iommu_static_of: the table behind the IOMMU region @mr.  Provided by
 * whoever embeds the region (the board loader), as QEMU's IOMMU models
 * find their state with container_of().
 */
IommuStatic *iommu_static_of(MemoryRegion *mr);

/*
 * iommu_static_create: check "page-size" (default 4K) and "mappings" of
 * the region object @obj (@path points at it) for a region of @size
 * bytes, and build the table.  Every problem is recorded in @d under its
 * JSON path; NULL then (or when memory ran out: @d->oom).
 */
IommuStatic *iommu_static_create(const json_t *obj, JPath *path, Diag *d,
                                 u128 size);

/* iommu_static_lookup: the mapping holding @iova, or NULL. */
const IommuMapping *iommu_static_lookup(const IommuStatic *t, uint64_t iova);

void iommu_static_free(IommuStatic *t);

#endif /* SERVER_DEVICES_IOMMU_STATIC_H */
