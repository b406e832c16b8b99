/*
 * tests/unit/test_find.c — memory_region_find and memory_region_present:
 * conformance cases 55–56 (D) and the rules of memcore/SEMANTICS.md,
 * memory_region_find.  find describes what the address space actually
 * shows (which may be another region than the one asked about), clipped to
 * the query, follows container links only (kept quirk: find follows
 * container links only), and takes a reference on the returned region's
 * owner.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static FxPatternDev B, E, Hd, Sd;
static MemoryRegion A;
static Object ownerA, ownerB;

#define assert_section(s, want_mr, want_oas, want_off, want_size)         \
    do {                                                                  \
        MemoryRegionSection s_ = (s);                                     \
        ck_assert_ptr_eq(s_.mr, (want_mr));                               \
        ck_assert_ptr_eq(s_.address_space, fx_as);                        \
        ck_assert_uint_eq(s_.offset_within_address_space, (want_oas));    \
        ck_assert_uint_eq(s_.offset_within_region, (want_off));           \
        ck_assert_uint_eq((uint64_t)s_.size, (want_size));                \
        ck_assert(!s_.readonly);                                          \
    } while (0)

/* Case 55's map: ram A (owner "ownerA") 0x1000 at 0x1000, io B (owner
 * "ownerB") 0x1000 at 0x2000. */
static void build_case55(void)
{
    object_initialize_owner(&ownerA, "ownerA", NULL);
    object_initialize_owner(&ownerB, "ownerB", NULL);
    memory_region_init_ram(&A, &ownerA, "A", 0x1000, &error_abort);
    memory_region_add_subregion(fx_root, 0x1000, &A);
    fx_pattern_init(&B, "B", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(&B, &ownerB, 0x1000);
    memory_region_add_subregion(fx_root, 0x2000, &B.mr);
}

/* Case 55: find clips to the query and to the range found; it takes a
 * reference on the owner, which unref gives back. */
START_TEST(t55_find_ram_and_nothing)
{
    MemoryRegionSection s;
    unsigned base;

    build_case55();
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    base = object_ref_count(&ownerA);

    s = memory_region_find(fx_root, 0x1800, 0x1000);
    assert_section(s, &A, 0x1800, 0x800, 0x800);
    ck_assert_uint_eq(object_ref_count(&ownerA), base + 1);
    memory_region_unref(s.mr);
    ck_assert_uint_eq(object_ref_count(&ownerA), base);

    s = memory_region_find(fx_root, 0x800, 0x1000);
    assert_section(s, &A, 0x1000, 0, 0x800);
    memory_region_unref(s.mr);
    ck_assert_uint_eq(object_ref_count(&ownerA), base);

    s = memory_region_find(fx_root, 0x3000, 0x10);
    ck_assert_ptr_null(s.mr);
    ck_assert_uint_eq((uint64_t)s.size, 0);
    ck_assert_uint_eq(object_ref_count(&ownerA), base);
}
END_TEST

/* Only the lowest-addressed overlap is returned, even when the next
 * range is adjacent; B's owner is not touched. */
START_TEST(t55_find_first_overlap_only)
{
    MemoryRegionSection s;
    unsigned baseA, baseB;

    build_case55();
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    baseA = object_ref_count(&ownerA);
    baseB = object_ref_count(&ownerB);
    s = memory_region_find(fx_root, 0x1f00, 0x200);
    assert_section(s, &A, 0x1f00, 0xf00, 0x100);
    ck_assert_uint_eq(object_ref_count(&ownerA), baseA + 1);
    ck_assert_uint_eq(object_ref_count(&ownerB), baseB);
    memory_region_unref(s.mr);

    s = memory_region_find(fx_root, 0x2ff0, 0x100);
    assert_section(s, &B.mr, 0x2ff0, 0xff0, 0x10);
    ck_assert_uint_eq(object_ref_count(&ownerB), baseB + 1);
    memory_region_unref(s.mr);
    ck_assert_uint_eq(object_ref_count(&ownerA), baseA);
    ck_assert_uint_eq(object_ref_count(&ownerB), baseB);
}
END_TEST

/* Case 56: addresses relative to a container; offsets relative to the
 * region returned. */
START_TEST(t56_find_in_container)
{
    static MemoryRegion C;
    MemoryRegionSection s;

    memory_region_init(&C, NULL, "C", 0x1000);
    memory_region_add_subregion(&C, 0, fx_io(&E, "E", 0x100));
    memory_region_add_subregion(fx_root, 0x4000, &C);
    s = memory_region_find(&C, 0x10, 4);
    assert_section(s, &E.mr, 0x4010, 0x10, 4);
    memory_region_unref(s.mr);
}
END_TEST

/* Case 56: a region hidden by a higher-priority sibling: find returns the
 * sibling (what the address space shows). */
START_TEST(t56_find_hidden_returns_sibling)
{
    MemoryRegionSection s;

    memory_region_add_subregion_overlap(fx_root, 0x6000,
                                        fx_io(&Hd, "H", 0x100), 0);
    memory_region_add_subregion_overlap(fx_root, 0x6000,
                                        fx_io(&Sd, "S", 0x100), 1);
    s = memory_region_find(&Hd.mr, 0x10, 4);
    assert_section(s, &Sd.mr, 0x6010, 0x10, 4);
    memory_region_unref(s.mr);
}
END_TEST

/* Case 56 (kept quirk: find follows container links only): a region
 * visible only through an alias is not found. */
START_TEST(t56_find_alias_only_not_found)
{
    static MemoryRegion T, AT;
    MemoryRegionSection s;

    fx_ram(&T, "T", 0x1000);
    memory_region_init_alias(&AT, NULL, "AT", &T, 0, 0x1000);
    memory_region_add_subregion(fx_root, 0x8000, &AT);
    fx_assert_fv(fx_as, "[8000-8fff] T@0");
    s = memory_region_find(&T, 0, 4);
    ck_assert_ptr_null(s.mr);
    ck_assert_uint_eq((uint64_t)s.size, 0);
}
END_TEST

/* Case 56: memory_region_present: something other than the container. */
START_TEST(t56_present)
{
    unsigned base;

    build_case55();
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    base = object_ref_count(&ownerA);
    ck_assert(memory_region_present(fx_root, 0x1800));
    ck_assert(!memory_region_present(fx_root, 0x3000));
    ck_assert(!memory_region_present(&A, 0));
    /* present keeps no reference. */
    ck_assert_uint_eq(object_ref_count(&ownerA), base);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("find");
    TCase *tc = tcase_create("find");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t55_find_ram_and_nothing);
    tcase_add_test(tc, t55_find_first_overlap_only);
    tcase_add_test(tc, t56_find_in_container);
    tcase_add_test(tc, t56_find_hidden_returns_sibling);
    tcase_add_test(tc, t56_find_alias_only_not_found);
    tcase_add_test(tc, t56_present);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
