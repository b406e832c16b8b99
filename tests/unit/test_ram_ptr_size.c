/*
 * tests/unit/test_ram_ptr_size.c — memory_region_init_ram_ptr with a size
 * that cannot be backed.
 *
 * Promise checked (memory.h, top): "RAM that cannot be mapped whole is
 * refused", and a constructor that fails "leaves the region
 * uninitialised and owning nothing".  init_ram_ptr has no Error ** (QEMU's
 * signature), so the refusal is a misuse report, as for a NULL pointer:
 * with the embedder's handler the call returns and the region is
 * uninitialised; without one memcore prints the reason and aborts.
 *
 *   0xfffffffffffff001  rounded up to target pages (the dirty bitmaps'
 *                       and ram_addr space's unit) passes 2^64
 *   UINT64_MAX          2^64 bytes
 *   0xfffffffffffff000  rounds fine but cannot exist: from any host
 *                       pointer it runs past the host address space
 *
 * Why it failed: ramblock_new checked the round-up only for memory it maps
 * itself; with a caller pointer it registered the block and marked
 * 0xfffffffffffff001 bytes (2^52 pages) dirty for every client, a loop
 * that never ends (UINT64_MAX went to error_abort: abort, no handler).
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

static int misuses;
static char last_misuse[512];

static void on_misuse(const char *msg)
{
    misuses++;
    strncpy(last_misuse, msg, sizeof(last_misuse) - 1);
}

static _Alignas(4096) uint8_t buf[2 * 4096];

static void check_refused(uint64_t size, const char *why)
{
    static MemoryRegion mr;

    memcore_set_misuse_handler(on_misuse);
    misuses = 0;
    last_misuse[0] = '\0';
    memory_region_init_ram_ptr(&mr, NULL, "huge", size, buf);
    memcore_set_misuse_handler(NULL);
    ck_assert_msg(misuses == 1, "init_ram_ptr(0x%" PRIx64 "): %d misuse "
                  "reports, expected 1", size, misuses);
    ck_assert_msg(strstr(last_misuse, "memory_region_init_ram_ptr") &&
                      strstr(last_misuse, why),
                  "init_ram_ptr(0x%" PRIx64 ") reported \"%s\", expected "
                  "a mention of \"%s\"", size, last_misuse, why);
    /* Uninitialised and owning nothing. */
    ck_assert_ptr_null(memory_region_name(&mr));
    ck_assert_ptr_null(memory_region_get_ram_ptr(&mr));
    ck_assert_uint_eq(memory_region_get_ram_addr(&mr), RAM_ADDR_INVALID);
    memory_region_destroy(&mr); /* a no-op */
}

START_TEST(test_round_up_wraps)
{
    check_refused(0xfffffffffffff001ULL, "passes 2^64");
}
END_TEST

START_TEST(test_2_64)
{
    check_refused(UINT64_MAX, "2^64");
}
END_TEST

START_TEST(test_past_host_address_space)
{
    check_refused(0xfffffffffffff000ULL, "host address space");
}
END_TEST

/* Without a handler, the reason is printed and memcore aborts. */
START_TEST(test_no_handler_aborts)
{
    static MemoryRegion mr;

    memory_region_init_ram_ptr(&mr, NULL, "huge", 0xfffffffffffff001ULL,
                               buf);
}
END_TEST

/* Sizes that fit still work, unrounded. */
START_TEST(test_good_sizes)
{
    static MemoryRegion root, mr;
    static AddressSpace as;

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram_ptr(&mr, NULL, "ptr", 0x1001, buf);
    ck_assert_ptr_eq(memory_region_get_ram_ptr(&mr), buf);
    ck_assert_uint_eq(memory_region_size(&mr), 0x1001);
    memory_region_add_subregion(&root, 0x10000, &mr);
    address_space_init(&as, &root, "as");
    address_space_stl_le(&as, 0x10ffc, 0x11223344, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    ck_assert_uint_eq(buf[0xffc], 0x44);
    address_space_stb(&as, 0x11000, 0x55, MEMTXATTRS_UNSPECIFIED, NULL);
    ck_assert_uint_eq(buf[0x1000], 0x55);
    ck_assert_uint_eq(address_space_ldub(&as, 0x11000,
                                         MEMTXATTRS_UNSPECIFIED, NULL),
                      0x55);
    /* The byte after the region is not the caller's. */
    MemTxResult r = MEMTX_OK;
    address_space_stb(&as, 0x11001, 0x66, MEMTXATTRS_UNSPECIFIED, &r);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    ck_assert_uint_eq(buf[0x1001], 0);
    address_space_destroy(&as);
    memory_region_del_subregion(&root, &mr);
    memory_region_destroy(&mr);
    memory_region_destroy(&root);
    memcore_rcu_barrier();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ram_ptr_size");
    TCase *tc = tcase_create("ram_ptr_size");
    /* Before the fix the first test never returned: Check's timeout is
     * what reports it. */
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_round_up_wraps);
    tcase_add_test(tc, test_2_64);
    tcase_add_test(tc, test_past_host_address_space);
    tcase_add_test_raise_signal(tc, test_no_handler_aborts, SIGABRT);
    tcase_add_test(tc, test_good_sizes);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
