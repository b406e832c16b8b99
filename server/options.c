/*
 * server/options.c — memcored's command line, parsed with getopt_long.
 *
 * Only syntax is checked here; main.c decides what the values mean (which
 * board, whether an address is acceptable), so that every message about
 * a value comes from the code that uses it.
 */
#include "options.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

enum {
    OPT_BOARD = 256,
    OPT_PRINT_BOARD,
    OPT_MONITOR,
    OPT_ALLOW_REMOTE_MONITOR,
    OPT_GDB,
    OPT_ALLOW_REMOTE_GDB,
    OPT_HTTP,
    OPT_HTTP_TOKEN,
    OPT_HTTP_MAX_READ,
    OPT_HTTP_MAX_WRITE,
    OPT_HTTP_MAX_CONNS,
    OPT_READ_ONLY,
    OPT_DUMP_DIR,
    OPT_KERNEL,
    OPT_SERIAL,
    OPT_EXEC,
    OPT_HELP,
    OPT_VERSION,
};

/* Short options; ':' first so that a missing argument is told apart. */
static const char short_options[] = ":sS";

static const struct option long_options[] = {
    { "board", required_argument, NULL, OPT_BOARD },
    { "print-board", required_argument, NULL, OPT_PRINT_BOARD },
    { "monitor", required_argument, NULL, OPT_MONITOR },
    { "allow-remote-monitor", no_argument, NULL, OPT_ALLOW_REMOTE_MONITOR },
    { "gdb", required_argument, NULL, OPT_GDB },
    { "allow-remote-gdb", no_argument, NULL, OPT_ALLOW_REMOTE_GDB },
    { "http", required_argument, NULL, OPT_HTTP },
    { "http-token", required_argument, NULL, OPT_HTTP_TOKEN },
    { "http-max-read", required_argument, NULL, OPT_HTTP_MAX_READ },
    { "http-max-write", required_argument, NULL, OPT_HTTP_MAX_WRITE },
    { "http-max-conns", required_argument, NULL, OPT_HTTP_MAX_CONNS },
    { "read-only", no_argument, NULL, OPT_READ_ONLY },
    { "dump-dir", required_argument, NULL, OPT_DUMP_DIR },
    { "kernel", required_argument, NULL, OPT_KERNEL },
    { "serial", required_argument, NULL, OPT_SERIAL },
    { "exec", required_argument, NULL, OPT_EXEC },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 },
};

void options_list(FILE *f)
{
    for (const char *c = short_options; *c; c++) {
        if (*c != ':') {
            fprintf(f, "-%c\n", *c);
        }
    }
    for (const struct option *o = long_options; o->name; o++) {
        fprintf(f, "--%s\n", o->name);
    }
}

void options_usage(FILE *f)
{
    fputs(
"Usage: memcored [OPTION]...\n"
"Build a guest machine from a board description and serve its memory to\n"
"a monitor prompt, gdb and HTTP clients.\n"
"\n"
"Machine:\n"
"  --board FILE|NAME      build the machine from the JSON board FILE, or the\n"
"                         built-in board NAME (virt, pc); default: virt\n"
"  --print-board NAME     print the built-in board NAME as JSON and exit\n"
"  --kernel FILE          load FILE (ELF, or a raw image put at the start of\n"
"                         RAM) into the CPU's address space; on virt the\n"
"                         boot ROM at 0x1000 jumps to its entry point\n"
"  -S                     start the guest stopped\n"
"  --serial stdio|none    also copy what the guest sends to its UARTs to\n"
"                         standard output (default: none; `info uart`\n"
"                         shows it either way)\n"
"  --read-only            refuse every write from every front-end: guest\n"
"                         memory, the memory map, registers, host files\n"
"  --dump-dir DIR         the directory where network clients (gdb's\n"
"                         `monitor`, HTTP) may create memsave/pmemsave\n"
"                         files, by plain name (letters, digits, '.', '_',\n"
"                         '-'), never replacing one; without it those\n"
"                         commands are refused to them\n"
"\n"
"Front-ends:\n"
"  --monitor stdio|tcp:HOST:PORT|unix:PATH|none\n"
"                         where the monitor prompt runs; default: stdio when\n"
"                         standard input is a terminal, else none; an\n"
"                         empty HOST is 127.0.0.1, a unix socket is made\n"
"                         owner-only (0600)\n"
"  --allow-remote-monitor let --monitor listen on an address other than\n"
"                         loopback: anyone who can reach it can read and\n"
"                         write guest memory and the host's files, with\n"
"                         no password (refused without this option)\n"
"  --gdb tcp:HOST:PORT|none\n"
"                         where the gdb stub listens\n"
"  --allow-remote-gdb     let --gdb listen on an address other than\n"
"                         loopback: anyone who can reach it can read and\n"
"                         write guest memory, with no password (refused\n"
"                         without this option)\n"
"  -s                     same as --gdb tcp:127.0.0.1:1234\n"
"  --http HOST:PORT|none  where the REST endpoint and the web page listen;\n"
"                         default: 127.0.0.1:8080 (when that port is busy,\n"
"                         memcored says so and runs without HTTP)\n"
"  --http-token TOKEN     require \"Authorization: Bearer TOKEN\" on every\n"
"                         /api/ request (needed to listen on an address\n"
"                         other than loopback)\n"
"  --http-max-read SIZE   largest memory read one HTTP request may send\n"
"                         (default 64M; K, M, G suffixes)\n"
"  --http-max-write SIZE  largest memory write one HTTP request may carry\n"
"                         (default 64M)\n"
"  --http-max-conns N     HTTP connections one client address may hold at\n"
"                         once (default 64)\n"
"  --exec CMD             run the monitor command CMD once the machine is\n"
"                         built, print its output and exit (repeatable; no\n"
"                         front-end is started); exit status 1 when a\n"
"                         command failed\n"
"\n"
"  --help                 display this help and exit\n"
"  --version              output version information and exit\n"
"\n"
"Port 0 picks a free port.  Every front-end that listens prints one line\n"
"such as \"monitor: listening on 127.0.0.1:40231\" (the monitor's first, then\n"
"gdb's, then http's).  gdb serves one client at a time; its threads are the\n"
"board's harts (a board without \"cpus\" shows one thread that never runs).\n"
"The REST API is under /api/v1 (GET /api/v1/openapi.json describes it), the\n"
"web page at /.  HTTP refuses requests whose Host is not its address or\n"
"localhost, and writes from another web origin.\n"
"\n"
"Exit status:\n"
"  0  clean shutdown (quit, SIGINT, SIGTERM, guest power-off)\n"
"  N  the guest failed through sifive-test with code N (0xN3333)\n"
"  1  a --exec command failed, or a run-time error\n"
"  2  bad command line or bad board\n"
"\n"
"Examples:\n"
"  memcored                           virt board, monitor on the terminal\n"
"  memcored --board pc --exec 'info mtree -f'\n"
"  memcored --print-board virt > my.json; memcored --board my.json\n"
"  memcored --monitor tcp:127.0.0.1:0 --read-only\n"
"  memcored --http 127.0.0.1:0 --http-token \"$(openssl rand -hex 16)\"\n",
        f);
}

/* A token travels in an Authorization header: printable, no spaces. */
static bool token_ok(const char *t)
{
    size_t n = strlen(t);

    if (n == 0 || n > 1023) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i] <= ' ' || t[i] > '~') {
            return false;
        }
    }
    return true;
}

static int push_exec(Options *o, const char *cmd)
{
    const char **n = realloc(o->exec, (o->nexec + 1) * sizeof(*n));

    if (!n) {
        return -1;
    }
    o->exec = n;
    o->exec[o->nexec++] = cmd;
    return 0;
}

int options_parse(int argc, char **argv, Options *o, FILE *err)
{
    int c;

    memset(o, 0, sizeof(*o));
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        switch (c) {
        case OPT_BOARD: o->board = optarg; break;
        case OPT_PRINT_BOARD: o->print_board = optarg; break;
        case OPT_MONITOR: o->monitor = optarg; break;
        case OPT_ALLOW_REMOTE_MONITOR: o->allow_remote_monitor = true; break;
        case OPT_GDB: o->gdb = optarg; break;
        case OPT_ALLOW_REMOTE_GDB: o->allow_remote_gdb = true; break;
        case 's': o->gdb = "tcp:127.0.0.1:1234"; break;
        case OPT_HTTP: o->http = optarg; break;
        case OPT_HTTP_TOKEN:
            if (!token_ok(optarg)) {
                fprintf(err, "memcored: --http-token: 1 to 1023 printable "
                        "characters, no spaces\n");
                return 2;
            }
            o->http_token = optarg;
            break;
        case OPT_HTTP_MAX_READ:
        case OPT_HTTP_MAX_WRITE: {
            u128 v;
            if (num_parse_string(optarg, &v) != 0 || v == 0 ||
                v > UINT64_MAX) {
                fprintf(err, "memcored: %s %s (expected a size such as "
                        "65536, 0x10000 or 64M, at least 1)\n",
                        c == OPT_HTTP_MAX_READ ? "--http-max-read"
                                               : "--http-max-write", optarg);
                return 2;
            }
            *(c == OPT_HTTP_MAX_READ ? &o->http_max_read
                                     : &o->http_max_write) = (uint64_t)v;
            break;
        }
        case OPT_HTTP_MAX_CONNS: {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (!isdigit((unsigned char)optarg[0]) || *end || n == 0 ||
                n > 10000) {
                fprintf(err, "memcored: --http-max-conns %s (expected a "
                        "number from 1 to 10000)\n", optarg);
                return 2;
            }
            o->http_max_conns = (unsigned)n;
            break;
        }
        case OPT_READ_ONLY: o->read_only = true; break;
        case OPT_DUMP_DIR: o->dump_dir = optarg; break;
        case 'S': o->start_stopped = true; break;
        case OPT_KERNEL: o->kernel = optarg; break;
        case OPT_SERIAL:
            if (strcmp(optarg, "stdio") && strcmp(optarg, "none")) {
                fprintf(err, "memcored: --serial %s (expected stdio or "
                        "none)\n", optarg);
                return 2;
            }
            o->serial_stdio = strcmp(optarg, "stdio") == 0;
            break;
        case OPT_EXEC:
            if (push_exec(o, optarg) != 0) {
                fprintf(err, "memcored: out of memory\n");
                return 2;
            }
            break;
        case OPT_HELP: o->help = true; break;
        case OPT_VERSION: o->version = true; break;
        case ':':
            fprintf(err, "memcored: option '%s' needs an argument\n"
                    "Try 'memcored --help' for more information.\n",
                    argv[optind - 1]);
            return 2;
        default:
            if (optopt) {
                fprintf(err, "memcored: unknown option '-%c'\n", optopt);
            } else {
                fprintf(err, "memcored: unknown option '%s'\n",
                        argv[optind - 1]);
            }
            fprintf(err, "Try 'memcored --help' for more information.\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(err, "memcored: unexpected argument '%s'\n"
                "Try 'memcored --help' for more information.\n",
                argv[optind]);
        return 2;
    }
    return 0;
}

void options_free(Options *o)
{
    free(o->exec);
    o->exec = NULL;
    o->nexec = 0;
}
