/*
 * tests/unit/test_watch_pieces.c — what a watchpoint covers when its range
 * spans several kinds of memory, which views honour it, and how often one
 * access reports it.
 *
 * Promises checked (memcore.h, Watchpoints; SEMANTICS.md, Watchpoints):
 *
 *   span      a watchpoint is resolved into the memory its range reaches:
 *             a range starting on MMIO and going on into RAM (or a ROM
 *             device) watches those bytes of the RAM too; a range with a
 *             byte that is not mapped is refused, also when the bytes
 *             before it are MMIO, and leaves nothing behind.  Failed
 *             before: translate shortens only RAM, so the MMIO piece
 *             swallowed the rest of the range (the RAM was not watched,
 *             the hole was accepted).
 *   views     every address space that reaches the watched bytes fires
 *             it, at the address where it shows them: one with the same
 *             root, one rooted at an alias of a container, one rooted at
 *             the container itself (a view places its root at the root's
 *             own addr, so the bytes are at container addr + offset there,
 *             and the container-relative address is unassigned), one
 *             rooted at the RAM, one at an alias of it, one created after
 *             the insert, one through an IOMMU, and again after the
 *             container moves; through stores, loads, address_space_rw
 *             and map.
 *             (A regression guard: a review expected the container-rooted
 *             address space to show the RAM at its container-relative
 *             address, which is not where QEMU's rendering puts it.)
 *   once      one access reports each watchpoint once, after the whole
 *             access, with the access's address and length: a watchpoint
 *             reaching the same RAM through two aliases, an access
 *             spanning both aliases, a 16-byte MMIO write made of two
 *             device accesses; two watchpoints on the same bytes report
 *             one each.  Failed before: once per matching entry and
 *             piece.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

static MemoryRegion root;
static AddressSpace as;

#define MAX_HITS 16
static MemcoreWatchHit hits[MAX_HITS];
static uint8_t seen_at_hit[MAX_HITS][0x20]; /* memory when it was called */
static int nhits;

static void record(const MemcoreWatchHit *h)
{
    if (nhits < MAX_HITS) {
        hits[nhits] = *h;
        MemTxAttrs dbg = { .debug = 1 };
        address_space_read(h->as, h->addr, dbg, seen_at_hit[nhits],
                           h->len < 0x20 ? (int)h->len : 0x20);
    }
    nhits++;
}

static void setup(void)
{
    nhits = 0;
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
}

static void teardown(void)
{
    address_space_destroy(&as);
    memcore_rcu_barrier();
}

static uint32_t io_reg[0x1000];

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)size;
    return io_reg[(addr / 4) % 0x1000];
}

static void io_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque, (void)size;
    io_reg[(addr / 4) % 0x1000] = (uint32_t)v;
}

static const MemoryRegionOps io_ops = {
    .read = io_read,
    .write = io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static int insert(AddressSpace *s, hwaddr addr, hwaddr len, unsigned flags,
                  Error **errp)
{
    return memcore_watchpoint_insert(s, addr, len, flags, record, NULL,
                                     errp);
}

/* ---- span --------------------------------------------------------------- */

START_TEST(test_span_mmio_into_ram)
{
    static MemoryRegion io, ram;
    memory_region_init_io(&io, NULL, &io_ops, NULL, "io", 0x100);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &io);
    memory_region_add_subregion(&root, 0x1100, &ram);

    int id = insert(&as, 0x1000, 0x200, MEMCORE_WATCH_WRITE, &error_abort);
    ck_assert(memcore_watchpoint_covered(&io, 0, 0x100));
    ck_assert(memcore_watchpoint_covered(&ram, 0x80, 4));
    ck_assert(memcore_watchpoint_covered(&ram, 0xff, 1));
    ck_assert(!memcore_watchpoint_covered(&ram, 0x100, 0xf00));

    address_space_stl_le(&as, 0x1180, 0x12345678, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_int_eq(hits[0].id, id);
    ck_assert_uint_eq(hits[0].addr, 0x1180);
    address_space_stl_le(&as, 0x1010, 1, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 2);
    address_space_stl_le(&as, 0x1200, 1, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 2); /* past the watchpoint */
    ck_assert(memcore_watchpoint_remove(id));
    ck_assert(!memcore_watchpoint_covered(&ram, 0x80, 4));

    memory_region_del_subregion(&root, &ram);
    memory_region_del_subregion(&root, &io);
    memory_region_destroy(&ram);
    memory_region_destroy(&io);
}
END_TEST

START_TEST(test_span_mmio_into_hole_refused)
{
    static MemoryRegion io, ram;
    memory_region_init_io(&io, NULL, &io_ops, NULL, "io", 0x100);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &io);
    memory_region_add_subregion(&root, 0x1100, &ram);

    /* MMIO, RAM, then nothing from 0x2100 on. */
    Error *err = NULL;
    ck_assert_int_eq(insert(&as, 0x1000, 0x100000, MEMCORE_WATCH_WRITE,
                            &err),
                     -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(error_get_pretty(err), "0x2100"));
    error_free(err);
    /* MMIO straight into a hole. */
    memory_region_del_subregion(&root, &ram);
    err = NULL;
    ck_assert_int_eq(insert(&as, 0x10f0, 0x20, MEMCORE_WATCH_READ, &err),
                     -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(error_get_pretty(err), "0x1100"));
    error_free(err);
    /* Nothing was left watched. */
    ck_assert(!memcore_watchpoint_covered(&io, 0, 0x100));
    ck_assert(!memcore_watchpoint_covered(&ram, 0, 0x1000));
    address_space_stl_le(&as, 0x10f0, 1, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 0);

    memory_region_del_subregion(&root, &io);
    memory_region_destroy(&ram);
    memory_region_destroy(&io);
}
END_TEST

/* A large unaligned MMIO region (several dispatch pieces), then a ROM
 * device outside ROMD mode, then RAM. */
START_TEST(test_span_pieces)
{
    static MemoryRegion io, romd, ram;
    memory_region_init_io(&io, NULL, &io_ops, NULL, "io", 0x2800);
    memory_region_init_rom_device(&romd, NULL, &io_ops, NULL, "romd", 0x1000,
                                  &error_abort);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x10800, &io);
    memory_region_add_subregion(&root, 0x13000, &romd);
    memory_region_add_subregion(&root, 0x14000, &ram);
    memory_region_rom_device_set_romd(&romd, false);

    int id = insert(&as, 0x10ff0, 0x3020, MEMCORE_WATCH_ACCESS,
                    &error_abort);
    ck_assert(!memcore_watchpoint_covered(&io, 0, 0x7f0));
    ck_assert(memcore_watchpoint_covered(&io, 0x7f0, 1));
    ck_assert(memcore_watchpoint_covered(&io, 0x27ff, 1));
    ck_assert(memcore_watchpoint_covered(&romd, 0, 1));
    ck_assert(memcore_watchpoint_covered(&romd, 0xfff, 1));
    ck_assert(memcore_watchpoint_covered(&ram, 0, 0x10));
    ck_assert(!memcore_watchpoint_covered(&ram, 0x10, 0xff0));

    address_space_stl_le(&as, 0x14008, 7, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 1);
    (void)address_space_ldl_le(&as, 0x13ffc, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 2);
    (void)address_space_ldl_le(&as, 0x12000, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 3);
    ck_assert(memcore_watchpoint_remove(id));

    memory_region_del_subregion(&root, &ram);
    memory_region_del_subregion(&root, &romd);
    memory_region_del_subregion(&root, &io);
    memory_region_destroy(&ram);
    memory_region_destroy(&romd);
    memory_region_destroy(&io);
}
END_TEST

/* ---- views -------------------------------------------------------------- */

/* Each way of reaching @addr of @s must report the watchpoint @expect
 * times (0 or 1); @mapped: whether anything is at @addr. */
static void check_view(const char *what, AddressSpace *s, hwaddr addr,
                       bool mapped, int expect)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    uint8_t buf[4] = { 1, 2, 3, 4 };
    int counts[4];
    MemTxResult r;

    nhits = 0;
    address_space_stl_le(s, addr, 1, a, &r);
    counts[0] = nhits;
    ck_assert_msg(r == (mapped ? MEMTX_OK : MEMTX_DECODE_ERROR),
                  "%s: stl result %u", what, r);
    nhits = 0;
    (void)address_space_ldl_le(s, addr, a, NULL);
    counts[1] = nhits;
    nhits = 0;
    address_space_write(s, addr, a, buf, 4);
    counts[2] = nhits;
    nhits = 0;
    hwaddr l = 4;
    void *p = address_space_map(s, addr, &l, true);
    ck_assert_ptr_nonnull(p);
    address_space_unmap(s, p, l, true, l);
    counts[3] = nhits;
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(counts[i] == expect,
                      "%s: path %d (stl, ldl, write, map) fired %d times, "
                      "expected %d", what, i, counts[i], expect);
    }
    nhits = 0;
}

/* An IOMMU that maps its whole space 1:1 onto "as", at page grain. */
static IOMMUTLBEntry iommu_translate(MemoryRegion *iommu, hwaddr addr,
                                     bool is_write)
{
    (void)iommu, (void)is_write;
    IOMMUTLBEntry e = {
        .target_as = &as,
        .iova = addr & ~(hwaddr)0xfff,
        .translated_addr = addr & ~(hwaddr)0xfff,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
    return e;
}

static const MemoryRegionIOMMUOps iommu_ops = {
    .translate = iommu_translate,
};

START_TEST(test_every_view)
{
    static MemoryRegion sub, ram, root2, alias2, aram, iommu;
    static AddressSpace same, via_alias, on_sub, on_ram, on_aram, later;
    static AddressSpace dma;

    memory_region_init(&sub, NULL, "sub", 0x100000);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&sub, 0x1000, &ram);
    memory_region_add_subregion(&root, 0x100000, &sub);
    memory_region_init(&root2, NULL, "root2", UINT64_MAX);
    memory_region_init_alias(&alias2, NULL, "alias2", &sub, 0, 0x100000);
    memory_region_add_subregion(&root2, 0x500000, &alias2);
    memory_region_init_alias(&aram, NULL, "aram", &ram, 0, 0x1000);
    address_space_init(&same, &root, "same");
    address_space_init(&via_alias, &root2, "via-alias");
    address_space_init(&on_sub, &sub, "on-sub");
    address_space_init(&on_ram, &ram, "on-ram");
    address_space_init(&on_aram, &aram, "on-aram");
    memory_region_init_iommu(&iommu, NULL, &iommu_ops, "iommu", UINT64_MAX);
    address_space_init(&dma, &iommu, "dma");

    int id = insert(&as, 0x101000, 4, MEMCORE_WATCH_ACCESS, &error_abort);
    address_space_init(&later, &sub, "later");

    check_view("as", &as, 0x101000, true, 1);
    check_view("same root", &same, 0x101000, true, 1);
    check_view("root2 through an alias of sub", &via_alias, 0x501000, true,
               1);
    /* sub renders at its own addr, 0x100000, in a view rooted at it. */
    check_view("rooted at sub", &on_sub, 0x101000, true, 1);
    check_view("rooted at sub, sub-relative", &on_sub, 0x1000, false, 0);
    check_view("rooted at sub, created after the insert", &later, 0x101000,
               true, 1);
    check_view("rooted at ram (at its addr)", &on_ram, 0x1000, true, 1);
    check_view("rooted at an alias of ram", &on_aram, 0, true, 1);
    check_view("through an IOMMU", &dma, 0x101000, true, 1);

    /* The watchpoint follows the memory, in every view. */
    memory_region_set_address(&sub, 0x200000);
    check_view("as after the move", &as, 0x201000, true, 1);
    check_view("rooted at sub after the move", &on_sub, 0x201000, true, 1);
    check_view("root2 after the move", &via_alias, 0x501000, true, 1);

    /* A watchpoint inserted through the sub-rooted view is the same
     * memory. */
    ck_assert(memcore_watchpoint_remove(id));
    check_view("as after remove", &as, 0x201000, true, 0);
    check_view("rooted at an alias of ram after remove", &on_aram, 0, true,
               0);
    id = insert(&on_sub, 0x201000, 4, MEMCORE_WATCH_ACCESS, &error_abort);
    check_view("as, inserted through sub's view", &as, 0x201000, true, 1);
    check_view("root2, inserted through sub's view", &via_alias, 0x501000,
               true, 1);
    ck_assert(memcore_watchpoint_remove(id));

    address_space_destroy(&dma);
    memory_region_destroy(&iommu);
    address_space_destroy(&later);
    address_space_destroy(&on_aram);
    address_space_destroy(&on_ram);
    address_space_destroy(&on_sub);
    address_space_destroy(&via_alias);
    address_space_destroy(&same);
    memory_region_del_subregion(&root2, &alias2);
    memory_region_destroy(&alias2);
    memory_region_destroy(&aram);
    memory_region_del_subregion(&root, &sub);
    memory_region_del_subregion(&sub, &ram);
    memory_region_destroy(&ram);
    memory_region_destroy(&sub);
    memory_region_destroy(&root2);
}
END_TEST

/* ---- once --------------------------------------------------------------- */

START_TEST(test_once_per_access)
{
    static MemoryRegion ram, a1, a2, io;
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_init_alias(&a1, NULL, "a1", &ram, 0, 0x10);
    memory_region_init_alias(&a2, NULL, "a2", &ram, 0, 0x10);
    memory_region_add_subregion(&root, 0x10000, &a1);
    memory_region_add_subregion(&root, 0x10010, &a2);
    memory_region_init_io(&io, NULL, &io_ops, NULL, "io", 0x100);
    memory_region_add_subregion(&root, 0x20000, &io);

    /* The same 16 bytes of RAM, twice. */
    int id = insert(&as, 0x10000, 0x20, MEMCORE_WATCH_WRITE, &error_abort);
    address_space_stl_le(&as, 0x10000, 1, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_int_eq(hits[0].id, id);

    /* One write over both aliases (two pieces): one report, after all of
     * it is written, naming the whole access. */
    nhits = 0;
    uint8_t buf[0x20];
    for (int i = 0; i < 0x20; i++) {
        buf[i] = (uint8_t)(0x80 + i);
    }
    address_space_write(&as, 0x10000, MEMTXATTRS_UNSPECIFIED, buf, 0x20);
    ck_assert_int_eq(nhits, 1);
    ck_assert_uint_eq(hits[0].addr, 0x10000);
    ck_assert_uint_eq(hits[0].len, 0x20);
    /* Both halves show the second half's bytes: they are one RAM. */
    ck_assert_uint_eq(seen_at_hit[0][0], 0x90);
    ck_assert_uint_eq(seen_at_hit[0][0x1f], 0x9f);

    /* A second watchpoint on the same bytes reports once too. */
    int id2 = insert(&as, 0x10004, 4, MEMCORE_WATCH_WRITE, &error_abort);
    nhits = 0;
    address_space_write(&as, 0x10000, MEMTXATTRS_UNSPECIFIED, buf, 0x20);
    ck_assert_int_eq(nhits, 2);
    ck_assert(hits[0].id != hits[1].id);
    ck_assert(memcore_watchpoint_remove(id2));
    ck_assert(memcore_watchpoint_remove(id));

    /* A 16-byte MMIO write is two device accesses: one report. */
    id = insert(&as, 0x20000, 0x10, MEMCORE_WATCH_WRITE, &error_abort);
    nhits = 0;
    address_space_write(&as, 0x20000, MEMTXATTRS_UNSPECIFIED, buf, 0x10);
    ck_assert_int_eq(nhits, 1);
    ck_assert_uint_eq(hits[0].len, 0x10);
    ck_assert(memcore_watchpoint_remove(id));

    memory_region_del_subregion(&root, &io);
    memory_region_del_subregion(&root, &a2);
    memory_region_del_subregion(&root, &a1);
    memory_region_destroy(&io);
    memory_region_destroy(&a2);
    memory_region_destroy(&a1);
    memory_region_destroy(&ram);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("watch_pieces");
    TCase *tc = tcase_create("span");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_span_mmio_into_ram);
    tcase_add_test(tc, test_span_mmio_into_hole_refused);
    tcase_add_test(tc, test_span_pieces);
    suite_add_tcase(s, tc);
    tc = tcase_create("views");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_every_view);
    suite_add_tcase(s, tc);
    tc = tcase_create("once");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_once_per_access);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
