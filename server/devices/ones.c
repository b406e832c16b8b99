/*
 * server/devices/ones.c — "ones": reads all ones, writes are ignored.
 *
 * This is how an empty ISA I/O port answers on a PC (the floating bus
 * reads 0xff), and what the `pc` board's I/O address space root uses so
 * that unmapped ports behave as QEMU's unassigned_io_ops do.
 */
#include "device.h"

static uint64_t ones_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque; (void)addr;
    /* all ones in the access width: the core hands the value on as is */
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static void ones_write(void *opaque, hwaddr addr, uint64_t data,
                       unsigned size)
{
    (void)opaque; (void)addr; (void)data; (void)size;
}

static const MemoryRegionOps ones_ops = {
    .read = ones_read,
    .write = ones_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static Device *ones_create(const DeviceModel *model, const json_t *dev,
                           JPath *path, Diag *d, uint64_t size)
{
    (void)dev; (void)path; (void)d;
    return device_new(model, sizeof(Device), &ones_ops, size);
}

const DeviceModel device_ones = {
    .name = "ones",
    .summary = "reads all ones, writes are ignored",
    .params = (const char *const[]){ NULL },
    .create = ones_create,
    .destroy = device_free,
};
