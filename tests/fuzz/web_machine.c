/*
 * tests/fuzz/web_machine.c — see web_machine.h.
 *
 * The board is fuzz_monitor's (the same regions under the same names),
 * so that a request naming a region or an address from one target's
 * corpus means the same in the other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "../../server/board.h"
#include "view_check.h"
#include "web_machine.h"

static const char board_json[] =
    "{\"name\": \"fuzz-web\",\n"
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
#define UART_LOG_MAX 4096

/* RAM whose bytes the shadow follows. */
typedef struct Tracked {
    MemoryRegion *mr;
    size_t max;               /* host bytes the block may use */
    uint8_t *shadow;          /* what they should hold (max bytes) */
    uint8_t *initial;         /* what they held when built */
} Tracked;

enum { T_BOOT, T_SMALL, T_RAM, T_CANARY0, T_CANARY1, T_COUNT };

struct WmViews {
    ViewPrint v[2];
};

static struct {
    Board *board;
    DeviceHost host;
    MonitorMachine mm[2];     /* writable, read-only */
    MemoryRegion canary[2];
    BoardRegion *rom, *ram, *small;
    Tracked t[T_COUNT];
    char uart[UART_LOG_MAX];
    size_t uart_len;
    ViewPrint views[2];       /* memory and I/O as built */
    bool ready;
} wm;

static const char *const as_names[2] = { "memory", "I/O" };

static void die(const char *what)
{
    fprintf(stderr, "fuzz_web: %s\n", what);
    abort();
}

/* ---- DeviceHost and MonitorMachine hooks ------------------------------- */

static void host_uart_tx(void *opaque, const char *uart, const uint8_t *buf,
                         size_t len)
{
    (void)opaque;
    (void)uart;
    for (size_t i = 0; i < len && wm.uart_len < UART_LOG_MAX; i++) {
        wm.uart[wm.uart_len++] = (char)buf[i];
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

static AddressSpace *mm_default_as(void *opaque)
{
    (void)opaque;
    return &board_default_as(wm.board)->as;
}

static AddressSpace *mm_find_as(void *opaque, const char *name)
{
    (void)opaque;
    return wm_as(name);
}

static int mm_find_region(void *opaque, const char *name, MemoryRegion **mr)
{
    BoardRegion *r = NULL;
    int n = board_find_region(wm.board, name, &r);

    (void)opaque;
    if (n == 1 && mr) {
        *mr = &r->mr;
    }
    return n;
}

static void mm_foreach_region(void *opaque, MonitorRegionFn fn, void *arg)
{
    (void)opaque;
    for (size_t i = 0; i < wm.board->nregions; i++) {
        fn(arg, wm.board->regions[i]->id, &wm.board->regions[i]->mr);
    }
}

static void mm_foreach_as(void *opaque, MonitorAsFn fn, void *arg)
{
    (void)opaque;
    for (size_t i = 0; i < wm.board->nas; i++) {
        fn(arg, &wm.board->as[i]->as);
    }
}

static void mm_uart_log(void *opaque, MonitorUartFn fn, void *arg)
{
    (void)opaque;
    fn(arg, "uart0", wm.uart, wm.uart_len);
}

static void mm_quit(void *opaque)
{
    (void)opaque;
}

/* ---- building it ---------------------------------------------------------- */

static void canary_init(MemoryRegion *mr, const char *name)
{
    Error *err = NULL;
    uint8_t *p;

    memory_region_init_ram(mr, NULL, name, CANARY_SIZE, &err);
    if (err || !(p = memory_region_get_ram_ptr(mr))) {
        die("cannot create a canary RAM region");
    }
    for (size_t i = 0; i < CANARY_SIZE; i++) {
        p[i] = (uint8_t)(0x5a ^ i ^ (i >> 8));
    }
}

static BoardRegion *region(const char *id)
{
    BoardRegion *r = NULL;

    if (board_find_region(wm.board, id, &r) != 1) {
        die("the fuzz board lacks a region");
    }
    return r;
}

static void track(int i, MemoryRegion *mr, size_t max)
{
    Tracked *t = &wm.t[i];
    const uint8_t *host = memory_region_get_ram_ptr(mr);

    t->mr = mr;
    t->max = max;
    t->shadow = malloc(max);
    t->initial = malloc(max);
    if (!host || !t->shadow || !t->initial) {
        die("out of memory building the shadow");
    }
    memcpy(t->initial, host, max);
    memcpy(t->shadow, host, max);
}

void wm_init(void)
{
    Diag d;

    if (wm.ready) {
        return;
    }
    /* Canaries on both sides of the machine's mappings (mmap usually
     * places later mappings just below earlier ones). */
    canary_init(&wm.canary[0], "fuzz.canary-before");
    wm.host = (DeviceHost) {
        .uart_tx = host_uart_tx,
        .power_off = host_power_off,
        .reset = host_reset,
    };
    diag_init(&d);
    wm.board = board_parse_string(board_json, NULL, NULL, &d);
    if (!wm.board || !board_build(wm.board, &wm.host, &d)) {
        diag_print(&d, stderr, "fuzz_web: ");
        die("the fuzz board does not load");
    }
    diag_free(&d);
    canary_init(&wm.canary[1], "fuzz.canary-after");

    wm.rom = region("boot");
    wm.ram = region("ram");
    wm.small = region("small");
    track(T_BOOT, &wm.rom->mr, (size_t)size_to_api(wm.rom->size));
    track(T_SMALL, &wm.small->mr, (size_t)size_to_api(wm.small->size));
    track(T_RAM, &wm.ram->mr, (size_t)size_to_api(wm.ram->max_size));
    track(T_CANARY0, &wm.canary[0], CANARY_SIZE);
    track(T_CANARY1, &wm.canary[1], CANARY_SIZE);

    wm.mm[0] = (MonitorMachine) {
        .read_only = false,
        /* As the HTTP front's copy: memsave/pmemsave only into
         * --dump-dir, and there is none. */
        .confine_files = true,
        .dump_dir = NULL,
        .default_as = mm_default_as,
        .find_as = mm_find_as,
        .find_region = mm_find_region,
        .foreach_region = mm_foreach_region,
        .foreach_as = mm_foreach_as,
        .uart_log = mm_uart_log,
        .quit = mm_quit,
    };
    wm.mm[1] = wm.mm[0];
    wm.mm[1].read_only = true;
    for (int i = 0; i < 2; i++) {
        view_print(wm_as(as_names[i]), &wm.views[i]);
    }
    wm.ready = true;
}

const MonitorMachine *wm_monitor(bool read_only)
{
    return &wm.mm[read_only ? 1 : 0];
}

AddressSpace *wm_as(const char *name)
{
    BoardAS *as = board_find_as(wm.board, name);

    return as ? &as->as : NULL;
}

/* ---- the shadow ------------------------------------------------------------- */

/* Host bytes of @t in use now (a resized RAM block uses less than its
 * maximum; the rest is not guest memory until it grows again). */
static size_t used(const Tracked *t)
{
    uint64_t size = memory_region_size(t->mr);

    return size < t->max ? (size_t)size : t->max;
}

static Tracked *tracked(MemoryRegion *mr)
{
    for (int i = 0; i < T_COUNT; i++) {
        if (wm.t[i].mr == mr) {
            return &wm.t[i];
        }
    }
    return NULL;
}

/* The range of @v that holds @a, or false when nothing does. */
static bool range_at(const FlatView *v, uint64_t a, FlatRangeInfo *r)
{
    return flatview_get_range_info(v, flatview_find_range(v, a), r) &&
           r->start <= a;
}

/* Call @fn for each piece of [@addr, @addr + @len) that the view of @as
 * maps to RAM (@write: writable RAM), with the host offset in its
 * Tracked block. */
static void foreach_ram(AddressSpace *as, uint64_t addr, uint64_t len,
                        bool write,
                        void (*fn)(void *arg, Tracked *t, size_t off,
                                   uint64_t done, uint64_t n),
                        void *arg)
{
    FlatView *v = address_space_get_flatview(as);
    uint64_t done = 0;

    while (done < len) {
        uint64_t a = addr + done;
        uint64_t n = len - done;
        FlatRangeInfo r;

        if (a < addr) {
            break;  /* past 2^64 */
        }
        if (!range_at(v, a, &r)) {
            unsigned i = flatview_find_range(v, a);

            if (!flatview_get_range_info(v, i, &r)) {
                break;  /* nothing mapped above */
            }
            /* skip the hole */
            if (r.start - a >= n) {
                break;
            }
            done += r.start - a;
            continue;
        }
        if (n - 1 > r.last - a) {
            n = r.last - a + 1;
        }
        if (memory_region_is_ram(r.mr) && !r.romd &&
            (!write || !r.readonly)) {
            Tracked *t = tracked(r.mr);
            uint64_t off = r.offset_in_region + (a - r.start);

            if (!t) {
                fprintf(stderr, "fuzz_web: RAM region %s is not in the "
                        "shadow\n", memory_region_name(r.mr));
                abort();
            }
            if (off >= t->max || n > t->max - off) {
                fprintf(stderr, "fuzz_web: 0x%llx bytes at offset 0x%llx "
                        "of %s lie outside its RAM block\n",
                        (unsigned long long)n, (unsigned long long)off,
                        memory_region_name(r.mr));
                abort();
            }
            fn(arg, t, (size_t)off, done, n);
        }
        done += n;
        if (n == 0) {
            break;
        }
    }
    flatview_unref(v);
}

static void put_shadow(void *arg, Tracked *t, size_t off, uint64_t done,
                       uint64_t n)
{
    memcpy(t->shadow + off, (const uint8_t *)arg + done, (size_t)n);
}

void wm_shadow_write(AddressSpace *as, uint64_t addr, const uint8_t *data,
                     uint64_t len)
{
    foreach_ram(as, addr, len, true, put_shadow, (void *)data);
}

static void report_diff(const char *what, const Tracked *t, size_t i,
                        const char *how)
{
    const uint8_t *host = memory_region_get_ram_ptr(t->mr);

    fprintf(stderr, "fuzz_web: after %s, byte 0x%zx of %s is 0x%02x, %s "
            "0x%02x\n", what, i, memory_region_name(t->mr), host[i], how,
            t->shadow[i]);
    abort();
}

void wm_shadow_check(const char *what)
{
    for (int k = 0; k < T_COUNT; k++) {
        const Tracked *t = &wm.t[k];
        const uint8_t *host = memory_region_get_ram_ptr(t->mr);
        size_t n = used(t);

        if (memcmp(host, t->shadow, n) == 0) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (host[i] != t->shadow[i]) {
                report_diff(what, t, i, "expected");
            }
        }
    }
}

void wm_shadow_check_prefix(const char *what, AddressSpace *as,
                            uint64_t addr, const uint8_t *data,
                            uint64_t len)
{
    uint8_t *old[T_COUNT] = { NULL };
    bool changed = false;

    /* Usually nothing changed, or exactly the whole write did. */
    for (int k = 0; k < T_COUNT; k++) {
        changed |= memcmp(memory_region_get_ram_ptr(wm.t[k].mr),
                          wm.t[k].shadow, used(&wm.t[k])) != 0;
    }
    if (!changed) {
        return;
    }
    /* The shadow after the whole write, and the one before it: every
     * byte must match one of them. */
    for (int k = 0; k < T_COUNT; k++) {
        size_t n = used(&wm.t[k]);

        old[k] = malloc(n ? n : 1);
        if (!old[k]) {
            die("out of memory checking a write");
        }
        memcpy(old[k], wm.t[k].shadow, n);
    }
    wm_shadow_write(as, addr, data, len);
    for (int k = 0; k < T_COUNT; k++) {
        Tracked *t = &wm.t[k];
        const uint8_t *host = memory_region_get_ram_ptr(t->mr);
        size_t n = used(t);

        if (memcmp(host, t->shadow, n) != 0) {
            for (size_t i = 0; i < n; i++) {
                if (host[i] != t->shadow[i] && host[i] != old[k][i]) {
                    report_diff(what, t, i,
                                "neither the old nor the written");
                }
            }
        }
        memcpy(t->shadow, host, n);
        free(old[k]);
    }
}

void wm_shadow_sync(void)
{
    for (int k = 0; k < T_COUNT; k++) {
        Tracked *t = &wm.t[k];

        if (k == T_BOOT || k == T_CANARY0 || k == T_CANARY1) {
            continue;  /* nothing may change them: they stay checked */
        }
        memcpy(t->shadow, memory_region_get_ram_ptr(t->mr), used(t));
    }
}

typedef struct ReadCheck {
    const uint8_t *data;
    uint64_t addr;
    const char *what;
} ReadCheck;

static void cmp_read(void *arg, Tracked *t, size_t off, uint64_t done,
                     uint64_t n)
{
    const ReadCheck *rc = arg;
    const uint8_t *host = memory_region_get_ram_ptr(t->mr);

    if (memcmp(host + off, rc->data + done, (size_t)n) == 0) {
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (host[off + i] != rc->data[done + i]) {
            fprintf(stderr, "fuzz_web: %s answered 0x%02x for address "
                    "0x%llx, which holds 0x%02x (%s + 0x%zx)\n", rc->what,
                    rc->data[done + i],
                    (unsigned long long)(rc->addr + done + i),
                    host[off + i], memory_region_name(t->mr),
                    (size_t)(off + i));
            abort();
        }
    }
}

void wm_check_read(AddressSpace *as, uint64_t addr, const uint8_t *data,
                   uint64_t len, const char *what)
{
    ReadCheck rc = { data, addr, what };

    foreach_ram(as, addr, len, false, cmp_read, &rc);
}

/* ---- views ------------------------------------------------------------------- */

WmViews *wm_views_save(void)
{
    WmViews *v = malloc(sizeof(*v));

    if (!v) {
        die("out of memory saving the views");
    }
    for (int i = 0; i < 2; i++) {
        view_print(wm_as(as_names[i]), &v->v[i]);
    }
    return v;
}

bool wm_views_same(const WmViews *v)
{
    bool same = true;

    for (int i = 0; i < 2; i++) {
        ViewPrint now;

        view_print(wm_as(as_names[i]), &now);
        if (!views_equal(&now, &v->v[i])) {
            view_print_diff(stderr, &now, &v->v[i]);
            same = false;
        }
        view_print_free(&now);
    }
    return same;
}

void wm_views_free(WmViews *v)
{
    if (v) {
        view_print_free(&v->v[0]);
        view_print_free(&v->v[1]);
        free(v);
    }
}

/* ---- putting it back ------------------------------------------------------------ */

static void restore_topology(void)
{
    Board *b = wm.board;
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
}

void wm_restore(bool changed_by_monitor)
{
    static const uint8_t zeros[0x100];
    AddressSpace *as = wm_as("memory");

    if (changed_by_monitor) {
        restore_topology();
    }
    for (int k = 0; k < T_COUNT; k++) {
        Tracked *t = &wm.t[k];
        /* All of a resizable block: a monitor may have grown it, and
         * what it wrote there would show when it grows again. */
        size_t n = changed_by_monitor ? t->max : used(t);

        if (memcmp(t->shadow, t->initial, n) != 0 || changed_by_monitor) {
            memcpy(memory_region_get_ram_ptr(t->mr), t->initial, n);
            memcpy(t->shadow, t->initial, n);
        }
    }
    address_space_write(as, 0x10001000, MEMTXATTRS_UNSPECIFIED, zeros,
                        sizeof(zeros));
    address_space_write(as, 0x10002000, MEMTXATTRS_UNSPECIFIED, zeros,
                        sizeof(zeros));
    wm.uart_len = 0;
    for (int i = 0; i < 2; i++) {
        ViewPrint now;

        view_print(wm_as(as_names[i]), &now);
        if (!views_equal(&now, &wm.views[i])) {
            fprintf(stderr, "fuzz_web: address space %s is not as built "
                    "after putting every region back\n", as_names[i]);
            view_print_diff(stderr, &now, &wm.views[i]);
            abort();
        }
        view_print_free(&now);
    }
}
