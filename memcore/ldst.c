/*
 * ldst.c — address_space_ld* / st*: one naturally aligned access of 1, 2,
 * 4 or 8 bytes.
 *
 * The fast path is what a CPU model hits millions of times a second: a
 * read section, a walk down the view's dispatch index, a bounds check and
 * a host load — no stores but the read section's own, nothing shared
 * written.  Anything else (MMIO, IOMMUs, a piece shorter than the access,
 * an access that would cross 2^64) leaves that section and takes the
 * general path in a section of its own.
 */
#include "guest_ram.h"
#include "internal.h"

enum endian { ENDIAN_TARGET, ENDIAN_LITTLE, ENDIAN_BIG };

static inline bool want_big(enum endian e)
{
    return e == ENDIAN_BIG || (e == ENDIAN_TARGET && MC_LOAD(mc_target_big_endian));
}

/* Guest RAM is accessed atomically (guest_ram.h). */
static inline uint64_t host_load(const uint8_t *p, unsigned n, bool big)
{
    uint64_t v = guest_ram_load(p, n);

    switch (n) {
    case 1: return v;
    case 2: return big ? __builtin_bswap16((uint16_t)v) : v;
    case 4: return big ? __builtin_bswap32((uint32_t)v) : v;
    default: return big ? __builtin_bswap64(v) : v;
    }
}

static inline void host_store(uint8_t *p, unsigned n, bool big, uint64_t v)
{
    switch (n) {
    case 1: break;
    case 2: v = big ? __builtin_bswap16((uint16_t)v) : (uint16_t)v; break;
    case 4: v = big ? __builtin_bswap32((uint32_t)v) : (uint32_t)v; break;
    default: v = big ? __builtin_bswap64(v) : v; break;
    }
    guest_ram_store(p, n, v);
}

/*
 * The fast path: the range holding @addr is directly accessible for this
 * kind of access and lies wholly in its RAM block, and the access stays
 * inside one page of it (a dispatch piece ends only at a page boundary or
 * at the range's end).  NULL when the general path must decide.
 */
static inline __attribute__((always_inline)) const FlatRange *
fast_range(const FlatView *view, hwaddr addr, unsigned n, uint8_t want)
{
    const FlatRange *fr = flatview_lookup(view, addr);
    const uint8_t fast = want | FR_FAST;
    if (likely(fr && (fr->direct & fast) == fast &&
               (addr & (TARGET_PAGE_SIZE - 1)) <= TARGET_PAGE_SIZE - n &&
               addr - fr->start + (n - 1) <= fr->last - fr->start)) {
        return fr;
    }
    return NULL;
}

static inline void set_result(MemTxResult *result, MemTxResult r)
{
    if (result) {
        *result = r;
    }
}

/*
 * The general path, inside the caller's read section.  An access whose
 * translation is shorter than N goes to the first region as one N-byte
 * MMIO access, so RAM answers MEMTX_DECODE_ERROR and 0 (a kept QEMU quirk,
 * SEMANTICS.md "ld/st").  Out of line, so that the fast
 * path keeps few registers.
 */
static __attribute__((noinline)) uint64_t
ld_slow(AddressSpace *as, const FlatView *view, hwaddr addr,
        MemTxAttrs attrs, MemTxResult *result, unsigned n, enum endian e)
{
    if (unlikely(crosses_2_64(addr, n))) {
        set_result(result, MEMTX_DECODE_ERROR);
        return 0;
    }
    uint64_t v;
    MemTxResult r = MEMTX_OK;
    hwaddr l = n;
    Translation t;
    MemoryRegion *mr = translate_internal(view, addr, &l, false, &t);
    if (!mr->ram && t.piece && l > t.piece) {
        l = t.piece;
    }
    if (l < n || !(t.direct & FR_DIRECT_READ)) {
        bool taken = mmio_lock_prepare(mr);
        coalesced_flush_before(mr, t.xlat, false);
        r = memory_region_dispatch_read(mr, t.xlat, &v, n, attrs);
        mmio_lock_finish(taken);
        if (e != ENDIAN_TARGET &&
            want_big(e) != MC_LOAD(mc_target_big_endian)) {
            v = mc_bswap(v, n);
        }
    } else {
        v = host_load(region_host(mr, t.xlat), n, want_big(e));
    }
    if (unlikely(t.direct & FR_WATCHED)) {
        watch_after(mr, t.xlat, n, false, as, addr, attrs);
    }
    set_result(result, r);
    return v;
}

static inline __attribute__((always_inline)) uint64_t
ld_common(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
          MemTxResult *result, unsigned n, enum endian e)
{
    uint64_t v;
    mc_rcu_lock();
    const FlatView *view = as_view(as);
    const FlatRange *fr = fast_range(view, addr, n, FR_DIRECT_READ);
    if (likely(fr)) {
        v = host_load(fr->host + (addr - fr->start), n, want_big(e));
        set_result(result, MEMTX_OK);
    } else {
        v = ld_slow(as, view, addr, attrs, result, n, e);
    }
    /* Only @v is live across the unlock (which may wake a writer). */
    mc_rcu_unlock();
    return v;
}

static __attribute__((noinline)) void
st_slow(AddressSpace *as, const FlatView *view, hwaddr addr, uint64_t v,
        MemTxAttrs attrs,
        MemTxResult *result, unsigned n, enum endian e, bool notdirty)
{
    if (unlikely(crosses_2_64(addr, n))) {
        set_result(result, MEMTX_DECODE_ERROR);
        return;
    }
    MemTxResult r = MEMTX_OK;
    hwaddr l = n;
    Translation t;
    MemoryRegion *mr = translate_internal(view, addr, &l, true, &t);
    if (l < n || !(t.direct & FR_DIRECT_WRITE)) {
        if (e != ENDIAN_TARGET &&
            want_big(e) != MC_LOAD(mc_target_big_endian)) {
            v = mc_bswap(v, n);
        }
        bool taken = mmio_lock_prepare(mr);
        coalesced_flush_before(mr, t.xlat, true);
        r = memory_region_dispatch_write(mr, t.xlat, v, n, attrs);
        mmio_lock_finish(taken);
    } else {
        host_store(region_host(mr, t.xlat), n, want_big(e), v);
        if (notdirty) {
            invalidate_and_set_dirty_notcode(mr, t.xlat, n);
        } else {
            invalidate_and_set_dirty(mr, t.xlat, n);
        }
    }
    if (unlikely(t.direct & FR_WATCHED)) {
        watch_after(mr, t.xlat, n, true, as, addr, attrs);
    }
    set_result(result, r);
}

static inline __attribute__((always_inline)) void
st_common(AddressSpace *as, hwaddr addr, uint64_t v, MemTxAttrs attrs,
          MemTxResult *result, unsigned n, enum endian e)
{
    mc_rcu_lock();
    const FlatView *view = as_view(as);
    const FlatRange *fr = fast_range(view, addr, n, FR_DIRECT_WRITE);
    if (likely(fr && !fr->dirty_log_mask)) {
        host_store(fr->host + (addr - fr->start), n, want_big(e), v);
        set_result(result, MEMTX_OK);
    } else {
        /* Logged RAM (the dirty bitmaps), MMIO and the rest. */
        st_slow(as, view, addr, v, attrs, result, n, e, false);
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
    st_slow(as, as_view(as), addr, val, attrs, result, 4, ENDIAN_TARGET,
            true);
    mc_rcu_unlock();
}
