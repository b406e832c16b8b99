/*
 * tests/unit/test_transaction.c — transactions (memcore/SEMANTICS.md,
 * Transactions): nesting, only the outermost commit publishing, readers
 * seeing the previous view until then, commits with nothing pending
 * staying silent, full cycles for set_enabled/set_size of unmapped regions
 * and for address_space_init,
 * and a listener's commit callback opening a transaction of its own (later
 * fix adopted: pending flags cleared before commit callbacks).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static MemoryRegion reg_x, reg_y, reg_z, reg_u, reg_r1, reg_r2;

static MemoryRegion *ram_filled(MemoryRegion *mr, const char *name,
                                uint8_t fill)
{
    fx_ram(mr, name, 0x1000);
    memset(memory_region_get_ram_ptr(mr), fill, 0x1000);
    return mr;
}

static void map_z(void)
{
    memory_region_add_subregion(fx_root, 0, ram_filled(&reg_z, "Z", 0x5a));
}

/* ---- nesting ---------------------------------------------------------------- */

START_TEST(nested_only_outermost_commit_publishes)
{
    FxListener l;

    map_z();
    fx_ram(&reg_x, "X", 0x1000);
    fx_ram(&reg_y, "Y", 0x1000);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_transaction_begin();
    memory_region_transaction_begin();
    memory_region_add_subregion(fx_root, 0x1000, &reg_x);
    memory_region_transaction_commit();
    fx_assert_log_empty(&l.log);
    fx_assert_fv(fx_as, "[0-fff] Z@0");

    memory_region_transaction_begin();
    memory_region_transaction_begin();
    memory_region_transaction_commit();
    memory_region_transaction_commit();
    memory_region_add_subregion(fx_root, 0x2000, &reg_y);
    fx_assert_log_empty(&l.log);
    fx_assert_fv(fx_as, "[0-fff] Z@0");

    memory_region_transaction_commit();
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0",
                  "add 0x1000-0x1fff X@0", "add 0x2000-0x2fff Y@0", "commit");
    fx_assert_fv(fx_as, "[0-fff] Z@0, [1000-1fff] X@0, [2000-2fff] Y@0");
    fx_listener_unregister(&l);
}
END_TEST

/* A transaction holds the global lock until its outermost commit. */
START_TEST(transaction_holds_global_lock)
{
    ck_assert(!memcore_lock_held());
    memory_region_transaction_begin();
    ck_assert(memcore_lock_held());
    memory_region_transaction_begin();
    memory_region_transaction_commit();
    ck_assert(memcore_lock_held());
    memory_region_transaction_commit();
    ck_assert(!memcore_lock_held());
}
END_TEST

/* ---- readers see the previous view ------------------------------------------ */

START_TEST(readers_see_previous_view_until_commit)
{
    uint8_t buf[4];
    MemTxResult r = 0xdead;
    MemoryRegionSection sec;
    char *tree, *flat;
    hwaddr xlat, len = 4;
    MemoryRegion *mr;

    memory_region_add_subregion(fx_root, 0x1000,
                                ram_filled(&reg_r1, "R1", 0x11));
    ram_filled(&reg_r2, "R2", 0x22);

    memory_region_transaction_begin();
    memory_region_del_subregion(fx_root, &reg_r1);
    memory_region_add_subregion(fx_root, 0x1000, &reg_r2);

    ck_assert_uint_eq(address_space_read(fx_as, 0x1000,
                                         MEMTXATTRS_UNSPECIFIED, buf, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(buf[0], 0x11);
    ck_assert_uint_eq(buf[3], 0x11);
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x1004,
                                           MEMTXATTRS_UNSPECIFIED, &r),
                      0x11111111);
    ck_assert_uint_eq(r, MEMTX_OK);
    memcore_rcu_read_lock();
    mr = address_space_translate(fx_as, 0x1010, &xlat, &len, false);
    ck_assert_ptr_eq(mr, &reg_r1);
    ck_assert_uint_eq(xlat, 0x10);
    memcore_rcu_read_unlock();
    sec = memory_region_find(fx_root, 0x1000, 4);
    ck_assert_ptr_eq(sec.mr, &reg_r1);
    memory_region_unref(sec.mr);
    fx_assert_fv(fx_as, "[1000-1fff] R1@0");

    /* mtree -f prints the published view, the tree form the tree. */
    flat = fx_mtree(MTREE_FLATVIEW);
    ck_assert_msg(strstr(flat, "): R1\n") && !strstr(flat, "): R2\n"),
                  "mtree -f inside the transaction:\n%s", flat);
    tree = fx_mtree(0);
    ck_assert_msg(strstr(tree, "): R2\n") && !strstr(tree, "): R1\n"),
                  "mtree inside the transaction:\n%s", tree);
    free(flat);
    free(tree);

    memory_region_transaction_commit();
    ck_assert_uint_eq(address_space_read(fx_as, 0x1000,
                                         MEMTXATTRS_UNSPECIFIED, buf, 4),
                      MEMTX_OK);
    ck_assert_uint_eq(buf[0], 0x22);
    fx_assert_fv(fx_as, "[1000-1fff] R2@0");
}
END_TEST

/* ---- silent commits, intermediate states -------------------------------------- */

START_TEST(empty_commit_no_callbacks)
{
    FxListener l;

    map_z();
    fx_listener_register(&l, "L", 0, NULL, NULL);
    memory_region_transaction_begin();
    memory_region_transaction_commit();
    memory_region_transaction_begin();
    memory_region_transaction_begin();
    memory_region_transaction_commit();
    memory_region_transaction_commit();
    fx_assert_log_empty(&l.log);
    fx_listener_unregister(&l);
}
END_TEST

/* Add and delete inside one transaction: the commit runs (something was
 * pending) but reports nothing about X. */
START_TEST(intermediate_states_not_reported)
{
    FxListener l;

    map_z();
    fx_ram(&reg_x, "X", 0x1000);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_transaction_begin();
    memory_region_add_subregion(fx_root, 0x1000, &reg_x);
    memory_region_del_subregion(fx_root, &reg_x);
    memory_region_set_enabled(&reg_z, false);
    memory_region_set_enabled(&reg_z, true);
    memory_region_transaction_commit();
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0", "commit");
    fx_assert_fv(fx_as, "[0-fff] Z@0");
    fx_listener_unregister(&l);
}
END_TEST

/* ---- unmapped regions and address_space_init still commit ----------------------- */

START_TEST(unmapped_set_enabled_full_cycle)
{
    FxListener l;

    map_z();
    fx_ram(&reg_u, "U", 0x1000);
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_set_enabled(&reg_u, false);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0", "commit");
    fx_log_reset(&l.log);
    memory_region_set_enabled(&reg_u, true);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0", "commit");
    fx_listener_unregister(&l);
}
END_TEST

START_TEST(unmapped_set_size_full_cycle)
{
    FxListener l;

    map_z();
    fx_ram(&reg_u, "U", 0x1000);
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_set_size(&reg_u, 0x800);
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0", "commit");
    ck_assert_uint_eq(memory_region_size(&reg_u), 0x800);
    fx_listener_unregister(&l);
}
END_TEST

START_TEST(address_space_init_rerenders_all)
{
    static MemoryRegion root2;
    static AddressSpace as2;
    FxListener l;

    map_z();
    fx_listener_register(&l, "L", 0, fx_as, NULL);
    memory_region_init(&root2, NULL, "root2", UINT64_MAX);
    address_space_init(&as2, &root2, "as2");
    fx_assert_log(&l.log, "begin", "nop 0x0-0xfff Z@0", "commit");
    fx_listener_unregister(&l);
    address_space_destroy(&as2);
}
END_TEST

/* ---- a commit callback opens a transaction ------------------------------- */

typedef struct NestingListener {
    FxListener fx;         /* must stay first: the callbacks cast back */
    bool armed;            /* open one nested transaction, once */
    MemoryRegion *to_add;
    hwaddr at;
} NestingListener;

static void nesting_commit(MemoryListener *ml)
{
    NestingListener *n = (NestingListener *)ml;

    fx_log_add(&n->fx.log, "commit");
    if (n->fx.shared) {
        fx_log_add(n->fx.shared, "%s: commit", n->fx.name);
    }
    if (n->armed) {
        n->armed = false;
        memory_region_transaction_begin();
        memory_region_add_subregion(fx_root, n->at, n->to_add);
        memory_region_transaction_commit();
    }
}

START_TEST(commit_callback_opens_transaction)
{
    static NestingListener n;

    fx_ram(&reg_x, "X", 0x1000);
    fx_ram(&reg_y, "Y", 0x1000);
    fx_listener_init(&n.fx, "N", 0, NULL);
    n.fx.ml.commit = nesting_commit;
    memory_listener_register(&n.fx.ml, fx_as);
    fx_log_reset(&n.fx.log);
    n.to_add = &reg_y;
    n.at = 0x2000;
    n.armed = true;

    memory_region_add_subregion(fx_root, 0x1000, &reg_x);
    fx_assert_log(&n.fx.log, "begin", "add 0x1000-0x1fff X@0", "commit",
                  "begin", "nop 0x1000-0x1fff X@0", "add 0x2000-0x2fff Y@0",
                  "commit");
    fx_assert_fv(fx_as, "[1000-1fff] X@0, [2000-2fff] Y@0");
    fx_listener_unregister(&n.fx);
}
END_TEST

/* With a second listener: the nested cycle runs inside the first
 * listener's commit, before the second one's outer commit. */
START_TEST(nested_cycle_inside_outer_commit)
{
    static NestingListener n;
    FxLog shared = { 0 };
    FxListener l2;

    fx_ram(&reg_x, "X", 0x1000);
    fx_ram(&reg_y, "Y", 0x1000);
    fx_listener_init(&n.fx, "N", 1, &shared);
    n.fx.ml.commit = nesting_commit;
    memory_listener_register(&n.fx.ml, fx_as);
    fx_listener_register(&l2, "L2", 2, fx_as, &shared);
    fx_log_reset(&shared);
    n.to_add = &reg_y;
    n.at = 0x2000;
    n.armed = true;

    memory_region_add_subregion(fx_root, 0x1000, &reg_x);
    fx_assert_log(&shared, "N: begin", "L2: begin",
                  "N: add 0x1000-0x1fff X@0", "L2: add 0x1000-0x1fff X@0",
                  "N: commit",
                  "N: begin", "L2: begin",
                  "N: nop 0x1000-0x1fff X@0", "L2: nop 0x1000-0x1fff X@0",
                  "N: add 0x2000-0x2fff Y@0", "L2: add 0x2000-0x2fff Y@0",
                  "N: commit", "L2: commit",
                  "L2: commit");
    fx_assert_fv(fx_as, "[1000-1fff] X@0, [2000-2fff] Y@0");
    fx_listener_unregister(&n.fx);
    fx_listener_unregister(&l2);
    fx_log_free(&shared);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transaction");
    TCase *tc = tcase_create("transaction");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, nested_only_outermost_commit_publishes);
    tcase_add_test(tc, transaction_holds_global_lock);
    tcase_add_test(tc, readers_see_previous_view_until_commit);
    tcase_add_test(tc, empty_commit_no_callbacks);
    tcase_add_test(tc, intermediate_states_not_reported);
    tcase_add_test(tc, unmapped_set_enabled_full_cycle);
    tcase_add_test(tc, unmapped_set_size_full_cycle);
    tcase_add_test(tc, address_space_init_rerenders_all);
    tcase_add_test(tc, commit_callback_opens_transaction);
    tcase_add_test(tc, nested_cycle_inside_outer_commit);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
