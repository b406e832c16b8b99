/*
 * monitor/monitor.h — the monitor's front-end API.
 *
 * One command table and one parser serve every front-end.  A front-end
 * creates one Monitor per session (a terminal, a socket client, a gdb
 * connection, an HTTP request or the whole --exec list): the session
 * remembers what QEMU remembers per monitor (the last x/xp format and
 * unit size).  Output goes through a MonitorOut sink (see machine.h), so
 * every front-end can print or capture it.
 *
 * Thread safety: a Monitor is used by one thread at a time; different
 * Monitors may run commands concurrently (memcore serialises topology
 * changes, reads run in parallel).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <monitor/machine.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MONITOR_PROMPT "(memcored) "
/* The opening line when the machine names none (MonitorMachine.banner). */
#define MONITOR_BANNER "memcored monitor - type 'help' for more information"

typedef struct Monitor Monitor;

/*
 * Caps on one command's work, so that no command line can keep a thread
 * busy for long (monitor/README.md, memcored(1) and `help` name them).
 * Beyond a cap the command fails at once with an error naming it.
 */
/* x, xp: at most this many bytes of memory (count times unit size). */
#define MONITOR_DUMP_MAX_BYTES (1u << 20)
/* x, xp with format i: at most this many instructions. */
#define MONITOR_DUMP_MAX_INSNS 65536u
/* memsave, pmemsave: the size is a 32-bit argument, as in QEMU. */
#define MONITOR_SAVE_MAX_BYTES 0xffffffffu
/* info dirty: at most this many runs are listed (the count is exact). */
#define MONITOR_DIRTY_MAX_RUNS 8192u
/* info mtree: at most this much text. */
#define MONITOR_TEXT_MAX_BYTES (64u << 20)
/* memsave, pmemsave: a file that takes no byte for this long (a FIFO
 * whose reader stopped reading) fails the command, so that it cannot keep
 * a session (and a socket client's slot) after its client has gone. */
#define MONITOR_FILE_STALL_MS 10000u

/* monitor_new: a session on @machine (which must outlive it; it is not
 * copied).  NULL when out of memory. */
Monitor *monitor_new(const MonitorMachine *machine);

/* monitor_free: end a session (NULL is fine). */
void monitor_free(Monitor *mon);

/* Bits of monitor_run_line's result. */
#define MONITOR_FAILED 1 /* the command failed (an error was printed) */
#define MONITOR_QUIT 2   /* the command was quit: end the session */

/*
 * monitor_run_line: parse and run one command line (no trailing newline
 * needed; one is ignored), writing everything it prints to @out.  Returns
 * 0 on success, else a set of MONITOR_FAILED / MONITOR_QUIT.  An empty
 * line does nothing and returns 0.  --exec exits 1 when any command
 * returned MONITOR_FAILED.
 */
int monitor_run_line(Monitor *mon, const char *line, const MonitorOut *out);

/*
 * monitor_cancel: stop the command running on @mon: it stops at its next
 * check (every row, chunk or block of work, and every wait for a file to
 * take data) and fails with "Error: interrupted".  Returns whether a
 * command was running; a command started later is not affected.  Callable
 * from any thread and from a signal handler.  (Every command also stops
 * when MonitorMachine.cancelled says so, e.g. at shutdown.)
 */
bool monitor_cancel(Monitor *mon);

/*
 * monitor_terminal_interrupt: what SIGINT from the keyboard should do
 * while monitor_terminal_run() runs: if the prompt is running a command,
 * cancel it (monitor_cancel) and return true, so that Ctrl-C interrupts
 * the command and the prompt comes back; false when no command runs.
 * Async-signal-safe.
 */
bool monitor_terminal_interrupt(void);

/*
 * monitor_complete: completion candidates for the word that ends at
 * @cursor in @line (a command, an info topic, a flag, a region or
 * address-space name).  *@word_start receives where that word begins.
 * Returns a NULL-terminated, sorted, duplicate-free array of malloc'ed
 * strings (each one the whole replacement word; region names with spaces
 * come quoted), or NULL when there is none or memory ran out.  Free it
 * with monitor_free_completions().
 */
char **monitor_complete(Monitor *mon, const char *line, size_t cursor,
                        size_t *word_start);
void monitor_free_completions(char **list);

/*
 * monitor_dump_name_problem: NULL when @name is a file name a network
 * client may give memsave/pmemsave (MonitorMachine.confine_files): 1 to
 * 255 bytes of letters, digits, '.', '_' and '-' (POSIX's portable file
 * name characters), not starting with '.' or '-' — so never a path, "."
 * or "..", a hidden file or something a shell tool takes for an option.
 * Otherwise a short phrase saying what is wrong ("a path", ...).
 */
const char *monitor_dump_name_problem(const char *name);

/* monitor_out_file: a sink that fwrite()s to @f (for --exec: stdout). */
MonitorOut monitor_out_file(FILE *f);

/*
 * monitor_terminal_run: the interactive prompt on stdin/stdout with GNU
 * readline, opened by the machine's banner line: history kept in ~/.memcored_history (loaded at start, saved
 * at the end), tab completion through monitor_complete(), Ctrl-C drops the
 * current line and prints a fresh prompt (it never raises SIGINT while
 * the prompt waits for input; while a command runs, the server routes
 * a keyboard SIGINT to monitor_terminal_interrupt()).  Returns when the user types quit
 * (MONITOR_QUIT), at end of input (Ctrl-D: 0), or when @stop_fd (-1 for
 * none) becomes readable (0) — the server writes to a pipe to end the
 * prompt at shutdown.  Call it from one thread only (readline is global);
 * it restores the terminal before returning.
 */
int monitor_terminal_run(const MonitorMachine *machine, int stop_fd);

/*
 * monitor_socket_session: serve one connected client on @fd (a TCP or
 * unix stream socket, or a pipe pair's read end that is also writable):
 * banner, prompt, one command per line.  Returns when the client closes
 * the connection, types quit (MONITOR_QUIT), sends a first line that
 * looks like HTTP (`GET `, `POST `, `Host:` ...: dropped at once against
 * DNS rebinding, see monitor/README.md), or when the server calls
 * shutdown(fd, SHUT_RDWR) from another thread at exit.  A line with a
 * NUL byte is answered with an error and not run.  A client whose socket
 * takes no output for MONITOR_SOCKET_STALL_MS (it stopped reading) is
 * dropped: shutdown(fd, SHUT_RDWR) and return.  It never closes @fd: the
 * caller does.  Blocking reads; run one per client thread.
 */
int monitor_socket_session(const MonitorMachine *machine, int fd);

#define MONITOR_SOCKET_STALL_MS 10000

/* monitor_socket_serve: monitor_socket_session with another stall bound
 * (milliseconds; for tests). */
int monitor_socket_serve(const MonitorMachine *machine, int fd,
                         unsigned stall_ms);

#ifdef __cplusplus
}
#endif

#endif /* MONITOR_MONITOR_H */
