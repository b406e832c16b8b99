/*
 * child_index.c — finding the children of a container that meet a window
 * without walking all of them.
 *
 * Rendering a window of a container with thousands of children (a bus, or
 * a root mapped one 4 KiB region at a time) would otherwise look at every
 * child at every commit.  Containers with many children get an index: the
 * children bucketed by size class (a power of two) and sorted by address
 * in each bucket, so the children that can reach a window are a binary
 * search away in each bucket.  Candidates are then put back in list order
 * (priority descending, most recently linked first), which is what
 * rendering relies on.
 */
#include "internal.h"

#include <stdio.h>

#define NCLASSES 65 /* sizes 0..1, 2, 4, ..., 2^64 */

typedef struct ChildBucket {
    MemoryRegion **v;
    unsigned n, cap;
} ChildBucket;

struct MemoryRegionChildIndex {
    ChildBucket cls[NCLASSES];
};

/* The bucket of sizes in (2^(c-1), 2^c]. */
static unsigned size_class(const MemoryRegion *mr)
{
    u128 s = mr_size(mr);
    if (s <= 1) {
        return 0;
    }
    if (s > ((u128)1 << 63)) {
        return 64;
    }
    return 64 - (unsigned)__builtin_clzll((uint64_t)(s - 1));
}

/* First position in @b whose address is >= @addr (as a signed value). */
static unsigned bucket_lower(const ChildBucket *b, __int128 addr)
{
    unsigned lo = 0, hi = b->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if ((__int128)b->v[mid]->addr < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void bucket_insert(ChildBucket *b, MemoryRegion *sub)
{
    if (b->n == b->cap) {
        unsigned cap = b->cap ? b->cap * 2 : 16;
        b->v = mc_realloc(b->v, cap * sizeof(*b->v));
        b->cap = cap;
    }
    /* After the equal addresses: children mostly arrive in address order,
     * which makes this an append. */
    unsigned i = bucket_lower(b, (__int128)sub->addr + 1);
    memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(*b->v));
    b->v[i] = sub;
    b->n++;
}

static void bucket_remove(ChildBucket *b, MemoryRegion *sub)
{
    for (unsigned i = bucket_lower(b, sub->addr); i < b->n; i++) {
        if (b->v[i] == sub) {
            memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
            b->n--;
            return;
        }
    }
}

void child_index_insert(MemoryRegion *c, MemoryRegion *sub)
{
    if (c->extra && c->extra->child_index) {
        bucket_insert(&c->extra->child_index->cls[size_class(sub)], sub);
    }
}

void child_index_remove(MemoryRegion *c, MemoryRegion *sub)
{
    if (c->extra && c->extra->child_index) {
        bucket_remove(&c->extra->child_index->cls[size_class(sub)], sub);
    }
}

void child_index_free(MemoryRegion *c)
{
    if (!c->extra || !c->extra->child_index) {
        return;
    }
    for (unsigned k = 0; k < NCLASSES; k++) {
        free(c->extra->child_index->cls[k].v);
    }
    free(c->extra->child_index);
    c->extra->child_index = NULL;
}

static void child_index_build(MemoryRegion *c)
{
    mr_extra(c)->child_index = mc_malloc0(sizeof(*c->extra->child_index));
    for (MemoryRegion *s = c->subregions_head; s; s = s->sub_next) {
        bucket_insert(&c->extra->child_index->cls[size_class(s)], s);
    }
}

static int list_order_cmp(const void *a, const void *b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;
    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->link_seq > y->link_seq ? -1 : x->link_seq < y->link_seq;
}

size_t child_index_query(MemoryRegion *c, __int128 wlo, __int128 whi,
                         MemoryRegion ***out)
{
    if (!c->extra || !c->extra->child_index) {
        if (c->nr_subregions < CHILD_INDEX_MIN) {
            return SIZE_MAX;
        }
        child_index_build(c);
    }
    MemoryRegion **cand = NULL;
    size_t n = 0, cap = 0;
    for (unsigned k = 0; k < NCLASSES; k++) {
        const ChildBucket *b = &c->extra->child_index->cls[k];
        if (!b->n) {
            continue;
        }
        /* A child of this class starts above wlo - 2^k if it reaches wlo. */
        __int128 from = wlo - ((__int128)1 << k) + 1;
        for (unsigned i = bucket_lower(b, from);
             i < b->n && (__int128)b->v[i]->addr < whi; i++) {
            MemoryRegion *s = b->v[i];
            if ((__int128)s->addr + s->size <= wlo) {
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                cand = mc_realloc(cand, cap * sizeof(*cand));
            }
            cand[n++] = s;
        }
    }
    if (n > 1) {
        qsort(cand, n, sizeof(*cand), list_order_cmp);
    }
    *out = cand;
    return n;
}
