/*
 * tests/unit/test_board_index.c — the board loader's name index
 * (server/board_index.c): counts and the first two values per name,
 * lookups of names never added, keys kept by pointer, 100,000 names added
 * in ascending and descending order (the orders that turn an unbalanced
 * tree into a list), and a failed allocation that leaves the index as it
 * was.  board_index.c is compiled in, with malloc wrapped (-Wl,--wrap).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../server/board_index.h"
#include "check_run.h"

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

/* How many more allocations succeed; -1: all of them. */
static int allocs_left = -1;

static bool may_allocate(void)
{
    if (allocs_left < 0) {
        return true;
    }
    if (allocs_left == 0) {
        return false;
    }
    allocs_left--;
    return true;
}

void *__wrap_malloc(size_t size)
{
    return may_allocate() ? __real_malloc(size) : NULL;
}

void *__wrap_realloc(void *p, size_t size)
{
    return may_allocate() ? __real_realloc(p, size) : NULL;
}

START_TEST(empty_index_finds_nothing)
{
    NameIndex ix;

    name_index_init(&ix);
    ck_assert_ptr_null(name_index_get(&ix, "ram"));
    ck_assert_ptr_null(name_index_get(&ix, ""));
    name_index_free(&ix);
    name_index_free(&ix); /* twice is fine: free leaves it empty */
}
END_TEST

START_TEST(counts_and_first_two_values)
{
    NameIndex ix;
    int a, b, c, d;
    const NameEntry *e;
    char key[] = "uart0";

    name_index_init(&ix);
    ck_assert(name_index_add(&ix, key, &a));
    ck_assert(name_index_add(&ix, "rom", &d));
    ck_assert(name_index_add(&ix, "uart0", &b));
    ck_assert(name_index_add(&ix, "uart0", &c));
    e = name_index_get(&ix, "uart0");
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->count, 3);
    ck_assert_ptr_eq(e->first, &a);
    ck_assert_ptr_eq(e->second, &b);
    /* The key is the first one added, not a copy. */
    ck_assert_ptr_eq(e->key, key);
    e = name_index_get(&ix, "rom");
    ck_assert_uint_eq(e->count, 1);
    ck_assert_ptr_eq(e->first, &d);
    ck_assert_ptr_null(e->second);
    ck_assert_ptr_null(name_index_get(&ix, "uart"));
    ck_assert_ptr_null(name_index_get(&ix, "uart00"));
    ck_assert_uint_eq(ix.used, 2);
    name_index_free(&ix);
}
END_TEST

#define MANY 100000

/* (Check reports every assert to its parent process: a loop of 100,000
 * of them is slow, so the loops count what is wrong and assert once.) */
static void add_many(bool descending)
{
    NameIndex ix;
    char (*names)[16] = malloc(sizeof(*names) * MANY);
    size_t not_added = 0, wrong = 0;

    ck_assert_ptr_nonnull(names);
    name_index_init(&ix);
    for (size_t k = 0; k < MANY; k++) {
        size_t i = descending ? MANY - 1 - k : k;

        snprintf(names[i], sizeof(names[i]), "r%06zu", i);
        not_added += !name_index_add(&ix, names[i], names[i]);
    }
    ck_assert_uint_eq(not_added, 0);
    ck_assert_uint_eq(ix.used, MANY);
    for (size_t i = 0; i < MANY; i++) {
        char probe[16];
        const NameEntry *e;

        snprintf(probe, sizeof(probe), "r%06zu", i);
        e = name_index_get(&ix, probe);
        wrong += !e || e->first != names[i] || e->count != 1;
    }
    ck_assert_uint_eq(wrong, 0);
    ck_assert_ptr_null(name_index_get(&ix, "r100000"));
    ck_assert_ptr_null(name_index_get(&ix, "r"));
    name_index_free(&ix);
    free(names);
}

START_TEST(many_names_ascending)
{
    add_many(false);
}
END_TEST

START_TEST(many_names_descending)
{
    add_many(true);
}
END_TEST

/* Add names "n0", "n1", ... until @ix holds @n of them. */
static void fill(NameIndex *ix, char (*names)[16], size_t n)
{
    size_t not_added = 0;

    for (size_t i = ix->used; i < n; i++) {
        snprintf(names[i], sizeof(names[i]), "n%zu", i);
        not_added += !name_index_add(ix, names[i], names[i]);
    }
    ck_assert_uint_eq(not_added, 0);
}

/* @fail_at: which allocation of the add fails (0: the list of blocks,
 * 1: the block itself), when the index holds @have names. */
static void failed_add(size_t have, int fail_at)
{
    static char names[2 * NAME_INDEX_BLOCK + 1][16];
    NameIndex ix;
    int b;
    bool added_new, added_again;

    name_index_init(&ix);
    fill(&ix, names, have);
    /* (Check allocates in its asserts: fail only around the calls.) */
    allocs_left = fail_at;
    added_new = name_index_add(&ix, "new", &b);
    /* A name already there needs no memory. */
    added_again = have ? name_index_add(&ix, names[0], &b) : true;
    allocs_left = -1;
    ck_assert(!added_new);
    ck_assert(added_again);
    ck_assert_ptr_null(name_index_get(&ix, "new"));
    ck_assert_uint_eq(ix.used, have);
    if (have) {
        ck_assert_uint_eq(name_index_get(&ix, names[0])->count, 2);
    }
    /* The next try, with memory, works, and nothing was lost. */
    ck_assert(name_index_add(&ix, "new", &b));
    ck_assert_ptr_eq(name_index_get(&ix, "new")->first, &b);
    ck_assert_uint_eq(ix.used, have + 1);
    fill(&ix, names, 2 * NAME_INDEX_BLOCK + 1);
    for (size_t i = 1; i < have; i++) {
        ck_assert_ptr_eq(name_index_get(&ix, names[i])->first, names[i]);
    }
    name_index_free(&ix);
}

START_TEST(failed_allocation_leaves_the_index_unchanged)
{
    failed_add(0, 0);
    failed_add(0, 1);
    failed_add(NAME_INDEX_BLOCK, 0);
    failed_add(NAME_INDEX_BLOCK, 1);
    failed_add(2 * NAME_INDEX_BLOCK, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("board_index");
    TCase *tc = tcase_create("index");

    tcase_add_test(tc, empty_index_finds_nothing);
    tcase_add_test(tc, counts_and_first_two_values);
    tcase_add_test(tc, many_names_ascending);
    tcase_add_test(tc, many_names_descending);
    tcase_add_test(tc, failed_allocation_leaves_the_index_unchanged);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
