/*
 * mtree_dispatch.c — the `Dispatch` block of `info mtree -f -d`: a section
 * table and a page radix tree for each flat view.
 *
 * QEMU finds the region for an address in two steps: a radix tree over
 * page numbers gives a section, and the section gives the region.  -f -d
 * prints both tables, so that is what readers of the dump expect to see.
 * libmemcore has neither: a FlatView is its own dispatch table, searched
 * by address (flatview.c).  So this file does not show our tables.  It
 * rebuilds, from a FlatView's ranges, the tables QEMU would have built for
 * the same ranges, prints them and throws them away.  Nothing else reads
 * them: a bug here can make the dump wrong, never an access.
 *
 * The rebuild follows QEMU step by step, because the dump shows the
 * incidental details too: section and node numbers, skips, the order of
 * entries.  The section table starts with section 0, unassigned, all of
 * 2^64.  Each range is then cut into an unaligned head, a body of whole
 * pages and a tail (SEMANTICS.md, Dispatch pieces).  The body is one
 * section, mapped on its pages; head and tail are sections of their own,
 * reached through a per-page "subpage" section that they share with their
 * neighbours on that page.  The tree has 9 bits of page number per level
 * and entries {skip, ptr}: skip 0 means ptr is a section, otherwise a node
 * (NIL: nothing below) that is skip levels down.  Once every range is in,
 * the tree is compacted as QEMU's phys_page_compact does.  QEMU marks the
 * section its shared lookup cache holds [MRU]; memcore has no shared
 * cache (readers write nothing shared), so no section is marked.  The
 * result is QEMU's dump for the same ranges, less QEMU's stale labels of
 * sections 1–3 and the [MRU] mark.
 *
 * mtree.c calls mtree_print_dispatch() for each view it prints, under
 * memcore_lock().  Out of memory, the block becomes a one-line note.
 */
#include "mtree_internal.h"

#include <inttypes.h>

#define P_L2_BITS 9
#define P_L2_SIZE (1u << P_L2_BITS)
#define P_L2_LEVELS ((64 - TARGET_PAGE_BITS - 1) / P_L2_BITS + 1)
#define PHYS_NIL ((1u << 26) - 1)

typedef struct PhysEntry {
    uint32_t skip : 6;
    uint32_t ptr : 26;
} PhysEntry;

typedef PhysEntry PhysNode[P_L2_SIZE];

enum { SEC_UNASSIGNED, SEC_SUBPAGE, SEC_PIECE };

typedef struct DispSection {
    hwaddr start;
    u128 size;
    const FlatRange *fr; /* SEC_PIECE only */
    int kind;
} DispSection;

typedef struct Dispatch {
    DispSection *sec;
    unsigned nsec, capsec;
    PhysNode *nodes;
    unsigned nnodes, capnodes;
    PhysEntry root;
    bool oom;
} Dispatch;

/* Returns the new section's index, or -1 when out of memory. */
static int disp_add_section(Dispatch *d, hwaddr start, u128 size,
                            const FlatRange *fr, int kind)
{
    if (d->nsec == d->capsec) {
        unsigned cap = d->capsec ? d->capsec * 2 : 64;
        DispSection *s = realloc(d->sec, cap * sizeof(*s));
        if (!s) {
            d->oom = true;
            return -1;
        }
        d->sec = s;
        d->capsec = cap;
    }
    d->sec[d->nsec] = (DispSection){ start, size, fr, kind };
    return (int)d->nsec++;
}

static uint32_t disp_alloc_node(Dispatch *d, bool leaf)
{
    if (d->nnodes == d->capnodes) {
        unsigned cap = d->capnodes ? d->capnodes * 2 : 16;
        /* Node numbers must stay below NIL, as in QEMU's 26-bit field. */
        PhysNode *nodes = cap < PHYS_NIL
                              ? realloc(d->nodes, cap * sizeof(*nodes))
                              : NULL;
        if (!nodes) {
            d->oom = true;
            return PHYS_NIL;
        }
        d->nodes = nodes;
        d->capnodes = cap;
    }
    /* Fresh inner nodes point nowhere; fresh leaves say "unassigned". */
    PhysEntry e = { .skip = leaf ? 0 : 1, .ptr = leaf ? 0 : PHYS_NIL };
    for (unsigned i = 0; i < P_L2_SIZE; i++) {
        d->nodes[d->nnodes][i] = e;
    }
    return d->nnodes++;
}

/* Map @*nb pages from page @*index to section @leaf, below the entry
 * *@lp of level @level (QEMU's phys_page_set_level). */
static void disp_set_level(Dispatch *d, PhysEntry *lp, uint64_t *index,
                           uint64_t *nb, uint32_t leaf, int level)
{
    uint64_t step = (uint64_t)1 << (level * P_L2_BITS);

    if (lp->skip && lp->ptr == PHYS_NIL) {
        uint32_t node = disp_alloc_node(d, level == 0);
        if (node == PHYS_NIL) {
            *nb = 0;
            return;
        }
        lp->ptr = node;
    }
    uint32_t node = lp->ptr;
    unsigned i = (*index >> (level * P_L2_BITS)) & (P_L2_SIZE - 1);

    for (; *nb && i < P_L2_SIZE; i++) {
        if ((*index & (step - 1)) == 0 && *nb >= step) {
            d->nodes[node][i].skip = 0;
            d->nodes[node][i].ptr = leaf;
            *index += step;
            *nb -= step;
        } else {
            /* Recursion may move d->nodes: index it afresh each time. */
            PhysEntry e = d->nodes[node][i];
            disp_set_level(d, &e, index, nb, leaf, level - 1);
            d->nodes[node][i] = e;
        }
    }
}

static void disp_set_pages(Dispatch *d, uint64_t index, uint64_t nb,
                           uint32_t leaf)
{
    disp_set_level(d, &d->root, &index, &nb, leaf, P_L2_LEVELS - 1);
}

/* The section page @index resolves to in the uncompacted tree. */
static uint32_t disp_find_page(const Dispatch *d, uint64_t index)
{
    PhysEntry lp = d->root;
    for (int i = P_L2_LEVELS; lp.skip && (i -= lp.skip) >= 0;) {
        if (lp.ptr == PHYS_NIL) {
            return 0;
        }
        lp = d->nodes[lp.ptr][(index >> (i * P_L2_BITS)) & (P_L2_SIZE - 1)];
    }
    return lp.ptr;
}

/* A head or tail piece: it shares its page through a subpage section.
 * Returns that subpage's index (the page-level section), or -1. */
static int disp_add_subpage_piece(Dispatch *d, hwaddr start, u128 size,
                                  const FlatRange *fr)
{
    hwaddr page = start & TARGET_PAGE_MASK;
    int sub = (int)disp_find_page(d, page >> TARGET_PAGE_BITS);

    if ((unsigned)sub >= d->nsec || d->sec[sub].kind != SEC_SUBPAGE) {
        sub = disp_add_section(d, page, TARGET_PAGE_SIZE, NULL, SEC_SUBPAGE);
        if (sub < 0) {
            return -1;
        }
        disp_set_pages(d, page >> TARGET_PAGE_BITS, 1, (uint32_t)sub);
    }
    return disp_add_section(d, start, size, fr, SEC_PIECE) < 0 ? -1 : sub;
}

/* Register one range (out of memory shows in d->oom). */
static void disp_add_range(Dispatch *d, const FlatRange *fr)
{
    hwaddr start = fr->start;
    u128 size = (u128)(fr->last - fr->start) + 1;
    int body;

    if (start & ~TARGET_PAGE_MASK) {
        u128 head = MC_MIN((u128)TARGET_PAGE_SIZE - (start & ~TARGET_PAGE_MASK),
                           size);
        disp_add_subpage_piece(d, start, head, fr);
        start += (hwaddr)head;
        size -= head;
    }
    if (size >= TARGET_PAGE_SIZE) {
        u128 pages = size >> TARGET_PAGE_BITS;
        body = disp_add_section(d, start, pages << TARGET_PAGE_BITS, fr,
                                SEC_PIECE);
        if (body >= 0) {
            disp_set_pages(d, start >> TARGET_PAGE_BITS, (uint64_t)pages,
                           (uint32_t)body);
        }
        start += (hwaddr)(pages << TARGET_PAGE_BITS);
        size -= pages << TARGET_PAGE_BITS;
    }
    if (size) {
        disp_add_subpage_piece(d, start, size, fr);
    }
}

/* QEMU's phys_page_compact: a node with a single child absorbs it. */
static void disp_compact(Dispatch *d, PhysEntry *lp)
{
    unsigned valid = 0, valid_i = 0;

    if (lp->ptr == PHYS_NIL) {
        return;
    }
    uint32_t node = lp->ptr;
    for (unsigned i = 0; i < P_L2_SIZE; i++) {
        if (d->nodes[node][i].ptr == PHYS_NIL) {
            continue;
        }
        valid_i = i;
        valid++;
        if (d->nodes[node][i].skip) {
            disp_compact(d, &d->nodes[node][i]);
        }
    }
    if (valid != 1) {
        return;
    }
    PhysEntry child = d->nodes[node][valid_i];
    if (lp->skip + child.skip >= (1 << 6)) {
        return; /* would not fit in the skip bits */
    }
    lp->ptr = child.ptr;
    lp->skip = child.skip ? lp->skip + child.skip : 0;
}

static void print_phys_entries(Printer *p, unsigned first, unsigned last,
                               PhysEntry e)
{
    if (first == last) {
        out(p, "\t%3u      ", first);
    } else {
        out(p, "\t%3u..%-3u ", first, last);
    }
    out(p, " skip=%u ", (unsigned)e.skip);
    if (e.ptr == PHYS_NIL) {
        out(p, " ptr=NIL");
    } else if (!e.skip) {
        out(p, " ptr=#%u", (unsigned)e.ptr);
    } else {
        out(p, " ptr=[%u]", (unsigned)e.ptr);
    }
    out(p, "\n");
}

/* Build, compact, print, free (mtree_internal.h). */
void mtree_print_dispatch(Printer *p, FlatView *view)
{
    Dispatch d = { .root = { .skip = 1, .ptr = PHYS_NIL } };
    disp_add_section(&d, 0, U128_2_64, NULL, SEC_UNASSIGNED);
    const FlatRange *fr;
    FLATVIEW_FOREACH(view, fr) {
        if (d.oom) {
            break;
        }
        disp_add_range(&d, fr);
    }
    if (d.oom) {
        print_oom(p, "the dispatch sections");
        goto out_free;
    }
    if (d.root.skip) {
        disp_compact(&d, &d.root);
    }

    out(p, MTREE_INDENT "Dispatch\n");
    out(p, MTREE_INDENT MTREE_INDENT "Physical sections\n");
    for (unsigned i = 0; i < d.nsec; i++) {
        const DispSection *s = &d.sec[i];
        const MemoryRegion *mr = s->fr ? s->fr->mr : NULL;

        out(p, "      #%u @%016" PRIx64 "..%016" PRIx64 " %s%s%s%s", i,
            s->start, range_end(s->start, s->size),
            mr && mr->name ? mr->name : "(noname)",
            s->kind == SEC_UNASSIGNED ? " [unassigned]" : "",
            mr && mr == view->root ? " [ROOT]" : "",
            mr && mr->iommu_ops ? " [iommu]" : "");
        if (mr && mr->alias) {
            out(p, " alias=%s", mr->alias->name ? mr->alias->name : "noname");
        }
        out(p, "\n");
    }

    out(p, MTREE_INDENT MTREE_INDENT
        "Nodes (%d bits per level, %d levels) ptr=[%u] skip=%u\n",
        P_L2_BITS, P_L2_LEVELS, (unsigned)d.root.ptr, (unsigned)d.root.skip);
    for (unsigned i = 0; i < d.nnodes; i++) {
        const PhysEntry *node = d.nodes[i];
        unsigned first = 0;

        out(p, "      [%u]\n", i);
        for (unsigned j = 1; j <= P_L2_SIZE; j++) {
            if (j < P_L2_SIZE && node[j].ptr == node[first].ptr &&
                node[j].skip == node[first].skip) {
                continue;
            }
            print_phys_entries(p, first, j - 1, node[first]);
            first = j;
        }
    }

out_free:
    free(d.sec);
    free(d.nodes);
}
