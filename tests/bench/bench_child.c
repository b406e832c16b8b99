/*
 * tests/bench/bench_child.c — servers started by bench_http (see
 * bench_child.h).
 */
#include "bench_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double bench_now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int ms_left(double deadline)
{
    double left = deadline - bench_now_s();

    return left <= 0 ? 0 : (int)(left * 1000.0) + 1;
}

/* The port in "...KEY...127.0.0.1:PORT...", or 0. */
static int port_in(const char *line, const char *key)
{
    static const char host[] = "127.0.0.1:";
    const char *p = strstr(line, key);
    long port;

    if (!p || !(p = strstr(p, host))) {
        return 0;
    }
    port = strtol(p + sizeof(host) - 1, NULL, 10);
    return port > 0 && port < 65536 ? (int)port : 0;
}

static void kill_and_reap(BenchChild *c)
{
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR) {
        continue;
    }
    close(c->out);
    c->pid = 0;
    c->out = -1;
}

bool bench_child_start(BenchChild *c, char *const argv[], const char *key,
                       double timeout_s)
{
    double deadline = bench_now_s() + timeout_s;
    char buf[sizeof(c->line)];
    size_t have = 0;
    int pfd[2];

    c->pid = 0;
    c->out = -1;
    c->port = 0;
    c->line[0] = '\0';
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        perror("bench_http: pipe");
        return false;
    }
    c->pid = fork();
    if (c->pid < 0) {
        perror("bench_http: fork");
        close(pfd[0]);
        close(pfd[1]);
        c->pid = 0;
        return false;
    }
    if (c->pid == 0) {
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        if (null < 0 || dup2(null, 0) < 0 || dup2(pfd[1], 1) < 0) {
            _exit(127);
        }
        execv(argv[0], argv);
        fprintf(stderr, "bench_http: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    c->out = pfd[0];

    for (;;) {
        struct pollfd p = { c->out, POLLIN, 0 };
        char *nl;
        ssize_t n;

        if (poll(&p, 1, ms_left(deadline)) <= 0) {
            fprintf(stderr, "bench_http: %s printed no \"%s\" line in "
                            "%.0f s\n", argv[0], key, timeout_s);
            break;
        }
        n = read(c->out, buf + have, sizeof(buf) - 1 - have);
        if (n <= 0) {
            fprintf(stderr, "bench_http: %s exited before listening\n",
                    argv[0]);
            break;
        }
        have += (size_t)n;
        buf[have] = '\0';
        while ((nl = strchr(buf, '\n')) != NULL) {
            *nl = '\0';
            c->port = port_in(buf, key);
            if (c->port) {
                snprintf(c->line, sizeof(c->line), "%s", buf);
                return true;
            }
            have -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, have + 1);
        }
        if (have == sizeof(buf) - 1) {
            have = 0; /* a line longer than any we wait for: drop it */
        }
    }
    kill_and_reap(c);
    return false;
}

int bench_child_stop(BenchChild *c, double timeout_s)
{
    double deadline = bench_now_s() + timeout_s;
    int status;

    if (c->pid <= 0) {
        return -1;
    }
    kill(c->pid, SIGTERM);
    /* Poll for the exit with a bound: a server that ignores SIGTERM must
     * not hang `make bench`. */
    for (;;) {
        pid_t r = waitpid(c->pid, &status, WNOHANG);

        if (r == c->pid) {
            close(c->out);
            c->pid = 0;
            c->out = -1;
            return status;
        }
        if ((r < 0 && errno != EINTR) || bench_now_s() > deadline) {
            fprintf(stderr, "bench_http: pid %d did not exit within %.0f s "
                            "of SIGTERM; killed\n", (int)c->pid, timeout_s);
            kill_and_reap(c);
            return -1;
        }
        poll(NULL, 0, 10);
    }
}
