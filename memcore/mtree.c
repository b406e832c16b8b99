/*
 * mtree.c — `info mtree`: the region tree of every address space, its
 * flat views and their dispatch sections, printed as text.
 *
 * The output is QEMU 7.2's, byte for byte where QEMU's output is defined
 * (SEMANTICS.md, mtree output): region lines `START-END (prio P, TYPE): NAME`,
 * address spaces grouped by root, `memory-region:` blocks for alias
 * targets, `FlatView #N` blocks for -f, a dispatch dump for -f -d.  Where
 * QEMU's order depends on a hash table, ours is creation order.  Two
 * deliberate differences: without -D a disabled region hides its whole
 * subtree (QEMU hides only its own line), and the 2016 `(prio P, RW)` tree
 * format is available as MTREE_FORMAT_2016.
 *
 * The file reads top-down in the order the output is produced: shared
 * line pieces, the tree walk and its alias queue, the tree entry point,
 * then the flat views.  The dispatch dump inside each flat view is
 * mtree_dispatch.c's; the sink and line helpers the two files share are
 * in mtree_internal.h.
 *
 * Everything runs under memcore_lock(): the tree must not change while it
 * is walked, and the address-space list is only stable under the lock.
 * Allocation failures never abort a diagnostic: the affected part is
 * printed in a degraded form or replaced by a note.
 */
#include "mtree_internal.h"

#include <inttypes.h>

/* ---- Pieces shared by every line kind ------------------------------------ */

/* What QEMU prints for a region name: glibc shows a NULL %s as "(null)". */
static const char *mr_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "(null)";
}

/* The 7.2 type word; an alias shows the type of its final target. */
const char *mtree_type_word(const MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    if (mr->rom_device && mr->romd_mode) {
        return "romd";
    }
    if (mr->ram && mr->readonly) {
        return "rom";
    }
    if (mr->ram) {
        return "ram";
    }
    return "i/o";
}

/* -o: the owner, or " orphan" (QEMU would also look at the QOM parent,
 * which memcore's owners do not have). */
static void print_owner(Printer *p, const MemoryRegion *mr)
{
    const Object *owner = mr->owner;

    if (!owner) {
        out(p, " orphan");
    } else if (owner->path) {
        out(p, " owner:{obj path=%s}", owner->path);
    } else {
        out(p, " owner:{obj}");
    }
}

/* ---- Alias queue: targets to print as `memory-region:` blocks ------------ */

/*
 * Targets in order of discovery, each once.  The queue grows while its
 * blocks are printed (aliases inside a target enqueue more), so it is an
 * array walked by index; a pointer hash set keeps membership O(1) for
 * machines with many aliases.
 */
typedef struct AliasQueue {
    MemoryRegion **v;
    size_t n, cap;
    MemoryRegion **set; /* open addressing, power-of-two size */
    size_t set_cap;
    bool oom;
} AliasQueue;

static size_t ptr_hash(const void *ptr, size_t mask)
{
    uint64_t x = (uintptr_t)ptr;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & mask;
}

/* Insert @mr into the set; false if it was there already. */
static bool set_insert(MemoryRegion **set, size_t cap, MemoryRegion *mr)
{
    size_t i = ptr_hash(mr, cap - 1);
    while (set[i]) {
        if (set[i] == mr) {
            return false;
        }
        i = (i + 1) & (cap - 1);
    }
    set[i] = mr;
    return true;
}

static bool alias_queue_grow(AliasQueue *q)
{
    size_t cap = q->cap ? q->cap * 2 : 16;
    MemoryRegion **v = realloc(q->v, cap * sizeof(*v));
    MemoryRegion **set = calloc(cap * 2, sizeof(*set));
    if (!v || !set) {
        free(set);
        if (v) {
            q->v = v;
        }
        return false;
    }
    q->v = v;
    q->cap = cap;
    /* The set stays at most half full. */
    for (size_t i = 0; i < q->n; i++) {
        set_insert(set, cap * 2, q->v[i]);
    }
    free(q->set);
    q->set = set;
    q->set_cap = cap * 2;
    return true;
}

static void alias_queue_add(AliasQueue *q, MemoryRegion *target)
{
    if (q->n == q->cap && !alias_queue_grow(q)) {
        q->oom = true;
        return;
    }
    if (set_insert(q->set, q->set_cap, target)) {
        q->v[q->n++] = target;
    }
}

static void alias_queue_free(AliasQueue *q)
{
    free(q->v);
    free(q->set);
}

/* ---- Tree walk ----------------------------------------------------------- */

typedef struct ChildRef {
    MemoryRegion *mr;
    size_t index; /* position in the subregion list */
} ChildRef;

/* QEMU's print order: address ascending, then priority descending, ties
 * in subregion-list order (newest first among equal priorities). */
static int child_cmp(const void *a, const void *b)
{
    const ChildRef *x = a, *y = b;
    if (x->mr->addr != y->mr->addr) {
        return x->mr->addr < y->mr->addr ? -1 : 1;
    }
    if (x->mr->priority != y->mr->priority) {
        return x->mr->priority > y->mr->priority ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

MemoryRegion **mtree_sorted_children(const MemoryRegion *mr, size_t *n)
{
    size_t count = 0;
    for (MemoryRegion *c = mr->subregions_head; c; c = c->sub_next) {
        count++;
    }
    *n = count;
    if (!count) {
        return NULL;
    }
    ChildRef *kids = malloc(count * sizeof(*kids));
    MemoryRegion **sorted = malloc(count * sizeof(*sorted));
    if (!kids || !sorted) {
        free(kids);
        free(sorted);
        return NULL;
    }
    count = 0;
    for (MemoryRegion *c = mr->subregions_head; c; c = c->sub_next) {
        kids[count].mr = c;
        kids[count].index = count;
        count++;
    }
    qsort(kids, count, sizeof(*kids), child_cmp);
    for (size_t i = 0; i < count; i++) {
        sorted[i] = kids[i].mr;
    }
    free(kids);
    return sorted;
}

static void print_region_line(Printer *p, const MemoryRegion *mr,
                              unsigned level, hwaddr base)
{
    hwaddr start = base + mr->addr;
    hwaddr end = range_end(start, mr_size(mr));
    bool fmt2016 = p->flags & MTREE_FORMAT_2016;
    char kind[8];

    /* A region reaching past 2^64 would print an end below its start:
     * flag it, as QEMU does since 2017 (a later fix, adopted for the 2016
     * format too, so that no line wraps unannounced). */
    if (start < base || end < start) {
        out(p, "[DETECTED OVERFLOW!] ");
    }
    for (unsigned i = 0; i < level; i++) {
        out(p, MTREE_INDENT);
    }
    if (fmt2016) {
        snprintf(kind, sizeof(kind), "%c%c", mr->romd_mode ? 'R' : '-',
                 !mr->readonly && !(mr->rom_device && mr->romd_mode) ? 'W'
                                                                      : '-');
    } else {
        snprintf(kind, sizeof(kind), "%s", mtree_type_word(mr));
    }
    out(p, "%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ", start, end,
        mr->priority, kind);
    if (mr->alias) {
        out(p, "alias %s @%s %016" PRIx64 "-%016" PRIx64, mr_name(mr),
            mr_name(mr->alias), mr->alias_offset,
            range_end(mr->alias_offset, mr_size(mr)));
    } else {
        out(p, "%s", mr_name(mr));
    }
    if (!mr->enabled) {
        out(p, " [disabled]");
    }
    if (p->flags & MTREE_OWNER) {
        print_owner(p, mr);
    }
    out(p, "\n");
}

/*
 * Print @mr at @level (its container's absolute start is @base), then its
 * children.  @hidden: inside a disabled region that is not shown; the
 * subtree is still walked so that its aliases enqueue their targets, which
 * keeps the `memory-region:` blocks identical to QEMU's.
 */
static void print_tree(Printer *p, AliasQueue *q, MemoryRegion *mr,
                       unsigned level, hwaddr base, bool hidden)
{
    hwaddr start = base + mr->addr;

    if (!mr->enabled && !(p->flags & (MTREE_DISABLED | MTREE_FORMAT_2016))) {
        hidden = true;
    }
    if (!hidden) {
        print_region_line(p, mr, level, base);
    }
    if (mr->alias) {
        alias_queue_add(q, mr->alias);
    }

    size_t n;
    MemoryRegion **kids = mtree_sorted_children(mr, &n);
    if (!n) {
        return;
    }
    if (!kids) {
        /* Still print every child, in list order, rather than none. */
        for (MemoryRegion *c = mr->subregions_head; c; c = c->sub_next) {
            print_tree(p, q, c, level + 1, start, hidden);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        print_tree(p, q, kids[i], level + 1, start, hidden);
    }
    free(kids);
}

/* ---- Tree entry point ---------------------------------------------------- */

typedef struct AsRef {
    AddressSpace *as;
    size_t index; /* creation order */
} AsRef;

/* Names of one group: strcmp order; equal names newest first, as glib's
 * g_slist_insert_sorted leaves them in QEMU. */
static int as_name_cmp(const void *a, const void *b)
{
    const AsRef *x = a, *y = b;
    int c = strcmp(address_space_name(x->as), address_space_name(y->as));
    if (c) {
        return c;
    }
    return x->index > y->index ? -1 : x->index < y->index;
}

static size_t count_address_spaces(void)
{
    size_t n = 0;
    for (AddressSpace *as = address_space_first(); as;
         as = address_space_next(as)) {
        n++;
    }
    return n;
}

/* 2016: one block per address space, no grouping. */
static void print_as_trees_2016(Printer *p, AliasQueue *q)
{
    for (AddressSpace *as = address_space_first(); as;
         as = address_space_next(as)) {
        out(p, "address-space: %s\n", address_space_name(as));
        print_tree(p, q, address_space_root(as), 1, 0, false);
        out(p, "\n");
    }
}

/* 7.2: address spaces sharing a root are printed once, under all their
 * names; groups come in creation order of their first address space. */
static void print_as_trees(Printer *p, AliasQueue *q)
{
    size_t n = count_address_spaces(), i = 0;
    AsRef *all = malloc((n ? n : 1) * sizeof(*all));
    AsRef *group = malloc((n ? n : 1) * sizeof(*group));
    bool *done = calloc(n ? n : 1, sizeof(*done));

    if (!all || !group || !done) {
        free(all);
        free(group);
        free(done);
        print_oom(p, "address spaces");
        return;
    }
    for (AddressSpace *as = address_space_first(); as;
         as = address_space_next(as), i++) {
        all[i].as = as;
        all[i].index = i;
    }
    for (i = 0; i < n; i++) {
        if (done[i]) {
            continue;
        }
        MemoryRegion *root = address_space_root(all[i].as);
        size_t g = 0;
        for (size_t j = i; j < n; j++) {
            if (!done[j] && address_space_root(all[j].as) == root) {
                group[g++] = all[j];
                done[j] = true;
            }
        }
        qsort(group, g, sizeof(*group), as_name_cmp);
        for (size_t j = 0; j < g; j++) {
            out(p, "address-space: %s\n", address_space_name(group[j].as));
        }
        print_tree(p, q, root, 1, 0, false);
        out(p, "\n");
    }
    free(all);
    free(group);
    free(done);
}

static void mtree_print_trees(Printer *p)
{
    AliasQueue q = { 0 };

    if (p->flags & MTREE_FORMAT_2016) {
        print_as_trees_2016(p, &q);
    } else {
        print_as_trees(p, &q);
    }
    for (size_t i = 0; i < q.n; i++) {
        out(p, "memory-region: %s\n", mr_name(q.v[i]));
        print_tree(p, &q, q.v[i], 1, 0, false);
        out(p, "\n");
    }
    if (q.oom) {
        print_oom(p, "alias targets");
    }
    alias_queue_free(&q);
}

/* ---- Flat views (-f) ----------------------------------------------------- */

/* One distinct FlatView and the address spaces showing it. */
typedef struct ViewGroup {
    FlatView *view; /* one reference held */
    AddressSpace **as;
    size_t nr_as;
} ViewGroup;

static void print_flatview(Printer *p, unsigned number, const ViewGroup *g)
{
    FlatView *view = g->view;

    out(p, "FlatView #%u\n", number);
    for (size_t i = 0; i < g->nr_as; i++) {
        MemoryRegion *root = address_space_root(g->as[i]);
        out(p, " AS \"%s\", root: %s", address_space_name(g->as[i]),
            mr_name(root));
        if (root->alias) {
            out(p, ", alias %s", mr_name(root->alias));
        }
        out(p, "\n");
    }
    out(p, " Root memory region: %s\n",
        view->root ? mr_name(view->root) : "(none)");
    if (!view->nr) {
        out(p, MTREE_INDENT "No rendered FlatView\n\n");
        return;
    }
    const FlatRange *fr;
    FLATVIEW_FOREACH(view, fr) {
        out(p, MTREE_INDENT "%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s",
            fr->start, fr->last, fr->mr->priority,
            fr->readonly ? "rom" : mtree_type_word(fr->mr), mr_name(fr->mr));
        if (fr->offset_in_region) {
            out(p, " @%016" PRIx64, fr->offset_in_region);
        }
        if (p->flags & MTREE_OWNER) {
            print_owner(p, fr->mr);
        }
        out(p, "\n");
    }
    if ((p->flags & MTREE_DISPATCH) && view->root) {
        mtree_print_dispatch(p, view);
    }
    out(p, "\n");
}

/* Views are numbered in order of the first address space (creation order)
 * showing them; address spaces sharing a view are listed together. */
static void mtree_print_flatviews(Printer *p)
{
    size_t n = count_address_spaces(), ng = 0;
    ViewGroup *groups = calloc(n ? n : 1, sizeof(*groups));
    AddressSpace **as_store = calloc(n ? n : 1, sizeof(*as_store));

    if (!groups || !as_store) {
        free(groups);
        free(as_store);
        print_oom(p, "flat views");
        return;
    }
    /* First pass: the distinct views, each referenced once. */
    size_t *group_of = calloc(n ? n : 1, sizeof(*group_of));
    if (!group_of) {
        free(groups);
        free(as_store);
        print_oom(p, "flat views");
        return;
    }
    size_t i = 0;
    for (AddressSpace *as = address_space_first(); as;
         as = address_space_next(as), i++) {
        FlatView *view = address_space_get_flatview(as);
        size_t g;
        for (g = 0; g < ng && groups[g].view != view; g++) {
        }
        if (g == ng) {
            groups[ng++].view = view;
        } else {
            flatview_unref(view);
        }
        groups[g].nr_as++;
        group_of[i] = g;
    }
    /* Second pass: lay each group's address spaces out contiguously. */
    size_t off = 0;
    for (size_t g = 0; g < ng; g++) {
        groups[g].as = as_store + off;
        off += groups[g].nr_as;
        groups[g].nr_as = 0;
    }
    i = 0;
    for (AddressSpace *as = address_space_first(); as;
         as = address_space_next(as), i++) {
        ViewGroup *g = &groups[group_of[i]];
        g->as[g->nr_as++] = as;
    }

    for (size_t g = 0; g < ng; g++) {
        print_flatview(p, (unsigned)g, &groups[g]);
        flatview_unref(groups[g].view);
    }
    free(group_of);
    free(groups);
    free(as_store);
}

/* ---- Entry points -------------------------------------------------------- */

void mtree_info_flags(fprintf_function mon_printf, void *f, unsigned flags)
{
    Printer p = { .pr = mon_printf, .f = f, .flags = flags };

    memcore_lock();
    if (flags & MTREE_FLATVIEW) {
        mtree_print_flatviews(&p);
    } else {
        mtree_print_trees(&p);
    }
    memcore_unlock();
}

void mtree_info(fprintf_function mon_printf, void *f)
{
    mtree_info_flags(mon_printf, f, 0);
}
