/*
 * rw.c — the access path for byte ranges: translate (with IOMMUs),
 * address_space_rw/read/write, the loader's write_rom and
 * address_space_access_valid.
 *
 * Everything here runs inside an RCU read section on whatever thread calls
 * it.  A range is walked piece by piece: RAM pieces are copied directly,
 * anything else is cut into accesses the device accepts and
 * dispatched; the results of all pieces are ORed, without early exit.
 */
#include "guest_ram.h"
#include "internal.h"

/* IOMMUs nest a level or two in real machines; a translation that keeps
 * going is a loop (an IOMMU mapping back into itself) and must not hang
 * the accessing thread. */
#define MAX_IOMMU_DEPTH 16

static MemoryRegion *unassigned(hwaddr addr, Translation *t)
{
    t->xlat = addr;
    t->piece = 0;
    t->direct = 0;
    return &io_mem_unassigned;
}

MemoryRegion *translate_internal(const FlatView *view, hwaddr addr,
                                 hwaddr *plen, bool is_write, Translation *t)
{
    if (*plen && crosses_2_64(addr, *plen)) {
        *plen = 0 - addr; /* the bytes up to 2^64; addr != 0 here */
    }
    for (unsigned depth = 0;; depth++) {
        if (unlikely(depth > MAX_IOMMU_DEPTH)) {
            return unassigned(addr, t);
        }
        const FlatRange *fr = flatview_lookup(view, addr);
        if (!fr) {
            return unassigned(addr, t);
        }
        MemoryRegion *mr = fr->mr;
        hwaddr x = fr->offset_in_region + (addr - fr->start);
        /* Bytes to the end of the dispatch piece; 0 stands for 2^64. */
        hwaddr pl = flatrange_piece_last(fr, addr) - addr + 1;
        RAMBlock *block = mr->ram_block;
        if (block) {
            /* A region grown past its block (set_size) must not reach
             * beyond the memory that backs it. */
            ram_addr_t used = MC_LOAD(block->used_length);
            if (x >= used) {
                return unassigned(addr, t);
            }
            hwaddr avail = used - x;
            if (pl == 0 || pl > avail) {
                pl = avail;
            }
        }
        if (mr->ram && pl && *plen > pl) {
            *plen = pl;
        }
        if (likely(!mr->iommu_ops)) {
            t->xlat = x;
            t->piece = pl;
            t->direct = fr->direct;
            return mr;
        }
        IOMMUTLBEntry e = mr->iommu_ops->translate(mr, x, is_write);
        addr = (e.translated_addr & ~e.addr_mask) | (x & e.addr_mask);
        hwaddr in_page = (addr | e.addr_mask) - addr + 1;
        if (in_page && *plen > in_page) {
            *plen = in_page;
        }
        if (!(e.perm & (1 << is_write)) || !e.target_as) {
            /* A permission fault reports the translated address and the
             * clamped length. */
            return unassigned(addr, t);
        }
        view = as_view(e.target_as);
    }
}

MemoryRegion *address_space_translate(AddressSpace *as, hwaddr addr,
                                      hwaddr *xlat, hwaddr *len,
                                      bool is_write)
{
    Translation t;
    mc_rcu_lock();
    MemoryRegion *mr = translate_internal(as_view(as), addr, len, is_write,
                                          &t);
    mc_rcu_unlock();
    *xlat = t.xlat;
    return mr;
}

/* Load/store @l bytes (1, 2, 4 or 8) of a buffer in target byte order. */
static uint64_t buf_load_target(const uint8_t *buf, unsigned l)
{
    uint64_t v = 0;
    if (MC_LOAD(mc_target_big_endian)) {
        for (unsigned i = 0; i < l; i++) {
            v = (v << 8) | buf[i];
        }
    } else {
        for (unsigned i = l; i-- > 0;) {
            v = (v << 8) | buf[i];
        }
    }
    return v;
}

static void buf_store_target(uint8_t *buf, unsigned l, uint64_t v)
{
    if (MC_LOAD(mc_target_big_endian)) {
        for (unsigned i = l; i-- > 0;) {
            buf[i] = (uint8_t)v;
            v >>= 8;
        }
    } else {
        for (unsigned i = 0; i < l; i++) {
            buf[i] = (uint8_t)v;
            v >>= 8;
        }
    }
}

/* Clamp a direct access to a ROM device to its piece (a direct access
 * never runs past its dispatch piece; QEMU 2.6 did): translate only
 * clamps RAM. */
static inline hwaddr clamp_direct(MemoryRegion *mr, hwaddr l, hwaddr piece)
{
    if (!mr->ram && piece && l > piece) {
        return piece;
    }
    return l;
}

static MemTxResult mmio_chunk(MemoryRegion *mr, hwaddr xlat, uint8_t *buf,
                              hwaddr *l, bool is_write, MemTxAttrs attrs)
{
    bool taken = mmio_lock_prepare(mr);
    coalesced_flush_before(mr, xlat, is_write);
    unsigned n = memory_access_size(mr, *l > 8 ? 8 : (unsigned)*l, xlat);
    MemTxResult r;
    uint64_t v;
    if (is_write) {
        v = buf_load_target(buf, n);
        r = memory_region_dispatch_write(mr, xlat, v, n, attrs);
    } else {
        r = memory_region_dispatch_read(mr, xlat, &v, n, attrs);
        buf_store_target(buf, n, v);
    }
    mmio_lock_finish(taken);
    *l = n;
    return r;
}

/* Copy 1..8 bytes of guest RAM without a library call: the small
 * accesses of device models and debuggers are the common case.  The RAM
 * side is accessed atomically (guest_ram.h). */
static inline void copy_small_from_ram(uint8_t *dst, const uint8_t *ram,
                                       int len)
{
    if (len == 1 || len == 2 || len == 4 || len == 8) {
        uint64_t v = guest_ram_load(ram, (unsigned)len);
        uint16_t v2 = (uint16_t)v;
        uint32_t v4 = (uint32_t)v;

        switch (len) {
        case 1: *dst = (uint8_t)v; break;
        case 2: memcpy(dst, &v2, 2); break;
        case 4: memcpy(dst, &v4, 4); break;
        default: memcpy(dst, &v, 8); break;
        }
        return;
    }
    guest_ram_read(dst, ram, (size_t)len);
}

static inline void copy_small_to_ram(uint8_t *ram, const uint8_t *src,
                                     int len)
{
    uint16_t v2;
    uint32_t v4;
    uint64_t v8;

    switch (len) {
    case 1: guest_ram_store(ram, 1, *src); return;
    case 2: memcpy(&v2, src, 2); guest_ram_store(ram, 2, v2); return;
    case 4: memcpy(&v4, src, 4); guest_ram_store(ram, 4, v4); return;
    case 8: memcpy(&v8, src, 8); guest_ram_store(ram, 8, v8); return;
    default: guest_ram_write(ram, src, (size_t)len); return;
    }
}

/* The caller's bytes for an access that cannot be made: reads give 0. */
static MemTxResult refuse(uint8_t *buf, int len, bool is_write)
{
    if (!is_write) {
        memset(buf, 0, (size_t)len);
    }
    return MEMTX_DECODE_ERROR;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             uint8_t *buf, int len, bool is_write)
{
    MemTxResult result = MEMTX_OK;
    if (len <= 0) {
        return result;
    }
    if (unlikely(crosses_2_64(addr, (hwaddr)len))) {
        /* Nothing lies past 2^64, and an access never wraps to 0. */
        return refuse(buf, len, is_write);
    }
    const uint8_t want = is_write ? FR_DIRECT_WRITE : FR_DIRECT_READ;
    const uint8_t fast = want | FR_FAST;
    /* Small access inside one page of directly accessible memory: pieces
     * only end at page boundaries or range ends, so one lookup decides. */
    if (len <= 8 && (addr & (TARGET_PAGE_SIZE - 1)) <=
                        TARGET_PAGE_SIZE - (unsigned)len) {
        mc_rcu_lock();
        const FlatRange *fr = flatview_lookup(as_view(as), addr);
        if (likely(fr && (fr->direct & fast) == fast &&
                   addr - fr->start + (unsigned)len - 1 <=
                       fr->last - fr->start)) {
            uint8_t *ptr = fr->host + (addr - fr->start);
            if (is_write) {
                copy_small_to_ram(ptr, buf, len);
                if (unlikely(fr->dirty_log_mask)) {
                    invalidate_and_set_dirty(fr->mr, fr->offset_in_region +
                                             (addr - fr->start), len);
                }
            } else {
                copy_small_from_ram(buf, ptr, len);
            }
            mc_rcu_unlock();
            return MEMTX_OK;
        }
        mc_rcu_unlock();
    }
    hwaddr remain = (hwaddr)len;
    const hwaddr addr0 = addr;
    WatchAccess wa;
    watch_access_init(&wa);
    mc_rcu_lock();
    const FlatView *view = as_view(as);
    while (remain > 0) {
        hwaddr l = remain, xlat;
        MemoryRegion *mr;
        uint8_t *ptr;
        uint8_t watched = 0;
        /* Direct memory, the common case, without the general translation:
         * the range carries its host address and a piece never crosses a
         * page unless the range is page aligned there. */
        const FlatRange *fr = flatview_lookup(view, addr);
        if (fr && (fr->direct & fast) == fast) {
            mr = fr->mr;
            xlat = fr->offset_in_region + (addr - fr->start);
            hwaddr pl = flatrange_piece_last(fr, addr) - addr + 1;
            if (pl && l > pl) {
                l = pl;
            }
            ptr = fr->host + (addr - fr->start);
        } else {
            Translation t;
            mr = translate_internal(view, addr, &l, is_write, &t);
            xlat = t.xlat;
            watched = t.direct & FR_WATCHED;
            if (!(t.direct & want)) {
                result |= mmio_chunk(mr, xlat, buf, &l, is_write, attrs);
                goto next;
            }
            l = clamp_direct(mr, l, t.piece);
            ptr = region_host(mr, xlat);
        }
        if (is_write) {
            guest_ram_write(ptr, buf, l);
            invalidate_and_set_dirty(mr, xlat, l);
        } else {
            guest_ram_read(buf, ptr, l);
        }
    next:
        if (unlikely(watched)) {
            watch_note(&wa, mr, xlat, l, is_write, attrs);
        }
        remain -= l;
        buf += l;
        addr += l;
    }
    if (unlikely(wa.n)) {
        watch_fire(&wa, is_write, as, addr0, (hwaddr)len, attrs);
    }
    mc_rcu_unlock();
    return result;
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const uint8_t *buf, int len)
{
    /* The write path never stores into @buf. */
    return address_space_rw(as, addr, attrs, (uint8_t *)buf, len, true);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, uint8_t *buf, int len)
{
    return address_space_rw(as, addr, attrs, buf, len, false);
}

MemTxResult address_space_read_full(AddressSpace *as, hwaddr addr,
                                    MemTxAttrs attrs, uint8_t *buf, int len)
{
    return address_space_rw(as, addr, attrs, buf, len, false);
}

MemTxResult address_space_read_continue(AddressSpace *as, hwaddr addr,
                                        MemTxAttrs attrs, uint8_t *buf,
                                        int len, hwaddr addr1, hwaddr l,
                                        MemoryRegion *mr)
{
    /* Translating the first piece again gives the same answer inside the
     * caller's read section; one code path keeps the semantics single. */
    (void)addr1, (void)l, (void)mr;
    return address_space_rw(as, addr, attrs, buf, len, false);
}

void cpu_physical_memory_write_rom(AddressSpace *as, hwaddr addr,
                                   const uint8_t *buf, int len)
{
    if (len <= 0 || crosses_2_64(addr, (hwaddr)len)) {
        return;
    }
    hwaddr remain = (hwaddr)len;
    const hwaddr addr0 = addr;
    WatchAccess wa;
    watch_access_init(&wa);
    mc_rcu_lock();
    const FlatView *view = as_view(as);
    while (remain > 0) {
        hwaddr l = remain;
        Translation t;
        MemoryRegion *mr = translate_internal(view, addr, &l, true, &t);
        /* RAM, ROM and ROM devices in ROMD mode: what reads copy from. */
        if (t.direct & FR_DIRECT_READ) {
            l = clamp_direct(mr, l, t.piece);
            guest_ram_write(region_host(mr, t.xlat), buf, l);
            invalidate_and_set_dirty(mr, t.xlat, l);
            if (unlikely(t.direct & FR_WATCHED)) {
                watch_note(&wa, mr, t.xlat, l, true, MEMTXATTRS_UNSPECIFIED);
            }
        } else {
            /* MMIO and ROM devices outside ROMD mode are skipped. */
            l = memory_access_size(mr, l > 8 ? 8 : (unsigned)l, t.xlat);
        }
        remain -= l;
        buf += l;
        addr += l;
    }
    if (unlikely(wa.n)) {
        watch_fire(&wa, true, as, addr0, (hwaddr)len, MEMTXATTRS_UNSPECIFIED);
    }
    mc_rcu_unlock();
}

bool address_space_access_valid(AddressSpace *as, hwaddr addr, int len,
                                bool is_write)
{
    if (len <= 0) {
        return true;
    }
    if (crosses_2_64(addr, (hwaddr)len)) {
        return false;
    }
    const uint8_t want = is_write ? FR_DIRECT_WRITE : FR_DIRECT_READ;
    hwaddr remain = (hwaddr)len;
    bool ok = true;
    mc_rcu_lock();
    const FlatView *view = as_view(as);
    while (remain > 0) {
        hwaddr l = remain;
        Translation t;
        MemoryRegion *mr = translate_internal(view, addr, &l, is_write, &t);
        if (t.direct & want) {
            l = clamp_direct(mr, l, t.piece);
        } else {
            /* Chunks sized by the offset within the region. */
            l = memory_access_size(mr, l > 8 ? 8 : (unsigned)l, t.xlat);
            if (!memory_region_access_valid(mr, t.xlat, (unsigned)l,
                                            is_write)) {
                ok = false;
                break;
            }
        }
        remain -= l;
        addr += l;
    }
    mc_rcu_unlock();
    return ok;
}
