/*
 * tests/bench/bench_child.h — servers started by bench_http: run a
 * program with its stdout on a pipe, wait for the line that says it
 * listens, stop it at the end.
 *
 * Nothing sleeps to synchronise: the port comes from the line a server
 * prints once its socket accepts connections, awaited with a bound.
 */
#ifndef BENCH_CHILD_H
#define BENCH_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct BenchChild {
    pid_t pid;  /* 0 when not running */
    int out;    /* its stdout, kept open so it never writes to a closed pipe */
    int port;
    char line[512]; /* the whole "listening" line, for the report */
} BenchChild;

/* Monotonic clock in seconds. */
double bench_now_s(void);

/* Start argv (argv[0] a path) with stdin from /dev/null and stdout on a
 * pipe (stderr is ours), and read its output until a line that contains
 * @key followed by "127.0.0.1:PORT".  False, with a message on stderr and
 * the child killed and reaped, when it exits first or prints no such line
 * within @timeout_s. */
bool bench_child_start(BenchChild *c, char *const argv[], const char *key,
                       double timeout_s);

/* SIGTERM the child and wait for it (at most @timeout_s, then SIGKILL);
 * returns its wait status, -1 when it had to be killed or was not
 * running. */
int bench_child_stop(BenchChild *c, double timeout_s);

#endif
