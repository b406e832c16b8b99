/*
 * tests/unit/test_lifetime.c — lifetimes and scale: conformance case 85
 * (a FlatView held across a removal keeps the region's owner referenced
 * until it is dropped and a grace period passes), case 86 (10,000 RAM
 * regions in one transaction), address_space_init_shareable, and two
 * adopted fixes of memcore/SEMANTICS.md (Owners and references): no owner
 * self-reference (a container refs a subregion's owner only when owners
 * differ) and merged ranges give their references back; and the cost of a
 * 4 GiB RAM region (address space only, not resident memory).
 *
 * Owner reference counts are read with object_ref_count(); a "baseline"
 * is the count before the region is mapped.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

/* ---- case 85: RCU ------------------------------------------------------------ */

START_TEST(t85_held_view_keeps_owner_referenced)
{
    static Object owner;
    static MemoryRegion R;
    MemoryRegionSection s, found;
    FlatView *fv;
    MemoryRegion *mr;
    hwaddr xlat, len = 4;
    unsigned base;

    object_initialize_owner(&owner, "ownerR", NULL);
    memory_region_init_ram(&R, &owner, "R", 0x1000, &error_abort);
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    base = object_ref_count(&owner);
    memory_region_add_subregion(fx_root, 0x1000, &R);
    ck_assert_uint_gt(object_ref_count(&owner), base);

    fv = address_space_get_flatview(fx_as);
    ck_assert_ptr_nonnull(fv);
    memory_region_del_subregion(fx_root, &R);

    /* The held view still lists R, and keeps its owner alive. */
    ck_assert_uint_eq(flatview_nr_ranges(fv), 1);
    ck_assert(flatview_get_range(fv, 0, &s));
    ck_assert_ptr_eq(s.mr, &R);
    ck_assert_uint_eq(s.offset_within_address_space, 0x1000);
    ck_assert_uint_eq((uint64_t)s.size, 0x1000);
    ck_assert(!flatview_get_range(fv, 1, &s));
    ck_assert_uint_gt(object_ref_count(&owner), base);

    /* New readers never see R. */
    fx_assert_fv(fx_as, "");
    memcore_rcu_read_lock();
    mr = address_space_translate(fx_as, 0x1000, &xlat, &len, false);
    ck_assert_ptr_ne(mr, &R);
    memcore_rcu_read_unlock();
    found = memory_region_find(fx_root, 0x1000, 1);
    ck_assert_ptr_null(found.mr);

    flatview_unref(fv);
    memcore_rcu_barrier();
    ck_assert_uint_eq(object_ref_count(&owner), base);
}
END_TEST

/* ---- case 86: scale ------------------------------------------------------------ */

#define N86 10000u

/* Reachable from a static so leak checkers do not flag the regions left
 * mapped in the root after the test. */
static MemoryRegion *regs86;

START_TEST(t86_ten_thousand_regions_one_transaction)
{
    FlatView *fv;
    MemoryRegionSection s;
    char name[16];
    unsigned bad = 0;

    regs86 = calloc(N86, sizeof(*regs86));
    ck_assert_ptr_nonnull(regs86);
    memory_region_transaction_begin();
    for (unsigned i = 0; i < N86; i++) {
        snprintf(name, sizeof(name), "r%u", i);
        fx_ram(&regs86[i], name, 0x1000);
        memory_region_add_subregion(fx_root, (hwaddr)i * 0x1000, &regs86[i]);
    }
    memory_region_transaction_commit();

    fv = address_space_get_flatview(fx_as);
    ck_assert_uint_eq(flatview_nr_ranges(fv), N86);
    for (unsigned i = 0; i < N86; i++) {
        ck_assert(flatview_get_range(fv, i, &s));
        if (s.mr != &regs86[i] ||
            s.offset_within_address_space != (hwaddr)i * 0x1000 ||
            s.offset_within_region != 0 || (uint64_t)s.size != 0x1000) {
            bad++;
        }
    }
    flatview_unref(fv);
    ck_assert_uint_eq(bad, 0);

    memcore_rcu_read_lock();
    for (unsigned i = 0; i < N86; i++) {
        hwaddr xlat = 0, len = 0x2000;
        MemoryRegion *mr = address_space_translate(fx_as,
                                                   (hwaddr)i * 0x1000 + 0x10,
                                                   &xlat, &len, false);

        if (mr != &regs86[i] || xlat != 0x10 || len != 0xff0) {
            if (!bad) {
                fprintf(stderr, "page %u: mr %s xlat %#llx len %#llx\n", i,
                        mr ? memory_region_name(mr) : "NULL",
                        (unsigned long long)xlat, (unsigned long long)len);
            }
            bad++;
        }
    }
    memcore_rcu_read_unlock();
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* ---- shareable address spaces ------------------------------------------------- */

/* Whether @as is in the list of live address spaces. */
static bool as_listed(AddressSpace *as)
{
    bool found = false;

    memcore_lock();
    for (AddressSpace *a = address_space_first(); a;
         a = address_space_next(a)) {
        found |= a == as;
    }
    memcore_unlock();
    return found;
}

START_TEST(init_shareable_same_root_same_as)
{
    static MemoryRegion other;
    AddressSpace *as1, *as2, *as3;

    as1 = address_space_init_shareable(fx_root, "shared");
    as2 = address_space_init_shareable(fx_root, "shared-again");
    ck_assert_ptr_nonnull(as1);
    ck_assert_ptr_eq(as1, as2);
    /* Caller-allocated address spaces are not shared. */
    ck_assert_ptr_ne(as1, fx_as);
    ck_assert_str_eq(address_space_name(as1), "shared");
    ck_assert_ptr_eq(address_space_root(as1), fx_root);

    memory_region_init(&other, NULL, "other", 0x10000);
    as3 = address_space_init_shareable(&other, "other");
    ck_assert_ptr_ne(as3, as1);

    /* Counted: the first destroy leaves it alive. */
    address_space_destroy(as2);
    ck_assert(as_listed(as1));
    address_space_destroy(as1);
    ck_assert(!as_listed(as1));
    address_space_destroy(as3);
    memcore_rcu_barrier();
    ck_assert(as_listed(fx_as));
}
END_TEST

/* ---- no owner self-reference: container references ----------------------- */

START_TEST(container_refs_foreign_owner_only)
{
    static Object o, p;
    static MemoryRegion c;
    static FxPatternDev own, foreign;
    unsigned bo, bp;

    object_initialize_owner(&o, "o", NULL);
    object_initialize_owner(&p, "p", NULL);
    memory_region_init(&c, &o, "c", 0x10000);
    fx_pattern_init(&own, "own", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(&own, &o, 0x100);
    fx_pattern_init(&foreign, "foreign", DEVICE_LITTLE_ENDIAN, false);
    fx_pattern_init_io(&foreign, &p, 0x100);
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    bo = object_ref_count(&o);
    bp = object_ref_count(&p);

    /* c is not mapped anywhere, so only c itself can take references. */
    memory_region_add_subregion(&c, 0, &own.mr);
    ck_assert_uint_eq(object_ref_count(&o), bo);
    memory_region_add_subregion(&c, 0x1000, &foreign.mr);
    ck_assert_uint_eq(object_ref_count(&p), bp + 1);
    ck_assert_uint_eq(object_ref_count(&o), bo);

    memory_region_del_subregion(&c, &foreign.mr);
    ck_assert_uint_eq(object_ref_count(&p), bp);
    memory_region_del_subregion(&c, &own.mr);
    ck_assert_uint_eq(object_ref_count(&o), bo);
}
END_TEST

/* ---- merged ranges give their references back ---------------------------- */

/* Two aliases with contiguous offsets render as one merged range of R. */
START_TEST(merged_alias_ranges_release_owner)
{
    static Object o;
    static MemoryRegion R, a1, a2;
    unsigned base;

    object_initialize_owner(&o, "o", NULL);
    memory_region_init_ram(&R, &o, "R", 0x4000, &error_abort);
    memory_region_init_alias(&a1, NULL, "a1", &R, 0, 0x1000);
    memory_region_init_alias(&a2, NULL, "a2", &R, 0x1000, 0x1000);
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    base = object_ref_count(&o);

    memory_region_add_subregion(fx_root, 0, &a1);
    memory_region_add_subregion(fx_root, 0x1000, &a2);
    fx_assert_fv(fx_as, "[0-1fff] R@0");

    memory_region_del_subregion(fx_root, &a1);
    memory_region_del_subregion(fx_root, &a2);
    fx_assert_fv(fx_as, "");
    memcore_rcu_barrier();
    ck_assert_uint_eq(object_ref_count(&o), base);
}
END_TEST

/* A region split by an overlay and merged again when it is disabled. */
START_TEST(remerged_ranges_release_owner)
{
    static Object o;
    static MemoryRegion LO;
    static FxPatternDev HI;
    unsigned base;

    object_initialize_owner(&o, "o", NULL);
    memory_region_init_ram(&LO, &o, "LO", 0x10000, &error_abort);
    /* Retired views drop their references later: settle first. */
    memcore_rcu_barrier();
    base = object_ref_count(&o);

    memory_region_add_subregion(fx_root, 0, &LO);
    memory_region_add_subregion_overlap(fx_root, 0x2000,
                                        fx_io(&HI, "HI", 0x1000), 1);
    memory_region_set_enabled(&HI.mr, false);
    fx_assert_fv(fx_as, "[0-ffff] LO@0");

    memory_region_del_subregion(fx_root, &HI.mr);
    memory_region_del_subregion(fx_root, &LO);
    fx_assert_fv(fx_as, "");
    memcore_rcu_barrier();
    ck_assert_uint_eq(object_ref_count(&o), base);
}
END_TEST

/* ---- a 4 GiB RAM region is cheap ------------------------------------------------- */

/* Resident set size in bytes, from /proc/self/statm. */
static uint64_t rss_bytes(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%lu %lu", &size, &resident), 2);
    fclose(f);
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

START_TEST(ram_4gib_is_cheap)
{
    static MemoryRegion big;
    const uint64_t size = 4ull << 30;
    Error *err = NULL;
    uint64_t before, after;
    uint8_t b = 0x5a, r = 0;

    before = rss_bytes();
    memory_region_init_ram(&big, NULL, "big", size, &err);
    ck_assert_msg(err == NULL, "init_ram(4 GiB): %s",
                  err ? error_get_pretty(err) : "");
    memory_region_add_subregion(fx_root, 0x100000000ull, &big);
    ck_assert_uint_eq(memory_region_size(&big), size);
    ck_assert_uint_eq(address_space_write(fx_as, 0x100000000ull + size - 1,
                                          attrs, &b, 1), MEMTX_OK);
    ck_assert_uint_eq(address_space_read(fx_as, 0x100000000ull + size - 1,
                                         attrs, &r, 1), MEMTX_OK);
    ck_assert_uint_eq(r, 0x5a);
    after = rss_bytes();
    /* Bitmaps for 2^20 pages are well under a few MiB; 64 MiB of slack
     * still catches a zero-filled allocation (4 GiB). */
    ck_assert_msg(after < before + (64ull << 20),
                  "RSS grew from %llu to %llu bytes",
                  (unsigned long long)before, (unsigned long long)after);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lifetime");
    TCase *tc = tcase_create("lifetime");
    TCase *scale = tcase_create("scale");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t85_held_view_keeps_owner_referenced);
    tcase_add_test(tc, init_shareable_same_root_same_as);
    tcase_add_test(tc, container_refs_foreign_owner_only);
    tcase_add_test(tc, merged_alias_ranges_release_owner);
    tcase_add_test(tc, remerged_ranges_release_owner);
    tcase_add_test(tc, ram_4gib_is_cheap);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(scale, fx_setup, fx_teardown);
    /* Generous for sanitizer builds; a quadratic renderer still passes,
     * the time budget belongs to the benchmarks (case 87). */
    tcase_set_timeout(scale, 120);
    tcase_add_test(scale, t86_ten_thousand_regions_one_transaction);
    suite_add_tcase(s, scale);

    return ck_run_suite(s);
}
