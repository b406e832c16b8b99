/*
 * server/devices/unassigned.c — "unassigned": a hole that says so.
 *
 * Every access fails with MEMTX_DECODE_ERROR and reads give 0, exactly as
 * if nothing were mapped there.  It is the smallest possible device: the
 * *_with_attrs callbacks exist only to return a MemTxResult, which the
 * plain read/write callbacks cannot.  Use it to claim an address range
 * (or as the write side of a "romd" region) without giving it content.
 */
#include "device.h"

static MemTxResult unassigned_read(void *opaque, hwaddr addr, uint64_t *data,
                                   unsigned size, MemTxAttrs attrs)
{
    (void)opaque; (void)addr; (void)size; (void)attrs;
    *data = 0;
    return MEMTX_DECODE_ERROR;
}

static MemTxResult unassigned_write(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs)
{
    (void)opaque; (void)addr; (void)data; (void)size; (void)attrs;
    return MEMTX_DECODE_ERROR;
}

static const MemoryRegionOps unassigned_ops = {
    .read_with_attrs = unassigned_read,
    .write_with_attrs = unassigned_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    /* one call per access, whatever its size: there is nothing to split */
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static Device *unassigned_create(const DeviceModel *model, const json_t *dev,
                                 JPath *path, Diag *d, uint64_t size)
{
    (void)dev; (void)path; (void)d;
    return device_new(model, sizeof(Device), &unassigned_ops, size);
}

const DeviceModel device_unassigned = {
    .name = "unassigned",
    .summary = "every access fails with MEMTX_DECODE_ERROR (reads give 0)",
    .params = (const char *const[]){ NULL },
    .create = unassigned_create,
    .destroy = device_free,
};
