/*
 * tests/unit/test_merge_wrap.c — simplification never merges across the
 * end of a 2^64-byte region (found by tests/fuzz/fuzz_core).
 *
 * Promise (SEMANTICS.md, "Simplification"): neighbours merge when they
 * show one region at contiguous offsets.  A range that ends at the
 * region's offset 2^64 is not followed by offset 0.  Why it failed:
 * can_merge added the offsets in 64 bits, so the sum 2^64 wrapped to 0
 * and the two ranges became one claiming offsets past the region's end
 * ([0, 2^64 - 1] at offset 2^64 - 0x800).
 */
#include <check.h>
#include <stdint.h>

#include <memcore/memcore.h>

#include "check_run.h"

static MemoryRegion root, dev, alias;
static AddressSpace as;

/* The region's last 0x800 bytes at 0 (through the alias), then the
 * region itself from 0x800 on: two ranges. */
static void check_two_ranges(void)
{
    FlatView *v = address_space_get_flatview(&as);
    FlatRangeInfo a, b;
    ck_assert_uint_eq(flatview_nr_ranges(v), 2);
    ck_assert(flatview_get_range_info(v, 0, &a));
    ck_assert(flatview_get_range_info(v, 1, &b));
    ck_assert_uint_eq(a.start, 0);
    ck_assert_uint_eq(a.last, 0x7ff);
    ck_assert_ptr_eq(a.mr, &dev);
    ck_assert_uint_eq(a.offset_in_region, UINT64_MAX - 0x7ff);
    ck_assert_uint_eq(b.start, 0x800);
    ck_assert_uint_eq(b.last, UINT64_MAX);
    ck_assert_ptr_eq(b.mr, &dev);
    ck_assert_uint_eq(b.offset_in_region, 0);
    flatview_unref(v);
}

static void build(bool alias_first)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
    memory_region_init_io(&dev, NULL, NULL, NULL, "dev", UINT64_MAX);
    memory_region_init_alias(&alias, NULL, "tail", &dev, -(uint64_t)0x800,
                             0x1000);
    if (alias_first) {
        memory_region_add_subregion(&root, 0, &alias);
        memory_region_add_subregion(&root, 0x800, &dev);
    } else {
        memory_region_add_subregion(&root, 0x800, &dev);
        memory_region_add_subregion(&root, 0, &alias);
    }
}

static void teardown(void)
{
    address_space_destroy(&as);
    memory_region_del_subregion(&root, &alias);
    memory_region_del_subregion(&root, &dev);
    memory_region_destroy(&alias);
    memory_region_destroy(&dev);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}

START_TEST(alias_then_region)
{
    build(true);
    check_two_ranges();
    teardown();
}
END_TEST

START_TEST(region_then_alias)
{
    build(false);
    check_two_ranges();
    teardown();
}
END_TEST

/* A full render (global dirty logging starts one) gives the same. */
START_TEST(full_render)
{
    build(true);
    memory_global_dirty_log_start();
    check_two_ranges();
    memory_global_dirty_log_stop();
    check_two_ranges();
    teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("merge_wrap");
    TCase *tc = tcase_create("simplify");
    tcase_add_test(tc, alias_then_region);
    tcase_add_test(tc, region_then_alias);
    tcase_add_test(tc, full_render);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
