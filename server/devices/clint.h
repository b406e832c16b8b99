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

#endif /* SERVER_DEVICES_CLINT_H */
