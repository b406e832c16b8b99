/*
 * tests/fuzz/web_machine.h — the machine fuzz_web's requests run against,
 * and the shadow of its memory that tells what a request may change.
 *
 * Built once per process from a small board (ROM, two RAM blocks, MMIO
 * scratch devices in both byte orders, a UART, a counter, aliases, two
 * address spaces), with two MonitorMachines on it: one that may write and
 * one under --read-only, both confining host files as the HTTP front's
 * copy does (no --dump-dir, so memsave/pmemsave are refused).
 *
 * The shadow holds what every RAM byte (ROM and two canary blocks mapped
 * nowhere included) should hold.  A request the oracle knows wrote
 * memory updates it (wm_shadow_write); wm_shadow_check compares it with
 * the machine byte for byte.
 */
#ifndef FUZZ_WEB_MACHINE_H
#define FUZZ_WEB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memcore/memory.h>
#include <monitor/machine.h>

/* wm_init: build the machine (once; aborts when it cannot). */
void wm_init(void);

/* The MonitorMachine for a WebApi: writable, or under --read-only. */
const MonitorMachine *wm_monitor(bool read_only);

/* The address space called @name, or NULL. */
AddressSpace *wm_as(const char *name);

/*
 * wm_shadow_write: the shadow after @len bytes of @data were written at
 * @addr in @as: each byte the current flat view maps to writable RAM
 * gets its value (ROM, devices and holes keep theirs), in order.
 */
void wm_shadow_write(AddressSpace *as, uint64_t addr, const uint8_t *data,
                     uint64_t len);

/* wm_shadow_check: abort, naming @what and the first byte that differs,
 * unless every RAM byte equals the shadow. */
void wm_shadow_check(const char *what);

/*
 * wm_shadow_check_prefix: like wm_shadow_check, but a byte may also hold
 * the value a write of @data at @addr in @as would give it: a write
 * whose extent is not known (the client went away) changed at most
 * those bytes, to those values.  Then the shadow takes what is there.
 */
void wm_shadow_check_prefix(const char *what, AddressSpace *as,
                            uint64_t addr, const uint8_t *data,
                            uint64_t len);

/* wm_shadow_sync: after a monitor command (which may change anything
 * but the ROM and the canaries), the shadow takes what is there. */
void wm_shadow_sync(void);

/*
 * wm_check_read: @data, read from @addr in @as, equals what the machine
 * holds at each byte the flat view maps to RAM or ROM (device registers
 * are not compared: reading them may change them).  Aborts otherwise.
 */
void wm_check_read(AddressSpace *as, uint64_t addr, const uint8_t *data,
                   uint64_t len, const char *what);

/* wm_views_save / wm_views_same: the flat views of both address spaces,
 * to check that a read-only request changed no view. */
typedef struct WmViews WmViews;
WmViews *wm_views_save(void);
bool wm_views_same(const WmViews *v);
void wm_views_free(WmViews *v);

/*
 * wm_restore: put the machine back as built (topology, sizes, RAM and
 * device contents, dirty logging off), so every input starts from the
 * same machine; @changed_by_monitor: a monitor command ran, which may
 * have changed more than memory.  Checks that the flat views are again
 * the ones first built.
 */
void wm_restore(bool changed_by_monitor);

#endif
