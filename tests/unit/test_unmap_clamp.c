/*
 * tests/unit/test_unmap_clamp.c — dirty marking keeps to the mapping and
 * to the region's RAM block.
 *
 * Promise checked (memory.h, address_space_unmap): "marks @access_len
 * bytes dirty" of *that mapping*; memory_region_set_dirty marks pages of
 * *that region*.  Why it failed: the direct unmap passed @access_len
 * unclamped (the bounce path clamps it), and set_dirty_masked never
 * clipped to the block, so the bits of whatever block followed in
 * ram_addr space were set (and an access_len of UINT64_MAX walked 2^52
 * pages: 37 s, 2.4 GB of bitmap).
 */
#include <check.h>
#include <stdint.h>

#include <memcore/memory.h>

#include "check_run.h"

static MemoryRegion root, a, b;
static AddressSpace as;

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
    memory_region_init_ram(&a, NULL, "a", 0x1000, &error_abort);
    memory_region_init_ram(&b, NULL, "b", 0x40000, &error_abort);
    memory_region_add_subregion(&root, 0x0, &a);
    memory_region_add_subregion(&root, 0x100000, &b);
    memory_region_set_log(&a, true, DIRTY_MEMORY_VGA);
    memory_region_set_log(&b, true, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&a, 0, 0x1000, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&b, 0, 0x40000, DIRTY_MEMORY_VGA);
}

static void teardown(void)
{
    memory_region_del_subregion(&root, &a);
    memory_region_del_subregion(&root, &b);
    address_space_destroy(&as);
    memory_region_destroy(&a);
    memory_region_destroy(&b);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}

static void unmap_with(hwaddr access_len)
{
    hwaddr l = 0x1000;
    void *p = address_space_map(&as, 0x0, &l, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(l, 0x1000);
    address_space_unmap(&as, p, l, true, access_len);
    ck_assert_msg(memory_region_get_dirty(&a, 0, 0x1000, DIRTY_MEMORY_VGA),
                  "the mapping's own page is not dirty");
    ck_assert_msg(!memory_region_get_dirty(&b, 0, 0x40000,
                                           DIRTY_MEMORY_VGA),
                  "unmap(access_len 0x%" PRIx64 ") of a 0x1000 mapping of "
                  "'a' dirtied 'b'", (uint64_t)access_len);
}

START_TEST(unmap_access_len_past_mapping)
{
    unmap_with(0x80000);
}
END_TEST

START_TEST(unmap_access_len_huge)
{
    /* Bounded by the mapping: instant, no bitmap for 2^64 bytes. */
    unmap_with(UINT64_MAX);
}
END_TEST

START_TEST(set_dirty_past_region)
{
    memory_region_set_dirty(&a, 0, 0x100000);
    ck_assert(memory_region_get_dirty(&a, 0, 0x1000, DIRTY_MEMORY_VGA));
    ck_assert_msg(!memory_region_get_dirty(&b, 0, 0x40000,
                                           DIRTY_MEMORY_VGA),
                  "set_dirty(a, 0, 1 MiB) dirtied 'b'");
    /* Wholly past the end: nothing at all. */
    memory_region_reset_dirty(&a, 0, 0x1000, DIRTY_MEMORY_VGA);
    memory_region_set_dirty(&a, 0x2000, UINT64_MAX);
    ck_assert(!memory_region_get_dirty(&a, 0, 0x1000, DIRTY_MEMORY_VGA));
    ck_assert(!memory_region_get_dirty(&b, 0, 0x40000, DIRTY_MEMORY_VGA));
}
END_TEST

START_TEST(reset_dirty_past_region)
{
    memory_region_set_dirty(&b, 0, 0x1000);
    /* Clearing past a's end must not clear b's bits. */
    memory_region_reset_dirty(&a, 0, 0x200000, DIRTY_MEMORY_VGA);
    ck_assert_msg(memory_region_get_dirty(&b, 0, 0x1000, DIRTY_MEMORY_VGA),
                  "reset_dirty(a, 0, 2 MiB) cleared 'b'");
    ck_assert(memory_region_test_and_clear_dirty(&b, 0, 0x1000,
                                                 DIRTY_MEMORY_VGA));
    memory_region_set_dirty(&b, 0, 0x1000);
    ck_assert(!memory_region_test_and_clear_dirty(&a, 0, 0x200000,
                                                  DIRTY_MEMORY_VGA));
    ck_assert(memory_region_get_dirty(&b, 0, 0x1000, DIRTY_MEMORY_VGA));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unmap_clamp");
    TCase *tc = tcase_create("clamp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, unmap_access_len_past_mapping);
    tcase_add_test(tc, unmap_access_len_huge);
    tcase_add_test(tc, set_dirty_past_region);
    tcase_add_test(tc, reset_dirty_past_region);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
