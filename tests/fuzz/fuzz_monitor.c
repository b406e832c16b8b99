/*
 * tests/fuzz/fuzz_monitor.c — libFuzzer target for the monitor's command
 * language.
 *
 * Each input is split at newlines; every line goes to monitor_run_line()
 * (and to monitor_complete(), as if the user pressed TAB at its end) in
 * one fresh session, as a socket client's lines would.  The machine is a
 * small board built once, through the board loader, with the monitor
 * allowed to write (read_only false): ROM with a known image, RAM (one
 * resizable block, one fixed), an MMIO scratch device in each byte order,
 * a UART, a counter, aliases (one disabled) and two address spaces, no
 * IOMMU.  A pretend vCPU answers $pc/$sp, translates virtual addresses
 * (identity below 2^39, a fault above) and "disassembles" 4-byte words,
 * so the x/xp formats and register expressions all run.
 *
 * Files: lines that mention memsave or pmemsave anywhere are not run at
 * all: those commands write a file named by the input (up to 4 GiB of
 * it), and no other command opens a file.  (Entering a scratch directory
 * instead would not contain an absolute name, and a chdir() would break
 * libFuzzer's and the replay driver's relative corpus paths.)
 *
 * After every input the target checks what a user relies on:
 *   - two canary RAM regions, created before and after the machine and
 *     mapped in no address space, still hold their pattern (no store,
 *     move or resize wrote outside the memory it was asked to);
 *   - the ROM still holds its image (the guest cannot write ROM);
 *   - a line that failed printed an error, ending in a newline;
 *   - (after every line) a view that a commit changed is exactly what a
 *     full render of the region tree gives (memcore renders only what
 *     changed; that must never show).
 * Then it puts the machine back as the board describes it (topology,
 * sizes, RAM and device contents, dirty logging off) so that every input
 * starts from the same machine and a crash reproduces from its input
 * alone, and checks that both address spaces' flat views are again
 * exactly the ones first built.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>
#include <monitor/monitor.h>

#include "../../server/board.h"
#include "view_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The machine.  "ram" is resizable (1M of up to 4M) so that `region
 * resize ram` takes memory_region_ram_resize's success path. */
static const char board_json[] =
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

#define CANARY_SIZE (64u << 10)
#define ROM_IMAGE_MAX 64
#define UART_LOG_MAX 4096

typedef struct FuzzMachine {
    Board *board;
    DeviceHost host;
    MonitorMachine mm;
    MemoryRegion canary[2];
    uint8_t rom_image[ROM_IMAGE_MAX];
    size_t rom_len;
    BoardRegion *rom, *ram, *small;
    char uart[UART_LOG_MAX];
    size_t uart_len;
    ViewPrint views[2]; /* memory and I/O as built */
} FuzzMachine;

static FuzzMachine fm;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_monitor: %s\n", what);
    abort();
}

/* ---- DeviceHost ------------------------------------------------------------ */

static void host_uart_tx(void *opaque, const char *uart, const uint8_t *buf,
                         size_t len)
{
    (void)opaque;
    (void)uart;
    for (size_t i = 0; i < len && fm.uart_len < UART_LOG_MAX; i++) {
        fm.uart[fm.uart_len++] = (char)buf[i];
    }
}

static void host_power_off(void *opaque, int status)
{
    (void)opaque;
    (void)status;
}

static void host_reset(void *opaque)
{
    (void)opaque;
}

/* ---- MonitorMachine ---------------------------------------------------------- */

static AddressSpace *mm_default_as(void *opaque)
{
    (void)opaque;
    return &board_default_as(fm.board)->as;
}

static AddressSpace *mm_find_as(void *opaque, const char *name)
{
    BoardAS *as = board_find_as(fm.board, name);

    (void)opaque;
    return as ? &as->as : NULL;
}

static int mm_find_region(void *opaque, const char *name, MemoryRegion **mr)
{
    BoardRegion *r = NULL;
    int n = board_find_region(fm.board, name, &r);

    (void)opaque;
    if (n == 1 && mr) {
        *mr = &r->mr;
    }
    return n;
}

static void mm_foreach_region(void *opaque, MonitorRegionFn fn, void *arg)
{
    (void)opaque;
    for (size_t i = 0; i < fm.board->nregions; i++) {
        fn(arg, fm.board->regions[i]->id, &fm.board->regions[i]->mr);
    }
}

static void mm_uart_log(void *opaque, MonitorUartFn fn, void *arg)
{
    (void)opaque;
    fn(arg, "uart0", fm.uart, fm.uart_len);
}

static void mm_quit(void *opaque)
{
    (void)opaque;
}

static bool mm_cpu_register(void *opaque, const char *name, uint64_t *value)
{
    (void)opaque;
    if (strcmp(name, "pc") == 0) {
        *value = 0x1000;
        return true;
    }
    if (strcmp(name, "sp") == 0) {
        *value = 0x80001000;
        return true;
    }
    return false;
}

/* A pretend MMU: identity below 2^39 (Sv39's reach), a fault above.
 * The monitor reads at the address returned (page base plus offset). */
static bool mm_virt_to_phys(void *opaque, uint64_t vaddr, hwaddr *paddr)
{
    (void)opaque;
    if (vaddr >> 39) {
        return false;
    }
    *paddr = vaddr;
    return true;
}

static unsigned mm_disas(void *opaque, AddressSpace *as, uint64_t pc,
                         char *buf, size_t bufsize)
{
    uint8_t b[4];

    (void)opaque;
    if (address_space_read(as, pc, MEMTXATTRS_UNSPECIFIED, b,
                           sizeof(b)) != MEMTX_OK) {
        return 0;
    }
    snprintf(buf, bufsize, ".word 0x%02x%02x%02x%02x", b[3], b[2], b[1],
             b[0]);
    return 4;
}

/* ---- flat views, to check that restoring works ------------------------------ */

static AddressSpace *as_named(const char *name)
{
    BoardAS *as = board_find_as(fm.board, name);

    if (!as) {
        die("the fuzz board lacks an address space");
    }
    return &as->as;
}

static void record_views(void)
{
    view_print(as_named("memory"), &fm.views[0]);
    view_print(as_named("I/O"), &fm.views[1]);
}


static const char *const as_names[2] = { "memory", "I/O" };

/* After restore_machine(): the same flat views as at the start.  A
 * difference means a topology change could not be undone by the
 * inverse calls. */
static void check_views(void)
{
    for (int i = 0; i < 2; i++) {
        ViewPrint now;

        view_print(as_named(as_names[i]), &now);
        if (!views_equal(&now, &fm.views[i])) {
            fprintf(stderr, "fuzz_monitor: address space %s is not as "
                    "built after putting every region back\n", as_names[i]);
            view_print_diff(stderr, &now, &fm.views[i]);
            abort();
        }
        view_print_free(&now);
    }
}

static bool logging_on(void)
{
    return memory_region_get_dirty_log_mask(&fm.ram->mr) &
           (1u << DIRTY_MEMORY_MIGRATION);
}

/*
 * After each line: when a view changed, a commit rendered it, and what it
 * rendered must be what rendering the whole tree gives (SEMANTICS.md,
 * "Incremental rendering": a view is as if rendered from the root at every
 * commit; memcore renders only the changed window, which must not make a
 * difference).  A view that
 * did not change is not compared: QEMU too leaves a view stale until the
 * next commit after a change that does not commit (moving a root region).
 * @prev holds the views after the previous line and is updated.
 */
static void check_render(ViewPrint prev[2], const char *line)
{
    ViewPrint now[2];
    bool changed = false;

    for (int i = 0; i < 2; i++) {
        view_print(as_named(as_names[i]), &now[i]);
        changed |= !views_equal(&now[i], &prev[i]);
    }
    if (changed) {
        force_full_render(logging_on());
    }
    for (int i = 0; i < 2; i++) {
        ViewPrint full;

        if (!changed) {
            view_print_free(&now[i]);
            continue;
        }
        view_print(as_named(as_names[i]), &full);
        if (!views_equal(&now[i], &full)) {
            fprintf(stderr, "fuzz_monitor: after \"%s\", the view of %s "
                    "differs from a full render of the same tree\n", line,
                    as_names[i]);
            view_print_diff(stderr, &now[i], &full);
            abort();
        }
        view_print_free(&now[i]);
        view_print_free(&prev[i]);
        prev[i] = full;
    }
}

/* ---- building it once ----------------------------------------------------------- */

static void canary_init(MemoryRegion *mr, const char *name)
{
    Error *err = NULL;

    memory_region_init_ram(mr, NULL, name, CANARY_SIZE, &err);
    if (err || !memory_region_get_ram_ptr(mr)) {
        die("cannot create a canary RAM region");
    }
    uint8_t *p = memory_region_get_ram_ptr(mr);

    for (size_t i = 0; i < CANARY_SIZE; i++) {
        p[i] = (uint8_t)(0x5a ^ i ^ (i >> 8));
    }
}

static void canary_check(MemoryRegion *mr)
{
    const uint8_t *p = memory_region_get_ram_ptr(mr);

    if (memory_region_size(mr) != CANARY_SIZE) {
        die("a canary region changed size");
    }
    for (size_t i = 0; i < CANARY_SIZE; i++) {
        if (p[i] != (uint8_t)(0x5a ^ i ^ (i >> 8))) {
            fprintf(stderr, "fuzz_monitor: canary %s changed at offset "
                    "0x%zx\n", memory_region_name(mr), i);
            abort();
        }
    }
}

static BoardRegion *region(const char *id)
{
    BoardRegion *r = NULL;

    if (board_find_region(fm.board, id, &r) != 1) {
        die("the fuzz board lacks a region");
    }
    return r;
}

static void machine_init(void)
{
    Diag d;

    /* Canaries on both sides of the machine's mappings (mmap usually
     * places later mappings just below earlier ones). */
    canary_init(&fm.canary[0], "fuzz.canary-before");

    fm.host = (DeviceHost) {
        .uart_tx = host_uart_tx,
        .power_off = host_power_off,
        .reset = host_reset,
    };
    diag_init(&d);
    fm.board = board_parse_string(board_json, NULL, NULL, &d);
    if (!fm.board || !board_build(fm.board, &fm.host, &d)) {
        diag_print(&d, stderr, "fuzz_monitor: ");
        die("the fuzz board does not load");
    }
    diag_free(&d);
    canary_init(&fm.canary[1], "fuzz.canary-after");

    fm.rom = region("boot");
    fm.ram = region("ram");
    fm.small = region("small");
    fm.rom_len = fm.rom->image_len;
    if (fm.rom_len > ROM_IMAGE_MAX) {
        die("the ROM image is larger than the copy kept of it");
    }
    memcpy(fm.rom_image, memory_region_get_ram_ptr(&fm.rom->mr), fm.rom_len);

    fm.mm = (MonitorMachine) {
        .read_only = false,
        .default_as = mm_default_as,
        .find_as = mm_find_as,
        .find_region = mm_find_region,
        .foreach_region = mm_foreach_region,
        .uart_log = mm_uart_log,
        .quit = mm_quit,
        .cpu_register = mm_cpu_register,
        .cpu_virt_to_phys = mm_virt_to_phys,
        .cpu_disas = mm_disas,
    };
    record_views();
}

/* ---- after every input -------------------------------------------------------- */


static void check_machine(void)
{
    canary_check(&fm.canary[0]);
    canary_check(&fm.canary[1]);
    if (memcmp(memory_region_get_ram_ptr(&fm.rom->mr), fm.rom_image,
               fm.rom_len) != 0) {
        die("the ROM's contents changed");
    }
}

/* Put back what `region` commands, stores and dirty-log changed. */
static void restore_machine(void)
{
    Board *b = fm.board;
    Error *err = NULL;
    AddressSpace *as = mm_default_as(NULL);
    static const uint8_t zeros[0x100];

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
                die("cannot resize the RAM back");
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

    memset(memory_region_get_ram_ptr(&fm.ram->mr), 0,
           (size_t)size_to_api(fm.ram->size));
    memset(memory_region_get_ram_ptr(&fm.small->mr), fm.small->fill,
           (size_t)size_to_api(fm.small->size));
    address_space_write(as, 0x10001000, MEMTXATTRS_UNSPECIFIED, zeros,
                        sizeof(zeros));
    address_space_write(as, 0x10002000, MEMTXATTRS_UNSPECIFIED, zeros,
                        sizeof(zeros));
    fm.uart_len = 0;
}

/* ---- output -------------------------------------------------------------------- */

/* The sink keeps nothing but what the checks need. */
typedef struct Sink {
    size_t bytes;
    char last;
    bool echo; /* FUZZ_VERBOSE=1: copy the output to stderr */
} Sink;

static void sink_write(void *opaque, const char *buf, size_t len)
{
    Sink *s = opaque;

    if (len) {
        s->bytes += len;
        s->last = buf[len - 1];
        if (s->echo) {
            fwrite(buf, 1, len, stderr);
        }
    }
}

/* ---- the target ----------------------------------------------------------------- */

static bool line_is_refused(const char *line)
{
    return strstr(line, "memsave") != NULL;
}

static void run_line(Monitor *mon, const char *line, bool *quit,
                     ViewPrint prev[2])
{
    static int verbose = -1;
    Sink sink = { 0, 0, false };
    MonitorOut out = { sink_write, &sink };
    size_t word_start = 0;
    char **comp;
    int ret;

    if (verbose < 0) {
        const char *e = getenv("FUZZ_VERBOSE");

        verbose = e && *e && strcmp(e, "0") != 0;
    }
    sink.echo = verbose;
    if (verbose) {
        fprintf(stderr, "(memcored) %s\n", line);
    }
    comp = monitor_complete(mon, line, strlen(line), &word_start);
    if (word_start > strlen(line)) {
        die("monitor_complete put the word start past the cursor");
    }
    monitor_free_completions(comp);

    ret = monitor_run_line(mon, line, &out);
    if ((ret & MONITOR_FAILED) && (sink.bytes == 0 || sink.last != '\n')) {
        fprintf(stderr, "fuzz_monitor: \"%s\" failed %s\n", line,
                sink.bytes ? "with output not ending in a newline"
                           : "without printing an error");
        abort();
    }
    if (ret & MONITOR_QUIT) {
        *quit = true;
    }
    check_render(prev, line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    Monitor *mon;
    char *text;
    bool quit = false;
    ViewPrint prev[2];

    if (!ready) {
        machine_init();
        ready = true;
    }
    text = malloc(size + 1);
    mon = monitor_new(&fm.mm);
    if (!text || !mon) {
        free(text);
        monitor_free(mon);
        return -1;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    view_print_copy(&prev[0], &fm.views[0]);
    view_print_copy(&prev[1], &fm.views[1]);

    /* A NUL ends a line as far as monitor_run_line can see, like a
     * socket session's line buffer would. */
    for (char *line = text; line && !quit; ) {
        char *nl = memchr(line, '\n', (size_t)(text + size - line));

        if (nl) {
            *nl = '\0';
        }
        if (!line_is_refused(line)) {
            run_line(mon, line, &quit, prev);
        } else if (getenv("FUZZ_VERBOSE")) {
            fprintf(stderr, "fuzz_monitor: not run (writes a file): %s\n",
                    line);
        }
        line = nl ? nl + 1 : NULL;
    }

    monitor_free(mon);
    free(text);
    view_print_free(&prev[0]);
    view_print_free(&prev[1]);
    check_machine();
    restore_machine();
    check_views();
    return 0;
}
