/*
 * tests/bench/bench_http.c — memcored's HTTP front under load from wrk,
 * beside a bare libmicrohttpd + jansson server (http_peer) measured in the
 * same run (issue 10's benchmarks):
 *
 *   small GET: memcored's `ld` of 4 bytes vs the peer's fixed ~100-byte
 *              JSON: requests/s and p99 latency;   goal >= 50% of the peer
 *   1 MiB GET: memcored's `memory` of 1 MiB vs the peer's static 1 MiB
 *              body: GB/s = requests/s x 1 MiB;     goal >= 1 GB/s and
 *                                                   >= 50% of the peer
 *
 * memcored runs the default virt board stopped (-S: no hart eats a core)
 * with only its HTTP front, on 127.0.0.1 port 0.  The peer uses the same
 * libmicrohttpd threading mode and pool size.  wrk, client and servers all
 * run on this machine.  Each URL first gets a warm-up run, then the two
 * servers take turns, several rounds, and the medians are reported, with
 * each server's CPU time per request (from /proc), which moves much less
 * than rates when the neighbours' load comes and goes.
 *
 * Before anything is timed each answer is checked: memcored's ld is a JSON
 * object with "result":"ok" and a "value", its 1 MiB read is exactly 1 MiB
 * whose first and last words are what ld reads there, and the peer's
 * answers have the right sizes.  Exit 1 only when something is broken: a
 * wrong answer, a non-2xx answer under load, a server that does not start
 * or does not exit 0 on SIGTERM, wrk missing or failing.
 *
 * Usage: bench_http [PATH-TO-MEMCORED]; default $MEMCORED, else
 * server/memcored beside this program's build tree; the peer is
 * tests/bench/http_peer beside this program, or $HTTP_PEER.  $WRK names
 * another wrk.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <web/http_server.h>

#include "bench_child.h"
#include "bench_util.h"
#include "http_get.h"
#include "wrk_run.h"

#define RAM_BASE 0x80000000u
#define BIG_BYTES (1u << 20)

/* libmicrohttpd's thread pool in memcored's HTTP front (memcored starts
 * it with web/'s default), which the peer is given too. */
#define HTTP_POOL_THREADS WEB_DEFAULT_THREADS

/* The load: wrk's threads and connections, and how long each run lasts. */
#define WRK_THREADS 2
#define SMALL_CONNS 32
#define BIG_CONNS 8
#define WARMUP_S 1
#define RUN_S 2
#define ROUNDS 5

#define GOAL_SMALL_RATIO 0.5
#define GOAL_BIG_GBPS 1.0
#define GOAL_BIG_RATIO 0.5

static const char ld_path[] =
    "/api/v1/address-spaces/memory/ld?addr=0x80000000&size=4";
static const char memory_path[] =
    "/api/v1/address-spaces/memory/memory?addr=0x80000000&len=1048576";

/* ---- children, for the signal handler ------------------------------------ */

static volatile pid_t server_pids[2]; /* memcored, the peer */
static volatile pid_t wrk_pid;

/* A hung server or wrk must not hang `make bench`, and an interrupted run
 * must leave nothing running. */
static void on_signal(int sig)
{
    static const char alarm_msg[] = "bench_http: gave up after 240 s\n";
    static const char stop_msg[] = "bench_http: stopped by a signal\n";
    const char *msg = sig == SIGALRM ? alarm_msg : stop_msg;
    size_t len = sig == SIGALRM ? sizeof(alarm_msg) - 1 : sizeof(stop_msg) - 1;

    if (wrk_pid > 0) {
        kill(wrk_pid, SIGKILL);
    }
    for (unsigned i = 0; i < 2; i++) {
        if (server_pids[i] > 0) {
            kill(server_pids[i], SIGKILL);
        }
    }
    if (write(2, msg, len) < 0) {
        _exit(1);
    }
    _exit(1);
}

/* ---- where the programs are ---------------------------------------------- */

/* <builddir>/tests/bench/bench_http -> <builddir>/@rel, or @env, or @arg. */
static const char *program_path(const char *arg, const char *env_name,
                                const char *rel, char *buf, size_t size)
{
    const char *env = getenv(env_name);
    ssize_t n;
    int up = 0;

    if (arg) {
        return arg;
    }
    if (env && *env) {
        return env;
    }
    n = readlink("/proc/self/exe", buf, size - strlen(rel) - 2);
    if (n <= 0) {
        return rel;
    }
    buf[n] = '\0';
    for (; up < 3; up++) {
        char *slash = strrchr(buf, '/');

        if (!slash) {
            return rel;
        }
        *slash = '\0';
    }
    strcat(buf, "/");
    strcat(buf, rel);
    return buf;
}

/* wrk in $WRK or in PATH; NULL when absent. */
static char *find_wrk(void)
{
    const char *env = getenv("WRK");
    const char *path = getenv("PATH");
    char *copy, *save = NULL;

    if (env && *env) {
        return access(env, X_OK) == 0 ? strdup(env) : NULL;
    }
    if (!path || !(copy = strdup(path))) {
        return NULL;
    }
    for (char *dir = strtok_r(copy, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        char full[PATH_MAX];

        snprintf(full, sizeof(full), "%s/wrk", dir);
        if (access(full, X_OK) == 0) {
            free(copy);
            return strdup(full);
        }
    }
    free(copy);
    return NULL;
}

/* ---- answer checks --------------------------------------------------------- */

/* memcored's ld answer: 200, {"result":"ok","value":"0x..."}; *value gets
 * the value. */
static bool check_ld(int port, uint32_t addr, uint32_t *value)
{
    char path[128];
    HttpAnswer a;
    json_error_t err;
    json_t *obj = NULL, *v, *res;
    unsigned long long parsed;
    bool ok = false;

    snprintf(path, sizeof(path),
             "/api/v1/address-spaces/memory/ld?addr=0x%" PRIx32 "&size=4",
             addr);
    if (!http_get(port, path, 10.0, &a)) {
        return false;
    }
    if (a.status == 200 && (obj = json_loads(a.body, 0, &err)) != NULL &&
        (v = json_object_get(obj, "value")) && json_is_string(v) &&
        (res = json_object_get(obj, "result")) && json_is_string(res) &&
        strcmp(json_string_value(res), "ok") == 0 &&
        sscanf(json_string_value(v), "%llx", &parsed) == 1 &&
        parsed <= UINT32_MAX) {
        *value = (uint32_t)parsed;
        ok = true;
    } else {
        fprintf(stderr, "bench_http: memcored GET %s answered %d:\n%s\n",
                path, a.status, a.body);
    }
    json_decref(obj);
    http_answer_free(&a);
    return ok;
}

static uint32_t le32(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* memcored's 1 MiB read: 200, exactly 1 MiB, its first and last words
 * what ld reads at those addresses. */
static bool check_memory(int port, uint32_t first, uint32_t last)
{
    HttpAnswer a;
    bool ok;

    if (!http_get(port, memory_path, 20.0, &a)) {
        return false;
    }
    ok = a.status == 200 && a.len == BIG_BYTES &&
         le32((unsigned char *)a.body) == first &&
         le32((unsigned char *)a.body + BIG_BYTES - 4) == last;
    if (!ok) {
        fprintf(stderr, "bench_http: memcored GET %s answered %d with %zu "
                        "bytes (want 200, %u bytes starting 0x%08" PRIx32
                        ", ending 0x%08" PRIx32 ")\n", memory_path, a.status,
                a.len, BIG_BYTES, first, last);
    }
    http_answer_free(&a);
    return ok;
}

/* The peer: 200 and a body of the right size (JSON for /small). */
static bool check_peer(int port, const char *path, size_t *len)
{
    HttpAnswer a;
    json_error_t err;
    json_t *obj = NULL;
    bool ok;

    if (!http_get(port, path, 20.0, &a)) {
        return false;
    }
    ok = a.status == 200 &&
         (strcmp(path, "/big") == 0 ? a.len == BIG_BYTES
                                    : (obj = json_loads(a.body, 0, &err)) &&
                                      a.len >= 90 && a.len <= 110);
    if (!ok) {
        fprintf(stderr, "bench_http: the peer's GET %s answered %d with %zu "
                        "bytes\n", path, a.status, a.len);
    }
    *len = a.len;
    json_decref(obj);
    http_answer_free(&a);
    return ok;
}

/* ---- the runs -------------------------------------------------------------- */

typedef struct Target {
    const char *who;   /* "memcored", "peer" */
    pid_t pid;         /* the server, whose CPU time is counted */
    char url[256];
    unsigned conns;
    double rps[ROUNDS], p99[ROUNDS];
    double cpu_us[ROUNDS]; /* server CPU (user + system) per request */
    double faults[ROUNDS]; /* server minor page faults per request */
    unsigned long sock_errors;
} Target;

static void target_init(Target *t, const char *who, pid_t pid, int port,
                        const char *path, unsigned conns)
{
    memset(t, 0, sizeof(*t));
    t->who = who;
    t->pid = pid;
    snprintf(t->url, sizeof(t->url), "http://127.0.0.1:%d%s", port, path);
    t->conns = conns;
}

/* CPU seconds (user + system, all threads) @pid has used and the minor
 * page faults it took, from /proc/PID/stat; false when it cannot be read. */
static bool proc_usage(pid_t pid, double *cpu_s, double *faults)
{
    char path[64], buf[1024], *p;
    unsigned long long minflt, ut, st;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* After "pid (comm) ", which may hold spaces: fields 3.. */
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %*u %*u %*u "
                            "%llu %llu", &minflt, &ut, &st) != 3) {
        return false;
    }
    *cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    *faults = (double)minflt;
    return true;
}

/* One wrk run against @t; round < 0 is the warm-up, not kept. */
static bool run_one(const char *wrk, Target *t, int round)
{
    double cpu0, cpu1, flt0, flt1;
    bool usage = proc_usage(t->pid, &cpu0, &flt0);
    WrkResult r;

    if (!wrk_run(wrk, t->url, WRK_THREADS, t->conns,
                 round < 0 ? WARMUP_S : RUN_S, &wrk_pid, &r)) {
        return false;
    }
    usage = proc_usage(t->pid, &cpu1, &flt1) && usage && r.requests;
    if (r.non2xx > 0) {
        fprintf(stderr, "bench_http: %s answered %lu requests of %lu with an "
                        "error status under load (%s):\n%s\n", t->who,
                r.non2xx, r.requests, t->url, r.text);
        return false;
    }
    if (round >= 0) {
        t->rps[round] = r.rps;
        t->p99[round] = r.p99_ms;
        t->cpu_us[round] = usage ? (cpu1 - cpu0) * 1e6 / (double)r.requests
                                 : -1;
        t->faults[round] = usage ? (flt1 - flt0) / (double)r.requests : -1;
        t->sock_errors += r.sock_errors;
    }
    return true;
}

/* Warm both up, then ROUNDS rounds in which they take turns, the order
 * swapped every round so neither always runs right after the other. */
static bool run_pair(const char *wrk, Target *m, Target *p)
{
    if (!run_one(wrk, m, -1) || !run_one(wrk, p, -1)) {
        return false;
    }
    for (int round = 0; round < ROUNDS; round++) {
        Target *first = round % 2 ? p : m, *second = round % 2 ? m : p;

        if (!run_one(wrk, first, round) || !run_one(wrk, second, round)) {
            return false;
        }
    }
    return true;
}

/* "12,345" */
static const char *grouped(double v, char *buf, size_t size)
{
    char digits[32];
    size_t n, out = 0;

    snprintf(digits, sizeof(digits), "%.0f", v);
    n = strlen(digits);
    for (size_t i = 0; i < n && out + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            buf[out++] = ',';
        }
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
    return buf;
}

static double med(const double *v)
{
    double copy[ROUNDS];

    memcpy(copy, v, sizeof(copy));
    return median(copy, ROUNDS);
}

static void rounds_line(const Target *t, bool gbps)
{
    printf("  %28s rounds:", "");
    for (int i = 0; i < ROUNDS; i++) {
        if (gbps) {
            printf(" %.2f", t->rps[i] * BIG_BYTES / 1e9);
        } else {
            printf(" %.0f", t->rps[i]);
        }
    }
    printf(gbps ? " GB/s;" : " /s;");
    printf(" page faults/req %.1f\n", med(t->faults));
    if (t->sock_errors) {
        printf("  %28s socket errors under load: %lu (wrk counts only the "
               "requests that completed)\n", "", t->sock_errors);
    }
}

/* Each round's ratio: the two runs of a round are next to each other in
 * time, so a neighbour's load that comes and goes moves them together. */
static void ratios_line(const Target *m, const Target *p)
{
    printf("  %28s ratio per round:", "");
    for (int i = 0; i < ROUNDS; i++) {
        printf(" %.2f", m->rps[i] / p->rps[i]);
    }
    printf("\n");
}

/* CPU per request moves much less than rates when neighbours come and go:
 * its ratio says what fraction of the peer's rate memcored would reach if
 * the servers' CPU were all that limited them. */
static void cpu_line(const Target *m, const Target *p)
{
    double mc = med(m->cpu_us), pc = med(p->cpu_us);

    if (mc > 0 && pc > 0) {
        printf("  server CPU per request memcored/peer %.2fx (CPU-bound, "
               "memcored would reach %.0f%% of the peer's rate)\n", mc / pc,
               100.0 * pc / mc);
    }
}

static const char *verdict(bool met)
{
    return met ? "met" : "NOT met";
}

static void report_small(const Target *m, const Target *p)
{
    double mr = med(m->rps), pr = med(p->rps);
    char g[32];

    printf("Small GET: %u connections, %u wrk threads, medians of %d runs "
           "of %d s\n", m->conns, WRK_THREADS, ROUNDS, RUN_S);
    printf("  %-28s %10s req/s   p99 %6.2f ms   CPU %5.1f us/req\n",
           "memcored ld size=4", grouped(mr, g, sizeof(g)), med(m->p99),
           med(m->cpu_us));
    rounds_line(m, false);
    printf("  %-28s %10s req/s   p99 %6.2f ms   CPU %5.1f us/req\n",
           "peer /small (jansson)", grouped(pr, g, sizeof(g)), med(p->p99),
           med(p->cpu_us));
    rounds_line(p, false);
    ratios_line(m, p);
    cpu_line(m, p);
    printf("  memcored/peer rate %.2fx   goal >= %.1fx: %s\n\n", mr / pr,
           GOAL_SMALL_RATIO, verdict(mr / pr >= GOAL_SMALL_RATIO));
}

static void report_big(const Target *m, const Target *p)
{
    double mg = med(m->rps) * BIG_BYTES / 1e9;
    double pg = med(p->rps) * BIG_BYTES / 1e9;

    printf("1 MiB GET: %u connections, %u wrk threads, medians of %d runs "
           "of %d s; GB/s = requests/s x 1 MiB / 10^9\n", m->conns,
           WRK_THREADS, ROUNDS, RUN_S);
    printf("  %-28s %10.2f GB/s  %8.0f req/s   p99 %6.2f ms   CPU %5.0f "
           "us/req\n", "memcored memory len=1 MiB", mg, med(m->rps),
           med(m->p99), med(m->cpu_us));
    rounds_line(m, true);
    printf("  %-28s %10.2f GB/s  %8.0f req/s   p99 %6.2f ms   CPU %5.0f "
           "us/req\n", "peer /big (static)", pg, med(p->rps), med(p->p99),
           med(p->cpu_us));
    rounds_line(p, true);
    ratios_line(m, p);
    cpu_line(m, p);
    printf("  memcored %.2f GB/s   goal >= %.1f GB/s: %s\n", mg,
           GOAL_BIG_GBPS, verdict(mg >= GOAL_BIG_GBPS));
    printf("  memcored/peer %.2fx   goal >= %.1fx: %s\n\n", mg / pg,
           GOAL_BIG_RATIO, verdict(mg / pg >= GOAL_BIG_RATIO));
}

/* The machine's load when the run starts: on a shared machine it says
 * how far to trust the rates. */
static void print_load(void)
{
    char buf[128] = "";
    FILE *f = fopen("/proc/loadavg", "r");

    if (f && fgets(buf, sizeof(buf), f)) {
        buf[strcspn(buf, "\n")] = '\0';
        printf("          /proc/loadavg at start: %s (%ld CPUs)\n", buf,
               sysconf(_SC_NPROCESSORS_ONLN));
    }
    if (f) {
        fclose(f);
    }
}

/* ---- main ------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static char mbuf[PATH_MAX], pbuf[PATH_MAX];
    const char *mpath = program_path(argc > 1 ? argv[1] : NULL, "MEMCORED",
                                     "server/memcored", mbuf, sizeof(mbuf));
    const char *ppath = program_path(NULL, "HTTP_PEER",
                                     "tests/bench/http_peer", pbuf,
                                     sizeof(pbuf));
    char threads[16];
    char *margv[] = { (char *)mpath, "--http", "127.0.0.1:0", "--monitor",
                      "none", "--gdb", "none", "-S", NULL };
    char *pargv[] = { (char *)ppath, threads, NULL };
    BenchChild mem = { .pid = 0 }, peer = { .pid = 0 };
    Target ms, ps, mb, pb;
    uint32_t first, last, again;
    size_t small_len = 0, big_len = 0;
    struct sigaction sa;
    bool broken = true;
    char *wrk;
    int status;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    alarm(240);
    setvbuf(stdout, NULL, _IOLBF, 0);

    wrk = find_wrk();
    if (!wrk) {
        fprintf(stderr, "bench_http: wrk not found (apt-get install wrk; "
                        "./quickstart installs it), or $WRK names none\n");
        return 1;
    }
    snprintf(threads, sizeof(threads), "%u", HTTP_POOL_THREADS);

    if (!bench_child_start(&mem, margv, "http: listening on", 20.0)) {
        fprintf(stderr, "bench_http: cannot start %s (build it with `make "
                        "server/memcored`)\n", mpath);
        goto out;
    }
    server_pids[0] = mem.pid;
    if (!bench_child_start(&peer, pargv, "http_peer: listening on", 20.0)) {
        fprintf(stderr, "bench_http: cannot start %s (build it with `make "
                        "tests/bench/http_peer`)\n", ppath);
        goto out;
    }
    server_pids[1] = peer.pid;

    if (!check_ld(mem.port, RAM_BASE, &first) ||
        !check_ld(mem.port, RAM_BASE + BIG_BYTES - 4, &last) ||
        !check_memory(mem.port, first, last) ||
        !check_peer(peer.port, "/small", &small_len) ||
        !check_peer(peer.port, "/big", &big_len)) {
        goto out;
    }

    printf("memcored: %s --http 127.0.0.1:0 --monitor none --gdb none -S "
           "(board virt, stopped)\n          %s\n", mpath, mem.line);
    printf("peer:     %s\n", peer.line);
    printf("load:     %s, %u threads; each URL warmed up for %d s, then %d "
           "rounds of %d s per server, taking turns\n", wrk, WRK_THREADS,
           WARMUP_S, ROUNDS, RUN_S);
    printf("          CPU = the server's user + system time (all threads, "
           "/proc) over the requests wrk completed: steadier than rates "
           "on a busy machine;\n          page faults/req likewise (minor "
           "faults: memory the server's malloc gave back and touches "
           "again)\n");
    print_load();
    printf("answers checked: ld 0x80000000 = 0x%08" PRIx32 ", ld 0x800ffffc "
           "= 0x%08" PRIx32 ", memory 1 MiB starts and ends with them; "
           "peer /small %zu bytes, /big %zu bytes\n\n", first, last,
           small_len, big_len);

    target_init(&ms, "memcored", mem.pid, mem.port, ld_path, SMALL_CONNS);
    target_init(&ps, "the peer", peer.pid, peer.port, "/small", SMALL_CONNS);
    target_init(&mb, "memcored", mem.pid, mem.port, memory_path, BIG_CONNS);
    target_init(&pb, "the peer", peer.pid, peer.port, "/big", BIG_CONNS);
    if (!run_pair(wrk, &ms, &ps)) {
        goto out;
    }
    report_small(&ms, &ps);
    if (!run_pair(wrk, &mb, &pb)) {
        goto out;
    }
    report_big(&mb, &pb);

    /* Still serving, and the same word, after the load. */
    if (!check_ld(mem.port, RAM_BASE, &again) || again != first) {
        fprintf(stderr, "bench_http: after the load memcored's ld answers "
                        "differently\n");
        goto out;
    }
    broken = false;

out:
    status = bench_child_stop(&peer, 10.0);
    server_pids[1] = 0;
    if (peer.port && (status < 0 || !WIFEXITED(status) ||
                      WEXITSTATUS(status) != 0)) {
        fprintf(stderr, "bench_http: the peer did not exit 0 (wait status "
                        "%d)\n", status);
        broken = true;
    }
    status = bench_child_stop(&mem, 10.0);
    server_pids[0] = 0;
    if (mem.port && (status < 0 || !WIFEXITED(status) ||
                     WEXITSTATUS(status) != 0)) {
        fprintf(stderr, "bench_http: memcored did not exit 0 on SIGTERM "
                        "(wait status %d)\n", status);
        broken = true;
    }
    free(wrk);
    return broken ? 1 : 0;
}
