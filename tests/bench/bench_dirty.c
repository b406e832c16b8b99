/*
 * tests/bench/bench_dirty.c — cost of scanning the dirty bitmap of 4 GiB
 * of RAM with 1% of its pages dirty, as migration does once per pass.
 *
 * 4 GiB of RAM (mmap()ed lazily, never touched) has VGA logging on; 1% of
 * its 1,048,576 target pages, chosen at random, are marked dirty with
 * memory_region_set_dirty before every repetition (not timed).  Two scans
 * through the public API are timed:
 *
 *   get_dirty   memory_region_get_dirty on every page (read-only);
 *   walk        what a migration pass does: memory_region_get_dirty on
 *               each 64-page group, and for the dirty groups
 *               memory_region_test_and_clear_dirty page by page, which
 *               finds every dirty page and leaves the bitmap clean.
 *
 * Beside them, the floor: a plain scan of a 128 KiB buffer (the size of
 * the bitmap, one bit per page) holding the same bits, word by word.
 * Each figure is the median of REPS repetitions, taken in turns.  A scan
 * that finds a different set of pages is a bug: exit 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <memcore/memory.h>

#include "bench_util.h"

#define RAM_SIZE (4ULL << 30)
#define PAGES (RAM_SIZE / TARGET_PAGE_SIZE)
#define DIRTY_PAGES (PAGES / 100)
#define GROUP 64
#define REPS 7

static MemoryRegion root, ram;
static AddressSpace as;
static uint64_t dirty[DIRTY_PAGES]; /* page numbers, ascending */
static uint64_t bitmap[PAGES / 64];  /* the floor's buffer */
static int failures;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    return bench_xorshift(&rng_state);
}

static void check(const char *what, uint64_t expected, uint64_t actual)
{
    if (expected != actual) {
        fprintf(stderr, "bench_dirty: %s: expected %" PRIu64 ", got %" PRIu64
                "\n", what, expected, actual);
        failures++;
    }
}

/* Pick DIRTY_PAGES distinct pages, ascending; fill the floor's bitmap. */
static void choose_pages(void)
{
    uint64_t n = 0;

    while (n < DIRTY_PAGES) {
        uint64_t p = rng() % PAGES;

        if (!(bitmap[p / 64] & (1ULL << (p % 64)))) {
            bitmap[p / 64] |= 1ULL << (p % 64);
            n++;
        }
    }
    n = 0;
    for (uint64_t w = 0; w < PAGES / 64; w++) {
        for (unsigned b = 0; b < 64; b++) {
            if (bitmap[w] & (1ULL << b)) {
                dirty[n++] = w * 64 + b;
            }
        }
    }
}

/* Untimed: exactly the chosen pages dirty for VGA. */
static void redirty(void)
{
    memory_region_reset_dirty(&ram, 0, RAM_SIZE, DIRTY_MEMORY_VGA);
    for (uint64_t i = 0; i < DIRTY_PAGES; i++) {
        memory_region_set_dirty(&ram, dirty[i] * TARGET_PAGE_SIZE, 1);
    }
}

/* ---- the scans ------------------------------------------------------------ */

static uint64_t scan_get_dirty(void)
{
    uint64_t found = 0, k = 0;

    for (uint64_t p = 0; p < PAGES; p++) {
        if (memory_region_get_dirty(&ram, p * TARGET_PAGE_SIZE,
                                    TARGET_PAGE_SIZE, DIRTY_MEMORY_VGA)) {
            if (k < DIRTY_PAGES && dirty[k] != p) {
                check("get_dirty: page found", dirty[k], p);
            }
            k++;
            found++;
        }
    }
    return found;
}

static uint64_t scan_walk(void)
{
    uint64_t found = 0;

    for (uint64_t g = 0; g < PAGES; g += GROUP) {
        if (!memory_region_get_dirty(&ram, g * TARGET_PAGE_SIZE,
                                     GROUP * TARGET_PAGE_SIZE,
                                     DIRTY_MEMORY_VGA)) {
            continue;
        }
        for (uint64_t p = g; p < g + GROUP; p++) {
            found += memory_region_test_and_clear_dirty(
                &ram, p * TARGET_PAGE_SIZE, TARGET_PAGE_SIZE,
                DIRTY_MEMORY_VGA);
        }
    }
    return found;
}

/* The floor: count the set bits of a bitmap-sized buffer. */
static uint64_t scan_plain(void)
{
    const volatile uint64_t *v = bitmap; /* keep the loads */
    uint64_t found = 0;

    for (uint64_t w = 0; w < PAGES / 64; w++) {
        uint64_t x = v[w];

        while (x) {
            found++;
            x &= x - 1;
        }
    }
    return found;
}

int main(void)
{
    double t_get[REPS], t_walk[REPS], t_plain[REPS];
    Error *err = NULL;
    unsigned plain_loops = 1;

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err);
    if (err) {
        fprintf(stderr, "bench_dirty: cannot create 4 GiB of RAM: %s\n",
                error_get_pretty(err));
        return 1;
    }
    memory_region_add_subregion(&root, 0, &ram);
    address_space_init(&as, &root, "as");
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    choose_pages();

    /* Size the floor's repetition to about 10 ms: one scan is tiny. */
    for (;;) {
        double t0 = now_ns();

        for (unsigned i = 0; i < plain_loops; i++) {
            check("plain scan", DIRTY_PAGES, scan_plain());
        }
        if (now_ns() - t0 > 10e6 || plain_loops > (1u << 20)) {
            break;
        }
        plain_loops *= 2;
    }

    for (int r = 0; r < REPS; r++) {
        double t0;
        uint64_t n;

        redirty();
        t0 = now_ns();
        n = scan_get_dirty();
        t_get[r] = now_ns() - t0;
        check("get_dirty scan: dirty pages", DIRTY_PAGES, n);

        t0 = now_ns();
        n = scan_walk();
        t_walk[r] = now_ns() - t0;
        check("test_and_clear walk: dirty pages", DIRTY_PAGES, n);
        check("after the walk: still dirty", 0,
              memory_region_get_dirty(&ram, 0, RAM_SIZE, DIRTY_MEMORY_VGA));

        t0 = now_ns();
        for (unsigned i = 0; i < plain_loops; i++) {
            n = scan_plain();
        }
        t_plain[r] = (now_ns() - t0) / plain_loops;
        check("plain scan: set bits", DIRTY_PAGES, n);
    }

    double get = median(t_get, REPS), walk = median(t_walk, REPS),
           plain = median(t_plain, REPS);

    printf("dirty-bitmap scan of 4 GiB of RAM (%llu pages, %llu dirty = 1%%),"
           " median of %d\n", (unsigned long long)PAGES,
           (unsigned long long)DIRTY_PAGES, REPS);
    printf("  %-52s %9.3f ms\n",
           "migration walk (get_dirty/64 pages + test_and_clear)", walk / 1e6);
    printf("  %-52s %9.3f ms\n", "get_dirty on every page", get / 1e6);
    printf("  %-52s %9.3f ms\n",
           "floor: plain scan of a 128 KiB buffer (bitmap size)", plain / 1e6);
    printf("  ratio: walk %.0fx the floor, get_dirty %.0fx the floor\n",
           walk / plain, get / plain);

    address_space_destroy(&as);
    memcore_rcu_barrier();
    if (failures) {
        fprintf(stderr, "bench_dirty: %d wrong results\n", failures);
        return 1;
    }
    return 0;
}
