/*
 * tests/fuzz/fuzz_core.c — fuzz target for the memory core itself: the
 * input is a program of topology changes, transactions and accesses on
 * up to eight regions in two address spaces, and every step is checked
 * against the reference model of core_model.c.
 *
 * Slot 0 is the root of address space 0 (a 2^64 container), slot 1 the
 * root of address space 1 (a container whose size the first byte picks);
 * slots 2..7 hold containers, RAM, ROM, MMIO devices and aliases that the
 * program creates, maps, moves, hides, resizes and destroys.  Addresses
 * come from a table that includes the last bytes below 2^64.  The program
 * never misuses the API (no region mapped twice, no cycle through
 * containers and aliases, no subregion of an alias): memcore aborts on
 * misuse, and that abort is then a finding.
 *
 * Checked:
 *  * after every step outside a transaction, each address space's FlatView
 *    equals the model's view range by range (start, end, region, offset,
 *    readonly, direct read/write); inside a transaction the view must
 *    still be the one published at the last commit;
 *  * every access (address_space_read/write, ld/st of 1, 2, 4 and 8 bytes
 *    in both byte orders, write_rom, map/unmap direct or bounced) returns
 *    the model's MemTxResult and bytes, the devices see exactly the calls
 *    the model predicts (offset, size, value, in order), and every RAM
 *    block, padding included, holds what the model's shadow copy holds:
 *    an access touches its own bytes only;
 *  * address_space_translate, address_space_access_valid and
 *    memory_region_find answer what the model's view says;
 *  * a listener on each address space, keeping the ranges region_add gave
 *    it minus those region_del took (region_nop only for ranges it has),
 *    holds exactly the current view.
 *
 * FUZZ_VERBOSE=1 prints each step.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

#include "core_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 400
#define MAX_DEPTH 4
#define MAX_RW (0x7f * 37 + 1) /* the longest step_rw decodes */

typedef struct FzRegion {
    MemoryRegion mr;
    int slot;
    unsigned gen;
} FzRegion;

/* A listener's picture of one address space: what region_add put in and
 * region_del took out must be the view after every commit. */
typedef struct Seen {
    MemoryRegion *mr;
    hwaddr start;
    Int128 size;
    hwaddr off;
    bool readonly;
} Seen;

typedef struct FzListener {
    MemoryListener l;
    unsigned n;
    Seen r[4 * CM_SLOTS * CM_SLOTS];
    const char *error; /* the first callback that made no sense */
} FzListener;

/* One run: the model, memcore's side of it, and what the devices saw. */
typedef struct Run {
    CmModel m;
    FzRegion *reg[CM_SLOTS];
    AddressSpace *as[2];
    FzListener lst[2];
    CmView pub[2];   /* the model's view as of the last commit */
    unsigned depth;
    bool pending;    /* a change the next outermost commit renders */
    unsigned gen;
    bool verbose;
    unsigned step;
} Run;

static CmCalls seen, want;

/*
 * Destroyed regions and address spaces: memcore's readers may use them
 * until a grace period has passed, so they are freed after
 * memcore_rcu_barrier() at the end of the input.  That also frees what
 * memcore retired, so an input frees all it allocated and libFuzzer's
 * leak check (run when an input did not) finds nothing to scan.
 */
#define GRAVE_MAX (2 * MAX_STEPS + 2 * CM_SLOTS)
static void *grave[GRAVE_MAX];
static unsigned ngrave;

static void bury(void *p)
{
    grave[ngrave++] = p;
}

static void bury_all(void)
{
    memcore_rcu_barrier();
    for (unsigned i = 0; i < ngrave; i++) {
        free(grave[i]);
    }
    ngrave = 0;
}

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) {
        fprintf(stderr, "fuzz_core: out of memory\n");
        abort();
    }
    return p;
}

/* ---- Devices -------------------------------------------------------------- */

static void log_call(FzRegion *f, hwaddr addr, unsigned size, bool is_write,
                     uint64_t value)
{
    if (seen.n == CM_MAX_CALLS) {
        fprintf(stderr, "fuzz_core: more than %d device calls\n",
                CM_MAX_CALLS);
        abort();
    }
    seen.c[seen.n++] = (CmCall){ f->slot, f->gen, addr, size, is_write,
                                 value };
}

static uint64_t dev_value(FzRegion *f, hwaddr addr, unsigned size, bool big)
{
    uint64_t v = 0;
    for (unsigned j = 0; j < size; j++) {
        uint8_t b = cm_device_byte(f->slot, f->gen, addr + j);
        v = big ? v << 8 | b : v | (uint64_t)b << (8 * j);
    }
    return v;
}

static uint64_t dev_read_le(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = dev_value(opaque, addr, size, false);
    log_call(opaque, addr, size, false, v);
    return v;
}

static uint64_t dev_read_be(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = dev_value(opaque, addr, size, true);
    log_call(opaque, addr, size, false, v);
    return v;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    log_call(opaque, addr, size, true, v);
}

/* The device kinds: the model's view of each next to memcore's ops. */
static const CmIoOps io_model[] = {
    { 0, false, 0, false }, /* QEMU's defaults: any size, chunks of 4 */
    { 8, false, 8, false },
    { 8, true, 2, true },
    { 4, false, 1, true },
    { 2, false, 0, false },
    { 8, true, 8, false },
};
#define NR_IO (sizeof(io_model) / sizeof(io_model[0]))

#define IO_OPS(vmax, unal, imax, big)                                         \
    {                                                                         \
        .read = (big) ? dev_read_be : dev_read_le, .write = dev_write,        \
        .endianness = (big) ? DEVICE_BIG_ENDIAN : DEVICE_LITTLE_ENDIAN,       \
        .valid = { .max_access_size = (vmax), .unaligned = (unal) },         \
        .impl = { .max_access_size = (imax), .unaligned = (unal) },          \
    }
static const MemoryRegionOps io_ops[NR_IO] = {
    IO_OPS(0, false, 0, false), IO_OPS(8, false, 8, false),
    IO_OPS(8, true, 2, true),   IO_OPS(4, false, 1, true),
    IO_OPS(2, false, 0, false), IO_OPS(8, true, 8, false),
};

/* ---- Listeners ------------------------------------------------------------- */

static int seen_find(FzListener *fl, const MemoryRegionSection *sec)
{
    for (unsigned i = 0; i < fl->n; i++) {
        const Seen *e = &fl->r[i];
        if (e->mr == sec->mr && e->start == sec->offset_within_address_space &&
            e->size == sec->size && e->off == sec->offset_within_region &&
            e->readonly == sec->readonly) {
            return (int)i;
        }
    }
    return -1;
}

static void lst_add(MemoryListener *l, MemoryRegionSection *sec)
{
    FzListener *fl = (FzListener *)l;
    if (seen_find(fl, sec) >= 0) {
        fl->error = fl->error ? fl->error : "region_add of a range it has";
        return;
    }
    if (fl->n == sizeof(fl->r) / sizeof(fl->r[0])) {
        fprintf(stderr, "fuzz_core: more ranges than the listener keeps\n");
        abort();
    }
    fl->r[fl->n++] = (Seen){ sec->mr, sec->offset_within_address_space,
                             sec->size, sec->offset_within_region,
                             sec->readonly };
}

static void lst_del(MemoryListener *l, MemoryRegionSection *sec)
{
    FzListener *fl = (FzListener *)l;
    int i = seen_find(fl, sec);
    if (i < 0) {
        fl->error = fl->error ? fl->error : "region_del of a range it lacks";
        return;
    }
    fl->r[i] = fl->r[--fl->n];
}

static void lst_nop(MemoryListener *l, MemoryRegionSection *sec)
{
    FzListener *fl = (FzListener *)l;
    if (seen_find(fl, sec) < 0) {
        fl->error = fl->error ? fl->error : "region_nop of a range it lacks";
    }
}

/* The listener's ranges are exactly the ranges of @k's view. */
static bool listener_matches(Run *run, int k)
{
    FzListener *fl = &run->lst[k];
    FlatView *fv = address_space_get_flatview(run->as[k]);
    bool ok = !fl->error && fl->n == flatview_nr_ranges(fv);
    MemoryRegionSection sec;
    for (unsigned i = 0; ok && flatview_get_range(fv, i, &sec); i++) {
        ok = seen_find(fl, &sec) >= 0;
    }
    flatview_unref(fv);
    if (!ok) {
        fprintf(stderr, "listener of address space %d: %s, %u ranges\n", k,
                fl->error ? fl->error : "ranges differ from the view", fl->n);
    }
    return ok;
}

/* ---- Input ----------------------------------------------------------------- */

typedef struct Input {
    const uint8_t *p;
    size_t n, i;
} Input;

static uint8_t u8(Input *in)
{
    return in->i < in->n ? in->p[in->i++] : 0;
}

static const uint64_t addr_tab[16] = {
    0, 0x800, 0x1000, 0xfff, 0x10000, 0x1234, 1ull << 32, 1ull << 63,
    -0x1000ull, -0x800ull, -0x10ull, -8ull, -1ull, -0x2000ull,
    (1ull << 63) - 0x800, 0x400,
};

/* An address: a table entry nudged by a signed byte (or 256 of them), or,
 * rarely, eight raw bytes. */
static uint64_t addr_arg(Input *in)
{
    uint8_t a = u8(in);
    if ((a >> 6) == 3) {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | u8(in);
        }
        return v;
    }
    uint64_t v = addr_tab[a & 15];
    int8_t d = (int8_t)u8(in);
    if (a & 0x10) {
        v += (uint64_t)(int64_t)d;
    }
    if (a & 0x20) {
        v += (uint64_t)(int64_t)d * 0x100;
    }
    return v;
}

static const uint64_t size_tab[16] = {
    0, 1, 2, 3, 8, 0x10, 0x100, 0x7ff, 0x800, 0xfff, 0x1000, 0x1001,
    0x2000, 0x10000, 1ull << 63, UINT64_MAX,
};
static const uint64_t ram_size_tab[8] = {
    1, 3, 0x10, 0x100, 0x800, 0x1000, 0x1801, 0x3000,
};

static cm_u128 size128(uint64_t s)
{
    return s == UINT64_MAX ? (cm_u128)1 << 64 : s;
}

/* ---- Checks ---------------------------------------------------------------- */

static void trace(Run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void trace(Run *run, const char *fmt, ...)
{
    if (!run->verbose) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_core: step %u: ", run->step);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int slot_of(Run *run, MemoryRegion *mr)
{
    for (int s = 0; s < CM_SLOTS; s++) {
        if (run->reg[s] && &run->reg[s]->mr == mr) {
            return s;
        }
    }
    return -1;
}

static void print_views(Run *run, int k, FlatView *fv)
{
    fprintf(stderr, "model view of address space %d:\n", k);
    for (unsigned i = 0; i < run->pub[k].n; i++) {
        const CmRange *r = &run->pub[k].r[i];
        fprintf(stderr, "  %016llx-%016llx slot %d @%llx%s%s%s\n",
                (unsigned long long)r->start, (unsigned long long)r->last,
                r->slot, (unsigned long long)r->off,
                r->readonly ? " ro" : "", r->direct_read ? " dr" : "",
                r->direct_write ? " dw" : "");
    }
    fprintf(stderr, "memcore's view:\n");
    FlatRangeInfo fi;
    for (unsigned i = 0; flatview_get_range_info(fv, i, &fi); i++) {
        fprintf(stderr, "  %016llx-%016llx slot %d @%llx%s%s%s\n",
                (unsigned long long)fi.start, (unsigned long long)fi.last,
                slot_of(run, fi.mr), (unsigned long long)fi.offset_in_region,
                fi.readonly ? " ro" : "", fi.direct_read ? " dr" : "",
                fi.direct_write ? " dw" : "");
    }
}

static void fail(Run *run, const char *what)
{
    fprintf(stderr, "fuzz_core: step %u: %s\n", run->step, what);
    for (int k = 0; k < 2; k++) {
        FlatView *fv = address_space_get_flatview(run->as[k]);
        print_views(run, k, fv);
        flatview_unref(fv);
    }
    abort();
}

static void check_view(Run *run, int k)
{
    FlatView *fv = address_space_get_flatview(run->as[k]);
    const CmView *v = &run->pub[k];
    bool ok = flatview_nr_ranges(fv) == v->n;
    for (unsigned i = 0; ok && i < v->n; i++) {
        FlatRangeInfo fi;
        const CmRange *r = &v->r[i];
        ok = flatview_get_range_info(fv, i, &fi) && fi.start == r->start &&
             fi.last == r->last && fi.mr == &run->reg[r->slot]->mr &&
             fi.offset_in_region == r->off && fi.readonly == r->readonly &&
             fi.direct_read == r->direct_read &&
             fi.direct_write == r->direct_write;
    }
    for (unsigned i = 0; ok && i < v->n; i++) {
        const CmRange *r = &v->r[i];
        unsigned j = flatview_find_range(fv, r->start);
        unsigned j2 = flatview_find_range(fv, r->last);
        ok = j == i && j2 == i;
    }
    flatview_unref(fv);
    ok = ok && listener_matches(run, k);
    if (!ok) {
        char msg[80];
        snprintf(msg, sizeof(msg), "address space %d: view differs%s", k,
                 run->depth ? " inside a transaction" : "");
        fail(run, msg);
    }
}

/*
 * After a step: memcore shows the model's view as of the last commit that
 * changed the topology.  Whether a change does is decided by the region
 * and its direct container only ("Mutators"): moving a region inside a
 * disabled container, for one, is not rendered until a later change is.
 */
static void check_step(Run *run)
{
    if (run->depth == 0 && run->pending) {
        run->pending = false;
        for (int k = 0; k < 2; k++) {
            cm_render(&run->m, k, &run->pub[k]);
        }
    }
    check_view(run, 0);
    check_view(run, 1);
}

static void check_ram(Run *run)
{
    for (int s = 0; s < CM_SLOTS; s++) {
        CmRegion *r = &run->m.r[s];
        if (r->kind != CM_RAM && r->kind != CM_ROM) {
            continue;
        }
        const uint8_t *host = memory_region_get_ram_ptr(&run->reg[s]->mr);
        if (memcmp(host, r->shadow, r->shadow_len) != 0) {
            uint64_t i = 0;
            while (host[i] == r->shadow[i]) {
                i++;
            }
            fprintf(stderr, "RAM slot %d offset 0x%llx: 0x%02x, model 0x%02x\n",
                    s, (unsigned long long)i, host[i], r->shadow[i]);
            fail(run, "RAM differs from the model");
        }
    }
}

static void check_calls(Run *run)
{
    bool ok = seen.n == want.n;
    for (unsigned i = 0; ok && i < want.n; i++) {
        const CmCall *a = &seen.c[i], *b = &want.c[i];
        ok = a->slot == b->slot && a->gen == b->gen && a->off == b->off &&
             a->size == b->size && a->is_write == b->is_write &&
             a->value == b->value;
    }
    if (!ok) {
        fprintf(stderr, "device calls (slot gen offset size w value):\n");
        for (unsigned i = 0; i < seen.n || i < want.n; i++) {
            const CmCall *a = i < seen.n ? &seen.c[i] : NULL;
            const CmCall *b = i < want.n ? &want.c[i] : NULL;
            fprintf(stderr, "  memcore: ");
            if (a) {
                fprintf(stderr, "%d %u %llx %u %d %llx", a->slot, a->gen,
                        (unsigned long long)a->off, a->size, a->is_write,
                        (unsigned long long)a->value);
            }
            fprintf(stderr, "   model: ");
            if (b) {
                fprintf(stderr, "%d %u %llx %u %d %llx", b->slot, b->gen,
                        (unsigned long long)b->off, b->size, b->is_write,
                        (unsigned long long)b->value);
            }
            fputc('\n', stderr);
        }
        fail(run, "device calls differ from the model");
    }
    check_ram(run);
}

/* ---- Topology steps ---------------------------------------------------------- */

static bool live(Run *run, int s)
{
    return run->m.r[s].kind != CM_NONE;
}

static FzRegion *new_region(Run *run, int s)
{
    FzRegion *f = xmalloc(sizeof(*f));
    f->slot = s;
    f->gen = ++run->gen;
    run->reg[s] = f;
    CmRegion *r = &run->m.r[s];
    memset(r, 0, sizeof(*r));
    r->gen = f->gen;
    r->enabled = true;
    r->container = -1;
    return f;
}

/* RAM and ROM start with a pattern, in memcore's block and in the model's
 * shadow alike, so that a stray copy shows. */
static void fill_ram(Run *run, int s)
{
    CmRegion *r = &run->m.r[s];
    uint8_t *host = memory_region_get_ram_ptr(&run->reg[s]->mr);
    r->shadow_len = ((uint64_t)r->size + CM_PAGE - 1) / CM_PAGE * CM_PAGE;
    r->shadow = xmalloc(r->shadow_len);
    for (uint64_t i = 0; i < r->size; i++) {
        r->shadow[i] = (uint8_t)(i * 7 + (unsigned)s * 29 + r->gen);
    }
    memcpy(host, r->shadow, r->shadow_len);
}

static void step_create(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    uint8_t k = u8(in);
    uint8_t sz = u8(in);
    static const enum cm_kind kinds[] = { CM_CONTAINER, CM_RAM, CM_ROM,
                                          CM_IO, CM_ALIAS };
    enum cm_kind kind = kinds[(k & 7) % 5];
    int target = (k >> 3) % CM_SLOTS;
    uint64_t off = kind == CM_ALIAS ? addr_arg(in) : 0;
    if (s < 2 || live(run, s) || run->depth) {
        return;
    }
    if (kind == CM_ALIAS && (!live(run, target) || target == s)) {
        return;
    }
    uint64_t size = (kind == CM_RAM || kind == CM_ROM) ? ram_size_tab[sz & 7]
                                                       : size_tab[sz & 15];
    FzRegion *f = new_region(run, s);
    CmRegion *r = &run->m.r[s];
    char name[32];
    snprintf(name, sizeof(name), "s%d-g%u", s, f->gen);
    r->kind = kind;
    r->size = size128(size);
    Error *err = NULL;
    switch (kind) {
    case CM_CONTAINER:
        memory_region_init(&f->mr, NULL, name, size);
        break;
    case CM_RAM:
        memory_region_init_ram(&f->mr, NULL, name, size, &err);
        break;
    case CM_ROM:
        memory_region_init_rom(&f->mr, NULL, name, size, &err);
        r->readonly = true;
        break;
    case CM_IO:
        r->io = io_model[(k >> 3) % NR_IO];
        memory_region_init_io(&f->mr, NULL, &io_ops[(k >> 3) % NR_IO], f,
                              name, size);
        break;
    case CM_ALIAS:
        r->alias = target;
        r->alias_offset = off;
        memory_region_init_alias(&f->mr, NULL, name, &run->reg[target]->mr,
                                 off, size);
        break;
    case CM_NONE:
        break;
    }
    if (err) {
        fprintf(stderr, "fuzz_core: RAM of 0x%llx bytes: %s\n",
                (unsigned long long)size, error_get_pretty(err));
        abort();
    }
    if (kind == CM_RAM || kind == CM_ROM) {
        fill_ram(run, s);
    }
    trace(run, "create slot %d kind %d size 0x%llx%s", s, kind,
          (unsigned long long)size, kind == CM_ALIAS ? " (alias)" : "");
}

static void step_add(Run *run, Input *in)
{
    int sub = u8(in) % CM_SLOTS, c = u8(in) % CM_SLOTS;
    int32_t prio = (int32_t)(u8(in) % 5) - 2;
    uint64_t addr = addr_arg(in);
    CmModel *m = &run->m;
    /* Misuse is not fuzzed: a region mapped once, no cycles, no
     * subregion of an alias. */
    if (!live(run, sub) || !live(run, c) || m->r[sub].container >= 0 ||
        m->r[c].kind == CM_ALIAS || cm_reaches(m, sub, c)) {
        return;
    }
    trace(run, "add slot %d to slot %d at 0x%llx prio %d", sub, c,
          (unsigned long long)addr, prio);
    memory_region_add_subregion_overlap(&run->reg[c]->mr, addr,
                                        &run->reg[sub]->mr, prio);
    run->pending |= m->r[c].enabled && m->r[sub].enabled;
    cm_add(m, c, sub, addr, prio);
}

static void step_del(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    if (!live(run, s) || run->m.r[s].container < 0) {
        return;
    }
    trace(run, "del slot %d from slot %d", s, run->m.r[s].container);
    memory_region_del_subregion(&run->reg[run->m.r[s].container]->mr,
                                &run->reg[s]->mr);
    run->pending |= run->m.r[run->m.r[s].container].enabled &&
                    run->m.r[s].enabled;
    cm_del(&run->m, s);
}

static void step_flag(Run *run, Input *in, bool readonly)
{
    uint8_t b = u8(in);
    int s = b % CM_SLOTS;
    bool on = b & 8;
    if (!live(run, s)) {
        return;
    }
    trace(run, "set_%s slot %d %d", readonly ? "readonly" : "enabled", s, on);
    CmRegion *r = &run->m.r[s];
    if (readonly) {
        memory_region_set_readonly(&run->reg[s]->mr, on);
        run->pending |= r->readonly != on && r->enabled;
        r->readonly = on;
    } else {
        memory_region_set_enabled(&run->reg[s]->mr, on);
        run->pending |= r->enabled != on;
        r->enabled = on;
    }
}

static void step_set_address(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    uint64_t addr = addr_arg(in);
    if (!live(run, s)) {
        return;
    }
    trace(run, "set_address slot %d 0x%llx", s, (unsigned long long)addr);
    memory_region_set_address(&run->reg[s]->mr, addr);
    const CmRegion *r = &run->m.r[s];
    /* Mapped: a delete and a re-insert.  Unmapped: memcore re-renders
     * the views it is the root of (region.c), as they show it at addr. */
    if (r->container >= 0) {
        run->pending |= r->addr != addr && r->enabled &&
                        run->m.r[r->container].enabled;
    } else {
        run->pending |= r->addr != addr && s < 2;
    }
    cm_set_address(&run->m, s, addr);
}

static void step_set_alias_offset(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    uint64_t off = addr_arg(in);
    if (run->m.r[s].kind != CM_ALIAS) {
        return;
    }
    trace(run, "set_alias_offset slot %d 0x%llx", s, (unsigned long long)off);
    memory_region_set_alias_offset(&run->reg[s]->mr, off);
    run->pending |= run->m.r[s].alias_offset != off && run->m.r[s].enabled;
    run->m.r[s].alias_offset = off;
}

static void step_set_size(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    uint64_t size = size_tab[u8(in) & 15];
    enum cm_kind k = run->m.r[s].kind;
    if (k == CM_NONE || k == CM_RAM || k == CM_ROM) {
        return;
    }
    trace(run, "set_size slot %d 0x%llx", s, (unsigned long long)size);
    memory_region_set_size(&run->reg[s]->mr, size);
    run->pending |= run->m.r[s].size != size128(size);
    run->m.r[s].size = size128(size);
}

/* An alias target cannot go while an alias shows it; roots stay. */
static bool unreferenced(Run *run, int s)
{
    if (!live(run, s) || run->m.r[s].container >= 0) {
        return false;
    }
    for (int a = 0; a < CM_SLOTS; a++) {
        if (run->m.r[a].kind == CM_ALIAS && run->m.r[a].alias == s) {
            return false;
        }
    }
    return true;
}

static void destroy(Run *run, int s)
{
    memory_region_destroy(&run->reg[s]->mr);
    /* Destruction disables the region and deletes its subregions. */
    run->pending |= run->m.r[s].enabled;
    bury(run->reg[s]);
    run->reg[s] = NULL;
    for (int c = 0; c < CM_SLOTS; c++) {
        if (live(run, c) && run->m.r[c].container == s) {
            cm_del(&run->m, c);
        }
    }
    free(run->m.r[s].shadow);
    memset(&run->m.r[s], 0, sizeof(run->m.r[s]));
}

static void step_destroy(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    if (run->depth || s < 2 || !unreferenced(run, s)) {
        return;
    }
    trace(run, "destroy slot %d", s);
    destroy(run, s);
}

/* ---- Access steps ------------------------------------------------------------ */

static void step_rw(Run *run, Input *in, bool is_write)
{
    uint8_t b = u8(in);
    int k = b & 1;
    uint64_t addr = addr_arg(in);
    uint8_t l = u8(in);
    static const unsigned small[8] = { 1, 2, 3, 4, 7, 8, 16, 0x41 };
    unsigned len = l & 0x80 ? (l & 0x7f) * 37u + 1 : small[l & 7];
    if (l & 0x40 && !(l & 0x80)) {
        len = 0;
    }
    static uint8_t buf[MAX_RW], mbuf[MAX_RW];
    for (unsigned i = 0; i < len; i++) {
        buf[i] = mbuf[i] = (uint8_t)(b * 13 + i * 0x35);
    }
    trace(run, "%s as %d 0x%llx len 0x%x", is_write ? "write" : "read", k,
          (unsigned long long)addr, len);
    seen.n = want.n = 0;
    MemTxResult r = is_write ? address_space_write(run->as[k], addr,
                                                   MEMTXATTRS_UNSPECIFIED,
                                                   buf, (int)len)
                             : address_space_read(run->as[k], addr,
                                                  MEMTXATTRS_UNSPECIFIED,
                                                  buf, (int)len);
    unsigned mr = cm_rw(&run->m, &run->pub[k], addr, mbuf, len, is_write,
                        &want);
    if (r != mr) {
        fprintf(stderr, "result %u, model %u\n", r, mr);
        fail(run, "access result differs from the model");
    }
    if (!is_write && memcmp(buf, mbuf, len) != 0) {
        unsigned i = 0;
        while (buf[i] == mbuf[i]) {
            i++;
        }
        fprintf(stderr, "byte %u: 0x%02x, model 0x%02x\n", i, buf[i], mbuf[i]);
        fail(run, "bytes read differ from the model");
    }
    check_calls(run);
}

static uint64_t ld(AddressSpace *as, hwaddr a, unsigned n, bool be,
                   MemTxResult *r)
{
    MemTxAttrs at = MEMTXATTRS_UNSPECIFIED;
    switch (n) {
    case 1:
        return address_space_ldub(as, a, at, r);
    case 2:
        return be ? address_space_lduw_be(as, a, at, r)
                  : address_space_lduw_le(as, a, at, r);
    case 4:
        return be ? address_space_ldl_be(as, a, at, r)
                  : address_space_ldl_le(as, a, at, r);
    default:
        return be ? address_space_ldq_be(as, a, at, r)
                  : address_space_ldq_le(as, a, at, r);
    }
}

static void st(AddressSpace *as, hwaddr a, unsigned n, bool be, uint64_t v,
               MemTxResult *r)
{
    MemTxAttrs at = MEMTXATTRS_UNSPECIFIED;
    switch (n) {
    case 1:
        address_space_stb(as, a, (uint32_t)v, at, r);
        break;
    case 2:
        be ? address_space_stw_be(as, a, (uint32_t)v, at, r)
           : address_space_stw_le(as, a, (uint32_t)v, at, r);
        break;
    case 4:
        be ? address_space_stl_be(as, a, (uint32_t)v, at, r)
           : address_space_stl_le(as, a, (uint32_t)v, at, r);
        break;
    default:
        be ? address_space_stq_be(as, a, v, at, r)
           : address_space_stq_le(as, a, v, at, r);
    }
}

static void step_ldst(Run *run, Input *in, bool is_store)
{
    uint8_t b = u8(in);
    int k = (b >> 3) & 1;
    unsigned n = 1u << (b & 3);
    bool be = b & 4;
    uint64_t addr = addr_arg(in);
    uint64_t v = 0x0123456789abcdefull * (uint64_t)(b | 1) + addr;
    if (n < 8) {
        v &= (1ull << (8 * n)) - 1;
    }
    trace(run, "%s%u_%s as %d 0x%llx", is_store ? "st" : "ld", n,
          be ? "be" : "le", k, (unsigned long long)addr);
    seen.n = want.n = 0;
    MemTxResult r = 0xdead;
    unsigned mr;
    uint64_t got = 0, exp = 0;
    if (is_store) {
        st(run->as[k], addr, n, be, v, &r);
        mr = cm_st(&run->m, &run->pub[k], addr, n, be, v, &want);
    } else {
        got = ld(run->as[k], addr, n, be, &r);
        mr = cm_ld(&run->m, &run->pub[k], addr, n, be, &exp, &want);
    }
    if (r != mr || got != exp) {
        fprintf(stderr, "result %u value 0x%llx, model %u value 0x%llx\n", r,
                (unsigned long long)got, mr, (unsigned long long)exp);
        fail(run, "ld/st differs from the model");
    }
    check_calls(run);
}

static void step_write_rom(Run *run, Input *in)
{
    uint8_t b = u8(in);
    int k = b & 1;
    uint64_t addr = addr_arg(in);
    unsigned len = u8(in) * 19u;
    static uint8_t buf[255 * 19];
    for (unsigned i = 0; i < len; i++) {
        buf[i] = (uint8_t)(b * 7 + i * 0x3b);
    }
    trace(run, "write_rom as %d 0x%llx len 0x%x", k, (unsigned long long)addr,
          len);
    seen.n = want.n = 0;
    cpu_physical_memory_write_rom(run->as[k], addr, buf, (int)len);
    cm_write_rom(&run->m, &run->pub[k], addr, buf, len);
    check_calls(run);
}

/* memory_region_find from any region: its address space is the one whose
 * root its container links end at (creation order), the address is
 * relative to it; a size of UINT64_MAX is 2^64, a query is cut at 2^64
 * and finds nothing when it starts there or has size 0 (memory.h). */
static void step_find(Run *run, Input *in)
{
    int s = u8(in) % CM_SLOTS;
    uint64_t addr = addr_arg(in);
    uint64_t size = size_tab[u8(in) & 15];
    if (!live(run, s)) {
        return;
    }
    cm_i128 abs = addr;
    int top = s;
    for (;;) {
        abs += run->m.r[top].addr;
        if (run->m.r[top].container < 0) {
            break;
        }
        top = run->m.r[top].container;
    }
    trace(run, "find slot %d 0x%llx size 0x%llx", s, (unsigned long long)addr,
          (unsigned long long)size);
    MemoryRegionSection sec = memory_region_find(&run->reg[s]->mr, addr, size);
    if (sec.mr) {
        memory_region_unref(sec.mr);
    }
    CmRange want_r = { 0 };
    bool found = top < 2 && size && abs < ((cm_i128)1 << 64) &&
                 cm_find(&run->pub[top], (uint64_t)abs, size128(size),
                         &want_r);
    bool ok = found == (sec.mr != NULL);
    if (ok && found) {
        ok = sec.mr == &run->reg[want_r.slot]->mr &&
             sec.offset_within_address_space == want_r.start &&
             sec.offset_within_region == want_r.off &&
             sec.size == (Int128)want_r.last - want_r.start + 1 &&
             sec.readonly == want_r.readonly;
    }
    if (!ok) {
        fprintf(stderr, "find: slot %d @%llx +%llx size %llx%s; model: %s "
                "slot %d @%llx..%llx +%llx%s\n", slot_of(run, sec.mr),
                (unsigned long long)sec.offset_within_address_space,
                (unsigned long long)sec.offset_within_region,
                (unsigned long long)sec.size, sec.readonly ? " ro" : "",
                found ? "found" : "none", want_r.slot,
                (unsigned long long)want_r.start,
                (unsigned long long)want_r.last,
                (unsigned long long)want_r.off, want_r.readonly ? " ro" : "");
        fail(run, "memory_region_find differs from the model");
    }
}

static void step_translate(Run *run, Input *in)
{
    uint8_t b = u8(in);
    int k = b & 1;
    bool is_write = b & 2;
    uint64_t addr = addr_arg(in);
    uint64_t len = size_tab[u8(in) & 15];
    trace(run, "translate/access_valid as %d 0x%llx len 0x%llx %s", k,
          (unsigned long long)addr, (unsigned long long)len,
          is_write ? "write" : "read");
    hwaddr xlat, l = len;
    MemoryRegion *mr = address_space_translate(run->as[k], addr, &xlat, &l,
                                               is_write);
    uint64_t mx, ml = len;
    int ms = cm_translate(&run->pub[k], addr, &mx, &ml);
    if (slot_of(run, mr) != ms || xlat != mx || l != ml) {
        fprintf(stderr, "translate: slot %d @%llx len %llx; model slot %d "
                "@%llx len %llx\n", slot_of(run, mr), (unsigned long long)xlat,
                (unsigned long long)l, ms, (unsigned long long)mx,
                (unsigned long long)ml);
        fail(run, "address_space_translate differs from the model");
    }
    unsigned vlen = (unsigned)(len > 0x2000 ? 0x2000 : len);
    bool ok = address_space_access_valid(run->as[k], addr, (int)vlen,
                                         is_write);
    if (ok != cm_access_valid(&run->m, &run->pub[k], addr, vlen, is_write)) {
        fprintf(stderr, "access_valid of 0x%x bytes: %d\n", vlen, ok);
        fail(run, "address_space_access_valid differs from the model");
    }
}

/* Map, use and unmap in one step (so the one bounce buffer is free at the
 * start of each): a direct mapping must point at the region's block, a
 * bounce mapping reads the device at map time and writes back exactly
 * access_len bytes at unmap time. */
static void step_map(Run *run, Input *in)
{
    uint8_t b = u8(in);
    int k = b & 1;
    bool is_write = b & 2;
    uint64_t addr = addr_arg(in);
    uint64_t len = size_tab[u8(in) & 15];
    trace(run, "map as %d 0x%llx len 0x%llx %s", k, (unsigned long long)addr,
          (unsigned long long)len, is_write ? "write" : "read");
    seen.n = want.n = 0;
    hwaddr plen = len;
    uint8_t *p = address_space_map(run->as[k], addr, &plen, is_write);
    uint64_t off = 0, mlen;
    int how = cm_map(&run->pub[k], addr, len, is_write, &off, &mlen);
    const CmRange *r = cm_view_find(&run->pub[k], addr);
    bool ok = plen == mlen && (p == NULL) == (how == CM_MAP_NULL);
    if (ok && how == CM_MAP_DIRECT) {
        uint8_t *host = memory_region_get_ram_ptr(&run->reg[r->slot]->mr);
        ok = p == host + off;
    }
    if (!ok) {
        fprintf(stderr, "map: %p len 0x%llx; model: kind %d len 0x%llx\n",
                (void *)p, (unsigned long long)plen, how,
                (unsigned long long)mlen);
        fail(run, "address_space_map differs from the model");
    }
    if (!p) {
        return;
    }
    static uint8_t mbuf[CM_PAGE];
    uint64_t access_len = plen * (b >> 2 & 3) / 3;
    if (how == CM_MAP_BOUNCE && !is_write) {
        cm_rw(&run->m, &run->pub[k], addr, mbuf, (unsigned)plen, false, &want);
        if (memcmp(p, mbuf, plen) != 0) {
            fail(run, "bounce buffer differs from the model's read");
        }
    }
    if (is_write) {
        for (uint64_t i = 0; i < access_len; i++) {
            p[i] = (uint8_t)(b + i * 0x1f);
        }
        if (how == CM_MAP_DIRECT) {
            memcpy(run->m.r[r->slot].shadow + off, p, access_len);
        } else {
            memcpy(mbuf, p, access_len);
        }
    }
    address_space_unmap(run->as[k], p, plen, is_write, access_len);
    if (how == CM_MAP_BOUNCE && is_write) {
        cm_rw(&run->m, &run->pub[k], addr, mbuf, (unsigned)access_len, true,
              &want);
    }
    check_calls(run);
}

/* ---- A run ---------------------------------------------------------------------- */

static void start(Run *run, Input *in)
{
    static const uint64_t root1_size[4] = { UINT64_MAX, 0x10000, 0x1800,
                                            1ull << 32 };
    uint64_t sizes[2] = { UINT64_MAX, root1_size[u8(in) & 3] };
    for (int s = 0; s < 2; s++) {
        FzRegion *f = new_region(run, s);
        char name[16];
        snprintf(name, sizeof(name), "root%d", s);
        memory_region_init(&f->mr, NULL, name, sizes[s]);
        run->m.r[s].kind = CM_CONTAINER;
        run->m.r[s].size = size128(sizes[s]);
        run->as[s] = xmalloc(sizeof(AddressSpace));
        address_space_init(run->as[s], &f->mr, name);
        run->lst[s].l = (MemoryListener){ .region_add = lst_add,
                                          .region_del = lst_del,
                                          .region_nop = lst_nop };
        memory_listener_register(&run->lst[s].l, run->as[s]);
    }
    run->pending = true;
    check_step(run);
}

static void finish(Run *run)
{
    while (run->depth) {
        run->depth--;
        memory_region_transaction_commit();
    }
    for (int k = 0; k < 2; k++) {
        memory_listener_unregister(&run->lst[k].l);
        address_space_destroy(run->as[k]);
    }
    for (int s = 0; s < CM_SLOTS; s++) {
        if (live(run, s) && run->m.r[s].container >= 0) {
            memory_region_del_subregion(&run->reg[run->m.r[s].container]->mr,
                                        &run->reg[s]->mr);
            cm_del(&run->m, s);
        }
    }
    /* Aliases before their targets. */
    for (bool any = true; any;) {
        any = false;
        for (int s = 0; s < CM_SLOTS; s++) {
            if (unreferenced(run, s)) {
                destroy(run, s);
                any = true;
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        bury(run->as[k]);
        cm_view_free(&run->pub[k]);
    }
    bury_all();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Run *run = xmalloc(sizeof(*run));
    Input in = { data, size, 0 };
    const char *v = getenv("FUZZ_VERBOSE");
    run->verbose = v && *v == '1';
    start(run, &in);
    for (run->step = 1; in.i < in.n && run->step <= MAX_STEPS; run->step++) {
        switch (u8(&in) % 16) {
        case 0:
            step_create(run, &in);
            break;
        case 1:
            switch (u8(&in) % 4) {
            case 0:
                step_write_rom(run, &in);
                break;
            case 1:
                step_find(run, &in);
                break;
            case 2:
                step_translate(run, &in);
                break;
            default:
                step_map(run, &in);
            }
            break;
        case 2:
            step_add(run, &in);
            break;
        case 3:
            step_del(run, &in);
            break;
        case 4:
            step_flag(run, &in, false);
            break;
        case 5:
            step_flag(run, &in, true);
            break;
        case 6:
            step_set_address(run, &in);
            break;
        case 7:
            step_set_alias_offset(run, &in);
            break;
        case 8:
            step_set_size(run, &in);
            break;
        case 9:
            if (run->depth < MAX_DEPTH) {
                trace(run, "begin");
                memory_region_transaction_begin();
                run->depth++;
            }
            break;
        case 10:
            if (run->depth > 0) {
                trace(run, "commit");
                memory_region_transaction_commit();
                run->depth--;
            }
            break;
        case 11:
            step_destroy(run, &in);
            break;
        case 12:
            step_rw(run, &in, false);
            break;
        case 13:
            step_rw(run, &in, true);
            break;
        case 14:
            step_ldst(run, &in, false);
            break;
        case 15:
            step_ldst(run, &in, true);
            break;
        }
        check_step(run);
    }
    finish(run);
    free(run);
    return 0;
}
