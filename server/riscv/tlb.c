/* server/riscv/tlb.c — placeholder software TLB: always misses. */
#include "tlb.h"

RvTlb *rv_tlb_new(AddressSpace *as)
{
    (void)as;
    return NULL;
}

void rv_tlb_free(RvTlb *t)
{
    (void)t;
}

bool rv_tlb_fetch(RvTlb *t, uint64_t pc, uint32_t *insn)
{
    (void)t; (void)pc; (void)insn;
    return false;
}

bool rv_tlb_load(RvTlb *t, uint64_t addr, unsigned size, uint64_t *v)
{
    (void)t; (void)addr; (void)size; (void)v;
    return false;
}

bool rv_tlb_store(RvTlb *t, uint64_t addr, unsigned size, uint64_t v)
{
    (void)t; (void)addr; (void)size; (void)v;
    return false;
}

void rv_tlb_flush(RvTlb *t)
{
    (void)t;
}
