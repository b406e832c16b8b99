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
#include "fuzz_machine.h"
#include "view_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The machine is fuzz_machine.h's board, plus a copy of its ROM image. */
#define ROM_IMAGE_MAX 64

static struct {
    FzmMachine m;
    uint8_t rom_image[ROM_IMAGE_MAX];
    size_t rom_len;
} fm;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_monitor: %s\n", what);
    abort();
}

/* ---- the pretend vCPU ------------------------------------------------------- */

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
    AddressSpace *as = fzm_as(&fm.m, name);

    if (!as) {
        die("the fuzz board lacks an address space");
    }
    return as;
}

static const char *const as_names[2] = { "memory", "I/O" };

static bool logging_on(void)
{
    return memory_region_get_dirty_log_mask(&fm.m.ram->mr) &
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

static void machine_init(void)
{
    fzm_build(&fm.m, "fuzz_monitor");
    fm.rom_len = fm.m.rom->image_len;
    if (fm.rom_len > ROM_IMAGE_MAX) {
        die("the ROM image is larger than the copy kept of it");
    }
    memcpy(fm.rom_image, memory_region_get_ram_ptr(&fm.m.rom->mr),
           fm.rom_len);
    fm.m.mm.cpu_register = mm_cpu_register;
    fm.m.mm.cpu_virt_to_phys = mm_virt_to_phys;
    fm.m.mm.cpu_disas = mm_disas;
}

/* ---- after every input -------------------------------------------------------- */


static void check_machine(void)
{
    fzm_canary_check(&fm.m, "fuzz_monitor");
    if (memcmp(memory_region_get_ram_ptr(&fm.m.rom->mr), fm.rom_image,
               fm.rom_len) != 0) {
        die("the ROM's contents changed");
    }
}

/* Put back what `region` commands, stores and dirty-log changed. */
static void restore_machine(void)
{
    fzm_restore_topology(&fm.m, "fuzz_monitor");
    memset(memory_region_get_ram_ptr(&fm.m.ram->mr), 0,
           (size_t)size_to_api(fm.m.ram->size));
    memset(memory_region_get_ram_ptr(&fm.m.small->mr), fm.m.small->fill,
           (size_t)size_to_api(fm.m.small->size));
    fzm_reset_devices(&fm.m);
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
    mon = monitor_new(&fm.m.mm);
    if (!text || !mon) {
        free(text);
        monitor_free(mon);
        return -1;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    view_print_copy(&prev[0], &fm.m.views[0]);
    view_print_copy(&prev[1], &fm.m.views[1]);

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
    /* The same flat views as at the start: a difference means a topology
     * change could not be undone by the inverse calls. */
    fzm_check_views(&fm.m, "fuzz_monitor");
    return 0;
}
