/*
 * tests/unit/test_monitor_fixture.c — see test_monitor_fixture.h.
 */
#include "test_monitor_fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data of the source tree"
#endif

TestMachine tm;
static char tmpdir[64];

/* ---- devices ------------------------------------------------------------ */

static uint64_t zero_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return 0;
}

static void zero_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps zero_ops = {
    .read = zero_read,
    .write = zero_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* Byte registers that read back what was written. */
static uint64_t scratch_read(void *opaque, hwaddr addr, unsigned size)
{
    uint8_t *regs = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)regs[(addr + i) & 0xff] << (8 * i);
    }
    return v;
}

static void scratch_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    uint8_t *regs = opaque;
    for (unsigned i = 0; i < size; i++) {
        regs[(addr + i) & 0xff] = (uint8_t)(val >> (8 * i));
    }
}

static const MemoryRegionOps scratch_ops = {
    .read = scratch_read,
    .write = scratch_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- the machine hooks -------------------------------------------------- */

typedef struct NamedRegion {
    const char *name;
    MemoryRegion *mr;
} NamedRegion;

/* A constant table: the hooks may run on several threads at once (the
 * HTTP tests call them from libmicrohttpd's pool). */
static const NamedRegion named_list[] = {
    { "system", &tm.system },
    { "riscv_virt_board.mrom", &tm.mrom },
    { "riscv.sifive.test", &tm.test },
    { "platform bus", &tm.platform_bus },
    { "scratch", &tm.scratch },
    { "serial", &tm.serial },
    { "virt.flash0", &tm.flash0 },
    { "virt.flash1", &tm.flash1 },
    { "riscv_virt_board.ram", &tm.ram },
    { "io", &tm.io },
    { "bus master container", &tm.bus_master_container },
    { "bus master", &tm.bus_master },
    /* Two regions under one name, as boards have (QEMU's "pam-pci"). */
    { "twin", &tm.flash0 },
    { "twin", &tm.flash1 },
};

static const NamedRegion *named(size_t *n)
{
    *n = sizeof(named_list) / sizeof(named_list[0]);
    return named_list;
}

static AddressSpace *hook_default_as(void *opaque)
{
    (void)opaque;
    return &tm.as_cpu;
}

static int hook_find_region(void *opaque, const char *name, MemoryRegion **mr)
{
    size_t n;
    const NamedRegion *l = named(&n);
    int count = 0;
    (void)opaque;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(l[i].name, name) == 0) {
            *mr = l[i].mr;
            count++;
        }
    }
    return count;
}

static void hook_foreach_region(void *opaque, MonitorRegionFn fn, void *arg)
{
    size_t n;
    const NamedRegion *l = named(&n);
    (void)opaque;
    for (size_t i = 0; i < n; i++) {
        fn(arg, l[i].name, l[i].mr);
    }
}

static void hook_uart_log(void *opaque, MonitorUartFn fn, void *arg)
{
    (void)opaque;
    if (tm.uart_text) {
        fn(arg, "serial0", tm.uart_text, tm.uart_len);
    }
}

static void hook_quit(void *opaque)
{
    (void)opaque;
    tm.quit_calls++;
}

static bool hook_cpu_register(void *opaque, const char *name, uint64_t *v)
{
    (void)opaque;
    if (!tm.with_regs) {
        return false;
    }
    if (strcmp(name, "pc") == 0) {
        *v = TM_RAM_BASE + 0x10;
        return true;
    }
    if (strcmp(name, "sp") == 0) {
        *v = TM_RAM_BASE + 0x1000;
        return true;
    }
    return false;
}

/* ---- building ------------------------------------------------------------ */

void tm_setup(void)
{
    memset(&tm, 0, sizeof(tm));
    memory_region_transaction_begin();
    memory_region_init(&tm.system, NULL, "system", UINT64_MAX);
    /* RAM blocks in QEMU virt's creation order: ram, mrom, flashes. */
    memory_region_init_ram(&tm.ram, NULL, "riscv_virt_board.ram",
                           TM_RAM_SIZE, &error_abort);
    memory_region_init_rom(&tm.mrom, NULL, "riscv_virt_board.mrom", 0xf000,
                           &error_abort);
    memory_region_init_rom_device(&tm.flash0, NULL, &zero_ops, NULL,
                                  "virt.flash0", 32 << 20, &error_abort);
    memory_region_init_rom_device(&tm.flash1, NULL, &zero_ops, NULL,
                                  "virt.flash1", 32 << 20, &error_abort);
    memory_region_init_io(&tm.test, NULL, &zero_ops, NULL,
                          "riscv.sifive.test", 0x1000);
    memory_region_init_io(&tm.serial, NULL, &zero_ops, NULL, "serial", 8);
    memory_region_init_io(&tm.scratch, NULL, &scratch_ops, tm.scratch_regs,
                          "scratch", 0x100);
    memory_region_init(&tm.platform_bus, NULL, "platform bus", 0x2000000);

    memory_region_add_subregion(&tm.system, TM_ROM_BASE, &tm.mrom);
    memory_region_add_subregion(&tm.system, 0x100000, &tm.test);
    memory_region_add_subregion(&tm.system, 0x3000000, &tm.scratch);
    memory_region_add_subregion(&tm.system, 0x4000000, &tm.platform_bus);
    memory_region_add_subregion(&tm.system, 0x10000000, &tm.serial);
    memory_region_add_subregion(&tm.system, 0x20000000, &tm.flash0);
    memory_region_add_subregion(&tm.system, 0x22000000, &tm.flash1);
    memory_region_add_subregion(&tm.system, TM_RAM_BASE, &tm.ram);

    memory_region_init_io(&tm.io, NULL, &unassigned_io_ops, NULL, "io",
                          0x10000);
    memory_region_init(&tm.bus_master_container, NULL,
                       "bus master container", UINT64_MAX);
    memory_region_init_alias(&tm.bus_master, NULL, "bus master", &tm.system,
                             0, UINT64_MAX);
    memory_region_set_enabled(&tm.bus_master, false);
    memory_region_add_subregion(&tm.bus_master_container, 0, &tm.bus_master);

    address_space_init(&tm.as_cpu, &tm.system, "cpu-memory-0");
    address_space_init(&tm.as_memory, &tm.system, "memory");
    address_space_init(&tm.as_io, &tm.io, "I/O");
    address_space_init(&tm.as_gpex, &tm.bus_master_container, "gpex-root");
    memory_region_transaction_commit();

    tm.mm.opaque = &tm;
    tm.mm.default_as = hook_default_as;
    tm.mm.find_region = hook_find_region;
    tm.mm.foreach_region = hook_foreach_region;
    tm.mm.uart_log = hook_uart_log;
    tm.mm.quit = hook_quit;
    tm.mm.cpu_register = hook_cpu_register;
    tm.mon = monitor_new(&tm.mm);
    ck_assert_ptr_nonnull(tm.mon);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tm_teardown(void)
{
    monitor_free(tm.mon);
    tm.mon = NULL;
    if (tmpdir[0]) {
        nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        tmpdir[0] = '\0';
    }
}

const char *tm_tmpdir(void)
{
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/test_monitor.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    }
    return tmpdir;
}

/* ---- output capture ------------------------------------------------------ */

typedef struct Buf {
    char *p;
    size_t len, cap;
} Buf;

static void buf_write(void *opaque, const char *data, size_t len)
{
    Buf *b = opaque;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len + 1) {
            cap *= 2;
        }
        b->p = realloc(b->p, cap);
        ck_assert_ptr_nonnull(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

char *tm_run_on(Monitor *mon, const char *line, int *ret)
{
    Buf b = { NULL, 0, 0 };
    MonitorOut out = { buf_write, &b };
    int r;

    buf_write(&b, "", 0);
    r = monitor_run_line(mon, line, &out);
    if (ret) {
        *ret = r;
    }
    return b.p;
}

char *tm_run(const char *line, int *ret)
{
    return tm_run_on(tm.mon, line, ret);
}

/* tests/data of the source tree: $top_srcdir/tests/data under make check,
 * else the directory the test was built for. */
static const char *data_dir(void)
{
    static char dir[512];
    const char *top = getenv("top_srcdir");

    if (top && *top) {
        snprintf(dir, sizeof(dir), "%s/tests/data", top);
        return dir;
    }
    return TEST_DATA_DIR;
}

char *qemu_capture(const char *name)
{
    char path[1024];
    FILE *f;
    long len;
    char *text;

    snprintf(path, sizeof(path), "%s/qemu-riscv64-virt/%s", data_dir(), name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL,
                  "test data missing: %s (see tests/data/README.md)", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    text[len] = '\0';
    fclose(f);
    return text;
}

void tm_load_rom_from_capture(void)
{
    char *text = qemu_capture("xp-8xw-1000.txt");
    uint8_t bytes[32];
    unsigned n = 0;
    char *line = text;

    /* "0000000000001000: 0x00000297 0x02828613 ..." two rows of 4 words. */
    while (line && *line && n < 8) {
        char *p = strchr(line, ':');
        ck_assert_ptr_nonnull(p);
        p++;
        for (int i = 0; i < 4 && n < 8; i++, n++) {
            unsigned long w = strtoul(p, &p, 16);
            for (int b = 0; b < 4; b++) {
                bytes[n * 4 + b] = (uint8_t)(w >> (8 * b)); /* RISC-V: LE */
            }
        }
        line = strchr(line, '\n');
        if (line) {
            line++;
        }
    }
    ck_assert_uint_eq(n, 8);
    cpu_physical_memory_write_rom(&tm.as_cpu, TM_ROM_BASE, bytes, 32);
    free(text);
}
