/*
 * server/machine.h — the running machine: a built board plus what
 * memcored keeps around it (UART logs, reset requests) and the
 * MonitorMachine view of it that every front-end gets.
 */
#ifndef SERVER_MACHINE_H
#define SERVER_MACHINE_H

#include <stdatomic.h>
#include <stdbool.h>

#include <monitor/machine.h>

#include "board.h"
#include "diag.h"
#include "uart_log.h"

typedef struct Machine {
    Board *board;
    DeviceHost host;         /* what the devices call back */
    MonitorMachine mon;      /* what the front-ends see */
    UartLog uart_log;
    atomic_uint resets;      /* reset requests so far (sifive-test) */
} Machine;

/*
 * machine_create: build @board (ownership passes to the machine, also on
 * failure).  Returns NULL with problems in @d when memcore refused the
 * board or memory ran out.
 */
Machine *machine_create(Board *board, bool read_only, Diag *d);

/* machine_destroy: tear the machine down; no thread may use it any more. */
void machine_destroy(Machine *m);

#endif /* SERVER_MACHINE_H */
