/*
 * server/gdb_cpu_target.h — the gdb target of a board with vCPUs: gdb's
 * threads are the harts of the machine's CpuSet (server/riscv/cpu.h).
 */
#ifndef SERVER_GDB_CPU_TARGET_H
#define SERVER_GDB_CPU_TARGET_H

#include <stdbool.h>

#include <gdbstub/target.h>

#include "gdb_watch.h"

#include "machine.h"

typedef struct GdbCpuTarget GdbCpuTarget;

/* gdb_cpu_target_new: the target for @m's harts (m->cpus must be set),
 * memory through @as.  NULL when out of memory. */
GdbCpuTarget *gdb_cpu_target_new(Machine *m, AddressSpace *as,
                                 bool read_only);

/* gdb_cpu_target: what to hand to gdb_front_start (valid until freed). */
const GdbTarget *gdb_cpu_target(GdbCpuTarget *t);

/* gdb_cpu_target_watches: its watchpoints (gdb_watch.h), for
 * gdb_watch_set_observer(). */
GdbWatchSet *gdb_cpu_target_watches(GdbCpuTarget *t);

/* gdb_cpu_target_free: after gdb_front_stop.  NULL is fine. */
void gdb_cpu_target_free(GdbCpuTarget *t);

#endif /* SERVER_GDB_CPU_TARGET_H */
