/*
 * tests/integration/burst.c — many connections at once, for the tests of
 * listen backlogs and connection caps.
 *
 *   burst [-n N] [-s TEXT] [-e TEXT] [-t MS] [-h] [-w] ADDR
 *
 * Opens N connections to ADDR (HOST:PORT or unix:PATH) as fast as it can,
 * without waiting for any answer, sends TEXT on each (\r and \n escapes
 * understood), then reads every connection until what it received holds
 * the expected TEXT, the server closes it, or MS milliseconds (default
 * 20000) have passed since the start.  Prints one line:
 *
 *   connections N answered A closed C silent S
 *
 * (answered: the text came; closed: the server ended the connection
 * first; silent: neither within the time), then, when some were closed,
 * "first closed: TEXT" with what the first of them received.  With -h it
 * keeps every connection open until its standard input ends.  Exit status
 * 0 when all N were answered, 1 otherwise, 2 on a usage or setup error.
 *
 * -w (a client that never reads): send TEXT again and again on each
 * connection for as long as the socket takes it without waiting, read
 * nothing, print "connections N sent BYTES" and hold (-h implied).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RECV_MAX 4096

typedef struct Conn {
    int fd;
    size_t len;
    char buf[RECV_MAX + 1];
    enum { CONNECTING, WAITING, ANSWERED, CLOSED } state;
} Conn;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    if (!out) {
        return NULL;
    }
    for (; *s; s++) {
        if (s[0] == '\\' && (s[1] == 'n' || s[1] == 'r')) {
            *o++ = s[1] == 'n' ? '\n' : '\r';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static struct sockaddr_storage target;
static socklen_t target_len;

static bool resolve(const char *addr)
{
    if (strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un *sun = (struct sockaddr_un *)&target;
        sun->sun_family = AF_UNIX;
        snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", addr + 5);
        target_len = sizeof(*sun);
        return true;
    }
    char host[256];
    const char *colon = strrchr(addr, ':');
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;

    if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
        return false;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
        return false;
    }
    memcpy(&target, res->ai_addr, res->ai_addrlen);
    target_len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

/* A non-blocking connect: all N handshakes are under way at once, which
 * is what overflows a small listen backlog (the kernel then drops SYNs,
 * and the client waits 1 s, 3 s, 7 s... to send them again).  A unix
 * socket with a full backlog says EAGAIN: *@again, try later. */
static int open_one(bool *again)
{
    int fd = socket(target.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
                    SOCK_NONBLOCK, 0);

    *again = false;
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&target, target_len) != 0 &&
        errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        *again = e == EAGAIN;
        errno = e;
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    int n = 1, timeout_ms = 20000, opt;
    const char *send_text = NULL, *expect = NULL;
    char *sendbuf = NULL;
    bool hold = false, write_only = false;
    unsigned long long sent = 0;
    Conn *c;
    struct pollfd *p;
    struct rlimit rl;
    long deadline;
    int answered = 0, closed = 0, first_closed = -1;

    while ((opt = getopt(argc, argv, "n:s:e:t:hw")) != -1) {
        switch (opt) {
        case 'n': n = atoi(optarg); break;
        case 's': send_text = optarg; break;
        case 'e': expect = optarg; break;
        case 't': timeout_ms = atoi(optarg); break;
        case 'h': hold = true; break;
        case 'w': write_only = hold = true; break;
        default: return 2;
        }
    }
    if (write_only && !expect) {
        expect = "";
    }
    if (optind + 1 != argc || n < 1 || !expect || !resolve(argv[optind]) ||
        (write_only && !send_text)) {
        fprintf(stderr, "usage: burst [-n N] [-s TEXT] -e TEXT [-t MS] [-h] "
                "ADDR\n");
        return 2;
    }
    /* N descriptors of our own, beyond a soft limit of 1024. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (send_text && !(sendbuf = unescape(send_text))) {
        return 2;
    }
    c = calloc((size_t)n, sizeof(*c));
    p = calloc((size_t)n, sizeof(*p));
    if (!c || !p) {
        return 2;
    }
    deadline = now_ms() + timeout_ms;
    for (int i = 0; i < n; i++) {
        bool again;
        c[i].fd = open_one(&again);
        if (c[i].fd < 0 && !again) {
            fprintf(stderr, "burst: connection %d: %s\n", i, strerror(errno));
            return 2;
        }
        c[i].state = CONNECTING;
    }
    while (answered + closed < n) {
        int np = 0, left = (int)(deadline - now_ms());

        if (left <= 0) {
            break;
        }
        for (int i = 0; i < n; i++) {
            bool again;
            if (c[i].state == CONNECTING && c[i].fd < 0) {
                c[i].fd = open_one(&again);   /* unix: the backlog was full */
                if (c[i].fd < 0 && !again) {
                    fprintf(stderr, "burst: connection %d: %s\n", i,
                            strerror(errno));
                    return 2;
                }
                if (c[i].fd < 0) {
                    left = 10;
                    continue;
                }
            }
            if (c[i].state == CONNECTING || c[i].state == WAITING) {
                p[np++] = (struct pollfd){
                    .fd = c[i].fd,
                    .events = c[i].state == CONNECTING ? POLLOUT : POLLIN };
            }
        }
        if (poll(p, (nfds_t)np, left) <= 0) {
            continue;
        }
        for (int k = 0, i = 0; k < np; k++) {
            ssize_t r;

            while (c[i].fd != p[k].fd) {
                i++;
            }
            if (!p[k].revents) {
                continue;
            }
            if (c[i].state == CONNECTING) {
                int err = 0;
                socklen_t el = sizeof(err);
                getsockopt(c[i].fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err) {
                    fprintf(stderr, "burst: connection %d: %s\n", i,
                            strerror(err));
                    return 2;
                }
                c[i].state = WAITING;
                if (write_only) {
                    size_t len = strlen(sendbuf);
                    ssize_t w;
                    /* Until the socket is full (or 64 MiB went out). */
                    while (sent < (64u << 20) &&
                           (w = send(c[i].fd, sendbuf, len,
                                     MSG_NOSIGNAL | MSG_DONTWAIT)) > 0) {
                        sent += (unsigned long long)w;
                    }
                    c[i].state = ANSWERED;
                    answered++;
                    continue;
                }
                if (sendbuf) {
                    size_t len = strlen(sendbuf);
                    /* A fresh socket takes a short request at once. */
                    if (send(c[i].fd, sendbuf, len, MSG_NOSIGNAL) !=
                        (ssize_t)len) {
                        c[i].state = CLOSED;
                        closed++;
                        if (first_closed < 0) {
                            first_closed = i;
                        }
                    }
                }
                continue;
            }
            r = read(c[i].fd, c[i].buf + c[i].len, RECV_MAX - c[i].len);
            if (r > 0) {
                c[i].len += (size_t)r;
                c[i].buf[c[i].len] = '\0';
                if (strstr(c[i].buf, expect)) {
                    c[i].state = ANSWERED;
                    answered++;
                } else if (c[i].len == RECV_MAX) {
                    c[i].len = 0; /* keep reading; the text may follow */
                }
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                c[i].state = CLOSED;
                closed++;
                if (first_closed < 0) {
                    first_closed = i;
                }
            }
        }
    }
    if (write_only) {
        printf("connections %d sent %llu\n", n, sent);
    } else {
        printf("connections %d answered %d closed %d silent %d\n", n,
               answered, closed, n - answered - closed);
    }
    fprintf(stderr, "burst: %ld ms\n", now_ms() - (deadline - timeout_ms));
    if (first_closed >= 0) {
        printf("first closed: %s\n", c[first_closed].buf);
    }
    fflush(stdout);
    if (hold) {
        char b[64];
        while (read(STDIN_FILENO, b, sizeof(b)) > 0) {
        }
    }
    for (int i = 0; i < n; i++) {
        if (c[i].fd >= 0) {
            close(c[i].fd);
        }
    }
    free(c);
    free(p);
    free(sendbuf);
    return answered == n ? 0 : 1;
}
