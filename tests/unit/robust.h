/*
 * tests/unit/robust.h — small helpers shared by the robustness tests of
 * tests/unit/robust.mk (stress tests of the lock-free access path and the
 * 2^64 edge cases).  Header-only, public API only.
 *
 * Stress tests bound every loop by an iteration count AND a wall-clock
 * limit, stop their threads through atomics and never sleep.  A thread
 * that sees something wrong records the first failure with rb_fail(); the
 * main thread asserts rb_failed() is false after joining, so every
 * thread's failure reaches a ck_assert.
 */
#ifndef TESTS_UNIT_ROBUST_H
#define TESTS_UNIT_ROBUST_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

static inline double rb_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static atomic_bool rb_failed_flag;
static char rb_failure[512]; /* written once, by whoever set the flag */

/* rb_fail: record the first failure of any thread (later ones are
 * dropped); the main thread reports it with rb_assert_no_failure(). */
static inline void rb_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static inline void rb_fail(const char *fmt, ...)
{
    bool expected = false;
    va_list ap;

    if (!atomic_compare_exchange_strong(&rb_failed_flag, &expected, true)) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(rb_failure, sizeof(rb_failure), fmt, ap);
    va_end(ap);
}

static inline bool rb_failed(void)
{
    return atomic_load(&rb_failed_flag);
}

static inline void rb_reset(void)
{
    atomic_store(&rb_failed_flag, false);
    rb_failure[0] = '\0';
}

/*
 * rb_time_up: the end of a stress loop that started at @start: after @run
 * seconds, once it has done @min units of work (a loaded machine or a
 * sanitizer build may give a thread little of those seconds, and the
 * test's "did enough" assertion must not fail for that), and in any case
 * after RB_HARD_LIMIT seconds, well inside the test case's timeout.
 * Threads that must outlive the loop wait for its end with
 * rb_now() < start + RB_HARD_LIMIT + slack.
 */
#define RB_HARD_LIMIT 20.0

static inline bool rb_time_up(double start, double run, unsigned long done,
                              unsigned long min)
{
    double t = rb_now() - start;

    return t > RB_HARD_LIMIT || (t > run && done >= min);
}

#define rb_assert_no_failure() \
    ck_assert_msg(!rb_failed(), "%s", rb_failure)

#endif /* TESTS_UNIT_ROBUST_H */
