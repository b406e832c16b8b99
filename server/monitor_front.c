/*
 * server/monitor_front.c — the monitor's threads (see monitor_front.h).
 *
 * Terminal: one thread runs monitor_terminal_run(); stopping it means
 * writing to the pipe it polls beside stdin.
 *
 * Sockets: the accept thread polls the listening socket and a wake-up
 * pipe.  Each client gets a thread running monitor_socket_session().  A
 * client thread never closes its socket: it marks itself done and wakes
 * the accept thread, which joins it and closes the descriptor.  That way
 * the descriptor cannot be reused while the stopping code still calls
 * shutdown(2) on it to wake a session blocked in read.
 *
 * At most MONITOR_MAX_CLIENTS sessions run at once (a thread and a
 * descriptor each); one more is told so in one line and closed, rather
 * than left waiting in the listen backlog.
 *
 * Stopping never waits on a client's command: once a shutdown is asked
 * for, every running command stops at its next check (the machine's
 * `cancelled` hook), a session blocked on its socket is woken by
 * shutdown(2), and the terminal's by its pipe.  Should a thread still be
 * stuck (a terminal that takes no output), the joins give up after
 * STOP_WAIT_S seconds and memcored exits at once, saying so.
 */
#include "monitor_front.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <monitor/monitor.h>

#include "shutdown.h"

#define MONITOR_MAX_CLIENTS 1024
#define STOP_WAIT_S 10

typedef struct Client Client;
struct Client {
    MonitorFront *front;
    int fd;
    pthread_t thread;
    atomic_bool done;
    Client *next;
};

struct MonitorFront {
    MonitorMachine *machine;
    char *banner;            /* machine->banner while the front runs */
    ListenKind kind;
    char path[108];          /* unix socket to remove at the end */
    int listen_fd;
    int wake[2];             /* accept thread / terminal thread wake-up */
    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;    /* set by monitor_front_stop */
    pthread_mutex_t lock;    /* protects clients, nclients */
    Client *clients;
    unsigned nclients;
};

static void wake(MonitorFront *f)
{
    char c = 'w';
    ssize_t n = write(f->wake[1], &c, 1);

    (void)n; /* a full pipe already says "wake up" */
}

static void drain(int fd)
{
    char buf[64];

    while (read(fd, buf, sizeof(buf)) > 0) {
    }
}

/* ---- terminal ------------------------------------------------------------- */

static void *terminal_thread(void *arg)
{
    MonitorFront *f = arg;

    monitor_terminal_run(f->machine, f->wake[0]);
    /* quit or end of input both end memcored; a stop request from the
     * main thread has already asked for the shutdown. */
    shutdown_request(0);
    return NULL;
}

/* ---- sockets -------------------------------------------------------------- */

static void *client_thread(void *arg)
{
    Client *c = arg;

    monitor_socket_session(c->front->machine, c->fd);
    atomic_store(&c->done, true);
    wake(c->front);
    return NULL;
}

/* Join @t, or exit the process if it has not ended by @deadline
 * (CLOCK_REALTIME, as pthread_timedjoin_np wants; NULL: no bound). */
static void join_bounded(pthread_t t, const struct timespec *deadline,
                         const char *what)
{
    if (!deadline) {
        pthread_join(t, NULL);
        return;
    }
    if (pthread_timedjoin_np(t, NULL, deadline) != 0) {
        fprintf(stderr, "memcored: the monitor's %s did not stop within %d "
                "s of the shutdown; exiting without cleaning up\n", what,
                STOP_WAIT_S);
        fflush(stdout);
        _exit(1);
    }
}

static void stop_deadline(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += STOP_WAIT_S;
}

/* Join and free the clients that finished (all of them when @all, by
 * @deadline if not NULL). */
static void reap_clients(MonitorFront *f, bool all,
                         const struct timespec *deadline)
{
    Client **pp, *done = NULL;

    pthread_mutex_lock(&f->lock);
    pp = &f->clients;
    while (*pp) {
        Client *c = *pp;

        if (all || atomic_load(&c->done)) {
            *pp = c->next;
            f->nclients--;
            c->next = done;
            done = c;
        } else {
            pp = &c->next;
        }
    }
    pthread_mutex_unlock(&f->lock);

    while (done) {
        Client *c = done;

        done = c->next;
        join_bounded(c->thread, deadline, "client session");
        close(c->fd);
        free(c);
    }
}

static void accept_one(MonitorFront *f)
{
    int fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    Client *c;

    if (fd < 0) {
        return;   /* EAGAIN, ECONNABORTED, EMFILE: try again later */
    }
    pthread_mutex_lock(&f->lock);
    if (f->nclients >= MONITOR_MAX_CLIENTS) {
        static const char msg[] = "memcored monitor: too many clients "
                                  "(1024 connected); try again later\n";
        pthread_mutex_unlock(&f->lock);
        /* A fresh socket has room for one line: never blocks. */
        if (send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
            /* the client is gone already */
        }
        close(fd);
        return;
    }
    pthread_mutex_unlock(&f->lock);
    c = calloc(1, sizeof(*c));
    if (!c) {
        close(fd);
        return;
    }
    c->front = f;
    c->fd = fd;
    atomic_init(&c->done, false);
    pthread_mutex_lock(&f->lock);
    if (pthread_create(&c->thread, NULL, client_thread, c) != 0) {
        pthread_mutex_unlock(&f->lock);
        close(fd);
        free(c);
        return;
    }
    c->next = f->clients;
    f->clients = c;
    f->nclients++;
    pthread_mutex_unlock(&f->lock);
}

static void *accept_thread(void *arg)
{
    MonitorFront *f = arg;

    for (;;) {
        struct pollfd pfd[2] = {
            { .fd = f->listen_fd, .events = POLLIN },
            { .fd = f->wake[0], .events = POLLIN },
        };

        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (pfd[1].revents) {
            drain(f->wake[0]);
            if (atomic_load(&f->stopping)) {
                break;
            }
            reap_clients(f, false, NULL);
        }
        if (pfd[0].revents & POLLIN) {
            accept_one(f);
        }
    }
    return NULL;
}

/* ---- start and stop ------------------------------------------------------- */

/* Set the banner before the first session can read it.  It names the
 * board file and the socket path, which may hold control characters:
 * those print as \xNN, as in all monitor output (an ESC would drive the
 * client's terminal, a newline forge a line). */
static bool set_banner(MonitorFront *f, const char *head, const char *where,
                       const char *tail)
{
    char *raw, *o;

    if (asprintf(&raw, "%s%s%s", head, where, tail) < 0) {
        f->banner = NULL;
        return false;
    }
    f->banner = malloc(strlen(raw) * 4 + 1);
    if (!f->banner) {
        free(raw);
        return false;
    }
    o = f->banner;
    for (const char *p = raw; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 32 || c == 127) {
            o += sprintf(o, "\\x%02x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    free(raw);
    f->machine->banner = f->banner;
    return true;
}

MonitorFront *monitor_front_start(MonitorMachine *machine,
                                  const ListenAddr *addr,
                                  const char *banner_head,
                                  const char *banner_tail, char *msg,
                                  size_t msglen)
{
    MonitorFront *f = calloc(1, sizeof(*f));
    char shown[300];

    if (!f) {
        snprintf(msg, msglen, "out of memory");
        return NULL;
    }
    f->machine = machine;
    f->kind = addr->kind;
    f->listen_fd = -1;
    if (pipe2(f->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(msg, msglen, "pipe: %s", strerror(errno));
        free(f);
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);

    if (addr->kind == LISTEN_STDIO) {
        if (!set_banner(f, banner_head, "stdio", banner_tail)) {
            snprintf(msg, msglen, "out of memory");
            goto fail;
        }
        /* Ctrl-C while a command runs interrupts that command. */
        shutdown_set_keyboard_interrupt(monitor_terminal_interrupt);
        if (pthread_create(&f->thread, NULL, terminal_thread, f) != 0) {
            snprintf(msg, msglen, "cannot start the terminal thread");
            goto fail;
        }
        f->thread_started = true;
        return f;
    }

    f->listen_fd = listen_open(addr, shown, sizeof(shown), msg, msglen);
    if (f->listen_fd < 0) {
        goto fail;
    }
    if (addr->kind == LISTEN_UNIX) {
        snprintf(f->path, sizeof(f->path), "%s", addr->path);
    }
    if (!set_banner(f, banner_head, shown, banner_tail)) {
        snprintf(msg, msglen, "out of memory");
        goto fail;
    }
    if (pthread_create(&f->thread, NULL, accept_thread, f) != 0) {
        snprintf(msg, msglen, "cannot start the monitor thread");
        goto fail;
    }
    f->thread_started = true;
    /* Tests read this line to learn the port: print it only once the
     * socket accepts connections, and flush it at once. */
    printf("monitor: listening on %s\n", shown);
    fflush(stdout);
    return f;

fail:
    monitor_front_stop(f);
    return NULL;
}

void monitor_front_stop(MonitorFront *f)
{
    struct timespec deadline;

    if (!f) {
        return;
    }
    stop_deadline(&deadline);
    atomic_store(&f->stopping, true);
    if (f->thread_started) {
        wake(f);
        join_bounded(f->thread, &deadline,
                     f->kind == LISTEN_STDIO ? "terminal" : "accept thread");
    }
    if (f->kind == LISTEN_STDIO) {
        shutdown_set_keyboard_interrupt(NULL);
    }

    /* Wake every session blocked on its socket, then wait for them. */
    pthread_mutex_lock(&f->lock);
    for (Client *c = f->clients; c; c = c->next) {
        shutdown(c->fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&f->lock);
    reap_clients(f, true, &deadline);

    if (f->listen_fd >= 0) {
        close(f->listen_fd);
    }
    if (f->path[0]) {
        unlink(f->path);
    }
    close(f->wake[0]);
    close(f->wake[1]);
    pthread_mutex_destroy(&f->lock);
    if (f->banner) {
        f->machine->banner = NULL;
        free(f->banner);
    }
    free(f);
}
