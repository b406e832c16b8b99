/*
 * tests/bench/bench_gdb_dump.c — gdb-multiarch's `dump binary memory` of
 * 64 MiB from memcored's gdb stub, beside QEMU 7.2's stub measured in
 * the same run.  Goal: memcored at least 10x QEMU's MiB/s.
 *
 *   memcored --gdb tcp:127.0.0.1:0 (virt board), RAM at 0x80000000
 *   qemu-system-x86_64 -M pc -m 256M -S -gdb tcp:127.0.0.1:PORT
 *       -display none, RAM at 0x1000000 (above the legacy holes)
 *
 * Two contents, the same for both servers:
 *   fresh    RAM as the machine starts (zero);
 *   random   64 MiB of random bytes loaded at start (memcored --kernel,
 *            QEMU -device loader), so nothing compresses.
 *
 * Only the dump is timed: gdb runs `shell date +%s%N` right before and
 * right after it, so gdb's start-up and the connection are left out.
 * Each figure is the median of 3 runs.  Every dump is checked (size, and
 * the random one against the file loaded).  QEMU's port is found by
 * binding port 0 and closing it; gdb retries the connection until QEMU
 * listens (its tcp auto-retry).
 *
 * Usage: bench_gdb_dump [PATH-TO-MEMCORED]; default $MEMCORED, else
 * server/memcored beside this program's build tree.  $QEMU_X86_64 names
 * another QEMU.  Without qemu-system-x86_64 (Debian: qemu-system-x86)
 * only memcored's figures are printed.  Exit 1 only when something is
 * broken (a dump missing or wrong, a server that does not start).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gdb_ceiling.h"

#define DUMP_BYTES (64u << 20)
#define REPS 3

static pid_t kids[3]; /* memcored, QEMU, the stand-in stub */
static char tmpdir[PATH_MAX];

static void rmtmp(void)
{
    static const char *const names[] = { "rand.bin", "dump.bin", "gdb.out",
                                         "server.out" };
    char p[PATH_MAX + 32];

    if (!tmpdir[0]) {
        return;
    }
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
}

static void kill_kids(void)
{
    for (unsigned i = 0; i < 3; i++) {
        if (kids[i] > 0) {
            kill(kids[i], SIGKILL);
            waitpid(kids[i], NULL, 0);
            kids[i] = 0;
        }
    }
}

static void on_signal(int sig)
{
    (void)sig;
    for (unsigned i = 0; i < 3; i++) {
        if (kids[i] > 0) {
            kill(kids[i], SIGKILL);
        }
    }
    _exit(1);
}

static void path(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", tmpdir, name);
}

/* Start @argv with stdout into @out; returns the pid. */
static pid_t spawn(char *const argv[], const char *out)
{
    pid_t pid = fork();

    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = open("/dev/null", O_RDWR);

        if (fd < 0 || null < 0) {
            _exit(127);
        }
        dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Start memcored with @argv, its stdout on a pipe, and read lines until
 * "gdb: listening on ADDR" (printed once it listens). */
static bool start_memcored(char *const argv[], char *addr, size_t len)
{
    int pfd[2];
    FILE *f;
    char line[256];
    bool ok = false;

    if (pipe(pfd) != 0) {
        return false;
    }
    kids[0] = fork();
    if (kids[0] == 0) {
        int null = open("/dev/null", O_RDWR);

        dup2(null, 0);
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pfd[1]);
    f = fdopen(pfd[0], "r");
    while (f && fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "gdb: listening on ", 18)) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(addr, len, "%s", line + 18);
            ok = true;
            break;
        }
    }
    if (f) {
        fclose(f);  /* memcored ignores SIGPIPE; it prints nothing more */
    } else {
        close(pfd[0]);
    }
    return kids[0] > 0 && ok;
}

static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(s, (struct sockaddr *)&a, &alen) == 0) {
        port = ntohs(a.sin_port);
    }
    if (s >= 0) {
        close(s);
    }
    return port;
}

/* One gdb dump of DUMP_BYTES at @start from @addr into dump.bin; the
 * seconds it took, or -1.  @arch: a gdb architecture for a stub that sends
 * no target description, or NULL. */
static double gdb_dump(const char *addr, unsigned long long start,
                       const char *arch)
{
    char target[300], dump[PATH_MAX + 128], out[PATH_MAX + 32];
    char file[PATH_MAX + 32], setarch[96];
    char line[256];
    long long t[2] = { 0, 0 };
    int nt = 0, status;
    FILE *f;
    pid_t pid;

    path(out, sizeof(out), "gdb.out");
    path(file, sizeof(file), "dump.bin");
    unlink(file);
    snprintf(target, sizeof(target), "target remote %s", addr);
    snprintf(setarch, sizeof(setarch), "set architecture %s",
             arch ? arch : "auto");
    snprintf(dump, sizeof(dump), "dump binary memory %s 0x%llx 0x%llx", file,
             start, start + DUMP_BYTES);
    {
        char *argv[] = { "gdb-multiarch", "-batch", "-nx",
                         "-ex", "set tcp connect-timeout 30",
                         "-ex", setarch,
                         "-ex", target,
                         "-ex", "shell date +@T%s%N",
                         "-ex", dump,
                         "-ex", "shell date +@T%s%N",
                         "-ex", "detach", NULL };

        pid = spawn(argv, out);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_gdb_dump: gdb failed on %s (see %s)\n", addr,
                out);
        return -1;
    }
    f = fopen(out, "r");
    while (f && fgets(line, sizeof(line), f)) {
        if (line[0] == '@' && line[1] == 'T' && nt < 2) {
            t[nt++] = atoll(line + 2);
        }
    }
    if (f) {
        fclose(f);
    }
    {
        struct stat st;

        if (nt != 2 || stat(file, &st) != 0 || st.st_size != DUMP_BYTES) {
            fprintf(stderr, "bench_gdb_dump: the dump from %s is missing or "
                    "short\n", addr);
            return -1;
        }
    }
    return (double)(t[1] - t[0]) / 1e9;
}

static bool same_as_random(void)
{
    char a[PATH_MAX + 32], b[PATH_MAX + 32];
    FILE *fa, *fb;
    static unsigned char ba[1 << 16], bb[1 << 16];
    bool ok = true;

    path(a, sizeof(a), "rand.bin");
    path(b, sizeof(b), "dump.bin");
    fa = fopen(a, "rb");
    fb = fopen(b, "rb");
    while (ok && fa && fb) {
        size_t na = fread(ba, 1, sizeof(ba), fa);
        size_t nb = fread(bb, 1, sizeof(bb), fb);

        ok = na == nb && memcmp(ba, bb, na) == 0;
        if (na == 0) {
            break;
        }
    }
    ok = ok && fa && fb;
    if (fa) {
        fclose(fa);
    }
    if (fb) {
        fclose(fb);
    }
    return ok;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median seconds of REPS dumps from @addr; checks random content. */
static double measure(const char *addr, unsigned long long start,
                      bool random_content, const char *arch)
{
    double t[REPS];

    for (int i = 0; i < REPS; i++) {
        t[i] = gdb_dump(addr, start, arch);
        if (t[i] < 0) {
            return -1;
        }
        if (random_content && !same_as_random()) {
            fprintf(stderr, "bench_gdb_dump: %s dumped other bytes than "
                    "were loaded\n", addr);
            return -1;
        }
    }
    qsort(t, REPS, sizeof(t[0]), cmp_double);
    return t[REPS / 2];
}

static bool have(const char *prog)
{
    char cmd[PATH_MAX + 64];

    snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

static bool make_random(void)
{
    char p[PATH_MAX + 32];
    int in = open("/dev/urandom", O_RDONLY), out;
    static unsigned char buf[1 << 16];
    bool ok = in >= 0;

    path(p, sizeof(p), "rand.bin");
    out = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (unsigned done = 0; ok && out >= 0 && done < DUMP_BYTES;
         done += sizeof(buf)) {
        ok = read(in, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
             write(out, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
    }
    ok = ok && out >= 0;
    if (in >= 0) {
        close(in);
    }
    if (out >= 0) {
        close(out);
    }
    return ok;
}

/* memcored, gdb against a stub that costs nothing, QEMU (<= 0: not
 * measured). */
static void report(const char *what, const double t[3])
{
    double mib = DUMP_BYTES / (1024.0 * 1024.0);

    printf("  %-7s memcored %7.3f s %7.1f MiB/s", what, t[0], mib / t[0]);
    if (t[2] > 0) {
        printf(" | gdb alone %7.1f MiB/s (memcored at %3.0f%%)", mib / t[2],
               100.0 * t[2] / t[0]);
    }
    if (t[1] > 0) {
        printf(" | QEMU 7.2 %7.3f s %6.1f MiB/s | memcored/QEMU %5.1fx %s\n",
               t[1], mib / t[1], t[1] / t[0],
               t[1] / t[0] >= 10.0 ? "(goal >= 10x: met)"
                                   : "(goal >= 10x: NOT met)");
    } else {
        printf(" | QEMU: not measured\n");
    }
}

/* The benchmark's contents in memory: zeros, or the random file. */
static uint8_t *load_content(bool random_content)
{
    uint8_t *m = calloc(1, DUMP_BYTES);
    char p[PATH_MAX + 32];
    FILE *f;
    bool ok;

    if (!m || !random_content) {
        return m;
    }
    path(p, sizeof(p), "rand.bin");
    f = fopen(p, "rb");
    ok = f && fread(m, 1, DUMP_BYTES, f) == DUMP_BYTES;
    if (f) {
        fclose(f);
    }
    if (!ok) {
        free(m);
        return NULL;
    }
    return m;
}

int main(int argc, char **argv)
{
    const char *memcored = argc > 1 ? argv[1] : getenv("MEMCORED");
    const char *qemu = getenv("QEMU_X86_64");
    char self[PATH_MAX], def[PATH_MAX + 32];
    char sout[PATH_MAX + 32], randfile[PATH_MAX + 32];
    double res[2][3] = { { -1, -1, -1 }, { -1, -1, -1 } };
    /* [content][memcored, QEMU, stand-in] */
    bool with_qemu;

    signal(SIGALRM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    alarm(300);
    if (!memcored) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash;

        self[n > 0 ? n : 0] = '\0';
        slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
        }
        snprintf(def, sizeof(def), "%s/../../server/memcored", self);
        memcored = def;
    }
    if (!qemu) {
        qemu = "qemu-system-x86_64";
    }
    if (!have("gdb-multiarch")) {
        fprintf(stderr, "bench_gdb_dump: gdb-multiarch not found (Debian: "
                "gdb-multiarch)\n");
        return 1;
    }
    with_qemu = have(qemu);
    snprintf(tmpdir, sizeof(tmpdir), "%s/bench_gdb_dump.XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
                                                   : "/tmp");
    if (!mkdtemp(tmpdir) || !make_random()) {
        perror("bench_gdb_dump: temporary files");
        return 1;
    }
    atexit(rmtmp);
    path(sout, sizeof(sout), "server.out");
    path(randfile, sizeof(randfile), "rand.bin");

    printf("bench_gdb_dump: gdb-multiarch `dump binary memory` of 64 MiB "
           "(median of %d)\n", REPS);
    for (int content = 0; content < 2; content++) {
        char addr[300];

        /* memcored */
        {
            char *args_fresh[] = { (char *)memcored, "--gdb",
                                   "tcp:127.0.0.1:0", "--monitor", "none",
                                   "--http", "none", "-S", NULL };
            char *args_rand[] = { (char *)memcored, "--gdb",
                                  "tcp:127.0.0.1:0", "--monitor", "none",
                                  "--http", "none", "-S", "--kernel",
                                  randfile, NULL };

            if (!start_memcored(content ? args_rand : args_fresh, addr,
                                sizeof(addr))) {
                fprintf(stderr, "bench_gdb_dump: memcored did not start\n");
                kill_kids();
                return 1;
            }
            res[content][0] = measure(addr, 0x80000000ull, content == 1, NULL);
            kill_kids();
            if (res[content][0] < 0) {
                return 1;
            }
        }
        /* gdb alone: the stand-in stub with every reply ready */
        {
            uint8_t *mem = load_content(content == 1);

            if (mem) {
                kids[2] = gdb_ceiling_start(mem, DUMP_BYTES, 0x80000000ull,
                                            addr, sizeof(addr));
            }
            if (!mem || kids[2] <= 0) {
                free(mem);
                fprintf(stderr, "bench_gdb_dump: the stand-in stub did not "
                        "start\n");
                kill_kids();
                return 1;
            }
            free(mem);  /* the child has its copy */
            res[content][2] = measure(addr, 0x80000000ull, content == 1,
                                      "riscv:rv64");
            kill_kids();
            if (res[content][2] < 0) {
                return 1;
            }
        }
        /* QEMU */
        if (with_qemu) {
            int port = free_port();
            char gdbspec[64], loader[PATH_MAX + 96];
            char *args_fresh[] = { (char *)qemu, "-M", "pc", "-m", "256M",
                                   "-S", "-gdb", gdbspec, "-display", "none",
                                   NULL };
            char *args_rand[] = { (char *)qemu, "-M", "pc", "-m", "256M",
                                  "-S", "-gdb", gdbspec, "-display", "none",
                                  "-device", loader, NULL };

            snprintf(gdbspec, sizeof(gdbspec), "tcp:127.0.0.1:%d", port);
            snprintf(loader, sizeof(loader),
                     "loader,file=%s,addr=0x1000000,force-raw=on", randfile);
            snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
            kids[1] = spawn(content ? args_rand : args_fresh, sout);
            res[content][1] = measure(addr, 0x1000000ull, content == 1, NULL);
            kill_kids();
            if (res[content][1] < 0) {
                fprintf(stderr, "bench_gdb_dump: QEMU's figure is missing "
                        "(see above)\n");
            }
        }
    }
    report("fresh", res[0]);
    report("random", res[1]);
    if (!with_qemu) {
        printf("  (install qemu-system-x86 to measure QEMU 7.2 beside it)\n");
    }
    return 0;
}
