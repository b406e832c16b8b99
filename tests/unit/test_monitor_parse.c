/*
 * tests/unit/test_monitor_parse.c — the monitor's parser as a user meets
 * it: expressions in addresses and values, x/xp format strings and the
 * remembered defaults, quoted strings, options, and the exact error lines
 * (with QEMU's "Try" hints) for bad input.
 *
 * Values are observed through commands: `stq_le` stores an expression's
 * value in RAM and `ldq_le` prints it back, so a wrong parse shows as a
 * wrong number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_monitor_fixture.h"
#include "check_run.h"

/* The value an expression evaluates to, via a RAM round trip. */
static char *eval(const char *expr, int *ret)
{
    char line[512];
    char *out;
    int r;

    snprintf(line, sizeof(line), "stq_le 0x80000000 %s", expr);
    out = tm_run(line, &r);
    if (r != 0) {
        *ret = r;
        return out;
    }
    free(out);
    *ret = 0;
    return tm_run("ldq_le 0x80000000", NULL);
}

#define expect_value(expr, hex)                                              \
    do {                                                                     \
        int r_;                                                              \
        char *o_ = eval((expr), &r_);                                        \
        ck_assert_msg(r_ == 0, "%s: %s", (expr), o_);                        \
        ck_assert_str_eq(o_, "0x" hex "\n");                                 \
        free(o_);                                                            \
    } while (0)

#define expect_error(expr, msg)                                              \
    do {                                                                     \
        int r_;                                                              \
        char *o_ = eval((expr), &r_);                                        \
        ck_assert_str_eq(o_, msg "\nTry \"help stq_le\" for more information\n"); \
        ck_assert_int_eq(r_, MONITOR_FAILED);                                \
        free(o_);                                                            \
    } while (0)

START_TEST(test_expr_numbers)
{
    expect_value("0", "0000000000000000");
    expect_value("42", "000000000000002a");
    expect_value("0x10", "0000000000000010");
    expect_value("0XfF", "00000000000000ff");
    /* A leading 0 is octal, as C and QEMU read it. */
    expect_value("010", "0000000000000008");
    expect_value("0xffffffffffffffff", "ffffffffffffffff");
    expect_value("'A'", "0000000000000041");
}
END_TEST

START_TEST(test_expr_operators)
{
    expect_value("1+2", "0000000000000003");
    expect_value("1 + 2 * 3", "0000000000000007");
    expect_value("(1 + 2) * 3", "0000000000000009");
    expect_value("0x100 / 4", "0000000000000040");
    expect_value("10 % 4", "0000000000000002");
    expect_value("10 - 4 - 3", "0000000000000003");
    /* After an address, "-1" would continue it ("addr - 1", as in QEMU):
     * a negative value needs parentheses. */
    expect_value("(-1)", "ffffffffffffffff");
    expect_value("~0xff", "ffffffffffffff00");
    expect_value("(+5)", "0000000000000005");
    expect_value("0xf0 | 0x0f", "00000000000000ff");
    expect_value("0xff & 0x0f", "000000000000000f");
    expect_value("0xff ^ 0x0f", "00000000000000f0");
    /* QEMU binds & | ^ tighter than * and /. */
    expect_value("2 * 3 | 4", "000000000000000e");
    expect_value("( ( 2 ) )", "0000000000000002");
    expect_value("(-8 / 2)", "fffffffffffffffc");
    expect_value("(- -3)", "0000000000000003");
    expect_value("0x80000000 + 0x10", "0000000080000010");
}
END_TEST

START_TEST(test_expr_registers)
{
    int r;
    char *o = eval("$pc", &r);
    /* Without register values every $name is unknown, as in the capture. */
    ck_assert_str_eq(o, "unknown register\nTry \"help stq_le\" for more "
                        "information\n");
    free(o);
    tm.with_regs = true;
    expect_value("$pc", "0000000080000010");
    expect_value("$pc + 4", "0000000080000014");
    expect_value("$sp - $pc", "0000000000000ff0");
    expect_error("$nosuch", "unknown register");
}
END_TEST

START_TEST(test_expr_errors)
{
    expect_error("", "unexpected end of expression");
    expect_error("1+", "unexpected end of expression");
    expect_error("(1", "')' expected");
    expect_error("1/0", "division by zero");
    expect_error("5 % 0", "division by zero");
    expect_error("zz", "invalid char 'z' in expression");
    expect_error("0x10000000000000000", "number too large");
    expect_error("'", "character constant expected");
    expect_error("'ab'", "missing terminating ' character");
}
END_TEST

START_TEST(test_expr_deep_nesting)
{
    /* A client must not be able to overflow the stack with parentheses. */
    size_t n = 100000;
    char *line = malloc(2 * n + 32);
    char *o;
    int r;

    ck_assert_ptr_nonnull(line);
    strcpy(line, "xp ");
    memset(line + 3, '(', n);
    strcpy(line + 3 + n, "1");
    o = tm_run(line, &r);
    ck_assert_str_eq(o, "expression too deeply nested\nTry \"help xp\" for "
                        "more information\n");
    ck_assert_int_eq(r, MONITOR_FAILED);
    free(o);
    free(line);
}
END_TEST

START_TEST(test_extraneous)
{
    tm_expect("ldq_le 0x80000000 5",
              "ldq_le: extraneous characters at the end of line\n"
              "Try \"help ldq_le\" for more information\n",
              MONITOR_FAILED);
    tm_expect("gpa2hva 0 junk",
              "gpa2hva: extraneous characters at the end of line\n"
              "Try \"help gpa2hva\" for more information\n",
              MONITOR_FAILED);
    /* The address swallows "- 1": the value is then missing. */
    tm_expect("stb 0x80000001 -1", "unexpected end of expression\n"
                                   "Try \"help stb\" for more information\n",
              MONITOR_FAILED);
    /* Trailing spaces and a newline are fine. */
    tm_expect("ldub 0x80000000  \n", "0x00\n", 0);
}
END_TEST

START_TEST(test_formats_parse)
{
    tm_expect("xp /4zw 0", "invalid char in format: 'z'\n"
                           "Try \"help xp\" for more information\n",
              MONITOR_FAILED);
    tm_expect("xp /4xw1 0", "invalid char in format: '1'\n"
                            "Try \"help xp\" for more information\n",
              MONITOR_FAILED);
    /* The command name ends at '/', as QEMU reads it. */
    tm_expect("xp/2xb 0x80000000", "0000000080000000: 0x00 0x00\n", 0);
    /* Unit and format in any order; the last of each wins. */
    tm_expect("xp /2bx 0x80000000", "0000000080000000: 0x00 0x00\n", 0);
    tm_expect("xp /1hwx 0x80000000", "0000000080000000: 0x00000000\n", 0);
    /* L is QEMU's other name for g. */
    tm_expect("xp /1xL 0x80000000", "0000000080000000: 0x0000000000000000\n",
              0);
    /* A count of 0 prints nothing. */
    tm_expect("xp /0xw 0x80000000", "", 0);
}
END_TEST

START_TEST(test_formats_remembered)
{
    /* QEMU starts with x and w. */
    tm_expect("xp 0x80000000", "0000000080000000: 0x00000000\n", 0);
    /* Format and unit stick for the next dump without /fmt ... */
    tm_expect("xp /2db 0x80000000", "0000000080000000:   0   0\n", 0);
    tm_expect("xp 0x80000000", "0000000080000000:   0\n", 0);
    /* ... a new unit alone keeps the format, a format alone the unit ... */
    tm_expect("xp /h 0x80000000", "0000000080000000:     0\n", 0);
    tm_expect("xp /x 0x80000000", "0000000080000000: 0x0000\n", 0);
    /* ... the count does not stick ... */
    tm_expect("xp /3 0x80000000", "0000000080000000: 0x0000 0x0000 0x0000\n",
              0);
    /* ... and x shares the memory with xp. */
    tm_expect("x 0x80000000", "0000000080000000: 0x0000\n", 0);
    /* The format changes even when the address after it is bad. */
    tm_expect("xp /ow", "unexpected end of expression\n"
                        "Try \"help xp\" for more information\n",
              MONITOR_FAILED);
    tm_expect("xp 0x80000000", "0000000080000000:           0\n", 0);
}
END_TEST

START_TEST(test_formats_per_session)
{
    Monitor *other = monitor_new(&tm.mm);
    char *o;

    ck_assert_ptr_nonnull(other);
    tm_expect("xp /db 0x80000000", "0000000080000000:   0\n", 0);
    /* Another session still has QEMU's defaults. */
    o = tm_run_on(other, "xp 0x80000000", NULL);
    ck_assert_str_eq(o, "0000000080000000: 0x00000000\n");
    free(o);
    monitor_free(other);
}
END_TEST

START_TEST(test_quoted_strings)
{
    char path[512], line[700];
    FILE *f;

    ck_assert_int_eq(chdir(tm_tmpdir()), 0);
    /* Spaces and escapes inside quotes; the file holds what RAM holds. */
    tm_expect("stl_le 0x80000000 0x64636261", "", 0);
    tm_expect("pmemsave 0x80000000 4 \"a file \\\"q\\\".bin\"", "", 0);
    snprintf(path, sizeof(path), "%s/a file \"q\".bin", tm_tmpdir());
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fread(line, 1, sizeof(line), f), 4);
    ck_assert_int_eq(memcmp(line, "abcd", 4), 0);
    fclose(f);

    tm_expect("pmemsave 0 4 \"unterminated",
              "unterminated string\npmemsave: string expected\n"
              "Try \"help pmemsave\" for more information\n",
              MONITOR_FAILED);
    tm_expect("pmemsave 0 4 \"bad\\q\"",
              "unsupported escape code: '\\q'\npmemsave: string expected\n"
              "Try \"help pmemsave\" for more information\n",
              MONITOR_FAILED);
    tm_expect("pmemsave 0 4",
              "pmemsave: string expected\n"
              "Try \"help pmemsave\" for more information\n",
              MONITOR_FAILED);
    /* QEMU's 'i' arguments hold 32 bits. */
    tm_expect("pmemsave 0 0x100000000 x.bin",
              "'pmemsave' has failed: integer is for 32-bit values\n"
              "Try \"help pmemsave\" for more information\n",
              MONITOR_FAILED);
}
END_TEST

START_TEST(test_options)
{
    tm_expect("ldub -a memory 0x80000000", "0x00\n", 0);
    tm_expect("ldub -a \"I/O\" 0x10", "0xff\n", 0);
    tm_expect("ldub -a nosuch 0", "Error: no address space named 'nosuch'\n",
              MONITOR_FAILED);
    tm_expect("ldub -b 0", "ldub: unsupported option -b\n"
                           "Try \"help ldub\" for more information\n",
              MONITOR_FAILED);
    tm_expect("ldub -a", "ldub: string expected\n"
                         "Try \"help ldub\" for more information\n",
              MONITOR_FAILED);
    /* -1 is a number, not an option. */
    tm_expect("ldub -1", "Error: ldub at 0xffffffffffffffff: "
                         "MEMTX_DECODE_ERROR\n",
              MONITOR_FAILED);
}
END_TEST

START_TEST(test_command_names)
{
    tm_expect("", "", 0);
    tm_expect("   ", "", 0);
    tm_expect("foo", "unknown command: 'foo'\n", MONITOR_FAILED);
    /* QEMU quotes the line from its start, leading spaces too. */
    tm_expect("  foo bar", "unknown command: '  foo'\n", MONITOR_FAILED);
    tm_expect(" xp /4zw 0", "invalid char in format: 'z'\n"
                            "Try \"help  xp\" for more information\n",
              MONITOR_FAILED);
    tm_expect("info foo", "unknown command: 'info foo'\n", MONITOR_FAILED);
    /* vCPU commands on a machine without vCPU fail plainly. */
    tm_expect("info registers", "Error: this machine has no vCPU\n",
              MONITOR_FAILED);
    tm_expect("stop", "Error: this machine has no vCPU\n", MONITOR_FAILED);
    /* Prefixes are not names. */
    tm_expect("inf", "unknown command: 'inf'\n", MONITOR_FAILED);
    tm_expect("info mtree -f -z",
              "mtree: unsupported option -z\n"
              "Try \"help info mtree\" for more information\n",
              MONITOR_FAILED);
    tm_expect("info mtree -", "mtree: unsupported option -\n"
                              "Try \"help info mtree\" for more information\n",
              MONITOR_FAILED);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("monitor-parse");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_test(tc, test_expr_numbers);
    tcase_add_test(tc, test_expr_operators);
    tcase_add_test(tc, test_expr_registers);
    tcase_add_test(tc, test_expr_errors);
    tcase_add_test(tc, test_expr_deep_nesting);
    tcase_add_test(tc, test_extraneous);
    tcase_add_test(tc, test_formats_parse);
    tcase_add_test(tc, test_formats_remembered);
    tcase_add_test(tc, test_formats_per_session);
    tcase_add_test(tc, test_quoted_strings);
    tcase_add_test(tc, test_options);
    tcase_add_test(tc, test_command_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
