/*
 * tests/bench/bench_map.c — mapping many small RAM regions one at a time,
 * against Unicorn 2 doing the same.
 *
 * Unicorn embeds QEMU's memory API, and its users map guest memory with
 * uc_mem_map one region at a time.  Every map re-renders the whole view
 * and reads search the sections linearly, so both grow with the number of
 * regions, and QEMU's dispatch aborts near 4,096 sections.  This program
 * maps 2,000 RAM regions of 4 KiB (every other page, so no two merge) into
 * a live address space, one commit each, through memcore and through
 * Unicorn in the same run, then times 4-byte reads at random addresses
 * spread over them.  Goals: memcore maps >= 50x faster, reads >= 10x.
 *
 * Then memcore alone maps 100,000 such regions one at a time (Unicorn is
 * never asked for more than 2,000: it aborts near 4,096).  That run must
 * complete; it prints progress every 10,000 maps so a quadratic slowdown
 * shows while it happens.
 *
 * The read repetitions of memcore, Unicorn and the floor (the same words
 * through the regions' host pointers) take turns, so that a noisy
 * neighbour on a shared machine hits all three alike: 2,000 pages of data
 * do not fit in a private cache, and how much of the shared one is left
 * moves the figures by 2-3x between runs.
 *
 * The two parts run in child processes of their own, so the large run
 * does not share a process with the first address space.  Reads are
 * checked against a pattern written through the host pointers (memcore)
 * or uc_mem_write (Unicorn); a wrong value exits 1.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <memcore/memory.h>

#ifdef HAVE_UNICORN
#include <unicorn/unicorn.h>

#include "bench_util.h"
#endif

#define PAGE 0x1000ULL
#define MAP_BASE 0x10000000ULL
#define MAP_STRIDE (2 * PAGE) /* every other page */
#define PEER_MAPS 2000        /* never more for Unicorn: it aborts near 4,096 */
#define LARGE_MAPS 100000
#define PROGRESS_EVERY 10000
#define LAST 100              /* "per map at the end": the last 100 maps */
#define READ_SAMPLES 65536
#define REPS 5
#define TARGET_REP_NS 40000000.0

struct figures {
    double total_ns;   /* all maps */
    double last_ns;    /* per map, averaged over the last LAST maps */
    double read_ns;    /* per 4-byte read, median */
    double plain_ns;   /* the same reads through host pointers (memcore) */
    double chain_ns;   /* the same, each address waiting for the last load */
};

static hwaddr sample[READ_SAMPLES]; /* random read addresses */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
    return bench_xorshift(&rng_state);
}

static hwaddr region_addr(unsigned i)
{
    return MAP_BASE + i * MAP_STRIDE;
}

/* The word the pattern puts at guest address @a. */
static uint32_t pattern(hwaddr a)
{
    return (uint32_t)(a * 2654435761u) ^ (uint32_t)(a >> 12);
}

static void fill_page(uint8_t *dst, hwaddr a)
{
    for (unsigned off = 0; off < PAGE; off += 4) {
        uint32_t v = htole32(pattern(a + off));

        memcpy(dst + off, &v, 4);
    }
}

static uint32_t get_le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

/* Random word addresses over regions 0..@n-1; returns their pattern sum. */
static uint64_t pick_samples(unsigned n, bool filled)
{
    uint64_t sum = 0;

    rng_state = 0x2545f4914f6cdd1dULL; /* the same addresses for both */
    for (unsigned i = 0; i < READ_SAMPLES; i++) {
        unsigned r = rng() % n;
        unsigned w = rng() % (PAGE / 4);

        sample[i] = region_addr(r) + w * 4;
        sum += filled ? pattern(sample[i]) : 0;
    }
    return sum;
}

typedef bool (*read_fn)(void *ctx, hwaddr a, uint32_t *v);

/* One way of reading the sample addresses, and its timings. */
struct reader {
    const char *who;
    read_fn read_one; /* false on a failed read */
    void *ctx;
    long laps;        /* passes over the samples per repetition */
    double t[REPS];
};

/* @laps passes over the samples: ns per read, or -1 when a read failed or
 * a pass summed wrong. */
static double read_laps(const struct reader *rd, long laps, uint64_t lap_sum)
{
    double t0 = now_ns();

    for (long l = 0; l < laps; l++) {
        uint64_t sum = 0;

        for (unsigned i = 0; i < READ_SAMPLES; i++) {
            uint32_t v;

            if (!rd->read_one(rd->ctx, sample[i], &v)) {
                fprintf(stderr, "bench_map: %s: read at 0x%" PRIx64
                        " failed\n", rd->who, (uint64_t)sample[i]);
                return -1;
            }
            sum += v;
        }
        if (sum != lap_sum) {
            fprintf(stderr, "bench_map: %s: reads summed to 0x%" PRIx64
                    ", expected 0x%" PRIx64 "\n", rd->who, sum, lap_sum);
            return -1;
        }
    }
    return (now_ns() - t0) / ((double)laps * READ_SAMPLES);
}

/*
 * Median ns per read for each of @nr readers into @out.  Their
 * repetitions take turns, so that a noisy neighbour on a shared machine
 * (whose cache this data does not fit in alone) hits them all alike.
 */
static bool time_reads(struct reader *rd, int nr, uint64_t lap_sum,
                       double *out)
{
    for (int i = 0; i < nr; i++) {
        /* One pass calibrates: a repetition lasts ~40 ms. */
        double per = read_laps(&rd[i], 1, lap_sum);

        if (per < 0) {
            return false;
        }
        rd[i].laps = (long)(TARGET_REP_NS / (per * READ_SAMPLES));
        rd[i].laps = rd[i].laps < 1 ? 1 : rd[i].laps;
    }
    for (int r = 0; r < REPS; r++) {
        for (int i = 0; i < nr; i++) {
            rd[i].t[r] = read_laps(&rd[i], rd[i].laps, lap_sum);
            if (rd[i].t[r] < 0) {
                return false;
            }
        }
    }
    for (int i = 0; i < nr; i++) {
        out[i] = median(rd[i].t, REPS);
    }
    return true;
}

/* ---- memcore ------------------------------------------------------------ */

static bool memcore_read_one(void *ctx, hwaddr a, uint32_t *v)
{
    uint8_t buf[4];
    MemTxResult res = address_space_read(ctx, a, MEMTXATTRS_UNSPECIFIED,
                                         buf, 4);

    *v = get_le32(buf);
    return res == MEMTX_OK;
}

/* The floor: the same word through the region's host pointer. */
static bool plain_read_one(void *ctx, hwaddr a, uint32_t *v)
{
    uint8_t *const *hosts = ctx;
    hwaddr rel = a - MAP_BASE;

    *v = get_le32(hosts[rel / MAP_STRIDE] + rel % MAP_STRIDE);
    return true;
}

/*
 * The floor with the CPU's overlap taken away: each address depends on the
 * value the previous load returned (ANDed with a zero the compiler cannot
 * see), so every cache or TLB miss is paid in full, as it is when a
 * library call stands between two loads.
 */
struct chain {
    uint8_t **hosts;
    uint32_t last;
    uint32_t zero;
};

static bool chain_read_one(void *ctx, hwaddr a, uint32_t *v)
{
    struct chain *c = ctx;
    hwaddr rel = a - MAP_BASE + (c->last & c->zero);

    *v = get_le32(c->hosts[rel / MAP_STRIDE] + rel % MAP_STRIDE);
    c->last = *v;
    return true;
}

static volatile uint32_t opaque_zero;

/*
 * Map @n RAM regions one at a time into a fresh address space; hand back
 * the address space and the regions' host pointers.  @fill writes the
 * pattern (it touches every page, so the large run skips it and checks
 * that reads give the zero fill).
 */
static bool memcore_maps(unsigned n, bool fill, bool progress,
                         struct figures *f, AddressSpace **as_out,
                         uint8_t ***hosts_out)
{
    MemoryRegion *root = calloc(1, sizeof(*root));
    MemoryRegion *ram = calloc(n, sizeof(*ram));
    AddressSpace *as = calloc(1, sizeof(*as));
    char name[32];
    double last_start = 0, t_start;

    if (!root || !ram || !as) {
        fprintf(stderr, "bench_map: out of memory\n");
        return false;
    }
    memory_region_init(root, NULL, "system", UINT64_MAX);
    address_space_init(as, root, "bench");

    t_start = now_ns();
    for (unsigned i = 0; i < n; i++) {
        Error *err = NULL;

        if (i == n - LAST) {
            last_start = now_ns();
        }
        snprintf(name, sizeof(name), "ram%u", i);
        memory_region_init_ram(&ram[i], NULL, name, PAGE, &err);
        if (err) {
            fprintf(stderr, "bench_map: memcore: map %u: %s\n", i,
                    error_get_pretty(err));
            error_free(err);
            return false;
        }
        memory_region_add_subregion(root, region_addr(i), &ram[i]);
        if (progress && (i + 1) % PROGRESS_EVERY == 0) {
            printf("  %6u maps: %.2f s\n", i + 1, (now_ns() - t_start) / 1e9);
        }
    }
    double t_end = now_ns();

    f->total_ns = t_end - t_start;
    f->last_ns = (t_end - last_start) / LAST;

    FlatView *view = address_space_get_flatview(as);
    unsigned ranges = flatview_nr_ranges(view);

    flatview_unref(view);
    if (ranges != n) {
        fprintf(stderr, "bench_map: memcore: %u maps gave %u ranges\n", n,
                ranges);
        return false;
    }
    uint8_t **hosts = calloc(n, sizeof(*hosts));

    if (!hosts) {
        fprintf(stderr, "bench_map: out of memory\n");
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        hosts[i] = memory_region_get_ram_ptr(&ram[i]);
        if (!hosts[i]) {
            fprintf(stderr, "bench_map: memcore: region %u has no host "
                    "pointer\n", i);
            return false;
        }
        if (fill) {
            fill_page(hosts[i], region_addr(i));
        }
    }
    /* The address space lives until this process exits. */
    *as_out = as;
    *hosts_out = hosts;
    return true;
}

/* ---- Unicorn -------------------------------------------------------------- */

#ifdef HAVE_UNICORN
static bool unicorn_read_one(void *ctx, hwaddr a, uint32_t *v)
{
    uint8_t buf[4];
    uc_err err = uc_mem_read(ctx, a, buf, 4);

    *v = get_le32(buf);
    return err == UC_ERR_OK;
}

static bool unicorn_maps(unsigned n, struct figures *f, uc_engine **uc_out)
{
    static uint8_t page[PAGE];
    uc_engine *uc;
    uc_err err;
    double last_start = 0, t_start;

    err = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    if (err != UC_ERR_OK) {
        fprintf(stderr, "bench_map: uc_open: %s\n", uc_strerror(err));
        return false;
    }
    t_start = now_ns();
    for (unsigned i = 0; i < n; i++) {
        if (i == n - LAST) {
            last_start = now_ns();
        }
        err = uc_mem_map(uc, region_addr(i), PAGE, UC_PROT_ALL);
        if (err != UC_ERR_OK) {
            fprintf(stderr, "bench_map: uc_mem_map %u: %s\n", i,
                    uc_strerror(err));
            uc_close(uc);
            return false;
        }
    }
    double t_end = now_ns();

    f->total_ns = t_end - t_start;
    f->last_ns = (t_end - last_start) / LAST;
    for (unsigned i = 0; i < n; i++) {
        fill_page(page, region_addr(i));
        err = uc_mem_write(uc, region_addr(i), page, PAGE);
        if (err != UC_ERR_OK) {
            fprintf(stderr, "bench_map: uc_mem_write %u: %s\n", i,
                    uc_strerror(err));
            uc_close(uc);
            return false;
        }
    }
    *uc_out = uc;
    return true;
}
#endif

/* ---- The two parts ---------------------------------------------------- */

static void print_time(double ns)
{
    if (ns >= 1e9) {
        printf("%8.2f s ", ns / 1e9);
    } else if (ns >= 1e6) {
        printf("%8.2f ms", ns / 1e6);
    } else if (ns >= 1e3) {
        printf("%8.2f us", ns / 1e3);
    } else {
        printf("%8.1f ns", ns);
    }
}

static void print_row(const char *what, double mine, double peer,
                      const char *goal)
{
    printf("  %-28s memcore ", what);
    print_time(mine);
    if (peer < 0) {
        printf("\n");
        return;
    }
    printf("   unicorn ");
    print_time(peer);
    /* The ratio is how many times faster memcore is. */
    printf("   ratio %.*fx (goal %s)\n", peer / mine >= 10 ? 0 : 2,
           peer / mine, goal);
}

static int run_peer(void)
{
    struct figures mc, uc = { -1, -1, -1, -1, -1 };
    struct reader rd[4];
    double ns[4];
    int nr = 0;
    AddressSpace *as;
    uint8_t **hosts;

    printf("%d RAM regions of 4 KiB mapped one at a time (one commit each),"
           " every other page\n", PEER_MAPS);
    if (!memcore_maps(PEER_MAPS, true, false, &mc, &as, &hosts)) {
        return 1;
    }
    rd[nr++] = (struct reader){ .who = "memcore", .read_one = memcore_read_one,
                                .ctx = as };
    rd[nr++] = (struct reader){ .who = "plain", .read_one = plain_read_one,
                                .ctx = hosts };
    struct chain chain = { hosts, 0, opaque_zero };

    rd[nr++] = (struct reader){ .who = "chain", .read_one = chain_read_one,
                                .ctx = &chain };
#ifdef HAVE_UNICORN
    uc_engine *engine;

    printf("  (memcore done; Unicorn 2 takes several seconds here)\n");
    if (!unicorn_maps(PEER_MAPS, &uc, &engine)) {
        return 1;
    }
    rd[nr++] = (struct reader){ .who = "unicorn", .read_one = unicorn_read_one,
                                .ctx = engine };
#else
    printf("  (Unicorn: not built; configure found no libunicorn-dev)\n");
#endif
    if (!time_reads(rd, nr, pick_samples(PEER_MAPS, true), ns)) {
        return 1;
    }
    mc.read_ns = ns[0];
    mc.plain_ns = ns[1];
    mc.chain_ns = ns[2];
#ifdef HAVE_UNICORN
    uc.read_ns = ns[3];
    uc_close(engine);
#endif
    print_row("maps, total:", mc.total_ns, uc.total_ns, ">= 50x");
    print_row("per map (last 100):", mc.last_ns, uc.last_ns, ">= 50x");
    print_row("4-byte read over them:", mc.read_ns, uc.read_ns, ">= 10x");
    printf("  (the same reads through host pointers: %.1f ns, or %.1f ns "
           "each waiting for the last; memcore is %.2fx the latter)\n",
           mc.plain_ns, mc.chain_ns, mc.read_ns / mc.chain_ns);
    free(hosts);
    return 0;
}

static int run_large(unsigned n)
{
    struct figures mc;
    struct reader rd[3];
    double ns[3];
    AddressSpace *as;
    uint8_t **hosts;

    printf("%u RAM regions of 4 KiB mapped one at a time, memcore alone\n",
           n);
    if (!memcore_maps(n, false, true, &mc, &as, &hosts)) {
        return 1;
    }
    printf("  total: %.2f s   per map (last 100): %.2f us\n",
           mc.total_ns / 1e9, mc.last_ns / 1e3);
    rd[0] = (struct reader){ .who = "memcore", .read_one = memcore_read_one,
                             .ctx = as };
    rd[1] = (struct reader){ .who = "plain", .read_one = plain_read_one,
                             .ctx = hosts };
    struct chain chain = { hosts, 0, opaque_zero };

    rd[2] = (struct reader){ .who = "chain", .read_one = chain_read_one,
                             .ctx = &chain };
    if (!time_reads(rd, 3, pick_samples(n, false), ns)) {
        return 1;
    }
    printf("  4-byte read over them: %.1f ns  through host pointers: %.1f ns"
           ", or %.1f ns each waiting for the last  ratio %.2fx (to the "
           "latter)\n", ns[0], ns[1], ns[2], ns[0] / ns[2]);
    free(hosts);
    return 0;
}

/* Run @part(@arg) in a child; its exit status. */
static int in_child(int (*part)(unsigned), unsigned arg)
{
    int status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        perror("bench_map: fork");
        return 1;
    }
    if (pid == 0) {
        exit(part(arg));
    }
    if (waitpid(pid, &status, 0) < 0) {
        perror("bench_map: waitpid");
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_map: child failed (status 0x%x)\n", status);
        return 1;
    }
    return 0;
}

static int run_peer_part(unsigned unused)
{
    (void)unused;
    return run_peer();
}

int main(int argc, char **argv)
{
    unsigned large = LARGE_MAPS;
    int rc = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "--peer") == 0) {
        /* bench_map --peer: only the comparison with Unicorn. */
        return run_peer();
    }
    if (argc > 1) {
        /* bench_map N: only the memcore run with N maps. */
        large = (unsigned)strtoul(argv[1], NULL, 0);
        if (large < LAST) {
            fprintf(stderr, "usage: %s [--peer | MAPS >= %d]\n", argv[0],
                    LAST);
            return 2;
        }
        return run_large(large);
    }
    rc |= in_child(run_peer_part, 0);
    rc |= in_child(run_large, large);
    return rc;
}
