/*
 * tests/unit/test_monitor_front.c — the monitor's front-ends as a user
 * drives them: tab completion, the socket session (banner, prompt,
 * pipelining, HTTP refusal, several clients at once) over unix socket
 * pairs, and the readline prompt through a pseudo-terminal (completion,
 * Ctrl-C, history kept across runs, the server's stop descriptor).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_monitor_fixture.h"

#define WAIT_MS 10000 /* upper bound for any expected output */

/* ---- completion ------------------------------------------------------------ */

/* The candidates for the end of @line, joined by commas. */
static char *complete(const char *line, size_t *start)
{
    char **c = monitor_complete(tm.mon, line, strlen(line), start);
    size_t len = 1;
    char *s;

    if (!c) {
        return strdup("");
    }
    for (char **p = c; *p; p++) {
        len += strlen(*p) + 1;
    }
    s = calloc(1, len);
    ck_assert_ptr_nonnull(s);
    for (char **p = c; *p; p++) {
        if (p != c) {
            strcat(s, ",");
        }
        strcat(s, *p);
    }
    monitor_free_completions(c);
    return s;
}

#define expect_completion(line, want, want_start)                            \
    do {                                                                     \
        size_t st_ = 99;                                                     \
        char *c_ = complete((line), &st_);                                   \
        ck_assert_str_eq(c_, (want));                                        \
        ck_assert_uint_eq(st_, (want_start));                                \
        free(c_);                                                            \
    } while (0)

START_TEST(test_complete_commands)
{
    expect_completion("inf", "info", 0);
    expect_completion("  he", "help", 2);
    expect_completion("ldl", "ldl_be,ldl_le", 0);
    expect_completion("q", "q,quit", 0);
    expect_completion("zz", "", 0);
    expect_completion("info ", "address-spaces,cpus,dirty,mtree,ramblock,"
                      "registers,status,uart", 5);
    expect_completion("info r", "ramblock,registers", 5);
    expect_completion("info ra", "ramblock", 5);
    expect_completion("help info m", "mtree", 10);
    expect_completion("help pm", "pmemsave", 5);
    expect_completion("info mtree ", "-D,-d,-f,-o", 11);
    expect_completion("info mtree -f -", "-D,-d,-o", 14);
    expect_completion("region ", "disable,enable,move,resize", 7);
    expect_completion("nosuch ", "", 7);
}
END_TEST

START_TEST(test_complete_names)
{
    /* Region names: spaces come quoted, duplicates once. */
    expect_completion("region enable riscv_virt_board.",
                      "riscv_virt_board.mrom,riscv_virt_board.ram", 14);
    expect_completion("region disable pl", "\"platform bus\"", 15);
    expect_completion("region disable \"pl", "\"platform bus\"", 15);
    expect_completion("region move tw", "twin", 12);
    expect_completion("region move virt.flash0 ", "", 24);
    /* Address spaces after -a. */
    expect_completion("ldl_le -a ", "I/O,cpu-memory-0,gpex-root,memory", 10);
    expect_completion("find -a m", "memory", 8);
    expect_completion("stb -", "-a", 4);
    /* The cursor may sit before the end of the line. */
    {
        size_t st;
        char **c = monitor_complete(tm.mon, "info ra 0", 7, &st);
        ck_assert_ptr_nonnull(c);
        ck_assert_str_eq(c[0], "ramblock");
        ck_assert_ptr_null(c[1]);
        ck_assert_uint_eq(st, 5);
        monitor_free_completions(c);
    }
}
END_TEST

/* ---- socket sessions --------------------------------------------------------- */

typedef struct Session {
    int fds[2]; /* [0] client, [1] server side */
    pthread_t thread;
    int ret;
    unsigned stall_ms; /* 0: monitor_socket_session's default */
    atomic_bool returned;
} Session;

static void *session_thread(void *arg)
{
    Session *s = arg;
    s->ret = s->stall_ms ? monitor_socket_serve(&tm.mm, s->fds[1], s->stall_ms)
                         : monitor_socket_session(&tm.mm, s->fds[1]);
    atomic_store(&s->returned, true);
    return NULL;
}

static void session_start_stall(Session *s);

static void session_start(Session *s)
{
    s->stall_ms = 0;
    session_start_stall(s);
}

static void session_start_stall(Session *s)
{
    atomic_init(&s->returned, false);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s->fds),
                     0);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, session_thread, s), 0);
}

/* Wait for the session to return and close the server's end, as the
 * server does; the client end stays open for reading. */
static int session_finish(Session *s)
{
    pthread_join(s->thread, NULL);
    close(s->fds[1]);
    s->fds[1] = -1;
    return s->ret;
}

/* Finish the session (if not yet) and close the client's end too. */
static int session_end(Session *s)
{
    if (s->fds[1] >= 0) {
        session_finish(s);
    }
    close(s->fds[0]);
    return s->ret;
}

static void send_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        ck_assert_int_gt(n, 0);
        buf += n;
        len -= (size_t)n;
    }
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read from @fd into a growing buffer until it holds @count occurrences
 * of @needle after offset 0, or EOF, or WAIT_MS.  Returns the text
 * (malloc'ed); *@eof tells whether the peer closed.
 */
static char *read_until(int fd, const char *needle, int count, bool *eof)
{
    size_t cap = 4096, len = 0, scanned = 0;
    size_t nlen = needle ? strlen(needle) : 0;
    char *buf = malloc(cap);
    long deadline = now_ms() + WAIT_MS;
    int found = 0;

    ck_assert_ptr_nonnull(buf);
    buf[0] = '\0';
    if (eof) {
        *eof = false;
    }
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        ssize_t n;
        long left;

        if (needle) {
            /* Count only in what arrived since the last look. */
            const char *q = buf + scanned;
            while ((q = strstr(q, needle)) != NULL) {
                found++;
                q += nlen;
                scanned = (size_t)(q - buf);
            }
            if (len - scanned >= nlen) {
                scanned = len - nlen + 1;
            }
            if (found >= count) {
                return buf;
            }
        }
        left = deadline - now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            return buf; /* the caller's assertion shows what came */
        }
        if (len + 65536 + 1 > cap) {
            while (len + 65536 + 1 > cap) {
                cap *= 2;
            }
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        n = read(fd, buf + len, 65536);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (eof) {
                *eof = true;
            }
            return buf;
        }
        len += (size_t)n;
        buf[len] = '\0';
    }
}

#define BANNER "memcored monitor - type 'help' for more information\n"
#define PROMPT "(memcored) "

START_TEST(test_socket_basic)
{
    Session s;
    char *o;
    bool eof;

    session_start(&s);
    o = read_until(s.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, BANNER PROMPT);
    free(o);

    send_str(s.fds[0], "ldub 0x80000000\n");
    o = read_until(s.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, "0x00\n" PROMPT);
    free(o);

    /* CR LF (telnet) and errors. */
    send_str(s.fds[0], "foo\r\n\r\nxp /1xb 0x80000000\r\n");
    o = read_until(s.fds[0], PROMPT, 3, NULL);
    ck_assert_str_eq(o, "unknown command: 'foo'\n" PROMPT PROMPT
                        "0000000080000000: 0x00\n" PROMPT);
    free(o);

    send_str(s.fds[0], "quit\nldub 0\n");
    ck_assert_int_eq(session_finish(&s), MONITOR_QUIT);
    o = read_until(s.fds[0], NULL, 0, &eof);
    /* quit ends the session at once: nothing more is run or printed. */
    ck_assert(eof);
    ck_assert_str_eq(o, "");
    free(o);
    session_end(&s);
    ck_assert_int_eq(tm.quit_calls, 1);
}
END_TEST

START_TEST(test_socket_eof)
{
    Session s;
    char *o;

    session_start(&s);
    /* An unterminated last line is not run. */
    send_str(s.fds[0], "stb 0x80000000 1\nstb 0x80000001 1");
    shutdown(s.fds[0], SHUT_WR);
    ck_assert_int_eq(session_finish(&s), 0);
    o = read_until(s.fds[0], NULL, 0, NULL);
    ck_assert_str_eq(o, BANNER PROMPT PROMPT);
    free(o);
    session_end(&s);
    tm_expect("xp /2xb 0x80000000", "0000000080000000: 0x01 0x00\n", 0);
    ck_assert_int_eq(tm.quit_calls, 0);
}
END_TEST

START_TEST(test_socket_http_is_dropped)
{
    static const char *const firsts[] = {
        "GET / HTTP/1.1\r\n",
        "POST /api/v1/monitor HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nquit\n",
        "Host: localhost\r\n",
        "OPTIONS * HTTP/1.1\r\n",
        "PUT /x HTTP/1.0\r\n",
    };
    for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
        Session s;
        bool eof;
        char *o;

        session_start(&s);
        send_str(s.fds[0], firsts[i]);
        o = read_until(s.fds[0], NULL, 0, &eof);
        /* Closed after the banner: no command of the request ran. */
        ck_assert_msg(eof, "%s", firsts[i]);
        ck_assert_str_eq(o, BANNER PROMPT);
        free(o);
        session_end(&s);
    }
    ck_assert_int_eq(tm.quit_calls, 0);

    /* Only the first line counts. */
    {
        Session s;
        char *o;
        session_start(&s);
        send_str(s.fds[0], "ldub 0x80000000\nGET / HTTP/1.1\nq\n");
        ck_assert_int_eq(session_finish(&s), MONITOR_QUIT);
        o = read_until(s.fds[0], NULL, 0, NULL);
        ck_assert_str_eq(o, BANNER PROMPT "0x00\n" PROMPT
                            "unknown command: 'GET'\n" PROMPT);
        free(o);
        session_end(&s);
    }
}
END_TEST

START_TEST(test_socket_http_after_blank_lines)
{
    /* Blank lines (CR LF, spaces, tabs) first, then the request line. */
    static const char *const firsts[] = {
        "\r\nGET / HTTP/1.1\r\n",
        "\n\n\nPOST /api/v1/monitor HTTP/1.1\r\n",
        "  \t\r\n\r\nHost: localhost\r\n",
        "\r\n   GET / HTTP/1.1\r\n",
        "\n\t PUT /x HTTP/1.0\n",
    };
    for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
        Session s;
        bool eof;
        char *o;

        char req[128];

        snprintf(req, sizeof(req), "%squit\n", firsts[i]);
        session_start(&s);
        send_str(s.fds[0], req);
        o = read_until(s.fds[0], NULL, 0, &eof);
        ck_assert_msg(eof, "%s", firsts[i]);
        /* Dropped: no "unknown command" for the request, no quit run. */
        ck_assert_msg(strstr(o, "unknown") == NULL, "%s: %s", firsts[i], o);
        session_end(&s);
        ck_assert_int_eq(s.ret, 0);
        free(o);
    }
    ck_assert_int_eq(tm.quit_calls, 0);

    /* A command first: later request-like lines are plain bad commands. */
    {
        Session s;
        char *o;
        session_start(&s);
        send_str(s.fds[0], "\r\nldub 0x80000000\r\nGET / HTTP/1.1\nq\n");
        ck_assert_int_eq(session_finish(&s), MONITOR_QUIT);
        o = read_until(s.fds[0], NULL, 0, NULL);
        ck_assert_str_eq(o, BANNER PROMPT PROMPT "0x00\n" PROMPT
                            "unknown command: 'GET'\n" PROMPT);
        free(o);
        session_end(&s);
    }
}
END_TEST

START_TEST(test_socket_nul_in_line)
{
    static const char cmds[] = "stb 0x80000000 0x11\0 ; junk\n"
                               "ldub 0x80000000\n";
    Session s;
    char *o;

    session_start(&s);
    free(read_until(s.fds[0], PROMPT, 1, NULL));
    send_all(s.fds[0], cmds, sizeof(cmds) - 1);
    o = read_until(s.fds[0], PROMPT, 2, NULL);
    /* Refused whole: the prefix before the NUL (a store) did not run. */
    ck_assert_str_eq(o, "Error: the line holds a NUL byte; nothing was run\n"
                        PROMPT "0x00\n" PROMPT);
    free(o);
    /* A NUL on the first line does not hide HTTP either. */
    shutdown(s.fds[0], SHUT_WR);
    ck_assert_int_eq(session_end(&s), 0);
    tm_expect("xp /1xb 0x80000000", "0000000080000000: 0x00\n", 0);

    session_start(&s);
    send_all(s.fds[0], "\r\nGET / HTTP/1.1\0\r\n", 19);
    {
        bool eof;
        o = read_until(s.fds[0], NULL, 0, &eof);
        ck_assert(eof);
        ck_assert_msg(strstr(o, "Error") == NULL, "%s", o); /* dropped */
        free(o);
    }
    session_end(&s);
}
END_TEST

/* A client that sends commands with large output and never reads: its
 * session gives up after the stall bound, while another is served. */
START_TEST(test_socket_slow_reader_dropped)
{
    Session slow, other;
    char *o;
    long t0, deadline;

    slow.stall_ms = 300;
    session_start_stall(&slow);
    session_start(&other);
    free(read_until(other.fds[0], PROMPT, 1, NULL));
    for (int i = 0; i < 50; i++) {
        send_str(slow.fds[0], "xp /4096xg 0x80000000\n");
    }
    /* The other client is served while the slow one's output piles up. */
    send_str(other.fds[0], "ldub 0x80000000\n");
    o = read_until(other.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, "0x00\n" PROMPT);
    free(o);
    /* Dropped within the bound (plus the time to produce one block). */
    t0 = now_ms();
    deadline = t0 + WAIT_MS;
    while (!atomic_load(&slow.returned) && now_ms() < deadline) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL); /* polling a flag, bounded */
    }
    ck_assert_msg(atomic_load(&slow.returned),
                  "the session of a client that never reads still runs");
    /* The client sees the end once it reads what was sent. */
    {
        bool eof;
        o = read_until(slow.fds[0], "no such text", 1, &eof);
        ck_assert(eof);
        free(o);
    }
    session_end(&slow);
    send_str(other.fds[0], "ldub 0x80000001\n");
    o = read_until(other.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, "0x00\n" PROMPT);
    free(o);
    shutdown(other.fds[0], SHUT_WR);
    session_end(&other);
}
END_TEST

START_TEST(test_socket_pipelined)
{
    enum { N = 20000 };
    Session s;
    char *cmds = malloc((size_t)N * 24);
    size_t len = 0;
    char *o;

    ck_assert_ptr_nonnull(cmds);
    tm_expect("stl_le 0x80000100 0xc0ffee", "", 0);
    for (int i = 0; i < N; i++) {
        len += (size_t)sprintf(cmds + len, "ldl_le 0x80000100\n");
    }
    session_start(&s);
    /* The writer is a thread of its own so that a full socket buffer on
     * either side cannot deadlock the test. */
    {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            send_all(s.fds[0], cmds, len);
            send_str(s.fds[0], "quit\n");
            _exit(0);
        }
        o = read_until(s.fds[0], "0x00c0ffee\n" PROMPT, N, NULL);
        waitpid(pid, NULL, 0);
    }
    {
        int found = 0;
        for (const char *q = o; (q = strstr(q, "0x00c0ffee\n" PROMPT)) != NULL;
             q++) {
            found++;
        }
        ck_assert_int_eq(found, N);
    }
    free(o);
    free(cmds);
    ck_assert_int_eq(session_finish(&s), MONITOR_QUIT);
    session_end(&s);
}
END_TEST

START_TEST(test_socket_long_line)
{
    Session s;
    size_t n = 200000;
    char *junk = malloc(n + 2);
    char *o;

    ck_assert_ptr_nonnull(junk);
    memset(junk, 'x', n);
    junk[n] = '\n';
    junk[n + 1] = '\0';
    session_start(&s);
    o = read_until(s.fds[0], PROMPT, 1, NULL);
    free(o);
    send_str(s.fds[0], junk);
    send_str(s.fds[0], "ldub 0x80000000\n");
    o = read_until(s.fds[0], "0x00\n" PROMPT, 1, NULL);
    /* One complaint, then the session goes on. */
    ck_assert_str_eq(o, "line too long\n" PROMPT "0x00\n" PROMPT);
    free(o);
    free(junk);
    shutdown(s.fds[0], SHUT_WR);
    ck_assert_int_eq(session_end(&s), 0);
}
END_TEST

START_TEST(test_socket_two_clients)
{
    Session a, b;
    char *o;

    session_start(&a);
    session_start(&b);
    free(read_until(a.fds[0], PROMPT, 1, NULL));
    free(read_until(b.fds[0], PROMPT, 1, NULL));
    /* Each session remembers its own x/xp format. */
    send_str(a.fds[0], "xp /1db 0x80000000\n");
    o = read_until(a.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, "0000000080000000:   0\n" PROMPT);
    free(o);
    send_str(b.fds[0], "stb 0x80000000 7\nxp 0x80000000\n");
    o = read_until(b.fds[0], PROMPT, 2, NULL);
    ck_assert_str_eq(o, PROMPT "0000000080000000: 0x00000007\n" PROMPT);
    free(o);
    send_str(a.fds[0], "xp 0x80000000\n");
    o = read_until(a.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, "0000000080000000:   7\n" PROMPT);
    free(o);
    /* The server ends a session with shutdown(2). */
    shutdown(a.fds[1], SHUT_RDWR);
    ck_assert_int_eq(session_end(&a), 0);
    send_str(b.fds[0], "ldub 0x80000000\n");
    o = read_until(b.fds[0], PROMPT, 1, NULL);
    ck_assert_str_eq(o, "0x07\n" PROMPT);
    free(o);
    shutdown(b.fds[1], SHUT_RDWR);
    session_end(&b);
}
END_TEST

/* ---- the terminal prompt --------------------------------------------------- */

typedef struct Term {
    pid_t pid;
    int master;
    int stop[2];
    char *pending; /* read from the terminal but not yet consumed */
} Term;

/*
 * The prompt runs in a child on the pseudo-terminal.  The child execs this
 * program again (see main) instead of running the monitor in the forked
 * copy: after fork(2) only async-signal-safe calls are safe, and another
 * thread of ours (liburcu's call_rcu worker freeing the views the fixture
 * replaced) may hold the allocator's lock at the moment of the fork.  With
 * ASan's allocator, which takes no lock around fork, the child then hangs
 * in its first malloc.  Everything is prepared before the fork.
 */
static const char *self_exe;

static void term_start_as(Term *t, bool read_only)
{
    extern char **environ;
    char stopfd[16];
    char home[400];
    char *argv[5];
    char **envp;
    size_t n = 0, k = 0;

    ck_assert_int_eq(pipe(t->stop), 0);
    t->pending = strdup("");
    ck_assert_ptr_nonnull(t->pending);
    snprintf(stopfd, sizeof(stopfd), "%d", t->stop[0]);
    snprintf(home, sizeof(home), "HOME=%s", tm_tmpdir());
    while (environ[n]) {
        n++;
    }
    envp = calloc(n + 4, sizeof(*envp));
    ck_assert_ptr_nonnull(envp);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "HOME=", 5) != 0 &&
            strncmp(environ[i], "TERM=", 5) != 0 &&
            strncmp(environ[i], "INPUTRC=", 8) != 0) {
            envp[k++] = environ[i];
        }
    }
    envp[k++] = home;
    envp[k++] = "TERM=dumb";
    envp[k++] = "INPUTRC=/dev/null";
    argv[0] = (char *)self_exe;
    argv[1] = "--terminal-child";
    argv[2] = stopfd;
    argv[3] = read_only ? "read-only" : NULL;
    argv[4] = NULL;
    t->pid = forkpty(&t->master, NULL, NULL, NULL);
    ck_assert_int_ge(t->pid, 0);
    if (t->pid == 0) {
        close(t->stop[1]);
        execve(self_exe, argv, envp);
        _exit(127);
    }
    free(envp);
    close(t->stop[0]);
}

static void term_start(Term *t)
{
    term_start_as(t, false);
}

/*
 * The child of term_start: a fresh fixture and the prompt on its tty.  It
 * runs as a test of its own (the fixture asserts, and Check's assertions
 * need a running test), silent and unforked, and leaves with the prompt's
 * result as its exit status.
 */
static int child_stop_fd = -1;
static bool child_read_only;

START_TEST(terminal_child_run)
{
    tm.mm.read_only = child_read_only;
    int r = monitor_terminal_run(&tm.mm, child_stop_fd);
    fflush(NULL);
    _exit(r == MONITOR_QUIT ? 42 : 0);
}
END_TEST

static int terminal_child(int stop_fd, bool read_only)
{
    Suite *s = suite_create("terminal-child");
    TCase *tc = tcase_create("prompt");
    SRunner *sr;

    child_stop_fd = stop_fd;
    child_read_only = read_only;
    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_test(tc, terminal_child_run);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_SILENT);
    return 1; /* only reached when the fixture failed */
}

/* The child's exit status (-1 when it died of a signal). */
static int term_wait(Term *t)
{
    int st;
    long deadline = now_ms() + WAIT_MS;
    for (;;) {
        pid_t p = waitpid(t->pid, &st, WNOHANG);
        if (p == t->pid) {
            break;
        }
        if (now_ms() > deadline) {
            kill(t->pid, SIGKILL);
            waitpid(t->pid, &st, 0);
            break;
        }
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL); /* polling for exit, not synchronising */
    }
    close(t->master);
    close(t->stop[1]);
    free(t->pending);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Wait for @needle in the terminal's output; returns everything up to and
 * including it (malloc'ed) and keeps what follows for the next call, so
 * that output arriving in one read is not skipped.
 */
static char *term_expect(Term *t, const char *needle)
{
    char *hit = strstr(t->pending, needle);
    char *o, *rest;
    size_t upto;

    if (!hit) {
        char *more = read_until(t->master, needle, 1, NULL);
        char *all = malloc(strlen(t->pending) + strlen(more) + 1);
        ck_assert_ptr_nonnull(all);
        strcpy(all, t->pending);
        strcat(all, more);
        free(more);
        free(t->pending);
        t->pending = all;
        hit = strstr(t->pending, needle);
    }
    ck_assert_msg(hit != NULL, "waited for \"%s\", got \"%s\"", needle,
                  t->pending);
    upto = (size_t)(hit - t->pending) + strlen(needle);
    o = strndup(t->pending, upto);
    rest = strdup(t->pending + upto);
    ck_assert_ptr_nonnull(o);
    ck_assert_ptr_nonnull(rest);
    free(t->pending);
    t->pending = rest;
    return o;
}

START_TEST(test_terminal_session)
{
    Term t;
    char *o;
    char path[300];
    FILE *f;
    char hist[4096];
    size_t n;

    tm_tmpdir(); /* create it before the fork: the child uses it as HOME */
    term_start(&t);
    free(term_expect(&t, PROMPT));

    send_str(t.master, "stb 0x80000000 0x5a\r");
    free(term_expect(&t, PROMPT));
    send_str(t.master, "ldub 0x80000000\r");
    o = term_expect(&t, "0x5a");
    free(o);
    free(term_expect(&t, PROMPT));

    /* TAB completes a unique word and adds a space. */
    send_str(t.master, "info ramb\t\r");
    o = term_expect(&t, "Block Name");
    free(o);
    free(term_expect(&t, PROMPT));

    /* Ctrl-C drops the line (no SIGINT: the prompt survives). */
    send_str(t.master, "xp /1xw 0x800\x03");
    free(term_expect(&t, "^C"));
    send_str(t.master, "ldub 0x80000001\r");
    o = term_expect(&t, "0x00");
    ck_assert_ptr_null(strstr(o, "extraneous"));
    ck_assert_ptr_null(strstr(o, "Try"));
    free(o);
    free(term_expect(&t, PROMPT));

    /* Ctrl-P recalls the previous line. */
    send_str(t.master, "\x10\r");
    free(term_expect(&t, "0x00"));
    free(term_expect(&t, PROMPT));

    send_str(t.master, "quit\r");
    ck_assert_int_eq(term_wait(&t), 42);
    ck_assert_int_eq(tm.quit_calls, 0); /* the child's, not ours */

    /* History kept in ~/.memcored_history. */
    snprintf(path, sizeof(path), "%s/.memcored_history", tm_tmpdir());
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(hist, 1, sizeof(hist) - 1, f);
    hist[n] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(hist, "ldub 0x80000001\nquit\n"));
    ck_assert_ptr_nonnull(strstr(hist, "info ramblock \n"));
    ck_assert_ptr_null(strstr(hist, "xp /1xw")); /* the dropped line */

    /* A new prompt starts with that history: two steps back is ldub. */
    term_start(&t);
    free(term_expect(&t, PROMPT));
    send_str(t.master, "\x10\x10\r");
    o = term_expect(&t, "0x00");
    free(o);
    free(term_expect(&t, PROMPT));
    /* End of input (Ctrl-D on an empty line) ends the prompt. */
    send_str(t.master, "\x04");
    ck_assert_int_eq(term_wait(&t), 0);
}
END_TEST

/* ~/.memcored_history of the terminal child, malloc'ed; NULL if absent. */
static char *history_text(void)
{
    char path[300];
    FILE *f;
    char *buf = calloc(1, 1 << 16);
    size_t n;

    ck_assert_ptr_nonnull(buf);
    snprintf(path, sizeof(path), "%s/.memcored_history", tm_tmpdir());
    f = fopen(path, "r");
    if (!f) {
        free(buf);
        return NULL;
    }
    n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(test_terminal_history_limits)
{
    enum { LONG = 1100 };
    Term t;
    char *line = malloc(LONG + 32);
    char *h;

    ck_assert_ptr_nonnull(line);
    /* Under --read-only, no history file is created. */
    tm_tmpdir();
    term_start_as(&t, true);
    free(term_expect(&t, PROMPT));
    send_str(t.master, "ldub 0x80000000\r");
    free(term_expect(&t, "0x00"));
    free(term_expect(&t, PROMPT));
    send_str(t.master, "quit\r");
    ck_assert_int_eq(term_wait(&t), 42);
    h = history_text();
    ck_assert_msg(h == NULL, "--read-only wrote history: %s", h);

    /* A line over 1024 bytes is run but not remembered. */
    strcpy(line, "ldub 0x80000000");
    memset(line + 15, ' ', LONG - 15);
    strcpy(line + LONG, "\r");
    term_start(&t);
    free(term_expect(&t, PROMPT));
    send_str(t.master, "ldub 0x80000001\r");
    free(term_expect(&t, PROMPT));
    send_str(t.master, line);
    free(term_expect(&t, "0x00"));
    free(term_expect(&t, PROMPT));
    send_str(t.master, "quit\r");
    ck_assert_int_eq(term_wait(&t), 42);
    h = history_text();
    ck_assert_ptr_nonnull(h);
    ck_assert_str_eq(h, "ldub 0x80000001\nquit\n");
    free(h);
    free(line);
}
END_TEST

START_TEST(test_terminal_stop_fd)
{
    Term t;

    tm_tmpdir();
    term_start(&t);
    free(term_expect(&t, PROMPT));
    send_str(t.master, "half a li");
    free(term_expect(&t, "half a li"));
    /* The server's stop pipe ends the prompt, typed text or not. */
    ck_assert_int_eq(write(t.stop[1], "x", 1), 1);
    ck_assert_int_eq(term_wait(&t), 0);
}
END_TEST

START_TEST(test_terminal_list_completions)
{
    Term t;
    char *o;

    tm_tmpdir();
    term_start(&t);
    free(term_expect(&t, PROMPT));
    /* Several candidates and nothing more in common: they are listed. */
    send_str(t.master, "info \t");
    o = term_expect(&t, "uart");
    ck_assert_ptr_nonnull(strstr(o, "address-spaces"));
    ck_assert_ptr_nonnull(strstr(o, "mtree"));
    free(o);
    send_str(t.master, "\x03quit\r");
    ck_assert_int_eq(term_wait(&t), 42);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("monitor-front");
    TCase *tc = tcase_create("complete");
    TCase *ts = tcase_create("socket");
    TCase *tt = tcase_create("terminal");

    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_add_test(tc, test_complete_commands);
    tcase_add_test(tc, test_complete_names);
    suite_add_tcase(s, tc);

    tcase_set_timeout(ts, 30);
    tcase_add_checked_fixture(ts, tm_setup, tm_teardown);
    tcase_add_test(ts, test_socket_basic);
    tcase_add_test(ts, test_socket_eof);
    tcase_add_test(ts, test_socket_http_is_dropped);
    tcase_add_test(ts, test_socket_http_after_blank_lines);
    tcase_add_test(ts, test_socket_nul_in_line);
    tcase_add_test(ts, test_socket_slow_reader_dropped);
    tcase_add_test(ts, test_socket_pipelined);
    tcase_add_test(ts, test_socket_long_line);
    tcase_add_test(ts, test_socket_two_clients);
    suite_add_tcase(s, ts);

    tcase_set_timeout(tt, 60);
    tcase_add_checked_fixture(tt, tm_setup, tm_teardown);
    tcase_add_test(tt, test_terminal_session);
    tcase_add_test(tt, test_terminal_stop_fd);
    tcase_add_test(tt, test_terminal_history_limits);
    tcase_add_test(tt, test_terminal_list_completions);
    suite_add_tcase(s, tt);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    if ((argc == 3 || argc == 4) &&
        strcmp(argv[1], "--terminal-child") == 0) {
        return terminal_child(atoi(argv[2]), argc == 4);
    }
    /* The real binary, not a libtool wrapper script: term_start execs it. */
    self_exe = realpath("/proc/self/exe", NULL);
    if (!self_exe) {
        perror("/proc/self/exe");
        return EXIT_FAILURE;
    }
    sr = srunner_create(suite());

    /* A client that goes away must not kill the test with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free((char *)self_exe);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
