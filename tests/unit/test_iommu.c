/*
 * tests/unit/test_iommu.c — IOMMU regions (memcore/SEMANTICS.md, IOMMUs
 * and Translate): conformance cases 32–35, notifiers called newest first,
 * a permission fault reporting the translated address and the clamped
 * length, memory_region_notify_iommu, and a DMA write through an
 * IOMMU that lands in the translated RAM and marks its page dirty.
 *
 * The case 32 fixture: AS `dma` rooted at the IOMMU `I` (2^32 bytes) which maps
 * addr to 0x40000000 + (addr & ~0xfff) in AS `mem` (the fixture's `as`)
 * with page mask 0xfff; RAM `R2` (1 MiB) sits at 0x40000000 in `mem`.
 * I grants RW below 0x80000, RO in [0x80000, 0x100000), NONE above.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

/* ---- the case 32 fixture ------------------------------------------------- */

static MemoryRegion iommu_i, ram_r2;
static AddressSpace as_dma;
static unsigned i_calls; /* translate callbacks of I */

static IOMMUTLBEntry i_translate(MemoryRegion *iommu, hwaddr addr,
                                 bool is_write)
{
    IOMMUTLBEntry e = {
        .target_as = fx_as,
        .iova = addr & ~(hwaddr)0xfff,
        .translated_addr = 0x40000000 + (addr & ~(hwaddr)0xfff),
        .addr_mask = 0xfff,
        .perm = IOMMU_NONE,
    };

    (void)iommu;
    (void)is_write;
    i_calls++;
    if (addr < 0x80000) {
        e.perm = IOMMU_RW;
    } else if (addr < 0x100000) {
        e.perm = IOMMU_RO;
    }
    return e;
}

static const MemoryRegionIOMMUOps i_ops = { .translate = i_translate };

/* R2 holds byte (o ^ (o >> 8) ^ (o >> 16)) at offset o: no two nearby
 * pages look alike, so a wrong page shows. */
static uint8_t r2_byte(hwaddr o)
{
    return (uint8_t)(o ^ (o >> 8) ^ (o >> 16));
}

static void setup_case32(void)
{
    uint8_t *p;

    fx_ram(&ram_r2, "R2", 0x100000);
    memory_region_add_subregion(fx_root, 0x40000000, &ram_r2);
    p = memory_region_get_ram_ptr(&ram_r2);
    ck_assert_ptr_nonnull(p);
    for (hwaddr o = 0; o < 0x100000; o++) {
        p[o] = r2_byte(o);
    }
    memory_region_init_iommu(&iommu_i, NULL, &i_ops, "I", 0x100000000ULL);
    address_space_init(&as_dma, &iommu_i, "dma");
    i_calls = 0;
}

static void teardown_case32(void)
{
    address_space_destroy(&as_dma);
    memcore_rcu_barrier();
}

/* One translation, inside a read section. */
typedef struct Xlat {
    MemoryRegion *mr;
    hwaddr xlat;
    hwaddr len;
} Xlat;

static Xlat translate(AddressSpace *as, hwaddr addr, hwaddr len,
                      bool is_write)
{
    Xlat t = { .len = len };

    memcore_rcu_read_lock();
    t.mr = address_space_translate(as, addr, &t.xlat, &t.len, is_write);
    memcore_rcu_read_unlock();
    return t;
}

#define assert_xlat(t, want_mr, want_xlat, want_len)        \
    do {                                                    \
        Xlat t_ = (t);                                      \
        ck_assert_ptr_eq(t_.mr, (want_mr));                 \
        ck_assert_uint_eq(t_.xlat, (want_xlat));            \
        ck_assert_uint_eq(t_.len, (want_len));              \
    } while (0)

/* The built-in unassigned region: what a hole of `mem` translates to. */
static MemoryRegion *unassigned_mr(void)
{
    Xlat t = translate(fx_as, 0x7000000000ULL, 1, false);

    ck_assert_ptr_nonnull(t.mr);
    ck_assert(!memory_region_is_ram(t.mr));
    return t.mr;
}

/* ---- 32: translation and permissions ------------------------------------- */

START_TEST(t32_iommu_translate)
{
    uint8_t buf[4], want[4];
    static const uint8_t zeros[4];
    static const uint8_t data[4] = { 0xde, 0xad, 0xbe, 0xef };

    setup_case32();
    /* The IOMMU is a terminating region: dma's view is I itself. */
    fx_assert_fv(&as_dma, "[0-ffffffff] I@0");

    i_calls = 0;
    assert_xlat(translate(&as_dma, 0x1234, 0x2000, false), &ram_r2, 0x1234,
                0xdcc);
    ck_assert_uint_eq(i_calls, 1);

    /* RO page: writing fails and leaves R2 alone; reading works. */
    ck_assert_uint_eq(address_space_write(&as_dma, 0x80010, attrs, data, 4),
                      MEMTX_DECODE_ERROR);
    for (int i = 0; i < 4; i++) {
        want[i] = r2_byte(0x80010 + i);
    }
    ck_assert_mem_eq((uint8_t *)memory_region_get_ram_ptr(&ram_r2) + 0x80010,
                     want, 4);
    memset(buf, 0xee, sizeof(buf));
    ck_assert_uint_eq(address_space_read(&as_dma, 0x80010, attrs, buf, 4),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, want, 4);

    /* NONE: reads fail with zeros. */
    memset(buf, 0xee, sizeof(buf));
    ck_assert_uint_eq(address_space_read(&as_dma, 0x100000, attrs, buf, 4),
                      MEMTX_DECODE_ERROR);
    ck_assert_mem_eq(buf, zeros, 4);

    /* RW page: a write lands in R2 at the same offset. */
    ck_assert_uint_eq(address_space_write(&as_dma, 0x7fffc, attrs, data, 4),
                      MEMTX_OK);
    ck_assert_mem_eq((uint8_t *)memory_region_get_ram_ptr(&ram_r2) + 0x7fffc,
                     data, 4);
    teardown_case32();
}
END_TEST

/* A permission fault returns the unassigned region, but xlat is the
 * translated address and len is clamped to the IOMMU page. */
START_TEST(t32_permission_fault_reports_translation)
{
    MemoryRegion *un;

    setup_case32();
    un = unassigned_mr();
    /* RO page written: fault. */
    assert_xlat(translate(&as_dma, 0x80010, 0x2000, true), un, 0x40080010,
                0xff0);
    /* NONE page read: fault as well. */
    assert_xlat(translate(&as_dma, 0x100ff0, 0x100, false), un, 0x40100ff0,
                0x10);
    /* The same RO page read is fine. */
    assert_xlat(translate(&as_dma, 0x80010, 0x2000, false), &ram_r2,
                0x80010, 0xff0);
    teardown_case32();
}
END_TEST

/* ---- 33: an access crossing an IOMMU page --------------------------------- */

START_TEST(t33_read_crosses_iommu_page)
{
    uint8_t buf[16], want[16];

    setup_case32();
    for (int i = 0; i < 16; i++) {
        want[i] = r2_byte(0xff8 + i);
    }
    memset(buf, 0xee, sizeof(buf));
    i_calls = 0;
    ck_assert_uint_eq(address_space_read(&as_dma, 0xff8, attrs, buf, 16),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, want, 16);
    /* One translation per IOMMU page touched. */
    ck_assert_uint_eq(i_calls, 2);
    teardown_case32();
}
END_TEST

/* ---- 34: nested IOMMUs ------------------------------------------------------ */

/*
 * dma1 is rooted at I1 (2^32, 64 KiB pages) mapping addr to
 * 0x100000 + (addr & ~0xffff) in AS `mid`.  mid's root holds I2 (1 MiB)
 * at 0x100000, with 4 KiB pages mapping addr to 0x40000000 + (addr &
 * ~0xfff) in `mem`, RW below 0x80000 and RO above.  mem holds RAM R at
 * 0x40000000.  So dma1 address a reaches R at offset a, through two
 * IOMMUs whose pages differ in size.
 */
static MemoryRegion iommu_1, iommu_2, mid_root, ram_n;
static AddressSpace as_dma1, as_mid;

static IOMMUTLBEntry i1_translate(MemoryRegion *iommu, hwaddr addr,
                                  bool is_write)
{
    (void)iommu;
    (void)is_write;
    return (IOMMUTLBEntry) {
        .target_as = &as_mid,
        .iova = addr & ~(hwaddr)0xffff,
        .translated_addr = 0x100000 + (addr & ~(hwaddr)0xffff),
        .addr_mask = 0xffff,
        .perm = IOMMU_RW,
    };
}

static IOMMUTLBEntry i2_translate(MemoryRegion *iommu, hwaddr addr,
                                  bool is_write)
{
    (void)iommu;
    (void)is_write;
    return (IOMMUTLBEntry) {
        .target_as = fx_as,
        .iova = addr & ~(hwaddr)0xfff,
        .translated_addr = 0x40000000 + (addr & ~(hwaddr)0xfff),
        .addr_mask = 0xfff,
        .perm = addr < 0x80000 ? IOMMU_RW : IOMMU_RO,
    };
}

static const MemoryRegionIOMMUOps i1_ops = { .translate = i1_translate };
static const MemoryRegionIOMMUOps i2_ops = { .translate = i2_translate };

START_TEST(t34_nested_iommus_compose)
{
    static const uint8_t data[4] = { 1, 2, 3, 4 };
    uint8_t buf[4];

    fx_ram(&ram_n, "R", 0x100000);
    memory_region_add_subregion(fx_root, 0x40000000, &ram_n);
    memory_region_init(&mid_root, NULL, "mid-root", UINT64_MAX);
    memory_region_init_iommu(&iommu_2, NULL, &i2_ops, "I2", 0x100000);
    memory_region_add_subregion(&mid_root, 0x100000, &iommu_2);
    address_space_init(&as_mid, &mid_root, "mid");
    memory_region_init_iommu(&iommu_1, NULL, &i1_ops, "I1", 0x100000000ULL);
    address_space_init(&as_dma1, &iommu_1, "dma1");

    /* I1 leaves 0xdcbb bytes of its 64 KiB page, I2 only 0xcbb of its
     * 4 KiB page: the smaller page wins. */
    assert_xlat(translate(&as_dma1, 0x12345, 0x10000, false), &ram_n,
                0x12345, 0xcbb);
    /* At the end of an I1 page both pages end together. */
    assert_xlat(translate(&as_dma1, 0x1fff8, 0x10000, false), &ram_n,
                0x1fff8, 0x8);
    /* A short request is not lengthened. */
    assert_xlat(translate(&as_dma1, 0x12345, 4, true), &ram_n, 0x12345, 4);
    /* The inner IOMMU's permissions apply: RO at 0x80000 in I2. */
    assert_xlat(translate(&as_dma1, 0x80010, 0x10, true), unassigned_mr(),
                0x40080010, 0x10);

    ck_assert_uint_eq(address_space_write(&as_dma1, 0x23456, attrs, data, 4),
                      MEMTX_OK);
    ck_assert_mem_eq((uint8_t *)memory_region_get_ram_ptr(&ram_n) + 0x23456,
                     data, 4);
    memset(buf, 0, sizeof(buf));
    ck_assert_uint_eq(address_space_read(&as_dma1, 0x23456, attrs, buf, 4),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, data, 4);
    ck_assert_uint_eq(address_space_write(&as_dma1, 0x80010, attrs, data, 4),
                      MEMTX_DECODE_ERROR);

    address_space_destroy(&as_dma1);
    address_space_destroy(&as_mid);
    memcore_rcu_barrier();
}
END_TEST

/* ---- notifiers: 35, newest first, notify --------------------------------- */

/* A recording notifier: each call appends "NAME iova=... xa=... mask=...
 * perm=..." to the shared log. */
typedef struct RecNotifier {
    Notifier n;
    const char *name;
} RecNotifier;

static FxLog nlog;
static AddressSpace *expect_target;

static void rec_notify(Notifier *n, void *data)
{
    RecNotifier *r = (RecNotifier *)((char *)n - offsetof(RecNotifier, n));
    IOMMUTLBEntry *e = data;

    ck_assert_ptr_nonnull(e);
    fx_log_add(&nlog, "%s iova=0x%" PRIx64 " xa=0x%" PRIx64 " mask=0x%"
               PRIx64 " perm=%d%s", r->name, (uint64_t)e->iova,
               (uint64_t)e->translated_addr, (uint64_t)e->addr_mask,
               (int)e->perm, e->target_as == expect_target ? "" : " as=?");
}

static void rec_init(RecNotifier *r, const char *name)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->n.notify = rec_notify;
}

/* I' of case 35: 0x4000 bytes, 4 KiB pages, page 1 has perm NONE. */
static MemoryRegion iommu_p;
static IOMMUTLBEntry p_translate(MemoryRegion *iommu, hwaddr addr,
                                 bool is_write)
{
    (void)iommu;
    return (IOMMUTLBEntry) {
        .target_as = fx_as,
        .iova = addr & ~(hwaddr)0xfff,
        .translated_addr = 0x80000000 + (addr & ~(hwaddr)0xfff),
        .addr_mask = 0xfff,
        .perm = (addr >> 12) == 1 ? IOMMU_NONE
                                  : (is_write ? IOMMU_WO : IOMMU_RO),
    };
}

static const MemoryRegionIOMMUOps p_ops = { .translate = p_translate };

START_TEST(t35_iommu_replay)
{
    RecNotifier n, other;

    memory_region_init_iommu(&iommu_p, NULL, &p_ops, "Ip", 0x4000);
    expect_target = fx_as;
    rec_init(&n, "n");
    rec_init(&other, "other");
    /* Replay reaches only the notifier it is given, registered or not. */
    memory_region_register_iommu_notifier(&iommu_p, &other.n);
    memory_region_iommu_replay(&iommu_p, &n.n, 0x1000, false);
    fx_assert_log(&nlog,
                  "n iova=0x0 xa=0x80000000 mask=0xfff perm=1",
                  "n iova=0x2000 xa=0x80002000 mask=0xfff perm=1",
                  "n iova=0x3000 xa=0x80003000 mask=0xfff perm=1");
    /* is_write reaches the translate callback. */
    fx_log_reset(&nlog);
    memory_region_iommu_replay(&iommu_p, &n.n, 0x2000, true);
    fx_assert_log(&nlog, "n iova=0x0 xa=0x80000000 mask=0xfff perm=2",
                  "n iova=0x2000 xa=0x80002000 mask=0xfff perm=2");
    memory_region_unregister_iommu_notifier(&other.n);
    fx_log_free(&nlog);
}
END_TEST

/* Newest notifier first, and notify_iommu: every registered notifier gets
 * the entry itself, most recently registered first; unregistered ones no
 * longer do. */
START_TEST(t35_notify_newest_first)
{
    RecNotifier n1, n2, n3;
    IOMMUTLBEntry e = {
        .target_as = fx_as,
        .iova = 0x5000,
        .translated_addr = 0x12345000,
        .addr_mask = 0xfff,
        .perm = IOMMU_WO,
    };

    memory_region_init_iommu(&iommu_p, NULL, &p_ops, "Ip", 0x4000);
    expect_target = fx_as;
    rec_init(&n1, "n1");
    rec_init(&n2, "n2");
    rec_init(&n3, "n3");

    /* No notifier yet: nothing happens. */
    memory_region_notify_iommu(&iommu_p, e);
    fx_assert_log_empty(&nlog);

    memory_region_register_iommu_notifier(&iommu_p, &n1.n);
    memory_region_register_iommu_notifier(&iommu_p, &n2.n);
    memory_region_register_iommu_notifier(&iommu_p, &n3.n);
    memory_region_notify_iommu(&iommu_p, e);
    fx_assert_log(&nlog,
                  "n3 iova=0x5000 xa=0x12345000 mask=0xfff perm=2",
                  "n2 iova=0x5000 xa=0x12345000 mask=0xfff perm=2",
                  "n1 iova=0x5000 xa=0x12345000 mask=0xfff perm=2");

    fx_log_reset(&nlog);
    memory_region_unregister_iommu_notifier(&n2.n);
    e.perm = IOMMU_NONE; /* an unmap notification */
    memory_region_notify_iommu(&iommu_p, e);
    fx_assert_log(&nlog,
                  "n3 iova=0x5000 xa=0x12345000 mask=0xfff perm=0",
                  "n1 iova=0x5000 xa=0x12345000 mask=0xfff perm=0");

    /* Re-registering puts n2 at the front again. */
    fx_log_reset(&nlog);
    memory_region_register_iommu_notifier(&iommu_p, &n2.n);
    memory_region_notify_iommu(&iommu_p, e);
    fx_assert_log(&nlog,
                  "n2 iova=0x5000 xa=0x12345000 mask=0xfff perm=0",
                  "n3 iova=0x5000 xa=0x12345000 mask=0xfff perm=0",
                  "n1 iova=0x5000 xa=0x12345000 mask=0xfff perm=0");
    memory_region_unregister_iommu_notifier(&n1.n);
    memory_region_unregister_iommu_notifier(&n2.n);
    memory_region_unregister_iommu_notifier(&n3.n);
    fx_log_free(&nlog);
}
END_TEST

/* ---- DMA through an IOMMU marks the RAM dirty ------------------------------- */

START_TEST(t32_dma_write_lands_and_dirties)
{
    static const uint8_t data[8] = { 0x11, 0x22, 0x33, 0x44,
                                     0x55, 0x66, 0x77, 0x88 };
    uint8_t *p;

    setup_case32();
    memory_region_set_log(&ram_r2, true, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&ram_r2, 0, 0x100000, DIRTY_MEMORY_VGA);
    ck_assert(!memory_region_get_dirty(&ram_r2, 0, 0x100000,
                                       DIRTY_MEMORY_VGA));

    /* DMA address 0x2ffc is R2 offset 0x2ffc: the write straddles R2's
     * pages 2 and 3 and goes through two IOMMU translations. */
    ck_assert_uint_eq(address_space_write(&as_dma, 0x2ffc, attrs, data, 8),
                      MEMTX_OK);
    p = memory_region_get_ram_ptr(&ram_r2);
    ck_assert_mem_eq(p + 0x2ffc, data, 8);
    /* Only the two pages written are dirty. */
    ck_assert(memory_region_get_dirty(&ram_r2, 0x2000, 0x1000,
                                      DIRTY_MEMORY_VGA));
    ck_assert(memory_region_get_dirty(&ram_r2, 0x3000, 0x1000,
                                      DIRTY_MEMORY_VGA));
    ck_assert(!memory_region_get_dirty(&ram_r2, 0, 0x2000,
                                       DIRTY_MEMORY_VGA));
    ck_assert(!memory_region_get_dirty(&ram_r2, 0x4000, 0xfc000,
                                       DIRTY_MEMORY_VGA));
    /* The bytes around the write are untouched. */
    ck_assert_uint_eq(p[0x2ffb], r2_byte(0x2ffb));
    ck_assert_uint_eq(p[0x3004], r2_byte(0x3004));

    /* An stl through the IOMMU dirties its page as well. */
    address_space_stl_le(&as_dma, 0x5010, 0xcafef00d, attrs, NULL);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x40005010, attrs, NULL),
                      0xcafef00d);
    ck_assert(memory_region_get_dirty(&ram_r2, 0x5000, 0x1000,
                                      DIRTY_MEMORY_VGA));
    teardown_case32();
}
END_TEST

/* ---- DMA to MMIO, map and access_valid through an IOMMU ---------------------- */

/* The target of a translation may be MMIO: accesses reach the device at
 * the translated offset, split at the IOMMU page. */
START_TEST(t32_dma_to_mmio)
{
    static FxPatternDev dev;
    uint8_t buf[8];
    static const uint8_t want[8] = { 0xfc, 0xfd, 0xfe, 0xff,
                                     0x00, 0x01, 0x02, 0x03 };

    setup_case32();
    /* The device takes R2's place: dma address a reaches its offset a. */
    memory_region_del_subregion(fx_root, &ram_r2);
    memory_region_add_subregion(fx_root, 0x40000000,
                                fx_io(&dev, "dev", 0x2000));

    memset(buf, 0xee, sizeof(buf));
    ck_assert_uint_eq(address_space_read(&as_dma, 0xffc, attrs, buf, 8),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, want, 8);
    fx_assert_calls(&dev, "(0xffc,4),(0x1000,4)");

    fx_pattern_reset(&dev);
    address_space_stl_le(&as_dma, 0x1010, 0x12345678, attrs, NULL);
    fx_assert_calls(&dev, "(0x1010,0x12345678,4)");
    teardown_case32();
}
END_TEST

/* address_space_map through an IOMMU: RAM maps directly across IOMMU pages
 * that stay contiguous; a fault goes through the bounce buffer, which
 * reads zeros. */
START_TEST(t32_map_through_iommu)
{
    uint8_t *p;
    hwaddr plen;

    setup_case32();
    plen = 0x2000;
    p = address_space_map(&as_dma, 0x1f00, &plen, true);
    ck_assert_ptr_eq(p, (uint8_t *)memory_region_get_ram_ptr(&ram_r2) +
                     0x1f00);
    ck_assert_uint_eq(plen, 0x2000);
    address_space_unmap(&as_dma, p, plen, true, plen);

    /* RO page mapped for writing: not direct. */
    plen = 0x10;
    p = address_space_map(&as_dma, 0x80000, &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x10);
    memset(p, 0x77, 0x10);
    address_space_unmap(&as_dma, p, plen, true, 0x10);
    ck_assert_uint_eq(((uint8_t *)memory_region_get_ram_ptr(&ram_r2))[0x80000],
                      r2_byte(0x80000));

    /* NONE: the bounce buffer holds what a read gives, zeros. */
    plen = 0x10;
    p = address_space_map(&as_dma, 0x100000, &plen, false);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x10);
    for (int i = 0; i < 0x10; i++) {
        ck_assert_uint_eq(p[i], 0);
    }
    address_space_unmap(&as_dma, p, plen, false, 0x10);
    teardown_case32();
}
END_TEST

/* An IOMMU that swaps neighbouring pages: a mapping stops where the
 * translated pages stop being contiguous. */
static MemoryRegion iommu_swap;
static AddressSpace as_swap;

static IOMMUTLBEntry swap_translate(MemoryRegion *iommu, hwaddr addr,
                                    bool is_write)
{
    (void)iommu;
    (void)is_write;
    return (IOMMUTLBEntry) {
        .target_as = fx_as,
        .iova = addr & ~(hwaddr)0xfff,
        .translated_addr = 0x40000000 + ((addr & ~(hwaddr)0xfff) ^ 0x1000),
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
}

static const MemoryRegionIOMMUOps swap_ops = { .translate = swap_translate };

START_TEST(t32_map_stops_at_discontiguous_page)
{
    uint8_t *p, buf[8], want[8];
    hwaddr plen = 0x2000;

    setup_case32();
    memory_region_init_iommu(&iommu_swap, NULL, &swap_ops, "swap",
                             0x100000);
    address_space_init(&as_swap, &iommu_swap, "swap");
    p = address_space_map(&as_swap, 0x800, &plen, false);
    ck_assert_ptr_eq(p, (uint8_t *)memory_region_get_ram_ptr(&ram_r2) +
                     0x1800);
    ck_assert_uint_eq(plen, 0x800);
    address_space_unmap(&as_swap, p, plen, false, plen);

    /* A read across the page boundary gathers both pages. */
    for (int i = 0; i < 4; i++) {
        want[i] = r2_byte(0x1ffc + i);
        want[4 + i] = r2_byte(i);
    }
    ck_assert_uint_eq(address_space_read(&as_swap, 0xffc, attrs, buf, 8),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, want, 8);
    address_space_destroy(&as_swap);
    teardown_case32();
}
END_TEST

START_TEST(t32_access_valid_through_iommu)
{
    setup_case32();
    ck_assert(address_space_access_valid(&as_dma, 0x1000, 0x100, true));
    ck_assert(address_space_access_valid(&as_dma, 0x80010, 4, false));
    ck_assert(!address_space_access_valid(&as_dma, 0x80010, 4, true));
    ck_assert(!address_space_access_valid(&as_dma, 0x100000, 4, false));
    /* A range that runs from RW into RO pages is refused for writing. */
    ck_assert(!address_space_access_valid(&as_dma, 0x7fff0, 0x20, true));
    ck_assert(address_space_access_valid(&as_dma, 0x7fff0, 0x20, false));
    teardown_case32();
}
END_TEST

/* Replay stops before the address would wrap past 2^64. */
START_TEST(t35_replay_stops_before_wrap)
{
    static MemoryRegion whole;
    RecNotifier n;

    memory_region_init_iommu(&whole, NULL, &p_ops, "whole", UINT64_MAX);
    expect_target = fx_as;
    rec_init(&n, "n");
    memory_region_iommu_replay(&whole, &n.n, 0x8000000000000000ULL, false);
    fx_assert_log(&nlog, "n iova=0x0 xa=0x80000000 mask=0xfff perm=1",
                  "n iova=0x8000000000000000 xa=0x8000000080000000 "
                  "mask=0xfff perm=1");
    fx_log_free(&nlog);
}
END_TEST

/* An IOMMU whose table points back into its own address space: accesses
 * must fail (DECODE_ERROR) instead of translating forever. */
static MemoryRegion loop_root, iommu_loop;
static AddressSpace as_loop;
static unsigned loop_calls;

static IOMMUTLBEntry loop_translate(MemoryRegion *iommu, hwaddr addr,
                                   bool is_write)
{
    (void)iommu, (void)is_write;
    loop_calls++;
    IOMMUTLBEntry e = {
        .target_as = &as_loop,
        .iova = addr & ~0xfffULL,
        .translated_addr = (addr & ~0xfffULL) ^ 0x1000,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
    return e;
}

static const MemoryRegionIOMMUOps loop_ops = { .translate = loop_translate };

START_TEST(translation_loop_is_refused)
{
    memory_region_init(&loop_root, NULL, "loop-root", UINT64_MAX);
    memory_region_init_iommu(&iommu_loop, NULL, &loop_ops, "loop", 0x100000);
    memory_region_add_subregion(&loop_root, 0, &iommu_loop);
    address_space_init(&as_loop, &loop_root, "loop");
    uint8_t buf[4] = { 1, 2, 3, 4 };
    MemTxResult r = address_space_read(&as_loop, 0x10, attrs, buf, 4);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[0] | buf[1] | buf[2] | buf[3], 0);
    ck_assert_uint_eq(address_space_ldl_le(&as_loop, 0x10, attrs, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    /* A bounded number of steps, not one per byte of patience. */
    ck_assert_uint_le(loop_calls, 2 * 17 + 2);
    address_space_destroy(&as_loop);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("iommu");
    TCase *tc = tcase_create("iommu");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t32_iommu_translate);
    tcase_add_test(tc, t32_permission_fault_reports_translation);
    tcase_add_test(tc, t33_read_crosses_iommu_page);
    tcase_add_test(tc, t34_nested_iommus_compose);
    tcase_add_test(tc, t35_iommu_replay);
    tcase_add_test(tc, t35_notify_newest_first);
    tcase_add_test(tc, t32_dma_write_lands_and_dirties);
    tcase_add_test(tc, t32_dma_to_mmio);
    tcase_add_test(tc, t32_map_through_iommu);
    tcase_add_test(tc, t32_map_stops_at_discontiguous_page);
    tcase_add_test(tc, t32_access_valid_through_iommu);
    tcase_add_test(tc, t35_replay_stops_before_wrap);
    tcase_add_test(tc, translation_loop_is_refused);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
