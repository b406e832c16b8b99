/*
 * server/shutdown.h — how any thread (or a signal) asks memcored to stop.
 *
 * One self-pipe: shutdown_request() writes a byte to it, the main thread
 * polls its read end and then stops every front-end in order.  Writing a
 * byte is async-signal-safe, so SIGINT and SIGTERM use the same path as
 * the monitor's `quit` and the guest's power-off.
 */
#ifndef SERVER_SHUTDOWN_H
#define SERVER_SHUTDOWN_H

#include <stdbool.h>

/* shutdown_init: create the pipe and route SIGINT/SIGTERM to it (SIGPIPE
 * is ignored: a vanished client must not kill the server).  0 or -errno. */
int shutdown_init(void);

/*
 * shutdown_set_keyboard_interrupt: while @fn is set, a SIGINT that the
 * terminal sent (Ctrl-C; si_code SI_KERNEL) first calls @fn, and shuts
 * the server down only if @fn returns false.  The terminal prompt sets
 * monitor_terminal_interrupt(), so Ctrl-C interrupts a running command.
 * SIGINT from kill(1) and SIGTERM always shut down.  @fn must be
 * async-signal-safe; NULL removes it.
 */
void shutdown_set_keyboard_interrupt(bool (*fn)(void));

/* shutdown_request: ask for a shutdown with exit @status (the first
 * request's status wins).  Async-signal-safe, callable from any thread. */
void shutdown_request(int status);

/* shutdown_fd: readable once a shutdown was requested. */
int shutdown_fd(void);

/* shutdown_requested / shutdown_status: whether, and with which status. */
int shutdown_requested(void);
int shutdown_status(void);

/* shutdown_signal_name: the signal that asked (e.g. "SIGTERM"), or NULL. */
const char *shutdown_signal_name(void);

#endif /* SERVER_SHUTDOWN_H */
