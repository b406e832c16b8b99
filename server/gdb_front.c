/*
 * server/gdb_front.c — the gdb front-end (see gdb_front.h).
 *
 * One thread polls the listening socket, a wake-up pipe, the connected
 * client and its stub's event fd.  The stub writes its replies straight
 * to the socket: a 64 MiB dump is 512 replies of 256 KiB hex.  A write
 * waits for room in the socket or for the wake-up pipe, so a gdb that no
 * longer reads cannot hold a shutdown hostage; after GDB_STALL_MS
 * without progress the client is dropped, so that it cannot keep the
 * next gdb out either.  Stopping means writing
 * to the wake-up pipe (never drained afterwards); the thread then tells
 * a gdb that waits for a stop that the target exited (a W packet), as
 * QEMU does, and closes the connection.
 *
 * A second client while one is connected gets "$E.gdb already
 * connected...#CS"-style refusal: it is accepted, sent one error packet
 * (gdb shows the text of an E. error), and closed; memcored says so on
 * stderr.  QEMU leaves it in the listen backlog, where gdb hangs.
 */
#include "gdb_front.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gdbstub/rsp.h>
#include <gdbstub/stub.h>

/* A refused client: answered once its first packet is in, then drained
 * until it closes (closing with its bytes unread would reset the
 * connection before gdb reads the reason). */
typedef struct Refused {
    int fd;
    bool answered;
    RspParser parser;
} Refused;

#define MAX_REFUSED 4

struct GdbFront {
    GdbTarget target;
    const MonitorMachine *machine;
    int listen_fd;
    int wake[2];
    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;
    int exit_status;          /* for the W packet; set before stopping */
    int client_fd;            /* -1 when none */
    GdbStub *stub;
    bool write_failed;
    uint8_t *inbuf;
    Refused refused[MAX_REFUSED];
};

#define INBUF_SIZE (RSP_PACKET_SIZE + 1024)

/* A client that takes no byte of a reply for this long is gone (gdb
 * itself gives up on a silent stub after 2 s): dropping it frees the
 * thread, which serves one client at a time, for the next gdb. */
#define GDB_STALL_MS 10000

static const char refusal[] =
    "E.memcored: another gdb is already connected; detach it first";

/* ---- the session thread ------------------------------------------------- */

static void wake(GdbFront *f)
{
    char c = 'w';
    ssize_t n = write(f->wake[1], &c, 1);

    (void)n; /* a full pipe already says "wake up" */
}

/* GdbWriteFn: everything, or note that the connection is dead (or that
 * memcored stops while gdb does not read). */
static void client_write(void *opaque, const void *buf, size_t len)
{
    GdbFront *f = opaque;
    const char *p = buf;

    while (len && !f->write_failed) {
        ssize_t n = send(f->client_fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        int rc;

        if (n < 0) {
            struct pollfd pfd[2] = {
                { .fd = f->client_fd, .events = POLLOUT },
                { .fd = f->wake[0], .events = POLLIN },
            };

            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                f->write_failed = true;
                break;
            }
            rc = atomic_load(&f->stopping) ? -1
                                           : poll(pfd, 2, GDB_STALL_MS);
            if (rc == 0) {
                fprintf(stderr, "memcored: gdb: the client read nothing "
                        "for %d s; disconnected it\n", GDB_STALL_MS / 1000);
            }
            if (rc == 0 || (rc < 0 && errno != EINTR) ||
                atomic_load(&f->stopping)) {
                f->write_failed = true;
                break;
            }
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
}

static void end_session(GdbFront *f)
{
    if (f->client_fd < 0) {
        return;
    }
    gdb_stub_free(f->stub); /* detaches the target: the guest runs on */
    f->stub = NULL;
    close(f->client_fd);
    f->client_fd = -1;
}

static void start_session(GdbFront *f, int fd)
{
    int one = 1;

    /* replies are whole packets: send each at once */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    f->client_fd = fd;
    f->write_failed = false;
    f->stub = gdb_stub_new(&f->target, f->machine, client_write, f);
    if (!f->stub) {
        fprintf(stderr, "memcored: gdb: out of memory\n");
        end_session(f);
    }
}

static void refuse(GdbFront *f, int fd)
{
    for (unsigned i = 0; i < MAX_REFUSED; i++) {
        Refused *r = &f->refused[i];

        if (r->fd < 0) {
            if (!rsp_parser_init(&r->parser, 4096)) {
                break;
            }
            r->fd = fd;
            r->answered = false;
            fprintf(stderr, "memcored: gdb: refused a second connection "
                    "(a gdb is already connected)\n");
            return;
        }
    }
    close(fd);  /* too many at once: no explanation */
}

static void drop_refused(Refused *r)
{
    close(r->fd);
    r->fd = -1;
    rsp_parser_destroy(&r->parser);
}

static void serve_refused(Refused *r)
{
    uint8_t buf[4096];
    ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
    size_t off = 0;

    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            drop_refused(r);
        }
        return;
    }
    while (!r->answered && off < (size_t)n) {
        RspEvent ev;

        off += rsp_parser_feed(&r->parser, buf + off, (size_t)n - off, &ev);
        if (ev.kind == RSP_EV_PACKET || ev.kind == RSP_EV_OVERSIZE ||
            ev.kind == RSP_EV_BAD_CHECKSUM) {
            char pkt[sizeof(refusal) + 8];
            size_t len;

            pkt[0] = '+';
            len = 1 + rsp_frame(refusal, sizeof(refusal) - 1, pkt + 1,
                                sizeof(pkt) - 1);
            if (send(r->fd, pkt, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
                drop_refused(r);
                return;
            }
            shutdown(r->fd, SHUT_WR);
            r->answered = true;
        }
    }
}

static void serve_client(GdbFront *f)
{
    int one = 1;
    ssize_t n;

    /* gdb writes a request in pieces; with Nagle on its side, each
     * piece after the first waits for our ACK, which Linux delays: ACK
     * at once (the flag does not stick, so set it before every read). */
    setsockopt(f->client_fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
    n = recv(f->client_fd, f->inbuf, INBUF_SIZE, 0);

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        end_session(f);  /* gdb went away without detaching */
        return;
    }
    gdb_stub_input(f->stub, f->inbuf, (size_t)n);
    if (gdb_stub_finished(f->stub) || f->write_failed) {
        end_session(f);
    }
}

static void *session_thread(void *arg)
{
    GdbFront *f = arg;

    while (!atomic_load(&f->stopping)) {
        struct pollfd pfd[4 + MAX_REFUSED];
        unsigned n = 2;

        pfd[0] = (struct pollfd){ .fd = f->wake[0], .events = POLLIN };
        pfd[1] = (struct pollfd){ .fd = f->listen_fd, .events = POLLIN };
        if (f->client_fd >= 0) {
            pfd[n++] = (struct pollfd){ .fd = f->client_fd, .events = POLLIN };
            pfd[n++] = (struct pollfd){ .fd = gdb_stub_event_fd(f->stub),
                                        .events = POLLIN };
        }
        for (unsigned i = 0; i < MAX_REFUSED; i++) {
            pfd[n++] = (struct pollfd){ .fd = f->refused[i].fd,
                                        .events = POLLIN };
        }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (pfd[0].revents) {
            continue; /* the loop condition looks at stopping */
        }
        n = 2;
        if (f->client_fd >= 0) {
            short client = pfd[2].revents, events = pfd[3].revents;

            n = 4;
            if (events & POLLIN) {
                gdb_stub_process_events(f->stub);
                if (f->write_failed) {
                    end_session(f);
                }
            }
            if (f->client_fd >= 0 && client) {
                serve_client(f);
            }
        }
        for (unsigned i = 0; i < MAX_REFUSED; i++, n++) {
            if (f->refused[i].fd >= 0 && pfd[n].revents) {
                serve_refused(&f->refused[i]);
            }
        }
        if (pfd[1].revents & POLLIN) {
            int fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                if (f->client_fd >= 0) {
                    refuse(f, fd);
                } else {
                    start_session(f, fd);
                }
            }
        }
    }
    if (f->client_fd >= 0 && !f->write_failed) {
        gdb_stub_exited(f->stub, f->exit_status);
    }
    end_session(f);
    for (unsigned i = 0; i < MAX_REFUSED; i++) {
        if (f->refused[i].fd >= 0) {
            drop_refused(&f->refused[i]);
        }
    }
    return NULL;
}

/* ---- start and stop ------------------------------------------------------- */

GdbFront *gdb_front_start(const ListenAddr *addr, const GdbTarget *target,
                          const MonitorMachine *machine, char *shown,
                          size_t shownlen, char *msg, size_t msglen)
{
    GdbFront *f = calloc(1, sizeof(*f));

    if (!f || !(f->inbuf = malloc(INBUF_SIZE))) {
        free(f);
        snprintf(msg, msglen, "out of memory");
        return NULL;
    }
    f->target = *target;
    f->machine = machine;
    f->client_fd = -1;
    f->wake[0] = f->wake[1] = -1;
    for (unsigned i = 0; i < MAX_REFUSED; i++) {
        f->refused[i].fd = -1;
    }
    f->listen_fd = listen_open(addr, shown, shownlen, msg, msglen);
    if (f->listen_fd < 0) {
        goto fail;
    }
    if (pipe2(f->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(msg, msglen, "pipe: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&f->thread, NULL, session_thread, f) != 0) {
        snprintf(msg, msglen, "cannot start the gdb thread");
        goto fail;
    }
    f->thread_started = true;
    return f;

fail:
    gdb_front_stop(f, 1);
    return NULL;
}

void gdb_front_stop(GdbFront *f, int exit_status)
{
    if (!f) {
        return;
    }
    f->exit_status = exit_status;
    atomic_store(&f->stopping, true);
    if (f->thread_started) {
        /* also ends a write waiting on a gdb that does not read */
        wake(f);
        pthread_join(f->thread, NULL);
    }
    if (f->listen_fd >= 0) {
        close(f->listen_fd);
    }
    if (f->wake[0] >= 0) {
        close(f->wake[0]);
        close(f->wake[1]);
    }
    free(f->inbuf);
    free(f);
}
