/*
 * server/riscv/cpu.h — run control of RV64 harts, each on its own thread.
 *
 * A CpuSet holds N harts (hart ids 0..N-1) executing through one
 * AddressSpace.  All functions are thread-safe unless noted.  The model is
 * gdb's all-stop: when one hart stops for a reason (breakpoint, step done,
 * stop request, watchpoint), every hart stops, and the stop callback is
 * called once, after all of them are parked.
 *
 * States.  A new set is stopped.  cpu_resume_all() runs every hart;
 * cpu_step() runs one instruction of one hart while the others stay
 * parked; cpu_stop_all() parks every hart and returns when they are.
 * "Stopped" below means: every hart parked and no step in flight.
 *
 * The stop callback runs on the thread of the last hart to park (or, for
 * cpu_request_stop() while every hart is already parked, on the caller's
 * thread), without internal locks held: it may call any function here,
 * including cpu_resume_all() and cpu_step().  It is called only for stops
 * the set was not asked to make synchronously: cpu_stop_all() and
 * cpu_reset() return instead of calling it.
 */
#ifndef SERVER_RISCV_CPU_H
#define SERVER_RISCV_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memcore/memory.h>

#include "rv64.h"

typedef struct CpuSet CpuSet;

typedef enum CpuStopReason {
    CPU_STOP_BREAKPOINT,  /* pc reached a breakpoint (not executed) */
    CPU_STOP_STEP,        /* cpu_step() executed its instruction */
    CPU_STOP_REQUEST,     /* cpu_request_stop(CPU_STOP_REQUEST, ...) */
    CPU_STOP_WATCHPOINT,  /* cpu_request_stop(CPU_STOP_WATCHPOINT, addr) */
} CpuStopReason;

/* CpuStopFn: every hart is parked because hart @hart stopped for @reason;
 * @addr is the breakpoint pc or the watchpoint's data address. */
typedef void (*CpuStopFn)(void *opaque, unsigned hart, CpuStopReason reason,
                          uint64_t addr);

/*
 * CpuIrqHooks: the interrupt controller (the CLINT in memcored).
 * @pending: the MIP bits (MSIP, MTIP, MEIP) raised for @hart.
 * @mtime: the time CSR.
 * @next_event_ns: the CLOCK_MONOTONIC time (ns) at which an interrupt
 *   of @hart may become pending by itself (a timer), or UINT64_MAX; a
 *   hart in wfi sleeps until then unless woken by cpu_kick().
 * Any hook may be NULL.
 */
typedef struct CpuIrqHooks {
    uint64_t (*pending)(void *opaque, unsigned hart);
    uint64_t (*mtime)(void *opaque);
    uint64_t (*next_event_ns)(void *opaque, unsigned hart);
    void *opaque;
} CpuIrqHooks;

typedef struct CpuConfig {
    AddressSpace *as;
    AddressSpace *const *hart_as;  /* optional: hart i's space; else @as */
    unsigned nharts;       /* 1..4095 */
    uint64_t reset_pc;     /* every hart starts here, a0 = hart id */
    CpuIrqHooks irq;
    CpuStopFn on_stop;     /* may be NULL */
    void *opaque;          /* for @on_stop */
    bool tlb;              /* give each hart a software TLB (tlb.h) */
} CpuConfig;

/*
 * Run-state observers: told each time the answer of cpu_is_running()
 * changes — running (cpu_resume_all(), cpu_step()) or stopped (every
 * hart parked, no step in flight) — with a reason:
 *   running: CPU_RUN_RESUME, CPU_RUN_STEP;
 *   stopped: CPU_RUN_STEP (a step done), CPU_RUN_BREAKPOINT,
 *     CPU_RUN_WATCHPOINT, CPU_RUN_REQUEST (cpu_request_stop with
 *     CPU_STOP_REQUEST), CPU_RUN_PAUSE (cpu_stop_all), or the reason a
 *     cpu_stop_all_for() caller gave (CPU_RUN_DEBUG: a debugger stopped
 *     the machine; CPU_RUN_SHUTDOWN), CPU_RUN_SHUTDOWN also for
 *     cpu_destroy() of a running set.
 * Pauses and resets are not changes (cpu_is_running() stays true).
 * Changes reach the observers in the order they happened, alternating
 * running / stopped, on the thread that made the change or on one that is
 * still telling earlier ones, without any cpu.h lock held — possibly
 * after the call that made the change has returned.  An observer must
 * not block (it may run on a hart thread) and not call cpu_destroy; it may
 * call anything else here, cpu_run_observer_remove() of itself included,
 * except that (as for the stop callback) when cpu_request_stop() runs on
 * a thread that is not a hart's, it calls them with the list of sets
 * locked, so from there cpu_create(), cpu_destroy() and
 * cpu_request_stop() would deadlock.
 * If observers lag more than 16 changes behind, the oldest pairs
 * (stopped, then running again) are dropped, so what they are told still
 * alternates and ends in the current state.  This is independent of the
 * stop callback (CpuConfig.on_stop), which the gdb target uses.
 */
typedef enum CpuRunReason {
    CPU_RUN_RESUME,
    CPU_RUN_STEP,
    CPU_RUN_PAUSE,
    CPU_RUN_DEBUG,
    CPU_RUN_BREAKPOINT,
    CPU_RUN_WATCHPOINT,
    CPU_RUN_REQUEST,
    CPU_RUN_SHUTDOWN,
} CpuRunReason;

typedef void (*CpuRunFn)(void *opaque, bool running, CpuRunReason reason);

#define CPU_RUN_OBSERVERS_MAX 4

/* cpu_run_observer_add: tell @fn(@opaque) of every change from now on.
 * 0, or -ENOSPC when CPU_RUN_OBSERVERS_MAX are registered. */
int cpu_run_observer_add(CpuSet *cs, CpuRunFn fn, void *opaque);
/* cpu_run_observer_remove: the observer added with @fn and @opaque; when
 * it returns, @fn is not running for it (unless this is called from
 * that very call) and will not be called again.  Unknown pairs are
 * ignored. */
void cpu_run_observer_remove(CpuSet *cs, CpuRunFn fn, void *opaque);
/* cpu_run_observers_sync: return once every change made before the call
 * has been told (from an observer: once its own thread has told them). */
void cpu_run_observers_sync(CpuSet *cs);
/* cpu_run_reason_name: "resume", "step", "pause", "debug", "breakpoint",
 * "watchpoint", "request", "shutdown". */
const char *cpu_run_reason_name(CpuRunReason reason);

/* cpu_create: the harts of @cfg, stopped at reset_pc.  NULL on error. */
CpuSet *cpu_create(const CpuConfig *cfg);
/* cpu_destroy: stop and join every hart thread, free the set.  Not from
 * a hart thread or the stop callback. */
void cpu_destroy(CpuSet *cs);

unsigned cpu_count(CpuSet *cs);

/* cpu_stop_all: park every hart; returns when they all are.  Cancels a
 * pending stop callback that has not started yet.  Run-state observers
 * hear CPU_RUN_PAUSE (the monitor's `stop`). */
void cpu_stop_all(CpuSet *cs);
/* cpu_stop_all_for: cpu_stop_all, telling observers @why (CPU_RUN_DEBUG
 * for a debugger, CPU_RUN_SHUTDOWN when memcored shuts down). */
void cpu_stop_all_for(CpuSet *cs, CpuRunReason why);
/* cpu_resume_all: run every hart (no-op when running).  The hart whose
 * breakpoint stop was reported last, if still parked on it (pc not
 * written since), executes that instruction before checking again; any
 * other hart sitting on a breakpoint address hits it at once. */
void cpu_resume_all(CpuSet *cs);
/* cpu_step: while stopped, execute one instruction of @hart (or take
 * its pending interrupt, or finish its wfi), then report CPU_STOP_STEP
 * (or CPU_STOP_WATCHPOINT) through the callback.  -EBUSY if not
 * stopped, -EINVAL for a bad hart. */
int cpu_step(CpuSet *cs, unsigned hart);
/* cpu_wait_stopped: block until the set is stopped (for tests and
 * synchronous front ends). */
void cpu_wait_stopped(CpuSet *cs);
/* cpu_is_running: some hart runs or steps. */
bool cpu_is_running(CpuSet *cs);

/* cpu_request_stop: ask for an all-stop with @reason and @addr.  From a
 * hart thread (e.g. an MMIO access) it names that hart, and the
 * instruction in progress completes first — except for
 * CPU_STOP_WATCHPOINT (a watchpoint hit inside one of the hart's
 * accesses): that instruction is cancelled (rv64.h) and the hart stops
 * on it, pc unchanged, as a RISC-V debug trigger and QEMU's riscv
 * gdbstub stop before the access; gdb steps over it with its watchpoints
 * removed, so a watched store or load is executed again (memcore's
 * watchpoints fire after the access: a store's bytes are in memory
 * already and are written once more, an MMIO register sees the access
 * twice).  From any other thread it applies to every CpuSet, naming
 * hart 0.  Never blocks. */
void cpu_request_stop(CpuStopReason reason, uint64_t addr);

/* cpu_breakpoint_insert / _remove: stop before executing the
 * instruction at @pc on any hart.  0, -EEXIST / -ENOENT, -ENOMEM.
 * Checked before each instruction; costs one relaxed load per
 * instruction whatever the number of breakpoints (0 when none). */
int cpu_breakpoint_insert(CpuSet *cs, uint64_t pc);
int cpu_breakpoint_remove(CpuSet *cs, uint64_t pc);

/* Register numbers for cpu_reg_get/set: x0..x31, pc, then CSRs. */
#define CPU_REG_PC 32
#define CPU_REG_CSR(n) (0x1000 + (n))

/* cpu_reg_get / cpu_reg_set: while stopped.  0, -EBUSY (running),
 * -EINVAL (bad hart or register; writes to x0 are ignored). */
int cpu_reg_get(CpuSet *cs, unsigned hart, unsigned reg, uint64_t *val);
int cpu_reg_set(CpuSet *cs, unsigned hart, unsigned reg, uint64_t val);

/* cpu_reset: park every hart, reset it to reset_pc, and let the set go
 * on as it was (a running set runs again; a cpu_stop_all() or
 * cpu_resume_all() another thread made meanwhile keeps its effect). */
void cpu_reset(CpuSet *cs);

/* cpu_set_reset_pc: the pc harts reset to; while stopped also moves
 * every hart's pc there (a loaded kernel's entry point).  -EBUSY when
 * running. */
int cpu_set_reset_pc(CpuSet *cs, uint64_t pc);

/* cpu_pause / cpu_unpause: park every hart without reporting a stop
 * and let them run again if the set runs: for looking at registers of a
 * running machine (monitor) and changing breakpoints.  Pauses (and
 * resets) are holds: the harts stay parked until the last one ends,
 * whatever cpu_resume_all() or cpu_stop_all() other threads call
 * meanwhile (those change what happens after).  The run state and an
 * armed resume are untouched; cpu_pause returns whether the set runs
 * (cpu_unpause ignores it). */
bool cpu_pause(CpuSet *cs);
void cpu_unpause(CpuSet *cs, bool was_running);

/* cpu_thread_id: the host thread id (gettid) of @hart's thread. */
long cpu_thread_id(CpuSet *cs, unsigned hart);

/* cpu_kick: an interrupt may have become pending (a CLINT register was
 * written): wake harts sleeping in wfi. */
void cpu_kick(CpuSet *cs);

/* cpu_disas: QEMU's `x/i` text for the instruction at @pc of @as
 * ("00000297          auipc  ..."); bytes consumed (4), 0 if it cannot
 * be read. */
unsigned cpu_disas(AddressSpace *as, uint64_t pc, char *buf, size_t size);

#endif /* SERVER_RISCV_CPU_H */
