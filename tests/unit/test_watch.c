/*
 * tests/unit/test_watch.c — memcore's watchpoints (memcore.h,
 * Watchpoints): what fires, when, with what, through which paths, and
 * what never fires; plus accesses and watchpoint changes on several
 * threads at once.  Uses only the public headers.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define IO_BASE 0x10000000ULL

static MemoryRegion root, ram, io, alias_root, ram2;
static AddressSpace as, dma_as;
static uint32_t io_reg[4];

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)size;
    return io_reg[(addr / 4) & 3];
}

static void io_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque, (void)size;
    io_reg[(addr / 4) & 3] = (uint32_t)v;
}

static const MemoryRegionOps io_ops = {
    .read = io_read,
    .write = io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

/* What the callback saw. */
#define MAX_HITS 64
static MemcoreWatchHit hits[MAX_HITS];
static uint32_t value_at_hit[MAX_HITS];
static int nhits;

static void record(const MemcoreWatchHit *h)
{
    if (nhits < MAX_HITS) {
        hits[nhits] = *h;
        /* What memory holds when the callback runs (a debug read, which
         * no watchpoint sees). */
        MemTxAttrs dbg = { .debug = 1 };
        uint32_t v = 0;
        address_space_read(h->wp_as, h->wp_addr, dbg, (uint8_t *)&v,
                           h->wp_len < 4 ? (int)h->wp_len : 4);
        value_at_hit[nhits] = v;
    }
    nhits++;
}

static void setup(void)
{
    nhits = 0;
    memset(io_reg, 0, sizeof(io_reg));
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_init_ram(&ram2, NULL, "ram2", RAM_SIZE, &error_abort);
    memory_region_init_io(&io, NULL, &io_ops, NULL, "io", 0x10);
    memory_region_add_subregion(&root, RAM_BASE, &ram);
    memory_region_add_subregion(&root, RAM_BASE + RAM_SIZE, &ram2);
    memory_region_add_subregion(&root, IO_BASE, &io);
    /* A second initiator: a DMA address space that sees the same memory
     * through an alias, at another address. */
    memory_region_init_alias(&alias_root, NULL, "dma", &root, RAM_BASE,
                             2 * RAM_SIZE);
    address_space_init(&as, &root, "cpu");
    address_space_init(&dma_as, &alias_root, "dma");
}

static void teardown(void)
{
    address_space_destroy(&dma_as);
    address_space_destroy(&as);
    memory_region_del_subregion(&root, &io);
    memory_region_del_subregion(&root, &ram2);
    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&alias_root);
    memory_region_destroy(&io);
    memory_region_destroy(&ram2);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}

static int watch(hwaddr addr, hwaddr len, unsigned flags)
{
    Error *err = NULL;
    int id = memcore_watchpoint_insert(&as, addr, len, flags, record,
                                       &nhits, &err);
    ck_assert_msg(id >= 0, "insert failed: %s",
                  err ? error_get_pretty(err) : "?");
    return id;
}

START_TEST(test_write_fires_after_the_write)
{
    int id = watch(RAM_BASE + 0x100, 4, MEMCORE_WATCH_WRITE);
    address_space_stl_le(&as, RAM_BASE + 0x100, 0xdeadbeef,
                         MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_int_eq(hits[0].id, id);
    ck_assert_ptr_eq(hits[0].opaque, &nhits);
    ck_assert_uint_eq(hits[0].flags, MEMCORE_WATCH_WRITE);
    ck_assert_ptr_eq(hits[0].as, &as);
    ck_assert_uint_eq(hits[0].addr, RAM_BASE + 0x100);
    ck_assert_uint_eq(hits[0].len, 4);
    ck_assert_uint_eq(hits[0].wp_addr, RAM_BASE + 0x100);
    ck_assert_uint_eq(hits[0].wp_len, 4);
    /* gdb compares old and new values: the store has happened. */
    ck_assert_uint_eq(value_at_hit[0], 0xdeadbeef);

    /* Reads do not fire a write watchpoint; neither do neighbours. */
    address_space_ldl_le(&as, RAM_BASE + 0x100, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    address_space_stl_le(&as, RAM_BASE + 0x104, 1, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    address_space_stl_le(&as, RAM_BASE + 0xfc, 1, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 1);
    /* One byte of overlap is enough. */
    address_space_stl_le(&as, RAM_BASE + 0xfd, 2, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 2);
    ck_assert_uint_eq(hits[1].addr, RAM_BASE + 0xfd);

    ck_assert(memcore_watchpoint_remove(id));
    ck_assert(!memcore_watchpoint_remove(id));
    address_space_stl_le(&as, RAM_BASE + 0x100, 5, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 2);
}
END_TEST

START_TEST(test_read_and_access)
{
    int r = watch(RAM_BASE + 0x200, 8, MEMCORE_WATCH_READ);
    int a = watch(RAM_BASE + 0x204, 1, MEMCORE_WATCH_ACCESS);
    uint8_t buf[16];

    address_space_stq_le(&as, RAM_BASE + 0x200, 1, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 1); /* only the access watchpoint */
    ck_assert_int_eq(hits[0].id, a);
    ck_assert_uint_eq(hits[0].flags, MEMCORE_WATCH_WRITE);

    address_space_read(&as, RAM_BASE + 0x1f8, MEMTXATTRS_UNSPECIFIED, buf,
                       sizeof(buf));
    ck_assert_int_eq(nhits, 3);
    ck_assert_uint_eq(hits[1].flags, MEMCORE_WATCH_READ);
    ck_assert_uint_eq(hits[2].flags, MEMCORE_WATCH_READ);
    ck_assert((hits[1].id == r && hits[2].id == a) ||
              (hits[1].id == a && hits[2].id == r));

    /* A debugger's access is not seen. */
    MemTxAttrs dbg = { .debug = 1 };
    address_space_read(&as, RAM_BASE + 0x200, dbg, buf, 8);
    address_space_write(&as, RAM_BASE + 0x204, dbg, buf, 1);
    ck_assert_uint_eq(address_space_ldub(&as, RAM_BASE + 0x204, dbg, NULL),
                      buf[0]);
    ck_assert_int_eq(nhits, 3);
    ck_assert(memcore_watchpoint_remove(r));
    ck_assert(memcore_watchpoint_remove(a));
}
END_TEST

/* A watchpoint is on the memory: another initiator through an alias, a
 * large copy, the loader's write_rom and map/unmap all fire it. */
START_TEST(test_every_initiator)
{
    watch(RAM_BASE + 0x1ffe, 4, MEMCORE_WATCH_WRITE); /* crosses a page */

    /* DMA address space: RAM_BASE is at 0 there. */
    address_space_stw_le(&dma_as, 0x2000, 7, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_ptr_eq(hits[0].as, &dma_as);
    ck_assert_uint_eq(hits[0].addr, 0x2000);
    ck_assert_uint_eq(hits[0].wp_addr, RAM_BASE + 0x1ffe);

    /* A big write over the watched bytes: one hit (one piece of RAM). */
    static uint8_t big[0x3000];
    memset(big, 0x5a, sizeof(big));
    address_space_write(&as, RAM_BASE + 0x1000, MEMTXATTRS_UNSPECIFIED, big,
                        sizeof(big));
    ck_assert_int_eq(nhits, 2);
    ck_assert_uint_eq(hits[1].addr, RAM_BASE + 0x1000);
    ck_assert_uint_eq(hits[1].len, sizeof(big));
    int after_big = nhits;

    cpu_physical_memory_write_rom(&as, RAM_BASE + 0x1fff, big, 1);
    ck_assert_int_eq(nhits, after_big + 1);

    /* map for writing: the write-back at unmap is what fires. */
    hwaddr len = 8;
    uint8_t *p = address_space_map(&as, RAM_BASE + 0x1ffc, &len, true);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 8);
    ck_assert_int_eq(nhits, after_big + 1);
    memset(p, 0x11, len);
    address_space_unmap(&as, p, len, true, len);
    ck_assert_int_eq(nhits, after_big + 2);
    ck_assert_uint_eq(address_space_ldl_le(&as, RAM_BASE + 0x1ffe,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x11111111);
    /* The bounce buffer is free again. */
    len = 8;
    p = address_space_map(&as, RAM_BASE + 0x1ffc, &len, false);
    ck_assert_ptr_nonnull(p);
    address_space_unmap(&as, p, len, false, len);
    ck_assert_int_eq(nhits, after_big + 2);
}
END_TEST

START_TEST(test_mmio)
{
    watch(IO_BASE + 4, 4, MEMCORE_WATCH_ACCESS);
    address_space_stl_le(&as, IO_BASE + 4, 0x1234, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_uint_eq(value_at_hit[0], 0x1234); /* the device has it */
    ck_assert_uint_eq(address_space_ldl_le(&as, IO_BASE + 4,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x1234);
    ck_assert_int_eq(nhits, 2);
    ck_assert_uint_eq(hits[1].flags, MEMCORE_WATCH_READ);
    address_space_ldl_le(&as, IO_BASE + 8, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 2);
}
END_TEST

START_TEST(test_refused)
{
    Error *err = NULL;
    ck_assert_int_eq(memcore_watchpoint_insert(&as, 0x4000, 4,
                                               MEMCORE_WATCH_WRITE, record,
                                               NULL, &err),
                     -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(error_get_pretty(err), "nothing is mapped"));
    error_free(err);
    err = NULL;
    /* Partly mapped: the end of ram2 and beyond. */
    ck_assert_int_eq(memcore_watchpoint_insert(&as,
                                               RAM_BASE + 2 * RAM_SIZE - 2,
                                               4, MEMCORE_WATCH_WRITE,
                                               record, NULL, &err),
                     -1);
    error_free(err);
    err = NULL;
    ck_assert_int_eq(memcore_watchpoint_insert(&as, RAM_BASE, 0,
                                               MEMCORE_WATCH_WRITE, record,
                                               NULL, &err),
                     -1);
    error_free(err);
    err = NULL;
    ck_assert_int_eq(memcore_watchpoint_insert(&as, UINT64_MAX, 2,
                                               MEMCORE_WATCH_WRITE, record,
                                               NULL, &err),
                     -1);
    error_free(err);
    err = NULL;
    ck_assert_int_eq(memcore_watchpoint_insert(&as, RAM_BASE, 4, 0, record,
                                               NULL, &err),
                     -1);
    error_free(err);
    err = NULL;
    ck_assert_int_eq(memcore_watchpoint_insert(&as, RAM_BASE, 4,
                                               MEMCORE_WATCH_READ, NULL,
                                               NULL, &err),
                     -1);
    error_free(err);
    ck_assert(!memcore_watchpoint_remove(-1));
    ck_assert(!memcore_watchpoint_remove(12345678));
}
END_TEST

/* Spanning two regions: one watchpoint, two pieces, one id. */
START_TEST(test_two_regions)
{
    int id = watch(RAM_BASE + RAM_SIZE - 2, 4, MEMCORE_WATCH_WRITE);
    ck_assert(memcore_watchpoint_covered(&ram, RAM_SIZE - 1, 1));
    ck_assert(memcore_watchpoint_covered(&ram2, 0, 1));
    ck_assert(!memcore_watchpoint_covered(&ram2, 2, 1));
    ck_assert(!memcore_watchpoint_covered(&ram, 0, RAM_SIZE - 2));
    address_space_stb(&as, RAM_BASE + RAM_SIZE + 1, 1,
                      MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_int_eq(hits[0].id, id);
    ck_assert(memcore_watchpoint_remove(id));
    ck_assert(!memcore_watchpoint_covered(&ram, RAM_SIZE - 1, 1));
    ck_assert(!memcore_watchpoint_covered(&ram2, 0, 1));
}
END_TEST

/* Inserting and removing commits, so listeners (a vCPU's TLB) hear of it. */
static int commits;
static void on_commit(MemoryListener *l)
{
    (void)l;
    commits++;
}

START_TEST(test_commit_and_move)
{
    MemoryListener l = { .commit = on_commit };
    memory_listener_register(&l, &as);
    commits = 0;
    int id = watch(RAM_BASE + 0x10, 4, MEMCORE_WATCH_WRITE);
    ck_assert_int_ge(commits, 1);

    /* The watchpoint follows the memory when the region moves. */
    memory_region_set_address(&ram, 0x40000000);
    address_space_stl_le(&as, 0x40000010, 3, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_uint_eq(hits[0].addr, 0x40000010);
    memory_region_set_address(&ram, RAM_BASE);

    int before = commits;
    ck_assert(memcore_watchpoint_remove(id));
    ck_assert_int_gt(commits, before);
    memory_listener_unregister(&l);
}
END_TEST

/* A destroyed region takes its part of the watchpoint with it. */
START_TEST(test_destroyed_region)
{
    static MemoryRegion tmp;
    memory_region_init_ram(&tmp, NULL, "tmp", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &tmp);
    int id = watch(0x1000, 4, MEMCORE_WATCH_WRITE);
    memory_region_del_subregion(&root, &tmp);
    memory_region_destroy(&tmp);
    address_space_stl_le(&as, 0x1000, 1, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_int_eq(nhits, 0);
    ck_assert(memcore_watchpoint_remove(id));
}
END_TEST

/* A callback may remove its own watchpoint and insert another. */
static int self_id = -1, next_id = -1;

static void remove_self(const MemcoreWatchHit *h)
{
    record(h);
    ck_assert(memcore_watchpoint_remove(h->id));
    next_id = memcore_watchpoint_insert(&as, RAM_BASE + 0x800, 4,
                                        MEMCORE_WATCH_WRITE, record, NULL,
                                        &error_abort);
}

START_TEST(test_callback_changes_watchpoints)
{
    self_id = memcore_watchpoint_insert(&as, RAM_BASE + 0x700, 4,
                                        MEMCORE_WATCH_WRITE, remove_self,
                                        NULL, &error_abort);
    address_space_stl_le(&as, RAM_BASE + 0x700, 1, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 1);
    ck_assert_int_ge(next_id, 0);
    address_space_stl_le(&as, RAM_BASE + 0x700, 2, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 1); /* removed */
    address_space_stl_le(&as, RAM_BASE + 0x800, 3, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_int_eq(nhits, 2); /* inserted by the callback */
    ck_assert_int_eq(hits[1].id, next_id);
    ck_assert(memcore_watchpoint_remove(next_id));
    ck_assert(!memcore_watchpoint_remove(self_id));
}
END_TEST

/* ---- threads --------------------------------------------------------------- */

static atomic_bool stop;
static atomic_long fired;
static atomic_long progress; /* stores done by the writers */

static void count_hit(const MemcoreWatchHit *h)
{
    (void)h;
    atomic_fetch_add(&fired, 1);
}

static void *writer(void *arg)
{
    hwaddr base = (hwaddr)(uintptr_t)arg;
    uint32_t i = 0;
    while (!atomic_load(&stop)) {
        address_space_stl_le(&as, base + (i & 0xff) * 4, i,
                             MEMTXATTRS_UNSPECIFIED, NULL);
        uint32_t v = address_space_ldl_le(&as, base + (i & 0xff) * 4,
                                          MEMTXATTRS_UNSPECIFIED, NULL);
        ck_assert_uint_eq(v, i);
        atomic_fetch_add(&progress, 1);
        i++;
    }
    return NULL;
}

/* Accesses on two threads (one on watched memory, one not) while a third
 * inserts and removes watchpoints: values stay right and nothing crashes
 * (ASan, TSan); the watched thread's stores are seen. */
START_TEST(test_threads)
{
    pthread_t t[2];
    atomic_store(&stop, false);
    atomic_store(&fired, 0);
    pthread_create(&t[0], NULL, writer, (void *)(uintptr_t)RAM_BASE);
    pthread_create(&t[1], NULL, writer,
                   (void *)(uintptr_t)(RAM_BASE + RAM_SIZE));
    for (int round = 0; round < 400; round++) {
        Error *err = NULL;
        int id = memcore_watchpoint_insert(&as, RAM_BASE + (round & 0xff) * 4,
                                           4, MEMCORE_WATCH_ACCESS,
                                           count_hit, NULL, &err);
        ck_assert_int_ge(id, 0);
        ck_assert(memcore_watchpoint_remove(id));
    }
    /* One that stays until the writer has hit it. */
    int id = memcore_watchpoint_insert(&as, RAM_BASE, 0x400,
                                       MEMCORE_WATCH_WRITE, count_hit, NULL,
                                       &error_abort);
    long before = atomic_load(&fired);
    while (atomic_load(&fired) < before + 100) {
        sched_yield();
    }
    /* After remove and a barrier, no call arrives any more, although the
     * writers keep storing there. */
    ck_assert(memcore_watchpoint_remove(id));
    memcore_rcu_barrier();
    long after = atomic_load(&fired);
    atomic_store(&progress, 0);
    while (atomic_load(&progress) < 2000) {
        sched_yield();
    }
    ck_assert_int_eq(atomic_load(&fired), after);
    atomic_store(&stop, true);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("watch");
    TCase *tc = tcase_create("watch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_write_fires_after_the_write);
    tcase_add_test(tc, test_read_and_access);
    tcase_add_test(tc, test_every_initiator);
    tcase_add_test(tc, test_mmio);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_two_regions);
    tcase_add_test(tc, test_commit_and_move);
    tcase_add_test(tc, test_destroyed_region);
    tcase_add_test(tc, test_callback_changes_watchpoints);
    tcase_add_test(tc, test_threads);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
