/*
 * server/monitor_front.h — running the monitor for memcored: on the
 * terminal (a thread running the readline prompt) or on a listening
 * socket (an accept thread and one thread per client).
 */
#ifndef SERVER_MONITOR_FRONT_H
#define SERVER_MONITOR_FRONT_H

#include <monitor/machine.h>

#include "listen.h"

typedef struct MonitorFront MonitorFront;

/*
 * monitor_front_start: start the monitor on @addr (stdio, tcp or unix).
 * A listening front-end prints "monitor: listening on ADDR" on stdout.
 * Every prompt opens with the line @banner_head WHERE @banner_tail, WHERE
 * being where this monitor runs ("stdio", the bound HOST:PORT once port 0
 * is resolved, "unix:PATH"); it is set in @machine->banner before any
 * session starts and cleared by monitor_front_stop.  When a session ends
 * with quit (or the terminal hits end of input) it asks for a shutdown.
 * NULL with a message in @msg on failure.
 */
MonitorFront *monitor_front_start(MonitorMachine *machine,
                                  const ListenAddr *addr,
                                  const char *banner_head,
                                  const char *banner_tail, char *msg,
                                  size_t msglen);

/* monitor_front_stop: end every session, join every thread, close and
 * remove the socket.  NULL is fine. */
void monitor_front_stop(MonitorFront *f);

#endif /* SERVER_MONITOR_FRONT_H */
