/*
 * tests/unit/test_stress_mmio_events.c — MMIO accesses while another
 * thread changes the region's ioeventfds and coalesced ranges.
 *
 * Promise checked (memory.h, Threads): the access path runs on any thread
 * without the global lock while another thread changes the topology, and
 * ioeventfds (memory_region_add_eventfd / del_eventfd) and coalescing
 * (memory_region_add_coalescing / clear_coalescing / set_coalescing /
 * set_flush_coalesced) are part of what another thread may change.  With
 * memory_region_clear_global_locking() the device's callbacks, and so the
 * dispatch that decides between eventfd, ring and device, run without the
 * lock.  Every guest write must then go to exactly one place: the device
 * (at once, or later from the coalesced ring) or an eventfd.
 *
 * Set-up: "dev", an MMIO region whose callbacks count reads and writes
 * atomically (valid and impl: 4 bytes), and "flush", a second MMIO region
 * whose reads are counted; both without global locking.  An eventfd for
 * any write at dev+0xffc stays registered for the whole run (last in
 * address order, behind NBALLAST other entries).  Two writer
 * threads loop stl_le/ldl_le on dev at a few offsets and read flush every
 * few accesses.  A third thread, in transactions and outside them, adds
 * and removes eventfds on dev (one with match_data, plus a batch of
 * entries that never match, so that the array is reallocated and
 * shifted), frees and rebuilds dev's coalesced ranges (also
 * set_coalescing on the whole region), and toggles
 * set/clear_flush_coalesced on flush.
 *
 * Asserted: no crash; afterwards (a final transaction_begin/commit
 * flushes the coalesced ring) writes issued == writes the device received
 * + the sum of every notifier's eventfd counter (read raw with read(2) on
 * event_notifier_get_fd: event_notifier_test_and_clear only says whether
 * it was non-zero); no write at 0xffc ever reaches the device and the
 * eventfd there counted every one; reads issued == reads the device
 * received.
 *
 * Why it fails today: dispatch walks dev's ioeventfd array and coalesced
 * list without any protection, while add_eventfd reallocs the array,
 * del_eventfd memmoves it and clear_coalescing frees the list: a writer
 * reads freed or shifting entries, so it misses the eventfd at 0xffc
 * (the write reaches the device: the assertion in dev_write), signals a
 * garbage notifier, or crashes (SIGSEGV).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <memcore/memory.h>

#include "robust.h"
#include "check_run.h"

#define DEV_BASE 0x10000000u
#define DEV_SIZE 0x1000u
#define FLUSH_BASE 0x20000000u
#define FLUSH_SIZE 0x100u

#define NWRITERS 2
#define NBALLAST 96            /* never-matching eventfd entries */
#define DATA_MATCH 0xa5a5a5a5u
#define ANY_ADDR 0xffcu        /* the permanent eventfd, last in order */ /* the value the match_data eventfd wants */
#define RUN_SECONDS 2.0
#define WRITER_MAX_ITERATIONS 50000000UL
#define CHANGER_MAX_ITERATIONS 10000000UL

static MemoryRegion root;
static AddressSpace as;
static MemoryRegion dev, flush;

static atomic_ulong dev_writes_received;
static atomic_ulong dev_reads_received;
static atomic_ulong flush_reads_received;
static atomic_ulong writes_issued;
static atomic_ulong writes_at_any;     /* of which at ANY_ADDR */
static atomic_ulong reads_issued;
static atomic_ulong flush_reads_issued;
static atomic_ulong changes_done;
static atomic_int writers_running;

/* en[0]: any write at ANY_ADDR, registered for the whole run; en[1]:
 * DATA_MATCH at 0x4, toggled; en[2]: the ballast entries at 0x800..
 * (data never written), toggled. */
static EventNotifier en[3];

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    atomic_fetch_add(&dev_reads_received, 1);
    return (uint32_t)(addr * 0x01010101u) ^ size;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque, (void)data;
    if (size != 4 || addr >= DEV_SIZE || (addr & 3)) {
        rb_fail("dev: write of %u bytes at 0x%" PRIx64, size, addr);
    }
    if (addr == ANY_ADDR) {
        rb_fail("dev: a write at 0xffc reached the device although an "
                "eventfd for any write there was registered all along");
    }
    atomic_fetch_add(&dev_writes_received, 1);
}

static uint64_t flush_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    atomic_fetch_add(&flush_reads_received, 1);
    return 0x600df00d;
}

static void flush_write(void *opaque, hwaddr addr, uint64_t data,
                        unsigned size)
{
    (void)opaque, (void)addr, (void)data, (void)size;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps flush_ops = {
    .read = flush_read,
    .write = flush_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "mmio-events");
    memory_region_init_io(&dev, NULL, &dev_ops, NULL, "dev", DEV_SIZE);
    memory_region_init_io(&flush, NULL, &flush_ops, NULL, "flush",
                          FLUSH_SIZE);
    memory_region_clear_global_locking(&dev);
    memory_region_clear_global_locking(&flush);
    memory_region_add_subregion(&root, DEV_BASE, &dev);
    memory_region_add_subregion(&root, FLUSH_BASE, &flush);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(event_notifier_init(&en[i], 0), 0);
    }
    memory_region_add_eventfd(&dev, ANY_ADDR, 0, false, 0, &en[0]);
    atomic_store(&writes_at_any, 0);
    atomic_store(&dev_writes_received, 0);
    atomic_store(&dev_reads_received, 0);
    atomic_store(&flush_reads_received, 0);
    atomic_store(&writes_issued, 0);
    atomic_store(&reads_issued, 0);
    atomic_store(&flush_reads_issued, 0);
    atomic_store(&changes_done, 0);
    atomic_store(&writers_running, NWRITERS);
    rb_reset();
}

static void teardown(void)
{
    address_space_destroy(&as);
    memcore_rcu_barrier();
    for (int i = 0; i < 3; i++) {
        event_notifier_cleanup(&en[i]);
    }
}

/* The raw eventfd counter of @e (and reset it). */
static uint64_t eventfd_count(EventNotifier *e)
{
    uint64_t v = 0;
    ssize_t n = read(event_notifier_get_fd(e), &v, sizeof(v));

    if (n < 0 && errno == EAGAIN) {
        return 0;
    }
    ck_assert_int_eq(n, (ssize_t)sizeof(v));
    return v;
}

static void *writer_thread(void *arg)
{
    static const hwaddr offsets[] = { ANY_ADDR, 0x4, ANY_ADDR, 0x8, 0xc,
                                     ANY_ADDR, 0x10, 0x40 };
    const unsigned noff = sizeof(offsets) / sizeof(offsets[0]);
    unsigned id = (unsigned)(uintptr_t)arg;
    double start = rb_now();
    unsigned long i, writes = 0, writes0 = 0, reads = 0, flush_reads = 0;

    for (i = 0; i < WRITER_MAX_ITERATIONS; i++) {
        hwaddr off = offsets[(i + id) % noff];
        MemTxResult res = 0xdead;

        /* until the changer has done enough, even on a starved machine */
        if (rb_failed() || ((i & 255) == 0 &&
            rb_time_up(start, RUN_SECONDS, atomic_load(&changes_done) > 10 &&
                       i > 1000 ? 1 : 0, 1))) {
            break;
        }
        /* Half the writes carry the value the match_data eventfd wants. */
        address_space_stl_le(&as, DEV_BASE + off,
                             (i & 1) ? DATA_MATCH : (uint32_t)i,
                             MEMTXATTRS_UNSPECIFIED, &res);
        writes++;
        writes0 += off == ANY_ADDR;
        if (res != MEMTX_OK) {
            rb_fail("writer %u: stl_le(dev+0x%" PRIx64 ") result %u", id, off,
                    res);
            break;
        }
        if (i % 4 == 3) {
            uint32_t v = address_space_ldl_le(&as, DEV_BASE + off,
                                              MEMTXATTRS_UNSPECIFIED, &res);

            reads++;
            if (res != MEMTX_OK || v != ((uint32_t)(off * 0x01010101u) ^ 4)) {
                rb_fail("writer %u: ldl_le(dev+0x%" PRIx64 ") gave 0x%08x "
                        "result %u", id, off, v, res);
                break;
            }
        }
        if (i % 8 == 7) {
            uint32_t v = address_space_ldl_le(&as, FLUSH_BASE + 0x10,
                                              MEMTXATTRS_UNSPECIFIED, &res);

            flush_reads++;
            if (res != MEMTX_OK || v != 0x600df00d) {
                rb_fail("writer %u: ldl_le(flush) gave 0x%08x result %u", id,
                        v, res);
                break;
            }
        }
    }
    atomic_fetch_add(&writes_issued, writes);
    atomic_fetch_add(&writes_at_any, writes0);
    atomic_fetch_add(&reads_issued, reads);
    atomic_fetch_add(&flush_reads_issued, flush_reads);
    atomic_fetch_sub(&writers_running, 1);
    return NULL;
}

/* The eventfds and coalesced ranges the changer has set on dev. */
static struct {
    bool match;    /* en[1] at 0x4, 4 bytes, DATA_MATCH */
    bool ballast;  /* NBALLAST entries of en[2] */
    bool coalesced;
} cur;

static void set_match(bool on)
{
    if (on != cur.match) {
        if (on) {
            memory_region_add_eventfd(&dev, 0x4, 4, true, DATA_MATCH, &en[1]);
        } else {
            memory_region_del_eventfd(&dev, 0x4, 4, true, DATA_MATCH, &en[1]);
        }
        cur.match = on;
    }
}

static void set_ballast(bool on)
{
    if (on == cur.ballast) {
        return;
    }
    /* Interleaved addresses, so that each add lands inside the sorted
     * array and each del shifts the entries behind it. */
    for (unsigned j = 0; j < NBALLAST; j++) {
        hwaddr a = 0x800 + 4 * ((j * 7) % NBALLAST);

        if (on) {
            memory_region_add_eventfd(&dev, a, 4, true, 0x5000 + j, &en[2]);
        } else {
            memory_region_del_eventfd(&dev, a, 4, true, 0x5000 + j, &en[2]);
        }
    }
    cur.ballast = on;
}

static void set_coalesced(unsigned how)
{
    switch (how) {
    case 0:
        memory_region_clear_coalescing(&dev);
        cur.coalesced = false;
        break;
    case 1:
        /* Several ranges, so that dispatch walks a list of several
         * nodes; only 0x8..0xf and 0x40 are written. */
        memory_region_add_coalescing(&dev, 0x100, 0x10);
        memory_region_add_coalescing(&dev, 0x8, 8);
        memory_region_add_coalescing(&dev, 0x200, 0x10);
        memory_region_add_coalescing(&dev, 0x40, 4);
        memory_region_add_coalescing(&dev, 0x300, 0x10);
        cur.coalesced = true;
        break;
    default:
        memory_region_set_coalescing(&dev);
        cur.coalesced = true;
        break;
    }
}

static void *changer_thread(void *arg)
{
    double deadline = rb_now() + RB_HARD_LIMIT + 1.0; /* backstop */
    unsigned long k;

    (void)arg;
    for (k = 0; k < CHANGER_MAX_ITERATIONS; k++) {
        if (rb_failed() || atomic_load(&writers_running) == 0 ||
            ((k & 15) == 0 && rb_now() > deadline)) {
            break;
        }
        memory_region_transaction_begin();
        set_ballast(k % 3 != 2);
        set_match(k % 4 < 2);
        memory_region_transaction_commit();

        /* The coalesced list is freed and rebuilt every round. */
        memory_region_transaction_begin();
        set_coalesced(0);
        set_coalesced(k % 4 == 0 ? 2 : 1);
        memory_region_transaction_commit();

        /* Outside a transaction too: each call is its own change. */
        set_match(k % 3 == 0);
        if (k % 2) {
            memory_region_set_flush_coalesced(&flush);
        } else {
            memory_region_clear_flush_coalesced(&flush);
        }
        set_coalesced(0);
        set_coalesced(1);
        atomic_store(&changes_done, k + 1);
    }
    return NULL;
}

START_TEST(mmio_vs_eventfd_and_coalescing_changes)
{
    pthread_t w[NWRITERS], c;
    uint64_t counts[3], events = 0;

    for (uintptr_t i = 0; i < NWRITERS; i++) {
        ck_assert_int_eq(pthread_create(&w[i], NULL, writer_thread,
                                        (void *)i), 0);
    }
    ck_assert_int_eq(pthread_create(&c, NULL, changer_thread, NULL), 0);
    for (int i = 0; i < NWRITERS; i++) {
        ck_assert_int_eq(pthread_join(w[i], NULL), 0);
    }
    ck_assert_int_eq(pthread_join(c, NULL), 0);

    /* Beginning a transaction delivers whatever the ring still holds. */
    memory_region_transaction_begin();
    memory_region_transaction_commit();

    for (int i = 0; i < 3; i++) {
        counts[i] = eventfd_count(&en[i]);
        events += counts[i];
    }
    printf("mmio_events: %lu writes issued, %lu reached the device, "
           "eventfds %llu + %llu + %llu; %lu reads; %lu changes\n",
           atomic_load(&writes_issued), atomic_load(&dev_writes_received),
           (unsigned long long)counts[0], (unsigned long long)counts[1],
           (unsigned long long)counts[2], atomic_load(&reads_issued),
           atomic_load(&changes_done));
    rb_assert_no_failure();
    ck_assert_uint_eq(counts[2], 0); /* the ballast never matches */
    ck_assert_msg(counts[0] == atomic_load(&writes_at_any), "%lu writes at "
                  "0xffc, whose eventfd was registered all along, but it "
                  "counted %llu", atomic_load(&writes_at_any),
                  (unsigned long long)counts[0]);
    ck_assert_msg(atomic_load(&writes_issued) ==
                      atomic_load(&dev_writes_received) + events,
                  "%lu writes issued but %lu reached the device and %llu "
                  "signalled an eventfd", atomic_load(&writes_issued),
                  atomic_load(&dev_writes_received),
                  (unsigned long long)events);
    ck_assert_uint_eq(atomic_load(&reads_issued),
                      atomic_load(&dev_reads_received));
    ck_assert_uint_eq(atomic_load(&flush_reads_issued),
                      atomic_load(&flush_reads_received));
    /* The run exercised both sides. */
    ck_assert_uint_gt(atomic_load(&changes_done), 10);
    ck_assert_uint_gt(atomic_load(&writes_issued), 1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stress_mmio_events");
    TCase *tc = tcase_create("mmio_events");

    tcase_add_checked_fixture(tc, setup, teardown);
    /* RUN_SECONDS plus slack for slow (sanitizer) builds. */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, mmio_vs_eventfd_and_coalescing_changes);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
