/*
 * server/riscv/rv64.h — one RV64IM + Zicsr hart in machine mode: its
 * state, the interpreter and the disassembler.  No threads here: cpu.c
 * runs harts on threads and is the only user besides the unit tests.
 *
 * Everything the hart fetches, loads and stores goes through memcore
 * (address_space_ld* / st*) with MemTxAttrs.requester_id = hart id; a
 * failed transaction raises the matching access fault.
 */
#ifndef SERVER_RISCV_RV64_H
#define SERVER_RISCV_RV64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memcore/memory.h>

/* CSR numbers the hart implements. */
#define CSR_MSTATUS 0x300
#define CSR_MISA 0x301
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MSCRATCH 0x340
#define CSR_MEPC 0x341
#define CSR_MCAUSE 0x342
#define CSR_MTVAL 0x343
#define CSR_MIP 0x344
#define CSR_MCYCLE 0xb00
#define CSR_MINSTRET 0xb02
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_MVENDORID 0xf11
#define CSR_MARCHID 0xf12
#define CSR_MIMPID 0xf13
#define CSR_MHARTID 0xf14

#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_MPP (3ULL << 11)

#define MIP_MSIP (1ULL << 3)
#define MIP_MTIP (1ULL << 7)
#define MIP_MEIP (1ULL << 11)

/* mcause values (exceptions; interrupts have bit 63 set). */
enum {
    RV_EXC_INSN_MISALIGNED = 0,
    RV_EXC_INSN_ACCESS = 1,
    RV_EXC_ILLEGAL = 2,
    RV_EXC_BREAKPOINT = 3,
    RV_EXC_LOAD_MISALIGNED = 4,
    RV_EXC_LOAD_ACCESS = 5,
    RV_EXC_STORE_MISALIGNED = 6,
    RV_EXC_STORE_ACCESS = 7,
    RV_EXC_ECALL_M = 11,
};
#define RV_IRQ_BIT (1ULL << 63)

#define RV_MISA ((2ULL << 62) | (1ULL << ('I' - 'A')) | (1ULL << ('M' - 'A')))

/*
 * RvIrqSource: where MTIP/MSIP/MEIP and mtime come from (the CLINT in
 * memcored).  @pending returns the MIP bits raised from outside for
 * @hart; @mtime the timer for the time CSR.  Either may be NULL (no
 * interrupts; time reads as the cycle count).
 */
typedef struct RvIrqSource {
    uint64_t (*pending)(void *opaque, unsigned hart);
    uint64_t (*mtime)(void *opaque);
    void *opaque;
} RvIrqSource;

typedef struct RvTlb RvTlb;

typedef struct RvHart {
    uint64_t x[32];
    uint64_t pc;
    uint64_t npc;          /* next pc, set while an instruction executes */
    uint64_t mstatus, mie, mtvec, mscratch, mepc, mcause, mtval;
    uint64_t instret;      /* counts retired instructions */
    int64_t cycle_off;     /* mcycle = instret + cycle_off */
    int64_t instret_off;   /* minstret = instret + instret_off */
    unsigned hartid;
    bool wfi;              /* executed wfi, waiting for an interrupt */
    bool trapped;          /* the last instruction raised an exception
                            * or was cancelled: not retired */
    bool cancel;           /* set during an access: cancel the
                            * instruction (rv_exec_one) */
    AddressSpace *as;
    MemTxAttrs attrs;
    RvIrqSource irq;
    RvTlb *tlb;            /* optional software TLB (tlb.c), NULL: none */
} RvHart;

/* rv_hart_init: a hart @hartid on @as, reset to @pc. */
void rv_hart_init(RvHart *h, AddressSpace *as, unsigned hartid,
                  const RvIrqSource *irq, uint64_t pc);
/* rv_hart_reset: registers and CSRs to their reset values, pc = @pc. */
void rv_hart_reset(RvHart *h, uint64_t pc);

/* rv_exec_one: fetch and execute one instruction (or raise its trap).
 * Retires it (instret) unless it trapped.  If @cancel becomes true during
 * one of its memory accesses (a watchpoint that stops before the access,
 * see cpu.h), the instruction has no effect on the hart: no register
 * written, no trap, not retired, pc unchanged; what the access did to
 * memory stays done. */
void rv_exec_one(RvHart *h);

/* rv_irq_pending: MIP & MIE (what would wake a wfi). */
uint64_t rv_irq_pending(RvHart *h);
/* rv_check_irq: take the highest-priority enabled pending interrupt if
 * mstatus.MIE allows; true if one was taken. */
bool rv_check_irq(RvHart *h);

/* rv_csr_get / rv_csr_set: debugger access (no side effects, no
 * privilege check); false for a CSR the hart does not have (set: or a
 * read-only one). */
bool rv_csr_get(RvHart *h, unsigned csr, uint64_t *val);
bool rv_csr_set(RvHart *h, unsigned csr, uint64_t val);
/* rv_csr_name: "mstatus", ... or NULL; rv_csr_lookup: the reverse, -1. */
const char *rv_csr_name(unsigned csr);
int rv_csr_lookup(const char *name);

/* ABI names of x0..x31: "zero", "ra", "sp", ... */
extern const char *const rv_abi_names[32];
/* rv_reg_lookup: x register number of "a0", "x10", "fp", ... or -1. */
int rv_reg_lookup(const char *name);

/* rv_disas: QEMU's text for instruction @insn at @pc ("addi  a0,a0,1"
 * with QEMU's column layout, without the leading hex), into @buf. */
void rv_disas(uint32_t insn, uint64_t pc, char *buf, size_t size);

#endif /* SERVER_RISCV_RV64_H */
