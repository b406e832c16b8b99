/*
 * server/devices/ns16550a.c — "ns16550a": the PC UART, as seen by a guest
 * that polls it (no interrupts are raised).
 *
 * Registers, one byte apart from offset 0 (the region may be larger; the
 * rest reads 0 and ignores writes):
 *
 *   0  RBR (read) / THR (write) / DLL when LCR.DLAB is set
 *   1  IER / DLM when LCR.DLAB is set
 *   2  IIR (read) / FCR (write)
 *   3  LCR     4  MCR     5  LSR     6  MSR     7  SCR
 *
 * A byte written to THR goes straight to the host's console log
 * (DeviceHost.uart_tx, shown by `info uart`), so the transmitter is always
 * empty: LSR reads THRE|TEMT, plus DR while received bytes wait.  Bytes
 * queued by ns16550a_receive() are read from RBR in order.
 *
 * State is shared between the guest (MMIO callbacks, under memcore's
 * global lock) and memcored threads queueing input, so it has a mutex of
 * its own rather than relying on who holds the global lock.
 */
#include <pthread.h>

#include "ns16550a.h"

#define RX_FIFO_SIZE 256

#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NO_INT 0x01
#define IIR_FIFO_ON 0xc0
#define FCR_FIFO_ENABLE 0x01
#define FCR_RX_RESET 0x02

typedef struct Uart {
    Device dev;
    pthread_mutex_t lock;
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    uint8_t rx[RX_FIFO_SIZE];
    unsigned rx_head, rx_count;
} Uart;

static uint64_t uart_read(void *opaque, hwaddr addr, unsigned size)
{
    Uart *u = opaque;
    uint64_t v = 0;

    (void)size;
    pthread_mutex_lock(&u->lock);
    switch (addr) {
    case 0:
        if (u->lcr & LCR_DLAB) {
            v = u->dll;
        } else if (u->rx_count) {
            v = u->rx[u->rx_head];
            /* a debugger looking at RBR must not eat the guest's input */
            if (!device_access_is_debug(MEMTXATTRS_UNSPECIFIED)) {
                u->rx_head = (u->rx_head + 1) % RX_FIFO_SIZE;
                u->rx_count--;
            }
        }
        break;
    case 1:
        v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
        break;
    case 2:
        v = IIR_NO_INT | ((u->fcr & FCR_FIFO_ENABLE) ? IIR_FIFO_ON : 0);
        break;
    case 3:
        v = u->lcr;
        break;
    case 4:
        v = u->mcr;
        break;
    case 5:
        v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
        break;
    case 6:
        v = 0;
        break;
    case 7:
        v = u->scr;
        break;
    default:
        break;
    }
    pthread_mutex_unlock(&u->lock);
    return v;
}

static void uart_write(void *opaque, hwaddr addr, uint64_t data,
                       unsigned size)
{
    Uart *u = opaque;
    uint8_t b = (uint8_t)data;
    bool transmit = false;

    (void)size;
    pthread_mutex_lock(&u->lock);
    switch (addr) {
    case 0:
        if (u->lcr & LCR_DLAB) {
            u->dll = b;
        } else {
            transmit = true;
        }
        break;
    case 1:
        if (u->lcr & LCR_DLAB) {
            u->dlm = b;
        } else {
            u->ier = b & 0x0f;
        }
        break;
    case 2:
        u->fcr = b & 0xc9;
        if (b & FCR_RX_RESET) {
            u->rx_head = u->rx_count = 0;
        }
        break;
    case 3:
        u->lcr = b;
        break;
    case 4:
        u->mcr = b & 0x1f;
        break;
    case 7:
        u->scr = b;
        break;
    default:
        break; /* LSR, MSR and the rest of the region are read-only */
    }
    pthread_mutex_unlock(&u->lock);

    /* Outside our lock: the host's log has its own. */
    if (transmit && u->dev.host && u->dev.host->uart_tx) {
        u->dev.host->uart_tx(u->dev.host->opaque, u->dev.name, &b, 1);
    }
}

size_t ns16550a_receive(Device *dev, const uint8_t *buf, size_t len)
{
    Uart *u = (Uart *)dev;
    size_t n = 0;

    pthread_mutex_lock(&u->lock);
    while (n < len && u->rx_count < RX_FIFO_SIZE) {
        u->rx[(u->rx_head + u->rx_count) % RX_FIFO_SIZE] = buf[n++];
        u->rx_count++;
    }
    pthread_mutex_unlock(&u->lock);
    return n;
}

static const MemoryRegionOps uart_ops = {
    .read = uart_read,
    .write = uart_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    /* guests may use any width; the core cuts it into byte registers */
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void uart_destroy(Device *dev)
{
    Uart *u = (Uart *)dev;

    pthread_mutex_destroy(&u->lock);
    device_free(dev);
}

static Device *uart_create(const DeviceModel *model, const json_t *params,
                           JPath *path, Diag *d, uint64_t size)
{
    Uart *u;

    (void)params;
    if (size < 8) {
        diag_error(d, jpath_str(path), "ns16550a needs a region of at "
                   "least 8 bytes for its registers");
        return NULL;
    }
    u = (Uart *)device_new(model, sizeof(*u), &uart_ops, size);
    if (!u) {
        return NULL;
    }
    if (pthread_mutex_init(&u->lock, NULL) != 0) {
        device_free(&u->dev);
        return NULL;
    }
    return &u->dev;
}

const DeviceModel device_ns16550a = {
    .name = "ns16550a",
    .summary = "UART: transmitted bytes go to the console log (info uart)",
    .params = (const char *const[]){ NULL },
    .create = uart_create,
    .destroy = uart_destroy,
};
