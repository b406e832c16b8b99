/*
 * tests/unit/test_ioeventfd.c — ioeventfds (memcore/SEMANTICS.md,
 * ioeventfds): conformance cases 54 (matching at dispatch; a size-0
 * eventfd matches any write at its address) and 71 (listener
 * eventfd_add/del: kept quirks "eventfd callbacks in inverted order" and
 * "eventfd sections have no region"), exact-key eventfd deletion,
 * registration replaying eventfd_add and unregistration replaying
 * eventfd_del (SEMANTICS.md, Listeners), the EventNotifier helpers, and a
 * test that reads the eventfd's counter with read(2).
 *
 * The device is the fixtures' pattern device "dev" (0x100 bytes at
 * 0x3000 unless stated), so "no write call" is its call log staying empty.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

static FxPatternDev dev;
static EventNotifier e1, e2;

static void map_dev(void)
{
    memory_region_add_subregion(fx_root, 0x3000, fx_io(&dev, "dev", 0x100));
}

static void init_notifier(EventNotifier *e)
{
    ck_assert_int_eq(event_notifier_init(e, 0), 0);
    ck_assert_int_ge(event_notifier_get_fd(e), 0);
}

/* read(2) the eventfd counter: the count, or 0 when nothing is pending
 * (the descriptor is non-blocking: EAGAIN). */
static uint64_t read_counter(EventNotifier *e)
{
    uint64_t v = 0;
    ssize_t n = read(event_notifier_get_fd(e), &v, sizeof(v));

    if (n < 0) {
        ck_assert_int_eq(errno, EAGAIN);
        return 0;
    }
    ck_assert_int_eq(n, (ssize_t)sizeof(v));
    ck_assert_uint_ne(v, 0);
    return v;
}

static MemTxResult write_le(hwaddr addr, uint64_t v, int len)
{
    uint8_t buf[8];

    for (int i = 0; i < len; i++) {
        buf[i] = (uint8_t)(v >> (8 * i));
    }
    return address_space_write(fx_as, addr, attrs, buf, len);
}

/* ---- the EventNotifier helpers ---------------------------------------------- */

START_TEST(event_notifier_helpers)
{
    EventNotifier e;
    int fd, fl;

    ck_assert_int_eq(event_notifier_init(&e, 1), 0); /* active: set at once */
    fd = event_notifier_get_fd(&e);
    ck_assert_int_ge(fd, 0);
    fl = fcntl(fd, F_GETFL);
    ck_assert_int_ne(fl, -1);
    ck_assert(fl & O_NONBLOCK);
    ck_assert_int_eq(event_notifier_test_and_clear(&e), 1);
    ck_assert_int_eq(event_notifier_test_and_clear(&e), 0);
    ck_assert_int_eq(event_notifier_set(&e), 0);
    ck_assert_int_eq(event_notifier_set(&e), 0);
    ck_assert_uint_eq(read_counter(&e), 2);
    ck_assert_uint_eq(read_counter(&e), 0);
    event_notifier_cleanup(&e);

    ck_assert_int_eq(event_notifier_init(&e, 0), 0);
    ck_assert_int_eq(event_notifier_test_and_clear(&e), 0);
    event_notifier_cleanup(&e);
}
END_TEST

/* ---- 54: matching at dispatch -------------------------------------------------- */

START_TEST(t54_ioeventfd_match_data)
{
    map_dev();
    init_notifier(&e1);
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 0x1234, &e1);

    /* The registered value: signalled, no device call, MEMTX_OK. */
    ck_assert_uint_eq(write_le(0x3040, 0x1234, 4), MEMTX_OK);
    fx_assert_calls(&dev, "");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 1);

    /* Another value goes to the device. */
    ck_assert_uint_eq(write_le(0x3040, 0x1235, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x40,0x1235,4)");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 0);

    /* So does the right value with another size. */
    fx_pattern_reset(&dev);
    address_space_stw_le(fx_as, 0x3040, 0x1234, attrs, NULL);
    fx_assert_calls(&dev, "(0x40,0x1234,2)");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 0);

    /* ... and the right value at another address. */
    fx_pattern_reset(&dev);
    address_space_stl_le(fx_as, 0x3044, 0x1234, attrs, NULL);
    fx_assert_calls(&dev, "(0x44,0x1234,4)");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 0);

    /* stl of the value signals like address_space_write. */
    fx_pattern_reset(&dev);
    address_space_stl_le(fx_as, 0x3040, 0x1234, attrs, NULL);
    fx_assert_calls(&dev, "");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 1);

    /* Reads are never matched. */
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x3040, attrs, NULL),
                      0x43424140);
    fx_assert_calls(&dev, "(0x40,4)");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 0);

    memory_region_del_eventfd(&dev.mr, 0x40, 4, true, 0x1234, &e1);
    fx_pattern_reset(&dev);
    ck_assert_uint_eq(write_le(0x3040, 0x1234, 4), MEMTX_OK);
    fx_assert_calls(&dev, "(0x40,0x1234,4)");
    ck_assert_int_eq(event_notifier_test_and_clear(&e1), 0);
    event_notifier_cleanup(&e1);
}
END_TEST

/* Later fix adopted: size-0 ioeventfd matches any write size, at the
 * address, whatever the data; nothing else. */
START_TEST(t54_ioeventfd_size0_any_write)
{
    map_dev();
    init_notifier(&e1);
    memory_region_add_eventfd(&dev.mr, 0x40, 0, true, 0x1234, &e1);

    address_space_stb(fx_as, 0x3040, 0x99, attrs, NULL);
    address_space_stw_le(fx_as, 0x3040, 0x5555, attrs, NULL);
    address_space_stl_le(fx_as, 0x3040, 0x1234, attrs, NULL);
    address_space_stl_le(fx_as, 0x3040, 0xdeadbeef, attrs, NULL);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(read_counter(&e1), 4);

    /* An 8-byte write is two 4-byte accesses (valid.max 0 means 4): the
     * one at 0x40 signals, the one at 0x44 reaches the device. */
    ck_assert_uint_eq(write_le(0x3040, 0x1122334455667788ULL, 8), MEMTX_OK);
    fx_assert_calls(&dev, "(0x44,0x11223344,4)");
    ck_assert_uint_eq(read_counter(&e1), 1);

    /* memory_region_dispatch_write of 8 bytes at 0x40 is one access. */
    fx_pattern_reset(&dev);
    ck_assert_uint_eq(memory_region_dispatch_write(&dev.mr, 0x40, 7, 8,
                                                   attrs), MEMTX_OK);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(read_counter(&e1), 1);

    /* A write starting elsewhere is not matched, even if it covers 0x40. */
    address_space_stb(fx_as, 0x3041, 0x12, attrs, NULL);
    address_space_stw_le(fx_as, 0x303e, 0x3412, attrs, NULL);
    fx_assert_calls(&dev, "(0x41,0x12,1),(0x3e,0x3412,2)");
    ck_assert_uint_eq(read_counter(&e1), 0);
    event_notifier_cleanup(&e1);
}
END_TEST

/* match_data=false: any value of the registered size. */
START_TEST(t54_ioeventfd_no_match_data)
{
    map_dev();
    init_notifier(&e2);
    memory_region_add_eventfd(&dev.mr, 0x60, 4, false, 0x1234, &e2);

    address_space_stl_le(fx_as, 0x3060, 0xdeadbeef, attrs, NULL);
    address_space_stl_le(fx_as, 0x3060, 0, attrs, NULL);
    address_space_stl_le(fx_as, 0x3060, 0x1234, attrs, NULL);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(read_counter(&e2), 3);

    address_space_stw_le(fx_as, 0x3060, 0xbeef, attrs, NULL);
    address_space_stb(fx_as, 0x3060, 0xef, attrs, NULL);
    fx_assert_calls(&dev, "(0x60,0xbeef,2),(0x60,0xef,1)");
    ck_assert_uint_eq(read_counter(&e2), 0);
    event_notifier_cleanup(&e2);
}
END_TEST

/* Two eventfds on one device: each write signals only its own. */
START_TEST(t54_ioeventfd_two_notifiers)
{
    map_dev();
    init_notifier(&e1);
    init_notifier(&e2);
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 1, &e1);
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 2, &e2);

    address_space_stl_le(fx_as, 0x3040, 2, attrs, NULL);
    address_space_stl_le(fx_as, 0x3040, 2, attrs, NULL);
    address_space_stl_le(fx_as, 0x3040, 1, attrs, NULL);
    address_space_stl_le(fx_as, 0x3040, 3, attrs, NULL);
    fx_assert_calls(&dev, "(0x40,0x3,4)");
    ck_assert_uint_eq(read_counter(&e1), 1);
    ck_assert_uint_eq(read_counter(&e2), 2);
    event_notifier_cleanup(&e1);
    event_notifier_cleanup(&e2);
}
END_TEST

/* The data is given in target order and compared as a write of
 * that size delivers it, so a big-endian device matches the same guest
 * value as a little-endian one. */
START_TEST(t54_ioeventfd_big_endian_device)
{
    static FxPatternDev be;

    fx_pattern_init(&be, "be", DEVICE_BIG_ENDIAN, false);
    fx_pattern_init_io(&be, NULL, 0x100);
    memory_region_add_subregion(fx_root, 0x4000, &be.mr);
    init_notifier(&e1);
    memory_region_add_eventfd(&be.mr, 0x40, 4, true, 0x11223344, &e1);

    address_space_stl(fx_as, 0x4040, 0x11223344, attrs, NULL);
    fx_assert_calls(&be, "");
    ck_assert_uint_eq(read_counter(&e1), 1);
    address_space_stl(fx_as, 0x4040, 0x44332211, attrs, NULL);
    fx_assert_calls(&be, "(0x40,0x11223344,4)");
    ck_assert_uint_eq(read_counter(&e1), 0);
    event_notifier_cleanup(&e1);
}
END_TEST

/* ---- the eventfd counter -------------------------------------------------------- */

/* Every matching write adds one to the counter, which read(2) returns and
 * resets; with nothing pending read fails with EAGAIN. */
START_TEST(t54_eventfd_counter_counts_writes)
{
    uint64_t v;
    unsigned matching = 0;

    map_dev();
    init_notifier(&e1);
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 0xabcd, &e1);

    for (unsigned i = 0; i < 100; i++) {
        /* Every third write carries another value. */
        uint32_t val = i % 3 == 2 ? 0xabce : 0xabcd;

        address_space_stl_le(fx_as, 0x3040, val, attrs, NULL);
        matching += val == 0xabcd;
    }
    ck_assert_uint_eq(matching, 67);
    ck_assert_uint_eq(dev.nr_calls, 33);

    ck_assert_int_eq(read(event_notifier_get_fd(&e1), &v, sizeof(v)),
                     (ssize_t)sizeof(v));
    ck_assert_uint_eq(v, matching);
    errno = 0;
    ck_assert_int_eq(read(event_notifier_get_fd(&e1), &v, sizeof(v)), -1);
    ck_assert_int_eq(errno, EAGAIN);

    /* And again after the reset. */
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(write_le(0x3040, 0xabcd, 4), MEMTX_OK);
    }
    ck_assert_int_eq(read(event_notifier_get_fd(&e1), &v, sizeof(v)),
                     (ssize_t)sizeof(v));
    ck_assert_uint_eq(v, 5);
    event_notifier_cleanup(&e1);
}
END_TEST

/* ---- 71: listeners ------------------------------------------------------------------ */

START_TEST(t71_eventfd_listener_sections)
{
    FxLog shared = { 0 };
    FxListener l1, l2;

    map_dev();
    init_notifier(&e1);
    fx_listener_register(&l2, "L2", 2, fx_as, &shared);
    fx_listener_register(&l1, "L1", 1, fx_as, &shared);

    /* No begin/commit, section without a region, reverse order (kept
     * quirks). */
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);
    fx_assert_log(&shared, "L2: eventfd_add 0x3040 4 1 0x7",
                  "L1: eventfd_add 0x3040 4 1 0x7");
    ck_assert_ptr_eq(l1.last_eventfd, &e1);
    ck_assert_ptr_eq(l2.last_eventfd, &e1);

    /* Deleting the device: region_del (reverse) inside begin…commit, then
     * eventfd_del forward, before the commits. */
    fx_log_reset(&shared);
    memory_region_del_subregion(fx_root, &dev.mr);
    fx_assert_log(&shared, "L1: begin", "L2: begin",
                  "L2: del 0x3000-0x30ff dev@0", "L1: del 0x3000-0x30ff dev@0",
                  "L1: eventfd_del 0x3040 4 1 0x7",
                  "L2: eventfd_del 0x3040 4 1 0x7",
                  "L1: commit", "L2: commit");

    /* Mapping it again (elsewhere) brings the eventfd back, moved. */
    fx_log_reset(&shared);
    memory_region_add_subregion(fx_root, 0x8000, &dev.mr);
    fx_assert_log(&shared, "L1: begin", "L2: begin",
                  "L1: add 0x8000-0x80ff dev@0", "L2: add 0x8000-0x80ff dev@0",
                  "L2: eventfd_add 0x8040 4 1 0x7",
                  "L1: eventfd_add 0x8040 4 1 0x7",
                  "L1: commit", "L2: commit");

    /* memory_region_del_eventfd alone: eventfd_del forward, no begin. */
    fx_log_reset(&shared);
    memory_region_del_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);
    fx_assert_log(&shared, "L1: eventfd_del 0x8040 4 1 0x7",
                  "L2: eventfd_del 0x8040 4 1 0x7");

    fx_listener_unregister(&l1);
    fx_listener_unregister(&l2);
    fx_log_free(&shared);
    event_notifier_cleanup(&e1);
}
END_TEST

/* Size 0 and match_data=false reach listeners as given; an unfiltered
 * listener hears them too, one filtered on another AS does not. */
START_TEST(t71_eventfd_listener_size0_and_filters)
{
    static MemoryRegion root2;
    static AddressSpace as2;
    FxListener all, other;

    map_dev();
    init_notifier(&e1);
    memory_region_init(&root2, NULL, "root2", UINT64_MAX);
    address_space_init(&as2, &root2, "as2");
    fx_listener_register(&all, "all", 0, NULL, NULL);
    fx_listener_register(&other, "other", 0, &as2, NULL);

    memory_region_add_eventfd(&dev.mr, 0x50, 0, false, 0, &e1);
    fx_assert_log(&all.log, "eventfd_add 0x3050 0 0 0x0");
    fx_assert_log_empty(&other.log);
    memory_region_del_eventfd(&dev.mr, 0x50, 0, false, 0, &e1);
    fx_assert_log(&all.log, "eventfd_add 0x3050 0 0 0x0",
                  "eventfd_del 0x3050 0 0 0x0");
    fx_assert_log_empty(&other.log);

    fx_listener_unregister(&all);
    fx_listener_unregister(&other);
    address_space_destroy(&as2);
    event_notifier_cleanup(&e1);
}
END_TEST

/* A region shown twice (two aliases) gives two AS-level eventfds,
 * and a write through either signals. */
START_TEST(t71_eventfd_through_two_aliases)
{
    static MemoryRegion a1, a2;
    FxListener l;

    fx_io(&dev, "dev", 0x100);
    memory_region_init_alias(&a1, NULL, "a1", &dev.mr, 0, 0x100);
    memory_region_init_alias(&a2, NULL, "a2", &dev.mr, 0, 0x100);
    memory_region_add_subregion(fx_root, 0x5000, &a1);
    memory_region_add_subregion(fx_root, 0x9000, &a2);
    init_notifier(&e1);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);
    fx_assert_log(&l.log, "eventfd_add 0x5040 4 1 0x7",
                  "eventfd_add 0x9040 4 1 0x7");
    address_space_stl_le(fx_as, 0x5040, 7, attrs, NULL);
    address_space_stl_le(fx_as, 0x9040, 7, attrs, NULL);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(read_counter(&e1), 2);

    /* Unmapping one alias drops only its eventfd. */
    fx_log_reset(&l.log);
    memory_region_del_subregion(fx_root, &a1);
    fx_assert_log(&l.log, "begin", "del 0x5000-0x50ff dev@0",
                  "nop 0x9000-0x90ff dev@0", "eventfd_del 0x5040 4 1 0x7",
                  "commit");
    fx_listener_unregister(&l);
    event_notifier_cleanup(&e1);
}
END_TEST

/* An eventfd exists at AS level only where its region shows: hidden
 * by a higher-priority region there is none (and writes go to that
 * region); uncovering it announces it. */
START_TEST(t71_eventfd_hidden_by_overlay)
{
    static FxPatternDev cover;
    FxListener l;

    map_dev();
    fx_io(&cover, "cover", 0x10);
    memory_region_add_subregion_overlap(fx_root, 0x3040, &cover.mr, 1);
    init_notifier(&e1);
    fx_listener_register(&l, "L", 0, fx_as, NULL);

    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);
    fx_assert_log_empty(&l.log);
    address_space_stl_le(fx_as, 0x3040, 7, attrs, NULL);
    fx_assert_calls(&cover, "(0x0,0x7,4)");
    ck_assert_uint_eq(read_counter(&e1), 0);

    memory_region_del_subregion(fx_root, &cover.mr);
    fx_assert_log(&l.log, "begin", "del 0x3000-0x303f dev@0",
                  "del 0x3040-0x304f cover@0", "del 0x3050-0x30ff dev@50",
                  "add 0x3000-0x30ff dev@0", "eventfd_add 0x3040 4 1 0x7",
                  "commit");
    address_space_stl_le(fx_as, 0x3040, 7, attrs, NULL);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(read_counter(&e1), 1);
    fx_listener_unregister(&l);
    event_notifier_cleanup(&e1);
}
END_TEST

/* ---- registration and unregistration replay (adopted fixes) -------------- */

START_TEST(t71_register_replays_eventfd_add)
{
    FxListener l;

    map_dev();
    init_notifier(&e1);
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);

    fx_listener_init(&l, "L", 0, NULL);
    memory_listener_register(&l.ml, fx_as);
    fx_assert_log(&l.log, "begin", "add 0x3000-0x30ff dev@0",
                  "eventfd_add 0x3040 4 1 0x7", "commit");
    ck_assert_ptr_eq(l.last_eventfd, &e1);

    /* Unregistering takes them back (unregister replays removal). */
    fx_log_reset(&l.log);
    memory_listener_unregister(&l.ml);
    fx_assert_log(&l.log, "begin", "del 0x3000-0x30ff dev@0",
                  "eventfd_del 0x3040 4 1 0x7", "commit");
    fx_log_free(&l.log);
    event_notifier_cleanup(&e1);
}
END_TEST

/* ---- memcore choice: deletion needs the exact key ------------------------ */

/* Registers (0x40, 4, match, 7, e1) and returns with a listener attached. */
static FxListener exact_key_l;

static void exact_key_setup(void)
{
    map_dev();
    init_notifier(&e1);
    init_notifier(&e2);
    memory_region_add_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);
    fx_listener_register(&exact_key_l, "L", 0, fx_as, NULL);
}

START_TEST(exact_key_del_other_size_aborts)
{
    exact_key_setup();
    memory_region_del_eventfd(&dev.mr, 0x40, 0, true, 7, &e1);
}
END_TEST

START_TEST(exact_key_del_other_match_data_aborts)
{
    exact_key_setup();
    memory_region_del_eventfd(&dev.mr, 0x40, 4, false, 7, &e1);
}
END_TEST

START_TEST(exact_key_del_other_notifier_aborts)
{
    exact_key_setup();
    memory_region_del_eventfd(&dev.mr, 0x40, 4, true, 7, &e2);
}
END_TEST

/* Under a misuse handler every wrong key is a no-op: the eventfd stays,
 * listeners hear nothing, and the right key still deletes it. */
START_TEST(exact_key_del_wrong_key_is_noop_when_handled)
{
    exact_key_setup();
    fx_catch_misuse();
    memory_region_del_eventfd(&dev.mr, 0x40, 0, true, 7, &e1);
    memory_region_del_eventfd(&dev.mr, 0x40, 4, false, 7, &e1);
    memory_region_del_eventfd(&dev.mr, 0x40, 4, true, 7, &e2);
    memory_region_del_eventfd(&dev.mr, 0x44, 4, true, 7, &e1);
    ck_assert_uint_eq(fx_misuse_count, 4);
    fx_assert_log_empty(&exact_key_l.log);
    address_space_stl_le(fx_as, 0x3040, 7, attrs, NULL);
    fx_assert_calls(&dev, "");
    ck_assert_uint_eq(read_counter(&e1), 1);

    memory_region_del_eventfd(&dev.mr, 0x40, 4, true, 7, &e1);
    ck_assert_uint_eq(fx_misuse_count, 4);
    fx_assert_log(&exact_key_l.log, "eventfd_del 0x3040 4 1 0x7");
    address_space_stl_le(fx_as, 0x3040, 7, attrs, NULL);
    fx_assert_calls(&dev, "(0x40,0x7,4)");
    ck_assert_uint_eq(read_counter(&e1), 0);
    fx_listener_unregister(&exact_key_l);
    event_notifier_cleanup(&e1);
    event_notifier_cleanup(&e2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ioeventfd");
    TCase *tc = tcase_create("ioeventfd");
    TCase *misuse = tcase_create("misuse");

    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, event_notifier_helpers);
    tcase_add_test(tc, t54_ioeventfd_match_data);
    tcase_add_test(tc, t54_ioeventfd_size0_any_write);
    tcase_add_test(tc, t54_ioeventfd_no_match_data);
    tcase_add_test(tc, t54_ioeventfd_two_notifiers);
    tcase_add_test(tc, t54_ioeventfd_big_endian_device);
    tcase_add_test(tc, t54_eventfd_counter_counts_writes);
    tcase_add_test(tc, t71_eventfd_listener_sections);
    tcase_add_test(tc, t71_eventfd_listener_size0_and_filters);
    tcase_add_test(tc, t71_eventfd_through_two_aliases);
    tcase_add_test(tc, t71_eventfd_hidden_by_overlay);
    tcase_add_test(tc, t71_register_replays_eventfd_add);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(misuse, fx_setup, fx_teardown);
    tcase_add_test_raise_signal(misuse, exact_key_del_other_size_aborts,
                                SIGABRT);
    tcase_add_test_raise_signal(misuse, exact_key_del_other_match_data_aborts,
                                SIGABRT);
    tcase_add_test_raise_signal(misuse, exact_key_del_other_notifier_aborts,
                                SIGABRT);
    tcase_add_test(misuse, exact_key_del_wrong_key_is_noop_when_handled);
    suite_add_tcase(s, misuse);

    return ck_run_suite(s);
}
