/*
 * tests/fuzz/web_machine.c — see web_machine.h.
 *
 * The board is fuzz_machine.h's, shared with fuzz_monitor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "../../server/board.h"
#include "fuzz_machine.h"
#include "view_check.h"
#include "web_machine.h"

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
    FzmMachine m;
    MonitorMachine mm[2];     /* writable, read-only */
    Tracked t[T_COUNT];
    bool ready;
} wm;

static const char *const as_names[2] = { "memory", "I/O" };

static void die(const char *what)
{
    fprintf(stderr, "fuzz_web: %s\n", what);
    abort();
}

/* ---- building it ---------------------------------------------------------- */

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
    if (wm.ready) {
        return;
    }
    fzm_build(&wm.m, "fuzz_web");
    track(T_BOOT, &wm.m.rom->mr, (size_t)size_to_api(wm.m.rom->size));
    track(T_SMALL, &wm.m.small->mr, (size_t)size_to_api(wm.m.small->size));
    track(T_RAM, &wm.m.ram->mr, (size_t)size_to_api(wm.m.ram->max_size));
    track(T_CANARY0, &wm.m.canary[0], FZM_CANARY_SIZE);
    track(T_CANARY1, &wm.m.canary[1], FZM_CANARY_SIZE);

    /* As the HTTP front's copy: memsave/pmemsave only into --dump-dir,
     * and there is none. */
    wm.mm[0] = wm.m.mm;
    wm.mm[0].confine_files = true;
    wm.mm[0].dump_dir = NULL;
    wm.mm[1] = wm.mm[0];
    wm.mm[1].read_only = true;
    wm.ready = true;
}

const MonitorMachine *wm_monitor(bool read_only)
{
    return &wm.mm[read_only ? 1 : 0];
}

AddressSpace *wm_as(const char *name)
{
    return fzm_as(&wm.m, name);
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

void wm_restore(bool changed_by_monitor)
{
    if (changed_by_monitor) {
        fzm_restore_topology(&wm.m, "fuzz_web");
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
    fzm_reset_devices(&wm.m);
    fzm_check_views(&wm.m, "fuzz_web");
}
