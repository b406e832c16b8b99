/*
 * tests/unit/test_monitor_fixture.h — a small machine for the monitor
 * tests: the regions of QEMU's riscv64 `virt` board that the captures in
 * tests/data/qemu-riscv64-virt/ touch, built with the memcore
 * API, plus a test implementation of monitor/machine.h and helpers to run
 * a line and capture what it prints.
 */
#ifndef TEST_MONITOR_FIXTURE_H
#define TEST_MONITOR_FIXTURE_H

#include <check.h>
#include <stdbool.h>

#include <memcore/memory.h>
#include <monitor/monitor.h>

#define TM_RAM_BASE 0x80000000ULL
#define TM_RAM_SIZE (128ULL << 20)
#define TM_ROM_BASE 0x1000ULL

typedef struct TestMachine {
    MonitorMachine mm;
    MemoryRegion system, mrom, test, serial, ram, flash0, flash1;
    MemoryRegion platform_bus, io, bus_master_container, bus_master;
    MemoryRegion scratch; /* 0x100 bytes of MMIO registers at 0x3000000 */
    uint8_t scratch_regs[0x100];
    AddressSpace as_cpu, as_memory, as_io, as_gpex;
    int quit_calls;
    const char *uart_text; /* NULL: no UART */
    size_t uart_len;
    bool with_regs;        /* cpu_register answers $pc and $sp */
    Monitor *mon;
} TestMachine;

extern TestMachine tm;

/* Build the machine and a session (a Check checked fixture: it runs in
 * the forked test process). */
void tm_setup(void);
void tm_teardown(void);

/* Run @line on tm.mon; the output (malloc'ed, NUL-terminated) is
 * returned, the result bits go to *@ret when not NULL. */
char *tm_run(const char *line, int *ret);
char *tm_run_on(Monitor *mon, const char *line, int *ret);

/* Run @line and check its output is exactly @expected and its result
 * bits @ret. */
#define tm_expect(line, expected, ret_bits)                                  \
    do {                                                                     \
        int r_ = -1;                                                         \
        char *o_ = tm_run((line), &r_);                                      \
        ck_assert_str_eq(o_, (expected));                                    \
        ck_assert_int_eq(r_, (ret_bits));                                    \
        free(o_);                                                            \
    } while (0)

/* The text of a QEMU capture file in tests/data/qemu-riscv64-virt/
 * (malloc'ed), found through $top_srcdir or else TEST_DATA_DIR; fails the
 * test, naming the path, when it is missing. */
char *qemu_capture(const char *name);

/* The 32 bytes QEMU's boot ROM holds at 0x1000 (xp-8xw-1000.txt), written
 * into our ROM so the unaligned capture can be compared. */
void tm_load_rom_from_capture(void);

/* A temporary directory for files (removed by tm_teardown). */
const char *tm_tmpdir(void);

#endif
