/*
 * tests/fuzz/fuzz_board.c — libFuzzer target for the board loader.
 *
 * Each input is one board JSON document.  It goes through the same steps
 * as `memcored --board FILE`: parse and check (board_parse), build into
 * libmemcore (board_build), then the machine is looked at the way a user
 * would (info mtree in every form, a read at each end of every flat range
 * of every address space) and torn down completely (board_destroy), so no
 * state leaks from one input into the next.
 *
 * A built board also has its topology changed the way the monitor's
 * `region` commands change it (each of the first 16 mapped regions
 * hidden and shown again, moved by 4 KiB and back; fewer on a board that
 * renders to many pieces), and after every
 * commit each address space's view must equal a full render of the tree
 * (view_check.h): memcore renders only what changed, and that must never
 * show.
 *
 * What the target asserts, beyond "no crash, no leak, no hang": the
 * engineering standard's promises for bad boards —
 *   - a refused board (parse or build) comes with at least one message,
 *     and none of them is empty;
 *   - a refused board leaves nothing behind in memcore: no address space,
 *     no RAM block;
 *   - after board_destroy() the same holds.
 *
 * Containment (the input must not reach the host):
 *   - relative file names (image.file, a RAM region's backing "file") are
 *     taken from a private scratch directory that holds one small image
 *     file, image.bin, and is emptied after every input;
 *   - an input with any "file" value that could leave that directory (a
 *     '/' anywhere, or "..") is skipped before loading;
 *   - sizes: anonymous RAM is mmap'ed with MAP_NORESERVE, so a large size
 *     costs nothing until touched, but memcore marks new RAM dirty (3 bits
 *     a page) and "fill" touches every byte.  The budget is taken after
 *     board_parse, from the sizes the loader accepted, and counts only RAM
 *     the host can actually reserve: sizes the loader refuses (rounded up
 *     to whole pages they reach 2^64) and sizes mmap cannot reserve (2^63)
 *     cost nothing, and their error paths are worth reaching.  A parsed
 *     board whose ram/rom/romd regions add up to more than MAX_RAM_TOTAL
 *     (counting max-size), or whose filled regions add up to more than
 *     MAX_FILL_TOTAL, is not built.  Skipped inputs return -1, so
 *     libFuzzer keeps them out of the corpus.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <jansson.h>
#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "../../server/board.h"
#include "scratch_dir.h"
#include "view_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RAM_TOTAL ((u128)16 << 30)  /* 16 GiB: bitmaps stay ~1.5 MiB */
#define MAX_FILL_TOTAL ((u128)64 << 20) /* 64 MiB of memset per input */
#define IMAGE_NAME "image.bin"
#define IMAGE_LEN 64

/* ---- containment ---------------------------------------------------------- */

typedef struct Containment {
    bool refused;
} Containment;

static bool file_name_is_contained(const json_t *v)
{
    const char *s;

    if (!json_is_string(v)) {
        return true; /* the loader refuses a non-string before opening */
    }
    s = json_string_value(v);
    /* json_string_length: a "\u0000" inside would hide the rest from
     * strchr, and the loader may read the name differently. */
    return strlen(s) == json_string_length(v) && !strchr(s, '/') &&
           strcmp(s, "..") != 0;
}

/* Before loading: every "file" value must stay in the scratch directory. */
static void walk(const json_t *v, Containment *b)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, child) {
            walk(child, b);
        }
        return;
    }
    if (!json_is_object(v)) {
        return;
    }
    json_object_foreach((json_t *)v, key, child) {
        if (strcmp(key, "file") == 0 && !file_name_is_contained(child)) {
            b->refused = true;
        }
        walk(child, b);
    }
}

/*
 * Whether memcore could reserve @size bytes of RAM here.  Up to the budget
 * it is simply counted; above it, a PROT_NONE probe with MAP_NORESERVE
 * (never touched) asks the host.  Where the probe fails memcore's own
 * mmap fails too, before anything is touched, so such RAM costs nothing:
 * the build is refused with the constructor's message.
 */
static bool host_can_reserve(u128 size)
{
    void *p;

    if (size <= MAX_RAM_TOTAL) {
        return true;
    }
    if (size >= U128_2_64 || size > SIZE_MAX) {
        return false;
    }
    p = mmap(NULL, (size_t)size, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    munmap(p, (size_t)size);
    return true;
}

/* After board_parse: whether building @b stays within the host memory the
 * fuzzer lets one input touch (dirty bitmaps, fill, backing files). */
static bool within_budget(const Board *b)
{
    u128 ram = 0, fill = 0;

    for (size_t i = 0; i < b->nregions; i++) {
        const BoardRegion *r = b->regions[i];
        u128 mapped;

        if (r->type != BR_RAM && r->type != BR_ROM && r->type != BR_ROMD) {
            continue;
        }
        mapped = r->has_max_size && r->max_size > r->size ? r->max_size
                                                           : r->size;
        if (!host_can_reserve(mapped)) {
            continue;
        }
        ram += mapped;
        if (r->has_fill) {
            fill += r->size;
        }
    }
    return ram <= MAX_RAM_TOTAL && fill <= MAX_FILL_TOTAL;
}

/* ---- what a user would do with the machine --------------------------------- */

static int discard_printf(FILE *f, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    (void)f;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return n;
}

static void read_at(AddressSpace *as, hwaddr addr)
{
    uint8_t buf[8];

    address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, buf, sizeof(buf));
}

static void look_at(Board *b)
{
    static const unsigned flag_sets[] = {
        0, MTREE_DISABLED | MTREE_OWNER, MTREE_FLATVIEW,
        MTREE_FLATVIEW | MTREE_DISPATCH | MTREE_OWNER | MTREE_DISABLED,
        MTREE_FORMAT_2016,
    };

    for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
        mtree_info_flags(discard_printf, NULL, flag_sets[i]);
    }
    for (size_t a = 0; a < b->nas; a++) {
        AddressSpace *as = &b->as[a]->as;
        FlatView *view = address_space_get_flatview(as);
        unsigned n = flatview_nr_ranges(view);
        MemoryRegionSection s;

        /* At most 64 ranges: a board of many small regions would
         * otherwise spend the fuzzer's time in reads. */
        for (unsigned i = 0; i < n && i < 64; i++) {
            if (flatview_get_range(view, i, &s)) {
                hwaddr start = s.offset_within_address_space;
                uint64_t len = int128_ge(s.size, int128_2_64())
                                   ? UINT64_MAX : int128_get64(s.size);

                read_at(as, start);
                if (len > 8) {
                    read_at(as, start + len - 8);
                }
            }
        }
        flatview_unref(view);
    }
}

/* ---- invariants ------------------------------------------------------------ */

/* Every address space's view is what a full render of its tree gives
 * (view_check.h); @what and @r say which change was just committed. */
static void check_render(Board *b, const char *what, const BoardRegion *r)
{
    ViewPrint *now = calloc(b->nas ? b->nas : 1, sizeof(*now));

    if (!now) {
        fprintf(stderr, "fuzz_board: out of memory\n");
        abort();
    }
    for (size_t a = 0; a < b->nas; a++) {
        view_print(&b->as[a]->as, &now[a]);
    }
    force_full_render(false);
    for (size_t a = 0; a < b->nas; a++) {
        ViewPrint full;

        view_print(&b->as[a]->as, &full);
        if (!views_equal(&now[a], &full)) {
            fprintf(stderr, "fuzz_board: after %s%s%s, the view of address "
                    "space %s differs from a full render of the same "
                    "tree\n", what, r ? " of " : "", r ? r->path : "",
                    b->as[a]->name);
            view_print_diff(stderr, &now[a], &full);
            abort();
        }
        view_print_free(&full);
        view_print_free(&now[a]);
    }
    free(now);
}

/*
 * Topology changes a user can make at the monitor, each committed on its
 * own, on the first MAX_TOGGLED mapped regions: hide and show again, move
 * by 4 KiB and back.  After each commit the views must match a full
 * render, and once all is undone the machine is as built.
 */
#define MAX_TOGGLED 16

/*
 * Each change costs about a dozen full renders of every address space
 * (the commits, and check_render's own), each in proportion to the pieces
 * it renders.  The loader lets a board render up to BOARD_MAX_PIECES
 * pieces (a 2 KB board of aliases of aliases reaches it); 16 changes of
 * such a board took over 10 s under ASan, libFuzzer's timeout, and one
 * change of an 8192-piece board still took 0.6 s.  Big
 * boards get fewer changes, so that changes x pieces stays within the
 * budget of 16 changes of a 256-piece board; one of more than 4096
 * pieces gets none, its views are still checked once after the build.
 */
#define RENDER_BUDGET ((uint64_t)MAX_TOGGLED * 256)

static unsigned toggles_for(const Board *b)
{
    uint64_t pieces = 0;

    for (size_t a = 0; a < b->nas; a++) {
        if (b->as[a]->root) {
            pieces += b->as[a]->root->pieces;
        }
    }
    if (pieces * MAX_TOGGLED <= RENDER_BUDGET) {
        return MAX_TOGGLED;
    }
    return (unsigned)(RENDER_BUDGET / pieces);
}

static void exercise_topology(Board *b)
{
    unsigned done = 0, max = toggles_for(b);

    check_render(b, "board_build", NULL);
    for (size_t i = 0; i < b->nregions && done < max; i++) {
        BoardRegion *r = b->regions[i];

        if (!r->parent || !r->mapped) {
            continue;
        }
        done++;
        memory_region_set_enabled(&r->mr, !r->enabled);
        check_render(b, r->enabled ? "disabling" : "enabling", r);
        memory_region_set_enabled(&r->mr, r->enabled);
        check_render(b, r->enabled ? "enabling again" : "disabling again",
                     r);
        memory_region_set_address(&r->mr, r->addr ^ 0x1000);
        check_render(b, "moving by 0x1000", r);
        memory_region_set_address(&r->mr, r->addr);
        check_render(b, "moving back", r);
    }
}

static int count_block(const RAMBlockInfo *info, void *opaque)
{
    (void)info;
    ++*(size_t *)opaque;
    return 0;
}

/* memcore holds nothing: a refused or destroyed board left no trace. */
static void check_empty(const char *when)
{
    size_t blocks = 0;
    AddressSpace *as;

    memcore_lock();
    as = address_space_first();
    memcore_unlock();
    qemu_ram_foreach_block_info(count_block, &blocks);
    if (as || blocks) {
        fprintf(stderr, "fuzz_board: %s left %s%s%zu RAM block(s) behind\n",
                when, as ? "address space " : "",
                as ? address_space_name(as) : "", blocks);
        abort();
    }
}

static void check_refusal(const Diag *d, const char *step)
{
    if (!diag_failed(d) || (d->count == 0 && !d->oom)) {
        fprintf(stderr, "fuzz_board: %s refused the board without a "
                "message\n", step);
        abort();
    }
    for (size_t i = 0; i < d->count; i++) {
        if (!d->msgs[i] || !d->msgs[i][0]) {
            fprintf(stderr, "fuzz_board: %s gave an empty message\n", step);
            abort();
        }
    }
}

/* ---- the target ------------------------------------------------------------- */

/* FUZZ_VERBOSE=1 in the environment: say what happened to each input
 * (for reading a reproducer; libFuzzer runs stay quiet). */
static bool verbose(void)
{
    static int v = -1;

    if (v < 0) {
        const char *e = getenv("FUZZ_VERBOSE");

        v = e && *e && strcmp(e, "0") != 0;
    }
    return v;
}

static void report(const char *what, const Diag *d)
{
    if (verbose()) {
        fprintf(stderr, "fuzz_board: %s\n", what);
        if (d) {
            diag_print(d, stderr, "  ");
        }
    }
}

static void prepare_dir(void)
{
    char path[4200];
    uint8_t bytes[IMAGE_LEN];
    FILE *f;

    scratch_dir_clear();
    snprintf(path, sizeof(path), "%s/%s", scratch_dir(), IMAGE_NAME);
    for (size_t i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (uint8_t)(0x13 + i);
    }
    f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, sizeof(bytes), f) != sizeof(bytes) ||
        fclose(f) != 0) {
        perror("fuzz_board: cannot write the image file");
        abort();
    }
}

static void noop_power_off(void *opaque, int status)
{
    (void)opaque;
    (void)status;
}

static void noop_reset(void *opaque)
{
    (void)opaque;
}

static void noop_uart(void *opaque, const char *uart, const uint8_t *buf,
                      size_t len)
{
    (void)opaque;
    (void)uart;
    (void)buf;
    (void)len;
}

static const DeviceHost host = {
    .uart_tx = noop_uart,
    .power_off = noop_power_off,
    .reset = noop_reset,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *doc;
    Containment contained = { 0 };
    Board *b;
    Diag d;

    diag_init(&d);
    doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        /* memcored's own path for text: a syntax error with its line and
         * column.  Only when no NUL byte would make json_loads() read a
         * different (shorter) document than json_loadb() did. */
        if (!memchr(data, 0, size)) {
            char *text = malloc(size + 1);

            if (!text) {
                return -1;
            }
            memcpy(text, data, size);
            text[size] = '\0';
            b = board_parse_string(text, "fuzz.json", scratch_dir(), &d);
            free(text);
            if (b) {
                fprintf(stderr, "fuzz_board: json_loads accepted what "
                        "json_loadb refused\n");
                abort();
            }
            check_refusal(&d, "board_parse_string");
            report("not JSON", &d);
        }
        diag_free(&d);
        return 0;
    }

    walk(doc, &contained);
    if (contained.refused) {
        report("skipped: a file name leaves the scratch directory", NULL);
        json_decref(doc);
        diag_free(&d);
        return -1;
    }

    prepare_dir();
    b = board_parse(doc, scratch_dir(), &d);
    json_decref(doc);
    if (!b) {
        check_refusal(&d, "board_parse");
        check_empty("a board refused by board_parse");
        report("refused by board_parse", &d);
    } else if (!within_budget(b)) {
        report("skipped: more RAM or fill than the budget", NULL);
        board_destroy(b);
        check_empty("an unbuilt board");
        diag_free(&d);
        scratch_dir_clear();
        return -1;
    } else if (!board_build(b, &host, &d)) {
        check_refusal(&d, "board_build");
        board_destroy(b); /* a failed build leaves a parsed board to free */
        check_empty("a board refused by board_build");
        report("refused by board_build", &d);
    } else {
        exercise_topology(b);
        look_at(b);
        if (verbose()) {
            fprintf(stderr, "fuzz_board: built, %zu region(s), %zu address "
                    "space(s)\n", b->nregions, b->nas);
        }
        board_destroy(b);
        check_empty("board_destroy");
    }
    diag_free(&d);
    scratch_dir_clear();
    return 0;
}
