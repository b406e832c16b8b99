/*
 * test_seed_internal.c — the seed header's internal helpers that code
 * written against it may still call: address_space_read_full,
 * address_space_read_continue, qemu_get_ram_ptr, MEMORY_REGION().
 */
#include <check.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

static MemoryRegion root, ram, ram2;
static AddressSpace as;

static void setup(void)
{
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x2000, &error_abort);
    memory_region_init_ram(&ram2, NULL, "ram2", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &ram);
    memory_region_add_subregion(&root, 0x3000, &ram2);
    address_space_init(&as, &root, "memory");
    uint8_t *p = memory_region_get_ram_ptr(&ram);
    for (int i = 0; i < 0x2000; i++) {
        p[i] = (uint8_t)(i * 7);
    }
    memset(memory_region_get_ram_ptr(&ram2), 0x5a, 0x1000);
}

START_TEST(read_full_and_continue_match_read)
{
    uint8_t a[0x40], b[0x40], c[0x40];
    /* Across the end of ram into ram2, and into nothing. */
    MemTxResult ra = address_space_read(&as, 0x2fe0, MEMTXATTRS_UNSPECIFIED,
                                        a, sizeof(a));
    MemTxResult rb = address_space_read_full(&as, 0x2fe0,
                                             MEMTXATTRS_UNSPECIFIED, b,
                                             sizeof(b));
    hwaddr xlat, l = sizeof(c);
    memcore_rcu_read_lock();
    MemoryRegion *mr = address_space_translate(&as, 0x2fe0, &xlat, &l,
                                               false);
    MemTxResult rc = address_space_read_continue(&as, 0x2fe0,
                                                 MEMTXATTRS_UNSPECIFIED, c,
                                                 sizeof(c), xlat, l, mr);
    memcore_rcu_read_unlock();
    ck_assert_uint_eq(ra, MEMTX_OK);
    ck_assert_uint_eq(rb, ra);
    ck_assert_uint_eq(rc, ra);
    ck_assert_mem_eq(a, b, sizeof(a));
    ck_assert_mem_eq(a, c, sizeof(a));
    ck_assert_uint_eq(a[0], (uint8_t)(0x1fe0 * 7));
    ck_assert_uint_eq(a[0x20], 0x5a);
    /* Unassigned space still reports DECODE_ERROR through _full. */
    ck_assert_uint_eq(address_space_read_full(&as, 0x3ffe,
                                              MEMTXATTRS_UNSPECIFIED, b, 4),
                      MEMTX_DECODE_ERROR);
}
END_TEST

START_TEST(get_ram_ptr_by_ram_addr)
{
    ram_addr_t base = memory_region_get_ram_addr(&ram);
    ram_addr_t base2 = memory_region_get_ram_addr(&ram2);
    uint8_t *host = memory_region_get_ram_ptr(&ram);
    ck_assert_ptr_eq(qemu_get_ram_ptr(ram.ram_block, base + 0x10), host + 0x10);
    ck_assert_ptr_eq(qemu_get_ram_ptr(NULL, base + 0x10), host + 0x10);
    ck_assert_ptr_eq(qemu_get_ram_ptr(NULL, base2 + 3),
                     (uint8_t *)memory_region_get_ram_ptr(&ram2) + 3);
    ck_assert_ptr_null(qemu_get_ram_ptr(ram.ram_block, base2 + 3));
    ck_assert_ptr_eq(MEMORY_REGION(&ram), &ram);
    ck_assert_str_eq(TYPE_MEMORY_REGION, "qemu:memory-region");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seed_internal");
    TCase *tc = tcase_create("seed_internal");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, read_full_and_continue_match_read);
    tcase_add_test(tc, get_ram_ptr_by_ram_addr);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
