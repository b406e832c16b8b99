/*
 * tests/unit/test_monitor_limits.c — no command line can keep a thread
 * busy or blocked: the caps of monitor.h (x/xp, info dirty), cancellation
 * (monitor_cancel, MonitorMachine.cancelled, a socket client that left, a
 * FIFO nobody reads, cancelled or failing after its stall bound), `info dirty` on a region resized to nothing, `info
 * ramblock` without RAM, and names or input with control characters
 * printed escaped.
 *
 * Each of these once hung, spun or printed raw bytes (issue 11).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <memcore/memcore.h>

#include "test_monitor_fixture.h"
#include "check_run.h"

#define FAILED MONITOR_FAILED
#define WAIT_MS 3000

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

/* ---- caps ------------------------------------------------------------------ */

START_TEST(test_dump_caps)
{
    char *o;
    int r;

    /* QEMU would try to print 4 * 10^23 bytes; the count saturates and
     * the cap answers at once. */
    tm_expect("xp /99999999999999999999999w 0x80000000",
              "Error: x/xp dumps at most 1048576 bytes at a time (262144 "
              "units of 4 bytes); pmemsave writes more to a file\n",
              FAILED);
    tm_expect("x /131073xg 0x80000000",
              "Error: x/xp dumps at most 1048576 bytes at a time (131072 "
              "units of 8 bytes); pmemsave writes more to a file\n",
              FAILED);
    tm_expect("xp /1048577cb 0x80000000",
              "Error: x/xp dumps at most 1048576 bytes at a time (1048576 "
              "units of 1 byte); pmemsave writes more to a file\n",
              FAILED);
    /* The cap itself is allowed: 1 MiB, 16 bytes a row. */
    o = tm_run("xp /131072xg 0x80000000", &r);
    ck_assert_int_eq(r, 0);
    ck_assert_uint_eq(count_lines(o), 65536);
    free(o);
    tm_expect("xp /65537i 0x80000000",
              "Error: x/xp prints at most 65536 instructions at a time\n",
              FAILED);
}
END_TEST

START_TEST(test_help_names_the_caps)
{
    char *o = tm_run("help xp", NULL);
    ck_assert_msg(strstr(o, "at most 1 MiB") != NULL, "%s", o);
    free(o);
    o = tm_run("help pmemsave", NULL);
    ck_assert_msg(strstr(o, "at most 4 GiB - 1") != NULL, "%s", o);
    free(o);
    o = tm_run("help info dirty", NULL);
    ck_assert_msg(strstr(o, "first 8192 runs") != NULL, "%s", o);
    free(o);
}
END_TEST

static MemoryRegion long_name;

START_TEST(test_mtree_text_cap)
{
    /* One name that escapes to 68 MiB: more text than info mtree keeps. */
    size_t n = 17u << 20;
    char *name = malloc(n + 1);

    ck_assert_ptr_nonnull(name);
    memset(name, 1, n);
    name[n] = '\0';
    memory_region_init(&long_name, NULL, name, 0x1000);
    free(name);
    memory_region_add_subregion(&tm.system, 0x90000000, &long_name);
    tm_expect("info mtree", "Error: info mtree prints at most 67108864 bytes, "
                            "and this tree is longer\n",
              FAILED);
    memory_region_del_subregion(&tm.system, &long_name);
    {
        int r;
        char *o = tm_run("info mtree", &r);
        ck_assert_int_eq(r, 0);
        ck_assert_ptr_nonnull(strstr(o, "address-space: memory\n"));
        free(o);
    }
}
END_TEST

/* ---- info dirty ------------------------------------------------------------ */

static MemoryRegion r0;

static int find_r0(void *opaque, const char *name, MemoryRegion **mr)
{
    (void)opaque;
    if (strcmp(name, "r0") == 0) {
        *mr = &r0;
        return 1;
    }
    return 0;
}

START_TEST(test_info_dirty_of_empty_region)
{
    memory_region_init_resizeable_ram(&r0, NULL, "r0", 0x10000, 0x100000,
                                      NULL, &error_abort);
    memory_region_add_subregion(&tm.system, 0x90000000, &r0);
    tm.mm.find_region = find_r0;
    tm_expect("region resize r0 0", "", 0);
    /* size - 1 wrapped to 2^64 - 1: a scan of 2^52 pages that never
     * ended. */
    tm_expect("info dirty r0",
              "r0: 0 of 0 pages dirty for migration (logging off)\n", 0);
    tm_expect("info dirty r0 0 1",
              "Error: offset 0x0 size 0x1 is not inside 'r0' (0x0 bytes)\n",
              FAILED);
    memory_region_del_subregion(&tm.system, &r0);
}
END_TEST

START_TEST(test_info_dirty_lists_at_most_the_cap)
{
    char *o, *last;
    int r;

    tm_expect("dirty-log start", "", 0);
    /* Every other page: MONITOR_DIRTY_MAX_RUNS + 2 runs. */
    for (unsigned i = 0; i < MONITOR_DIRTY_MAX_RUNS + 2; i++) {
        address_space_stb(&tm.as_memory, TM_RAM_BASE + 2ULL * i * 4096, 1,
                          MEMTXATTRS_UNSPECIFIED, NULL);
    }
    o = tm_run("info dirty riscv_virt_board.ram", &r);
    ck_assert_int_eq(r, 0);
    ck_assert_msg(strncmp(o, "riscv_virt_board.ram: 8194 of 32768 pages "
                             "dirty for migration (logging on)\n",
                          strlen("riscv_virt_board.ram: 8194 of 32768 "
                                 "pages dirty for migration (logging "
                                 "on)\n")) == 0,
                  "%.200s", o);
    ck_assert_uint_eq(count_lines(o), 1 + 8192 + 1);
    last = strrchr(o, '\n');
    *last = '\0';
    last = strrchr(o, '\n') + 1;
    ck_assert_str_eq(last, "... and 2 more runs (at most 8192 are listed; "
                           "give an offset and size to see the rest)");
    free(o);
    /* A range shows the rest. */
    tm_expect("info dirty riscv_virt_board.ram 0x3ffe000 0x4000",
              "riscv_virt_board.ram: 2 of 4 pages dirty for migration "
              "(logging on)\n"
              "0000000003ffe000-0000000003ffefff\n"
              "0000000004000000-0000000004000fff\n", 0);
}
END_TEST

/* ---- info ramblock without RAM --------------------------------------------- */

START_TEST(test_ramblock_without_ram)
{
    /* No fixture: this process has no RAM block at all.  qsort(NULL, 0)
     * was undefined behaviour (UBSan stops the test). */
    MonitorMachine mm;
    Monitor *mon;
    char *o;
    int r;

    memset(&mm, 0, sizeof(mm));
    mon = monitor_new(&mm);
    ck_assert_ptr_nonnull(mon);
    o = tm_run_on(mon, "info ramblock", &r);
    ck_assert_int_eq(r, 0);
    ck_assert_str_eq(o, "              Block Name    PSize              "
                        "Offset               Used              Total\n");
    free(o);
    monitor_free(mon);
}
END_TEST

/* ---- escaping -------------------------------------------------------------- */

static MemoryRegion evil;

START_TEST(test_control_characters_are_escaped)
{
    char *o;
    int r;

    memory_region_init_ram(&evil, NULL, "evil\x1b[2J\nname\x7f", 0x1000,
                           &error_abort);
    memory_region_add_subregion(&tm.system, 0x90000000, &evil);

    o = tm_run("info mtree", &r);
    ck_assert_int_eq(r, 0);
    ck_assert_ptr_nonnull(strstr(o, "0000000090000000-0000000090000fff "
                                    "(prio 0, ram): "
                                    "evil\\x1b[2J\\x0aname\\x7f\n"));
    ck_assert_ptr_null(strchr(o, '\x1b'));
    free(o);
    o = tm_run("info mtree -f", &r);
    ck_assert_ptr_nonnull(strstr(o, "evil\\x1b[2J\\x0aname\\x7f\n"));
    ck_assert_ptr_null(strchr(o, '\x1b'));
    free(o);

    o = tm_run("info ramblock", &r);
    ck_assert_int_eq(r, 0);
    ck_assert_ptr_nonnull(strstr(o, "\n evil\\x1b[2J\\x0aname\\x7f    4 KiB  "));
    ck_assert_ptr_null(strchr(o, '\x1b'));
    free(o);

    o = tm_run("find 0x90000000", &r);
    ck_assert_ptr_nonnull(strstr(o, "region: evil\\x1b[2J\\x0aname\\x7f (ram)\n"));
    free(o);

    /* Input echoed in errors. */
    tm_expect("fo\x1b]0;pwned\x07o", "unknown command: 'fo\\x1b]0;pwned\\x07o'\n",
              FAILED);
    tm_expect("info \x1b[1m", "unknown command: 'info \\x1b[1m'\n", FAILED);
    tm_expect("region enable \"a\\nb\"", "Error: no region named 'a\\x0ab'\n",
              FAILED);
    tm_expect("xp /3\x01 0", "invalid char in format: '\\x01'\n"
                             "Try \"help xp\" for more information\n",
              FAILED);
    memory_region_del_subregion(&tm.system, &evil);
}
END_TEST

/* ---- cancellation ---------------------------------------------------------- */

typedef struct Counted {
    Monitor *mon;
    unsigned writes, cancel_at;
    char text[4096];
    size_t len;
} Counted;

static void counted_write(void *opaque, const char *buf, size_t len)
{
    Counted *c = opaque;

    if (c->len + len < sizeof(c->text)) {
        memcpy(c->text + c->len, buf, len);
        c->len += len;
        c->text[c->len] = '\0';
    }
    if (++c->writes == c->cancel_at) {
        ck_assert(monitor_cancel(c->mon));
    }
}

START_TEST(test_monitor_cancel_stops_the_command)
{
    Counted c = { tm.mon, 0, 3, "", 0 };
    MonitorOut out = { counted_write, &c };

    /* Nothing runs: nothing to cancel, and the next line is not hit. */
    ck_assert(!monitor_cancel(tm.mon));
    ck_assert_int_eq(monitor_run_line(tm.mon, "xp /64xb 0x80000000", &out),
                     FAILED);
    ck_assert_str_eq(c.text,
                     "0000000080000000: 0x00 0x00 0x00 0x00 0x00 0x00 0x00 "
                     "0x00\n"
                     "0000000080000008: 0x00 0x00 0x00 0x00 0x00 0x00 0x00 "
                     "0x00\n"
                     "0000000080000010: 0x00 0x00 0x00 0x00 0x00 0x00 0x00 "
                     "0x00\n"
                     "Error: interrupted\n");
    /* A cancel is for the command that ran, never the next one. */
    tm_expect("xp /1xb 0x80000000", "0000000080000000: 0x00\n", 0);
}
END_TEST

static atomic_bool stopping;

static bool hook_cancelled(void *opaque)
{
    (void)opaque;
    return atomic_load(&stopping);
}

START_TEST(test_machine_cancelled_stops_every_command)
{
    char line[512], path[300];

    tm.mm.cancelled = hook_cancelled;
    atomic_store(&stopping, true);
    tm_expect("xp /4xg 0x80000000",
              "0000000080000000: 0x0000000000000000 0x0000000000000000\n"
              "Error: interrupted\n",
              FAILED);
    tm_expect("info dirty riscv_virt_board.ram", "Error: interrupted\n",
              FAILED);
    snprintf(path, sizeof(path), "%s/cut.bin", tm_tmpdir());
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x100000 \"%s\"", path);
    {
        char want[1024];
        snprintf(want, sizeof(want),
                 "Error: interrupted\n"
                 "(writing '%s' stopped; the partial file was removed)\n",
                 path);
        tm_expect(line, want, FAILED);
    }
    ck_assert_int_ne(access(path, F_OK), 0);
    atomic_store(&stopping, false);
    tm_expect("xp /1xb 0x80000000", "0000000080000000: 0x00\n", 0);
}
END_TEST

/* x reads through this: identity, counted (one call per row). */
static atomic_uint translations;

static bool count_virt_to_phys(void *opaque, uint64_t vaddr, hwaddr *paddr)
{
    (void)opaque;
    atomic_fetch_add(&translations, 1);
    *paddr = vaddr;
    return true;
}

static void *session_thread(void *arg)
{
    int *fd = arg;
    monitor_socket_session(&tm.mm, *fd);
    return NULL;
}

START_TEST(test_socket_client_gone_stops_the_command)
{
    static const char line[] = "x /131072xg 0x80000000\n";
    struct timespec deadline;
    pthread_t thread;
    int fds[2];

    tm.mm.cpu_virt_to_phys = count_virt_to_phys;
    atomic_store(&translations, 0);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds),
                     0);
    ck_assert_int_eq(pthread_create(&thread, NULL, session_thread, &fds[1]),
                     0);
    /* Ask for 65536 rows, read none of them, and leave. */
    ck_assert_int_eq(write(fds[0], line, sizeof(line) - 1),
                     (ssize_t)sizeof(line) - 1);
    close(fds[0]);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    ck_assert_int_eq(pthread_timedjoin_np(thread, NULL, &deadline), 0);
    close(fds[1]);
    /* The dump stopped once its output had nowhere to go. */
    ck_assert_uint_lt(atomic_load(&translations), 65536);
}
END_TEST

typedef struct SaveRun {
    const char *line;
    char *out;
    int ret;
} SaveRun;

static void *save_thread(void *arg)
{
    SaveRun *s = arg;
    s->out = tm_run(s->line, &s->ret);
    return NULL;
}

/* Wait (bounded) until the FIFO read by @rd is full: its writer is
 * stuck. */
static void wait_pipe_full(int rd)
{
    int size = fcntl(rd, F_GETPIPE_SZ), queued = 0;
    long until = now_ms() + WAIT_MS;

    ck_assert_int_gt(size, 0);
    while (now_ms() < until) {
        ck_assert_int_eq(ioctl(rd, FIONREAD, &queued), 0);
        if (queued >= size) {
            break;
        }
        poll(NULL, 0, 1);
    }
    ck_assert_int_ge(queued, size);
}

START_TEST(test_blocked_fifo_write_is_cancelled)
{
    char path[300], line[512];
    struct timespec deadline;
    SaveRun s = { line, NULL, -1 };
    pthread_t thread;
    int rd;

    snprintf(path, sizeof(path), "%s/fifo", tm_tmpdir());
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    /* A reader that never reads. */
    rd = open(path, O_RDWR | O_CLOEXEC);
    ck_assert_int_ge(rd, 0);
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x1000000 \"%s\"", path);
    ck_assert_int_eq(pthread_create(&thread, NULL, save_thread, &s), 0);

    wait_pipe_full(rd);

    ck_assert(monitor_cancel(tm.mon));
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    ck_assert_msg(pthread_timedjoin_np(thread, NULL, &deadline) == 0,
                  "pmemsave is still blocked in write()");
    ck_assert_int_eq(s.ret, FAILED);
    /* A FIFO is no partial file: nothing to remove. */
    ck_assert_str_eq(s.out, "Error: interrupted\n");
    free(s.out);
    close(rd);
}
END_TEST

/* A FIFO with a reader that never reads (open O_RDWR, so the writer's
 * open succeeds); returns the reader's descriptor. */
static int silent_fifo(char *path, size_t size, const char *name)
{
    int rd;

    snprintf(path, size, "%s/%s", tm_tmpdir(), name);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    rd = open(path, O_RDWR | O_CLOEXEC);
    ck_assert_int_ge(rd, 0);
    return rd;
}

START_TEST(test_fifo_that_takes_nothing_fails_the_command)
{
    char path[300], line[512], want[1024];
    char *out;
    int rd, ret;
    long t0;

    tm.mm.file_stall_ms = 300;
    rd = silent_fifo(path, sizeof(path), "stall");
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x1000000 \"%s\"",
             path);
    t0 = now_ms();
    out = tm_run(line, &ret);
    /* It waited for the bound, not for ever (the fixture's timeout is the
     * upper bound), and said why. */
    ck_assert_int_ge(now_ms() - t0, 300);
    ck_assert_int_eq(ret, FAILED);
    snprintf(want, sizeof(want),
             "Error: An IO error has occurred: writing '%s': it took no "
             "data for 300 ms (is anything reading it?)\n",
             path);
    ck_assert_str_eq(out, want);
    free(out);
    /* The FIFO is not a partial file: it stays. */
    ck_assert_int_eq(access(path, F_OK), 0);
    close(rd);

    /* The default bound is MONITOR_FILE_STALL_MS, named in seconds. */
    ck_assert_uint_eq(MONITOR_FILE_STALL_MS, 10000);
}
END_TEST

typedef struct SlowReader {
    int fd;
    size_t want, got;
} SlowReader;

/* Reads 16 KiB every 100 ms until it has @want bytes: slower in total
 * than the stall bound, but never silent for as long.  (The FIFO is open
 * read-write, so there is no end of file to wait for.) */
static void *slow_reader(void *arg)
{
    SlowReader *r = arg;
    static char buf[16 << 10];

    while (r->got < r->want) {
        ssize_t n = read(r->fd, buf, sizeof(buf));
        if (n <= 0) {
            break;
        }
        r->got += (size_t)n;
        poll(NULL, 0, 100);
    }
    return NULL;
}

START_TEST(test_slow_fifo_reader_is_not_a_stall)
{
    char path[300], line[512];
    SlowReader r = { -1, 0x80000, 0 };
    pthread_t thread;
    char *out;
    int ret;
    long t0;

    tm.mm.file_stall_ms = 1000;
    r.fd = silent_fifo(path, sizeof(path), "slow");
    ck_assert_int_eq(pthread_create(&thread, NULL, slow_reader, &r), 0);
    /* 512 KiB at 160 KiB/s: about 3 s, three times the bound. */
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x80000 \"%s\"", path);
    t0 = now_ms();
    out = tm_run(line, &ret);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(ret, 0);
    ck_assert_int_ge(now_ms() - t0, 1000);
    free(out);
    ck_assert_int_eq(pthread_join(thread, NULL), 0);
    ck_assert_uint_eq(r.got, 0x80000);
    close(r.fd);
}
END_TEST

typedef struct TrickleReader {
    int fd;
    int trickle;   /* 1-byte reads, TRICKLE_MS apart, before the drain */
    size_t want, got;
} TrickleReader;

#define TRICKLE_MS 60

/* Reads one byte at a time, TRICKLE_MS apart, @trickle times, then
 * everything until it has @want bytes; gives up after WAIT_MS without
 * data (the writer failed). */
static void *trickle_reader(void *arg)
{
    TrickleReader *r = arg;
    static char buf[64 << 10];

    while (r->got < r->want) {
        struct pollfd p = { r->fd, POLLIN, 0 };
        size_t ask = r->trickle > 0 ? 1 : sizeof(buf);
        ssize_t n;

        if (poll(&p, 1, WAIT_MS) != 1) {
            break;
        }
        n = read(r->fd, buf, ask);
        if (n <= 0) {
            break;
        }
        r->got += (size_t)n;
        if (r->trickle > 0) {
            r->trickle--;
            poll(NULL, 0, TRICKLE_MS);
        }
    }
    return NULL;
}

START_TEST(test_fifo_reader_reading_bytes_is_not_a_stall)
{
    char path[300], line[512];
    TrickleReader r = { -1, 0, 0x40000, 0 };
    pthread_t thread;
    char *out;
    int ret;

    /* A pipe takes a write only when a whole page of it is free, so a
     * reader that reads a byte at a time leaves the writer unable to
     * write for long; it still reads, so it is no stall.  It reads a
     * byte every 60 ms for 1.2 s, four times the bound, then drains. */
    tm.mm.file_stall_ms = 300;
    r.trickle = 20;
    r.fd = silent_fifo(path, sizeof(path), "trickle");
    ck_assert_int_eq(pthread_create(&thread, NULL, trickle_reader, &r), 0);
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x40000 \"%s\"", path);
    out = tm_run(line, &ret);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(ret, 0);
    free(out);
    ck_assert_int_eq(pthread_join(thread, NULL), 0);
    ck_assert_uint_eq(r.got, 0x40000);
    close(r.fd);
}
END_TEST

typedef struct BarrierRun {
    atomic_bool done;
} BarrierRun;

static void *barrier_thread(void *arg)
{
    BarrierRun *b = arg;

    memcore_rcu_barrier();
    atomic_store(&b->done, true);
    return NULL;
}

START_TEST(test_waiting_save_holds_no_read_section)
{
    char path[300], line[512];
    struct timespec deadline;
    SaveRun s = { line, NULL, -1 };
    BarrierRun b;
    pthread_t thread, barrier;
    int rd;
    long until;

    /* While a save waits for its file (here for ever: the bound is long
     * and nobody reads), memcore's read section must not be held: gdb's
     * watchpoints and memcored's shutdown wait for a grace period
     * (memcore_rcu_barrier), and a slow reader is waited for without end. */
    tm.mm.file_stall_ms = 60000;
    rd = silent_fifo(path, sizeof(path), "rcu");
    snprintf(line, sizeof(line), "pmemsave 0x80000000 0x1000000 \"%s\"", path);
    ck_assert_int_eq(pthread_create(&thread, NULL, save_thread, &s), 0);
    wait_pipe_full(rd);

    atomic_init(&b.done, false);
    ck_assert_int_eq(pthread_create(&barrier, NULL, barrier_thread, &b), 0);
    until = now_ms() + WAIT_MS;
    while (!atomic_load(&b.done) && now_ms() < until) {
        poll(NULL, 0, 5);
    }
    ck_assert_msg(atomic_load(&b.done),
                  "a grace period waits for the save's file");

    ck_assert(monitor_cancel(tm.mon));
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    ck_assert_int_eq(pthread_timedjoin_np(thread, NULL, &deadline), 0);
    ck_assert_int_eq(pthread_join(barrier, NULL), 0);
    ck_assert_str_eq(s.out, "Error: interrupted\n");
    free(s.out);
    close(rd);
}
END_TEST

/* Read from @fd until the first prompt. */
static void wait_prompt(int fd)
{
    char seen[4096];
    size_t have = 0;

    seen[0] = '\0';
    while (!strstr(seen, MONITOR_PROMPT)) {
        struct pollfd p = { fd, POLLIN, 0 };
        ssize_t n;

        ck_assert_msg(poll(&p, 1, WAIT_MS) == 1, "no prompt");
        ck_assert_uint_lt(have, sizeof(seen) - 1);
        n = read(fd, seen + have, sizeof(seen) - 1 - have);
        ck_assert_int_gt(n, 0);
        have += (size_t)n;
        seen[have] = '\0';
    }
}

START_TEST(test_client_gone_during_stalled_save_frees_the_session)
{
    static const char prefix[] = "pmemsave 0x80000000 0x1000000 \"";
    char path[300], line[512];
    struct timespec deadline;
    pthread_t thread;
    int fds[2], rd, n;

    tm.mm.file_stall_ms = 300;
    rd = silent_fifo(path, sizeof(path), "gone");
    n = snprintf(line, sizeof(line), "%s%s\"\n", prefix, path);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds),
                     0);
    ck_assert_int_eq(pthread_create(&thread, NULL, session_thread, &fds[1]),
                     0);
    /* Wait for the prompt (a client gone before it is no test: the
     * banner's send fails first), send the save, leave: the command
     * prints nothing while it runs, so only its stall bound can end it. */
    wait_prompt(fds[0]);
    ck_assert_int_eq(write(fds[0], line, (size_t)n), n);
    close(fds[0]);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    ck_assert_msg(pthread_timedjoin_np(thread, NULL, &deadline) == 0,
                  "the session still waits on the FIFO");
    close(fds[1]);
    close(rd);
}
END_TEST

START_TEST(test_client_gone_after_many_stalled_saves_frees_the_session)
{
    static const char prefix[] = "pmemsave 0x80000000 0x1000000 \"";
    char path[300], line[512], lines[8 * 512];
    struct timespec deadline;
    pthread_t thread;
    size_t len = 0;
    int fds[2], rd, n;
    long t0;

    /* Eight saves in one send, then the client leaves: the output of a
     * batch is sent once the batch is done, so unless a slow command's
     * answer goes out at once the session learns that its client left
     * only after eight stall bounds. */
    tm.mm.file_stall_ms = 300;
    rd = silent_fifo(path, sizeof(path), "many");
    n = snprintf(line, sizeof(line), "%s%s\"\n", prefix, path);
    for (int i = 0; i < 8; i++) {
        memcpy(lines + len, line, (size_t)n);
        len += (size_t)n;
    }
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds),
                     0);
    ck_assert_int_eq(pthread_create(&thread, NULL, session_thread, &fds[1]),
                     0);
    wait_prompt(fds[0]);
    t0 = now_ms();
    ck_assert_int_eq(write(fds[0], lines, len), (ssize_t)len);
    close(fds[0]);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    ck_assert_msg(pthread_timedjoin_np(thread, NULL, &deadline) == 0,
                  "the session still runs the saves of a client that left");
    /* One bound (and the next save's first wait), not eight. */
    ck_assert_int_lt(now_ms() - t0, 2 * 300 + 400);
    close(fds[1]);
    close(rd);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("monitor-limits");
    TCase *tc = tcase_create("limits");
    TCase *bare = tcase_create("no-machine");

    tcase_add_checked_fixture(tc, tm_setup, tm_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_dump_caps);
    tcase_add_test(tc, test_help_names_the_caps);
    tcase_add_test(tc, test_mtree_text_cap);
    tcase_add_test(tc, test_info_dirty_of_empty_region);
    tcase_add_test(tc, test_info_dirty_lists_at_most_the_cap);
    tcase_add_test(tc, test_control_characters_are_escaped);
    tcase_add_test(tc, test_monitor_cancel_stops_the_command);
    tcase_add_test(tc, test_machine_cancelled_stops_every_command);
    tcase_add_test(tc, test_socket_client_gone_stops_the_command);
    tcase_add_test(tc, test_blocked_fifo_write_is_cancelled);
    tcase_add_test(tc, test_fifo_that_takes_nothing_fails_the_command);
    tcase_add_test(tc, test_slow_fifo_reader_is_not_a_stall);
    tcase_add_test(tc, test_client_gone_during_stalled_save_frees_the_session);
    tcase_add_test(tc, test_client_gone_after_many_stalled_saves_frees_the_session);
    tcase_add_test(tc, test_fifo_reader_reading_bytes_is_not_a_stall);
    tcase_add_test(tc, test_waiting_save_holds_no_read_section);
    suite_add_tcase(s, tc);
    tcase_add_test(bare, test_ramblock_without_ram);
    suite_add_tcase(s, bare);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
