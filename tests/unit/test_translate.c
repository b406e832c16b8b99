/*
 * tests/unit/test_translate.c — address_space_translate and where direct
 * accesses stop: conformance cases 28–31 (B, without IOMMUs) of
 * memcore/SEMANTICS.md, and three rules stated there: the lookup cache
 * never holds the unassigned section (Dispatch and translate, Lookup
 * cache), direct accesses to a ROM device stop at its section end (Access
 * path) and write_rom fills ROM devices in ROMD mode only (write_rom).
 *
 * translate is always called inside memcore_rcu_read_lock/unlock, since
 * the region it returns is only guaranteed to live that long.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

static FxPatternDev P, Q, DEV, F;

/* One translation, as the test sees it. */
typedef struct Xlat {
    MemoryRegion *mr;
    hwaddr xlat;
    hwaddr len;
} Xlat;

static Xlat translate(hwaddr addr, hwaddr len, bool is_write)
{
    Xlat t = { .len = len };

    memcore_rcu_read_lock();
    t.mr = address_space_translate(fx_as, addr, &t.xlat, &t.len, is_write);
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

/* ---- case 28-31 ------------------------------------------------------------ */

/* Case 28: RAM lengths are clamped to the dispatch section: the head up to
 * the next page, the whole-page body, the tail. */
START_TEST(t28_ram_len_clamped_to_section)
{
    static MemoryRegion R;

    fx_ram(&R, "R", 0x4000);
    memory_region_add_subregion(fx_root, 0x1800, &R);
    assert_xlat(translate(0x1900, 0x10000, false), &R, 0x100, 0x700);
    assert_xlat(translate(0x2000, 0x10000, false), &R, 0x800, 0x3000);
    assert_xlat(translate(0x5000, 0x10000, false), &R, 0x3800, 0x800);
    /* A short request is not lengthened. */
    assert_xlat(translate(0x2000, 0x10, true), &R, 0x800, 0x10);
}
END_TEST

/* Case 29: MMIO lengths are not clamped. */
START_TEST(t29_mmio_len_not_clamped)
{
    memory_region_add_subregion(fx_root, 0x10000, fx_io(&DEV, "dev", 0x100));
    assert_xlat(translate(0x10010, 0x1000, false), &DEV.mr, 0x10, 0x1000);
}
END_TEST

/* Case 30: an unmapped address translates to the unassigned region with
 * xlat == addr; accesses fail with zeros. */
START_TEST(t30_unassigned)
{
    static MemoryRegion R;
    Xlat t, t2;
    uint8_t buf[4] = { 0xee, 0xee, 0xee, 0xee };
    static const uint8_t zeros[4];

    fx_ram(&R, "R", 0x1000);
    memory_region_add_subregion(fx_root, 0, &R);
    t = translate(0x7000, 4, false);
    ck_assert_ptr_nonnull(t.mr);
    ck_assert_ptr_ne(t.mr, &R);
    ck_assert_ptr_ne(t.mr, fx_root);
    ck_assert(!memory_region_is_ram(t.mr));
    ck_assert_uint_eq(t.xlat, 0x7000);
    ck_assert_uint_eq(t.len, 4);
    /* One built-in unassigned region serves every hole. */
    t2 = translate(0x123456789ull, 8, true);
    ck_assert_ptr_eq(t2.mr, t.mr);
    ck_assert_uint_eq(t2.xlat, 0x123456789ull);
    ck_assert_uint_eq(t2.len, 8);

    ck_assert_uint_eq(address_space_read(fx_as, 0x7000, attrs, buf, 4),
                      MEMTX_DECODE_ERROR);
    ck_assert_mem_eq(buf, zeros, 4);
    ck_assert_uint_eq(address_space_write(fx_as, 0x7000, attrs,
                                          (const uint8_t *)"abcd", 4),
                      MEMTX_DECODE_ERROR);
}
END_TEST

/* Case 31: two devices sharing one page go through a subpage. */
START_TEST(t31_subpage)
{
    uint8_t b1 = 0xee, buf[4];
    static const uint8_t want[4] = { 0xfe, 0xff, 0x00, 0x01 };
    char *text;

    memory_region_add_subregion(fx_root, 0x1000, fx_io(&P, "P", 0x100));
    memory_region_add_subregion(fx_root, 0x1100, fx_io(&Q, "Q", 0x100));
    fx_assert_fv(fx_as, "[1000-10ff] P@0, [1100-11ff] Q@0");

    assert_xlat(translate(0x10ff, 1, false), &P.mr, 0xff, 1);
    assert_xlat(translate(0x1100, 1, false), &Q.mr, 0, 1);

    ck_assert_uint_eq(address_space_read(fx_as, 0x10ff, attrs, &b1, 1),
                      MEMTX_OK);
    ck_assert_uint_eq(b1, 0xff);
    fx_assert_calls(&P, "(0xff,1)");
    fx_assert_calls(&Q, "");
    ck_assert_uint_eq(address_space_read(fx_as, 0x1100, attrs, &b1, 1),
                      MEMTX_OK);
    ck_assert_uint_eq(b1, 0x00);
    fx_assert_calls(&Q, "(0x0,1)");

    fx_pattern_reset(&P);
    fx_pattern_reset(&Q);
    ck_assert_uint_eq(address_space_read(fx_as, 0x10fe, attrs, buf, 4),
                      MEMTX_OK);
    fx_assert_calls(&P, "(0xfe,2)");
    fx_assert_calls(&Q, "(0x0,2)");
    ck_assert_mem_eq(buf, want, 4);

    text = fx_mtree(MTREE_FLATVIEW | MTREE_DISPATCH);
    ck_assert_msg(strstr(text, "@0000000000001000..0000000000001fff (noname)"),
                  "no subpage section in:\n%s", text);
    ck_assert_msg(strstr(text, "@0000000000001000..00000000000010ff P"),
                  "no section for P in:\n%s", text);
    ck_assert_msg(strstr(text, "@0000000000001100..00000000000011ff Q"),
                  "no section for Q in:\n%s", text);
    free(text);
}
END_TEST

/* ---- lookup cache, section ends, write_rom ------------------------------- */

/* The lookup cache never holds the unassigned section: a miss must not
 * leave it there. */
START_TEST(unassigned_not_cached_unmapped_then_mapped)
{
    static MemoryRegion R;
    uint8_t *host, b = 0;
    Xlat un;

    fx_ram(&R, "R", 0x1000);
    host = memory_region_get_ram_ptr(&R);
    ck_assert_ptr_nonnull(host);
    host[0x10] = 0x5a;
    memory_region_add_subregion(fx_root, 0x1000, &R);
    memory_region_add_subregion(fx_root, 0x8000, fx_io(&DEV, "dev", 0x100));

    un = translate(0x5000, 4, false);
    ck_assert_ptr_ne(un.mr, &R);
    ck_assert_uint_eq(un.xlat, 0x5000);
    assert_xlat(translate(0x1010, 0x100, false), &R, 0x10, 0x100);
    assert_xlat(translate(0x9000, 4, false), un.mr, 0x9000, 4);
    assert_xlat(translate(0x8004, 4, false), &DEV.mr, 4, 4);
    assert_xlat(translate(0x5000, 4, false), un.mr, 0x5000, 4);

    /* The same through the access path. */
    ck_assert_uint_eq(address_space_read(fx_as, 0x5000, attrs, &b, 1),
                      MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(address_space_read(fx_as, 0x1010, attrs, &b, 1),
                      MEMTX_OK);
    ck_assert_uint_eq(b, 0x5a);
}
END_TEST

static uint8_t *romd_host;
static uint8_t *ram_host;

/* Set-up for "direct accesses stop at the section end": ROM device F (ROMD
 * mode) of 0x1000 at 0 whose byte i is i & 0xff, and RAM of 0x1000 at
 * 0x1000 whose byte i is 0x80 | (i & 0x7f). */
static void build_romd_then_ram(void)
{
    static MemoryRegion R;
    Error *err = NULL;

    fx_pattern_init(&F, "F", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&F.mr, NULL, &F.ops, &F, "F", 0x1000, &err);
    ck_assert_ptr_null(err);
    romd_host = memory_region_get_ram_ptr(&F.mr);
    ck_assert_ptr_nonnull(romd_host);
    for (unsigned i = 0; i < 0x1000; i++) {
        romd_host[i] = i & 0xff;
    }
    fx_ram(&R, "R", 0x1000);
    ram_host = memory_region_get_ram_ptr(&R);
    ck_assert_ptr_nonnull(ram_host);
    for (unsigned i = 0; i < 0x1000; i++) {
        ram_host[i] = 0x80 | (i & 0x7f);
    }
    memory_region_add_subregion(fx_root, 0, &F.mr);
    memory_region_add_subregion(fx_root, 0x1000, &R);
}

/* A ROMD read crossing into the next region stops at F's end. */
START_TEST(romd_read_stops_at_section_end)
{
    uint8_t buf[0x20], want[0x20];

    build_romd_then_ram();
    for (unsigned i = 0; i < 0x10; i++) {
        want[i] = 0xf0 + i;
        want[0x10 + i] = 0x80 + i;
    }
    memset(buf, 0xee, sizeof(buf));
    ck_assert_uint_eq(address_space_read(fx_as, 0xff0, attrs, buf, 0x20),
                      MEMTX_OK);
    ck_assert_mem_eq(buf, want, 0x20);
    fx_assert_calls(&F, "");
}
END_TEST

/* write_rom across the same boundary fills both, no more. */
START_TEST(write_rom_stops_at_section_end)
{
    uint8_t buf[0x20];

    build_romd_then_ram();
    memset(buf, 0x33, sizeof(buf));
    cpu_physical_memory_write_rom(fx_as, 0xff0, buf, 0x20);
    for (unsigned i = 0; i < 0x10; i++) {
        ck_assert_uint_eq(romd_host[0xff0 + i], 0x33);
        ck_assert_uint_eq(ram_host[i], 0x33);
    }
    ck_assert_uint_eq(romd_host[0xfef], 0xef);
    ck_assert_uint_eq(ram_host[0x10], 0x90);
    fx_assert_calls(&F, "");
}
END_TEST

/* write_rom copies into a ROM device in ROMD mode; outside ROMD mode
 * it is skipped like MMIO: no copy, no device call. */
START_TEST(write_rom_romd_only)
{
    static const uint8_t data[4] = { 0xde, 0xad, 0xbe, 0xef };
    static const uint8_t orig200[4] = { 0x00, 0x01, 0x02, 0x03 };

    build_romd_then_ram();
    cpu_physical_memory_write_rom(fx_as, 0x100, data, 4);
    ck_assert_mem_eq(romd_host + 0x100, data, 4);
    fx_assert_calls(&F, "");

    memory_region_rom_device_set_romd(&F.mr, false);
    cpu_physical_memory_write_rom(fx_as, 0x200, data, 4);
    ck_assert_mem_eq(romd_host + 0x200, orig200, 4);
    fx_assert_calls(&F, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("translate");
    TCase *tc = tcase_create("translate");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t28_ram_len_clamped_to_section);
    tcase_add_test(tc, t29_mmio_len_not_clamped);
    tcase_add_test(tc, t30_unassigned);
    tcase_add_test(tc, t31_subpage);
    tcase_add_test(tc, unassigned_not_cached_unmapped_then_mapped);
    tcase_add_test(tc, romd_read_stops_at_section_end);
    tcase_add_test(tc, write_rom_stops_at_section_end);
    tcase_add_test(tc, write_rom_romd_only);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
