/*
 * tests/unit/test_monitor_cmds.c — every command of the monitor against
 * the small virt-like machine of the fixture: what it prints, what it
 * changes in guest memory or topology, and how it fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_monitor_fixture.h"
#include "check_run.h"

/* ---- helpers -------------------------------------------------------------- */

typedef struct Text {
    char *p;
    size_t len;
} Text;

static int text_printf(FILE *f, const char *fmt, ...)
{
    Text *t = (Text *)(void *)f;
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    t->p = realloc(t->p, t->len + (size_t)n + 1);
    ck_assert_ptr_nonnull(t->p);
    memcpy(t->p + t->len, s, (size_t)n + 1);
    t->len += (size_t)n;
    free(s);
    return n;
}

/* What libmemcore prints for these flags, called directly. */
static char *mtree_direct(unsigned flags)
{
    Text t = { NULL, 0 };
    t.p = calloc(1, 1);
    mtree_info_flags(text_printf, (FILE *)(void *)&t, flags);
    return t.p;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

static void ram_fill(hwaddr off, const void *data, size_t len)
{
    ck_assert_int_eq(address_space_write(&tm.as_cpu, TM_RAM_BASE + off,
                                         MEMTXATTRS_UNSPECIFIED, data,
                                         (int)len),
                     MEMTX_OK);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* ---- help ----------------------------------------------------------------- */

START_TEST(test_help_lists_every_command)
{
    static const char *const names[] = {
        "help|? ", "info ", "x ", "xp ", "memsave ", "pmemsave ", "gpa2hva ",
        "find ", "ldub ", "lduw_le ", "lduw_be ", "ldl_le ", "ldl_be ",
        "ldq_le ", "ldq_be ", "stb ", "stw_le ", "stw_be ", "stl_le ",
        "stl_be ", "stq_le ", "stq_be ", "region ", "dirty-log ", "stop ",
        "cont|c ", "system_reset ", "quit|q ",
    };
    const size_t n = sizeof(names) / sizeof(names[0]);
    char *o = tm_run("help", NULL);
    const char *line = o;

    ck_assert_uint_eq(count_lines(o), n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(strncmp(line, names[i], strlen(names[i])) == 0,
                      "line %zu: %s", i, line);
        ck_assert_ptr_nonnull(strstr(line, " -- "));
        line = strchr(line, '\n') + 1;
    }
    /* No parameters: QEMU's two spaces before "--". */
    ck_assert_ptr_nonnull(strstr(o, "\nquit|q  -- "));
    ck_assert_ptr_nonnull(strstr(o, "\nx /fmt addr -- "));
    ck_assert_ptr_nonnull(strstr(o, "\nldl_le [-a AS] addr -- "));
    ck_assert_ptr_nonnull(strstr(o, "\nfind [-a AS] addr [size] -- "));
    free(o);

    /* `?` is help. */
    o = tm_run("?", NULL);
    ck_assert_uint_eq(count_lines(o), n);
    free(o);
}
END_TEST

START_TEST(test_help_info)
{
    char *o = tm_run("help info", NULL);
    char *bare = tm_run("info", NULL);

    ck_assert_uint_eq(count_lines(o), 8);
    ck_assert_ptr_eq(strstr(o, "info address-spaces  -- "), o);
    ck_assert_ptr_nonnull(strstr(o, "\ninfo dirty [-c vga|code|migration] "
                                    "region [offset size] -- "));
    ck_assert_ptr_nonnull(strstr(o, "\ninfo mtree [-f][-d][-o][-D] -- "));
    ck_assert_ptr_nonnull(strstr(o, "\ninfo ramblock  -- "));
    ck_assert_ptr_nonnull(strstr(o, "\ninfo uart  -- "));
    /* `info` alone shows the same list. */
    ck_assert_str_eq(bare, o);
    free(o);
    free(bare);

    /* help info mtree says what -D changes for a disabled region's
     * subtree (memcore hides it, QEMU does not; see monitor/README.md). */
    o = tm_run("help info mtree", NULL);
    ck_assert_ptr_nonnull(strstr(o, "together with everything inside it"));
    free(o);

    tm_expect("help nosuch", "unknown command: 'nosuch'\n", MONITOR_FAILED);
    tm_expect("help info nosuch", "unknown command: 'info nosuch'\n",
              MONITOR_FAILED);
    o = tm_run("help q", NULL);
    ck_assert_ptr_eq(strstr(o, "quit|q  -- "), o);
    free(o);
}
END_TEST

/* ---- info ------------------------------------------------------------------ */

START_TEST(test_info_mtree_is_libmemcore_output)
{
    static const struct {
        const char *line;
        unsigned flags;
    } cases[] = {
        { "info mtree", 0 },
        { "info mtree -f", MTREE_FLATVIEW },
        { "info mtree -f -d", MTREE_FLATVIEW | MTREE_DISPATCH },
        { "info mtree -d -f", MTREE_FLATVIEW | MTREE_DISPATCH },
        { "info mtree -o", MTREE_OWNER },
        { "info mtree -D", MTREE_DISABLED },
        { "info mtree -o -D", MTREE_OWNER | MTREE_DISABLED },
        { "info mtree -fD", MTREE_FLATVIEW | MTREE_DISABLED },
        { "info mtree -d", MTREE_DISPATCH },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int r;
        char *want = mtree_direct(cases[i].flags);
        char *got = tm_run(cases[i].line, &r);
        ck_assert_msg(strcmp(got, want) == 0, "%s", cases[i].line);
        ck_assert_int_eq(r, 0);
        ck_assert_uint_gt(strlen(got), 0);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(test_info_ramblock)
{
    static const char *const order[] = { "riscv_virt_board.ram",
                                         "virt.flash0", "virt.flash1",
                                         "riscv_virt_board.mrom" };
    MemoryRegion *mrs[] = { &tm.ram, &tm.flash0, &tm.flash1, &tm.mrom };
    static const unsigned long long sizes[] = { 0x8000000, 0x2000000,
                                                0x2000000, 0xf000 };
    char *o = tm_run("info ramblock", NULL);
    char want[256];
    const char *line = o;

    ck_assert_uint_eq(count_lines(o), 5);
    ck_assert_ptr_eq(strstr(o, "              Block Name    PSize       "
                               "       Offset               Used         "
                               "     Total\n"),
                     o);
    /* Largest block first, as QEMU lists them; offsets are ram_addrs. */
    for (int i = 0; i < 4; i++) {
        line = strchr(line, '\n') + 1;
        snprintf(want, sizeof(want),
                 "%24s    4 KiB  0x%016llx 0x%016llx 0x%016llx\n", order[i],
                 (unsigned long long)memory_region_get_ram_addr(mrs[i]),
                 sizes[i], sizes[i]);
        ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "%s", line);
    }
    free(o);
    /* The first RAM block created starts at ram_addr 0 (SEMANTICS.md,
     * Dirty logging, Bitmaps). */
    ck_assert_uint_eq(memory_region_get_ram_addr(&tm.ram), 0);
}
END_TEST

START_TEST(test_info_address_spaces)
{
    char *o = tm_run("info address-spaces", NULL);
    char *mtree = tm_run("info mtree -f", NULL);

    ck_assert_str_eq(o, "AS \"cpu-memory-0\", root: system, FlatView #0\n"
                        "AS \"memory\", root: system, FlatView #0\n"
                        "AS \"I/O\", root: io, FlatView #1\n"
                        "AS \"gpex-root\", root: bus master container, "
                        "FlatView #2\n");
    /* The numbers are the ones `info mtree -f` prints. */
    ck_assert_ptr_nonnull(strstr(mtree, "FlatView #0\n AS \"cpu-memory-0\", "
                                        "root: system\n AS \"memory\""));
    ck_assert_ptr_nonnull(strstr(mtree, "FlatView #1\n AS \"I/O\", root: io\n"));
    ck_assert_ptr_nonnull(strstr(mtree, "FlatView #2\n AS \"gpex-root\", "
                                        "root: bus master container\n"));
    free(mtree);
    free(o);
}
END_TEST

START_TEST(test_info_uart)
{
    static const char text[] = "hello\nworld\x1b[2J\x07";
    tm_expect("info uart", "No UART\n", 0);
    tm.uart_text = text;
    tm.uart_len = sizeof(text) - 1;
    /* Terminal control bytes are shown, not sent to the user's terminal. */
    tm_expect("info uart", "serial0: 16 bytes\nhello\nworld\\x1b[2J\\x07\n",
              0);
    tm.uart_text = "ok\n";
    tm.uart_len = 3;
    tm_expect("info uart", "serial0: 3 bytes\nok\n", 0);
    tm_expect("info uart x", "uart: extraneous characters at the end of line\n"
                             "Try \"help info uart\" for more information\n",
              MONITOR_FAILED);
}
END_TEST

/* ---- x / xp ---------------------------------------------------------------- */

static void fill_pattern(void)
{
    static const uint8_t bytes[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                       0x77, 0x88, 0x00, 0x00, 0x00, 0x80,
                                       0xff, 0xff, 0xff, 0xff };
    ram_fill(0, bytes, sizeof(bytes));
}

START_TEST(test_xp_formats)
{
    fill_pattern();
    tm_expect("xp /16xb 0x80000000",
              "0000000080000000: 0x11 0x22 0x33 0x44 0x55 0x66 0x77 0x88\n"
              "0000000080000008: 0x00 0x00 0x00 0x80 0xff 0xff 0xff 0xff\n",
              0);
    tm_expect("xp /4xh 0x80000000",
              "0000000080000000: 0x2211 0x4433 0x6655 0x8877\n", 0);
    tm_expect("xp /4xw 0x80000000",
              "0000000080000000: 0x44332211 0x88776655 0x80000000 "
              "0xffffffff\n",
              0);
    tm_expect("xp /3xg 0x80000000",
              "0000000080000000: 0x8877665544332211 0xffffffff80000000\n"
              "0000000080000010: 0x0000000000000000\n",
              0);
    /* d: units below 8 bytes are not sign-extended (QEMU). */
    tm_expect("xp /4dw 0x80000000",
              "0000000080000000: 1144201745 2289526357 2147483648 "
              "4294967295\n",
              0);
    tm_expect("xp /2dg 0x80000000",
              "0000000080000000: -8613303245920329199          -2147483648\n",
              0);
    tm_expect("xp /4uh 0x80000000",
              "0000000080000000:  8721 17459 26197 34935\n", 0);
    tm_expect("xp /2db 0x8000000b", "000000008000000b: 128 255\n", 0);
    tm_expect("xp /3ow 0x80000008",
              "0000000080000008: 020000000000 037777777777           0\n", 0);
    tm_expect("xp /2ob 0x80000000", "0000000080000000: 021 042\n", 0);
    tm_expect("xp /2tb 0x80000000", "0000000080000000: 00010001 00100010\n",
              0);
    tm_expect("xp /1th 0x80000000", "0000000080000000: 0010001000010001\n",
              0);
}
END_TEST

START_TEST(test_xp_chars)
{
    static const uint8_t s[16] = "A\n\r'\\\0\x7f~abcdefgh";
    ram_fill(0x100, s, sizeof(s));
    tm_expect("xp /8cb 0x80000100",
              "0000000080000100: 'A' '\\n' '\\r' '\\'' '\\\\' '\\x00' "
              "'\\x7f' '~'\n",
              0);
    /* With a wider unit the row still holds 16 bytes, one per value. */
    tm_expect("xp /2cw 0x80000108",
              "0000000080000108: 'a' 'b' 'c' 'd' 'e' 'f' 'g' 'h'\n", 0);
}
END_TEST

START_TEST(test_xp_addresses)
{
    uint64_t vals[2] = { TM_RAM_BASE + 0x40, 0x12345 };
    ram_fill(0x20, vals, sizeof(vals));
    tm_expect("xp /2ag 0x80000020",
              "0000000080000020: 0x0000000080000040 "
              "<riscv_virt_board.ram+0x40> 0x0000000000012345\n",
              0);
}
END_TEST

START_TEST(test_xp_rows_and_failures)
{
    /* A row that cannot be read ends the dump; earlier rows stay. */
    tm_expect("xp /8xw 0x87fffff0",
              "0000000087fffff0: 0x00000000 0x00000000 0x00000000 "
              "0x00000000\n"
              "0000000088000000: Cannot access memory\n",
              MONITOR_FAILED);
    /* A row half in RAM fails as a whole, as QEMU reads it in one go. */
    tm_expect("xp /4xw 0x7ffffff8", "000000007ffffff8: Cannot access memory\n",
              MONITOR_FAILED);
    /* An odd count ends with a short row. */
    tm_expect("xp /5xw 0x80000000",
              "0000000080000000: 0x00000000 0x00000000 0x00000000 "
              "0x00000000\n"
              "0000000080000010: 0x00000000\n",
              0);
    /* MMIO is read through the device. */
    tm_expect("stl_le 0x3000004 0xcafef00d", "", 0);
    tm_expect("xp /2xw 0x3000000", "0000000003000000: 0x00000000 0xcafef00d\n",
              0);
    /* ROM in its place. */
    tm_load_rom_from_capture();
    tm_expect("xp /2xw 0x1000", "0000000000001000: 0x00000297 0x02828613\n",
              0);
}
END_TEST

/* Virtual page N maps to RAM page N ^ 1 (pages swapped in pairs). */
static bool swap_pages(void *opaque, uint64_t vaddr, hwaddr *paddr)
{
    (void)opaque;
    if (vaddr >= 0x100000) {
        return false;
    }
    *paddr = TM_RAM_BASE + ((vaddr ^ 0x1000) & ~0xfffULL) + (vaddr & 0xfff);
    return true;
}

static unsigned fake_disas(void *opaque, AddressSpace *as, uint64_t pc,
                           char *buf, size_t size)
{
    MemTxResult r;
    uint32_t insn;
    (void)opaque;
    insn = address_space_ldl_le(as, pc, MEMTXATTRS_UNSPECIFIED, &r);
    if (r != MEMTX_OK) {
        return 0;
    }
    snprintf(buf, size, "insn %08x", insn);
    return 4;
}

START_TEST(test_x_virtual)
{
    uint32_t a = 0xaaaaaaaa, b = 0xbbbbbbbb;
    /* Without a translation hook, x reads physical memory. */
    ram_fill(0, &a, 4);
    tm_expect("x /1xw 0x80000000", "0000000080000000: 0xaaaaaaaa\n", 0);

    tm.mm.cpu_virt_to_phys = swap_pages;
    ram_fill(0x1ffc, &a, 4); /* virtual 0x0ffc */
    ram_fill(0x0000, &b, 4); /* virtual 0x1000 */
    /* One row that crosses a page boundary reads two physical pages. */
    tm_expect("x /2xw 0xffc", "0000000000000ffc: 0xaaaaaaaa 0xbbbbbbbb\n", 0);
    tm_expect("x /1xw 0x100000", "0000000000100000: Cannot access memory\n",
              MONITOR_FAILED);
    /* xp ignores the vCPU. */
    tm_expect("xp /1xw 0x80000000", "0000000080000000: 0xbbbbbbbb\n", 0);
}
END_TEST

START_TEST(test_x_instructions)
{
    uint32_t insns[2] = { 0x00000297, 0x02828613 };
    tm_expect("xp /2i 0x80000000",
              "Error: format 'i' needs a vCPU disassembler, and this machine "
              "has none\n",
              MONITOR_FAILED);
    tm.mm.cpu_disas = fake_disas;
    ram_fill(0, insns, sizeof(insns));
    tm_expect("xp /2i 0x80000000",
              "0x0000000080000000:  insn 00000297\n"
              "0x0000000080000004:  insn 02828613\n",
              0);
    /* 'i' leaves the remembered unit alone: w is still the default. */
    tm_expect("xp /x 0x80000000", "0000000080000000: 0x00000297\n", 0);
}
END_TEST

/* ---- memsave / pmemsave ---------------------------------------------------- */

START_TEST(test_pmemsave_contents)
{
    char line[512], path[300];
    uint8_t pattern[256];
    size_t len;
    char *data;

    for (int i = 0; i < 256; i++) {
        pattern[i] = (uint8_t)(i * 7 + 3);
    }
    ram_fill(0x1000, pattern, sizeof(pattern));
    /* Absolute paths are quoted: bare, "/" would be a division. */
    snprintf(path, sizeof(path), "%s/ram.bin", tm_tmpdir());
    snprintf(line, sizeof(line), "pmemsave 0x80001000 256 \"%s\"", path);
    tm_expect(line, "", 0);
    data = read_file(path, &len);
    ck_assert_uint_eq(len, 256);
    ck_assert_int_eq(memcmp(data, pattern, 256), 0);
    free(data);

    /* Across RAM's end: the unmapped part reads as zeros (QEMU). */
    snprintf(line, sizeof(line), "pmemsave 0x87fffffc 8 \"%s\"", path);
    ram_fill(TM_RAM_SIZE - 4, "wxyz", 4);
    tm_expect(line, "", 0);
    data = read_file(path, &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_int_eq(memcmp(data, "wxyz\0\0\0\0", 8), 0);
    free(data);

    /* MMIO goes through the device. */
    tm_expect("stl_le 0x3000000 0x64636261", "", 0);
    snprintf(line, sizeof(line), "pmemsave 0x3000000 4 \"%s\"", path);
    tm_expect(line, "", 0);
    data = read_file(path, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(data, "abcd", 4), 0);
    free(data);
}
END_TEST

START_TEST(test_pmemsave_large)
{
    char line[512], path[300];
    size_t len;
    char *data;

    /* 64 MiB straight from RAM, marker bytes at chunk boundaries. */
    ram_fill(0, "A", 1);
    ram_fill((1 << 20) - 1, "B", 1);
    ram_fill(1 << 20, "C", 1);
    ram_fill((64 << 20) - 1, "D", 1);
    snprintf(path, sizeof(path), "%s/big.bin", tm_tmpdir());
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x4000000 \"%s\"", path);
    tm_expect(line, "", 0);
    data = read_file(path, &len);
    ck_assert_uint_eq(len, 64 << 20);
    ck_assert_int_eq(data[0], 'A');
    ck_assert_int_eq(data[(1 << 20) - 1], 'B');
    ck_assert_int_eq(data[1 << 20], 'C');
    ck_assert_int_eq(data[(64 << 20) - 1], 'D');
    ck_assert_int_eq(data[12345], 0);
    free(data);
}
END_TEST

START_TEST(test_memsave)
{
    char line[512], path[300];
    size_t len;
    char *data;

    snprintf(path, sizeof(path), "%s/v.bin", tm_tmpdir());
    tm.mm.cpu_virt_to_phys = swap_pages;
    ram_fill(0x1ffe, "ab", 2); /* virtual 0xffe */
    ram_fill(0x0000, "cd", 2); /* virtual 0x1000 */
    snprintf(line, sizeof(line), "memsave 0xffe 4 \"%s\"", path);
    tm_expect(line, "", 0);
    data = read_file(path, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(data, "abcd", 4), 0);
    free(data);

    /* A fault part-way: QEMU's message with the original range. */
    snprintf(line, sizeof(line), "memsave 0xffffe 0x10 \"%s\"", path);
    tm_expect(line, "Error: Invalid addr 0x00000000000ffffe/size 16 "
                    "specified\n",
              MONITOR_FAILED);
}
END_TEST

START_TEST(test_save_io_error)
{
    /* QEMU's words, then what failed; a device is never removed. */
    tm_expect("pmemsave 0x80000000 16 \"/dev/full\"",
              "Error: An IO error has occurred: writing '/dev/full': No "
              "space left on device\n",
              MONITOR_FAILED);
}
END_TEST

/* ---- gpa2hva / find --------------------------------------------------------- */

START_TEST(test_gpa2hva)
{
    char want[200];
    snprintf(want, sizeof(want),
             "Host virtual address for 0x80000010 (riscv_virt_board.ram) is "
             "%p\n",
             (void *)((uint8_t *)memory_region_get_ram_ptr(&tm.ram) + 0x10));
    tm_expect("gpa2hva 0x80000010", want, 0);
    snprintf(want, sizeof(want),
             "Host virtual address for 0x20000004 (virt.flash0) is %p\n",
             (void *)((uint8_t *)memory_region_get_ram_ptr(&tm.flash0) + 4));
    tm_expect("gpa2hva 0x20000004", want, 0);
    tm_expect("gpa2hva 0x3000000", "Memory at address 0x3000000 is not RAM\n",
              MONITOR_FAILED);
}
END_TEST

START_TEST(test_find)
{
    tm_expect("find 0x80000010 4",
              "region: riscv_virt_board.ram (ram)\n"
              "offset_within_region: 0x10\n"
              "offset_within_address_space: 0x80000010\n"
              "size: 0x4\n"
              "readonly: no\n",
              0);
    /* The range is clipped to what is mapped; size defaults to 1. */
    tm_expect("find 0x87fffffe 0x10",
              "region: riscv_virt_board.ram (ram)\n"
              "offset_within_region: 0x7fffffe\n"
              "offset_within_address_space: 0x87fffffe\n"
              "size: 0x2\n"
              "readonly: no\n",
              0);
    tm_expect("find 0x1000",
              "region: riscv_virt_board.mrom (rom)\n"
              "offset_within_region: 0x0\n"
              "offset_within_address_space: 0x1000\n"
              "size: 0x1\n"
              "readonly: yes\n",
              0);
    tm_expect("find 0x3000010",
              "region: scratch (i/o)\n"
              "offset_within_region: 0x10\n"
              "offset_within_address_space: 0x3000010\n"
              "size: 0x1\n"
              "readonly: no\n",
              0);
    tm_expect("find -a \"I/O\" 0x10 2",
              "region: io (i/o)\n"
              "offset_within_region: 0x10\n"
              "offset_within_address_space: 0x10\n"
              "size: 0x2\n"
              "readonly: no\n",
              0);
    tm_expect("find 0", "No memory is mapped at 0x0 (size 0x1) in "
                        "\"cpu-memory-0\"\n",
              MONITOR_FAILED);
}
END_TEST

/* ---- ld / st ------------------------------------------------------------------ */

START_TEST(test_load_store)
{
    tm_expect("stq_le 0x80000000 0x8877665544332211", "", 0);
    tm_expect("ldub 0x80000000", "0x11\n", 0);
    tm_expect("lduw_le 0x80000000", "0x2211\n", 0);
    tm_expect("lduw_be 0x80000000", "0x1122\n", 0);
    tm_expect("ldl_le 0x80000004", "0x88776655\n", 0);
    tm_expect("ldl_be 0x80000004", "0x55667788\n", 0);
    tm_expect("ldq_le 0x80000000", "0x8877665544332211\n", 0);
    tm_expect("ldq_be 0x80000000", "0x1122334455667788\n", 0);
    tm_expect("stb 0x80000000 0xaa", "", 0);
    tm_expect("stw_be 0x80000002 0xbbcc", "", 0);
    tm_expect("stl_be 0x80000004 0x01020304", "", 0);
    tm_expect("xp /8xb 0x80000000",
              "0000000080000000: 0xaa 0x22 0xbb 0xcc 0x01 0x02 0x03 0x04\n", 0);
    tm_expect("stw_le 0x80000000 0x1234", "", 0);
    tm_expect("stl_le 0x80000000 0x55667788", "", 0);
    tm_expect("stq_be 0x80000008 0x0102030405060708", "", 0);
    tm_expect("ldq_le 0x80000008", "0x0807060504030201\n", 0);
    tm_expect("ldl_le 0x80000000", "0x55667788\n", 0);
    /* -1 fits any width. */
    tm_expect("stb 0x80000000 (-1)", "", 0);
    tm_expect("ldub 0x80000000", "0xff\n", 0);
    tm_expect("stb 0x80000000 0x100",
              "Error: value 0x100 does not fit in 8 bits\n", MONITOR_FAILED);
    tm_expect("stw_le 0x80000000 0x10000",
              "Error: value 0x10000 does not fit in 16 bits\n",
              MONITOR_FAILED);
    /* Other address spaces. */
    tm_expect("ldl_le -a memory 0x80000000", "0x556677ff\n", 0);
    tm_expect("ldl_le -a \"I/O\" 0x0", "0xffffffff\n", 0);
}
END_TEST

START_TEST(test_load_store_failures)
{
    tm_expect("ldl_le 0", "Error: ldl_le at 0x0: MEMTX_DECODE_ERROR\n",
              MONITOR_FAILED);
    tm_expect("stq_be 0x10 1", "Error: stq_be at 0x10: MEMTX_DECODE_ERROR\n",
              MONITOR_FAILED);
    /* ROM refuses guest writes and keeps its content. */
    tm_load_rom_from_capture();
    tm_expect("stl_le 0x1000 0", "Error: stl_le at 0x1000: "
                                 "MEMTX_DECODE_ERROR\n",
              MONITOR_FAILED);
    tm_expect("ldl_le 0x1000", "0x00000297\n", 0);
    tm_expect("ldl_le", "unexpected end of expression\n"
                        "Try \"help ldl_le\" for more information\n",
              MONITOR_FAILED);
    tm_expect("stl_le 0x80000000", "unexpected end of expression\n"
                                   "Try \"help stl_le\" for more "
                                   "information\n",
              MONITOR_FAILED);
}
END_TEST

/* ---- read-only --------------------------------------------------------------- */

START_TEST(test_read_only)
{
    tm_expect("stl_le 0x80000000 0x12345678", "", 0);
    tm.mm.read_only = true;
    static const char *const refused[] = {
        "stb 0x80000000 1",         "stw_le 0x80000000 1",
        "stw_be 0x80000000 1",      "stl_le 0x80000000 1",
        "stl_be 0x80000000 1",      "stq_le 0x80000000 1",
        "stq_be 0x80000000 1",      "region disable scratch",
        "region enable scratch",    "region move scratch 0x5000000",
        "region resize scratch 0x10",
        "pmemsave 0 16 \"/dev/null\"", "memsave 0 16 \"/dev/null\"",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        int r;
        char *o = tm_run(refused[i], &r);
        ck_assert_msg(strcmp(o, "Error: memcored is read-only\n") == 0,
                      "%s: %s", refused[i], o);
        ck_assert_int_eq(r, MONITOR_FAILED);
        free(o);
    }
    /* Nothing changed; reads still work. */
    tm_expect("ldl_le 0x80000000", "0x12345678\n", 0);
    tm_expect("ldub 0x3000000", "0x00\n", 0);
    ck_assert_uint_eq(memory_region_size(&tm.scratch), 0x100);
}
END_TEST

/* ---- region --------------------------------------------------------------------- */

static int begins, commits;

static void count_begin(MemoryListener *l)
{
    (void)l;
    begins++;
}

static void count_commit(MemoryListener *l)
{
    (void)l;
    commits++;
}

START_TEST(test_region_commands)
{
    MemoryListener l = { .begin = count_begin, .commit = count_commit };

    tm_expect("stb 0x3000010 0x5a", "", 0);
    memory_listener_register(&l, NULL);
    begins = commits = 0;

    tm_expect("region disable scratch", "", 0);
    /* One transaction per command. */
    ck_assert_int_eq(begins, 1);
    ck_assert_int_eq(commits, 1);
    tm_expect("ldub 0x3000010", "Error: ldub at 0x3000010: "
                                "MEMTX_DECODE_ERROR\n",
              MONITOR_FAILED);
    tm_expect("region enable scratch", "", 0);
    tm_expect("ldub 0x3000010", "0x5a\n", 0);

    tm_expect("region move scratch 0x5000000", "", 0);
    ck_assert_int_eq(commits, 3);
    tm_expect("ldub 0x5000010", "0x5a\n", 0);
    tm_expect("find 0x3000010", "No memory is mapped at 0x3000010 (size 0x1) "
                                "in \"cpu-memory-0\"\n",
              MONITOR_FAILED);

    tm_expect("region resize scratch 0x10", "", 0);
    ck_assert_int_eq(commits, 4);
    tm_expect("ldub 0x500000f", "0x00\n", 0);
    tm_expect("ldub 0x5000010", "Error: ldub at 0x5000010: "
                                "MEMTX_DECODE_ERROR\n",
              MONITOR_FAILED);

    /* Quoted names with spaces. */
    tm_expect("region disable \"platform bus\"", "", 0);
    memory_listener_unregister(&l);
}
END_TEST

START_TEST(test_region_errors)
{
    char *o;
    int r;

    tm_expect("region", "region: enable, disable, move or resize expected\n"
                        "Try \"help region\" for more information\n",
              MONITOR_FAILED);
    tm_expect("region frob scratch", "region: unknown subcommand 'frob'\n"
                                     "Try \"help region\" for more "
                                     "information\n",
              MONITOR_FAILED);
    tm_expect("region enable", "region: string expected\n"
                               "Try \"help region\" for more information\n",
              MONITOR_FAILED);
    tm_expect("region move scratch", "unexpected end of expression\n"
                                     "Try \"help region\" for more "
                                     "information\n",
              MONITOR_FAILED);
    tm_expect("region enable nosuch", "Error: no region named 'nosuch'\n",
              MONITOR_FAILED);
    tm_expect("region enable twin",
              "Error: 2 regions are named 'twin'; use a unique id\n",
              MONITOR_FAILED);
    /* Plain RAM cannot be resized: libmemcore's error is passed on. */
    o = tm_run("region resize riscv_virt_board.ram 0x1000", &r);
    ck_assert_int_eq(r, MONITOR_FAILED);
    ck_assert_ptr_eq(strstr(o, "Error: "), o);
    free(o);
    ck_assert_uint_eq(memory_region_size(&tm.ram), TM_RAM_SIZE);
}
END_TEST

/* ---- quit ------------------------------------------------------------------------ */

START_TEST(test_quit)
{
    tm_expect("quit now", "quit: extraneous characters at the end of line\n"
                          "Try \"help quit\" for more information\n",
              MONITOR_FAILED);
    ck_assert_int_eq(tm.quit_calls, 0);
    tm_expect("quit", "", MONITOR_QUIT);
    ck_assert_int_eq(tm.quit_calls, 1);
    tm_expect("q", "", MONITOR_QUIT);
    ck_assert_int_eq(tm.quit_calls, 2);
    /* Without a quit hook the session still ends. */
    tm.mm.quit = NULL;
    tm_expect("q", "", MONITOR_QUIT);
}
END_TEST

START_TEST(test_out_file)
{
    char path[300];
    FILE *f;
    MonitorOut out;
    size_t len;
    char *data;

    snprintf(path, sizeof(path), "%s/out.txt", tm_tmpdir());
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    out = monitor_out_file(f);
    ck_assert_int_eq(monitor_run_line(tm.mon, "ldub 0x80000000", &out), 0);
    ck_assert_int_eq(monitor_run_line(tm.mon, "nosuch", &out),
                     MONITOR_FAILED);
    fclose(f);
    data = read_file(path, &len);
    ck_assert_uint_eq(len, strlen("0x00\nunknown command: 'nosuch'\n"));
    ck_assert_int_eq(memcmp(data, "0x00\nunknown command: 'nosuch'\n", len), 0);
    free(data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("monitor-cmds");
    TCase *tc = tcase_create("cmds");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_test(tc, test_help_lists_every_command);
    tcase_add_test(tc, test_help_info);
    tcase_add_test(tc, test_info_mtree_is_libmemcore_output);
    tcase_add_test(tc, test_info_ramblock);
    tcase_add_test(tc, test_info_address_spaces);
    tcase_add_test(tc, test_info_uart);
    tcase_add_test(tc, test_xp_formats);
    tcase_add_test(tc, test_xp_chars);
    tcase_add_test(tc, test_xp_addresses);
    tcase_add_test(tc, test_xp_rows_and_failures);
    tcase_add_test(tc, test_x_virtual);
    tcase_add_test(tc, test_x_instructions);
    tcase_add_test(tc, test_pmemsave_contents);
    tcase_add_test(tc, test_pmemsave_large);
    tcase_add_test(tc, test_memsave);
    tcase_add_test(tc, test_save_io_error);
    tcase_add_test(tc, test_gpa2hva);
    tcase_add_test(tc, test_find);
    tcase_add_test(tc, test_load_store);
    tcase_add_test(tc, test_load_store_failures);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_region_commands);
    tcase_add_test(tc, test_region_errors);
    tcase_add_test(tc, test_quit);
    tcase_add_test(tc, test_out_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
