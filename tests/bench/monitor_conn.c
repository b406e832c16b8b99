/*
 * tests/bench/monitor_conn.c — child processes and monitor
 * connections for bench_monitor (see monitor_conn.h).
 *
 * Nothing here sleeps to synchronise: memcored's port comes from the line
 * it prints once its socket accepts connections, and answers are counted
 * as they arrive.  The one wait is QEMU's unix socket, which QEMU creates
 * some time after starting and announces nowhere: connect is retried
 * every 2 ms, bounded in time and abandoned as soon as QEMU exits.
 */
#include "monitor_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READ_BLOCK (64u << 10)

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Milliseconds left until deadline, for poll(). */
static int ms_left(double deadline)
{
    double left = deadline - now_s();
    return left <= 0 ? 0 : (int)(left * 1000.0) + 1;
}

static int devnull_stdin(void)
{
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0 || dup2(fd, 0) < 0) {
        return -1;
    }
    if (fd != 0) {
        close(fd);
    }
    return 0;
}

pid_t spawn_memcored(const char *path, int *port, int *out_fd)
{
    static const char key[] = "monitor: listening on 127.0.0.1:";
    char line[512];
    size_t have = 0;
    int pfd[2];
    pid_t pid;
    double deadline = now_s() + 20.0;

    if (pipe(pfd) < 0) {
        perror("bench_monitor: pipe");
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        perror("bench_monitor: fork");
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        if (dup2(pfd[1], 1) < 0 || devnull_stdin() < 0) {
            _exit(127);
        }
        close(pfd[0]);
        close(pfd[1]);
        execl(path, path, "--monitor", "tcp:127.0.0.1:0", "--gdb", "none",
              "--http", "none", (char *)NULL);
        fprintf(stderr, "bench_monitor: cannot run %s: %s\n", path,
                strerror(errno));
        _exit(127);
    }
    close(pfd[1]);

    /* Read whole lines until the monitor's one. */
    for (;;) {
        struct pollfd p = { pfd[0], POLLIN, 0 };
        char *nl;
        ssize_t n;

        if (poll(&p, 1, ms_left(deadline)) <= 0) {
            fprintf(stderr, "bench_monitor: memcored printed no "
                            "\"monitor: listening\" line in 20 s\n");
            break;
        }
        n = read(pfd[0], line + have, sizeof(line) - 1 - have);
        if (n <= 0) {
            fprintf(stderr, "bench_monitor: memcored exited before "
                            "listening\n");
            break;
        }
        have += (size_t)n;
        line[have] = '\0';
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            if (strncmp(line, key, sizeof(key) - 1) == 0) {
                *port = atoi(line + sizeof(key) - 1);
                if (*port > 0 && *port < 65536) {
                    /* Keep the pipe open: memcored may print more later. */
                    *out_fd = pfd[0];
                    return pid;
                }
            }
            have -= (size_t)(nl + 1 - line);
            memmove(line, nl + 1, have + 1);
        }
        if (have == sizeof(line) - 1) {
            have = 0; /* an absurd line: drop it */
        }
    }
    close(pfd[0]);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return -1;
}

pid_t spawn_peer(char *const argv[], const char *log_path)
{
    pid_t pid = fork();

    if (pid < 0) {
        perror("bench_monitor: fork");
        return -1;
    }
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (devnull_stdin() < 0 || fd < 0 || dup2(fd, 1) < 0 ||
            dup2(fd, 2) < 0) {
            _exit(127);
        }
        close(fd);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

int stop_child(pid_t pid)
{
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        return -1;
    }
    return wait_child(pid);
}

int wait_child(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return status;
}

int connect_tcp(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        perror("bench_monitor: socket");
        return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        perror("bench_monitor: connect");
        close(fd);
        return -1;
    }
    return fd;
}

int connect_unix_retry(const char *path, pid_t pid, double timeout_s)
{
    struct sockaddr_un a;
    double deadline = now_s() + timeout_s;

    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(a.sun_path)) {
        fprintf(stderr, "bench_monitor: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(a.sun_path, path);

    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int status;
        struct timespec pause = { 0, 2000000 };

        if (fd < 0) {
            perror("bench_monitor: socket");
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
            return fd;
        }
        close(fd);
        if (errno != ENOENT && errno != ECONNREFUSED) {
            fprintf(stderr, "bench_monitor: connect %s: %s\n", path,
                    strerror(errno));
            return -1;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "bench_monitor: the peer exited (status %d) "
                            "before creating %s\n", status, path);
            return -2; /* reaped: the caller must not wait for it */
        }
        if (now_s() > deadline) {
            fprintf(stderr, "bench_monitor: %s did not appear in %.0f s\n",
                    path, timeout_s);
            return -1;
        }
        nanosleep(&pause, NULL);
    }
}

/* One answer is complete: strip an echoed command line, then check it. */
static void deliver(MonConn *c, const char *text, size_t len)
{
    if (c->echo) {
        const char *nl = memchr(text, '\n', len);
        if (nl) {
            len -= (size_t)(nl + 1 - text);
            text = nl + 1;
        }
    }
    c->answers++;
    if (c->check && !c->check(c->check_arg, text, len)) {
        c->wrong++;
    }
}

/* Split the received text at each delimiter.  One pass per read, and one
 * memmove of the unfinished tail, so 2,800 answers in a 64 KiB block cost
 * no more than one. */
static void split(MonConn *c)
{
    size_t start = 0, from = c->scan;
    char *p;

    while ((p = memmem(c->buf + from, c->len - from, c->delim,
                       c->delim_len)) != NULL) {
        size_t end = (size_t)(p - c->buf);
        deliver(c, c->buf + start, end - start);
        start = end + c->delim_len;
        from = start;
    }
    memmove(c->buf, c->buf + start, c->len - start);
    c->len -= start;
    c->scan = c->len >= c->delim_len ? c->len - c->delim_len + 1 : 0;
}

bool conn_open(MonConn *c, int fd, const char *delim, bool echo,
               unsigned banners, double timeout_s)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->delim = delim;
    c->delim_len = strlen(delim);
    c->echo = echo;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        perror("bench_monitor: fcntl");
        return false;
    }
    return banners == 0 || conn_run(c, "", 0, banners, timeout_s);
}

void conn_close(MonConn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->buf);
    c->fd = -1;
    c->buf = NULL;
}

bool conn_run(MonConn *c, const char *cmds, size_t len, unsigned long n,
              double timeout_s)
{
    unsigned long target = c->answers + n;
    double deadline = now_s() + timeout_s;
    size_t sent = 0;

    while (c->answers < target) {
        struct pollfd p = { c->fd, POLLIN, 0 };
        int r;

        if (sent < len) {
            p.events |= POLLOUT;
        }
        r = poll(&p, 1, ms_left(deadline));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            fprintf(stderr, "bench_monitor: %s after %.0f s: %lu of %lu "
                            "answers\n", r ? "poll failed" : "timeout",
                    timeout_s, n - (target - c->answers), n);
            return false;
        }
        if ((p.revents & POLLOUT) && sent < len) {
            ssize_t w = send(c->fd, cmds + sent, len - sent, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN && errno != EINTR) {
                perror("bench_monitor: send");
                return false;
            }
            sent += w > 0 ? (size_t)w : 0;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t got;
            if (c->cap - c->len < READ_BLOCK) {
                size_t cap = c->cap ? 2 * c->cap : 4 * READ_BLOCK;
                char *b = realloc(c->buf, cap);
                if (!b) {
                    fprintf(stderr, "bench_monitor: out of memory\n");
                    return false;
                }
                c->buf = b;
                c->cap = cap;
            }
            got = read(c->fd, c->buf + c->len, c->cap - c->len);
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
                continue;
            }
            if (got <= 0) {
                fprintf(stderr, "bench_monitor: the server closed the "
                                "connection after %lu of %lu answers\n",
                        n - (target - c->answers), n);
                return false;
            }
            c->len += (size_t)got;
            split(c);
        }
    }
    return true;
}

bool conn_quit(MonConn *c, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    char sink[4096];

    if (send(c->fd, "quit\n", 5, MSG_NOSIGNAL) != 5) {
        return false;
    }
    for (;;) {
        struct pollfd p = { c->fd, POLLIN, 0 };
        ssize_t n;
        int r = poll(&p, 1, ms_left(deadline));

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        n = read(c->fd, sink, sizeof(sink));
        if (n == 0) {
            return true;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return errno == ECONNRESET;
        }
    }
}
