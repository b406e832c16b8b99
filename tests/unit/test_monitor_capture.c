/*
 * tests/unit/test_monitor_capture.c — the monitor against real QEMU 7.2
 * output (tests/data/qemu-riscv64-virt/): each capture file is
 * what QEMU printed for one command on the riscv64 virt machine; the same
 * command on our copy of that machine must print the same bytes.
 *
 * Captures of firmware QEMU loaded (boot ROM at 0x1000, RAM at
 * 0x80000000) are compared after writing those bytes into our ROM and
 * RAM; `x /4i` needs a disassembler and the full `info mtree` trees need
 * the whole board (server tests load board.json for those).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_monitor_fixture.h"
#include "check_run.h"

typedef struct Capture {
    const char *file;
    const char *line; /* the command typed in session.txt */
} Capture;

static const Capture plain[] = {
    { "err-gpa2hva-mmio.txt", "gpa2hva 0x10000000" },
    { "err-gpa2hva-unmapped.txt", "gpa2hva 0xffffffff0000" },
    { "err-info-mtree-extra-arg.txt", "info mtree foo" },
    { "err-info-mtree-z.txt", "info mtree -z" },
    { "err-memsave-badpath.txt", "memsave 0 16 no-such-dir/x.bin" },
    { "err-pmemsave-badpath.txt", "pmemsave 0 16 no-such-dir/x.bin" },
    { "err-pmemsave-noargs.txt", "pmemsave" },
    { "err-pmemsave-quoted-abs-path.txt",
      "pmemsave 0 16 \"/nonexistent/x.bin\"" },
    { "err-pmemsave-unquoted-abs-path.txt",
      "pmemsave 0 16 /nonexistent/x.bin" },
    { "err-unknown-cmd.txt", "foo" },
    { "err-unknown-info.txt", "info foo" },
    { "err-x-4xw-ffffffffffff0000.txt", "x /4xw 0xffffffffffff0000" },
    { "err-xp-4xw-ffffffffffff0000.txt", "xp /4xw 0xffffffffffff0000" },
    { "err-xp-badexpr.txt", "xp /4xw 1+" },
    { "err-xp-badfmt-q.txt", "xp /4xq 0" },
    { "err-xp-badfmt-z.txt", "xp /4zw 0" },
    { "err-xp-badnum.txt", "xp /4xw 0xzz" },
    { "err-xp-noaddr.txt", "xp /4xw" },
    { "err-xp-noslash.txt", "xp 4xw 0" },
    { "gpa2hva-0.txt", "gpa2hva 0" },
    { "memsave-ok.txt", "memsave 0 256 run/memsave-256.bin" },
    { "pmemsave-ok.txt", "pmemsave 0 256 run/pmemsave-256.bin" },
    { "x-16xb-0.txt", "x /16xb 0" },
    { "x-4i-pc.txt", "x /4i $pc" },
    { "x-8xw-fffffff0.txt", "x /8xw 0xfffffff0" },
    { "xp-16cb-0.txt", "xp /16cb 0" },
    { "xp-16xb-0.txt", "xp /16xb 0" },
    { "xp-20xw-0.txt", "xp /20xw 0" },
    { "xp-2xg-0.txt", "xp /2xg 0" },
    { "xp-4dw-0.txt", "xp /4dw 0" },
    { "xp-4ow-0.txt", "xp /4ow 0" },
    { "xp-4uw-0.txt", "xp /4uw 0" },
    { "xp-4xh-0.txt", "xp /4xh 0" },
    { "xp-4xw-e0000000.txt", "xp /4xw 0xe0000000" },
    { "xp-4xw-pc.txt", "xp /4xw $pc" },
    { "xp-8xw-fffffff0.txt", "xp /8xw 0xfffffff0" },
    { "xp-9xg-0.txt", "xp /9xg 0" },
    { "xp-after-16xb-0.txt", "xp 0" },
    { "xp-default-0.txt", "xp 0" },
};

/* Every capture above that prints something is an error message. */
static int expected_ret(const Capture *c, const char *text)
{
    (void)c;
    return text[0] == '\0' ? 0 : MONITOR_FAILED;
}

START_TEST(test_capture)
{
    const Capture *c = &plain[_i];
    char *want = qemu_capture(c->file);
    char *got;
    int ret;

    /* Relative file names of memsave/pmemsave land in a scratch dir with
     * a run/ subdirectory, as in the session that made the captures. */
    ck_assert_int_eq(chdir(tm_tmpdir()), 0);
    ck_assert_int_eq(mkdir("run", 0755), 0);
    got = tm_run(c->line, &ret);
    ck_assert_msg(strcmp(got, want) == 0, "%s: `%s`\nwant:\n%s\ngot:\n%s",
                  c->file, c->line, want, got);
    ck_assert_int_eq(ret, expected_ret(c, want));
    free(got);
    free(want);
}
END_TEST

/* Blank the Offset column (the 3rd) of `info ramblock` rows: where a
 * block lands in ram_addr space is libmemcore's choice (QEMU 7.2 aligns
 * blocks to 256 KiB, the 2016 API did not). */
static void blank_offsets(char *text)
{
    for (char *line = strchr(text, '\n'); line && line[1]; ) {
        char *off = strstr(line + 1, "  0x");
        char *eol = strchr(line + 1, '\n');
        if (off && eol && off < eol) {
            memset(off + 2, '#', 18);
        }
        line = eol;
    }
}

START_TEST(test_info_ramblock)
{
    char *want = qemu_capture("info-ramblock.txt");
    char *got = tm_run("info ramblock", NULL);

    blank_offsets(want);
    blank_offsets(got);
    ck_assert_msg(strcmp(got, want) == 0, "want:\n%s\ngot:\n%s", want, got);
    free(got);
    free(want);
}
END_TEST

START_TEST(test_pmemsave_ok_writes_file)
{
    struct stat st;
    char *got;

    ck_assert_int_eq(chdir(tm_tmpdir()), 0);
    ck_assert_int_eq(mkdir("run", 0755), 0);
    got = tm_run("pmemsave 0 256 run/pmemsave-256.bin", NULL);
    ck_assert_str_eq(got, "");
    free(got);
    ck_assert_int_eq(stat("run/pmemsave-256.bin", &st), 0);
    ck_assert_int_eq(st.st_size, 256);
    /* memsave fails after opening: QEMU leaves the (empty) file behind. */
    got = tm_run("memsave 0 256 run/memsave-256.bin", NULL);
    free(got);
    ck_assert_int_eq(stat("run/memsave-256.bin", &st), 0);
    ck_assert_int_eq(st.st_size, 0);
}
END_TEST

/* The boot ROM: write QEMU's bytes into ours, then the dumps must match,
 * including the unaligned one that straddles words. */
START_TEST(test_rom_dumps)
{
    static const Capture rom[] = {
        { "xp-8xw-1000.txt", "xp /8xw 0x1000" },
        { "xp-3xw-0x1002.txt", "xp /3xw 0x1002" },
    };
    tm_load_rom_from_capture();
    for (size_t i = 0; i < 2; i++) {
        char *want = qemu_capture(rom[i].file);
        char *got = tm_run(rom[i].line, NULL);
        ck_assert_msg(strcmp(got, want) == 0, "%s\nwant:\n%s\ngot:\n%s",
                      rom[i].file, want, got);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(test_ram_dump)
{
    /* The first words of QEMU's firmware in RAM, stored little-endian. */
    static const uint32_t words[] = { 0x00050433, 0x000584b3, 0x00060933,
                                      0x554000ef };
    char *want = qemu_capture("xp-4xw-80000000.txt");
    char *got;

    address_space_write(&tm.as_cpu, TM_RAM_BASE, MEMTXATTRS_UNSPECIFIED,
                        (const uint8_t *)words, sizeof(words));
    got = tm_run("xp /4xw 0x80000000", NULL);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
}
END_TEST

/* `help CMD`: the "CMD ARGS" part is QEMU's; the description is ours. */
START_TEST(test_help_syntax)
{
    static const Capture help[] = {
        { "help-gpa2hva.txt", "help gpa2hva" },
        { "help-info-mtree.txt", "help info mtree" },
        { "help-info-mtree-line.txt", "help info mtree" },
        { "help-memsave.txt", "help memsave" },
        { "help-pmemsave.txt", "help pmemsave" },
        { "help-x.txt", "help x" },
        { "help-xp.txt", "help xp" },
    };
    for (size_t i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
        char *want = qemu_capture(help[i].file);
        char *got = tm_run(help[i].line, NULL);
        char *wsep = strstr(want, " -- ");
        char *gsep = strstr(got, " -- ");
        ck_assert_ptr_nonnull(wsep);
        ck_assert_ptr_nonnull(gsep);
        ck_assert_int_eq(gsep - got, wsep - want);
        ck_assert_msg(strncmp(got, want, (size_t)(wsep - want)) == 0,
                      "%s: %s", help[i].file, got);
        /* One line, with a description of our own after " -- ". */
        ck_assert_ptr_eq(strchr(got, '\n'), got + strlen(got) - 1);
        ck_assert_uint_gt(strlen(gsep), 10);
        free(got);
        free(want);
    }
}
END_TEST

/* The session's x/xp sequence on one monitor: formats carry over. */
START_TEST(test_session_sequence)
{
    char *session = qemu_capture("session.txt");
    const char *p = strstr(session, "(qemu) xp 0\n");
    int checked = 0;

    ck_assert_ptr_nonnull(p);
    /* Replay every "(qemu) x..." command up to the first firmware dump and
     * compare its output with what QEMU printed after it. */
    while ((p = strstr(p, "(qemu) ")) != NULL) {
        const char *cmd = p + 7;
        const char *eol = strchr(cmd, '\n');
        const char *next = strstr(eol, "(qemu) ");
        char line[128], *want, *got;

        if (!next || strncmp(cmd, "x /4i 0x1000", 12) == 0) {
            break;
        }
        snprintf(line, sizeof(line), "%.*s", (int)(eol - cmd), cmd);
        if (line[0] == 'x' && strncmp(line, "xp /3xw 0x1002", 14) != 0) {
            want = strndup(eol + 1, (size_t)(next - eol - 1));
            got = tm_run(line, NULL);
            ck_assert_msg(strcmp(got, want) == 0, "`%s`\nwant:\n%s\ngot:\n%s",
                          line, want, got);
            free(got);
            free(want);
            checked++;
        }
        p = next;
    }
    ck_assert_int_ge(checked, 20);
    free(session);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("monitor-capture");
    TCase *tc = tcase_create("qemu-7.2");

    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_loop_test(tc, test_capture, 0,
                        (int)(sizeof(plain) / sizeof(plain[0])));
    tcase_add_test(tc, test_info_ramblock);
    tcase_add_test(tc, test_pmemsave_ok_writes_file);
    tcase_add_test(tc, test_rom_dumps);
    tcase_add_test(tc, test_ram_dump);
    tcase_add_test(tc, test_help_syntax);
    tcase_add_test(tc, test_session_sequence);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
