/*
 * tests/unit/test_rv64_trap.c — CSRs, traps and mret on one hart:
 * illegal instructions, ecall, ebreak, misaligned and access faults with
 * their mtval, interrupts from an RvIrqSource, wfi.
 */
#include <stdlib.h>

#include "test_rv64_fixture.h"
#include "check_run.h"

#define TVEC (RAM_BASE + 0x800)

static void expect_trap(uint64_t cause, uint64_t tval, uint64_t epc)
{
    ck_assert_uint_eq(hart.mcause, cause);
    ck_assert_uint_eq(hart.mtval, tval);
    ck_assert_uint_eq(hart.mepc, epc);
    ck_assert_uint_eq(hart.pc, TVEC);
    ck_assert_uint_eq(hart.mstatus & MSTATUS_MPP, MSTATUS_MPP);
}

static void trap_setup(void)
{
    rv_setup();
    hart.mtvec = TVEC;
}

START_TEST(test_illegal)
{
    static const uint32_t bad[] = {
        0x00000000, 0xffffffff, 0x0000007f,
        0x02000033 | 0x20000000,          /* add with funct7 0x21 */
        0x0000100f | 0x6000,              /* fence funct3 7 */
        CSRRS(5, 0x7c0, 0),               /* no such CSR */
        CSRRW(5, CSR_MHARTID, 6),         /* write to read-only */
        CSRRSI(5, CSR_MVENDORID, 1),
        0x0000001b | 2 << 12,             /* OP-IMM-32 funct3 2 */
        0x10200073,                       /* sret: no S mode */
    };

    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        hart.x[5] = 0x55;
        run1(bad[k]);
        expect_trap(RV_EXC_ILLEGAL, bad[k], RAM_BASE);
        ck_assert_uint_eq(hart.x[5], 0x55);
        ck_assert_uint_eq(hart.instret, 0);
    }
}
END_TEST

START_TEST(test_ecall_ebreak_mret)
{
    hart.mstatus |= MSTATUS_MIE;
    run1(ECALL);
    expect_trap(RV_EXC_ECALL_M, 0, RAM_BASE);
    ck_assert(!(hart.mstatus & MSTATUS_MIE));
    ck_assert(hart.mstatus & MSTATUS_MPIE);
    run1(EBREAK);
    expect_trap(RV_EXC_BREAKPOINT, RAM_BASE, RAM_BASE);
    ck_assert(!(hart.mstatus & MSTATUS_MPIE));   /* MIE was 0 */
    /* mret back to mepc + 4 with MIE restored from MPIE */
    hart.mstatus = MSTATUS_MPIE | MSTATUS_MPP;
    hart.mepc = RAM_BASE + 0x44;
    run1(MRET);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 0x44);
    ck_assert(hart.mstatus & MSTATUS_MIE);
    ck_assert(hart.mstatus & MSTATUS_MPIE);
}
END_TEST

START_TEST(test_faults)
{
    /* misaligned load, store */
    hart.x[5] = RAM_BASE + 0x101;
    run1(enc_i(0x03, 2, 6, 5, 0));
    expect_trap(RV_EXC_LOAD_MISALIGNED, RAM_BASE + 0x101, RAM_BASE);
    run1(enc_s(1, 5, 6, 0));
    expect_trap(RV_EXC_STORE_MISALIGNED, RAM_BASE + 0x101, RAM_BASE);
    /* a byte access is never misaligned */
    run1(enc_i(0x03, 0, 6, 5, 0));
    ck_assert_uint_eq(hart.pc, RAM_BASE + 4);
    /* access faults outside RAM */
    hart.x[5] = 0x1000;
    hart.x[6] = 0x77;
    run1(enc_i(0x03, 3, 6, 5, 8));
    expect_trap(RV_EXC_LOAD_ACCESS, 0x1008, RAM_BASE);
    ck_assert_uint_eq(hart.x[6], 0x77);
    run1(enc_s(3, 5, 6, 8));
    expect_trap(RV_EXC_STORE_ACCESS, 0x1008, RAM_BASE);
    /* jump to a misaligned target: the jump traps, rd untouched */
    hart.x[1] = 0x99;
    hart.x[5] = RAM_BASE + 0x102;
    run1(enc_i(0x67, 0, 1, 5, 0));
    expect_trap(RV_EXC_INSN_MISALIGNED, RAM_BASE + 0x102, RAM_BASE);
    ck_assert_uint_eq(hart.x[1], 0x99);
    /* a taken branch to a misaligned target */
    hart.x[5] = 0;
    run1(enc_b(0, 5, 5, 6));
    expect_trap(RV_EXC_INSN_MISALIGNED, RAM_BASE + 6, RAM_BASE);
    /* fetch from nothing */
    hart.pc = 0x2000;
    rv_exec_one(&hart);
    expect_trap(RV_EXC_INSN_ACCESS, 0x2000, 0x2000);
}
END_TEST

START_TEST(test_csr_ops)
{
    uint64_t v;

    hart.x[5] = 0x1234;
    run1(CSRRW(6, CSR_MSCRATCH, 5));
    ck_assert_uint_eq(hart.x[6], 0);
    ck_assert_uint_eq(hart.mscratch, 0x1234);
    hart.x[5] = 0xf;
    run1(CSRRS(6, CSR_MSCRATCH, 5));
    ck_assert_uint_eq(hart.x[6], 0x1234);
    ck_assert_uint_eq(hart.mscratch, 0x123f);
    hart.x[5] = 0x30;
    run1(CSRRC(6, CSR_MSCRATCH, 5));
    ck_assert_uint_eq(hart.mscratch, 0x120f);
    run1(CSRRWI(6, CSR_MSCRATCH, 31));
    ck_assert_uint_eq(hart.x[6], 0x120f);
    ck_assert_uint_eq(hart.mscratch, 31);
    run1(CSRRCI(6, CSR_MSCRATCH, 1));
    ck_assert_uint_eq(hart.mscratch, 30);
    run1(CSRRSI(6, CSR_MSCRATCH, 0x10));
    ck_assert_uint_eq(hart.mscratch, 30);
    /* read-only CSRs read fine with rs1 = x0 */
    run1(CSRRS(6, CSR_MISA, 0));
    ck_assert_uint_eq(hart.x[6], RV_MISA);
    ck_assert_uint_eq(hart.x[6] >> 62, 2);
    run1(CSRRS(6, CSR_MHARTID, 0));
    ck_assert_uint_eq(hart.x[6], 0);
    run1(CSRRS(6, CSR_MARCHID, 0));
    ck_assert_uint_eq(hart.x[6], 0);
    /* mstatus: MPP stays M, only MIE/MPIE are writable */
    hart.x[5] = 0xffffffffffffffffull;
    run1(CSRRW(0, CSR_MSTATUS, 5));
    ck_assert_uint_eq(hart.mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP);
    /* mtvec keeps modes 0 and 1; mepc is 4-aligned; mie masks */
    hart.x[5] = RAM_BASE + 0x403;
    run1(CSRRW(0, CSR_MTVEC, 5));
    ck_assert_uint_eq(hart.mtvec, RAM_BASE + 0x401);
    run1(CSRRW(0, CSR_MEPC, 5));
    ck_assert_uint_eq(hart.mepc, RAM_BASE + 0x400);
    hart.x[5] = 0xffffffffffffffffull;
    run1(CSRRW(0, CSR_MIE, 5));
    ck_assert_uint_eq(hart.mie, MIP_MSIP | MIP_MTIP | MIP_MEIP);
    /* counters: instret counts retired instructions, mcycle writable */
    hart.mtvec = TVEC;
    hart.instret = 0;
    run1(ADDI(5, 0, 1));
    run1(CSRRS(6, CSR_INSTRET, 0));
    ck_assert_uint_eq(hart.x[6], 1);
    hart.x[5] = 1000;
    run1(CSRRW(0, CSR_MCYCLE, 5));
    run1(CSRRS(6, CSR_CYCLE, 0));
    ck_assert_uint_eq(hart.x[6], 1001);
    run1(CSRRS(6, CSR_TIME, 0));
    ck_assert(rv_csr_get(&hart, CSR_MINSTRET, &v));
    ck_assert_uint_eq(v, hart.instret);
    ck_assert_int_eq(rv_csr_lookup("mtvec"), CSR_MTVEC);
    ck_assert_str_eq(rv_csr_name(CSR_MCAUSE), "mcause");
    ck_assert_int_eq(rv_reg_lookup("sp"), 2);
    ck_assert_int_eq(rv_reg_lookup("x31"), 31);
    ck_assert_int_eq(rv_reg_lookup("fp"), 8);
    ck_assert_int_eq(rv_reg_lookup("x32"), -1);
}
END_TEST

static uint64_t irq_bits;
static uint64_t test_pending(void *opaque, unsigned hartid)
{
    (void)opaque;
    (void)hartid;
    return irq_bits;
}

START_TEST(test_interrupts)
{
    RvIrqSource src = { .pending = test_pending };

    rv_hart_init(&hart, fx_as, 0, &src, RAM_BASE);
    hart.mtvec = TVEC | 1;   /* vectored */
    irq_bits = MIP_MTIP;
    ck_assert(!rv_check_irq(&hart));   /* mie = 0 */
    hart.mie = MIP_MTIP | MIP_MSIP;
    ck_assert(!rv_check_irq(&hart));   /* mstatus.MIE = 0 */
    ck_assert_uint_eq(rv_irq_pending(&hart), MIP_MTIP);
    run1(WFI);
    ck_assert(hart.wfi);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 4);
    hart.mstatus |= MSTATUS_MIE;
    irq_bits = MIP_MTIP | MIP_MSIP;
    ck_assert(rv_check_irq(&hart));
    ck_assert(!hart.wfi);
    ck_assert_uint_eq(hart.mcause, RV_IRQ_BIT | 3);   /* MSI before MTI */
    ck_assert_uint_eq(hart.mepc, RAM_BASE + 4);
    ck_assert_uint_eq(hart.pc, TVEC + 4 * 3);
    ck_assert(!(hart.mstatus & MSTATUS_MIE));
    run1(CSRRS(6, CSR_MIP, 0));
    ck_assert_uint_eq(hart.x[6], MIP_MTIP | MIP_MSIP);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rv64_trap");
    TCase *tc = tcase_create("trap");

    tcase_add_checked_fixture(tc, trap_setup, rv_teardown);
    tcase_add_test(tc, test_illegal);
    tcase_add_test(tc, test_ecall_ebreak_mret);
    tcase_add_test(tc, test_faults);
    tcase_add_test(tc, test_csr_ops);
    tcase_add_test(tc, test_interrupts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
