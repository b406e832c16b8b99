/*
 * server/shutdown.c — the self-pipe behind shutdown_request() (see
 * shutdown.h).  Only atomics and write(2) are used on the request side,
 * because signal handlers call it.
 */
#include "shutdown.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

typedef bool (*KeyboardFn)(void);

static int pipe_fds[2] = { -1, -1 };
static _Atomic(KeyboardFn) keyboard_fn;
static atomic_int requested;
static atomic_int status;
static atomic_int by_signal;

void shutdown_request(int st)
{
    int expected = 0;
    int saved_errno = errno;

    if (atomic_compare_exchange_strong(&requested, &expected, 1)) {
        atomic_store(&status, st);
    }
    if (pipe_fds[1] >= 0) {
        char c = 'q';
        /* Full pipe = already signalled: nothing more to do. */
        ssize_t n = write(pipe_fds[1], &c, 1);

        (void)n;
    }
    errno = saved_errno;
}

void shutdown_set_keyboard_interrupt(bool (*fn)(void))
{
    atomic_store(&keyboard_fn, fn);
}

static void on_signal(int sig, siginfo_t *si, void *ucontext)
{
    int expected = 0;

    (void)ucontext;
    /* The terminal's Ctrl-C comes from the kernel (SI_KERNEL); kill(1)
     * says SI_USER and always shuts down. */
    if (sig == SIGINT && si && si->si_code == SI_KERNEL) {
        KeyboardFn fn = atomic_load(&keyboard_fn);
        int saved_errno = errno;
        bool taken = fn && fn();

        errno = saved_errno;
        if (taken) {
            return;
        }
    }

    atomic_compare_exchange_strong(&by_signal, &expected, sig);
    shutdown_request(0);
}

int shutdown_init(void)
{
    struct sigaction sa;

    if (pipe_fds[0] >= 0) {
        return 0;
    }
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        return -errno;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0) {
        return -errno;
    }
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    if (sigaction(SIGPIPE, &sa, NULL) != 0) {
        return -errno;
    }
    return 0;
}

int shutdown_fd(void)
{
    return pipe_fds[0];
}

int shutdown_requested(void)
{
    return atomic_load(&requested);
}

int shutdown_status(void)
{
    return atomic_load(&status);
}

const char *shutdown_signal_name(void)
{
    switch (atomic_load(&by_signal)) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return NULL;
    }
}
