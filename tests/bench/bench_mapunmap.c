/*
 * tests/bench/bench_mapunmap.c — cost of address_space_map + unmap of one
 * 4 KiB RAM page, the way a DMA-capable device gets at guest memory.
 *
 * A 64 KiB RAM region holds a known pattern.  Timed, each on the page at
 * 0x1000 of it:
 *
 *   map+unmap (read)    address_space_map(4096, read) + unmap(read)
 *   map+unmap (write)   the same for writing, unmap marking 4096 bytes
 *                       dirty (VGA logging on; the page stays dirty, so
 *                       this is the check that skips redundant marking)
 *   address_space_read  copying the same 4 KiB out, the alternative a
 *                       device has to mapping
 *   memcpy              4 KiB from the host pointer: the floor
 *
 * Each figure is the median of REPS repetitions of about 40 ms each, taken
 * in turns.  A mapping at the wrong place or of the wrong length, or a
 * read returning other bytes, is a bug: exit 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <memcore/memory.h>

#include "bench_util.h"

#define RAM_BASE 0x100000ULL
#define RAM_SIZE 0x10000ULL
#define PAGE_OFF 0x1000ULL
#define LEN 4096
#define REPS 7
#define TARGET_REP_NS 40000000.0

static MemoryRegion root, ram;
static AddressSpace as;
static uint8_t *host;
static int failures;
static uint8_t sink[LEN];

static void fail(const char *what)
{
    if (failures++ < 5) {
        fprintf(stderr, "bench_mapunmap: %s\n", what);
    }
}

/* ---- the measured loops -------------------------------------------------- */

static void loop_map(long n, bool is_write)
{
    for (long i = 0; i < n; i++) {
        hwaddr plen = LEN;
        void *p = address_space_map(&as, RAM_BASE + PAGE_OFF, &plen,
                                    is_write);

        if (p != host + PAGE_OFF || plen != LEN) {
            fail("map returned another pointer or length");
        }
        address_space_unmap(&as, p, plen, is_write, LEN);
    }
}

static void loop_read(long n)
{
    for (long i = 0; i < n; i++) {
        if (address_space_read(&as, RAM_BASE + PAGE_OFF,
                               MEMTXATTRS_UNSPECIFIED, sink, LEN) !=
            MEMTX_OK) {
            fail("address_space_read failed");
        }
    }
}

static void loop_memcpy(long n)
{
    for (long i = 0; i < n; i++) {
        memcpy(sink, host + PAGE_OFF, LEN);
        __asm__ volatile("" : : "r"(sink) : "memory"); /* keep each copy */
    }
}

typedef struct Bench {
    const char *name;
    void (*run)(long n);
    long n;         /* iterations per repetition */
    double t[REPS]; /* ns per iteration */
} Bench;

static void run_map_read(long n) { loop_map(n, false); }
static void run_map_write(long n) { loop_map(n, true); }

/* Iterations that take about TARGET_REP_NS. */
static long calibrate(void (*run)(long n))
{
    long n = 64;

    for (;;) {
        double t0 = now_ns();

        run(n);
        double dt = now_ns() - t0;
        if (dt > TARGET_REP_NS / 8 || n > (1L << 30)) {
            return (long)(n * (TARGET_REP_NS / (dt > 1 ? dt : 1))) + 1;
        }
        n *= 2;
    }
}

int main(void)
{
    Bench b[] = {
        { "map+unmap 4 KiB (read)", run_map_read, 0, { 0 } },
        { "map+unmap 4 KiB (write, VGA logging on)", run_map_write, 0, { 0 } },
        { "address_space_read 4 KiB", loop_read, 0, { 0 } },
        { "memcpy 4 KiB from the host pointer (floor)", loop_memcpy, 0,
          { 0 } },
    };
    const int nb = sizeof(b) / sizeof(b[0]);
    Error *err = NULL;
    double med[4];

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err);
    if (err) {
        fprintf(stderr, "bench_mapunmap: %s\n", error_get_pretty(err));
        return 1;
    }
    memory_region_add_subregion(&root, RAM_BASE, &ram);
    address_space_init(&as, &root, "as");
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    host = memory_region_get_ram_ptr(&ram);
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        host[i] = (uint8_t)(i * 7 + (i >> 8));
    }

    /* What the loops must see. */
    loop_read(1);
    if (memcmp(sink, host + PAGE_OFF, LEN) != 0) {
        fail("address_space_read returned other bytes");
    }
    memory_region_reset_dirty(&ram, 0, RAM_SIZE, DIRTY_MEMORY_VGA);
    loop_map(1, true);
    if (!memory_region_get_dirty(&ram, PAGE_OFF, LEN, DIRTY_MEMORY_VGA) ||
        memory_region_get_dirty(&ram, 0, PAGE_OFF, DIRTY_MEMORY_VGA)) {
        fail("unmap(write) did not mark exactly the page dirty");
    }

    for (int i = 0; i < nb; i++) {
        b[i].n = calibrate(b[i].run);
    }
    for (int r = 0; r < REPS; r++) {
        for (int i = 0; i < nb; i++) {
            double t0 = now_ns();

            b[i].run(b[i].n);
            b[i].t[r] = (now_ns() - t0) / b[i].n;
        }
    }

    printf("address_space_map + unmap of a 4 KiB RAM page, median of %d\n",
           REPS);
    for (int i = 0; i < nb; i++) {
        med[i] = median(b[i].t, REPS);
        printf("  %-44s %8.1f ns\n", b[i].name, med[i]);
    }
    printf("  ratio: map+unmap (read) / address_space_read = %.2f; "
           "address_space_read / memcpy = %.2f\n", med[0] / med[2],
           med[2] / med[3]);

    address_space_destroy(&as);
    memcore_rcu_barrier();
    if (failures) {
        fprintf(stderr, "bench_mapunmap: %d wrong results\n", failures);
        return 1;
    }
    return 0;
}
