/*
 * server/devices/sifive_test.c — "sifive-test": how a RISC-V guest ends
 * the run.
 *
 * A 32-bit write to offset 0 whose low 16 bits are
 *   0x5555  powers the machine off: memcored shuts down cleanly, exit 0;
 *   0x3333  asks for a reset (the meaning memcored-board(5) gives the
 *           code; the 0x7777 code QEMU's model uses for reset is accepted
 *           as well).
 * Other values and offsets are ignored; reads return 0.  The device only
 * asks: the DeviceHost decides when the machine actually stops, since the
 * request arrives on the vCPU's thread in the middle of an access.
 */
#include "device.h"

#define TEST_POWER_OFF 0x5555
#define TEST_RESET 0x3333
#define TEST_RESET_QEMU 0x7777

static uint64_t test_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque; (void)addr; (void)size;
    return 0;
}

static void test_write(void *opaque, hwaddr addr, uint64_t data,
                       unsigned size)
{
    Device *dev = opaque;
    const DeviceHost *host = dev->host;

    (void)size;
    if (addr != 0 || !host) {
        return;
    }
    switch (data & 0xffff) {
    case TEST_POWER_OFF:
        if (host->power_off) {
            host->power_off(host->opaque, 0);
        }
        break;
    case TEST_RESET:
    case TEST_RESET_QEMU:
        if (host->reset) {
            host->reset(host->opaque);
        }
        break;
    default:
        break;
    }
}

static const MemoryRegionOps test_ops = {
    .read = test_read,
    .write = test_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 2, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 4 },
};

static Device *test_create(const DeviceModel *model, const json_t *dev,
                           JPath *path, Diag *d, uint64_t size)
{
    (void)dev;
    if (size < 4) {
        diag_error(d, jpath_str(path), "sifive-test needs a region of at "
                   "least 4 bytes");
        return NULL;
    }
    return device_new(model, sizeof(Device), &test_ops, size);
}

const DeviceModel device_sifive_test = {
    .name = "sifive-test",
    .summary = "write 0x5555 to power off, 0x3333 to reset",
    .params = (const char *const[]){ NULL },
    .create = test_create,
    .destroy = device_free,
};
