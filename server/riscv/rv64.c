/*
 * server/riscv/rv64.c — the RV64IM + Zicsr interpreter and disassembler.
 *
 * One decode table (rv_insns) drives both: each entry has the mask and
 * match of its encoding, its mnemonic, its operand format (for the
 * disassembler) and its execute function.  rv_decode() finds the entry
 * through a 256-bucket index on opcode[6:2] and funct3.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rv64.h"
#include "tlb.h"

typedef void (*RvExecFn)(RvHart *h, uint32_t insn);

typedef enum RvFmt {
    FMT_R,      /* rd,rs1,rs2 */
    FMT_I,      /* rd,rs1,imm */
    FMT_SH,     /* rd,rs1,shamt */
    FMT_LOAD,   /* rd,imm(rs1) */
    FMT_STORE,  /* rs2,imm(rs1) */
    FMT_B,      /* rs1,rs2,off  # target */
    FMT_U,      /* rd,imm20 */
    FMT_AUIPC,  /* rd,imm20  # target */
    FMT_J,      /* rd,off  # target */
    FMT_JALR,   /* rd,rs1,imm */
    FMT_CSR,    /* rd,csr,rs1 */
    FMT_CSRI,   /* rd,csr,uimm */
    FMT_FENCE,  /* pred,succ */
    FMT_NONE,
} RvFmt;

typedef struct RvInsn {
    uint32_t mask, match;
    const char *name;
    RvFmt fmt;
    RvExecFn exec;
} RvInsn;

/* ---- fields ------------------------------------------------------------ */

#define RD(i) (((i) >> 7) & 31)
#define RS1(i) (((i) >> 15) & 31)
#define RS2(i) (((i) >> 20) & 31)
#define CSRNO(i) ((i) >> 20)

static inline int64_t imm_i(uint32_t i) { return (int64_t)(int32_t)i >> 20; }
static inline int64_t imm_s(uint32_t i)
{
    return ((int64_t)(int32_t)(i & 0xfe000000u) >> 20) | ((i >> 7) & 31);
}
static inline int64_t imm_b(uint32_t i)
{
    return ((int64_t)(int32_t)(i & 0x80000000u) >> 19) |
           ((i & 0x80) << 4) | ((i >> 20) & 0x7e0) | ((i >> 7) & 0x1e);
}
static inline int64_t imm_u(uint32_t i) { return (int64_t)(int32_t)(i & 0xfffff000u); }
static inline int64_t imm_j(uint32_t i)
{
    return ((int64_t)(int32_t)(i & 0x80000000u) >> 11) | (i & 0xff000) |
           ((i >> 9) & 0x800) | ((i >> 20) & 0x7fe);
}

#define X(r) (h->x[r])
static inline void set_rd(RvHart *h, uint32_t i, uint64_t v)
{
    if (RD(i)) {
        h->x[RD(i)] = v;
    }
}

/* ---- traps --------------------------------------------------------------- */

static void take_trap(RvHart *h, uint64_t cause, uint64_t tval, uint64_t epc)
{
    uint64_t base = h->mtvec & ~3ULL;

    h->mepc = epc;
    h->mcause = cause;
    h->mtval = tval;
    h->mstatus = (h->mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE)) |
                 ((h->mstatus & MSTATUS_MIE) ? MSTATUS_MPIE : 0) |
                 MSTATUS_MPP;
    if ((cause & RV_IRQ_BIT) && (h->mtvec & 1)) {
        base += 4 * (cause & ~RV_IRQ_BIT);
    }
    h->npc = base;
}

static void raise_exc(RvHart *h, uint64_t cause, uint64_t tval)
{
    h->trapped = true;
    take_trap(h, cause, tval, h->pc);
}

static void illegal(RvHart *h, uint32_t insn)
{
    raise_exc(h, RV_EXC_ILLEGAL, insn);
}

/* After an access through memcore: was the instruction cancelled during
 * it (rv64.h)?  Then it leaves pc alone and does not retire.  Checked on
 * the slow path only: the TLB never holds watched pages. */
static bool cancelled(RvHart *h)
{
    if (__builtin_expect(!h->cancel, 1)) {
        return false;
    }
    h->cancel = false;
    h->trapped = true;
    h->npc = h->pc;
    return true;
}

/* ---- memory ------------------------------------------------------------- */

static bool load(RvHart *h, uint64_t addr, unsigned size, uint64_t *v)
{
    MemTxResult r = MEMTX_OK;

    if (addr & (size - 1)) {
        raise_exc(h, RV_EXC_LOAD_MISALIGNED, addr);
        return false;
    }
    if (h->tlb && rv_tlb_load(h->tlb, addr, size, v)) {
        return true;
    }
    switch (size) {
    case 1: *v = address_space_ldub(h->as, addr, h->attrs, &r); break;
    case 2: *v = address_space_lduw_le(h->as, addr, h->attrs, &r); break;
    case 4: *v = address_space_ldl_le(h->as, addr, h->attrs, &r); break;
    default: *v = address_space_ldq_le(h->as, addr, h->attrs, &r); break;
    }
    if (cancelled(h)) {
        return false;
    }
    if (r != MEMTX_OK) {
        raise_exc(h, RV_EXC_LOAD_ACCESS, addr);
        return false;
    }
    return true;
}

static void store(RvHart *h, uint64_t addr, unsigned size, uint64_t v)
{
    MemTxResult r = MEMTX_OK;

    if (addr & (size - 1)) {
        raise_exc(h, RV_EXC_STORE_MISALIGNED, addr);
        return;
    }
    if (h->tlb && rv_tlb_store(h->tlb, addr, size, v)) {
        return;
    }
    switch (size) {
    case 1: address_space_stb(h->as, addr, (uint32_t)v, h->attrs, &r); break;
    case 2: address_space_stw_le(h->as, addr, (uint32_t)v, h->attrs, &r); break;
    case 4: address_space_stl_le(h->as, addr, (uint32_t)v, h->attrs, &r); break;
    default: address_space_stq_le(h->as, addr, v, h->attrs, &r); break;
    }
    if (cancelled(h)) {
        return;
    }
    if (r != MEMTX_OK) {
        raise_exc(h, RV_EXC_STORE_ACCESS, addr);
    }
}

/* ---- CSRs ----------------------------------------------------------------- */

uint64_t rv_irq_pending(RvHart *h)
{
    uint64_t mip = h->irq.pending ? h->irq.pending(h->irq.opaque, h->hartid) : 0;

    return mip & h->mie;
}

bool rv_csr_get(RvHart *h, unsigned csr, uint64_t *v)
{
    switch (csr) {
    case CSR_MSTATUS: *v = h->mstatus; break;
    case CSR_MISA: *v = RV_MISA; break;
    case CSR_MIE: *v = h->mie; break;
    case CSR_MTVEC: *v = h->mtvec; break;
    case CSR_MSCRATCH: *v = h->mscratch; break;
    case CSR_MEPC: *v = h->mepc; break;
    case CSR_MCAUSE: *v = h->mcause; break;
    case CSR_MTVAL: *v = h->mtval; break;
    case CSR_MIP:
        *v = h->irq.pending ? h->irq.pending(h->irq.opaque, h->hartid) &
                              (MIP_MSIP | MIP_MTIP | MIP_MEIP) : 0;
        break;
    case CSR_MCYCLE: case CSR_CYCLE: *v = h->instret + (uint64_t)h->cycle_off; break;
    case CSR_MINSTRET: case CSR_INSTRET: *v = h->instret + (uint64_t)h->instret_off; break;
    case CSR_TIME:
        *v = h->irq.mtime ? h->irq.mtime(h->irq.opaque) : h->instret;
        break;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: *v = 0; break;
    case CSR_MHARTID: *v = h->hartid; break;
    default: return false;
    }
    return true;
}

bool rv_csr_set(RvHart *h, unsigned csr, uint64_t v)
{
    const uint64_t ints = MIP_MSIP | MIP_MTIP | MIP_MEIP;

    switch (csr) {
    case CSR_MSTATUS:
        /* M-mode only: MIE and MPIE are writable, MPP is always M */
        h->mstatus = (v & (MSTATUS_MIE | MSTATUS_MPIE)) | MSTATUS_MPP;
        break;
    case CSR_MISA: break;               /* WARL: fixed */
    case CSR_MIE: h->mie = v & ints; break;
    case CSR_MTVEC: h->mtvec = v & ~2ULL; break;  /* modes 0 and 1 */
    case CSR_MSCRATCH: h->mscratch = v; break;
    case CSR_MEPC: h->mepc = v & ~3ULL; break;
    case CSR_MCAUSE: h->mcause = v; break;
    case CSR_MTVAL: h->mtval = v; break;
    case CSR_MIP: break;                /* all bits come from the CLINT */
    case CSR_MCYCLE: h->cycle_off = (int64_t)(v - h->instret); break;
    case CSR_MINSTRET: h->instret_off = (int64_t)(v - h->instret); break;
    default: return false;
    }
    return true;
}

static const struct { unsigned no; const char *name; } csr_names[] = {
    { CSR_MSTATUS, "mstatus" }, { CSR_MISA, "misa" }, { CSR_MIE, "mie" },
    { CSR_MTVEC, "mtvec" }, { CSR_MSCRATCH, "mscratch" },
    { CSR_MEPC, "mepc" }, { CSR_MCAUSE, "mcause" }, { CSR_MTVAL, "mtval" },
    { CSR_MIP, "mip" }, { CSR_MCYCLE, "mcycle" }, { CSR_MINSTRET, "minstret" },
    { CSR_CYCLE, "cycle" }, { CSR_TIME, "time" }, { CSR_INSTRET, "instret" },
    { CSR_MVENDORID, "mvendorid" }, { CSR_MARCHID, "marchid" },
    { CSR_MIMPID, "mimpid" }, { CSR_MHARTID, "mhartid" },
};

const char *rv_csr_name(unsigned csr)
{
    for (size_t i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++) {
        if (csr_names[i].no == csr) {
            return csr_names[i].name;
        }
    }
    return NULL;
}

int rv_csr_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++) {
        if (!strcasecmp(csr_names[i].name, name)) {
            return (int)csr_names[i].no;
        }
    }
    return -1;
}

/* csr instruction: read (unless @read is false), then write @nv when
 * @write; illegal for unknown CSRs and writes to read-only ones. */
static void csr_op(RvHart *h, uint32_t insn, int op, uint64_t src, bool write)
{
    unsigned csr = CSRNO(insn);
    uint64_t old = 0, nv;

    if (!rv_csr_get(h, csr, &old) ||
        (write && (csr >> 10) == 3)) {
        illegal(h, insn);
        return;
    }
    switch (op) {
    case 1: nv = src; break;
    case 2: nv = old | src; break;
    default: nv = old & ~src; break;
    }
    if (write) {
        rv_csr_set(h, csr, nv);
    }
    set_rd(h, insn, old);
}

static void ex_csrrw(RvHart *h, uint32_t i) { csr_op(h, i, 1, X(RS1(i)), true); }
static void ex_csrrs(RvHart *h, uint32_t i) { csr_op(h, i, 2, X(RS1(i)), RS1(i) != 0); }
static void ex_csrrc(RvHart *h, uint32_t i) { csr_op(h, i, 3, X(RS1(i)), RS1(i) != 0); }
static void ex_csrrwi(RvHart *h, uint32_t i) { csr_op(h, i, 1, RS1(i), true); }
static void ex_csrrsi(RvHart *h, uint32_t i) { csr_op(h, i, 2, RS1(i), RS1(i) != 0); }
static void ex_csrrci(RvHart *h, uint32_t i) { csr_op(h, i, 3, RS1(i), RS1(i) != 0); }

/* ---- execute functions --------------------------------------------------- */

static void ex_lui(RvHart *h, uint32_t i) { set_rd(h, i, (uint64_t)imm_u(i)); }
static void ex_auipc(RvHart *h, uint32_t i) { set_rd(h, i, h->pc + (uint64_t)imm_u(i)); }

static void jump(RvHart *h, uint32_t i, uint64_t target)
{
    if (target & 3) {
        raise_exc(h, RV_EXC_INSN_MISALIGNED, target);
        return;
    }
    set_rd(h, i, h->pc + 4);
    h->npc = target;
}

static void ex_jal(RvHart *h, uint32_t i) { jump(h, i, h->pc + (uint64_t)imm_j(i)); }
static void ex_jalr(RvHart *h, uint32_t i)
{
    jump(h, i, (X(RS1(i)) + (uint64_t)imm_i(i)) & ~1ULL);
}

static void branch(RvHart *h, uint32_t i, bool taken)
{
    uint64_t target = h->pc + (uint64_t)imm_b(i);

    if (!taken) {
        return;
    }
    if (target & 3) {
        raise_exc(h, RV_EXC_INSN_MISALIGNED, target);
        return;
    }
    h->npc = target;
}

static void ex_beq(RvHart *h, uint32_t i) { branch(h, i, X(RS1(i)) == X(RS2(i))); }
static void ex_bne(RvHart *h, uint32_t i) { branch(h, i, X(RS1(i)) != X(RS2(i))); }
static void ex_blt(RvHart *h, uint32_t i) { branch(h, i, (int64_t)X(RS1(i)) < (int64_t)X(RS2(i))); }
static void ex_bge(RvHart *h, uint32_t i) { branch(h, i, (int64_t)X(RS1(i)) >= (int64_t)X(RS2(i))); }
static void ex_bltu(RvHart *h, uint32_t i) { branch(h, i, X(RS1(i)) < X(RS2(i))); }
static void ex_bgeu(RvHart *h, uint32_t i) { branch(h, i, X(RS1(i)) >= X(RS2(i))); }

#define LOADFN(name, size, conv)                                            \
    static void ex_##name(RvHart *h, uint32_t i)                            \
    {                                                                       \
        uint64_t v;                                                         \
        if (load(h, X(RS1(i)) + (uint64_t)imm_i(i), size, &v)) {            \
            set_rd(h, i, (uint64_t)(conv)v);                                \
        }                                                                   \
    }
LOADFN(lb, 1, int8_t)
LOADFN(lh, 2, int16_t)
LOADFN(lw, 4, int32_t)
LOADFN(ld, 8, uint64_t)
LOADFN(lbu, 1, uint8_t)
LOADFN(lhu, 2, uint16_t)
LOADFN(lwu, 4, uint32_t)

#define STOREFN(name, size)                                                 \
    static void ex_##name(RvHart *h, uint32_t i)                            \
    {                                                                       \
        store(h, X(RS1(i)) + (uint64_t)imm_s(i), size, X(RS2(i)));          \
    }
STOREFN(sb, 1)
STOREFN(sh, 2)
STOREFN(sw, 4)
STOREFN(sd, 8)

#define SEXT32(v) ((uint64_t)(int64_t)(int32_t)(uint32_t)(v))
#define SHAMT6(i) ((i >> 20) & 63)
#define SHAMT5(i) ((i >> 20) & 31)

static void ex_addi(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) + (uint64_t)imm_i(i)); }
static void ex_slti(RvHart *h, uint32_t i) { set_rd(h, i, (int64_t)X(RS1(i)) < imm_i(i)); }
static void ex_sltiu(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) < (uint64_t)imm_i(i)); }
static void ex_xori(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) ^ (uint64_t)imm_i(i)); }
static void ex_ori(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) | (uint64_t)imm_i(i)); }
static void ex_andi(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) & (uint64_t)imm_i(i)); }
static void ex_slli(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) << SHAMT6(i)); }
static void ex_srli(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) >> SHAMT6(i)); }
static void ex_srai(RvHart *h, uint32_t i) { set_rd(h, i, (uint64_t)((int64_t)X(RS1(i)) >> SHAMT6(i))); }

static void ex_add(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) + X(RS2(i))); }
static void ex_sub(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) - X(RS2(i))); }
static void ex_sll(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) << (X(RS2(i)) & 63)); }
static void ex_slt(RvHart *h, uint32_t i) { set_rd(h, i, (int64_t)X(RS1(i)) < (int64_t)X(RS2(i))); }
static void ex_sltu(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) < X(RS2(i))); }
static void ex_xor(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) ^ X(RS2(i))); }
static void ex_srl(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) >> (X(RS2(i)) & 63)); }
static void ex_sra(RvHart *h, uint32_t i) { set_rd(h, i, (uint64_t)((int64_t)X(RS1(i)) >> (X(RS2(i)) & 63))); }
static void ex_or(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) | X(RS2(i))); }
static void ex_and(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) & X(RS2(i))); }

static void ex_addiw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32(X(RS1(i)) + (uint64_t)imm_i(i))); }
static void ex_slliw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32((uint32_t)X(RS1(i)) << SHAMT5(i))); }
static void ex_srliw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32((uint32_t)X(RS1(i)) >> SHAMT5(i))); }
static void ex_sraiw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32((int32_t)X(RS1(i)) >> SHAMT5(i))); }
static void ex_addw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32(X(RS1(i)) + X(RS2(i)))); }
static void ex_subw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32(X(RS1(i)) - X(RS2(i)))); }
static void ex_sllw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32((uint32_t)X(RS1(i)) << (X(RS2(i)) & 31))); }
static void ex_srlw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32((uint32_t)X(RS1(i)) >> (X(RS2(i)) & 31))); }
static void ex_sraw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32((int32_t)X(RS1(i)) >> (X(RS2(i)) & 31))); }

/* M extension */
static void ex_mul(RvHart *h, uint32_t i) { set_rd(h, i, X(RS1(i)) * X(RS2(i))); }
static void ex_mulh(RvHart *h, uint32_t i)
{
    set_rd(h, i, (uint64_t)(((__int128)(int64_t)X(RS1(i)) * (int64_t)X(RS2(i))) >> 64));
}
static void ex_mulhsu(RvHart *h, uint32_t i)
{
    set_rd(h, i, (uint64_t)(((__int128)(int64_t)X(RS1(i)) *
                             (unsigned __int128)X(RS2(i))) >> 64));
}
static void ex_mulhu(RvHart *h, uint32_t i)
{
    set_rd(h, i, (uint64_t)(((unsigned __int128)X(RS1(i)) * X(RS2(i))) >> 64));
}
static void ex_div(RvHart *h, uint32_t i)
{
    int64_t a = (int64_t)X(RS1(i)), b = (int64_t)X(RS2(i));

    set_rd(h, i, b == 0 ? UINT64_MAX :
                 (a == INT64_MIN && b == -1) ? (uint64_t)a : (uint64_t)(a / b));
}
static void ex_divu(RvHart *h, uint32_t i)
{
    uint64_t b = X(RS2(i));

    set_rd(h, i, b == 0 ? UINT64_MAX : X(RS1(i)) / b);
}
static void ex_rem(RvHart *h, uint32_t i)
{
    int64_t a = (int64_t)X(RS1(i)), b = (int64_t)X(RS2(i));

    set_rd(h, i, b == 0 ? (uint64_t)a :
                 (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b));
}
static void ex_remu(RvHart *h, uint32_t i)
{
    uint64_t b = X(RS2(i));

    set_rd(h, i, b == 0 ? X(RS1(i)) : X(RS1(i)) % b);
}
static void ex_mulw(RvHart *h, uint32_t i) { set_rd(h, i, SEXT32(X(RS1(i)) * X(RS2(i)))); }
static void ex_divw(RvHart *h, uint32_t i)
{
    int32_t a = (int32_t)X(RS1(i)), b = (int32_t)X(RS2(i));

    set_rd(h, i, b == 0 ? UINT64_MAX :
                 (a == INT32_MIN && b == -1) ? SEXT32(a) : SEXT32(a / b));
}
static void ex_divuw(RvHart *h, uint32_t i)
{
    uint32_t a = (uint32_t)X(RS1(i)), b = (uint32_t)X(RS2(i));

    set_rd(h, i, b == 0 ? UINT64_MAX : SEXT32(a / b));
}
static void ex_remw(RvHart *h, uint32_t i)
{
    int32_t a = (int32_t)X(RS1(i)), b = (int32_t)X(RS2(i));

    set_rd(h, i, b == 0 ? SEXT32(a) :
                 (a == INT32_MIN && b == -1) ? 0 : SEXT32(a % b));
}
static void ex_remuw(RvHart *h, uint32_t i)
{
    uint32_t a = (uint32_t)X(RS1(i)), b = (uint32_t)X(RS2(i));

    set_rd(h, i, b == 0 ? SEXT32(a) : SEXT32(a % b));
}

/* fence: a full host barrier.  A seq_cst read-modify-write rather than
 * atomic_thread_fence, which ThreadSanitizer does not support. */
static _Atomic unsigned fence_word;
static void ex_fence(RvHart *h, uint32_t i)
{
    (void)h;
    (void)i;
    atomic_fetch_add_explicit(&fence_word, 0, memory_order_seq_cst);
}
static void ex_ecall(RvHart *h, uint32_t i)
{
    (void)i;
    raise_exc(h, RV_EXC_ECALL_M, 0);
}
static void ex_ebreak(RvHart *h, uint32_t i)
{
    (void)i;
    raise_exc(h, RV_EXC_BREAKPOINT, h->pc);
}
static void ex_mret(RvHart *h, uint32_t i)
{
    (void)i;
    h->mstatus = (h->mstatus & ~MSTATUS_MIE) |
                 ((h->mstatus & MSTATUS_MPIE) ? MSTATUS_MIE : 0) |
                 MSTATUS_MPIE | MSTATUS_MPP;
    h->npc = h->mepc;
}
static void ex_wfi(RvHart *h, uint32_t i)
{
    (void)i;
    h->wfi = true;
}

/* ---- the table ------------------------------------------------------------ */

#define R_(op, f3, f7) ((op) | ((f3) << 12) | ((uint32_t)(f7) << 25))
#define MR 0xfe00707fu
#define MI 0x0000707fu
#define MU 0x0000007fu
#define MSH6 0xfc00707fu

static const RvInsn rv_insns[] = {
    { MU, 0x37, "lui", FMT_U, ex_lui },
    { MU, 0x17, "auipc", FMT_AUIPC, ex_auipc },
    { MU, 0x6f, "jal", FMT_J, ex_jal },
    { MI, 0x67, "jalr", FMT_JALR, ex_jalr },
    { MI, R_(0x63, 0, 0), "beq", FMT_B, ex_beq },
    { MI, R_(0x63, 1, 0), "bne", FMT_B, ex_bne },
    { MI, R_(0x63, 4, 0), "blt", FMT_B, ex_blt },
    { MI, R_(0x63, 5, 0), "bge", FMT_B, ex_bge },
    { MI, R_(0x63, 6, 0), "bltu", FMT_B, ex_bltu },
    { MI, R_(0x63, 7, 0), "bgeu", FMT_B, ex_bgeu },
    { MI, R_(0x03, 0, 0), "lb", FMT_LOAD, ex_lb },
    { MI, R_(0x03, 1, 0), "lh", FMT_LOAD, ex_lh },
    { MI, R_(0x03, 2, 0), "lw", FMT_LOAD, ex_lw },
    { MI, R_(0x03, 3, 0), "ld", FMT_LOAD, ex_ld },
    { MI, R_(0x03, 4, 0), "lbu", FMT_LOAD, ex_lbu },
    { MI, R_(0x03, 5, 0), "lhu", FMT_LOAD, ex_lhu },
    { MI, R_(0x03, 6, 0), "lwu", FMT_LOAD, ex_lwu },
    { MI, R_(0x23, 0, 0), "sb", FMT_STORE, ex_sb },
    { MI, R_(0x23, 1, 0), "sh", FMT_STORE, ex_sh },
    { MI, R_(0x23, 2, 0), "sw", FMT_STORE, ex_sw },
    { MI, R_(0x23, 3, 0), "sd", FMT_STORE, ex_sd },
    { MI, R_(0x13, 0, 0), "addi", FMT_I, ex_addi },
    { MI, R_(0x13, 2, 0), "slti", FMT_I, ex_slti },
    { MI, R_(0x13, 3, 0), "sltiu", FMT_I, ex_sltiu },
    { MI, R_(0x13, 4, 0), "xori", FMT_I, ex_xori },
    { MI, R_(0x13, 6, 0), "ori", FMT_I, ex_ori },
    { MI, R_(0x13, 7, 0), "andi", FMT_I, ex_andi },
    { MSH6, R_(0x13, 1, 0), "slli", FMT_SH, ex_slli },
    { MSH6, R_(0x13, 5, 0), "srli", FMT_SH, ex_srli },
    { MSH6, R_(0x13, 5, 0x20), "srai", FMT_SH, ex_srai },
    { MR, R_(0x33, 0, 0), "add", FMT_R, ex_add },
    { MR, R_(0x33, 0, 0x20), "sub", FMT_R, ex_sub },
    { MR, R_(0x33, 1, 0), "sll", FMT_R, ex_sll },
    { MR, R_(0x33, 2, 0), "slt", FMT_R, ex_slt },
    { MR, R_(0x33, 3, 0), "sltu", FMT_R, ex_sltu },
    { MR, R_(0x33, 4, 0), "xor", FMT_R, ex_xor },
    { MR, R_(0x33, 5, 0), "srl", FMT_R, ex_srl },
    { MR, R_(0x33, 5, 0x20), "sra", FMT_R, ex_sra },
    { MR, R_(0x33, 6, 0), "or", FMT_R, ex_or },
    { MR, R_(0x33, 7, 0), "and", FMT_R, ex_and },
    { MR, R_(0x33, 0, 1), "mul", FMT_R, ex_mul },
    { MR, R_(0x33, 1, 1), "mulh", FMT_R, ex_mulh },
    { MR, R_(0x33, 2, 1), "mulhsu", FMT_R, ex_mulhsu },
    { MR, R_(0x33, 3, 1), "mulhu", FMT_R, ex_mulhu },
    { MR, R_(0x33, 4, 1), "div", FMT_R, ex_div },
    { MR, R_(0x33, 5, 1), "divu", FMT_R, ex_divu },
    { MR, R_(0x33, 6, 1), "rem", FMT_R, ex_rem },
    { MR, R_(0x33, 7, 1), "remu", FMT_R, ex_remu },
    { MI, R_(0x1b, 0, 0), "addiw", FMT_I, ex_addiw },
    { MR, R_(0x1b, 1, 0), "slliw", FMT_SH, ex_slliw },
    { MR, R_(0x1b, 5, 0), "srliw", FMT_SH, ex_srliw },
    { MR, R_(0x1b, 5, 0x20), "sraiw", FMT_SH, ex_sraiw },
    { MR, R_(0x3b, 0, 0), "addw", FMT_R, ex_addw },
    { MR, R_(0x3b, 0, 0x20), "subw", FMT_R, ex_subw },
    { MR, R_(0x3b, 1, 0), "sllw", FMT_R, ex_sllw },
    { MR, R_(0x3b, 5, 0), "srlw", FMT_R, ex_srlw },
    { MR, R_(0x3b, 5, 0x20), "sraw", FMT_R, ex_sraw },
    { MR, R_(0x3b, 0, 1), "mulw", FMT_R, ex_mulw },
    { MR, R_(0x3b, 4, 1), "divw", FMT_R, ex_divw },
    { MR, R_(0x3b, 5, 1), "divuw", FMT_R, ex_divuw },
    { MR, R_(0x3b, 6, 1), "remw", FMT_R, ex_remw },
    { MR, R_(0x3b, 7, 1), "remuw", FMT_R, ex_remuw },
    { MI, R_(0x0f, 0, 0), "fence", FMT_FENCE, ex_fence },
    { 0xffffffffu, 0x00000073, "ecall", FMT_NONE, ex_ecall },
    { 0xffffffffu, 0x00100073, "ebreak", FMT_NONE, ex_ebreak },
    { 0xffffffffu, 0x30200073, "mret", FMT_NONE, ex_mret },
    { 0xffffffffu, 0x10500073, "wfi", FMT_NONE, ex_wfi },
    { MI, R_(0x73, 1, 0), "csrrw", FMT_CSR, ex_csrrw },
    { MI, R_(0x73, 2, 0), "csrrs", FMT_CSR, ex_csrrs },
    { MI, R_(0x73, 3, 0), "csrrc", FMT_CSR, ex_csrrc },
    { MI, R_(0x73, 5, 0), "csrrwi", FMT_CSRI, ex_csrrwi },
    { MI, R_(0x73, 6, 0), "csrrsi", FMT_CSRI, ex_csrrsi },
    { MI, R_(0x73, 7, 0), "csrrci", FMT_CSRI, ex_csrrci },
};
#define N_INSNS (sizeof(rv_insns) / sizeof(rv_insns[0]))

/* Index: bucket (opcode[6:2] << 3 | funct3) -> up to 8 candidates. */
#define BUCKET(i) ((((i) >> 2) & 31) << 3 | (((i) >> 12) & 7))
static const RvInsn *rv_index[256][8];

static void __attribute__((constructor)) rv_build_index(void)
{
    for (size_t k = 0; k < N_INSNS; k++) {
        const RvInsn *e = &rv_insns[k];
        /* every encoding fixes opcode; funct3 too unless the mask
         * leaves it open (lui, auipc, jal): then every funct3 */
        for (unsigned f3 = 0; f3 < 8; f3++) {
            uint32_t probe = (e->match & ~0x7000u) | (f3 << 12);
            const RvInsn **slot;

            if ((probe & e->mask & 0x7000u) != (e->match & 0x7000u)) {
                continue;
            }
            slot = rv_index[BUCKET(probe)];
            while (*slot) {
                slot++;
            }
            *slot = e;
        }
    }
}

static inline const RvInsn *rv_decode(uint32_t insn)
{
    const RvInsn *const *c = rv_index[BUCKET(insn)];

    if ((insn & 3) != 3) {
        return NULL;
    }
    for (; *c; c++) {
        if ((insn & (*c)->mask) == (*c)->match) {
            return *c;
        }
    }
    return NULL;
}

/* ---- the hart ---------------------------------------------------------------- */

void rv_hart_reset(RvHart *h, uint64_t pc)
{
    memset(h->x, 0, sizeof(h->x));
    h->pc = pc;
    h->npc = pc;
    h->mstatus = MSTATUS_MPP;
    h->mie = h->mtvec = h->mscratch = h->mepc = h->mcause = h->mtval = 0;
    h->instret = 0;
    h->cycle_off = h->instret_off = 0;
    h->wfi = false;
    h->trapped = false;
    if (h->tlb) {
        rv_tlb_flush(h->tlb);
    }
}

void rv_hart_init(RvHart *h, AddressSpace *as, unsigned hartid,
                  const RvIrqSource *irq, uint64_t pc)
{
    memset(h, 0, sizeof(*h));
    h->as = as;
    h->hartid = hartid;
    h->attrs = (MemTxAttrs){ .requester_id = hartid & 0xffff };
    if (irq) {
        h->irq = *irq;
    }
    rv_hart_reset(h, pc);
}

static bool fetch(RvHart *h, uint32_t *insn)
{
    MemTxResult r = MEMTX_OK;
    uint64_t v;

    if (h->tlb && rv_tlb_fetch(h->tlb, h->pc, insn)) {
        return true;
    }
    v = address_space_ldl_le(h->as, h->pc, h->attrs, &r);
    if (cancelled(h)) {
        return false;
    }
    if (r != MEMTX_OK) {
        raise_exc(h, RV_EXC_INSN_ACCESS, h->pc);
        return false;
    }
    *insn = (uint32_t)v;
    return true;
}

void rv_exec_one(RvHart *h)
{
    uint32_t insn;
    const RvInsn *e;

    h->trapped = false;
    h->npc = h->pc + 4;
    if (fetch(h, &insn)) {
        e = rv_decode(insn);
        if (e) {
            e->exec(h, insn);
        } else {
            illegal(h, insn);
        }
    }
    if (!h->trapped) {
        h->instret++;
    }
    h->pc = h->npc;
}

bool rv_check_irq(RvHart *h)
{
    uint64_t p;
    static const unsigned prio[] = { 11, 3, 7 };

    if (!(h->mstatus & MSTATUS_MIE) || !h->mie) {
        return false;
    }
    p = rv_irq_pending(h);
    if (!p) {
        return false;
    }
    for (unsigned k = 0; k < 3; k++) {
        if (p & (1ULL << prio[k])) {
            h->wfi = false;
            take_trap(h, RV_IRQ_BIT | prio[k], 0, h->pc);
            h->pc = h->npc;
            return true;
        }
    }
    return false;
}

/* ---- registers by name ------------------------------------------------------ */

const char *const rv_abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

int rv_reg_lookup(const char *name)
{
    char *end;
    long n;

    for (int r = 0; r < 32; r++) {
        if (!strcasecmp(name, rv_abi_names[r])) {
            return r;
        }
    }
    if (!strcasecmp(name, "fp")) {
        return 8;
    }
    if ((name[0] == 'x' || name[0] == 'X') && name[1]) {
        n = strtol(name + 1, &end, 10);
        if (!*end && n >= 0 && n < 32) {
            return (int)n;
        }
    }
    return -1;
}

/* ---- disassembler -------------------------------------------------------------- */

static void csr_text(unsigned csr, char *buf, size_t n)
{
    const char *name = rv_csr_name(csr);

    if (name) {
        snprintf(buf, n, "%s", name);
    } else {
        snprintf(buf, n, "%u", csr);
    }
}

void rv_disas(uint32_t insn, uint64_t pc, char *buf, size_t size)
{
    const RvInsn *e = rv_decode(insn);
    const char *const *r = rv_abi_names;
    char ops[96] = "", csr[24];
    uint64_t target = 0;
    bool has_target = false;

    if (!e) {
        snprintf(buf, size, "illegal");
        return;
    }
    switch (e->fmt) {
    case FMT_R:
        snprintf(ops, sizeof(ops), "%s,%s,%s", r[RD(insn)], r[RS1(insn)], r[RS2(insn)]);
        break;
    case FMT_I: case FMT_JALR:
        snprintf(ops, sizeof(ops), "%s,%s,%" PRId64, r[RD(insn)], r[RS1(insn)], imm_i(insn));
        break;
    case FMT_SH:
        snprintf(ops, sizeof(ops), "%s,%s,%u", r[RD(insn)], r[RS1(insn)],
                 (insn >> 20) & 63);
        break;
    case FMT_LOAD:
        snprintf(ops, sizeof(ops), "%s,%" PRId64 "(%s)", r[RD(insn)], imm_i(insn), r[RS1(insn)]);
        break;
    case FMT_STORE:
        snprintf(ops, sizeof(ops), "%s,%" PRId64 "(%s)", r[RS2(insn)], imm_s(insn), r[RS1(insn)]);
        break;
    case FMT_B:
        snprintf(ops, sizeof(ops), "%s,%s,%" PRId64, r[RS1(insn)], r[RS2(insn)], imm_b(insn));
        target = pc + (uint64_t)imm_b(insn);
        has_target = true;
        break;
    case FMT_U:
        snprintf(ops, sizeof(ops), "%s,%u", r[RD(insn)], insn >> 12);
        break;
    case FMT_AUIPC:
        snprintf(ops, sizeof(ops), "%s,%u", r[RD(insn)], insn >> 12);
        target = pc + (uint64_t)imm_u(insn);
        has_target = true;
        break;
    case FMT_J:
        snprintf(ops, sizeof(ops), "%s,%" PRId64, r[RD(insn)], imm_j(insn));
        target = pc + (uint64_t)imm_j(insn);
        has_target = true;
        break;
    case FMT_CSR:
        csr_text(CSRNO(insn), csr, sizeof(csr));
        snprintf(ops, sizeof(ops), "%s,%s,%s", r[RD(insn)], csr, r[RS1(insn)]);
        break;
    case FMT_CSRI:
        csr_text(CSRNO(insn), csr, sizeof(csr));
        snprintf(ops, sizeof(ops), "%s,%s,%u", r[RD(insn)], csr, RS1(insn));
        break;
    case FMT_FENCE: {
        static const char bits[] = "iorw";
        char pred[5] = "", succ[5] = "";
        unsigned p = (insn >> 24) & 15, s = (insn >> 20) & 15, np = 0, ns = 0;

        for (int b = 0; b < 4; b++) {
            if (p & (8 >> b)) {
                pred[np++] = bits[b];
            }
            if (s & (8 >> b)) {
                succ[ns++] = bits[b];
            }
        }
        snprintf(ops, sizeof(ops), "%s,%s", pred, succ);
        break;
    }
    case FMT_NONE:
        break;
    }
    if (has_target) {
        snprintf(buf, size, "%-24s%-24s# 0x%" PRIx64, e->name, ops, target);
    } else if (ops[0]) {
        snprintf(buf, size, "%-24s%s", e->name, ops);
    } else {
        snprintf(buf, size, "%s", e->name);
    }
}
