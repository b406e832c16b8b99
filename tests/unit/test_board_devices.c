/*
 * tests/unit/test_board_devices.c — the built-in device models, driven
 * the way a guest drives them: through an address space built from a
 * board.
 */
#include <time.h>

#include "test_board_fixture.h"
#include "check_run.h"
#include "../../server/devices/ns16550a.h"

#define AS "'address-spaces': [{'name': 'memory', 'root': 'sys'}]"
#define DEV(size, dev) "{" AS ", 'regions': [{'name': 'sys', 'type': " \
    "'container', 'size': '16E', 'subregions': [{'addr': '0x1000', " \
    "'name': 'dev', 'type': 'io', 'size': '" size "', 'device': " dev "}]}]}"

START_TEST(test_unassigned)
{
    Board *b = build_board(DEV("0x100", "{'model': 'unassigned'}"));
    AddressSpace *as = as_of(b, "memory");
    MemTxResult r;

    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, &r), 0);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    address_space_stl_le(as, 0x1000, 1, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    board_destroy(b);
}
END_TEST

START_TEST(test_zero_and_ones)
{
    Board *b = build_board(DEV("0x100", "{'model': 'zero'}"));
    AddressSpace *as = as_of(b, "memory");
    MemTxResult r;

    address_space_stq_le(as, 0x1000, ~0ull, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1000, ATTRS, &r), 0);
    ck_assert_uint_eq(r, MEMTX_OK);
    board_destroy(b);

    b = build_board(DEV("0x100", "{'model': 'ones'}"));
    as = as_of(b, "memory");
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 0xff);
    ck_assert_uint_eq(address_space_lduw_le(as, 0x1002, ATTRS, NULL), 0xffff);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1004, ATTRS, NULL),
                      0xffffffffu);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1008, ATTRS, NULL), ~0ull);
    board_destroy(b);
}
END_TEST

START_TEST(test_scratch_reads_back)
{
    Board *b = build_board(DEV("0x100", "{'model': 'scratch'}"));
    AddressSpace *as = as_of(b, "memory");

    address_space_stl_le(as, 0x1010, 0x11223344, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1010, ATTRS, NULL),
                      0x11223344);
    ck_assert_uint_eq(address_space_ldub(as, 0x1010, ATTRS, NULL), 0x44);
    ck_assert_uint_eq(address_space_ldub(as, 0x1013, ATTRS, NULL), 0x11);
    address_space_stq_be(as, 0x1020, 0x0102030405060708ull, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldub(as, 0x1020, ATTRS, NULL), 1);
    board_destroy(b);
}
END_TEST

START_TEST(test_scratch_big_endian_is_still_memory)
{
    Board *b = build_board(DEV("0x100", "{'model': 'scratch', "
                               "'endianness': 'big', 'impl-max': 2}"));
    AddressSpace *as = as_of(b, "memory");
    uint8_t buf[4] = { 0xaa, 0xbb, 0xcc, 0xdd }, out[4] = { 0 };

    address_space_write(as, 0x1000, ATTRS, buf, 4);
    address_space_read(as, 0x1000, ATTRS, out, 4);
    ck_assert_mem_eq(buf, out, 4);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL),
                      0xddccbbaa);
    board_destroy(b);
}
END_TEST

START_TEST(test_scratch_valid_sizes)
{
    Board *b = build_board(DEV("0x100", "{'model': 'scratch', "
                               "'valid-min': 4, 'valid-max': 4}"));
    AddressSpace *as = as_of(b, "memory");
    MemTxResult r;

    address_space_stl_le(as, 0x1000, 0x12345678, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    address_space_ldub(as, 0x1000, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    address_space_ldl_le(as, 0x1002, ATTRS, &r);       /* unaligned */
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    board_destroy(b);

    b = build_board(DEV("0x100", "{'model': 'scratch', 'unaligned': true, "
                        "'impl-min': 1, 'impl-max': 1}"));
    as = as_of(b, "memory");
    address_space_stl_le(as, 0x1001, 0xa1b2c3d4, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1001, ATTRS, &r),
                      0xa1b2c3d4);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_ldub(as, 0x1004, ATTRS, NULL), 0xa1);
    board_destroy(b);
}
END_TEST

START_TEST(test_counter)
{
    Board *b = build_board(DEV("0x10", "{'model': 'counter'}"));
    AddressSpace *as = as_of(b, "memory");

    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL), 0);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL), 1);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1008, ATTRS, NULL), 2);
    /* debug reads see the next value without taking it */
    device_debug_access_begin();
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL), 3);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL), 3);
    device_debug_access_end();
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL), 3);
    /* a write sets the next value; reads are cut to the access size */
    address_space_stq_le(as, 0x1000, 0x1ff, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 0xff);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1000, ATTRS, NULL), 0x200);
    board_destroy(b);
}
END_TEST

START_TEST(test_uart)
{
    Board *b = build_board(DEV("0x100", "{'model': 'ns16550a'}"));
    AddressSpace *as = as_of(b, "memory");
    BoardRegion *r = NULL;
    const uint8_t in[] = "ok";

    ck_assert_uint_eq(address_space_ldub(as, 0x1005, ATTRS, NULL), 0x60);
    address_space_stb(as, 0x1000, 'h', ATTRS, NULL);
    address_space_stb(as, 0x1000, 'i', ATTRS, NULL);
    ck_assert_uint_eq(test_host.uart_len, 2);
    ck_assert_mem_eq(test_host.uart, "hi", 2);

    /* DLAB: offset 0 is the divisor latch, not THR */
    address_space_stb(as, 0x1003, 0x80, ATTRS, NULL);
    address_space_stb(as, 0x1000, 0x0c, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 0x0c);
    ck_assert_uint_eq(test_host.uart_len, 2);
    address_space_stb(as, 0x1003, 0x03, ATTRS, NULL);

    /* received bytes: DR in LSR, RBR pops them; debug reads peek */
    ck_assert_int_eq(board_find_region(b, "dev", &r), 1);
    ck_assert_uint_eq(ns16550a_receive(r->dev, in, 2), 2);
    ck_assert_uint_eq(address_space_ldub(as, 0x1005, ATTRS, NULL), 0x61);
    device_debug_access_begin();
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 'o');
    device_debug_access_end();
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 'o');
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 'k');
    ck_assert_uint_eq(address_space_ldub(as, 0x1005, ATTRS, NULL), 0x60);
    /* scratch register */
    address_space_stb(as, 0x1007, 0x5a, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldub(as, 0x1007, ATTRS, NULL), 0x5a);
    board_destroy(b);
}
END_TEST

START_TEST(test_sifive_test)
{
    Board *b = build_board(DEV("0x1000", "{'model': 'sifive-test'}"));
    AddressSpace *as = as_of(b, "memory");

    address_space_stl_le(as, 0x1000, 0x1234, ATTRS, NULL);
    ck_assert_int_eq(test_host.power_offs + test_host.resets, 0);
    address_space_stl_le(as, 0x1000, 0x7777, ATTRS, NULL);
    ck_assert_int_eq(test_host.resets, 1);
    ck_assert_int_eq(test_host.power_offs, 0);
    address_space_stl_le(as, 0x1000, 0x5555, ATTRS, NULL);
    ck_assert_int_eq(test_host.power_offs, 1);
    ck_assert_int_eq(test_host.last_status, 0);
    /* QEMU's "fail": the exit code rides in the upper half */
    address_space_stl_le(as, 0x1000, 0x00033333, ATTRS, NULL);
    ck_assert_int_eq(test_host.power_offs, 2);
    ck_assert_int_eq(test_host.last_status, 3);
    address_space_stl_le(as, 0x1000, 0x3333, ATTRS, NULL);
    ck_assert_int_eq(test_host.power_offs, 3);
    ck_assert_int_eq(test_host.last_status, 0);
    ck_assert_int_eq(test_host.resets, 1);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000, ATTRS, NULL), 0);
    board_destroy(b);
}
END_TEST

START_TEST(test_clint)
{
    Board *b = build_board(DEV("0x10000", "{'model': 'clint', 'harts': 2}"));
    AddressSpace *as = as_of(b, "memory");
    uint64_t t0, t1, lo, hi;
    struct timespec ts = { 0, 2000000 };

    /* mtime runs at 10 MHz: 2 ms is at least 20000 ticks */
    t0 = address_space_ldq_le(as, 0x1000 + 0xbff8, ATTRS, NULL);
    nanosleep(&ts, NULL);   /* the clock must move: a real delay */
    t1 = address_space_ldq_le(as, 0x1000 + 0xbff8, ATTRS, NULL);
    ck_assert_uint_ge(t1 - t0, 20000);
    ck_assert_uint_lt(t1 - t0, 10000000);   /* and not absurdly fast */

    /* mtimecmp of hart 1, written as two halves */
    address_space_stl_le(as, 0x1000 + 0x4008, 0x89abcdef, ATTRS, NULL);
    address_space_stl_le(as, 0x1000 + 0x400c, 0x01234567, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1000 + 0x4008, ATTRS, NULL),
                      0x0123456789abcdefull);
    /* msip */
    address_space_stl_le(as, 0x1000 + 4, 3, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x1000 + 4, ATTRS, NULL), 1);
    /* writing mtime moves the clock */
    address_space_stq_le(as, 0x1000 + 0xbff8, 1ull << 40, ATTRS, NULL);
    lo = address_space_ldl_le(as, 0x1000 + 0xbff8, ATTRS, NULL);
    hi = address_space_ldl_le(as, 0x1000 + 0xbffc, ATTRS, NULL);
    ck_assert_uint_eq(hi, 1u << 8);
    ck_assert_uint_lt(lo, 10000000);
    board_destroy(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_devices");
    TCase *tc = tcase_create("devices");

    tcase_add_test(tc, test_unassigned);
    tcase_add_test(tc, test_zero_and_ones);
    tcase_add_test(tc, test_scratch_reads_back);
    tcase_add_test(tc, test_scratch_big_endian_is_still_memory);
    tcase_add_test(tc, test_scratch_valid_sizes);
    tcase_add_test(tc, test_counter);
    tcase_add_test(tc, test_uart);
    tcase_add_test(tc, test_sifive_test);
    tcase_add_test(tc, test_clint);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
