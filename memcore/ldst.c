/*
 * ldst.c — address_space_ld* / st*: one naturally aligned access of 1, 2,
 * 4 or 8 bytes.
 *
 * The fast path is what a CPU model hits millions of times a second: one
 * look at the view's MRU range, a bounds check and a host load.  Anything
 * else (MMIO, IOMMUs, a piece shorter than the access) takes the general
 * path, which follows §4.6 including Q5: an access whose translation is
 * shorter than N goes to the first region as one N-byte MMIO access.
 */
#include "internal.h"

enum endian { ENDIAN_TARGET, ENDIAN_LITTLE, ENDIAN_BIG };

static inline bool want_big(enum endian e)
{
    return e == ENDIAN_BIG || (e == ENDIAN_TARGET && MC_LOAD(mc_target_big_endian));
}

static inline uint64_t host_load(const uint8_t *p, unsigned n, bool big)
{
    switch (n) {
    case 1:
        return *p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return big ? __builtin_bswap16(v) : v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return big ? __builtin_bswap32(v) : v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return big ? __builtin_bswap64(v) : v;
    }
    }
}

static inline void host_store(uint8_t *p, unsigned n, bool big, uint64_t v)
{
    switch (n) {
    case 1:
        *p = (uint8_t)v;
        break;
    case 2: {
        uint16_t x = big ? __builtin_bswap16((uint16_t)v) : (uint16_t)v;
        memcpy(p, &x, 2);
        break;
    }
    case 4: {
        uint32_t x = big ? __builtin_bswap32((uint32_t)v) : (uint32_t)v;
        memcpy(p, &x, 4);
        break;
    }
    default: {
        uint64_t x = big ? __builtin_bswap64(v) : v;
        memcpy(p, &x, 8);
        break;
    }
    }
}

/* The host address of an N-byte RAM access inside one dispatch piece, or
 * NULL when the fast path does not apply. */
static inline __attribute__((always_inline)) uint8_t *
fast_ram(FlatView *view, hwaddr addr, unsigned n, bool is_write,
         const FlatRange **frp)
{
    const FlatRange *fr = flatview_lookup(view, addr);
    if (unlikely(!fr)) {
        return NULL;
    }
    hwaddr off = addr - fr->start;
    /* Pieces end only at page boundaries or at the range end; fr->host is
     * set only for ranges wholly inside their RAM block. */
    if (likely((fr->direct & (is_write ? FR_DIRECT_WRITE : FR_DIRECT_READ)) &&
               (addr & (TARGET_PAGE_SIZE - 1)) <= TARGET_PAGE_SIZE - n &&
               off + (n - 1) <= fr->last - fr->start)) {
        *frp = fr;
        return fr->host + off;
    }
    return NULL;
}

static uint64_t ld_slow(FlatView *view, hwaddr addr, MemTxAttrs attrs,
                        MemTxResult *result, unsigned n, enum endian e)
{
    hwaddr l = n, xlat, piece;
    MemoryRegion *mr = translate_internal(view, addr, &xlat, &l, false, &piece);
    if (!mr->ram && piece && l > piece) {
        l = piece;
    }
    uint64_t v;
    MemTxResult r;
    if (l < n || !memory_access_is_direct(mr, false)) {
        bool taken = mmio_lock_prepare(mr);
        coalesced_flush_before(mr, xlat, false);
        r = memory_region_dispatch_read(mr, xlat, &v, n, attrs);
        mmio_lock_finish(taken);
        if (e != ENDIAN_TARGET && want_big(e) != MC_LOAD(mc_target_big_endian)) {
            v = mc_bswap(v, n);
        }
    } else {
        v = host_load(ramblock_ptr(mr->ram_block, xlat), n, want_big(e));
        r = MEMTX_OK;
    }
    if (result) {
        *result = r;
    }
    return v;
}

static inline __attribute__((always_inline)) uint64_t ld_common(AddressSpace *as, hwaddr addr,
                                 MemTxAttrs attrs, MemTxResult *result,
                                 unsigned n, enum endian e)
{
    mc_rcu_lock();
    const FlatRange *fr;
    FlatView *view = as_view(as);
    uint8_t *p = fast_ram(view, addr, n, false, &fr);
    uint64_t v;
    if (likely(p)) {
        v = host_load(p, n, want_big(e));
        if (result) {
            *result = MEMTX_OK;
        }
    } else {
        v = ld_slow(view, addr, attrs, result, n, e);
    }
    mc_rcu_unlock();
    return v;
}

static void st_slow(FlatView *view, hwaddr addr, uint64_t v,
                    MemTxAttrs attrs, MemTxResult *result, unsigned n,
                    enum endian e, bool notdirty)
{
    hwaddr l = n, xlat, piece;
    MemoryRegion *mr = translate_internal(view, addr, &xlat, &l, true, &piece);
    MemTxResult r;
    if (l < n || !memory_access_is_direct(mr, true)) {
        if (e != ENDIAN_TARGET && want_big(e) != MC_LOAD(mc_target_big_endian)) {
            v = mc_bswap(v, n);
        }
        bool taken = mmio_lock_prepare(mr);
        coalesced_flush_before(mr, xlat, true);
        r = memory_region_dispatch_write(mr, xlat, v, n, attrs);
        mmio_lock_finish(taken);
    } else {
        host_store(ramblock_ptr(mr->ram_block, xlat), n, want_big(e), v);
        if (notdirty) {
            invalidate_and_set_dirty_notcode(mr, xlat, n);
        } else {
            invalidate_and_set_dirty(mr, xlat, n);
        }
        r = MEMTX_OK;
    }
    if (result) {
        *result = r;
    }
}

static inline __attribute__((always_inline)) void st_common(AddressSpace *as, hwaddr addr, uint64_t v,
                             MemTxAttrs attrs, MemTxResult *result,
                             unsigned n, enum endian e)
{
    mc_rcu_lock();
    const FlatRange *fr;
    FlatView *view = as_view(as);
    uint8_t *p = fast_ram(view, addr, n, true, &fr);
    if (likely(p)) {
        host_store(p, n, want_big(e), v);
        /* The range's mask is the region's, as of this view's commit. */
        if (unlikely(fr->dirty_log_mask)) {
            invalidate_and_set_dirty(fr->mr, p - fr->host +
                                     fr->offset_in_region, n);
        }
        if (result) {
            *result = MEMTX_OK;
        }
    } else {
        st_slow(view, addr, v, attrs, result, n, e, false);
    }
    mc_rcu_unlock();
}

#define DEFINE_LD(name, type, n, e)                                         \
    type name(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,              \
              MemTxResult *result)                                          \
    {                                                                       \
        return (type)ld_common(as, addr, attrs, result, n, e);             \
    }

#define DEFINE_ST(name, type, n, e)                                         \
    void name(AddressSpace *as, hwaddr addr, type val, MemTxAttrs attrs,    \
              MemTxResult *result)                                          \
    {                                                                       \
        st_common(as, addr, val, attrs, result, n, e);                      \
    }

DEFINE_LD(address_space_ldub, uint32_t, 1, ENDIAN_TARGET)
DEFINE_LD(address_space_lduw_le, uint32_t, 2, ENDIAN_LITTLE)
DEFINE_LD(address_space_lduw_be, uint32_t, 2, ENDIAN_BIG)
DEFINE_LD(address_space_lduw, uint32_t, 2, ENDIAN_TARGET)
DEFINE_LD(address_space_ldl_le, uint32_t, 4, ENDIAN_LITTLE)
DEFINE_LD(address_space_ldl_be, uint32_t, 4, ENDIAN_BIG)
DEFINE_LD(address_space_ldl, uint32_t, 4, ENDIAN_TARGET)
DEFINE_LD(address_space_ldq_le, uint64_t, 8, ENDIAN_LITTLE)
DEFINE_LD(address_space_ldq_be, uint64_t, 8, ENDIAN_BIG)
DEFINE_LD(address_space_ldq, uint64_t, 8, ENDIAN_TARGET)

DEFINE_ST(address_space_stb, uint32_t, 1, ENDIAN_TARGET)
DEFINE_ST(address_space_stw_le, uint32_t, 2, ENDIAN_LITTLE)
DEFINE_ST(address_space_stw_be, uint32_t, 2, ENDIAN_BIG)
DEFINE_ST(address_space_stw, uint32_t, 2, ENDIAN_TARGET)
DEFINE_ST(address_space_stl_le, uint32_t, 4, ENDIAN_LITTLE)
DEFINE_ST(address_space_stl_be, uint32_t, 4, ENDIAN_BIG)
DEFINE_ST(address_space_stl, uint32_t, 4, ENDIAN_TARGET)
DEFINE_ST(address_space_stq_le, uint64_t, 8, ENDIAN_LITTLE)
DEFINE_ST(address_space_stq_be, uint64_t, 8, ENDIAN_BIG)
DEFINE_ST(address_space_stq, uint64_t, 8, ENDIAN_TARGET)

void address_space_stl_notdirty(AddressSpace *as, hwaddr addr, uint32_t val,
                                MemTxAttrs attrs, MemTxResult *result)
{
    mc_rcu_lock();
    st_slow(as_view(as), addr, val, attrs, result, 4, ENDIAN_TARGET, true);
    mc_rcu_unlock();
}
