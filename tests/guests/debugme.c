/*
 * tests/guests/debugme.c — a C program to debug with gdb-multiarch
 * (tests/integration/test_gdb_guest.sh), built -O0 -g with start_smp.S
 * so that every local, argument and line is where gdb expects it.
 *
 * Hart 0 runs main(): once hart 1 (if the board has one) says it waits in
 * wfi, wakes it; then computes
 * through nested calls (breakpoints, bt, finish, next, step), writes,
 * reads and reads-then-writes globals (watch, rwatch, awatch), then
 * polls `mailbox` until the debugger stores MAILBOX_GO there, and powers
 * off.  `doorbell` is for the monitor's stores while the guest runs: the
 * guest never touches it (a store racing with the guest's own accesses
 * would be a data race for ThreadSanitizer).  Hart 1 loops in
 * hart1_main() calling hart1_work() for ever.
 *
 * The program text is part of the test: the test matches the source
 * lines gdb prints, so keep them in step.
 */
#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000)
#define UART_LSR 5
#define LSR_THRE 0x20
#define CLINT_MSIP ((volatile uint32_t *)0x2000000)
#define MAILBOX_GO 0x600d

struct point {
    int x, y;
};

volatile int counter;                 /* watch: written by bump() */
volatile int limit = 3;               /* rwatch: read by read_limit() */
volatile long total;                  /* awatch: read, then written */
volatile int mailbox;                 /* written by the debugger */
volatile int doorbell __attribute__((aligned(16))); /* by the monitor */
volatile unsigned long polls;         /* hart 0's polls of mailbox */
volatile unsigned long hart1_ticks;   /* hart 1's progress */
/* set by start_smp.S on hart 1 before it waits in wfi; in .data, since
 * hart 0 clears .bss while hart 1 may already have set it */
volatile int hart1_up __attribute__((section(".data")));
struct point origin = { 1, 2 };
const char greeting[] = "debugme";

/* start_smp.S points mtvec here; nothing here is meant to trap */
void __attribute__((interrupt("machine"), aligned(4))) trap_entry(void)
{
    for (;;) {
    }
}

static void puts_(const char *s)
{
    while (*s) {
        while (!(UART[UART_LSR] & LSR_THRE)) {
        }
        UART[0] = (uint8_t)*s++;
    }
}

int square(int v)
{
    int r = v * v;
    return r;
}

int add_scaled(int a, int b, int scale)
{
    int sq = square(b);
    int sum = a + sq;
    return sum * scale;
}

long accumulate(int n)
{
    long acc = 0;
    int i;

    for (i = 0; i < n; i++) {
        acc += add_scaled(i, n, 2);
    }
    return acc;
}

void bump(void)
{
    counter = counter + 1;
}

int read_limit(void)
{
    return limit;
}

void add_total(long v)
{
    total = total + v;
}

int mailbox_poll(void)
{
    polls = polls + 1;
    return mailbox;
}

void wait_mailbox(void)
{
    while (mailbox_poll() != MAILBOX_GO) {
    }
}

void hart1_work(unsigned long id)
{
    hart1_ticks = hart1_ticks + id;
}

void hart1_main(unsigned long hartid)
{
    for (;;) {
        hart1_work(hartid);
    }
}

/* called by start_smp.S on every hart but 0 once main() woke it */
void secondary_main(unsigned long hartid)
{
    unsigned long id;

    __asm__ volatile("csrr %0, mhartid" : "=r"(id));
    if (id == hartid) {
        hart1_main(id);
    }
    for (;;) {
    }
}

void wake_hart1(void)
{
    CLINT_MSIP[1] = 1;  /* ignored on a one-hart CLINT */
}

int main(void)
{
    long result;
    int i, lim;

    /* let hart 1 reach its wfi first (bounded: a one-hart board has none) */
    for (i = 0; i < 100000 && !hart1_up; i++) {
    }
    wake_hart1();
    puts_(greeting);
    puts_("\n");
    result = accumulate(3);
    for (i = 0; i < 3; i++) {
        bump();
    }
    lim = read_limit();
    add_total(result + lim);
    wait_mailbox();
    puts_("bye\n");
    return 0;
}
