/*
 * tests/unit/test_rv64_fixture.h — a hart on 64 KiB of RAM at
 * 0x80000000 (nothing else mapped), and encoders for the instructions the
 * tests place there.
 */
#ifndef TEST_RV64_FIXTURE_H
#define TEST_RV64_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "../../server/riscv/rv64.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull

static MemoryRegion fx_root_mr, fx_ram_mr;
static AddressSpace fx_as_s;
static AddressSpace *fx_as = &fx_as_s;
static RvHart hart;

static void rv_setup(void)
{
    Error *err = NULL;

    memset(&fx_root_mr, 0, sizeof(fx_root_mr));
    memset(&fx_ram_mr, 0, sizeof(fx_ram_mr));
    memset(&fx_as_s, 0, sizeof(fx_as_s));
    memory_region_init(&fx_root_mr, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&fx_ram_mr, NULL, "ram", RAM_SIZE, &err);
    ck_assert_ptr_null(err);
    memory_region_add_subregion(&fx_root_mr, RAM_BASE, &fx_ram_mr);
    address_space_init(fx_as, &fx_root_mr, "as");
    rv_hart_init(&hart, fx_as, 0, NULL, RAM_BASE);
}

static void rv_teardown(void)
{
    address_space_destroy(fx_as);
    memcore_rcu_barrier();
}

/* encoders */
static inline uint32_t enc_r(uint32_t op, int f3, int f7, int rd, int rs1, int rs2)
{
    return op | (uint32_t)rd << 7 | (uint32_t)f3 << 12 | (uint32_t)rs1 << 15 |
           (uint32_t)rs2 << 20 | (uint32_t)f7 << 25;
}
static inline uint32_t enc_i(uint32_t op, int f3, int rd, int rs1, int32_t imm)
{
    return op | (uint32_t)rd << 7 | (uint32_t)f3 << 12 | (uint32_t)rs1 << 15 |
           ((uint32_t)imm & 0xfff) << 20;
}
static inline uint32_t enc_s(int f3, int rs1, int rs2, int32_t imm)
{
    return 0x23 | ((uint32_t)imm & 31) << 7 | (uint32_t)f3 << 12 |
           (uint32_t)rs1 << 15 | (uint32_t)rs2 << 20 |
           (((uint32_t)imm >> 5) & 0x7f) << 25;
}
static inline uint32_t enc_b(int f3, int rs1, int rs2, int32_t off)
{
    uint32_t o = (uint32_t)off;

    return 0x63 | ((o >> 11) & 1) << 7 | ((o >> 1) & 15) << 8 |
           (uint32_t)f3 << 12 | (uint32_t)rs1 << 15 | (uint32_t)rs2 << 20 |
           ((o >> 5) & 0x3f) << 25 | ((o >> 12) & 1) << 31;
}
static inline uint32_t enc_j(int rd, int32_t off)
{
    uint32_t o = (uint32_t)off;

    return 0x6f | (uint32_t)rd << 7 | (o & 0xff000) | ((o >> 11) & 1) << 20 |
           ((o >> 1) & 0x3ff) << 21 | ((o >> 20) & 1) << 31;
}
static inline uint32_t enc_u(uint32_t op, int rd, uint32_t imm20)
{
    return op | (uint32_t)rd << 7 | imm20 << 12;
}

#define ENC_I(op, f3, rd, rs1, imm) \
    ((uint32_t)(op) | (uint32_t)(rd) << 7 | (uint32_t)(f3) << 12 | \
     (uint32_t)(rs1) << 15 | ((uint32_t)(imm) & 0xfff) << 20)
#define ADDI(rd, rs1, imm) ENC_I(0x13, 0, rd, rs1, imm)
#define CSRRW(rd, csr, rs1) ENC_I(0x73, 1, rd, rs1, csr)
#define CSRRS(rd, csr, rs1) ENC_I(0x73, 2, rd, rs1, csr)
#define CSRRC(rd, csr, rs1) ENC_I(0x73, 3, rd, rs1, csr)
#define CSRRWI(rd, csr, u) ENC_I(0x73, 5, rd, u, csr)
#define CSRRSI(rd, csr, u) ENC_I(0x73, 6, rd, u, csr)
#define CSRRCI(rd, csr, u) ENC_I(0x73, 7, rd, u, csr)
#define ECALL 0x00000073u
#define EBREAK 0x00100073u
#define MRET 0x30200073u
#define WFI 0x10500073u
#define JAL_SELF 0x0000006fu   /* j . */

/* put @insn at RAM_BASE + @off */
static inline void put(uint64_t off, uint32_t insn)
{
    MemTxResult r = MEMTX_OK;

    address_space_stl_le(fx_as, RAM_BASE + off, insn, MEMTXATTRS_UNSPECIFIED, &r);
    ck_assert_uint_eq(r, MEMTX_OK);
}

/* run @insn at the start of RAM once: pc back to RAM_BASE first */
static inline void run1(uint32_t insn)
{
    put(0, insn);
    hart.pc = RAM_BASE;
    rv_exec_one(&hart);
}

#endif /* TEST_RV64_FIXTURE_H */
