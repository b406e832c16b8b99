/*
 * tests/unit/test_map.c — address_space_map/unmap and friends
 * (memcore/SEMANTICS.md, "Map, unmap and the bounce buffer" and
 * "address_space_access_valid"): conformance cases 79 (direct RAM mapping
 * and its length), 80 (the bounce buffer for MMIO: device reads at map
 * time, a failed map reports zero length, map clients), 81 (device writes
 * at unmap time, only access_len bytes), 82 (unmap marks only what was
 * written dirty), owner references held by a mapping, ROM, ROM devices in
 * and out of ROMD mode, and address_space_access_valid on MMIO with valid
 * constraints (including memcore's choice: chunks are sized by the region
 * offset).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

static MemoryRegion reg_r, reg_a, reg_b;
static FxPatternDev dev;
static Object owner;

/* The owner's reference count once retired views have let go of theirs
 * (they do so after an RCU grace period). */
static unsigned settled_refs(Object *obj)
{
    memcore_rcu_barrier();
    return object_ref_count(obj);
}

/* Whether @p points inside @mr's RAM (of @size bytes). */
static bool inside(MemoryRegion *mr, uint64_t size, const void *p)
{
    const uint8_t *base = memory_region_get_ram_ptr(mr);

    return base && (const uint8_t *)p >= base &&
           (const uint8_t *)p < base + size;
}

/* ---- 79: direct RAM mappings ------------------------------------------------ */

START_TEST(t79_map_ram_direct)
{
    uint8_t *base, *p;
    hwaddr plen;
    unsigned ref0;
    Error *err = NULL;

    object_initialize_owner(&owner, "owner", NULL);
    memory_region_init_ram(&reg_r, &owner, "R", 0x4000, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x1800, &reg_r);
    base = memory_region_get_ram_ptr(&reg_r);
    ref0 = settled_refs(&owner);

    plen = 0x10000;
    p = address_space_map(fx_as, 0x1900, &plen, false);
    ck_assert_ptr_eq(p, base + 0x100);
    ck_assert_uint_eq(plen, 0x3f00);
    /* The mapping holds a reference on the owner until unmap. */
    ck_assert_uint_eq(settled_refs(&owner), ref0 + 1);
    address_space_unmap(fx_as, p, plen, false, plen);
    ck_assert_uint_eq(settled_refs(&owner), ref0);

    /* A write through the pointer is what the guest reads. */
    plen = 4;
    p = address_space_map(fx_as, 0x5000, &plen, true);
    ck_assert_ptr_eq(p, base + 0x3800);
    ck_assert_uint_eq(plen, 4);
    memcpy(p, "\x78\x56\x34\x12", 4);
    address_space_unmap(fx_as, p, plen, true, 4);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x5000, attrs, NULL),
                      0x12345678);
    ck_assert_uint_eq(settled_refs(&owner), ref0);
}
END_TEST

/* Two distinct adjacent RAM regions are not merged into one mapping. */
START_TEST(t79_map_stops_at_region_end)
{
    hwaddr plen = 0x2000;
    uint8_t *p;

    fx_ram(&reg_a, "A", 0x1000);
    fx_ram(&reg_b, "B", 0x1000);
    memory_region_add_subregion(fx_root, 0x10000, &reg_a);
    memory_region_add_subregion(fx_root, 0x11000, &reg_b);
    p = address_space_map(fx_as, 0x10800, &plen, false);
    ck_assert_ptr_eq(p, (uint8_t *)memory_region_get_ram_ptr(&reg_a) + 0x800);
    ck_assert_uint_eq(plen, 0x800);
    address_space_unmap(fx_as, p, plen, false, plen);

    /* Nothing mapped after the region: stops there too. */
    plen = 0x2000;
    p = address_space_map(fx_as, 0x11100, &plen, false);
    ck_assert_ptr_eq(p, (uint8_t *)memory_region_get_ram_ptr(&reg_b) + 0x100);
    ck_assert_uint_eq(plen, 0xf00);
    address_space_unmap(fx_as, p, plen, false, plen);
}
END_TEST

/* Two aliases of one RAM: contiguous offsets map in one go (one merged
 * range); non-contiguous offsets stop at the first alias. */
START_TEST(t79_map_through_aliases)
{
    uint8_t *base, *p;
    hwaddr plen;

    fx_ram(&reg_r, "R", 0x4000);
    base = memory_region_get_ram_ptr(&reg_r);
    memory_region_init_alias(&reg_a, NULL, "a1", &reg_r, 0, 0x1000);
    memory_region_init_alias(&reg_b, NULL, "a2", &reg_r, 0x1000, 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_a);
    memory_region_add_subregion(fx_root, 0x1000, &reg_b);
    plen = 0x2000;
    p = address_space_map(fx_as, 0x800, &plen, false);
    ck_assert_ptr_eq(p, base + 0x800);
    ck_assert_uint_eq(plen, 0x1800);
    address_space_unmap(fx_as, p, plen, false, plen);

    memory_region_set_alias_offset(&reg_b, 0x3000);
    plen = 0x2000;
    p = address_space_map(fx_as, 0x800, &plen, false);
    ck_assert_ptr_eq(p, base + 0x800);
    ck_assert_uint_eq(plen, 0x800);
    address_space_unmap(fx_as, p, plen, false, plen);
}
END_TEST

/* ---- 80: the bounce buffer for reads ------------------------------------------ */

static unsigned client_calls, client2_calls, client3_calls;

static void count_client(void *opaque)
{
    (*(unsigned *)opaque)++;
}

static void map_dev_owned(void)
{
    object_initialize_owner(&owner, "owner", NULL);
    fx_pattern_init(&dev, "dev", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(&dev, &owner, 0x10000);
    memory_region_add_subregion(fx_root, 0x10000, &dev.mr);
}

START_TEST(t80_bounce_read)
{
    uint8_t *p, *p2, *pr;
    hwaddr plen;
    unsigned ref0;

    map_dev_owned();
    fx_ram(&reg_r, "R", 0x1000);
    memory_region_add_subregion(fx_root, 0x40000, &reg_r);
    ref0 = settled_refs(&owner);

    plen = 0x2000;
    p = address_space_map(fx_as, 0x10000, &plen, false);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x1000);
    ck_assert_uint_eq(settled_refs(&owner), ref0 + 1);
    /* The device was read at map time, 4 bytes at a time, in order. */
    ck_assert_uint_eq(dev.nr_calls, 1024);
    for (unsigned k = 0; k < 1024; k++) {
        ck_assert_uint_eq(dev.calls[k].addr, k * 4);
        ck_assert_uint_eq(dev.calls[k].size, 4);
        ck_assert(!dev.calls[k].is_write);
    }
    for (unsigned i = 0; i < 0x1000; i++) {
        ck_assert_uint_eq(p[i], i & 0xff);
    }

    /* The bounce buffer is busy: NULL and *plen = 0 (later fix adopted:
     * failed map reports zero length). */
    plen = 0x10;
    p2 = address_space_map(fx_as, 0x18000, &plen, false);
    ck_assert_ptr_null(p2);
    ck_assert_uint_eq(plen, 0);
    ck_assert_uint_eq(dev.nr_calls, 1024);
    /* RAM still maps directly meanwhile. */
    plen = 0x10;
    pr = address_space_map(fx_as, 0x40000, &plen, false);
    ck_assert_ptr_eq(pr, memory_region_get_ram_ptr(&reg_r));
    ck_assert_uint_eq(plen, 0x10);
    address_space_unmap(fx_as, pr, plen, false, 0);

    /* A client registered while busy waits; one unregistered is dropped. */
    client_calls = client2_calls = 0;
    cpu_register_map_client(&client_calls, count_client);
    cpu_unregister_map_client(cpu_register_map_client(&client2_calls,
                                                      count_client));
    ck_assert_uint_eq(client_calls, 0);

    /* Unmapping a read: no device access; the client is told, once. */
    fx_pattern_reset(&dev);
    address_space_unmap(fx_as, p, 0x1000, false, 0);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(client_calls, 1);
    ck_assert_uint_eq(client2_calls, 0);
    ck_assert_uint_eq(settled_refs(&owner), ref0);

    /* The buffer is free again; the client is not kept. */
    plen = 8;
    p = address_space_map(fx_as, 0x10010, &plen, false);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 8);
    fx_assert_calls(&dev, "(0x10,4),(0x14,4)");
    ck_assert_mem_eq(p, "\x10\x11\x12\x13\x14\x15\x16\x17", 8);
    address_space_unmap(fx_as, p, plen, false, 8);
    ck_assert_uint_eq(client_calls, 1);
    ck_assert_uint_eq(client2_calls, 0);
}
END_TEST

/* The bounce buffer holds at most a page, from wherever the mapping
 * starts (it need not be page-aligned). */
START_TEST(t80_bounce_unaligned_start)
{
    uint8_t *p;
    hwaddr plen = 0x2000;

    map_dev_owned();
    p = address_space_map(fx_as, 0x10800, &plen, false);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x1000);
    ck_assert_uint_eq(dev.nr_calls, 1024);
    ck_assert_uint_eq(dev.calls[0].addr, 0x800);
    ck_assert_uint_eq(dev.calls[1023].addr, 0x17fc);
    address_space_unmap(fx_as, p, plen, false, 0);
}
END_TEST

/* A client registered while the buffer is free runs at once, and only
 * then. */
START_TEST(t80_map_client_when_free)
{
    uint8_t *p;
    hwaddr plen = 4;

    map_dev_owned();
    client3_calls = 0;
    cpu_register_map_client(&client3_calls, count_client);
    ck_assert_uint_eq(client3_calls, 1);
    p = address_space_map(fx_as, 0x10000, &plen, false);
    ck_assert_ptr_nonnull(p);
    address_space_unmap(fx_as, p, plen, false, 0);
    ck_assert_uint_eq(client3_calls, 1);
}
END_TEST

/* A failed map reports zero length also for a zero-length request. */
START_TEST(t80_map_zero_length)
{
    hwaddr plen = 0;

    fx_ram(&reg_r, "R", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_r);
    ck_assert_ptr_null(address_space_map(fx_as, 0, &plen, false));
    ck_assert_uint_eq(plen, 0);
}
END_TEST

/* ---- 81: bounce writes happen at unmap ------------------------------------------- */

START_TEST(t81_bounce_write_at_unmap)
{
    uint8_t *p;
    hwaddr plen = 0x10;

    map_dev_owned();
    p = address_space_map(fx_as, 0x10000, &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x10);
    fx_assert_calls(&dev, "");
    for (int i = 0; i < 16; i++) {
        p[i] = (uint8_t)(i + 1);
    }
    fx_assert_calls(&dev, "");
    address_space_unmap(fx_as, p, 0x10, true, 8);
    fx_assert_calls(&dev, "(0x0,0x4030201,4),(0x4,0x8070605,4)");
}
END_TEST

/* ---- 82: unmap marks only what was written ------------------------------------------ */

START_TEST(t82_unmap_marks_access_len)
{
    uint8_t *p;
    hwaddr plen;

    fx_ram(&reg_r, "R", 0x4000);
    memory_region_add_subregion(fx_root, 0, &reg_r);
    memory_region_set_log(&reg_r, true, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&reg_r, 0, 0x4000, DIRTY_MEMORY_VGA);

    plen = 0x3000;
    p = address_space_map(fx_as, 0x1000, &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x3000);
    memset(p, 0xab, 0x10);
    address_space_unmap(fx_as, p, plen, true, 0x10);
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x1000, DIRTY_MEMORY_VGA));
    ck_assert(memory_region_get_dirty(&reg_r, 0x1000, 0x1000,
                                      DIRTY_MEMORY_VGA));
    ck_assert(!memory_region_get_dirty(&reg_r, 0x2000, 0x2000,
                                       DIRTY_MEMORY_VGA));

    /* 0x10 bytes straddling a page boundary dirty both pages. */
    memory_region_reset_dirty(&reg_r, 0, 0x4000, DIRTY_MEMORY_VGA);
    plen = 0x2000;
    p = address_space_map(fx_as, 0x1ff8, &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(plen, 0x2000);
    address_space_unmap(fx_as, p, plen, true, 0x10);
    ck_assert(!memory_region_get_dirty(&reg_r, 0, 0x1000, DIRTY_MEMORY_VGA));
    ck_assert(memory_region_get_dirty(&reg_r, 0x1000, 0x1000,
                                      DIRTY_MEMORY_VGA));
    ck_assert(memory_region_get_dirty(&reg_r, 0x2000, 0x1000,
                                      DIRTY_MEMORY_VGA));
    ck_assert(!memory_region_get_dirty(&reg_r, 0x3000, 0x1000,
                                       DIRTY_MEMORY_VGA));
}
END_TEST

/* ---- ROM and ROM devices --------------------------------------------------------------- */

/* ROM: reads map directly, writes go through the bounce buffer and are
 * refused at unmap (kept quirk: ROM writes fail with a decode error),
 * leaving the ROM as it was. */
START_TEST(map_rom)
{
    static const uint8_t img[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
    uint8_t *base, *p;
    hwaddr plen;

    fx_rom(&reg_r, "rom", 0x2000);
    memory_region_add_subregion(fx_root, 0x20000, &reg_r);
    base = memory_region_get_ram_ptr(&reg_r);
    cpu_physical_memory_write_rom(fx_as, 0x20100, img, 4);

    plen = 0x100;
    p = address_space_map(fx_as, 0x20100, &plen, false);
    ck_assert_ptr_eq(p, base + 0x100);
    ck_assert_uint_eq(plen, 0x100);
    ck_assert_mem_eq(p, img, 4);
    address_space_unmap(fx_as, p, plen, false, plen);

    plen = 0x100;
    p = address_space_map(fx_as, 0x20100, &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert(!inside(&reg_r, 0x2000, p));
    ck_assert_uint_eq(plen, 0x100);
    memset(p, 0x11, 4);
    address_space_unmap(fx_as, p, plen, true, 4);
    ck_assert_mem_eq(base + 0x100, img, 4);
}
END_TEST

/* ROM device in ROMD mode: reads map its RAM directly (no device call,
 * owner referenced until unmap), clamped to the block; writes bounce and
 * reach the device at unmap without touching the RAM.  Outside ROMD mode
 * reads bounce too, reading the device at map time. */
START_TEST(map_rom_device)
{
    static const uint8_t img[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
    uint8_t *base, *p;
    hwaddr plen;
    unsigned ref0;
    Error *err = NULL;

    object_initialize_owner(&owner, "owner", NULL);
    fx_pattern_init(&dev, "F", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&dev.mr, &owner, &dev.ops, &dev, "F",
                                  0x2000, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x20000, &dev.mr);
    fx_ram(&reg_r, "after", 0x1000);
    memory_region_add_subregion(fx_root, 0x22000, &reg_r);
    base = memory_region_get_ram_ptr(&dev.mr);
    ck_assert_ptr_nonnull(base);
    cpu_physical_memory_write_rom(fx_as, 0x20100, img, 4);
    ref0 = settled_refs(&owner);

    plen = 0x100;
    p = address_space_map(fx_as, 0x20100, &plen, false);
    ck_assert_ptr_eq(p, base + 0x100);
    ck_assert_uint_eq(plen, 0x100);
    ck_assert_mem_eq(p, img, 4);
    ck_assert_uint_eq(settled_refs(&owner), ref0 + 1);
    address_space_unmap(fx_as, p, plen, false, plen);
    ck_assert_uint_eq(settled_refs(&owner), ref0);
    fx_assert_calls(&dev, "");

    /* Ending at the block end, although RAM follows. */
    plen = 0x1000;
    p = address_space_map(fx_as, 0x21f00, &plen, false);
    ck_assert_ptr_eq(p, base + 0x1f00);
    ck_assert_uint_eq(plen, 0x100);
    address_space_unmap(fx_as, p, plen, false, plen);
    ck_assert_uint_eq(settled_refs(&owner), ref0);

    /* Writes bounce and reach the device at unmap. */
    plen = 0x10;
    p = address_space_map(fx_as, 0x20100, &plen, true);
    ck_assert_ptr_nonnull(p);
    ck_assert(!inside(&dev.mr, 0x2000, p));
    ck_assert_uint_eq(plen, 0x10);
    ck_assert_uint_eq(settled_refs(&owner), ref0 + 1);
    memcpy(p, "\x01\x02\x03\x04", 4);
    fx_assert_calls(&dev, "");
    address_space_unmap(fx_as, p, plen, true, 4);
    fx_assert_calls(&dev, "(0x100,0x4030201,4)");
    ck_assert_mem_eq(base + 0x100, img, 4);
    ck_assert_uint_eq(settled_refs(&owner), ref0);

    /* Outside ROMD mode reads go to the device, at map time. */
    memory_region_rom_device_set_romd(&dev.mr, false);
    fx_pattern_reset(&dev);
    plen = 0x8;
    p = address_space_map(fx_as, 0x20100, &plen, false);
    ck_assert_ptr_nonnull(p);
    ck_assert(!inside(&dev.mr, 0x2000, p));
    ck_assert_uint_eq(plen, 8);
    fx_assert_calls(&dev, "(0x100,4),(0x104,4)");
    ck_assert_mem_eq(p, "\x00\x01\x02\x03\x04\x05\x06\x07", 8);
    address_space_unmap(fx_as, p, plen, false, 8);
    fx_assert_calls(&dev, "(0x100,4),(0x104,4)");
    ck_assert_uint_eq(settled_refs(&owner), ref0);
}
END_TEST

/* ---- address_space_access_valid ------------------------------------------ */

static bool refuse_writes(FxPatternDev *d, hwaddr addr, unsigned size,
                          bool is_write)
{
    (void)d;
    (void)addr;
    (void)size;
    return !is_write;
}

START_TEST(access_valid_mmio_constraints)
{
    static FxPatternDev strict, picky;

    fx_ram(&reg_r, "R", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_r);
    /* strict: only aligned 4-byte accesses. */
    fx_pattern_init(&strict, "strict", DEVICE_LITTLE_ENDIAN, false);
    strict.ops.valid.min_access_size = 4;
    strict.ops.valid.max_access_size = 4;
    fx_pattern_init_io(&strict, NULL, 0x100);
    memory_region_add_subregion(fx_root, 0x2000, &strict.mr);
    /* picky: refuses writes through accepts. */
    fx_pattern_init(&picky, "picky", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_set_accepts(&picky, refuse_writes);
    fx_pattern_init_io(&picky, NULL, 0x100);
    memory_region_add_subregion(fx_root, 0x3000, &picky.mr);

    /* RAM is always valid, holes never. */
    ck_assert(address_space_access_valid(fx_as, 0x10, 0x100, true));
    ck_assert(!address_space_access_valid(fx_as, 0x1000, 4, false));
    ck_assert(!address_space_access_valid(fx_as, 0xffc, 8, false));

    ck_assert(address_space_access_valid(fx_as, 0x2010, 4, false));
    ck_assert(address_space_access_valid(fx_as, 0x2010, 4, true));
    ck_assert(!address_space_access_valid(fx_as, 0x2010, 2, false));
    ck_assert(!address_space_access_valid(fx_as, 0x2010, 1, true));
    /* 8 bytes are two valid 4-byte chunks. */
    ck_assert(address_space_access_valid(fx_as, 0x2010, 8, false));
    /* At offset 2 the first chunk is 2 bytes: refused. */
    ck_assert(!address_space_access_valid(fx_as, 0x2012, 4, false));
    /* Checking does not access the device. */
    fx_assert_calls(&strict, "");

    ck_assert(address_space_access_valid(fx_as, 0x3000, 4, false));
    ck_assert(!address_space_access_valid(fx_as, 0x3000, 4, true));
    fx_assert_calls(&picky, "");
    ck_assert_uint_eq(picky.accepts_log.n, 2);
    ck_assert_str_eq(picky.accepts_log.v[0], "(0x0,4,r)");
    ck_assert_str_eq(picky.accepts_log.v[1], "(0x0,4,w)");

    /* RAM followed by a refused chunk is refused as a whole. */
    fx_ram(&reg_a, "A", 0x100);
    memory_region_add_subregion(fx_root, 0x2f00, &reg_a);
    ck_assert(address_space_access_valid(fx_as, 0x2ff0, 0x14, false));
    ck_assert(address_space_access_valid(fx_as, 0x2ff0, 0x10, true));
    ck_assert(!address_space_access_valid(fx_as, 0x2ffc, 8, true));
}
END_TEST

/* Memcore choice: the chunk size comes from the offset in the region, so
 * a device mapped at an address that is not 4-aligned still takes a
 * 4-byte access at its offset 0. */
START_TEST(access_valid_region_offset)
{
    static FxPatternDev strict;

    fx_pattern_init(&strict, "strict", DEVICE_LITTLE_ENDIAN, false);
    strict.ops.valid.min_access_size = 4;
    strict.ops.valid.max_access_size = 4;
    fx_pattern_init_io(&strict, NULL, 0x100);
    memory_region_add_subregion(fx_root, 0x3002, &strict.mr);
    ck_assert(address_space_access_valid(fx_as, 0x3002, 4, false));
    ck_assert(address_space_access_valid(fx_as, 0x3006, 8, true));
    ck_assert(!address_space_access_valid(fx_as, 0x3004, 4, false));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("map");
    TCase *tc = tcase_create("map");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t79_map_ram_direct);
    tcase_add_test(tc, t79_map_stops_at_region_end);
    tcase_add_test(tc, t79_map_through_aliases);
    tcase_add_test(tc, t80_bounce_read);
    tcase_add_test(tc, t80_bounce_unaligned_start);
    tcase_add_test(tc, t80_map_client_when_free);
    tcase_add_test(tc, t80_map_zero_length);
    tcase_add_test(tc, t81_bounce_write_at_unmap);
    tcase_add_test(tc, t82_unmap_marks_access_len);
    tcase_add_test(tc, map_rom);
    tcase_add_test(tc, map_rom_device);
    tcase_add_test(tc, access_valid_mmio_constraints);
    tcase_add_test(tc, access_valid_region_offset);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
