/*
 * tests/unit/test_stress_coalesced_order.c — coalesced MMIO keeps its
 * order when several threads queue and flush at once.
 *
 * Promise checked (memory.h, memory_region_add_coalescing): writes to a
 * coalesced range are queued "instead of calling the device at once; they
 * reach the device in order when a flush-coalesced region is accessed,
 * when a transaction begins, or when the ring fills", and
 * (memory_region_set_flush_coalesced) "accesses to @mr first flush the
 * ring" — so when an access to a flush-coalesced device B reaches B, every
 * write queued before it has reached device A.  Both must hold with any
 * number of threads accessing (memory.h, Threads).
 *
 * Device A (0x100 bytes) is wholly coalesced; device B is
 * flush-coalesced.  NWRITERS threads each write to A at their own offset
 * (4 * id) the value id << 24 | seq, seq = 1, 2, 3, ..., and after every
 * K-th write read B at offset 4 * id.  A's write callback checks that the
 * writes of each thread arrive strictly in order with no gap (seq is the
 * last one plus one) and records the last seq; B's read callback checks
 * that A has already received the reading thread's latest write.  At the
 * end, after a flush through transaction_begin/commit, every write has
 * arrived exactly once (per thread, the count and the last seq equal the
 * number written).  The test runs twice: with both devices under the
 * global lock (the default) and with memory_region_clear_global_locking()
 * on both.
 *
 * Why it fails today (without global locking): a thread that flushes the
 * ring drops the ring lock between taking an entry and delivering it, so
 * a concurrent flush-before sees an empty ring and lets the access to B
 * through before the write reached A, and two flushing threads deliver
 * their entries in either order (A sees seq n + 1 before n).  Under the
 * global lock every flush and every delivery is serialised by the lock,
 * so that run is expected to pass today; it guards the fix.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <memcore/memory.h>

#include "robust.h"
#include "check_run.h"

#define A_BASE 0x10000000u
#define B_BASE 0x20000000u
#define DEV_SIZE 0x100u
#define NWRITERS 3
#define K 4                 /* read B after every K-th write */
#define RUN_SECONDS 1.5
#define WRITER_MAX_ITERATIONS 20000000UL

static MemoryRegion root;
static AddressSpace as;
static MemoryRegion dev_a, dev_b;

static atomic_ulong a_last_seq[NWRITERS];  /* last seq A received */
static atomic_ulong a_count[NWRITERS];     /* writes A received */
static atomic_ulong b_wanted[NWRITERS];    /* seq the B reader needs */
static atomic_ulong written[NWRITERS];     /* writes issued */
static atomic_ulong b_reads;

static void a_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    unsigned tid = (unsigned)(data >> 24);
    unsigned long seq = data & 0xffffff, prev;

    (void)opaque;
    if (size != 4 || tid >= NWRITERS || addr != 4 * tid) {
        rb_fail("A: unexpected write 0x%" PRIx64 " of %u bytes at 0x%" PRIx64,
                data, size, addr);
        return;
    }
    atomic_fetch_add(&a_count[tid], 1);
    prev = atomic_exchange(&a_last_seq[tid], seq);
    if (seq != ((prev + 1) & 0xffffff)) {
        rb_fail("A: thread %u's write %lu arrived after its write %lu "
                "(out of order or lost)", tid, seq, prev);
    }
}

static uint64_t a_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return 0;
}

static uint64_t b_read(void *opaque, hwaddr addr, unsigned size)
{
    unsigned tid = (unsigned)(addr / 4);
    unsigned long want, got;

    (void)opaque;
    if (size != 4 || tid >= NWRITERS) {
        rb_fail("B: unexpected read of %u bytes at 0x%" PRIx64, size, addr);
        return 0;
    }
    atomic_fetch_add(&b_reads, 1);
    want = atomic_load(&b_wanted[tid]);
    got = atomic_load(&a_last_seq[tid]);
    if (got != want) {
        rb_fail("B: read by thread %u reached B while A had its write %lu "
                "but not %lu (the ring was not flushed first)", tid, got,
                want);
    }
    return got;
}

static void b_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque, (void)addr, (void)data, (void)size;
}

static const MemoryRegionOps a_ops = {
    .read = a_read,
    .write = a_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps b_ops = {
    .read = b_read,
    .write = b_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void setup_devices(bool global_locking)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "coalesced-order");
    memory_region_init_io(&dev_a, NULL, &a_ops, NULL, "A", DEV_SIZE);
    memory_region_init_io(&dev_b, NULL, &b_ops, NULL, "B", DEV_SIZE);
    if (!global_locking) {
        memory_region_clear_global_locking(&dev_a);
        memory_region_clear_global_locking(&dev_b);
    }
    memory_region_set_coalescing(&dev_a);
    memory_region_set_flush_coalesced(&dev_b);
    memory_region_add_subregion(&root, A_BASE, &dev_a);
    memory_region_add_subregion(&root, B_BASE, &dev_b);
    for (int i = 0; i < NWRITERS; i++) {
        atomic_store(&a_last_seq[i], 0);
        atomic_store(&a_count[i], 0);
        atomic_store(&b_wanted[i], 0);
        atomic_store(&written[i], 0);
    }
    atomic_store(&b_reads, 0);
    rb_reset();
}

static void teardown(void)
{
    address_space_destroy(&as);
    memcore_rcu_barrier();
}

static void *writer_thread(void *arg)
{
    unsigned tid = (unsigned)(uintptr_t)arg;
    double deadline = rb_now() + RUN_SECONDS;
    unsigned long seq;

    /* seq stays below 2^24: it is the low 24 bits of the data. */
    for (seq = 1; seq < WRITER_MAX_ITERATIONS && seq < 0xffffff; seq++) {
        MemTxResult res = 0xdead;

        if (rb_failed() || ((seq & 255) == 0 && rb_now() > deadline)) {
            break;
        }
        address_space_stl_le(&as, A_BASE + 4 * tid,
                             (uint32_t)(tid << 24 | seq),
                             MEMTXATTRS_UNSPECIFIED, &res);
        atomic_store(&written[tid], seq);
        if (res != MEMTX_OK) {
            rb_fail("thread %u: stl_le(A) result %u", tid, res);
            break;
        }
        if (seq % K == 0) {
            uint32_t v;

            /* B's callback runs on this thread and checks A got seq. */
            atomic_store(&b_wanted[tid], seq);
            v = address_space_ldl_le(&as, B_BASE + 4 * tid,
                                     MEMTXATTRS_UNSPECIFIED, &res);
            if (res != MEMTX_OK || v != seq) {
                rb_fail("thread %u: ldl_le(B) after write %lu gave %u "
                        "result %u", tid, seq, v, res);
                break;
            }
        }
    }
    return NULL;
}

static void run_writers(void)
{
    pthread_t t[NWRITERS];
    unsigned long total = 0;

    for (uintptr_t i = 0; i < NWRITERS; i++) {
        ck_assert_int_eq(pthread_create(&t[i], NULL, writer_thread,
                                        (void *)i), 0);
    }
    for (int i = 0; i < NWRITERS; i++) {
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    }
    /* Beginning a transaction delivers whatever the ring still holds. */
    memory_region_transaction_begin();
    memory_region_transaction_commit();

    for (int i = 0; i < NWRITERS; i++) {
        total += atomic_load(&written[i]);
    }
    printf("coalesced_order: %lu writes, %lu reads of B\n", total,
           atomic_load(&b_reads));
    rb_assert_no_failure();
    for (int i = 0; i < NWRITERS; i++) {
        ck_assert_msg(atomic_load(&a_count[i]) == atomic_load(&written[i]),
                      "thread %d wrote %lu times, A received %lu", i,
                      atomic_load(&written[i]), atomic_load(&a_count[i]));
        ck_assert_uint_eq(atomic_load(&a_last_seq[i]),
                          atomic_load(&written[i]));
        ck_assert_uint_gt(atomic_load(&written[i]), 100);
    }
    ck_assert_uint_gt(atomic_load(&b_reads), 0);
}

static void setup_locked(void)
{
    setup_devices(true);
}

static void setup_unlocked(void)
{
    setup_devices(false);
}

START_TEST(coalesced_order_global_locking)
{
    run_writers();
}
END_TEST

START_TEST(coalesced_order_no_global_locking)
{
    run_writers();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stress_coalesced_order");
    TCase *tl = tcase_create("global_locking");
    TCase *tu = tcase_create("no_global_locking");

    tcase_add_checked_fixture(tl, setup_locked, teardown);
    /* RUN_SECONDS plus slack for slow (sanitizer) builds. */
    tcase_set_timeout(tl, 30);
    tcase_add_test(tl, coalesced_order_global_locking);
    suite_add_tcase(s, tl);
    tcase_add_checked_fixture(tu, setup_unlocked, teardown);
    tcase_set_timeout(tu, 30);
    tcase_add_test(tu, coalesced_order_no_global_locking);
    suite_add_tcase(s, tu);
    return ck_run_suite(s);
}
