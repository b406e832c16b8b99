/*
 * gdbstub/stub.c — one gdb connection (see stub.h): acknowledgements,
 * packet dispatch, and the stop-reply hand-over from target threads.
 *
 * Replies are built in stub->out (the packet DATA, at most
 * RSP_PACKET_SIZE bytes) and framed into stub->frame, which keeps the
 * last packet sent so that a NAK ('-') can resend it.  While acks are on,
 * the '+' for a packet gdb sent rides in front of the reply.
 *
 * Stops: the resume handlers set `running` under the lock before calling
 * the target; gdb_stub_notify_stop() (any thread) stores the first stop
 * of a resume and signals the eventfd; gdb_stub_process_events() (the
 * session thread) sends it.  Nothing else is shared between threads.
 */
#include <gdbstub/stub.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gdbstub/rsp.h>
#include <memcore/memcore.h>
#include <monitor/monitor.h>

#include "internal.h"

/* The largest m/M/X/qXfer piece: the hex reply of an m must fit. */
#define MEM_CHUNK (RSP_PACKET_SIZE / 2)

typedef struct Breakpoint {
    GdbBreakType type;
    uint64_t addr;
    uint64_t kind;
} Breakpoint;

struct GdbStub {
    GdbTarget t;
    const MonitorMachine *machine;
    Monitor *monitor;            /* created at the first qRcmd */
    GdbWriteFn write;
    void *write_opaque;

    RspParser parser;
    bool no_ack;                 /* QStartNoAckMode done */
    bool ack_due;                /* a '+' to send before the next reply */
    bool finished;               /* D or k */
    bool attached;
    bool gdb_swbreak, gdb_hwbreak; /* gdb understands these stop reasons */

    unsigned g_thread;           /* Hg: registers and memory */
    unsigned c_thread;           /* Hc: step (0 = any) */
    GdbStopEvent last_stop;      /* for '?' */

    char *out;                   /* reply DATA being built */
    size_t out_len;
    bool out_overflow;
    char *frame;                 /* '+'? "$DATA#CS": the last packet sent */
    size_t frame_len, frame_start; /* frame_start skips the '+' */

    uint8_t *mem;                /* MEM_CHUNK bytes for m, M, X, search */
    uint8_t *regs;               /* one register file */
    size_t regs_size;

    Breakpoint *bps;
    size_t nbps, capbps;

    char *memmap;                /* the memory map being read */
    size_t memmap_len;

    pthread_mutex_t lock;        /* running, have_event, event */
    bool running;
    bool have_event;
    GdbStopEvent event;
    int efd;
};

/* ---- output ---------------------------------------------------------------- */

static void out_reset(GdbStub *s)
{
    s->out_len = 0;
    s->out_overflow = false;
}

static void out_put(GdbStub *s, const void *p, size_t n)
{
    if (n > RSP_PACKET_SIZE - s->out_len) {
        s->out_overflow = true;
        return;
    }
    memcpy(s->out + s->out_len, p, n);
    s->out_len += n;
}

static void out_str(GdbStub *s, const char *str)
{
    out_put(s, str, strlen(str));
}

static void __attribute__((format(printf, 2, 3)))
out_fmt(GdbStub *s, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0) {
        out_put(s, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    }
}

static void out_hex(GdbStub *s, const uint8_t *p, size_t n)
{
    if (n > (RSP_PACKET_SIZE - s->out_len) / 2) {
        s->out_overflow = true;
        return;
    }
    rsp_hex_encode(p, n, s->out + s->out_len);
    s->out_len += 2 * n;
}

/*
 * Hex, run-length encoded: a run of one digit is sent as the digit, '*'
 * and the count of further copies + 29.  gdb expands it while it reads
 * the packet, so fresh (zero) RAM costs gdb almost nothing to decode —
 * gdb's per-character reading, not the stub, bounds big dumps.  Counts
 * that would put '#' or '$' (6, 7) in the packet, '*' (13) or '}' (96)
 * are avoided; runs shorter than 4 are sent as they are.  Never longer
 * than out_hex's output.
 */
static void out_hex_rle(GdbStub *s, const uint8_t *p, size_t n)
{
    if (n > (RSP_PACKET_SIZE - s->out_len) / 2) {
        s->out_overflow = true;
        return;
    }
    s->out_len += rsp_hex_rle_encode(p, n, s->out + s->out_len);
}

/* Binary data, escaped; returns how many of @n bytes fitted. */
static size_t out_binary(GdbStub *s, const uint8_t *p, size_t n)
{
    size_t used;

    s->out_len += rsp_escape(p, n, (uint8_t *)s->out + s->out_len,
                             RSP_PACKET_SIZE - s->out_len, &used);
    return used;
}

static void flush_ack(GdbStub *s)
{
    if (s->ack_due) {
        s->ack_due = false;
        s->write(s->write_opaque, "+", 1);
    }
}

/* Send out[] as one packet (after the pending '+', if any). */
static void send_out(GdbStub *s)
{
    size_t pos = 0;

    if (s->out_overflow) {
        /* A handler's bug, never gdb's doing: answer something valid. */
        out_reset(s);
        out_str(s, "E01");
    }
    if (s->ack_due) {
        s->frame[pos++] = '+';
        s->ack_due = false;
    }
    s->frame_start = pos;
    s->frame_len = pos + rsp_frame(s->out, s->out_len, s->frame + pos,
                                   RSP_PACKET_SIZE + 4);
    s->write(s->write_opaque, s->frame, s->frame_len);
    out_reset(s);
}

static void reply(GdbStub *s, const char *str)
{
    out_reset(s);
    out_str(s, str);
    send_out(s);
}

static void reply_error(GdbStub *s, int err)
{
    char buf[8];

    snprintf(buf, sizeof(buf), "E%02x", (unsigned)(err < 0 ? -err : err) & 0xff);
    reply(s, buf);
}

/* ---- threads and registers ------------------------------------------------ */

static unsigned nr_threads(GdbStub *s)
{
    unsigned n = s->t.ops->nr_threads ? s->t.ops->nr_threads(s->t.opaque) : 1;

    return n ? n : 1;
}

/* A thread id as gdb writes it: "-1" (all), "0" (any), hex, or the
 * multiprocess form "pPID.TID".  -1 for all, 0 for any. */
static bool parse_thread(const char **p, long *tid)
{
    const char *q = *p;
    uint64_t v;

    if (*q == 'p') {
        /* pPID.TID: the process part is ours (always 1) */
        q++;
        if (q[0] == '-' && q[1] == '1') {
            q += 2;
        } else if (!rsp_parse_hex(&q, &v)) {
            return false;
        }
        if (*q != '.') {
            *p = q;
            *tid = -1;
            return true;
        }
        q++;
    }
    if (q[0] == '-' && q[1] == '1') {
        *p = q + 2;
        *tid = -1;
        return true;
    }
    if (!rsp_parse_hex(&q, &v) || v > 0x7fffffff) {
        return false;
    }
    *p = q;
    *tid = (long)v;
    return true;
}

static bool thread_alive(GdbStub *s, long tid)
{
    return tid >= 1 && (unsigned long)tid <= nr_threads(s);
}

/* The thread register and memory packets act on. */
static unsigned g_thread(GdbStub *s)
{
    return thread_alive(s, s->g_thread) ? s->g_thread : 1;
}

static AddressSpace *thread_as(GdbStub *s)
{
    return s->t.ops->address_space ?
           s->t.ops->address_space(s->t.opaque, g_thread(s)) : NULL;
}

static size_t reg_offset(const GdbArch *a, unsigned regnum)
{
    size_t off = 0;

    for (unsigned i = 0; i < regnum; i++) {
        off += a->reg_size[i];
    }
    return off;
}

static int read_regs(GdbStub *s, unsigned thread)
{
    memset(s->regs, 0, s->regs_size);
    if (!s->t.ops->read_registers) {
        return 0;  /* no vCPU: everything reads as 0 */
    }
    return s->t.ops->read_registers(s->t.opaque, thread, s->regs);
}

/* --read-only's answer to M, X, G and P: gdb shows the text of a
 * register write's error ("remote failure reply 'E.memcored is
 * read-only'"); a memory write's is always "Cannot access memory". */
static const char read_only_reply[] = "E.memcored is read-only";

static int write_regs(GdbStub *s, unsigned thread)
{
    if (s->t.read_only) {
        return -EPERM;
    }
    if (!s->t.ops->write_registers) {
        return -ENOSYS;
    }
    return s->t.ops->write_registers(s->t.opaque, thread, s->regs);
}

static void handle_g(GdbStub *s)
{
    int rc = read_regs(s, g_thread(s));

    if (rc) {
        reply_error(s, rc);
        return;
    }
    out_reset(s);
    out_hex_rle(s, s->regs, s->regs_size);
    send_out(s);
}

static void handle_G(GdbStub *s, const char *p, size_t len)
{
    int rc;

    if (len != 2 * s->regs_size) {
        reply(s, "E01");
        return;
    }
    if (!rsp_hex_decode(p, s->regs_size, s->regs)) {
        reply(s, "E01");
        return;
    }
    if (s->t.read_only) {
        reply(s, read_only_reply);
        return;
    }
    rc = write_regs(s, g_thread(s));
    if (rc) {
        reply_error(s, rc == -ENOSYS ? EPERM : rc);
        return;
    }
    reply(s, "OK");
}

static void handle_p(GdbStub *s, const char *p)
{
    uint64_t n;
    int rc;
    const GdbArch *a = s->t.arch;

    if (!rsp_parse_hex(&p, &n) || *p) {
        reply(s, "E01");
        return;
    }
    if (n >= a->nregs) {
        /* gdb probes registers it does not know: an error, as QEMU */
        reply(s, "E14");
        return;
    }
    rc = read_regs(s, g_thread(s));
    if (rc) {
        reply_error(s, rc);
        return;
    }
    out_reset(s);
    out_hex(s, s->regs + reg_offset(a, (unsigned)n), a->reg_size[n]);
    send_out(s);
}

static void handle_P(GdbStub *s, const char *p)
{
    uint64_t n;
    int rc;
    const GdbArch *a = s->t.arch;

    if (!rsp_parse_hex(&p, &n) || *p++ != '=' || n >= a->nregs ||
        strlen(p) != 2u * a->reg_size[n]) {
        reply(s, "E01");
        return;
    }
    if (s->t.read_only) {
        reply(s, read_only_reply);
        return;
    }
    rc = read_regs(s, g_thread(s));
    if (!rc && !rsp_hex_decode(p, a->reg_size[n],
                               s->regs + reg_offset(a, (unsigned)n))) {
        rc = -EINVAL;
    }
    if (!rc) {
        rc = write_regs(s, g_thread(s));
    }
    if (rc) {
        reply_error(s, rc == -ENOSYS ? EPERM : rc);
        return;
    }
    reply(s, "OK");
}

/* ---- memory ------------------------------------------------------------------ */

/* Clamp @len so that [@addr, @addr + @len) does not pass 2^64. */
static uint64_t clamp_len(uint64_t addr, uint64_t len)
{
    uint64_t room = UINT64_MAX - addr + 1; /* 0 means 2^64 */

    return room && len > room ? room : len;
}

/*
 * Read up to @len (<= MEM_CHUNK) bytes at @addr: returns how many leading
 * bytes could be read (the rest of the range is not looked at).  One
 * access when everything is there; otherwise page by page, then byte by
 * byte in the first page that fails, to find where memory stops.
 */
static size_t read_prefix(AddressSpace *as, uint64_t addr, uint8_t *buf,
                          size_t len)
{
    size_t done = 0;

    len = (size_t)clamp_len(addr, len);
    if (address_space_read(as, addr, MEMTXATTRS_DEBUG, buf, (int)len) ==
        MEMTX_OK) {
        return len;
    }
    while (done < len) {
        uint64_t a = addr + done;
        size_t piece = (size_t)(TARGET_PAGE_SIZE - (a & ~TARGET_PAGE_MASK));

        if (piece > len - done) {
            piece = len - done;
        }
        if (address_space_read(as, a, MEMTXATTRS_DEBUG, buf + done,
                               (int)piece) != MEMTX_OK) {
            for (size_t i = 0; i < piece; i++) {
                if (address_space_read(as, a + i, MEMTXATTRS_DEBUG,
                                       buf + done + i, 1) != MEMTX_OK) {
                    return done + i;
                }
            }
        }
        done += piece;
    }
    return done;
}

/* "ADDR,LEN" then @sep; *@p moves past @sep. */
static bool parse_addr_len(const char **p, char sep, uint64_t *addr,
                           uint64_t *len)
{
    const char *q = *p;

    if (!rsp_parse_hex(&q, addr) || *q++ != ',' || !rsp_parse_hex(&q, len) ||
        *q != sep) {
        return false;
    }
    *p = sep ? q + 1 : q;
    return true;
}

static void handle_m(GdbStub *s, const char *p)
{
    uint64_t addr, len;
    AddressSpace *as = thread_as(s);
    size_t n;

    if (!parse_addr_len(&p, '\0', &addr, &len)) {
        reply(s, "E01");
        return;
    }
    if (len > MEM_CHUNK) {
        len = MEM_CHUNK; /* gdb asks again for the rest */
    }
    if (len == 0) {
        reply(s, "");
        return;
    }
    if (!as) {
        reply(s, "E14");
        return;
    }
    n = read_prefix(as, addr, s->mem, (size_t)len);
    if (n == 0) {
        /* gdb prints "Cannot access memory at address ..." */
        reply(s, "E14");
        return;
    }
    out_reset(s);
    out_hex_rle(s, s->mem, n);
    send_out(s);
}

static void write_mem(GdbStub *s, uint64_t addr, const uint8_t *buf,
                      size_t len)
{
    AddressSpace *as = thread_as(s);

    if (s->t.read_only) {
        reply(s, read_only_reply);
        return;
    }
    if (len == 0) {
        reply(s, "OK"); /* gdb probes X support with a 0-byte write */
        return;
    }
    if (!as || clamp_len(addr, len) != len ||
        address_space_write(as, addr, MEMTXATTRS_DEBUG, buf, (int)len) !=
        MEMTX_OK) {
        reply(s, "E14");
        return;
    }
    reply(s, "OK");
}

static void handle_M(GdbStub *s, const char *p)
{
    uint64_t addr, len;

    if (!parse_addr_len(&p, ':', &addr, &len) || len > MEM_CHUNK ||
        strlen(p) != 2 * len || !rsp_hex_decode(p, (size_t)len, s->mem)) {
        reply(s, "E01");
        return;
    }
    write_mem(s, addr, s->mem, (size_t)len);
}

static void handle_X(GdbStub *s, const char *p, size_t plen)
{
    const char *start = p;
    uint64_t addr, len;
    size_t rest;
    long n;

    if (!parse_addr_len(&p, ':', &addr, &len) || len > RSP_PACKET_SIZE) {
        reply(s, "E01");
        return;
    }
    rest = plen - (size_t)(p - start);
    /* Unescape in place (the parser's buffer is ours until the next
     * feed); the result is never longer than what was sent. */
    n = rsp_unescape((uint8_t *)p, rest);
    if (n < 0 || (uint64_t)n != len) {
        reply(s, "E01");
        return;
    }
    write_mem(s, addr, (const uint8_t *)p, (size_t)n);
}

/* ---- qSearch:memory ------------------------------------------------------- */

/*
 * Find @pat in [@addr, @addr + @len) of @as: only mapped ranges are read,
 * each in MEM_CHUNK pieces that overlap by the pattern's length minus
 * one, so a match across two pieces is found.  I/O ranges are not
 * searched (reading a device to look for a pattern helps nobody, and a
 * large window that refuses every read would take ages); a byte that
 * cannot be read ends the current run of bytes.  Returns 1 (found, at
 * *@found) or 0.
 */
static int search_memory(GdbStub *s, AddressSpace *as, uint64_t addr,
                         uint64_t len, const uint8_t *pat, size_t plen,
                         uint64_t *found)
{
    size_t nr;
    GdbMemRange *r = gdb_memory_ranges(as, &nr);
    uint64_t end = addr + len; /* exclusive; the caller keeps it <= 2^64-1 */
    int rc = 0;

    for (size_t i = 0; i < nr && !rc; i++) {
        uint64_t a = r[i].start > addr ? r[i].start : addr;
        uint64_t e = r[i].start + r[i].len;
        size_t keep = 0;  /* bytes of earlier pieces at the start of mem */

        if (r[i].kind == GDB_MEM_IO || r[i].start >= end || e <= addr) {
            continue;
        }
        if (e > end) {
            e = end;
        }
        while (a < e) {
            size_t want = MEM_CHUNK - keep, got, total;
            uint8_t *hit;

            if (want > e - a) {
                want = (size_t)(e - a);
            }
            got = read_prefix(as, a, s->mem + keep, want);
            total = keep + got;
            hit = total >= plen ? memmem(s->mem, total, pat, plen) : NULL;
            if (hit) {
                *found = a - keep + (uint64_t)(hit - s->mem);
                rc = 1;
                break;
            }
            if (got < want) {
                a += got + 1; /* skip the unreadable byte */
                keep = 0;
                continue;
            }
            a += got;
            keep = total < plen - 1 ? total : plen - 1;
            memmove(s->mem, s->mem + total - keep, keep);
        }
    }
    free(r);
    return rc;
}

static void handle_search(GdbStub *s, char *p, size_t plen)
{
    const char *q = p;
    uint64_t addr, len, found = 0;
    AddressSpace *as = thread_as(s);
    long n;

    if (!rsp_parse_hex(&q, &addr) || *q++ != ';' ||
        !rsp_parse_hex(&q, &len) || *q++ != ';') {
        reply(s, "E01");
        return;
    }
    n = rsp_unescape((uint8_t *)q, plen - (size_t)(q - p));
    if (n <= 0 || (size_t)n > MEM_CHUNK / 2 || !as) {
        reply(s, "E01");
        return;
    }
    len = clamp_len(addr, len);
    if (addr + len < addr) {
        len = UINT64_MAX - addr; /* stop one byte short of 2^64 */
    }
    /* The pattern stays in the parser's buffer, which nothing touches
     * until the next feed; mem[] holds the memory being searched. */
    if (search_memory(s, as, addr, len, (const uint8_t *)q, (size_t)n,
                      &found)) {
        out_reset(s);
        out_fmt(s, "1,%" PRIx64, found);
        send_out(s);
    } else {
        reply(s, "0");
    }
}

/* ---- qXfer ---------------------------------------------------------------- */

/* Send [off, off + len) of @doc as a qXfer reply ('m' more, 'l' last). */
static void xfer_reply(GdbStub *s, const char *doc, size_t doclen,
                       uint64_t off, uint64_t len)
{
    size_t used;

    out_reset(s);
    if (off >= doclen) {
        out_str(s, "l");
        send_out(s);
        return;
    }
    if (len > MEM_CHUNK) {
        len = MEM_CHUNK;
    }
    if (len > doclen - off) {
        len = doclen - off;
    }
    out_str(s, "m");
    used = out_binary(s, (const uint8_t *)doc + off, (size_t)len);
    if (off + used >= doclen) {
        s->out[0] = 'l';
    }
    send_out(s);
}

static void handle_xfer(GdbStub *s, const char *p)
{
    uint64_t off, len;
    const char *q;

    if (!strncmp(p, "features:read:", 14)) {
        q = p + 14;
        if (strncmp(q, "target.xml:", 11)) {
            reply(s, "E00"); /* no such annex */
            return;
        }
        q += 11;
        if (!parse_addr_len(&q, '\0', &off, &len)) {
            reply(s, "E01");
            return;
        }
        xfer_reply(s, s->t.arch->target_xml, strlen(s->t.arch->target_xml),
                   off, len);
        return;
    }
    if (!strncmp(p, "memory-map:read::", 17)) {
        AddressSpace *as = thread_as(s);

        q = p + 17;
        if (!parse_addr_len(&q, '\0', &off, &len)) {
            reply(s, "E01");
            return;
        }
        if (off == 0 || !s->memmap) {
            /* a new read: the map as the flat view is now */
            free(s->memmap);
            s->memmap = as ? gdb_memory_map_xml(as, &s->memmap_len) : NULL;
            if (!s->memmap) {
                reply(s, "E0c");
                return;
            }
        }
        xfer_reply(s, s->memmap, s->memmap_len, off, len);
        return;
    }
    reply(s, ""); /* an object we do not offer */
}

/* ---- qRcmd: monitor commands ------------------------------------------- */

/* MonitorOut sink: each piece of output becomes O packets. */
static void monitor_to_gdb(void *opaque, const char *buf, size_t len)
{
    GdbStub *s = opaque;

    while (len) {
        size_t n = (RSP_PACKET_SIZE - 1) / 2;

        if (n > len) {
            n = len;
        }
        out_reset(s);
        out_str(s, "O");
        out_hex(s, (const uint8_t *)buf, n);
        send_out(s);
        buf += n;
        len -= n;
    }
}

static void handle_rcmd(GdbStub *s, const char *p)
{
    size_t n = strlen(p) / 2;
    char *cmd;
    MonitorOut out = { monitor_to_gdb, s };

    if (!s->machine) {
        reply(s, "");
        return;
    }
    if (strlen(p) % 2 || !(cmd = malloc(n + 1))) {
        reply(s, "E01");
        return;
    }
    if (!rsp_hex_decode(p, n, (uint8_t *)cmd) || memchr(cmd, '\0', n)) {
        free(cmd);
        reply(s, "E01");
        return;
    }
    cmd[n] = '\0';
    if (!s->monitor) {
        s->monitor = monitor_new(s->machine);
    }
    if (!s->monitor) {
        free(cmd);
        reply(s, "E0c");
        return;
    }
    /* The reply to the last O packet gdb acks is OK, whatever the
     * command did: its error message is already printed, as QEMU does. */
    monitor_run_line(s->monitor, cmd, &out);
    free(cmd);
    reply(s, "OK");
}

/* ---- breakpoints ---------------------------------------------------------- */

static Breakpoint *find_bp(GdbStub *s, GdbBreakType type, uint64_t addr,
                           uint64_t kind)
{
    for (size_t i = 0; i < s->nbps; i++) {
        if (s->bps[i].type == type && s->bps[i].addr == addr &&
            s->bps[i].kind == kind) {
            return &s->bps[i];
        }
    }
    return NULL;
}

static void handle_Z(GdbStub *s, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    int rc;

    if (!rsp_parse_hex(&p, &type) || *p++ != ',' ||
        !rsp_parse_hex(&p, &addr) || *p++ != ',' ||
        !rsp_parse_hex(&p, &kind) || (*p && *p != ';')) {
        reply(s, "E01");
        return;
    }
    if (type > GDB_WATCH_ACCESS) {
        reply(s, ""); /* a type the protocol may add later */
        return;
    }
    if (insert) {
        if (find_bp(s, (GdbBreakType)type, addr, kind)) {
            reply(s, "OK"); /* gdb may insert twice; the target once */
            return;
        }
        if (s->nbps == s->capbps) {
            size_t cap = s->capbps ? 2 * s->capbps : 16;
            Breakpoint *b = realloc(s->bps, cap * sizeof(*b));

            if (!b) {
                reply(s, "E0c");
                return;
            }
            s->bps = b;
            s->capbps = cap;
        }
        rc = s->t.ops->insert_breakpoint ?
             s->t.ops->insert_breakpoint(s->t.opaque, (GdbBreakType)type,
                                         addr, kind) : -ENOSYS;
        if (rc) {
            /* -ENOSYS too: an error, never the empty reply (with which
             * gdb would patch breakpoint instructions into memory). */
            reply_error(s, rc);
            return;
        }
        s->bps[s->nbps++] = (Breakpoint){ (GdbBreakType)type, addr, kind };
        reply(s, "OK");
        return;
    }
    {
        Breakpoint *b = find_bp(s, (GdbBreakType)type, addr, kind);

        if (!b) {
            reply(s, "OK"); /* nothing of ours there */
            return;
        }
        rc = s->t.ops->remove_breakpoint ?
             s->t.ops->remove_breakpoint(s->t.opaque, (GdbBreakType)type,
                                         addr, kind) : 0;
        *b = s->bps[--s->nbps];
        if (rc) {
            reply_error(s, rc);
            return;
        }
        reply(s, "OK");
    }
}

static void remove_all_breakpoints(GdbStub *s)
{
    while (s->nbps) {
        Breakpoint b = s->bps[--s->nbps];

        if (s->t.ops->remove_breakpoint) {
            s->t.ops->remove_breakpoint(s->t.opaque, b.type, b.addr, b.kind);
        }
    }
}

static void detach_target(GdbStub *s)
{
    if (!s->attached) {
        return;
    }
    remove_all_breakpoints(s);
    pthread_mutex_lock(&s->lock);
    s->running = false;
    s->have_event = false;
    pthread_mutex_unlock(&s->lock);
    if (s->t.ops->detach) {
        s->t.ops->detach(s->t.opaque);
    }
    s->attached = false;
}

/* ---- stops and resumes -------------------------------------------------- */

static void send_stop_reply(GdbStub *s, const GdbStopEvent *ev)
{
    out_reset(s);
    out_fmt(s, "T%02xthread:%x;", (unsigned)ev->signal & 0xff, ev->thread);
    switch (ev->reason) {
    case GDB_STOP_WATCH:
        out_fmt(s, "watch:%" PRIx64 ";", ev->addr);
        break;
    case GDB_STOP_RWATCH:
        out_fmt(s, "rwatch:%" PRIx64 ";", ev->addr);
        break;
    case GDB_STOP_AWATCH:
        out_fmt(s, "awatch:%" PRIx64 ";", ev->addr);
        break;
    case GDB_STOP_SWBREAK:
        if (s->gdb_swbreak) {
            out_str(s, "swbreak:;");
        }
        break;
    case GDB_STOP_HWBREAK:
        if (s->gdb_hwbreak) {
            out_str(s, "hwbreak:;");
        }
        break;
    case GDB_STOP_SIGNAL:
        break;
    }
    send_out(s);
}

void gdb_stub_notify_stop(GdbStub *s, const GdbStopEvent *ev)
{
    bool wake = false;

    pthread_mutex_lock(&s->lock);
    if (s->running && !s->have_event) {
        s->event = *ev;
        s->have_event = true;
        wake = true;
    }
    pthread_mutex_unlock(&s->lock);
    if (wake) {
        uint64_t one = 1;
        ssize_t n = write(s->efd, &one, sizeof(one));

        (void)n; /* an eventfd at its limit is readable anyway */
    }
}

void gdb_stub_process_events(GdbStub *s)
{
    GdbStopEvent ev;
    bool have;
    uint64_t v;
    ssize_t n;

    pthread_mutex_lock(&s->lock);
    have = s->have_event;
    if (have) {
        ev = s->event;
        s->have_event = false;
        s->running = false;
        n = read(s->efd, &v, sizeof(v));
        (void)n;
    }
    pthread_mutex_unlock(&s->lock);
    if (!have) {
        return;
    }
    if (ev.thread == 0) {
        /* no thread in particular (Ctrl-C): gdb's current one */
        ev.thread = thread_alive(s, s->c_thread) ? s->c_thread : g_thread(s);
    }
    if (!thread_alive(s, ev.thread)) {
        ev.thread = 1;
    }
    s->last_stop = ev;
    s->g_thread = ev.thread; /* gdb looks at the thread that stopped */
    s->c_thread = ev.thread;
    send_stop_reply(s, &ev);
}

bool gdb_stub_running(GdbStub *s)
{
    bool r;

    pthread_mutex_lock(&s->lock);
    r = s->running;
    pthread_mutex_unlock(&s->lock);
    return r;
}

void gdb_stub_exited(GdbStub *s, int status)
{
    /* a stop that beat the exit is the truer answer: send it first */
    gdb_stub_process_events(s);
    if (gdb_stub_running(s)) {
        pthread_mutex_lock(&s->lock);
        s->running = false;
        pthread_mutex_unlock(&s->lock);
        out_reset(s);
        out_fmt(s, "W%02x", (unsigned)status & 0xff);
        send_out(s);
    }
    s->finished = true;
}

/* Resume with @actions (nr_threads entries); the stop reply comes later. */
static void do_resume(GdbStub *s, const GdbResume *actions)
{
    int rc = 0;

    flush_ack(s); /* the '+' must come before the stop reply */
    pthread_mutex_lock(&s->lock);
    s->running = true;
    s->have_event = false;
    pthread_mutex_unlock(&s->lock);
    if (s->t.ops->resume) {
        rc = s->t.ops->resume(s->t.opaque, actions);
    } else {
        GdbStopEvent ev = { .thread = 1, .reason = GDB_STOP_SIGNAL,
                            .signal = GDB_SIGTRAP };

        gdb_stub_notify_stop(s, &ev);
    }
    if (rc) {
        pthread_mutex_lock(&s->lock);
        s->running = false;
        s->have_event = false;
        pthread_mutex_unlock(&s->lock);
        reply_error(s, rc);
    }
}

/* Set the pc of @thread (c ADDR, s ADDR). */
static int set_pc(GdbStub *s, unsigned thread, uint64_t pc)
{
    const GdbArch *a = s->t.arch;
    size_t off = reg_offset(a, a->pc_regnum);
    int rc = read_regs(s, thread);

    if (rc) {
        return rc;
    }
    for (unsigned i = 0; i < a->reg_size[a->pc_regnum] && i < 8; i++) {
        s->regs[off + i] = (uint8_t)(pc >> (8 * i)); /* little endian */
    }
    return write_regs(s, thread);
}

/* c, C, s, S: the legacy forms. */
static void handle_legacy_resume(GdbStub *s, char cmd, const char *p)
{
    unsigned n = nr_threads(s);
    GdbResume *act = calloc(n, sizeof(*act));
    uint64_t sig = 0, addr;
    bool step = cmd == 's' || cmd == 'S';
    unsigned target = thread_alive(s, s->c_thread) ? s->c_thread : 1;

    if (!act) {
        reply(s, "E0c");
        return;
    }
    if (cmd == 'C' || cmd == 'S') {
        if (!rsp_parse_hex(&p, &sig) || sig > 0xff) {
            free(act);
            reply(s, "E01");
            return;
        }
        if (*p == ';') {
            p++;
        }
    }
    if (*p) {
        int rc;

        if (!rsp_parse_hex(&p, &addr) || *p) {
            free(act);
            reply(s, "E01");
            return;
        }
        rc = set_pc(s, target, addr);
        if (rc) {
            free(act);
            reply_error(s, rc == -ENOSYS ? EPERM : rc);
            return;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        act[i].action = GDB_RESUME_CONTINUE;
    }
    if (step) {
        act[target - 1].action = GDB_RESUME_STEP;
    }
    act[target - 1].signal = (int)sig;
    do_resume(s, act);
    free(act);
}

/* vCont;ACTION[:TID];ACTION[:TID]... — the first action naming a thread
 * wins; an action without a thread applies to every thread not named. */
static void handle_vcont(GdbStub *s, const char *p)
{
    unsigned n = nr_threads(s);
    GdbResume *act = calloc(n, sizeof(*act));
    bool *set = calloc(n, sizeof(*set));
    bool any = false;

    if (!act || !set) {
        free(act);
        free(set);
        reply(s, "E0c");
        return;
    }
    while (*p == ';') {
        char c = *++p;
        uint64_t sig = 0;
        GdbResumeAction a;
        long tid = -1;

        p++;
        if (c == 'c' || c == 'C') {
            a = GDB_RESUME_CONTINUE;
        } else if (c == 's' || c == 'S') {
            a = GDB_RESUME_STEP;
        } else {
            goto bad;  /* t, r: not offered in vCont? */
        }
        if ((c == 'C' || c == 'S') && (!rsp_parse_hex(&p, &sig) ||
                                       sig > 0xff)) {
            goto bad;
        }
        if (*p == ':') {
            p++;
            if (!parse_thread(&p, &tid)) {
                goto bad;
            }
        }
        if (*p && *p != ';') {
            goto bad;
        }
        for (unsigned i = 0; i < n; i++) {
            if (!set[i] && (tid <= 0 || (unsigned long)tid == i + 1)) {
                /* tid 0 ("any"): gdb means the current one; all-stop
                 * resumes them all alike, so treat it as all */
                act[i].action = a;
                act[i].signal = (int)sig;
                set[i] = true;
                any = true;
            }
        }
    }
    if (*p || !any) {
        goto bad;
    }
    free(set);
    do_resume(s, act);
    free(act);
    return;
bad:
    free(act);
    free(set);
    reply(s, "E01");
}

/* ---- queries ------------------------------------------------------------- */

static void handle_qsupported(GdbStub *s, const char *p)
{
    s->gdb_swbreak = strstr(p, "swbreak+") != NULL;
    s->gdb_hwbreak = strstr(p, "hwbreak+") != NULL;
    out_reset(s);
    out_fmt(s, "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;"
            "qXfer:memory-map:read+;swbreak+;hwbreak+;vContSupported+",
            (unsigned)RSP_PACKET_SIZE);
    send_out(s);
}

static void handle_thread_info(GdbStub *s)
{
    unsigned n = nr_threads(s);

    out_reset(s);
    out_str(s, "m");
    for (unsigned i = 1; i <= n; i++) {
        out_fmt(s, i == 1 ? "%x" : ",%x", i);
    }
    send_out(s);
}

static void handle_q(GdbStub *s, char *p, size_t len)
{
    if (!strncmp(p, "qSupported", 10)) {
        handle_qsupported(s, p + 10);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        reply(s, "1"); /* detach, not kill, when gdb quits */
    } else if (!strcmp(p, "qC")) {
        out_reset(s);
        out_fmt(s, "QC%x", g_thread(s));
        send_out(s);
    } else if (!strcmp(p, "qfThreadInfo")) {
        handle_thread_info(s);
    } else if (!strcmp(p, "qsThreadInfo")) {
        reply(s, "l");
    } else if (!strncmp(p, "qXfer:", 6)) {
        handle_xfer(s, p + 6);
    } else if (!strncmp(p, "qRcmd,", 6)) {
        handle_rcmd(s, p + 6);
    } else if (!strncmp(p, "qSearch:memory:", 15)) {
        handle_search(s, p + 15, len - 15);
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        char text[32];
        const char *q = p + 17;
        long tid;

        if (!parse_thread(&q, &tid) || !thread_alive(s, tid)) {
            reply(s, "E01");
            return;
        }
        snprintf(text, sizeof(text), "vCPU %ld", tid - 1);
        out_reset(s);
        out_hex(s, (const uint8_t *)text, strlen(text));
        send_out(s);
    } else {
        /* qOffsets (no relocation), qTStatus, qSymbol, ...: not offered */
        reply(s, "");
    }
}

/* ---- dispatch ---------------------------------------------------------------- */

static void handle_packet(GdbStub *s, char *p, size_t len)
{
    const char *q;
    long tid;

    switch (p[0]) {
    case '?':
        send_stop_reply(s, &s->last_stop);
        break;
    case 'g':
        handle_g(s);
        break;
    case 'G':
        handle_G(s, p + 1, len - 1);
        break;
    case 'p':
        handle_p(s, p + 1);
        break;
    case 'P':
        handle_P(s, p + 1);
        break;
    case 'm':
        handle_m(s, p + 1);
        break;
    case 'M':
        handle_M(s, p + 1);
        break;
    case 'X':
        handle_X(s, p + 1, len - 1);
        break;
    case 'c':
    case 'C':
    case 's':
    case 'S':
        handle_legacy_resume(s, p[0], p + 1);
        break;
    case 'H':
        q = p + 2;
        if ((p[1] != 'g' && p[1] != 'c') || !parse_thread(&q, &tid) || *q ||
            (tid > 0 && !thread_alive(s, tid))) {
            reply(s, "E01");
            break;
        }
        if (p[1] == 'g') {
            s->g_thread = tid > 0 ? (unsigned)tid : g_thread(s);
        } else {
            s->c_thread = tid > 0 ? (unsigned)tid : 0;
        }
        reply(s, "OK");
        break;
    case 'T':
        q = p + 1;
        reply(s, parse_thread(&q, &tid) && !*q && thread_alive(s, tid) ?
                 "OK" : "E01");
        break;
    case 'q':
        handle_q(s, p, len);
        break;
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            reply(s, "OK");     /* still acked: acks stop after this */
            s->no_ack = true;
        } else {
            reply(s, "");
        }
        break;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            reply(s, "vCont;c;C;s;S");
        } else if (!strncmp(p, "vCont;", 6)) {
            handle_vcont(s, p + 5);
        } else if (!strncmp(p, "vKill", 5)) {
            remove_all_breakpoints(s);
            reply(s, "OK");
            detach_target(s);
            s->finished = true;
        } else {
            reply(s, ""); /* vMustReplyEmpty, vFile, vRun, ... */
        }
        break;
    case 'D':
        /* Answer before the harts resume: a guest that runs to its
         * power-off at once would end memcored before the OK left. */
        remove_all_breakpoints(s);
        reply(s, "OK");
        detach_target(s);
        s->finished = true;
        break;
    case 'k':
        /* kill: memcored stays up (it serves other front-ends); the
         * guest goes on as after a detach.  No reply is expected. */
        detach_target(s);
        flush_ack(s);
        s->finished = true;
        break;
    case 'Z':
        handle_Z(s, p + 1, true);
        break;
    case 'z':
        handle_Z(s, p + 1, false);
        break;
    default:
        reply(s, "");
        break;
    }
}

static void on_event(GdbStub *s, const RspEvent *ev)
{
    switch (ev->kind) {
    case RSP_EV_PACKET:
        if (!s->no_ack) {
            s->ack_due = true;
        }
        if (ev->len == 0) {
            reply(s, "");
        } else if (gdb_stub_running(s)) {
            /* all-stop: gdb sends nothing but ^C while the target runs */
            reply(s, "E01");
        } else {
            handle_packet(s, ev->data, ev->len);
        }
        flush_ack(s);
        gdb_stub_process_events(s);
        break;
    case RSP_EV_BAD_CHECKSUM:
        if (!s->no_ack) {
            s->write(s->write_opaque, "-", 1);
        }
        break;
    case RSP_EV_OVERSIZE:
        /* intact but longer than PacketSize: refuse it, stay in step */
        if (!s->no_ack) {
            s->ack_due = true;
        }
        reply(s, "E01");
        break;
    case RSP_EV_NAK:
        if (!s->no_ack && s->frame_len > s->frame_start) {
            s->write(s->write_opaque, s->frame + s->frame_start,
                     s->frame_len - s->frame_start);
        }
        break;
    case RSP_EV_ACK:
        break; /* also the stray '+' after QStartNoAckMode */
    case RSP_EV_INTERRUPT:
        if (gdb_stub_running(s)) {
            if (s->t.ops->stop) {
                s->t.ops->stop(s->t.opaque);
            } else {
                GdbStopEvent stop = { .thread = 1,
                                      .reason = GDB_STOP_SIGNAL,
                                      .signal = GDB_SIGINT };

                gdb_stub_notify_stop(s, &stop);
            }
            gdb_stub_process_events(s);
        }
        break;
    case RSP_EV_NONE:
        break;
    }
}

void gdb_stub_input(GdbStub *s, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len && !s->finished) {
        RspEvent ev;
        size_t used = rsp_parser_feed(&s->parser, p, len, &ev);

        p += used;
        len -= used;
        on_event(s, &ev);
    }
}

bool gdb_stub_finished(const GdbStub *s)
{
    return s->finished;
}

int gdb_stub_event_fd(const GdbStub *s)
{
    return s->efd;
}

/* ---- life cycle ---------------------------------------------------------- */

GdbStub *gdb_stub_new(const GdbTarget *target, const MonitorMachine *machine,
                      GdbWriteFn write, void *write_opaque)
{
    GdbStub *s = calloc(1, sizeof(*s));
    const GdbArch *a = target->arch;

    if (!s) {
        return NULL;
    }
    s->t = *target;
    s->machine = machine;
    s->write = write;
    s->write_opaque = write_opaque;
    s->efd = -1;
    pthread_mutex_init(&s->lock, NULL);
    for (unsigned i = 0; i < a->nregs; i++) {
        s->regs_size += a->reg_size[i];
    }
    s->out = malloc(RSP_PACKET_SIZE);
    s->frame = malloc(RSP_PACKET_SIZE + 5);
    s->mem = malloc(MEM_CHUNK);
    s->regs = calloc(1, s->regs_size ? s->regs_size : 1);
    s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (!s->out || !s->frame || !s->mem || !s->regs || s->efd < 0 ||
        !rsp_parser_init(&s->parser, RSP_PACKET_SIZE)) {
        gdb_stub_free(s);
        return NULL;
    }
    s->g_thread = 1;
    s->last_stop = (GdbStopEvent){ .thread = 1, .reason = GDB_STOP_SIGNAL,
                                   .signal = GDB_SIGTRAP };
    if (s->t.ops->attach) {
        s->t.ops->attach(s->t.opaque, s);
    }
    s->attached = true;
    return s;
}

void gdb_stub_free(GdbStub *s)
{
    if (!s) {
        return;
    }
    detach_target(s);
    monitor_free(s->monitor);
    rsp_parser_destroy(&s->parser);
    if (s->efd >= 0) {
        close(s->efd);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->out);
    free(s->frame);
    free(s->mem);
    free(s->regs);
    free(s->bps);
    free(s->memmap);
    free(s);
}
