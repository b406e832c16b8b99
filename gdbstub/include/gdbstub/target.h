/*
 * gdbstub/target.h — what the gdb stub needs from the machine it debugs.
 *
 * The stub (stub.h) speaks the protocol; a target (the memory-only
 * target of memcored today, the RV64 vCPUs later) fills a GdbTarget and
 * answers through its ops.  The stub never includes server/ headers.
 *
 * Threads.  gdb's threads are the target's vCPUs, numbered 1..n (gdb's
 * thread ids; the vCPU index plus one).  A target with no vCPU reports
 * one thread that is always stopped.
 *
 * Who calls what.  Every op is called from the stub's session thread
 * (the thread that feeds gdb's bytes to the stub), one call at a time,
 * never with memcore's global lock held.  The one exception is the other
 * direction: gdb_stub_notify_stop() (stub.h), which the target calls
 * from any thread (a vCPU thread, typically) to report a stop.
 *
 * All-stop mode.  gdb sees all threads stopped or all running: when one
 * thread stops (breakpoint, watchpoint, step done, Ctrl-C), the target
 * stops all others before (or while) it reports the stop, and reports
 * exactly one stop per resume.  Stops reported while the stub did not
 * resume the target are dropped.
 *
 * Results.  Ops returning int return 0 on success or a negative errno:
 * -ENOSYS (or a NULL op) means "not supported" (Z packets then get an
 * error reply, so gdb falls back where it can), anything else becomes an
 * E NN reply with NN = the errno in hex.
 */
#ifndef GDBSTUB_TARGET_H
#define GDBSTUB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memcore/memory.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct GdbStub GdbStub;

/*
 * GdbArch: the register file gdb is told about.  @target_xml is the
 * whole target description served as "target.xml" through
 * qXfer:features:read (an <architecture> element, so gdb-multiarch needs
 * no `set architecture`, and the features inline); registers are numbered
 * in the order they appear in it, and g/G carry them in that order, each
 * @reg_size[i] bytes in target byte order.
 */
typedef struct GdbArch {
    const char *name;         /* e.g. "riscv:rv64" */
    const char *target_xml;
    unsigned nregs;
    const uint8_t *reg_size;  /* bytes of each register, @nregs entries */
    unsigned pc_regnum;       /* for `c ADDR` / `s ADDR` */
} GdbArch;

/* RV64: x0..x31 (zero, ra, sp, ...) then pc, 8 bytes each, little
 * endian; feature org.gnu.gdb.riscv.cpu.  RV64_GDB_REG_PC is 32. */
extern const GdbArch gdb_arch_riscv64;
#define RV64_GDB_NREGS 33
#define RV64_GDB_REG_PC 32

/* Z/z packet types. */
typedef enum GdbBreakType {
    GDB_BREAK_SW = 0,     /* Z0: software breakpoint */
    GDB_BREAK_HW = 1,     /* Z1: hardware breakpoint */
    GDB_WATCH_WRITE = 2,  /* Z2: write watchpoint (stops after the write) */
    GDB_WATCH_READ = 3,   /* Z3: read watchpoint */
    GDB_WATCH_ACCESS = 4, /* Z4: access watchpoint */
} GdbBreakType;

/* What one thread does on a resume (c, s, vCont). */
typedef enum GdbResumeAction {
    GDB_RESUME_STAY,      /* stays stopped (vCont named it nowhere) */
    GDB_RESUME_CONTINUE,
    GDB_RESUME_STEP,      /* execute one instruction, then stop */
} GdbResumeAction;

typedef struct GdbResume {
    GdbResumeAction action;
    int signal;           /* C/S: signal to deliver (0: none); targets
                           * without signals ignore it */
} GdbResume;

/* Why a thread stopped (GdbStopEvent.reason). */
typedef enum GdbStopReason {
    GDB_STOP_SIGNAL,      /* stepped, interrupted, or any other stop */
    GDB_STOP_SWBREAK,     /* hit a Z0 breakpoint */
    GDB_STOP_HWBREAK,     /* hit a Z1 breakpoint */
    GDB_STOP_WATCH,       /* Z2 fired: @addr is the watched data address */
    GDB_STOP_RWATCH,      /* Z3 fired */
    GDB_STOP_AWATCH,      /* Z4 fired */
} GdbStopReason;

typedef struct GdbStopEvent {
    unsigned thread;      /* 1..nr_threads, or 0: no thread in particular
                           * (Ctrl-C): the stub names gdb's current
                           * thread (the last Hc, else the last stop's),
                           * as QEMU names its current CPU, so gdb does
                           * not switch threads */
    GdbStopReason reason;
    int signal;           /* 5 (SIGTRAP) for breakpoints, watchpoints and
                           * steps, 2 (SIGINT) after a stop request */
    uint64_t addr;        /* watchpoints: the data address accessed */
} GdbStopEvent;

#define GDB_SIGINT 2
#define GDB_SIGTRAP 5

typedef struct GdbTargetOps {
    /* Number of threads (vCPUs), at least 1.  NULL: 1. */
    unsigned (*nr_threads)(void *opaque);

    /*
     * The register file of @thread, all arch->nregs registers in gdb's
     * order, into @buf (the sum of arch->reg_size bytes).  NULL: every
     * register reads as 0 (a board without vCPU).
     */
    int (*read_registers)(void *opaque, unsigned thread, uint8_t *buf);

    /*
     * Set the whole register file of @thread from @buf (same layout).
     * Only called while the target is stopped.  NULL: writes are refused
     * (gdb prints an error; a board without vCPU has no registers).
     * p/P for one register read, patch and write back the whole file.
     */
    int (*write_registers)(void *opaque, unsigned thread, const uint8_t *buf);

    /* The address space @thread sees memory through (m, M, X, find,
     * the memory map).  Required; must stay valid while attached. */
    AddressSpace *(*address_space)(void *opaque, unsigned thread);

    /*
     * attach: a gdb connected.  Stop every thread (all-stop; QEMU stops
     * the VM when gdb connects) and return once they are stopped.
     * Remember @stub for gdb_stub_notify_stop() until detach.  NULL: the
     * target is always stopped.
     */
    void (*attach)(void *opaque, GdbStub *stub);

    /*
     * detach: gdb went away (D, k, or the connection dropped).  The stub
     * has already removed every breakpoint and watchpoint it inserted.
     * Forget the stub (no gdb_stub_notify_stop() after detach returns)
     * and let the guest run again, as if no debugger had been there.
     */
    void (*detach)(void *opaque);

    /*
     * resume: run threads, @actions[i] being thread i + 1's
     * (nr_threads entries).  Return at once; report the next stop with
     * gdb_stub_notify_stop(), possibly before resume returns (a target
     * that cannot run, like the memory-only target, reports its stop
     * right away).  A non-zero return means nothing was resumed and gdb
     * gets an error (E NN) instead of a stop.  NULL: every resume stops
     * at once with SIGTRAP on the first thread.
     */
    int (*resume)(void *opaque, const GdbResume *actions);

    /* stop: gdb pressed Ctrl-C while the target runs.  Stop all threads
     * and report a stop (signal GDB_SIGINT, thread 0 unless one thread
     * is the reason) with gdb_stub_notify_stop().  NULL: nothing runs,
     * so nothing to stop. */
    void (*stop)(void *opaque);

    /*
     * insert_breakpoint / remove_breakpoint: Z/z packets.  @addr is a
     * guest virtual (breakpoints) or data (watchpoints) address, @kind
     * the breakpoint length in bytes (2 or 4 on RISC-V) or the watched
     * length.  -ENOSYS or NULL: not supported.  memcored's targets
     * implement Z2..Z4 with memcore watchpoints (server/gdb_watch.h).
     */
    int (*insert_breakpoint)(void *opaque, GdbBreakType type, uint64_t addr,
                             uint64_t kind);
    int (*remove_breakpoint)(void *opaque, GdbBreakType type, uint64_t addr,
                             uint64_t kind);
} GdbTargetOps;

/*
 * GdbTarget: a target as the stub sees it.  @opaque is passed to every
 * op.  @read_only refuses every memory and register write (memcored's
 * --read-only): M, X, G, P answer "E.memcored is read-only".
 */
typedef struct GdbTarget {
    const GdbTargetOps *ops;
    void *opaque;
    const GdbArch *arch;
    bool read_only;
} GdbTarget;

#ifdef __cplusplus
}
#endif

#endif /* GDBSTUB_TARGET_H */
