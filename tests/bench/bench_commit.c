/*
 * tests/bench/bench_commit.c — what one topology change costs in a big
 * tree, and what a region costs in memory.
 *
 * A tree of N regions is shaped like a machine: N/100 bus containers of
 * 1 MiB, each holding 99 MMIO devices of 4 KiB with 4 KiB gaps, built in
 * one transaction.  One device in the middle bus is then disabled and
 * re-enabled 20 times, each call committing on its own; the median of
 * those 20 commits is the figure.  QEMU re-renders every view from
 * scratch here, so its cost grows with N; the goal is under 5 ms at
 * 10,000 regions.
 *
 * Bytes per region: resident set size (/proc/self/statm) after building
 * and committing the tree minus before, divided by N.  It includes the
 * caller's sizeof(MemoryRegion) arrays, memcore's per-region state, the
 * rendered FlatView and the dispatch structure.  Goal: under 300 bytes.
 * A second figure is taken after malloc_trim(0) (glibc): scratch memory
 * the render freed stays resident until then, and that part is a one-off,
 * not a cost per region.
 *
 * Each size runs in a child process of its own so that neither the RSS
 * figure nor the commit time of one size carries the other's tree.  The
 * parent calls nothing in memcore before forking.
 */
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <memcore/memory.h>

#include "bench_util.h"

#define DEVICES_PER_BUS 99
#define BUS_SIZE 0x100000ULL   /* 1 MiB per bus container */
#define DEVICE_STRIDE 0x2000ULL /* 4 KiB device, 4 KiB gap */
#define TOGGLES 20

/* Resident set size in bytes, or -1. */
static long rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size, resident;

    if (!f) {
        return -1;
    }
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) {
        resident = -1;
    }
    fclose(f);
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)size;
    return addr;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)data;
    (void)size;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* What a device at @addr answers: its offset (see dev_read), or ~0. */
static uint32_t probe(AddressSpace *as, hwaddr addr)
{
    MemTxResult res;
    uint32_t v = address_space_ldl_le(as, addr, MEMTXATTRS_UNSPECIFIED, &res);

    return res == MEMTX_OK ? v : UINT32_MAX;
}

/* Build, measure and report a tree of @total regions; the exit status. */
static int run_size(unsigned total)
{
    unsigned buses = total / (DEVICES_PER_BUS + 1);
    unsigned devices = buses * DEVICES_PER_BUS;
    MemoryRegion *root, *bus, *dev;
    AddressSpace *as;
    char name[32];
    double t[TOGGLES];

    /* The root and the address space exist before the first RSS sample
     * so that memcore's one-time set-up is not counted per region. */
    root = calloc(1, sizeof(*root));
    as = calloc(1, sizeof(*as));
    if (!root || !as) {
        fprintf(stderr, "bench_commit: out of memory\n");
        return 1;
    }
    memory_region_init(root, NULL, "system", UINT64_MAX);
    address_space_init(as, root, "bench");
    memcore_rcu_barrier();
    long rss0 = rss_bytes();

    bus = calloc(buses, sizeof(*bus));
    dev = calloc(devices, sizeof(*dev));
    if (!bus || !dev) {
        fprintf(stderr, "bench_commit: out of memory\n");
        return 1;
    }
    double t0 = now_ns();

    memory_region_transaction_begin();
    for (unsigned b = 0; b < buses; b++) {
        snprintf(name, sizeof(name), "bus%u", b);
        memory_region_init(&bus[b], NULL, name, BUS_SIZE);
        for (unsigned d = 0; d < DEVICES_PER_BUS; d++) {
            MemoryRegion *mr = &dev[b * DEVICES_PER_BUS + d];

            snprintf(name, sizeof(name), "dev%u.%u", b, d);
            memory_region_init_io(mr, NULL, &dev_ops, NULL, name, 0x1000);
            memory_region_add_subregion(&bus[b], d * DEVICE_STRIDE, mr);
        }
        memory_region_add_subregion(root, b * BUS_SIZE, &bus[b]);
    }
    memory_region_transaction_commit();
    double build_ms = (now_ns() - t0) / 1e6;

    /* Let retired views go before sampling, as a long-running embedder's
     * steady state would. */
    memcore_rcu_barrier();
    long rss1 = rss_bytes();
    long rss1_trimmed = -1;
#ifdef __GLIBC__
    malloc_trim(0);
    rss1_trimmed = rss_bytes();
#endif

    FlatView *view = address_space_get_flatview(as);
    unsigned ranges = flatview_nr_ranges(view);

    flatview_unref(view);
    if (ranges != devices) {
        fprintf(stderr, "bench_commit: %u regions: view has %u ranges, "
                "expected %u\n", total, ranges, devices);
        return 1;
    }

    /* A device in the middle of the middle bus. */
    unsigned mb = buses / 2, md = DEVICES_PER_BUS / 2;
    MemoryRegion *victim = &dev[mb * DEVICES_PER_BUS + md];
    hwaddr victim_addr = mb * BUS_SIZE + md * DEVICE_STRIDE + 0x10;

    for (int i = 0; i < TOGGLES; i++) {
        bool enable = i % 2;
        double s = now_ns();

        memory_region_set_enabled(victim, enable);
        t[i] = now_ns() - s;
        uint32_t seen = probe(as, victim_addr);
        uint32_t want = enable ? 0x10 : UINT32_MAX;

        if (seen != want) {
            fprintf(stderr, "bench_commit: %u regions: after set_enabled(%d) "
                    "ldl at 0x%" PRIx64 " gave 0x%" PRIx32 ", expected 0x%"
                    PRIx32 "\n", total, enable, (uint64_t)victim_addr, seen,
                    want);
            return 1;
        }
    }
    double commit_ms = median(t, TOGGLES) / 1e6;

    printf("%u regions (%u buses, %u devices, %u ranges): built in one "
           "transaction in %.1f ms\n", buses + devices, buses, devices,
           ranges, build_ms);
    printf("  set_enabled toggle commit, median of %d: %.3f ms%s\n",
           TOGGLES, commit_ms, total == 10000 ? " (goal < 5 ms)" : "");
    if (rss0 < 0 || rss1 < 0) {
        printf("  bytes per region: /proc/self/statm unreadable\n");
    } else {
        printf("  bytes per region: %.0f (RSS +%.1f MiB; sizeof(MemoryRegion)"
               " = %zu) (goal < 300)\n",
               (double)(rss1 - rss0) / (buses + devices),
               (rss1 - rss0) / 1048576.0, sizeof(MemoryRegion));
        if (rss1_trimmed >= 0) {
            printf("  bytes per region after malloc_trim(0): %.0f\n",
                   (double)(rss1_trimmed - rss0) / (buses + devices));
        }
    }
    /* The tree stays until exit: this process ends here. */
    return 0;
}

int main(int argc, char **argv)
{
    static const unsigned sizes[] = { 10000, 100000 };
    int rc = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1) {
        /* One size in this process: bench_commit N */
        unsigned n = (unsigned)strtoul(argv[1], NULL, 0);

        if (n < DEVICES_PER_BUS + 1) {
            fprintf(stderr, "usage: %s [REGIONS >= %d]\n", argv[0],
                    DEVICES_PER_BUS + 1);
            return 2;
        }
        return run_size(n);
    }
    printf("bench_commit: one set_enabled commit in a tree of N regions; "
           "RSS per region\n");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        int status;
        pid_t pid;

        fflush(stdout);
        pid = fork();
        if (pid < 0) {
            perror("bench_commit: fork");
            return 1;
        }
        if (pid == 0) {
            exit(run_size(sizes[i]));
        }
        if (waitpid(pid, &status, 0) < 0) {
            perror("bench_commit: waitpid");
            return 1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_commit: %u regions: child failed "
                    "(status 0x%x)\n", sizes[i], status);
            rc = 1;
        }
    }
    return rc;
}
