/*
 * server/devices/ns16550a.h — what memcored may do to a UART beyond the
 * guest's register accesses: queue received bytes.
 */
#ifndef SERVER_DEVICES_NS16550A_H
#define SERVER_DEVICES_NS16550A_H

#include "device.h"

/* ns16550a_receive: queue @len bytes for the guest to read from RBR;
 * returns how many fitted in the receive FIFO. */
size_t ns16550a_receive(Device *dev, const uint8_t *buf, size_t len);

#endif /* SERVER_DEVICES_NS16550A_H */
