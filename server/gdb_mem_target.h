/*
 * server/gdb_mem_target.h — the gdb target of a machine without a CPU.
 *
 * One thread, always stopped between resumes; registers (RV64's, so that
 * gdb-multiarch needs no `set architecture`) read as 0, except pc, which
 * points at the lowest RAM or ROM (gdb reads an instruction there when it
 * steps over a watchpoint), and writes to them are refused; memory is the board's address space.  Breakpoints (Z0, Z1)
 * are accepted and never hit.  Watchpoints (Z2..Z4) are memcore
 * watchpoints: while any is set, `continue` waits until one fires (an
 * access by the monitor, a device, another client) or gdb interrupts;
 * with none set, `continue` and `stepi` report a stop (SIGTRAP) at once,
 * since nothing can run, so gdb never hangs.
 */
#ifndef SERVER_GDB_MEM_TARGET_H
#define SERVER_GDB_MEM_TARGET_H

#include <stdbool.h>

#include <gdbstub/target.h>

#include "gdb_watch.h"

typedef struct GdbMemTarget GdbMemTarget;

/* gdb_mem_target_new: the target for @as.  NULL when out of memory. */
GdbMemTarget *gdb_mem_target_new(AddressSpace *as, bool read_only);

/* gdb_mem_target: what to hand to gdb_front_start (valid until freed). */
const GdbTarget *gdb_mem_target(GdbMemTarget *t);

/* gdb_mem_target_watches: its watchpoints (gdb_watch.h), for
 * gdb_watch_set_observer(). */
GdbWatchSet *gdb_mem_target_watches(GdbMemTarget *t);

/* gdb_mem_target_free: after gdb_front_stop.  NULL is fine. */
void gdb_mem_target_free(GdbMemTarget *t);

#endif /* SERVER_GDB_MEM_TARGET_H */
