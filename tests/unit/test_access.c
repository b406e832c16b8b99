/*
 * tests/unit/test_access.c — the access path (memcore/SEMANTICS.md,
 * Access path; conformance cases 36–53): how address_space_read/write
 * split MMIO accesses by impl/valid, endianness, accepts, attributes,
 * unassigned space, ROM, readonly aliases (kept quirk: inherited readonly
 * does not block writes), ROM devices, old_mmio and dispatch through an
 * alias (later fix adopted: dispatch on an alias forwards to its target);
 * plus cpu_physical_memory_write_rom (write_rom skips ROM devices outside
 * ROMD mode), address_space_access_valid (memcore choice: access_valid
 * chunks sized by the region offset), unassigned_io_ops and the target
 * byte order setting.
 *
 * Devices are the fixtures' pattern devices (read(a, k) returns the bytes
 * (a+i) & 0xff in the device's order) mapped at 0 unless a case says
 * otherwise.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static FxPatternDev dev;

static const MemTxAttrs unspec = MEMTXATTRS_UNSPECIFIED;

/* Prepare dev with byte order @endian; the caller adjusts dev.ops. */
static void dev_prepare(enum device_endian endian)
{
    fx_pattern_init(&dev, "dev", endian, false);
}

/* Create dev's region (0x1000 bytes) and map it at @addr. */
static void dev_map(hwaddr addr)
{
    fx_pattern_init_io(&dev, NULL, 0x1000);
    memory_region_add_subregion(fx_root, addr, &dev.mr);
}

static MemTxResult rd(hwaddr addr, uint8_t *buf, int len)
{
    memset(buf, 0xee, len);
    return address_space_read(fx_as, addr, unspec, buf, len);
}

static MemTxResult wr(hwaddr addr, const uint8_t *buf, int len)
{
    return address_space_write(fx_as, addr, unspec, buf, len);
}

#define assert_bytes(buf, ...)                                  \
    do {                                                        \
        const uint8_t want_[] = { __VA_ARGS__ };                \
        ck_assert_mem_eq((buf), want_, sizeof(want_));          \
    } while (0)

/* ---- 36–38: impl.max = 1 ------------------------------------------------- */

static void impl_max1_reads(enum device_endian endian)
{
    uint8_t buf[4];
    MemTxResult r;

    dev_prepare(endian);
    dev.ops.impl.max_access_size = 1;
    dev_map(0);

    ck_assert_uint_eq(rd(0x10, buf, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x10,1),(0x11,1),(0x12,1),(0x13,1)");
    assert_bytes(buf, 0x10, 0x11, 0x12, 0x13);

    fx_pattern_reset(&dev);
    r = 0xdead;
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x10, unspec, &r),
                      0x13121110);
    ck_assert_uint_eq(r, MEMTX_OK);
    fx_assert_calls(&dev, "(0x10,1),(0x11,1),(0x12,1),(0x13,1)");
    fx_pattern_reset(&dev);
    ck_assert_uint_eq(address_space_ldl_be(fx_as, 0x10, unspec, &r),
                      0x10111213);
    fx_assert_calls(&dev, "(0x10,1),(0x11,1),(0x12,1),(0x13,1)");
}

START_TEST(t36_impl_max1_le)
{
    impl_max1_reads(DEVICE_LITTLE_ENDIAN);
}
END_TEST

START_TEST(t37_impl_max1_be)
{
    impl_max1_reads(DEVICE_BIG_ENDIAN);
}
END_TEST

static void impl_max1_write(enum device_endian endian)
{
    static const uint8_t data[4] = { 0x44, 0x33, 0x22, 0x11 };

    dev_prepare(endian);
    dev.ops.impl.max_access_size = 1;
    dev_map(0);
    ck_assert_uint_eq(wr(0x10, data, 4), MEMTX_OK);
    fx_assert_calls(&dev,
                    "(0x10,0x44,1),(0x11,0x33,1),(0x12,0x22,1),(0x13,0x11,1)");
}

START_TEST(t38_impl_max1_write_le)
{
    impl_max1_write(DEVICE_LITTLE_ENDIAN);
}
END_TEST

START_TEST(t38_impl_max1_write_be)
{
    impl_max1_write(DEVICE_BIG_ENDIAN);
}
END_TEST

/* ---- 39: impl.max = 4, device byte order ----------------------------------- */

static uint64_t value_11223344(FxPatternDev *d, hwaddr addr, unsigned size)
{
    (void)d;
    (void)addr;
    (void)size;
    return 0x11223344;
}

static void impl_max4(enum device_endian endian, const uint8_t *want_buf,
                      const char *want_write)
{
    uint8_t buf[4];

    dev_prepare(endian);
    dev.ops.impl.max_access_size = 4;
    dev.read_value = value_11223344;
    dev_map(0);

    ck_assert_uint_eq(rd(0, buf, 4), MEMTX_OK);
    ck_assert_mem_eq(buf, want_buf, 4);
    fx_assert_calls(&dev, "(0x0,4)");
    fx_pattern_reset(&dev);
    address_space_stl_le(fx_as, 0, 0xAABBCCDD, unspec, NULL);
    fx_assert_calls(&dev, want_write);
}

START_TEST(t39_impl_max4_le)
{
    static const uint8_t want[4] = { 0x44, 0x33, 0x22, 0x11 };

    impl_max4(DEVICE_LITTLE_ENDIAN, want, "(0x0,0xaabbccdd,4)");
}
END_TEST

START_TEST(t39_impl_max4_be)
{
    static const uint8_t want[4] = { 0x11, 0x22, 0x33, 0x44 };

    impl_max4(DEVICE_BIG_ENDIAN, want, "(0x0,0xddccbbaa,4)");
}
END_TEST

/* ---- 40: impl.min larger than the access --------------------------------- */
/* Kept quirk: widened access at the unaligned address; later fix adopted:
 * big-endian widening shifts right. */

static uint64_t value_aabbccdd(FxPatternDev *d, hwaddr addr, unsigned size)
{
    (void)d;
    (void)addr;
    (void)size;
    return 0xAABBCCDD;
}

static void impl_min4(enum device_endian endian, uint8_t want)
{
    uint8_t buf[1];

    dev_prepare(endian);
    dev.ops.impl.min_access_size = 4;
    dev.read_value = value_aabbccdd;
    dev_map(0);
    ck_assert_uint_eq(rd(3, buf, 1), MEMTX_OK);
    fx_assert_calls(&dev, "(0x3,4)");
    ck_assert_uint_eq(buf[0], want);
}

START_TEST(t40_impl_min4_le)
{
    impl_min4(DEVICE_LITTLE_ENDIAN, 0xDD);
}
END_TEST

START_TEST(t40_impl_min4_be)
{
    impl_min4(DEVICE_BIG_ENDIAN, 0xAA);
}
END_TEST

/* ---- 41–42: default splitting --------------------------------------------- */

START_TEST(t41_default_8byte_read)
{
    uint8_t buf[8];

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev_map(0);
    ck_assert_uint_eq(rd(0, buf, 8), MEMTX_OK);
    fx_assert_calls(&dev, "(0x0,4),(0x4,4)");
    assert_bytes(buf, 0, 1, 2, 3, 4, 5, 6, 7);
}
END_TEST

START_TEST(t42_unaligned_split)
{
    uint8_t buf[4];

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev_map(0);
    ck_assert_uint_eq(rd(2, buf, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x2,2),(0x4,2)");
    assert_bytes(buf, 2, 3, 4, 5);

    fx_pattern_reset(&dev);
    ck_assert_uint_eq(rd(0, buf, 3), MEMTX_OK);
    fx_assert_calls(&dev, "(0x0,2),(0x2,1)");
    assert_bytes(buf, 0, 1, 2);
}
END_TEST

START_TEST(t42_unaligned_allowed)
{
    uint8_t buf[4];

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev.ops.impl.unaligned = true;
    dev.ops.valid.unaligned = true;
    dev.ops.valid.max_access_size = 4;
    dev_map(0);
    ck_assert_uint_eq(rd(2, buf, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x2,4)");
    assert_bytes(buf, 2, 3, 4, 5);
}
END_TEST

/* ---- 43: valid sizes without accepts ------------------------------------- */
/* Later fix adopted: valid access sizes enforced. */

START_TEST(t43_valid_sizes_enforced)
{
    uint8_t buf[8];

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev.ops.valid.min_access_size = 4;
    dev.ops.valid.max_access_size = 4;
    dev_map(0);

    ck_assert_uint_eq(rd(0, buf, 1), MEMTX_DECODE_ERROR);
    assert_bytes(buf, 0);
    ck_assert_uint_eq(rd(0, buf, 2), MEMTX_DECODE_ERROR);
    assert_bytes(buf, 0, 0);
    fx_assert_calls(&dev, "");

    ck_assert_uint_eq(rd(0, buf, 8), MEMTX_OK);
    fx_assert_calls(&dev, "(0x0,4),(0x4,4)");
    assert_bytes(buf, 0, 1, 2, 3, 4, 5, 6, 7);
}
END_TEST

/* ---- 44: accepts ------------------------------------------------------------- */

static bool refuse_writes(FxPatternDev *d, hwaddr addr, unsigned size,
                          bool is_write)
{
    (void)d;
    (void)addr;
    (void)size;
    return !is_write;
}

START_TEST(t44_accepts_refuses_writes)
{
    static const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t buf[8];

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    fx_pattern_set_accepts(&dev, refuse_writes);
    dev_map(0);

    ck_assert_uint_eq(wr(0x10, data, 8), MEMTX_DECODE_ERROR);
    fx_assert_calls(&dev, "");
    fx_assert_log(&dev.accepts_log, "(0x10,4,w)", "(0x14,4,w)");

    fx_pattern_reset(&dev);
    ck_assert_uint_eq(rd(0x10, buf, 8), MEMTX_OK);
    fx_assert_calls(&dev, "(0x10,4),(0x14,4)");
    fx_assert_log(&dev.accepts_log, "(0x10,4,r)", "(0x14,4,r)");
    assert_bytes(buf, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17);
}
END_TEST

/* ---- 45: valid.unaligned = false -------------------------------------------- */

START_TEST(t45_unaligned_refused)
{
    uint64_t v = 0xdeadbeef;

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev_map(0);
    ck_assert_uint_eq(memory_region_dispatch_read(&dev.mr, 2, &v, 4, unspec),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(memory_region_dispatch_write(&dev.mr, 2, 1, 4, unspec),
                      MEMTX_DECODE_ERROR);
    fx_assert_calls(&dev, "");
    /* Aligned, it goes through. */
    ck_assert_uint_eq(memory_region_dispatch_read(&dev.mr, 4, &v, 4, unspec),
                      MEMTX_OK);
    ck_assert_uint_eq(v, 0x07060504);
}
END_TEST

/* ---- 46: read_with_attrs ------------------------------------------------------ */

static MemTxResult error_at_offset1(FxPatternDev *d, hwaddr addr,
                                    unsigned size, bool is_write)
{
    (void)d;
    (void)size;
    (void)is_write;
    return addr == 0x11 ? MEMTX_ERROR : MEMTX_OK;
}

START_TEST(t46_read_with_attrs)
{
    MemTxAttrs attrs = { .secure = 1, .requester_id = 0x1234 };
    uint8_t buf[4];

    fx_pattern_init(&dev, "dev", DEVICE_LITTLE_ENDIAN, true);
    dev.ops.impl.max_access_size = 1;
    dev.result = error_at_offset1;
    dev_map(0);

    memset(buf, 0xee, sizeof(buf));
    ck_assert_uint_eq(address_space_read(fx_as, 0x10, attrs, buf, 4),
                      MEMTX_ERROR);
    fx_assert_calls(&dev, "(0x10,1),(0x11,1),(0x12,1),(0x13,1)");
    ck_assert_uint_eq(buf[0], 0x10);
    ck_assert_uint_eq(buf[2], 0x12);
    ck_assert_uint_eq(buf[3], 0x13);
    ck_assert_uint_eq(dev.last_attrs.requester_id, 0x1234);
    ck_assert_uint_eq(dev.last_attrs.secure, 1);
    ck_assert_uint_eq(dev.last_attrs.unspecified, 0);
    ck_assert_uint_eq(dev.last_attrs.user, 0);

    /* Writes carry the attributes too. */
    attrs.requester_id = 0x4321;
    ck_assert_uint_eq(address_space_write(fx_as, 0x20, attrs, buf, 1),
                      MEMTX_OK);
    ck_assert_uint_eq(dev.last_attrs.requester_id, 0x4321);
}
END_TEST

/* ---- 47: RAM followed by nothing ----------------------------------------------- */

static MemoryRegion ram, ram2;

static void map_ram_ab(void)
{
    fx_ram(&ram, "ram", 0x1000);
    memset(memory_region_get_ram_ptr(&ram), 0xAB, 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &ram);
}

START_TEST(t47_read_past_ram_end)
{
    uint8_t buf[4];

    map_ram_ab();
    ck_assert_uint_eq(rd(0x1ffe, buf, 4), MEMTX_DECODE_ERROR);
    assert_bytes(buf, 0xab, 0xab, 0x00, 0x00);
}
END_TEST

/* Writes past the end: the RAM part lands, the rest is discarded. */
START_TEST(t47_write_past_ram_end)
{
    static const uint8_t data[4] = { 1, 2, 3, 4 };
    uint8_t *host;

    map_ram_ab();
    host = memory_region_get_ram_ptr(&ram);
    ck_assert_uint_eq(wr(0x1ffe, data, 4), MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(host[0xffe], 1);
    ck_assert_uint_eq(host[0xfff], 2);
}
END_TEST

/* ---- 49: ROM ----------------------------------------------------------------- */

START_TEST(t49_rom_write_discarded_write_rom_lands)
{
    static const uint8_t b55 = 0x55;
    uint8_t buf[1];
    uint8_t *host;

    fx_rom(&ram, "rom", 0x1000);
    host = memory_region_get_ram_ptr(&ram);
    ck_assert_ptr_nonnull(host);
    memset(host, 0xAA, 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &ram);

    ck_assert_uint_eq(wr(0x1010, &b55, 1), MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(rd(0x1010, buf, 1), MEMTX_OK);
    ck_assert_uint_eq(buf[0], 0xAA);

    cpu_physical_memory_write_rom(fx_as, 0x1010, &b55, 1);
    ck_assert_uint_eq(rd(0x1010, buf, 1), MEMTX_OK);
    ck_assert_uint_eq(buf[0], 0x55);
    ck_assert_uint_eq(host[0x10], 0x55);
    ck_assert_uint_eq(host[0x11], 0xAA);
}
END_TEST

/*
 * write_rom (SEMANTICS.md, write_rom) over ROM | MMIO | RAM | unassigned |
 * ROM device in ROMD mode | ROM device outside ROMD mode: RAM-backed parts
 * and the ROMD device get the bytes, nothing is called, the rest is
 * skipped.
 */
static FxPatternDev romd_on, romd_off;

START_TEST(t49_write_rom_over_every_kind)
{
    uint8_t data[0x6000];
    uint8_t *rom_host, *ram_host, *on_host, *off_host;
    Error *err = NULL;

    fx_rom(&ram, "rom", 0x1000);
    memory_region_add_subregion(fx_root, 0x0, &ram);
    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev_map(0x1000);
    fx_ram(&ram2, "ram2", 0x1000);
    memory_region_add_subregion(fx_root, 0x2000, &ram2);
    /* 0x3000-0x3fff: nothing */
    fx_pattern_init(&romd_on, "romd_on", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&romd_on.mr, NULL, &romd_on.ops, &romd_on,
                                  "romd_on", 0x1000, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x4000, &romd_on.mr);
    fx_pattern_init(&romd_off, "romd_off", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&romd_off.mr, NULL, &romd_off.ops,
                                  &romd_off, "romd_off", 0x1000, &err);
    ck_assert_ptr_null(err);
    memory_region_rom_device_set_romd(&romd_off.mr, false);
    memory_region_add_subregion(fx_root, 0x5000, &romd_off.mr);

    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = 0x5a;
    }
    cpu_physical_memory_write_rom(fx_as, 0, data, sizeof(data));

    rom_host = memory_region_get_ram_ptr(&ram);
    ram_host = memory_region_get_ram_ptr(&ram2);
    on_host = memory_region_get_ram_ptr(&romd_on.mr);
    off_host = memory_region_get_ram_ptr(&romd_off.mr);
    ck_assert_ptr_nonnull(on_host);
    ck_assert_ptr_nonnull(off_host);
    for (unsigned i = 0; i < 0x1000; i++) {
        ck_assert_uint_eq(rom_host[i], 0x5a);
        ck_assert_uint_eq(ram_host[i], 0x5a);
        ck_assert_uint_eq(on_host[i], 0x5a);
        ck_assert_uint_eq(off_host[i], 0);
    }
    fx_assert_calls(&dev, "");
    fx_assert_calls(&romd_on, "");
    fx_assert_calls(&romd_off, "");
}
END_TEST

/* ---- 50: readonly alias -------------------------------------------------- */
/* Kept quirk: inherited readonly does not block writes. */

static MemoryRegion alias;

START_TEST(t50_readonly_alias_still_writable)
{
    static const uint8_t b = 0x77;
    FxListener l;
    char *mtree;

    fx_ram(&ram, "R", 0x1000);
    memory_region_init_alias(&alias, NULL, "A", &ram, 0, 0x1000);
    memory_region_set_readonly(&alias, true);
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_add_subregion(fx_root, 0x2000, &alias);

    ck_assert_uint_eq(wr(0x2010, &b, 1), MEMTX_OK);
    ck_assert_uint_eq(((uint8_t *)memory_region_get_ram_ptr(&ram))[0x10],
                      0x77);
    fx_assert_fv(fx_as, "[2000-2fff] R@0 ro");
    fx_assert_log(&l.log, "begin", "add 0x2000-0x2fff R@0 ro", "commit");
    mtree = fx_mtree(MTREE_FLATVIEW);
    ck_assert_msg(strstr(mtree, "\n  0000000000002000-0000000000002fff "
                                "(prio 0, rom): R\n") != NULL,
                  "mtree -f:\n%s", mtree);
    free(mtree);
    fx_listener_unregister(&l);
}
END_TEST

/* ---- 51: ROM device ------------------------------------------------------------ */

START_TEST(t51_rom_device)
{
    static const uint8_t data[4] = { 0x44, 0x33, 0x22, 0x11 };
    uint8_t buf[4];
    uint8_t *host;
    Error *err = NULL;

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    memory_region_init_rom_device(&dev.mr, NULL, &dev.ops, &dev, "F", 0x1000,
                                  &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0x1000, &dev.mr);
    host = memory_region_get_ram_ptr(&dev.mr);
    ck_assert_ptr_nonnull(host);

    ck_assert_uint_eq(rd(0x1010, buf, 4), MEMTX_OK);
    assert_bytes(buf, 0, 0, 0, 0);
    fx_assert_calls(&dev, "");

    ck_assert_uint_eq(wr(0x1010, data, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x10,0x11223344,4)");
    ck_assert_uint_eq(rd(0x1010, buf, 4), MEMTX_OK);
    assert_bytes(buf, 0, 0, 0, 0);
    ck_assert_uint_eq(host[0x10], 0);

    fx_pattern_reset(&dev);
    memory_region_rom_device_set_romd(&dev.mr, false);
    ck_assert_uint_eq(rd(0x1010, buf, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x10,4)");
    assert_bytes(buf, 0x10, 0x11, 0x12, 0x13);

    /* Back in ROMD mode the RAM is read again. */
    fx_pattern_reset(&dev);
    memory_region_rom_device_set_romd(&dev.mr, true);
    ck_assert_uint_eq(rd(0x1010, buf, 4), MEMTX_OK);
    assert_bytes(buf, 0, 0, 0, 0);
    fx_assert_calls(&dev, "");
}
END_TEST

/* ---- 52: old_mmio ---------------------------------------------------------------- */

static FxLog old_log;

static uint32_t old_read(int idx, hwaddr addr)
{
    unsigned size = 1u << idx;
    uint32_t v = 0;

    fx_log_add(&old_log, "read[%d](0x%llx)", idx, (unsigned long long)addr);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)((addr + i) & 0xff) << (8 * i);
    }
    return v;
}

static uint32_t old_read0(void *o, hwaddr a) { (void)o; return old_read(0, a); }
static uint32_t old_read1(void *o, hwaddr a) { (void)o; return old_read(1, a); }
static uint32_t old_read2(void *o, hwaddr a) { (void)o; return old_read(2, a); }

static void old_write(int idx, hwaddr addr, uint32_t v)
{
    fx_log_add(&old_log, "write[%d](0x%llx,0x%x)", idx,
               (unsigned long long)addr, v);
}

static void old_write0(void *o, hwaddr a, uint32_t v)
{
    (void)o;
    old_write(0, a, v);
}

static void old_write1(void *o, hwaddr a, uint32_t v)
{
    (void)o;
    old_write(1, a, v);
}

static void old_write2(void *o, hwaddr a, uint32_t v)
{
    (void)o;
    old_write(2, a, v);
}

/* impl asks for 4-byte accesses, which the old_mmio path ignores. */
static const MemoryRegionOps old_ops = {
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl = { .min_access_size = 4, .max_access_size = 4 },
    .old_mmio = {
        .read = { old_read0, old_read1, old_read2 },
        .write = { old_write0, old_write1, old_write2 },
    },
};

START_TEST(t52_old_mmio)
{
    static MemoryRegion old;
    static const uint8_t data[2] = { 0x34, 0x12 };
    uint8_t buf[8];
    uint64_t v = 0;

    memory_region_init_io(&old, NULL, &old_ops, NULL, "old", 0x100);
    memory_region_add_subregion(fx_root, 0, &old);

    ck_assert_uint_eq(memory_region_dispatch_read(&old, 0, &v, 8, unspec),
                      MEMTX_OK);
    fx_assert_log(&old_log, "read[2](0x0)", "read[2](0x4)");
    ck_assert_uint_eq(v, 0x0706050403020100ull);

    fx_log_reset(&old_log);
    ck_assert_uint_eq(rd(0, buf, 8), MEMTX_OK);
    fx_assert_log(&old_log, "read[2](0x0)", "read[2](0x4)");
    assert_bytes(buf, 0, 1, 2, 3, 4, 5, 6, 7);

    fx_log_reset(&old_log);
    ck_assert_uint_eq(rd(0x10, buf, 2), MEMTX_OK);
    fx_assert_log(&old_log, "read[1](0x10)");
    assert_bytes(buf, 0x10, 0x11);

    fx_log_reset(&old_log);
    ck_assert_uint_eq(wr(0x20, data, 2), MEMTX_OK);
    fx_assert_log(&old_log, "write[1](0x20,0x1234)");
    fx_log_free(&old_log);
}
END_TEST

/* ---- 53: dispatch on an alias -------------------------------------------- */
/* Later fix adopted: dispatch on an alias forwards to its target. */

START_TEST(t53_alias_dispatch_forwards)
{
    uint64_t v = 0;

    dev_prepare(DEVICE_LITTLE_ENDIAN);
    fx_pattern_init_io(&dev, NULL, 0x1000);
    memory_region_init_alias(&alias, NULL, "win", &dev.mr, 0x20, 0x100);

    ck_assert_uint_eq(memory_region_dispatch_read(&alias, 4, &v, 4, unspec),
                      MEMTX_OK);
    fx_assert_calls(&dev, "(0x24,4)");
    ck_assert_uint_eq(v, 0x27262524);

    fx_pattern_reset(&dev);
    ck_assert_uint_eq(memory_region_dispatch_write(&alias, 8, 0xabcd, 2,
                                                   unspec), MEMTX_OK);
    fx_assert_calls(&dev, "(0x28,0xabcd,2)");
}
END_TEST

/* ---- unassigned space and unassigned_io_ops ----------------------------------------- */

START_TEST(unassigned_read_write)
{
    static const uint8_t data[4] = { 1, 2, 3, 4 };
    uint8_t buf[4];

    ck_assert_uint_eq(rd(0x7000, buf, 4), MEMTX_DECODE_ERROR);
    assert_bytes(buf, 0, 0, 0, 0);
    ck_assert_uint_eq(wr(0x7000, data, 4), MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(rd(0x7000, buf, 0), MEMTX_OK);
}
END_TEST

/* The unassigned-access hook sees accesses that end on nothing; for the
 * unassigned region the offset is the address itself (SEMANTICS.md,
 * Translate). */
static FxLog hook_log;

static void unassigned_hook(hwaddr addr, bool is_write, unsigned size)
{
    fx_log_add(&hook_log, "(0x%llx,%c,%u)", (unsigned long long)addr,
               is_write ? 'w' : 'r', size);
}

START_TEST(unassigned_access_hook)
{
    static const uint8_t data[2] = { 1, 2 };
    uint8_t buf[4];

    memcore_set_unassigned_access_hook(unassigned_hook);
    ck_assert_uint_eq(rd(0x7000, buf, 4), MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(wr(0x7010, data, 2), MEMTX_DECODE_ERROR);
    memcore_set_unassigned_access_hook(NULL);
    ck_assert_uint_eq(rd(0x7000, buf, 4), MEMTX_DECODE_ERROR);
    fx_assert_log(&hook_log, "(0x7000,r,4)", "(0x7010,w,2)");
    fx_log_free(&hook_log);
}
END_TEST

/* A reservation fails like unassigned space (SEMANTICS.md, Unassigned
 * accesses). */
START_TEST(reservation_is_unassigned)
{
    static MemoryRegion resv;
    uint8_t buf[2];

    memory_region_init_reservation(&resv, NULL, "resv", 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &resv);
    ck_assert_uint_eq(rd(0x1000, buf, 2), MEMTX_DECODE_ERROR);
    assert_bytes(buf, 0, 0);
    ck_assert_uint_eq(wr(0x1000, buf, 2), MEMTX_DECODE_ERROR);
}
END_TEST

/* An I/O-port style space: root "io" with unassigned_io_ops and a device
 * inside it; ports nobody claims read all ones and succeed. */
START_TEST(unassigned_io_ops_all_ones)
{
    static MemoryRegion io;
    static AddressSpace io_as;
    static const uint8_t data[4] = { 1, 2, 3, 4 };
    uint8_t buf[8];
    MemTxResult r = 0xdead;

    memory_region_init_io(&io, NULL, &unassigned_io_ops, NULL, "io", 0x10000);
    dev_prepare(DEVICE_LITTLE_ENDIAN);
    fx_pattern_init_io(&dev, NULL, 8);
    memory_region_add_subregion(&io, 0x3f8, &dev.mr);
    address_space_init(&io_as, &io, "I/O");

    memset(buf, 0, sizeof(buf));
    ck_assert_uint_eq(address_space_read(&io_as, 0x60, unspec, buf, 1),
                      MEMTX_OK);
    assert_bytes(buf, 0xff);
    ck_assert_uint_eq(address_space_read(&io_as, 0x60, unspec, buf, 2),
                      MEMTX_OK);
    assert_bytes(buf, 0xff, 0xff);
    ck_assert_uint_eq(address_space_read(&io_as, 0x60, unspec, buf, 8),
                      MEMTX_OK);
    assert_bytes(buf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    ck_assert_uint_eq(address_space_ldl_le(&io_as, 0x64, unspec, &r),
                      0xffffffff);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_write(&io_as, 0x60, unspec, data, 4),
                      MEMTX_OK);
    /* The device itself still answers. */
    ck_assert_uint_eq(address_space_read(&io_as, 0x3f8, unspec, buf, 1),
                      MEMTX_OK);
    assert_bytes(buf, 0x00);
    ck_assert_uint_eq(address_space_read(&io_as, 0x3f9, unspec, buf, 1),
                      MEMTX_OK);
    assert_bytes(buf, 0x01);
    fx_assert_calls(&dev, "(0x0,1),(0x1,1)");

    address_space_destroy(&io_as);
}
END_TEST

/* ---- target byte order and DEVICE_NATIVE_ENDIAN ---------------------------------- */

static void native_device(bool target_big, const uint8_t *want_buf,
                          const char *want_write, uint32_t want_ldl)
{
    uint8_t buf[4];

    memcore_set_target_big_endian(target_big);
    ck_assert(memcore_target_big_endian() == target_big);
    dev_prepare(DEVICE_NATIVE_ENDIAN);
    dev.read_value = value_11223344;
    dev_map(0);

    ck_assert_uint_eq(rd(0, buf, 4), MEMTX_OK);
    ck_assert_mem_eq(buf, want_buf, 4);
    ck_assert_uint_eq(address_space_ldl(fx_as, 0, unspec, NULL), want_ldl);
    fx_pattern_reset(&dev);
    address_space_stl_le(fx_as, 0, 0xAABBCCDD, unspec, NULL);
    fx_assert_calls(&dev, want_write);
    /* The suffix-less store hands the device the value unchanged: it is
     * in the target's order, which is the device's. */
    fx_pattern_reset(&dev);
    address_space_stl(fx_as, 0, 0xAABBCCDD, unspec, NULL);
    fx_assert_calls(&dev, "(0x0,0xaabbccdd,4)");
}

START_TEST(native_endian_little_target)
{
    static const uint8_t want[4] = { 0x44, 0x33, 0x22, 0x11 };

    native_device(false, want, "(0x0,0xaabbccdd,4)", 0x11223344);
}
END_TEST

START_TEST(native_endian_big_target)
{
    static const uint8_t want[4] = { 0x11, 0x22, 0x33, 0x44 };

    native_device(true, want, "(0x0,0xddccbbaa,4)", 0x11223344);
}
END_TEST

/* A big-endian target changes nothing for RAM bytes nor for impl.max=1
 * devices (SEMANTICS.md, Endianness: the buffer is the device's bytes in
 * its own order). */
START_TEST(big_target_le_device_bytes)
{
    uint8_t buf[4];

    memcore_set_target_big_endian(true);
    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev.read_value = value_11223344;
    dev_map(0);
    ck_assert_uint_eq(rd(0, buf, 4), MEMTX_OK);
    assert_bytes(buf, 0x44, 0x33, 0x22, 0x11);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0, unspec, NULL),
                      0x11223344);
    ck_assert_uint_eq(address_space_ldl(fx_as, 0, unspec, NULL), 0x44332211);
}
END_TEST

/* ---- address_space_access_valid ------------------------------------------ */

START_TEST(access_valid_ram_rom_unassigned)
{
    fx_ram(&ram, "ram", 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &ram);
    fx_rom(&ram2, "rom", 0x1000);
    memory_region_add_subregion(fx_root, 0x2000, &ram2);

    ck_assert(address_space_access_valid(fx_as, 0x1000, 0x1000, false));
    ck_assert(address_space_access_valid(fx_as, 0x1000, 0x1000, true));
    /* ROM: reads are direct; writes end on the unassigned ops. */
    ck_assert(address_space_access_valid(fx_as, 0x2000, 0x10, false));
    ck_assert(!address_space_access_valid(fx_as, 0x2000, 0x10, true));
    /* RAM followed by ROM: readable across, not writable. */
    ck_assert(address_space_access_valid(fx_as, 0x1ff0, 0x20, false));
    ck_assert(!address_space_access_valid(fx_as, 0x1ff0, 0x20, true));
    /* Nothing at 0x3000. */
    ck_assert(!address_space_access_valid(fx_as, 0x3000, 4, false));
    ck_assert(!address_space_access_valid(fx_as, 0x2ffc, 8, false));
    ck_assert(!address_space_access_valid(fx_as, 0x0, 4, false));
}
END_TEST

START_TEST(access_valid_mmio_sizes)
{
    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev.ops.valid.min_access_size = 4;
    dev.ops.valid.max_access_size = 4;
    dev_map(0x4000);

    ck_assert(address_space_access_valid(fx_as, 0x4000, 4, false));
    ck_assert(address_space_access_valid(fx_as, 0x4000, 8, true));
    ck_assert(!address_space_access_valid(fx_as, 0x4000, 2, false));
    ck_assert(!address_space_access_valid(fx_as, 0x4000, 1, true));
    /* 6 bytes = a 4-byte chunk and a refused 2-byte one. */
    ck_assert(!address_space_access_valid(fx_as, 0x4000, 6, false));
    /* Checking calls nothing. */
    fx_assert_calls(&dev, "");
}
END_TEST

START_TEST(access_valid_accepts)
{
    dev_prepare(DEVICE_LITTLE_ENDIAN);
    fx_pattern_set_accepts(&dev, refuse_writes);
    dev_map(0x4000);
    ck_assert(address_space_access_valid(fx_as, 0x4000, 8, false));
    ck_assert(!address_space_access_valid(fx_as, 0x4000, 8, true));
    fx_assert_calls(&dev, "");
}
END_TEST

/*
 * Memcore choice: access_valid chunks sized by the region offset.  A device
 * that only takes aligned 4-byte accesses, mapped at 0x4002: a 4-byte
 * check at 0x4002 is region offset 0, one valid chunk (QEMU master would
 * size the chunk from 0x4002 and refuse it).
 */
START_TEST(access_valid_chunks_by_region_offset)
{
    dev_prepare(DEVICE_LITTLE_ENDIAN);
    dev.ops.valid.min_access_size = 4;
    dev.ops.valid.max_access_size = 4;
    dev_map(0x4002);
    ck_assert(address_space_access_valid(fx_as, 0x4002, 4, false));
    ck_assert(address_space_access_valid(fx_as, 0x4002, 8, true));
    ck_assert(!address_space_access_valid(fx_as, 0x4004, 4, false));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("access");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t36_impl_max1_le);
    tcase_add_test(tc, t37_impl_max1_be);
    tcase_add_test(tc, t38_impl_max1_write_le);
    tcase_add_test(tc, t38_impl_max1_write_be);
    tcase_add_test(tc, t39_impl_max4_le);
    tcase_add_test(tc, t39_impl_max4_be);
    tcase_add_test(tc, t40_impl_min4_le);
    tcase_add_test(tc, t40_impl_min4_be);
    tcase_add_test(tc, t41_default_8byte_read);
    tcase_add_test(tc, t42_unaligned_split);
    tcase_add_test(tc, t42_unaligned_allowed);
    tcase_add_test(tc, t43_valid_sizes_enforced);
    tcase_add_test(tc, t44_accepts_refuses_writes);
    tcase_add_test(tc, t45_unaligned_refused);
    tcase_add_test(tc, t46_read_with_attrs);
    tcase_add_test(tc, t47_read_past_ram_end);
    tcase_add_test(tc, t47_write_past_ram_end);
    tcase_add_test(tc, t49_rom_write_discarded_write_rom_lands);
    tcase_add_test(tc, t49_write_rom_over_every_kind);
    tcase_add_test(tc, t50_readonly_alias_still_writable);
    tcase_add_test(tc, t51_rom_device);
    tcase_add_test(tc, t52_old_mmio);
    tcase_add_test(tc, t53_alias_dispatch_forwards);
    tcase_add_test(tc, unassigned_read_write);
    tcase_add_test(tc, unassigned_access_hook);
    tcase_add_test(tc, reservation_is_unassigned);
    tcase_add_test(tc, unassigned_io_ops_all_ones);
    tcase_add_test(tc, native_endian_little_target);
    tcase_add_test(tc, native_endian_big_target);
    tcase_add_test(tc, big_target_le_device_bytes);
    tcase_add_test(tc, access_valid_ram_rom_unassigned);
    tcase_add_test(tc, access_valid_mmio_sizes);
    tcase_add_test(tc, access_valid_accepts);
    tcase_add_test(tc, access_valid_chunks_by_region_offset);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
