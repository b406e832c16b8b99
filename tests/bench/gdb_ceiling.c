/*
 * tests/bench/gdb_ceiling.c — a stand-in gdb stub that costs nothing, so
 * bench_gdb_dump can show how fast gdb itself consumes a dump.
 *
 * Every m reply for the benchmark's range is encoded before the child
 * listens (with the codec memcored uses, rsp_hex_rle_encode, so gdb gets
 * the same bytes), so the time measured against it is gdb's own: its
 * request, the loopback, its RLE expansion, hex decoding and file write.
 * It understands just what a `target remote` + `dump` + `detach` session
 * sends; anything else gets the empty "unsupported" reply.  It sends no
 * target description: gdb is told `set architecture riscv:rv64`.
 */
#include "gdb_ceiling.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gdbstub/rsp.h>

/* gdb asks for at most half of PacketSize per m (hex doubles it). */
#define CHUNK (RSP_PACKET_SIZE / 2)

typedef struct Reply {
    char *framed;
    size_t len;
} Reply;

typedef struct Ceiling {
    const uint8_t *mem;
    size_t size;
    uint64_t base;
    Reply *chunk;        /* one per CHUNK of mem */
    size_t nchunks;
    char *scratch;       /* an m reply outside the cached chunks */
    char *data;
} Ceiling;

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w <= 0) {
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool send_data(Ceiling *c, int fd, const char *data, size_t len)
{
    size_t n = rsp_frame(data, len, c->scratch, 2 * CHUNK + 8);

    return n && write_all(fd, c->scratch, n);
}

static bool send_str(Ceiling *c, int fd, const char *s)
{
    return send_data(c, fd, s, strlen(s));
}

static bool reply_m(Ceiling *c, int fd, const char *args)
{
    uint64_t addr, len;
    const char *p = args;

    if (!rsp_parse_hex(&p, &addr) || *p++ != ',' ||
        !rsp_parse_hex(&p, &len) || len > CHUNK) {
        return send_str(c, fd, "E01");
    }
    if (addr < c->base || addr - c->base >= c->size ||
        len > c->size - (addr - c->base)) {
        return send_str(c, fd, "E14");
    }
    addr -= c->base;
    if (addr % CHUNK == 0 && len == CHUNK) {
        Reply *r = &c->chunk[addr / CHUNK];

        return write_all(fd, r->framed, r->len);
    }
    return send_data(c, fd, c->data,
                     rsp_hex_rle_encode(c->mem + addr, len, c->data));
}

/* One client, until it detaches, kills or hangs up. */
static void serve(Ceiling *c, int fd)
{
    RspParser ps;
    bool ack = true, open = true;
    static uint8_t buf[1 << 16];

    if (!rsp_parser_init(&ps, 4096)) {
        return;
    }
    while (open) {
        ssize_t n = read(fd, buf, sizeof(buf));
        size_t off = 0;

        if (n <= 0) {
            break;
        }
        while (open && off < (size_t)n) {
            RspEvent ev;

            off += rsp_parser_feed(&ps, buf + off, (size_t)n - off, &ev);
            if (ev.kind == RSP_EV_BAD_CHECKSUM && ack) {
                open = write_all(fd, "-", 1);
                continue;
            }
            if (ev.kind != RSP_EV_PACKET) {
                continue;
            }
            if (ack && !write_all(fd, "+", 1)) {
                open = false;
                break;
            }
            switch (ev.data[0]) {
            case 'm':
                open = reply_m(c, fd, ev.data + 1);
                break;
            case '?':
                open = send_str(c, fd, "S05");
                break;
            case 'g': {
                /* riscv:rv64 (the benchmark sets the architecture): x0..x31
                 * and pc, all zero */
                static char regs[33 * 16 + 1];

                memset(regs, '0', 33 * 16);
                open = send_str(c, fd, regs);
                break;
            }
            case 'H':
                open = send_str(c, fd, "OK");
                break;
            case 'D':
                send_str(c, fd, "OK");
                open = false;
                break;
            case 'k':
                open = false;
                break;
            default:
                if (!strncmp(ev.data, "qSupported", 10)) {
                    char s[64];

                    snprintf(s, sizeof(s), "PacketSize=%x;QStartNoAckMode+",
                             RSP_PACKET_SIZE);
                    open = send_str(c, fd, s);
                } else if (!strcmp(ev.data, "QStartNoAckMode")) {
                    open = send_str(c, fd, "OK");
                    ack = false;
                } else if (!strcmp(ev.data, "qAttached")) {
                    open = send_str(c, fd, "1");
                } else {
                    open = send_str(c, fd, "");
                }
            }
        }
    }
    rsp_parser_destroy(&ps);
}

static bool encode_all(Ceiling *c)
{
    c->nchunks = c->size / CHUNK;
    c->chunk = calloc(c->nchunks ? c->nchunks : 1, sizeof(*c->chunk));
    c->scratch = malloc(2 * CHUNK + 8);
    c->data = malloc(2 * CHUNK);
    if (!c->chunk || !c->scratch || !c->data) {
        return false;
    }
    for (size_t i = 0; i < c->nchunks; i++) {
        /* equal contents share one reply (zeroed RAM) */
        if (i && !memcmp(c->mem + i * CHUNK, c->mem + (i - 1) * CHUNK,
                         CHUNK)) {
            c->chunk[i] = c->chunk[i - 1];
            continue;
        }
        size_t n = rsp_hex_rle_encode(c->mem + i * CHUNK, CHUNK, c->data);

        c->chunk[i].framed = malloc(n + 4);
        if (!c->chunk[i].framed) {
            return false;
        }
        c->chunk[i].len = rsp_frame(c->data, n, c->chunk[i].framed, n + 4);
    }
    return true;
}

pid_t gdb_ceiling_start(const uint8_t *mem, size_t size, uint64_t base,
                        char *addr, size_t addrlen)
{
    int pfd[2], port = 0;
    pid_t pid;

    if (pipe(pfd) != 0) {
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        Ceiling c = { .mem = mem, .size = size, .base = base };
        struct sockaddr_in a = { .sin_family = AF_INET,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t alen = sizeof(a);
        int ls = socket(AF_INET, SOCK_STREAM, 0);

        close(pfd[0]);
        if (!encode_all(&c) || ls < 0 ||
            bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 ||
            listen(ls, 1) != 0 ||
            getsockname(ls, (struct sockaddr *)&a, &alen) != 0) {
            _exit(1);
        }
        port = ntohs(a.sin_port);
        if (write(pfd[1], &port, sizeof(port)) != sizeof(port)) {
            _exit(1);
        }
        close(pfd[1]);
        for (;;) {
            int fd = accept(ls, NULL, NULL);

            if (fd < 0) {
                _exit(1);
            }
            serve(&c, fd);
            close(fd);
        }
    }
    close(pfd[1]);
    if (pid < 0 || read(pfd[0], &port, sizeof(port)) != sizeof(port)) {
        close(pfd[0]);
        return -1;
    }
    close(pfd[0]);
    snprintf(addr, addrlen, "127.0.0.1:%d", port);
    return pid;
}
