/*
 * tests/unit/test_gdb_stub.c — the packet handlers of gdbstub/stub.c
 * against a fake target: two threads with their own registers, memory in
 * a real memcore address space (256 KiB of RAM at 0x1000, ROM at
 * 0x50000, an MMIO device at 0x60000 that records the debug bit), breakpoints and resumes
 * recorded, stops reported from another thread.
 *
 * What gdb would see is checked: the packets the stub sends back.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <gdbstub/rsp.h>
#include <gdbstub/stub.h>
#include <memcore/memcore.h>
#include <monitor/monitor.h>

#include "fixtures.h"
#include "check_run.h"

/* ---- the fake target ------------------------------------------------------- */

#define NTHREADS 2
#define REGS_SIZE (RV64_GDB_NREGS * 8)

typedef struct Fake {
    uint8_t regs[NTHREADS][REGS_SIZE];
    bool no_vcpu;
    GdbStub *stub;
    int attached, detached, stops;
    GdbResume last_resume[NTHREADS];
    int resumes;
    bool stop_at_once;            /* resume reports its stop itself */
    char bp_log[512];
    size_t wire_at_detach;        /* bytes gdb had been sent by then */
} Fake;

static Fake fake;
static size_t wire_len, wire_cap;
static MemoryRegion ram, rom, dev;
static unsigned dev_reads, dev_debug_reads;

static MemTxResult dev_read(void *opaque, hwaddr addr, uint64_t *data,
                            unsigned size, MemTxAttrs attrs)
{
    (void)opaque;
    (void)size;
    dev_reads++;
    if (attrs.debug) {
        dev_debug_reads++;
    }
    *data = 0xa0 + addr;
    return MEMTX_OK;
}

static MemTxResult dev_write(void *opaque, hwaddr addr, uint64_t data,
                             unsigned size, MemTxAttrs attrs)
{
    (void)opaque;
    (void)addr;
    (void)data;
    (void)size;
    (void)attrs;
    return MEMTX_OK;
}

static const MemoryRegionOps dev_ops = {
    .read_with_attrs = dev_read,
    .write_with_attrs = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static unsigned f_nr_threads(void *opaque)
{
    (void)opaque;
    return NTHREADS;
}

static int f_read_regs(void *opaque, unsigned thread, uint8_t *buf)
{
    Fake *f = opaque;

    ck_assert(thread >= 1 && thread <= NTHREADS);
    memcpy(buf, f->regs[thread - 1], REGS_SIZE);
    return 0;
}

static int f_write_regs(void *opaque, unsigned thread, const uint8_t *buf)
{
    Fake *f = opaque;

    ck_assert(thread >= 1 && thread <= NTHREADS);
    memcpy(f->regs[thread - 1], buf, REGS_SIZE);
    return 0;
}

static AddressSpace *f_as(void *opaque, unsigned thread)
{
    (void)opaque;
    (void)thread;
    return fx_as;
}

static void f_attach(void *opaque, GdbStub *stub)
{
    Fake *f = opaque;

    f->stub = stub;
    f->attached++;
}

static void f_detach(void *opaque)
{
    Fake *f = opaque;

    f->stub = NULL;
    f->detached++;
    f->wire_at_detach = wire_len;
}

static int f_resume(void *opaque, const GdbResume *actions)
{
    Fake *f = opaque;

    memcpy(f->last_resume, actions, sizeof(f->last_resume));
    f->resumes++;
    if (f->stop_at_once) {
        GdbStopEvent ev = { .thread = 2, .reason = GDB_STOP_SIGNAL,
                            .signal = GDB_SIGTRAP };

        gdb_stub_notify_stop(f->stub, &ev);
    }
    return 0;
}

static void f_stop(void *opaque)
{
    Fake *f = opaque;
    GdbStopEvent ev = { .thread = 1, .reason = GDB_STOP_SIGNAL,
                        .signal = GDB_SIGINT };

    f->stops++;
    gdb_stub_notify_stop(f->stub, &ev);
}

static int f_bp(void *opaque, GdbBreakType type, uint64_t addr,
                uint64_t kind, char op)
{
    Fake *f = opaque;
    size_t n = strlen(f->bp_log);

    if (type >= GDB_WATCH_WRITE) {
        return -ENOSYS;
    }
    snprintf(f->bp_log + n, sizeof(f->bp_log) - n, "%c%d@%llx/%llu ", op,
             (int)type, (unsigned long long)addr, (unsigned long long)kind);
    return 0;
}

static int f_insert(void *opaque, GdbBreakType type, uint64_t addr,
                    uint64_t kind)
{
    return f_bp(opaque, type, addr, kind, '+');
}

static int f_remove(void *opaque, GdbBreakType type, uint64_t addr,
                    uint64_t kind)
{
    return f_bp(opaque, type, addr, kind, '-');
}

static const GdbTargetOps fake_ops = {
    .nr_threads = f_nr_threads,
    .read_registers = f_read_regs,
    .write_registers = f_write_regs,
    .address_space = f_as,
    .attach = f_attach,
    .detach = f_detach,
    .resume = f_resume,
    .stop = f_stop,
    .insert_breakpoint = f_insert,
    .remove_breakpoint = f_remove,
};

/* A target without vCPU: only memory (as memcored serves today). */
static const GdbTargetOps bare_ops = {
    .address_space = f_as,
};

/* ---- the wire --------------------------------------------------------------- */

/* Everything the stub wrote since the last take(). */
static char *wire;

static void capture_write(void *opaque, const void *buf, size_t len)
{
    (void)opaque;
    if (wire_len + len + 1 > wire_cap) {
        wire_cap = (wire_len + len + 1) * 2;
        wire = realloc(wire, wire_cap);
        ck_assert_ptr_nonnull(wire);
    }
    memcpy(wire + wire_len, buf, len);
    wire_len += len;
    wire[wire_len] = '\0';
}

static GdbStub *stub;
static MonitorMachine machine;

static void setup(void)
{
    Error *err = NULL;

    fx_setup();
    memset(&fake, 0, sizeof(fake));
    for (int t = 0; t < NTHREADS; t++) {
        for (int i = 0; i < REGS_SIZE; i++) {
            fake.regs[t][i] = (uint8_t)(t * 0x40 + i);
        }
    }
    fx_ram(&ram, "ram", 0x40000);
    memory_region_add_subregion(fx_root, 0x1000, &ram);
    fx_rom(&rom, "rom", 0x1000);
    memory_region_add_subregion(fx_root, 0x50000, &rom);
    memory_region_init_io(&dev, NULL, &dev_ops, NULL, "dev", 0x100);
    memory_region_add_subregion(fx_root, 0x60000, &dev);
    (void)err;
    dev_reads = dev_debug_reads = 0;
    wire_len = 0;
    memset(&machine, 0, sizeof(machine));
}

static void teardown(void)
{
    gdb_stub_free(stub);
    stub = NULL;
    memory_region_del_subregion(fx_root, &ram);
    memory_region_del_subregion(fx_root, &rom);
    memory_region_del_subregion(fx_root, &dev);
    fx_teardown();
    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    memory_region_destroy(&dev);
    free(wire);
    wire = NULL;
    wire_len = wire_cap = 0;
}

static GdbStub *open_stub(const GdbTargetOps *ops, bool read_only)
{
    GdbTarget t = { .ops = ops, .opaque = &fake, .arch = &gdb_arch_riscv64,
                    .read_only = read_only };

    stub = gdb_stub_new(&t, &machine, capture_write, NULL);
    ck_assert_ptr_nonnull(stub);
    return stub;
}

/* Feed raw bytes. */
static void feed(const void *buf, size_t len)
{
    gdb_stub_input(stub, buf, len);
}

/* Send one packet, framed. */
static void sendp(const char *data, size_t len)
{
    char *f = malloc(len + 8);
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = rsp_frame(data, len, f, len + 8);
    ck_assert_uint_gt(n, 0);
    feed(f, n);
    free(f);
}

/* The packets on the wire (acks dropped), checksums verified; each
 * packet's data as gdb reads it (run-length encoding expanded), with
 * '\n' between them.  Clears the wire. */
static char *packets(void)
{
    RspParser p;
    size_t off = 0;
    char *out = calloc(1, wire_len + 2);
    size_t o = 0;

    ck_assert_ptr_nonnull(out);
    ck_assert(rsp_parser_init(&p, RSP_PACKET_SIZE));
    while (off < wire_len) {
        RspEvent ev;

        off += rsp_parser_feed(&p, (const uint8_t *)wire + off,
                               wire_len - off, &ev);
        ck_assert(ev.kind != RSP_EV_BAD_CHECKSUM);
        if (ev.kind == RSP_EV_PACKET) {
            /* run-length encoding makes a packet longer than on the wire */
            out = realloc(out, o + ev.len + 2);
            ck_assert_ptr_nonnull(out);
            if (o) {
                out[o++] = '\n';
            }
            memcpy(out + o, ev.data, ev.len);
            o += ev.len;
        }
    }
    out[o] = '\0';
    rsp_parser_destroy(&p);
    wire_len = 0;
    return out;
}

/* Send @cmd, expect the single reply @want. */
static void expect(const char *cmd, const char *want)
{
    char *got;

    sendp(cmd, strlen(cmd));
    got = packets();
    ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", cmd,
                  got, want);
    free(got);
}

/* Send @cmd and return the reply (caller frees). */
static char *ask(const char *cmd)
{
    sendp(cmd, strlen(cmd));
    return packets();
}

static void no_ack(void)
{
    expect("QStartNoAckMode", "OK");
    feed("+", 1);  /* gdb's ack of that OK, after no-ack started */
    ck_assert_uint_eq(wire_len, 0);
}

/* ---- acks and framing ------------------------------------------------------ */

START_TEST(acks_naks_and_no_ack_mode)
{
    char *r;

    open_stub(&fake_ops, false);
    ck_assert_int_eq(fake.attached, 1);
    sendp("qSupported:multiprocess+;swbreak+;hwbreak+", 42);
    ck_assert_int_eq(wire[0], '+');   /* the ack comes first */
    r = packets();
    ck_assert_ptr_nonnull(strstr(r, "PacketSize=40000"));
    ck_assert_ptr_nonnull(strstr(r, "QStartNoAckMode+"));
    ck_assert_ptr_nonnull(strstr(r, "qXfer:features:read+"));
    ck_assert_ptr_nonnull(strstr(r, "qXfer:memory-map:read+"));
    ck_assert_ptr_nonnull(strstr(r, "swbreak+;hwbreak+;vContSupported+"));
    ck_assert_ptr_null(strstr(r, "multiprocess"));
    free(r);

    /* a bad checksum is NAKed, nothing handled */
    feed("$g#00", 5);
    ck_assert_uint_eq(wire_len, 1);
    ck_assert_int_eq(wire[0], '-');
    wire_len = 0;
    /* a NAK of our reply resends it, without a second ack */
    sendp("qC", 2);
    ck_assert(memcmp(wire, "+$QC1#", 6) == 0);
    wire_len = 0;
    feed("-", 1);
    ck_assert(memcmp(wire, "$QC1#", 5) == 0);
    wire_len = 0;

    no_ack();
    sendp("qC", 2);
    ck_assert_int_eq(wire[0], '$');   /* no ack any more */
    wire_len = 0;
    feed("$g#00", 5);                  /* bad checksum: silently dropped */
    ck_assert_uint_eq(wire_len, 0);
    expect("?", "T05thread:1;");
}
END_TEST

START_TEST(unknown_malformed_and_oversize)
{
    char *big;
    size_t n = RSP_PACKET_SIZE + 100;

    open_stub(&fake_ops, false);
    no_ack();
    expect("vMustReplyEmpty", "");
    expect("qTStatus", "");
    expect("qOffsets", "");
    expect("!", "");
    expect("m", "E01");
    expect("m1000", "E01");
    expect("mzz,4", "E01");
    expect("M1000,4:zz", "E01");
    expect("X1000,4:ab", "E01");  /* length does not match the data */
    expect("Hx1", "E01");
    expect("Hg9", "E01");         /* no such thread */
    expect("T9", "E01");
    expect("T2", "OK");
    expect("Z9,0,0", "");
    expect("vCont;q", "E01");
    /* a packet bigger than PacketSize: refused, then business as usual */
    big = malloc(n);
    ck_assert_ptr_nonnull(big);
    memset(big, '0', n);
    big[0] = 'M';
    sendp(big, n);
    free(big);
    big = packets();
    ck_assert_str_eq(big, "E01");
    free(big);
    expect("qC", "QC1");
}
END_TEST

/* ---- registers -------------------------------------------------------------- */

START_TEST(registers)
{
    char *r, want[2 * REGS_SIZE + 1], cmd[2 * REGS_SIZE + 2];

    open_stub(&fake_ops, false);
    no_ack();
    r = ask("g");
    rsp_hex_encode(fake.regs[0], REGS_SIZE, want);
    want[2 * REGS_SIZE] = '\0';
    ck_assert_str_eq(r, want);
    free(r);

    expect("Hg2", "OK");
    expect("qC", "QC2");
    r = ask("p20");          /* pc of thread 2: bytes 256..263 */
    ck_assert_str_eq(r, "4041424344454647");
    free(r);
    expect("P20=efbeadde00000000", "OK");
    ck_assert_uint_eq(fake.regs[1][256], 0xef);
    ck_assert_uint_eq(fake.regs[1][259], 0xde);
    ck_assert_uint_eq(fake.regs[0][256], 0);  /* thread 1 untouched */
    expect("p21", "E14");   /* past the last register */
    expect("P21=00", "E01");
    expect("P20=00", "E01");  /* wrong size */

    memset(cmd, '1', sizeof(cmd));
    cmd[0] = 'G';
    cmd[sizeof(cmd) - 1] = '\0';
    expect(cmd, "OK");
    ck_assert_uint_eq(fake.regs[1][0], 0x11);
    ck_assert_uint_eq(fake.regs[1][REGS_SIZE - 1], 0x11);
    cmd[10] = '\0';
    expect(cmd, "E01");
}
END_TEST

START_TEST(registers_without_vcpu)
{
    char *r;

    open_stub(&bare_ops, false);
    no_ack();
    r = ask("g");
    ck_assert_uint_eq(strlen(r), 2 * REGS_SIZE);
    ck_assert_uint_eq(strspn(r, "0"), 2 * REGS_SIZE);
    free(r);
    expect("p20", "0000000000000000");
    r = ask("P20=0100000000000000");
    ck_assert_int_eq(r[0], 'E');   /* refused: there is no register */
    free(r);
    expect("qfThreadInfo", "m1");
    expect("qsThreadInfo", "l");
    /* continue and step stop at once */
    expect("vCont;c", "T05thread:1;");
    expect("s", "T05thread:1;");
}
END_TEST

/* ---- memory ------------------------------------------------------------------ */

START_TEST(memory_read_write)
{
    char *r;
    uint8_t x[] = { 'X', '1', '0', '0', '0', ',', '6', ':',
                    '}', '#' ^ 0x20, '}', '$' ^ 0x20, '}', '}' ^ 0x20,
                    '}', '*' ^ 0x20, 0x00, 0x03 };
    open_stub(&fake_ops, false);
    no_ack();
    expect("M1000,4:78563412", "OK");
    ck_assert_uint_eq(address_space_ldl_le(fx_as, 0x1000,
                                           MEMTXATTRS_UNSPECIFIED, NULL),
                      0x12345678);
    expect("m1000,4", "78563412");
    expect("m1000,0", "");
    /* X: binary, with every escaped byte */
    sendp((const char *)x, sizeof(x));
    r = packets();
    ck_assert_str_eq(r, "OK");
    free(r);
    expect("m1000,6", "23247d2a0003");
    expect("X1000,0:", "OK");  /* gdb's probe */
    /* nothing mapped: gdb prints "Cannot access memory at address" */
    expect("m0,4", "E14");
    expect("mffffffffffffff00,4", "E14");
    expect("M0,1:00", "E14");
    /* ROM refuses writes from gdb too (gdb does not try: the map) */
    expect("M50000,1:00", "E14");
    /* across the end of RAM: what can be read */
    expect("M40ffe,2:abcd", "OK");
    expect("m40ffe,8", "abcd");
    /* past 2^64: clamped, never wraps */
    expect("mffffffffffffffff,10", "E14");
    /* a device: read with the debug bit */
    expect("m60004,2", "a4a5");
    ck_assert_uint_eq(dev_reads, 2);
    ck_assert_uint_eq(dev_debug_reads, 2);
    /* a huge length is cut to what a packet holds */
    r = ask("m1000,10000000");
    ck_assert_uint_eq(strlen(r), RSP_PACKET_SIZE);  /* half: hex */
    free(r);
}
END_TEST

/* --read-only: every memory and register write is refused with a text gdb
 * can show, and nothing changes. */
START_TEST(memory_read_only)
{
    char cmd[1 + 2 * REGS_SIZE + 1];
    uint8_t regs[REGS_SIZE];

    open_stub(&fake_ops, true);
    no_ack();
    memcpy(regs, fake.regs[0], REGS_SIZE);
    expect("M1000,1:ff", "E.memcored is read-only");
    expect("X1000,1:a", "E.memcored is read-only");
    expect("X1000,0:", "E.memcored is read-only");
    expect("P20=0000000000000000", "E.memcored is read-only");
    memset(cmd, '1', sizeof(cmd));
    cmd[0] = 'G';
    cmd[sizeof(cmd) - 1] = '\0';
    expect(cmd, "E.memcored is read-only");
    ck_assert_mem_eq(regs, fake.regs[0], REGS_SIZE);
    expect("m1000,1", "00");
    /* malformed packets are still malformed */
    expect("P20=00", "E01");
}
END_TEST

/* Read a qXfer object in pieces of @chunk bytes. */
static char *xfer(const char *object, unsigned chunk)
{
    char *doc = calloc(1, 1);
    size_t len = 0;

    ck_assert_ptr_nonnull(doc);
    for (;;) {
        char cmd[128];
        char *r;

        snprintf(cmd, sizeof(cmd), "qXfer:%s:%zx,%x", object, len, chunk);
        r = ask(cmd);
        ck_assert_msg(r[0] == 'm' || r[0] == 'l', "%s: %s", cmd, r);
        ck_assert_uint_le(strlen(r + 1), chunk);
        doc = realloc(doc, len + strlen(r + 1) + 1);
        strcpy(doc + len, r + 1);
        len += strlen(r + 1);
        if (r[0] == 'l') {
            free(r);
            return doc;
        }
        free(r);
    }
}

START_TEST(target_xml)
{
    char *a, *b;

    open_stub(&fake_ops, false);
    no_ack();
    a = xfer("features:read:target.xml", 0xffb);
    b = xfer("features:read:target.xml", 7);
    ck_assert_str_eq(a, b);
    ck_assert_str_eq(a, gdb_arch_riscv64.target_xml);
    ck_assert_ptr_nonnull(strstr(a, "<architecture>riscv:rv64</architecture>"));
    ck_assert_ptr_nonnull(strstr(a, "org.gnu.gdb.riscv.cpu"));
    ck_assert_ptr_nonnull(strstr(a, "<reg name=\"pc\""));
    free(a);
    free(b);
    expect("qXfer:features:read:other.xml:0,100", "E00");
    expect("qXfer:features:read:target.xml:100000,100", "l");
    expect("qXfer:auxv:read::0,100", "");
}
END_TEST

START_TEST(memory_map_follows_topology)
{
    static MemoryRegion extra;
    char *a, *b;

    open_stub(&fake_ops, false);
    no_ack();
    a = xfer("memory-map:read:", 0xffb);
    ck_assert_ptr_nonnull(strstr(a, "<memory type=\"ram\" start=\"0x1000\" "
                                    "length=\"0x40000\"/>"));
    ck_assert_ptr_nonnull(strstr(a, "<memory type=\"rom\" start=\"0x50000\" "
                                    "length=\"0x1000\"/>"));
    ck_assert_ptr_nonnull(strstr(a, "<memory type=\"ram\" start=\"0x60000\" "
                                    "length=\"0x100\"/>"));
    b = xfer("memory-map:read:", 5);
    ck_assert_str_eq(a, b);
    free(b);

    /* a topology change shows in the next read */
    fx_ram(&extra, "extra", 0x1000);
    memory_region_add_subregion(fx_root, 0x41000, &extra);
    b = xfer("memory-map:read:", 0xffb);
    ck_assert_ptr_nonnull(strstr(b, "<memory type=\"ram\" start=\"0x1000\" "
                                    "length=\"0x41000\"/>"));
    free(b);
    memory_region_del_subregion(fx_root, &extra);
    b = xfer("memory-map:read:", 0xffb);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    memory_region_destroy(&extra);
}
END_TEST

START_TEST(search_memory)
{
    char cmd[128];
    uint8_t pat[4] = { 0xde, 0xc0, 0xad, 0x0b };

    open_stub(&fake_ops, false);
    no_ack();
    /* across the stub's pieces (RSP_PACKET_SIZE / 2 bytes from the
     * start of RAM) */
    address_space_write(fx_as, 0x1000 + RSP_PACKET_SIZE / 2 - 2,
                        MEMTXATTRS_UNSPECIFIED, pat, 4);
    expect("qSearch:memory:0;ffffffff;\xde\xc0\xad\x0b", "1,20ffe");
    /* the whole pattern must lie inside the range */
    expect("qSearch:memory:0;21001;\xde\xc0\xad\x0b", "0");
    expect("qSearch:memory:0;21002;\xde\xc0\xad\x0b", "1,20ffe");
    /* the last bytes of RAM, searching from past the first match */
    address_space_write(fx_as, 0x40ffc, MEMTXATTRS_UNSPECIFIED, pat, 4);
    expect("qSearch:memory:21000;ffffffffffffffff;\xde\xc0\xad\x0b",
           "1,40ffc");
    /* the device is not searched, and nothing is found past RAM */
    expect("qSearch:memory:41000;100000;\xa4\xa5", "0");
    ck_assert_uint_eq(dev_reads, 0);
    /* an escaped pattern byte ('#' is sent as "}\x03") */
    address_space_write(fx_as, 0x2000, MEMTXATTRS_UNSPECIFIED,
                        (const uint8_t *)"a#b", 3);
    snprintf(cmd, sizeof(cmd), "qSearch:memory:1000;1000000;a}%cb",
             '#' ^ 0x20);
    expect(cmd, "1,2000");
    expect("qSearch:memory:1000;10;", "E01");
    expect("qSearch:memory:1000", "E01");
}
END_TEST

/* ---- monitor ----------------------------------------------------------------- */

START_TEST(monitor_command)
{
    char cmd[128], *r, *p, text[4096];
    size_t t = 0;
    static const char line[] = "info mtree -f";

    open_stub(&fake_ops, false);
    no_ack();
    strcpy(cmd, "qRcmd,");
    rsp_hex_encode((const uint8_t *)line, strlen(line), cmd + 6);
    cmd[6 + 2 * strlen(line)] = '\0';
    r = ask(cmd);
    /* O packets, then OK */
    for (p = strtok(r, "\n"); p; p = strtok(NULL, "\n")) {
        if (!strcmp(p, "OK")) {
            break;
        }
        ck_assert_int_eq(p[0], 'O');
        ck_assert(rsp_hex_decode(p + 1, strlen(p + 1) / 2,
                                 (uint8_t *)text + t));
        t += strlen(p + 1) / 2;
    }
    ck_assert_ptr_nonnull(p);
    text[t] = '\0';
    ck_assert_ptr_nonnull(strstr(text, "0000000000001000-0000000000040fff "
                                       "(prio 0, ram): ram"));
    free(r);
    expect("qRcmd,zz", "E01");
    expect("qRcmd,6", "E01");
}
END_TEST

/* ---- running, stops, breakpoints -------------------------------------------- */

typedef struct Later {
    GdbStub *stub;
    GdbStopEvent ev;
} Later;

static void *report_later(void *arg)
{
    Later *l = arg;

    gdb_stub_notify_stop(l->stub, &l->ev);
    return NULL;
}

/* Report @ev from another thread; wait for the event fd; process. */
static char *stop_from_thread(GdbStopEvent ev)
{
    Later l = { stub, ev };
    pthread_t th;
    struct pollfd pfd = { .fd = gdb_stub_event_fd(stub), .events = POLLIN };

    ck_assert_uint_eq(wire_len, 0);    /* nothing until the target stops */
    ck_assert(gdb_stub_running(stub));
    ck_assert_int_eq(pthread_create(&th, NULL, report_later, &l), 0);
    ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
    pthread_join(th, NULL);
    gdb_stub_process_events(stub);
    ck_assert(!gdb_stub_running(stub));
    return packets();
}

START_TEST(resume_and_stop_replies)
{
    char *r;

    open_stub(&fake_ops, false);
    sendp("qSupported:swbreak+;hwbreak+", 28);
    free(packets());
    no_ack();
    expect("vCont?", "vCont;c;C;s;S");

    sendp("vCont;s:2;c", 11);
    ck_assert_int_eq(fake.last_resume[0].action, GDB_RESUME_CONTINUE);
    ck_assert_int_eq(fake.last_resume[1].action, GDB_RESUME_STEP);
    r = stop_from_thread((GdbStopEvent){ 2, GDB_STOP_SWBREAK, 5, 0 });
    ck_assert_str_eq(r, "T05thread:2;swbreak:;");
    free(r);
    expect("qC", "QC2");   /* registers now follow the thread that stopped */
    expect("?", "T05thread:2;swbreak:;");

    sendp("c", 1);
    ck_assert_int_eq(fake.last_resume[0].action, GDB_RESUME_CONTINUE);
    ck_assert_int_eq(fake.last_resume[1].action, GDB_RESUME_CONTINUE);
    r = stop_from_thread((GdbStopEvent){ 1, GDB_STOP_WATCH, 5, 0x1234 });
    ck_assert_str_eq(r, "T05thread:1;watch:1234;");
    free(r);

    sendp("vCont;c:1", 9);
    ck_assert_int_eq(fake.last_resume[1].action, GDB_RESUME_STAY);
    r = stop_from_thread((GdbStopEvent){ 1, GDB_STOP_RWATCH, 5, 0x80 });
    ck_assert_str_eq(r, "T05thread:1;rwatch:80;");
    free(r);

    sendp("vCont;C1f:2;s:1", 15);
    ck_assert_int_eq(fake.last_resume[1].signal, 0x1f);
    ck_assert_int_eq(fake.last_resume[0].action, GDB_RESUME_STEP);
    r = stop_from_thread((GdbStopEvent){ 2, GDB_STOP_AWATCH, 5, 0x88 });
    ck_assert_str_eq(r, "T05thread:2;awatch:88;");
    free(r);

    /* Ctrl-C while running: the target is asked to stop */
    sendp("c", 1);
    ck_assert_uint_eq(wire_len, 0);
    feed("\x03", 1);
    ck_assert_int_eq(fake.stops, 1);
    r = packets();
    ck_assert_str_eq(r, "T02thread:1;");
    free(r);
    /* Ctrl-C while stopped: nothing */
    feed("\x03", 1);
    ck_assert_int_eq(fake.stops, 1);
    ck_assert_uint_eq(wire_len, 0);

    /* a stop of no thread in particular (thread 0, a target's Ctrl-C)
     * names gdb's current thread: the last stop's, then the last Hc's,
     * else the Hg one, so that gdb does not switch threads */
    sendp("c", 1);
    r = stop_from_thread((GdbStopEvent){ 2, GDB_STOP_SWBREAK, 5, 0 });
    free(r);
    expect("Hg1", "OK");
    sendp("c", 1);
    r = stop_from_thread((GdbStopEvent){ 0, GDB_STOP_SIGNAL, 2, 0 });
    ck_assert_str_eq(r, "T02thread:2;");
    free(r);
    expect("Hc1", "OK");
    sendp("c", 1);
    r = stop_from_thread((GdbStopEvent){ 0, GDB_STOP_SIGNAL, 2, 0 });
    ck_assert_str_eq(r, "T02thread:1;");
    free(r);
    expect("Hc0", "OK");
    expect("Hg2", "OK");
    sendp("c", 1);
    r = stop_from_thread((GdbStopEvent){ 0, GDB_STOP_SIGNAL, 2, 0 });
    ck_assert_str_eq(r, "T02thread:2;");
    free(r);

    /* a stop reported while nothing runs is dropped */
    gdb_stub_notify_stop(stub, &(GdbStopEvent){ 1, GDB_STOP_SIGNAL, 5, 0 });
    gdb_stub_process_events(stub);
    ck_assert_uint_eq(wire_len, 0);

    /* s ADDR sets the pc of the Hc thread, then steps it */
    fake.stop_at_once = true;
    expect("Hc2", "OK");
    expect("s80001000", "T05thread:2;");
    ck_assert_uint_eq(fake.regs[1][256], 0x00);
    ck_assert_uint_eq(fake.regs[1][257], 0x10);
    ck_assert_uint_eq(fake.regs[1][259], 0x80);
    ck_assert_int_eq(fake.last_resume[1].action, GDB_RESUME_STEP);
    ck_assert_int_eq(fake.last_resume[0].action, GDB_RESUME_CONTINUE);
}
END_TEST

START_TEST(stop_reasons_gdb_did_not_ask_for)
{
    char *r;

    open_stub(&fake_ops, false);
    no_ack();   /* no qSupported: gdb never said swbreak+ */
    sendp("c", 1);
    r = stop_from_thread((GdbStopEvent){ 1, GDB_STOP_HWBREAK, 5, 0 });
    ck_assert_str_eq(r, "T05thread:1;");
    free(r);
}
END_TEST

START_TEST(breakpoints_and_detach)
{
    char *r;

    open_stub(&fake_ops, false);
    no_ack();
    expect("Z0,80001004,4", "OK");
    expect("Z0,80001004,4", "OK");   /* twice: inserted once */
    expect("Z1,80002000,2", "OK");
    expect("z0,80001004,4", "OK");
    expect("Z0,80003000,4", "OK");
    r = ask("Z2,80001000,4");
    ck_assert_int_eq(r[0], 'E');     /* not supported yet: gdb falls back */
    free(r);
    r = ask("Z3,80001000,4");
    ck_assert_int_eq(r[0], 'E');
    free(r);
    r = ask("Z4,80001000,4");
    ck_assert_int_eq(r[0], 'E');
    free(r);
    expect("z2,80001000,4", "OK");
    ck_assert_str_eq(fake.bp_log, "+0@80001004/4 +1@80002000/2 "
                                  "-0@80001004/4 +0@80003000/4 ");
    expect("D", "OK");
    ck_assert(gdb_stub_finished(stub));
    ck_assert_int_eq(fake.detached, 1);
    /* the OK left before the target resumed: a guest that powers off
     * at once must not end memcored with gdb's answer unsent */
    ck_assert_uint_gt(fake.wire_at_detach, 0);
    ck_assert_ptr_nonnull(strstr(fake.bp_log, "-0@80003000/4"));
    ck_assert_ptr_nonnull(strstr(fake.bp_log, "-1@80002000/2"));
    /* after D nothing more is read */
    sendp("g", 1);
    ck_assert_uint_eq(wire_len, 0);
    gdb_stub_free(stub);
    stub = NULL;
    ck_assert_int_eq(fake.detached, 1);   /* not twice */
}
END_TEST

START_TEST(kill_and_disconnect_detach)
{
    open_stub(&fake_ops, false);
    expect("Z0,1000,4", "OK");
    sendp("k", 1);
    ck_assert_str_eq(wire, "+");  /* acked, no reply */
    wire_len = 0;
    ck_assert(gdb_stub_finished(stub));
    ck_assert_int_eq(fake.detached, 1);
    ck_assert_ptr_nonnull(strstr(fake.bp_log, "-0@1000/4"));
    gdb_stub_free(stub);

    /* a connection that just drops detaches too */
    memset(fake.bp_log, 0, sizeof(fake.bp_log));
    open_stub(&fake_ops, false);
    expect("Z1,2000,2", "OK");
    gdb_stub_free(stub);
    stub = NULL;
    ck_assert_int_eq(fake.detached, 2);
    ck_assert_ptr_nonnull(strstr(fake.bp_log, "-1@2000/2"));
}
END_TEST

START_TEST(exit_while_running_or_stopped)
{
    char *r;

    /* gdb waits for a stop: it is told the process exited */
    open_stub(&fake_ops, false);
    no_ack();
    sendp("c", 1);
    ck_assert_uint_eq(wire_len, 0);
    gdb_stub_exited(stub, 0x103);
    r = packets();
    ck_assert_str_eq(r, "W03");
    free(r);
    ck_assert(gdb_stub_finished(stub));
    ck_assert(!gdb_stub_running(stub));
    gdb_stub_free(stub);

    /* a stop that came first is sent instead */
    open_stub(&fake_ops, false);
    no_ack();
    sendp("c", 1);
    gdb_stub_notify_stop(stub, &(GdbStopEvent){ 1, GDB_STOP_SWBREAK, 5, 0 });
    gdb_stub_exited(stub, 0);
    r = packets();
    ck_assert_str_eq(r, "T05thread:1;");
    free(r);
    gdb_stub_free(stub);

    /* gdb at its prompt (target stopped) reads nothing unasked */
    open_stub(&fake_ops, false);
    no_ack();
    gdb_stub_exited(stub, 0);
    ck_assert_uint_eq(wire_len, 0);
    ck_assert(gdb_stub_finished(stub));
}
END_TEST

START_TEST(threads)
{
    open_stub(&fake_ops, false);
    no_ack();
    expect("qfThreadInfo", "m1,2");
    expect("qsThreadInfo", "l");
    expect("qAttached", "1");
    expect("qAttached:1", "1");
    expect("Hg0", "OK");
    expect("Hgp1.2", "OK");   /* the multiprocess form is understood */
    expect("qC", "QC2");
    expect("Hc-1", "OK");
    expect("Hg-1", "OK");
    expect("qThreadExtraInfo,2", "764350552031"); /* "vCPU 1" */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gdb_stub");
    TCase *tc = tcase_create("stub");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, acks_naks_and_no_ack_mode);
    tcase_add_test(tc, unknown_malformed_and_oversize);
    tcase_add_test(tc, registers);
    tcase_add_test(tc, registers_without_vcpu);
    tcase_add_test(tc, memory_read_write);
    tcase_add_test(tc, memory_read_only);
    tcase_add_test(tc, target_xml);
    tcase_add_test(tc, memory_map_follows_topology);
    tcase_add_test(tc, search_memory);
    tcase_add_test(tc, monitor_command);
    tcase_add_test(tc, resume_and_stop_replies);
    tcase_add_test(tc, stop_reasons_gdb_did_not_ask_for);
    tcase_add_test(tc, breakpoints_and_detach);
    tcase_add_test(tc, kill_and_disconnect_detach);
    tcase_add_test(tc, exit_while_running_or_stopped);
    tcase_add_test(tc, threads);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
