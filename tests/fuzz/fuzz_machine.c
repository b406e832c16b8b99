/*
 * tests/fuzz/fuzz_machine.c — see fuzz_machine.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

#include "fuzz_machine.h"

static const char fzm_board_json[] =
    "{\"name\": \"fuzz\",\n"
    " \"address-spaces\": [{\"name\": \"memory\", \"root\": \"system\"},\n"
    "                      {\"name\": \"I/O\", \"root\": \"io\"}],\n"
    " \"regions\": [\n"
    "  {\"name\": \"system\", \"type\": \"container\", \"size\": \"16E\",\n"
    "   \"subregions\": [\n"
    "    {\"addr\": \"0x1000\", \"name\": \"boot\", \"type\": \"rom\",\n"
    "     \"size\": \"4K\", \"image\": {\"hex\": \"97 02 00 00 13 85 02 02"
    " 73 25 40 f1 83 b2 82 01 67 80 02 00 00 00 00 80\"}},\n"
    "    {\"addr\": \"0x10000000\", \"name\": \"uart0\", \"type\": \"io\",\n"
    "     \"size\": \"0x100\", \"device\": {\"model\": \"ns16550a\"}},\n"
    "    {\"addr\": \"0x10001000\", \"name\": \"scratch\", \"type\": \"io\",\n"
    "     \"size\": \"0x100\", \"device\": {\"model\": \"scratch\"}},\n"
    "    {\"addr\": \"0x10002000\", \"name\": \"scratch-be\", \"type\": \"io\",\n"
    "     \"size\": \"0x100\", \"device\": {\"model\": \"scratch\",\n"
    "     \"endianness\": \"big\", \"valid-min\": 1, \"valid-max\": 4,\n"
    "     \"impl-min\": 2, \"impl-max\": 4, \"unaligned\": true}},\n"
    "    {\"addr\": \"0x10003000\", \"name\": \"counter\", \"type\": \"io\",\n"
    "     \"size\": \"0x10\", \"device\": {\"model\": \"counter\"}},\n"
    "    {\"addr\": \"0x20000000\", \"name\": \"ram-alias\", \"type\": \"alias\",\n"
    "     \"target\": \"ram\", \"offset\": \"0x1000\", \"size\": \"64K\"},\n"
    "    {\"addr\": \"0x1800\", \"priority\": 1, \"name\": \"hole\",\n"
    "     \"type\": \"alias\", \"target\": \"ram\", \"offset\": \"0\",\n"
    "     \"size\": \"0x100\", \"enabled\": false},\n"
    "    {\"addr\": \"0x30000000\", \"name\": \"small\", \"type\": \"ram\",\n"
    "     \"size\": \"64K\", \"fill\": 165},\n"
    "    {\"addr\": \"0x80000000\", \"name\": \"ram\", \"type\": \"ram\",\n"
    "     \"size\": \"1M\", \"max-size\": \"4M\"}\n"
    "   ]},\n"
    "  {\"name\": \"io\", \"type\": \"io\", \"size\": \"64K\",\n"
    "   \"device\": {\"model\": \"ones\"}}\n"
    " ]}\n";

static const char *const fzm_as_names[2] = { "memory", "I/O" };

static void fzm_die(const char *who, const char *what)
{
    fprintf(stderr, "%s: %s\n", who, what);
    abort();
}

/* ---- DeviceHost ---------------------------------------------------------- */

static void fzm_uart_tx(void *opaque, const char *uart, const uint8_t *buf,
                        size_t len)
{
    FzmMachine *m = opaque;

    (void)uart;
    for (size_t i = 0; i < len && m->uart_len < FZM_UART_LOG_MAX; i++) {
        m->uart[m->uart_len++] = (char)buf[i];
    }
}

static void fzm_power_off(void *opaque, int status)
{
    (void)opaque;
    (void)status;
}

static void fzm_reset(void *opaque)
{
    (void)opaque;
}

/* ---- MonitorMachine ---------------------------------------------------- */

static AddressSpace *fzm_default_as(void *opaque)
{
    FzmMachine *m = opaque;

    return &board_default_as(m->board)->as;
}

static AddressSpace *fzm_find_as(void *opaque, const char *name)
{
    return fzm_as(opaque, name);
}

static int fzm_find_region(void *opaque, const char *name, MemoryRegion **mr)
{
    FzmMachine *m = opaque;
    BoardRegion *r = NULL;
    int n = board_find_region(m->board, name, &r);

    if (n == 1 && mr) {
        *mr = &r->mr;
    }
    return n;
}

static void fzm_foreach_region(void *opaque, MonitorRegionFn fn, void *arg)
{
    FzmMachine *m = opaque;

    for (size_t i = 0; i < m->board->nregions; i++) {
        fn(arg, m->board->regions[i]->id, &m->board->regions[i]->mr);
    }
}

static void fzm_foreach_as(void *opaque, MonitorAsFn fn, void *arg)
{
    FzmMachine *m = opaque;

    for (size_t i = 0; i < m->board->nas; i++) {
        fn(arg, &m->board->as[i]->as);
    }
}

static void fzm_uart_log(void *opaque, MonitorUartFn fn, void *arg)
{
    FzmMachine *m = opaque;

    fn(arg, "uart0", m->uart, m->uart_len);
}

static void fzm_quit(void *opaque)
{
    (void)opaque;
}

/* ---- building it ----------------------------------------------------------- */

static uint8_t fzm_pattern(size_t i)
{
    return (uint8_t)(0x5a ^ i ^ (i >> 8));
}

static void fzm_canary_init(MemoryRegion *mr, const char *name,
                            const char *who)
{
    Error *err = NULL;
    uint8_t *p;

    memory_region_init_ram(mr, NULL, name, FZM_CANARY_SIZE, &err);
    if (err || !(p = memory_region_get_ram_ptr(mr))) {
        fzm_die(who, "cannot create a canary RAM region");
    }
    for (size_t i = 0; i < FZM_CANARY_SIZE; i++) {
        p[i] = fzm_pattern(i);
    }
}

static BoardRegion *fzm_region(FzmMachine *m, const char *id,
                               const char *who)
{
    BoardRegion *r = NULL;

    if (board_find_region(m->board, id, &r) != 1) {
        fzm_die(who, "the fuzz board lacks a region");
    }
    return r;
}

void fzm_build(FzmMachine *m, const char *who)
{
    Diag d;

    /* Canaries on both sides of the machine's mappings (mmap usually
     * places later mappings just below earlier ones). */
    fzm_canary_init(&m->canary[0], "fuzz.canary-before", who);
    m->host = (DeviceHost) {
        .opaque = m,
        .uart_tx = fzm_uart_tx,
        .power_off = fzm_power_off,
        .reset = fzm_reset,
    };
    diag_init(&d);
    m->board = board_parse_string(fzm_board_json, NULL, NULL, &d);
    if (!m->board || !board_build(m->board, &m->host, &d)) {
        char prefix[64];

        snprintf(prefix, sizeof(prefix), "%s: ", who);
        diag_print(&d, stderr, prefix);
        fzm_die(who, "the fuzz board does not load");
    }
    diag_free(&d);
    fzm_canary_init(&m->canary[1], "fuzz.canary-after", who);

    m->rom = fzm_region(m, "boot", who);
    m->ram = fzm_region(m, "ram", who);
    m->small = fzm_region(m, "small", who);
    m->mm = (MonitorMachine) {
        .opaque = m,
        .read_only = false,
        .default_as = fzm_default_as,
        .find_as = fzm_find_as,
        .find_region = fzm_find_region,
        .foreach_region = fzm_foreach_region,
        .foreach_as = fzm_foreach_as,
        .uart_log = fzm_uart_log,
        .quit = fzm_quit,
    };
    for (int i = 0; i < 2; i++) {
        AddressSpace *as = fzm_as(m, fzm_as_names[i]);

        if (!as) {
            fzm_die(who, "the fuzz board lacks an address space");
        }
        view_print(as, &m->views[i]);
    }
}

AddressSpace *fzm_as(FzmMachine *m, const char *name)
{
    BoardAS *as = board_find_as(m->board, name);

    return as ? &as->as : NULL;
}

void fzm_canary_check(FzmMachine *m, const char *who)
{
    for (int c = 0; c < 2; c++) {
        MemoryRegion *mr = &m->canary[c];
        const uint8_t *p = memory_region_get_ram_ptr(mr);

        if (memory_region_size(mr) != FZM_CANARY_SIZE) {
            fzm_die(who, "a canary region changed size");
        }
        for (size_t i = 0; i < FZM_CANARY_SIZE; i++) {
            if (p[i] != fzm_pattern(i)) {
                fprintf(stderr, "%s: canary %s changed at offset 0x%zx\n",
                        who, memory_region_name(mr), i);
                abort();
            }
        }
    }
}

void fzm_restore_topology(FzmMachine *m, const char *who)
{
    Board *b = m->board;
    Error *err = NULL;

    memory_region_transaction_begin();
    for (size_t i = 0; i < b->nregions; i++) {
        BoardRegion *r = b->regions[i];
        uint64_t size = size_to_api(r->size);

        memory_region_set_enabled(&r->mr, r->enabled);
        /* Roots too: `region move system X` shifts a whole address
         * space (render adds the root's own address). */
        memory_region_set_address(&r->mr, r->parent ? r->addr : 0);
        if (memory_region_size(&r->mr) == size) {
            continue;
        }
        if (r->has_max_size) {
            memory_region_ram_resize(&r->mr, size, &err);
            if (err) {
                fzm_die(who, "cannot resize the RAM back");
            }
        } else {
            memory_region_set_size(&r->mr, size);
        }
    }
    memory_region_transaction_commit();
    memory_global_dirty_log_stop();
    /* A root's address changes without a commit (as in QEMU): render
     * everything so that the view follows the restored addresses. */
    force_full_render(false);
}

void fzm_reset_devices(FzmMachine *m)
{
    static const uint8_t zeros[0x100];
    AddressSpace *as = fzm_as(m, "memory");

    address_space_write(as, 0x10001000, MEMTXATTRS_UNSPECIFIED, zeros,
                        sizeof(zeros));
    address_space_write(as, 0x10002000, MEMTXATTRS_UNSPECIFIED, zeros,
                        sizeof(zeros));
    m->uart_len = 0;
}

void fzm_check_views(FzmMachine *m, const char *who)
{
    for (int i = 0; i < 2; i++) {
        ViewPrint now;

        view_print(fzm_as(m, fzm_as_names[i]), &now);
        if (!views_equal(&now, &m->views[i])) {
            fprintf(stderr, "%s: address space %s is not as built after "
                    "putting every region back\n", who, fzm_as_names[i]);
            view_print_diff(stderr, &now, &m->views[i]);
            abort();
        }
        view_print_free(&now);
    }
}
