/*
 * tests/unit/test_unmap_exact.c — address_space_unmap releases exactly
 * the mapping it is given.
 *
 * Promises checked (memory.h, address_space_map/unmap): unmapping what is
 * not an outstanding mapping (a double unmap) is misuse; a mapping keeps
 * its region's owner and RAM block until *its* unmap.  Why it failed:
 * unmap looked the pointer up as "some block containing it, preferring
 * one with mappings" and dropped one of that block's mapping counts, so
 * (1) a double unmap while the block had another mapping went unnoticed
 * and stole that mapping's reference (its block was freed under it), and
 * (2) with two init_ram_ptr regions over the same memory, unmapping B's
 * mapping was charged to A (A's owner reference dropped, B not dirtied).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

static int misuses;

static void on_misuse(const char *msg)
{
    (void)msg;
    misuses++;
}

static MemoryRegion root, ram, a, b;
static AddressSpace as;
static Object owner, oa, ob;

START_TEST(double_unmap_with_other_mapping)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
    object_initialize_owner(&owner, "dev", NULL);
    memory_region_init_ram(&ram, &owner, "ram", 0x10000, &error_abort);
    memory_region_add_subregion(&root, 0x100000, &ram);
    memcore_rcu_barrier(); /* retired views' references gone first */
    unsigned r0 = object_ref_count(&owner);
    hwaddr l1 = 0x1000, l2 = 0x1000;
    uint8_t *p1 = address_space_map(&as, 0x100000, &l1, true);
    uint8_t *p2 = address_space_map(&as, 0x108000, &l2, true);
    ck_assert_ptr_nonnull(p1);
    ck_assert_ptr_nonnull(p2);
    address_space_unmap(&as, p1, l1, true, l1);
    misuses = 0;
    memcore_set_misuse_handler(on_misuse);
    address_space_unmap(&as, p1, l1, true, l1); /* double unmap */
    memcore_set_misuse_handler(NULL);
    ck_assert_msg(misuses == 1, "double unmap: %d misuse reports, "
                  "expected 1", misuses);
    ck_assert_msg(object_ref_count(&owner) == r0 + 1, "double unmap took "
                  "the other mapping's reference (%u, expected %u)",
                  object_ref_count(&owner), r0 + 1);
    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    memcore_rcu_barrier();
    memset(p2, 0xab, l2); /* still mapped: the block must be alive */
    unsigned r1 = object_ref_count(&owner);
    ck_assert_uint_ge(r1, 1);
    address_space_unmap(&as, p2, l2, true, l2);
    ck_assert_uint_eq(object_ref_count(&owner), r1 - 1);
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}
END_TEST

START_TEST(ram_ptr_overlap)
{
    void *buf = aligned_alloc(4096, 0x1000);
    ck_assert_ptr_nonnull(buf);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
    object_initialize_owner(&oa, "devA", NULL);
    object_initialize_owner(&ob, "devB", NULL);
    memory_region_init_ram_ptr(&a, &oa, "a", 0x1000, buf);
    memory_region_init_ram_ptr(&b, &ob, "b", 0x1000, buf);
    memory_region_add_subregion(&root, 0x10000, &a);
    memory_region_add_subregion(&root, 0x20000, &b);
    memory_region_set_log(&b, true, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&b, 0, 0x1000, DIRTY_MEMORY_VGA);
    /* retired views drop their references after a grace period: let
     * them go now, or one dropped mid-test looks like a wrong unmap */
    memcore_rcu_barrier();
    unsigned ra0 = object_ref_count(&oa), rb0 = object_ref_count(&ob);
    hwaddr la = 0x1000, lb = 0x1000;
    void *pa = address_space_map(&as, 0x10000, &la, false);
    void *pb = address_space_map(&as, 0x20000, &lb, true);
    ck_assert_ptr_eq(pa, pb);
    memset(pb, 0x55, 0x100);
    address_space_unmap(&as, pb, lb, true, 0x100); /* B's mapping */
    ck_assert_msg(object_ref_count(&oa) == ra0 + 1 &&
                      object_ref_count(&ob) == rb0,
                  "unmap of B's mapping charged to A: refs A %u B %u, "
                  "expected %u %u", object_ref_count(&oa),
                  object_ref_count(&ob), ra0 + 1, rb0);
    ck_assert_msg(memory_region_get_dirty(&b, 0, 0x100, DIRTY_MEMORY_VGA),
                  "B not dirty after a write through B's mapping");
    address_space_unmap(&as, pa, la, false, 0);
    ck_assert_uint_eq(object_ref_count(&oa), ra0);
    memory_region_del_subregion(&root, &a);
    memory_region_del_subregion(&root, &b);
    memory_region_destroy(&a);
    memory_region_destroy(&b);
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unmap_exact");
    TCase *tc = tcase_create("unmap_exact");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, double_unmap_with_other_mapping);
    tcase_add_test(tc, ram_ptr_overlap);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
