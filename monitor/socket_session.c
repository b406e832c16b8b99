/*
 * monitor/socket_session.c — one monitor client on a stream socket (TCP
 * or unix; usable with nc, socat, telnet): banner, prompt, one command per
 * line.
 *
 * Input is read in 64 KiB blocks and split into lines here, never a byte
 * per system call; output is gathered and sent once per block of input
 * (or every 64 KiB), so a client that pipelines thousands of commands
 * costs a few system calls per batch; a command that ran for SLOW_MS or
 * more has its answer sent at once, so that a client that left is
 * noticed before the rest of its batch runs.  The first line with something
 * besides white space in it ends the session at once when it looks like
 * HTTP: a web page could otherwise make a browser type commands into a
 * loopback monitor (DNS rebinding; see monitor/README.md).  Blank lines
 * first do not get round the check.
 *
 * A line holding a NUL byte is refused whole: C strings would run only
 * what comes before the NUL, a command the client did not send.
 *
 * A client that stops reading its output is dropped once the socket has
 * taken no byte for the stall bound (10 s by default): the session thread
 * must not sit in send(2) for ever in the middle of a command, and the
 * output kept here never exceeds 128 KiB.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <stdint.h>
#include <unistd.h>

#include "internal.h"

#define IN_CAP (64u << 10)  /* longest line, and read block size */
#define OUT_FLUSH (64u << 10)
/* A command that ran this long has its answer sent at once, not with the
 * rest of its batch: that send is how the session learns that its client
 * left (a pmemsave into a FIFO nobody reads prints nothing for its whole
 * stall bound), and it costs nothing next to the command. */
#define SLOW_MS 100

typedef struct Conn {
    int fd;
    bool use_write; /* not a socket: send() said ENOTSOCK */
    bool dead;      /* the peer is gone (or dropped): stop */
    int stall_ms;   /* how long send may wait without progress */
    Monitor *mon;   /* its running command stops once the peer is gone */
    char *out;
    size_t out_len, out_cap;
} Conn;

static void conn_send(Conn *c, const char *buf, size_t len)
{
    while (len && !c->dead) {
        ssize_t n;
        if (c->use_write) {
            n = write(c->fd, buf, len);
        } else {
            /* MSG_NOSIGNAL: a vanished client must not SIGPIPE the server.
             * MSG_DONTWAIT: a full socket is waited for below, bounded. */
            n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno == ENOTSOCK) {
                c->use_write = true;
                continue;
            }
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = { c->fd, POLLOUT, 0 };
                int r = poll(&p, 1, c->use_write ? -1 : c->stall_ms);
                if (r == 0) {
                    /* Not a byte taken for stall_ms: the client does not
                     * read.  Drop it; it sees the end of the connection. */
                    shutdown(c->fd, SHUT_RDWR);
                    c->dead = true;
                    if (c->mon) {
                        monitor_cancel(c->mon);
                    }
                    return;
                }
                continue;
            }
            c->dead = true;
            /* Nobody reads the rest: stop the command that prints it. */
            if (c->mon) {
                monitor_cancel(c->mon);
            }
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void conn_flush(Conn *c)
{
    conn_send(c, c->out, c->out_len);
    c->out_len = 0;
}

/* Send what is buffered now, and see whether the peer answered an
 * earlier send with a reset (it closed, not just its sending half). */
static void conn_flush_now(Conn *c)
{
    struct pollfd p = { c->fd, 0, 0 };

    conn_flush(c);
    if (!c->dead && !c->use_write && poll(&p, 1, 0) == 1 &&
        (p.revents & (POLLERR | POLLHUP))) {
        c->dead = true;
    }
}

static void conn_write(void *opaque, const char *buf, size_t len)
{
    Conn *c = opaque;

    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        char *out;
        while (cap < c->out_len + len && cap < 2 * OUT_FLUSH) {
            cap *= 2;
        }
        out = cap >= c->out_len + len ? realloc(c->out, cap) : NULL;
        if (!out) {
            /* Too big to buffer (or no memory): send what we have and
             * this piece straight away. */
            conn_flush(c);
            conn_send(c, buf, len);
            return;
        }
        c->out = out;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, buf, len);
    c->out_len += len;
    if (c->out_len >= OUT_FLUSH) {
        conn_flush(c);
    }
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

/* The request line or a header of an HTTP request, as a browser sends;
 * @line has no leading white space. */
static bool looks_like_http(const char *line)
{
    static const char *const methods[] = {
        "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ",
        "CONNECT ", "TRACE ",
    };
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strncmp(line, methods[i], strlen(methods[i])) == 0) {
            return true;
        }
    }
    return strncasecmp(line, "Host:", 5) == 0 || strstr(line, " HTTP/1.") ||
           strstr(line, " HTTP/2");
}

int monitor_socket_serve(const MonitorMachine *machine, int fd,
                         unsigned stall_ms)
{
    Monitor *mon = monitor_new(machine);
    Conn c = { .fd = fd,
               .stall_ms = stall_ms > INT32_MAX ? INT32_MAX : (int)stall_ms,
               .mon = mon };
    MonitorOut out = { conn_write, &c };
    char *in = malloc(IN_CAP + 1);
    size_t have = 0;
    bool first = true, discarding = false, slow = false;
    int ret = 0;

    if (!mon || !in) {
        static const char msg[] = "memcored monitor: out of memory\n";
        conn_send(&c, msg, sizeof(msg) - 1);
        goto done;
    }
    {
        const char *banner = machine->banner ? machine->banner : MONITOR_BANNER;
        conn_write(&c, banner, strlen(banner));
        conn_write(&c, "\n" MONITOR_PROMPT, strlen("\n" MONITOR_PROMPT));
    }

    while (!c.dead) {
        ssize_t n;
        size_t start = 0;
        char *nl;

        conn_flush(&c);
        if (c.dead) {
            break;
        }
        n = read(fd, in + have, IN_CAP - have);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = { fd, POLLIN, 0 };
                poll(&p, 1, -1);
                continue;
            }
            break;
        }
        if (n == 0) {
            break; /* client closed; an unterminated last line is dropped */
        }
        have += (size_t)n;

        while (!c.dead &&
               (nl = memchr(in + start, '\n', have - start)) != NULL) {
            char *line = in + start;
            size_t len = (size_t)(nl - line);
            bool has_nul;
            start += len + 1;
            if (len && line[len - 1] == '\r') {
                len--;
            }
            has_nul = memchr(line, '\0', len) != NULL;
            line[len] = '\0';
            if (discarding) {
                discarding = false; /* the tail of an overlong line */
                continue;
            }
            /* The first line that is more than white space is the one a
             * browser's request line would be. */
            if (first && (has_nul || *skip_space(line))) {
                first = false;
                if (looks_like_http(skip_space(line))) {
                    goto drop;
                }
            }
            if (has_nul) {
                static const char msg[] = "Error: the line holds a NUL "
                                          "byte; nothing was run\n";
                conn_write(&c, msg, sizeof(msg) - 1);
                ret = MONITOR_FAILED;
            } else {
                uint64_t t0 = mon_now_ms();

                ret = monitor_run_line(mon, line, &out);
                if (ret & MONITOR_QUIT) {
                    goto done;
                }
                slow = mon_now_ms() - t0 >= SLOW_MS;
            }
            conn_write(&c, MONITOR_PROMPT, strlen(MONITOR_PROMPT));
            if (slow) {
                slow = false;
                conn_flush_now(&c);
            }
        }
        memmove(in, in + start, have - start);
        have -= start;
        if (have == IN_CAP) {
            in[have] = '\0';
            if (first && looks_like_http(skip_space(in))) {
                goto drop;
            }
            first = false;
            if (!discarding) {
                static const char msg[] = "line too long\n" MONITOR_PROMPT;
                conn_write(&c, msg, sizeof(msg) - 1);
            }
            discarding = true;
            have = 0;
        }
    }

    goto done;
drop:
    /* Close the connection now, not when the server gets round to it. */
    c.out_len = 0;
    shutdown(fd, SHUT_RDWR);
done:
    conn_flush(&c);
    free(c.out);
    free(in);
    monitor_free(mon);
    return ret & MONITOR_QUIT;
}

int monitor_socket_session(const MonitorMachine *machine, int fd)
{
    return monitor_socket_serve(machine, fd, MONITOR_SOCKET_STALL_MS);
}
