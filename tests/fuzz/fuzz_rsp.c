/*
 * tests/fuzz/fuzz_rsp.c — fuzz target for the gdb stub: bytes as gdb
 * would send them → the RSP decoder → the packet handlers, on a small
 * machine built once (RAM at 0x1000 and 0x80000000, ROM at 0x20000, an
 * MMIO scratch device at 0x30000) and a fake two-thread target whose
 * `continue` runs until Ctrl-C and whose `step` stops at once.
 *
 * The first input byte picks the chunk size the rest is fed in (1..256),
 * so the incremental parser sees every split.
 *
 * Checked after every input:
 *  * every packet the stub sent is framed with a correct checksum, and
 *    none is longer than PacketSize;
 *  * the stub ends detached: the target's detach op ran exactly once per
 *    session, and no breakpoint stays inserted;
 *  * the ROM keeps its image (gdb's writes must not reach it), and a
 *    canary RAM region that is in no address space keeps its pattern;
 *  * the machine is put back after each input (RAM, device, registers),
 *    so a finding reproduces from its input alone.
 * `monitor` commands run on a read-only MonitorMachine, so no input
 * writes host files or quits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdbstub/rsp.h>
#include <gdbstub/stub.h>
#include <memcore/memcore.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x10000u

static MemoryRegion root, ram, ram2, rom, dev, canary;
static AddressSpace as;
static uint8_t dev_regs[256];
static uint8_t rom_image[256];
static bool built;

static uint8_t regs[2][33 * 8];
static GdbStub *cur;
static int detaches, inserted;
static bool running;

static void die(const char *msg)
{
    fprintf(stderr, "fuzz_rsp: %s\n", msg);
    abort();
}

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)size;
    return dev_regs[addr & 0xff];
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque;
    (void)size;
    dev_regs[addr & 0xff] = (uint8_t)v;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void build(void)
{
    Error *err = NULL;

    memory_region_transaction_begin();
    memory_region_init(&root, NULL, "system", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE * 4, &err);
    memory_region_init_ram(&ram2, NULL, "low", 0x4000, &err);
    memory_region_init_rom(&rom, NULL, "rom", 0x1000, &err);
    memory_region_init_ram(&canary, NULL, "canary", 0x1000, &err);
    if (err) {
        die("cannot build the machine");
    }
    memory_region_init_io(&dev, NULL, &dev_ops, NULL, "dev", 0x100);
    memory_region_add_subregion(&root, RAM_BASE, &ram);
    memory_region_add_subregion(&root, 0x1000, &ram2);
    memory_region_add_subregion(&root, 0x20000, &rom);
    memory_region_add_subregion(&root, 0x30000, &dev);
    address_space_init(&as, &root, "memory");
    memory_region_transaction_commit();
    for (unsigned i = 0; i < sizeof(rom_image); i++) {
        rom_image[i] = (uint8_t)(i * 7 + 1);
    }
    memcpy(memory_region_get_ram_ptr(&rom), rom_image, sizeof(rom_image));
    memset(memory_region_get_ram_ptr(&canary), 0x5a, 0x1000);
    built = true;
}

/* ---- the fake target -------------------------------------------------------- */

static unsigned t_threads(void *o)
{
    (void)o;
    return 2;
}

static int t_read(void *o, unsigned th, uint8_t *buf)
{
    (void)o;
    if (th < 1 || th > 2) {
        die("register read of a thread that does not exist");
    }
    memcpy(buf, regs[th - 1], sizeof(regs[0]));
    return 0;
}

static int t_write(void *o, unsigned th, const uint8_t *buf)
{
    (void)o;
    if (th < 1 || th > 2) {
        die("register write of a thread that does not exist");
    }
    memcpy(regs[th - 1], buf, sizeof(regs[0]));
    return 0;
}

static AddressSpace *t_as(void *o, unsigned th)
{
    (void)o;
    (void)th;
    return &as;
}

static void t_attach(void *o, GdbStub *s)
{
    (void)o;
    cur = s;
}

static void t_detach(void *o)
{
    (void)o;
    cur = NULL;
    running = false;
    detaches++;
}

static int t_resume(void *o, const GdbResume *a)
{
    (void)o;
    if (!cur) {
        die("resume while detached");
    }
    if (a[0].action == GDB_RESUME_STEP || a[1].action == GDB_RESUME_STEP) {
        GdbStopEvent ev = { a[0].action == GDB_RESUME_STEP ? 1 : 2,
                            GDB_STOP_SIGNAL, GDB_SIGTRAP, 0 };

        gdb_stub_notify_stop(cur, &ev);
        return 0;
    }
    running = true;   /* until Ctrl-C */
    return 0;
}

static void t_stop(void *o)
{
    GdbStopEvent ev = { 2, GDB_STOP_WATCH, GDB_SIGINT, 0x80000010 };

    (void)o;
    if (!running) {
        die("stop op while not running");
    }
    running = false;
    gdb_stub_notify_stop(cur, &ev);
}

static int t_insert(void *o, GdbBreakType t, uint64_t a, uint64_t k)
{
    (void)o;
    (void)a;
    (void)k;
    if (t >= GDB_WATCH_READ) {
        return -ENOSYS;
    }
    inserted++;
    return 0;
}

static int t_remove(void *o, GdbBreakType t, uint64_t a, uint64_t k)
{
    (void)o;
    (void)t;
    (void)a;
    (void)k;
    inserted--;
    return 0;
}

static const GdbTargetOps ops = {
    .nr_threads = t_threads,
    .read_registers = t_read,
    .write_registers = t_write,
    .address_space = t_as,
    .attach = t_attach,
    .detach = t_detach,
    .resume = t_resume,
    .stop = t_stop,
    .insert_breakpoint = t_insert,
    .remove_breakpoint = t_remove,
};

/* ---- output check ---------------------------------------------------------- */

static RspParser out_parser;

static void check_output(void *opaque, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    (void)opaque;
    while (len) {
        RspEvent ev;
        size_t used = rsp_parser_feed(&out_parser, p, len, &ev);

        if (ev.kind == RSP_EV_BAD_CHECKSUM) {
            die("the stub sent a packet with a bad checksum");
        }
        if (ev.kind == RSP_EV_OVERSIZE) {
            die("the stub sent a packet longer than PacketSize");
        }
        p += used;
        len -= used;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static MonitorMachine machine = { .read_only = true };
    GdbTarget t = { &ops, NULL, &gdb_arch_riscv64, false };
    uint8_t *ram_ptr, *rom_ptr;
    size_t chunk, off;
    GdbStub *s;

    if (!built) {
        build();
        if (!rsp_parser_init(&out_parser, RSP_PACKET_SIZE)) {
            die("out of memory");
        }
    }
    if (size < 1) {
        return 0;
    }
    chunk = (size_t)data[0] + 1;
    data++;
    size--;
    ram_ptr = memory_region_get_ram_ptr(&ram);
    rom_ptr = memory_region_get_ram_ptr(&rom);
    rsp_parser_reset(&out_parser);
    detaches = 0;
    inserted = 0;
    running = false;

    s = gdb_stub_new(&t, &machine, check_output, NULL);
    if (!s) {
        die("out of memory");
    }
    for (off = 0; off < size && !gdb_stub_finished(s); off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;

        gdb_stub_input(s, data + off, n);
        gdb_stub_process_events(s);
    }
    gdb_stub_free(s);

    if (detaches != 1) {
        die("the target was not detached exactly once");
    }
    if (inserted != 0) {
        die("a breakpoint stayed inserted after the session");
    }
    if (cur) {
        die("the target still knows the stub");
    }
    if (memcmp(rom_ptr, rom_image, sizeof(rom_image)) != 0) {
        die("the ROM changed");
    }
    {
        const uint8_t *c = memory_region_get_ram_ptr(&canary);

        for (unsigned i = 0; i < 0x1000; i++) {
            if (c[i] != 0x5a) {
                die("memory outside the address space changed");
            }
        }
    }
    /* put the machine back: every input starts from the same one */
    memset(ram_ptr, 0, RAM_SIZE * 4);
    memset(memory_region_get_ram_ptr(&ram2), 0, 0x4000);
    memset(dev_regs, 0, sizeof(dev_regs));
    memset(regs, 0, sizeof(regs));
    return 0;
}
