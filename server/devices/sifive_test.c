/*
 * server/devices/sifive_test.c — "sifive-test": how a RISC-V guest ends
 * the run.
 *
 * A 32-bit write to offset 0 whose low 16 bits are, as in QEMU's model
 * (and OpenSBI's driver for it):
 *   0x5555  "pass": powers the machine off, memcored exits 0;
 *   0x3333  "fail": powers the machine off, memcored exits with the code
 *           in the upper 16 bits (its low 8 bits, as any process);
 *   0x7777  asks for a reset.
 * (The spec once gave 0x3333 the reset: a guest built for QEMU reports a
 * failure that way, and would have rebooted for ever.)
 * Other values and offsets are ignored; reads return 0.  The device only
 * asks: the DeviceHost decides when the machine actually stops, since the
 * request arrives on the vCPU's thread in the middle of an access.
 */
#include "device.h"

#define TEST_PASS 0x5555
#define TEST_FAIL 0x3333
#define TEST_RESET 0x7777

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
    case TEST_PASS:
        if (host->power_off) {
            host->power_off(host->opaque, 0);
        }
        break;
    case TEST_FAIL:
        if (host->power_off) {
            host->power_off(host->opaque, (int)((data >> 16) & 0xff));
        }
        break;
    case TEST_RESET:
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
    .summary = "write 0x5555 to power off, 0xNNNN3333 to fail with exit "
               "code NNNN, 0x7777 to reset",
    .params = (const char *const[]){ NULL },
    .create = test_create,
    .destroy = device_free,
};
