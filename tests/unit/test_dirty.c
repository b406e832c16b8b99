/*
 * tests/unit/test_dirty.c — dirty logging (memcore/SEMANTICS.md, Dirty
 * logging): conformance cases 75–78, the code-invalidate hook (the core
 * never sets the CODE bit), the adopted fixes "global logging only for
 * RAM-backed and IOMMU regions" and "repeated global log start is a no-op"
 * (and stopping global logging while it is stopped is one too),
 * set_dirty / test_and_clear / reset over page ranges,
 * address_space_sync_dirty_bitmap, and every write path (rw, st*,
 * unmap, write_rom) marking exactly the pages it wrote.
 *
 * Listener behaviour of set_log and of global start/stop (cases 69, 70)
 * is in test_listener.c.
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

#define VGA DIRTY_MEMORY_VGA
#define CODE DIRTY_MEMORY_CODE
#define MIGRATION DIRTY_MEMORY_MIGRATION

static MemoryRegion reg_r;

/* R: RAM of @size at @addr. */
static void map_r(hwaddr addr, uint64_t size)
{
    fx_ram(&reg_r, "R", size);
    memory_region_add_subregion(fx_root, addr, &reg_r);
}

static void write_byte(hwaddr addr, uint8_t v)
{
    ck_assert_uint_eq(address_space_write(fx_as, addr, attrs, &v, 1),
                      MEMTX_OK);
}

/* The pages of R (4 KiB each, @n of them) dirty for @client, as a bit
 * string "0110..." (page 0 first). */
static char *dirty_pages(MemoryRegion *mr, unsigned n, unsigned client)
{
    char *s = malloc(n + 1);

    ck_assert_ptr_nonnull(s);
    for (unsigned i = 0; i < n; i++) {
        s[i] = memory_region_get_dirty(mr, (hwaddr)i * 0x1000, 0x1000, client)
               ? '1' : '0';
    }
    s[n] = '\0';
    return s;
}

#define assert_dirty_pages(mr, client, want)                               \
    do {                                                                   \
        const char *w_ = (want);                                           \
        char *got_ = dirty_pages((mr), (unsigned)strlen(w_), (client));    \
        ck_assert_msg(strcmp(got_, w_) == 0,                               \
                      "dirty pages of client %d: expected %s, got %s",     \
                      (client), w_, got_);                                 \
        free(got_);                                                        \
    } while (0)

/* ---- 75: new RAM is dirty for every client ------------------------------ */

START_TEST(t75_new_ram_dirty_for_all_clients)
{
    map_r(0x10000, 0x4000);
    ck_assert(memory_region_get_dirty(&reg_r, 0, 0x4000, VGA));
    ck_assert(memory_region_get_dirty(&reg_r, 0, 0x4000, CODE));
    ck_assert(memory_region_get_dirty(&reg_r, 0, 0x4000, MIGRATION));
    assert_dirty_pages(&reg_r, VGA, "1111");
    assert_dirty_pages(&reg_r, CODE, "1111");
    assert_dirty_pages(&reg_r, MIGRATION, "1111");
    /* Nothing logs it: no VGA, no code hook, no global logging. */
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r), 0);

    memory_region_reset_dirty(&reg_r, 0, 0x4000, VGA);
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x4000, VGA));
    /* Only VGA was reset. */
    assert_dirty_pages(&reg_r, CODE, "1111");
    assert_dirty_pages(&reg_r, MIGRATION, "1111");

    /* A guest write without VGA logging leaves VGA clean. */
    write_byte(0x11234, 0x5a);
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x4000, VGA));
    ck_assert_uint_eq(address_space_ldub(fx_as, 0x11234, attrs, NULL), 0x5a);
}
END_TEST

/* ---- 76: VGA logging marks the written page -------------------------------- */

START_TEST(t76_vga_write_marks_page)
{
    map_r(0x10000, 0x4000);
    memory_region_set_log(&reg_r, true, VGA);
    ck_assert(memory_region_is_logging(&reg_r, VGA));
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r), 1 << VGA);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, VGA);

    write_byte(0x11234, 1);
    ck_assert(memory_region_get_dirty(&reg_r, 0x1000, 0x1000, VGA));
    ck_assert(!memory_region_get_dirty(&reg_r, 0x2000, 0x2000, VGA));
    ck_assert(memory_region_get_dirty(&reg_r, 0xfff, 2, VGA));
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x1000, VGA));
    assert_dirty_pages(&reg_r, VGA, "0100");

    ck_assert(memory_region_test_and_clear_dirty(&reg_r, 0x1234, 1, VGA));
    ck_assert(!memory_region_get_dirty(&reg_r, 0x1000, 0x1000, VGA));
    ck_assert(!memory_region_test_and_clear_dirty(&reg_r, 0x1234, 1, VGA));
    /* MIGRATION and CODE are not in the mask: untouched by the write or
     * the VGA clear (they are still dirty from creation). */
    assert_dirty_pages(&reg_r, MIGRATION, "1111");
    assert_dirty_pages(&reg_r, CODE, "1111");
}
END_TEST

/* ---- 77: set_dirty follows the mask ------------------------------------------ */

START_TEST(t77_set_dirty_follows_mask)
{
    map_r(0x10000, 0x4000);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, VGA);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, MIGRATION);

    memory_region_set_dirty(&reg_r, 0, 1);
    assert_dirty_pages(&reg_r, VGA, "0000");
    assert_dirty_pages(&reg_r, MIGRATION, "0000");

    memory_region_set_log(&reg_r, true, VGA);
    memory_region_set_dirty(&reg_r, 0, 1);
    assert_dirty_pages(&reg_r, VGA, "1000");
    /* A range is rounded outward to whole pages. */
    memory_region_set_dirty(&reg_r, 0x1fff, 2);
    assert_dirty_pages(&reg_r, VGA, "1110");
    assert_dirty_pages(&reg_r, MIGRATION, "0000");

    /* With global logging MIGRATION is in the mask too. */
    memory_global_dirty_log_start();
    memory_region_set_dirty(&reg_r, 0x3000, 0x1000);
    assert_dirty_pages(&reg_r, VGA, "1111");
    assert_dirty_pages(&reg_r, MIGRATION, "0001");
    memory_global_dirty_log_stop();
}
END_TEST

/* test_and_clear and reset work on whole pages over ranges. */
START_TEST(t77_clear_ranges_round_outward)
{
    map_r(0x10000, 0x4000);
    memory_region_set_log(&reg_r, true, VGA);
    memory_region_set_dirty(&reg_r, 0, 0x4000);
    assert_dirty_pages(&reg_r, VGA, "1111");

    /* Two bytes straddling pages 1 and 2 reset both. */
    memory_region_reset_dirty(&reg_r, 0x1fff, 2, VGA);
    assert_dirty_pages(&reg_r, VGA, "1001");

    /* test_and_clear reports any page, clears all of them. */
    ck_assert(!memory_region_test_and_clear_dirty(&reg_r, 0x1000, 0x2000,
                                                  VGA));
    ck_assert(memory_region_test_and_clear_dirty(&reg_r, 0x800, 0x3000,
                                                 VGA));
    assert_dirty_pages(&reg_r, VGA, "0000");
    ck_assert(!memory_region_test_and_clear_dirty(&reg_r, 0, 0x4000, VGA));

    /* Other clients are left alone. */
    assert_dirty_pages(&reg_r, MIGRATION, "1111");
    memory_region_reset_dirty(&reg_r, 0x3000, 1, MIGRATION);
    assert_dirty_pages(&reg_r, MIGRATION, "1110");
}
END_TEST

/* Writes mark only the clients in the region's mask: with global logging
 * on and VGA off, a write sets MIGRATION and not VGA. */
START_TEST(t77_writes_mark_mask_clients_only)
{
    map_r(0x10000, 0x4000);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, VGA);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, MIGRATION);
    memory_global_dirty_log_start();
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r),
                      1 << MIGRATION);
    write_byte(0x12000, 1);
    assert_dirty_pages(&reg_r, MIGRATION, "0010");
    assert_dirty_pages(&reg_r, VGA, "0000");
    memory_global_dirty_log_stop();
    memory_region_reset_dirty(&reg_r, 0, 0x4000, MIGRATION);
    write_byte(0x12000, 2);
    assert_dirty_pages(&reg_r, MIGRATION, "0000");
}
END_TEST

/* ---- 78: log_sync per FlatRange ------------------------------------------------ */

START_TEST(t78_sync_dirty_bitmap_per_flatrange)
{
    static FxPatternDev overlay;
    static MemoryRegion root2, alias2;
    static AddressSpace as2;
    FxLog shared = { 0 };
    FxListener l1, l2, other;

    map_r(0, 0x4000);
    memory_region_set_log(&reg_r, true, VGA); /* case 78 has VGA logging */
    memory_region_add_subregion_overlap(fx_root, 0x1000,
                                        fx_io(&overlay, "O", 0x1000), 1);
    fx_assert_fv(fx_as, "[0-fff] R@0, [1000-1fff] O@0, [2000-3fff] R@2000");
    memory_region_init(&root2, NULL, "root2", UINT64_MAX);
    address_space_init(&as2, &root2, "as2");
    fx_listener_register(&l2, "L2", 2, fx_as, &shared);
    fx_listener_register(&l1, "L1", 1, fx_as, &shared);
    fx_listener_register(&other, "other", 0, &as2, NULL);

    memory_region_sync_dirty_bitmap(&reg_r);
    fx_assert_log(&shared, "L1: log_sync 0x0-0xfff R@0",
                  "L2: log_sync 0x0-0xfff R@0",
                  "L1: log_sync 0x2000-0x3fff R@2000",
                  "L2: log_sync 0x2000-0x3fff R@2000");
    fx_assert_log_empty(&other.log);

    /* R shown in as2 through an alias: synced there too, after as. */
    memory_region_init_alias(&alias2, NULL, "alias2", &reg_r, 0x3000, 0x1000);
    memory_region_add_subregion(&root2, 0x100000, &alias2);
    fx_log_reset(&shared);
    fx_log_reset(&other.log);
    memory_region_sync_dirty_bitmap(&reg_r);
    fx_assert_log(&shared, "L1: log_sync 0x0-0xfff R@0",
                  "L2: log_sync 0x0-0xfff R@0",
                  "L1: log_sync 0x2000-0x3fff R@2000",
                  "L2: log_sync 0x2000-0x3fff R@2000");
    fx_assert_log(&other.log, "log_sync 0x100000-0x100fff R@3000");

    /* address_space_sync_dirty_bitmap: every range of that AS. */
    fx_log_reset(&shared);
    fx_log_reset(&other.log);
    address_space_sync_dirty_bitmap(fx_as);
    fx_assert_log(&shared, "L1: log_sync 0x0-0xfff R@0",
                  "L2: log_sync 0x0-0xfff R@0",
                  "L1: log_sync 0x1000-0x1fff O@0",
                  "L2: log_sync 0x1000-0x1fff O@0",
                  "L1: log_sync 0x2000-0x3fff R@2000",
                  "L2: log_sync 0x2000-0x3fff R@2000");
    fx_assert_log_empty(&other.log);

    fx_listener_unregister(&l1);
    fx_listener_unregister(&l2);
    fx_listener_unregister(&other);
    memory_region_del_subregion(&root2, &alias2);
    address_space_destroy(&as2);
    fx_log_free(&shared);
}
END_TEST

/* ---- the code-invalidate hook: the core never sets the CODE bit ---------- */

static FxLog hook_log;

static void code_hook(ram_addr_t start, ram_addr_t len)
{
    fx_log_add(&hook_log, "0x%" PRIx64 "+0x%" PRIx64, (uint64_t)start,
               (uint64_t)len);
}

START_TEST(code_invalidate_hook_not_code_bit)
{
    static MemoryRegion plain;
    char want[64];
    ram_addr_t ra;

    memcore_set_code_invalidate_hook(code_hook);
    map_r(0x10000, 0x4000);
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r), 1 << CODE);
    ck_assert(memory_region_is_logging(&reg_r, CODE));
    ra = memory_region_get_ram_addr(&reg_r);
    ck_assert_uint_ne(ra, RAM_ADDR_INVALID);

    /* Fresh RAM is CODE-dirty (kept quirk: new RAM is dirty for every
     * client), i.e. holds no code: no hook. */
    write_byte(0x10010, 1);
    fx_assert_log_empty(&hook_log);

    /* Once CODE is clean, every write calls the hook, and CODE stays
     * clean. */
    memory_region_reset_dirty(&reg_r, 0, 0x4000, CODE);
    ck_assert_uint_eq(address_space_write(fx_as, 0x11010, attrs,
                                          (const uint8_t *)"abcd", 4),
                      MEMTX_OK);
    snprintf(want, sizeof(want), "0x%" PRIx64 "+0x4", (uint64_t)ra + 0x1010);
    fx_assert_log(&hook_log, want);
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x4000, CODE));

    fx_log_reset(&hook_log);
    address_space_stl_le(fx_as, 0x12020, 0x12345678, attrs, NULL);
    snprintf(want, sizeof(want), "0x%" PRIx64 "+0x4", (uint64_t)ra + 0x2020);
    fx_assert_log(&hook_log, want);
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x4000, CODE));

    /* stl_notdirty leaves CODE alone: no hook. */
    fx_log_reset(&hook_log);
    address_space_stl_notdirty(fx_as, 0x12030, 0x9abcdef0, attrs, NULL);
    fx_assert_log_empty(&hook_log);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x12030, attrs, NULL),
                      0x9abcdef0);

    /* With VGA logging as well, VGA is set and CODE still is not. */
    memory_region_set_log(&reg_r, true, VGA);
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r),
                      (1 << CODE) | (1 << VGA));
    memory_region_reset_dirty(&reg_r, 0, 0x4000, VGA);
    fx_log_reset(&hook_log);
    write_byte(0x13000, 7);
    snprintf(want, sizeof(want), "0x%" PRIx64 "+0x1", (uint64_t)ra + 0x3000);
    fx_assert_log(&hook_log, want);
    assert_dirty_pages(&reg_r, VGA, "0001");
    assert_dirty_pages(&reg_r, CODE, "0000");

    /* Without a hook, new RAM does not log CODE. */
    memcore_set_code_invalidate_hook(NULL);
    fx_ram(&plain, "plain", 0x1000);
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&plain), 0);
    ck_assert(!memory_region_is_logging(&plain, CODE));
    fx_log_free(&hook_log);
}
END_TEST

/* ---- which regions global logging reaches (RAM-backed and IOMMU only) ---- */

static IOMMUTLBEntry null_translate(MemoryRegion *iommu, hwaddr addr,
                                    bool is_write)
{
    (void)iommu;
    (void)is_write;
    return (IOMMUTLBEntry) { .target_as = fx_as, .iova = addr,
                             .addr_mask = 0xfff, .perm = IOMMU_NONE };
}

static const MemoryRegionIOMMUOps null_iommu_ops = {
    .translate = null_translate,
};

START_TEST(global_logging_ram_and_iommu_only)
{
    static MemoryRegion ram, rom, romd, ptr, iommu, container, reservation,
        alias;
    static FxPatternDev io, romd_dev;
    static uint8_t ptr_mem[0x1000];
    MemoryRegion *with[] = { &ram, &rom, &romd, &ptr, &iommu };
    MemoryRegion *without[] = { &io.mr, &container, &reservation, &alias };
    Error *err = NULL;

    fx_ram(&ram, "ram", 0x1000);
    fx_rom(&rom, "rom", 0x1000);
    fx_pattern_init(&romd_dev, "romd-ops", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&romd, NULL, &romd_dev.ops, &romd_dev,
                                  "romd", 0x1000, &err);
    ck_assert_ptr_null(err);
    memory_region_init_ram_ptr(&ptr, NULL, "ptr", sizeof(ptr_mem), ptr_mem);
    memory_region_init_iommu(&iommu, NULL, &null_iommu_ops, "iommu", 0x1000);
    fx_io(&io, "io", 0x1000);
    memory_region_init(&container, NULL, "container", 0x1000);
    memory_region_init_reservation(&reservation, NULL, "reservation", 0x1000);
    memory_region_init_alias(&alias, NULL, "alias", &io.mr, 0, 0x1000);
    /* Mapped or not does not matter; map a few anyway. */
    memory_region_add_subregion(fx_root, 0x0, &ram);
    memory_region_add_subregion(fx_root, 0x1000, &romd);
    memory_region_add_subregion(fx_root, 0x2000, &io.mr);
    memory_region_add_subregion(fx_root, 0x3000, &iommu);

    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(memory_region_get_dirty_log_mask(with[i]), 0);
    }
    memory_global_dirty_log_start();
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_msg(memory_region_get_dirty_log_mask(with[i]) ==
                      1 << MIGRATION, "%s: mask %u",
                      memory_region_name(with[i]),
                      memory_region_get_dirty_log_mask(with[i]));
        ck_assert(memory_region_is_logging(with[i], MIGRATION));
    }
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_msg(memory_region_get_dirty_log_mask(without[i]) == 0,
                      "%s: mask %u", memory_region_name(without[i]),
                      memory_region_get_dirty_log_mask(without[i]));
        ck_assert(!memory_region_is_logging(without[i], MIGRATION));
    }
    memory_global_dirty_log_stop();
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(memory_region_get_dirty_log_mask(with[i]), 0);
    }
}
END_TEST

/* The same as listeners see it: global start gives log_start to the ranges of
 * RAM, ROM devices and IOMMUs, only region_nop to MMIO. */
START_TEST(global_logging_log_start_per_kind)
{
    static MemoryRegion romd, iommu;
    static FxPatternDev io, romd_dev;
    FxListener l;
    Error *err = NULL;

    fx_pattern_init(&romd_dev, "romd-ops", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&romd, NULL, &romd_dev.ops, &romd_dev,
                                  "romd", 0x1000, &err);
    ck_assert_ptr_null(err);
    memory_region_init_iommu(&iommu, NULL, &null_iommu_ops, "iommu", 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &romd);
    memory_region_add_subregion(fx_root, 0x2000, fx_io(&io, "io", 0x1000));
    memory_region_add_subregion(fx_root, 0x3000, &iommu);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_global_dirty_log_start();
    fx_assert_log(&l.log, "log_global_start", "begin",
                  "nop 0x1000-0x1fff romd@0", "log_start romd 0 4",
                  "nop 0x2000-0x2fff io@0",
                  "nop 0x3000-0x3fff iommu@0", "log_start iommu 0 4",
                  "commit");
    fx_log_reset(&l.log);
    memory_global_dirty_log_stop();
    fx_assert_log(&l.log, "begin",
                  "nop 0x1000-0x1fff romd@0", "log_stop romd 4 0",
                  "nop 0x2000-0x2fff io@0",
                  "nop 0x3000-0x3fff iommu@0", "log_stop iommu 4 0",
                  "commit", "log_global_stop");
    fx_listener_unregister(&l);
}
END_TEST

/* Each RAM region has bitmaps of its own: clearing one leaves the other
 * alone, and a write to one dirties only it. */
START_TEST(dirty_bits_per_region)
{
    static MemoryRegion other;

    map_r(0x10000, 0x2000);
    fx_ram(&other, "other", 0x2000);
    memory_region_add_subregion(fx_root, 0x12000, &other);
    memory_region_set_log(&reg_r, true, VGA);
    memory_region_set_log(&other, true, VGA);
    ck_assert_uint_ne(memory_region_get_ram_addr(&reg_r),
                      memory_region_get_ram_addr(&other));
    memory_region_reset_dirty(&reg_r, 0, 0x2000, VGA);
    assert_dirty_pages(&reg_r, VGA, "00");
    assert_dirty_pages(&other, VGA, "11");
    memory_region_reset_dirty(&other, 0, 0x2000, VGA);
    /* A write across the boundary dirties the last page of one and the
     * first of the other. */
    ck_assert_uint_eq(address_space_write(fx_as, 0x11ffe, attrs,
                                          (const uint8_t *)"abcd", 4),
                      MEMTX_OK);
    assert_dirty_pages(&reg_r, VGA, "01");
    assert_dirty_pages(&other, VGA, "10");
}
END_TEST

/* ---- repeated global log start/stop: start twice, stop twice ------------- */

START_TEST(global_log_second_start_is_noop)
{
    map_r(0x10000, 0x4000);
    memory_global_dirty_log_start();
    memory_global_dirty_log_start();
    ck_assert(memory_region_is_logging(&reg_r, MIGRATION));
    /* Not counted: one stop ends it. */
    memory_global_dirty_log_stop();
    ck_assert(!memory_region_is_logging(&reg_r, MIGRATION));
    memory_region_reset_dirty(&reg_r, 0, 0x4000, MIGRATION);
    write_byte(0x10000, 1);
    assert_dirty_pages(&reg_r, MIGRATION, "0000");
}
END_TEST

START_TEST(global_log_stop_while_stopped_is_noop)
{
    FxListener l;

    map_r(0x10000, 0x4000);
    memory_region_set_log(&reg_r, true, VGA);
    fx_listener_register(&l, "L", 0, NULL, NULL);

    /* Never started: nothing at all, VGA logging untouched. */
    memory_global_dirty_log_stop();
    fx_assert_log_empty(&l.log);
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r), 1 << VGA);

    memory_global_dirty_log_start();
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r),
                      (1 << VGA) | (1 << MIGRATION));
    memory_global_dirty_log_stop();
    fx_log_reset(&l.log);
    memory_global_dirty_log_stop();
    fx_assert_log_empty(&l.log);
    ck_assert_uint_eq(memory_region_get_dirty_log_mask(&reg_r), 1 << VGA);
    fx_listener_unregister(&l);
}
END_TEST

/* ---- every write path marks the pages it wrote ---------------------------------------- */

START_TEST(writes_through_every_path_mark_dirty)
{
    static MemoryRegion rom;
    uint8_t buf[4] = { 1, 2, 3, 4 }, rbuf[4];
    hwaddr plen;
    uint8_t *p;
    char want[17];
    unsigned page = 0;

    map_r(0x100000, 0x10000);
    memory_region_set_log(&reg_r, true, VGA);
    memory_region_reset_dirty(&reg_r, 0, 0x10000, VGA);
    memset(want, '0', 16);
    want[16] = '\0';

/* Each path writes page @page (at offset 0x10) and must dirty it alone. */
#define NEXT_PAGE_DIRTY()                                 \
    do {                                                  \
        want[page] = '1';                                 \
        assert_dirty_pages(&reg_r, VGA, want);            \
        page++;                                           \
    } while (0)
#define AT(p) (0x100000 + (hwaddr)(p) * 0x1000 + 0x10)

    ck_assert_uint_eq(address_space_write(fx_as, AT(page), attrs, buf, 4),
                      MEMTX_OK);
    NEXT_PAGE_DIRTY();
    ck_assert_uint_eq(address_space_rw(fx_as, AT(page), attrs, buf, 4, true),
                      MEMTX_OK);
    NEXT_PAGE_DIRTY();
    /* Reads mark nothing. */
    ck_assert_uint_eq(address_space_rw(fx_as, AT(page), attrs, rbuf, 4, false),
                      MEMTX_OK);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, AT(page), attrs, NULL), 0);
    assert_dirty_pages(&reg_r, VGA, want);

    address_space_stb(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stw_le(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stw_be(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stw(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stl_le(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stl_be(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stl(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stq_le(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stq_be(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    address_space_stq(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();
    /* stl_notdirty skips only CODE. */
    address_space_stl_notdirty(fx_as, AT(page), 1, attrs, NULL);
    NEXT_PAGE_DIRTY();

    /* map for write: nothing until unmap, then only what was accessed. */
    plen = 0x100;
    p = address_space_map(fx_as, AT(page), &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x100);
    memcpy(p, buf, 4);
    assert_dirty_pages(&reg_r, VGA, want);
    address_space_unmap(fx_as, p, plen, true, 4);
    NEXT_PAGE_DIRTY();

    /* An unmap that did not write marks nothing. */
    plen = 0x100;
    p = address_space_map(fx_as, AT(page), &plen, false);
    ck_assert_ptr_nonnull(p);
    address_space_unmap(fx_as, p, plen, false, 0x100);
    assert_dirty_pages(&reg_r, VGA, want);

    cpu_physical_memory_write_rom(fx_as, AT(page), buf, 4);
    NEXT_PAGE_DIRTY();
    ck_assert_uint_eq(page, 15);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, AT(14), attrs, NULL),
                      0x04030201);

    /* A ROM: write_rom marks it, a refused guest write does not. */
    fx_rom(&rom, "rom", 0x2000);
    memory_region_add_subregion(fx_root, 0x200000, &rom);
    memory_region_set_log(&rom, true, VGA);
    memory_region_reset_dirty(&rom, 0, 0x2000, VGA);
    ck_assert_uint_eq(address_space_write(fx_as, 0x200010, attrs, buf, 4),
                      MEMTX_DECODE_ERROR);
    assert_dirty_pages(&rom, VGA, "00");
    cpu_physical_memory_write_rom(fx_as, 0x201010, buf, 4);
    assert_dirty_pages(&rom, VGA, "01");
#undef NEXT_PAGE_DIRTY
#undef AT
}
END_TEST

/* A write straddling two pages dirties both. */
START_TEST(write_across_pages_marks_both)
{
    static const uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    map_r(0x10000, 0x4000);
    memory_region_set_log(&reg_r, true, VGA);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, VGA);
    ck_assert_uint_eq(address_space_write(fx_as, 0x11ffc, attrs, buf, 8),
                      MEMTX_OK);
    assert_dirty_pages(&reg_r, VGA, "0110");
}
END_TEST

/* set_log takes only VGA; anything else is misuse (SEMANTICS.md, Clients
 * and masks). */
START_TEST(set_log_other_client_aborts)
{
    map_r(0x10000, 0x1000);
    memory_region_set_log(&reg_r, true, MIGRATION);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dirty");
    TCase *tc = tcase_create("dirty");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t75_new_ram_dirty_for_all_clients);
    tcase_add_test(tc, t76_vga_write_marks_page);
    tcase_add_test(tc, t77_set_dirty_follows_mask);
    tcase_add_test(tc, t77_clear_ranges_round_outward);
    tcase_add_test(tc, t77_writes_mark_mask_clients_only);
    tcase_add_test(tc, t78_sync_dirty_bitmap_per_flatrange);
    tcase_add_test(tc, code_invalidate_hook_not_code_bit);
    tcase_add_test(tc, global_logging_ram_and_iommu_only);
    tcase_add_test(tc, global_logging_log_start_per_kind);
    tcase_add_test(tc, dirty_bits_per_region);
    tcase_add_test(tc, global_log_second_start_is_noop);
    tcase_add_test(tc, global_log_stop_while_stopped_is_noop);
    tcase_add_test(tc, writes_through_every_path_mark_dirty);
    tcase_add_test(tc, write_across_pages_marks_both);
    tcase_add_test_raise_signal(tc, set_log_other_client_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
