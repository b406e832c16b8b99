/*
 * tests/unit/test_board_load.c — good boards: numbers, every region type
 * and key of memcored-board(5), the built-in boards, and teardown.
 *
 * Each test builds a board and checks what a guest (or a user of the
 * monitor) would see through the address space.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_board_fixture.h"
#include "check_run.h"

#define AS "'address-spaces': [{'name': 'memory', 'root': 'sys'}]"
#define SYS(subs) "{'name': 'sys', 'type': 'container', 'size': '16E', " \
                  "'subregions': [" subs "]}"
#define BOARD(regions) "{" AS ", 'regions': [" regions "]}"

/* ---- numbers ------------------------------------------------------------- */

START_TEST(test_numbers)
{
    static const struct { const char *s; int rc; u128 v; } cases[] = {
        { "0", 0, 0 },
        { "4096", 0, 4096 },
        { "0x1000", 0, 0x1000 },
        { "0X1f", 0, 0x1f },
        { "640K", 0, 640 * 1024 },
        { "128M", 0, (u128)128 << 20 },
        { "3G", 0, (u128)3 << 30 },
        { "1T", 0, (u128)1 << 40 },
        { "2P", 0, (u128)2 << 50 },
        { "1E", 0, (u128)1 << 60 },
        { "16E", 0, U128_2_64 },
        { "16e", 0, U128_2_64 },
        { "18446744073709551616", 0, U128_2_64 },
        { "0xffffffffffffffff", 0, UINT64_MAX },
        { "0x10000000000000000", 0, U128_2_64 },
        { "17E", -3, 0 },
        { "18446744073709551617", -3, 0 },
        { "99999999999999999999999999999999999999999", -3, 0 },
        { "-1", -2, 0 },
        { "-0x10", -2, 0 },
        { "-0", 0, 0 },
        { "", -1, 0 },
        { "0x", -1, 0 },
        { "12Q", -1, 0 },
        { "1.5", -1, 0 },
        { "4KB", -1, 0 },
        { "0x1G", -1, 0 },
        { " 1", -1, 0 },
        { "K", -1, 0 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        u128 v = 12345;
        int rc = num_parse_string(cases[i].s, &v);

        ck_assert_msg(rc == cases[i].rc, "\"%s\": rc %d, expected %d",
                      cases[i].s, rc, cases[i].rc);
        if (rc == 0) {
            ck_assert_msg(v == cases[i].v, "\"%s\": wrong value", cases[i].s);
        }
    }
    ck_assert_uint_eq(size_to_api(U128_2_64), UINT64_MAX);
    ck_assert_uint_eq(size_to_api(4096), 4096);
}
END_TEST

/* ---- sizes, placement, priority ------------------------------------------ */

START_TEST(test_sizes_and_json_integers)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 4096, 'name': 'r', 'type': 'ram', 'size': 8192}")));

    ck_assert_uint_eq(memory_region_size(mr_of(b, "sys")), UINT64_MAX);
    ck_assert_uint_eq(memory_region_size(mr_of(b, "r")), 8192);
    address_space_stl_le(as_of(b, "memory"), 0x1ffc, 0xdeadbeef, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldl_le(as_of(b, "memory"), 0x1ffc, ATTRS,
                                           NULL), 0xdeadbeef);
    board_destroy(b);
}
END_TEST

START_TEST(test_later_sibling_wins)
{
    /* Two overlapping siblings with equal priority: the one listed later
     * wins; a higher priority wins whatever the order. */
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'first', 'type': 'ram', 'size': '4K', 'fill': 1},"
        "{'addr': 0, 'name': 'second', 'type': 'ram', 'size': '4K', 'fill': 2},"
        "{'addr': '8K', 'priority': 5, 'name': 'high', 'type': 'ram', "
        " 'size': '4K', 'fill': 3},"
        "{'addr': '8K', 'name': 'low', 'type': 'ram', 'size': '4K', 'fill': 4},"
        "{'addr': '16K', 'name': 'a', 'type': 'ram', 'size': '4K', 'fill': 5},"
        "{'addr': '16K', 'may-overlap': true, 'name': 'b', 'type': 'ram', "
        " 'size': '4K', 'fill': 6}")));
    AddressSpace *as = as_of(b, "memory");

    ck_assert_uint_eq(address_space_ldub(as, 0, ATTRS, NULL), 2);
    ck_assert_uint_eq(address_space_ldub(as, 0x2000, ATTRS, NULL), 3);
    ck_assert_uint_eq(address_space_ldub(as, 0x4000, ATTRS, NULL), 6);
    ck_assert_int_eq(mr_of(b, "high")->priority, 5);
    board_destroy(b);
}
END_TEST

START_TEST(test_nested_addresses)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': '1M', 'name': 'bus', 'type': 'container', 'size': '1M', "
        " 'subregions': [{'addr': '0x100', 'name': 'r', 'type': 'ram', "
        " 'size': '4K', 'fill': 171}]}")));

    ck_assert_uint_eq(address_space_ldub(as_of(b, "memory"), 0x100100,
                                         ATTRS, NULL), 0xab);
    ck_assert_ptr_eq(mr_of(b, "r")->container, mr_of(b, "bus"));
    board_destroy(b);
}
END_TEST

/* ---- aliases and ids ----------------------------------------------------- */

START_TEST(test_alias_forward_reference_and_ids)
{
    /* The alias is listed before its target; two regions share the name
     * "bank", told apart by id. */
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'win', 'type': 'alias', 'target': 'bank#2', "
        " 'offset': '0x10', 'size': '0x100'},"
        "{'addr': '1M', 'name': 'bank', 'type': 'ram', 'size': '4K', "
        " 'fill': 17},"
        "{'addr': '2M', 'name': 'bank', 'id': 'bank#2', 'type': 'ram', "
        " 'size': '4K', 'fill': 34}")));
    AddressSpace *as = as_of(b, "memory");

    ck_assert_uint_eq(address_space_ldub(as, 0, ATTRS, NULL), 34);
    address_space_stb(as, 0, 0x99, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldub(as, 0x200010, ATTRS, NULL), 0x99);
    ck_assert_uint_eq(mr_of(b, "win")->alias_offset, 0x10);
    ck_assert_ptr_eq(mr_of(b, "win")->alias, mr_of(b, "bank#2"));
    ck_assert_str_eq(memory_region_name(mr_of(b, "bank#2")), "bank");
    board_destroy(b);
}
END_TEST

START_TEST(test_alias_of_alias_and_readonly_alias)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'outer', 'type': 'alias', 'target': 'inner', "
        " 'offset': 4, 'size': 16, 'readonly': true}") ","
        "{'name': 'inner', 'type': 'alias', 'target': 'ram', 'offset': 4, "
        " 'size': 64},"
        "{'name': 'ram', 'type': 'ram', 'size': '4K', 'image': "
        " {'hex': '00 01 02 03 04 05 06 07 08 09'}}"));
    AddressSpace *as = as_of(b, "memory");
    MemTxResult r;

    FlatView *view;
    MemoryRegionSection sec;

    ck_assert_uint_eq(address_space_ldub(as, 0, ATTRS, NULL), 8);
    ck_assert_uint_eq(address_space_ldub(as, 1, ATTRS, NULL), 9);
    /* "readonly" on an alias marks the rendered range read-only; as in
     * QEMU, address_space_write only looks at the RAM region itself
     * (memcore/SEMANTICS.md, "kept quirk: inherited readonly does not
     * block writes"), so the write still lands. */
    view = address_space_get_flatview(as);
    ck_assert(flatview_get_range(view, 0, &sec));
    ck_assert_ptr_eq(sec.mr, mr_of(b, "ram"));
    ck_assert_uint_eq(sec.offset_within_region, 8);
    ck_assert(sec.readonly);
    flatview_unref(view);
    address_space_stb(as, 0, 0x55, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    board_destroy(b);
}
END_TEST

START_TEST(test_disabled_region)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'low', 'type': 'ram', 'size': '4K', 'fill': 1},"
        "{'addr': 0, 'name': 'hidden', 'type': 'ram', 'size': '4K', "
        " 'fill': 2, 'enabled': false}")));

    ck_assert_uint_eq(address_space_ldub(as_of(b, "memory"), 0, ATTRS, NULL),
                      1);
    ck_assert(!mr_of(b, "hidden")->enabled);
    board_destroy(b);
}
END_TEST

/* ---- RAM, ROM, images ---------------------------------------------------- */

START_TEST(test_rom_fill_image)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'rom', 'type': 'rom', 'size': 16, 'fill': 255, "
        " 'image': {'hex': 'de ad be ef', 'offset': 8}}")));
    AddressSpace *as = as_of(b, "memory");
    MemTxResult r;

    ck_assert_uint_eq(address_space_ldl_le(as, 0, ATTRS, NULL), 0xffffffff);
    ck_assert_uint_eq(address_space_ldl_be(as, 8, ATTRS, NULL), 0xdeadbeef);
    address_space_stl_le(as, 8, 0, ATTRS, &r);
    ck_assert_uint_ne(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_ldl_be(as, 8, ATTRS, NULL), 0xdeadbeef);
    ck_assert(memory_region_is_rom(mr_of(b, "rom")));
    board_destroy(b);
}
END_TEST

START_TEST(test_readonly_ram)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '4K', 'fill': 7, "
        " 'readonly': true}")));
    AddressSpace *as = as_of(b, "memory");

    address_space_stb(as, 0, 9, ATTRS, NULL);
    ck_assert_uint_eq(address_space_ldub(as, 0, ATTRS, NULL), 7);
    ck_assert(mr_of(b, "r")->readonly);
    board_destroy(b);
}
END_TEST

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/memcore-board-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

START_TEST(test_image_file_relative_to_board)
{
    char path[128], bin[128], *json;
    FILE *f;
    Diag d;
    Board *b;

    make_tmpdir();
    snprintf(bin, sizeof(bin), "%s/fw.bin", tmpdir);
    f = fopen(bin, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite("\x11\x22\x33", 1, 3, f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/board.json", tmpdir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    json = unquote(BOARD(SYS("{'addr': '0x1000', 'name': 'rom', 'type': "
                             "'rom', 'size': '4K', 'image': {'file': "
                             "'fw.bin', 'offset': 2}}")));
    fputs(json, f);
    fclose(f);
    free(json);

    diag_init(&d);
    b = board_parse_file(path, &d);
    ck_assert_ptr_nonnull(b);
    ck_assert(board_build(b, NULL, &d));
    ck_assert_uint_eq(address_space_ldl_le(as_of(b, "memory"), 0x1000, ATTRS,
                                           NULL), 0x22110000);
    board_destroy(b);
    diag_free(&d);
    unlink(bin);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_ram_from_file_shared)
{
    char file[128], *json, *board;
    uint8_t buf[4] = { 0 };
    int fd;
    Board *b;

    make_tmpdir();
    snprintf(file, sizeof(file), "%s/ram.img", tmpdir);
    ck_assert_int_gt(asprintf(&board, BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '64K', "
        " 'file': '%s', 'share': true}")), file), 0);
    json = board;
    b = build_board(json);
    free(board);
    address_space_stl_le(as_of(b, "memory"), 0x100, 0x04030201, ATTRS, NULL);
    ck_assert_int_ge(memory_region_get_fd(mr_of(b, "r")), 0);
    fd = open(file, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, 4, 0x100), 4);
    close(fd);
    ck_assert_uint_eq(buf[0], 1);
    ck_assert_uint_eq(buf[3], 4);
    board_destroy(b);
    unlink(file);
    rmdir(tmpdir);
}
END_TEST

START_TEST(test_resizeable_ram)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '4K', "
        " 'max-size': '16K'}")));
    Error *err = NULL;

    ck_assert_uint_eq(memory_region_size(mr_of(b, "r")), 4096);
    memory_region_ram_resize(mr_of(b, "r"), 16384, &err);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(memory_region_size(mr_of(b, "r")), 16384);
    memory_region_ram_resize(mr_of(b, "r"), 32768, &err);
    ck_assert_ptr_nonnull(err);
    error_free(err);
    board_destroy(b);
}
END_TEST

START_TEST(test_reservation_and_romd)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'res', 'type': 'reservation', 'size': '4K'},"
        "{'addr': '4K', 'name': 'flash', 'type': 'romd', 'size': '4K', "
        " 'fill': 90, 'device': {'model': 'counter'}}")));
    AddressSpace *as = as_of(b, "memory");
    MemTxResult r;

    address_space_ldub(as, 0, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_DECODE_ERROR);
    /* ROMD mode: reads come from the ROM bytes; writes reach the device */
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 90);
    address_space_stb(as, 0x1000, 40, ATTRS, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 90);
    memory_region_rom_device_set_romd(mr_of(b, "flash"), false);
    ck_assert_uint_eq(address_space_ldub(as, 0x1000, ATTRS, NULL), 40);
    board_destroy(b);
}
END_TEST

/* ---- owners, address spaces, CPUs ---------------------------------------- */

START_TEST(test_owners)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'a', 'type': 'ram', 'size': '4K', "
        " 'owner': '/machine/dev'},"
        "{'addr': '4K', 'name': 'b', 'type': 'ram', 'size': '4K', "
        " 'owner': '/machine/dev'},"
        "{'addr': '8K', 'name': 'c', 'type': 'ram', 'size': '4K'}")));
    Object *oa = memory_region_owner(mr_of(b, "a"));

    ck_assert_ptr_nonnull(oa);
    ck_assert_str_eq(oa->path, "/machine/dev");
    ck_assert_ptr_eq(memory_region_owner(mr_of(b, "b")), oa);
    ck_assert_ptr_null(memory_region_owner(mr_of(b, "c")));
    board_destroy(b);
}
END_TEST

START_TEST(test_address_spaces_and_cpus)
{
    Board *b = build_board(
        "{'address-spaces': [{'name': 'memory', 'root': 'sys'}, "
        " {'name': 'I/O', 'root': 'io'}],"
        " 'regions': [" SYS("") ", {'name': 'io', 'type': 'io', "
        " 'size': '64K', 'device': {'model': 'ones'}}],"
        " 'cpus': [{'model': 'rv64', 'address-space': 'I/O', "
        " 'reset-pc': '0x1000'}]}");
    AddressSpace *first = address_space_first();

    ck_assert_ptr_eq(first, as_of(b, "memory"));
    ck_assert_ptr_eq(address_space_next(first), as_of(b, "I/O"));
    ck_assert_str_eq(address_space_name(as_of(b, "I/O")), "I/O");
    ck_assert_uint_eq(b->ncpus, 1);
    ck_assert_uint_eq(b->cpus[0].reset_pc, 0x1000);
    ck_assert_ptr_eq(board_default_as(b), board_find_as(b, "I/O"));
    ck_assert_uint_eq(address_space_ldub(as_of(b, "I/O"), 0x80, ATTRS, NULL),
                      0xff);
    board_destroy(b);
}
END_TEST

START_TEST(test_find_region_by_id_then_name)
{
    Board *b = build_board(BOARD(SYS(
        "{'addr': 0, 'name': 'pam', 'id': 'pam0', 'type': 'ram', 'size': 16},"
        "{'addr': 16, 'name': 'pam', 'id': 'pam1', 'type': 'ram', 'size': 16}")));
    BoardRegion *r = NULL;

    ck_assert_int_eq(board_find_region(b, "pam1", &r), 1);
    ck_assert_uint_eq(r->addr, 16);
    ck_assert_int_eq(board_find_region(b, "pam", &r), 2);
    ck_assert_int_eq(board_find_region(b, "nope", &r), 0);
    board_destroy(b);
}
END_TEST

/* ---- built-in boards ----------------------------------------------------- */

START_TEST(test_builtin_virt)
{
    Board *b = build_board(board_builtin_json("virt"));
    AddressSpace *as = as_of(b, "memory");

    /* boot ROM: QEMU's reset vector (auipc t0,0; addi a2,t0,40;
     * csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0), the start
     * address (RAM) and the FDT address (none) */
    static const uint32_t rom[] = { 0x00000297, 0x02828613, 0xf1402573,
                                    0x0202b583, 0x0182b283, 0x00028067 };
    for (unsigned i = 0; i < 6; i++) {
        ck_assert_uint_eq(address_space_ldl_le(as, 0x1000 + 4 * i, ATTRS,
                                               NULL), rom[i]);
    }
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1018, ATTRS, NULL),
                      0x80000000);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1020, ATTRS, NULL), 0);
    ck_assert_uint_eq(address_space_ldq_le(as, 0x1028, ATTRS, NULL), 0);
    ck_assert(b->has_kernel_entry);
    ck_assert_uint_eq(b->kernel_entry, 0x1018);
    /* idle loop in RAM: wfi; j .-4 */
    ck_assert_uint_eq(address_space_ldl_le(as, 0x80000000, ATTRS, NULL),
                      0x10500073);
    ck_assert_uint_eq(address_space_ldl_le(as, 0x80000004, ATTRS, NULL),
                      0xffdff06f);
    ck_assert_uint_eq(memory_region_size(mr_of(b, "riscv_virt_board.ram")),
                      128u << 20);
    /* UART LSR: transmitter empty */
    ck_assert_uint_eq(address_space_ldub(as, 0x10000005, ATTRS, NULL), 0x60);
    ck_assert_uint_eq(b->ncpus, 1);
    ck_assert_uint_eq(b->cpus[0].reset_pc, 0x1000);
    board_destroy(b);
}
END_TEST

START_TEST(test_builtin_pc)
{
    Board *b = build_board(board_builtin_json("pc"));
    AddressSpace *mem = as_of(b, "memory"), *io = as_of(b, "I/O");

    /* RAM below and above the PCI hole is one pc.ram */
    address_space_stl_le(mem, 0xbffffffc, 0x11111111, ATTRS, NULL);
    address_space_stl_le(mem, 0x100000000, 0x22222222, ATTRS, NULL);
    ck_assert_uint_eq(((uint32_t *)memory_region_get_ram_ptr(
                          mr_of(b, "pc.ram")))[0xc0000000 / 4], 0x22222222);
    /* the BIOS reset vector, and its isa-bios copy below 1 MiB */
    ck_assert_uint_eq(address_space_ldub(mem, 0xfffffff0, ATTRS, NULL), 0xea);
    ck_assert_uint_eq(address_space_ldub(mem, 0xffff0, ATTRS, NULL), 0xea);
    /* PAM: the pci side shows pc.rom (all ones) at 0xc0000 */
    ck_assert_uint_eq(address_space_ldl_le(mem, 0xc0000, ATTRS, NULL),
                      0xffffffff);
    /* unmapped I/O ports read all ones, the UART's LSR says empty */
    ck_assert_uint_eq(address_space_ldub(io, 0x80, ATTRS, NULL), 0xff);
    ck_assert_uint_eq(address_space_ldub(io, 0x3fd, ATTRS, NULL), 0x60);
    ck_assert_int_eq(mr_of(b, "pci")->priority, -1);
    ck_assert_uint_eq(b->ncpus, 0);
    ck_assert(!b->has_kernel_entry);
    board_destroy(b);
}
END_TEST

START_TEST(test_builtin_names)
{
    const char *const *names = board_builtin_names();

    ck_assert_str_eq(names[0], "virt");
    ck_assert_str_eq(names[1], "pc");
    ck_assert_ptr_null(names[2]);
    ck_assert_ptr_null(board_builtin_json("nope"));
}
END_TEST

/* ---- teardown and failed builds ------------------------------------------ */

START_TEST(test_destroy_releases_everything)
{
    Board *b = build_board(board_builtin_json("pc"));

    ck_assert_ptr_nonnull(address_space_first());
    board_destroy(b);
    ck_assert_ptr_null(address_space_first());

    /* and a second machine can be built afterwards */
    b = build_board(board_builtin_json("virt"));
    ck_assert_ptr_nonnull(address_space_first());
    board_destroy(b);
    ck_assert_ptr_null(address_space_first());
}
END_TEST

START_TEST(test_failed_build_leaves_nothing)
{
    /* memcore refuses the backing file (a directory that does not exist):
     * the loader reports it and undoes everything. */
    char *json = unquote(BOARD(SYS(
        "{'addr': 0, 'name': 'ok', 'type': 'ram', 'size': '4K'},"
        "{'addr': '4K', 'name': 'bad', 'type': 'ram', 'size': '4K', "
        " 'file': '/nonexistent/dir/ram.img'}")));
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    ck_assert_ptr_nonnull(b);
    ck_assert(!board_build(b, NULL, &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_msg(strncmp(d.msgs[0], "regions[0].subregions[1]: ", 26) == 0,
                  "got %s", d.msgs[0]);
    ck_assert_ptr_null(address_space_first());
    board_destroy(b);
    diag_free(&d);
    free(json);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_load");
    TCase *tc = tcase_create("good boards");

    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_sizes_and_json_integers);
    tcase_add_test(tc, test_later_sibling_wins);
    tcase_add_test(tc, test_nested_addresses);
    tcase_add_test(tc, test_alias_forward_reference_and_ids);
    tcase_add_test(tc, test_alias_of_alias_and_readonly_alias);
    tcase_add_test(tc, test_disabled_region);
    tcase_add_test(tc, test_rom_fill_image);
    tcase_add_test(tc, test_readonly_ram);
    tcase_add_test(tc, test_image_file_relative_to_board);
    tcase_add_test(tc, test_ram_from_file_shared);
    tcase_add_test(tc, test_resizeable_ram);
    tcase_add_test(tc, test_reservation_and_romd);
    tcase_add_test(tc, test_owners);
    tcase_add_test(tc, test_address_spaces_and_cpus);
    tcase_add_test(tc, test_find_region_by_id_then_name);
    tcase_add_test(tc, test_builtin_virt);
    tcase_add_test(tc, test_builtin_pc);
    tcase_add_test(tc, test_builtin_names);
    tcase_add_test(tc, test_destroy_releases_everything);
    tcase_add_test(tc, test_failed_build_leaves_nothing);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
