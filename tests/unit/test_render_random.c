/*
 * test_render_random.c — differential test of FlatView rendering.
 *
 * libmemcore renders with a painter sweep and re-renders only the windows
 * a commit touched, sharing untouched chunks of the old view.  This test
 * drives random trees through random mutations (add, delete, move,
 * enable/disable, resize, alias offsets, readonly, priorities) and after
 * every commit compares the published view with a reference renderer
 * written here straight from memcore/SEMANTICS.md, Rendering: the
 * painter rule applied by array insertion, then Simplification.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "check_run.h"

typedef unsigned __int128 u128;

/* ---- Reference renderer (SEMANTICS.md, Rendering) ----------------------- */

typedef struct Ref {
    MemoryRegion *mr;
    uint64_t off, start;
    u128 end; /* exclusive */
    bool ro;
} Ref;

typedef struct RefView {
    Ref r[4096];
    int n;
} RefView;

static void ref_insert(RefView *v, int at, Ref x)
{
    ck_assert_int_lt(v->n, 4096);
    memmove(&v->r[at + 1], &v->r[at], sizeof(Ref) * (v->n - at));
    v->r[at] = x;
    v->n++;
}

static void ref_render(RefView *v, MemoryRegion *mr, __int128 base,
                       __int128 clo, __int128 chi, bool ro)
{
    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    ro = ro || mr->readonly;
    __int128 lo = base > clo ? base : clo;
    __int128 hi = base + mr->size < chi ? base + mr->size : chi;
    if (lo >= hi) {
        return;
    }
    if (mr->alias) {
        ref_render(v, mr->alias,
                   base - (__int128)mr->alias->addr - mr->alias_offset, lo,
                   hi, ro);
        return;
    }
    for (MemoryRegion *s = mr->subregions_head; s; s = s->sub_next) {
        ref_render(v, s, base, lo, hi, ro);
    }
    if (!mr->terminates) {
        return;
    }
    __int128 cur = lo, remain = hi - lo;
    int i = 0;
    for (; i < v->n && remain > 0; i++) {
        Ref *r = &v->r[i];
        if (cur >= (__int128)r->end) {
            continue;
        }
        if (cur < (__int128)r->start) {
            __int128 n = (__int128)r->start - cur;
            if (n > remain) {
                n = remain;
            }
            Ref x = { mr, (uint64_t)(cur - base), (uint64_t)cur,
                      (u128)(cur + n), ro };
            ref_insert(v, i, x);
            i++;
            cur += n;
            remain -= n;
            r = &v->r[i];
        }
        if (remain <= 0) {
            break;
        }
        __int128 e = cur + remain < (__int128)r->end ? cur + remain
                                                      : (__int128)r->end;
        remain -= e - cur;
        cur = e;
    }
    if (remain > 0) {
        Ref x = { mr, (uint64_t)(cur - base), (uint64_t)cur,
                  (u128)(cur + remain), ro };
        ref_insert(v, v->n, x);
    }
}

static void ref_simplify(RefView *v)
{
    int w = 0;
    for (int i = 0; i < v->n; i++) {
        Ref *p = w ? &v->r[w - 1] : NULL;
        Ref *c = &v->r[i];
        if (p && p->end == c->start && p->mr == c->mr &&
            p->off + (uint64_t)(p->end - p->start) == c->off &&
            p->ro == c->ro && p->mr->romd_mode == c->mr->romd_mode) {
            p->end = c->end;
        } else {
            v->r[w++] = *c;
        }
    }
    v->n = w;
}

/* ---- Random machine --------------------------------------------------- */

#define MAX_REG 700

static unsigned NREG = 48;
static uint64_t SPACE = 0x40000;
static MemoryRegion regs[MAX_REG];
static int kind[MAX_REG]; /* 0 container, 1 io, 2 ram, 3 alias */
static MemoryRegion root;
static AddressSpace as;
/* Address spaces rooted at regions that are themselves mapped and moved:
 * their views sit at the root's addr (the painter rule adds the root's addr too). */
static AddressSpace as_sub0, as_sub1;
/* Address spaces rooted at aliases: one of the whole root, one of a
 * container; mutations move them, the root and their targets, so views
 * may or may not be shareable with the target's. */
static MemoryRegion root_alias, sub_alias;
static AddressSpace as_alias, as_sub_alias;
static unsigned seed;

static unsigned rnd(unsigned n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

static uint64_t rnd_size(void)
{
    static const uint64_t sizes[] = { 0x100, 0x800, 0x1000, 0x1800, 0x3000,
                                      0x8000, 0x10000, 0x234 };
    return sizes[rnd(8)];
}

static const MemoryRegionOps io_ops = { .endianness = DEVICE_LITTLE_ENDIAN };

static bool is_ancestor(MemoryRegion *a, MemoryRegion *of)
{
    for (MemoryRegion *c = of; c; c = c->container) {
        if (c == a) {
            return true;
        }
    }
    return false;
}

static void place(MemoryRegion *mr)
{
    int c = (int)rnd(16) - 8; /* the root half of the time */
    MemoryRegion *cont = c < 0 ? &root : &regs[c];
    if (cont == mr || is_ancestor(mr, cont)) {
        cont = &root;
    }
    /* Mostly inside the container, sometimes sticking out of it. */
    uint64_t span = memory_region_size(cont) / 0x100 + 8;
    memory_region_add_subregion_overlap(cont, rnd((unsigned)span) * 0x100, mr,
                                        (int)rnd(3) - 1);
}

static void build(void)
{
    memory_region_init(&root, NULL, "root", SPACE);
    address_space_init(&as, &root, "rnd");
    for (unsigned i = 0; i < NREG; i++) {
        char name[16];
        snprintf(name, sizeof(name), "r%d", i);
        kind[i] = i < 8 ? 0 : (int)rnd(4);
        switch (kind[i]) {
        case 0:
            memory_region_init(&regs[i], NULL, name, rnd_size() * 4);
            break;
        case 1:
            memory_region_init_io(&regs[i], NULL, &io_ops, NULL, name,
                                  rnd_size());
            break;
        case 2:
            memory_region_init_ram(&regs[i], NULL, name, rnd_size(),
                                   &error_abort);
            break;
        default: {
            /* Aliases only target earlier non-alias regions: no cycles. */
            int t;
            do {
                t = (int)rnd((unsigned)i);
            } while (kind[t] == 3);
            memory_region_init_alias(&regs[i], NULL, name, &regs[t],
                                     rnd(0x800), rnd_size());
            break;
        }
        }
    }
    memory_region_transaction_begin();
    for (unsigned i = 0; i < NREG; i++) {
        place(&regs[i]);
    }
    memory_region_transaction_commit();
    address_space_init(&as_sub0, &regs[0], "sub0");
    address_space_init(&as_sub1, &regs[1], "sub1");
    memory_region_init_alias(&root_alias, NULL, "root-alias", &root, 0,
                             SPACE);
    address_space_init(&as_alias, &root_alias, "root-alias");
    memory_region_init_alias(&sub_alias, NULL, "sub-alias", &regs[2], 0,
                             memory_region_size(&regs[2]));
    address_space_init(&as_sub_alias, &sub_alias, "sub-alias");
}

/* Move an address-space root (or an alias root): its view must follow
 * in the same commit. */
static void move_a_root(void)
{
    static const uint64_t where[] = { 0, 0, 0x100, 0x3000 };
    MemoryRegion *roots[] = { &root, &root_alias, &sub_alias };
    MemoryRegion *mr = roots[rnd(3)];
    memory_region_set_address(mr, where[rnd(4)]);
    if (mr != &root && rnd(2)) {
        memory_region_set_readonly(mr, !mr->readonly);
    }
}

static void mutate(void)
{
    if (rnd(20) == 0) {
        move_a_root();
        return;
    }
    int i = (int)rnd(NREG);
    MemoryRegion *mr = &regs[i];
    switch (rnd(7)) {
    case 0:
    case 1: /* move to another container (or map it again) */
        if (mr->container) {
            memory_region_del_subregion(mr->container, mr);
        }
        place(mr);
        break;
    case 2:
        /* Mostly enabled: a disabled region hides its whole subtree. */
        memory_region_set_enabled(mr, !mr->enabled || rnd(4) == 0);
        break;
    case 3:
        memory_region_set_address(mr, rnd(SPACE / 0x80) * 0x80);
        break;
    case 4:
        memory_region_set_size(mr, rnd_size());
        break;
    case 5:
        if (mr->alias) {
            memory_region_set_alias_offset(mr, rnd(0x1000));
        } else {
            memory_region_set_readonly(mr, !mr->readonly);
        }
        break;
    default:
        if (mr->container && rnd(3) == 0) {
            memory_region_del_subregion(mr->container, mr);
        } else if (!mr->container) {
            place(mr);
        }
        break;
    }
}

static unsigned long ranges_seen; /* the views were not trivially empty */

static void compare_as(int step, AddressSpace *a, MemoryRegion *r)
{
    static RefView ref;
    ref.n = 0;
    /* The view of an address space is what its root renders, wherever
     * the root sits; how the library finds views to share is its own
     * business and not repeated here. */
    if (r) {
        ref_render(&ref, r, 0, 0, (__int128)1 << 64, false);
    }
    ref_simplify(&ref);
    FlatView *v = address_space_get_flatview(a);
    unsigned n = flatview_nr_ranges(v);
    bool same = n == (unsigned)ref.n;
    for (unsigned k = 0; same && k < n; k++) {
        MemoryRegionSection s;
        flatview_get_range(v, k, &s);
        Ref *r = &ref.r[k];
        same = s.mr == r->mr && s.offset_within_address_space == r->start &&
               (u128)s.size == r->end - r->start &&
               s.offset_within_region == r->off && s.readonly == r->ro;
        if (!same) {
            fprintf(stderr, "step %d range %u: got [%lx +%lx] %s@%lx ro%d, "
                    "want [%lx +%lx] %s@%lx ro%d\n", step, k,
                    s.offset_within_address_space, (uint64_t)s.size,
                    s.mr->name, s.offset_within_region, s.readonly,
                    r->start, (uint64_t)(r->end - r->start), r->mr->name,
                    r->off, r->ro);
        }
    }
    if (n != (unsigned)ref.n) {
        fprintf(stderr, "step %d: %u ranges, reference %d\n", step, n, ref.n);
    }
    flatview_unref(v);
    ranges_seen += n;
    ck_assert_msg(same, "step %d: view of %s differs from the reference", step,
                  address_space_name(a));
}

static void compare(int step)
{
    compare_as(step, &as, &root);
    compare_as(step, &as_sub0, &regs[0]);
    compare_as(step, &as_sub1, &regs[1]);
    compare_as(step, &as_alias, &root_alias);
    compare_as(step, &as_sub_alias, &sub_alias);
}

static void run(unsigned s, int steps, int per_commit)
{
    seed = s;
    build();
    for (int step = 0; step < steps; step++) {
        memory_region_transaction_begin();
        for (int k = 0; k < per_commit; k++) {
            mutate();
        }
        memory_region_transaction_commit();
        compare(step);
    }
    /* On average several ranges per view, or the test proves little. */
    ck_assert_uint_gt(ranges_seen, (unsigned long)steps * 3);
    fprintf(stderr, "seed %u: %.1f ranges per view\n", s,
            (double)ranges_seen / steps);
    ranges_seen = 0;
}

START_TEST(random_single_changes)
{
    run(1000 + (unsigned)_i, 1500, 1);
}
END_TEST

/* Views of several chunks: windows in the middle, at the ends, between. */
START_TEST(random_many_regions)
{
    NREG = 600;
    SPACE = 0x400000;
    run(9000 + (unsigned)_i, 300, 1 + _i);
    NREG = 48;
    SPACE = 0x40000;
}
END_TEST

START_TEST(random_batched_changes)
{
    run(5000 + (unsigned)_i, 500, 6);
}
END_TEST

/* Many small regions, so that views span several chunks and windows land
 * in the middle, at the ends and between chunks. */
START_TEST(many_ranges_incremental)
{
    static MemoryRegion big_root, ram[1200];
    static AddressSpace big_as;
    memory_region_init(&big_root, NULL, "big", UINT64_MAX);
    address_space_init(&big_as, &big_root, "big");
    seed = 77;
    for (int i = 0; i < 1200; i++) {
        memory_region_init_io(&ram[i], NULL, &io_ops, NULL, "dev", 0x1000);
        memory_region_add_subregion(&big_root, (uint64_t)rnd(4000) * 0x1000,
                                    &ram[i]);
        if (i % 97 == 0 || i > 1150) {
            FlatView *v = address_space_get_flatview(&big_as);
            uint64_t prev_end = 0;
            for (unsigned k = 0; k < flatview_nr_ranges(v); k++) {
                MemoryRegionSection s;
                flatview_get_range(v, k, &s);
                ck_assert_uint_ge(s.offset_within_address_space, prev_end);
                prev_end = s.offset_within_address_space + (uint64_t)s.size;
            }
            flatview_unref(v);
        }
    }
    /* Every device answers at its own pages: spot-check all of them. */
    for (int i = 0; i < 1200; i++) {
        hwaddr xlat, len = 4;
        memcore_rcu_read_lock();
        MemoryRegion *got = address_space_translate(&big_as, ram[i].addr,
                                                    &xlat, &len, false);
        memcore_rcu_read_unlock();
        /* Overlaps: the newest equal-priority sibling wins (kept quirk). */
        MemoryRegion *want = NULL;
        for (int j = 1199; j >= 0 && !want; j--) {
            if (ram[j].container && ram[j].addr == ram[i].addr) {
                want = &ram[j];
            }
        }
        ck_assert_ptr_eq(got, want);
    }
    /* Remove every other one, one commit each, and check the count. */
    for (int i = 0; i < 1200; i += 2) {
        memory_region_del_subregion(&big_root, &ram[i]);
    }
    FlatView *v = address_space_get_flatview(&big_as);
    unsigned pages = 0;
    for (unsigned k = 0; k < flatview_nr_ranges(v); k++) {
        MemoryRegionSection s;
        flatview_get_range(v, k, &s);
        pages += (unsigned)((uint64_t)s.size / 0x1000);
    }
    flatview_unref(v);
    unsigned want_pages = 0;
    for (uint64_t p = 0; p < 4000; p++) {
        for (int i = 1; i < 1200; i += 2) {
            if (ram[i].addr == p * 0x1000) {
                want_pages++;
                break;
            }
        }
    }
    ck_assert_uint_eq(pages, want_pages);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("render_random");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_single_changes, 0, 4);
    tcase_add_loop_test(tc, random_batched_changes, 0, 4);
    tcase_add_loop_test(tc, random_many_regions, 0, 3);
    tcase_add_test(tc, many_ranges_incremental);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
