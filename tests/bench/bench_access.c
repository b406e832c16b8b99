/*
 * tests/bench/bench_access.c — cost of one guest load through memcore.
 *
 * The hot set is 20,000 4-byte words (80,000 bytes) of one RAM region.
 * A random single-cycle permutation links them: each word holds the
 * number of the next word to visit.  The same host bytes are shown to the
 * guest in three layouts, each an address space of its own:
 *
 *   one range     the RAM region mapped whole;
 *   10k ranges    10,000 aliases of 8 bytes of it, one per guest page;
 *   100k ranges   100,000 aliases of 8 bytes of a second 800,000-byte
 *                 region (its own words, its own chain), one per page.
 *
 * Two patterns are timed in each layout, through address_space_ldl_le and
 * through the host pointer (the floor: a plain load of the same bytes):
 *
 *   dependent   follow the chain: each address comes from the previous
 *               load, so no two loads overlap (latency);
 *   indexed     walk a precomputed random order and sum the words, so a
 *               CPU can overlap the calls (throughput): the access path's
 *               cost per call, which is what the "at most 3x a plain
 *               load" goal is about.
 *
 * Every load through memcore must return the word the host pointer shows
 * (chains end where they started, sums match); a wrong value exits 1.
 * In the spread layouts every load needs a real lookup among all the
 * ranges: consecutive loads are on different guest pages, ranges, and
 * dispatch-index slots.
 *
 * Two further figures put the goals in context:
 *   - the floor of any RCU-protected access: a liburcu memb read lock and
 *     unlock (inlined, as libmemcore does) around the same plain load;
 *   - reader scaling: two threads, each chasing its own chain in its own
 *     RAM region (two different ranges), beside one thread alone, and the
 *     same for plain loads (two cores of a shared VM slow each other too).
 *
 * Missed goals are printed, never fatal: performance lives here, not in
 * make check.
 */
#define _LGPL_SOURCE /* inline liburcu's read side, as libmemcore does */
#include <urcu/urcu-memb.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "bench_util.h"

#define WORDS 20000u           /* 80,000 bytes of hot set */
#define SPREAD_RANGES 10000u   /* two words per range */
#define BIG_RANGES 100000u
#define BIG_WORDS (2 * BIG_RANGES)
#define ONE_BASE 0x40000000ULL
#define SPREAD_BASE 0x100000000ULL   /* one 8-byte range per 4 KiB page */
#define BIG_BASE 0x200000000ULL
#define PAGE 0x1000ULL
#define REPS 7
#define TARGET_REP_NS 40000000.0

static int failures;

static void fail(const char *what, uint64_t expected, uint64_t actual)
{
    fprintf(stderr, "bench_access: %s: expected 0x%" PRIx64 ", got 0x%" PRIx64
            "\n", what, expected, actual);
    __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED); /* also threads */
}

/*
 * One layout: @n words, where guest address gaddr[k] shows host word
 * hptr[k]; word k holds the number of the word that follows it in the
 * chain; order[] visits every word once in random order.
 */
typedef struct Layout {
    const char *name;
    AddressSpace *as;
    unsigned n;
    hwaddr *gaddr;
    uint32_t **hptr;
    uint32_t *order;   /* the chain's order: order[k+1] follows order[k] */
    hwaddr *gorder;    /* gaddr[order[k]], for the indexed pattern */
    uint32_t **horder; /* hptr[order[k]] */
    uint64_t lap_sum;  /* sum of all word values: 0 + 1 + ... + n-1 */
} Layout;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    return bench_xorshift(&rng_state);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);

    if (!p) {
        fprintf(stderr, "bench_access: out of memory\n");
        exit(1);
    }
    return p;
}

/* Sattolo's algorithm: a random permutation that is one single cycle. */
static void layout_chain(Layout *l)
{
    uint32_t *next = xcalloc(l->n, sizeof(*next));

    for (unsigned i = 0; i < l->n; i++) {
        next[i] = i;
    }
    for (unsigned i = l->n - 1; i > 0; i--) {
        unsigned j = rng() % i;
        uint32_t t = next[i];

        next[i] = next[j];
        next[j] = t;
    }
    l->order = xcalloc(l->n, sizeof(*l->order));
    l->gorder = xcalloc(l->n, sizeof(*l->gorder));
    l->horder = xcalloc(l->n, sizeof(*l->horder));
    unsigned w = 0;
    for (unsigned k = 0; k < l->n; k++) {
        l->order[k] = w;
        l->gorder[k] = l->gaddr[w];
        l->horder[k] = l->hptr[w];
        *l->hptr[w] = next[w]; /* little-endian host, ldl_le reads it */
        w = next[w];
    }
    l->lap_sum = (uint64_t)l->n * (l->n - 1) / 2;
    free(next);
}

/* ---- The measured loops: @laps whole laps of the chain or the order ---- */

static uint32_t chase_plain(const Layout *l, uint32_t w, long laps)
{
    for (long i = 0; i < laps * (long)l->n; i++) {
        w = *l->hptr[w];
    }
    return w;
}

static uint32_t chase_ldl(const Layout *l, uint32_t w, long laps,
                          MemTxResult *res)
{
    MemTxResult r = MEMTX_OK, one;

    for (long i = 0; i < laps * (long)l->n; i++) {
        w = address_space_ldl_le(l->as, l->gaddr[w], MEMTXATTRS_UNSPECIFIED,
                                 &one);
        r |= one;
    }
    *res = r;
    return w;
}

static uint64_t sum_plain(const Layout *l, long laps)
{
    uint64_t sum = 0;

    for (long lap = 0; lap < laps; lap++) {
        for (unsigned k = 0; k < l->n; k++) {
            sum += *l->horder[k];
        }
    }
    return sum;
}

/* The floor of any access under RCU: a read section around a plain load. */
static uint64_t sum_rcu_plain(const Layout *l, long laps)
{
    uint64_t sum = 0;

    for (long lap = 0; lap < laps; lap++) {
        for (unsigned k = 0; k < l->n; k++) {
            urcu_memb_read_lock();
            sum += *l->horder[k];
            urcu_memb_read_unlock();
        }
    }
    return sum;
}

static uint64_t sum_ldl(const Layout *l, long laps, MemTxResult *res)
{
    uint64_t sum = 0;
    MemTxResult r = MEMTX_OK, one;

    for (long lap = 0; lap < laps; lap++) {
        for (unsigned k = 0; k < l->n; k++) {
            sum += address_space_ldl_le(l->as, l->gorder[k],
                                        MEMTXATTRS_UNSPECIFIED, &one);
            r |= one;
        }
    }
    *res = r;
    return sum;
}

enum pattern { CHASE_PLAIN, CHASE_LDL, SUM_PLAIN, SUM_RCU_PLAIN, SUM_LDL };

static const char *const pattern_name[] = {
    "plain chase", "ldl chase", "plain indexed", "rcu+plain indexed",
    "ldl indexed",
};

/* Run @p for @laps laps; false on a wrong result. */
static bool run_pattern(const Layout *l, enum pattern p, long laps,
                        unsigned start)
{
    MemTxResult res = MEMTX_OK;
    uint64_t got, want;
    uint32_t w0 = l->order[start];

    switch (p) {
    case CHASE_PLAIN:
        got = chase_plain(l, w0, laps);
        want = w0;
        break;
    case CHASE_LDL:
        got = chase_ldl(l, w0, laps, &res);
        want = w0;
        break;
    case SUM_PLAIN:
        got = sum_plain(l, laps);
        want = l->lap_sum * laps;
        break;
    case SUM_RCU_PLAIN:
        got = sum_rcu_plain(l, laps);
        want = l->lap_sum * laps;
        break;
    default:
        got = sum_ldl(l, laps, &res);
        want = l->lap_sum * laps;
        break;
    }
    char what[96];
    snprintf(what, sizeof(what), "%s, %s", l->name, pattern_name[p]);
    if (res != MEMTX_OK) {
        fail(what, MEMTX_OK, res);
        return false;
    }
    if (got != want) {
        fail(what, want, got);
        return false;
    }
    return true;
}

/* Laps that make one repetition of @p last about TARGET_REP_NS. */
static long calibrate(const Layout *l, enum pattern p)
{
    double t0 = now_ns();

    run_pattern(l, p, 1, 0);
    double lap = now_ns() - t0;
    long laps = (long)(TARGET_REP_NS / (lap > 1 ? lap : 1));

    return laps < 1 ? 1 : laps;
}

/* Median ns per load of @p, or -1 when a result was wrong. */
static double measure(const Layout *l, enum pattern p)
{
    double t[REPS];
    long laps = calibrate(l, p);

    for (int r = 0; r < REPS; r++) {
        double t0 = now_ns();

        if (!run_pattern(l, p, laps, 0)) {
            return -1;
        }
        t[r] = (now_ns() - t0) / ((double)laps * l->n);
    }
    return median(t, REPS);
}

/* ---- Two readers at once ----------------------------------------------- */

struct thread_arg {
    pthread_barrier_t *barrier;
    const Layout *l;
    enum pattern p;
    long laps;
    double ns;
    bool ok;
};

static void *reader_thread(void *opaque)
{
    struct thread_arg *a = opaque;
    double t[REPS];

    a->ok = true;
    for (int r = 0; r < REPS; r++) {
        /* Both threads start every repetition together, so they overlap. */
        pthread_barrier_wait(a->barrier);
        double t0 = now_ns();

        if (!run_pattern(a->l, a->p, a->laps, 0)) {
            a->ok = false;
        }
        t[r] = (now_ns() - t0) / ((double)a->laps * a->l->n);
    }
    a->ns = median(t, REPS);
    return NULL;
}

/* Median ns per load of @p, run on @a and @b by two threads at once. */
static bool measure_two(const Layout *a, const Layout *b, enum pattern p,
                        double *ns_a, double *ns_b)
{
    pthread_barrier_t barrier;
    pthread_t th[2];
    struct thread_arg arg[2];
    const Layout *ls[2] = { a, b };
    int err = pthread_barrier_init(&barrier, NULL, 2);

    if (err) {
        fprintf(stderr, "bench_access: pthread_barrier_init: %s\n",
                strerror(err));
        return false;
    }
    for (int i = 0; i < 2; i++) {
        arg[i] = (struct thread_arg){ &barrier, ls[i], p,
                                      calibrate(ls[i], p), 0, false };
    }
    for (int i = 0; i < 2; i++) {
        err = pthread_create(&th[i], NULL, reader_thread, &arg[i]);
        if (err) {
            fprintf(stderr, "bench_access: pthread_create: %s\n",
                    strerror(err));
            exit(1); /* nobody can pass the barrier now */
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

static MemoryRegion root, hot, hot2, big;
static AddressSpace as_one, as_spread, as_big, as_two;

static uint32_t *ram(MemoryRegion *mr, const char *name, uint64_t size)
{
    memory_region_init_ram(mr, NULL, name, size, &error_abort);
    return memory_region_get_ram_ptr(mr);
}

/* @n words of @mr seen whole at @base of the root of @as. */
static void layout_one(Layout *l, const char *name, AddressSpace *as,
                       MemoryRegion *mr, uint32_t *host, hwaddr base,
                       unsigned n)
{
    static MemoryRegion roots[2];
    static int nroots;
    MemoryRegion *r = &roots[nroots++];

    memory_region_init(r, NULL, name, UINT64_MAX);
    memory_region_add_subregion(r, base, mr);
    address_space_init(as, r, name);
    *l = (Layout){ .name = name, .as = as, .n = n };
    l->gaddr = xcalloc(n, sizeof(*l->gaddr));
    l->hptr = xcalloc(n, sizeof(*l->hptr));
    for (unsigned k = 0; k < n; k++) {
        l->gaddr[k] = base + 4ULL * k;
        l->hptr[k] = host + k;
    }
    layout_chain(l);
}

/* @ranges aliases of 8 bytes of @mr, one per page from @base. */
static void layout_spread(Layout *l, const char *name, AddressSpace *as,
                          MemoryRegion *mr, uint32_t *host, hwaddr base,
                          unsigned ranges)
{
    MemoryRegion *alias = xcalloc(ranges, sizeof(*alias));
    static MemoryRegion roots[2];
    static int nroots;
    MemoryRegion *r = &roots[nroots++];
    double t0 = now_ns();

    memory_region_init(r, NULL, name, UINT64_MAX);
    memory_region_transaction_begin();
    for (unsigned i = 0; i < ranges; i++) {
        memory_region_init_alias(&alias[i], NULL, "slice", mr, 8ULL * i, 8);
        memory_region_add_subregion(r, base + PAGE * i, &alias[i]);
    }
    memory_region_transaction_commit();
    address_space_init(as, r, name);
    FlatView *v = address_space_get_flatview(as);
    printf("  (%s: %u ranges in the view, built in %.1f ms)\n", name,
           flatview_nr_ranges(v), (now_ns() - t0) / 1e6);
    flatview_unref(v);
    *l = (Layout){ .name = name, .as = as, .n = 2 * ranges };
    l->gaddr = xcalloc(l->n, sizeof(*l->gaddr));
    l->hptr = xcalloc(l->n, sizeof(*l->hptr));
    for (unsigned k = 0; k < l->n; k++) {
        l->gaddr[k] = base + PAGE * (k / 2) + 4 * (k % 2);
        l->hptr[k] = host + k;
    }
    layout_chain(l);
    /* The aliases stay mapped until the program exits. */
}

/* ---- Report ------------------------------------------------------------ */

static void ratio(const char *what, double ns, const char *peer_name,
                  double peer, const char *goal)
{
    printf("%-52s %6.2f ns  %-22s %6.2f ns  ratio %5.2fx%s%s%s\n", what, ns,
           peer_name, peer, ns / peer, goal ? "  (goal " : "",
           goal ? goal : "", goal ? ")" : "");
}

typedef struct Figures {
    double plain_chase, ldl_chase, plain_sum, rcu_sum, ldl_sum;
} Figures;

static bool measure_layout(const Layout *l, Figures *f)
{
    f->plain_chase = measure(l, CHASE_PLAIN);
    f->ldl_chase = measure(l, CHASE_LDL);
    f->plain_sum = measure(l, SUM_PLAIN);
    f->rcu_sum = measure(l, SUM_RCU_PLAIN);
    f->ldl_sum = measure(l, SUM_LDL);
    if (f->plain_chase < 0 || f->ldl_chase < 0 || f->plain_sum < 0 ||
        f->rcu_sum < 0 || f->ldl_sum < 0) {
        return false;
    }
    char what[96];

    snprintf(what, sizeof(what), "ldl_le, %s, indexed", l->name);
    ratio(what, f->ldl_sum, "plain load", f->plain_sum, "<= 3x");
    snprintf(what, sizeof(what), "  rcu read section + plain load, %s",
          l->name);
    ratio(what, f->rcu_sum, "plain load", f->plain_sum, NULL);
    snprintf(what, sizeof(what), "ldl_le, %s, dependent", l->name);
    ratio(what, f->ldl_chase, "plain load", f->plain_chase, NULL);
    return true;
}

int main(void)
{
    Layout one, spread, bigl, two;
    Figures f_one, f_spread, f_big;
    double a, b, pa, pb, solo, psolo;

    setvbuf(stdout, NULL, _IOLBF, 0);
    urcu_memb_register_thread(); /* for the rcu+plain floor */
    memory_region_init(&root, NULL, "unused", UINT64_MAX);
    uint32_t *host = ram(&hot, "hot", 4ULL * WORDS);
    uint32_t *host2 = ram(&hot2, "hot2", 4ULL * WORDS);
    uint32_t *bighost = ram(&big, "big", 4ULL * BIG_WORDS);

    printf("bench_access: %d repetitions each, median; ratios against "
           "plain loads of the same bytes in the same run\n", REPS);
    layout_one(&one, "one range", &as_one, &hot, host, ONE_BASE, WORDS);
    layout_one(&two, "second range", &as_two, &hot2, host2, ONE_BASE,
               WORDS);
    /* The spread layouts show the same host words as "one range" and
     * "big": their chains are rebuilt, so measure "one range" first. */
    if (!measure_layout(&one, &f_one)) {
        return 1;
    }

    /* Two readers, each on its own RAM region (two ranges, two views). */
    if (!measure_two(&one, &two, CHASE_LDL, &a, &b) ||
        !measure_two(&one, &two, CHASE_PLAIN, &pa, &pb)) {
        return 1;
    }
    solo = measure(&one, CHASE_LDL);
    psolo = measure(&one, CHASE_PLAIN);
    ratio("ldl_le dependent, 2 readers at once: reader A", a,
          "one reader alone", solo, "<= 1.2x");
    ratio("ldl_le dependent, 2 readers at once: reader B", b,
          "one reader alone", solo, "<= 1.2x");
    ratio("plain load dependent, 2 threads at once: A", pa,
          "one thread alone", psolo, NULL);
    ratio("plain load dependent, 2 threads at once: B", pb,
          "one thread alone", psolo, NULL);
    if (!measure_two(&one, &two, SUM_LDL, &a, &b)) {
        return 1;
    }
    ratio("ldl_le indexed, 2 readers at once: reader A", a,
          "one reader alone", f_one.ldl_sum, "<= 1.2x");
    ratio("ldl_le indexed, 2 readers at once: reader B", b,
          "one reader alone", f_one.ldl_sum, "<= 1.2x");

    layout_spread(&spread, "10k ranges", &as_spread, &hot, host,
                  SPREAD_BASE, SPREAD_RANGES);
    if (!measure_layout(&spread, &f_spread)) {
        return 1;
    }
    layout_spread(&bigl, "100k ranges", &as_big, &big, bighost, BIG_BASE,
                  BIG_RANGES);
    if (!measure_layout(&bigl, &f_big)) {
        return 1;
    }
    ratio("ldl_le indexed, 10k ranges vs one range", f_spread.ldl_sum,
          "one range", f_one.ldl_sum, "<= 1.5x");
    ratio("ldl_le indexed, 100k ranges vs one range", f_big.ldl_sum,
          "one range", f_one.ldl_sum, NULL);
    ratio("ldl_le dependent, 10k ranges vs one range", f_spread.ldl_chase,
          "one range", f_one.ldl_chase, NULL);
    ratio("ldl_le dependent, 100k ranges vs one range", f_big.ldl_chase,
          "one range", f_one.ldl_chase, NULL);

    if (failures) {
        fprintf(stderr, "bench_access: %d wrong results\n", failures);
        return 1;
    }
    return 0;
}
