/*
 * tests/unit/test_rv64_cpu.c — server/riscv/cpu.h: harts on threads,
 * stop/resume/step, breakpoints, stop requests from another thread and
 * from inside a memory access, register access, wfi, reset, and a stress
 * test driving stop/resume/step from another thread while harts run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "test_rv64_fixture.h"
#include "check_run.h"
#include "../../server/riscv/cpu.h"

#define MMIO_BASE 0x10000000ull

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static unsigned ev_count, ev_hart;
static CpuStopReason ev_reason;
static uint64_t ev_addr;

static void on_stop(void *opaque, unsigned h, CpuStopReason reason,
                    uint64_t addr)
{
    (void)opaque;
    pthread_mutex_lock(&ev_lock);
    ev_count++;
    ev_hart = h;
    ev_reason = reason;
    ev_addr = addr;
    pthread_cond_broadcast(&ev_cond);
    pthread_mutex_unlock(&ev_lock);
}

/* wait for stop number @n */
static void wait_event(unsigned n)
{
    pthread_mutex_lock(&ev_lock);
    while (ev_count < n) {
        pthread_cond_wait(&ev_cond, &ev_lock);
    }
    pthread_mutex_unlock(&ev_lock);
}

/* MMIO registers: offset 8 asks for a watchpoint stop on write and on
 * read (while mmio_watch is set), offset 0x10 for a plain stop request
 * on write; reads of offset 8 return 0x77. */
static _Atomic bool mmio_watch;
static _Atomic unsigned mmio_reads, mmio_writes;
static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque; (void)size;
    if (addr == 8) {
        mmio_reads++;
        if (mmio_watch) {
            cpu_request_stop(CPU_STOP_WATCHPOINT, MMIO_BASE + addr);
        }
        return 0x77;
    }
    return 0;
}
static _Atomic uint64_t mmio_last;
static void mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    (void)opaque; (void)size;
    mmio_last = data;
    mmio_writes++;
    if (addr == 8 && mmio_watch) {
        cpu_request_stop(CPU_STOP_WATCHPOINT, MMIO_BASE + addr);
    } else if (addr == 0x10) {
        cpu_request_stop(CPU_STOP_REQUEST, MMIO_BASE + addr);
    }
}
static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};
static MemoryRegion mmio_mr;

static _Atomic uint64_t irq_bits;
static uint64_t pending(void *opaque, unsigned h)
{
    (void)opaque; (void)h;
    return irq_bits;
}

static CpuSet *cs;

static void cpu_setup(void)
{
    CpuConfig cfg = {
        .nharts = 2, .reset_pc = RAM_BASE, .on_stop = on_stop,
        .irq = { .pending = pending },
    };

    rv_setup();
    memset(&mmio_mr, 0, sizeof(mmio_mr));
    memory_region_init_io(&mmio_mr, NULL, &mmio_ops, NULL, "mmio", 0x1000);
    memory_region_add_subregion(&fx_root_mr, MMIO_BASE, &mmio_mr);
    ev_count = 0;
    irq_bits = 0;
    mmio_watch = true;
    mmio_reads = mmio_writes = 0;
    /* 0: addi a1,a1,1   4: j 0 */
    put(0, ADDI(11, 11, 1));
    put(4, enc_j(0, -4));
    cfg.as = fx_as;
    cs = cpu_create(&cfg);
    ck_assert_ptr_nonnull(cs);
}

static void cpu_teardown(void)
{
    cpu_destroy(cs);
    rv_teardown();
}

static uint64_t reg(unsigned h, unsigned r)
{
    uint64_t v = 0;

    ck_assert_int_eq(cpu_reg_get(cs, h, r, &v), 0);
    return v;
}

START_TEST(test_start_stopped)
{
    ck_assert_uint_eq(cpu_count(cs), 2);
    ck_assert(!cpu_is_running(cs));
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE);
    ck_assert_uint_eq(reg(1, 10), 1);   /* a0 = hart id */
    ck_assert_uint_eq(reg(1, CPU_REG_CSR(CSR_MHARTID)), 1);
    ck_assert_int_eq(cpu_reg_set(cs, 0, 0, 5), 0);
    ck_assert_uint_eq(reg(0, 0), 0);
    ck_assert_int_eq(cpu_reg_get(cs, 2, 0, &(uint64_t){0}), -EINVAL);
    ck_assert_int_eq(cpu_reg_get(cs, 0, 99, &(uint64_t){0}), -EINVAL);
}
END_TEST

START_TEST(test_run_stop)
{
    uint64_t v;

    cpu_resume_all(cs);
    ck_assert(cpu_is_running(cs));
    ck_assert_int_eq(cpu_reg_get(cs, 0, 11, &v), -EBUSY);
    while (__atomic_load_n(&ev_count, __ATOMIC_RELAXED) == 0) {
        cpu_stop_all(cs);
        if (reg(0, 11) > 1000 && reg(1, 11) > 1000) {
            break;
        }
        cpu_resume_all(cs);
    }
    ck_assert(!cpu_is_running(cs));
    ck_assert_uint_eq(ev_count, 0);   /* synchronous stops: no callback */
    ck_assert_int_eq(cpu_reg_set(cs, 0, 11, 7), 0);
    ck_assert_uint_eq(reg(0, 11), 7);
}
END_TEST

START_TEST(test_step_and_breakpoint)
{
    ck_assert_int_eq(cpu_step(cs, 0), 0);
    wait_event(1);
    ck_assert_int_eq(ev_reason, CPU_STOP_STEP);
    ck_assert_uint_eq(ev_hart, 0);
    cpu_wait_stopped(cs);
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 4);
    ck_assert_uint_eq(reg(0, 11), 1);
    ck_assert_uint_eq(reg(1, 11), 0);   /* hart 1 did not move */
    /* hart 1 spins elsewhere: only hart 0 meets the breakpoint */
    put(0x400, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x400), 0);
    ck_assert_int_eq(cpu_breakpoint_insert(cs, RAM_BASE), 0);
    ck_assert_int_eq(cpu_breakpoint_insert(cs, RAM_BASE), -EEXIST);
    cpu_resume_all(cs);
    wait_event(2);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_BREAKPOINT);
    ck_assert_uint_eq(ev_addr, RAM_BASE);
    ck_assert_uint_eq(reg(ev_hart, CPU_REG_PC), RAM_BASE);
    /* resuming executes the breakpointed instruction, then hits again */
    uint64_t before = reg(0, CPU_REG_CSR(CSR_MINSTRET)) +
                      reg(1, CPU_REG_CSR(CSR_MINSTRET));
    cpu_resume_all(cs);
    wait_event(3);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_BREAKPOINT);
    ck_assert_uint_gt(reg(0, CPU_REG_CSR(CSR_MINSTRET)) +
                      reg(1, CPU_REG_CSR(CSR_MINSTRET)), before);
    ck_assert_uint_eq(reg(ev_hart, CPU_REG_PC), RAM_BASE);
    /* stepping from a breakpoint executes it */
    unsigned at_bp = ev_hart;
    ck_assert_int_eq(cpu_step(cs, at_bp), 0);
    wait_event(4);
    ck_assert_int_eq(ev_reason, CPU_STOP_STEP);
    ck_assert_uint_eq(ev_hart, at_bp);
    cpu_wait_stopped(cs);
    ck_assert_uint_eq(reg(at_bp, CPU_REG_PC), RAM_BASE + 4);
    ck_assert_int_eq(cpu_breakpoint_remove(cs, RAM_BASE), 0);
    ck_assert_int_eq(cpu_breakpoint_remove(cs, RAM_BASE), -ENOENT);
    ck_assert_int_eq(cpu_step(cs, 5), -EINVAL);
}
END_TEST

/* A hart parked on a breakpoint it did not report (the all-stop caught
 * it there) hits it when resumed; only the hart whose hit was reported
 * steps over its breakpoint. */
START_TEST(test_breakpoint_on_other_hart)
{
    /* 0x300: addi a1,a1,1; j 0x300 — the loop with the breakpoint;
     * 0x310: j . — where hart 0 waits at first */
    put(0x300, ADDI(11, 11, 1));
    put(0x304, enc_j(0, -4));
    put(0x310, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x310), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x300), 0);
    ck_assert_int_eq(cpu_breakpoint_insert(cs, RAM_BASE + 0x300), 0);
    cpu_resume_all(cs);
    wait_event(1);
    cpu_wait_stopped(cs);
    /* hart 1 was already on it: it hits before executing anything */
    ck_assert_int_eq(ev_reason, CPU_STOP_BREAKPOINT);
    ck_assert_uint_eq(ev_hart, 1);
    ck_assert_uint_eq(reg(1, 11), 0);
    /* hart 0 on the breakpoint too, unreported (as if the all-stop had
     * parked it there just before its check) */
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x300), 0);
    /* resume: hart 1 steps over its reported breakpoint, hart 0 must
     * not: whichever hart's hit is reported, hart 0 never ran addi */
    cpu_resume_all(cs);
    wait_event(2);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_BREAKPOINT);
    ck_assert_uint_eq(reg(0, 11), 0);
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x300);
    ck_assert_int_eq(cpu_breakpoint_remove(cs, RAM_BASE + 0x300), 0);
}
END_TEST

START_TEST(test_request_stop_other_thread)
{
    cpu_resume_all(cs);
    cpu_request_stop(CPU_STOP_REQUEST, 0);
    wait_event(1);
    ck_assert_int_eq(ev_reason, CPU_STOP_REQUEST);
    cpu_wait_stopped(cs);
    /* a request while stopped reports nothing */
    cpu_request_stop(CPU_STOP_REQUEST, 0);
    ck_assert_uint_eq(ev_count, 1);
}
END_TEST

START_TEST(test_request_stop_in_access)
{
    /* hart 0: li t0,MMIO; li a1,0x42; sw a1,8(t0) at 0x100; then j . */
    put(0x100, enc_u(0x37, 5, MMIO_BASE >> 12));
    put(0x104, ADDI(11, 0, 0x42));
    put(0x108, enc_s(2, 5, 11, 8));
    put(0x10c, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x100), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x10c), 0);
    cpu_resume_all(cs);
    wait_event(1);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_WATCHPOINT);
    ck_assert_uint_eq(ev_addr, MMIO_BASE + 8);
    ck_assert_uint_eq(ev_hart, 0);
    ck_assert_uint_eq(mmio_last, 0x42);
    ck_assert_uint_eq(mmio_writes, 1);
    /* the store reached the device, but the hart stops before it (the
     * instruction is cancelled: not retired, pc on it), as gdb expects
     * of RISC-V, which then steps over it with the watchpoint removed */
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x108);
    ck_assert_uint_eq(reg(0, CPU_REG_CSR(CSR_MINSTRET)), 2);
    mmio_watch = false;
    ck_assert_int_eq(cpu_step(cs, 0), 0);
    wait_event(2);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_STEP);
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x10c);
    ck_assert_uint_eq(mmio_writes, 2);
    ck_assert_uint_eq(reg(0, CPU_REG_CSR(CSR_MINSTRET)), 3);
}
END_TEST

START_TEST(test_watch_load_cancelled)
{
    /* hart 0: li t0,MMIO; li a2,5; lw a2,8(t0) at 0x108; then j . */
    put(0x100, enc_u(0x37, 5, MMIO_BASE >> 12));
    put(0x104, ADDI(12, 0, 5));
    put(0x108, enc_i(0x03, 2, 12, 5, 8));
    put(0x10c, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x100), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x10c), 0);
    cpu_resume_all(cs);
    wait_event(1);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_WATCHPOINT);
    ck_assert_uint_eq(ev_addr, MMIO_BASE + 8);
    /* stopped on the load, its destination untouched */
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x108);
    ck_assert_uint_eq(reg(0, 12), 5);
    ck_assert_uint_eq(mmio_reads, 1);
    /* a step with the watchpoint still there stops on it again */
    ck_assert_int_eq(cpu_step(cs, 0), 0);
    wait_event(2);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_WATCHPOINT);
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x108);
    ck_assert_uint_eq(reg(0, 12), 5);
    /* without it the load completes */
    mmio_watch = false;
    cpu_resume_all(cs);
    for (;;) {
        cpu_stop_all(cs);
        if (reg(0, CPU_REG_PC) == RAM_BASE + 0x10c) {
            break;
        }
        cpu_resume_all(cs);
    }
    ck_assert_uint_eq(reg(0, 12), 0x77);
    ck_assert_uint_eq(mmio_reads, 3);
}
END_TEST

START_TEST(test_request_in_access_completes)
{
    /* hart 0: li t0,MMIO; li a1,7; sw a1,16(t0) at 0x108: a plain stop
     * request from inside an access lets the instruction complete */
    put(0x100, enc_u(0x37, 5, MMIO_BASE >> 12));
    put(0x104, ADDI(11, 0, 7));
    put(0x108, enc_s(2, 5, 11, 16));
    put(0x10c, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x100), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x10c), 0);
    cpu_resume_all(cs);
    wait_event(1);
    cpu_wait_stopped(cs);
    ck_assert_int_eq(ev_reason, CPU_STOP_REQUEST);
    ck_assert_uint_eq(ev_hart, 0);
    ck_assert_uint_eq(mmio_last, 7);
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x10c);
    ck_assert_uint_eq(reg(0, CPU_REG_CSR(CSR_MINSTRET)), 3);
}
END_TEST

START_TEST(test_wfi)
{
    /* wfi at 0x200, then addi a2,a2,1; j . */
    put(0x200, WFI);
    put(0x204, ADDI(12, 12, 1));
    put(0x208, JAL_SELF);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_PC, RAM_BASE + 0x200), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 1, CPU_REG_PC, RAM_BASE + 0x208), 0);
    ck_assert_int_eq(cpu_reg_set(cs, 0, CPU_REG_CSR(CSR_MIE), MIP_MSIP), 0);
    cpu_resume_all(cs);
    /* a stop while in wfi returns */
    cpu_stop_all(cs);
    cpu_resume_all(cs);
    cpu_stop_all(cs);
    ck_assert_uint_eq(reg(0, 12), 0);
    cpu_resume_all(cs);
    irq_bits = MIP_MSIP;   /* MIE clear: wfi ends, no trap */
    cpu_kick(cs);
    for (;;) {
        cpu_stop_all(cs);
        if (reg(0, 12) == 1) {
            break;
        }
        cpu_resume_all(cs);
    }
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE + 0x208);
    ck_assert_uint_eq(reg(0, CPU_REG_CSR(CSR_MCAUSE)), 0);
}
END_TEST

START_TEST(test_reset)
{
    cpu_resume_all(cs);
    cpu_reset(cs);
    ck_assert(cpu_is_running(cs));
    cpu_stop_all(cs);
    cpu_reset(cs);
    ck_assert(!cpu_is_running(cs));
    ck_assert_uint_eq(reg(0, CPU_REG_PC), RAM_BASE);
    ck_assert_uint_eq(reg(0, 11), 0);
    ck_assert_uint_eq(reg(1, 10), 1);
}
END_TEST

/* A reset of a running set (the reset thread of memcored, here another
 * thread) racing with a stop and with a pause: the stop must leave the
 * set stopped, the pause must see it stopped and then let it run; neither
 * may wait for ever for harts that the reset resumed. */
static _Atomic bool resets_done;
static void *resetter(void *arg)
{
    (void)arg;
    while (!resets_done) {
        cpu_reset(cs);
        sched_yield();
    }
    return NULL;
}

START_TEST(test_stop_and_pause_during_reset)
{
    pthread_t r;
    uint64_t pc;

    resets_done = false;
    cpu_resume_all(cs);
    ck_assert_int_eq(pthread_create(&r, NULL, resetter, NULL), 0);
    for (unsigned k = 0; k < 3000; k++) {
        bool was = cpu_pause(cs);

        ck_assert(was);
        ck_assert_int_eq(cpu_reg_get(cs, 0, CPU_REG_PC, &pc), 0);
        cpu_unpause(cs, was);
        cpu_stop_all(cs);
        ck_assert_int_eq(cpu_reg_get(cs, 1, CPU_REG_PC, &pc), 0);
        ck_assert(pc == RAM_BASE || pc == RAM_BASE + 4);
        cpu_resume_all(cs);
    }
    resets_done = true;
    pthread_join(r, NULL);
    ck_assert(cpu_is_running(cs));
}
END_TEST

/* Stress: another thread stops, steps and resumes while harts run; a
 * third requests stops.  Every stop must leave consistent registers
 * (pc on one of the loop's two instructions). */
static _Atomic bool stress_done;
static void *requester(void *arg)
{
    (void)arg;
    while (!stress_done) {
        cpu_request_stop(CPU_STOP_REQUEST, 0);
        sched_yield();
    }
    return NULL;
}

static void *controller(void *arg)
{
    (void)arg;
    for (unsigned k = 0; k < 1500; k++) {
        uint64_t pc;

        cpu_stop_all(cs);
        for (unsigned h = 0; h < 2; h++) {
            ck_assert_int_eq(cpu_reg_get(cs, h, CPU_REG_PC, &pc), 0);
            ck_assert(pc == RAM_BASE || pc == RAM_BASE + 4);
        }
        if (k % 3 == 0) {
            ck_assert_int_eq(cpu_step(cs, k % 2), 0);
            cpu_wait_stopped(cs);
        }
        if (k % 50 == 0) {
            cpu_breakpoint_insert(cs, RAM_BASE + 4);
        } else if (k % 50 == 25) {
            cpu_breakpoint_remove(cs, RAM_BASE + 4);
        }
        cpu_resume_all(cs);
    }
    return NULL;
}

START_TEST(test_stress)
{
    pthread_t c, r;

    stress_done = false;
    pthread_create(&r, NULL, requester, NULL);
    pthread_create(&c, NULL, controller, NULL);
    pthread_join(c, NULL);
    stress_done = true;
    pthread_join(r, NULL);
    cpu_stop_all(cs);
    ck_assert_uint_gt(reg(0, 11) + reg(1, 11), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rv64_cpu");
    TCase *tc = tcase_create("cpu");

    tcase_add_checked_fixture(tc, cpu_setup, cpu_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_start_stopped);
    tcase_add_test(tc, test_run_stop);
    tcase_add_test(tc, test_step_and_breakpoint);
    tcase_add_test(tc, test_breakpoint_on_other_hart);
    tcase_add_test(tc, test_request_stop_other_thread);
    tcase_add_test(tc, test_request_stop_in_access);
    tcase_add_test(tc, test_watch_load_cancelled);
    tcase_add_test(tc, test_request_in_access_completes);
    tcase_add_test(tc, test_wfi);
    tcase_add_test(tc, test_reset);
    tcase_add_test(tc, test_stop_and_pause_during_reset);
    tcase_add_test(tc, test_stress);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ck_run_suite(suite());
}
