/*
 * server/machine.h — the running machine: a built board plus what
 * memcored keeps around it (UART logs, reset requests) and the
 * MonitorMachine view of it that every front-end gets.
 */
#ifndef SERVER_MACHINE_H
#define SERVER_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <monitor/machine.h>

#include "board.h"
#include "diag.h"
#include "uart_log.h"
#include "riscv/cpu.h"

typedef struct Machine {
    Board *board;
    DeviceHost host;         /* what the devices call back */
    MonitorMachine mon;      /* what the local prompts see */
    /* the same with file writes confined (machine_network_monitor) */
    MonitorMachine net_mon;
    UartLog uart_log;
    atomic_uint resets;      /* reset requests so far (sifive-test) */
    _Atomic bool serial_stdio; /* --serial stdio: UART bytes to stdout too */
    CpuSet *cpus;            /* the board's harts; NULL without "cpus" */
    Device *clint;           /* the first clint, the harts' interrupts */
    /* resets asked from a hart thread are done by this thread */
    pthread_t reset_thread;
    pthread_mutex_t reset_lock;
    pthread_cond_t reset_cond;
    unsigned reset_pending;
    bool reset_quit;
    bool reset_started;
    /* where hart stops go besides nowhere: the gdb target, when attached */
    _Atomic(CpuStopFn) stop_fn;
    void *_Atomic stop_opaque;
} Machine;

/*
 * machine_create: build @board (ownership passes to the machine, also on
 * failure).  Returns NULL with problems in @d when memcore refused the
 * board or memory ran out.
 */
Machine *machine_create(Board *board, bool read_only, Diag *d);

/*
 * machine_start_cpus: the harts start (and reset) at @entry when
 * @have_entry (a loaded kernel on a board without "kernel-entry"), else
 * at the board's reset-pc; they run unless @stopped (-S).  No-op without
 * cpus.
 */
void machine_start_cpus(Machine *m, bool have_entry, uint64_t entry,
                        bool stopped);

/* machine_set_stop_handler: where hart stops are reported (the gdb
 * target while attached); @fn NULL: nowhere. */
void machine_set_stop_handler(Machine *m, CpuStopFn fn, void *opaque);

/*
 * machine_set_dump_dir: --dump-dir @dir (NULL: none; not copied, it must
 * outlive the machine).  Call before any front-end starts.
 */
void machine_set_dump_dir(Machine *m, const char *dir);

/*
 * machine_network_monitor: the MonitorMachine for front-ends that clients
 * reach over the network (gdb's `monitor`, HTTP's POST /api/v1/monitor):
 * m->mon with confine_files set, so memsave and pmemsave only create new
 * files in the dump directory, and are refused without one.  The
 * terminal, --exec and monitor sockets use m->mon.
 */
const MonitorMachine *machine_network_monitor(Machine *m);

/* machine_stop_for_shutdown: park the harts for good as memcored begins
 * to shut down, while the front-ends still run, so that run-state
 * observers (the event stream) hear {running: false, reason: shutdown}.
 * No-op without cpus or when they are stopped already. */
void machine_stop_for_shutdown(Machine *m);

/* machine_destroy: tear the machine down; no thread may use it any more. */
void machine_destroy(Machine *m);

#endif /* SERVER_MACHINE_H */
