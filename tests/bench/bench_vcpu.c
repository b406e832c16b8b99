/*
 * tests/bench/bench_vcpu.c — the RV64 interpreter's speed in MIPS
 * (million guest instructions per second) on one hart with its software
 * TLB, beside the same loops compiled natively in the same run:
 *
 *   alu: 6 instructions per iteration (addi, xor, add, slli, sub, bne)
 *   mem: 8 per iteration (add, ld, addi, sd, addi, and, addi, bne) over a
 *        64 KiB window of RAM
 *
 * Goals (the issue's): >= 100 MIPS (alu), >= 50 MIPS (mem).  The guest
 * ends each run with a store to an MMIO register whose handler calls
 * cpu_request_stop(); the time is from cpu_resume_all() to the stop.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>
#include <memcore/memory.h>

#include "bench_util.h"
#include "../../server/riscv/cpu.h"

#define RAM_BASE 0x80000000ull
#define DONE_BASE 0x10000000ull
#define REPS 5

static MemoryRegion root, ram, done_mr;
static AddressSpace as;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int stopped;

static uint64_t done_read(void *o, hwaddr a, unsigned s)
{
    (void)o; (void)a; (void)s;
    return 0;
}
static void done_write(void *o, hwaddr a, uint64_t d, unsigned s)
{
    (void)o; (void)a; (void)d; (void)s;
    cpu_request_stop(CPU_STOP_REQUEST, 0);
}
static const MemoryRegionOps done_ops = {
    .read = done_read, .write = done_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void on_stop(void *o, unsigned h, CpuStopReason r, uint64_t a)
{
    (void)o; (void)h; (void)r; (void)a;
    pthread_mutex_lock(&lock);
    stopped = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
}

/* encoders */
static uint32_t R(uint32_t op, int f3, int f7, int rd, int rs1, int rs2)
{
    return op | (uint32_t)rd << 7 | (uint32_t)f3 << 12 | (uint32_t)rs1 << 15 |
           (uint32_t)rs2 << 20 | (uint32_t)f7 << 25;
}
static uint32_t I(uint32_t op, int f3, int rd, int rs1, int32_t imm)
{
    return op | (uint32_t)rd << 7 | (uint32_t)f3 << 12 | (uint32_t)rs1 << 15 |
           ((uint32_t)imm & 0xfff) << 20;
}
static uint32_t S(int f3, int rs1, int rs2, int32_t imm)
{
    return 0x23 | ((uint32_t)imm & 31) << 7 | (uint32_t)f3 << 12 |
           (uint32_t)rs1 << 15 | (uint32_t)rs2 << 20 |
           (((uint32_t)imm >> 5) & 0x7f) << 25;
}
static uint32_t B(int f3, int rs1, int rs2, int32_t off)
{
    uint32_t o = (uint32_t)off;

    return 0x63 | ((o >> 11) & 1) << 7 | ((o >> 1) & 15) << 8 |
           (uint32_t)f3 << 12 | (uint32_t)rs1 << 15 | (uint32_t)rs2 << 20 |
           ((o >> 5) & 0x3f) << 25 | ((o >> 12) & 1) << 31;
}

enum { ZERO, RA, SP, GP, TP, T0, T1, T2, S0, S1, A0, A1, A2, A3, A4, A5 };

static void load_prog(const uint32_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        MemTxResult r = MEMTX_OK;

        address_space_stl_le(&as, RAM_BASE + 4 * i, p[i],
                             MEMTXATTRS_UNSPECIFIED, &r);
    }
}

/* run the guest from RAM_BASE with t0 = @iters; seconds */
static double run_guest(CpuSet *cs, uint64_t iters)
{
    double t;

    cpu_reset(cs);
    cpu_reg_set(cs, 0, T0, iters);
    cpu_reg_set(cs, 0, T1, RAM_BASE + 0x10000);
    cpu_reg_set(cs, 0, A4, 0xfff8);
    cpu_reg_set(cs, 0, S1, DONE_BASE);
    stopped = 0;
    t = now_ns();
    cpu_resume_all(cs);
    pthread_mutex_lock(&lock);
    while (!stopped) {
        pthread_cond_wait(&cond, &lock);
    }
    pthread_mutex_unlock(&lock);
    t = now_ns() - t;
    cpu_wait_stopped(cs);
    return t / 1e9;
}

static double guest_mips(CpuSet *cs, const uint32_t *p, size_t n,
                         unsigned per_iter)
{
    double v[REPS];
    uint64_t iters = 2000000;

    load_prog(p, n);
    /* size a run to about 40 ms */
    for (;;) {
        double s = run_guest(cs, iters);

        if (s > 0.04 || iters > (1ull << 34)) {
            break;
        }
        iters *= 2;
    }
    for (int r = 0; r < REPS; r++) {
        v[r] = (double)iters * per_iter / run_guest(cs, iters) / 1e6;
    }
    return median(v, REPS);
}

/* native peers: the same work, kept in registers */
static uint64_t native_alu(uint64_t iters)
{
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;

    do {
        a0 += 1;
        a1 ^= a0;
        a2 += a1;
        a3 = a2 << 3;
        a4 = a3 - a0;
        __asm__ volatile("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4));
    } while (a0 != iters);
    return a4;
}

static uint64_t native_mem(uint64_t iters, uint8_t *base)
{
    uint64_t a0 = 0, a2 = 0;

    do {
        uint64_t *p = (uint64_t *)(base + a2);
        uint64_t x = *(volatile uint64_t *)p;

        *(volatile uint64_t *)p = x + 1;
        a2 = (a2 + 8) & 0xfff8;
        a0++;
        __asm__ volatile("" : "+r"(a0), "+r"(a2));
    } while (a0 != iters);
    return a2;
}

static double native_mips(int which, unsigned per_iter)
{
    static uint8_t buf[0x10000] __attribute__((aligned(8)));
    double v[REPS];
    uint64_t iters = 1 << 20;
    volatile uint64_t sink;

    for (;;) {
        double t = now_ns();

        sink = which ? native_mem(iters, buf) : native_alu(iters);
        if (now_ns() - t > 40e6) {
            break;
        }
        iters *= 2;
    }
    for (int r = 0; r < REPS; r++) {
        double t = now_ns();

        sink = which ? native_mem(iters, buf) : native_alu(iters);
        v[r] = (double)iters * per_iter / ((now_ns() - t) / 1e3);
    }
    (void)sink;
    return median(v, REPS);
}

int main(void)
{
    Error *err = NULL;
    CpuSet *cs;
    CpuConfig cfg = {
        .as = &as, .nharts = 1, .reset_pc = RAM_BASE, .on_stop = on_stop,
        .tlb = true,
    };
    const uint32_t alu[] = {
        I(0x13, 0, A0, A0, 1),          /* loop: addi a0,a0,1 */
        R(0x33, 4, 0, A1, A1, A0),      /* xor a1,a1,a0 */
        R(0x33, 0, 0, A2, A2, A1),      /* add a2,a2,a1 */
        I(0x13, 1, A3, A2, 3),          /* slli a3,a2,3 */
        R(0x33, 0, 0x20, A4, A3, A0),   /* sub a4,a3,a0 */
        B(1, A0, T0, -20),              /* bne a0,t0,loop */
        S(2, S1, ZERO, 0),              /* sw zero,0(s1): done */
        0x0000006f,                     /* j . */
    };
    const uint32_t mem[] = {
        R(0x33, 0, 0, A3, T1, A2),      /* loop: add a3,t1,a2 */
        I(0x03, 3, A1, A3, 0),          /* ld a1,0(a3) */
        I(0x13, 0, A1, A1, 1),          /* addi a1,a1,1 */
        S(3, A3, A1, 0),                /* sd a1,0(a3) */
        I(0x13, 0, A2, A2, 8),          /* addi a2,a2,8 */
        R(0x33, 7, 0, A2, A2, A4),      /* and a2,a2,a4 */
        I(0x13, 0, A0, A0, 1),          /* addi a0,a0,1 */
        B(1, A0, T0, -28),              /* bne a0,t0,loop */
        S(2, S1, ZERO, 0),
        0x0000006f,
    };
    double g_alu, g_mem, n_alu, n_mem;

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x100000, &err);
    if (err) {
        fprintf(stderr, "bench_vcpu: %s\n", error_get_pretty(err));
        return 1;
    }
    memory_region_add_subregion(&root, RAM_BASE, &ram);
    memory_region_init_io(&done_mr, NULL, &done_ops, NULL, "done", 0x1000);
    memory_region_add_subregion(&root, DONE_BASE, &done_mr);
    address_space_init(&as, &root, "as");
    cs = cpu_create(&cfg);
    if (!cs) {
        fprintf(stderr, "bench_vcpu: cpu_create failed\n");
        return 1;
    }
    g_alu = guest_mips(cs, alu, sizeof(alu) / 4, 6);
    g_mem = guest_mips(cs, mem, sizeof(mem) / 4, 8);
    n_alu = native_mips(0, 6);
    n_mem = native_mips(1, 8);
    printf("alu loop: interpreted %8.1f MIPS, native %8.1f MIPS (%.1fx "
           "slower)  goal >= 100 MIPS: %s\n", g_alu, n_alu, n_alu / g_alu,
           g_alu >= 100 ? "met" : "MISSED");
    printf("mem loop: interpreted %8.1f MIPS, native %8.1f MIPS (%.1fx "
           "slower)  goal >=  50 MIPS: %s\n", g_mem, n_mem, n_mem / g_mem,
           g_mem >= 50 ? "met" : "MISSED");
    cpu_destroy(cs);
    address_space_destroy(&as);
    memcore_rcu_barrier();
    return 0;
}
