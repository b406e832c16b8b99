/*
 * server/riscv/tlb.h — a hart's software TLB: host pointers for 4 KiB
 * pages of RAM and ROM, so that most fetches, loads and stores skip the
 * dispatch of address_space_ld / st.
 *
 * Correctness rules (tlb.c fills, these inline functions only look up):
 *  - a page is cached only when it is plain host memory for that kind of
 *    access (memory_access_is_direct), no watchpoint covers a byte of it
 *    (memcore_watchpoint_covered), and, for writes, nobody logs it dirty
 *    (memory_region_get_dirty_log_mask() == 0): such accesses always take
 *    memcore's checked path;
 *  - every commit of the memory map (which inserting a watchpoint or
 *    turning on dirty logging also causes) bumps a generation counter
 *    from the TLB's MemoryListener; the next lookup sees it and flushes;
 *  - a cached pointer is only used inside a memcore RCU read section
 *    (cpu.c holds one while a hart executes), so the RAM it points to
 *    cannot be freed under it.
 */
#ifndef SERVER_RISCV_TLB_H
#define SERVER_RISCV_TLB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <memcore/memory.h>

#define RV_TLB_BITS 8
#define RV_TLB_SIZE (1u << RV_TLB_BITS)
#define RV_TLB_PAGE 4096u
#define RV_TLB_INVALID 1ull   /* never a page address */

typedef struct RvTlbEntry {
    uint64_t tag_r;    /* page address if reads may use @host */
    uint64_t tag_w;    /* page address if writes may use @host */
    uint8_t *host;     /* host address of the page's first byte */
} RvTlbEntry;

typedef struct RvTlb {
    RvTlbEntry e[RV_TLB_SIZE];
    uint64_t seen;             /* generation the entries belong to */
    _Atomic uint64_t gen;      /* bumped by the listener */
    AddressSpace *as;
    MemoryListener listener;
    uint64_t hits, fills;      /* statistics (hart thread only) */
} RvTlb;

/* rv_tlb_new: a TLB over @as (NULL if out of memory); rv_tlb_free. */
RvTlb *rv_tlb_new(AddressSpace *as);
void rv_tlb_free(RvTlb *t);
/* rv_tlb_flush: forget every entry. */
void rv_tlb_flush(RvTlb *t);
/* rv_tlb_fill: look the page of @addr up in memcore; the entry, or NULL
 * when the page must not be cached for this kind of access. */
RvTlbEntry *rv_tlb_fill(RvTlb *t, uint64_t addr, bool write);

static inline RvTlbEntry *rv_tlb_entry(RvTlb *t, uint64_t addr)
{
    if (__builtin_expect(atomic_load_explicit(&t->gen, memory_order_acquire) !=
                         t->seen, 0)) {
        rv_tlb_flush(t);
    }
    return &t->e[(addr / RV_TLB_PAGE) & (RV_TLB_SIZE - 1)];
}

/* Aligned accesses only (the interpreter checks alignment first), so an
 * access never crosses a page.  The host is little-endian, as the guest.
 * Each access is one relaxed atomic load or store (a plain mov on the
 * usual hosts): harts share guest memory, and a guest synchronising its
 * harts through it (a flag one sets, another polls) is not a data race
 * of memcored's (ThreadSanitizer agrees). */
static inline bool rv_tlb_load(RvTlb *t, uint64_t addr, unsigned size,
                               uint64_t *v)
{
    RvTlbEntry *e = rv_tlb_entry(t, addr);
    const uint8_t *p;

    if (__builtin_expect(e->tag_r != (addr & ~(uint64_t)(RV_TLB_PAGE - 1)), 0) &&
        !(e = rv_tlb_fill(t, addr, false))) {
        return false;
    }
    p = e->host + (addr & (RV_TLB_PAGE - 1));
    switch (size) {
    case 1: *v = __atomic_load_n(p, __ATOMIC_RELAXED); break;
    case 2: *v = __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED); break;
    case 4: *v = __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED); break;
    default: *v = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED); break;
    }
    return true;
}

static inline bool rv_tlb_store(RvTlb *t, uint64_t addr, unsigned size,
                                uint64_t v)
{
    RvTlbEntry *e = rv_tlb_entry(t, addr);
    uint8_t *p;

    if (__builtin_expect(e->tag_w != (addr & ~(uint64_t)(RV_TLB_PAGE - 1)), 0) &&
        !(e = rv_tlb_fill(t, addr, true))) {
        return false;
    }
    p = e->host + (addr & (RV_TLB_PAGE - 1));
    switch (size) {
    case 1: __atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED); break;
    case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED); break;
    case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED); break;
    default: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED); break;
    }
    return true;
}

static inline bool rv_tlb_fetch(RvTlb *t, uint64_t pc, uint32_t *insn)
{
    uint64_t v;

    if (pc & 3) {
        return false;
    }
    if (!rv_tlb_load(t, pc, 4, &v)) {
        return false;
    }
    *insn = (uint32_t)v;
    return true;
}

#endif /* SERVER_RISCV_TLB_H */
