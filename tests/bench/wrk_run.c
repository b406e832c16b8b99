/*
 * tests/bench/wrk_run.c — run wrk and read its report (see wrk_run.h).
 *
 * wrk 4 prints, among other lines:
 *
 *     Latency Distribution
 *        ...
 *        99%    5.40ms
 *     123456 requests in 5.00s, 12.34MB read
 *     Socket errors: connect 0, read 0, write 0, timeout 0
 *     Non-2xx or 3xx responses: 5
 *     Requests/sec:  24691.20
 *
 * The last two error lines appear only when there were errors.
 */
#include "wrk_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* "5.40ms" -> 5.40; wrk prints us, ms, s and m. */
static double to_ms(double v, const char *unit)
{
    if (strcmp(unit, "us") == 0) {
        return v / 1000.0;
    }
    if (strcmp(unit, "ms") == 0) {
        return v;
    }
    if (strcmp(unit, "s") == 0) {
        return v * 1000.0;
    }
    if (strcmp(unit, "m") == 0) {
        return v * 60000.0;
    }
    return -1;
}

static bool parse(WrkResult *r)
{
    bool have_rps = false, have_p99 = false;
    char *save = NULL, *copy = strdup(r->text);

    if (!copy) {
        fprintf(stderr, "bench_http: out of memory\n");
        return false;
    }
    for (char *l = strtok_r(copy, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        unsigned long a, b, c, d;
        char unit[8];
        double v;

        while (*l == ' ' || *l == '\t') {
            l++;
        }
        if (sscanf(l, "Requests/sec: %lf", &v) == 1) {
            r->rps = v;
            have_rps = true;
        } else if (sscanf(l, "99%% %lf%7s", &v, unit) == 2) {
            r->p99_ms = to_ms(v, unit);
            have_p99 = r->p99_ms >= 0;
        } else if (sscanf(l, "%lu requests in", &a) == 1) {
            r->requests = a;
        } else if (sscanf(l, "Socket errors: connect %lu, read %lu, write "
                             "%lu, timeout %lu", &a, &b, &c, &d) == 4) {
            r->sock_errors = a + b + c + d;
        } else if (sscanf(l, "Non-2xx or 3xx responses: %lu", &a) == 1) {
            r->non2xx = a;
        }
    }
    free(copy);
    return have_rps && have_p99;
}

bool wrk_run(const char *wrk, const char *url, unsigned threads,
             unsigned conns, unsigned secs, volatile pid_t *running,
             WrkResult *r)
{
    char t[16], c[16], d[16];
    size_t have = 0;
    int pfd[2], status;
    pid_t pid;

    memset(r, 0, sizeof(*r));
    snprintf(t, sizeof(t), "-t%u", threads);
    snprintf(c, sizeof(c), "-c%u", conns);
    snprintf(d, sizeof(d), "-d%us", secs);
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        perror("bench_http: pipe");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        perror("bench_http: fork");
        close(pfd[0]);
        close(pfd[1]);
        return false;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        if (null < 0 || dup2(null, 0) < 0 || dup2(pfd[1], 1) < 0 ||
            dup2(pfd[1], 2) < 0) {
            _exit(127);
        }
        execl(wrk, wrk, t, c, d, "--latency", url, (char *)NULL);
        fprintf(stderr, "cannot run %s: %s\n", wrk, strerror(errno));
        _exit(127);
    }
    *running = pid;
    close(pfd[1]);
    for (;;) {
        ssize_t n = read(pfd[0], r->text + have, sizeof(r->text) - 1 - have);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        have += (size_t)n;
        if (have == sizeof(r->text) - 1) {
            /* More than any report: keep the start, drain the rest. */
            char sink[512];

            while (read(pfd[0], sink, sizeof(sink)) > 0) {
                continue;
            }
            break;
        }
    }
    r->text[have] = '\0';
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            status = -1;
            break;
        }
    }
    *running = 0;
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_http: %s %s %s %s --latency %s failed "
                        "(wait status %d):\n%s\n", wrk, t, c, d, url, status,
                r->text);
        return false;
    }
    if (!parse(r)) {
        fprintf(stderr, "bench_http: no rate or 99%% latency in wrk's "
                        "report:\n%s\n", r->text);
        return false;
    }
    return true;
}
