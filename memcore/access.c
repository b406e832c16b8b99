/*
 * access.c — one MMIO access to one region: validity (the valid sizes are
 * enforced, as QEMU does since its 2020 fix), splitting and widening to
 * what the callbacks implement, byte order (SEMANTICS.md, Access path:
 * Validity, Splitting and widening, Endianness), ioeventfds and coalesced
 * writes, and the global lock around callbacks.
 */
#include "internal.h"

bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                                bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    if (ops->valid.accepts &&
        !ops->valid.accepts(mr->opaque, addr, size, is_write)) {
        return false;
    }
    if (!ops->valid.unaligned && (addr & (size - 1))) {
        return false;
    }
    if (ops->valid.max_access_size == 0) {
        return true;
    }
    return size <= ops->valid.max_access_size &&
           size >= ops->valid.min_access_size;
}

unsigned memory_access_size(MemoryRegion *mr, unsigned l, hwaddr addr)
{
    unsigned max = mr->ops->valid.max_access_size;
    if (max == 0) {
        max = 4;
    }
    if (!mr->ops->impl.unaligned) {
        unsigned align = addr & -addr;
        if (align != 0 && align < max) {
            max = align;
        }
    }
    if (l > max) {
        l = max;
    }
    /* Largest power of two not above l. */
    return 1u << (31 - __builtin_clz(l));
}

/* ---- Splitting and widening ---------------------------------------------- */

typedef MemTxResult (*accessor_fn)(MemoryRegion *mr, hwaddr addr,
                                   uint64_t *value, unsigned size,
                                   int shift, uint64_t mask, MemTxAttrs attrs);

static inline uint64_t shift_in(uint64_t v, int shift)
{
    return shift >= 0 ? v << shift : v >> -shift;
}

static inline uint64_t shift_out(uint64_t v, int shift)
{
    return shift >= 0 ? v >> shift : v << -shift;
}

static MemTxResult read_accessor(MemoryRegion *mr, hwaddr addr,
                                 uint64_t *value, unsigned size, int shift,
                                 uint64_t mask, MemTxAttrs attrs)
{
    (void)attrs;
    uint64_t t = mr->ops->read(mr->opaque, addr, size);
    *value |= shift_in(t & mask, shift);
    return MEMTX_OK;
}

static MemTxResult read_with_attrs_accessor(MemoryRegion *mr, hwaddr addr,
                                            uint64_t *value, unsigned size,
                                            int shift, uint64_t mask,
                                            MemTxAttrs attrs)
{
    uint64_t t = 0;
    MemTxResult r = mr->ops->read_with_attrs(mr->opaque, addr, &t, size,
                                             attrs);
    *value |= shift_in(t & mask, shift);
    return r;
}

static MemTxResult read_old_mmio_accessor(MemoryRegion *mr, hwaddr addr,
                                          uint64_t *value, unsigned size,
                                          int shift, uint64_t mask,
                                          MemTxAttrs attrs)
{
    (void)attrs;
    CPUReadMemoryFunc *fn = mr->ops->old_mmio.read[__builtin_ctz(size)];
    uint64_t t = fn ? fn(mr->opaque, addr) : 0;
    *value |= shift_in(t & mask, shift);
    return MEMTX_OK;
}

static MemTxResult write_accessor(MemoryRegion *mr, hwaddr addr,
                                  uint64_t *value, unsigned size, int shift,
                                  uint64_t mask, MemTxAttrs attrs)
{
    (void)attrs;
    mr->ops->write(mr->opaque, addr, shift_out(*value, shift) & mask, size);
    return MEMTX_OK;
}

static MemTxResult write_with_attrs_accessor(MemoryRegion *mr, hwaddr addr,
                                             uint64_t *value, unsigned size,
                                             int shift, uint64_t mask,
                                             MemTxAttrs attrs)
{
    return mr->ops->write_with_attrs(mr->opaque, addr,
                                     shift_out(*value, shift) & mask, size,
                                     attrs);
}

static MemTxResult write_old_mmio_accessor(MemoryRegion *mr, hwaddr addr,
                                           uint64_t *value, unsigned size,
                                           int shift, uint64_t mask,
                                           MemTxAttrs attrs)
{
    (void)attrs;
    CPUWriteMemoryFunc *fn = mr->ops->old_mmio.write[__builtin_ctz(size)];
    if (fn) {
        fn(mr->opaque, addr, (uint32_t)(shift_out(*value, shift) & mask));
    }
    return MEMTX_OK;
}

static MemTxResult access_with_adjusted_size(MemoryRegion *mr, hwaddr addr,
                                             uint64_t *value, unsigned size,
                                             unsigned amin, unsigned amax,
                                             accessor_fn fn, MemTxAttrs attrs)
{
    if (amin == 0) {
        amin = 1;
    }
    if (amax == 0) {
        amax = 4;
    }
    unsigned as = MC_MAX(MC_MIN(size, amax), amin);
    uint64_t mask = as >= 8 ? UINT64_MAX : (1ULL << (as * 8)) - 1;
    bool big = mr_device_big_endian(mr);
    MemTxResult r = MEMTX_OK;
    for (unsigned i = 0; i < size; i += as) {
        /* Negative when the access is narrower than amin: shift right
         * instead (a later QEMU fix; 2.6 shifted by a negative count). */
        int shift = big ? ((int)size - (int)as - (int)i) * 8 : (int)i * 8;
        r |= fn(mr, addr + i, value, as, shift, mask, attrs);
    }
    return r;
}

/* ---- Global lock around callbacks ------------------------------------------ */

bool mmio_lock_prepare(MemoryRegion *mr)
{
    if (MC_LOAD(mr->global_locking) && !memcore_lock_held()) {
        memcore_lock();
        return true;
    }
    return false;
}

void mmio_lock_finish(bool taken)
{
    if (taken) {
        memcore_unlock();
    }
}

/* ---- Dispatch ------------------------------------------------------------ */

static void unassigned_access(hwaddr addr, bool is_write, unsigned size)
{
    void (*hook)(hwaddr, bool, unsigned) = MC_LOAD(mc_unassigned_hook);
    if (hook) {
        hook(addr, is_write, size);
    }
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs)
{
    /* An alias reads its target at the alias offset (a later QEMU fix). */
    while (mr->alias) {
        addr += MC_LOAD(mr->alias_offset);
        mr = mr->alias;
    }
    if (!memory_region_access_valid(mr, addr, size, false)) {
        *pval = 0;
        unassigned_access(addr, false, size);
        return MEMTX_DECODE_ERROR;
    }
    const MemoryRegionOps *ops = mr->ops;
    MemTxResult r;
    *pval = 0;
    if (ops->read) {
        r = access_with_adjusted_size(mr, addr, pval, size,
                                      ops->impl.min_access_size,
                                      ops->impl.max_access_size,
                                      read_accessor, attrs);
    } else if (ops->read_with_attrs) {
        r = access_with_adjusted_size(mr, addr, pval, size,
                                      ops->impl.min_access_size,
                                      ops->impl.max_access_size,
                                      read_with_attrs_accessor, attrs);
    } else {
        r = access_with_adjusted_size(mr, addr, pval, size, 1, 4,
                                      read_old_mmio_accessor, attrs);
    }
    *pval = mr_to_device_order(mr, *pval, size);
    return r;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    while (mr->alias) {
        addr += MC_LOAD(mr->alias_offset);
        mr = mr->alias;
    }
    if (!memory_region_access_valid(mr, addr, size, true)) {
        unassigned_access(addr, true, size);
        return MEMTX_DECODE_ERROR;
    }
    data = mr_to_device_order(mr, data, size);
    /* The eventfd and coalesced sets are replaced under the lock and freed
     * after a grace period: read them inside a read section (a caller
     * outside the access path may not be in one). */
    if (MC_LOAD(mr->ioeventfd_nb) || __atomic_load_n(&mr->coalesced,
                                                     __ATOMIC_RELAXED)) {
        mc_rcu_lock();
        EventNotifier *e = ioeventfd_match(mr, addr, size, data);
        bool queued = !e && coalesced_queue(mr, addr, data, size, attrs);
        mc_rcu_unlock();
        if (e) {
            event_notifier_set(e);
            return MEMTX_OK;
        }
        if (queued) {
            return MEMTX_OK;
        }
    }
    return mmio_write_to_device(mr, addr, data, size, attrs);
}

/*
 * mmio_write_to_device: deliver a write to the device, bypassing ioeventfds
 * and the coalesced ring (used when the ring is flushed).
 */
MemTxResult mmio_write_to_device(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                 unsigned size, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    if (ops->write) {
        return access_with_adjusted_size(mr, addr, &data, size,
                                         ops->impl.min_access_size,
                                         ops->impl.max_access_size,
                                         write_accessor, attrs);
    }
    if (ops->write_with_attrs) {
        return access_with_adjusted_size(mr, addr, &data, size,
                                         ops->impl.min_access_size,
                                         ops->impl.max_access_size,
                                         write_with_attrs_accessor, attrs);
    }
    return access_with_adjusted_size(mr, addr, &data, size, 1, 4,
                                     write_old_mmio_accessor, attrs);
}
