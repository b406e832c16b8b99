/*
 * server/riscv/tlb.h — a hart's software TLB (not implemented yet: every
 * lookup misses, so every access goes through address_space_ld / st).
 */
#ifndef SERVER_RISCV_TLB_H
#define SERVER_RISCV_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include <memcore/memory.h>

typedef struct RvTlb RvTlb;

/* rv_tlb_new: a TLB over @as (NULL if out of memory); rv_tlb_free. */
RvTlb *rv_tlb_new(AddressSpace *as);
void rv_tlb_free(RvTlb *t);

bool rv_tlb_fetch(RvTlb *t, uint64_t pc, uint32_t *insn);
bool rv_tlb_load(RvTlb *t, uint64_t addr, unsigned size, uint64_t *v);
bool rv_tlb_store(RvTlb *t, uint64_t addr, unsigned size, uint64_t v);
void rv_tlb_flush(RvTlb *t);

#endif /* SERVER_RISCV_TLB_H */
