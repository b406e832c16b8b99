/*
 * tests/unit/test_rv64_tlb.c — a hart's software TLB (server/riscv/tlb.h)
 * never hides an access memcore must see: a watchpoint inserted after a
 * page was cached fires, dirty logging started after a page was cached
 * records the hart's stores, a region moved away stops being reachable.
 */
#include <stdlib.h>

#include "test_rv64_fixture.h"
#include "check_run.h"
#include "../../server/riscv/tlb.h"

static int hits;
static void on_hit(const MemcoreWatchHit *hit)
{
    (void)hit;
    hits++;
}

static void tlb_setup(void)
{
    rv_setup();
    hart.tlb = rv_tlb_new(fx_as);
    ck_assert_ptr_nonnull(hart.tlb);
    hart.mtvec = RAM_BASE + 0x800;
    hits = 0;
}

static void tlb_teardown(void)
{
    rv_tlb_free(hart.tlb);
    hart.tlb = NULL;
    rv_teardown();
}

/* sd x6, 0(x5) at RAM_BASE, executed in a read section as cpu.c does */
static void store_once(uint64_t addr, uint64_t val)
{
    hart.x[5] = addr;
    hart.x[6] = val;
    put(0, enc_s(3, 5, 6, 0));
    hart.pc = RAM_BASE;
    memcore_rcu_read_lock();
    rv_exec_one(&hart);
    memcore_rcu_read_unlock();
}

static uint64_t peek(uint64_t addr)
{
    MemTxResult r = MEMTX_OK;

    return address_space_ldq_le(fx_as, addr, MEMTXATTRS_UNSPECIFIED, &r);
}

START_TEST(test_hits_and_values)
{
    store_once(RAM_BASE + 0x2000, 0x1122334455667788ull);
    store_once(RAM_BASE + 0x2008, 0x99);
    ck_assert_uint_eq(peek(RAM_BASE + 0x2000), 0x1122334455667788ull);
    ck_assert_uint_eq(peek(RAM_BASE + 0x2008), 0x99);
    ck_assert_uint_gt(hart.tlb->fills, 0);
    /* a load through the TLB */
    hart.x[5] = RAM_BASE + 0x2000;
    put(0, enc_i(0x03, 2, 7, 5, 4));   /* lw x7, 4(x5) */
    hart.pc = RAM_BASE;
    memcore_rcu_read_lock();
    rv_exec_one(&hart);
    memcore_rcu_read_unlock();
    ck_assert_uint_eq(hart.x[7], 0x11223344);
}
END_TEST

START_TEST(test_watchpoint_after_caching)
{
    Error *err = NULL;
    int id;

    store_once(RAM_BASE + 0x3000, 1);   /* page cached */
    id = memcore_watchpoint_insert(fx_as, RAM_BASE + 0x3000, 8,
                                   MEMCORE_WATCH_WRITE, on_hit, NULL, &err);
    ck_assert_int_ge(id, 0);
    store_once(RAM_BASE + 0x3000, 2);
    ck_assert_int_eq(hits, 1);
    ck_assert_uint_eq(peek(RAM_BASE + 0x3000), 2);
    /* another address in the same page is watched-page too: no caching */
    store_once(RAM_BASE + 0x3010, 3);
    ck_assert_int_eq(hits, 1);
    ck_assert(memcore_watchpoint_remove(id));
    store_once(RAM_BASE + 0x3000, 4);
    ck_assert_int_eq(hits, 1);
}
END_TEST

START_TEST(test_dirty_log_after_caching)
{
    store_once(RAM_BASE + 0x4000, 1);   /* page cached for writes */
    memory_global_dirty_log_start();
    memory_region_test_and_clear_dirty(&fx_ram_mr, 0, RAM_SIZE,
                                       DIRTY_MEMORY_MIGRATION);
    store_once(RAM_BASE + 0x4000, 2);
    ck_assert(memory_region_get_dirty(&fx_ram_mr, 0x4000, 8,
                                      DIRTY_MEMORY_MIGRATION));
    memory_global_dirty_log_stop();
}
END_TEST

START_TEST(test_region_moved)
{
    store_once(RAM_BASE + 0x5000, 7);   /* cached */
    memory_region_set_address(&fx_ram_mr, 0x40000000);
    /* the old address is now nothing: the store faults */
    hart.x[5] = RAM_BASE + 0x5000;
    hart.pc = 0x40000000;
    memcore_rcu_read_lock();
    rv_exec_one(&hart);
    memcore_rcu_read_unlock();
    ck_assert_uint_eq(hart.mcause, RV_EXC_STORE_ACCESS);
    memory_region_set_address(&fx_ram_mr, RAM_BASE);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rv64_tlb");
    TCase *tc = tcase_create("tlb");

    tcase_add_checked_fixture(tc, tlb_setup, tlb_teardown);
    tcase_add_test(tc, test_hits_and_values);
    tcase_add_test(tc, test_watchpoint_after_caching);
    tcase_add_test(tc, test_dirty_log_after_caching);
    tcase_add_test(tc, test_region_moved);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
