/*
 * tests/bench/wrk_run.h — run wrk (Debian's package) against one URL and
 * read its report: requests per second, the 99th percentile latency, and
 * everything that makes a figure meaningless (error answers, socket
 * errors).
 */
#ifndef WRK_RUN_H
#define WRK_RUN_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct WrkResult {
    double rps;          /* "Requests/sec:" */
    double p99_ms;       /* "99%" of the --latency distribution */
    unsigned long requests;
    unsigned long non2xx;    /* "Non-2xx or 3xx responses:" */
    unsigned long sock_errors; /* connect + read + write + timeout */
    char text[4096];     /* wrk's whole output, for a report that fails */
} WrkResult;

/* Run `wrk -t@threads -c@conns -d@secs --latency @url`, with @wrk the
 * program's path.  *running holds wrk's pid while it runs (0 otherwise),
 * for a signal handler that must kill it.  False, with a message on
 * stderr, when wrk cannot run, fails, or prints no rate. */
bool wrk_run(const char *wrk, const char *url, unsigned threads,
             unsigned conns, unsigned secs, volatile pid_t *running,
             WrkResult *r);

#endif
