/*
 * tests/bench/bench_access.c — cost of one guest load through memcore.
 *
 * The hot set is a 64 KiB RAM region filled with a random single-cycle
 * permutation: the 4-byte word at offset o holds the offset of the next
 * word to visit.  Following it through address_space_ldl_le gives a
 * dependent chain of random loads (each address comes from the previous
 * load, so neither the compiler nor the CPU can skip or overlap them);
 * following it through the host pointer from memory_region_get_ram_ptr
 * gives the floor the same loads cost without memcore.  An independent
 * pattern (a precomputed random index array, results summed) is measured
 * too, because a CPU can overlap independent calls and the ratio differs.
 *
 * The same figures are then taken with 100,000 extra 4 KiB MMIO ranges in
 * the view (half below the hot set, half above), because a lookup that
 * searches all ranges gets slower as the view grows while a page-indexed
 * one does not.  Two threads chasing the chain at once show whether the
 * read side scales (both run on their own core on a 2-core machine).
 *
 * Every chain must end where the plain chain ends and every sum must match:
 * a wrong value read is a bug and exits 1.  Missed goals are only printed.
 */
#include <endian.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <memcore/memory.h>

#include "bench_util.h"

#define HOT_SIZE (64 * 1024)
#define SLOTS (HOT_SIZE / 4)
/* The hot set sits in the middle of the extra ranges. */
#define HOT_BASE 0x40000000ULL
#define EXTRA_COUNT 100000
#define EXTRA_LOW_BASE 0x00000000ULL  /* 50,000 ranges: 0 .. 400 MiB */
#define EXTRA_HIGH_BASE 0x80000000ULL /* 50,000 ranges: 2 GiB .. 2.4 GiB */
#define EXTRA_STRIDE 0x2000ULL        /* 4 KiB region, 4 KiB gap */
#define REPS 7
/* Each repetition is sized to take about this long. */
#define TARGET_REP_NS 40000000.0

static uint32_t order[SLOTS]; /* order[k]: offset of the k-th word visited */
static uint8_t *host;         /* host view of the hot set */
static AddressSpace as;
static MemoryRegion root, hot;
static int failures;

/* A small xorshift generator: reproducible runs, no libc state. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    return bench_xorshift(&rng_state);
}

static void fail(const char *what, uint64_t expected, uint64_t actual)
{
    fprintf(stderr, "bench_access: %s: expected 0x%" PRIx64 ", got 0x%" PRIx64
            "\n", what, expected, actual);
    __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED); /* also from threads */
}

/* ---- The measured loops: @n is a multiple of SLOTS --------------------- */

/*
 * Chains start at order[start] and, after a whole number of laps, must be
 * back there: the return value is where they ended.
 */
static uint32_t chase_plain(uint32_t off, long n)
{
    for (long i = 0; i < n; i++) {
        uint32_t v;

        memcpy(&v, host + off, 4);
        off = le32toh(v);
    }
    return off;
}

static uint32_t chase_ldl(uint32_t off, long n, MemTxResult *res)
{
    MemTxResult r = MEMTX_OK, one;

    for (long i = 0; i < n; i++) {
        off = address_space_ldl_le(&as, HOT_BASE + off,
                                   MEMTXATTRS_UNSPECIFIED, &one);
        r |= one;
    }
    *res = r;
    return off;
}

static uint32_t chase_read(uint32_t off, long n, MemTxResult *res)
{
    MemTxResult r = MEMTX_OK;

    for (long i = 0; i < n; i++) {
        uint8_t buf[4];

        r |= address_space_read(&as, HOT_BASE + off, MEMTXATTRS_UNSPECIFIED,
                                buf, 4);
        off = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
              (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    }
    *res = r;
    return off;
}

/* Independent loads: each address comes from the index array. */
static uint64_t sum_plain(long n)
{
    uint64_t sum = 0;

    for (long i = 0; i < n; i++) {
        uint32_t v;

        memcpy(&v, host + order[i % SLOTS], 4);
        sum += le32toh(v);
    }
    return sum;
}

static uint64_t sum_ldl(long n, MemTxResult *res)
{
    uint64_t sum = 0;
    MemTxResult r = MEMTX_OK, one;

    for (long i = 0; i < n; i++) {
        sum += address_space_ldl_le(&as, HOT_BASE + order[i % SLOTS],
                                    MEMTXATTRS_UNSPECIFIED, &one);
        r |= one;
    }
    *res = r;
    return sum;
}

static uint64_t sum_read(long n, MemTxResult *res)
{
    uint64_t sum = 0;
    MemTxResult r = MEMTX_OK;

    for (long i = 0; i < n; i++) {
        uint8_t buf[4];

        r |= address_space_read(&as, HOT_BASE + order[i % SLOTS],
                                MEMTXATTRS_UNSPECIFIED, buf, 4);
        sum += (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
               (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    }
    *res = r;
    return sum;
}

/* ---- One measurement: calibrate, repeat, check, take the median ------- */

enum pattern {
    CHASE_PLAIN, CHASE_LDL, CHASE_READ, SUM_PLAIN, SUM_LDL, SUM_READ,
};

static const char *const pattern_name[] = {
    "plain chase", "ldl chase", "read chase",
    "plain indexed", "ldl indexed", "read indexed",
};

/* Sum of one lap of the index array: every offset once. */
static const uint64_t LAP_SUM = 4ULL * SLOTS * (SLOTS - 1) / 2;

/* Run @p for @n loads starting at order[@start]; false on a wrong result. */
static bool run_pattern(enum pattern p, long n, unsigned start)
{
    MemTxResult res = MEMTX_OK;
    uint64_t got, want;

    switch (p) {
    case CHASE_PLAIN:
        got = chase_plain(order[start], n);
        want = order[start];
        break;
    case CHASE_LDL:
        got = chase_ldl(order[start], n, &res);
        want = order[start];
        break;
    case CHASE_READ:
        got = chase_read(order[start], n, &res);
        want = order[start];
        break;
    case SUM_PLAIN:
        got = sum_plain(n);
        want = LAP_SUM * (n / SLOTS);
        break;
    case SUM_LDL:
        got = sum_ldl(n, &res);
        want = LAP_SUM * (n / SLOTS);
        break;
    default:
        got = sum_read(n, &res);
        want = LAP_SUM * (n / SLOTS);
        break;
    }
    if (res != MEMTX_OK) {
        fail(pattern_name[p], MEMTX_OK, res);
        return false;
    }
    if (got != want) {
        fail(pattern_name[p], want, got);
        return false;
    }
    return true;
}

/* How many loads (whole laps) make one repetition of @p last ~40 ms. */
static long calibrate(enum pattern p)
{
    double t0 = now_ns();

    run_pattern(p, SLOTS, 0);
    double per = (now_ns() - t0) / SLOTS;
    long laps = (long)(TARGET_REP_NS / (per * SLOTS));

    return (laps < 1 ? 1 : laps) * (long)SLOTS;
}

/* Median ns per load of @p, or -1 when a result was wrong. */
static double measure(enum pattern p)
{
    double t[REPS];
    long n = calibrate(p);

    for (int r = 0; r < REPS; r++) {
        double t0 = now_ns();

        if (!run_pattern(p, n, 0)) {
            return -1;
        }
        t[r] = (now_ns() - t0) / n;
    }
    return median(t, REPS);
}

/* ---- Two threads at once ----------------------------------------------- */

struct thread_arg {
    pthread_barrier_t *barrier;
    enum pattern p;
    long n;
    unsigned start;
    double ns;
    bool ok;
};

static void *chase_thread(void *opaque)
{
    struct thread_arg *a = opaque;
    double t[REPS];

    a->ok = true;
    for (int r = 0; r < REPS; r++) {
        /* Both threads start every repetition together, so they overlap. */
        pthread_barrier_wait(a->barrier);
        double t0 = now_ns();

        if (!run_pattern(a->p, a->n, a->start)) {
            a->ok = false;
        }
        t[r] = (now_ns() - t0) / a->n;
    }
    a->ns = median(t, REPS);
    return NULL;
}

/* Median ns per load of chain @p run by two threads at once. */
static bool measure_two_threads(enum pattern p, double *ns_a, double *ns_b)
{
    pthread_barrier_t barrier;
    pthread_t th[2];
    struct thread_arg arg[2];
    long n = calibrate(p);
    int err;

    err = pthread_barrier_init(&barrier, NULL, 2);
    if (err) {
        fprintf(stderr, "bench_access: pthread_barrier_init: %s\n",
                strerror(err));
        return false;
    }
    for (int i = 0; i < 2; i++) {
        /* Different starting points: the threads do not walk in step. */
        arg[i] = (struct thread_arg){ &barrier, p, n, i * (SLOTS / 2), 0,
                                      false };
        err = pthread_create(&th[i], NULL, chase_thread, &arg[i]);
        if (err) {
            fprintf(stderr, "bench_access: pthread_create: %s\n",
                    strerror(err));
            /* Nobody can pass the barrier now; there is no way back. */
            exit(1);
        }
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    pthread_barrier_destroy(&barrier);
    *ns_a = arg[0].ns;
    *ns_b = arg[1].ns;
    return arg[0].ok && arg[1].ok;
}

/* ---- Set-up ------------------------------------------------------------ */

/* Sattolo's algorithm: a random permutation that is one single cycle. */
static void build_chain(void)
{
    uint32_t perm[SLOTS];

    for (unsigned i = 0; i < SLOTS; i++) {
        perm[i] = i;
    }
    for (unsigned i = SLOTS - 1; i > 0; i--) {
        unsigned j = rng() % i;
        uint32_t tmp = perm[i];

        perm[i] = perm[j];
        perm[j] = tmp;
    }
    /* perm is now a cycle: slot i's successor is perm[i]. */
    unsigned slot = 0;

    for (unsigned k = 0; k < SLOTS; k++) {
        uint32_t next = htole32(perm[slot] * 4);

        order[k] = slot * 4;
        memcpy(host + slot * 4, &next, 4);
        slot = perm[slot];
    }
}

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)size;
    return addr;
}

static void io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)data;
    (void)size;
}

static const MemoryRegionOps io_ops = {
    .read = io_read,
    .write = io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* Add EXTRA_COUNT MMIO ranges in one transaction; false on failure. */
static bool add_extra_ranges(void)
{
    MemoryRegion *extra = calloc(EXTRA_COUNT, sizeof(*extra));
    char name[32];

    if (!extra) {
        fprintf(stderr, "bench_access: out of memory\n");
        return false;
    }
    double t0 = now_ns();

    memory_region_transaction_begin();
    for (unsigned i = 0; i < EXTRA_COUNT; i++) {
        hwaddr base = i < EXTRA_COUNT / 2 ? EXTRA_LOW_BASE : EXTRA_HIGH_BASE;
        hwaddr idx = i % (EXTRA_COUNT / 2);

        snprintf(name, sizeof(name), "extra%u", i);
        memory_region_init_io(&extra[i], NULL, &io_ops, NULL, name, 0x1000);
        memory_region_add_subregion(&root, base + idx * EXTRA_STRIDE,
                                    &extra[i]);
    }
    memory_region_transaction_commit();
    printf("  (added %d MMIO ranges in one transaction: %.1f ms)\n",
           EXTRA_COUNT, (now_ns() - t0) / 1e6);
    /* The regions stay mapped until the program exits. */
    return true;
}

static unsigned nr_ranges(void)
{
    FlatView *view = address_space_get_flatview(&as);
    unsigned n = flatview_nr_ranges(view);

    flatview_unref(view);
    return n;
}

/* ---- Report ------------------------------------------------------------ */

static void print_ratio(const char *what, double ns, const char *peer_name,
                        double peer, const char *goal)
{
    printf("%s: %.1f ns/op  %s: %.1f ns/op  ratio %.2fx%s%s%s\n",
           what, ns, peer_name, peer, ns / peer,
           goal ? " (goal " : "", goal ? goal : "", goal ? ")" : "");
}

struct figures {
    double plain_chase, ldl_chase, read_chase;
    double plain_sum, ldl_sum, read_sum;
};

/* Measure and print one configuration; false when a value was wrong. */
static bool run_config(const char *label, struct figures *f)
{
    f->plain_chase = measure(CHASE_PLAIN);
    f->ldl_chase = measure(CHASE_LDL);
    f->read_chase = measure(CHASE_READ);
    f->plain_sum = measure(SUM_PLAIN);
    f->ldl_sum = measure(SUM_LDL);
    f->read_sum = measure(SUM_READ);
    if (f->plain_chase < 0 || f->ldl_chase < 0 || f->read_chase < 0 ||
        f->plain_sum < 0 || f->ldl_sum < 0 || f->read_sum < 0) {
        return false;
    }
    char what[160];

    snprintf(what, sizeof(what),
             "ldl_le RAM, 64 KiB hot set, %s, dependent", label);
    print_ratio(what, f->ldl_chase, "plain load", f->plain_chase, "<= 3x");
    /* No goal here: an out-of-line call alone costs several independent
     * loads, which the CPU overlaps; the goal is for the dependent chain. */
    snprintf(what, sizeof(what),
             "ldl_le RAM, 64 KiB hot set, %s, indexed  ", label);
    print_ratio(what, f->ldl_sum, "plain load", f->plain_sum, NULL);
    snprintf(what, sizeof(what),
             "read 4 B RAM, 64 KiB hot set, %s, dependent", label);
    print_ratio(what, f->read_chase, "plain load", f->plain_chase, NULL);
    snprintf(what, sizeof(what),
             "read 4 B RAM, 64 KiB hot set, %s, indexed  ", label);
    print_ratio(what, f->read_sum, "plain load", f->plain_sum, NULL);
    return true;
}

int main(void)
{
    struct figures few, many;
    double t_a, t_b, p_a, p_b;

    setvbuf(stdout, NULL, _IOLBF, 0);
    memory_region_init(&root, NULL, "system", UINT64_MAX);
    memory_region_init_ram(&hot, NULL, "hot", HOT_SIZE, &error_abort);
    memory_region_add_subregion(&root, HOT_BASE, &hot);
    address_space_init(&as, &root, "bench");
    host = memory_region_get_ram_ptr(&hot);
    if (!host) {
        fprintf(stderr, "bench_access: memory_region_get_ram_ptr: NULL\n");
        return 1;
    }
    build_chain();

    printf("bench_access: %d repetitions each, median; ratios against the "
           "plain load in the same run\n", REPS);
    printf("-- few ranges (%u in the view)\n", nr_ranges());
    if (!run_config("few ranges", &few)) {
        return 1;
    }
    /* The plain chain on two threads is the floor: on a shared machine
     * two cores do not always run two chains as fast as one. */
    if (!measure_two_threads(CHASE_LDL, &t_a, &t_b) ||
        !measure_two_threads(CHASE_PLAIN, &p_a, &p_b)) {
        return 1;
    }
    printf("ldl_le RAM, 64 KiB hot set, 2 threads at once: thread A %.1f "
           "ns/op  thread B %.1f ns/op  one thread: %.1f ns/op  "
           "ratio %.2fx / %.2fx\n",
           t_a, t_b, few.ldl_chase, t_a / few.ldl_chase, t_b / few.ldl_chase);
    printf("plain load, 2 threads at once: thread A %.1f ns/op  thread B "
           "%.1f ns/op  one thread: %.1f ns/op  ratio %.2fx / %.2fx\n",
           p_a, p_b, few.plain_chase, p_a / few.plain_chase,
           p_b / few.plain_chase);

    if (!add_extra_ranges()) {
        return 1;
    }
    printf("-- many ranges (%u in the view)\n", nr_ranges());
    if (!run_config("100k ranges", &many)) {
        return 1;
    }
    print_ratio("ldl_le, 100k ranges vs few ranges, dependent", many.ldl_chase,
                "few ranges", few.ldl_chase, "<= 1.5x");
    print_ratio("ldl_le, 100k ranges vs few ranges, indexed  ", many.ldl_sum,
                "few ranges", few.ldl_sum, "<= 1.5x");
    print_ratio("read 4 B, 100k ranges vs few ranges, dependent",
                many.read_chase, "few ranges", few.read_chase, NULL);

    if (failures) {
        fprintf(stderr, "bench_access: %d wrong results\n", failures);
        return 1;
    }
    return 0;
}
