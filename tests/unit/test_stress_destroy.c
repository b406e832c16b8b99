/*
 * tests/unit/test_stress_destroy.c — memory_region_destroy while other
 * threads read through the address space.
 *
 * Promise checked (memory.h, memory_region_destroy): "its RAM block is
 * released after the RCU grace period, so readers already inside a read
 * section stay safe", and (memory.h, Threads) every access path may run on
 * any thread, without the lock, while another thread changes the topology.
 *
 * The writer keeps creating a 0x2000 RAM region, filling it with a known
 * pattern through memory_region_get_ram_ptr, mapping it at 0 of the root,
 * unmapping it and destroying it (it replaces the previous region in one
 * transaction on even cycles, in two separate steps on odd ones, so that
 * a region is mapped nearly all the time and readers are often inside a
 * view showing the region being destroyed).  Region storage comes from a
 * pool of POOL structs that is reused only after memcore_rcu_barrier(),
 * the grace period a caller must respect before reusing a destroyed
 * region's memory.
 * Two reader threads meanwhile use the paths that leave the small-access
 * fast path and look at the region itself:
 *
 *   ldl_le at 0xffe    crosses the page boundary at 0x1000 inside the
 *                      region: the general path (translate, then a load
 *                      through the region's RAM block)
 *   ldl_le at 0x1ffe   crosses the region's end: one MMIO-style access to
 *                      the region (always 0 / MEMTX_DECODE_ERROR, memory.h)
 *   read 8 at 0xffc    the byte-range path across the same page boundary
 *   read 8 at 0x1ffc   across the region's end: the second half is
 *                      unassigned in every view
 *   memory_region_find(root, 0x1000, 0x2000), result unreferenced
 *
 * A reader may see the region mapped (the pattern, MEMTX_OK) or not
 * mapped (0, MEMTX_DECODE_ERROR), never anything else.
 *
 * Why it fails today: memory_region_destroy() clears mr->ram_block (and
 * frees the region's extra state) at once, while readers on the previous
 * view still reach the region through it: the general load path then
 * dereferences a NULL block (SIGSEGV within a second).
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

#define RSIZE 0x2000u
#define POOL 64
#define WRITER_MAX_ITERATIONS 200000
#define READER_MAX_ITERATIONS 100000000UL
#define RUN_SECONDS 2.0
#define NREADERS 2

static MemoryRegion root;
static AddressSpace as;
static MemoryRegion pool[POOL];

static atomic_bool writer_done;
static atomic_ulong cycles_done;
static atomic_ulong reads_done;
static atomic_ulong reads_mapped; /* reads that saw the region mapped */

/* Byte @off of every region the writer maps: never 0, so a mapped region
 * cannot be mistaken for an unmapped one. */
static uint8_t pattern(uint64_t off)
{
    return (uint8_t)(1 + off % 251);
}

static uint32_t pattern_le32(uint64_t off)
{
    return (uint32_t)pattern(off) | (uint32_t)pattern(off + 1) << 8 |
           (uint32_t)pattern(off + 2) << 16 | (uint32_t)pattern(off + 3) << 24;
}

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "destroy");
    atomic_store(&writer_done, false);
    atomic_store(&cycles_done, 0);
    atomic_store(&reads_done, 0);
    atomic_store(&reads_mapped, 0);
    rb_reset();
}

static void teardown(void)
{
    address_space_destroy(&as);
    memcore_rcu_barrier();
}

static bool is_pool_region(const MemoryRegion *mr)
{
    return mr >= &pool[0] && mr < &pool[POOL];
}

/* One round of every reader access: 1 when the region was seen mapped,
 * 0 when not, -1 after recording a failure. */
static int reader_round(unsigned long round)
{
    MemTxResult res = 0xdead;
    uint32_t v;
    uint8_t buf[8];
    bool mapped = false;

    v = address_space_ldl_le(&as, 0xffe, MEMTXATTRS_UNSPECIFIED, &res);
    if (res == MEMTX_OK && v == pattern_le32(0xffe)) {
        mapped = true;
    } else if (!(res == MEMTX_DECODE_ERROR && v == 0)) {
        rb_fail("ldl_le(0xffe) gave 0x%08x result %u: expected 0x%08x "
                "(mapped) or 0 with MEMTX_DECODE_ERROR", v, res,
                pattern_le32(0xffe));
        return -1;
    }

    res = 0xdead;
    v = address_space_ldl_le(&as, 0x1ffe, MEMTXATTRS_UNSPECIFIED, &res);
    if (!(res == MEMTX_OK && v == pattern_le32(0x1ffe)) &&
        !(res == MEMTX_DECODE_ERROR && v == 0)) {
        rb_fail("ldl_le(0x1ffe) gave 0x%08x result %u", v, res);
        return -1;
    }

    memset(buf, 0xee, sizeof(buf));
    res = address_space_read(&as, 0xffc, MEMTXATTRS_UNSPECIFIED, buf, 8);
    if (res == MEMTX_OK) {
        for (int i = 0; i < 8; i++) {
            if (buf[i] != pattern(0xffc + i)) {
                rb_fail("read(0xffc, 8) OK but byte %d is 0x%02x, "
                        "expected 0x%02x", i, buf[i], pattern(0xffc + i));
                return -1;
            }
        }
        mapped = true;
    } else {
        for (int i = 0; i < 8; i++) {
            if (res != MEMTX_DECODE_ERROR || buf[i] != 0) {
                rb_fail("read(0xffc, 8) gave result %u, byte %d 0x%02x: "
                        "expected the pattern or zeros with "
                        "MEMTX_DECODE_ERROR", res, i, buf[i]);
                return -1;
            }
        }
    }

    /* Bytes 0x1ffc..0x1fff are the region's (or unassigned), the next
     * four are unassigned in every view. */
    memset(buf, 0xee, sizeof(buf));
    res = address_space_read(&as, 0x1ffc, MEMTXATTRS_UNSPECIFIED, buf, 8);
    {
        bool head_pattern = true, head_zero = true;

        for (int i = 0; i < 4; i++) {
            head_pattern &= buf[i] == pattern(0x1ffc + i);
            head_zero &= buf[i] == 0;
        }
        if (res != MEMTX_DECODE_ERROR || !(head_pattern || head_zero) ||
            buf[4] | buf[5] | buf[6] | buf[7]) {
            rb_fail("read(0x1ffc, 8) gave result %u bytes "
                    "%02x %02x %02x %02x %02x %02x %02x %02x", res, buf[0],
                    buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]);
            return -1;
        }
    }

    /* memory_region_find takes the global lock: only every 16th round,
     * so that most of the readers' time goes to the lock-free paths. */
    if (round % 16 == 0) {
        /* Pool regions have no owner, so find's reference keeps nothing
         * alive: the read section is what keeps the region valid until
         * its unref (memory.h, memory_region_find). */
        memcore_rcu_read_lock();
        MemoryRegionSection s = memory_region_find(&root, 0x1000, 0x2000);

        if (s.mr) {
            bool ok = is_pool_region(s.mr) &&
                      s.offset_within_address_space == 0x1000 &&
                      s.offset_within_region == 0x1000 &&
                      s.size == (Int128)0x1000;

            memory_region_unref(s.mr);
            memcore_rcu_read_unlock();
            if (!ok) {
                rb_fail("memory_region_find(root, 0x1000, 0x2000) gave "
                        "region %p at 0x%" PRIx64 " offset 0x%" PRIx64
                        " size 0x%" PRIx64 ": expected a pool region's "
                        "second page", (void *)s.mr,
                        s.offset_within_address_space,
                        s.offset_within_region, (uint64_t)s.size);
                return -1;
            }
        } else {
            memcore_rcu_read_unlock();
        }
    }
    return mapped ? 1 : 0;
}

static void *reader_thread(void *arg)
{
    /* readers stop when the writer is done; this is only a backstop */
    double deadline = rb_now() + RB_HARD_LIMIT + 2.0;
    unsigned long i, mapped = 0;

    (void)arg;
    for (i = 0; i < READER_MAX_ITERATIONS; i++) {
        int seen;

        if (atomic_load(&writer_done) || rb_failed() ||
            ((i & 255) == 0 && rb_now() > deadline)) {
            break;
        }
        seen = reader_round(i);
        if (seen < 0) {
            break;
        }
        mapped += (unsigned long)seen;
    }
    atomic_fetch_add(&reads_done, i);
    atomic_fetch_add(&reads_mapped, mapped);
    return NULL;
}

static void *writer_thread(void *arg)
{
    double start = rb_now();
    MemoryRegion *old = NULL;
    unsigned long k;

    (void)arg;
    for (k = 0; k < WRITER_MAX_ITERATIONS; k++) {
        MemoryRegion *r = &pool[k % POOL];
        Error *err = NULL;
        uint8_t *host;
        MemTxResult res = 0xdead;
        uint32_t v;

        if (rb_failed() || rb_time_up(start, RUN_SECONDS, k, 2 * POOL)) {
            break;
        }
        /* A slot is reused POOL cycles after it was mapped and POOL - 1
         * after it was destroyed; a grace period every POOL / 2 cycles
         * lies in between, so nobody may still look at its storage. */
        if (k > 0 && k % (POOL / 2) == 0) {
            memcore_rcu_barrier();
        }
        memory_region_init_ram(r, NULL, "r", RSIZE, &err);
        if (err) {
            rb_fail("memory_region_init_ram: %s", error_get_pretty(err));
            error_free(err);
            break;
        }
        host = memory_region_get_ram_ptr(r);
        if (!host) {
            rb_fail("memory_region_get_ram_ptr gave NULL for RAM");
            break;
        }
        for (uint64_t off = 0; off < RSIZE; off++) {
            host[off] = pattern(off);
        }
        /* Replace the previous region by the new one in one step, so
         * that readers nearly always find a region mapped, then destroy
         * the previous one while readers may still be inside a view that
         * shows it.  Every other cycle the replacement is two separate
         * changes, so that readers also see nothing mapped. */
        if (k % 2 == 0) {
            memory_region_transaction_begin();
        }
        if (old) {
            memory_region_del_subregion(&root, old);
        }
        memory_region_add_subregion(&root, 0, r);
        if (k % 2 == 0) {
            memory_region_transaction_commit();
        }
        if (old) {
            memory_region_destroy(old);
        }
        old = r;
        /* The writer checks the mapping it just made. */
        v = address_space_ldl_le(&as, 0x10, MEMTXATTRS_UNSPECIFIED, &res);
        if (res != MEMTX_OK || v != pattern_le32(0x10)) {
            rb_fail("writer: ldl_le(0x10) of the mapped region gave 0x%08x "
                    "result %u", v, res);
            break;
        }
        atomic_store(&cycles_done, k + 1);
    }
    atomic_store(&writer_done, true);
    if (old) {
        memory_region_del_subregion(&root, old);
        memory_region_destroy(old);
    }
    return NULL;
}

START_TEST(destroy_under_readers)
{
    pthread_t w, r[NREADERS];

    for (int i = 0; i < NREADERS; i++) {
        ck_assert_int_eq(pthread_create(&r[i], NULL, reader_thread, NULL), 0);
    }
    ck_assert_int_eq(pthread_create(&w, NULL, writer_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(w, NULL), 0);
    for (int i = 0; i < NREADERS; i++) {
        ck_assert_int_eq(pthread_join(r[i], NULL), 0);
    }
    printf("destroy: %lu map/unmap/destroy cycles, %lu reader rounds, "
           "%lu saw the region\n", atomic_load(&cycles_done),
           atomic_load(&reads_done), atomic_load(&reads_mapped));
    rb_assert_no_failure();
    /* The run exercised something: many cycles overlapping reads. */
    ck_assert_uint_ge(atomic_load(&cycles_done), 2 * POOL);
    ck_assert_uint_gt(atomic_load(&reads_done), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stress_destroy");
    TCase *tc = tcase_create("destroy");

    tcase_add_checked_fixture(tc, setup, teardown);
    /* RUN_SECONDS plus slack for slow (sanitizer) builds. */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, destroy_under_readers);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
