/*
 * tests/bench/monitor_conn.h — what bench_monitor needs to drive a
 * monitor server: start memcored or QEMU as a child, connect to its
 * monitor, and send commands while counting the answers.
 *
 * An answer is the text between two delimiters: the prompt for an
 * HMP-style monitor ("(memcored) ", "(qemu) "), a newline for qtest.
 */
#ifndef MONITOR_CONN_H
#define MONITOR_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Called once per answer; returns false when the answer is wrong. */
typedef bool (*AnswerCheck)(void *arg, const char *text, size_t len);

typedef struct MonConn {
    int fd;
    const char *delim;   /* ends each answer */
    size_t delim_len;
    bool echo;           /* the server echoes the command line: skip it */
    char *buf;           /* received text not yet split into answers */
    size_t len, cap;
    size_t scan;         /* buf[0..scan) holds no delimiter start */
    AnswerCheck check;
    void *check_arg;
    unsigned long answers, wrong;
} MonConn;

/* Monotonic clock in seconds. */
double now_s(void);

/* Start memcored with its monitor on tcp:127.0.0.1:0; *port gets the port
 * it printed, *out_fd its stdout (to close once it has exited).  Returns
 * the pid, or -1 with a message on stderr. */
pid_t spawn_memcored(const char *path, int *port, int *out_fd);

/* Start QEMU (argv[0] looked up in PATH) with stdin from /dev/null and
 * its stdout and stderr in log_path, shown only when something fails. */
pid_t spawn_peer(char *const argv[], const char *log_path);

/* SIGTERM pid (stop_child) or not (wait_child), wait for it; returns its
 * wait status (-1 on error). */
int stop_child(pid_t pid);
int wait_child(pid_t pid);

/* Connect to 127.0.0.1:port, or to a unix socket, retrying while the
 * socket does not exist yet (until timeout_s, or until pid exits: then
 * -2, pid already reaped; other failures -1). */
int connect_tcp(int port);
int connect_unix_retry(const char *path, pid_t pid, double timeout_s);

/* Wrap fd; banners > 0 answers (the greeting) are read and dropped. */
bool conn_open(MonConn *c, int fd, const char *delim, bool echo,
               unsigned banners, double timeout_s);
void conn_close(MonConn *c);

/* Send "quit" and read until the server closes the connection; false if
 * it has not within timeout_s. */
bool conn_quit(MonConn *c, double timeout_s);

/* Send len bytes of commands and read until n more answers arrived,
 * interleaving both so neither side's buffers can fill up.  Returns
 * false on timeout, error or EOF (message on stderr). */
bool conn_run(MonConn *c, const char *cmds, size_t len, unsigned long n,
              double timeout_s);

#endif
