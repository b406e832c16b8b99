/*
 * tests/unit/test_listener.c — memory listeners (memcore/SEMANTICS.md,
 * Listeners; conformance cases 63–70 and 73–74): the registration replay,
 * the per-commit diff (del before add, nop for unchanged ranges), listener
 * order by priority and range-major delivery, address-space filters (kept
 * quirk: begin, commit and global log callbacks reach every listener),
 * dirty-log callbacks, unregistration (later fix adopted: unregister
 * replays removal) and address_space_destroy (silent: no callbacks at
 * all).
 *
 * Listeners are the fixtures' recording listeners; a shared log records
 * "NAME: entry" when the interleaving of several listeners matters.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static MemoryRegion reg_a, reg_c, reg_r, reg_s, reg_t, reg_x,
    reg_y, reg_z, reg_u;
static FxPatternDev dev_b;

/* The FV {A [0-fff] RAM, B [2000-20ff] io} of cases 63 and 74. */
static void map_a_and_b(void)
{
    fx_ram(&reg_a, "A", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_a);
    memory_region_add_subregion(fx_root, 0x2000, fx_io(&dev_b, "B", 0x100));
}

/* A second root + address space, for filter cases. */
static MemoryRegion root2;
static AddressSpace as2;

static void make_as2(void)
{
    memory_region_init(&root2, NULL, "root2", UINT64_MAX);
    address_space_init(&as2, &root2, "as2");
}

/* ---- 63: registration replay -------------------------------------------- */

START_TEST(t63_register_replay)
{
    FxListener l;

    map_a_and_b();
    fx_listener_init(&l, "L", 0, NULL);
    memory_listener_register(&l.ml, fx_as);
    fx_assert_log(&l.log, "begin", "add 0x0-0xfff A@0",
                  "add 0x2000-0x20ff B@0", "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* With global dirty logging on: log_global_start first, then log_start
 * after each RAM range's region_add (later fix adopted: log_start after
 * region_add on registration); MIGRATION = bit 2 only for the RAM range
 * (later fix adopted: global logging only for RAM-backed and IOMMU
 * regions). */
START_TEST(t63_register_replay_global_logging)
{
    FxListener l;

    map_a_and_b();
    memory_global_dirty_log_start();
    fx_listener_init(&l, "L", 0, NULL);
    memory_listener_register(&l.ml, fx_as);
    fx_assert_log(&l.log, "begin", "log_global_start", "add 0x0-0xfff A@0",
                  "log_start A 0 4", "add 0x2000-0x20ff B@0", "commit");
    fx_listener_unregister(&l);
    memory_global_dirty_log_stop();
}
END_TEST

/* An unfiltered listener gets one replay per address space, in creation
 * order. */
START_TEST(t63_register_replay_every_as)
{
    FxListener l;

    fx_ram(&reg_a, "A", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_a);
    make_as2();
    fx_ram(&reg_r, "Q", 0x1000);
    memory_region_add_subregion(&root2, 0x5000, &reg_r);

    fx_listener_init(&l, "L", 0, NULL);
    memory_listener_register(&l.ml, NULL);
    fx_assert_log(&l.log, "begin", "add 0x0-0xfff A@0", "commit",
                  "begin", "add 0x5000-0x5fff Q@0", "commit");
    fx_listener_unregister(&l);
    address_space_destroy(&as2);
}
END_TEST

/* ---- 64: commit diff ---------------------------------------------------------- */

START_TEST(t64_add_add_delete)
{
    FxListener l;

    fx_ram(&reg_a, "A", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_a);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_add_subregion(fx_root, 0x2000, fx_io(&dev_b, "B", 0x100));
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff A@0",
                  "add 0x2000-0x20ff B@0", "commit");

    fx_log_reset(&l.log);
    fx_ram(&reg_c, "C", 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &reg_c);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff A@0",
                  "add 0x1000-0x1fff C@0", "nop 0x2000-0x20ff B@0", "commit");

    fx_log_reset(&l.log);
    memory_region_del_subregion(fx_root, &reg_a);
    fx_assert_log(&l.log, "begin", "del 0x0-0xfff A@0",
                  "nop 0x1000-0x1fff C@0", "nop 0x2000-0x20ff B@0", "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* Within one address space all deletions come before all additions. */
START_TEST(t64_dels_before_adds)
{
    FxListener l;

    fx_ram(&reg_a, "A", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_a);
    fx_ram(&reg_c, "C", 0x1000);
    memory_region_add_subregion(fx_root, 0x4000, &reg_c);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_transaction_begin();
    memory_region_set_address(&reg_a, 0x8000);
    memory_region_set_address(&reg_c, 0x1000);
    memory_region_transaction_commit();
    fx_assert_log(&l.log, "begin", "del 0x0-0xfff A@0",
                  "del 0x4000-0x4fff C@0", "add 0x1000-0x1fff C@0",
                  "add 0x8000-0x8fff A@0", "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* ---- 65: priorities, range-major ------------------------------------------------ */

START_TEST(t65_priority_range_major)
{
    FxLog shared = { 0 };
    FxListener l1, l2;

    fx_ram(&reg_r, "R", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_r);
    fx_ram(&reg_s, "S", 0x1000);
    memory_region_add_subregion(fx_root, 0x2000, &reg_s);
    fx_ram(&reg_t, "T", 0x1000);
    memory_region_add_subregion(fx_root, 0x3000, &reg_t);
    /* Registered in the opposite order of their priorities. */
    fx_listener_register(&l2, "L2", 2, fx_as, &shared);
    fx_listener_register(&l1, "L1", 1, fx_as, &shared);

    memory_region_del_subregion(fx_root, &reg_r);
    fx_assert_log(&shared, "L1: begin", "L2: begin",
                  "L2: del 0x0-0xfff R@0", "L1: del 0x0-0xfff R@0",
                  "L1: nop 0x2000-0x2fff S@0", "L2: nop 0x2000-0x2fff S@0",
                  "L1: nop 0x3000-0x3fff T@0", "L2: nop 0x3000-0x3fff T@0",
                  "L1: commit", "L2: commit");

    fx_log_reset(&shared);
    memory_region_add_subregion(fx_root, 0, &reg_r);
    fx_assert_log(&shared, "L1: begin", "L2: begin",
                  "L1: add 0x0-0xfff R@0", "L2: add 0x0-0xfff R@0",
                  "L1: nop 0x2000-0x2fff S@0", "L2: nop 0x2000-0x2fff S@0",
                  "L1: nop 0x3000-0x3fff T@0", "L2: nop 0x3000-0x3fff T@0",
                  "L1: commit", "L2: commit");
    fx_listener_unregister(&l1);
    fx_listener_unregister(&l2);
    fx_log_free(&shared);
}
END_TEST

/* Equal priorities keep registration order (forward), reversed for
 * region_del. */
START_TEST(t65_equal_priority_registration_order)
{
    FxLog shared = { 0 };
    FxListener la, lb;

    fx_listener_register(&la, "La", 5, NULL, &shared);
    fx_listener_register(&lb, "Lb", 5, NULL, &shared);
    fx_ram(&reg_x, "X", 0x1000);
    memory_region_add_subregion(fx_root, 0x1000, &reg_x);
    fx_assert_log(&shared, "La: begin", "Lb: begin",
                  "La: add 0x1000-0x1fff X@0", "Lb: add 0x1000-0x1fff X@0",
                  "La: commit", "Lb: commit");
    fx_log_reset(&shared);
    memory_region_del_subregion(fx_root, &reg_x);
    fx_assert_log(&shared, "La: begin", "Lb: begin",
                  "Lb: del 0x1000-0x1fff X@0", "La: del 0x1000-0x1fff X@0",
                  "La: commit", "Lb: commit");
    fx_listener_unregister(&la);
    fx_listener_unregister(&lb);
    fx_log_free(&shared);
}
END_TEST

/* ---- 66: nested transaction -------------------------------------------------------- */

START_TEST(t66_nested_transaction)
{
    FxListener l;
    uint8_t buf[4];

    fx_ram(&reg_z, "Z", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_z);
    fx_ram(&reg_x, "X", 0x1000);
    fx_ram(&reg_y, "Y", 0x1000);
    memset(memory_region_get_ram_ptr(&reg_y), 0x77, 0x1000);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_transaction_begin();
    memory_region_add_subregion(fx_root, 0x1000, &reg_x);
    memory_region_transaction_begin();
    memory_region_add_subregion(fx_root, 0x2000, &reg_y);
    memory_region_transaction_commit();
    memory_region_del_subregion(fx_root, &reg_x);
    /* Still the view from before the transaction. */
    fx_assert_log_empty(&l.log);
    fx_assert_fv(fx_as, "[0-fff] Z@0");
    ck_assert_uint_eq(address_space_read(fx_as, 0x2000,
                                         MEMTXATTRS_UNSPECIFIED, buf, 4),
                      MEMTX_DECODE_ERROR);
    memory_region_transaction_commit();

    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0",
                  "add 0x2000-0x2fff Y@0", "commit");
    fx_assert_fv(fx_as, "[0-fff] Z@0, [2000-2fff] Y@0");
    ck_assert_uint_eq(address_space_read(fx_as, 0x2000,
                                         MEMTXATTRS_UNSPECIFIED, buf, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(buf[0], 0x77);
    fx_listener_unregister(&l);
}
END_TEST

/* ---- 67: no-op changes, changes of unmapped regions ----------------------------------- */

START_TEST(t67_noops_give_no_callbacks)
{
    FxListener l;

    fx_ram(&reg_z, "Z", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_z);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_set_enabled(&reg_z, true);
    memory_region_set_readonly(&reg_z, false);
    memory_region_set_address(&reg_z, 0);
    memory_region_set_size(&reg_z, 0x1000);
    memory_region_transaction_begin();
    memory_region_transaction_commit();
    fx_assert_log_empty(&l.log);
    fx_listener_unregister(&l);
}
END_TEST

START_TEST(t67_unmapped_set_enabled_full_cycle)
{
    FxListener l;

    fx_ram(&reg_z, "Z", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_z);
    fx_ram(&reg_x, "X", 0x1000);
    memory_region_add_subregion(fx_root, 0x3000, &reg_x);
    fx_ram(&reg_u, "U", 0x1000); /* never mapped */
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_set_enabled(&reg_u, false);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0",
                  "nop 0x3000-0x3fff X@0", "commit");
    fx_listener_unregister(&l);
}
END_TEST

/* ---- 68: filters (begin and commit reach every listener) ----------------- */

START_TEST(t68_filtered_listener_gets_begin_commit)
{
    FxListener l, all;

    make_as2();
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    fx_listener_register(&all, "all", 0, NULL, NULL);

    fx_ram(&reg_r, "Q", 0x1000);
    memory_region_add_subregion(&root2, 0x5000, &reg_r);
    fx_assert_log(&l.log, "begin", "commit");
    fx_assert_log(&all.log, "begin", "add 0x5000-0x5fff Q@0", "commit");

    fx_listener_unregister(&l);
    fx_listener_unregister(&all);
    address_space_destroy(&as2);
}
END_TEST

/* The untouched address space still reports its ranges as unchanged
 * (SEMANTICS.md, Incremental rendering: the listener sequence is the full
 * re-render's). */
START_TEST(t68_untouched_as_gets_nops)
{
    FxListener l;

    fx_ram(&reg_z, "Z", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_z);
    make_as2();
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    fx_ram(&reg_r, "Q", 0x1000);
    memory_region_add_subregion(&root2, 0x5000, &reg_r);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0", "commit");

    fx_listener_unregister(&l);
    address_space_destroy(&as2);
}
END_TEST

/* ---- 69: set_log ------------------------------------------------------------------------- */

START_TEST(t69_set_log_counted)
{
    FxListener l;

    fx_ram(&reg_r, "R", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_r);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_set_log(&reg_r, true, DIRTY_MEMORY_VGA);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff R@0", "log_start R 0 1",
                  "commit");
    ck_assert(memory_region_is_logging(&reg_r, DIRTY_MEMORY_VGA));

    fx_log_reset(&l.log);
    memory_region_set_log(&reg_r, true, DIRTY_MEMORY_VGA);
    fx_assert_log_empty(&l.log);
    memory_region_set_log(&reg_r, false, DIRTY_MEMORY_VGA);
    fx_assert_log_empty(&l.log);
    ck_assert(memory_region_is_logging(&reg_r, DIRTY_MEMORY_VGA));

    memory_region_set_log(&reg_r, false, DIRTY_MEMORY_VGA);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff R@0", "log_stop R 1 0",
                  "commit");
    ck_assert(!memory_region_is_logging(&reg_r, DIRTY_MEMORY_VGA));
    fx_listener_unregister(&l);
}
END_TEST

/* ---- 70: global dirty logging -------------------------------------------------------------- */

START_TEST(t70_global_dirty_log)
{
    FxLog shared = { 0 };
    FxListener l1, l2;

    map_a_and_b();
    fx_listener_register(&l2, "L2", 2, fx_as, &shared);
    fx_listener_register(&l1, "L1", 1, fx_as, &shared);

    memory_global_dirty_log_start();
    fx_assert_log(&shared, "L1: log_global_start", "L2: log_global_start",
                  "L1: begin", "L2: begin",
                  "L1: nop 0x0-0xfff A@0", "L2: nop 0x0-0xfff A@0",
                  "L1: log_start A 0 4", "L2: log_start A 0 4",
                  "L1: nop 0x2000-0x20ff B@0", "L2: nop 0x2000-0x20ff B@0",
                  "L1: commit", "L2: commit");
    ck_assert(memory_region_is_logging(&reg_a, DIRTY_MEMORY_MIGRATION));
    ck_assert(!memory_region_is_logging(&dev_b.mr, DIRTY_MEMORY_MIGRATION));

    fx_log_reset(&shared);
    memory_global_dirty_log_start(); /* already on: a no-op */
    fx_assert_log_empty(&shared);

    memory_global_dirty_log_stop();
    fx_assert_log(&shared, "L1: begin", "L2: begin",
                  "L1: nop 0x0-0xfff A@0", "L2: nop 0x0-0xfff A@0",
                  "L2: log_stop A 4 0", "L1: log_stop A 4 0",
                  "L1: nop 0x2000-0x20ff B@0", "L2: nop 0x2000-0x20ff B@0",
                  "L1: commit", "L2: commit",
                  "L2: log_global_stop", "L1: log_global_stop");
    fx_log_reset(&shared);
    memory_global_dirty_log_stop(); /* already off: a no-op */
    fx_assert_log_empty(&shared);

    fx_listener_unregister(&l1);
    fx_listener_unregister(&l2);
    fx_log_free(&shared);
}
END_TEST

/* Kept quirk: log_global_start/stop, begin and commit also reach a
 * listener filtered on an address space that has nothing in it. */
START_TEST(t70_global_dirty_log_reaches_filtered_listener)
{
    FxListener l;

    map_a_and_b();
    make_as2();
    fx_listener_register(&l, "L", 0, &as2, NULL);
    memory_global_dirty_log_start();
    fx_assert_log(&l.log, "log_global_start", "begin", "commit");
    fx_log_reset(&l.log);
    memory_global_dirty_log_stop();
    fx_assert_log(&l.log, "begin", "commit", "log_global_stop");
    fx_listener_unregister(&l);
    address_space_destroy(&as2);
}
END_TEST

/* ---- 73: address_space_destroy (silent) ---------------------------------- */

START_TEST(t73_destroy_as_no_callbacks)
{
    FxListener all, l2;

    fx_ram(&reg_z, "Z", 0x1000);
    memory_region_add_subregion(fx_root, 0, &reg_z);
    fx_listener_register(&all, "all", 0, NULL, NULL);
    make_as2();
    fx_ram(&reg_r, "Q", 0x1000);
    memory_region_add_subregion(&root2, 0x5000, &reg_r);
    fx_listener_register(&l2, "L2", 0, &as2, NULL);
    fx_log_reset(&all.log);

    /* The listener filtered on as2 goes first and hears about its ranges
     * going away (unregister replays removal); the others hear nothing. */
    memory_listener_unregister(&l2.ml);
    fx_assert_log(&l2.log, "begin", "del 0x5000-0x5fff Q@0", "commit");
    fx_assert_log_empty(&all.log);
    fx_log_free(&l2.log);

    address_space_destroy(&as2);
    fx_assert_log_empty(&all.log);
    /* The remaining address space is untouched. */
    fx_assert_fv(fx_as, "[0-fff] Z@0");
    fx_listener_unregister(&all);
}
END_TEST

/* ---- 74: unregistration (replays removal) -------------------------------- */

START_TEST(t74_unregister_replay)
{
    FxListener l, other;

    map_a_and_b();
    memory_region_set_log(&reg_a, true, DIRTY_MEMORY_VGA);
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    fx_listener_register(&other, "other", 1, fx_as, NULL);

    memory_listener_unregister(&l.ml);
    fx_assert_log(&l.log, "begin", "log_stop A 1 0", "del 0x0-0xfff A@0",
                  "del 0x2000-0x20ff B@0", "commit");
    fx_assert_log_empty(&other.log);

    /* A second unregister is a no-op, and changes no longer reach it. */
    fx_log_reset(&l.log);
    memory_listener_unregister(&l.ml);
    fx_ram(&reg_c, "C", 0x1000);
    memory_region_add_subregion(fx_root, 0x8000, &reg_c);
    fx_assert_log_empty(&l.log);
    fx_assert_log(&other.log, "begin", "nop 0x0-0xfff A@0",
                  "nop 0x2000-0x20ff B@0", "add 0x8000-0x8fff C@0", "commit");
    fx_log_free(&l.log);
    fx_listener_unregister(&other);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("listener");
    TCase *tc = tcase_create("listener");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, t63_register_replay);
    tcase_add_test(tc, t63_register_replay_global_logging);
    tcase_add_test(tc, t63_register_replay_every_as);
    tcase_add_test(tc, t64_add_add_delete);
    tcase_add_test(tc, t64_dels_before_adds);
    tcase_add_test(tc, t65_priority_range_major);
    tcase_add_test(tc, t65_equal_priority_registration_order);
    tcase_add_test(tc, t66_nested_transaction);
    tcase_add_test(tc, t67_noops_give_no_callbacks);
    tcase_add_test(tc, t67_unmapped_set_enabled_full_cycle);
    tcase_add_test(tc, t68_filtered_listener_gets_begin_commit);
    tcase_add_test(tc, t68_untouched_as_gets_nops);
    tcase_add_test(tc, t69_set_log_counted);
    tcase_add_test(tc, t70_global_dirty_log);
    tcase_add_test(tc, t70_global_dirty_log_reaches_filtered_listener);
    tcase_add_test(tc, t73_destroy_as_no_callbacks);
    tcase_add_test(tc, t74_unregister_replay);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
