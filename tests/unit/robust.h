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

#define rb_assert_no_failure() \
    ck_assert_msg(!rb_failed(), "%s", rb_failure)

#endif /* TESTS_UNIT_ROBUST_H */
