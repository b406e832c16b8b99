/*
 * tests/unit/test_map_destroy.c — memory_region_destroy of a region that
 * still has address_space_map mappings.
 *
 * Promise checked (memory.h, address_space_map and memory_region_destroy;
 * SEMANTICS.md, "Map, unmap and the bounce buffer"): a direct mapping
 * holds the region's RAM block until address_space_unmap, even when the
 * region is destroyed meanwhile — the pointer stays valid for the device
 * (DMA into it works, the bytes are kept), unmap of it works and drops
 * the mapping's owner reference, and only then is the block freed.  A
 * bounce mapping of a region destroyed before its unmap drops the right
 * owner reference without touching the region.  An unmap with no mapping
 * behind it is misuse.
 *
 *   direct        map for writing, del + destroy, grace period: DMA into
 *                 the pointer, read back, unmap (no misuse), owner back
 *                 to one reference
 *   ownerless     the same without owner, the region's storage freed
 *                 (malloc) before the unmap: unmap must not look at it
 *   bounce        MMIO mapped through the bounce buffer, region destroyed
 *                 and its storage freed, then unmap
 *   double_unmap  the second unmap of one mapping is misuse and changes
 *                 no reference count
 *   threads       two threads map, write and unmap RAM while the main
 *                 thread keeps replacing (and destroying) that RAM: every
 *                 unmap succeeds and nothing faults
 *
 * Why it failed: memory_region_destroy freed the RAM block after a grace
 * period whatever mappings were outstanding: the device's pointer then
 * pointed at unmapped memory (SIGSEGV), and unmap no longer found the
 * block, reported "was not returned by address_space_map" (abort) and
 * leaked the owner's reference.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "robust.h"
#include "check_run.h"

static MemoryRegion root;
static AddressSpace as;
static atomic_int misuses;
static char last_misuse[512];

static void on_misuse(const char *msg)
{
    if (atomic_fetch_add(&misuses, 1) == 0) {
        snprintf(last_misuse, sizeof(last_misuse), "%s", msg);
    }
}

static void setup(void)
{
    atomic_store(&misuses, 0);
    last_misuse[0] = '\0';
    memcore_set_misuse_handler(on_misuse);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "as");
}

static void teardown(void)
{
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
    memcore_set_misuse_handler(NULL);
}

#define assert_no_misuse()                                                  \
    ck_assert_msg(atomic_load(&misuses) == 0, "misuse: %s", last_misuse)

START_TEST(test_direct)
{
    static Object owner;
    static MemoryRegion ram;

    object_initialize_owner(&owner, "dev", NULL);
    memory_region_init_ram(&ram, &owner, "ram", 0x10000, &error_abort);
    memory_region_add_subregion(&root, 0x100000, &ram);
    unsigned base_refs = object_ref_count(&owner);

    hwaddr len = 0x2000;
    uint8_t *p = address_space_map(&as, 0x101000, &len, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 0x2000);
    ck_assert_uint_eq(object_ref_count(&owner), base_refs + 1);

    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    memcore_rcu_barrier();
    assert_no_misuse();
    /* Only the owner's own reference and the mapping's are left. */
    ck_assert_uint_eq(object_ref_count(&owner), 2);

    /* The device's DMA, long after the grace period. */
    memset(p, 0xab, len);
    for (hwaddr i = 0; i < len; i += 0x100) {
        ck_assert_uint_eq(p[i], 0xab);
    }
    address_space_unmap(&as, p, len, true, len);
    assert_no_misuse();
    ck_assert_uint_eq(object_ref_count(&owner), 1);
    memcore_rcu_barrier();
    object_unref(&owner);
}
END_TEST

START_TEST(test_ownerless)
{
    MemoryRegion *ram = malloc(sizeof(*ram));
    ck_assert_ptr_nonnull(ram);
    memory_region_init_ram(ram, NULL, "r1", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, ram);
    hwaddr len = 16;
    uint8_t *p = address_space_map(&as, 0x1000, &len, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 16);
    memory_region_del_subregion(&root, ram);
    memory_region_destroy(ram);
    memcore_rcu_barrier();
    /* The region's storage is the caller's again: unmap must not need
     * it (ASan reports any use). */
    free(ram);
    memset(p, 0x5a, len);
    address_space_unmap(&as, p, len, true, len);
    assert_no_misuse();
    memcore_rcu_barrier();
}
END_TEST

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return 0x11;
}

static atomic_int io_writes;

static void io_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque, (void)addr, (void)v, (void)size;
    atomic_fetch_add(&io_writes, 1);
}

static const MemoryRegionOps io_ops = {
    .read = io_read,
    .write = io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

START_TEST(test_bounce)
{
    static Object owner;
    MemoryRegion *io = malloc(sizeof(*io));
    ck_assert_ptr_nonnull(io);

    object_initialize_owner(&owner, "iodev", NULL);
    memory_region_init_io(io, &owner, &io_ops, NULL, "io", 0x100);
    memory_region_add_subregion(&root, 0x2000, io);
    hwaddr len = 8;
    uint8_t *p = address_space_map(&as, 0x2000, &len, true);
    ck_assert_ptr_nonnull(p);
    memory_region_del_subregion(&root, io);
    memory_region_destroy(io);
    memcore_rcu_barrier();
    ck_assert_uint_eq(object_ref_count(&owner), 2); /* its own + the map */
    free(io);
    atomic_store(&io_writes, 0);
    memset(p, 1, len);
    address_space_unmap(&as, p, len, true, len);
    assert_no_misuse();
    /* Written back to what the address space shows now: nothing. */
    ck_assert_int_eq(atomic_load(&io_writes), 0);
    ck_assert_uint_eq(object_ref_count(&owner), 1);
    object_unref(&owner);
}
END_TEST

START_TEST(test_double_unmap)
{
    static Object owner;
    static MemoryRegion ram;

    object_initialize_owner(&owner, "dev", NULL);
    memory_region_init_ram(&ram, &owner, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &ram);
    unsigned refs = object_ref_count(&owner);
    hwaddr len = 0x1000;
    uint8_t *p = address_space_map(&as, 0x1000, &len, false);
    ck_assert_ptr_nonnull(p);
    address_space_unmap(&as, p, len, false, len);
    assert_no_misuse();
    ck_assert_uint_eq(object_ref_count(&owner), refs);
    address_space_unmap(&as, p, len, false, len);
    int reported = atomic_load(&misuses);
    ck_assert_int_eq(reported, 1);
    ck_assert_ptr_nonnull(strstr(last_misuse, "address_space_unmap"));
    ck_assert_uint_eq(object_ref_count(&owner), refs);
    /* The region's own hold on its block was not taken by that unmap:
     * the region still works. */
    address_space_stl_le(&as, 0x1000, 0x12345678, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_uint_eq(address_space_ldl_le(&as, 0x1000,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x12345678);
    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    memcore_rcu_barrier();
    object_unref(&owner);
}
END_TEST

/* ---- threads ------------------------------------------------------------ */

#define POOL 4
#define WRITER_ITERATIONS 3000
#define READER_MAX_ITERATIONS 20000000UL
#define RUN_SECONDS 2.0
#define NREADERS 2
#define RBASE 0x10000
#define RSIZE 0x2000

static MemoryRegion pool[POOL];
static atomic_bool writer_done;
static atomic_ulong maps_done;

static void *reader(void *arg)
{
    unsigned k = (unsigned)(uintptr_t)arg; /* its own bytes of the RAM */
    uint8_t fill = (uint8_t)(0x40 + k);
    for (unsigned long i = 0;
         i < READER_MAX_ITERATIONS && !atomic_load(&writer_done); i++) {
        hwaddr len = 64;
        hwaddr addr = RBASE + k * (RSIZE / NREADERS) + (i & 7) * 0x100;
        uint8_t *p = address_space_map(&as, addr, &len, true);
        if (!p) {
            continue; /* the bounce buffer is busy: not our concern */
        }
        /* Direct or bounced, the mapping is ours until unmap. */
        memset(p, fill, len);
        for (hwaddr k = 0; k < len; k++) {
            if (p[k] != fill) {
                rb_fail("mapped byte %u changed under the mapping",
                        (unsigned)k);
                break;
            }
        }
        address_space_unmap(&as, p, len, true, len);
        if (atomic_load(&misuses)) {
            rb_fail("address_space_unmap reported misuse");
            break;
        }
        atomic_fetch_add_explicit(&maps_done, 1, memory_order_relaxed);
    }
    return NULL;
}

START_TEST(test_threads)
{
    rb_reset();
    atomic_store(&writer_done, false);
    atomic_store(&maps_done, 0);
    pthread_t t[NREADERS];
    for (int i = 0; i < NREADERS; i++) {
        ck_assert_int_eq(pthread_create(&t[i], NULL, reader,
                                        (void *)(uintptr_t)i),
                         0);
    }
    double end = rb_now() + RUN_SECONDS;
    MemoryRegion *cur = NULL;
    for (unsigned i = 0; i < WRITER_ITERATIONS && !rb_failed(); i++) {
        MemoryRegion *next = &pool[i % POOL];
        memory_region_init_ram(next, NULL, "victim", RSIZE, &error_abort);
        memory_region_transaction_begin();
        if (cur) {
            memory_region_del_subregion(&root, cur);
        }
        memory_region_add_subregion(&root, RBASE, next);
        memory_region_transaction_commit();
        if (cur) {
            memory_region_destroy(cur);
        }
        cur = next;
        if (i & 1) {
            /* A slot is reused POOL iterations after its destroy, so at
             * least one grace period later, as memory.h requires. */
            memcore_rcu_barrier();
        }
        if ((i & 63) == 63 && rb_now() > end) {
            break;
        }
    }
    atomic_store(&writer_done, true);
    for (int i = 0; i < NREADERS; i++) {
        pthread_join(t[i], NULL);
    }
    rb_assert_no_failure();
    assert_no_misuse();
    fprintf(stderr, "map_destroy: %lu maps while the RAM was replaced\n",
            atomic_load(&maps_done));
    memory_region_del_subregion(&root, cur);
    memory_region_destroy(cur);
    memcore_rcu_barrier();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("map_destroy");
    TCase *tc = tcase_create("map_destroy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_direct);
    tcase_add_test(tc, test_ownerless);
    tcase_add_test(tc, test_bounce);
    tcase_add_test(tc, test_double_unmap);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
