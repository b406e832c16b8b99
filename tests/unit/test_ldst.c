/*
 * tests/unit/test_ldst.c — the fixed-size accessors address_space_ld* and
 * address_space_st* (memcore/SEMANTICS.md, ld/st): every width and byte
 * order on RAM and on a pattern device, the suffix-less (target order)
 * variants for both target endiannesses, MemTxResult reporting, and the
 * kept quirk "ld/st across a section end is one MMIO access": an access
 * whose translation is shorter than its size goes as one MMIO access to
 * the first region (RAM answers 0 and MEMTX_DECODE_ERROR, case 48).
 *
 * RAM cases use a RAM region at 0x1000 whose byte at offset i is i & 0xff,
 * so every load has one right answer in each byte order.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

#define RAM_BASE 0x1000u
#define RAM_SIZE 0x1000u

static MemoryRegion ram;

/* Map a 0x1000-byte RAM at 0x1000 whose byte i is i & 0xff. */
static void map_counting_ram(void)
{
    uint8_t *host;

    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    host = memory_region_get_ram_ptr(&ram);
    ck_assert_ptr_nonnull(host);
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        host[i] = i & 0xff;
    }
    memory_region_add_subregion(fx_root, RAM_BASE, &ram);
}

static void read_bytes(hwaddr addr, uint8_t *buf, int len)
{
    ck_assert_uint_eq(address_space_read(fx_as, addr, MEMTXATTRS_UNSPECIFIED,
                                         buf, len), MEMTX_OK);
}

/* ---- loads from RAM ------------------------------------------------------ */

START_TEST(ld_ram_all_widths)
{
    MemTxResult r;
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    map_counting_ram();
#define LD(fn, addr, want)                                  \
    do {                                                    \
        r = 0xdead;                                         \
        ck_assert_uint_eq(fn(fx_as, (addr), a, &r), (want)); \
        ck_assert_uint_eq(r, MEMTX_OK);                     \
    } while (0)
    LD(address_space_ldub, 0x1001, 0x01);
    LD(address_space_ldub, 0x10ff, 0xff);
    LD(address_space_lduw_le, 0x1002, 0x0302);
    LD(address_space_lduw_be, 0x1002, 0x0203);
    LD(address_space_ldl_le, 0x1004, 0x07060504);
    LD(address_space_ldl_be, 0x1004, 0x04050607);
    LD(address_space_ldq_le, 0x1008, 0x0f0e0d0c0b0a0908ull);
    LD(address_space_ldq_be, 0x1008, 0x08090a0b0c0d0e0full);
    /* Target little endian (the default): no suffix = _le. */
    LD(address_space_lduw, 0x1002, 0x0302);
    LD(address_space_ldl, 0x1004, 0x07060504);
    LD(address_space_ldq, 0x1008, 0x0f0e0d0c0b0a0908ull);
    /* The last naturally aligned word of the region. */
    LD(address_space_ldq_le, 0x1ff8, 0xfffefdfcfbfaf9f8ull);
#undef LD
}
END_TEST

START_TEST(ld_ram_result_may_be_null)
{
    map_counting_ram();
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x1010,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x13121110);
    ck_assert_uint_eq(address_space_ldq_be(fx_as, 0x1010,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x1011121314151617ull);
}
END_TEST

/* ---- stores to RAM ---------------------------------------------------- */

START_TEST(st_ram_all_widths)
{
    static const struct {
        hwaddr addr;
        int len;
        uint8_t bytes[8];
    } want[] = {
        { 0x1100, 1, { 0xab } },
        { 0x1102, 2, { 0x34, 0x12 } },
        { 0x1104, 2, { 0x12, 0x34 } },
        { 0x1108, 4, { 0xdd, 0xcc, 0xbb, 0xaa } },
        { 0x110c, 4, { 0xaa, 0xbb, 0xcc, 0xdd } },
        { 0x1110, 8, { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 } },
        { 0x1118, 8, { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 } },
        /* native = little endian */
        { 0x1120, 2, { 0x34, 0x12 } },
        { 0x1124, 4, { 0xdd, 0xcc, 0xbb, 0xaa } },
        { 0x1128, 8, { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 } },
    };
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r[10];

    map_counting_ram();
    for (unsigned i = 0; i < 10; i++) {
        r[i] = 0xdead;
    }
    address_space_stb(fx_as, 0x1100, 0xab, a, &r[0]);
    address_space_stw_le(fx_as, 0x1102, 0x1234, a, &r[1]);
    address_space_stw_be(fx_as, 0x1104, 0x1234, a, &r[2]);
    address_space_stl_le(fx_as, 0x1108, 0xaabbccdd, a, &r[3]);
    address_space_stl_be(fx_as, 0x110c, 0xaabbccdd, a, &r[4]);
    address_space_stq_le(fx_as, 0x1110, 0x1122334455667788ull, a, &r[5]);
    address_space_stq_be(fx_as, 0x1118, 0x1122334455667788ull, a, &r[6]);
    address_space_stw(fx_as, 0x1120, 0x1234, a, &r[7]);
    address_space_stl(fx_as, 0x1124, 0xaabbccdd, a, &r[8]);
    address_space_stq(fx_as, 0x1128, 0x1122334455667788ull, a, &r[9]);

    for (unsigned i = 0; i < 10; i++) {
        uint8_t buf[8];

        ck_assert_msg(r[i] == MEMTX_OK, "store %u: result %u", i, r[i]);
        read_bytes(want[i].addr, buf, want[i].len);
        ck_assert_mem_eq(buf, want[i].bytes, want[i].len);
    }
    /* Bytes next to the stores are untouched: 0x1101 and 0x1103 were
     * skipped, 0x1130 follows the last store. */
    ck_assert_uint_eq(address_space_ldub(fx_as, 0x1101, a, NULL), 0x01);
    ck_assert_uint_eq(address_space_ldub(fx_as, 0x1130, a, NULL), 0x30);
}
END_TEST

START_TEST(st_ram_stl_notdirty_stores)
{
    MemTxResult r = 0xdead;

    map_counting_ram();
    address_space_stl_notdirty(fx_as, 0x1200, 0xcafef00d,
                               MEMTXATTRS_UNSPECIFIED, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_ldl(fx_as, 0x1200,
                                        MEMTXATTRS_UNSPECIFIED, NULL),
                      0xcafef00d);
}
END_TEST

/* ---- unassigned ------------------------------------------------------- */

START_TEST(ld_st_unassigned_decode_error)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r;

    map_counting_ram();
#define LD0(fn)                                              \
    do {                                                     \
        r = 0xdead;                                          \
        ck_assert_uint_eq(fn(fx_as, 0x8000, a, &r), 0);      \
        ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);            \
    } while (0)
    LD0(address_space_ldub);
    LD0(address_space_lduw_le);
    LD0(address_space_lduw_be);
    LD0(address_space_ldl_le);
    LD0(address_space_ldl_be);
    LD0(address_space_ldq_le);
    LD0(address_space_ldq_be);
    LD0(address_space_lduw);
    LD0(address_space_ldl);
    LD0(address_space_ldq);
#undef LD0
#define ST(fn, v)                                            \
    do {                                                     \
        r = 0xdead;                                          \
        fn(fx_as, 0x8000, (v), a, &r);                       \
        ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);            \
    } while (0)
    ST(address_space_stb, 1);
    ST(address_space_stw_le, 1);
    ST(address_space_stw_be, 1);
    ST(address_space_stl_le, 1);
    ST(address_space_stl_be, 1);
    ST(address_space_stq_le, 1);
    ST(address_space_stq_be, 1);
    ST(address_space_stw, 1);
    ST(address_space_stl, 1);
    ST(address_space_stq, 1);
#undef ST
}
END_TEST

/* ---- accesses crossing the end of a section (one MMIO access) ------------ */

/* Case 48: RAM [1000-1fff] filled with 0xAB, nothing above. */
START_TEST(t48_ldl_le_crossing_ram_end)
{
    MemTxResult r = 0xdead;
    uint8_t *host;

    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    host = memory_region_get_ram_ptr(&ram);
    ck_assert_ptr_nonnull(host);
    memset(host, 0xab, RAM_SIZE);
    memory_region_add_subregion(fx_root, RAM_BASE, &ram);

    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x1ffe,
                                           MEMTXATTRS_UNSPECIFIED, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
}
END_TEST

/* The same with RAM on both sides: no splitting, the access goes to the first
 * region's (unassigned) ops although every byte is RAM. */
START_TEST(crossing_section_end_into_next_ram)
{
    static MemoryRegion ram2;
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r;
    uint8_t buf[4];

    map_counting_ram();
    memory_region_init_ram(&ram2, NULL, "ram2", 0x1000, &error_abort);
    memory_region_add_subregion(fx_root, 0x2000, &ram2);

    r = 0xdead;
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x1ffe, a, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    r = 0xdead;
    ck_assert_uint_eq(address_space_ldq_be(fx_as, 0x1ffc, a, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    r = 0xdead;
    ck_assert_uint_eq(address_space_lduw_le(fx_as, 0x1fff, a, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);

    /* The store is discarded: neither side changes. */
    r = 0xdead;
    address_space_stl_le(fx_as, 0x1ffe, 0x11223344, a, &r);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    /* address_space_read, by contrast, splits at the section end:
     * both sides are readable and unchanged. */
    read_bytes(0x1ffe, buf, 4);
    ck_assert_uint_eq(buf[0], 0xfe);
    ck_assert_uint_eq(buf[1], 0xff);
    ck_assert_uint_eq(buf[2], 0x00);
    ck_assert_uint_eq(buf[3], 0x00);
}
END_TEST

/* ---- target big endian ------------------------------------------------ */

START_TEST(ld_st_native_big_endian_target)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    uint8_t buf[8];
    static const uint8_t w[2] = { 0x12, 0x34 };
    static const uint8_t l[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
    static const uint8_t q[8] = { 0x11, 0x22, 0x33, 0x44,
                                  0x55, 0x66, 0x77, 0x88 };

    memcore_set_target_big_endian(true);
    ck_assert(memcore_target_big_endian());
    map_counting_ram();

    ck_assert_uint_eq(address_space_lduw(fx_as, 0x1002, a, NULL), 0x0203);
    ck_assert_uint_eq(address_space_ldl(fx_as, 0x1004, a, NULL), 0x04050607);
    ck_assert_uint_eq(address_space_ldq(fx_as, 0x1008, a, NULL),
                      0x08090a0b0c0d0e0full);
    /* Explicit orders do not depend on the target. */
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x1004, a, NULL),
                      0x07060504);
    ck_assert_uint_eq(address_space_ldl_be(fx_as, 0x1004, a, NULL),
                      0x04050607);

    address_space_stw(fx_as, 0x1100, 0x1234, a, NULL);
    address_space_stl(fx_as, 0x1104, 0xaabbccdd, a, NULL);
    address_space_stq(fx_as, 0x1108, 0x1122334455667788ull, a, NULL);
    read_bytes(0x1100, buf, 2);
    ck_assert_mem_eq(buf, w, 2);
    read_bytes(0x1104, buf, 4);
    ck_assert_mem_eq(buf, l, 4);
    read_bytes(0x1108, buf, 8);
    ck_assert_mem_eq(buf, q, 8);
}
END_TEST

/* ---- pattern device ------------------------------------------------------ */

#define DEV_BASE 0x4000u

static FxPatternDev dev, dev2;

/* A pattern device of 0x100 bytes at 0x4000 with byte order @endian. */
static void map_pattern(enum device_endian endian)
{
    fx_pattern_init(&dev, "dev", endian, false);
    fx_pattern_init_io(&dev, NULL, 0x100);
    memory_region_add_subregion(fx_root, DEV_BASE, &dev.mr);
}

/*
 * Loads give the bytes the device holds (pattern (a+i) & 0xff) in the
 * named order, whatever the device's own order (SEMANTICS.md,
 * Endianness); an 8-byte load is one dispatch of 8 that the default
 * impl.max (4) splits in two calls.
 */
static void check_pattern_loads(void)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r;

#define LDD(fn, want, calls)                                         \
    do {                                                             \
        fx_pattern_reset(&dev);                                      \
        r = 0xdead;                                                  \
        ck_assert_uint_eq(fn(fx_as, DEV_BASE + 0x10, a, &r), (want)); \
        ck_assert_uint_eq(r, MEMTX_OK);                              \
        fx_assert_calls(&dev, calls);                                \
    } while (0)
    LDD(address_space_ldub, 0x10, "(0x10,1)");
    LDD(address_space_lduw_le, 0x1110, "(0x10,2)");
    LDD(address_space_lduw_be, 0x1011, "(0x10,2)");
    LDD(address_space_ldl_le, 0x13121110, "(0x10,4)");
    LDD(address_space_ldl_be, 0x10111213, "(0x10,4)");
    LDD(address_space_ldq_le, 0x1716151413121110ull, "(0x10,4),(0x14,4)");
    LDD(address_space_ldq_be, 0x1011121314151617ull, "(0x10,4),(0x14,4)");
    LDD(address_space_lduw, 0x1110, "(0x10,2)");
    LDD(address_space_ldl, 0x13121110, "(0x10,4)");
    LDD(address_space_ldq, 0x1716151413121110ull, "(0x10,4),(0x14,4)");
#undef LDD
}

START_TEST(ld_pattern_le_device)
{
    map_pattern(DEVICE_LITTLE_ENDIAN);
    check_pattern_loads();
}
END_TEST

START_TEST(ld_pattern_be_device)
{
    map_pattern(DEVICE_BIG_ENDIAN);
    check_pattern_loads();
}
END_TEST

START_TEST(st_pattern_le_device)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r[10];

    map_pattern(DEVICE_LITTLE_ENDIAN);
    for (unsigned i = 0; i < 10; i++) {
        r[i] = 0xdead;
    }
    address_space_stb(fx_as, DEV_BASE + 0x20, 0xab, a, &r[0]);
    address_space_stw_le(fx_as, DEV_BASE + 0x20, 0x1234, a, &r[1]);
    address_space_stw_be(fx_as, DEV_BASE + 0x20, 0x1234, a, &r[2]);
    address_space_stl_le(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, &r[3]);
    address_space_stl_be(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, &r[4]);
    address_space_stq_le(fx_as, DEV_BASE + 0x20, 0x1122334455667788ull, a,
                         &r[5]);
    address_space_stq_be(fx_as, DEV_BASE + 0x20, 0x1122334455667788ull, a,
                         &r[6]);
    address_space_stw(fx_as, DEV_BASE + 0x20, 0x1234, a, &r[7]);
    address_space_stl(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, &r[8]);
    address_space_stq(fx_as, DEV_BASE + 0x20, 0x1122334455667788ull, a,
                      &r[9]);
    for (unsigned i = 0; i < 10; i++) {
        ck_assert_msg(r[i] == MEMTX_OK, "store %u: result %u", i, r[i]);
    }
    fx_assert_calls(&dev,
                    "(0x20,0xab,1),"
                    "(0x20,0x1234,2),(0x20,0x3412,2),"
                    "(0x20,0xaabbccdd,4),(0x20,0xddccbbaa,4),"
                    "(0x20,0x55667788,4),(0x24,0x11223344,4),"
                    "(0x20,0x44332211,4),(0x24,0x88776655,4),"
                    "(0x20,0x1234,2),(0x20,0xaabbccdd,4),"
                    "(0x20,0x55667788,4),(0x24,0x11223344,4)");
}
END_TEST

/* A big-endian device receives the values in its own order: case 39's
 * stl_le(0xAABBCCDD) -> write(0, 0xDDCCBBAA, 4). */
START_TEST(st_pattern_be_device)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    map_pattern(DEVICE_BIG_ENDIAN);
    address_space_stb(fx_as, DEV_BASE + 0x20, 0xab, a, NULL);
    address_space_stw_le(fx_as, DEV_BASE + 0x20, 0x1234, a, NULL);
    address_space_stw_be(fx_as, DEV_BASE + 0x20, 0x1234, a, NULL);
    address_space_stl_le(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, NULL);
    address_space_stl_be(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, NULL);
    address_space_stq_le(fx_as, DEV_BASE + 0x20, 0x1122334455667788ull, a,
                         NULL);
    address_space_stq_be(fx_as, DEV_BASE + 0x20, 0x1122334455667788ull, a,
                         NULL);
    fx_assert_calls(&dev,
                    "(0x20,0xab,1),"
                    "(0x20,0x3412,2),(0x20,0x1234,2),"
                    "(0x20,0xddccbbaa,4),(0x20,0xaabbccdd,4),"
                    "(0x20,0x88776655,4),(0x24,0x44332211,4),"
                    "(0x20,0x11223344,4),(0x24,0x55667788,4)");
}
END_TEST

/* Target big endian: the suffix-less accessors are the _be ones, for a
 * little-endian device as for RAM. */
START_TEST(ld_st_native_pattern_big_endian_target)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    memcore_set_target_big_endian(true);
    map_pattern(DEVICE_LITTLE_ENDIAN);
    ck_assert_uint_eq(address_space_lduw(fx_as, DEV_BASE + 0x10, a, NULL),
                      0x1011);
    ck_assert_uint_eq(address_space_ldl(fx_as, DEV_BASE + 0x10, a, NULL),
                      0x10111213);
    ck_assert_uint_eq(address_space_ldq(fx_as, DEV_BASE + 0x10, a, NULL),
                      0x1011121314151617ull);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, DEV_BASE + 0x10, a, NULL),
                      0x13121110);
    fx_pattern_reset(&dev);
    address_space_stw(fx_as, DEV_BASE + 0x20, 0x1234, a, NULL);
    address_space_stl(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, NULL);
    address_space_stl_le(fx_as, DEV_BASE + 0x20, 0xaabbccdd, a, NULL);
    fx_assert_calls(&dev, "(0x20,0x3412,2),(0x20,0xddccbbaa,4),"
                          "(0x20,0xaabbccdd,4)");
}
END_TEST

/* MemTxResult: the device's own result, and valid limits (later fix
 * adopted: valid access sizes enforced). */
static MemTxResult result_error(FxPatternDev *d, hwaddr addr, unsigned size,
                                bool is_write)
{
    (void)d;
    (void)addr;
    (void)size;
    (void)is_write;
    return MEMTX_ERROR;
}

START_TEST(ld_st_result_from_device)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r;

    fx_pattern_init(&dev, "dev", DEVICE_LITTLE_ENDIAN, true);
    dev.result = result_error;
    fx_pattern_init_io(&dev, NULL, 0x100);
    memory_region_add_subregion(fx_root, DEV_BASE, &dev.mr);

    r = 0xdead;
    /* A failing device still delivers its value (no early exit). */
    ck_assert_uint_eq(address_space_ldl_le(fx_as, DEV_BASE + 0x10, a, &r),
                      0x13121110);
    ck_assert_uint_eq(r, MEMTX_ERROR);
    r = 0xdead;
    address_space_stl_le(fx_as, DEV_BASE + 0x10, 1, a, &r);
    ck_assert_uint_eq(r, MEMTX_ERROR);
    fx_assert_calls(&dev, "(0x10,4),(0x10,0x1,4)");
}
END_TEST

START_TEST(ld_st_refused_by_valid_sizes)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r;

    fx_pattern_init(&dev, "dev", DEVICE_LITTLE_ENDIAN, false);
    dev.ops.valid.min_access_size = 1;
    dev.ops.valid.max_access_size = 2;
    fx_pattern_init_io(&dev, NULL, 0x100);
    memory_region_add_subregion(fx_root, DEV_BASE, &dev.mr);

    r = 0xdead;
    ck_assert_uint_eq(address_space_ldl_le(fx_as, DEV_BASE + 0x10, a, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    r = 0xdead;
    address_space_stl_le(fx_as, DEV_BASE + 0x10, 1, a, &r);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    fx_assert_calls(&dev, "");
    r = 0xdead;
    ck_assert_uint_eq(address_space_lduw_le(fx_as, DEV_BASE + 0x10, a, &r),
                      0x1110);
    ck_assert_uint_eq(r, MEMTX_OK);
    fx_assert_calls(&dev, "(0x10,2)");
}
END_TEST

/*
 * Crossing a section end on MMIO: an 8-byte load at 0x40f8 of a 0xfc-byte
 * device followed by another device goes entirely to the first one (two
 * impl-sized calls at 0xf8 and 0xfc, the second past its end); the
 * neighbour is not called.
 */
START_TEST(crossing_section_end_mmio_goes_to_first_region)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r = 0xdead;

    fx_pattern_init(&dev, "P", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(&dev, NULL, 0xfc);
    memory_region_add_subregion(fx_root, DEV_BASE, &dev.mr);
    fx_pattern_init(&dev2, "Q", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(&dev2, NULL, 0x100);
    memory_region_add_subregion(fx_root, DEV_BASE + 0xfc, &dev2.mr);

    ck_assert_uint_eq(address_space_ldq_le(fx_as, DEV_BASE + 0xf8, a, &r),
                      0xfffefdfcfbfaf9f8ull);
    ck_assert_uint_eq(r, MEMTX_OK);
    fx_assert_calls(&dev, "(0xf8,4),(0xfc,4)");
    fx_assert_calls(&dev2, "");

    fx_pattern_reset(&dev);
    r = 0xdead;
    address_space_stq_le(fx_as, DEV_BASE + 0xf8, 0x1122334455667788ull, a,
                         &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    fx_assert_calls(&dev, "(0xf8,0x55667788,4),(0xfc,0x11223344,4)");
    fx_assert_calls(&dev2, "");
}
END_TEST

/*
 * Direct accesses stop at the section end: in ld/st a ROMD section shorter
 * than the access takes the MMIO path, like RAM crossing a section end:
 * ROM device F (0x1000, ROMD mode) at 0 and RAM at 0x1000; ldl_le(0xffe)
 * is one read(0xffe, 4) of F's ops, while an access inside F reads its
 * RAM without calling it.  (F accepts unaligned accesses: the
 * crossing load at 0xffe is not 4-byte aligned.)
 */
START_TEST(romd_crossing_takes_mmio_path)
{
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    MemTxResult r = 0xdead;
    Error *err = NULL;

    fx_pattern_init(&dev, "F", DEVICE_LITTLE_ENDIAN, false);
    /* Unaligned accesses valid, so the crossing load reaches the ops. */
    dev.ops.valid.unaligned = true;
    memory_region_init_rom_device(&dev.mr, NULL, &dev.ops, &dev, "F", 0x1000,
                                  &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0, &dev.mr);
    map_counting_ram();

    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x10, a, &r), 0);
    ck_assert_uint_eq(r, MEMTX_OK);
    fx_assert_calls(&dev, "");

    r = 0xdead;
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0xffe, a, &r), 0x0100fffe);
    ck_assert_uint_eq(r, MEMTX_OK);
    fx_assert_calls(&dev, "(0xffe,4)");
}
END_TEST


int main(void)
{
    Suite *s = suite_create("ldst");
    TCase *tc = tcase_create("ldst");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, ld_ram_all_widths);
    tcase_add_test(tc, ld_ram_result_may_be_null);
    tcase_add_test(tc, st_ram_all_widths);
    tcase_add_test(tc, st_ram_stl_notdirty_stores);
    tcase_add_test(tc, ld_st_unassigned_decode_error);
    tcase_add_test(tc, t48_ldl_le_crossing_ram_end);
    tcase_add_test(tc, crossing_section_end_into_next_ram);
    tcase_add_test(tc, ld_st_native_big_endian_target);
    tcase_add_test(tc, ld_pattern_le_device);
    tcase_add_test(tc, ld_pattern_be_device);
    tcase_add_test(tc, st_pattern_le_device);
    tcase_add_test(tc, st_pattern_be_device);
    tcase_add_test(tc, ld_st_native_pattern_big_endian_target);
    tcase_add_test(tc, ld_st_result_from_device);
    tcase_add_test(tc, ld_st_refused_by_valid_sizes);
    tcase_add_test(tc, crossing_section_end_mmio_goes_to_first_region);
    tcase_add_test(tc, romd_crossing_takes_mmio_path);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
