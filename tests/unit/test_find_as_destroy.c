/*
 * tests/unit/test_find_as_destroy.c — memory_region_find while another
 * thread destroys the address space it finds, and reuses its storage.
 *
 * Promises checked: memory_region_find may run on any thread without the
 * lock (memory.h, Threads), and the storage of a caller-allocated
 * AddressSpace is the caller's again as soon as address_space_destroy()
 * returns (address_space.c: "the caller may free a non-malloced one as
 * soon as destroy returns").
 *
 * The writer creates an address space on "root" in a slot of a small
 * pool, destroys it and at once fills the slot with a poison pattern (any
 * reuse of the storage is allowed then; the pattern makes a stale read of
 * the address space's view pointer fault).  Readers call
 * memory_region_find on a RAM region of "root" all the while: they see
 * the RAM (while a victim address space exists) or nothing, never a
 * fault.
 *
 * Why it failed: memory_region_find looked the address space up under
 * the global lock, dropped the lock, and only then read the address
 * space's current view — from storage the destroyer may already have
 * reused (a heap-use-after-free under ASan, a SIGSEGV here).
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

#define POOL 8
#define NREADERS 2
#define WRITER_ITERATIONS 20000
#define READER_MAX_ITERATIONS 50000000UL
#define RUN_SECONDS 2.0

static MemoryRegion root, ram;
static AddressSpace pool[POOL];
static atomic_bool writer_done;
static atomic_ulong found;

static void *reader(void *arg)
{
    (void)arg;
    for (unsigned long i = 0;
         i < READER_MAX_ITERATIONS && !atomic_load(&writer_done); i++) {
        MemoryRegionSection s = memory_region_find(&ram, 0x10, 4);
        if (s.mr) {
            if (s.mr != &ram || s.offset_within_region != 0x10 ||
                s.offset_within_address_space != 0x1010 ||
                s.size != (Int128)4) {
                rb_fail("find(ram, 0x10, 4) gave region %p offset 0x%" PRIx64
                        " at 0x%" PRIx64, (void *)s.mr,
                        s.offset_within_region,
                        s.offset_within_address_space);
            }
            memory_region_unref(s.mr);
            atomic_fetch_add_explicit(&found, 1, memory_order_relaxed);
        }
    }
    return NULL;
}

START_TEST(test_find_while_as_destroyed)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &ram);
    rb_reset();
    atomic_store(&writer_done, false);
    atomic_store(&found, 0);

    pthread_t t[NREADERS];
    for (int i = 0; i < NREADERS; i++) {
        ck_assert_int_eq(pthread_create(&t[i], NULL, reader, NULL), 0);
    }
    double end = rb_now() + RUN_SECONDS;
    for (unsigned i = 0; i < WRITER_ITERATIONS && !rb_failed(); i++) {
        AddressSpace *as = &pool[i % POOL];
        address_space_init(as, &root, "victim");
        address_space_destroy(as);
        /* The storage is the caller's again: reuse it for garbage. */
        memset(as, 0xa5, sizeof(*as));
        if ((i & 255) == 255 && rb_now() > end) {
            break;
        }
    }
    atomic_store(&writer_done, true);
    for (int i = 0; i < NREADERS; i++) {
        pthread_join(t[i], NULL);
    }
    rb_assert_no_failure();
    fprintf(stderr, "find_as_destroy: %lu finds saw the RAM\n",
            atomic_load(&found));

    /* With an address space that stays, find sees the RAM. */
    AddressSpace *as = &pool[0];
    address_space_init(as, &root, "stays");
    MemoryRegionSection s = memory_region_find(&ram, 0, 4);
    ck_assert_ptr_eq(s.mr, &ram);
    ck_assert_ptr_eq(s.address_space, as);
    memory_region_unref(s.mr);
    address_space_destroy(as);

    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("find_as_destroy");
    TCase *tc = tcase_create("find_as_destroy");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_find_while_as_destroyed);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
