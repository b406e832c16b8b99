/*
 * tests/unit/test_render.c — the object model and FlatView rendering:
 * conformance cases 1–27 (A) of memcore/SEMANTICS.md, the listener
 * sequences cases 23–25 name, the misuse errors of case 27 (abort by
 * default, no effect with a misuse handler), and the rendering rules and
 * worked examples of SEMANTICS.md, Rendering that the numbered cases leave
 * out (local priority, alias clipping, negative alias bases, inherited
 * readonly, zero sizes, 2^64 sizes, alias cycles).
 *
 * Every test starts from the conformance-case fixture: `root` (container
 * 2^64) and the address space `as` on it (fixtures.h).  FlatViews are
 * compared as strings in the fixture notation, e.g. "[1000-2fff] R@0".
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "fixtures.h"
#include "check_run.h"

static const MemTxAttrs attrs = { .unspecified = 1 };

/* Devices have static storage (FxPatternDev is large); fx_pattern_init
 * clears them for every test. */
static FxPatternDev X, Y, H, L, M, C, D, E, B, F, S, DEV;
static FxListener lis;

/* Line of mtree output (any indentation) "START-END (prio P, KIND): NAME". */
static bool mtree_has(unsigned flags, const char *needle)
{
    char *text = fx_mtree(flags);
    bool found = strstr(text, needle) != NULL;

    if (!found) {
        fprintf(stderr, "mtree (flags %#x) lacks \"%s\":\n%s", flags, needle,
                text);
    }
    free(text);
    return found;
}

/* ---- cases 1-8 ------------------------------------------------------------ */

/* Case 1: empty root: FV empty; a read fails with zeros. */
START_TEST(t01_empty_root)
{
    uint8_t buf[4] = { 0xee, 0xee, 0xee, 0xee };
    static const uint8_t zeros[4];

    fx_assert_fv(fx_as, "");
    ck_assert_uint_eq(address_space_read(fx_as, 0, attrs, buf, 4),
                      MEMTX_DECODE_ERROR);
    ck_assert_mem_eq(buf, zeros, 4);
}
END_TEST

/* Case 2: one RAM region. */
START_TEST(t02_ram_at_0x1000)
{
    static MemoryRegion R;

    fx_ram(&R, "R", 0x2000);
    memory_region_add_subregion(fx_root, 0x1000, &R);
    fx_assert_fv(fx_as, "[1000-2fff] R@0");
}
END_TEST

/* The state of case 3: X at 0, then Y at 0x1000, equal priority. */
static void build_case3(void)
{
    memory_region_add_subregion(fx_root, 0, fx_io(&X, "X", 0x2000));
    memory_region_add_subregion(fx_root, 0x1000, fx_io(&Y, "Y", 0x2000));
}

/* Case 3 (Example B): equal priority, the newest sibling wins (kept
 * quirk). */
START_TEST(t03_equal_priority_newest_wins)
{
    build_case3();
    fx_assert_fv(fx_as, "[0-fff] X@0, [1000-2fff] Y@0");
}
END_TEST

/* Case 4: re-adding X makes it the newest. */
START_TEST(t04_readd_makes_newest)
{
    build_case3();
    memory_region_del_subregion(fx_root, &X.mr);
    memory_region_add_subregion(fx_root, 0, &X.mr);
    fx_assert_fv(fx_as, "[0-1fff] X@0, [2000-2fff] Y@1000");
}
END_TEST

/* Case 5: set_address re-inserts (kept quirk: newest equal-priority
 * sibling wins). */
START_TEST(t05_set_address_reinserts)
{
    build_case3();
    memory_region_set_address(&X.mr, 0x800);
    fx_assert_fv(fx_as, "[800-27ff] X@0, [2800-2fff] Y@1800");
}
END_TEST

/* Case 6: set_address to the current address is a no-op: no callbacks,
 * and X does not become the newest sibling. */
START_TEST(t06_set_address_same_is_noop)
{
    build_case3();
    fx_listener_register(&lis, "L", 0, fx_as, NULL);
    memory_region_set_address(&X.mr, 0);
    fx_assert_log_empty(&lis.log);
    fx_assert_fv(fx_as, "[0-fff] X@0, [1000-2fff] Y@0");
    fx_listener_unregister(&lis);
}
END_TEST

/* Case 7: priority beats age. */
START_TEST(t07_priority_beats_age)
{
    memory_region_add_subregion_overlap(fx_root, 0, fx_io(&H, "H", 0x2000), 1);
    memory_region_add_subregion_overlap(fx_root, 0x1000,
                                        fx_io(&L, "L", 0x2000), 0);
    fx_assert_fv(fx_as, "[0-1fff] H@0, [2000-2fff] L@1000");
}
END_TEST

/* Case 8: a background region at priority -1. */
START_TEST(t08_background)
{
    static MemoryRegion BG;

    fx_ram(&BG, "BG", 0x10000);
    memory_region_add_subregion_overlap(fx_root, 0, &BG, -1);
    memory_region_add_subregion(fx_root, 0x4000, fx_io(&M, "M", 0x100));
    fx_assert_fv(fx_as, "[0-3fff] BG@0, [4000-40ff] M@0, [4100-ffff] BG@4100");
}
END_TEST

/* ---- cases 9-14: containers, terminating parents, clipping, enable ---- */

/*
 * Example A (SEMANTICS.md, Rendering, Worked examples): container A
 * (0x8000) at 0; B at 0x2000 prio 2 with D at 0 and E at 0x2000; C (I/O
 * 0x6000) at 0 prio 1.  @b_is_io makes B an I/O region instead of a
 * container.
 */
static void build_example_a(MemoryRegion *A, bool b_is_io)
{
    memory_region_init(A, NULL, "A", 0x8000);
    if (b_is_io) {
        fx_io(&B, "B", 0x4000);
    } else {
        memory_region_init(&B.mr, NULL, "B", 0x4000);
    }
    memory_region_add_subregion(&B.mr, 0, fx_io(&D, "D", 0x1000));
    memory_region_add_subregion(&B.mr, 0x2000, fx_io(&E, "E", 0x1000));
    memory_region_add_subregion_overlap(A, 0x2000, &B.mr, 2);
    memory_region_add_subregion_overlap(A, 0, fx_io(&C, "C", 0x6000), 1);
    memory_region_add_subregion(fx_root, 0, A);
}

/* Case 9: B a container: its holes show C (containers are transparent). */
START_TEST(t09_docs_example_container)
{
    static MemoryRegion A;

    build_example_a(&A, false);
    fx_assert_fv(fx_as, "[0-1fff] C@0, [2000-2fff] D@0, [3000-3fff] C@3000, "
                        "[4000-4fff] E@0, [5000-5fff] C@5000");
}
END_TEST

/* Case 10: B an I/O region: it fills its own holes (a terminating region
 * is the background of its own children). */
START_TEST(t10_docs_example_io)
{
    static MemoryRegion A;

    build_example_a(&A, true);
    fx_assert_fv(fx_as, "[0-1fff] C@0, [2000-2fff] D@0, [3000-3fff] B@1000, "
                        "[4000-4fff] E@0, [5000-5fff] B@3000");
}
END_TEST

/* Case 11: a terminating parent never beats its own children. */
START_TEST(t11_terminating_parent_loses_to_children)
{
    static MemoryRegion big;
    static FxPatternDev sub, other;

    fx_ram(&big, "big", 0x4000);
    memory_region_add_subregion_overlap(&big, 0x1000,
                                        fx_io(&sub, "sub", 0x1000), -5);
    memory_region_add_subregion_overlap(fx_root, 0, &big, 0);
    memory_region_add_subregion_overlap(fx_root, 0,
                                        fx_io(&other, "other", 0x8000), -1);
    fx_assert_fv(fx_as, "[0-fff] big@0, [1000-1fff] sub@0, "
                        "[2000-3fff] big@2000, [4000-7fff] other@4000");
}
END_TEST

/* Case 12: a child sticking out of its container is cut (Clipping). */
START_TEST(t12_clipping)
{
    static MemoryRegion c, r;

    memory_region_init(&c, NULL, "c", 0x1000);
    fx_ram(&r, "r", 0x1000);
    memory_region_add_subregion(&c, 0x800, &r);
    memory_region_add_subregion(fx_root, 0x4000, &c);
    fx_assert_fv(fx_as, "[4800-4fff] r@0");
}
END_TEST

/* Case 13: disabling the overlay merges LO back into one range
 * (Simplification). */
START_TEST(t13_disable_merges_back)
{
    static MemoryRegion LO;
    static FxPatternDev HI;

    fx_ram(&LO, "LO", 0x10000);
    memory_region_add_subregion(fx_root, 0, &LO);
    memory_region_add_subregion_overlap(fx_root, 0x2000,
                                        fx_io(&HI, "HI", 0x1000), 1);
    fx_assert_fv(fx_as, "[0-1fff] LO@0, [2000-2fff] HI@0, [3000-ffff] LO@3000");
    memory_region_set_enabled(&HI.mr, false);
    fx_assert_fv(fx_as, "[0-ffff] LO@0");
}
END_TEST

/* Case 14: a disabled container hides its children and obscures nothing. */
START_TEST(t14_disabled_container)
{
    static MemoryRegion c, bg;
    static FxPatternDev d;

    fx_ram(&bg, "bg", 0x4000);
    memory_region_add_subregion_overlap(fx_root, 0, &bg, -1);
    memory_region_init(&c, NULL, "c", 0x1000);
    memory_region_add_subregion(&c, 0, fx_io(&d, "d", 0x1000));
    memory_region_set_enabled(&c, false);
    memory_region_add_subregion(fx_root, 0x1000, &c);
    fx_assert_fv(fx_as, "[0-3fff] bg@0");
    memory_region_set_enabled(&c, true);
    fx_assert_fv(fx_as, "[0-fff] bg@0, [1000-1fff] d@0, [2000-3fff] bg@2000");
}
END_TEST

/* ---- cases 15-22: aliases ------------------------------------------------- */

static MemoryRegion R15, A15;

/* Case 15's state: alias A of R (0x10000) at offset 0x3000, at 0x8000. */
static void build_case15(void)
{
    fx_ram(&R15, "R", 0x10000);
    memory_region_init_alias(&A15, NULL, "A", &R15, 0x3000, 0x1000);
    memory_region_add_subregion(fx_root, 0x8000, &A15);
}

/* Case 15: an alias shows its target at the alias offset. */
START_TEST(t15_alias)
{
    build_case15();
    fx_assert_fv(fx_as, "[8000-8fff] R@3000");
}
END_TEST

/* Case 16 (Example C): offsets accumulate along alias chains (Alias
 * offsets). */
START_TEST(t16_alias_of_alias)
{
    static MemoryRegion R, a1, a2;

    fx_ram(&R, "R", 0x10000);
    memory_region_init_alias(&a1, NULL, "a1", &R, 0x4000, 0x8000);
    memory_region_init_alias(&a2, NULL, "a2", &a1, 0x1000, 0x2000);
    memory_region_add_subregion(fx_root, 0x100000, &a2);
    fx_assert_fv(fx_as, "[100000-101fff] R@5000");
}
END_TEST

/* Case 17: an alias longer than its target is cut at the target's end. */
START_TEST(t17_alias_longer_than_target)
{
    static MemoryRegion ram, a;

    fx_ram(&ram, "ram", 0x1000);
    memory_region_init_alias(&a, NULL, "a", &ram, 0x800, 0x4000);
    memory_region_add_subregion(fx_root, 0x10000, &a);
    fx_assert_fv(fx_as, "[10000-107ff] ram@800");
}
END_TEST

/* Case 18: an alias of a disabled target renders nothing. */
START_TEST(t18_alias_to_disabled_target)
{
    static MemoryRegion R, a;

    fx_ram(&R, "R", 0x1000);
    memory_region_set_enabled(&R, false);
    memory_region_init_alias(&a, NULL, "a", &R, 0, 0x1000);
    memory_region_add_subregion(fx_root, 0, &a);
    fx_assert_fv(fx_as, "");
}
END_TEST

/* Case 19: two adjacent aliases with contiguous offsets merge; with
 * non-contiguous offsets they stay two ranges. */
START_TEST(t19_two_aliases_merge_when_contiguous)
{
    static MemoryRegion ram, a1, a2, b1, b2;

    fx_ram(&ram, "ram", 0x4000);
    memory_region_init_alias(&a1, NULL, "a1", &ram, 0, 0x1000);
    memory_region_init_alias(&a2, NULL, "a2", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(fx_root, 0, &a1);
    memory_region_add_subregion(fx_root, 0x1000, &a2);
    fx_assert_fv(fx_as, "[0-1fff] ram@0");

    memory_region_del_subregion(fx_root, &a1);
    memory_region_del_subregion(fx_root, &a2);
    memory_region_init_alias(&b1, NULL, "b1", &ram, 0, 0x1000);
    memory_region_init_alias(&b2, NULL, "b2", &ram, 0x2000, 0x1000);
    memory_region_add_subregion(fx_root, 0, &b1);
    memory_region_add_subregion(fx_root, 0x1000, &b2);
    fx_assert_fv(fx_as, "[0-fff] ram@0, [1000-1fff] ram@2000");
}
END_TEST

/* Case 20: a readonly alias next to a writable one stays split (Readonly
 * inheritance, Simplification). */
START_TEST(t20_readonly_alias_not_merged)
{
    static MemoryRegion ram, a1, a2;

    fx_ram(&ram, "ram", 0x4000);
    memory_region_init_alias(&a1, NULL, "a1", &ram, 0, 0x1000);
    memory_region_init_alias(&a2, NULL, "a2", &ram, 0x1000, 0x1000);
    memory_region_set_readonly(&a2, true);
    memory_region_add_subregion(fx_root, 0, &a1);
    memory_region_add_subregion(fx_root, 0x1000, &a2);
    fx_assert_fv(fx_as, "[0-fff] ram@0, [1000-1fff] ram@1000 ro");
}
END_TEST

/* Case 21: the target's own mapping does not move the alias (Alias
 * offsets). */
START_TEST(t21_target_mapped_elsewhere)
{
    static MemoryRegion ram, a;

    fx_ram(&ram, "ram", 0x4000);
    memory_region_add_subregion(fx_root, 0x5000, &ram);
    memory_region_init_alias(&a, NULL, "a", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(fx_root, 0x100000, &a);
    fx_assert_fv(fx_as, "[5000-8fff] ram@0, [100000-100fff] ram@1000");
}
END_TEST

/* Case 22 (Example D): only what the PCI hole window shows is visible. */
START_TEST(t22_pci_hole)
{
    static MemoryRegion pci, hole;
    static FxPatternDev bar, bar2;

    memory_region_init(&pci, NULL, "pci", 0x100000000ull);
    memory_region_add_subregion(&pci, 0xe1000000, fx_io(&bar, "bar", 0x1000));
    memory_region_add_subregion(&pci, 0x1000, fx_io(&bar2, "bar2", 0x1000));
    memory_region_init_alias(&hole, NULL, "pci-hole", &pci, 0xe0000000,
                             0x20000000);
    memory_region_add_subregion(fx_root, 0xe0000000, &hole);
    fx_assert_fv(fx_as, "[e1000000-e1000fff] bar@0");
    memory_region_set_address(&bar2.mr, 0xe2000000);
    fx_assert_fv(fx_as, "[e1000000-e1000fff] bar@0, [e2000000-e2000fff] bar2@0");
}
END_TEST

/* ---- cases 23-26: changes seen by listeners, sizes --------------------------- */

/* Case 23: set_size is reported as del + add. */
START_TEST(t23_set_size)
{
    static MemoryRegion R;

    fx_ram(&R, "R", 0x4000);
    memory_region_add_subregion(fx_root, 0, &R);
    fx_listener_register(&lis, "L", 0, fx_as, NULL);
    memory_region_set_size(&R, 0x1000);
    fx_assert_fv(fx_as, "[0-fff] R@0");
    fx_assert_log(&lis.log, "begin", "del 0x0-0x3fff R@0", "add 0x0-0xfff R@0",
                  "commit");
    ck_assert_uint_eq(memory_region_size(&R), 0x1000);
    fx_listener_unregister(&lis);
}
END_TEST

/* Case 24: set_alias_offset is reported as del + add. */
START_TEST(t24_set_alias_offset)
{
    build_case15();
    fx_listener_register(&lis, "L", 0, fx_as, NULL);
    memory_region_set_alias_offset(&A15, 0x4000);
    fx_assert_fv(fx_as, "[8000-8fff] R@4000");
    fx_assert_log(&lis.log, "begin", "del 0x8000-0x8fff R@3000",
                  "add 0x8000-0x8fff R@4000", "commit");
    fx_listener_unregister(&lis);
}
END_TEST

/* Case 25: leaving ROMD mode changes the FR (romd flag), so listeners see
 * del + add and no nop; mtree shows R- -> -W and romd -> i/o. */
START_TEST(t25_romd_flip)
{
    Error *err = NULL;

    fx_pattern_init(&F, "F", DEVICE_LITTLE_ENDIAN, false);
    memory_region_init_rom_device(&F.mr, NULL, &F.ops, &F, "F", 0x1000, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(fx_root, 0, &F.mr);
    ck_assert(memory_region_is_romd(&F.mr));
    ck_assert(mtree_has(MTREE_FORMAT_2016,
                        "0000000000000000-0000000000000fff (prio 0, R-): F\n"));
    ck_assert(mtree_has(0, "0000000000000000-0000000000000fff (prio 0, romd): F\n"));
    ck_assert(mtree_has(MTREE_FLATVIEW,
                        "0000000000000000-0000000000000fff (prio 0, romd): F\n"));

    fx_listener_register(&lis, "L", 0, fx_as, NULL);
    memory_region_rom_device_set_romd(&F.mr, false);
    fx_assert_log(&lis.log, "begin", "del 0x0-0xfff F@0", "add 0x0-0xfff F@0",
                  "commit");
    fx_assert_fv(fx_as, "[0-fff] F@0");
    ck_assert(!memory_region_is_romd(&F.mr));
    ck_assert(mtree_has(MTREE_FORMAT_2016,
                        "0000000000000000-0000000000000fff (prio 0, -W): F\n"));
    ck_assert(mtree_has(0, "0000000000000000-0000000000000fff (prio 0, i/o): F\n"));
    /* The FR's romd flag: the flat view's type follows it. */
    ck_assert(mtree_has(MTREE_FLATVIEW,
                        "0000000000000000-0000000000000fff (prio 0, i/o): F\n"));
    fx_listener_unregister(&lis);
}
END_TEST

/* Case 26: a region of 2^64 bytes. */
START_TEST(t26_size_2_64)
{
    fx_io(&B, "B", UINT64_MAX);
    memory_region_add_subregion(fx_root, 0, &B.mr);
    ck_assert_uint_eq(memory_region_size(&B.mr), UINT64_MAX);
    fx_assert_fv(fx_as, "[0-ffffffffffffffff] B@0");
}
END_TEST

/* ---- case 27: misuse ----------------------------------------------------------- */

static MemoryRegion R27, A27, c27;

/* Adding a subregion to an alias. */
static void misuse_add_to_alias(void)
{
    fx_ram(&R27, "R", 0x1000);
    memory_region_init_alias(&A27, NULL, "A", &R27, 0, 0x1000);
    memory_region_add_subregion(fx_root, 0, &A27);
    fx_io(&S, "S", 0x100);
    memory_region_add_subregion(&A27, 0, &S.mr);
}

START_TEST(t27_add_subregion_to_alias_aborts)
{
    misuse_add_to_alias();
}
END_TEST

START_TEST(t27_add_subregion_to_alias_handled)
{
    fx_catch_misuse();
    misuse_add_to_alias();
    ck_assert_uint_eq(fx_misuse_count, 1);
    ck_assert(!memory_region_is_mapped(&S.mr));
    fx_assert_fv(fx_as, "[0-fff] R@0");
}
END_TEST

/* Adding a region that already has a container. */
static void misuse_add_twice(void)
{
    memory_region_init(&c27, NULL, "c", 0x10000);
    memory_region_add_subregion(fx_root, 0x10000, &c27);
    memory_region_add_subregion(fx_root, 0x1000, fx_io(&S, "S", 0x100));
    memory_region_add_subregion(&c27, 0x5000, &S.mr);
}

START_TEST(t27_add_mapped_region_aborts)
{
    misuse_add_twice();
}
END_TEST

START_TEST(t27_add_mapped_region_handled)
{
    fx_catch_misuse();
    misuse_add_twice();
    ck_assert_uint_eq(fx_misuse_count, 1);
    ck_assert(memory_region_is_mapped(&S.mr));
    fx_assert_fv(fx_as, "[1000-10ff] S@0");
}
END_TEST

/* Deleting a subregion from a container that does not hold it. */
static void misuse_del_wrong_container(void)
{
    memory_region_init(&c27, NULL, "c", 0x1000);
    memory_region_add_subregion(fx_root, 0x4000, &c27);
    memory_region_add_subregion(fx_root, 0, fx_io(&S, "S", 0x100));
    memory_region_del_subregion(&c27, &S.mr);
}

START_TEST(t27_del_wrong_container_aborts)
{
    misuse_del_wrong_container();
}
END_TEST

START_TEST(t27_del_wrong_container_handled)
{
    fx_catch_misuse();
    misuse_del_wrong_container();
    ck_assert_uint_eq(fx_misuse_count, 1);
    ck_assert(memory_region_is_mapped(&S.mr));
    fx_assert_fv(fx_as, "[0-ff] S@0");
}
END_TEST

/* Deleting an eventfd that was never added. */
static EventNotifier e27;

static void misuse_del_unknown_eventfd(void)
{
    ck_assert_int_eq(event_notifier_init(&e27, 0), 0);
    memory_region_add_subregion(fx_root, 0x3000, fx_io(&DEV, "dev", 0x100));
    memory_region_del_eventfd(&DEV.mr, 0x40, 4, true, 7, &e27);
}

START_TEST(t27_del_unknown_eventfd_aborts)
{
    misuse_del_unknown_eventfd();
}
END_TEST

START_TEST(t27_del_unknown_eventfd_handled)
{
    fx_catch_misuse();
    misuse_del_unknown_eventfd();
    ck_assert_uint_eq(fx_misuse_count, 1);
    event_notifier_cleanup(&e27);
}
END_TEST

/* Exact-key eventfd deletion (memcore choice): a different data value is
 * an unknown eventfd: misuse, and the registered one stays (no
 * eventfd_del). */
START_TEST(t27_del_eventfd_wrong_data_handled)
{
    ck_assert_int_eq(event_notifier_init(&e27, 0), 0);
    memory_region_add_subregion(fx_root, 0x3000, fx_io(&DEV, "dev", 0x100));
    memory_region_add_eventfd(&DEV.mr, 0x40, 4, true, 7, &e27);
    fx_listener_register(&lis, "L", 0, fx_as, NULL);
    fx_catch_misuse();
    memory_region_del_eventfd(&DEV.mr, 0x40, 4, true, 8, &e27);
    ck_assert_uint_eq(fx_misuse_count, 1);
    fx_assert_log_empty(&lis.log);
    memory_region_del_eventfd(&DEV.mr, 0x40, 4, true, 7, &e27);
    ck_assert_uint_eq(fx_misuse_count, 1);
    fx_assert_log(&lis.log, "eventfd_del 0x3040 4 1 0x7");
    fx_listener_unregister(&lis);
    event_notifier_cleanup(&e27);
}
END_TEST

/* ---- rendering rules beyond the numbered cases ------------------------------- */

/* Priority is local: a low-priority child of a high-priority
 * container beats the container's lower-priority sibling. */
START_TEST(priority_is_local)
{
    static MemoryRegion hi;
    static FxPatternDev kid, mid;

    memory_region_init(&hi, NULL, "hi", 0x2000);
    memory_region_add_subregion_overlap(&hi, 0, fx_io(&kid, "kid", 0x1000),
                                        -10);
    memory_region_add_subregion_overlap(fx_root, 0, &hi, 2);
    memory_region_add_subregion_overlap(fx_root, 0, fx_io(&mid, "mid", 0x2000),
                                        1);
    fx_assert_fv(fx_as, "[0-fff] kid@0, [1000-1fff] mid@1000");
}
END_TEST

/* Containers are transparent: an empty high-priority container hides
 * nothing. */
START_TEST(empty_container_transparent)
{
    static MemoryRegion c, r;

    fx_ram(&r, "r", 0x4000);
    memory_region_add_subregion(fx_root, 0, &r);
    memory_region_init(&c, NULL, "c", 0x2000);
    memory_region_add_subregion_overlap(fx_root, 0x1000, &c, 5);
    fx_assert_fv(fx_as, "[0-3fff] r@0");
}
END_TEST

/* The first painter wins: a terminating region with a higher-priority
 * sibling: the sibling wins over the region and over its children
 * alike. */
START_TEST(terminating_parent_beats_lower_sibling)
{
    static MemoryRegion big, low;

    fx_ram(&big, "big", 0x2000);
    fx_ram(&low, "low", 0x4000);
    memory_region_add_subregion_overlap(fx_root, 0x1000, &big, 0);
    memory_region_add_subregion_overlap(fx_root, 0, &low, -1);
    fx_assert_fv(fx_as, "[0-fff] low@0, [1000-2fff] big@0, [3000-3fff] low@3000");
}
END_TEST

/* Clipping: an alias window clips the children of its target. */
START_TEST(alias_window_clips_children)
{
    static MemoryRegion pci, win;
    static FxPatternDev dev;

    memory_region_init(&pci, NULL, "pci", 0x10000);
    memory_region_add_subregion(&pci, 0x1000, fx_io(&dev, "dev", 0x2000));
    memory_region_init_alias(&win, NULL, "win", &pci, 0x2000, 0x4000);
    memory_region_add_subregion(fx_root, 0x10000, &win);
    fx_assert_fv(fx_as, "[10000-10fff] dev@1000");
}
END_TEST

/* Clipping and alias offsets: in an alias-of-alias chain the inner alias'
 * size clips. */
START_TEST(alias_chain_clipped_by_inner_alias)
{
    static MemoryRegion R, a1, a2;

    fx_ram(&R, "R", 0x10000);
    memory_region_init_alias(&a1, NULL, "a1", &R, 0x4000, 0x1000);
    memory_region_init_alias(&a2, NULL, "a2", &a1, 0x800, 0x1000);
    memory_region_add_subregion(fx_root, 0, &a2);
    fx_assert_fv(fx_as, "[0-7ff] R@4800");
}
END_TEST

/* An alias at a low address with a large offset has a negative base;
 * it is resolved by clipping. */
START_TEST(alias_negative_base)
{
    static MemoryRegion R, a;

    fx_ram(&R, "R", 0x10000);
    memory_region_init_alias(&a, NULL, "a", &R, 0x8000, 0x1000);
    memory_region_add_subregion(fx_root, 0, &a);
    fx_assert_fv(fx_as, "[0-fff] R@8000");
}
END_TEST

/* Readonly inheritance: readonly comes from any container on the path. */
START_TEST(readonly_inherited_from_container)
{
    static MemoryRegion c, r, w;

    memory_region_init(&c, NULL, "c", 0x2000);
    memory_region_set_readonly(&c, true);
    fx_ram(&r, "r", 0x1000);
    memory_region_add_subregion(&c, 0, &r);
    memory_region_add_subregion(fx_root, 0x1000, &c);
    fx_ram(&w, "w", 0x1000);
    memory_region_add_subregion(fx_root, 0x4000, &w);
    fx_assert_fv(fx_as, "[1000-1fff] r@0 ro, [4000-4fff] w@0");
}
END_TEST

/* Clipping (case 62's FV): a region running past 2^64 is clipped. */
START_TEST(region_past_2_64_clipped)
{
    memory_region_add_subregion(fx_root, 0xfffffffffffff000ull,
                                fx_io(&X, "X", 0x2000));
    fx_assert_fv(fx_as, "[fffffffffffff000-ffffffffffffffff] X@0");
}
END_TEST

/* set_size(UINT64_MAX) means 2^64 and reads back as UINT64_MAX. */
START_TEST(set_size_2_64_reports_uint64_max)
{
    memory_region_add_subregion(fx_root, 0x1000, fx_io(&X, "X", 0x1000));
    memory_region_set_size(&X.mr, UINT64_MAX);
    ck_assert_uint_eq(memory_region_size(&X.mr), UINT64_MAX);
    fx_assert_fv(fx_as, "[1000-ffffffffffffffff] X@0");
}
END_TEST

/* Zero-sized regions render nothing and split nothing (ranges are never
 * empty). */
START_TEST(zero_size_regions_render_nothing)
{
    static MemoryRegion c0, r, a0, R, bg;
    static FxPatternDev z, z2;

    memory_region_add_subregion(fx_root, 0x1000, fx_io(&z, "z", 0));
    memory_region_init(&c0, NULL, "c0", 0);
    fx_ram(&r, "r", 0x1000);
    memory_region_add_subregion(&c0, 0, &r);
    memory_region_add_subregion(fx_root, 0x2000, &c0);
    fx_ram(&R, "R", 0x1000);
    memory_region_init_alias(&a0, NULL, "a0", &R, 0, 0);
    memory_region_add_subregion(fx_root, 0x3000, &a0);
    fx_assert_fv(fx_as, "");

    fx_ram(&bg, "bg", 0x10000);
    memory_region_add_subregion_overlap(fx_root, 0x10000, &bg, -1);
    memory_region_add_subregion_overlap(fx_root, 0x14000, fx_io(&z2, "z2", 0),
                                        1);
    fx_assert_fv(fx_as, "[10000-1ffff] bg@0");
}
END_TEST

/* A cyclic alias chain is misuse (SEMANTICS.md, Region kinds and
 * defaults; here: an alias of itself). */
static MemoryRegion cyc1, cyc2;

START_TEST(alias_cycle_aborts)
{
    memory_region_init_alias(&cyc1, NULL, "cyc", &cyc1, 0, 0x1000);
    memory_region_add_subregion(fx_root, 0, &cyc1);
    /* Render it too, in case the check happens at render time. */
    free(fx_render_fv(fx_as));
}
END_TEST

/* With a misuse handler a two-region cycle is reported (at init or at
 * render time) and renders nothing instead of looping. */
START_TEST(alias_cycle_handled)
{
    fx_catch_misuse();
    memory_region_init_alias(&cyc2, NULL, "cyc2", &cyc1, 0, 0x1000);
    memory_region_init_alias(&cyc1, NULL, "cyc1", &cyc2, 0, 0x1000);
    memory_region_add_subregion(fx_root, 0, &cyc1);
    ck_assert_uint_ge(fx_misuse_count, 1);
    fx_assert_fv(fx_as, "");
}
END_TEST

/* ---- runner ------------------------------------------------------------------- */

int main(void)
{
    Suite *s = suite_create("render");
    TCase *a = tcase_create("cases_1_26");
    TCase *err = tcase_create("case_27_misuse");
    TCase *rules = tcase_create("rules");

    tcase_add_checked_fixture(a, fx_setup, fx_teardown);
    tcase_add_test(a, t01_empty_root);
    tcase_add_test(a, t02_ram_at_0x1000);
    tcase_add_test(a, t03_equal_priority_newest_wins);
    tcase_add_test(a, t04_readd_makes_newest);
    tcase_add_test(a, t05_set_address_reinserts);
    tcase_add_test(a, t06_set_address_same_is_noop);
    tcase_add_test(a, t07_priority_beats_age);
    tcase_add_test(a, t08_background);
    tcase_add_test(a, t09_docs_example_container);
    tcase_add_test(a, t10_docs_example_io);
    tcase_add_test(a, t11_terminating_parent_loses_to_children);
    tcase_add_test(a, t12_clipping);
    tcase_add_test(a, t13_disable_merges_back);
    tcase_add_test(a, t14_disabled_container);
    tcase_add_test(a, t15_alias);
    tcase_add_test(a, t16_alias_of_alias);
    tcase_add_test(a, t17_alias_longer_than_target);
    tcase_add_test(a, t18_alias_to_disabled_target);
    tcase_add_test(a, t19_two_aliases_merge_when_contiguous);
    tcase_add_test(a, t20_readonly_alias_not_merged);
    tcase_add_test(a, t21_target_mapped_elsewhere);
    tcase_add_test(a, t22_pci_hole);
    tcase_add_test(a, t23_set_size);
    tcase_add_test(a, t24_set_alias_offset);
    tcase_add_test(a, t25_romd_flip);
    tcase_add_test(a, t26_size_2_64);
    suite_add_tcase(s, a);

    tcase_add_checked_fixture(err, fx_setup, fx_teardown);
    tcase_add_test_raise_signal(err, t27_add_subregion_to_alias_aborts, SIGABRT);
    tcase_add_test(err, t27_add_subregion_to_alias_handled);
    tcase_add_test_raise_signal(err, t27_add_mapped_region_aborts, SIGABRT);
    tcase_add_test(err, t27_add_mapped_region_handled);
    tcase_add_test_raise_signal(err, t27_del_wrong_container_aborts, SIGABRT);
    tcase_add_test(err, t27_del_wrong_container_handled);
    tcase_add_test_raise_signal(err, t27_del_unknown_eventfd_aborts, SIGABRT);
    tcase_add_test(err, t27_del_unknown_eventfd_handled);
    tcase_add_test(err, t27_del_eventfd_wrong_data_handled);
    tcase_add_test_raise_signal(err, alias_cycle_aborts, SIGABRT);
    tcase_add_test(err, alias_cycle_handled);
    suite_add_tcase(s, err);

    tcase_add_checked_fixture(rules, fx_setup, fx_teardown);
    tcase_add_test(rules, priority_is_local);
    tcase_add_test(rules, empty_container_transparent);
    tcase_add_test(rules, terminating_parent_beats_lower_sibling);
    tcase_add_test(rules, alias_window_clips_children);
    tcase_add_test(rules, alias_chain_clipped_by_inner_alias);
    tcase_add_test(rules, alias_negative_base);
    tcase_add_test(rules, readonly_inherited_from_container);
    tcase_add_test(rules, region_past_2_64_clipped);
    tcase_add_test(rules, set_size_2_64_reports_uint64_max);
    tcase_add_test(rules, zero_size_regions_render_nothing);
    suite_add_tcase(s, rules);

    return ck_run_suite(s);
}
