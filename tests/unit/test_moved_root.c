/*
 * tests/unit/test_moved_root.c — moving the region an address space is
 * rendered from re-renders its view at once.
 *
 * Promise checked (memory.h): every topology change runs "inside its own
 * transaction", and "the outermost commit publishes the new views and
 * calls the listeners"; memory_region_set_address is such a change.  A
 * view places its root at the root's address (rendering adds the root's
 * own addr, SEMANTICS.md, Rendering), so after
 * memory_region_set_address(&system, 0x1000) on the root container
 * "system" the RAM it holds at 0x80000000 shows at 0x80001000 — as soon
 * as the call returns, with no other commit, and listeners hear the
 * region_del / region_add.
 *
 * Variants (one test each), all with RAM "ram" (0x10000 bytes, first word
 * 0xfeedc0de) at 0x80000000 of "system" and a MemoryListener filtered on
 * the address space:
 *
 *   root         the address space's root is "system"
 *   alias_root   the root is an alias "sysalias" of all of "system":
 *                moving "system" leaves the view alone (the alias
 *                cancels its target's addr), moving "sysalias" moves it
 *   covered_root the root is "system", whose only child is a 2^64
 *                container "board" at 0 holding the RAM (so the view is
 *                rendered from "board"); "system" moves
 *   moved_child  the root is a container "top" whose only child is
 *                "system" at 0; "system" moves inside it (a plain
 *                subregion move: a guard, it works today)
 *
 * Why it fails today: set_address on a region without a container records
 * the move but does not mark the topology pending, so the commit renders
 * nothing: the view stays stale (RAM still at 0x80000000, no listener
 * calls) until some unrelated commit.  covered_root also needs the render
 * of "board" to include the moved root's address.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

/*
 * An address space rooted at an alias shows what the alias shows: render
 * places the target so that the alias' offset lands on the alias' own
 * address, cancelling the target's addr (SEMANTICS.md, Rendering).  So
 * moving the target "system" leaves that view where it was, while moving
 * the alias itself moves it.  (QEMU >= 2.11 renders such an address space
 * from the alias' target and would follow the target; memcore shares a
 * view through an alias only where that gives the same ranges.)
 */
#define RAM_ADDR 0x80000000ULL
#define RAM_SIZE 0x10000u
#define MOVE_TO 0x1000u
#define FIRST_WORD 0xfeedc0deu

static MemoryRegion top, system_mr, sysalias, board, ram;
static AddressSpace as;

typedef struct Rec {
    MemoryListener ml;
    char log[16][96];
    unsigned n;
} Rec;

static Rec rec;

static void rec_add(Rec *r, const char *what, MemoryRegionSection *s)
{
    if (r->n < 16) {
        snprintf(r->log[r->n], sizeof(r->log[0]), "%s 0x%" PRIx64 "+0x%"
                 PRIx64 " %s@0x%" PRIx64, what, s->offset_within_address_space,
                 (uint64_t)s->size, s->mr ? memory_region_name(s->mr) : "-",
                 s->offset_within_region);
    }
    r->n++;
}

static void on_add(MemoryListener *l, MemoryRegionSection *s)
{
    rec_add((Rec *)l, "add", s);
}

static void on_del(MemoryListener *l, MemoryRegionSection *s)
{
    rec_add((Rec *)l, "del", s);
}

static bool rec_has(const Rec *r, const char *entry)
{
    for (unsigned i = 0; i < r->n && i < 16; i++) {
        if (strcmp(r->log[i], entry) == 0) {
            return true;
        }
    }
    return false;
}

static char *rec_join(const Rec *r, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < r->n && i < 16 && used < len; i++) {
        used += snprintf(buf + used, len - used, "%s%s", i ? "; " : "",
                         r->log[i]);
    }
    return buf;
}

static void init_ram(void)
{
    uint32_t *host;

    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    host = memory_region_get_ram_ptr(&ram);
    ck_assert_ptr_nonnull(host);
    host[0] = FIRST_WORD;
}

/* The address space on @as_root, and the listener filtered on it. */
static void build(MemoryRegion *as_root)
{
    rec.n = 0;
    memset(&rec.ml, 0, sizeof(rec.ml));
    rec.ml.region_add = on_add;
    rec.ml.region_del = on_del;
    address_space_init(&as, as_root, "moved");
    memory_listener_register(&rec.ml, &as);
    rec.n = 0;
}

static void teardown(void)
{
    memory_listener_unregister(&rec.ml);
    address_space_destroy(&as);
    memcore_rcu_barrier();
}

static void setup_root(void)
{
    init_ram();
    memory_region_init(&system_mr, NULL, "system", UINT64_MAX);
    memory_region_add_subregion(&system_mr, RAM_ADDR, &ram);
    build(&system_mr);
}

static void setup_alias_root(void)
{
    init_ram();
    memory_region_init(&system_mr, NULL, "system", UINT64_MAX);
    memory_region_add_subregion(&system_mr, RAM_ADDR, &ram);
    memory_region_init_alias(&sysalias, NULL, "sysalias", &system_mr, 0,
                             UINT64_MAX);
    build(&sysalias);
}

static void setup_covered_root(void)
{
    init_ram();
    memory_region_init(&system_mr, NULL, "system", UINT64_MAX);
    memory_region_init(&board, NULL, "board", UINT64_MAX);
    memory_region_add_subregion(&board, RAM_ADDR, &ram);
    memory_region_add_subregion(&system_mr, 0, &board);
    build(&system_mr);
}

static void setup_moved_child(void)
{
    memory_region_init(&top, NULL, "top", UINT64_MAX);
    init_ram();
    memory_region_init(&system_mr, NULL, "system", UINT64_MAX);
    memory_region_add_subregion(&system_mr, RAM_ADDR, &ram);
    memory_region_add_subregion(&top, 0, &system_mr);
    build(&top);
}

/* The RAM is at @ram_at (and nothing is at the other address). */
static void check_ram_at(hwaddr ram_at, hwaddr empty_at, const char *when)
{
    MemTxResult res = 0xdead;
    uint32_t v = address_space_ldl_le(&as, ram_at, MEMTXATTRS_UNSPECIFIED,
                                      &res);

    ck_assert_msg(res == MEMTX_OK && v == FIRST_WORD, "%s: ldl_le(0x%" PRIx64
                  ") gave 0x%08x result %u, expected the RAM's first word "
                  "0x%08x", when, ram_at, v, res, FIRST_WORD);
    res = 0xdead;
    v = address_space_ldl_le(&as, empty_at, MEMTXATTRS_UNSPECIFIED, &res);
    ck_assert_msg(res == MEMTX_DECODE_ERROR && v == 0, "%s: ldl_le(0x%" PRIx64
                  ") gave 0x%08x result %u, expected 0 with "
                  "MEMTX_DECODE_ERROR", when, empty_at, v, res);
}

/* Move "system" and check the view and the listener right away. */
static void move_and_check(bool follows)
{
    char del[96], add[96], log[1024];

    check_ram_at(RAM_ADDR, RAM_ADDR + RAM_SIZE, "before the move");
    ck_assert_uint_eq(rec.n, 0);

    memory_region_set_address(&system_mr, MOVE_TO);

    if (!follows) {
        check_ram_at(RAM_ADDR, RAM_ADDR + RAM_SIZE, "after the move");
        return;
    }
    check_ram_at(RAM_ADDR + MOVE_TO, RAM_ADDR, "right after the move");
    snprintf(del, sizeof(del), "del 0x%llx+0x%x ram@0x0", RAM_ADDR, RAM_SIZE);
    snprintf(add, sizeof(add), "add 0x%llx+0x%x ram@0x0", RAM_ADDR + MOVE_TO,
             RAM_SIZE);
    ck_assert_msg(rec_has(&rec, del) && rec_has(&rec, add),
                  "listener calls after the move: [%s], expected \"%s\" and "
                  "\"%s\"", rec_join(&rec, log, sizeof(log)), del, add);
}

START_TEST(moved_root_rerenders)
{
    move_and_check(true);
}
END_TEST

START_TEST(moved_alias_target_rerenders)
{
    move_and_check(false);
    /* The view stays shareable with nobody: now move the alias itself. */
    memory_region_set_address(&sysalias, MOVE_TO);
    check_ram_at(RAM_ADDR + MOVE_TO, RAM_ADDR, "after moving the alias");
}
END_TEST

START_TEST(moved_root_with_covering_child_rerenders)
{
    move_and_check(true);
}
END_TEST

START_TEST(moved_only_child_rerenders)
{
    move_and_check(true);
}
END_TEST

static void add_case(Suite *s, const char *name, void (*su)(void),
                     const TTest *test)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, su, teardown);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

int main(void)
{
    Suite *s = suite_create("moved_root");

    add_case(s, "root", setup_root, moved_root_rerenders);
    add_case(s, "alias_root", setup_alias_root, moved_alias_target_rerenders);
    add_case(s, "covered_root", setup_covered_root,
             moved_root_with_covering_child_rerenders);
    add_case(s, "moved_child", setup_moved_child, moved_only_child_rerenders);
    return ck_run_suite(s);
}
