/*
 * tests/bench/bench_monitor.c — memcored's monitor over a socket, beside
 * QEMU 7.2 measured in the same run (issue 3's benchmarks):
 *
 *   pmemsave of 64 MiB of RAM into a new file         goal >= QEMU's MiB/s
 *   xp /100000xg 0x80000000, until all output arrived  goal <= half QEMU's
 *   ldl_le 0x80000000 pipelined x1,000 and x100,000    goal > 162,000/s
 *   1,000 sequential commands (send, await the answer) no goal
 *
 * memcored runs on the default virt board with its monitor on
 * tcp:127.0.0.1:0.  The peer is qemu-system-riscv64 -M virt -S, its HMP
 * monitor on a unix socket (HMP echoes and is not safe to pipeline, so it
 * only gets the sequential test), and a second QEMU with -qtest on a unix
 * socket, the pipelined peer (`readl`).  Without qemu-system-riscv64 the
 * issue's reference figures are printed instead, labelled as such.
 *
 * pmemsave writes into a temporary directory made in the working
 * directory, on the filesystem the benchmark runs on; each file is checked
 * (size; every byte of 516 KiB against xp's reference read of the same
 * RAM; memcored's in full: stq_le first writes a marker into each page),
 * then deleted.
 *
 * Usage: bench_monitor [PATH-TO-MEMCORED]; default $MEMCORED, else
 * server/memcored beside this program's build tree.  $QEMU_RISCV64 names
 * another QEMU binary.  Exit 1 only when something is broken: an answer
 * missing or wrong (every load must return the word first read there),
 * memcored's saved file not holding its RAM, memcored failing to start or
 * to stop cleanly.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor_conn.h"

#define RAM_BASE 0x80000000u
#define PMEMSAVE_MIB 64
#define XP_COUNT 100000u
#define XP_ROWS (XP_COUNT / 2) /* two 8-byte values per row */
#define SEQ_COUNT 1000u

/* The figures for QEMU 7.2 on this kind of machine (its pmemsave
 * went to /dev/null). */
#define REF_PMEMSAVE_MIBS 1544.0
#define REF_XP_S 0.377
#define REF_SEQ_S 0.61
#define REF_QTEST_PER_S 162000.0

/* ---- children and temporary files, for the safety alarm ----------------- */

static pid_t kids[3]; /* memcored, QEMU (HMP), QEMU (qtest) */

/* The temporary directory (in $TMPDIR or /tmp) and what goes in it. */
enum { F_HMP_SOCK, F_QTEST_SOCK, F_HMP_LOG, F_QTEST_LOG, F_COUNT };
static const char *const tmpnames[F_COUNT] = {
    "hmp.sock", "qtest.sock", "hmp.log", "qtest.log",
};
static char tmpdir[256];
static char tmpfiles[F_COUNT][300];

/* pmemsave's files go to a second temporary directory, made in the
 * working directory: the filesystem the benchmark runs on (usually the
 * build tree), not /tmp, which may be a RAM-backed tmpfs, and where the
 * socket paths would be too long.  One file per server. */
enum { S_MEMCORED, S_QEMU, S_COUNT };
static const char *const savenames[S_COUNT] = {
    "memcored.bin", "qemu.bin",
};
static char savedir[PATH_MAX];
static char savefiles[S_COUNT][PATH_MAX + 32];

static bool make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/bench_monitor.XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("bench_monitor: mkdtemp");
        tmpdir[0] = '\0';
        return false;
    }
    for (unsigned i = 0; i < F_COUNT; i++) {
        snprintf(tmpfiles[i], sizeof(tmpfiles[i]), "%s/%s", tmpdir,
                 tmpnames[i]);
    }
    return true;
}

static bool make_savedir(void)
{
    char cwd[PATH_MAX - 40];

    if (!getcwd(cwd, sizeof(cwd))) {
        perror("bench_monitor: getcwd");
        return false;
    }
    snprintf(savedir, sizeof(savedir), "%s/bench_monitor-save.XXXXXX", cwd);
    if (!mkdtemp(savedir)) {
        fprintf(stderr, "bench_monitor: cannot make %s for pmemsave's "
                        "files: %s\n", savedir, strerror(errno));
        savedir[0] = '\0';
        return false;
    }
    for (unsigned i = 0; i < S_COUNT; i++) {
        snprintf(savefiles[i], sizeof(savefiles[i]), "%s/%s", savedir,
                 savenames[i]);
    }
    return true;
}

static void cleanup_files(void)
{
    for (unsigned i = 0; i < F_COUNT; i++) {
        if (tmpfiles[i][0]) {
            unlink(tmpfiles[i]);
        }
    }
    if (tmpdir[0]) {
        rmdir(tmpdir);
    }
    for (unsigned i = 0; i < S_COUNT; i++) {
        if (savefiles[i][0]) {
            unlink(savefiles[i]);
        }
    }
    if (savedir[0]) {
        rmdir(savedir);
    }
}

/* A hung server must not hang `make bench`, and an interrupted run must
 * not leave servers or 64 MiB files behind (the files are in the working
 * directory, often the build tree): kill what we started, delete what we
 * made. */
static void on_signal(int sig)
{
    static const char alarm_msg[] = "bench_monitor: gave up after 180 s\n";
    static const char stop_msg[] = "bench_monitor: stopped by a signal\n";
    const char *msg = sig == SIGALRM ? alarm_msg : stop_msg;
    size_t len = sig == SIGALRM ? sizeof(alarm_msg) - 1 : sizeof(stop_msg) - 1;

    for (unsigned i = 0; i < 3; i++) {
        if (kids[i] > 0) {
            kill(kids[i], SIGKILL);
        }
    }
    cleanup_files();
    if (write(2, msg, len) < 0) {
        _exit(1);
    }
    _exit(1);
}

/* ---- answer checks ---------------------------------------------------- */

typedef struct Text {
    char s[256];
    size_t len;
} Text;

static bool check_equal(void *arg, const char *text, size_t len)
{
    const Text *want = arg;
    return len == want->len && memcmp(text, want->s, len) == 0;
}

static bool capture(void *arg, const char *text, size_t len)
{
    Text *t = arg;
    t->len = len < sizeof(t->s) - 1 ? len : sizeof(t->s) - 1;
    memcpy(t->s, text, t->len);
    t->s[t->len] = '\0';
    return len < sizeof(t->s);
}

/* xp /100000xg: 50,000 rows, first at RAM_BASE holding the word read
 * before (low half of the first 8-byte value), last 16 * 49,999 above. */
static bool check_xp(void *arg, const char *text, size_t len)
{
    uint32_t want = *(const uint32_t *)arg;
    char first[64], last[32];
    unsigned long rows = 0;
    const char *p = text, *end = text + len, *lastrow = text;
    unsigned long long v;

    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        rows++;
        p++;
        if (p < end) {
            lastrow = p;
        }
    }
    if (rows != XP_ROWS || len < 40) {
        fprintf(stderr, "bench_monitor: xp gave %lu rows, not %u\n", rows,
                XP_ROWS);
        return false;
    }
    snprintf(first, sizeof(first), "%016" PRIx64 ": 0x", (uint64_t)RAM_BASE);
    snprintf(last, sizeof(last), "%016" PRIx64 ": ",
             (uint64_t)RAM_BASE + 16u * (XP_ROWS - 1));
    if (strncmp(text, first, strlen(first)) != 0 ||
        strncmp(lastrow, last, strlen(last)) != 0) {
        fprintf(stderr, "bench_monitor: xp rows start at the wrong "
                        "addresses\n");
        return false;
    }
    v = strtoull(text + strlen(first), NULL, 16);
    if ((uint32_t)v != want) {
        fprintf(stderr, "bench_monitor: xp's first value 0x%llx does not "
                        "hold the word 0x%08" PRIx32 "\n", v, want);
        return false;
    }
    return true;
}

/* ---- timing ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Send cmds (n commands) at once; seconds until all n answers arrived
 * and passed chk, or -1 (message printed). */
static double timed(MonConn *c, const char *who, const char *cmds,
                    size_t len, unsigned long n, AnswerCheck chk, void *arg,
                    double timeout_s)
{
    double t0;
    bool ok;

    c->check = chk;
    c->check_arg = arg;
    c->wrong = 0;
    t0 = now_s();
    ok = conn_run(c, cmds, len, n, timeout_s);
    t0 = now_s() - t0;
    if (!ok) {
        fprintf(stderr, "bench_monitor: %s: no complete answer\n", who);
        return -1;
    }
    if (c->wrong) {
        fprintf(stderr, "bench_monitor: %s: %lu of %lu answers wrong\n", who,
                c->wrong, n);
        return -1;
    }
    return t0;
}

/* n times: send cmd, wait for its answer. */
static double timed_seq(MonConn *c, const char *who, const char *cmd,
                        unsigned long n, AnswerCheck chk, void *arg)
{
    double t0 = now_s();

    c->check = chk;
    c->check_arg = arg;
    c->wrong = 0;
    for (unsigned long i = 0; i < n; i++) {
        if (!conn_run(c, cmd, strlen(cmd), 1, 10.0)) {
            fprintf(stderr, "bench_monitor: %s: command %lu unanswered\n",
                    who, i + 1);
            return -1;
        }
    }
    t0 = now_s() - t0;
    if (c->wrong) {
        fprintf(stderr, "bench_monitor: %s: %lu of %lu answers wrong\n", who,
                c->wrong, n);
        return -1;
    }
    return t0;
}

static char *repeat(const char *cmd, unsigned long n, size_t *len)
{
    size_t l = strlen(cmd);
    char *buf = malloc(l * n + 1);

    if (!buf) {
        fprintf(stderr, "bench_monitor: out of memory\n");
        exit(1);
    }
    for (unsigned long i = 0; i < n; i++) {
        memcpy(buf + i * l, cmd, l);
    }
    buf[l * n] = '\0';
    *len = l * n;
    return buf;
}

/* 162000 -> "162,000" */
static const char *grouped(double x, char *buf, size_t size)
{
    char digits[32];
    size_t n, o = 0;

    snprintf(digits, sizeof(digits), "%.0f", x);
    n = strlen(digits);
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0) {
            buf[o++] = ',';
        }
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* ---- the peer ------------------------------------------------------------ */

typedef struct Peer {
    bool hmp, qtest;           /* connected and answering */
    pid_t hmp_pid, qtest_pid;
    MonConn h, q;
    Text version;              /* `info version` */
    Text xp_word;              /* what `xp /1xw RAM_BASE` answers */
    Text readl;                /* what qtest `readl RAM_BASE` answers */
    uint32_t word;
    const char *why;           /* why figures are missing */
} Peer;

static char *find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL, *found = NULL;

    if (strchr(name, '/')) {
        return access(name, X_OK) == 0 ? strdup(name) : NULL;
    }
    copy = strdup(path ? path : "/usr/bin:/bin");
    if (!copy) {
        return NULL;
    }
    for (dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char full[PATH_MAX];
        snprintf(full, sizeof(full), "%s/%s", *dir ? dir : ".", name);
        if (access(full, X_OK) == 0) {
            found = strdup(full);
        }
    }
    free(copy);
    return found;
}

static void show_log(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");

    if (!f) {
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        fprintf(stderr, "  | %s", line);
    }
    fclose(f);
}

static void peer_drop_hmp(Peer *p, const char *why)
{
    fprintf(stderr, "bench_monitor: QEMU's monitor: %s; its figures are "
                    "missing\n", why);
    show_log(tmpfiles[F_HMP_LOG]);
    p->hmp = false;
}

static void peer_drop_qtest(Peer *p, const char *why)
{
    fprintf(stderr, "bench_monitor: QEMU's qtest: %s; its figures are "
                    "missing\n", why);
    show_log(tmpfiles[F_QTEST_LOG]);
    p->qtest = false;
}

/* Start both QEMUs, connect, and read the word at RAM_BASE from each. */
static void peer_start(Peer *p, const char *qemu)
{
    char hmp_arg[400], qtest_arg[400];
    int fd;

    p->h.fd = p->q.fd = -1; /* nothing to close yet */
    snprintf(hmp_arg, sizeof(hmp_arg), "unix:%s,server,nowait",
             tmpfiles[F_HMP_SOCK]);
    snprintf(qtest_arg, sizeof(qtest_arg), "unix:%s,server=on,wait=off",
             tmpfiles[F_QTEST_SOCK]);

    {
        /* As QEMU ran for the monitor captures memcored is compared with */
        char *const argv[] = {
            (char *)qemu, "-M", "virt", "-S", "-nographic", "-nodefaults",
            "-display", "none", "-monitor", hmp_arg, NULL,
        };
        p->hmp_pid = kids[1] = spawn_peer(argv, tmpfiles[F_HMP_LOG]);
    }
    {
        char *const argv[] = {
            (char *)qemu, "-M", "virt", "-S", "-nographic", "-nodefaults",
            "-display", "none", "-qtest", qtest_arg, "-qtest-log",
            "/dev/null", NULL,
        };
        p->qtest_pid = kids[2] = spawn_peer(argv, tmpfiles[F_QTEST_LOG]);
    }

    if (p->hmp_pid > 0) {
        fd = connect_unix_retry(tmpfiles[F_HMP_SOCK], p->hmp_pid, 20.0);
        if (fd == -2) {
            p->hmp_pid = kids[1] = 0;
        }
        if (fd >= 0 && conn_open(&p->h, fd, "(qemu) ", true, 1, 20.0)) {
            p->hmp = true;
            p->h.check = capture;
            p->h.check_arg = &p->version;
            if (!conn_run(&p->h, "info version\n", 13, 1, 10.0)) {
                peer_drop_hmp(p, "no answer to info version");
            }
        } else {
            if (fd >= 0) {
                conn_close(&p->h);
            }
            peer_drop_hmp(p, "cannot connect");
        }
    }
    if (p->hmp) {
        unsigned word;
        char tail[8];
        p->h.check_arg = &p->xp_word;
        if (!conn_run(&p->h, "xp /1xw 0x80000000\n", 19, 1, 10.0) ||
            sscanf(p->xp_word.s, "0000000080000000: 0x%8x%7s", &word,
                   tail) != 1) {
            peer_drop_hmp(p, "unexpected answer to xp /1xw 0x80000000");
        } else {
            p->word = word;
        }
    }

    if (p->qtest_pid > 0) {
        fd = connect_unix_retry(tmpfiles[F_QTEST_SOCK], p->qtest_pid, 20.0);
        if (fd == -2) {
            p->qtest_pid = kids[2] = 0;
        }
        if (fd >= 0 && conn_open(&p->q, fd, "\n", false, 0, 20.0)) {
            unsigned long long v;
            p->qtest = true;
            p->q.check = capture;
            p->q.check_arg = &p->readl;
            if (!conn_run(&p->q, "readl 0x80000000\n", 17, 1, 10.0) ||
                sscanf(p->readl.s, "OK 0x%llx", &v) != 1) {
                peer_drop_qtest(p, "unexpected answer to readl");
            } else if (p->hmp && v != p->word) {
                /* Not our bug, but the two peers must agree. */
                fprintf(stderr, "bench_monitor: note: QEMU's qtest read "
                        "0x%llx, its monitor 0x%08" PRIx32 "\n", v, p->word);
            }
        } else {
            if (fd >= 0) {
                conn_close(&p->q);
            }
            peer_drop_qtest(p, "cannot connect");
        }
    }
    if (!p->hmp && !p->qtest) {
        p->why = "QEMU did not answer (see above)";
    }
}

static void peer_stop(Peer *p)
{
    if (p->hmp_pid > 0) {
        conn_close(&p->h);
        stop_child(p->hmp_pid);
        p->hmp_pid = kids[1] = 0;
    }
    if (p->qtest_pid > 0) {
        conn_close(&p->q);
        stop_child(p->qtest_pid);
        p->qtest_pid = kids[2] = 0;
    }
}

/* ---- the report ---------------------------------------------------------- */

static const char *met(bool ok)
{
    return ok ? "met" : "NOT met";
}

/* Seconds with four decimals; rates grouped by thousands. */
static void figure(const char *who, double v, const char *unit)
{
    char g[32];

    if (strcmp(unit, "s") == 0) {
        printf("  %-28s %12.4f s\n", who, v);
    } else {
        printf("  %-28s %12s %s\n", who, grouped(v, g, sizeof(g)), unit);
    }
}

/* The peer's figure: measured, or the issue's, labelled as such. */
static double peer_figure(const char *who, double measured, double ref,
                          const char *unit, const Peer *p)
{
    if (!isnan(measured)) {
        figure(who, measured, unit);
        return measured;
    }
    figure(who, ref, unit);
    printf("  %28s ^ reference figure from issue 3, NOT measured%s\n",
           "", p->why ? "" : " (QEMU failed, see above)");
    return ref;
}

/* ---- the measurements ---------------------------------------------------- */

static Text empty = { .len = 0 }; /* pmemsave and stq_le print nothing */

#define SAVE_BYTES ((uint64_t)PMEMSAVE_MIB << 20)
#define PAGE 4096u
#define SAVE_PAGES (SAVE_BYTES / PAGE)

/* The pattern written into memcored's RAM before its pmemsave: one 8-byte
 * marker in every 4 KiB page of the saved range, at an offset that moves
 * from page to page (8..4088, never the idle loop's first 8 bytes), so a
 * file with a page missing, doubled or shifted fails the check. */
static uint64_t marker_off(uint64_t page)
{
    return page * PAGE + 8 + (page * 8) % (PAGE - 8);
}

static uint64_t marker_val(uint64_t page)
{
    return 0x6d63000000000000ull | page << 16 | (~page & 0xffff);
}

static bool write_markers(MonConn *m)
{
    size_t per = 64, len = 0;
    char *cmds = malloc(per * SAVE_PAGES);
    bool ok;

    if (!cmds) {
        fprintf(stderr, "bench_monitor: out of memory\n");
        return false;
    }
    for (uint64_t p = 0; p < SAVE_PAGES; p++) {
        len += (size_t)snprintf(cmds + len, per, "stq_le 0x%" PRIx64
                                " 0x%" PRIx64 "\n",
                                RAM_BASE + marker_off(p), marker_val(p));
    }
    ok = timed(m, "memcored stq_le (pmemsave's pattern)", cmds, len,
               SAVE_PAGES, check_equal, &empty, 60.0) >= 0;
    free(cmds);
    return ok;
}

/* What a saved file is compared with: `xp /Nxg ADDR` (the reference read
 * of the same RAM, through the same monitor) against file[off, off+len). */
typedef struct RefCheck {
    const uint8_t *file;
    uint64_t off, len;
    const char *who;
} RefCheck;

/* Rows "%016x: 0x%016x 0x%016x", addresses from RAM_BASE + off up, two
 * little-endian 8-byte values each; every byte must match the file. */
static bool check_ref(void *arg, const char *text, size_t len)
{
    const RefCheck *rc = arg;
    const char *p = text, *end = text + len;
    uint64_t done = 0;

    while (p < end && done < rc->len) {
        char *q;
        unsigned long long addr = strtoull(p, &q, 16);

        if (q == p || *q != ':' ||
            addr != (unsigned long long)RAM_BASE + rc->off + done) {
            fprintf(stderr, "bench_monitor: %s: xp row for 0x%" PRIx64
                    " missing or out of place\n", rc->who,
                    (uint64_t)RAM_BASE + rc->off + done);
            return false;
        }
        p = q + 1;
        for (int v = 0; v < 2 && done < rc->len; v++) {
            unsigned long long val = strtoull(p, &q, 16);
            uint8_t bytes[8];

            if (q == p) {
                fprintf(stderr, "bench_monitor: %s: unreadable xp row at "
                        "0x%llx\n", rc->who, addr);
                return false;
            }
            p = q;
            for (int i = 0; i < 8; i++) {
                bytes[i] = (uint8_t)(val >> (8 * i));
            }
            if (memcmp(bytes, rc->file + rc->off + done, 8) != 0) {
                uint64_t got = 0;
                for (int i = 7; i >= 0; i--) {
                    got = got << 8 | rc->file[rc->off + done + i];
                }
                fprintf(stderr, "bench_monitor: %s: the file holds 0x%016"
                        PRIx64 " at 0x%" PRIx64 ", xp reads 0x%016llx\n",
                        rc->who, got, (uint64_t)RAM_BASE + rc->off + done,
                        val);
                return false;
            }
            done += 8;
        }
        p = memchr(p, '\n', (size_t)(end - p));
        p = p ? p + 1 : end;
    }
    if (done != rc->len) {
        fprintf(stderr, "bench_monitor: %s: xp gave %" PRIu64 " of %" PRIu64
                " bytes\n", rc->who, done, rc->len);
        return false;
    }
    return true;
}

/* The reference reads: the first 256 KiB (QEMU's firmware, memcored's
 * idle loop and first markers) and one page in every MiB, at a different
 * place in each, then the last page.  Full xp reads of 64 MiB would take
 * QEMU half a minute. */
#define REF_HEAD (256u << 10)
#define REF_PAGES (PMEMSAVE_MIB + 1)
#define REF_BYTES (REF_HEAD + REF_PAGES * PAGE)

static uint64_t ref_page_off(unsigned i)
{
    if (i == PMEMSAVE_MIB) {
        return SAVE_BYTES - PAGE;
    }
    return ((uint64_t)i << 20) + (i * 37u % 256u) * PAGE;
}

static bool is_ref_page(uint64_t page)
{
    for (unsigned i = 0; i < REF_PAGES; i++) {
        if (ref_page_off(i) == page * PAGE) {
            return true;
        }
    }
    return false;
}

/* Check the file @path that @c's pmemsave wrote: its size, every byte of
 * the reference ranges against xp through @c, and with @markers (memcored,
 * whose RAM's whole content is then known) every other byte: each page's
 * marker, zero elsewhere.  Prints why on failure.  The file is deleted
 * either way. */
static bool verify_save(MonConn *c, const char *who, const char *path,
                        bool markers)
{
    FILE *f = fopen(path, "rb");
    uint8_t *file = NULL;
    size_t got = 0;
    bool ok = false;
    char cmd[64];

    if (!f) {
        fprintf(stderr, "bench_monitor: %s: cannot open %s: %s\n", who, path,
                strerror(errno));
        goto out;
    }
    file = malloc(SAVE_BYTES + 1);
    if (!file) {
        fprintf(stderr, "bench_monitor: out of memory\n");
        goto out;
    }
    got = fread(file, 1, SAVE_BYTES + 1, f);
    if (got != SAVE_BYTES) {
        fprintf(stderr, "bench_monitor: %s: %s holds %zu%s bytes, not %"
                PRIu64 "\n", who, path, got, got > SAVE_BYTES ? "+" : "",
                SAVE_BYTES);
        goto out;
    }
    for (unsigned i = 0; i <= REF_PAGES; i++) {
        /* i == 0: the head; then the pages. */
        RefCheck rc = {
            .file = file,
            .off = i ? ref_page_off(i - 1) : 0,
            .len = i ? PAGE : REF_HEAD,
            .who = who,
        };
        size_t len = (size_t)snprintf(cmd, sizeof(cmd),
                                      "xp /%" PRIu64 "xg 0x%" PRIx64 "\n",
                                      rc.len / 8, RAM_BASE + rc.off);
        if (timed(c, who, cmd, len, 1, check_ref, &rc, 30.0) < 0) {
            goto out;
        }
    }
    if (markers) {
        for (uint64_t p = 0; p < SAVE_PAGES; p++) {
            uint64_t v = 0;
            for (int i = 7; i >= 0; i--) {
                v = v << 8 | file[marker_off(p) + i];
            }
            if (v != marker_val(p)) {
                fprintf(stderr, "bench_monitor: %s: page %" PRIu64 "'s "
                        "marker at 0x%" PRIx64 " reads 0x%016" PRIx64
                        ", not 0x%016" PRIx64 "\n", who, p,
                        (uint64_t)RAM_BASE + marker_off(p), v,
                        marker_val(p));
                goto out;
            }
            /* The rest of a page xp did not read must be zero: the
             * board's RAM starts zeroed and only its first 8 bytes (the
             * idle loop, in the head xp read) and the markers are
             * written. */
            if (p * PAGE >= REF_HEAD && !is_ref_page(p)) {
                for (uint64_t o = p * PAGE; o < (p + 1) * PAGE; o++) {
                    if (file[o] && (o < marker_off(p) ||
                                    o >= marker_off(p) + 8)) {
                        fprintf(stderr, "bench_monitor: %s: byte 0x%02x at "
                                "0x%" PRIx64 ", where memcored's RAM holds "
                                "zero\n", who, file[o],
                                (uint64_t)RAM_BASE + o);
                        goto out;
                    }
                }
            }
        }
    }
    ok = true;
out:
    if (f) {
        fclose(f);
    }
    free(file);
    unlink(path);
    return ok;
}

/* pmemsave of 64 MiB into a new file (the previous one deleted first,
 * untimed): 5 times each, taking turns; MiB/s of the median time into *mr
 * and *qr (NAN without the peer).  The last file of each is kept for
 * verify_save().  False if memcored's answer was missing or not empty. */
static bool bench_pmemsave(MonConn *m, Peer *peer, double *mr, double *qr)
{
    char mcmd[PATH_MAX + 64], qcmd[PATH_MAX + 64];
    double mt[5], qt[5];
    size_t mlen = (size_t)snprintf(mcmd, sizeof(mcmd),
                                   "pmemsave 0x%x 0x%x \"%s\"\n", RAM_BASE,
                                   PMEMSAVE_MIB << 20, savefiles[S_MEMCORED]);
    size_t qlen = (size_t)snprintf(qcmd, sizeof(qcmd),
                                   "pmemsave 0x%x 0x%x \"%s\"\n", RAM_BASE,
                                   PMEMSAVE_MIB << 20, savefiles[S_QEMU]);

    for (unsigned r = 0; r < 5; r++) {
        unlink(savefiles[S_MEMCORED]);
        mt[r] = timed(m, "memcored pmemsave", mcmd, mlen, 1, check_equal,
                      &empty, 30.0);
        if (mt[r] < 0) {
            return false;
        }
        if (peer->hmp) {
            unlink(savefiles[S_QEMU]);
            qt[r] = timed(&peer->h, "QEMU pmemsave", qcmd, qlen, 1,
                          check_equal, &empty, 30.0);
            if (qt[r] < 0) {
                peer_drop_hmp(peer, "pmemsave failed");
            }
        }
    }
    *mr = PMEMSAVE_MIB / median(mt, 5);
    *qr = peer->hmp ? PMEMSAVE_MIB / median(qt, 5) : NAN;
    return true;
}

static bool report_pmemsave(MonConn *m, Peer *peer)
{
    double mr, qr, ref;
    char g1[32], g2[32], g3[32];

    if (!write_markers(m) || !bench_pmemsave(m, peer, &mr, &qr)) {
        return false;
    }
    if (!verify_save(m, "memcored's pmemsave file", savefiles[S_MEMCORED],
                     true)) {
        return false;
    }
    if (peer->hmp && !verify_save(&peer->h, "QEMU's pmemsave file",
                                  savefiles[S_QEMU], false)) {
        peer_drop_hmp(peer, "its pmemsave file does not hold its RAM");
        qr = NAN;
    }
    printf("pmemsave 0x80000000 64 MiB into a new file in %s\n"
           "(median of 5; into the page cache, no fsync)\n", savedir);
    figure("memcored", mr, "MiB/s");
    ref = peer_figure("QEMU 7.2", qr, REF_PMEMSAVE_MIBS, "MiB/s", peer);
    if (isnan(qr)) {
        printf("  %28s   (issue 3 saved to /dev/null, not to a file)\n", "");
    }
    printf("  memcored/QEMU rate %.2fx   goal >= 1x (QEMU's rate): %s\n",
           mr / ref, met(mr >= ref));
    printf("  each file checked, then deleted: %s bytes, equal to xp over "
           "%s KiB\n  (the first 256 KiB and a page in every MiB); "
           "memcored's, in full, to the\n  marker stq_le wrote into each of "
           "its %s pages and zero elsewhere\n",
           grouped((double)SAVE_BYTES, g1, sizeof(g1)),
           grouped(REF_BYTES / 1024.0, g2, sizeof(g2)),
           grouped((double)SAVE_PAGES, g3, sizeof(g3)));
    printf("\n");
    return true;
}

/* xp /100000xg: 50,000 rows; time until the last one has arrived. */
static bool report_xp(MonConn *m, Peer *peer, uint32_t *mword)
{
    static const char cmd[] = "xp /100000xg 0x80000000\n";
    double mt[3], qt[3], mx, ref;

    for (unsigned r = 0; r < 3; r++) {
        mt[r] = timed(m, "memcored xp /100000xg", cmd, sizeof(cmd) - 1, 1,
                      check_xp, mword, 30.0);
        if (mt[r] < 0) {
            return false;
        }
        if (peer->hmp) {
            qt[r] = timed(&peer->h, "QEMU xp /100000xg", cmd, sizeof(cmd) - 1,
                          1, check_xp, &peer->word, 30.0);
            if (qt[r] < 0) {
                peer_drop_hmp(peer, "xp /100000xg failed");
            }
        }
    }
    mx = median(mt, 3);
    printf("xp /100000xg 0x80000000, until the whole output has arrived "
           "(median of 3)\n");
    figure("memcored", mx, "s");
    ref = peer_figure("QEMU 7.2", peer->hmp ? median(qt, 3) : NAN, REF_XP_S,
                      "s", peer);
    printf("  memcored/QEMU time %.3fx   goal <= 0.5x (half QEMU's time): "
           "%s\n\n", mx / ref, met(mx <= ref / 2));
    return true;
}

/* Pipelined loads: all sent at once, every answer counted and checked.
 * The peer is QEMU's qtest protocol (`readl`), the one QEMU interface
 * that can be pipelined. */
static bool report_pipelined(MonConn *m, Peer *peer, Text *ldl)
{
    double mt1[5], mt2[3], qt1[5], qt2[3], m1, m2;
    size_t len, qlen;
    char *cmds = repeat("ldl_le 0x80000000\n", 100000, &len);
    char *qcmds = repeat("readl 0x80000000\n", 100000, &qlen);
    char g[32];
    bool ok = true;

    for (unsigned r = 0; r < 8 && ok; r++) {
        /* Five runs of 1,000, then three of 100,000. */
        unsigned long n = r < 5 ? 1000 : 100000;
        double *mt = r < 5 ? &mt1[r] : &mt2[r - 5];
        double *qt = r < 5 ? &qt1[r] : &qt2[r - 5];

        *mt = timed(m, r < 5 ? "memcored 1,000 pipelined ldl_le"
                             : "memcored 100,000 pipelined ldl_le",
                    cmds, len / 100000 * n, n, check_equal, ldl, 60.0);
        ok = *mt >= 0;
        if (ok && peer->qtest) {
            *qt = timed(&peer->q, "QEMU qtest pipelined readl", qcmds,
                        qlen / 100000 * n, n, check_equal, &peer->readl,
                        60.0);
            if (*qt < 0) {
                peer_drop_qtest(peer, "pipelined readl failed");
            }
        }
    }
    free(cmds);
    free(qcmds);
    if (!ok) {
        return false;
    }
    m1 = median(mt1, 5);
    m2 = median(mt2, 3);
    printf("ldl_le 0x80000000 pipelined on one socket, every answer "
           "counted and checked\n(median of 5 runs of 1,000 and 3 of "
           "100,000; the time is for the whole run)\n");
    printf("  %-28s %12.4f s %12s /s\n", "memcored     1,000 ldl_le", m1,
           grouped(1000 / m1, g, sizeof(g)));
    printf("  %-28s %12.4f s %12s /s\n", "memcored   100,000 ldl_le", m2,
           grouped(100000 / m2, g, sizeof(g)));
    if (peer->qtest) {
        double q1 = median(qt1, 5), q2 = median(qt2, 3);
        printf("  %-28s %12.4f s %12s /s\n", "QEMU qtest   1,000 readl", q1,
               grouped(1000 / q1, g, sizeof(g)));
        printf("  %-28s %12.4f s %12s /s\n", "QEMU qtest 100,000 readl", q2,
               grouped(100000 / q2, g, sizeof(g)));
        printf("  memcored/qtest rate (100,000) %.2fx\n", q2 / m2);
    }
    printf("  %-28s %12s   %12s /s   reference figure from issue 3\n",
           "QEMU qtest (issue 3)", "",
           grouped(REF_QTEST_PER_S, g, sizeof(g)));
    printf("  goal: 100,000 pipelined at > %s/s: %s\n\n",
           grouped(REF_QTEST_PER_S, g, sizeof(g)),
           met(100000 / m2 > REF_QTEST_PER_S));
    return true;
}

/* One round trip per command.  QEMU has no ldl_le, so its figure is
 * xp /1xw, on which memcored is timed too. */
static bool report_sequential(MonConn *m, Peer *peer, Text *ldl, Text *xpw)
{
    static const char ldl_cmd[] = "ldl_le 0x80000000\n";
    static const char xp_cmd[] = "xp /1xw 0x80000000\n";
    double a[3], b[3], c[3], ma, mb, ref;

    for (unsigned r = 0; r < 3; r++) {
        a[r] = timed_seq(m, "memcored sequential ldl_le", ldl_cmd, SEQ_COUNT,
                         check_equal, ldl);
        b[r] = a[r] < 0 ? -1 :
               timed_seq(m, "memcored sequential xp /1xw", xp_cmd, SEQ_COUNT,
                         check_equal, xpw);
        if (b[r] < 0) {
            return false;
        }
        if (peer->hmp) {
            c[r] = timed_seq(&peer->h, "QEMU sequential xp /1xw", xp_cmd,
                             SEQ_COUNT, check_equal, &peer->xp_word);
            if (c[r] < 0) {
                peer_drop_hmp(peer, "sequential xp failed");
            }
        }
    }
    ma = median(a, 3);
    mb = median(b, 3);
    printf("1,000 sequential commands, each answer awaited before the next "
           "(median of 3)\n");
    figure("memcored ldl_le", ma, "s");
    figure("memcored xp /1xw", mb, "s");
    ref = peer_figure("QEMU 7.2 xp /1xw", peer->hmp ? median(c, 3) : NAN,
                      REF_SEQ_S, "s", peer);
    printf("  memcored/QEMU time (xp /1xw) %.3fx   (no goal)\n", mb / ref);
    return true;
}

static const char *memcored_path(int argc, char **argv)
{
    static char buf[PATH_MAX];
    const char *env = getenv("MEMCORED");
    ssize_t n;

    if (argc > 1) {
        return argv[1];
    }
    if (env && *env) {
        return env;
    }
    /* <builddir>/tests/bench/bench_monitor -> <builddir>/server/memcored */
    n = readlink("/proc/self/exe", buf, sizeof(buf) - 32);
    if (n <= 0) {
        return "server/memcored";
    }
    buf[n] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(buf, '/');
        if (!slash) {
            return "server/memcored";
        }
        *slash = '\0';
    }
    strcat(buf, "/server/memcored");
    return buf;
}

int main(int argc, char **argv)
{
    const char *mpath = memcored_path(argc, argv);
    const char *qname = getenv("QEMU_RISCV64");
    char *qemu = find_in_path(qname && *qname ? qname : "qemu-system-riscv64");
    Peer peer = { .h.fd = -1, .q.fd = -1 };
    MonConn m = { .fd = -1 };
    Text ldl = { .len = 0 }, xpw = { .len = 0 };
    uint32_t mword;
    int port, mout, fd, status;
    pid_t mpid;
    bool broken = false;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    alarm(180);
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (!make_tmpdir() || !make_savedir()) {
        cleanup_files();
        free(qemu);
        return 1;
    }
    mpid = kids[0] = spawn_memcored(mpath, &port, &mout);
    if (mpid < 0) {
        fprintf(stderr, "bench_monitor: cannot start %s (build it with "
                        "`make server/memcored`)\n", mpath);
        cleanup_files();
        free(qemu);
        return 1;
    }
    fd = connect_tcp(port);
    if (fd < 0 || !conn_open(&m, fd, "(memcored) ", false, 1, 20.0)) {
        fprintf(stderr, "bench_monitor: no prompt from memcored\n");
        broken = true;
        goto out;
    }

    /* The word the idle loop left at RAM_BASE: every load must return it,
     * and xp must show it too. */
    m.check = capture;
    m.check_arg = &ldl;
    if (!conn_run(&m, "ldl_le 0x80000000\n", 18, 1, 10.0) ||
        sscanf(ldl.s, "0x%" SCNx32, &mword) != 1 || mword == 0) {
        fprintf(stderr, "bench_monitor: ldl_le 0x80000000 answered \"%s\", "
                        "not the idle loop's first word\n", ldl.s);
        broken = true;
        goto out;
    }
    xpw.len = (size_t)snprintf(xpw.s, sizeof(xpw.s),
                               "%016" PRIx64 ": 0x%08" PRIx32 "\n",
                               (uint64_t)RAM_BASE, mword);

    if (qemu) {
        peer_start(&peer, qemu);
    } else {
        peer.why = "qemu-system-riscv64 not found: apt-get install "
                   "qemu-system-misc, or set QEMU_RISCV64";
    }

    printf("memcored: %s --monitor tcp:127.0.0.1:0 --gdb none --http none "
           "(board virt)\n", mpath);
    if (peer.hmp || peer.qtest) {
        printf("peer:     %s -M virt -S -nographic -nodefaults -display none"
               ",\n          HMP monitor and (second process) qtest on unix "
               "sockets; info version: %.*s\n", qemu,
               (int)strcspn(peer.version.s, "\r\n"), peer.version.s);
        if (peer.hmp && strncmp(peer.version.s, "7.2", 3) != 0) {
            printf("          (not QEMU 7.2: the issue's goals assume 7.2)\n");
        }
    } else {
        printf("peer:     none (%s)\n", peer.why);
    }
    printf("word at 0x80000000: memcored 0x%08" PRIx32 " (ldl_le)", mword);
    if (peer.hmp) {
        printf(", QEMU 0x%08" PRIx32 " (xp /1xw; QEMU's firmware)",
               peer.word);
    }
    printf("\n\n");

    broken = !report_pmemsave(&m, &peer) || !report_xp(&m, &peer, &mword) ||
             !report_pipelined(&m, &peer, &ldl) ||
             !report_sequential(&m, &peer, &ldl, &xpw);

out:
    /* quit, as a user would; SIGTERM only if that fails. */
    if (m.fd >= 0 && conn_quit(&m, 10.0)) {
        status = wait_child(mpid);
    } else {
        status = stop_child(mpid);
    }
    kids[0] = 0;
    conn_close(&m);
    close(mout);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_monitor: memcored did not exit 0 (wait "
                        "status %d)\n", status);
        broken = true;
    }
    peer_stop(&peer);
    cleanup_files();
    free(qemu);
    return broken ? 1 : 0;
}
