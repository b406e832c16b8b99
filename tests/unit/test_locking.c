/*
 * test_locking.c — the global lock around MMIO callbacks
 * (memory_region_set/clear_global_locking): callbacks of a region with
 * global locking run with memcore's lock held, taken for the caller if it
 * does not hold it; with clear_global_locking they run without it.
 */
#include <check.h>
#include <pthread.h>

#include <memcore/memory.h>

#include "check_run.h"

static MemoryRegion root, dev;
static AddressSpace as;
static int held_in_read = -1, held_in_write = -1;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    held_in_read = memcore_lock_held();
    return 0x55;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque, (void)addr, (void)v, (void)size;
    held_in_write = memcore_lock_held();
}

static const MemoryRegionOps ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_io(&dev, NULL, &ops, NULL, "dev", 0x100);
    memory_region_add_subregion(&root, 0x1000, &dev);
    address_space_init(&as, &root, "memory");
}

static void *access_from_thread(void *arg)
{
    (void)arg;
    ck_assert_int_eq(memcore_lock_held(), 0);
    ck_assert_uint_eq(address_space_ldl_le(&as, 0x1000,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x55);
    address_space_stl_le(&as, 0x1004, 1, MEMTXATTRS_UNSPECIFIED, NULL);
    uint8_t b[2];
    address_space_read(&as, 0x1008, MEMTXATTRS_UNSPECIFIED, b, 2);
    /* The lock was only lent for the callbacks. */
    ck_assert_int_eq(memcore_lock_held(), 0);
    return NULL;
}

START_TEST(global_locking_by_default)
{
    ck_assert(dev.global_locking);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, access_from_thread, NULL), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(held_in_read, 1);
    ck_assert_int_eq(held_in_write, 1);
}
END_TEST

START_TEST(caller_already_holding_the_lock)
{
    memcore_lock();
    ck_assert_uint_eq(address_space_ldl_le(&as, 0x1000,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x55);
    ck_assert_int_eq(held_in_read, 1);
    memcore_unlock();
    ck_assert_int_eq(memcore_lock_held(), 0);
}
END_TEST

START_TEST(clear_global_locking)
{
    memory_region_clear_global_locking(&dev);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, access_from_thread, NULL), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(held_in_read, 0);
    ck_assert_int_eq(held_in_write, 0);
    memory_region_set_global_locking(&dev);
    access_from_thread(NULL);
    ck_assert_int_eq(held_in_read, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("locking");
    TCase *tc = tcase_create("global_locking");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, global_locking_by_default);
    tcase_add_test(tc, caller_already_holding_the_lock);
    tcase_add_test(tc, clear_global_locking);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
