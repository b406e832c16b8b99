/*
 * tests/unit/test_stress.c — concurrent readers against a writer that keeps
 * changing the topology (memcore/SEMANTICS.md, "Threads and locking" and
 * "RCU lifetime": a reader sees one consistent view per call, never a
 * torn topology).
 *
 * The window [BASE, BASE + 5 pages) is covered by three RAM regions whose
 * every byte names the region and its page: A (0x4000, prio 0) holds
 * A0..A3, B (0x2000, prio 1) holds B0..B1, C (0x4000, prio 2) holds
 * C0..C3.  The writer cycles through four layouts, one transaction each,
 * using set_address (B), set_enabled (B) and set_size (C):
 *
 *   layout  page: 0    1    2    3    4
 *   L0            A0   B0   B1   C0   --      B at +0x1000, C 0x1000
 *   L1            A0   A1   B0   C0   C1      B moved to +0x2000, C 0x2000
 *   L2            A0   A1   A2   C0   --      B disabled, C 0x1000
 *   L3            A0   B0   B1   C0   C1      B back at +0x1000 and enabled
 *
 * ("--": nothing mapped, reads give 0 and MEMTX_DECODE_ERROR.)
 *
 * After committing layout number k the writer publishes k.  A reader that
 * saw k0 before an access and k1 after it may only observe a layout
 * numbered k0 .. k1 + 1 (k1 + 1 may already be visible before its number
 * is published).  Reads straddle page boundaries, so an access built from
 * two different views would show a byte pair no single layout has.
 *
 * Readers and the writer stop after an iteration count or a wall-clock
 * limit, whichever comes first; nobody sleeps.  The readers make no
 * set-up call: the library registers threads with RCU itself.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <memcore/memory.h>

#include "check_run.h"

#define BASE 0x10000u
#define PAGE 0x1000u
#define NPAGES 5
#define NLAYOUTS 4

#define WRITER_MAX_ITERATIONS 2000000
#define READER_MAX_ITERATIONS 100000000
#define RUN_SECONDS 2.5

/* Byte visible on each window page in each layout (0: unassigned). */
static const uint8_t layout_page[NLAYOUTS][NPAGES] = {
    { 0xA0, 0xB0, 0xB1, 0xC0, 0x00 },
    { 0xA0, 0xA1, 0xB0, 0xC0, 0xC1 },
    { 0xA0, 0xA1, 0xA2, 0xC0, 0x00 },
    { 0xA0, 0xB0, 0xB1, 0xC0, 0xC1 },
};

static MemoryRegion root, reg_a, reg_b, reg_c;
static AddressSpace as;

static atomic_ulong published;  /* number of the last committed layout */
static atomic_bool writer_done;
static atomic_bool failed;
static char failure[256];       /* written once, by whoever sets failed */
static atomic_ulong reads_done;

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Record the first bad access (the main thread asserts on it). */
static void report_failure(const char *what, unsigned long k0,
                           unsigned long k1, uint64_t addr,
                           const uint8_t *buf, int len, MemTxResult res)
{
    bool expected = false;
    char bytes[3 * 8 + 1] = "";

    if (!atomic_compare_exchange_strong(&failed, &expected, true)) {
        return;
    }
    for (int i = 0; i < len; i++) {
        snprintf(bytes + 3 * i, sizeof(bytes) - 3 * i, "%02x%s", buf[i],
                 i + 1 < len ? " " : "");
    }
    snprintf(failure, sizeof(failure),
             "%s at 0x%llx while layouts %lu..%lu were current gave bytes "
             "[%s] result %u: no single layout has that (torn view?)",
             what, (unsigned long long)addr, k0, k1, bytes, res);
}

static uint8_t page_byte(unsigned layout, uint64_t addr)
{
    if (addr < BASE || addr >= BASE + NPAGES * PAGE) {
        return 0;
    }
    return layout_page[layout][(addr - BASE) / PAGE];
}

/* What an address_space_read of @len bytes at @addr gives in @layout. */
static void expected_read(unsigned layout, uint64_t addr, int len,
                          uint8_t *buf, MemTxResult *res)
{
    *res = MEMTX_OK;
    for (int i = 0; i < len; i++) {
        buf[i] = page_byte(layout, addr + i);
        if (buf[i] == 0) {
            *res = MEMTX_DECODE_ERROR;
        }
    }
}

static void fill_ram(MemoryRegion *mr, uint8_t first, unsigned pages)
{
    uint8_t *host = memory_region_get_ram_ptr(mr);

    ck_assert_ptr_nonnull(host);
    for (unsigned p = 0; p < pages; p++) {
        memset(host + p * PAGE, first + p, PAGE);
    }
}

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "stress");
    memory_region_init_ram(&reg_a, NULL, "A", 4 * PAGE, &error_abort);
    memory_region_init_ram(&reg_b, NULL, "B", 2 * PAGE, &error_abort);
    memory_region_init_ram(&reg_c, NULL, "C", 4 * PAGE, &error_abort);
    fill_ram(&reg_a, 0xA0, 4);
    fill_ram(&reg_b, 0xB0, 2);
    fill_ram(&reg_c, 0xC0, 4);

    /* Layout L0. */
    memory_region_transaction_begin();
    memory_region_set_size(&reg_c, PAGE);
    memory_region_add_subregion_overlap(&root, BASE, &reg_a, 0);
    memory_region_add_subregion_overlap(&root, BASE + PAGE, &reg_b, 1);
    memory_region_add_subregion_overlap(&root, BASE + 3 * PAGE, &reg_c, 2);
    memory_region_transaction_commit();
    atomic_store(&published, 0);
    atomic_store(&writer_done, false);
    atomic_store(&failed, false);
    atomic_store(&reads_done, 0);
}

/* Turn layout (k - 1) % 4 into layout k % 4 in one transaction. */
static void apply_layout(unsigned long k)
{
    memory_region_transaction_begin();
    switch (k % NLAYOUTS) {
    case 1:
        memory_region_set_address(&reg_b, BASE + 2 * PAGE);
        memory_region_set_size(&reg_c, 2 * PAGE);
        break;
    case 2:
        memory_region_set_enabled(&reg_b, false);
        memory_region_set_size(&reg_c, PAGE);
        break;
    case 3:
        memory_region_set_address(&reg_b, BASE + PAGE);
        memory_region_set_enabled(&reg_b, true);
        memory_region_set_size(&reg_c, 2 * PAGE);
        break;
    case 0:
        memory_region_set_size(&reg_c, PAGE);
        break;
    }
    memory_region_transaction_commit();
}

static void *writer_thread(void *arg)
{
    double start = now_seconds();
    unsigned long k;

    (void)arg;
    for (k = 1; k <= WRITER_MAX_ITERATIONS; k++) {
        double t = now_seconds() - start;

        /* RUN_SECONDS, and past them until every layout was published
         * twice (a loaded or sanitizer machine may starve this thread),
         * but never past 20 s, inside the test case's timeout */
        if (atomic_load(&failed) || t > 20.0 ||
            (t > RUN_SECONDS && k > 2 * NLAYOUTS)) {
            break;
        }
        apply_layout(k);
        atomic_store(&published, k);
    }
    atomic_store(&writer_done, true);
    return NULL;
}

/* Whether some layout numbered k0 .. k1 + 1 gives exactly @buf / @res. */
static bool read_matches(unsigned long k0, unsigned long k1, uint64_t addr,
                         const uint8_t *buf, int len, MemTxResult res)
{
    unsigned long last = k1 + 1;

    if (last - k0 >= NLAYOUTS) {
        last = k0 + NLAYOUTS - 1;
    }
    for (unsigned long k = k0; k <= last; k++) {
        uint8_t want[8];
        MemTxResult want_res;

        expected_read(k % NLAYOUTS, addr, len, want, &want_res);
        if (want_res == res && memcmp(want, buf, len) == 0) {
            return true;
        }
    }
    return false;
}

static bool reader_should_stop(unsigned long i, double deadline)
{
    if (atomic_load(&writer_done) || atomic_load(&failed)
        || i >= READER_MAX_ITERATIONS) {
        return true;
    }
    /* The clock is read only every 1024 accesses. */
    return (i & 1023) == 0 && now_seconds() > deadline;
}

/* Reader 1: 8-byte reads inside pages and across every page boundary. */
static void *reader_rw_thread(void *arg)
{
    static const uint64_t addrs[] = {
        BASE + 0x10, BASE + PAGE + 0x10, BASE + 2 * PAGE + 0x10,
        BASE + 3 * PAGE + 0x10, BASE + 4 * PAGE + 0x10,
        BASE + PAGE - 4, BASE + 2 * PAGE - 4, BASE + 3 * PAGE - 4,
        BASE + 4 * PAGE - 4, BASE + 5 * PAGE - 4,
    };
    const unsigned n = sizeof(addrs) / sizeof(addrs[0]);
    double deadline = now_seconds() + 22.0; /* backstop: writer_done ends it */
    unsigned long i;

    (void)arg;
    for (i = 0; !reader_should_stop(i, deadline); i++) {
        uint64_t addr = addrs[i % n];
        uint8_t buf[8];
        unsigned long k0 = atomic_load(&published);
        MemTxResult res = address_space_read(&as, addr,
                                             MEMTXATTRS_UNSPECIFIED, buf, 8);
        unsigned long k1 = atomic_load(&published);

        if (!read_matches(k0, k1, addr, buf, 8, res)) {
            report_failure("address_space_read(8)", k0, k1 + 1, addr, buf,
                           8, res);
            break;
        }
    }
    atomic_fetch_add(&reads_done, i);
    return NULL;
}

/* Reader 2: aligned ldl_le inside each page. */
static void *reader_ld_thread(void *arg)
{
    double deadline = now_seconds() + 22.0; /* backstop: writer_done ends it */
    unsigned long i;

    (void)arg;
    for (i = 0; !reader_should_stop(i, deadline); i++) {
        uint64_t addr = BASE + (i % NPAGES) * PAGE + 0x100;
        MemTxResult res = 0xdead;
        unsigned long k0 = atomic_load(&published);
        uint32_t v = address_space_ldl_le(&as, addr, MEMTXATTRS_UNSPECIFIED,
                                          &res);
        unsigned long k1 = atomic_load(&published);
        uint8_t buf[4] = { v, v >> 8, v >> 16, v >> 24 };

        if (!read_matches(k0, k1, addr, buf, 4, res)) {
            report_failure("address_space_ldl_le", k0, k1 + 1, addr, buf, 4,
                           res);
            break;
        }
    }
    atomic_fetch_add(&reads_done, i);
    return NULL;
}

/* Each layout, checked single-threaded first, so that a failure below is
 * about concurrency and not about the layouts themselves. */
START_TEST(stress_layouts_single_thread)
{
    for (unsigned long k = 0; k < 2 * NLAYOUTS; k++) {
        if (k > 0) {
            apply_layout(k);
        }
        for (unsigned p = 0; p < NPAGES; p++) {
            uint64_t addr = BASE + p * PAGE + 0x10;
            uint8_t buf[8], want[8];
            MemTxResult res, want_res;

            res = address_space_read(&as, addr, MEMTXATTRS_UNSPECIFIED,
                                     buf, 8);
            expected_read(k % NLAYOUTS, addr, 8, want, &want_res);
            ck_assert_msg(res == want_res && memcmp(buf, want, 8) == 0,
                          "layout %lu page %u: byte 0x%02x result %u, "
                          "expected 0x%02x result %u", k % NLAYOUTS, p,
                          buf[0], res, want[0], want_res);
        }
    }
}
END_TEST

START_TEST(stress_readers_vs_topology_writer)
{
    pthread_t w, r1, r2;

    ck_assert_int_eq(pthread_create(&r1, NULL, reader_rw_thread, NULL), 0);
    ck_assert_int_eq(pthread_create(&r2, NULL, reader_ld_thread, NULL), 0);
    ck_assert_int_eq(pthread_create(&w, NULL, writer_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(w, NULL), 0);
    ck_assert_int_eq(pthread_join(r1, NULL), 0);
    ck_assert_int_eq(pthread_join(r2, NULL), 0);

    printf("stress: %lu layouts committed, %lu reads\n",
           atomic_load(&published), atomic_load(&reads_done));
    ck_assert_msg(!atomic_load(&failed), "%s", failure);
    /* The run must have exercised something: several full layout cycles
     * and reads that overlapped them. */
    ck_assert_uint_ge(atomic_load(&published), 2 * NLAYOUTS);
    ck_assert_uint_gt(atomic_load(&reads_done), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stress");
    TCase *tc = tcase_create("stress");

    tcase_add_checked_fixture(tc, setup, NULL);
    /* RUN_SECONDS plus slack for slow (sanitizer) builds. */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, stress_layouts_single_thread);
    tcase_add_test(tc, stress_readers_vs_topology_writer);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
