/*
 * tests/guests/hello.c — a bare-metal RV64IM guest for the integration
 * tests: prints to the ns16550a, checks M-extension results, takes an
 * ecall and a timer interrupt through its trap handler, calls tick() (a
 * place for gdb breakpoints, bumping the global `counter` for
 * watchpoints), and returns to start.S, which powers off.
 */
#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000)
#define UART_LSR 5
#define LSR_THRE 0x20
#define CLINT_MTIMECMP ((volatile uint64_t *)0x2004000)
#define CLINT_MTIME ((volatile uint64_t *)0x200bff8)

volatile int counter;
volatile int ecalls, timer_irqs;

static void putc_(char c)
{
    while (!(UART[UART_LSR] & LSR_THRE)) {
    }
    UART[0] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

static void putd(long v)
{
    char buf[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

    if (v < 0) {
        putc_('-');
    }
    do {
        buf[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n) {
        putc_(buf[--n]);
    }
}

void __attribute__((interrupt("machine"), aligned(4))) trap_entry(void)
{
    unsigned long cause, epc;

    __asm__ volatile("csrr %0, mcause" : "=r"(cause));
    if ((long)cause < 0) {
        /* machine timer: disarm */
        *CLINT_MTIMECMP = ~0ull;
        timer_irqs++;
        return;
    }
    if (cause == 11) {
        ecalls++;
    }
    __asm__ volatile("csrr %0, mepc" : "=r"(epc));
    __asm__ volatile("csrw mepc, %0" : : "r"(epc + 4));
}

void __attribute__((noinline)) tick(void)
{
    counter = counter + 1;
}

int main(void)
{
    volatile long a = -7, b = 2, z = 0;

    puts_("Hello from the memcore RV64 guest\n");
    puts_("mul ");
    putd(a * 6);
    puts_(" div ");
    putd(a / b);
    puts_(" rem ");
    putd(a % b);
    puts_(" div0 ");
    putd(a / z);
    puts_("\n");

    __asm__ volatile("ecall");
    puts_("ecalls ");
    putd(ecalls);
    puts_("\n");

    /* a timer interrupt 100 us from now, waited for with wfi */
    *CLINT_MTIMECMP = *CLINT_MTIME + 1000;
    __asm__ volatile("csrs mie, %0" : : "r"(1ul << 7));
    __asm__ volatile("csrs mstatus, %0" : : "r"(1ul << 3));
    while (!timer_irqs) {
        __asm__ volatile("wfi");
    }
    puts_("timer ");
    putd(timer_irqs);
    puts_("\n");

    for (int i = 0; i < 3; i++) {
        tick();
    }
    puts_("counter ");
    putd(counter);
    puts_("\nbye\n");
    return 0;
}
