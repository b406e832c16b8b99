/*
 * server/riscv/cpu.c — harts on threads: park/run protocol, breakpoints,
 * stop requests and the stop callback (cpu.h).
 *
 * One mutex per set guards the run state; the hot loop reads only
 * `attention` (a relaxed atomic that is non-zero when the hart has to
 * look at anything but the next instruction: a stop, a breakpoint list,
 * a stop request made on its own thread).
 *
 * Run-state observers: every place that may change is_stopped() calls
 * note_run_state(), which queues the change (under the lock, so changes
 * queue in the order they happen); whoever queued one then drains the
 * queue with the lock dropped around each observer call.  One thread
 * drains at a time (`draining`), so observers hear changes in order; a
 * change queued meanwhile is told by the thread already draining.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <memcore/memcore.h>

#include "cpu.h"
#include "tlb.h"

#define IRQ_POLL_INSNS 256
#define WFI_POLL_NS 100000000ull   /* without a next_event_ns hook */
#define RUN_QUEUE 16               /* run-state changes not yet told */

typedef struct RunObserver {
    CpuRunFn fn;       /* NULL: free slot */
    void *opaque;
    uint64_t since;    /* the first change it hears */
} RunObserver;

typedef struct RunChange {
    bool running;
    CpuRunReason reason;
    uint64_t seq;
} RunChange;

typedef struct Hart {
    RvHart rv;
    CpuSet *cs;
    pthread_t thread;
    bool started;
    _Atomic long tid;
    /* under cs->lock */
    bool parked;
    bool step_req;
    /* written by the controller while parked, read by the hart: execute
     * the instruction at pc even if a breakpoint is there */
    bool skip_bp;
    /* hart-thread only: cpu_request_stop() made on this thread */
    bool req;
    CpuStopReason req_reason;
    uint64_t req_addr;
} Hart;

struct CpuSet {
    CpuConfig cfg;
    unsigned n;
    Hart *harts;
    pthread_mutex_t lock;
    pthread_cond_t wake;   /* harts: parked or in wfi */
    pthread_cond_t ctl;    /* controllers: waiting for parking */
    bool running;          /* what controllers asked: run or stop */
    unsigned holds;        /* parks in progress (pause, reset, stop):
                            * while non-zero the harts stay parked */
    bool quit;
    unsigned nparked;
    unsigned nsteps;
    uint64_t stop_gen;
    _Atomic int attention;
    _Atomic bool run_flag;  /* should_run() for the hot path */
    /* the stop to report */
    bool armed;
    bool ev_pending;
    unsigned ev_hart;
    CpuStopReason ev_reason;
    uint64_t ev_addr;
    /* the hart whose breakpoint stop was reported last (-1: none); the
     * next resume lets it execute that instruction, and only it */
    int bp_hart;
    uint64_t bp_pc;
    /* breakpoints: changed only while stopped */
    uint64_t *bps;
    unsigned nbp, bpcap;
    /* run-state observers */
    RunObserver obs[CPU_RUN_OBSERVERS_MAX];
    bool told_running;        /* the last change queued */
    CpuRunReason run_why;     /* why the harts run (resume or step) */
    CpuRunReason stop_why;    /* the first stop asked since they ran */
    bool stop_why_set;
    RunChange rq[RUN_QUEUE];
    unsigned rq_head, rq_count;
    uint64_t rq_seq;          /* the next change's number */
    bool draining;
    pthread_t drainer;
    int calling;              /* the observer slot being called, or -1 */
    CpuSet *next;
};

static __thread Hart *tls_hart;
static pthread_mutex_t sets_lock = PTHREAD_MUTEX_INITIALIZER;
static CpuSet *sets;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* under lock: whether the harts may run (a hold keeps them parked
 * whatever `running` says) */
static bool should_run(CpuSet *cs)
{
    return cs->running && cs->holds == 0 && !cs->quit;
}

/* under lock */
static void update_attention(CpuSet *cs)
{
    bool run = should_run(cs);

    atomic_store_explicit(&cs->run_flag, run, memory_order_relaxed);
    atomic_store_explicit(&cs->attention, !run || cs->nbp > 0,
                          memory_order_relaxed);
}

/* under lock: every hart parked, no step in flight */
static bool all_parked(CpuSet *cs)
{
    return cs->nsteps == 0 && cs->nparked == cs->n;
}

/* under lock: stopped as controllers see it */
static bool is_stopped(CpuSet *cs)
{
    return !cs->running && all_parked(cs);
}

/* ---- run-state observers ---------------------------------------------- */

/* under lock: remember why the harts are asked to stop; the first reason
 * since they last ran is the one observers hear */
static void stop_cause(CpuSet *cs, CpuRunReason why)
{
    if (!cs->stop_why_set) {
        cs->stop_why = why;
        cs->stop_why_set = true;
    }
}

static bool have_observers(CpuSet *cs)
{
    for (unsigned i = 0; i < CPU_RUN_OBSERVERS_MAX; i++) {
        if (cs->obs[i].fn) {
            return true;
        }
    }
    return false;
}

/* under lock: queue a change of cpu_is_running()'s answer, if any */
static void note_run_state(CpuSet *cs)
{
    bool running = !is_stopped(cs);
    RunChange *c;

    if (running == cs->told_running) {
        return;
    }
    cs->told_running = running;
    RunChange change = {
        .running = running,
        .reason = running ? cs->run_why
                          : cs->stop_why_set ? cs->stop_why : CPU_RUN_PAUSE,
        .seq = cs->rq_seq++,
    };
    if (running) {
        cs->stop_why_set = false;
    }
    if (!have_observers(cs)) {
        return;
    }
    if (cs->rq_count == RUN_QUEUE) {
        /* drop the oldest pair: what observers hear still alternates */
        cs->rq_head = (cs->rq_head + 2) % RUN_QUEUE;
        cs->rq_count -= 2;
    }
    c = &cs->rq[(cs->rq_head + cs->rq_count) % RUN_QUEUE];
    *c = change;
    cs->rq_count++;
}

/* under lock: tell the observers every queued change, unless another
 * thread is doing so (it will tell ours too); drops the lock around each
 * call */
static void drain_run_state(CpuSet *cs)
{
    if (cs->draining) {
        return;
    }
    cs->draining = true;
    cs->drainer = pthread_self();
    while (cs->rq_count) {
        RunChange c = cs->rq[cs->rq_head];

        cs->rq_head = (cs->rq_head + 1) % RUN_QUEUE;
        cs->rq_count--;
        /* slots are re-read under the lock each time: an observer
         * removed meanwhile is skipped */
        for (unsigned i = 0; i < CPU_RUN_OBSERVERS_MAX; i++) {
            RunObserver o = cs->obs[i];

            if (!o.fn || c.seq < o.since) {
                continue;
            }
            cs->calling = (int)i;
            pthread_mutex_unlock(&cs->lock);
            o.fn(o.opaque, c.running, c.reason);
            pthread_mutex_lock(&cs->lock);
            cs->calling = -1;
            pthread_cond_broadcast(&cs->ctl);
        }
    }
    cs->draining = false;
    pthread_cond_broadcast(&cs->ctl);
}

void cpu_run_observers_sync(CpuSet *cs)
{
    pthread_mutex_lock(&cs->lock);
    drain_run_state(cs);
    /* another thread drains: it tells ours too before it stops */
    while (cs->draining && !pthread_equal(cs->drainer, pthread_self())) {
        pthread_cond_wait(&cs->ctl, &cs->lock);
    }
    pthread_mutex_unlock(&cs->lock);
}

int cpu_run_observer_add(CpuSet *cs, CpuRunFn fn, void *opaque)
{
    int ret = -ENOSPC;

    pthread_mutex_lock(&cs->lock);
    for (unsigned i = 0; i < CPU_RUN_OBSERVERS_MAX; i++) {
        if (!cs->obs[i].fn) {
            cs->obs[i] = (RunObserver){ fn, opaque, cs->rq_seq };
            ret = 0;
            break;
        }
    }
    pthread_mutex_unlock(&cs->lock);
    return ret;
}

void cpu_run_observer_remove(CpuSet *cs, CpuRunFn fn, void *opaque)
{
    pthread_mutex_lock(&cs->lock);
    for (unsigned i = 0; i < CPU_RUN_OBSERVERS_MAX; i++) {
        if (cs->obs[i].fn == fn && cs->obs[i].opaque == opaque) {
            cs->obs[i].fn = NULL;
            /* a call in progress on another thread ends first */
            while (cs->calling == (int)i &&
                   !pthread_equal(cs->drainer, pthread_self())) {
                pthread_cond_wait(&cs->ctl, &cs->lock);
            }
            break;
        }
    }
    pthread_mutex_unlock(&cs->lock);
}

const char *cpu_run_reason_name(CpuRunReason reason)
{
    switch (reason) {
    case CPU_RUN_RESUME:
        return "resume";
    case CPU_RUN_STEP:
        return "step";
    case CPU_RUN_PAUSE:
        return "pause";
    case CPU_RUN_DEBUG:
        return "debug";
    case CPU_RUN_BREAKPOINT:
        return "breakpoint";
    case CPU_RUN_WATCHPOINT:
        return "watchpoint";
    case CPU_RUN_REQUEST:
        return "request";
    case CPU_RUN_SHUTDOWN:
        return "shutdown";
    }
    return "unknown";
}

static CpuRunReason run_reason_of(CpuStopReason reason)
{
    switch (reason) {
    case CPU_STOP_BREAKPOINT:
        return CPU_RUN_BREAKPOINT;
    case CPU_STOP_STEP:
        return CPU_RUN_STEP;
    case CPU_STOP_REQUEST:
        return CPU_RUN_REQUEST;
    case CPU_STOP_WATCHPOINT:
        return CPU_RUN_WATCHPOINT;
    }
    return CPU_RUN_REQUEST;
}

/* ---- stops ------------------------------------------------------------- */

/* under lock: record a stop and make every hart park */
static void record_stop(CpuSet *cs, unsigned hart, CpuStopReason reason,
                        uint64_t addr)
{
    if (cs->armed && !cs->ev_pending) {
        cs->ev_pending = true;
        cs->ev_hart = hart;
        cs->ev_reason = reason;
        cs->ev_addr = addr;
        cs->armed = false;
        cs->bp_hart = reason == CPU_STOP_BREAKPOINT ? (int)hart : -1;
        cs->bp_pc = addr;
    }
    stop_cause(cs, run_reason_of(reason));
    cs->running = false;
    update_attention(cs);
    pthread_cond_broadcast(&cs->wake);
    note_run_state(cs);
}

/* under lock, when stopped: deliver a recorded stop (drops the lock
 * around the callback) */
static void deliver(CpuSet *cs)
{
    unsigned hart;
    CpuStopReason reason;
    uint64_t addr;

    if (!cs->ev_pending || !is_stopped(cs)) {
        return;
    }
    cs->ev_pending = false;
    hart = cs->ev_hart;
    reason = cs->ev_reason;
    addr = cs->ev_addr;
    if (cs->cfg.on_stop) {
        pthread_mutex_unlock(&cs->lock);
        cs->cfg.on_stop(cs->cfg.opaque, hart, reason, addr);
        pthread_mutex_lock(&cs->lock);
    }
}

static bool bp_hit(CpuSet *cs, uint64_t pc)
{
    for (unsigned i = 0; i < cs->nbp; i++) {
        if (cs->bps[i] == pc) {
            return true;
        }
    }
    return false;
}

static void report(Hart *h, CpuStopReason reason, uint64_t addr)
{
    CpuSet *cs = h->cs;

    pthread_mutex_lock(&cs->lock);
    record_stop(cs, h->rv.hartid, reason, addr);
    drain_run_state(cs);
    pthread_mutex_unlock(&cs->lock);
}

/* wfi: sleep until an enabled interrupt is pending or the hart must
 * park.  Returns false when it must park. */
static bool wfi_wait(Hart *h, bool step, uint64_t gen)
{
    CpuSet *cs = h->cs;
    bool irq;

    pthread_mutex_lock(&cs->lock);
    for (;;) {
        uint64_t deadline, t;
        struct timespec ts;

        irq = rv_irq_pending(&h->rv) != 0;
        if (irq || cs->quit || (step ? cs->stop_gen != gen : !should_run(cs))) {
            break;
        }
        t = now_ns();
        deadline = cs->cfg.irq.next_event_ns ?
                   cs->cfg.irq.next_event_ns(cs->cfg.irq.opaque, h->rv.hartid) :
                   UINT64_MAX;
        if (deadline > t + WFI_POLL_NS) {
            deadline = t + WFI_POLL_NS;
        }
        ts.tv_sec = (time_t)(deadline / 1000000000ull);
        ts.tv_nsec = (long)(deadline % 1000000000ull);
        pthread_cond_timedwait(&cs->wake, &cs->lock, &ts);
    }
    pthread_mutex_unlock(&cs->lock);
    if (irq) {
        h->rv.wfi = false;
        rv_check_irq(&h->rv);
    }
    return irq;
}

static void hart_run_locked(Hart *h, bool step, uint64_t gen);

/* Run until the hart must park (or, for a step, one instruction), inside
 * a memcore read section (the TLB's host pointers stay valid), left every
 * IRQ_POLL_INSNS instructions and around anything that blocks. */
static void hart_run(Hart *h, bool step, uint64_t gen)
{
    memcore_rcu_read_lock();
    hart_run_locked(h, step, gen);
    memcore_rcu_read_unlock();
}

static void report_unlocked(Hart *h, CpuStopReason reason, uint64_t addr)
{
    memcore_rcu_read_unlock();
    report(h, reason, addr);
    memcore_rcu_read_lock();
}

static bool wfi_wait_unlocked(Hart *h, bool step, uint64_t gen);

static void hart_run_locked(Hart *h, bool step, uint64_t gen)
{
    CpuSet *cs = h->cs;
    RvHart *rv = &h->rv;
    unsigned poll = 1;

    for (;;) {
        if (__builtin_expect(atomic_load_explicit(&cs->attention,
                                                  memory_order_relaxed), 0)) {
            if (h->req) {
                h->req = false;
                report_unlocked(h, h->req_reason, h->req_addr);
                return;
            }
            if (!step && !atomic_load_explicit(&cs->run_flag,
                                               memory_order_relaxed)) {
                return;
            }
            if (!h->skip_bp && bp_hit(cs, rv->pc)) {
                report_unlocked(h, CPU_STOP_BREAKPOINT, rv->pc);
                return;
            }
        }
        h->skip_bp = false;
        if (step) {
            if (rv->wfi) {
                wfi_wait_unlocked(h, true, gen);
            } else if (!rv_check_irq(rv)) {
                rv_exec_one(rv);
            }
            if (h->req) {
                h->req = false;
                report_unlocked(h, h->req_reason, h->req_addr);
            } else {
                report_unlocked(h, CPU_STOP_STEP, 0);
            }
            return;
        }
        if (__builtin_expect(--poll == 0, 0)) {
            poll = IRQ_POLL_INSNS;
            /* let memcore's grace periods through */
            memcore_rcu_read_unlock();
            memcore_rcu_read_lock();
            rv_check_irq(rv);
        }
        if (__builtin_expect(rv->wfi, 0)) {
            /* woken without an interrupt: the attention check parks */
            wfi_wait_unlocked(h, false, gen);
            continue;
        }
        rv_exec_one(rv);
    }
}

static bool wfi_wait_unlocked(Hart *h, bool step, uint64_t gen)
{
    bool r;

    memcore_rcu_read_unlock();
    r = wfi_wait(h, step, gen);
    memcore_rcu_read_lock();
    return r;
}

static void *hart_main(void *arg)
{
    Hart *h = arg;
    CpuSet *cs = h->cs;

    tls_hart = h;
    atomic_store(&h->tid, (long)gettid());
    pthread_mutex_lock(&cs->lock);
    for (;;) {
        bool step;
        uint64_t gen;

        h->parked = true;
        cs->nparked++;
        pthread_cond_broadcast(&cs->ctl);
        note_run_state(cs);
        deliver(cs);
        drain_run_state(cs);
        while (!cs->quit && !should_run(cs) && !h->step_req) {
            pthread_cond_wait(&cs->wake, &cs->lock);
        }
        if (cs->quit) {
            break;
        }
        cs->nparked--;
        h->parked = false;
        step = h->step_req;
        h->step_req = false;
        gen = cs->stop_gen;
        pthread_mutex_unlock(&cs->lock);
        hart_run(h, step, gen);
        pthread_mutex_lock(&cs->lock);
        if (step) {
            cs->nsteps--;
        }
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

CpuSet *cpu_create(const CpuConfig *cfg)
{
    CpuSet *cs;
    pthread_condattr_t ca;
    RvIrqSource irq = {
        .pending = cfg->irq.pending,
        .mtime = cfg->irq.mtime,
        .opaque = cfg->irq.opaque,
    };

    if (!cfg->as || cfg->nharts == 0 || cfg->nharts > 4095) {
        return NULL;
    }
    cs = calloc(1, sizeof(*cs));
    if (!cs) {
        return NULL;
    }
    cs->cfg = *cfg;
    cs->n = cfg->nharts;
    cs->bp_hart = -1;
    cs->calling = -1;
    cs->harts = calloc(cs->n, sizeof(*cs->harts));
    if (!cs->harts) {
        free(cs);
        return NULL;
    }
    pthread_mutex_init(&cs->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cs->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&cs->ctl, NULL);
    update_attention(cs);
    for (unsigned i = 0; i < cs->n; i++) {
        Hart *h = &cs->harts[i];

        h->cs = cs;
        AddressSpace *as = cfg->hart_as && cfg->hart_as[i] ? cfg->hart_as[i]
                                                            : cfg->as;

        rv_hart_init(&h->rv, as, i, &irq, cfg->reset_pc);
        if (cfg->tlb) {
            h->rv.tlb = rv_tlb_new(as);
        }
        h->rv.x[10] = i;
    }
    for (unsigned i = 0; i < cs->n; i++) {
        if (pthread_create(&cs->harts[i].thread, NULL, hart_main,
                           &cs->harts[i]) != 0) {
            cpu_destroy(cs);
            return NULL;
        }
        cs->harts[i].started = true;
    }
    pthread_mutex_lock(&sets_lock);
    cs->next = sets;
    sets = cs;
    pthread_mutex_unlock(&sets_lock);
    cpu_wait_stopped(cs);
    return cs;
}

void cpu_destroy(CpuSet *cs)
{
    CpuSet **p;

    if (!cs) {
        return;
    }
    pthread_mutex_lock(&sets_lock);
    for (p = &sets; *p; p = &(*p)->next) {
        if (*p == cs) {
            *p = cs->next;
            break;
        }
    }
    pthread_mutex_unlock(&sets_lock);
    pthread_mutex_lock(&cs->lock);
    stop_cause(cs, CPU_RUN_SHUTDOWN);
    cs->quit = true;
    cs->running = false;
    cs->stop_gen++;
    update_attention(cs);
    pthread_cond_broadcast(&cs->wake);
    note_run_state(cs);
    drain_run_state(cs);
    pthread_mutex_unlock(&cs->lock);
    for (unsigned i = 0; i < cs->n; i++) {
        if (cs->harts[i].started) {
            pthread_join(cs->harts[i].thread, NULL);
        }
        rv_tlb_free(cs->harts[i].rv.tlb);
    }
    /* the last hart to park told the stop; nothing can be left, but a
     * change queued by a thread that lost the race to drain is told */
    pthread_mutex_lock(&cs->lock);
    drain_run_state(cs);
    pthread_mutex_unlock(&cs->lock);
    pthread_mutex_destroy(&cs->lock);
    pthread_cond_destroy(&cs->wake);
    pthread_cond_destroy(&cs->ctl);
    free(cs->bps);
    free(cs->harts);
    free(cs);
}

unsigned cpu_count(CpuSet *cs)
{
    return cs->n;
}

static void wait_stopped_locked(CpuSet *cs)
{
    while (!is_stopped(cs) && !cs->quit) {
        pthread_cond_wait(&cs->ctl, &cs->lock);
    }
}

void cpu_wait_stopped(CpuSet *cs)
{
    pthread_mutex_lock(&cs->lock);
    wait_stopped_locked(cs);
    pthread_mutex_unlock(&cs->lock);
}

/* under lock: park every hart and keep them parked (a hold) until
 * release_locked(), whatever other controllers do meanwhile: a
 * cpu_resume_all() or the end of a reset on another thread cannot make
 * a hart run under a holder that is still waiting for them, or that
 * reads their registers. */
static void hold_locked(CpuSet *cs)
{
    cs->holds++;
    cs->stop_gen++;
    update_attention(cs);
    pthread_cond_broadcast(&cs->wake);
    while (!all_parked(cs) && !cs->quit) {
        pthread_cond_wait(&cs->ctl, &cs->lock);
    }
}

static void release_locked(CpuSet *cs)
{
    cs->holds--;
    update_attention(cs);
    if (should_run(cs)) {
        pthread_cond_broadcast(&cs->wake);
    }
}

static void stop_all_locked(CpuSet *cs, CpuRunReason why)
{
    if (cs->running || !all_parked(cs)) {
        stop_cause(cs, why);
    }
    cs->running = false;
    cs->armed = false;
    cs->ev_pending = false;
    note_run_state(cs);
    hold_locked(cs);
    release_locked(cs);
}

void cpu_stop_all_for(CpuSet *cs, CpuRunReason why)
{
    pthread_mutex_lock(&cs->lock);
    stop_all_locked(cs, why);
    drain_run_state(cs);
    pthread_mutex_unlock(&cs->lock);
}

void cpu_stop_all(CpuSet *cs)
{
    cpu_stop_all_for(cs, CPU_RUN_PAUSE);
}

static void resume_locked(CpuSet *cs)
{
    if (cs->running || cs->quit) {
        return;
    }
    /* Only the hart whose breakpoint was reported, still on it, steps
     * over it.  Another hart parked on a breakpoint address (the all-stop
     * caught it there before it checked) hits it when it runs: skipping
     * it would lose a breakpoint hit gdb has not seen. */
    for (unsigned i = 0; i < cs->n; i++) {
        Hart *h = &cs->harts[i];

        if ((int)i == cs->bp_hart && h->rv.pc == cs->bp_pc) {
            h->skip_bp = true;
        }
    }
    cs->bp_hart = -1;
    cs->ev_pending = false;
    cs->armed = true;
    cs->running = true;
    cs->run_why = CPU_RUN_RESUME;
    cs->stop_why_set = false;   /* a stop asked before this run is over */
    update_attention(cs);
    pthread_cond_broadcast(&cs->wake);
    note_run_state(cs);
}

void cpu_resume_all(CpuSet *cs)
{
    pthread_mutex_lock(&cs->lock);
    /* a step in flight finishes first */
    while (cs->nsteps && !cs->quit) {
        pthread_cond_wait(&cs->ctl, &cs->lock);
    }
    resume_locked(cs);
    drain_run_state(cs);
    pthread_mutex_unlock(&cs->lock);
}

int cpu_step(CpuSet *cs, unsigned hart)
{
    Hart *h;

    if (hart >= cs->n) {
        return -EINVAL;
    }
    h = &cs->harts[hart];
    pthread_mutex_lock(&cs->lock);
    if (!is_stopped(cs)) {
        pthread_mutex_unlock(&cs->lock);
        return -EBUSY;
    }
    cs->ev_pending = false;
    cs->armed = true;
    h->skip_bp = true;
    h->step_req = true;
    cs->nsteps++;
    cs->run_why = CPU_RUN_STEP;
    pthread_cond_broadcast(&cs->wake);
    note_run_state(cs);
    drain_run_state(cs);
    pthread_mutex_unlock(&cs->lock);
    return 0;
}

bool cpu_is_running(CpuSet *cs)
{
    bool r;

    pthread_mutex_lock(&cs->lock);
    /* a pause or a reset of a running set parks the harts for a moment
     * (a hold): still running as far as anyone asking is concerned */
    r = !is_stopped(cs);
    pthread_mutex_unlock(&cs->lock);
    return r;
}

void cpu_request_stop(CpuStopReason reason, uint64_t addr)
{
    Hart *h = tls_hart;

    if (h) {
        if (!h->req) {
            h->req_reason = reason;
            h->req_addr = addr;
            h->req = true;
        }
        if (reason == CPU_STOP_WATCHPOINT) {
            /* stop before the access, as gdb expects of RISC-V */
            h->rv.cancel = true;
        }
        atomic_store(&h->cs->attention, 1);
        return;
    }
    pthread_mutex_lock(&sets_lock);
    for (CpuSet *cs = sets; cs; cs = cs->next) {
        pthread_mutex_lock(&cs->lock);
        record_stop(cs, 0, reason, addr);
        deliver(cs);
        drain_run_state(cs);
        pthread_mutex_unlock(&cs->lock);
    }
    pthread_mutex_unlock(&sets_lock);
}

/* under lock: park every hart under a hold (the run state, an armed
 * resume and a pending stop are left alone); returns whether the set
 * was running */
static bool pause_locked(CpuSet *cs)
{
    bool was = cs->running;

    hold_locked(cs);
    return was;
}

/* under lock: undo pause_locked (harts do not skip a breakpoint: they
 * are not parked on one they hit) */
static void unpause_locked(CpuSet *cs, bool was)
{
    (void)was;
    release_locked(cs);
}

bool cpu_pause(CpuSet *cs)
{
    bool was;

    pthread_mutex_lock(&cs->lock);
    was = pause_locked(cs);
    pthread_mutex_unlock(&cs->lock);
    return was;
}

void cpu_unpause(CpuSet *cs, bool was_running)
{
    pthread_mutex_lock(&cs->lock);
    unpause_locked(cs, was_running);
    pthread_mutex_unlock(&cs->lock);
}

static int bp_change(CpuSet *cs, uint64_t pc, bool insert)
{
    bool was;
    int ret = 0;
    unsigned i;

    pthread_mutex_lock(&cs->lock);
    was = pause_locked(cs);
    for (i = 0; i < cs->nbp && cs->bps[i] != pc; i++) {
    }
    if (insert) {
        if (i < cs->nbp) {
            ret = -EEXIST;
        } else if (cs->nbp == cs->bpcap) {
            unsigned cap = cs->bpcap ? cs->bpcap * 2 : 8;
            uint64_t *n = realloc(cs->bps, cap * sizeof(*n));

            if (!n) {
                ret = -ENOMEM;
            } else {
                cs->bps = n;
                cs->bpcap = cap;
            }
        }
        if (ret == 0) {
            cs->bps[cs->nbp++] = pc;
        }
    } else if (i == cs->nbp) {
        ret = -ENOENT;
    } else {
        cs->bps[i] = cs->bps[--cs->nbp];
    }
    update_attention(cs);
    unpause_locked(cs, was);
    pthread_mutex_unlock(&cs->lock);
    return ret;
}

int cpu_breakpoint_insert(CpuSet *cs, uint64_t pc)
{
    return bp_change(cs, pc, true);
}

int cpu_breakpoint_remove(CpuSet *cs, uint64_t pc)
{
    return bp_change(cs, pc, false);
}

static int reg_access(CpuSet *cs, unsigned hart, unsigned reg, uint64_t *val,
                      bool write)
{
    RvHart *rv;
    int ret = 0;

    if (hart >= cs->n) {
        return -EINVAL;
    }
    rv = &cs->harts[hart].rv;
    pthread_mutex_lock(&cs->lock);
    if (!all_parked(cs) || should_run(cs)) {
        /* running, or about to: only a stop or a hold makes it safe */
        ret = -EBUSY;
    } else if (reg < 32) {
        if (!write) {
            *val = rv->x[reg];
        } else if (reg) {
            rv->x[reg] = *val;
        }
    } else if (reg == CPU_REG_PC) {
        if (write) {
            rv->pc = *val;
            rv->wfi = false;
            cs->harts[hart].skip_bp = false; /* a breakpoint there hits */
        } else {
            *val = rv->pc;
        }
    } else if (reg >= CPU_REG_CSR(0) && reg < CPU_REG_CSR(4096)) {
        if (write ? !rv_csr_set(rv, reg - CPU_REG_CSR(0), *val)
                  : !rv_csr_get(rv, reg - CPU_REG_CSR(0), val)) {
            ret = -EINVAL;
        }
    } else {
        ret = -EINVAL;
    }
    pthread_mutex_unlock(&cs->lock);
    return ret;
}

int cpu_reg_get(CpuSet *cs, unsigned hart, unsigned reg, uint64_t *val)
{
    return reg_access(cs, hart, reg, val, false);
}

int cpu_reg_set(CpuSet *cs, unsigned hart, unsigned reg, uint64_t val)
{
    return reg_access(cs, hart, reg, &val, true);
}

void cpu_reset(CpuSet *cs)
{
    /* under a hold, not a stop: a running set runs on afterwards, and a
     * cpu_stop_all() or cpu_resume_all() made meanwhile on another thread
     * keeps its effect */
    pthread_mutex_lock(&cs->lock);
    hold_locked(cs);
    for (unsigned i = 0; i < cs->n; i++) {
        rv_hart_reset(&cs->harts[i].rv, cs->cfg.reset_pc);
        cs->harts[i].rv.x[10] = i;
        cs->harts[i].skip_bp = false;
    }
    cs->bp_hart = -1;
    release_locked(cs);
    pthread_mutex_unlock(&cs->lock);
}

int cpu_set_reset_pc(CpuSet *cs, uint64_t pc)
{
    int ret = 0;

    pthread_mutex_lock(&cs->lock);
    if (!is_stopped(cs)) {
        ret = -EBUSY;
    } else {
        cs->cfg.reset_pc = pc;
        for (unsigned i = 0; i < cs->n; i++) {
            cs->harts[i].rv.pc = pc;
        }
    }
    pthread_mutex_unlock(&cs->lock);
    return ret;
}

long cpu_thread_id(CpuSet *cs, unsigned hart)
{
    return hart < cs->n ? atomic_load(&cs->harts[hart].tid) : -1;
}

void cpu_kick(CpuSet *cs)
{
    pthread_mutex_lock(&cs->lock);
    pthread_cond_broadcast(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
}

unsigned cpu_disas(AddressSpace *as, uint64_t pc, char *buf, size_t size)
{
    MemTxResult r = MEMTX_OK;
    uint32_t insn = (uint32_t)address_space_ldl_le(as, pc, MEMTXATTRS_DEBUG, &r);
    char text[200];

    if (r != MEMTX_OK) {
        return 0;
    }
    rv_disas(insn, pc, text, sizeof(text));
    snprintf(buf, size, "%08" PRIx32 "          %s", insn, text);
    return 4;
}
