/*
 * tests/unit/test_board_fixture.h — building boards in tests: JSON is
 * written with ' for " and the DeviceHost records what devices asked.
 */
#ifndef TEST_BOARD_FIXTURE_H
#define TEST_BOARD_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "../../server/board.h"

typedef struct TestHost {
    DeviceHost host;
    char uart[256];
    size_t uart_len;
    int power_offs;
    int last_status;
    int resets;
} TestHost;

static void th_uart(void *opaque, const char *uart, const uint8_t *buf,
                    size_t len)
{
    TestHost *t = opaque;

    (void)uart;
    for (size_t i = 0; i < len && t->uart_len + 1 < sizeof(t->uart); i++) {
        t->uart[t->uart_len++] = (char)buf[i];
    }
}

static void th_power_off(void *opaque, int status)
{
    TestHost *t = opaque;

    t->power_offs++;
    t->last_status = status;
}

static void th_reset(void *opaque)
{
    TestHost *t = opaque;

    t->resets++;
}

static TestHost test_host;

static inline char *unquote(const char *s)
{
    char *t = strdup(s);

    ck_assert_ptr_nonnull(t);
    for (char *p = t; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    return t;
}

/* Parse and build @json_sq (quotes written as '); fails the test on any
 * problem, printing it. */
static inline Board *build_board(const char *json_sq)
{
    char *json = unquote(json_sq);
    Diag d;
    Board *b;

    memset(&test_host, 0, sizeof(test_host));
    test_host.host = (DeviceHost) { &test_host, th_uart, th_power_off,
                                    th_reset };
    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    if (b && !board_build(b, &test_host.host, &d)) {
        board_destroy(b);
        b = NULL;
    }
    for (size_t i = 0; i < d.count; i++) {
        fprintf(stderr, "board problem: %s\n", d.msgs[i]);
    }
    ck_assert_msg(b != NULL, "the board was refused");
    diag_free(&d);
    free(json);
    return b;
}

static inline AddressSpace *as_of(Board *b, const char *name)
{
    BoardAS *as = board_find_as(b, name);

    ck_assert_msg(as != NULL, "no address space %s", name);
    return &as->as;
}

static inline MemoryRegion *mr_of(Board *b, const char *id)
{
    BoardRegion *r = NULL;

    ck_assert_int_eq(board_find_region(b, id, &r), 1);
    return &r->mr;
}

#define ATTRS MEMTXATTRS_UNSPECIFIED

#endif /* TEST_BOARD_FIXTURE_H */
