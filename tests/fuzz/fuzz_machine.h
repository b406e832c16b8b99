/*
 * tests/fuzz/fuzz_machine.h — the machine fuzz_monitor and fuzz_web run
 * against: one small board, so that a region name or an address in one
 * target's corpus means the same in the other.
 *
 * The board (ROM with a known image, RAM: "ram" resizable 1M of up to 4M
 * so that `region resize` succeeds, and "small" filled with 0xa5; MMIO
 * scratch devices in both byte orders, a UART, a counter, an alias and a
 * disabled alias; address spaces "memory" and "I/O", no IOMMU, no vCPU)
 * is built through the board loader, between two canary RAM regions
 * mapped in no address space: a store, move or resize that wrote outside
 * the memory it was asked to would show there.
 *
 * Linked into every clang-built target (FUZZ_HELPER_SRCS), so every name
 * here starts with fzm_.
 */
#ifndef FUZZ_MACHINE_H
#define FUZZ_MACHINE_H

#include <stddef.h>

#include <memcore/memory.h>
#include <monitor/machine.h>

#include "../../server/board.h"
#include "view_check.h"

#define FZM_CANARY_SIZE (64u << 10)
#define FZM_UART_LOG_MAX 4096

typedef struct FzmMachine {
    Board *board;
    DeviceHost host;
    /* The monitor's view of it: the board's address spaces, regions and
     * UART log; writable, files not confined, no vCPU, quit does
     * nothing.  A target adds or changes hooks after fzm_build(). */
    MonitorMachine mm;
    MemoryRegion canary[2];
    BoardRegion *rom, *ram, *small;
    char uart[FZM_UART_LOG_MAX];  /* what the guest sent to uart0 */
    size_t uart_len;
    ViewPrint views[2];           /* "memory" and "I/O" as built */
} FzmMachine;

/* fzm_build: build @m (once per process); @who names the target in
 * messages.  Aborts when the board does not load. */
void fzm_build(FzmMachine *m, const char *who);

/* The address space called @name, or NULL. */
AddressSpace *fzm_as(FzmMachine *m, const char *name);

/* fzm_canary_check: abort, naming @who, unless both canaries still hold
 * their pattern and size. */
void fzm_canary_check(FzmMachine *m, const char *who);

/* fzm_restore_topology: every region enabled, placed and sized as the
 * board says, dirty logging off, every view rendered afresh (a root's
 * address changes without a commit, as in QEMU). */
void fzm_restore_topology(FzmMachine *m, const char *who);

/* fzm_reset_devices: the scratch devices' registers zeroed and the UART
 * log emptied. */
void fzm_reset_devices(FzmMachine *m);

/* fzm_check_views: abort, naming @who and showing the difference, unless
 * both address spaces' flat views are again the ones first built. */
void fzm_check_views(FzmMachine *m, const char *who);

#endif /* FUZZ_MACHINE_H */
