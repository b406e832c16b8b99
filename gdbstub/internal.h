/*
 * gdbstub/internal.h — what the stub's files share; not installed.
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memcore/memcore.h>

/* One entry of the memory map: [start, start + len), len >= 1.  An entry
 * reaching 2^64 has len = 2^64 - start (0 meaning the whole space is not
 * possible: such an entry is cut one byte short). */
typedef enum GdbMemKind {
    GDB_MEM_RAM,
    GDB_MEM_ROM,   /* ROM, ROM devices in ROMD mode, read-only ranges */
    GDB_MEM_IO,    /* everything else: MMIO, unassigned-style devices */
} GdbMemKind;

typedef struct GdbMemRange {
    uint64_t start;
    uint64_t len;
    GdbMemKind kind;
} GdbMemRange;

/*
 * gdb_memory_ranges: the flat ranges of @as's current view, in address
 * order, adjacent ranges of the same kind merged.  Never overlapping.
 * Returns a malloc'ed array (count in *@n; NULL with *@n = 0 when the
 * view is empty or memory ran out).
 */
GdbMemRange *gdb_memory_ranges(AddressSpace *as, size_t *n);

/* gdb_memory_map_xml: the qXfer:memory-map:read document for @as (a
 * malloc'ed string, length in *@len), NULL when out of memory.  ROM is
 * "rom", RAM and I/O are "ram" (adjacent ones merged). */
char *gdb_memory_map_xml(AddressSpace *as, size_t *len);

#endif /* GDBSTUB_INTERNAL_H */
