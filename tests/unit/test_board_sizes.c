/*
 * tests/unit/test_board_sizes.c — RAM sizes at the edges (issue 7, item 6)
 * and the loader's writes into RAM.
 *
 * The loader fills RAM and copies images through the host pointer, so a
 * size memcore maps short (a page round-up that wraps past 2^64) or a
 * write past the region would land in some other host mapping.  Here:
 *   - fill and image exactly at the end of a region are loaded and no
 *     byte outside the region changes, in the address space or in the
 *     host memory around it;
 *   - sizes the loader refuses never reach memcore (no RAM block);
 *   - sizes the loader accepts but the host cannot reserve (2^63, the
 *     largest mappable size) fail the build cleanly: one message with the
 *     region's JSON path, nothing left in memcore, no fill attempted;
 *   - board_build itself checks every write against the host memory
 *     memcore gave the region (a board changed after board_parse, as the
 *     checker could miss a case, is refused, not written past).
 * Check runs each test in its own process, so a crash fails that test.
 */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include <memcore/memcore.h>

#include "test_board_fixture.h"
#include "check_run.h"

#define AS "'address-spaces': [{'name': 'memory', 'root': 'sys'}]"
#define SYS(subs) "{'name': 'sys', 'type': 'container', 'size': '16E', " \
                  "'subregions': [" subs "]}"
#define BOARD(regions) "{" AS ", 'regions': [" regions "]}"

static int count_one(const RAMBlockInfo *info, void *opaque)
{
    (void)info;
    ++*(size_t *)opaque;
    return 0;
}

static size_t ram_blocks(void)
{
    size_t n = 0;

    qemu_ram_foreach_block_info(count_one, &n);
    return n;
}

/* memcore holds nothing: no address space, no RAM block. */
static void assert_nothing_left(void)
{
    ck_assert_ptr_null(address_space_first());
    ck_assert_uint_eq(ram_blocks(), 0);
}

/* Parse @json_sq (must succeed), let @tamper change the parsed board, then
 * build: the build must fail with exactly one message starting with
 * @prefix (and equal to @exact when given), leaving nothing behind. */
static void expect_build_refused(const char *json_sq,
                                 void (*tamper)(Board *b),
                                 const char *prefix, const char *exact)
{
    char *json = unquote(json_sq);
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    for (size_t i = 0; i < d.count; i++) {
        fprintf(stderr, "parse: %s\n", d.msgs[i]);
    }
    ck_assert_ptr_nonnull(b);
    if (tamper) {
        tamper(b);
    }
    ck_assert_msg(!board_build(b, NULL, &d), "the board was built");
    for (size_t i = 0; i < d.count; i++) {
        fprintf(stderr, "build: %s\n", d.msgs[i]);
    }
    ck_assert_uint_eq(d.count, 1);
    ck_assert_msg(strncmp(d.msgs[0], prefix, strlen(prefix)) == 0,
                  "got \"%s\", expected it to start with \"%s\"", d.msgs[0],
                  prefix);
    ck_assert_msg(strlen(d.msgs[0]) > strlen(prefix), "an empty message");
    if (exact) {
        ck_assert_str_eq(d.msgs[0], exact);
    }
    ck_assert(!d.oom);
    assert_nothing_left();
    board_destroy(b);
    assert_nothing_left();
    diag_free(&d);
    free(json);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            fprintf(stderr, "byte %zu is 0x%02x, expected 0x%02x\n", i, p[i],
                    v);
            return false;
        }
    }
    return true;
}

/* ---- writes that end exactly at the end of a region ------------------------ */

START_TEST(test_fill_and_image_at_the_end)
{
    /* mid has 0x1001 bytes: its RAM block is two pages, of which the
     * loader may write only the first 0x1001 bytes. */
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'lo', 'type': 'ram', 'size': '4K', 'fill': 17},"
        "{'addr': '0x1000', 'name': 'mid', 'type': 'ram', 'size': '0x1001', "
        " 'fill': 90, 'image': {'hex': 'a1 b2', 'offset': '0xfff'}},"
        "{'addr': '0x3000', 'name': 'hi', 'type': 'ram', 'size': '4K', "
        " 'fill': 51},"
        "{'addr': '0x4000', 'name': 'whole', 'type': 'rom', 'size': 4, "
        " 'image': {'hex': 'de ad be ef'}},"
        "{'addr': '0x10000', 'name': 'grow', 'type': 'ram', 'size': '4K', "
        " 'max-size': '16K', 'fill': 119, "
        " 'image': {'hex': 'c3', 'offset': '0xfff'}}")));
    AddressSpace *as = as_of(b, "memory");
    const uint8_t *lo = memory_region_get_ram_ptr(mr_of(b, "lo"));
    const uint8_t *mid = memory_region_get_ram_ptr(mr_of(b, "mid"));
    const uint8_t *hi = memory_region_get_ram_ptr(mr_of(b, "hi"));
    const uint8_t *whole = memory_region_get_ram_ptr(mr_of(b, "whole"));
    const uint8_t *grow = memory_region_get_ram_ptr(mr_of(b, "grow"));

    /* what the guest sees */
    ck_assert_uint_eq(address_space_ldub(as, 0x0fff, ATTRS, NULL), 17);
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 90);
    ck_assert_uint_eq(address_space_ldub(as, 0x1ffe, ATTRS, NULL), 90);
    ck_assert_uint_eq(address_space_ldub(as, 0x1fff, ATTRS, NULL), 0xa1);
    ck_assert_uint_eq(address_space_ldub(as, 0x2000, ATTRS, NULL), 0xb2);
    ck_assert_uint_eq(address_space_ldub(as, 0x3000, ATTRS, NULL), 51);
    ck_assert_uint_eq(address_space_ldl_be(as, 0x4000, ATTRS, NULL),
                      0xdeadbeef);
    ck_assert_uint_eq(address_space_ldub(as, 0x10ffe, ATTRS, NULL), 119);
    ck_assert_uint_eq(address_space_ldub(as, 0x10fff, ATTRS, NULL), 0xc3);

    /* the host memory: the neighbours whole, nothing past each region */
    ck_assert(all_bytes(lo, 0x1000, 17));
    ck_assert(all_bytes(hi, 0x1000, 51));
    ck_assert(all_bytes(mid, 0xfff, 90));
    ck_assert_uint_eq(mid[0xfff], 0xa1);
    ck_assert_uint_eq(mid[0x1000], 0xb2);
    ck_assert(all_bytes(mid + 0x1001, 0x2000 - 0x1001, 0));
    ck_assert_uint_eq(whole[0], 0xde);
    ck_assert_uint_eq(whole[3], 0xef);
    ck_assert(all_bytes(whole + 4, 0x1000 - 4, 0));
    /* resizeable RAM: only the used size is loaded, the rest stays 0 */
    ck_assert(all_bytes(grow, 0xfff, 119));
    ck_assert_uint_eq(grow[0xfff], 0xc3);
    ck_assert(all_bytes(grow + 0x1000, 0x3000, 0));
    board_destroy(b);
    assert_nothing_left();
}
END_TEST

/* The largest size that can be mapped with 4 KiB pages parses (it is the
 * host, not the board format, that cannot reserve it). */
START_TEST(test_largest_mappable_size_parses)
{
    char *json = unquote(BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '0xfffffffffffff000'"
        ", 'fill': 1, 'image': {'hex': '01 02', "
        " 'offset': '0xffffffffffffeffe'}}")));
    Diag d;
    Board *b;

    if (sysconf(_SC_PAGESIZE) > 4096) {
        free(json);
        return; /* larger pages: this size rounds up past 2^64 */
    }
    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(d.count, 0);
    board_destroy(b);
    diag_free(&d);
    free(json);
}
END_TEST

/* ---- sizes the loader refuses never reach memcore ---------------------------- */

static const char *const refused[] = {
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', "
              "'size': '0xfffffffffffff001', 'fill': 165}")),
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', "
              "'size': '0xfffffffffffff001', 'image': {'hex': "
              "'01 02 03 04 05 06 07 08', 'offset': '0x1000'}}")),
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '1M', "
              "'max-size': '0xfffffffffffff001', 'fill': 1}")),
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '16E'}")),
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', "
              "'size': '0xffffffffffffffff', 'fill': 2}")),
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'rom', "
              "'size': '0xfffffffffffff001', 'fill': 3}")),
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'romd', "
              "'size': '0xfffffffffffff001', 'fill': 4, "
              "'device': {'model': 'zero'}}")),
    /* an image that does not fit a good size */
    BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '4K', "
              "'image': {'hex': '01 02', 'offset': '0xfff'}}")),
};

START_TEST(test_refused_sizes_map_nothing)
{
    char *json = unquote(refused[_i]);
    Diag d;

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string(json, NULL, NULL, &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_msg(strncmp(d.msgs[0], "regions[0].subregions[0].", 25) == 0,
                  "got %s", d.msgs[0]);
    assert_nothing_left();
    diag_free(&d);
    free(json);
}
END_TEST

/* ---- sizes the host cannot reserve: the constructor's error ------------------ */

START_TEST(test_ram_2_63_is_a_build_error)
{
    /* a good region first: the failed build must undo it as well */
    expect_build_refused(BOARD(SYS(
        "{'addr': 0, 'name': 'ok', 'type': 'ram', 'size': '4K', 'fill': 1},"
        "{'addr': '0x8000000000000000', 'name': 'huge', 'type': 'ram', "
        " 'size': '0x8000000000000000', 'fill': 165}")),
        NULL, "regions[0].subregions[1]: ", NULL);
}
END_TEST

START_TEST(test_largest_mappable_size_is_a_build_error)
{
    if (sysconf(_SC_PAGESIZE) > 4096) {
        return;
    }
    /* fill and an image at the very end: neither may run when memcore
     * cannot map the region */
    expect_build_refused(BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '0xfffffffffffff000'"
        ", 'fill': 1, 'image': {'hex': '01 02', "
        " 'offset': '0xffffffffffffeffe'}}")),
        NULL, "regions[0].subregions[0]: ", NULL);
    expect_build_refused(BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '4K', 'fill': 1, "
        " 'max-size': '0xfffffffffffff000'}")),
        NULL, "regions[0].subregions[0]: ", NULL);
    expect_build_refused(BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'rom', 'size': '0x8000000000000000',"
        " 'image': {'hex': '01'}}")),
        NULL, "regions[0].subregions[0]: ", NULL);
}
END_TEST

/* ---- board_build checks its writes itself ------------------------------------- */

#define GOOD_RAM BOARD(SYS( \
    "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '4K', 'fill': 165, " \
    " 'image': {'hex': '01 02', 'offset': '0xffe'}}"))

static BoardRegion *region_r(Board *b)
{
    BoardRegion *r = NULL;

    ck_assert_int_eq(board_find_region(b, "r", &r), 1);
    return r;
}

/* A size the checker would refuse: memcore maps it short (or, once it
 * refuses such sizes itself, not at all); either way no byte is written. */
static void wrap_size(Board *b)
{
    region_r(b)->size = 0xfffffffffffff001;
}

static void image_past_end(Board *b)
{
    region_r(b)->image_offset = 0x1000;
}

static void image_offset_wraps(Board *b)
{
    region_r(b)->image_offset = UINT64_MAX;
}

START_TEST(test_build_refuses_a_short_mapping)
{
    expect_build_refused(GOOD_RAM, wrap_size, "regions[0].subregions[0]: ",
                         NULL);
}
END_TEST

START_TEST(test_build_refuses_an_image_past_the_end)
{
    expect_build_refused(GOOD_RAM, image_past_end, "",
                         "regions[0].subregions[0].image: 2 bytes at offset "
                         "0x1000 do not fit in the region's 0x1000 bytes of "
                         "host memory");
    expect_build_refused(GOOD_RAM, image_offset_wraps, "",
                         "regions[0].subregions[0].image: 2 bytes at offset "
                         "0xffffffffffffffff do not fit in the region's "
                         "0x1000 bytes of host memory");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_sizes");
    TCase *tc = tcase_create("ram sizes");

    tcase_add_test(tc, test_fill_and_image_at_the_end);
    tcase_add_test(tc, test_largest_mappable_size_parses);
    tcase_add_loop_test(tc, test_refused_sizes_map_nothing, 0,
                        (int)(sizeof(refused) / sizeof(refused[0])));
    tcase_add_test(tc, test_ram_2_63_is_a_build_error);
    tcase_add_test(tc, test_largest_mappable_size_is_a_build_error);
    tcase_add_test(tc, test_build_refuses_a_short_mapping);
    tcase_add_test(tc, test_build_refuses_an_image_past_the_end);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
