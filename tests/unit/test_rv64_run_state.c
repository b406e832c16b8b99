/*
 * tests/unit/test_rv64_run_state.c — cpu.h's run-state observers: one
 * call per change of cpu_is_running(), with the reason (resume, step,
 * pause, debug, breakpoint, watchpoint, request, shutdown), none for
 * pauses and resets, in order and alternating also when changes come
 * from several threads or pile up behind a slow observer, several
 * observers beside the stop callback, and removal (never called after
 * cpu_run_observer_remove returns).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "test_rv64_fixture.h"
#include "robust.h"
#include "../../server/riscv/cpu.h"
#include "check_run.h"

#define MMIO_BASE 0x10000000ull
#define LOG_MAX 4096

typedef struct Change {
    bool running;
    CpuRunReason reason;
} Change;

typedef struct Log {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    Change c[LOG_MAX];
    unsigned n;
    /* test knobs */
    atomic_bool hold_first;     /* block in the first call until released */
    atomic_bool in_call, release;
    atomic_bool removed;        /* set once cpu_run_observer_remove returned */
} Log;

static CpuSet *cs;
static Log obs_a, obs_b;
static atomic_uint stops;       /* the stop callback, still called */
static _Atomic CpuStopReason last_stop;

static void on_stop(void *opaque, unsigned h, CpuStopReason reason,
                    uint64_t addr)
{
    (void)opaque; (void)h; (void)addr;
    last_stop = reason;
    atomic_fetch_add(&stops, 1);
}

static void observe(void *opaque, bool running, CpuRunReason reason)
{
    Log *l = opaque;

    if (atomic_load(&l->removed)) {
        rb_fail("observer called after cpu_run_observer_remove returned");
    }
    if (atomic_load(&l->hold_first) && !atomic_load(&l->in_call)) {
        atomic_store(&l->in_call, true);
        for (long i = 0; i < 100000000 && !atomic_load(&l->release); i++) {
            sched_yield();
        }
    }
    /* no cpu.h lock is held: this would deadlock otherwise */
    (void)cpu_is_running(cs);
    pthread_mutex_lock(&l->lock);
    if (l->n < LOG_MAX) {
        l->c[l->n] = (Change){ running, reason };
    }
    l->n++;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
    if (atomic_load(&l->removed)) {
        rb_fail("observer still running after cpu_run_observer_remove "
                "returned");
    }
}

static void log_init(Log *l)
{
    memset(l, 0, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->cond, NULL);
}

/* Wait (10 s at most) until @l has @n entries; then how many it has. */
static unsigned log_wait(Log *l, unsigned n)
{
    struct timespec until;
    unsigned got;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&l->lock);
    while (l->n < n &&
           pthread_cond_timedwait(&l->cond, &l->lock, &until) == 0) {
    }
    got = l->n;
    pthread_mutex_unlock(&l->lock);
    return got;
}

static void expect(Log *l, unsigned i, bool running, CpuRunReason reason)
{
    ck_assert_uint_ge(log_wait(l, i + 1), i + 1);
    ck_assert_msg(l->c[i].running == running && l->c[i].reason == reason,
                  "change %u: got %s/%s, expected %s/%s", i,
                  l->c[i].running ? "running" : "stopped",
                  cpu_run_reason_name(l->c[i].reason),
                  running ? "running" : "stopped",
                  cpu_run_reason_name(reason));
}

/* MMIO: a write to 8 is a watchpoint hit, to 0x10 a stop request */
static void mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque; (void)data; (void)size;
    if (addr == 8) {
        cpu_request_stop(CPU_STOP_WATCHPOINT, MMIO_BASE + addr);
    } else if (addr == 0x10) {
        cpu_request_stop(CPU_STOP_REQUEST, MMIO_BASE + addr);
    }
}
static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque; (void)addr; (void)size;
    return 0;
}
static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};
static MemoryRegion mmio_mr;

static void setup(void)
{
    CpuConfig cfg = { .nharts = 2, .reset_pc = RAM_BASE, .on_stop = on_stop };

    rb_reset();
    rv_setup();
    memset(&mmio_mr, 0, sizeof(mmio_mr));
    memory_region_init_io(&mmio_mr, NULL, &mmio_ops, NULL, "mmio", 0x1000);
    memory_region_add_subregion(&fx_root_mr, MMIO_BASE, &mmio_mr);
    /* 0: addi a1,a1,1   4: j 0 */
    put(0, ADDI(11, 11, 1));
    put(4, enc_j(0, -4));
    cfg.as = fx_as;
    cs = cpu_create(&cfg);
    ck_assert_ptr_nonnull(cs);
    log_init(&obs_a);
    log_init(&obs_b);
    atomic_store(&stops, 0);
    ck_assert_int_eq(cpu_run_observer_add(cs, observe, &obs_a), 0);
}

static void teardown(void)
{
    cpu_destroy(cs);
    rv_teardown();
    rb_assert_no_failure();
}

START_TEST(test_resume_and_stops)
{
    cpu_resume_all(cs);
    expect(&obs_a, 0, true, CPU_RUN_RESUME);
    cpu_stop_all(cs);
    expect(&obs_a, 1, false, CPU_RUN_PAUSE);
    cpu_stop_all(cs);            /* already stopped: no change */
    cpu_resume_all(cs);
    cpu_resume_all(cs);          /* already running: no change */
    expect(&obs_a, 2, true, CPU_RUN_RESUME);
    cpu_stop_all_for(cs, CPU_RUN_DEBUG);
    expect(&obs_a, 3, false, CPU_RUN_DEBUG);
    cpu_run_observers_sync(cs);
    ck_assert_uint_eq(obs_a.n, 4);
    ck_assert_uint_eq(atomic_load(&stops), 0);
}
END_TEST

/* Pauses, resets and breakpoint changes park the harts for a moment:
 * not a change. */
START_TEST(test_holds_are_no_change)
{
    bool was;

    cpu_resume_all(cs);
    expect(&obs_a, 0, true, CPU_RUN_RESUME);
    was = cpu_pause(cs);
    ck_assert(was);
    cpu_unpause(cs, was);
    cpu_reset(cs);
    ck_assert_int_eq(cpu_breakpoint_insert(cs, RAM_BASE + 0x800), 0);
    cpu_run_observers_sync(cs);
    ck_assert_uint_eq(obs_a.n, 1);
    cpu_stop_all(cs);
    expect(&obs_a, 1, false, CPU_RUN_PAUSE);
    /* a pause of a stopped set is no change either */
    was = cpu_pause(cs);
    cpu_unpause(cs, was);
    cpu_reset(cs);
    cpu_run_observers_sync(cs);
    ck_assert_uint_eq(obs_a.n, 2);
    cpu_resume_all(cs);
    expect(&obs_a, 2, true, CPU_RUN_RESUME);
}
END_TEST

START_TEST(test_step_and_breakpoint)
{
    ck_assert_int_eq(cpu_step(cs, 1), 0);
    expect(&obs_a, 0, true, CPU_RUN_STEP);
    expect(&obs_a, 1, false, CPU_RUN_STEP);
    ck_assert_int_eq(cpu_breakpoint_insert(cs, RAM_BASE), 0);
    cpu_wait_stopped(cs);
    cpu_resume_all(cs);
    expect(&obs_a, 2, true, CPU_RUN_RESUME);
    expect(&obs_a, 3, false, CPU_RUN_BREAKPOINT);
    /* the gdb target's stop callback still hears both */
    for (int i = 0; i < 1000000 && atomic_load(&stops) < 2; i++) {
        sched_yield();
    }
    ck_assert_uint_eq(atomic_load(&stops), 2);
    ck_assert_int_eq(last_stop, CPU_STOP_BREAKPOINT);
}
END_TEST

/* hart 0 at 0x100: li t0,MMIO; sw zero,OFF(t0); j . */
static void store_then_spin(unsigned off)
{
    put(0x100, enc_u(0x37, 5, MMIO_BASE >> 12));
    put(0x104, enc_s(2, 5, 0, (int32_t)off));
    put(0x108, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x100), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x108), 0);
}

START_TEST(test_request_and_watchpoint)
{
    store_then_spin(0x10);
    cpu_resume_all(cs);
    expect(&obs_a, 0, true, CPU_RUN_RESUME);
    expect(&obs_a, 1, false, CPU_RUN_REQUEST);
    cpu_wait_stopped(cs);
    store_then_spin(8);
    cpu_resume_all(cs);
    expect(&obs_a, 2, true, CPU_RUN_RESUME);
    expect(&obs_a, 3, false, CPU_RUN_WATCHPOINT);
    /* from another thread, while running */
    cpu_wait_stopped(cs);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE), 0);
    cpu_resume_all(cs);
    cpu_request_stop(CPU_STOP_REQUEST, 0);
    expect(&obs_a, 4, true, CPU_RUN_RESUME);
    expect(&obs_a, 5, false, CPU_RUN_REQUEST);
}
END_TEST

START_TEST(test_destroy_running)
{
    cpu_resume_all(cs);
    cpu_destroy(cs);
    cs = NULL;
    expect(&obs_a, 0, true, CPU_RUN_RESUME);
    expect(&obs_a, 1, false, CPU_RUN_SHUTDOWN);
    ck_assert_uint_eq(obs_a.n, 2);   /* destroy told everything */
}
END_TEST

START_TEST(test_several_observers)
{
    Log extra[3];

    cpu_resume_all(cs);
    ck_assert_int_eq(cpu_run_observer_add(cs, observe, &obs_b), 0);
    cpu_stop_all(cs);
    for (int i = 0; i < 2; i++) {
        log_init(&extra[i]);
        ck_assert_int_eq(cpu_run_observer_add(cs, observe, &extra[i]), 0);
    }
    log_init(&extra[2]);
    ck_assert_int_eq(cpu_run_observer_add(cs, observe, &extra[2]), -ENOSPC);
    cpu_resume_all(cs);
    cpu_stop_all(cs);
    expect(&obs_a, 0, true, CPU_RUN_RESUME);
    expect(&obs_a, 1, false, CPU_RUN_PAUSE);
    expect(&obs_a, 2, true, CPU_RUN_RESUME);
    expect(&obs_a, 3, false, CPU_RUN_PAUSE);
    /* an observer hears only what changed after it was added */
    expect(&obs_b, 0, false, CPU_RUN_PAUSE);
    expect(&obs_b, 1, true, CPU_RUN_RESUME);
    expect(&obs_b, 2, false, CPU_RUN_PAUSE);
    expect(&extra[1], 0, true, CPU_RUN_RESUME);
    expect(&extra[1], 1, false, CPU_RUN_PAUSE);
    cpu_run_observer_remove(cs, observe, &obs_b);
    atomic_store(&obs_b.removed, true);
    cpu_run_observer_remove(cs, observe, &extra[0]);
    cpu_run_observer_remove(cs, observe, &extra[1]);
    cpu_run_observer_remove(cs, observe, &extra[1]);   /* unknown: ignored */
    cpu_resume_all(cs);
    expect(&obs_a, 4, true, CPU_RUN_RESUME);
    cpu_run_observers_sync(cs);
    ck_assert_uint_eq(obs_b.n, 3);
    ck_assert_uint_eq(extra[0].n, 2);
}
END_TEST

static void *resume_thread(void *arg)
{
    (void)arg;
    cpu_resume_all(cs);
    return NULL;
}

static atomic_bool removing, remove_returned;
static void *remove_thread(void *arg)
{
    Log *l = arg;

    atomic_store(&removing, true);
    cpu_run_observer_remove(cs, observe, l);
    atomic_store(&l->removed, true);
    atomic_store(&remove_returned, true);
    return NULL;
}

/* cpu_run_observer_remove waits for a call in progress on another
 * thread; the observer is never called after it returns. */
START_TEST(test_remove_waits)
{
    pthread_t t, r;

    atomic_store(&obs_a.hold_first, true);
    pthread_create(&t, NULL, resume_thread, NULL);
    while (!atomic_load(&obs_a.in_call)) {
        sched_yield();
    }
    pthread_create(&r, NULL, remove_thread, &obs_a);
    while (!atomic_load(&removing)) {
        sched_yield();
    }
    for (int i = 0; i < 2000 && !atomic_load(&remove_returned); i++) {
        sched_yield();
    }
    /* a remove that returned now would be wrong: the call runs on */
    ck_assert(!atomic_load(&remove_returned));
    atomic_store(&obs_a.release, true);
    pthread_join(t, NULL);
    pthread_join(r, NULL);
    cpu_stop_all(cs);
    cpu_resume_all(cs);
    cpu_stop_all(cs);
    cpu_run_observers_sync(cs);
    ck_assert_uint_eq(obs_a.n, 1);
}
END_TEST

static void observe_and_remove(void *opaque, bool running, CpuRunReason reason)
{
    observe(opaque, running, reason);
    cpu_run_observer_remove(cs, observe_and_remove, opaque);
}

START_TEST(test_remove_itself)
{
    ck_assert_int_eq(cpu_run_observer_add(cs, observe_and_remove, &obs_b), 0);
    cpu_resume_all(cs);
    cpu_stop_all(cs);
    cpu_resume_all(cs);
    expect(&obs_a, 2, true, CPU_RUN_RESUME);
    cpu_run_observers_sync(cs);
    ck_assert_uint_eq(obs_b.n, 1);
}
END_TEST

/* A stuck observer: the changes made meanwhile pile up; the oldest pairs
 * are dropped, and what it hears still alternates and ends in the
 * current state. */
START_TEST(test_lagging_observer)
{
    pthread_t t;

    atomic_store(&obs_a.hold_first, true);
    pthread_create(&t, NULL, resume_thread, NULL);
    while (!atomic_load(&obs_a.in_call)) {
        sched_yield();
    }
    for (int i = 0; i < 40; i++) {
        cpu_stop_all(cs);
        cpu_resume_all(cs);
    }
    cpu_stop_all(cs);
    atomic_store(&obs_a.release, true);
    pthread_join(t, NULL);
    cpu_run_observers_sync(cs);
    ck_assert_uint_ge(obs_a.n, 2);
    ck_assert_uint_le(obs_a.n, 1 + 16);
    for (unsigned i = 1; i < obs_a.n; i++) {
        ck_assert(obs_a.c[i].running != obs_a.c[i - 1].running);
    }
    ck_assert(!obs_a.c[obs_a.n - 1].running);
    ck_assert(!cpu_is_running(cs));
}
END_TEST

/* ---- several threads change the state at once ---------------------------- */

static atomic_bool stress_done;

static void *controller(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    double until = rb_now() + 1.5;

    for (int i = 0; i < 3000 && rb_now() < until; i++) {
        switch (rand_r(&seed) % 5) {
        case 0:
        case 1:
            cpu_resume_all(cs);
            break;
        case 2:
            cpu_stop_all(cs);
            break;
        case 3:
            cpu_stop_all_for(cs, CPU_RUN_DEBUG);
            break;
        case 4:
            cpu_step(cs, rand_r(&seed) % 2);   /* -EBUSY when running */
            break;
        }
    }
    return NULL;
}

static void *requester(void *arg)
{
    (void)arg;
    while (!atomic_load(&stress_done)) {
        cpu_request_stop(CPU_STOP_REQUEST, 0);
        sched_yield();
    }
    return NULL;
}

START_TEST(test_threads)
{
    pthread_t c[2], r;

    atomic_store(&stress_done, false);
    pthread_create(&r, NULL, requester, NULL);
    for (int i = 0; i < 2; i++) {
        pthread_create(&c[i], NULL, controller, (void *)(uintptr_t)(i + 1));
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(c[i], NULL);
    }
    atomic_store(&stress_done, true);
    pthread_join(r, NULL);
    cpu_stop_all(cs);
    cpu_wait_stopped(cs);
    /* every change told: the last one says stopped */
    cpu_run_observers_sync(cs);
    ck_assert_uint_gt(obs_a.n, 2);
    ck_assert_uint_le(obs_a.n, LOG_MAX);
    ck_assert(obs_a.c[0].running);
    for (unsigned i = 0; i < obs_a.n; i++) {
        Change x = obs_a.c[i];

        if (i > 0) {
            ck_assert_msg(x.running != obs_a.c[i - 1].running,
                          "changes %u and %u both say %s", i - 1, i,
                          x.running ? "running" : "stopped");
        }
        if (x.running) {
            ck_assert(x.reason == CPU_RUN_RESUME || x.reason == CPU_RUN_STEP);
        } else {
            ck_assert(x.reason != CPU_RUN_RESUME &&
                      x.reason != CPU_RUN_SHUTDOWN);
        }
    }
    ck_assert(!obs_a.c[obs_a.n - 1].running);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rv64_run_state");
    TCase *tc = tcase_create("run_state");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_resume_and_stops);
    tcase_add_test(tc, test_holds_are_no_change);
    tcase_add_test(tc, test_step_and_breakpoint);
    tcase_add_test(tc, test_request_and_watchpoint);
    tcase_add_test(tc, test_destroy_running);
    tcase_add_test(tc, test_several_observers);
    tcase_add_test(tc, test_remove_waits);
    tcase_add_test(tc, test_remove_itself);
    tcase_add_test(tc, test_lagging_observer);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
