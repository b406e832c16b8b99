/*
 * tests/unit/test_board_limits.c — boards the format allows but that
 * used to crash the loader or make it explode (memcored-board(5),
 * "Limits"): each is refused with a message at the JSON path of the
 * region that crosses a limit, or loaded, and either way the work is
 * bounded by the limits, not by luck.
 *
 * The boards are generated here: a 100,000-alias chain is megabytes of
 * JSON, and its shape is what matters.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "../../server/board.h"
#include "check_run.h"
#include "test_board_fixture.h"

/* ---- board text ------------------------------------------------------------ */

typedef struct Text {
    char *buf;
    size_t len;
    FILE *f;
} Text;

static void text_open(Text *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    ck_assert_ptr_nonnull(t->f);
}

static char *text_close(Text *t)
{
    ck_assert_int_eq(fclose(t->f), 0);
    return t->buf;
}

/* An alias chain a0 -> a1 -> ... -> a(n-1) -> "ram": a0 is mapped at 0 in
 * "sys" (regions[0].subregions[0]); a1... are regions[1]...; with @loop
 * the last alias points back at a0 instead of the RAM. */
static char *alias_chain(size_t n, bool loop)
{
    Text t;

    text_open(&t);
    fprintf(t.f, "{\"address-spaces\": [{\"name\": \"memory\", \"root\": "
            "\"sys\"}], \"regions\": [{\"name\": \"sys\", \"type\": "
            "\"container\", \"size\": \"16E\", \"subregions\": [");
    for (size_t i = 0; i < n; i++) {
        if (i == 1) {
            fprintf(t.f, "]}");
        }
        fprintf(t.f, "%s{%s\"name\": \"a%zu\", \"type\": \"alias\", "
                "\"size\": \"4K\", \"target\": ", i ? ", " : "",
                i ? "" : "\"addr\": 0, ", i);
        if (i + 1 < n) {
            fprintf(t.f, "\"a%zu\"}", i + 1);
        } else {
            fprintf(t.f, "\"%s\"}", loop ? "a0" : "ram");
        }
    }
    fprintf(t.f, "%s, {\"name\": \"ram\", \"type\": \"ram\", \"size\": "
            "\"4K\", \"fill\": 90}]}", n == 1 ? "]}" : "");
    return text_close(&t);
}

/* Level i (regions[i], "l<i>") is a container holding two aliases of level
 * i+1, one over the other; the last level is RAM.  Level 0 is the root:
 * it renders to 2^@depth pieces. */
static char *alias_dag(size_t depth)
{
    Text t;

    text_open(&t);
    fprintf(t.f, "{\"address-spaces\": [{\"name\": \"memory\", \"root\": "
            "\"l0\"}], \"regions\": [");
    for (size_t i = 0; i < depth; i++) {
        char next[32];

        if (i + 1 < depth) {
            snprintf(next, sizeof(next), "l%zu", i + 1);
        } else {
            snprintf(next, sizeof(next), "ram");
        }
        fprintf(t.f, "{\"name\": \"l%zu\", \"type\": \"container\", "
                "\"size\": \"4K\", \"subregions\": ["
                "{\"addr\": 0, \"name\": \"l%zua\", \"type\": \"alias\", "
                "\"size\": \"4K\", \"target\": \"%s\"}, "
                "{\"addr\": 0, \"name\": \"l%zub\", \"type\": \"alias\", "
                "\"size\": \"4K\", \"target\": \"%s\", \"priority\": 1}]}, ",
                i, i, next, i, next);
    }
    fprintf(t.f, "{\"name\": \"ram\", \"type\": \"ram\", \"size\": \"4K\"}]}");
    return text_close(&t);
}

/* Containers nested @n deep, the innermost holding a RAM region. */
static char *nested_containers(size_t n)
{
    Text t;

    text_open(&t);
    fprintf(t.f, "{\"address-spaces\": [{\"name\": \"memory\", \"root\": "
            "\"c0\"}], \"regions\": [");
    for (size_t i = 0; i < n; i++) {
        fprintf(t.f, "{%s\"name\": \"c%zu\", \"type\": \"container\", "
                "\"size\": \"4K\", \"subregions\": [", i ? "\"addr\": 0, " : "",
                i);
    }
    fprintf(t.f, "{\"addr\": 0, \"name\": \"ram\", \"type\": \"ram\", "
            "\"size\": \"4K\"}");
    for (size_t i = 0; i < n; i++) {
        fprintf(t.f, "]}");
    }
    fprintf(t.f, "]}");
    return text_close(&t);
}

/* ".subregions[0]" @n times after "regions[0]". */
static char *nested_path(size_t n)
{
    Text t;

    text_open(&t);
    fprintf(t.f, "regions[0]");
    for (size_t i = 0; i < n; i++) {
        fprintf(t.f, ".subregions[0]");
    }
    return text_close(&t);
}

/* Parse @json; the board must be refused with exactly @count messages, the
 * first of which is @first. */
static void expect_refused(const char *json, size_t count, const char *first)
{
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    for (size_t i = 0; i < d.count && i < 4; i++) {
        fprintf(stderr, "message: %.300s\n", d.msgs[i]);
    }
    ck_assert_ptr_null(b);
    ck_assert(!d.oom);
    ck_assert_uint_eq(d.count, count);
    ck_assert_str_eq(d.msgs[0], first);
    diag_free(&d);
}

static Board *parse_ok(const char *json)
{
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    for (size_t i = 0; i < d.count && i < 4; i++) {
        fprintf(stderr, "board problem: %.300s\n", d.msgs[i]);
    }
    ck_assert_ptr_nonnull(b);
    diag_free(&d);
    return b;
}

#define ALIAS_MSG(path) path ": aliases nest 65 deep from this alias (it " \
    "and its target's): more than the limit of 64 aliases inside each " \
    "other that memcore renders"

/* ---- alias nesting --------------------------------------------------------- */

/* memcore renders 64 aliases inside each other: the deepest chain the
 * loader accepts builds, and reads through all of it reach the RAM. */
START_TEST(chain_of_64_aliases_builds)
{
    char *json = alias_chain(BOARD_MAX_ALIAS_NESTING, false);
    Board *b;
    uint8_t byte = 0;

    for (char *c = json; *c; c++) {
        if (*c == '"') {
            *c = '\'';  /* build_board() takes ' for " */
        }
    }
    b = build_board(json);
    ck_assert_int_eq(address_space_read(as_of(b, "memory"), 0x10, ATTRS,
                                        &byte, 1), MEMTX_OK);
    ck_assert_uint_eq(byte, 90);
    board_destroy(b);
    free(json);
}
END_TEST

/* One more alias used to abort in memcore's render (a misuse report). */
START_TEST(chain_of_65_aliases_is_refused)
{
    char *json = alias_chain(BOARD_MAX_ALIAS_NESTING + 1, false);

    expect_refused(json, 1, ALIAS_MSG("regions[0].subregions[0]"));
    free(json);
}
END_TEST

/* 100,000 aliases: names used to resolve in O(n^2) (55 s) and the cycle
 * search recursed once per alias.  Both limits are crossed, once each,
 * at the alias 65 (and 256 regions) from the end of the chain. */
START_TEST(chain_of_100000_aliases_is_refused)
{
    char *json = alias_chain(100000, false);
    Diag d;

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string(json, NULL, NULL, &d));
    ck_assert_uint_eq(d.count, 2);
    ck_assert_str_eq(d.msgs[0], "regions[99744]: regions nest 257 deep "
                     "from here (containers and alias targets): more than "
                     "the limit of 256");
    ck_assert_str_eq(d.msgs[1], ALIAS_MSG("regions[99935]"));
    diag_free(&d);
    free(json);
}
END_TEST

/* The same chain closed into a loop: the cycle search needs no C stack
 * per alias, and the loop is one message at the first alias. */
START_TEST(loop_of_100000_aliases_is_one_cycle)
{
    char *json = alias_chain(100000, true);
    Diag d;
    const char *prefix = "regions[0].subregions[0].target: alias cycle: "
                         "a0 -> a1 -> a2 -> ";

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string(json, NULL, NULL, &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_int_eq(strncmp(d.msgs[0], prefix, strlen(prefix)), 0);
    ck_assert_ptr_nonnull(strstr(d.msgs[0], " -> a99999 -> a0"));
    diag_free(&d);
    free(json);
}
END_TEST

/* ---- container nesting ---------------------------------------------------- */

START_TEST(nesting_of_256_levels_loads)
{
    /* 255 containers and the RAM inside the innermost */
    char *json = nested_containers(BOARD_MAX_LEVELS - 1);

    board_destroy(parse_ok(json));
    free(json);
}
END_TEST

START_TEST(nesting_of_300_levels_is_refused)
{
    char *json = nested_containers(300);
    /* c<j> has 301 - j levels below and including it: 257 at j = 44 */
    char *path = nested_path(44);
    char *msg;

    ck_assert_int_ge(asprintf(&msg, "%s: regions nest 257 deep from here "
                              "(containers and alias targets): more than "
                              "the limit of 256", path), 0);
    expect_refused(json, 1, msg);
    free(msg);
    free(path);
    free(json);
}
END_TEST

/* ---- rendered size --------------------------------------------------------- */

/* 6.9 KB, depth 24: it used to take 14 s and 3.1 GB to render 2^24
 * pieces.  Level 9 is the first whose 2^15 pieces pass the limit. */
START_TEST(alias_dag_of_depth_24_is_refused)
{
    char *json = alias_dag(24);

    expect_refused(json, 1, "regions[9]: renders to more than 16384 pieces "
                   "(one for each ram, rom, romd, io, iommu or reservation "
                   "region it reaches, counted again for each alias that "
                   "shows it): more than the limit");
    free(json);
}
END_TEST

/* Far deeper: still one message, and counting stops at the limit (2^64
 * pieces would wrap a 64-bit count back below it). */
START_TEST(alias_dag_of_depth_64_is_refused)
{
    char *json = alias_dag(64);
    Diag d;

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string(json, NULL, NULL, &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_int_eq(strncmp(d.msgs[0], "regions[49]: renders to more than "
                             "16384 pieces", 44), 0);
    diag_free(&d);
    free(json);
}
END_TEST

/* 2^14 pieces is the limit itself: accepted. */
START_TEST(alias_dag_at_the_limit_loads)
{
    char *json = alias_dag(14);
    Board *b = parse_ok(json);

    ck_assert_uint_eq(b->regions[0]->pieces, BOARD_MAX_PIECES);
    board_destroy(b);
    free(json);
}
END_TEST

/* ---- many names ------------------------------------------------------------ */

/* 50,000 containers, each with its own owner and an alias to it: every
 * reference and owner is one lookup (this took minutes when each was a
 * walk of the whole list). */
START_TEST(many_names_resolve)
{
    enum { N = 50000 };
    Text t;
    Board *b;

    text_open(&t);
    fprintf(t.f, "{\"address-spaces\": [{\"name\": \"memory\", \"root\": "
            "\"c0\"}], \"regions\": [");
    for (size_t i = 0; i < N; i++) {
        fprintf(t.f, "{\"name\": \"c%zu\", \"type\": \"container\", "
                "\"size\": \"4K\", \"owner\": \"o%zu\"}, "
                "{\"name\": \"a%zu\", \"type\": \"alias\", \"size\": \"4K\", "
                "\"target\": \"c%zu\"}, ", i, i, i, i);
    }
    fprintf(t.f, "{\"name\": \"end\", \"type\": \"container\", "
            "\"size\": 1}]}");
    text_close(&t);
    b = parse_ok(t.buf);
    ck_assert_uint_eq(b->nregions, 2 * N + 1);
    ck_assert_uint_eq(b->nowners, N);
    ck_assert_ptr_eq(b->regions[2 * 123 + 1]->target, b->regions[2 * 123]);
    board_destroy(b);
    free(t.buf);
}
END_TEST

/* ---- iommu translation chains --------------------------------------------- */

/* An iommu that is the root of its own target address space, whose
 * mapping i sends page i to page i+1: a chain of @n translations, or with
 * @loop a loop back to page 0. */
static char *iommu_chain(size_t n, bool loop)
{
    Text t;

    text_open(&t);
    fprintf(t.f, "{\"address-spaces\": [{\"name\": \"dma\", \"root\": "
            "\"io\"}], \"regions\": [{\"name\": \"io\", \"type\": "
            "\"iommu\", \"size\": \"0x%zx\", \"target-as\": \"dma\", "
            "\"mappings\": [", n * 4096);
    for (size_t i = 0; i < n; i++) {
        size_t to = i + 1 == n && loop ? 0 : i + 1;

        fprintf(t.f, "%s{\"iova\": \"0x%zx\", \"translated\": \"0x%zx\", "
                "\"size\": \"4K\", \"perm\": \"rw\"}", i ? ", " : "",
                i * 4096, to * 4096);
    }
    fprintf(t.f, "]}]}");
    return text_close(&t);
}

/* memcore follows 17 translations in a row: a loop that long is found. */
START_TEST(iommu_loop_of_17_is_refused)
{
    char *json = iommu_chain(17, true);
    Diag d;

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string(json, NULL, NULL, &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_ptr_nonnull(strstr(d.msgs[0], "translations loop forever: "
                                 "io mappings[0] -> \"dma\" -> io "
                                 "mappings[1]"));
    diag_free(&d);
    free(json);
}
END_TEST

/* 100,000 mappings in a chain: the search looked each one up in a list
 * of all of them and recursed once per mapping; now it is bounded. */
START_TEST(iommu_chain_of_100000_loads)
{
    char *json = iommu_chain(100000, false);

    board_destroy(parse_ok(json));
    free(json);
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("board_limits");
    TCase *tc = tcase_create("limits"), *big;

    tcase_add_test(tc, chain_of_64_aliases_builds);
    tcase_add_test(tc, chain_of_65_aliases_is_refused);
    tcase_add_test(tc, nesting_of_256_levels_loads);
    tcase_add_test(tc, nesting_of_300_levels_is_refused);
    tcase_add_test(tc, alias_dag_of_depth_24_is_refused);
    tcase_add_test(tc, alias_dag_of_depth_64_is_refused);
    tcase_add_test(tc, alias_dag_at_the_limit_loads);
    suite_add_tcase(s, tc);

    /* Megabytes of JSON each: about a second of parsing, several under
     * the sanitizers on a busy machine.  What bounds the work is the
     * limits, not this timeout. */
    big = tcase_create("big");
    tcase_set_timeout(big, 120);
    tcase_add_test(big, chain_of_100000_aliases_is_refused);
    tcase_add_test(big, loop_of_100000_aliases_is_one_cycle);
    tcase_add_test(big, many_names_resolve);
    tcase_add_test(tc, iommu_loop_of_17_is_refused);
    tcase_add_test(big, iommu_chain_of_100000_loads);
    suite_add_tcase(s, big);
    return s;
}

int main(void)
{
    return ck_run_suite(limits_suite());
}
