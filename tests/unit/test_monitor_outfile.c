/*
 * tests/unit/test_monitor_outfile.c — where memsave and pmemsave may write
 * (monitor/outfile.c): the dump file name rule, the confined copy a
 * network front-end gets (only new files in the dump directory, refused
 * without one), the local prompt's QEMU behaviour, FIFOs that nothing
 * reads, and what --read-only refuses besides memory writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_monitor_fixture.h"
#include "check_run.h"

static const char rule[] =
    " (network clients name a new file in the dump directory with letters, "
    "digits, '.', '_' and '-', not starting with '.' or '-')\n";

/* The whole file at @path (malloc'ed, NUL-terminated), its size in *@len. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* tm_tmpdir()/@name into @buf. */
static const char *tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tm_tmpdir(), name);
    return buf;
}

/* The dump directory tm_tmpdir()/dumps, made once per test. */
static const char *dump_dir(void)
{
    static char dir[300];

    tmp_path(dir, sizeof(dir), "dumps");
    if (access(dir, F_OK) != 0) {
        ck_assert_int_eq(mkdir(dir, 0700), 0);
    }
    return dir;
}

/* Lines with "%s" in @fmt get @file, and the expected text is compared. */
static void expect_fmt(const char *line_fmt, const char *file,
                       const char *want, int bits)
{
    char line[600];

    snprintf(line, sizeof(line), line_fmt, file);
    tm_expect(line, want, bits);
}

/* ---- the name rule -------------------------------------------------------- */

START_TEST(test_dump_name_rule)
{
    static const char *const good[] = {
        "x.bin", "ram", "RAM-0x80000000_16.bin", "a..b", "a.", "x-", "0",
        "_x",
    };
    static const struct {
        const char *name;
        const char *why;
    } bad[] = {
        { "", "an empty file name" },
        { "/tmp/x", "a path, not a file name" },
        { "a/b", "a path, not a file name" },
        { "x/", "a path, not a file name" },
        { "../x", "a path, not a file name" },
        { "..", "a file name starting with '.'" },
        { ".", "a file name starting with '.'" },
        { ".hidden", "a file name starting with '.'" },
        { "-rf", "a file name starting with '-'" },
        { "a b", "a character that is not allowed" },
        { "a\nb", "a character that is not allowed" },
        { "a\\b", "a character that is not allowed" },
        { "~x", "a character that is not allowed" },
        { "x*", "a character that is not allowed" },
        { "caf\xc3\xa9", "a character that is not allowed" },
    };
    char longname[300];

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(monitor_dump_name_problem(good[i]) == NULL, "%s: %s",
                      good[i], monitor_dump_name_problem(good[i]));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = monitor_dump_name_problem(bad[i].name);

        ck_assert_msg(why != NULL, "'%s' was accepted", bad[i].name);
        ck_assert_str_eq(why, bad[i].why);
    }
    memset(longname, 'a', 255);
    longname[255] = '\0';
    ck_assert_ptr_null(monitor_dump_name_problem(longname));
    longname[255] = 'a';
    longname[256] = '\0';
    ck_assert_str_eq(monitor_dump_name_problem(longname),
                     "a file name longer than 255 bytes");
}
END_TEST

/* ---- confined: no dump directory ------------------------------------------- */

START_TEST(test_confined_without_dump_dir)
{
    char path[300];

    tm.mm.confine_files = true;
    tmp_path(path, sizeof(path), "x.bin");
    expect_fmt("pmemsave 0x80000000 16 \"%s\"", path,
               "Error: pmemsave is refused for network clients: start "
               "memcored with --dump-dir DIR to let them write files into "
               "DIR\n",
               MONITOR_FAILED);
    tm_expect("memsave 0x1000 16 x.bin",
              "Error: memsave is refused for network clients: start "
              "memcored with --dump-dir DIR to let them write files into "
              "DIR\n",
              MONITOR_FAILED);
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_ne(access("x.bin", F_OK), 0);
    /* Bad arguments are still bad arguments. */
    tm_expect("pmemsave 0x80000000",
              "unexpected end of expression\n"
              "Try \"help pmemsave\" for more information\n",
              MONITOR_FAILED);
}
END_TEST

/* ---- confined: the dump directory ------------------------------------------ */

START_TEST(test_confined_writes_new_file)
{
    char path[300];
    size_t len;
    char *data;

    tm.mm.confine_files = true;
    tm.mm.dump_dir = dump_dir();
    tm_expect("stq_le 0x80000000 0x0807060504030201", "", 0);
    tm_expect("stq_le 0x80000008 0x100f0e0d0c0b0a09", "", 0);
    tm_expect("pmemsave 0x80000000 16 \"x.bin\"", "", 0);
    snprintf(path, sizeof(path), "%s/x.bin", dump_dir());
    data = slurp(path, &len);
    ck_assert_uint_eq(len, 16);
    ck_assert_mem_eq(data, "\x01\x02\x03\x04\x05\x06\x07\x08"
                           "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16);
    free(data);

    /* memsave too, a bare word as the name. */
    tm_expect("memsave 0x80000004 4 v.bin", "", 0);
    snprintf(path, sizeof(path), "%s/v.bin", dump_dir());
    data = slurp(path, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(data, "\x05\x06\x07\x08", 4);
    free(data);

    /* Never over an existing file: it keeps its bytes. */
    tm_expect("pmemsave 0x80000008 8 \"x.bin\"",
              "Error: Could not open 'x.bin': File exists (network clients "
              "never replace a file in the dump directory)\n",
              MONITOR_FAILED);
    snprintf(path, sizeof(path), "%s/x.bin", dump_dir());
    data = slurp(path, &len);
    ck_assert_uint_eq(len, 16);
    ck_assert_int_eq(data[0], 1);
    free(data);
}
END_TEST

START_TEST(test_confined_refuses_paths)
{
    static const char *const names[] = { "../escaped", "/tmp/escaped",
                                         "sub/escaped", ".escaped", "" };
    static const char *const whys[] = {
        "a path, not a file name", "a path, not a file name",
        "a path, not a file name", "a file name starting with '.'",
        "an empty file name",
    };
    char path[300], want[600], line[300];

    tm.mm.confine_files = true;
    tm.mm.dump_dir = dump_dir();
    snprintf(path, sizeof(path), "%s/sub", dump_dir());
    ck_assert_int_eq(mkdir(path, 0700), 0);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(line, sizeof(line), "pmemsave 0x80000000 16 \"%s\"",
                 names[i]);
        snprintf(want, sizeof(want), "Error: Could not open '%s': %s%s",
                 names[i], whys[i], rule);
        tm_expect(line, want, MONITOR_FAILED);
    }
    /* Nothing appeared next to, inside or below the dump directory. */
    ck_assert_int_ne(access(tmp_path(path, sizeof(path), "escaped"), F_OK),
                     0);
    ck_assert_int_ne(access("/tmp/escaped", F_OK), 0);
    snprintf(path, sizeof(path), "%s/sub/escaped", dump_dir());
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof(path), "%s/.escaped", dump_dir());
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* A symlink planted in the dump directory is never written through,
 * whether its target exists or not; nor is a FIFO opened (no hang). */
START_TEST(test_confined_symlink_and_fifo)
{
    char target[300], dangling[300], link[300];
    size_t len;
    char *data;

    tm.mm.confine_files = true;
    tm.mm.dump_dir = dump_dir();
    tmp_path(target, sizeof(target), "victim");
    put_file(target, "precious\n");
    snprintf(link, sizeof(link), "%s/link", dump_dir());
    ck_assert_int_eq(symlink(target, link), 0);
    tm_expect("pmemsave 0x80000000 16 \"link\"",
              "Error: Could not open 'link': File exists (network clients "
              "never replace a file in the dump directory)\n",
              MONITOR_FAILED);
    data = slurp(target, &len);
    ck_assert_str_eq(data, "precious\n");
    free(data);

    tmp_path(dangling, sizeof(dangling), "created-through-link");
    snprintf(link, sizeof(link), "%s/dangling", dump_dir());
    ck_assert_int_eq(symlink(dangling, link), 0);
    tm_expect("pmemsave 0x80000000 16 \"dangling\"",
              "Error: Could not open 'dangling': File exists (network "
              "clients never replace a file in the dump directory)\n",
              MONITOR_FAILED);
    ck_assert_int_ne(access(dangling, F_OK), 0);

    snprintf(link, sizeof(link), "%s/fifo", dump_dir());
    ck_assert_int_eq(mkfifo(link, 0600), 0);
    tm_expect("pmemsave 0x80000000 16 \"fifo\"",
              "Error: Could not open 'fifo': File exists (network clients "
              "never replace a file in the dump directory)\n",
              MONITOR_FAILED);
}
END_TEST

/* The directory vanished after start: a clear error, not a crash. */
START_TEST(test_confined_dump_dir_gone)
{
    char gone[300], want[600];

    tm.mm.confine_files = true;
    tm.mm.dump_dir = tmp_path(gone, sizeof(gone), "gone");
    snprintf(want, sizeof(want), "Error: Could not open the dump directory "
             "'%s': No such file or directory\n", gone);
    tm_expect("pmemsave 0x80000000 16 x.bin", want, MONITOR_FAILED);
    ck_assert_int_ne(access(gone, F_OK), 0);
}
END_TEST

/* ---- the local prompt: QEMU's behaviour ------------------------------------- */

START_TEST(test_local_overwrites_any_path)
{
    char path[300];
    size_t len;
    char *data;

    tmp_path(path, sizeof(path), "local.bin");
    put_file(path, "a much longer file than four bytes\n");
    tm_expect("stl_le 0x80000000 0x64636261", "", 0);
    expect_fmt("pmemsave 0x80000000 4 \"%s\"", path, "", 0);
    data = slurp(path, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(data, "abcd", 4);
    free(data);
    /* The dump directory does not matter to the prompt. */
    tm.mm.dump_dir = dump_dir();
    expect_fmt("memsave 0x80000000 2 \"%s\"", path, "", 0);
    data = slurp(path, &len);
    ck_assert_uint_eq(len, 2);
    free(data);
    /* Devices stay writable, as in QEMU. */
    tm_expect("pmemsave 0x80000000 16 \"/dev/null\"", "", 0);
}
END_TEST

/* A FIFO that nothing reads fails at once instead of blocking the session
 * in open(); one that is read gets every byte. */
START_TEST(test_local_fifo)
{
    char fifo[300], want[600];
    char buf[16];
    int rfd;

    tmp_path(fifo, sizeof(fifo), "fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    snprintf(want, sizeof(want),
             "Error: Could not open '%s': No such device or address (a FIFO "
             "that no process reads)\n",
             fifo);
    expect_fmt("pmemsave 0x80000000 16 \"%s\"", fifo, want, MONITOR_FAILED);

    rfd = open(fifo, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(rfd, 0);
    tm_expect("stl_le 0x80000000 0x64636261", "", 0);
    expect_fmt("pmemsave 0x80000000 4 \"%s\"", fifo, "", 0);
    ck_assert_int_eq(read(rfd, buf, sizeof(buf)), 4);
    ck_assert_mem_eq(buf, "abcd", 4);
    close(rfd);
}
END_TEST

/* ---- --read-only ----------------------------------------------------------------- */

static int resets;

static void count_reset(void *opaque)
{
    (void)opaque;
    resets++;
}

START_TEST(test_read_only_refuses_reset_and_files)
{
    char path[300];

    tm.mm.system_reset = count_reset;
    tm_expect("system_reset", "", 0);
    ck_assert_int_eq(resets, 1);
    tm.mm.read_only = true;
    tm_expect("system_reset", "Error: memcored is read-only\n",
              MONITOR_FAILED);
    ck_assert_int_eq(resets, 1);
    {
        char *o = tm_run("help system_reset", NULL);

        ck_assert_ptr_nonnull(strstr(o, "; refused under --read-only\n"));
        free(o);
    }
    /* Read-only wins over the dump directory. */
    tm.mm.confine_files = true;
    tm.mm.dump_dir = dump_dir();
    tm_expect("pmemsave 0x80000000 16 \"ro.bin\"",
              "Error: memcored is read-only\n", MONITOR_FAILED);
    ck_assert_int_ne(access(tmp_path(path, sizeof(path), "dumps/ro.bin"),
                            F_OK), 0);
    tm_expect("system_reset extra",
              "system_reset: extraneous characters at the end of line\n"
              "Try \"help system_reset\" for more information\n",
              MONITOR_FAILED);
}
END_TEST

/* `help` tells a gdb user where the file goes. */
START_TEST(test_help_says_where)
{
    static const char *const lines[] = { "help memsave", "help pmemsave" };

    for (size_t i = 0; i < 2; i++) {
        char *o = tm_run(lines[i], NULL);

        ck_assert_msg(strstr(o, "from gdb or HTTP only a new file named with "
                                "letters, digits, '.', '_' and '-' in the "
                                "--dump-dir directory\n") != NULL,
                      "%s", o);
        free(o);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("monitor-outfile");
    TCase *tc = tcase_create("outfile");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_test(tc, test_dump_name_rule);
    tcase_add_test(tc, test_confined_without_dump_dir);
    tcase_add_test(tc, test_confined_writes_new_file);
    tcase_add_test(tc, test_confined_refuses_paths);
    tcase_add_test(tc, test_confined_symlink_and_fifo);
    tcase_add_test(tc, test_confined_dump_dir_gone);
    tcase_add_test(tc, test_local_overwrites_any_path);
    tcase_add_test(tc, test_local_fifo);
    tcase_add_test(tc, test_read_only_refuses_reset_and_files);
    tcase_add_test(tc, test_help_says_where);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
