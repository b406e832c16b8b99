/*
 * dispatch.c — the dispatch index of a FlatView: from an address to the
 * range that holds it in a few dependent loads, whatever the number of
 * ranges.
 *
 * The index is a radix tree over addresses whose nodes adapt to what they
 * hold.  A node covers an aligned block of 2^(shift+bits) bytes with
 * 2^bits slots; a slot is empty, names the only range that meets it (the
 * lookup then checks the bounds), or is a node for a smaller block.  A
 * node is made only where two or more ranges meet a slot; it covers the
 * smallest aligned block holding them and has about two slots per range
 * (at most 256), so a big RAM range costs one slot and a crowd of small
 * MMIO ranges gets a node sized to the crowd.
 *
 * It is built in two tiers so that a commit costs little however big
 * the view: every chunk of a view (flatview.c) gets its own index when
 * it is created, over its at most FLAT_CHUNK_MAX ranges, and is shared
 * with the chunk; the view's index is rebuilt at each commit over its
 * chunks only, and a slot that meets one chunk holds that chunk's index
 * root itself, so a lookup never stops at a chunk.  Both tiers are the
 * same kind of node, immutable once published; readers only load.
 *
 * Nodes of one index live in an arena owned by the chunk or the view and
 * freed with it (after a grace period, since views and chunks are).
 */
#include "internal.h"

struct DispArena {
    DispArena *next;
    size_t used, cap;
    _Alignas(16) unsigned char mem[];
};

static void *arena_alloc(DispArena **arena, size_t size)
{
    DispArena *a = *arena;
    if (!a || a->cap - a->used < size) {
        size_t cap = a ? a->cap * 2 : 0;
        if (cap < size) {
            cap = size;
        }
        DispArena *fresh = mc_malloc0(sizeof(*fresh) + cap);
        fresh->cap = cap;
        fresh->next = a;
        *arena = a = fresh;
    }
    void *p = a->mem + a->used;
    a->used += (size + 15) & ~(size_t)15;
    return p;
}

void disp_arena_free(DispArena *a)
{
    while (a) {
        DispArena *next = a->next;
        free(a);
        a = next;
    }
}

/* Slots a node gets for @n ranges: about two each, 2..256. */
static unsigned node_bits(size_t n)
{
    unsigned bits = 1;
    while (bits < 8 && ((size_t)1 << bits) < 2 * n) {
        bits++;
    }
    return bits;
}

/*
 * The index of @n items (sorted, disjoint) as seen from the slot
 * [@lo, @hi]: every item meets that slot.
 */
static DispSlot build(DispArena **arena, const DispItem *it, size_t n,
                      hwaddr lo, hwaddr hi)
{
    if (n == 0) {
        return DISP_EMPTY;
    }
    if (n == 1) {
        return it[0].slot;
    }
    /* Two disjoint items meet the slot, so x < y. */
    hwaddr x = MC_MAX(lo, it[0].start), y = MC_MIN(hi, it[n - 1].last);
    unsigned span_bits = 64 - __builtin_clzll(x ^ y);
    unsigned bits = MC_MIN(node_bits(n), span_bits);
    unsigned shift = span_bits - bits;
    hwaddr base = span_bits == 64 ? 0 : x & ~((1ULL << span_bits) - 1);
    DispNode *node = arena_alloc(arena, sizeof(*node) +
                                            (sizeof(DispSlot) << bits));
    node->base = base;
    node->shift = (uint8_t)shift;
    node->bits = (uint8_t)bits;
    hwaddr slot_size_1 = (1ULL << shift) - 1; /* shift <= 63 */
    size_t p = 0;
    for (unsigned s = 0; s < (1u << bits); s++) {
        hwaddr slo = base + ((hwaddr)s << shift);
        hwaddr shi = slo + slot_size_1;
        while (p < n && it[p].last < slo) {
            p++;
        }
        size_t q = p;
        while (q < n && it[q].start <= shi) {
            q++;
        }
        node->slot[s] = build(arena, it + p, q - p, slo, shi);
    }
    return (DispSlot)node;
}

DispSlot disp_build(DispArena **arena, const DispItem *items, size_t n)
{
    return build(arena, items, n, 0, UINT64_MAX);
}
