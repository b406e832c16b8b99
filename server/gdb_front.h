/*
 * server/gdb_front.h — memcored's gdb front-end: a listening TCP socket
 * and one thread that serves one gdb at a time with a GdbStub.
 */
#ifndef SERVER_GDB_FRONT_H
#define SERVER_GDB_FRONT_H

#include <stddef.h>

#include <gdbstub/target.h>
#include <monitor/machine.h>

#include "listen.h"

typedef struct GdbFront GdbFront;

/*
 * gdb_front_start: listen on @addr (tcp) and serve gdb clients on
 * @target (copied; its ops and opaque must outlive the front), running
 * `monitor` commands on @machine.  Writes the bound address
 * ("127.0.0.1:40231") to @shown; the caller prints
 * "gdb: listening on ADDR".  One client at a time: while one is
 * connected, another is accepted, told why on its socket (an error
 * packet with the reason, see gdb_front.c) and closed, and memcored
 * notes it on stderr.  After a client detaches or disconnects the next
 * one is served.  NULL with a message in @msg on failure.
 */
GdbFront *gdb_front_start(const ListenAddr *addr, const GdbTarget *target,
                          const MonitorMachine *machine, char *shown,
                          size_t shownlen, char *msg, size_t msglen);

/* gdb_front_stop: drop the client (the target is detached first, so the
 * guest runs on), stop the thread, close the socket.  A gdb waiting for
 * the target to stop is told it exited with @exit_status (memcored's
 * own), as QEMU tells it at exit.  Never waits on a gdb that does not
 * read.  NULL is fine. */
void gdb_front_stop(GdbFront *f, int exit_status);

#endif /* SERVER_GDB_FRONT_H */
