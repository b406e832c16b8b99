/*
 * tests/bench/bench_util.h — what every benchmark shares: one clock, the
 * median of repeated runs, and a reproducible random generator.
 *
 * Header-only (static functions) so that each benchmark stays one program
 * built from its own file.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic time in nanoseconds. */
static inline double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median of @n figures (sorts @v in place); a noisy machine's outliers
 * move the mean, not the median. */
static inline double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* xorshift64: reproducible runs without libc's hidden state. */
static inline uint64_t bench_xorshift(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

#endif /* BENCH_UTIL_H */
