/*
 * server/devices/zero.c — "zero": reads 0, writes are ignored.
 *
 * The classic stand-in for a device that is present but idle.  Unlike
 * "unassigned", accesses succeed, so a guest probing the range sees a
 * quiet device rather than a bus error.
 */
#include "device.h"

static uint64_t zero_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque; (void)addr; (void)size;
    return 0;
}

static void zero_write(void *opaque, hwaddr addr, uint64_t data,
                       unsigned size)
{
    (void)opaque; (void)addr; (void)data; (void)size;
}

static const MemoryRegionOps zero_ops = {
    .read = zero_read,
    .write = zero_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static Device *zero_create(const DeviceModel *model, const json_t *dev,
                           JPath *path, Diag *d, uint64_t size)
{
    (void)dev; (void)path; (void)d;
    return device_new(model, sizeof(Device), &zero_ops, size);
}

const DeviceModel device_zero = {
    .name = "zero",
    .summary = "reads 0, writes are ignored",
    .params = (const char *const[]){ NULL },
    .create = zero_create,
    .destroy = device_free,
};
