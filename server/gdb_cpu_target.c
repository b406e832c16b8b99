/*
 * server/gdb_cpu_target.c — GdbTargetOps over cpu.h.
 *
 * Threads are harts (thread = hart + 1).  Z0/Z1 become cpu.h breakpoints,
 * Z2..Z4 memcore watchpoints (gdb_watch.h) whose hit function, running on
 * the accessing hart inside its access, asks cpu.h for a watchpoint stop:
 * the instruction completes, every hart parks, and cpu.h's stop callback
 * (on_cpu_stop) turns the stop into gdb's stop reply.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gdbstub/stub.h>

#include "gdb_cpu_target.h"
#include "gdb_watch.h"

struct GdbCpuTarget {
    GdbTarget target;
    Machine *m;
    CpuSet *cs;
    AddressSpace *as;
    GdbWatchSet *watch;
    pthread_mutex_t lock;          /* stub, running, watch_reason */
    GdbStub *stub;
    bool running;
    GdbStopReason watch_reason;    /* kind of the last watchpoint hit */
};

static void notify(GdbCpuTarget *t, const GdbStopEvent *ev)
{
    pthread_mutex_lock(&t->lock);
    if (t->stub && t->running) {
        t->running = false;
        gdb_stub_notify_stop(t->stub, ev);
    }
    pthread_mutex_unlock(&t->lock);
}

static void on_cpu_stop(void *opaque, unsigned hart, CpuStopReason reason,
                        uint64_t addr)
{
    GdbCpuTarget *t = opaque;
    GdbStopEvent ev = { hart + 1, GDB_STOP_SIGNAL, GDB_SIGTRAP, 0 };

    switch (reason) {
    case CPU_STOP_BREAKPOINT:
        ev.reason = GDB_STOP_SWBREAK;
        break;
    case CPU_STOP_STEP:
        break;
    case CPU_STOP_REQUEST:
        ev.signal = GDB_SIGINT;
        break;
    case CPU_STOP_WATCHPOINT:
        pthread_mutex_lock(&t->lock);
        ev.reason = t->watch_reason;
        pthread_mutex_unlock(&t->lock);
        ev.addr = addr;
        break;
    }
    notify(t, &ev);
}

static void on_watch(void *opaque, GdbStopReason reason, uint64_t addr,
                     unsigned requester_id)
{
    GdbCpuTarget *t = opaque;

    (void)requester_id;
    pthread_mutex_lock(&t->lock);
    t->watch_reason = reason;
    pthread_mutex_unlock(&t->lock);
    cpu_request_stop(CPU_STOP_WATCHPOINT, addr);
}

static unsigned cpu_nr_threads(void *opaque)
{
    GdbCpuTarget *t = opaque;

    return cpu_count(t->cs);
}

static int cpu_read_regs(void *opaque, unsigned thread, uint8_t *buf)
{
    GdbCpuTarget *t = opaque;
    bool was = cpu_pause(t->cs);
    int rc = 0;

    for (unsigned r = 0; r < RV64_GDB_NREGS && rc == 0; r++) {
        uint64_t v = 0;

        rc = cpu_reg_get(t->cs, thread - 1, r == RV64_GDB_REG_PC ? CPU_REG_PC : r,
                         &v);
        for (unsigned b = 0; b < 8; b++) {
            buf[r * 8 + b] = (uint8_t)(v >> (8 * b));
        }
    }
    cpu_unpause(t->cs, was);
    return rc;
}

static int cpu_write_regs(void *opaque, unsigned thread, const uint8_t *buf)
{
    GdbCpuTarget *t = opaque;
    int rc = 0;

    for (unsigned r = 0; r < RV64_GDB_NREGS && rc == 0; r++) {
        uint64_t v = 0;

        for (unsigned b = 0; b < 8; b++) {
            v |= (uint64_t)buf[r * 8 + b] << (8 * b);
        }
        rc = cpu_reg_set(t->cs, thread - 1, r == RV64_GDB_REG_PC ? CPU_REG_PC : r,
                         v);
    }
    return rc;
}

static AddressSpace *cpu_as(void *opaque, unsigned thread)
{
    GdbCpuTarget *t = opaque;

    (void)thread;
    return t->as;
}

static void cpu_attach(void *opaque, GdbStub *stub)
{
    GdbCpuTarget *t = opaque;

    cpu_stop_all_for(t->cs, CPU_RUN_DEBUG);
    pthread_mutex_lock(&t->lock);
    t->stub = stub;
    t->running = false;
    pthread_mutex_unlock(&t->lock);
}

static void cpu_detach(void *opaque)
{
    GdbCpuTarget *t = opaque;

    pthread_mutex_lock(&t->lock);
    t->stub = NULL;
    t->running = false;
    pthread_mutex_unlock(&t->lock);
    cpu_resume_all(t->cs);
}

static int cpu_resume(void *opaque, const GdbResume *actions)
{
    GdbCpuTarget *t = opaque;
    unsigned n = cpu_count(t->cs);
    int step = -1;
    bool cont = false;
    int rc;

    for (unsigned i = 0; i < n; i++) {
        if (actions[i].action == GDB_RESUME_STEP && step < 0) {
            step = (int)i;
        } else if (actions[i].action == GDB_RESUME_CONTINUE) {
            cont = true;
        }
    }
    if (step < 0 && !cont) {
        return -EINVAL;
    }
    cpu_wait_stopped(t->cs);
    pthread_mutex_lock(&t->lock);
    t->running = true;
    pthread_mutex_unlock(&t->lock);
    if (step >= 0) {
        /* all-stop: the other harts stay parked while one steps */
        rc = cpu_step(t->cs, (unsigned)step);
    } else {
        cpu_resume_all(t->cs);
        rc = 0;
    }
    if (rc != 0) {
        pthread_mutex_lock(&t->lock);
        t->running = false;
        pthread_mutex_unlock(&t->lock);
    }
    return rc;
}

static void cpu_stop_op(void *opaque)
{
    GdbCpuTarget *t = opaque;
    /* thread 0: the stub names gdb's current thread, as QEMU does */
    GdbStopEvent ev = { 0, GDB_STOP_SIGNAL, GDB_SIGINT, 0 };

    cpu_stop_all_for(t->cs, CPU_RUN_DEBUG);
    notify(t, &ev);
}

static int cpu_insert(void *opaque, GdbBreakType type, uint64_t addr,
                      uint64_t kind)
{
    GdbCpuTarget *t = opaque;
    int rc;

    if (type <= GDB_BREAK_HW) {
        rc = cpu_breakpoint_insert(t->cs, addr);
        return rc == -EEXIST ? 0 : rc;
    }
    return gdb_watch_insert(t->watch, t->as, type, addr, kind);
}

static int cpu_remove(void *opaque, GdbBreakType type, uint64_t addr,
                      uint64_t kind)
{
    GdbCpuTarget *t = opaque;

    if (type <= GDB_BREAK_HW) {
        return cpu_breakpoint_remove(t->cs, addr);
    }
    return gdb_watch_remove(t->watch, type, addr, kind);
}

static const GdbTargetOps cpu_ops = {
    .nr_threads = cpu_nr_threads,
    .read_registers = cpu_read_regs,
    .write_registers = cpu_write_regs,
    .address_space = cpu_as,
    .attach = cpu_attach,
    .detach = cpu_detach,
    .resume = cpu_resume,
    .stop = cpu_stop_op,
    .insert_breakpoint = cpu_insert,
    .remove_breakpoint = cpu_remove,
};

GdbCpuTarget *gdb_cpu_target_new(Machine *m, AddressSpace *as,
                                 bool read_only)
{
    GdbCpuTarget *t = calloc(1, sizeof(*t));

    if (!t) {
        return NULL;
    }
    t->watch = gdb_watch_new(on_watch, t);
    if (!t->watch) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->m = m;
    t->cs = m->cpus;
    t->as = as;
    t->watch_reason = GDB_STOP_WATCH;
    t->target = (GdbTarget){
        .ops = &cpu_ops,
        .opaque = t,
        .arch = &gdb_arch_riscv64,
        .read_only = read_only,
    };
    machine_set_stop_handler(m, on_cpu_stop, t);
    return t;
}

const GdbTarget *gdb_cpu_target(GdbCpuTarget *t)
{
    return &t->target;
}

GdbWatchSet *gdb_cpu_target_watches(GdbCpuTarget *t)
{
    return t->watch;
}

void gdb_cpu_target_free(GdbCpuTarget *t)
{
    if (!t) {
        return;
    }
    machine_set_stop_handler(t->m, NULL, NULL);
    gdb_watch_free(t->watch);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
