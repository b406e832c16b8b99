/*
 * tests/unit/test_stress_finalize.c — owner finalizers that run on
 * liburcu's call_rcu thread, and threads that an embedder registered with
 * liburcu itself.
 *
 * Promises checked:
 *
 *  - memory.h (Threads): every access path and every topology change may
 *    run on any thread with no set-up.  memory.h's lifetime pattern has an
 *    owner's finalizer (types.h: "@finalize ... runs when the last
 *    reference goes away") destroy its regions, and a finalizer may change
 *    the topology like any other code.  When the last reference of an
 *    owner is the one a retired FlatView held, that finalizer runs on
 *    liburcu's call_rcu thread, which liburcu registered as an RCU reader
 *    itself.
 *  - memcore_rcu_barrier(): "wait until every view ... retired so far has
 *    been freed (and the owner references they held dropped)", so after
 *    it every released owner has been finalised exactly once.
 *  - memcore.h: read sections need no registration "of the calling
 *    thread", so a thread that the embedder registered with liburcu
 *    (urcu_memb_register_thread) may use memcore too.
 *
 * Test finalizers_on_call_rcu_thread: the main thread repeatedly creates
 * an owner (Object with a finalize callback) owning a RAM region, maps it
 * (the root container takes a reference), drops its own reference and
 * unmaps it; the last reference then goes when the retired FlatView that
 * showed the region is freed, on the call_rcu thread.  The finalizer
 * destroys the region and maps a fresh owner-less RAM region into the root
 * (a topology change from the finalizer).  Two reader threads read both
 * kinds of region meanwhile and may only see a region's pattern with
 * MEMTX_OK or 0 with MEMTX_DECODE_ERROR.  At the end, after
 * memcore_rcu_barrier(), the number of finalizer runs equals the number
 * of owners released and every region a finalizer mapped reads back.  The
 * test also records on which thread finalizers ran: never the main thread
 * nor a reader (it is liburcu's call_rcu thread).
 *
 * Test embedder_registered_thread: a thread registers itself with liburcu
 * (urcu_memb_register_thread) before its first memcore call, then loads
 * through memcore, changes the topology, unregisters and exits.
 *
 * Why they fail today: memcore registers a thread with liburcu whenever
 * its own thread-local flag says it has not, so the finalizer's topology
 * change (and memory_region_destroy's deferred frees) on the call_rcu
 * thread, and the first access of the embedder's thread, call
 * urcu_memb_register_thread() a second time on an already registered
 * thread: liburcu aborts with "Assertion `!URCU_TLS(urcu_memb_reader)
 * .registered' failed" (SIGABRT).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <urcu/urcu-memb.h>

#include <memcore/memory.h>

#include "robust.h"
#include "check_run.h"

#define PAGE 0x1000u
#define DEV_BASE 0x100000u      /* where the owned regions are mapped */
#define EXTRA_BASE 0x10000000u  /* where finalizers map their regions */
#define MAX_OWNERS 1500
#define RUN_SECONDS 2.0
#define READER_MAX_ITERATIONS 100000000UL
#define NREADERS 2

typedef struct Dev {
    Object obj;
    MemoryRegion mr;
    unsigned index;
} Dev;

static MemoryRegion root;
static AddressSpace as;
static Dev devs[MAX_OWNERS];
static MemoryRegion extra[MAX_OWNERS]; /* mapped by finalizers */
static char extra_name[MAX_OWNERS][16];

static atomic_uint finalized;      /* finalizer runs */
static atomic_uint extra_mapped;   /* regions finalizers mapped */
static atomic_uint dev_mapped_seq; /* index + 1 of the dev mapped now */
static atomic_bool stop_readers;
static atomic_ulong reads_done;
static pthread_t main_thread, reader_threads[NREADERS];
static pthread_t finalizer_thread;
static atomic_uint finalizer_thread_set;
static atomic_uint finalizer_threads_differ;

/* Byte @off of owned region @i (bit 7 clear) and of extra region @i
 * (bit 7 set): never 0. */
static uint8_t dev_byte(unsigned i, uint64_t off)
{
    return (uint8_t)(1 + (i * 7 + off) % 127);
}

static uint8_t extra_byte(unsigned i, uint64_t off)
{
    return (uint8_t)(0x80 | (1 + (i * 3 + off) % 127));
}

static uint32_t le32_of(uint8_t (*byte)(unsigned, uint64_t), unsigned i,
                        uint64_t off)
{
    return (uint32_t)byte(i, off) | (uint32_t)byte(i, off + 1) << 8 |
           (uint32_t)byte(i, off + 2) << 16 | (uint32_t)byte(i, off + 3) << 24;
}

static void fill(MemoryRegion *mr, uint8_t (*byte)(unsigned, uint64_t),
                 unsigned i)
{
    uint8_t *host = memory_region_get_ram_ptr(mr);

    if (!host) {
        rb_fail("memory_region_get_ram_ptr gave NULL for RAM");
        return;
    }
    for (uint64_t off = 0; off < PAGE; off++) {
        host[off] = byte(i, off);
    }
}

/* The finalizer of owner @obj: destroy its region, then map a fresh
 * owner-less region into the root (memory.h's pattern: the owner's
 * finalizer tears its regions down, and it may change the topology). */
static void dev_finalize(Object *obj)
{
    Dev *d = (Dev *)((char *)obj - offsetof(Dev, obj));
    pthread_t self = pthread_self();
    unsigned k;
    Error *err = NULL;

    /* Which thread runs finalizers: remember the first, note any other. */
    if (atomic_exchange(&finalizer_thread_set, 1) == 0) {
        finalizer_thread = self;
    } else if (!pthread_equal(finalizer_thread, self)) {
        atomic_store(&finalizer_threads_differ, 1);
    }
    if (pthread_equal(self, main_thread)) {
        rb_fail("finalizer of owner %u ran on the main thread", d->index);
    }
    for (int i = 0; i < NREADERS; i++) {
        if (pthread_equal(self, reader_threads[i])) {
            rb_fail("finalizer of owner %u ran on reader %d", d->index, i);
        }
    }

    memory_region_destroy(&d->mr);

    k = atomic_fetch_add(&extra_mapped, 1);
    if (k < MAX_OWNERS) {
        snprintf(extra_name[k], sizeof(extra_name[k]), "extra%u", k);
        memory_region_init_ram(&extra[k], NULL, extra_name[k], PAGE, &err);
        if (err) {
            rb_fail("finalizer: memory_region_init_ram: %s",
                    error_get_pretty(err));
            error_free(err);
        } else {
            fill(&extra[k], extra_byte, k);
            memory_region_add_subregion(&root, EXTRA_BASE + (hwaddr)k * PAGE,
                                        &extra[k]);
        }
    }
    atomic_fetch_add(&finalized, 1);
}

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "finalize");
    atomic_store(&finalized, 0);
    atomic_store(&extra_mapped, 0);
    atomic_store(&dev_mapped_seq, 0);
    atomic_store(&stop_readers, false);
    atomic_store(&reads_done, 0);
    atomic_store(&finalizer_thread_set, 0);
    atomic_store(&finalizer_threads_differ, 0);
    main_thread = pthread_self();
    rb_reset();
}

static void teardown(void)
{
    address_space_destroy(&as);
    memcore_rcu_barrier();
}

/* A 4-byte load at @addr must give @want with MEMTX_OK or 0 with
 * MEMTX_DECODE_ERROR. */
static bool check_ld(hwaddr addr, uint32_t want, const char *what)
{
    MemTxResult res = 0xdead;
    uint32_t v = address_space_ldl_le(&as, addr, MEMTXATTRS_UNSPECIFIED,
                                      &res);

    if ((res == MEMTX_OK && v == want) || (res == MEMTX_DECODE_ERROR && !v)) {
        return true;
    }
    rb_fail("%s: ldl_le(0x%" PRIx64 ") gave 0x%08x result %u, expected "
            "0x%08x or 0 with MEMTX_DECODE_ERROR", what, addr, v, res, want);
    return false;
}

static void *reader_thread(void *arg)
{
    /* readers stop when told; this is only a backstop */
    double deadline = rb_now() + RB_HARD_LIMIT + 2.0;
    unsigned long i;
    unsigned id = (unsigned)(uintptr_t)arg;

    for (i = 0; i < READER_MAX_ITERATIONS; i++) {
        unsigned seq, n;

        if (atomic_load(&stop_readers) || rb_failed() ||
            ((i & 255) == 0 && rb_now() > deadline)) {
            break;
        }
        /* The owned region: any owner mapped at some time during the
         * load, i.e. from the one mapped before it (seq - 1) to the one
         * being mapped after it (seq read again afterwards). */
        seq = atomic_load(&dev_mapped_seq);
        if (seq > 0) {
            MemTxResult res = 0xdead;
            hwaddr off = 0x10 + 4 * ((i + id) % 64);
            uint32_t v = address_space_ldl_le(&as, DEV_BASE + off,
                                              MEMTXATTRS_UNSPECIFIED, &res);
            unsigned seq_after = atomic_load(&dev_mapped_seq);
            bool ok = res == MEMTX_DECODE_ERROR && v == 0;

            for (unsigned d = seq - 1; !ok && d <= seq_after && d < MAX_OWNERS;
                 d++) {
                ok = res == MEMTX_OK && v == le32_of(dev_byte, d, off);
            }
            if (!ok) {
                rb_fail("ldl_le(0x%" PRIx64 ") while owners %u..%u were "
                        "mapped gave 0x%08x result %u",
                        (hwaddr)DEV_BASE + off, seq - 1, seq_after, v, res);
                break;
            }
        }
        /* A region some finalizer mapped. */
        n = atomic_load(&extra_mapped);
        if (n > 0) {
            unsigned k = (unsigned)(i % n);

            if (k < MAX_OWNERS &&
                !check_ld(EXTRA_BASE + (hwaddr)k * PAGE + 0x20,
                          le32_of(extra_byte, k, 0x20), "finalizer region")) {
                break;
            }
        }
    }
    atomic_fetch_add(&reads_done, i);
    return NULL;
}

START_TEST(finalizers_on_call_rcu_thread)
{
    double start = rb_now();
    unsigned released = 0;

    for (uintptr_t i = 0; i < NREADERS; i++) {
        ck_assert_int_eq(pthread_create(&reader_threads[i], NULL,
                                        reader_thread, (void *)i), 0);
    }
    for (unsigned i = 0; i < MAX_OWNERS; i++) {
        Dev *d = &devs[i];
        char name[16];
        Error *err = NULL;

        if (rb_failed() || rb_time_up(start, RUN_SECONDS, released, 11)) {
            break;
        }
        d->index = i;
        object_initialize_owner(&d->obj, "dev", dev_finalize);
        snprintf(name, sizeof(name), "dev%u", i);
        memory_region_init_ram(&d->mr, &d->obj, name, PAGE, &err);
        if (err) {
            rb_fail("memory_region_init_ram: %s", error_get_pretty(err));
            error_free(err);
            break;
        }
        fill(&d->mr, dev_byte, i);
        memory_region_add_subregion(&root, DEV_BASE, &d->mr);
        atomic_store(&dev_mapped_seq, i + 1);
        /* The caller's reference goes; the container's and the view's
         * remain.  Unmapping drops the container's, and the last one goes
         * with the retired view, after a grace period. */
        object_unref(&d->obj);
        memory_region_del_subregion(&root, &d->mr);
        released++;
    }
    atomic_store(&stop_readers, true);
    for (int i = 0; i < NREADERS; i++) {
        ck_assert_int_eq(pthread_join(reader_threads[i], NULL), 0);
    }
    memcore_rcu_barrier();

    printf("finalize: %u owners released, %u finalizer runs, %lu reads; "
           "finalizers ran on %s thread%s (not main, not a reader: "
           "liburcu's call_rcu thread)\n", released,
           atomic_load(&finalized), atomic_load(&reads_done),
           atomic_load(&finalizer_thread_set) ? "one" : "no",
           atomic_load(&finalizer_threads_differ) ? "s (several)" : "");
    rb_assert_no_failure();
    ck_assert_uint_gt(released, 10);
    ck_assert_uint_eq(atomic_load(&finalized), released);
    ck_assert_uint_eq(atomic_load(&extra_mapped), released);
    ck_assert(atomic_load(&finalizer_thread_set));
    ck_assert(!pthread_equal(finalizer_thread, main_thread));
    /* What the finalizers mapped is there, and the owned regions are
     * gone. */
    for (unsigned k = 0; k < released; k++) {
        MemTxResult res = 0xdead;
        uint32_t v = address_space_ldl_le(&as,
                                          EXTRA_BASE + (hwaddr)k * PAGE + 0x40,
                                          MEMTXATTRS_UNSPECIFIED, &res);

        ck_assert_msg(res == MEMTX_OK && v == le32_of(extra_byte, k, 0x40),
                      "region %u mapped by a finalizer reads 0x%08x "
                      "result %u", k, v, res);
    }
    {
        MemTxResult res = 0xdead;
        uint32_t v = address_space_ldl_le(&as, DEV_BASE + 0x10,
                                          MEMTXATTRS_UNSPECIFIED, &res);

        ck_assert_uint_eq(res, MEMTX_DECODE_ERROR);
        ck_assert_uint_eq(v, 0);
    }
}
END_TEST

/* ---- A thread the embedder registered with liburcu itself ---------------- */

static MemoryRegion emb_ram, emb_extra;
static atomic_int emb_step; /* how far the embedder thread got */
static uint32_t emb_value, emb_value_after;
static MemTxResult emb_res, emb_res_after;

static void *embedder_thread(void *arg)
{
    (void)arg;
    urcu_memb_register_thread();
    atomic_store(&emb_step, 1);
    emb_value = address_space_ldl_le(&as, 0x1000, MEMTXATTRS_UNSPECIFIED,
                                     &emb_res);
    atomic_store(&emb_step, 2);
    /* A topology change from the registered thread. */
    memory_region_add_subregion(&root, 0x8000, &emb_extra);
    emb_value_after = address_space_ldl_le(&as, 0x8000,
                                           MEMTXATTRS_UNSPECIFIED,
                                           &emb_res_after);
    memory_region_del_subregion(&root, &emb_extra);
    atomic_store(&emb_step, 3);
    urcu_memb_unregister_thread();
    atomic_store(&emb_step, 4);
    return NULL;
}

START_TEST(embedder_registered_thread)
{
    pthread_t t;
    uint32_t *host;

    memory_region_init_ram(&emb_ram, NULL, "emb", PAGE, &error_abort);
    memory_region_init_ram(&emb_extra, NULL, "emb-extra", PAGE, &error_abort);
    host = memory_region_get_ram_ptr(&emb_ram);
    ck_assert_ptr_nonnull(host);
    host[0] = 0x12345678;
    host = memory_region_get_ram_ptr(&emb_extra);
    ck_assert_ptr_nonnull(host);
    host[0] = 0x9abcdef0;
    memory_region_add_subregion(&root, 0x1000, &emb_ram);
    atomic_store(&emb_step, 0);

    ck_assert_int_eq(pthread_create(&t, NULL, embedder_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(atomic_load(&emb_step), 4);
    ck_assert_uint_eq(emb_res, MEMTX_OK);
    ck_assert_uint_eq(emb_value, 0x12345678);
    ck_assert_uint_eq(emb_res_after, MEMTX_OK);
    ck_assert_uint_eq(emb_value_after, 0x9abcdef0);
    /* The thread's topology change is visible here, and undone. */
    {
        MemTxResult res = 0xdead;
        uint32_t v = address_space_ldl_le(&as, 0x8000, MEMTXATTRS_UNSPECIFIED,
                                          &res);

        ck_assert_uint_eq(res, MEMTX_DECODE_ERROR);
        ck_assert_uint_eq(v, 0);
    }
    memory_region_del_subregion(&root, &emb_ram);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stress_finalize");
    TCase *tc = tcase_create("finalize");
    TCase *te = tcase_create("embedder");

    tcase_add_checked_fixture(tc, setup, teardown);
    /* RUN_SECONDS plus slack for slow (sanitizer) builds. */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, finalizers_on_call_rcu_thread);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(te, setup, teardown);
    tcase_set_timeout(te, 30);
    tcase_add_test(te, embedder_registered_thread);
    suite_add_tcase(s, te);
    return ck_run_suite(s);
}
