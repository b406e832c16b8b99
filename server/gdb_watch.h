/*
 * server/gdb_watch.h — gdb's watchpoints (Z2, Z3, Z4) as memcore
 * watchpoints, for any gdb target of memcored.
 *
 * gdb sets a watchpoint by address, length and kind and removes it by the
 * same triple; memcore hands out ids.  This keeps the map between the two
 * and turns a memcore hit into the stop gdb expects: the kind (watch,
 * rwatch, awatch) and the watched address as gdb set it.  The hit
 * function runs on the accessing thread, after the access (memcore.h,
 * MemcoreWatchFn): it must not block.
 */
#ifndef SERVER_GDB_WATCH_H
#define SERVER_GDB_WATCH_H

#include <stdbool.h>

#include <gdbstub/target.h>
#include <memcore/memcore.h>

typedef struct GdbWatchSet GdbWatchSet;

/* GdbWatchHitFn: watchpoint @reason (GDB_STOP_WATCH, _RWATCH, _AWATCH) on
 * the address gdb set, @addr, fired for an access by @requester_id. */
typedef void (*GdbWatchHitFn)(void *opaque, GdbStopReason reason,
                              uint64_t addr, unsigned requester_id);

/*
 * GdbWatchObserver: told of every hit of a set's watchpoints besides gdb
 * (memcored's event stream), right after the set's hit function, on the
 * accessing thread inside its access (MemcoreWatchFn's rules: must not
 * block).  @type is the kind gdb asked for (GDB_WATCH_WRITE, _READ,
 * _ACCESS); @hit says what the access did.  Caller-owned.
 */
typedef struct GdbWatchObserver {
    void (*hit)(void *opaque, const MemcoreWatchHit *hit, GdbBreakType type);
    void *opaque;
} GdbWatchObserver;

/* gdb_watch_new: an empty set reporting to @hit.  NULL when out of
 * memory. */
GdbWatchSet *gdb_watch_new(GdbWatchHitFn hit, void *opaque);

/* gdb_watch_free: remove every watchpoint, wait until no hit function
 * can run any more, and free the set.  Not from a hit function. */
void gdb_watch_free(GdbWatchSet *w);

/* gdb_watch_insert: Z2/Z3/Z4 at @addr for @len bytes of @as.  0, or
 * -EINVAL for another type, -EFAULT when nothing is mapped there,
 * -ENOMEM. */
int gdb_watch_insert(GdbWatchSet *w, AddressSpace *as, GdbBreakType type,
                     uint64_t addr, uint64_t len);

/* gdb_watch_remove: the watchpoint inserted with the same triple; 0 or
 * -ENOENT. */
int gdb_watch_remove(GdbWatchSet *w, GdbBreakType type, uint64_t addr,
                     uint64_t len);

/* gdb_watch_set_observer: tell @obs (NULL: nobody) of every hit from
 * now on.  When it replaces an observer, it waits until no access is
 * still calling the old one (a grace period): not from a hit function,
 * nor with memcore's lock held. */
void gdb_watch_set_observer(GdbWatchSet *w, const GdbWatchObserver *obs);

/* gdb_watch_count: how many watchpoints are set. */
unsigned gdb_watch_count(GdbWatchSet *w);

#endif /* SERVER_GDB_WATCH_H */
