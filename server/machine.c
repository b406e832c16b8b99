/*
 * server/machine.c — a built board seen as a machine.
 *
 * Two small interfaces meet here.  Devices get a DeviceHost: UART bytes
 * go to the UART log, power-off becomes a shutdown request, a reset is
 * counted (the vCPU that will act on it arrives with a later issue).
 * Front-ends get a MonitorMachine: the board's address spaces and
 * regions by name, the UART logs and `quit`.
 */
#include "machine.h"
#include <malloc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shutdown.h"

/* ---- DeviceHost ----------------------------------------------------------- */

static void host_uart_tx(void *opaque, const char *uart, const uint8_t *buf,
                         size_t len)
{
    Machine *m = opaque;

    uart_log_append(&m->uart_log, uart, buf, len);
}

static void host_power_off(void *opaque, int status)
{
    (void)opaque;
    shutdown_request(status);
}

static void host_reset(void *opaque)
{
    Machine *m = opaque;

    atomic_fetch_add(&m->resets, 1);
}

/* ---- MonitorMachine ------------------------------------------------------- */

static AddressSpace *mon_default_as(void *opaque)
{
    Machine *m = opaque;
    BoardAS *as = board_default_as(m->board);

    return as ? &as->as : NULL;
}

static AddressSpace *mon_find_as(void *opaque, const char *name)
{
    Machine *m = opaque;
    BoardAS *as = board_find_as(m->board, name);

    return as ? &as->as : NULL;
}

static int mon_find_region(void *opaque, const char *name, MemoryRegion **mr)
{
    Machine *m = opaque;
    BoardRegion *r = NULL;
    int n = board_find_region(m->board, name, &r);

    if (n == 1 && mr) {
        *mr = &r->mr;
    }
    return n;
}

static void mon_foreach_region(void *opaque, MonitorRegionFn fn, void *arg)
{
    Machine *m = opaque;

    for (size_t i = 0; i < m->board->nregions; i++) {
        BoardRegion *r = m->board->regions[i];

        fn(arg, r->id, &r->mr);
    }
}

static void mon_uart_log(void *opaque, MonitorUartFn fn, void *arg)
{
    Machine *m = opaque;

    uart_log_foreach(&m->uart_log, fn, arg);
}

static void mon_quit(void *opaque)
{
    (void)opaque;
    shutdown_request(0);
}

/* ---- life cycle ----------------------------------------------------------- */

Machine *machine_create(Board *board, bool read_only, Diag *d)
{
    Machine *m = calloc(1, sizeof(*m));

    if (!m || uart_log_init(&m->uart_log) != 0) {
        free(m);
        board_destroy(board);
        d->oom = true;
        return NULL;
    }
    m->board = board;
    m->host = (DeviceHost) {
        .opaque = m,
        .uart_tx = host_uart_tx,
        .power_off = host_power_off,
        .reset = host_reset,
    };
    m->mon = (MonitorMachine) {
        .opaque = m,
        .read_only = read_only,
        .default_as = mon_default_as,
        .find_as = mon_find_as,
        .find_region = mon_find_region,
        .foreach_region = mon_foreach_region,
        .uart_log = mon_uart_log,
        .quit = mon_quit,
    };

    /* Every UART is listed by `info uart`, even before it says anything. */
    for (size_t i = 0; i < board->nregions; i++) {
        BoardRegion *r = board->regions[i];

        if (r->dev && strcmp(r->dev->model->name, "ns16550a") == 0 &&
            uart_log_add(&m->uart_log, r->name) != 0) {
            d->oom = true;
        }
    }
    if (d->oom || !board_build(board, &m->host, d)) {
        m->board = NULL;
        board_destroy(board);
        machine_destroy(m);
        return NULL;
    }
    /* Building a big board in one transaction leaves megabytes of render
     * scratch in the heap; give it back once, as QEMU's RCU thread does.
     * A process-wide choice, so it is memcored's and not libmemcore's. */
    malloc_trim(0);
    return m;
}

void machine_destroy(Machine *m)
{
    if (!m) {
        return;
    }
    board_destroy(m->board);
    uart_log_destroy(&m->uart_log);
    free(m);
}
