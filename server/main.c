/*
 * server/main.c — memcored: build a machine, serve it, shut down cleanly.
 *
 * The story of a run:
 *   1. the command line (options.c); --help, --version and --print-board
 *      answer at once;
 *   2. the board is checked (board_parse.c) and, only if it has no
 *      problem at all, built (board_build.c) — a bad board exits 2;
 *   3. --kernel is loaded into the CPU's address space, and its entry
 *      point stored where the board's boot ROM looks for it
 *      ("kernel-entry"), else made the harts' reset pc;
 *   4. with --exec, each command runs once and memcored exits;
 *   5. otherwise the front-ends start (gdb and HTTP first, so that the
 *      monitor's banner can name their addresses), each printing where
 *      it listens — with HTTP, the event hub and its publishers before
 *      gdb, so that gdb's watchpoint hits reach the event stream — and
 *      the main thread sleeps on the shutdown pipe until quit, a signal
 *      or the guest asks to stop;
 *   6. the harts are stopped (the event stream says why: shutdown),
 *      front-ends are stopped and joined (open event streams end), the
 *      publishers and the hub freed, then the machine is torn down
 *      (address spaces destroyed, RAM released after an RCU barrier).
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <monitor/monitor.h>
#include <web/events.h>

#include "board.h"
#include "dump_dir.h"
#include "gdb_front.h"
#include "gdb_cpu_target.h"
#include "gdb_mem_target.h"
#include "http_front.h"
#include "kernel.h"
#include "listen.h"
#include "machine.h"
#include "monitor_front.h"
#include "options.h"
#include "shutdown.h"
#include "web_event_source.h"

#ifndef MEMCORE_VERSION
#define MEMCORE_VERSION "unknown"
#endif

#define EXIT_USAGE 2

/* Where HTTP listens unless --http says otherwise (overview.md). */
#define HTTP_DEFAULT "127.0.0.1:8080"

static int print_board(const char *name)
{
    const char *json = board_builtin_json(name);

    if (!json) {
        fprintf(stderr, "memcored: no built-in board called '%s' (built-in "
                "boards: virt, pc)\n", name);
        return EXIT_USAGE;
    }
    fputs(json, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* A name without '/' that names a built-in board is that board; anything
 * else is a file (write ./virt for a file called virt). */
static Board *load_board(const char *what, Diag *d, const char **label)
{
    const char *json;

    if (!what) {
        what = "virt";
    }
    json = strchr(what, '/') ? NULL : board_builtin_json(what);
    *label = what;
    if (json) {
        return board_parse_string(json, NULL, NULL, d);
    }
    return board_parse_file(what, d);
}

static int run_exec(Machine *m, const Options *o)
{
    Monitor *mon = monitor_new(&m->mon);
    MonitorOut out = monitor_out_file(stdout);
    int status = 0;

    if (!mon) {
        fprintf(stderr, "memcored: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < o->nexec; i++) {
        int rc = monitor_run_line(mon, o->exec[i], &out);

        if (rc & MONITOR_FAILED) {
            status = 1;
        }
        if (rc & MONITOR_QUIT) {
            break;
        }
        /* SIGINT or SIGTERM: the command was interrupted, stop here. */
        if (shutdown_requested()) {
            status = 1;
            break;
        }
    }
    monitor_free(mon);
    if (fflush(stdout) != 0) {
        status = 1;
    }
    return status;
}

/* Check every front-end address before anything is built. */
static int check_frontends(const Options *o, ListenAddr *mon,
                           ListenAddr *gdb, ListenAddr *http)
{
    char msg[512];
    const unsigned all = (1u << LISTEN_NONE) | (1u << LISTEN_STDIO) |
                         (1u << LISTEN_TCP) | (1u << LISTEN_UNIX);
    const char *mspec = o->monitor ? o->monitor
                                   : (isatty(STDIN_FILENO) ? "stdio" : "none");

    if (!listen_parse(mspec, all, false, mon, msg, sizeof(msg))) {
        fprintf(stderr, "memcored: --monitor %s (expected stdio, "
                "tcp:HOST:PORT, unix:PATH or none)\n", msg);
        return EXIT_USAGE;
    }
    memset(gdb, 0, sizeof(*gdb));
    if (o->gdb && !listen_parse(o->gdb, (1u << LISTEN_NONE) |
                                (1u << LISTEN_TCP), false, gdb, msg,
                                sizeof(msg))) {
        fprintf(stderr, "memcored: --gdb %s (expected tcp:HOST:PORT or "
                "none)\n", msg);
        return EXIT_USAGE;
    }
    memset(http, 0, sizeof(*http));
    if (!listen_parse(o->http ? o->http : HTTP_DEFAULT,
                      (1u << LISTEN_NONE) | (1u << LISTEN_TCP), true, http,
                      msg, sizeof(msg))) {
        fprintf(stderr, "memcored: --http %s (expected HOST:PORT or "
                "none)\n", msg);
        return EXIT_USAGE;
    }
    /* The monitor and gdb have no password: whoever reaches them can
     * write guest memory (and, at the monitor, any host file memcored may
     * write).  Off loopback only when the user names that risk. */
    if (mon->kind == LISTEN_TCP && !listen_is_loopback(mon) &&
        !o->allow_remote_monitor) {
        fprintf(stderr, "memcored: refusing to serve the monitor on %s, "
                "not a loopback address: anyone who can reach it could "
                "read and write guest memory and host files "
                "(--allow-remote-monitor accepts that risk)\n", mon->host);
        return EXIT_USAGE;
    }
    if (gdb->kind == LISTEN_TCP && !listen_is_loopback(gdb) &&
        !o->allow_remote_gdb) {
        fprintf(stderr, "memcored: refusing to serve gdb on %s, not a "
                "loopback address: anyone who can reach it could read and "
                "write guest memory (--allow-remote-gdb accepts that "
                "risk)\n", gdb->host);
        return EXIT_USAGE;
    }
    if (http->kind == LISTEN_TCP && !listen_is_loopback(http) &&
        !o->http_token) {
        fprintf(stderr, "memcored: refusing to serve HTTP on %s without "
                "--http-token: anyone who can reach it could read and "
                "write guest memory\n", http->host);
        return EXIT_USAGE;
    }
    return 0;
}

/* Every monitor client holds a descriptor (up to 1024 of them), HTTP up
 * to --http-max-conns more: a soft limit of 1024 would make accept(2)
 * fail while clients wait.  memcored polls, never select()s, so the
 * hard limit is safe to use. */
static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static void wait_for_shutdown(void)
{
    struct pollfd pfd = { .fd = shutdown_fd(), .events = POLLIN };

    /* The pipe is never drained, so once written it stays readable. */
    while (poll(&pfd, 1, -1) <= 0 && (errno == EINTR || errno == EAGAIN)) {
    }
}

int main(int argc, char **argv)
{
    Options o;
    ListenAddr mon_addr, gdb_addr, http_addr;
    Diag d;
    Board *board;
    Machine *m;
    MonitorFront *front = NULL;
    GdbFront *gdb = NULL;
    GdbMemTarget *memtarget = NULL;
    GdbCpuTarget *cputarget = NULL;
    HttpFront *http = NULL;
    WebEvents *events = NULL;        /* GET /api/v1/events */
    WebEventSource *evsrc = NULL;
    char gdb_shown[300] = "";
    char http_shown[300] = "";
    const char *label;
    int rc;

    /* HTTP reads up to 1 MiB go through a fresh buffer each, freed once
     * sent: with glibc's defaults the pool threads' arenas were trimmed
     * between requests (madvise, a TLB shootdown, then every page faulted
     * back), which cost up to 3-6x the CPU per MiB (tests/bench/README,
     * bench_http).  Keep freed memory for reuse: a process-wide choice,
     * which is the program's to make, not the library's. */
    mallopt(M_MMAP_THRESHOLD, 2 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);

    rc = options_parse(argc, argv, &o, stderr);
    if (rc) {
        return rc;
    }
    if (o.help) {
        options_usage(stdout);
        options_free(&o);
        return 0;
    }
    if (o.version) {
        printf("memcored (memcore) %s\n", MEMCORE_VERSION);
        options_free(&o);
        return 0;
    }
    if (o.print_board) {
        rc = print_board(o.print_board);
        options_free(&o);
        return rc;
    }
    rc = check_frontends(&o, &mon_addr, &gdb_addr, &http_addr);
    if (rc) {
        options_free(&o);
        return rc;
    }
    if (o.dump_dir) {
        char msg[300];

        if (!dump_dir_check(o.dump_dir, msg, sizeof(msg))) {
            fprintf(stderr, "memcored: --dump-dir %s: %s\n", o.dump_dir, msg);
            options_free(&o);
            return EXIT_USAGE;
        }
    }
    raise_fd_limit();
    if (shutdown_init() != 0) {
        fprintf(stderr, "memcored: cannot set up signal handling\n");
        options_free(&o);
        return 1;
    }

    diag_init(&d);
    board = load_board(o.board, &d, &label);
    m = board ? machine_create(board, o.read_only, &d) : NULL;
    if (!m) {
        char prefix[512];

        snprintf(prefix, sizeof(prefix), "memcored: %s: ", label);
        diag_print(&d, stderr, prefix);
        diag_free(&d);
        options_free(&o);
        return EXIT_USAGE;
    }
    diag_free(&d);
    machine_set_dump_dir(m, o.dump_dir);

    uint64_t entry = 0;
    bool entry_stored = false;
    if (o.kernel) {
        char *err = NULL;

        if (!kernel_boot(m->board, o.kernel, &entry, &entry_stored, &err)) {
            fprintf(stderr, "memcored: --kernel: %s\n",
                    err ? err : "out of memory");
            free(err);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
    }

    atomic_store(&m->serial_stdio, o.serial_stdio);
    /* With "kernel-entry" the harts keep their reset pc (the boot ROM) and
     * find the entry in the slot; without it they start at the entry. */
    machine_start_cpus(m, o.kernel != NULL && !entry_stored, entry,
                       o.start_stopped);

    if (o.nexec) {
        rc = run_exec(m, &o);
        machine_destroy(m);
        options_free(&o);
        return rc;
    }

    if (http_addr.kind != LISTEN_NONE) {
        /* The event stream's hub and memcored's publishers, before gdb:
         * its watchpoint hits are events. */
        events = web_events_new();
        evsrc = events ? web_event_source_new(m, events) : NULL;
        if (!evsrc) {
            fprintf(stderr, "memcored: http: out of memory\n");
            web_events_free(events);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
    }
    if (gdb_addr.kind != LISTEN_NONE) {
        /* Started first so that the monitor's banner can say where it
         * listens; its line is printed after the monitor's. */
        BoardAS *as = board_default_as(m->board);
        GdbTarget target;
        char msg[512];

        if (!as) {
            fprintf(stderr, "memcored: gdb: the board has no address "
                    "space\n");
            web_event_source_free(evsrc);
            web_events_free(events);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
        /* A board with vCPUs is debugged through its harts; one without
         * gets the memory-only target. */
        if (m->cpus) {
            cputarget = gdb_cpu_target_new(m, &as->as, o.read_only);
        } else {
            memtarget = gdb_mem_target_new(&as->as, o.read_only);
        }
        if (!memtarget && !cputarget) {
            fprintf(stderr, "memcored: gdb: out of memory\n");
            web_event_source_free(evsrc);
            web_events_free(events);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
        if (evsrc) {
            gdb_watch_set_observer(cputarget
                                   ? gdb_cpu_target_watches(cputarget)
                                   : gdb_mem_target_watches(memtarget),
                                   web_event_source_watch_observer(evsrc));
        }
        target = cputarget ? *gdb_cpu_target(cputarget)
                           : *gdb_mem_target(memtarget);
        /* gdb is a network client: its `monitor` writes files only
         * into --dump-dir. */
        gdb = gdb_front_start(&gdb_addr, &target, machine_network_monitor(m),
                              gdb_shown, sizeof(gdb_shown), msg, sizeof(msg));
        if (!gdb) {
            fprintf(stderr, "memcored: gdb: %s\n", msg);
            gdb_mem_target_free(memtarget);
            gdb_cpu_target_free(cputarget);
            web_event_source_free(evsrc);
            web_events_free(events);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
    }
    if (http_addr.kind != LISTEN_NONE) {
        /* Also before the monitor, for its banner. */
        HttpFrontConfig hc = {
            .addr = &http_addr,
            /* a network front: its monitor writes files only in --dump-dir */
            .machine = machine_network_monitor(m),
            .token = o.http_token,
            .max_read = o.http_max_read,
            .max_write = o.http_max_write,
            .per_client = o.http_max_conns,
        };
        bool bind_failed;
        char msg[512];

        hc.events = events;  /* made above, before gdb */
        http = http_front_start(&hc, http_shown, sizeof(http_shown),
                                &bind_failed, msg, sizeof(msg));
        if (!http && bind_failed && !o.http) {
            /* Only the default: a second memcored still starts. */
            fprintf(stderr, "memcored: http: %s; going on without HTTP "
                    "(--http HOST:PORT picks another address, --http none "
                    "turns it off)\n", msg);
        } else if (!http) {
            fprintf(stderr, "memcored: http: %s\n", msg);
            gdb_front_stop(gdb, 1);
            gdb_mem_target_free(memtarget);
            gdb_cpu_target_free(cputarget);
            web_event_source_free(evsrc);
            web_events_free(events);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
    }
    if (mon_addr.kind != LISTEN_NONE) {
        char msg[512];

        char head[600];
        char tail[600];

        /* One line, as QEMU's "QEMU 7.2.0 monitor - type 'help' for more
         * information": the version, the board and every front-end. */
        snprintf(head, sizeof(head), "memcored %s monitor - board %s, "
                 "monitor on ", MEMCORE_VERSION, label);
        snprintf(tail, sizeof(tail), ", gdb %s%s, http %s%s - type 'help' "
                 "for more information", gdb ? "on " : "off", gdb_shown,
                 http ? "on " : "off", http_shown);
        front = monitor_front_start(&m->mon, &mon_addr, head, tail, msg,
                                    sizeof(msg));
        if (!front) {
            fprintf(stderr, "memcored: monitor: %s\n", msg);
            http_front_stop(http);
            gdb_front_stop(gdb, 1);
            gdb_mem_target_free(memtarget);
            gdb_cpu_target_free(cputarget);
            web_event_source_free(evsrc);
            web_events_free(events);
            machine_destroy(m);
            options_free(&o);
            return 1;
        }
    }
    if (gdb) {
        printf("gdb: listening on %s\n", gdb_shown);
    }
    if (http) {
        printf("http: listening on %s\n", http_shown);
    }
    fflush(stdout);

    wait_for_shutdown();
    if (shutdown_signal_name()) {
        fprintf(stderr, "memcored: %s received, shutting down\n",
                shutdown_signal_name());
    }
    machine_stop_for_shutdown(m);
    monitor_front_stop(front);
    /* Every event stream (every hub subscriber) ends with the server. */
    http_front_stop(http);
    gdb_front_stop(gdb, shutdown_status());
    /* gdb's watch set goes first: it calls the source's observer */
    gdb_mem_target_free(memtarget);
    gdb_cpu_target_free(cputarget);
    web_event_source_free(evsrc);
    web_events_free(events);
    machine_destroy(m);
    options_free(&o);
    return shutdown_status();
}
