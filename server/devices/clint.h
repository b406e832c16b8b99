/*
 * server/devices/clint.h — what the reference vCPU asks the CLINT: is a
 * timer or software interrupt pending for a hart, and what is mtime.
 */
#ifndef SERVER_DEVICES_CLINT_H
#define SERVER_DEVICES_CLINT_H

#include "device.h"

/* clint_mtime: the current mtime (10 MHz ticks). */
uint64_t clint_mtime(Device *dev);
/* clint_timer_pending: mtime >= mtimecmp[@hart] (MTIP). */
bool clint_timer_pending(Device *dev, unsigned hart);
/* clint_software_pending: msip[@hart] bit 0 (MSIP). */
bool clint_software_pending(Device *dev, unsigned hart);

/* clint_next_event_ns: the CLOCK_MONOTONIC time (ns) at which
 * mtime reaches mtimecmp[@hart], 0 if it already has, UINT64_MAX if
 * mtimecmp is out of reach (reset value). */
uint64_t clint_next_event_ns(Device *dev, unsigned hart);
/* clint_set_notify: call @fn(@opaque) after every write that may raise an
 * interrupt (msip, mtimecmp, mtime), so that a hart in wfi re-checks.
 * Set once, before the guest runs. */
void clint_set_notify(Device *dev, void (*fn)(void *opaque), void *opaque);

#endif /* SERVER_DEVICES_CLINT_H */
