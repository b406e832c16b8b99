/*
 * server/devices/counter.c — "counter": every read returns the next value.
 *
 * The first read returns 0, the next 1, and so on, whatever the offset;
 * a write sets the value the next read returns.  Reads therefore have a
 * side effect, which makes this the model to test that inspecting memory
 * does not disturb a device: debug reads (gdb, REST; see
 * device_access_is_debug() in device.h) return the value the next guest
 * read will get, without advancing it.  The monitor's reads are ordinary
 * reads, as in QEMU, so `ldl_le` on a counter counts.
 *
 * The value is truncated to the access size.  The callbacks use the
 * *_with_attrs forms only to see the attributes; they always succeed.
 */
#include <stdatomic.h>

#include "device.h"

typedef struct Counter {
    Device dev;
    _Atomic uint64_t next;  /* value the next non-debug read returns */
} Counter;

static uint64_t truncate_to(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

static MemTxResult counter_read(void *opaque, hwaddr addr, uint64_t *data,
                                unsigned size, MemTxAttrs attrs)
{
    Counter *c = opaque;
    uint64_t v;

    (void)addr;
    if (device_access_is_debug(attrs)) {
        v = atomic_load(&c->next);
    } else {
        v = atomic_fetch_add(&c->next, 1);
    }
    *data = truncate_to(v, size);
    return MEMTX_OK;
}

static MemTxResult counter_write(void *opaque, hwaddr addr, uint64_t data,
                                 unsigned size, MemTxAttrs attrs)
{
    Counter *c = opaque;

    (void)addr; (void)size; (void)attrs;
    atomic_store(&c->next, data);
    return MEMTX_OK;
}

static const MemoryRegionOps counter_ops = {
    .read_with_attrs = counter_read,
    .write_with_attrs = counter_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    /* one call per access, so one guest read advances the count once */
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static Device *counter_create(const DeviceModel *model, const json_t *dev,
                              JPath *path, Diag *d, uint64_t size)
{
    (void)dev; (void)path; (void)d;
    return device_new(model, sizeof(Counter), &counter_ops, size);
}

const DeviceModel device_counter = {
    .name = "counter",
    .summary = "each read returns the next value; debug reads do not "
               "advance it",
    .params = (const char *const[]){ NULL },
    .create = counter_create,
    .destroy = device_free,
};
