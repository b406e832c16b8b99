/*
 * gdbstub/stub.h — one gdb connection: the packet handlers.
 *
 * A GdbStub turns the bytes gdb sends into calls on a GdbTarget (see
 * target.h) and memcore, and its answers into bytes for gdb.  It does no
 * I/O of its own: the front-end (server/gdb_front.c, or a test) feeds
 * what it read with gdb_stub_input() and gets the replies through the
 * write callback, on the same thread.  Stops the target reports from
 * other threads are queued; the stub's event fd becomes readable and the
 * front-end calls gdb_stub_process_events() on its session thread.
 *
 * Memory goes through the thread's AddressSpace with MemTxAttrs.debug
 * set, in pieces of at most RSP_PACKET_SIZE / 2 bytes, never under
 * memcore's global lock, so a dump never blocks the guest or the other
 * front-ends for long.
 */
#ifndef GDBSTUB_STUB_H
#define GDBSTUB_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gdbstub/target.h>
#include <monitor/machine.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where replies go: @len bytes that must all be written (a blocking
 * socket write).  An error is not reported back: the front-end notices
 * the dead connection on its next read. */
typedef void (*GdbWriteFn)(void *opaque, const void *buf, size_t len);

/*
 * gdb_stub_new: a session for one gdb connection on @target (copied).
 * @monitor (may be NULL: qRcmd then gets the empty reply) is the machine
 * whose monitor commands `monitor CMD` runs; it must outlive the stub.
 * Calls the target's attach op.  NULL when out of memory.
 */
GdbStub *gdb_stub_new(const GdbTarget *target, const MonitorMachine *monitor,
                      GdbWriteFn write, void *write_opaque);

/* gdb_stub_free: end the session: remove the breakpoints gdb left,
 * detach the target (unless D or k already did), free.  NULL is fine. */
void gdb_stub_free(GdbStub *stub);

/* gdb_stub_input: bytes received from gdb (any amount, any split). */
void gdb_stub_input(GdbStub *stub, const void *buf, size_t len);

/*
 * gdb_stub_finished: gdb detached (D) or killed (k): the front-end closes
 * the connection.  The target is already detached and keeps running.
 */
bool gdb_stub_finished(const GdbStub *stub);

/*
 * gdb_stub_notify_stop: the target stopped (see target.h, all-stop).
 * Thread-safe; may be called from inside the resume op.  Dropped unless
 * the stub resumed the target and is waiting for a stop.
 */
void gdb_stub_notify_stop(GdbStub *stub, const GdbStopEvent *ev);

/* gdb_stub_event_fd: readable while a reported stop waits to be sent
 * (an eventfd).  Poll it beside the connection. */
int gdb_stub_event_fd(const GdbStub *stub);

/* gdb_stub_process_events: send the queued stop reply, if any (on the
 * session thread). */
void gdb_stub_process_events(GdbStub *stub);

/*
 * gdb_stub_exited: the target is gone for good (memcored shuts down: the
 * guest powered off, `quit`, a signal).  A gdb waiting for a stop reply
 * is told the process exited with @status & 0xff (a "W" packet, as QEMU
 * sends at exit; gdb prints "[Inferior 1 (Remote target) exited ...]");
 * a gdb at its prompt is told nothing and sees the connection close.
 * Afterwards gdb_stub_finished is true.  On the session thread.
 */
void gdb_stub_exited(GdbStub *stub, int status);

/* gdb_stub_running: whether the target runs (a resume is waiting for its
 * stop).  For tests and the front-end. */
bool gdb_stub_running(GdbStub *stub);

#ifdef __cplusplus
}
#endif

#endif /* GDBSTUB_STUB_H */
