/*
 * tests/unit/test_stress_readers.c — readers write nothing shared.
 *
 * Promise checked (memory.h): "Readers write no shared memory, so readers
 * on several cores do not slow each other."  Two reader threads hammer
 * two different ranges of one view — fast-path loads and stores to RAM,
 * page-crossing loads that take the general path, address_space_read,
 * translate, find, MMIO — while the main thread watches the view: every
 * byte of the published FlatView (its header, its chunk tables, every
 * chunk with its ranges, every node of its dispatch index) must read the
 * same after the readers ran as before.  The test looks at the view
 * through the library's private header, since that is what it is about.
 *
 * Why it failed before the fix: a lookup that missed stored the range it
 * found in the view (an MRU field on the cache line every lookup reads)
 * and in a page-hint table, which the first reader after a commit
 * allocated and published — both shared writes, and the second made
 * every reader of a fresh view race to allocate.
 *
 * The view has more than a hundred ranges (several chunks, a multi-level
 * index) so that lookups are real lookups.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#include "robust.h"
#include "check_run.h"

#define NDEV 200
#define DEV_STRIDE 0x2000ULL
#define RAM_A 0x40000000ULL
#define RAM_B 0x50000000ULL
#define RAM_SIZE 0x4000u
#define RUN_SECONDS 1.0
#define READER_MAX_ITERATIONS 20000000L

static MemoryRegion root, ram_a, ram_b, dev[NDEV];
static AddressSpace as;
static atomic_bool stop;
static atomic_long reads_done;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)size;
    return addr;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data,
                      unsigned size)
{
    (void)opaque, (void)addr, (void)data, (void)size;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- A fingerprint of everything a view is made of ---------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 0x100000001b3ULL;
    }
    return h;
}

static uint64_t index_fingerprint(uint64_t h, DispSlot s, unsigned depth)
{
    ck_assert_uint_lt(depth, 70);
    if (s == DISP_EMPTY || (s & DISP_LEAF)) {
        return fnv(h, &s, sizeof(s));
    }
    const DispNode *n = (const DispNode *)s;
    h = fnv(h, n, sizeof(*n) + (sizeof(DispSlot) << n->bits));
    for (unsigned i = 0; i < (1u << n->bits); i++) {
        h = index_fingerprint(h, n->slot[i], depth + 1);
    }
    return h;
}

static uint64_t view_fingerprint(const FlatView *v)
{
    uint64_t h = fnv(0xcbf29ce484222325ULL, v, sizeof(*v));

    h = fnv(h, v->chunks, v->nchunks * sizeof(*v->chunks));
    h = fnv(h, v->chunk_first, (v->nchunks + 1) * sizeof(*v->chunk_first));
    h = fnv(h, v->chunk_base, (v->nchunks + 1) * sizeof(*v->chunk_base));
    for (unsigned c = 0; c < v->nchunks; c++) {
        const FlatChunk *ch = v->chunks[c];
        h = fnv(h, ch, sizeof(*ch) + ch->nr * sizeof(FlatRange));
        h = index_fingerprint(h, ch->index, 0);
    }
    return index_fingerprint(h, v->index, 0);
}

/* ---- Readers ---------------------------------------------------------------- */

static void *reader(void *opaque)
{
    hwaddr base = (uintptr_t)opaque;
    double end = rb_now() + RUN_SECONDS;
    unsigned d = base == RAM_A ? 0 : NDEV / 2;
    uint8_t buf[16];

    for (long i = 0; i < READER_MAX_ITERATIONS && !atomic_load(&stop); i++) {
        MemTxResult r;
        hwaddr off = (hwaddr)(i * 8) % (RAM_SIZE - 8);

        address_space_stl_le(&as, base + off, (uint32_t)i,
                             MEMTXATTRS_UNSPECIFIED, &r);
        uint32_t v = address_space_ldl_le(&as, base + off,
                                          MEMTXATTRS_UNSPECIFIED, &r);
        if (r != MEMTX_OK || v != (uint32_t)i) {
            rb_fail("reader at 0x%llx: ldl gave 0x%x result %u, wrote 0x%x",
                    (unsigned long long)base, v, r, (uint32_t)i);
            break;
        }
        /* The general path: a load across a page inside the RAM. */
        (void)address_space_ldl_le(&as, base + 0xffe, MEMTXATTRS_UNSPECIFIED,
                                   &r);
        address_space_read(&as, base + 0xff8, MEMTXATTRS_UNSPECIFIED, buf,
                           sizeof(buf));
        /* A device of this reader's half, and a lookup in between. */
        hwaddr da = (d + (unsigned)(i % (NDEV / 2))) * DEV_STRIDE;
        (void)address_space_ldl_le(&as, da, MEMTXATTRS_UNSPECIFIED, &r);
        (void)address_space_ldl_le(&as, da + 0x1000, MEMTXATTRS_UNSPECIFIED,
                                   &r);
        if ((i & 255) == 0) {
            hwaddr xlat, len = 4;
            memcore_rcu_read_lock();
            (void)address_space_translate(&as, da, &xlat, &len, false);
            memcore_rcu_read_unlock();
            MemoryRegionSection s = memory_region_find(&root, da, 4);
            if (s.mr) {
                memory_region_unref(s.mr);
            }
            if (rb_now() > end) {
                break;
            }
        }
        atomic_fetch_add_explicit(&reads_done, 1, memory_order_relaxed);
    }
    return NULL;
}

START_TEST(readers_write_nothing_shared)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram_a, NULL, "ram-a", RAM_SIZE, &error_abort);
    memory_region_init_ram(&ram_b, NULL, "ram-b", RAM_SIZE, &error_abort);
    memory_region_transaction_begin();
    memory_region_add_subregion(&root, RAM_A, &ram_a);
    memory_region_add_subregion(&root, RAM_B, &ram_b);
    for (unsigned i = 0; i < NDEV; i++) {
        memory_region_init_io(&dev[i], NULL, &dev_ops, NULL, "dev", 0x1000);
        memory_region_add_subregion(&root, i * DEV_STRIDE, &dev[i]);
    }
    memory_region_transaction_commit();
    address_space_init(&as, &root, "readers");

    FlatView *v = address_space_get_flatview(&as);
    ck_assert_uint_gt(v->nchunks, 1);
    ck_assert_uint_gt(v->nr, NDEV);
    uint64_t before = view_fingerprint(v);

    pthread_t th[2];
    rb_reset();
    ck_assert_int_eq(pthread_create(&th[0], NULL, reader,
                                    (void *)(uintptr_t)RAM_A), 0);
    ck_assert_int_eq(pthread_create(&th[1], NULL, reader,
                                    (void *)(uintptr_t)RAM_B), 0);
    pthread_join(th[0], NULL);
    pthread_join(th[1], NULL);
    rb_assert_no_failure();
    ck_assert_int_gt(atomic_load(&reads_done), 1000);

    /* The readers ran on the very view fingerprinted: no commit since. */
    FlatView *now = address_space_get_flatview(&as);
    ck_assert_ptr_eq(now, v);
    flatview_unref(now);
    ck_assert_msg(view_fingerprint(v) == before,
                  "the readers changed the shared FlatView");
    flatview_unref(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stress_readers");
    TCase *tc = tcase_create("readers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, readers_write_nothing_shared);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
