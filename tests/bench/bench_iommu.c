/*
 * tests/bench/bench_iommu.c — cost of address_space_translate through an
 * IOMMU, beside the same translation of plain RAM.
 *
 * AS `mem` holds 1 MiB of RAM at 0x40000000.  AS `dma` is rooted at a
 * 4 GiB IOMMU region whose translate callback maps DMA page n to
 * 0x40000000 + (n % 256) * 4 KiB, read-write, 4 KiB pages: DMA address a
 * below 1 MiB reaches the RAM at offset a.  Timed, at the same 4,096
 * random addresses below 1 MiB:
 *
 *   IOMMU translate    address_space_translate(dma, a, 4 bytes)
 *   RAM translate      address_space_translate(mem, 0x40000000 + a)
 *   and, for scale, 4-byte address_space_read through each.
 *
 * The translate loops run inside one memcore_rcu_read_lock section, as a
 * device model doing many lookups would.  Each figure is the median of
 * REPS repetitions of about 40 ms each, taken in turns.  A translation to
 * the wrong region, offset or length, or a wrong value read, is a bug:
 * exit 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <memcore/memory.h>

#include "bench_util.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x100000ULL
#define NADDR 4096
#define REPS 7
#define TARGET_REP_NS 40000000.0

static MemoryRegion root, ram, iommu;
static AddressSpace mem, dma;
static hwaddr addrs[NADDR];
static uint8_t *host;
static int failures;
static volatile uint64_t sink;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    return bench_xorshift(&rng_state);
}

static void fail(const char *what, hwaddr addr)
{
    if (failures++ < 5) {
        fprintf(stderr, "bench_iommu: %s at 0x%" PRIx64 "\n", what,
                (uint64_t)addr);
    }
}

static IOMMUTLBEntry iommu_translate(MemoryRegion *mr, hwaddr addr,
                                     bool is_write)
{
    (void)mr;
    (void)is_write;
    return (IOMMUTLBEntry) {
        .target_as = &mem,
        .iova = addr & ~(hwaddr)0xfff,
        .translated_addr = RAM_BASE + (addr & 0xff000),
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
}

static const MemoryRegionIOMMUOps iommu_ops = { .translate = iommu_translate };

/* ---- the measured loops: n is a multiple of NADDR ------------------------- */

static void loop_translate(long n, AddressSpace *as, hwaddr base)
{
    uint64_t sum = 0;

    memcore_rcu_read_lock();
    for (long i = 0; i < n; i++) {
        hwaddr a = addrs[i % NADDR], xlat, len = 4;
        MemoryRegion *mr = address_space_translate(as, base + a, &xlat, &len,
                                                   false);

        if (mr != &ram || xlat != a || len != 4) {
            fail("wrong translation", base + a);
        }
        sum += xlat;
    }
    memcore_rcu_read_unlock();
    sink = sum;
}

static void loop_read(long n, AddressSpace *as, hwaddr base)
{
    uint64_t sum = 0;

    for (long i = 0; i < n; i++) {
        hwaddr a = addrs[i % NADDR];
        uint32_t v;

        if (address_space_read(as, base + a, MEMTXATTRS_UNSPECIFIED,
                               (uint8_t *)&v, 4) != MEMTX_OK ||
            memcmp(&v, host + a, 4) != 0) {
            fail("wrong read", base + a);
        }
        sum += v;
    }
    sink = sum;
}

static void run_iommu_translate(long n) { loop_translate(n, &dma, 0); }
static void run_ram_translate(long n) { loop_translate(n, &mem, RAM_BASE); }
static void run_iommu_read(long n) { loop_read(n, &dma, 0); }
static void run_ram_read(long n) { loop_read(n, &mem, RAM_BASE); }

typedef struct Bench {
    const char *name;
    void (*run)(long n);
    long n;
    double t[REPS];
} Bench;

static long calibrate(void (*run)(long n))
{
    long n = NADDR;

    for (;;) {
        double t0 = now_ns();

        run(n);
        double dt = now_ns() - t0;
        if (dt > TARGET_REP_NS / 8 || n > (1L << 30)) {
            long want = (long)(n * (TARGET_REP_NS / (dt > 1 ? dt : 1)));

            return (want / NADDR + 1) * NADDR;
        }
        n *= 2;
    }
}

int main(void)
{
    Bench b[] = {
        { "translate through the IOMMU", run_iommu_translate, 0, { 0 } },
        { "translate of RAM (no IOMMU)", run_ram_translate, 0, { 0 } },
        { "4-byte address_space_read through the IOMMU", run_iommu_read, 0,
          { 0 } },
        { "4-byte address_space_read of RAM", run_ram_read, 0, { 0 } },
    };
    const int nb = sizeof(b) / sizeof(b[0]);
    Error *err = NULL;
    double med[4];

    memory_region_init(&root, NULL, "mem-root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err);
    if (err) {
        fprintf(stderr, "bench_iommu: %s\n", error_get_pretty(err));
        return 1;
    }
    memory_region_add_subregion(&root, RAM_BASE, &ram);
    address_space_init(&mem, &root, "mem");
    memory_region_init_iommu(&iommu, NULL, &iommu_ops, "iommu",
                             0x100000000ULL);
    address_space_init(&dma, &iommu, "dma");
    host = memory_region_get_ram_ptr(&ram);
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        host[i] = (uint8_t)(i ^ (i >> 8) ^ (i >> 16));
    }
    for (int i = 0; i < NADDR; i++) {
        addrs[i] = (rng() % RAM_SIZE) & ~(hwaddr)3;
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

    printf("address_space_translate through an IOMMU (4 KiB pages, 1 MiB "
           "working set), median of %d\n", REPS);
    for (int i = 0; i < nb; i++) {
        med[i] = median(b[i].t, REPS);
        printf("  %-46s %7.1f ns\n", b[i].name, med[i]);
    }
    printf("  ratio: IOMMU translate / RAM translate = %.2f; "
           "IOMMU read / RAM read = %.2f\n", med[0] / med[1],
           med[2] / med[3]);

    address_space_destroy(&dma);
    address_space_destroy(&mem);
    memcore_rcu_barrier();
    if (failures) {
        fprintf(stderr, "bench_iommu: %d wrong results\n", failures);
        return 1;
    }
    return 0;
}
