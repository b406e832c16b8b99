/*
 * tests/unit/test_rv64_isa.c — every RV64IM instruction on one hart,
 * with the edge cases of the spec: division by zero, signed overflow of
 * div/rem, the high multiplies, shift amounts, sign extension of the W
 * forms, writes to x0.
 */
#include <stdlib.h>

#include "test_rv64_fixture.h"
#include "check_run.h"

#define M64 0xffffffffffffffffull
#define MIN64 0x8000000000000000ull

typedef struct {
    const char *name;
    uint32_t op;
    int f3, f7;
    uint64_t a, b, want;
} RCase;

static const RCase rcases[] = {
    { "add", 0x33, 0, 0, 5, 7, 12 },
    { "add wrap", 0x33, 0, 0, M64, 2, 1 },
    { "sub", 0x33, 0, 0x20, 5, 7, (uint64_t)-2 },
    { "sll", 0x33, 1, 0, 1, 63, MIN64 },
    { "sll masks shamt", 0x33, 1, 0, 1, 64 + 4, 16 },
    { "slt", 0x33, 2, 0, (uint64_t)-1, 0, 1 },
    { "slt false", 0x33, 2, 0, 0, (uint64_t)-1, 0 },
    { "sltu", 0x33, 3, 0, 0, M64, 1 },
    { "xor", 0x33, 4, 0, 0xf0f0, 0xff00, 0x0ff0 },
    { "srl", 0x33, 5, 0, MIN64, 63, 1 },
    { "sra", 0x33, 5, 0x20, MIN64, 63, M64 },
    { "or", 0x33, 6, 0, 0xf0, 0x0f, 0xff },
    { "and", 0x33, 7, 0, 0xf0, 0x3c, 0x30 },
    { "mul", 0x33, 0, 1, 0x100000000ull, 0x100000000ull, 0 },
    { "mul neg", 0x33, 0, 1, (uint64_t)-3, 7, (uint64_t)-21 },
    { "mulh", 0x33, 1, 1, MIN64, MIN64, 0x4000000000000000ull },
    { "mulh neg", 0x33, 1, 1, (uint64_t)-1, 1, M64 },
    { "mulhsu", 0x33, 2, 1, (uint64_t)-1, M64, M64 },
    { "mulhsu pos", 0x33, 2, 1, 2, M64, 1 },
    { "mulhu", 0x33, 3, 1, M64, M64, 0xfffffffffffffffeull },
    { "div", 0x33, 4, 1, (uint64_t)-7, 2, (uint64_t)-3 },
    { "div by zero", 0x33, 4, 1, 42, 0, M64 },
    { "div overflow", 0x33, 4, 1, MIN64, M64, MIN64 },
    { "divu", 0x33, 5, 1, M64, 2, 0x7fffffffffffffffull },
    { "divu by zero", 0x33, 5, 1, 42, 0, M64 },
    { "rem", 0x33, 6, 1, (uint64_t)-7, 2, (uint64_t)-1 },
    { "rem by zero", 0x33, 6, 1, (uint64_t)-42, 0, (uint64_t)-42 },
    { "rem overflow", 0x33, 6, 1, MIN64, M64, 0 },
    { "remu", 0x33, 7, 1, 7, 3, 1 },
    { "remu by zero", 0x33, 7, 1, 7, 0, 7 },
    { "addw", 0x3b, 0, 0, 0x7fffffff, 1, 0xffffffff80000000ull },
    { "addw ignores high", 0x3b, 0, 0, 0x1234500000001ull, 1, 2 },
    { "subw", 0x3b, 0, 0x20, 0, 1, M64 },
    { "sllw", 0x3b, 1, 0, 1, 31, 0xffffffff80000000ull },
    { "sllw masks shamt", 0x3b, 1, 0, 1, 32 + 1, 2 },
    { "srlw", 0x3b, 5, 0, 0xffffffff80000000ull, 31, 1 },
    { "srlw sext", 0x3b, 5, 0, 0x80000000ull, 0, 0xffffffff80000000ull },
    { "sraw", 0x3b, 5, 0x20, 0x80000000ull, 4, 0xfffffffff8000000ull },
    { "mulw", 0x3b, 0, 1, 0x10000, 0x8000, 0xffffffff80000000ull },
    { "divw", 0x3b, 4, 1, (uint64_t)-8, 2, (uint64_t)-4 },
    { "divw by zero", 0x3b, 4, 1, 1, 0x100000000ull, M64 },
    { "divw overflow", 0x3b, 4, 1, 0x80000000ull, M64, 0xffffffff80000000ull },
    { "divuw", 0x3b, 5, 1, 0xffffffffull, 1, M64 },
    { "divuw by zero", 0x3b, 5, 1, 5, 0, M64 },
    { "remw", 0x3b, 6, 1, (uint64_t)-7, 2, M64 },
    { "remw by zero", 0x3b, 6, 1, 0x80000000ull, 0, 0xffffffff80000000ull },
    { "remw overflow", 0x3b, 6, 1, 0x80000000ull, M64, 0 },
    { "remuw", 0x3b, 7, 1, 0xffffffffull, 10, 5 },
    { "remuw by zero", 0x3b, 7, 1, 0xffffffffull, 0, M64 },
};

START_TEST(test_rtype)
{
    const RCase *c = &rcases[_i];

    hart.x[5] = c->a;
    hart.x[6] = c->b;
    run1(enc_r(c->op, c->f3, c->f7, 7, 5, 6));
    ck_assert_msg(hart.x[7] == c->want, "%s: got %#llx want %#llx", c->name,
                  (unsigned long long)hart.x[7], (unsigned long long)c->want);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 4);
    ck_assert_uint_eq(hart.instret, 1);
    /* the same with rd = x0: nothing changes */
    run1(enc_r(c->op, c->f3, c->f7, 0, 5, 6));
    ck_assert_uint_eq(hart.x[0], 0);
}
END_TEST

typedef struct {
    const char *name;
    uint32_t insn;
    uint64_t a, want;
} ICase;

static const ICase icases[] = {
    { "addi neg", 0x13 | 7 << 7 | 5 << 15 | 0xfffu << 20, 1, 0 },
    { "slti", 0x13 | 7 << 7 | 2 << 12 | 5 << 15 | 0xfffu << 20, (uint64_t)-2, 1 },
    { "sltiu -1", 0x13 | 7 << 7 | 3 << 12 | 5 << 15 | 0xfffu << 20, 5, 1 },
    { "xori -1 (not)", 0x13 | 7 << 7 | 4 << 12 | 5 << 15 | 0xfffu << 20, 0, M64 },
    { "ori", 0x13 | 7 << 7 | 6 << 12 | 5 << 15 | 0x0f0u << 20, 0x0f, 0xff },
    { "andi", 0x13 | 7 << 7 | 7 << 12 | 5 << 15 | 0x0f0u << 20, 0xfff, 0xf0 },
    { "slli 63", 0x13 | 7 << 7 | 1 << 12 | 5 << 15 | 63u << 20, 1, MIN64 },
    { "srli 63", 0x13 | 7 << 7 | 5 << 12 | 5 << 15 | 63u << 20, MIN64, 1 },
    { "srai 63", 0x13 | 7 << 7 | 5 << 12 | 5 << 15 | (0x400u | 63) << 20, MIN64, M64 },
    { "addiw", 0x1b | 7 << 7 | 5 << 15 | 1u << 20, 0x7fffffff, 0xffffffff80000000ull },
    { "slliw", 0x1b | 7 << 7 | 1 << 12 | 5 << 15 | 31u << 20, 1, 0xffffffff80000000ull },
    { "srliw", 0x1b | 7 << 7 | 5 << 12 | 5 << 15 | 1u << 20, M64, 0x7fffffff },
    { "sraiw", 0x1b | 7 << 7 | 5 << 12 | 5 << 15 | (0x400u | 31) << 20, 0x80000000, M64 },
    { "lui", 0x37 | 7 << 7 | 0x80000u << 12, 0, 0xffffffff80000000ull },
    { "auipc", 0x17 | 7 << 7 | 1u << 12, 0, RAM_BASE + 0x1000 },
};

START_TEST(test_itype)
{
    const ICase *c = &icases[_i];

    hart.x[5] = c->a;
    run1(c->insn);
    ck_assert_msg(hart.x[7] == c->want, "%s: got %#llx want %#llx", c->name,
                  (unsigned long long)hart.x[7], (unsigned long long)c->want);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 4);
}
END_TEST

START_TEST(test_x0_immediate)
{
    run1(ADDI(0, 0, 5));
    ck_assert_uint_eq(hart.x[0], 0);
    run1(0x37 | 1u << 12);   /* lui x0, 1 */
    ck_assert_uint_eq(hart.x[0], 0);
}
END_TEST

START_TEST(test_loads_stores)
{
    static const struct { int f3; uint64_t want; } lc[] = {
        { 0, 0xffffffffffffff88ull }, { 1, 0xffffffffffff8788ull },
        { 2, 0xffffffff85868788ull }, { 3, 0x8182838485868788ull },
        { 4, 0x88 }, { 5, 0x8788 }, { 6, 0x85868788ull },
    };

    hart.x[5] = RAM_BASE + 0x100;
    hart.x[6] = 0x8182838485868788ull;
    run1(enc_s(3, 5, 6, 8));   /* sd x6, 8(x5) */
    for (unsigned k = 0; k < 7; k++) {
        run1(enc_i(0x03, lc[k].f3, 7, 5, 8));
        ck_assert_msg(hart.x[7] == lc[k].want, "load f3=%d", lc[k].f3);
    }
    /* negative offset; sb/sh/sw */
    hart.x[5] = RAM_BASE + 0x210;
    hart.x[6] = 0x11223344aabbccddull;
    run1(enc_s(0, 5, 6, -16));
    run1(enc_s(1, 5, 6, -14));
    run1(enc_s(2, 5, 6, -12));
    run1(enc_i(0x03, 3, 7, 5, -16));
    ck_assert_uint_eq(hart.x[7], 0xaabbccddccdd00ddull);
}
END_TEST

START_TEST(test_branches_jumps)
{
    static const struct { int f3; uint64_t a, b; bool taken; } bc[] = {
        { 0, 1, 1, true }, { 0, 1, 2, false }, { 1, 1, 2, true },
        { 1, 3, 3, false }, { 4, (uint64_t)-1, 0, true }, { 4, 0, (uint64_t)-1, false },
        { 5, 0, (uint64_t)-1, true }, { 5, (uint64_t)-1, 0, false },
        { 6, 0, M64, true }, { 6, M64, 0, false }, { 7, M64, 0, true },
        { 7, 0, M64, false },
    };

    for (unsigned k = 0; k < sizeof(bc) / sizeof(bc[0]); k++) {
        hart.x[5] = bc[k].a;
        hart.x[6] = bc[k].b;
        put(0x20, enc_b(bc[k].f3, 5, 6, -16));
        hart.pc = RAM_BASE + 0x20;
        rv_exec_one(&hart);
        ck_assert_msg(hart.pc == RAM_BASE + (bc[k].taken ? 0x10 : 0x24),
                      "branch %u", k);
    }
    put(0x20, enc_j(1, 0x100));
    hart.pc = RAM_BASE + 0x20;
    rv_exec_one(&hart);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 0x120);
    ck_assert_uint_eq(hart.x[1], RAM_BASE + 0x24);
    /* jalr clears bit 0, rd = rs1 works */
    hart.x[1] = RAM_BASE + 0x41;
    put(0x20, enc_i(0x67, 0, 1, 1, 4));
    hart.pc = RAM_BASE + 0x20;
    rv_exec_one(&hart);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 0x44);
    ck_assert_uint_eq(hart.x[1], RAM_BASE + 0x24);
}
END_TEST

START_TEST(test_fence)
{
    run1(0x0ff0000f);
    ck_assert_uint_eq(hart.pc, RAM_BASE + 4);
    ck_assert_uint_eq(hart.mcause, 0);
}
END_TEST

START_TEST(test_disas)
{
    char buf[128];

    rv_disas(0x00000297, 0x1000, buf, sizeof(buf));
    ck_assert_str_eq(buf, "auipc                   t0,0                    # 0x1000");
    rv_disas(0x02828613, 0x1004, buf, sizeof(buf));
    ck_assert_str_eq(buf, "addi                    a2,t0,40");
    rv_disas(0xf1402573, 0x1008, buf, sizeof(buf));
    ck_assert_str_eq(buf, "csrrs                   a0,mhartid,zero");
    rv_disas(0x0202b583, 0x100c, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ld                      a1,32(t0)");
    rv_disas(ECALL, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "ecall");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rv64_isa");
    TCase *tc = tcase_create("isa");

    tcase_add_checked_fixture(tc, rv_setup, rv_teardown);
    tcase_add_loop_test(tc, test_rtype, 0, sizeof(rcases) / sizeof(rcases[0]));
    tcase_add_loop_test(tc, test_itype, 0, sizeof(icases) / sizeof(icases[0]));
    tcase_add_test(tc, test_x0_immediate);
    tcase_add_test(tc, test_loads_stores);
    tcase_add_test(tc, test_branches_jumps);
    tcase_add_test(tc, test_fence);
    tcase_add_test(tc, test_disas);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
